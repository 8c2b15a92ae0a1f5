-- Matched-set helpers shared by tests/bench/match_bench.lua and
-- tests/bench/scale_bench.lua (loaded with dofile): read a pairs CSV
-- (treated,slot,control), compare two sets of matched sets, replay
-- MatchIt 4.5.1's 1:1 score rule, and check that a k:1 Mahalanobis match
-- matrix is MatchIt 4.5.1's greedy rounds up to exact ties.
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

-- MatchIt 4.5.1's nearest-neighbour Mahalanobis matching without
-- replacement (nn_matchC with mah_covs, m.order "data"): in round r = 1..k
-- each treated unit, in row order, takes the control nearest to it among
-- those not yet taken; the covariates are standardised by their SD over
-- all rows and the metric is the inverse of their pooled within-group
-- covariance (divisor n - 2).  MatchIt takes the first minimum of its
-- floating-point distances, so among controls at exactly the same distance
-- (on data with a few decimals, controls mirrored about the treated unit)
-- its choice depends on the last bit of its transformed coordinates, and
-- csceval's on the last bit of its own.  greedy_check replays the rounds
-- of a match matrix (sets[t][slot] = control, slot = round) and counts the
-- steps whose control is not the nearest still available: a distance more
-- than 1e-9 relative above the smallest (rounding in either tool is below
-- 1e-15 relative; two different distances on a 0.001 grid are much further
-- apart).  Returns violations, steps, tied steps (steps whose control had
-- an equally near rival) and a description of the first violation.
-- X: array of covariate columns (Lua arrays), treat: 0/1 column.
local function greedy_check(sets, X, treat, k)
  local n, p = #treat, #X
  local tr, ctl = {}, {}
  for i = 1, n do
    if treat[i] == 1 then tr[#tr + 1] = i else ctl[#ctl + 1] = i end
  end
  -- SDs over all rows; pooled within-group covariance of the standardised values
  local sd, mean = {}, {}
  for a = 1, p do
    local x, m = X[a], 0
    for i = 1, n do m = m + x[i] end
    m = m / n
    local ss = 0
    for i = 1, n do ss = ss + (x[i] - m) ^ 2 end
    mean[a], sd[a] = m, math.sqrt(ss / (n - 1))
  end
  local gm, cnt = { [0] = {}, [1] = {} }, { [0] = 0, [1] = 0 }
  for i = 1, n do cnt[treat[i]] = cnt[treat[i]] + 1 end
  for g = 0, 1 do
    for a = 1, p do
      local s = 0
      for i = 1, n do if treat[i] == g then s = s + X[a][i] / sd[a] end end
      gm[g][a] = s / cnt[g]
    end
  end
  local S = {}
  for a = 1, p do
    S[a] = {}
    for b = 1, p do
      local s = 0
      for i = 1, n do
        local g = treat[i]
        s = s + (X[a][i] / sd[a] - gm[g][a]) * (X[b][i] / sd[b] - gm[g][b])
      end
      S[a][b] = s / (n - 2)
    end
  end
  -- M = D S^-1 D (D = diag(1/sd)) by Gauss-Jordan: d2(u) = u' M u for raw differences u
  local A = {}
  for a = 1, p do
    A[a] = {}
    for b = 1, 2 * p do A[a][b] = b <= p and S[a][b] or (b - p == a and 1 or 0) end
  end
  for c = 1, p do
    local piv = A[c][c]
    for b = 1, 2 * p do A[c][b] = A[c][b] / piv end
    for a = 1, p do
      if a ~= c then
        local f = A[a][c]
        for b = 1, 2 * p do A[a][b] = A[a][b] - f * A[c][b] end
      end
    end
  end
  local M = {}
  for a = 1, p do
    M[a] = {}
    for b = 1, p do M[a][b] = A[a][p + b] / (sd[a] * sd[b]) end
  end
  local x1 = X[1]
  local function d2(t, c)
    local s = 0
    for a = 1, p do
      local ua = X[a][c] - X[a][t]
      for b = 1, p do s = s + ua * M[a][b] * (X[b][c] - X[b][t]) end
    end
    return s
  end
  -- controls sorted by the first covariate: u'Mu <= r bounds |u_1| by
  -- sqrt(r (M^-1)_11) = sqrt(r S_11) sd_1
  table.sort(ctl, function(a, b) if x1[a] ~= x1[b] then return x1[a] < x1[b] end return a < b end)
  local taken = {}
  local bad, steps, tied, first = 0, 0, 0, nil
  local TOL = 1e-9
  for r = 1, k do
    for _, t in ipairs(tr) do
      local c = sets[t] and sets[t][r]
      local dc = c and d2(t, c) or math.huge
      local ok = c == nil or (treat[c] == 0 and not taken[c])
      local h = dc == math.huge and math.huge or math.sqrt(dc * (1 + TOL) * S[1][1]) * sd[1] * (1 + 1e-12) + 1e-12
      local lo, hi = 1, #ctl + 1          -- first control with x1 >= x1[t] - h
      while lo < hi do
        local mid = (lo + hi) // 2
        if x1[ctl[mid]] < x1[t] - h then lo = mid + 1 else hi = mid end
      end
      local rival = false
      for q = lo, #ctl do
        local j = ctl[q]
        if x1[j] > x1[t] + h then break end
        if not taken[j] and j ~= c then
          local dj = d2(t, j)
          if dj < dc * (1 - TOL) then ok = false; break end
          if dj <= dc * (1 + TOL) then rival = true end
        end
      end
      if c ~= nil then steps = steps + 1; taken[c] = true end
      if rival and ok then tied = tied + 1 end
      if not ok then
        bad = bad + 1
        first = first or string.format("round %d, treated row %d: control %s is not the nearest available",
          r, t, tostring(c))
      end
    end
  end
  return bad, steps, tied, first
end

return { read_sets = read_sets, same_sets = same_sets, replay_v451 = replay_v451,
         greedy_check = greedy_check }
