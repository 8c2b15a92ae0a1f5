--- Strength of evidence on the Children's Social Care Innovation
-- Programme's scale (Round 2 final report, DfE RR1012, Table 3 and Table 4):
-- the levels, their qualifiers, the result classes, and the check that a
-- recipe's declared level is one its design can support.
--
-- A recipe declares
--   strength = { level = "stronger", qualifiers = {...}, result = "positive",
--                result_label = "Some positive impact", reason = "...",
--                basis = { comparator = true, significance = true } }
-- `basis` says what the analysis has; designs that know it (cits, did,
-- matching, ipw, its, benchmark, economic, synthesis) supply it themselves
-- and a recipe may not claim more; a custom design must state it.
-- @module csc.evidence
local M = {}

--- The scale, strongest first, as Table 3 of the Round 2 report words it:
-- data/evidence_levels.csv (key, short, label, and what a level requires
-- of the analysis: comparator, significance, outcomes).
local function read_levels(path)
  local util = require("csc.util")
  local errors = require("csc.errors")
  local text = require("host.sys").read(path)
  local rows = text and util.csv_rows(text)
  if not rows or not rows[1] then errors.raise("internal", path .. ": the scale of evidence levels was not found") end
  local header, out = rows[1], {}
  for r = 2, #rows do
    local l = {}
    for j, h in ipairs(header) do
      local v = rows[r][j]
      if h == "comparator" or h == "significance" or h == "outcomes" then
        if v ~= "true" and v ~= "false" then
          errors.raise("internal", string.format("%s:%d: %s must be true or false", path, r, h))
        end
        v = v == "true"
      end
      l[h] = v
    end
    out[#out + 1] = l
  end
  return out
end
M.levels = read_levels(require("csc.util").data_path("evidence_levels.csv"))
M.by_key = {}
for i, l in ipairs(M.levels) do l.rank = i; M.by_key[l.key] = l end
M.keys = {}
for i, l in ipairs(M.levels) do M.keys[i] = l.key end

--- Qualifiers Table 4 attaches to a level.
M.qualifiers = { "limited comparison", "no comparator", "limited outcomes evidence", "mixed" }

--- Result classes, as Table 3 counts them ("Of these, positive results").
M.results = { "positive", "mixed", "none", "not applicable" }

--- What each design type can support without the recipe saying more.
-- comparator: the analysis compares with a group or area without the
-- intervention; significance: it reports a test or confidence interval.
M.designs = {
  its = { comparator = false, significance = true, outcomes = true },
  cits = { comparator = true, significance = true, outcomes = true },
  did = { comparator = true, significance = true, outcomes = true },
  matching = { comparator = true, significance = true, outcomes = true },
  ipw = { comparator = true, significance = true, outcomes = true },
  benchmark = { comparator = true, significance = false, outcomes = true },
  survey = { comparator = true, significance = true, outcomes = true },     -- small-group comparisons and tests
  ssda903 = { comparator = true, significance = false, outcomes = true },   -- descriptive, by group
  economic = { comparator = false, significance = false, outcomes = false },
  synthesis = { comparator = false, significance = false, outcomes = false },
}

--- How the report's words rate an evaluation (Table 4's wording): the
-- first rule whose text occurs in the type of analysis gives the level, the
-- first whose text occurs in the result gives the result class.  The
-- synthesis design and published ratings (M.rating) use the same rules.
M.analysis_rules = {
  { match = "mixed (", level = nil },   -- two strands rated differently: needs an override
  { match = "stronger comparative", level = "stronger" },
  { match = "moderate comparative", level = "moderate" },
  { match = "compromised comparative", level = "compromised" },
  { match = "changes in outcomes", level = "changes" },
  { match = "n/a", level = "none" },
}

