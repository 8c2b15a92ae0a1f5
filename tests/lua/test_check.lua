-- Argument checks and structured errors (csc.check, csc.errors): the host
-- readers and a sort key refuse a misspelt option with a "did you mean" and
-- exit code 2 (every public function and method: test_api_options.lua);
-- ctx:chart checks each chart kind's fields; and the exit code of an engine
-- failure comes from its kind, not from its words.
local H = ...
local check = require("csc.check")
local errors = require("csc.errors")
local runner = require("csc.runner")
local sys = require("host.sys")
local frame = require("csc.frame")
local model = require("csc.model")
local util = require("csc.util")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-check-" .. tostring(os.time()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

-- ===== Small data every function can take =====

-- 3 units x 8 years; t (treated) is unit 1; x overlaps between groups.
local names = { "unit", "year", "y", "x", "t", "date" }
local cols = { {}, {}, {}, {}, {}, {} }
for u = 1, 3 do
  for yr = 2010, 2017 do
    local i = #cols[1] + 1
    cols[1][i], cols[2][i] = u, yr
    cols[3][i] = 10 + u + 0.3 * (yr - 2010) + ((i * 7) % 5) / 10
    cols[4][i] = ((i * 3) % 7) + 0.5 * u
    cols[5][i] = (i % 3 == 0) and 1 or 0
    cols[6][i] = string.format("%d-0%d-01", yr, u)
  end
end
local d = frame.new({ names = names, columns = cols, types = { date = "date" } })

-- ===== Every public function that takes options =====
-- tests/lua/test_api_options.lua reads the public API from the source and
-- calls every function and method with an option table with a misspelt
-- option.  Here: the host readers (not recipe functions, but what an input
-- is read with) and a sort key's own options, which that rule does not see.

-- A misspelling of one of the fields: the longest name with one letter
-- changed, which is not itself a field.
local function misspell(sig)
  local best
  for _, n in ipairs(sig.names) do if not best or #n > #best then best = n end end
  local known = check.set(sig.names)
  for i = #best, 1, -1 do
    for _, c in ipairs({ "q", "z", "x" }) do
      local m = best:sub(1, i - 1) .. c .. best:sub(i + 1)
      if m ~= best and not known[m] then return m, best end
    end
  end
end

