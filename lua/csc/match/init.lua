--- Matched and weighted comparison groups for recipes: nearest-neighbour
-- matching (Mahalanobis or propensity score, as R MatchIt), inverse
-- probability weighting, balance tables, effect estimates with design-based
-- standard errors, and cohort helpers for event-level data.
--
-- The numerics run in C (host.match; definitions and the R commands they
-- match in docs/methods/matching.md); this module checks the fields,
-- naming the one that is wrong at the recipe line, and returns result
-- objects.  The API reference with examples is docs/matching.md.
--
-- Missing values: rows missing any value a step uses (treatment,
-- covariates, exact variables, calipers, score; outcome, weights, cluster
-- for effects) are left out of that step and counted in `n_dropped`; their
-- weights are 0 and their subclass missing.
-- @module csc.match
local hmatch = require("host.match")
local util = require("csc.util")
local check = require("csc.check")
local formula = require("csc.formula")

---@class csc.match
local M = {}

-- ===== checks =====
-- Failures are structured errors (csc.check) of match.<fn> about a field;
-- the runner adds the recipe line, the designs the recipe field.

local function fail(fn, field, detail, kind) check.fail("match." .. fn, field, detail, kind) end
local function failn(fn, field, text, kind) check.fail_named("match." .. fn, field, text, kind) end

-- Declare match.<fn>'s fields (csc.check); `options` checks a call's table.
local function declare(fn, list)
  check.signature("match." .. fn, list, { what = "{data = ..., treat = ...}" })
  return check.set(list)
end
local function options(fn, spec) return check.options(check.signatures["match." .. fn], spec) end

local function need_frame(fn, spec, field) return check.frame("match." .. fn, spec, field) end

local function need_column(fn, f, field, name, required)
  return check.column("match." .. fn, f, field, name, required)
end

local function column_list(fn, f, field, v)
  if v == nil then return {} end
  if type(v) == "string" then v = { v } end
  if type(v) ~= "table" then
    failn(fn, field, string.format("field '%s' must be a list of column names, got %s", field, type(v)))
  end
  local out = {}
  for i, name in ipairs(v) do
    need_column(fn, f, string.format("%s[%d]", field, i), name, true)
    out[i] = name
  end
  return out
end

