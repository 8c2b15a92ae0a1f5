# Run as: Rscript tests/reference/rateci/make_rateci.R
# Reference intervals for csc.stats.poisson_ci, wilson_ci and funnel_limits
# (host/num/rateci.c), written to tests/reference/rateci/expected.csv.
#   exact Poisson: poisson.test(x, conf.level = c)$conf.int (Garwood)
#   Byar: Breslow & Day (1987) vol. II p. 69, written out here from the
#         formula (R has no built-in); checked against exact below
#   Wilson: prop.test(x, n, correct = FALSE, conf.level = c)$conf.int
#   funnel, rate: qchisq limits for the expected count E = centre * n
#   funnel, proportion: binom's Wilson form with p0 in place of x / n
#         (binom::binom.confint(..., methods = "wilson") when installed)
out <- file.path("tests", "reference", "rateci")
rows <- list()
add <- function(kind, x, n, centre, conf, lo, hi) {
  rows[[length(rows) + 1]] <<- data.frame(kind = kind, x = x, n = n, centre = centre,
    conf = conf, lo = sprintf("%.17g", lo), hi = sprintf("%.17g", hi))
}
for (conf in c(0.95, 0.998)) {
  for (x in c(0, 1, 2, 5, 10, 37, 120, 1000, 25000)) {
    ci <- poisson.test(x, conf.level = conf)$conf.int
    add("poisson_exact", x, NA, NA, conf, ci[1], ci[2])
    z <- qnorm(1 - (1 - conf) / 2)
    lo <- if (x == 0) 0 else max(0, x * (1 - 1 / (9 * x) - z / (3 * sqrt(x)))^3)
    hi <- (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * sqrt(x + 1)))^3
    # Byar is an approximation to the exact interval: within 2% of it from 10 events
    if (x >= 10) stopifnot(abs(lo / ci[1] - 1) < 0.02, abs(hi / ci[2] - 1) < 0.02)
    add("poisson_byar", x, NA, NA, conf, lo, hi)
  }
  for (xn in list(c(0, 10), c(1, 10), c(114, 136), c(50, 100), c(136, 136), c(3, 1000), c(4512, 6200))) {
    ci <- prop.test(xn[1], xn[2], correct = FALSE, conf.level = conf)$conf.int
    add("wilson", xn[1], xn[2], NA, conf, ci[1], ci[2])
  }
  for (cn in list(c(0.55, 20), c(0.55, 150), c(0.55, 900), c(0.1, 35), c(0.97, 400))) {
    p0 <- cn[1]; n <- cn[2]; z <- qnorm(1 - (1 - conf) / 2)
    lo <- (2 * n * p0 + z^2 - z * sqrt(z^2 + 4 * n * p0 * (1 - p0))) / (2 * (n + z^2))
    hi <- (2 * n * p0 + z^2 + z * sqrt(z^2 + 4 * n * p0 * (1 - p0))) / (2 * (n + z^2))
    if (requireNamespace("binom", quietly = TRUE)) {
      b <- binom::binom.confint(n * p0, n, conf.level = conf, methods = "wilson")
      stopifnot(abs(b$lower - lo) < 1e-12, abs(b$upper - hi) < 1e-12)
    }
    add("funnel_proportion", NA, n, p0, conf, lo, hi)
  }
  for (cn in list(c(0.0067, 20000), c(0.0067, 150000), c(0.0067, 400000), c(0.0042, 60000), c(0.02, 50))) {
    r0 <- cn[1]; n <- cn[2]; e <- r0 * n; a <- (1 - conf) / 2
    lo <- if (e > 0) qchisq(a, 2 * e) / 2 / n else 0
    hi <- qchisq(1 - a, 2 * e + 2) / 2 / n
    add("funnel_rate", NA, n, r0, conf, lo, hi)
  }
}
write.csv(do.call(rbind, rows), file.path(out, "expected.csv"), row.names = FALSE, na = "")
writeLines(capture.output(sessionInfo()), file.path(out, "sessionInfo.txt"))
