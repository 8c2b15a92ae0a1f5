--- report.xlsx (--xlsx): the run's results as an Excel workbook for
-- analysts who publish in Excel.  Sheets, in order:
--   About      the recipe, its source report, the synthetic-data mark when
--              it applies, the inputs with their SHA-256 (provenance) and
--              the reproducibility stamp;
--   Published  published against reproduced, one figure a row;
--   Estimates  every estimate with its interval, p-value and n;
--   then one sheet per result table (the same tables as the CSV files).
-- Numbers are stored as numbers, formatted to the precision the reports
-- show (a table's `digits`, else whole numbers as they are, other numbers
-- with 2 decimals or 1 from 100 up); suppressed cells keep their EES symbol
-- ("c"), and missing or non-finite values are written as "x" (EES: not
-- available).  The workbook is made in memory (host.xlsx, libxlsxwriter)
-- and written with the other outputs, atomically.
-- @module csc.render.xlsx
local report = require("csc.render.report")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

--- The EES symbol for a value that is not available (missing, NaN, Inf).
M.NOT_AVAILABLE = "x"

--- The workbook's creation time, fixed (1980-01-01, the ZIP epoch) so that
-- the same run gives the same bytes.
M.CREATED = 315532800

M.SYNTHETIC_NOTE = "SYNTHETIC DATA: the inputs marked synthetic were made to match the published figures, "
  .. "so agreement with them is by construction, not a finding."

local function fixed_format(d)
  if d <= 0 then return "0" end
  return "0." .. string.rep("0", math.min(d, 15))
end

--- A cell for a value: { v = number, fmt = "0.00" } for finite numbers at
-- the reports' precision, the EES "x" for missing, the text otherwise.
function M.cell(v, digits)
  if v == nil or v == NA then return M.NOT_AVAILABLE end
  if type(v) == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return M.NOT_AVAILABLE end
    if math.type(v) == "integer" then return { v = v, fmt = "0" } end
    if digits then return { v = v, fmt = fixed_format(digits) } end
    if v == math.floor(v) and math.abs(v) < 1e15 then return { v = v, fmt = "0" } end
    return { v = v, fmt = fixed_format(math.abs(v) >= 100 and 1 or 2) }
  end
  if type(v) == "boolean" then return v and "TRUE" or "FALSE" end
  return tostring(v)
end

--- A number given to a precision: { v, fmt } or "x".
local function num(v, fmt)
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    return v == nil and nil or M.NOT_AVAILABLE
  end
  return { v = v, fmt = fmt }
end

local function decimals(x)
  if type(x) ~= "number" then return 0 end
  local t = util.fmt_number(x)
  if t:find("e") then return 6 end
  local frac = t:match("%.(%d+)$")
  return frac and #frac or 0
end

local function head(list)
  local out = {}
  for j, c in ipairs(list) do out[j] = { v = tostring(c), bold = true } end
  return out
end

