-- Surveys and instruments (csc.survey.*, design "survey"):
--   * scoring on hand-made answer sets with known scores: reverse items,
--     labels, complete-case, prorated and available-case rules, conversion,
--     bands closed below, declared missing answers;
--   * the shipped instruments: New Belongings' 98 items in 10 areas (9, 12,
--     9, 8, 10, 13, 10, 13, 7, 7) out of 392, SWEMWBS and its conversion
--     table against an independent transcription;
--   * alpha, Feldt's interval, item-dropped alpha, the binomial tests and the
--     group tests against R (tests/reference/survey/make_survey.R);
--   * the three survey recipes reproduce what they list, the generators
--     rerun to the same bytes.
-- Tolerances: 1e-10 relative for closed forms (alpha, binomial sums, t);
-- 1e-8 for F and t quantiles (GSL's and R's inversions differ in the last
-- digits); 1e-6 for Fisher's exact p on r x c tables (network algorithm
-- sums many small terms).
local H = ...
local instrument = require("csc.survey.instrument")
local score = require("csc.survey.score")
local reliability = require("csc.survey.reliability")
local describe = require("csc.survey.describe")
local compare = require("csc.survey.compare")
local hframe = require("host.frame")
local sys = require("host.sys")
local runner = require("csc.runner")
local json = require("csc.json")

local ref = {}
do
  local fh = assert(io.open("tests/reference/survey/expected.csv"))
  fh:read("l")
  for line in fh:lines() do
    local k, v = line:match("^([^,]+),([^,]+)$")
    if k then ref[k] = tonumber(v) end
  end
  fh:close()
end

local function likert_inst(extra)
  local t = { extends = "likert5_agree", id = "t", title = "test scale",
    items = {
      { id = "a", text = "A" }, { id = "b", text = "B" }, { id = "c", text = "C", reverse = true },
    },
    scales = {
      { id = "sum_cc", items = "all", method = "sum", missing = "complete" },
      { id = "sum_pr", items = "all", method = "sum", missing = { rule = "prorate", max_missing = 1 },
        bands = { { label = "high", min = 11, max = 15 }, { label = "mid", min = 7, max = 10 }, { label = "low", min = 3, max = 6 } } },
      { id = "mean_av", items = "all", method = "mean", missing = { rule = "available", min_answered = 2 } },
    } }
  for k, v in pairs(extra or {}) do t[k] = v end
  return instrument.load(t)
end

H.case("survey: scoring hand-made answers with reverse items and missing rules", function()
  local inst = likert_inst()
  H.eq({ inst.scale_index.sum_cc.min, inst.scale_index.sum_cc.max }, { 3, 15 })
  local f = hframe.new({ names = { "a", "b", "c" }, columns = {
    { "Agree", "5", "1", "Strongly agree", "Don't know" },
    { 4, 2, 1, "", "" },
    { "Strongly disagree", 5, 5, 3, 2 },
  } })
  local rows = score.items(inst, f, { file = "x.csv" })
  -- reverse item c: 1 -> 5, 5 -> 1, 3 -> 3, 2 -> 4
  H.eq(rows[1], { a = 4, b = 4, c = 5 })
  H.eq(rows[2], { a = 5, b = 2, c = 1 })
  H.eq(rows[4], { a = 5, c = 3 })
  H.eq(rows[5], { c = 4 })          -- "Don't know" is a declared missing answer
  local s = score.all(inst, rows)
  H.eq(s[1].scales, { sum_cc = 13, sum_pr = 13, mean_av = 13 / 3 })
  H.eq(s[1].bands.sum_pr, "high")
  H.eq(s[2].scales.sum_cc, 8); H.eq(s[2].bands.sum_pr, "mid")
  -- one missing: no complete-case score, prorated (5 + 3) / 2 x 3 = 12, available mean 4
  H.eq(s[4].scales.sum_cc, nil)
  H.eq(s[4].info.sum_cc.reason, "1 of 3 items missing (complete-case rule)")
  H.eq(s[4].scales.sum_pr, 12)
  H.eq(s[4].scales.mean_av, 4)
  -- two missing: nothing but a reason
  H.eq(s[5].scales, {})
  H.eq(s[5].info.sum_pr.reason, "2 of 3 items missing (at most 1 may be prorated)")
  H.eq(s[5].info.mean_av.reason, "1 of 3 items answered (at least 2 needed)")
end)

