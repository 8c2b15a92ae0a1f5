-- csc.econ.formulas against hand-worked examples and against base R
-- (tests/reference/econ/make_econ.R -> expected.csv, from flows.csv).
-- Tolerances:
--   1e-12 relative: closed forms (sums of x / (1 + r)^t, ratios); R and Lua
--     both use IEEE doubles and the same operations, so only the order of
--     summation and pow's last bits differ.
--   1e-9 relative: IRR, found by root finding here (bisection to 1e-15) and
--     in R (uniroot, tol 1e-14); both stop within about 1e-14 of the root.
--   exact: break-even rounded up, sums of whole pounds.
local H = ...
local F = require("csc.econ.formulas")

local DIR = "tests/reference/econ/"

local REF, FLOWS = {}, {}
do
  local fh = assert(io.open(DIR .. "expected.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, q, v = line:match("^([^,]+),([^,]+),(.+)$")
    REF[c] = REF[c] or {}
    REF[c][q] = v == "NA" and "NA" or tonumber(v)
  end
  fh:close()
  fh = assert(io.open(DIR .. "flows.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, t, cost, ben = line:match("^([^,]+),(%d+),([^,]+),([^,]+)$")
    FLOWS[c] = FLOWS[c] or { costs = {}, benefits = {} }
    FLOWS[c].costs[tonumber(t) + 1] = tonumber(cost)
    FLOWS[c].benefits[tonumber(t) + 1] = tonumber(ben)
  end
  fh:close()
end

local function ref(case, q)
  local v = REF[case] and REF[case][q]
  if v == nil then H.fail("no reference value " .. case .. "/" .. q, 2) end
  return v
end

H.case("econ: hand-worked examples", function()
  -- 100 a year for three years (years 0, 1, 2) at 10%: 100 + 90.909... + 82.644...
  H.eq(F.present_value({ 100, 100, 100 }, 0.10), 100 + 100 / 1.1 + 100 / 1.21, 1e-15)
  H.eq(F.discount_factor(0.035, 0), 1)
  H.eq(F.discount_factor(0.035, 1), 1 / 1.035, 1e-15)
  -- a cost of 1,000 now repaid by 600 in each of years 1 and 2, undiscounted:
  -- cumulative net -1000, -400, +200: payback at 1 + 400/600 years
  H.eq(F.payback({ 1000, 0, 0 }, { 0, 600, 600 }, 0), 1 + 400 / 600, 1e-15)
  -- flows A undiscounted: cumulative net -100000, -80000, -50000, -10000, +30000
  H.eq(F.payback({ 100000, 20000, 20000, 20000, 20000 }, { 0, 40000, 50000, 60000, 60000 }, 0), 3.25, 1e-15)
  -- BCR 2 and ROI 1 when benefits are twice costs in the same year
  local a = F.appraise({ 50 }, { 100 }, 0.035)
  H.eq(a.bcr, 2); H.eq(a.roi, 1); H.eq(a.npv, 50)
  -- two flows -100 now, +110 next year: IRR 10%
  H.eq(F.irr({ -100, 110 }), 0.10, 1e-12)
  H.eq(F.running_cost(1000, 0.1), 900, 1e-15)
  H.eq(F.savings(10, 250, 0.5), 1250)
  H.eq(F.optimism_bias(1000, 0.2), 1200, 1e-15)
  H.eq(F.rebase(100, 2010, 2019, { [2010] = 50, [2019] = 100 }), 200)
  local c = F.check_total({ 442070, 511271, 642761 }, 1596102)
  H.ok(c.agrees); H.eq(c.sum, 1596102); H.eq(c.difference, 0)
  c = F.check_total({ 442070, 511271, 642761 }, 1592102)
  H.ok(not c.agrees, "a printed total £4,000 off its parts must not agree"); H.eq(c.difference, -4000)
end)

H.case("econ: break-even is rounded up, and a whole number is not pushed to the next", function()
  local x, up = F.break_even(1432891.8, 164110)
  H.eq(up, 9); H.ok(x > 8.7 and x < 8.75)
  x, up = F.break_even(900, 100)
  H.eq(x, 9); H.eq(up, 9)
  -- 0.3 / 0.1 is 2.9999999999999996 in floating point: still 3, not 3 rounded up to 3 and not 2
  x, up = F.break_even(0.3, 0.1)
  H.eq(up, 3)
  x, up = F.break_even(0.30000001, 0.1)
  H.eq(up, 4)
end)

H.case("econ: appraisals match R (constant and Green Book declining rates)", function()
  local cases = {
    { "A", "A_3.5", 0.035 }, { "A", "A_0", 0 }, { "A", "A_10", 0.10 }, { "C", "C_10", 0.10 },
    { "D", "D_greenbook", F.GREEN_BOOK }, { "D", "D_3.5", 0.035 }, { "E", "E_3.5", 0.035 },
  }
  for _, cs in ipairs(cases) do
    local fl = FLOWS[cs[1]]
    local a = F.appraise(fl.costs, fl.benefits, cs[3])
    for _, q in ipairs({ "pv_costs", "pv_benefits", "npv", "bcr", "roi" }) do
      H.eq(a[q], ref(cs[2], q), 1e-12)
    end
    local pb = ref(cs[2], "payback")
    if pb == "NA" then H.eq(a.payback, nil) else H.eq(a.payback, pb, 1e-12) end
  end
  for _, t in ipairs({ 30, 31, 76, 100 }) do
    H.eq(F.discount_factor(F.GREEN_BOOK, t), ref("gb", "factor_" .. t), 1e-12)
  end
end)

H.case("econ: IRR matches uniroot", function()
  for _, c in ipairs({ "A", "C", "D" }) do
    local fl, net = FLOWS[c], {}
    for i = 1, #fl.costs do net[i] = fl.benefits[i] - fl.costs[i] end
    H.eq(F.irr(net), ref(c, "irr"), 1e-9)
  end
  H.eq(F.irr({ 100, 100 }), nil)   -- no sign change: no IRR
end)

H.case("econ: No Wrong Door break-even matches R on both totals", function()
  local unit = F.sum({ 188182, 140038 }) / 2
  for _, b in ipairs({ { "nwd_text", 1592102 }, { "nwd_table", 1596102 } }) do
    H.eq(unit, ref(b[1], "unit_value"))
    local run = F.running_cost(b[2], 0.10)
    H.eq(run, ref(b[1], "running_cost"), 1e-12)
    local x, up = F.break_even(run, unit)
    H.eq(x, ref(b[1], "ratio"), 1e-12)
    H.eq(up, ref(b[1], "rounded_up"))
  end
  H.eq(F.rebase(100, 2010, 2019, { [2010] = 88.4, [2019] = 100.0 }), ref("rebase", "value"), 1e-12)
end)

H.case("econ: one-way sensitivity moves one input at a time", function()
  local f = function(v) return v.a * 10 + v.b end
  local base, res = F.one_way(f, { a = 1, b = 5 }, { { name = "a", low = 0, high = 2 }, { name = "b", low = 0, high = 10 } })
  H.eq(base, 15)
  H.eq(res[1].out_low, 5); H.eq(res[1].out_high, 25); H.eq(res[1].swing, 20)
  H.eq(res[2].out_low, 10); H.eq(res[2].out_high, 20)
end)

H.case("econ: bad inputs are refused with the reason", function()
  H.raises("discount rate must not be negative", F.discount_factor, -0.01, 3)
  H.raises("set-up share must be a share between 0 and 1", F.running_cost, 100, 1.5)
  H.raises("value per outcome avoided must be positive", F.break_even, 100, 0)
  H.raises("attribution share must be a share between 0 and 1", F.savings, 1, 1, 2)
  H.raises("no deflator for the price year 2009", F.rebase, 1, 2009, 2019, { [2019] = 100 })
  H.raises("costs have 2 years and benefits 3", F.appraise, { 1, 2 }, { 1, 2, 3 })
  H.raises("must be a finite number", F.sum, { 1, 0 / 0 })
end)

H.case("economic design: unit costs rebased, set-up rows, savings, appraisal and its sensitivity", function()
  local runner = require("csc.runner")
  local sys = require("host.sys")
  local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-econ-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())
  sys.mkdirs(dir)
  local path = dir .. "/econ_design.lua"
  local fh = assert(io.open(path, "w"))
  fh:write([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic", base_year = "2019",
    deflators = { source = "test index", index = { ["2010"] = 88.4, ["2019"] = 100 } },
    cost_tables = { { name = "c", label = "C", source = "T", years = { "2019", "2020" },
      rows = { { category = "set-up", values = { 100, 0 }, setup = true },
               { category = "running", values = { 300, 600 } } }, printed_total = 1001 } },
    unit_costs = { { name = "u", label = "U", value = 100, source = "S", price_year = "2010", perspective = "local authority" } },
    savings = { { name = "s", label = "S", change = 10, unit_cost = "u", attribution = 0.5 } },
    appraisals = {
      { name = "a", label = "A", years = { "0", "1", "2", "3", "4" },
        costs = { 100000, 20000, 20000, 20000, 20000 }, benefits = { 0, 40000, 50000, 60000, 60000 }, rate = 0.035 },
      { name = "ob", label = "OB", years = { "0", "1" }, costs = { 100, 0 }, benefits = { 0, 150 },
        rate = 0.035, optimism_bias = 0.2 } },
    sensitivity = { { target = "a", measure = "npv", inputs = { { name = "rate", low = 0, high = 0.10 } } } } },
  strength = { level = "none" },
}
]])
  fh:close()
  local res = runner.run(path, { out = dir .. "/out", formats = { "json" } })
  local E = {}
  for _, e in ipairs(res.estimates) do E[e.label] = e.value end
  H.eq(E["cost.c.total"], 1000)
  H.eq(E["cost.c.printed_minus_sum"], 1)             -- printed 1001 against cells 1000: reported
  H.eq(E["cost.c.setup_share"], 0.1)
  H.eq(E["unit_cost.u"], ref("rebase", "value"), 1e-12)
  H.eq(E["saving.s"], 10 * ref("rebase", "value") * 0.5, 1e-12)
  for _, q in ipairs({ "pv_costs", "pv_benefits", "npv", "bcr", "roi", "payback" }) do
    H.eq(E["appraisal.a." .. q], ref("A_3.5", q), 1e-12)
  end
  H.eq(E["appraisal.a.irr"], ref("A", "irr"), 1e-9)
  H.eq(E["sensitivity.a.rate.low"], ref("A_0", "npv"), 1e-12)
  H.eq(E["sensitivity.a.rate.high"], ref("A_10", "npv"), 1e-12)
  -- optimism bias: cost 100 × 1.2; benefit 150 / 1.035
  H.eq(E["appraisal.ob.npv"], 150 / 1.035 - 120, 1e-12)
  local warned = false
  for _, w in ipairs(res.warnings) do if w:find("printed total £1,001", 1, true) then warned = true end end
  H.ok(warned, "a printed total that differs from its cells is a warning")
end)

