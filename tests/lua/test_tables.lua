-- A recipe's declared result tables (csc.tables, `tables = { ... }`) and the
-- verbs they brought to csc.steps: bind and aggregate give what
-- frame.bind_rows and f:aggregate give; a declared table, its CSV and the
-- estimates read from its rows are those a checks hook built by hand gives;
-- a misspelt field is a recipe error (exit 2) with a "did you mean" naming
-- tables[i].<field> and the recipe line; disclosure control applies to the
-- counts columns and to the estimates read from them.
local H = ...
local steps = require("csc.steps")
local frame = require("csc.frame")
local errors = require("csc.errors")
local runner = require("csc.runner")
local json = require("csc.json")
local sys = require("host.sys")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-tables-" .. tostring(os.time()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local plain = H.plain

local a = frame.new{ names = { "la", "year", "n", "kind" },
  columns = { { "A", "B", "A", "B", "C" }, { 2017, 2017, 2018, 2018, 2018 }, { 3, 4, 5, 6, 7 },
    { "x", "y", "x", "x", "y" } } }
local b = frame.new{ names = { "la", "year", "n", "extra" },
  columns = { { "A", "D" }, { 2019, 2019 }, { 1, 2 }, { 0.5, 0.25 } } }
local c = frame.new{ names = { "la", "year", "n" }, columns = { { "E" }, { 2020 }, { 9 } } }
local data = { a = a, b = b, c = c }

H.case("tables verbs: bind and aggregate give what bind_rows and f:aggregate give", function()
  local function same(list, by_hand, label)
    H.eq(plain(steps.run(a, list, { data = data, input = "a" })), plain(by_hand), label)
  end
  same({ { bind = "b" } }, frame.bind_rows({ a, b }), "bind one input")
  same({ { bind = { "b", "c" } } }, frame.bind_rows({ a, b, c }), "bind two inputs, in order")
  same({ { bind = "b", steps = { { filter = 'la == "D"' }, { select = { "la", "n" } } } } },
    frame.bind_rows({ a, b:filter('la == "D"'):select({ "la", "n" }) }), "bind with the input's own steps")
  H.eq(steps.run(a, { { bind = "b" } }, { data = data }):nrow(), 7)
  same({ { aggregate = { { "total", "sum", "n" }, { "rows", "count" } }, by = "year" } },
    a:aggregate({ "year" }, { { "total", "sum", "n" }, { "rows", "count" } }), "aggregate by one column")
  same({ { aggregate = { { "mean_n", "mean", "n" } }, by = { "year", "kind" } } },
    a:aggregate({ "year", "kind" }, { { "mean_n", "mean", "n" } }), "aggregate by two columns")
  same({ { aggregate = { { "q", "quantile", "n", 0.5 }, { "total", "sum", "n" } } } },
    a:aggregate({}, { { "q", "quantile", "n", 0.5 }, { "total", "sum", "n" } }), "aggregate, the whole frame")
  local g = steps.run(a, { { aggregate = { { "total", "sum", "n" } }, by = "year" } })
  H.eq(g:names(), { "year", "total" })
  H.eq(g:column("total"), { 7, 18 })
  -- mistakes: an input that is not one, a function f:aggregate does not know, a misspelt verb
  local ok, e = pcall(steps.run, a, { { bind = "bb" } }, { data = data })
  H.ok(not ok and errors.is(e) and e.kind == "recipe", tostring(e))
  H.ok(tostring(e):find('design.steps[1].bind: "bb" is not among the inputs (did you mean "b"?)', 1, true), tostring(e))
  ok, e = pcall(steps.run, a, { { aggregate = { { "t", "summ", "n" } }, by = "year" } }, { data = data })
  H.ok(not ok and errors.is(e) and e.kind == "recipe" and tostring(e):find("design.steps[1].aggregate", 1, true)
    and tostring(e):find('"summ"', 1, true), tostring(e))
  local msg, sub = steps.check_list({ { agregate = { { "t", "sum", "n" } }, by = "year" } })
  H.ok(msg:find('did you mean "aggregate"?', 1, true), msg)
  H.eq(sub, "[1].agregate")
  msg = steps.check_list({ { summarise = { { "t", "sum", "n" } } } })
  H.ok(msg:find("did you mean aggregate?", 1, true), msg)
  msg, sub = steps.check_list({ { aggregate = { { "t", 1, "n" } } } })
  H.ok(msg:find("expected { name, fn, column[, p] }", 1, true), msg)
  H.eq(sub, "[1].aggregate[1]")
  msg, sub = steps.check_list({ { bind = "b", steps = { { filtre = "n > 1" } } } })
  H.ok(msg:find('did you mean "filter"?', 1, true), msg)
  H.eq(sub, "[1].steps[1].filtre")
end)

