-- Lincolnshire Partners in Practice: the Future4Me counterfactual impact
-- evaluation (Table 1) rerun.  Young people supported by Future4Me are
-- compared with a historical group who would have been eligible before it,
-- given a pseudo start date (first recorded offence + 47 days, the treated
-- group's average gap), weighted by the inverse probability of treatment on
-- age and offences before the start, and compared on reoffending.
--
-- The recipe's own input files are synthetic (data/lincs_future4me/gen.lua):
-- the real Future4Me dataset is confidential.  With the real files:
--   ./csceval run recipes/lincs_future4me.lua --data people=PATH --data offences=PATH

local match = require("csc.match")

local FOLLOW_UP = 365          -- reoffending: any offence 1 to 365 days after the (pseudo) start

-- ===== the published figures (Table 1 and the text) =====

local published = {}
local function pub(label, estimate, value, tolerance, note, field)
  published[#published + 1] = { label = label, estimate = estimate, value = value, tolerance = tolerance,
    source = "Table 1", note = note, field = field }
end
local ROWS = {
  { "age", "Average age", 15.93, 15.22, 15.56, 15.49 },
  { "pre", "Average number of offences (pre-intervention): all offences", 1.99, 1.38, 1.69, 1.66 },
  { "pre_violent", "Average number of offences (pre-intervention): violent offences", 1.17, 0.59, 0.87, 0.90 },
  { "pre_drugs", "Average number of offences (pre-intervention): drugs offences", 0.19, 0.07, 0.13, 0.10 },
}
pub("Sample before weighting, treatment", "table1.sample.before.treatment", 236, 0, "group size")
pub("Sample before weighting, comparator", "table1.sample.before.comparator", 280, 0, "group size")
pub("Sample after weighting, treatment", "table1.sample.after.treatment", 195, 0.5,
  "read as Kish's effective sample size (sum w)^2 / sum w^2; printed as a whole number")
pub("Sample after weighting, comparator", "table1.sample.after.comparator", 154, 0.5,
  "read as Kish's effective sample size (sum w)^2 / sum w^2; printed as a whole number")
for _, r in ipairs(ROWS) do
  local when = { "before weighting, treatment", "before weighting, comparator", "after weighting, treatment",
                 "after weighting, comparator" }
  local keys = { "before.treatment", "before.comparator", "after.treatment", "after.comparator" }
  for j = 1, 4 do
    pub(string.format("%s, %s", r[2], when[j]), string.format("table1.%s.%s", r[1], keys[j]), r[2 + j], 0.005,
      "printed to two decimals; tolerance half the last digit")
  end
end
pub("Proportion reoffending post-intervention, treatment (%)", "table1.reoffending.after.treatment", 30, 0.5,
  "printed as a whole percentage")
pub("Proportion reoffending post-intervention, comparator (%)", "table1.reoffending.after.comparator", 41, 0.5,
  "printed as a whole percentage")
published[#published + 1] = { label = "Reoffending: difference, percentage points (\"11 percentage points lower\")",
  estimate = "reoffending.difference", value = -11, tolerance = 0.5, source = "Executive summary",
  note = "printed as a whole number of percentage points" }
published[#published + 1] = { label = "Reoffending: the difference is statistically significant (1 = yes, at 5%)",
  estimate = "reoffending.significant", value = 1, tolerance = 0, source = "Results text",
  note = "the report names no test, p-value or interval: only that the difference was significant" }
published[#published + 1] = { label = "Days from first recorded offence to the Future4Me start, treated average",
  estimate = "pseudo_start.offset_days", value = 47, tolerance = 0.5, source = "Analytical approach text",
  note = "printed as whole days; the comparators' pseudo start is their first offence plus this many days" }

-- ===== the analysis =====

local LABELS = { age = "Average age", pre = "All offences (pre-intervention)",
  pre_violent = "Violent offences (pre-intervention)", pre_drugs = "Drugs offences (pre-intervention)" }
local COVS = { "age", "pre", "pre_violent", "pre_drugs" }

local function fmt(x, d) return string.format("%." .. (d or 2) .. "f", x) end

local function analyse(ctx)
  local offences = ctx.data.offences
  local people = ctx.data.people:mutate("f4m", 'if_else(group == "Future4Me", 1, 0)')
  local n_other = people:filter('group ~= "Future4Me" and group ~= "comparator"'):nrow()
  if n_other > 0 then
    ctx:drop("people", n_other, "group is neither Future4Me nor comparator")
    people = people:filter('group == "Future4Me" or group == "comparator"')
  end

  -- Pseudo start dates: the treated group's average gap from first recorded
  -- offence to the Future4Me start, in whole days, added to each comparator's
  -- first recorded offence.
  local first = match.first_event({ data = offences, id = "person_id", date = "offence_date", name = "first_offence" })
  local d = people:join(first, "person_id", "left")
  local no_offence = d:filter("is_missing(first_offence)"):nrow()
  if no_offence > 0 then
    ctx:drop("people", no_offence, "no recorded offence (no first offence to date a start from)")
    d = d:filter("not is_missing(first_offence)")
  end
  local gaps = d:filter("f4m == 1"):mutate("gap", "days_between(first_offence, start_date)")
    :aggregate(nil, { { "mean", "mean", "gap" }, { "median", "median", "gap" }, { "min", "min", "gap" },
                      { "max", "max", "gap" }, { "n", "n", "gap" } })
  local mean_gap = gaps:value(1, "mean")
  local offset = math.floor(mean_gap + 0.5)
  ctx:estimate({ label = "pseudo_start.offset_days", value = mean_gap, unit = "days", n = gaps:value(1, "n"),
    method = "mean days from first recorded offence to the Future4Me start, treated young people" })
  ctx:method(string.format("Pseudo start dates: the %d Future4Me young people started on average %s days after "
    .. "their first recorded offence (median %s, range %d to %d); each comparator's pseudo start is their first "
    .. "recorded offence plus %d days. Age and offence counts are taken at the (pseudo) start.",
    gaps:value(1, "n"), fmt(mean_gap, 2), fmt(gaps:value(1, "median"), 0), gaps:value(1, "min"),
    gaps:value(1, "max"), offset))
  d = d:mutate("start", string.format("if_else(f4m == 1, start_date, first_offence + %d)", offset))
       :mutate("age", "year(start) - year(date_of_birth) - if_else(month(start) < month(date_of_birth) or "
         .. "(month(start) == month(date_of_birth) and day(start) < day(date_of_birth)), 1, 0)")

  -- Offences before the start (all, violent, drugs) and reoffending after it.
  local counts = match.window_counts({ events = offences, people = d, id = "person_id", date = "offence_date",
    start = "start", type = "offence_type", types = { "violent", "drugs" },
    windows = { pre = { -36500, -1 }, post = { 1, FOLLOW_UP } } })
  d = d:join(counts, "person_id", "left"):mutate("reoffended", "if_else(post > 0, 1, 0)")
  local on_day = match.window_counts({ events = offences, people = d, id = "person_id", date = "offence_date",
    start = "start", windows = { day0 = { 0, 0 } } }):filter("day0 > 0"):nrow()
  if on_day > 0 then
    ctx:warn(string.format("%d young people have an offence on their (pseudo) start day; it is counted neither "
      .. "before nor after.", on_day))
  end
  ctx:method(string.format("Offences before the start: every recorded offence before the (pseudo) start date, by "
    .. "type (violent, drugs). Reoffending: any recorded offence from 1 to %d days after it (the report does not "
    .. "state its follow-up period).", FOLLOW_UP))

  -- Inverse probability weighting.
  local w = match.ipw({ data = d, treat = "f4m", covariates = COVS, estimand = "ATE" })
  ctx:method("Weights: a logistic model of Future4Me (against the comparators) on age and the three offence "
    .. "counts gives each young person's propensity p; weights 1/p for Future4Me and 1/(1 - p) for comparators "
    .. "(the average treatment effect), so both groups are weighted towards the whole sample. Table 1's after-"
    .. "weighting treatment means and \"Sample\" differ from before, which weights of 1 for the treated (the "
    .. "effect on the treated) could not do; \"Sample\" is read as Kish's effective sample size.")
  ctx:method("Propensity model: `logit p_i = a + b1·age_i + b2·pre_i + b3·pre_violent_i + b4·pre_drugs_i` "
    .. "(T_i = 1 for Future4Me, 0 for a comparator; maximum likelihood). Weights for the average treatment "
    .. "effect: `w_i = T_i/p_i + (1 − T_i)/(1 − p_i)`. Effective sample size of a group: `(Σw_i)²/Σw_i²`.")
  ctx:method("Balance (Table 1): weighted means `Σw_i·x_i/Σw_i`; standardised mean difference "
    .. "`SMD = (mean_T − mean_C)/√((s²_T + s²_C)/2)`, s² the groups' variances before weighting (n − 1), the "
    .. "same denominator after weighting (cobalt's convention for the ATE); variance ratio `s²_T/s²_C`, "
    .. "weighted after weighting. A covariate is flagged when |SMD| after weighting exceeds 0.1.")
  local b = w:balance({ sd = "pooled", labels = LABELS })
  local info = w.info
  local e = w:effect({ outcome = "reoffended" })

  -- Table 1.
  local rows = {}
  local function est(label, v, extra)
    local rec = { label = label, value = v, detail = true, group = "table1" }
    for k, x in pairs(extra or {}) do rec[k] = x end
    ctx:estimate(rec)
  end
  est("table1.sample.before.treatment", info.treated.n)
  est("table1.sample.before.comparator", info.control.n)
  est("table1.sample.after.treatment", info.treated.ess, { method = "Kish effective sample size" })
  est("table1.sample.after.comparator", info.control.ess, { method = "Kish effective sample size" })
  rows[#rows + 1] = { "Sample", info.treated.n, info.control.n, info.treated.ess, info.control.ess, NA, NA, NA, NA,
    NA }
  local love_v, love_b, love_a = {}, {}, {}
  for _, r in ipairs(b.rows) do
    est("table1." .. r.covariate .. ".before.treatment", r.mean_treated)
    est("table1." .. r.covariate .. ".before.comparator", r.mean_control)
    est("table1." .. r.covariate .. ".after.treatment", r.mean_treated_adj)
    est("table1." .. r.covariate .. ".after.comparator", r.mean_control_adj)
    est("table1." .. r.covariate .. ".smd.before", r.smd, { method = "standardised mean difference, pooled SD" })
    est("table1." .. r.covariate .. ".smd.after", r.smd_adj, { method = "standardised mean difference, pooled SD "
      .. "of the unweighted groups" })
    local vr, vr_adj = r.var_ratio == r.var_ratio and r.var_ratio or NA,
      r.var_ratio_adj == r.var_ratio_adj and r.var_ratio_adj or NA
    rows[#rows + 1] = { LABELS[r.covariate], r.mean_treated, r.mean_control, r.mean_treated_adj, r.mean_control_adj,
      r.smd, r.smd_adj, vr, vr_adj, math.abs(r.smd_adj) > b.threshold and "yes" or "no" }
    love_v[#love_v + 1], love_b[#love_b + 1], love_a[#love_a + 1] = LABELS[r.covariate], r.smd, r.smd_adj
  end
  -- reoffending before weighting (not published) and after
  local raw = d:aggregate("f4m", { { "rate", "mean", "reoffended" } })
  local raw_rate = {}
  for i = 1, raw:nrow() do raw_rate[raw:value(i, "f4m")] = raw:value(i, "rate") * 100 end
  est("table1.reoffending.before.treatment", raw_rate[1], { unit = "%" })
  est("table1.reoffending.before.comparator", raw_rate[0], { unit = "%" })
  est("table1.reoffending.after.treatment", e.mean_treated * 100, { unit = "%" })
  est("table1.reoffending.after.comparator", e.mean_control * 100, { unit = "%" })
  rows[#rows + 1] = { "Proportion reoffending post-intervention (%)", raw_rate[1], raw_rate[0], e.mean_treated * 100,
    e.mean_control * 100, NA, NA, NA, NA, NA }
  ctx:table("table1", { columns = { "group", "before weighting: treatment", "before weighting: comparator",
    "after weighting: treatment", "after weighting: comparator", "SMD before weighting", "SMD after weighting",
    "variance ratio before weighting", "variance ratio after weighting", "over 0.1 after weighting" },
    rows = rows },
    { digits = { ["before weighting: treatment"] = 2, ["before weighting: comparator"] = 2,
      ["after weighting: treatment"] = 2, ["after weighting: comparator"] = 2, ["SMD before weighting"] = 3,
      ["SMD after weighting"] = 3, ["variance ratio before weighting"] = 2, ["variance ratio after weighting"] = 2 },
      caption = "Table 1: results from inverse probability weighting analysis of Future4Me and "
      .. "pre-Future4Me cases",
      note = "The four columns after \"group\" are the report's. \"Sample\" after weighting: Kish's effective "
        .. "sample size. "
        .. "Reoffending before weighting is not in the report; it is shown for reference. Added (not in the "
        .. "report): standardised mean difference (treatment mean − comparator mean) / √((s²_T + s²_C)/2), with "
        .. "the groups' unweighted variances (n − 1) as denominator before and after weighting; variance ratio "
        .. "s²_T / s²_C (weighted after weighting); \"over 0.1 after weighting\" flags an absolute SMD above 0.1 "
        .. "after weighting." })

  ctx:estimate({ label = "reoffending.difference", value = e.estimate * 100, se = e.se * 100,
    ci = { e.conf_low * 100, e.conf_high * 100 }, p = e.p_value, n = e.n_used, unit = "percentage points",
    method = e.method, headline = true })
  ctx:estimate({ label = "reoffending.significant", value = e.p_value < ctx.alpha and 1 or 0,
    method = string.format("1 when the p-value of the weighted difference is below %s", fmt(ctx.alpha, 2)) })
  ctx:method(string.format("Reoffending: the weighted difference in the share who reoffended, τ in the weighted "
    .. "linear probability model `y_i = a + τ·T_i + e_i` (y_i = 1 if the young person reoffended; weights w_i), "
    .. "with survey::svyglm's robust standard error (`HC0·n/(n − 1)`), a t interval and p-value on %d residual "
    .. "degrees of freedom.", math.tointeger(e.df) or 0))

  -- The weights and the overlap of the scores.
  local wrows = {}
  for _, g in ipairs({ { "Future4Me", info.treated }, { "comparator", info.control } }) do
    local x = g[2]
    wrows[#wrows + 1] = { g[1], x.n, x.sum_w, x.ess, x.w_min, x.w_max, x.ps_min, x.ps_max, x.n_outside_support }
  end
  ctx:table("weights", { columns = { "group", "n", "sum of weights", "effective size", "smallest weight",
    "largest weight", "lowest score", "highest score", "outside common support" }, rows = wrows },
    { digits = 3, caption = "Inverse probability weights by group" })
  local scores = { [0] = {}, [1] = {} }
  local ps, tr = w.data:column("ps"), w.data:column("f4m")
  for i = 1, #ps do table.insert(scores[tr[i]], ps[i]) end
  ctx:chart({ name = "overlap", kind = "overlap", table = "weights",
    title = "Propensity scores by group",
    desc = "Mirrored histograms of the estimated probability of being in Future4Me: Future4Me young people "
      .. "above the axis, comparators below, each as a share of its group in bins of 0.05.",
    groups = { { name = "Future4Me", values = scores[1] }, { name = "Comparators", values = scores[0] } } })
  ctx:chart({ name = "balance_love", kind = "love", table = "table1",
    title = "Balance before and after weighting",
    desc = "Dot plot of the absolute standardised difference (pooled SD) of age and the three offence counts: "
      .. "open circles before weighting, filled diamonds after; the dashed line marks 0.1.",
    variables = love_v, before = love_b, after = love_a, before_name = "Before weighting",
    after_name = "After weighting" })
  for _, msg in ipairs(b:warnings("after weighting")) do ctx:warn(msg) end
  -- Diagnostics of the weights, as the ipw design raises them.
  for _, g in ipairs({ { "Future4Me", "young person", "young people", info.treated },
                       { "comparator", "young person", "young people", info.control } }) do
    local x = g[4]
    if x.n_outside_support > 0 then
      ctx:warn(string.format("%d %s %s %s a propensity score outside the other group's range (no common "
        .. "support); %s kept, as the report does not mention trimming.", x.n_outside_support, g[1],
        x.n_outside_support == 1 and g[2] or g[3], x.n_outside_support == 1 and "has" or "have",
        x.n_outside_support == 1 and "it is" or "they are"))
    end
    if x.ess < 0.5 * x.n_kept then
      ctx:warn(string.format("the weights leave the %s group an effective sample size of %.0f of %d young people "
        .. "(a few young people carry much of the weight)", g[1], x.ess, x.n_kept))
    end
  end
  ctx:note(string.format("Weighted reoffending %s%% against %s%%: %s percentage points (95%% CI %s to %s, p = %s).",
    fmt(e.mean_treated * 100, 1), fmt(e.mean_control * 100, 1), fmt(e.estimate * 100, 1), fmt(e.conf_low * 100, 1),
    fmt(e.conf_high * 100, 1), fmt(e.p_value, 3)))
  ctx.evidence = "A historical comparison group weighted on age and prior offending (Maryland scale level 3, as "
    .. "the report says): unobserved differences, other support the comparators may have had, and the national "
    .. "rise in violent youth offending between the periods are not accounted for."
end

return {
  title = "Future4Me (Lincolnshire): reoffending against a weighted historical comparison group",
  question = "Did young people supported by Future4Me reoffend less than similar young people before the "
    .. "programme existed, once the groups are weighted to be alike in age and prior offending?",
  source = {
    report = "Lincolnshire Partners in Practice (PiP) Programme Evaluation, final report (Ecorys, March 2020)",
    authors = "James Whitley, Rachel Wooldridge, Matthew Cutmore and Shona MacLeod",
    publisher = "Department for Education",
    reference = "RR1029",
    year = 2020,
    file = "../shared/seeds/001_30498599e8c141ff.txt",
    tables = { "Table 1" },
  },
  data_note = "The recipe's own input files (data/lincs_future4me/) are synthetic, made by "
    .. "data/lincs_future4me/gen.lua to match Table 1 and the text, so agreement with the report on them is by "
    .. "construction, not a finding; the Data table shows whether this run read them or files given with --data. "
    .. "The real records are the bespoke "
    .. "Future4Me dataset built by Lincolnshire County Council from its Youth Offending Service and Children's "
    .. "Services records (young people supported by Future4Me, and historical cases who would have been eligible), "
    .. "held by the council and analysed by Ecorys. With that dataset as two files, one row per young person "
    .. "(person_id, group as Future4Me or comparator, date_of_birth, start_date) and one row per recorded offence "
    .. "(person_id, offence_date, offence_type as violent, drugs or other): "
    .. "`csceval run recipes/lincs_future4me.lua --data people=PATH --data offences=PATH` "
    .. "(docs/recipes/lincs_future4me.md).",

  inputs = {
    people = {
      path = "data/lincs_future4me/people.csv",
      description = "One row per young person: Future4Me or comparator, date of birth, Future4Me start date "
        .. "(blank for comparators)",
      columns = { "person_id", "group", "date_of_birth", "start_date" },
      types = { person_id = "text", group = "text", date_of_birth = "date", start_date = "date" },
      synthetic = true,
      generator = "data/lincs_future4me/gen.lua",
      real_data = "Lincolnshire County Council's Future4Me dataset (Youth Offending Service and Children's "
        .. "Services records), held by the council",
    },
    offences = {
      path = "data/lincs_future4me/offences.csv",
      description = "One row per recorded offence: young person, date, type (violent, drugs or other)",
      columns = { "person_id", "offence_date", "offence_type" },
      types = { person_id = "text", offence_date = "date", offence_type = "text" },
      synthetic = true,
      generator = "data/lincs_future4me/gen.lua",
      real_data = "the offence records of the same dataset (Youth Offending Service), held by the council",
    },
  },

  design = {
    type = "custom",
    label = "Inverse probability weighting against a historical comparison group",
    summary = "Historical comparators get a pseudo start date (first recorded offence plus the treated group's "
      .. "average gap, 47 days); offences before the start are counted by type; inverse probability weights for "
      .. "the average treatment effect from a logistic model on age and prior offences (all, violent, drugs); "
      .. "balance before and after weighting (Table 1); and the weighted difference in reoffending within a year.",
    analyse = analyse,
  },

  published = published,

  strength = {
    level = "stronger", result = "positive",
    result_label = "Some positive impact: reoffending lower than in the weighted historical comparison group",
    reason = "Inverse probability weighting against a historical comparison group, with a test of significance; the "
      .. "comparison group is from before the programme, which the limitations discuss.",
    basis = { comparator = true, significance = true },
  },

  limitations = {
    "On the recipe's own synthetic files, which were generated to reproduce Table 1, every ✓ shows that the "
      .. "recipe computes what the report describes, not that the report's findings hold; only a run on the real "
      .. "dataset (--data) checks them.",
    "The report does not say which weights it used. Table 1's treated group changes after weighting (236 to "
      .. "195, age 15.93 to 15.56), so the recipe uses weights for the average treatment effect (1/p and "
      .. "1/(1 - p)) and reads \"Sample\" as Kish's effective sample size; the report's own description (higher "
      .. "propensity, larger weight) fits weights for the effect on the treated instead, which would leave the "
      .. "treated column unchanged.",
    "The propensity model's form is not stated; the recipe uses a logistic model with linear terms in age and "
      .. "the three counts, no trimming.",
    "The report does not state the follow-up period for reoffending or how offences on the start day count; the "
      .. "recipe counts any offence 1 to 365 days after the (pseudo) start.",
    "The significance test is not named; the recipe uses a weighted linear probability model with a robust "
      .. "(svyglm) standard error. The report's \"11% lower\" is read as 11 percentage points (41% to 30%).",
    "Age is taken in completed years at the (pseudo) start; the report does not say whether age was in whole "
      .. "years.",
  },
}
