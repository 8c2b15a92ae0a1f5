return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "/proc/self/status" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      ctx:estimate{ label = "rows", value = ctx.data.d:nrow() }
    end,
  },
}
