#!/bin/sh
# make check: build the scale-series generator, write 100,000 rows twice and
# compare the bytes (same seed, same file), then check the file's shape and
# descriptives through csceval (tests/bench/check_national.lua), and run the
# national-scale example recipe on it (tests/bench/check_national_recipe.lua).
# Not timed.
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
./csceval test tests/bench/check_national.lua "$B/national/a.csv" 100000
# the national-scale example recipe on this extract (its own 10M-row file is
# not needed: --data gives the 100,000 rows)
rm -rf "$B/national/out"
./csceval run recipes/example_national_matching.lua --data national="$B/national/a.csv" \
  --out "$B/national/out" --quiet --format md,csv,json
./csceval test tests/bench/check_national_recipe.lua "$B/national/out/example_national_matching"
rm -f "$B"/national/a*.csv "$B"/national/b*.csv
