--- A result table as Explore Education Statistics (EES) open data: the
-- tidy CSV DfE publishes (one row per time period, geography and filter
-- combination; one column per indicator) and its metadata file, so an
-- authority can publish a rerun in DfE's format.  A recipe asks with
--
--   outputs = { ees = { {
--     table = "rates",                       -- a result table of the run
--     time_period = "year",                  -- a column, or a literal (2024, "202324")
--     time_identifier = "Reporting year",    -- EES's time identifier (default)
--     geographic_level = "Local authority",  -- National, Regional or Local authority
--     geography = { new_la_code = "code", la_name = "la", old_la_code = "old" },
--     filters = { "group" },                 -- columns that classify the rows
--     indicators = { "n", { column = "rate", label = "Rate per 10,000", unit = "", dp = 1 } },
--   } } }
--
-- and the run writes <table>_ees.csv and <table>_ees.meta.csv (on
-- synthetic data <table>_ees_synthetic.csv, every metadata label marked).  Columns
-- follow the EES files in ../shared/data/ees/: time_period,
-- time_identifier, geographic_level, country_code, country_name, then
-- region_code, region_name (regional and local authority rows), then
-- old_la_code, new_la_code, la_name (local authority rows), then the
-- filters and the indicators.  The geography columns each level needs are
-- required (country defaults to England, E92000001); a geography value is
-- a column of the table or, when the table has no such column, a literal
-- ({ value = "Lincolnshire" } is always the literal).
-- Indicators hold numbers or the EES symbols (c confidential, x not
-- available, z not applicable, k below 0.5, u low reliability, low, :);
-- missing values are written as x.  The metadata file has DfE's columns:
-- col_name, col_type (Filter or Indicator), label, indicator_grouping,
-- indicator_unit, indicator_dp, filter_hint, filter_grouping_column.
-- @module csc.render.ees
local errors = require("csc.errors")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

M.LEVELS = { ["National"] = 1, ["Regional"] = 2, ["Local authority"] = 3 }
M.TIME_IDENTIFIERS = { "Reporting year", "Calendar year", "Financial year", "Academic year", "Tax year",
  "Spring term", "Summer term", "Autumn term", "Autumn and spring term" }
M.SYMBOLS = { c = true, x = true, z = true, k = true, u = true, low = true, [":"] = true }
M.GEOGRAPHY = {
  { "country_code", "country_name" },
  { "region_code", "region_name" },
  { "old_la_code", "new_la_code", "la_name" },
}
M.DEFAULT_GEOGRAPHY = { country_code = "E92000001", country_name = "England" }
--- On synthetic data every label in the metadata file starts with this,
-- and the files are named <table>_ees_synthetic.csv (.meta.csv).
M.SYNTHETIC_LABEL = "SYNTHETIC DATA (agreement by construction): "
M.META_COLUMNS = { "col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
  "filter_hint", "filter_grouping_column" }

local function csv_field(s)
  s = tostring(s)
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function line(fields)
  local out = {}
  for i, f in ipairs(fields) do out[i] = csv_field(f) end
  return table.concat(out, ",")
end

local function fail(where, fmt, ...)
  errors.raise("recipe", where .. ": " .. string.format(fmt, ...))
end

local function period_ok(v)
  local s = tostring(v)
  if s:match("^%d%d%d%d$") then return s end
  if s:match("^%d%d%d%d%d%d$") then return s end
  return nil
end

--- EES time identifiers whose periods span two years, written YYYYYY
-- (202324); the others are written YYYY.
M.SIX_DIGIT = { ["Financial year"] = true, ["Academic year"] = true, ["Tax year"] = true }

--- A period as EES writes it under time identifier `tid`: a year written
-- as csceval's tables show it ("2023/24") becomes 202324 under a two-year
-- identifier (Financial, Academic, Tax year) and 2024, the year it ends,
-- under "Reporting year" (as DfE's children in need and looked-after files
-- count the year ending 31 March).  Anything else is returned as written,
-- for period_ok to judge.
function M.period(v, tid)
  if type(v) ~= "string" then return v end
  local start = require("csc.years").parse_text(v)
  if not start or v:match("^%d+$") then return v end
  if M.SIX_DIGIT[tid] then return string.format("%d%02d", start, (start + 1) % 100) end
  if tid == "Reporting year" then return string.format("%d", start + 1) end
  return v
end

