-- Disclosure control beyond tables and estimates: counts of records about
-- children in the rows-not-used list (ctx:drop), in warnings and in Method
-- sentences.  A recipe on a record-level file whose filter step drops 3
-- rows and whose matching leaves 2 programme children without a match:
-- under disclosure control (threshold 5) neither count is shown in
-- report.md, report.html, results.json or any CSV; with threshold 2 (counts
-- of 1 suppressed) both are shown, and so they are when the recipe says why
-- small counts may be shown (disclosure.allow_small).
local H = ...
local sys = require("host.sys")
local runner = require("csc.runner")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-disclosure-text-" .. tostring(os.time()) .. "-"
  .. tostring(sys.pid())
assert(sys.mkdirs(tmp))

-- 60 children: 20 in the programme (t = 1), 40 not.  Children 1 and 2 of
-- the programme are in stratum B, where no comparison child is: with exact
-- matching on the stratum they find no match.  Three comparison children
-- have no recorded offence and the filter leaves them out.
local rows = { "id,t,stratum,x,offence,y" }
for i = 1, 60 do
  local t = i <= 20 and 1 or 0
  local stratum = (i <= 2) and "B" or "A"
  local offence = (i >= 58) and 0 or 1
  rows[#rows + 1] = string.format("%d,%d,%s,%.2f,%d,%.2f", i, t, stratum, (i * 37 % 17) / 4, offence,
    10 + (i * 13 % 11) / 2 + 1.5 * t)
end
assert(sys.write_atomic(tmp .. "/children.csv", table.concat(rows, "\n") .. "\n"))

local function recipe(name, disclosure)
  local p = tmp .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "Table 1" } },
  inputs = { children = { path = %q, record_level = true } },
  %s
  design = {
    type = "matching", data = "children", treat = "t",
    steps = { { filter = "offence == 1" } },
    covariates = { "x" }, exact = { "stratum" }, ratio = 1,
    outcomes = { { name = "y", column = "y" } },
  },
}
]], tmp .. "/children.csv", disclosure and ("disclosure = " .. disclosure .. ",") or "")))
  return p
end