-- The frame methods bound in C (host/bind/lframe*.c) check their option
-- tables through lh_checkopts (host/bind/lhelp.c): the same words, a
-- recipe error and a did-you-mean.
local hframe = require("host.frame")
assert(sys.write_atomic(tmp .. "/small.csv", "unit,y\n1,2\n"))
local frame_methods = {
  { "frame.new", { "names", "columns", "types" }, function(o)
    o.names, o.columns = { "a" }, { { 1 } }
    return hframe.new(o)
  end },
  { "read_csv", { "types", "max_field", "origin", "threads", "max_bytes", "max_columns", "max_rows" },
    function(o) return hframe.read_csv(tmp .. "/small.csv", o) end },
  { "read_stat", { "labels", "max_bytes", "max_columns", "max_rows" },
    function(o) return assert(hframe.read_stat("tests/reference/statfiles/children.dta", o)) end },
  -- (max_columns first: the longest name is the one misspelt, and header_rows's misspelling is closer to header_row)
  { "read_workbook", { "types", "origin", "sheet", "max_columns", "header_row", "header_rows", "max_bytes", "max_rows",
    "max_field" }, function(o) return assert(hframe.read_workbook("tests/reference/workbooks/outcomes.xlsx", o)) end },
  { "read_survey_csv", { "types", "origin", "sheet", "max_columns", "header_row", "header_rows", "max_bytes",
    "max_rows", "max_field" }, function(o) return assert(hframe.read_survey_csv("tests/reference/workbooks/survey.csv", o)) end },
  { "join", { "suffix" }, function(o) return d:join(d:select({ "unit", "x" }), "unit", "left", o) end },
  { "sort", { "desc" }, function(o) o[1] = "y"; return d:sort({ o }) end },
  { "pivot_longer", { "id", "cols", "names_to", "values_to" }, function(o)
    o.cols = { "y", "x" }
    return d:pivot_longer(o)
  end },
  { "pivot_wider", { "id", "names_from", "values_from" }, function(o)
    o.id, o.names_from, o.values_from = { "unit" }, "year", "y"
    return d:pivot_wider(o)
  end },
}

H.case("the host readers and frame methods bound in C refuse a misspelt option: exit code 2 and a did-you-mean", function()
  for _, m in ipairs(frame_methods) do
    local label, names, f = m[1], m[2], m[3]
    local typo, meant = misspell({ names = names })
    local ok, raw = pcall(f, { [typo] = true })
    H.ok(not ok, label .. " accepted the misspelt option " .. typo)
    local e = errors.from_host(raw, label)
    H.eq({ label = label, kind = e.kind, code = errors.code(e) }, { label = label, kind = "recipe", code = 2 })
    H.ok(e.msg:find(string.format([[%s: unknown field '%s' (did you mean "%s"?)]], label, typo, meant), 1, true),
      label .. ": " .. e.msg)
    H.ok(pcall(f, {}), label .. " failed without the misspelt option")
  end
end)

H.case("ctx:chart refuses a field neither it nor the chart's kind reads: exit code 2 and a did-you-mean", function()
  local out = require("csc.render.output")
  local c2 = require("csc.context").new({ spec = { inputs = {} }, path = "t.lua", id = "t" }, {}, {}, {},
    out.chart_kinds, out.chart_fields)
  local n = 0
  for kind, fields in pairs(out.chart_fields) do
    H.ok(out.chart_kinds[kind], "fields listed for a kind that does not exist: " .. kind)
    -- the longest field with its last letter changed (none of these is another field)
    local best = "title"
    for _, f in ipairs(fields) do if #f > #best then best = f end end
    local typo = best:sub(1, -2) .. (best:sub(-1) == "q" and "z" or "q")
    local ok, e = pcall(c2.chart, c2, { name = "c" .. kind, kind = kind, title = "T", desc = "D", [typo] = 1 })
    H.ok(not ok and errors.is(e), kind .. ": " .. tostring(e))
    H.eq({ kind = kind, code = errors.code(e), field = e.field }, { kind = kind, code = 2, field = typo })
    H.ok(tostring(e):find(string.format([[ctx:chart: unknown field '%s' (did you mean "%s"?)]], typo, best), 1, true),
      tostring(e))
    n = n + 1
  end
  H.ok(n >= 11, "kinds checked: " .. n)
  for kind in pairs(out.chart_kinds) do H.ok(out.chart_fields[kind], "no fields listed for chart kind " .. kind) end
  -- a chart drawn by hand takes only name, title, desc, table and svg
  local ok, e = pcall(c2.chart, c2, { name = "hand", title = "T", desc = "D", svg = "<svg></svg>", tabel = "x" })
  H.ok(not ok and tostring(e):find([[unknown field 'tabel' (did you mean "table"?)]], 1, true), tostring(e))
  -- and a correct chart of each kind still draws (the benchmark chart, say)
  H.ok(c2:chart({ name = "ok", kind = "lines", title = "T", desc = "D", xlabel = "year",
    series = { { name = "a", x = { 1, 2 }, y = { 3, 4 } } } }), "a lines chart with its own fields")
end)

H.case("model.ols{vcv = \"HC1\"} fails instead of giving classical standard errors", function()
  H.raises('model.ols: unknown field \'vcv\' (did you mean "vcov"?)', model.ols,
    { data = d, y = "y", x = { "x" }, vcv = "HC1" })
  H.raises('model.ols: vcov: HC4 is not one of', model.ols, { data = d, y = "y", x = { "x" }, vcov = "HC4" })
end)

-- ===== Through a recipe and the command line =====

local function write_recipe(name, design)
  local p = tmp .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { s = { path = %q } },
  design = %s,
}
]], tmp .. "/s.csv", design)))
  return p
end

local series = { "year,y,x,t" }
for yr = 2008, 2021 do
  series[#series + 1] = string.format("%d,%.3f,%d,%d", yr, 10 + 0.5 * (yr - 2008) + ((yr * 7) % 5) / 10,
    yr % 4, yr >= 2015 and 1 or 0)
end
assert(sys.write_atomic(tmp .. "/s.csv", table.concat(series, "\n") .. "\n"))

