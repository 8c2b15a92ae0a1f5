/* tests/c/test_linreg.c -- cmocka tests for OLS/WLS (host/num/ols), the
 * covariance estimators (host/vcov) and lincom/Wald/predict (host/num/lincom)
 * against R values in tests/reference/models/expected.csv (written by
 * make_models.R with its data sets) and the NIST StRD certified values for
 * Longley and Wampler1/2 typed in below.  Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "num/ols.h"
#include "num/lincom.h"
#include "num/qr.h"
#include "num/vcov.h"
#include "refmodel.h"

/* Tolerances, relative; a vector's elements near zero (residuals, small
 * covariances) are held to TOL times 1% of the vector's largest element,
 * because cancellation leaves them the absolute error of the large ones.
 * TOL_CLOSED: closed-form least squares.  R (LINPACK dqrdc2) and csceval
 *   (blocked Householder) both solve by QR, whose forward error is about
 *   cond(X) eps; for the well-conditioned sets that is far below 1e-8.
 * TOL_ILLCOND: the raw quadratic in 1990..2020 (cond(X) ~ 2e11 unscaled,
 *   ~1e7 after column scaling): two backward-stable QRs may differ by
 *   cond x eps ~ 1e-9 relative to the coefficient vector; 1e-6 leaves
 *   room and still catches a normal-equations solve (error ~ cond^2 eps).
 * TOL_NIST: the certified values have 15 digits; QR on Longley (cond of the
 *   scaled X ~ 1e4..1e5 after scaling, ~1e8 raw) reaches ~1e-10.  Wampler
 *   1/2 (degree-5 polynomials, cond ~ 5e13 raw) are held to 1e-6, NIST's own
 *   "at least 6 digits" bar for the higher-difficulty sets. */
#define TOL_CLOSED 1e-8
/* TOL_R_SANDWICH: R's sandwich on the ill-conditioned sets.  R forms
 *   B M B with B = (X'X)^-1 and loses ~cond(X)^2 eps: 1.2e-8 on Longley,
 *   up to 1.1e-5 on nearcol, 2.6e-6 on poly2 (measured against 60-digit
 *   values from make_hiprec.py).  csceval is held to TOL_CLOSED against
 *   those exact values and only to 1e-4 against R. */
#define TOL_R_SANDWICH 1e-4
#define TOL_ILLCOND 1e-6
#define TOL_NIST 1e-8
#define TOL_WAMPLER 1e-6

static struct ref_table HIPREC;   /* read-only after main loads it, like REF */


static void check_scalar(const char *c, const char *q, double got, double tol) {
  check_vec(c, q, &got, 1, tol);
}

struct lm_case {
  const char *name, *data;
  const char *cols[8];
  size_t ncols;
  const char *y, *w, *cl;
  size_t nw[2];   /* Newey-West lags with references (0: none) */
  double tol;
  int hiprec;     /* HC references in expected_hiprec.csv (ill-conditioned) */
};

/* The HC and cluster meats formed in the fit's own pass (linreg_fit_cols,
 * the path of model.ols), turned into covariances by vcov_from_meat, held
 * to the same R references and tolerances as vcov_hc and vcov_cluster;
 * the fit itself is the same bytes as linreg_fit's. */
static void check_meats_in_pass(const struct lm_case *lc, const struct ref_data *d, const double *X,
                                size_t n, size_t k, const double *y, const double *w,
                                const struct linreg_fit *ref) {
  struct glm_col *cols = malloc(k * sizeof *cols);
  double *M = malloc(k * k * sizeof *M), *V = malloc(k * k * sizeof *V);
  assert_non_null(cols);
  assert_non_null(M);
  assert_non_null(V);
  for (size_t j = 0; j < k; j++) cols[j] = (struct glm_col){X + j * n, NULL};
  static const char *const hcname[] = {"vcov_HC0", "vcov_HC1", "vcov_HC2", "vcov_HC3"};
  size_t G = 0, *ci = lc->cl != NULL ? cluster_index(ref_col(d, lc->cl), n, &G) : NULL;
  for (int t = 0; t < 5; t++) {
    if (t == 4 && ci == NULL) break;
    struct linreg_meat mt = {t < 4 ? LINREG_MEAT_HC : LINREG_MEAT_CLUSTER, t, ci, NULL, NULL, 0, NULL, G, M, 0, 0};
    struct linreg_fit fit;
    assert_int_equal(linreg_fit_cols(cols, n, k, y, w, 1, 0, &mt, &fit), GSL_SUCCESS);
    assert_true(mt.done);
    assert_false(mt.bad);
    assert_memory_equal(fit.coef, ref->coef, k * sizeof *fit.coef);
    assert_memory_equal(fit.rinv, ref->rinv, k * k * sizeof *fit.rinv);
    assert_memory_equal(fit.resid, ref->resid, n * sizeof *fit.resid);
    struct vcov_data vd = {X, n, k, fit.resid, w, fit.xtxi, NULL, fit.rinv, NULL};
    double dn = (double)n, dk = (double)k, dg = (double)G;
    double f = t == 1 ? dn / (dn - dk) : t == 4 ? dg / (dg - 1) * ((dn - 1) / (dn - dk)) : 1;
    assert_int_equal(vcov_from_meat(&vd, M, f, V), GSL_SUCCESS);
    if (t == 4) {
      check_vec(lc->name, "vcov_CR1", V, k * k, lc->tol);
    } else if (lc->hiprec) {
      double want[64];
      assert_int_equal(ref_get(&HIPREC, lc->name, hcname[t], want, 64), k * k);
      ref_check(hcname[t], V, want, k * k, TOL_CLOSED, 0.01 * ref_vmax(want, k * k));
      check_vec(lc->name, hcname[t], V, k * k, TOL_R_SANDWICH);
    } else {
      check_vec(lc->name, hcname[t], V, k * k, lc->tol);
    }
    linreg_fini(&fit);
  }
  free(ci);
  free(cols);
  free(M);
  free(V);
}

