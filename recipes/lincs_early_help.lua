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
-- what is compared below: the published entries compare the direction
-- (`field = "sign"`) and significance (`field = "significant"`) of the
-- design's estimates with the words of the report.

return {
  title = "Lincolnshire Early Help offer: interrupted time series of monthly referrals and of the share with no further action",
  question = "Did referrals to Lincolnshire's children's social care, and the share of them closed with "
    .. "no further action, change in level or trend when the Early Help offer began in April 2018?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    tables = { "Figure 6", "Figure 8" },
  },

  inputs = {
    monthly = { dataset = "lincs_early_help_monthly" },
  },

  data_note = "The monthly figures are synthetic. Each financial year adds up exactly to Lincolnshire's real "
    .. "annual count in the Department for Education's children in need census (table C1, old LA code "
    .. "925): 7,377 referrals and 746 with no further action in 2017/18, 7,022 and 575 in 2018/19. How each "
    .. "year is spread over its months is made up, following the report's description of Figures 6 and 8 "
    .. "(data/lincs_early_help/gen.lua says exactly how). The shapes were designed; whether the changes "
    .. "are statistically significant was not tuned, and is what this rerun finds. With the council's "
    .. "monthly file: `csceval run recipes/lincs_early_help.lua --data monthly=PATH`.",

  design = {
    type = "its",
    label = "Interrupted time series (segmented regression), two monthly series",
    summary = "Single-group interrupted time series (segmented regression) of two monthly series, "
      .. "April 2017 to March 2019, each with a change in level and a change in slope in April 2018, "
      .. "when the Early Help offer began, as in the report. Following the report's footnote 6, each "
      .. "series is first fitted by OLS and its residuals tested for autocorrelation (Durbin-Watson, "
      .. "Breusch-Godfrey, ACF and PACF); the standard errors are then chosen from the result (OLS, "
      .. "Newey-West or Prais-Winsten) and the choice explained below. The counterfactual is the "
      .. "2017/18 trend projected into 2018/19.",
    data = "monthly",
    steps = { { derive = "nfa_pct", as = "no_further_action_count / referral_count * 100" } },
    time = "month",
    interruption = "2018-04",
    outcomes = {
      { name = "referrals", column = "referral_count", digits = 0, unit = "referrals",
        label = "Referrals to children's social care per month (Figure 6)" },
      { name = "nfa", column = "nfa_pct", digits = 2, unit = "% of referrals", bounds = { 0, 100 },
        label = "Referrals with no further action, % of the month's referrals (Figure 8)" },
    },
  },

  -- The monthly series added up by financial year: the annual totals the
  -- synthetic months were made to add up to (compared under `published`).
  tables = {
    { name = "annual", input = "monthly", digits = 2,
      caption = "The monthly series added up by financial year ending March (compare the census counts under "
        .. "Input checks)",
      steps = {
        { aggregate = { { "referrals", "sum", "referral_count" }, { "no_further_action", "sum", "no_further_action_count" } },
          by = "time_period" },
        { derive = "nfa_pct", as = "no_further_action / referrals * 100" },
      },
      estimates = {
        { label = "annual.referrals.{time_period}", value = "referrals", unit = "referrals", group = "annual", detail = true },
        { label = "annual.nfa.{time_period}", value = "no_further_action", unit = "referrals", group = "annual", detail = true },
      } },
  },

  -- Whether the months vary less around the 2018/19 line (a comparison of
  -- two estimates, which no published field says).
  checks = function(ctx)
    for _, n in ipairs({ "referrals", "nfa" }) do
      local pre, post = ctx:get(n .. ".residual_sd_pre").value, ctx:get(n .. ".residual_sd_post").value
      ctx:estimate{ label = n .. ".post_less_variable", value = post < pre and 1 or 0, group = n, detail = true,
        method = string.format("1 if the months vary less around the 2018/19 line than around the 2017/18 one "
          .. "(%.2f against %.2f)", post, pre) }
    end
  end,

  evidence = "Single-group ITS with 12 monthly points before and 12 after, no comparison series and synthetic "
    .. "monthly data: weak evidence. Referrals: level change p = {referrals.level_change.p:%.3f}, slope change "
    .. "p = {referrals.slope_change.p:%.3f}; NFA share: level change p = {nfa.level_change.p:%.3f}, slope change "
    .. "p = {nfa.slope_change.p:%.3f}.",
  warnings = { "The monthly data are synthetic: the shapes of both series were designed to follow the report's "
    .. "description, so agreement on shape is by construction; the significance tests are not." },

  published = {
    -- Input checks, not figures of the report: the census counts the
    -- synthetic months must add up to.
    { source = "DfE CiN census, table C1", label = "{column} in {year}, Lincolnshire (children in need census)",
      estimate = "annual.{column}.{time_period}", tolerance = 0, input_check = true,
      columns = { referrals = "Referrals", nfa = "Referrals with no further action" }, rows = {
      { "time_period", "year", "referrals", "nfa" },
      { 2018, "2017/18", 7377, 746 },
      { 2019, "2018/19", 7022, 575 },
    } },
    -- Figures 6 and 8, as the report words them, one a row: the shapes were designed into the
    -- synthetic data; Figure 8's whole percentages are read from a chart, hence +/-0.5
    { file = "published/lincs_early_help.csv" },
    -- "not statistically significant": no p-value was published (the p-values are in the results).
    { source = "{figure} text", label = "{series}: change in {column} statistically significant at 5% (1 = yes, 0 = no)",
      estimate = "{name}.{column}_change", tolerance = 0, synthetic = "found",
      columns = { ["level:significant"] = "level", ["slope:significant"] = "slope" }, rows = {
      { "figure", "name", "series", "level:significant", "slope:significant" },
      { "Figure 6", "referrals", "Referrals", 0, 0 },
      { "Figure 8", "nfa", "NFA share", 0, 0 },
    } },
  },

  strength = {
    level = "changes", qualifiers = { "no comparator" }, result = "none",
    result_label = "No statistically significant change in the level or slope of referrals",
    reason = "A single-series interrupted time series: it tests for change, but against no comparison area.",
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
