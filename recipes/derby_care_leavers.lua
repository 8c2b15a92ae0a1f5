-- Derby Local Area Coordination for care leavers: contextual benchmarking (Table 1).
-- Reruns the report's OC3 care-leaver indicators for Derby (aged 19-21,
-- 2017 to 2019) on DfE's LAIT statistics, against England and Derby's
-- statistical neighbours, and carries the series on to 2025 for context.
-- Tables 7 to 9 (the authority's SSDA903 extracts) are rerun by
-- recipes/derby_care_leavers_903.lua.
return {
  title = "Derby care leavers aged 19 to 21 against statistical neighbours and England (Table 1)",
  question = "How did Derby's care leavers aged 19 to 21 fare on the national OC3 indicators (in touch, "
    .. "suitable accommodation, education, employment or training) in 2017 to 2019, when Local Area "
    .. "Coordination was extended to them, compared with similar authorities and England, and since?",
  source = {
    reference = "RR1022",   -- the report (data/reports.csv)
    tables = { "Table 1", "Section 2 text (staying put)" },
  },

  inputs = {
    lait = { dataset = "lait_key_measures" },
    neighbours = { dataset = "statistical_neighbours_2021" },
  },

  design = {
    type = "benchmark",
    authority = 831,
    authority_name = "Derby",
    neighbours = { input = "neighbours" },   -- code column and model: data/neighbour_groupings.csv
    years = { from = 2015, to = 2025 },
    measures = {
      { name = "base", label = "Care leavers aged 19-21 (number)", input = "lait", lait = "NoCareLeavers", digits = 0 },
      { name = "not_in_touch", label = "Care leavers aged 19-21 not in touch with the authority (%)", input = "lait",
        lait = "CareLeavers_LA_NotInTouch", polarity = "low", digits = 0 },
      { name = "suitable", label = "Care leavers aged 19-21 in suitable accommodation (%)", input = "lait", lait = "CareLeaverAcc", digits = 0 },
      -- count and base: the LAIT measures of numerator and denominator, for the
      -- 95% interval and the funnel plot
      { name = "eet", label = "Care leavers aged 19-21 in education, employment or training (%)", input = "lait",
        lait = "CareLeaverEET", count = "CareLeaverEETNum", base = "NoCareLeavers", per = 100, funnel = 2019, digits = 0 },
      { name = "higher_education", label = "Care leavers aged 19-21 in higher education (%)", input = "lait",
        lait = "LAC_19_HE", count = "LAC_19_HE_Num", base = "NoCareLeavers", per = 100, digits = 0 },
      { name = "neet", label = "Care leavers aged 19-21 not in education, employment or training (%)", input = "lait",
        lait = "CareLeaversNEET", polarity = "low", digits = 0 },
      { name = "staying_put", label = "Care leavers aged 18-20 staying with former foster carers (%)", input = "lait", lait = "StayingPut", digits = 0 },
    },
    -- Table 1's own arithmetic: each printed percentage against its printed count and base
    checks = {
      { name = "not_in_touch_2017", label = "Not in touch 2017", count = 10, base = 130, printed = 9 },
      { name = "not_in_touch_2018", label = "Not in touch 2018", count = 9, base = 136, printed = 7 },
      { name = "not_in_touch_2019", label = "Not in touch 2019", count = 7, base = 167, printed = 4 },
      { name = "suitable_2017", label = "Suitable accommodation 2017", count = 110, base = 130, printed = 87 },
      { name = "suitable_2018", label = "Suitable accommodation 2018", count = 114, base = 136, printed = 86 },
      { name = "suitable_2019", label = "Suitable accommodation 2019", count = 143, base = 167, printed = 86 },
      { name = "eet_2017", label = "EET 2017", count = 70, base = 130, printed = 53 },
      { name = "eet_2018", label = "EET 2018", count = 83, base = 136, printed = 61 },
      { name = "eet_2019", label = "EET 2019", count = 78, base = 167, printed = 47 },
      { name = "he_2018", label = "Higher education 2018", count = 6, base = 136, printed = 4 },
      { name = "he_2019", label = "Higher education 2019", count = 10, base = 167, printed = 6 },
      { name = "neet_2017", label = "NEET 2017", count = 50, base = 130, printed = 41 },
      { name = "neet_2018", label = "NEET 2018", count = 43, base = 136, printed = 32 },
      { name = "neet_2019", label = "NEET 2019", count = 82, base = 167, printed = 49 },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/derby_care_leavers.csv" } },

  strength = {
    rated = { reference = "RR1012", row = 28 },   -- the Round 2 report's rating (Table 4): level, qualifiers, result
    result_label = "Mixed or limited evidence: Derby's care-leaver indicators against neighbours and England",
    reason = "Descriptive indicators for the authority against neighbours and England, with no counterfactual for "
      .. "the care leavers Coordinators supported (the Round 2 report rates the evaluation the same way, Table 4 row 28).",
  },

  limitations = {
    "LAIT publishes these indicators as whole-number percentages; the report's counts (10 of 130 and so on) are "
      .. "not in the statistics except the base, so the counts are checked only against the report's own percentages "
      .. "(the printed_checks table). In 2017 every printed count is a multiple of 10, which suggests counts rounded to "
      .. "the nearest 10 with percentages from unrounded numbers; the printed 2017 percentages also sum to 103%.",
    "The statistics have been revised since March 2020: LAIT's current vintage has 133 and 166 care leavers aged 19-21 "
      .. "in 2018 and 2019 against the printed 136 and 167.",
    "The report's statistical neighbours were the CSSNBT set of 2019, which is not in the shared data; this rerun uses "
      .. "the April 2021 groupings, so the neighbours' figures may differ from the printed ones.",
    "Higher education for Derby in 2017 is not available in the statistics (\"-\"), as the report's footnote 5 says; "
      .. "it is shown as missing, not as 0.",
  },
}