H.case("economic design: a Green Book appraisal and its sensitivity's base case use the declining rates", function()
  local runner = require("csc.runner")
  local sys = require("host.sys")
  local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-econ-gb-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())
  sys.mkdirs(dir)
  local fl = FLOWS.D
  local years = {}
  for i = 1, #fl.costs do years[i] = string.format("%q", tostring(i - 1)) end
  local path = dir .. "/gb.lua"
  local fh = assert(io.open(path, "w"))
  fh:write(string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } }, inputs = {},
  design = { type = "economic",
    appraisals = { { name = "g", label = "G", years = { %s }, costs = { %s }, benefits = { %s }, schedule = "green_book" } },
    sensitivity = { { target = "g", inputs = { { name = "benefit_scale", low = 0.5, high = 1.5 } } } } },
  strength = { level = "none" },
}
]], table.concat(years, ", "), table.concat(fl.costs, ", "), table.concat(fl.benefits, ", ")))
  fh:close()
  local res = runner.run(path, { out = dir .. "/out", formats = { "json" } })
  local E = {}
  for _, e in ipairs(res.estimates) do E[e.label] = e.value end
  H.eq(E["appraisal.g.npv"], ref("D_greenbook", "npv"), 1e-12)
  H.eq(E["appraisal.g.payback"], ref("D_greenbook", "payback"), 1e-12)
  -- half the benefits: 0.5 × PV(benefits) − PV(costs), under the same schedule
  H.eq(E["sensitivity.g.benefit_scale.low"], 0.5 * ref("D_greenbook", "pv_benefits") - ref("D_greenbook", "pv_costs"), 1e-12)
