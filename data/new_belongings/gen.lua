--- Synthetic baseline self-assessments for recipes/new_belongings.lua: the
-- 19 local authorities (LAs) that returned the Leaving Care Services
-- Self-Assessment Framework at baseline, with their 98 item answers (1-4)
-- and 10 self-scores out of 10.
--
--   ./csceval test data/new_belongings/gen.lua OUT.csv
--
-- Why synthetic: the LAs' returns were confidential to the evaluation; the
-- report (DfE RR616, 2016) prints only summaries.  An analyst with the real
-- returns passes them with --data baseline=PATH (same columns: la, the item
-- ids i1a ... i10g, self1 ... self10; blank = not answered).
--
-- What is real: the 19 LA codes; the instrument (data/instruments/
-- new_belongings.lua); and every summary the report prints, which the data
-- are built to reproduce:
--   * Table 5: each area's self-score mean (areas 8 and 9 over 16 and 15
--     LAs, the only whole-number splits that give 7.31 and 6.73);
--   * Table 9: the baseline self-score totals of its 10 LAs;
--   * "LA 10 was ranked fourth highest on their self-scores but tenth place
--     on their cumulative score ... LA 6 ... eighth ... thirteenth";
--   * Tables 6 and 7: the 20 item means, with the n implied by them (17, 18
--     or 19 answers), every other item's mean strictly between them, so the
--     top and bottom ten are the published ones;
--   * footnote 8: the order of the 19 LAs by overall score, 9 of them Good
--     (294 or more) and 10 Ok;
--   * footnote 7: alpha about 0.6 for area 1 and 0.7 or more for the rest.
-- What is made up: every individual answer.  Agreement with these tables is
-- therefore by construction, not a finding.
--
-- Method: self-scores fill a table with the required row and column sums
-- (unit moves between cells keep every sum on its way to the targets);
-- items give each LA a latent level in the footnote-8 order and each item
-- answers that rise with it plus noise (more noise in area 1), with each
-- item's sum fixed; swaps of two LAs' answers to one unpublished item (which
-- keep every item sum) then put the totals in the published order and
-- bands.  The generator checks every target and fails if one is missed.
package.path = "lua/?.lua;" .. package.path
local out_path = ...
out_path = out_path or "data/new_belongings/baseline.csv"
local here = debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or "."
local splitmix = dofile(here .. "/../lib/splitmix.lua")
local instrument = require("csc.survey.instrument")
local score = require("csc.survey.score")
local reliability = require("csc.survey.reliability")

local inst = instrument.load("new_belongings")

-- footnote 8: LAs by overall (cumulative) score, highest first
local ORDER = { 16, 20, 25, 15, 7, 17, 12, 13, 26, 10, 1, 3, 6, 27, 4, 14, 18, 11, 19 }
local NGOOD = 9

-- ===== self-scores =====
-- Row targets: sums of the scores present.  Table 9 LAs are complete; the
-- seven missing self-scores (3 in area 8, 4 in area 9) are in LAs 12, 1, 14
-- and 11, whose totals are prorated (x 10 / answered) for ranking.
local ROW = { [16] = 82, [18] = 58, [15] = 76, [10] = 77, [3] = 70, [4] = 65, [13] = 69, [26] = 71, [27] = 54, [19] = 58,
  [20] = 95, [25] = 90, [7] = 75, [17] = 74, [6] = 73, [12] = 57, [1] = 60, [14] = 46, [11] = 42 }
local MISSING = { [8] = { 12, 14, 11 }, [9] = { 1, 14, 11, 12 } }
-- Table 5: area -> sum of the self-scores present (mean x n)
local COL = { 135, 130, 139, 138, 119, 134, 141, 117, 101, 138 }

