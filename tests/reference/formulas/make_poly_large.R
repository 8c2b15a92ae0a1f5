# Run as: Rscript tests/reference/formulas/make_poly_large.R   (from the repository root)
#
# poly() at 100,000 rows (tests/lua/test_formula.lua, "poly() at 1e5 rows"):
# R's poly(x, 3) coefficients (attr "coefs": alpha, norm2), the columns at
# a few rows, and lm(y ~ poly(x, 3)) coefficients and SEs.  The data are
# made by formula, so both sides build them without a data file:
#   i = 1..100000, x = ((7919 i) mod 100003) / 1000 (every value exact),
#   y = (i mod 17) / 4 + x / 10 - (x / 50)^2 + (x / 100)^3,
#   x is missing (NA) in rows with i mod 1000 == 0 (100 rows).  R's poly()
#   refuses missing values, so R fits the 99,900 complete rows; csceval
#   drops the incomplete rows itself and must give the same basis.
# Writes poly_large.csv (quantity,index,value).
i <- 1:100000
x <- ((7919 * i) %% 100003) / 1000
y <- (i %% 17) / 4 + x / 10 - (x / 50)^2 + (x / 100)^3
x[i %% 1000 == 0] <- NA
d <- data.frame(x = x, y = y)
fit <- lm(y ~ poly(x, 3), data = d[!is.na(d$x), ])   # row names stay those of d
cf <- attr(model.frame(fit)[["poly(x, 3)"]], "coefs")
P <- model.matrix(fit)
rows <- c(1, 2, 500, 999, 1001, 54321, 100000 - 1)       # rows of d, all complete
at <- match(rows, as.integer(rownames(P)))
out <- rbind(
  data.frame(quantity = "alpha", index = 1:3, value = cf$alpha),
  data.frame(quantity = "norm2", index = 1:5, value = cf$norm2),
  data.frame(quantity = "rows", index = seq_along(rows), value = rows),
  data.frame(quantity = "poly1", index = seq_along(rows), value = P[at, 2]),
  data.frame(quantity = "poly2", index = seq_along(rows), value = P[at, 3]),
  data.frame(quantity = "poly3", index = seq_along(rows), value = P[at, 4]),
  data.frame(quantity = "coef", index = 1:4, value = coef(fit)),
  data.frame(quantity = "se", index = 1:4, value = sqrt(diag(vcov(fit)))),
  data.frame(quantity = "n", index = 1, value = nobs(fit)))
out$value <- sprintf("%.17g", out$value)
write.csv(out, "tests/reference/formulas/poly_large.csv", row.names = FALSE, quote = FALSE)
print(out)
