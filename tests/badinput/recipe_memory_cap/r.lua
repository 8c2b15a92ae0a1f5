return {
  title = "t",
  question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = "d.csv" } },
  design = {
    type = "custom",
    analyse = function(ctx)
      local t = {}
      for i = 1, 1e9 do t[i] = string.rep("x", 100) .. i end
    end,
  },
}
