/* tests/c/test_glm.c -- cmocka tests for logit/probit/Poisson IRLS
 * (host/glm) and its robust covariances (host/vcov) against R glm() +
 * sandwich values in tests/reference/models/expected.csv (make_models.R),
 * and for the separation, non-convergence and rank-deficiency reports.
 * Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "num/chunks.h"
#include "num/glm.h"
#include "num/ols.h"
#include "num/lincom.h"
#include "num/vcov.h"
#include "refmodel.h"

/* TOL_ITER: iterative fits.  csceval repeats glm.fit's iterations exactly
 * (same start, clamps and stopping rule), so both stop at the same step and
 * agree far closer than the 1e-8 deviance criterion; but each step is a QR
 * solve whose rounding differs between LINPACK and csceval, and the
 * covariance uses the weights of the step before the last, which magnifies
 * such differences: 1e-6 relative, as the style guide sets for iterative fits.
 * Iteration counts must match exactly. */
#define TOL_ITER 1e-6



struct glm_case {
  const char *name, *data;
  const char *cols[4];
  size_t ncols;
  enum glm_family fam;
  enum glm_link link;
  const char *w, *off, *cl;
};

static void run_glm_case(const struct glm_case *gc) {
  struct ref_data d = refcsv_data(gc->data);
  size_t n = d.nrow, k;
  double *X = ref_design(&d, 1, gc->cols, gc->ncols, &k);
  const double *w = gc->w ? ref_col(&d, gc->w) : NULL;
  double *off = NULL;
  if (gc->off) {
    off = malloc(n * sizeof *off);
    assert_non_null(off);
    const double *e = ref_col(&d, gc->off);
    for (size_t i = 0; i < n; i++) off[i] = log(e[i]);
  }
  struct glm_opts o = glm_opts_default(gc->fam, gc->link);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, n, k, ref_col(&d, "y"), w, off, 1, &o, &fit), GSL_SUCCESS);
  assert_true(fit.converged);
  assert_int_equal(fit.iter, (int)ref_scalar(&REF, gc->name, "iter"));
  check_vec(gc->name, "coef", fit.coef, k, TOL_ITER);
  check_vec(gc->name, "vcov_classical", fit.xtxi, k * k, TOL_ITER);
  check_vec(gc->name, "deviance", &fit.deviance, 1, TOL_ITER);
  check_vec(gc->name, "null_deviance", &fit.null_deviance, 1, TOL_ITER);
  check_vec(gc->name, "df_resid", &fit.df_resid, 1, 0);
  check_vec(gc->name, "aic", &fit.aic, 1, TOL_ITER);
  check_vec(gc->name, "bic", &fit.bic, 1, TOL_ITER);
  check_vec(gc->name, "loglik", &fit.loglik, 1, TOL_ITER);
  check_vec(gc->name, "fitted", fit.mu, n, TOL_ITER);
  {  /* Pearson's X^2 of the last pass: the sum written out, to 1e-12 (the
      * fit sums each chunk in row order, then the chunks) */
    const double *yy = ref_col(&d, "y");
    double x2 = 0;
    for (size_t i = 0; i < n; i++) {
      double m = fit.mu[i], r = yy[i] - m;
      x2 += (w ? w[i] : 1) * r * r / (gc->fam == GLM_BINOMIAL ? m * (1 - m) : m);
    }
    assert_true(fabs(fit.pearson - x2) <= 1e-12 * x2);
  }
  double V[16];
  struct vcov_data vd = {X, n, k, fit.wres, fit.wwt, fit.xtxi, NULL, fit.rinv, NULL};
  assert_int_equal(vcov_hc(&vd, VCOV_HC0, V), GSL_SUCCESS);
  check_vec(gc->name, "vcov_HC0", V, k * k, TOL_ITER);
  assert_int_equal(vcov_hc(&vd, VCOV_HC1, V), GSL_SUCCESS);
  check_vec(gc->name, "vcov_HC1", V, k * k, TOL_ITER);
  if (gc->cl != NULL) {
    size_t G;
    size_t *ci = cluster_index(ref_col(&d, gc->cl), n, &G);
    assert_int_equal(vcov_cluster(&vd, ci, G, 0, V), GSL_SUCCESS);
    check_vec(gc->name, "vcov_CL", V, k * k, TOL_ITER);
    free(ci);
  }
  if (strcmp(gc->name, "logit") == 0) {      /* lincom, Wald, predict (link scale) */
    double c[4], want[6], Rm[8], r[2];
    ref_get(&REF, "logit", "lincom_c", c, 4);
    struct lintest_lincom lc;
    assert_int_equal(lintest_lincom(fit.coef, fit.xtxi, k, c, 0, 0, 0.95, &lc), GSL_SUCCESS);
    double got[6] = {lc.estimate, lc.se, lc.statistic, lc.p_value, lc.conf_low, lc.conf_high};
    ref_get(&REF, "logit", "lincom", want, 6);
    ref_check("logit lincom", got, want, 6, TOL_ITER, 0);
    vcov_hc(&vd, VCOV_HC0, V);
    ref_get(&REF, "logit", "wald_R", Rm, 8);
    ref_get(&REF, "logit", "wald_r", r, 2);
    struct lintest_wald wt;
    assert_int_equal(lintest_wald(fit.coef, V, k, Rm, r, 2, 0, &wt), GSL_SUCCESS);
    double gw[4] = {wt.chi2, wt.p_chi2, wt.F, wt.p_F};
    ref_get(&REF, "logit", "wald", want, 4);
    ref_check("logit wald", gw, want, 4, TOL_ITER, 0);
    double X0[8] = {1, 1, 0, 1, 0.5, 0.2, 0, 1}, pf[2], ps[2];
    lintest_predict(fit.coef, fit.xtxi, k, X0, 2, pf, ps);
    check_vec("logit", "predict_fit", pf, 2, TOL_ITER);
    check_vec("logit", "predict_se", ps, 2, TOL_ITER);
  }
  glm_fini(&fit);
  free(off);
  free(X);
  refcsv_data_free(&d);
}