/* Fit one R reference model and compare every reported quantity. */
static void run_lm_case(const struct lm_case *lc) {
  struct ref_data d = refcsv_data(lc->data);
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, lc->cols, lc->ncols, &k);
  const double *y = ref_col(&d, lc->y), *w = lc->w ? ref_col(&d, lc->w) : NULL;
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &fit), GSL_SUCCESS);
  double tol = lc->tol;
  check_vec(lc->name, "coef", fit.coef, k, tol);
  check_vec(lc->name, "fitted", fit.fitted, n, tol);
  check_vec(lc->name, "resid", fit.resid, n, tol);
  check_scalar(lc->name, "sigma", sqrt(fit.sigma2), tol);
  check_scalar(lc->name, "df_resid", fit.df_resid, 0);
  check_scalar(lc->name, "r2", fit.r2, tol);
  check_scalar(lc->name, "adj_r2", fit.adj_r2, tol);
  check_scalar(lc->name, "fstat", fit.fstat, tol);
  check_scalar(lc->name, "f_p", fit.f_p, tol);
  check_scalar(lc->name, "loglik", fit.loglik, tol);
  check_scalar(lc->name, "aic", fit.aic, tol);
  check_scalar(lc->name, "bic", fit.bic, tol);

  double *h = malloc(n * sizeof *h), *V = malloc(k * k * sizeof *V);
  assert_non_null(h);
  assert_non_null(V);
  linreg_leverage(X, n, k, w, fit.rinv, h);
  check_vec(lc->name, "hat", h, n, tol);
  struct vcov_data vd = {X, n, k, fit.resid, w, fit.xtxi, h, fit.rinv, NULL};
  assert_int_equal(vcov_classical(&vd, fit.sigma2, V), GSL_SUCCESS);
  check_vec(lc->name, "vcov_classical", V, k * k, tol);
  static const char *const hcname[] = {"vcov_HC0", "vcov_HC1", "vcov_HC2", "vcov_HC3"};
  for (int t = 0; t < 4; t++) {
    assert_int_equal(vcov_hc(&vd, (enum vcov_hc)t, V), GSL_SUCCESS);
    if (lc->hiprec) {
      double want[64];
      assert_int_equal(ref_get(&HIPREC, lc->name, hcname[t], want, 64), k * k);
      ref_check(hcname[t], V, want, k * k, TOL_CLOSED, 0.01 * ref_vmax(want, k * k));
      check_vec(lc->name, hcname[t], V, k * k, TOL_R_SANDWICH);
    } else {
      check_vec(lc->name, hcname[t], V, k * k, tol);
    }
  }
  if (lc->cl != NULL) {
    size_t G;
    size_t *ci = cluster_index(ref_col(&d, lc->cl), n, &G);
    assert_int_equal(vcov_cluster(&vd, ci, G, 1, V), GSL_SUCCESS);
    check_vec(lc->name, "vcov_CR1", V, k * k, tol);
    free(ci);
  }
  check_meats_in_pass(lc, &d, X, n, k, y, w, &fit);
  for (int l = 0; l < 2; l++)
    if (lc->nw[l] > 0) {
      char q[32];
      snprintf(q, sizeof q, "vcov_NW%zu", lc->nw[l]);
      assert_int_equal(vcov_hac(&vd, lc->nw[l], V), GSL_SUCCESS);
      check_vec(lc->name, q, V, k * k, tol);
    }
  free(h);
  free(V);
  linreg_fini(&fit);
  free(X);
  refcsv_data_free(&d);
}

static const struct lm_case LM_CASES[] = {
    {"longley", "longley", {"deflator", "gnp", "unemployed", "armed", "population", "year"}, 6,
     "employed", NULL, NULL, {0, 0}, TOL_CLOSED, 1},
    {"poly2", "poly", {"year", "year2"}, 2, "y", NULL, NULL, {0, 0}, TOL_ILLCOND, 1},
    {"nearcol", "nearcol", {"x1", "x2", "x3"}, 3, "y", NULL, NULL, {0, 0}, TOL_CLOSED, 1},
    {"tiny", "tiny", {"x", "z"}, 2, "y", NULL, NULL, {0, 0}, TOL_CLOSED, 0},
    {"wls", "wls", {"x1", "x2"}, 2, "y", "w", "cl", {0, 0}, TOL_CLOSED, 0},
    {"ols_cl", "wls", {"x1", "x2"}, 2, "y", NULL, "cl", {0, 0}, TOL_CLOSED, 0},
    {"ts18", "ts18", {"x"}, 1, "y", NULL, NULL, {1, 2}, TOL_CLOSED, 0},
};

/* Large n: every row of a reference set repeated REP times (80,000 rows
 * for Longley: more than one chunk of host/num/chunks.h, so the rows are
 * reduced on several threads and the triangles merged).  Coefficients,
 * fitted values and residuals are unchanged; the residual sum of squares
 * scales by REP, (X'WX)^-1 and the HC0 sandwich by 1/REP.  A second fit
 * must give the same bytes (fixed chunks, fixed reduction order). */
#define REP 5000

static void run_lm_case_repeated(const struct lm_case *lc) {
  struct ref_data d = refcsv_data(lc->data);
  size_t n0 = d.nrow, n = REP * n0, k;
  double *X0 = ref_design(&d, 1, lc->cols, lc->ncols, &k);
  double *X = repeat_rows(X0, n0, k, REP), *y = repeat_rows(ref_col(&d, lc->y), n0, 1, REP);
  double *w = lc->w ? repeat_rows(ref_col(&d, lc->w), n0, 1, REP) : NULL;
  struct linreg_fit fit, again;
  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &fit), GSL_SUCCESS);
  double tol = lc->tol;
  check_vec(lc->name, "coef", fit.coef, k, tol);
  check_vec(lc->name, "fitted", fit.fitted, n0, tol);
  check_vec(lc->name, "resid", fit.resid + (REP - 1) * n0, n0, tol);
  double sigma = ref_scalar(&REF, lc->name, "sigma");
  double rss0 = sigma * sigma * ((double)n0 - (double)k), rss = fit.rss / REP;
  ref_check("rss / REP", &rss, &rss0, 1, tol, 0);
  double *V = malloc(k * k * sizeof *V), *want = malloc(k * k * sizeof *want);
  assert_non_null(V);
  assert_non_null(want);
  assert_int_equal(ref_get(&REF, lc->name, "vcov_classical", want, k * k), k * k);
  for (size_t i = 0; i < k * k; i++) V[i] = fit.xtxi[i] * REP * sigma * sigma;
  ref_check("xtxi REP sigma^2", V, want, k * k, tol, 0.01 * ref_vmax(want, k * k));
  struct vcov_data vd = {X, n, k, fit.resid, w, fit.xtxi, NULL, fit.rinv, NULL};
  assert_int_equal(vcov_hc(&vd, VCOV_HC0, V), GSL_SUCCESS);
  for (size_t i = 0; i < k * k; i++) V[i] *= REP;
  assert_int_equal(ref_get(lc->hiprec ? &HIPREC : &REF, lc->name, "vcov_HC0", want, k * k),
                   k * k);
  ref_check("HC0 REP", V, want, k * k, lc->hiprec ? TOL_CLOSED : tol, 0.01 * ref_vmax(want, k * k));

  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &again), GSL_SUCCESS);
  assert_memory_equal(again.coef, fit.coef, k * sizeof *fit.coef);
  assert_memory_equal(again.xtxi, fit.xtxi, k * k * sizeof *fit.xtxi);
  assert_memory_equal(again.resid, fit.resid, n * sizeof *fit.resid);
  assert_memory_equal(&again.rss, &fit.rss, sizeof fit.rss);
  assert_memory_equal(&again.mss, &fit.mss, sizeof fit.mss);
  struct vcov_data vd2 = {X, n, k, again.resid, w, again.xtxi, NULL, again.rinv, NULL};
  assert_int_equal(vcov_hc(&vd2, VCOV_HC0, want), GSL_SUCCESS);
  for (size_t i = 0; i < k * k; i++) want[i] *= REP;
  assert_memory_equal(want, V, k * k * sizeof *V);
  linreg_fini(&again);
  linreg_fini(&fit);
  free(V);
  free(want);
  free(X0);
  free(X);
  free(y);
  free(w);
  refcsv_data_free(&d);
}

