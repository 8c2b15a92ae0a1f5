--- Economic evaluation formulas: totals, set-up shares, break-even,
-- savings, prices in one year, Green Book discounting, NPV, benefit-cost
-- ratio, return on investment, payback, IRR, optimism bias and one-way
-- sensitivity.  Pure Lua, no state; every function checks its arguments
-- and raises a plain message (the design adds the recipe field).
-- Each formula is written out, with a worked example, in
-- docs/methods/economic.md; tests/lua/test_econ.lua checks them by hand
-- and against R (tests/reference/econ/).
-- @module csc.econ.formulas
local errors = require("csc.errors")

local M = {}

--- Every failure is a structured recipe error (the numbers came from the
-- recipe): "econ: what is wrong".
local function fail(msg) errors.throw({ kind = "recipe", fn = "econ", detail = msg }) end

local function num(v, what)
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    fail(string.format("%s must be a finite number, got %s", what, tostring(v)))
  end
  return v
end

local function share(v, what)
  num(v, what)
  if v < 0 or v > 1 then
    fail(string.format("%s must be a share between 0 and 1, got %s", what, tostring(v)))
  end
  return v
end

local function flows(v, what)
  if type(v) ~= "table" or #v == 0 then fail(what .. " must be a non-empty list of numbers") end
  for i = 1, #v do num(v[i], string.format("%s[%d]", what, i)) end
  return v
end

-- ===== Totals =====

--- Sum of a list, by Neumaier's compensated summation (exact for the
-- pound amounts of a cost table, which are integers well below 2^53).
function M.sum(xs)
  flows(xs, "values")
  local s, c = 0.0, 0.0
  for i = 1, #xs do
    local x = xs[i]
    local t = s + x
    if math.abs(s) >= math.abs(x) then c = c + ((s - t) + x) else c = c + ((x - t) + s) end
    s = t
  end
  local r = s + c
  if math.type(xs[1]) == "integer" and r == math.floor(r) and math.abs(r) < 2^53 then return math.tointeger(r) end
  return r
end

--- Compare a sum with a printed total.
-- @treturn table {sum, printed, difference = printed - sum, agrees}
-- Agreement is within `tol` (default 0.5: a printed total rounded to the
-- pound agrees with its parts when they differ by less than half a pound).
function M.check_total(parts, printed, tol)
  local s = M.sum(parts)
  num(printed, "printed total")
  tol = tol or 0.5
  local d = printed - s
  return { sum = s, printed = printed, difference = d, agrees = math.abs(d) <= tol }
end

-- ===== Set-up share and break-even =====

--- Running cost: the total less the set-up share, total × (1 − s).
function M.running_cost(total, setup_share)
  num(total, "total cost")
  share(setup_share or 0, "set-up share")
  return total * (1 - (setup_share or 0))
end

--- Break-even number of outcomes avoided: cost / value per outcome, and
-- that number rounded up to a whole outcome (a project that prevents 8.7
-- NEET episodes has not yet repaid its cost; it must prevent 9).
-- @treturn number exact ratio
-- @treturn integer ceiling
function M.break_even(cost, unit_value)
  num(cost, "cost")
  num(unit_value, "value per outcome avoided")
  if unit_value <= 0 then fail("value per outcome avoided must be positive, got " .. tostring(unit_value)) end
  if cost < 0 then fail("cost must not be negative, got " .. tostring(cost)) end
  local x = cost / unit_value
  -- a ratio within 1e-9 of a whole number is that number (floating error)
  local r = math.floor(x + 0.5)
  local up = (math.abs(x - r) <= 1e-9 * math.max(1, x)) and r or math.ceil(x)
  return x, math.tointeger(up)
end

--- Savings from outcome changes: change × unit cost × attribution share.
function M.savings(change, unit_cost, attribution)
  num(change, "outcome change")
  num(unit_cost, "unit cost")
  share(attribution == nil and 1 or attribution, "attribution share")
  return change * unit_cost * (attribution == nil and 1 or attribution)
end

--- Optimism-bias uplift (Green Book, supplementary guidance): cost × (1 + u).
function M.optimism_bias(cost, uplift)
  num(cost, "cost")
  num(uplift, "optimism bias uplift")
  if uplift < 0 then fail("optimism bias uplift must not be negative, got " .. tostring(uplift)) end
  return cost * (1 + uplift)
end

--- Price in the base year: value × D(base) / D(price year), where D is a
-- deflator index (e.g. HM Treasury GDP deflators), a table year -> index.
function M.rebase(value, price_year, base_year, deflators)
  num(value, "value")
  local dp, db = deflators[price_year], deflators[base_year]
  if type(dp) ~= "number" then fail(string.format("no deflator for the price year %s", tostring(price_year))) end
  if type(db) ~= "number" then fail(string.format("no deflator for the base year %s", tostring(base_year))) end
  if dp <= 0 or db <= 0 then fail("deflators must be positive") end
  return value * db / dp
end

-- ===== Discounting (HM Treasury Green Book) =====

--- The Green Book's schedule of declining long-term discount rates: 3.5%
-- for years 0-30, 3.0% for 31-75, 2.5% for 76-125, 2.0% for 126-200,
-- 1.5% for 201-300 and 1.0% beyond (Green Book 2022, Table 8).
M.GREEN_BOOK = { { 30, 0.035 }, { 75, 0.030 }, { 125, 0.025 }, { 200, 0.020 }, { 300, 0.015 }, { math.huge, 0.010 } }

