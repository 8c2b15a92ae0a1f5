-- Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS): seven positively
-- worded statements about the last two weeks, each scored 1 (none of the
-- time) to 5 (all of the time).  The raw sum (7-35) is transformed to the
-- Rasch metric score with the published conversion table; Warwick's
-- guidance: "The SWEMWBS is scored by first summing the score for each of
-- the seven items and then transforming the total score for each person
-- according to a conversion table."  No item is reverse scored.
-- Missing items: no score (complete case), as the Derby evaluation scored
-- it; a recipe may choose a prorating rule instead (docs/surveys.md).
return {
  id = "swemwbs",
  title = "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
  version = "7-item scale with the Rasch raw-to-metric conversion",
  source = {
    citation = "Stewart-Brown, S., Tennant, A., Tennant, R., Platt, S., Parkinson, J. and Weich, S. (2009) "
      .. "Internal construct validity of the Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch analysis "
      .. "using data from the Scottish Health Education Population Survey. Health and Quality of Life Outcomes 7:15",
    url = "https://warwick.ac.uk/fac/sci/med/research/platform/wemwbs/using/howto",
    licence = "WEMWBS and SWEMWBS are free to use but licensed: register with Warwick Medical School before use",
    note = "Conversion table as published by Warwick Medical School (SWEMWBS raw score to metric score); "
      .. "checked value by value against the transcription in the Derby evaluation notes and two independent "
      .. "published reproductions (tests/lua/test_survey.lua)",
  },
  instructions = "Below are some statements about feelings and thoughts. Please tick the box that best describes "
    .. "your experience of each over the last 2 weeks",
  default_responses = "frequency5",
  responses = {
    frequency5 = { options = {
      { score = 1, label = "None of the time" },
      { score = 2, label = "Rarely" },
      { score = 3, label = "Some of the time" },
      { score = 4, label = "Often" },
      { score = 5, label = "All of the time" },
    } },
  },
  items = {
    { id = "optimistic", text = "I've been feeling optimistic about the future" },
    { id = "useful", text = "I've been feeling useful" },
    { id = "relaxed", text = "I've been feeling relaxed" },
    { id = "problems", text = "I've been dealing with problems well" },
    { id = "clearly", text = "I've been thinking clearly" },
    { id = "close", text = "I've been feeling close to other people" },
    { id = "mind", text = "I've been able to make up my own mind about things" },
  },
  scales = {
    { id = "raw", label = "SWEMWBS raw score (7-35)", items = "all", method = "sum", missing = "complete" },
    { id = "metric", label = "SWEMWBS metric (converted) score", items = "all", method = "sum", missing = "complete",
      convert = "metric" },
  },
  conversions = {
    metric = {
      description = "SWEMWBS raw score (sum of the 7 items) to metric score (Rasch transformation)",
      table = {
        [7] = 7.00, [8] = 9.51, [9] = 11.25, [10] = 12.40, [11] = 13.33, [12] = 14.08, [13] = 14.75,
        [14] = 15.32, [15] = 15.84, [16] = 16.36, [17] = 16.88, [18] = 17.43, [19] = 17.98, [20] = 18.59,
        [21] = 19.25, [22] = 19.98, [23] = 20.73, [24] = 21.54, [25] = 22.35, [26] = 23.21, [27] = 24.11,
        [28] = 25.03, [29] = 26.02, [30] = 27.03, [31] = 28.13, [32] = 29.31, [33] = 30.70, [34] = 32.55,
        [35] = 35.00,
      },
    },
  },
}
