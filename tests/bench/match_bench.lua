-- csceval's side of tests/bench/match.sh, run through the real binary and
-- the public Lua API (csc.match):
--   csceval test tests/bench/match_bench.lua maha|ps FILE RUNS OUT.csv
--     prints the best wall time in seconds of match.nearest (the propensity
--     score's glm fit included for ps; loading the file is not timed) and
--     writes the matched sets (treated,slot,control; 1-based rows) to OUT.csv
--   csceval test tests/bench/match_bench.lua check maha|ps FILE OURS.csv MATCHIT.csv
--     compares the two sets of matched sets and prints one line; for ps,
--     when they differ, it also replays MatchIt 4.5.1-4.5.3's score code on
--     csceval's scores (see docs/methods/matching.md: that code truncates
--     score differences to integers, MatchIt issue #163, so for scores in
--     (0, 1) it always takes the nearest control below the treated unit's
--     score) and reports whether MatchIt's output is exactly that.
local frame = require("host.frame")
local match = require("csc.match")
local sys = require("host.sys")

local COVS = { "x1", "x2", "x3", "x4", "x5", "b1" }

local function nearest(d, what)
  if what == "maha" then
    return match.nearest{ data = d, treat = "t", covariates = COVS, ratio = 10 }
  end
  return match.nearest{ data = d, treat = "t", distance = "logit", covariates = COVS }
end

local function write_pairs(m, path)
  local t, s, c = m.pairs:column("treated_row"), m.pairs:column("slot"), m.pairs:column("control_row")
  local idx = {}
  for i = 1, #t do idx[i] = i end
  table.sort(idx, function(a, b) if t[a] ~= t[b] then return t[a] < t[b] end return s[a] < s[b] end)
  local out = { "treated,slot,control" }
  for k, i in ipairs(idx) do out[k + 1] = string.format("%d,%d,%d", t[i], s[i], c[i]) end
  local fh = assert(io.open(path, "w"))
  fh:write(table.concat(out, "\n"), "\n")
  fh:close()
end

-- treated row -> "slot:control,..." from a pairs CSV.
local function read_sets(path)
  local sets, n = {}, 0
  local fh = assert(io.open(path))
  fh:read("l")
  for line in fh:lines() do
    local t, s, c = line:match("^(%d+),(%d+),(%d+)")
    if t then
      t = tonumber(t)
      sets[t] = sets[t] or {}
      sets[t][tonumber(s)] = tonumber(c)
      n = n + 1
    end
  end
  fh:close()
  return sets, n
end

local function same_sets(a, b)
  local diff, total = 0, 0
  for t, row in pairs(a) do
    total = total + 1
    local o = b[t]
    local same = o ~= nil
    if same then
      for s, c in pairs(row) do if o[s] ~= c then same = false end end
      for s in pairs(o) do if row[s] == nil then same = false end end
    end
    if not same then diff = diff + 1 end
  end
  for t in pairs(b) do if a[t] == nil then diff = diff + 1; total = total + 1 end end
  return diff, total
end

-- MatchIt 4.5.1's nn_matchC_vec for 1:1 without caliper, order "largest",
-- on scores in (0, 1): every |difference| truncates to 0, so each treated
-- unit takes the nearest live control to its left in score order (stable
-- by row), else to its right.
local function replay_v451(score, treat)
  local n = #score
  local idx = {}
  for i = 1, n do idx[i] = i end
  table.sort(idx, function(a, b) if score[a] ~= score[b] then return score[a] < score[b] end return a < b end)
  local pos, left, right = {}, {}, {}
  for p, i in ipairs(idx) do pos[i] = p end
  for p = 0, n + 1 do
    local live = p >= 1 and p <= n and treat[idx[p]] == 0
    left[p] = live and p or p - 1
    right[p] = live and p or p + 1
  end
  left[0], right[n + 1] = 0, n + 1
  local function find(t, p)
    while t[p] ~= p do t[p] = t[t[p]]; p = t[p] end
    return p
  end
  local tr = {}
  for i = 1, n do if treat[i] == 1 then tr[#tr + 1] = i end end
  table.sort(tr, function(a, b) if score[a] ~= score[b] then return score[a] > score[b] end return a < b end)
  local sets = {}
  for _, t in ipairs(tr) do
    local k = find(left, pos[t] - 1)
    if k == 0 then k = find(right, pos[t] + 1) end
    if k >= 1 and k <= n then
      sets[t] = { [1] = idx[k] }
      left[k], right[k] = k - 1, k + 1
    end
  end
  return sets
end

local what = arg[1]
if what == "check" then
  local kind, path, ours, theirs = arg[2], arg[3], arg[4], arg[5]
  local a, na = read_sets(ours)
  local b, nb = read_sets(theirs)
  local diff, total = same_sets(a, b)
  if diff == 0 then
    print(string.format("identical matched sets: %d treated units, %d pairs", total, na))
    return 0
  end
  if kind ~= "ps" then
    print(string.format("DIFFERENT matched sets: %d of %d treated units differ (%d and %d pairs)", diff, total, na, nb))
    return 1
  end
  local d = assert(frame.read_csv(path))
  local m = nearest(d, "ps")
  local rd, rt = same_sets(replay_v451(m.data:column("distance"), d:column("t")), b)
  if rd == 0 then
    print(string.format("MatchIt's %d pairs are exactly its 4.5.1 score rule (abs() bug, MatchIt issue #163) "
      .. "replayed on csceval's scores; csceval's nearest controls differ for %d of %d treated units",
      nb, diff, total))
    return 0
  end
  print(string.format("DIFFERENT matched sets: %d of %d treated units differ; the 4.5.1 replay differs for %d",
    diff, total, rd))
  return 1
end

local path, runs, out = arg[2], tonumber(arg[3]) or 3, arg[4]
local d = assert(frame.read_csv(path))
local best, m = math.huge, nil
for _ = 1, runs do
  m = nil
  collectgarbage()
  local t0 = sys.clock()
  m = nearest(d, what)
  local t = sys.clock() - t0
  if t < best then best = t end
end
if out then write_pairs(m, out) end
print(string.format("%.4f", best))
return 0
