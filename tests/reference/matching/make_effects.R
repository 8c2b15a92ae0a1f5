# Run as: Rscript make_effects.R   (from tests/reference/matching/, after make_matching.R)
#
# References for host/match/ipw.c, host/match/balance.c and host/match/effect.c, used by
# tests/c/test_match_effects.c.  Writes
#   effects_data.csv   the medium data set with an outcome y and the
#                      weights/subclasses the cases use (computed here)
#   effects_expected.csv   case,quantity,index,value
# Sources of truth:
#   balance  cobalt's formulas written out below (cobalt is not in Debian),
#            cross-checked against MatchIt's summary() for the ATT, which
#            uses the same conventions (treated SD for the denominator from
#            the full sample; p(1 - p) for binary variances; weighted
#            variances sum w (x - m)^2 / (1 - sum w^2), w normalised)
#   ipw      weights by their definitions from R's glm() scores
#   effects  lm(y ~ treat [+ covariates], weights) with sandwich::vcovCL
#            (cluster = subclass, type "HC1"), sandwich::vcovHC (HC0, HC1,
#            HC3), survey::svyglm; t on the residual df (lmtest::coeftest)
suppressMessages({library(MatchIt); library(sandwich); library(survey)})
d <- read.csv("data_medium.csv")
set.seed(404)
d$y <- round(1 + 1.5 * d$t + 0.8 * d$x1 + 0.3 * d$x3 - 0.5 * d$b1 + rnorm(nrow(d), sd = 1 + 0.5 * d$b2), 3)

# Matched samples: 4:1 Mahalanobis without replacement, 10:1 logit score
# with replacement (csceval reproduces both exactly: test_match.c).
m4 <- matchit(t ~ x1 + x2 + x3 + x4, data = d, method = "nearest", distance = "mahalanobis", ratio = 4)
d$w_m4 <- m4$weights
d$sub_m4 <- ifelse(is.na(m4$subclass), 0L, as.integer(as.character(m4$subclass)))
fit_ps <- glm(t ~ x1 + x2 + x3 + x4 + b1 + b2, data = d, family = binomial)
d$.score <- fitted(fit_ps)
mr <- matchit(t ~ x1 + x2 + x3 + x4 + b1 + b2, data = d, method = "nearest", distance = "glm",
              mahvars = ~.score, ratio = 10, replace = TRUE)
d$w_r10 <- mr$weights
d$ps <- fitted(fit_ps)
d$.score <- NULL

out <- list()
put <- function(case, qty, v) {
  out[[length(out) + 1]] <<- data.frame(case = case, quantity = qty, index = seq_along(v),
                                        value = sprintf("%.17g", v))
}

