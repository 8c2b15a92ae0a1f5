# Run as: Rscript tests/reference/its/make_its.R
#
# Reference values for the interrupted time series designs: csc.its
# (lua/csc/its.lua) and host/num/its.c.  Writes the data sets beside this script
# (its_series.csv, cits_panel.csv, did_panel.csv), the expected values to
# expected.csv (columns case,quantity,index,value; vectors indexed 1..k in
# coefficient order, k x k matrices row-major) and sessionInfo.txt.  The Lua
# test tests/lua/test_its.lua reads these files and never runs R.
# Needs R >= 4.2 with sandwich, lmtest (Debian r-cran-sandwich, r-cran-lmtest).
#
# Every model is built by hand from the formulas in docs/methods/its.md, so
# the references do not depend on csceval's own conventions:
#   single series  lm + sandwich::NeweyWest(prewhite = FALSE, adjust = TRUE),
#                  lmtest::dwtest / bgtest, Prais-Winsten as Stata prais
#                  (iterated, rhotype(regress)), glm(poisson / quasipoisson)
#   comparative    the itsa terms _t _z _z_t _x _x_t _z_x _z_x_t, lm, and
#                  Newey-West with lags within each series (Stata newey on
#                  panel data), written out as a loop
#   DiD            lm + sandwich::vcovCL(type = "HC1") for 2x2; two-way fixed
#                  effects by lm with unit and year dummies, vcovCL rescaled to
#                  Stata xtreg, fe's (n-1)/(n-k) with k = regressors + 1

suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

