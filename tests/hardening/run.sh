#!/bin/bash
# Output is transactional (docs/testing.md, "Limits and hardening"):
#   kill test: RUNS runs of a small recipe, each sent SIGKILL at a random
#     moment between its start and twice the time a whole run takes (so the
#     kills fall at every step: loading, analysis, writing the staging
#     folder, the swap and after it); after each, out/small is the complete
#     previous report or the complete new one (every file present, all
#     naming one run's seed), and both outcomes must have been seen;
#   concurrency test: 8 runs started at once on one --out; each completes or
#     is refused with the lock message (exit 5), and the folder is consistent;
#   truncation test: a 20 MB CSV truncated while csceval reads it, 10 times,
#     then 10 reads while another process rewrites and truncates it in a
#     loop; each read succeeds or fails with a data error (exit 3), never a
#     signal.
# Usage: bash tests/hardening/run.sh ./csceval [RUNS]
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=${2:-200}
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tests/hardening/small.lua tests/hardening/small.csv "$work"/
cd "$work" || exit 1
fail=0
bad() { echo "FAIL hardening: $*"; fail=$((fail + 1)); }

# The report's files and the seed they all name; "" when incomplete.
state() {
  local d=out/small
  [ -f "$d/.csceval-output" ] || { echo "no-marker"; return; }
  local files
  files=$(cd "$d" && ls -A | tr '\n' ' ')
  [ "$files" = "$want_files" ] || { echo "files:$files"; return; }
  local sj sm
  sj=$(sed -n 's/^ *"seed": \([0-9]*\)$/\1/p' "$d/results.json")
  sm=$(sed -n 's/.*Seed \([0-9]*\)\..*/\1/p' "$d/report.md")
  tail -c 2 "$d/results.json" | grep -q '}' || { echo "json-cut"; return; }
  grep -q '</html>' "$d/report.html" || { echo "html-cut"; return; }
  [ -n "$sj" ] && [ "$sj" = "$sm" ] || { echo "mixed:$sj/$sm"; return; }
  echo "$sj"
}

"$bin" run small.lua --out out --seed 1 -q || { echo "FAIL hardening: the first run failed"; exit 1; }
want_files=$(cd out/small && ls -A | tr '\n' ' ')
# how long a whole run takes here (the slowest of three, in microseconds)
span=0
for k in 1 2 3; do
  t0=$(date +%s%N)
  "$bin" run small.lua --out out --seed 1 -q || { echo "FAIL hardening: a timing run failed"; exit 1; }
  t=$(( ($(date +%s%N) - t0) / 1000 ))
  [ "$t" -gt "$span" ] && span=$t
done
prev=1; kept_old=0; got_new=0
for i in $(seq 2 $((runs + 1))); do
  "$bin" run small.lua --out out --seed "$i" -q 2>/dev/null &
  pid=$!
  us=$(( (RANDOM * 32768 + RANDOM) % (2 * span) ))
  sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  s=$(state)
  if [ "$s" = "$i" ]; then prev=$i; got_new=$((got_new + 1))
  elif [ "$s" = "$prev" ]; then kept_old=$((kept_old + 1))
  else bad "kill $i: out/small is neither the previous report (seed $prev) nor the new one: $s"; break
  fi
done
echo "kill test: a run takes about $((span / 1000)) ms; of $runs killed runs, $kept_old left the previous report and $got_new the new one"
# kills spread over the whole run: some must land before the swap, some after
if [ "$fail" = 0 ] && { [ "$kept_old" = 0 ] || [ "$got_new" = 0 ]; }; then
  bad "the kills did not spread over the whole run (previous report kept $kept_old times, new one $got_new times)"
fi
"$bin" run small.lua --out out --seed 99999 -q || bad "a run after the kills failed"
[ "$(state)" = 99999 ] || bad "the run after the kills left $(state)"
left=$(ls -A out | grep -v -e '^small$' -e '^index\.html$' -e '^index\.md$' | tr '\n' ' ')
[ -z "$left" ] || bad "left in the output folder after a clean run: $left"

# 8 at once on one --out
pids=""
for k in 1 2 3 4 5 6 7 8; do
  "$bin" run small.lua --out out --seed "$((100000 + k))" -q 2>"err$k" &
  pids="$pids $!"
done
k=0; done_ok=0
for p in $pids; do
  k=$((k + 1))
  wait "$p"; rc=$?
  if [ "$rc" = 0 ]; then done_ok=$((done_ok + 1))
  elif [ "$rc" = 5 ] && grep -Eq "is in use by another csceval run \((pid [0-9]|it has only just started)" "err$k"; then :
  else bad "concurrent run $k: exit $rc: $(head -c 300 "err$k")"
  fi
done
[ "$done_ok" -ge 1 ] || bad "no concurrent run completed"
s=$(state)
case "$s" in 1000[0-9][0-9]) ;; *) bad "after the concurrent runs out/small is $s";; esac
left=$(ls -A out | grep -v -e '^small$' -e '^index\.html$' -e '^index\.md$' | tr '\n' ' ')
[ -z "$left" ] || bad "left in the output folder after the concurrent runs: $left"

# a file truncated under the reader
awk 'BEGIN { print "a,b,c"; for (i = 0; i < 1000000; i++) print i ",x" i "," i * 0.5 }' > big.csv
cp big.csv big.orig
for i in 1 2 3 4 5 6 7 8 9 10; do
  cp big.orig big.csv
  "$bin" describe big.csv >/dev/null 2>"terr" &
  pid=$!
  sleep "0.0$(printf '%02d' $((RANDOM % 60)))"
  : > big.csv
  wait "$pid"; rc=$?
  case "$rc" in
    0|3) ;;
    *) bad "truncated while read: exit $rc: $(head -c 300 terr)";;
  esac
done
# another process rewriting and truncating it in a loop while it is read
( while :; do cp big.orig big.csv; sleep 0.02; : > big.csv; sleep 0.01; done ) &
looper=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$bin" describe big.csv >/dev/null 2>"terr"; rc=$?
  case "$rc" in
    0|3) ;;
    *) bad "rewritten and truncated in a loop while read: exit $rc: $(head -c 300 terr)";;
  esac
done
kill "$looper"; wait "$looper" 2>/dev/null

cd "$root"
mkdir -p tests/out
echo "hardening $((fail == 0 ? 1 : 0)) $fail" >> tests/out/summary.txt
if [ "$fail" = 0 ]; then echo "hardening: kill test ($runs runs), concurrency test and truncation test passed"; fi
[ "$fail" = 0 ]
