local t = {} for i = 1, 1e8 do t[i] = i end
return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      ctx:estimate{ label = "rows", value = ctx.data.d:nrow() }
    end,
  },
}
