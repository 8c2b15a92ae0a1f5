--- Single-series interrupted time series (segmented regression) with the
-- guided autocorrelation workflow, for csc.its.  Fits go through
-- csc.model.  Not a public module; recipes use csc.its.
-- @module csc.its.series
local hframe = require("host.frame")
local model = require("csc.model")
local util = require("csc.util")
local C = require("csc.its.core")
local formula = require("csc.formula")
local errors = require("csc.errors")

local M = {}
local NA = hframe.NA

local SEG_FIELDS = C.declare("segmented", { "data", "time", "y", "frequency", "format", "interruption",
  "interruptions", "exclude", "from", "to", "season", "definition_change", "family", "exposure",
  "dispersion", "autocorrelation", "max_lag", "inference", "level", "alpha", "bounds", "covariates" })


-- The guided autocorrelation workflow on an OLS fit: Durbin-Watson,
-- Breusch-Godfrey of orders 1..max_lag, ACF/PACF and Ljung-Box of the
-- residuals.  Autocorrelation is "found" when the Breusch-Godfrey test of
-- order 1 or of order max_lag, or the Ljung-Box test up to max_lag,
-- rejects at alpha (three tests, not one per order: testing every order
-- at alpha would find autocorrelation in white noise far too often).
-- Durbin-Watson is reported beside them.  The lag L*: when autocorrelation
-- is found, the highest lag whose partial autocorrelation is outside the
-- 95% band (at least 1), capped at the Newey-West (1994) rule of thumb
-- floor(4 (n/100)^(2/9)) (at least 1) because a long lag on a short
-- series makes the covariance erratic; else 0.  (Linden's advice for itsa
-- is the highest lag with significant autocorrelation, tested lag by lag;
-- a cumulative Breusch-Godfrey test of order q rejects at every q once lag
-- 1 is strong, so it cannot pick the lag.)
local function diagnose(ols, max_lag, alpha)
  local d = { max_lag = max_lag, alpha = alpha, bg = {} }
  local okdw, dw = pcall(ols.dwtest, ols, {})
  d.dw = okdw and dw or nil
  local bg_any = false
  for l = 1, max_lag do
    local ok, bg = pcall(ols.bgtest, ols, { order = l })
    if ok then
      d.bg[#d.bg + 1] = { order = l, statistic = bg.lm, p_value = bg.p_lm, F = bg.F, p_F = bg.p_F }
      if (l == 1 or l == max_lag) and bg.p_lm < alpha then bg_any = true end
    end
  end
  local oka, acf = pcall(model.acf, { series = ols.resid, lag_max = max_lag })
  d.acf = oka and acf or nil
  local okl, lb = pcall(model.ljung_box, { series = ols.resid, lag = max_lag })
  d.ljung_box = okl and lb or nil
  d.any = bg_any or (d.ljung_box ~= nil and d.ljung_box.p_value < alpha)
  d.lstar = 0
  if d.acf then
    -- AR(1) signature: the PACF has a spike at lag 1 and none beyond it.
    local band = d.acf.band
    for l = 1, #d.acf.pacf do if math.abs(d.acf.pacf[l]) > band then d.lstar = l end end
    d.ar1 = math.abs(d.acf.pacf[1]) > band and d.lstar == 1
  end
  if d.any and d.lstar == 0 then d.lstar = 1 end
  if not d.any then d.lstar = 0 end
  d.lag_cap = math.max(1, math.floor(4 * (#ols.resid / 100) ^ (2 / 9)))
  d.lag_wanted = d.lstar
  if d.lstar > d.lag_cap then d.lstar = d.lag_cap end
  return d
end

-- A sentence on the diagnostics, for the report.
local function diag_words(d)
  local parts = {}
  if d.dw then
    parts[#parts + 1] = string.format("Durbin-Watson d = %.2f (%s for positive autocorrelation)",
      d.dw.statistic, C.pw(d.dw.p_value))
  end
  if #d.bg > 0 then
    parts[#parts + 1] = string.format("Breusch-Godfrey order 1 %s, order %d %s",
      C.pw(d.bg[1].p_value), d.bg[#d.bg].order, C.pw(d.bg[#d.bg].p_value))
  end
  if d.ljung_box then
    parts[#parts + 1] = string.format("Ljung-Box Q(%d) = %.2f, %s", d.max_lag,
      d.ljung_box.statistic, C.pw(d.ljung_box.p_value))
  end
  if d.acf then
    local sig = {}
    for l = 1, #d.acf.pacf do
      if math.abs(d.acf.pacf[l]) > d.acf.band then sig[#sig + 1] = tostring(l) end
    end
    parts[#parts + 1] = #sig == 0 and "no partial autocorrelation outside the 95% band"
      or ("partial autocorrelation outside the 95% band at lag(s) " .. table.concat(sig, ", "))
  end
  return table.concat(parts, "; ")
end

--- Single-series interrupted time series by segmented regression:
--   y_t = b0 + b1 _t + sum_j (b2j _x_j + b3j _x_t_j) + season + e_t
-- with _x_j = 1 from interruption j on and _x_t_j = _x_j (_t - T_j), so b2j
-- is the change in level at T_j and b3j the change in slope.  Gaussian
-- outcomes follow the guided autocorrelation workflow (OLS, then
-- Durbin-Watson, Breusch-Godfrey, ACF/PACF, Ljung-Box, then OLS, OLS with
-- Newey-West errors, or Prais-Winsten); counts can use a Poisson model
-- with a log link (quasi-Poisson errors by default).
-- @tparam table spec `data` (frame), `time`, `y` (columns), the
--   interruption(s), optional `frequency`, `format`, `exclude` (transition
--   periods), `from`, `to`, `season` ({type = "months"} or {type =
--   "harmonics", harmonics = K, period = 12}), `definition_change`,
--   `family` ("gaussian" or "poisson"; a negative binomial model is not
--   offered), `exposure` (Poisson: a column whose log is the offset),
--   `dispersion` (Poisson: "pearson", quasi-Poisson as R, the default; or
--   "fixed" at 1), `autocorrelation` ("auto", the default; "none": OLS
--   errors; "newey": Newey-West at the diagnosed lag; "prais";
--   {method = "newey", lag = L}; {method = "prais" | "corc"}), `max_lag`
--   (diagnostics), `inference` ("t" or "z"), `level`, `alpha` (0.05, for
--   the diagnostics), `bounds` ({0, 100}: warn when a counterfactual leaves them)
-- @treturn table fit (the final csc.model result), ols, method, choice
--   ({method, lag, reason}), diagnostics, periods (one row per period:
--   time, label, observed, included, post, fitted, fitted_se,
--   counterfactual, counterfactual_se, effect, effect_se, effect_lo,
--   effect_hi, effect_p; Poisson adds ratio, ratio_lo, ratio_hi), changes
--   (level and slope change per interruption: interruption, kind, term,
--   name, estimate, std_error, statistic, p_value, conf_low, conf_high),
--   the same rows under stable names (level_change_1, slope_change_1,
--   level_change_2, ...; level_change and slope_change are interruption
--   1's; fit.coefficients rows of those terms carry `name` too), trends,
--   notes, warnings
function M.segmented(spec)
  C.options("segmented", spec)
  local f = spec.data
  C.check_frame("segmented", f, "data")
  C.check_col("segmented", f, spec.time, "time")
  C.check_col("segmented", f, spec.y, "y")
  if spec.exposure ~= nil then C.check_col("segmented", f, spec.exposure, "exposure") end
  local family = C.choice("segmented", "family", spec.family, { "gaussian", "poisson" }, "gaussian")
  local inference = C.choice("segmented", "inference", spec.inference, { "t", "z" }, "t")
  local level = spec.level or 0.95
  local alpha = spec.alpha or 0.05
  local axis = C.axis{ frequency = spec.frequency, format = spec.format }
  -- Covariates (an adjustment set): columns, or a one-sided formula whose
  -- model-matrix columns (R's names) join the frame.
  local cov_names, cov_formula = {}, nil
  if formula.is_formula(spec.covariates) then
    cov_formula = spec.covariates
    cov_names, f = formula.covariates(cov_formula, f, { fn = "its.segmented", field = "covariates",
      extra = { spec.y, spec.time } })
  elseif spec.covariates ~= nil then
    if type(spec.covariates) ~= "table" then
      C.fail("segmented", "covariates", "expected a list of columns or a one-sided formula \"~ x + z\"")
    end
    for j, c in ipairs(spec.covariates) do
      C.check_col("segmented", f, c, string.format("covariates[%d]", j))
      cov_names[j] = c
    end
  end
  local cov_cols = {}
  for j, c in ipairs(cov_names) do cov_cols[j] = f:column(c) end
  -- The series, in time order.
  local tc, yc = f:column(spec.time), f:column(spec.y)
  local ec = spec.exposure and f:column(spec.exposure)
  local rows, seen = {}, {}
  for i = 1, #tc do
    local x, why = axis:num(tc[i])
    if x == nil then C.fail("segmented", "time", string.format("row %d: %s", i, why)) end
    if C.date_parts(tc[i]) then axis.dates = true end
    if seen[x] then
      C.fail("segmented", "time", string.format("rows %d and %d have the same time %s; one row per "
        .. "period is needed", seen[x], i, tostring(tc[i])), "analysis")
    end
    seen[x] = i
    local v = C.numeric(yc[i])
    if yc[i] ~= NA and v == nil then C.fail("segmented", "y", string.format("row %d: %s is not a number", i, tostring(yc[i]))) end
    local e = ec and C.numeric(ec[i])
    if ec and e ~= nil and e <= 0 then C.fail("segmented", "exposure", string.format("row %d: %s must be positive", i, tostring(ec[i]))) end
    rows[#rows + 1] = { x = x, y = v, e = e, row = i }
  end
  table.sort(rows, function(a, b) return a.x < b.x end)
  local times = {}
  for i, r in ipairs(rows) do times[i] = r.x end
  if #times == 0 then C.fail("segmented", "data", "no rows", "analysis") end
  axis:fix(times)
  local use, dropped = C.sample_mask("segmented", axis, times, spec)
  local brks = C.parse_breaks("segmented", axis, spec)
  local used = {}
  for p, r in ipairs(rows) do
    if use[p] and r.y ~= nil and (ec == nil or r.e ~= nil) then used[#used + 1] = p end
  end
  local xs_used = {}
  for i, p in ipairs(used) do xs_used[i] = times[p] end
  local notes, npre = C.check_segments("segmented", brks, xs_used)
  local X, xnames = C.period_covariates("segmented", axis, times, use, spec)
  -- the covariates enter the counterfactual at their observed values, so
  -- every period needs them
  for j, name in ipairs(cov_names) do
    local c = {}
    for p, r in ipairs(rows) do
      local v = C.numeric(cov_cols[j][r.row])
      if v == nil then
        C.fail("segmented", "covariates", string.format("covariate %s is missing or not a number at time %s "
          .. "(row %d); the counterfactual needs it in every period", name, tostring(tc[r.row]), r.row), "analysis")
      end
      c[p] = v
    end
    X[#X + 1], xnames[#xnames + 1] = c, name
  end
  local warnings = {}
  local npost = #used - npre
  if npre < 8 or npost < 8 then
    warnings[#warnings + 1] = string.format("Short series: %d observed periods before the interruption "
      .. "and %d after. With fewer than about 8 on either side, trends and autocorrelation are "
      .. "estimated imprecisely and the tests have little power.", npre, npost)
  end
  -- Design columns over all periods; `full` with the interruption terms,
  -- `cf` with them at 0 (the counterfactual).
  local terms, full, cf = { "_t" }, { {} }, { {} }
  for p, x in ipairs(times) do full[1][p] = axis:t(x); cf[1][p] = axis:t(x) end
  local bterm = {}   -- term -> {break, kind}
  for _, b in ipairs(brks) do
    local xcol, tcol = {}, {}
    for p, x in ipairs(times) do
      local post = x >= b.x - 1e-9 and 1 or 0
      xcol[p] = post
      tcol[p] = post * (axis:t(x) - b.t)
    end
    local zero = {}
    for p = 1, #times do zero[p] = 0 end
    if b.level then
      terms[#terms + 1] = "_x" .. b.suffix
      full[#full + 1], cf[#cf + 1] = xcol, zero
      bterm[#terms] = { b = b, kind = "level" }
    end
    if b.slope then
      terms[#terms + 1] = "_x_t" .. b.suffix
      full[#full + 1], cf[#cf + 1] = tcol, zero
      bterm[#terms] = { b = b, kind = "slope" }
    end
  end
  for j, c in ipairs(X) do
    terms[#terms + 1] = xnames[j]
    full[#full + 1], cf[#cf + 1] = c, c
  end
  -- A column built here (the time count, the break dummies and ramps, the
  -- season and definition-change columns) that is constant over the rows
  -- fitted is collinear with the intercept (csc.its.core.check_constant):
  -- they have unit scale, so a spread below 1e-9 is rounding, and a
  -- harmonic that is zero up to rounding would pass a scale-free rank test.
  -- The recipe's covariates (the last #cov_names terms) are left to the
  -- fit's QR rank test, as in model.ols and model.glm and R's lm and glm:
  -- it aliases a constant plus rounding noise and keeps a covariate on a
  -- tiny scale (tests/lua/test_rank_models.lua).
  local built, built_cols = {}, {}
  for j = 1, #terms - #cov_names do built[j], built_cols[j] = terms[j], full[j] end
  C.check_constant("segmented", built, built_cols, used)
  local function make_frame(cols, rowset, with_y)
    local names, columns = {}, {}
    for j, t in ipairs(terms) do
      names[j] = t
      local col = {}
      for i, p in ipairs(rowset) do col[i] = cols[j][p] end
      columns[j] = col
    end
    if with_y then
      local yv, off = {}, {}
      for i, p in ipairs(rowset) do yv[i] = rows[p].y; off[i] = rows[p].e and math.log(rows[p].e) or 0 end
      names[#names + 1], columns[#columns + 1] = "_y", yv
      names[#names + 1], columns[#columns + 1] = "_offset", off
    end
    return hframe.new{ names = names, columns = columns }
  end
  -- The first fit judges the recipe's covariates by the QR's rank test: a
  -- covariate it finds collinear is reported under the covariates field
  -- (so a design points at the recipe's line), other errors as they come.
  local is_cov = {}
  for _, c in ipairs(cov_names) do is_cov[c] = true end
  -- A design column's name in words: "_def2015" is the definition change at 2015.
  local function term_words(name)
    local sfx = name:match("^_x_t(.+)$")
    if sfx then return "the slope change at " .. sfx end
    sfx = name:match("^_x(.+)$")
    if sfx then return "the level change at " .. sfx end
    sfx = name:match("^_def(.+)$")
    if sfx then return "the definition change at " .. sfx end
    if name == "_t" then return "the time trend" end
    return name
  end
  local function covariate_fit(run)
    local ok, r = pcall(run)
    if ok then return r end
    -- the aliased columns as the error gives them (csc.model), not from its words
    local col
    for _, c in ipairs(type(r) == "table" and r.reason == "collinear" and r.columns or {}) do
      if is_cov[c] then col = col or c end
    end
    if col then
      C.fail("segmented", "covariates", string.format("covariate %s is collinear with the design's columns (the "
        .. "intercept, time, step and ramp terms and any other covariate) over the %d periods fitted, up to "
        .. "rounding: a constant, or a combination of them; drop it", col, #used), "analysis")
    end
    if type(r) == "table" and r.reason == "collinear" and r.columns then
      -- the design's own columns (steps, ramps, definition changes): not a
      -- field of the caller's, so no field; what each repeats, in words
      local rel = {}
      for i, t in ipairs(r.relations or r.columns) do rel[i] = t:gsub("_[%w_]+", term_words) end
      errors.throw({ kind = "analysis", fn = "its.segmented", reason = "collinear", columns = r.columns,
        detail = string.format("the design's columns are collinear over the %d periods fitted: %s. "
          .. "Typically an interruption with no period after it in the sample, a slope change with a single "
          .. "post period, or a definition change in the same period as an interruption; move or drop one "
          .. "of them", #used, table.concat(rel, "; ")) })
    end
    error(r, 0)
  end
  local est = make_frame(full, used, true)
  local all = {}
  for p = 1, #times do all[p] = p end
  local res = { terms = terms, notes = notes, warnings = warnings, dropped = dropped, breaks = brks,
    axis = axis, family = family, n = #used, n_pre = npre, n_post = npost, xnames = xnames,
    covariates = cov_names, covariates_formula = cov_formula }
  local fit
  local ac = spec.autocorrelation or "auto"
  if family == "gaussian" then
    local ols = covariate_fit(function() return model.ols{ data = est, y = "_y", x = terms, level = level } end)
    res.ols = ols
    local max_lag = spec.max_lag
    if max_lag == nil then
      local cap = (axis.dates and (axis.frequency == nil or axis.frequency == "month")) and 12
        or (axis.frequency == "quarter" and 4) or 3
      max_lag = math.max(1, math.min(cap, #used // 4, #used - #terms - 2))
    end
    local d = diagnose(ols, max_lag, alpha)
    res.diagnostics = d
    local words = diag_words(d)
    local method, lag, reason
    local want = type(ac) == "table" and ac.method or ac
    want = C.choice("segmented", "autocorrelation", want, { "auto", "none", "newey", "prais", "corc" }, "auto")
    if want == "auto" then
      if not d.any then
        method, lag = "ols", 0
        reason = "The OLS residuals show no sign of autocorrelation (" .. words .. "), so ordinary "
          .. "least-squares standard errors are used."
      elseif d.ar1 and d.lstar <= 1 then
        method = "prais"
        reason = "The OLS residuals are autocorrelated with the pattern of first-order "
          .. "autoregressive errors: the partial autocorrelation has a single spike at lag 1 ("
          .. words .. "). The model is therefore refitted by Prais-Winsten, which estimates "
          .. "that correlation (rho) and allows for it in both the coefficients and their standard errors."
      else
        lag = math.max(d.lstar, 1)
        method = "newey"
        reason = string.format("The OLS residuals are autocorrelated (%s). Newey-West standard "
          .. "errors with lag %d are used: the coefficients stay those of OLS, and their standard "
          .. "errors allow for correlation between residuals up to %d period%s apart (the lag is "
          .. "the highest lag at which the residuals' partial autocorrelation is significant, "
          .. "following Linden's advice for itsa%s).",
          words, lag, lag, lag == 1 and "" or "s", d.lag_wanted > lag and string.format(", capped "
          .. "at %d by the Newey-West rule of thumb for %d observations: the partial "
          .. "autocorrelation reaches lag %d", d.lag_cap, #ols.resid, d.lag_wanted) or "")
      end
    elseif want == "none" then
      method, lag = "ols", 0
      reason = "Ordinary least-squares standard errors, as the recipe asks (" .. words .. ")."
    elseif want == "newey" then
      method = "newey"
      lag = type(ac) == "table" and ac.lag or math.max(d.lstar, 1)
      if math.type(lag) ~= "integer" or lag < 0 then C.failn("segmented", "autocorrelation.lag", "autocorrelation.lag must be a whole number >= 0") end
      reason = string.format("Newey-West standard errors with lag %d, as the recipe asks (%s).", lag, words)
    else
      method = want
      reason = (want == "corc" and "Cochrane-Orcutt" or "Prais-Winsten")
        .. " estimation with AR(1) errors, as the recipe asks (" .. words .. ")."
    end
    if method == "ols" then
      fit, res.method = ols, "OLS"
    elseif method == "newey" then
      fit = model.ols{ data = est, y = "_y", x = terms, vcov = "HAC", lag = lag, level = level }
      res.method = string.format("OLS with Newey-West standard errors (lag %d)", lag)
    else
      fit = model.prais{ data = est, y = "_y", x = terms, method = method == "corc" and "corc" or "prais",
        level = level }
      res.method = (method == "corc" and "Cochrane-Orcutt" or "Prais-Winsten")
        .. string.format(" (rho = %.3f)", fit.rho)
    end
    res.choice = { method = method, lag = lag, reason = reason }
    if d.any and method == "ols" then
      warnings[#warnings + 1] = "The residuals look autocorrelated but OLS standard errors were "
        .. "asked for; they are then too small."
    end
  else
    if type(ac) == "table" or (ac ~= "auto" and ac ~= "none") then
      C.fail("segmented", "autocorrelation", "Newey-West and Prais-Winsten are for the gaussian family; "
        .. "a Poisson model here uses quasi-Poisson errors (dispersion = \"pearson\")")
    end
    local disp = C.choice("segmented", "dispersion", spec.dispersion, { "pearson", "fixed" }, "pearson")
    local g = covariate_fit(function()
      return model.poisson{ data = est, y = "_y", x = terms, offset = "_offset", level = level }
    end)
    local yv = est:column("_y")
    local phi = model.pearson_dispersion(g)   -- as model.poisson{dispersion = "pearson"}
    res.dispersion = phi
    local pr = {}
    for i = 1, #yv do pr[i] = (yv[i] - g.fitted[i]) / math.sqrt(g.fitted[i]) end
    local max_lag = spec.max_lag or math.max(1, math.min(12, #used // 4))
    local oka, acf = pcall(model.acf, { series = pr, lag_max = max_lag })
    local okl, lb = pcall(model.ljung_box, { series = pr, lag = max_lag })
    res.diagnostics = { acf = oka and acf or nil, ljung_box = okl and lb or nil, max_lag = max_lag,
      alpha = alpha, bg = {}, dispersion = phi }
    if disp == "pearson" then
      fit = C.reinfer(g, phi, g.df_resid)
      res.method = string.format("quasi-Poisson regression, log link (dispersion %.2f)", phi)
    else
      fit = g
      res.method = "Poisson regression, log link"
      if phi > 1.5 then
        warnings[#warnings + 1] = string.format("The counts are overdispersed (Pearson dispersion %.2f): "
          .. "Poisson standard errors are too small; use dispersion = \"pearson\".", phi)
      end
    end
    local lbw = okl and string.format("Ljung-Box Q(%d) of the Pearson residuals %s", max_lag, C.pw(lb.p_value)) or "no Ljung-Box test"
    res.choice = { method = "poisson", lag = 0, reason = string.format("Counts are modelled with a "
      .. "log-linear Poisson regression%s. Pearson dispersion %.2f; %s. Newey-West and Prais-Winsten "
      .. "are not offered for counts, and a negative binomial model is not offered: "
      .. "quasi-Poisson errors allow for overdispersion with the same mean model.",
      spec.exposure and (" with log(" .. spec.exposure .. ") as offset") or "", phi, lbw) }
    if okl and lb.p_value < alpha then
      warnings[#warnings + 1] = string.format("The Pearson residuals are autocorrelated (%s): the "
        .. "Poisson standard errors ignore this. Consider modelling the rate with family = \"gaussian\".", lbw)
    end
  end
  if inference == "z" and fit.df ~= math.huge then fit = C.reinfer(fit, nil, math.huge) end
  if inference == "t" and fit.df == math.huge and family == "gaussian" then fit = C.reinfer(fit, nil, #used - #terms - 1) end
  res.fit = fit
  res.dist = fit.df == math.huge and "z" or "t"
  -- Lines: fitted and counterfactual for every period, effect after the interruption.
  local k = #fit.coef
  local function row_vec(cols, p)
    local c = { 1 }
    for j = 1, #terms do c[j + 1] = cols[j][p] end
    return c
  end
  res.periods = {}
  for p, x in ipairs(times) do
    local r = rows[p]
    local xf, xc = row_vec(full, p), row_vec(cf, p)
    local off = (family == "poisson" and r.e) and math.log(r.e) or 0
    local lf, lc = C.lincom_vec(fit, xf), C.lincom_vec(fit, xc)
    local row = { time = x, label = axis:label(x), observed = r.y, included = use[p] and r.y ~= nil,
      post = x >= brks[1].x - 1e-9 }
    local dvec = {}
    for j = 1, k do dvec[j] = xf[j] - xc[j] end
    if family == "gaussian" then
      row.fitted, row.fitted_se = lf.estimate, lf.std_error
      row.counterfactual, row.counterfactual_se = lc.estimate, lc.std_error
      row.counterfactual_lo, row.counterfactual_hi = lc.conf_low, lc.conf_high
      if row.post then
        local e = C.lincom_vec(fit, dvec)
        row.effect, row.effect_se, row.effect_lo, row.effect_hi, row.effect_p =
          e.estimate, e.std_error, e.conf_low, e.conf_high, e.p_value
      end
    else
      -- Counts: exp of the linear predictor plus the offset; the effect is
      -- fitted - counterfactual by the delta method, the ratio exp(c'b).
      local mf, mc = math.exp(lf.estimate + off), math.exp(lc.estimate + off)
      row.fitted, row.counterfactual = mf, mc
      row.fitted_se, row.counterfactual_se = mf * lf.std_error, mc * lc.std_error
      row.counterfactual_lo = math.exp(lc.conf_low + off)
      row.counterfactual_hi = math.exp(lc.conf_high + off)
      if row.post then
        local g = {}
        for j = 1, k do g[j] = mf * xf[j] - mc * xc[j] end
        local e = C.lincom_vec(fit, g, mf - mc)
        row.effect, row.effect_se, row.effect_lo, row.effect_hi, row.effect_p =
          e.estimate, e.std_error, e.conf_low, e.conf_high, e.p_value
        local lr = C.lincom_vec(fit, dvec)
        row.ratio, row.ratio_lo, row.ratio_hi = math.exp(lr.estimate), math.exp(lr.conf_low), math.exp(lr.conf_high)
        row.ratio_p = lr.p_value
      end
    end
    res.periods[p] = row
  end
  -- Level and slope changes, and the slope of each segment (itsa posttrend).
  res.changes, res.trends = {}, {}
  for j, t in ipairs(terms) do
    local bt = bterm[j]
    if bt then
      local c = fit.coefficients[j + 1]
      res.changes[#res.changes + 1] = { interruption = bt.b.name, kind = bt.kind, term = t,
        estimate = c.estimate, std_error = c.std_error, statistic = c.statistic, p_value = c.p_value,
        conf_low = c.conf_low, conf_high = c.conf_high, index = bt.b.index }
      c.name = string.format("%s_change_%d", bt.kind, bt.b.index)
    end
  end
  C.name_changes(res, res.changes)
  local w = { _t = 1 }
  local function trend(name)
    res.trends[#res.trends + 1] = C.trend_row(name, fit:lincom(util.copy(w)), res.notes)
  end
  trend("before " .. brks[1].name)
  for _, b in ipairs(brks) do
    if b.slope then w["_x_t" .. b.suffix] = 1 end
    trend("from " .. b.name)
  end
  if spec.bounds ~= nil then
    local lo, hi = spec.bounds[1], spec.bounds[2]
    for _, row in ipairs(res.periods) do
      if row.post and row.counterfactual and ((lo and row.counterfactual_lo < lo) or (hi and row.counterfactual_hi > hi)) then
        warnings[#warnings + 1] = string.format("The counterfactual's confidence interval leaves the "
          .. "range %s to %s from %s on: a straight-line projection of a bounded measure is not "
          .. "credible that far; read the later effects with care (or model the logit).",
          util.fmt_number(lo), util.fmt_number(hi), row.label)
        break
      end
    end
  end
  return res
end


return M
