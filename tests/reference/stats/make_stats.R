# Run as: Rscript tests/reference/stats/make_stats.R
#
# Reference values for the hypothesis tests, small-sample tests and the
# bootstrap intervals in host/{ttest,ctab,ranktest,prop,scale,padjust,boot}.c.
# Writes tests/reference/stats/expected.csv (columns test,case,quantity,value;
# a vector is several rows with the same key, in order) and sessionInfo.txt.
# The input data are written to the same file (test = "data"), so the C
# tests (tests/c/test_stats.c) read both from one place and never run R.
# Needs base R and the recommended package boot (Debian r-cran-boot).

suppressPackageStartupMessages(library(boot))

here <- "tests/reference/stats"
rows <- list()
fmt <- function(v) {
  v <- as.numeric(v)
  ifelse(is.na(v), "NA",
         ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v)))
}
put <- function(test, case, quantity, value) {
  if (length(value) == 0L) stop("empty value for ", test, "/", case, "/", quantity)
  rows[[length(rows) + 1L]] <<- data.frame(test = test, case = case,
                                           quantity = quantity, value = fmt(value))
}
put_data <- function(name, v) put("data", name, "value", v)
put_table <- function(name, m) {
  put("data", name, "nrow", nrow(m))
  put("data", name, "value", as.vector(t(m)))  # row-major
}
# An htest as the fields csceval returns.
put_htest <- function(test, case, h) {
  if (!is.null(h$statistic)) put(test, case, "statistic", h$statistic)
  if (!is.null(h$parameter)) put(test, case, "parameter", h$parameter)
  put(test, case, "p_value", h$p.value)
  if (!is.null(h$conf.int)) {
    put(test, case, "conf_lo", h$conf.int[1])
    put(test, case, "conf_hi", h$conf.int[2])
  }
  if (!is.null(h$estimate)) put(test, case, "estimate", h$estimate)
}

# ---- data (hand-made; small; with ties, n = 3 and zero cells) ----
x1 <- c(1.2, 3.4, 2.2, 5.1, 4.4, 2.9, 3.3, 6.0)
y1 <- c(2.1, 4.6, 3.9, 6.2, 5.8, 4.1, 5.0, 7.3, 6.6)
x3 <- c(1, 2, 4)
y3 <- c(2.5, 3, 7.5)
pre  <- c(10.1, 12.3, 9.8, 11.4, 13.0, 10.7, 12.2)
post <- c(11.0, 12.9, 10.5, 11.1, 14.2, 11.9, 12.8)
xt <- c(1, 2, 2, 3, 3, 3, 4, 5)
yt <- c(2, 3, 4, 4, 5, 6, 6, 7)
xz <- c(2, 3, 3, 5, 1, 4, 3, 6)
xl <- round(sin(1:60) * 10 + (1:60) / 5, 3)
yl <- round(cos(1:55) * 10 + 3, 3)
xoff <- x1 + 1e6                # large common offset: the variance must survive
xs <- c(3.1, 1.4, 4.1, 5.9, 2.6, 5.3, 5.8, 9.7, 9.3, 2.3, 8.4, 6.2)
ys <- c(2.7, 1.8, 2.8, 8.1, 8.2, 8.4, 5.9, 9.0, 4.5, 2.3, 5.3, 6.0)
for (nm in c("x1", "y1", "x3", "y3", "pre", "post", "xt", "yt", "xz", "xl", "yl",
             "xoff", "xs", "ys"))
  put_data(nm, get(nm))

