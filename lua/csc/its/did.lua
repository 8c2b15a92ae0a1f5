--- Difference-in-differences (2x2, two-way fixed effects) and the event
-- study, on csc.its panels; fits through csc.model.  Not a public module;
-- recipes use csc.its.
-- @module csc.its.did
local hframe = require("host.frame")
local model = require("csc.model")
local C = require("csc.its.core")
local Panel = require("csc.its.panel").Panel

local M = {}

-- ===== Difference-in-differences =====

local DID_LIST = { "panel", "treated", "start", "comparators", "exclude", "from", "to",
  "level", "cluster_df", "leads", "lags", "reference", "bin", "placebo", "vcov", "covariates" }
C.declare("did", DID_LIST)
C.declare("event_study", DID_LIST)

-- Units, rows and dummies shared by did and event_study.
local function did_setup(fn, spec)
  C.options(fn, spec)
  local P = spec.panel
  if getmetatable(P) ~= Panel then C.failn(fn, "panel", "panel must be an its.panel{...}") end
  local tlist = type(spec.treated) == "table" and spec.treated or { spec.treated }
  if #tlist == 0 then C.fail(fn, "treated", "give the treated unit's code") end
  local treated, tset = {}, {}
  for i, c in ipairs(tlist) do
    local u = P:unit(c, fn, type(spec.treated) == "table" and string.format("treated[%d]", i) or "treated")
    treated[#treated + 1] = u
    tset[u] = true
  end
  local comps = {}
  if spec.comparators ~= nil then
    for i, c in ipairs(spec.comparators) do
      local u = P:unit(c, fn, string.format("comparators[%d]", i))
      if tset[u] then C.fail(fn, string.format("comparators[%d]", i), C.key(c) .. " is treated") end
      comps[#comps + 1] = u
    end
  else
    for u = 1, #P.units do if not tset[u] then comps[#comps + 1] = u end end
  end
  if #comps == 0 then C.fail(fn, "comparators", "no comparison units") end
  if spec.start == nil then C.fail(fn, "start", "give the first period of the intervention (start = 2019)") end
  local sx, why = P.axis:num(spec.start)
  if sx == nil then C.fail(fn, "start", why) end
  local use = C.sample_mask(fn, P.axis, P.times, spec)
  -- an adjustment set: covariates of the panel (its.panel{covariates =
  -- ...}); a row missing one is left out
  local covs = {}
  if spec.covariates ~= nil and type(spec.covariates) ~= "table" then
    C.fail(fn, "covariates", "expected a list of the panel's covariates")
  end
  for i, name in ipairs(spec.covariates or {}) do
    if P.covariates[name] == nil then
      C.fail(fn, string.format("covariates[%d]", i), string.format("%s is not a covariate of the panel (give it "
        .. "in its.panel{covariates = {...}})", tostring(name)))
    end
    covs[i] = { name = name, Y = P.covariates[name].Y }
  end
  local function covs_present(u, p)
    for _, c in ipairs(covs) do if C.isnan(c.Y[u][p]) then return false end end
    return true
  end
  local units = {}
  for _, u in ipairs(treated) do units[#units + 1] = u end
  for _, u in ipairs(comps) do units[#units + 1] = u end
  local rows = {}
  local npre, npost = 0, 0
  for _, u in ipairs(units) do
    for p, x in ipairs(P.times) do
      if use[p] and not C.isnan(P.Y[u][p]) and covs_present(u, p) then
        rows[#rows + 1] = { u = u, p = p, y = P.Y[u][p], treat = tset[u] and 1 or 0,
          post = x >= sx - 1e-9 and 1 or 0, rel = math.floor(P.axis:t(x) - P.axis:t(sx) + 0.5) }
        if tset[u] then
          if x >= sx - 1e-9 then npost = npost + 1 else npre = npre + 1 end
        end
      end
    end
  end
  if npre == 0 or npost == 0 then
    C.fail(fn, "start", string.format("the treated unit has %d observed periods before %s and %d from it; "
      .. "both are needed", npre, P.axis:label(sx), npost), "analysis")
  end
  local cdf = C.choice(fn, "cluster_df", spec.cluster_df, { "clusters", "residual" }, "clusters")
  local vcov = C.choice(fn, "vcov", spec.vcov, { "CR1", "HC1", "classical" }, "CR1")
  local notes = {}
  if vcov == "CR1" and #treated == 1 then
    notes[#notes + 1] = "There is one treated unit, so every clustered standard error of a "
      .. "treated-only term rests on a single cluster: it is unreliable (usually too small), and "
      .. "joint tests of several such terms are not defined. Read the placebo-in-space ranking "
      .. "instead (Conley and Taber 2011; MacKinnon and Webb 2017)."
  end
  return { P = P, treated = treated, tset = tset, comps = comps, units = units, rows = rows,
    use = use, sx = sx, level = spec.level or 0.95, cluster_df = cdf, vcov = vcov, notes = notes, covs = covs }
end

-- A frame of the rows with the given extra columns (name -> function(row)).
-- With fe, two-way fixed effects: period dummies (the first left out) and
-- every column (y included) demeaned within units, which absorbs the unit
-- effects exactly (Frisch-Waugh-Lovell) without a dummy per unit.
local function did_frame(S, cols, fe)
  local names, columns, xs = { "_y", "_cluster" }, { {}, {} }, {}
  for i, r in ipairs(S.rows) do
    columns[1][i] = r.y
    columns[2][i] = S.P.units[r.u]
  end
  local function add(name, col)
    names[#names + 1], columns[#columns + 1], xs[#xs + 1] = name, col, name
  end
  for _, c in ipairs(cols) do
    local col = {}
    for i, r in ipairs(S.rows) do col[i] = c.f(r) end
    add(c.name, col)
  end
  for _, c in ipairs(S.covs) do
    local col = {}
    for i, r in ipairs(S.rows) do col[i] = c.Y[r.u][r.p] end
    add(c.name, col)
  end
  if fe then
    local first = true
    for p = 1, #S.P.times do
      if S.use[p] then
        if first then first = false else
          local col = {}
          for i, r in ipairs(S.rows) do col[i] = r.p == p and 1 or 0 end
          add("_period" .. S.P.axis:suffix(S.P.times[p]), col)
        end
      end
    end
    local sum, cnt = {}, {}
    for _, r in ipairs(S.rows) do cnt[r.u] = (cnt[r.u] or 0) + 1 end
    for j = 1, #columns do
      if j ~= 2 then
        local col = columns[j]
        for k in pairs(cnt) do sum[k] = 0 end
        for i, r in ipairs(S.rows) do sum[r.u] = sum[r.u] + col[i] end
        for i, r in ipairs(S.rows) do col[i] = col[i] - sum[r.u] / cnt[r.u] end
      end
    end
  end
  return hframe.new{ names = names, columns = columns, types = { _cluster = "text" } }, xs
end

-- OLS with the design's errors.  With fe the fit is the within regression
-- (no intercept); its covariance is rescaled to Stata xtreg, fe's
-- conventions: CR1's (n-1)/(n-k) with k the regressors plus the constant
-- (unit effects nested in the clusters are not counted, as xtreg, reghdfe
-- and fixest), classical and HC1 with the unit effects counted.
local function did_fit(fn, S, frame_, xs, fe)
  local ok, fit = pcall(model.ols, { data = frame_, y = "_y", x = xs, vcov = S.vcov,
    cluster = S.vcov == "CR1" and "_cluster" or nil, level = S.level, intercept = not fe })
  if not ok then
    local e = errors.from_host(fit, "model.ols")
    if S.vcov == "CR1" and e.reason == "negative_variance" then
      C.fail(fn, "comparators", string.format("the clustered covariance is degenerate with %d units "
        .. "(clusters) for %d coefficients; use more comparison units or vcov = \"HC1\"",
        #S.units, #xs + (fe and 0 or 1)))
    end
    C.failn(fn, nil, e.msg, e.kind)
  end
  local G = fit.n_clusters or #S.units
  local n, kw = fit.n, #xs
  local scale, df = 1, nil
  if fe then
    local nunits = #S.units
    local df_full = n - kw - nunits            -- residual df with the unit effects counted
    if S.vcov == "CR1" then scale = (n - kw) / (n - kw - 1)
    elseif S.vcov == "HC1" then scale = (n - kw) / df_full
    else scale = (n - kw) / df_full end        -- sigma^2 on the full model's df
    df = df_full
  end
  if S.vcov == "CR1" and S.cluster_df == "clusters" then df = G - 1 end
  if scale ~= 1 or df ~= nil then fit = C.reinfer(fit, scale, df or fit.df) end
  fit.n_clusters = G
  return fit
end

local function coef_row(fit, term)
  for _, c in ipairs(fit.coefficients) do
    if c.term == term then
      return { estimate = c.estimate, std_error = c.std_error, statistic = c.statistic,
        p_value = c.p_value, conf_low = c.conf_low, conf_high = c.conf_high, df = fit.df }
    end
  end
end

--- Difference-in-differences: the 2x2 regression
--   y = b0 + b1 treat + b2 post + b3 treat x post
-- and two-way fixed effects  y = unit + period + b treat x post,  both by
-- OLS with standard errors clustered by unit (CR1: G/(G-1) (n-1)/(n-k), as
-- Stata regress, vce(cluster) and sandwich::vcovCL type HC1), tested on
-- G - 1 degrees of freedom (Stata's convention; `cluster_df = "residual"`
-- uses n - k, as R lmtest::coeftest).
-- @tparam table spec `panel`, `treated` (code or codes), `start` (first
--   treated period), optional `comparators` (default every other unit),
--   `exclude`, `from`, `to`, `level`, `cluster_df`, `vcov` ("CR1", the
--   default; "HC1" or "classical"), `placebo` (true: the 2x2 estimate with
--   each comparator as if treated, ranked against the treated units'
--   average estimate)
-- @treturn table two_by_two and twfe ({estimate, std_error, statistic,
--   p_value, conf_low, conf_high, df}), fit_2x2, fit_twfe, n, clusters,
--   means (pre and post means of both groups), placebo ({rows (code, name,
--   role, treated, ranked, estimate), rank, n, p_two, estimate (the ranked
--   treated estimate), n_treated, note}), notes
function M.did(spec)
  local S = did_setup("did", spec)
  local f2, xs2 = did_frame(S, {
    { name = "_treat", f = function(r) return r.treat end },
    { name = "_post", f = function(r) return r.post end },
    { name = "_treat_post", f = function(r) return r.treat * r.post end },
  }, false)
  local fit2 = did_fit("did", S, f2, xs2, false)
  local ffe, xsfe = did_frame(S, { { name = "_treat_post", f = function(r) return r.treat * r.post end } }, true)
  local fitfe = did_fit("did", S, ffe, xsfe, true)
  local res = { two_by_two = coef_row(fit2, "_treat_post"), twfe = coef_row(fitfe, "_treat_post"),
    fit_2x2 = fit2, fit_twfe = fitfe, n = fit2.n, clusters = fit2.n_clusters,
    start = S.P.axis:label(S.sx), notes = S.notes, vcov = S.vcov }
  -- Group means (unweighted over rows), for the report.
  local m = { { 0, 0 }, { 0, 0 } }
  local c = { { 0, 0 }, { 0, 0 } }
  for _, r in ipairs(S.rows) do
    m[r.treat + 1][r.post + 1] = m[r.treat + 1][r.post + 1] + r.y
    c[r.treat + 1][r.post + 1] = c[r.treat + 1][r.post + 1] + 1
  end
  res.means = { comparators_pre = m[1][1] / c[1][1], comparators_post = m[1][2] / c[1][2],
    treated_pre = m[2][1] / c[2][1], treated_post = m[2][2] / c[2][2] }
  if spec.placebo then
    -- Each comparator as if treated, the other comparators as controls: the
    -- 2x2 difference of unit-level pre/post means (equal to TWFE with one
    -- treated unit on a balanced panel).
    local d = {}
    for _, u in ipairs(S.units) do
      local s0, n0, s1, n1 = 0, 0, 0, 0
      for _, r in ipairs(S.rows) do
        if r.u == u then
          if r.post == 1 then s1, n1 = s1 + r.y, n1 + 1 else s0, n0 = s0 + r.y, n0 + 1 end
        end
      end
      d[u] = (n0 > 0 and n1 > 0) and (s1 / n1 - s0 / n0) or nil
    end
    -- The treated estimate ranked is the average over the treated units:
    -- mean of their d minus the comparators' mean d (the 2x2 estimate on a
    -- balanced panel).  Each treated unit's own estimate is listed, not
    -- ranked.  Each placebo is one comparator against the others.
    local function mean_d(list, skip)
      local s, n = 0, 0
      for _, v in ipairs(list) do if v ~= skip and d[v] ~= nil then s, n = s + d[v], n + 1 end end
      return n > 0 and s / n or nil
    end
    local cbar = mean_d(S.comps)
    local rows = {}
    for _, u in ipairs(S.treated) do
      rows[#rows + 1] = { code = S.P.units[u], name = S.P.names[S.P.units[u]], treated = true,
        role = #S.treated > 1 and "treated unit" or "treated", ranked = #S.treated == 1,
        estimate = (d[u] ~= nil and cbar ~= nil) and (d[u] - cbar) or nil }
    end
    local tbar = mean_d(S.treated)
    local t0 = (tbar ~= nil and cbar ~= nil) and (tbar - cbar) or nil
    if t0 == nil then
      C.fail("did", "placebo", "the treated units have no observed periods on both sides of the start", "analysis")
    end
    if #S.treated > 1 then
      rows[#rows + 1] = { code = "average", name = string.format("average of the %d treated units", #S.treated),
        treated = true, role = "treated (average)", ranked = true, estimate = t0 }
    end
    for _, u in ipairs(S.comps) do
      local m = mean_d(S.comps, u)
      rows[#rows + 1] = { code = S.P.units[u], name = S.P.names[S.P.units[u]], treated = false,
        role = "placebo", ranked = true, estimate = (d[u] ~= nil and m ~= nil) and (d[u] - m) or nil }
    end
    local ge, n = 0, 0
    for _, r in ipairs(rows) do
      if r.ranked and r.estimate then
        n = n + 1
        if math.abs(r.estimate) >= math.abs(t0) - 1e-12 * math.abs(t0) then ge = ge + 1 end
      end
    end
    res.placebo = { rows = rows, rank = ge, n = n, p_two = ge / n, estimate = t0,
      n_treated = #S.treated }
    if #S.treated > 1 then
      res.placebo.note = string.format("Placebo-in-space with %d treated units: the estimate ranked is "
        .. "their average (the 2x2 estimate), among %d placebo estimates of one comparator each. An "
        .. "average of %d units varies less than one unit's estimate, so the ranking is conservative "
        .. "(the permutation p-value is if anything too large).", #S.treated, n - 1, #S.treated)
      res.notes[#res.notes + 1] = res.placebo.note
    end
  end
  return res
end

--- Event study: two-way fixed effects with a dummy for each period
-- relative to the start (k = -leads..lags, k = reference left out; with
-- `bin` the end dummies also take the periods beyond them), standard
-- errors clustered by unit, and the joint Wald test that every lead
-- (k < reference... k <= -2) is zero: the pre-trend test.  With CR1 and no
-- more treated units than leads the test is not defined and is not
-- computed (pretrend.defined = false, with the reason in words).
-- @tparam table spec as `did`, plus `leads` (3), `lags` (3), `reference`
--   (-1), `bin` (true)
-- @treturn table rows ({k, term, estimate, std_error, p_value, conf_low,
--   conf_high}), pretrend ({defined = true, F, df1, df2, p_value, chi2,
--   p_chi2}, or {defined = false, reason, note}), fit
function M.event_study(spec)
  local S = did_setup("event_study", spec)
  local leads, lags, ref = spec.leads or 3, spec.lags or 3, spec.reference or -1
  if math.type(leads) ~= "integer" or leads < 1 then C.failn("event_study", "leads", "leads must be a whole number >= 1") end
  if math.type(lags) ~= "integer" or lags < 0 then C.failn("event_study", "lags", "lags must be a whole number >= 0") end
  if math.type(ref) ~= "integer" or ref < -leads or ref > lags then
    C.failn("event_study", "reference", "reference must be a whole number between -leads and lags")
  end
  local bin = spec.bin ~= false
  if not bin then
    local kept = {}
    for _, r in ipairs(S.rows) do
      if r.treat == 0 or (r.rel >= -leads and r.rel <= lags) then kept[#kept + 1] = r end
    end
    S.rows = kept
  end
  local cols, ks = {}, {}
  for k = -leads, lags do
    if k ~= ref then
      local name = k < 0 and ("_lead" .. -k) or ("_lag" .. k)
      ks[#ks + 1] = { k = k, term = name }
      cols[#cols + 1] = { name = name, f = function(r)
        if r.treat == 0 then return 0 end
        local rel = r.rel
        if rel < -leads then rel = -leads elseif rel > lags then rel = lags end
        return rel == k and 1 or 0
      end }
    end
  end
  local fr, xs = did_frame(S, cols, true)
  local fit = did_fit("event_study", S, fr, xs, true)
  local rows, R = {}, {}
  for _, kk in ipairs(ks) do
    local c = coef_row(fit, kk.term)
    c.k, c.term = kk.k, kk.term
    rows[#rows + 1] = c
    if kk.k < ref then R[#R + 1] = { [kk.term] = 1 } end
  end
  local pre
  if #R > 0 then
    -- With clustered errors the leads are treated-only terms: their joint
    -- covariance rests on the treated clusters, so with no more treated
    -- clusters than leads the Wald test is not defined.  Rounding can still
    -- make the matrix invertible and give a (meaningless) F and p, so the
    -- test is refused up front rather than when the inversion fails.
    local ok, w
    if S.vcov == "CR1" and #S.treated <= #R then
      ok, w = false, nil
    else
      ok, w = pcall(fit.wald, fit, R)
    end
    if ok then
      pre = { F = w.F, df1 = w.df1, df2 = w.df2, p_value = w.p_F, chi2 = w.chi2, p_chi2 = w.p_chi2,
        defined = true }
    elseif S.vcov == "CR1" and #S.treated <= #R then
      pre = { defined = false, reason = string.format("%d treated cluster%s for %d lead terms",
          #S.treated, #S.treated == 1 and "" or "s", #R),
        note = string.format("The joint pre-trend test is not defined: the clustered "
        .. "covariance of the %d lead terms rests on %d treated cluster%s, so it has rank %d at "
        .. "most. Use fewer leads, vcov = \"HC1\", or the placebo-in-space ranking.", #R,
        #S.treated, #S.treated == 1 and "" or "s", #S.treated) }
    else
      pre = { defined = false, reason = "the clustered covariance is singular",
        note = string.format("The joint pre-trend test could not be computed (%s): with %d "
        .. "clusters for %d coefficients the clustered covariance has rank %d at most.",
        (tostring(w):gsub("^.-wald: ", "")), fit.n_clusters, #fit.coef, fit.n_clusters - 1) }
    end
  end
  return { rows = rows, pretrend = pre, fit = fit, reference = ref, leads = leads, lags = lags,
    n = fit.n, clusters = fit.n_clusters, notes = S.notes, vcov = S.vcov }
end

return M
