return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "outcomes.xlsx", sheet = "Table 1", types = { rate = "int64" } } },
  design = {
    type = "custom",
    analyse = function(ctx)
    end,
  },
}
