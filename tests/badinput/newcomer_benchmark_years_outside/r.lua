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
    type = "benchmark",
    authority = 831,
    authority_name = "Derby",
    neighbours = { input = "neighbours", code_column = "LA num", columns = { "SN1", "SN2", "SN3" } },
    years = { from = 2013, to = 2027 },
    measures = {
      { name = "referral_rate", label = "Referrals per 10,000 children", input = "referrals",
        numerator = "referral_count",
        denominator = { input = "population", column = "population_estimate", year_lag = 1 }, per = 10000 },
    },
  },
}
