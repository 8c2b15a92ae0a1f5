--- Design "did": difference-in-differences on a unit x period panel: the
-- 2x2 regression and two-way fixed effects with standard errors clustered
-- by unit, an event study with leads and lags and a joint pre-trend test,
-- and optionally a placebo-in-space ranking.  Numerics: csc.its (did,
-- event_study) through csc.model.  Reference: docs/its.md.
-- @module csc.designs.did
local S = require("csc.schema")
local base = require("csc.designs.base")
local its = require("csc.its")
local D = require("csc.its.design")
local util = require("csc.util")
local formula = require("csc.formula")

local M = {}
local NA = require("host.frame").NA

local code = S.either({ S.integer(), S.string() })

local outcome = S.record(D.outcome_fields())

local fields = D.source_fields()
fields.unit = S.column({ required = true, input = D.data_input })
fields.name = S.column({ input = D.data_input })
fields.treated = S.either({ code, S.list(code) }, { required = true })
fields.comparators = S.list(code, { doc = "default: every other unit" })
fields.start = S.any({ required = true, doc = "the first period of the intervention" })
fields.outcomes = S.list(outcome, { required = true, min_items = 1 })
fields.event_study = S.either({ S.boolean(), S.record({ leads = S.integer({ min = 1 }),
  lags = S.integer({ min = 0 }), reference = S.integer(), bin = S.boolean() }) })
fields.vcov = S.enum({ "CR1", "HC1", "classical" })
fields.cluster_df = S.enum({ "clusters", "residual" })
fields.placebo = S.boolean()
fields.covariates = D.covariates("an adjustment set entered in the 2x2, two-way fixed-effects and event-study regressions")
M.schema = S.record(fields, { check = D.check_source })

function M.describe(d)
  if d.summary then return d.summary end
  return string.format("Difference-in-differences of %s from %s: the change in the treated unit%s "
    .. "minus the change in the comparison units, as a 2x2 regression and with unit and period "
    .. "fixed effects, standard errors clustered by unit%s.", base.outcome_names(d),
    require("csc.years").show(d.start, d.format), type(d.treated) == "table" and "s" or "",
    d.event_study ~= false and "; an event study checks the trends before the start" or "")
end

M.check = base.check

local function run_outcome(ctx, d, i, o, f)
  local base = string.format("design.outcomes[%d]", i)
  local N, label = o.name, o.label or o.name
  local digits = o.digits or 2
  -- the adjustment set: columns, or a formula's columns (R's names)
  local covs, cov_formula = d.covariates, nil
  if formula.is_formula(covs) then
    cov_formula = covs
    covs, f = D.call(d, "design", { covariates = "design.covariates" }, function(sp)
      return formula.covariates(sp.text, sp.data, { fn = "its.did", field = "covariates",
        extra = { o.column, d.unit, d.time } })
    end, { text = cov_formula, data = f })
  end
  local P = D.call(d, "design", { value = base .. ".column", covariates = "design.covariates" }, its.panel,
    { data = f, unit = d.unit, time = d.time, value = o.column, name = d.name,
      frequency = d.frequency, format = d.format, covariates = covs })
  local spec = { panel = P, treated = d.treated, comparators = d.comparators, start = d.start,
    exclude = d.exclude, from = d.from, to = d.to, level = d.level, vcov = d.vcov,
    cluster_df = d.cluster_df, placebo = d.placebo, covariates = covs }
  local res = D.call(d, "design", nil, its.did, spec)
  D.estimate(ctx, N .. ".did_2x2", res.two_by_two, { group = N, unit = o.unit, headline = (i == 1) or nil,
    method = "2x2 difference-in-differences" })
  D.estimate(ctx, N .. ".did_twfe", res.twfe, { group = N, unit = o.unit, method = "two-way fixed effects" })
  ctx:table(N .. "_means", { columns = { "group", "before", "from_start", "change" }, rows = {
    { "treated", res.means.treated_pre, res.means.treated_post, res.means.treated_post - res.means.treated_pre },
    { "comparators", res.means.comparators_pre, res.means.comparators_post,
      res.means.comparators_post - res.means.comparators_pre },
  } }, { caption = label .. ": means before and from " .. res.start, digits = digits })
  D.coef_table(ctx, N .. "_did_2x2", res.fit_2x2, label .. ": 2x2 regression (clustered by unit)")
  ctx:method(string.format("%s (%s): %s rows, %s units; standard errors %s, tests on %s degrees "
    .. "of freedom.", label, o.column, ctx:count(res.n), ctx:count(res.clusters),
    res.vcov == "CR1" and "clustered by unit (CR1; two-way fixed effects with Stata xtreg, fe's small-sample factor)"
      or res.vcov, util.fmt_number(res.twfe.df)))
  if covs and #covs > 0 then
    ctx:method(string.format("%s: the regressions adjust for %s; rows missing one are left out (the "
      .. "placebo-in-space ranking compares unadjusted means).", label, cov_formula
      and string.format("the columns of the formula `%s` (%s)", cov_formula, table.concat(covs, ", "))
      or table.concat(covs, ", ")))
  end
  for _, n in ipairs(res.notes) do ctx:warn(label .. ": " .. n) end
  if d.event_study ~= false then
    local es_opts = type(d.event_study) == "table" and d.event_study or {}
    local es_spec = util.copy(spec)
    es_spec.placebo = nil
    es_spec.leads, es_spec.lags, es_spec.reference, es_spec.bin = es_opts.leads, es_opts.lags,
      es_opts.reference, es_opts.bin
    local es = D.call(d, "design.event_study", nil, its.event_study, es_spec)
    local rows, ecols = D.event_rows(ctx, N, es, o.unit)
    ctx:table(N .. "_event_study", { columns = ecols, rows = rows }, { caption = string.format("%s: "
      .. "event study (k = periods from %s, k = %d the reference%s)", label, res.start, es.reference,
      es_opts.bin == false and "" or "; the end dummies take the periods beyond them"),
      digits = D.digits(ecols, digits) })
    D.pretrend(ctx, N, label, es, res.start)
    if d.chart ~= false then D.event_chart(ctx, N, label, es, res.start, o.unit, d.level) end
  end
  if res.placebo then
    local rows = {}
    for _, r in ipairs(res.placebo.rows) do
      rows[#rows + 1] = { r.code, r.name, r.role or (r.treated and "treated" or "placebo"), D.v(r.estimate) }
    end
    ctx:table(N .. "_placebo", { columns = { "code", "name", "role", "did_2x2" }, rows = rows },
      { caption = label .. ": placebo-in-space, each comparator as if treated (2x2 estimate)"
        .. (res.placebo.n_treated > 1 and "; the treated units' average is ranked, each treated unit is shown" or ""),
        digits = digits })
    ctx:estimate{ label = N .. ".placebo_p", value = res.placebo.p_two, n = res.placebo.n, group = N }
    ctx:estimate{ label = N .. ".placebo_rank", value = res.placebo.rank, n = res.placebo.n, group = N }
  end
end

M.run = base.each_outcome(run_outcome)

return M
