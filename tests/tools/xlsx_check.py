#!/usr/bin/env python3
"""Open a report.xlsx written by `csceval run --xlsx` with a second reader
(openpyxl) and compare it with the same run's results.json: every result
table cell by cell (numbers stored as numbers and equal to the JSON's to
the 15 significant digits the workbook keeps; missing as the EES "x";
suppressed cells as their symbol), the published figures, the estimates,
the inputs' SHA-256 and the synthetic-data mark.

Usage: xlsx_check.py RUN_DIR...   (each holds report.xlsx and results.json)
Exit 0 when every workbook agrees, 1 with a line per difference, 77 when
openpyxl is not installed."""
import json
import math
import sys

try:
    import openpyxl
except ImportError:
    sys.exit(77)

# libxlsxwriter writes numbers with %.16G; 1e-14 relative leaves room for
# the last digit's rounding and nothing more.
REL = 1e-14


def same_number(a, b):
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


def check_cell(where, got, want, errors):
    if want is None:
        if got != "x":
            errors.append(f"{where}: missing value should be 'x', got {got!r}")
    elif isinstance(want, bool):
        if got != ("TRUE" if want else "FALSE"):
            errors.append(f"{where}: {want!r} written as {got!r}")
    elif isinstance(want, (int, float)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            errors.append(f"{where}: {want!r} is stored as {type(got).__name__} {got!r}, not a number")
        elif not same_number(float(got), float(want)):
            errors.append(f"{where}: workbook {got!r}, results.json {want!r}")
    elif want == "" and got is None:
        pass   # libxlsxwriter writes an empty string as a blank cell
    elif got != want:
        errors.append(f"{where}: workbook {got!r}, results.json {want!r}")


def check(run_dir):
    errors = []
    res = json.load(open(f"{run_dir}/results.json", encoding="utf-8"))
    wb = openpyxl.load_workbook(f"{run_dir}/report.xlsx")
    names = wb.sheetnames
    if names[:3] != ["About", "Published", "Estimates"]:
        errors.append(f"first sheets are {names[:3]}")
    if len(names) != 3 + len(res["tables"]):
        errors.append(f"{len(names) - 3} table sheets for {len(res['tables'])} tables")
    # result tables, in order
    for t, name in zip(res["tables"], names[3:]):
        ws = wb[name]
        rows = list(ws.iter_rows(values_only=True))
        if list(rows[0][:len(t["columns"])]) != t["columns"]:
            errors.append(f"{name}: header {rows[0]} for {t['columns']}")
        for i, row in enumerate(t["rows"]):
            got = rows[i + 1]
            for j, v in enumerate(row):
                check_cell(f"{name}!R{i + 2}C{j + 1}", got[j], v, errors)
        # the display precision is a number format, not rounding of the value
        for r in ws.iter_rows(min_row=2, max_row=1 + len(t["rows"])):
            for c in r:
                if isinstance(c.value, (int, float)) and not c.number_format.startswith("0"):
                    errors.append(f"{name}!{c.coordinate}: number format {c.number_format!r}")
    # published against reproduced (figures and input checks, in results.json order)
    pub = res["published"] + res.get("input_checks", [])
    prow = list(wb["Published"].iter_rows(values_only=True))[1:]
    if len(prow) != len(pub):
        errors.append(f"Published: {len(prow)} rows for {len(pub)} figures")
    for i, (p, got) in enumerate(zip(pub, prow)):
        if got[0] != p["label"]:
            errors.append(f"Published row {i + 2}: label {got[0]!r} for {p['label']!r}")
        check_cell(f"Published!B{i + 2}", got[1], p.get("published"), errors)
        if p.get("reproduced") is not None:
            check_cell(f"Published!C{i + 2}", got[2], p["reproduced"], errors)
        if got[5] != ("yes" if p.get("within") else "no"):
            errors.append(f"Published!F{i + 2}: within {got[5]!r} for {p.get('within')!r}")
    # estimates
    erow = list(wb["Estimates"].iter_rows(values_only=True))[1:]
    if len(erow) != len(res["estimates"]):
        errors.append(f"Estimates: {len(erow)} rows for {len(res['estimates'])}")
    for i, (e, got) in enumerate(zip(res["estimates"], erow)):
        if got[0] != e.get("label"):
            errors.append(f"Estimates row {i + 2}: label {got[0]!r} for {e.get('label')!r}")
        v = e.get("value")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            check_cell(f"Estimates!B{i + 2}", got[1], v, errors)
        for col, key in ((2, "se"), (5, "p"), (6, "n")):
            if e.get(key) is not None:
                check_cell(f"Estimates!{'ABCDEFG'[col]}{i + 2}", got[col], e[key], errors)
        if e.get("ci"):
            check_cell(f"Estimates!D{i + 2}", got[3], e["ci"][0], errors)
            check_cell(f"Estimates!E{i + 2}", got[4], e["ci"][1], errors)
    # provenance and the synthetic-data mark
    about = [r for r in wb["About"].iter_rows(values_only=True)]
    cells = {str(c) for r in about for c in r if c is not None}
    for inp in res["inputs"]:
        if inp.get("sha256") and inp["sha256"] not in cells:
            errors.append(f"About: input {inp['name']}'s SHA-256 is missing")
    marked = about[0][0] == "Synthetic data" and "by construction" in str(about[0][1])
    if bool(res.get("synthetic")) != marked:
        errors.append(f"About: synthetic-data mark {'shown' if marked else 'absent'}, results.json synthetic = "
                      f"{res.get('synthetic')!r}")
    if res.get("synthetic") and "by construction" not in (wb.properties.description or ""):
        errors.append("document properties: the synthetic-data mark is missing from the comments")
    return errors


def main():
    bad = 0
    for d in sys.argv[1:]:
        errors = check(d)
        for e in errors[:20]:
            print(f"{d}: {e}")
        if errors:
            bad += 1
        else:
            print(f"{d}: report.xlsx agrees with results.json")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