local function widths(rows, ncol)
  local w = {}
  for j = 1, ncol do
    local m = 8
    for i = 1, math.min(#rows, 200) do
      local c = rows[i][j]
      local s = type(c) == "table" and tostring(c.v) or (c and tostring(c) or "")
      m = math.max(m, math.min(utf8.len(s) or #s, 60) + 2)
    end
    w[j] = m
  end
  return w
end

local function sheet(name, columns, body, notes)
  local rows = { head(columns) }
  for _, r in ipairs(body) do rows[#rows + 1] = r end
  local w = widths(rows, #columns)
  if notes and #notes > 0 then
    rows[#rows + 1] = {}
    for _, n in ipairs(notes) do rows[#rows + 1] = { n } end
  end
  return { name = name, ncol = math.max(#columns, 1), rows = rows, widths = w, freeze = true }
end

--- Sheet names: at most 31 characters, none of []:*?/\, unique ignoring
-- case (Excel's rules), and not one of the fixed sheets.
function M.sheet_name(name, used)
  local base = tostring(name):gsub("[%[%]:%*%?/\\]", "_"):gsub("^'", "_"):gsub("'$", "_")
  if base == "" then base = "table" end
  -- cut at a character boundary
  local function cut(s, n)
    if (utf8.len(s) or #s) <= n then return s end
    return s:sub(1, (utf8.offset(s, n + 1) or (n + 1)) - 1)
  end
  local out, k = cut(base, 31), 1
  while used[out:lower()] do
    k = k + 1
    local suffix = "~" .. k
    out = cut(base, 31 - #suffix) .. suffix
  end
  used[out:lower()] = true
  return out
end

local function about(ctx, r, stamp)
  local s = r.spec
  local rows = {}
  local function kv(k, v) if v ~= nil then rows[#rows + 1] = { { v = k, bold = true }, tostring(v) } end end
  if ctx.synthetic then rows[#rows + 1] = { { v = "Synthetic data", bold = true }, M.SYNTHETIC_NOTE } end
  kv("Title", s.title)
  kv("Recipe", ctx.id)
  kv("Question", s.question)
  kv("Design", s.design.label or s.design.type)
  if type(s.source) == "table" then
    kv("Source report", s.source.report)
    kv("Reference", s.source.reference)
  end
  kv("csceval", stamp.csceval)
  kv("Recipe file", stamp.recipe)
  kv("Recipe SHA-256", stamp.recipe_sha256)
  kv("Seed", stamp.seed)
  kv("Command", stamp.command)
  rows[#rows + 1] = {}
  rows[#rows + 1] = head({ "Input", "Path", "SHA-256", "Rows", "Columns", "Synthetic" })
  for _, p in ipairs(ctx.provenance) do
    rows[#rows + 1] = { p.name, p.path or "", p.sha256 or "", num(p.rows, "0"), num(p.columns, "0"),
      p.synthetic and "yes" or "no" }
  end
  return { name = "About", ncol = 6, rows = rows, widths = { 18, 60, 66, 10, 10, 10 } }
end

local function published_sheet(published)
  local body = {}
  for _, p in ipairs(published) do
    local d = math.max(p.printed and #(p.printed:match("%.(%d+)") or "") or decimals(p.published),
      decimals(p.tolerance))
    local fmt = fixed_format(d)
    local diff = (type(p.reproduced) == "number" and type(p.published) == "number")
      and num(p.reproduced - p.published, fixed_format(math.min(d + 1, 6))) or nil
    body[#body + 1] = { p.label, num(p.published, fmt), num(p.reproduced, fixed_format(math.min(d + 1, 6))), diff,
      num(p.tolerance, fixed_format(decimals(p.tolerance))), p.within and "yes" or "no", p.unit, p.source,
      p.input_check and "input check" or "published figure",
      p.synthetic and (p.synthetic == "found" and "found by the analysis" or ("by construction (" .. p.synthetic .. ")")) or nil,
      p.note }
  end
  return sheet("Published", { "Figure", "Published", "Reproduced", "Difference", "Tolerance", "Within tolerance",
    "Unit", "Source", "Kind", "Synthetic data", "Note" }, body)
end

local function estimates_sheet(ctx)
  local body = {}
  for _, e in ipairs(ctx.estimates) do
    body[#body + 1] = { e.label, M.cell(e.value), num(e.se, "0.0000"),
      e.ci and num(e.ci[1], "0.00") or nil, e.ci and num(e.ci[2], "0.00") or nil,
      num(e.p, "0.0000"), num(e.n, "0"), e.unit, e.method, e.group }
  end
  return sheet("Estimates", { "Estimate", "Value", "SE", "CI low", "CI high", "p", "n", "Unit", "Method", "Group" }, body)
end

--- The workbook model host.xlsx writes: { title, comments, created, sheets }.
function M.model(ctx, r, published, stamp)
  local used = { about = true, published = true, estimates = true }
  local sheets = { about(ctx, r, stamp), published_sheet(published), estimates_sheet(ctx) }
  for _, t in ipairs(ctx.tables) do
    local body = {}
    for i, row in ipairs(t.rows) do
      local cells = {}
      for j, c in ipairs(t.columns) do cells[j] = M.cell(row[j], report.digits_for(t, c)) end
      body[i] = cells
    end
    local notes = {}
    if t.caption then notes[#notes + 1] = t.caption end
    if t.note then notes[#notes + 1] = t.note end
    if ctx.synthetic then notes[#notes + 1] = M.SYNTHETIC_NOTE end
    if #t.rows + 3 + #notes > 1048576 then
      require("csc.errors").raise("output", string.format("table %s has %d rows, more than an Excel sheet "
        .. "holds (1048576); leave out --xlsx and use %s.csv", t.name, #t.rows, t.name))
    end
    local sh = sheet(M.sheet_name(t.name, used), t.columns, body, notes)
    sh.table = t.name
    sheets[#sheets + 1] = sh
  end
  return { title = r.spec.title, comments = ctx.synthetic and M.SYNTHETIC_NOTE or nil, created = M.CREATED,
    sheets = sheets }
end

--- report.xlsx bytes.
function M.render(ctx, r, published, stamp)
  return require("host.xlsx").workbook(M.model(ctx, r, published, stamp))
end

return M
