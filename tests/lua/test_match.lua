-- csc.match: the Lua API on R references (tests/reference/matching/), its
-- checks and messages, and the cohort helpers.
-- Tolerances: matched sets exactly; weights 1e-12 relative (MatchIt sums
-- and rescales in its own order); effects 1e-10 (least squares by QR here
-- and in R, then sandwich estimators); IPW weights 1e-12 (closed form).
local H = ...
local hframe = require("host.frame")
local match = require("csc.match")

local DIR = "tests/reference/matching/"
local function read(name) return hframe.read_csv(DIR .. name) end

local medium = read("data_medium.csv")
local discrete = read("data_discrete.csv")
local effects = read("effects_data.csv")
local ref_m = read("matches.csv")
local ref_w = read("weights.csv")
local ref_e = read("effects_expected.csv")

-- Reference rows of one case as "treated:slot:control" strings, sorted.
local function ref_pairs(case)
  local c, t, s, k = ref_m:column("case"), ref_m:column("treated"), ref_m:column("slot"), ref_m:column("control")
  local out = {}
  for i = 1, #c do if c[i] == case then out[#out + 1] = string.format("%d:%d:%d", t[i], s[i], k[i]) end end
  table.sort(out)
  return out
end

local function our_pairs(m)
  local t, s, k = m.pairs:column("treated_row"), m.pairs:column("slot"), m.pairs:column("control_row")
  local out = {}
  for i = 1, #t do out[i] = string.format("%d:%d:%d", t[i], s[i], k[i]) end
  table.sort(out)
  return out
end

local function ref_values(case, qty)
  local c, q, v = ref_e:column("case"), ref_e:column("quantity"), ref_e:column("value")
  local out = {}
  for i = 1, #c do if c[i] == case and q[i] == qty then out[#out + 1] = v[i] end end
  return out
end

H.case("match.nearest: 4:1 Mahalanobis equals MatchIt's matched sets and weights", function()
  local m = match.nearest{ data = medium, treat = "t", covariates = { "x1", "x2", "x3", "x4" }, ratio = 4 }
  H.eq(our_pairs(m), ref_pairs("maha_med_k4"))
  local c, r, w = ref_w:column("case"), ref_w:column("row"), ref_w:column("weight")
  local ours = m.data:column("weights")
  for i = 1, #c do
    if c[i] == "maha_med_k4" then H.eq(ours[r[i]], w[i], 1e-12) end
  end
  H.eq(m.info.n_matched_treated, 238)
  H.eq(m.info.order, "data")
end)

H.case("match.nearest: weighted Mahalanobis 10:1 equals MatchIt on a distance matrix", function()
  local m = match.nearest{ data = discrete, treat = "t", ratio = 10,
    covariates = { "year", "gender", "ehcp", "sen", "fsm", "absences" },
    weights = { gender = 2, fsm = 2, absences = 4 } }
  H.eq(our_pairs(m), ref_pairs("wmaha_disc_k10"))
end)

H.case("match.nearest: logit score, exact strata and calipers equal MatchIt", function()
  local covs = { "x1", "x2", "x3", "x4", "b1", "b2" }
  local m = match.nearest{ data = medium, treat = "t", distance = "logit", covariates = covs }
  H.eq(our_pairs(m), ref_pairs("ps_med_1"))
  H.eq(m.info.order, "largest")
  m = match.nearest{ data = medium, treat = "t", distance = "logit", covariates = covs, ratio = 2,
    exact = { "b1", "g" } }
  H.eq(our_pairs(m), ref_pairs("ps_med_k2_exact"))
  m = match.nearest{ data = medium, treat = "t", distance = "logit", covariates = covs, ratio = 2,
    caliper = { x1 = 0.1, x3 = 0.25 } }
  H.eq(our_pairs(m), ref_pairs("ps_med_calcov"))
  m = match.nearest{ data = medium, treat = "t", distance = "linear.probit", covariates = covs, caliper = 0.02 }
  H.eq(our_pairs(m), ref_pairs("ps_med_lprobit_cal"))
  m = match.nearest{ data = medium, treat = "t", distance = "logit", covariates = covs, ratio = 2,
    order = "random", seed = 20260101 }
  H.eq(our_pairs(m), ref_pairs("ps_med_random"))
end)

