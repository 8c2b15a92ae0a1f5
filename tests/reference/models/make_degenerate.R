# Run as: Rscript tests/reference/models/make_degenerate.R   (from the repository root)
#
# What R's glm() does with the degenerate fits csceval refuses
# (tests/lua/test_model.lua, "degenerate GLMs"): it returns numbers, with at
# most a warning.  Writes degenerate.csv (case, quantity, value) and
# degenerate_data.csv (the data, x = 1..20).
#   all1      logit, outcome 1 in every row: intercept ~25, SE ~1e5, no warning
#   all0      Poisson, outcome 0 in every row: intercept ~ -25, SE ~1e5
#   separate  logit with y = (x > 10): "fitted probabilities numerically 0 or 1"
#   maxit2    logit on overlapping data with maxit = 2: "did not converge"
#   nonfinite lm(y ~ log(x - 5)) on 8 rows, two with x <= 5: R makes NaN,
#             which lm drops as NA (an Inf in the column would stop lm)
d <- data.frame(x = 1:20)
d$one <- 1
d$zero <- 0
d$sep <- as.numeric(d$x > 10)
d$ovl <- c(0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1)
write.csv(d, "tests/reference/models/degenerate_data.csv", row.names = FALSE, quote = FALSE)
run <- function(expr) {
  w <- character(0)
  fit <- withCallingHandlers(expr, warning = function(c) {
    w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
  list(fit = fit, warned = paste(w, collapse = " | "))
}
out <- data.frame()
add <- function(case, r) {
  s <- summary(r$fit)$coefficients
  out <<- rbind(out, data.frame(case = case,
    quantity = c("intercept", "intercept_se", "iter", "converged", "warned"),
    value = c(format(s[1, 1], digits = 10), format(s[1, 2], digits = 10), r$fit$iter,
              as.integer(r$fit$converged), if (nzchar(r$warned)) r$warned else "none")))
}
add("all1", run(glm(one ~ x, family = binomial, data = d)))
add("all0", run(glm(zero ~ x, family = poisson, data = d)))
add("separate", run(glm(sep ~ x, family = binomial, data = d)))
add("maxit2", run(glm(ovl ~ x, family = binomial, data = d, control = glm.control(maxit = 2))))
nf <- data.frame(y = c(1, 3, 2, 5, 4, 6, 8, 7), x = c(4, 6, 7, 8, 9, 10, 12, 3))
r <- run(lm(y ~ log(x - 5), data = nf))
out <- rbind(out, data.frame(case = "nonfinite", quantity = c("intercept", "slope", "n", "warned"),
  value = c(format(coef(r$fit)[1], digits = 17), format(coef(r$fit)[2], digits = 17), nobs(r$fit), r$warned)))
write.csv(out, "tests/reference/models/degenerate.csv", row.names = FALSE)
print(out)
