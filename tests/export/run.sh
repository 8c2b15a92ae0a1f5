#!/bin/sh
# make test-export: every shipped recipe whose design the R export covers is
# run by csceval (results.json) and exported with `csceval export --to r`;
# the script is run by Rscript and tests/export/compare.lua compares the
# results it wrote with results.json to the design's tolerance
# (docs/export.md).  Rscript is required: without it the test FAILS (CI
# installs r-base-core and the r-cran-* packages); SKIP_R=1 skips it for
# local use.  Recipes that read ../shared/data are skipped, with a message,
# when that folder is absent.
CSCEVAL=${1:-./csceval}
RSCRIPT=${RSCRIPT:-Rscript}   # another R: RSCRIPT=/opt/R/bin/Rscript make test-export
OUT=tests/out/export
mkdir -p tests/out
if [ "${SKIP_R:-0}" = 1 ]; then
  echo "export: SKIPPED (SKIP_R=1): the exported R scripts were not run"
  echo "export 0 0" >> tests/out/summary.txt
  exit 0
fi
if ! command -v "$RSCRIPT" >/dev/null 2>&1; then
  echo "export: FAILED: $RSCRIPT not found; install r-base-core r-cran-matchit r-cran-sandwich r-cran-lmtest"
  echo "(make deps does, as root), or set SKIP_R=1 to skip the R comparison locally"
  echo "export 0 1" >> tests/out/summary.txt
  exit 1
fi
rm -rf "$OUT"; mkdir -p "$OUT"
pass=0; fail=0; skipped=0
# recipe file, design
while read -r recipe design; do
  [ -z "$recipe" ] && continue
  id=$(basename "$recipe" .lua)
  # a recipe names shared data by path or through data/datasets.csv: ask check
  if [ ! -d ../shared/data ] && ! "$CSCEVAL" check "$recipe" >/dev/null 2>&1; then
    echo "export: SKIPPED $recipe: it reads ../shared/data, which is absent"
    skipped=$((skipped + 1)); continue
  fi
  ok=1
  "$CSCEVAL" run "$recipe" --out "$OUT/runs" --format json --quiet || { ok=0; echo "FAILED: csceval run $recipe"; }
  [ $ok = 1 ] && { "$CSCEVAL" export --to r "$recipe" --out "$OUT/r" --quiet 2>"$OUT/$id.export.err" \
    || { ok=0; echo "FAILED: csceval export --to r $recipe"; cat "$OUT/$id.export.err"; }; }
  [ $ok = 1 ] && { "$RSCRIPT" "$OUT/r/$id.R" >"$OUT/$id.Rout" 2>&1 \
    || { ok=0; echo "FAILED: Rscript $OUT/r/$id.R"; tail -n 20 "$OUT/$id.Rout"; }; }
  [ $ok = 1 ] && { "$CSCEVAL" test tests/export/compare.lua "$OUT/runs/$id/results.json" \
    "$OUT/r/${id}_results.csv" "$design" || ok=0; }
  if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: export of $recipe"; fi
done <<LIST
recipes/lincs_early_help.lua its
tests/export/its_season.lua its
recipes/lincs_referrals_cits.lua cits
recipes/nwd_leaving_care.lua cits
recipes/nwd_leaving_care_lait.lua cits
recipes/lincs_future4me.lua ipw
recipes/nwd_back_on_track.lua matching
tests/export/did_panel.lua did
recipes/derby_care_leavers.lua benchmark
recipes/lincs_benchmarks.lua benchmark
recipes/lincs_workforce.lua benchmark
LIST
echo "export $pass $fail" >> tests/out/summary.txt
echo "export: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
