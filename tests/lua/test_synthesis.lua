-- Strength of evidence (csc.evidence), the synthesis design, `csceval
-- synthesise`, and the economic design end to end on its two recipes.
-- All counts are exact (they are tallies); money is exact to the penny
-- (sums of whole pounds; products of figures printed to the penny).
local H = ...
local E = require("csc.evidence")
local runner = require("csc.runner")
local sys = require("host.sys")
local json = require("csc.json")

local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-synth-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid())

local function est(res, label)
  for _, e in ipairs(res.estimates) do if e.label == label then return e.value end end
  H.fail("no estimate " .. label, 2)
end

H.case("evidence: a claim the design cannot support is refused, with the level it can", function()
  local msg = E.check({ level = "stronger" }, "its")
  H.ok(msg and msg:find("no comparison group", 1, true), msg)
  H.ok(msg:find('"changes"', 1, true), "names the most an ITS supports")
  H.eq(E.check({ level = "changes" }, "its"), nil)
  H.eq(E.check({ level = "stronger" }, "cits"), nil)
  H.eq(E.check({ level = "compromised" }, "matching"), nil)
  msg = E.check({ level = "stronger" }, "benchmark")
  H.ok(msg and msg:find("no measure of statistical significance", 1, true), msg)
  H.eq(E.check({ level = "moderate" }, "benchmark"), nil)
  msg = E.check({ level = "changes" }, "economic")
  H.ok(msg and msg:find("analyses no outcome", 1, true), msg)
  local m2, sub = E.check({ level = "moderate" }, "custom")
  H.ok(m2 and sub == "basis", "a custom design must give its basis")
  H.eq(E.check({ level = "stronger", basis = { comparator = true, significance = true } }, "custom"), nil)
  msg, sub = E.check({ level = "changes", basis = { comparator = true } }, "its")
  H.ok(msg and sub == "basis.comparator", "an ITS cannot say it has a comparator")
  msg, sub = E.check({ level = "none", result = "positive" }, "economic")
  H.ok(msg and sub == "result", "no outcome analysis, no positive result")
  H.eq(E.max_level({ outcomes = true, comparator = true, significance = false }), "moderate")
end)

H.case("evidence: every recipe declares its strength, and the declaration passes the check", function()
  for _, f in ipairs(sys.listdir("recipes")) do
    if f:match("%.lua$") then
      local src = sys.read("recipes/" .. f)
      local spec = load(src, "@recipes/" .. f, "t", setmetatable({}, { __index = _G }))()
      H.ok(type(spec.strength) == "table", "recipes/" .. f .. " declares no strength")
      E.fill(spec.strength)
      H.ok(E.by_key[spec.strength.level], "recipes/" .. f .. ": no level, declared or published")
      H.eq(E.check(spec.strength, spec.design.type), nil)
    end
  end
end)

H.case("evidence: a published rating (Round 2 report, Table 4) gives the level, qualifiers and result", function()
  -- row 28 as printed: "Changes in outcomes (limited comparison, limited outcomes evidence)", "Mixed/limited evidence"
  local r = E.rating("RR1012", 28)
  H.eq({ r.project, r.level, r.qualifiers, r.result_class },
    { "Derby Local Area Coordinator", "changes", { "limited comparison", "limited outcomes evidence" }, "mixed" })
  -- row 6: "Stronger comparative analysis + significance", "No impact found"
  r = E.rating("RR1012", 6)
  H.eq({ r.project, r.level, r.qualifiers, r.result_class }, { "PIP North Yorkshire", "stronger", {}, "none" })
  -- row 5: "Some positive impact"
  H.eq(E.rating("RR1012", 5).result_class, "positive")
  local none, why = E.rating("RR1012", 999)
  H.ok(none == nil and why:find("no row 999", 1, true), why)
  none, why = E.rating("RR9999", 1)
  H.ok(none == nil and why:find("RR1012", 1, true), why)
  -- the recipe's own fields win; empty qualifiers stay absent
  local s = { rated = { reference = "RR1012", row = 6 }, result = "mixed" }
  E.fill(s)
  H.eq({ s.level, s.qualifiers, s.result }, { "stronger", nil, "mixed" })
  s = { rated = { reference = "RR1012", row = 28 } }
  E.fill(s)
  H.eq({ s.level, s.qualifiers, s.result }, { "changes", { "limited comparison", "limited outcomes evidence" }, "mixed" })
  -- a row that does not exist is a recipe error at strength.rated
  local p = tmp .. "-rated.lua"
  sys.mkdirs(tmp)
  assert(sys.write_atomic(p, [[
return { title = "t", question = "q", source = { report = "r", tables = { "T" } }, inputs = {},
  design = { type = "economic", costs = { { name = "a", label = "A", items = { { label = "x", value = 1 } } } } },
  strength = { rated = { reference = "RR1012", row = 999 } } }
]]))
  local ok, e = pcall(require("csc.recipe").load, p)
  if ok then ok, e = pcall(require("csc.recipe").validate, e) end
  H.ok(not ok and tostring(e):find("strength.rated", 1, true) and tostring(e):find("no row 999", 1, true), tostring(e))
end)

