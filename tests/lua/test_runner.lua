-- csc.runner end to end on small recipes: published fields, optional
-- inputs, atomic output folders.
local H = ...
local runner = require("csc.runner")
local json = require("csc.json")
local sys = require("host.sys")

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-runner-" .. tostring(os.time()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(dir)
assert(sys.write_atomic(dir .. "/d.csv", "g,y\na,1\nb,3\n"))

local function recipe(name, extra_inputs, published)
  local text = string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q }%s },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "diff", value = 2, se = 0.5, p = 0.0312, ci = { 1.02, 2.98 }, n = 2 }
    ctx:estimate{ label = "has_context", value = ctx.data.context and 1 or 0 }
  end },
  published = { %s },
}
]], dir .. "/d.csv", extra_inputs or "", published or "")
  local p = dir .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, text))
  return p
end

local function results(id)
  return json.decode(assert(sys.read(dir .. "/out/" .. id .. "/results.json")))
end

H.case("published entries compare any field of an estimate", function()
  local p = recipe("fields", nil, [[
    { label = "difference", estimate = "diff", value = 2, tolerance = 0 },
    { label = "p", estimate = "diff", field = "p", value = 0.031, tolerance = 0.001 },
    { label = "lower", estimate = "diff", field = "ci_low", value = 1, tolerance = 0.01 },
    { label = "upper", estimate = "diff", field = "ci_high", value = 3.1, tolerance = 0.05 },
  ]])
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  local pub = results("fields").published
  H.eq(#pub, 4)
  H.eq(pub[2].reproduced, 0.0312)
  H.eq(pub[2].field, "p")
  H.eq(pub[2].within, true)
  H.eq(pub[3].reproduced, 1.02)
  H.eq(pub[3].within, false)          -- 1.02 is 0.02 from 1, over the 0.01 allowed
  H.eq(pub[4].within, false)
end)

H.case("a field the estimate lacks is a recipe error naming the entry", function()
  local p = recipe("nofield", nil, [[
    { label = "n", estimate = "has_context", field = "se", value = 1, tolerance = 0 },
  ]])
  H.raises('published[1].field: the estimate "has_context" has no se', runner.run, p,
    { out = dir .. "/out", formats = { "json" } })
end)

H.case("an optional input that is absent is left out and recorded", function()
  local p = recipe("optional", string.format(", context = { path = %q, optional = true }", dir .. "/absent.csv"))
  runner.run(p, { out = dir .. "/out", formats = { "json", "md" } })
  local res = results("optional")
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e.value end
  H.eq(by.has_context, 0)
  local ctx_in
  for _, i in ipairs(res.inputs) do if i.name == "context" then ctx_in = i end end
  H.eq(ctx_in.missing, true)
  H.ok(sys.read(dir .. "/out/optional/report.md"):find("not found (optional input; left out)", 1, true))
end)

H.case("an input that is not optional must exist", function()
  local p = recipe("required", string.format(", context = { path = %q }", dir .. "/absent.csv"))
  H.raises("absent.csv not found", runner.run, p, { out = dir .. "/out", formats = { "json" } })
end)

H.case("a failed run leaves the earlier output folder as it was", function()
  local p = recipe("keep")
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  local before = sys.read(dir .. "/out/keep/results.json")
  local bad = recipe("keep", nil, [[ { label = "x", estimate = "nothing", value = 1, tolerance = 0 }, ]])
  H.raises("no estimate labelled", runner.run, bad, { out = dir .. "/out", formats = { "json" } })
  H.eq(sys.read(dir .. "/out/keep/results.json"), before)
  for _, f in ipairs(sys.listdir(dir .. "/out")) do H.ok(not f:find("partial", 1, true), f) end
end)

H.case("the data section counts missing values by reason and names replaced inputs", function()
  assert(sys.write_atomic(dir .. "/s.csv", "g,y\na,1\nb,c\ne,x\nf,\n"))
  local text = string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q, columns = { "g", "y" }, synthetic = true, generator = "data/gen.lua" } },
  design = { type = "custom", label = "Test design", analyse = function(ctx)
    ctx:estimate{ label = "n", value = ctx.data.d:nrow() }
  end },
}
]], dir .. "/d.csv")
  local p = dir .. "/suppr.lua"
  assert(sys.write_atomic(p, text))
  runner.run(p, { out = dir .. "/out", formats = { "md", "json" }, data = { "d=" .. dir .. "/s.csv" } })
  local md = sys.read(dir .. "/out/suppr/report.md")
  H.ok(md:find("d: missing values in the 2 columns used: 1 blank, 1 suppressed (c), 1 not available (x).", 1, true), md)
  H.ok(md:find("d: read from the file given with --data", 1, true), md)
  H.ok(not md:find("These results use synthetic data", 1, true), md)   -- replaced: not synthetic any more
  H.eq(results("suppr").recipe.design_label, "Test design")
end)

