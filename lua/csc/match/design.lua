--- Helpers shared by the designs "matching" and "ipw" (lua/csc/designs/):
-- schema pieces, the frame to analyse, csc.match errors re-raised at the
-- design field and its recipe line, and the balance and effect tables,
-- estimates, warnings and charts both report.  Not a public module:
-- recipes use csc.match.
-- @module csc.match.design
local DI = require("csc.designs.base")
local S = require("csc.schema")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

-- ===== where errors point =====
-- The designs' shared skeleton (csc.designs.base): remember the recipe,
-- name the field and its line, keep the kind.

M.remember, M.check, M.raise = DI.remember, DI.check, DI.raise

--- Call f(spec) (a csc.match function) and re-raise its errors at the
-- design field they are about: match.nearest's error on "covariates[2]"
-- becomes "recipes/x.lua:12: design.covariates[2]: ...".  `paths` maps a
-- csc.match field to its design path; others go to `base`.
function M.call(design, base, paths, f, spec)
  return DI.call(design, base, function(name) return paths[name] end, f, spec)
end

-- ===== schema pieces =====

--- The input holding the design's data (for column checks before the run).
function M.data_input(root) return root.design and root.design.data end

local function col(o)
  o = o or {}
  o.input = M.data_input
  return S.column(o)
end
M.col = col

M.VCOVS = { "cluster", "HC0", "HC1", "HC3", "svyglm", "classical" }

--- A covariate list: columns, or a one-sided formula (docs/formulas.md).
function M.covariates(doc)
  return S.either({ S.list(col(), { doc = doc }), S.string({ doc = "a one-sided formula: \"~ age + factor(region)\"" }) },
    { pick = function(v) return type(v) == "string" and 2 or 1 end, doc = doc .. "; or a one-sided formula" })
end

--- A covariate list in words: the formula, or the columns.
function M.covariate_words(v)
  if type(v) == "string" then return v end
  return table.concat(v or {}, ", ")
end

--- A trend ratio: the rate in `to` over the rate in `from` of a series in
-- another input (e.g. Year 8 unauthorised absence sessions per pupil,
-- 2018/19 over 2015/16), by which a historical comparison group's outcome
-- is brought to the programme group's period.
M.trend = S.record({
  data = S.string({ required = true, doc = "the input holding the series" }),
  time = S.column({ required = true, input = "data" }),
  value = S.column({ required = true, input = "data", doc = "the total (e.g. sessions)" }),
  per = S.column({ input = "data", doc = "divide by this (e.g. pupils): the rate per unit" }),
  from = S.any({ required = true, doc = "the comparison group's outcome period" }),
  to = S.any({ required = true, doc = "the programme group's outcome period" }),
  label = S.string({ doc = "what the rate is, for the report" }),
})

--- An outcome to estimate the effect on.
M.outcome = S.record({
  name = S.string({ required = true, pattern = "^[%a][%w_]*$", pattern_doc = "a letter, then letters, digits or _" }),
  column = col({ required = true }),
  label = S.string(),
  adjust = M.covariates("covariates for regression adjustment"),
  interact = S.boolean({ doc = "interact the adjustment with treatment (g-computation)" }),
  rescale_control = S.either({ S.number({ min = 0 }), M.trend }, {
    pick = function(v) return type(v) == "table" and 2 or 1 end,
    doc = "multiply the comparison group's outcome: a number, or {data, time, value, per, from, to}, the "
      .. "ratio of a series' rate in `to` over `from` (a time-trend ratio)" }),
  inference = S.enum({ "t", "z" }, { doc = "\"z\": normal intervals and p-values" }),
  vcov = S.enum(M.VCOVS),
  scale = S.number({ doc = "multiply estimates for the report: 100 gives percentage points" }),
  unit = S.string(),
  digits = S.integer({ min = 0 }),
})

--- Balance options.
M.balance = S.record({
  covariates = M.covariates("balance covariates"),
  sd = S.enum({ "treated", "control", "pooled" }),
  variance = S.enum({ "cobalt", "sample" }),
  binary = S.enum({ "std", "raw" }),
  threshold = S.number({ min = 0 }),
})

--- Fields shared by both designs.
function M.common_fields()
  local f = DI.source_fields("the input holding one row per unit")
  for k, v in pairs({
    treat = col({ required = true, doc = "0/1 (or true/false) column: 1 for the programme group" }),
    labels = S.map(S.string(), { doc = "column -> label for tables" }),
    summary = S.string({ doc = "the design in plain English, for the report" }),
    label = S.string({ doc = "a short name of the design for out/index (e.g. \"Weighted Mahalanobis matching\")" }),
    level = S.number({ min = 0.5, max = 0.999 }),
    charts = S.boolean({ doc = "draw the love plot and the score overlap (default true)" }),
  }) do f[k] = v end
  return f
end

-- Which frame to analyse: shared with the other designs (csc.designs.base).
M.check_source = DI.check_source
function M.frame(data, design, ctx) return DI.frame(data, design, M.raise, ctx) end

