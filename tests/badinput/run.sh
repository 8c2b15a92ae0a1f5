#!/bin/sh
# Bad-input corpus: every folder under tests/badinput/ is one case.
#   cmd      the csceval arguments (one line; $OUT is an output folder)
#   expect   line 1: the exit code; each further line: text stderr must contain
#   gen      optional shell script that writes large or binary inputs
#   after    optional shell script run after csceval in the case's folder; it
#            must exit 0 (checks what the run left, e.g. a user's folder kept)
#   other files: inputs, copied to a scratch folder where the case runs
# Each case must fail with its code and message, print no internal error or
# sanitizer report, leave its inputs unchanged and leave no partial output.
# CSCEVAL_WRAP, when set, is a command csceval runs under (make valgrind sets
# tests/tools/valgrind.sh; a valgrind error also fails the case).  Under it the
# messages are noted, not required: a run many times slower can be stopped by
# the other of two time limits (--timeout, or its grace period) and word it
# differently; the exit code and everything else are still checked, and the
# messages are checked by make test-bad.
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(pwd)
pass=0; fail=0
for dir in tests/badinput/*/; do
  name=$(basename "$dir")
  [ -f "$dir/cmd" ] || continue
  work=$(mktemp -d)
  cp -r "$dir"/. "$work"/
  ( cd "$work" && [ -f gen ] && sh gen ) || true
  before=$(cd "$work" && find . -type f ! -name expect ! -name cmd ! -path './out/*' -exec sha256sum {} + | sort)
  OUT="$work/out"
  args=$(sed "s#\$OUT#$OUT#g" "$dir/cmd")
  ( cd "$work" && eval "$CSCEVAL_WRAP \"$bin\" $args" ) >"$work/.stdout" 2>"$work/.stderr"
  code=$?
  want=$(head -n 1 "$dir/expect")
  ok=1; why=""
  if [ "$code" != "$want" ]; then ok=0; why="exit code $code, expected $want"; fi
  tail -n +2 "$dir/expect" | while IFS= read -r line; do
    [ -z "$line" ] && continue
    grep -qF -- "$line" "$work/.stderr" || { echo "missing: $line"; exit 1; }
  done > "$work/.missing" || if [ -n "$CSCEVAL_WRAP" ]; then
    echo "note badinput/$name: under $CSCEVAL_WRAP stderr lacks: $(cat "$work/.missing")"
  else ok=0; why="$why; stderr lacks: $(cat "$work/.missing")"; fi
  if grep -qE 'internal error|AddressSanitizer|runtime error:|LeakSanitizer|Segmentation|ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$work/.stderr"; then
    ok=0; why="$why; crash or internal error"
  fi
  after=$(cd "$work" && find . -type f ! -name expect ! -name cmd ! -path './out/*' ! -name '.std*' ! -name '.missing' ! -name '.after' -exec sha256sum {} + | sort)
  if [ "$before" != "$after" ]; then ok=0; why="$why; an input file was changed or created"; fi
  # a staging folder of csceval's (marked) left behind; a user's folder of that name is theirs
  if [ -d "$OUT" ] && find "$OUT" -path '*.partial/.csceval-output' | grep -q .; then ok=0; why="$why; partial output left behind"; fi
  if [ -f "$dir/after" ] && ! ( cd "$work" && OUT="$OUT" sh "$root/$dir/after" ) >"$work/.after" 2>&1; then
    ok=0; why="$why; after: $(head -c 300 "$work/.after")"
  fi
  if [ "$ok" = 1 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL badinput/$name: $why"; sed 's/^/    /' "$work/.stderr" | head -5
  fi
  rm -rf "$work"
done
mkdir -p "$root/tests/out"
echo "badinput $pass $fail" >> "$root/tests/out/summary.txt"
echo "bad-input cases: $pass passed, $fail failed"
[ "$fail" = 0 ]