static const struct glm_case CASES[] = {
    {"logit", "logit", {"x1", "x2", "d"}, 3, GLM_BINOMIAL, GLM_LOGIT, NULL, NULL, "cl"},
    {"probit", "logit", {"x1", "x2", "d"}, 3, GLM_BINOMIAL, GLM_PROBIT, NULL, NULL, "cl"},
    {"logit_w", "logit", {"x1", "x2", "d"}, 3, GLM_BINOMIAL, GLM_LOGIT, "w", NULL, NULL},
    {"poisson", "poisson", {"x1", "d"}, 2, GLM_POISSON, GLM_LOG, NULL, "exposure", "cl"},
    {"poisson_w", "poisson", {"x1", "d"}, 2, GLM_POISSON, GLM_LOG, "w", "exposure", NULL},
};

/* Large n: every row of a reference set repeated REP times (80,000 logit
 * rows, 60,000 Poisson rows: more than one chunk of host/num/chunks.h, so the
 * rows are reduced on several threads and the triangles merged).  The
 * maximum likelihood estimate is unchanged, deviance and log-likelihood
 * scale by REP, (X'WX)^-1 and the HC0 sandwich by 1/REP; R's iteration
 * count still holds.  A second fit must give the same bytes (fixed
 * chunks, fixed reduction order, whatever the thread timing). */
#define REP 200

static void scaled_check(const char *c, const char *q, const double *got, size_t m,
                         double factor) {
  double *g = malloc(m * sizeof *g);
  assert_non_null(g);
  for (size_t i = 0; i < m; i++) g[i] = got[i] / factor;
  check_vec(c, q, g, m, TOL_ITER);
  free(g);
}

