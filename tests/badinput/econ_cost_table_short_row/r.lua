return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    cost_tables = { { name = "c", label = "C", source = "Table 6, p. 42", years = { "2017-18", "2018-19", "2019-20" },
      rows = { { category = "all", values = { 442070, 511271 } } }, printed_total = 1596102 } } },
}
