#!/usr/bin/python3
"""statsmodels peer for tests/bench/model_bench.c: best-of-N wall time of
Logit(yb, X).fit(disp=0) and OLS(yc, X).fit(cov_type="HC1") on the same data,
with statsmodels' defaults (its Newton steps stop at a change of 1e-8 in the
coefficients; convergence being quadratic, the last step is accurate far below
the 1e-8 the coefficients are checked to).

Run as: /usr/bin/python3 tests/bench/peer_statsmodels.py DATA.csv [RUNS] [OUT]
(Debian's python3-statsmodels; the CSV from tests/bench/gen_model_data.py).
Prints "peer logit_1m <s>" and "peer ols_hc1_1m <s>"; loading is not timed.
With OUT, writes the coefficients and HC1 standard errors as key,value lines
(logit:bJ, ols:bJ, ols:seJ; J = 0 the intercept), as model_bench.c does.
"""
import sys
import time

import numpy as np
import statsmodels.api as sm


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    out = sys.argv[3] if len(sys.argv) > 3 else None
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    # contiguous columns and a column-major design, as a DataFrame hands them
    # over: statsmodels' fastest layout (see peer_scale_models.py)
    X = np.asfortranarray(sm.add_constant(d[:, :7]))
    yb, yc = np.ascontiguousarray(d[:, 7]), np.ascontiguousarray(d[:, 8])
    best_l = best_o = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        rl = sm.Logit(yb, X).fit(disp=0)
        t1 = time.perf_counter()
        ro = sm.OLS(yc, X).fit(cov_type="HC1")
        se = ro.bse                      # the HC1 covariance is computed lazily: include it
        t2 = time.perf_counter()
        best_l, best_o = min(best_l, t1 - t0), min(best_o, t2 - t1)
    print("logit b1 = %.6f; ols b1 = %.6f, HC1 se(b1) = %.6g" % (rl.params[1], ro.params[1], se[1]))
    print("peer logit_1m %.4f" % best_l)
    print("peer ols_hc1_1m %.4f" % best_o)
    if out:
        with open(out, "w") as fh:
            for j, b in enumerate(rl.params):
                fh.write("logit:b%d,%.17g\n" % (j, b))
            for j, b in enumerate(ro.params):
                fh.write("ols:b%d,%.17g\n" % (j, b))
            for j, s in enumerate(se):
                fh.write("ols:se%d,%.17g\n" % (j, s))


if __name__ == "__main__":
    main()
