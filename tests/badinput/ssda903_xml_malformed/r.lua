return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { returns = { format = "ssda903", path = "ret", years = { 2018 }, xml = "{year}.xml" } },
  design = { type = "ssda903", input = "returns", cohort = "looked_after" },
}
