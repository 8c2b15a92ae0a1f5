-- csc.published: figures as printed (tolerance from the last digit), tables
-- typed in as the report printed them, the recipe's checks hook, and
-- frame:uncount.
local H = ...
local published = require("csc.published")
local runner = require("csc.runner")
local json = require("csc.json")
local frame = require("csc.frame")
local sys = require("host.sys")

H.case("a printed figure gives its value and half a unit of its last digit", function()
  local v, t = published.parse_printed(".5601378")
  H.eq(v, 0.5601378); H.eq(t, 0.5e-7, 1e-12)
  v, t = published.parse_printed("-.0031752")
  H.eq(v, -0.0031752); H.eq(t, 0.5e-7, 1e-12)
  v, t = published.parse_printed("13.7")
  H.eq(v, 13.7); H.eq(t, 0.05, 1e-12)
  v, t = published.parse_printed("4")
  H.eq(v, 4); H.eq(t, 0.5)
  v, t = published.parse_printed("7,377")
  H.eq(v, 7377); H.eq(t, 0.5)
  v, t = published.parse_printed("−1.22")        -- a typographic minus, as PDFs print it
  H.eq(v, -1.22); H.eq(t, 0.005, 1e-12)
  for _, bad in ipairs({ "", ".", "1.", "1e5", "abc", "1..2", ",1", "1,,2", "12%" }) do
    H.eq(published.parse_printed(bad), nil, nil)
  end
end)

H.case("a table entry stands for one figure a cell, keys from the templates", function()
  local list = published.expand({
    { source = "Table 9", label = "Table 9: {name}, {column}", estimate = "m.{key}.{column}",
      columns = { smd_before = "SMD before" }, tolerance = 0,
      rows = {
        { "key", "name", "mean_before", "smd_before", "effect:p" },
        { "age", "Age", "15.93", "-.0031752", false },
        { "n", "Pupils", 47, { printed = "4", tolerance = 0.05, note = "read as 4.0" }, ".128" },
      } },
    { label = "one", printed = "1.28" },
    { source = "{tab}", label = "{tab}: {k}", estimate = "x.{k}.{column}", rows = {
      { "tab", "k", "mean" }, { "Table 9", "a", "1.5" }, { "Table 10", "b", "2.5" } } },
    { label = "two", estimate = "x", value = 3, tolerance = 1 },
  })
  H.eq(#list, 9)
  H.eq(list[7].source, "Table 9"); H.eq(list[8].source, "Table 10"); H.eq(list[8].label, "Table 10: b")
  H.eq(list[1].label, "Table 9: Age, mean_before")
  H.eq(list[1].estimate, "m.age.mean_before")
  H.eq(list[1].value, 15.93); H.eq(list[1].tolerance, 0.005, 1e-12); H.eq(list[1].printed, "15.93")
  H.eq(list[2].label, "Table 9: Age, SMD before")
  H.eq(list[2].value, -0.0031752)
  H.eq(list[3].estimate, "m.n.mean_before"); H.eq(list[3].value, 47); H.eq(list[3].tolerance, 0)
  H.eq(list[4].tolerance, 0.05); H.eq(list[4].value, 4); H.eq(list[4].note, "read as 4.0")
  H.eq(list[5].estimate, "m.n.effect"); H.eq(list[5].field, "p"); H.eq(list[5].value, 0.128)
  H.eq(list[5].path, "published[1].rows[3][5]")
  H.eq(list[6].estimate, "one"); H.eq(list[6].tolerance, 0.005, 1e-12)
  H.eq(list[7].tolerance, 0.05, 1e-12); H.eq(list[7].estimate, "x.a.mean")
  H.eq(list[9].tolerance, 1)
end)

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-published-" .. tostring(os.time()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(dir)
assert(sys.write_atomic(dir .. "/d.csv", "g,y,n\na,1,2\nb,3,1\n"))

local function recipe(name, published_text, checks)
  local p = dir .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "m.a.mean", value = 0.56014, p = 0.1284 }
    ctx:estimate{ label = "m.b.mean", value = 0.4 }
  end },
  published = { %s },
  %s
}
]], dir .. "/d.csv", published_text, checks or "")))
  return p
end

local function results(id)
  return json.decode(assert(sys.read(dir .. "/out/" .. id .. "/results.json")))
end

