-- csceval export (csc.export): the plan a language module receives, the
-- translation of cohort filters into R, the refusals (unknown language, a
-- language whose module is absent, a design not covered), and the script's
-- header on synthetic data.  The scripts themselves are run by Rscript and
-- compared with csceval's results in tests/export/run.sh (make test-export).
local H = ...
local export = require("csc.export")
local sys = require("host.sys")

local tmp = "tests/out/export_lua"
os.execute("rm -rf " .. tmp .. " && mkdir -p " .. tmp)

H.case("export: cohort filters are translated into R", function()
  H.eq(export.expr_r('(cohort == "2017/18" and back_on_track == 1) or cohort == "2014/15"'),
    '(cohort == "2017/18" & back_on_track == 1) | cohort == "2014/15"')
  H.eq(export.expr_r('not is_na(x) and y ~= 2'), '! is.na(x) & y != 2')
  H.eq(export.expr_r('la_name in {"Derby", "Leeds"}'), 'la_name %in% c("Derby", "Leeds")')
  H.eq(export.expr_r('`Number of children` >= 1e3'), '`Number of children` >= 1e3')
  H.eq(export.expr_r('if_else(sen == "E", 1, 0)'), 'ifelse(sen == "E", 1, 0)')
  local r, why = export.expr_r('year(dob) == 2010')
  H.eq(r, nil)
  H.eq(why, "the function year()")
  -- != is csceval's as well as ~= (docs/expressions.md)
  H.eq(export.expr_r('y != 2 and z % 2 == 0'), 'y != 2 & z %% 2 == 0')
  r, why = export.expr_r('x in (1, 2)')
  H.eq(r, nil)
  H.eq(why, "in without a {...} list")
end)

H.case("export: R and Stata read an expression through one tokeniser (csc.export.expr)", function()
  local tokens = require("csc.export.expr").tokens
  local t = tokens([[`Number of children` >= 1e3 and name ~= "a\"b" or if_else(pi > x, 1, 0)]])
  local kinds = {}
  for i, k in ipairs(t) do kinds[i] = k.k .. (k.v and (":" .. k.v) or "") end
  H.eq(kinds, { "col:Number of children", "op:>=", "num:1e3", "and", "col:name", "op:!=", 'str:a"b', "or",
    "fn:if_else", "op:(", "pi", "op:>", "col:x", "op:,", "num:1", "op:,", "num:0", "op:)" })
  H.eq(t[1].quoted, true)
  H.eq(t[7].raw, 'a\\"b')
  local none, why = tokens('a == "open')
  H.eq(none, nil)
  H.eq(why, "an unterminated text literal")
  none, why = tokens("a @ b")
  H.eq(why, "the symbol @")
end)

H.case("export: an unknown language and a language whose module is absent are usage errors", function()
  H.raises("--to python: unknown language (use r or stata)", export.language, "python")
  export.languages.nosuch = { module = "csc.export.nosuch", ext = "x", name = "Nosuch" }
  local msg = H.raises("the Nosuch export is not available in this build", export.language, "nosuch")
  H.ok(msg:find("lua/csc/export/nosuch.lua is missing", 1, true), msg)
  export.languages.nosuch = nil
end)

