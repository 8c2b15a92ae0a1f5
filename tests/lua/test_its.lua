-- Interrupted time series (csc.its, host.its, the its/cits/did designs)
-- against R values in tests/reference/its/expected.csv, written by
-- make_its.R with the data sets beside it.  Tolerances, relative to each
-- value (elements of a vector or matrix near zero are held to the
-- tolerance times 1% of the largest element, because cancellation leaves
-- them the absolute error of the large ones):
--   CLOSED 1e-8  closed-form least squares and sandwich covariances: R and
--                csceval both solve by Householder QR (forward error about
--                cond(X) eps, cond < 1e4 here), so 1e-8 leaves five digits
--                of room and still catches a wrong formula;
--   ITER   1e-6  iterative fits (Prais-Winsten's rho iteration stops at
--                |change| < 1e-6 in csceval, as Stata, and 1e-10 in the R
--                reference; Poisson IRLS stops at R's 1e-8 deviance
--                change) and Pan's exact Durbin-Watson p (numerical
--                quadrature on both sides).
--   QUASI  1e-4  quasi-Poisson dispersion: R's summary.glm takes it from the
--                working weights of the last IRLS iteration, which lag the
--                final fit by one step (so they differ from the final means
--                by about the convergence tolerance); csceval uses the
--                Pearson statistic at the final means.  Measured: 7e-6.
local H = ...
local its = require("csc.its")
local hits = require("host.its")
local hframe = require("host.frame")
local NA = hframe.NA

local CLOSED, ITER, QUASI = 1e-8, 1e-6, 1e-4
local DIR = "tests/reference/its/"

-- ===== The reference file =====

-- case -> quantity -> values, from one of the reference files.
local function load_ref(file, into)
  local fh = assert(io.open(DIR .. file))
  fh:read("l")
  for line in fh:lines() do
    local c, q, i, v = line:match("^([^,]+),([^,]+),(%d+),(.+)$")
    into[c] = into[c] or {}
    into[c][q] = into[c][q] or {}
    into[c][q][tonumber(i)] = v == "NA" and (0 / 0) or tonumber(v)
  end
  fh:close()
  return into
end
local REF = load_ref("expected.csv", {})
load_ref("cits2_expected.csv", REF)   -- make_cits2.R: two interruptions

local function ref(case, q)
  local v = REF[case] and REF[case][q]
  if not v then H.fail("no reference value " .. case .. "/" .. q, 2) end
  return v
end

local function flat(m)
  if type(m[1]) ~= "table" then return m end
  local out = {}
  for a = 1, #m do for c = 1, #m[a] do out[#out + 1] = m[a][c] end end
  return out
end

--- got and want (numbers, vectors or matrices) within rtol, each element
-- relative to max(|want_i|, 1% of the largest |want|).
local function close(got, want, rtol, what)
  if type(want) == "number" then want = { want } end
  if type(got) == "number" then got = { got } end
  got, want = flat(got), flat(want)
  if #got ~= #want then H.fail(string.format("%s: %d values, need %d", what, #got, #want), 2) end
  local big = 0
  for _, w in ipairs(want) do big = math.max(big, math.abs(w)) end
  for i = 1, #want do
    local g, w = got[i], want[i]
    local scale = math.max(math.abs(w), 0.01 * big)
    if type(g) ~= "number" or not (math.abs(g - w) <= rtol * scale) then
      H.fail(string.format("%s[%d]: got %.17g, needed %.17g (rtol %g)", what, i, tostring(g) == g and 0 / 0 or g, w, rtol), 2)
    end
  end
end

local function read(name)
  return hframe.read_csv(DIR .. name .. ".csv")
end

local function lc_vec(r)
  return { r.estimate, r.std_error, r.statistic, r.p_value, r.conf_low, r.conf_high }
end

-- ===== Single series =====

local series = read("its_series")

H.case("its: segmented OLS matches lm (coefficients, classical covariance)", function()
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2018-04-01",
    autocorrelation = "none" }
  close(r.fit.coef, ref("its", "coef"), CLOSED, "coef")
  close(r.fit.vcov, ref("its", "vcov_classical"), CLOSED, "vcov")
  H.eq(r.fit.terms, { "(Intercept)", "_t", "_x2018m4", "_x_t2018m4" })
  -- the counterfactual is the pre-period line projected (classical covariance)
  local post = 0
  for _, row in ipairs(r.periods) do
    if row.post then
      local w = ref("its", "cf_classical_" .. post)
      close({ row.counterfactual, row.counterfactual_se }, { w[1], w[2] }, CLOSED, "cf " .. row.label)
      post = post + 1
    end
  end
  H.eq(post, 12)
end)

