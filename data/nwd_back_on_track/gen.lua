--- Synthetic pupil records for recipes/nwd_back_on_track.lua: the 47 pupils
-- supported by Back on Track in 2017/18 and the comparison pool of every
-- North Yorkshire pupil in 2014/15, with the matching characteristics of the
-- year before (2016/17 and 2013/14) and the outcomes of the year after
-- (2018/19 and 2015/16); and the Year 8 unauthorised-absence series the
-- time-trend ratio comes from.
--
--   ./csceval test data/nwd_back_on_track/gen.lua [OUTDIR] [--seed N] [--pupil-level FILE]
--
-- writes OUTDIR/pupils.csv and OUTDIR/year8_absence.csv (OUTDIR defaults to
-- data/nwd_back_on_track).  --pupil-level also writes the pupils one row per
-- pupil (about 2 MB), the layout of a real school census extract.
--
-- Why synthetic: the evaluation (NatCen, DfE RR1030, March 2020, Appendix 3,
-- Tables 3, 8, 9 and 10) used pupil-level school census data for North
-- Yorkshire, which are confidential.  The analyst who holds the extract runs
-- the recipe on it with --data pupils=PATH (and --data year8=PATH).
--
-- What is published, and therefore matched EXACTLY by construction:
--   * group sizes: 47 supported pupils; a pool of 64,077 pupils.  64,077 is
--     the only pool size below 250,000 for which every published pool mean
--     of Tables 9 and 10 is a fraction k/n that rounds to the printed value
--     AND the four binary standardised differences round to theirs; the
--     sums are then forced (68,433 sessions of unauthorised absence, year
--     total 310,993, 32,780 boys, 1,164 EHC plans, 7,771 on SEN support,
--     5,292 on free school meals, 5,986 sessions of fixed exclusion);
--   * the supported pupils' means (fractions of 47: 538, 272, 38, 8, 24, 18,
--     457);
--   * the standardised differences before matching: the pool's sums of
--     squares of absences, school year and exclusion sessions are set so
--     that (mean_T - mean_C) / sqrt((s2_T + s2_C) / 2) rounds to the seven
--     printed digits;
--   * the matched comparison means after matching (fractions of 470 and 188,
--     e.g. 5,235 / 470 sessions): see "Matching" below;
--   * Table 3: the impact estimates, means, confidence intervals and
--     p-values: see "Outcomes" below;
--   * the trend ratio 1.28 (Year 8 mean unauthorised sessions, 2018/19 over
--     2015/16).
--
-- Matching (how the published matched means are reached): the recipe matches
-- by weighted Mahalanobis distance, 10 neighbours without replacement on
-- school year, boy, EHC plan, SEN support, FSM and prior unauthorised
-- absences ("A"), and 4 on the same with prior exclusion sessions instead of
-- absences ("X"), each covariate weighted by its absolute standardised
-- difference before matching (the report's weights are not published).
-- Every supported pupil gets its own planted comparison pupils in the pool:
-- exact copies on the matching covariates, so that they are at distance 0
-- and nothing else is (the generator moves any other pupil that would tie),
-- except for a few supported pupils far out in the tails (very high absence
-- or exclusion: PLANT_A and PLANT_X below), whose planted neighbours differ
-- on purpose - an EHC plan instead of SEN support, SEN support instead of
-- none, no FSM, a girl instead of a boy or the reverse, a year older, a few
-- sessions more or fewer - and around whom the pool is kept empty.  Eleven
-- other supported pupils get exclusion neighbours a year older (the
-- published 6.02 mean school year after matching against 5.79).
-- Those planted differences are what produce the published small
-- imbalances after matching (e.g. 85 EHC plans among 470 against 80 for an
-- exact match).  Because nobody else is as near, the matched sets do not
-- depend on row order, covariance details or ties.  The generator checks the
-- design by running the recipe's matcher (csc.match.nearest) on the result.
--
-- Outcomes: the supported pupils' and their matched comparison pupils'
-- outcomes are drawn, then adjusted one session at a time (a seeded local
-- search) until csc.match.effect - the recipe's own estimator: regression
-- adjustment on the matching covariates plus the other prior exclusion
-- measure and permanent exclusions, standard errors clustered on the matched
-- sets, normal intervals, comparison absences times the trend ratio - gives
-- Table 3's estimates, intervals and p-values to their printed precision,
-- and the group means round to the printed averages.  So the recipe's
-- agreement with Table 3 on these data is by construction; on the real
-- extract the same recipe is an honest re-run.
--
-- What is made up: everything else - the 47 supported pupils' individual
-- records within the published means (TREATED below), the pool's other
-- pupils (their school years, SEN, FSM, absences, exclusions and outcomes
-- are drawn from simple seeded models with realistic shapes: most pupils
-- have no unauthorised absence and no exclusion; more among older pupils,
-- SEN and FSM; the draws are then nudged to the exact pool sums), and the
-- Year 8 series' other years (a gradual rise, as the report describes).
--
-- pupils.csv is written compactly: pupils whose records are identical in
-- every column are one row with their count in n_pupils (the recipe expands
-- them, in order).  The 47 supported pupils come first, then the pool
-- sorted by every column.  The same seed gives the same bytes.

local SEED = 20171001
local OUTDIR = "data/nwd_back_on_track"
local PUPIL_LEVEL = nil
local ARGS = { ... }
do
  local i = 1
  while ARGS[i] do
    local a = ARGS[i]
    if a == "--seed" then SEED = assert(math.tointeger(tonumber(ARGS[i + 1])), "--seed N"); i = i + 1
    elseif a == "--pupil-level" then PUPIL_LEVEL = assert(ARGS[i + 1], "--pupil-level FILE"); i = i + 1
    else OUTDIR = a end
    i = i + 1
  end
end

local function say(...) io.stderr:write(string.format(...), "\n") end
require("host.sys").mkdirs(OUTDIR)

-- ===== random numbers: splitmix64 (data/lib/splitmix.lua) =====

local splitmix = dofile((debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".") .. "/../lib/splitmix.lua")
local Rng = splitmix.Rng
local rng = splitmix.new
function Rng:norm()
  local u1, u2 = self:unif(), self:unif()
  return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
end
function Rng:gamma(shape)           -- Marsaglia and Tsang
  if shape < 1 then return self:gamma(shape + 1) * self:unif() ^ (1 / shape) end
  local d = shape - 1 / 3
  local c = 1 / math.sqrt(9 * d)
  while true do
    local x, v
    repeat x = self:norm(); v = 1 + c * x until v > 0
    v = v * v * v
    local u = self:unif()
    if u < 1 - 0.0331 * x ^ 4 or math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)) then return d * v end
  end
end
function Rng:poisson(lambda)
  if lambda <= 0 then return 0 end
  if lambda > 60 then return math.max(0, math.floor(lambda + math.sqrt(lambda) * self:norm() + 0.5)) end
  local L, k, p = math.exp(-lambda), 0, 1
  repeat k = k + 1; p = p * self:unif() until p <= L
  return k - 1
