--- The reports csceval's recipes rerun, one record each in
-- data/reports.csv (reference, report, authors, publisher, year, file,
-- url).  A recipe names its report by reference,
--   source = { reference = "RR1030", tables = { "Table 4 (p. 31)" } },
-- and takes the rest of the record from here, so the five seed reports are
-- described once however many recipes rerun them.  A field the recipe gives
-- itself wins; a reference not in the file leaves the source as written
-- (its report is then required, as for any new report).
-- @module csc.sources
local errors = require("csc.errors")
local sys = require("host.sys")
local util = require("csc.util")

local M = {}

--- data/reports.csv of csceval's data folder (csc.util.data_path).
M.path = util.data_path("reports.csv")

local FIELDS = { "reference", "report", "authors", "publisher", "year", "file", "url" }
local cache

--- The catalogue: reference -> record (year a number).
---@return table<string, table>
function M.catalogue()
  if cache then return cache end
  cache = {}
  local text = sys.kind(M.path) == "file" and sys.read(M.path)
  if not text then return cache end
  local rows, msg, line = util.csv_rows(text)
  if not rows then errors.raise("internal", string.format("%s:%d: %s", M.path, line, msg)) end
  local header = rows[1] or {}
  for j, h in ipairs(header) do
    if h ~= FIELDS[j] then
      errors.raise("internal", string.format("%s:1: the columns must be %s", M.path, table.concat(FIELDS, ", ")))
    end
  end
  for i = 2, #rows do
    local rec = {}
    for j, h in ipairs(header) do
      local v = rows[i][j]
      if v ~= nil and v ~= "" then rec[h] = h == "year" and math.tointeger(tonumber(v)) or v end
    end
    if rec.reference then cache[rec.reference] = rec end
  end
  return cache
end

--- Fill a recipe's source from the catalogue record of its reference.
-- Leaves anything that is not a table with a known reference alone (the
-- recipe schema reports what is wrong with it).
---@param source any the recipe's source field
function M.fill(source)
  if type(source) ~= "table" or type(source.reference) ~= "string" then return end
  local rec = M.catalogue()[source.reference]
  if not rec then return end
  for _, k in ipairs(FIELDS) do
    if source[k] == nil then source[k] = rec[k] end
  end
end

return M
