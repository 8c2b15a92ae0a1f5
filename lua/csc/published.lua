--- Published figures: the recipe's `published` list, expanded and set
-- beside the run's estimates.  An entry is one figure ({label, value,
-- tolerance} or {label, printed}); a table entry ({rows = {header, row...}})
-- types in a table as the report printed it and stands for one entry per
-- cell.  A figure given as printed text (".5601378") carries its own
-- tolerance: half a unit of its last printed digit, the largest difference
-- that still rounds to it.  A file entry ({file = "published/x.csv"})
-- types the figures in a CSV file beside the recipe, one a row.
-- Reference: docs/recipes.md ("Published figures").
-- @module csc.published
local S = require("csc.schema")
local errors = require("csc.errors")
local util = require("csc.util")

---@class csc.published
local M = {}

local FIELDS = { "value", "se", "p", "ci_low", "ci_high", "n", "df", "significant", "sign", "positive" }

--- The fields that are a property of an estimate rather than a number it
-- carries: the report's words ("significant", "a downward trend",
-- "positive") as figures.  Each takes the estimate and the run's alpha and
-- gives the figure and a sentence saying how it was found.
M.DERIVED = {
  significant = function(e, alpha)
    if e.p == nil then return nil end
    return e.p < alpha and 1 or 0, string.format("1 when the p-value (%.3f) is below the run's alpha (%s), else 0",
      e.p, alpha)
  end,
  sign = function(e)
    if e.value == nil then return nil end
    return e.value > 0 and 1 or e.value < 0 and -1 or 0,
      string.format("the sign of the estimate (%s): -1 below zero, 0 at zero, +1 above", util.fmt_number(e.value))
  end,
  positive = function(e)
    if e.value == nil then return nil end
    return e.value > 0 and 1 or 0, string.format("1 when the estimate (%s) is above zero, else 0",
      util.fmt_number(e.value))
  end,
}
M.FIELD_DOC = "which part of the estimate the report printed (default value): value, se, p, ci_low, ci_high, "
  .. "n, df, or a property of it: significant (1 when p < the run's alpha, else 0), sign (-1, 0 or +1), "
  .. "positive (1 when the value is above zero, else 0)"

--- On synthetic data, how a figure relates to the data: calibrated into
-- them, designed into their shape, or found by the analysis.
M.SYNTHETIC = { "calibrated", "designed", "found" }
M.SYNTHETIC_DOC = "on synthetic data: the figure was calibrated into the data, designed into their shape, "
  .. "or found by the analysis (default calibrated: agreement by construction)"
M.INPUT_CHECK_DOC = "a check of the input data against another source, not a figure of the report: listed "
  .. "apart from the published figures and not counted with them"

--- The number a printed figure stands for, and half a unit of its last
-- digit; nil when the text is not a plain number.  "-.0031752" -> -0.0031752,
-- 5e-8; "4" -> 4, 0.5; "1,234" -> 1234, 0.5.
---@param s string
---@return number? value
---@return number? tolerance
function M.parse_printed(s)
  if type(s) ~= "string" then return nil end
  local t = s:gsub("^%s+", ""):gsub("%s+$", ""):gsub("^−", "-")
  local sign, int, frac = t:match("^([+-]?)([%d,]*)%.?(%d*)$")
  if not sign or (int == "" and frac == "") or int:find(",,", 1, true) or int:match("^,") then return nil end
  if t:find(".", 1, true) and frac == "" then return nil end
  local v = tonumber(sign .. (int == "" and "0" or int:gsub(",", "")) .. (frac ~= "" and ("." .. frac) or ""))
  if not v then return nil end
  return v, 0.5 * 10 ^ -#frac
end

local printed = S.string({ doc = "the figure as the report printed it, e.g. \".5601378\"; the tolerance is "
  .. "then half a unit of its last digit unless given" })