tab2   <- matrix(c(12, 5, 7, 15), 2, byrow = TRUE)
tab2y  <- matrix(c(5, 4, 5, 5), 2, byrow = TRUE)    # |O - E| < 0.5: capped Yates
tab2z  <- matrix(c(0, 5, 6, 2), 2, byrow = TRUE)    # zero cell, x11 = lo
tab2h  <- matrix(c(7, 0, 3, 4), 2, byrow = TRUE)    # x11 = hi: estimate Inf
tab2s  <- matrix(c(1, 2, 3, 1), 2, byrow = TRUE)
tab23  <- matrix(c(10, 6, 4, 3, 9, 8), 2, byrow = TRUE)
tab33  <- matrix(c(4, 0, 2, 1, 5, 3, 2, 2, 6), 3, byrow = TRUE)
tab34  <- matrix(c(3, 1, 4, 2, 0, 5, 2, 3, 2, 2, 1, 6), 3, byrow = TRUE)
tab25  <- matrix(c(8, 3, 5, 2, 6, 2, 7, 4, 9, 3), 2, byrow = TRUE)
tab44  <- matrix(c(5, 2, 1, 3, 1, 6, 2, 2, 2, 1, 7, 1, 3, 2, 1, 6), 4, byrow = TRUE)
tab0r  <- matrix(c(3, 2, 1, 0, 0, 0, 1, 4, 2), 3, byrow = TRUE)  # empty row
tab52  <- t(tab25)
# n = 133: beyond FEXACT's default workspace, so R needs workspace = 2e8
tab36  <- matrix(c(8, 5, 9, 3, 7, 12, 4, 10, 6, 9, 5, 8, 11, 6, 7, 9, 10, 4), 3, byrow = TRUE)
for (nm in c("tab2", "tab2y", "tab2z", "tab2h", "tab2s", "tab23", "tab33", "tab34",
             "tab25", "tab44", "tab0r", "tab52", "tab36"))
  put_table(nm, get(nm))

items <- matrix(c(4, 5, 4, 3,
                  3, 3, 4, 2,
                  5, 5, 5, 4,
                  2, 3, 2, 2,
                  4, 4, 3, 3,
                  1, 2, 2, 1,
                  3, 4, 4, 4,
                  5, 4, 5, 5), ncol = 4, byrow = TRUE)
items3 <- matrix(c(1, 2, 2, 3, 3, 5, 4, 4, 6), ncol = 3, byrow = TRUE)
put_table("items", items)
put_table("items3", items3)

# ---- t-tests: R t.test ----
put_htest("ttest", "welch", t.test(x1, y1))
put_htest("ttest", "welch_less", t.test(x1, y1, alternative = "less"))
put_htest("ttest", "welch_greater_90", t.test(x1, y1, alternative = "greater", conf.level = 0.9))
put_htest("ttest", "welch_mu", t.test(x1, y1, mu = -1))
put_htest("ttest", "welch_n3", t.test(x3, y3))
put_htest("ttest", "student", t.test(x1, y1, var.equal = TRUE))
put_htest("ttest", "one", t.test(x1, mu = 3))
put_htest("ttest", "one_n3", t.test(x3))
put_htest("ttest", "one_offset", t.test(xoff, mu = 1e6 + 3))
put_htest("ttest", "paired", t.test(pre, post, paired = TRUE))
put_htest("ttest", "paired_greater", t.test(pre, post, paired = TRUE, alternative = "greater"))

# ---- chi-square: R chisq.test ----
put_htest("chisq", "tab2", chisq.test(tab2))
put_htest("chisq", "tab2_nocorrect", chisq.test(tab2, correct = FALSE))
put_htest("chisq", "tab2y", suppressWarnings(chisq.test(tab2y)))
put_htest("chisq", "tab23", suppressWarnings(chisq.test(tab23)))
put("chisq", "tab23", "expected", as.vector(t(suppressWarnings(chisq.test(tab23))$expected)))
put_htest("chisq", "tab33", suppressWarnings(chisq.test(tab33)))

# ---- Fisher: R fisher.test ----
put_htest("fisher", "tab2", fisher.test(tab2))
put_htest("fisher", "tab2_less", fisher.test(tab2, alternative = "less"))
put_htest("fisher", "tab2_greater_90", fisher.test(tab2, alternative = "greater", conf.level = 0.9))
put_htest("fisher", "tab2_or2", fisher.test(tab2, or = 2))
put_htest("fisher", "tab2z", fisher.test(tab2z))
put_htest("fisher", "tab2h", fisher.test(tab2h))
put_htest("fisher", "tab2s", fisher.test(tab2s))
for (nm in c("tab23", "tab33", "tab34", "tab25", "tab44", "tab0r", "tab52", "tab36"))
  put("fisher", nm, "p_value", fisher.test(get(nm), workspace = 2e8)$p.value)

