#!/bin/sh
# The scale series of make bench (docs/performance.md, "Scale series"): every step
# at 100k, 1M and 10M rows of the national-like extract (tests/bench/gen_national.c)
# against its peers in the same run.  One line per step, size and peer:
#   bench <step>_<size>: csceval <s> s, <peer> <s> s, ratio <csceval/peer>
#   check <step>_<size> <peer>: <result check>
#   memory <step>_<size>: csceval peak <MB> MB resident, column data <MB> MB, ratio <peak/data>
# then, at each size, the whole national recipe (recipes/example_national_matching.lua:
# load, weighted Mahalanobis matching, balance, regression, report) with its time,
# its peak resident memory and the time of each of its steps, and at the end the
# growth of each step's time from 1M to 10M rows (target < 12).
# Every time also goes to a results file (SCALE_RESULTS, default
# $CSCEVAL_CACHE/national/scale_results.csv; appended, the newest figure of a step, size and
# tool counts), which tests/bench/scale_report.lua reads for the growth lines and
# the chart docs/performance-scale.svg.  A step of csceval or a peer that fails
# (or is not installed) is reported and the series goes on; it, or a check that
# finds a difference, makes the exit status 1 (every line is still printed; the
# last line says how many failures there were: tests/bench/lib.sh).
# Environment: SCALE_SIZES (default "100k 1m 10m"), RUNS (best of, default 3),
# MATCHIT_PS_SIZES (default "100k 1m"; empty: none), MATCHIT_MAHA_SIZES (default "100k": MatchIt's
# 10:1 Mahalanobis took 290 s at 100k rows here and grows faster than n),
# CSCEVAL_CACHE (csceval's cache folder; the generated files go in its national/
# subfolder, outside the repository: the 10M file is about 420 MB and is written
# once.  Default ${XDG_CACHE_HOME:-$HOME/.cache}/csceval: the rule of csc.data.cache_dir,
# so the folder is the one recipes/example_national_matching.lua reads its input
# from; docs/performance.md.  SCALE_CACHE, which used to name the folder, is
# refused unless it names that same folder),
# SCALE_RESULTS (the results file), SCALE_RECIPE=0 (leave out the whole-recipe run),
# BENCH_DEPS=0 (install nothing: no apt-get, no npm ci), BENCH_PYTHON (the Python
# with statsmodels; default /usr/bin/python3).
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
RUNS=${RUNS:-3}
SIZES=${SCALE_SIZES:-"100k 1m 10m"}
MPS=${MATCHIT_PS_SIZES-"100k 1m"}
MMAHA=${MATCHIT_MAHA_SIZES-"100k"}
[ -x ./csceval ] || make csceval >/dev/null || exit 1
# the cache folder: one rule with the national recipe (its input path is
# "cache:national/national_10m.csv"; csc.data.cache_dir)
CACHE=$(./csceval test tests/bench/scale_report.lua cache) || exit 1
if [ -n "${SCALE_CACHE:-}" ] && [ "${SCALE_CACHE%/}" != "$CACHE" ]; then
  echo "scale.sh: SCALE_CACHE is no longer read on its own: the extracts go where" >&2
  echo "  recipes/example_national_matching.lua looks for them, \$CSCEVAL_CACHE/national" >&2
  echo "  (now $CACHE); set CSCEVAL_CACHE=DIR to use DIR/national" >&2
  exit 2
fi
RESULTS=${SCALE_RESULTS:-$CACHE/scale_results.csv}
PY=${BENCH_PYTHON:-/usr/bin/python3}
mkdir -p "$CACHE" || exit 1
if [ "${BENCH_DEPS:-1}" != 0 ]; then
  # the peers: a failed install is reported; each peer that cannot run then fails alone
  sh tests/tools/deps.sh r-base-core r-cran-data.table r-cran-matchit python3-statsmodels python3-numpy ||
    echo "scale.sh: some peers could not be installed; their lines will say so" >&2
  # DuckDB's peer needs Node.js 18 or later with npm (Debian's nodejs, or nodejs.org)
  if command -v node >/dev/null && command -v npm >/dev/null; then
    [ -d tests/bench/node_modules/@duckdb/node-api ] || (cd tests/bench && npm ci --no-audit --no-fund >/dev/null) ||
      echo "scale.sh: npm ci failed in tests/bench: the DuckDB lines will say so" >&2
  else
    echo "scale.sh: the DuckDB peer needs node and npm (apt-get install nodejs npm): its lines will say so" >&2
  fi
