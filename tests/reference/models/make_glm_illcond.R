# Run as: Rscript tests/reference/models/make_glm_illcond.R   (from the repository root)
#
# GLMs on raw calendar-year polynomials, the case the centring of each IRLS
# step is for (docs/methods/glm.md).  R fits them on poly(year, 3)
# (orthogonal, well conditioned): fitted values, the deviance and the
# linear predictor do not depend on the basis, so they check csceval's fit
# on the raw columns year, year2, year3 (condition number ~1e17 unscaled).
# Writes glm_illcond_data.csv and glm_illcond.csv (case, quantity, index, value).
set.seed(1616)
n <- 400
year <- rep(1990:2020, length.out = n)
t <- (year - 2005) / 15
d <- data.frame(year = year, year2 = year^2, year3 = year^3)
d$y <- rbinom(n, 1, plogis(-0.4 + 0.9 * t - 0.7 * t^2 + 0.5 * t^3))
d$count <- rpois(n, exp(1.1 + 0.3 * t - 0.4 * t^2 + 0.2 * t^3))
write.csv(d, "tests/reference/models/glm_illcond_data.csv", row.names = FALSE, quote = FALSE)
out <- data.frame()
add <- function(case, fit) {
  f <- fitted(fit)
  out <<- rbind(out,
    data.frame(case = case, quantity = "fitted", index = seq_along(f), value = sprintf("%.17g", f)),
    data.frame(case = case, quantity = "deviance", index = 1, value = sprintf("%.17g", deviance(fit))))
}
add("logit3", glm(y ~ poly(year, 3), family = binomial, data = d, control = glm.control(epsilon = 1e-12)))
add("poisson3", glm(count ~ poly(year, 3), family = poisson, data = d, control = glm.control(epsilon = 1e-12)))
write.csv(out, "tests/reference/models/glm_illcond.csv", row.names = FALSE, quote = FALSE)
