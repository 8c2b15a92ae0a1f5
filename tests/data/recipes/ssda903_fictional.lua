-- Test recipe (not a published analysis): the five consecutive synthetic
-- SSDA903 returns of one fictional authority in ../shared/data/ssda903/
-- demand_model_fake/, summarised with disclosure control on (the default for
-- record-level input).  tests/lua/test_ssda903_recipe.lua runs it and scans
-- every output for unsuppressed small counts.
return {
  id = "ssda903_fictional",
  title = "Looked-after children of a fictional authority, 2017/18 to 2021/22 (synthetic SSDA903 returns)",
  question = "How many children were looked after at 31 March, by sex, age and placements in the year?",
  source = {
    report = "data-to-insight cs-demand-model sample returns (synthetic)",
    tables = { "none: a test of the SSDA903 reader, validation and disclosure control" },
  },
  inputs = {
    returns = {
      format = "ssda903",
      path = "../shared/data/ssda903/demand_model_fake",
      years = { 2018, 2019, 2020, 2021, 2022 },
      prefix = "{start}-",
      synthetic = true,
      description = "five yearly synthetic SSDA903 returns of one fictional authority",
    },
  },
  design = { type = "ssda903", input = "returns", cohort = "looked_after" },
}
