-- One rank test for every model: least squares (csc.model.ols), a Poisson
-- GLM (csc.model.poisson) and the interrupted time series
-- (csc.its.segmented, OLS and Poisson) judge a covariate the same way, by
-- the QR's rank test (host/num/qr.c: each column against its norm as given
-- and centred, as R's dqrdc2 in lm and glm): a constant plus rounding noise
-- (1 + 1e-15 u) is collinear with the intercept, and a covariate on a tiny
-- scale (1e-8 w, w a share in [0, 0.05], so its values span 5e-10) is kept
-- with the coefficient and SE R gives it.  The ITS keeps its own
-- near-constant check for the columns it builds (dummies, harmonics, time
-- counts: csc.its.core.check_constant), not for the recipe's covariates.
-- Reference: tests/reference/its/make_rank_its.R (rank_series.csv, rank_its.csv).
local H = ...
local hframe = require("host.frame")
local model = require("csc.model")
local its = require("csc.its")

local DIR = "tests/reference/its/"
local d = assert(hframe.read_csv(DIR .. "rank_series.csv"))
local ref = {}
for line in io.lines(DIR .. "rank_its.csv") do
  local case, q, i, v = line:match("^([^,]+),([^,]+),(%d+),(.+)$")
  if case then
    ref[case] = ref[case] or {}
    ref[case][q] = ref[case][q] or {}
    ref[case][q][tonumber(i)] = tonumber(v) or v
  end
end

-- the segmented terms as columns: t = time - 1, x = from period 13, x_t = x (t - 12)
local seg = d:mutate("t", "time - 1"):mutate("x", "if_else(time >= 13, 1.0, 0.0)"):mutate("x_t", "x * (t - 12)")
local TERMS = { "t", "x", "x_t" }
local function with(extra) local t = { table.unpack(TERMS) }; t[#t + 1] = extra; return t end

-- Coefficients and SEs to 1e-6 relative: R and csceval both solve by QR, and
-- the small column's coefficient (4e9) carries the design's conditioning.
local function same(fit, case)
  local r = ref[case]
  H.eq(#fit.coef, #r.coef)
  for j = 1, #r.coef do
    H.ok(math.abs(fit.coef[j] - r.coef[j]) <= 1e-6 * math.abs(r.coef[j]),
      string.format("%s coef %d: %.17g, R %.17g", case, j, fit.coef[j], r.coef[j]))
    H.ok(math.abs(fit.se[j] - r.se[j]) <= 1e-6 * math.abs(r.se[j]),
      string.format("%s se %d: %.17g, R %.17g", case, j, fit.se[j], r.se[j]))
  end
end

H.case("rank test, OLS and GLM: 1 + 1e-15 noise aliased, 1e-8 w kept, as R's lm and glm", function()
  H.eq(ref.ols_noise.aliased[1], 5)
  H.raises("noise", model.ols, { data = seg, y = "y", x = with("noise") })
  same(model.ols{ data = seg, y = "y", x = with("small") }, "ols_small")
  H.eq(ref.glm_noise.aliased[1], 5)
  H.raises("noise", model.poisson, { data = seg, y = "count", x = with("noise") })
  same(model.poisson{ data = seg, y = "count", x = with("small") }, "glm_small")
end)

H.case("rank test, ITS: the recipe's covariates are judged by the same QR test as OLS and GLM", function()
  -- kept: its.segmented's own terms and the small covariate, R's coefficients
  local r = its.segmented{ data = d, time = "time", y = "y", interruption = 13, autocorrelation = "none",
    covariates = { "small" } }
  same(r.fit, "ols_small")
  local p = its.segmented{ data = d, time = "time", y = "count", interruption = 13, family = "poisson",
    dispersion = "fixed", inference = "z", covariates = { "small" } }
  same(p.fit, "glm_small")
  -- aliased: an analysis error naming the covariate, as for OLS and GLM
  local ok, e = pcall(its.segmented, { data = d, time = "time", y = "y", interruption = 13,
    autocorrelation = "none", covariates = { "noise" } })
  H.ok(not ok and tostring(type(e) == "table" and e.msg or e):find("covariate noise is collinear", 1, true),
    tostring(type(e) == "table" and e.msg or e))
  H.eq(type(e) == "table" and e.kind, "analysis")
  H.eq(type(e) == "table" and e.field, "covariates")
  ok, e = pcall(its.segmented, { data = d, time = "time", y = "count", interruption = 13, family = "poisson",
    dispersion = "fixed", covariates = { "noise" } })
  H.ok(not ok and tostring(type(e) == "table" and e.msg or e):find("covariate noise is collinear", 1, true),
    tostring(type(e) == "table" and e.msg or e))
end)