local function outputs(name, disclosure)
  local res = runner.run(recipe(name, disclosure), { out = tmp .. "/out", formats = { "md", "html", "json", "csv" } })
  local dir = tmp .. "/out/" .. name
  local files = { md = sys.read(dir .. "/report.md"), html = sys.read(dir .. "/report.html"),
    json = sys.read(dir .. "/results.json") }
  local csv = {}
  for _, f in ipairs(sys.listdir(dir)) do
    if f:match("%.csv$") then csv[#csv + 1] = sys.read(dir .. "/" .. f) end
  end
  files.csv = table.concat(csv, "\n")
  return res, files
end

-- The sentences that carry the two counts, as each output writes them.
local DROP3 = "children: 3 rows not used: left out by design.steps[1] (filter: offence == 1)."
local UNMATCHED2 = "2 of 20 programme units found no match within the caliper or exact strata"
local DROP_HIDDEN = "children: fewer than 5 rows not used: left out by design.steps[1] (filter: offence == 1)."
local UNMATCHED_HIDDEN = "fewer than 5 of 20 programme units found no match within the caliper or exact strata"

H.case("disclosure in text: a small count of dropped rows and of unmatched children is not shown", function()
  local res, out = outputs("protected", nil)
  H.ok(res.disclosure.on and not res.disclosure.allow_small, "disclosure control is on")
  for _, k in ipairs({ "md", "html", "json", "csv" }) do
    H.ok(out[k] and #out[k] > 0, k .. " written")
    H.ok(not out[k]:find("3 rows not used", 1, true), k .. ": the 3 dropped rows are not shown")
    H.ok(not out[k]:find("3 row", 1, true), k .. ": no '3 row'")
    H.ok(not out[k]:find("2 of 20", 1, true), k .. ": the 2 unmatched children are not shown")
  end
  H.ok(out.md:find(DROP_HIDDEN, 1, true), "report.md words the drop as 'fewer than 5'")
  H.ok(out.html:find("fewer than 5 rows not used", 1, true), "report.html too")
  for _, k in ipairs({ "md", "html", "json" }) do
    H.ok(out[k]:find(UNMATCHED_HIDDEN, 1, true), k .. ": the warning says 'fewer than 5'")
  end
  -- the suppressed drop is counted in the report's disclosure paragraph
  H.ok(out.md:find("rows-not-used list (1)", 1, true), "the disclosure paragraph counts the suppressed drop")
  -- larger counts in the same sentences are shown: the method sentence
  H.ok(out.md:find("18 of 20 programme units matched to 18 comparison units", 1, true), "the matched counts")
end)

H.case("disclosure in text: counts at or above the threshold are shown", function()
  local _, out = outputs("threshold2", "{ threshold = 2 }")
  H.ok(out.md:find(DROP3, 1, true), "report.md shows the 3 dropped rows")
  H.ok(out.html:find("3 rows not used", 1, true), "report.html shows them")
  for _, k in ipairs({ "md", "html", "json" }) do
    H.ok(out[k]:find(UNMATCHED2, 1, true), k .. ": the warning shows the 2 unmatched children")
  end
end)

H.case("disclosure in text: a recipe that says why shows the small counts", function()
  local res, out = outputs("allowed", '{ allow_small = "the counts are compared with a published table" }')
  H.eq(res.disclosure.allow_small, "the counts are compared with a published table")
  H.ok(out.md:find(DROP3, 1, true), "report.md shows the 3 dropped rows")
  for _, k in ipairs({ "md", "html", "json" }) do
    H.ok(out[k]:find(UNMATCHED2, 1, true), k .. ": the warning shows the 2 unmatched children")
  end
  H.ok(out.md:find("disclosure control is off at the recipe's request", 1, true), "the notice")
end)

H.case("disclosure in text: ctx:drop keeps the count a number, and the helpers word it", function()
  local D = require("csc.disclosure")
  local dc = { on = true, threshold = 5, log = {} }
  H.eq(D.count_text(dc, 3), "fewer than 5")
  H.eq(D.count_text(dc, 0), "0")
  H.eq(D.count_text(dc, 5), "5")
  H.eq(D.count_text({ on = false, threshold = 5 }, 3), "3")
  H.eq(D.count_text({ on = true, threshold = 5, allow_small = "why" }, 3), "3")
  H.eq(D.count_text({ on = true, threshold = 5, round = 5 }, 7), "5")
  H.eq(D.hides(dc, 4), true)
  H.eq(D.hides(dc, 0), false)
  local ctx = require("csc.context").new({ spec = { inputs = { d = { record_level = true } } }, path = "t", id = "t" },
    {}, { { name = "d", record_level = true } }, {}, {})
  ctx:drop("d", 2, "why")
  H.eq(ctx.drops[1].n, 2)
  H.eq(#ctx.disclosure.log, 1)
  H.ok(not pcall(ctx.drop, ctx, "d", "2 rows", "why"), "a count given as text is refused")
  -- csc.match's warning words its counts with the run's formatter
  local m = require("csc.match")
  local x = { n = 2, of = 20, focal = "treated", other = "control", ratio = 3, within = false }
  H.ok(m.fewer_words(x):find("^2 of 20 matched treated units"), m.fewer_words(x))
  H.ok(m.fewer_words(x, function(n) return ctx:count(n) end):find("^fewer than 5 of 20 matched"), "worded")
  -- the survey's small-group warning
  local cmp = require("csc.survey.compare")
  H.ok(cmp.size_warning("Group A", 3):find("Group A has only 3 respondents", 1, true), "plain")
  H.ok(cmp.size_warning("Group A", 3, nil, function(n) return ctx:count(n) end)
    :find("Group A has fewer than 5 respondents (fewer than 10)", 1, true), "worded")
end)
