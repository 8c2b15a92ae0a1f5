--- The text behind `csceval explain TOPIC` and docs/explain.md (which is
-- generated from this module by `make docs`; a test fails when the two
-- differ, so the command and the docs say the same thing).
--
-- Topics are designs, estimate names, diagnostics, exit codes and years;
-- any recipe field is explained from the schemas' own `doc` strings.
-- Each topic: what it is, the formula, the Stata or R equivalent, and how
-- to read it.
-- @module csc.explain
local util = require("csc.util")

local M = {}

--- name -> {kind, title, what, formula, stata, r, read, see}
M.topics = {
  -- ===== designs =====
  its = { kind = "design", title = "Interrupted time series (design its)",
    what = "One series (one authority, or England) before and after an intervention. A line is fitted to the "
      .. "periods before it; the design estimates how far the level and the trend changed from the first period "
      .. "of the intervention.",
    formula = "Y_t = b0 + b1 t + b2 x_t + b3 (t - T0) x_t + e_t, where t counts periods from 0, x_t = 1 from the "
      .. "interruption T0 on. b2 is the level change, b3 the slope change; the counterfactual sets b2 = b3 = 0.",
    stata = "itsa y, single trperiod(2019) lag(1) posttrend (or newey / prais on the same terms)",
    r = "lm(y ~ t + x + I((t - T0) * x)) with sandwich::NeweyWest, or nlme::gls(correlation = corAR1())",
    read = "level_change is the jump at the first period of the intervention, slope_change the change in the "
      .. "yearly trend after it; effect.<period> is observed (fitted) minus counterfactual in that period. With "
      .. "six or so yearly points before, intervals are wide: read the direction and size, not only p.",
    see = "docs/its.md, docs/methods/its.md" },
  cits = { kind = "design", title = "Comparative interrupted time series (design cits)",
    what = "The treated authority's series against comparison authorities' (chosen from its statistical "
      .. "neighbours, say). The impact is the treated authority's departure from its own projected trend minus "
      .. "the comparators' departure from theirs.",
    formula = "Y_it = b0 + b1 t + b2 z_i + b3 z_i t + b4 x_t + b5 x_t (t - T0) + b6 z_i x_t + b7 z_i x_t (t - T0) "
      .. "+ e_it (Stata itsa's _t, _z, _z_t, _x, _x_t, _z_x, _z_x_t); z_i = 1 for the treated unit.",
    stata = "itsa y, treatid(831) trperiod(2019) lag(1) posttrend; itsamatch to choose comparators",
    r = "lm on the same terms with sandwich::NeweyWest(lag = 1), lmtest::coeftest",
    read = "impact is the headline: the treated unit's departure from its counterfactual at effect_at, net of "
      .. "the comparators' departure. level_change (_z_x) and slope_change (_z_x_t) are the treated changes "
      .. "beyond the comparators'. Read the candidates table (which neighbours were chosen and why) and the "
      .. "placebo ranking before the p-value.",
    see = "docs/its.md" },
  did = { kind = "design", title = "Difference-in-differences (design did)",
    what = "The change in the treated authority's outcome from before to after the start, minus the change in "
      .. "the comparators' over the same years; assumes the groups would have moved in parallel.",
    formula = "Y_it = a_i + g_t + d D_it + e_it (two-way fixed effects), D_it = 1 for the treated unit from the "
      .. "start; the 2x2 version compares the two groups' before and after means.",
    stata = "reghdfe y D, absorb(unit year) vce(cluster unit); didregress",
    r = "fixest::feols(y ~ D | unit + year, cluster = ~unit)",
    read = "did_2x2 and did_twfe are the average effect after the start. The event study's leads (k < 0) "
      .. "should be near 0: if they are not, the trends were not parallel and the estimate is biased. With one "
      .. "treated authority, clustered standard errors rest on one cluster: read the placebo ranking instead.",
    see = "docs/its.md" },
  benchmark = { kind = "design", title = "Benchmarking against statistical neighbours (design benchmark)",
    what = "An authority's yearly rates beside the mean of its statistical neighbours' rates and England's, "
      .. "as the DfE's LA Interactive Tool shows them. Descriptive: no model, no counterfactual.",
    formula = "rate = numerator / denominator x per; the denominator can come from another file a year earlier "
      .. "(year_lag = 1: the mid-2017 population for 2017/18). The neighbours' figure is the unweighted mean of "
      .. "their rates.",
    stata = "collapse (mean) rate, by(year) on the neighbours' rows",
    r = "dplyr: group_by(year) |> summarise(mean(rate))",
    read = "authority.YEAR, neighbours_mean.YEAR and england.YEAR are the three lines of the chart; "
      .. "below_neighbours.YEAR is 1 when the authority was lower. The n column says how many neighbours had a "
      .. "figure (suppressed or reorganised ones drop out).",
    see = "docs/recipes.md#benchmark" },
  matching = { kind = "design", title = "Matched comparison group (design matching)",
    what = "Each programme unit is paired with the most similar units from a comparison pool on measured "
      .. "characteristics; the effect is the difference in outcomes between the programme group and its matches.",
    formula = "Mahalanobis distance d(i, j) = sqrt((x_i - x_j)' S^-1 (x_i - x_j)) or a propensity score; "
      .. "ATT = mean over treated of (Y_i - mean of its matches' Y).",
    stata = "teffects nnmatch; kmatch md",
    r = "MatchIt::matchit(treat ~ x1 + x2, method = \"nearest\", distance = \"mahalanobis\")",
    read = "Check the balance table first: standardised mean differences after matching under 0.1 (or 0.25) "
      .. "mean the groups are alike on those measures. The effect says nothing about unmeasured differences.",
    see = "docs/matching.md" },
  ipw = { kind = "design", title = "Inverse probability weighting (design ipw)",
    what = "A model of the chance of being in the programme (the propensity score) weights the comparison group "
      .. "so that it resembles the programme group on the modelled characteristics.",
    formula = "e(x) = P(treat = 1 | x) by logit; ATT weights: 1 for treated, e/(1 - e) for comparisons; "
      .. "ATE weights 1/e and 1/(1 - e). Effective sample size (sum w)^2 / sum w^2.",
    stata = "teffects ipw (y) (treat x1 x2), atet",
    r = "WeightIt::weightit(treat ~ x1 + x2, estimand = \"ATT\"); survey::svyglm for the effect",
    read = "Look at the overlap chart and the effective sample sizes: a few very large weights mean the groups "
      .. "barely overlap and the effect rests on a handful of units.",
    see = "docs/matching.md" },
  custom = { kind = "design", title = "Your own analysis (design custom)",
    what = "design.analyse = function(ctx) ... end runs Lua code of your own with the inputs as frames "
      .. "(ctx.data.NAME); it records numbers with ctx:estimate{label = ..., value = ...} and tables with "
      .. "ctx:table(name, frame).",
    formula = "whatever the function computes; csc.model and csc.stats give regressions and tests",
    stata = "a do-file", r = "an R script",
    read = "The report shows the estimates, tables and charts the function recorded, and compares any published "
      .. "figure whose estimate name matches a label.",
    see = "docs/guide.md, docs/lua-for-analysts.md" },
  -- ===== estimates =====
  level_change = { kind = "estimate", title = "Estimate NAME.level_change",
    what = "The jump in the outcome at the first period of the intervention, beyond what the pre-period line "
      .. "predicts (its); in cits, the treated unit's jump beyond the comparators' (_z_x).",
    formula = "its: b2 in Y_t = b0 + b1 t + b2 x_t + b3 (t - T0) x_t; cits: the _z_x coefficient",
    stata = "the _x2019 (its) or _z_x2019 (cits) coefficient of itsa",
    r = "coef(fit)[\"x\"]",
    read = "In the outcome's units: +50 means 50 more (per 10,000, say) in the first year than the trend "
      .. "predicted. A level change with no slope change is a one-off shift. With several interruptions, "
      .. "NAME.level_change_1, NAME.level_change_2, ... give each one's (in time order): stable names, "
      .. "whatever the term names.",
    see = "docs/its.md" },
  slope_change = { kind = "estimate", title = "Estimate NAME.slope_change",
    what = "The change in the yearly trend after the interruption (its), or the treated unit's change beyond "
      .. "the comparators' (cits, _z_x_t).",
    formula = "its: b3 in Y_t = ... + b3 (t - T0) x_t; post_slope = b1 + b3",
    stata = "the _x_t2019 (its) or _z_x_t2019 (cits) coefficient of itsa; posttrend gives the post slope",
    r = "coef(fit)[\"I((t - T0) * x)\"]",
    read = "Per period: -20 means the outcome fell by 20 a year more steeply than before. Its effect grows "
      .. "with time, so effects late in the series are mostly slope change projected far. "
      .. "NAME.slope_change_1, NAME.slope_change_2, ... give each interruption's (in time order).",
    see = "docs/its.md" },
  impact = { kind = "estimate", title = "Estimate NAME.impact (cits)",
    what = "The headline of a comparative ITS: how far the treated unit was from its counterfactual at "
      .. "effect_at, where the counterfactual is its own projected trend plus the comparators' departure "
      .. "from theirs.",
    formula = "impact = treated_fitted - (treated_projected + comparators_fitted - comparators_projected) at "
      .. "effect_at = b6 + b7 (t - T0)",
    stata = "lincom _z_x2019 + (t - T0) * _z_x_t2019 after itsa",
    r = "a linear combination of the two coefficients with its Newey-West variance",
    read = "Positive: the treated outcome ended higher than the comparison implies. impact.<period> gives it "
      .. "for each later period; compare it with the placebo ranking.",
    see = "docs/its.md" },
  effect = { kind = "estimate", title = "Estimates NAME.effect.<period> and NAME.effect_end (its)",
    what = "Fitted minus counterfactual in a post period: the level change plus the slope change times the "
      .. "periods since the interruption.",
    formula = "effect_t = b2 + b3 (t - T0), with its standard error from the covariance of b2 and b3",
    stata = "lincom _x2019 + k * _x_t2019", r = "a linear combination with vcov(fit)",
    read = "effect_end is the last period's. It depends on the projected pre-period line, so it is only as "
      .. "good as that line.",
    see = "docs/its.md" },
  placebo_rank = { kind = "estimate", title = "Estimates NAME.placebo_rank and NAME.placebo_p (placebo in space)",
    what = "The same model is run with every other authority as if it were the treated one. The treated "
      .. "authority's impact is ranked among all of them (1 = the most extreme).",
    formula = "placebo_p = rank / number of units (two-sided, by absolute value of the impact or its t)",
    stata = "a loop of itsa over treatid()", r = "a loop over units",
    read = "Rank 3 of 150 (p = 0.02) means few authorities moved that much; rank 60 of 150 means the "
      .. "treated authority's change is ordinary. The placebo table says which comparison set each placebo run "
      .. "uses (comparators_rule: \"rest\", every other eligible unit, or \"same\", the design's own "
      .. "comparators); with \"rest\" the treated unit's own row is also estimated against every other unit, so "
      .. "its impact there can differ, even in sign, from the headline, which uses the chosen comparators.",
    see = "docs/its.md" },
  did_2x2 = { kind = "estimate", title = "Estimates NAME.did_2x2, NAME.did_twfe, NAME.event.<k>",
    what = "Difference-in-differences: the treated unit's before-after change minus the comparators'.",
    formula = "2x2: (Ybar_T,post - Ybar_T,pre) - (Ybar_C,post - Ybar_C,pre); TWFE: d in "
      .. "Y_it = a_i + g_t + d D_it; event study: one d_k per period from the start",
    stata = "reghdfe y D, absorb(unit year) vce(cluster unit)", r = "fixest::feols(y ~ D | unit + year)",
    read = "event.<k> for k < 0 are the leads: near 0 supports parallel trends.",
    see = "docs/its.md" },
  authority = { kind = "estimate", title = "Estimates NAME.authority.YEAR, NAME.neighbours_mean.YEAR, NAME.england.YEAR (benchmark)",
    what = "The authority's rate in a year (YEAR is the time_period: 2019 is 2018/19), its neighbours' mean "
      .. "and England's; peak_year and peak_value when the measure asks for a peak.",
    formula = "numerator / denominator x per", stata = "", r = "",
    read = "Compare the three lines; below_neighbours.YEAR and below_england.YEAR are 1 when the authority "
      .. "was lower.",
    see = "docs/recipes.md#benchmark" },
  estimates = { kind = "estimate", title = "Estimate names",
    what = "Every estimate is named OUTCOME.WHAT, where OUTCOME is the outcome's (or measure's) name in the "
      .. "recipe. A published figure names the estimate it is compared with in published[i].estimate (default: "
      .. "its label); `csceval check` refuses names whose OUTCOME is not the recipe's.",
    formula = "its: level_change, slope_change (and level_change_<j>, slope_change_<j> per interruption), pre_slope, post_slope, effect.<period>, effect_end, mean_pre, "
      .. "mean_post, durbin_watson. cits: impact, impact.<period>, level_change, slope_change (and _<j>), "
      .. "pre_level_difference, pre_trend_difference, placebo_rank, placebo_p, did_2x2, did_twfe, event.<k>. "
      .. "did: did_2x2, did_twfe, event.<k>, pretrend_F. benchmark: authority.YEAR, neighbours_mean.YEAR, "
      .. "england.YEAR, below_neighbours.YEAR, below_england.YEAR, authority.peak_year, authority.peak_value. "
      .. "matching and ipw: see docs/matching.md.",
    stata = "", r = "",
    read = "results.json lists every estimate of a run with its value, se, ci, p and n.",
    see = "docs/recipes.md#published-figures" },
  -- ===== diagnostics =====
  durbin_watson = { kind = "diagnostic", title = "Durbin-Watson, Breusch-Godfrey, Ljung-Box: autocorrelation tests",
    what = "Whether the residuals of a time-series fit are correlated from one period to the next. If they are, "
      .. "ordinary standard errors are too small; the its design then uses Newey-West or Prais-Winsten.",
    formula = "DW = sum (e_t - e_{t-1})^2 / sum e_t^2 (about 2 when there is none); Breusch-Godfrey: n R^2 "
      .. "of e_t on the regressors and e_{t-1..t-p}; Ljung-Box Q = n (n + 2) sum r_k^2 / (n - k)",
    stata = "estat dwatson, estat bgodfrey, lags(1); wntestq", r = "lmtest::dwtest, lmtest::bgtest, Box.test(type = \"Ljung-Box\")",
    read = "p < 0.05 on Breusch-Godfrey or Ljung-Box: autocorrelation found, and the report's 'Standard errors' "
      .. "section says what was done about it. With a dozen yearly points these tests have little power.",
    see = "docs/methods/timeseries.md" },
  newey_west = { kind = "diagnostic", title = "Newey-West and Prais-Winsten standard errors",
    what = "Standard errors that allow for autocorrelated residuals (Newey-West, with a lag) or a model of it "
      .. "(Prais-Winsten, AR(1)).",
    formula = "Newey-West: (X'X)^-1 (sum over lags l <= L of (1 - l/(L + 1)) X' e e_{-l} X) (X'X)^-1",
    stata = "newey y x, lag(1); prais y x", r = "sandwich::NeweyWest(fit, lag = 1, prewhite = FALSE); prais::prais_winsten",
    read = "lag = 1 is usual for annual data. The estimates do not change, only their intervals.",
    see = "docs/methods/timeseries.md" },
  smd = { kind = "diagnostic", title = "Balance: standardised mean differences",
    what = "How different the programme and comparison groups are on each characteristic, in standard "
      .. "deviations, before and after matching or weighting.",
    formula = "SMD = (mean_T - mean_C) / sd (the treated group's, or pooled)",
    stata = "tebalance summarize", r = "cobalt::bal.tab",
    read = "Under 0.1 is usually called balanced, under 0.25 acceptable. The love plot shows each one.",
    see = "docs/matching.md" },
  candidates = { kind = "diagnostic", title = "Comparator selection (the candidates table, cits)",
    what = "Each candidate comparator (the treated authority's statistical neighbours, say) compared with the "
      .. "treated one before the interruption: do their pre-period levels and trends differ?",
    formula = "itsamatch: a two-group ITS on the pre-period for each candidate; p-values of _z and _z_t; "
      .. "distance = a scaled sum of the level and trend differences",
    stata = "itsamatch", r = "a loop of lm over candidates",
    read = "method = \"itsamatch\" keeps every candidate with all p > threshold; \"distance\" the n nearest. "
      .. "When fewer pass than select.n asks for, the report warns; a single comparator is a fragile "
      .. "counterfactual.",
    see = "docs/its.md" },
  -- ===== exit codes and years =====
  exit_codes = { kind = "exit", title = "Exit codes",
    what = "0 ok; 1 internal error (a bug in csceval: please report it); 2 usage or recipe error (the message "
      .. "names file:line: field and what to write); 3 data error (an input file missing or malformed); "
      .. "4 analysis error (the data cannot support the model: collinear, too few rows); 5 output error "
      .. "(the output folder cannot be written).",
    formula = "", stata = "", r = "",
    read = "In a script: csceval check r.lua || exit; 2 means fix the recipe, 3 the data, 4 the design.",
    see = "docs/cli.md#exit-codes" },
  years = { kind = "years", title = "Years: 2019 is 2018/19",
    what = "DfE's yearly statistics count a year by when it ends: time_period 2019 is April 2018 to March 2019, "
      .. "2018/19. A programme that began in April 2018 starts in 2019; 2018 is 2017/18.",
    formula = "recipe year fields accept \"2018/19\", \"2018-19\", \"2018/2019\", \"FY 2018/19\" (read as 2019); "
      .. "201819 and dates are refused on yearly data with the fix",
    stata = "", r = "",
    read = "csceval check prints each year it read as 2019: 2018/19, and refuses interruption = 2018 when the "
      .. "recipe says the programme began in April 2018.",
    see = "docs/recipes.md#years" },
}