static void run_glm_case_repeated(const struct glm_case *gc) {
  struct ref_data d = refcsv_data(gc->data);
  size_t n0 = d.nrow, n = REP * n0, k;
  double *X0 = ref_design(&d, 1, gc->cols, gc->ncols, &k);
  double *X = repeat_rows(X0, n0, k, REP), *y = repeat_rows(ref_col(&d, "y"), n0, 1, REP);
  double *w = gc->w ? repeat_rows(ref_col(&d, gc->w), n0, 1, REP) : NULL, *off = NULL;
  if (gc->off) {
    off = repeat_rows(ref_col(&d, gc->off), n0, 1, REP);
    for (size_t i = 0; i < n; i++) off[i] = log(off[i]);
  }
  struct glm_opts o = glm_opts_default(gc->fam, gc->link);
  struct glm_fit fit, again;
  assert_int_equal(glm_fit(X, n, k, y, w, off, 1, &o, &fit), GSL_SUCCESS);
  assert_true(fit.converged);
  assert_int_equal(fit.iter, (int)ref_scalar(&REF, gc->name, "iter"));
  check_vec(gc->name, "coef", fit.coef, k, TOL_ITER);
  scaled_check(gc->name, "vcov_classical", fit.xtxi, k * k, 1.0 / REP);
  scaled_check(gc->name, "deviance", &fit.deviance, 1, REP);
  scaled_check(gc->name, "null_deviance", &fit.null_deviance, 1, REP);
  scaled_check(gc->name, "loglik", &fit.loglik, 1, REP);
  check_vec(gc->name, "fitted", fit.mu, n0, TOL_ITER);
  check_vec(gc->name, "fitted", fit.mu + (REP - 1) * n0, n0, TOL_ITER);
  double V[16];
  struct vcov_data vd = {X, n, k, fit.wres, fit.wwt, fit.xtxi, NULL, fit.rinv, NULL};
  assert_int_equal(vcov_hc(&vd, VCOV_HC0, V), GSL_SUCCESS);
  scaled_check(gc->name, "vcov_HC0", V, k * k, 1.0 / REP);

  assert_int_equal(glm_fit(X, n, k, y, w, off, 1, &o, &again), GSL_SUCCESS);
  assert_int_equal(again.iter, fit.iter);
  assert_memory_equal(again.coef, fit.coef, k * sizeof *fit.coef);
  assert_memory_equal(again.xtxi, fit.xtxi, k * k * sizeof *fit.xtxi);
  assert_memory_equal(again.mu, fit.mu, n * sizeof *fit.mu);
  assert_memory_equal(again.wwt, fit.wwt, n * sizeof *fit.wwt);
  assert_memory_equal(&again.deviance, &fit.deviance, sizeof fit.deviance);
  assert_memory_equal(&again.aic, &fit.aic, sizeof fit.aic);
  double V2[16];
  struct vcov_data vd2 = {X, n, k, again.wres, again.wwt, again.xtxi, NULL, again.rinv, NULL};
  assert_int_equal(vcov_hc(&vd2, VCOV_HC0, V2), GSL_SUCCESS);
  assert_memory_equal(V2, V, k * k * sizeof *V);
  glm_fini(&again);
  glm_fini(&fit);
  free(X0);
  free(X);
  free(y);
  free(w);
  free(off);
  refcsv_data_free(&d);
}

static void test_logit_matches_r(void **s) { (void)s; run_glm_case(&CASES[0]); }
static void test_probit_matches_r(void **s) { (void)s; run_glm_case(&CASES[1]); }
static void test_weighted_logit_matches_r(void **s) { (void)s; run_glm_case(&CASES[2]); }
static void test_poisson_with_offset_matches_r(void **s) { (void)s; run_glm_case(&CASES[3]); }
static void test_weighted_poisson_with_offset_matches_r(void **s) { (void)s; run_glm_case(&CASES[4]); }
static void test_large_n_logit_matches_r(void **s) { (void)s; run_glm_case_repeated(&CASES[0]); }
static void test_large_n_probit_matches_r(void **s) { (void)s; run_glm_case_repeated(&CASES[1]); }
static void test_large_n_weighted_logit_matches_r(void **s) {
  (void)s;
  run_glm_case_repeated(&CASES[2]);
}
static void test_large_n_weighted_poisson_with_offset_matches_r(void **s) {
  (void)s;
  run_glm_case_repeated(&CASES[4]);
}

/* The first bad value is reported by row and column whichever chunk
 * (thread) finds it: a bad outcome beats a non-finite x later in the data,
 * and among non-finite x the first column wins, then the first row. */
