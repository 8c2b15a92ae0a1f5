#!/usr/bin/env python3
"""Independent benchmark figures from the raw LAIT file and the 2021
neighbour groupings, with Python's csv module only, for three authorities:
Derby (831), Lincolnshire (925) and North Northamptonshire (940, created in
2021 from Northamptonshire, 928).  Writes lait_benchmarks.csv beside this
script; tests/lua/test_benchmark_lait.lua compares the benchmark design
with it.

    python3 tests/reference/benchmark/lait_benchmarks.py
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LAIT = "../shared/data/lait/lait_csc_key_measures_2015_2025_long.csv"
SN = "../shared/data/ees/New_Statistical_Neighbour_Groupings_April_2021.csv"
CASES = [("831", "CareLeaverEET", "high"), ("925", "LAC", "low"), ("940", "LAC", "low"), ("925", "LACStable_2016on", "low")]

vals, region_of, region_rows = {}, {}, {}
for r in csv.DictReader(open(LAIT, encoding="utf-8")):
    try:
        v = float(r["value"])
    except ValueError:
        v = None
    vals[(r["measure_short"], r["la_number"], int(r["year"]))] = v
    code = int(r["la_number"])
    if code < 970 and r["region"] not in ("", "NA"):
        region_of[r["la_number"]] = r["region"]
    if code > 970:
        region_rows[(r["measure_short"], r["area_name"], int(r["year"]))] = v

neigh = {}
with open(SN, encoding="utf-8-sig") as f:
    rd = csv.reader(f)
    head = next(rd)
    sn_cols = [i for i, h in enumerate(head) if h.startswith("SN") and h[2:].isdigit()]
    for row in rd:
        neigh[row[0]] = [row[i] for i in sn_cols if row[i]]

out = []
for auth, m, pol in CASES:
    for y in range(2015, 2026):
        a = vals.get((m, auth, y))
        nv = [vals.get((m, c, y)) for c in neigh[auth]]
        nv = [v for v in nv if v is not None]
        alls = [v for (mm, c, yy), v in vals.items() if mm == m and yy == y and int(c) < 970 and v is not None]
        rank = ""
        if a is not None:
            better = sum(1 for v in alls if (v < a if pol == "low" else v > a))
            rank = better + 1
        out.append({
            "authority": auth, "measure": m, "year": y,
            "value": "" if a is None else a,
            "neighbours_mean": repr(sum(nv) / len(nv)) if nv else "",
            "neighbours_min": min(nv) if nv else "", "neighbours_max": max(nv) if nv else "",
            "neighbours_n": len(nv),
            "england": "" if vals.get((m, "970", y)) is None else vals[(m, "970", y)],
            "region": "" if region_rows.get((m, region_of.get(auth), y)) is None else region_rows[(m, region_of[auth], y)],
            "rank": rank, "ranked": len(alls),
            "quartile": math.ceil(4 * rank / len(alls)) if rank != "" else "",
        })
cols = list(out[0].keys())
with open(os.path.join(HERE, "lait_benchmarks.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(out)
print("wrote", os.path.join(HERE, "lait_benchmarks.csv"))
