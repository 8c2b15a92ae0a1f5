-- Lincolnshire Partners in Practice: the Future4Me counterfactual impact
-- evaluation (Table 1) rerun.  Young people supported by Future4Me are
-- compared with a historical group who would have been eligible before it,
-- given a pseudo start date (first recorded offence + 47 days, the treated
-- group's average gap), weighted by the inverse probability of treatment on
-- age and offences before the start, and compared on reoffending.
--
-- The recipe's own input files are synthetic (data/lincs_future4me/gen.lua):
-- the real Future4Me dataset is confidential.  With the real files:
--   ./csceval run recipes/lincs_future4me.lua --data people=PATH --data offences=PATH

local FOLLOW_UP = 365          -- reoffending: any offence 1 to 365 days after the (pseudo) start

local TABLE1_WORDS = { mean_treated_before = "before weighting, treatment",
  mean_comparison_before = "before weighting, comparator", mean_treated_after = "after weighting, treatment",
  mean_comparison_after = "after weighting, comparator" }

return {
  title = "Future4Me (Lincolnshire): reoffending against a weighted historical comparison group",
  question = "Did young people supported by Future4Me reoffend less than similar young people before the "
    .. "programme existed, once the groups are weighted to be alike in age and prior offending?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    tables = { "Table 1" },
  },
  -- the report shows which inputs are synthetic, their generator, the real
  -- records and their columns (data/datasets.csv), and the --data command
  data_note = "The synthetic files were made to match Table 1 and the text. The real Future4Me dataset, which "
    .. "Ecorys analysed, covers the young people Future4Me supported and historical cases who would have been "
    .. "eligible (docs/recipes/lincs_future4me.md).",

  inputs = {
    people = { dataset = "lincs_future4me_people" },
    offences = { dataset = "lincs_future4me_offences" },
  },

  design = {
    type = "ipw",
    label = "Inverse probability weighting against a historical comparison group",
    summary = "Historical comparators get a pseudo start date (first recorded offence plus the treated group's "
      .. "average gap, 47 days); offences before the start are counted by type; inverse probability weights for "
      .. "the average treatment effect from a logistic model on age and prior offences (all, violent, drugs); "
      .. "balance before and after weighting (Table 1); and the weighted difference in reoffending within a year.",
    -- The cohort: Future4Me young people and the historical comparators, each
    -- with a (pseudo) start date: the treated group's mean gap from first
    -- recorded offence to the Future4Me start, rounded to whole days, added to
    -- each comparator's first recorded offence (docs/cohort.md).  Age and
    -- offences before the start (all, violent, drugs) and reoffending after it.
    data = "people",
    steps = {
      { derive = "f4m", as = 'if_else(group == "Future4Me", 1, 0)' },
      { filter = 'group == "Future4Me" or group == "comparator"' },
      { pseudo_start = "start", events = "offences", id = "person_id", date = "offence_date", treat = "f4m",
        start = "start_date", anchor = "first_offence", offset = "mean", round = "nearest",
        words = { treated = "Future4Me young people", comparison = "comparator", anchor = "first recorded offence",
          start = "the Future4Me start" } },
      { age = "age", born = "date_of_birth", at = "start" },
      { event_counts = "offences", id = "person_id", date = "offence_date", type = "offence_type",
        types = { "violent", "drugs" }, windows = { pre = { -36500, -1 }, post = { 1, FOLLOW_UP } },
        flags = { reoffended = "post" }, words = { people = "young people", event = "an offence" },
        method = "Offences before the start: every recorded offence before the (pseudo) start date, by type (violent, "
          .. "drugs). Reoffending: any recorded offence from 1 to " .. FOLLOW_UP .. " days after it (the report does "
          .. "not state its follow-up period)." },
    },
    treat = "f4m",
    -- Table 1's treated column changes after weighting (236 to 195): weights
    -- for the average treatment effect, "Sample" read as Kish's effective size.
    covariates = { "age", "pre", "pre_violent", "pre_drugs" },
    estimand = "ATE",
    labels = { age = "Average age", pre = "All offences (pre-intervention)",
      pre_violent = "Violent offences (pre-intervention)", pre_drugs = "Drugs offences (pre-intervention)" },
    balance = { sd = "pooled" },
    outcomes = {
      { name = "reoffending", column = "reoffended", label = "Reoffended within a year (%)", scale = 100,
        unit = "percentage points", digits = 1 },
    },
  },

  evidence = "A historical comparison group weighted on age and prior offending (Maryland scale level 3, as "
    .. "the report says): unobserved differences, other support the comparators may have had, and the national "
    .. "rise in violent youth offending between the periods are not accounted for.",

  published = {
    { label = "Sample before weighting, treatment", estimate = "n_programme", value = 236, tolerance = 0,
      source = "Table 1" },
    { label = "Sample before weighting, comparator", estimate = "n_comparison", value = 280, tolerance = 0,
      source = "Table 1" },
    -- "Sample" after weighting read as Kish's effective sample size (sum w)^2 / sum w^2
    { label = "Sample after weighting, treatment", estimate = "ess_programme", printed = "195", source = "Table 1" },
    { label = "Sample after weighting, comparator", estimate = "ess_comparison", printed = "154", source = "Table 1" },
    { source = "Table 1", label = "{row}, {column}", estimate = "balance.{covariate}.{column}",
      columns = TABLE1_WORDS, rows = {
      { "covariate", "row", "mean_treated_before", "mean_comparison_before", "mean_treated_after",
        "mean_comparison_after" },
      { "age", "Average age", "15.93", "15.22", "15.56", "15.49" },
      { "pre", "Average number of offences (pre-intervention): all offences", "1.99", "1.38", "1.69", "1.66" },
      { "pre_violent", "Average number of offences (pre-intervention): violent offences",
        "1.17", "0.59", "0.87", "0.90" },
      { "pre_drugs", "Average number of offences (pre-intervention): drugs offences", "0.19", "0.07", "0.13", "0.10" },
    } },
    { label = "Proportion reoffending post-intervention, treatment (%)", estimate = "reoffending.mean_treated",
      printed = "30", source = "Table 1" },
    { label = "Proportion reoffending post-intervention, comparator (%)", estimate = "reoffending.mean_comparison",
      printed = "41", source = "Table 1" },
    { label = "Reoffending: difference, percentage points (\"11 percentage points lower\")",
      estimate = "reoffending.effect", printed = "-11", source = "Executive summary" },
    -- The report names no test, only that the difference was significant.
    { label = "Reoffending: the difference is statistically significant (1 = yes, at 5%)",
      estimate = "reoffending.effect", field = "significant", value = 1, tolerance = 0, source = "Results text" },
    { label = "Days from first recorded offence to the Future4Me start, treated average",
      estimate = "pseudo_start.offset_days", printed = "47", source = "Analytical approach text" },
  },

  strength = {
    -- the Round 2 report's rating of PIP Lincolnshire (Table 4), whose stronger, positive evidence is this analysis
    rated = { reference = "RR1012", row = 5 },
    result_label = "Some positive impact: reoffending lower than in the weighted historical comparison group",
    reason = "Inverse probability weighting against a historical comparison group, with a test of significance; the "
      .. "comparison group is from before the programme, which the limitations discuss.",
  },

  limitations = {
    "The report does not say which weights it used. Table 1's treated group changes after weighting (236 to "
      .. "195, age 15.93 to 15.56), so the recipe uses weights for the average treatment effect (1/p and "
      .. "1/(1 - p)) and reads \"Sample\" as Kish's effective sample size; the report's own description (higher "
      .. "propensity, larger weight) fits weights for the effect on the treated instead, which would leave the "
      .. "treated column unchanged.",
    "The propensity model's form is not stated; the recipe uses a logistic model with linear terms in age and "
      .. "the three counts, no trimming.",
    "The report does not state the follow-up period for reoffending or how offences on the start day count; the "
      .. "recipe counts any offence 1 to 365 days after the (pseudo) start.",
    "The significance test is not named; the recipe uses a weighted linear probability model with a robust "
      .. "(svyglm) standard error. The report's \"11% lower\" is read as 11 percentage points (41% to 30%).",
    "Age is taken in completed years at the (pseudo) start; the report does not say whether age was in whole "
      .. "years.",
  },
}