H.case("its: Newey-West lag 2 matches sandwich::NeweyWest(prewhite = FALSE, adjust = TRUE)", function()
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2018-04-01",
    autocorrelation = { method = "newey", lag = 2 } }
  close(r.fit.vcov, ref("its", "vcov_NW2"), CLOSED, "vcov NW2")
  H.eq(r.choice.method, "newey")
  local post = 0
  for _, row in ipairs(r.periods) do
    if row.post then
      local w = ref("its", "effect_NW2_" .. post)
      close({ row.effect, row.effect_se, row.effect_p, row.effect_lo, row.effect_hi },
        { w[1], w[2], w[4], w[5], w[6] }, CLOSED, "effect " .. row.label)
      post = post + 1
    end
  end
end)

H.case("its: the within-unit HAC of host.its with one series is NeweyWest", function()
  local y = series:column("y")
  local t = {}
  for i = 1, #y do t[i] = i - 1 end
  local p = hits.panel{ Y = { y }, t = t }
  local r = p:fit{ treated = 1, single = true, breaks = { { t = 24 } }, lag = 2, lines = false }
  close(r.vcov, ref("its", "vcov_NW2"), CLOSED, "host HAC")
  close(r.vcov, ref("its", "vcov_NW2_panel"), CLOSED, "R panel formula")
end)

H.case("its: Durbin-Watson, Breusch-Godfrey, Ljung-Box and PACF match lmtest and stats", function()
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2018-04-01",
    max_lag = 6 }
  local d = r.diagnostics
  close({ d.dw.statistic, d.dw.p_value }, ref("its", "dw"), ITER, "dwtest")
  close({ d.bg[1].statistic, d.bg[1].p_value }, ref("its", "bg1"), CLOSED, "bgtest order 1")
  close({ d.bg[3].statistic, d.bg[3].p_value }, ref("its", "bg3"), CLOSED, "bgtest order 3")
  close({ d.ljung_box.statistic, d.ljung_box.p_value }, ref("its", "ljungbox6"), CLOSED, "Ljung-Box")
  close(d.acf.pacf, ref("its", "pacf"), CLOSED, "pacf")
  H.ok(type(r.choice.reason) == "string" and #r.choice.reason > 40, "the choice is explained")
end)

H.case("its: Prais-Winsten matches Stata prais (iterated, rhotype(regress))", function()
  local r = its.segmented{ data = series, time = "month", y = "y", interruption = "2018-04-01",
    autocorrelation = "prais" }
  close(r.fit.rho, ref("its_prais", "rho"), ITER, "rho")
  close(r.fit.coef, ref("its_prais", "coef"), ITER, "coef")
  close(r.fit.vcov, ref("its_prais", "vcov"), ITER, "vcov")
end)

H.case("its: Poisson and quasi-Poisson match glm", function()
  local r = its.segmented{ data = series, time = "month", y = "count", interruption = "2018-04-01",
    family = "poisson", dispersion = "fixed" }
  close(r.fit.coef, ref("its_poisson", "coef"), ITER, "coef")
  close(r.fit.se, ref("its_poisson", "se"), ITER, "se")
  local q = its.segmented{ data = series, time = "month", y = "count", interruption = "2018-04-01",
    family = "poisson" }
  close(q.fit.se, ref("its_quasipoisson", "se"), QUASI, "quasi se")
  close(q.dispersion, ref("its_quasipoisson", "dispersion"), QUASI, "dispersion")
  close(q.fit.p_value, ref("its_quasipoisson", "p"), QUASI, "quasi p")
  -- one dispersion serves the ITS engine and model.glm{dispersion = "pearson"}
  H.eq(require("csc.model").pearson_dispersion(r.fit), q.dispersion)
  -- rate ratio = exp(level + slope (t - T)) at each post period
  for _, row in ipairs(q.periods) do
    if row.post then H.ok(row.ratio > 0 and row.ratio_lo < row.ratio and row.ratio < row.ratio_hi) end
  end
end)

H.case("its: a single post period estimates the level change only, and says so", function()
  local short = series:head(25)
  local r = its.segmented{ data = short, time = "month", y = "y", interruption = "2018-04-01" }
  H.eq(r.fit.terms, { "(Intercept)", "_t", "_x2018m4" })
  H.ok(r.notes[1]:find("only a change in level", 1, true))
  H.ok(r.warnings[1]:find("Short series", 1, true))
end)

H.case("its: errors name the field", function()
  H.raises("its.segmented: interruption: 1 observed period(s) before", its.segmented,
    { data = series, time = "month", y = "y", interruption = "2016-05-01" })
  H.raises("its.segmented: y: no column \"yy\" in the data (did you mean \"y\"?)", its.segmented,
    { data = series, time = "month", y = "yy", interruption = "2018-04-01" })
  H.raises("its.segmented: unknown field 'interuption' (did you mean \"interruption\"?)", its.segmented,
    { data = series, time = "month", y = "y", interuption = "2018-04-01" })
  H.raises("exclude[1]: no period 2030-01 in the data", its.segmented,
    { data = series, time = "month", y = "y", interruption = "2018-04-01", exclude = { "2030-01-01" } })
  H.raises("Newey-West and Prais-Winsten are for the gaussian family", its.segmented,
    { data = series, time = "month", y = "count", interruption = "2018-04-01", family = "poisson",
      autocorrelation = "prais" })
end)

