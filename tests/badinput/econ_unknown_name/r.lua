return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    figures = { { name = "neet_cost", label = "N", value = 164110, source = "p. 42" } },
    break_even = { { name = "b", label = "B", cost = 1000, unit_value = "neet_cots" } } },
}
