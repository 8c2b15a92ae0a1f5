# Run as: Rscript tests/reference/its/make_cits2.R
#
# Reference values for the comparative ITS with two interruptions (2016 and
# 2018) on a ten-year panel (2011-2020): the treated unit 901 and four
# comparators.  The segment 2016-2017 has two periods and its own level and
# slope, so the model passes through the treated unit's two points there:
# the treated slope in that segment has robust variance 0 (its influence
# falls on zero residuals), which csceval once reported as "lincom: the
# covariance gives a negative variance" (rounding put c'Vc at -4e-16).
# Writes cits2_panel.csv and cits2_expected.csv (case,quantity,index,value;
# matrices row-major) beside this script; tests/lua/test_its.lua reads them.
# Needs R >= 4.2 with sandwich (Debian r-cran-sandwich).
#
# The model is built by hand from the itsa terms (docs/methods/its.md):
#   _t, _z, _z_t, and per interruption j: _x_j = 1 from T_j on,
#   _x_t_j = _x_j (_t - T_j), _z_x_j, _z_x_t_j.
# Lag 0: sandwich::vcovHC(type = "HC1") (Stata newey with lag 0 is HC1,
# n/(n-k)), an implementation independent of the loop below; lag 1:
# Newey-West with Bartlett weights and lags within units (Stata newey on a
# panel), written out as a loop.

suppressPackageStartupMessages(library(sandwich))

here <- "tests/reference/its"
rows <- list()
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}
put <- function(case, quantity, value) {
  value <- if (is.matrix(value)) as.vector(t(value)) else as.vector(value)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
                                           index = seq_along(value), value = fmt(value))
}
lincom <- function(b, V, cvec, df, level = 0.95) {
  est <- sum(cvec * b)
  se <- sqrt(drop(t(cvec) %*% V %*% cvec))
  crit <- qt(1 - (1 - level) / 2, df)
  c(est, se, est / se, 2 * pt(-abs(est / se), df), est - crit * se, est + crit * se)
}
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

set.seed(20261206)
years <- 2011:2020
units <- c(901, 902, 903, 904, 905)
panel <- expand.grid(year = years, unit = units)[, c("unit", "year")]
ui <- match(panel$unit, units)
lev <- c(52, 55, 49, 57, 53); slp <- c(0.4, 0.6, 0.5, 0.3, 0.7)
tr <- panel$unit == 901
panel$pct <- round(lev[ui] + slp[ui] * (panel$year - 2011) +
  ifelse(tr & panel$year >= 2016, 3 - 0.4 * (panel$year - 2016), 0) +
  ifelse(tr & panel$year >= 2018, 2 + 0.5 * (panel$year - 2018), 0) +
  rnorm(nrow(panel), 0, 1.2), 3)
write.csv(panel, file.path(here, "cits2_panel.csv"), row.names = FALSE, quote = FALSE)

design <- function(year, z) {
  t_ <- year - 2011
  x1 <- as.numeric(year >= 2016); x1t <- x1 * (year - 2016)
  x2 <- as.numeric(year >= 2018); x2t <- x2 * (year - 2018)
  cbind(1, t_, z, z * t_, x1, x1t, z * x1, z * x1t, x2, x2t, z * x2, z * x2t)
}
# Impact at 2020 and the slopes table (itsa posttrend), in term order.
cimp <- c(0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 1, 2)
slopes <- rbind(
  treated0 = c(0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
  comparators0 = c(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  difference0 = c(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
  treated1 = c(0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0),
  comparators1 = c(0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
  difference1 = c(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0),
  treated2 = c(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1),
  comparators2 = c(0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0),
  difference2 = c(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1))
put_fit <- function(case, X, y, V, dfr) {
  b <- qr.coef(qr(X), y)
  put(case, "coef", b)
  put(case, "vcov", V)
  put(case, "impact2020", lincom(b, V, cimp, dfr))
  for (s in rownames(slopes)) {
    cv <- slopes[s, ]
    q <- drop(t(cv) %*% V %*% cv)
    # c'Vc and the sum of its terms' sizes: the degenerate slope has
    # |c'Vc| at rounding level against the sum.
    put(case, paste0("slope_", s), c(sum(cv * b), q, sum(abs(outer(cv, cv) * V))))
  }
  put(case, "df_resid", dfr)
}

# Pooled: every comparator's rows (itsa), treated first, in year order.
d <- panel[order(panel$unit != 901, panel$unit, panel$year), ]
X <- design(d$year, as.numeric(d$unit == 901))
fit <- lm(d$pct ~ X - 1)
e <- residuals(fit)
dfr <- nrow(X) - ncol(X)
put_fit("cits2_pool_lag0", X, d$pct, vcovHC(fit, type = "HC1"), dfr)
put_fit("cits2_pool_lag1", X, d$pct,
        nw_panel(X, e, d$unit, ave(d$year, d$unit, FUN = seq_along), 1), dfr)

# Comparators averaged per year (unweighted), lag 1: two series of 10.
cmp <- panel[panel$unit != 901, ]
m <- data.frame(unit = rep(1:2, each = 10), year = rep(years, 2),
  pct = c(panel$pct[panel$unit == 901], tapply(cmp$pct, cmp$year, mean)))
Xm <- design(m$year, as.numeric(m$unit == 1))
fm <- lm(m$pct ~ Xm - 1)
put_fit("cits2_mean_lag1", Xm, m$pct,
        nw_panel(Xm, residuals(fm), m$unit, ave(m$year, m$unit, FUN = seq_along), 1),
        nrow(Xm) - ncol(Xm))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "cits2_expected.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", nrow(out), "values to", file.path(here, "cits2_expected.csv"), "\n")