--- Other names for topics.
M.aliases = {
  ["slope change"] = "slope_change", ["level change"] = "level_change", ["placebo rank"] = "placebo_rank",
  ["placebo"] = "placebo_rank", placebo_p = "placebo_rank", ["placebo_p_one_sided"] = "placebo_rank",
  did_twfe = "did_2x2", event = "did_2x2", effect_end = "effect", ["exit codes"] = "exit_codes", exit = "exit_codes",
  ["exit code"] = "exit_codes", breusch_godfrey = "durbin_watson", ljung_box = "durbin_watson",
  autocorrelation = "durbin_watson", prais = "newey_west", prais_winsten = "newey_west", balance = "smd",
  neighbours_mean = "authority", england = "authority", peak_year = "authority", year = "years",
  fy = "years", financial_year = "years", estimate = "estimates", names = "estimates",
  ["2"] = "exit_codes", ["3"] = "exit_codes", ["4"] = "exit_codes", ["5"] = "exit_codes", ["1"] = "exit_codes",
  select = "candidates", itsamatch = "candidates",
}

local ORDER = { "its", "cits", "did", "benchmark", "matching", "ipw", "custom", "estimates", "level_change",
  "slope_change", "effect", "impact", "placebo_rank", "did_2x2", "authority", "durbin_watson", "newey_west",
  "candidates", "smd", "exit_codes", "years" }
