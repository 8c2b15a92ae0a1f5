#!/bin/sh
# make bench: install the peers, generate the inputs, run every benchmark and
# print one line each:
#   bench <name>: csceval <seconds> s, <peer> <seconds> s, ratio <csceval/peer>
#   check <name> <peer>: <the results compared>
# Times are the best of RUNS (default 3) on this machine in this run; loading
# the data is not timed except in csv_load_1m.  Figures go in docs/performance.md.
# Then the matching benchmarks (match.sh), the placebo loop (placebo.sh) and the
# scale series (scale.sh), each printing its own lines.
#
# Exit status: 0 when every step ran and every check agreed with its peer; 1
# when a step of csceval or a peer failed, or a check found a difference (a
# filtered or grouped result unlike the peer's, a coefficient or standard error
# off by more than 1e-8, another matched set).  Every line is printed either way;
# the last lines name what failed (tests/bench/lib.sh).
#
# BENCH_QUICK=1: a quick run (about 10 minutes on 2 cores, most of it MatchIt's
# 10:1 Mahalanobis matching at 100k rows): one run of each timing (RUNS=1); the
# 1M-row benchmarks of this file and the placebo loop as usual; match.sh left
# out (its MatchIt runs at 100k and 1M rows take several minutes and the scale
# series checks matched sets against MatchIt at 100k); the scale series at 100k
# rows only, with MatchIt for ps and maha at 100k.  Any of RUNS, SCALE_SIZES,
# MATCHIT_PS_SIZES, MATCHIT_MAHA_SIZES given in the environment still wins.
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  RUNS=${RUNS:-1}
  SCALE_SIZES=${SCALE_SIZES:-100k}
  MATCHIT_PS_SIZES=${MATCHIT_PS_SIZES-100k}
  MATCHIT_MAHA_SIZES=${MATCHIT_MAHA_SIZES-100k}
  export SCALE_SIZES MATCHIT_PS_SIZES MATCHIT_MAHA_SIZES
fi
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/csceval-bench}
mkdir -p "$DIR" || exit 1
# BENCH_DEPS=0: install nothing (every part)
[ "${BENCH_DEPS:-1}" = 0 ] || sh tests/tools/deps.sh r-base-core r-cran-data.table python3-statsmodels python3-numpy ||
  echo "bench: some peers could not be installed; their lines will say so" >&2
PY=/usr/bin/python3     # Debian's python, where python3-statsmodels lives
CC=${CC:-cc}
[ -x ./csceval ] || make csceval >/dev/null || exit 1

[ -f "$DIR/csv_1m.csv" ] || $PY tests/bench/gen_csv_1m.py "$DIR/csv_1m.csv" >/dev/null || exit 1
[ -f "$DIR/model_1m.csv" ] || $PY tests/bench/gen_model_data.py "$DIR/model_1m.csv" >/dev/null || exit 1

# frame_step NAME STEP PEER_LABEL: csceval's frame_bench.lua against data.table
# (peer_fread.R), both one thread, then the check of their results
frame_step() {
  if [ "$2" = load ]; then
    ours=$(CSCEVAL_THREADS=1 ./csceval test tests/bench/frame_bench.lua "$2" "$DIR/csv_1m.csv" "$RUNS" "$DIR/csceval_$2.txt")
  else
    ours=$(./csceval test tests/bench/frame_bench.lua "$2" "$DIR/csv_1m.csv" "$RUNS" "$DIR/csceval_$2.txt")
  fi || ours=
  [ -n "$ours" ] || { echo "bench $1: csceval FAILED"; bench_failed; return; }
  if peer=$(Rscript tests/bench/peer_fread.R "$2" "$DIR/csv_1m.csv" "$RUNS" "$DIR/fread_$2.txt") && [ -n "$peer" ]; then
    bench_line "$1" "$ours" "$3" "$peer"
    bench_check "$1" "$3" kv "$DIR/csceval_$2.txt" "$DIR/fread_$2.txt"
  else
    echo "bench $1: csceval $ours s, $3 FAILED"; bench_failed
  fi
}

# --- loading a CSV: csceval's read_csv (through Lua) against fread(nThread = 1), both on
# one thread (the scale series, scale.sh, compares all threads with all threads)
frame_step csv_load_1m load "data.table::fread(nThread=1)"
# --- a three-condition filter on 1,000,000 rows (3 million values)
frame_step expr_filter_1m filter "data.table[i] (1 thread)"
# --- a derived column on 1,000,000 rows
frame_step expr_mutate_1m mutate "data.table := (1 thread)"

# --- regression core: logit (IRLS) and OLS with HC1 on 1,000,000 x 7; the
# coefficients and standard errors checked against statsmodels' to 1e-8
if $CC -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost host/num/ols.c host/num/qr.c host/num/qr_kern.c host/data/chunks.c host/data/mem.c \
     host/num/vcov.c host/num/glm.c tests/bench/model_bench.c -o "$DIR/model_bench" $(pkg-config --cflags --libs gsl) -lm -pthread; then
  if peers=$($PY tests/bench/peer_statsmodels.py "$DIR/model_1m.csv" "$RUNS" "$DIR/statsmodels_models.txt"); then
    pl=$(echo "$peers" | awk '$2 == "logit_1m" { print $3 }')
    po=$(echo "$peers" | awk '$2 == "ols_hc1_1m" { print $3 }')
    if "$DIR/model_bench" "$DIR/model_1m.csv" "$RUNS" "$pl" "$po" "$DIR/csceval_models.txt"; then
      bench_check "logit_1m+ols_hc1_1m" statsmodels kv "$DIR/csceval_models.txt" "$DIR/statsmodels_models.txt"
    else
      echo "bench logit_1m, ols_hc1_1m: csceval FAILED"; bench_failed
    fi
  else
    echo "bench logit_1m, ols_hc1_1m: statsmodels FAILED"; bench_failed
  fi
else
  echo "bench logit_1m, ols_hc1_1m: tests/bench/model_bench.c did not build"; bench_failed
fi

# --- matching and ITS benchmarks and the scale series (each prints its own
# lines); one that fails does not stop the others
for part in tests/bench/match.sh tests/bench/placebo.sh tests/bench/scale.sh; do
  if [ "${BENCH_QUICK:-0}" = 1 ] && [ "$part" = tests/bench/match.sh ]; then
    echo "bench: $part left out in quick mode (BENCH_QUICK=1; the scale series checks MatchIt at 100k rows)"
    continue
  fi
  RUNS=$RUNS BENCH_DIR=$DIR sh "$part" || { echo "bench: $part reported a failure (see its lines above)"; bench_failed; }
done
bench_exit "make bench"
