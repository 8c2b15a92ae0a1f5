--- Synthetic survey responses for recipes/derby_survey.lua: care leavers in
-- Derby's Local Area Coordination evaluation, two waves (December 2018 and
-- March 2020), intervention and comparison groups.
--
--   ./csceval test data/derby_survey/gen.lua OUT.csv
--
-- Why synthetic: the Ipsos MORI survey microdata are confidential; the
-- report prints only Tables 4 to 6.  An analyst with the real file passes it
-- with --data responses=PATH (same columns: one row per respondent).
--
-- What is real: the group sizes (13/32 and 6/10), the questions and their
-- 1-7 scales (1 = very happy, 7 = very unhappy; for support, 1 = completely,
-- 7 = not at all), the SWEMWBS items and its conversion table, the Table 4
-- counts, and the report's rules: two respondents per Wave 1 group cannot
-- be scored for missing answers, and one Wave 2 intervention respondent is
-- "an outlier with a substantially lower score than others".
--
-- What is made up: every answer.  Table 5 items get whole-number answers
-- whose sum is the published mean times n (so the mean rounds to the
-- published one); SWEMWBS raw totals are drawn around the published mean
-- and nudged one point at a time until the mean converted score rounds to
-- the published one; each total is split into seven items of 1 to 5.
-- Agreement with Tables 4 to 6 is therefore by construction, not a finding.
local out_path = ...
out_path = out_path or "data/derby_survey/responses.csv"
local here = debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or "."
local splitmix = dofile(here .. "/../lib/splitmix.lua")
local SEED = 20181201
local rng = splitmix.new(SEED)

local SW = { [7] = 7.00, [8] = 9.51, [9] = 11.25, [10] = 12.40, [11] = 13.33, [12] = 14.08, [13] = 14.75,
  [14] = 15.32, [15] = 15.84, [16] = 16.36, [17] = 16.88, [18] = 17.43, [19] = 17.98, [20] = 18.59,
  [21] = 19.25, [22] = 19.98, [23] = 20.73, [24] = 21.54, [25] = 22.35, [26] = 23.21, [27] = 24.11,
  [28] = 25.03, [29] = 26.02, [30] = 27.03, [31] = 28.13, [32] = 29.31, [33] = 30.70, [34] = 32.55, [35] = 35.00 }

local CELLS = {
  { wave = "Wave 1", group = "Intervention", n = 13, t5 = { 4.0, 4.8, 4.6, 2.8 }, sw = 20.7, incomplete = 2,
    t4 = { { 1, 1 }, { 3, 3 }, { 2, 0 } } },
  { wave = "Wave 1", group = "Comparison", n = 32, t5 = { 2.8, 3.1, 3.0, 2.6 }, sw = 22.6, incomplete = 2,
    t4 = { { 5, 2 }, { 8, 6 }, { 5, 2 } } },
  { wave = "Wave 2", group = "Intervention", n = 6, t5 = { 2.8, 5.3, 3.3, 2.3 }, sw = 19.2, outlier = true,
    t4 = { { 0, 2 }, { 3, 2 }, { 3, 1 } } },
  { wave = "Wave 2", group = "Comparison", n = 10, t5 = { 2.6, 2.8, 2.1, 1.8 }, sw = 23.9,
    t4 = { { 1, 1 }, { 3, 2 }, { 4, 0 } } },
}
local T5 = { "happy_physical", "happy_emotional", "happy_appearance", "health_support" }
local T4 = { "limit_physical", "limit_mental", "limit_learning" }
local SWI = { "optimistic", "useful", "relaxed", "problems", "clearly", "close", "mind" }

local function round1(x) return math.floor(x * 10 + 0.5) / 10 end
local function shuffle(t) for i = #t, 2, -1 do local j = rng:int(i); t[i], t[j] = t[j], t[i] end return t end

