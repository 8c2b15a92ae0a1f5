# Shared by the benchmark scripts of make bench (run.sh, match.sh, placebo.sh,
# scale.sh; sourced, from the repository root).  What a failure is, once:
#   * a step of csceval that fails (no time);
#   * a peer that fails or is not installed (no time, so no check);
#   * a check line that finds a difference from the peer (another filtered or
#     grouped result, a coefficient off by more than 1e-8, another matched set).
# Each prints its line and the series goes on; bench_exit at the end prints how
# many there were and exits 1 when there was any, 0 otherwise.  So the exit
# status of make bench means "every step ran and every check agreed".
bench_failures=0

# bench_failed WHAT: count one failure (its line is printed by the caller)
bench_failed() { bench_failures=$((bench_failures + 1)); }

# bench_line NAME CSCEVAL_S PEER PEER_S: the timing line, with the ratio
bench_line() {
  awk -v n="$1" -v a="$2" -v p="$3" -v b="$4" \
    'BEGIN { printf "bench %s: csceval %.4f s, %s %.4f s, ratio %.3f\n", n, a, p, b, a / b }'
}

# bench_check NAME PEER KIND OURS THEIRS [DATA]: compare two result files with
# tests/bench/scale_bench.lua check (KIND kv: key,value lines, every value to
# 1e-8 relative to max(1, |value|); ps or maha: matched sets) and print
#   check NAME PEER: <what it found>
bench_check() {
  if bench_msg=$(./csceval test tests/bench/scale_bench.lua check "$3" "$4" "$5" ${6:+"$6"} 2>&1); then
    echo "check $1 $2: $bench_msg"
  else
    echo "check $1 $2: ${bench_msg:-the check itself failed}"
    bench_failed
  fi
}

# bench_exit SCRIPT: the closing line and the exit status
bench_exit() {
  if [ "$bench_failures" -gt 0 ]; then
    echo "$1: $bench_failures failure(s): a step or peer that failed, or a check that found a difference (see above)"
    exit 1
  fi
  exit 0
}
