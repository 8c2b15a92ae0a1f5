--- Design "cits": comparative interrupted time series as Stata's `itsa`
-- (treated unit against one or more comparison units, terms _t, _z, _z_t,
-- _x, _x_t, _z_x, _z_x_t, Newey-West errors with a given lag), with
-- comparison units given or chosen as `itsamatch` does (and ranked by
-- distance) from a pool restricted by statistical neighbours and/or
-- region, an optional logit-transform sensitivity run for percentages,
-- placebo-in-space, and a difference-in-differences / event-study
-- sensitivity run.  Numerics: csc.its (host.its).  Reference: docs/its.md.
-- @module csc.designs.cits
local S = require("csc.schema")
local base = require("csc.designs.base")
local its = require("csc.its")
local D = require("csc.its.design")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

local code = S.either({ S.integer(), S.string() })

local select_schema = S.record({
  neighbours = S.either({ S.record({
    input = S.string({ required = true, doc = "the statistical-neighbour groupings input" }),
    code_column = S.string({ required = true, doc = "the groupings file's authority-code column (from data/neighbour_groupings.csv when the input is a file listed there)" }),
    columns = S.list(S.string()),
  }), S.list(code) }, { pick = function(v) return type(v) == "table" and v[1] ~= nil and 2 or 1 end,
    doc = "the treated unit's statistical neighbours: {input, code_column, columns} (a groupings file) or a list of codes" }),
  region = S.either({ S.string(), S.list(S.string()) }, { doc = "\"same\", a region name or names (needs design.region)" }),
  combine = S.enum({ "both", "either" }),
  candidates = S.list(code, { doc = "an explicit candidate pool" }),
  exclude = S.list(code, { doc = "units never used as comparators" }),
  method = S.enum({ "itsamatch", "distance", "both" }),
  threshold = S.number({ min = 0, max = 1 }),
  n = S.integer({ min = 1 }),
  covariates = S.list(S.column({ input = D.data_input })),
  lag = S.integer({ min = 0 }),
  report_only = S.boolean({ doc = "show the selection table but use the given comparators" }),
})

local outcome = S.record(D.outcome_fields({
  comparators = S.list(code),
  lag = S.integer({ min = 0 }),
  logit = S.boolean({ doc = "run the logit-transform sensitivity analysis (percentages)" }),
  scale = S.number({ min = 0, doc = "100 for a percentage (logit of y / scale)" }),
  effect_at = S.any(),
  combine = S.enum({ "pool", "mean", "weighted" }),
}))

local fields = D.source_fields()
fields.unit = S.column({ required = true, input = D.data_input, doc = "the unit code column" })
fields.name = S.column({ input = D.data_input, doc = "a readable unit name column" })
fields.region = S.column({ input = D.data_input, doc = "a region column (for select.region)" })
fields.weight = S.column({ input = D.data_input, doc = "weights for combine = \"weighted\" (child population)" })
fields.treated = S.any({ required = true, doc = "the treated unit's code" })
fields.comparators = S.list(code)
fields.select = select_schema
fields.outcomes = S.list(outcome, { required = true, min_items = 1 })
fields.combine = S.enum({ "pool", "mean", "weighted" })
fields.interruption = S.any()
fields.interruptions = S.list(S.any())
fields.definition_change = S.any()
fields.season = S.record({ type = S.enum({ "months", "harmonics" }, { required = true }),
  harmonics = S.integer({ min = 1 }), period = S.integer({ min = 2 }) })
fields.lag = S.integer({ min = 0 })
fields.hac = S.enum({ "rows", "time" })
fields.inference = S.enum({ "t", "z" })
fields.effect_at = S.any()
fields.logit_sensitivity = S.boolean()
fields.placebo = S.either({ S.boolean(), S.record({
  comparators_rule = S.enum({ "rest", "same" }), statistic = S.enum({ "estimate", "t" }),
  units = S.enum({ "pool", "all" }) }) })
fields.did = S.either({ S.boolean(), S.record({ start = S.any(), leads = S.integer({ min = 1 }),
  lags = S.integer({ min = 0 }), comparators = S.enum({ "selected", "pool" }),
  vcov = S.enum({ "CR1", "HC1", "classical" }) }) })

