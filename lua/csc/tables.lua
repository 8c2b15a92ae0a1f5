--- A recipe's result tables made from its inputs, declared:
--   tables = {
--     { name = "annual", input = "monthly",
--       steps = { { aggregate = { { "referrals", "sum", "referral_count" } }, by = "time_period" },
--                 { derive = "share", as = "..." } },
--       caption = "...", digits = 2, note = "...", counts = { "referrals" },
--       estimates = { { label = "annual.referrals.{time_period}", value = "referrals", detail = true } } },
--   }
-- Each entry runs its steps (the verbs of csc.steps: filter, derive,
-- select, bind, aggregate, wider, ...) on the frame of its input and records
-- the result with ctx:table, under the same disclosure control as any
-- result table (`counts` names the count columns of a table built from
-- records about children).  `estimates` records one estimate per row of the
-- table: its label is a template whose {column} parts are filled from the
-- row.  The tables are made after the design and before the recipe's
-- `checks` hook, so its assertions see their estimates; `csceval check`
-- runs their steps too (docs/recipes.md, "Result tables from the inputs").
-- @module csc.tables
local S = require("csc.schema")
local steps = require("csc.steps")
local errors = require("csc.errors")
local util = require("csc.util")

local M = {}

local COLUMN = { pattern = "^[^`]+$", pattern_doc = "a column name (no backticks)" }

M.estimate_schema = S.record({
  label = S.string({ required = true, doc = "the estimate's label, a template: {column} is the row's value of "
    .. "that column (whole numbers without decimals), e.g. \"annual.referrals.{time_period}\"" }),
  value = S.string({ required = true, pattern = COLUMN.pattern, pattern_doc = COLUMN.pattern_doc,
    doc = "the column holding the estimate's value" }),
  unit = S.string(), group = S.string(), method = S.string(), title = S.string(),
  detail = S.boolean({ doc = "listed with the detail estimates (results.json), not in the report's main table" }),
})

M.entry_schema = S.record({
  name = S.string({ required = true, pattern = "^[%w_%-]+$", pattern_doc = "letters, digits, _ and - (it becomes "
    .. "name.csv)", doc = "the table's name (name.csv in the outputs)" }),
  input = S.string({ required = true, doc = "the input the table is made from (a key of `inputs`)" }),
  steps = steps.schema,
  caption = S.string(),
  digits = S.either({ S.integer({ min = 0 }), S.map(S.integer({ min = 0 })) },
    { doc = "decimal places shown: a number, or column = places" }),
  note = S.string(),
  labels = S.map(S.string(), { doc = "column name -> words for the report" }),
  csv = S.boolean({ doc = "write name.csv (default true)" }),
  counts = S.list(S.string(), { doc = "the columns of counts of children: disclosure control suppresses those "
    .. "from 1 to the threshold (docs/privacy.md)" }),
  row_total = S.string({ doc = "disclosure control: the column holding each row's total of the counts" }),
  total_row = S.boolean({ doc = "disclosure control: the last row is the total of the rows above it" }),
  estimates = S.list(M.estimate_schema, { doc = "estimates read from the table, one per row and entry" }),
})

M.schema = S.list(M.entry_schema, { doc = "result tables made from the inputs by steps, written as any result "
  .. "table (docs/recipes.md, \"Result tables from the inputs\")" })

-- A cell as a label part: whole numbers without decimals (2018, not 2018.0).
local function label_part(v)
  if type(v) == "number" then
    local i = math.tointeger(v)
    if i then return tostring(i) end
    return util.fmt_number and util.fmt_number(v) or tostring(v)
  end
  return tostring(v)
end

--- The frame of one entry: its input through its steps.  raise(path,
-- message, kind) reports a mistake at tables[i].<field> with the recipe's line.
function M.frame(entry, i, data, raise)
  local path = string.format("tables[%d]", i)
  local f = data[entry.input]
  if f == nil then
    raise(path .. ".input", string.format("%q is not among the inputs%s", entry.input,
      util.hint(entry.input, util.sorted_keys(data))))
  end
  -- no run context: a table's filter chooses the rows it shows, it does not
  -- leave records out of the analysis, so nothing is recorded as dropped
  return steps.run(f, entry.steps or {}, { data = data, input = entry.input, path = path .. ".steps",
    raise = raise })
end

--- Record each entry's table and estimates on ctx (after the design).
function M.run(ctx, list, data, raise)
  raise = raise or function(path, msg, kind) errors.raise(kind or "recipe", path .. ": " .. msg) end
  for i, entry in ipairs(list or {}) do
    local path = string.format("tables[%d]", i)
    local f = M.frame(entry, i, data, raise)
    local opts = {}
    for _, k in ipairs({ "caption", "digits", "note", "labels", "csv", "counts", "row_total", "total_row" }) do
      opts[k] = entry[k]
    end
    for _, c in ipairs(entry.counts or {}) do
      if not f:has(c) then
        raise(path .. ".counts", string.format("the table has no column %q%s", c, util.hint(c, f:names())))
      end
    end
    if ctx.table_index[entry.name] then
      raise(path .. ".name", string.format("%q is already a table of this run; give another name", entry.name))
    end
    -- the estimates are read from the table as recorded, after disclosure
    -- control: a suppressed cell gives an estimate without a value
    local rec = ctx:table(entry.name, f, opts)
    local col_of, is_count = {}, {}
    for j, c in ipairs(rec.columns) do col_of[c] = j end
    for _, c in ipairs(entry.counts or {}) do is_count[c] = true end
    for j, e in ipairs(entry.estimates or {}) do
      local epath = string.format("%s.estimates[%d]", path, j)
      if not col_of[e.value] then
        raise(epath .. ".value", string.format("the table has no column %q%s", e.value, util.hint(e.value, rec.columns)))
      end
      for col in e.label:gmatch("{([^}]*)}") do
        if not col_of[col] then
          raise(epath .. ".label", string.format("{%s}: the table has no column %q%s", col, col,
            util.hint(col, rec.columns)))
        end
      end
    end
    for _, row in ipairs(rec.rows) do
      for _, e in ipairs(entry.estimates or {}) do
        local label = e.label:gsub("{([^}]*)}", function(col) return label_part(row[col_of[col]]) end)
        local v = row[col_of[e.value]]
        ctx:estimate{ label = label, value = type(v) == "number" and v or nil, unit = e.unit, group = e.group,
          detail = e.detail, method = e.method, title = e.title, count = is_count[e.value] or nil }
      end
    end
  end
end

return M
