# Run as: Rscript tests/reference/its/make_rank_its.R   (from the repository root)
#
# One rank test for every model (tests/lua/test_rank_models.lua): an
# interrupted series fitted by least squares, by a Poisson GLM and by
# its.segmented, with a covariate that is a constant plus rounding noise
# (aliased) or a small-scale regressor (kept), as R's lm() and glm() judge
# them.  Writes rank_series.csv (every value to 17 digits, so csceval reads
# the same doubles) and rank_its.csv (case,quantity,index,value).
#   t = time - 1, x = 1 from period 13, x_t = x (t - 12): the segmented terms
#   noise = 1 + u 2^-52, u in -4..4: 1 up to about 1e-15
#   small = 1e-8 w, w in [0, 0.05]: a share on a tiny scale; its range
#     (5e-10) is below 1e-9, yet it is no more collinear than w itself
# lm(y ~ t + x + x_t + noise): noise aliased (rank 4, coefficient NA);
# lm(y ~ t + x + x_t + small): kept, coefficients and classical SEs;
# glm(count ~ ..., poisson): the same two.
set.seed(20261206)
n <- 24
time <- seq_len(n)
t <- time - 1
x <- as.numeric(time >= 13)
x_t <- x * (t - 12)
u <- sample(-4:4, n, replace = TRUE)
noise <- 1 + u * 2^-52
w <- round(runif(n, 0, 0.05), 4)
small <- 1e-8 * w
y <- round(20 + 0.4 * t - 3 * x + 0.2 * x_t + 40 * w + rnorm(n, 0, 0.8), 3)
count <- rpois(n, exp(2 + 0.03 * t - 0.3 * x + 5 * w))
d <- data.frame(time = time, y = y, count = count, w = w, noise = noise, small = small)
f17 <- function(v) sprintf("%.17g", v)
here <- "tests/reference/its"
write.csv(data.frame(lapply(d, f17)), file.path(here, "rank_series.csv"), row.names = FALSE, quote = FALSE)
stopifnot(all(as.numeric(f17(noise)) == noise), all(as.numeric(f17(small)) == small))

rows <- list()
put <- function(case, quantity, value) {
  value <- as.numeric(value)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
    index = seq_along(value), value = ifelse(is.na(value), "NA", sprintf("%.17g", value)))
}
f1 <- lm(y ~ t + x + x_t + noise)
put("ols_noise", "rank", f1$rank)
put("ols_noise", "aliased", which(is.na(coef(f1))))   # 1-based: (Intercept), t, x, x_t, noise
f2 <- lm(y ~ t + x + x_t + small)
put("ols_small", "rank", f2$rank)
put("ols_small", "coef", coef(f2))
put("ols_small", "se", sqrt(diag(vcov(f2))))
f3 <- glm(count ~ t + x + x_t + noise, family = poisson)
put("glm_noise", "rank", f3$rank)
put("glm_noise", "aliased", which(is.na(coef(f3))))
f4 <- glm(count ~ t + x + x_t + small, family = poisson)
put("glm_small", "rank", f4$rank)
put("glm_small", "coef", coef(f4))
put("glm_small", "se", sqrt(diag(vcov(f4))))
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "rank_its.csv"), row.names = FALSE, quote = FALSE)
print(out)