# ---- IPW weights by definition ------------------------------------------
q7 <- function(x, p) unname(quantile(x, p, type = 7))
ipw <- function(ps, t, estimand, stabilize = FALSE, trim = NULL, trunc = NULL) {
  keep <- rep(TRUE, length(ps))
  if (!is.null(trim)) keep <- ps >= q7(ps, trim[1]) & ps <= q7(ps, trim[2])
  w <- switch(estimand, ATT = ifelse(t == 1, 1, ps / (1 - ps)),
              ATC = ifelse(t == 1, (1 - ps) / ps, 1), ATE = ifelse(t == 1, 1 / ps, 1 / (1 - ps)))
  w[!keep] <- 0
  if (!is.null(trunc)) for (g in 0:1) {
    s <- t == g & keep
    lo <- if (is.na(trunc[1])) -Inf else q7(w[s], trunc[1])
    hi <- if (is.na(trunc[2])) Inf else q7(w[s], trunc[2])
    w[s] <- pmin(pmax(w[s], lo), hi)
  }
  if (stabilize) for (g in 0:1) w[t == g] <- w[t == g] * sum(t == g & keep) / sum(keep)
  w
}
ess <- function(w) sum(w)^2 / sum(w^2)
ipw_cases <- list(
  list(case = "ipw_att", estimand = "ATT"),
  list(case = "ipw_ate", estimand = "ATE"),
  list(case = "ipw_atc", estimand = "ATC"),
  list(case = "ipw_ate_stab", estimand = "ATE", stabilize = TRUE),
  list(case = "ipw_ate_trim", estimand = "ATE", trim = c(0.02, 0.98)),
  list(case = "ipw_att_trunc", estimand = "ATT", trunc = c(NA, 0.95)),
  list(case = "ipw_ate_all", estimand = "ATE", stabilize = TRUE, trim = c(0.01, 0.995), trunc = c(0.01, 0.99))
)
for (c in ipw_cases) {
  w <- ipw(d$ps, d$t, c$estimand, isTRUE(c$stabilize), c$trim, c$trunc)
  put(c$case, "weights", w)
  put(c$case, "ess", c(ess(w[d$t == 0 & w > 0]), ess(w[d$t == 1 & w > 0])))
  put(c$case, "sum_w", c(sum(w[d$t == 0]), sum(w[d$t == 1])))
  if (c$case == "ipw_ate") d$w_ate <- w
  if (c$case == "ipw_ate_trim") d$w_ate_trim <- w
}
lo <- max(min(d$ps[d$t == 0]), min(d$ps[d$t == 1])); hi <- min(max(d$ps[d$t == 0]), max(d$ps[d$t == 1]))
put("ipw_ate", "support", c(lo, hi, sum(d$t == 0 & (d$ps < lo | d$ps > hi)), sum(d$t == 1 & (d$ps < lo | d$ps > hi))))
br <- seq(0, 1, by = 0.05)
put("ipw_ate", "hist_n_treated", as.numeric(table(cut(d$ps[d$t == 1], br, right = FALSE))))
put("ipw_ate", "hist_n_control", as.numeric(table(cut(d$ps[d$t == 0], br, right = FALSE))))

# ---- balance (cobalt's formulas) ----------------------------------------
wmean <- function(x, w) sum(w * x) / sum(w)
wvar <- function(x, w, binary, sample) {
  m <- wmean(x, w)
  if (binary && !sample) return(m * (1 - m))
  w <- w / sum(w)
  sum(w * (x - m)^2) / (1 - sum(w^2))
}
bal <- function(case, x, w, sd = "treated", sample = FALSE) {
  b <- all(x %in% c(0, 1)); t <- d$t; one <- rep(1, length(x))
  v1 <- wvar(x[t == 1], one[t == 1], b, sample); v0 <- wvar(x[t == 0], one[t == 0], b, sample)
  den <- switch(sd, treated = sqrt(v1), control = sqrt(v0), pooled = sqrt((v1 + v0) / 2))
  k <- w > 0
  m1 <- wmean(x[t == 1 & k], w[t == 1 & k]); m0 <- wmean(x[t == 0 & k], w[t == 0 & k])
  a1 <- wvar(x[t == 1 & k], w[t == 1 & k], b, sample); a0 <- wvar(x[t == 0 & k], w[t == 0 & k], b, sample)
  put(case, "unadj", c(mean(x[t == 1]), mean(x[t == 0]), den, (mean(x[t == 1]) - mean(x[t == 0])) / den,
                       if (b) NaN else v1 / v0))
  put(case, "adj", c(m1, m0, (m1 - m0) / den, if (b) NaN else a1 / a0))
}
for (v in c("x1", "x3", "b1")) {
  bal(paste0("bal_m4_", v), d[[v]], d$w_m4)
  bal(paste0("bal_ate_", v), d[[v]], d$w_ate, sd = "pooled")
  bal(paste0("bal_ate_sample_", v), d[[v]], d$w_ate, sd = "pooled", sample = TRUE)
  bal(paste0("bal_r10_", v), d[[v]], d$w_r10)
}
# MatchIt's summary() agrees with the formulas for the ATT (checked here,
# so the committed numbers are MatchIt's as well as cobalt's).
s4 <- summary(m4, addlvariables = ~ b1, data = d, standardize = TRUE)
for (v in c("x1", "x3", "b1")) {
  got <- out[[which(sapply(out, function(o) o$case[1] == paste0("bal_m4_", v) && o$quantity[1] == "adj"))]]
  stopifnot(abs(as.numeric(got$value[3]) - s4$sum.matched[v, "Std. Mean Diff."]) < 1e-12)
  got <- out[[which(sapply(out, function(o) o$case[1] == paste0("bal_m4_", v) && o$quantity[1] == "unadj"))]]
  stopifnot(abs(as.numeric(got$value[4]) - s4$sum.all[v, "Std. Mean Diff."]) < 1e-12)
  if (v != "b1") stopifnot(abs(as.numeric(got$value[5]) - s4$sum.all[v, "Var. Ratio"]) < 1e-12)
}

