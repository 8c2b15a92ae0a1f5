-- Lincolnshire's referral rate against its statistical neighbours: a
-- comparative interrupted time series on the real statistics.
--
-- A new analysis, not a rerun: the Lincolnshire Partners in Practice
-- evaluation (Ecorys, DfE RR1029, 2020) ran a single-group ITS on monthly
-- referrals for two years (recipes/lincs_early_help.lua) and said that
-- "another local authority could serve as a comparator to Lincolnshire" but
-- did not try it.  This recipe does, on the published annual statistics:
-- referrals per 10,000 children, 2012/13 to 2024/25, interrupted at 2018/19
-- (the Early Help offer began in April 2018), with comparison authorities
-- chosen from Lincolnshire's statistical neighbours by their pre-2018/19
-- level and trend (as Stata's itsamatch, then nearest first), a
-- placebo-in-space ranking over every authority, and a difference-in-
-- differences / event-study sensitivity run.
--
-- The rate is built exactly as recipes/lincs_benchmarks.lua builds it
-- (referrals in the year ending March Y over the ONS mid-year estimate of
-- children aged 0 to 17 for Y - 1, times 10,000), so Lincolnshire's rates
-- here equal that recipe's (tests/lua/test_gen_issue5.lua checks it).
return {
  title = "Lincolnshire's referral rate against its statistical neighbours: comparative interrupted time series, 2012/13 to 2024/25",
  question = "Did Lincolnshire's rate of referrals to children's social care per 10,000 children depart "
    .. "from its pre-2018/19 trend, relative to similar authorities, after the Early Help offer began in April 2018?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    report = "Lincolnshire Partners in Practice (PiP) Programme Evaluation, final report (Ecorys, March 2020): "
      .. "context only; this comparative analysis is new",
    tables = { "Figure 6 (extended: annual rate, comparison authorities)", "Figure 7 (context)" },
  },

  inputs = {
    referrals = { dataset = "cin_referrals" },
    population = { dataset = "ons_child_population" },
    neighbours = { dataset = "statistical_neighbours_2021" },
  },

  data_note = "Real public statistics (Explore Education Statistics and ONS). There are no published "
    .. "figures to compare with: the evaluation did not run a comparative analysis. The only published "
    .. "numbers on this measure are the report's context figures (510 referrals per 10,000 in 2017/18, "
    .. "467 in 2019/20, Figure 7 text), which recipes/lincs_benchmarks.lua reruns on the same rates.",

  design = {
    type = "cits",
    summary = "Comparative interrupted time series (Stata itsa's model) of referrals per 10,000 children: "
      .. "Lincolnshire against comparison authorities chosen from its ten statistical neighbours, "
      .. "annual data 2012/13 to 2024/25, interrupted at 2018/19. Before the interruption each series has "
      .. "its own level and trend; from 2018/19 each may change in level and in trend. The impact in a "
      .. "year is Lincolnshire's departure from its projected pre-2018/19 trend minus the comparison "
      .. "authorities' departure from theirs, reported for 2019/20 (the last year the evaluation covered) "
      .. "and for every later year in the table. Every neighbour is tested as Stata's itsamatch does "
      .. "(do its pre-2018/19 level and trend differ from Lincolnshire's at the 5% level?) and ranked by "
      .. "distance on level and trend; the five nearest are used. Sensitivity runs: placebo-in-space over "
      .. "every authority, and difference-in-differences with an event study against the same five.",
    data = "referrals",
    steps = { { filter = 'geographic_level == "Local authority"' } },
    -- Rates per 10,000 children: referrals in the year ending March Y over the
    -- mid-(Y - 1) estimate of children aged 0 to 17, as the benchmark design does.
    rates = { referral_rate = { numerator = "referral_count", per = 10000,
      denominator = { input = "population", column = "population_estimate", year_lag = 1,
        where = 'geographic_level == "Local authority"' } } },
    unit = "old_la_code", time = "time_period", name = "la_name", region = "region_name",
    format = "fy",
    treated = 925,
    interruption = 2019,
    effect_at = 2020,
    lag = 1,
    select = {
      neighbours = { input = "neighbours" },   -- the groupings input (data/neighbour_groupings.csv)
      -- itsamatch's rule (every p > 0.05) is shown for each neighbour, but the
      -- five nearest by distance are used: see the limitations.
      method = "distance",
      threshold = 0.05,
      n = 5,
    },
    outcomes = {
      { name = "referral_rate", column = "referral_rate", label = "Referrals per 10,000 children",
        unit = "referrals per 10,000 children", digits = 1 },
    },
    placebo = { units = "all", comparators_rule = "rest", statistic = "t" },
    did = { leads = 4, lags = 6, comparators = "selected" },
  },

  strength = {
    level = "stronger", result = "none",
    result_label = "No impact found: the departure from trend relative to the neighbours is not significant (p = 0.41)",
    reason = "A comparative interrupted time series against statistical neighbours, with significance tests and a "
      .. "placebo ranking.",
  },

  limitations = {
    "No published figures: the evaluation ran no comparative analysis, so this recipe has nothing to "
      .. "reproduce. Its Lincolnshire rates are the ones recipes/lincs_benchmarks.lua compares with the "
      .. "report's Figure 7 text (510 per 10,000 in 2017/18).",
    "Comparison authorities: by itsamatch's rule (keep a neighbour only if neither its pre-2018/19 level "
      .. "nor its trend differs from Lincolnshire's at p < 0.05) only Cornwall qualifies; Lincolnshire's "
      .. "referral rate sat below most of its neighbours'. One comparator makes a fragile counterfactual "
      .. "(and the clustered DiD sensitivity run is degenerate with a single comparison unit), so the five "
      .. "nearest neighbours by distance on level and trend are used: Worcestershire, Cornwall, "
      .. "Nottinghamshire, Staffordshire and Norfolk. The candidates table shows each neighbour's p-values "
      .. "and distance rank. A level difference is what the comparative model's _z term absorbs; a trend "
      .. "difference is the more serious mismatch.",
    "Six annual points before the interruption (2012/13 to 2017/18) give imprecise pre-period trends; "
      .. "Cornwall (2013/14) and Norfolk (2012/13) have five, their sixth being suppressed (x) in the "
      .. "statistics, so the model uses 76 of 78 authority-years (see Diagnostics).",
    "The difference-in-differences runs ignore the difference in pre-period trends that the comparative "
      .. "ITS models (Lincolnshire's rate rose faster before 2018/19), so their sign can differ from the "
      .. "ITS impact; the event study's joint test of the leads is not defined with one treated cluster, "
      .. "so none is reported (see Diagnostics). Read the placebo-in-space ranking for inference.",
    "The statistical neighbours are the April 2021 model, the earliest in the shared data; in 2018 "
      .. "Lincolnshire's list was the one LAIT then used.",
    "The Early Help offer is one of several changes: Lincolnshire's PiP programme (from August 2017), "
      .. "Signs of Safety and, from 2020, the pandemic all move referrals. The impact is reported for "
      .. "2019/20, the last year the evaluation covered; later years mix in everything since.",
    "Authorities reorganised during the period (Northamptonshire in 2021, Cumbria in 2023) have "
      .. "broken series; placebo runs that cannot be estimated for them are listed with the reason.",
    "Newey-West lag 1 is a judgement for annual data; the panel design does not test residual "
      .. "autocorrelation, and with six pre-period points such a test would say little.",
  },
}
