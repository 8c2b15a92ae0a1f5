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

local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-published-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
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

-- ===== Figures typed in a file beside the recipe =====

local function figures_file(name, text)
  sys.mkdirs(dir .. "/published")
  assert(sys.write_atomic(dir .. "/published/" .. name .. ".csv", text))
end

H.case("a published file gives one figure a row, the entry's fields as defaults, in list order", function()
  figures_file("fig", 'label,printed,value,tolerance,estimate,note\n'
    .. '"a, as printed",.5601378,,,m.a.mean,"the report\'s ""a"""\n'
    .. 'b,,0.4,0.01,m.b.mean,\n'
    .. 'b again,,0.3,,m.b.mean,\n')
  local p = recipe("fromfile", [[
    { label = "first", estimate = "m.a.mean", value = 0.56, tolerance = 0.001 },
    { file = "published/fig.csv", source = "Table 2", tolerance = 0.2 },
    { label = "last", estimate = "m.b.mean", printed = ".4" },
  ]])
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  local pub = results("fromfile").published
  H.eq(#pub, 5)
  local by = {}
  for _, x in ipairs(pub) do by[x.label] = x end
  H.eq({ by["a, as printed"].printed, by["a, as printed"].within, by["a, as printed"].note, by["a, as printed"].source },
    { ".5601378", false, 'the report\'s "a"', "Table 2" })
  H.eq({ by.b.published, by.b.tolerance, by.b.within }, { 0.4, 0.01, true })
  H.eq({ by["b again"].tolerance, by["b again"].within }, { 0.2, true })   -- the entry's default tolerance
  H.ok(by.first and by.last, "plain entries around the file entry are kept")
  -- the same figures typed in the recipe give the same comparison
  local q = recipe("inline", [[
    { label = "first", estimate = "m.a.mean", value = 0.56, tolerance = 0.001 },
    { label = "a, as printed", estimate = "m.a.mean", printed = ".5601378", source = "Table 2",
      note = 'the report\'s "a"' },
    { label = "b", estimate = "m.b.mean", value = 0.4, tolerance = 0.01, source = "Table 2" },
    { label = "b again", estimate = "m.b.mean", value = 0.3, tolerance = 0.2, source = "Table 2" },
    { label = "last", estimate = "m.b.mean", printed = ".4" },
  ]])
  runner.run(q, { out = dir .. "/out", formats = { "json" } })
  H.eq(results("inline").published, pub)
end)

H.case("mistakes in a published file name the file, line and column", function()
  local function raises(name, text, want)
    figures_file(name, text)
    H.raises(want, runner.run, recipe(name, string.format('{ file = "published/%s.csv" },', name)),
      { out = dir .. "/out", formats = { "json" } })
  end
  local f = dir .. "/published/"
  raises("badcol", "lable,value,tolerance\na,1,0\n", f .. 'badcol.csv:1: column "lable" is not a field of a '
    .. 'published figure (did you mean "label"?)')
  raises("badnum", "label,value,tolerance\na,1,0\nb,x,0\n", f .. 'badnum.csv:3: value: "x" is not a number')
  raises("short", "label,value,tolerance\na,1\n", f .. "short.csv:2: 2 cells, and the header names 3 columns")
  raises("notol", "label,value\na,1\n", f .. "notol.csv:2: tolerance: is required with value")
  raises("quote", 'label,printed\n"a,4\n', f .. "quote.csv:2: a quoted field is not closed")
  raises("noest", "label,estimate,printed\na,m.z.mean,4\n", f .. 'noest.csv:2: no estimate labelled "m.z.mean"')
  H.raises("published figures file not found", runner.run,
    recipe("nofile", '{ file = "published/none.csv" },'), { out = dir .. "/out" })
end)

H.case("a table as printed can be typed in a CSV file (rows_file), with the same figures as rows", function()
  figures_file("tbl", 'k,mean,mean:p\na,.56,.128\nb,.39,\n')
  local p = recipe("rowsfile", [[
    { label = "T: {k} {column}", estimate = "m.{k}.{column}", source = "Table 1",
      rows_file = "published/tbl.csv" },
  ]])
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  local q = recipe("rowsinline", [[
    { label = "T: {k} {column}", estimate = "m.{k}.{column}", source = "Table 1",
      rows = { { "k", "mean", "mean:p" }, { "a", ".56", ".128" }, { "b", ".39", false } } },
  ]])
  runner.run(q, { out = dir .. "/out", formats = { "json" } })
  local pub = results("rowsfile").published
  H.eq(#pub, 3)                              -- the empty cell is a figure not printed
  H.eq(pub, results("rowsinline").published)
  figures_file("tblshort", 'k,mean\na\n')
  H.raises(dir .. "/published/tblshort.csv:2: 1 cells, and the header names 2 columns", runner.run,
    recipe("tblshort", '{ label = "{k}", estimate = "m.{k}.{column}", rows_file = "published/tblshort.csv" },'),
    { out = dir .. "/out" })
  H.raises("give rows or rows_file, not both", runner.run, recipe("both", [[
    { label = "{k}", estimate = "m.{k}.{column}", rows_file = "published/tbl.csv", rows = { { "k" }, { "a" } } },
  ]]), { out = dir .. "/out" })
  H.raises("published figures file not found (rows_file", runner.run,
    recipe("nofile2", '{ label = "{k}", estimate = "m.{k}.{column}", rows_file = "published/none.csv" },'),
    { out = dir .. "/out" })
end)

H.case("csv_rows reads quoted fields, doubled quotes and line breaks as written", function()
  local util = require("csc.util")
  local rows = util.csv_rows('a,b\n"x, y","say ""hi"""\n\n"two\nlines",\r\nlast,"1"\n')
  H.eq(#rows, 4)
  H.eq({ rows[2][1], rows[2][2], rows[2].line }, { "x, y", 'say "hi"', 2 })
  H.eq({ rows[3][1], rows[3][2], rows[3].line }, { "two\nlines", "", 4 })
  H.eq({ rows[4][1], rows[4][2], rows[4].line }, { "last", "1", 6 })
  H.eq({ util.csv_rows('a,"b"c\n') }, { nil, 'text after a closing quote (write "" for a quote inside a quoted field)', 1 })
end)

H.case("a source names its report by reference, an input its data set by name (data/reports.csv, data/datasets.csv)", function()
  local sources = require("csc.sources")
  local s = { reference = "RR1030", tables = { "Table 4" } }
  sources.fill(s)
  H.eq({ s.publisher, s.year, s.file }, { "Department for Education", 2020, "../shared/seeds/000_8ff97da3c18f70f3.txt" })
  H.ok(s.report:find("No Wrong Door", 1, true), s.report)
  local own = { reference = "RR1029", report = "my words", tables = { "T" } }
  sources.fill(own)
  H.eq({ own.report, own.year }, { "my words", 2020 })       -- the recipe's own field wins
  local new = { reference = "XYZ1", tables = { "T" } }
  sources.fill(new)
  H.eq(new.report, nil)                                      -- not listed: left as written
  -- an input that names a shared data set takes its path, description and columns
  local inputs = { sn = { dataset = "statistical_neighbours_2021" },
    lait = { dataset = "lait_key_measures", description = "mine", optional = true }, own = { path = "x.csv" } }
  sources.fill_inputs(inputs)
  H.eq(inputs.sn.path, "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv")
  H.eq({ inputs.lait.description, inputs.lait.optional, inputs.lait.columns[1] }, { "mine", true, "measure_short" })
  H.eq(inputs.own, { path = "x.csv" })
  if sys.kind("../shared/data") == "dir" then
    for name, rec in pairs(sources.datasets()) do H.ok(sys.kind(rec.path) == "file", name .. ": " .. rec.path) end
  end
  -- every record names a seed report that exists beside the checkout
  for ref, rec in pairs(sources.catalogue()) do
    H.ok(rec.report and rec.publisher and rec.year, ref)
    if sys.kind("../shared/seeds") == "dir" then H.eq(sys.kind(rec.file), "file") end
  end
end)

-- A property of an estimate as a figure: significant (p < the run's
-- alpha), sign and positive, against values worked out by hand.
local function flags_recipe(name, alpha, published_text)
  local p = dir .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", alpha = %s,
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "up", value = 2.5, p = 0.01 }
    ctx:estimate{ label = "down", value = -0.25, p = 0.12 }
    ctx:estimate{ label = "flat", value = 0, p = 0.05 }
    ctx:estimate{ label = "nop", value = 3 }
  end },
  published = { %s },
}
]], alpha, dir .. "/d.csv", published_text)))
  return p
