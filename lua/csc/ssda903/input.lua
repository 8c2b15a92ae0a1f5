--- A recipe input in SSDA903 form: `format = "ssda903"` with `path` a folder
-- of CSV extracts and `years` the collection years (years ending 31 March)
-- to read.  The file of table T for year Y is PATH/<prefix>T.csv where
-- prefix is the input's `prefix` with "{year}" replaced by Y and "{start}"
-- by Y - 1, the year the collection starts (default "{year}-":
-- 2018-episodes.csv).  Each year is read and validated
-- (csc.ssda903.read, csc.ssda903.validate); the recipe receives a table
-- {kind = "ssda903", years = {...}, returns = {[Y] = return}, failures = n}.
-- With `xml = "{year}.xml"` each year is instead the XML form of the return,
-- PATH/<xml> with {year} and {start} replaced (csc.ssda903.xml); a folder
-- without the year's CSV extracts but with Y.xml is read that way too.
-- Nothing is dropped: a record that breaks a rule is kept and its failure
-- is carried into the report.  Each year whose previous year is also read
-- is checked against it too (csc.ssda903.validate_last), unless the input
-- says last_year_rules = false.
-- @module csc.ssda903.input
local read = require("csc.ssda903.read")
local validate = require("csc.ssda903.validate")
local sys = require("host.sys")

local M = {}

--- Load input `name` (recipe input table inp) from folder `path`.
-- Returns the object and a provenance record, or raises a data error via
-- raise(msg).
function M.load(name, inp, path, raise)
  if sys.kind(path) == nil then
    raise(string.format("folder %s not found; pass --data %s=FOLDER (the folder of the return's CSV files)", path, name))
  end
  if sys.kind(path) ~= "dir" then
    raise(string.format("%s is not a folder; an ssda903 input's path is the folder holding the return's CSV files", path))
  end
  local years = inp.years or (inp.year and { inp.year })
  if not years or #years == 0 then raise("an ssda903 input needs years = {...} (collection years ending 31 March)") end
  local obj = { kind = "ssda903", years = {}, returns = {}, failures = 0 }
  local hashes, rows, nfiles = {}, 0, 0
  for _, y in ipairs(years) do
    local prefix = (inp.prefix or "{year}-"):gsub("{year}", tostring(y)):gsub("{start}", tostring(y - 1))
    local ret, err
    local xml = inp.xml
    -- a folder with no CSV extracts for the year but a file Y.xml holds XML
    -- returns: read them, so --data returns=FOLDER works with either form
    if not xml and sys.kind(path .. "/" .. prefix .. "header.csv") == nil
        and sys.kind(path .. "/" .. prefix .. "episodes.csv") == nil and sys.kind(path .. "/" .. y .. ".xml") == "file" then
      xml = "{year}.xml"
    end
    if xml then
      -- the XML form: one file per year, PATH/<xml> with {year} and {start} replaced
      local file = path .. "/" .. xml:gsub("{year}", tostring(y)):gsub("{start}", tostring(y - 1))
      ret, err = read.read_903({ xml = file, year = y })
    else
      ret, err = read.read_903({ dir = path, prefix = prefix, year = y, quiet_extra = true })
    end
    if not ret then raise(err) end
    -- a table that cannot be read at all, or a return without its header or
    -- episodes, is a data error: the analysis would silently lose children
    for _, f in ipairs(ret.failures) do
      if f.rule == "FILE" then
        raise(string.format("SSDA903 %d (files %s*.csv): %s%s; fix or replace the file and run again", y, prefix,
          f.file and (f.file .. " ") or "", f.message))
      end
    end
    validate.validate(ret)
    obj.years[#obj.years + 1] = y
    obj.returns[y] = ret
    obj.failures = obj.failures + #ret.failures
    local hashed = {}
    for _, t in ipairs(read.tables) do
      local tab = ret.tables[t]
      if tab then
        rows = rows + #tab.rows
        if not hashed[tab.file] then
          hashed[tab.file] = true
          nfiles = nfiles + 1
          hashes[#hashes + 1] = tab.file .. " " .. (sys.sha256_file(tab.file) or "?")
        end
      end
    end
  end
  -- the rules that compare a return with the year before, for each year
  -- whose previous year is in the input too
  local VL = require("csc.ssda903.validate_last")
  for _, y in ipairs(obj.years) do
    local ret, last = obj.returns[y], obj.returns[y - 1]
    if last and inp.last_year_rules ~= false then
      local before = #ret.failures
      VL.validate_last(ret, last)
      obj.failures = obj.failures + #ret.failures - before
    end
  end
  local prov = {
    name = name, path = path, sha256 = sys.sha256(table.concat(hashes, "\n")),
    rows = rows, columns = nfiles, synthetic = inp.synthetic or false, replaced = false,
    description = inp.description, record_level = true,
    files = hashes,
  }
  return setmetatable(obj, { __name = "csc.ssda903.Input" }), prov
end

return M