-- ===== Comparative ITS =====

local cpanel = read("cits_panel")
local P = its.panel{ data = cpanel, unit = "unit", time = "year", value = "pct", weight = "population" }

H.case("cits: itsa terms, pooled comparators, Newey-West within series (lags 0 and 2)", function()
  for _, L in ipairs({ 0, 2 }) do
    local r = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015,
      definition_change = 2014, exclude = { 2018 }, lag = L }
    H.eq(r.terms, { "(Intercept)", "_t", "_z", "_z_t", "_x2015", "_x_t2015", "_z_x2015", "_z_x_t2015", "_def2014" })
    close(r.coef, ref("cits_pool", "coef"), CLOSED, "coef")
    close(r.vcov, ref("cits_pool", "vcov_rows" .. L), CLOSED, "vcov lag " .. L)
    close(r.df_resid, ref("cits_pool", "df_resid")[1], CLOSED, "df")
    close(lc_vec(r.impact), ref("cits_pool", "impact2019_rows" .. L .. "_t"), CLOSED, "impact t")
    local z = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015,
      definition_change = 2014, exclude = { 2018 }, lag = L, inference = "z" }
    close(lc_vec(z.impact), ref("cits_pool", "impact2019_rows" .. L .. "_z"), CLOSED, "impact z")
  end
  local rt = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015,
    definition_change = 2014, exclude = { 2018 }, lag = 2, hac = "time" }
  close(rt.vcov, ref("cits_pool", "vcov_time2"), CLOSED, "vcov lag 2, lags in years")
end)

H.case("cits: comparators averaged with population weights", function()
  local r = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015,
    exclude = { 2018 }, lag = 1, combine = "weighted" }
  close(r.coef, ref("cits_weighted", "coef"), CLOSED, "coef")
  close(r.vcov, ref("cits_weighted", "vcov_rows1"), CLOSED, "vcov")
  close(lc_vec(r.impact), ref("cits_weighted", "impact2019_t"), CLOSED, "impact")
end)

H.case("cits: logit sensitivity, impact back on the percentage scale by the delta method", function()
  local r = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015,
    definition_change = 2014, exclude = { 2018 }, lag = 2, logit = true, scale = 100 }
  close(lc_vec(r.impact), ref("cits_logit", "impact2019_logit"), CLOSED, "logit impact")
  local o = r.impact.original
  close({ o.estimate, o.std_error, o.p_value, o.conf_low, o.conf_high }, ref("cits_logit", "impact2019_orig"),
    CLOSED, "impact in percentage points")
end)

H.case("cits: the impact is the lincom of _z_x and _z_x_t, and 0 before the interruption", function()
  local r = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015, lag = 1 }
  local lc = r:lincom{ _z_x2015 = 1, _z_x_t2015 = 4 }
  close({ lc.estimate, lc.std_error }, { r.impact.estimate, r.impact.std_error }, 1e-12, "lincom")
  for _, row in ipairs(r.periods) do
    if not row.post then H.eq(row.impact, 0) end
  end
end)

