-- Time-series points of csc.its and csc.model against R values in
-- tests/reference/seasonal/expected.csv (make_seasonal.R writes them with
-- the data sets beside it): seasonal harmonics by calendar month with the
-- cosine kept at half the period, near-constant design columns refused,
-- quasi-Poisson in csc.model.poisson, stable names for the level and slope
-- changes, and the DiD placebo with several treated units.
-- Tolerances, relative to each value (elements near zero are held to the
-- tolerance times 1% of the largest element of the vector):
--   CLOSED 1e-8  least squares: R and csceval both solve by Householder QR
--                (forward error about cond(X) eps; cond < 1e4 here);
--   ITER   1e-6  IRLS fits: csceval stops at R's default 1e-8 relative
--                deviance change, the reference at 1e-12, so the final
--                step's size (about 1e-8 in the coefficients) is what is
--                left; the dispersion is the Pearson statistic at the final
--                means on both sides (R's summary.glm value lags it by one
--                IRLS step and is not used).
local H = ...
local its = require("csc.its")
local model = require("csc.model")
local hframe = require("host.frame")

local CLOSED, ITER = 1e-8, 1e-6
local DIR = "tests/reference/seasonal/"

local REF = {}
do
  local fh = assert(io.open(DIR .. "expected.csv"))
  fh:read("l")
  for line in fh:lines() do
    local c, q, i, v = line:match("^([^,]+),([^,]+),(%d+),(.+)$")
    REF[c] = REF[c] or {}
    REF[c][q] = REF[c][q] or {}
    REF[c][q][tonumber(i)] = tonumber(v)
  end
  fh:close()
end

local function ref(case, q)
  local v = REF[case] and REF[case][q]
  if not v then H.fail("no reference value " .. case .. "/" .. q, 2) end
  return v
end

local function close(got, want, rtol, what)
  if type(want) == "number" then want = { want } end
  if type(got) == "number" then got = { got } end
  if #got ~= #want then H.fail(string.format("%s: %d values, need %d", what, #got, #want), 2) end
  local big = 0
  for _, w in ipairs(want) do big = math.max(big, math.abs(w)) end
  for i = 1, #want do
    local g, w = got[i], want[i]
    if type(g) ~= "number" or not (math.abs(g - w) <= rtol * math.max(math.abs(w), 0.01 * big)) then
      H.fail(string.format("%s[%d]: got %s, needed %.17g (rtol %g)", what, i, tostring(g), w, rtol), 2)
    end
  end
end

local series = hframe.read_csv(DIR .. "series.csv")

-- ===== Seasonal harmonics =====

local HARM = { "sin1", "cos1", "sin2", "cos2", "sin3", "cos3", "sin4", "cos4", "sin5", "cos5", "cos6" }

H.case("its: harmonics at half the period keep the cosine, by calendar month (lm)", function()
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2015-01-01",
    season = { type = "harmonics", harmonics = 6, period = 12 }, autocorrelation = "none" }
  local want = { "(Intercept)", "_t", "_x2015m1", "_x_t2015m1" }
  for _, h in ipairs(HARM) do want[#want + 1] = h end
  H.eq(r.fit.terms, want)
  close(r.fit.coef, ref("its_harmonics", "coef"), CLOSED, "coef")
  close(r.fit.se, ref("its_harmonics", "se"), CLOSED, "se")
end)

H.case("its: quasi-Poisson with an offset and harmonics matches glm(quasipoisson)", function()
  local r = its.segmented{ data = series, time = "month", y = "count", exposure = "pop",
    interruption = "2015-01-01", family = "poisson",
    season = { type = "harmonics", harmonics = 6, period = 12 } }
  close(r.fit.coef, ref("its_quasi_harmonics", "coef"), ITER, "coef")
  close(r.fit.se, ref("its_quasi_harmonics", "se_pearson"), ITER, "se")
  close(r.dispersion, ref("its_quasi_harmonics", "pearson_dispersion"), ITER, "dispersion")
end)

H.case("its: harmonics follow the calendar month of dates, not the time value", function()
  -- The dated fit matches R's harmonic(month, 6, 12) above (January = 1).
  -- On the number t = 0..59 (January 2012 = 0) the harmonics follow t, a
  -- phase one month away: other sine and cosine coefficients, the same fit.
  local spec = { data = series, y = "y", season = { type = "harmonics", harmonics = 2 },
    autocorrelation = "none" }
  spec.time, spec.interruption = "month", "2015-01-01"
  local dated = its.segmented(spec)
  spec.time, spec.interruption = "t", 36
  local counted = its.segmented(spec)
  close(dated.fit.fitted, counted.fit.fitted, CLOSED, "fitted")
  H.ok(math.abs(dated.fit.coef[5] - counted.fit.coef[5]) > 0.1, "sin1 differs: dated "
    .. dated.fit.coef[5] .. ", counted " .. counted.fit.coef[5])
  -- the dated sin1 is the calendar month's: R's harmonic(month, 2, 12) fit
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2015-01-01",
    season = { type = "harmonics", harmonics = 6, period = 12 }, autocorrelation = "none" }
  close(r.fit.coef[5], ref("its_harmonics", "coef")[5], CLOSED, "sin1")
