return {
  title = "Care leavers\0 in work",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  labels = { rows = "rows \27[31mred" },
  design = {
    type = "custom",
    analyse = function(ctx)
      ctx:estimate{ label = "rows", value = ctx.data.d:nrow() }
    end,
  },
}
