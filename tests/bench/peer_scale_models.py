#!/usr/bin/python3
"""statsmodels peer for the scale series (tests/bench/scale.sh).

Run as: /usr/bin/python3 tests/bench/peer_scale_models.py STEP FILE.csv RUNS OUT
  STEP: logit | ols_cluster | ipw (as tests/bench/scale_bench.lua)
  logit:       Logit(treated ~ 1 + fsm + sen + eal + idaci + prior).fit(), with
               statsmodels' own defaults (Newton, tol 1e-8 on the change in the
               coefficients: the step after which it stops is already accurate far
               below the checks' 1e-8, Newton's convergence being quadratic)
  ols_cluster: OLS(outcome ~ 1 + treated + fsm + sen + eal + idaci + prior) with
               cov_type="cluster" by la (CR1: G/(G-1) (N-1)/(N-K), as Stata)
  ipw:         the logit above, ATT weights (treated 1, control p/(1-p)) and the
               balance after weighting as cobalt::bal.tab reports it (binary
               covariates: difference in weighted proportions; others: difference
               in weighted means over the treated group's unweighted SD)
Prints the best wall time in seconds (loading is not timed) and writes the
step's result to OUT as key,value lines for the checks.  Debian's
python3-statsmodels.
"""
import sys
import time

import numpy as np
import statsmodels.api as sm

COLS = ["pupil_id", "la", "ncyear", "sex", "fsm", "sen", "eal", "idaci", "prior", "treated", "outcome"]
X = ["fsm", "sen", "eal", "idaci", "prior"]


def main():
    step, path, runs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    use = [i for i, c in enumerate(COLS) if c != "sex"]
    a = np.loadtxt(path, delimiter=",", skiprows=1, usecols=use)
    # Each column contiguous and each design in column-major (Fortran) order,
    # as a DataFrame's float block hands it over: statsmodels' fastest layout
    # (a row-major design or strided columns of the loaded 2-D array cost its
    # logit about a fifth more at 1M rows).
    col = {c: np.ascontiguousarray(a[:, k]) for k, c in enumerate(c for c in COLS if c != "sex")}
    names = ["(Intercept)"] + X
    Xm = np.asfortranarray(sm.add_constant(np.column_stack([col[c] for c in X])))
    best, kv = float("inf"), []
    for _ in range(runs):
        t0 = time.perf_counter()
        if step == "logit":
            r = sm.Logit(col["treated"], Xm).fit(disp=0)
            kv = [("coef:" + n, b) for n, b in zip(names, r.params)]
        elif step == "ols_cluster":
            Xo = np.asfortranarray(sm.add_constant(np.column_stack([col[c] for c in ["treated"] + X])))
            r = sm.OLS(col["outcome"], Xo).fit(cov_type="cluster", cov_kwds={"groups": col["la"].astype(int)})
            se = r.bse
            kv = []
            for n, b, s in zip(["(Intercept)", "treated"] + X, r.params, se):
                kv += [("coef:" + n, b), ("se:" + n, s)]
        elif step == "ipw":
            t = col["treated"]
            p = sm.Logit(t, Xm).fit(disp=0).predict(Xm)
            w = np.where(t == 1, 1.0, p / (1 - p))
            kv = [("sum_weights", w.sum())]
            tr, co = t == 1, t == 0
            for c in X:
                v = col[c]
                mt = np.average(v[tr], weights=w[tr])
                mc = np.average(v[co], weights=w[co])
                binary = np.all((v == 0) | (v == 1))
                kv.append(("smd_adj:" + c, (mt - mc) if binary else (mt - mc) / v[tr].std(ddof=1)))
        else:
            raise SystemExit("unknown step " + step)
        best = min(best, time.perf_counter() - t0)
    with open(out, "w") as fh:
        for k, v in kv:
            fh.write("%s,%.17g\n" % (k, v))
    print("%.4f" % best)


if __name__ == "__main__":
    main()