end
-- negative binomial with mean mu and size (dispersion) k
function Rng:negbin(mu, k) return self:poisson(self:gamma(k) * mu / k) end
function Rng:shuffle(t)
  for i = #t, 2, -1 do local j = self:int(i); t[i], t[j] = t[j], t[i] end
  return t
end

local R = rng(SEED)

-- ===== the published figures =====

local NPOOL = 64077
local NT = 47
-- pool sums (Tables 9 and 10, "before matching", comparison group x 64,077)
local POOL = { ua = 68433, year = 310993, male = 32780, ehc = 1164, sup = 7771, fsm = 5292, fx = 5986 }
-- standardised differences before matching, as printed (7 decimals)
local SMD = { ua = 0.5601378, year = 0.3483897, male = 0.6573874, ehc = 0.5339973, sup = 0.9153376,
              fsm = 0.7542699, fx = 0.90775 }
-- matched comparison sums (Table 9 x 470, Table 10 x 188)
local MATCHED_A = { ua = 5235, year = 2724, male = 378, ehc = 85, sup = 237, fsm = 175 }
local MATCHED_X = { fx = 1835, year = 1131, male = 155, ehc = 33, sup = 99, fsm = 70 }
-- Table 3: targets for the estimator (the middle of the region where the
-- estimate, interval and p-value all round to the printed figures)
-- mean_t: the supported pupils' total outcome, so that their average rounds to
-- the printed 37.3 (5.4) and the average minus the impact to 23.6 (4).
local TARGET_A = { est = 13.715, se = (31.37 + 3.94) / (2 * 1.959963984540054), mean_t = { 1752, 1755 } }
local TARGET_X = { est = 1.4033, se = 1.33987, mean_t = { 252, 256 } }
local TREND = 1.28

-- ===== the 47 supported pupils (2016/17 characteristics, 2017/18 cohort) =====
-- year: national curriculum year in 2016/17; sen: N none, K SEN support, E EHC plan;
-- ua: unauthorised absence sessions; fx: sessions missed through fixed
-- exclusions; px: permanent exclusions.  Sums: year 272, boys 38, EHC 8,
-- support 24, FSM 18, ua 538, fx 457 (Tables 9 and 10).
local TREATED = {
  -- year sex sen fsm  ua  fx px
  { 6, "M", "K", 1, 140, 22, 0 },  -- A1: planted neighbours include EHC plans instead of support, no FSM
  { 6, "M", "N", 1,  98, 13, 0 },  -- A2: ... SEN support instead of none, no FSM, girls
  { 7, "M", "E", 0,  64, 30, 1 },  -- A3 (a year older neighbours); X4 (more exclusion sessions)
  { 6, "M", "K", 0,  42, 17, 0 },  -- A4 (a year older neighbours)
  { 6, "M", "N", 0,  25, 78, 1 },  -- X1: EHC and support instead of none
  { 6, "M", "K", 1,  15, 56, 0 },  -- X2: no FSM; more sessions
  { 5, "F", "K", 0,  13, 40, 0 },  -- X3: boys
  { 6, "M", "E", 1,  12, 26, 0 },
  { 6, "M", "K", 0,   7, 19, 0 },
  { 6, "M", "N", 1,   7, 15, 0 },
  { 5, "M", "K", 1,   7, 11, 0 },
  { 6, "F", "E", 0,   7, 10, 0 },
  { 6, "M", "K", 0,   6,  9, 0 },
  { 7, "M", "N", 0,   6,  8, 0 },
  { 6, "M", "N", 0,   6,  7, 0 },
  { 6, "F", "N", 1,   5,  7, 0 },
  { 4, "M", "K", 0,   2,  3, 0 },
  { 6, "M", "K", 1,   5,  6, 0 },
  { 6, "M", "N", 0,   5,  5, 0 },
  { 5, "M", "E", 1,   4,  5, 0 },
  { 6, "M", "K", 0,   4,  5, 0 },
  { 3, "M", "N", 1,   4,  4, 0 },
  { 6, "F", "K", 0,   4,  4, 0 },
  { 6, "M", "K", 1,   4,  4, 0 },
  { 7, "M", "K", 0,   3,  4, 0 },
  { 6, "M", "N", 0,   3,  3, 0 },
  { 6, "M", "E", 0,   3,  3, 0 },
  { 5, "F", "N", 1,   3,  3, 0 },
  { 6, "M", "K", 0,   3,  3, 0 },
  { 6, "M", "K", 1,   3,  3, 0 },
  { 8, "M", "N", 0,   1,  3, 0 },
  { 6, "M", "K", 0,   5,  6, 0 },
  { 5, "M", "K", 0,   2,  3, 0 },
  { 6, "F", "N", 0,   2,  2, 0 },
  { 6, "M", "E", 1,   2,  1, 0 },
  { 6, "M", "K", 0,   2,  2, 0 },
  { 4, "F", "K", 1,   2,  2, 0 },
  { 6, "M", "N", 1,   2,  2, 0 },
  { 7, "M", "K", 0,   2,  2, 0 },
  { 6, "M", "K", 1,   1,  2, 0 },
  { 5, "M", "N", 0,   1,  2, 0 },
  { 6, "F", "E", 0,   1,  2, 0 },
  { 6, "M", "K", 0,   1,  1, 0 },
  { 3, "M", "K", 0,   1,  1, 0 },
  { 6, "M", "N", 0,   1,  1, 0 },
  { 7, "F", "K", 1,   1,  1, 0 },
  { 5, "M", "E", 0,   1,  1, 0 },
}

-- Planted neighbours that are not exact copies.  Each entry: a change to the
-- supported pupil's record, {d_ua or d_fx, year = +1, sen = "E", fsm = 0, sex = "F"}.
-- A: 10 neighbours on absences (the rest of the 10 are exact copies with the
-- listed ua offsets); X: 4 neighbours on exclusions.
-- Net effect over all 470 (A): ua -145, year +4, boys -2, EHC +5, support -3,
-- FSM -5; over all 188 (X): fx +7, boys +3, EHC +1, support +3, FSM -2, and
-- year +43, all from the "year-older" exclusion neighbours of eleven other
-- pupils (X_YEAR_OLDER, below).
local PLANT_A = {
  [1] = { { 0 }, { -20 }, { 0, sen = "E" }, { -2, sen = "E" }, { -4, sen = "E" }, { -6, sen = "E" },
          { -9, sen = "E" }, { -1, fsm = 0 }, { -5, fsm = 0 }, { -13, fsm = 0 } },
  [2] = { { 0 }, { -8 }, { -12 }, { -14 }, { 0, sen = "K" }, { -2, sen = "K" }, { -1, fsm = 0 },
          { -3, fsm = 0 }, { -1, sex = "F" }, { -4, sex = "F" } },
  [3] = { { 0 }, { -1 }, { -2 }, { -2 }, { -3 }, { -3 }, { -3 }, { -4 }, { -2, year = 1 }, { -5, year = 1 } },
  [4] = { { 0 }, { 0 }, { -1 }, { -1 }, { -2 }, { -2 }, { -2 }, { -3 }, { -1, year = 1 }, { -3, year = 1 } },
}
local PLANT_X = {
  [5] = { { 0, sen = "E" }, { 0, sen = "K" }, { 0, sen = "K" }, { 0, sen = "K" } },
  [6] = { { 0, fsm = 0 }, { 0, fsm = 0 }, { 3 }, { 2 } },
  [7] = { { 0, sex = "M" }, { 0, sex = "M" }, { 0, sex = "M" }, { 0 } },
  [3] = { { 1 }, { 1 }, { 0 }, { 0 } },
}
local X_YEAR_OLDER = 43          -- X neighbours a year older than their supported pupil

