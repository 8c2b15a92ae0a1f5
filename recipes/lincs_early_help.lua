-- Lincolnshire Partners in Practice: the Early Help offer (Figures 6 and 8).
-- Reruns the report's single-group interrupted time series of monthly
-- referrals to children's social care and of the monthly share of referrals
-- with no further action (NFA), April 2017 to March 2019, interrupted when
-- the Early Help offer began in April 2018.
--
-- The monthly data are SYNTHETIC (data/lincs_early_help/gen.lua): the
-- council's own monthly records are not published.  Each financial year of
-- the synthetic series adds up exactly to Lincolnshire's real annual counts
-- in the children in need census, and its shape follows the report's
-- description of Figures 6 and 8.  The report published no coefficients or
-- p-values, only the shape and "not statistically significant", so that is
-- what is compared below.
--
-- The design is a recipe function ("custom") over csc.its.segmented, the
-- engine of the "its" design, because the published figures include
-- "not statistically significant" for each change, which needs the p-values
-- as estimates of their own; the "its" design records each change with its
-- p-value inside, where a published figure cannot reach it.
local its = require("csc.its")
local util = require("csc.util")

local INTERRUPTION = "2018-04"

local OUTCOMES = {
  { name = "referrals", column = "referral_count", digits = 0, unit = "referrals",
    label = "Referrals to children's social care per month (Figure 6)" },
  { name = "nfa", column = "nfa_pct", digits = 2, unit = "% of referrals", bounds = { 0, 100 },
    label = "Referrals with no further action, % of the month's referrals (Figure 8)" },
}

local function sign(x) if x > 0 then return 1 elseif x < 0 then return -1 end return 0 end
local function fmt(x, d) return util.fmt_fixed(x, d or 2) end
local function pw(p) return p < 0.001 and "p < 0.001" or string.format("p = %.3f", p) end

-- One row per period of the fit, and the residual spread in each segment.
local function period_rows(res)
  local rows, sd = {}, { pre = { 0, 0 }, post = { 0, 0 } }
  for _, r in ipairs(res.periods) do
    rows[#rows + 1] = { r.label, r.observed or NA, r.post and "post" or "pre", r.fitted,
      r.counterfactual, r.effect or NA, r.effect_lo or NA, r.effect_hi or NA }
    if r.included then
      local s = sd[r.post and "post" or "pre"]
      s[1], s[2] = s[1] + (r.observed - r.fitted) ^ 2, s[2] + 1
    end
  end
  -- residual standard deviation within each segment (two parameters each)
  return rows, math.sqrt(sd.pre[1] / (sd.pre[2] - 2)), math.sqrt(sd.post[1] / (sd.post[2] - 2))
end

