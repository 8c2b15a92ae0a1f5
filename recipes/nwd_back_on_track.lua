-- No Wrong Door (North Yorkshire), Back on Track: Appendix 3 of the
-- Partners in Practice evaluation rerun.  The 47 pupils supported in 2017/18
-- are matched to North Yorkshire pupils of 2014/15 by weighted Mahalanobis
-- distance (10 neighbours for unauthorised absences, 4 for fixed-exclusion
-- sessions, without replacement), balance is shown as in Tables 9 and 10,
-- and the impact is estimated with regression adjustment and the time-trend
-- ratio as in Table 3.
--
-- The recipe's own input files are synthetic (data/nwd_back_on_track/gen.lua):
-- the real school census extract is confidential.  With the real extract:
--   ./csceval run recipes/nwd_back_on_track.lua --data pupils=PATH --data year8=PATH

-- ===== the published figures =====
-- Tables 9 and 10 as printed (Stata's display: up to 7 significant digits).
-- Each row: key, label, then before (intervention, comparison, SMD) and
-- after (intervention, comparison, SMD).
local T9 = {
  { "ua_pre", "Number of sessions missed due to unauthorised absences",
    "11.44681", "1.067981", ".5601378", "11.44681", "11.1383", ".0166501" },
  { "ncyear_pre", "School year", "5.787234", "4.853426", ".3483897", "5.787234", "5.795745", "-.0031752" },
  { "boy", "Gender", ".8085106", ".511572", ".6573874", ".8085106", ".8042553", ".0094208" },
  { "ehc", "SEN (given an Education, Health and Care Plan)",
    ".1702128", ".0181656", ".5339973", ".1702128", ".1808511", "-.0373622" },
  { "sen_support", "SEN (support)", ".5106383", ".121276", ".9153376", ".5106383", ".5042553", ".0150055" },
  { "fsm", "FSM status", ".3829787", ".0825881", ".7542699", ".3829787", ".3723404", ".0267124" },
}
local T10 = {
  { "fx_pre", "Number of sessions missed due to fixed exclusions",
    "9.723404", ".0934189", ".90775", "9.723404", "9.760638", "-.0035098" },
  { "ncyear_pre", "School year", "5.787234", "4.853426", ".3483897", "5.787234", "6.015957", "-.0853333" },
  -- the text extraction of the report reads "8244681" for the comparison
  -- mean; it is .8244681 (155/188, and the printed SMD -.0353279 follows from it)
  { "boy", "Gender", ".8085106", ".511572", ".6573874", ".8085106", ".8244681", "-.0353279" },
  { "ehc", "SEN (given an Education, Health and Care Plan)",
    ".1702128", ".0181656", ".5339973", ".1702128", ".1755319", "-.0186811" },
  { "sen_support", "SEN (support)", ".5106383", ".121276", ".9153376", ".5106383", ".5265957", "-.0375138" },
  { "fsm", "FSM status", ".3829787", ".0825881", ".7542699", ".3829787", ".3723404", ".0267124" },
}
local COLS = { "before.intervention", "before.comparison", "before.smd", "after.intervention", "after.comparison",
               "after.smd" }
local COL_WORDS = { "intervention mean before matching", "comparison mean before matching",
  "standardised difference before matching", "intervention mean after matching", "comparison mean after matching",
  "standardised difference after matching" }

-- Half a unit of the last printed digit: the largest difference that still
-- rounds to the printed figure.
local function half_unit(s)
  local d = s:match("%.(%d+)$")
  return d and 0.5 * 10 ^ -#d or 0.5
end

local published = {}
local function pub(label, estimate, value, tolerance, source, note, field)
  published[#published + 1] = { label = label, estimate = estimate, value = value, tolerance = tolerance,
    source = source, note = note, field = field }
end
for _, t in ipairs({ { "Table 9", "table9", T9 }, { "Table 10", "table10", T10 } }) do
  for _, row in ipairs(t[3]) do
    for j, col in ipairs(COLS) do
      local printed = row[2 + j]
      pub(string.format("%s: %s, %s", t[1], row[2], COL_WORDS[j]), string.format("%s.%s.%s", t[2], row[1], col),
        tonumber(printed), half_unit(printed), t[1],
        string.format("printed %s; tolerance half its last digit (reproduced when it rounds to the printed figure)",
          printed))
    end
  end
end
-- Table 8: the cohorts (academic years written as the year they start).
for _, g in ipairs({ { "intervention", 2016, 2017, 2018 }, { "comparison", 2013, 2014, 2015 } }) do
  pub(string.format("Table 8: %s group, data used for matching (academic year starting)", g[1]),
    "table8." .. g[1] .. ".matching_year", g[2], 0, "Table 8",
    "2016/2017 or 2013/2014: the year before the cohort the pupils kept belong to (a check of the inputs)")
  pub(string.format("Table 8: %s group, matched cohort (academic year starting)", g[1]),
    "table8." .. g[1] .. ".cohort_year", g[3], 0, "Table 8",
    "2017/2018 or 2014/2015: the cohort label of the pupils kept (a check of the inputs)")
  pub(string.format("Table 8: %s group, outcome data (academic year starting)", g[1]),
    "table8." .. g[1] .. ".outcome_year", g[4], 0, "Table 8",
    "2018/2019 or 2015/2016: the year after the cohort of the pupils kept (a check of the inputs)")
end
-- Table 3.
local T3 = {
  { "absences", "unauthorised absences", "13.7", "37.3", "23.6", 47, 470, "0.128", "-3.94", "31.37" },
  { "exclusions", "sessions missed due to fixed exclusions", "1.4", "5.4", "4", 47, 188, "0.295", "-1.22", "4.03" },
}
for _, r in ipairs(T3) do
  local e = "table3." .. r[1]
  pub("Table 3: " .. r[2] .. ", impact estimate", e .. ".impact", tonumber(r[3]), half_unit(r[3]), "Table 3",
    "printed to one decimal")
  pub("Table 3: " .. r[2] .. ", average outcome, intervention group", e .. ".mean_intervention", tonumber(r[4]),
    half_unit(r[4]), "Table 3", "printed to one decimal")
  pub("Table 3: " .. r[2] .. ", average outcome, comparison group", e .. ".mean_comparison", tonumber(r[5]),
    r[5] == "4" and 0.05 or half_unit(r[5]), "Table 3",
    (r[5] == "4" and "printed \"4\", read as 4.0 (the other averages have one decimal); " or "")
      .. "the intervention average minus the impact estimate (see Notes)")
  pub("Table 3: " .. r[2] .. ", intervention pupils", e .. ".n_intervention", r[6], 0, "Table 3")
  pub("Table 3: " .. r[2] .. ", comparison pupils", e .. ".n_comparison", r[7], 0, "Table 3")
  pub("Table 3: " .. r[2] .. ", statistical significance (p)", e .. ".impact", tonumber(r[8]), half_unit(r[8]),
    "Table 3", "printed to three decimals; normal approximation, as the printed interval implies", "p")
  pub("Table 3: " .. r[2] .. ", confidence interval, lower bound", e .. ".impact", tonumber(r[9]), half_unit(r[9]),
    "Table 3", "printed to two decimals", "ci_low")
  pub("Table 3: " .. r[2] .. ", confidence interval, upper bound", e .. ".impact", tonumber(r[10]),
    half_unit(r[10]), "Table 3", "printed to two decimals", "ci_high")
end
pub("Time-trend ratio: Year 8 unauthorised absence sessions per pupil, 2018/19 over 2015/16", "trend_ratio",
  1.28, 0.005, "Appendix 3 text", "printed to two decimals")

-- ===== the analysis =====

local match = require("csc.match")

local LABELS = { ua_pre = "Number of sessions missed due to unauthorised absences", ncyear_pre = "School year",
  boy = "Gender (boy)", ehc = "SEN (given an Education, Health and Care Plan)", sen_support = "SEN (support)",
  fsm = "FSM status", fx_pre = "Number of sessions missed due to fixed exclusions" }
local MATCH_A = { "ua_pre", "ncyear_pre", "boy", "ehc", "sen_support", "fsm" }
local MATCH_X = { "fx_pre", "ncyear_pre", "boy", "ehc", "sen_support", "fsm" }
-- Regression adjustment: the matching characteristics ("any residual
-- differences") plus those not matched on (Appendix 3): for absences, fixed-
-- exclusion sessions and permanent exclusions; for exclusions, unauthorised
-- absences and permanent exclusions (and age, which school year carries).
local ADJUST_A = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "ua_pre", "fx_pre", "px_pre" }
local ADJUST_X = { "ncyear_pre", "boy", "ehc", "sen_support", "fsm", "fx_pre", "ua_pre", "px_pre" }
-- The report's covariate weights are not published.  With the real extract,
-- give the evaluators' weights here, e.g. absences = { ua_pre = 3, fsm = 2, ... }
-- (characteristics left out weigh 1); nil weights each characteristic by its
-- absolute standardised difference before matching.
local EVALUATOR_WEIGHTS = { absences = nil, exclusions = nil }

local function fmt(x, d) return string.format("%." .. (d or 2) .. "f", x) end

-- pupils.csv may store identical pupils once with a count (n_pupils); a real
-- extract has one row per pupil.  Rows are expanded in order.
local function expand(ctx, f)
  if not f:has("n_pupils") then return f end
  local n, idx = f:column("n_pupils"), {}
  for i = 1, #n do for _ = 1, n[i] do idx[#idx + 1] = i end end
  ctx:note(string.format("The pupils file stores pupils with identical records once, with their number in "
    .. "n_pupils: %d rows for %d pupils, expanded in file order before matching.", #n, #idx))
  local cols = {}
  for _, c in ipairs(f:names()) do if c ~= "n_pupils" then cols[#cols + 1] = c end end
  return f:take(idx):select(cols)
end

local function matching_years(label)       -- "2017/18" -> 2017
  return math.tointeger(tonumber(label:match("^(%d%d%d%d)")))
end

local function balance_rows(ctx, name, model, ratio, m, before)
  -- before: balance of the unmatched sample; m: the matching
  local after = m:balance({ variance = "sample", sd = "pooled", labels = LABELS })
  local rows, love_vars, love_b, love_a = {}, {}, {}, {}
  local bidx = {}
  for _, r in ipairs(before.rows) do bidx[r.covariate] = r end
  for _, r in ipairs(after.rows) do
    local b = bidx[r.covariate]
    local vals = { b.mean_treated, b.mean_control, b.smd, r.mean_treated_adj, r.mean_control_adj, r.smd_adj }
    for j, col in ipairs(COLS) do
      ctx:estimate({ label = string.format("%s.%s.%s", name, r.covariate, col), value = vals[j], detail = true,
        group = name })
    end
    rows[#rows + 1] = { LABELS[r.covariate], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6] }
    love_vars[#love_vars + 1] = LABELS[r.covariate]
    love_b[#love_b + 1], love_a[#love_a + 1] = vals[3], vals[6]
  end
  ctx:table(name, {
    columns = { "pre-intervention characteristic", "before: intervention", "before: comparison",
                "before: standardised difference", "after: intervention", "after: comparison",
                "after: standardised difference" },
    rows = rows,
  }, { digits = 7, caption = string.format("%s: covariate balance before and after matching (%s; %d:1)",
    name == "table9" and "Table 9" or "Table 10", model, ratio),
    note = "Standardised difference: (intervention mean - comparison mean) / sqrt((s2_T + s2_C)/2), sample "
      .. "variances of the unmatched groups, the same denominator after matching (the report's \"Standard "
      .. "deviation\" column)." })
  ctx:chart({ name = name .. "_love", kind = "love", table = name,
    title = string.format("Balance before and after matching (%s)", model),
    desc = string.format("Dot plot of the absolute standardised difference of each matching characteristic, "
      .. "%s: open circles before matching, filled diamonds after; the dashed line marks 0.1. The values are "
      .. "in the table above.", model),
    variables = love_vars, before = love_b, after = love_a, before_name = "Before matching",
    after_name = "After matching" })
  -- The diagnostics table: SMD, variance ratio and flag, by csc.match.balance.
  local drows = {}
  for _, r in ipairs(after.rows) do
    local vr, vr_adj = r.var_ratio == r.var_ratio and r.var_ratio or NA,
      r.var_ratio_adj == r.var_ratio_adj and r.var_ratio_adj or NA
    drows[#drows + 1] = { LABELS[r.covariate], r.smd, r.smd_adj, vr, vr_adj,
      math.abs(r.smd_adj) > after.threshold and "yes" or "no" }
  end
  ctx:table(name .. "_balance", { columns = { "pre-intervention characteristic", "SMD before matching",
    "SMD after matching", "variance ratio before matching", "variance ratio after matching",
    "over 0.1 after matching" }, rows = drows },
    { digits = { ["SMD before matching"] = 3, ["SMD after matching"] = 3, ["variance ratio before matching"] = 2,
      ["variance ratio after matching"] = 2 },
      caption = string.format("Balance diagnostics for %s (%s; %d:1): not in the report",
        name == "table9" and "Table 9" or "Table 10", model, ratio),
      note = "Balance with the pooled standard deviation and sample variances: SMD (intervention mean − comparison "
        .. "mean) / √((s²_T + s²_C)/2), s² the sample variances (n − 1) of the unmatched groups, the same "
        .. "denominator after matching, so the SMDs are those of the table above. Variance ratio s²_T / s²_C "
        .. "(after matching with the matching weights), for the continuous characteristics only (– for 0/1 "
        .. "ones). \"over 0.1 after matching\" flags an absolute SMD above 0.1 after matching." })
  for _, w in ipairs(after:warnings("after matching")) do ctx:warn(w) end
  local info = m.info
  if info.n_matched_treated < info.n_treated then
    ctx:warn(string.format("%s: %d of %d Back on Track pupils found no comparison pupil; the estimates are for the "
      .. "matched pupils only.", model, info.n_treated - info.n_matched_treated, info.n_treated))
  end
  if info.n_matched_control < ratio * info.n_matched_treated then
    ctx:warn(string.format("%s: %d comparison pupils matched, fewer than %d for each of the %d matched Back on "
      .. "Track pupils.", model, info.n_matched_control, ratio, info.n_matched_treated))
  end
  return after
end

local function analyse(ctx)
  local pupils = expand(ctx, ctx.data.pupils)
  local n_all = pupils:nrow()
  local d = pupils:filter('(cohort == "2017/18" and back_on_track == 1) or cohort == "2014/15"')
  if d:nrow() < n_all then
    ctx:drop("pupils", n_all - d:nrow(), "neither a Back on Track pupil of 2017/18 nor in the 2014/15 comparison cohort")
  end
  d = d:mutate("bot", 'if_else(cohort == "2017/18", 1, 0)')
       :mutate("boy", 'if_else(gender == "M", 1, 0)')
       :mutate("ehc", 'if_else(sen == "E", 1, 0)')
       :mutate("sen_support", 'if_else(sen == "K", 1, 0)')

  -- Table 8: the cohorts, read from the data.
  local t8 = {}
  for _, g in ipairs({ { "intervention", 1 }, { "comparison", 0 } }) do
    local sub = d:filter("bot == " .. g[2])
    local years = sub:aggregate("cohort", { { "n", "count" } })
    if years:nrow() ~= 1 then error("the " .. g[1] .. " group spans more than one cohort", 0) end
    local y = matching_years(years:value(1, "cohort"))
    ctx:estimate({ label = "table8." .. g[1] .. ".matching_year", value = y - 1, detail = true, group = "table8" })
    ctx:estimate({ label = "table8." .. g[1] .. ".cohort_year", value = y, detail = true, group = "table8" })
    ctx:estimate({ label = "table8." .. g[1] .. ".outcome_year", value = y + 1, detail = true, group = "table8" })
    local function ay(s) return string.format("%d/%d", s, s + 1) end
    t8[#t8 + 1] = { g[1] == "intervention" and "Intervention group" or "Comparison group", ay(y - 1), ay(y),
      ay(y + 1), sub:nrow() }
  end
  ctx:table("table8", { columns = { "group", "data used for matching", "matched cohort", "outcome data", "pupils" },
    rows = t8 }, { caption = "Table 8: the logic of the Back on Track matching process" })

  -- The time-trend ratio: Year 8 unauthorised absence sessions per pupil.
  local y8 = ctx.data.year8
  local per = {}
  local ay, np, ss = y8:column("academic_year"), y8:column("year8_pupils"), y8:column("ua_sessions")
  local rows8 = {}
  for i = 1, #ay do
    per[ay[i]] = ss[i] / np[i]
    rows8[#rows8 + 1] = { ay[i], np[i], ss[i], ss[i] / np[i] }
  end
  if not (per["2015/16"] and per["2018/19"]) then
    error("year8: need rows for 2015/16 and 2018/19 (academic_year)", 0)
  end
  local ratio = per["2018/19"] / per["2015/16"]
  ctx:estimate({ label = "trend_ratio", value = ratio, unit = "ratio",
    method = "Year 8 unauthorised absence sessions per pupil, 2018/19 over 2015/16" })
  ctx:table("year8_trend", { columns = { "academic year", "Year 8 pupils", "unauthorised sessions",
    "sessions per pupil" }, rows = rows8 }, { digits = { ["sessions per pupil"] = 3 },
    caption = "Year 8 unauthorised absence in North Yorkshire (the time-trend ratio)" })
  -- the comparison cohort's own Year 8 pupils in 2015/16 (Year 6 in 2013/14)
  local own = d:filter("bot == 0 and ncyear_pre == 6"):aggregate(nil, { { "n", "count" }, { "m", "mean", "ua_post" } })
  local y8_1516 = math.tointeger(y8:filter('academic_year == "2015/16"'):value(1, "year8_pupils"))
  local check = string.format("The 2015/16 Year 8 figure of the trend file (%s sessions per pupil, %d pupils) "
    .. "against the comparison cohort's own Year 8 pupils of 2015/16 in the pupil file (Year 6 in 2013/14): %s "
    .. "sessions per pupil, %d pupils.", fmt(per["2015/16"], 4), y8_1516, fmt(own:value(1, "m"), 4), own:value(1, "n"))
  -- The two should describe the same pupils; when they disagree by more than
  -- 5% the trend ratio may not fit the comparison cohort.
  local own_m, own_n = own:value(1, "m"), own:value(1, "n")
  if own_n == 0 or own_m ~= own_m or math.abs(own_m - per["2015/16"]) > 0.05 * per["2015/16"]
      or math.abs(own_n - y8_1516) > 0.05 * y8_1516 then
    ctx:warn(check .. " They differ by more than 5%: the trend file may not describe the comparison cohort, and "
      .. "the time-trend ratio applied to its absences may not fit.")
  else
    ctx:note(check)
  end

  -- Balance before matching, and the covariate weights.
  local covs_all = { "ua_pre", "fx_pre", "ncyear_pre", "boy", "ehc", "sen_support", "fsm" }
  local before = match.balance({ data = d, treat = "bot", covariates = covs_all, variance = "sample", sd = "pooled",
    labels = LABELS })
  local w = {}
  for _, r in ipairs(before.rows) do w[r.covariate] = math.abs(r.smd) end
  local function weights_for(covs, given)
    if given then return given end
    local out = {}
    for _, c in ipairs(covs) do out[c] = w[c] end
    return out
  end
  local wA = weights_for(MATCH_A, EVALUATOR_WEIGHTS.absences)
  local wX = weights_for(MATCH_X, EVALUATOR_WEIGHTS.exclusions)
  local wrows = {}
  for _, c in ipairs(covs_all) do
    local inA, inX = c ~= "fx_pre", c ~= "ua_pre"
    wrows[#wrows + 1] = { LABELS[c], inA and (wA[c] or 1) or NA, inX and (wX[c] or 1) or NA }
  end
  ctx:table("weights", { columns = { "characteristic", "weight: absence model", "weight: exclusion model" },
    rows = wrows }, { digits = 4, caption = "Covariate weights of the Mahalanobis distance"
      .. ((EVALUATOR_WEIGHTS.absences or EVALUATOR_WEIGHTS.exclusions) and " (given in the recipe)"
        or ": each characteristic's absolute standardised difference before matching") })
  ctx:method("Matching: for each of the 47 Back on Track pupils, the nearest North Yorkshire pupils of 2014/15 "
    .. "by weighted Mahalanobis distance (pooled within-group covariance, as R MatchIt), without replacement, "
    .. "in MatchIt's order (data order, a round of first matches, then second matches, ...): 10 neighbours on "
    .. "school year, gender, EHC plan, SEN support, FSM and unauthorised absence sessions for the absence "
    .. "outcome; 4 neighbours on the same with fixed-exclusion sessions for the exclusion outcome. All "
    .. "characteristics are from the year before the cohort year (2016/17 and 2013/14).")
  ctx:method("Distance between a Back on Track pupil i and a comparison pupil j: `d²(i, j) = uᵀ W^½ S⁻¹ W^½ u`, "
    .. "with u = x_i − x_j the difference in the matching characteristics (each standardised by its SD over all "
    .. "pupils), S their pooled within-group covariance (each group centred on its own mean, cross-products "
    .. "summed and divided by n − 2) and W = diag(w_1, …, w_6) the covariate weights.")
  ctx:method("Weights: the report weighted each characteristic \"to reflect different degrees of pre-matching "
    .. "imbalances\" but does not give the weights; here each weight is the characteristic's absolute "
    .. "standardised difference before matching (table below).")

  -- Matching.
  local mA = match.nearest({ data = d, treat = "bot", covariates = MATCH_A, weights = wA, ratio = 10 })
  local mX = match.nearest({ data = d, treat = "bot", covariates = MATCH_X, weights = wX, ratio = 4 })
  if EVALUATOR_WEIGHTS.absences or EVALUATOR_WEIGHTS.exclusions then
    ctx:note("Covariate weights given in the recipe (EVALUATOR_WEIGHTS) were used instead of the standardised "
      .. "differences for " .. (EVALUATOR_WEIGHTS.absences and "absences" or "")
      .. ((EVALUATOR_WEIGHTS.absences and EVALUATOR_WEIGHTS.exclusions) and " and " or "")
      .. (EVALUATOR_WEIGHTS.exclusions and "exclusions" or "") .. ".")
  end
  balance_rows(ctx, "table9", "absences", 10, mA, before)
  balance_rows(ctx, "table10", "exclusions", 4, mX, before)

  -- Impact (Table 3).
  local eA = mA:effect({ outcome = "ua_post", adjust = ADJUST_A, rescale_control = ratio, normal = true })
  local eX = mX:effect({ outcome = "fx_post", adjust = ADJUST_X, normal = true })
  ctx:method(string.format("Impact: the difference between the groups' outcomes in the following year (2018/19 "
    .. "against 2015/16) in the matched sample, adjusted by regression on the matching characteristics and "
    .. "those not matched on (least squares with a treatment indicator); the comparison pupils' 2015/16 "
    .. "unauthorised absences multiplied by the time-trend ratio %s first (not the exclusions: no trend, as the "
    .. "report says). Standard errors clustered on the matched sets (CR1, as sandwich::vcovCL); normal 95%% "
    .. "intervals and p-values, which the report's printed intervals and p-values imply.", fmt(ratio, 4)))
  ctx:method("Impact model, fitted by least squares on the matched sample (each Back on Track pupil with weight 1, "
    .. "each comparison pupil with its matching weight w_i): `y_i = a + τ·T_i + b′x_i + e_i`, with T_i = 1 for "
    .. "Back on Track, x_i the adjustment characteristics and τ the impact; for absences the comparison pupils' "
    .. "y_i is `r·y_i`, with the time-trend ratio `r = (sessions per Year 8 pupil, 2018/19) / (sessions per Year 8 "
    .. "pupil, 2015/16)`. Standard error of τ clustered on the G matched sets: "
    .. "`V = G/(G − 1)·(n − 1)/(n − k)·(XᵀWX)⁻¹ [Σ_g X_gᵀ W_g e_g e_gᵀ W_g X_g] (XᵀWX)⁻¹`; interval τ ± 1.96·SE.")
  ctx:method("Balance (Tables 9 and 10): `SMD = (mean_T − mean_C)/√((s²_T + s²_C)/2)`, s² the sample variances "
    .. "(n − 1) of the unmatched groups, the same denominator after matching (means then weighted by the "
    .. "matching weights); variance ratio `s²_T/s²_C`.")
  local t3 = {}
  for _, e in ipairs({ { "absences", "The number of unauthorised absences", eA, mA },
                       { "exclusions", "The number of sessions missed due to fixed exclusions", eX, mX } }) do
    local key, r = "table3." .. e[1], e[3]
    local info = e[4].info
    local comparison = r.mean_treated - r.estimate
    ctx:estimate({ label = key .. ".impact", value = r.estimate, se = r.se, ci = { r.conf_low, r.conf_high },
      p = r.p_value, n = r.n_used, unit = "sessions", method = r.method, group = "table3",
      headline = e[1] == "absences" or nil })
    ctx:estimate({ label = key .. ".mean_intervention", value = r.mean_treated, unit = "sessions", detail = true,
      group = "table3" })
    ctx:estimate({ label = key .. ".mean_comparison", value = comparison, unit = "sessions", detail = true,
      group = "table3" })
    ctx:estimate({ label = key .. ".mean_comparison_raw", value = r.mean_control, unit = "sessions", detail = true,
      group = "table3" })
    ctx:estimate({ label = key .. ".n_intervention", value = info.n_matched_treated, detail = true, group = "table3" })
    ctx:estimate({ label = key .. ".n_comparison", value = info.n_matched_control, detail = true, group = "table3" })
    t3[#t3 + 1] = { e[2], r.estimate, string.format("%s/%s", fmt(r.mean_treated, 1), fmt(comparison, 1)),
      string.format("%d/%d", info.n_matched_treated, info.n_matched_control), r.p_value, r.conf_low, r.conf_high,
      r.se, r.mean_control }
  end
  ctx:table("table3", { columns = { "outcome (2018/2019 academic year)", "impact estimate",
    "average outcome, intervention/comparison", "intervention/comparison pupils", "statistical significance (p)",
    "confidence interval: lower bound", "confidence interval: upper bound", "standard error",
    "comparison average, matched pupils (trend-adjusted)" }, rows = t3 },
    { digits = { ["impact estimate"] = 1, ["statistical significance (p)"] = 3, ["confidence interval: lower bound"] = 2,
      ["confidence interval: upper bound"] = 2, ["standard error"] = 3,
      ["comparison average, matched pupils (trend-adjusted)"] = 2 },
      caption = "Table 3: estimated impact for Back on Track pupils",
      note = "Comparison average: the intervention average minus the regression-adjusted impact (so the two "
        .. "averages differ by the impact, as in the report). The last column is the matched comparison pupils' "
        .. "own average (2015/16 absences times the trend ratio), before regression adjustment." })
  ctx:note(string.format("Table 3's comparison averages (23.6 and 4) are read as the intervention average minus the "
    .. "adjusted impact; the matched comparison pupils' own averages are %s and %s sessions (the regression "
    .. "adjustment moves the estimates by %s and %s sessions).", fmt(eA.mean_control, 2), fmt(eX.mean_control, 2),
    fmt(eA.estimate - (eA.mean_treated - eA.mean_control), 2), fmt(eX.estimate - (eX.mean_treated - eX.mean_control), 2)))
  ctx.evidence = "A matched historical comparison within one authority (pupils three years earlier), with "
    .. "regression adjustment: observed characteristics only, so unmeasured differences (wellbeing, family "
    .. "circumstances) may remain, as the report says."
end

return {
  title = "Back on Track (No Wrong Door, North Yorkshire): matched comparison of absences and exclusions",
  question = "Did Back on Track support in 2017/18 change the number of unauthorised absences and of sessions "
    .. "missed through fixed exclusions in the following school year, compared with similar North Yorkshire "
    .. "pupils three years earlier?",
  source = {
    report = "Partners in Practice No Wrong Door evaluation, Evaluation report (NatCen Social Research, March 2020)",
    authors = "Mehul Kotecha, Vainius Bartasevicius, Emma Forsyth, Anna Marcinkiewicz and Tim Allan",
    publisher = "Department for Education",
    reference = "RR1030",
    year = 2020,
    file = "../shared/seeds/000_8ff97da3c18f70f3.txt",
    tables = { "Table 3", "Table 8", "Table 9", "Table 10" },
  },
  data_note = "The recipe's own input files (data/nwd_back_on_track/) are synthetic, made by "
    .. "data/nwd_back_on_track/gen.lua to match every figure of Tables 3, 8, 9 and 10, so agreement with those "
    .. "tables on them is by construction, not a finding; the Data table shows whether this run read them or "
    .. "files given with --data. The real records are North Yorkshire County Council's pupil-level school census extract for 2013/14 to "
    .. "2018/19 linked to the Back on Track cohort list, held by the council and shared with the evaluators "
    .. "(NatCen) under a data-sharing agreement. With that extract as one row per pupil (columns cohort, "
    .. "back_on_track, ncyear_pre, gender, sen as N/K/E, fsm, ua_pre, fx_pre, px_pre, ua_post, fx_post) and the "
    .. "Year 8 totals by year (academic_year, year8_pupils, ua_sessions): "
    .. "`csceval run recipes/nwd_back_on_track.lua --data pupils=PATH --data year8=PATH` "
    .. "(docs/recipes/nwd_back_on_track.md).",

  inputs = {
    pupils = {
      path = "data/nwd_back_on_track/pupils.csv",
      description = "Back on Track pupils of 2017/18 and North Yorkshire pupils of 2014/15: school year, gender, "
        .. "SEN provision (N, K support, E EHC plan), FSM, unauthorised absence and fixed-exclusion sessions and "
        .. "permanent exclusions in the year before the cohort year, and the two outcomes in the year after",
      columns = { "cohort", "back_on_track", "ncyear_pre", "gender", "sen", "fsm", "ua_pre", "fx_pre", "px_pre",
                  "ua_post", "fx_post" },
      types = { cohort = "text", gender = "text", sen = "text" },
      synthetic = true,
      generator = "data/nwd_back_on_track/gen.lua",
      real_data = "North Yorkshire County Council's pupil-level school census extract (2013/14 to 2018/19) linked "
        .. "to the Back on Track cohort list; held by the council, shared with NatCen for the evaluation",
    },
    year8 = {
      path = "data/nwd_back_on_track/year8_absence.csv",
      description = "Year 8 pupils in North Yorkshire and their unauthorised absence sessions, by academic year",
      columns = { "academic_year", "year8_pupils", "ua_sessions" },
      types = { academic_year = "text" },
      synthetic = true,
      generator = "data/nwd_back_on_track/gen.lua",
      real_data = "the same school census extract, summed over Year 8 pupils by academic year",
    },
  },

  design = {
    type = "custom",
    label = "Weighted Mahalanobis matching with regression adjustment",
    summary = "Weighted Mahalanobis nearest-neighbour matching without replacement of the 47 Back on Track pupils "
      .. "of 2017/18 to North Yorkshire pupils of 2014/15 (10 neighbours for unauthorised absences, 4 for "
      .. "fixed-exclusion sessions), balance before and after matching (Tables 9 and 10), and the impact on the "
      .. "next year's outcomes with post-matching regression adjustment and, for absences, the time-trend ratio "
      .. "(Table 3).",
    analyse = analyse,
  },

  published = published,

  limitations = {
    "On the recipe's own synthetic files, which were generated to reproduce the published tables, every ✓ shows "
      .. "that the recipe computes what the report describes, not that the report's findings hold; only a run on "
      .. "the real extract (--data) checks them.",
    "The report does not publish its covariate weights. The recipe weights each characteristic by its absolute "
      .. "standardised difference before matching (one reading of \"a certain weight to reflect different degrees "
      .. "of pre-matching imbalances\"); on the real extract the evaluators' own weights would give other matched "
      .. "sets, so the after-matching columns of Tables 9 and 10 may differ.",
    "The software is not named for the matching. The recipe follows R MatchIt's nearest-neighbour rules (pooled "
      .. "within-group covariance, data order, one round of matches at a time, ties to the lower row); Stata's "
      .. "kmatch, which the design resembles, can choose differently where neighbours are near-tied.",
    "The form of the regression adjustment and of the standard errors is not stated. The recipe fits least "
      .. "squares on the matched sample with the matching characteristics and the other prior measures "
      .. "(the other exclusion or absence measure and permanent exclusions), with standard errors clustered on the "
      .. "matched sets and normal intervals (which the printed intervals and p-values imply).",
    "The trend ratio multiplies the comparison pupils' 2015/16 absences (the outcome) only, not their 2013/14 "
      .. "absences used for matching; the exact ratio from the Year 8 series is used, printed as 1.28.",
    "The report gives 47 as the 2017/18 cohort in Appendix 3 but 78 (2017/18) and 47 (2018/19) in its Table 1; "
      .. "the recipe follows Appendix 3.",
    "Mean school year of the Back on Track pupils in 2016/17 is 5.79, below the Years 6 to 8 that pupils in "
      .. "Years 7 to 9 in 2017/18 would have been in; some supported pupils were younger (the report's preventative "
      .. "work with pupils moving from primary school). The recipe's synthetic files follow the printed mean.",
  },
}
