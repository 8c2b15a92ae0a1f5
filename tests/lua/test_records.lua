-- csc.records: rows of records from a table typed as the report printed it
-- (a column mapping, or a header row; fields from templates), the schema that
-- checks each record with the typed table's row named, and a survey design
-- that takes typed tables giving the same results as hand-built records.
local H = ...
local S = require("csc.schema")
local records = require("csc.records")
local errors = require("csc.errors")
local runner = require("csc.runner")
local json = require("csc.json")
local sys = require("host.sys")

local T3 = { { 13, false, 194 }, { 50, false, false }, { false, 17, 447 } }

H.case("records: a column mapping, a header row, templates; lists of records pass through", function()
  H.eq(records.of({ table = T3, columns = { "returned", false, "sent" }, add = { label = "row {n}" } }), {
    { label = "row 1", returned = 13, sent = 194 }, { label = "row 2", returned = 50, sent = false },
    { label = "row 3", returned = false, sent = 447 } })
  H.eq(records.of({ table = { { "id", "before", "after" }, { 16, 82, 82 }, { 18, 58, 61 } },
    add = { label = "LA {id}: {before} to {after}, row {n}" } }), {
    { id = 16, before = 82, after = 82, label = "LA 16: 82 to 82, row 1" },
    { id = 18, before = 58, after = 61, label = "LA 18: 58 to 61, row 2" } })
  -- a cell that is itself a list stays one field
  H.eq(records.of({ table = { { "a", { 0, 1, 2 } } }, columns = { "label", "counts" } }),
    { { label = "a", counts = { 0, 1, 2 } } })
  local list = { { label = "x", returned = 1, sent = 2 } }
  H.ok(records.of(list) == list, "a list of records is returned as given")
  H.eq(records.typed(list), false)
  H.eq(records.of({ table = {}, columns = { "a" } }), {})
end)

H.case("records: a malformed typed table is a recipe error naming the row or column", function()
  local function bad(v, text)
    local ok, e = pcall(records.of, v, "design.analyses[2].rows")
    H.ok(not ok and errors.is(e), "expected a structured error: " .. tostring(e))
    H.eq({ e.kind, errors.code(e) }, { "recipe", 2 })
    H.ok(tostring(e):find(text, 1, true), tostring(e))
  end
  bad({ table = T3, columns = { "returned", "sent" } },
    "design.analyses[2].rows.table[1]: has 3 cells and the columns are 2 (type false for a figure the report did not print)")
  bad({ table = T3, columns = { "returned", 2, "sent" } }, "rows.columns[2]: column 2: a field name or false, got 2")
  bad({ table = T3, columns = { "x", false, "x" } }, "rows.columns[3]: the field \"x\" is named twice")
  bad({ table = { 5 } }, "rows.table[1]: the first row names the columns (or give columns)")
  bad({ table = T3, columns = { "a", false, "b" }, add = { a = "{n}" } }, "rows.add.a: \"a\" is also a column")
end)

H.case("records.schema: each record is checked against the item, the typed row named", function()
  local item = S.record({ label = S.string({ required = true }), returned = S.any(), sent = S.any() })
  local s = S.record({ rows = records.schema(item, { required = true }) })
  local function errs(v)
    local e = {}
    S.validate(s, { rows = v }, "x", e)
    return e
  end
  H.eq(errs({ table = T3, columns = { "returned", false, "sent" }, add = { label = "row {n}" } }), {})
  H.eq(errs({ { label = "a", returned = 1 } }), {})
  -- no label: the record of row 2 lacks a required field
  H.eq(errs({ table = T3, columns = { "returned", false, "sent" } }),
    { { path = "x.rows.table[1]", msg = "label: is required" } })
  -- with a header row the typed row is one further down
  H.eq(errs({ table = { { "label", "sent" }, { "a", 1 }, { 7, 2 } } }),
    { { path = "x.rows.table[3]", msg = 'label: expected a string, got integer 7: text is written in quotes, "7"' } })
  H.eq(errs({ table = T3, columns = { "returned", false, "snt" }, add = { label = "r" } }),
    { { path = "x.rows.table[1]", msg = "snt: unknown field (did you mean \"sent\"?)" } })
  -- a misspelt columns: refused, and the first row is then read as the header
  H.eq(errs({ table = T3, colums = {} }), { { path = "x.rows.colums", msg = "unknown field (did you mean \"columns\"?)", unknown = true },
    { path = "x.rows.table[1][1]", msg = "column 1: a field name or false, got 13" } })
  H.eq(#errs(nil), 1)
end)

H.case("records: a survey design takes typed tables and gives what hand-built records give", function()
  local dir = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-records-" .. tostring(sys.pid()) .. "-"
    .. tostring(math.random(1e6))
  sys.mkdirs(dir)
  local function run(name, rows9, rows3, rows10)
    local src = string.format([[
local T9 = { { 16, "doing well", 82, 82 }, { 18, "doing ok", 58, 61 }, { 15, "doing well", 76, 81 }, { 10, "doing ok", 77, 84 } }
local T3 = { { 13, false, 194 }, { 50, false, false }, { 106, 17, false }, { 9, false, 227 } }
local T10 = { { "first", { 0, 0, 3, 3, 5 } }, { "second", { 1, 0, 1, 3, 6 } } }
return { title = "t", question = "q", source = { report = "r", tables = { "T" } }, inputs = {},
  design = { type = "survey", small_counts = { threshold = 5, show = "published aggregates" }, analyses = {
    { kind = "change", name = "t9", rows = %s },
    { kind = "response_rates", name = "t3", rows = %s },
    { kind = "distribution", name = "t10", scores = { 0, 1, 2, 3, 4 }, rows = %s } } } }]], rows9, rows3, rows10)
    local p = dir .. "/" .. name .. ".lua"
    assert(sys.write_atomic(p, src))
    local res = runner.run(p, { out = dir .. "/out", formats = { "json" } })
    local doc = json.decode(assert(sys.read(res.dir .. "/results.json")))
    local e = {}
    for _, x in ipairs(doc.estimates) do e[x.label] = x.value end
    return e
  end
  local typed = run("typed", '{ table = T9, columns = { "id", "status", "before", "after" } }',
    '{ table = T3, columns = { "returned", false, "sent" }, add = { label = "row {n}" } }',
    '{ table = T10, columns = { "label", "counts" } }')
  local loops = run("loops", [[(function() local r = {} for i, x in ipairs(T9) do
      r[i] = { id = x[1], status = x[2], before = x[3], after = x[4] } end return r end)()]],
    [[(function() local r = {} for i, x in ipairs(T3) do
      r[i] = { label = "row " .. i, returned = x[1], sent = x[3] } end return r end)()]],
    [[(function() local r = {} for i, x in ipairs(T10) do r[i] = { label = x[1], counts = x[2] } end return r end)()]])
  H.eq(typed, loops)
  -- and the figures are the hand computations: 3 of 4 higher, 13/194 returned
  H.eq(typed["t9.higher"], 3)
  H.eq(typed["t3.row_1.rate"], 100 * 13 / 194, 1e-12)
  -- first row of T10: 11 answers, 3 x 2 + 3 x 3 + 5 x 4 = 35
  H.eq({ typed["t10.first.n"], typed["t10.first.4.percent"] }, { 11, 100 * 5 / 11 }, 1e-12)
  H.eq(typed["t10.first.mean"], 35 / 11, 1e-12)
end)
