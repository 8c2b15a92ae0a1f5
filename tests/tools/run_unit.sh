#!/bin/sh
# Run each cmocka test binary given; record counts for the summary line.
# Tests run from the project root (they read tests/reference/ and ../shared/).
mkdir -p tests/out
pass=0; fail=0
for t in "$@"; do
  if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit $pass $fail" >> tests/out/summary.txt
echo "unit test programs: $pass passed, $fail failed"
[ "$fail" = 0 ]
