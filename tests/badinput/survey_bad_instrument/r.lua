return {
  title = "t", question = "q",
  source = { report = "r", tables = { "T1" } },
  inputs = { answers = { path = "answers.csv" } },
  design = { type = "survey",
    instrument = { extends = "likert5_agree", id = "staff", title = "Staff survey",
      items = { { id = "morale", text = "My morale is good" }, { id = "stay", text = "I will stay", responses = "agree7" } } },
    analyses = { { kind = "score", name = "s", input = "answers", id = "id" } } },
}
