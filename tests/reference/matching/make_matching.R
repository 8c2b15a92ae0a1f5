# Run as: Rscript make_matching.R   (from tests/reference/matching/)
#
# Reference matched sets from R MatchIt for tests/c/test_match.c and
# tests/lua/test_match.lua.  Writes
#   data_small.csv, data_medium.csv, data_discrete.csv   the data (values
#       rounded so that the CSV text is the exact double both sides read)
#   cases.csv     one row per case: the matchit() options, in a form the
#                 C test turns into a struct match_spec
#   matches.csv   case, treated (row, 1-based), slot, control (row)
#   weights.csv   case, row, weight (non-zero weights only)
#   ps.csv        model ("<data>:<distance>"), row, distance: MatchIt's
#                 propensity score, to check csceval's glm() on the way
#   sessionInfo.txt
# Every case reads its data back from the CSV first, so R and csceval match
# the same numbers.
#
# Score (propensity) cases run MatchIt's general nearest-neighbour code
# (nn_matchC) by passing the score itself as `mahvars`: the Mahalanobis
# distance on one variable is |score difference| / SD, and nn_matchC takes
# the nearest eligible control with ties to the lowest row.  MatchIt
# 4.5.1-4.5.3's dedicated score code (nn_matchC_vec) converts each score
# difference to an integer (C abs() on a double; MatchIt issue #163), so it
# takes the nearest control below the treated unit's score and ignores score
# calipers below 1, and its "already matched" check is off by one row for
# ratio > 1.  Those default-path results are kept as cases "<case>__v451":
# test_match.c reproduces them with an emulation of that code on csceval's
# own scores, which shows the scores, orders and rounds agree with R.
#
# Cases on data_discrete.csv pass MatchIt a distance matrix of weighted
# Mahalanobis distances computed from covariate differences (tie-exact; see
# docs/methods/matching.md, "Ties"), because MatchIt's own
# distance = "mahalanobis" breaks mirror-image ties on discrete data by
# rounding noise.
suppressMessages(library(MatchIt))
options(warn = 1)

# ---- data -------------------------------------------------------------
set.seed(101)
n <- 60
small <- data.frame(x1 = round(rnorm(n), 1), x2 = rbinom(n, 1, 0.4),
                    x3 = sample(0:3, n, TRUE), g = sample(1:3, n, TRUE))
small$t <- rbinom(n, 1, plogis(-0.9 + 0.8 * small$x1 + 0.5 * small$x2 + 0.2 * small$x3))
# exact duplicates of covariates: identical scores and zero distances
small[41:48, c("x1", "x2", "x3")] <- small[1:8, c("x1", "x2", "x3")]
small <- small[, c("t", "x1", "x2", "x3", "g")]
write.csv(small, "data_small.csv", row.names = FALSE, quote = FALSE)

set.seed(202)
n <- 2000
z <- matrix(rnorm(n * 4), n, 4) %*% chol(matrix(c(1, .3, .2, 0, .3, 1, .1, .2, .2, .1, 1, .3,
                                                  0, .2, .3, 1), 4))
medium <- data.frame(x1 = round(z[, 1], 3), x2 = round(2 + z[, 2], 3), x3 = round(z[, 3] * 3, 3),
                     x4 = round(z[, 4], 3), b1 = rbinom(n, 1, 0.5), b2 = rbinom(n, 1, 0.3),
                     g = sample(1:4, n, TRUE))
lp <- -2 + 0.7 * medium$x1 - 0.3 * medium$x2 + 0.15 * medium$x3 + 0.4 * medium$b1 + 0.3 * medium$b2
medium$t <- rbinom(n, 1, plogis(lp))
# the last 100 rows repeat the covariates of earlier rows (ties)
medium[1901:2000, 1:7] <- medium[seq(1, 199, by = 2), 1:7]
medium <- medium[, c("t", "x1", "x2", "x3", "x4", "b1", "b2", "g")]
write.csv(medium, "data_medium.csv", row.names = FALSE, quote = FALSE)

set.seed(303)
n <- 1500
disc <- data.frame(year = sample(1:11, n, TRUE), gender = rbinom(n, 1, 0.5),
                   ehcp = rbinom(n, 1, 0.05), sen = rbinom(n, 1, 0.15), fsm = rbinom(n, 1, 0.15),
                   absences = rnbinom(n, size = 0.6, mu = 2))
lp <- -5 + 0.15 * disc$year + 0.9 * disc$gender + 1.2 * disc$ehcp + 1.3 * disc$sen +
  1.2 * disc$fsm + 0.12 * disc$absences
disc$t <- rbinom(n, 1, plogis(lp))
disc <- disc[, c("t", "year", "gender", "ehcp", "sen", "fsm", "absences")]
write.csv(disc, "data_discrete.csv", row.names = FALSE, quote = FALSE)

datasets <- list(small = read.csv("data_small.csv"), medium = read.csv("data_medium.csv"),
                 discrete = read.csv("data_discrete.csv"))