/* ===== The columns in place =====
 * model.ols reads a frame's own columns (float64, int64, and the
 * intercept as the constant column) and forms the HC and cluster meats in
 * the fit's last pass.  On synthetic data whose whole-number columns are
 * held as int64, that path must give the same bytes as the fit of the n x k
 * matrix of doubles holding the same values (the matrix path), for every
 * meat, with and without weights, at sizes on either side of the chunk
 * boundaries, with clusters of one member, on 1, 2 and 3 threads; and its
 * covariances must agree with vcov_hc and vcov_cluster, which sum the
 * same meats in a pass of their own on the raw columns: to 1e-8, relative
 * to each element or 1e-8 of the largest.  The raw columns' condition
 * number is about 5e5 here (a column of mean 1e6 and spread 2, beside the
 * intercept), so the separate pass carries rounding of about cond eps ~
 * 1e-10 (a difference of 1.2e-9 was seen); the pass of the fit sums on the
 * centred columns and is the more accurate of the two. */
#include "num/chunks.h"

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 11;
}

static void fit_in_place_and_matrix(size_t n, int weighted, size_t threads) {
  const size_t k = 5;   /* intercept, two int64 covariates, two float64 */
  int64_t *i1 = malloc(n * sizeof *i1), *i2 = malloc(n * sizeof *i2);
  double *f1 = malloc(n * sizeof *f1), *f2 = malloc(n * sizeof *f2), *y = malloc(n * sizeof *y);
  double *w = weighted ? malloc(n * sizeof *w) : NULL, *X = malloc(n * k * sizeof *X);
  size_t *cl = malloc(n * sizeof *cl);
  int64_t *cl64 = malloc(n * sizeof *cl64);
  assert_true(i1 && i2 && f1 && f2 && y && X && cl && cl64 && (w || !weighted));
  uint64_t seed = 20261206 + n;
  const size_t G = 40;
  for (size_t i = 0; i < n; i++) {
    i1[i] = (int64_t)(lcg(&seed) % 2);
    i2[i] = (int64_t)(lcg(&seed) % 7) - 3 + 1000000;     /* a large mean: centring matters */
    f1[i] = (double)(lcg(&seed) % 100000) / 1000.0;
    f2[i] = (double)(lcg(&seed) % 1000) / 10.0 - 50;
    double noise = (double)(lcg(&seed) % 100000) / 10000.0 - 5;
    y[i] = 3 + 2 * (double)i1[i] - 0.5 * (double)i2[i] + 0.25 * f1[i] + f2[i] * f2[i] / 100 + noise;
    if (w) w[i] = 0.5 + (double)(lcg(&seed) % 100) / 20.0;
    /* clusters 0..G-1, and the last 3 rows each a cluster of one member */
    cl[i] = i + 3 >= n ? G + (n - 1 - i) : (size_t)(lcg(&seed) % G);
    cl64[i] = 1000 + (int64_t)cl[i];
    X[i] = 1;
    X[i + n] = (double)i1[i];
    X[i + 2 * n] = (double)i2[i];
    X[i + 3 * n] = f1[i];
    X[i + 4 * n] = f2[i];
  }
  const struct glm_col in_place[5] = {{NULL, NULL}, {NULL, i1}, {NULL, i2}, {f1, NULL}, {f2, NULL}};
  struct glm_col matrix[5];
  for (size_t j = 0; j < k; j++) matrix[j] = (struct glm_col){X + j * n, NULL};
  double M1[25], M2[25], V1[25], V2[25];
  chunks_set_threads(threads);
  for (int t = 0; t < 5; t++) {
    struct linreg_meat m1 = {t < 4 ? LINREG_MEAT_HC : LINREG_MEAT_CLUSTER, t, cl, NULL, NULL, 0, NULL, G + 3, M1, 0, 0};
    struct linreg_meat m2 = m1;
    m2.M = M2;
    struct linreg_fit a, b;
    assert_int_equal(linreg_fit_cols(in_place, n, k, y, w, 1, 0, &m1, &a), GSL_SUCCESS);
    assert_int_equal(linreg_fit_cols(matrix, n, k, y, w, 1, 0, &m2, &b), GSL_SUCCESS);
    assert_true(m1.done && m2.done);
    assert_memory_equal(a.coef, b.coef, k * sizeof *a.coef);
    assert_memory_equal(a.rinv, b.rinv, k * k * sizeof *a.rinv);
    assert_memory_equal(a.xtxi, b.xtxi, k * k * sizeof *a.xtxi);
    assert_memory_equal(a.fitted, b.fitted, n * sizeof *a.fitted);
    assert_memory_equal(a.resid, b.resid, n * sizeof *a.resid);
    assert_memory_equal(&a.rss, &b.rss, sizeof a.rss);
    assert_memory_equal(&a.mss, &b.mss, sizeof a.mss);
    assert_memory_equal(M1, M2, k * k * sizeof *M1);
    if (t == 4) {
      /* the cluster column read in place (whole numbers 1000 + cluster,
       * through a rank table) instead of the n cluster numbers */
      struct linreg_meat m3 = m1;
      size_t rank[G + 3];
      for (size_t g = 0; g < G + 3; g++) rank[g] = g;
      m3.cluster = NULL;
      m3.cl_i64 = cl64;
      m3.cl_lo = 1000;
      m3.cl_rank = rank;
      m3.M = M2;
      struct linreg_fit c;
      assert_int_equal(linreg_fit_cols(in_place, n, k, y, w, 1, 0, &m3, &c), GSL_SUCCESS);
      assert_true(m3.done);
      assert_memory_equal(M1, M2, k * k * sizeof *M1);
      linreg_fini(&c);
    }
    /* the separate pass of vcov.c, on the matrix and on the columns in place */
    struct vcov_data vd = {X, n, k, b.resid, w, b.xtxi, NULL, b.rinv, NULL};
    struct vcov_data vc = {NULL, n, k, a.resid, w, a.xtxi, NULL, a.rinv, in_place};
    double dn = (double)n, dk = (double)k, dg = (double)(G + 3);
    double f = t == 1 ? dn / (dn - dk) : t == 4 ? dg / (dg - 1) * ((dn - 1) / (dn - dk)) : 1;
    assert_int_equal(vcov_from_meat(&vd, M1, f, V1), GSL_SUCCESS);
    double *h = NULL;
    if (t == 2 || t == 3) {
      h = malloc(n * sizeof *h);
      assert_non_null(h);
      linreg_leverage(X, n, k, w, b.rinv, h);
      vd.hat = vc.hat = h;
    }
    for (int pass = 0; pass < 2; pass++) {
      const struct vcov_data *vp = pass == 0 ? &vd : &vc;
      if (t < 4) assert_int_equal(vcov_hc(vp, (enum vcov_hc)t, V2), GSL_SUCCESS);
      else assert_int_equal(vcov_cluster(vp, cl, G + 3, 1, V2), GSL_SUCCESS);
      ref_check(t < 4 ? "meat in the pass, HC" : "meat in the pass, CR1", V1, V2, k * k, 1e-8,
                1e-8 * ref_vmax(V2, k * k));
    }
    free(h);
    linreg_fini(&a);
    linreg_fini(&b);
  }
  chunks_set_threads(0);
  free(i1);
  free(i2);
  free(f1);
  free(f2);
  free(y);
  free(w);
  free(X);
  free(cl);
  free(cl64);
}