end

H.case("significant, sign and positive compare a property of an estimate", function()
  local rows = [[
    { label = "T: {k}, {column}", estimate = "{k}", tolerance = 0, rows = {
      { "k", "x:significant", "x:sign", "x:positive" },
      { "up", 1, 1, 1 }, { "down", 0, -1, 0 }, { "flat", 0, 0, 0 } } },
    { label = "down significant", estimate = "down", field = "significant", value = 1, tolerance = 0 },
  ]]
  runner.run(flags_recipe("flags05", "0.05", rows), { out = dir .. "/out", formats = { "json", "md" } })
  local pub = results("flags05").published
  H.eq(#pub, 10)
  -- p = 0.01 < 0.05: 1; p = 0.12: 0; p = 0.05 is not below 0.05: 0
  H.eq({ pub[1].reproduced, pub[4].reproduced, pub[7].reproduced }, { 1, 0, 0 })
  H.eq({ pub[2].reproduced, pub[5].reproduced, pub[8].reproduced }, { 1, -1, 0 })
  H.eq({ pub[3].reproduced, pub[6].reproduced, pub[9].reproduced }, { 1, 0, 0 })
  for i = 1, 9 do H.eq(pub[i].within, true, nil, pub[i].label) end
  H.eq(pub[10].within, false); H.eq(pub[10].field, "significant")
  H.eq(pub[1].method, "1 when the p-value (0.010) is below the run's alpha (0.05), else 0")
  H.ok(pub[2].method:find("sign of the estimate (2.5)", 1, true))
  H.ok(sys.read(dir .. "/out/flags05/report.md"):find("below the run's alpha (0.05)", 1, true))
  -- the run's alpha decides: at 0.2, p = 0.12 is significant
  runner.run(flags_recipe("flags20", "0.2", rows), { out = dir .. "/out", formats = { "json" } })
  pub = results("flags20").published
  H.eq({ pub[4].reproduced, pub[7].reproduced, pub[10].reproduced, pub[10].within }, { 1, 1, 1, true })
  -- an estimate without a p-value has no significance to compare
  H.raises('the estimate "nop" has no significant to compare with', runner.run, flags_recipe("flagsnop", "0.05",
    [[ { label = "n", estimate = "nop", field = "significant", value = 0, tolerance = 0 }, ]]),
    { out = dir .. "/out", formats = { "json" } })
end)

H.case("an unknown published field is a recipe error with a did-you-mean", function()
  local errors = require("csc.errors")
  local p = flags_recipe("flagsbad", "0.05",
    [[ { label = "n", estimate = "up", field = "signficant", value = 0, tolerance = 0 }, ]])
  local ok, raw = pcall(runner.run, p, { out = dir .. "/out", formats = { "json" } })
  H.eq(ok, false)
  local e = errors.from_host(raw, "run")
  H.eq(e.kind, "recipe")
  H.ok(tostring(raw):find('published[1].field', 1, true), tostring(raw))
  H.ok(tostring(raw):find('did you mean "significant"', 1, true), tostring(raw))
  H.raises('published[1].rows[1][2]: "sgn" is not a field of an estimate (did you mean "sign"?)',
    runner.run, flags_recipe("flagsbadcol", "0.05", [[ { label = "{k}", estimate = "{k}", tolerance = 0,
      rows = { { "k", "x:sgn" }, { "up", 1 } } }, ]]), { out = dir .. "/out", formats = { "json" } })
end)

-- A recipe with flags_recipe's estimates and the given top-level fields.
local function text_recipe(name, fields)
  local p = dir .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q",
  source = { report = "r", tables = { "Table 1" } },
  inputs = { d = { path = %q } },
  design = { type = "custom", analyse = function(ctx)
    ctx:estimate{ label = "up", value = 2.5, p = 0.01, ci = { 1.25, 3.75 }, n = 40 }
    ctx:estimate{ label = "a.b", value = -0.25, p = 0.12 }
  end },
  %s
}
]], dir .. "/d.csv", fields)))
  return p
