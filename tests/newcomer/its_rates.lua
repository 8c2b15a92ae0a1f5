-- The same analysis as its.lua, with the rate made by design.rates (the
-- population of the year before, year_lag = 1) instead of design.prepare.
return {
  title = "Referrals per 10,000 children in Derby",
  question = "Did Derby's referral rate change level or trend after the Early Help offer began in April 2018?",
  source = { report = "New analysis", tables = { "none" } },
  inputs = {
    referrals = { path = "referrals.csv" },
    population = { path = "population.csv" },
    neighbours = { path = "neighbours.csv" },
  },
  design = {
    type = "its",
    data = "referrals",
    where = "old_la_code == 831",
    rates = {
      rate = { numerator = "referral_count", per = 10000,
        denominator = { input = "population", column = "population_estimate", year_lag = 1 } },
    },
    time = "time_period",
    format = "fy",
    interruption = "2018/19",
    outcomes = { { name = "rate", column = "rate", label = "Referrals per 10,000 children" } },
  },
}
