-- A design's data preparation as a list of steps (csc.steps): each verb
-- gives what the frame operation written by hand gives; the steps run in the
-- order written; a misspelt verb or field is a recipe error (exit 2) with a
-- "did you mean" naming design.steps[i] and the recipe line; rows a filter
-- or an inner join leaves out are recorded as dropped, an expansion as a
-- note; `csceval check` runs the steps as it runs prepare; and a module can
-- add a verb through the registry.
local H = ...
local steps = require("csc.steps")
local frame = require("csc.frame")
local errors = require("csc.errors")
local runner = require("csc.runner")
local sys = require("host.sys")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-steps-" .. tostring(os.time()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local plain = H.plain

-- A context that keeps what the steps record.
local function recorder()
  return { drops = {}, notes = {},
    drop = function(self, input, n, reason) self.drops[#self.drops + 1] = { input = input, n = n, reason = reason } end,
    note = function(self, text) self.notes[#self.notes + 1] = text end }
end

local pupils = frame.new{ names = { "id", "la", "year", "sex", "n" },
  columns = { { 1, 2, 3, 4, 5 }, { "A", "B", "A", "C", "B" }, { 2017, 2017, 2018, 2018, 2018 },
    { "M", "F", "F", "M", "M" }, { 2, 1, 0, 3, 1 } } }
local pop = frame.new{ names = { "code", "year", "population", "level" },
  columns = { { "A", "B", "A", "B", "E" }, { 2016, 2016, 2017, 2017, 2017 }, { 100, 200, 110, 210, 5000 },
    { "la", "la", "la", "la", "national" } } }
local data = { pupils = pupils, pop = pop }

H.case("steps: each verb gives what the frame operation written by hand gives", function()
  local function same(list, by_hand, label)
    H.eq(plain(steps.run(pupils, list, { data = data, input = "pupils" })), plain(by_hand), label)
  end
  same({ { derive = "boy", as = 'if_else(sex == "M", 1, 0)' } }, pupils:mutate("boy", 'if_else(sex == "M", 1, 0)'),
    "derive")
  same({ { filter = "year == 2018 and n > 0" } }, pupils:filter("year == 2018 and n > 0"), "filter")
  same({ { expand = "n" } }, pupils:uncount("n"), "expand")
  same({ { expand = "weight", optional = true } }, pupils, "expand, optional, column absent")
  same({ { select = { "sex", "id" } } }, pupils:select({ "sex", "id" }), "select")
  same({ { rename = { sex = "gender", la = "code" } } }, pupils:rename({ sex = "gender", la = "code" }), "rename")
  -- join: the other input through its own steps, then the keys
  local other = pop:filter('level == "la"'):mutate("rate_year", "year + 1"):select({ "code", "rate_year", "population" })
  local join_steps = { { filter = 'level == "la"' }, { derive = "rate_year", as = "year + 1" },
    { select = { "code", "rate_year", "population" } } }
  same({ { join = "pop", on = { la = "code", year = "rate_year" }, steps = join_steps } },
    pupils:join(other, { la = "code", year = "rate_year" }, "left"), "left join")
  local inner = pupils:join(other, { la = "code", year = "rate_year" }, "inner")
  same({ { join = "pop", on = { la = "code", year = "rate_year" }, how = "inner", steps = join_steps } }, inner,
    "inner join")
  H.eq(inner:nrow(), 4)   -- C has no population
  same({ { join = "pop", on = { la = "code" }, suffix = { "_pupil", "_pop" } } },
    pupils:join(pop, { la = "code" }, "left", { suffix = { "_pupil", "_pop" } }), "join with suffixes")
  -- reshaping
  local wide = pupils:pivot_wider({ id = { "la" }, names_from = "year", values_from = "n" })
  H.eq(plain(steps.run(pupils:filter("id < 5"):select({ "la", "year", "n" }),
    { { wider = { id = "la", names_from = "year", values_from = "n" } } })),
    plain(pupils:filter("id < 5"):select({ "la", "year", "n" }):pivot_wider({ id = { "la" }, names_from = "year",
      values_from = "n" })), "wider")
  H.eq(wide:names(), { "la", "2017", "2018" })
  same({ { longer = { id = { "id" }, cols = { "la", "sex" }, names_to = "what", values_to = "code" } } },
    pupils:pivot_longer({ id = { "id" }, cols = { "la", "sex" }, names_to = "what", values_to = "code" }), "longer")
end)

H.case("steps: the schema names the misspelt verb, not a field of another verb; one verb a step", function()
  local msg, sub = steps.check_list({ { filter = "a > 1" }, { on = "la", jion = "pop" } })
  H.ok(msg:find('"jion" is not a step verb (did you mean "join"?)', 1, true), msg)
  H.eq(sub, "[2].jion")
  msg, sub = steps.check_list({ { as = "1", generate = "x" } })
  H.ok(msg:find("did you mean derive? it is dplyr's or Stata's generate", 1, true), msg)
  H.eq(sub, "[1].generate")
  msg, sub = steps.check_list({ { derive = "x", as = "1", filter = "x > 0" } })
  H.ok(msg:find("names 2 verbs (derive, filter)", 1, true), msg)
  H.eq(sub, "[1]")
  msg = steps.check_list({ "filter = x > 1" })
  H.ok(msg:find("expected a step table", 1, true), msg)
  msg, sub = steps.check_list({ { join = "pop", on = "la", steps = { { filter = "x", sufix = 1 } } } })
  H.ok(msg:find("unknown field", 1, true), msg)
  H.eq(sub, "[1].steps[1].sufix")
  -- a table of named steps has no order: refused
  msg = steps.check_list({ first = { filter = "x" } })
  H.ok(msg:find("expected a list", 1, true), msg)
end)

H.case("steps: run in the order written", function()
  local list = { { derive = "boy", as = 'if_else(sex == "M", 1, 0)' }, { filter = "boy == 1" },
    { derive = "boy", as = "boy * 10" } }
  local g = steps.run(pupils, list)
  H.eq(plain(g), plain(pupils:mutate("boy", 'if_else(sex == "M", 1, 0)'):filter("boy == 1"):mutate("boy", "boy * 10")))
  H.eq(g:column("boy"), { 10, 10, 10 })
  -- the filter before the column it reads is made: an error naming that step
  local ok, e = pcall(steps.run, pupils, { { filter = "boy == 1" }, { derive = "boy", as = "1" } })
  H.ok(not ok and errors.is(e) and e.kind == "recipe", tostring(e))
  H.ok(tostring(e):find("design.steps[1].filter: ", 1, true) and tostring(e):find('"boy"', 1, true), tostring(e))
end)

H.case("steps: rows a filter or an inner join leaves out are recorded, an expansion noted", function()
  local ctx = recorder()
  local g = steps.run(pupils, { { expand = "n" }, { filter = "year == 2018" },
    { join = "pop", on = { la = "code" }, how = "inner", steps = { { filter = "year == 2017" } } } },
    { data = data, ctx = ctx, input = "pupils" })
  H.eq(pupils:uncount("n"):nrow(), 7)
  H.eq(g:nrow(), 1)   -- of the four 2018 records, three are in C, which pop lacks
  H.eq(#ctx.drops, 3)
  H.eq({ ctx.drops[1].input, ctx.drops[1].n }, { "pupils", 3 })
  H.ok(ctx.drops[1].reason:find("design.steps[2]", 1, true) and ctx.drops[1].reason:find("year == 2018", 1, true),
    ctx.drops[1].reason)
  -- the join's own filter drops rows of pop, recorded against pop
  H.eq({ ctx.drops[2].input, ctx.drops[2].n }, { "pop", 2 })
  H.ok(ctx.drops[2].reason:find("design.steps[3].steps[1]", 1, true), ctx.drops[2].reason)
  H.eq({ ctx.drops[3].input, ctx.drops[3].n }, { "pupils", 3 })
  H.ok(ctx.drops[3].reason:find("no match in pop", 1, true), ctx.drops[3].reason)
  H.eq(#ctx.notes, 1)
  H.ok(ctx.notes[1]:find("n: 5 rows for 7 records", 1, true), ctx.notes[1])
  -- nothing left out, nothing recorded
  local quiet = recorder()
  steps.run(pupils, { { filter = "id > 0" }, { join = "pop", on = { la = "code" } } }, { data = data, ctx = quiet })
  H.eq(#quiet.drops, 0)
end)

-- ===== Through a recipe =====

local rows = { "unit,year,y,count,sex" }
for u = 1, 3 do
  for yr = 2008, 2021 do
    rows[#rows + 1] = string.format("%d,%d,%.3f,%d,%s", u, yr, 10 + u + 0.5 * (yr - 2008) + ((yr * 7 + u) % 5) / 10,
      1 + (yr + u) % 2, u == 2 and "F" or "M")
  end
end
assert(sys.write_atomic(tmp .. "/s.csv", table.concat(rows, "\n") .. "\n"))

local function write_recipe(name, design)
  return H.recipe_file(tmp .. "/" .. name .. ".lua", string.format([[
  inputs = { s = { path = %q } },
  design = {
    type = "its",
    data = "s",
    time = "year", interruption = 2015,
    outcomes = { { name = "y", column = "y2" } },
    steps = {
%s
    },
  },]], tmp .. "/s.csv", design))
end

local GOOD = [[
      { filter = "unit == 1" },
      { derive = "y2", as = "y * 2" },]]

local function run(p, how)
  return pcall(runner[how or "run"], p, { out = tmp .. "/out", formats = { "json" } })
end

local function cli(cmd, p) return H.run_cli(cmd, p, tmp) end

H.case("steps in a recipe: the design analyses the frame the steps make, as prepare would; drops reported", function()
  local function estimates(p)
    local ok, e = pcall(runner.run, p, { out = tmp .. "/out", formats = { "json", "md" } })
    H.ok(ok, tostring(e))
    local id = p:match("([^/]+)%.lua$")
    local res = require("csc.json").decode(sys.read(tmp .. "/out/" .. id .. "/results.json"))
    local t = {}
    for _, est in ipairs(res.estimates) do t[est.label] = est.value end
    return t, sys.read(tmp .. "/out/" .. id .. "/report.md")
  end
  local by_steps, report = estimates(write_recipe("good", GOOD))
  local q = tmp .. "/by_hand.lua"
  assert(sys.write_atomic(q, sys.read(tmp .. "/good.lua"):gsub('data = "s",', ""):gsub("steps = {.-\n    },",
    'prepare = function(data) return data.s:filter("unit == 1"):mutate("y2", "y * 2") end,')))
  local by_hand = estimates(q)
  H.ok(by_steps["y.level_change"] ~= nil, "y.level_change")
  H.eq(by_steps, by_hand)
  H.ok(report:find("s: 28 rows not used: left out by design.steps[1] (filter: unit == 1).", 1, true), "the drop in the report")
end)

H.case("steps in a recipe: a misspelt verb or field is exit 2 with a did-you-mean at design.steps[i]", function()
  for _, t in ipairs({
    { "verb", [[
      { filter = "unit == 1" },
      { dervie = "y2", as = "y * 2" },]], "design.steps[2].dervie", 'did you mean "derive"?', ":11:" },
    { "field", [[
      { filter = "unit == 1" },
      { derive = "y2", ass = "y * 2" },]], "design.steps[2].ass", 'did you mean "as"?', ":11:" },
    { "dplyr's word", [[
      { mutate = "y2", as = "y * 2" },]], "design.steps[1].mutate", "did you mean derive?", ":10:" },
    { "nested", [[
      { derive = "y2", as = "y * 2" },
      { join = "s", on = { "unit", "year" }, steps = { { selct = { "unit", "year" } } } },]],
      "design.steps[2].steps[1].selct", 'did you mean "select"?', ":11:" },
  }) do
    local p = write_recipe("typo_" .. t[1]:gsub("%W", "_"), t[2])
    local ok, e = run(p, "check")
    H.ok(not ok and errors.is(e), t[1] .. ": " .. tostring(e))
    H.eq({ t[1], e.kind, errors.code(e) }, { t[1], "recipe", 2 })
    local msg = tostring(e)
    H.ok(msg:find(t[3], 1, true) and msg:find(t[4], 1, true) and msg:find(t[5], 1, true), t[1] .. ": " .. msg)
    H.eq(cli("check", p), { "exit", 2 })
    H.eq(cli("run", p), { "exit", 2 })
  end
end)

H.case("csceval check runs the steps as it runs prepare: a failing step is found, with its line", function()
  -- valid by the schema; fails only when run: a column the data lack
  local p = write_recipe("bad_column", [[
      { filter = "unit == 1" },
      { derive = "y2", as = "yy * 2" },]])
  local ok, e = run(p, "check")
  H.ok(not ok and errors.is(e), tostring(e))
  H.eq({ e.kind, errors.code(e) }, { "recipe", 2 })
  H.ok(tostring(e):find(p .. ":11: design.steps[2].derive: ", 1, true) and tostring(e):find('"yy"', 1, true),
    tostring(e))
  H.eq(cli("check", p), { "exit", 2 })
  -- a data error in a step keeps its kind: a count that is not a whole number (exit 3)
  local q = write_recipe("bad_count", [[
      { derive = "c", as = "count - 1.5" },
      { expand = "c" },
      { derive = "y2", as = "y" },]])
  ok, e = run(q, "check")
  H.ok(not ok and errors.is(e), tostring(e))
  H.eq({ e.kind, errors.code(e) }, { "data", 3 })
  H.ok(tostring(e):find("design.steps[2].expand", 1, true), tostring(e))
  -- and a good recipe checks
  ok, e = run(write_recipe("good_check", GOOD), "check")
  H.ok(ok, tostring(e))
  -- the design's columns are looked for in the frame the steps make
  local r = write_recipe("missing_made", [[
      { derive = "y3", as = "y * 2" },]])
  ok, e = run(r, "check")
  H.ok(not ok and tostring(e):find('no column "y2" in the frame design.steps make', 1, true), tostring(e))
end)

H.case("steps and prepare are not given together; steps need data", function()
  local p = tmp .. "/both.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { s = { path = %q } },
  design = { type = "its", data = "s", time = "year", interruption = 2015,
    outcomes = { { name = "y", column = "y" } },
    steps = { { filter = "unit == 1" } },
    prepare = function(data) return data.s end },
}
]], tmp .. "/s.csv")))
  local ok, e = run(p, "check")
  H.ok(not ok and errors.is(e) and errors.code(e) == 2, tostring(e))
end)

