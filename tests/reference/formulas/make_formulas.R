# Run as: Rscript tests/reference/formulas/make_formulas.R
#
# Reference model matrices and fits for csceval's formulas (lua/csc/formula.lua,
# docs/formulas.md).  Writes beside this script:
#   data.csv      a seeded data set (numbers, text, true/false, counts, a few
#                 missing values);
#   formulas.csv  id, the formula as csceval takes it (R or Stata form), the R
#                 formula it stands for, and the reference level R is given;
#   mm.csv        R's model.matrix for each formula, long: id,row,column,value
#                 (row is the row of data.csv; rows with a missing value are
#                 left out, as model.frame's na.omit leaves them out);
#   fits.csv      lm() and glm() (binomial logit, poisson log) on some of the
#                 formulas: id,model,term,estimate,std_error;
#   sessionInfo.txt.
# Text sorts in the C locale (csceval orders factor levels byte-wise).
# Base R only.

invisible(Sys.setlocale("LC_COLLATE", "C"))
here <- "tests/reference/formulas"
set.seed(20261206)
n <- 40
d <- data.frame(
  x = round(rnorm(n, 10, 3), 3),
  z = round(runif(n, 1, 20), 3),
  age = sample(18:70, n, replace = TRUE),
  region = sample(c("North", "South", "East", "West"), n, replace = TRUE),
  grp = sample(c("alpha", "beta", "gamma"), n, replace = TRUE),
  post = sample(c(TRUE, FALSE), n, replace = TRUE),
  year = sample(2018:2021, n, replace = TRUE),
  stringsAsFactors = FALSE
)
d$y <- round(1 + 0.5 * d$x - 0.02 * d$x^2 + 0.3 * d$post + (d$region == "North") +
  rnorm(n), 4)
d$bin <- as.integer(runif(n) < plogis(-2 + 0.2 * d$x - 0.5 * (d$region == "East")))
d$count <- rpois(n, exp(0.5 + 0.05 * d$x + 0.2 * d$post))
d$x[c(5, 17)] <- NA
d$region[23] <- NA
write.csv(d, file.path(here, "data.csv"), row.names = FALSE, na = "")

# id, csceval formula, R formula, reference level set before fitting ("" none)
fs <- list(
  c("simple", "y ~ x", "y ~ x", ""),
  c("square", "y ~ x + I(x^2)", "y ~ x + I(x^2)", ""),
  c("factor", "y ~ factor(region)", "y ~ factor(region)", ""),
  c("text", "y ~ region", "y ~ region", ""),
  c("mixed", "y ~ x + factor(region) + x:post", "y ~ x + factor(region) + x:post", ""),
  c("star_bool", "y ~ x*post", "y ~ x*post", ""),
  c("star_text", "y ~ region*x", "y ~ region*x", ""),
  c("slopes_only", "y ~ x:region", "y ~ x:region", ""),
  c("no_intercept", "y ~ 0 + region + grp", "y ~ 0 + region + grp", ""),
  c("minus_one", "y ~ -1 + x + region", "y ~ -1 + x + region", ""),
  c("poly3", "y ~ poly(x, 3)", "y ~ poly(x, 3)", ""),
  c("poly_z", "y ~ poly(z,2) + x", "y ~ poly(z, 2) + x", ""),
  c("poly_raw", "y ~ poly(z, 2, raw = TRUE)", "y ~ poly(z, 2, raw = TRUE)", ""),
  c("functions", "y ~ log(z) + sqrt(age) + exp(z/10)", "y ~ log(z) + sqrt(age) + exp(z/10)", ""),
  c("ref_text", "y ~ factor(region, ref = \"North\") + x", "y ~ factor(region) + x", "region=North"),
  c("year", "y ~ factor(year) + x", "y ~ factor(year) + x", ""),
  c("ref_number", "y ~ factor(year, ref = 2020)", "y ~ factor(year)", "year=2020"),
  c("power", "y ~ (x + z + post)^2", "y ~ (x + z + post)^2", ""),
  c("two_factors", "y ~ region:grp", "y ~ region:grp", ""),
  c("star_minus", "y ~ region*grp - region", "y ~ region*grp - region", ""),
  c("star_no_int", "y ~ x*z - 1", "y ~ x*z - 1", ""),
  c("I_product", "y ~ I(x * z) + I(age >= 40)", "y ~ I(x * z) + I(age >= 40)", ""),
  c("stata", "y c.x i.region c.x#i.post", "y ~ x + factor(region) + x:factor(post)", ""),
  c("stata_full", "y i.region##c.x", "y ~ factor(region)*x", ""),
  c("stata_base", "y ib2019.year c.z", "y ~ factor(year) + z", "year=2019"),
  c("stata_bare_hash", "y x region#post", "y ~ x + factor(region):factor(post)", ""),
  c("order", "y ~ post:x + z + x", "y ~ post:x + z + x", "")
)

# R's poly() refuses missing values, so for a formula with poly() the rows
# missing one of its variables are dropped first (what model.frame's na.omit
# does for every other term, and what csceval does for all).
prep <- function(ref, rf = "") {
  dd <- d
  if (grepl("poly(", rf, fixed = TRUE)) {
    dd <- dd[complete.cases(dd[, all.vars(as.formula(rf))]), ]
  }
  if (ref != "") {
    kv <- strsplit(ref, "=")[[1]]
    dd[[kv[1]]] <- relevel(factor(dd[[kv[1]]]), ref = kv[2])
  }
  dd
}

form <- data.frame(id = character(), formula = character(), r_formula = character(),
                   ref = character(), stringsAsFactors = FALSE)