H.case("match.nearest: rows with missing values are left out and counted", function()
  local f = hframe.new{ names = { "t", "x" }, columns = {
    { 1, 0, 0, 1, 0, 0, hframe.NA }, { 1.0, 1.1, 5, 4.9, 2, hframe.NA, 3 } } }
  local m = match.nearest{ data = f, treat = "t", covariates = { "x" } }
  H.eq(m.info.n_dropped, 2)
  local w = m.data:column("weights")
  H.eq(w[6], 0)
  H.eq(m.data:value(6, "subclass"), hframe.NA)
end)

H.case("match.nearest: covariates read in place give the copied path's matches", function()
  -- Every row complete: the int64 and float64 columns are read where they
  -- are. One more row with a missing covariate: the rows used are copied.
  -- The matched sets, distances and weights of the shared rows agree.
  local names = { "t", "year", "gender", "sen", "fsm", "absences", "absf" }
  local cols = {}
  for j = 1, 6 do cols[j] = discrete:column(names[j]) end
  cols[7] = {}
  for i, v in ipairs(cols[6]) do cols[7][i] = v * 1.5 + 0.25 end
  local whole = hframe.new{ names = names, columns = cols }
  H.eq(whole:type("year"), "int64")
  H.eq(whole:type("absf"), "float64")
  local more = {}
  for j = 1, 7 do
    more[j] = {}
    for i, v in ipairs(cols[j]) do more[j][i] = v end
    more[j][#cols[j] + 1] = j == 7 and hframe.NA or 0
  end
  local gapped = hframe.new{ names = names, columns = more }
  local spec = { treat = "t", covariates = { "year", "gender", "sen", "fsm", "absf" }, ratio = 3,
    weights = { absf = 4 } }
  for _, replace in ipairs({ false, true }) do
    spec.replace = replace
    spec.data = whole
    local a = match.nearest(spec)
    spec.data = gapped
    local b = match.nearest(spec)
    H.eq(b.info.n_dropped, 1)
    H.eq(our_pairs(a), our_pairs(b))
    H.eq(a.pairs:column("distance"), b.pairs:column("distance"))
    local wa, wb = a.data:column("weights"), b.data:column("weights")
    for i = 1, #wa do H.eq(wa[i], wb[i]) end
  end
end)

H.case("match.nearest: mistakes are named at the field", function()
  local covs = { "x1", "x2" }
  H.raises("match.nearest: covariates[2]: no column \"x22\" in the data (did you mean \"x2\"?)",
    match.nearest, { data = medium, treat = "t", covariates = { "x1", "x22" } })
  H.raises("unknown field 'ratoi' (did you mean \"ratio\"?)",
    match.nearest, { data = medium, treat = "t", covariates = covs, ratoi = 2 })
  H.raises("field 'ratio' must be a whole number >= 1",
    match.nearest, { data = medium, treat = "t", covariates = covs, ratio = 0 })
  H.raises("order = \"random\" needs 'seed'",
    match.nearest, { data = medium, treat = "t", covariates = covs, order = "random" })
  H.raises("a caliper on the distance needs a propensity score",
    match.nearest, { data = medium, treat = "t", covariates = covs, caliper = 0.2 })
  H.raises("weights.x9: not one of the covariates",
    match.nearest, { data = medium, treat = "t", covariates = covs, weights = { x9 = 1 } })
  H.raises("order \"largest\" needs a propensity score",
    match.nearest, { data = medium, treat = "t", covariates = covs, order = "largest" })
  H.raises("caliper variable 1 is binary",
    match.nearest, { data = medium, treat = "t", covariates = covs, caliper = { b1 = 0.5 } })
end)

H.case("match.balance: cobalt's conventions, as MatchIt's summary() for the ATT", function()
  -- MatchIt's summary() standardises binary covariates too: binary = "std"
  local b = match.balance{ data = effects, treat = "t", covariates = { "x1", "x3", "b1" }, weights = "w_m4",
    binary = "std" }
  for i, v in ipairs({ "x1", "x3", "b1" }) do
    local u, a = ref_values("bal_m4_" .. v, "unadj"), ref_values("bal_m4_" .. v, "adj")
    local r = b.rows[i]
    H.eq({ r.mean_treated, r.mean_control, r.sd_denom, r.smd }, { u[1], u[2], u[3], u[4] }, 1e-12)
    H.eq({ r.mean_treated_adj, r.mean_control_adj }, { a[1], a[2] }, 1e-12)
    H.eq(math.abs(r.smd_adj - a[3]) <= 1e-12 * math.max(math.abs(u[1]), 1), true)
  end
  H.eq(b.rows[3].binary, true)
  H.eq(b.rows[3].var_ratio ~= b.rows[3].var_ratio, true)   -- NaN for binaries
  local t = b:table()
  H.eq(t.columns[#t.columns], "over_threshold")
  -- the default is cobalt's bal.tab (binary = "raw"): a 0/1 covariate's
  -- difference is the raw difference in proportions, before and after
  -- (the means are MatchIt's, above); continuous ones are unchanged
  local d = match.balance{ data = effects, treat = "t", covariates = { "x1", "x3", "b1" }, weights = "w_m4" }
  local u, a = ref_values("bal_m4_b1", "unadj"), ref_values("bal_m4_b1", "adj")
  H.eq({ d.rows[3].smd, d.rows[3].smd_adj }, { u[1] - u[2], a[1] - a[2] }, 1e-12)
  H.eq({ d.rows[1].smd, d.rows[2].smd }, { b.rows[1].smd, b.rows[2].smd }, 1e-15)
  H.eq(d.binary, "raw")
end)

H.case("match.balance reads whole-number covariates and weights in place: the same bits as copies", function()
  -- b1 and t are int64 columns read from the CSV, read in place; b1f holds
  -- the same values as float64, w2 the weights times 1 (float64, in place);
  -- and a frame with one more row, whose treatment is missing, takes the
  -- copying path (a row index) for all of them, with the same results
  local f = effects:mutate("b1f", "b1 * 1.0"):mutate("w2", "w_m4 * 1")
  local b = match.balance{ data = f, treat = "t", covariates = { "b1", "b1f", "x1" }, weights = "w_m4" }
  local keys = { "mean_treated", "mean_control", "var_treated", "var_control", "smd", "sd_denom",
    "mean_treated_adj", "mean_control_adj", "smd_adj", "ess_treated_adj", "ess_control_adj" }
  for _, k in ipairs(keys) do
    H.eq(string.format("%a", b.rows[1][k]), string.format("%a", b.rows[2][k]), k)
  end
  H.eq(b.rows[1].binary, true)
  local names = { "t", "b1", "x1", "w2" }
  local cols, more = {}, {}
  for j, nm in ipairs(names) do
    cols[j] = f:column(nm)
    more[j] = {}
    for i, v in ipairs(cols[j]) do more[j][i] = v end
    more[j][#cols[j] + 1] = j == 1 and hframe.NA or 1
  end
  local whole, gapped = hframe.new{ names = names, columns = cols }, hframe.new{ names = names, columns = more }
  H.eq(whole:type("b1"), "int64")
  local cut = match.balance{ data = whole, treat = "t", covariates = { "b1", "x1" }, weights = "w2" }
  local c = match.balance{ data = gapped, treat = "t", covariates = { "b1", "x1" }, weights = "w2" }
  for i = 1, 2 do
    for _, k in ipairs(keys) do
      H.eq(string.format("%a", c.rows[i][k]), string.format("%a", cut.rows[i][k]), k)
    end
  end
end)

H.case("a whole-number treatment column read in place names its first value that is not 0 or 1", function()
  local f = hframe.new{ names = { "t", "x" }, columns = { { 0, 1, 2, 0, 5 }, { 1.0, 2.0, 3.0, 4.0, 5.0 } } }
  H.eq(f:type("t"), "int64")
  H.raises("treatment column 't' must hold 0/1 or true/false; row 3 holds 2",
    match.balance, { data = f, treat = "t", covariates = { "x" } })
  local g = hframe.new{ names = { "t", "x" }, columns = { { 0, 1, hframe.NA, 0, 7 }, { 1.0, 2.0, 3.0, 4.0, 5.0 } } }
  H.raises("row 5 holds 7", match.balance, { data = g, treat = "t", covariates = { "x" } })
end)

H.case("match.balance: pooled SD for the ATE, flags and plain-words warnings", function()
  local b = match.balance{ data = effects, treat = "t", covariates = { "x1", "x3", "b1" },
    weights = "w_ate", estimand = "ATE", labels = { x1 = "prior absences" } }
  local u = ref_values("bal_ate_x1", "unadj")
  H.eq(b.rows[1].sd_denom, u[3], 1e-12)
  H.eq(b.rows[1].label, "prior absences")
  local w = b:warnings("after weighting")
  for _, s in ipairs(w) do H.ok(s:match("^after weighting, .+ is still unbalanced %(SMD %-?%d"), s) end
end)

H.case("match.effect: lm + vcovCL on matched sets, with adjustment", function()
  local e = match.effect{ data = effects, outcome = "y", treat = "t", weights = "w_m4",
    subclass = "sub_m4", adjust = { "x1", "b1" } }
  local want = ref_values("eff_m4_adj", "effect")
  H.eq({ e.estimate, e.se, e.statistic, e.df, e.p_value, e.conf_low, e.conf_high }, want, 1e-10)
  H.eq(e.vcov, "cluster")
end)

H.case("match.effect: trend ratio on the comparison outcome, 90% interval", function()
  local e = match.effect{ data = effects, outcome = "y", treat = "t", weights = "w_m4",
    subclass = "sub_m4", adjust = { "x1" }, rescale_control = 1.28, level = 0.9 }
  H.eq({ e.estimate, e.se, e.conf_low, e.conf_high }, (function()
    local w = ref_values("eff_m4_rescale", "effect"); return { w[1], w[2], w[6], w[7] } end)(), 1e-10)
  H.ok(e.method:find("multiplied by 1.28", 1, true), e.method)
end)

H.case("match.ipw: ATE weights, trimming, svyglm standard error", function()
  local w = match.ipw{ data = effects, treat = "t", score = "ps", estimand = "ATE" }
  H.eq(w.data:column("weights"), ref_values("ipw_ate", "weights"), 1e-12)
  local tr = match.ipw{ data = effects, treat = "t", score = "ps", estimand = "ATE", trim = { 0.02, 0.98 } }
  H.eq(tr.data:column("weights"), ref_values("ipw_ate_trim", "weights"), 1e-12)
  H.eq(w.histogram:nrow(), 20)
  local e = match.effect{ data = effects, outcome = "y", treat = "t", weights = "w_ate",
    adjust = { "x3" }, vcov = "svyglm" }
  H.eq({ e.estimate, e.se }, (function() local r = ref_values("eff_ate_svy_adj", "effect"); return { r[1], r[2] } end)(), 1e-10)
end)

H.case("match.first_event and window_counts: pseudo start dates and counts", function()
  local ev = hframe.new{ names = { "pid", "date", "type" }, types = { date = "date" }, columns = {
    { 7, 3, 7, 7 }, { "2016-03-01", "2015-12-31", "2016-01-10", "2016-05-01" },
    { "drugs", "theft", "violence", "drugs" } } }
  local st = match.first_event{ data = ev, id = "pid", date = "date", offset_days = 47 }
  H.eq(st:column("pid"), { 3, 7 })
  H.eq(st:column("start"), { "2016-02-16", "2016-02-26" })
  local wc = match.window_counts{ events = ev, people = st, id = "pid", date = "date", type = "type",
    types = { "drugs" }, windows = { before = { -365, -1 }, after = { 0, 364 } } }
  H.eq(wc:names(), { "pid", "after", "after_drugs", "before", "before_drugs" })
  H.eq(wc:column("after_drugs"), { 0, 2 })
  H.eq(wc:column("before"), { 1, 1 })
  H.raises("match.first_event: column \"type\" is text, not a date",
    match.first_event, { data = ev, id = "pid", date = "type" })
end)

H.case("csc.match is among the modules a recipe may require", function()
  local sandbox = require("csc.sandbox")
  H.eq(sandbox.public_modules["csc.match"], true)
end)

-- ===== the designs "matching" and "ipw" =====

local runner = require("csc.runner")
local sys = require("host.sys")
local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-match-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local function recipe_file(name, design)
  local p = tmp .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, [[
return {
  title = "t", question = "q", source = { report = "r", tables = { "Table 1" } },
  inputs = { pupils = { path = "tests/reference/matching/data_discrete.csv" },
             people = { path = "tests/reference/matching/data_medium.csv" } },
  design = ]] .. design .. [[,
}
]]))
  return p
end

local NWD = [[{
    type = "matching", data = "pupils", treat = "t",
    labels = { fsm = "FSM status" },
    analyses = {
      { name = "absences", ratio = 10, covariates = { "year", "gender", "ehcp", "sen", "fsm", "absences" },
        weights = { gender = 2, fsm = 2, absences = 4 },
        outcomes = { { name = "abs", column = "absences", adjust = { "year" }, rescale_control = 1.28 } } },
      { name = "exclusions", ratio = 4, covariates = { "year", "gender", "sen", "fsm" },
        balance = { sd = "pooled", variance = "sample" },
        outcomes = { { name = "fsm", column = "fsm", scale = 100 } } },
    },
  }]]

H.case("design matching: one matching per analysis, estimates as csc.match gives", function()
  local res = runner.run(recipe_file("nwd", NWD), { out = tmp .. "/out", formats = { "md", "csv", "json" } })
  local byl = {}
  for _, e in ipairs(res.estimates) do byl[e.label] = e end
  local m = match.nearest{ data = discrete, treat = "t", ratio = 10,
    covariates = { "year", "gender", "ehcp", "sen", "fsm", "absences" }, weights = { 1, 2, 1, 1, 2, 4 } }
  local e = m:effect{ outcome = "absences", adjust = { "year" }, rescale_control = 1.28 }
  H.eq(byl["absences.abs.effect"].value, e.estimate, 1e-12)
  H.eq(byl["absences.abs.effect"].ci, { e.conf_low, e.conf_high }, 1e-12)
  H.ok(byl["exclusions.balance.fsm.smd_after"], "balance estimates are recorded")
  H.eq(byl["absences.n_matched_comparison"].value, 1120)
  H.ok(sys.read(tmp .. "/out/nwd/exclusions_balance.csv"), "the balance table is written")
  local md = sys.read(tmp .. "/out/nwd/report.md")
  H.ok(md:find("after matching (absences), FSM status is still unbalanced (SMD", 1, true), "plain-words warning")
end)

H.case("design matching: a column typo and a stray weight are named at their lines", function()
  local bad = NWD:gsub('"ehcp"', '"ehpc"')
  local msg = H.raises('design.analyses[1].covariates[3]: no column "ehpc" in data "pupils" (did you mean "ehcp"?)',
    runner.run, recipe_file("bad1", bad), { out = tmp .. "/out" })
  H.ok(msg:find("bad1.lua:%d+:"), msg)
  bad = NWD:gsub("absences = 4 }", "absence = 4 }")
  H.raises('design.analyses[1].weights.absence: "absence" is not one of the matching covariates (did you mean "absences"?)',
    runner.run, recipe_file("bad2", bad), { out = tmp .. "/out" })
end)

H.case("design ipw: weights, support and balance tables, effect under the weights", function()
  local res = runner.run(recipe_file("f4m", [[{
    type = "ipw", data = "people", treat = "t", covariates = { "x1", "x2", "x3", "b1" },
    estimand = "ATT", trim = { 0.01, 0.99 },
    outcomes = { { name = "b2", column = "b2", scale = 100, label = "b2 (%)" } },
  }]]), { out = tmp .. "/out", formats = { "md", "csv" } })
  local byl = {}
  for _, e in ipairs(res.estimates) do byl[e.label] = e end
  local w = match.ipw{ data = medium, treat = "t", covariates = { "x1", "x2", "x3", "b1" }, trim = { 0.01, 0.99 } }
  local e = w:effect{ outcome = "b2" }
  H.eq(byl["b2.effect"].value, 100 * e.estimate, 1e-12)
  H.eq(byl["b2.effect"].se, 100 * e.se, 1e-12)
  H.ok(sys.read(tmp .. "/out/f4m/weights.csv"), "the weights table is written")
  H.ok(sys.read(tmp .. "/out/f4m/score_overlap.svg"), "the overlap chart is written")
end)

-- ===== exact-matching variables in the balance table; formulas in Method =====

H.case("Matched:balance includes the exact-matching variables (text ones by value), SMD 0 after", function()
  local f = medium:mutate("gt", 'if_else(g == 1, "one", if_else(g == 2, "two", "three"))')
  local m = match.nearest{ data = f, treat = "t", covariates = { "x1", "x2" }, ratio = 2, exact = { "b1", "gt" } }
  local b = m:balance{ labels = { gt = "Group" } }
  local byc = {}
  for _, r in ipairs(b.rows) do byc[r.covariate] = r end
  H.eq(#b.rows, 6)
  for _, c in ipairs({ "b1", "gt_one", "gt_two", "gt_three" }) do
    H.ok(byc[c], "exact variable " .. c .. " is in the balance table")
    H.eq(byc[c].smd_adj, 0, 1e-12)
  end
  H.eq(byc.gt_two.label, "Group: two")
  -- before matching the strata differ (a raw difference in proportions, cobalt's default)
  H.eq(byc.gt_two.smd, byc.gt_two.mean_treated - byc.gt_two.mean_control, 1e-12)
  H.ok(math.abs(byc.gt_two.smd) > 0.05, "before matching the strata differ: " .. byc.gt_two.smd)
  -- given covariates are kept as given
  H.eq(#m:balance{ covariates = { "x1" } }.rows, 1)
end)

H.case("design matching: exact variables in the balance table; distance and effect formulas in Method", function()
  runner.run(recipe_file("exact", [[{
    type = "matching", data = "people", treat = "t", covariates = { "x1", "x2" }, exact = { "b1" },
    weights = { x1 = 2 }, ratio = 2, outcomes = { { name = "b2", column = "b2" } },
  }]]), { out = tmp .. "/out", formats = { "md", "csv" } })
  local csv = sys.read(tmp .. "/out/exact/balance.csv")
  H.ok(csv and csv:find("\nb1,", 1, true), "b1 (exact) is a row of the balance table")
  local md = sys.read(tmp .. "/out/exact/report.md")
  H.ok(md:find("`d²(i, j) = uᵀ W^½ S⁻¹ W^½ u`", 1, true), "weighted Mahalanobis formula")
  H.ok(md:find("`y_i = a + τ·T_i + b′z_i + e_i`", 1, true), "effect model formula")
  runner.run(recipe_file("ipwf", [[{
    type = "ipw", data = "people", treat = "t", covariates = { "x1", "x2" }, estimand = "ATE",
    outcomes = { { name = "b2", column = "b2" } },
  }]]), { out = tmp .. "/out", formats = { "md" } })
  md = sys.read(tmp .. "/out/ipwf/report.md")
  H.ok(md:find("`logit p_i = a + b′x_i`", 1, true), "propensity model formula")
  H.ok(md:find("`w_i = T_i/p_i + (1 − T_i)/(1 − p_i)`", 1, true), "ATE weights formula")
end)

-- ===== covariates as formulas (docs/formulas.md) =====

H.case("designs matching and ipw: covariates and adjustment as formulas give what the columns give", function()
  local cols = runner.run(recipe_file("fcols", [[{
    type = "matching", treat = "t", covariates = { "x1", "x2", "x1sq" }, ratio = 2,
    prepare = function(data) return data.people:mutate("x1sq", "x1 ^ 2") end,
    outcomes = { { name = "b2", column = "b2", adjust = { "x3" } } },
  }]]), { out = tmp .. "/out", formats = { "md" } })
  local form = runner.run(recipe_file("fform", [[{
    type = "matching", data = "people", treat = "t", covariates = "~ x1 + x2 + I(x1^2)", ratio = 2,
    outcomes = { { name = "b2", column = "b2", adjust = "~ x3" } },
  }]]), { out = tmp .. "/out", formats = { "md" } })
  local a, b = {}, {}
  for _, e in ipairs(cols.estimates) do a[e.label] = e.value end
  for _, e in ipairs(form.estimates) do b[e.label] = e.value end
  H.eq(b["b2.effect"], a["b2.effect"], 1e-12)
  H.ok(b["balance.I(x1^2).smd_after"] ~= nil, "balance rows carry R's term names")
  local md = sys.read(tmp .. "/out/fform/report.md")
  H.ok(md:find("the columns of the formula `~ x1 + x2 + I(x1^2)`", 1, true), "the formula is in Method")
  local ipw = runner.run(recipe_file("fipw", [[{
    type = "ipw", data = "people", treat = "t", covariates = "~ x1 + x2 + factor(g)",
    outcomes = { { name = "b2", column = "b2" } },
  }]]), { out = tmp .. "/out", formats = { "md" } })
  local ipwc = runner.run(recipe_file("fipwc", [[{
    type = "ipw", treat = "t", covariates = { "x1", "x2", "g2", "g3", "g4" },
    prepare = function(data)
      return data.people:mutate("g2", "if_else(g == 2, 1.0, 0.0)"):mutate("g3", "if_else(g == 3, 1.0, 0.0)")
        :mutate("g4", "if_else(g == 4, 1.0, 0.0)")
    end,
    outcomes = { { name = "b2", column = "b2" } },
  }]]), { out = tmp .. "/out", formats = { "md" } })
  local ea, eb = {}, {}
  for _, e in ipairs(ipw.estimates) do ea[e.label] = e end
  for _, e in ipairs(ipwc.estimates) do eb[e.label] = e end
  H.eq({ ea["b2.effect"].value, ea["b2.effect"].se }, { eb["b2.effect"].value, eb["b2.effect"].se }, 1e-12)
  md = sys.read(tmp .. "/out/fipw/report.md")
  H.ok(md:find("~ x1 + x2 + factor(g)", 1, true), "the ipw formula is in Method")
  H.raises('design.covariates: unknown column "x9"', runner.run, recipe_file("fbad", [[{
    type = "ipw", data = "people", treat = "t", covariates = "~ x1 + x9",
    outcomes = { { name = "b2", column = "b2" } } }]]), { out = tmp .. "/out" })
end)

-- ===== weights = "smd", a trend ratio from another input, where drops =====

H.case("design matching: weights = \"smd\" are |SMD| before matching; a trend ratio rescales the comparison outcome", function()
  assert(sys.write_atomic(tmp .. "/trend.csv", "year,sessions,pupils\n2015,100,50\n2016,120,55\n2018,150,60\n"))
  local function write(name, rescale, where)
    local p = tmp .. "/" .. name .. ".lua"
    assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "Table 1" } },
  inputs = { pupils = { path = "tests/reference/matching/data_discrete.csv" }, trend = { path = %q } },
  design = { type = "matching", data = "pupils", treat = "t", ratio = 4, weights = "smd", %s
    balance = { sd = "pooled", variance = "sample" },
    covariates = { "year", "gender", "sen", "fsm", "absences" },
    outcomes = { { name = "abs", column = "absences", adjust = { "year" }, rescale_control = %s } } },
}
]], tmp .. "/trend.csv", where or "", rescale)))
    return p
  end
  local res = runner.run(write("smd", '{ data = "trend", time = "year", value = "sessions", per = "pupils", '
    .. 'from = 2015, to = 2018 }'), { out = tmp .. "/out", formats = { "json" } })
  local byl = {}
  for _, e in ipairs(res.estimates) do byl[e.label] = e end
  -- the ratio by hand: (150/60) / (100/50) = 1.25
  H.eq(byl["abs.trend_ratio"].value, 1.25, 1e-15)
  -- the weights: |SMD| of csc.match.balance before matching, same conventions
  local covs = { "year", "gender", "sen", "fsm", "absences" }
  local b = match.balance{ data = discrete, treat = "t", covariates = covs, sd = "pooled", variance = "sample" }
  local w = {}
  for i, r in ipairs(b.rows) do
    H.eq(byl["weight." .. r.covariate].value, math.abs(r.smd), 1e-15)
    w[i] = math.abs(r.smd)
  end
  -- and the match and effect are those of csc.match given the same weights and ratio
  local m = match.nearest{ data = discrete, treat = "t", ratio = 4, covariates = covs, weights = w }
  local e = m:effect{ outcome = "absences", adjust = { "year" }, rescale_control = 1.25 }
  H.eq(byl["abs.effect"].value, e.estimate, 1e-12)
  H.eq(byl["abs.mean_comparison_adjusted"].value, e.mean_treated - e.estimate, 1e-12)
  -- a missing year of the series is an analysis error naming the field
  H.raises("design.outcomes[1].rescale_control.to: input \"trend\" has no row with year 2019",
    runner.run, write("smd2", '{ data = "trend", time = "year", value = "sessions", from = 2015, to = 2019 }'),
    { out = tmp .. "/out", formats = { "json" } })
  -- rows a design's where leaves out are recorded as dropped
  runner.run(write("smd3", "1.1", 'where = "year > 3",'), { out = tmp .. "/out", formats = { "md" } })
  local md = sys.read(tmp .. "/out/smd3/report.md")
  H.ok(md:find("outside the design's where: year > 3", 1, true), "the where drop is listed")
