#!/bin/sh
# The scale series of make bench (docs/performance.md, "Scale series"): every step
# at 100k, 1M and 10M rows of the national-like extract (tests/bench/gen_national.c)
# against its peers in the same run.  One line per step, size and peer:
#   bench <step>_<size>: csceval <s> s, <peer> <s> s, ratio <csceval/peer>
#   check <step>_<size> <peer>: <result check>
# Environment: SCALE_SIZES (default "100k 1m 10m"), RUNS (best of, default 3),
# MATCHIT_PS_SIZES (default "100k 1m"), MATCHIT_MAHA_SIZES (default "100k": MatchIt's
# 10:1 Mahalanobis took 290 s at 100k rows here and grows faster than n),
# SCALE_CACHE (the generated files; default ${XDG_CACHE_HOME:-$HOME/.cache}/csceval/national,
# outside the repository: the 10M file is about 420 MB and is written once).
# Exit status 1 if any check fails (every line is still printed).
set -e
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
SIZES=${SCALE_SIZES:-"100k 1m 10m"}
MPS=${MATCHIT_PS_SIZES:-"100k 1m"}
MMAHA=${MATCHIT_MAHA_SIZES:-"100k"}
CACHE=${SCALE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/csceval/national}
PY=/usr/bin/python3
mkdir -p "$CACHE"
sh tests/tools/deps.sh r-base-core r-cran-data.table r-cran-matchit python3-statsmodels python3-numpy
# DuckDB's peer needs Node.js 18 or later with npm (Debian's nodejs, or nodejs.org)
command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "scale.sh: the DuckDB peer needs node and npm: apt-get install nodejs npm" >&2; exit 1; }
[ -d tests/bench/node_modules/@duckdb/node-api ] || (cd tests/bench && npm ci --no-audit --no-fund >/dev/null)
[ -x ./csceval ] || make csceval >/dev/null
${CC:-cc} -std=c11 -O2 tests/bench/gen_national.c -o "$CACHE/gen_national" -lm

rows_of() { case "$1" in *k) echo $((${1%k} * 1000));; *m) echo $((${1%m} * 1000000));; *) echo "$1";; esac; }
line() {  # name csceval_s peer peer_s
  awk -v n="$1" -v a="$2" -v p="$3" -v b="$4" \
    'BEGIN { printf "bench %s: csceval %.4f s, %s %.4f s, ratio %.3f\n", n, a, p, b, a / b }'
}
fail=0
check() {  # name peer step ours theirs [data]
  if msg=$(./csceval test tests/bench/scale_bench.lua check "$3" "$4" "$5" $6); then :; else fail=1; fi
  echo "check $1 $2: $msg"
}
has() { case " $1 " in *" $2 "*) return 0;; esac; return 1; }

for size in $SIZES; do
  n=$(rows_of "$size")
  data="$CACHE/national_$size.csv"
  [ -f "$data" ] || "$CACHE/gen_national" "$n" "$data"
  out="$CACHE/out_$size"
  mkdir -p "$out"
  for step in load filter mutate groupby join logit ols_cluster ipw ps maha; do
    name=${step}_$size
    [ "$step" = load ] && name=csv_load_$size
    ours=$(./csceval test tests/bench/scale_bench.lua "$step" "$data" "$RUNS" "$out/csceval_$step.txt")
    case $step in
      load|filter|mutate|groupby|join)
        for thr in 1 0; do
          lab="data.table(1 thread)"; [ "$thr" = 0 ] && lab="data.table(all threads)"
          peer=$(Rscript tests/bench/peer_scale.R "$step" "$data" "$RUNS" "$thr" "$out/dt${thr}_$step.txt")
          line "$name" "$ours" "$lab" "$peer"
          check "$name" "$lab" "$step" "$out/csceval_$step.txt" "$out/dt${thr}_$step.txt"
        done
        if [ "$step" != mutate ]; then
          peer=$(node tests/bench/peer_duckdb.mjs "$step" "$data" "$RUNS" "$out/duckdb_$step.txt")
          line "$name" "$ours" "DuckDB(all threads)" "$peer"
          check "$name" "DuckDB" "$step" "$out/csceval_$step.txt" "$out/duckdb_$step.txt"
        fi ;;
      logit|ols_cluster|ipw)
        peer=$($PY tests/bench/peer_scale_models.py "$step" "$data" "$RUNS" "$out/statsmodels_$step.txt")
        line "$name" "$ours" "statsmodels" "$peer"
        check "$name" "statsmodels" "$step" "$out/csceval_$step.txt" "$out/statsmodels_$step.txt" ;;
      ps|maha)
        if { [ "$step" = ps ] && has "$MPS" "$size"; } || { [ "$step" = maha ] && has "$MMAHA" "$size"; }; then
          peer=$(Rscript tests/bench/peer_matchit_scale.R "$step" "$data" 1 "$out/matchit_$step.txt")
          line "$name" "$ours" "MatchIt" "$peer"
          check "$name" "MatchIt" "$step" "$out/csceval_$step.txt" "$out/matchit_$step.txt" "$data"
        else
          awk -v n="$name" -v a="$ours" 'BEGIN { printf "bench %s: csceval %.4f s, MatchIt not run at this size\n", n, a }'
        fi ;;
    esac
  done
done
[ "$fail" = 0 ]
