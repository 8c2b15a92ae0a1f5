--- Design "its": single-series interrupted time series by segmented
-- regression, one or more outcomes of one series (e.g. monthly referrals
-- and the monthly share with no further action), each with a change in
-- level and slope at each interruption, optional seasonality, excluded
-- transition periods, a Poisson option for counts, and the guided
-- autocorrelation workflow (OLS, then Durbin-Watson, Breusch-Godfrey,
-- ACF/PACF, then OLS, Newey-West or Prais-Winsten, explained in the
-- report).  Numerics: csc.its.segmented.  Reference: docs/its.md.
-- @module csc.designs.its
local S = require("csc.schema")
local base = require("csc.designs.base")
local its = require("csc.its")
local D = require("csc.its.design")
local util = require("csc.util")

local M = {}
local NA = require("host.frame").NA

local season = S.record({
  type = S.enum({ "months", "harmonics" }, { required = true }),
  harmonics = S.integer({ min = 1 }),
  period = S.integer({ min = 2 }),
})

local outcome = S.record({
  name = S.string({ required = true, pattern = "^[%a][%w_]*$", pattern_doc = "a letter, then letters, digits or _" }),
  column = S.column({ required = true, input = D.data_input }),
  label = S.string({ doc = "readable name, for tables and charts" }),
  unit = S.string({ doc = "unit of the outcome, e.g. \"referrals\" or \"%\"" }),
  family = S.enum({ "gaussian", "poisson" }),
  exposure = S.column({ input = D.data_input, doc = "Poisson: column whose log is the offset" }),
  dispersion = S.enum({ "pearson", "fixed" }),
  autocorrelation = S.any({ doc = "\"auto\", \"none\", \"newey\", \"prais\", \"corc\" or {method = ..., lag = ...}" }),
  season = season,
  bounds = S.list(S.number(), { doc = "{0, 100} for a percentage" }),
  digits = S.integer({ min = 0 }),
})

local fields = D.source_fields()
fields.interruption = S.any({ doc = "the time the intervention began" })
fields.interruptions = S.list(S.any(), { doc = "times, or {at = time, label = \"...\", level = true, slope = true}" })
fields.season = season
fields.definition_change = S.any({ doc = "time(s) from which a 0/1 dummy is added" })
fields.outcomes = S.list(outcome, { required = true, min_items = 1 })
fields.covariates = D.covariates("an adjustment set: time-varying covariates entered in the model")
fields.autocorrelation = S.any()
fields.max_lag = S.integer({ min = 1 })
fields.inference = S.enum({ "t", "z" })
M.schema = S.record(fields, {
  check = function(d)
    local msg, sub = D.check_breaks(d)
    if msg then return msg, sub end
    local seen = {}
    for _, o in ipairs(type(d.outcomes) == "table" and d.outcomes or {}) do
      if type(o) == "table" and o.name then
        if seen[o.name] then return string.format("outcome name %q is used twice", o.name), "outcomes" end
        seen[o.name] = true
      end
    end
  end,
})

