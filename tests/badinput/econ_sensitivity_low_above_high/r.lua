return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    break_even = { { name = "b", label = "B", cost = 1000, setup_share = 0.1, unit_value = 100 } },
    sensitivity = { { target = "b", inputs = { { name = "setup_share", low = 0.3, high = 0.1 } } } } },
}
