#!/bin/sh
# make check: build the scale-series generator, write 100,000 rows twice and
# compare the bytes (same seed, same file), then check the file's shape and
# descriptives through csceval (tests/bench/check_national.lua).  Not timed.
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
rm -f "$B"/national/a*.csv "$B"/national/b*.csv