H.case("survey: bands are closed below, so a prorated score between two bands is not lost", function()
  local nb = instrument.load("new_belongings")
  local total = nb.scale_index.total
  H.eq(score.band(total, 294), "Good performance")
  H.eq(score.band(total, 293.5), "Ok performance")
  H.eq(score.band(total, 197), "Ok performance")
  H.eq(score.band(total, 196.9), "Poor performance")
  H.eq(score.band(total, 98), "Poor performance")
  H.eq(score.band(total, 400), nil)
end)

H.case("survey: an answer outside an item's options is a data error naming file, line and column", function()
  local inst = likert_inst()
  local f = hframe.new({ names = { "a", "b", "c" }, columns = { { 1, 6 }, { 1, 1 }, { 1, 1 } } })
  H.raises("x.csv:3: column a: 6 is not a score of item a (allowed: 1, 2, 3, 4, 5)", score.items, inst, f, { file = "x.csv" })
  local g = hframe.new({ names = { "a", "b" }, columns = { { 1 }, { 1 } } })
  H.raises('no column "c" for item c', score.items, inst, g, { file = "x.csv" })
  local num = instrument.load({ id = "n", title = "n", source = { citation = "c" },
    responses = { r = { min = 0, max = 10, step = 0.5 } }, items = { { id = "s", text = "s", responses = "r" } } })
  local h = hframe.new({ names = { "s" }, columns = { { 7.5, 7.25 } } })
  H.raises("7.25 is not on item s's steps of 0.5", score.items, num, h, { file = "y.csv" })
end)

H.case("survey: instrument files are checked", function()
  H.raises("each item needs id", instrument.load, { id = "x", title = "x", source = { citation = "c" },
    responses = { r = { min = 1, max = 2 } }, items = { { text = "no id", responses = "r" } } })
  H.raises('responses "agre5" is not a response set', instrument.load, { extends = "likert5_agree", id = "x", title = "x",
    items = { { id = "q", text = "q", responses = "agre5" } } })
  H.raises("source = {citation", instrument.load, { id = "x", title = "x", responses = {}, items = {} })
  H.raises("scale t: no item \"zz\"", instrument.load, { extends = "likert5_agree", id = "x", title = "x",
    items = { { id = "q", text = "q" } }, scales = { { id = "t", items = { "q", "zz" } } } })
end)

