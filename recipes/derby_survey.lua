-- Derby Local Area Coordination for care leavers: the outcomes survey
-- (Tables 4 to 6 of the evaluation).
-- Two non-longitudinal waves (December 2018 and March 2020), care leavers
-- supported by Coordinators (intervention) against care leavers who were
-- not (comparison).  Table 5's 1-7 items, where HIGHER means LESS happy (or
-- less able to get support), and the SWEMWBS converted score of Table 6,
-- complete-case, with the report's Wave 2 outlier exclusion as a stated
-- parameter.  Table 4's counts are typed from the report and compared with
-- Fisher's exact test.
--
-- The respondent-level answers are SYNTHETIC (data/derby_survey/gen.lua):
-- the survey microdata are confidential.  They were generated to reproduce
-- Tables 5 and 6, so agreement with them is by construction; the tests
-- between groups, which the report did not run, are illustrations of what
-- such small groups can and cannot show.
local LIKERT7_HAPPY = { min = 1, max = 7, step = 1, label = "1 = very happy to 7 = very unhappy" }

return {
  title = "Derby care leavers survey: health, happiness and wellbeing by wave and group",
  question = "Did care leavers supported by Local Area Coordinators report different health, happiness and "
    .. "wellbeing (SWEMWBS) from other care leavers, in December 2018 and in March 2020?",
  source = {
    reference = "RR1022",   -- the report (data/reports.csv)
    tables = { "Table 4", "Table 5", "Table 6" },
  },

  inputs = {
    responses = { dataset = "derby_survey_responses" },
  },

  design = {
    type = "survey",
    instruments = {
      swemwbs = "swemwbs",
      health = {
        id = "derby_health", title = "Derby survey: feelings about health and appearance (Table 5)",
        source = { citation = "Derby evaluation report, Table 5 (Ipsos MORI survey questions)" },
        responses = {
          happy7 = LIKERT7_HAPPY,
          support7 = { min = 1, max = 7, step = 1, label = "1 = completely to 7 = not at all" },
        },
        items = {
          { id = "happy_physical", text = "How happy or unhappy are you with your physical health?", responses = "happy7" },
          { id = "happy_emotional", text = "How happy or unhappy are you with your emotional / mental health?", responses = "happy7" },
          { id = "happy_appearance", text = "How happy or unhappy are you with your appearance (the way that you look)?", responses = "happy7" },
          { id = "health_support", text = "Do you feel able to access the right health support for you?", responses = "support7" },
        },
        scales = {
          { id = "physical", label = "Physical health (1 very happy - 7 very unhappy)", items = { "happy_physical" } },
          { id = "emotional", label = "Emotional / mental health (1-7, higher = less happy)", items = { "happy_emotional" } },
          { id = "appearance", label = "Appearance (1-7, higher = less happy)", items = { "happy_appearance" } },
          { id = "support", label = "Able to access health support (1 completely - 7 not at all)", items = { "health_support" } },
        },
      },
    },
    small_group = 10,
    headline = "table6.metric.wave_2_intervention.mean",
    -- the group sizes (5 to 32) are printed in the report's Tables 4 to 6
    small_counts = { threshold = 5, show = "the group sizes are published in Tables 4 to 6 of the report" },
    analyses = {
      { kind = "score", name = "table5", input = "responses", instrument = "health", id = "respondent",
        wave = "wave", group = "group", digits = 1, source = "Table 5",
        caption = "Feelings about health and appearance, mean scores (higher = less happy / less able)",
        compare = { by = "group", within = "wave", groups = { "Intervention", "Comparison" } } },
      { kind = "score", name = "table6", input = "responses", instrument = "swemwbs", id = "respondent",
        wave = "wave", group = "group", scales = { "metric" }, digits = 1, source = "Table 6",
        caption = "SWEMWBS converted (metric) score, complete cases",
        exclude = {
          { scale = "metric", wave = "Wave 2", group = "Intervention", rule = "lowest", n = 1,
            reason = "the report \"Excludes an outlier with a substantially lower score than others\" (Table 6 note); "
              .. "its rule is not stated, so the lowest score is left out" },
        },
        compare = { by = "group", within = "wave", groups = { "Intervention", "Comparison" } } },
      { kind = "reliability", name = "swemwbs_alpha", from = "table6", scales = { "raw" },
        caption = "Internal consistency of the seven SWEMWBS items (all respondents with every item)" },
      { kind = "proportions", name = "table4", source = "Table 4",
        caption = "Limitations lasting 12 months or more, 'a little' or 'a lot', intervention against comparison",
        comparisons = {
          { label = "Wave 1 physical", a = { label = "Intervention", x = { 1, 1 }, n = 13 }, b = { label = "Comparison", x = { 5, 2 }, n = 32 } },
          { label = "Wave 1 mental", a = { label = "Intervention", x = { 3, 3 }, n = 13 }, b = { label = "Comparison", x = { 8, 6 }, n = 32 } },
          { label = "Wave 1 learning", a = { label = "Intervention", x = { 2, 0 }, n = 13 }, b = { label = "Comparison", x = { 5, 2 }, n = 32 } },
          { label = "Wave 2 physical", a = { label = "Intervention", x = { 0, 2 }, n = 6 }, b = { label = "Comparison", x = { 1, 1 }, n = 10 } },
          { label = "Wave 2 mental", a = { label = "Intervention", x = { 3, 2 }, n = 6 }, b = { label = "Comparison", x = { 3, 2 }, n = 10 } },
          { label = "Wave 2 learning", a = { label = "Intervention", x = { 3, 1 }, n = 6 }, b = { label = "Comparison", x = { 4, 0 }, n = 10 } },
        } },
      { kind = "figures", name = "sizes", source = "section 4.2 and Table 6 notes",
        figures = {
          { label = "Wave 1 surveys", op = "sum", args = { 13, 32 } },
          { label = "Wave 2 surveys", op = "sum", args = { 6, 10 } },
          { label = "Wave 1 intervention scored", op = "difference", args = { 2, 13 }, note = "13 less the 2 with missing answers" },
          { label = "Wave 1 comparison scored", op = "difference", args = { 2, 32 }, note = "32 less the 2 with missing answers" },
        } },
    },
  },

  -- the figures as the report printed them, one a row: label, value, tolerance, estimate, source, note
  published = { { file = "published/derby_survey.csv" } },

  strength = {
    rated = { reference = "RR1012", row = 28 },   -- the Round 2 report's rating (Table 4): level, qualifiers, result
    result_label = "Mixed or limited evidence: small non-longitudinal survey waves",
    reason = "Two cross-sections of 5 to 30 respondents a group, intervention against comparison, with no baseline "
      .. "matching and an unstated outlier rule (Round 2 report, Table 4 row 28).",
  },

  limitations = {
    "The respondent-level answers are synthetic, made to reproduce Tables 5 and 6; agreement with them is by "
      .. "construction. Pass the real survey file with --data responses=PATH.",
    "The waves are not longitudinal (different young people), so 20.7 to 19.2 compares different groups, not change.",
    "The report's outlier rule is not stated; the recipe leaves out the lowest Wave 2 intervention score and reports "
      .. "the mean with and without it.",
    "Groups of 5 to 13 cannot support a comparison: the tests are shown to make that plain, not as findings.",
  },
}
