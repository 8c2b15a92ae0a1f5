#!/usr/bin/env python3
"""Independent computation of the SSDA903 derived tables of the five-year
fictional authority (../shared/data/ssda903/demand_model_fake/), from the
definitions in docs/ssda903.md, with Python's csv and datetime only (no code
shared with csceval).  Writes demand_model_fake.csv beside this script:

    python3 tests/reference/ssda903/derive.py

Files YYYY-*.csv hold the collection year April YYYY to March YYYY+1, which
csceval calls year YYYY+1.
"""
import csv
import datetime as dt
import os

ROOT = "../shared/data/ssda903/demand_model_fake"
HERE = os.path.dirname(os.path.abspath(__file__))
NEW_PLACEMENT = {"S", "P", "T", "B", "U"}


def date(s):
    try:
        d, m, y = s.split("/")
        if len(d) != 2 or len(m) != 2 or len(y) != 4:
            return None
        return dt.date(int(y), int(m), int(d))
    except (ValueError, AttributeError):
        return None


def age(dob, at):
    a = at.year - dob.year
    if (at.month, at.day) < (dob.month, dob.day):
        a -= 1
    return a


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


out = []
for start in range(2017, 2022):
    year = start + 1
    y0, y1 = dt.date(start, 4, 1), dt.date(year, 3, 31)
    header = {r["CHILD"]: r for r in rows(f"{ROOT}/{start}-header.csv")}
    uasc = {r["CHILD"] for r in rows(f"{ROOT}/{start}-uasc.csv")}
    oc3 = rows(f"{ROOT}/{start}-oc3.csv")
    eps = {}
    for i, r in enumerate(rows(f"{ROOT}/{start}-episodes.csv")):
        eps.setdefault(r["CHILD"], []).append((date(r["DECOM"]) or dt.date.max, i, r))
    t = {k: 0 for k in ["n", "male", "female", "age_0", "age_1_4", "age_5_9", "age_10_15", "age_16", "uasc",
                        "placements_1", "placements_2", "placements_3"]}
    years_total = 0.0
    for child, es in eps.items():
        es.sort(key=lambda e: (e[0], e[1]))
        es = [e[2] for e in es]
        # looked after at the end of 31 March: started by then, not ceased by then
        lac = any(date(e["DECOM"]) and date(e["DECOM"]) <= y1 and (e["DEC"] == "" or (date(e["DEC"]) and date(e["DEC"]) > y1))
                  for e in es)
        if not lac:
            continue
        t["n"] += 1
        h = header.get(child, {})
        if h.get("SEX") == "1":
            t["male"] += 1
        elif h.get("SEX") == "2":
            t["female"] += 1
        dob = date(h.get("DOB", ""))
        if dob:
            a = age(dob, y1)
            t["age_0" if a < 1 else "age_1_4" if a <= 4 else "age_5_9" if a <= 9 else "age_10_15" if a <= 15 else "age_16"] += 1
        if child in uasc:
            t["uasc"] += 1
        # placements held at some time in the year; a placement begins with RNE S/P/T/B/U (or the first episode)
        placements, current, counted = 0, None, None
        for k, e in enumerate(es):
            if current is None or e["RNE"] in NEW_PLACEMENT:
                current = k
            s, f = date(e["DECOM"]), date(e["DEC"]) or y1
            if s and s <= y1 and f >= y0 and counted != current:
                counted = current
                placements += 1
        t["placements_3" if placements >= 3 else "placements_2" if placements == 2 else "placements_1"] += 1
        # periods of care: a new one at the first episode, at RNE S, or after an episode not ended by X1
        days, p_start, p_stop = 0, None, None
        for k, e in enumerate(es):
            if k == 0 or e["RNE"] == "S" or es[k - 1]["REC"] != "X1":
                if p_start is not None and p_start <= y1:
                    days += (min(p_stop or y1, y1) - p_start).days
                p_start = date(e["DECOM"])
            p_stop = date(e["DEC"])
        if p_start is not None and p_start <= y1:
            days += (min(p_stop or y1, y1) - p_start).days
        years_total += days / 365.25
    t["years_in_care"] = round(years_total / t["n"], 9) if t["n"] else ""
    # care leavers aged 17-21 (age at 31 March) by the national groups
    cl = {"cl_17_21": 0, "cl_eet": 0, "cl_neet": 0, "cl_suitable": 0, "cl_in_touch": 0}
    for r in oc3:
        dob = date(r["DOB"])
        if not dob or not 17 <= age(dob, y1) <= 21:
            continue
        cl["cl_17_21"] += 1
        a = r["ACTIV"]
        cl["cl_eet"] += a[:1] in ("F", "P")
        cl["cl_neet"] += a[:1] == "G"
        cl["cl_suitable"] += r["ACCOM"] not in ("", "0") and r["ACCOM"].endswith("1")
        cl["cl_in_touch"] += r["IN_TOUCH"] == "YES"
    t.update(cl)
    t["year"] = year
    out.append(t)

cols = ["year", "n", "male", "female", "age_0", "age_1_4", "age_5_9", "age_10_15", "age_16", "uasc",
        "placements_1", "placements_2", "placements_3", "years_in_care",
        "cl_17_21", "cl_eet", "cl_neet", "cl_suitable", "cl_in_touch"]
with open(os.path.join(HERE, "demand_model_fake.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for t in out:
        w.writerow({c: t[c] for c in cols})
print("wrote", os.path.join(HERE, "demand_model_fake.csv"))
