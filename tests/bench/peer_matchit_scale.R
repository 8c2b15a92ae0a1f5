# MatchIt peer for the scale series (tests/bench/scale.sh), 100k and 1M rows only.
# Rscript tests/bench/peer_matchit_scale.R ps|maha FILE.csv RUNS OUT.csv
#   ps:   1:1 nearest-neighbour matching on a logit propensity score of
#         fsm, sen, eal, idaci, prior (its glm fit included)
#   maha: 10:1 Mahalanobis matching on idaci, prior
#   both without replacement, MatchIt's default order.
# Prints the best wall time in seconds of the matchit() call (reading the file
# is not timed) and writes the matched sets of the last run to OUT.csv
# (treated, slot, control: 1-based rows).
suppressMessages(library(MatchIt))
suppressMessages(library(data.table))
a <- commandArgs(trailingOnly = TRUE)
what <- a[1]; path <- a[2]; runs <- as.integer(a[3]); out <- a[4]
d <- as.data.frame(fread(path, showProgress = FALSE))
rownames(d) <- NULL
best <- Inf
for (i in seq_len(runs)) {
  if (what == "maha") {
    tm <- system.time(m <- matchit(treated ~ idaci + prior, data = d, method = "nearest",
                                   distance = "mahalanobis", ratio = 10, replace = FALSE))[["elapsed"]]
  } else {
    tm <- system.time(m <- matchit(treated ~ fsm + sen + eal + idaci + prior, data = d,
                                   method = "nearest", distance = "glm", link = "logit",
                                   ratio = 1, replace = FALSE))[["elapsed"]]
  }
  best <- min(best, tm)
}
mm <- m$match.matrix
tr <- as.integer(rownames(mm))
res <- do.call(rbind, lapply(seq_len(ncol(mm)), function(j) {
  ok <- !is.na(mm[, j])
  data.frame(treated = tr[ok], slot = j, control = as.integer(mm[ok, j]))
}))
write.csv(res[order(res$treated, res$slot), ], out, row.names = FALSE, quote = FALSE)
cat(sprintf("%.4f\n", best))