local function break_names(d)
  local list = d.interruptions or { d.interruption }
  local out = {}
  for _, b in ipairs(list) do
    local at = type(b) == "table" and b.at or b
    local shown = require("csc.years").show(at, d.format)
    out[#out + 1] = type(b) == "table" and (b.label or shown) or shown
  end
  return table.concat(out, ", ")
end

function M.describe(d)
  if d.summary then return d.summary end
  return string.format("Interrupted time series (segmented regression) of %s, with a change in level "
    .. "and in slope at %s. Each series is checked for autocorrelation and the standard errors are "
    .. "chosen accordingly (see each outcome's section).", base.outcome_names(d), break_names(d))
end

M.check = base.check

-- The chart: observed points (excluded periods hollow), fitted segments,
-- the dashed counterfactual with its confidence band, the intervention line.
local function chart(ctx, name, label, res, unit, definition_change)
  local axis = res.axis
  local x, y, fx, fy = {}, {}, {}, {}
  local segs = {}
  local cut = {}
  for _, b in ipairs(res.breaks) do cut[#cut + 1] = b.x end
  local function seg_of(t)
    local s = 1
    for j, c in ipairs(cut) do if t >= c - 1e-9 then s = j + 1 end end
    return s
  end
  local cfx, cfy, blo, bhi = {}, {}, {}, {}
  local times = {}
  for _, row in ipairs(res.periods) do
    times[#times + 1] = row.time
    x[#x + 1] = row.time
    y[#y + 1] = row.included and row.observed or NA
    local s = seg_of(row.time)
    segs[s] = segs[s] or { x = {}, y = {} }
    segs[s].x[#segs[s].x + 1] = row.time
    segs[s].y[#segs[s].y + 1] = row.fitted
    if row.post then
      cfx[#cfx + 1], cfy[#cfy + 1] = row.time, row.counterfactual
      blo[#blo + 1], bhi[#bhi + 1] = row.counterfactual_lo or NA, row.counterfactual_hi or NA
    end
  end
  local fitted = {}
  for j = 1, #cut + 1 do if segs[j] then fitted[#fitted + 1] = segs[j] end end
  local iv = {}
  for _, b in ipairs(res.breaks) do iv[#iv + 1] = { x = b.x - 0.5 * axis.step, label = b.name } end
  local excluded = {}
  for _, row in ipairs(res.periods) do if not row.included and row.observed then excluded[#excluded + 1] = row.label end end
  ctx:chart{
    name = name, kind = "its", table = name .. "_periods",
    title = label,
    desc = string.format("%s by %s, %s to %s: observed values (points), the fitted segmented "
      .. "regression before and after %s (solid lines), and the counterfactual projection of the "
      .. "pre-intervention trend (dashed) with its 95%% confidence interval (shaded).%s", label,
      axis.frequency == "year" and "year" or "period", res.periods[1].label,
      res.periods[#res.periods].label, res.breaks[1].name,
      #excluded > 0 and (" Periods left out of the model: " .. table.concat(excluded, ", ") .. ".") or "")
      .. D.definition_words(definition_change),
    series = { { name = label, x = x, y = y, fitted = fitted,
      counterfactual = { x = cfx, y = cfy }, band = { x = cfx, lo = blo, hi = bhi } } },
    intervention = iv, markers = D.definition_markers(definition_change, axis), x = D.x_axis(axis, times), ylabel = unit,
  }
end

-- The segmented regression in symbols, with its terms defined, for the
-- Method section.
local function model_formula(label, res, o)
  local parts, defs = { "b0", "b1 t" }, {}
  local k = 2
  for j, b in ipairs(res.breaks) do
    local T = #res.breaks == 1 and "T0" or ("T" .. j)
    local x = #res.breaks == 1 and "x_t" or string.format("x%d_t", j)
    if b.level then parts[#parts + 1] = string.format("b%d %s", k, x); k = k + 1 end
    if b.slope then parts[#parts + 1] = string.format("b%d (t - %s) %s", k, T, x); k = k + 1 end
    defs[#defs + 1] = string.format("%s = 1 from %s (%s = %s on the t scale) on and 0 before", x, b.name, T,
      util.fmt_number(b.t))
  end
  local xs = res.xnames or {}
  local season, other, cov = 0, {}, {}
  for _, n in ipairs(res.covariates or {}) do cov[n] = true end
  for _, n in ipairs(xs) do
    if n:match("^_def") then other[#other + 1] = n elseif not cov[n] then season = season + 1 end
  end
  if season > 0 then parts[#parts + 1] = string.format("seasonal terms (%d)", season) end
  for _, n in ipairs(other) do parts[#parts + 1] = "c " .. n end
  if #(res.covariates or {}) > 0 then parts[#parts + 1] = "g′z_t" end
  local lhs = res.family == "poisson" and "log E[Y_t]" or "Y_t"
  local rhs = table.concat(parts, " + ")
  if res.family == "poisson" and o.exposure then rhs = rhs .. " + log(" .. o.exposure .. "_t)" end
  return string.format("%s, the model: %s = %s%s, where t counts periods from the first (0, 1, 2, "
    .. "...), %s%s%s. The level change is the coefficient of the step and the slope change that of "
    .. "the ramp (t - T); the counterfactual is the same model with the step and ramp set to 0 (the "
    .. "pre-intervention line projected), and the effect at a post period is fitted - counterfactual.",
    label, lhs, rhs, res.family == "poisson" and "" or " + e_t", table.concat(defs, "; "),
    season > 0 and "; the seasonal terms are month dummies or harmonics shared by every year" or "",
    #other > 0 and ("; " .. table.concat(other, ", ") .. " is 1 from the change of definition on") or "")
    .. (#(res.covariates or {}) > 0 and string.format(" The covariates z_t are %s, at their observed values in "
      .. "the counterfactual too.", D.covariate_words(res)) or "")
end

local function run_outcome(ctx, d, i, o, f)
  local base = string.format("design.outcomes[%d]", i)
  local spec = {
    data = f, time = d.time, y = o.column, frequency = d.frequency, format = d.format,
    interruption = d.interruption, interruptions = d.interruptions, exclude = d.exclude,
    from = d.from, to = d.to, season = o.season or d.season, definition_change = d.definition_change,
    family = o.family, exposure = o.exposure, dispersion = o.dispersion,
    autocorrelation = o.autocorrelation or d.autocorrelation, max_lag = d.max_lag,
    inference = d.inference, level = d.level, alpha = ctx.alpha, bounds = o.bounds,
    covariates = d.covariates,
  }
  local map = { time = "design.time", y = base .. ".column", exposure = base .. ".exposure",
    family = base .. ".family", dispersion = base .. ".dispersion", bounds = base .. ".bounds",
    autocorrelation = o.autocorrelation and (base .. ".autocorrelation") or "design.autocorrelation",
    season = o.season and (base .. ".season") or "design.season", covariates = "design.covariates" }
  local res = D.call(d, "design", map, its.segmented, spec)
  local N, label = o.name, o.label or o.name
  local digits = o.digits or 2
  local fit = res.fit
  ctx:method(string.format("%s (%s): %s; %d observed periods, %d before and %d from %s.%s", label,
    o.column, res.method, res.n, res.n_pre, res.n_post, res.breaks[1].name,
    #res.dropped > 0 and (" Left out as transition periods: " .. table.concat(res.dropped, ", ") .. ".") or ""))
  ctx:method(model_formula(label, res, o))
  for _, n in ipairs(res.notes) do ctx:note(label .. ": " .. n) end
  for _, w in ipairs(res.warnings) do ctx:warn(label .. ": " .. w) end
  -- Estimates: changes at each interruption, slopes, effects per period.
  -- Each change under its stable name N.level_change_<j> (interruption j in
  -- time order); interruption 1's also as N.level_change, shown in the
  -- report (its _1 copy is detail: results.json only).
  for _, c in ipairs(res.changes) do
    local labs = { string.format("%s.%s", N, c.name) }
    if c.index == 1 then table.insert(labs, 1, string.format("%s.%s_change", N, c.kind)) end
    for li, lab in ipairs(labs) do
      local detail = (#labs == 2 and li == 2) or nil
      D.estimate(ctx, lab, c, { unit = res.family == "poisson" and "log rate" or o.unit, group = N,
        method = res.method, df = fit.df ~= math.huge and fit.df or nil, detail = detail })
      if res.family == "poisson" then
        ctx:estimate{ label = (lab:gsub("_change", "_ratio")), value = math.exp(c.estimate),
          ci = { math.exp(c.conf_low), math.exp(c.conf_high) }, p = c.p_value, group = N,
          unit = "rate ratio", detail = detail }
      end
    end
  end
  local su = res.family == "poisson" and "log rate per period" or (o.unit and (o.unit .. " per period"))
  local df = fit.df ~= math.huge and fit.df or nil
  D.estimate(ctx, N .. ".pre_slope", res.trends[1], { unit = su, group = N, df = df })
  D.estimate(ctx, N .. ".post_slope", res.trends[#res.trends], { unit = su, group = N, df = df })
  local last, sum_pre, n_pre, sum_post, n_post
  sum_pre, n_pre, sum_post, n_post = 0, 0, 0, 0
  local rows = {}
  -- residual spread around the fitted line before the first and after the
  -- last interruption (each segment has its own level and slope: n - 2 df)
  local ss = { pre = { 0, 0 }, post = { 0, 0 } }
  local last_break = res.breaks[#res.breaks].x
  for _, row in ipairs(res.periods) do
    if row.included then
      if row.post then sum_post, n_post = sum_post + row.observed, n_post + 1
      else sum_pre, n_pre = sum_pre + row.observed, n_pre + 1 end
      local seg = not row.post and ss.pre or (row.time >= last_break - 1e-9 and ss.post) or nil
      if seg and row.fitted then seg[1], seg[2] = seg[1] + (row.observed - row.fitted) ^ 2, seg[2] + 1 end
    end
    if row.fitted then
      D.estimate(ctx, string.format("%s.fitted.%s", N, row.label), { estimate = row.fitted,
        std_error = row.fitted_se }, { unit = o.unit, group = N, detail = true })
    end
    if row.post then
      last = row
      D.estimate(ctx, string.format("%s.effect.%s", N, row.label), { estimate = row.effect,
        std_error = row.effect_se, conf_low = row.effect_lo, conf_high = row.effect_hi,
        p_value = row.effect_p }, { unit = o.unit, group = N, detail = true })
      if row.ratio then
        ctx:estimate{ label = string.format("%s.rate_ratio.%s", N, row.label), value = row.ratio,
          ci = { row.ratio_lo, row.ratio_hi }, p = row.ratio_p, group = N, detail = true, unit = "rate ratio" }
      end
    end
    rows[#rows + 1] = { row.label, D.v(row.observed), row.included and "yes" or "no",
      row.post and "post" or "pre", D.v(row.fitted), D.v(row.counterfactual),
      D.v(row.counterfactual_lo), D.v(row.counterfactual_hi), D.v(row.effect), D.v(row.effect_se),
      D.v(row.effect_lo), D.v(row.effect_hi), D.v(row.effect_p) }
  end
  if last then
    D.estimate(ctx, N .. ".effect_end", { estimate = last.effect, std_error = last.effect_se,
      conf_low = last.effect_lo, conf_high = last.effect_hi, p_value = last.effect_p },
      { unit = o.unit, group = N, method = "effect at " .. last.label .. " (fitted - counterfactual)" })
  end
  if n_pre > 0 then ctx:estimate{ label = N .. ".mean_pre", value = sum_pre / n_pre, n = n_pre, unit = o.unit, group = N } end
  for _, k in ipairs({ "pre", "post" }) do
    if ss[k][2] > 2 then
      ctx:estimate{ label = N .. ".residual_sd_" .. k, value = math.sqrt(ss[k][1] / (ss[k][2] - 2)), n = ss[k][2],
        unit = o.unit, group = N, detail = true, method = string.format("standard deviation of the observed "
          .. "values around the fitted line %s (n - 2 df)", k == "pre" and "before the first interruption"
          or "after the last interruption") }
    end
  end
  if n_post > 0 then ctx:estimate{ label = N .. ".mean_post", value = sum_post / n_post, n = n_post, unit = o.unit, group = N } end
  local pcols = { "period", "observed", "in_model", "segment", "fitted", "counterfactual", "cf_low",
    "cf_high", "effect", "effect_se", "effect_low", "effect_high", "effect_p" }
  ctx:table(N .. "_periods", { columns = pcols, rows = rows },
    { caption = label .. ": observed, fitted and counterfactual by period", digits = D.digits(pcols, digits) })
  D.coef_table(ctx, N .. "_coefficients", fit, label .. ": segmented regression (" .. res.method .. ")")
  -- Diagnostics: the tests behind the choice of standard errors.
  local dg = res.diagnostics
  local drows = {}
  if dg.dw then drows[#drows + 1] = { "Durbin-Watson (positive autocorrelation)", dg.dw.statistic, NA, dg.dw.p_value } end
  for _, b in ipairs(dg.bg or {}) do
    drows[#drows + 1] = { string.format("Breusch-Godfrey, order %d", b.order), b.statistic, b.order, b.p_value }
  end
  if dg.ljung_box then
    drows[#drows + 1] = { string.format("Ljung-Box, lags 1-%d", dg.max_lag), dg.ljung_box.statistic,
      dg.ljung_box.parameter and dg.ljung_box.parameter.df or dg.max_lag, dg.ljung_box.p_value }
  end
  if dg.dispersion then drows[#drows + 1] = { "Pearson dispersion (Poisson)", dg.dispersion, NA, NA } end
  if fit.rho then drows[#drows + 1] = { "Prais-Winsten rho", fit.rho, NA, NA } end
  ctx:table(N .. "_diagnostics", { columns = { "test", "statistic", "df", "p_value" }, rows = drows },
    { caption = label .. ": residual diagnostics", digits = 3 })
  if dg.acf then
    local arows = {}
    for l = 1, #dg.acf.lag do
      arows[l] = { dg.acf.lag[l], dg.acf.acf[l], dg.acf.pacf[l], dg.acf.band }
    end
    ctx:table(N .. "_acf", { columns = { "lag", "acf", "pacf", "band_95" }, rows = arows },
      { caption = label .. ": autocorrelation of the residuals", digits = 3 })
  end
  if dg.dw then
    ctx:estimate{ label = N .. ".durbin_watson", value = dg.dw.statistic, p = dg.dw.p_value, group = N, detail = true }
  end
  if fit.rho then ctx:estimate{ label = N .. ".rho", value = fit.rho, group = N, detail = true } end
  ctx:section("Standard errors: " .. label, res.choice.reason)
  if d.chart ~= false then chart(ctx, N, label, res, o.unit, d.definition_change) end
end

-- The series analysed, by name, when the frame says (a name column with
-- one value: la_name = "Derby"), so the report names the authority.
function M.series_name(f)
  for _, c in ipairs(f:names()) do
    local lc = c:lower()
    if lc:match("name$") and not lc:match("region") and not lc:match("country") and f:type(c) == "text" then
      local seen, list = {}, {}
      for _, v in ipairs(f:column(c)) do
        if v ~= NA and not seen[v] then seen[v] = true; list[#list + 1] = v end
      end
      if #list == 1 then return list[1], c end
    end
  end
end

local run_each = base.each_outcome(run_outcome)

function M.run(ctx, d)
  local name, col = M.series_name(base.frame(ctx.data, d))
  if name then ctx:method(string.format("The series analysed: %s (%s).", name, col)) end
  return run_each(ctx, d)
end

return M
