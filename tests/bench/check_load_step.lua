-- make check (tests/bench/gen_national_check.sh): the scale series' load step
-- (tests/bench/scale_bench.lua load) computes its check values in C.  Its
-- peak memory is meant to be the loader's: reading the outcome column into
-- a Lua array for the check sum (16 bytes a row) put 1.21 x the column data
-- on the step where the loader alone is at 1.02 x.  So here every
-- frame:column call made by the step on a frame of more than one row is
-- counted (none allowed: an aggregate's one-row result may be read), and the
-- values it writes are checked against the row count and the outcome's sum
-- computed here, in Lua, from the same file.
--   csceval test tests/bench/check_load_step.lua FILE.csv
local frame = require("host.frame")
local path = arg[1]
local out = os.tmpname()
local probe = assert(frame.read_csv(path))
local methods = getmetatable(probe).__index
local column, calls = methods.column, 0
methods.column = function(f, ...)
  if f:nrow() > 1 then calls = calls + 1 end
  return column(f, ...)
end
local bench = assert(loadfile("tests/bench/scale_bench.lua"))
local saved, say = arg, print
arg, print = { "load", path, "1", out }, function() end   -- the step prints its seconds
local ok, err = pcall(bench)
arg, print = saved, say
methods.column = column
assert(ok, err)
local kv = {}
for line in io.lines(out) do
  local k, v = line:match("^([^,]+),(.+)$")
  kv[k] = tonumber(v)
end
os.remove(out)
local fail = 0
local function check(ok2, what)
  if not ok2 then fail = fail + 1; io.stderr:write("check_load_step: FAIL ", what, "\n") end
end
check(calls == 0, string.format("the load step read %d column(s) into Lua arrays for its check", calls))
local o, s = probe:column("outcome"), 0
for i = 1, #o do s = s + o[i] end
check(kv.rows == probe:nrow(), string.format("rows %s, the file has %d", tostring(kv.rows), probe:nrow()))
-- summation order differs (C sums by chunk); doubles of 1e5 values: 1e-12
check(kv.sum_outcome and math.abs(kv.sum_outcome - s) <= 1e-12 * math.max(1, math.abs(s)),
  string.format("sum_outcome %s, the column sums to %.17g", tostring(kv.sum_outcome), s))
print(string.format("check_load_step: %s (%d rows, sum of outcome %.17g)",
  fail == 0 and "ok" or "FAILED", probe:nrow(), s))
return fail == 0 and 0 or 1