end)

H.case("its: a near-constant design column is refused as collinear", function()
  -- Every other month (t = 0, 2, 4, ...) with period 12: the third
  -- harmonic's sine is sin(pi t / 2) = sin(pi k), about 1e-15, not 0.
  local n = 24
  local t, y = {}, {}
  for i = 1, n do t[i] = 2 * (i - 1); y[i] = 10 + 0.1 * i + (i > 12 and 2 or 0) + ((i * 7) % 5) / 10 end
  local f = hframe.new{ names = { "t", "y" }, columns = { t, y } }
  local msg = H.raises("the design column 'sin3' is constant over the 24 periods", its.segmented, {
    data = f, time = "t", y = "y", interruption = 24,
    season = { type = "harmonics", harmonics = 3, period = 12 }, autocorrelation = "none" })
  H.ok(msg:find("collinear", 1, true) and msg:find("season", 1, true), msg)
  -- a definition change before the sample: a column of ones
  H.raises("the design column '_def2012m1' is constant", its.segmented, { data = series, time = "month",
    y = "y", interruption = "2015-01-01", definition_change = "2012-01-01", autocorrelation = "none" })
end)

-- ===== Quasi-Poisson in csc.model =====

H.case("model.poisson{dispersion = \"pearson\"} with an offset matches glm(quasipoisson)", function()
  local f = series:mutate("lpop", "log(pop)"):mutate("x", "if_else(t >= 36, 1, 0)")
    :mutate("xt", "if_else(t >= 36, t - 36, 0)")
  local q = model.poisson{ data = f, y = "count", x = { "t", "x", "xt" }, offset = "lpop",
    dispersion = "pearson" }
  close(q.coef, ref("quasipoisson", "coef"), ITER, "coef")
  close(q.dispersion, ref("quasipoisson", "pearson_dispersion"), ITER, "dispersion")
  close(q.se, ref("quasipoisson", "se_pearson"), ITER, "se")
  H.eq(q.df, ref("quasipoisson", "df_resid")[1])
  H.eq(q.dist, "t")
  local lo, hi, p = {}, {}, {}
  for j, c in ipairs(q.coefficients) do lo[j], hi[j], p[j] = c.conf_low, c.conf_high, c.p_value end
  close(lo, ref("quasipoisson", "conf_low"), ITER, "conf_low")
  close(hi, ref("quasipoisson", "conf_high"), ITER, "conf_high")
  close(p, ref("quasipoisson", "p"), 1e-4, "p")   -- p inherits the dispersion's 1e-7 lag in R
  H.ok(q.aic == nil and q.method:find("quasipoisson", 1, true), "no AIC for a quasi-likelihood")
  -- the plain Poisson fit: same coefficients, dispersion 1, z tests
  local p0 = model.poisson{ data = f, y = "count", x = { "t", "x", "xt" }, offset = "lpop" }
  close(p0.coef, q.coef, CLOSED, "same coefficients")
  H.eq(p0.dispersion, 1)
  H.eq(p0.dist, "z")
  close(p0.se[2] * math.sqrt(q.dispersion), q.se[2], CLOSED, "se scaled by sqrt(phi)")
  H.raises("dispersion = \"pearson\" (quasi-Poisson) is for the Poisson family", model.logit,
    { data = f, y = "x", x = { "t" }, dispersion = "pearson" })
  H.raises("vcov = \"HC1\" already allows for overdispersion", model.poisson,
    { data = f, y = "count", x = { "t" }, dispersion = "pearson", vcov = "HC1" })
  H.raises("quasi is not one of \"fixed\", \"pearson\"", model.poisson,
    { data = f, y = "count", x = { "t" }, dispersion = "quasi" })
end)

-- ===== Stable names for the level and slope changes =====

