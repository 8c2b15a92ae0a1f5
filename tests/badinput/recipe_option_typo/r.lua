local model = require("csc.model")
return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = { type = "custom", analyse = function(ctx)
    model.ols{ data = ctx.data.d, y = "n", x = { "year" }, vcv = "HC1" }
  end },
}
