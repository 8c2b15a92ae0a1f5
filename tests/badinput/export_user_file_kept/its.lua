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
    prepare = function(data)
      local pop = data.population:mutate("rate_year", "time_period + 1")
        :select{ "rate_year", "old_la_code", "population_estimate" }
      return data.referrals:filter('old_la_code == 831')
        :join(pop, { "old_la_code", time_period = "rate_year" }, "left")
        :mutate("rate", "referral_count / population_estimate * 10000")
    end,
    time = "time_period",
    format = "fy",
    interruption = 2019,
    outcomes = { { name = "rate", column = "rate", label = "Referrals per 10,000 children" } },
  },
}
