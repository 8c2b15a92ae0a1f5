-- csceval's side of tests/bench/run.sh, run through the real binary and
-- its Lua bindings: csceval test tests/bench/frame_bench.lua load|filter|mutate FILE RUNS
-- Prints the best wall time in seconds (loading is not timed for filter/mutate).
local frame = require("host.frame")
local sys = require("host.sys")
local what, path, runs = arg[1], arg[2], tonumber(arg[3]) or 3
local best = math.huge
local function timed(f)
  local t0 = sys.clock()
  local r = f()
  local t = sys.clock() - t0
  if t < best then best = t end
  return r
end
if what == "load" then
  for _ = 1, runs do
    local f = timed(function() return assert(frame.read_csv(path)) end)
    f = nil
    collectgarbage()
  end
else
  local f = assert(frame.read_csv(path))
  for _ = 1, runs do
    if what == "filter" then
      timed(function() return f:filter('age >= 10 and age < 16 and la == "abc"') end)
    else
      timed(function() return f:mutate("v", "log(score + 1) * 2 - age / 3") end)
    end
    collectgarbage()
  end
end
print(string.format("%.4f", best))
return 0