H.case("survey: the New Belongings framework has 98 items in 10 areas, total out of 392, and a follow-up form", function()
  local nb = instrument.load("new_belongings")
  local per = {}
  local n = 0
  for _, it in ipairs(nb.items) do
    if it.area then n = n + 1; per[it.area] = (per[it.area] or 0) + 1 end
  end
  H.eq(n, 98)
  H.eq({ per.a1, per.a2, per.a3, per.a4, per.a5, per.a6, per.a7, per.a8, per.a9, per.a10 }, { 9, 12, 9, 8, 10, 13, 10, 13, 7, 7 })
  H.eq(nb.scale_index.total.max, 392)
  H.eq(nb.scale_index.area6.max, 52)
  H.eq(nb.scale_index.self_total.max, 100)
  H.eq(#nb.forms.follow_up.rows, 10)
  -- scores as the body text uses them, not the appendix's list numbers
  H.eq(instrument.response_score(nb.item_index.i1a, "Agree at present"), 4)
  H.eq(instrument.response_score(nb.item_index.i1a, "disagree at present"), 1)
  -- wording kept word for word, typos included
  H.eq(nb.item_index.i6e.text, "Our housing allocation policy prioritises care leavers")
  H.eq(nb.item_index.i10e.text:sub(1, 29), "Our staff receives appropriat")
  H.eq(nb.item_index.i3c.text, "Our virtual school head takes responsibility for maximising the learning opportunities for all care leavers up to 25.")
end)

H.case("survey: SWEMWBS conversion table matches an independent transcription", function()
  local sw = instrument.load("swemwbs")
  -- Stewart-Brown et al. (2009) table as reproduced in the Derby notes and in
  -- public analysis scripts (values for raw 7..35, typed separately from the instrument file)
  local want = { 7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, 17.98, 18.59, 19.25,
    19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, 28.13, 29.31, 30.70, 32.55, 35.00 }
  for raw = 7, 35 do H.eq(sw.conversions.metric.table[raw], want[raw - 6]) end
  H.eq(#sw.items, 7)
  local s = score.all(sw, { { optimistic = 5, useful = 5, relaxed = 5, problems = 5, clearly = 5, close = 5, mind = 5 },
    { optimistic = 1, useful = 1, relaxed = 1, problems = 1, clearly = 1, close = 1, mind = 1 },
    { optimistic = 3, useful = 4, relaxed = 2, problems = 3, clearly = 3, close = 3, mind = 3 } })
  H.eq({ s[1].scales.metric, s[2].scales.metric, s[3].scales.metric, s[3].scales.raw }, { 35.00, 7.00, 19.25, 21 })
end)

H.case("survey: Cronbach's alpha, item-dropped alpha and Feldt's interval match R (formula and psych)", function()
  local rows = {}
  local fh = assert(io.open("tests/reference/survey/items.csv"))
  local head = {}
  for c in fh:read("l"):gmatch("[^,]+") do head[#head + 1] = c end
  for line in fh:lines() do
    local r, j = {}, 0
    for v in line:gmatch("[^,]+") do j = j + 1; r[head[j]] = tonumber(v) end
    rows[#rows + 1] = r
  end
  fh:close()
  local a = reliability.alpha(rows, head)
  H.eq(a.n, 12)
  H.eq({ a.raw_alpha, a.std_alpha, a.average_r }, { ref["alpha.raw"], ref["alpha.std"], ref["alpha.average_r"] }, 1e-10)
  for _, q in ipairs(head) do H.eq(a.item_dropped[q], ref["alpha.drop." .. q], 1e-10) end
  H.eq(a.ci, { ref["alpha.feldt_lo"], ref["alpha.feldt_hi"] }, 1e-8)
  if ref["psych.raw_alpha"] then
    H.eq({ a.raw_alpha, a.ci[1], a.ci[2] }, { ref["psych.raw_alpha"], ref["psych.ci_lo"], ref["psych.ci_hi"] }, 1e-8)
  end
  H.eq({ reliability.feldt(a.raw_alpha, 12, 5, 0.90) }, { ref["alpha.feldt90_lo"], ref["alpha.feldt90_hi"] }, 1e-8)
  -- a respondent missing an item is left out, and said to be
  rows[13] = { q1 = 4, q2 = 4, q3 = 4, q4 = 4 }
  local b = reliability.alpha(rows, head)
  H.eq({ b.n, b.dropped }, { 12, 1 })
  H.eq(b.raw_alpha, ref["alpha.raw"], 1e-10)
  -- undefined cases are reported, not computed
  H.eq(reliability.alpha({ { q1 = 1, q2 = 2 }, { q1 = 1, q2 = 3 }, { q1 = 1, q2 = 1 } }, { "q1", "q2" }).error,
    "no variance in item(s) q1, so alpha is undefined")
end)

H.case("survey: exact sign and McNemar p-values match R binom.test", function()
  for _, c in ipairs({ { 9, 9 }, { 3, 10 }, { 0, 5 }, { 7, 20 }, { 13, 30 } }) do
    H.eq(compare.binom_p(c[1], c[2]), ref[string.format("binom.%d_%d", c[1], c[2])], 1e-10)
  end
  H.eq(compare.mcnemar_exact(10, 3).p_value, ref["binom.3_10"] and compare.binom_p(3, 13), 1e-12)
end)

H.case("survey: paired change (New Belongings Table 9) matches R t.test, wilcox.test and cor.test", function()
  local before = { 82, 58, 76, 77, 70, 65, 69, 71, 54, 58 }
  local after = { 82, 61, 81, 84, 77, 73, 78, 81, 69, 82 }
  local pairs_ = {}
  for i = 1, 10 do pairs_[i] = { id = i, before = before[i], after = after[i] } end
  local c = describe.change(pairs_)
  H.eq({ c.higher, c.same, c.lower, c.before.mean, c.after.mean, c.diff.mean, c.median_change }, { 9, 1, 0, 68, 76.8, 8.8, 7.5 }, 1e-12)
  local p = compare.paired(before, after)
  H.eq({ p.t.statistic, p.t.p_value }, { ref["t9.t"], ref["t9.t_p"] }, 1e-10)
  H.eq({ p.t.conf_int[1], p.t.conf_int[2] }, { ref["t9.ci_lo"], ref["t9.ci_hi"] }, 1e-8)
  H.eq({ p.wilcoxon.statistic, p.wilcoxon.p_value }, { ref["t9.wilcoxon_V"], ref["t9.wilcoxon_p"] }, 1e-10)
  H.eq(p.sign.p_value, ref["binom.9_9"], 1e-10)
  H.ok(#p.warnings >= 1, "a panel of 10 is warned about")
end)

H.case("survey: two-group tests on small groups match R and warn in plain words", function()
  local g1 = { 19.25, 17.98, 20.73, 16.88, 21.54 }
  local g2 = { 23.21, 22.35, 24.11, 21.54, 25.03, 26.02, 19.98, 23.21, 27.03, 22.35 }
  local r = compare.scores(g1, g2, { "Wave 2 intervention", "Wave 2 comparison" })
  H.eq({ r.welch.statistic, r.welch.p_value, r.welch.parameter.df }, { ref["small.welch_t"], ref["small.welch_p"], ref["small.welch_df"] }, 1e-10)
  H.eq({ r.mann_whitney.statistic, r.mann_whitney.p_value }, { ref["small.mw_W"], ref["small.mw_p"] }, 1e-10)
  local m = describe.mean(g2)
  H.eq(m.ci, { ref["small.mean_ci_lo"], ref["small.mean_ci_hi"] }, 1e-8)
  local text = table.concat(r.warnings, " | ")
  H.ok(text:find("Wave 2 intervention has only 5 respondents", 1, true), text)
  H.ok(text:find("not evidence of no difference", 1, true), text)
  for _, nm in ipairs({ "retention", "remain", "recruitment", "turnover", "training", "restorative" }) do
    local x = ({ retention = { 179, 155 }, remain = { 169, 143 }, recruitment = { 165, 135 }, turnover = { 145, 116 },
      training = { 74, 61 }, restorative = { 11, 24 } })[nm]
    local pr = compare.proportions(x[1], 242, x[2], 204)
    H.eq(pr.fisher.p_value, ref["lincs." .. nm .. ".fisher_p"], 1e-8)
    H.eq(pr.chisq.p_value, ref["lincs." .. nm .. ".chisq_p"], 1e-10)
    H.eq({ pr.prop.conf_int[1], pr.prop.conf_int[2] }, { ref["lincs." .. nm .. ".ci_lo"], ref["lincs." .. nm .. ".ci_hi"] }, 1e-10)
  end
  local of = compare.counts({ { 1, 5, 10, 3, 9 }, { 2, 31, 49, 12, 58 } })
  H.eq(of.fisher.p_value, ref["ofsted.fisher_p"], 1e-6)
  H.eq(of.chisq.statistic, ref["ofsted.chisq"], 1e-10)
  H.ok(table.concat(of.warnings, " "):find("expected count", 1, true))
end)

H.case("survey: ranking keeps the stated tie rule; response rates pool only units with both counts", function()
  local e = { { id = "x", value = 2 }, { id = "y", value = 3 }, { id = "z", value = 2 }, { id = "w", value = 1 } }
  local first = describe.rank(e, "first")
  H.eq({ first[1].id, first[2].id, first[2].rank, first[3].id, first[3].rank }, { "y", "x", 2, "z", 3 })
  local min = describe.rank(e, "min")
  H.eq({ min[2].rank, min[3].rank, min[4].rank }, { 2, 2, 4 })
  local avg = describe.rank(e, "average")
  H.eq({ avg[2].rank, avg[3].rank }, { 2.5, 2.5 })
  -- rounding before ranking: 3.6315 and 3.6317 tie at 3 decimals
  local r3 = describe.rank({ { id = "a", value = 3.6315 }, { id = "b", value = 3.6317 } }, "min", 3)
  H.eq({ r3[1].rank, r3[2].rank }, { 1, 1 })
  local rr = describe.response_rates({ { label = "a", returned = 53, sent = 146 }, { label = "b", returned = 50 },
    { label = "c", sent = 447 }, { label = "d", returned = 9, sent = 227 } })
  H.eq(rr.total_returned, 112)
  H.eq({ rr.pooled.returned, rr.pooled.sent, rr.pooled.units }, { 62, 373, 2 })
  H.eq(rr.range, { 100 * 9 / 227, 100 * 53 / 146 }, 1e-12)
  H.eq(describe.pct_change(74, 61), (61 - 74) / 74 * 100, 1e-14)
end)

H.case("survey: small counts are suppressed unless the recipe says why", function()
  H.eq(compare.suppress(3, 5), "<5")
  H.eq(compare.suppress(0, 5), 0)
  H.eq(compare.suppress(7, 5), 7)
  H.eq(compare.suppress(3, 5, "published aggregates"), 3)
end)

-- ===== recipes and generators =====
local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-survey-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-" .. tostring(math.random(1e6))
sys.mkdirs(tmp)

H.case("survey: the generators rerun to the committed bytes", function()
  for _, g in ipairs({ { "data/derby_survey/gen.lua", "data/derby_survey/responses.csv" },
    { "data/new_belongings/gen.lua", "data/new_belongings/baseline.csv" } }) do
    local out = tmp .. "/" .. g[2]:match("[^/]+$")
    H.eq(H.run_script(g[1], out), 0)
    H.ok(sys.read(out) == sys.read(g[2]), "re-running " .. g[1] .. " must reproduce " .. g[2] .. " byte for byte")
    -- and its synthetic-data mark (csc.synthetic)
    H.ok(sys.read(out .. ".csceval.json") == sys.read(g[2] .. ".csceval.json"), g[2] .. ".csceval.json")
  end
end)

local function run(recipe)
  local res = runner.run(recipe, { out = tmp .. "/out", formats = { "json", "md" } })
  local doc = json.decode(assert(sys.read(res.dir .. "/results.json")))
  return res, doc
end

H.case("survey: Derby recipe reproduces Tables 5 and 6 (by construction) and states the exclusion's effect", function()
  local res, doc = run("recipes/derby_survey.lua")
  H.eq(res.nwithin, #res.published)
  local e = {}
  for _, x in ipairs(doc.estimates) do e[x.label] = x end
  H.ok(e["table6.metric.wave_2_intervention.mean_without_exclusion"].value < e["table6.metric.wave_2_intervention.mean"].value,
    "leaving out the lowest score raises the mean")
  H.eq(e["table6.metric.wave_1_intervention.not_scored"].value, 2)
  H.eq(e["table6.metric.wave_1_comparison.not_scored"].value, 2)
  local md = assert(sys.read(res.dir .. "/report.md"))
  H.ok(md:find("synthetic data", 1, true), "the report says the data are synthetic")
  H.ok(md:find("left out: the report", 1, true), "the exclusion is stated with its reason")
end)

H.case("survey: New Belongings recipe: every figure within tolerance except the report's own documented differences", function()
  local res = run("recipes/new_belongings.lua")
  local off = {}
  for _, p in ipairs(res.published) do if not p.within then off[#off + 1] = p.estimate end end
  table.sort(off)
  H.eq(off, {
    "item_means.i3c.rank", "item_means.i8j.rank",
    "table10.there_has_been_an_increase_in_the_extent_to_which_we_have_consulted_with_care_leavers.2.percent",
    "table10.there_has_been_increased_awareness_of_the_needs_of_care_leavers.4.percent",
    "table2.nb_las.good_or_outstanding.percent",
  })
  H.ok(#res.published >= 180, "New Belongings lists its published figures")
end)

H.case("survey: Lincolnshire staff survey: arithmetic exact, and the three 'not significant' changes are not", function()
  local res, doc = run("recipes/lincs_staff_survey.lua")
  H.eq(res.nwithin, #res.published)
  local e = {}
  for _, x in ipairs(doc.estimates) do e[x.label] = x end
  H.eq(e["survey.training_satisfaction_change"].value, -13 / 74 * 100, 1e-12)
  H.eq(e["survey.unique_respondents"].value, 355)
  H.eq(e["changes.restorative_practice_always.significant"].value, 1)
end)

H.case("survey: answer distributions from data hide small counts unless the recipe says why", function()
  local dir = tmp .. "/dist"
  sys.mkdirs(dir)
  local fh = assert(io.open(dir .. "/a.csv", "w"))
  fh:write("id,q1,q2\n")
  for i = 1, 12 do fh:write(string.format("%d,%s,%s\n", i, i <= 9 and "Agree" or "Disagree", i <= 2 and "" or "Strongly agree")) end
  fh:close()
  local function recipe(show)
    local src = string.format([[
return { title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { a = { path = %q } },
  design = { type = "survey", %s
    instruments = { s = { extends = "likert5_agree", id = "s", title = "s",
      items = { { id = "q1", text = "one" }, { id = "q2", text = "two", reverse = true } } } },
    analyses = { { kind = "score", name = "sc", input = "a", instrument = "s", id = "id" },
                 { kind = "distribution", name = "dist", from = "sc", top_box = 2 } } } }]], dir .. "/a.csv",
      show and 'small_counts = { threshold = 5, show = "test" },' or "")
    local p = dir .. "/r" .. (show and "1" or "0") .. ".lua"
    local f = assert(io.open(p, "w")); f:write(src); f:close()
    local res = runner.run(p, { out = dir .. "/out", formats = { "json" } })
    return json.decode(assert(sys.read(res.dir .. "/results.json"))), res
  end
  local doc = recipe(false)
  local e = {}
  for _, x in ipairs(doc.estimates) do e[x.label] = x end
  -- q1: 9 agree, 3 disagree (a small count); q2 reverse-scored: "Strongly agree" counted as chosen
  H.eq(e["dist.q1.n"].value, 12)
  H.eq(e["dist.q1.4.percent"].value, 75)
  H.eq(e["dist.q1.2.percent"], nil)
  H.eq(e["dist.q2.n"].value, 10)
  H.eq(e["dist.q2.5.percent"].value, 100)
  H.eq(e["dist.q1.top_share"].value, 75)
  local doc2 = recipe(true)
  local e2 = {}
  for _, x in ipairs(doc2.estimates) do e2[x.label] = x end
  H.eq(e2["dist.q1.2.percent"].value, 25)
end)

H.case("survey: exact permutation test matches enumeration in R and coin::oneway_test", function()
  local g1 = { 19.25, 17.98, 20.73, 16.88, 21.54 }
  local g2 = { 23.21, 22.35, 24.11, 21.54, 25.03, 26.02, 19.98, 23.21, 27.03, 22.35 }
  H.eq(compare.permutation(g1, g2), ref["perm.small"], 1e-10)
  H.eq(compare.permutation({ 1, 2 }, { 3, 4, 5 }), ref["perm.tiny"], 1e-12)
  if ref["coin.small"] then
    H.eq(compare.permutation(g1, g2), ref["coin.small"], 1e-10)
    -- Likert scores with many ties, 13 against 32 (7.3e10 splits, counted, not enumerated)
    H.eq(compare.permutation({ 4, 5, 3, 6, 4, 5, 4, 3, 6, 5, 4, 4, 6 },
      { 3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 1, 3, 2, 3, 4, 3, 2, 3, 3, 2, 4, 3, 3, 2, 3, 4, 3, 2, 3, 3, 2, 4 }), ref["coin.likert"], 1e-9)
  end
  local p, why = compare.permutation({ 1 / 3 }, { 0.5, 0.25 })
  H.eq(p, nil); H.eq(why, "values not on a grid of 4 decimals")
end)