mm <- list()
for (f in fs) {
  form[nrow(form) + 1, ] <- f
  m <- model.matrix(as.formula(f[3]), data = prep(f[4], f[3]))
  mm[[length(mm) + 1]] <- data.frame(
    id = f[1], row = rep(as.integer(rownames(m)), ncol(m)),
    column = rep(colnames(m), each = nrow(m)), value = sprintf("%.17g", as.vector(m)))
}
write.csv(form, file.path(here, "formulas.csv"), row.names = FALSE)
write.csv(do.call(rbind, mm), file.path(here, "mm.csv"), row.names = FALSE, quote = c(1, 3))

fits <- list()
put_fit <- function(id, model, fit) {
  s <- summary(fit)$coefficients
  fits[[length(fits) + 1]] <<- data.frame(id = id, model = model, term = rownames(s),
    estimate = sprintf("%.17g", s[, 1]), std_error = sprintf("%.17g", s[, 2]))
}
byid <- setNames(fs, vapply(fs, `[`, "", 1))
for (id in c("mixed", "star_text", "poly3", "functions", "ref_text", "power", "stata",
             "no_intercept", "slopes_only")) {
  f <- byid[[id]]
  put_fit(id, "ols", lm(as.formula(f[3]), data = prep(f[4], f[3])))
}
rhs <- function(f) sub("^y ", "", f)
for (id in c("square", "ref_text", "poly_z", "star_bool")) {
  f <- byid[[id]]
  put_fit(id, "logit", glm(as.formula(paste("bin", rhs(f[3]))), family = binomial, data = prep(f[4], f[3])))
  put_fit(id, "poisson", glm(as.formula(paste("count", rhs(f[3]))), family = poisson, data = prep(f[4], f[3])))
}
write.csv(do.call(rbind, fits), file.path(here, "fits.csv"), row.names = FALSE, quote = c(1, 2, 3))


# Propensity scores for match.ipw{covariates = "~ x + factor(region) + poly(z, 2)"}:
# glm() on the rows complete in bin, x, region and z; row is the row of data.csv.
pf <- bin ~ x + factor(region) + poly(z, 2)
dd <- prep("", "bin ~ x + region + z")
ps <- fitted(glm(pf, family = binomial, data = dd))
write.csv(data.frame(row = as.integer(names(ps)), ps = sprintf("%.17g", ps)),
          file.path(here, "ps.csv"), row.names = FALSE, quote = FALSE)

# An interrupted series with an adjustment set, for
# its.segmented{covariates = "~ z1 + factor(q)"}: OLS of y on the period
# t (0 from the first), the step from period 16 and the ramp (t - 15) after
# it, and the covariates; coefficients and classical SEs.
set.seed(7)
s <- data.frame(time = 1:30, z1 = round(rnorm(30, 5, 2), 3),
                q = rep(c("Q1", "Q2", "Q3", "Q4"), length.out = 30), stringsAsFactors = FALSE)
s$y <- round(10 + 0.3 * (s$time - 1) + 2 * (s$time >= 16) + 0.8 * s$z1 + (s$q == "Q3") + rnorm(30), 3)
write.csv(s, file.path(here, "series.csv"), row.names = FALSE)
s$t <- s$time - 1
s$x <- as.numeric(s$time >= 16)
s$x_t <- s$x * (s$t - 15)
fit <- summary(lm(y ~ t + x + x_t + z1 + factor(q), data = s))$coefficients
write.csv(data.frame(term = rownames(fit), estimate = sprintf("%.17g", fit[, 1]),
                     std_error = sprintf("%.17g", fit[, 2])),
          file.path(here, "series_fit.csv"), row.names = FALSE, quote = c(1))

# A unit x year panel with an adjustment set, for its.did{covariates = ...}
# after its.panel{covariates = the columns of "~ z + factor(q)"}: the 2x2
# regression and two-way fixed effects (unit and year dummies) with the
# covariates, classical SEs.  Units 1 and 2 are treated from 2019.
set.seed(11)
pd <- expand.grid(year = 2014:2022, unit = 1:8)
pd$z <- round(rnorm(nrow(pd), 3, 1), 3)
pd$q <- sample(c("lo", "mid", "hi"), nrow(pd), replace = TRUE)
pd$treat <- as.numeric(pd$unit <= 2)
pd$post <- as.numeric(pd$year >= 2019)
pd$y <- round(5 + 0.5 * pd$unit + 0.2 * (pd$year - 2014) + 1.5 * pd$treat * pd$post + 0.7 * pd$z +
  (pd$q == "hi") + rnorm(nrow(pd), 0, 0.5), 3)
pd$z[7] <- NA
write.csv(pd[, c("unit", "year", "z", "q", "y")], file.path(here, "did_panel.csv"), row.names = FALSE, na = "")
put_did <- function(model, fit, terms) {
  s <- summary(fit)$coefficients[terms, , drop = FALSE]
  data.frame(model = model, term = terms, estimate = sprintf("%.17g", s[, 1]), std_error = sprintf("%.17g", s[, 2]))
}
pd$q <- relevel(factor(pd$q), ref = "hi")
f22 <- lm(y ~ treat + post + I(treat * post) + z + q, data = pd)
ffe <- lm(y ~ I(treat * post) + z + q + factor(unit) + factor(year), data = pd)
write.csv(rbind(put_did("2x2", f22, c("I(treat * post)", "z", "qlo", "qmid")),
                put_did("twfe", ffe, c("I(treat * post)", "z", "qlo", "qmid"))),
          file.path(here, "did_fit.csv"), row.names = FALSE, quote = c(1, 2))
writeLines(capture.output(sessionInfo()), file.path(here, "sessionInfo.txt"))