end

H.case("the evidence sentence is filled from the estimates; warnings are listed", function()
  local p = text_recipe("evtext", [[
  evidence = "Up {up} (p = {up.p:%.3f}, CI {up.ci_low:%.2f} to {up.ci_high:%.1f}, n = {up.n:%d}); "
    .. "a.b {a.b:%+.2f}, p {a.b.p}, significant {a.b.significant}, sign {a.b.sign}.",
  warnings = { "The data are made up.", "A second warning." },]])
  runner.run(p, { out = dir .. "/out", formats = { "json" } })
  local doc = results("evtext")
  H.eq(doc.evidence, "Up 2.5 (p = 0.010, CI 1.25 to 3.8, n = 40); a.b -0.25, p 0.12, significant 0, sign -1.")
  H.eq(doc.warnings, { "The data are made up.", "A second warning." })
  -- an evidence text without placeholders is printed as written
  runner.run(text_recipe("evplain", [[ evidence = "Weak: one area, no comparison.", ]]),
    { out = dir .. "/out", formats = { "json" } })
  H.eq(results("evplain").evidence, "Weak: one area, no comparison.")
end)

H.case("evidence placeholders that name no estimate or a bad format are recipe errors naming the field", function()
  local errors = require("csc.errors")
  local function fails(name, fields, text)
    local ok, raw = pcall(runner.run, text_recipe(name, fields), { out = dir .. "/out", formats = { "json" } })
    H.eq(ok, false)
    H.eq(errors.from_host(raw, "run").kind, "recipe")
    local msg = type(raw) == "table" and (raw.msg or tostring(raw)) or tostring(raw)
    H.ok(msg:find(text, 1, true), msg)
  end
  fails("evmissing", [[ evidence = "p = {upp.p:%.3f}", ]],
    'evmissing.lua:9: evidence: {upp.p:%.3f}: no estimate labelled "upp" was produced (did you mean "up"?)')
  fails("evhint", [[ evidence = "{a.c}", ]], 'did you mean "a.b"?')
  fails("evnofield", [[ evidence = "{a.b.n}", ]], 'evidence: {a.b.n}: the estimate "a.b" has no n')
  fails("evformat", [[ evidence = "{up:%s}", ]], 'evformat.lua:9: evidence: {up:%s}: "%s" is not a number format')
  fails("evint", [[ evidence = "{a.b:%d}", ]], "evidence: {a.b:%d}: -0.25 is not a whole number")
  fails("evwarn", [[ warnings = "one", ]], "warnings")
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
  -- a bad count is a data error (exit 3), whatever the words
  local errors = require("csc.errors")
  local ok, raw = pcall(h.uncount, h, "n")
  H.eq({ ok, errors.from_host(raw, "uncount").kind }, { false, "data" })
end)