end)

H.case("economic design: figures read from a CSV input, and a bad row named", function()
  local runner = require("csc.runner")
  local errors = require("csc.errors")
  local sys = require("host.sys")
  local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-econ-fig-" .. tostring(os.time()) .. "-" .. tostring(sys.pid())
  sys.mkdirs(dir)
  local function write(name, text)
    local fh = assert(io.open(dir .. "/" .. name, "w")); fh:write(text); fh:close()
  end
  write("figures.csv", "name,label,value,unit,source,note\nsaving,Saving,194262,£,p. 24,\n"
    .. "cost,Net cost,307335,£,same,typed\nshare,Share,0.56,,same,\n")
  local recipe = [[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T1" } },
  inputs = { figs = { path = "%s/%s", columns = { "name", "label", "value", "source" },
    types = { name = "text", label = "text", unit = "text", source = "text", note = "text" } } },
  design = { type = "economic", figures = { input = "figs" },
    derived = { { name = "total", label = "Total", op = "sum", of = { "saving", "cost" } } } },
  strength = { level = "none" },
}
]]
  write("fig.lua", string.format(recipe, dir, "figures.csv"))
  local res = runner.run(dir .. "/fig.lua", { out = dir .. "/out", formats = { "json" } })
  local E = {}
  for _, e in ipairs(res.estimates) do E[e.label] = e end
  H.eq(E["figure.saving"].value, 194262)
  H.eq(math.type(E["figure.saving"].value), "integer")   -- a whole figure stays whole, as typed in a recipe
  H.eq(E["figure.share"].value, 0.56)
  H.eq(E["figure.cost"].unit, "£")
  H.eq(E["derived.total"].value, 194262 + 307335)
  -- derived quantities from a file too: "of" lists names and numbers
  write("derived.csv", "name,label,op,of,unit,note\nless,Saving less 1000,difference,saving 1000,£,\n")
  write("der.lua", string.format(recipe, dir, "figures.csv"):gsub('derived = %b{}', 'derived = { input = "der" }')
    :gsub("inputs = { ", string.format('inputs = { der = { path = "%s/derived.csv", types = { of = "text" } }, ', dir)))
  res = runner.run(dir .. "/der.lua", { out = dir .. "/out", formats = { "json" } })
  for _, e in ipairs(res.estimates) do E[e.label] = e end
  H.eq(E["derived.less"].value, 194262 - 1000)
  write("bad.csv", "name,label,value,unit,source,note\nsaving,Saving,194262,£,,\n")
  write("bad.lua", string.format(recipe, dir, "bad.csv"))
  local ok, e = pcall(runner.run, dir .. "/bad.lua", { out = dir .. "/out", formats = { "json" } })
  H.ok(not ok and errors.is(e) and e.kind == "recipe", tostring(e))
  H.ok(tostring(e and e.msg or e):find('design.figures: input "figs", row 1: source: ', 1, true), tostring(e and e.msg or e))
end)
