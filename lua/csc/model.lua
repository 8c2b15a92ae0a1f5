--- Regression recipes: OLS/WLS and GLMs (logit, probit, Poisson) on a frame,
-- regression with AR(1) errors (Prais-Winsten, Cochrane-Orcutt) and
-- time-series diagnostics (Durbin-Watson, Breusch-Godfrey, ACF/PACF,
-- Box-Pierce/Ljung-Box, varsoc lag selection).
-- The numerics run in C (host.model on GSL; see docs/methods/regression.md,
-- docs/methods/glm.md and docs/methods/timeseries.md); this module checks
-- the recipe's fields, naming the one that is wrong, and returns a result
-- object with a tidy coefficient table and `:lincom{}`, `:wald{}`,
-- `:predict(newdata)`, and for OLS `:dwtest{}` and `:bgtest{}`.
--
-- Time series: rows are taken in frame order, which must be time order
-- (give `time = <column>` to have that checked, with even spacing); rows
-- missing a used value may only be dropped at the ends of the series.
--
-- Missing values: rows missing any used value (outcome, covariates,
-- weights, offset, cluster) are dropped and counted in `n_dropped`.
-- Argument errors are structured errors (csc.check): kind, function, field;
-- the runner adds the recipe line.
-- @module csc.model
local hmodel = require("host.model")
local util = require("csc.util")
local check = require("csc.check")
local formula = require("csc.formula")

-- Test results print like R's htest when csc.stats is there (it is, in
-- the host; it may be absent when this module is tested on its own).
local ok_stats, cstats = pcall(require, "csc.stats")
local Htest = ok_stats and type(cstats) == "table" and cstats.Htest or nil

---@class csc.model
local M = {}

-- The recipe's spec behind each OLS result, for :dwtest / :bgtest (which
-- refit on the same rows).  Weak keys: it goes when the result goes.
local fit_spec = setmetatable({}, { __mode = "k" })

--- Metatable of every model result.
---@class csc.model.Model
---@field coef number[]
---@field se number[]
---@field vcov number[][]
---@field n integer
---@field fitted number[]
---@field resid number[]
---@field dropped {reason: string, n: integer, rows: integer[]}[] rows dropped, by reason
local Model = {}
M.Model = Model

-- The per-row vectors of a result (fitted, resid, linear_predictor) come
-- from host.model as packed doubles: each becomes a Lua array the first
-- time it is read (at a million rows the arrays cost more than the fit,
-- and most analyses never read them).
local packed = setmetatable({}, { __mode = "k" })
local VECTORS = { "fitted", "resid", "linear_predictor" }

function Model.__index(r, k)
  local m = Model[k]
  if m ~= nil then return m end
  local p = packed[r]
  local v = p and p[k]
  if v == nil then return nil end
  local t = hmodel.vector(v)
  p[k] = nil
  rawset(r, k, t)
  return t
end

local fmt = util.fmt_g