local function check_printed(p)
  if p.printed ~= nil and M.parse_printed(p.printed) == nil then
    return string.format("%q is not a number as printed (digits, an optional sign, point and thousands commas)",
      p.printed), "printed"
  end
end

--- One published figure.
M.entry = S.record({
  label = S.string({ required = true }),
  value = S.number(),
  printed = printed,
  tolerance = S.number({ min = 0 }),
  estimate = S.string(),
  field = S.enum(FIELDS, { doc = M.FIELD_DOC }),
  unit = S.string(),
  source = S.string(),
  note = S.string(),
  synthetic = S.enum(M.SYNTHETIC, { doc = M.SYNTHETIC_DOC }),
  input_check = S.boolean({ doc = M.INPUT_CHECK_DOC }),
}, { check = function(p)
  local msg, sub = check_printed(p)
  if msg then return msg, sub end
  if p.value == nil and p.printed == nil then return "give value (with tolerance) or printed", "value" end
  if p.value ~= nil and p.printed ~= nil then return "give value or printed, not both", "printed" end
  if p.value ~= nil and p.tolerance == nil then
    return "is required with value: the largest difference counted as reproduced (or give printed = \"...\")",
      "tolerance"
  end
end })

-- A cell of a table entry: printed text, a number (with the entry's
-- tolerance), false (not printed), or a table overriding the entry.
local cell = S.either({ S.string(), S.number(), S.boolean(), S.record({
  printed = printed, value = S.number(), tolerance = S.number({ min = 0 }), note = S.string(),
  label = S.string(), synthetic = S.enum(M.SYNTHETIC),
}) })