# ---- Wilcoxon: R wilcox.test ----
W <- function(...) suppressWarnings(wilcox.test(...))
put_htest("ranksum", "exact", W(x1, y1))
put_htest("ranksum", "exact_less", W(x1, y1, alternative = "less"))
put_htest("ranksum", "exact_greater", W(x1, y1, alternative = "greater"))
put_htest("ranksum", "exact_mu", W(x1, y1, mu = -1.5))
put_htest("ranksum", "n3", W(x3, y3))
put_htest("ranksum", "ties", W(xt, yt))
put_htest("ranksum", "ties_nocorrect", W(xt, yt, correct = FALSE))
put_htest("ranksum", "ties_greater", W(xt, yt, alternative = "greater"))
put_htest("ranksum", "large", W(xl, yl))
put_htest("ranksum", "forced_approx", W(x1, y1, exact = FALSE))
put_htest("signrank", "exact", W(x1, mu = 3))
put_htest("signrank", "exact_less", W(x1, mu = 3, alternative = "less"))
put_htest("signrank", "n3", W(x3))
put_htest("signrank", "zeros", W(xz, mu = 3))
put_htest("signrank", "paired", W(pre, post, paired = TRUE))
put_htest("signrank", "large", W(xl, mu = 5))
put_htest("signrank", "large_greater_nocorrect", W(xl, mu = 5, alternative = "greater", correct = FALSE))

# ---- proportions: R prop.test; z tests by formula (Stata prtest) ----
P <- function(...) suppressWarnings(prop.test(...))
put_htest("prop1", "yates", P(15, 40, p = 0.5))
put_htest("prop1", "plain", P(15, 40, p = 0.5, correct = FALSE))
put_htest("prop1", "less", P(15, 40, p = 0.5, alternative = "less"))
put_htest("prop1", "greater_p3", P(15, 40, p = 0.3, alternative = "greater"))
put_htest("prop1", "zero", P(0, 12, p = 0.2))
put_htest("prop1", "all", P(12, 12, p = 0.5))
put_htest("prop1", "capped", P(10, 21, p = 0.5))   # |x - n p| = 0.5
put_htest("prop2", "yates", P(c(15, 25), c(50, 48)))
put_htest("prop2", "plain", P(c(15, 25), c(50, 48), correct = FALSE))
put_htest("prop2", "less", P(c(15, 25), c(50, 48), alternative = "less"))
put_htest("prop2", "greater_90", P(c(15, 25), c(50, 48), alternative = "greater", conf.level = 0.9))
put_htest("prop2", "zero", P(c(3, 0), c(10, 12)))
ztwo <- function(x1, n1, x2, n2, conf = 0.95) {
  p1 <- x1 / n1; p2 <- x2 / n2; pb <- (x1 + x2) / (n1 + n2)
  z <- (p1 - p2) / sqrt(pb * (1 - pb) * (1 / n1 + 1 / n2))
  se <- sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
  q <- qnorm((1 + conf) / 2)
  list(statistic = z, p.value = 2 * pnorm(-abs(z)),
       conf.int = c(p1 - p2 - q * se, p1 - p2 + q * se), estimate = c(p1, p2))
}
zone <- function(x, n, p0, conf = 0.95) {
  ph <- x / n; z <- (ph - p0) / sqrt(p0 * (1 - p0) / n)
  se <- sqrt(ph * (1 - ph) / n); q <- qnorm((1 + conf) / 2)
  list(statistic = z, p.value = 2 * pnorm(-abs(z)),
       conf.int = c(ph - q * se, ph + q * se), estimate = ph)
}
put_htest("propz2", "basic", ztwo(15, 50, 25, 48))
put_htest("propz1", "basic", zone(15, 40, 0.5))
# agreement: z^2 equals prop.test(correct = FALSE)'s X-squared
put("propz2", "basic", "chisq_plain", P(c(15, 25), c(50, 48), correct = FALSE)$statistic)

# ---- Cronbach's alpha (psych::alpha formulas) and correlation tests ----
calpha <- function(x) {
  C <- cov(x); R <- cov2cor(C); k <- ncol(x)
  c(raw = (1 - sum(diag(C)) / sum(C)) * k / (k - 1),
    std = (1 - k / sum(R)) * k / (k - 1),
    avr = (sum(R) - k) / (k * (k - 1)))
}
for (nm in c("items", "items3")) {
  a <- calpha(get(nm))
  put("alpha", nm, "raw_alpha", a["raw"])
  put("alpha", nm, "std_alpha", a["std"])
  put("alpha", nm, "average_r", a["avr"])
}
C <- function(...) suppressWarnings(cor.test(...))
put_htest("pearson", "basic", C(x1, y1[1:8]))
put_htest("pearson", "less", C(x1, y1[1:8], alternative = "less"))
put_htest("pearson", "greater_90", C(x1, y1[1:8], alternative = "greater", conf.level = 0.9))
put_htest("pearson", "n4", C(x1[1:4], y1[1:4]))
put_htest("pearson", "n3", C(x3, y3))
put_htest("spearman", "exact8", C(x1, y1[1:8], method = "spearman"))
put_htest("spearman", "exact8_less", C(x1, y1[1:8], method = "spearman", alternative = "less"))
put_htest("spearman", "n3", C(x3, y3, method = "spearman"))
put_htest("spearman", "edgeworth12", C(xs, ys, method = "spearman"))
put_htest("spearman", "edgeworth12_greater", C(xs, ys, method = "spearman", alternative = "greater"))
put_htest("spearman", "tapprox12", C(xs, ys, method = "spearman", exact = FALSE))
put_htest("spearman", "ties", C(xt, yt, method = "spearman"))

