--- Synthetic monthly referrals and no-further-action (NFA) counts for
-- Lincolnshire, April 2017 to March 2019, for recipes/lincs_early_help.lua.
--
--   ./csceval test data/lincs_early_help/gen.lua OUT.csv [C1.csv]
--
-- Why synthetic: the Lincolnshire Partners in Practice evaluation (Ecorys,
-- DfE RR1029, March 2020, Figures 6 and 8) used Lincolnshire County
-- Council's own monthly referral records, which are not published.  Only
-- annual counts are public (DfE children in need census, table C1).
--
-- What is real: the two annual totals of each series.  The twelve months of
-- 2017/18 add up EXACTLY to Lincolnshire's published 2017/18 referrals and
-- NFA referrals, and the twelve months of 2018/19 to its 2018/19 ones.  The
-- totals are read from C1.csv (default
-- ../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv,
-- old_la_code 925); when that file is absent the figures printed in it are
-- used (ANNUAL below) and a message says so.
--
-- What is made up: how each year's total is spread over its months.  The
-- shape follows the report's description of its figures:
--   referrals  a downward trend in 2017/18 (lower numbers from December to
--              March), then a level, slightly rising and less variable
--              series in 2018/19 (the "stabilising effect");
--   NFA share  flat at about 10% in 2017/18, then a drop to about 9% in
--              April 2018 falling to about 7% by March 2019.
-- Each financial year is a straight line (the designed trend, below) plus
-- seeded noise; in 2017/18 the line's fall is made by a step (December to
-- March below the other eight months) rather than a steady decline.  The noise is made orthogonal to that year's own line
-- (residuals of a regression on 1 and t) and scaled to a set standard
-- deviation, so a straight line fitted to each year alone recovers the
-- designed level and slope whatever the seed; the seed only decides the
-- month-to-month pattern.  Counts are then rounded to whole numbers by the
-- largest-remainder rule so each year adds up exactly.  The numbers are
-- deterministic: the same seed and totals give the same bytes.
--
-- The generator does not look at any test result: whether the level and
-- slope changes are "not statistically significant", as the report says,
-- is for the recipe to find, not something tuned here.

local SEED = 20180401

-- Lincolnshire (old_la_code 925), C1 table, referral_count and
-- no_further_action_count: used only when the C1 file is absent.
local ANNUAL = {
  [2018] = { referrals = 7377, nfa = 746 },
  [2019] = { referrals = 7022, nfa = 575 },
}

-- The designed straight lines (t = 1 is April 2017; t = 13 April 2018).
-- Referrals: mean of the year (fixed by the real total) plus slope per month.
local DESIGN = {
  referrals = {
    -- downward pre-trend, variable; the decline comes from lower numbers
    -- from December to March (months 9 to 12 of the year), as the report says
    [2018] = { slope = -4.0, sd = 45, dip = { 9, 10, 11, 12 } },
    [2019] = { slope = 0.5, sd = 12 },    -- levels off, slight increase, steadier
  },
  -- NFA share in % of referrals: line at the first month and slope per month.
  nfa_share = {
    [2018] = { slope = 0.0, sd = 1.2 },              -- flat at the year's share (about 10%)
    [2019] = { start = 9.2, slope = -0.18, sd = 1.0 }, -- about 9% in April 2018 to about 7%
  },
}

local args = { ... }
local out_path = args[1]
local c1_path = args[2] or "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
if not out_path then
  io.stderr:write("usage: csceval test data/lincs_early_help/gen.lua OUT.csv [C1.csv]\n")
  return 2
end

-- ===== Deterministic random numbers (splitmix64: data/lib/splitmix.lua) =====

local splitmix = dofile((debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".") .. "/../lib/splitmix.lua")

local function rng(seed)
  local stream = splitmix.new(seed)
  local function u() return stream:unif() end
  local spare
  return function()                                -- standard normal (Box-Muller)
    if spare then local v = spare; spare = nil; return v end
    local r, a = math.sqrt(-2 * math.log(u())), 2 * math.pi * u()
    spare = r * math.sin(a)
    return r * math.cos(a)
  end
end

-- ===== The real annual totals =====

local function real_totals(path)
  local fh = io.open(path, "rb")
  if not fh then return nil end
  fh:close()
  local frame = require("host.frame")
  local f = assert(frame.read_csv(path))
  local out = {}
  for _, y in ipairs({ 2018, 2019 }) do
    local r = f:filter(string.format(
      'geographic_level == "Local authority" and old_la_code == 925 and time_period == %d', y))
    if r:nrow() ~= 1 then error(string.format("%s: expected one row for Lincolnshire (925) in %d, found %d", path, y, r:nrow())) end
    out[y] = { referrals = math.tointeger(r:value(1, "referral_count")),
               nfa = math.tointeger(r:value(1, "no_further_action_count")) }
  end
  return out
end

local totals = real_totals(c1_path)
if totals then
  io.stderr:write(string.format("annual totals from %s\n", c1_path))
