# Run as: python3 tests/reference/models/make_hiprec.py
#
# 60-digit values (mpmath) of the sandwich covariances HC0-HC3 for the three
# ill-conditioned least-squares sets (longley, nearcol, poly2), written to
# expected_hiprec.csv (columns as expected.csv).  Why: R's sandwich forms
# B M B with B = (X'X)^-1, which loses ~cond(X)^2 eps (1e-8 on Longley,
# 1e-6 on nearcol and poly2); csceval works in the QR basis and loses only
# ~cond(X) eps, so these exact values, not R's, can check it at 1e-8.
# Reads the data sets written by make_models.R.  Needs python3-mpmath.
import csv
from mpmath import mp, mpf, matrix

mp.dps = 60
HERE = "tests/reference/models/"
CASES = [("longley", "longley", ["deflator", "gnp", "unemployed", "armed", "population", "year"],
          "employed"),
         ("nearcol", "nearcol", ["x1", "x2", "x3"], "y"),
         ("poly2", "poly", ["year", "year2"], "y")]

out = [("case", "quantity", "index", "value")]
for case, data, xs, yname in CASES:
    rows = list(csv.DictReader(open(HERE + data + ".csv")))
    n, k = len(rows), len(xs) + 1
    X = matrix([[mpf(1)] + [mpf(r[c]) for c in xs] for r in rows])
    y = matrix([mpf(r[yname]) for r in rows])
    B = (X.T * X) ** -1
    b = B * (X.T * y)
    e = y - X * b
    h = [(X[i, :] * B * X[i, :].T)[0, 0] for i in range(n)]
    for t in range(4):
        M = matrix(k, k)
        for i in range(n):
            om = e[i] ** 2
            if t == 2:
                om /= 1 - h[i]
            if t == 3:
                om /= (1 - h[i]) ** 2
            for a in range(k):
                for c in range(k):
                    M[a, c] += om * X[i, a] * X[i, c]
        V = B * M * B
        if t == 1:
            V *= mpf(n) / (n - k)
        idx = 1
        for a in range(k):
            for c in range(k):
                out.append((case, "vcov_HC%d" % t, str(idx), mp.nstr(V[a, c], 17, min_fixed=0, max_fixed=0)))
                idx += 1

# The raw cubic in year (1990..2020), which R's lm() aliases at its tol
# (year3 "a linear combination" of the others) but which has full rank:
# exact coefficients and classical standard errors.
rows = list(csv.DictReader(open(HERE + "poly.csv")))
X = matrix([[mpf(1), mpf(r["year"]), mpf(r["year2"]), mpf(r["year3"])] for r in rows])
y = matrix([mpf(r["y"]) for r in rows])
n, k = len(rows), 4
B = (X.T * X) ** -1
b = B * (X.T * y)
e = y - X * b
s2 = sum(e[i] ** 2 for i in range(n)) / (n - k)
for a in range(k):
    out.append(("poly3", "coef", str(a + 1), mp.nstr(b[a], 17, min_fixed=0, max_fixed=0)))
    out.append(("poly3", "se", str(a + 1), mp.nstr(mp.sqrt(s2 * B[a, a]), 17, min_fixed=0, max_fixed=0)))

with open(HERE + "expected_hiprec.csv", "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(out)