local function run_error(p)
  local ok, e = pcall(runner.run, p, { out = tmp .. "/out", formats = { "md" } })
  H.ok(not ok, p .. " ran")
  H.ok(errors.is(e), "not a structured error: " .. tostring(e))
  return e
end

H.case("a misspelt option in recipe code is a recipe error at the recipe line, exit code 2", function()
  local p = write_recipe("typo", [[{ type = "custom", analyse = function(ctx)
    local model = require("csc.model")
    model.ols{ data = ctx.data.s, y = "y", x = { "x" }, vcv = "HC1" }
  end }]])
  local e = run_error(p)
  H.eq({ e.kind, errors.code(e), e.field }, { "recipe", 2, "vcv" })
  H.ok(tostring(e):find(p .. ":6: model.ols: unknown field 'vcv'", 1, true), tostring(e))
  -- the command line exits with that code
  local _, how, code = os.execute(string.format("./csceval run %s --out %s/cli >/dev/null 2>&1", p, tmp))
  H.eq({ how, code }, { "exit", 2 })
end)

H.case("a misspelt option of a frame method in recipe code exits with code 2", function()
  local p = write_recipe("frame_typo", [[{ type = "custom", analyse = function(ctx)
    ctx.data.s:sort({ { "y", dsc = true } })
  end }]])
  local e = run_error(p)
  H.eq({ e.kind, errors.code(e) }, { "recipe", 2 })
  H.ok(tostring(e):find([[sort: unknown field 'dsc' (did you mean "desc"?)]], 1, true), tostring(e))
  local _, how, code = os.execute(string.format("./csceval run %s --out %s/cli >/dev/null 2>&1", p, tmp))
  H.eq({ how, code }, { "exit", 2 })
end)

-- ===== Engine errors: the kind decides the exit code, not the words =====

-- Every word of a message, changed beyond recognition ("collinear" ->
-- "RAENILLOC"); the kind tag C put in front stays.
local function reword(raw)
  local tag, text = raw:match("^(\31[^\31]*\31)(.*)$")
  return (tag or "") .. (text or raw):gsub("%a+", function(w) return w:upper():reverse() end)
end

