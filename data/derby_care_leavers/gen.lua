--- Synthetic SSDA903 extracts for recipes/derby_care_leavers_903.lua: care
-- leavers of a fictional authority for the collection years 2016-17,
-- 2017-18 and 2018-19, built so that the summaries in Tables 7 to 9 of the
-- Derby Local Area Coordination evaluation (Ipsos MORI, DfE RR1022, March
-- 2020, Appendix 5) come out of them.
--
--   ./csceval test data/derby_care_leavers/gen.lua OUTDIR
--
-- Why synthetic: the evaluation used "individual-level SSDA903 data provided
-- by Derby City Council", which are confidential.  These files reproduce the
-- published descriptives BY CONSTRUCTION: the agreement of the rerun with
-- Tables 7 to 9 is not a finding.  An analyst who holds the real extracts
-- passes them with --data returns=FOLDER (files YYYY-header.csv,
-- YYYY-episodes.csv, YYYY-oc3.csv; YYYY the collection year ending 31 March)
-- and --data groups=FILE (which young people were supported or declined).
--
-- What is real: the published counts of every cell, the mean years in care
-- (to the printed decimal), the DfE codes and field names.
-- What is made up: every young person.  Each is a care leaver whose 19th to
-- 21st birthday falls in the year, who left care at 18 after one period of
-- care (one episode) of a length chosen so that the group's mean years in
-- care is the printed one; attributes are dealt out to match each printed
-- count.  A young person appears in one year only (the report's columns
-- count person-years; how it linked people across years is not stated).
--
-- The report's own inconsistencies, decided here and reported by the recipe:
-- * Table 7, 2016/17: in touch 179 + not in touch 13 = 192, but the activity
--   rows (102 + 10 + 71) and accommodation rows (168 + 15) total 183 among
--   those in touch.  The data follow the activity and accommodation rows:
--   183 in touch and 9 not in touch, so the rerun differs from the printed
--   179 and 13 by 4.
-- * Garbled 2017/18 cells take the values the transcription notes derive:
--   Table 7 Other ethnicity 64, NEET 66; Table 8 Female 8, Unknown postcode 1;
--   Table 9 Other ethnicity 0, Not in touch 0.
-- * Table 9 2017/18 mean years in care is blank in the report; the data use
--   5.0 and the recipe publishes nothing for that cell.
local out = arg and arg[1] or "data/derby_care_leavers"
local splitmix = dofile((debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".") .. "/../lib/splitmix.lua")
local SEED = 20200301

-- The printed tables: per year, per group.  Field order follows the report.
-- n, male, female, white, other, mother, derby, out, unknown, in_touch,
-- not_in_touch, ft, pt, neet, neet_ill, neet_preg, neet_other, suitable,
-- unsuitable, years (mean years in care); status (Table 8 only).
local TABLES = {
  all = {
    [2017] = { n = 192, male = 103, female = 89, white = 137, other = 55, mother = 1, derby = 121, out = 58, unknown = 13,
      in_touch = 183, not_in_touch = 9, ft = 102, pt = 10, neet = 71, neet_ill = 17, neet_preg = 16, neet_other = 38,
      suitable = 168, unsuitable = 15, years = 6.1 },
    [2018] = { n = 210, male = 119, female = 91, white = 146, other = 64, mother = 3, derby = 141, out = 60, unknown = 9,
      in_touch = 199, not_in_touch = 11, ft = 105, pt = 28, neet = 66, neet_ill = 17, neet_preg = 13, neet_other = 36,
      suitable = 181, unsuitable = 18, years = 5.4 },
    [2019] = { n = 239, male = 141, female = 98, white = 169, other = 70, mother = 4, derby = 169, out = 50, unknown = 20,
      in_touch = 229, not_in_touch = 10, ft = 100, pt = 19, neet = 110, neet_ill = 30, neet_preg = 9, neet_other = 71,
      suitable = 204, unsuitable = 25, years = 5.0 },
  },
  supported = {
    [2017] = { n = 9, male = 2, female = 7, white = 7, other = 2, mother = 0, derby = 7, out = 1, unknown = 1,
      in_touch = 8, not_in_touch = 1, ft = 2, pt = 0, neet = 6, neet_ill = 3, neet_preg = 0, neet_other = 3,
      suitable = 8, unsuitable = 0, years = 6.4, status = { Active = 3, Inactive = 6, Pending = 0, Closed = 0 } },
    [2018] = { n = 10, male = 2, female = 8, white = 8, other = 2, mother = 0, derby = 9, out = 0, unknown = 1,
      in_touch = 10, not_in_touch = 0, ft = 1, pt = 4, neet = 5, neet_ill = 4, neet_preg = 1, neet_other = 0,
      suitable = 9, unsuitable = 1, years = 6.7, status = { Active = 3, Inactive = 6, Pending = 1, Closed = 0 } },
    [2019] = { n = 12, male = 4, female = 8, white = 10, other = 2, mother = 0, derby = 12, out = 0, unknown = 0,
      in_touch = 12, not_in_touch = 0, ft = 2, pt = 1, neet = 9, neet_ill = 4, neet_preg = 0, neet_other = 5,
      suitable = 12, unsuitable = 0, years = 7.0, status = { Active = 4, Inactive = 5, Pending = 1, Closed = 2 } },
  },
  declined = {
    [2017] = { n = 2, male = 0, female = 2, white = 2, other = 0, mother = 0, derby = 2, out = 0, unknown = 0,
      in_touch = 2, not_in_touch = 0, ft = 1, pt = 1, neet = 0, neet_ill = 0, neet_preg = 0, neet_other = 0,
      suitable = 2, unsuitable = 0, years = 5.5 },
    [2018] = { n = 3, male = 0, female = 3, white = 3, other = 0, mother = 1, derby = 3, out = 0, unknown = 0,
      in_touch = 3, not_in_touch = 0, ft = 2, pt = 0, neet = 1, neet_ill = 0, neet_preg = 1, neet_other = 0,
      suitable = 3, unsuitable = 0, years = 5.0 },
    [2019] = { n = 6, male = 2, female = 4, white = 6, other = 0, mother = 0, derby = 5, out = 0, unknown = 1,
      in_touch = 6, not_in_touch = 0, ft = 2, pt = 0, neet = 4, neet_ill = 1, neet_preg = 1, neet_other = 2,
      suitable = 5, unsuitable = 1, years = 5.0 },
  },
}

