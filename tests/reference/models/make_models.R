# Run as: Rscript tests/reference/models/make_models.R
#
# Reference values for the regression core: host/{linreg,vcov,lintest,glm,
# prais,tsdiag}.c.  Writes the data sets as CSV files beside this script
# (<name>.csv), the expected values to expected.csv (columns
# case,quantity,index,value; vectors are indexed 1..k in coefficient order,
# k x k matrices row-major 1..k^2, scalars have index 1) and sessionInfo.txt.
# The C tests (tests/c/test_linreg.c, test_glm.c, test_tsdiag.c) read these
# files and never run R.  Needs R >= 4.2 with sandwich, lmtest (Debian
# r-cran-sandwich, r-cran-lmtest).
# Stata-only conventions (prais, varsoc) have no R function: they are
# computed here from the formulas in Stata's manuals, written out in full.

suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

here <- "tests/reference/models"
rows <- list()
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA",
         ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v)))
}
put <- function(case, quantity, value) {
  value <- if (is.matrix(value)) as.vector(t(value)) else as.vector(value)
  if (length(value) == 0L) stop("empty value for ", case, "/", quantity)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
                                           index = seq_along(value), value = fmt(value))
}
write_data <- function(name, df) {
  write.csv(df, file.path(here, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

# Everything csceval reports for an lm fit, and every covariance type.
put_lm <- function(case, fit, cluster = NULL, nw_lags = integer(0)) {
  s <- summary(fit)
  put(case, "coef", coef(fit))
  put(case, "vcov_classical", vcov(fit))
  for (ty in c("HC0", "HC1", "HC2", "HC3"))
    put(case, paste0("vcov_", ty), vcovHC(fit, type = ty))
  if (!is.null(cluster))     # CR1: G/(G-1) (n-1)/(n-k), as Stata regress, vce(cluster)
    put(case, "vcov_CR1", vcovCL(fit, cluster = cluster, type = "HC1", cadjust = TRUE))
  for (L in nw_lags)         # Stata newey, lag(L)
    put(case, paste0("vcov_NW", L), NeweyWest(fit, lag = L, prewhite = FALSE, adjust = TRUE))
  put(case, "fitted", fitted(fit))
  put(case, "resid", residuals(fit))
  put(case, "hat", hatvalues(fit))
  put(case, "sigma", s$sigma)
  put(case, "df_resid", fit$df.residual)
  put(case, "r2", s$r.squared)
  put(case, "adj_r2", s$adj.r.squared)
  if (!is.null(s$fstatistic)) {
    put(case, "fstat", s$fstatistic[1])
    put(case, "f_p", pf(s$fstatistic[1], s$fstatistic[2], s$fstatistic[3], lower.tail = FALSE))
  }
  put(case, "loglik", as.numeric(logLik(fit)))
  put(case, "aic", AIC(fit))
  put(case, "bic", BIC(fit))
}

# lincom c'b - c0 (Stata lincom): t law on the residual df (df = Inf: z).
put_lincom <- function(case, b, V, cvec, c0, df, level = 0.95) {
  est <- sum(cvec * b) - c0
  se <- sqrt(drop(t(cvec) %*% V %*% cvec))
  crit <- if (is.finite(df)) qt(1 - (1 - level) / 2, df) else qnorm(1 - (1 - level) / 2)
  stat <- est / se
  p <- if (is.finite(df)) 2 * pt(-abs(stat), df) else 2 * pnorm(-abs(stat))
  put(case, "lincom_c", cvec)
  put(case, "lincom_c0", c0)
  put(case, "lincom", c(est, se, stat, p, est - crit * se, est + crit * se))
}

# Wald test of R b = r (Stata test; car::linearHypothesis with vcov. = V).
put_wald <- function(case, b, V, Rm, r, df) {
  d <- Rm %*% b - r
  W <- drop(t(d) %*% solve(Rm %*% V %*% t(Rm), d))
  q <- nrow(Rm)
  put(case, "wald_R", Rm)
  put(case, "wald_r", r)
  pF <- if (is.finite(df)) pf(W / q, q, df, lower.tail = FALSE) else pchisq(W, q, lower.tail = FALSE)
  put(case, "wald", c(W, pchisq(W, q, lower.tail = FALSE), W / q, pF))
}

# ---- Longley (R datasets::longley; NIST StRD values are typed into the C test) ----
lg <- longley
names(lg) <- c("deflator", "gnp", "unemployed", "armed", "population", "year", "employed")
write_data("longley", lg)
fit <- lm(employed ~ deflator + gnp + unemployed + armed + population + year, data = lg)
put_lm("longley", fit)
put_lincom("longley", coef(fit), vcovHC(fit, type = "HC1"), c(0, 0, 1, -1, 0, 0, 0), 0,
           fit$df.residual)
put_wald("longley", coef(fit), vcov(fit), rbind(c(0, 0, 1, 0, 0, 0, 0), c(0, 0, 0, 1, 0, 0, 0)),
         c(0, 0), fit$df.residual)
nd <- lg[c(1, 8, 16), ]
pr <- predict(fit, newdata = nd, se.fit = TRUE)
put("longley", "predict_rows", c(1, 8, 16))
put("longley", "predict_fit", pr$fit)
put("longley", "predict_se", pr$se.fit)

# ---- Polynomial in the calendar year, 1990..2020: raw powers, huge magnitudes ----
set.seed(20240501)
year <- 1990:2020
tt <- year - 2005
poly <- data.frame(year = year, year2 = year^2, year3 = year^3,
                   y = 50 + 0.3 * tt - 0.02 * tt^2 + 0.001 * tt^3 + round(rnorm(31, sd = 0.5), 3))
write_data("poly", poly)
fit <- lm(y ~ year + year2, data = poly)          # kappa(X) ~ 2e11: R fits it
put_lm("poly2", fit)
fit3 <- lm(y ~ year + year2 + year3, data = poly) # R's lm aliases year3 (rank 3)
put("poly3", "rank", fit3$rank)
put("poly3", "aliased", which(is.na(coef(fit3))))

# ---- Nearly collinear columns (x2 = x1 + 1e-5 noise) ----
set.seed(7)
x1 <- round(rnorm(30), 4)
nearcol <- data.frame(x1 = x1, x2 = x1 + round(rnorm(30, sd = 1e-5), 9),
                      x3 = round(rnorm(30), 4))
nearcol$y <- round(1 + nearcol$x1 + 0.5 * nearcol$x3 + rnorm(30, sd = 0.3), 4)
write_data("nearcol", nearcol)
put_lm("nearcol", lm(y ~ x1 + x2 + x3, data = nearcol))

# ---- Tiny sample, n = 5 ----
tiny <- data.frame(x = c(1, 2, 3, 4, 5.5), z = c(2, 1, 4, 3, 7), y = c(1.1, 2.3, 2.9, 4.8, 5.2))
write_data("tiny", tiny)
fit <- lm(y ~ x + z, data = tiny)
put_lm("tiny", fit)
pr <- predict(fit, newdata = data.frame(x = c(0, 2.5), z = c(1, 3)), se.fit = TRUE)
put("tiny", "predict_fit", pr$fit)
put("tiny", "predict_se", pr$se.fit)

# ---- Weighted least squares with clusters, several of size 1 ----
set.seed(11)
n <- 60
cl <- c(rep(1:12, each = 4), 13:24)               # 12 clusters of 4, 12 singletons
wls <- data.frame(x1 = round(rnorm(n), 4), x2 = round(runif(n, 0, 10), 3),
                  w = round(runif(n, 0.2, 3), 3), cl = cl)
wls$y <- round(2 + 0.7 * wls$x1 - 0.2 * wls$x2 + rnorm(12, sd = 0.5)[pmin(cl, 12)] +
                 rnorm(n, sd = 1 / sqrt(wls$w)), 4)
write_data("wls", wls)
fit <- lm(y ~ x1 + x2, data = wls, weights = w)
put_lm("wls", fit, cluster = ~cl)
put_lincom("wls", coef(fit), vcovCL(fit, cluster = ~cl, type = "HC1"), c(1, 1, 5), 2,
           fit$df.residual)
put_wald("wls", coef(fit), vcovHC(fit, type = "HC1"), rbind(c(0, 1, 0), c(0, 0, 1)), c(0.5, 0),
         fit$df.residual)
pr <- predict(fit, newdata = data.frame(x1 = c(-1, 0, 1.5), x2 = c(2, 5, 9)), se.fit = TRUE)
put("wls", "predict_fit", pr$fit)
put("wls", "predict_se", pr$se.fit)
fit <- lm(y ~ x1 + x2, data = wls)
put_lm("ols_cl", fit, cluster = ~cl)

# ---- A short annual series: 18 points, AR(1) errors (rho 0.6) ----
set.seed(2018)
e <- as.numeric(arima.sim(list(ar = 0.6), n = 18, sd = 0.8))
ts18 <- data.frame(year = 2005:2022, x = round(10 + 0.4 * (0:17) + rnorm(18, sd = 1), 3))
ts18$y <- round(3 + 0.8 * ts18$x + e, 3)
write_data("ts18", ts18)
fit <- lm(y ~ x, data = ts18)
put_lm("ts18", fit, nw_lags = c(1L, 2L))
put_lincom("ts18", coef(fit), NeweyWest(fit, lag = 2, prewhite = FALSE, adjust = TRUE),
           c(0, 1), 1, fit$df.residual)
dw <- dwtest(fit)                                  # exact (Pan) since n < 100
put("ts18", "dw", c(dw$statistic, dw$p.value))
put("ts18", "dw_two_sided", dwtest(fit, alternative = "two.sided")$p.value)
put("ts18", "dw_less", dwtest(fit, alternative = "less")$p.value)
for (p in 1:3) {
  b1 <- bgtest(fit, order = p, type = "Chisq")
  b2 <- bgtest(fit, order = p, type = "F")
  put("ts18", paste0("bg", p), c(b1$statistic, b1$p.value, b2$statistic, b2$parameter, b2$p.value))
}
r <- residuals(fit)
for (L in c(1L, 4L)) {
  lb <- Box.test(r, lag = L, type = "Ljung-Box")
  put("ts18", paste0("ljungbox", L), c(lb$statistic, lb$parameter, lb$p.value))
}
put("ts18", "acf", acf(r, lag.max = 6, plot = FALSE)$acf[-1])
put("ts18", "pacf", pacf(r, lag.max = 6, plot = FALSE)$acf)

# Prais-Winsten and Cochrane-Orcutt as Stata prais (rhotype(regress): rho is
# the no-constant regression of e_t on e_{t-1}; iterate until |rho change|
# < 1e-6, the final regression using the last rho; twostep: one round).
# Classical SEs from the transformed regression, sigma^2 = RSS*/(N* - k).
prais_fit <- function(y, X, corc = FALSE, twostep = FALSE, tol = 1e-6, maxit = 100) {
  n <- length(y)
  b <- qr.coef(qr(X), y)
  rho_of <- function(b) {
    u <- y - X %*% b
    sum(u[-1] * u[-n]) / sum(u[-n]^2)
  }
  transform <- function(rho) {
    ys <- c(sqrt(1 - rho^2) * y[1], y[-1] - rho * y[-n])
    Xs <- rbind(sqrt(1 - rho^2) * X[1, ], X[-1, , drop = FALSE] - rho * X[-n, , drop = FALSE])
    if (corc) list(y = ys[-1], X = Xs[-1, , drop = FALSE]) else list(y = ys, X = Xs)
  }
  rho <- rho_of(b)
  iter <- 1
  repeat {
    tr <- transform(rho)
    fit <- lm.fit(tr$X, tr$y)
    b <- fit$coefficients
    if (twostep) break
    rho_new <- rho_of(b)
    iter <- iter + 1
    if (abs(rho_new - rho) < tol || iter > maxit) {
      rho <- rho_new
      tr <- transform(rho)
      fit <- lm.fit(tr$X, tr$y)
      b <- fit$coefficients
      break
    }
    rho <- rho_new
  }
  e <- fit$residuals
  s2 <- sum(e^2) / fit$df.residual
  V <- s2 * chol2inv(qr.R(fit$qr))
  list(rho = rho, coef = b, V = V, sigma = sqrt(s2), iter = iter,
       dw = sum(diff(e)^2) / sum(e^2))
}
X <- cbind(1, ts18$x)
for (v in list(list("prais", FALSE, FALSE), list("prais_twostep", FALSE, TRUE),
               list("corc", TRUE, FALSE), list("corc_twostep", TRUE, TRUE))) {
  pw <- prais_fit(ts18$y, X, corc = v[[2]], twostep = v[[3]])
  put(v[[1]], "rho", pw$rho)
  put(v[[1]], "coef", pw$coef)
  put(v[[1]], "vcov", pw$V)
  put(v[[1]], "sigma", pw$sigma)
  put(v[[1]], "dw_transformed", pw$dw)
  put(v[[1]], "dw_original", dw$statistic)
}

# Stata varsoc for a univariate AR(p) with constant, p = 0..pmax on the
# common sample t = pmax+1..T (N = T - pmax obs):
#   LL   = -(N/2) (log(2 pi) + 1) - (N/2) log(RSS_p / N)
#   AIC  = -2 LL/N + 2 (p + 1)/N
#   SBIC = -2 LL/N + log(N) (p + 1)/N
#   HQIC = -2 LL/N + 2 log(log N) (p + 1)/N
#   FPE  = (RSS_p / N) (N + p + 1)/(N - p - 1)
#   LR   = 2 (LL_p - LL_{p-1}) on 1 df
set.seed(33)
ar2 <- data.frame(t = 1:60, y = round(as.numeric(arima.sim(list(ar = c(0.5, 0.25)), n = 60)) + 5, 4))
write_data("ar2", ar2)
pmax <- 4
yy <- ar2$y
Tn <- length(yy)
N <- Tn - pmax
ll <- numeric(pmax + 1)
for (p in 0:pmax) {
  idx <- (pmax + 1):Tn
  Xp <- cbind(1, sapply(seq_len(p), function(l) yy[idx - l]))
  if (p == 0) Xp <- matrix(1, N, 1)
  rss <- sum(lm.fit(Xp, yy[idx])$residuals^2)
  ll[p + 1] <- -(N / 2) * (log(2 * pi) + 1) - (N / 2) * log(rss / N)
  put("varsoc", paste0("p", p), c(ll[p + 1], -2 * ll[p + 1] / N + 2 * (p + 1) / N,
                                  -2 * ll[p + 1] / N + log(N) * (p + 1) / N,
                                  -2 * ll[p + 1] / N + 2 * log(log(N)) * (p + 1) / N,
                                  (rss / N) * (N + p + 1) / (N - p - 1)))
}
put("varsoc", "lr", 2 * diff(ll))
put("varsoc", "lr_p", pchisq(2 * diff(ll), 1, lower.tail = FALSE))

# A longer series (n = 120) for dwtest's normal approximation (n >= 100).
set.seed(120)
ts120 <- data.frame(x = round(rnorm(120), 4))
ts120$y <- round(1 + 0.5 * ts120$x + as.numeric(arima.sim(list(ar = 0.3), n = 120)), 4)
write_data("ts120", ts120)
fit <- lm(y ~ x, data = ts120)
dw <- dwtest(fit)
put("ts120", "dw", c(dw$statistic, dw$p.value))
put("ts120", "dw_two_sided", dwtest(fit, alternative = "two.sided")$p.value)

# ---- GLMs ----
put_glm <- function(case, fit, cluster = NULL) {
  put(case, "coef", coef(fit))
  put(case, "vcov_classical", vcov(fit))
  put(case, "vcov_HC0", vcovHC(fit, type = "HC0"))
  put(case, "vcov_HC1", vcovHC(fit, type = "HC1"))
  if (!is.null(cluster))   # Stata logit/poisson vce(cluster): G/(G-1) only
    put(case, "vcov_CL", vcovCL(fit, cluster = cluster, type = "HC0", cadjust = TRUE))
  put(case, "deviance", deviance(fit))
  put(case, "null_deviance", fit$null.deviance)
  put(case, "df_resid", fit$df.residual)
  put(case, "aic", AIC(fit))
  put(case, "bic", BIC(fit))
  put(case, "loglik", as.numeric(logLik(fit)))
  put(case, "iter", fit$iter)
  put(case, "fitted", fitted(fit))
}
set.seed(404)
n <- 400
lg2 <- data.frame(x1 = round(rnorm(n), 4), x2 = round(runif(n), 4), d = rbinom(n, 1, 0.4),
                  cl = rep(1:40, each = 10), w = sample(1:3, n, replace = TRUE))
lg2$y <- rbinom(n, 1, plogis(-0.5 + 0.8 * lg2$x1 - 1.2 * lg2$x2 + 0.6 * lg2$d))
write_data("logit", lg2)
fit <- glm(y ~ x1 + x2 + d, family = binomial("logit"), data = lg2)
put_glm("logit", fit, cluster = ~cl)
put_lincom("logit", coef(fit), vcov(fit), c(0, 1, 0, 1), 0, Inf)
put_wald("logit", coef(fit), vcovHC(fit, type = "HC0"), rbind(c(0, 1, 0, 0), c(0, 0, 1, 0)),
         c(0, 0), Inf)
pr <- predict(fit, newdata = data.frame(x1 = c(0, 1), x2 = c(0.5, 0.2), d = c(0, 1)), se.fit = TRUE)
put("logit", "predict_fit", pr$fit)                # link scale
put("logit", "predict_se", pr$se.fit)
put_glm("probit", glm(y ~ x1 + x2 + d, family = binomial("probit"), data = lg2), cluster = ~cl)
put_glm("logit_w", glm(y ~ x1 + x2 + d, family = binomial("logit"), data = lg2, weights = w))

set.seed(505)
n <- 300
po <- data.frame(x1 = round(rnorm(n), 4), d = rbinom(n, 1, 0.5),
                 exposure = round(runif(n, 0.5, 4), 3), cl = rep(1:30, each = 10),
                 w = round(runif(n, 0.5, 2), 2))
po$y <- rpois(n, po$exposure * exp(0.2 + 0.3 * po$x1 - 0.4 * po$d))
write_data("poisson", po)
fit <- glm(y ~ x1 + d + offset(log(exposure)), family = poisson, data = po)
put_glm("poisson", fit, cluster = ~cl)
put_glm("poisson_w", glm(y ~ x1 + d + offset(log(exposure)), family = poisson, data = po,
                         weights = w))

# Quasi-complete separation: every d = 1 row has y = 1.  R warns "fitted
# probabilities numerically 0 or 1 occurred"; csceval must name d.
sep <- data.frame(x = c(0.5, -1.2, 0.3, 1.1, -0.4, 0.9, -0.8, 0.2, 1.5, -1.0, 0.1, 0.7),
                  d = c(1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0),
                  y = c(1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0))
write_data("separation", sep)
fit <- suppressWarnings(glm(y ~ x + d, family = binomial, data = sep))
put("separation", "max_fitted", max(fitted(fit)))
put("separation", "converged", fit$converged)

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
