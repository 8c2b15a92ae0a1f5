return {
  question = "q",
  source = { report = "r", tables = { "T1" } },
  inputs = { d = { path = "d.csv" } },
  design = { type = "custom", analyse = function() end },
}
