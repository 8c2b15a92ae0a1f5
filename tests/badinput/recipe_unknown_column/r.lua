return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv", columns = { "la", "yeer" } } },
  design = { type = "custom", analyse = function() end },
}
