--- Synthetic authority panel for recipes/nwd_leaving_care.lua: the share of
-- care leavers aged 19-21 in suitable accommodation and in education,
-- employment or training (EET), and the employment rate (aged 16-64), for
-- North Yorkshire and the pool of candidate comparison authorities of the
-- No Wrong Door evaluation, 2002 to 2019.
--
--   ./csceval test data/nwd_leaving_care/gen.lua OUT.csv
--
-- Why synthetic: the evaluation (NatCen, DfE RR1030, March 2020, Appendix 2
-- and Table 5) used LG Inform (2002-2008) and LAIT (2009-2019) series and
-- the ONS Annual Population Survey.  Those long series are not in the shared
-- public data (which starts in 2021), so the recipe runs on this panel, and
-- an analyst who has assembled the real one passes it with
-- --data panel=PATH (same columns).
--
-- What is real: the authorities (old LA codes, names, regions), the pool
-- the report describes (Yorkshire and the Humber, the North East, the East
-- Midlands, and North Yorkshire's statistical neighbours from other regions,
-- here its April 2021 neighbours), the years, the 2014 change of
-- definition (a fall in both measures) and which authorities the report
-- chose as comparisons.
--
-- What is made up: every value.  Each authority's series is a straight line
-- (North Yorkshire's plus an offset in level and trend set below), a common
-- fall in 2014 and, for employment, a common 2009-2012 recession dip, plus
-- seeded noise.  The noise of each authority is made orthogonal to its own
-- pre-2019 line (residuals on 1, t and the 2014 dummy), so the designed
-- offsets are exactly what a line fitted to it finds.  The offsets put the
-- report's comparison authorities close to North Yorkshire in level and
-- trend (and in employment), and every other candidate clearly apart, so
-- that an itsamatch-style selection (p > 0.05) picks the report's sets.
--
-- Calibration (this is how "the published scale" is reached, openly): two
-- numbers per outcome are tuned - the scale of the noise and North
-- Yorkshire's 2019 value - until the comparative ITS (csc.its, as the
-- recipe runs it: pooled comparators, 2014 dummy, 2018 excluded, Newey-West
-- lag 0 or 2, t inference) gives the published impact and the published
-- 95% confidence interval.  The p-value is not tuned: it follows from the
-- estimate, the interval and the residual degrees of freedom.  So the
-- recipe's agreement with Table 5 on this panel is by construction; what
-- the recipe demonstrates is the analysis, which runs unchanged on the
-- real panel.
--
-- Values are written with 2 decimals; the calibration is done on the
-- rounded file, so what the recipe reads is what was calibrated.

-- The seed: the first whole number from 1 up for which the itsamatch-style
-- selection below picks exactly the report's comparison sets (seed 1 does).
local SEED = 1

local args = { ... }
local out_path = args[1]
if not out_path then
  io.stderr:write("usage: csceval test data/nwd_leaving_care/gen.lua OUT.csv\n")
  return 2
end

local its = require("csc.its")
local frame = require("host.frame")

-- ===== The authorities =====

local YH, NE, EM = "Yorkshire and The Humber", "North East", "East Midlands"
local UNITS = {
  { 815, "North Yorkshire", YH },
  { 370, "Barnsley", YH }, { 380, "Bradford", YH }, { 381, "Calderdale", YH },
  { 371, "Doncaster", YH }, { 811, "East Riding of Yorkshire", YH },
  { 810, "Kingston upon Hull, City of", YH }, { 382, "Kirklees", YH }, { 383, "Leeds", YH },
  { 812, "North East Lincolnshire", YH }, { 813, "North Lincolnshire", YH },
  { 372, "Rotherham", YH }, { 373, "Sheffield", YH }, { 384, "Wakefield", YH }, { 816, "York", YH },
  { 841, "Darlington", NE }, { 840, "County Durham", NE }, { 390, "Gateshead", NE },
  { 805, "Hartlepool", NE }, { 806, "Middlesbrough", NE }, { 391, "Newcastle upon Tyne", NE },
  { 392, "North Tyneside", NE }, { 929, "Northumberland", NE }, { 807, "Redcar and Cleveland", NE },
  { 393, "South Tyneside", NE }, { 808, "Stockton-on-Tees", NE }, { 394, "Sunderland", NE },
  { 831, "Derby", EM }, { 830, "Derbyshire", EM }, { 856, "Leicester", EM },
  { 855, "Leicestershire", EM }, { 925, "Lincolnshire", EM }, { 928, "Northamptonshire", EM },
  { 892, "Nottingham", EM }, { 891, "Nottinghamshire", EM }, { 857, "Rutland", EM },
  -- North Yorkshire's statistical neighbours (April 2021 groupings) in other regions
  { 895, "Cheshire East", "North West" }, { 896, "Cheshire West and Chester", "North West" },
  { 877, "Warrington", "North West" }, { 937, "Warwickshire", "West Midlands" },
  { 885, "Worcestershire", "West Midlands" }, { 860, "Staffordshire", "West Midlands" },
  { 823, "Central Bedfordshire", "East of England" }, { 869, "West Berkshire", "South East" },
}
local TREATED = 815