-- ===== records =====
-- A record: year, male (0/1), sen ("N", "K", "E"), fsm (0/1), ua, fx, px
-- (matching year), uao, fxo (outcome year).

local function keyA(r) return string.format("%d|%d|%s|%d|%d", r.year, r.male, r.sen, r.fsm, r.ua) end
local function keyX(r) return string.format("%d|%d|%s|%d|%d", r.year, r.male, r.sen, r.fsm, r.fx) end
local function copy(r) local c = {}; for k, v in pairs(r) do c[k] = v end; return c end

local T = {}
do
  local sums = { year = 0, male = 0, ehc = 0, sup = 0, fsm = 0, ua = 0, fx = 0 }
  local seenA, seenX = {}, {}
  for i, t in ipairs(TREATED) do
    local r = { year = t[1], male = t[2] == "M" and 1 or 0, sen = t[3], fsm = t[4], ua = t[5], fx = t[6], px = t[7] }
    T[i] = r
    sums.year = sums.year + r.year; sums.male = sums.male + r.male
    sums.ehc = sums.ehc + (r.sen == "E" and 1 or 0); sums.sup = sums.sup + (r.sen == "K" and 1 or 0)
    sums.fsm = sums.fsm + r.fsm; sums.ua = sums.ua + r.ua; sums.fx = sums.fx + r.fx
    assert(not seenA[keyA(r)], "two supported pupils with the same absence-matching record: " .. i)
    assert(not seenX[keyX(r)], "two supported pupils with the same exclusion-matching record: " .. i)
    seenA[keyA(r)], seenX[keyX(r)] = i, i
  end
  assert(#T == NT)
  local want = { year = 272, male = 38, ehc = 8, sup = 24, fsm = 18, ua = 538, fx = 457 }
  for k, v in pairs(want) do assert(sums[k] == v, "supported pupils: sum of " .. k .. " is " .. sums[k]) end
end

-- ===== the matching metric, as csc.match computes it =====
-- Covariates standardised by their SD over all rows; S the pooled
-- within-group covariance of the standardised values (divisor n - 2);
-- d^2 = u' W^1/2 S^-1 W^1/2 u with weights W = |SMD before matching|.

local COVS_A = { "year", "male", "ehc", "sup", "fsm", "ua" }
local COVS_X = { "year", "male", "ehc", "sup", "fsm", "fx" }
local function cov_value(r, c)
  if c == "ehc" then return r.sen == "E" and 1 or 0 elseif c == "sup" then return r.sen == "K" and 1 or 0 end
  return r[c]
end

local function cholesky(S, p)
  local L = {}
  for i = 1, p do L[i] = {} for j = 1, p do L[i][j] = 0 end end
  for i = 1, p do
    for j = 1, i do
      local s = S[i][j]
      for k = 1, j - 1 do s = s - L[i][k] * L[j][k] end
      if i == j then assert(s > 0, "covariance not positive definite"); L[i][i] = math.sqrt(s)
      else L[i][j] = s / L[j][j] end
    end
  end
  -- T = L^-1 (lower triangular)
  local Tm = {}
  for i = 1, p do Tm[i] = {} for j = 1, p do Tm[i][j] = 0 end end
  for c = 1, p do
    for i = c, p do
      local acc = (i == c) and 1 or 0
      for l = c, i - 1 do acc = acc - L[i][l] * Tm[l][c] end
      Tm[i][c] = acc / L[i][i]
    end
  end
  return Tm
end

-- metric(covs, weights, treated, pool) -> object with :z(record)
local function metric(covs, w, treated, pool)
  local p, n = #covs, #treated + #pool
  local mean, sd = {}, {}
  for j, c in ipairs(covs) do
    local s = 0
    for _, r in ipairs(treated) do s = s + cov_value(r, c) end
    for _, r in ipairs(pool) do s = s + cov_value(r, c) end
    local m = s / n
    local ss = 0
    for _, r in ipairs(treated) do local d = cov_value(r, c) - m; ss = ss + d * d end
    for _, r in ipairs(pool) do local d = cov_value(r, c) - m; ss = ss + d * d end
    mean[j], sd[j] = m, math.sqrt(ss / (n - 1))
  end
  -- pooled within-group covariance of standardised values
  local S = {}
  for a = 1, p do S[a] = {} for b = 1, p do S[a][b] = 0 end end
  for _, grp in ipairs({ treated, pool }) do
    local gm = {}
    for j, c in ipairs(covs) do
      local s = 0
      for _, r in ipairs(grp) do s = s + (cov_value(r, c) - mean[j]) / sd[j] end
      gm[j] = s / #grp
    end
    local u = {}
    for _, r in ipairs(grp) do
      for j, c in ipairs(covs) do u[j] = (cov_value(r, c) - mean[j]) / sd[j] - gm[j] end
      for a = 1, p do
        local ua = u[a]
        if ua ~= 0 then local Sa = S[a] for b = 1, a do Sa[b] = Sa[b] + ua * u[b] end end
      end
    end
  end
  for a = 1, p do for b = 1, a do S[a][b] = S[a][b] / (n - 2); S[b][a] = S[a][b] end end
  local Tm = cholesky(S, p)
  local cw = {}
  for j = 1, p do cw[j] = math.sqrt(w[j]) / sd[j] end
  local M = { covs = covs, p = p }
  function M.z(r)
    local ub = {}
    for j, c in ipairs(covs) do ub[j] = cw[j] * (cov_value(r, c) - mean[j]) end
    local z = {}
    for a = 1, p do
      local acc, Ta = 0, Tm[a]
      for j = 1, a do acc = acc + Ta[j] * ub[j] end
      z[a] = acc
    end
    return z
  end
  function M.d2(za, zb)
    local s = 0
    for a = 1, p do local d = za[a] - zb[a]; s = s + d * d end
    return s
  end
  return M
end

local function weights_of(covs, base)
  local w = {}
  for j, c in ipairs(covs) do w[j] = SMD[c] end
  return w
end

-- ===== the pool's other pupils: simple models with realistic shapes =====

local YEAR_WEIGHTS = { [-1] = 7.81, [0] = 7.92, [1] = 8.00, [2] = 8.04, [3] = 8.04, [4] = 8.01, [5] = 7.94,
                       [6] = 7.84, [7] = 7.70, [8] = 7.52, [9] = 7.31, [10] = 7.07, [11] = 6.80 }

local function draw_year()
  local u = R:unif() * 100
  for y = -1, 11 do
    u = u - YEAR_WEIGHTS[y]
    if u <= 0 then return y end
  end
  return 11
end

local function draw_background(n)
  local out = {}
  for i = 1, n do
    local r = { year = draw_year(), male = R:bern(0.5089) and 1 or 0 }
    local pe = r.male == 1 and 0.0225 or 0.010
    local pk = r.male == 1 and 0.1425 or 0.091
    local u = R:unif()
    r.sen = u < pe and "E" or (u < pe + pk and "K" or "N")
    r.fsm = R:bern(0.0715 + (r.sen == "K" and 0.07 or 0) + (r.sen == "E" and 0.09 or 0)) and 1 or 0
    local sec = r.year >= 7 and 1 or 0
    -- unauthorised absence: most pupils none; a skewed tail
    local pua = 0.222 + 0.10 * r.fsm + 0.05 * (r.sen ~= "N" and 1 or 0) + 0.05 * sec
    r.ua = 0
    if R:bern(pua) then r.ua = 1 + R:negbin(2.1 + 1.8 * r.fsm + 0.8 * sec + 0.6 * (r.sen ~= "N" and 1 or 0), 0.16) end
    -- fixed exclusions: rare, more among older boys, SEN and FSM
    local pfx = 0.0027 + 0.011 * sec * r.male + 0.027 * (r.sen == "K" and 1 or 0) + 0.045 * (r.sen == "E" and 1 or 0)
      + 0.0135 * r.fsm
    r.fx = R:bern(pfx) and (1 + R:negbin(3.8, 0.34)) or 0
    r.px = R:bern(r.fx > 0 and 0.02 or 0.0002) and 1 or 0
    -- outcome year (2015/16)
    if r.ua == 0 then
      r.uao = R:bern(0.24) and (1 + R:negbin(1.8, 1)) or 0
    else
      r.uao = R:negbin(1.2 + 0.85 * r.ua + 0.8 * sec, 1.4)
    end
    if r.fx > 0 then r.fxo = R:bern(0.35) and (1 + R:negbin(3.5, 1)) or 0
    else r.fxo = R:bern(0.005) and (1 + R:negbin(2.5, 1)) or 0 end
    out[i] = r
  end
  return out
end

-- ===== planted neighbours =====

local function apply_change(t, d, field)
  local r = copy(t)
  r.px = 0
  r[field] = t[field] + (d[1] or 0)
  if d.year then r.year = t.year + d.year end
  if d.sen then r.sen = d.sen end
  if d.fsm then r.fsm = d.fsm end
  if d.sex then r.male = d.sex == "M" and 1 or 0 end
  return r
end

local keysA, keysX = {}, {}
for i, t in ipairs(T) do keysA[keyA(t)] = i; keysX[keyX(t)] = i end

-- X neighbours a year older: chosen among the pupils without a special
-- plan, first come, so that the older copy is nobody else's record.
local year_older = {}
do
  local need = X_YEAR_OLDER
  for i, t in ipairs(T) do
    if need == 0 then break end
    if not PLANT_X[i] and t.year <= 7 then
      local older = copy(t); older.year = t.year + 1
      local younger = copy(t); younger.year = t.year - 1
      local clash = keysX[keyX(older)] or keysX[keyX(younger)]
      for j in pairs(year_older) do
        local o = copy(T[j]); o.year = T[j].year + 1
        if keyX(o) == keyX(older) then clash = true end
      end
      if not clash then
        local k = math.min(4, need)
        year_older[i] = k
        need = need - k
      end
    end
  end
  assert(need == 0, "not enough supported pupils for the year-older exclusion neighbours")
end

local planted = {}
for i, t in ipairs(T) do
  local spec = PLANT_A[i]
  for k = 1, 10 do
    local r = spec and apply_change(t, spec[k], "ua") or apply_change(t, {}, "ua")
    r.role, r.owner = "A", i
    planted[#planted + 1] = r
  end
  spec = PLANT_X[i]
  for k = 1, 4 do
    local d = spec and spec[k] or ((year_older[i] and k <= year_older[i]) and { year = 1 } or {})
    local r = apply_change(t, d, "fx")
    r.role, r.owner = "X", i
    planted[#planted + 1] = r
  end
end
assert(#planted == 47 * 14)

-- Provisional values of the other matching measure: absence neighbours
-- carry fewer exclusion sessions than their supported pupil, exclusion
-- neighbours absences close to it.  Fixed properly once the metric is known.
for _, r in ipairs(planted) do
  local t = T[r.owner]
  if r.role == "A" then r.fx = 0 else r.ua = t.ua + 1 end
end

local background = draw_background(NPOOL - #planted)

local function pool_list()
  local all = {}
  for _, r in ipairs(background) do all[#all + 1] = r end
  for _, r in ipairs(planted) do all[#all + 1] = r end
  return all
end

-- ===== who may sit where =====
-- Every supported pupil i has a "ball" in each matching space: the largest
-- distance from i to its own planted neighbours (0 when they are exact
-- copies).  Nobody else may be inside it (4% margin on d^2), so i's
-- neighbours are its nearest, whatever the order or the ties.

local G = {}     -- metrics, supported pupils' coordinates, balls

local function build_metrics()
  local pool = pool_list()
  G.MA = metric(COVS_A, weights_of(COVS_A), T, pool)
  G.MX = metric(COVS_X, weights_of(COVS_X), T, pool)
  G.zA, G.zX, G.RA, G.RX = {}, {}, {}, {}
  for i, t in ipairs(T) do G.zA[i] = G.MA.z(t); G.zX[i] = G.MX.z(t); G.RA[i] = 0; G.RX[i] = 0 end
  for _, r in ipairs(planted) do
    local o = r.owner
    if r.role == "A" then G.RA[o] = math.max(G.RA[o], G.MA.d2(G.MA.z(r), G.zA[o]))
    else G.RX[o] = math.max(G.RX[o], G.MX.d2(G.MX.z(r), G.zX[o])) end
  end
  G.devA, G.devX = {}, {}
  for i = 1, NT do
    if G.RA[i] > 0 then G.devA[#G.devA + 1] = i end
    if G.RX[i] > 0 then G.devX[#G.devX + 1] = i end
  end
end

local function conflict_in(r, space, exempt)
  local keys, M, z0, Rb, dev, key = keysA, G.MA, G.zA, G.RA, G.devA, keyA
  if space == "X" then keys, M, z0, Rb, dev, key = keysX, G.MX, G.zX, G.RX, G.devX, keyX end
  local i = keys[key(r)]
  if i and i ~= exempt then return i end
  local z
  for _, j in ipairs(dev) do
    if j ~= exempt then
      z = z or M.z(r)
      if M.d2(z, z0[j]) <= Rb[j] * 1.04 + 1e-12 then return j end
    end
  end
  return nil
end

local function conflict(r)
  return conflict_in(r, "A", r.role == "A" and r.owner or nil)
      or conflict_in(r, "X", r.role == "X" and r.owner or nil)
end

-- Values of the non-matching measure for the planted neighbours: the
-- absence neighbours' exclusion sessions, the exclusion neighbours'
-- absences (drawn near their supported pupil's, but never in anybody's ball).
local function assign_other(r)
  local t = T[r.owner]
  if r.role == "A" then
    for _ = 1, 30 do
      r.fx = R:bern(0.4) and 0 or (1 + R:negbin(0.45 * t.fx, 1.0))
      if not conflict_in(r, "X", nil) then return end
    end
    r.fx = 0
    assert(not conflict_in(r, "X", nil))
  else
    for _ = 1, 60 do
      if PLANT_A[r.owner] then r.ua = math.min(R:negbin(0.25 * t.ua, 3), t.ua // 2)
      else
        local d = 0
        while d == 0 do d = R:int(11) - 5 end          -- -4..6, not 0
        r.ua = math.max(0, t.ua + d)
      end
      if not conflict_in(r, "A", nil) then return end
    end
    error("no place for an exclusion neighbour of pupil " .. r.owner)
  end
end

local function assign_other_measure()
  for _, r in ipairs(planted) do
    r.px = R:bern(0.012) and 1 or 0
    assign_other(r)
  end
end

-- Move a pool pupil out of anybody's ball by changing the measure that
-- puts it there (absences for the absence space, exclusions otherwise).
local function clean(r)
  for k = 1, 400 do
    local c = conflict(r)
    if not c then return true end
    local inA = conflict_in(r, "A", r.role == "A" and r.owner or nil)
    local f = inA and "ua" or "fx"
    local v = r[f]
    if k > 20 then r[f] = R:int(math.max(1, v // 2 + 1)) - 1      -- well away, lower
    else
      local step = R:int(3)
      if v - step >= 0 and R:bern(0.6) then r[f] = v - step else r[f] = v + step end
    end
  end
  return false
end

local function clean_background()
  local moved = 0
  for _, r in ipairs(background) do
    if conflict(r) then
      assert(clean(r), "could not move a pool pupil out of the way")
      moved = moved + 1
    end
  end
  return moved
end

-- ===== the pool's totals =====

local function ind(r, f)
  if f == "ehc" then return r.sen == "E" and 1 or 0 elseif f == "sup" then return r.sen == "K" and 1 or 0 end
  return r[f]
end

local function total(list, f, sq)
  local s = 0
  for _, r in ipairs(list) do local v = ind(r, f); s = s + (sq and v * v or v) end
  return s
end

-- The pool's sum of squares for which (mean_T - mean_C) / sqrt((s2_T + s2_C)/2)
-- rounds to the printed standardised difference: the middle of the range,
-- with the parity of the sum (integer data).
local function ss_target(f)
  local sT, ssT = total(T, f), total(T, f, true)
  local mT, s2T = sT / NT, (ssT - sT * sT / NT) / (NT - 1)
  local S = POOL[f]
  local mC = S / NPOOL
  local function ss_for(b)
    local D = (mT - mC) / b
    return (2 * D * D - s2T) * (NPOOL - 1) + S * S / NPOOL
  end
  local lo, hi = ss_for(SMD[f] + 5e-8), ss_for(SMD[f] - 5e-8)
  local mid = math.floor((lo + hi) / 2)
  if (mid - S) % 2 ~= 0 then mid = mid + 1 end
  assert(mid >= lo and mid <= hi, "no whole sum of squares gives the printed SMD of " .. f)
  return mid
end

local SETTERS = {
  male = { up = function(r) if r.male == 0 then r.male = 1; return true end end,
           down = function(r) if r.male == 1 then r.male = 0; return true end end },
  ehc = { up = function(r) if r.sen == "N" then r.sen = "E"; return true end end,
          down = function(r) if r.sen == "E" then r.sen = "N"; return true end end },
  sup = { up = function(r) if r.sen == "N" then r.sen = "K"; return true end end,
          down = function(r) if r.sen == "K" then r.sen = "N"; return true end end },
  fsm = { up = function(r) if r.fsm == 0 then r.fsm = 1; return true end end,
          down = function(r) if r.fsm == 1 then r.fsm = 0; return true end end },
}

local function adjust_binary(f, target)
  local cur = total(background, f)
  local guard = 0
  while cur ~= target do
    guard = guard + 1
    assert(guard < 1e6, "adjust_binary " .. f)
    local r = background[R:int(#background)]
    local saved = copy(r)
    local dir = target > cur and "up" or "down"
    if SETTERS[f][dir](r) then
      if conflict(r) then for k, v in pairs(saved) do r[k] = v end
      else cur = cur + (dir == "up" and 1 or -1) end
    end
  end
end

-- Exact sum and sum of squares of an integer measure over the pool's other
-- pupils, by one-step moves (sum) and opposite pairs of moves (squares).
local function adjust_sum_ss(f, tsum, tss, lo, hi, positive_only)
  local list = background
  local s, q = total(list, f), total(list, f, true)
  local function pick()
    for _ = 1, 1000 do
      local r = list[R:int(#list)]
      if not positive_only or r[f] > 0 then return r end
    end
    return list[R:int(#list)]
  end
  local guard = 0
  while s ~= tsum do
    guard = guard + 1
    assert(guard < 2e6, "adjust_sum_ss sum " .. f)
    local dir = tsum > s and 1 or -1
    local up = tss > q
    local best, bscore
    for _ = 1, 30 do
      local r = pick()
      local v = r[f]
      local nv = v + dir
      if nv >= lo and nv <= hi then
        local dq = nv * nv - v * v
        local score = up and dq or -dq
        if not best or score > bscore then best, bscore = r, score end
      end
    end
    if best then
      local v = best[f]
      best[f] = v + dir
      if conflict(best) then best[f] = v
      else s = s + dir; q = q + (v + dir) ^ 2 - v * v end
    end
  end
  q = math.tointeger(q) or q
  guard = 0
  while q ~= tss do
    guard = guard + 1
    assert(guard < 2e6, "adjust_sum_ss squares " .. f .. " " .. (tss - q))
    local E = tss - q
    local ba, bb, bdq
    for _ = 1, 40 do
      local a, b = pick(), pick()
      if a ~= b and a[f] + 1 <= hi and b[f] - 1 >= lo then
        local dq = 2 * (a[f] - b[f]) + 2
        if dq ~= 0 and (dq > 0) == (E > 0) and math.abs(dq) <= math.abs(E) then
          if not bdq or math.abs(dq) > math.abs(bdq) then ba, bb, bdq = a, b, dq end
        end
      end
    end
    if ba then
      ba[f] = ba[f] + 1; bb[f] = bb[f] - 1
      if conflict(ba) or conflict(bb) then ba[f] = ba[f] - 1; bb[f] = bb[f] + 1
      else q = q + bdq end
    end
  end
end

local function fix_totals()
  for _, f in ipairs({ "male", "ehc", "sup", "fsm" }) do
    adjust_binary(f, POOL[f] - total(planted, f))
  end
  adjust_sum_ss("year", POOL.year - total(planted, "year"), ss_target("year") - total(planted, "year", true), -1, 11, false)
  adjust_sum_ss("ua", POOL.ua - total(planted, "ua"), ss_target("ua") - total(planted, "ua", true), 0, 300, true)
  adjust_sum_ss("fx", POOL.fx - total(planted, "fx"), ss_target("fx") - total(planted, "fx", true), 0, 90, true)
end

-- ===== building the pool =====

local function settle()
  build_metrics()
  clean_background()
  fix_totals()
  for round = 1, 12 do
    build_metrics()
    for _, r in ipairs(planted) do
      -- a planted neighbour may only be in the way through its other measure
      local own = r.role
      local c = conflict_in(r, own, r.owner)
      assert(not c, string.format("a planted neighbour of pupil %d falls in pupil %d's ball", r.owner, c or 0))
      if conflict_in(r, own == "A" and "X" or "A", nil) then assign_other(r) end
    end
    local moved = clean_background()
    fix_totals()
    say("  settling the pool, round %d: %d pupils moved out of the way", round, moved)
    if moved == 0 then
      build_metrics()
      local bad = 0
      for _, r in ipairs(background) do if conflict(r) then bad = bad + 1 end end
      for _, r in ipairs(planted) do if conflict(r) then bad = bad + 1 end end
      if bad == 0 then return end
    end
  end
  error("the pool did not settle")
end

-- ===== frames and the recipe's own matcher =====

local hframe = require("host.frame")
local cmatch = require("csc.match")

local COLUMNS = { "cohort", "back_on_track", "ncyear_pre", "gender", "sen", "fsm", "ua_pre", "fx_pre",
                  "px_pre", "ua_post", "fx_post" }

local function as_row(r, treated)
  return { treated and "2017/18" or "2014/15", treated and 1 or 0, r.year, r.male == 1 and "M" or "F", r.sen,
           r.fsm, r.ua, r.fx, r.px, r.uao or 0, r.fxo or 0 }
end

-- Pool order: sorted by every column (so identical pupils are adjacent).
local function sort_pool(pool)
  local function k(r)
    return string.format("%03d|%s|%s|%d|%04d|%03d|%d|%04d|%03d", r.year + 1, r.male == 1 and "M" or "F", r.sen,
      r.fsm, r.ua, r.fx, r.px, r.uao or 0, r.fxo or 0)
  end
  local keys = {}
  for _, r in ipairs(pool) do keys[r] = k(r) end
  table.sort(pool, function(a, b)
    if keys[a] ~= keys[b] then return keys[a] < keys[b] end
    return (a.role or "") < (b.role or "")
  end)
  return pool
end

local function frame_of(pool)
  local cols = {}
  for j = 1, #COLUMNS do cols[j] = {} end
  local n = 0
  local function add(r, tr)
    n = n + 1
    local row = as_row(r, tr)
    for j = 1, #COLUMNS do cols[j][n] = row[j] end
  end
  for _, t in ipairs(T) do add(t, true) end
  for _, r in ipairs(pool) do add(r, false) end
  local f = hframe.new({ names = COLUMNS, columns = cols })
  f = f:mutate("boy", 'if_else(gender == "M", 1, 0)')
  f = f:mutate("ehc", 'if_else(sen == "E", 1, 0)')
  f = f:mutate("sen_support", 'if_else(sen == "K", 1, 0)')
  return f
end

local MCOV_A = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "ua_pre" }
local MCOV_X = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "fx_pre" }

-- Match as the recipe does; returns the matched frame and owner -> {pool index...}
local function match(f, covs, ratio)
  local b = cmatch.balance({ data = f, treat = "back_on_track", covariates = covs, variance = "sample", sd = "pooled", binary = "std" })
  local w = {}
  for _, row in ipairs(b.rows) do w[row.covariate] = math.abs(row.smd) end
  local m = cmatch.nearest({ data = f, treat = "back_on_track", covariates = covs, weights = w, ratio = ratio })
  local sets = {}
  local p = m.pairs
  local tr, cr = p:column("treated_row"), p:column("control_row")
  for k = 1, #tr do
    sets[tr[k]] = sets[tr[k]] or {}
    table.insert(sets[tr[k]], cr[k] - NT)
  end
  return m, sets, b
end

-- ===== outcomes =====

local function cap(v, hi) return math.min(v, hi) end

local function draw_outcomes(pool)
  for _, t in ipairs(T) do
    t.uao = cap(R:negbin(20 + 1.2 * t.ua, 0.45), 340)
    t.fxo = R:bern(0.45) and cap(1 + R:negbin(11, 0.6), 80) or 0
  end
  for _, r in ipairs(pool) do
    if r.role == "A" then
      r.uao = cap(R:negbin(9 + 0.8 * r.ua, 0.5), 300)
      r.fxo = r.fx > 0 and (R:bern(0.35) and (1 + R:negbin(3.5, 1)) or 0) or 0
    elseif r.role == "X" then
      r.fxo = R:bern(0.4) and cap(1 + R:negbin(9, 0.6), 80) or 0
      r.uao = R:negbin(1.2 + 0.85 * r.ua, 1.4)
    end
  end
end

-- Least squares with a treatment indicator and covariates, and the
-- cluster-robust (CR1) standard error of the treatment coefficient: the
-- estimator of csc.match.effect with vcov "cluster".  Used only to search;
-- the result is checked with csc.match.effect itself.
local function solve_inverse(A, k)
  local M = {}
  for i = 1, k do M[i] = {} for j = 1, k do M[i][j] = A[i][j] end for j = 1, k do M[i][k + j] = (i == j) and 1 or 0 end end
  for c = 1, k do
    local piv = c
    for r = c + 1, k do if math.abs(M[r][c]) > math.abs(M[piv][c]) then piv = r end end
    M[c], M[piv] = M[piv], M[c]
    local d = M[c][c]
    assert(math.abs(d) > 1e-12, "singular design")
    for j = 1, 2 * k do M[c][j] = M[c][j] / d end
    for r = 1, k do
      if r ~= c then
        local f = M[r][c]
        if f ~= 0 then for j = 1, 2 * k do M[r][j] = M[r][j] - f * M[c][j] end end
      end
    end
  end
  local inv = {}
  for i = 1, k do inv[i] = {} for j = 1, k do inv[i][j] = M[i][k + j] end end
  return inv
end

-- units: list of {x = {...}, g = cluster id, y = value, scale = multiplier of y}
local function Estimator(units)
  local N, K = #units, #units[1].x
  local XtX = {}
  for a = 1, K do XtX[a] = {} for b = 1, K do XtX[a][b] = 0 end end
  for _, u in ipairs(units) do
    for a = 1, K do for b = 1, K do XtX[a][b] = XtX[a][b] + u.x[a] * u.x[b] end end
  end
  local B = solve_inverse(XtX, K)
  local Bt = B[2]                       -- the treatment row
  local G = 0
  for _, u in ipairs(units) do G = math.max(G, u.g) end
  local c = G / (G - 1) * (N - 1) / (N - K)
  local E = {}
  function E.eval()
    local Xty = {}
    for a = 1, K do Xty[a] = 0 end
    for _, u in ipairs(units) do local yv = u.y * u.scale for a = 1, K do Xty[a] = Xty[a] + u.x[a] * yv end end
    local b = {}
    for a = 1, K do local s = 0 for j = 1, K do s = s + B[a][j] * Xty[j] end b[a] = s end
    local U = {}
    for g = 1, G do U[g] = 0 end
    for _, u in ipairs(units) do
      local fit = 0
      for a = 1, K do fit = fit + u.x[a] * b[a] end
      local e = u.y * u.scale - fit
      local s = 0
      for a = 1, K do s = s + Bt[a] * u.x[a] end
      U[u.g] = U[u.g] + s * e
    end
    local v = 0
    for g = 1, G do v = v + U[g] * U[g] end
    return b[2], math.sqrt(c * v)
  end
  return E
end

local zq = 1.959963984540054
-- The standard normal distribution function, from the complementary error
-- function of Numerical Recipes (erfcc: fractional error below 1.2e-7, ample
-- for checking p-values printed to three decimals).
local function ncdf(x)
  local z = math.abs(x) / math.sqrt(2)
  local t = 1 / (1 + 0.5 * z)
  local r = t * math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
  return x >= 0 and 1 - r / 2 or r / 2
end

-- Whether the estimate, the normal 95% interval and the p-value round to
-- the printed figures, with a margin from each rounding boundary.
local function printed_ok(est, se, pub, tight)
  local m_ci, m_p, m_est = 0, 0, 0
  if tight then m_ci, m_p, m_est = 0.001, 0.0002, 0.01 end
  local lo, hi = est - zq * se, est + zq * se
  local p = 2 * (1 - ncdf(math.abs(est / se)))
  return math.abs(lo - pub.lo) < 0.005 - m_ci and math.abs(hi - pub.hi) < 0.005 - m_ci
    and math.abs(p - pub.p) < 0.0005 - m_p and math.abs(est - pub.est) < 0.05 - m_est, lo, hi, p
end

-- Local search: change one outcome, or two in opposite directions, by small
-- steps while the estimate and standard error get nearer their targets;
-- the supported pupils' total stays in its range.  Stops when the printed
-- figures are reproduced with a margin from the rounding boundaries (0.001
-- for the interval, 0.0002 for p, 0.01 for the estimate).
local function tune(units, target, pub, label)
  local E = Estimator(units)
  local est, se = E.eval()
  local function J(e, s) return ((e - target.est) / 0.001) ^ 2 + ((s - target.se) / 0.001) ^ 2 end
  local cur = J(est, se)
  local lo, hi = target.mean_t[1], target.mean_t[2]
  local function dist(s) return s < lo and lo - s or (s > hi and s - hi or 0) end
  local tsum = 0
  for _, u in ipairs(units) do if u.treated then tsum = tsum + u.y end end
  local it = 0
  while not (printed_ok(est, se, pub, true) and dist(tsum) == 0) do
    it = it + 1
    assert(it < 400000, label .. ": the outcome search did not converge")
    local moves = {}
    local step = ({ 1, 1, 1, 2, 3, 5, 8 })[R:int(7)] * (R:bern(0.5) and 1 or -1)
    moves[1] = { units[R:int(#units)], step }
    if R:bern(0.5) then moves[2] = { units[R:int(#units)], -step } end
    local nts, feasible = tsum, true
    for _, m in ipairs(moves) do
      local nv = m[1].y + m[2]
      if nv < 0 or nv > m[1].max then feasible = false end
      if m[1].treated then nts = nts + m[2] end
    end
    if #moves == 2 and moves[1][1] == moves[2][1] then feasible = false end
    if feasible and dist(nts) <= dist(tsum) then
      for _, m in ipairs(moves) do m[1].y = m[1].y + m[2] end
      local e2, s2 = E.eval()
      local j2 = J(e2, s2)
      if j2 < cur or dist(nts) < dist(tsum) then est, se, cur, tsum = e2, s2, j2, nts
      else for _, m in ipairs(moves) do m[1].y = m[1].y - m[2] end end
    end
  end
  say("  %s: estimate %.4f, SE %.4f after %d steps", label, est, se, it)
  return est, se
end

-- ===== main =====

local t0 = os.clock()
say("nwd_back_on_track: seed %d", SEED)
build_metrics()
assign_other_measure()
settle()
local pool = pool_list()
draw_outcomes(pool)

-- The Year 8 series: 2015/16 is the pool's Year 6 of 2013/14 (Year 8 two
-- years on); 2018/19 is set so that the ratio is 1.28.
local function year8_1516()
  local n, s = 0, 0
  for _, r in ipairs(pool) do if r.year == 6 then n = n + 1; s = s + r.uao end end
  return n, s
end

local function units_for(role, cov, other, outcome, scale)
  local units = {}
  for i, t in ipairs(T) do
    units[#units + 1] = { treated = true, g = i, rec = t, y = t[outcome], scale = 1,
      max = outcome == "uao" and 360 or 90 }
  end
  for _, r in ipairs(pool) do
    if r.role == role then
      units[#units + 1] = { treated = false, g = r.owner, rec = r, y = r[outcome], scale = scale,
        max = outcome == "uao" and 300 or 90 }
    end
  end
  for _, u in ipairs(units) do
    local r = u.rec
    u.x = { 1, u.treated and 1 or 0, r.year, r.male, r.sen == "E" and 1 or 0, r.sen == "K" and 1 or 0, r.fsm,
            r[cov], r[other], r.px }
  end
  return units
end

local PUB_A = { est = 13.7, lo = -3.94, hi = 31.37, p = 0.128, mean_t = 37.3, mean_c = 23.6 }
local PUB_X = { est = 1.4, lo = -1.22, hi = 4.03, p = 0.295, mean_t = 5.4, mean_c = 4.0 }

local unitsA = units_for("A", "ua", "fx", "uao", TREND)
local unitsX = units_for("X", "fx", "ua", "fxo", 1)
tune(unitsA, TARGET_A, PUB_A, "absences (trend ratio 1.28)")
tune(unitsX, TARGET_X, PUB_X, "exclusions")
local function write_back(units, outcome) for _, u in ipairs(units) do u.rec[outcome] = u.y end end
write_back(unitsA, "uao")
write_back(unitsX, "fxo")

-- 2018/19: the number of Year 8 pupils and their total sessions whose mean,
-- over the 2015/16 mean, is nearest 1.28.
local n1516, s1516 = year8_1516()
local m1516 = s1516 / n1516
local n1819, s1819, best = nil, nil, math.huge
for n = 5400, 5700 do
  local s = math.floor(TREND * m1516 * n + 0.5)
  local r = (s / n) / m1516
  if math.abs(r - TREND) < best then n1819, s1819, best = n, s, math.abs(r - TREND) end
end
local ratio = (s1819 / n1819) / m1516
say("  trend ratio %.7f (Year 8 means %.4f and %.4f)", ratio, m1516, s1819 / n1819)
for _, u in ipairs(unitsA) do if not u.treated then u.scale = ratio end end
tune(unitsA, TARGET_A, PUB_A, "absences (exact trend ratio)")
write_back(unitsA, "uao")
-- the 2015/16 Year 8 total moves with the comparison outcomes: settle it
for _ = 1, 5 do
  local n2, s2 = year8_1516()
  if s2 == s1516 then break end
  n1516, s1516 = n2, s2
  m1516 = s1516 / n1516
  ratio = (s1819 / n1819) / m1516
  for _, u in ipairs(unitsA) do if not u.treated then u.scale = ratio end end
  tune(unitsA, TARGET_A, PUB_A, "absences (exact trend ratio)")
  write_back(unitsA, "uao")
end

-- ===== check with the recipe's own matcher and estimator =====

pool = sort_pool(pool)
local f = frame_of(pool)
local function check_sets(sets, role, k)
  for i = 1, NT do
    local own = 0
    for _, c in ipairs(sets[i] or {}) do if pool[c].role == role and pool[c].owner == i then own = own + 1 end end
    assert(own == k, string.format("%s matching: pupil %d got %d of its %d planted neighbours", role, i, own, k))
  end
end
local mA, setsA = match(f, MCOV_A, 10)
local mX, setsX = match(f, MCOV_X, 4)
check_sets(setsA, "A", 10)
check_sets(setsX, "X", 4)
local function means_ok(m, want, covs, n)
  local b = m:balance({ variance = "sample", sd = "pooled", binary = "std" })
  for _, row in ipairs(b.rows) do
    local key = ({ ncyear_pre = "year", boy = "male", ehc = "ehc", sen_support = "sup", fsm = "fsm",
                   ua_pre = "ua", fx_pre = "fx" })[row.covariate]
    local got = row.mean_control_adj * n
    assert(math.abs(got - want[key]) < 1e-6, string.format("matched sum of %s: %.6f, not %d", key, got, want[key]))
  end
end
-- Tables 9 and 10 before matching, to the printed digits.
do
  local printed = { ncyear_pre = { "4.853426", ".3483897" }, boy = { ".511572", ".6573874" },
    ehc = { ".0181656", ".5339973" }, sen_support = { ".121276", ".9153376" }, fsm = { ".0825881", ".7542699" },
    ua_pre = { "1.067981", ".5601378" }, fx_pre = { ".0934189", ".90775" } }
  local function half(s) return 0.5 * 10 ^ -#(s:match("%.(%d+)")) end
  for _, covs in ipairs({ MCOV_A, MCOV_X }) do
    local b = cmatch.balance({ data = f, treat = "back_on_track", covariates = covs, variance = "sample", sd = "pooled", binary = "std" })
    for _, row in ipairs(b.rows) do
      local pm, ps = printed[row.covariate][1], printed[row.covariate][2]
      assert(math.abs(row.mean_control - tonumber(pm)) <= half(pm) and math.abs(row.smd - tonumber(ps)) <= half(ps),
        string.format("before matching, %s: %.8f and %.8f do not round to %s and %s", row.covariate,
          row.mean_control, row.smd, pm, ps))
    end
  end
end
means_ok(mA, MATCHED_A, MCOV_A, 470)
means_ok(mX, MATCHED_X, MCOV_X, 188)
local effA = mA:effect({ outcome = "ua_post", adjust = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "ua_pre",
  "fx_pre", "px_pre" }, rescale_control = ratio, normal = true })
local effX = mX:effect({ outcome = "fx_post", adjust = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "fx_pre",
  "ua_pre", "px_pre" }, normal = true })
for _, c in ipairs({ { effA, PUB_A, "absences" }, { effX, PUB_X, "exclusions" } }) do
  local e, pub = c[1], c[2]
  say("  %s: %s", c[3], tostring(e))
  assert(printed_ok(e.estimate, e.se, pub), c[3] .. ": csc.match.effect does not give Table 3")
  assert(math.abs(e.mean_treated - pub.mean_t) < 0.05 and math.abs(e.mean_treated - e.estimate - pub.mean_c) < 0.05,
    c[3] .. ": the averages do not round to Table 3's")
  assert(math.abs(e.p_value - 2 * (1 - ncdf(math.abs(e.estimate / e.se)))) < 1e-6)
end

-- ===== write =====

local function write_csv(path, header, rows)
  local fh = assert(io.open(path, "w"))
  fh:write(table.concat(header, ","), "\n")
  for _, row in ipairs(rows) do
    local cells = {}
    for j, v in ipairs(row) do cells[j] = tostring(v) end
    fh:write(table.concat(cells, ","), "\n")
  end
  fh:close()
  -- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
  require("csc.synthetic").write(path, { generator = "data/nwd_back_on_track/gen.lua", seed = SEED })
end

local header = {}
for j, c in ipairs(COLUMNS) do header[j] = c end
header[#header + 1] = "n_pupils"
local rows = {}
local function add(r, tr)
  local row = as_row(r, tr)
  local last = rows[#rows]
  if last then
    local same = true
    for j = 1, #row do if last[j] ~= row[j] then same = false; break end end
    if same then last[#last] = last[#last] + 1; return end
  end
  row[#row + 1] = 1
  rows[#rows + 1] = row
end
for _, t in ipairs(T) do add(t, true) end
for _, r in ipairs(pool) do add(r, false) end
write_csv(OUTDIR .. "/pupils.csv", header, rows)

if PUPIL_LEVEL then
  local prow, id = {}, 0
  local h = { "pupil_id" }
  for _, c in ipairs(COLUMNS) do h[#h + 1] = c end
  local function addp(r, tr)
    id = id + 1
    local row = { string.format("P%05d", id) }
    for _, v in ipairs(as_row(r, tr)) do row[#row + 1] = v end
    prow[#prow + 1] = row
  end
  for _, t in ipairs(T) do addp(t, true) end
  for _, r in ipairs(pool) do addp(r, false) end
  write_csv(PUPIL_LEVEL, h, prow)
end

-- Year 8 unauthorised absence, North Yorkshire, 2013/14 to 2018/19: 2015/16
-- from the pool, 2018/19 for the ratio; the other years a gradual rise.
local y8 = {}
local RISE = { ["2013/14"] = 0.91, ["2014/15"] = 0.95, ["2016/17"] = 1.07, ["2017/18"] = 1.16 }
local N8 = { ["2013/14"] = 5392, ["2014/15"] = 5418, ["2016/17"] = 5455, ["2017/18"] = 5476 }
for _, y in ipairs({ "2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19" }) do
  local n, s
  if y == "2015/16" then n, s = n1516, s1516
  elseif y == "2018/19" then n, s = n1819, s1819
  else n = N8[y]; s = math.floor(RISE[y] * m1516 * n + 0.5) end
  y8[#y8 + 1] = { y, n, s }
end
write_csv(OUTDIR .. "/year8_absence.csv", { "academic_year", "year8_pupils", "ua_sessions" }, y8)
say("wrote %s/pupils.csv (%d rows for %d pupils) and %s/year8_absence.csv in %.1fs", OUTDIR, #rows,
  NT + NPOOL, OUTDIR, os.clock() - t0)
return 0
