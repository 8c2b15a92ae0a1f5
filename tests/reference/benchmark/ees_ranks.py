#!/usr/bin/env python3
"""Independent ranks and quartiles of every authority on two measures built
from DfE's Explore Education Statistics files, with Python's csv module only:

  referral_rate  referral_count (children in need census table C1, year Y)
                 / population_estimate (ONS mid-year estimate of children
                 aged 0-17, year Y - 1) x 10,000
  nfa_share      no_further_action_count / referral_count x 100

for every local authority (old LA code) and reporting year 2013-2025.
Rank 1 is the highest figure; tied figures share the best rank; only
authorities with a figure that year are ranked (a suppressed or missing
count, or a zero denominator, gives none).  Quartile = ceil(4 rank / n).
Writes ees_ranks.csv beside this script; tests/lua/test_benchmark_ees_ranks.lua
compares the benchmark design with it.

    python3 tests/reference/benchmark/ees_ranks.py
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REF = "../shared/data/ees/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
POP = "../shared/data/ees/ons_mid-year_population_estimates_2012_to_2024.csv"


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


refs, pop = {}, {}
for r in csv.DictReader(open(REF, encoding="utf-8-sig")):
    if r["geographic_level"] == "Local authority" and r["old_la_code"]:
        refs[(r["old_la_code"], int(r["time_period"]))] = (number(r["referral_count"]), number(r["no_further_action_count"]))
for r in csv.DictReader(open(POP, encoding="utf-8-sig")):
    if r["geographic_level"] == "Local authority" and r["old_la_code"]:
        pop[(r["old_la_code"], int(r["time_period"]))] = number(r["population_estimate"])


def figure(measure, code, y):
    ref, nfa = refs.get((code, y), (None, None))
    if measure == "referral_rate":
        p = pop.get((code, y - 1))
        return ref / p * 10000 if ref is not None and p else None
    return nfa / ref * 100 if nfa is not None and ref else None


out = []
codes = sorted({c for c, _ in refs}, key=int)
for measure in ("referral_rate", "nfa_share"):
    for y in range(2013, 2026):
        vals = {c: figure(measure, c, y) for c in codes}
        vals = {c: v for c, v in vals.items() if v is not None}
        n = len(vals)
        for c, v in vals.items():
            rank = 1 + sum(1 for w in vals.values() if w > v)
            out.append({"measure": measure, "year": y, "code": c, "value": repr(v), "rank": rank,
                        "ranked": n, "quartile": math.ceil(4 * rank / n)})
with open(os.path.join(HERE, "ees_ranks.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(out[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(out)
print("wrote", os.path.join(HERE, "ees_ranks.csv"), len(out), "rows")
