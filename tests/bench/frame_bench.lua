-- csceval's side of tests/bench/run.sh, run through the real binary and
-- its Lua bindings:
--   csceval test tests/bench/frame_bench.lua load|filter|mutate FILE RUNS [OUT]
-- Prints the best wall time in seconds (loading is not timed for filter/mutate)
-- and, with OUT, writes the result for the check against data.table
-- (tests/bench/peer_fread.R writes the same keys) as key,value lines:
--   load: rows, sum_age, sum_score; filter: rows, sum_id; mutate: sum_v.
local frame = require("host.frame")
local sys = require("host.sys")
local what, path, runs, out = arg[1], arg[2], tonumber(arg[3]) or 3, arg[4]
local best = math.huge
local function timed(f)
  local t0 = sys.clock()
  local r = f()
  local t = sys.clock() - t0
  if t < best then best = t end
  return r
end
local function sum(c) local s = 0 for i = 1, #c do s = s + c[i] end return s end
local kv
if what == "load" then
  local f
  for _ = 1, runs do
    f = nil
    collectgarbage()
    f = timed(function() return assert(frame.read_csv(path)) end)
  end
  kv = { { "rows", f:nrow() }, { "sum_age", sum(f:column("age")) }, { "sum_score", sum(f:column("score")) } }
else
  local f = assert(frame.read_csv(path))
  local r
  for _ = 1, runs do
    r = nil
    collectgarbage()
    if what == "filter" then
      r = timed(function() return f:filter('age >= 10 and age < 16 and la == "abc"') end)
    else
      r = timed(function() return f:mutate("v", "log(score + 1) * 2 - age / 3") end)
    end
  end
  if what == "filter" then kv = { { "rows", r:nrow() }, { "sum_id", sum(r:column("id")) } }
  else kv = { { "sum_v", sum(r:column("v")) } } end
end
if out then
  local fh = assert(io.open(out, "w"))
  for _, p in ipairs(kv) do fh:write(string.format("%s,%.17g\n", p[1], p[2])) end
  fh:close()
end
print(string.format("%.4f", best))
return 0
