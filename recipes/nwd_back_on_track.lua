-- No Wrong Door (North Yorkshire), Back on Track: Appendix 3 of the
-- Partners in Practice evaluation rerun.  The 47 pupils supported in 2017/18
-- are matched to North Yorkshire pupils of 2014/15 by weighted Mahalanobis
-- distance (10 neighbours for unauthorised absences, 4 for fixed-exclusion
-- sessions, without replacement), balance is shown as in Tables 9 and 10,
-- and the impact is estimated with regression adjustment and the time-trend
-- ratio as in Table 3.
--
-- The recipe's own input files are synthetic (data/nwd_back_on_track/gen.lua):
-- the real school census extract is confidential.  With the real extract:
--   ./csceval run recipes/nwd_back_on_track.lua --data pupils=PATH --data year8=PATH

local BALANCE_WORDS = { mean_treated_before = "intervention mean before matching",
  mean_comparison_before = "comparison mean before matching", smd_before = "standardised difference before matching",
  mean_treated_after = "intervention mean after matching", mean_comparison_after = "comparison mean after matching",
  smd_after = "standardised difference after matching" }
local TABLE3_WORDS = { ["next_year.effect"] = "impact estimate",
  ["next_year.mean_treated"] = "average outcome, intervention group",
  ["next_year.mean_comparison_adjusted"] = "average outcome, comparison group",
  n_matched_treated = "intervention pupils", n_matched_comparison = "comparison pupils",
  ["next_year.effect:p"] = "statistical significance (p)", ["next_year.effect:ci_low"] = "confidence interval, lower bound",
  ["next_year.effect:ci_high"] = "confidence interval, upper bound" }

local LABELS = { ua_pre = "Number of sessions missed due to unauthorised absences", ncyear_pre = "School year",
  boy = "Gender (boy)", ehc = "SEN (given an Education, Health and Care Plan)", sen_support = "SEN (support)",
  fsm = "FSM status", fx_pre = "Number of sessions missed due to fixed exclusions" }

