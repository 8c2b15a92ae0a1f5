#!/bin/sh
# Matching benchmarks against R MatchIt, for tests/bench/run.sh (sh
# tests/bench/match.sh, or sourced).  Prints
#   bench maha_10to1_100k: csceval <s> s, MatchIt <s> s, ratio <csceval/MatchIt>
#   check maha_10to1_100k: identical matched sets: ...
#   bench ps_1to1_1m: csceval <s> s, MatchIt <s> s, ratio <csceval/MatchIt>
#   check ps_1to1_1m: ...
# maha_10to1_100k: 10:1 Mahalanobis matching without replacement, ~1,700
# treated among 100,000 rows, 6 covariates.  ps_1to1_1m: 1:1 matching on a
# logit propensity score (its glm fit included on both sides), 1,000,000
# rows.  Data: tests/bench/gen_match_data.py (deterministic).  csceval: best
# of RUNS (default 3) through the real binary and csc.match; MatchIt: best of
# MATCHIT_RUNS (default 1: one run takes a minute or two), same machine, same
# run.  Reading the files is not timed.  Exit status 1 if a step or MatchIt
# fails or a check finds a difference (tests/bench/lib.sh).
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
RUNS=${RUNS:-3}
MATCHIT_RUNS=${MATCHIT_RUNS:-1}
DIR=${BENCH_DIR:-/tmp/csceval-bench}
PY=/usr/bin/python3
mkdir -p "$DIR" || exit 1
[ "${BENCH_DEPS:-1}" = 0 ] || sh tests/tools/deps.sh r-base-core r-cran-matchit ||
  echo "match.sh: MatchIt could not be installed" >&2
[ -x ./csceval ] || make csceval >/dev/null || exit 1
[ -f "$DIR/match_maha_100k.csv" ] || $PY tests/bench/gen_match_data.py maha "$DIR/match_maha_100k.csv" || exit 1
[ -f "$DIR/match_ps_1m.csv" ] || $PY tests/bench/gen_match_data.py ps "$DIR/match_ps_1m.csv" || exit 1

match_line() {  # name csceval_s matchit_s
  awk -v n="$1" -v a="$2" -v b="$3" \
    'BEGIN { printf "bench %s: csceval %.3f s, MatchIt %.3f s, ratio %.4f\n", n, a, b, a / b }'
}

for what in maha ps; do
  if [ "$what" = maha ]; then name=maha_10to1_100k; data="$DIR/match_maha_100k.csv"
  else name=ps_1to1_1m; data="$DIR/match_ps_1m.csv"; fi
  ours=$(./csceval test tests/bench/match_bench.lua "$what" "$data" "$RUNS" "$DIR/csceval_$what.csv") || ours=
  [ -n "$ours" ] || { echo "bench $name: csceval FAILED"; bench_failed; continue; }
  peer=$(Rscript tests/bench/peer_matchit.R "$what" "$data" "$MATCHIT_RUNS" "$DIR/matchit_$what.csv") || peer=
  [ -n "$peer" ] || { echo "bench $name: csceval $ours s, MatchIt FAILED"; bench_failed; continue; }
  match_line "$name" "$ours" "$peer"
  if msg=$(./csceval test tests/bench/match_bench.lua check "$what" "$data" \
             "$DIR/csceval_$what.csv" "$DIR/matchit_$what.csv"); then
    echo "check $name: $msg"
  else
    echo "check $name: ${msg:-the check itself failed}"
    bench_failed
  fi
done
bench_exit match.sh