static void test_columns_in_place_same_bytes_as_matrix(void **s) {
  (void)s;
  /* one chunk; either side of two chunk boundaries (CHUNK_ROWS 32768) */
  const size_t sizes[] = {1000, 2 * CHUNK_ROWS - 1, 2 * CHUNK_ROWS + 1, 3 * CHUNK_ROWS + 77};
  for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
    for (int weighted = 0; weighted < 2; weighted++) fit_in_place_and_matrix(sizes[a], weighted, 1);
}

/* The same bytes on 1, 2 and 3 threads (the chunks, not the threads, fix
 * the order of every sum). */
static void test_columns_in_place_same_bytes_on_any_threads(void **s) {
  (void)s;
  const size_t n = 3 * CHUNK_ROWS + 77, k = 5;
  int64_t *i1 = malloc(n * sizeof *i1);
  double *f1 = malloc(n * sizeof *f1), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
  size_t *cl = malloc(n * sizeof *cl);
  assert_true(i1 && f1 && y && w && cl);
  uint64_t seed = 7;
  for (size_t i = 0; i < n; i++) {
    i1[i] = (int64_t)(lcg(&seed) % 5);
    f1[i] = (double)(lcg(&seed) % 10000) / 100.0;
    y[i] = (double)i1[i] + 0.1 * f1[i] + (double)(lcg(&seed) % 1000) / 100.0;
    w[i] = 1 + (double)(lcg(&seed) % 10);
    cl[i] = (size_t)(lcg(&seed) % 25);
  }
  const struct glm_col cols[3] = {{NULL, NULL}, {NULL, i1}, {f1, NULL}};
  double M[3][9], coef[3][3], *resid[3];
  for (int t = 0; t < 5; t++) {
    for (size_t th = 1; th <= 3; th++) {
      chunks_set_threads(th);
      struct linreg_meat mt = {t < 4 ? LINREG_MEAT_HC : LINREG_MEAT_CLUSTER, t, cl, NULL, NULL, 0, NULL, 25,
                                M[th - 1], 0, 0};
      struct linreg_fit fit;
      assert_int_equal(linreg_fit_cols(cols, n, 3, y, w, 1, 0, &mt, &fit), GSL_SUCCESS);
      assert_true(mt.done);
      memcpy(coef[th - 1], fit.coef, sizeof coef[0]);
      resid[th - 1] = fit.resid;
      fit.resid = NULL;
      linreg_fini(&fit);
    }
    for (size_t th = 1; th < 3; th++) {
      assert_memory_equal(M[th], M[0], sizeof M[0]);
      assert_memory_equal(coef[th], coef[0], sizeof coef[0]);
      assert_memory_equal(resid[th], resid[0], n * sizeof *resid[0]);
    }
    for (size_t th = 0; th < 3; th++) free(resid[th]);
  }
  chunks_set_threads(0);
  (void)k;
  free(i1);
  free(f1);
  free(y);
  free(w);
  free(cl);
}

/* Clusters whose chunk sums would pass LINREG_MEAT_MAX doubles: the fit
 * leaves the meat to vcov_cluster (done 0) and is otherwise the same. */
static void test_meat_in_pass_leaves_many_clusters_to_vcov(void **s) {
  (void)s;
  const size_t n = 1000, G = LINREG_MEAT_MAX / 2 + 1;
  double x[1000], y[1000], M[4];
  size_t cl[1000];
  for (size_t i = 0; i < n; i++) {
    x[i] = (double)(i % 13);
    y[i] = (double)(i % 7) + 0.5 * x[i];
    cl[i] = i * (G / n);
  }
  const struct glm_col cols[2] = {{NULL, NULL}, {x, NULL}};
  struct linreg_meat mt = {LINREG_MEAT_CLUSTER, 0, cl, NULL, NULL, 0, NULL, G, M, 1, 0};
  struct linreg_fit fit, ref;
  assert_int_equal(linreg_fit_cols(cols, n, 2, y, NULL, 1, 0, &mt, &fit), GSL_SUCCESS);
  assert_false(mt.done);
  assert_int_equal(linreg_fit_cols(cols, n, 2, y, NULL, 1, 0, NULL, &ref), GSL_SUCCESS);
  assert_memory_equal(fit.coef, ref.coef, 2 * sizeof *fit.coef);
  assert_memory_equal(fit.resid, ref.resid, n * sizeof *fit.resid);
  linreg_fini(&fit);
  linreg_fini(&ref);
}

/* HC2/HC3 with a leverage of 1 (a column that is 1 in one row and 0
 * elsewhere): the meat says so, as vcov_hc does. */
static void test_meat_in_pass_refuses_leverage_one(void **s) {
  (void)s;
  const size_t n = 50;
  double x[50], y[50], M[4];
  for (size_t i = 0; i < n; i++) {
    x[i] = i == 17;
    y[i] = (double)(i % 7) + (i == 17 ? 5 : 0);
  }
  const struct glm_col cols[2] = {{NULL, NULL}, {x, NULL}};
  for (int t = 2; t <= 3; t++) {
    struct linreg_meat mt = {LINREG_MEAT_HC, t, NULL, NULL, NULL, 0, NULL, 0, M, 0, 0};
    struct linreg_fit fit;
    assert_int_equal(linreg_fit_cols(cols, n, 2, y, NULL, 1, 0, &mt, &fit), GSL_SUCCESS);
    assert_true(mt.bad);
    assert_false(mt.done);
    linreg_fini(&fit);
  }
}

static void test_ols_longley_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[0]); }
static void test_ols_raw_quadratic_in_year_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[1]); }
static void test_ols_nearly_collinear_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[2]); }
static void test_ols_five_rows_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[3]); }
static void test_wls_with_singleton_clusters_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[4]); }
static void test_ols_cluster_cr1_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[5]); }
static void test_ols_newey_west_matches_r(void **s) { (void)s; run_lm_case(&LM_CASES[6]); }
static void test_large_n_ols_longley_matches_r(void **s) {
  (void)s;
  run_lm_case_repeated(&LM_CASES[0]);
}
static void test_large_n_ols_nearly_collinear_matches_r(void **s) {
  (void)s;
  run_lm_case_repeated(&LM_CASES[2]);
}
static void test_large_n_wls_matches_r(void **s) { (void)s; run_lm_case_repeated(&LM_CASES[4]); }

/* The 2-wide and (where the processor has AVX2) 4-wide QR kernels give
 * the same bytes: the same operations on the same lanes, summed in the
 * same order.  Block sizes 1..QR_BLOCK, columns 1..19 (so every
 * sweep width is used), the first column zero in some blocks (H = I). */
