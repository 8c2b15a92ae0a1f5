#!/bin/sh
# make bench: install the peers, generate the inputs, run every benchmark and
# print one line each:
#   bench <name>: csceval <seconds> s, <peer> <seconds> s, ratio <csceval/peer>
# Times are the best of RUNS (default 3) on this machine in this run; loading
# the data is not timed except in csv_load_1m.  Figures go in docs/performance.md.
set -e
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/csceval-bench}
mkdir -p "$DIR"
sh tests/tools/deps.sh r-base-core r-cran-data.table python3-statsmodels python3-numpy
PY=/usr/bin/python3     # Debian's python, where python3-statsmodels lives
CC=${CC:-cc}

[ -f "$DIR/csv_1m.csv" ] || $PY tests/bench/gen_csv_1m.py "$DIR/csv_1m.csv" >/dev/null
[ -f "$DIR/model_1m.csv" ] || $PY tests/bench/gen_model_data.py "$DIR/model_1m.csv" >/dev/null

line() {  # name csceval_s peer peer_s
  awk -v n="$1" -v a="$2" -v p="$3" -v b="$4" \
    'BEGIN { printf "bench %s: csceval %.4f s, %s %.4f s, ratio %.3f\n", n, a, p, b, a / b }'
}

# --- loading a CSV: csceval's read_csv (through Lua) against fread(nThread = 1), both on
# one thread (the scale series, scale.sh, compares all threads with all threads)
ours=$(CSCEVAL_THREADS=1 ./csceval test tests/bench/frame_bench.lua load "$DIR/csv_1m.csv" "$RUNS")
peer=$(Rscript tests/bench/peer_fread.R load "$DIR/csv_1m.csv" "$RUNS")
line csv_load_1m "$ours" "data.table::fread(nThread=1)" "$peer"

# --- a three-condition filter on 1,000,000 rows (3 million values)
ours=$(./csceval test tests/bench/frame_bench.lua filter "$DIR/csv_1m.csv" "$RUNS")
peer=$(Rscript tests/bench/peer_fread.R filter "$DIR/csv_1m.csv" "$RUNS")
line expr_filter_1m "$ours" "data.table[i] (1 thread)" "$peer"

# --- a derived column on 1,000,000 rows
ours=$(./csceval test tests/bench/frame_bench.lua mutate "$DIR/csv_1m.csv" "$RUNS")
peer=$(Rscript tests/bench/peer_fread.R mutate "$DIR/csv_1m.csv" "$RUNS")
line expr_mutate_1m "$ours" "data.table := (1 thread)" "$peer"

# --- regression core: logit (IRLS) and OLS with HC1 on 1,000,000 x 7
$CC -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost host/num/ols.c host/num/qr.c host/num/qr_kern.c host/data/chunks.c host/num/vcov.c host/num/glm.c \
  tests/bench/model_bench.c -o "$DIR/model_bench" $(pkg-config --cflags --libs gsl) -lm
peers=$($PY tests/bench/peer_statsmodels.py "$DIR/model_1m.csv" "$RUNS")
pl=$(echo "$peers" | awk '$2 == "logit_1m" { print $3 }')
po=$(echo "$peers" | awk '$2 == "ols_hc1_1m" { print $3 }')
"$DIR/model_bench" "$DIR/model_1m.csv" "$RUNS" "$pl" "$po"

# --- matching and ITS benchmarks and the scale series, when present (each prints
# its own bench lines); one that fails (a check that found a difference) does not
# stop the others, and the exit status is then 1
status=0
for part in tests/bench/match.sh tests/bench/placebo.sh tests/bench/scale.sh; do
  [ -f "$part" ] || continue
  RUNS=$RUNS BENCH_DIR=$DIR sh "$part" || { echo "bench: $part reported a failure (see its lines above)"; status=1; }
done
exit $status
