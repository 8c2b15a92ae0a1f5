--- Reading an SSDA903 return from its CSV extracts (read_903).
-- Each table (header, episodes, uasc, reviews, missing, oc2, oc3,
-- previous_permanence, and ad1, placed_for_adoption, sw_episodes when
-- present) is read as text with libcsv (host.frame.read_csv), then every
-- field is checked against the specification of the collection year
-- (csc.ssda903.spec): field names, codes, dates and blanks.  A value that
-- breaks the specification is kept as written (its parsed date is nil) and
-- recorded as a validation failure naming file, line, field and, where one
-- exists, the DfE rule code; no record is dropped.  A file that cannot be
-- read at all is one failure for the whole table, never a crash.
-- Line numbers are file lines: the header is line 1, the first record line 2.
-- @module csc.ssda903.read
local hframe = require("host.frame")
local spec_mod = require("csc.ssda903.spec")
local date = require("csc.ssda903.date")

local M = {}
local NA = hframe.NA

--- The tables of a return, in the order they are read.
M.tables = { "header", "episodes", "uasc", "reviews", "missing", "oc2", "oc3", "previous_permanence",
  "ad1", "placed_for_adoption", "sw_episodes" }

--- The DfE rule that a value failing the specification breaks, by
-- specification table and field (rule codes of 903_2024_25_rule_info.csv).
M.field_rules = {
  Header = { SEX = "101", DOB = "102", ETHNIC = "103", MC_DOB = "171", UPN = "168" },
  UASC = { DUC = "104" },
  Episodes = { DECOM = "141", RNE = "143", LS = "144", CIN = "145", PLACE = "146", DEC = "147", REC = "149",
    PLACE_PROVIDER = "178", REASON_PLACE_CHANGE = "1009", PL_LOCATION = "179", URN = "1008" },
  OC3 = { IN_TOUCH = "131", ACTIV = "132", ACCOM = "133" },
  Reviews = { REVIEW = "166", REVIEW_CODE = "167" },
  Missing = { MIS_START = "1004", MIS_END = "1005", MISSING = "1006" },
  OC2 = { SDQ_SCORE = "180", SDQ_REASON = "196" },
  AD1 = { DATE_INT = "112", DATE_MATCH = "113", FOSTER_CARE = "114", NB_ADOPTR = "175", SEX_ADOPTR = "176",
    LS_ADOPTR = "177" },
  PlacedAdoption = { DATE_PLACED = "115", DATE_PLACED_CEASED = "116", REASON_PLACED_CEASED = "120" },
  PrevPerm = { PREV_PERM = "631", DATE_PERM = "632", LA_PERM = "633" },
}