static void test_qr_kernels_agree_bytewise(void **s) {
  (void)s;
  unsigned long long st = 42;
  for (size_t K = 1; K < 20; K++) {
    struct qr_acc q[2];
    assert_int_equal(qr_init(q, 2, K), GSL_SUCCESS);
    qr_wide(&q[0], 0);
    qr_wide(&q[1], 1);
    for (size_t m = 1; m <= QR_BLOCK; m += 13) {
      for (size_t j = 0; j < K; j++)
        for (size_t i = 0; i < m; i++) {
          st = st * 6364136223846793005ULL + 1442695040888963407ULL;
          double v = (double)(st >> 11) / 9007199254740992.0 - 0.5;
          if (j == 0 && m % 2 == 0) v = 0;
          q[0].blk[i + j * QR_BLOCK] = q[1].blk[i + j * QR_BLOCK] = v;
        }
      qr_absorb(&q[0], m);
      qr_absorb(&q[1], m);
    }
    assert_memory_equal(q[0].R, q[1].R, K * K * sizeof *q[0].R);
    assert_memory_equal(q[0].ss, q[1].ss, K * sizeof *q[0].ss);
    qr_fini(q, 2);
  }
}

/* With many chunks the reports still name the first bad value in a serial
 * scan's order (columns in order, rows in order, then the weights), and a
 * collinear column is still found. */
static void test_large_n_bad_values_and_collinearity_are_located(void **s) {
  (void)s;
  size_t n = 100000, k = 3;
  double *X = malloc(n * k * sizeof *X), *y = malloc(n * sizeof *y), *w = malloc(n * sizeof *w);
  assert_non_null(X);
  assert_non_null(y);
  assert_non_null(w);
  for (size_t i = 0; i < n; i++) {
    X[i] = 1;
    X[n + i] = (double)(i % 17);
    X[2 * n + i] = 2 * X[n + i] + 1;     /* collinear: 2 x1 + intercept */
    y[i] = (double)(i % 7);
    w[i] = 1;
  }
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, y, NULL, 1, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col, 2);
  w[70000] = 0;
  X[2 * n + 90000] = NAN;
  X[n + 95000] = INFINITY;
  X[2 * n + 40000] = -INFINITY;
  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 1);
  assert_int_equal(fit.bad_row, 95000);
  X[n + 95000] = 0;
  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 2);
  assert_int_equal(fit.bad_row, 40000);
  X[2 * n + 40000] = X[2 * n + 90000] = 0;
  assert_int_equal(linreg_fit(X, n, k, y, w, 1, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, k + 1);
  assert_int_equal(fit.bad_row, 70000);
  linreg_fini(&fit);
  free(X);
  free(y);
  free(w);
}

/* R's lm() aliases year3 in y ~ year + year2 + year3 (its tol 1e-7 on the
 * raw columns), though the cubic has full rank.  csceval centres and
 * scales the columns first (the part of year3 that the others leave is
 * 5e-6 of it, above the default tolerance 1e-9), fits it and must match
 * the 60-digit values of make_hiprec.py.  TOL_CUBIC: the condition number
 * of the centred, scaled design is 8e5, so about 1e-10 is expected;
 * 1e-8 leaves room.  Asking for R's tolerance refuses year3 as R does. */
#define TOL_CUBIC 1e-8
static void test_raw_cubic_in_year_is_fitted_exactly(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("poly");
  static const char *const cols[] = {"year", "year2", "year3"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 3, &k);
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, d.nrow, k, ref_col(&d, "y"), NULL, 1, &fit), GSL_SUCCESS);
  double want[4], se[4];
  assert_int_equal(ref_get(&HIPREC, "poly3", "coef", want, 4), 4);
  ref_check("poly3 coef", fit.coef, want, 4, TOL_CUBIC, 0);
  for (size_t j = 0; j < 4; j++) se[j] = sqrt(fit.sigma2 * fit.xtxi[j + 4 * j]);
  assert_int_equal(ref_get(&HIPREC, "poly3", "se", want, 4), 4);
  ref_check("poly3 se", se, want, 4, TOL_CUBIC, 0);
  linreg_fini(&fit);
  assert_int_equal(linreg_fit_tol(X, d.nrow, k, ref_col(&d, "y"), NULL, 1, 1e-5, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col + 1, (size_t)ref_scalar(&REF, "poly3", "aliased"));
  linreg_fini(&fit);
  free(X);
  refcsv_data_free(&d);
}

static void test_exact_duplicate_column_is_named(void **s) {
  (void)s;
  double X[] = {1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 2, 3, 4, 5, 6, 4, 6, 8, 12, 16};  /* col 3 = 2 col 1 */
  double y[] = {1, 2, 2, 4, 5};
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, 5, 4, y, NULL, 1, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col, 3);
  linreg_fini(&fit);
}

/* The rank test measures each column as given, not centred (qr.h), as R's
 * lm does (tests/reference/models/make_rank.R, rank.csv): with an
 * intercept, a column 1 + u 2^-52 (a constant plus rounding noise) is
 * aliased, at R's tolerance 1e-7 and at csceval's default 1e-9, where its
 * centred, rescaled version alone would pass for an ordinary column; a
 * column on a small scale (1e-8 x^2 beside x, 1e-8 x alone) is kept, and
 * its coefficients and SEs match lm's (TOL_CLOSED: both Householder QR). */