here <- "tests/reference/its"
rows <- list()
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v)))
}
put <- function(case, quantity, value) {
  value <- if (is.matrix(value)) as.vector(t(value)) else as.vector(value)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
                                           index = seq_along(value), value = fmt(value))
}
write_data <- function(name, df) {
  write.csv(df, file.path(here, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}
# lincom c'b: estimate, se, statistic, p, low, high (t on df; df = Inf: z).
lincom <- function(b, V, cvec, df, level = 0.95) {
  est <- sum(cvec * b)
  se <- sqrt(drop(t(cvec) %*% V %*% cvec))
  crit <- if (is.finite(df)) qt(1 - (1 - level) / 2, df) else qnorm(1 - (1 - level) / 2)
  p <- if (is.finite(df)) 2 * pt(-abs(est / se), df) else 2 * pnorm(-abs(est / se))
  c(est, se, est / se, p, est - crit * se, est + crit * se)
}

# Newey-West with Bartlett weights and lags within units (Stata newey on a
# tsset panel): M = sum_i psi_i psi_i' + sum_l w_l sum_{i,j same unit,
# pos_i - pos_j = l} (psi_i psi_j' + psi_j psi_i'), V = n/(n-k) B M B.
nw_panel <- function(X, e, unit, pos, L) {
  n <- nrow(X); k <- ncol(X)
  psi <- X * e
  M <- crossprod(psi)
  if (L > 0) for (i in seq_len(n)) for (j in seq_len(n)) {
    l <- pos[i] - pos[j]
    if (unit[i] == unit[j] && l >= 1 && l <= L)
      M <- M + (1 - l / (L + 1)) * (tcrossprod(psi[i, ], psi[j, ]) + tcrossprod(psi[j, ], psi[i, ]))
  }
  B <- solve(crossprod(X))
  n / (n - k) * B %*% M %*% B
}

# ===== Single series: 36 months, interruption at month 25 =====
set.seed(20240501)
n <- 36
tt <- 0:(n - 1)
T0 <- 24                                   # _t of the interruption
e <- as.numeric(arima.sim(list(ar = 0.5), n, sd = 4))
month <- sprintf("%04d-%02d-01", 2016 + (tt + 3) %/% 12, (tt + 3) %% 12 + 1)
x <- as.numeric(tt >= T0)
xt <- x * (tt - T0)
y <- 200 - 1.5 * tt + 6 * x + 0.8 * xt + e
cnt <- rpois(n, exp(5 + 0.01 * tt - 0.15 * x + 0.02 * xt))
series <- data.frame(month = month, y = round(y, 4), count = cnt)
write_data("its_series", series)
y <- series$y
X <- cbind(1, tt, x, xt)
fit <- lm(y ~ tt + x + xt)
put("its", "coef", coef(fit))
put("its", "vcov_classical", vcov(fit))
V2 <- NeweyWest(fit, lag = 2, prewhite = FALSE, adjust = TRUE)
put("its", "vcov_NW2", V2)
put("its", "vcov_NW2_panel", nw_panel(X, residuals(fit), rep(1, n), tt, 2))
dw <- dwtest(fit)                          # exact p (Pan) for n < 100
put("its", "dw", c(dw$statistic, dw$p.value))
for (o in c(1, 3)) {
  bg <- bgtest(fit, order = o)
  put("its", paste0("bg", o), c(bg$statistic, bg$p.value))
}
lb <- Box.test(residuals(fit), lag = 6, type = "Ljung-Box")
put("its", "ljungbox6", c(lb$statistic, lb$p.value))
put("its", "pacf", pacf(residuals(fit), lag.max = 6, plot = FALSE)$acf)
# Effect at each post period: (_x + _x_t (t - T0)) with the NW(2) covariance.
for (t0 in T0:(n - 1)) {
  cv <- c(0, 0, 1, t0 - T0)
  put("its", paste0("effect_NW2_", t0 - T0), lincom(coef(fit), V2, cv, fit$df.residual))
  # counterfactual: intercept + slope * t, classical covariance
  put("its", paste0("cf_classical_", t0 - T0), lincom(coef(fit), vcov(fit), c(1, t0, 0, 0), fit$df.residual))
}

# Prais-Winsten as Stata prais: rho from the no-constant regression of
# u_t on u_{t-1}, transform (first row scaled by sqrt(1 - rho^2)), iterate
# until |rho change| < 1e-10, refit with the last rho; classical SEs from
# the transformed regression.
prais_fit <- function(y, X, tol = 1e-10, maxit = 1000) {
  n <- length(y)
  b <- qr.coef(qr(X), y)
  rho_of <- function(b) { u <- y - X %*% b; sum(u[-1] * u[-n]) / sum(u[-n]^2) }
  transform <- function(rho) list(
    y = c(sqrt(1 - rho^2) * y[1], y[-1] - rho * y[-n]),
    X = rbind(sqrt(1 - rho^2) * X[1, ], X[-1, , drop = FALSE] - rho * X[-n, , drop = FALSE]))
  rho <- rho_of(b)
  for (it in 1:maxit) {
    tr <- transform(rho)
    f <- lm.fit(tr$X, tr$y)
    rho_new <- rho_of(f$coefficients)
    done <- abs(rho_new - rho) < tol
    rho <- rho_new
    if (done) break
  }
  tr <- transform(rho)
  f <- lm.fit(tr$X, tr$y)
  s2 <- sum(f$residuals^2) / f$df.residual
  list(rho = rho, coef = f$coefficients, V = s2 * chol2inv(qr.R(f$qr)))
}
pw <- prais_fit(y, X)
put("its_prais", "rho", pw$rho)
put("its_prais", "coef", pw$coef)
put("its_prais", "vcov", pw$V)

# Poisson and quasi-Poisson (R: dispersion = Pearson X^2 / df, t on df).
pfit <- glm(series$count ~ tt + x + xt, family = poisson)
put("its_poisson", "coef", coef(pfit))
put("its_poisson", "se", sqrt(diag(vcov(pfit))))
qf <- glm(series$count ~ tt + x + xt, family = quasipoisson)
put("its_quasipoisson", "se", sqrt(diag(vcov(qf))))
put("its_quasipoisson", "dispersion", summary(qf)$dispersion)
put("its_quasipoisson", "p", summary(qf)$coefficients[, 4])

# ===== Comparative ITS (itsa terms), 4 units x 18 years =====
set.seed(20240502)
years <- 2002:2019
units <- c(801, 802, 803, 804)
panel <- expand.grid(year = years, unit = units)[, c("unit", "year")]
lev <- c(60, 55, 65, 58); slp <- c(0.6, 0.8, 0.5, 0.7)
ui <- match(panel$unit, units)
post <- panel$year >= 2015
panel$pct <- round(lev[ui] + slp[ui] * (panel$year - 2002) - 3 * (panel$year >= 2014) +
  ifelse(panel$unit == 801 & post, 5 + 0.5 * (panel$year - 2015), 0) + rnorm(nrow(panel), 0, 1.5), 3)
panel$population <- round(50000 + 20000 * ui + 500 * (panel$year - 2002))
write_data("cits_panel", panel)

# Rows: 2018 excluded; treated first, then each comparator, in year order.
d <- panel[panel$year != 2018, ]
d <- d[order(d$unit != 801, d$unit, d$year), ]
t_ <- d$year - 2002
z <- as.numeric(d$unit == 801)
xx <- as.numeric(d$year >= 2015)
xxt <- xx * (d$year - 2015)
def <- as.numeric(d$year >= 2014)
Xc <- cbind(1, t_, z, z * t_, xx, xxt, z * xx, z * xxt, def)
cf <- lm.fit(Xc, d$pct)
b <- cf$coefficients
dfr <- nrow(Xc) - ncol(Xc)
put("cits_pool", "coef", b)
for (L in c(0, 2)) {
  rowpos <- ave(d$year, d$unit, FUN = seq_along)   # "rows": lags count observations
  V <- nw_panel(Xc, cf$residuals, d$unit, rowpos, L)
  put("cits_pool", paste0("vcov_rows", L), V)
  Vt <- nw_panel(Xc, cf$residuals, d$unit, d$year, L)  # "time": lags count years
  put("cits_pool", paste0("vcov_time", L), Vt)
  # impact at 2019: _z_x + 4 _z_x_t; t on the residual df and z
  cv <- c(0, 0, 0, 0, 0, 0, 1, 4, 0)
  put("cits_pool", paste0("impact2019_rows", L, "_t"), lincom(b, V, cv, dfr))
  put("cits_pool", paste0("impact2019_rows", L, "_z"), lincom(b, V, cv, Inf))
}
put("cits_pool", "df_resid", dfr)
# With one series, the panel formula is sandwich's NeweyWest.
f1 <- lm(pct ~ I(year - 2002), data = d[d$unit == 801, ])
put("nw_single", "NeweyWest2", NeweyWest(f1, lag = 2, prewhite = FALSE, adjust = TRUE))

# Comparators averaged per year, weighted by population; lag 1.
dd <- panel[panel$year != 2018, ]
cmp <- dd[dd$unit != 801, ]
wmean <- sapply(split(cmp, cmp$year), function(g) sum(g$pct * g$population) / sum(g$population))
tr <- dd[dd$unit == 801, ]
m <- data.frame(unit = c(rep(1, nrow(tr)), rep(2, length(wmean))),
                year = c(tr$year, as.numeric(names(wmean))), pct = c(tr$pct, wmean))
t_ <- m$year - 2002; z <- as.numeric(m$unit == 1)
xx <- as.numeric(m$year >= 2015); xxt <- xx * (m$year - 2015)
Xm <- cbind(1, t_, z, z * t_, xx, xxt, z * xx, z * xxt)
mf <- lm.fit(Xm, m$pct)
Vm <- nw_panel(Xm, mf$residuals, m$unit, ave(m$year, m$unit, FUN = seq_along), 1)
put("cits_weighted", "coef", mf$coefficients)
put("cits_weighted", "vcov_rows1", Vm)
put("cits_weighted", "impact2019_t", lincom(mf$coefficients, Vm, c(0, 0, 0, 0, 0, 0, 1, 4), nrow(Xm) - ncol(Xm)))

# Logit sensitivity: the pooled model on logit(pct/100), lag 2 (rows); the
# impact at 2019 back on the percentage scale by the delta method:
#   d = 100 [expit(a1'b) - expit(c1'b) - (expit(a0'b) - expit(c0'b))]
#   g = 100 [s(a1'b) a1 - s(c1'b) c1 - s(a0'b) a0 + s(c0'b) c0],  s(e) = expit(e)(1 - expit(e))
lg <- log(d$pct / 100 / (1 - d$pct / 100))
lf <- lm.fit(Xc, lg)
bl <- lf$coefficients
Vl <- nw_panel(Xc, lf$residuals, d$unit, ave(d$year, d$unit, FUN = seq_along), 2)
expit <- function(e) 1 / (1 + exp(-e))
s <- function(e) expit(e) * (1 - expit(e))
a1 <- c(1, 17, 1, 17, 1, 4, 1, 4, 1); c1 <- c(1, 17, 1, 17, 0, 0, 0, 0, 1)
a0 <- c(1, 17, 0, 0, 1, 4, 0, 0, 1); c0 <- c(1, 17, 0, 0, 0, 0, 0, 0, 1)
est <- 100 * (expit(sum(a1 * bl)) - expit(sum(c1 * bl)) - expit(sum(a0 * bl)) + expit(sum(c0 * bl)))
g <- 100 * (s(sum(a1 * bl)) * a1 - s(sum(c1 * bl)) * c1 - s(sum(a0 * bl)) * a0 + s(sum(c0 * bl)) * c0)
se <- sqrt(drop(t(g) %*% Vl %*% g))
put("cits_logit", "impact2019_logit", lincom(bl, Vl, c(0, 0, 0, 0, 0, 0, 1, 4, 0), dfr))
put("cits_logit", "impact2019_orig", c(est, se, 2 * pt(-abs(est / se), dfr),
  est - qt(0.975, dfr) * se, est + qt(0.975, dfr) * se))

# itsamatch statistics: pre-period (2002-2014) regression of the treated
# unit and one candidate, y = b0 + b1 _t + b2 _z + b3 _z_t, Newey-West lag 1.
for (cand in c(802, 803, 804)) {
  q <- panel[panel$year < 2015 & panel$unit %in% c(801, cand), ]
  q <- q[order(q$unit != 801, q$year), ]
  tq <- q$year - 2002; zq <- as.numeric(q$unit == 801)
  Xq <- cbind(1, tq, zq, zq * tq)
  fq <- lm.fit(Xq, q$pct)
  Vq <- nw_panel(Xq, fq$residuals, q$unit, ave(q$year, q$unit, FUN = seq_along), 1)
  dq <- nrow(Xq) - 4
  sq <- sqrt(diag(Vq))
  put("match", paste0("cand", cand), c(fq$coefficients[3], 2 * pt(-abs(fq$coefficients[3] / sq[3]), dq),
    fq$coefficients[4], 2 * pt(-abs(fq$coefficients[4] / sq[4]), dq)))
}

# ===== DiD: 20 units x 10 years, 6 treated from 2019 =====
set.seed(20240503)
du <- 1:20; dy <- 2014:2023
dp <- expand.grid(year = dy, unit = du)[, c("unit", "year")]
treated <- dp$unit <= 6
dp$y <- round(100 + 3 * dp$unit + 2 * (dp$year - 2014) + ifelse(treated & dp$year >= 2019, 8, 0) +
  rnorm(nrow(dp), 0, 3), 3)
write_data("did_panel", dp)
tr <- as.numeric(dp$unit <= 6); po <- as.numeric(dp$year >= 2019)
f22 <- lm(y ~ tr + po + I(tr * po), data = dp)
G <- length(du)
V22 <- vcovCL(f22, cluster = dp$unit, type = "HC1", cadjust = TRUE)
put("did_2x2", "coef", coef(f22))
put("did_2x2", "vcov_CR1", V22)
put("did_2x2", "p_G1", 2 * pt(-abs(coef(f22)[4] / sqrt(V22[4, 4])), G - 1))
# TWFE with dummies; xtreg, fe: (n-1)/(n-k) with k = regressors + 1, not
# counting the unit effects, so rescale vcovCL's (n-1)/(n-k_full).
ffe <- lm(y ~ I(tr * po) + factor(year) + factor(unit), data = dp)
nobs <- nrow(dp); kfull <- length(coef(ffe)); kw <- 1 + (length(dy) - 1)
Vfe <- vcovCL(ffe, cluster = dp$unit, type = "HC1", cadjust = TRUE) * (nobs - kfull) / (nobs - kw - 1)
put("did_twfe", "coef", coef(ffe)[2])
put("did_twfe", "se", sqrt(Vfe[2, 2]))
put("did_twfe", "p_G1", 2 * pt(-abs(coef(ffe)[2] / sqrt(Vfe[2, 2])), G - 1))
# Event study: leads 3..2, lags 0..2, reference -1, end dummies binned.
rel <- dp$year - 2019
relb <- pmin(pmax(rel, -3), 2)
ks <- c(-3, -2, 0, 1, 2)
D <- sapply(ks, function(k) tr * (relb == k))
colnames(D) <- c("lead3", "lead2", "lag0", "lag1", "lag2")
fes <- lm(dp$y ~ D + factor(dp$year) + factor(dp$unit))
kfull <- length(coef(fes)); kw <- length(ks) + (length(dy) - 1)
Ves <- vcovCL(fes, cluster = dp$unit, type = "HC1", cadjust = TRUE) * (nobs - kfull) / (nobs - kw - 1)
idx <- 2:(1 + length(ks))
put("event", "coef", coef(fes)[idx])
put("event", "se", sqrt(diag(Ves)[idx]))
Rm <- rbind(c(1, 0, rep(0, kfull - 3)), c(0, 1, rep(0, kfull - 3)))
Rm <- cbind(0, Rm)
bb <- coef(fes)
W <- drop(t(Rm %*% bb) %*% solve(Rm %*% Ves %*% t(Rm)) %*% (Rm %*% bb))
put("event", "pretrend", c(W / 2, 2, G - 1, pf(W / 2, 2, G - 1, lower.tail = FALSE)))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
cat("wrote", nrow(out), "values to", file.path(here, "expected.csv"), "\n")