-- ===== rescaling by a trend ratio =====

local function same_time(a, b)
  if type(a) == "number" and type(b) == "number" then return a == b end
  return tostring(a) == tostring(b)
end

--- The factor for outcome o's rescale_control: the number given, or the
-- trend ratio it describes (recorded as estimate PRE NAME.trend_ratio with
-- the series as table PRE NAME_trend).  `path` is the outcome's design path.
function M.rescale(ctx, design, o, pre, path)
  local t = o.rescale_control
  if type(t) ~= "table" then return t end
  local tp = path .. ".rescale_control"
  local f = ctx.data[t.data]
  if f == nil then M.raise(design, tp .. ".data", DI.not_an_input(t.data, ctx.data)) end
  local times, vals = f:column(t.time), f:column(t.value)
  local pers = t.per and f:column(t.per)
  local rows, rate = {}, {}
  for i = 1, #times do
    local r = NA
    if vals[i] ~= NA and (not pers or (pers[i] ~= NA and pers[i] ~= 0)) then r = vals[i] / (pers and pers[i] or 1) end
    rows[#rows + 1] = pers and { times[i], vals[i], pers[i], r } or { times[i], vals[i], r }
    for _, k in ipairs({ "from", "to" }) do
      if same_time(times[i], t[k]) then
        if rate[k] ~= nil then
          M.raise(design, tp .. "." .. k, string.format("input %q has more than one row for %s %s", t.data, t.time,
            tostring(t[k])), "analysis")
        end
        rate[k] = r
      end
    end
  end
  for _, k in ipairs({ "from", "to" }) do
    if rate[k] == nil then
      M.raise(design, tp .. "." .. k, string.format("input %q has no row with %s %s", t.data, t.time, tostring(t[k])),
        "analysis")
    end
    if rate[k] == NA or rate[k] == 0 then
      M.raise(design, tp .. "." .. k, string.format("the rate of input %q in %s is missing or 0, so no trend ratio "
        .. "can be formed", t.data, tostring(t[k])), "analysis")
    end
  end
  local ratio = rate.to / rate.from
  local what = t.label or (t.per and (t.value .. " per " .. t.per) or t.value)
  local lab = pre .. o.name
  ctx:estimate({ label = lab .. ".trend_ratio", value = ratio, unit = "ratio", group = pre .. "effects",
    method = string.format("%s, %s over %s", what, tostring(t.to), tostring(t.from)) })
  ctx:table((lab:gsub("%.", "_")) .. "_trend", { columns = pers and { t.time, t.value, t.per, "rate" }
    or { t.time, t.value, "rate" }, rows = rows }, { digits = { rate = 3 },
    caption = string.format("%s: the time-trend ratio of %s (%s over %s)", o.label or o.name, what,
      tostring(t.to), tostring(t.from)) })
  ctx:method(string.format("%s: the comparison group's outcome is multiplied by the time-trend ratio %s = "
    .. "(%s in %s) / (%s in %s), to bring it to the programme group's period.", o.label or o.name,
    util.fmt_fixed(ratio, 4), what, tostring(t.to), what, tostring(t.from)))
  return ratio
end

-- ===== formatting =====

local function v(x) if x == nil or x ~= x then return NA end return x end
M.v = v

function M.pw(p)
  if p == nil then return "p not defined" end
  if p < 0.001 then return "p < 0.001" end
  return string.format("p = %.3f", p)
end

local function label_of(labels, c) return (labels and labels[c]) or c end

-- ===== balance =====

--- Balance table, estimates, warnings and love plot.  `b` is a
-- csc.match.Balance with adjustment; `pre` prefixes labels and names;
-- `what` is "matching" or "weighting"; `name` names the analysis in warnings.
function M.report_balance(ctx, design, b, pre, what, caption, name)
  local rows = {}
  for _, r in ipairs(b.rows) do
    rows[#rows + 1] = { r.label, v(r.mean_treated), v(r.mean_control), v(r.smd), v(r.var_ratio),
      v(r.mean_treated_adj), v(r.mean_control_adj), v(r.smd_adj), v(r.var_ratio_adj),
      (r.smd_adj == r.smd_adj and math.abs(r.smd_adj) > b.threshold) and "yes" or "no" }
    local base = pre .. "balance." .. r.covariate
    for _, kx in ipairs({ { "mean_treated_before", r.mean_treated }, { "mean_comparison_before", r.mean_control },
      { "smd_before", r.smd }, { "mean_treated_after", r.mean_treated_adj },
      { "mean_comparison_after", r.mean_control_adj }, { "smd_after", r.smd_adj } }) do
      local x = kx[2]
      if x == x then ctx:estimate({ label = base .. "." .. kx[1], value = x, group = pre .. "balance", detail = true }) end
    end
  end
  local tname = (pre:gsub("%.", "_")) .. "balance"
  ctx:table(tname, {
    columns = { "covariate", "treated_before", "comparison_before", "smd_before", "variance_ratio_before",
      "treated_after", "comparison_after", "smd_after", "variance_ratio_after", "over_threshold" },
    rows = rows,
  }, { caption = caption, digits = 3, note = string.format(
    "SMD: difference in means divided by the %s standard deviation before %s (%s variances), "
      .. "the same denominator after%s; over_threshold marks |SMD| above %s after %s.",
    b.sd == "pooled" and "pooled" or b.sd == "treated" and "programme group's" or "comparison group's",
    what, b.variance == "sample" and "n - 1" or "cobalt's",
    b.binary == "raw" and "; for 0/1 covariates the raw difference in proportions (cobalt's default)" or
      "; 0/1 covariates standardised too", util.fmt_number(b.threshold), what) })
  local formula = b.sd == "pooled" and "√((s²_T + s²_C)/2)" or b.sd == "treated" and "s_T" or "s_C"
  ctx:method(string.format("%sBalance: `SMD = (mean_T − mean_C)/%s`, s² the %s variances of the groups before "
    .. "%s, the same denominator after (means then weighted by the %s weights)%s; variance ratio `s²_T/s²_C`.",
    name and (name .. ": ") or "", formula, b.variance == "sample" and "sample (n − 1)" or "cobalt's", what, what,
    b.binary == "raw" and "; for 0/1 covariates the raw difference in proportions, as cobalt's default" or
      "; 0/1 covariates standardised in the same way"))
  for _, w in ipairs(b:warnings("after " .. what .. (name and (" (" .. name .. ")") or ""))) do ctx:warn(w) end
  if design.charts ~= false then
    local vars, before, after, vr = {}, {}, {}, {}
    for i, r in ipairs(b.rows) do
      vars[i], before[i], after[i] = r.label, r.smd, r.smd_adj
      vr[i] = (r.var_ratio_adj == r.var_ratio_adj) and r.var_ratio_adj or nil
    end
    ctx:chart({
      name = tname .. "_love", kind = "love", table = tname,
      -- named after its analysis, so two love plots in one report differ
      title = "Standardised mean differences before and after " .. what .. (name and (": " .. name) or ""),
      desc = string.format("Dot plot of the absolute standardised mean difference of each of %d covariates "
        .. "before (open circles) and after (diamonds) %s, largest imbalance first, with the %s threshold "
        .. "marked and each covariate's variance ratio after %s beside its name. The figures are in the "
        .. "table.", #vars, what, util.fmt_number(b.threshold), what),
      variables = vars, before = before, after = after, threshold = b.threshold, variance_ratios = vr,
      before_name = "Before " .. what, after_name = "After " .. what,
    })
  end
end

-- ===== effects =====

--- Effects of one set of outcomes: estimates, table.  `fit(o)` returns the
-- csc.match.Effect for outcome record o; `base` is its design path.
function M.report_effects(ctx, design, outcomes, pre, fit, base, caption, headline)
  local rows = {}
  for i, o in ipairs(outcomes) do
    local e = fit(o, string.format("%s[%d]", base, i))
    local sc = o.scale or 1
    local lab = pre .. o.name
    ctx:estimate({ label = lab .. ".effect", value = e.estimate * sc, se = e.se * sc,
      ci = { e.conf_low * sc, e.conf_high * sc }, p = e.p_value, df = e.df ~= math.huge and e.df or nil,
      n = e.n_used, unit = o.unit, method = e.method, group = pre .. "effects",
      headline = headline and i == 1 or nil })
    ctx:estimate({ label = lab .. ".mean_treated", value = e.mean_treated * sc, unit = o.unit,
      group = pre .. "effects", detail = true })
    ctx:estimate({ label = lab .. ".mean_comparison", value = e.mean_control * sc, unit = o.unit,
      group = pre .. "effects", detail = true })
    if o.adjust then
      -- the programme mean less the adjusted effect: the comparison mean a
      -- report prints beside an adjusted effect, so the two differ by it
      ctx:estimate({ label = lab .. ".mean_comparison_adjusted", value = (e.mean_treated - e.estimate) * sc,
        unit = o.unit, group = pre .. "effects", detail = true })
    end
    rows[#rows + 1] = { o.label or o.name, e.mean_treated * sc, e.mean_control * sc, e.estimate * sc,
      e.se * sc, e.conf_low * sc, e.conf_high * sc, e.p_value, e.n_treated, e.n_control }
    ctx:method(string.format("%s: %s.", o.label or o.name, e.method))
  end
  local tname = (pre:gsub("%.", "_")) .. "effects"
  ctx:table(tname, { columns = { "outcome", "programme", "comparison", "difference", "std_error",
    "conf_low", "conf_high", "p_value", "n_programme", "n_comparison" }, rows = rows },
    { caption = caption, digits = 2, counts = { "n_programme", "n_comparison" } })
end

--- The rows dropped for missing values, for the provenance section.
function M.drops(ctx, design, info, why)
  if info.n_dropped and info.n_dropped > 0 then
    ctx:drop(design.data or "prepared data", info.n_dropped, why)
  end
end

M.label_of = label_of
return M