M.order = ORDER

--- Text of one topic (Markdown-ish plain text).
function M.text(name, t, md)
  local out = {}
  local function para(label, s) if s and s ~= "" then out[#out + 1] = (md and ("**" .. label .. ".** ") or (label .. ": ")) .. s end end
  out[#out + 1] = md and ("### " .. t.title .. " {#" .. name .. "}") or t.title
  if not md then out[#out + 1] = string.rep("-", #t.title) end
  para("What", t.what)
  para("Formula", t.formula)
  para("Stata", t.stata)
  para("R", t.r)
  para("How to read it", t.read)
  para("See", t.see)
  return table.concat(out, md and "\n\n" or "\n") .. "\n"
end

--- Recipe fields: every schema field with this name and its doc, from the
-- recipe schema and each design's schema.
function M.fields(name)
  local recipe = require("csc.recipe")
  local found = {}
  local function walk(s, path, design)
    if type(s) ~= "table" then return end
    if s.kind == "record" then
      for k, sub in pairs(s.fields) do
        local p = path == "" and k or (path .. "." .. k)
        if k == name then found[#found + 1] = { path = p, s = sub, design = design } end
        walk(sub, p, design)
      end
    elseif s.kind == "list" or s.kind == "map" then
      walk(s.item, path .. (s.kind == "list" and "[i]" or ".NAME"), design)
    elseif s.kind == "either" then
      for _, a in ipairs(s.alts) do walk(a, path, design) end
    end
  end
  walk(recipe.schema, "", nil)
  for _, d in ipairs(recipe.designs) do
    local ok, mod = pcall(recipe.design_module, d)
    if ok and mod.schema then walk(mod.schema, "design", d) end
  end
  table.sort(found, function(a, b) return a.path .. (a.design or "") < b.path .. (b.design or "") end)
  return found
end

local function kind_words(s)
  local k = s.kind
  if k == "enum" then return "one of " .. table.concat(s.values, ", ") end
  if k == "list" then return "a list" end
  if k == "record" then return "a table" end
  if k == "column" then return "a column name" end
  if k == "func" or k == "function" then return "a function" end
  if k == "either" then return "one of several forms" end
  return k
end

--- The text for a query, or nil and suggestions.
function M.lookup(q)
  local key = q:lower():gsub("^%s+", ""):gsub("%s+$", "")
  local name = M.topics[key] and key or M.aliases[key]
  if not name then
    local last = key:match("%.([%w_]+)$") or key:match("^[%w_]+%.([%w_]+)")
    if last and (M.topics[last] or M.aliases[last]) then name = M.topics[last] and last or M.aliases[last] end
  end
  local parts = {}
  if name then parts[#parts + 1] = M.text(name, M.topics[name]) end
  local fname = key:match("([%w_]+)$") or key
  local fields = M.fields(fname)
  if #fields > 0 then
    local lines = { string.format("Recipe field %s:", fname) }
    for _, f in ipairs(fields) do
      lines[#lines + 1] = string.format("  %s%s: %s%s%s", f.path, f.design and (" (design " .. f.design .. ")") or "",
        kind_words(f.s), f.s.required and ", required" or "", f.s.doc and (". " .. f.s.doc) or "")
    end
    parts[#parts + 1] = table.concat(lines, "\n") .. "\n"
  end
  if #parts > 0 then return table.concat(parts, "\n") end
  local all = {}
  for k in pairs(M.topics) do all[#all + 1] = k end
  for k in pairs(M.aliases) do all[#all + 1] = k end
  table.sort(all)
  return nil, util.suggest(key, all)
end

--- The list of topics (what `csceval explain` prints with no topic).
function M.index()
  local out = { "csceval explain TOPIC: designs, estimate names, diagnostics, exit codes, years, and any recipe field.", "" }
  local kinds = { { "design", "Designs" }, { "estimate", "Estimate names" }, { "diagnostic", "Diagnostics" },
    { "exit", "Exit codes" }, { "years", "Years" } }
  for _, k in ipairs(kinds) do
    local names = {}
    for _, n in ipairs(ORDER) do if M.topics[n].kind == k[1] then names[#names + 1] = n end end
    out[#out + 1] = string.format("  %-15s %s", k[2] .. ":", table.concat(names, ", "))
  end
  out[#out + 1] = "  Recipe fields:  any field name, e.g. interruption, year_lag, treated, select"
  return table.concat(out, "\n") .. "\n"
end

--- docs/explain.md, generated (make docs).
function M.markdown()
  local out = { "# Explanations: designs, estimates, diagnostics, exit codes",
    "",
    "<!-- Generated from lua/csc/explain.lua by `make docs`; do not edit by hand. "
      .. "`csceval explain TOPIC` prints the same text. -->",
    "",
    "`csceval explain TOPIC` prints one of these sections; `csceval explain FIELD` also explains any "
      .. "recipe field from the recipe schema (for example `csceval explain year_lag`).", "" }
  for _, n in ipairs(ORDER) do out[#out + 1] = M.text(n, M.topics[n], true) end
  return table.concat(out, "\n")
end

return M