function Model.__tostring(r)
  local out = { string.format("%s, n = %d (%d dropped), vcov = %s", r.method, r.n, r.n_dropped,
    r.vcov_type) }
  out[#out + 1] = string.format("%-16s %12s %12s %9s %10s", "term", "estimate", "std_error",
    r.dist == "t" and "t" or "z", "p_value")
  for _, row in ipairs(r.coefficients) do
    out[#out + 1] = string.format("%-16s %12s %12s %9s %10s", row.term, fmt(row.estimate),
      fmt(row.std_error), fmt(row.statistic), fmt(row.p_value))
  end
  for _, line in ipairs(Model.drop_lines(r)) do out[#out + 1] = line end
  if r.rho ~= nil then
    out[#out + 1] = string.format("rho = %s (%s), Durbin-Watson original %s, transformed %s",
      fmt(r.rho), r.twostep and "two-step" or string.format("%d iterations", r.iter),
      fmt(r.dw_original), fmt(r.dw_transformed))
  end
  return table.concat(out, "\n")
end

--- The rows dropped, one sentence per reason ("2 rows dropped: not a finite
-- number (...): rows 1, 8"), listing at most 20 row numbers each.
---@return string[]
function Model.drop_lines(r)
  local out = {}
  for _, d in ipairs(r.dropped or {}) do
    local rows = {}
    for i = 1, math.min(#d.rows, 20) do rows[i] = tostring(d.rows[i]) end
    out[#out + 1] = string.format("%d row%s dropped, %s: row%s %s%s", d.n, d.n == 1 and "" or "s", d.reason,
      d.n == 1 and "" or "s", table.concat(rows, ", "), d.n > 20 and ", ..." or "")
  end
  return out
end

--- Record the rows the fit dropped in the report, one line per reason
-- (ctx:drop), naming the rows: `fit:record_drops(ctx, "pupils")`.
function Model:record_drops(ctx, input)
  for i, line in ipairs(Model.drop_lines(self)) do
    ctx:drop(input, self.dropped[i].n, (line:gsub("^%d+ rows? dropped, ", "")))
  end
end

-- ===== Checks =====
-- Failures are structured errors (csc.check) of model.<fn> about a field;
-- the runner adds the recipe line that called.

local function failn(fn, field, text, kind) check.fail_named("model." .. fn, field, text, kind) end

local VCOVS = { "classical", "HC0", "HC1", "HC2", "HC3", "CR1", "HAC", "robust", "cluster", "newey" }
local FIT_FIELDS = { "data", "y", "x", "formula", "weights", "vcov", "cluster", "lag", "intercept", "level", "time", "tol" }
local GLM_FIELDS = { "offset", "maxit", "epsilon", "dispersion" }
for _, f in ipairs(FIT_FIELDS) do GLM_FIELDS[#GLM_FIELDS + 1] = f end

--- Declare model.<fn>'s fields (csc.check); `options` checks a call's table.
local function declare(fn, list, extra)
  local all = {}
  for _, f in ipairs(list) do all[#all + 1] = f end
  for _, f in ipairs(extra or {}) do all[#all + 1] = f end
  return check.signature("model." .. fn, all, { what = "{data = ..., y = ..., x = {...}}" })
end
declare("ols", FIT_FIELDS)
declare("glm", GLM_FIELDS, { "family", "link" })
for _, fn in ipairs({ "logit", "probit", "poisson" }) do declare(fn, GLM_FIELDS) end

local function options(fn, spec) return check.options(check.signatures["model." .. fn], spec) end

local function check_name(fn, spec, field, required)
  local v = spec[field]
  if v == nil then
    if required then failn(fn, field, string.format("field '%s' is required (a column name)", field)) end
    return
  end
  if type(v) ~= "string" then
    failn(fn, field, string.format("field '%s' must be a column name (string), got %s", field, type(v)))
  end
end

-- A spec with `formula`: the model matrix built (csc.formula) and the spec
-- copied with data, y, x and intercept set from it.
local function from_formula(fn, spec)
  if spec.x ~= nil then
    failn(fn, "x", "give either 'formula' or 'x', not both (the formula lists the terms)")
  end
  local fm = formula.parse(spec.formula, { fn = "model." .. fn, field = "formula",
    one_sided = spec.y ~= nil, outcome_given = spec.y ~= nil })
  if spec.intercept ~= nil and spec.intercept ~= fm.intercept then
    failn(fn, "intercept", string.format("field 'intercept' = %s disagrees with the formula (%s)",
      tostring(spec.intercept), fm.intercept and "it has an intercept" or "it has -1 or + 0"))
  end
  local mm = formula.build(fm, spec.data, { spec.y, spec.weights, spec.cluster, spec.offset })
  local s = util.copy(spec)
  s.data, s.x, s.intercept, s.formula = mm.data, mm.x, mm.intercept, nil
  s.y = spec.y or mm.y
  return s, mm
end

local function check_common(fn, spec)
  options(fn, spec)
  if spec.data == nil then failn(fn, "data", "field 'data' is required (a frame)") end
  local mm
  if spec.formula ~= nil then spec, mm = from_formula(fn, spec) end
  check_name(fn, spec, "y", true)
  local x = spec.x
  if x == nil then x = {} end
  if type(x) == "string" then x = { x } end
  if type(x) ~= "table" then
    failn(fn, "x", string.format("field 'x' must be an array of column names, got %s", type(x)))
  end
  for i, name in ipairs(x) do
    if type(name) ~= "string" then
      failn(fn, "x", string.format("x[%d] must be a column name (string), got %s", i, type(name)))
    end
    if name == spec.y then
      failn(fn, "x", string.format("x[%d] '%s' is also the outcome y", i, name))
    end
  end
  for _, f in ipairs({ "weights", "cluster", "offset", "time" }) do check_name(fn, spec, f, false) end
  if spec.lag ~= nil and math.type(spec.lag) ~= "integer" then
    failn(fn, "lag", string.format("field 'lag' must be an integer, got %s", fmt(spec.lag)))
  end
  if spec.level ~= nil and (type(spec.level) ~= "number" or spec.level <= 0 or spec.level >= 1) then
    failn(fn, "level", "field 'level' must be a number in (0, 1)")
  end
  -- the rank tolerance (prais: rank_tol, since its tol is rho's)
  local tf = fn == "prais" and "rank_tol" or "tol"
  local tv = spec[tf]
  if fn ~= "prais" or tf == "rank_tol" then
    if tv ~= nil and (type(tv) ~= "number" or not (tv > 0 and tv < 1)) then
      failn(fn, tf, string.format("field '%s' (rank tolerance) must be a number in (0, 1), got %s", tf, fmt(tv)))
    end
  end
  return x, spec, mm
end

-- The formula's text and its build, on a result (for the report and
-- :predict).
local fit_formula = setmetatable({}, { __mode = "k" })
local function with_formula(r, mm)
  if mm then
    r.formula = mm.formula
    r.term_labels = mm.terms
    fit_formula[r] = mm
  end
  return r
end

-- Quantile of t(df) or N(0,1) for the intervals, via lincom on each term:
-- the C side owns the distribution functions.
local function shape(r, level)
  local p
  for _, k in ipairs(VECTORS) do
    if type(r[k]) == "userdata" then
      p = p or {}
      p[k], r[k] = r[k], nil
    end
  end
  packed[r] = p
  r.level = level
  r.dist = r.df == math.huge and "z" or "t"
  r.coefficients = {}
  local k = #r.coef
  for j = 1, k do
    local c = {}
    for i = 1, k do c[i] = (i == j) and 1 or 0 end
    local lc = hmodel.lincom(r, c, 0, level)
    r.coefficients[j] = {
      term = r.terms[j], estimate = r.coef[j], std_error = r.se[j], statistic = r.statistic[j],
      p_value = r.p_value[j], conf_low = lc.conf_low, conf_high = lc.conf_high,
    }
  end
  return setmetatable(r, Model)
end

-- ===== Aliased columns =====
-- The engine refuses a design whose QR finds a column that is a linear
-- combination of the columns before it (reason "collinear", that column).
-- R's lm() would go on and give every such column an NA coefficient, and
-- alias() would say what each repeats.  Here the fit stops, and the error
-- names them all: over the rows the fit used, each column of x in turn is
-- fitted with the ones kept so far, by the same engine and rank test; a
-- column it refuses is aliased, and its combination of the kept columns
-- (and the intercept) is that least-squares fit, which is exact.

-- Above this many cells (rows x columns of x) the errors name only the
-- first aliased column: the explanation costs one fit per column.
local ALIAS_CELLS = 5e7

local function bq(name) return "`" .. name:gsub("`", "``") .. "`" end

local function coef_text(v)
  local t = string.format("%.6g", v)
  return t == "1" and "" or (t == "-1" and "-" or t .. "*")
end

-- "b = 2*a" from the fit of column c on the kept columns.
local function combination(c, r)
  local big = 0
  for _, v in ipairs(r.coef) do big = math.max(big, math.abs(v)) end
  local parts = {}
  for j, v in ipairs(r.coef) do
    if math.abs(v) > 1e-9 * big then
      local term = r.terms[j]
      local piece = term == "(Intercept)" and string.format("%.6g", v) or (coef_text(v) .. term)
      if #parts > 0 then
        piece = piece:sub(1, 1) == "-" and ("- " .. piece:sub(2)) or ("+ " .. piece)
      end
      parts[#parts + 1] = piece
    end
  end
  return c .. " = " .. (#parts > 0 and table.concat(parts, " ") or "0")
end

-- The structured error for a fit the engine refused as collinear (e, from
-- check.call), naming every aliased column of x; e itself when they cannot
-- be worked out (a formula's own columns, a design too large).
local function aliased_error(fn, spec, x, e)
  local cols = { spec.y }
  for _, c in ipairs(x) do cols[#cols + 1] = c end
  for _, k in ipairs({ "weights", "cluster", "offset" }) do
    if type(spec[k]) == "string" then cols[#cols + 1] = spec[k] end
  end
  local cond = {}
  for i, c in ipairs(cols) do
    if type(c) ~= "string" or not spec.data:has(c) then return e end
    cond[i] = "not is_missing(" .. bq(c) .. ")"
  end
  local ok, used = pcall(spec.data.filter, spec.data, table.concat(cond, " and "))
  if not ok or used:nrow() * (#x + 1) > ALIAS_CELLS then return e end
  -- the same rows and weights as the fit (weights leave an exact alias as it is,
  -- but decide which rows count, and scale the rank test)
  local opts = { intercept = spec.intercept ~= false, tol = spec.tol, weights = spec.weights }
  local kept, found, combos, aliases = {}, {}, {}, {}
  for _, c in ipairs(x) do
    local try = { table.unpack(kept) }
    try[#try + 1] = c
    local fit_ok, err = pcall(check.call, "model." .. fn, hmodel.ols, used, spec.y, try, opts)
    if fit_ok then
      kept[#kept + 1] = c
    elseif type(err) == "table" and err.reason == "collinear" and err.column == c then
      found[#found + 1] = c
      local aux_ok, r = pcall(hmodel.ols, used, c, kept, opts)
      combos[#combos + 1] = aux_ok and combination(c, r) or (c .. " is all zero")
      aliases[#aliases + 1] = { column = c, terms = aux_ok and r.terms or {}, coef = aux_ok and r.coef or {} }
    else
      return e
    end
  end
  if #found == 0 then return e end
  local names = {}
  for i, c in ipairs(found) do names[i] = "'" .. c .. "'" end
  local list = #names == 1 and names[1] or (table.concat(names, ", ", 1, #names - 1) .. " and " .. names[#names])
  local detail = string.format("%s %s aliased (collinear): %s a linear combination of the columns before it%s "
    .. "in the %d rows used: %s. %s cannot be estimated (R's lm() and glm() would give %s NA). "
    .. "Drop %s from x, or drop instead a column %s repeats", list, #found == 1 and "is" or "are",
    #found == 1 and "it is" or "each is", opts.intercept and " (and the intercept)" or "", used:nrow(),
    table.concat(combos, "; "),
    #found == 1 and "Its coefficient" or "Their coefficients", #found == 1 and "it" or "them", #found == 1 and "it" or "them",
    #found == 1 and "it" or "each")
  return { kind = "analysis", fn = "model." .. fn, field = "x", detail = detail, reason = "collinear",
    column = found[1], columns = found, aliases = aliases, relations = combos }
end

-- check.call of the engine's fit; a collinear design is explained (above).
local function fit_call(fn, f, spec, x, opts)
  local ok, r = pcall(check.call, "model." .. fn, f, spec.data, spec.y, x, opts)
  if ok then return r end
  if type(r) == "table" and r.reason == "collinear" and r.column then
    local e = aliased_error(fn, spec, x, r)
    if e ~= r then require("csc.errors").throw(e) end
  end
  error(r, 0)
end

local function host_opts(spec)
  return {
    weights = spec.weights, cluster = spec.cluster, offset = spec.offset, lag = spec.lag,
    vcov = spec.vcov, intercept = spec.intercept ~= false, family = spec.family,
    link = spec.link, maxit = spec.maxit, epsilon = spec.epsilon, tol = spec.tol,
  }
end

--- Least squares, as R `lm()` (weights: analytic weights, Stata aweights).
-- @tparam table spec `data` (frame), `y`, `x` (array of names), optional
--   `weights`, `vcov` ("classical", "HC0".."HC3", "CR1" with `cluster`,
--   "HAC" with `lag`), `intercept` (default true), `level` (0.95), `tol`
--   (rank tolerance, default 1e-9: docs/methods/regression.md)
-- @treturn csc.model.Model fields: coefficients (term, estimate, std_error,
--   statistic, p_value, conf_low, conf_high), coef, se, vcov, r2, adj_r2,
--   sigma, df_resid, fitted, resid, n, n_dropped, aic, bic, loglik
-- @usage local fit = model.ols{data = d, y = "score", x = {"treat", "age"}, vcov = "HC1"}
---@param spec csc.model.FitSpec
---@return csc.model.Model
function M.ols(spec)
  local x, mm
  x, spec, mm = check_common("ols", spec)
  check.choice("model.ols", "vcov", spec.vcov, VCOVS)
  if spec.vcov == "CR1" or spec.vcov == "cluster" then
    if spec.cluster == nil then failn("ols", nil, "vcov = \"CR1\" needs field 'cluster' (a column name)") end
  end
  if (spec.vcov == "HAC" or spec.vcov == "newey") and spec.lag == nil then
    failn("ols", nil, "vcov = \"HAC\" needs field 'lag' (an integer)")
  end
  local r = fit_call("ols", hmodel.ols, spec, x, host_opts(spec))
  fit_spec[r] = { data = spec.data, y = spec.y, x = x, intercept = spec.intercept,
    time = spec.time, weights = spec.weights }
  return with_formula(shape(r, spec.level or 0.95), mm)
end

--- The quasi-Poisson dispersion of a Poisson fit, as R's
-- summary(glm(family = quasipoisson))$dispersion: phi = Pearson X^2 / (n - p),
-- the Pearson chi-square at the final means over the residual degrees of
-- freedom.  glm{dispersion = "pearson"} scales by it; the ITS engine uses it
-- to test and report overdispersion.
---@param fit csc.model.Model a Poisson glm
---@return number
function M.pearson_dispersion(fit)
  return fit.pearson_chi2 / fit.df_resid
end

-- Quasi-Poisson inference on a Poisson fit, as R's glm(family =
-- quasipoisson): the same coefficients; dispersion phi = Pearson X^2 /
-- (n - p) at the final means; covariance phi V, standard errors sqrt(phi)
-- times the Poisson ones; t tests and intervals on n - p degrees of freedom.
-- AIC, BIC and the log-likelihood are not defined (R gives NA): nil.
local function quasi(r, level)
  local phi = M.pearson_dispersion(r)
  local k = #r.coef
  for a = 1, k do for c = 1, k do r.vcov[a][c] = r.vcov[a][c] * phi end end
  r.df, r.dispersion = r.df_resid, phi
  for j = 1, k do
    local c = {}
    for i = 1, k do c[i] = (i == j) and 1 or 0 end
    local lc = hmodel.lincom(r, c, 0, level)
    r.se[j], r.statistic[j], r.p_value[j] = lc.se, lc.statistic, lc.p_value
  end
  r.method = "GLM quasipoisson(log)"
  r.aic, r.bic, r.loglik = nil, nil, nil
end

--- Generalised linear model by IRLS, as R `glm()`.
-- @tparam table spec as `ols`, plus `family` ("binomial" or "poisson"),
--   `link` ("logit", "probit"; "log"), `offset`, `maxit`, `epsilon`;
--   `vcov` one of "classical", "HC0", "HC1", "CR1" (cluster as Stata logit);
--   `dispersion` ("fixed" at 1, the default; "pearson": quasi-Poisson as R's
--   quasipoisson, Poisson family only, with the classical covariance)
-- @treturn csc.model.Model with deviance, null_deviance, iter,
--   pearson_chi2 and dispersion (1, or Pearson X^2 / df_resid) too
---@param spec csc.model.GlmSpec
---@return csc.model.Model
function M.glm(spec)
  local x, mm
  x, spec, mm = check_common("glm", spec)
  if spec.family ~= nil and spec.family ~= "binomial" and spec.family ~= "poisson" then
    failn("glm", "family", string.format("field 'family' must be \"binomial\" or \"poisson\", got %s",
      fmt(spec.family)))
  end
  check.choice("model.glm", "vcov", spec.vcov, VCOVS)
  local disp = check.choice("model.glm", "dispersion", spec.dispersion, { "fixed", "pearson" }, "fixed")
  if disp == "pearson" then
    if spec.family ~= "poisson" then
      failn("glm", "dispersion", "dispersion = \"pearson\" (quasi-Poisson) is for the Poisson family")
    end
    if spec.vcov ~= nil and spec.vcov ~= "classical" then
      failn("glm", "dispersion", string.format("dispersion = \"pearson\" scales the model-based "
        .. "covariance; vcov = %q already allows for overdispersion: use one or the other", spec.vcov))
    end
  end
  local r = fit_call("glm", hmodel.glm, spec, x, host_opts(spec))
  r.dispersion = 1
  if disp == "pearson" then quasi(r, spec.level or 0.95) end
  return with_formula(shape(r, spec.level or 0.95), mm)
end

--- Shorthands for `glm` with a family and link (the caller's table is not
-- changed).
local function glm_as(fn, family, link)
  return function(spec)
    options(fn, spec)
    local s = util.copy(spec)
    s.family, s.link = family, link
    return M.glm(s)
  end
end
---@type fun(spec: csc.model.GlmSpec): csc.model.Model
M.logit = glm_as("logit", "binomial", "logit")
---@type fun(spec: csc.model.GlmSpec): csc.model.Model
M.probit = glm_as("probit", "binomial", "probit")
---@type fun(spec: csc.model.GlmSpec): csc.model.Model
M.poisson = glm_as("poisson", "poisson", "log")

-- A weight vector in term order from {term = weight, ...}.
local function weights_of(r, fn, w)
  if type(w) ~= "table" then
    check.fail_named(fn, nil, string.format("expected a table {term = weight, ...}, got %s", type(w)))
  end
  local c, known = {}, {}
  for j, t in ipairs(r.terms) do c[j] = 0; known[t] = j end
  for t, v in pairs(w) do
    if type(t) == "string" then
      if known[t] == nil then
        check.fail_named(fn, t, string.format("no term '%s' in the model%s (terms: %s)", t,
          util.hint(t, r.terms), table.concat(r.terms, ", ")))
      end
      if type(v) ~= "number" then check.fail_named(fn, t, string.format("weight for '%s' must be a number", t)) end
      c[known[t]] = v
    end
  end
  return c
end

--- Linear combination of coefficients, as Stata `lincom`.
-- @tparam table spec `{term = weight, ...}`, optional `value` (c0, default 0)
--   and `level`
-- @treturn table estimate, std_error, statistic, df, p_value, conf_low, conf_high
-- @usage fit:lincom{treat = 1, ["treat:post"] = 1}
function Model:lincom(spec)
  if type(spec) ~= "table" then
    check.fail_named("lincom", nil, string.format("expected a table {term = weight, ...}, got %s", type(spec)))
  end
  -- the keys are the model's terms and the options value and level: a key
  -- that is neither is a misspelling of one of them
  local w, known = {}, { value = true, level = true }
  for _, t in ipairs(self.terms) do known[t] = true end
  for t, v in pairs(spec) do
    if type(t) == "string" and not known[t] then
      local fields = { "value", "level" }
      for _, term in ipairs(self.terms) do fields[#fields + 1] = term end
      require("csc.errors").throw({ kind = "recipe", fn = "lincom", field = t, named = true, fields = fields,
        detail = string.format("unknown field '%s'%s: neither a term of the model (terms: %s) nor an option "
          .. "(value, level)", t, util.hint(t, fields), table.concat(self.terms, ", ")) })
    end
    if t ~= "value" and t ~= "level" then w[t] = v end
  end
  local c = weights_of(self, "lincom", w)
  local r = check.call("lincom", hmodel.lincom, self, c, spec.value or 0, spec.level or self.level or 0.95)
  r.std_error, r.se = r.se, nil
  return r
end

--- Wald test that several combinations are zero (Stata `test`).
-- @tparam table rows array of `{term = weight, ...}`; `values` optional array
-- @treturn table chi2, p_chi2, F, df1, df2, p_F
function Model:wald(rows, values)
  if type(rows) ~= "table" or #rows == 0 then
    check.fail_named("wald", nil, "expected an array of restrictions {{term = weight, ...}, ...}")
  end
  local R = {}
  for i, row in ipairs(rows) do R[i] = weights_of(self, "wald", row) end
  return check.call("wald", hmodel.wald, self, R, values)
end

--- Linear predictions with standard errors for the rows of a frame
-- (Stata `predict, xb` and `stdp`; for GLMs on the link scale).
-- @treturn table `fit` and `se` arrays
function Model:predict(newdata)
  if newdata == nil then check.fail_named("predict", nil, "expected a frame of new data") end
  local mm = fit_formula[self]
  if mm then
    -- the same columns on the new rows: the fit's factor levels and poly()
    -- coefficients, no outcome needed
    local fm = util.copy(mm.parsed)
    fm.lhs = nil
    newdata = formula.build(fm, newdata, nil, mm.fixed).data
  end
  return check.call("predict", hmodel.predict, self, newdata)
end

-- ===== Time series =====

local set = check.set

local function check_int(fn, spec, field, lo)
  local v = spec[field]
  if v ~= nil and (math.type(v) ~= "integer" or v < lo) then
    failn(fn, field, string.format("field '%s' must be a whole number >= %d, got %s", field, lo, fmt(v)))
  end
end

local function check_bool(fn, spec, field)
  local v = spec[field]
  if v ~= nil and type(v) ~= "boolean" then
    failn(fn, field, string.format("field '%s' must be true or false, got %s", field, fmt(v)))
  end
end

local function check_choice(fn, spec, field, choices) check.choice("model." .. fn, field, spec[field], choices) end

local function htest(t)
  return Htest and setmetatable(t, Htest) or t
end

local TS_FIELDS = { "data", "y", "x", "formula", "time", "intercept" }
declare("prais", TS_FIELDS, { "method", "twostep", "vcov", "tol", "maxit", "level", "rank_tol" })
declare("dwtest", TS_FIELDS, { "alternative", "exact", "iterations" })
declare("bgtest", TS_FIELDS, { "order", "type" })

--- Linear regression with AR(1) errors by feasible GLS, as Stata `prais`:
-- Prais-Winsten (default) or Cochrane-Orcutt (`method = "corc"`), rho from
-- the regression of the residual on its lag, iterated until rho changes
-- by less than `tol` (1e-6), or one round with `twostep = true`.
-- @tparam table spec `data`, `y`, `x`, optional `method` ("prais" or
--   "corc"), `twostep`, `vcov` ("classical" or "HC0".."HC3"; "robust" is
--   HC1, Stata's vce(robust)), `time` (column to check the order),
--   `tol`, `maxit` (100), `intercept`, `level`
-- @treturn csc.model.Model as `ols` plus rho, rho_ols, iter, twostep,
--   dw_original, dw_transformed, resid_transformed, n_used
-- @usage local fit = model.prais{data = d, y = "rate", x = {"year"}, time = "year"}
---@param spec csc.model.PraisSpec
---@return csc.model.Model
function M.prais(spec)
  local x, mm
  x, spec, mm = check_common("prais", spec)
  check_choice("prais", spec, "method", { "prais", "corc" })
  check_choice("prais", spec, "vcov", { "classical", "HC0", "HC1", "HC2", "HC3", "robust" })
  check_bool("prais", spec, "twostep")
  check_int("prais", spec, "maxit", 1)
  if spec.tol ~= nil and (type(spec.tol) ~= "number" or not (spec.tol > 0)) then
    failn("prais", "tol", string.format("field 'tol' must be a positive number, got %s", fmt(spec.tol)))
  end
  local r = check.call("model.prais", hmodel.prais, spec.data, spec.y, x, {
    method = spec.method, twostep = spec.twostep, vcov = spec.vcov, tol = spec.tol,
    maxit = spec.maxit, time = spec.time, intercept = spec.intercept ~= false,
    rank_tol = spec.rank_tol,
  })
  return with_formula(shape(r, spec.level or 0.95), mm)
end

--- Durbin-Watson test of the OLS residuals, as R `lmtest::dwtest`: exact
-- p-value (Pan's algorithm) when n < 100, else the normal approximation.
-- @tparam table spec `data`, `y`, `x`, optional `alternative` ("greater":
--   positive autocorrelation, the default; "two.sided"; "less"), `exact`
--   (true, false or "auto"), `iterations` (Pan's nodes, 15), `time`,
--   `intercept`
-- @treturn table statistic (d), p_value, alternative, exact, method, n
-- @usage local dw = model.dwtest{data = d, y = "rate", x = {"year"}}
---@param spec table data, y, x, alternative, exact, time, intercept
---@return table result statistic, p_value, ...
function M.dwtest(spec)
  local x, mm
  x, spec, mm = check_common("dwtest", spec)
  check_choice("dwtest", spec, "alternative", { "greater", "two.sided", "two-sided", "less" })
  check_int("dwtest", spec, "iterations", 1)
  if spec.exact ~= nil and spec.exact ~= "auto" and type(spec.exact) ~= "boolean" then
    failn("dwtest", nil, string.format('field \'exact\' must be true, false or "auto", got %s', fmt(spec.exact)))
  end
  local alt = spec.alternative == "two-sided" and "two.sided" or spec.alternative
  local r = check.call("model.dwtest", hmodel.dwtest, spec.data, spec.y, x, {
    alternative = alt, exact = spec.exact, iterations = spec.iterations, time = spec.time,
    intercept = spec.intercept ~= false,
  })
  r.statistic_name = "DW"
  r.method = "Durbin-Watson test" .. (r.exact and " (exact p-value, Pan's algorithm)"
    or " (normal approximation)")
  return htest(r)
end

--- Breusch-Godfrey LM test for serial correlation up to `order`, as R
-- `lmtest::bgtest` (lagged residuals filled with 0 at the start).
-- @tparam table spec `data`, `y`, `x`, optional `order` (1), `type`
--   ("Chisq", the default, or "F": which one `statistic` and `p_value`
--   hold; both are always returned), `time`, `intercept`
-- @treturn table statistic, parameter, p_value, lm, p_lm, F, df1, df2, p_F,
--   order, n
---@param spec table data, y, x, order, time, intercept
---@return table result statistic, p_value, lm, F, ...
function M.bgtest(spec)
  local x, mm
  x, spec, mm = check_common("bgtest", spec)
  check_int("bgtest", spec, "order", 1)
  check_choice("bgtest", spec, "type", { "Chisq", "F" })
  local r = check.call("model.bgtest", hmodel.bgtest, spec.data, spec.y, x, {
    order = spec.order, time = spec.time, intercept = spec.intercept ~= false,
  })
  if spec.type == "F" then
    r.statistic, r.statistic_name, r.p_value = r.F, "F", r.p_F
    r.parameter = { df1 = r.df1, df2 = r.df2 }
  else
    r.statistic, r.statistic_name, r.p_value = r.lm, "LM", r.p_lm
    r.parameter = { df = r.order }
  end
  r.method = string.format("Breusch-Godfrey test for serial correlation of order up to %d", r.order)
  return htest(r)
end

-- For :dwtest / :bgtest: the OLS fit's own data, y, x and intercept.
local function refit_spec(self, fn, o)
  local s = fit_spec[self]
  if s == nil then
    failn(fn, nil, string.format("needs a result of model.ols (this is %s)", tostring(self.method)))
  end
  if s.weights ~= nil then
    failn(fn, nil, "the fit is weighted; the test is for unweighted OLS (as lmtest)")
  end
  if o ~= nil and type(o) ~= "table" then failn(fn, nil, "options must be a table, got " .. type(o)) end
  local spec = { data = s.data, y = s.y, x = s.x, intercept = s.intercept, time = s.time }
  for k, v in pairs(o or {}) do spec[k] = v end
  return spec
end

--- Durbin-Watson test on this OLS fit (`alternative`, `exact`, ...; see `dwtest`).
function Model:dwtest(o) return M.dwtest(refit_spec(self, "dwtest", o)) end

--- Breusch-Godfrey test on this OLS fit (`order`, `type`; see `bgtest`).
function Model:bgtest(o) return M.bgtest(refit_spec(self, "bgtest", o)) end

-- The series of a spec: `series` (array of numbers) or `data` + `y`
-- (a column).  Returns the two leading arguments of the host function.
local SERIES_FIELDS = { "series", "data", "y", "time" }
for fn, extra in pairs({ acf = { "lag_max", "level" }, box_test = { "lag", "type", "fitdf" },
    ljung_box = { "lag", "fitdf" }, varsoc = { "maxlag" } }) do
  declare(fn, SERIES_FIELDS, extra)
end
local function series_of(fn, spec)
  local function fail(field, msg, ...) failn(fn, field, string.format(msg, ...)) end
  options(fn, spec)
  if spec.time ~= nil and type(spec.time) ~= "string" then
    fail("time", "field 'time' must be a column name (string), got %s", type(spec.time))
  end
  if spec.series ~= nil then
    if spec.data ~= nil or spec.y ~= nil then fail("series", "give either 'series' or 'data' with 'y', not both") end
    if type(spec.series) ~= "table" then
      fail("series", "field 'series' must be an array of numbers, got %s", type(spec.series))
    end
    if spec.time ~= nil then fail("time", "field 'time' needs 'data' (a frame), not 'series'") end
    return spec.series, nil
  end
  if spec.data == nil then fail("data", "give 'series' (an array of numbers) or 'data' (a frame) with 'y'") end
  if type(spec.y) ~= "string" then
    fail("y", "field 'y' must be the series' column name (string), got %s", type(spec.y))
  end
  return spec.data, spec.y
end

local Acf = {}
Acf.__index = Acf
M.Acf = Acf

function Acf.__tostring(r)
  local out = { string.format("%5s %9s %9s %9s %9s %9s", "lag", "acf", "band_ma", "pacf", "Q", "Prob>Q") }
  for l = 1, #r.lag do
    out[#out + 1] = string.format("%5d %9.4f %9.4f %9.4f %9.4f %9.4f", r.lag[l], r.acf[l],
      r.band_ma[l], r.pacf[l], r.q[l], r.q_p[l])
  end
  out[#out + 1] = string.format("n = %d; white-noise band +-%.4f (%g%%)", r.n, r.band, 100 * r.level)
  return table.concat(out, "\n")
end

--- Autocorrelations and partial autocorrelations, as R `acf` and `pacf`,
-- with Ljung-Box Q up to each lag (Stata `corrgram`).
-- @tparam table spec `series` (array) or `data` + `y`; optional `lag_max`
--   (R's default floor(10 log10 n)), `level` (0.95), `time`
-- @treturn table lag, acf, pacf, band (white noise, +-z/sqrt(n)), band_ma
--   (Bartlett), q, q_p, n, level
-- @usage print(model.acf{series = fit.resid, lag_max = 6})
---@param spec table series (or data + y), lag_max, level
---@return table result lag, acf, pacf, band, q, q_p, ...
function M.acf(spec)
  local a, b = series_of("acf", spec, { "lag_max", "level" })
  check_int("acf", spec, "lag_max", 1)
  if spec.level ~= nil and (type(spec.level) ~= "number" or spec.level <= 0 or spec.level >= 1) then
    failn("acf", "level", "field 'level' must be a number in (0, 1)")
  end
  local r = check.call("model.acf", hmodel.acf, a, b, { lag_max = spec.lag_max, level = spec.level, time = spec.time })
  return setmetatable(r, Acf)
end

--- Box-Pierce or Ljung-Box portmanteau test, as R `Box.test` (default
-- type "Box-Pierce", lag 1, as R).
-- @tparam table spec `series` or `data` + `y`; optional `lag`, `type`
--   ("Box-Pierce" or "Ljung-Box"), `fitdf` (ARMA parameters fitted: df =
--   lag - fitdf), `time`
-- @treturn table statistic, parameter.df, p_value, method, n
---@param spec table series (or data + y), lag, type, fitdf, time
---@return table result statistic, parameter.df, p_value, ...
function M.box_test(spec)
  local a, b = series_of("box_test", spec, { "lag", "type", "fitdf" })
  check_int("box_test", spec, "lag", 1)
  check_int("box_test", spec, "fitdf", 0)
  check_choice("box_test", spec, "type", { "Box-Pierce", "Ljung-Box" })
  local r = check.call("model.box_test", hmodel.box_test, a, b, { lag = spec.lag, type = spec.type, fitdf = spec.fitdf,
    time = spec.time })
  r.statistic_name = "X-squared"
  r.parameter = { df = r.df }
  r.method = r.type == "Ljung-Box" and "Box-Ljung test" or "Box-Pierce test"
  return htest(r)
end

--- Ljung-Box test: `box_test` with type "Ljung-Box" (Stata `wntestq`).
---@param spec table as box_test
---@return table result
function M.ljung_box(spec)
  if type(spec) ~= "table" then
    failn("ljung_box", nil, string.format("expected a table of fields {series = {...}, lag = ...}, got %s", type(spec)))
  end
  if spec.type ~= nil then
    failn("ljung_box", "type", "field 'type' is fixed; use model.box_test to choose it")
  end
  options("ljung_box", spec)
  local s = util.copy(spec)
  s.type = "Ljung-Box"
  return M.box_test(s)
end

local Varsoc = {}
Varsoc.__index = Varsoc
M.Varsoc = Varsoc

function Varsoc.__tostring(r)
  local out = { string.format("Lag-order selection, n = %d (common sample)", r.n),
    string.format("%4s %11s %9s %3s %7s %10s %9s %9s %9s", "lag", "LL", "LR", "df", "p", "FPE",
      "AIC", "HQIC", "SBIC") }
  local function star(c, p) return r.selected[c] == p and "*" or " " end
  for _, row in ipairs(r.rows) do
    local p = row.lag
    out[#out + 1] = string.format("%4d %11.4f %8s%s %3s %7s %9.4g%s %8.4f%s %8.4f%s %8.4f%s", p,
      row.ll, row.lr and string.format("%.3f", row.lr) or "", star("lr", p),
      row.df and tostring(math.tointeger(row.df) or row.df) or "",
      row.p and string.format("%.3f", row.p) or "", row.fpe, star("fpe", p), row.aic,
      star("aic", p), row.hqic, star("hqic", p), row.sbic, star("sbic", p))
  end
  return table.concat(out, "\n")
end

--- Lag-order selection for an autoregression with a constant, as Stata
-- `varsoc` on one series: LL, sequential LR, FPE, AIC, HQIC and SBIC for
-- lags 0..maxlag on the common sample; `selected` holds each criterion's
-- choice (LR: the largest lag whose test rejects at 5%).
-- @tparam table spec `series` or `data` + `y`; optional `maxlag` (4), `time`
-- @treturn table rows ({lag, ll, lr, df, p, fpe, aic, hqic, sbic}),
--   selected ({lr, fpe, aic, hqic, sbic}), n, maxlag
---@param spec table series (or data + y), maxlag, time
---@return table result rows, selected, n, maxlag
function M.varsoc(spec)
  local a, b = series_of("varsoc", spec, { "maxlag" })
  check_int("varsoc", spec, "maxlag", 0)
  local r = check.call("model.varsoc", hmodel.varsoc, a, b, { maxlag = spec.maxlag, time = spec.time })
  return setmetatable(r, Varsoc)
end

return M
