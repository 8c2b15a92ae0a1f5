#!/bin/sh
# Placebo-in-space over ~150 authorities x 13 years: csceval against the
# same loop in R with lm + sandwich.  Prints one line:
#   bench placebo_150: csceval X s, R lm+sandwich Y s, ratio Z
# and, on stderr, both sides' sums of the impacts and standard errors (they
# must agree).  Called by tests/bench/run.sh; RUNS (3) and BENCH_DIR as there.
set -e
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/csceval-bench}
mkdir -p "$DIR"
F="$DIR/placebo_150.csv"
[ -f "$F" ] || ./csceval test tests/bench/placebo_bench.lua gen "$F"
ours=$(./csceval test tests/bench/placebo_bench.lua run "$F" "$RUNS")
peer=$(Rscript tests/bench/peer_placebo.R "$F" "$RUNS")
awk -v a="$ours" -v b="$peer" \
  'BEGIN { printf "bench placebo_150: csceval %.3f s, R lm+sandwich %.3f s, ratio %.2f\n", a, b, a / b }'
