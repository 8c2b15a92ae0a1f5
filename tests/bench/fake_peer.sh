#!/bin/sh
# A stand-in for every peer of the scale series (Rscript, node, python), for
# tests/bench/check_bench_status.sh: called as
#   PEER SCRIPT STEP FILE RUNS [THREADS] OUT
# it prints a time and writes csceval's own result for STEP (csceval_STEP.txt,
# beside OUT) to OUT, so every check agrees; FAKE_PEER_BREAK=STEP makes that
# step's result wrong (the first value off by 1e-6 of its size, or the first
# matched control replaced by another row), FAKE_PEER_FAIL=STEP makes the peer
# fail.  Never used by make bench.
step=$2
for a in "$@"; do out=$a; done
ours="$(dirname "$out")/csceval_$step.txt"
[ "${FAKE_PEER_FAIL:-}" = "$step" ] && { echo "fake peer: failing on purpose" >&2; exit 1; }
[ -f "$ours" ] || { echo "fake peer: no $ours" >&2; exit 1; }
if [ "${FAKE_PEER_BREAK:-}" = "$step" ]; then
  awk -F, 'BEGIN { OFS = "," }
    NR == 1 && $1 == "treated" { print; next }
    !done && $1 == "treated" { print; next }
    !done && NF == 3 { print $1, $2, $3 + 1; done = 1; next }
    !done && NF == 2 { v = $2 + 0; m = v < 0 ? -v : v; if (m < 1) m = 1; printf "%s,%.17g\n", $1, v + 1e-6 * m; done = 1; next }
    { print }' "$ours" > "$out"
else
  cp "$ours" "$out"
fi
echo 0.0100
