-- A difference-in-differences recipe for make test-export (no shipped recipe
-- uses the did design): the panel of tests/reference/its/did_panel.csv (20
-- units, 2014 to 2023, made by tests/reference/its/make_its.R), units 1 to 6
-- treated from 2019.
return {
  title = "Difference-in-differences on the reference panel",
  question = "Did the six treated units' outcome change from 2019 beyond the change in the other units?",
  source = { report = "New analysis", tables = { "none" } },
  inputs = {
    panel = { path = "tests/reference/its/did_panel.csv",
      description = "20 units x 10 years (tests/reference/its/make_its.R)" },
  },
  design = {
    type = "did",
    data = "panel", unit = "unit", time = "year", treated = { 1, 2, 3, 4, 5, 6 }, start = 2019,
    outcomes = { { name = "y", column = "y", label = "Outcome" } },
  },
}