local function self_scores(rng)
  local M, miss = {}, {}
  for _, la in ipairs(ORDER) do M[la] = {}; miss[la] = {} end
  for _, a in ipairs({ 8, 9 }) do for _, la in ipairs(MISSING[a]) do miss[la][a] = true end end
  for _, la in ipairs(ORDER) do
    local present = 0
    for a = 1, 10 do if not miss[la][a] then present = present + 1 end end
    for a = 1, 10 do if not miss[la][a] then M[la][a] = math.max(0, math.min(10, math.floor(ROW[la] / present + 0.5))) end end
  end
  local function rowsum(la) local s = 0; for a = 1, 10 do s = s + (M[la][a] or 0) end; return s end
  local function colsum(a) local s = 0; for _, la in ipairs(ORDER) do s = s + (M[la][a] or 0) end; return s end
  for _ = 1, 200000 do
    local rneed, cneed = {}, {}
    local done = true
    for _, la in ipairs(ORDER) do rneed[la] = ROW[la] - rowsum(la); if rneed[la] ~= 0 then done = false end end
    for a = 1, 10 do cneed[a] = COL[a] - colsum(a); if cneed[a] ~= 0 then done = false end end
    if done then return M end
    local la = ORDER[rng:int(#ORDER)]
    local a = rng:int(10)
    if M[la][a] then
      if rneed[la] > 0 and cneed[a] > 0 and M[la][a] < 10 then M[la][a] = M[la][a] + 1
      elseif rneed[la] < 0 and cneed[a] < 0 and M[la][a] > 0 then M[la][a] = M[la][a] - 1
      elseif cneed[a] == 0 and rneed[la] ~= 0 then
        -- move a point within column a between this LA and another whose row needs the opposite
        local la2 = ORDER[rng:int(#ORDER)]
        if M[la2][a] and rneed[la2] * rneed[la] < 0 then
          local d = rneed[la] > 0 and 1 or -1
          if M[la][a] + d >= 0 and M[la][a] + d <= 10 and M[la2][a] - d >= 0 and M[la2][a] - d <= 10 then
            M[la][a] = M[la][a] + d; M[la2][a] = M[la2][a] - d
          end
        end
      elseif rneed[la] == 0 and cneed[a] ~= 0 then
        -- move a point within this LA's row between column a and another column needing the opposite
        local b = rng:int(10)
        if M[la][b] and cneed[b] * cneed[a] < 0 then
          local d = cneed[a] > 0 and 1 or -1
          if M[la][a] + d >= 0 and M[la][a] + d <= 10 and M[la][b] - d >= 0 and M[la][b] - d <= 10 then
            M[la][a] = M[la][a] + d; M[la][b] = M[la][b] - d
          end
        end
      end
    end
  end
  error("self-scores: no table with the required sums found")
end

-- ===== items =====
-- published item sums and n (Tables 6 and 7)
local PUB = {
  i8b = { 73, 19 }, i7d = { 71, 19 }, i1a = { 70, 19 }, i7a = { 69, 19 }, i8a = { 69, 19 }, i8e = { 69, 19 },
  i6e = { 65, 18 }, i8c = { 68, 19 }, i8d = { 68, 19 }, i8i = { 68, 19 },
  i6d = { 45, 18 }, i9f = { 47, 19 }, i5g = { 44, 18 }, i3c = { 46, 19 }, i8j = { 46, 19 }, i5j = { 41, 17 },
  i5i = { 44, 19 }, i2f = { 43, 19 }, i9d = { 40, 19 }, i6l = { 33, 19 },
}

local function items(rng)
  local nla = #ORDER
  local theta = {}
  for r, la in ipairs(ORDER) do theta[la] = 1.2 - 2.4 * (r - 1) / (nla - 1) end
  local X = {}
  for _, la in ipairs(ORDER) do X[la] = {} end
  -- who leaves the four published items with n < 19 blank
  local blanks = {}
  local pubids = {}
  for id in pairs(PUB) do pubids[#pubids + 1] = id end
  table.sort(pubids)   -- a fixed order: pairs() order differs between Lua states
  for _, id in ipairs(pubids) do
    local p = PUB[id]
    if p[2] < 19 then
      local pool = { 3, 4, 14, 18, 27, 1, 6 }
      local who = {}
      while #who < 19 - p[2] do
        local la = pool[rng:int(#pool)]
        local dup = false
        for _, w in ipairs(who) do if w == la then dup = true end end
        if not dup then who[#who + 1] = la end
      end
      blanks[id] = {}
      for _, la in ipairs(who) do blanks[id][la] = true end
    end
  end
  for _, it in ipairs(inst.items) do
    if it.area then
      local p = PUB[it.id]
      local n = p and p[2] or 19
      local sum = p and p[1] or (52 + rng:int(12))   -- means 2.79 to 3.37
      local noise = it.area == "a1" and 1.5 or 0.75
      local who = {}
      for _, la in ipairs(ORDER) do
        if not (blanks[it.id] and blanks[it.id][la]) then
          who[#who + 1] = { la = la, z = theta[la] + noise * (rng:unif() + rng:unif() + rng:unif() - 1.5) * 2 }
        end
      end
      table.sort(who, function(a, b) return a.z > b.z end)
      -- values around the item mean, rising with z, then the sum made exact
      local mean = sum / n
      local vals = {}
      for k, w in ipairs(who) do
        local v = math.floor(mean + 0.9 * (1 - 2 * (k - 1) / (n - 1)) + 0.5)
        vals[k] = math.max(1, math.min(4, v))
      end
      local s = 0
      for _, v in ipairs(vals) do s = s + v end
      while s ~= sum do
        local k = rng:int(n)
        if s < sum and vals[k] < 4 then vals[k] = vals[k] + 1; s = s + 1
        elseif s > sum and vals[k] > 1 then vals[k] = vals[k] - 1; s = s - 1 end
      end
      table.sort(vals, function(a, b) return a > b end)
      for k, w in ipairs(who) do X[w.la][it.id] = vals[k] end
    end
  end
  return X
end

local function totals(X)
  local t = {}
  for _, la in ipairs(ORDER) do
    local resp = {}
    for k, v in pairs(X[la]) do resp[k] = v end
    local s = score.all(inst, { resp })[1]
    t[la] = s.scales.total
  end
  return t
end

-- swap two LAs' answers to unpublished items until the totals are in the
-- published order with the published band split
local function repair(X, rng)
  local free = {}
  for _, it in ipairs(inst.items) do if it.area and not PUB[it.id] and it.area ~= "a1" then free[#free + 1] = it.id end end
  for _ = 1, 20000 do
    local t = totals(X)
    local bad
    for r = 1, #ORDER - 1 do
      if t[ORDER[r]] <= t[ORDER[r + 1]] + 0.5 then bad = r; break end
    end
    if not bad then
      if t[ORDER[NGOOD]] < 294 then bad = -1 elseif t[ORDER[NGOOD + 1]] >= 294 then bad = -2 end
    end
    if not bad then return true end
    local hi, lo   -- hi should gain, lo should lose
    if bad > 0 then hi, lo = ORDER[bad], ORDER[bad + 1 + rng:int(#ORDER - bad) - 1]
    elseif bad == -1 then hi, lo = ORDER[NGOOD], ORDER[#ORDER - rng:int(5) + 1]
    else hi, lo = ORDER[1 + rng:int(3) - 1], ORDER[NGOOD + 1] end
    local id = free[rng:int(#free)]
    if X[hi][id] and X[lo][id] and X[hi][id] < X[lo][id] then X[hi][id], X[lo][id] = X[lo][id], X[hi][id] end
  end
  return false
end

local function alphas(X)
  local rows = {}
  for i, la in ipairs(ORDER) do rows[i] = X[la] end
  local out = {}
  for a = 1, 10 do
    local sc = inst.scale_index["area" .. a]
    local r = reliability.alpha(rows, sc.item_ids)
    out[a] = r.raw_alpha or -1
  end
  return out
end

local rng, S, X, SEED
for seed = 2016001, 2016400 do
  SEED = seed
  rng = splitmix.new(seed)
  local ok
  ok, S = pcall(self_scores, rng)
  if ok then
    X = items(rng)
    if repair(X, rng) then
      local al = alphas(X)
      local good = al[1] >= 0.55 and al[1] < 0.65
      for a = 2, 10 do if al[a] < 0.7 then good = false end end
      if good then break end
    end
  end
  X = nil
end
if not X then error("new_belongings generator: no seed met every published target") end

-- ===== write =====
local cols = { "la" }
for _, it in ipairs(inst.items) do cols[#cols + 1] = it.id end
local lines = { table.concat(cols, ",") }
local sorted = {}
for _, la in ipairs(ORDER) do sorted[#sorted + 1] = la end
table.sort(sorted)
for _, la in ipairs(sorted) do
  local row = { tostring(la) }
  for _, it in ipairs(inst.items) do
    local v
    if it.area then v = X[la][it.id] else v = S[la][tonumber(it.id:match("%d+"))] end
    row[#row + 1] = v and tostring(v) or ""
  end
  lines[#lines + 1] = table.concat(row, ",")
end
local fh = assert(io.open(out_path, "wb"))
fh:write(table.concat(lines, "\n"), "\n")
fh:close()
-- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
require("csc.synthetic").write(out_path, { generator = "data/new_belongings/gen.lua", seed = SEED })
io.stderr:write(string.format("wrote %s: %d LAs\n", out_path, #sorted))
return 0