H.case("printed figures and tables are compared and shown as printed", function()
  local p = recipe("printed", [[
    { label = "a", estimate = "m.a.mean", printed = ".5601378" },
    { label = "T: {k} {column}", estimate = "m.{k}.{column}", source = "Table 1",
      rows = { { "k", "mean", "mean:p" }, { "a", ".56", ".128" }, { "b", ".39", false } } },
  ]])
  runner.run(p, { out = dir .. "/out", formats = { "json", "md" } })
  local pub = results("printed").published
  H.eq(#pub, 4)
  H.eq(pub[1].within, false)                 -- 0.56014 is not 0.5601378 to 7 digits
  H.eq(pub[1].printed, ".5601378")
  H.eq(pub[2].label, "T: a mean"); H.eq(pub[2].within, true)
  H.eq(pub[3].field, "p"); H.eq(pub[3].within, true)   -- p 0.1284 rounds to .128
  H.eq(pub[4].within, false)                 -- 0.4 does not round to .39
  H.ok(sys.read(dir .. "/out/printed/report.md"):find("| .5601378 |", 1, true))
end)

H.case("published mistakes name the entry or cell", function()
  H.raises("published[1].printed: \"1.2.3\" is not a number as printed",
    runner.run, recipe("badprinted", [[ { label = "a", printed = "1.2.3" }, ]]), { out = dir .. "/out" })
  H.raises("published[1].tolerance: is required with value",
    runner.run, recipe("notol", [[ { label = "a", value = 1 }, ]]), { out = dir .. "/out" })
  H.raises("published[1].label: {kk} is not a column of the header row (did you mean \"k\"?)",
    runner.run, recipe("badkey", [[ { label = "{kk}", estimate = "m.{k}.mean",
      rows = { { "k", "mean" }, { "a", "1" } } }, ]]), { out = dir .. "/out" })
  H.raises("published[1].rows[3]: has 1 cells and the header row 2",
    runner.run, recipe("shortrow", [[ { label = "{k}", estimate = "m.{k}.mean",
      rows = { { "k", "mean" }, { "a", "1" }, { "b" } } }, ]]), { out = dir .. "/out" })
  H.raises("published[1].columns.maen: \"maen\" is not a figure column of the header row (did you mean \"mean\"?)",
    runner.run, recipe("badwords", [[ { label = "{k}", estimate = "m.{k}.mean", columns = { maen = "Mean" },
      rows = { { "k", "mean" }, { "a", "1" } } }, ]]), { out = dir .. "/out" })
  H.raises("published[1].rows[2][2]: no estimate labelled \"m.c.mean\"",
    runner.run, recipe("badcell", [[ { label = "{k}", estimate = "m.{k}.mean",
      rows = { { "k", "mean" }, { "c", "1" } } }, ]]), { out = dir .. "/out", formats = { "json" } })
end)

H.case("the checks hook runs after the design and can record figures and stop the run", function()
  local p = recipe("checks", [[ { label = "sig", estimate = "a_significant", value = 0, tolerance = 0 }, ]], [[
  checks = function(ctx)
    local a = ctx:get("m.a.mean")
    ctx:estimate{ label = "a_significant", value = a.p < ctx.alpha and 1 or 0, detail = true }
    if ctx.data.d:nrow() ~= 2 then error("expected two rows") end
  end,]])
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  H.eq(results("checks").published[1].within, true)
  local bad = recipe("checkfail", "", [[
  checks = function(ctx) error("the intervention group spans more than one cohort") end,]])
  H.raises("checkfail.lua:10: the intervention group spans more than one cohort", runner.run, bad,
    { out = dir .. "/out", formats = { "json" } })
end)

H.case("frame:uncount repeats each row by its count and drops the count", function()
  local f = frame.new({ names = { "g", "n" }, columns = { { "a", "b", "c" }, { 2, 0, 3 } } })
  local g = f:uncount("n")
  H.eq(g:names(), { "g" })
  H.eq(g:column("g"), { "a", "a", "c", "c", "c" })
  H.raises('no column "m"', f.uncount, f, "m")
  local h = frame.new({ names = { "g", "n" }, columns = { { "a", "b" }, { 1, -2 } } })
  H.raises('uncount: column "n", row 2: the count is not a whole number of 0 or more', h.uncount, h, "n")
end)
