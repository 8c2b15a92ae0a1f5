--- What recipes cite, each described once in csceval's data folder:
--  * the reports they rerun, in data/reports.csv (reference, report,
--    authors, publisher, year, file, url).  A recipe names its report by
--    reference,
--      source = { reference = "RR1030", tables = { "Table 4 (p. 31)" } },
--    and takes the rest of the record from here;
--  * the data sets they read, in data/datasets.csv: the shared public
--    statistics and csceval's own synthetic files (name, path, description,
--    columns: space-separated, types: column:type pairs, record_level,
--    synthetic, generator, real_data: what the real file is and who holds
--    it).  An input names one,
--      neighbours = { dataset = "statistical_neighbours_2021" },
--    and takes those fields from here, so a data set's provenance is written
--    once however many recipes read it.
--  * which of those data sets are statistical-neighbour groupings, in
--    data/neighbour_groupings.csv (dataset, code_column: the column of the
--    authority's code, model: the model's name in reports).  A design that
--    names a groupings input,
--      neighbours = { input = "neighbours" },
--    takes the file's code column and model name from here, so the layout
--    of the groupings file is written once, not in every recipe.
-- A field the recipe gives itself wins; a name not in the file leaves the
-- recipe as written (the recipe schema then says what is missing).
-- @module csc.sources
local errors = require("csc.errors")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- The catalogue files (csc.util.data_path).
M.reports_path = util.data_path("reports.csv")
M.datasets_path = util.data_path("datasets.csv")
M.groupings_path = util.data_path("neighbour_groupings.csv")

local REPORT_FIELDS = { "reference", "report", "authors", "publisher", "year", "file", "url" }
local DATASET_FIELDS = { "name", "path", "description", "columns", "types", "record_level", "synthetic",
  "generator", "real_data" }
local GROUPING_FIELDS = { "dataset", "code_column", "model" }
local cache = {}

-- The records of catalogue `path` with columns `fields` (the first is the
-- key), as key -> record; convert(field, text) gives a field's value.
local function catalogue(path, fields, convert)
  if cache[path] then return cache[path] end
  local out = {}
  cache[path] = out
  local text = sys.kind(path) == "file" and sys.read(path)
  if not text then return out end
  local rows, msg, line = util.csv_rows(text)
  if not rows then errors.raise("internal", string.format("%s:%d: %s", path, line, msg)) end
  local header = rows[1] or {}
  for j, h in ipairs(header) do
    if h ~= fields[j] then
      errors.raise("internal", string.format("%s:1: the columns must be %s", path, table.concat(fields, ", ")))
    end
  end
  for i = 2, #rows do
    local rec = {}
    for j, h in ipairs(header) do
      local v = rows[i][j]
      if v ~= nil and v ~= "" then rec[h] = convert(h, v) end
    end
    if rec[fields[1]] then out[rec[fields[1]]] = rec end
  end
  return out
end

--- The reports: reference -> record (year a number).
---@return table<string, table>
function M.catalogue()
  return catalogue(M.reports_path, REPORT_FIELDS, function(h, v)
    return h == "year" and math.tointeger(tonumber(v)) or v
  end)
end

--- The data sets: name -> record (columns a list, types a map, the flags
-- booleans).
---@return table<string, table>
function M.datasets()
  return catalogue(M.datasets_path, DATASET_FIELDS, function(h, v)
    if h == "record_level" or h == "synthetic" then
      if v ~= "true" and v ~= "false" then
        errors.raise("internal", string.format("%s: %s must be true or false, not %q", M.datasets_path, h, v))
      end
      return v == "true"
    elseif h == "columns" then
      local list = {}
      for c in v:gmatch("%S+") do list[#list + 1] = c end
      return list
    elseif h == "types" then
      local map = {}
      for c, t in v:gmatch("(%S+):(%S+)") do map[c] = t end
      return map
    end
    return v
  end)
end

-- Copy the fields of rec that t does not give.
local function fill_from(t, rec, fields)
  for _, k in ipairs(fields) do
    if t[k] == nil then t[k] = rec[k] end
  end
end

--- Fill a recipe's source from the catalogue record of its reference.
-- Leaves anything that is not a table with a known reference alone.
---@param source any the recipe's source field
function M.fill(source)
  if type(source) ~= "table" or type(source.reference) ~= "string" then return end
  local rec = M.catalogue()[source.reference]
  if rec then fill_from(source, rec, REPORT_FIELDS) end
end

--- Fill each input that names a data set ({dataset = "..."}) with the
-- data set's fields (path, description, columns, types, provenance).
---@param inputs any the recipe's inputs field
function M.fill_inputs(inputs)
  if type(inputs) ~= "table" then return end
  for _, inp in pairs(inputs) do
    if type(inp) == "table" and type(inp.dataset) == "string" then
      local rec = M.datasets()[inp.dataset]
      if rec then fill_from(inp, rec, { table.unpack(DATASET_FIELDS, 2) }) end
    end
  end
end

--- The statistical-neighbour groupings: data set name -> record.
---@return table<string, table>
function M.groupings()
  return catalogue(M.groupings_path, GROUPING_FIELDS, function(_, v) return v end)
end

--- Fill a design's statistical neighbours that name a groupings input
-- ({input = "..."}, whose data set, or the file at its path, is in
-- data/neighbour_groupings.csv):
-- design.neighbours (the benchmark design) gets the code column and the
-- model's name, design.select.neighbours (cits) the code column.
---@param design any the recipe's design field
---@param inputs any the recipe's inputs field
function M.fill_neighbours(design, inputs)
  if type(design) ~= "table" or type(inputs) ~= "table" then return end
  local function fill(nb, fields)
    if type(nb) ~= "table" or type(nb.input) ~= "string" then return end
    local inp = inputs[nb.input]
    if type(inp) ~= "table" then return end
    local rec = type(inp.dataset) == "string" and M.groupings()[inp.dataset]
    if not rec and type(inp.path) == "string" then
      -- an input that gives the path of a listed groupings file
      for name, g in pairs(M.groupings()) do
        local ds = M.datasets()[name]
        if ds and ds.path == inp.path then rec = g end
      end
    end
    if rec then fill_from(nb, rec, fields) end
  end
  fill(design.neighbours, { "code_column", "model" })
  if type(design.select) == "table" then fill(design.select.neighbours, { "code_column" }) end
end

return M
