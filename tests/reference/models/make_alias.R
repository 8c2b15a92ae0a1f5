# Run as: Rscript tests/reference/models/make_alias.R   (from the repository root)
#
# Which columns R's lm() finds aliased, and what alias() says each one
# repeats, for the design that tests/lua/test_model.lua fits with
# model.ols (which stops and names them instead of giving NA).  Writes
# alias_data.csv (the data; every value printed to 17 digits) and
# alias.csv (case,aliased,term,value): for each aliased column, its
# coefficients on the columns kept, as alias()'s "Complete" matrix.
#   b = 2 a;  d = 1 + 0.5 a - c;  k = 5 (constant);  row 3 has a missing a
set.seed(20261206)
n <- 30
a <- round(runif(n, 0, 10), 3)
c <- round(runif(n, -2, 2), 3)
e <- round(rnorm(n), 3)
b <- 2 * a
d <- 1 + 0.5 * a - c
k <- rep(5, n)
y <- round(1 + 0.3 * a - 0.7 * c + 0.2 * e + rnorm(n, 0, 0.5), 4)
a[3] <- NA
dat <- data.frame(y = y, a = a, b = b, c = c, d = d, k = k, e = e)
f17 <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
write.csv(data.frame(lapply(dat, f17)), "tests/reference/models/alias_data.csv",
          row.names = FALSE, quote = FALSE)
fit <- lm(y ~ a + b + c + d + k + e, data = dat)
al <- alias(fit)$Complete
rows <- list()
for (r in rownames(al)) for (t in colnames(al)) {
  v <- al[r, t]
  rows[[length(rows) + 1]] <- data.frame(case = "ols_abcdke", aliased = r, term = t,
                                         value = sprintf("%.17g", v))
}
stopifnot(identical(names(coef(fit))[is.na(coef(fit))], c("b", "d", "k")))
out <- do.call(rbind, rows)
out <- rbind(out, data.frame(case = "ols_abcdke", aliased = "(rows used)", term = "n",
                             value = as.character(nobs(fit))))
write.csv(out, "tests/reference/models/alias.csv", row.names = FALSE, quote = FALSE)
