# data.table peer for the scale series (tests/bench/scale.sh).
# Rscript tests/bench/peer_scale.R STEP FILE.csv RUNS THREADS OUT
#   STEP: load | filter | mutate | groupby | join (as tests/bench/scale_bench.lua)
#   THREADS: 1, or 0 for all of the machine's threads (getDTthreads())
# Prints the best wall time in seconds (loading is timed only in load) and writes
# the step's result to OUT as key,value lines for the checks.
suppressMessages(library(data.table))
a <- commandArgs(trailingOnly = TRUE)
step <- a[1]; path <- a[2]; runs <- as.integer(a[3]); thr <- as.integer(a[4]); out <- a[5]
if (thr > 0) setDTthreads(thr) else setDTthreads(0)
nth <- getDTthreads()
best <- Inf
kv <- function(k, v) writeLines(sprintf("%s,%.17g", k, v), out)
if (step == "load") {
  for (i in seq_len(runs)) {
    t <- system.time(d <- fread(path, nThread = nth, showProgress = FALSE))[["elapsed"]]
    best <- min(best, t)
  }
  kv(c("rows", "sum_outcome"), c(nrow(d), sum(d$outcome)))
} else {
  d <- fread(path, nThread = nth, showProgress = FALSE)
  la <- fread(sub("\\.csv$", "_la.csv", path), showProgress = FALSE)
  for (i in seq_len(runs)) {
    if (step == "filter") {
      t <- system.time(s <- d[fsm == 1L & ncyear >= 7L & idaci > 0.3])[["elapsed"]]
    } else if (step == "mutate") {
      t <- system.time(d[, v := outcome - 8 * prior + log(idaci + 1)])[["elapsed"]]
    } else if (step == "groupby") {
      t <- system.time(g <- d[, .(n = .N, mean_outcome = mean(outcome), sum_fsm = sum(fsm)),
                               keyby = la])[["elapsed"]]
    } else if (step == "join") {
      t <- system.time(j <- la[d, on = "la", nomatch = NULL])[["elapsed"]]
    } else stop("unknown step ", step)
    best <- min(best, t)
  }
  if (step == "filter") kv(c("rows", "sum_pupil_id"), c(nrow(s), sum(as.numeric(s$pupil_id))))
  if (step == "mutate") kv("sum_v", sum(d$v))
  if (step == "groupby") kv(c(paste0(g$la, ":n"), paste0(g$la, ":mean_outcome"), paste0(g$la, ":sum_fsm")),
                            c(g$n, g$mean_outcome, g$sum_fsm))
  if (step == "join") kv(c("rows", "sum_spend"), c(nrow(j), sum(j$spend)))
}
cat(sprintf("%.4f\n", best))
