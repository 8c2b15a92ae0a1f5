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
-- a column of the table or, when the table has no such column, a literal.
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

--- The schema of outputs.ees (csc.recipe).
function M.schema(S)
  return S.list(S.record({
    table = S.string({ required = true, doc = "the result table to write" }),
    time_period = S.either({ S.string(), S.integer() }, { required = true,
      doc = "a column of the table holding the period, or the period itself (YYYY or YYYYYY, e.g. 2024 or 202324)" }),
    time_identifier = S.string({ doc = "EES time identifier (default \"Reporting year\")" }),
    geographic_level = S.enum({ "National", "Regional", "Local authority" }, { required = true }),
    geography = S.map(S.string(), { doc = "EES geography column -> a column of the table or a literal value" }),
    filters = S.list(S.string(), { doc = "columns that classify the rows (EES filters)" }),
    indicators = S.list(S.either({ S.string(), S.record({
      column = S.string({ required = true }), label = S.string(), unit = S.string(),
      dp = S.integer({ min = 0, max = 15 }), grouping = S.string() }) }), { required = true, min_items = 1,
      doc = "columns of numbers (EES indicators): a name, or {column, label, unit, dp, grouping}" }),
  }), { doc = "result tables also written as EES open data: <table>_ees.csv and <table>_ees.meta.csv (docs/reports.md)" })
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
  for _, d in ipairs(inds) do head[#head + 1] = d.column end
  local out = { line(head) }
  for i, row in ipairs(t.rows) do
    local f = {}
    local p = tp_src(row)
    local ps = (type(p) == "number" and math.type(p) ~= "integer" and p == math.floor(p)) and string.format("%.0f", p) or p
    if p == nil or p == NA or not period_ok(ps) then
      fail(where .. ".time_period", "table %s, row %d: period %s is not YYYY or YYYYYY", t.name, i, tostring(p == NA and "missing" or p))
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
    return synthetic and (M.SYNTHETIC_LABEL .. w) or w
  end
  for _, c in ipairs(filters) do
    meta[#meta + 1] = line({ c, "Filter", label(c), "", "", "", "", "" })
  end
  for _, d in ipairs(inds) do
    meta[#meta + 1] = line({ d.column, "Indicator", label(d.column, d.label), d.grouping or "", d.unit or "",
      d.dp and tostring(d.dp) or "", "", "" })
  end
  return table.concat(out, "\n") .. "\n", table.concat(meta, "\n") .. "\n"
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
    local data, meta = M.write(t, spec, where, lab, ctx.synthetic)
    local base = t.name .. (ctx.synthetic and "_ees_synthetic" or "_ees")
    files[base .. ".csv"], files[base .. ".meta.csv"] = data, meta
  end
  return files
end

return M