else
  totals = ANNUAL
  io.stderr:write(string.format("%s not found: using the 2017/18 and 2018/19 figures it publishes "
    .. "(referrals 7377 and 7022, NFA 746 and 575)\n", c1_path))
end

-- ===== Shapes =====

-- Residuals of e on (1, t), scaled so their sum of squares is (n - 2) sd^2.
local function orthogonal_noise(e, t, sd)
  local n = #e
  local tb, eb = 0, 0
  for i = 1, n do tb = tb + t[i] / n; eb = eb + e[i] / n end
  local stt, ste = 0, 0
  for i = 1, n do stt = stt + (t[i] - tb) ^ 2; ste = ste + (t[i] - tb) * (e[i] - eb) end
  local b = ste / stt
  local r, ss = {}, 0
  for i = 1, n do r[i] = (e[i] - eb) - b * (t[i] - tb); ss = ss + r[i] ^ 2 end
  local k = sd * math.sqrt((n - 2) / ss)
  for i = 1, n do r[i] = r[i] * k end
  return r
end

-- Whole numbers adding up to total, each as close to x[i] * total / sum(x)
-- as possible (largest remainder; ties go to the earlier month).
local function round_to_total(x, total)
  local s = 0
  for i = 1, #x do s = s + x[i] end
  local out, rem, got = {}, {}, 0
  for i = 1, #x do
    local v = x[i] * total / s
    out[i] = math.floor(v)
    rem[i] = { i = i, r = v - out[i] }
    got = got + out[i]
  end
  table.sort(rem, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.i < b.i end)
  for k = 1, total - got do out[rem[k].i] = out[rem[k].i] + 1 end
  return out
end

local normal = rng(SEED)
local months, refs, nfas = {}, {}, {}
for _, fy in ipairs({ 2018, 2019 }) do
  local t, e1, e2 = {}, {}, {}
  for m = 1, 12 do
    t[m] = (fy - 2018) * 12 + m
    e1[m] = normal()
    e2[m] = normal()
  end
  local dr, dn = DESIGN.referrals[fy], DESIGN.nfa_share[fy]
  local tbar = (t[1] + t[12]) / 2
  local mean = totals[fy].referrals / 12
  local r1 = orthogonal_noise(e1, t, dr.sd)
  local x = {}
  if dr.dip then
    -- A centred step (+1 outside the dip months, -k inside, summing to 0)
    -- scaled so that the line fitted to it has the designed slope.
    local isdip, nd = {}, #dr.dip
    for _, m in ipairs(dr.dip) do isdip[m] = true end
    local step, stt, sts = {}, 0, 0
    for m = 1, 12 do
      step[m] = isdip[m] and -(12 - nd) / nd or 1
      stt = stt + (t[m] - tbar) ^ 2
      sts = sts + (t[m] - tbar) * step[m]
    end
    local a = dr.slope * stt / sts
    for m = 1, 12 do x[m] = mean + a * step[m] + r1[m] end
  else
    for m = 1, 12 do x[m] = mean + dr.slope * (t[m] - tbar) + r1[m] end
  end
  local ref = round_to_total(x, totals[fy].referrals)
  local r2 = orthogonal_noise(e2, t, dn.sd)
  local start = dn.start or (100 * totals[fy].nfa / totals[fy].referrals)
  local t0 = dn.start and t[1] or tbar
  local share, expect = {}, {}
  for m = 1, 12 do
    share[m] = start + dn.slope * (t[m] - t0) + r2[m]
    expect[m] = share[m] / 100 * ref[m]
  end
  local nfa = round_to_total(expect, totals[fy].nfa)
  for m = 1, 12 do
    local cal = fy - 1 + (m >= 10 and 1 or 0)       -- April (m = 1) is month 4 of fy - 1
    local mon = (m + 2) % 12 + 1
    months[#months + 1] = { month = string.format("%04d-%02d", cal, mon), fy = fy }
    refs[#refs + 1], nfas[#nfas + 1] = ref[m], nfa[m]
  end
end

-- ===== Write =====

local lines = { "month,time_period,referral_count,no_further_action_count" }
for i, m in ipairs(months) do
  lines[#lines + 1] = string.format("%s,%d,%d,%d", m.month, m.fy, refs[i], nfas[i])
end
local fh = assert(io.open(out_path, "wb"))
fh:write(table.concat(lines, "\n"), "\n")
fh:close()
-- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
require("csc.synthetic").write(out_path, { generator = "data/lincs_early_help/gen.lua", seed = SEED })
local s = { [2018] = { 0, 0 }, [2019] = { 0, 0 } }
for i, m in ipairs(months) do
  s[m.fy][1] = s[m.fy][1] + refs[i]
  s[m.fy][2] = s[m.fy][2] + nfas[i]
end
io.stderr:write(string.format("wrote %s: 2017/18 referrals %d, NFA %d; 2018/19 referrals %d, NFA %d\n",
  out_path, s[2018][1], s[2018][2], s[2019][1], s[2019][2]))
return 0