static void test_large_n_bad_values_are_located(void **s) {
  (void)s;
  size_t n = 100000, k = 3;
  double *X = malloc(n * k * sizeof *X), *y = malloc(n * sizeof *y);
  assert_non_null(X);
  assert_non_null(y);
  for (size_t i = 0; i < n; i++) {
    X[i] = 1;
    X[n + i] = (double)(i % 17) - 8;
    X[2 * n + i] = (double)(i % 5);
    y[i] = (i % 3) == 0;
  }
  X[2 * n + 90000] = NAN;
  X[n + 95000] = INFINITY;
  X[2 * n + 40000] = INFINITY;
  y[99999] = 2;
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, n, k, y, NULL, NULL, 1, &o, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, k);
  assert_int_equal(fit.bad_row, 99999);
  y[99999] = 1;
  assert_int_equal(glm_fit(X, n, k, y, NULL, NULL, 1, &o, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 1);
  assert_int_equal(fit.bad_row, 95000);
  X[n + 95000] = 0;
  assert_int_equal(glm_fit(X, n, k, y, NULL, NULL, 1, &o, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 2);
  assert_int_equal(fit.bad_row, 40000);
  glm_fini(&fit);
  free(X);
  free(y);
}

/* Every d = 1 row has y = 1: quasi-complete separation by d, found from the
 * data even though R's glm converges without a warning here. */
static void test_quasi_complete_separation_names_the_column(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("separation");
  static const char *const cols[] = {"x", "d"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 2, &k);
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, d.nrow, k, ref_col(&d, "y"), NULL, NULL, 1, &o, &fit), GSL_SUCCESS);
  assert_int_equal(fit.sep[2], GLM_SEP_QUASI);
  assert_int_equal(fit.sep[1], GLM_SEP_NONE);
  assert_int_equal(fit.sep[0], GLM_SEP_NONE);
  glm_fini(&fit);
  free(X);
  refcsv_data_free(&d);
}

/* y = 1 exactly when x > 0: complete separation; probabilities go to 0/1,
 * the coefficient of x keeps growing. */
static void test_complete_separation_is_reported(void **s) {
  (void)s;
  double X[16], y[8];
  for (size_t i = 0; i < 8; i++) {
    X[i] = 1;
    X[8 + i] = (double)i - 3.5;
    y[i] = i >= 4;
  }
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, 8, 2, y, NULL, NULL, 1, &o, &fit), GSL_SUCCESS);
  assert_int_equal(fit.sep[1], GLM_SEP_COMPLETE);
  assert_true(fit.n_boundary > 0);
  assert_true(fit.drift[1]);
  glm_fini(&fit);
}

static void test_glm_rank_deficiency_and_bad_outcomes(void **s) {
  (void)s;
  double X[18] = {1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0, 2, 0, 2, 2, 0};
  double y[6] = {0, 1, 0, 1, 0, 1};
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, 6, 3, y, NULL, NULL, 1, &o, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col, 2);
  y[3] = 2;
  assert_int_equal(glm_fit(X, 6, 2, y, NULL, NULL, 1, &o, &fit), GSL_EDOM);
  assert_int_equal(fit.bad_col, 2);
  assert_int_equal(fit.bad_row, 3);
  glm_fini(&fit);
}

static void test_iteration_limit_is_reported(void **s) {
  (void)s;
  struct ref_data d = refcsv_data("logit");
  static const char *const cols[] = {"x1", "x2", "d"};
  size_t k;
  double *X = ref_design(&d, 1, cols, 3, &k);
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  o.maxit = 2;
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, d.nrow, k, ref_col(&d, "y"), NULL, NULL, 1, &o, &fit), GSL_SUCCESS);
  assert_false(fit.converged);
  assert_int_equal(fit.iter, 2);
  glm_fini(&fit);
  free(X);
  refcsv_data_free(&d);
}

/* The rank test of each weighted QR measures the columns as given (qr.h),
 * as R's glm (tests/reference/models/make_rank.R): beside an intercept, a
 * column 1 + u 2^-52 is aliased; 1e-8 x^2 beside x is kept and matches. */
