-- Derby Local Area Coordination for care leavers: the SSDA903 summaries
-- (Appendix 5, Tables 7 to 9) for all care leavers, those supported by
-- Coordinators and those who declined, 2016/17 to 2018/19.
-- The authority's extracts are confidential: this recipe runs on synthetic
-- extracts made by data/derby_care_leavers/gen.lua to reproduce the printed
-- tables, so agreement is BY CONSTRUCTION and not a finding.  The real
-- extracts go in with --data returns=FOLDER --data groups=FILE.

return {
  title = "Derby care leavers in the SSDA903 returns, 2016/17 to 2018/19: all, supported by Coordinators, declined (Tables 7 to 9, synthetic data)",
  question = "Who were Derby's care leavers, and those the Local Area Coordinators supported or who declined support, "
    .. "by gender, ethnicity, motherhood, postcode, contact, activity, accommodation and time in care?",
  source = {
    reference = "RR1022",   -- the report (data/reports.csv)
    tables = { "Table 7", "Table 8", "Table 9" },
  },

  inputs = {
    returns = {
      format = "ssda903",
      path = "data/derby_care_leavers",
      years = { 2017, 2018, 2019 },
      prefix = "{year}-",
      -- the synthetic extracts hold each young person in one year only, so the
      -- rules comparing a year with the one before do not apply to them
      last_year_rules = false,
      synthetic = true,
      generator = "data/derby_care_leavers/gen.lua",
      real_data = "Derby City Council's SSDA903 extracts for 2016/17 to 2018/19 (header, episodes, OC3), held by the council",
      description = "SSDA903 returns (header, episodes, OC3) for three collection years, synthetic",
    },
    groups = { dataset = "derby_care_leavers_groups" },
  },

  design = {
    type = "ssda903",
    input = "returns",
    cohort = "care_leavers",
    all_label = "all care leavers (Table 7)",
    groups = {
      input = "groups", order = { "supported", "declined" },
      labels = { supported = "care leavers supported by Coordinators (Table 8)", declined = "care leavers who declined support (Table 9)" },
      status_column = "status", status_order = { "Active", "Inactive", "Pending", "Closed" },
    },
    area = { name = "Derby", postcodes = "^DE%d" },
  },

  disclosure = {
    allow_small = "the report's Tables 8 and 9 print counts of 0 to 12 young people and this rerun sets each beside "
      .. "its printed value; the records are synthetic, so no child can be identified",
  },

  -- Tables 7 to 9 as printed, one cell a row (a blank cell of the report has no row).  Garbled 2017/18
  -- cells hold the values the transcription notes derive (Table 7: other 64, NEET 66; Table 8: female 8,
  -- unknown postcode 1; Table 9: other 0, not in touch 0).
  published = { { file = "published/derby_care_leavers_903.csv" } },

  data_note = "The SSDA903 extracts are synthetic: data/derby_care_leavers/gen.lua deals out the printed counts to "
    .. "fictional young people, so every count agrees with Tables 7 to 9 by construction. The rerun checks the "
    .. "reader, the validation and the definitions on data of the report's shape; it is not evidence about Derby.",

  strength = {
    rated = { reference = "RR1012", row = 28 },   -- the Round 2 report's rating (Table 4): level, qualifiers, result
    result_label = "Mixed or limited evidence: supported and declined care leavers described side by side",
    reason = "Profiles of care leavers who took up Coordinators' support and those who declined, with no adjustment "
      .. "for who chose support and no test of significance (Round 2 report, Table 4 row 28).",
  },

  limitations = {
    "Agreement is by construction: the data were made from the printed tables.",
    "Table 7, 2016/17: the report prints 179 in touch and 13 not in touch, while its activity and accommodation rows "
      .. "(which exclude those not in touch) total 183. The data follow the activity and accommodation rows, so the "
      .. "rerun shows 183 and 9 against the printed 179 and 13: a difference of 4 that is the report's, not the rerun's.",
    "Garbled 2017/18 cells are compared with the values the transcription derives from the other cells "
      .. "(Table 7 other ethnicity 64 and NEET 66; Table 8 female 8 and unknown postcode 1; Table 9 other ethnicity 0 "
      .. "and not in touch 0). Table 9's 2017/18 mean years in care is blank in the report and is not compared.",
    "The report does not say how it found the supported and declined young people in the returns, nor the age range "
      .. "of Table 7; a young person appears in one year only in the synthetic data, while the report's columns count "
      .. "person-years (15 supported and 6 declined young people over the three years).",
    "Postcode is taken from the latest placement (PL_POST): the SSDA903 holds no address for a young person after care.",
  },
}
