# data.table::fread's load of one file, timed by wall clock and by CPU, for
# comparing loaders on a loaded machine (docs/performance.md, "CSV load: the
# floor").  Run as:
#   Rscript tests/bench/peer_fread_cpu.R FILE.csv RUNS THREADS
# Prints the best of RUNS of each: wall seconds, and user + system seconds of
# the R process (every thread's), as system.time reports them (1 ms steps).
suppressMessages(library(data.table))
a <- commandArgs(trailingOnly = TRUE)
path <- a[1]; runs <- as.integer(a[2]); th <- as.integer(a[3])
setDTthreads(th)
bw <- Inf; bc <- Inf
for (i in seq_len(runs)) {
  t <- system.time(d <- fread(path, nThread = th, showProgress = FALSE))
  bw <- min(bw, t[["elapsed"]]); bc <- min(bc, t[["user.self"]] + t[["sys.self"]])
  rm(d)
}
cat(sprintf("fread nThread=%d: %d rows; best wall %.4f s, best CPU %.4f s\n", th,
            nrow(fread(path, nThread = th, showProgress = FALSE)), bw, bc))
