return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      local s = string.rep("a", 30000); local i = s:find(".-.-.-.-b")
    end,
  },
}
