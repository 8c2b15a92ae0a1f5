--- Design "ipw": a programme group against a comparison group reweighted by
-- inverse probability of treatment weights from a propensity score, with
-- the weights' diagnostics (effective sample sizes, common support, the
-- score's overlap), balance before and after weighting, and effect
-- estimates with robust (survey::svyglm) standard errors.  Numerics:
-- csc.match.  Reference: docs/matching.md, docs/methods/matching.md.
-- @module csc.designs.ipw
local S = require("csc.schema")
local match = require("csc.match")
local D = require("csc.match.design")

local M = {}
local NA = require("host.frame").NA

local col = D.col
local quantiles = S.either({ S.number({ min = 0, max = 1 }), S.list(S.number({ min = 0, max = 1 })) })

local fields = D.common_fields()
fields.covariates = D.covariates("the propensity model")
fields.covariates.required = true
fields.link = S.enum({ "logit", "probit" })
fields.estimand = S.enum({ "ATT", "ATE", "ATC" })
fields.stabilize = S.boolean()
fields.trim = quantiles
fields.truncate = quantiles
fields.bins = S.integer({ min = 1 })
fields.balance = D.balance
fields.outcomes = S.list(D.outcome, { required = true, min_items = 1 })
fields.min_ess = S.number({ min = 0, doc = "warn when a group's effective sample size falls below this share of its size (default 0.5)" })

M.schema = S.record(fields, { check = D.check_source })

M.check = require("csc.designs.base").check

function M.describe(d)
  if d.summary then return d.summary end
  local est = d.estimand or "ATT"
  return string.format("Inverse probability of treatment weighting for the %s: a %s propensity score "
    .. "on %s gives each comparison unit a weight so that the weighted comparison group resembles the "
    .. "%s. Balance is shown before and after weighting; effects are weighted differences in means "
    .. "with robust standard errors.", est, d.link or "logit", D.covariate_words(d.covariates),
    est == "ATT" and "programme group" or est == "ATC" and "comparison group" or "whole sample")
end

-- The weights under each estimand (T = 1 for the programme group).
local WEIGHTS = {
  ATE = "w_i = T_i/p_i + (1 − T_i)/(1 − p_i)",
  ATT = "w_i = T_i + (1 − T_i)·p_i/(1 − p_i)",
  ATC = "w_i = T_i·(1 − p_i)/p_i + (1 − T_i)",
}

--- The propensity model, the weights and the effect model as formulas, for
-- the Method section.
function M.formula(d)
  local est = d.estimand or "ATT"
  local lhs = d.link == "probit" and "Φ⁻¹(p_i)" or "logit p_i"
  return string.format("Propensity model: `%s = a + b′x_i` (x_i: %s). Weights for the %s: `%s`%s; "
    .. "effective sample size of a group `(Σw)²/Σw²`. Effect τ from the weighted least-squares fit "
    .. "`y_i = a + τ·T_i + b′z_i + e_i` (T_i = 1 for the programme group; z_i the outcome's adjustment "
    .. "columns, none for the weighted difference in means), robust standard errors as survey::svyglm "
    .. "unless the outcome sets vcov.", lhs, D.covariate_words(d.covariates), est, WEIGHTS[est],
    d.stabilize and ", each group's multiplied by its share of the units (stabilised)" or "")
end

local function pair(v)
  if type(v) == "table" then return { v[1], v[2] } end
  return v
end

