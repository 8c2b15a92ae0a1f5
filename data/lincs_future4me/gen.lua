--- Synthetic event-level records for recipes/lincs_future4me.lua: the young
-- people supported by Future4Me (Lincolnshire's Partners in Practice
-- programme) and a historical comparison group who would have been
-- eligible before it existed, with their dates of birth, Future4Me start
-- dates and every recorded offence (date and type).
--
--   ./csceval test data/lincs_future4me/gen.lua [OUTDIR] [--seed N]
--
-- writes OUTDIR/people.csv and OUTDIR/offences.csv (OUTDIR defaults to
-- data/lincs_future4me).
--
-- Why synthetic: the evaluation (Ecorys, DfE RR1029, March 2020, Table 1)
-- analysed a "bespoke Future4Me dataset" built from Lincolnshire's Youth
-- Offending Service and Children's Services records, which are
-- confidential.  The analyst who holds it runs the recipe with
-- --data people=PATH --data offences=PATH.
--
-- What is published, and matched by construction:
--   * 236 young people supported and 280 comparators;
--   * the treated young people started Future4Me on average 47 days after
--     their first recorded offence (the mean gap here rounds to 47), and
--     the comparators' pseudo start date is their first offence + 47 days;
--   * Table 1 before weighting: average age at the (pseudo) start 15.93 and
--     15.22, and average offences before it, all 1.99 and 1.38, violent 1.17
--     and 0.59, drugs 0.19 and 0.07: the group totals are fixed so that each
--     mean rounds to the printed figure;
--   * Table 1 after weighting: inverse probability weights for the average
--     effect (ATE: 1/p and 1/(1 - p)) from a logistic model of Future4Me on
--     age and the three offence counts give weighted means 15.56 and 15.49,
--     1.69 and 1.66, 0.87 and 0.90, 0.13 and 0.10, and "Sample" 195 and 154,
--     read as Kish effective sample sizes (the report's treated group also
--     changes after weighting, which weights of 1 for the treated could not
--     do);
--   * reoffending (any offence within 365 days after the start): weighted
--     30% against 41%, a difference the recipe's test finds significant.
-- The after-weighting figures depend on the whole data through the fitted
-- model, so they are reached by a seeded local search (simulated
-- annealing): starting from plausible draws, one or two young people of a
-- group change at a time - an age up for one and down for another, an
-- offence moved from one to another, an offence's type swapped between two -
-- keeping each group's totals on the printed means, while the weighted
-- means and effective sizes move towards the published ones.  Who
-- reoffended is drawn from a risk that rises with prior offending, then
-- reoffenders and non-reoffenders are swapped in pairs until the weighted
-- rates are within 0.1 point of 30% and 41%; the significance of the
-- difference is not tuned.  The generator checks the result with the
-- recipe's own functions (csc.cohort.pseudo_start, age, event_counts, ipw,
-- balance, effect) and fails if a published figure is not reproduced.
--
-- What is made up: everything else: dates (comparators' first offences in
-- April 2014 to March 2016, before the programme; Future4Me's from July 2017
-- to October 2018, with starts by February 2019 so that a year of follow-up
-- is in records to February 2020), the gaps between first offence and start,
-- the order and types of offences, later offending outside the year.  The
-- same seed gives the same bytes.

local SEED = 20190301
local OUTDIR = "data/lincs_future4me"
local ARGS = { ... }
do
  local i = 1
  while ARGS[i] do
    if ARGS[i] == "--seed" then SEED = assert(math.tointeger(tonumber(ARGS[i + 1])), "--seed N"); i = i + 1
    else OUTDIR = ARGS[i] end
    i = i + 1
  end
end

local function say(...) io.stderr:write(string.format(...), "\n") end
require("host.sys").mkdirs(OUTDIR)

-- ===== random numbers: splitmix64 (data/lib/splitmix.lua) =====

local splitmix = dofile((debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".") .. "/../lib/splitmix.lua")
local Rng = splitmix.Rng
local rng = splitmix.new
function Rng:pick(weights)             -- index by weight
  local s = 0
  for _, w in ipairs(weights) do s = s + w end
  local u = self:unif() * s
  for i, w in ipairs(weights) do u = u - w; if u <= 0 then return i end end
  return #weights
end
function Rng:shuffle(t)
  for i = #t, 2, -1 do local j = self:int(i); t[i], t[j] = t[j], t[i] end
  return t