--- Result rules, in order (Table 3 counts "some positive changes, no
-- impact found" as not positive: "no impact found" comes first).
M.result_rules = {
  { match = "no impact found", class = "none" },
  { match = "no changes found", class = "none" },
  { match = "mixed", class = "mixed" },
  { match = "positive", class = "positive" },
}

--- The value under `key` of the first rule whose match occurs in text
-- (case-insensitive, plain), and that match; a blank or "N/A" cell is "n/a".
function M.rate(text, rules, key)
  local low = (text or ""):lower():gsub("^%s+", ""):gsub("%s+$", "")
  if low == "" or low == "na" then low = "n/a" end
  for _, r in ipairs(rules) do
    if low:find(r.match:lower(), 1, true) then return r[key], r.match end
  end
  return nil
end

--- The qualifiers the analysis words name, in M.qualifiers' order.
function M.qualifiers_of(text)
  local low = (text or ""):lower()
  local q = {}
  for _, k in ipairs(M.qualifiers) do
    if k == "mixed" then
      if low:match("^mixed") then q[#q + 1] = k end
    elseif low:find(k, 1, true) then q[#q + 1] = k end
  end
  return q
end

--- Published ratings: report reference -> the catalogue data set holding
-- its table of rated evaluations (one row an evaluation: row, project,
-- group, analysis, result, in the report's words).
M.rating_tables = { RR1012 = "innovation_programme_r2_table4" }

--- The published rating of row `row` of report `reference`'s table:
-- {project, analysis, result (words), level, qualifiers, result_class}, or
-- nil and why.
function M.rating(reference, row)
  local name = M.rating_tables[reference]
  if not name then
    local refs = {}
    for k in pairs(M.rating_tables) do refs[#refs + 1] = k end
    table.sort(refs)
    return nil, string.format("%s publishes no table of ratings csceval holds (%s do)", tostring(reference),
      table.concat(refs, ", "))
  end
  local util = require("csc.util")
  local ds = require("csc.sources").datasets()[name]
  local path = ds and ds.path and util.data_path((ds.path:gsub("^data/", "")))
  local text = path and require("host.sys").read(path)
  local rows = text and util.csv_rows(text)
  if not rows then return nil, string.format("the ratings table %s was not found", tostring(path)) end
  local col = {}
  for j, h in ipairs(rows[1]) do col[h] = j end
  for i = 2, #rows do
    if tonumber(rows[i][col.row]) == row then
      local r = rows[i]
      local analysis, result = r[col.analysis], r[col.result]
      local level = M.rate(analysis, M.analysis_rules, "level")
      if not level then return nil, string.format("row %d of %s (%q) is not rated by one level", row, name, analysis) end
      return { project = r[col.project], analysis = analysis, result = result, level = level,
        qualifiers = M.qualifiers_of(analysis),
        result_class = level == "none" and "not applicable" or M.rate(result, M.result_rules, "class") }
    end
  end
  return nil, string.format("%s has no row %s", name, tostring(row))
end

--- A recipe's strength that names a published rating,
--   strength = { rated = { reference = "RR1012", row = 28 }, result_label = ..., reason = ... },
-- takes its level, qualifiers and result from that row; a field the recipe
-- gives itself wins.  Anything else is left as written (the schema and
-- M.check say what is wrong).
function M.fill(s)
  if type(s) ~= "table" or type(s.rated) ~= "table" then return end
  local r = M.rating(s.rated.reference, s.rated.row)
  if not r then return end
  if s.level == nil then s.level = r.level end
  if s.qualifiers == nil and #r.qualifiers > 0 then s.qualifiers = r.qualifiers end
  if s.result == nil then s.result = r.result_class end
end

--- The highest level an analysis with basis b can claim.
function M.max_level(b)
  if not b.outcomes then return "none" end
  if not b.comparator then return "changes" end
  if not b.significance then return "moderate" end
  return "stronger"
end

--- Check a declaration against the design.  Returns nil when it is
-- supported, or a message and the sub-field to blame.
-- @tparam table s the recipe's strength table
-- @tparam string dtype the design type
function M.check(s, dtype)
  local lv = M.by_key[s.level]
  if not lv then return nil end   -- the schema reports an unknown level
  local known = M.designs[dtype]
  local b = known
  if not b then
    if type(s.basis) ~= "table" then
      return string.format("a %s design must say what its analysis has: basis = {comparator = true|false, "
        .. "significance = true|false}", dtype), "basis"
    end
    b = { comparator = s.basis.comparator == true, significance = s.basis.significance == true,
          outcomes = s.basis.outcomes ~= false }
  elseif type(s.basis) == "table" then
    for _, k in ipairs({ "comparator", "significance", "outcomes" }) do
      if s.basis[k] == true and not known[k] then
        return string.format("basis.%s = true, but a %s design has no %s", k, dtype,
          ({ comparator = "comparison group or area", significance = "significance test",
             outcomes = "outcome analysis" })[k]), "basis." .. k
      end
    end
    b = { comparator = s.basis.comparator ~= false and known.comparator, significance = s.basis.significance ~= false
          and known.significance, outcomes = s.basis.outcomes ~= false and known.outcomes }
  end
  local why
  if lv.outcomes and not b.outcomes then why = "it analyses no outcome"
  elseif lv.comparator and not b.comparator then why = "it has no comparison group or area"
  elseif lv.significance and not b.significance then why = "it reports no measure of statistical significance" end
  if why then
    return string.format("%q cannot be claimed for a design of type %q: %s. The most it supports is %q (%s)", s.level, dtype, why,
      M.max_level(b), M.by_key[M.max_level(b)].label), "level"
  end
  if s.level == "none" and s.result and s.result ~= "not applicable" then
    return string.format("result %q needs an outcome analysis; with level \"none\" the result is \"not applicable\"",
      s.result), "result"
  end
  return nil
end

--- One line for reports and the index: "Moderate (limited comparison); result: positive".
function M.summary(s)
  if type(s) ~= "table" or not M.by_key[s.level] then return nil end
  local t = M.by_key[s.level].short
  if s.qualifiers and #s.qualifiers > 0 then t = t .. " (" .. table.concat(s.qualifiers, ", ") .. ")" end
  if s.result_label then t = t .. "; result: " .. s.result_label
  elseif s.result then t = t .. "; result: " .. s.result end
  return t
end

--- Paragraph for the report.
function M.paragraph(s)
  local lv = M.by_key[s.level]
  local t = string.format("**Strength of evidence (Innovation Programme scale).** %s.", lv.label)
  if s.qualifiers and #s.qualifiers > 0 then t = t .. " Qualified: " .. table.concat(s.qualifiers, ", ") .. "." end
  if s.result_label or s.result then t = t .. " Result: " .. (s.result_label or s.result) .. "." end
  if s.reason then t = t .. " " .. s.reason end
  return t
end

return M
