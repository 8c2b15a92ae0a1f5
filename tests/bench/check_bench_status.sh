#!/bin/sh
# make check: the exit status of the benchmarks means something.  Runs the
# scale series (tests/bench/scale.sh) at 2,000 rows, RUNS=1, with every peer
# replaced by tests/bench/fake_peer.sh (no R, Python or DuckDB needed; nothing
# installed: BENCH_DEPS=0), in a temporary cache folder:
#   * every peer agrees: exit 0, a "check" line for every peer;
#   * one coefficient of the OLS off by 1e-6 (more than the 1e-8 allowed):
#     exit 1, and its check line says DIFFERENT;
#   * another matched set in the Mahalanobis matching: exit 1;
#   * a peer that fails: exit 1.
# Not timed; a few seconds.
#   sh tests/bench/check_bench_status.sh BUILD_DIR
cd "$(dirname "$0")/../.."
mkdir -p "${1:-build}" || exit 1
T="$(cd "${1:-build}" && pwd)/bench_status"
rm -rf "$T"
mkdir -p "$T/bin" || exit 1
for p in Rscript node python; do ln -s "$(pwd)/tests/bench/fake_peer.sh" "$T/bin/$p"; done
fails=0
# run NAME WANT_STATUS [VAR=VALUE ...]: the series with the fake peers
run() {
  name=$1 want=$2; shift 2
  env "$@" PATH="$T/bin:$PATH" BENCH_DEPS=0 BENCH_PYTHON=python CSCEVAL_CACHE="$T/cache" \
    SCALE_SIZES=2k RUNS=1 SCALE_RECIPE=0 MATCHIT_PS_SIZES=2k MATCHIT_MAHA_SIZES=2k \
    sh tests/bench/scale.sh > "$T/$name.out" 2>&1
  got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL bench status ($name): exit $got, expected $want"; sed 's/^/    /' "$T/$name.out"; fails=$((fails + 1))
  fi
}
run agree 0
n=$(grep -c '^check .*: same [0-9]* values to 1e-8\|^check .*: identical matched sets' "$T/agree.out")
# 5 frame steps x 2 data.table + 4 DuckDB, 3 statsmodels, 2 MatchIt
[ "$n" = 19 ] || { echo "FAIL bench status: $n agreeing check lines, expected 19"; cat "$T/agree.out"; fails=$((fails + 1)); }
run coef 1 FAKE_PEER_BREAK=ols_cluster
grep -q '^check ols_cluster_2k statsmodels: DIFFERENT' "$T/coef.out" ||
  { echo "FAIL bench status: no DIFFERENT line for the broken coefficient"; fails=$((fails + 1)); }
run sets 1 FAKE_PEER_BREAK=maha
grep -q '^check maha_2k MatchIt: DIFFERENT matched sets' "$T/sets.out" ||
  { echo "FAIL bench status: no DIFFERENT line for the broken matched set"; cat "$T/sets.out"; fails=$((fails + 1)); }
run peer 1 FAKE_PEER_FAIL=groupby
grep -q '^bench groupby_2k: .* FAILED' "$T/peer.out" ||
  { echo "FAIL bench status: no FAILED line for the failing peer"; fails=$((fails + 1)); }
[ "$fails" = 0 ] || exit 1
rm -rf "$T"
echo "bench status: exit 0 when every check agrees; 1 on a coefficient off by 1e-6, another matched set, a failed peer"
