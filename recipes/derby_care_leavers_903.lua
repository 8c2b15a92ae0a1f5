-- Derby Local Area Coordination for care leavers: the SSDA903 summaries
-- (Appendix 5, Tables 7 to 9) for all care leavers, those supported by
-- Coordinators and those who declined, 2016/17 to 2018/19.
-- The authority's extracts are confidential: this recipe runs on synthetic
-- extracts made by data/derby_care_leavers/gen.lua to reproduce the printed
-- tables, so agreement is BY CONSTRUCTION and not a finding.  The real
-- extracts go in with --data returns=FOLDER --data groups=FILE.

-- The printed cells, in the order of the report's rows: 2016/17, 2017/18, 2018/19.
-- nil = blank in the report.  Garbled 2017/18 cells hold the values the
-- transcription notes derive (Table 7: other 64, NEET 66; Table 8: female 8,
-- unknown postcode 1; Table 9: other 0, not in touch 0).
local printed = {
  all = { table = "Table 7",
    n = { 192, 210, 239 }, male = { 103, 119, 141 }, female = { 89, 91, 98 }, white = { 137, 146, 169 },
    other = { 55, 64, 70 }, mother = { 1, 3, 4 }, area = { 121, 141, 169 }, out = { 58, 60, 50 }, unknown = { 13, 9, 20 },
    in_touch = { 179, 199, 229 }, not_in_touch = { 13, 11, 10 }, ft = { 102, 105, 100 }, pt = { 10, 28, 19 },
    neet = { 71, 66, 110 }, neet_ill = { 17, 17, 30 }, neet_preg = { 16, 13, 9 }, neet_other = { 38, 36, 71 },
    suitable = { 168, 181, 204 }, unsuitable = { 15, 18, 25 }, years_in_care = { 6.1, 5.4, 5.0 } },
  supported = { table = "Table 8",
    status_Active = { 3, 3, 4 }, status_Inactive = { 6, 6, 5 }, status_Pending = { 0, 1, 1 }, status_Closed = { 0, 0, 2 },
    n = { 9, 10, 12 }, male = { 2, 2, 4 }, female = { 7, 8, 8 }, white = { 7, 8, 10 }, other = { 2, 2, 2 },
    mother = { 0, 0, 0 }, area = { 7, 9, 12 }, out = { 1, 0, 0 }, unknown = { 1, 1, 0 }, in_touch = { 8, 10, 12 },
    not_in_touch = { 1, 0, 0 }, ft = { 2, 1, 2 }, pt = { 0, 4, 1 }, neet = { 6, 5, 9 }, neet_ill = { 3, 4, 4 },
    neet_preg = { 0, 1, 0 }, neet_other = { 3, 0, 5 }, suitable = { 8, 9, 12 }, unsuitable = { 0, 1, 0 },
    years_in_care = { 6.4, 6.7, 7 } },
  declined = { table = "Table 9",
    n = { 2, 3, 6 }, male = { 0, 0, 2 }, female = { 2, 3, 4 }, white = { 2, 3, 6 }, other = { 0, 0, 0 },
    mother = { 0, 1, 0 }, area = { 2, 3, 5 }, out = { 0, 0, 0 }, unknown = { 0, 0, 1 }, in_touch = { 2, 3, 6 },
    not_in_touch = { 0, 0, 0 }, ft = { 1, 2, 2 }, pt = { 1, 0, 0 }, neet = { 0, 1, 4 }, neet_ill = { 0, 0, 1 },
    neet_preg = { 0, 1, 1 }, neet_other = { 0, 0, 2 }, suitable = { 2, 3, 5 }, unsuitable = { 0, 0, 1 },
    years_in_care = { 5.5, nil, 5.0 } },
}
local order = { "status_Active", "status_Inactive", "status_Pending", "status_Closed", "n", "male", "female", "white",
  "other", "mother", "area", "out", "unknown", "in_touch", "not_in_touch", "ft", "pt", "neet", "neet_ill", "neet_preg",
  "neet_other", "suitable", "unsuitable", "years_in_care" }
-- The one cell the data cannot match: Table 7 2016/17 in touch (179) and
-- not in touch (13) against activity and accommodation rows that total 183.
local notes = {
  ["all.in_touch.2017"] = "the report's own inconsistency: the activity and accommodation rows total 183, so the data have 183 in touch",
  ["all.not_in_touch.2017"] = "the report's own inconsistency: 192 - 183 = 9 not in touch in the data",
}
local published = {}
for _, g in ipairs({ "all", "supported", "declined" }) do
  for _, key in ipairs(order) do
    local cells = printed[g][key]
    if cells then
      for i, year in ipairs({ 2017, 2018, 2019 }) do
        local v = cells[i]
        if v ~= nil then
          local label = string.format("%s.%s.%d", g, key, year)
          published[#published + 1] = { label = string.format("%s, %s, %d/%02d", printed[g].table, key:gsub("_", " "),
            year - 1, year % 100), source = printed[g].table, estimate = label, value = v,
            tolerance = key == "years_in_care" and 0.05 or 0, note = notes[label] }
        end
      end
    end
  end
end

return {
  title = "Derby care leavers in the SSDA903 returns, 2016/17 to 2018/19: all, supported by Coordinators, declined (Tables 7 to 9, synthetic data)",
  question = "Who were Derby's care leavers, and those the Local Area Coordinators supported or who declined support, "
    .. "by gender, ethnicity, motherhood, postcode, contact, activity, accommodation and time in care?",
  source = {
    report = "Evaluation of the Derby Local Area Coordination Approach, evaluation report (Ipsos MORI, March 2020)",
    authors = "Claudia Mollidor, Raynette Bierman, Charlotte Goujon, Leonardo Zanobetti, Ellis Akhurst",
    publisher = "Department for Education",
    reference = "RR1022",
    year = 2020,
    file = "../shared/seeds/004_44b4eb76ffe3c1d9.txt",
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
    groups = {
      path = "data/derby_care_leavers/groups.csv",
      synthetic = true,
      generator = "data/derby_care_leavers/gen.lua",
      real_data = "the council's list of young people introduced to Coordinators, linked to the returns",
      description = "which young people in each year's return were supported by a Coordinator or declined, with relationship status",
      record_level = true,
    },
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

  published = published,

  data_note = "The SSDA903 extracts are synthetic: data/derby_care_leavers/gen.lua deals out the printed counts to "
    .. "fictional young people, so every count agrees with Tables 7 to 9 by construction. The rerun checks the "
    .. "reader, the validation and the definitions on data of the report's shape; it is not evidence about Derby.",

  strength = {
    level = "changes", qualifiers = { "limited comparison", "limited outcomes evidence" }, result = "mixed",
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