return {
  title = "Back on Track (No Wrong Door, North Yorkshire): matched comparison of absences and exclusions",
  question = "Did Back on Track support in 2017/18 change the number of unauthorised absences and of sessions "
    .. "missed through fixed exclusions in the following school year, compared with similar North Yorkshire "
    .. "pupils three years earlier?",
  source = {
    reference = "RR1030",   -- the report (data/reports.csv)
    tables = { "Table 3", "Table 8", "Table 9", "Table 10" },
  },
  -- the report shows which inputs are synthetic, their generator, the real
  -- records and their columns (data/datasets.csv), and the --data command
  data_note = "The synthetic files were made to match every figure of Tables 3, 8, 9 and 10; the real extract "
    .. "was shared with NatCen under a data-sharing agreement (docs/recipes/nwd_back_on_track.md).",

  inputs = {
    pupils = { dataset = "nwd_back_on_track_pupils" },
    year8 = { dataset = "nwd_back_on_track_year8" },
  },

  design = {
    type = "matching",
    label = "Weighted Mahalanobis matching with regression adjustment",
    summary = "Weighted Mahalanobis nearest-neighbour matching without replacement of the 47 Back on Track pupils "
      .. "of 2017/18 to North Yorkshire pupils of 2014/15 (10 neighbours for unauthorised absences, 4 for "
      .. "fixed-exclusion sessions), balance before and after matching (Tables 9 and 10), and the impact on the "
      .. "next year's outcomes with post-matching regression adjustment and, for absences, the time-trend ratio "
      .. "(Table 3).",
    -- The cohort: one row per pupil (n_pupils counts identical synthetic
    -- rows; a real extract has one row per pupil), Back on Track pupils of
    -- 2017/18 and the 2014/15 cohort.
    data = "pupils",
    steps = {
      { expand = "n_pupils", optional = true },
      { derive = "bot", as = 'if_else(cohort == "2017/18", 1, 0)' },
      { derive = "boy", as = 'if_else(gender == "M", 1, 0)' },
      { derive = "ehc", as = 'if_else(sen == "E", 1, 0)' },
      { derive = "sen_support", as = 'if_else(sen == "K", 1, 0)' },
    },
    where = '(cohort == "2017/18" and back_on_track == 1) or cohort == "2014/15"',
    treat = "bot",
    labels = LABELS,
    -- the report's "Standard deviation" column: sample variances, pooled SD,
    -- 0/1 characteristics standardised too (Stata's convention; cobalt's
    -- default would give their raw difference in proportions)
    balance = { sd = "pooled", variance = "sample", binary = "std" },
    -- The report's covariate weights are not published.  With the evaluators'
    -- own: weights = { ua_pre = 3, fsm = 2, ... } (others weigh 1).
    weights = "smd",
    analyses = {
      { name = "absences", label = "Unauthorised absences", ratio = 10,
        covariates = { "ua_pre", "ncyear_pre", "boy", "ehc", "sen_support", "fsm" },
        outcomes = { {
          name = "next_year", column = "ua_post", label = "Unauthorised absence sessions, 2018/19 against 2015/16",
          unit = "sessions", inference = "z", digits = 2,
          -- the matching characteristics and the prior measures not matched on
          adjust = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "ua_pre", "fx_pre", "px_pre" },
          -- the comparison pupils' 2015/16 absences times the Year 8 trend
          rescale_control = { data = "year8", time = "academic_year", value = "ua_sessions", per = "year8_pupils",
            from = "2015/16", to = "2018/19", label = "Year 8 unauthorised absence sessions per pupil" },
        } } },
      { name = "exclusions", label = "Fixed exclusions", ratio = 4,
        covariates = { "fx_pre", "ncyear_pre", "boy", "ehc", "sen_support", "fsm" },
        outcomes = { {
          name = "next_year", column = "fx_post", label = "Sessions missed through fixed exclusions, 2018/19 "
            .. "against 2015/16", unit = "sessions", inference = "z", digits = 2,
          adjust = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "fx_pre", "ua_pre", "px_pre" },
        } } },
    },
  },

  -- Checks of the inputs: Table 8 (each group is one cohort, with the years
  -- before and after it), and the trend file's 2015/16 Year 8 figure against
  -- the comparison cohort's own Year 8 pupils (Year 6 in 2013/14).
  checks = function(ctx)
    local year = require("csc.years").label   -- year(2017, "full") is "2016/2017", as Table 8 prints it
    local d = ctx.data.pupils
    if d:has("n_pupils") then d = d:uncount("n_pupils") end
    local rows = {}
    for _, g in ipairs({ { "intervention", 'cohort == "2017/18" and back_on_track == 1' },
                         { "comparison", 'cohort == "2014/15"' } }) do
      local sub = d:filter(g[2])
      local years = sub:aggregate("cohort", { { "n", "count" } })
      if years:nrow() ~= 1 then error("the " .. g[1] .. " group spans more than one cohort", 0) end
      local y = math.tointeger(tonumber(years:value(1, "cohort"):match("^(%d%d%d%d)")))
      for j, k in ipairs({ "matching_year", "cohort_year", "outcome_year" }) do
        ctx:estimate({ label = "table8." .. g[1] .. "." .. k, value = y + j - 2, detail = true, group = "table8" })
      end
      rows[#rows + 1] = { g[1] .. " group", year(y, "full"), year(y + 1, "full"), year(y + 2, "full"), sub:nrow() }
    end
    ctx:table("table8", { columns = { "group", "data used for matching", "matched cohort", "outcome data", "pupils" },
      rows = rows }, { caption = "Table 8: the logic of the Back on Track matching process", counts = { "pupils" } })
    local y8 = ctx.data.year8:filter('academic_year == "2015/16"')
    local rate, n8 = y8:value(1, "ua_sessions") / y8:value(1, "year8_pupils"), y8:value(1, "year8_pupils")
    local own = d:filter('cohort == "2014/15" and ncyear_pre == 6'):aggregate(nil, { { "n", "count" },
      { "m", "mean", "ua_post" } })
    local m, n = own:value(1, "m"), own:value(1, "n")
    local text = string.format("The 2015/16 Year 8 figure of the trend file (%.4f sessions per pupil, %d pupils) "
      .. "against the comparison cohort's own Year 8 pupils of 2015/16 in the pupil file (Year 6 in 2013/14): %.4f "
      .. "sessions per pupil, %d pupils.", rate, n8, m, n)
    if n == 0 or m ~= m or math.abs(m - rate) > 0.05 * rate or math.abs(n - n8) > 0.05 * n8 then
      ctx:warn(text .. " They differ by more than 5%: the trend file may not describe the comparison cohort, and "
        .. "the time-trend ratio applied to its absences may not fit.")
    else
      ctx:note(text)
    end
  end,

  evidence = "A matched historical comparison within one authority (pupils three years earlier), with "
    .. "regression adjustment: observed characteristics only, so unmeasured differences (wellbeing, family "
    .. "circumstances) may remain, as the report says.",

  -- Tables 9 and 10 as printed (Stata's display: up to 7 significant
  -- digits), typed in published/nwd_back_on_track_balance.csv; each figure is
  -- reproduced when it rounds to the printed one.  The text extraction of the
  -- report reads "8244681" for Table 10's comparison mean of boys after
  -- matching; it is .8244681 (155/188, and the printed SMD -.0353279 follows).
  published = {
    { source = "{table}", label = "{table}: {characteristic}, {column}",
      estimate = "{analysis}.balance.{covariate}.{column}", columns = BALANCE_WORDS,
      rows_file = "published/nwd_back_on_track_balance.csv" },
    -- Table 8 (academic years written as the year they start): a check of the inputs.
    { source = "Table 8", label = "Table 8: {group} group, {column} (academic year starting)",
      estimate = "table8.{group}.{column}", tolerance = 0, columns = { matching_year = "data used for matching",
        cohort_year = "matched cohort", outcome_year = "outcome data" }, rows = {
      { "group", "matching_year", "cohort_year", "outcome_year" },
      { "intervention", 2016, 2017, 2018 },
      { "comparison", 2013, 2014, 2015 },
    } },
    -- Table 3.  The comparison average is the intervention average minus
    -- the adjusted impact (see Notes); "4" is read as 4.0, as the other
    -- averages have one decimal.
    { source = "Table 3", label = "Table 3: {outcome}, {column}", estimate = "{analysis}.{column}", tolerance = 0,
      columns = TABLE3_WORDS, rows = {
      { "analysis", "outcome", "next_year.effect", "next_year.mean_treated", "next_year.mean_comparison_adjusted",
        "n_matched_treated", "n_matched_comparison", "next_year.effect:p", "next_year.effect:ci_low",
        "next_year.effect:ci_high" },
      { "absences", "unauthorised absences", "13.7", "37.3", "23.6", 47, 470, ".128", "-3.94", "31.37" },
      { "exclusions", "sessions missed due to fixed exclusions", "1.4", "5.4", { printed = "4", tolerance = 0.05 },
        47, 188, ".295", "-1.22", "4.03" },
    } },
    { label = "Time-trend ratio: Year 8 unauthorised absence sessions per pupil, 2018/19 over 2015/16",
      estimate = "absences.next_year.trend_ratio", printed = "1.28", source = "Appendix 3 text" },
  },

  strength = {
    -- the Round 2 report's rating of PIP North Yorkshire (Table 4): level and result
    rated = { reference = "RR1012", row = 6 },
    result_label = "No impact found: differences in absences and exclusions not statistically significant",
    reason = "Mahalanobis matching against a historical comparison group from the same authority, with regression "
      .. "adjustment and significance tests.",
  },

  limitations = {
    "The report does not publish its covariate weights. The recipe weights each characteristic by its absolute "
      .. "standardised difference before matching (one reading of \"a certain weight to reflect different degrees "
      .. "of pre-matching imbalances\"); on the real extract the evaluators' own weights would give other matched "
      .. "sets, so the after-matching columns of Tables 9 and 10 may differ.",
    "The software is not named for the matching. The recipe follows R MatchIt's nearest-neighbour rules (pooled "
      .. "within-group covariance, data order, one round of matches at a time, ties to the lower row); Stata's "
      .. "kmatch, which the design resembles, can choose differently where neighbours are near-tied.",
    "The form of the regression adjustment and of the standard errors is not stated. The recipe fits least "
      .. "squares on the matched sample with the matching characteristics and the other prior measures "
      .. "(the other exclusion or absence measure and permanent exclusions), with standard errors clustered on the "
      .. "matched sets and normal intervals (which the printed intervals and p-values imply).",
    "The trend ratio multiplies the comparison pupils' 2015/16 absences (the outcome) only, not their 2013/14 "
      .. "absences used for matching; the exact ratio from the Year 8 series is used, printed as 1.28.",
    "The report gives 47 as the 2017/18 cohort in Appendix 3 but 78 (2017/18) and 47 (2018/19) in its Table 1; "
      .. "the recipe follows Appendix 3.",
    "Mean school year of the Back on Track pupils in 2016/17 is 5.79, below the Years 6 to 8 that pupils in "
      .. "Years 7 to 9 in 2017/18 would have been in; some supported pupils were younger (the report's preventative "
      .. "work with pupils moving from primary school). The recipe's synthetic files follow the printed mean.",
  },
}
