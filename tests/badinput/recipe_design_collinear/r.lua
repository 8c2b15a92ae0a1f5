return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { s = { path = "s.csv" } },
  design = { type = "its", data = "s", time = "year", interruption = 2015, definition_change = 2015,
    outcomes = { { name = "y", column = "y" } } },
}
