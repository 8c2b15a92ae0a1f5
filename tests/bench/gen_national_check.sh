#!/bin/sh
# make check: build the scale-series generator, write 100,000 rows twice and
# compare the bytes (same seed, same file) and the synthetic-data marks, check
# that --mark marks an unmarked copy only when its bytes are the generator's,
# then check the file's shape and descriptives through csceval
# (tests/bench/check_national.lua) and the load step of the scale series
# (tests/bench/check_load_step.lua), and run the national-scale example recipe
# on it with --data (tests/bench/check_national_recipe.lua: still synthetic,
# through the mark).  Not timed.
#   sh tests/bench/gen_national_check.sh BUILD_DIR
set -e
cd "$(dirname "$0")/../.."
B=${1:-build}
mkdir -p "$B/national"
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror tests/bench/gen_national.c -o "$B/national/gen_national" -lm
"$B/national/gen_national" 100000 "$B/national/a.csv"
"$B/national/gen_national" 100000 "$B/national/b.csv"
cmp "$B/national/a.csv" "$B/national/b.csv"
cmp "$B/national/a_la.csv" "$B/national/b_la.csv"
grep -q '"generator":"tests/bench/gen_national.c"' "$B/national/a.csv.csceval.json"
grep -q '"rows":100000' "$B/national/a.csv.csceval.json"
grep -q '"synthetic":true' "$B/national/a_la.csv.csceval.json"
# --mark: the unmarked copy of the generator's bytes is marked; an edited one is not
rm -f "$B/national/b.csv.csceval.json" "$B/national/b_la.csv.csceval.json"
"$B/national/gen_national" --mark 100000 "$B/national/b.csv"
sed 's/"file":"b.csv"/"file":"a.csv"/' "$B/national/b.csv.csceval.json" | cmp - "$B/national/a.csv.csceval.json"
rm -f "$B/national/b.csv.csceval.json"
sed '2s/^1,/1,1/' "$B/national/a.csv" > "$B/national/b.csv"
if "$B/national/gen_national" --mark 100000 "$B/national/b.csv" 2>/dev/null; then
  echo "gen_national --mark marked a file that is not its output"; exit 1
fi
[ ! -f "$B/national/b.csv.csceval.json" ]
./csceval test tests/bench/check_national.lua "$B/national/a.csv" 100000
# the scale series' load step computes its check sum in C (no Lua array of a column)
./csceval test tests/bench/check_load_step.lua "$B/national/a.csv"
# the national-scale example recipe on this extract (its own 10M-row file is
# not needed: --data gives the 100,000 rows)
rm -rf "$B/national/out"
./csceval run recipes/example_national_matching.lua --data national="$B/national/a.csv" \
  --out "$B/national/out" --format md,csv,json > "$B/national/summary.txt"
./csceval test tests/bench/check_national_recipe.lua "$B/national/out/example_national_matching" \
  "$B/national/summary.txt"
rm -f "$B"/national/a*.csv "$B"/national/b*.csv "$B"/national/*.csceval.json
