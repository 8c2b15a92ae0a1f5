-- A difference-in-differences recipe for the Stata export's tests (no
-- shipped recipe has the did design): `csceval new did --la 831` with its
-- TODOs left in, which check reports without failing.  Its do-file is a
-- golden file beside it (tests/export/stata/did_derby.do); see docs/export.md.
return {
  id = "did_derby",
  title = "Referrals per 10,000 children: Derby against its statistical neighbours, difference-in-differences",
  question = "Did referrals per 10,000 children change more in Derby than in similar authorities after TODO: the programme began?",
  -- The report this analysis reruns. For a new analysis, say so here and
  -- leave published empty: the report then calls it a new analysis.
  source = {
    report = "TODO: the evaluation report's title, or \"New analysis\"",
    tables = { "TODO: the tables or figures it reruns, or \"none\"" },
  },
  inputs = {
    referrals = {
      path = "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
      description = "Children in need census: referrals by authority and year (DfE, Explore Education Statistics)",
    },
    population = {
      path = "../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv",
      description = "ONS mid-year estimates of children aged 0 to 17, by authority",
    },
    neighbours = {
      path = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv",
      description = "Statistical neighbour groupings, April 2021 model (ten neighbours per authority)",
    },
  },
  design = {
    type = "did",
    -- Data preparation: one row per authority and year with the rate per
    -- 10,000 children. time_period 2019 is the year ending March 2019
    -- (2018/19); its population is the mid-2018 estimate, hence rate_year =
    -- time_period + 1 on the population file (benchmark's year_lag = 1).
    prepare = function(data)
      local pop = data.population:filter('geographic_level == "Local authority"')
        :mutate("rate_year", "time_period + 1")
        :select{ "rate_year", "old_la_code", "population_estimate" }
      return data.referrals:filter('geographic_level == "Local authority"')
        :join(pop, { "old_la_code", time_period = "rate_year" }, "left")
        :mutate("referral_rate", "referral_count / population_estimate * 10000")
    end,
    unit = "old_la_code", time = "time_period", name = "la_name", format = "fy",
    treated = 831,   -- Derby
    -- its 2021 statistical neighbours: Peterborough, Sheffield, Bolton, Telford and Wrekin, Coventry, Walsall, Dudley, Medway, Kirklees, Leeds
    comparators = { 874, 373, 350, 894, 331, 335, 332, 887, 382, 383 },
    start = "2018/19",   -- TODO: the programme's first year
    event_study = { leads = 3, lags = 3 },
    outcomes = {
      { name = "referral_rate", column = "referral_rate", label = "Referrals per 10,000 children" },
    },
  },
  -- Published figures to compare with, one table each, e.g.
  --   { label = "Referrals per 10,000, 2018/19", estimate = "referral_rate.did_2x2", value = 0, tolerance = 1,
  --     source = "Table 2", note = "rounded to whole numbers in the report" },
  -- `csceval explain estimates` lists the estimate names each design makes.
  published = {
    -- TODO: add the report's figures here (or leave this empty for a new analysis)
  },
  limitations = {
    "TODO: what this analysis cannot show",
  },
}
