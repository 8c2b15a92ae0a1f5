return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "custom", analyse = function() end },
  strength = { level = "stronger", basis = { comparator = false, significance = true } },
}