static void test_glm_rank_test_on_columns_as_given(void **s) {
  (void)s;
  struct ref_table rk = refcsv_load("rank.csv");
  struct ref_data d = refcsv_data("rank_data");
  size_t n = d.nrow, k;
  struct glm_opts o = glm_opts_default(GLM_POISSON, GLM_LOG);
  struct glm_fit fit;
  static const char *const noisy[] = {"x", "noise"};
  double *X = ref_design(&d, 1, noisy, 2, &k);
  assert_int_equal(glm_fit(X, n, k, ref_col(&d, "count"), NULL, NULL, 1, &o, &fit), GSL_ESING);
  assert_int_equal(fit.bad_col + 1, (size_t)ref_scalar(&rk, "rank_glm_noise", "aliased"));
  glm_fini(&fit);
  free(X);
  static const char *const sm2[] = {"x", "small2"};
  X = ref_design(&d, 1, sm2, 2, &k);
  assert_int_equal(glm_fit(X, n, k, ref_col(&d, "count"), NULL, NULL, 1, &o, &fit), GSL_SUCCESS);
  double se[3], want[3];
  for (size_t j = 0; j < k; j++) se[j] = sqrt(fit.xtxi[j + j * k]);
  ref_get(&rk, "rank_glm_small", "coef", want, k);
  ref_check("rank_glm_small coef", fit.coef, want, k, TOL_ITER, 0);
  ref_get(&rk, "rank_glm_small", "se", want, k);
  ref_check("rank_glm_small se", se, want, k, TOL_ITER, 0);
  glm_fini(&fit);
  free(X);
  refcsv_data_free(&d);
  refcsv_free(&rk);
}

/* ===== Columns in place (glm_fit_cols) ===== */

static uint64_t lcg_next(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s >> 11;
}

static double unif(uint64_t *s) { return (double)lcg_next(s) / 9007199254740992.0; }

static int same_bytes(const double *a, const double *b, size_t n) {
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && memcmp(a, b, n * sizeof *a) == 0);
}

static void assert_same_fit(const struct glm_fit *a, const struct glm_fit *b, size_t n, size_t k,
                            int work) {
  assert_true(same_bytes(a->coef, b->coef, k));
  assert_true(same_bytes(a->rinv, b->rinv, k * k));
  assert_true(same_bytes(a->xtxi, b->xtxi, k * k));
  assert_true(same_bytes(a->eta, b->eta, n));
  assert_true(same_bytes(a->mu, b->mu, n));
  if (work) {
    assert_true(same_bytes(a->wres, b->wres, n));
    assert_true(same_bytes(a->wwt, b->wwt, n));
  }
  assert_memory_equal(&a->deviance, &b->deviance, sizeof a->deviance);
  assert_memory_equal(&a->null_deviance, &b->null_deviance, sizeof a->null_deviance);
  assert_memory_equal(&a->aic, &b->aic, sizeof a->aic);
  assert_int_equal(a->iter, b->iter);
}

/* A logit (with and without an offset; a Poisson with an offset, a weighted
 * logit and a probit too) on rows that
 * span several chunks with a ragged last one (3 x 32768 + 1001 rows): the
 * columns given one by one, the intercept as no column and a 0/1 term as
 * int64, give the same bytes as the n x k matrix; the lean fit (no working vectors) the same coefficients,
 * means and deviances with wres and wwt NULL; 1, 2 and 3 threads the
 * same bytes; and so do the 2-wide row and QR kernels (opts.narrow) where
 * the processor has the 4-wide ones.  (The IRLS arithmetic is the same; this holds the column
 * pointers, the constant column and the skipped stores to it.) */
