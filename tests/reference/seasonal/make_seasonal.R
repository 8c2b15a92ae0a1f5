# Run as: Rscript tests/reference/seasonal/make_seasonal.R
#
# Reference values for the time-series points of csc.its and csc.model:
#   - seasonal harmonics by calendar month, with the cosine kept and the
#     sine dropped at half the period (h = period / 2), in a gaussian ITS
#     (lm) and a quasi-Poisson ITS with an offset (glm, quasipoisson);
#   - csc.model.poisson{dispersion = "pearson"}: quasi-Poisson with an
#     offset, as glm(family = quasipoisson);
#   - level and slope changes at two interruptions (lm);
#   - the DiD placebo-in-space with several treated units: the average
#     treated 2x2 estimate ranked among each comparator's placebo estimate.
# Writes the data sets beside this script (series.csv, panel.csv), the
# expected values to expected.csv (case,quantity,index,value; vectors in
# coefficient order) and sessionInfo.txt.  tests/lua/test_seasonal.lua
# reads them and never runs R.  Needs base R only (>= 4.2).
#
# harmonic() is tsModel's definition (tsModel is not packaged in Debian):
#   harmonic(x, nfreq, period) = cbind(sin(2 pi k x / period), cos(2 pi k x / period)), k = 1..nfreq
# with x the calendar month 1..12, as Bernal, Cummins and Gasparrini's ITS
# tutorial (2017) writes harmonic(month, 2, 12).  At k = period / 2 its sine
# column is sin(pi x), 0 at every whole month up to rounding (about 1e-15):
# lm keeps that column and gives it a coefficient of order 1e14 or more;
# the design below leaves it out and keeps the cosine cos(pi x) = (-1)^x.

here <- "tests/reference/seasonal"
rows <- list()
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA", sprintf("%.17g", v))
}
put <- function(case, quantity, value) {
  value <- as.vector(value)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
                                           index = seq_along(value), value = fmt(value))
}
harmonic <- function(x, nfreq, period) {
  M <- outer(2 * pi * as.numeric(x) / period, seq_len(nfreq))
  cbind(apply(M, 2, sin), apply(M, 2, cos))
}
# The csceval order: sin1, cos1, ..., sin(K-1), cos(K-1), then cosK alone
# when K = period / 2 (else sinK, cosK).
season_cols <- function(m, K, period) {
  H <- harmonic(m, K, period)
  out <- NULL
  for (k in seq_len(K)) {
    if (2 * k < period) out <- cbind(out, H[, k])
    out <- cbind(out, H[, K + k])
  }
  out
}

# ===== A monthly series, 2012-01 to 2016-12, intervention from 2015-01 =====
set.seed(20240517)
n <- 60
month_date <- format(seq(as.Date("2012-01-01"), by = "month", length.out = n), "%Y-%m-%d")
m <- as.integer(format(as.Date(month_date), "%m"))
t <- 0:(n - 1)
x <- as.numeric(t >= 36)
xt <- x * (t - 36)
pop <- round(50000 + 100 * t + rnorm(n, 0, 500))
mu <- exp(log(pop) - 7 + 0.002 * t - 0.15 * x - 0.005 * xt + 0.10 * cos(2 * pi * m / 12) +
          0.05 * sin(2 * pi * m / 12) + 0.04 * cos(pi * m))
count <- rnbinom(n, mu = mu, size = 30)
y <- round(20 + 0.1 * t - 2 * x - 0.05 * xt + 1.5 * sin(2 * pi * m / 12) + cos(pi * m) +
           rnorm(n, 0, 0.8), 4)
series <- data.frame(month = month_date, t = t, y = y, count = count, pop = pop)
write.csv(series, file.path(here, "series.csv"), row.names = FALSE, quote = FALSE)

S <- season_cols(m, 6, 12)
stopifnot(ncol(S) == 11)
put("harmonic_half", "max_abs_sin6", max(abs(harmonic(m, 6, 12)[, 6])))

# Gaussian ITS, OLS errors: y ~ _t + _x + _x_t + harmonics (K = 6, period 12).
g <- lm(y ~ t + x + xt + S)
put("its_harmonics", "coef", coef(g))
put("its_harmonics", "se", sqrt(diag(vcov(g))))

