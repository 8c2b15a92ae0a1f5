return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    break_even = { { name = "b", label = "B", cost = 1000, setup_share = 1.5, unit_value = 100 } } },
}