H.case("its: level and slope changes under stable names at two interruptions (lm)", function()
  local r = its.segmented{ data = series, time = "month", y = "y", autocorrelation = "none",
    interruptions = { "2015-01-01", "2014-01-01" } }   -- given out of order: named in time order
  local coef, se = ref("two_breaks", "coef"), ref("two_breaks", "se")
  -- R's order: (Intercept), t, x1, xt1, x, xt
  local want = { level_change_1 = 3, slope_change_1 = 4, level_change_2 = 5, slope_change_2 = 6 }
  for name, j in pairs(want) do
    H.ok(r[name] ~= nil, "no " .. name)
    close(r[name].estimate, coef[j], CLOSED, name)
    close(r[name].std_error, se[j], CLOSED, name .. " se")
    H.eq(r[name].name, name)
  end
  H.ok(r.level_change == r.level_change_1 and r.slope_change == r.slope_change_1)
  H.eq(r.level_change_1.term, "_x2014m1")
  H.eq(r.slope_change_2.term, "_x_t2015m1")
  local names = {}
  for _, c in ipairs(r.fit.coefficients) do if c.name then names[#names + 1] = c.name end end
  H.eq(names, { "level_change_1", "slope_change_1", "level_change_2", "slope_change_2" })
end)

H.case("its: a change left out keeps the other interruptions' names", function()
  local r = its.segmented{ data = series, time = "month", y = "y", autocorrelation = "none",
    interruptions = { { at = "2014-01-01", level = false }, "2015-01-01" } }
  H.ok(r.level_change_1 == nil and r.level_change == nil, "interruption 1 has no level change")
  H.ok(r.slope_change_1 ~= nil and r.level_change_2 ~= nil and r.slope_change_2 ~= nil)
  H.eq(r.level_change_2.term, "_x2015m1")
end)

H.case("cits: the treated unit's changes under stable names", function()
  local panel = hframe.read_csv(DIR .. "panel.csv")
  local P = its.panel{ data = panel, unit = "code", time = "year", value = "rate", name = "name" }
  local r = P:cits{ treated = 101, comparators = { 201, 202, 203, 204 }, interruptions = { 2015, 2018 } }
  H.eq(r.level_change_1.term, "_z_x2015")
  H.eq(r.slope_change_2.term, "_z_x_t2018")
  H.ok(r.level_change == r.level_change_1)
  for _, c in ipairs(r.coefficients) do
    if c.term == "_z_x2018" then H.eq(c.name, "level_change_2"); close(r.level_change_2.estimate, c.estimate, 0, "same") end
  end
end)

-- ===== DiD placebo with several treated units =====

H.case("did: the placebo ranks the treated units' average among the comparators'", function()
  local panel = hframe.read_csv(DIR .. "panel.csv")
  local P = its.panel{ data = panel, unit = "code", time = "year", value = "rate", name = "name" }
  local r = its.did{ panel = P, treated = { 101, 102 }, start = 2018, placebo = true }
  local pl = r.placebo
  close(pl.estimate, ref("did_placebo", "treated_estimate"), CLOSED, "average treated estimate")
  close(r.two_by_two.estimate, pl.estimate, CLOSED, "the 2x2 estimate is that average")
  local each, plac = {}, {}
  for _, row in ipairs(pl.rows) do
    if row.role == "treated unit" then each[#each + 1] = row.estimate; H.ok(not row.ranked) end
    if row.role == "placebo" then plac[#plac + 1] = row.estimate; H.ok(row.ranked) end
  end
  close(each, ref("did_placebo", "treated_each"), CLOSED, "each treated unit")
  close(plac, ref("did_placebo", "placebo"), CLOSED, "placebo estimates")
  H.eq(pl.rank, ref("did_placebo", "rank")[1])
  H.eq(pl.n, ref("did_placebo", "n")[1])
  close(pl.p_two, ref("did_placebo", "p_two"), CLOSED, "p")
  H.eq(pl.n_treated, 2)
  H.ok(pl.note:find("conservative", 1, true), "the note says the ranking is conservative")
  -- one treated unit: its own estimate is the one ranked, as before
  local one = its.did{ panel = P, treated = 101, start = 2018, placebo = true }
  H.eq(one.placebo.rows[1].role, "treated")
  H.ok(one.placebo.rows[1].ranked)
  H.eq(one.placebo.estimate, one.placebo.rows[1].estimate)
  H.eq(one.placebo.n, 10)   -- the treated unit and the other 9 units
end)

H.case("its: at half the period the sine stays when the seasons are not whole numbers", function()
  -- times in half months (period 12 at step 0.5): sin(pi s) takes 0, 1, 0, -1, ...
  local t, y = {}, {}
  for i = 1, 48 do t[i] = (i - 1) / 2; y[i] = 5 + 0.05 * i + (i > 30 and 1 or 0) + math.sin(math.pi * t[i]) + ((i * 7) % 5) / 10 end
  local f = hframe.new{ names = { "t", "y" }, columns = { t, y } }
  local r = its.segmented{ data = f, time = "t", y = "y", interruption = 15,
    season = { type = "harmonics", harmonics = 6, period = 12 }, autocorrelation = "none" }
  local has = {}
  for _, term in ipairs(r.fit.terms) do has[term] = true end
  H.ok(has.sin6 and has.cos6, "sin6 and cos6 both kept")
end)
