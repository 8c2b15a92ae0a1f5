#!/usr/bin/env python3
"""Write the deterministic 1,000,000 x 7 regression data that tests/bench/model_bench.c
and tests/bench/peer_statsmodels.py load.

Run as: python3 tests/bench/gen_model_data.py OUT.csv [ROWS]

Columns: x1..x7 (x1..x5 uniform on (-1, 1); x6 a 0/1 dummy with p = 0.3; x7 = 0.5 x1 +
uniform, so correlated with x1), yb (0/1 outcome of a logit model in x1..x7) and yc (a
continuous outcome with heteroskedastic noise).  Values come from a fixed 64-bit linear
congruential generator, not Python's `random`, so every Python version writes the same
bytes; printed with 6 decimals.
"""
import math
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_model_data.py OUT.csv [ROWS]")
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    state = 20260202

    def unif():
        # 64-bit LCG (Knuth MMIX constants); the high 31 bits are the well-mixed ones.
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return ((state >> 33) + 0.5) / 2147483648.0

    b = [-0.3, 0.8, -0.5, 0.3, 0.0, 0.6, 0.9, -0.4]
    c = [1.0, 2.0, -1.0, 0.5, 0.25, 0.0, 1.5, -0.75]
    with open(out, "w") as f:
        f.write("x1,x2,x3,x4,x5,x6,x7,yb,yc\n")
        for _ in range(rows):
            x = [2 * unif() - 1 for _ in range(5)]
            x.append(1.0 if unif() < 0.3 else 0.0)
            x.append(round(0.5 * x[0] + (2 * unif() - 1), 6))
            x = [round(v, 6) for v in x]
            eta = b[0] + sum(bj * xj for bj, xj in zip(b[1:], x))
            yb = 1 if unif() < 1 / (1 + math.exp(-eta)) else 0
            noise = (unif() + unif() + unif() - 1.5) * (1 + abs(x[0]))
            yc = c[0] + sum(cj * xj for cj, xj in zip(c[1:], x)) + noise
            f.write("%s,%d,%.6f\n" % (",".join("%.6f" % v for v in x), yb, yc))


if __name__ == "__main__":
    main()
