return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "synthesis", evaluations = {
    { id = "A", analysis = "Stronger comparative analysis + significance", result = "Some positive impact" },
    { id = "B", analysis = "Some new kind of analysis", result = "Some positive changes" } } },
}
