#!/bin/sh
# Placebo-in-space over ~150 authorities x 13 years: csceval against the
# same loop in R with lm + sandwich.  Prints two lines:
#   bench placebo_150: csceval X s, R lm+sandwich Y s, ratio Z
#   check placebo_150 R lm+sandwich: <every authority's impact and standard error to 1e-8>
# and, on stderr, both sides' sums of the impacts and standard errors.  Called
# by tests/bench/run.sh; RUNS (3) and BENCH_DIR as there.  Exit status 1 when a
# side fails or the check finds a difference (tests/bench/lib.sh).
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/csceval-bench}
mkdir -p "$DIR" || exit 1
F="$DIR/placebo_150.csv"
[ -f "$F" ] || ./csceval test tests/bench/placebo_bench.lua gen "$F" || exit 1
ours=$(./csceval test tests/bench/placebo_bench.lua run "$F" "$RUNS" "$DIR/csceval_placebo.txt") || ours=
[ -n "$ours" ] || { echo "bench placebo_150: csceval FAILED"; bench_failed; bench_exit placebo.sh; }
peer=$(Rscript tests/bench/peer_placebo.R "$F" "$RUNS" "$DIR/r_placebo.txt") || peer=
[ -n "$peer" ] || { echo "bench placebo_150: csceval $ours s, R lm+sandwich FAILED"; bench_failed; bench_exit placebo.sh; }
awk -v a="$ours" -v b="$peer" \
  'BEGIN { printf "bench placebo_150: csceval %.3f s, R lm+sandwich %.3f s, ratio %.2f\n", a, b, a / b }'
bench_check placebo_150 "R lm+sandwich" kv "$DIR/csceval_placebo.txt" "$DIR/r_placebo.txt"
bench_exit placebo.sh
