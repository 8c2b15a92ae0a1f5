-- Lincolnshire Partners in Practice: contextual benchmarking (Figures 7 and 9).
-- Reruns the referral figures quoted around Figures 7 and 9 of the final
-- evaluation report on the real children-in-need and population statistics.
return {
  title = "Lincolnshire referrals and no-further-action share against statistical neighbours and England",
  question = "How did referrals to Lincolnshire's children's social care, and the share closed with "
    .. "no further action, move from 2012/13 to 2024/25, compared with similar authorities and England?",
  source = {
    report = "Lincolnshire Partners in Practice (PiP) Programme Evaluation, final report (Ecorys, March 2020)",
    publisher = "Department for Education",
    reference = "RR1029",
    year = 2020,
    file = "../shared/seeds/001_30498599e8c141ff.txt",
    tables = { "Figure 7", "Figure 9" },
  },

  inputs = {
    referrals = {
      path = "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
      description = "Children in need census: referrals and referrals with no further action, by authority and year",
      columns = { "time_period", "geographic_level", "old_la_code", "referral_count", "no_further_action_count" },
    },
    population = {
      path = "../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv",
      description = "ONS mid-year estimates of children aged 0 to 17",
      columns = { "time_period", "geographic_level", "old_la_code", "population_estimate" },
    },
    neighbours = {
      path = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv",
      description = "Statistical neighbour groupings, April 2021 model (ten neighbours per authority)",
    },
  },

  design = {
    type = "benchmark",
    authority = 925,
    authority_name = "Lincolnshire",
    neighbours = { input = "neighbours", code_column = "LA num", model = "2021 statistical neighbours" },
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
    },
  },

  published = {
    { label = "Referrals per 10,000 children, Lincolnshire 2017/18 (the peak)", source = "Figure 7 text",
      estimate = "referral_rate.authority.peak_value", value = 510, tolerance = 5,
      note = "published figure rounded; population year not stated in the report" },
    { label = "Year of the peak in referrals per 10,000, 2012/13 to 2019/20", source = "Figure 7 text",
      estimate = "referral_rate.authority.peak_year", value = 2018, tolerance = 0 },
    { label = "Referrals per 10,000 children, Lincolnshire 2019/20", source = "Figure 7 text",
      estimate = "referral_rate.authority.2020", value = 467, tolerance = 10,
      note = "published value was annualised from ten months to January 2020" },
    { label = "Share of referrals with no further action, Lincolnshire 2017/18 (%)", source = "Figure 9 text",
      estimate = "nfa_share.authority.2018", value = 10, tolerance = 0.5 },
    { label = "Share of referrals with no further action, Lincolnshire 2019/20 (%)", source = "Figure 9 text",
      estimate = "nfa_share.authority.2020", value = 6, tolerance = 1,
      note = "published value covered April 2019 to January 2020 only" },
  },

  strength = {
    level = "moderate", qualifiers = { "limited comparison" }, result = "positive",
    result_label = "Referrals and the no-further-action share fell after the 2017/18 peak, against neighbours and England",
    reason = "Descriptive benchmarking against statistical neighbours and England, with no test of significance and no "
      .. "counterfactual: a comparison, but a limited one.",
  },

  limitations = {
    "The report's 2019/20 figures covered ten months to January 2020 and were annualised; the published "
      .. "statistics used here cover the full year, so small differences are expected.",
    "The report compared with its own statistical neighbour group at the time; this rerun uses the "
      .. "April 2021 groupings, which are the earliest in the shared data.",
    "Authorities created by reorganisation have figures only from their first year (North Northamptonshire, "
      .. "code 940, from 2021/22), and a few neighbour-years are suppressed or not available in the statistics; "
      .. "in those years the neighbours' mean uses fewer authorities (the n column, and the diagnostics, say which).",
  },
}