# ---- p.adjust ----
pv <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04, NA, 0.6)
put_data("pv", pv)
for (m in c("bonferroni", "holm", "hochberg", "BH", "BY"))
  put("padjust", m, "adjusted", p.adjust(pv, m))
put("padjust", "holm_n10", "adjusted", p.adjust(pv, "holm", n = 10))
put("padjust", "BH_n10", "adjusted", p.adjust(pv, "BH", n = 10))

# ---- bootstrap: boot::boot, boot.ci(perc, bca) with jackknife influence ----
# R's default influence values for BCa are regression estimates from the
# replicates (empinf type "reg"); csceval uses the jackknife, so L is given
# explicitly.  The resamples are exported (boot.array) so the C test can
# recompute the same replicates with its own code.
xb <- c(2.3, 4.1, 1.8, 7.5, 3.3, 5.6, 2.9, 12.4, 4.4, 3.8, 6.1, 2.2)
put_data("xb", xb)
set.seed(20240501)
b <- boot(xb, function(d, i) mean(d[i]), R = 499)
Lb <- empinf(b, type = "jack")
ci <- boot.ci(b, conf = 0.95, type = c("perc", "bca"), L = Lb)
put("boot", "case_mean", "t0", b$t0)
put("boot", "case_mean", "t", b$t[, 1])
put("boot", "case_mean", "draws", as.vector(t(boot.array(b, indices = TRUE))))
put("boot", "case_mean", "perc", ci$percent[4:5])
put("boot", "case_mean", "bca", ci$bca[4:5])
put("boot", "case_mean", "a", sum(Lb^3) / (6 * sum(Lb^2)^1.5))
put("boot", "case_mean", "z0", qnorm(sum(b$t < b$t0) / length(b$t)))
ci90 <- boot.ci(b, conf = 0.90, type = c("perc", "bca"), L = Lb)
put("boot", "case_mean", "perc90", ci90$percent[4:5])
put("boot", "case_mean", "bca90", ci90$bca[4:5])

# Cluster bootstrap of a ratio estimator (events / exposure), resampling
# whole clusters: boot over the cluster ids, jackknife over clusters.
yc <- c(3, 1, 4, 0, 2, 6, 5, 2, 1, 3, 7, 2, 0, 4, 3, 5)
mc <- c(10, 8, 12, 6, 9, 20, 15, 7, 5, 11, 25, 9, 4, 14, 10, 16)
cl <- c(1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 4, 5, 6, 6, 7, 7)
put_data("yc", yc); put_data("mc", mc); put_data("cl", cl)
ids <- unique(cl)
ratio <- function(g, i) {
  rows <- unlist(lapply(g[i], function(k) which(cl == k)))
  sum(yc[rows]) / sum(mc[rows])
}
set.seed(20240502)
bc <- boot(ids, ratio, R = 499)
Lc <- empinf(bc, type = "jack")
cic <- boot.ci(bc, conf = 0.95, type = c("perc", "bca"), L = Lc)
put("boot", "cluster_ratio", "t0", bc$t0)
put("boot", "cluster_ratio", "t", bc$t[, 1])
put("boot", "cluster_ratio", "draws", as.vector(t(boot.array(bc, indices = TRUE))))
put("boot", "cluster_ratio", "perc", cic$percent[4:5])
put("boot", "cluster_ratio", "bca", cic$bca[4:5])
put("boot", "cluster_ratio", "a", sum(Lc^3) / (6 * sum(Lc^2)^1.5))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "expected.csv"), row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
cat("wrote", nrow(out), "rows to", file.path(here, "expected.csv"), "\n")