H.case("steps: a module adds a verb through the registry, and the schema knows it", function()
  local S = require("csc.schema")
  steps.register("keep_first", S.record({
    keep_first = S.integer({ min = 1, doc = "keep_first: the number of rows to keep" }),
  }), function(f, s, env)
    env:drop(f:nrow() - math.min(s.keep_first, f:nrow()), "after the first rows")
    return f:head(s.keep_first)
  end)
  local ok, err = pcall(function()
    H.eq(steps.check_list({ { keep_first = 2 } }), nil)
    local msg, sub = steps.check_list({ { keep_frist = 2 } })
    H.ok(msg and msg:find('did you mean "keep_first"', 1, true), tostring(msg))
    H.eq(sub, "[1].keep_frist")
    local msg2, sub2 = steps.check_list({ { keep_first = 0 } })
    H.ok(msg2 and msg2:find("at least 1", 1, true), tostring(msg2))
    H.eq(sub2, "[1].keep_first")
    local ctx = recorder()
    local g = steps.run(pupils, { { keep_first = 2 } }, { ctx = ctx, input = "pupils" })
    H.eq(g:nrow(), 2)
    H.eq({ ctx.drops[1].n, ctx.drops[1].reason }, { 3, "after the first rows" })
  end)
  steps.unregister("keep_first")
  H.eq(steps.verb_of({ keep_first = 1 }), nil)
  if not ok then error(err, 0) end
end)

H.case("csceval check passes on the recipes whose preparation is steps, and lists what each step did", function()
  for _, id in ipairs({ "lincs_early_help", "lincs_referrals_cits", "nwd_back_on_track", "nwd_leaving_care_lait",
      "example_national_matching" }) do
    local p = "recipes/" .. id .. ".lua"
    local src = sys.read(p)
    H.ok(src:find("\n    steps = {", 1, true) and not src:find("prepare =", 1, true), p .. " prepares its data with steps")
    if src:find("../shared/", 1, true) and sys.kind("../shared/data") ~= "dir" then
      H.skip("check " .. id, "needs ../shared/data (the shared public statistics beside this checkout); not found")
    else
      local ok, res = pcall(runner.check, p, {})
      H.ok(ok, p .. ": " .. tostring(res))
      if ok and res.info then
        local text = table.concat(res.info, "\n")
        H.ok(text:find("design.steps[1] ", 1, true) and text:find("(after design.steps)", 1, true), p .. ": " .. text)
      end
    end
  end
end)