static void test_rank_test_on_columns_as_given(void **s) {
  (void)s;
  struct ref_table rk = refcsv_load("rank.csv");
  struct ref_data d = refcsv_data("rank_data");
  size_t n = d.nrow, k;
  struct linreg_fit fit;
  static const char *const noisy[] = {"x", "noise"};
  double *X = ref_design(&d, 1, noisy, 2, &k);
  assert_int_equal((size_t)ref_scalar(&rk, "rank_noise", "rank"), 2);
  size_t aliased = (size_t)ref_scalar(&rk, "rank_noise", "aliased");   /* 1-based */
  assert_int_equal(linreg_fit_tol(X, n, k, ref_col(&d, "y"), NULL, 1, QR_RANK_TOL, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col + 1, aliased);
  assert_int_equal(linreg_fit(X, n, k, ref_col(&d, "y"), NULL, 1, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col + 1, aliased);
  free(X);
  static const char *const sm2[] = {"x", "small2"};
  static const char *const sm1[] = {"small1"};
  struct { const char *name; const char *const *cols; size_t nc; } ok[] = {
      {"rank_small", sm2, 2}, {"rank_small1", sm1, 1}};
  for (size_t c = 0; c < 2; c++) {
    X = ref_design(&d, 1, ok[c].cols, ok[c].nc, &k);
    assert_int_equal((size_t)ref_scalar(&rk, ok[c].name, "rank"), k);
    assert_int_equal(linreg_fit_tol(X, n, k, ref_col(&d, "y"), NULL, 1, QR_RANK_TOL, &fit),
                     GSL_SUCCESS);
    double se[3], want[3];
    for (size_t j = 0; j < k; j++) se[j] = sqrt(fit.sigma2 * fit.xtxi[j + j * k]);
    ref_get(&rk, ok[c].name, "coef", want, k);
    ref_check(ok[c].name, fit.coef, want, k, TOL_CLOSED, 0);
    ref_get(&rk, ok[c].name, "se", want, k);
    ref_check(ok[c].name, se, want, k, TOL_CLOSED, 0);
    linreg_fini(&fit);
    free(X);
  }
  refcsv_data_free(&d);
  refcsv_free(&rk);
}

static void test_bad_weights_and_values_are_located(void **s) {
  (void)s;
  double X[] = {1, 1, 1, 1, 1, 2, 3, 5};
  double y[] = {1, 2, 2, 4}, w[] = {1, 2, 0, 1};
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, 4, 2, y, w, 1, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 3);   /* k + 1: the weights */
  assert_int_equal(fit.bad_row, 2);
  y[1] = NAN;
  assert_int_equal(linreg_fit(X, 4, 2, y, NULL, 1, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 2);   /* k: the response */
  assert_int_equal(fit.bad_row, 1);
  assert_int_equal(linreg_fit(X, 2, 2, y, NULL, 1, &fit), GSL_EBADLEN);
  linreg_fini(&fit);
}

/* lincom, Wald and predict for one case, using the covariance R used. */
static void run_inference(const char *name, const char *data, const char *const *cols,
                          size_t ncols, const char *wname, const char *vtype, size_t lag) {
  struct ref_data d = refcsv_data(data);
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, cols, ncols, &k);
  const double *w = wname ? ref_col(&d, wname) : NULL;
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, ref_col(&d, "y"), w, 1, &fit), GSL_SUCCESS);
  double V[64], Vc[64], c[8], c0, want[6];
  struct vcov_data vd = {X, n, k, fit.resid, w, fit.xtxi, NULL, fit.rinv, NULL};
  vcov_classical(&vd, fit.sigma2, Vc);
  if (strcmp(vtype, "HC1") == 0) {
    assert_int_equal(vcov_hc(&vd, VCOV_HC1, V), GSL_SUCCESS);
  } else if (strcmp(vtype, "CR1") == 0) {
    size_t G;
    size_t *ci = cluster_index(ref_col(&d, "cl"), n, &G);
    assert_int_equal(vcov_cluster(&vd, ci, G, 1, V), GSL_SUCCESS);
    free(ci);
  } else {
    assert_int_equal(vcov_hac(&vd, lag, V), GSL_SUCCESS);
  }
  assert_int_equal(ref_get(&REF, name, "lincom_c", c, 8), k);
  c0 = ref_scalar(&REF, name, "lincom_c0");
  struct lintest_lincom lc;
  assert_int_equal(lintest_lincom(fit.coef, V, k, c, c0, fit.df_resid, 0.95, &lc), GSL_SUCCESS);
  double got[6] = {lc.estimate, lc.se, lc.statistic, lc.p_value, lc.conf_low, lc.conf_high};
  ref_get(&REF, name, "lincom", want, 6);
  ref_check(name, got, want, 6, TOL_CLOSED, 0);
  /* agreement: the interval bound is where the test of that value has p = 0.05 */
  struct lintest_lincom at;
  lintest_lincom(fit.coef, V, k, c, c0 + lc.conf_low, fit.df_resid, 0.95, &at);
  assert_true(fabs(at.p_value - 0.05) < 1e-9);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

static void test_lincom_matches_r(void **s) {
  (void)s;
  static const char *const lg[] = {"deflator", "gnp", "unemployed", "armed", "population", "year"};
  static const char *const wl[] = {"x1", "x2"};
  static const char *const ts[] = {"x"};
  /* longley's response is "employed": alias it through a renamed copy */
  (void)lg;
  run_inference("wls", "wls", wl, 2, "w", "CR1", 0);
  run_inference("ts18", "ts18", ts, 1, NULL, "NW", 2);
}

static void test_longley_lincom_wald_predict_match_r(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("longley");
  static const char *const cols[] = {"deflator", "gnp", "unemployed", "armed", "population", "year"};
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, cols, 6, &k);
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, ref_col(&d, "employed"), NULL, 1, &fit), GSL_SUCCESS);
  double V[49], Vc[49], c[7], want[6];
  struct vcov_data vd = {X, n, k, fit.resid, NULL, fit.xtxi, NULL, fit.rinv, NULL};
  vcov_hc(&vd, VCOV_HC1, V);
  vcov_classical(&vd, fit.sigma2, Vc);
  ref_get(&REF, "longley", "lincom_c", c, 7);
  struct lintest_lincom lc;
  lintest_lincom(fit.coef, V, k, c, 0, fit.df_resid, 0.95, &lc);
  double got[6] = {lc.estimate, lc.se, lc.statistic, lc.p_value, lc.conf_low, lc.conf_high};
  ref_get(&REF, "longley", "lincom", want, 6);
  ref_check("longley lincom", got, want, 6, TOL_CLOSED, 0);
  double Rm[14], r[2];
  ref_get(&REF, "longley", "wald_R", Rm, 14);
  ref_get(&REF, "longley", "wald_r", r, 2);
  struct lintest_wald wt;
  assert_int_equal(lintest_wald(fit.coef, Vc, k, Rm, r, 2, fit.df_resid, &wt), GSL_SUCCESS);
  double gw[4] = {wt.chi2, wt.p_chi2, wt.F, wt.p_F};
  ref_get(&REF, "longley", "wald", want, 4);
  ref_check("longley wald", gw, want, 4, TOL_CLOSED, 0);
  /* predictions at data rows 1, 8, 16 */
  double rows[3], X0[21], pf[3], ps[3];
  ref_get(&REF, "longley", "predict_rows", rows, 3);
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < k; j++) X0[i + 3 * j] = X[(size_t)rows[i] - 1 + n * j];
  lintest_predict(fit.coef, Vc, k, X0, 3, pf, ps);
  check_vec("longley", "predict_fit", pf, 3, TOL_CLOSED);
  check_vec("longley", "predict_se", ps, 3, TOL_CLOSED);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

static void test_wls_wald_and_predict_match_r(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("wls");
  static const char *const cols[] = {"x1", "x2"};
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, cols, 2, &k);
  const double *w = ref_col(&d, "w");
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, ref_col(&d, "y"), w, 1, &fit), GSL_SUCCESS);
  double V[9], Vc[9], Rm[6], r[2], want[4];
  struct vcov_data vd = {X, n, k, fit.resid, w, fit.xtxi, NULL, fit.rinv, NULL};
  vcov_hc(&vd, VCOV_HC1, V);
  vcov_classical(&vd, fit.sigma2, Vc);
  ref_get(&REF, "wls", "wald_R", Rm, 6);
  ref_get(&REF, "wls", "wald_r", r, 2);
  struct lintest_wald wt;
  assert_int_equal(lintest_wald(fit.coef, V, k, Rm, r, 2, fit.df_resid, &wt), GSL_SUCCESS);
  double gw[4] = {wt.chi2, wt.p_chi2, wt.F, wt.p_F};
  ref_get(&REF, "wls", "wald", want, 4);
  ref_check("wls wald", gw, want, 4, TOL_CLOSED, 0);
  double X0[9] = {1, 1, 1, -1, 0, 1.5, 2, 5, 9}, pf[3], ps[3];
  lintest_predict(fit.coef, Vc, k, X0, 3, pf, ps);
  check_vec("wls", "predict_fit", pf, 3, TOL_CLOSED);
  check_vec("wls", "predict_se", ps, 3, TOL_CLOSED);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

