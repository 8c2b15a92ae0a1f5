--- Panels and comparative interrupted time series (Stata itsa) for
-- csc.its: reading a unit x period panel from a frame, and panel:cits.
-- The numerics run in host.its.  Not a public module; recipes use csc.its.
-- @module csc.its.panel
local hits = require("host.its")
local hframe = require("host.frame")
local model = require("csc.model")
local util = require("csc.util")
local C = require("csc.its.core")

local M = {}
local NA = hframe.NA

-- ===== Panels =====

local Panel = {}
Panel.__index = Panel
M.Panel = Panel

C.declare("panel", { "data", "unit", "time", "value", "weight", "name", "region",
    "frequency", "format", "covariates" })

--- A unit x period panel from a long frame (one row per unit and period).
-- @tparam table spec `data` (frame), `unit` (code column), `time`, `value`
--   (the outcome column), optional `weight` (e.g. child population, for
--   comparators averaged with weights), `name` (a readable unit name
--   column), `region` (a region column, for `its.pool`), `frequency`,
--   `format` (see `its.axis`), `covariates` (array of column names kept as
--   panels of their own, for `panel:match`)
-- @treturn csc.its.Panel fields units (codes as strings, in first-seen
--   order), index (code -> position), names, regions, times (axis
--   numbers, sorted), labels, axis, Y[u][p] (NaN when missing), W[u][p],
--   covariates (name -> Panel)
-- @usage local p = its.panel{data = d, unit = "old_la_code", time = "time_period", value = "rate"}
function M.panel(spec)
  C.options("panel", spec)
  local f = spec.data
  C.check_frame("panel", f, "data")
  for _, field in ipairs({ "unit", "time", "value" }) do C.check_col("panel", f, spec[field], field) end
  for _, field in ipairs({ "weight", "name", "region" }) do
    if spec[field] ~= nil then C.check_col("panel", f, spec[field], field) end
  end
  local axis = C.axis{ frequency = spec.frequency, format = spec.format }
  local ucol, tcol, vcol = f:column(spec.unit), f:column(spec.time), f:column(spec.value)
  local wcol = spec.weight and f:column(spec.weight)
  local ncol = spec.name and f:column(spec.name)
  local rcol = spec.region and f:column(spec.region)
  local units, index, names, regions = {}, {}, {}, {}
  local tnum, tset = {}, {}
  for i = 1, #ucol do
    if ucol[i] ~= NA then
      local x, why = axis:num(tcol[i])
      if x == nil then C.fail("panel", "time", string.format("row %d: %s", i, why)) end
      if C.date_parts(tcol[i]) then axis.dates = true end
      tnum[i] = x
      if not tset[x] then tset[x] = true end
      local k = C.key(ucol[i])
      if not index[k] then
        units[#units + 1] = k
        index[k] = #units
        names[k] = ncol and ncol[i] ~= NA and tostring(ncol[i]) or k
        regions[k] = rcol and rcol[i] ~= NA and tostring(rcol[i]) or nil
      end
    end
  end
  local times = {}
  for x in pairs(tset) do times[#times + 1] = x end
  table.sort(times)
  if #times == 0 then C.fail("panel", "data", "no rows with a unit code", "analysis") end
  axis:fix(times)
  local pidx = {}
  for p, x in ipairs(times) do pidx[x] = p end
  local function grid(col, what, name, why)
    local G = {}
    for u = 1, #units do
      local row = {}
      for p = 1, #times do row[p] = 0 / 0 end
      G[u] = row
    end
    local seen = {}
    for i = 1, #ucol do
      if ucol[i] ~= NA then
        local u, p = index[C.key(ucol[i])], pidx[tnum[i]]
        local key = u * 100000 + p
        if seen[key] and what == "value" then
          C.failn("panel", "unit", string.format("unit %s has two rows for time %s (rows %d and %d); one row "
            .. "per unit and period is needed (filter the data with where = ...)",
            units[u], axis:label(tnum[i]), seen[key], i), "analysis")
        end
        seen[key] = i
        local v = C.numeric(col[i])
        if col[i] ~= NA and v == nil and type(col[i]) ~= "number" then
          C.fail("panel", what, string.format("row %d: %s is not a number", i, tostring(col[i])))
        end
        G[u][p] = v or 0 / 0
        if why and col[i] == NA then why[u][p] = f:na_reason(i, name) or "NA" end
      end
    end
    return G
  end
  -- Why each missing outcome value is missing: the frame's reason symbol
  -- ("x", "c", "NaN", ...) for a row whose value is missing; no entry when
  -- the data has no row for that unit and period.
  local why = {}
  for u = 1, #units do why[u] = {} end
  local P = setmetatable({
    units = units, index = index, names = names, regions = regions, times = times, axis = axis,
    Y = grid(vcol, "value", spec.value, why), W = wcol and grid(wcol, "weight") or nil, value = spec.value,
    why = why,
    covariates = {}, cache = {},
  }, Panel)
  P.labels = {}
  for p, x in ipairs(times) do P.labels[p] = axis:label(x) end
  for i, c in ipairs(spec.covariates or {}) do
    C.check_col("panel", f, c, string.format("covariates[%d]", i))
    local cp = setmetatable({ units = units, index = index, names = names, regions = regions,
      times = times, axis = axis, labels = P.labels, Y = grid(f:column(c), c), value = c,
      covariates = {}, cache = {} }, Panel)
    P.covariates[c] = cp
  end
  return P
end

--- Position of a time value in the panel, or nil.
function Panel:period(v)
  local x = self.axis:num(v)
  if x == nil then return nil end
  for p, t in ipairs(self.times) do
    if math.abs(t - x) < 1e-9 then return p end
  end
  return nil
end

--- Unit position of a code, or raise naming the field.
function Panel:unit(code, fn, field)
  local u = self.index[C.key(code)]
  if not u then
    C.fail(fn or "panel", field or "unit", string.format("unit %s is not in the data%s",
      C.key(code), util.hint(C.key(code), self.units)))
  end
  return u
end

--- Number of units and periods.
function Panel:size() return #self.units, #self.times end

-- Words for a frame's missing-value symbol (see docs/frames.md).
local WHY_WORDS = { x = "suppressed x", c = "suppressed c", k = "suppressed k", u = "low reliability u",
  z = "not applicable z", low = "low", [":"] = "not available :", NA = "NA", [""] = "blank",
  NaN = "not calculable" }

--- The periods where unit u has no value, among those with use[p] true
-- (every period when use is nil): a list of {p = position, label = period,
-- reason = words ("suppressed x", "no row in the data", ...)}.
function Panel:missing(u, use)
  local out = {}
  for p = 1, #self.times do
    if (use == nil or use[p]) and C.isnan(self.Y[u][p]) then
      local sym = self.why and self.why[u] and self.why[u][p]
      out[#out + 1] = { p = p, label = self.labels[p],
        reason = sym == nil and "no row in the data" or (WHY_WORDS[sym] or ("missing " .. sym)) }
    end
  end
  return out
end

--- The list from Panel:missing in words: "suppressed x in 2013/14; no row
-- in the data for 2019/20 to 2024/25" (runs of consecutive periods with
-- one reason are joined), or nil when nothing is missing.
function Panel:missing_words(list)
  if #list == 0 then return nil end
  local parts, i = {}, 1
  while i <= #list do
    local j = i
    while j < #list and list[j + 1].reason == list[i].reason and list[j + 1].p == list[j].p + 1 do j = j + 1 end
    local when = i == j and list[i].label or (list[i].label .. " to " .. list[j].label)
    parts[#parts + 1] = string.format("%s %s %s", list[i].reason,
      list[i].reason == "no row in the data" and "for" or "in", when)
    i = j + 1
  end
  return table.concat(parts, "; ")
end

--- The host panel for a transform and set of period covariates, cached.
-- @local
function Panel:_host(opts)
  local key = string.format("%s|%s|%s", opts.transform or "", opts.scale or "",
    table.concat(opts.xnames or {}, ","))
  local h = self.cache[key]
  if h then return h end
  local t = {}
  for p, x in ipairs(self.times) do t[p] = self.axis:t(x) end
  h = hits.panel{ Y = self.Y, t = t, W = self.W, X = opts.X, xnames = opts.xnames,
    transform = opts.transform, scale = opts.scale }
  self.cache[key] = h
  return h
end


-- ===== Comparative ITS (Stata itsa) =====

local Cits = setmetatable({}, { __index = model.Model })
Cits.__index = Cits
M.Cits = Cits

local function fmt6(x)
  if type(x) ~= "number" then return tostring(x) end
  if C.isnan(x) then return "NaN" end
  return string.format("%.6g", x)
end

function Cits.__tostring(r)
  local out = { string.format("%s, n = %d rows, %d series, Newey-West lag %d, %s inference", r.method,
    r.n, r.units, r.lag, r.dist) }
  out[#out + 1] = string.format("%-16s %12s %12s %9s %10s", "term", "estimate", "std_error",
    r.dist, "p_value")
  for j, t in ipairs(r.terms) do
    out[#out + 1] = string.format("%-16s %12s %12s %9s %10s", t, fmt6(r.coef[j]), fmt6(r.se[j]),
      fmt6(r.statistic[j]), fmt6(r.p_value[j]))
  end
  if r.impact then
    local i = r.impact
    out[#out + 1] = string.format("impact at %s: %s (se %s, %g%% CI %s to %s, p = %s)", i.label,
      fmt6(i.estimate), fmt6(i.std_error), 100 * r.level, fmt6(i.conf_low), fmt6(i.conf_high),
      fmt6(i.p_value))
  end
  return table.concat(out, "\n")
end

local CITS_LIST = { "treated", "comparators", "combine", "interruption", "interruptions",
  "definition_change", "season", "exclude", "from", "to", "lag", "hac", "inference", "level",
  "logit", "scale", "effect_at" }
local CITS_FIELDS = C.declare("cits", CITS_LIST)

-- Everything about a comparative fit that does not depend on which unit is
-- treated: the host panel, sample, interruptions and options.
function Panel:_prepare_cits(spec, fn)
  fn = fn or "cits"
  local axis, times = self.axis, self.times
  local use, dropped = C.sample_mask(fn, axis, times, spec)
  local brks = C.parse_breaks(fn, axis, spec)
  local X, xnames = C.period_covariates(fn, axis, times, use, spec)
  local combine = C.choice(fn, "combine", spec.combine, { "pool", "mean", "weighted" }, "pool")
  if combine == "weighted" and self.W == nil then
    C.fail(fn, "combine", "\"weighted\" needs a weight column (its.panel{weight = ...}, e.g. the child population)")
  end
  local lag = spec.lag or 0
  if math.type(lag) ~= "integer" or lag < 0 then C.failn(fn, "lag", "lag must be a whole number >= 0") end
  local inference = C.choice(fn, "inference", spec.inference, { "t", "z" }, "t")
  local hac = C.choice(fn, "hac", spec.hac, { "rows", "time" }, "rows")
  local level = spec.level or 0.95
  if type(level) ~= "number" or level <= 0 or level >= 1 then C.failn(fn, "level", "level must be in (0, 1)") end
  local scale = spec.scale or 100
  if spec.logit and (type(scale) ~= "number" or scale <= 0) then C.failn(fn, "scale", "scale must be a positive number") end
  local host = self:_host{ X = #X > 0 and X or nil, xnames = xnames,
    transform = spec.logit and "logit" or nil, scale = spec.logit and scale or nil }
  return { host = host, use = use, dropped = dropped, brks = brks, xnames = xnames,
    combine = combine, lag = lag, inference = inference, hac = hac, level = level,
    logit = spec.logit and true or false, scale = scale, fn = fn }
end

local function host_breaks(brks)
  local out = {}
  for j, b in ipairs(brks) do
    out[j] = { t = b.t, label = b.suffix, level = b.level, slope = b.slope }
  end
  return out
end

-- One host fit.  comps are unit positions.
function Panel:_fit_host(cfg, u, comps, opts)
  opts = opts or {}
  return cfg.host:fit{ treated = u, comparators = comps, single = comps == nil,
    combine = cfg.combine, breaks = host_breaks(cfg.brks),
    use = cfg.use, lag = cfg.lag, hac = cfg.hac, dist = cfg.inference, level = cfg.level,
    lines = opts.lines ~= false, at = opts.at, detail = opts.detail ~= false }
end

local function comparator_positions(self, fn, list, treated_u)
  if type(list) ~= "table" or #list == 0 then
    C.fail(fn, "comparators", "give the comparison units' codes, e.g. comparators = {925, 860}")
  end
  local out, seen = {}, {}
  for i, c in ipairs(list) do
    local u = self:unit(c, fn, string.format("comparators[%d]", i))
    if u == treated_u then C.fail(fn, string.format("comparators[%d]", i), C.key(c) .. " is the treated unit") end
    if seen[u] then C.fail(fn, string.format("comparators[%d]", i), C.key(c) .. " is listed twice") end
    seen[u] = true
    out[#out + 1] = u
  end
  return out
end

--- Comparative interrupted time series, as Stata's `itsa` with a treated
-- unit and one or more controls: OLS of
--   y = b0 + b1 _t + b2 _z + b3 _z_t + sum_j (b4j _x_j + b5j _x_t_j + b6j _z_x_j + b7j _z_x_t_j) + covariates
-- with _t = (time - first)/step, _z = 1 for the treated unit, _x_j = 1 from
-- interruption j on and _x_t_j = _x_j (_t - T_j) (0 at the interruption),
-- and Newey-West standard errors with the given lag within each series.
-- @tparam table spec `treated` (code), `comparators` (codes), optional
--   `combine` ("pool": every comparator's rows, as itsa; "mean": their
--   unweighted mean per period; "weighted": their mean weighted by the
--   panel's weight column), `interruption` or `interruptions`,
--   `definition_change` (time(s): a 0/1 dummy from then on, shared by all
--   series), `season`, `exclude`, `from`, `to`, `lag` (0), `hac` ("rows":
--   lags count observations, as Stata newey with force and R NeweyWest;
--   "time": lags count periods, so a gap breaks the chain), `inference`
--   ("t" on the residual df, the default, as itsa before 2024 and newey; or
--   "z", as itsa since 2024), `level`, `logit` (fit on logit(y/scale)),
--   `scale` (100), `effect_at` (the post period whose impact is reported;
--   default the last period in the sample)
-- @treturn csc.its.Cits a model result (terms, coef, se, statistic,
--   p_value, conf_low, conf_high, vcov, df, :lincom{}, :wald{}) plus
--   periods (one row per period), impact (at effect_at), trends (pre and
--   post slopes), changes (the treated unit's level and slope changes
--   beyond the comparators', _z_x_j and _z_x_t_j, each with a stable
--   `name`: level_change_j, slope_change_j), the same rows as
--   r.level_change_1, r.slope_change_1, ... (r.level_change and
--   r.slope_change: interruption 1's), notes
function Panel:cits(spec)
  C.options("cits", spec)
  local tu = self:unit(spec.treated, "cits", "treated")
  local comps = comparator_positions(self, "cits", spec.comparators, tu)
  local cfg = self:_prepare_cits(spec, "cits")
  return self:_cits_run(cfg, tu, comps, spec)
end

-- Observed times of unit u in the sample.
local function observed_times(self, cfg, u)
  local xs = {}
  for p, x in ipairs(self.times) do
    if cfg.use[p] and not C.isnan(self.Y[u][p]) then xs[#xs + 1] = x end
  end
  return xs
end

--- Unit positions other than `tu`: those of the codes in `list` (each
-- checked, an unknown one named fn's field[i]), or every unit.
function Panel:others(list, tu, fn, field)
  local out = {}
  if list ~= nil then
    for i, c in ipairs(list) do
      local u = self:unit(c, fn, string.format("%s[%d]", field, i))
      if u ~= tu then out[#out + 1] = u end
    end
  else
    for u = 1, #self.units do if u ~= tu then out[#out + 1] = u end end
  end
  return out
end

--- Comparison units chosen as Stata itsamatch does, ranked by distance
-- (csc.its.selection; fields in docs/its.md).
function Panel:match(spec) return require("csc.its.selection").match(self, spec) end

--- Placebo-in-space (csc.its.placebo; fields in docs/its.md).
function Panel:placebo(spec) return require("csc.its.placebo").placebo(self, spec) end

function Panel:_cits_run(cfg, tu, comps, spec)
  local fn = cfg.fn
  local notes = C.check_segments(fn, cfg.brks, observed_times(self, cfg, tu))
  local ok, r = pcall(self._fit_host, self, cfg, tu, comps)
  if not ok then
    local e = errors.from_host(r)
    C.failn(fn, e.field, (e.detail:gsub("^its fit: ", "")), e.kind)
  end
  r.method = "Comparative ITS (itsa), OLS"
  r.dist, r.lag, r.hac, r.combine, r.logit, r.scale = cfg.inference, cfg.lag, cfg.hac, cfg.combine, cfg.logit, cfg.scale
  r.notes, r.dropped, r.breaks, r.xnames = notes, cfg.dropped, cfg.brks, cfg.xnames
  r.treated = self.units[tu]
  r.comparators = {}
  for i, u in ipairs(comps) do r.comparators[i] = self.units[u] end
  r.coefficients = {}
  for j, t in ipairs(r.terms) do
    r.coefficients[j] = { term = t, estimate = r.coef[j], std_error = r.se[j],
      statistic = r.statistic[j], p_value = r.p_value[j], conf_low = r.conf_low[j],
      conf_high = r.conf_high[j] }
  end
  -- The treated unit's changes beyond the comparators' (_z_x_j, _z_x_t_j)
  -- under stable names: level_change_j, slope_change_j (csc.its.core).
  r.changes = {}
  for _, b in ipairs(cfg.brks) do
    for _, kind in ipairs({ "level", "slope" }) do
      local term = (kind == "level" and "_z_x" or "_z_x_t") .. b.suffix
      for _, c in ipairs(r.coefficients) do
        if c.term == term then
          c.name = string.format("%s_change_%d", kind, b.index)
          r.changes[#r.changes + 1] = { interruption = b.name, kind = kind, term = term,
            index = b.index, estimate = c.estimate, std_error = c.std_error, statistic = c.statistic,
            p_value = c.p_value, conf_low = c.conf_low, conf_high = c.conf_high }
        end
      end
    end
  end
  C.name_changes(r, r.changes)
  -- One row per period.
  local L = r.lines
  r.periods = {}
  local first = cfg.brks[1].x
  for p, x in ipairs(self.times) do
    local row = { time = x, label = self.labels[p], included = cfg.use[p] and not C.isnan(self.Y[tu][p]),
      in_sample = cfg.use[p], post = x >= first - 1e-9 }
    for name, arr in pairs(L) do row[name] = C.num_or_nil(arr[p]) end
    -- The treated unit's counterfactual: its own pre-intervention line
    -- projected (cf_t) plus the comparators' departure from theirs
    -- (fit_c - cf_c), so that impact = fitted - counterfactual, the impact
    -- itsa reports.  Before the interruption it is the fitted line.
    if row.fit_t and row.impact then
      row.counterfactual = row.fit_t - row.impact
      if row.impact_lo and row.impact_hi then
        row.counterfactual_lo, row.counterfactual_hi = row.fit_t - row.impact_hi, row.fit_t - row.impact_lo
      end
    end
    if row.fit_t_orig and row.impact_orig then
      row.counterfactual_orig = row.fit_t_orig - row.impact_orig
      if row.impact_orig_lo and row.impact_orig_hi then
        row.counterfactual_orig_lo = row.fit_t_orig - row.impact_orig_hi
        row.counterfactual_orig_hi = row.fit_t_orig - row.impact_orig_lo
      end
    end
    r.periods[p] = row
  end
  -- The impact at the named post period.
  local at = spec.effect_at
  local p_at
  if at ~= nil then
    p_at = self:period(at)
    if not p_at then C.fail(fn, "effect_at", string.format("no period %s in the data", tostring(at))) end
  else
    for p = #self.times, 1, -1 do if cfg.use[p] then p_at = p; break end end
  end
  if self.times[p_at] < first - 1e-9 then
    C.fail(fn, "effect_at", string.format("%s is before the interruption (%s)", self.labels[p_at], cfg.brks[1].name))
  end
  local row = r.periods[p_at]
  r.impact = { time = self.times[p_at], label = self.labels[p_at], estimate = row.impact,
    std_error = row.impact_se, statistic = row.impact_stat, p_value = row.impact_p,
    conf_low = row.impact_lo, conf_high = row.impact_hi, df = r.df }
  if cfg.logit then
    r.impact.original = { estimate = row.impact_orig, std_error = row.impact_orig_se,
      p_value = row.impact_orig_p, conf_low = row.impact_orig_lo, conf_high = row.impact_orig_hi }
  end
  -- Slopes before and after each interruption (itsa posttrend): treated,
  -- comparators and their difference, each a lincom of the coefficients.
  r = setmetatable(r, Cits)
  r.trends = {}
  local tw, cw, dw = { _t = 1, _z_t = 1 }, { _t = 1 }, { _z_t = 1 }
  local function add(name, w)
    r.trends[#r.trends + 1] = C.trend_row(name, r:lincom(util.copy(w)), r.notes)
  end
  add("treated, before " .. cfg.brks[1].name, tw)
  add("comparators, before " .. cfg.brks[1].name, cw)
  add("difference, before " .. cfg.brks[1].name, dw)
  for _, b in ipairs(cfg.brks) do
    if b.slope then
      tw["_x_t" .. b.suffix], tw["_z_x_t" .. b.suffix] = 1, 1
      cw["_x_t" .. b.suffix] = 1
      dw["_z_x_t" .. b.suffix] = 1
    end
    add("treated, from " .. b.name, tw)
    add("comparators, from " .. b.name, cw)
    add("difference, from " .. b.name, dw)
  end
  return r
end


M.CITS_LIST, M.comparator_positions, M.observed_times = CITS_LIST, comparator_positions, observed_times

return M