local KEYS = { "male", "female", "white", "other", "mother", "derby", "out", "unknown", "in_touch", "not_in_touch",
  "ft", "pt", "neet", "neet_ill", "neet_preg", "neet_other", "suitable", "unsuitable" }

-- ---- dates -------------------------------------------------------------
local function days(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end
local function civil(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d, m = doy - (153 * mp + 2) // 5 + 1, mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, d
end
local function fmt(z) local y, m, d = civil(z) return string.format("%02d/%02d/%04d", d, m, y) end

-- ---- dealing attributes ------------------------------------------------
local rng = splitmix.new(SEED)
local function shuffle(t)
  for i = #t, 2, -1 do local j = rng:int(i); t[i], t[j] = t[j], t[i] end
  return t
end
-- a list with `counts[k]` copies of each value k, in the order of `order`, shuffled
local function deal(order, counts)
  local l = {}
  for _, k in ipairs(order) do for _ = 1, counts[k] or 0 do l[#l + 1] = k end end
  return shuffle(l)
end

--- Days in care for n young people with mean `mean` years, spread from
-- about half to one and a half times the mean, summing to the day total
-- that gives that mean (so the mean is exact to the day).
local function durations(n, mean)
  local total = math.floor(mean * 365.25 * n + 0.5)
  local d, s = {}, 0
  for i = 1, n do d[i] = math.floor(mean * 365.25 * (0.5 + rng:unif())); s = s + d[i] end
  -- spread the difference evenly, then the remainder one day at a time
  local diff = total - s
  for i = 1, n do d[i] = d[i] + diff // n end
  for i = 1, diff % n do d[i] = d[i] + 1 end
  return d
end

local function people(year, group, t, prefix)
  local n = t.n
  local ps = {}
  for i = 1, n do ps[i] = { id = string.format("%s%d%03d", prefix, year % 100, i), group = group } end
  -- sex and motherhood (mothers are female)
  local sex = deal({ "1", "2" }, { ["1"] = t.male, ["2"] = t.female })
  for i, p in ipairs(ps) do p.sex = sex[i] end
  local mothers = t.mother
  for _, p in ipairs(ps) do if mothers > 0 and p.sex == "2" then p.mother = true; mothers = mothers - 1 end end
  local white_codes, other_codes = { "WBRI", "WIRI", "WOTH" }, { "MWBC", "ABAN", "BCRB", "BAFR", "AOTH", "MOTH" }
  local eth = deal({ "w", "o" }, { w = t.white, o = t.other })
  for i, p in ipairs(ps) do
    p.ethnic = eth[i] == "w" and white_codes[rng:int(#white_codes)] or other_codes[rng:int(#other_codes)]
  end
  local area = deal({ "derby", "out", "unknown" }, t)
  for i, p in ipairs(ps) do p.area = area[i] end
  -- in touch first, then activity and accommodation among those in touch
  local touch = deal({ "in", "not" }, { ["in"] = t.in_touch, ["not"] = t.not_in_touch })
  local acts = deal({ "F1", "P1", "G4", "G6", "G5" }, { F1 = t.ft, P1 = t.pt, G4 = t.neet_ill, G6 = t.neet_preg, G5 = t.neet_other })
  local accs = deal({ "S1", "S2" }, { S1 = t.suitable, S2 = t.unsuitable })
  local k = 0
  for i, p in ipairs(ps) do
    if touch[i] == "in" then
      k = k + 1
      p.in_touch, p.activ, p.accom = "YES", acts[k], accs[k]
    else
      p.in_touch, p.activ, p.accom = "NO", "0", "0"
    end
  end
  local d = durations(n, t.years)
  for i, p in ipairs(ps) do p.days = d[i] end
  if t.status then
    local st = deal({ "Active", "Inactive", "Pending", "Closed" }, t.status)
    for i, p in ipairs(ps) do p.status = st[i] end
  end
  return ps
end

-- the rest of the authority's care leavers: Table 7 minus the two groups
local function rest(year)
  local all, s, dcl = TABLES.all[year], TABLES.supported[year], TABLES.declined[year]
  local t = { n = all.n - s.n - dcl.n }
  for _, key in ipairs(KEYS) do
    t[key] = all[key] - s[key] - dcl[key]
    assert(t[key] >= 0, "the groups exceed Table 7 in " .. key)
  end
  -- the mean years in care of the rest, so that the whole has Table 7's
  t.years = (all.years * all.n - s.years * s.n - dcl.years * dcl.n) / t.n
  return t
end

local function write(path, header, rows)
  local f = assert(io.open(path, "wb"))
  f:write(table.concat(header, ","), "\n")
  for _, r in ipairs(rows) do
    local cells = {}
    for j, h in ipairs(header) do cells[j] = r[h] or "" end
    f:write(table.concat(cells, ","), "\n")
  end
  f:close()
  -- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
  require("csc.synthetic").write(path, { generator = "data/derby_care_leavers/gen.lua", seed = SEED })
end

local groups_rows = {}
for _, year in ipairs({ 2017, 2018, 2019 }) do
  local ps = {}
  for _, g in ipairs({ { "supported", "S" }, { "declined", "D" } }) do
    for _, p in ipairs(people(year, g[1], TABLES[g[1]][year], g[2])) do ps[#ps + 1] = p end
  end
  for _, p in ipairs(people(year, nil, rest(year), "R")) do ps[#ps + 1] = p end
  -- neutral identifiers, in an order that does not give the groups away
  shuffle(ps)
  for i, p in ipairs(ps) do p.id = string.format("%d%04d", year, i) end
  local header, episodes, oc3 = {}, {}, {}
  local stop = days(year, 3, 31)
  for _, p in ipairs(ps) do
    -- aged 19, 20 or 21 at 31 March: born between 1 April (year - 22) and 31 March (year - 19)
    local dob = days(year - 22, 4, 1) + rng:int(days(year - 19, 3, 31) - days(year - 22, 4, 1) + 1) - 1
    local by, bm, bd = civil(dob)
    local dec = (bm == 2 and bd == 29) and days(by + 18, 3, 1) or days(by + 18, bm, bd)   -- left care at 18
    local decom = dec - p.days
    assert(decom > dob, "a period of care longer than the young person's life")
    local mc_dob = p.mother and fmt(stop - 30 - rng:int(300)) or nil
    header[#header + 1] = { CHILD = p.id, SEX = p.sex, DOB = fmt(dob), ETHNIC = p.ethnic, UPN = "UN5",
      MOTHER = p.sex == "2" and (p.mother and "1" or "0") or nil, MC_DOB = mc_dob }
    local post = p.area == "derby" and string.format("DE%d %dAB", 1 + rng:int(23), rng:int(9))
      or p.area == "out" and string.format("NG%d %dAB", rng:int(20), rng:int(9)) or nil
    episodes[#episodes + 1] = { CHILD = p.id, DECOM = fmt(decom), RNE = "S", LS = "C2", CIN = "N1", PLACE = "U1",
      PLACE_PROVIDER = "PR1", DEC = fmt(dec), REC = "E8", HOME_POST = nil, PL_POST = post, URN = "SC999999" }
    oc3[#oc3 + 1] = { CHILD = p.id, DOB = fmt(dob), IN_TOUCH = p.in_touch, ACTIV = p.activ, ACCOM = p.accom }
    if p.group then
      groups_rows[#groups_rows + 1] = { year = tostring(year), CHILD = p.id, group = p.group, status = p.status }
    end
  end
  local function by_id(a, b) return a.CHILD < b.CHILD end
  table.sort(header, by_id); table.sort(episodes, by_id); table.sort(oc3, by_id)
  write(string.format("%s/%d-header.csv", out, year), { "CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB" }, header)
  write(string.format("%s/%d-episodes.csv", out, year), { "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER",
    "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN" }, episodes)
  write(string.format("%s/%d-oc3.csv", out, year), { "CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM" }, oc3)
end
write(out .. "/groups.csv", { "year", "CHILD", "group", "status" }, groups_rows)
print("wrote " .. out .. "/{2017,2018,2019}-{header,episodes,oc3}.csv and groups.csv (synthetic, seed " .. SEED .. ")")
