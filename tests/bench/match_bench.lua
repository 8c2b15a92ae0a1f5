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

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local sets = dofile(here .. "match_sets.lua")
local read_sets, same_sets, replay_v451 = sets.read_sets, sets.same_sets, sets.replay_v451

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
