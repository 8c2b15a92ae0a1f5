--- Design "matching": a programme group against a comparison group built by
-- nearest-neighbour matching (Mahalanobis or propensity score, as R
-- MatchIt), with balance tables before and after matching and effect
-- estimates whose standard errors respect the matched sets.  One matching
-- per analysis: an evaluation that matched separately for each outcome (No
-- Wrong Door: 10 neighbours for absences, 4 for exclusions) lists them in
-- `analyses`, each inheriting the top-level fields.  Numerics: csc.match.
-- Reference: docs/matching.md, docs/methods/matching.md.
-- @module csc.designs.matching
local S = require("csc.schema")
local match = require("csc.match")
local D = require("csc.match.design")
local util = require("csc.util")
local formula = require("csc.formula")

local M = {}

local col = D.col

-- Fields an analysis may set (and the top level gives defaults for).
local function analysis_fields()
  return {
    covariates = D.covariates("matching covariates (Mahalanobis), or the propensity model's"),
    distance = S.enum({ "mahalanobis", "logit", "glm", "probit", "linear.logit", "linear.probit" },
      { doc = "\"glm\" is MatchIt's name for \"logit\"" }),
    weights = S.either({ S.enum({ "smd" }), S.map(S.number({ min = 0 })) },
      { doc = "covariate -> weight of a weighted Mahalanobis distance, or \"smd\": each covariate's absolute "
        .. "standardised difference before matching" }),
    ps_covariates = D.covariates("the propensity model, when it differs from covariates"),
    ratio = S.integer({ min = 1 }),
    replace = S.boolean(),
    exact = S.list(col()),
    caliper = S.either({ S.number({ min = 0 }), S.map(S.number({ min = 0 })) },
      { doc = "SDs of the score, or {column = SDs}" }),
    std_caliper = S.boolean(),
    order = S.enum({ "data", "largest", "smallest", "random" }),
    discard = S.enum({ "none", "both", "control", "treated" }),
    estimand = S.enum({ "ATT", "ATC" }),
    balance = D.balance,
    outcomes = S.list(D.outcome),
  }
end

local analysis = (function()
  local f = analysis_fields()
  f.name = S.string({ required = true, pattern = "^[%a][%w_]*$", pattern_doc = "a letter, then letters, digits or _" })
  f.label = S.string()
  return S.record(f)
end)()

local fields = D.common_fields()
for k, v in pairs(analysis_fields()) do fields[k] = v end
fields.analyses = S.list(analysis, { min_items = 1 })

local function check(d)
  local msg, sub = D.check_source(d)
  if msg then return msg, sub end
  local list = d.analyses or { d }
  for i, a in ipairs(list) do
    local covs = a.covariates or d.covariates
    if covs == nil or #covs == 0 then
      return "give the matching covariates", d.analyses and string.format("analyses[%d].covariates", i) or "covariates"
    end
    local outs = a.outcomes or d.outcomes
    if outs == nil or #outs == 0 then
      return "give at least one outcome", d.analyses and string.format("analyses[%d].outcomes", i) or "outcomes"
    end
    local w = a.weights or d.weights
    if type(w) == "table" and type(covs) == "table" then
      local set = {}
      for _, c in ipairs(covs) do set[c] = true end
      for k in pairs(w) do
        if not set[k] then
          return string.format("%q is not one of the matching covariates%s", tostring(k), util.hint(tostring(k), covs)),
            (d.analyses and string.format("analyses[%d].", i) or "") .. "weights." .. tostring(k)
        end
      end
    end
  end
end

M.schema = S.record(fields, { check = check })

M.check = require("csc.designs.base").check

local KEYS = { "covariates", "distance", "weights", "ps_covariates", "ratio", "replace", "exact",
  "caliper", "std_caliper", "order", "discard", "estimand", "balance", "outcomes" }