H.case("util.sign: the direction of a change", function()
  local sign = require("csc.util").sign
  H.eq({ sign(2.5), sign(-0.1), sign(0) }, { 1, -1, 0 })
end)

H.case("synthesis: Table 4 gives Table 3's counts, 25 positives against the text's 23, and Figure 1 by group", function()
  local res = runner.run("recipes/innovation_programme_r2.lua", { out = tmp .. "/r2", formats = { "json" } })
  local want = { stronger = 12, moderate = 7, compromised = 2, changes = 17, none = 10 }
  for k, v in pairs(want) do H.eq(est(res, "count." .. k), v) end
  local pos = { stronger = 6, moderate = 5, compromised = 0, changes = 14 }
  for k, v in pairs(pos) do H.eq(est(res, "positive." .. k), v) end
  H.eq(est(res, "positive.total"), 25)
  H.eq(est(res, "count.assessed"), 38)
  -- Figure 1's cross-tab, rebuilt by hand from Table 4 (stronger, moderate, compromised, changes, none)
  local groups = {
    partners_in_practice = { 3, 1, 1, 2, 1 },
    large_scale_system_change_and_workforce_development = { 4, 1, 0, 2, 2 },
    services_for_looked_after_children = { 3, 1, 0, 2, 3 },
    services_for_care_leavers = { 0, 0, 0, 9, 3 },
    other_targeted_projects = { 2, 4, 1, 2, 1 },
  }
  for g, counts in pairs(groups) do
    for i, k in ipairs(E.keys) do H.eq(est(res, "group." .. g .. "." .. k), counts[i]) end
  end
  -- the text's 23 is reported as a difference, with its explanation
  local found
  for _, p in ipairs(res.published) do
    if p.published == 23 then found = p end
  end
  H.ok(found and not found.within and found.note:find("25", 1, true), "23 against 25 is a reported ✗")
  -- Break Staying Close: placement savings larger than the total they are part of
  H.eq(est(res, "derived.break_gross_high"), 1186576 + 140710)
  H.eq(est(res, "check.break_placement_in_total"), 0)
  H.eq(est(res, "derived.newday_cost"), 138549.60 + 31828.20, 1e-15)
  local warned = false
  for _, w in ipairs(res.warnings) do if w:find("Break", 1, true) then warned = true end end
  H.ok(warned, "the Break inconsistency is a warning in the report")
end)

H.case("economic: No Wrong Door costs, the £4,000 difference reported, break-even on both totals", function()
  local res = runner.run("recipes/nwd_costs.lua", { out = tmp .. "/nwd", formats = { "json", "md" } })
  H.eq(est(res, "cost.back_on_track.total"), 1203413)
  H.eq(est(res, "cost.leaving_care.total"), 1596102)
  H.eq(est(res, "cost.leaving_care.printed_minus_sum"), 0)
  H.eq(est(res, "cost.leaving_care.quoted_minus_sum.1"), -4000)
  H.eq(est(res, "derived.neet_cost"), 164110)
  H.eq(est(res, "break_even.text_basis.running_cost"), 1432891.8, 1e-15)
  H.eq(est(res, "break_even.text_basis.rounded"), 9)
  H.eq(est(res, "break_even.table_basis.rounded"), 9)
  H.eq(est(res, "break_even.gross_text.rounded"), 10)
  local warned = false
  for _, w in ipairs(res.warnings) do if w:find("1,592,102", 1, true) and w:find("−£4,000", 1, true) then warned = true end end
  H.ok(warned, "the text's total is reported as differing from Table 6")
  local md = sys.read(res.dir .. "/report.md")
  H.ok(md:find("Why figures differ", 1, true), "each ✗ is explained in the report")
  H.ok(md:find("Strength of evidence (Innovation Programme scale)", 1, true), "the report shows the strength")
  local doc = json.decode(sys.read(res.dir .. "/results.json"))
  H.eq(doc.strength.level, "none")
end)

H.case("economic: a printed total that differs from its cells is reported, not absorbed", function()
  local F = require("csc.econ.formulas")
  local c = F.check_total({ 319989, 486488, 396936 }, 1203414)
  H.ok(not c.agrees); H.eq(c.difference, 1); H.eq(c.sum, 1203413)
end)

H.case("synthesise: the project's own recipes roll up by strength", function()
  local syn = require("csc.synthesise")
  local files = {}
  for _, f in ipairs(sys.listdir("recipes")) do if f:match("%.lua$") then files[#files + 1] = "recipes/" .. f end end
  table.sort(files)
  local res = syn.run({ files = files, out = tmp .. "/syn", formats = { "json" } }, "csceval synthesise recipes/*.lua")
  local n = 0
  for _, k in ipairs(E.keys) do n = n + est(res, "count." .. k) end
  H.eq(n, #files)
  H.eq(est(res, "count.total"), #files)
end)