-- Replace host module function `name` by one that rewords the messages it
-- raises, and the message a reader returns with nil; `log` gets each
-- original.  Returns the function that puts the original back.
local function reworded(mod, name, log)
  local t = require(mod)
  local orig = t[name]
  t[name] = function(...)
    local r = table.pack(pcall(orig, ...))
    if r[1] then
      if r[2] == nil and type(r[3]) == "string" then   -- a reader: nil, message, ...
        log[#log + 1] = r[3]
        r[3] = reword(r[3])
      end
      return table.unpack(r, 2, r.n)
    end
    log[#log + 1] = tostring(r[2])
    error(reword(tostring(r[2])), 0)
  end
  return function() t[name] = orig end
end

-- Run recipe p with engine function mod.name as it is and with its
-- messages reworded: the kind, and so the exit code, must be the same, and
-- that code must be `code`.
local function engine_case(label, mod, name, p, code)
  local before = run_error(p)
  local log = {}
  local restore = reworded(mod, name, log)
  local ok, after = pcall(run_error, p)
  restore()
  if not ok then error(after, 0) end
  H.ok(#log > 0, label .. ": " .. mod .. "." .. name .. " raised or returned no message to reword")
  -- the engine's words no longer reach the message wherever it passed them on
  local _, words = errors.untag(log[1] or "")
  words = words:sub(-40)
  if tostring(before):find(words, 1, true) then
    H.ok(not tostring(after):find(words, 1, true), label .. ": the message was not reworded: " .. tostring(after))
  end
  H.eq({ label, after.kind, errors.code(after) }, { label, before.kind, errors.code(before) })
  H.eq({ label, errors.code(before) }, { label, code })
end

local function custom(name, body) return write_recipe(name, "{ type = \"custom\", analyse = function(ctx) " .. body .. " end }") end

H.case("rewording an engine error message does not change the exit code", function()
  -- its design: a definition change at the interruption repeats its level
  -- dummy, so host.model's QR finds the columns collinear
  engine_case("its design", "host.model", "ols", write_recipe("engine_its", [[{ type = "its", data = "s",
    time = "year", interruption = 2015, definition_change = 2015, outcomes = { { name = "y", column = "y" } } }]]), 4)
  -- recipe code calling csc.model directly (the runner's message handler):
  -- a repeated column in OLS, separation in a logit
  engine_case("ols", "host.model", "ols", custom("engine_ols",
    [[require("csc.model").ols{ data = ctx.data.s, y = "y", x = { "t", "t" } }]]), 4)
  engine_case("logit", "host.model", "glm", custom("engine_logit",
    [[require("csc.model").logit{ data = ctx.data.s, y = "t", x = { "year" } }]]), 4)
  -- ipw and matching designs: the treatment is a step in time, perfectly
  -- predicted by year (separation in the propensity model)
  engine_case("ipw design", "host.match", "ipw", write_recipe("engine_ipw", [[{ type = "ipw", data = "s",
    treat = "t", covariates = { "year" }, outcomes = { { name = "y", column = "y" } } }]]), 4)
  engine_case("matching design", "host.match", "nearest", write_recipe("engine_matching", [[{ type = "matching",
    data = "s", treat = "t", covariates = { "year" }, distance = "logit", outcomes = { { name = "y", column = "y" } } }]]), 4)
  -- a test that cannot be computed on the data
  engine_case("t test", "host.stats", "t_test", custom("engine_ttest",
    [[require("csc.stats").t_test({ 2, 2, 2 }, { 2, 2, 2 })]]), 4)
  -- a reader: a malformed input file is a data error (exit 3) whatever the
  -- loader's message says
  assert(sys.write_atomic(tmp .. "/bad.csv", "year,y\n2010,1\n2011,2,3\n"))
  local bad = tmp .. "/engine_reader.lua"
  assert(sys.write_atomic(bad, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { s = { path = %q } },
  design = { type = "its", data = "s", time = "year", interruption = 2015, outcomes = { { name = "y", column = "y" } } },
}
]], tmp .. "/bad.csv")))
  engine_case("reader", "host.frame", "read_csv", bad, 3)
end)

H.case("host.stats and host.match tag each error with its kind", function()
  local hstats, hmatch = require("host.stats"), require("host.match")
  local function kind_of(f, ...)
    local ok, e = pcall(f, ...)
    H.ok(not ok, "no error")
    local k, msg = errors.untag(tostring(e))
    return k, msg
  end
  -- a caller's argument: recipe (exit 2)
  H.eq({ kind_of(hstats.chisq_test, { 1, 2, 3, 4 }, 2, 3) }, { "recipe", "chisq_test: need an r x c table, r, c >= 2" })
  H.eq({ kind_of(hstats.t_test, { 1, 2, 3 }, nil, 0, false, false, "les") },
    { "recipe", 't_test: alternative "les" is not known (did you mean "less"?)' })
  H.eq({ kind_of(hstats.bootstrap, { 1, 2, 3 }, nil, 0, function() error("no", 0) end, 10, 1) },
    { "recipe", "bootstrap: the statistic failed: no" })
  -- values the test cannot take: data (exit 3)
  H.eq({ kind_of(hstats.t_test, { 1 }) }, { "data", "t_test: not enough observations (or a non-finite value)" })
  H.eq(kind_of(hstats.fisher_test, { -1, 2, 3, 4 }, 2, 2), "data")
  -- a test that cannot be computed on the data: analysis (exit 4)
  H.eq({ kind_of(hstats.t_test, { 2, 2, 2 }) }, { "analysis", "t_test: data are essentially constant" })
  H.eq(kind_of(hstats.chisq_test, { 0, 0, 3, 4 }, 2, 2), "analysis")
  -- host.match: an unknown choice is a recipe error, a text treatment a data error
  H.eq(kind_of(hmatch.nearest, d, { treat = "t", distance = "nearest", covariates = { "x" } }), "recipe")
  H.eq(kind_of(hmatch.nearest, d, { treat = "date", distance = "mahalanobis", covariates = { "x" } }), "data")
  for _, c in ipairs({ { "recipe", 2 }, { "data", 3 }, { "analysis", 4 } }) do
    H.eq(errors.code(errors.from_host("\31" .. c[1] .. "\31x")), c[2])
  end
end)

