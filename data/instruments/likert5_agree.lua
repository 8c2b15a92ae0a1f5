-- A generic five-point agreement (Likert) scale: strongly disagree (1) to
-- strongly agree (5), with "Don't know" and blank as missing.  It has no
-- items of its own: a recipe writes
--   instrument = { extends = "likert5_agree", id = "...", title = "...",
--                  items = {{ id = "q1", text = "...", reverse = true }, ...},
--                  scales = {{ id = "total", items = "all", method = "mean",
--                              missing = { rule = "prorate", max_missing = 1 } }} }
-- and takes these response options and this source.  Top-box share =
-- agree or strongly agree (top_box = 2).
return {
  id = "likert5_agree",
  title = "Five-point agreement scale (generic Likert items)",
  source = {
    citation = "Likert, R. (1932) A technique for the measurement of attitudes. Archives of Psychology 140: 1-55",
    note = "generic response format; the items and scales come from the recipe that uses it",
  },
  default_responses = "agree5",
  responses = {
    agree5 = { options = {
      { score = 1, label = "Strongly disagree" },
      { score = 2, label = "Disagree" },
      { score = 3, label = "Neither agree nor disagree" },
      { score = 4, label = "Agree" },
      { score = 5, label = "Strongly agree" },
    }, missing_labels = { "Don't know", "Prefer not to say" } },
  },
  items = {
    { id = "example", text = "An example statement (replaced by the recipe's own items)" },
  },
  scales = {},
}