-- The chart as the report drew it: observed points, the fitted line of each
-- segment, the pre-intervention line projected (dashed) with its 95% band,
-- and a line at the interruption.
local function chart(ctx, o, res)
  local x, y, pre, post, cf = {}, {}, { x = {}, y = {} }, { x = {}, y = {} }, { x = {}, y = {}, lo = {}, hi = {} }
  for _, r in ipairs(res.periods) do
    x[#x + 1], y[#y + 1] = r.time, r.observed
    local seg = r.post and post or pre
    seg.x[#seg.x + 1], seg.y[#seg.y + 1] = r.time, r.fitted
    if r.post then
      cf.x[#cf.x + 1], cf.y[#cf.y + 1] = r.time, r.counterfactual
      cf.lo[#cf.lo + 1], cf.hi[#cf.hi + 1] = r.counterfactual_lo, r.counterfactual_hi
    end
  end
  local ticks = {}
  for i = 1, #x, 3 do ticks[#ticks + 1] = x[i] end
  local b = res.breaks[1]
  ctx:chart{
    name = o.name, kind = "its", table = o.name .. "_periods", title = o.label,
    desc = string.format("%s, April 2017 to March 2019 (synthetic monthly data): observed values as "
      .. "points, the fitted segmented regression before and from April 2018 (solid lines), the "
      .. "pre-intervention trend projected into 2018/19 (dashed line) with its 95%% confidence "
      .. "interval (shaded), and a vertical line where the Early Help offer began.", o.label),
    series = { { name = o.label, x = x, y = y, fitted = { pre, post },
      counterfactual = { x = cf.x, y = cf.y }, band = { x = cf.x, lo = cf.lo, hi = cf.hi } } },
    intervention = { { x = b.x - 0.5, label = "Early Help offer (April 2018)" } },
    x = { ticks = ticks, format = function(v) return res.axis:label(v) end },
    ylabel = o.unit,
  }
end

local function analyse_outcome(ctx, f, o)
  local N = o.name
  local res = its.segmented{ data = f, time = "month", y = o.column, interruption = INTERRUPTION,
    alpha = ctx.alpha, bounds = o.bounds }
  ctx:method(string.format("%s: %s; %d months, %d before and %d from April 2018. Model: y = b0 + "
    .. "b1 _t + b2 _x + b3 _x_t, with _t the months since April 2017 (0 to 23), _x = 1 from April 2018 "
    .. "and _x_t the months since April 2018 from then on (0 to 11), so b2 is the change in level and "
    .. "b3 the change in slope.", o.label, res.method, res.n, res.n_pre, res.n_post))
  ctx:section("Standard errors: " .. o.label, res.choice.reason)
  for _, w in ipairs(res.warnings) do ctx:warn(o.label .. ": " .. w) end
  for _, n in ipairs(res.notes) do ctx:note(o.label .. ": " .. n) end
  local df = res.fit.df ~= math.huge and res.fit.df or nil
  -- The changes at the interruption, and "statistically significant?" as a
  -- figure of its own (1 = p < alpha), which is what the report published.
  for _, c in ipairs(res.changes) do
    ctx:estimate{ label = N .. "." .. c.kind .. "_change", value = c.estimate, se = c.std_error,
      ci = { c.conf_low, c.conf_high }, p = c.p_value, df = df, group = N, method = res.method,
      unit = c.kind == "slope" and (o.unit .. " per month") or o.unit, headline = (N == "referrals" and c.kind == "level") or nil }
    ctx:estimate{ label = N .. "." .. c.kind .. "_change_significant", value = c.p_value < ctx.alpha and 1 or 0,
      group = N, detail = true, method = string.format("1 if the %s change has p < %s, else 0 (%s)", c.kind,
        util.fmt_number(ctx.alpha), pw(c.p_value)) }
  end
  local pre, post = res.trends[1], res.trends[#res.trends]
  for _, kt in ipairs({ { "pre_slope", pre }, { "post_slope", post } }) do
    local key, t = kt[1], kt[2]
    ctx:estimate{ label = N .. "." .. key, value = t.estimate, se = t.std_error, p = t.p_value,
      ci = { t.conf_low, t.conf_high }, df = df, unit = o.unit .. " per month", group = N }
  end
  ctx:estimate{ label = N .. ".pre_trend_direction", value = sign(pre.estimate), group = N, detail = true,
    method = "sign of the fitted 2017/18 slope: -1 down, +1 up" }
  ctx:estimate{ label = N .. ".post_trend_direction", value = sign(post.estimate), group = N, detail = true,
    method = "sign of the fitted 2018/19 slope: -1 down, +1 up" }
  -- Fitted levels the report describes in words.
  local first_post, last, pre_sum, npre
  pre_sum, npre = 0, 0
  for _, r in ipairs(res.periods) do
    if r.post and not first_post then first_post = r end
    if not r.post then pre_sum, npre = pre_sum + r.fitted, npre + 1 end
    last = r
  end
  ctx:estimate{ label = N .. ".fitted_pre_mean", value = pre_sum / npre, unit = o.unit, group = N,
    method = "mean of the fitted 2017/18 line" }
  ctx:estimate{ label = N .. ".fitted_first_post", value = first_post.fitted, se = first_post.fitted_se,
    unit = o.unit, group = N, method = "fitted value in " .. first_post.label }
  ctx:estimate{ label = N .. ".fitted_end", value = last.fitted, se = last.fitted_se,
    unit = o.unit, group = N, method = "fitted value in " .. last.label }
  local rows, sd_pre, sd_post = period_rows(res)
  ctx:estimate{ label = N .. ".residual_sd_pre", value = sd_pre, unit = o.unit, group = N,
    method = "standard deviation of the months around the fitted 2017/18 line" }
  ctx:estimate{ label = N .. ".residual_sd_post", value = sd_post, unit = o.unit, group = N,
    method = "standard deviation of the months around the fitted 2018/19 line" }
  ctx:estimate{ label = N .. ".post_less_variable", value = sd_post < sd_pre and 1 or 0, group = N, detail = true,
    method = string.format("1 if the months vary less around the 2018/19 line than around the "
      .. "2017/18 one (%s against %s)", fmt(sd_post), fmt(sd_pre)) }
  ctx:table(N .. "_periods", { columns = { "month", "observed", "segment", "fitted", "counterfactual",
    "effect", "effect_low", "effect_high" }, rows = rows },
    { caption = o.label .. ": observed, fitted and counterfactual by month", digits = o.digits })
  local coef = {}
  for _, c in ipairs(res.fit.coefficients) do
    coef[#coef + 1] = { c.term, c.estimate, c.std_error, c.statistic, c.p_value, c.conf_low, c.conf_high }
  end
  ctx:table(N .. "_coefficients", { columns = { "term", "estimate", "std_error", res.dist, "p_value",
    "conf_low", "conf_high" }, rows = coef }, { caption = o.label .. ": segmented regression (" .. res.method
    .. "); _t months since April 2017, _x2018m4 the level change, _x_t2018m4 the slope change", digits = 3 })
  local d, drows = res.diagnostics, {}
  if d.dw then drows[#drows + 1] = { "Durbin-Watson (positive autocorrelation)", d.dw.statistic, NA, d.dw.p_value } end
  for _, b in ipairs(d.bg or {}) do
    drows[#drows + 1] = { string.format("Breusch-Godfrey, order %d", b.order), b.statistic, b.order, b.p_value }
  end
  if d.ljung_box then
    drows[#drows + 1] = { string.format("Ljung-Box, lags 1-%d", d.max_lag), d.ljung_box.statistic, d.max_lag, d.ljung_box.p_value }
  end
  ctx:table(N .. "_diagnostics", { columns = { "test", "statistic", "df", "p_value" }, rows = drows },
    { caption = o.label .. ": autocorrelation tests on the OLS residuals (the report's footnote 6)", digits = 3 })
  if d.acf then
    local arows = {}
    for l = 1, #d.acf.lag do arows[l] = { d.acf.lag[l], d.acf.acf[l], d.acf.pacf[l], d.acf.band } end
    ctx:table(N .. "_acf", { columns = { "lag", "acf", "pacf", "band_95" }, rows = arows },
      { caption = o.label .. ": autocorrelation (ACF) and partial autocorrelation (PACF) of the OLS residuals", digits = 3 })
  end
  chart(ctx, o, res)
  return res
end

return {
  title = "Lincolnshire Early Help offer: interrupted time series of monthly referrals and of the share with no further action",
  question = "Did referrals to Lincolnshire's children's social care, and the share of them closed with "
    .. "no further action, change in level or trend when the Early Help offer began in April 2018?",
  source = {
    report = "Lincolnshire Partners in Practice (PiP) Programme Evaluation, final report (Ecorys, March 2020)",
    authors = "James Whitley, Rachel Wooldridge, Matthew Cutmore and Shona MacLeod",
    publisher = "Department for Education",
    reference = "RR1029",
    year = 2020,
    file = "../shared/seeds/001_30498599e8c141ff.txt",
    tables = { "Figure 6", "Figure 8" },
  },

  inputs = {
    monthly = {
      path = "data/lincs_early_help/referrals_monthly.csv",
      description = "Monthly referrals to Lincolnshire children's social care and referrals with no further "
        .. "action, April 2017 to March 2019 (month = calendar month; time_period = financial year ending March)",
      columns = { "month", "time_period", "referral_count", "no_further_action_count" },
      synthetic = true,
      generator = "data/lincs_early_help/gen.lua",
      real_data = "Lincolnshire County Council's monthly children's social care referral records (the "
        .. "'Lincolnshire Children's Services referrals data' Ecorys analysed), held by Lincolnshire County "
        .. "Council Performance Services; one row per month with the same four columns",
    },
  },

  data_note = "The monthly figures are synthetic. Each financial year adds up exactly to Lincolnshire's real "
    .. "annual count in the Department for Education's children in need census (table C1, old LA code "
    .. "925): 7,377 referrals and 746 with no further action in 2017/18, 7,022 and 575 in 2018/19. How each "
    .. "year is spread over its months is made up, following the report's description of Figures 6 and 8 "
    .. "(data/lincs_early_help/gen.lua says exactly how). The shapes were designed; whether the changes "
    .. "are statistically significant was not tuned, and is what this rerun finds. With the council's "
    .. "monthly file: `csceval run recipes/lincs_early_help.lua --data monthly=PATH`.",

  design = {
    type = "custom",
    label = "Interrupted time series (segmented regression), two monthly series",
    summary = "Single-group interrupted time series (segmented regression) of two monthly series, "
      .. "April 2017 to March 2019, each with a change in level and a change in slope in April 2018, "
      .. "when the Early Help offer began, as in the report. Following the report's footnote 6, each "
      .. "series is first fitted by OLS and its residuals tested for autocorrelation (Durbin-Watson, "
      .. "Breusch-Godfrey, ACF and PACF); the standard errors are then chosen from the result (OLS, "
      .. "Newey-West or Prais-Winsten) and the choice explained below. The counterfactual is the "
      .. "2017/18 trend projected into 2018/19.",
    analyse = function(ctx)
      local f = ctx.data.monthly
      -- The annual totals the synthetic months were made to add up to.
      local fy, ref, nfa = f:column("time_period"), f:column("referral_count"), f:column("no_further_action_count")
      local tot = {}
      for i = 1, #fy do
        local t = tot[fy[i]] or { 0, 0 }
        t[1], t[2] = t[1] + ref[i], t[2] + nfa[i]
        tot[fy[i]] = t
      end
      local trows = {}
      for _, y in ipairs({ 2018, 2019 }) do
        local t = tot[y] or { 0, 0 }
        ctx:estimate{ label = "annual.referrals." .. y, value = t[1], unit = "referrals", group = "annual", detail = true }
        ctx:estimate{ label = "annual.nfa." .. y, value = t[2], unit = "referrals", group = "annual", detail = true }
        trows[#trows + 1] = { string.format("%d/%02d", y - 1, y % 100), t[1], t[2], 100 * t[2] / t[1] }
      end
      ctx:table("annual", { columns = { "financial_year", "referrals", "no_further_action", "nfa_pct" },
        rows = trows }, { caption = "The monthly series added up by financial year (compare the census counts "
          .. "under Input checks)", digits = 2 })
      f = f:mutate("nfa_pct", "no_further_action_count / referral_count * 100")
      local fits = {}
      for _, o in ipairs(OUTCOMES) do fits[o.name] = analyse_outcome(ctx, f, o) end
      ctx.evidence = string.format("Single-group ITS with 12 monthly points before and 12 after, no "
        .. "comparison series and synthetic monthly data: weak evidence. Referrals: level change %s, "
        .. "slope change %s; NFA share: level change %s, slope change %s.",
        pw(fits.referrals.changes[1].p_value), pw(fits.referrals.changes[2].p_value),
        pw(fits.nfa.changes[1].p_value), pw(fits.nfa.changes[2].p_value))
      ctx:warn("The monthly data are synthetic: the shapes of both series were designed to follow the "
        .. "report's description, so agreement on shape is by construction; the significance tests are not.")
    end,
  },

  published = {
    -- Input checks, not figures of the report: the census counts the
    -- synthetic months must add up to.
    { label = "Referrals in 2017/18, Lincolnshire (children in need census)", source = "DfE CiN census, table C1",
      estimate = "annual.referrals.2018", input_check = true, value = 7377, tolerance = 0,
      note = "not from the report: the real annual count the synthetic months add up to" },
    { label = "Referrals with no further action in 2017/18", source = "DfE CiN census, table C1",
      estimate = "annual.nfa.2018", input_check = true, value = 746, tolerance = 0 },
    { label = "Referrals in 2018/19, Lincolnshire (children in need census)", source = "DfE CiN census, table C1",
      estimate = "annual.referrals.2019", input_check = true, value = 7022, tolerance = 0 },
    { label = "Referrals with no further action in 2018/19", source = "DfE CiN census, table C1",
      estimate = "annual.nfa.2019", input_check = true, value = 575, tolerance = 0 },
    -- Figure 6.
    { label = "Referrals: direction of the 2017/18 trend (-1 = downward)", source = "Figure 6 text",
      estimate = "referrals.pre_trend_direction", synthetic = "designed", value = -1, tolerance = 0,
      note = "\"a downward trend in the number of monthly referrals\"; designed into the synthetic data" },
    { label = "Referrals: direction of the 2018/19 trend (+1 = rising)", source = "Figure 6 text",
      estimate = "referrals.post_trend_direction", synthetic = "designed", value = 1, tolerance = 0,
      note = "\"levels off to a slight increase over time\"; designed into the synthetic data" },
    { label = "Referrals: months vary less around the 2018/19 line than the 2017/18 one (1 = yes)",
      source = "Figure 6 text", estimate = "referrals.post_less_variable", synthetic = "designed", value = 1, tolerance = 0,
      note = "\"monthly referrals fluctuate to a lesser degree\"; designed into the synthetic data" },
    { label = "Referrals: change in level statistically significant at 5% (1 = yes, 0 = no)",
      source = "Figure 6 text", estimate = "referrals.level_change_significant", synthetic = "found", value = 0, tolerance = 0,
      note = "\"not statistically significant\"; no p-value was published (the p-value is in the results)" },
    { label = "Referrals: change in slope statistically significant at 5% (1 = yes, 0 = no)",
      source = "Figure 6 text", estimate = "referrals.slope_change_significant", synthetic = "found", value = 0, tolerance = 0,
      note = "\"not statistically significant\"" },
    -- Figure 8.
    { label = "NFA share: level of the 2017/18 line (%)", source = "Figure 8 text",
      estimate = "nfa.fitted_pre_mean", synthetic = "designed", value = 10, tolerance = 0.5, unit = "%",
      note = "\"a flat trend of around 10%\"; whole percentages read from a chart, hence +/-0.5" },
    { label = "NFA share: slope of the 2017/18 line (percentage points per month)", source = "Figure 8 text",
      estimate = "nfa.pre_slope", synthetic = "designed", value = 0, tolerance = 0.1,
      note = "\"flat\": taken as less than 0.1 point a month (1.2 points over the year)" },
    { label = "NFA share: fitted value in April 2018 (%)", source = "Figure 8 text",
      estimate = "nfa.fitted_first_post", synthetic = "designed", value = 9, tolerance = 0.5, unit = "%",
      note = "\"a drop to around 9%\"" },
    { label = "NFA share: fitted value in March 2019 (%)", source = "Figure 8 text",
      estimate = "nfa.fitted_end", synthetic = "designed", value = 7, tolerance = 0.5, unit = "%",
      note = "\"a downward trend ending at approximately 7%\"" },
    { label = "NFA share: change in level statistically significant at 5% (1 = yes, 0 = no)",
      source = "Figure 8 text", estimate = "nfa.level_change_significant", synthetic = "found", value = 0, tolerance = 0,
      note = "\"the results ... were not statistically significant\"" },
    { label = "NFA share: change in slope statistically significant at 5% (1 = yes, 0 = no)",
      source = "Figure 8 text", estimate = "nfa.slope_change_significant", synthetic = "found", value = 0, tolerance = 0,
      note = "\"the results ... were not statistically significant\"" },
  },

  limitations = {
    "The monthly data are synthetic: only their annual totals are real. The shapes the report describes "
      .. "(the downward 2017/18 trend, the levelling off, the steadier 2018/19 months, the NFA share's "
      .. "drop and fall) were designed into the data, so reproducing them shows the analysis runs as the "
      .. "report describes, not that the report's data behaved so. The non-significance is found, not designed.",
    "The report does not say which autocorrelation correction it settled on (footnote 6), whether the "
      .. "time since the interruption counts from 0 or 1 (here 0, as Stata's itsa), or how a month's NFA "
      .. "share was defined (here NFA referrals in the month over referrals in the month).",
    "Twelve points each side is a short series: trends and autocorrelation are estimated imprecisely "
      .. "and the tests have little power, as the report says (\"there is some uncertainty over the long-term trend lines\").",
    "A single-group ITS has no comparison series: anything else that changed in April 2018 is read as "
      .. "the Early Help offer's effect. recipes/lincs_referrals_cits.lua compares Lincolnshire's annual "
      .. "referral rate with its statistical neighbours on the real statistics.",
    "Counts are modelled by OLS, as in the report; a Poisson model (its.segmented family = \"poisson\") would suit counts better.",
  },
}
