#!/bin/sh
# report.xlsx read by a second reader: openpyxl (Debian's python3-openpyxl)
# opens the workbook of three shipped recipes run with --xlsx or --format json,xlsx (one on
# synthetic data, one with published figures, one with many tables) and
# tests/tools/xlsx_check.py compares every number with results.json; the
# crafted workbook of tests/lua/test_xlsx.lua (suppressed "c", missing "x")
# is checked cell by cell.  Skipped, with the reason, without openpyxl or
# without ../shared/data.
CSCEVAL=${1:-./csceval}
OUT=tests/out/xlsx
mkdir -p "$OUT"
PY=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c "import openpyxl" 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  echo "xlsx: SKIPPED: no python3 with openpyxl (apt-get install python3-openpyxl) to read report.xlsx back"
  echo "xlsx 0 0" >> tests/out/summary.txt
  exit 0
fi
pass=0; fail=0
if [ -f "$OUT/cells.xlsx" ]; then
  if "$PY" - "$OUT/cells.xlsx" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = list(wb["counts"].iter_rows(values_only=True))
assert rows[0][:4] == ("group", "n", "rate", "note"), rows[0]
assert rows[1][:3] == ("A", 12, 0.123456), rows[1]
assert rows[2][1:3] == ("c", "x"), rows[2]        # suppressed, missing
assert rows[3][1:3] == (0, "x"), rows[3]          # zero shown, NaN not available
c = wb["counts"]["C2"]
assert c.number_format == "0.000", c.number_format  # the table's digits for rate
assert wb["About"]["A1"].value == "Synthetic data"
assert "by construction" in wb.properties.description
print("xlsx: crafted workbook: numbers, 'c', 'x' and formats read back")
PYEOF
  then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $OUT/cells.xlsx"; fi
else
  echo "xlsx: $OUT/cells.xlsx not found (written by make test-lua); not checked"
fi
if [ -d ../shared/data ]; then
  # the last run asks for the workbook as a format (--format json,xlsx) rather than with --xlsx
  for r in derby_care_leavers_903 lincs_benchmarks lincs_referrals_cits; do
    how="--xlsx"
    [ "$r" = lincs_referrals_cits ] && how="--format json,xlsx"
    # shellcheck disable=SC2086
    if "$CSCEVAL" run "recipes/$r.lua" --out "$OUT/runs" $how --quiet && "$PY" tests/tools/xlsx_check.py "$OUT/runs/$r"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); echo "FAILED: report.xlsx of $r"
    fi
  done
else
  echo "xlsx: SKIPPED the recipe runs: ../shared/data is absent"
fi
echo "xlsx $pass $fail" >> tests/out/summary.txt
echo "xlsx: $pass passed, $fail failed"
[ "$fail" = 0 ]