end
function Rng:poisson(lambda)
  local L, k, p = math.exp(-lambda), 0, 1
  repeat k = k + 1; p = p * self:unif() until p <= L
  return k - 1
end

local R = rng(SEED)

-- ===== the published figures (Table 1) =====

local N = { [1] = 236, [0] = 280 }
-- Group totals before weighting: each set holds the totals whose mean rounds
-- to the printed figure (avoiding exact halves).
local TOTALS = {
  [1] = { age = { 3759, 3760 }, all = { 469, 470 }, violent = { 275, 277 }, drugs = { 44, 45 } },
  [0] = { age = { 4261, 4262 }, all = { 386, 387 }, violent = { 164, 166 }, drugs = { 19, 20 } },
}
local AFTER = {
  [1] = { age = 15.56, all = 1.69, violent = 0.87, drugs = 0.13, ess = 195 },
  [0] = { age = 15.49, all = 1.66, violent = 0.90, drugs = 0.10, ess = 154 },
}
local REOFFEND = { [1] = 0.30, [0] = 0.41 }
local OFFSET = 47                 -- days from first offence to the (pseudo) start
local FOLLOW_UP = 365             -- reoffending: an offence 1 to 365 days after the start

-- ===== young people =====
-- p.group (1 Future4Me, 0 comparator), p.age (completed years at the start),
-- p.n = {other, violent, drugs}: offences before the start.