-- ===== Through a recipe =====

local rows = { "month,year,referrals,nfa,area" }
for m = 1, 24 do
  rows[#rows + 1] = string.format("%d,%d,%d,%d,%s", m, m <= 12 and 2018 or 2019, 600 + (m * 37) % 90, 50 + (m * 11) % 17,
    m % 3 == 0 and "north" or "south")
end
assert(sys.write_atomic(tmp .. "/monthly.csv", table.concat(rows, "\n") .. "\n"))
assert(sys.write_atomic(tmp .. "/extra.csv", "month,year,referrals,nfa,area\n25,2020,640,61,north\n26,2020,2,1,south\n"))

local INPUTS = string.format([[
  inputs = { monthly = { path = %q }, extra = { path = %q } },
  design = { type = "its", data = "monthly", time = "month", interruption = 13,
    outcomes = { { name = "referrals", column = "referrals" } } },]], tmp .. "/monthly.csv", tmp .. "/extra.csv")

local DECLARED = [[
  tables = {
    { name = "annual", input = "monthly", digits = 2, caption = "By year", note = "Summed.",
      steps = {
        { bind = "extra", steps = { { filter = "referrals > 100" } } },
        { aggregate = { { "referrals", "sum", "referrals" }, { "nfa", "sum", "nfa" } }, by = "year" },
        { derive = "nfa_pct", as = "nfa / referrals * 100" },
      },
      estimates = {
        { label = "annual.referrals.{year}", value = "referrals", unit = "referrals", group = "annual", detail = true },
        { label = "annual.nfa.{year}", value = "nfa", unit = "referrals", group = "annual", detail = true },
      } },
    { name = "by_area", input = "monthly", caption = "By area and year",
      steps = {
        { aggregate = { { "referrals", "sum", "referrals" } }, by = { "area", "year" } },
        { wider = { id = { "area" }, names_from = "year", values_from = "referrals" } },
        { rename = { area = "region" } },
        { select = { "region", "2019", "2018" } },
      } },
  },]]

local BY_HAND = [[
  checks = function(ctx)
    local frame = require("csc.frame")
    local t = frame.bind_rows({ ctx.data.monthly, ctx.data.extra:filter("referrals > 100") })
      :aggregate("year", { { "referrals", "sum", "referrals" }, { "nfa", "sum", "nfa" } })
    for i = 1, t:nrow() do
      for _, k in ipairs({ "referrals", "nfa" }) do
        ctx:estimate{ label = string.format("annual.%s.%d", k, t:value(i, "year")), value = t:value(i, k),
          unit = "referrals", group = "annual", detail = true }
      end
    end
    ctx:table("annual", t:mutate("nfa_pct", "nfa / referrals * 100"), { digits = 2, caption = "By year",
      note = "Summed." })
    ctx:table("by_area", ctx.data.monthly:aggregate({ "area", "year" }, { { "referrals", "sum", "referrals" } })
      :pivot_wider({ id = { "area" }, names_from = "year", values_from = "referrals" })
      :rename({ area = "region" }):select({ "region", "2019", "2018" }), { caption = "By area and year" })
  end,]]

local function write(name, body)
  return H.recipe_file(tmp .. "/" .. name .. ".lua", body)
end

local function run(p, how)
  return pcall(runner[how or "run"], p, { out = tmp .. "/out", formats = { "json", "csv", "md" } })
end

local function cli(cmd, p) return H.run_cli(cmd, p, tmp) end