H.case("export: the plan of an its recipe on synthetic data, and the script's header", function()
  local res = export.export("recipes/lincs_early_help.lua", { to = "r", out = tmp })
  local plan = res.plan
  H.eq(plan.id, "lincs_early_help")
  H.eq(plan.type, "its")
  H.eq(plan.synthetic, true)
  H.eq(plan.synthetic_inputs, { "monthly" })
  H.eq(#plan.inputs, 1)
  local inp = plan.inputs[1]
  H.eq(inp.name, "monthly")
  H.eq(inp.path, "data/lincs_early_help/referrals_monthly.csv")
  H.eq(inp.file, "lincs_early_help_monthly.csv")
  H.eq(inp.rows, 24)
  H.eq(inp.columns, { "month", "time_period", "referral_count", "no_further_action_count" })
  H.eq(inp.types.referral_count, "int64")
  -- the preparation steps: listed in the plan, done by the R script itself
  H.eq(plan.frame.prepared, true)
  H.eq(plan.frame.file, "lincs_early_help_prepared.csv")
  H.eq(plan.frame.prepare, nil)
  H.eq(plan.frame.steps, { '{ derive = "nfa_pct", as = "no_further_action_count / referral_count * 100" }' })
  H.eq(plan.frame.columns[5], "nfa_pct")
  H.eq(#plan.outcomes, 2)
  H.eq(plan.options.level, 0.95)
  H.eq(plan.results_file, "lincs_early_help_results.csv")
  -- written: the script, the synthetic copy and the prepared frame
  local script = sys.read(tmp .. "/lincs_early_help.R")
  H.ok(script:find("SYNTHETIC DATA: the input(s) monthly", 1, true), "the synthetic note")
  H.ok(script:find("by construction, not a finding", 1, true), "agreement by construction")
  H.ok(script:find('# The recipe\'s data preparation is a list of steps (design.steps, recipes/lincs_early_help.lua), '
    .. 'from input monthly, done here in R:\nd <- input_monthly\n'
    .. '# 1. { derive = "nfa_pct", as = "no_further_action_count / referral_count * 100" }\n'
    .. 'd[["nfa_pct"]] <- with(d, no_further_action_count / referral_count * 100)\n', 1, true), "the steps in R")
  H.ok(script:find("if (nrow(d) != 24) stop(", 1, true), "the script checks the rows the steps made")
  H.ok(script:find("NeweyWest(ols, lag = lag, prewhite = FALSE, adjust = TRUE)", 1, true), "Newey-West as Stata newey")
  local copy = sys.read(tmp .. "/lincs_early_help_monthly.csv")
  H.eq(copy, sys.read("data/lincs_early_help/referrals_monthly.csv"))
  H.eq(sys.read(tmp .. "/lincs_early_help_prepared.csv"), nil)   -- the script prepares its own frame
end)

H.case("export: --data replaces an input's path and the data are then not synthetic", function()
  local src = "data/lincs_early_help/referrals_monthly.csv"
  local copy = tmp .. "/real_monthly.csv"
  assert(sys.write_atomic(copy, sys.read(src)))
  local res = export.export("recipes/lincs_early_help.lua", { to = "r", out = tmp .. "/real",
    data = { "monthly=" .. copy } })
  H.eq(res.plan.synthetic, false)
  H.eq(res.plan.inputs[1].path, copy)
  H.eq(res.plan.inputs[1].file, nil)
  H.eq(res.plan.inputs[1].replaced, true)
  H.ok(not sys.read(tmp .. "/real/lincs_early_help.R"):find("SYNTHETIC", 1, true), "no synthetic note")
end)

H.case("export: the comparison with results.json fails on a different number and on an unknown name", function()
  local json = require("csc.json")
  assert(sys.write_atomic(tmp .. "/results.json", json.encode({ estimates = {
    { label = "y.did_2x2", value = 6.357, se = 1.0168, p = 5.3e-6, ci = { 4.23, 8.48 } },
    { label = "y.rank.2019", value = 12, n = 150 } } })))
  local function run(csv)
    assert(sys.write_atomic(tmp .. "/r.csv", csv))
    local saved_arg, saved_print = arg, print
    arg = { tmp .. "/results.json", tmp .. "/r.csv", "did" }
    print = function() end
    local ok, rc = pcall(assert(loadfile("tests/export/compare.lua", "t")))
    arg, print = saved_arg, saved_print
    assert(ok, rc)
    return rc
  end
  H.eq(run('"name","value"\n"y.did_2x2","6.357"\n"y.did_2x2:se","1.0168"\n"y.did_2x2:ci_high","8.48"\n'
    .. '"y.rank.2019:n","150"\n'), 0)
  H.eq(run('"name","value"\n"y.did_2x2","6.3571"\n'), 1)            -- 1.4e-5 relative: over did's 1e-6
  H.eq(run('"name","value"\n"y.did_2x2:se","1.0168"\n"y.did_4x4","1"\n'), 1)   -- not among the results
  H.eq(run('"name","value"\n'), 1)                                   -- nothing compared
end)