fi
${CC:-cc} -std=c11 -O2 tests/bench/gen_national.c -o "$CACHE/gen_national" -lm || exit 1
[ -f "$RESULTS" ] || echo "run,step,size,rows,tool,seconds,peak_mb,column_mb" > "$RESULTS"
RUN_ID=$(date -u +%Y-%m-%dT%H:%M:%SZ)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "scale.sh: /usr/bin/time is missing (apt-get install time): no memory figures" >&2; TIME=; }

rows_of() { case "$1" in *k) echo $((${1%k} * 1000));; *m) echo $((${1%m} * 1000000));; *) echo "$1";; esac; }
record() {  # step size tool seconds [peak_mb column_mb]
  echo "$RUN_ID,$1,$2,$(rows_of "$2"),$3,$4,${5:-},${6:-}" >> "$RESULTS"
}
has() { case " $1 " in *" $2 "*) return 0;; esac; return 1; }
# peer label step size command...: run a peer, print its bench and check lines
# (or that it failed: the series goes on), record its time
peer() {
  lab=$1 pstep=$2 psize=$3 pout=$4; shift 4
  if pt=$("$@" 2>"$out/peer.err") && [ -n "$pt" ]; then
    bench_line "$name" "$ours" "$lab" "$pt"
    record "$pstep" "$psize" "$lab" "$pt"
    bench_check "$name" "$lab" "$pstep" "$out/csceval_$pstep.txt" "$pout" $data_arg
  else
    echo "bench $name: csceval $(printf %.4f "$ours") s, $lab FAILED ($(tail -1 "$out/peer.err" | cut -c1-160))"
    bench_failed
  fi
}
# peak resident memory (MB) from a /usr/bin/time -f %M file (kB)
peak_mb() { awk '{ v = $1 } END { if (v != "") printf "%.1f", v / 1024 }' "$1" 2>/dev/null; }
mem_line() {  # name peak_mb column_mb [what]
  if [ -n "$2" ] && [ -n "$3" ]; then
    awk -v n="$1" -v p="$2" -v c="$3" -v w="$4" \
      'BEGIN { printf "memory %s: csceval peak %.0f MB resident, column data %.0f MB, ratio %.2f%s\n", n, p, c, p / c, w }'
  fi
}

