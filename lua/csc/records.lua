--- Rows of records from a table typed as the report printed it.
-- A recipe types a report's table once, as a list of rows of cells
-- (`{ 13, false, 194 }`), and a field that takes a list of records
-- (`{ {label =, returned =, sent =}, ... }`) takes the typed table with a
-- mapping of its columns instead of a loop:
--
--   rows = { table = TABLE3, columns = { "returned", false, "sent" }, add = { label = "row {n}" } }
--
-- `columns` names the field each column fills (false: a column left out);
-- without it the table's first row is its header.  `add` gives fields of
-- every record from templates: {n} is the row's number (after the header),
-- {name} a named cell.  Cells keep their values, false included (a figure
-- the report did not print).  A field's schema says it takes either form
-- with `records.schema(item)`; the consumer reads records with
-- `records.of(v)`.
-- @module csc.records
local S = require("csc.schema")
local errors = require("csc.errors")

local M = {}

--- Is v a typed table ({table = ...}) rather than a list of records?
function M.typed(v)
  return type(v) == "table" and v.table ~= nil
end

local function fill(template, rec, n)
  return (template:gsub("{([%w_]+)}", function(k)
    if k == "n" then return tostring(n) end
    local c = rec[k]
    if c == nil then return nil end
    return tostring(c)
  end))
end

--- The records of a typed table, or nil, a message and the field it is
-- about (relative to the typed table: "table[3]", "columns[2]").
function M.convert(v)
  if type(v.table) ~= "table" then return nil, "must be a list of rows", "table" end
  local first, columns = 1, v.columns
  if columns == nil then
    columns, first = v.table[1], 2
    if type(columns) ~= "table" then return nil, "the first row names the columns (or give columns)", "table[1]" end
  elseif type(columns) ~= "table" then
    return nil, "must list the field each column fills (false: leave the column out)", "columns"
  end
  local where = first == 2 and "table[1]" or "columns"
  local seen = {}
  for j = 1, #columns do
    local c = columns[j]
    if c ~= false and (type(c) ~= "string" or c == "") then
      return nil, string.format("column %d: a field name or false, got %s", j, tostring(c)), string.format("%s[%d]", where, j)
    end
    if c then
      if seen[c] then return nil, string.format("the field %q is named twice", c), string.format("%s[%d]", where, j) end
      seen[c] = true
    end
  end
  local add = v.add or {}
  if type(add) ~= "table" then return nil, "must be a table {field = \"template\"}", "add" end
  for k, t in pairs(add) do
    if type(k) ~= "string" or type(t) ~= "string" then
      return nil, "must map field names to text templates ({n}: the row number, {field}: a cell)", "add"
    end
    if seen[k] then return nil, string.format("%q is also a column", k), "add." .. k end
  end
  local out = {}
  for i = first, #v.table do
    local row = v.table[i]
    if type(row) ~= "table" then return nil, "each row is a list of cells", string.format("table[%d]", i) end
    if #row ~= #columns then
      return nil, string.format("has %d cells and the columns are %d (type false for a figure the report did not "
        .. "print)", #row, #columns), string.format("table[%d]", i)
    end
    local rec = {}
    for j = 1, #columns do
      if columns[j] then rec[columns[j]] = row[j] end
    end
    local n = i - first + 1
    for k, t in pairs(add) do rec[k] = fill(t, rec, n) end
    out[#out + 1] = rec
  end
  return out
end

--- The records a field holds: a list of records as given, or the records
-- of a typed table (a recipe error, naming `path`, when it is malformed).
function M.of(v, path)
  if not M.typed(v) then return v end
  local recs, msg, sub = M.convert(v)
  if not recs then errors.raise("recipe", string.format("%s.%s: %s", path or "rows", sub, msg)) end
  return recs
end

--- A schema for a field of records: a list of `item` (a csc.schema record),
-- or a typed table whose records are checked against `item`.  `o` as for
-- any field (required, doc, min_items).
function M.schema(item, o)
  o = o or {}
  local list = S.list(item, { min_items = o.min_items })
  local typed = S.record({
    table = S.list(S.any(), { required = true, doc = "the table as typed, one list of cells a row" }),
    columns = S.list(S.any(), { doc = "the field each column fills, false to leave it out (default: the first row)" }),
    add = S.map(S.string(), { doc = "fields of every record from templates: {n} the row number, {field} a cell" }),
  }, { check = function(v)
    local recs, msg, sub = M.convert(v)
    if not recs then return msg, sub end
    local errs = {}
    S.validate(list, recs, "", errs)
    local e = errs[1]
    if e then
      local i, rest = e.path:match("^%[(%d+)%]%.?(.*)$")
      if i then
        local row = tonumber(i) + (v.columns == nil and 1 or 0)
        return (rest ~= "" and (rest .. ": ") or "") .. e.msg, string.format("table[%d]", row)
      end
      return e.msg, "table"
    end
  end })
  local s = S.either({ list, typed }, { required = o.required, doc = o.doc,
    pick = function(v) return M.typed(v) and 2 or 1 end })
  return s
end

return M