local function placeholders(s)
  local out = {}
  for name in tostring(s):gmatch("{([%w_]+)}") do out[#out + 1] = name end
  return out
end

-- Is header name h a key column (named in the label or estimate template)?
local function named_key(p, h)
  for _, t in ipairs({ p.label, p.estimate, p.source or "" }) do
    for _, name in ipairs(placeholders(t)) do if name == h then return true end end
  end
  return false
end

local function check_table(p)
  local header = p.rows[1]
  if type(header) ~= "table" then return "the first row names the columns", "rows[1]" end
  local named = {}
  for j, h in ipairs(header) do
    if type(h) ~= "string" then return "column names are strings", string.format("rows[1][%d]", j) end
    named[h] = true
  end
  for _, f in ipairs({ "label", "estimate", "source" }) do
    for _, name in ipairs(placeholders(p[f] or "")) do
      if name ~= "column" and not named[name] then
        return string.format("{%s} is not a column of the header row%s", name, util.hint(name, header)), f
      end
    end
  end
  for j, h in ipairs(header) do
    local f = not named_key(p, h) and h:match("^[^:]+:(.+)$")
    local known = false
    for _, x in ipairs(FIELDS) do if x == f then known = true end end
    if f and not known then
      return string.format("%q is not a field of an estimate%s (fields: %s)", f, util.hint(f, FIELDS),
        table.concat(FIELDS, ", ")), string.format("rows[1][%d]", j)
    end
  end
  for key in pairs(p.columns or {}) do
    if not named[key] or named_key(p, key) then
      local figs = {}
      for _, h in ipairs(header) do if not named_key(p, h) then figs[#figs + 1] = h end end
      return string.format("%q is not a figure column of the header row%s", tostring(key),
        util.hint(tostring(key), figs)), "columns." .. tostring(key)
    end
  end
  for i = 2, #p.rows do
    local row = p.rows[i]
    if type(row) ~= "table" then return "each row is a list of cells", string.format("rows[%d]", i) end
    if #row ~= #header then
      return string.format("has %d cells and the header row %d (write false for a figure the report did not "
        .. "print)", #row, #header), string.format("rows[%d]", i)
    end
    for j = 1, #header do
      local c = row[j]
      if type(c) == "string" and not named_key(p, header[j]) and M.parse_printed(c) == nil then
        return string.format("%q is not a number as printed", c), string.format("rows[%d][%d]", i, j)
      end
      if type(c) == "number" and p.tolerance == nil then
        return "a number needs the entry's tolerance (or type it as printed text)", string.format("rows[%d][%d]", i, j)
      end
    end
  end
end

--- A published table: rows[1] names the columns; a column named in the
-- label or estimate template ({name}) holds a key of each row, every other
-- column holds figures.  A figure column's name is the estimate's last part
-- ({column}), optionally with ":field" (e.g. "impact:p").
-- The fields a table or file entry gives every figure it stands for, with
-- the words the two kinds of entry need for tolerance and source.
local function shared_fields(fields, tolerance_doc, source_doc)
  fields.tolerance = S.number({ min = 0, doc = tolerance_doc })
  fields.source = S.string({ doc = source_doc })
  fields.field = S.enum(FIELDS, { doc = M.FIELD_DOC })
  fields.unit = S.string()
  fields.note = S.string()
  fields.synthetic = S.enum(M.SYNTHETIC, { doc = M.SYNTHETIC_DOC })
  fields.input_check = S.boolean({ doc = M.INPUT_CHECK_DOC })
  return fields
end

M.table_entry = S.record(shared_fields({
  rows = S.list(S.list(cell), { required = true, min_items = 2 }),
  rows_file = S.string({ doc = "instead of rows: a CSV file beside the recipe holding the table as the report "
    .. "printed it (the header row first; every cell printed text, an empty cell a figure not printed), e.g. "
    .. "\"published/my_table.csv\"" }),
  label = S.string({ required = true, doc = "template, e.g. \"Table 9: {characteristic}, {column}\"" }),
  estimate = S.string({ required = true, doc = "template, e.g. \"absences.balance.{covariate}.{column}\"" }),
  columns = S.map(S.string(), { doc = "figure column -> words for {column} in the label" }),
}, "for cells given as numbers", "where in the report; may name key columns, e.g. \"{table}\""),
  { check = check_table })

--- Figures typed in a CSV file beside the recipe, one a row as the report
-- printed them: {file = "published/x.csv"}.  The header names fields of a
-- published entry (FILE_COLUMNS); the entry's other fields are defaults for
-- every row (a row's own cell wins; an empty cell takes the default).
M.FILE_COLUMNS = { "label", "printed", "value", "tolerance", "estimate", "field", "unit", "source", "note",
  "synthetic", "input_check" }

M.file_entry = S.record(shared_fields({
  file = S.string({ required = true, doc = "a CSV file of figures, relative to the recipe's folder, e.g. "
    .. "\"published/my_recipe.csv\"; columns: " .. table.concat(M.FILE_COLUMNS, ", ") }),
}, "for rows that give value without tolerance", "for rows that give none"))

M.schema = S.list(S.either({ M.table_entry, M.entry, M.file_entry },
  { pick = function(v)
    if type(v) ~= "table" then return nil end
    return (v.rows ~= nil or v.rows_file ~= nil) and 1 or v.file ~= nil and 3 or 2
  end }))

-- entry -> its figures, read by M.load_files
local loaded = setmetatable({}, { __mode = "k" })

local function file_cell(name, text)
  if name == "value" or name == "tolerance" then
    local v = tonumber(text)
    if not v then return nil, string.format("%q is not a number", text) end
    return v
  elseif name == "input_check" then
    if text == "true" then return true elseif text == "false" then return false end
    return nil, string.format("%q is not true or false", text)
  end
  return text
end

-- The rows of a CSV file beside the recipe (field `field` of an entry), or
-- a recipe error naming it.
local function read_rows(name, field, dir)
  local sys = require("host.sys")
  local path = name:sub(1, 1) == "/" and name or (dir .. "/" .. name)
  local text = sys.kind(path) == "file" and sys.read(path)
  if not text then
    errors.raise("recipe", string.format("%s: published figures file not found (%s = %q is read from the "
      .. "recipe's folder %s)", path, field, name, dir))
  end
  local rows, msg, at = util.csv_rows(text)
  if not rows then errors.raise("recipe", string.format("%s:%d: %s", path, at, msg)) end
  return rows, path
end

--- Read the figure files of a published list ({file = ...} entries, and
-- the tables typed in files, {rows_file = ...}), with paths relative to
-- `dir`.  Each row is checked as a published entry; mistakes are recipe
-- errors naming the file, line and column.  Safe to call again (files are
-- read once per entry).
---@param list table[]? the recipe's published list
---@param dir string the recipe's folder
function M.load_files(list, dir)
  if type(list) ~= "table" then return end
  for i, p in ipairs(list) do
    -- a table as printed, typed in a CSV file: its rows become the entry's
    if type(p) == "table" and type(p.rows_file) == "string" and not loaded[p] then
      if p.rows ~= nil then
        errors.raise("recipe", string.format("published[%d]: give rows or rows_file, not both", i))
      end
      local rows, path = read_rows(p.rows_file, "rows_file", dir)
      for r, row in ipairs(rows) do
        if r > 1 and #row ~= #rows[1] then
          errors.raise("recipe", string.format("%s:%d: %d cells, and the header names %d columns", path, row.line,
            #row, #rows[1]))
        end
        local cells = {}
        for j, c in ipairs(row) do
          if r > 1 and c == "" then cells[j] = false else cells[j] = c end   -- a figure not printed
        end
        rows[r] = cells
      end
      p.rows = rows
      loaded[p] = {}
    end
    if type(p) == "table" and type(p.file) == "string" and not loaded[p] then
      local rows, path = read_rows(p.file, "file", dir)
      local function bad(line, msg) errors.raise("recipe", string.format("%s:%d: %s", path, line, msg)) end
      local header = rows[1]
      if not header then bad(1, "the file is empty: the first line names the columns (" ..
        table.concat(M.FILE_COLUMNS, ", ") .. ")") end
      local known = {}
      for _, c in ipairs(M.FILE_COLUMNS) do known[c] = true end
      for _, h in ipairs(header) do
        if not known[h] then
          bad(header.line, string.format("column %q is not a field of a published figure%s (columns: %s)", h,
            util.hint(h, M.FILE_COLUMNS), table.concat(M.FILE_COLUMNS, ", ")))
        end
      end
      local figures = {}
      for r = 2, #rows do
        local row = rows[r]
        if #row ~= #header then
          bad(row.line, string.format("%d cells, and the header names %d columns", #row, #header))
        end
        local e = {}
        for j, h in ipairs(header) do
          if row[j] ~= "" then
            local v, why = file_cell(h, row[j])
            if why then bad(row.line, h .. ": " .. why) end
            e[h] = v
          end
        end
        -- the entry's fields are defaults; its tolerance is for figures
        -- given as values (a printed figure carries its own)
        for k, v in pairs(p) do
          if k ~= "file" and e[k] == nil and not (k == "tolerance" and e.printed ~= nil) then e[k] = v end
        end
        local errs = {}
        S.validate(M.entry, e, "", errs)
        if errs[1] then bad(row.line, (errs[1].path ~= "" and (errs[1].path .. ": ") or "") .. errs[1].msg) end
        e.at = string.format("%s:%d", path, row.line)
        figures[#figures + 1] = e
      end
      loaded[p] = figures
    end
  end
end

local function fill(t, vars)
  return (t:gsub("{([%w_]+)}", function(k) return vars[k] ~= nil and tostring(vars[k]) or "{" .. k .. "}" end))
end

--- The figures a file entry's rows give (after M.load_files), each with
-- `at` = "file:line".
---@param p table a {file = ...} entry
---@return table[]
function M.file_figures(p)
  return loaded[p] or {}
end

-- One figure of a plain entry (or a row of a figures file).
local function figure(p, path)
  local v, half = M.parse_printed(p.printed)
  return { label = p.label, estimate = p.estimate or p.label, value = p.value or v,
    printed = p.printed, tolerance = p.tolerance or half, field = p.field, unit = p.unit,
    source = p.source, note = p.note, synthetic = p.synthetic, input_check = p.input_check, path = path,
    at = p.at }
end

--- The flat list of figures: {label, value, tolerance, printed, estimate,
-- field, unit, source, note, path} (path: the recipe field, for errors).
---@param list table[] the recipe's published list
---@return table[] figures
function M.expand(list)
  local out = {}
  for i, p in ipairs(list or {}) do
    local path = string.format("published[%d]", i)
    if p.rows then
      local header = p.rows[1]
      for r = 2, #p.rows do
        local row, keys = p.rows[r], {}
        for j, h in ipairs(header) do if named_key(p, h) then keys[h] = row[j] end end
        for j, h in ipairs(header) do
          local c = row[j]
          if not named_key(p, h) and c ~= nil and c ~= false then
            local o = type(c) == "table" and c or {}
            local col, field = h:match("^([^:]+):(.+)$")
            col = col or h
            local vars = setmetatable({ column = col }, { __index = keys })
            local words = setmetatable({ column = (p.columns and p.columns[h]) or col }, { __index = keys })
            local pr = type(c) == "string" and c or o.printed
            local v, half = M.parse_printed(pr)
            out[#out + 1] = {
              label = o.label or fill(p.label, words), estimate = fill(p.estimate, vars),
              value = type(c) == "number" and c or o.value or v, printed = pr,
              tolerance = o.tolerance or (pr and half) or p.tolerance,
              field = field or p.field, unit = p.unit, source = p.source and fill(p.source, keys),
              note = o.note or p.note, synthetic = o.synthetic or p.synthetic, input_check = p.input_check,
              path = string.format("%s.rows[%d][%d]", path, r, j),
            }
          end
        end
      end
    elseif p.file then
      for _, e in ipairs(loaded[p] or errors.raise("internal", path .. ": published.load_files was not called")) do
        out[#out + 1] = figure(e, path)
      end
    else
      out[#out + 1] = figure(p, path)
    end
  end
  return out
end

--- A placeholder of a text template: "{label}" or "{label.field}", with
-- an optional format after a colon ("{a.b.p:%.3f}").  The part before the
-- format names an estimate, or an estimate and one of its fields (the
-- fields of a published entry: value, se, p, ci_low, ci_high, n, df,
-- significant, sign, positive).  A number is printed as csceval prints
-- numbers unless a format is given.
M.TEMPLATE_FORMATS = "%%[-+ 0#]*%d*%.?%d*[fFeEgGd]"

local function part_of(e, field, alpha)
  if M.DERIVED[field] then return (M.DERIVED[field](e, alpha)) end
  if field == "ci_low" or field == "ci_high" then return e.ci and e.ci[field == "ci_low" and 1 or 2] end
  return e[field]
end

--- The placeholders of a template and the mistakes in their formats, with
-- no estimates (for checking a recipe before it runs): nil when the text
-- is well formed, else a message.
---@param text string
---@return string? why
function M.check_template(text)
  for inner in tostring(text):gmatch("{([^{}]*)}") do
    local name, fmt = inner:match("^([%w_%.%-]+):(.*)$")
    name = name or inner
    if not name:match("^[%w_%.%-]+$") then
      return string.format("{%s} is not a placeholder: write {estimate} or {estimate.field}, optionally with a "
        .. "format, e.g. {x.effect.p:%%.3f}", inner)
    end
    if fmt and not fmt:match("^" .. M.TEMPLATE_FORMATS .. "$") then
      return string.format("{%s}: %q is not a number format (e.g. %%.3f, %%.1f, %%d, %%g)", inner, fmt)
    end
  end
end

--- Fill a text template ({estimate}, {estimate.field}, {...:%.3f}) from
-- ctx's estimates.  A placeholder that names no estimate, or a field the
-- estimate lacks, is a recipe error prefixed by `where` ("file:line:
-- evidence: ").
---@param ctx table
---@param text string
---@param where string
---@return string
function M.fill_template(ctx, text, where)
  local why = M.check_template(text)
  if why then errors.raise("recipe", where .. why) end
  return (tostring(text):gsub("{([^{}]*)}", function(inner)
    local name, fmt = inner:match("^([%w_%.%-]+):(.*)$")
    name = name or inner
    local e, field = ctx.estimate_index[name], "value"
    if not e then
      local base, f = name:match("^(.+)%.([%w_]+)$")
      for _, x in ipairs(FIELDS) do
        if x == f and ctx.estimate_index[base] then e, field = ctx.estimate_index[base], f end
      end
    end
    if not e then
      local labels = {}
      for _, x in ipairs(ctx.estimates) do labels[#labels + 1] = x.label end
      -- "{upp.p}" most likely means the p of an estimate "upp"
      local base, f = name:match("^(.+)%.([%w_]+)$")
      local known = false
      for _, x in ipairs(FIELDS) do if x == f then known = true end end
      local missing = known and base or name
      errors.raise("recipe", string.format("%s{%s}: no estimate labelled %q was produced%s (write {estimate} or "
        .. "{estimate.field}, field one of %s)", where, inner, missing, util.hint(missing, labels),
        table.concat(FIELDS, ", ")))
    end
    local v = part_of(e, field, ctx.alpha or 0.05)
    if v == nil then
      errors.raise("recipe", string.format("%s{%s}: the estimate %q has no %s", where, inner, e.label, field))
    end
    if not fmt then return type(v) == "number" and util.fmt_number(v) or tostring(v) end
    if fmt:sub(-1) == "d" then
      local i = math.tointeger(v)
      if not i then
        errors.raise("recipe", string.format("%s{%s}: %s is not a whole number; use a format such as %%.0f", where,
          inner, tostring(v)))
      end
      v = i
    end
    return string.format(fmt, v)
  end))
end

--- Compare the recipe's published figures with ctx's estimates.
-- `where(path)` gives the "file:line: path: " prefix for errors.
---@param ctx table
---@param list table[]
---@param where fun(path: string): string
---@return table[] rows
function M.compare(ctx, list, where)
  local out = {}
  for _, p in ipairs(M.expand(list)) do
    local label = p.estimate
    local e = ctx.estimate_index[label]
    if not e then
      local labels = {}
      for _, x in ipairs(ctx.estimates) do labels[#labels + 1] = x.label end
      errors.raise("recipe", string.format("%sno estimate labelled %q was produced%s; the run produced: %s",
        p.at and (p.at .. ": ") or where(p.path), label, util.hint(label, labels), #labels > 0 and table.concat(labels, "; ") or "(none)"))
    end
    -- field picks which part of the estimate the report printed
    local field = p.field or "value"
    local rep, method
    if M.DERIVED[field] then
      rep, method = M.DERIVED[field](e, ctx.alpha or 0.05)
    elseif field == "ci_low" or field == "ci_high" then
      rep = e.ci and e.ci[field == "ci_low" and 1 or 2]
    else
      rep = e[field]
    end
    if rep == nil then
      errors.raise("recipe", string.format("%sthe estimate %q has no %s to compare with",
        p.at and (p.at .. ": ") or where(p.path .. (p.path:find("rows") and "" or ".field")), label, field))
    end
    out[#out + 1] = {
      label = p.label, published = p.value, printed = p.printed, reproduced = rep, tolerance = p.tolerance,
      within = math.abs(rep - p.value) <= p.tolerance + 1e-12,
      unit = p.unit, source = p.source, estimate = label, field = field ~= "value" and field or nil,
      note = p.note, input_check = p.input_check or nil, method = method,
      -- on synthetic data every figure is taken as calibrated into the data
      -- (agreement by construction) unless the recipe says otherwise
      synthetic = ctx.synthetic and (p.synthetic or "calibrated") or nil,
    }
  end
  return out
end

return M
