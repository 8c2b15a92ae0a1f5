#!/usr/bin/env python3
"""Write the deterministic matching benchmark data that tests/bench/match_bench.lua
and tests/bench/peer_matchit.R load.

Run as: python3 tests/bench/gen_match_data.py maha OUT.csv   (100,000 rows, 1,706 treated)
        python3 tests/bench/gen_match_data.py ps OUT.csv     (1,000,000 rows, 44,314 treated)

Columns: t (0/1 treatment), x1..x4 (correlated normals), x5 (uniform on (0, 10)), b1 (a 0/1
dummy with p = 0.4): six covariates.  Treatment follows a logit model in the covariates, so
the treated are shifted away from the controls as in an evaluation cohort.  Values come from
a fixed 64-bit linear congruential generator (normals by Box-Muller), not Python's `random`,
so every Python version writes the same bytes; printed with 6 decimals, which is also the
exact double both csceval and R read.
"""
import math
import sys

SETTINGS = {
    # rows, intercept of the treatment model, seed
    "maha": (100_000, -4.92, 20260401),
    "ps": (1_000_000, -3.9, 20260402),
}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in SETTINGS:
        sys.exit("usage: gen_match_data.py maha|ps OUT.csv")
    rows, icept, state = SETTINGS[sys.argv[1]]
    out = sys.argv[2]

    def unif():
        # 64-bit LCG (Knuth MMIX constants); the high 31 bits are the well-mixed ones.
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        return ((state >> 33) + 0.5) / 2147483648.0

    def normal():
        return math.sqrt(-2 * math.log(unif())) * math.cos(2 * math.pi * unif())

    b = [0.6, -0.4, 0.3, 0.2, 0.08, 0.5]
    with open(out, "w") as f:
        f.write("t,x1,x2,x3,x4,x5,b1\n")
        for _ in range(rows):
            z1, z2, z3, z4 = normal(), normal(), normal(), normal()
            x = [z1, 0.5 * z1 + 0.866 * z2, 0.3 * z2 + 0.954 * z3, 0.4 * z3 + 0.917 * z4,
                 10 * unif(), 1.0 if unif() < 0.4 else 0.0]
            x = [round(v, 6) for v in x]
            eta = icept + sum(bj * xj for bj, xj in zip(b, x))
            t = 1 if unif() < 1 / (1 + math.exp(-eta)) else 0
            f.write("%d,%s\n" % (t, ",".join("%.6f" % v for v in x[:5]) + ",%d" % x[5]))


if __name__ == "__main__":
    main()