M.schema = S.record(fields, {
  check = function(d)
    local msg, sub = D.check_breaks(d)
    if msg then return msg, sub end
    local sel = type(d.select) == "table" and d.select or nil
    local any_cmp = d.comparators ~= nil
    for _, o in ipairs(type(d.outcomes) == "table" and d.outcomes or {}) do
      if type(o) == "table" and o.comparators then any_cmp = true end
    end
    if sel == nil and not any_cmp then
      return "give comparators = {...} or select = {...} (to choose them)", "comparators"
    end
    if sel and not sel.report_only and d.comparators ~= nil then
      return "give comparators or select, not both (select.report_only = true shows the selection "
        .. "beside given comparators)", "select"
    end
    if d.combine == "weighted" and d.weight == nil then
      return "combine = \"weighted\" needs weight = <column> (e.g. the child population)", "weight"
    end
  end,
})

local function first_break(d)
  local b = d.interruptions and d.interruptions[1] or d.interruption
  if type(b) == "table" then return b.at end
  return b
end

function M.describe(d)
  if d.summary then return d.summary end
  return string.format("Comparative interrupted time series of %s: %s against %s, interrupted at %s. "
    .. "Each series has its own level and trend before the interruption and a change in level and "
    .. "in trend after it (Stata itsa's model); the impact at a post-intervention period is the "
    .. "treated unit's departure from its projected pre-intervention trend minus the comparators' "
    .. "departure from theirs, with Newey-West standard errors.",
    base.outcome_names(d), tostring(d.treated),
    d.select and not d.select.report_only and "comparison units chosen by their pre-intervention similarity"
      or "the given comparison units", require("csc.years").show(first_break(d), d.format))
end

M.check = base.check

-- ===== Pieces =====

local function unit_names(P, codes)
  local out = {}
  for i, c in ipairs(codes) do out[i] = string.format("%s (%s)", P.names[its.key(c)] or c, its.key(c)) end
  return table.concat(out, ", ")
end

