--- SSDA903 field specifications, read from the YAML schemas in
-- ../shared/data/ssda903/spec/ (SSDA903_schema_2017.yml, SSDA903_schema_2024.yml)
-- through libyaml (host.yaml).  A specification says, per table and field,
-- the kind (string, date, category, numeric), the date format, the allowed
-- codes and whether the field may be blank.
-- @module csc.ssda903.spec
local yaml = require("host.yaml")

local M = {}

--- Where the specifications are looked for, in order.
M.dirs = { "../shared/data/ssda903/spec" }

--- Table name in the return -> the table's name in the specification.
M.table_names = {
  header = "Header", episodes = "Episodes", uasc = "UASC", reviews = "Reviews", missing = "Missing",
  oc2 = "OC2", oc3 = "OC3", previous_permanence = "PrevPerm", ad1 = "AD1",
  placed_for_adoption = "PlacedAdoption", sw_episodes = "SocialWorker",
}

--- The specification year for a collection year (year ending 31 March):
-- the 2024 schema from the 2023-24 collection on, the 2017 schema before.
function M.year_for(collection_year)
  if collection_year and collection_year >= 2024 then return 2024 end
  return 2017
end

local cache = {}

--- Load the specification of `year` (2017 or 2024).  Returns the spec, or
-- nil and a message.  spec.tables[Name][FIELD] = {kind=, format=, codes=set,
-- code_list=, blank_ok=}.
function M.load(year, dir)
  local key = tostring(year) .. "|" .. tostring(dir)
  if cache[key] then return cache[key] end
  local path, tried = nil, {}
  for _, d in ipairs(dir and { dir } or M.dirs) do
    local p = string.format("%s/SSDA903_schema_%d.yml", d, year)
    tried[#tried + 1] = p
    local f = io.open(p, "rb")
    if f then f:close(); path = p; break end
  end
  if not path then
    return nil, string.format("the SSDA903 specification for %d was not found (looked for %s); keep "
      .. "../shared/data/ssda903/spec/ beside the project", year, table.concat(tried, ", "))
  end
  local doc, err = yaml.load_file(path)
  if not doc then return nil, err end
  if type(doc) ~= "table" or type(doc.column_map) ~= "table" then
    return nil, path .. ": expected a column_map of tables and fields"
  end
  local spec = { year = year, path = path, tables = {} }
  for tname, fields in pairs(doc.column_map) do
    local t = {}
    for fname, f in pairs(fields) do
      local e = { blank_ok = f.canbeblank == "yes" }
      if f.date then e.kind, e.format = "date", f.date
      elseif f.category then
        e.kind, e.codes, e.code_list = "category", {}, {}
        for _, c in ipairs(f.category) do
          if type(c) == "table" and c.code then e.codes[c.code] = c.name or true; e.code_list[#e.code_list + 1] = c.code end
        end
      elseif f.numeric then e.kind, e.numeric = "numeric", f.numeric
      else e.kind = "string" end
      t[fname] = e
    end
    spec.tables[tname] = t
  end
  cache[key] = spec
  return spec
end

return M