# The same with quasi-Poisson errors and log(pop) as offset.  epsilon = 1e-12
# so that summary.glm's dispersion (from the last IRLS step's working
# weights) equals the Pearson statistic at the final means to ~1e-12.
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
q <- glm(count ~ t + x + xt + S + offset(log(pop)), family = quasipoisson, control = ctl)
sq <- summary(q)
put("its_quasi_harmonics", "coef", coef(q))
put("its_quasi_harmonics", "se", sqrt(diag(vcov(q))))
put("its_quasi_harmonics", "dispersion", sq$dispersion)
pearson <- function(f) sum(residuals(f, type = "pearson")^2) / f$df.residual
# csceval's dispersion: the Pearson statistic at the final means (R's
# summary.glm value above lags it by one IRLS step, ~1e-7 apart here).
put("its_quasi_harmonics", "pearson_dispersion", pearson(q))
put("its_quasi_harmonics", "se_pearson", sqrt(diag(summary(q, dispersion = pearson(q))$cov.scaled)))

# csc.model.poisson{dispersion = "pearson"} with an offset.
qp <- glm(count ~ t + x + xt + offset(log(pop)), family = quasipoisson, control = ctl)
sqp <- summary(qp)
put("quasipoisson", "coef", coef(qp))
put("quasipoisson", "se", sqrt(diag(vcov(qp))))
put("quasipoisson", "t", sqp$coefficients[, 3])
put("quasipoisson", "p", sqp$coefficients[, 4])
put("quasipoisson", "dispersion", sqp$dispersion)
put("quasipoisson", "pearson_dispersion", pearson(qp))
put("quasipoisson", "se_pearson", sqrt(diag(summary(qp, dispersion = pearson(qp))$cov.scaled)))
put("quasipoisson", "df_resid", qp$df.residual)
tq <- qt(0.975, qp$df.residual)
put("quasipoisson", "conf_low", coef(qp) - tq * sqrt(diag(vcov(qp))))
put("quasipoisson", "conf_high", coef(qp) + tq * sqrt(diag(vcov(qp))))

# ===== Two interruptions, 2014-01 and 2015-01: level and slope changes =====
x1 <- as.numeric(t >= 24); xt1 <- x1 * (t - 24)
two <- lm(y ~ t + x1 + xt1 + x + xt)
put("two_breaks", "coef", coef(two))
put("two_breaks", "se", sqrt(diag(vcov(two))))

# ===== DiD placebo with two treated units =====
set.seed(20240518)
units <- c(101, 102, 201:208)
years <- 2012:2021
panel <- expand.grid(year = years, code = units)
treated <- c(101, 102)
ue <- rnorm(length(units), 0, 3); names(ue) <- units
panel$rate <- round(50 + ue[as.character(panel$code)] + 0.8 * (panel$year - 2012) +
                    ifelse(panel$code %in% treated & panel$year >= 2018, -4, 0) +
                    rnorm(nrow(panel), 0, 1.5), 3)
panel$name <- paste("Unit", panel$code)
panel <- panel[, c("code", "name", "year", "rate")]
write.csv(panel, file.path(here, "panel.csv"), row.names = FALSE, quote = FALSE)
d <- sapply(units, function(u) {
  s <- panel[panel$code == u, ]
  mean(s$rate[s$year >= 2018]) - mean(s$rate[s$year < 2018])
})
names(d) <- units
comps <- setdiff(units, treated)
t0 <- mean(d[as.character(treated)]) - mean(d[as.character(comps)])
plac <- sapply(comps, function(c) d[as.character(c)] - mean(d[as.character(setdiff(comps, c))]))
all_est <- c(t0, plac)
rank <- sum(abs(all_est) >= abs(t0) * (1 - 1e-12))
# the 2x2 regression on the balanced panel gives the same average estimate
panel$treat <- as.numeric(panel$code %in% treated); panel$post <- as.numeric(panel$year >= 2018)
did <- lm(rate ~ treat * post, data = panel)
stopifnot(abs(coef(did)["treat:post"] - t0) < 1e-10)
put("did_placebo", "treated_estimate", t0)
put("did_placebo", "treated_each", d[as.character(treated)] - mean(d[as.character(comps)]))
put("did_placebo", "placebo", plac)
put("did_placebo", "rank", rank)
put("did_placebo", "n", length(all_est))
put("did_placebo", "p_two", rank / length(all_est))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
