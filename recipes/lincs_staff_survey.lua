-- Lincolnshire Partners in Practice: the staff survey (section B5 of the
-- final evaluation report).
-- Two waves (October 2018, 242 respondents, 38%; February-March 2020, 204,
-- 25%) and 91 people who answered both.  The report prints shares agreeing
-- and two counts (74 -> 61 satisfied with training, "an 18% decrease";
-- 11 -> 24 always using restorative practice) without bases or tests, and
-- calls three changes "not statistically significant".
--
-- Every number here is typed from the report (aggregates only; no
-- respondent data).  The recipe recomputes the report's arithmetic exactly
-- and tests each change in the two ways the report's words allow: as two
-- independent cross-sections (242 and 204: Fisher's exact and chi-square)
-- and, where a panel answer would be needed (McNemar), says what is
-- missing.  Counts implied by a printed percentage and base are marked.
return {
  title = "Lincolnshire staff survey: response, the 74 to 61 arithmetic and whether the changes are significant",
  question = "How many staff answered each wave, and do the changes in shares agreeing between 2018 and 2020 "
    .. "support the report's words (\"an 18% decrease\", \"not a statistically significant change\")?",
  source = {
    reference = "RR1029",   -- the report (data/reports.csv)
    tables = { "Staff survey (section on workforce outcomes)", "Limitations (survey sample)" },
  },

  inputs = {},

  design = {
    type = "survey",
    small_counts = { threshold = 5, show = "the counts are published in the report" },
    headline = "survey.training_satisfaction_change",
    analyses = {
      { kind = "figures", name = "survey", source = "staff survey text and limitations",
        figures = {
          { label = "unique respondents", op = "union", args = { 242, 204, 91 }, note = "242 + 204 - 91: the report's 355" },
          { label = "panel share of respondents", op = "percent", args = { 91, 355 }, note = "\"Around 26% (91)\"" },
          { label = "training satisfaction change", op = "pct_change", args = { 74, 61 }, note = "\"an 18% decrease\" (counts)" },
          { label = "restorative practice ratio", op = "ratio", args = { 24, 11 }, note = "\"more than doubling\"" },
          { label = "implied invited wave 1", op = "ratio", args = { 242, 0.38 }, note = "not published: 242 / 0.38" },
          { label = "implied invited wave 2", op = "ratio", args = { 204, 0.25 }, note = "not published: 204 / 0.25" },
          { label = "training satisfied share of panel", op = "percent", args = { 61, 91 },
            note = "\"the majority of staff (61)\" fits the 91-person panel, not the 204 of wave 2" },
        } },
      { kind = "proportions", name = "changes", source = "staff survey text",
        caption = "Shares agreeing, 2018 against 2020, as independent cross-sections of 242 and 204 (counts implied by the printed percentages)",
        comparisons = {
          { label = "retention reasonable", a = { label = "2018", pct = 74, n = 242 }, b = { label = "2020", pct = 76, n = 204 } },
          { label = "likely to remain 2 years", a = { label = "2018", pct = 70, n = 242 }, b = { label = "2020", pct = 70, n = 204 } },
          { label = "recruitment good", a = { label = "2018", pct = 68, n = 242 }, b = { label = "2020", pct = 66, n = 204 } },
          { label = "turnover not a problem", a = { label = "2018", pct = 60, n = 242 }, b = { label = "2020", pct = 57, n = 204 } },
          { label = "training satisfied", a = { label = "2018", x = 74, n = 242 }, b = { label = "2020", x = 61, n = 204 } },
          { label = "restorative practice always", a = { label = "2018", x = 11, n = 242 }, b = { label = "2020", x = 24, n = 204 } },
        } },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/lincs_staff_survey.csv" } },

  strength = {
    level = "changes", qualifiers = { "no comparator" }, result = "mixed",
    result_label = "Some changes in staff views, the tested ones not statistically significant",
    reason = "Two waves of one authority's staff survey and a 91-person panel, with no comparison authority.",
    basis = { comparator = false, significance = true },
  },

  limitations = {
    "The report prints no bases for its percentages or counts; the recipe takes the full waves (242 and 204) as "
      .. "the bases, so the counts it tests are implied, not published. \"The majority of staff (61)\" suggests the "
      .. "training counts came from the 91-person panel, whose paired answers (needed for McNemar's test) are not published.",
    "The waves overlap (91 people answered both), so treating them as independent samples is only approximate.",
    "A p-value above 0.05 supports \"not significant\" but not \"no change\": with about 200 per wave, differences "
      .. "of under about 9 percentage points could not be detected reliably.",
  },
}