-- n whole numbers in lo..hi summing to s, spread around s/n
local function spread(n, s, lo, hi)
  local v = {}
  for i = 1, n do v[i] = math.max(lo, math.min(hi, math.floor(s / n + (rng:unif() - 0.5) * 4 + 0.5))) end
  local cur = 0
  for i = 1, n do cur = cur + v[i] end
  while cur ~= s do
    local i = rng:int(n)
    if cur < s and v[i] < hi then v[i] = v[i] + 1; cur = cur + 1
    elseif cur > s and v[i] > lo then v[i] = v[i] - 1; cur = cur - 1 end
  end
  return v
end

local function mean_conv(raws)
  local s = 0
  for _, r in ipairs(raws) do s = s + SW[r] end
  return s / #raws
end

-- raw totals whose mean converted score rounds to target
local function raws_for(n, target)
  local raws = {}
  for i = 1, n do raws[i] = math.max(10, math.min(33, 22 + math.floor((rng:unif() - 0.5) * 10 + 0.5))) end
  for _ = 1, 10000 do
    local m = mean_conv(raws)
    if round1(m) == target and math.abs(m - target) < 0.04 then return raws end
    local i = rng:int(n)
    if m < target and raws[i] < 33 then raws[i] = raws[i] + 1 elseif m > target and raws[i] > 10 then raws[i] = raws[i] - 1 end
  end
  error("no raw totals found for " .. target)
end

local function split7(raw)
  local it = {}
  for j = 1, 7 do it[j] = 1 end
  local left = raw - 7
  while left > 0 do
    local j = rng:int(7)
    if it[j] < 5 then it[j] = it[j] + 1; left = left - 1 end
  end
  return it
end

local lines = { "respondent,wave,group," .. table.concat(T4, ",") .. "," .. table.concat(T5, ",") .. "," .. table.concat(SWI, ",") }
local id = 0
for _, c in ipairs(CELLS) do
  local t5 = {}
  for k, m in ipairs(c.t5) do t5[k] = shuffle(spread(c.n, math.floor(m * c.n + 0.5), 1, 7)) end
  local t4 = {}
  for k, counts in ipairs(c.t4) do
    local col = {}
    for _ = 1, counts[1] do col[#col + 1] = "A little" end
    for _ = 1, counts[2] do col[#col + 1] = "A lot" end
    while #col < c.n do col[#col + 1] = rng:bern(0.1) and "Don't know" or "No" end
    t4[k] = shuffle(col)
  end
  local nscored = c.n - (c.incomplete or 0) - (c.outlier and 1 or 0)
  local raws = raws_for(nscored, c.sw)
  local items = {}
  for i, r in ipairs(raws) do items[i] = split7(r) end
  if c.outlier then
    local lowest = math.huge
    for _, r in ipairs(raws) do lowest = math.min(lowest, r) end
    items[#items + 1] = split7(math.max(7, lowest - 9))   -- substantially lower than every other
  end
  for _ = 1, c.incomplete or 0 do
    local it = split7(20 + rng:int(6))
    local gaps = 1 + rng:int(2)
    for _ = 1, gaps do it[rng:int(7)] = "" end
    items[#items + 1] = it
  end
  shuffle(items)
  for i = 1, c.n do
    id = id + 1
    local row = { string.format("R%03d", id), c.wave, c.group }
    for k = 1, 3 do row[#row + 1] = t4[k][i] end
    for k = 1, 4 do row[#row + 1] = tostring(t5[k][i]) end
    for j = 1, 7 do row[#row + 1] = tostring(items[i][j]) end
    lines[#lines + 1] = table.concat(row, ",")
  end
end
local fh = assert(io.open(out_path, "wb"))
fh:write(table.concat(lines, "\n"), "\n")
fh:close()
-- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
require("csc.synthetic").write(out_path, { generator = "data/derby_survey/gen.lua", seed = SEED })
io.stderr:write(string.format("wrote %s: %d respondents\n", out_path, id))
return 0