# ---- effects --------------------------------------------------------------
eff <- function(case, fit, V, df = fit$df.residual, level = 0.95) {
  b <- coef(fit)[["t"]]; se <- sqrt(V["t", "t"]); tt <- b / se
  q <- qt(1 - (1 - level) / 2, df)
  put(case, "effect", c(b, se, tt, df, 2 * pt(-abs(tt), df), b - q * se, b + q * se))
}
md <- d[d$w_m4 > 0, ]
f1 <- lm(y ~ t, data = md, weights = w_m4)
eff("eff_m4", f1, vcovCL(f1, cluster = ~sub_m4))
f2 <- lm(y ~ t + x1 + b1, data = md, weights = w_m4)
eff("eff_m4_adj", f2, vcovCL(f2, cluster = ~sub_m4))
# interactions centred on the treated units' weighted means: the t
# coefficient is the g-computation ATT (checked against the average of
# predicted differences over the treated)
tr <- md$t == 1
md$x1c <- md$x1 - wmean(md$x1[tr], md$w_m4[tr]); md$b1c <- md$b1 - wmean(md$b1[tr], md$w_m4[tr])
f3 <- lm(y ~ t + x1 + b1 + t:x1c + t:b1c, data = md, weights = w_m4)
g <- lm(y ~ t * (x1 + b1), data = md, weights = w_m4)
att <- wmean(predict(g, transform(md[tr, ], t = 1)) - predict(g, transform(md[tr, ], t = 0)), md$w_m4[tr])
stopifnot(abs(att - coef(f3)[["t"]]) < 1e-10)
eff("eff_m4_interact", f3, vcovCL(f3, cluster = ~sub_m4))
md$y_r <- ifelse(md$t == 1, md$y, md$y * 1.28)
f4 <- lm(y_r ~ t + x1, data = md, weights = w_m4)
eff("eff_m4_rescale", f4, vcovCL(f4, cluster = ~sub_m4), level = 0.9)
mr_d <- d[d$w_r10 > 0, ]
f5 <- lm(y ~ t, data = mr_d, weights = w_r10)
eff("eff_r10_hc3", f5, vcovHC(f5, type = "HC3"))
wd <- d[d$w_ate > 0, ]
f6 <- lm(y ~ t, data = wd, weights = w_ate)
eff("eff_ate_hc0", f6, vcovHC(f6, type = "HC0"))
eff("eff_ate_hc1", f6, vcovHC(f6, type = "HC1"))
sv <- svyglm(y ~ t + x3, design = svydesign(ids = ~1, weights = ~w_ate, data = wd))
V <- vcov(sv)
b <- coef(sv)[["t"]]; se <- sqrt(V["t", "t"]); df <- sv$df.residual
put("eff_ate_svy_adj", "effect", c(b, se, b / se, df, 2 * pt(-abs(b / se), df),
                                   b - qt(0.975, df) * se, b + qt(0.975, df) * se))
f7 <- lm(y ~ t + x3, data = d[d$w_ate_trim > 0, ], weights = w_ate_trim)
eff("eff_ate_trim_classical", f7, vcov(f7))

# 17 significant digits: the C test reads back the very doubles R used.
ed <- d[, c("t", "x1", "x3", "b1", "y", "ps", "w_m4", "sub_m4", "w_r10", "w_ate", "w_ate_trim")]
for (v in c("ps", "w_m4", "w_r10", "w_ate", "w_ate_trim")) ed[[v]] <- sprintf("%.17g", ed[[v]])
write.csv(ed, "effects_data.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, out), "effects_expected.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
