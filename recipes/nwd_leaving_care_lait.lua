-- No Wrong Door, Leaving Care: the comparative interrupted time series of
-- Appendix 2 on the REAL public series, 2014/15 to 2018/19.
--
-- recipes/nwd_leaving_care.lua reruns the report's analysis on a synthetic
-- 2002-2019 panel (the LG Inform / LAIT series of those years are not in the
-- shared data).  This recipe runs the same specification on what is public:
-- DfE's LAIT series of care leavers aged 19-21 in suitable accommodation and
-- in EET, which start in 2014/15.  North Yorkshire against the report's
-- comparison sets, 2018 left out, the impact in 2019.  It also sets the
-- real 2020/21-2024/25 figures of these authorities beside it as context.

-- Table 5's impacts (2002-2019), shown beside the short-window ones, not compared
local TABLE5 = { accommodation = 7.2, eet = 7.1 }

return {
  title = "No Wrong Door, Leaving Care: the comparative interrupted time series on the real LAIT series, 2014/15 to 2018/19",
  question = "On the public statistics alone, were more of North Yorkshire's care leavers aged 19-21 in suitable "
    .. "accommodation, and in education, employment or training, in 2018/19 than their 2014/15-2016/17 trends "
    .. "predicted, relative to the comparison authorities the evaluation chose?",
  source = {
    reference = "RR1030",   -- the report (data/reports.csv)
    report = "No Wrong Door Innovation Programme evaluation, North Yorkshire (NatCen, DfE RR1030, March 2020): "
      .. "Appendix 2's analysis on the years the public statistics cover, and the Introduction's NEET figure",
    tables = { "Appendix 2 (the specification, on 2015-2019)", "Table 5 (context)", "Introduction (NEET, DfE 2019)" },
  },

  inputs = {
    lait = { dataset = "lait_key_measures",
      description = "DfE Local Authority Interactive Tool: care leavers aged 19-21 in suitable accommodation, "
        .. "in EET and NEET, every authority and England, 2015-2025 (the analysis uses 2015-2019)" },
    accommodation = { dataset = "care_leavers_accommodation" },
    activity = { dataset = "care_leavers_activity" },
  },

  data_note = "Real public statistics: DfE's LAIT file and the care leaver tables of Explore Education "
    .. "Statistics (../shared/data/). LAIT has these measures from 2014/15, so the pre-period is three years "
    .. "against the report's sixteen, and the 2014 change of definition falls before it. The report's own "
    .. "analysis on 2002-2019 is rerun, on a synthetic panel, by recipes/nwd_leaving_care.lua.",

  design = {
    type = "cits",
    label = "Comparative interrupted time series (itsa) on LAIT, two outcomes",
    summary = "Comparative interrupted time series as Stata's itsa, one per outcome, with the report's "
      .. "specification on the years LAIT covers: North Yorkshire against the comparison authorities the "
      .. "report chose, years ending March 2015 to 2019 with 2018 left out (neither before nor after the "
      .. "project began in April 2017), OLS with Newey-West standard errors (lag 0 for accommodation, 2 for "
      .. "EET). With one post year the post-trend terms are not estimable, and the impact is North "
      .. "Yorkshire's 2019 departure from its projected trend minus the comparators' departure from theirs.",
    -- One row per authority and year to 2018/19, a column per LAIT measure ("-" is missing)
    data = "lait",
    steps = {
      { filter = 'measure_short in {"CareLeaverAcc", "CareLeaverEET"} and year <= 2019' },
      { derive = "pct", as = "to_number(value)" },
      { wider = { id = { "la_number", "area_name", "year" }, names_from = "measure_short", values_from = "pct" } },
    },
    unit = "la_number", name = "area_name", time = "year",
    treated = 815,                                        -- North Yorkshire
    interruption = 2019, exclude = { 2018 },
    outcomes = {
      { name = "accommodation", column = "CareLeaverAcc", lag = 0, unit = "percentage points",
        label = "Care leavers aged 19-21 in suitable accommodation (%)",
        comparators = { 925, 860, 384 } },              -- Lincolnshire, Staffordshire, Wakefield
      { name = "eet", column = "CareLeaverEET", lag = 2, unit = "percentage points",
        label = "Care leavers aged 19-21 in education, employment or training (%)",
        -- Leeds, Lincolnshire, North Tyneside, Northamptonshire, Staffordshire, Wakefield
        comparators = { 383, 925, 392, 928, 860, 384 } },
    },
  },

  warnings = { "The LAIT run has a pre-period of three years against the report's sixteen; its impacts are "
    .. "shown beside Table 5's and are not compared with them." },

  -- The real 2020/21-2024/25 figures of these authorities as context: the
  -- EES accommodation and activity files (the same columns), bound, filtered
  -- to the two measures and to North Yorkshire, the comparison authorities,
  -- North and West Northamptonshire (Northamptonshire's successors from
  -- April 2021) and England, and spread one column per year.
  tables = {
    { name = "context_2021_2025", input = "accommodation", digits = 0,
      steps = {
        { bind = "activity" },
        { filter = 'care_leaver_age == "19 to 21 years" and breakdown in {"Accommodation considered suitable", '
          .. '"Total in education, employment or training"} and (geographic_level == "National" or '
          .. '(geographic_level == "Local authority" and '
          .. 'old_la_code in {815, 925, 860, 384, 383, 392, 928, 940, 941}))' },
        { derive = "measure",
          as = 'if_else(breakdown == "Accommodation considered suitable", "accommodation", "eet")' },
        { derive = "authority", as = 'if_else(geographic_level == "National", "England", la_name)' },
        { select = { "measure", "authority", "old_la_code", "time_period", "care_leaver_percent" } },
        { wider = { id = { "measure", "authority", "old_la_code" }, names_from = "time_period",
          values_from = "care_leaver_percent" } },
      },
      caption = "Context (not part of the analysis): % of care leavers aged 19-21 in suitable accommodation "
        .. "(accommodation) and in education, employment or training (eet), North Yorkshire, the comparison "
        .. "authorities and England, 2020/21 to 2024/25 (years ending March)",
      note = "DfE, Children looked after in England (care leavers' accommodation and activity), from "
        .. "../shared/data/ees/. Missing: suppressed (c) or not applicable (z): Northamptonshire (928) was "
        .. "replaced by North Northamptonshire (940) and West Northamptonshire (941) in April 2021. These "
        .. "figures come after the evaluation and after the analysis window." },
  },

  -- The two impacts beside Table 5's (built from the design's estimates);
  -- England's NEET share in 2019, read from one LAIT row that must exist.
  checks = function(ctx)
    local rows = {}
    for _, o in ipairs({ { "accommodation", "CareLeaverAcc" }, { "eet", "CareLeaverEET" } }) do
      local m = ctx:get(o[1] .. ".impact")
      rows[#rows + 1] = { o[1], o[2], ctx:get(o[1] .. ".comparators_n").value, m.n, m.value, m.ci[1], m.ci[2], m.p,
        TABLE5[o[1]] }
    end
    ctx:table("real_lait_2015_2019", { columns = { "outcome", "lait_measure", "comparators", "observations", "impact",
      "conf_low", "conf_high", "p_value", "table5_impact_2002_2019" }, rows = rows }, {
      caption = "The comparative ITS on DfE's LAIT series, 2014/15 to 2018/19 (2017/18 left out), beside the "
        .. "impact Table 5 published from 2002-2019", digits = 2,
      note = "The pre-period is three years (2014/15 to 2016/17) instead of the report's sixteen (2001/02 to "
        .. "2016/17). With so few years the trends are barely estimated and the interval is wide; this is what the "
        .. "public statistics can say, not a replication of Table 5, whose impacts are shown, not compared." })
    local neet = ctx.data.lait:filter('measure_short == "CareLeaversNEET" and year == 2019 and la_number == 970')
    ctx:estimate{ label = "england.neet_2019", value = tonumber(neet:value(1, "value")), unit = "%", n = neet:nrow(),
      method = "LAIT CareLeaversNEET, England (code 970), year ending March 2019" }
  end,

  published = {
    -- Introduction: "the latest data from the Department for Education (2019) ... for 19 to 21-year
    -- olds, 39% of care leavers were NEET"; the same statistic, as LAIT holds it
    { source = "Introduction (DfE 2019)", label = "England: care leavers aged 19-21 NEET, 2018/19 (%)",
      estimate = "england.neet_2019", printed = "39" },
  },

  strength = {
    level = "compromised", result = "none",
    result_label = "No impact found: positive but not statistically significant differences in accommodation and "
      .. "EET, on three pre-years",
    reason = "A comparative interrupted time series with significance tests, but on three pre-intervention years "
      .. "and one post year, against comparators the report chose on the 2002-2017 series: the short window "
      .. "cannot show that the comparators' trends were parallel, so selection bias is not ruled out.",
  },

  limitations = {
    "Three pre-intervention years (2014/15 to 2016/17), not the report's sixteen: the trends are barely "
      .. "estimated, the intervals wide, and the result is not a replication of Table 5 (its impacts are shown "
      .. "beside, not compared).",
    "The comparison sets are the report's, chosen with itsamatch on 2002-2017 data this window does not "
      .. "have; they are not re-selected here.",
    "One post-intervention year (2018/19), as in the report: one year is fragile.",
    "The 2014 change of definition falls before the window, so no dummy for it is needed, and the series "
      .. "are not comparable with the years before 2014.",
    "The outcome covers care leavers aged 19-21 only, while Leaving Care served ages 17-25; the analysis is "
      .. "intention-to-treat at authority level.",
    "The 2020/21-2024/25 context comes after the evaluation and follows the definition in use since 2014.",
  },
}
