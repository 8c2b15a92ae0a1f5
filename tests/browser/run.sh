#!/bin/sh
# Browser tests: run the recipes and the chart gallery into tests/out/browser/,
# then open every report.html and index.html in headless Chromium
# (tests/browser/check.mjs, on playwright-core).  Screenshots at 390 and
# 1366 px and an A4 PDF of each page go to tests/out/screenshots/.
#   sh tests/browser/run.sh ./csceval
# Installs nothing: `make test-browser` runs `npm ci` here first.  Skipped,
# with a message, when Chromium or node is absent (.ci/run installs them).
bin=$1
chrome=${CHROMIUM:-/usr/bin/chromium}
out=tests/out/browser
shots=tests/out/screenshots
record() { mkdir -p tests/out; echo "browser $1 $2" >> tests/out/summary.txt; }

if [ ! -x "$chrome" ]; then
  echo "skip browser: no Chromium at $chrome (apt-get install chromium, or set CHROMIUM=/path/to/chromium)"
  record 0 0; exit 0
fi
if ! command -v node >/dev/null 2>&1; then
  echo "skip browser: node is not installed (the checks run on playwright-core, an npm package)"
  record 0 0; exit 0
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "FAIL browser: tests/browser/node_modules is missing; run 'make test-browser' (it runs npm ci there)"
  record 0 1; exit 1
fi

rm -rf "$out" "$shots"
mkdir -p "$out" "$shots"
recipes=""
for r in recipes/*.lua; do
  [ -f "$r" ] || continue
  if [ ! -d ../shared/data ] && ! "$bin" check "$r" >/dev/null 2>&1; then
    echo "skip browser/$(basename "$r" .lua): needs ../shared/data, not found"; continue
  fi
  recipes="$recipes $r"
done
# --png as well, so the PNG export runs on every chart kind each time
if ! "$bin" run $recipes tests/browser/gallery.lua --out "$out" --png --quiet 2>"$out/stderr.txt"; then
  echo "FAIL browser: the recipes did not run"; sed 's/^/    /' "$out/stderr.txt" | head -5
  record 0 1; exit 1
fi
CHROMIUM=$chrome node tests/browser/check.mjs --shots "$shots" --summary tests/out/summary.txt \
  "$out"/index.html "$out"/*/report.html --expect-fail tests/browser/fixtures/broken.html