H.case("tables in a recipe: the same tables, CSV bytes and estimates as a checks hook building them by hand", function()
  local function outputs(name, body)
    local ok, e = run(write(name, INPUTS .. "\n" .. body))
    H.ok(ok, tostring(e))
    local dir = tmp .. "/out/" .. name .. "/"
    local res = json.decode(sys.read(dir .. "results.json"))
    return res, sys.read(dir .. "annual.csv"), sys.read(dir .. "by_area.csv")
  end
  local d, d_annual, d_area = outputs("declared", DECLARED)
  local h, h_annual, h_area = outputs("by_hand", BY_HAND)
  H.eq(d_annual, h_annual, "annual.csv")
  H.eq(d_area, h_area, "by_area.csv")
  H.eq(d.tables, h.tables, "results.json tables")
  H.eq(d.estimates, h.estimates, "results.json estimates")
  -- and they hold what they should: the 2020 row of extra bound, its small row filtered out
  local annual = {}
  for _, est in ipairs(d.estimates) do annual[est.label] = est.value end
  H.eq({ annual["annual.referrals.2020"], annual["annual.nfa.2020"] }, { 640, 61 })
  H.ok(annual["referrals.level_change"] ~= nil, "the design ran")
  H.ok(d_area:find("^region,2019,2018\n"), d_area)
end)

H.case("tables in a recipe: a misspelt field, verb, input or column is exit 2 naming tables[i] and the line", function()
  for _, t in ipairs({
    { "field", DECLARED:gsub('caption = "By year"', 'captoin = "By year"'), "tables[1].captoin",
      'did you mean "caption"?', ":7:" },
    { "verb", DECLARED:gsub("{ aggregate = { { \"referrals\", \"sum\", \"referrals\" } }, by = { \"area\"",
      "{ agregate = { { \"referrals\", \"sum\", \"referrals\" } }, by = { \"area\""), "tables[2].steps[1].agregate",
      'did you mean "aggregate"?', ":19:" },
    { "estimate field", DECLARED:gsub('value = "nfa", unit', 'vaule = "nfa", unit'), "tables[1].estimates[2].vaule",
      'did you mean "value"?', ":15:" },
    { "input", DECLARED:gsub('input = "monthly", digits', 'input = "montly", digits'), "tables[1].input",
      'did you mean "monthly"?', ":7:" },
    { "bound input", DECLARED:gsub('bind = "extra"', 'bind = "extras"'), "tables[1].steps[1].bind",
      'did you mean "extra"?', ":9:" },
    { "estimate column", DECLARED:gsub('value = "nfa", unit', 'value = "nfaa", unit'), "tables[1].estimates[2].value",
      'did you mean "nfa"?', ":15:" },
  }) do
    local p = write("typo_" .. t[1]:gsub("%W", "_"), INPUTS .. "\n" .. t[2])
    local how = t[1]:find("column") and "run" or "check"
    local ok, e = run(p, how)
    H.ok(not ok and errors.is(e), t[1] .. ": " .. tostring(e))
    H.eq({ t[1], e.kind, errors.code(e) }, { t[1], "recipe", 2 })
    local msg = tostring(e)
    H.ok(msg:find(t[3], 1, true) and msg:find(t[4], 1, true) and msg:find(t[5], 1, true), t[1] .. ": " .. msg)
    H.eq(cli("run", p), { "exit", 2 }, t[1])
  end
end)

H.case("tables in a recipe: counts of children are suppressed in the table and in the estimates read from it", function()
  local body = INPUTS:gsub("extra = { path = ", "extra = { record_level = true, path = ") .. "\n" .. [[
  tables = {
    { name = "extra_by_area", input = "extra", counts = { "referrals" },
      steps = { { aggregate = { { "referrals", "sum", "referrals" } }, by = "area" } },
      estimates = { { label = "extra.{area}", value = "referrals" } } },
  },]]
  local ok, e = run(write("small", body))
  H.ok(ok, tostring(e))
  local res = json.decode(sys.read(tmp .. "/out/small/results.json"))
  local est = {}
  for _, x in ipairs(res.estimates) do est[x.label] = x end
  H.eq(est["extra.north"].value, 640)
  H.eq(est["extra.south"].value, nil)   -- 2 referrals: fewer than 5
  local csv = sys.read(tmp .. "/out/small/extra_by_area.csv")
  H.ok(csv:find("north,640", 1, true) and not csv:find("south,2", 1, true), csv)
end)
