# Peer timings for tests/bench/match.sh: R MatchIt (matchit(method = "nearest")).
# Rscript tests/bench/peer_matchit.R maha|ps FILE.csv RUNS OUT.csv
#   maha: 10:1 Mahalanobis matching without replacement on x1..x5, b1
#   ps:   1:1 nearest-neighbour matching on a logit propensity score
# Prints the best wall time in seconds of the matchit() call (reading the
# file is not timed) and writes the matched sets of the last run to OUT.csv
# (treated, slot, control: 1-based rows).
suppressMessages(library(MatchIt))
a <- commandArgs(trailingOnly = TRUE)
what <- a[1]; path <- a[2]; runs <- as.integer(a[3]); out <- a[4]
d <- read.csv(path)
f <- t ~ x1 + x2 + x3 + x4 + x5 + b1
best <- Inf
for (i in seq_len(runs)) {
  if (what == "maha") {
    tm <- system.time(m <- matchit(f, data = d, method = "nearest", distance = "mahalanobis",
                                   ratio = 10, replace = FALSE))[["elapsed"]]
  } else {
    tm <- system.time(m <- matchit(f, data = d, method = "nearest", distance = "glm",
                                   link = "logit", ratio = 1, replace = FALSE))[["elapsed"]]
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