-- Two interruptions two periods apart (make_cits2.R): the segment 2016-2017
-- has two periods and its own level and slope, so the model passes through
-- them; a slope resting on them alone has robust variance 0 (R's c'Vc is
-- 1e-13 of the sum of its terms' sizes, rounding).  Such a slope has no
-- standard error (NA and a note), never a "negative variance" error or a
-- spurious SE; every other estimate matches R.
H.case("cits: two interruptions, a two-period segment: estimates and SEs as R, no SE where the variance is 0", function()
  local Q = its.panel{ data = read("cits2_panel"), unit = "unit", time = "year", value = "pct" }
  local segs = { "before 2016", "from 2016", "from 2018" }
  local who = { "treated", "comparators", "difference" }
  for _, case in ipairs({ { "cits2_pool_lag0", "pool", 0 }, { "cits2_pool_lag1", "pool", 1 },
      { "cits2_mean_lag1", "mean", 1 } }) do
    local name, combine, lag = case[1], case[2], case[3]
    local r = Q:cits{ treated = 901, comparators = { 902, 903, 904, 905 }, interruptions = { 2016, 2018 },
      combine = combine, lag = lag }
    H.eq(r.terms, { "(Intercept)", "_t", "_z", "_z_t", "_x2016", "_x_t2016", "_z_x2016", "_z_x_t2016",
      "_x2018", "_x_t2018", "_z_x2018", "_z_x_t2018" })
    close(r.coef, ref(name, "coef"), CLOSED, name .. " coef")
    close(r.vcov, ref(name, "vcov"), CLOSED, name .. " vcov")
    close(r.df_resid, ref(name, "df_resid")[1], CLOSED, name .. " df")
    close(lc_vec(r.impact), ref(name, "impact2020"), CLOSED, name .. " impact at 2020")
    local zero = 0
    for s = 1, 3 do
      for w = 1, 3 do
        local row = r.trends[(s - 1) * 3 + w]
        H.eq(row.segment, who[w] .. ", " .. segs[s])
        local want = ref(name, "slope_" .. who[w] .. (s - 1))   -- estimate, c'Vc, sum |c_a V_ab c_b|
        close(row.estimate, want[1], CLOSED, name .. " " .. row.segment)
        if math.abs(want[2]) <= 1e-10 * want[3] then
          zero = zero + 1
          H.eq(row.std_error, nil)
          H.eq(row.p_value, nil)
          H.eq(row.conf_low, nil)
        else
          close(row.std_error, math.sqrt(want[2]), CLOSED, name .. " se " .. row.segment)
        end
      end
    end
    -- pooled: the treated slope from 2016; mean: the comparators' mean series
    -- is fitted exactly there too, and so is the difference
    H.eq(zero, combine == "pool" and 1 or 3)
    local said = 0
    for _, n in ipairs(r.notes) do if n:find("has no standard error", 1, true) then said = said + 1 end end
    H.eq(said, zero)
    -- the per-period impact there is still tested (it compares with the projection)
    for _, row in ipairs(r.periods) do
      if row.post then H.ok(row.impact_se > 0 and row.impact_p == row.impact_p, "impact se at " .. row.label) end
    end
  end
end)

H.case("its: a single series' slope over a two-period segment has no Newey-West SE (not 0, p 0)", function()
  local yr, pct = {}, {}
  for line in io.lines(DIR .. "cits2_panel.csv") do
    local u, y, v = line:match("^(%d+),(%d+),([-%d.]+)$")
    if u == "901" then yr[#yr + 1], pct[#pct + 1] = tonumber(y), tonumber(v) end
  end
  local f = hframe.new{ names = { "year", "pct" }, columns = { yr, pct } }
  local r = its.segmented{ data = f, time = "year", y = "pct", interruptions = { 2016, 2018 },
    autocorrelation = { method = "newey", lag = 1 } }
  H.eq(r.trends[2].segment, "from 2016")
  H.eq(r.trends[2].std_error, nil)
  H.ok(r.trends[1].std_error > 0 and r.trends[3].std_error > 0)
  local said = false
  for _, n in ipairs(r.notes) do said = said or n:find("\"from 2016\" has no standard error", 1, true) ~= nil end
  H.ok(said, "a note says why")
end)

H.case("match: level and trend differences as itsamatch", function()
  local m = P:match{ treated = 801, before = 2015, lag = 1, threshold = 0.05 }
  H.eq(#m.rows, 3)
  for _, row in ipairs(m.rows) do
    local w = ref("match", "cand" .. row.code)
    close({ row.level_diff, row.level_p, row.trend_diff, row.trend_p }, w, CLOSED, "candidate " .. row.code)
    H.eq(row.kept, row.level_p > 0.05 and row.trend_p > 0.05)
    H.ok(type(row.reason) == "string" and (row.reason:match("^kept") or row.reason:match("^dropped")))
  end
  local d = P:match{ treated = 801, before = 2015, method = "distance", n = 2 }
  H.eq(#d.kept, 2)
  H.ok(d.rows[1].distance ~= nil)
end)

H.case("pool: statistical neighbours and region", function()
  local f = hframe.new{ names = { "code", "year", "v", "region" },
    columns = { { 1, 1, 2, 2, 3, 3, 4, 4 }, { 1, 2, 1, 2, 1, 2, 1, 2 }, { 1, 2, 3, 4, 5, 6, 7, 8 },
      { "A", "A", "A", "A", "B", "B", "A", "A" } } }
  local Q = its.panel{ data = f, unit = "code", time = "year", value = "v", region = "region" }
  H.eq(its.pool{ panel = Q, treated = 1, neighbours = { 2, 3 } }.codes, { "2", "3" })
  H.eq(its.pool{ panel = Q, treated = 1, region = "same" }.codes, { "2", "4" })
  H.eq(its.pool{ panel = Q, treated = 1, neighbours = { 2, 3 }, region = "same" }.codes, { "2" })
  H.eq(its.pool{ panel = Q, treated = 1, neighbours = { 3 }, region = "same", combine = "either" }.codes,
    { "2", "3", "4" })
end)

-- A panel where unit 1 has a clear impact and 11 others none: placebo rank 1.
local function placebo_panel()
  local u, t, v = {}, {}, {}
  for unit = 1, 12 do
    for y = 2010, 2022 do
      u[#u + 1], t[#t + 1] = unit, y
      v[#v + 1] = 50 + unit + 0.5 * (y - 2010) + ((unit == 1 and y >= 2018) and 10 or 0)
        + math.sin(unit * 1.3 + y * 0.7)
    end
  end
  return its.panel{ data = hframe.new{ names = { "u", "y", "v" }, columns = { u, t, v } },
    unit = "u", time = "y", value = "v" }
end

H.case("placebo: the treated unit ranks first and p = 1/N", function()
  local Q = placebo_panel()
  local r = Q:placebo{ treated = 1, interruption = 2018, combine = "mean" }
  H.eq(r.n, 12)
  H.eq(r.rank, 1)
  close(r.p_two, 1 / 12, 1e-15, "p")
  local rs = Q:placebo{ treated = 1, comparators = { 2, 3, 4 }, comparators_rule = "same",
    interruption = 2018, statistic = "t" }
  H.eq(rs.rank, 1)
  -- the same call gives the same bytes of result
  local again = Q:placebo{ treated = 1, interruption = 2018, combine = "mean" }
  for i, row in ipairs(r.rows) do H.eq(again.rows[i].estimate, row.estimate) end
end)

H.case("cits: errors name the field", function()
  H.raises("its.cits: comparators[2]: unit 999 is not in the data", P.cits, P,
    { treated = 801, comparators = { 802, 999 }, interruption = 2015 })
  H.raises("its.cits: comparators[1]: 801 is the treated unit", P.cits, P,
    { treated = 801, comparators = { 801 }, interruption = 2015 })
  H.raises("its.cits: effect_at: 2012 is before the interruption (2015)", P.cits, P,
    { treated = 801, comparators = { 802 }, interruption = 2015, effect_at = 2012 })
  H.raises("has no logit", P.cits, its.panel{ data = hframe.new{ names = { "u", "y", "v" },
      columns = { { 1, 1, 1, 2, 2, 2 }, { 1, 2, 3, 1, 2, 3 }, { 10, 100, 20, 30, 40, 50 } } },
      unit = "u", time = "y", value = "v" },
    { treated = 1, comparators = { 2 }, interruption = 3, logit = true })
end)

-- ===== Difference-in-differences =====

local dpanel = read("did_panel")
local DP = its.panel{ data = dpanel, unit = "unit", time = "year", value = "y" }
local treated6 = { 1, 2, 3, 4, 5, 6 }

H.case("did: 2x2 with CR1 (vcovCL HC1) and tests on G - 1 df", function()
  local r = its.did{ panel = DP, treated = treated6, start = 2019 }
  close(r.fit_2x2.coef, ref("did_2x2", "coef"), CLOSED, "coef")
  close(r.fit_2x2.vcov, ref("did_2x2", "vcov_CR1"), CLOSED, "vcov")
  close(r.two_by_two.p_value, ref("did_2x2", "p_G1")[1], CLOSED, "p on G - 1 df")
  H.eq(r.two_by_two.df, 19)
  close({ r.twfe.estimate, r.twfe.std_error, r.twfe.p_value },
    { ref("did_twfe", "coef")[1], ref("did_twfe", "se")[1], ref("did_twfe", "p_G1")[1] }, CLOSED, "twfe")
end)

H.case("event study: coefficients, clustered SEs and the joint pre-trend test", function()
  local r = its.event_study{ panel = DP, treated = treated6, start = 2019, leads = 3, lags = 2 }
  local est, se = {}, {}
  for i, row in ipairs(r.rows) do est[i], se[i] = row.estimate, row.std_error end
  H.eq({ r.rows[1].k, r.rows[2].k, r.rows[3].k }, { -3, -2, 0 })
  close(est, ref("event", "coef"), CLOSED, "coef")
  close(se, ref("event", "se"), CLOSED, "se")
  close({ r.pretrend.F, r.pretrend.df1, r.pretrend.df2, r.pretrend.p_value }, ref("event", "pretrend"),
    CLOSED, "pretrend")
end)

H.case("did: one treated unit gets the single-cluster warning", function()
  local r = its.did{ panel = DP, treated = 1, start = 2019 }
  H.ok(r.notes[1]:find("one treated unit", 1, true))
end)

-- ===== The designs, through a recipe =====

local sys = require("host.sys")
local runner = require("csc.runner")
local tmp = (os.getenv("TMPDIR") or "/tmp") .. "/csceval-test-its-" .. tostring(os.time()) .. "-" .. tostring(require("host.sys").pid()) .. "-"
  .. tostring(math.random(1e6))
sys.mkdirs(tmp)

local function recipe(name, design)
  local p = tmp .. "/" .. name .. ".lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { panel = { path = "%scits_panel.csv" }, series = { path = "%sits_series.csv" } },
  design = %s,
}
]], DIR, DIR, design)))
  return p