-- A covariate field: a list of columns, or a one-sided formula
-- ("~ age + factor(region)", csc.formula) whose model-matrix columns
-- (R's names; factors as dummies without the reference level) are added to
-- the frame.  Returns the names, the frame and the formula text (or nil).
local function covariate_list(fn, f, field, v, extra)
  if not formula.is_formula(v) then return column_list(fn, f, field, v), f, nil end
  local names, g = formula.covariates(v, f, { fn = "match." .. fn, field = field, extra = extra })
  return names, g, v
end

-- The options of a call checked, and its data frame (field `data`).
local function data_frame(fn, spec)
  options(fn, spec)
  return need_frame(fn, spec, "data")
end

-- The start that nearest, ipw and balance share: the options checked, the
-- data frame, its 0/1 treatment column and the covariates (formula terms
-- become columns of the frame returned).
local function treated_frame(fn, spec)
  local f = data_frame(fn, spec)
  local treat = need_column(fn, f, "treat", spec.treat, true)
  local covs, cov_formula
  covs, f, cov_formula = covariate_list(fn, f, "covariates", spec.covariates, { treat })
  return f, treat, covs, cov_formula
end

-- spec.names: a table of output column names with the given keys only.
local function names_of(fn, v, keys)
  if v == nil then return {} end
  if type(v) ~= "table" then
    failn(fn, "names", string.format("field 'names' must be a table {%s = \"column\", ...}", keys[1]))
  end
  local ok = check.set(keys)
  for k, name in pairs(v) do
    if not ok[k] then
      fail(fn, "names." .. tostring(k), "not an output column of match." .. fn .. util.hint(tostring(k), keys))
    end
    if type(name) ~= "string" then
      failn(fn, "names." .. k, string.format("names.%s must be a column name (string), got %s", k, type(name)))
    end
  end
  return v
end

local function one_of(fn, field, v, choices, dflt) return check.choice("match." .. fn, field, v, choices, dflt) end

local function number_in(fn, field, v, lo, hi)
  if v == nil then return nil end
  if type(v) ~= "number" or v ~= v or v < lo or v > hi then
    failn(fn, field, string.format("field '%s' must be a number from %s to %s, got %s", field, lo, hi, tostring(v)))
  end
  return v
end

-- Call a host.match function: its failures (data problems: "match.nearest:
-- propensity model: ... separation ...") keep the kind C gave them.
local function host(fn, f, ...) return check.call("match." .. fn, f, ...) end

local function fmt(x)
  if type(x) ~= "number" then return tostring(x) end
  if x ~= x then return "NaN" end
  return string.format("%.4g", x)
end

-- ===== nearest-neighbour matching =====

local NEAREST_FIELDS = declare("nearest", {
  "data", "treat", "covariates", "distance", "weights", "ps_covariates", "score", "ratio",
  "replace", "exact", "caliper", "std_caliper", "order", "seed", "discard", "estimand", "names",
})

--- A matching result.  Fields: `data` (the input frame plus the columns
-- `weights`, `subclass` (without replacement) and `distance` (when there is
-- a score)), `pairs` (a frame: treated_row, control_row, slot, subclass,
-- distance; rows are 1-based rows of the input), `info` (counts: n, n_used,
-- n_dropped, n_treated, n_control, n_matched_treated, n_matched_control,
-- n_fewer_than_ratio, n_discarded (0 without `discard`), caliper_raw (0
-- without a caliper), cal_raw, order, ...), `spec` (the options in force),
-- `warnings` (sentences: matched units with fewer than `ratio` matches).
---@class csc.match.Matched
-- A result class: a table of methods that is its own metatable, exported
-- as M[name] (Matched, Weighted, Balance, Effect).
local function result_class(name)
  local c = {}
  c.__index = c
  M[name] = c
  return c
end

--- The options of a method of a result (Matched or Weighted): a copy of
-- `opts` on the result's sample (its data, treatment and weights), with its
-- estimand unless `opts` gives one.
local function on_sample(self, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.data, o.treat, o.weights = self.data, self.spec.treat, self.spec.weights_name
  o.estimand = o.estimand or self.spec.estimand
  return o
end

local Matched = result_class("Matched")

function Matched.__tostring(m)
  local i = m.info
  return string.format("%s: %d of %d treated matched to %d controls (%d rows, %d dropped for missing values)",
    m.method, i.n_matched_treated, i.n_treated, i.n_matched_control, i.n, i.n_dropped)
end

local function xweights_of(fn, covs, w)
  if w == nil then return nil end
  if type(w) ~= "table" then
    failn(fn, "weights", "field 'weights' must be a table {covariate = weight, ...} or a list in covariate order")
  end
  local out = {}
  if #w > 0 then
    if #w ~= #covs then
      failn(fn, "weights", string.format("field 'weights' lists %d weights for %d covariates", #w, #covs))
    end
    for i = 1, #covs do out[i] = w[i] end
  else
    local idx = {}
    for i, c in ipairs(covs) do idx[c] = i; out[i] = 1 end
    for k, v in pairs(w) do
      if not idx[k] then
        fail(fn, "weights." .. tostring(k), "not one of the covariates" .. util.hint(tostring(k), covs))
      end
      out[idx[k]] = v
    end
  end
  for i, v in ipairs(out) do
    if type(v) ~= "number" or not (v >= 0) or v == math.huge then
      failn(fn, nil, string.format("weight of covariate '%s' must be a number >= 0", covs[i]))
    end
  end
  return out
end

--- Nearest-neighbour matching, as R `MatchIt::matchit(method = "nearest")`.
-- @tparam table spec
--   `data` (frame), `treat` (0/1 column),
--   `distance`: "mahalanobis" (default when `covariates` are given and no
--     score), "logit" (or "glm", MatchIt's name for it), "probit",
--     "linear.logit", "linear.probit" (propensity
--     score from a glm on `ps_covariates`, default `covariates`), or "score"
--     (a column of precomputed scores, named by `score`);
--   `covariates` (Mahalanobis covariates), `weights` (per-covariate weights
--     for a weighted Mahalanobis distance: `{fsm = 2, ...}` or a list),
--   `ps_covariates` (with "mahalanobis": also fit a propensity score, for
--     the caliper and the order, as MatchIt's `mahvars`),
--   `ratio` (controls per treated unit, default 1), `replace` (false),
--   `exact` (columns to match exactly), `caliper` (a number: on the score,
--     in SDs; and/or `{column = width, ...}` on covariates, in SDs),
--   `std_caliper` (true: widths in SDs), `order` ("data", "largest",
--     "smallest", "random"; default as MatchIt), `seed` (for "random": R's
--     set.seed), `discard` ("none", "both", "control", "treated"),
--   `estimand` ("ATT" or "ATC"), `names` ({weights =, subclass =, distance =}).
-- @treturn csc.match.Matched
-- @usage local m = match.nearest{data = d, treat = "bot", covariates = {"year", "fsm", "absences"},
--   weights = {absences = 4}, ratio = 10, exact = {"gender"}}
---@param spec csc.match.NearestSpec
---@return csc.match.Matched
function M.nearest(spec)
  local fn = "nearest"
  local f, treat, covs, cov_formula = treated_frame(fn, spec)
  local pscov, ps_formula
  pscov, f, ps_formula = covariate_list(fn, f, "ps_covariates", spec.ps_covariates, { treat })
  local dflt = (spec.score and "score") or "mahalanobis"
  -- "glm" is MatchIt's name for the logistic regression score (its
  -- default link, "logit")
  local dist = one_of(fn, "distance", spec.distance == "glm" and "logit" or spec.distance,
    { "mahalanobis", "logit", "probit", "linear.logit", "linear.probit", "score" }, dflt)
  if dist == "mahalanobis" and #covs == 0 then failn(fn, "covariates", "Mahalanobis matching needs 'covariates'") end
  if dist ~= "mahalanobis" and dist ~= "score" and #covs == 0 and #pscov == 0 then
    failn(fn, "ps_covariates", "a propensity score needs 'ps_covariates' (or 'covariates')")
  end
  local score = dist == "score" and need_column(fn, f, "score", spec.score, true) or nil
  local xw = dist == "mahalanobis" and xweights_of(fn, covs, spec.weights) or nil
  if spec.weights ~= nil and dist ~= "mahalanobis" then
    failn(fn, "weights", "'weights' (per-covariate weights) apply to the Mahalanobis distance only")
  end
  local ratio = spec.ratio or 1
  if math.type(ratio) ~= "integer" or ratio < 1 then
    failn(fn, "ratio", string.format("field 'ratio' must be a whole number >= 1, got %s", tostring(ratio)))
  end
  local exact = column_list(fn, f, "exact", spec.exact)
  local cal, cal_names, cal_widths = nil, {}, {}
  if type(spec.caliper) == "number" then
    cal = number_in(fn, "caliper", spec.caliper, 0, math.huge)
  elseif type(spec.caliper) == "table" then
    for _, k in ipairs(util.sorted_keys(spec.caliper)) do
      local v = spec.caliper[k]
      if type(k) == "number" and k == 1 then
        cal = number_in(fn, "caliper[1]", v, 0, math.huge)   -- {0.2, age = 1}: score caliper first
      else
        need_column(fn, f, "caliper." .. tostring(k), k, true)
        number_in(fn, "caliper." .. k, v, 0, math.huge)
        cal_names[#cal_names + 1] = k
        cal_widths[#cal_widths + 1] = v
      end
    end
  elseif spec.caliper ~= nil then
    failn(fn, "caliper", "field 'caliper' must be a number (on the score) or {column = width, ...}")
  end
  if cal and dist == "mahalanobis" and #pscov == 0 then
    failn(fn, "ps_covariates", "a caliper on the distance needs a propensity score: give 'ps_covariates' too, or "
      .. "calipers on covariates {column = width}")
  end
  local order = one_of(fn, "order", spec.order, { "data", "largest", "smallest", "random" }, nil)
  if order == "random" and math.type(spec.seed) ~= "integer" then
    failn(fn, nil, "order = \"random\" needs 'seed' (a whole number, as R's set.seed)")
  end
  local estimand = one_of(fn, "estimand", spec.estimand, { "ATT", "ATC" }, "ATT")
  local names = names_of(fn, spec.names, { "weights", "subclass", "distance" })
  local hs = {
    treat = treat, distance = dist, covariates = covs, xweights = xw, ps_covariates = pscov,
    score = score, ratio = ratio, replace = spec.replace == true, exact = exact, caliper = cal,
    std_caliper = spec.std_caliper ~= false, cal_names = cal_names, cal_widths = cal_widths,
    cal_std = spec.std_caliper ~= false, order = order, seed = spec.seed,
    discard = one_of(fn, "discard", spec.discard, { "none", "both", "control", "treated" }, "none"),
    estimand = estimand, weights_name = names.weights or "weights",
    subclass_name = names.subclass or "subclass", distance_name = names.distance or "distance",
    covariates_formula = cov_formula, ps_formula = ps_formula,
  }
  local info, data, pairs_ = host(fn, hmatch.nearest, f, hs)
  local m = setmetatable({ data = data, pairs = pairs_, info = info, spec = hs, warnings = {} }, Matched)
  m.method = string.format("%d:1 nearest-neighbour matching %s replacement on %s", ratio,
    hs.replace and "with" or "without", M.distance_words(hs))
  -- as MatchIt: "Not all treated units will get <ratio> matches"
  if info.n_fewer_than_ratio > 0 then
    -- kept as numbers too, so that a run context can word the counts under
    -- disclosure control (M.fewer_words with ctx:count)
    m.fewer_than_ratio = { n = info.n_fewer_than_ratio, of = info.n_matched_focal,
      focal = estimand == "ATC" and "control" or "treated", other = estimand == "ATC" and "treated" or "control",
      ratio = ratio, within = (cal or #cal_names > 0 or #exact > 0) and true or false }
    m.warnings[#m.warnings + 1] = M.fewer_words(m.fewer_than_ratio)
  end
  return m
end

--- The warning for units that got fewer than ratio matches (MatchIt's "Not
-- all treated units will get k matches"); count(n) words a count of units
-- (default: the number; a run passes ctx:count for disclosure control).
---@param x {n: integer, of: integer, focal: string, other: string, ratio: integer, within: boolean}
---@param count? fun(n: number): string
---@return string
function M.fewer_words(x, count)
  count = count or function(n) return tostring(math.tointeger(n) or n) end
  return string.format("%s of %s matched %s units got fewer than %d matches (too few %s units%s); MatchIt warns "
    .. "the same way (\"Not all %s units will get %d matches\")", count(x.n), count(x.of), x.focal, x.ratio, x.other,
    x.within and " within the caliper or exact strata" or "", x.focal, x.ratio)
end

--- The distance in words, for Method sections.
---@param hs table
---@return string
function M.distance_words(hs)
  local d = hs.distance
  if d == "mahalanobis" then
    local w = hs.xweights and " weighted" or ""
    local s = string.format("the%s Mahalanobis distance (pooled within-group covariance) on %s", w,
      hs.covariates_formula and ("the columns of " .. hs.covariates_formula) or table.concat(hs.covariates, ", "))
    if #hs.ps_covariates > 0 then s = s .. ", within a propensity-score caliper" end
    return s
  elseif d == "score" then
    return "the score in column " .. hs.score
  end
  local lin = d:match("^linear%.") and "the linear predictor of " or ""
  local f = #hs.ps_covariates > 0 and hs.ps_formula or (#hs.ps_covariates == 0 and hs.covariates_formula) or nil
  return string.format("%sa %s propensity score (%s)", lin, (d:gsub("^linear%.", "")),
    f or table.concat(#hs.ps_covariates > 0 and hs.ps_covariates or hs.covariates, ", "))
end

--- Units with positive weight (the matched sample, as MatchIt's match.data()).
function Matched:matched()
  return self.data:filter(string.format("%s > 0", self.spec.weights_name))
end

-- The exact-matching variables as balance covariates: a number column as it
-- is; a text column as one 0/1 indicator per value (as cobalt splits a
-- factor), named <column>_<value> (letters, digits and _ only) and labelled
-- "<label>: <value>".  Returns the data with the indicators, the covariate
-- names and their labels.
local function exact_covariates(data, exact, labels, taken)
  local covs, labs = {}, {}
  for _, c in ipairs(exact) do
    if data:type(c) == "text" then
      local lv = data:filter(string.format("not is_missing(%s)", c)):aggregate(c, { { "n", "count" } }):column(c)
      for _, v in ipairs(lv) do
        local name = (c .. "_" .. tostring(v)):gsub("[^%w_]", "_")
        while taken[name] or data:has(name) do name = name .. "_" end
        local lit = tostring(v):gsub("\\", "\\\\"):gsub('"', '\\"')
        data = data:mutate(name, string.format('if_else(%s == "%s", 1, 0)', c, lit))
        taken[name] = true
        covs[#covs + 1] = name
        labs[name] = string.format("%s: %s", labels[c] or c, tostring(v))
      end
    elseif not taken[c] then
      taken[c] = true
      covs[#covs + 1] = c
    end
  end
  return data, covs, labs
end

--- Balance before and after matching (see match.balance); covariates
-- default to the matching and propensity covariates and the exact-matching
-- variables (text ones as an indicator per value).  After exact matching
-- the SMD of an exact variable is 0: the table shows that the strata held.
function Matched:balance(opts)
  opts = opts or {}
  local covs = opts.covariates
  local data, labels = self.data, opts.labels
  if covs == nil then
    local seen = {}
    covs = {}
    for _, c in ipairs(self.spec.covariates) do if not seen[c] then covs[#covs + 1] = c; seen[c] = true end end
    for _, c in ipairs(self.spec.ps_covariates) do if not seen[c] then covs[#covs + 1] = c; seen[c] = true end end
    if #self.spec.exact > 0 then
      local ecovs, elabs
      data, ecovs, elabs = exact_covariates(data, self.spec.exact, labels or {}, seen)
      for _, c in ipairs(ecovs) do covs[#covs + 1] = c end
      if next(elabs) then
        local l = {}
        for k, v in pairs(labels or {}) do l[k] = v end
        for k, v in pairs(elabs) do l[k] = v end
        labels = l
      end
    end
  end
  local b = on_sample(self, opts)
  b.data, b.covariates, b.labels = data, covs, labels
  return M.balance(b)
end

--- Effect in the matched sample (see match.effect).  Standard errors are
-- clustered on the matched sets without replacement (MatchIt's vignette:
-- lm + sandwich::vcovCL(cluster = ~subclass)); HC3 with replacement (its
-- advice for matching with replacement).
function Matched:effect(opts)
  local e = on_sample(self, opts)
  if not self.spec.replace then e.subclass = e.subclass or self.spec.subclass_name end
  e.vcov = e.vcov or (self.spec.replace and "HC3" or "cluster")
  return M.effect(e)
end

-- ===== inverse probability weighting =====

local IPW_FIELDS = declare("ipw", {
  "data", "treat", "covariates", "link", "score", "estimand", "stabilize", "trim", "truncate",
  "bins", "names",
})

--- An IPW result: `data` (input plus `weights` and `distance`, the
-- propensity score, named as in `nearest`), `histogram` (a
-- frame: bin_lo, bin_hi, n_treated, n_control, share_treated,
-- share_control, weighted_share_treated, weighted_share_control), `info`
-- (treated / control: n, n_kept, sum_w, ess, w_min, w_max, ps_min, ps_max,
-- n_outside_support, n_truncated; support_lo, support_hi, n_trimmed, ...).
---@class csc.match.Weighted
local Weighted = result_class("Weighted")

function Weighted.__tostring(w)
  local i = w.info
  return string.format("%s; effective sample sizes: treated %.1f of %d, control %.1f of %d",
    w.method, i.treated.ess, i.treated.n_kept, i.control.ess, i.control.n_kept)
end

local function pair_of(fn, field, v, upper_default)
  if v == nil then return nil, nil end
  if type(v) == "number" then
    number_in(fn, field, v, 0, 1)
    if upper_default then return nil, v end
    return v, 1 - v
  end
  if type(v) ~= "table" then failn(fn, field, string.format("field '%s' must be a number or {lo, hi}", field)) end
  return number_in(fn, field .. "[1]", v[1], 0, 1), number_in(fn, field .. "[2]", v[2], 0, 1)
end

--- Inverse probability of treatment weights (WeightIt/cobalt conventions;
-- R: glm() then weights by hand, see docs/methods/matching.md).
-- @tparam table spec `data`, `treat`, `covariates` (propensity model) or
--   `score` (a column of scores), `link` ("logit"), `estimand` ("ATT",
--   "ATE", "ATC"), `stabilize` (false), `trim` (q: drop units with scores
--   below the q or above the 1 - q quantile; or {lo, hi}), `truncate` (q:
--   cap each group's weights at its q quantile; or {lo, hi}), `bins` (20),
--   `names` ({weights =, distance =}; `ps =` is the older name of
--   `distance =`, still accepted).
-- @treturn csc.match.Weighted
---@param spec csc.match.IpwSpec
---@return csc.match.Weighted
function M.ipw(spec)
  local fn = "ipw"
  local f, treat, covs, cov_formula = treated_frame(fn, spec)
  local score = need_column(fn, f, "score", spec.score, false)
  if not score and #covs == 0 then failn(fn, "covariates", "give 'covariates' (the propensity model) or 'score'") end
  local tlo, thi = pair_of(fn, "trim", spec.trim, false)
  local ulo, uhi = pair_of(fn, "truncate", spec.truncate, true)
  local bins = spec.bins or 20
  if math.type(bins) ~= "integer" or bins < 0 then failn(fn, "bins", "field 'bins' must be a whole number >= 0") end
  local names = names_of(fn, spec.names, { "weights", "distance", "ps" })
  local hs = {
    treat = treat, ps_covariates = covs, score = score,
    link = one_of(fn, "link", spec.link, { "logit", "probit" }, "logit"),
    estimand = one_of(fn, "estimand", spec.estimand, { "ATT", "ATE", "ATC" }, "ATT"),
    stabilize = spec.stabilize == true, trim_lo = tlo, trim_hi = thi, trunc_lo = ulo,
    trunc_hi = uhi, bins = bins, weights_name = names.weights or "weights",
    ps_name = names.distance or names.ps or "distance", covariates_formula = cov_formula,
  }
  local info, data, hist = host(fn, hmatch.ipw, f, hs)
  -- the fit's scratch (row index, outcome, scores, raw weights: about 34
  -- bytes a row) is garbage now; freed here, not after the balance table or
  -- the effect that usually follows has allocated its own
  collectgarbage()
  local w = setmetatable({ data = data, histogram = hist, info = info, spec = hs }, Weighted)
  w.method = string.format("inverse probability weighting for the %s on %s", hs.estimand,
    score and ("the score in column " .. score)
      or string.format("a %s propensity score (%s)", hs.link, cov_formula or table.concat(covs, ", ")))
  return w
end

--- Balance before and after weighting (see match.balance).
function Weighted:balance(opts)
  local b = on_sample(self, opts)
  b.covariates = b.covariates or self.spec.ps_covariates
  return M.balance(b)
end

--- Effect under the weights (see match.effect); survey::svyglm's
-- standard error by default.
function Weighted:effect(opts)
  local e = on_sample(self, opts)
  e.vcov = e.vcov or "svyglm"
  return M.effect(e)
end

-- ===== balance =====

local BALANCE_FIELDS = declare("balance", {
  "data", "treat", "covariates", "weights", "base_weights", "estimand", "sd", "variance",
  "binary", "threshold", "labels",
})

--- A balance table: `rows` (one per covariate: covariate, label, binary,
-- n_treated, n_control, mean_treated, mean_control, sd_denom, smd,
-- var_ratio, and after adjustment mean_treated_adj, mean_control_adj,
-- smd_adj, var_ratio_adj, ess_treated_adj, ess_control_adj), `threshold`,
-- `adjusted` (whether there are adjusted columns).
---@class csc.match.Balance
local Balance = result_class("Balance")

--- Balance of covariates between groups, before and (given `weights`)
-- after matching or weighting; cobalt::bal.tab's conventions by default.
-- @tparam table spec `data`, `treat`, `covariates`, `weights` (a column
--   of matching or IPW weights), `base_weights`, `estimand` (sets the SD:
--   "ATT" treated, "ATC" control, "ATE" pooled), `sd` ("treated",
--   "control", "pooled": overrides), `variance` ("cobalt": p(1 - p) for
--   binaries; "sample": n - 1 for all, as Stata), `binary` ("raw", cobalt's
--   default: the difference in proportions; or "std": standardised too),
--   `threshold` (0.1), `labels` ({column = "label"}).
-- @treturn csc.match.Balance
---@param spec csc.match.BalanceSpec
---@return csc.match.Balance
function M.balance(spec)
  local fn = "balance"
  local f, treat, covs = treated_frame(fn, spec)
  if #covs == 0 then failn(fn, "covariates", "field 'covariates' is required (a list of column names)") end
  local w = need_column(fn, f, "weights", spec.weights, false)
  local bw = need_column(fn, f, "base_weights", spec.base_weights, false)
  local est = one_of(fn, "estimand", spec.estimand, { "ATT", "ATE", "ATC" }, "ATT")
  local sd = one_of(fn, "sd", spec.sd, { "treated", "control", "pooled" },
    est == "ATT" and "treated" or est == "ATC" and "control" or "pooled")
  local threshold = number_in(fn, "threshold", spec.threshold, 0, math.huge) or 0.1
  local rows = host(fn, hmatch.balance, f, {
    treat = treat, covariates = covs, weights = w, base_weights = bw, sd = sd,
    variance = one_of(fn, "variance", spec.variance, { "cobalt", "sample" }, "cobalt"),
    binary = one_of(fn, "binary", spec.binary, { "std", "raw" }, "raw"),
  })
  local labels = spec.labels or {}
  for _, r in ipairs(rows) do r.label = labels[r.covariate] or r.covariate end
  return setmetatable({ rows = rows, threshold = threshold, adjusted = w ~= nil, sd = sd,
    variance = spec.variance or "cobalt", binary = spec.binary or "raw", estimand = est }, Balance)
end

--- Rows over the threshold (|SMD|): after adjustment, or before when
-- `before` is true or there is no adjustment.
function Balance:unbalanced(before)
  local out = {}
  for _, r in ipairs(self.rows) do
    local v = (before or not self.adjusted) and r.smd or r.smd_adj
    if v == v and math.abs(v) > self.threshold then out[#out + 1] = r end
  end
  return out
end

--- Plain-words diagnostics for ctx:warn: one sentence per covariate still
-- over the threshold after adjustment.
function Balance:warnings(what)
  local out = {}
  what = what or (self.adjusted and "after adjustment" or "before adjustment")
  for _, r in ipairs(self:unbalanced()) do
    local v = self.adjusted and r.smd_adj or r.smd
    out[#out + 1] = string.format("%s, %s is still unbalanced (SMD %.2f, threshold %.2g)", what,
      r.label, v, self.threshold)
  end
  return out
end

--- {columns, rows} for ctx:table: covariate, means, SMD (and adjusted),
-- variance ratios, and a flag column "over" (|SMD| above the threshold).
function Balance:table()
  local cols = { "covariate", "mean_treated", "mean_control", "smd", "var_ratio" }
  if self.adjusted then
    for _, c in ipairs({ "mean_treated_adj", "mean_control_adj", "smd_adj", "var_ratio_adj" }) do
      cols[#cols + 1] = c
    end
  end
  cols[#cols + 1] = "over_threshold"
  local NA = require("host.frame").NA
  local rows = {}
  for i, r in ipairs(self.rows) do
    local row = {}
    for j, c in ipairs(cols) do
      local v = c == "covariate" and r.label or r[c]
      if c == "over_threshold" then
        local s = self.adjusted and r.smd_adj or r.smd
        v = (s == s and math.abs(s) > self.threshold) and "yes" or "no"
      end
      if type(v) == "number" and v ~= v then v = NA end
      row[j] = v == nil and NA or v
    end
    rows[i] = row
  end
  return { columns = cols, rows = rows }
end

function Balance.__tostring(b)
  local out = { string.format("balance (SD: %s, threshold %.2g)", b.sd, b.threshold) }
  for _, r in ipairs(b.rows) do
    out[#out + 1] = string.format("%-24s %10s %10s smd %8s%s", r.label, fmt(r.mean_treated),
      fmt(r.mean_control), fmt(r.smd), b.adjusted and ("  adj smd " .. fmt(r.smd_adj)) or "")
  end
  return table.concat(out, "\n")
end

-- ===== effect =====

local EFFECT_FIELDS = declare("effect", {
  "data", "outcome", "treat", "weights", "subclass", "adjust", "interact", "estimand", "vcov",
  "rescale_control", "level", "normal",
})

--- An effect estimate: estimate, se, statistic, df, p_value, conf_low,
-- conf_high, level, mean_treated, mean_control (weighted, after
-- rescaling), n_used, n_treated, n_control, n_clusters, n_dropped, vcov,
-- method.
---@class csc.match.Effect
local Effect = result_class("Effect")

function Effect.__tostring(e)
  return string.format("%s: %s (se %s, %d%% CI %s to %s, p = %s)", e.method, fmt(e.estimate),
    fmt(e.se), math.floor(e.level * 100 + 0.5), fmt(e.conf_low), fmt(e.conf_high), fmt(e.p_value))
end

local VCOV_WORDS = {
  cluster = "cluster-robust on matched sets (CR1, as sandwich::vcovCL)",
  HC0 = "heteroskedasticity-robust (HC0)", HC1 = "heteroskedasticity-robust (HC1)",
  HC3 = "heteroskedasticity-robust (HC3)", svyglm = "robust, as survey::svyglm",
  classical = "classical (lm)",
}

--- Treatment effect: the weighted difference in means, adjusted for
-- covariates by regression when `adjust` is given (R: lm(y ~ treat + adjust,
-- weights)); standard error by `vcov`: "cluster" (on `subclass`), "HC0",
-- "HC1", "HC3", "svyglm", "classical".
-- @tparam table spec `data`, `outcome`, `treat`, `weights`, `subclass`,
--   `adjust` (columns), `interact` (treat x centred covariates: the
--   g-computation effect for `estimand`), `estimand` ("ATT", "ATE", "ATC"),
--   `vcov`, `rescale_control` (multiply the comparison group's outcome,
--   e.g. a time-trend ratio 1.28), `level` (0.95), `normal` (z instead of t).
-- @treturn csc.match.Effect
---@param spec csc.match.EffectSpec
---@return csc.match.Effect
function M.effect(spec)
  local fn = "effect"
  local f = data_frame(fn, spec)
  local y = need_column(fn, f, "outcome", spec.outcome, true)
  local treat = need_column(fn, f, "treat", spec.treat, true)
  local w = need_column(fn, f, "weights", spec.weights, false)
  local sub = need_column(fn, f, "subclass", spec.subclass, false)
  local adjust, adj_formula
  adjust, f, adj_formula = covariate_list(fn, f, "adjust", spec.adjust, { y, treat, w, sub })
  local vcov = one_of(fn, "vcov", spec.vcov, { "cluster", "HC0", "HC1", "HC3", "svyglm", "classical" },
    sub and "cluster" or "HC1")
  if vcov == "cluster" and not sub then failn(fn, nil, "vcov = \"cluster\" needs 'subclass' (the matched sets)") end
  local rescale = spec.rescale_control or 1
  if type(rescale) ~= "number" or not (rescale > 0) or rescale == math.huge then
    failn(fn, "rescale_control", "field 'rescale_control' must be a positive number")
  end
  local level = number_in(fn, "level", spec.level, 0, 1) or 0.95
  local est = one_of(fn, "estimand", spec.estimand, { "ATT", "ATE", "ATC" }, "ATT")
  local r = host(fn, hmatch.effect, f, {
    outcome = y, treat = treat, weights = w, cluster = vcov == "cluster" and sub or nil,
    adjust = adjust, interact = spec.interact == true, target = est, vcov = vcov,
    rescale_control = rescale, level = level, normal = spec.normal == true,
  })
  r.level = level
  r.estimand = est
  local parts = { w and "weighted difference in means" or "difference in means" }
  if #adjust > 0 then
    parts[#parts + 1] = string.format("adjusted by regression on %s%s", adj_formula or table.concat(adjust, ", "),
      spec.interact and " (interacted with treatment, g-computation)" or "")
  end
  if rescale ~= 1 then
    parts[#parts + 1] = string.format("comparison outcomes multiplied by %s", util.fmt_number(rescale))
  end
  r.method = table.concat(parts, ", ") .. "; standard error " .. VCOV_WORDS[vcov]
  return setmetatable(r, Effect)
end

-- ===== cohorts from event-level data =====

--- Each person's first event date plus an offset: the pseudo start date of
-- a historical comparator (Future4Me: first offence + 47 days).
-- @tparam table spec `data` (events), `id`, `date` (a date column),
--   `offset_days` (0), `name` (output column, "start"), `where` (a filter
--   expression on the events first, e.g. 'type == "offence"').
-- @treturn frame one row per id (increasing): id and the start date
declare("first_event", { "data", "id", "date", "offset_days", "name", "where" })
---@param spec {data: csc.Frame, id: string, date: string, offset_days?: integer, name?: string, where?: string}
---@return csc.Frame
function M.first_event(spec)
  local fn = "first_event"
  local f = data_frame(fn, spec)
  local id = need_column(fn, f, "id", spec.id, true)
  local date = need_column(fn, f, "date", spec.date, true)
  if f:type(date) ~= "date" then failn(fn, nil, string.format("column %q is %s, not a date", date, f:type(date))) end
  local off = spec.offset_days or 0
  if math.type(off) ~= "integer" then failn(fn, "offset_days", "field 'offset_days' must be a whole number") end
  if spec.where ~= nil then f = f:filter(spec.where) end
  return host(fn, hmatch.first_event, f, { id = id, date = date, offset_days = off, name = spec.name or "start" })
end

--- The windows of window_counts and cohort.event_counts as a list of
-- {name, from, to}: from {name = {from, to}, ...} (sorted by name) or a
-- list of {name =, from =, to =}; whole days, from <= to.  `fn` is the
-- caller's qualified name ("match.window_counts") for the errors.
-- Internal (the leading _): not part of the recipe API.
---@param fn string
---@param windows table
---@return {name: string, from: integer, to: integer}[]
function M._windows(fn, windows)
  if type(windows) ~= "table" then
    check.fail_named(fn, "windows", "field 'windows' is required: {name = {from, to}, ...}")
  end
  local out = {}
  if #windows > 0 then
    for i, w in ipairs(windows) do
      if type(w) ~= "table" or type(w.name) ~= "string" or math.type(w.from) ~= "integer"
        or math.type(w.to) ~= "integer" then
        check.fail_named(fn, string.format("windows[%d]", i),
          string.format("windows[%d] must be {name =, from =, to =} in whole days", i))
      end
      out[i] = w
    end
  else
    for _, name in ipairs(util.sorted_keys(windows)) do
      local w = windows[name]
      if type(w) ~= "table" or math.type(w[1]) ~= "integer" or math.type(w[2]) ~= "integer" then
        check.fail_named(fn, "windows", string.format("windows.%s must be {from, to} in whole days", tostring(name)))
      end
      out[#out + 1] = { name = name, from = w[1], to = w[2] }
    end
  end
  for _, w in ipairs(out) do
    if w.from > w.to then
      check.fail(fn, "windows." .. w.name, string.format("starts after it ends (%d to %d days)", w.from, w.to))
    end
  end
  return out
end

--- Counts of each person's events in windows of days around their start.
-- @tparam table spec `events` (frame), `people` (frame), `id` (events' id
--   column), `person_id` (people's, default `id`), `date` (events' date),
--   `start` (people's start date column, "start"), `type` and `types`
--   (count each listed type separately too), `windows`
--   ({name = {from, to}, ...} or a list of {name =, from =, to =}; days
--   relative to the start, both ends included: before = {-365, -1},
--   after = {0, 364}).
-- @treturn frame the people's id, then per window `<name>` and `<name>_<type>`
declare("window_counts", { "events", "people", "id", "person_id", "date", "start", "type",
  "types", "windows" })
---@param spec table events, people, id, person_id, date, start, type, types, windows
---@return csc.Frame
function M.window_counts(spec)
  local fn = "window_counts"
  options(fn, spec)
  local ev = need_frame(fn, spec, "events")
  local pp = need_frame(fn, spec, "people")
  local id = need_column(fn, ev, "id", spec.id, true)
  local pid = need_column(fn, pp, "person_id", spec.person_id or id, true)
  local date = need_column(fn, ev, "date", spec.date, true)
  local start = need_column(fn, pp, "start", spec.start or "start", true)
  local typ = need_column(fn, ev, "type", spec.type, false)
  local types = {}
  for i, t in ipairs(spec.types or {}) do types[i] = tostring(t) end
  if #types > 0 and not typ then failn(fn, "types", "'types' need 'type' (the event type column)") end
  local wins = M._windows("match." .. fn, spec.windows)
  return host(fn, hmatch.window_counts, ev, pp, { id = id, person_id = pid, date = date, start = start,
    type = typ, types = types, windows = wins })
end

return M
