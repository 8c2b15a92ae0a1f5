#!/bin/sh
# Every recipe run under a memory checker, with every output format (report.xlsx too) and the
# PNG charts (so the SVG-to-PNG path runs too):
#   sh tests/tools/run_recipes.sh asan build-asan/csceval   (make check)
#   sh tests/tools/run_recipes.sh valgrind ./csceval        (make valgrind)
# asan: the ASan/UBSan build; any sanitizer report fails (UBSan stops at the
# first, -fno-sanitize-recover), as does a leak.  valgrind: memcheck, where
# any error or definite leak fails (tests/tools/valgrind.sh).  A recipe whose
# inputs are under ../shared is skipped, with a message, when ../shared/data
# is absent.  Logs: tests/out/MODE-recipes/ID.log.
mode=$1; bin=$2
out=tests/out/$mode-recipes
rm -rf "$out"; mkdir -p "$out"
case $mode in
  asan) wrap=""
        export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
        export LSAN_OPTIONS="suppressions=$(pwd)/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
  valgrind) wrap="sh tests/tools/valgrind.sh" ;;
  *) echo "run_recipes.sh: mode is asan or valgrind"; exit 2 ;;
esac
pass=0; fail=0; skip=0
for recipe in recipes/*.lua; do
  id=$(basename "$recipe" .lua)
  if [ ! -d ../shared/data ] && ! "$bin" check "$recipe" >/dev/null 2>&1; then
    echo "skip $mode/$id: needs ../shared/data (the public statistics beside this checkout); not found"
    skip=$((skip + 1)); continue
  fi
  $wrap "$bin" run "$recipe" --out "$out/out" --quiet --png --xlsx --format md,csv,json,html >"$out/$id.log" 2>&1
  code=$?
  if [ "$code" = 0 ] && ! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|internal error|ERROR SUMMARY: [1-9]|definitely lost: [1-9]' "$out/$id.log"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $mode/$id (exit $code)"
    grep -E 'ERROR|runtime error|Sanitizer|lost|internal' "$out/$id.log" | head -8 | sed 's/^/    /'
  fi
done
mkdir -p tests/out
echo "$mode-recipes $pass $fail" >> tests/out/summary.txt
echo "recipes under $mode: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