-- The report's comparison sets (Appendix 2).
local COMPARATORS = {
  acc = { 925, 860, 384 },                       -- Lincolnshire, Staffordshire, Wakefield
  eet = { 383, 925, 392, 928, 860, 384 },         -- Leeds, Lincolnshire, North Tyneside,
}                                                 -- Northamptonshire, Staffordshire, Wakefield

-- North Yorkshire's lines: value at the first year, slope per year, the
-- 2014 fall (definition change), and the years of each series.
local BASE = {
  acc = { first = 2002, level = 74.0, slope = 0.45, fall = -9.0 },
  eet = { first = 2003, level = 49.0, slope = 0.50, fall = -7.0 },
  emp = { first = 2005, level = 75.5, slope = 0.12, dip = -2.0, sd = 1.0 },  -- recession 2009-2012
}
-- First-order autocorrelation of the noise.  The report chose lag 2 for EET
-- (Stata varsoc on North Yorkshire's series), so that series had serial
-- correlation; for accommodation it chose lag 0.
local RHO = { acc = 0.0, eet = 0.5, emp = 0.5 }
-- Year-to-year noise (standard deviation, percentage points) of the
-- candidates the report did not choose: about what an authority's published
-- percentage of 100 to 300 care leavers moves by.  North Yorkshire's and
-- the comparison authorities' noise is set by the calibration below.
local NOISE_OTHERS = { acc = 4.0, eet = 5.0 }

-- Offsets from North Yorkshire (level at the first year, trend per year)
-- for the authorities the report chose: close in both.  Leeds, North
-- Tyneside and Northamptonshire were chosen for EET only, so their
-- accommodation series is set apart.
local NAMED = {
  [925] = { acc = { 1.2, -0.08 }, eet = { -1.5, 0.10 }, emp = { -0.8, 0.03 } },
  [860] = { acc = { -1.0, 0.10 }, eet = { 1.0, -0.05 }, emp = { 0.6, -0.02 } },
  [384] = { acc = { 0.8, -0.12 }, eet = { 2.0, -0.12 }, emp = { -1.2, 0.04 } },
  [383] = { acc = { -18.0, 0.20 }, eet = { -1.8, 0.08 }, emp = { -1.0, 0.04 } },
  [392] = { acc = { 4.0, -1.90 }, eet = { 1.5, 0.12 }, emp = { -0.6, -0.03 } },
  [928] = { acc = { -20.0, 0.40 }, eet = { -0.8, -0.10 }, emp = { 1.0, 0.02 } },
}

-- The published scale each outcome is calibrated to (Table 5): the impact in
-- 2019 and the ends of its 95% confidence interval.  For EET the report
-- prints "-6.9" and "21", whose midpoint 7.05 rounds to the printed 7.1;
-- 7.06 is used so the estimate rounds to 7.1 unambiguously.
local TARGET = {
  acc = { estimate = 7.20, half_width = (19.21 - (-4.81)) / 2, lag = 0 },
  eet = { estimate = 7.06, half_width = (21 - (-6.9)) / 2, lag = 2 },
}
-- How the comparison authorities depart from their own trend in 2019
-- ("worse than predicted" for accommodation, "not a marked change" for EET).
local COMP_2019 = { acc = -3.0, eet = -0.5 }

-- ===== Deterministic random numbers (splitmix64: data/lib/splitmix.lua) =====

local splitmix = dofile((debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or ".") .. "/../lib/splitmix.lua")

local function rng(seed)
  local stream = splitmix.new(seed)
  local function u() return stream:unif() end
  local spare
  return {
    u = u,
    normal = function()
      if spare then local v = spare; spare = nil; return v end
      local r, a = math.sqrt(-2 * math.log(u())), 2 * math.pi * u()
      spare = r * math.sin(a)
      return r * math.cos(a)
    end,
  }
end
local R = rng(SEED)

-- Offsets for the other candidates: each is set clearly apart from North
-- Yorkshire in one way, cycling through: a different level, a different
-- trend, or a different employment rate (outcomes close, so only the
-- matching covariate tells them apart).
local function draw(lo, hi) return lo + (hi - lo) * R.u() end
local function sign() return R.u() < 0.5 and -1 or 1 end
local OFFSETS = {}
do
  local k = 0
  for _, u in ipairs(UNITS) do
    local code = u[1]
    if code == TREATED then
      OFFSETS[code] = { acc = { 0, 0 }, eet = { 0, 0 }, emp = { 0, 0 }, why = "treated" }
    elseif NAMED[code] then
      OFFSETS[code] = NAMED[code]
    else
      k = k + 1
      local mode = (k - 1) % 3
      local o = {}
      for _, v in ipairs({ "acc", "eet" }) do
        -- Authorities differ a lot in these measures (20 to 30 points between
        -- neighbours is common); accommodation is kept below 100%.
        if mode == 0 then                                                     -- other level
          o[v] = { (v == "acc" and -1 or sign()) * draw(20, 28), draw(-0.2, 0.2) }
        elseif mode == 1 then                                                 -- different trend
          local s = v == "acc" and -1 or sign()
          o[v] = { -s * draw(10, 14), s * draw(1.8, 2.4) }
        else o[v] = { draw(-2, 2), draw(-0.15, 0.15) } end                   -- close
      end
      o.emp = mode == 2 and { sign() * draw(5, 8), draw(-0.05, 0.05) }         -- employment apart
        or { draw(-1.5, 1.5), draw(-0.05, 0.05) }
      OFFSETS[code] = o
    end
  end
end

-- ===== Noise patterns =====

local YEARS = {}
for y = 2002, 2019 do YEARS[#YEARS + 1] = y end

-- Residuals of e on the columns of Z (over the listed positions), scaled so
-- that their sum of squares is (n - #Z) (unit residual variance).
local function orthogonal(e, Z)
  local n, k = #e, #Z
  -- normal equations (k <= 3): A b = c, solved by Gauss-Jordan
  local A, c = {}, {}
  for i = 1, k do
    A[i], c[i] = {}, 0
    for j = 1, k do
      local s = 0
      for r = 1, n do s = s + Z[i][r] * Z[j][r] end
      A[i][j] = s
    end
    for r = 1, n do c[i] = c[i] + Z[i][r] * e[r] end
  end
  for i = 1, k do
    local p = A[i][i]
    for j = 1, k do A[i][j] = A[i][j] / p end
    c[i] = c[i] / p
    for r = 1, k do
      if r ~= i then
        local f = A[r][i]
        for j = 1, k do A[r][j] = A[r][j] - f * A[i][j] end
        c[r] = c[r] - f * c[i]
      end
    end
  end
  local out, ss = {}, 0
  for r = 1, n do
    local v = e[r]
    for i = 1, k do v = v - c[i] * Z[i][r] end
    out[r], ss = v, ss + v * v
  end
  local m = math.sqrt((n - k) / ss)
  for r = 1, n do out[r] = out[r] * m end
  return out
end

-- noise[var][code][year]: unit-variance pattern, orthogonal to the unit's own
-- pre-2019 line (and, for the outcomes, to the 2014 dummy).
local noise = { acc = {}, eet = {}, emp = {} }
for _, u in ipairs(UNITS) do
  local code = u[1]
  for _, v in ipairs({ "acc", "eet", "emp" }) do
    local first = BASE[v].first
    local pos, e, Z = {}, {}, { {}, {} }
    if v ~= "emp" then Z[3] = {} end
    local prev = 0
    for _, y in ipairs(YEARS) do
      if y >= first and y <= 2017 then
        pos[#pos + 1] = y
        prev = RHO[v] * prev + math.sqrt(1 - RHO[v] ^ 2) * R.normal()
        e[#e + 1] = prev
        Z[1][#e], Z[2][#e] = 1, y - first
        if Z[3] then Z[3][#e] = y >= 2014 and 1 or 0 end
      end
    end
    local o = orthogonal(e, Z)
    local t = {}
    for i, y in ipairs(pos) do t[y] = o[i] end
    t[2018] = R.normal()
    t[2019] = R.normal()
    noise[v][code] = t
  end
end
-- The comparators' 2019 noise averages 0 within each comparison set, so
-- their mean departure in 2019 is exactly COMP_2019.
for _, v in ipairs({ "acc", "eet" }) do
  local set, m = COMPARATORS[v], 0
  for _, c in ipairs(set) do m = m + noise[v][c][2019] / #set end
  for _, c in ipairs(set) do noise[v][c][2019] = noise[v][c][2019] - m end
  noise[v][TREATED][2019] = 0
end

-- ===== Values =====

local in_set = { acc = {}, eet = {} }
for v, set in pairs(COMPARATORS) do for _, c in ipairs(set) do in_set[v][c] = true end end

local function value(v, code, y, scale, ny2019)
  local b, o = BASE[v], OFFSETS[code][v]
  if y < b.first then return nil end
  local x = b.level + o[1] + (b.slope + o[2]) * (y - b.first)
  if b.fall and y >= 2014 then x = x + b.fall end
  if b.dip and y >= 2009 and y <= 2012 then x = x + b.dip end
  if v ~= "emp" and code ~= TREATED and not in_set[v][code] then scale = NOISE_OTHERS[v] end
  x = x + scale * noise[v][code][y]
  if y == 2019 and v ~= "emp" then
    if code == TREATED then x = x + ny2019
    elseif in_set[v][code] then x = x + COMP_2019[v] end
  end
  if v ~= "emp" and code ~= TREATED and not in_set[v][code] then x = math.max(1, math.min(99, x)) end  -- keep it a percentage
  return x
end

local function write(path, p)
  local lines = { "old_la_code,la_name,region_name,time_period,suitable_accommodation_pct,eet_pct,employment_rate" }
  local function f2(x) return x and string.format("%.2f", x) or "x" end
  for _, u in ipairs(UNITS) do
    for _, y in ipairs(YEARS) do
      local name = u[2]:find(",") and ('"' .. u[2] .. '"') or u[2]
      lines[#lines + 1] = string.format("%d,%s,%s,%d,%s,%s,%s", u[1], name, u[3], y,
        f2(value("acc", u[1], y, p.acc.scale, p.acc.ny)), f2(value("eet", u[1], y, p.eet.scale, p.eet.ny)),
        f2(value("emp", u[1], y, BASE.emp.sd, 0)))
    end
  end
  local fh = assert(io.open(path, "wb"))
  fh:write(table.concat(lines, "\n"), "\n")
  fh:close()
end

local COL = { acc = "suitable_accommodation_pct", eet = "eet_pct" }

local function cits(path, v)
  local f = assert(frame.read_csv(path))
  local P = its.panel{ data = f, unit = "old_la_code", time = "time_period", value = COL[v],
    covariates = { "employment_rate" } }
  local r = P:cits{ treated = TREATED, comparators = COMPARATORS[v], interruption = 2019,
    definition_change = 2014, exclude = { 2018 }, lag = TARGET[v].lag }
  return r, P
end

-- ===== Calibrate =====

local params = { acc = { scale = 5, ny = 5 }, eet = { scale = 5, ny = 5 } }
local tmp = out_path .. ".tmp"
-- First the noise scale, which sets the interval's half-width (North
-- Yorkshire's own 2019 value is fitted exactly, so it does not move the
-- standard error); then North Yorkshire's 2019 value alone, which moves the
-- estimate one for one without re-rounding any other value.
for _, stage in ipairs({ "scale", "ny" }) do
  for _ = 1, 40 do
    write(tmp, params)
    local done = true
    for _, v in ipairs({ "acc", "eet" }) do
      local r = cits(tmp, v)
      local est, hw = r.impact.estimate, r.impact.conf_high - r.impact.estimate
      local tg = TARGET[v]
      if stage == "scale" then
        if math.abs(hw - tg.half_width) > 0.0005 then done = false end
        params[v].scale = params[v].scale * tg.half_width / hw
      end
      if math.abs(est - tg.estimate) > 0.001 then done = false end
      params[v].ny = params[v].ny + (tg.estimate - est)
    end
    if done then break end
  end
end
write(out_path, params)
os.remove(tmp)
-- csceval's synthetic-data mark beside the file (lua/csc/synthetic.lua)
require("csc.synthetic").write(out_path, { generator = "data/nwd_leaving_care/gen.lua", seed = SEED })

-- ===== Check what the recipe will find =====

local ok = true
for _, v in ipairs({ "acc", "eet" }) do
  local r, P = cits(out_path, v)
  local i = r.impact
  io.stderr:write(string.format("%s: noise scale %.4f, North Yorkshire 2019 offset %.4f; impact %.3f "
    .. "(95%% CI %.3f to %.3f, p = %.4f, df %s)\n", v, params[v].scale, params[v].ny, i.estimate,
    i.conf_low, i.conf_high, i.p_value, tostring(r.df)))
  local m = P:match{ treated = TREATED, before = 2019, exclude = { 2018 }, covariates = { "employment_rate" },
    method = "itsamatch", threshold = 0.05, lag = TARGET[v].lag }
  local kept, want = {}, {}
  for _, c in ipairs(m.kept) do kept[#kept + 1] = tonumber(c) end
  for _, c in ipairs(COMPARATORS[v]) do want[#want + 1] = c end
  table.sort(kept); table.sort(want)
  local same = table.concat(kept, ",") == table.concat(want, ",")
  io.stderr:write(string.format("%s: itsamatch keeps %s (%s the report's set)\n", v,
    table.concat(kept, ", "), same and "=" or "NOT"))
  ok = ok and same
end
if not ok then
  io.stderr:write("the synthetic panel does not give the report's comparison sets; change the offsets\n")
  return 1
end
io.stderr:write("wrote " .. out_path .. "\n")
return 0
