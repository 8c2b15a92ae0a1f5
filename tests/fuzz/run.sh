#!/bin/sh
# make fuzz: every libFuzzer harness at once, for SECONDS each, at nice 19
# (FUZZ_NICE=N for another niceness, on a machine with CPU to spare).
#   sh tests/fuzz/run.sh SECONDS NAME...
# Each harness starts from the committed corpus tests/fuzz/corpus/NAME/ (read
# only) and a working corpus tests/out/fuzz/corpus/NAME/ (new inputs), with
# the dictionary tests/fuzz/NAME.dict when there is one.  Log:
# tests/out/fuzz/NAME.log; a finding: tests/out/fuzz/NAME-crash-* (or
# -leak-, -timeout-, -oom-).  The summary (tests/out/fuzz/summary.txt) gives,
# per harness, the wall time, the CPU time it got, its executions, and the
# machine's load average (1 min) sampled every minute while they ran
# (docs/testing.md "The fuzzing campaign").  FUZZ_OUT sets another folder
# than tests/out/fuzz, for a second campaign beside a running one.
secs=$1; shift
LUA_HARNESSES="recipe ssda903 json"
out=${FUZZ_OUT:-tests/out/fuzz}
export LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
mkdir -p "$out"
: > "$out/load.txt"
( while :; do cut -d' ' -f1 /proc/loadavg >> "$out/load.txt"; sleep 60; done ) &
sampler=$!
pids=""
for n in "$@"; do
  mkdir -p "$out/corpus/$n"
  dict=""; [ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
  # libxml2 (under librsvg) prints a line per malformed document: the svg
  # harness's own stderr is closed (libFuzzer still reports and saves findings)
  quiet=""; [ "$n" = svg ] && quiet="-close_fd_mask=2"
  # the Lua harnesses' state keeps memory between inputs (interned strings,
  # caches), which libFuzzer would take for a leak on nearly every input and
  # check at great cost; their leaks are looked for when make check replays
  # the corpus (LeakSanitizer at exit) instead
  leaks=""; case " $LUA_HARNESSES " in *" $n "*) leaks="-detect_leaks=0" ;; esac
  # the recipe harness starts from the shipped recipes too (read only, like
  # the committed corpus), so its seeds are always today's recipe schema
  extra=""; [ "$n" = recipe ] && extra=recipes
  # -timeout: an input that runs longer is a finding (a hang); it is wall
  # time, and at nice 19 on a loaded machine an input may wait minutes for
  # the CPU, so it is generous.  -rss_limit_mb: an input that needs more
  # memory is a finding too (libFuzzer's default, written out)
  ( start=$(date +%s)
    nice -n "${FUZZ_NICE:-19}" "build-fuzz/fuzz/$n" -max_total_time="$secs" -timeout=300 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$out/$n-" $dict $quiet $leaks \
      "$out/corpus/$n" "tests/fuzz/corpus/$n" $extra >"$out/$n.log" 2>&1
    rc=$?
    # CPU time of the harness: this shell's children's user and system time
    # (times, a builtin, written to a file: in a pipe it would run in a child)
    times > "$out/$n.times"
    cpu=$(tail -n 1 "$out/$n.times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.1f", t }')
    echo "$rc $(( $(date +%s) - start )) $cpu" > "$out/$n.status" ) &
  pids="$pids $!"
done
wait $pids
kill "$sampler" 2>/dev/null
load=$(awk '{ s += $1; if ($1 > m) m = $1; n++ } END { if (n) printf "mean %.2f, max %.2f over %d samples", s / n, m, n; else print "?" }' "$out/load.txt")
fail=0
{
  echo "started $(date -u -d "@$(( $(date +%s) - secs ))" '+%Y-%m-%d %H:%M UTC' 2>/dev/null), $(nproc) cores, load average (1 min) $load"
  echo "harness      result  wall(s)  cpu(s)  executions"
  for n in "$@"; do
    read -r rc wall cpu < "$out/$n.status"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$n.log" | tail -n 1)
    res=ok; [ "$rc" = 0 ] || res=FINDING
    printf '%-12s %-7s %7s  %6s  %10s\n' "$n" "$res" "$wall" "$cpu" "${execs:-?}"
  done
} | tee "$out/summary.txt"
grep -q FINDING "$out/summary.txt" && fail=1
[ "$fail" = 0 ] || { echo "fuzz: a harness found something; see $out/*.log and $out/NAME-crash-* (or -leak-, -timeout-, -oom-)"; exit 1; }