end)

-- ===== ratio edges, counts, names (tests/reference/matching/make_edges.R) =====

H.case("3:1 matching with too few controls: MatchIt's matched sets and its warning", function()
  local small = read("data_small.csv")
  local edges = read("edges.csv")
  local c, q, v = edges:column("case"), edges:column("quantity"), edges:column("value")
  local want, rv = {}, {}
  for i = 1, #c do
    if c[i] == "ratio3_pair" then
      local t, s = q[i]:match("^(%d+):(%d+)$")
      want[#want + 1] = string.format("%d:%d:%d", tonumber(t), tonumber(s), tonumber(v[i]))
    else
      rv[q[i]] = v[i]
    end
  end
  table.sort(want)
  local m = match.nearest{ data = small, treat = "t", covariates = { "x1", "x2", "x3" }, ratio = 3 }
  H.eq(our_pairs(m), want)
  H.eq(m.info.n_fewer_than_ratio, tonumber(rv.n_fewer_than_ratio))
  H.eq(m.info.n_focal - m.info.n_matched_focal, tonumber(rv.n_unmatched))
  H.eq(#m.warnings, 1)
  H.ok(m.warnings[1]:find("29 of 29 matched treated units got fewer than 3 matches", 1, true), m.warnings[1])
  H.ok(m.warnings[1]:find(rv.warning:gsub("%.$", ""), 1, true), m.warnings[1])
  -- enough controls: no warning
  H.eq(#match.nearest{ data = small, treat = "t", covariates = { "x1", "x2", "x3" } }.warnings, 0)
  -- counts that do not apply are 0, not nil
  H.eq({ m.info.n_discarded, m.info.caliper_raw }, { 0, 0 })
end)

H.case("distance = \"glm\" is MatchIt's name for the logit score; the score column is 'distance' in nearest and ipw", function()
  local covs = { "x1", "x2", "x3", "b1" }
  local a = match.nearest{ data = medium, treat = "t", ps_covariates = covs, distance = "logit" }
  local g = match.nearest{ data = medium, treat = "t", ps_covariates = covs, distance = "glm" }
  H.eq(our_pairs(g), our_pairs(a))
  H.eq(g.data:column("distance"), a.data:column("distance"))
  H.eq(g.spec.distance, "logit")
  local w = match.ipw{ data = medium, treat = "t", covariates = covs }
  H.eq(w.data:column("distance"), a.data:column("distance"), 1e-15)   -- the same glm
  H.ok(not w.data:has("ps"), "ipw's score column is 'distance', as in nearest")
  -- names = {ps = ...}: the older name of names = {distance = ...}, still accepted
  H.ok(match.ipw{ data = medium, treat = "t", covariates = covs, names = { ps = "score" } }.data:has("score"))
  H.ok(match.ipw{ data = medium, treat = "t", covariates = covs, names = { distance = "p" } }.data:has("p"))
  H.raises('names.distanse: not an output column of match.ipw (did you mean "distance"?)',
    match.ipw, { data = medium, treat = "t", covariates = covs, names = { distanse = "p" } })
  H.raises('names.subclas: not an output column of match.nearest (did you mean "subclass"?)',
    match.nearest, { data = medium, treat = "t", covariates = covs, names = { subclas = "s" } })
end)