--- The tidy CSV and the metadata CSV of one outputs.ees entry: t is the
-- ctx table, spec the entry, where its place in the recipe for messages.
function M.write(t, spec, where, labels, synthetic)
  local col = {}
  for j, c in ipairs(t.columns) do col[c] = j end
  local level = M.LEVELS[spec.geographic_level]
  if not level then fail(where, "geographic_level %q: use National, Regional or Local authority", tostring(spec.geographic_level)) end
  local tid = spec.time_identifier or "Reporting year"
  local okid = false
  for _, v in ipairs(M.TIME_IDENTIFIERS) do if v == tid then okid = true end end
  if not okid and not tid:match("^Week %d+$") and not tid:match("^%a+ quarter %d$") then
    fail(where, "time_identifier %q is not an EES time identifier (%s, Week N, ...)", tid, table.concat(M.TIME_IDENTIFIERS, ", "))
  end
  -- a value source: a column of the table, else a literal
  local function source(v)
    if type(v) == "table" then return function() return v.value end end   -- { value = ... }: always a literal
    if type(v) == "string" and col[v] then return function(row) return row[col[v]] end end
    return function() return v end
  end
  local geo_cols, geo_src = {}, {}
  local geo = spec.geography or {}
  local known = {}
  for l = 1, level do
    for _, g in ipairs(M.GEOGRAPHY[l]) do
      known[g] = true
      local v = geo[g]
      if v == nil then v = M.DEFAULT_GEOGRAPHY[g] end
      if v == nil then
        fail(where .. ".geography", "%s rows need %s: give it as a column of table %s or a value", spec.geographic_level, g, t.name)
      end
      geo_cols[#geo_cols + 1] = g
      geo_src[#geo_src + 1] = source(v)
    end
  end
  for g in pairs(geo) do
    if not known[g] then
      fail(where .. ".geography", "%s is not a geography column of %s rows (use %s)", g, spec.geographic_level,
        table.concat(geo_cols, ", "))
    end
  end
  local tp = spec.time_period
  local tp_src
  if type(tp) == "string" and col[tp] then tp_src = source(tp)
  elseif period_ok(tp) then tp_src = function() return tp end
  else fail(where .. ".time_period", "%q is neither a column of table %s nor a period (YYYY or YYYYYY)", tostring(tp), t.name) end
  local filters, inds = {}, {}
  for i, f in ipairs(spec.filters or {}) do
    if not col[f] then fail(string.format("%s.filters[%d]", where, i), "table %s has no column %s (it has %s)", t.name, f, table.concat(t.columns, ", ")) end
    filters[#filters + 1] = f
  end
  for i, ind in ipairs(spec.indicators) do
    local d = type(ind) == "string" and { column = ind } or ind
    if not col[d.column] then
      fail(string.format("%s.indicators[%d]", where, i), "table %s has no column %s (it has %s)", t.name, d.column, table.concat(t.columns, ", "))
    end
    inds[#inds + 1] = d
  end
  local head = { "time_period", "time_identifier", "geographic_level" }
  for _, g in ipairs(geo_cols) do head[#head + 1] = g end
  for _, f in ipairs(filters) do head[#head + 1] = f end
  for _, d in ipairs(inds) do head[#head + 1] = d.name or d.column end
  local out = { line(head) }
  for i, row in ipairs(t.rows) do
    local f = {}
    local p = tp_src(row)
    local ps = (type(p) == "number" and math.type(p) ~= "integer" and p == math.floor(p)) and string.format("%.0f", p)
      or M.period(p, tid)
    if p == nil or p == NA or not period_ok(ps) then
      fail(where .. ".time_period", "table %s, row %d: period %s is not YYYY or YYYYYY (or a year written 2023/24, "
        .. "under a time_identifier of Reporting, Financial, Academic or Tax year)", t.name, i,
        tostring(p == NA and "missing" or p))
    end
    f[1], f[2], f[3] = ps, tid, spec.geographic_level
    for k, src in ipairs(geo_src) do
      local v = src(row)
      if v == nil or v == NA then v = "" end
      if (geo_cols[k]:match("_code$") and v == "") and not (level > 1 and geo_cols[k] == "old_la_code") then
        fail(where .. ".geography", "table %s, row %d: %s is missing", t.name, i, geo_cols[k])
      end
      f[#f + 1] = (type(v) == "number" and math.type(v) ~= "integer" and v == math.floor(v)) and string.format("%.0f", v) or v
    end
    for _, c in ipairs(filters) do
      local v = row[col[c]]
      f[#f + 1] = (v == nil or v == NA) and "Total" or v
    end
    for _, d in ipairs(inds) do
      local v = row[col[d.column]]
      if v == nil or v == NA then v = "x"
      elseif type(v) == "number" then
        if v ~= v or v == math.huge or v == -math.huge then v = "x"
        elseif math.type(v) == "integer" then v = tostring(v)
        else v = util.fmt_number(v) end
      elseif not M.SYMBOLS[tostring(v)] then
        fail(string.format("%s.indicators", where), "table %s, row %d, column %s: %q is neither a number nor an EES "
          .. "symbol (c, x, z, k, u, low, :)", t.name, i, d.column, tostring(v))
      end
      f[#f + 1] = v
    end
    out[#out + 1] = line(f)
  end
  local meta = { line(M.META_COLUMNS) }
  local function label(c, given)
    local w = given or (labels and labels(c)) or c
    w = tostring(w):gsub("^%l", string.upper)
    return synthetic and (require("csc.synthetic").words(synthetic).label .. w) or w
  end
  for _, c in ipairs(filters) do
    meta[#meta + 1] = line({ c, "Filter", label(c), "", "", "", "", "" })
  end
  for _, d in ipairs(inds) do
    meta[#meta + 1] = line({ d.name or d.column, "Indicator", label(d.column, d.label), d.grouping or "", d.unit or "",
      d.dp and tostring(d.dp) or "", "", "" })
  end
  return table.concat(out, "\n") .. "\n", table.concat(meta, "\n") .. "\n"
end

-- ===== Checking a pair of EES files =====

-- Rows of CSV text (RFC 4180: quoted fields may hold commas, quotes and
-- line breaks); a leading byte-order mark is dropped.
local function parse_csv(text)
  text = text:gsub("^\239\187\191", "")
  local rows, row, i, n = {}, {}, 1, #text
  while i <= n do
    local field
    if text:sub(i, i) == '"' then
      local buf, j = {}, i + 1
      while j <= n do
        local c = text:sub(j, j)
        if c == '"' then
          if text:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2 else j = j + 1; break end
        else buf[#buf + 1] = c; j = j + 1 end
      end
      field, i = table.concat(buf), j
    else
      local j = text:find("[,\r\n]", i) or (n + 1)
      field, i = text:sub(i, j - 1), j
    end
    row[#row + 1] = field
    local c = text:sub(i, i)
    if c == "," then
      i = i + 1
      if i > n then row[#row + 1] = "" end
    else
      if c == "\r" and text:sub(i + 1, i + 1) == "\n" then i = i + 2 else i = i + 1 end
      rows[#rows + 1] = row
      row = {}
    end
  end
  if #row > 0 then rows[#rows + 1] = row end
  return rows
end
M.parse_csv = parse_csv

local GEO_CODE = {
  country_code = "^[EKNSW]%d%d%d%d%d%d%d%d$",
  region_code = "^E1[23]%d%d%d%d%d%d$",   -- regions, and Inner and Outer London as DfE's files have them
  new_la_code = "^E%d%d%d%d%d%d%d%d$",
  old_la_code = "^%d%d%d$",
}

--- Check an EES data file and its metadata file (their text) against the
-- rules DfE's data screener applies that csceval's files can break:
-- column names in lower case with _; the time, level and geography
-- columns first and in order, each level's geography present and its codes
-- well formed; periods that fit their time identifier (2024 for a
-- reporting or calendar year, 202324 for a financial, academic or tax year);
-- no blank filter or indicator (a symbol instead); indicators numbers or
-- EES symbols; one row per period, geography and filter combination; and a
-- metadata row, Filter or Indicator with a label, for every other column
-- and for nothing else.  Returns the list of problems, each naming the file
-- part, row and column (empty when the files pass).
function M.check(data_text, meta_text)
  local problems = {}
  local function bad(fmt, ...) problems[#problems + 1] = string.format(fmt, ...) end
  local rows = parse_csv(data_text)
  if #rows < 2 then bad("data: no rows under the header"); return problems end
  local head = rows[1]
  local index = {}
  for j, c in ipairs(head) do
    if not c:match("^[a-z][a-z0-9_]*$") then bad("data: column %d name %q: use lower-case letters, digits and _", j, c) end
    if index[c] then bad("data: column %s appears twice", c) end
    index[c] = j
  end
  for j, c in ipairs({ "time_period", "time_identifier", "geographic_level" }) do
    if head[j] ~= c then bad("data: column %d is %s, expected %s", j, tostring(head[j]), c) end
  end
  local standard = { time_period = true, time_identifier = true, geographic_level = true }
  for _, l in ipairs(M.GEOGRAPHY) do for _, g in ipairs(l) do standard[g] = true end end
  -- the metadata
  local meta = parse_csv(meta_text or "")
  local kind = {}
  if #meta == 0 or table.concat(meta[1], ",") ~= table.concat(M.META_COLUMNS, ",") then
    bad("meta: the header must be %s", table.concat(M.META_COLUMNS, ","))
  else
    for k = 2, #meta do
      local m = {}
      for j, c in ipairs(M.META_COLUMNS) do m[c] = meta[k][j] or "" end
      if not index[m.col_name] then bad("meta row %d: col_name %q is not a column of the data", k, m.col_name)
      elseif standard[m.col_name] then bad("meta row %d: %s is a time or geography column, not a filter or indicator", k, m.col_name) end
      if kind[m.col_name] then bad("meta row %d: %s is described twice", k, m.col_name) end
      if m.col_type ~= "Filter" and m.col_type ~= "Indicator" then
        bad("meta row %d: col_type %q: use Filter or Indicator", k, m.col_type)
      end
      kind[m.col_name] = m.col_type
      if m.label == "" then bad("meta row %d: %s has no label", k, m.col_name) end
      if m.indicator_dp ~= "" and not m.indicator_dp:match("^%d+$") then
        bad("meta row %d: indicator_dp %q is not a whole number", k, m.indicator_dp)
      end
      if m.col_type == "Filter" and (m.indicator_unit ~= "" or m.indicator_dp ~= "" or m.indicator_grouping ~= "") then
        bad("meta row %d: filter %s has indicator fields", k, m.col_name)
      end
    end
  end
  for _, c in ipairs(head) do
    if not standard[c] and not kind[c] then bad("meta: no row for column %s", c) end
  end
  local seen = {}
  for r = 2, #rows do
    local row = rows[r]
    if #row ~= #head then bad("data row %d: %d fields, the header has %d", r, #row, #head) end
    local function v(c) return row[index[c]] end
    local tid, tp, level = v("time_identifier") or "", v("time_period") or "", v("geographic_level") or ""
    local lv = M.LEVELS[level]
    if not lv then bad("data row %d: geographic_level %q is not National, Regional or Local authority", r, level) end
    if M.SIX_DIGIT[tid] then
      local a, b = tp:match("^(%d%d%d%d)(%d%d)$")
      if not a or (tonumber(a) + 1) % 100 ~= tonumber(b) then
        bad("data row %d: time_period %q: a %s is written as two consecutive years, 202324", r, tp, tid)
      end
    elseif tid == "Reporting year" or tid == "Calendar year" then
      if not tp:match("^%d%d%d%d$") then bad("data row %d: time_period %q: a %s is written 2024", r, tp, tid) end
    elseif not (tid:match("^Week %d+$") or tid:match("^%a+ quarter %d$") or tid:match("term$")) then
      bad("data row %d: time_identifier %q is not an EES time identifier", r, tid)
    end
    for l = 1, lv or 0 do
      for _, g in ipairs(M.GEOGRAPHY[l]) do
        local x = v(g)
        if x == nil then
          if r == 2 then bad("data: %s rows need a %s column", level, g) end
        elseif GEO_CODE[g] and not x:match(GEO_CODE[g]) and not (g == "old_la_code" and x == "") then
          bad("data row %d: %s %q is not a well-formed code", r, g, x)
        elseif not GEO_CODE[g] and x == "" then
          bad("data row %d: %s is blank", r, g)
        end
      end
    end
    local key = {}
    for j, c in ipairs(head) do
      local x = row[j] or ""
      if kind[c] == "Filter" then
        if x == "" then bad("data row %d: filter %s is blank (write Total for all)", r, c) end
        key[#key + 1] = x
      elseif kind[c] == "Indicator" then
        if x == "" then bad("data row %d: indicator %s is blank (write x when not available)", r, c)
        elseif not tonumber(x) and not M.SYMBOLS[x] then
          bad("data row %d: indicator %s %q is neither a number nor an EES symbol", r, c, x)
        end
      elseif standard[c] then
        key[#key + 1] = x
      end
    end
    local k = table.concat(key, "\31")
    if seen[k] then bad("data row %d: the same period, geography and filters as row %d", r, seen[k]) end
    seen[k] = r
  end
  return problems
end

--- Files for every outputs.ees entry: name -> text.
function M.files(ctx, r)
  local files = {}
  local list = (r.spec.outputs or {}).ees or {}
  local by = {}
  for _, t in ipairs(ctx.tables) do by[t.name] = t end
  local names = {}
  for _, t in ipairs(ctx.tables) do names[#names + 1] = t.name end
  for i, spec in ipairs(list) do
    local where = string.format("outputs.ees[%d]", i)
    local t = by[spec.table]
    if not t then
      fail(where .. ".table", "the run made no table %q (it made: %s)", tostring(spec.table),
        #names > 0 and table.concat(names, ", ") or "none")
    end
    local lab = function(c) return require("csc.render.labels").column(c, t.labels or r.spec.labels) end
    local data, meta = M.write(t, spec, where, lab, ctx.synthetic and (ctx.synthetic_kind or "stand_in"))
    -- what DfE's screener would refuse is the recipe's to fix, before anything is written
    local problems = M.check(data, meta)
    if #problems > 0 then
      fail(where, "table %s would not pass EES's checks: %s", t.name, table.concat(problems, "; ", 1, math.min(#problems, 5))
        .. (#problems > 5 and string.format(" (and %d more)", #problems - 5) or ""))
    end
    local base = t.name .. (ctx.synthetic and "_ees_synthetic" or "_ees")
    files[base .. ".csv"], files[base .. ".meta.csv"] = data, meta
  end
  return files
end

return M
