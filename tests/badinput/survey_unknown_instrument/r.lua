return {
  title = "t", question = "q",
  source = { report = "r", tables = { "T1" } },
  inputs = { answers = { path = "answers.csv" } },
  design = { type = "survey", instrument = "swembws",
    analyses = { { kind = "score", name = "wellbeing", input = "answers", id = "id" } } },
}