local people = {}
local AGE_W = {
  [1] = { [12] = 0.01, [13] = 0.03, [14] = 0.08, [15] = 0.2, [16] = 0.31, [17] = 0.30, [18] = 0.07 },
  [0] = { [11] = 0.02, [12] = 0.04, [13] = 0.08, [14] = 0.15, [15] = 0.22, [16] = 0.24, [17] = 0.25 },
}
local EXTRA = { [1] = 0.99, [0] = 0.38 }                -- offences besides the first
local TYPE_W = { [1] = { 0.31, 0.59, 0.10 }, [0] = { 0.52, 0.43, 0.05 } }   -- other, violent, drugs
for _, g in ipairs({ 1, 0 }) do
  local ages, aw = {}, {}
  for a = 11, 18 do if AGE_W[g][a] then ages[#ages + 1] = a; aw[#aw + 1] = AGE_W[g][a] end end
  for _ = 1, N[g] do
    local p = { group = g, age = ages[R:pick(aw)], n = { 0, 0, 0 } }
    local k = 1 + R:poisson(EXTRA[g])
    -- drug offences among comparators mostly in the younger ones
    local tw = TYPE_W[g]
    if g == 0 then tw = p.age <= 14 and { 0.55, 0.30, 0.15 } or { 0.52, 0.46, 0.02 } end
    for _ = 1, k do local t = R:pick(tw); p.n[t] = p.n[t] + 1 end
    people[#people + 1] = p
  end
end

local function all_of(p) return p.n[1] + p.n[2] + p.n[3] end
local function group_total(g, what)
  local s = 0
  for _, p in ipairs(people) do
    if p.group == g then
      if what == "age" then s = s + p.age elseif what == "all" then s = s + all_of(p)
      elseif what == "violent" then s = s + p.n[2] else s = s + p.n[3] end
    end
  end
  return s
end
local function in_set(v, set) return v >= set[1] and v <= set[2] end
local function members(g)
  local out = {}
  for _, p in ipairs(people) do if p.group == g then out[#out + 1] = p end end
  return out
end

-- Bring each group's totals into their sets, one change at a time.
for _, g in ipairs({ 1, 0 }) do
  local list = members(g)
  local agew = AGE_W[g]
  for _ = 1, 100000 do
    local done = true
    local t = group_total(g, "age")
    if not in_set(t, TOTALS[g].age) then
      done = false
      local p = list[R:int(#list)]
      local d = t < TOTALS[g].age[1] and 1 or -1
      if agew[p.age + d] then p.age = p.age + d end
    end
    for k, what in ipairs({ "other", "violent", "drugs" }) do
      local key = what == "other" and "all" or what
      t = group_total(g, key)
      local set = TOTALS[g][key]
      if what == "other" then
        -- the total of all offences, moved through "other" offences
        if not in_set(t, set) then
          done = false
          local p = list[R:int(#list)]
          if t < set[1] then p.n[1] = p.n[1] + 1 elseif p.n[1] > 0 and all_of(p) > 1 then p.n[1] = p.n[1] - 1 end
        end
      elseif not in_set(t, set) then
        done = false
        local p = list[R:int(#list)]
        if t < set[1] and p.n[1] > 0 then p.n[1] = p.n[1] - 1; p.n[k] = p.n[k] + 1
        elseif t > set[2] and p.n[k] > 0 then p.n[k] = p.n[k] - 1; p.n[1] = p.n[1] + 1 end
      end
    end
    if done then break end
  end
  for _, key in ipairs({ "age", "all", "violent", "drugs" }) do
    assert(in_set(group_total(g, key), TOTALS[g][key]), "group totals: " .. key)
  end
end

-- ===== the propensity model and the weights, as csc.match.ipw computes them =====

local function solve(A, b, k)       -- Gaussian elimination with partial pivoting
  local M = {}
  for i = 1, k do M[i] = {} for j = 1, k do M[i][j] = A[i][j] end M[i][k + 1] = b[i] end
  for c = 1, k do
    local piv = c
    for r = c + 1, k do if math.abs(M[r][c]) > math.abs(M[piv][c]) then piv = r end end
    M[c], M[piv] = M[piv], M[c]
    for r = c + 1, k do
      local f = M[r][c] / M[c][c]
      for j = c, k + 1 do M[r][j] = M[r][j] - f * M[c][j] end
    end
  end
  local x = {}
  for i = k, 1, -1 do
    local s = M[i][k + 1]
    for j = i + 1, k do s = s - M[i][j] * x[j] end
    x[i] = s / M[i][i]
  end
  return x
end

local K = 5
local beta = { 0, 0, 0, 0, 0 }
-- Newton-Raphson for the logistic model of Future4Me on age and the three
-- offence counts (warm-started from the last fit), then ATE weights.
local function fit(tol)
  local n = #people
  for _ = 1, 50 do
    local h11, h12, h13, h14, h15, h22, h23, h24, h25, h33, h34, h35, h44, h45, h55 =
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    local g1, g2, g3, g4, g5 = 0, 0, 0, 0, 0
    local b1, b2, b3, b4, b5 = beta[1], beta[2], beta[3], beta[4], beta[5]
    for i = 1, n do
      local p = people[i]
      local x2, x4, x5 = p.age, p.n[2], p.n[3]
      local x3 = p.n[1] + x4 + x5
      local pr = 1 / (1 + math.exp(-(b1 + b2 * x2 + b3 * x3 + b4 * x4 + b5 * x5)))
      local w, r = pr * (1 - pr), p.group - pr
      g1 = g1 + r; g2 = g2 + r * x2; g3 = g3 + r * x3; g4 = g4 + r * x4; g5 = g5 + r * x5
      h11 = h11 + w; h12 = h12 + w * x2; h13 = h13 + w * x3; h14 = h14 + w * x4; h15 = h15 + w * x5
      h22 = h22 + w * x2 * x2; h23 = h23 + w * x2 * x3; h24 = h24 + w * x2 * x4; h25 = h25 + w * x2 * x5
      h33 = h33 + w * x3 * x3; h34 = h34 + w * x3 * x4; h35 = h35 + w * x3 * x5
      h44 = h44 + w * x4 * x4; h45 = h45 + w * x4 * x5; h55 = h55 + w * x5 * x5
    end
    local H = { { h11, h12, h13, h14, h15 }, { h12, h22, h23, h24, h25 }, { h13, h23, h33, h34, h35 },
                { h14, h24, h34, h44, h45 }, { h15, h25, h35, h45, h55 } }
    local d = solve(H, { g1, g2, g3, g4, g5 }, K)
    local step = 0
    for a = 1, K do beta[a] = beta[a] + d[a]; step = math.max(step, math.abs(d[a])) end
    if step < (tol or 1e-12) then break end
  end
  for i = 1, n do
    local p = people[i]
    local x4, x5 = p.n[2], p.n[3]
    local eta = beta[1] + beta[2] * p.age + beta[3] * (p.n[1] + x4 + x5) + beta[4] * x4 + beta[5] * x5
    p.ps = 1 / (1 + math.exp(-eta))
    p.w = p.group == 1 and 1 / p.ps or 1 / (1 - p.ps)
  end
end

-- Weighted means and Kish effective sizes by group.
local function summary()
  local s = { [1] = {}, [0] = {} }
  for _, g in ipairs({ 1, 0 }) do
    s[g] = { sw = 0, sw2 = 0, age = 0, all = 0, violent = 0, drugs = 0 }
  end
  for _, p in ipairs(people) do
    local t = s[p.group]
    t.sw = t.sw + p.w; t.sw2 = t.sw2 + p.w * p.w
    t.age = t.age + p.w * p.age; t.all = t.all + p.w * all_of(p)
    t.violent = t.violent + p.w * p.n[2]; t.drugs = t.drugs + p.w * p.n[3]
  end
  for _, g in ipairs({ 1, 0 }) do
    local t = s[g]
    for _, k in ipairs({ "age", "all", "violent", "drugs" }) do t[k] = t[k] / t.sw end
    t.ess = t.sw * t.sw / t.sw2
  end
  return s
end

local KEYS = { "age", "all", "violent", "drugs" }
local function objective(s)
  local j = 0
  for _, g in ipairs({ 1, 0 }) do
    for _, k in ipairs(KEYS) do j = j + ((s[g][k] - AFTER[g][k]) / 0.002) ^ 2 end
    j = j + ((s[g].ess - AFTER[g].ess) / 0.3) ^ 2
  end
  return j
end
local function reached(s)
  for _, g in ipairs({ 1, 0 }) do
    for _, k in ipairs(KEYS) do if math.abs(s[g][k] - AFTER[g][k]) > 0.003 then return false end end
    if math.abs(s[g].ess - AFTER[g].ess) > 0.3 then return false end
  end
  return true
end

-- A change to one or two young people of the same group that keeps the
-- group's totals in their sets: an age up for one and down for another; an
-- offence of one type moved from one to another; an offence's type changed
-- for one and changed back for another; or a single change when the totals
-- allow it.  Returns an undo function, or nil.
local AGE_RANGE = { [1] = { 12, 18 }, [0] = { 11, 18 } }
local by_group = { [1] = {}, [0] = {} }
for _, p in ipairs(people) do table.insert(by_group[p.group], p) end

local function snapshot(list)
  local saved = {}
  for i, p in ipairs(list) do saved[i] = { p, p.age, p.n[1], p.n[2], p.n[3] } end
  return function() for _, s in ipairs(saved) do s[1].age, s[1].n[1], s[1].n[2], s[1].n[3] = s[2], s[3], s[4], s[5] end end
end

local function valid(p)
  local r = AGE_RANGE[p.group]
  return p.age >= r[1] and p.age <= r[2] and p.n[1] >= 0 and p.n[2] >= 0 and p.n[3] >= 0 and all_of(p) >= 1
end

local function propose()
  local g = R:bern(0.5) and 1 or 0
  local list = by_group[g]
  local a, b = list[R:int(#list)], list[R:int(#list)]
  if a == b then return nil end
  local undo = snapshot({ a, b })
  local u = R:int(5)
  if u == 5 then
    -- a targeted swap: a drug offence of a young person whose weight is
    -- extreme for the group becomes violent, and a violent offence of one
    -- whose weight is not becomes a drug offence (weights move the drug means most)
    local best_a, best_b
    for _ = 1, 30 do
      local c = list[R:int(#list)]
      if c.n[3] > 0 and (not best_a or (g == 0 and c.w > best_a.w) or (g == 1 and c.w < best_a.w)) then best_a = c end
      c = list[R:int(#list)]
      if c.n[2] > 0 and (not best_b or (g == 0 and c.w < best_b.w) or (g == 1 and c.w > best_b.w)) then best_b = c end
    end
    if not best_a or not best_b or best_a == best_b then undo(); return nil end
    a, b = best_a, best_b
    undo = snapshot({ a, b })
    a.n[3] = a.n[3] - 1; a.n[2] = a.n[2] + 1
    b.n[2] = b.n[2] - 1; b.n[3] = b.n[3] + 1
  elseif u == 1 then
    a.age = a.age + 1; b.age = b.age - 1
  elseif u == 2 then
    -- move an offence of type t from b (who has one) to a
    local t = R:int(3)
    for _ = 1, 50 do if b.n[t] > 0 and b ~= a then break end b = list[R:int(#list)] end
    if b == a or b.n[t] == 0 then undo(); return nil end
    undo = snapshot({ a, b })
    a.n[t] = a.n[t] + 1; b.n[t] = b.n[t] - 1
  elseif u == 3 then
    -- a's offence of type t1 becomes t2, b's of type t2 becomes t1
    local t1, t2 = R:int(3), R:int(3)
    if t1 == t2 then undo(); return nil end
    for _ = 1, 50 do if a.n[t1] > 0 then break end a = list[R:int(#list)] end
    for _ = 1, 50 do if b.n[t2] > 0 and b ~= a then break end b = list[R:int(#list)] end
    if a == b or a.n[t1] == 0 or b.n[t2] == 0 then undo(); return nil end
    undo = snapshot({ a, b })
    a.n[t1] = a.n[t1] - 1; a.n[t2] = a.n[t2] + 1
    b.n[t2] = b.n[t2] - 1; b.n[t1] = b.n[t1] + 1
  else
    local k = R:int(4)
    if k == 1 then a.age = a.age + (R:bern(0.5) and 1 or -1)
    else
      local t = k - 1
      a.n[t] = a.n[t] + (R:bern(0.5) and 1 or -1)
    end
    for _, key in ipairs({ "age", "all", "violent", "drugs" }) do
      if not in_set(group_total(g, key), TOTALS[g][key]) then undo(); return nil end
    end
  end
  if not (valid(a) and valid(b)) then undo(); return nil end
  return undo
end

-- ===== the search for Table 1's after-weighting figures =====

local t0 = os.clock()
say("lincs_future4me: seed %d", SEED)
fit()
local S = summary()
local cur = objective(S)
say("  start: objective %.0f; effective sizes %.1f and %.1f", cur, S[1].ess, S[0].ess)
do
  local it = 0
  while not reached(S) do
    it = it + 1
    assert(it < 400000, "the search for Table 1 did not converge")
    local undo = propose()
    if undo then
      local b0 = { table.unpack(beta) }
      local ps0, w0 = {}, {}
      for i, q in ipairs(people) do ps0[i], w0[i] = q.ps, q.w end
      fit(1e-9)
      local S2 = summary()
      local j2 = objective(S2)
      -- simulated annealing: now and then accept a slightly worse state, less often as the search goes on
      local temp = math.max(0.02, 5 * 0.99995 ^ it)
      if j2 < cur or R:unif() < math.exp((cur - j2) / temp) then S, cur = S2, j2
      else
        undo()
        beta = b0
        for i, q in ipairs(people) do q.ps, q.w = ps0[i], w0[i] end
      end
    end
  end
  say("  Table 1 after weighting reached in %d steps (%.1fs)", it, os.clock() - t0)
end

-- ===== reoffending =====
-- Drawn from a risk that rises with prior offending and falls with age, then
-- adjusted: the unweighted counts are set to plausible shares (a third of
-- Future4Me, 37% of comparators: Future4Me's young people had more prior
-- offences), then reoffenders and non-reoffenders of a group are swapped one
-- pair at a time until the weighted share is within 0.1 percentage point of
-- the published rate.

local RAW = { [1] = 78, [0] = 104 }      -- 33.1% and 37.1% before weighting (not published)
local function logistic(x) return 1 / (1 + math.exp(-x)) end
for _, p in ipairs(people) do
  p.risk = logistic(-1.5 + 0.45 * all_of(p) + 0.25 * p.n[2] - 0.12 * (p.age - 15))
  p.reoffended = R:bern(p.risk) and 1 or 0
end
for _, g in ipairs({ 1, 0 }) do
  local list = by_group[g]
  local count, sw, sy = 0, 0, 0
  for _, p in ipairs(list) do count = count + p.reoffended; sw = sw + p.w; sy = sy + p.w * p.reoffended end
  while count ~= RAW[g] do
    local p = list[R:int(#list)]
    if count < RAW[g] and p.reoffended == 0 and R:bern(p.risk) then
      p.reoffended = 1; count = count + 1; sy = sy + p.w
    elseif count > RAW[g] and p.reoffended == 1 and R:bern(1 - p.risk) then
      p.reoffended = 0; count = count - 1; sy = sy - p.w
    end
  end
  local target = REOFFEND[g]
  for _ = 1, 200000 do
    if math.abs(sy / sw - target) < 0.001 then break end
    local a, b = list[R:int(#list)], list[R:int(#list)]
    if a.reoffended == 1 and b.reoffended == 0 then
      local ny = sy - a.w + b.w
      if math.abs(ny / sw - target) < math.abs(sy / sw - target) then a.reoffended, b.reoffended, sy = 0, 1, ny end
    end
  end
  assert(math.abs(sy / sw - target) < 0.001, "reoffending rate")
  say("  reoffending, %s: %d of %d (%.1f%%), weighted %.2f%%", g == 1 and "Future4Me" or "comparators", count,
    #list, 100 * count / #list, 100 * sy / sw)
end

-- ===== dates and offences =====

local function days_from_civil(y, m, d)
  y = y - (m <= 2 and 1 or 0)
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end
local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp + (mp < 10 and 3 or -9)
  return y + (m <= 2 and 1 or 0), m, d
end
local function iso(z) return string.format("%04d-%02d-%02d", civil_from_days(z)) end
local function completed_years(dob, at)
  local y1, m1, d1 = civil_from_days(dob)
  local y2, m2, d2 = civil_from_days(at)
  return y2 - y1 - ((m2 < m1 or (m2 == m1 and d2 < d1)) and 1 or 0)
end

local RECORDS_END = days_from_civil(2020, 2, 29)
local WINDOW = {
  [0] = { days_from_civil(2014, 4, 1), days_from_civil(2016, 3, 31) },
  [1] = { days_from_civil(2017, 7, 1), days_from_civil(2018, 10, 31) },
}
local LATEST_START = days_from_civil(2019, 2, 28)

-- Future4Me's gaps from first offence to start: skewed, 3 to 160 days, mean
-- exactly 47 (a total of 47 x 236 days).
do
  local list = by_group[1]
  local total = 0
  for _, p in ipairs(list) do
    p.gap = math.min(160, 3 + math.floor(-44 * math.log(R:unif())))
    total = total + p.gap
  end
  local want = OFFSET * #list
  while total ~= want do
    local p = list[R:int(#list)]
    local d = total < want and 1 or -1
    if p.gap + d >= 3 and p.gap + d <= 160 then p.gap = p.gap + d; total = total + d end
  end
end

local TYPES = { "other", "violent", "drugs" }
local offences = {}
local function offence(p, day, t) offences[#offences + 1] = { p = p, day = day, type = t } end
for _, p in ipairs(people) do
  local w = WINDOW[p.group]
  p.first = w[1] + R:int(w[2] - w[1] + 1) - 1
  if p.group == 1 then
    p.start = p.first + p.gap
    if p.start > LATEST_START then p.first = p.first - (p.start - LATEST_START); p.start = LATEST_START end
  else
    p.start = p.first + OFFSET
  end
  -- date of birth: completed years at the start equal p.age; not 29 February
  repeat
    local y, m, d = civil_from_days(p.start)
    p.dob = days_from_civil(y - p.age, m, math.min(d, 28)) - R:int(364)
    local _, bm, bd = civil_from_days(p.dob)
    local leap = bm == 2 and bd == 29
  until not leap and completed_years(p.dob, p.start) == p.age
  -- offences before the start: the first on its day, the rest between it and the start
  local types = {}
  for t = 1, 3 do for _ = 1, p.n[t] do types[#types + 1] = TYPES[t] end end
  R:shuffle(types)
  local span = p.start - p.first
  for i, t in ipairs(types) do
    local day = i == 1 and p.first or (span > 1 and p.first + R:int(span - 1) or p.first)
    offence(p, day, t)
  end
  -- reoffending within the year, and some later offending outside it
  if p.reoffended == 1 then
    local k = 1 + R:poisson(0.7)
    for _ = 1, k do offence(p, p.start + R:int(365), TYPES[R:pick({ 0.5, 0.4, 0.1 })]) end
  end
  if R:bern(0.25) then
    local day = p.start + 365 + R:int(400)
    if day <= RECORDS_END then offence(p, day, TYPES[R:pick({ 0.55, 0.35, 0.1 })]) end
  end
end

-- ===== identifiers, and the files =====

local order = {}
for i = 1, #people do order[i] = people[i] end
R:shuffle(order)
for i, p in ipairs(order) do p.id = i end
table.sort(offences, function(a, b)
  if a.p.id ~= b.p.id then return a.p.id < b.p.id end
  if a.day ~= b.day then return a.day < b.day end
  return a.type < b.type
end)

local function write_csv(path, header, rows)
  local fh = assert(io.open(path, "w"))
  fh:write(table.concat(header, ","), "\n")
  for _, row in ipairs(rows) do fh:write(table.concat(row, ","), "\n") end
  fh:close()
  -- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
  require("csc.synthetic").write(path, { generator = "data/lincs_future4me/gen.lua", seed = SEED })
end
local prow = {}
for _, p in ipairs(order) do
  prow[#prow + 1] = { string.format("YP%04d", p.id), p.group == 1 and "Future4Me" or "comparator", iso(p.dob),
                      p.group == 1 and iso(p.start) or "" }
end
local orow = {}
for _, o in ipairs(offences) do orow[#orow + 1] = { string.format("YP%04d", o.p.id), iso(o.day), o.type } end

-- ===== check with the recipe's own steps =====

local hframe = require("host.frame")
local match = require("csc.match")
local function frame_of(header, rows, types)
  local cols = {}
  for j = 1, #header do cols[j] = {} end
  for i, row in ipairs(rows) do for j = 1, #header do cols[j][i] = row[j] ~= "" and row[j] or hframe.NA end end
  return hframe.new({ names = header, columns = cols, types = types })
end
local pf = frame_of({ "person_id", "group", "date_of_birth", "start_date" }, prow,
  { date_of_birth = "date", start_date = "date" })
local of = frame_of({ "person_id", "offence_date", "offence_type" }, orow, { offence_date = "date" })
do
  local cohort = require("csc.cohort")
  local d, info = cohort.pseudo_start({ data = pf:mutate("f4m", 'if_else(group == "Future4Me", 1, 0)'), events = of,
    id = "person_id", date = "offence_date", treat = "f4m", start = "start_date", anchor = "first_offence" })
  assert(info.offset == OFFSET and info.n_no_anchor == 0, "mean gap " .. info.mean)
  d = cohort.age({ data = d, born = "date_of_birth", at = "start" })
  d = cohort.event_counts({ data = d, events = of, id = "person_id", date = "offence_date", type = "offence_type",
    types = { "violent", "drugs" }, windows = { pre = { -36500, -1 }, post = { 1, FOLLOW_UP } },
    flags = { reoffended = "post" } })
  local w = match.ipw({ data = d, treat = "f4m", covariates = { "age", "pre", "pre_violent", "pre_drugs" },
    estimand = "ATE" })
  local b = w:balance({ sd = "pooled" })
  local want = { age = "age", pre = "all", pre_violent = "violent", pre_drugs = "drugs" }
  for _, r in ipairs(b.rows) do
    local k = want[r.covariate]
    assert(in_set(math.floor(r.mean_treated * N[1] + 0.5), TOTALS[1][k])
      and in_set(math.floor(r.mean_control * N[0] + 0.5), TOTALS[0][k]), "before weighting: " .. k)
    assert(math.abs(r.mean_treated_adj - AFTER[1][k]) < 0.004 and math.abs(r.mean_control_adj - AFTER[0][k]) < 0.004,
      string.format("after weighting, %s: %.4f and %.4f", k, r.mean_treated_adj, r.mean_control_adj))
  end
  assert(math.abs(w.info.treated.ess - AFTER[1].ess) < 0.45 and math.abs(w.info.control.ess - AFTER[0].ess) < 0.45,
    string.format("effective sizes %.2f and %.2f", w.info.treated.ess, w.info.control.ess))
  local e = w:effect({ outcome = "reoffended" })
  say("  reoffending: %s", tostring(e))
  assert(math.abs(e.mean_treated - REOFFEND[1]) < 0.004 and math.abs(e.mean_control - REOFFEND[0]) < 0.004,
    "weighted reoffending rates")
  assert(e.p_value < 0.05, "the difference in reoffending is not significant at 5%")
  say("  effective sizes %.2f and %.2f; mean gap %.2f days", w.info.treated.ess, w.info.control.ess, info.mean)
end

write_csv(OUTDIR .. "/people.csv", { "person_id", "group", "date_of_birth", "start_date" }, prow)
write_csv(OUTDIR .. "/offences.csv", { "person_id", "offence_date", "offence_type" }, orow)
say("wrote %s/people.csv (%d young people) and %s/offences.csv (%d offences) in %.1fs", OUTDIR, #prow, OUTDIR,
  #orow, os.clock() - t0)
return 0