-- The analyses with the top-level defaults filled in, each with its design path.
local function analyses(d)
  if not d.analyses then
    local a = {}
    for _, k in ipairs(KEYS) do a[k] = d[k] end
    a.path, a.prefix = "design", ""
    return { a }
  end
  local out = {}
  for i, x in ipairs(d.analyses) do
    local a = {}
    for _, k in ipairs(KEYS) do
      if x[k] ~= nil then a[k] = x[k] else a[k] = d[k] end
    end
    a.name, a.label = x.name, x.label
    a.path = string.format("design.analyses[%d]", i)
    a.prefix = x.name .. "."
    out[i] = a
  end
  return out
end

local function words(a)
  local n = a.ratio or 1
  local s = string.format("%d nearest neighbour%s %s replacement", n, n == 1 and "" or "s",
    a.replace and "with" or "without")
  local dist = a.distance or "mahalanobis"
  if dist == "glm" then dist = "logit" end
  if dist == "mahalanobis" then
    s = s .. string.format(" on the %sMahalanobis distance (pooled within-group covariance)",
      a.weights and "weighted " or "")
  else
    s = s .. string.format(" on the %s propensity score", dist)
  end
  if a.exact then s = s .. ", exactly on " .. table.concat(a.exact, ", ") end
  if a.caliper then s = s .. ", within a caliper" end
  return s
end