H.case("a frame method's argument mistakes are recipe errors (exit 2), its own failures analysis", function()
  local function kind_of(f, ...)
    local ok, e = pcall(f, ...)
    H.ok(not ok, "no error")
    local k, msg = errors.untag(tostring(e))
    return k, msg
  end
  -- a column that is not there, with the nearest one
  H.eq({ kind_of(d.select, d, "yy") }, { "recipe", 'select: no column "yy" (did you mean "y"?)' })
  H.eq(kind_of(d.sort, d, { "yy" }), "recipe")
  H.eq(kind_of(d.pivot_wider, d, { id = { "unit" }, names_from = "yaer", values_from = "y" }), "recipe")
  H.eq(kind_of(d.column, d, "nope"), "recipe")
  -- an aggregate function misspelt, a sort key of the wrong shape, a bad join
  H.eq({ kind_of(d.aggregate, d, { "unit" }, { m = { "meen", "y" } }) },
    { "recipe", 'aggregate: "m": unknown function "meen" (did you mean "mean"?)' })
  H.eq(kind_of(d.sort, d, { { 1 } }), "recipe")
  H.eq(kind_of(d.join, d, d, "unit", "outer"), "recipe")
  H.eq(kind_of(d.rename, d, { y = 1 }), "recipe")
  -- an expression that does not compile
  H.eq(kind_of(d.filter, d, "y >"), "recipe")
  -- frame.new with columns of different lengths, a value of the wrong type
  H.eq(kind_of(require("host.frame").new, { names = { "a", "b" }, columns = { { 1 }, { 1, 2 } } }), "recipe")
  H.eq(kind_of(require("host.frame").new, { names = { "a" }, columns = { { 1, {} } } }), "recipe")
  -- and through the command line: exit 2
  local p = write_recipe("frame_column", [[{ type = "custom", analyse = function(ctx)
    ctx.data.s:select("yy")
  end }]])
  local _, how, code = os.execute(string.format("./csceval run %s --out %s/cli >/dev/null 2>&1", p, tmp))
  H.eq({ how, code }, { "exit", 2 })
end)

H.case("the XML and YAML readers: a damaged file is a data error (exit 3)", function()
  local function kind_of(f, ...)
    local ok, e = pcall(f, ...)
    H.ok(not ok, "no error")
    return (errors.untag(tostring(e)))
  end
  -- nested deeper than the readers go (256 XML elements, 64 YAML levels)
  local deep = tmp .. "/deep.xml"
  assert(sys.write_atomic(deep, string.rep("<a>", 300) .. string.rep("</a>", 300)))
  -- (libxml2 itself stops at 256: nil and a message, which the caller raises as data)
  local root, msg = require("host.xml").load_file(deep)
  H.ok(root == nil and msg:find("depth", 1, true), tostring(msg))
  local y = tmp .. "/deep.yaml"
  assert(sys.write_atomic(y, string.rep("[", 70) .. string.rep("]", 70) .. "\n"))
  H.eq(kind_of(require("host.yaml").load_file, y), "data")
  local k = tmp .. "/key.yaml"
  assert(sys.write_atomic(k, "? [a, b]\n: 1\n"))
  H.eq(kind_of(require("host.yaml").load_file, k), "data")
end)

H.case("C errors carry a kind tag that csc.errors reads and strips", function()
  local kind, msg, reason = errors.untag("\31analysis:negative_variance\31lincom: negative")
  H.eq({ kind, msg, reason }, { "analysis", "lincom: negative", "negative_variance" })
  H.eq({ errors.untag("x.lua:3: \31data\31bad") }, { "data", "bad" })
  H.eq({ errors.untag("plain message") }, { nil, "plain message" })
  H.eq({ errors.untag("\31nonsense\31text") }, { nil, "\31nonsense\31text" })
  local e = errors.from_host("\31recipe\31its fit: comparators[1] must be a unit")
  H.eq({ e.kind, e.msg, errors.code(e) }, { "recipe", "its fit: comparators[1] must be a unit", 2 })
  H.eq(util.plain_error("\31analysis\31ols: column 'x' is all zero"), "ols: column 'x' is all zero")
end)