end

H.case("cits design: two interruptions two periods apart run, the exact-fit slope shown without an SE", function()
  local p = tmp .. "/cits_two.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { panel = { path = "%scits2_panel.csv" } },
  design = { type = "cits", data = "panel", unit = "unit", time = "year", treated = 901,
    interruptions = { 2016, 2018 }, lag = 0,
    outcomes = { { name = "pct", column = "pct", comparators = { 902, 903, 904, 905 } } } },
}
]], DIR)))
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md", "csv" } })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  local w = ref("cits2_pool_lag0", "impact2020")
  close({ by["pct.impact"].value, by["pct.impact"].se }, { w[1], w[2] }, CLOSED, "design impact")
  local csv = assert(sys.read(tmp .. "/out/cits_two/pct_trends.csv"))
  H.ok(csv:find("\"treated, from 2016\",[-%d.e]+,,,,\n") ~= nil, "no SE, p or interval for the exact-fit slope:\n" .. csv)
  H.ok(csv:find("\"treated, from 2018\",[-%d.e]+,[%d.e-]+,") ~= nil, "the others have one")
  local md = assert(sys.read(tmp .. "/out/cits_two/report.md"))
  H.ok(md:find("has no standard error", 1, true), "the report says why")
end)

H.case("cits design: estimates, tables and a chart; errors point at the field", function()
  local p = recipe("cits_ok", [[{ type = "cits", data = "panel", unit = "unit", time = "year",
    treated = 801, interruption = 2015, definition_change = 2014, exclude = { 2018 },
    outcomes = { { name = "pct", column = "pct", comparators = { 802, 803, 804 }, lag = 2, logit = true } },
    placebo = true }]])
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md", "csv", "json" } })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  local w = ref("cits_pool", "impact2019_rows2_t")
  close({ by["pct.impact"].value, by["pct.impact"].se }, { w[1], w[2] }, CLOSED, "design impact")
  H.ok(by["pct.impact_logit_pp"] and by["pct.placebo_p"], "sensitivity and placebo estimates")
  H.ok(sys.read(tmp .. "/out/cits_ok/pct.svg"), "the chart is written")
  local bad = recipe("cits_bad", [[{ type = "cits", data = "panel", unit = "unit", time = "year",
    treated = 801, interruption = 2015,
    comparators = { 802,
      999 },
    outcomes = { { name = "pct", column = "pct" } } }]])
  local msg = H.raises("design.comparators[2]: unit 999 is not in the data", runner.run, bad,
    { out = tmp .. "/out" })
  H.ok(msg:find("cits_bad.lua:7:", 1, true), "the message names the recipe line: " .. msg)
end)