static void test_columns_in_place_same_bytes(void **state) {
  (void)state;
  enum { N = 3 * 32768 + 1001, K = 4 };
  double *X = malloc((size_t)N * K * sizeof *X), *y = malloc(N * sizeof *y);
  double *yp = malloc(N * sizeof *yp), *off = malloc(N * sizeof *off), *w = malloc(N * sizeof *w);
  int64_t *xi = malloc(N * sizeof *xi);
  assert_true(X && y && yp && off && w && xi);
  uint64_t s = 18;
  for (size_t i = 0; i < N; i++) {
    X[i] = 1;
    xi[i] = (int64_t)(lcg_next(&s) % 2);                    /* a 0/1 term, int64 */
    X[i + N] = (double)xi[i];
    X[i + 2 * N] = floor(unif(&s) * 1000) / 1000;           /* 3 decimals, as idaci */
    X[i + 3 * N] = (unif(&s) - 0.5) * 4;
    double eta = -3 + 0.8 * X[i + N] + 1.5 * X[i + 2 * N] - 0.4 * X[i + 3 * N];
    y[i] = unif(&s) < 1 / (1 + exp(-eta));
    off[i] = log(1 + (double)(lcg_next(&s) % 5));
    yp[i] = (double)(lcg_next(&s) % 4);
    w[i] = 1 + (double)(lcg_next(&s) % 3);
  }
  /* the intercept as no column, the 0/1 term as whole numbers */
  const struct glm_col cols[K] = {{NULL, NULL}, {NULL, xi}, {X + 2 * N, NULL}, {X + 3 * N, NULL}};
  struct {
    enum glm_family fam;
    enum glm_link link;
    const double *y, *w, *off;
  } cases[] = {{GLM_BINOMIAL, GLM_LOGIT, y, NULL, NULL},
               {GLM_BINOMIAL, GLM_LOGIT, y, NULL, off},
               {GLM_BINOMIAL, GLM_LOGIT, y, w, NULL},
               {GLM_BINOMIAL, GLM_PROBIT, y, NULL, NULL},
               {GLM_POISSON, GLM_LOG, yp, NULL, off}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    struct glm_opts o = glm_opts_default(cases[c].fam, cases[c].link);
    struct glm_fit a, b, l;
    chunks_set_threads(1);
    assert_int_equal(glm_fit(X, N, K, cases[c].y, cases[c].w, cases[c].off, 1, &o, &a), GSL_SUCCESS);
    assert_true(a.converged);
    for (size_t t = 1; t <= 3; t++) {
      chunks_set_threads(t);
      assert_int_equal(glm_fit_cols(cols, N, K, cases[c].y, cases[c].w, cases[c].off, 1, &o, &b),
                       GSL_SUCCESS);
      assert_same_fit(&a, &b, N, K, 1);
      glm_fini(&b);
      struct glm_opts ol = o;
      ol.lean = 1;
      assert_int_equal(glm_fit_cols(cols, N, K, cases[c].y, cases[c].w, cases[c].off, 1, &ol, &l),
                       GSL_SUCCESS);
      assert_null(l.wres);
      assert_null(l.wwt);
      assert_same_fit(&a, &l, N, K, 0);
      glm_fini(&l);
      /* the 2-wide row and QR kernels: the same bytes as the 4-wide ones */
      struct glm_opts on = o;
      on.narrow = 1;
      assert_int_equal(glm_fit_cols(cols, N, K, cases[c].y, cases[c].w, cases[c].off, 1, &on, &b),
                       GSL_SUCCESS);
      assert_same_fit(&a, &b, N, K, 1);
      glm_fini(&b);
    }
    glm_fini(&a);
  }
  chunks_set_threads(0);
  /* The binary logit's shortcut formulas (one division a row, glm.c) against
   * R's formulas, which the same fit takes when it has prior weights (all 1
   * here, so the same model): the same iterations, and every coefficient,
   * (X'WX)^-1 entry, fitted value and deviance within 1e-12 relative (a few
   * ulps a row, summed over 99,305 rows and 8 steps, move them by about
   * 1e-14). */
  for (size_t i = 0; i < N; i++) w[i] = 1;
  {
    struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
    struct glm_fit f1, fw;
    for (int withoff = 0; withoff < 2; withoff++) {
      const double *of = withoff ? off : NULL;
      assert_int_equal(glm_fit_cols(cols, N, K, y, NULL, of, 1, &o, &f1), GSL_SUCCESS);
      assert_int_equal(glm_fit_cols(cols, N, K, y, w, of, 1, &o, &fw), GSL_SUCCESS);
      assert_int_equal(f1.iter, fw.iter);
      for (size_t j = 0; j < K; j++) assert_true(fabs(f1.coef[j] - fw.coef[j]) <= 1e-12 * fabs(fw.coef[j]));
      for (size_t j = 0; j < K * K; j++)
        assert_true(fabs(f1.xtxi[j] - fw.xtxi[j]) <= 1e-12 * fabs(fw.xtxi[j]));
      for (size_t i = 0; i < N; i++) assert_true(fabs(f1.mu[i] - fw.mu[i]) <= 1e-12 * fw.mu[i]);
      for (size_t i = 0; i < N; i += 97) {
        assert_true(fabs(f1.wwt[i] - fw.wwt[i]) <= 1e-12 * fw.wwt[i]);
        assert_true(fabs(f1.wres[i] - fw.wres[i]) <= 1e-12 * fabs(fw.wres[i]));
      }
      assert_true(fabs(f1.deviance - fw.deviance) <= 1e-12 * fw.deviance);
      glm_fini(&f1);
      glm_fini(&fw);
    }
  }
  /* A non-finite value in a column given in place is still found and named. */
  X[2 * N + 40000] = NAN;
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
  struct glm_fit f;
  assert_int_equal(glm_fit_cols(cols, N, K, y, NULL, NULL, 1, &o, &f), GSL_EDOM);
  assert_int_equal(f.bad_col, 2);
  assert_int_equal(f.bad_row, 40000);
  glm_fini(&f);
  free(X);
  free(y);
  free(yp);
  free(off);
  free(w);
  free(xi);
}

