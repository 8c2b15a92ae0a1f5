-- Lincolnshire Partners in Practice: contextual benchmarking (Figures 1-3, 7 and 9).
-- Reruns the referral figures quoted around Figures 7 and 9 of the final
-- evaluation report on the real children-in-need and population statistics,
-- and Figures 1 to 3 (looked-after children, child protection plans, 3 or
-- more placements) on DfE's LAIT statistics.
return {
  title = "Lincolnshire referrals and no-further-action share against statistical neighbours and England",
  question = "How did referrals to Lincolnshire's children's social care, and the share closed with "
    .. "no further action, move from 2012/13 to 2024/25, compared with similar authorities and England?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    tables = { "Figure 1", "Figure 2", "Figure 3", "Figure 7", "Figure 9" },
  },

  inputs = {
    referrals = { dataset = "cin_referrals" },
    population = { dataset = "ons_child_population" },
    lait = { dataset = "lait_key_measures" },
    neighbours = { dataset = "statistical_neighbours_2021" },
  },

  design = {
    type = "benchmark",
    authority = 925,
    authority_name = "Lincolnshire",
    neighbours = { input = "neighbours" },   -- code column and model: data/neighbour_groupings.csv
    years = { from = 2013, to = 2025 },
    measures = {
      {
        name = "referral_rate",
        label = "Referrals per 10,000 children",
        input = "referrals",
        numerator = "referral_count",
        -- 2017/18 referrals over the mid-2017 estimate of children aged 0-17
        denominator = { input = "population", column = "population_estimate", year_lag = 1 },
        per = 10000,
        digits = 0,
        peak = { from = 2013, to = 2020 },   -- the report's window ended in 2019/20
      },
      {
        name = "nfa_share",
        label = "Referrals with no further action (%)",
        input = "referrals",
        numerator = "no_further_action_count",
        denominator = "referral_count",
        per = 100,
        digits = 1,
      },
      -- Figures 1 to 3, from LAIT (2015 on; 3 or more placements from 2016)
      -- count: the LAIT measure of the numerator, for the 95% interval and the funnel plot;
      -- population: their denominator, the ONS child population of the year before
      { name = "lac_rate", label = "Children looked after at 31 March per 10,000 children", input = "lait",
        lait = "LAC", count = "LACnum", per = 10000, funnel = 2019, polarity = "low", digits = 0,
        population = { input = "population", column = "population_estimate", year_lag = 1 } },
      { name = "cpp_rate", label = "Children on a child protection plan at 31 March per 10,000 children", input = "lait",
        lait = "CPP_rate", count = "CPP_Num", per = 10000, funnel = 2019, polarity = "low", digits = 1,
        population = { input = "population", column = "population_estimate", year_lag = 1 } },
      { name = "placements_3plus", label = "Children looked after with 3 or more placements in the year (%)", input = "lait",
        lait = "LACStable_2016on", count = "LACStableNum_2016on", base = "LACnum", per = 100, funnel = 2018,
        polarity = "low", digits = 0 },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/lincs_benchmarks.csv" } },

  -- Lincolnshire's referral rate and no-further-action share, with their counts, denominators and
  -- 95% intervals, as Explore Education Statistics open data (DfE's tidy CSV and metadata file),
  -- so the authority can publish the rerun in the format of the statistics it came from.
  -- The tables' years (2012/13) are written as DfE's reporting years (2013, the year ending March).
  outputs = {
    ees = {
      { table = "referral_rate_authority", time_period = "year", geographic_level = "Local authority",
        geography = { old_la_code = "925", new_la_code = "E10000019", la_name = { value = "Lincolnshire" },
          region_code = "E12000004", region_name = "East Midlands" },
        indicators = {
          { column = "Lincolnshire", name = "referral_rate", label = "Referrals per 10,000 children", dp = 0 },
          { column = "count", name = "referral_count", label = "Referrals", dp = 0 },
          { column = "denominator", name = "child_population",
            label = "Children aged 0 to 17 (ONS mid-year estimate of the year before)", dp = 0 },
          { column = "ci_low", name = "referral_rate_ci_low", label = "Referrals per 10,000 children, 95% interval, lower", dp = 0 },
          { column = "ci_high", name = "referral_rate_ci_high", label = "Referrals per 10,000 children, 95% interval, upper", dp = 0 },
        } },
      { table = "nfa_share_authority", time_period = "year", geographic_level = "Local authority",
        geography = { old_la_code = "925", new_la_code = "E10000019", la_name = { value = "Lincolnshire" },
          region_code = "E12000004", region_name = "East Midlands" },
        indicators = {
          { column = "Lincolnshire", name = "no_further_action_percent", label = "Referrals with no further action (%)", unit = "%", dp = 1 },
          { column = "count", name = "no_further_action_count", label = "Referrals with no further action", dp = 0 },
          { column = "denominator", name = "referral_count", label = "Referrals", dp = 0 },
          { column = "ci_low", name = "no_further_action_percent_ci_low", label = "Referrals with no further action (%), 95% interval, lower", unit = "%", dp = 1 },
          { column = "ci_high", name = "no_further_action_percent_ci_high", label = "Referrals with no further action (%), 95% interval, upper", unit = "%", dp = 1 },
        } },
    },
  },

  strength = {
    level = "moderate", qualifiers = { "limited comparison" }, result = "positive",
    result_label = "Referrals and the no-further-action share fell after the 2017/18 peak, against neighbours and England",
    reason = "Descriptive benchmarking against statistical neighbours and England, with no test of significance and no "
      .. "counterfactual: a comparison, but a limited one.",
  },

  limitations = {
    "Figures 1 to 3 print no values; the text's claims (below neighbours and England) are checked as yes/no figures. "
      .. "Figure 1 does not say whether it shows counts or rates; rates per 10,000 children are used, as comparisons "
      .. "between authorities need them.",
    "LAIT's placement stability measure (3 or more placements) starts in 2015/16, so the years before are shown as "
      .. "missing; the report's 2019/20 figure (7%) covered ten months to January 2020 from the authority's own data, "
      .. "while LAIT's 2019/20 figure is the full year.",
    "The report's 2019/20 figures covered ten months to January 2020 and were annualised; the published "
      .. "statistics used here cover the full year, so small differences are expected.",
    "The report compared with its own statistical neighbour group at the time; this rerun uses the "
      .. "April 2021 groupings, which are the earliest in the shared data.",
    "Authorities created by reorganisation have figures only from their first year (North Northamptonshire, "
      .. "code 940, from 2021/22), and a few neighbour-years are suppressed or not available in the statistics; "
      .. "in those years the neighbours' mean uses fewer authorities (the n column, and the diagnostics, say which).",
  },
}