static void test_tiny_predict_matches_r(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("tiny");
  static const char *const cols[] = {"x", "z"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 2, &k);
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, d.nrow, k, ref_col(&d, "y"), NULL, 1, &fit), GSL_SUCCESS);
  double Vc[9], X0[6] = {1, 1, 0, 2.5, 1, 3}, pf[2], ps[2];
  struct vcov_data vd = {X, d.nrow, k, fit.resid, NULL, fit.xtxi, NULL, fit.rinv, NULL};
  vcov_classical(&vd, fit.sigma2, Vc);
  lintest_predict(fit.coef, Vc, k, X0, 2, pf, ps);
  check_vec("tiny", "predict_fit", pf, 2, TOL_CLOSED);
  check_vec("tiny", "predict_se", ps, 2, TOL_CLOSED);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

static void test_dependent_restrictions_are_refused(void **s) {
  (void)s;
  double b[2] = {1, 2}, V[4] = {1, 0.2, 0.2, 2}, Rm[4] = {0, 1, 0, 2};
  struct lintest_wald wt;
  assert_int_equal(lintest_wald(b, V, 2, Rm, NULL, 2, 10, &wt), GSL_EDOM);
}

/* c'Vc at rounding level (the terms cancel) is a zero variance, not an
 * invalid covariance: se 0 and no statistic, p-value or interval.  A
 * variance clearly below 0 (V not positive semi-definite) is refused.
 * V = [1 1; 1 1+d] is singular for d = 0 and c = (1, -1) gives c'Vc = d. */
static void test_zero_variance_is_not_negative(void **s) {
  (void)s;
  double b[2] = {3, 1}, c[2] = {1, -1};
  struct lintest_lincom lc;
  double V[4] = {1, 1, 1, 1 - 4e-16};     /* c'Vc = -4e-16, sum of sizes 4 */
  assert_int_equal(lintest_lincom(b, V, 2, c, 0, 10, 0.95, &lc), GSL_SUCCESS);
  assert_true(lc.estimate == 2 && lc.se == 0);
  assert_true(isnan(lc.statistic) && isnan(lc.p_value) && isnan(lc.conf_low) && isnan(lc.conf_high));
  double v;
  assert_int_equal(lintest_var(V, 2, c, 1, &v), GSL_SUCCESS);
  assert_true(v == 0);
  V[3] = 1 - 1e-6;                         /* c'Vc = -1e-6: a real negative variance */
  assert_int_equal(lintest_lincom(b, V, 2, c, 0, 10, 0.95, &lc), GSL_EDOM);
  V[3] = 1 + 1e-6;                         /* small but genuine: kept */
  assert_int_equal(lintest_lincom(b, V, 2, c, 0, 10, 0.95, &lc), GSL_SUCCESS);
  assert_true(fabs(lc.se - 1e-3) < 1e-12 && lc.p_value < 1e-10);
}

/* ===== NIST StRD certified values ===== */

/* Longley (NIST: y = total employment in persons; R's longley has it in
 * thousands, so y = 1000 employed, rounded to the integer NIST lists). */
static void test_nist_longley_certified(void **s) {
  (void)s;
  static const double b[7] = {-3482258.63459582, 15.0618722713733, -0.358191792925910e-01,
                              -2.02022980381683, -1.03322686717359, -0.511041056535807e-01,
                              1829.15146461355};
  static const double se[7] = {890420.383607373, 84.9149257747669, 0.334910077722432e-01,
                               0.488399681651699, 0.214274163161675, 0.226073200069370,
                               455.478499142212};
  struct ref_data d = refcsv_data("longley");
  static const char *const cols[] = {"deflator", "gnp", "unemployed", "armed", "population", "year"};
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, cols, 6, &k);
  /* NIST lists GNP and population x1000, unemployed and armed forces x10,
   * and employment x1000 relative to R's longley; all are integers there,
   * so rounding recovers NIST's data exactly. */
  double y[16];
  const double *emp = ref_col(&d, "employed");
  static const double unit[7] = {1, 1, 1000, 10, 10, 1000, 1};
  for (size_t j = 1; j < k; j++)
    for (size_t i = 0; i < n; i++)
      if (unit[j] != 1) X[i + n * j] = round(unit[j] * X[i + n * j]);
  for (size_t i = 0; i < n; i++) y[i] = round(1000 * emp[i]);
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, y, NULL, 1, &fit), GSL_SUCCESS);
  double gse[7];
  for (size_t j = 0; j < k; j++) gse[j] = sqrt(fit.sigma2 * fit.xtxi[j + j * k]);
  ref_check("NIST Longley coef", fit.coef, b, 7, TOL_NIST, 0);
  ref_check("NIST Longley se", gse, se, 7, TOL_NIST, 0);
  double sd = sqrt(fit.sigma2), want_sd = 304.854073561965, want_r2 = 0.995479004577296;
  ref_check("NIST Longley residual sd", &sd, &want_sd, 1, TOL_NIST, 0);
  ref_check("NIST Longley R2", &fit.r2, &want_r2, 1, TOL_NIST, 0);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

/* Wampler1: y = 1 + x + ... + x^5, Wampler2: y = 1 + 0.1 x + ... + 1e-5 x^5,
 * x = 0..20, exact fits; certified b as below, residual sd 0, R2 1. */
static void test_nist_wampler_certified(void **s) {
  (void)s;
  double X[21 * 6], y1[21], y2[21];
  for (size_t i = 0; i < 21; i++) {
    double x = (double)i, p = 1, s1 = 0, s2 = 0, c = 1;
    for (size_t j = 0; j < 6; j++) {
      X[i + 21 * j] = p;
      s1 += p;
      s2 += c * p;
      p *= x;
      c *= 0.1;
    }
    y1[i] = s1;
    y2[i] = s2;
  }
  /* NIST lists y2 to the digits printed, which the sums above reproduce. */
  struct linreg_fit fit;
  static const double b1[6] = {1, 1, 1, 1, 1, 1};
  static const double b2[6] = {1, 0.1, 0.01, 0.001, 0.0001, 0.00001};
  assert_int_equal(linreg_fit(X, 21, 6, y1, NULL, 1, &fit), GSL_SUCCESS);
  ref_check("NIST Wampler1 coef", fit.coef, b1, 6, TOL_WAMPLER, 0);
  assert_true(fit.r2 > 1 - 1e-12);
  linreg_fini(&fit);
  assert_int_equal(linreg_fit(X, 21, 6, y2, NULL, 1, &fit), GSL_SUCCESS);
  ref_check("NIST Wampler2 coef", fit.coef, b2, 6, TOL_WAMPLER, 0);
  linreg_fini(&fit);
}

