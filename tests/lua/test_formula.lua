-- csc.formula: parsing (with caret errors), model matrices against R's
-- model.matrix and fits against lm()/glm() on the same formulas
-- (tests/reference/formulas/make_formulas.R wrote the references).
-- Tolerances: dummies, products and plain columns are exact; expression
-- columns (log, exp, sqrt, x^2) agree to 1e-13, the last bits of libm;
-- poly() columns 1e-10 absolute (R takes them from a Householder QR,
-- csceval from the three-term recurrence: equal up to rounding, on columns
-- of unit length); lm() coefficients and SEs 1e-8 relative (the OLS tests'
-- tolerance), glm() 1e-6 (iterative fit, as in test_model.lua).
local H = ...
local formula = require("csc.formula")
local model = require("csc.model")
local hframe = require("host.frame")
local NA = hframe.NA

local DIR = "tests/reference/formulas/"
local d = assert(hframe.read_csv(DIR .. "data.csv"))
local forms = assert(hframe.read_csv(DIR .. "formulas.csv", { types = { ref = "text" } }))
local ids, ftext = forms:column("id"), forms:column("formula")

-- mm[id][column][row] = value, and mm_cols[id] = columns in R's order.
-- Read line by line: a column called "x" or "z" is a value here, and the
-- CSV reader would take those for the suppression symbols.
local mm, mm_cols = {}, {}
do
  local fh = assert(io.open(DIR .. "mm.csv"))
  fh:read("l")
  for line in fh:lines() do
    local id, row, col, val = line:match('^"([^"]*)",(%d+),"(.*)",([^,]+)$')
    assert(id, line)
    col = col:gsub('""', '"')
    if not mm[id] then mm[id], mm_cols[id] = {}, {} end
    local m = mm[id]
    if not m[col] then m[col] = {}; mm_cols[id][#mm_cols[id] + 1] = col end
    m[col][tonumber(row)] = tonumber(val)
  end
  fh:close()
end

local function close(a, b, atol)
  return math.abs(a - b) <= atol * math.max(1, math.abs(b))
end

H.case("formulas: at least 15 model matrices are checked against R", function()
  H.ok(#ids >= 15, "only " .. #ids .. " formulas")
end)

for k = 1, #ids do
  local id, text = ids[k], ftext[k]
  H.case("formula " .. id .. " (" .. text .. ") gives R's model.matrix", function()
    local b = formula.model_frame(text, d)
    local want = mm[id]
    H.ok(want ~= nil, "no reference for " .. id)
    -- the same columns, in R's order
    local names = {}
    if b.intercept then names[1] = "(Intercept)" end
    for _, x in ipairs(b.x) do names[#names + 1] = x end
    local rnames = mm_cols[id]
    H.eq(names, rnames)
    -- the same complete rows and values
    local y = b.data:column(b.y)
    local cols = {}
    for j, x in ipairs(b.x) do cols[j] = b.data:column(x) end
    local rrows = want[rnames[1]]
    local atol = text:find("poly(", 1, true) and 1e-10 or 1e-13
    for r = 1, #y do
      local complete = y[r] ~= NA
      for j = 1, #cols do if cols[j][r] == NA then complete = false end end
      H.ok(complete == (rrows[r] ~= nil), string.format("row %d: complete here %s, in R %s", r,
        tostring(complete), tostring(rrows[r] ~= nil)))
      if complete then
        for j, x in ipairs(b.x) do
          if not close(cols[j][r], want[x][r], atol) then
            H.fail(string.format("%s row %d: %.17g, R %.17g", x, r, cols[j][r], want[x][r]))
          end
        end
      end
    end
  end)
end

-- fits.csv: ref[id][model] = {term = {estimate, se}, order = {...}}
local fits = {}
do
  local id, mdl, term, est, se = {}, {}, {}, {}, {}
  local fh = assert(io.open(DIR .. "fits.csv"))
  fh:read("l")
  for line in fh:lines() do
    local a, b, c, e, s = line:match('^"([^"]*)","([^"]*)","(.*)",([^,]+),([^,]+)$')
    assert(a, line)
    id[#id + 1], mdl[#mdl + 1], term[#term + 1] = a, b, c:gsub('""', '"'), nil
    est[#est + 1], se[#se + 1] = tonumber(e), tonumber(s)
  end
  fh:close()
  for i = 1, #id do
    fits[id[i]] = fits[id[i]] or {}
    local t = fits[id[i]][mdl[i]] or { order = {} }
    fits[id[i]][mdl[i]] = t
    t.order[#t.order + 1] = term[i]
    t[term[i]] = { est[i], se[i] }
  end
end

local function ftext_of(id)
  for k = 1, #ids do if ids[k] == id then return ftext[k] end end
end

local function check_fit(fit, ref, rtol)
  H.eq(fit.terms, ref.order)
  for j, t in ipairs(fit.terms) do
    H.eq({ fit.coef[j], fit.se[j] }, ref[t], rtol)
  end
end

for _, id in ipairs({ "mixed", "star_text", "poly3", "functions", "ref_text", "power", "stata",
  "no_intercept", "slopes_only" }) do
  H.case("model.ols{formula = " .. ftext_of(id) .. "} matches lm()", function()
    local fit = model.ols{ data = d, formula = ftext_of(id) }
    check_fit(fit, fits[id].ols, 1e-8)
    H.eq(fit.formula, ftext_of(id))
    H.eq(fit.n + fit.n_dropped, d:nrow())
  end)
end

for _, id in ipairs({ "square", "ref_text", "poly_z", "star_bool" }) do
  local rhs = ftext_of(id):gsub("^y ", "")
  H.case("model.logit and model.poisson with formula " .. rhs .. " match glm()", function()
    check_fit(model.logit{ data = d, formula = "bin " .. rhs }, fits[id].logit, 1e-6)
    check_fit(model.poisson{ data = d, formula = "count " .. rhs }, fits[id].poisson, 1e-6)
  end)
end

H.case("a one-sided formula takes the outcome from y", function()
  local a = model.ols{ data = d, y = "y", formula = "~ x + region" }
  local b = model.ols{ data = d, formula = "y ~ x + region" }
  H.eq(a.coef, b.coef)
  H.eq(a.terms, b.terms)
end)

H.case("predict on new rows reuses the fit's levels and poly() basis", function()
  local fit = model.ols{ data = d, formula = "y ~ poly(z, 2) + factor(region, ref = \"North\")" }
  local new = d:take{ 1, 2, 3 }
  local p = fit:predict(new)
  -- rows 1 to 3 are complete, so they are the fit's first three fitted
  -- values: the same columns were rebuilt on three rows alone
  H.eq(p.fit, { fit.fitted[1], fit.fitted[2], fit.fitted[3] }, 1e-10)
end)

-- poly() at 1e5 rows (make_poly_large.R; the data are made by formula on
-- both sides): the coefficients come from C over the complete rows.
-- Tolerances, measured differences in brackets: alpha and norm2 1e-12
-- relative (sums of 1e5 products in a different order from R's QR: n eps
-- = 2e-11 at worst, about sqrt(n) eps = 7e-14 typically) [alpha 0, norm2
-- 8.5e-15]; the columns 1e-10 absolute as above, on values of about
-- 1/sqrt(n) [4.5e-14]; lm() coefficients and SEs 1e-8 relative, the OLS
-- tests' tolerance [1.9e-14, 1.0e-14].
H.case("poly() at 1e5 rows: R's basis, coefficients and fit, rows missing x dropped", function()
  local ref = {}
  for line in io.lines("tests/reference/formulas/poly_large.csv") do
    local q, i, v = line:match("^([%w]+),(%d+),(.+)$")
    if q then ref[q] = ref[q] or {}; ref[q][tonumber(i)] = tonumber(v) end
  end
  local N = 100000
  local x, y = {}, {}
  for i = 1, N do
    local xi = ((7919 * i) % 100003) / 1000
    y[i] = (i % 17) / 4 + xi / 10 - (xi / 50) ^ 2 + (xi / 100) ^ 3
    x[i] = i % 1000 == 0 and NA or xi
  end
  local f = hframe.new{ names = { "x", "y" }, columns = { x, y } }
  local fit = model.ols{ data = f, formula = "y ~ poly(x, 3)" }
  H.eq(fit.n, ref.n[1])
  local function rel(got, want, tol, what)
    for i = 1, #want do
      H.ok(math.abs(got[i] - want[i]) <= tol * math.abs(want[i]),
        string.format("%s[%d]: got %.17g, want %.17g", what, i, got[i], want[i]))
    end
  end
  rel(fit.coef, ref.coef, 1e-8, "coef")
  rel(fit.se, ref.se, 1e-8, "se")
  local b = formula.model_frame("y ~ poly(x, 3)", f)
  local fx = b.fixed.vars["poly(x, 3)"]
  rel(fx.alpha, ref.alpha, 1e-12, "alpha")
  rel(fx.norm2, ref.norm2, 1e-12, "norm2")
  for j = 1, 3 do
    local col = b.data:column(b.x[j])
    for k, r in ipairs(ref.rows) do
      H.ok(math.abs(col[r] - ref["poly" .. j][k]) <= 1e-10,
        string.format("poly(x, 3)%d at row %d: got %.17g, want %.17g", j, r, col[r], ref["poly" .. j][k]))
    end
    H.eq(col[1000], NA)
  end
end)

H.case("formula errors are recipe errors with a caret under the bad token", function()
  local function err(text)
    local ok, e = pcall(model.ols, { data = d, formula = text })
    H.ok(not ok, "expected an error for " .. text)
    H.eq(e.kind, "recipe")
    return e.msg
  end
  H.eq(err("y ~ x + regoin"), 'model.ols: formula: unknown column "regoin" (did you mean "region"?)\n'
    .. "  y ~ x + regoin\n"
    .. "          ^")
  H.eq(err("y ~ x z"), 'model.ols: formula: expected "+", "-", "*", ":" or the end of the formula, '
    .. 'found "z" (terms are joined by "+")\n  y ~ x z\n        ^')
  H.eq(err("y ~ x +"), "model.ols: formula: expected a term (a column, a call such as I(x^2), or 1/0), "
    .. "found the end of the formula\n  y ~ x +\n         ^")
  H.eq(err("y ~ I(x + region)"), 'model.ols: formula: cannot add text column "region" to a number\n'
    .. "  y ~ I(x + region)\n            ^")
  H.eq(err("y ~ (x + z"), 'model.ols: formula: expected ")", found the end of the formula\n'
    .. "  y ~ (x + z\n            ^")
  H.eq(err('y ~ factor(region, ref = "Nord")'), 'model.ols: formula: reference level "Nord" does not '
    .. 'occur in region (levels: East, North, South, West)\n  y ~ factor(region, ref = "Nord")\n      ^')
  H.eq(err("y ~ x + 2"), "model.ols: formula: a number in a formula must be 0 or 1 (the intercept), found 2; "
    .. "write I(2 * x) for a scaled term\n  y ~ x + 2\n          ^")
  H.eq(err("y ~ poly(x)"), "model.ols: formula: poly() takes a variable and a degree: poly(x, 2)\n  y ~ poly(x)\n      ^")
  H.eq(err("y ~ k.x"), 'model.ols: formula: unknown prefix "k." (Stata prefixes are i., ib<level>. and c.)\n'
    .. "  y ~ k.x\n       ^")
  H.eq(err("y ~ x ~ z"), 'model.ols: formula: a formula has one "~"\n  y ~ x ~ z\n        ^')
  H.eq(err("y ~ `x"), "model.ols: formula: name in backticks is not closed (missing `)\n  y ~ `x\n      ^")
  H.eq(err("y ~ x - z"), "model.ols: formula: this term is removed but was not in the formula before it\n"
    .. "  y ~ x - z\n          ^")
end)

H.case("formula and x together, or a contradicting intercept, are refused", function()
  H.raises("give either 'formula' or 'x'", model.ols, { data = d, formula = "y ~ x", x = { "z" } })
  H.raises("disagrees with the formula", model.ols, { data = d, formula = "y ~ x - 1", intercept = true })
  H.raises("the outcome is already given by field 'y'", model.ols, { data = d, y = "y", formula = "y ~ x" })
end)

H.case("parse: expansion, order and intercept as R's terms()", function()
  local function labels(text)
    local fm = formula.parse(text)
    local out = {}
    for _, t in ipairs(fm.terms) do
      local keys = {}
      for _, vi in ipairs(t) do keys[#keys + 1] = fm.vars[vi].key end
      out[#out + 1] = table.concat(keys, ":")
    end
    return out, fm.intercept
  end
  H.eq({ labels("y ~ a*b*c - a:b:c") }, { { "a", "b", "c", "a:b", "a:c", "b:c" }, true })
  H.eq({ labels("y ~ b:a + a") }, { { "a", "b:a" }, true })
  H.eq({ labels("y ~ (a + b + c)^2 - 1") }, { { "a", "b", "c", "a:b", "a:c", "b:c" }, false })
  H.eq({ labels("y ~ x + 0") }, { { "x" }, false })
  H.eq({ labels("y ~ poly(x,2) + I(x^2/3) + log( x +1 )") },
    { { "poly(x, 2)", "I(x^2/3)", "log(x + 1)" }, true })
  H.eq({ labels("y i.a##c.b ib3.c") }, { { "factor(a)", "b", "factor(c)", "factor(a):b" }, true })
  H.eq({ labels("y ~ `odd name` + x") }, { { "`odd name`", "x" }, true })
end)

-- ===== covariates of matching and weighting =====

local match = require("csc.match")

H.case("match.ipw with a covariate formula: propensity scores equal glm() with it", function()
  local w = match.ipw{ data = d, treat = "bin", covariates = "~ x + factor(region) + poly(z, 2)" }
  local ps = w.data:column("distance")
  local fh = assert(io.open(DIR .. "ps.csv"))
  fh:read("l")
  local n = 0
  for line in fh:lines() do
    local r, p = line:match("^(%d+),(.+)$")
    H.eq(ps[tonumber(r)], tonumber(p), 1e-6)   -- IRLS to glm()'s convergence
    n = n + 1
  end
  fh:close()
  H.eq(n, 37)
  H.eq(w.info.n_dropped, 3)
  H.ok(w.method:find("~ x + factor(region) + poly(z, 2)", 1, true), w.method)
end)

-- The same columns made by hand with mutate: the formula must give the
-- same matching, balance and effect.
local hand = d:mutate("rN", 'if_else(region == "North", 1.0, 0.0)')
  :mutate("rS", 'if_else(region == "South", 1.0, 0.0)'):mutate("rW", 'if_else(region == "West", 1.0, 0.0)')
  :mutate("x2", "x ^ 2")

H.case("match.nearest with covariate formulas matches as the same columns made by hand", function()
  local a = match.nearest{ data = d, treat = "bin", covariates = "~ x + I(x^2) + region",
    ps_covariates = "~ x + region", distance = "logit" }
  local b = match.nearest{ data = hand, treat = "bin", covariates = { "x", "x2", "rN", "rS", "rW" },
    ps_covariates = { "x", "rN", "rS", "rW" }, distance = "logit" }
  H.eq(a.pairs:column("control_row"), b.pairs:column("control_row"))
  H.eq(a.data:column("distance"), b.data:column("distance"), 1e-12)
  H.eq(a.spec.covariates, { "x", "I(x^2)", "regionNorth", "regionSouth", "regionWest" })
  local m = match.nearest{ data = d, treat = "bin", covariates = "~ x + I(x^2) + region" }
  local mb = match.nearest{ data = hand, treat = "bin", covariates = { "x", "x2", "rN", "rS", "rW" } }
  H.eq(m.pairs:column("control_row"), mb.pairs:column("control_row"))
  H.ok(m.method:find("the columns of ~ x + I(x^2) + region", 1, true), m.method)
  -- balance on the formula's columns, by their R names
  local bal = m:balance()
  H.eq(bal.rows[2].covariate, "I(x^2)")
  local bal2 = match.balance{ data = d, treat = "bin", covariates = "~ factor(region, ref = \"West\")" }
  H.eq(bal2.rows[1].covariate, "factor(region)East")
end)

H.case("match.effect with an adjustment formula equals the same columns made by hand", function()
  local a = match.effect{ data = d, outcome = "y", treat = "bin", adjust = "~ x + region" }
  local b = match.effect{ data = hand, outcome = "y", treat = "bin", adjust = { "x", "rN", "rS", "rW" } }
  H.eq({ a.estimate, a.se, a.n_used }, { b.estimate, b.se, b.n_used }, 1e-12)
  H.eq(a.n_used, 37)
  H.raises("a covariate formula has no outcome: start it with \"~\"", match.effect,
    { data = d, outcome = "y", treat = "bin", adjust = "y ~ x" })
  H.raises("no intercept to remove", match.ipw, { data = d, treat = "bin", covariates = "~ x - 1" })
end)

-- ===== adjustment sets of the time-series designs =====

local its = require("csc.its")

H.case("its.segmented with covariates = \"~ z1 + factor(q)\" matches lm() with the same terms", function()
  local s = assert(hframe.read_csv(DIR .. "series.csv"))
  local res = its.segmented{ data = s, time = "time", y = "y", interruption = 16, autocorrelation = "none",
    covariates = "~ z1 + factor(q)" }
  local want, order = {}, {}
  local fh = assert(io.open(DIR .. "series_fit.csv"))
  fh:read("l")
  for line in fh:lines() do
    local t, e, se = line:match('^"(.*)",([^,]+),([^,]+)$')
    order[#order + 1] = t
    want[#want + 1] = { tonumber(e), tonumber(se) }
  end
  fh:close()
  H.eq(#res.fit.coef, #want)
  for j = 1, #want do
    H.eq({ res.fit.coef[j], res.fit.se[j] }, want[j], 1e-8)
  end
  H.eq({ res.fit.terms[6], res.fit.terms[8] }, { "factor(q)Q2", "factor(q)Q4" })
  H.eq(res.covariates_formula, "~ z1 + factor(q)")
  -- the same with a list of columns
  local s2 = s:mutate("q2", 'if_else(q == "Q2", 1.0, 0.0)'):mutate("q3", 'if_else(q == "Q3", 1.0, 0.0)')
    :mutate("q4", 'if_else(q == "Q4", 1.0, 0.0)')
  local res2 = its.segmented{ data = s2, time = "time", y = "y", interruption = 16, autocorrelation = "none",
    covariates = { "z1", "q2", "q3", "q4" } }
  H.eq(res2.fit.coef, res.fit.coef, 1e-12)
  -- a covariate missing in a period is an analysis error naming it
  local s3 = s:mutate("z1", "if_else(time == 20, z1 / 0, z1)")
  H.raises("covariate z1 is missing or not a number at time 20", its.segmented, { data = s3, time = "time", y = "y",
    interruption = 16, autocorrelation = "none", covariates = "~ z1" })
end)

H.case("its.did with covariates from \"~ z + factor(q)\" matches lm() for the 2x2 and two-way FE fits", function()
  local pd = assert(hframe.read_csv(DIR .. "did_panel.csv"))
  local names, g = formula.covariates("~ z + factor(q)", pd, { fn = "test", field = "covariates" })
  H.eq(names, { "z", "factor(q)lo", "factor(q)mid" })
  local P = its.panel{ data = g, unit = "unit", time = "year", value = "y", covariates = names }
  local res = its.did{ panel = P, treated = { 1, 2 }, start = 2019, vcov = "classical", covariates = names }
  local want = {}
  local fh = assert(io.open(DIR .. "did_fit.csv"))
  fh:read("l")
  for line in fh:lines() do
    local m, t, e, se = line:match('^"(.-)","(.-)",([^,]+),([^,]+)$')
    want[m] = want[m] or {}
    want[m][#want[m] + 1] = { tonumber(e), tonumber(se) }
  end
  fh:close()
  local function pick(fit)
    local idx = {}
    for j, t in ipairs(fit.terms) do idx[t] = j end
    local out = {}
    for k, t in ipairs({ "_treat_post", "z", "factor(q)lo", "factor(q)mid" }) do
      out[k] = { fit.coef[idx[t]], fit.se[idx[t]] }
    end
    return out
  end
  H.eq(pick(res.fit_2x2), want["2x2"], 1e-8)
  H.eq(pick(res.fit_twfe), want.twfe, 1e-8)
  H.eq(res.n, 71)   -- 72 rows, one missing z
  H.raises("covariates[1]: w is not a covariate of the panel", its.did, { panel = P, treated = 1, start = 2019,
    covariates = { "w" } })
end)

H.case("design did: covariates = \"~ z + factor(q)\" gives lm()'s adjusted effects and is in the method", function()
  local sys = require("host.sys")
  local runner = require("csc.runner")
  local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-formula-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
    .. tostring(math.random(1e6))
  sys.mkdirs(tmp)
  local p = tmp .. "/didf.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { panel = { path = "%sdid_panel.csv" } },
  design = { type = "did", data = "panel", unit = "unit", time = "year", treated = { 1, 2 }, start = 2019,
    vcov = "classical", event_study = false, covariates = "~ z + factor(q)",
    outcomes = { { name = "y", column = "y" } } },
}
]], DIR)))
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  H.eq(by["y.did_2x2"].value, 1.8575112257292665, 1e-8)   -- did_fit.csv, 2x2 I(treat * post)
  H.eq(by["y.did_twfe"].value, 1.8368856569693215, 1e-8)  -- did_fit.csv, twfe
  local md = sys.read(tmp .. "/out/didf/report.md")
  H.ok(md:find("adjust for the columns of the formula `~ z + factor(q)` (z, factor(q)lo, factor(q)mid)", 1, true),
    "the formula is in the method")
end)
