# The R peer of tests/bench/placebo_bench.lua (bench line placebo_150):
#   Rscript tests/bench/peer_placebo.R FILE RUNS [OUT]
# The same loop with lm + sandwich: for the treated authority (101) and then
# each other authority as if treated, the itsa design (_t _z _z_t _x _x_t
# _z_x _z_x_t) against all the others pooled (the real treated authority
# left out of the placebo runs, as csceval's comparators_rule = "rest"),
# lm, sandwich::NeweyWest(lag = 0, prewhite = FALSE,
# adjust = TRUE) (= HC1, as csceval's Newey-West lag 0), and the impact at
# 2025 = _z_x + 6 _z_x_t with its standard error.  Reading the file is not
# timed.  Prints the best wall time in seconds; the sums of the impacts and
# standard errors go to stderr; with OUT, every authority's impact and standard
# error go there as key,value lines (est:CODE, se:CODE) for the check.
suppressPackageStartupMessages(library(sandwich))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
runs <- if (length(args) > 1) as.integer(args[2]) else 3L
d <- d[order(d$code, d$year), ]
codes <- unique(d$code)
treated <- 101
cv <- c(0, 0, 0, 0, 0, 0, 1, 6)
one_run <- function() {
  est <- numeric(length(codes)); se <- numeric(length(codes))
  for (i in seq_along(codes)) {
    s <- if (codes[i] == treated) d else d[d$code != treated, ]
    t_ <- s$year - 2013
    x <- as.numeric(s$year >= 2019)
    xt <- x * (s$year - 2019)
    z <- as.numeric(s$code == codes[i])
    fit <- lm(s$rate ~ t_ + z + I(z * t_) + x + xt + I(z * x) + I(z * xt))
    V <- NeweyWest(fit, lag = 0, prewhite = FALSE, adjust = TRUE)
    est[i] <- sum(cv * coef(fit))
    se[i] <- sqrt(drop(t(cv) %*% V %*% cv))
  }
  list(est = est, se = se)
}
best <- Inf
for (r in seq_len(runs)) {
  t0 <- proc.time()[["elapsed"]]
  res <- one_run()
  best <- min(best, proc.time()[["elapsed"]] - t0)
}
cat(sprintf("R: %d units, sum impact %.10g, sum se %.10g\n", length(codes), sum(res$est), sum(res$se)),
    file = stderr())
if (length(args) > 2) {
  writeLines(c(sprintf("est:%d,%.17g", as.integer(codes), res$est), sprintf("se:%d,%.17g", as.integer(codes), res$se)),
             args[3])
}
cat(sprintf("%.4f\n", best))