H.case("several recipes run in separate processes: one cannot change the next", function()
  local a = dir .. "/tamper_a.lua"
  local b = dir .. "/tamper_b.lua"
  local body = [[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q } },
  design = { type = "custom", analyse = function(ctx)
    %s
  end },
}
]]
  assert(sys.write_atomic(a, string.format(body, dir .. "/d.csv",
    "local C = ctx.__index; local orig = C.estimate; C.estimate = function(s, e) e.value = 42; return orig(s, e) end")))
  assert(sys.write_atomic(b, string.format(body, dir .. "/d.csv", "ctx:estimate{ label = 'n', value = 1 }")))
  local code = sys.spawn({ sys.exe(), "run", a, b, "--out", dir .. "/sep", "--quiet", "--format", "json" })
  H.eq(code, 0)
  local res = json.decode(sys.read(dir .. "/sep/tamper_b/results.json"))
  H.eq(res.estimates[1].value, 1)
  H.ok(sys.kind(dir .. "/sep/index.md") == "file")
end)

H.case("--data RECIPE:NAME=PATH replaces one recipe's input; plain NAME=PATH applies to every recipe", function()
  assert(sys.write_atomic(dir .. "/two.csv", "g,y\na,1\nb,3\n"))
  assert(sys.write_atomic(dir .. "/three.csv", "g,y\na,1\nb,3\nc,5\n"))
  assert(sys.write_atomic(dir .. "/four.csv", "g,y\na,1\nb,3\nc,5\nd,7\n"))
  local body = [[
return {
  id = %q, title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q } },
  design = { type = "custom", analyse = function(ctx) ctx:estimate{ label = "n", value = ctx.data.d:nrow() } end },
}
]]
  local a, b = dir .. "/qual_a.lua", dir .. "/qual_b.lua"
  assert(sys.write_atomic(a, string.format(body, "qual_a", dir .. "/two.csv")))
  assert(sys.write_atomic(b, string.format(body, "recipe_b", dir .. "/two.csv")))   -- id differs from the file
  local function n_of(id, out)
    return json.decode(assert(sys.read(dir .. "/" .. out .. "/" .. id .. "/results.json"))).estimates[1].value
  end
  -- qualified by file stem (qual_a) and by id (recipe_b): each gets its own file
  local code = sys.spawn({ sys.exe(), "run", a, b, "--out", dir .. "/q1", "--quiet", "--format", "json",
    "--data", "qual_a:d=" .. dir .. "/three.csv", "--data", "recipe_b:d=" .. dir .. "/four.csv" })
  H.eq(code, 0)
  H.eq(n_of("qual_a", "q1"), 3)
  H.eq(n_of("recipe_b", "q1"), 4)
  -- a plain NAME=PATH applies to both; a qualified one wins for its recipe, in either order
  code = sys.spawn({ sys.exe(), "run", a, b, "--out", dir .. "/q2", "--quiet", "--format", "json",
    "--data", "recipe_b:d=" .. dir .. "/four.csv", "--data", "d=" .. dir .. "/three.csv" })
  H.eq(code, 0)
  H.eq(n_of("qual_a", "q2"), 3)
  H.eq(n_of("recipe_b", "q2"), 4)
  -- the rerun command of each report names only the --data that applies to it
  local function command_of(id)
    local txt = sys.read(dir .. "/q2/" .. id .. "/results.json")
    return txt:match('"command": *"([^"]*)"')
  end
  local ca, cb = command_of("qual_a"), command_of("recipe_b")
  H.ok(ca and not ca:find("recipe_b:d=", 1, true) and ca:find("--data d=" .. dir .. "/three.csv", 1, true), ca)
  H.ok(cb and cb:find("--data recipe_b:d=" .. dir .. "/four.csv", 1, true), cb)
  -- in process: the same through the runner
  runner.run(b, { out = dir .. "/q3", formats = { "json" }, data = { "qual_a:d=" .. dir .. "/three.csv" } })
  H.eq(n_of("recipe_b", "q3"), 2)
end)

H.case("--data RECIPE:NAME=PATH naming no recipe of the run, or no input, is a usage error", function()
  local data = require("csc.data")
  local recipes = { { id = "qual_a", path = dir .. "/qual_a.lua" }, { id = "recipe_b", path = dir .. "/qual_b.lua" } }
  H.raises('--data recipe_c:d=x.csv: no recipe "recipe_c" in this run (did you mean "recipe_b"?)',
    data.check_qualified, { "recipe_c:d=x.csv" }, recipes)
  data.check_qualified({ "qual_b:d=x.csv", "d=y.csv" }, recipes)   -- the file stem also names it
  H.raises("expected RECIPE:NAME=PATH with both a recipe", data.parse_override, ":d=x.csv")
  H.raises("expected NAME=PATH or RECIPE:NAME=PATH", data.parse_override, "qual_a:d")
  H.raises('the recipe ' .. dir .. '/qual_a.lua has no input named "e"', runner.run, dir .. "/qual_a.lua",
    { out = dir .. "/q4", formats = { "json" }, data = { "qual_a:e=x.csv" } })
  local code = sys.spawn({ sys.exe(), "check", dir .. "/qual_a.lua", "--quiet", "--data", "nope:d=x.csv" })
  H.eq(code, 2)
end)
