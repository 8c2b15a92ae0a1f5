#!/usr/bin/env python3
"""Write the deterministic 1,000,000-row, 11-column CSV that tests/bench/csv_load.c loads.

Run as: python3 tests/bench/gen_csv_1m.py [OUT.csv] [ROWS]   (default /tmp/csceval_1m.csv)

Columns: id, age, sex, band, prev, flag, count (small integers; `count` has about 4% EES
suppression "c" and 2% blanks), score and rate (floats), referral_date (ISO date) and la
(text, 300 three-letter levels).  The file is about 44 MB rather than 37: a 10-character
date and 11 fields on every row put a floor under the size.  The values come from a fixed
linear congruential generator, not Python's `random`, so every Python version writes the
same bytes (md5 of the 1,000,000-row file: a2e61feaf3ab13e0169cab808aaa3679).
"""
import sys


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/csceval_1m.csv"
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    state = 20260101

    def rnd(n):
        # 64-bit LCG (Knuth MMIX constants); the high bits are the well-mixed ones.
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return (state >> 33) % n

    # 300 three-letter codes: "aaa", "aab", ...
    abc = "abcdefghijklmnopqrstuvwxyz"
    las = [abc[k // 26 // 26] + abc[k // 26 % 26] + abc[k % 26] for k in range(300)]
    mdays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    with open(out, "w", newline="") as f:
        f.write("id,age,sex,band,prev,flag,count,score,rate,referral_date,la\n")
        buf = []
        for i in range(1, rows + 1):
            r = rnd(100)
            count = "c" if r < 4 else ("" if r < 6 else str(rnd(60)))
            month = rnd(12) + 1
            date = "%04d-%02d-%02d" % (2015 + rnd(10), month, rnd(mdays[month - 1]) + 1)
            buf.append("%d,%d,%d,%d,%d,%d,%s,%d.%d,0.%02d,%s,%s\n" % (
                i, rnd(18), rnd(2) + 1, rnd(10), rnd(10), rnd(2), count,
                rnd(10), rnd(10), rnd(100), date, las[rnd(300)]))
            if len(buf) == 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


if __name__ == "__main__":
    main()
