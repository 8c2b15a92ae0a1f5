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
    report = "Evaluation of the Derby Local Area Coordination Approach, evaluation report (Ipsos MORI, March 2020)",
    authors = "Claudia Mollidor, Raynette Bierman, Charlotte Goujon, Leonardo Zanobetti, Ellis Akhurst",
    publisher = "Department for Education",
    reference = "RR1022",
    year = 2020,
    file = "../shared/seeds/004_44b4eb76ffe3c1d9.txt",
    tables = { "Table 1", "Section 2 text (staying put)" },
  },

  inputs = {
    lait = {
      path = "../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv",
      description = "DfE Local Authority Interactive Tool: children's social care indicators 2015-2025, every authority, region and England",
      columns = { "measure_short", "year", "la_number", "area_name", "region", "value" },
    },
    neighbours = {
      path = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv",
      description = "Statistical neighbour groupings, April 2021 model (ten neighbours per authority)",
    },
  },

  design = {
    type = "benchmark",
    authority = 831,
    authority_name = "Derby",
    neighbours = { input = "neighbours", code_column = "LA num", model = "2021 statistical neighbours" },
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

  published = {
    { label = "Care leavers aged 19-21, Derby 2017", source = "Table 1", estimate = "base.authority.2017", value = 130, tolerance = 0 },
    { label = "Care leavers aged 19-21, Derby 2018", source = "Table 1", estimate = "base.authority.2018", value = 136, tolerance = 0,
      note = "LAIT's current vintage has 133: the statistics were revised after March 2020" },
    { label = "Care leavers aged 19-21, Derby 2019", source = "Table 1", estimate = "base.authority.2019", value = 167, tolerance = 0,
      note = "LAIT's current vintage has 166: the statistics were revised after March 2020" },
    { label = "Not in touch, Derby 2017 (%)", source = "Table 1", estimate = "not_in_touch.authority.2017", value = 9, tolerance = 0.5,
      note = "the printed count (10 of 130) gives 7.7%" },
    { label = "Not in touch, Derby 2018 (%)", source = "Table 1", estimate = "not_in_touch.authority.2018", value = 7, tolerance = 0.5 },
    { label = "Not in touch, Derby 2019 (%)", source = "Table 1 and text", estimate = "not_in_touch.authority.2019", value = 4, tolerance = 0.5 },
    { label = "Not in touch, England 2019 (%)", source = "Table 1 and text", estimate = "not_in_touch.england.2019", value = 7, tolerance = 0.5 },
    { label = "Not in touch, statistical neighbours 2019 (%)", source = "Table 1", estimate = "not_in_touch.neighbours_mean.2019", value = 7, tolerance = 0.5,
      note = "the report used the neighbour set of its time; this rerun uses the 2021 groupings" },
    { label = "Suitable accommodation, Derby 2017 (%)", source = "Table 1", estimate = "suitable.authority.2017", value = 87, tolerance = 0.5,
      note = "the printed count (110 of 130) gives 84.6%" },
    { label = "Suitable accommodation, Derby 2018 (%)", source = "Table 1", estimate = "suitable.authority.2018", value = 86, tolerance = 0.5,
      note = "the printed count (114 of 136) gives 83.8%" },
    { label = "Suitable accommodation, Derby 2019 (%)", source = "Table 1 and text", estimate = "suitable.authority.2019", value = 86, tolerance = 0.5 },
    { label = "Suitable accommodation, England 2019 (%)", source = "Table 1", estimate = "suitable.england.2019", value = 85, tolerance = 0.5 },
    { label = "Suitable accommodation, statistical neighbours 2019 (%)", source = "Table 1 and text", estimate = "suitable.neighbours_mean.2019", value = 89, tolerance = 0.5,
      note = "the report used the neighbour set of its time; this rerun uses the 2021 groupings" },
    { label = "EET, Derby 2017 (%)", source = "Table 1 and text", estimate = "eet.authority.2017", value = 53, tolerance = 0.5 },
    { label = "EET, Derby 2018 (%)", source = "Table 1 and text", estimate = "eet.authority.2018", value = 61, tolerance = 0.5 },
    { label = "EET, Derby 2019 (%)", source = "Table 1 and text", estimate = "eet.authority.2019", value = 47, tolerance = 0.5 },
    { label = "EET, England 2019 (%)", source = "Table 1", estimate = "eet.england.2019", value = 52, tolerance = 0.5 },
    { label = "EET, statistical neighbours 2019 (%)", source = "Table 1", estimate = "eet.neighbours_mean.2019", value = 50, tolerance = 0.5,
      note = "the report used the neighbour set of its time; this rerun uses the 2021 groupings" },
    { label = "Higher education, Derby 2018 (%)", source = "Table 1", estimate = "higher_education.authority.2018", value = 4, tolerance = 0.5 },
    { label = "Higher education, Derby 2019 (%)", source = "Table 1", estimate = "higher_education.authority.2019", value = 6, tolerance = 0.5 },
    { label = "Higher education, England 2019 (%)", source = "Table 1", estimate = "higher_education.england.2019", value = 6, tolerance = 0.5 },
    { label = "Higher education, statistical neighbours 2019 (%)", source = "Table 1", estimate = "higher_education.neighbours_mean.2019", value = 7, tolerance = 0.5,
      note = "the report used the neighbour set of its time; this rerun uses the 2021 groupings" },
    { label = "NEET, Derby 2017 (%)", source = "Table 1", estimate = "neet.authority.2017", value = 41, tolerance = 0.5,
      note = "the printed count (50 of 130) gives 38.5%" },
    { label = "NEET, Derby 2018 (%)", source = "Table 1", estimate = "neet.authority.2018", value = 32, tolerance = 0.5 },
    { label = "NEET, Derby 2019 (%)", source = "Table 1 and text", estimate = "neet.authority.2019", value = 49, tolerance = 0.5 },
    { label = "NEET, England 2019 (%)", source = "Table 1 and text", estimate = "neet.england.2019", value = 39, tolerance = 0.5 },
    { label = "NEET, statistical neighbours 2019 (%)", source = "Table 1", estimate = "neet.neighbours_mean.2019", value = 48, tolerance = 0.5,
      note = "the report used the neighbour set of its time; this rerun uses the 2021 groupings" },
    { label = "Staying put, Derby 2017 (%)", source = "Section 2 text", estimate = "staying_put.authority.2017", value = 43, tolerance = 0.5 },
    { label = "Staying put, Derby 2018 (%)", source = "Section 2 text", estimate = "staying_put.authority.2018", value = 41, tolerance = 0.5 },
    { label = "Staying put, Derby 2019 (%)", source = "Section 2 text", estimate = "staying_put.authority.2019", value = 34, tolerance = 0.5 },
    { label = "Staying put, England 2019 (%)", source = "Section 2 text", estimate = "staying_put.england.2019", value = 26, tolerance = 0.5 },
  },

  strength = {
    level = "changes", qualifiers = { "limited comparison", "limited outcomes evidence" }, result = "mixed",
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
