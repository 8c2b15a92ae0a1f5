-- frame:aggregate's mean, var and sd against R's mean(), var() and sd() on
-- data that are hard for summation (tests/reference/groupby/make_groupby.R:
-- 13 orders of magnitude, offsets of 1e9 and 1e12, cancellation around
-- +-1e15, one group over three row chunks).  The data are made here by the
-- same integer formula, each step one correctly rounded operation, so they
-- are the same doubles as R's (the first ten rows are checked against R's).
-- The key is a small int64, so this runs the fused group-by
-- (host/data/frameops_gfused.c); the same with a second, constant key runs
-- the general path, which must give the same bytes.
-- Tolerances: the mean within 1 ulp of R's, which sums in long double and
-- refines with a second pass (csceval: a compensated double sum and an
-- fma-corrected division, docs/frames.md); var and sd to 1e-13 relative
-- (both use two passes from the mean, R in long double; the squared
-- deviations are summed plainly in double, about n eps = 1e-11 at worst for
-- 70,000 values, far less in practice).
local H = ...
local frame = require("host.frame")

local ref = {}
for line in io.lines("tests/reference/groupby/expected.csv") do
  local g, q, v = line:match("^([^,]*),([^,]*),([^,]*)$")
  if g and g ~= "group" then
    ref[g] = ref[g] or {}
    ref[g][q] = tonumber(v)
  end
end

local function make()
  local n = 150000
  local k, v, one = {}, {}, {}
  local off = { [0] = 0, 1e9, -1e9, 1e12, 0.1, 0, 0, 0, 0, 0, 0 }
  for i = 0, n - 1 do
    local g = i < 70000 and 0 or (i % 10) + 1
    local a = ((i * 7919) % 20011) - 10000
    local e = (i % 13) - 6
    local p = 10.0 ^ math.abs(e)
    local x = e < 0 and a / p or a * p
    local val = x + off[g]
    if g == 6 then val = a / 3 end
    if g == 7 then val = (a % 2 == 0 and 1e15 or -1e15) + a / 8 end
    k[i + 1], v[i + 1], one[i + 1] = g, val, 1
  end
  return frame.new{ names = { "k", "one", "v" }, columns = { k, one, v } }
end

-- distance in units in the last place
local function ulps(a, b)
  if a == b then return 0 end
  local ia, ib = string.unpack("<i8", string.pack("<d", a)), string.unpack("<i8", string.pack("<d", b))
  return math.abs(ia - ib)
end

H.case("group-by mean, var and sd agree with R on data hard for summation", function()
  local f = make()
  local vals = f:column("v")
  for j = 0, 9 do H.eq(vals[j + 1], ref.data["v" .. j]) end   -- the same doubles as R's
  local spec = { { "n", "count" }, { "mean", "mean", "v" }, { "var", "var", "v" }, { "sd", "sd", "v" } }
  local d = f:aggregate("k", spec)
  local h = f:aggregate({ "k", "one" }, spec)
  H.eq(d:nrow(), 11)
  for r = 1, d:nrow() do
    local g = tostring(math.tointeger(d:value(r, "k")))
    local want = assert(ref[g], "group " .. g)
    H.eq(d:value(r, "n"), want.n)
    local m = d:value(r, "mean")
    if ulps(m, want.mean) > 1 then
      error(string.format("group %s: mean %.17g, R %.17g (%d ulps)", g, m, want.mean, ulps(m, want.mean)))
    end
    for _, q in ipairs({ "var", "sd" }) do
      local got = d:value(r, q)
      if math.abs(got - want[q]) > 1e-13 * math.abs(want[q]) then
        error(string.format("group %s: %s %.17g, R %.17g", g, q, got, want[q]))
      end
    end
    for _, q in ipairs({ "n", "mean", "var", "sd" }) do   -- the general path: the same bytes
      H.eq(string.pack("<d", d:value(r, q)), string.pack("<d", h:value(r, q)))
    end
  end
end)
