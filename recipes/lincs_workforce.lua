-- Lincolnshire Partners in Practice: social worker turnover and agency rates
-- against statistical neighbours and England (Figures 4 and 5).
-- The report states in words, without figures, that both stayed below the
-- neighbours and England, "particularly since 2017"; this recipe checks that
-- claim year by year on the published children's social work workforce series.
return {
  title = "Lincolnshire social worker turnover and agency rates against statistical neighbours and England",
  question = "Were Lincolnshire's children's social worker turnover and agency rates below those of similar "
    .. "authorities and England from 2017, as the evaluation says, and how did they move to 2025?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    tables = { "Figure 4", "Figure 5" },
  },

  inputs = {
    workforce = { dataset = "csww_indicators" },
    neighbours = { dataset = "statistical_neighbours_2021" },
  },

  data_note = "Real public statistics (the DfE's children's social work workforce series, as published on "
    .. "Explore Education Statistics). The report's Figures 4 and 5 came from the LA Interactive Tool (LAIT) "
    .. "and print no values; the text says only that Lincolnshire's rates stayed below its statistical "
    .. "neighbours' and England's, so the published entries are yes/no comparisons (1 = below), not numbers.",

  design = {
    type = "benchmark",
    authority = 925,
    authority_name = "Lincolnshire",
    neighbours = { input = "neighbours" },   -- code column and model: data/neighbour_groupings.csv
    -- the workforce census counts at 30 September: 2017 = the year to 30 September 2017
    years = { from = 2017, to = 2025, ending = "30 September" },
    measures = {
      {
        name = "turnover_rate",
        label = "Social worker turnover rate, FTE (%)",
        input = "workforce",
        numerator = "turnover_rate_fte",   -- a published rate: no denominator
        digits = 1,
      },
      {
        name = "agency_rate",
        label = "Agency social workers, FTE rate (%)",
        input = "workforce",
        numerator = "agency_rate_fte",
        digits = 1,
      },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/lincs_workforce.csv" } },

  strength = {
    level = "moderate", qualifiers = { "limited comparison" }, result = "positive",
    result_label = "Turnover and agency rates below the neighbours and England from 2017/18 (turnover not in 2017 on today's figures)",
    reason = "Descriptive benchmarking against statistical neighbours and England, with no test of significance.",
  },

  limitations = {
    "The report states the comparison in words only; its charts print no values, so the rerun checks whether "
      .. "Lincolnshire was below (1) or not (0) in each year, not by how much.",
    "One of the twelve checks fails: turnover in 2017. Lincolnshire's FTE turnover rate was 13.1%, below "
      .. "England's 13.4% but above the mean of its nine neighbours with figures (12.5%); it was above six of "
      .. "them, and Worcestershire's 22.3% pulls the mean up. The headcount rate gives the same answer "
      .. "(13.6% against 12.8%). In 2018, 2019 and 2020 both rates were below both comparators, as the report "
      .. "says (\"particularly since 2017\").",
    "The report compared with its own statistical neighbour group at the time, which it does not list; this "
      .. "rerun uses the April 2021 groupings, the earliest in the shared data, so the 2017 turnover result "
      .. "may differ from the report's for that reason alone.",
    "The report's figures came from the LA Interactive Tool (LAIT); this rerun uses the published children's "
      .. "social work workforce series in its current revision, and its FTE-based rates (turnover: FTE leavers "
      .. "in the year to 30 September over FTE in post; agency: FTE agency workers over agency workers plus "
      .. "those in post, at 30 September). LAIT may have shown other vintages or headcount rates.",
    "North Northamptonshire (940), one of the 2021 neighbours, never has its own figure: the workforce series "
      .. "reports Northamptonshire (928) to 2020 and North and West Northamptonshire together (\"940 / 941\", "
      .. "the children's trust) from 2021. Cumbria (909) has no figures from 2023, after it was split. The "
      .. "neighbours' mean uses nine authorities to 2022 and eight from 2023 (the n column, and the "
      .. "diagnostics, say which).",
  },
}
