-- csceval's side of tests/bench/placebo.sh (the bench line placebo_150):
--   csceval test tests/bench/placebo_bench.lua gen FILE        write the panel
--   csceval test tests/bench/placebo_bench.lua run FILE RUNS [OUT]   time the placebo
-- The panel: 150 authorities x 13 years (2013-2025), a referral rate per
-- 10,000 with its own level and trend per authority and noise from a fixed
-- linear congruential generator (so every machine gets the same file);
-- authority 101 has an impact of +40 from 2019.  The timed work is what a
-- recipe does: its.panel on the loaded frame, then placebo-in-space with
-- every other authority as if treated and all the rest as pooled
-- comparators (itsa terms, Newey-West lag 0, i.e. HC1), impact at 2025.
-- Prints the best wall time in seconds; the sum of the 150 impacts and
-- their standard errors go to stderr; with OUT, every authority's impact and
-- standard error are written there as key,value lines (est:CODE, se:CODE) for
-- the check against R (tests/bench/peer_placebo.R writes the same keys).
local its = require("csc.its")
local frame = require("host.frame")
local sys = require("host.sys")
local what, path, runs, out = arg[1], arg[2], tonumber(arg[3]) or 3, arg[4]

if what == "gen" then
  local seed = 20240601
  local function unif()   -- Park-Miller minimal standard generator
    seed = (seed * 48271) % 2147483647
    return seed / 2147483647
  end
  local function normal() -- Box-Muller, one draw per call
    return math.sqrt(-2 * math.log(unif())) * math.cos(2 * math.pi * unif())
  end
  local out = { "code,year,rate" }
  for u = 1, 150 do
    local level, slope = 300 + 400 * unif(), -10 + 20 * unif()
    for y = 2013, 2025 do
      local v = level + slope * (y - 2013) + 25 * normal()
      if u == 1 and y >= 2019 then v = v + 40 end
      out[#out + 1] = string.format("%d,%d,%.3f", 100 + u, y, v)
    end
  end
  assert(sys.write_atomic(path, table.concat(out, "\n") .. "\n"))
  return 0
end

local f = assert(frame.read_csv(path))
local best, res = math.huge, nil
for _ = 1, runs do
  collectgarbage()
  local t0 = sys.clock()
  local P = its.panel{ data = f, unit = "code", time = "year", value = "rate" }
  res = P:placebo{ treated = 101, interruption = 2019, lag = 0, effect_at = 2025 }
  local t = sys.clock() - t0
  if t < best then best = t end
end
local se, sse = 0, 0
for _, row in ipairs(res.rows) do se, sse = se + row.estimate, sse + row.std_error end
io.stderr:write(string.format("csceval: %d units, treated rank %d, p %.4f, sum impact %.10g, sum se %.10g\n",
  res.n, res.rank, res.p_two, se, sse))
if out then
  local fh = assert(io.open(out, "w"))
  for _, row in ipairs(res.rows) do
    fh:write(string.format("est:%s,%.17g\nse:%s,%.17g\n", row.code, row.estimate, row.code, row.std_error))
  end
  fh:close()
end
print(string.format("%.4f", best))
return 0
