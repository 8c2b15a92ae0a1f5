return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } },
  inputs = { d = { path = "d.csv" } },
  design = { type = "its", data = "d", time = "month", interruption = 4,
    outcomes = { { name = "n", column = "n" } } },
  strength = { level = "stronger", result = "positive" },
}