# ---- tie-exact weighted Mahalanobis distance matrix ---------------------
# d^2 = u' S^-1 u, u_j = sqrt(w_j) (x_tj - x_cj) / sd_j, S the pooled
# within-group covariance of the standardised covariates (MatchIt's).
wmaha <- function(d, vars, w) {
  X <- as.matrix(d[, vars])
  sds <- apply(X, 2, sd)
  Z <- scale(X)
  tr <- d$t
  for (g in 0:1) Z[tr == g, ] <- sweep(Z[tr == g, , drop = FALSE], 2,
                                       colMeans(Z[tr == g, , drop = FALSE]))
  S <- crossprod(Z) / (nrow(Z) - 2)
  Si <- solve(S)
  cj <- sqrt(w) / sds
  i1 <- which(tr == 1); i0 <- which(tr == 0)
  D <- matrix(0, length(i1), length(i0))
  X0 <- X[i0, , drop = FALSE]
  for (a in seq_along(i1)) {
    U <- sweep(-X0, 2, X[i1[a], ], "+")          # x_t - x_c, exact for integers
    U <- sweep(U, 2, cj, "*")
    D[a, ] <- sqrt(rowSums((U %*% Si) * U))
  }
  D
}

# ---- cases ------------------------------------------------------------
# distance: logit | probit | linear.logit | linear.probit | mahalanobis |
#           wmaha (distance matrix) | mahvars (logit score + Mahalanobis)
cases <- list(
  list(case = "ps_small_1",        data = "small",  distance = "logit", covs = "x1 x2 x3"),
  list(case = "ps_small_k4_cal",   data = "small",  distance = "logit", covs = "x1 x2 x3", ratio = 4, caliper = 0.5),
  list(case = "ps_small_k2_repl",  data = "small",  distance = "logit", covs = "x1 x2 x3", ratio = 2, replace = TRUE),
  list(case = "ps_small_exact",    data = "small",  distance = "logit", covs = "x1 x2 x3", ratio = 2, exact = "g"),
  list(case = "ps_med_1",          data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2"),
  list(case = "ps_med_k4",         data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 4),
  list(case = "ps_med_k10",        data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 10),
  list(case = "ps_med_k10_repl",   data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 10, replace = TRUE),
  list(case = "ps_med_k2_exact",   data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 2, exact = "b1 g"),
  list(case = "ps_med_smallest",   data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", order = "smallest"),
  list(case = "ps_med_data_k3",    data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 3, order = "data"),
  list(case = "ps_med_random",     data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 2, order = "random", seed = 20260101),
  list(case = "ps_med_lprobit_cal",data = "medium", distance = "linear.probit", covs = "x1 x2 x3 x4 b1 b2", caliper = 0.02),
  list(case = "ps_med_llogit_k4",  data = "medium", distance = "linear.logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 4, caliper = 0.2),
  list(case = "ps_med_probit",     data = "medium", distance = "probit", covs = "x1 x2 x3 x4 b1 b2", ratio = 2),
  list(case = "ps_med_discard",    data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", discard = "both"),
  list(case = "ps_med_calcov",     data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", ratio = 2, calvars = "x1 x3", calwidths = "0.1 0.25"),
  list(case = "ps_med_calraw",     data = "medium", distance = "logit", covs = "x1 x2 x3 x4 b1 b2", caliper = 0.002, std_caliper = FALSE),
  list(case = "maha_small_1",      data = "small",  distance = "mahalanobis", covs = "x1 x2 x3"),
  list(case = "maha_small_k4",     data = "small",  distance = "mahalanobis", covs = "x1 x2 x3", ratio = 4),
  list(case = "maha_med_1",        data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4"),
  list(case = "maha_med_k4",       data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 4),
  list(case = "maha_med_k10",      data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 4),
  list(case = "maha_med_k4_repl",  data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 4, replace = TRUE),
  list(case = "maha_med_exact",    data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 2, exact = "b1"),
  list(case = "maha_med_calcov",   data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 2, calvars = "x2", calwidths = "0.2"),
  list(case = "maha_med_random",   data = "medium", distance = "mahalanobis", covs = "x1 x2 x3 x4", ratio = 3, order = "random", seed = 7),
  list(case = "mahvars_med_cal",   data = "medium", distance = "mahvars", covs = "x1 x2 x3 x4 b1 b2", mahvars = "x1 x2 x3 x4", ratio = 2, caliper = 0.25),
  list(case = "wmaha_disc_k10",    data = "discrete", distance = "wmaha", covs = "year gender ehcp sen fsm absences", xweights = "1 2 1 1 2 4", ratio = 10),
  list(case = "wmaha_disc_k4",     data = "discrete", distance = "wmaha", covs = "year gender ehcp sen fsm absences", xweights = "1 1 1 1 1 1", ratio = 4),
  list(case = "wmaha_disc_k4_exact", data = "discrete", distance = "wmaha", covs = "year gender ehcp sen fsm absences", xweights = "2 1 1 1 1 3", ratio = 4, exact = "gender")
)
# maha_med_k10 is 10:1 (fix the typo-safe way: set it here)
cases[[which(sapply(cases, `[[`, "case") == "maha_med_k10")]]$ratio <- 10

spl <- function(s) if (is.null(s) || s == "") character(0) else strsplit(s, " ")[[1]]
get <- function(c, k, d) if (is.null(c[[k]])) d else c[[k]]

v451 <- c("ps_small_1", "ps_small_k2_repl", "ps_med_1", "ps_med_k4", "ps_med_k2_exact",
          "ps_med_random", "ps_med_calraw", "ps_med_discard", "ps_med_llogit_k4")

rows_cases <- list(); rows_m <- list(); rows_w <- list(); rows_ps <- list(); ps_seen <- character(0)
run_case <- function(c, path) {
  d <- datasets[[c$data]]
  rownames(d) <- as.character(seq_len(nrow(d)))
  covs <- spl(c$covs)
  f <- reformulate(covs, response = "t")
  ratio <- get(c, "ratio", 1); replace <- get(c, "replace", FALSE)
  args <- list(formula = f, data = d, method = "nearest", ratio = ratio, replace = replace)
  if (!is.null(c$order)) args$m.order <- c$order
  if (!is.null(c$caliper)) { args$caliper <- c$caliper; args$std.caliper <- get(c, "std_caliper", TRUE) }
  if (!is.null(c$calvars)) {
    cw <- as.numeric(spl(c$calwidths)); names(cw) <- spl(c$calvars)
    args$caliper <- c(args$caliper, cw)
    args$std.caliper <- c(if (!is.null(c$caliper)) get(c, "std_caliper", TRUE), rep(TRUE, length(cw)))
  }
  if (!is.null(c$exact)) args$exact <- reformulate(spl(c$exact))
  if (!is.null(c$discard)) args$discard <- c$discard
  dist <- c$distance
  if (dist %in% c("logit", "probit", "linear.logit", "linear.probit")) {
    args$distance <- "glm"; args$link <- dist
    if (path == "general") {
      lin <- startsWith(dist, "linear.")
      fit <- glm(f, data = d, family = binomial(link = sub("linear.", "", dist, fixed = TRUE)))
      args$data$.score <- if (lin) predict(fit, type = "link") else fitted(fit)
      args$mahvars <- ~.score
    }
  } else if (dist == "mahalanobis") {
    args$distance <- "mahalanobis"
  } else if (dist == "mahvars") {
    args$distance <- "glm"; args$link <- "logit"; args$mahvars <- reformulate(spl(c$mahvars))
  } else if (dist == "wmaha") {
    args$distance <- wmaha(d, covs, as.numeric(spl(c$xweights)))
  }
  name <- if (path == "general") c$case else paste0(c$case, "__v451")
  if (!is.null(c$seed)) set.seed(c$seed)
  m <- do.call(matchit, args)
  mm <- m$match.matrix
  tr <- as.integer(rownames(mm))
  for (j in seq_len(ncol(mm))) {
    ok <- !is.na(mm[, j])
    if (any(ok)) rows_m[[length(rows_m) + 1]] <<- data.frame(case = name, treated = tr[ok], slot = j,
                                                            control = as.integer(mm[ok, j]))
  }
  w <- m$weights
  rows_w[[length(rows_w) + 1]] <<- data.frame(case = name, row = which(w > 0),
                                              weight = sprintf("%.17g", w[w > 0]))
  key <- paste0(c$data, ":", dist)   # one score per data set and model
  if (!is.null(m$distance) && path == "general" && !(key %in% ps_seen)) {
    ps_seen <<- c(ps_seen, key)
    rows_ps[[length(rows_ps) + 1]] <<- data.frame(model = key, row = seq_along(m$distance),
                                                  distance = sprintf("%.17g", m$distance))
  }
  rows_cases[[length(rows_cases) + 1]] <<- data.frame(
    case = name, path = path, data = c$data, distance = dist, covs = c$covs,
    mahvars = get(c, "mahvars", ""), xweights = get(c, "xweights", ""), ratio = ratio,
    replace = as.integer(replace), order = get(c, "order", ""), seed = get(c, "seed", 0),
    caliper = get(c, "caliper", 0), std_caliper = as.integer(get(c, "std_caliper", TRUE)),
    calvars = get(c, "calvars", ""), calwidths = get(c, "calwidths", ""),
    exact = get(c, "exact", ""), discard = get(c, "discard", ""),
    n_matched_treated = sum(!is.na(mm[, 1])))
}
for (c in cases) {
  run_case(c, "general")
  if (c$case %in% v451) run_case(c, "v451")
}
write.csv(do.call(rbind, rows_cases), "cases.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows_m), "matches.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows_w), "weights.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows_ps), "ps.csv", row.names = FALSE, quote = FALSE)
writeLines(capture.output(sessionInfo()), "sessionInfo.txt")
