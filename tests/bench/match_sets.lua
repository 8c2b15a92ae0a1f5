-- Matched-set helpers shared by tests/bench/match_bench.lua and
-- tests/bench/scale_bench.lua (loaded with dofile): read a pairs CSV
-- (treated,slot,control), compare two sets of matched sets, and replay
-- MatchIt 4.5.1's 1:1 score rule.
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

return { read_sets = read_sets, same_sets = same_sets, replay_v451 = replay_v451 }
