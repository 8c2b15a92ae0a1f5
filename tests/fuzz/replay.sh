#!/bin/sh
# make check: the committed corpus of every harness, replayed through the
# harness linked with tests/fuzz/replay.c (the ASan/UBSan build).
#   sh tests/fuzz/replay.sh BUILD_DIR NAME...
# The SSDA903 harness skips its inputs, with a message, when the
# specifications in ../shared/data/ssda903/spec are absent.
dir=$1; shift
mkdir -p tests/out
export LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
pass=0; fail=0
[ -d ../shared/data/ssda903/spec ] || echo "note: ../shared/data/ssda903/spec not found; the ssda903 corpus is read but not checked"
for n in "$@"; do
  # the recipe harness also reads the shipped recipes themselves, so its
  # seeds follow today's recipe schema without copies that go stale
  extra=""; [ "$n" = recipe ] && extra=recipes
  if ASAN_OPTIONS=detect_leaks=1 "$dir/$n" "tests/fuzz/corpus/$n" $extra >tests/out/fuzz-$n.log 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL fuzz corpus $n"; tail -n 20 "tests/out/fuzz-$n.log" | sed 's/^/    /'
  fi
done
mkdir -p tests/out
echo "fuzz-corpus $pass $fail" >> tests/out/summary.txt
echo "fuzz corpus: $pass harnesses passed, $fail failed"
[ "$fail" = 0 ]
