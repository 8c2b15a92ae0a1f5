# Peer timings for tests/bench/run.sh: R data.table, one thread.
# Rscript tests/bench/peer_fread.R load|filter|mutate FILE.csv RUNS
# Prints the best wall time in seconds.
suppressMessages(library(data.table))
setDTthreads(1)
a <- commandArgs(trailingOnly = TRUE)
what <- a[1]; path <- a[2]; runs <- as.integer(a[3])
best <- Inf
if (what == "load") {
  for (i in seq_len(runs)) {
    t <- system.time(d <- fread(path, nThread = 1, showProgress = FALSE))[["elapsed"]]
    best <- min(best, t)
  }
} else {
  d <- fread(path, nThread = 1, showProgress = FALSE)
  for (i in seq_len(runs)) {
    if (what == "filter") {
      t <- system.time(s <- d[age >= 10 & age < 16 & la == "abc"])[["elapsed"]]
    } else {
      t <- system.time(d[, v := log(score + 1) * 2 - age / 3])[["elapsed"]]
    }
    best <- min(best, t)
  }
}
cat(sprintf("%.4f\n", best))
