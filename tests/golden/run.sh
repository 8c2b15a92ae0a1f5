#!/bin/sh
# Golden tests: run each recipe that has an expected file here and compare
# its results.json with the stored one (tests/golden/compare.lua).
#   sh tests/golden/run.sh ./csceval            compare
#   sh tests/golden/run.sh ./csceval --update   rewrite the expected files
# A recipe whose inputs are under ../shared is skipped, with a message, when
# ../shared/data is absent.
bin=$1; update=$2
pass=0; fail=0; skip=0
# a fixed relative folder, so the command recorded in results.json (and so in
# the expected files) names no path of one machine
out=tests/out/golden
rm -rf "$out"; mkdir -p "$out"
for exp in tests/golden/*.json; do
  [ -f "$exp" ] || continue
  id=$(basename "$exp" .json)
  recipe=recipes/$id.lua
  if [ ! -f "$recipe" ]; then
    echo "FAIL golden/$id: no recipe $recipe"; fail=$((fail + 1)); continue
  fi
  if [ ! -d ../shared/data ] && ! "$bin" check "$recipe" >/dev/null 2>&1; then
    echo "skip golden/$id: needs ../shared/data (the public statistics beside this checkout); not found"
    skip=$((skip + 1)); continue
  fi
  if ! "$bin" run "$recipe" --out "$out" --quiet --format json 2>"$out/stderr"; then
    echo "FAIL golden/$id: the recipe did not run"; sed 's/^/    /' "$out/stderr" | head -5
    fail=$((fail + 1)); continue
  fi
  if [ "$update" = "--update" ]; then
    cp "$out/$id/results.json" "$exp"; echo "updated $exp"; pass=$((pass + 1)); continue
  fi
  if "$bin" test tests/golden/compare.lua "$exp" "$out/$id/results.json"; then
    pass=$((pass + 1))
  else
    echo "FAIL golden/$id"; fail=$((fail + 1))
  fi
done
mkdir -p tests/out
echo "golden $pass $fail" >> tests/out/summary.txt
echo "golden: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
