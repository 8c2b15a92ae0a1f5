# Run as: Rscript make_survey.R   (from tests/reference/survey/)
# Reference values for csceval's survey numerics (tests/lua/test_survey.lua):
# Cronbach's alpha by its formula and by psych::alpha, alpha with each item
# dropped, Feldt's interval (psych::alpha.ci), the exact binomial p-values of
# the sign and McNemar tests (binom.test), and the group tests the survey
# recipes run (t.test, wilcox.test, fisher.test, chisq.test, prop.test,
# cor.test), the t interval of a mean, and the exact permutation test
# (enumeration; coin::oneway_test where installed) on the figures the
# recipes test.  psych and coin are optional (Debian r-cran-psych,
# r-cran-coin): without them their rows are left out and the Lua tests skip
# those comparisons.  Writes expected.csv (name,value) and sessionInfo.txt.
options(digits = 17)
out <- list()
put <- function(name, v) out[[name]] <<- unname(v)

x <- as.matrix(read.csv("items.csv"))
k <- ncol(x)
alpha_raw <- function(m) { k <- ncol(m); C <- cov(m); k / (k - 1) * (1 - sum(diag(C)) / sum(C)) }
alpha_std <- function(m) { k <- ncol(m); R <- cor(m); k / (k - 1) * (1 - k / sum(R)) }
a <- alpha_raw(x)
put("alpha.raw", a)
put("alpha.std", alpha_std(x))
R <- cor(x); put("alpha.average_r", (sum(R) - k) / (k * (k - 1)))
for (j in 1:k) put(paste0("alpha.drop.", colnames(x)[j]), alpha_raw(x[, -j]))
n <- nrow(x)
feldt <- function(a, n, k, level = 0.95) {
  q <- 1 - level
  c(1 - (1 - a) * qf(1 - q / 2, n - 1, (n - 1) * (k - 1)), 1 - (1 - a) * qf(q / 2, n - 1, (n - 1) * (k - 1)))
}
ci <- feldt(a, n, k); put("alpha.feldt_lo", ci[1]); put("alpha.feldt_hi", ci[2])
ci90 <- feldt(a, n, k, 0.90); put("alpha.feldt90_lo", ci90[1]); put("alpha.feldt90_hi", ci90[2])
# the same from psych, where it is installed (Debian r-cran-psych)
if (requireNamespace("psych", quietly = TRUE)) {
  pa <- psych::alpha(as.data.frame(x), warnings = FALSE)
  put("psych.raw_alpha", pa$total$raw_alpha)
  put("psych.std_alpha", pa$total$std.alpha)
  for (j in 1:k) put(paste0("psych.drop.", colnames(x)[j]), pa$alpha.drop$raw_alpha[j])
  pci <- psych::alpha.ci(a, n, k, digits = 17)
  put("psych.ci_lo", pci$lower.ci); put("psych.ci_hi", pci$upper.ci)
}

# exact binomial p-values (sign test and McNemar's exact test)
for (case in list(c(9, 9), c(3, 10), c(0, 5), c(7, 20), c(13, 30))) {
  put(sprintf("binom.%d_%d", case[1], case[2]), binom.test(case[1], case[2], 0.5)$p.value)
}

# New Belongings Table 9: self-score totals at baseline and follow-up
before <- c(82, 58, 76, 77, 70, 65, 69, 71, 54, 58)
after <- c(82, 61, 81, 84, 77, 73, 78, 81, 69, 82)
tt <- t.test(after, before, paired = TRUE)
put("t9.t", tt$statistic); put("t9.t_p", tt$p.value); put("t9.ci_lo", tt$conf.int[1]); put("t9.ci_hi", tt$conf.int[2])
wt <- suppressWarnings(wilcox.test(after, before, paired = TRUE))
put("t9.wilcoxon_V", wt$statistic); put("t9.wilcoxon_p", wt$p.value)
ct <- cor.test(before, after - before)
put("t9.cor", ct$estimate); put("t9.cor_p", ct$p.value)

# Lincolnshire staff survey: 2018 (n = 242) against 2020 (n = 204)
lincs <- list(retention = c(179, 155), remain = c(169, 143), recruitment = c(165, 135), turnover = c(145, 116),
              training = c(74, 61), restorative = c(11, 24))
for (nm in names(lincs)) {
  xx <- lincs[[nm]]; nn <- c(242, 204)
  tab <- rbind(c(xx[1], nn[1] - xx[1]), c(xx[2], nn[2] - xx[2]))
  put(paste0("lincs.", nm, ".fisher_p"), fisher.test(tab)$p.value)
  put(paste0("lincs.", nm, ".chisq_p"), chisq.test(tab)$p.value)
  pt <- prop.test(rev(xx), rev(nn))
  put(paste0("lincs.", nm, ".ci_lo"), pt$conf.int[1]); put(paste0("lincs.", nm, ".ci_hi"), pt$conf.int[2])
}

# small groups: two sets of scores with ties (Welch t, Mann-Whitney)
g1 <- c(19.25, 17.98, 20.73, 16.88, 21.54)
g2 <- c(23.21, 22.35, 24.11, 21.54, 25.03, 26.02, 19.98, 23.21, 27.03, 22.35)
wt2 <- t.test(g1, g2); put("small.welch_t", wt2$statistic); put("small.welch_p", wt2$p.value)
put("small.welch_df", wt2$parameter)
ci1 <- t.test(g2)$conf.int; put("small.mean_ci_lo", ci1[1]); put("small.mean_ci_hi", ci1[2])
mw <- suppressWarnings(wilcox.test(g1, g2)); put("small.mw_W", mw$statistic); put("small.mw_p", mw$p.value)

# exact permutation test of a difference in means: by enumerating every split
# (combn) and, where installed, coin::oneway_test(distribution = "exact")
perm_brute <- function(x, y) {
  all <- c(x, y); sums <- combn(all, length(x), sum); mu <- mean(sums)
  mean(abs(sums - mu) >= abs(sum(x) - mu) * (1 - 1e-7))
}
put("perm.small", perm_brute(g1, g2))
put("perm.tiny", perm_brute(c(1, 2), c(3, 4, 5)))
w1i <- c(4, 5, 3, 6, 4, 5, 4, 3, 6, 5, 4, 4, 6)
w1c <- c(3, 2, 3, 4, 2, 3, 3, 2, 4, 3, 1, 3, 2, 3, 4, 3, 2, 3, 3, 2, 4, 3, 3, 2, 3, 4, 3, 2, 3, 3, 2, 4)
if (requireNamespace("coin", quietly = TRUE)) {
  d <- data.frame(v = c(g1, g2), g = factor(rep(c("a", "b"), c(length(g1), length(g2)))))
  put("coin.small", coin::pvalue(coin::oneway_test(v ~ g, data = d, distribution = "exact")))
  d2 <- data.frame(v = c(w1i, w1c), g = factor(rep(c("a", "b"), c(length(w1i), length(w1c)))))
  put("coin.likert", coin::pvalue(coin::oneway_test(v ~ g, data = d2, distribution = "exact")))
}

# Ofsted ratings (New Belongings Table 2): NB LAs against England
of <- cbind(c(1, 5, 10, 3, 9), c(2, 31, 49, 12, 58))
put("ofsted.fisher_p", fisher.test(t(of))$p.value)
put("ofsted.chisq", suppressWarnings(chisq.test(t(of))$statistic))

res <- data.frame(name = names(out), value = sprintf("%.17g", unlist(out)))
write.csv(res, "expected.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
