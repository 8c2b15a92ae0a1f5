-- make check (tests/bench/gen_national_check.sh): the national-scale example
-- recipe (recipes/example_national_matching.lua) run on the generator's
-- 100,000-row extract.  Not timed: checks that the run did what its report
-- says.
--   csceval test tests/bench/check_national_recipe.lua OUT/example_national_matching SUMMARY
-- * the extract, given with --data, is still synthetic through the
--   generator's mark (national.csv.csceval.json, lua/csc/synthetic.lua):
--   results.json says so for the run and the input (with the mark's
--   generator), the report has the synthetic-data notice, the CLI summary
--   (SUMMARY, the captured stdout of the run) says SYNTHETIC, and so does
--   every chart; each in the words of a generated benchmark extract, not of
--   a stand-in made to match a report's published figures;
-- * the report says the data are synthetic (its data note) and has the
--   timings table with every step of the design, and the memory line;
-- * every programme pupil found its 10 comparison pupils (10:1 without
--   replacement, a pool of about 99 controls per programme pupil);
-- * the effect recovers the +1.5 points the generator builds in
--   (tests/bench/gen_national.c) within 4 standard errors: agreement by
--   construction, which is what shows the design, weights and regression
--   are wired together correctly (a wrong column or sign would miss by tens
--   of standard errors: the unadjusted difference is about -5 points).
local json = require("csc.json")
local sys = require("host.sys")
local dir = assert(arg[1], "check_national_recipe.lua OUTDIR")
local res = json.decode(assert(sys.read(dir .. "/results.json")))
local report = assert(sys.read(dir .. "/report.md"))
local est = {}
for _, e in ipairs(res.estimates) do est[e.label] = e end
local function need(cond, msg) if not cond then error("check_national_recipe: " .. msg, 0) end end

need(report:find("SYNTHETIC DATA", 1, true), "the report does not say the data are synthetic")
need(res.synthetic == true, "results.json does not say the data are synthetic")
local inp = res.inputs[1]
need(inp.synthetic == true and inp.replaced_with_data_option == true, "the --data input is not marked synthetic")
need(inp.synthetic_mark and inp.synthetic_mark.generator == "tests/bench/gen_national.c",
  "results.json does not name the generator's mark")
need(report:find("These results use synthetic data", 1, true), "no synthetic-data notice in the report")
need(report:find("carries csceval's synthetic-data mark", 1, true), "the report does not name the mark")
-- The notice's words are those of a generated benchmark extract (the
-- recipe's synthetic_kind, and the kind in the generator's mark), not those
-- of a stand-in for a report's confidential records: there are no published
-- figures it was made to match (csc.synthetic.words).
local W = require("csc.synthetic").words("benchmark")
local function benchmark_words(text, where)
  need(not text:find("made to match the published", 1, true) and not text:find("confidential or unpublished", 1, true)
    and not text:find("agreement by construction", 1, true),
    where .. " words the notice as for a stand-in for a report's confidential records")
end
need(res.synthetic_kind == "benchmark" and inp.synthetic_kind == "benchmark", "results.json: synthetic_kind not benchmark")
need(res.synthetic_note == W.note, "results.json: the synthetic note is not the benchmark extract's")
need(report:find(W.lead, 1, true) and report:find(W.made, 1, true), "report.md: no benchmark-extract notice")
benchmark_words(report, "report.md")
benchmark_words(assert(sys.read(dir .. "/results.json")), "results.json")
local top = dir:match("^(.*)/[^/]+$") or "."
for _, f in ipairs({ "index.md", "index.html" }) do
  local text = sys.read(top .. "/" .. f)
  if text then
    need(text:find(f == "index.md" and W.index or W.lead, 1, true), f .. ": no benchmark-extract notice")
    benchmark_words(text, f)
  end
end
if arg[2] then
  local summary = assert(sys.read(arg[2]))
  need(summary:find("(SYNTHETIC data in national: " .. W.short .. ")", 1, true),
    "the CLI summary does not say the data are a synthetic benchmark extract: " .. summary)
end
for _, f in ipairs(sys.listdir(dir)) do
  if f:match("%.svg$") then
    local svg = assert(sys.read(dir .. "/" .. f))
    need(svg:find("SYNTHETIC", 1, true), f .. " does not carry the synthetic mark")
    need(svg:find("generated benchmark extract", 1, true), f .. " does not say the extract is a generated benchmark")
    benchmark_words(svg, f)
  end
end
need(report:find("Time taken by each step", 1, true), "no timings table in the report")
for _, step in ipairs({ "read the inputs", "prepare the data", "covariate weights", "matching", "balance", "effects" }) do
  need(report:find("| " .. step .. " |", 1, true), "no timing for the step " .. step)
end
need(report:find("peak resident memory", 1, true), "no memory line in the report")
local nt = est.n_treated.value
need(nt > 500 and nt < 2000, "about 1% of 100,000 pupils should be in the programme, not " .. nt)
need(est.n_matched_treated.value == nt, "a programme pupil found no match")
need(est.n_matched_comparison.value == 10 * nt, "10 comparison pupils each expected")
local e = est["attainment.effect"]
need(math.abs(e.value - 1.5) < 4 * e.se, string.format("effect %.3f (SE %.3f) is more than 4 SE from the "
  .. "generator's +1.5", e.value, e.se))
need(est["run.peak_rss_mb"].value > 0 and est["run.column_data_mb"].value > 0, "no memory figures")
print(string.format("national example at 100k rows: %d programme pupils, 10:1 matched, effect %.3f (SE %.3f) "
  .. "against the +1.5 built in", nt, e.value, e.se))
return 0
