return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic", figures = { { name = "x", label = "X", value = 1, source = "p. 1" } } },
  strength = { level = "stronger", result = "positive" },
}