/* The long double refinement (ols.c refine_chunk, fitted_chunk) takes the
 * columns four at a time for speed, in the same order of operations as one
 * column at a time, so its results are the same to the last bit.  Pinned
 * here: the bits that the one-column-at-a-time code (commit 8969933) gave
 * for degree-5 and degree-6 polynomials in x = 0, 0.5, ..., 20 with
 * residuals of +-1e6 (condition and residuals that call for refinement),
 * weighted and not: k = 6 and 7 columns take the four-wide loop and a
 * remainder of two and three.  A change of order that moves a bit fails
 * here, and then the refinement's results have changed, not only its speed. */
static void pinned_fit(size_t k, int weighted, double *out) {
  enum { N = 41 };
  double X[N * 7], y[N], w[N];
  for (size_t i = 0; i < N; i++) {
    double x = (double)i / 2, p = 1, v = 0;
    for (size_t j = 0; j < k; j++) {
      X[i + N * j] = p;
      v += p;
      p *= x;
    }
    y[i] = v + ((i % 2 == 0) ? 1e6 : -1e6) * (double)(1 + i % 3);
    w[i] = (double)(1 + i % 5);
  }
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, N, k, y, weighted ? w : NULL, 1, &fit), GSL_SUCCESS);
  /* the refinement runs when eps kappa (2 + kappa tan theta) > 1e-13 */
  assert_true(2 * DBL_EPSILON * fit.cond > 1e-13);
  memcpy(out, fit.coef, k * sizeof *out);
  out[k] = fit.rss;
  linreg_fini(&fit);
}

static void test_refinement_bits_unchanged(void **s) {
  (void)s;
  static const double pin[4][8] = {
    {0x1.304d827f5302dp+18, -0x1.0eb428fb3b13cp+14, -0x1.a74a9956a4397p+15, 0x1.80728ea044e41p+13, -0x1.c92fcaf222499p+9, 0x1.72e662af55e94p+4, 0x1.4ee67ff4039f4p+47},
    {0x1.c903fd7252583p+18, 0x1.4e1c195ec1e25p+15, -0x1.f4805e4506a7ep+13, -0x1.7da7484096302p+10, 0x1.16d120a01b38p+8, -0x1.d9b1f8ac4afep+2, 0x1.e7c8aff37f81ap+48},
    {0x1.0d10b64c7a54ap+19, -0x1.4c682f49a869fp+19, 0x1.26ed3af8091ecp+18, -0x1.dc7650e4cb831p+15, 0x1.7995f8f194733p+12, -0x1.1c3ab5cd4e04ep+8, 0x1.87e7954d14b15p+2, 0x1.4dfaf63a3884p+47},
    {0x1.1a6c4ef43766p+17, 0x1.42d2e95c2d46p+19, -0x1.37320bcfaf22p+18, 0x1.c9c3b19e38851p+15, -0x1.4e136f5811c0dp+12, 0x1.dfe9c9274384fp+7, -0x1.8fde1e20da95cp+1, 0x1.e719c33375b68p+48},
  };
  const size_t ks[4] = {6, 6, 7, 7};
  for (size_t c = 0; c < 4; c++) {
    double got[8];
    pinned_fit(ks[c], (int)(c % 2), got);
    for (size_t j = 0; j <= ks[c]; j++) {
      if (getenv("CSC_PRINT_PINS")) printf("%a,%s", got[j], j == ks[c] ? "\n" : " ");
      else if (memcmp(&got[j], &pin[c][j], sizeof got[j]) != 0)
        fail_msg("case %zu (k %zu, %s) value %zu: %a, pinned %a", c, ks[c],
                 c % 2 ? "weighted" : "unweighted", j, got[j], pin[c][j]);
    }
  }
}

/* Agreement: HAC with lag 0 is HC1; a single cluster per row with the
 * CR1 factor gives n/(n-1) (n-1)/(n-k) HC0 = HC1. */
static void test_estimators_agree_in_limits(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("ts18");
  static const char *const cols[] = {"x"};
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, cols, 1, &k);
  struct linreg_fit fit;
  assert_int_equal(linreg_fit(X, n, k, ref_col(&d, "y"), NULL, 1, &fit), GSL_SUCCESS);
  struct vcov_data vd = {X, n, k, fit.resid, NULL, fit.xtxi, NULL, fit.rinv, NULL};
  double A[4], B[4], C[4];
  size_t ci[18];
  for (size_t i = 0; i < n; i++) ci[i] = i;
  vcov_hc(&vd, VCOV_HC1, A);
  vcov_hac(&vd, 0, B);
  vcov_cluster(&vd, ci, n, 1, C);
  ref_check("HAC lag 0 = HC1", B, A, 4, 1e-13, 0);
  ref_check("CR1 singletons = HC1", C, A, 4, 1e-13, 0);
  free(X);
  linreg_fini(&fit);
  refcsv_data_free(&d);
}

int main(void) {
  gsl_set_error_handler_off();
  REF = refcsv_load("expected.csv");
  HIPREC = refcsv_load("expected_hiprec.csv");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ols_longley_matches_r),
      cmocka_unit_test(test_ols_raw_quadratic_in_year_matches_r),
      cmocka_unit_test(test_ols_nearly_collinear_matches_r),
      cmocka_unit_test(test_ols_five_rows_matches_r),
      cmocka_unit_test(test_wls_with_singleton_clusters_matches_r),
      cmocka_unit_test(test_ols_cluster_cr1_matches_r),
      cmocka_unit_test(test_ols_newey_west_matches_r),
      cmocka_unit_test(test_large_n_ols_longley_matches_r),
      cmocka_unit_test(test_large_n_ols_nearly_collinear_matches_r),
      cmocka_unit_test(test_large_n_wls_matches_r),
      cmocka_unit_test(test_large_n_bad_values_and_collinearity_are_located),
      cmocka_unit_test(test_qr_kernels_agree_bytewise),
      cmocka_unit_test(test_raw_cubic_in_year_is_fitted_exactly),
      cmocka_unit_test(test_exact_duplicate_column_is_named),
      cmocka_unit_test(test_rank_test_on_columns_as_given),
      cmocka_unit_test(test_refinement_bits_unchanged),
      cmocka_unit_test(test_bad_weights_and_values_are_located),
      cmocka_unit_test(test_lincom_matches_r),
      cmocka_unit_test(test_longley_lincom_wald_predict_match_r),
      cmocka_unit_test(test_wls_wald_and_predict_match_r),
      cmocka_unit_test(test_tiny_predict_matches_r),
      cmocka_unit_test(test_dependent_restrictions_are_refused),
      cmocka_unit_test(test_zero_variance_is_not_negative),
      cmocka_unit_test(test_nist_longley_certified),
      cmocka_unit_test(test_nist_wampler_certified),
      cmocka_unit_test(test_estimators_agree_in_limits),
      cmocka_unit_test(test_columns_in_place_same_bytes_as_matrix),
      cmocka_unit_test(test_columns_in_place_same_bytes_on_any_threads),
      cmocka_unit_test(test_meat_in_pass_refuses_leverage_one),
      cmocka_unit_test(test_meat_in_pass_leaves_many_clusters_to_vcov),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  refcsv_free(&REF);
  refcsv_free(&HIPREC);
  return rc;
}