-- The candidate pool and the selection table; returns the kept codes.
local function selection(ctx, d, P, N, label, base, used, olag)
  local sel = d.select
  local pool
  if sel.candidates then
    pool = { codes = {} }
    for _, c in ipairs(sel.candidates) do pool.codes[#pool.codes + 1] = its.key(c) end
  else
    local nb
    if sel.neighbours and sel.neighbours[1] ~= nil then
      nb = {}
      for k, c in ipairs(sel.neighbours) do nb[k] = its.key(c) end
    elseif sel.neighbours then
      local g = ctx.data[sel.neighbours.input]
      if g == nil then D.raise(d, "design.select.neighbours.input", base.not_an_input(sel.neighbours.input, ctx.data)) end
      nb = D.call(d, "design.select.neighbours", { unit = "design.treated" }, its.neighbours,
        { data = g, code_column = sel.neighbours.code_column, unit = d.treated, columns = sel.neighbours.columns })
      ctx:method(string.format("Statistical neighbours of %s (%s): %s.", P.names[its.key(d.treated)] or tostring(d.treated),
        sel.neighbours.input, table.concat(nb, ", ")))
    end
    pool = D.call(d, "design.select", { treated = "design.treated" }, its.pool,
      { panel = P, treated = d.treated, neighbours = nb, region = sel.region, combine = sel.combine,
        exclude = sel.exclude })
  end
  if #pool.codes == 0 then D.raise(d, "design.select", "the candidate pool is empty", "analysis") end
  local lag = sel.lag or olag or d.lag or 0
  local m = D.call(d, "design.select", { treated = "design.treated", exclude = "design.exclude",
    from = "design.from", before = "design.interruption" }, P.match, P,
    { treated = d.treated, candidates = pool.codes, before = first_break(d), covariates = sel.covariates,
      exclude = d.exclude, from = d.from, lag = lag, hac = d.hac, inference = d.inference,
      threshold = sel.threshold, method = sel.method, n = sel.n })
  local tname = P.names[its.key(d.treated)] or its.key(d.treated)
  ctx:table(N .. "_candidates", { columns = m.columns, rows = m.table_rows }, {
    caption = string.format("%s: candidate comparison units (%d in the pool), their pre-period "
      .. "differences from the treated unit, and whether each was kept", label, #pool.codes),
    digits = D.digits(m.columns, 3),
    note = string.format("pre_periods: the candidate's pre-intervention periods with a value (%s has "
      .. "%d). level_diff and trend_diff: coefficients of _z and _z_t in a regression of the "
      .. "pre-intervention periods of the treated unit and the candidate (Newey-West lag %d); "
      .. "p-values test each difference against 0%s. distance = sqrt((level difference at the middle "
      .. "of the pre-period)^2 + (trend difference x pre-period length)^2), in outcome units.",
      tname, m.pre_periods, lag, m.method == "distance"
        and string.format(" and are shown for reference only: method = \"distance\" applies no p-value "
          .. "threshold (itsamatch would keep a candidate when every p-value exceeds %s)", util.fmt_number(m.threshold))
        or string.format("; itsamatch keeps a candidate when every p-value exceeds %s", util.fmt_number(m.threshold))) })
  local rule
  if m.method == "itsamatch" then
    rule = string.format("by Stata itsamatch's rule (kept when the p-values of the pre-period level "
      .. "and trend differences all exceed %s)", util.fmt_number(m.threshold))
  elseif m.method == "distance" then
    rule = string.format("as the %d nearest by distance on pre-period level and trend (no p-value "
      .. "threshold is applied; itsamatch's p-values are shown in the table for reference)", m.n)
  else
    rule = string.format("by itsamatch's rule (every p-value of the pre-period level and trend "
      .. "differences above %s), then %s by distance on pre-period level and trend",
      util.fmt_number(m.threshold), m.n and string.format("the %d nearest", m.n) or "all of those, ranked")
  end
  ctx:method(string.format("%s: comparison units %s from %d candidates %s%s: %s.",
    label, used and "chosen" or "that would be chosen (shown for comparison; the analysis uses the given comparators)",
    #pool.codes, rule, sel.covariates and (", covariates " .. table.concat(sel.covariates, ", ")) or "",
    #m.kept > 0 and unit_names(P, m.kept) or "none"))
  if used and m.n and #m.kept < m.n then
    ctx:warn(string.format("%s: select.n asks for %d comparison units but only %d %s chosen (%s); the "
      .. "counterfactual rests on fewer authorities than planned (see the candidates table)", label, m.n, #m.kept,
      #m.kept == 1 and "was" or "were", #m.kept > 0 and unit_names(P, m.kept) or "none"))
  end
  ctx:estimate{ label = N .. ".candidates_n", value = #pool.codes, group = N, detail = true }
  ctx:estimate{ label = N .. ".selected_n", value = #m.kept, group = N, detail = true }
  return m.kept, pool.codes
end

local function chart(ctx, d, P, N, label, r, unit)
  local x, yt, yc = {}, {}, {}
  local ft, fc = { {}, {} }, { {}, {} }
  local cfx, cfy, lo, hi = {}, {}, {}, {}
  local ccx, ccy = {}, {}
  local first = r.breaks[1].x
  for p, row in ipairs(r.periods) do
    x[p] = row.time
    local obs_t = r.logit and row.obs_t_orig or row.obs_t
    local obs_c = r.logit and row.obs_c_orig or row.obs_c
    yt[p] = (row.included and obs_t) or NA
    yc[p] = (row.in_sample and obs_c) or NA
    local seg = row.time < first - 1e-9 and 1 or 2
    ft[seg].x = ft[seg].x or {}
    ft[seg].y = ft[seg].y or {}
    fc[seg].x = fc[seg].x or {}
    fc[seg].y = fc[seg].y or {}
    ft[seg].x[#ft[seg].x + 1], ft[seg].y[#ft[seg].y + 1] = row.time, row.fit_t
    fc[seg].x[#fc[seg].x + 1], fc[seg].y[#fc[seg].y + 1] = row.time, row.fit_c
    if row.post then
      -- The treated counterfactual, the same quantity as the periods table's
      -- treated_counterfactual: its own pre-period line projected plus the
      -- comparators' departure from theirs (fitted - impact).
      local cf = r.logit and row.counterfactual_orig or row.counterfactual
      cfx[#cfx + 1] = row.time
      cfy[#cfy + 1] = cf or NA
      lo[#lo + 1] = (r.logit and row.counterfactual_orig_lo or row.counterfactual_lo) or NA
      hi[#hi + 1] = (r.logit and row.counterfactual_orig_hi or row.counterfactual_hi) or NA
      -- the comparators' own pre-period line projected (column comparators_projected)
      if not r.logit then ccx[#ccx + 1] = row.time; ccy[#ccy + 1] = row.cf_c or NA end
    end
  end
  local iv = {}
  for _, b in ipairs(r.breaks) do iv[#iv + 1] = { x = b.x - 0.5 * P.axis.step, label = b.name } end
  ctx:chart{
    name = N, kind = "its", table = N .. "_periods", title = label,
    desc = string.format("%s, %s to %s: the treated unit %s (first series) and the %s of its %d "
      .. "comparison units (second series), observed values as points and the fitted lines of the "
      .. "comparative ITS model before and after %s. The dashed line is the treated unit's "
      .. "counterfactual (column treated_counterfactual of the table): its projected "
      .. "pre-intervention trend plus the comparators' own departure from theirs, so the gap between "
      .. "the fitted line and it is the impact; the band is the impact's %s%% confidence interval.",
      label, r.periods[1].label, r.periods[#r.periods].label, P.names[r.treated] or r.treated,
      r.combine == "weighted" and "weighted mean" or "mean", #r.comparators, r.breaks[1].name,
      util.fmt_number(100 * r.level)) .. D.definition_words(d.definition_change),
    series = {
      { name = P.names[r.treated] or r.treated, x = x, y = yt, fitted = { ft[1], ft[2] },
        counterfactual = { x = cfx, y = cfy }, band = { x = cfx, lo = lo, hi = hi } },
      { name = r.combine == "weighted" and "Comparators (weighted mean)" or "Comparators (mean)", x = x,
        y = yc, fitted = { fc[1], fc[2] }, counterfactual = #ccx > 0 and { x = ccx, y = ccy } or nil,
        counterfactual_name = "projected pre-period trend" },
    },
    intervention = iv, markers = D.definition_markers(d.definition_change, P.axis), x = D.x_axis(P.axis, P.times), ylabel = unit,
  }
end

local function inference_words(r)
  if r.dist == "z" then
    return "Tests and intervals use the normal distribution (z), as itsa reports since its 2024 "
      .. "revision (glm with Newey-West errors)."
  end
  return string.format("Tests and intervals use the t distribution on the residual degrees of "
    .. "freedom (%d), as Stata's newey and itsa before its 2024 revision; inference = \"z\" gives "
    .. "the normal-distribution version itsa reports now.", math.tointeger(r.df_resid) or r.df_resid)
end

-- The model in symbols, with its terms defined, for the Method section.
local function model_formula(label, r)
  local lines = {}
  local nb = #r.breaks
  local b = nb == 1 and "" or "_j"
  local sum = nb == 1 and "" or "sum_j "
  local terms = string.format("%s(b4%s _x%s + b5%s _x_t%s + b6%s _z_x%s + b7%s _z_x_t%s)", sum, b, b, b, b, b, b, b, b)
  local extra = ""
  if r.xnames and #r.xnames > 0 then extra = " + " .. table.concat(r.xnames, " + ") .. " terms" end
  lines[#lines + 1] = string.format("%s, the model (Stata itsa's): Y_it = b0 + b1 _t + b2 _z + b3 _z_t + %s%s + e_it%s, "
    .. "where _t is time in %s from the first period (0, 1, 2, ...), _z = 1 for the treated unit and 0 for a "
    .. "comparator, _x = 1 from the interruption (%s) on, _x_t = _x (_t - T) counts periods since the "
    .. "interruption (0 in its first period), and _z_t, _z_x, _z_x_t are the products. b2 and b3 are the "
    .. "treated unit's pre-intervention differences in level and trend; b4 and b5 the comparators' changes "
    .. "in level and trend at the interruption; b6 and b7 the treated unit's changes beyond the "
    .. "comparators'. The impact at period t is b6 + b7 (t - T), (fitted - projected) for the treated unit "
    .. "minus the same for the comparators.",
    label, terms:gsub("^%((.*)%)$", "%1"), extra, nb > 1 and " (one set of b4..b7 for each interruption j)" or "",
    "periods", table.concat((function()
      local out = {}
      for _, br in ipairs(r.breaks) do out[#out + 1] = br.name end
      return out
    end)(), ", "))
  return lines[1]
end

local function run_outcome(ctx, d, i, o, f)
  local base = string.format("design.outcomes[%d]", i)
  local N, label = o.name, o.label or o.name
  local sel = d.select
  local covs = sel and sel.covariates
  local P = D.call(d, "design", { value = base .. ".column", unit = "design.unit", time = "design.time",
    weight = "design.weight", name = "design.name", region = "design.region", covariates = "design.select.covariates" },
    its.panel, { data = f, unit = d.unit, time = d.time, value = o.column, weight = d.weight,
      name = d.name, region = d.region, frequency = d.frequency, format = d.format, covariates = covs })
  local tkey = its.key(d.treated)
  if not P.index[tkey] then
    D.raise(d, "design.treated", string.format("unit %s is not in the data%s", tkey, util.hint(tkey, P.units)))
  end
  local comps = o.comparators or d.comparators
  local cbase = o.comparators and (base .. ".comparators") or "design.comparators"
  local pool
  if sel then
    -- The selection table is shown whenever select is given; its result is
    -- used unless comparators are given (for this outcome) or report_only.
    local kept
    kept, pool = selection(ctx, d, P, N, label, base, not sel.report_only and not o.comparators, o.lag)
    if comps then
      -- the given comparators against the ones the selection would choose
      local a, b = {}, {}
      for k, c in ipairs(kept) do a[k] = its.key(c) end
      for k, c in ipairs(comps) do b[k] = its.key(c) end
      table.sort(a); table.sort(b)
      ctx:estimate{ label = N .. ".selection_matches", value = table.concat(a, ",") == table.concat(b, ",") and 1 or 0,
        group = N, detail = true, method = "1 if the selection keeps exactly the given comparators; it keeps "
          .. (#kept > 0 and unit_names(P, kept) or "none") }
    end
    if not sel.report_only and not o.comparators then
      comps, cbase = kept, "design.select"
      if #comps == 0 then
        D.raise(d, "design.select", string.format("no candidate passes the selection for %s; loosen "
          .. "threshold, widen the pool, or use method = \"distance\" with n", label), "analysis")
      end
    end
  end
  if comps == nil then D.raise(d, "design.comparators", "no comparators for " .. label) end
  local cspec = { treated = d.treated, comparators = comps, combine = o.combine or d.combine,
    interruption = d.interruption, interruptions = d.interruptions, definition_change = d.definition_change,
    season = d.season, exclude = d.exclude, from = d.from, to = d.to, lag = o.lag or d.lag or 0,
    hac = d.hac, inference = d.inference, level = d.level, effect_at = o.effect_at or d.effect_at }
  local map = { treated = "design.treated", comparators = cbase, lag = o.lag and (base .. ".lag") or "design.lag",
    effect_at = o.effect_at and (base .. ".effect_at") or "design.effect_at",
    combine = o.combine and (base .. ".combine") or "design.combine" }
  local r = D.call(d, "design", map, P.cits, P, cspec)
  local digits = o.digits or 2
  -- Method and notes.
  ctx:method(string.format("%s (%s): %s (code %s) against %s, %s; OLS on %d rows (%d series) with "
    .. "Newey-West standard errors, lag %d (lags counted %s, within each series). %s%s",
    label, o.column, P.names[tkey] or tkey, tkey, unit_names(P, r.comparators),
    r.combine == "pool" and "each comparator's series in the regression (as itsa)"
      or (r.combine == "mean" and "the comparators averaged per period, unweighted (each comparator counts equally)"
        or "the comparators averaged per period, weighted by " .. tostring(d.weight)),
    r.n, r.units, r.lag, r.hac == "rows" and "in observations, as Stata newey with force and R NeweyWest" or "in periods",
    inference_words(r),
    #r.dropped > 0 and (" Left out: " .. table.concat(r.dropped, ", ") .. ".") or ""))
  ctx:method(model_formula(label, r))
  for _, n in ipairs(r.notes) do ctx:note(label .. ": " .. n) end
  -- Rows the fit could not use because a value is missing, unit by unit.
  local used_units = { P.index[tkey] }
  for _, c in ipairs(r.comparators) do used_units[#used_units + 1] = P.index[c] end
  local in_sample = {}
  for p, row in ipairs(r.periods) do in_sample[p] = row.in_sample end
  D.report_missing(ctx, d, P, label, used_units, in_sample)
  -- Estimates.
  D.estimate(ctx, N .. ".impact", r.impact, { group = N, unit = o.unit, headline = (i == 1) or nil, n = r.n,
    method = "comparative ITS (itsa), impact at " .. r.impact.label })
  local b1 = r.breaks[1].suffix
  local function coef(term, lab, what)
    for _, c in ipairs(r.coefficients) do
      if c.term == term then
        D.estimate(ctx, lab, { estimate = c.estimate, std_error = c.std_error, p_value = c.p_value,
          conf_low = c.conf_low, conf_high = c.conf_high, df = r.df ~= math.huge and r.df or nil },
          { group = N, unit = o.unit, method = what })
      end
    end
  end
  coef("_z", N .. ".pre_level_difference", "_z: treated minus comparators at the first period")
  coef("_z_t", N .. ".pre_trend_difference", "_z_t: treated minus comparators, pre-period slope")
  coef("_z_x" .. b1, N .. ".level_change", "_z_x: change in level, treated relative to comparators")
  coef("_z_x_t" .. b1, N .. ".slope_change", "_z_x_t: change in slope, treated relative to comparators")
  -- The same per interruption under stable names (N.level_change_<j>);
  -- interruption 1's copy is detail (results.json only).
  for _, c in ipairs(r.changes or {}) do
    D.estimate(ctx, N .. "." .. c.name, c, { group = N, unit = o.unit, detail = c.index == 1 or nil,
      method = string.format("%s: change in %s at %s, treated relative to comparators", c.term, c.kind,
        c.interruption), df = r.df ~= math.huge and r.df or nil })
  end
  ctx:estimate{ label = N .. ".comparators_n", value = #r.comparators, group = N, detail = true }
  -- The two halves of the impact at effect_at: each group's observed value
  -- minus its own projected pre-intervention line.
  for _, row in ipairs(r.periods) do
    if row.post and row.label == r.impact.label and row.obs_t and row.obs_c then
      ctx:estimate{ label = N .. ".treated_departure", value = row.obs_t - row.cf_t, group = N, unit = o.unit,
        method = "the treated unit's observed value at " .. row.label .. " minus its projected trend" }
      ctx:estimate{ label = N .. ".comparators_departure", value = row.obs_c - row.cf_c, group = N, unit = o.unit,
        method = "the comparators' mean observed value at " .. row.label .. " minus their projected trend" }
    end
  end
  local prows = {}
  for _, row in ipairs(r.periods) do
    if row.post and row.impact then
      D.estimate(ctx, string.format("%s.impact.%s", N, row.label), { estimate = row.impact,
        std_error = row.impact_se, conf_low = row.impact_lo, conf_high = row.impact_hi,
        p_value = row.impact_p, df = r.df ~= math.huge and r.df or nil }, { group = N, unit = o.unit, detail = true })
    end
    prows[#prows + 1] = { row.label, row.in_sample and "yes" or "no", row.post and "post" or "pre",
      D.v(row.obs_t), D.v(row.fit_t), D.v(row.cf_t), D.v(row.post and row.counterfactual or nil),
      D.v(row.obs_c), D.v(row.fit_c), D.v(row.cf_c),
      D.v(row.post and row.impact or nil), D.v(row.post and row.impact_se or nil), D.v(row.impact_lo),
      D.v(row.impact_hi), D.v(row.impact_p) }
  end
  local pcols = { "period", "in_model", "segment", "treated_observed", "treated_fitted",
    "treated_projected", "treated_counterfactual", "comparators_observed", "comparators_fitted",
    "comparators_projected", "impact", "impact_se", "impact_low", "impact_high", "impact_p" }
  ctx:table(N .. "_periods", { columns = pcols, rows = prows },
    { caption = label .. ": observed, fitted, projected and counterfactual lines and the impact by period",
    digits = D.digits(pcols, digits), note = "projected: each group's pre-intervention line carried "
      .. "forward. treated_counterfactual = treated_projected + (comparators_fitted - "
      .. "comparators_projected): the treated unit's projection moved by the comparators' own change "
      .. "after the interruption (the dashed line of the chart). impact = treated_fitted - "
      .. "treated_counterfactual = (treated fitted - treated projected) - (comparators fitted - "
      .. "comparators projected), as itsa." })
  D.coef_table(ctx, N .. "_coefficients", r, label .. ": comparative ITS coefficients (itsa terms)")
  local trows = {}
  for _, t in ipairs(r.trends) do
    trows[#trows + 1] = { t.segment, t.estimate, t.std_error, t.p_value, t.conf_low, t.conf_high }
  end
  ctx:table(N .. "_trends", { columns = { "segment", "slope", "std_error", "p_value", "conf_low", "conf_high" },
    rows = trows }, { caption = label .. ": slopes before and after the interruption (itsa posttrend)", digits = 3 })
  -- Logit sensitivity run.
  if o.logit or (d.logit_sensitivity and o.logit ~= false) then
    local ls = util.copy(cspec)
    ls.logit, ls.scale = true, o.scale or 100
    local rl = D.call(d, "design", map, P.cits, P, ls)
    D.estimate(ctx, N .. ".impact_logit", rl.impact, { group = N, unit = "logit",
      method = "impact on the logit scale" })
    D.estimate(ctx, N .. ".impact_logit_pp", rl.impact.original, { group = N, unit = o.unit,
      method = "logit-scale model, impact back on the original scale (delta method)" })
    ctx:method(string.format("%s, sensitivity: the same model on logit(y / %s), which keeps "
      .. "projections inside 0 to %s; the impact is taken back to the original scale by the delta "
      .. "method (%s, %s).", label, util.fmt_number(ls.scale), util.fmt_number(ls.scale),
      D.num(rl.impact.original.estimate, digits), D.pw(rl.impact.original.p_value)))
  end
  -- Bounded outcomes: a projected counterfactual outside 0..scale.
  if o.scale then
    for _, row in ipairs(r.periods) do
      if row.post and (row.cf_t < 0 or row.cf_t > o.scale or row.fit_t < 0 or row.fit_t > o.scale) then
        ctx:warn(string.format("%s: the projected line leaves 0 to %s at %s; a linear model of a "
          .. "bounded measure is not credible there (see the logit sensitivity run).", label,
          util.fmt_number(o.scale), row.label))
        break
      end
    end
  end
  -- Short series and a single post point.
  local npost = 0
  for _, row in ipairs(r.periods) do if row.post and row.included then npost = npost + 1 end end
  local npre = 0
  for _, row in ipairs(r.periods) do if not row.post and row.included then npre = npre + 1 end end
  if npre < 8 or npost < 3 then
    ctx:warn(string.format("%s: %d pre-intervention and %d post-intervention periods for the treated "
      .. "unit; trends this short are imprecise and sensitive to single years.", label, npre, npost))
  end
  -- Placebo in space.
  if d.placebo then
    local pl = type(d.placebo) == "table" and d.placebo or {}
    local pspec = util.copy(cspec)
    pspec.comparators_rule = pl.comparators_rule
    pspec.statistic = pl.statistic
    if pl.comparators_rule ~= "same" then pspec.comparators = nil end
    if (pl.units or "pool") == "pool" and pool then pspec.units = pool end
    local res = D.call(d, "design.placebo", map, P.placebo, P, pspec)
    local rows = {}
    for _, row in ipairs(res.rows) do
      rows[#rows + 1] = { row.code, row.name, row.treated and "treated" or "placebo", D.v(row.estimate),
        D.v(row.std_error), D.v(row.statistic), D.v(row.rank), row.note or "" }
    end
    table.sort(rows, function(a, b)
      local ra, rb = a[7] == NA and math.huge or a[7], b[7] == NA and math.huge or b[7]
      if ra ~= rb then return ra < rb end
      return a[1] < b[1]
    end)
    local plcols = { "code", "name", "role", "impact", "impact_se",
      res.statistic == "t" and "impact_t" or "ranked_value", "rank", "note" }
    local pldig = D.digits(plcols, digits)
    if res.statistic == "t" then pldig.impact_t = 2 end
    ctx:table(N .. "_placebo", { columns = plcols, rows = rows },
      { caption = string.format("%s: placebo-in-space, each unit as if treated (impact at %s; %s)", label,
          res.effect_at, res.comparators_rule == "same"
            and "every run uses the design's comparators, less the unit itself"
            or "every run, the treated unit's included, compares the unit with all the other eligible units, "
              .. "not with the chosen comparators, so the treated unit's impact here can differ from the headline"),
        digits = pldig })
    -- The placebo distribution: every unit's impact as if treated, sorted,
    -- with the treated unit marked.
    local vals = {}
    for _, row in ipairs(res.rows) do
      if type(row.estimate) == "number" and row.estimate == row.estimate then
        vals[#vals + 1] = { v = row.estimate, treated = row.treated, name = row.name or row.code }
      end
    end
    table.sort(vals, function(a, b) if a.v ~= b.v then return a.v < b.v end return tostring(a.name) < tostring(b.name) end)
    if #vals >= 3 then
      local px, py, tx, ty, tname = {}, {}, {}, {}, nil
      for k, e in ipairs(vals) do
        if e.treated then tx[1], ty[1], tname = k, e.v, e.name else px[#px + 1], py[#py + 1] = k, e.v end
      end
      local layers = {
        { type = "hline", y = 0, dash = "", colour = "#505a5f" },
        { type = "points", x = px, y = py, style = 2, marker = "circle", open = true,
          name = "Placebo units (each as if treated)" },
      }
      if tx[1] then
        layers[#layers + 1] = { type = "points", x = tx, y = ty, style = 1, marker = "diamond", size = 7,
          name = string.format("%s (treated): rank %d of %d", tostring(tname), res.rank, res.n) }
      end
      ctx:chart{ name = N .. "_placebo", kind = "plot", table = N .. "_placebo",
        title = string.format("%s: placebo distribution of the impact at %s", label, res.effect_at),
        desc = string.format("The impact at %s for each of %d units as if it were treated, sorted from lowest "
          .. "to highest (open circles), with the treated unit marked (diamond), which ranks %d of %d "
          .. "(permutation p = %s, two-sided). The figures are in the placebo table.", res.effect_at, #vals,
          res.rank, res.n, util.fmt_fixed(res.p_two, 3)),
        layers = layers, xlabel = "units, sorted by impact", ylabel = o.unit,
        x = { ticks = {}, include = { 0, #vals + 1 } } }
    end
    ctx:estimate{ label = N .. ".placebo_rank", value = res.rank, n = res.n, group = N }
    ctx:estimate{ label = N .. ".placebo_p", value = res.p_two, p = res.p_two, n = res.n, group = N,
      method = "share of units with an impact at least as large in absolute value (treated included)" }
    ctx:estimate{ label = N .. ".placebo_p_one_sided", value = res.p_one, n = res.n, group = N, detail = true }
    ctx:method(string.format("%s, placebo-in-space: the same model with each of %d units as if it "
      .. "were treated (%s), ranked by %s at %s. The treated unit ranks %d of %d (permutation p = %s, "
      .. "two-sided).%s", label, res.n - 1,
      res.comparators_rule == "rest" and "the other eligible units as comparators" or "the design's comparators, less the unit itself",
      res.statistic == "t" and "impact / standard error" or "the size of the impact", res.effect_at,
      res.rank, res.n, util.fmt_fixed(res.p_two, 3),
      res.skipped > 0 and string.format(" %d units could not be estimated (see the table).", res.skipped) or ""))
  end
  -- DiD and event-study sensitivity.  It is a secondary analysis: when it
  -- cannot be computed (too few clusters, say) the report says why in a
  -- warning and the main analysis stands.
  if d.did then
    local dd = type(d.did) == "table" and d.did or {}
    local rule = dd.comparators or (pool and "pool" or "selected")
    local dcomps = (rule == "pool" and pool) or comps
    local dspec = { panel = P, treated = d.treated, start = dd.start or first_break(d), comparators = dcomps,
      exclude = d.exclude, from = d.from, to = d.to, level = d.level, vcov = dd.vcov }
    local okd, did = pcall(D.call, d, "design.did", { treated = "design.treated" }, its.did, dspec)
    if not okd then
      ctx:warn(string.format("%s: the difference-in-differences sensitivity run could not be "
        .. "computed: %s", label, util.plain_error(did)))
    else
      D.estimate(ctx, N .. ".did_2x2", did.two_by_two, { group = N, unit = o.unit, method = "2x2 DiD, clustered by unit" })
      D.estimate(ctx, N .. ".did_twfe", did.twfe, { group = N, unit = o.unit, method = "two-way fixed effects DiD, clustered by unit" })
      for _, n in ipairs(did.notes) do ctx:warn(label .. " (DiD): " .. n) end
      local es_spec = util.copy(dspec)
      es_spec.leads, es_spec.lags = dd.leads, dd.lags
      local oke, es = pcall(D.call, d, "design.did", { treated = "design.treated" }, its.event_study, es_spec)
      if not oke then
        ctx:warn(string.format("%s: the event study could not be computed: %s", label,
          util.plain_error(es)))
      else
        local erows, ecols = D.event_rows(ctx, N, es, o.unit)
        ctx:table(N .. "_event_study", { columns = ecols, rows = erows }, { caption = string.format("%s: event study "
          .. "(two-way fixed effects; k = periods from %s; k = %d is the reference)", label, did.start, es.reference),
          digits = D.digits(ecols, digits) })
        D.pretrend(ctx, N, label, es, did.start)
        if d.chart ~= false then D.event_chart(ctx, N, label, es, did.start, o.unit, d.level) end
      end
      ctx:method(string.format("%s, sensitivity: difference-in-differences from %s against %d "
        .. "comparison units (%s; 2x2: %s; two-way fixed effects: %s)%s, standard errors clustered by unit.",
        label, did.start, #dcomps, rule == "pool" and "the whole candidate pool" or "the comparators of the main analysis",
        D.num(did.two_by_two.estimate, digits), D.num(did.twfe.estimate, digits),
        oke and string.format(" and an event study with %d leads and %d lags", es.leads, es.lags) or ""))
    end
  end
  if d.chart ~= false then chart(ctx, d, P, N, label, r, o.unit) end
end

M.run = base.each_outcome(run_outcome)

return M
