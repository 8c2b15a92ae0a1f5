# Peer timings for tests/bench/run.sh: R data.table, one thread.
# Rscript tests/bench/peer_fread.R load|filter|mutate FILE.csv RUNS [OUT]
# Prints the best wall time in seconds and, with OUT, writes the result for the
# check (the keys of tests/bench/frame_bench.lua) as key,value lines.
suppressMessages(library(data.table))
setDTthreads(1)
a <- commandArgs(trailingOnly = TRUE)
what <- a[1]; path <- a[2]; runs <- as.integer(a[3]); out <- if (length(a) > 3) a[4] else NA
best <- Inf
if (what == "load") {
  for (i in seq_len(runs)) {
    t <- system.time(d <- fread(path, nThread = 1, showProgress = FALSE))[["elapsed"]]
    best <- min(best, t)
  }
  k <- c("rows", "sum_age", "sum_score"); v <- c(nrow(d), sum(d$age), sum(d$score))
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
  if (what == "filter") {
    k <- c("rows", "sum_id"); v <- c(nrow(s), sum(as.numeric(s$id)))
  } else {
    k <- "sum_v"; v <- sum(d$v)
  }
}
if (!is.na(out)) writeLines(sprintf("%s,%.17g", k, v), out)
cat(sprintf("%.4f\n", best))
