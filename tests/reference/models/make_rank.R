# Run as: Rscript tests/reference/models/make_rank.R   (from the repository root)
#
# What R's lm() and glm() do with a column that is a constant plus rounding
# noise, and with a legitimately small-scale column (tests/c/test_ols.c,
# "rank test on the columns as given").  Writes rank_data.csv (the data,
# every value printed to 17 digits so C reads the same doubles) and
# rank.csv (case,quantity,index,value).
#   noise  = 1 + u 2^-52, u in -4..4: a constant plus about 1e-15 of noise
#   small  = 1e-8 x: a regressor like x on another scale
# lm(y ~ x + noise): R's dqrdc2 (tol 1e-7) finds noise aliased (coefficient
# NA, rank 2): the part of it orthogonal to (1, x) is 1e-16 of its norm.
# lm(y ~ x + small2) with small2 = 1e-8 x^2: kept, like x^2 itself; and
# lm(y ~ small1), small1 = 1e-8 x: kept, the slope 1e8 times x's.
# glm(count ~ x + noise, poisson): aliased too (tol min(1e-7, eps/1000)).
set.seed(20261206)
n <- 40
x <- seq_len(n) / 4
u <- sample(-4:4, n, replace = TRUE)
noise <- 1 + u * 2^-52
small2 <- 1e-8 * x^2
small1 <- 1e-8 * x
y <- round(3 + 0.5 * x - 0.02 * x^2 + rnorm(n, 0, 0.3), 4)
count <- rpois(n, exp(1 + 0.05 * x))
d <- data.frame(y = y, x = x, noise = noise, small1 = small1, small2 = small2, count = count)
f17 <- function(v) sprintf("%.17g", v)
write.csv(data.frame(lapply(d, f17)), "tests/reference/models/rank_data.csv",
          row.names = FALSE, quote = FALSE)
stopifnot(all(as.numeric(f17(noise)) == noise), all(as.numeric(f17(small1)) == small1),
          all(as.numeric(f17(small2)) == small2))

rows <- list()
put <- function(case, quantity, value) {
  value <- as.numeric(value)
  rows[[length(rows) + 1L]] <<- data.frame(case = case, quantity = quantity,
    index = seq_along(value), value = ifelse(is.na(value), "NA", sprintf("%.17g", value)))
}
f1 <- lm(y ~ x + noise, data = d)
put("rank_noise", "rank", f1$rank)
put("rank_noise", "aliased", which(is.na(coef(f1))))        # 1-based: intercept, x, noise
f2 <- lm(y ~ x + small2, data = d)
put("rank_small", "rank", f2$rank)
put("rank_small", "coef", coef(f2))
put("rank_small", "se", sqrt(diag(vcov(f2))))
f5 <- lm(y ~ small1, data = d)
put("rank_small1", "rank", f5$rank)
put("rank_small1", "coef", coef(f5))
put("rank_small1", "se", sqrt(diag(vcov(f5))))
f3 <- glm(count ~ x + noise, family = poisson, data = d)
put("rank_glm_noise", "rank", f3$rank)
put("rank_glm_noise", "aliased", which(is.na(coef(f3))))
f4 <- glm(count ~ x + small2, family = poisson, data = d)
put("rank_glm_small", "rank", f4$rank)
put("rank_glm_small", "coef", coef(f4))
put("rank_glm_small", "se", sqrt(diag(vcov(f4))))
out <- do.call(rbind, rows)
write.csv(out, "tests/reference/models/rank.csv", row.names = FALSE, quote = FALSE)
print(out)