function M.describe(d)
  if d.summary then return d.summary end
  local parts = {}
  for _, a in ipairs(analyses(d)) do
    parts[#parts + 1] = (a.label or a.name or "Matching") .. ": " .. words(a)
  end
  return "Each programme unit is matched to comparison units by " .. table.concat(parts, "; ") .. ". "
    .. "Balance is shown before and after matching; effects are weighted differences in means in "
    .. "the matched sample, with standard errors clustered on the matched sets."
end

-- weights = "smd": each matching covariate weighs its absolute
-- standardised difference before matching, under the analysis's balance
-- conventions (sd, variance, binary), on the rows matching will use (those
-- with the treatment and every covariate present).  The weights and the
-- differences behind them go to a table and detail estimates.
local function smd_weights(ctx, d, f, a)
  local bopt = a.balance or {}
  local need = { d.treat }
  for _, c in ipairs(a.covariates) do need[#need + 1] = c end
  local cond = {}
  for i, c in ipairs(need) do cond[i] = "not is_missing(" .. c .. ")" end
  -- only the columns the differences need (select shares the columns'
  -- storage), filtered only when a value is missing: a national extract
  -- is not copied for this
  local g = f:select(need)
  local complete = true
  for _, c in ipairs(need) do
    local nas = g:na_counts(c)
    if (nas.present or 0) < g:nrow() then complete = false end
  end
  if not complete then g = g:filter(table.concat(cond, " and ")) end
  local b = D.call(d, a.path, { covariates = a.path .. ".covariates", treat = "design.treat" }, match.balance, {
    data = g, treat = d.treat, covariates = a.covariates, sd = bopt.sd, variance = bopt.variance,
    binary = bopt.binary, estimand = a.estimand or "ATT", labels = d.labels })
  local w, rows = {}, {}
  for _, r in ipairs(b.rows) do
    if r.smd ~= r.smd then
      D.raise(d, a.path .. ".weights", string.format("the standardised difference of %q before matching is not "
        .. "defined (no variation in either group), so it cannot weigh the covariate; give the weights", r.covariate),
        "analysis")
    end
    w[r.covariate] = math.abs(r.smd)
    rows[#rows + 1] = { r.label, r.smd, w[r.covariate] }
    ctx:estimate({ label = a.prefix .. "weight." .. r.covariate, value = w[r.covariate], group = a.prefix .. "weights",
      detail = true, method = "absolute standardised difference before matching" })
  end
  local name = a.label or a.name
  ctx:table((a.prefix:gsub("%.", "_")) .. "weights", { columns = { "covariate", "smd_before", "weight" }, rows = rows },
    { digits = 4, caption = string.format("Covariate weights of the Mahalanobis distance%s: each covariate's "
      .. "absolute standardised difference before matching", name and (" (" .. name .. ")") or "") })
  ctx:method(string.format("%sCovariate weights: each matching covariate weighs its absolute standardised "
    .. "difference before matching (%s SD, %s variances), so the covariates least alike before matching count "
    .. "most in the distance.", name and (name .. ": ") or "", b.sd, b.variance == "sample" and "n − 1" or "cobalt's"))
  return w
end

-- The weights of a weighted Mahalanobis distance in covariate order.
local function weight_list(a, given)
  given = given or a.weights
  if not given then return nil end
  local w = {}
  for i, c in ipairs(a.covariates) do w[i] = given[c] or 1 end
  return w
end

--- The distance and the effect model of one analysis as formulas, for the
-- Method section.
function M.formula(a)
  local dist = a.distance or "mahalanobis"
  if dist == "glm" then dist = "logit" end
  local parts = {}
  if dist == "mahalanobis" then
    if a.weights then
      parts[1] = "distance `d²(i, j) = uᵀ W^½ S⁻¹ W^½ u`, with u = x_i − x_j the difference in the matching "
        .. "covariates (each standardised by its SD), S their pooled within-group covariance (each group "
        .. "centred on its own mean, divided by n − 2) and W = diag(w_1, …, w_k) the covariate weights"
    else
      parts[1] = "distance `d²(i, j) = uᵀ S⁻¹ u`, with u = x_i − x_j the difference in the matching covariates "
        .. "(each standardised by its SD) and S their pooled within-group covariance (each group centred on "
        .. "its own mean, divided by n − 2)"
    end
  else
    local link = dist:gsub("^linear%.", "")
    local lhs = link == "probit" and "Φ⁻¹(p_i)" or "logit p_i"
    parts[1] = string.format("propensity model `%s = a + b′x_i` (x_i the propensity covariates); distance "
      .. "`d(i, j) = %s`", lhs, dist:match("^linear") and "|η_i − η_j|` with η_i = a + b′x_i the linear predictor"
      or "|p_i − p_j|`")
  end
  parts[#parts + 1] = "effect τ from the least-squares fit `y_i = a + τ·T_i + b′z_i + e_i` on the matched units, "
    .. "weighted by the matching weights (T_i = 1 for the programme group; z_i the outcome's adjustment "
    .. "columns, none for a plain difference in means), standard errors "
    .. (a.replace and "heteroskedasticity-robust (HC3)" or "clustered on the matched sets (CR1)")
    .. " unless the outcome sets vcov"
  local out = (table.concat(parts, "; "):gsub("^%l", string.upper)) .. "."
  for _, k in ipairs({ "covariates", "ps_covariates" }) do
    local text = a.formulas and a.formulas[k]
    if text then
      out = out .. string.format(" The %s are the columns of the formula `%s` (%s).",
        k == "covariates" and "matching covariates" or "propensity covariates", text, table.concat(a[k], ", "))
    end
  end
  return out
end

-- Covariates given as formulas become the model-matrix columns (R's
-- names) on the frame, so weights, calipers and balance name them as
-- columns; the formulas are kept for the Method section.
local function expand_formulas(d, f, a)
  if not (formula.is_formula(a.covariates) or formula.is_formula(a.ps_covariates)) then return f, a end
  a = util.copy(a)
  a.formulas = {}
  for _, k in ipairs({ "covariates", "ps_covariates" }) do
    if formula.is_formula(a[k]) then
      local text = a[k]
      local names
      names, f = D.call(d, a.path, { [k] = a.path .. "." .. k }, function(sp)
        return formula.covariates(sp.text, sp.data, { fn = "match.nearest", field = k, extra = { d.treat } })
      end, { text = text, data = f })
      a[k], a.formulas[k] = names, text
    end
  end
  return f, a
end

local function run_analysis(ctx, d, f, a, first)
  f, a = expand_formulas(d, f, a)
  local pre, path = a.prefix, a.path
  local caliper = a.caliper
  local paths = { covariates = path .. ".covariates", weights = path .. ".weights",
    ps_covariates = path .. ".ps_covariates", exact = path .. ".exact", caliper = path .. ".caliper",
    ratio = path .. ".ratio", order = path .. ".order", treat = "design.treat", distance = path .. ".distance" }
  local name = a.label or a.name
  local suffix = name and (" (" .. name .. ")") or ""
  if a.weights == "smd" then ctx:step("covariate weights" .. suffix) end
  local given = a.weights == "smd" and smd_weights(ctx, d, f, a) or a.weights
  ctx:step("matching" .. suffix)
  local m = D.call(d, path, paths, match.nearest, {
    data = f, treat = d.treat, covariates = a.covariates, distance = a.distance or "mahalanobis",
    weights = weight_list(a, given), ps_covariates = a.ps_covariates, ratio = a.ratio or 1,
    replace = a.replace, exact = a.exact, caliper = caliper, std_caliper = a.std_caliper,
    order = a.order, seed = a.order == "random" and ctx.seed or nil, discard = a.discard,
    estimand = a.estimand,
  })
  local info = m.info
  ctx:method(string.format("%s%s (MatchIt's nearest-neighbour rules; ties go to the lower row). "
    .. "%s of %s programme units matched to %s comparison units.", name and (name .. ": ") or "",
    (m.method:gsub("^%l", string.upper)), ctx:count(info.n_matched_treated), ctx:count(info.n_treated),
    ctx:count(info.n_matched_control)))
  ctx:method((name and (name .. ": ") or "") .. M.formula(a))
  D.drops(ctx, d, info, "missing values in the treatment or matching variables" .. (name and (" (" .. name .. ")") or ""))
  -- the warnings of csc.match, their counts of units worded under disclosure control
  local count = function(n) return ctx:count(n) end
  for _, w in ipairs(m.warnings) do
    if m.fewer_than_ratio and w == match.fewer_words(m.fewer_than_ratio) then
      w = match.fewer_words(m.fewer_than_ratio, count)
    end
    ctx:warn((name and (name .. ": ") or "") .. w)
  end
  local unmatched = (a.estimand == "ATC" and info.n_control or info.n_treated) - info.n_matched_focal
  if unmatched > 0 then
    ctx:warn(string.format("%s%s of %s %s units found no match%s; the estimate is for the matched units only.",
      name and (name .. ": ") or "", ctx:count(unmatched), ctx:count(info.n_focal), a.estimand == "ATC" and "comparison" or "programme",
      (caliper or a.exact) and " within the caliper or exact strata" or ""))
  end
  for _, kx in ipairs({ { "n_treated", info.n_treated }, { "n_matched_treated", info.n_matched_treated },
    { "n_matched_comparison", info.n_matched_control } }) do
    ctx:estimate({ label = pre .. kx[1], value = kx[2], group = pre .. "sample", detail = true, count = true })
  end
  local bopt = a.balance or {}
  ctx:step("balance" .. suffix)
  local b = D.call(d, path .. ".balance", { covariates = path .. ".balance.covariates" }, function(s)
    return m:balance(s)
  end, { covariates = bopt.covariates, sd = bopt.sd, variance = bopt.variance, binary = bopt.binary,
    threshold = bopt.threshold, labels = d.labels })
  D.report_balance(ctx, d, b, pre, "matching",
    string.format("Balance before and after matching%s", name and (" (" .. name .. ")") or ""), name)
  local level = d.level or (1 - ctx.alpha)
  ctx:step("effects" .. suffix)
  D.report_effects(ctx, d, a.outcomes, pre, function(o, opath)
    return D.call(d, opath, { adjust = opath .. ".adjust", outcome = opath .. ".column" }, function(s)
      return m:effect(s)
    end, { outcome = o.column, adjust = o.adjust, interact = o.interact,
      rescale_control = D.rescale(ctx, d, o, pre, opath), vcov = o.vcov, level = level,
      normal = o.inference == "z" })
  end, path .. ".outcomes", string.format("Effects in the matched sample%s", name and (" (" .. name .. ")") or ""),
    first)
end

--- The number of steps run names with ctx:step (for the progress line's
-- "step k of n"): the rows to analyse, then per analysis the covariate
-- weights (weights = "smd"), matching, balance and effects.
function M.steps(d)
  local n = 1
  for _, a in ipairs(analyses(d)) do n = n + (a.weights == "smd" and 4 or 3) end
  return n
end

function M.run(ctx, d)
  ctx:step("the rows to analyse")
  local f = D.frame(ctx.data, d, ctx)
  for i, a in ipairs(analyses(d)) do run_analysis(ctx, d, f, a, i == 1) end
end

return M