H.case("its design: runs on a monthly series and explains the standard errors", function()
  local p = recipe("its_ok", [[{ type = "its", data = "series", time = "month", interruption = "2018-04-01",
    outcomes = { { name = "y", column = "y" }, { name = "count", column = "count", family = "poisson" } } }]])
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  H.ok(by["y.level_change"] and by["y.slope_change"] and by["count.level_ratio"])
  local md = sys.read(tmp .. "/out/its_ok/report.md")
  H.ok(md:find("## Standard errors: y", 1, true), "a section explains the choice")
end)

-- ===== Regression tests for the audit of the panel designs =====

-- A fit on a panel whose only comparator is the given series.
local function fit_on_series(Pw, series, opts)
  local u, t, v = {}, {}, {}
  for p, x in ipairs(Pw.times) do
    u[#u + 1], t[#t + 1], v[#v + 1] = 1, x, Pw.Y[Pw.index["801"]][p]
    u[#u + 1], t[#t + 1], v[#v + 1] = 2, x, series[p]
  end
  local Q = its.panel{ data = hframe.new{ names = { "u", "y", "v" }, columns = { u, t, v } },
    unit = "u", time = "y", value = "v" }
  local spec = { treated = 1, comparators = { 2 } }
  for k, x in pairs(opts) do spec[k] = x end
  return Q:cits(spec)
end

H.case("cits: combine = \"mean\" is unweighted even when the panel has weights; \"weighted\" uses them", function()
  local opts = { interruption = 2015, exclude = { 2018 }, lag = 1 }
  local cu = { 802, 803, 804 }
  local mean, wmean = {}, {}
  for p = 1, #P.times do
    local s, sw, sy = 0, 0, 0
    for _, c in ipairs(cu) do
      local u = P.index[tostring(c)]
      s = s + P.Y[u][p]
      sw, sy = sw + P.W[u][p], sy + P.W[u][p] * P.Y[u][p]
    end
    mean[p], wmean[p] = s / #cu, sy / sw
  end
  local spec = { treated = 801, comparators = cu, combine = "mean" }
  for k, x in pairs(opts) do spec[k] = x end
  local rm = P:cits(spec)
  close(rm.coef, fit_on_series(P, mean, opts).coef, 1e-10, "mean = fit on the unweighted mean")
  spec.combine = "weighted"
  local rw = P:cits(spec)
  close(rw.coef, fit_on_series(P, wmean, opts).coef, 1e-10, "weighted = fit on the weighted mean")
  H.ok(math.abs(rm.coef[3] - rw.coef[3]) > 1e-6, "the two modes differ on this panel")
  -- the observed comparator line is the same mean as the fitted one
  for p, row in ipairs(rm.periods) do close(row.obs_c, mean[p], 1e-12, "obs_c mean") end
  for p, row in ipairs(rw.periods) do close(row.obs_c, wmean[p], 1e-12, "obs_c weighted") end
end)

H.case("cits: the counterfactual is the projection moved by the comparators' departure", function()
  local r = P:cits{ treated = 801, comparators = { 802, 803, 804 }, interruption = 2015, lag = 1 }
  for _, row in ipairs(r.periods) do
    if row.post then
      close(row.counterfactual, row.cf_t + (row.fit_c - row.cf_c), 1e-12, "counterfactual " .. row.label)
      close(row.fit_t - row.counterfactual, row.impact, 1e-10, "impact = fitted - counterfactual")
      close({ row.counterfactual_lo, row.counterfactual_hi }, { row.fit_t - row.impact_hi, row.fit_t - row.impact_lo },
        1e-12, "band")
    end
  end
end)

H.case("event study: with one treated cluster the joint pre-trend test is not defined (no p-value)", function()
  local r = its.event_study{ panel = DP, treated = 1, start = 2019, leads = 3, lags = 2 }
  H.eq(r.pretrend.defined, false)
  H.eq(r.pretrend.p_value, nil)
  H.ok(r.pretrend.note:find("not defined", 1, true))
  local ok = its.event_study{ panel = DP, treated = treated6, start = 2019, leads = 3, lags = 2 }
  H.eq(ok.pretrend.defined, true)
end)

-- A panel with suppressed values and a unit that stops: the design says so.
local function write_gappy_panel(path)
  local lines = { "unit,year,rate" }
  for unit = 1, 8 do
    for y = 2010, 2022 do
      local v = 50 + 3 * unit + 0.7 * (y - 2010) + ((unit == 1 and y >= 2017) and 4 or 0)
        + 1.5 * math.sin(unit * 1.9 + y * 0.8)
      local cell = string.format("%.3f", v)
      if unit == 3 and y == 2012 then cell = "x" end
      if unit == 5 and y == 2014 then cell = "c" end
      if not (unit == 8 and y >= 2016) then lines[#lines + 1] = string.format("%d,%d,%s", unit, y, cell) end
    end
  end
  assert(sys.write_atomic(path, table.concat(lines, "\n") .. "\n"))
end

H.case("cits design: missing values are named (unit, period, reason); counts, p-values, formula, charts", function()
  write_gappy_panel(tmp .. "/gappy.csv")
  local p = tmp .. "/cits_gaps.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { panel = { path = "%s/gappy.csv" } },
  design = { type = "cits", data = "panel", unit = "unit", time = "year", treated = 1,
    interruption = 2017, lag = 1,
    select = { candidates = { 2, 3, 4, 5, 6, 7 }, method = "distance", n = 3 },
    outcomes = { { name = "rate", column = "rate", digits = 1 } },
    placebo = { units = "all", statistic = "t" },
    did = { leads = 3, lags = 2, comparators = "selected" } },
}
]], tmp)))
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md", "csv", "json" } })
  local md = assert(sys.read(tmp .. "/out/cits_gaps/report.md"))
  local warn = table.concat(res.warnings, "\n")
  -- 1. the candidates table counts each candidate's periods and says which are missing
  local cand = assert(sys.read(tmp .. "/out/cits_gaps/rate_candidates.csv"))
  H.ok(cand:find("pre_periods", 1, true), "a pre_periods column")
  H.ok(cand:find("\n3,[^\n]*,6,[^\n]*compared on 6 of 7 pre%-intervention periods %(suppressed x in 2012%)"),
    "candidate 3 is compared on 6 periods and says why:\n" .. cand)
  H.ok(not md:find("the 7 pre-intervention periods", 1, true), "no claim that every candidate has 7 periods")
  -- 2. the method does not invent a threshold for method = "distance"
  H.ok(not md:find("threshold p >", 1, true), "no p-value threshold for method = distance")
  H.ok(md:find("no p-value threshold is applied", 1, true))
  -- 3. a comparator's missing value is a warning and a drop, with the reason
  local chosen = {}
  for _, e in ipairs(res.estimates) do chosen[e.label] = e end
  local json = require("csc.json").decode(assert(sys.read(tmp .. "/out/cits_gaps/results.json")))
  local used3 = false
  for _, t in ipairs(json.tables) do
    if t.name == "rate_candidates" then
      for _, row in ipairs(t.rows) do if row[1] == "3" and row[#row - 1] == "yes" then used3 = true end end
    end
  end
  H.ok(used3, "candidate 3 is among the three nearest (the test relies on it)")
  if used3 then
    H.ok(warn:find("(3) has no value for 1 of the 13 periods in the model (suppressed x in 2012)", 1, true),
      "the warning names unit, period and reason:\n" .. warn)
    H.ok(md:find("row not used: rate: 3 (3), suppressed x in 2012", 1, true), "ctx:drop is recorded")
  end
  -- 4. a placebo unit that cannot be fitted because of missing data says so, not "collinear"
  local pl = assert(sys.read(tmp .. "/out/cits_gaps/rate_placebo.csv"))
  H.ok(pl:find("missing data (no row in the data for 2016 to 2022)", 1, true), "placebo note:\n" .. pl)
  H.ok(not pl:find("collinear", 1, true), "no 'collinear' for a unit with missing data")
  H.ok(pl:find("estimated without the missing periods (suppressed c in 2014)", 1, true))
  -- 5. p-value columns are p-values (3 decimals), whatever the outcome's digits
  local ptab = md:match("impact p |\n|[^\n]*\n(.-)\n\n")
  H.ok(ptab and ptab:find("| %d%.%d%d%d |\n") or ptab:find("| < 0%.001 |\n"), "impact_p with 3 decimals:\n" .. tostring(ptab))
  -- 6. the pre-trend test with one treated cluster: not defined, no p-value, in words
  H.eq(chosen["rate.pretrend_p"], nil)
  H.eq(chosen["rate.pretrend_F"], nil)
  H.ok(warn:find("joint pre-trend test is not defined", 1, true), warn)
  -- 7. the DiD sensitivity run draws the event-study chart
  H.ok(sys.read(tmp .. "/out/cits_gaps/rate_event_study.svg"), "event-study chart")
  -- 8. the method states the model
  H.ok(md:find("Y_it = b0 + b1 _t + b2 _z + b3 _z_t + b4 _x + b5 _x_t + b6 _z_x + b7 _z_x_t + e_it", 1, true))
  -- 9. chart and table show the same counterfactual under the same name
  H.ok(md:find("treated counterfactual | comparators observed", 1, true))
  H.ok(md:find("treated_projected", 1, true))
end)

