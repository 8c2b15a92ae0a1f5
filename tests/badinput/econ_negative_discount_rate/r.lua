return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    appraisals = { { name = "a", label = "A",
      years = { "2019", "2020" }, costs = { 100, 0 }, benefits = { 0, 120 },
      rate = -0.035 } } },
}