for size in $SIZES; do
  n=$(rows_of "$size")
  data="$CACHE/national_$size.csv"
  if [ ! -f "$data" ]; then
    "$CACHE/gen_national" "$n" "$data" || { echo "bench $size: the generator failed"; bench_failed; continue; }
  elif [ ! -f "$data.csceval.json" ] || [ ! -f "${data%.csv}_la.csv.csceval.json" ]; then
    # an extract made before the generator wrote its synthetic-data mark: marked
    # only when its bytes are the generator's (read, not rewritten)
    "$CACHE/gen_national" --mark "$n" "$data" ||
      { echo "bench $size: $data is not the generator's output (delete it to have it made again)"; bench_failed; continue; }
  fi
  out="$CACHE/out_$size"
  mkdir -p "$out" || exit 1
  # the column data of the extract as the steps read it (and its authority table)
  col=$(./csceval test tests/bench/scale_report.lua bytes "$data" "${data%.csv}_la.csv") || col=
  for step in load filter mutate groupby join logit ols_cluster ipw ps maha; do
    name=${step}_$size
    [ "$step" = load ] && name=csv_load_$size
    data_arg=
    if [ -n "$TIME" ]; then
      ours=$($TIME -f %M -o "$out/rss_$step" ./csceval test tests/bench/scale_bench.lua "$step" "$data" "$RUNS" "$out/csceval_$step.txt") || ours=
    else
      ours=$(./csceval test tests/bench/scale_bench.lua "$step" "$data" "$RUNS" "$out/csceval_$step.txt") || ours=
    fi
    if [ -z "$ours" ]; then
      echo "bench $name: csceval FAILED"; bench_failed; continue
    fi
    pk=; [ -z "$TIME" ] || pk=$(peak_mb "$out/rss_$step")
    record "$step" "$size" csceval "$ours" "$pk" "$col"
    mem_line "$name" "$pk" "$col" " (the whole process: the file loaded, then the step)"
    case $step in
      load|filter|mutate|groupby|join)
        for thr in 1 0; do
          lab="data.table(1 thread)"; [ "$thr" = 0 ] && lab="data.table(all threads)"
          peer "$lab" "$step" "$size" "$out/dt${thr}_$step.txt" \
            Rscript tests/bench/peer_scale.R "$step" "$data" "$RUNS" "$thr" "$out/dt${thr}_$step.txt"
        done
        if [ "$step" != mutate ]; then
          peer "DuckDB(all threads)" "$step" "$size" "$out/duckdb_$step.txt" \
            node tests/bench/peer_duckdb.mjs "$step" "$data" "$RUNS" "$out/duckdb_$step.txt"
        fi ;;
      logit|ols_cluster|ipw)
        peer statsmodels "$step" "$size" "$out/statsmodels_$step.txt" \
          $PY tests/bench/peer_scale_models.py "$step" "$data" "$RUNS" "$out/statsmodels_$step.txt" ;;
      ps|maha)
        if { [ "$step" = ps ] && has "$MPS" "$size"; } || { [ "$step" = maha ] && has "$MMAHA" "$size"; }; then
          data_arg=$data
          peer MatchIt "$step" "$size" "$out/matchit_$step.txt" \
            Rscript tests/bench/peer_matchit_scale.R "$step" "$data" 1 "$out/matchit_$step.txt"
        else
          awk -v n="$name" -v a="$ours" 'BEGIN { printf "bench %s: csceval %.4f s, MatchIt not run at this size\n", n, a }'
        fi ;;
    esac
  done
  # the whole national recipe on this size: one process, from reading the file
  # to the written report (recipes/example_national_matching.lua)
  if [ "${SCALE_RECIPE:-1}" != 0 ]; then
    name=recipe_national_$size
    rm -rf "$out/recipe"
    t0=$(date +%s.%N)
    if ${TIME:+$TIME -f %M -o "$out/rss_recipe"} ./csceval run recipes/example_national_matching.lua \
        --data national="$data" --out "$out/recipe" --quiet --format md,csv,json 2>"$out/recipe.err"; then
      secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.4f", b - a }')
      pk=; [ -z "$TIME" ] || pk=$(peak_mb "$out/rss_recipe")
      rcol=$(./csceval test tests/bench/scale_report.lua recipe "$out/recipe/example_national_matching") || rcol=
      rc=$(echo "$rcol" | awk 'NR == 1 { print $1 }')
      echo "bench $name: csceval $secs s (the whole recipe run: load, weighted Mahalanobis 10:1 matching, balance, regression, report)"
      echo "$rcol" | awk 'NR > 1 { print "  " $0 }'
      record recipe "$size" csceval "$secs" "$pk" "$rc"
      mem_line "$name" "$pk" "$rc" " (the whole recipe run; target ratio <= 2)"
    else
      echo "bench $name: csceval FAILED: $(tail -3 "$out/recipe.err")"; bench_failed
    fi
  fi
done
# growth of each step's time from 1M to 10M rows, from the results file (the newest
# figures of each size, from this run or an earlier one)
./csceval test tests/bench/scale_report.lua growth "$RESULTS" || true
echo "scale series results: $RESULTS (chart: ./csceval test tests/bench/scale_report.lua chart $RESULTS docs/performance-scale.svg)"
bench_exit scale.sh