function M.run(ctx, d)
  local f = D.frame(ctx.data, d, ctx)
  local est = d.estimand or "ATT"
  local w = D.call(d, "design", { covariates = "design.covariates", trim = "design.trim",
    truncate = "design.truncate", treat = "design.treat" }, match.ipw, {
    data = f, treat = d.treat, covariates = d.covariates, link = d.link, estimand = est,
    stabilize = d.stabilize, trim = pair(d.trim), truncate = pair(d.truncate), bins = d.bins,
  })
  local info = w.info
  ctx:method((w.method:gsub("^%l", string.upper)) .. "." .. (d.stabilize and " Weights are stabilised." or ""))
  ctx:method(M.formula(d))
  D.drops(ctx, d, info, "missing values in the treatment or propensity-model variables")
  -- Weights and common support.
  local groups = { { "programme", info.treated }, { "comparison", info.control } }
  local rows = {}
  for _, g in ipairs(groups) do
    local x = g[2]
    rows[#rows + 1] = { g[1], x.n, x.n_kept, x.sum_w, x.ess, x.w_min, x.w_max, x.ps_min, x.ps_max,
      x.n_outside_support, x.n_truncated }
    ctx:estimate({ label = "n_" .. g[1], value = x.n_kept, group = "weights", detail = true, count = true })
    ctx:estimate({ label = "ess_" .. g[1], value = x.ess, n = x.n_kept, group = "weights", detail = true })
  end
  ctx:table("weights", { columns = { "group", "n", "n_kept", "sum_weights", "effective_n", "min_weight",
    "max_weight", "min_score", "max_score", "outside_support", "truncated" }, rows = rows },
    { caption = "Weights, effective sample sizes (Kish) and common support", digits = 3,
      -- counts of children: disclosure control applies to them on record-level input
      counts = { "n", "n_kept", "outside_support", "truncated" },
      note = string.format("Common support: scores from %.3f to %.3f (the overlap of the two groups' ranges).",
        info.support_lo, info.support_hi) })
  local min_ess = d.min_ess or 0.5
  for _, g in ipairs(groups) do
    local x = g[2]
    if x.ess < min_ess * x.n_kept then
      -- counts of units in words under disclosure control (ctx:count); the
      -- effective size is rounded to whole units first, as it was shown
      ctx:warn(string.format("the weights leave the %s group an effective sample size of %s of %s units "
        .. "(a few units carry much of the weight)", g[1], ctx:count(tonumber(string.format("%.0f", x.ess))),
        ctx:count(x.n_kept)))
    end
    if x.n_outside_support > 0 then
      local one = x.n_outside_support == 1 and not require("csc.disclosure").hides(ctx.disclosure, 1)
      ctx:warn(string.format("%s %s unit%s a propensity score outside the other group's range (no common support)",
        ctx:count(x.n_outside_support), g[1], one and " has" or "s have"))
    end
  end
  if info.n_trimmed > 0 then
    ctx:drop(d.data or "prepared data", info.n_trimmed, "trimmed: propensity score outside the trimming quantiles")
  end
  if d.charts ~= false then
    local h = w.histogram
    ctx:chart({
      name = "score_overlap", kind = "overlap", table = "weights",
      title = "Propensity scores of the programme and comparison groups",
      desc = "Mirrored histograms of the propensity score: the programme group above the axis, the "
        .. "comparison group below, each bar the group's share in a band of 0.05. Overlap shows where "
        .. "the groups can be compared.",
      groups = (function()
        -- the scores of each group (the overlap chart bins them itself)
        local t, ps = w.data:column(d.treat), w.data:column(w.spec.ps_name)
        local a, b = {}, {}
        for i = 1, #t do
          if ps[i] ~= NA and t[i] ~= NA then
            if t[i] == 1 or t[i] == true then a[#a + 1] = ps[i] else b[#b + 1] = ps[i] end
          end
        end
        return { { name = "Programme", values = a }, { name = "Comparison", values = b } }
      end)(),
      bins = h:nrow() > 0 and h:nrow() or 20,
    })
  end
  local bopt = d.balance or {}
  local b = D.call(d, "design.balance", { covariates = "design.balance.covariates" }, function(s)
    return w:balance(s)
  end, { covariates = bopt.covariates, sd = bopt.sd, variance = bopt.variance, binary = bopt.binary,
    threshold = bopt.threshold, labels = d.labels })
  D.report_balance(ctx, d, b, "", "weighting", "Balance before and after weighting")
  local level = d.level or (1 - ctx.alpha)
  D.report_effects(ctx, d, d.outcomes, "", function(o, opath)
    return D.call(d, opath, { adjust = opath .. ".adjust", outcome = opath .. ".column" }, function(s)
      return w:effect(s)
    end, { outcome = o.column, adjust = o.adjust, interact = o.interact,
      rescale_control = D.rescale(ctx, d, o, "", opath), vcov = o.vcov, level = level,
      normal = o.inference == "z" })
  end, "design.outcomes", "Effects under the weights", true)
end

return M