local function header_names(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local line = f:read("l")
  f:close()
  if not line then return nil, "the file is empty" end
  line = line:gsub("^\239\187\191", ""):gsub("\r$", "")
  local names = {}
  for name in (line .. ","):gmatch("([^,]*),") do
    names[#names + 1] = name:gsub('^"(.*)"$', "%1")
  end
  return names
end

--- Add a failure to ret.failures.  f: {rule, table, file, line, child, field, value, message}
function M.fail(ret, f)
  ret.failures[#ret.failures + 1] = f
  ret.rule_count[f.rule] = (ret.rule_count[f.rule] or 0) + 1
end

local function other_year_has(ret, sname, field, v)
  local oy = ret.spec.year == 2024 and 2017 or 2024
  local other = spec_mod.load(oy, ret.spec_dir)
  local fs = other and other.tables[sname] and other.tables[sname][field]
  if fs and fs.codes and fs.codes[v] then return oy end
end

local function check_value(ret, tname, spec_t, rule_t, rec, field, v, path, line)
  local fs = spec_t[field]
  if not fs then return end
  local blank = v == nil or v == ""
  local rule = rule_t and rule_t[field] or "SPEC"
  if blank then
    if not fs.blank_ok then
      M.fail(ret, { rule = rule, table = tname, file = path, line = line, child = rec.CHILD, field = field, value = "",
        message = "is blank, which the specification does not allow" })
    end
    return
  end
  if fs.kind == "date" then
    local d = date.parse(v)
    if not d then
      M.fail(ret, { rule = rule, table = tname, file = path, line = line, child = rec.CHILD, field = field, value = v,
        message = "is not a date in the form dd/mm/yyyy" })
    else
      rec._d[field] = d
    end
  elseif fs.kind == "category" then
    if not fs.codes[v] then
      local shown = {}
      for i = 1, math.min(#fs.code_list, 12) do shown[i] = fs.code_list[i] end
      M.fail(ret, { rule = rule, table = tname, file = path, line = line, child = rec.CHILD, field = field, value = v,
        message = string.format("is not a valid code in the %d specification (allowed: %s%s)%s", ret.spec.year,
          table.concat(shown, ", "), #fs.code_list > 12 and ", ..." or "",
          other_year_has(ret, spec_mod.table_names[tname], field, v)
            and string.format("; it is valid in the %d specification", ret.spec.year == 2024 and 2017 or 2024) or "") })
    end
  elseif fs.kind == "numeric" then
    if not v:match("^%-?%d+$") then
      M.fail(ret, { rule = rule, table = tname, file = path, line = line, child = rec.CHILD, field = field, value = v,
        message = "is not a whole number" })
    end
  end
end

--- Read one table's CSV into ret.tables[name] = {file=, rows={...}}.
local function read_table(ret, name, path, spec)
  local sname = spec_mod.table_names[name]
  local spec_t = spec.tables[sname]
  if not spec_t then
    M.fail(ret, { rule = "SPEC", table = name, file = path, line = 1, message = string.format(
      "the %d specification has no %s table, so its fields were read but not checked", spec.year, sname) })
  end
  local rule_t = M.field_rules[sname]
  local names, err = header_names(path)
  if not names then
    M.fail(ret, { rule = "FILE", table = name, file = path, line = 1, message = "cannot be read: " .. tostring(err) })
    return
  end
  local types = {}
  for _, n in ipairs(names) do if n ~= "" then types[n] = "text" end end
  local f, msg = hframe.read_csv(path, { types = types, origin = "by the SSDA903 reader (every field is read as text)" })
  if not f then
    M.fail(ret, { rule = "FILE", table = name, file = path, line = 1,
      message = "is not a well-formed CSV file, so the table was not read: " .. tostring(msg) })
    return
  end
  local cols = {}
  for _, n in ipairs(f:names()) do cols[n] = f:column(n) end
  local rows = {}
  for i = 1, f:nrow() do
    local rec = {}
    for n, col in pairs(cols) do
      local v = col[i]
      if v ~= NA then rec[n] = v end
    end
    rows[i] = rec
  end
  M.check_rows(ret, name, path, f:names(), rows)
end

--- Check rows (tables of field -> text, blanks absent) of table `name`
-- against the specification and store them as ret.tables[name].  Row i is
-- line i + 1 of `path`, or lines[i] when given (an XML element's line).
function M.check_rows(ret, name, path, names, rows, lines)
  local spec = ret.spec
  local sname = spec_mod.table_names[name]
  local spec_t = spec.tables[sname]
  local rule_t = M.field_rules[sname]
  local present = {}
  for _, n in ipairs(names) do present[n] = true end
  if spec_t then
    for _, n in ipairs(names) do
      if not spec_t[n] then
        M.fail(ret, { rule = "SPEC", table = name, file = path, line = 1, field = n,
          message = string.format("is not a field of the %s table in the %d specification", sname, spec.year) })
      end
    end
    local missing = {}
    for fname in pairs(spec_t) do if not present[fname] then missing[#missing + 1] = fname end end
    table.sort(missing)
    for _, fname in ipairs(missing) do
      M.fail(ret, { rule = "SPEC", table = name, file = path, line = 1, field = fname,
        message = string.format("is missing: the %d specification has it in the %s table", spec.year, sname) })
    end
  end
  for i, rec in ipairs(rows) do
    rec._line, rec._table, rec._d = lines and lines[i] or i + 1, name, {}
    if spec_t then
      for _, n in ipairs(names) do
        if rec[n] == "" then rec[n] = nil end
        check_value(ret, name, spec_t, rule_t, rec, n, rec[n], path, rec._line)
      end
    end
  end
  ret.tables[name] = { file = path, rows = rows, fields = names }
end

--- An empty return of collection year `year` checked against `spec`.
function M.new_return(year, spec, spec_dir)
  return { year = year, spec = spec, spec_dir = spec_dir, tables = {}, failures = {}, rule_count = {},
    start = date.days(year - 1, 4, 1), stop = date.days(year, 3, 31) }
end

--- A return built from Lua tables instead of files (tests, generators):
-- tables = {episodes = {{CHILD = "1", DECOM = "01/04/2019", ...}, ...}, ...};
-- each table is checked as if row i were line i + 1 of "<table>.csv".
function M.from_rows(year, tables, spec_dir)
  local spec, err = spec_mod.load(spec_mod.year_for(year), spec_dir)
  if not spec then return nil, err end
  local ret = M.new_return(year, spec, spec_dir)
  for _, t in ipairs(M.tables) do
    if tables[t] then
      local names, seen = {}, {}
      local sname = spec_mod.table_names[t]
      for fname in pairs(spec.tables[sname] or {}) do names[#names + 1] = fname; seen[fname] = true end
      local rows = {}
      for i, r in ipairs(tables[t]) do
        rows[i] = {}
        for k, v in pairs(r) do
          rows[i][k] = v
          if not seen[k] then seen[k] = true; names[#names + 1] = k end
        end
      end
      table.sort(names)
      M.check_rows(ret, t, t .. ".csv", names, rows)
    end
  end
  return ret
end

--- Read a return.  opts:
--   year   collection year, the year ending 31 March (2018 = 2017-18), required
--   dir    folder holding the CSV files, with optional prefix (e.g. "2018-"):
--          each table is dir/<prefix><table>.csv when present
--   files  {table = path, ...} instead of (or on top of) dir
--   xml    the XML form of the return instead (csc.ssda903.xml): one file
--   spec_dir  folder of the YAML specifications (default ../shared/data/ssda903/spec)
-- Returns the return (a table) or nil and a message when nothing could be read.
function M.read_903(opts)
  assert(type(opts) == "table", "read_903{year = ..., dir = ... | files = {...}}")
  local year = math.tointeger(opts.year)
  if not year then return nil, "read_903: year (the collection year, e.g. 2018 for 2017-18) is required" end
  local spec, err = spec_mod.load(opts.spec_year or spec_mod.year_for(year), opts.spec_dir)
  if not spec then return nil, err end
  local ret = M.new_return(year, spec, opts.spec_dir)
  if opts.xml then
    -- the XML form of the return: one file holding every table
    if require("host.sys").kind(opts.xml) ~= "file" then
      return nil, string.format("read_903: the XML return %s is not found (or is not a file)", opts.xml)
    end
    local ok, xerr = require("csc.ssda903.xml").read_into(ret, opts.xml)
    if not ok then return nil, "read_903: " .. tostring(xerr) .. " (the file is not well-formed XML; fix it at that line)" end
    return ret
  end
  local files, fail_later = {}, nil
  if opts.dir then
    local listing = require("host.sys").listdir(opts.dir)
    if not listing then return nil, string.format("read_903: %s is not a readable folder", opts.dir) end
    local known, prefix = {}, opts.prefix or ""
    for _, t in ipairs(M.tables) do known[prefix .. t .. ".csv"] = t end
    table.sort(listing)
    for _, fname in ipairs(listing) do
      local p = opts.dir .. "/" .. fname
      if known[fname] then files[known[fname]] = p
      elseif fname:sub(1, #prefix) == prefix and fname:lower():match("%.csv$") and not opts.quiet_extra then
        -- a file of this return that is not one of its tables: said, not ignored
        fail_later = fail_later or {}
        fail_later[#fail_later + 1] = p
      end
    end
  end
  for t, p in pairs(opts.files or {}) do
    if not spec_mod.table_names[t] then
      return nil, string.format("read_903: %q is not an SSDA903 table (tables: %s)", t, table.concat(M.tables, ", "))
    end
    files[t] = p
  end
  if next(files) == nil then
    return nil, string.format("read_903: no SSDA903 files found%s", opts.dir and (" in " .. opts.dir
      .. " with prefix \"" .. (opts.prefix or "") .. "\" (expected e.g. " .. (opts.prefix or "") .. "episodes.csv)") or "")
  end
  for _, t in ipairs(M.tables) do
    if files[t] then read_table(ret, t, files[t], spec) end
  end
  for _, p in ipairs(fail_later or {}) do
    M.fail(ret, { rule = "FILE", file = p, line = 1, message = "is not one of the SSDA903 tables this reader knows ("
      .. table.concat(M.tables, ", ") .. "); it was not read. Pass it with files = {table = path} if it is one under another name" })
  end
  for _, t in ipairs({ "header", "episodes" }) do
    if not files[t] then
      M.fail(ret, { rule = "FILE", table = t, message = "the return has no " .. t .. " table; derived variables "
        .. "that need it are not available" })
    end
  end
  return ret
end

return M
