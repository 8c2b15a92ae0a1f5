-- csc.model through host.model: the Lua surface of the regression and
-- time-series code, against the R reference values in
-- tests/reference/models/expected.csv (make_models.R).  The C tests
-- (tests/c/test_linreg.c, test_glm.c, test_prais.c, test_tsdiag.c) check
-- the numerics in depth; here the point is that the right numbers reach
-- the recipe and that mistakes are reported naming the field.
-- Tolerance 1e-8 relative throughout (closed form, or the C test shows the
-- iterative fits agree with R to 1e-13), except GLMs: 1e-6 (iterative).
local H = ...
local model = require("csc.model")
local hframe = require("host.frame")

local DIR = "tests/reference/models/"

-- expected.csv as ref[case][quantity] = {values in index order}.
local ref = {}
do
  local fh = assert(io.open(DIR .. "expected.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, q, _, v = line:match("^([^,]*),([^,]*),([^,]*),([^,]*)$")
    if c then
      ref[c] = ref[c] or {}
      ref[c][q] = ref[c][q] or {}
      local t = ref[c][q]
      t[#t + 1] = v == "NA" and 0 / 0 or v == "TRUE" and 1 or v == "FALSE" and 0 or tonumber(v)
    end
  end
  fh:close()
end

local function load(name) return hframe.read_csv(DIR .. name .. ".csv") end
local ts18, ar2 = load("ts18"), load("ar2")

local function se_of(case, k)
  local V, se = ref[case].vcov or ref[case].vcov_classical, {}
  for j = 1, k do se[j] = math.sqrt(V[(j - 1) * k + j]) end
  return se
end

-- ===== OLS and GLM =====

H.case("model.ols on ts18 matches lm() and keeps the terms in order", function()
  local fit = model.ols{ data = ts18, y = "y", x = { "x" } }
  H.eq(fit.terms, { "(Intercept)", "x" })
  H.eq(fit.coef, ref.ts18.coef, 1e-8)
  H.eq(fit.se, se_of("ts18", 2), 1e-8)
  H.eq(fit.r2, ref.ts18.r2[1], 1e-8)
  H.eq(fit.coefficients[2].term, "x")
  H.eq(fit.n, 18)
end)

H.case("model.ols with vcov = HAC matches NeweyWest(lag = 2)", function()
  local fit = model.ols{ data = ts18, y = "y", x = { "x" }, vcov = "HAC", lag = 2 }
  H.eq({ fit.vcov[1][1], fit.vcov[1][2], fit.vcov[2][1], fit.vcov[2][2] }, ref.ts18.vcov_NW2, 1e-8)
  local lc = fit:lincom{ x = 1, value = 1 }
  H.eq({ lc.estimate, lc.std_error, lc.statistic, lc.p_value, lc.conf_low, lc.conf_high },
    ref.ts18.lincom, 1e-8)
end)

H.case("model.logit matches glm(binomial)", function()
  local fit = model.logit{ data = load("logit"), y = "y", x = { "x1", "x2", "d" } }
  H.eq(fit.coef, ref.logit.coef, 1e-6)
  H.eq(fit.iter, ref.logit.iter[1])
  H.eq(fit.dist, "z")
end)

H.case("a result's per-row vectors become arrays when first read, and outlive the fit", function()
  local d = load("logit")
  local fit = model.logit{ data = d, y = "y", x = { "x1", "x2", "d" } }
  local ols = model.ols{ data = d, y = "x1", x = { "x2" } }
  H.eq(rawget(fit, "fitted"), nil)          -- not made until read
  collectgarbage("collect")                -- the fit's memory is kept for them
  local eta, mu = fit.linear_predictor, fit.fitted
  H.eq(type(mu), "table")
  H.eq(#mu, fit.n)
  H.eq(rawget(fit, "fitted"), mu)          -- made once
  for i = 1, #mu do H.eq(mu[i], 1 / (1 + math.exp(-eta[i])), 1e-12) end
  local x1, x2 = d:column("x1"), d:column("x2")
  for i = 1, #x1 do
    H.eq(ols.fitted[i], ols.coef[1] + ols.coef[2] * x2[i], 1e-9)
    H.eq(ols.resid[i], x1[i] - ols.fitted[i], 1e-9)
  end
  H.eq(fit.no_such_field, nil)
  H.eq(type(fit.lincom), "function")        -- methods still found
end)

H.case("model.ols names the collinear column", function()
  local f = hframe.new{ names = { "y", "a", "b" },
    columns = { { 1, 2, 3, 5, 4 }, { 1, 2, 3, 4, 5 }, { 2, 4, 6, 8, 10 } } }
  H.raises("model.ols: x: 'b' is aliased (collinear): it is a linear combination of the columns before it (and the "
    .. "intercept) in the 5 rows used: b = 2*a. Its coefficient cannot be estimated (R's lm() and glm() would "
    .. "give it NA). Drop it from x, or drop instead a column it repeats",
    model.ols, { data = f, y = "y", x = { "a", "b" } })
end)

-- R's lm() gives every aliased column an NA coefficient and alias() says
-- what each repeats (make_alias.R: b = 2a, d = 1 + 0.5a - c, k = 5, a row
-- with a missing a).  model.ols and the GLMs stop instead, naming the same
-- columns with the same combinations of the columns kept; the exit code
-- comes from the kind (analysis, 4).  Tolerance 1e-9: the combinations are
-- exact, and R's own carry rounding of 4e-16.
H.case("model.ols, glm and logit name every aliased column and what it repeats, as R's alias()", function()
  local d = load("alias_data")
  local want, n_used = {}, nil
  for line in io.lines(DIR .. "alias.csv") do
    local _, col, term, v = line:match("^([^,]+),([^,]+),([^,]+),(.+)$")
    if col == "(rows used)" then n_used = tonumber(v)
    elseif col and col ~= "aliased" then
      want[col] = want[col] or {}
      want[col][term] = tonumber(v)
    end
  end
  local errors = require("csc.errors")
  local d01 = d:mutate("z", "y > 2")
  for _, call in ipairs({
    { "model.ols", model.ols, { data = d, y = "y", x = { "a", "b", "c", "d", "k", "e" } } },
    { "model.ols", model.ols, { data = d, formula = "y ~ a + b + c + d + k + e", vcov = "HC1" } },
    { "model.glm", model.glm, { data = d01, y = "z", x = { "a", "b", "c", "d", "k", "e" }, family = "binomial" } },
    { "model.glm", model.logit, { data = d01, y = "z", x = { "a", "b", "c", "d", "k", "e" } } },
  }) do
    local ok, e = pcall(call[2], call[3])
    H.ok(not ok and errors.is(e), call[1] .. ": " .. tostring(e))
    H.eq({ e.kind, errors.code(e), e.fn, e.field, e.reason, e.columns },
      { "analysis", 4, call[1], "x", "collinear", { "b", "d", "k" } })
    H.ok(tostring(e):find(call[1] .. ": x: 'b', 'd' and 'k' are aliased (collinear): each is a linear combination of the "
      .. "columns before it (and the intercept) in the " .. n_used .. " rows used: b = 2*a; d = 1 + 0.5*a - c; "
      .. "k = 5. Their coefficients cannot be estimated", 1, true), tostring(e))
    for _, al in ipairs(e.aliases) do
      local got = {}
      for j, t in ipairs(al.terms) do got[t] = al.coef[j] end
      for term, v in pairs(want[al.column]) do
        H.ok(math.abs((got[term] or 0) - v) <= 1e-9 * math.max(1, math.abs(v)),
          string.format("%s on %s: %.17g, R %.17g", al.column, term, got[term] or 0, v))
      end
    end
  end
end)

-- NIST StRD Filip (tests/reference/nist/Filip.dat, certified values in the
-- file): the degree-10 polynomial built with mutate, as a recipe would.
-- Default settings give 7 correct digits of every coefficient and SE
-- (tests/c/test_nist.c has all eleven sets); R's lm() tolerance refuses x10.
local function nist_filip()
  local ys, xs, cert, cse = {}, {}, {}, {}
  local ln = 0
  for line in io.lines("tests/reference/nist/Filip.dat") do
    ln = ln + 1
    local j, b, s = line:match("^%s*B(%d+)%s+(%S+)%s+(%S+)")
    if j and ln < 61 then cert[tonumber(j) + 1], cse[tonumber(j) + 1] = tonumber(b), tonumber(s) end
    local y, x = line:match("^%s*(%S+)%s+(%S+)%s*$")
    if ln >= 61 and y then ys[#ys + 1], xs[#xs + 1] = tonumber(y), tonumber(x) end
  end
  local f = hframe.new{ names = { "y", "x" }, columns = { ys, xs } }
  local names = { "x" }
  for d = 2, 10 do
    f = f:mutate("x" .. d, "x ^ " .. d)
    names[#names + 1] = "x" .. d
  end
  return f, names, cert, cse
end

H.case("model.ols reaches 7 digits on NIST Filip by default; tol = 1e-7 refuses x10 as R does", function()
  local f, names, cert, cse = nist_filip()
  H.eq(f:nrow(), 82)
  local fit = model.ols{ data = f, y = "y", x = names }
  for j = 1, 11 do
    local lb = -math.log(math.abs(fit.coef[j] - cert[j]) / math.abs(cert[j]), 10)
    local ls = -math.log(math.abs(fit.se[j] - cse[j]) / cse[j], 10)
    H.ok(lb >= 7 and ls >= 7, string.format("B%d: LRE %.2f, se LRE %.2f", j - 1, lb, ls))
  end
  H.raises("model.ols: x: 'x10' is aliased (collinear): it is a linear combination of the columns before it",
    model.ols, { data = f, y = "y", x = names, tol = 1e-7 })
  H.raises("model.ols: field 'tol' (rank tolerance) must be a number in (0, 1)",
    model.ols, { data = f, y = "y", x = names, tol = 0 })
end)

-- Degenerate GLMs: R's glm() returns numbers for each (degenerate.csv, from
-- make_degenerate.R: an intercept of 25.6 with SE 1e5 and no warning for a
-- constant outcome); csceval stops with an analysis error (exit code 4)
-- naming the cause.
-- degenerate.csv (make_degenerate.R) as ref[case][quantity] = value.
local function degenerate_ref()
  local dref = {}
  local fh = assert(io.open(DIR .. "degenerate.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, q, v = line:match('^"?([^,"]*)"?,"?([^,"]*)"?,"?(.-)"?$')
    dref[c] = dref[c] or {}
    dref[c][q] = tonumber(v) or v
  end
  fh:close()
  return dref
end

-- A constant plus rounding noise (1 + u 2^-52) beside the intercept is
-- aliased in every model, as in R's lm and glm (make_rank.R); a regressor
-- on a small scale (1e-8 x^2) is not, and its coefficient matches lm's.
H.case("a column that is a constant plus rounding noise is collinear with the intercept in every model", function()
  local d = load("rank_data")
  local msg = "x: 'noise' is aliased (collinear): it is a linear combination of the columns before it (and the intercept) "
    .. "in the 40 rows used: noise = 1."
  H.raises(msg, model.ols, { data = d, y = "y", x = { "x", "noise" } })
  H.raises(msg, model.ols, { data = d, formula = "y ~ x + noise" })
  H.raises(msg, model.glm, { data = d, y = "count", x = { "x", "noise" }, family = "poisson" })
  H.raises(msg, model.ols, { data = d, y = "y", x = { "x", "noise" }, vcov = "HC1" })
  local want = {}
  for line in io.lines(DIR .. "rank.csv") do
    local c, q, i, v = line:match("^([%w_]+),([%w_]+),(%d+),(.+)$")
    if c == "rank_small" and q == "coef" then want[tonumber(i)] = tonumber(v) end
  end
  local fit = model.ols{ data = d, y = "y", x = { "x", "small2" } }
  for j = 1, 3 do
    H.ok(math.abs(fit.coef[j] - want[j]) <= 1e-8 * math.abs(want[j]),
      string.format("coef %d: %.17g, lm %.17g", j, fit.coef[j], want[j]))
  end
end)

H.case("the rank tolerance is an option of glm (tol) and prais (rank_tol, as its tol is rho's)", function()
  local d = load("glm_illcond_data")
  local x = { "year", "year2", "year3" }
  -- centred, year3 keeps about 5e-6 of its norm: refused at 1e-5, fitted by default
  H.raises("model.glm: x: 'year3' is aliased (collinear): it is a linear combination of the columns before it",
    model.logit, { data = d, y = "y", x = x, tol = 1e-5 })
  local b3 = model.logit{ data = d, y = "y", x = x }.coef[4]
  H.ok(b3 == b3 and math.abs(b3) < math.huge, "the default tolerance fits year3: " .. tostring(b3))
  H.raises("field 'tol' (rank tolerance) must be a number in (0, 1)", model.logit, { data = d, y = "y", x = x, tol = 1 })
  -- prais: the same test on each least squares fit; an absurd tolerance
  -- refuses the regressor, the default fits (check_prais below)
  H.raises("column 'x' is a linear combination of earlier columns",
    model.prais, { data = ts18, y = "y", x = { "x" }, rank_tol = 0.9999 })
  H.raises("field 'rank_tol' (rank tolerance) must be a number in (0, 1)",
    model.prais, { data = ts18, y = "y", x = { "x" }, rank_tol = 0 })
end)

H.case("degenerate GLMs are analysis errors naming the cause, where R returns numbers", function()
  local errors = require("csc.errors")
  local dref = degenerate_ref()
  -- what R does (the reason for the errors below)
  H.ok(dref.all1.intercept > 20 and dref.all1.intercept_se > 1e4 and dref.all1.warned == "none",
    "R fits the constant outcome silently")
  H.ok(dref.all0.intercept < -20 and dref.all0.warned == "none", "R fits the all-zero count silently")
  H.ok(dref.separate.warned:find("numerically 0 or 1", 1, true), "R warns of separation")
  H.eq(dref.maxit2.converged, 0)
  local d = load("degenerate_data")
  local function fails(spec, fnc, text)
    local ok, e = pcall(fnc, spec)
    H.ok(not ok, text .. ": fitted")
    H.eq({ kind = e.kind, code = errors.code(e) }, { kind = "analysis", code = 4 })
    H.ok(tostring(e):find(text, 1, true), tostring(e))
  end
  fails({ data = d, y = "one", x = { "x" } }, model.logit,
    "the outcome 'one' is 1 in all 20 rows used, so a logit model has no finite estimates")
  fails({ data = d, y = "zero", x = { "x" } }, model.poisson,
    "the outcome 'zero' is 0 in all 20 rows used, so a Poisson model has no finite estimates")
  fails({ data = d, y = "one", x = { "x" } }, model.probit, "is 1 in all 20 rows used, so a probit model")
  fails({ data = d, y = "sep", x = { "x" } }, model.logit, "complete separation: column 'x' alone predicts")
  fails({ data = d, y = "ovl", x = { "x" }, maxit = 2 }, model.logit, "did not converge in 2 iterations")
  -- the same data converge with the default maxit, as in R
  H.ok(model.logit{ data = d, y = "ovl", x = { "x" } }.coef[1] < 0)
end)

H.case("a value that is not a finite number is dropped the same way whether an expression made it or it was read", function()
  local y = { 1, 3, 2, 5, 4, 6, 8, 7 }
  local f = hframe.new{ names = { "y", "x" }, columns = { y, { 4, 6, 7, 8, 9, 10, 12, 3 } } }
  local g = f:mutate("lx", "log(x - 5)")   -- x = 4 and 3: log of a negative number
  local lx = {}
  for i, x in ipairs({ 4, 6, 7, 8, 9, 10, 12, 3 }) do lx[i] = x > 5 and math.log(x - 5) or nil end
  lx[1], lx[8] = -math.huge, 0 / 0         -- Inf and NaN stored in the column
  local h = hframe.new{ names = { "y", "lx" }, columns = { y, lx } }
  local a = model.ols{ data = g, y = "y", x = { "lx" } }
  local b = model.ols{ data = h, y = "y", x = { "lx" } }
  H.eq({ a.n, a.n_dropped }, { 6, 2 })
  H.eq(b.coef, a.coef, 1e-15)
  -- R's lm(y ~ log(x - 5)) drops the same two rows (NaN, with a warning)
  local r = degenerate_ref().nonfinite
  H.eq(a.coef, { r.intercept, r.slope }, 1e-12)
  H.eq(a.n, r.n)
  for _, r in ipairs({ a, b }) do
    H.eq(#r.dropped, 1)
    H.eq(r.dropped[1].rows, { 1, 8 })
    H.ok(r.dropped[1].reason:find("not a finite number", 1, true), r.dropped[1].reason)
  end
  H.ok(tostring(a):find("2 rows dropped, not a finite number", 1, true), tostring(a))
  -- a missing outcome is dropped for its own reason, listed separately
  local y2 = { 1, 3, 2, 5, hframe.NA, 6, 8, 7 }
  local c = model.ols{ data = hframe.new{ names = { "y", "lx" }, columns = { y2, lx } }, y = "y", x = { "lx" } }
  H.eq(c.n_dropped, 3)
  H.eq(#c.dropped, 2)
  H.eq(c.dropped[2].rows, { 1, 8 })
  H.eq(c.dropped[1].rows, { 5 })
  H.ok(not c.dropped[1].reason:find("finite", 1, true), c.dropped[1].reason)
  local recorded = {}
  c:record_drops({ drop = function(_, input, n, why) recorded[#recorded + 1] = { input, n, why } end }, "d")
  H.eq(#recorded, 2)
  H.eq({ recorded[2][1], recorded[2][2] }, { "d", 2 })
  H.ok(recorded[2][3]:find("not a finite number (Inf, NaN, or a calculation such as log(0)): rows 1, 8", 1, true),
    recorded[2][3])
end)

-- GLMs on the raw cubic in calendar year (condition number ~1e17 before
-- scaling): R fits the same model on poly(year, 3), so the fitted values and
-- the deviance, which do not depend on the basis, check csceval's centred
-- and scaled IRLS on the raw columns (make_glm_illcond.R).  Tolerance 1e-8:
-- both converge to epsilon 1e-12; the centred, scaled design has condition
-- number ~1e6, so ~1e-10 is expected.
H.case("logit and Poisson on a raw cubic in year agree with R's fit on poly(year, 3)", function()
  local d = load("glm_illcond_data")
  local want = {}
  local fh = assert(io.open(DIR .. "glm_illcond.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, q, _, v = line:match("^([^,]*),([^,]*),([^,]*),([^,]*)$")
    want[c] = want[c] or {}
    want[c][q] = want[c][q] or {}
    local t = want[c][q]
    t[#t + 1] = tonumber(v)
  end
  fh:close()
  local x = { "year", "year2", "year3" }
  local lg = model.logit{ data = d, y = "y", x = x, epsilon = 1e-12 }
  H.eq(lg.fitted, want.logit3.fitted, 1e-8)
  H.eq(lg.deviance, want.logit3.deviance[1], 1e-8)
  local ps = model.poisson{ data = d, y = "count", x = x, epsilon = 1e-12 }
  H.eq(ps.fitted, want.poisson3.fitted, 1e-8)
  H.eq(ps.deviance, want.poisson3.deviance[1], 1e-8)
end)

-- ===== Prais-Winsten and Cochrane-Orcutt =====

local function check_prais(case, spec)
  spec.data, spec.y, spec.x = ts18, "y", { "x" }
  local fit = model.prais(spec)
  H.eq(fit.rho, ref[case].rho[1], 1e-8)
  H.eq(fit.coef, ref[case].coef, 1e-8)
  H.eq(fit.se, se_of(case, 2), 1e-8)
  H.eq(fit.sigma, ref[case].sigma[1], 1e-8)
  H.eq(fit.dw_transformed, ref[case].dw_transformed[1], 1e-8)
  H.eq(fit.dw_original, ref[case].dw_original[1], 1e-8)
  H.eq(fit.df, fit.n_used - 2)
  return fit
end

H.case("model.prais matches Stata prais (iterated)", function()
  local fit = check_prais("prais", {})
  H.eq(fit.method, "Prais-Winsten AR(1)")
  H.eq(fit.n_used, 18)
  H.ok(fit.iter > 2)
  H.ok(tostring(fit):find("rho = 0.549753", 1, true), tostring(fit))
end)

H.case("model.prais twostep and corc variants", function()
  H.eq(check_prais("prais_twostep", { twostep = true }).iter, 1)
  H.eq(check_prais("corc", { method = "corc" }).n_used, 17)
  check_prais("corc_twostep", { method = "corc", twostep = true })
end)

H.case("model.prais with time checks the order and robust SEs give HC1", function()
  local fit = model.prais{ data = ts18, y = "y", x = { "x" }, time = "year", vcov = "robust" }
  H.eq(fit.vcov_type, "HC1")
  H.eq(fit.coef, ref.prais.coef, 1e-8)      -- the covariance changes, not the estimate
  H.ok(fit.se[2] ~= se_of("prais", 2)[2])
end)

H.case("model.prais reports mistakes naming the field", function()
  H.raises("method: cor is not one of \"prais\", \"corc\" (did you mean \"corc\"?)",
    model.prais, { data = ts18, y = "y", x = { "x" }, method = "cor" })
  H.raises("unknown field 'weights'",
    model.prais, { data = ts18, y = "y", x = { "x" }, weights = "x" })
  H.raises("unknown field 'twostpe' (did you mean \"twostep\"?)",
    model.prais, { data = ts18, y = "y", x = { "x" }, twostpe = true })
  H.raises("vcov: CR1 is not one of",
    model.prais, { data = ts18, y = "y", x = { "x" }, vcov = "CR1" })
  H.raises("rho did not settle in 2 iterations",
    model.prais, { data = ts18, y = "y", x = { "x" }, maxit = 2 })
end)

H.case("time-series models refuse a hole inside the series", function()
  local NA = hframe.NA
  local f = hframe.new{ names = { "t", "y", "x" }, columns = {
    { 1, 2, 3, 4, 5, 6, 7, 8 }, { 1, 3, 2, 5, NA, 6, 8, 7 }, { 1, 2, 3, 4, 5, 6, 7, 9 } } }
  H.raises("row 5 is missing a used value inside the series",
    model.prais, { data = f, y = "y", x = { "x" } })
  -- At the ends it is only trimming: fine.
  local g = hframe.new{ names = { "y", "x" }, columns = {
    { NA, 3, 2, 5, 4, 6, 8, 7, 9, 8 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 } } }
  local fit = model.prais{ data = g, y = "y", x = { "x" }, twostep = true }
  H.eq(fit.n, 9)
  H.eq(fit.n_dropped, 1)
end)

H.case("time = column must rise by an even step", function()
  local f = hframe.new{ names = { "year", "y", "x" }, columns = {
    { 2001, 2002, 2003, 2005, 2006, 2007 }, { 1, 3, 2, 5, 4, 6 }, { 1, 2, 3, 4, 5, 7 } } }
  H.raises("time column 'year' steps by 2 at row 4 but by 1 before",
    model.dwtest, { data = f, y = "y", x = { "x" }, time = "year" })
  local g = hframe.new{ names = { "year", "y", "x" }, columns = {
    { 2001, 2003, 2002, 2004, 2005, 2006 }, { 1, 3, 2, 5, 4, 6 }, { 1, 2, 3, 4, 5, 7 } } }
  H.raises("time column 'year' does not increase at row 3; sort the frame by it first",
    model.bgtest, { data = g, y = "y", x = { "x" }, time = "year" })
end)

-- ===== Durbin-Watson and Breusch-Godfrey =====

H.case("model.dwtest matches lmtest::dwtest (exact, n = 18)", function()
  local r = model.dwtest{ data = ts18, y = "y", x = { "x" } }
  H.eq({ r.statistic, r.p_value }, ref.ts18.dw, 1e-8)
  H.eq(r.exact, true)
  H.eq(r.alternative, "greater")
  H.eq(model.dwtest{ data = ts18, y = "y", x = { "x" }, alternative = "two-sided" }.p_value,
    ref.ts18.dw_two_sided[1], 1e-8)
  H.eq(model.dwtest{ data = ts18, y = "y", x = { "x" }, alternative = "less" }.p_value,
    ref.ts18.dw_less[1], 1e-8)
end)

H.case("model.dwtest uses the normal approximation from n = 100", function()
  local r = model.dwtest{ data = load("ts120"), y = "y", x = { "x" } }
  H.eq(r.exact, false)
  H.eq({ r.statistic, r.p_value }, ref.ts120.dw, 1e-8)
  H.ok(r.method:find("normal approximation", 1, true))
end)

H.case("fit:dwtest and fit:bgtest refit the OLS fit's own rows", function()
  local fit = model.ols{ data = ts18, y = "y", x = { "x" }, vcov = "HC1" }
  H.eq(fit:dwtest().p_value, ref.ts18.dw[2], 1e-8)
  for p = 1, 3 do
    local chi = fit:bgtest{ order = p }
    local want = ref.ts18["bg" .. p]
    H.eq({ chi.statistic, chi.p_value }, { want[1], want[2] }, 1e-8)
    H.eq(chi.parameter.df, p)
    local F = fit:bgtest{ order = p, type = "F" }
    H.eq({ F.statistic, F.parameter.df1, F.parameter.df2, F.p_value },
      { want[3], want[4], want[5], want[6] }, 1e-8)
  end
end)

-- model.ols reads the frame's columns in place (int64 and float64 storage,
-- the intercept as the constant column) and forms the HC and cluster
-- meats in the pass of the fit that writes the residuals
-- (docs/methods/regression.md, "Columns in place").  Rows dropped for a
-- missing value, and factor terms, must give exactly the numbers of the same
-- design handed over without them: 70,001 rows (three row chunks), weights,
-- and a cluster of one member.
local function in_place_data(with_na)
  local n, seed = 70001, 12345
  local function rnd(m) seed = (seed * 1103515245 + 12345) % 2147483648; return (seed // 65536) % m end
  local cols = { g = {}, x1 = {}, x2 = {}, y = {}, w = {}, cl = {} }
  local NA = hframe.NA
  for i = 1, n do
    local g = rnd(5)
    local x1, x2, u, w, cl = rnd(2), rnd(100000) / 1000, rnd(1000) / 100, 0.5 + rnd(20) / 4, rnd(30)
    local miss = i % 997 == 5
    if not miss or with_na then
      local r = #cols.g + 1
      cols.g[r] = string.char(97 + g)
      cols.x1[r] = x1
      cols.x2[r] = (miss and i % 3 == 0) and NA or x2
      cols.y[r] = (miss and i % 3 == 1) and NA or (1 + 2 * x1 + 0.3 * x2 + g + u)
      cols.w[r] = w
      cols.cl[r] = (miss and i % 3 == 2) and NA or (i == n and 99 or cl)
    end
  end
  local names = { "g", "x1", "x2", "y", "w", "cl" }
  local columns = {}
  for j, nm in ipairs(names) do columns[j] = cols[nm] end
  return hframe.new{ names = names, columns = columns,
    types = { g = "text", x1 = "int64", x2 = "float64", y = "float64", w = "float64", cl = "int64" } }
end

H.case("model.ols in place: rows dropped for missing values give the same bytes as the rows alone", function()
  local full, complete = in_place_data(true), in_place_data(false)
  for _, v in ipairs({ "classical", "HC0", "HC1", "HC2", "HC3", "CR1" }) do
    local spec = { y = "y", x = { "x1", "x2" }, weights = "w", vcov = v, cluster = "cl" }
    spec.data = full
    local a = model.ols(spec)
    spec.data = complete
    local b = model.ols(spec)
    H.ok(a.n_dropped > 0 and b.n_dropped == 0 and a.n == b.n, "rows dropped on one side only")
    H.eq(a.coef, b.coef)
    H.eq(a.vcov, b.vcov)
    H.eq({ a.r2, a.sigma, a.loglik }, { b.r2, b.sigma, b.loglik })
  end
end)

-- NaN and Inf stored as values (no missing mark): the fit finds them in its
-- scan, and the rows are then taken as usual, dropping those rows
H.case("model.ols in place: NaN and Inf values are dropped as when marked missing", function()
  local x, y, w = {}, {}, {}
  for i = 1, 40 do x[i], y[i], w[i] = i % 7, (i * 37) % 11 + 0.5 * (i % 7), 1 + i % 3 end
  local function fr(xs, ys, ws)
    return hframe.new{ names = { "x", "y", "w" }, columns = { xs, ys, ws } }
  end
  local xn, yn, wn = table.move(x, 1, 40, 1, {}), table.move(y, 1, 40, 1, {}), table.move(w, 1, 40, 1, {})
  xn[5], yn[9], wn[30] = 0 / 0, math.huge, -math.huge
  local xs, ys, ws = {}, {}, {}
  for i = 1, 40 do
    if i ~= 5 and i ~= 9 and i ~= 30 then xs[#xs + 1], ys[#ys + 1], ws[#ws + 1] = x[i], y[i], w[i] end
  end
  local a = model.ols{ data = fr(xn, yn, wn), y = "y", x = { "x" }, weights = "w", vcov = "HC1" }
  local b = model.ols{ data = fr(xs, ys, ws), y = "y", x = { "x" }, weights = "w", vcov = "HC1" }
  H.eq(a.n_dropped, 3)
  H.eq(a.coef, b.coef)
  H.eq(a.vcov, b.vcov)
  -- a bad weight that is finite is still an error naming the row
  wn = table.move(w, 1, 40, 1, {})
  wn[12] = 0
  H.raises("weights must be finite and > 0", model.ols, { data = fr(x, y, wn), y = "y", x = { "x" }, weights = "w" })
end)

H.case("model.ols in place: factor terms give the same bytes as their indicator columns", function()
  local d = in_place_data(false)
  local gcol = d:column("g")
  local names, columns, x = {}, {}, { "x1", "x2" }
  for _, nm in ipairs({ "x1", "x2", "y", "w", "cl" }) do
    names[#names + 1] = nm
    columns[#columns + 1] = d:column(nm)
  end
  for _, lv in ipairs({ "b", "c", "d", "e" }) do
    local ind = {}
    for i = 1, #gcol do ind[i] = gcol[i] == lv and 1 or 0 end
    names[#names + 1], columns[#columns + 1], x[#x + 1] = "g_" .. lv, ind, "g_" .. lv
  end
  local types = { x1 = "int64", cl = "int64", g_b = "int64", g_c = "int64", g_d = "int64", g_e = "int64" }
  local e = hframe.new{ names = names, columns = columns, types = types }
  for _, v in ipairs({ "HC3", "CR1" }) do
    local a = model.ols{ data = d, formula = "y ~ x1 + x2 + factor(g)", weights = "w", vcov = v, cluster = "cl" }
    local b = model.ols{ data = e, y = "y", x = x, weights = "w", vcov = v, cluster = "cl" }
    H.eq(#a.coef, 7)
    H.eq(a.coef, b.coef)
    H.eq(a.vcov, b.vcov)
  end
  -- a categorical cluster column (read in place through its codes) against
  -- the same clusters as whole numbers
  local gnum = {}
  for i = 1, #gcol do gnum[i] = string.byte(gcol[i]) end
  names[#names + 1], columns[#columns + 1], types.gnum = "gnum", gnum, "int64"
  e = hframe.new{ names = names, columns = columns, types = types }
  local a = model.ols{ data = d, y = "y", x = { "x1", "x2" }, vcov = "CR1", cluster = "g" }
  local b = model.ols{ data = e, y = "y", x = { "x1", "x2" }, vcov = "CR1", cluster = "gnum" }
  H.eq(a.n_clusters, 5)
  H.eq(a.vcov, b.vcov)
end)

H.case("dwtest refuses weights and non-OLS fits", function()
  local w = load("wls")
  local fit = model.ols{ data = w, y = "y", x = { "x1" }, weights = "w" }
  H.raises("the fit is weighted", fit.dwtest, fit)
  local pw = model.prais{ data = ts18, y = "y", x = { "x" } }
  H.raises("needs a result of model.ols", pw.bgtest, pw)
  H.raises("field 'exact' must be true, false or \"auto\"",
    model.dwtest, { data = ts18, y = "y", x = { "x" }, exact = "yes" })
  H.raises("order 16 leaves no degrees of freedom",
    model.bgtest, { data = ts18, y = "y", x = { "x" }, order = 16 })
end)

-- ===== ACF, PACF, portmanteau tests, varsoc =====

H.case("model.acf matches R acf/pacf on the OLS residuals", function()
  local fit = model.ols{ data = ts18, y = "y", x = { "x" } }
  local a = model.acf{ series = fit.resid, lag_max = 6 }
  H.eq(a.acf, ref.ts18.acf, 1e-8)
  H.eq(a.pacf, ref.ts18.pacf, 1e-8)
  H.eq(a.band, 1.959963984540054 / math.sqrt(18), 1e-12)
  H.eq(a.q[1], ref.ts18.ljungbox1[1], 1e-8)
  H.eq(a.q_p[4], ref.ts18.ljungbox4[3], 1e-8)
  H.eq(#a.lag, 6)
  H.ok(tostring(a):find("Prob>Q", 1, true))
  -- R's default lag.max: floor(10 log10 18) = 12, capped at n - 1.
  H.eq(#model.acf{ series = fit.resid }.acf, 12)
end)

H.case("model.ljung_box and box_test match Box.test", function()
  local fit = model.ols{ data = ts18, y = "y", x = { "x" } }
  local lb = model.ljung_box{ series = fit.resid, lag = 4 }
  H.eq({ lb.statistic, lb.parameter.df, lb.p_value }, ref.ts18.ljungbox4, 1e-8)
  H.eq(lb.method, "Box-Ljung test")
  local bp = model.box_test{ series = fit.resid, lag = 4, fitdf = 1 }
  H.eq(bp.method, "Box-Pierce test")
  H.eq(bp.parameter.df, 3)
  local s = 0
  for l = 1, 4 do s = s + ref.ts18.acf[l] ^ 2 end
  H.eq(bp.statistic, 18 * s, 1e-8)
end)

H.case("model.varsoc matches Stata varsoc's formulas", function()
  local v = model.varsoc{ data = ar2, y = "y", maxlag = 4, time = "t" }
  H.eq(v.n, 56)
  for p = 0, 4 do
    local row, want = v.rows[p + 1], ref.varsoc["p" .. p]
    H.eq({ row.ll, row.aic, row.sbic, row.hqic, row.fpe }, want, 1e-8)
    if p > 0 then
      H.eq({ row.lr, row.p }, { ref.varsoc.lr[p], ref.varsoc.lr_p[p] }, 1e-8)
    else
      H.eq(row.lr, nil)
    end
  end
  H.eq(v.selected, { lr = 2, fpe = 2, aic = 2, hqic = 2, sbic = 2 })
  H.ok(tostring(v):find("SBIC", 1, true))
end)

H.case("series functions report bad input naming the field or row", function()
  local NA = hframe.NA
  local f = hframe.new{ names = { "y" }, columns = { { 1, 2, NA, 4, 5 } } }
  H.raises("column 'y' is missing or not finite in row 3", model.acf, { data = f, y = "y" })
  H.raises("series[2] is string, expected a finite number", model.acf, { series = { 1, "a", 3 } })
  H.raises("give 'series' (an array of numbers) or 'data' (a frame) with 'y'", model.acf, {})
  H.raises("unknown field 'lags' (did you mean \"lag\"?)", model.box_test, { series = { 1, 2, 3 }, lags = 2 })
  H.raises("fitdf (2) must be below lag (2)", model.box_test, { series = { 1, 3, 2, 4 }, lag = 2, fitdf = 2 })
  H.raises("the series is constant", model.acf, { series = { 2, 2, 2, 2 } })
  H.raises("maxlag 4 needs at least 10 values, the series has 5",
    model.varsoc, { series = { 1, 3, 2, 5, 4 } })
  H.raises("field 'type' is fixed", model.ljung_box, { series = { 1, 2, 3 }, type = "Box-Pierce" })
end)

-- model.glm with the classical covariance reads the frame's columns in place
-- (float64 columns with every row used) or gathers them (rows dropped, bool
-- and int64 columns), and keeps no working vectors; the sandwich types build
-- the n x k design as before.  Both are the same IRLS, so the coefficients,
-- deviances and fitted values must be the same bytes, with rows dropped for
-- missing values, prior weights, an offset and a formula's factor terms.
H.case("model.glm: columns read in place give the same bytes as the design matrix", function()
  local n = 700
  local y, a, b, c, w, cnt, off, g = {}, {}, {}, {}, {}, {}, {}, {}
  local s = 7
  local function u() s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 end
  for i = 1, n do
    a[i] = math.floor(u() * 1000) / 1000
    b[i] = u() < 0.4 and 1 or 0
    c[i] = math.floor(u() * 5)
    y[i] = u() < 1 / (1 + math.exp(1 - 1.2 * a[i] + 0.7 * b[i] - 0.2 * c[i])) and 1 or 0
    w[i] = 1 + math.floor(u() * 3)
    cnt[i] = math.floor(u() * 4 + a[i] * 3)
    off[i] = math.log(1 + (i % 4))
    g[i] = ({ "north", "south", "east" })[1 + i % 3]
  end
  local bb = {}
  for i = 1, n do bb[i] = b[i] == 1 end
  local full = hframe.new{ names = { "y", "a", "b", "c", "w", "cnt", "off", "g" },
    columns = { y, a, bb, c, w, cnt, off, g }, types = { b = "bool", c = "int64", g = "text" } }
  local a2 = {}
  for i = 1, n do a2[i] = (i % 37 == 0) and 0 / 0 or a[i] end
  local holes = hframe.new{ names = { "y", "a", "b", "c", "w", "cnt", "off" },
    columns = { y, a2, bb, c, w, cnt, off }, types = { b = "bool", c = "int64" } }
  local specs = {
    { data = full, y = "y", x = { "a" } },
    { data = full, y = "y", x = { "a", "b", "c" } },
    { data = holes, y = "y", x = { "a", "b", "c" } },
    { data = holes, y = "y", x = { "a", "b" }, weights = "w" },
    { data = full, y = "y", x = { "a", "b" }, link = "probit" },
    { data = holes, y = "cnt", x = { "a", "c" }, family = "poisson", offset = "off" },
    { data = full, y = "cnt", x = { "a" }, family = "poisson", offset = "off", intercept = false },
    { data = full, y = "y", formula = "a + g + b:a" },
  }
  for i, sp in ipairs(specs) do
    local r1 = model.glm(sp)
    local sp2 = {}
    for k, v in pairs(sp) do sp2[k] = v end
    sp2.vcov = "HC0"
    local r2 = model.glm(sp2)
    H.eq(#r1.coef, #r2.coef)
    for j = 1, #r1.coef do
      H.ok(r1.coef[j] == r2.coef[j], string.format("spec %d coef %d: %.17g vs %.17g", i, j, r1.coef[j], r2.coef[j]))
    end
    H.ok(r1.deviance == r2.deviance and r1.null_deviance == r2.null_deviance and r1.aic == r2.aic,
      "spec " .. i .. ": deviances")
    H.eq(r1.n, r2.n)
    H.eq(r1.n_dropped, sp.data == holes and 18 or 0)
    local f1, f2 = r1.fitted, r2.fitted
    for j = 1, #f1 do H.ok(f1[j] == f2[j], "spec " .. i .. " fitted " .. j) end
    local e1, e2 = r1.linear_predictor, r2.linear_predictor
    for j = 1, #e1 do H.ok(e1[j] == e2[j], "spec " .. i .. " eta " .. j) end
  end
end)