/* ===== The logit's exp (glm_exp_rows) =====
 * Against the C library's exp over the logit's unclamped range [-30, 30]
 * (2,000,003 points: a grid, with a ragged tail so that the lone last row
 * is taken too, plus the ends and 0): at most 1 ulp apart (glm.h: fdlibm's
 * algorithm, error below 1 ulp of the exact value, and glibc's exp below
 * 1 ulp too, so 2 ulps could in principle separate them; 1 is what both
 * widths give, and more would mean a broken kernel), and the 2-wide and
 * 4-wide kernels give the same bytes. */
static int64_t ulps_apart(double a, double b) {
  int64_t ia, ib;
  memcpy(&ia, &a, sizeof ia);
  memcpy(&ib, &b, sizeof ib);
  ia = ia < 0 ? INT64_MIN - ia : ia;
  ib = ib < 0 ? INT64_MIN - ib : ib;
  return ia > ib ? ia - ib : ib - ia;
}

static void test_logit_exp_within_one_ulp_of_libm(void **state) {
  (void)state;
  enum { N = 2000003 };
  double *x = malloc(N * sizeof *x), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
  assert_true(x && a && b);
  for (size_t i = 0; i < N - 3; i++) x[i] = -30 + 60 * ((double)i + 0.5) / (N - 3);
  x[N - 3] = -30;
  x[N - 2] = 0;
  x[N - 1] = 30;
  glm_exp_rows(x, a, N, 0);
  int wide = glm_exp_rows(x, b, N, 1);
  int64_t worst = 0;
  size_t equal = 0;
  for (size_t i = 0; i < N; i++) {
    int64_t u = ulps_apart(a[i], exp(x[i]));
    worst = u > worst ? u : worst;
    equal += u == 0;
  }
  assert_true(worst <= 1);
  assert_true(equal > N / 2);            /* mostly the same value */
  assert_memory_equal(a, b, N * sizeof *a);
  (void)wide;
  assert_true(a[N - 2] == 1);
  free(x);
  free(a);
  free(b);
}

int main(void) {
  gsl_set_error_handler_off();
  REF = refcsv_load("expected.csv");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_logit_matches_r),
      cmocka_unit_test(test_glm_rank_test_on_columns_as_given),
      cmocka_unit_test(test_probit_matches_r),
      cmocka_unit_test(test_weighted_logit_matches_r),
      cmocka_unit_test(test_poisson_with_offset_matches_r),
      cmocka_unit_test(test_weighted_poisson_with_offset_matches_r),
      cmocka_unit_test(test_large_n_logit_matches_r),
      cmocka_unit_test(test_large_n_probit_matches_r),
      cmocka_unit_test(test_large_n_weighted_logit_matches_r),
      cmocka_unit_test(test_large_n_weighted_poisson_with_offset_matches_r),
      cmocka_unit_test(test_large_n_bad_values_are_located),
      cmocka_unit_test(test_quasi_complete_separation_names_the_column),
      cmocka_unit_test(test_complete_separation_is_reported),
      cmocka_unit_test(test_glm_rank_deficiency_and_bad_outcomes),
      cmocka_unit_test(test_iteration_limit_is_reported),
      cmocka_unit_test(test_columns_in_place_same_bytes),
      cmocka_unit_test(test_logit_exp_within_one_ulp_of_libm),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  refcsv_free(&REF);
  return rc;
}