--- Discount factor for year t (t = 0 is the first year, undiscounted, as
-- the Green Book counts years): 1 / (1 + r)^t with a constant rate r, or,
-- when rate is a schedule {{last_year, rate}, ...}, the product of
-- 1 / (1 + r_k) over years 1..t with each year's own rate.
function M.discount_factor(rate, t)
  if math.type(t) ~= "integer" or t < 0 then fail("year must be a whole number 0 or more, got " .. tostring(t)) end
  if type(rate) == "number" then
    num(rate, "discount rate")
    if rate < 0 then fail("discount rate must not be negative, got " .. tostring(rate)) end
    return 1 / (1 + rate) ^ t
  end
  if type(rate) ~= "table" then fail("discount rate must be a number or a schedule {{last_year, rate}, ...}") end
  local f, k = 1.0, 1
  for y = 1, t do
    while rate[k] and y > rate[k][1] do k = k + 1 end
    local r = rate[k] and rate[k][2] or rate[#rate][2]
    f = f / (1 + r)
  end
  return f
end

--- Present value of flows x[1..n] falling in years 0..n-1: Σ x_t / (1+r)^t.
-- (R: sum(x / (1 + r)^(0:(n-1))); Excel's NPV() discounts the first flow
-- too, so it equals this divided by 1 + r.)
function M.present_value(xs, rate)
  flows(xs, "flows")
  local s = 0.0
  for i = 1, #xs do s = s + xs[i] * M.discount_factor(rate, i - 1) end
  return s
end

--- Appraisal of cost and benefit streams by year (years 0..n-1).
-- @tparam table costs list of costs by year
-- @tparam table benefits list of benefits by year (same length)
-- @tparam number|table rate discount rate or schedule (default 0.035)
-- @treturn table {pv_costs, pv_benefits, npv = B − C, bcr = B / C,
--   roi = (B − C) / C, payback = years until cumulative discounted net
--   benefit reaches 0, interpolated within the year (nil if never)}
function M.appraise(costs, benefits, rate)
  flows(costs, "costs")
  flows(benefits, "benefits")
  if #costs ~= #benefits then
    fail(string.format("costs have %d years and benefits %d; give both for the same years", #costs, #benefits))
  end
  rate = rate == nil and 0.035 or rate
  local pc, pb = M.present_value(costs, rate), M.present_value(benefits, rate)
  local out = { pv_costs = pc, pv_benefits = pb, npv = pb - pc }
  if pc > 0 then out.bcr = pb / pc; out.roi = (pb - pc) / pc end
  out.payback = M.payback(costs, benefits, rate)
  return out
end

--- Payback period: when cumulative discounted net benefit first reaches
-- 0.  Flows fall at times t = 0, 1, ... (as in the discounting), and the
-- crossing is interpolated linearly between the two times around it:
-- cumulative C(t-1) < 0 <= C(t) gives (t - 1) + (-C(t-1)) / net(t).
-- Returns 0 when year 0 already nets positive, nil when the streams never
-- pay back.
function M.payback(costs, benefits, rate)
  local cum = 0.0
  for i = 1, #costs do
    local f = M.discount_factor(rate == nil and 0.035 or rate, i - 1)
    local net = (benefits[i] - costs[i]) * f
    if cum + net >= 0 and net > 0 then
      if i == 1 then return 0 end
      return (i - 2) + (-cum) / net
    end
    cum = cum + net
  end
  return nil
end

--- Internal rate of return: the rate r at which the present value of the
-- net flows is 0, by bisection on [lo, hi] (default -0.99 to 10) after
-- checking that the NPV changes sign there.  Returns nil when it does not
-- (no IRR, or more than one).  (R: uniroot(function(r) sum(x/(1+r)^(0:(n-1))), ...).)
function M.irr(net, lo, hi)
  flows(net, "net flows")
  lo, hi = lo or -0.99, hi or 10
  local function f(r) local s = 0.0; for i = 1, #net do s = s + net[i] / (1 + r) ^ (i - 1) end; return s end
  local flo, fhi = f(lo), f(hi)
  if flo == 0 then return lo end
  if fhi == 0 then return hi end
  if (flo > 0) == (fhi > 0) then return nil end
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    local fm = f(mid)
    if fm == 0 or (hi - lo) < 1e-15 then return mid end
    if (fm > 0) == (flo > 0) then lo, flo = mid, fm else hi = mid end
  end
  return (lo + hi) / 2
end

-- ===== One-way sensitivity =====

--- One-way sensitivity: for each input, the outcome with that input at its
-- low and at its high value, all others at base.
-- @tparam function f function(values) -> number, values a table name -> value
-- @tparam table base name -> base value
-- @tparam table ranges list of {name, low, high}
-- @treturn number the base outcome
-- @treturn table list of {name, low, high, out_low, out_high, swing}
function M.one_way(f, base, ranges)
  local b = f(base)
  local out = {}
  for i, r in ipairs(ranges) do
    if base[r.name] == nil then fail(string.format("sensitivity input %q has no base value", tostring(r.name))) end
    local v = {}
    for k, x in pairs(base) do v[k] = x end
    v[r.name] = r.low
    local lo = f(v)
    v[r.name] = r.high
    local hi = f(v)
    out[i] = { name = r.name, label = r.label, low = r.low, high = r.high, out_low = lo, out_high = hi,
               swing = math.abs(hi - lo) }
  end
  return b, out
end

return M
