# Run as: Rscript tests/reference/groupby/make_groupby.R
#
# Reference group means, variances and standard deviations from R's own
# mean(), var() and sd() for frame:aggregate's "mean", "var" and "sd"
# (host/data/frameops_group.c and frameops_gfused.c), on data that are hard
# for summation: values over 13 orders of magnitude, groups offset by +-1e9
# and 1e12 with a small spread, and cancellation; one group of 70,000 rows
# spans three row chunks of 32,768.  R sums in long double and refines its
# mean with a second pass; csceval sums in double with Neumaier's
# compensation and corrects the division with one fma (docs/frames.md).
#
# The data come from an integer formula, with one correctly rounded
# operation per step, so tests/lua/test_groupby_reference.lua makes the same
# doubles without reading a file; the first rows are written here as a check
# that both made the same data.  Writes tests/reference/groupby/expected.csv
# (group, quantity, value) and sessionInfo.txt.  Base R only.

here <- "tests/reference/groupby"
n <- 150000
i <- 0:(n - 1)
k <- ifelse(i < 70000, 0L, (i %% 10L) + 1L)
a <- ((i * 7919) %% 20011) - 10000                 # whole numbers -10000 .. 10010
e <- (i %% 13) - 6                                 # -6 .. 6
p <- 10^abs(e)                                     # exact powers of ten
x <- ifelse(e < 0, a / p, a * p)                   # one rounding
off <- c(0, 1e9, -1e9, 1e12, 0.1, 0, 0, 0, 0, 0, 0)
v <- x + off[k + 1L]                               # one rounding
v[k == 6L] <- a[k == 6L] / 3                       # small values, no offset
v[k == 7L] <- ifelse(a[k == 7L] %% 2 == 0, 1e15, -1e15) + a[k == 7L] / 8   # cancellation
fmt <- function(z) sprintf("%.17g", z)
rows <- data.frame(group = "data", quantity = paste0("v", 0:9), value = fmt(v[1:10]))
for (g in sort(unique(k))) {
  z <- v[k == g]
  rows <- rbind(rows, data.frame(group = g, quantity = c("n", "mean", "var", "sd"),
                                 value = c(length(z), fmt(mean(z)), fmt(var(z)), fmt(sd(z)))))
}
write.csv(rows, file.path(here, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