H.case("did design: a valid pre-trend test below alpha warns \"pre-period trends differ (p = ...)\"", function()
  local lines = { "unit,year,y" }
  for unit = 1, 12 do
    for y = 2012, 2022 do
      local v = 100 + unit + (unit <= 6 and 2.5 * (y - 2012) or 0.2 * (y - 2012)) + math.sin(unit * 2.1 + y * 1.3)
      lines[#lines + 1] = string.format("%d,%d,%.4f", unit, y, v)
    end
  end
  assert(sys.write_atomic(tmp .. "/trend.csv", table.concat(lines, "\n") .. "\n"))
  local p = tmp .. "/did_trend.lua"
  assert(sys.write_atomic(p, string.format([[
return {
  title = "t", question = "q", source = { report = "r", tables = { "T" } },
  inputs = { panel = { path = "%s/trend.csv" } },
  design = { type = "did", data = "panel", unit = "unit", time = "year", treated = { 1, 2, 3, 4, 5, 6 },
    start = 2019, event_study = { leads = 3, lags = 2 }, outcomes = { { name = "y", column = "y", digits = 1 } } },
}
]], tmp)))
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local by = {}
  for _, e in ipairs(res.estimates) do by[e.label] = e end
  H.ok(by["y.pretrend_F"] and by["y.pretrend_F"].p < 0.05, "the test is defined and rejects")
  local warn = table.concat(res.warnings, "\n")
  H.ok(warn:find("pre-period trends differ (p ", 1, true), warn)
  H.ok(sys.read(tmp .. "/out/did_trend/y_event_study.svg"), "event-study chart")
end)

H.case("its design: the method states the segmented model", function()
  local p = recipe("its_formula", [[{ type = "its", data = "series", time = "month", interruption = "2018-04-01",
    outcomes = { { name = "y", column = "y", digits = 1 } } }]])
  runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local md = sys.read(tmp .. "/out/its_formula/report.md")
  H.ok(md:find("Y_t = b0 + b1 t + b2 x_t + b3 (t - T0) x_t + e_t", 1, true), "formula in the method")
  local post = md:match("\n(|[^\n]*| post |[^\n]*)\n")
  H.ok(post and (post:match("| %d%.%d%d%d |$") or post:match("| < 0%.001 |$")), "effect_p has 3 decimals: " .. tostring(post))
end)

H.case("its design: an adjustment set as a formula enters the model and the method", function()
  local p = recipe("its_cov", [[{ type = "its", data = "series", time = "month", interruption = "2018-04-01",
    covariates = "~ I(count / 100)", autocorrelation = "none", outcomes = { { name = "y", column = "y" } } }]])
  local res = runner.run(p, { out = tmp .. "/out", formats = { "md" } })
  local md = sys.read(tmp .. "/out/its_cov/report.md")
  H.ok(md:find("Y_t = b0 + b1 t + b2 x_t + b3 (t - T0) x_t + g′z_t + e_t", 1, true), "covariates in the model")
  H.ok(md:find("The covariates z_t are the columns of the formula `~ I(count / 100)` (I(count/100))", 1, true),
    "the formula in the method")
  H.ok(#res.estimates > 0)
  local bad = recipe("its_cov_bad", [[{ type = "its", data = "series", time = "month", interruption = "2018-04-01",
    covariates = "~ cuont", outcomes = { { name = "y", column = "y" } } }]])
  H.raises('design.covariates: unknown column "cuont" (did you mean "count"?)', runner.run, bad, { out = tmp .. "/out" })
end)

H.case("its_design: p-value columns get 3 decimals whatever the outcome's digits", function()
  local D = require("csc.its.design")
  local dg = D.digits({ "period", "impact", "impact_p", "p_value", "level_p", "step" }, 1)
  H.eq(dg, { period = 1, impact = 1, impact_p = 3, p_value = 3, level_p = 3, step = 1 })
end)
