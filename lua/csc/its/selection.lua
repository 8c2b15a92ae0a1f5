--- Choosing comparison units: statistical neighbours, pools, and Stata
-- itsamatch with a distance ranking (`panel:match`, which csc.its.panel
-- delegates here).  Not a public module; recipes use csc.its.
-- @module csc.its.selection
local hframe = require("host.frame")
local util = require("csc.util")
local C = require("csc.its.core")
local P_ = require("csc.its.panel")
local Panel = P_.Panel
local CITS_LIST, comparator_positions, observed_times =
  P_.CITS_LIST, P_.comparator_positions, P_.observed_times

local M = {}
local NA = hframe.NA

-- ===== Choosing comparison units =====

--- Statistical neighbours of a unit from a groupings frame (one row per
-- authority, its neighbours' codes in columns SN1..SN10 or given ones).
-- @tparam table spec `data` (frame), `code_column`, `unit` (code),
--   optional `columns` (default every column named SN1..SN99 or SN_1..)
-- @treturn {string,...} the neighbours' codes, in order
C.declare("neighbours", { "data", "code_column", "unit", "columns" })
function M.neighbours(spec)
  C.options("neighbours", spec)
  local f = spec.data
  C.check_frame("neighbours", f, "data")
  C.check_col("neighbours", f, spec.code_column, "code_column")
  local cols = spec.columns
  if cols == nil then
    cols = {}
    for _, n in ipairs(f:names()) do if n:match("^SN_?%d+$") then cols[#cols + 1] = n end end
    if #cols == 0 then C.fail("neighbours", "columns", "no SN1..SN10 columns in the groupings; name them") end
  end
  for i, c in ipairs(cols) do C.check_col("neighbours", f, c, string.format("columns[%d]", i)) end
  local codes = f:column(spec.code_column)
  for i = 1, #codes do
    if codes[i] ~= NA and C.key(codes[i]) == C.key(spec.unit) then
      local out = {}
      for _, c in ipairs(cols) do
        local v = f:value(i, c)
        if v ~= NA and v ~= nil then out[#out + 1] = C.key(v) end
      end
      return out
    end
  end
  C.fail("neighbours", "unit", string.format("%s is not in the groupings (column %q)", C.key(spec.unit),
    spec.code_column))
end

--- The candidate pool for comparison units: every unit of the panel but
-- the treated one, restricted to the statistical neighbours, to a region,
-- or both.
-- @tparam table spec `panel`, `treated`, optional `neighbours` (codes),
--   `region` ("same": the treated unit's region; a region name; or a list
--   of names; needs its.panel{region = ...}), `combine` ("both": in both
--   lists, the default; "either": in either), `exclude` (codes never to
--   use, e.g. authorities with their own reform)
-- @treturn table codes (in panel order) and rows {code, name, region,
--   neighbour, in_region, in_pool, reason}
C.declare("pool", { "panel", "treated", "neighbours", "region", "combine", "exclude" })
function M.pool(spec)
  C.options("pool", spec)
  local P = spec.panel
  if getmetatable(P) ~= Panel then C.failn("pool", "panel", "panel must be an its.panel{...}") end
  local tu = P:unit(spec.treated, "pool", "treated")
  local tkey = P.units[tu]
  local combine = C.choice("pool", "combine", spec.combine, { "both", "either" }, "both")
  local nb
  if spec.neighbours ~= nil then
    nb = {}
    for _, c in ipairs(spec.neighbours) do nb[C.key(c)] = true end
  end
  local regions
  if spec.region ~= nil then
    regions = {}
    local list = spec.region
    if list == "same" then
      local r = P.regions[tkey]
      if r == nil then C.fail("pool", "region", "\"same\" needs its.panel{region = <column>} and a region for the treated unit") end
      list = { r }
    elseif type(list) == "string" then
      list = { list }
    end
    for _, r in ipairs(list) do regions[r] = true end
  end
  local excl = {}
  for _, c in ipairs(spec.exclude or {}) do excl[C.key(c)] = true end
  local codes, rows = {}, {}
  for _, k in ipairs(P.units) do
    if k ~= tkey then
      local in_nb = nb == nil or nb[k] == true
      local in_reg = regions == nil or (P.regions[k] ~= nil and regions[P.regions[k]] == true)
      local ok
      if nb ~= nil and regions ~= nil and combine == "either" then ok = (nb[k] == true) or in_reg
      else ok = in_nb and in_reg end
      local reason
      if excl[k] then ok, reason = false, "excluded by the recipe"
      elseif ok then reason = "in the pool"
      elseif not in_nb and not in_reg then reason = "neither a statistical neighbour nor in the region"
      elseif not in_nb then reason = "not a statistical neighbour"
      else reason = "not in the region" end
      if ok then codes[#codes + 1] = k end
      rows[#rows + 1] = { code = k, name = P.names[k], region = P.regions[k],
        neighbour = nb ~= nil and nb[k] == true or nil,
        in_region = regions ~= nil and in_reg or nil, in_pool = ok, reason = reason }
    end
  end
  return { codes = codes, rows = rows }
end

local MATCH_FIELDS = C.declare("match", { "treated", "candidates", "before", "interruption", "covariates",
  "exclude", "from", "lag", "hac", "inference", "threshold", "method", "n" })

--- Choose comparison units as Stata's `itsamatch`, and rank them by
-- distance.  For each candidate c, over the pre-intervention periods only,
-- the two-series regression
--   y = b0 + b1 _t + b2 _z + b3 _z_t     (treated _z = 1, candidate _z = 0)
-- is fitted with Newey-West errors; b2 is the difference in level at the
-- start of the series and b3 the difference in trend.  The same is done
-- for each covariate (as the outcome).  itsamatch keeps c when every such
-- p-value exceeds the threshold.  The distance is
--   d = sqrt( (b2 + b3 tbar)^2 + (b3 span)^2 )
-- the level difference at the middle of the pre-period (tbar) and the
-- trend difference accumulated over the pre-period (span = last - first
-- pre _t), both in outcome units.
-- @tparam table spec `treated`, optional `candidates` (codes; default all
--   other units), `before` or `interruption` (the first post period: the
--   pre-period is every time before it), `covariates` (names of panel
--   covariates, see its.panel), `exclude`, `from`, `lag` (0), `hac`,
--   `inference` ("t"), `threshold` (0.05; itsamatch's pr()), `method`
--   ("itsamatch": keep all that pass; "distance": the n nearest; "both":
--   the n nearest of those that pass, the default), `n`
-- @treturn table rows (one per candidate: code, name, level_diff, level_p,
--   trend_diff, trend_p, covariate p-values, distance, rank, kept, reason),
--   kept (codes, nearest first), columns (for a report table)
function M.match(self, spec)
  C.options("match", spec)
  local tu = self:unit(spec.treated, "match", "treated")
  local before = spec.before or spec.interruption
  if before == nil then C.fail("match", "before", "give the first post-intervention time (before = 2015)") end
  local bx, why = self.axis:num(before)
  if bx == nil then C.fail("match", "before", why) end
  local use = C.sample_mask("match", self.axis, self.times, { exclude = spec.exclude, from = spec.from })
  local tpre = {}
  for p, x in ipairs(self.times) do
    if x >= bx - 1e-9 then use[p] = false end
    if use[p] and not C.isnan(self.Y[tu][p]) then tpre[#tpre + 1] = self.axis:t(x) end
  end
  if #tpre < 3 then
    C.fail("match", "treated", string.format("%s has %d pre-intervention values; at least 3 are needed "
      .. "to compare levels and trends", self.units[tu], #tpre), "analysis")
  end
  local tbar, span = 0, tpre[#tpre] - tpre[1]
  for _, t in ipairs(tpre) do tbar = tbar + t / #tpre end
  local threshold = spec.threshold or 0.05
  local method = C.choice("match", "method", spec.method, { "itsamatch", "distance", "both" }, "both")
  local n = spec.n
  if method == "distance" and n == nil then C.fail("match", "n", "method \"distance\" keeps the n nearest; give n") end
  if n ~= nil and (math.type(n) ~= "integer" or n < 1) then C.failn("match", "n", "n must be a whole number >= 1") end
  local lag = spec.lag or 0
  local inference = C.choice("match", "inference", spec.inference, { "t", "z" }, "t")
  local hac = C.choice("match", "hac", spec.hac, { "rows", "time" }, "rows")
  local covs = spec.covariates or {}
  for i, c in ipairs(covs) do
    if not self.covariates[c] then
      C.fail("match", string.format("covariates[%d]", i), string.format("%q is not a covariate of the panel (give it in "
        .. "its.panel{covariates = {...}})", tostring(c)))
    end
  end
  local cands = self:others(spec.candidates, tu, "match", "candidates")
  local function compare(P, u)
    local npre = 0
    for p = 1, #P.times do if use[p] and not C.isnan(P.Y[u][p]) then npre = npre + 1 end end
    if npre < 3 then
      local gaps = P:missing_words(P:missing(u, use))
      return nil, string.format("%d pre-intervention value%s; at least 3 are needed%s", npre,
        npre == 1 and "" or "s", gaps and ("; missing data: " .. gaps) or "")
    end
    local h = P:_host{}
    local ok, r = pcall(h.fit, h, { treated = tu, comparators = { u }, breaks = {}, use = use,
      lag = lag, hac = hac, dist = inference, lines = false, detail = false })
    if not ok then return nil, (util.plain_error(r):gsub("^its fit: ", "")) end
    return { level = r.coef[3], level_p = r.p_value[3], trend = r.coef[4], trend_p = r.p_value[4],
      npre = npre }
  end
  local rows = {}
  for _, u in ipairs(cands) do
    local k = self.units[u]
    local row = { code = k, name = self.names[k], cov = {} }
    local c, err = compare(self, u)
    local fails = {}
    if not c then
      row.reason = "dropped: cannot be compared (" .. err .. ")"
      row.kept = false
    else
      row.level_diff, row.level_p, row.trend_diff, row.trend_p = c.level, c.level_p, c.trend, c.trend_p
      row.pre_periods = c.npre
      -- The candidate's own gaps: pre-period values it lacks where the
      -- treated unit has one (a period missing for both is no loss).
      local tuse = {}
      for p = 1, #self.times do tuse[p] = use[p] and not C.isnan(self.Y[tu][p]) end
      row.missing = self:missing_words(self:missing(u, tuse))
      row.distance = math.sqrt((c.level + c.trend * tbar) ^ 2 + (c.trend * span) ^ 2)
      if not (c.level_p > threshold) then fails[#fails + 1] = "pre-period level differs (" .. C.pw(c.level_p) .. ")" end
      if not (c.trend_p > threshold) then fails[#fails + 1] = "pre-period trend differs (" .. C.pw(c.trend_p) .. ")" end
      for _, name in ipairs(covs) do
        local cc, cerr = compare(self.covariates[name], u)
        if not cc then
          row.cov[name] = {}
          fails[#fails + 1] = name .. " cannot be compared (" .. cerr .. ")"
        else
          row.cov[name] = { level_p = cc.level_p, trend_p = cc.trend_p }
          if not (cc.level_p > threshold) then fails[#fails + 1] = name .. " level differs (" .. C.pw(cc.level_p) .. ")" end
          if not (cc.trend_p > threshold) then fails[#fails + 1] = name .. " trend differs (" .. C.pw(cc.trend_p) .. ")" end
        end
      end
      row.passes = #fails == 0
      if method == "distance" then row.kept = true
      else
        row.kept = row.passes
        if not row.passes then row.reason = "dropped: " .. table.concat(fails, "; ") end
      end
    end
    rows[#rows + 1] = row
  end
  -- Rank by distance (ties by code, so the order never depends on input order).
  local ranked = {}
  for _, row in ipairs(rows) do if row.distance then ranked[#ranked + 1] = row end end
  table.sort(ranked, function(a, b)
    if a.distance ~= b.distance then return a.distance < b.distance end
    return a.code < b.code
  end)
  for i, row in ipairs(ranked) do row.rank = i end
  -- A candidate compared on fewer pre-intervention periods than the
  -- treated unit has says which are missing and why.
  local function gap_words(row)
    if not row.missing then return "" end
    return string.format("; compared on %d of %d pre-intervention periods (%s)", row.pre_periods,
      #tpre, row.missing)
  end
  local kept, nk = {}, 0
  for _, row in ipairs(ranked) do
    if row.kept then
      if n ~= nil and nk >= n then
        row.kept = false
        row.reason = string.format("dropped: not among the %d nearest (distance rank %d)", n, row.rank)
      else
        nk = nk + 1
        kept[#kept + 1] = row.code
        row.reason = method == "distance" and string.format("kept: distance rank %d", row.rank)
          or string.format("kept: every p > %s%s", util.fmt_number(threshold),
            n and string.format(", distance rank %d", row.rank) or "")
      end
    end
  end
  for _, row in ipairs(rows) do
    if row.reason and row.pre_periods then row.reason = row.reason .. gap_words(row) end
  end
  local columns = { "code", "name", "pre_periods", "level_diff", "level_p", "trend_diff", "trend_p" }
  for _, name in ipairs(covs) do
    columns[#columns + 1] = name .. "_level_p"
    columns[#columns + 1] = name .. "_trend_p"
  end
  for _, c in ipairs({ "distance", "rank", "kept", "reason" }) do columns[#columns + 1] = c end
  local trows = {}
  for i, row in ipairs(rows) do
    local r = { row.code, row.name, row.pre_periods or NA, row.level_diff or NA, row.level_p or NA,
      row.trend_diff or NA, row.trend_p or NA }
    for _, name in ipairs(covs) do
      local cv = row.cov[name] or {}
      r[#r + 1] = cv.level_p or NA
      r[#r + 1] = cv.trend_p or NA
    end
    r[#r + 1] = row.distance or NA
    r[#r + 1] = row.rank or NA
    r[#r + 1] = row.kept and "yes" or "no"
    r[#r + 1] = row.reason
    trows[i] = r
  end
  return { rows = rows, kept = kept, columns = columns, table_rows = trows, threshold = threshold,
    method = method, n = n, pre_periods = #tpre }
end

return M
