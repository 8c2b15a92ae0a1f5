-- An interrupted time series recipe for make test-export that exercises the
-- options the shipped its recipe does not: seasonality as harmonics and as
-- month dummies, an adjustment set, two interruptions, Newey-West and
-- Prais-Winsten asked for, and a quasi-Poisson model, on the monthly series
-- of tests/reference/its/its_series.csv (made by tests/reference/its/make_its.R).
return {
  title = "Segmented regression options on the reference series",
  question = "Do csceval and the exported R script agree on every option of the its design?",
  source = { report = "New analysis", tables = { "none" } },
  inputs = { series = { path = "tests/reference/its/its_series.csv",
    description = "36 months with an AR(1) error (tests/reference/its/make_its.R)" } },
  design = {
    type = "its", data = "series", time = "month",
    interruptions = { "2018-04-01", { at = "2018-10-01", slope = false } },
    season = { type = "harmonics", harmonics = 2 }, covariates = { "count" },
    outcomes = {
      { name = "y", column = "y" },
      { name = "z", column = "y", season = { type = "months" }, autocorrelation = "newey" },
      { name = "pw", column = "y", autocorrelation = "prais" },
      { name = "n", column = "y", family = "poisson" },
    },
  },
}
