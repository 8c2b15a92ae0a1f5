/* tests/c/test_stats.c -- cmocka tests for the pure-C hypothesis tests
 * (host/ttest, ctab, ranktest, prop, scale, padjust) and the bootstrap
 * (host/boot) against R values in tests/reference/stats/expected.csv,
 * written by make_stats.R (data sets included), plus agreement checks.
 * Run from the repository root: the CSV path is relative to it. */
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
#include <gsl/gsl_rng.h>

#include "num/boot.h"
#include "num/ctab.h"
#include "num/padjust.h"
#include "num/prop.h"
#include "num/ranktest.h"
#include "num/scale.h"
#include "num/ttest.h"
#include "num/zeroin.h"

#define REF_PATH "tests/reference/stats/expected.csv"

/* Tolerances (relative unless the reference is 0, then absolute):
 * TOL_CLOSED: closed-form statistics and p-values.  R and GSL evaluate the
 *   t, chi-square and normal laws to ~1e-14; GSL's t quantile stops its
 *   Newton refinement at a 1e-10 relative step, so intervals are held to
 *   1e-8, the same bound for everything closed-form.
 * TOL_ROOT: Fisher 2 x 2 odds-ratio estimate and interval.  Both R and
 *   csceval find them with Brent's zeroin at uniroot's tol = eps^0.25, so
 *   the roots are only ~1e-4 accurate; the iterates coincide, so the values
 *   agree far better than that, but a rounding difference in one function
 *   value could move an iterate: 1e-6 leaves room for that and still
 *   catches a different algorithm or tolerance (which shows at ~1e-5).
 * TOL_SUM: bootstrap replicates recomputed from R's resamples: sums of the
 *   same numbers in another order (R's mean uses long double). */
#define TOL_CLOSED 1e-8
#define TOL_ROOT 1e-6
#define TOL_SUM 1e-12

/* ===== The reference table ===== */

struct ref_row {
  char *test, *cs, *qty;
  double v;
};

struct ref {
  struct ref_row *rows;
  size_t n;
  char *text;
};

static double parse_value(const char *s) {
  if (strcmp(s, "NA") == 0) return NAN;
  if (strcmp(s, "Inf") == 0) return INFINITY;
  if (strcmp(s, "-Inf") == 0) return -INFINITY;
  return strtod(s, NULL);
}

static int ref_setup(void **state) {
  FILE *f = fopen(REF_PATH, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s (run the tests from the repository root)\n", REF_PATH);
    return -1;
  }
  long len = -1;
  if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
  struct ref *r = calloc(1, sizeof *r);
  if (len < 0 || fseek(f, 0, SEEK_SET) != 0 || !r || !(r->text = malloc((size_t)len + 1)) ||
      fread(r->text, 1, (size_t)len, f) != (size_t)len) {
    fclose(f);
    if (r) free(r->text);
    free(r);
    return -1;
  }
  fclose(f);
  r->text[len] = '\0';
  size_t cap = 0;
  for (long i = 0; i < len; i++) cap += r->text[i] == '\n';
  r->rows = calloc(cap + 1, sizeof *r->rows);
  if (!r->rows) {
    free(r->text);
    free(r);
    return -1;
  }
  char *save = NULL, *line = strtok_r(r->text, "\n", &save);
  line = strtok_r(NULL, "\n", &save);   /* skip the header */
  for (; line; line = strtok_r(NULL, "\n", &save)) {
    char *f1 = line, *f2 = strchr(f1, ','), *f3, *f4;
    if (!f2 || !(f3 = strchr(f2 + 1, ',')) || !(f4 = strchr(f3 + 1, ','))) continue;
    *f2++ = *f3++ = *f4++ = '\0';
    r->rows[r->n++] = (struct ref_row){f1, f2, f3, parse_value(f4)};
  }
  *state = r;
  return 0;
}

static int ref_teardown(void **state) {
  struct ref *r = *state;
  if (r) {
    free(r->rows);
    free(r->text);
    free(r);
  }
  return 0;
}

/* All values under (test, case, quantity), in file order; malloc'd. */
static double *refvec(const struct ref *r, const char *test, const char *cs, const char *qty,
                      size_t *n) {
  size_t k = 0;
  double *v = malloc((r->n + 1) * sizeof *v);
  assert_non_null(v);
  for (size_t i = 0; i < r->n; i++)
    if (!strcmp(r->rows[i].test, test) && !strcmp(r->rows[i].cs, cs) &&
        !strcmp(r->rows[i].qty, qty))
      v[k++] = r->rows[i].v;
  if (k == 0) fail_msg("no reference value %s/%s/%s", test, cs, qty);
  *n = k;
  return v;
}

static double ref1(const struct ref *r, const char *test, const char *cs, const char *qty) {
  size_t n;
  double *v = refvec(r, test, cs, qty, &n);
  double x = v[0];
  free(v);
  return x;
}

static int has_ref(const struct ref *r, const char *test, const char *cs, const char *qty) {
  for (size_t i = 0; i < r->n; i++)
    if (!strcmp(r->rows[i].test, test) && !strcmp(r->rows[i].cs, cs) &&
        !strcmp(r->rows[i].qty, qty))
      return 1;
  return 0;
}

static void check_close(double got, double want, double tol, const char *test, const char *cs,
                        const char *qty) {
  int ok;
  if (isnan(want)) ok = isnan(got);
  else if (isinf(want)) ok = got == want;
  else if (want == 0) ok = fabs(got) <= tol;
  else ok = fabs(got - want) <= tol * fabs(want);
  /* STATS_TEST_VERBOSE=1 lists every comparison, to see the real margins */
  const char *verbose = getenv("STATS_TEST_VERBOSE");
  if (verbose && *verbose == '1')
    printf("  %-10s %-24s %-10s rel.err %.2e (tol %.0e)\n", test, cs, qty,
           want != 0 && isfinite(want) ? fabs(got - want) / fabs(want) : fabs(got - want), tol);
  if (!ok)
    fail_msg("%s/%s/%s: got %.17g, needed %.17g (rel. err %.3g, tol %g)", test, cs, qty, got,
             want, fabs(got - want) / fabs(want), tol);
}

static void check_ref(const struct ref *r, double got, const char *test, const char *cs,
                      const char *qty, double tol) {
  check_close(got, ref1(r, test, cs, qty), tol, test, cs, qty);
}

/* A Lua-style table stored row-major with its row count. */
static double *ref_table(const struct ref *r, const char *name, size_t *nr, size_t *nc) {
  size_t n;
  *nr = (size_t)ref1(r, "data", name, "nrow");
  double *v = refvec(r, "data", name, "value", &n);
  *nc = n / *nr;
  return v;
}

static enum stats_alt alt_of(const char *name) {
  if (strstr(name, "less")) return STATS_LESS;
  if (strstr(name, "greater")) return STATS_GREATER;
  return STATS_TWO_SIDED;
}

static double conf_of(const char *name) { return strstr(name, "_90") ? 0.90 : 0.95; }

/* ===== t-tests ===== */

struct tcase {
  const char *name, *x, *y;
  int kind;   /* 0 one-sample, 1 paired, 2 Welch, 3 pooled */
  double mu;
};

static const struct tcase tcases[] = {
  {"welch", "x1", "y1", 2, 0},          {"welch_less", "x1", "y1", 2, 0},
  {"welch_greater_90", "x1", "y1", 2, 0}, {"welch_mu", "x1", "y1", 2, -1},
  {"welch_n3", "x3", "y3", 2, 0},       {"student", "x1", "y1", 3, 0},
  {"one", "x1", NULL, 0, 3},            {"one_n3", "x3", NULL, 0, 0},
  {"one_offset", "xoff", NULL, 0, 1e6 + 3}, {"paired", "pre", "post", 1, 0},
  {"paired_greater", "pre", "post", 1, 0},
};

static int run_tcase(const struct ref *ref, const struct tcase *c, double mu,
                     struct ttest_result *r) {
  size_t nx, ny = 0;
  double *x = refvec(ref, "data", c->x, "value", &nx), *y = NULL;
  if (c->y) y = refvec(ref, "data", c->y, "value", &ny);
  enum stats_alt alt = alt_of(c->name);
  double conf = conf_of(c->name);
  int st;
  if (c->kind == 0) st = ttest_one(x, nx, mu, alt, conf, r);
  else if (c->kind == 1) st = ttest_paired(x, y, nx, mu, alt, conf, r);
  else st = ttest_two(x, nx, y, ny, mu, c->kind == 3, alt, conf, r);
  free(x);
  free(y);
  return st;
}

static void test_ttest_matches_r(void **state) {
  const struct ref *ref = *state;
  for (size_t i = 0; i < sizeof tcases / sizeof *tcases; i++) {
    const struct tcase *c = &tcases[i];
    struct ttest_result r;
    assert_int_equal(run_tcase(ref, c, c->mu, &r), GSL_SUCCESS);
    check_ref(ref, r.statistic, "ttest", c->name, "statistic", TOL_CLOSED);
    check_ref(ref, r.df, "ttest", c->name, "parameter", TOL_CLOSED);
    check_ref(ref, r.p_value, "ttest", c->name, "p_value", TOL_CLOSED);
    check_ref(ref, r.conf_int[0], "ttest", c->name, "conf_lo", TOL_CLOSED);
    check_ref(ref, r.conf_int[1], "ttest", c->name, "conf_hi", TOL_CLOSED);
    size_t ne;
    double *e = refvec(ref, "ttest", c->name, "estimate", &ne);
    for (size_t k = 0; k < ne; k++)
      check_close(r.estimate[k], e[k], TOL_CLOSED, "ttest", c->name, "estimate");
    free(e);
  }
}

/* Test/interval duality: testing mu = a bound of the 1 - alpha interval
 * gives p = alpha (two-sided) -- statsmodels' agreement check. */
static void test_ttest_p_at_ci_bound_equals_alpha(void **state) {
  const struct ref *ref = *state;
  for (size_t i = 0; i < sizeof tcases / sizeof *tcases; i++) {
    const struct tcase *c = &tcases[i];
    struct ttest_result r, rb;
    assert_int_equal(run_tcase(ref, c, c->mu, &r), GSL_SUCCESS);
    double alpha = 1 - conf_of(c->name);
    for (int side = 0; side < 2; side++) {
      if (isinf(r.conf_int[side])) continue;
      assert_int_equal(run_tcase(ref, c, r.conf_int[side], &rb), GSL_SUCCESS);
      /* 1e-8: the bound carries the t quantile's own error (see TOL_CLOSED) */
      check_close(rb.p_value, alpha, 1e-8, "ttest_duality", c->name, side ? "hi" : "lo");
    }
  }
}

static void test_ttest_rejects_too_few_and_constant(void **state) {
  (void)state;
  struct ttest_result r;
  double one[1] = {2}, two[2] = {1, 2}, flat[3] = {5, 5, 5};
  assert_int_equal(ttest_one(one, 1, 0, STATS_TWO_SIDED, 0.95, &r), GSL_EINVAL);
  assert_int_equal(ttest_two(one, 1, two, 2, 0, 0, STATS_TWO_SIDED, 0.95, &r), GSL_EINVAL);
  /* pooled variance allows a single value in one group, as R */
  assert_int_equal(ttest_two(one, 1, two, 2, 0, 1, STATS_TWO_SIDED, 0.95, &r), GSL_SUCCESS);
  assert_int_equal(ttest_one(flat, 3, 0, STATS_TWO_SIDED, 0.95, &r), GSL_EDOM);
  assert_int_equal(ttest_one(two, 2, 0, STATS_TWO_SIDED, 1.0, &r), GSL_EINVAL);
  double bad[2] = {1, NAN};
  assert_int_equal(ttest_one(bad, 2, 0, STATS_TWO_SIDED, 0.95, &r), GSL_EINVAL);
}

/* ===== Contingency tables ===== */

static void test_chisq_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name, *tab;
    int correct;
  } cases[] = {{"tab2", "tab2", 1}, {"tab2_nocorrect", "tab2", 0}, {"tab2y", "tab2y", 1},
               {"tab23", "tab23", 1}, {"tab33", "tab33", 1}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t nr, nc;
    double *x = ref_table(ref, cases[i].tab, &nr, &nc);
    double *e = malloc(nr * nc * sizeof *e);
    assert_non_null(e);
    struct ctab_chisq_result r;
    assert_int_equal(ctab_chisq(x, nr, nc, cases[i].correct, &r, e), GSL_SUCCESS);
    check_ref(ref, r.statistic, "chisq", cases[i].name, "statistic", TOL_CLOSED);
    check_ref(ref, r.df, "chisq", cases[i].name, "parameter", TOL_CLOSED);
    check_ref(ref, r.p_value, "chisq", cases[i].name, "p_value", TOL_CLOSED);
    if (has_ref(ref, "chisq", cases[i].name, "expected")) {
      size_t ne;
      double *want = refvec(ref, "chisq", cases[i].name, "expected", &ne);
      assert_int_equal(ne, nr * nc);
      for (size_t k = 0; k < ne; k++)
        check_close(e[k], want[k], TOL_CLOSED, "chisq", cases[i].name, "expected");
      free(want);
    }
    free(e);
    free(x);
  }
}

static void test_chisq_yates_capped_and_zero_margin(void **state) {
  (void)state;
  struct ctab_chisq_result r;
  /* |O - E| = 0.263 < 0.5: R caps the correction, so X^2 is exactly 0 */
  double t[4] = {5, 4, 5, 5};
  assert_int_equal(ctab_chisq(t, 2, 2, 1, &r, NULL), GSL_SUCCESS);
  assert_true(r.yates > 0.26 && r.yates < 0.27);
  assert_true(r.statistic == 0);
  double z[6] = {1, 0, 2, 3, 0, 4};   /* empty middle column */
  assert_int_equal(ctab_chisq(z, 2, 3, 1, &r, NULL), GSL_EDOM);
}

static void test_fisher_2x2_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name, *tab;
    double or_null;
  } cases[] = {{"tab2", "tab2", 1}, {"tab2_less", "tab2", 1}, {"tab2_greater_90", "tab2", 1},
               {"tab2_or2", "tab2", 2}, {"tab2z", "tab2z", 1}, {"tab2h", "tab2h", 1},
               {"tab2s", "tab2s", 1}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t nr, nc;
    double *x = ref_table(ref, cases[i].tab, &nr, &nc);
    struct ctab_fisher_result r;
    assert_int_equal(ctab_fisher(x, nr, nc, cases[i].or_null, alt_of(cases[i].name),
                                 conf_of(cases[i].name), &r),
                     GSL_SUCCESS);
    assert_true(r.two_by_two);
    check_ref(ref, r.p_value, "fisher", cases[i].name, "p_value", TOL_CLOSED);
    check_ref(ref, r.estimate, "fisher", cases[i].name, "estimate", TOL_ROOT);
    check_ref(ref, r.conf_int[0], "fisher", cases[i].name, "conf_lo", TOL_ROOT);
    check_ref(ref, r.conf_int[1], "fisher", cases[i].name, "conf_hi", TOL_ROOT);
    free(x);
  }
}

static void test_fisher_rxc_matches_r(void **state) {
  const struct ref *ref = *state;
  static const char *const tabs[] = {"tab23", "tab33", "tab34", "tab25",
                                     "tab44", "tab0r", "tab52", "tab36"};
  for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++) {
    size_t nr, nc;
    double *x = ref_table(ref, tabs[i], &nr, &nc);
    struct ctab_fisher_result r;
    assert_int_equal(ctab_fisher(x, nr, nc, 1, STATS_TWO_SIDED, 0.95, &r), GSL_SUCCESS);
    /* R's FEXACT and the network here both sum exact hypergeometric
     * probabilities: closed-form tolerance */
    check_ref(ref, r.p_value, "fisher", tabs[i], "p_value", TOL_CLOSED);
    assert_true(isnan(r.estimate));
    free(x);
  }
}

static void test_fisher_rejects_non_integer_and_rxc_one_sided(void **state) {
  (void)state;
  struct ctab_fisher_result r;
  double frac[4] = {1.5, 2, 3, 4}, t23[6] = {1, 2, 3, 4, 5, 6};
  assert_int_equal(ctab_fisher(frac, 2, 2, 1, STATS_TWO_SIDED, 0.95, &r), GSL_EINVAL);
  assert_int_equal(ctab_fisher(t23, 2, 3, 1, STATS_LESS, 0.95, &r), GSL_EINVAL);
}

/* ===== Rank tests ===== */

static void test_ranksum_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name, *x, *y;
    double mu;
    int exact, correct;
  } cases[] = {
    {"exact", "x1", "y1", 0, RANKTEST_AUTO, 1},
    {"exact_less", "x1", "y1", 0, RANKTEST_AUTO, 1},
    {"exact_greater", "x1", "y1", 0, RANKTEST_AUTO, 1},
    {"exact_mu", "x1", "y1", -1.5, RANKTEST_AUTO, 1},
    {"n3", "x3", "y3", 0, RANKTEST_AUTO, 1},
    {"ties", "xt", "yt", 0, RANKTEST_AUTO, 1},
    {"ties_nocorrect", "xt", "yt", 0, RANKTEST_AUTO, 0},
    {"ties_greater", "xt", "yt", 0, RANKTEST_AUTO, 1},
    {"large", "xl", "yl", 0, RANKTEST_AUTO, 1},
    {"forced_approx", "x1", "y1", 0, RANKTEST_APPROX, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t nx, ny;
    double *x = refvec(ref, "data", cases[i].x, "value", &nx);
    double *y = refvec(ref, "data", cases[i].y, "value", &ny);
    struct ranktest_result r;
    assert_int_equal(ranktest_ranksum(x, nx, y, ny, cases[i].mu, alt_of(cases[i].name),
                                      cases[i].exact, cases[i].correct, &r),
                     GSL_SUCCESS);
    check_ref(ref, r.statistic, "ranksum", cases[i].name, "statistic", TOL_CLOSED);
    check_ref(ref, r.p_value, "ranksum", cases[i].name, "p_value", TOL_CLOSED);
    free(x);
    free(y);
  }
}

static void test_signrank_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name, *x, *y;
    double mu;
    int correct;
  } cases[] = {
    {"exact", "x1", NULL, 3, 1},        {"exact_less", "x1", NULL, 3, 1},
    {"n3", "x3", NULL, 0, 1},           {"zeros", "xz", NULL, 3, 1},
    {"paired", "pre", "post", 0, 1},    {"large", "xl", NULL, 5, 1},
    {"large_greater_nocorrect", "xl", NULL, 5, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t nx, ny;
    double *x = refvec(ref, "data", cases[i].x, "value", &nx), *y = NULL;
    struct ranktest_result r;
    int st;
    if (cases[i].y) {
      y = refvec(ref, "data", cases[i].y, "value", &ny);
      st = ranktest_paired(x, y, nx, cases[i].mu, alt_of(cases[i].name), RANKTEST_AUTO,
                           cases[i].correct, &r);
    } else {
      st = ranktest_signed(x, nx, cases[i].mu, alt_of(cases[i].name), RANKTEST_AUTO,
                           cases[i].correct, &r);
    }
    assert_int_equal(st, GSL_SUCCESS);
    check_ref(ref, r.statistic, "signrank", cases[i].name, "statistic", TOL_CLOSED);
    check_ref(ref, r.p_value, "signrank", cases[i].name, "p_value", TOL_CLOSED);
    free(x);
    free(y);
  }
}

static void test_exact_laws_are_distributions(void **state) {
  (void)state;
  /* P(W <= mn) = 1, symmetry P(W <= q) = P(W >= mn - q), and one hand
   * value: m = n = 2, W in {0,1,2,2,3,4}/6 so P(W <= 1) = 2/6 */
  assert_true(fabs(ranktest_pwilcox(4, 2, 2, 0) - 1) < 1e-15);
  assert_true(fabs(ranktest_pwilcox(1, 2, 2, 0) - 2.0 / 6) < 1e-15);
  assert_true(fabs(ranktest_pwilcox(7, 5, 4, 0) - ranktest_pwilcox(12, 5, 4, 1)) < 1e-15);
  /* signed rank n = 3: V in {0,1,2,3,3,4,5,6}/8, P(V <= 3) = 5/8 */
  assert_true(fabs(ranktest_psignrank(3, 3, 0) - 5.0 / 8) < 1e-15);
  double x[5] = {3, 1, 3, 2, 3}, rk[5];
  assert_int_equal(ranktest_rank(x, 5, rk), GSL_SUCCESS);
  assert_true(rk[0] == 4 && rk[1] == 1 && rk[2] == 4 && rk[3] == 2 && rk[4] == 4);
}

/* ===== Proportions ===== */

static void check_prop(const struct ref *ref, const char *test, const char *name,
                       const struct prop_result *r) {
  check_ref(ref, r->statistic, test, name, "statistic", TOL_CLOSED);
  if (has_ref(ref, test, name, "parameter"))
    check_ref(ref, r->df, test, name, "parameter", TOL_CLOSED);
  check_ref(ref, r->p_value, test, name, "p_value", TOL_CLOSED);
  check_ref(ref, r->conf_int[0], test, name, "conf_lo", TOL_CLOSED);
  check_ref(ref, r->conf_int[1], test, name, "conf_hi", TOL_CLOSED);
  size_t ne;
  double *e = refvec(ref, test, name, "estimate", &ne);
  for (size_t k = 0; k < ne; k++) check_close(r->estimate[k], e[k], TOL_CLOSED, test, name, "estimate");
  free(e);
}

static void test_prop_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name;
    double x, n, p0;
    int correct;
  } one[] = {{"yates", 15, 40, 0.5, 1}, {"plain", 15, 40, 0.5, 0}, {"less", 15, 40, 0.5, 1},
             {"greater_p3", 15, 40, 0.3, 1}, {"zero", 0, 12, 0.2, 1}, {"all", 12, 12, 0.5, 1},
             {"capped", 10, 21, 0.5, 1}};
  for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
    struct prop_result r;
    assert_int_equal(prop_test_one(one[i].x, one[i].n, one[i].p0, alt_of(one[i].name),
                                   conf_of(one[i].name), one[i].correct, &r),
                     GSL_SUCCESS);
    check_prop(ref, "prop1", one[i].name, &r);
  }
  static const struct {
    const char *name;
    double x1, n1, x2, n2;
    int correct;
  } two[] = {{"yates", 15, 50, 25, 48, 1}, {"plain", 15, 50, 25, 48, 0},
             {"less", 15, 50, 25, 48, 1}, {"greater_90", 15, 50, 25, 48, 1},
             {"zero", 3, 10, 0, 12, 1}};
  for (size_t i = 0; i < sizeof two / sizeof *two; i++) {
    struct prop_result r;
    assert_int_equal(prop_test_two(two[i].x1, two[i].n1, two[i].x2, two[i].n2,
                                   alt_of(two[i].name), conf_of(two[i].name), two[i].correct,
                                   &r),
                     GSL_SUCCESS);
    check_prop(ref, "prop2", two[i].name, &r);
  }
  struct prop_result z;
  assert_int_equal(prop_ztest_two(15, 50, 25, 48, STATS_TWO_SIDED, 0.95, &z), GSL_SUCCESS);
  check_prop(ref, "propz2", "basic", &z);
  /* agreement: the z test squared is prop.test's uncorrected X-squared */
  check_close(z.statistic * z.statistic, ref1(ref, "propz2", "basic", "chisq_plain"),
              TOL_CLOSED, "propz2", "basic", "z^2");
  assert_int_equal(prop_ztest_one(15, 40, 0.5, STATS_TWO_SIDED, 0.95, &z), GSL_SUCCESS);
  check_prop(ref, "propz1", "basic", &z);
}

static void test_prop_rejects_bad_counts(void **state) {
  (void)state;
  struct prop_result r;
  assert_int_equal(prop_test_one(5, 4, 0.5, STATS_TWO_SIDED, 0.95, 1, &r), GSL_EINVAL);
  assert_int_equal(prop_test_one(2, 4, 1.0, STATS_TWO_SIDED, 0.95, 1, &r), GSL_EINVAL);
  assert_int_equal(prop_test_two(0, 4, 0, 5, STATS_TWO_SIDED, 0.95, 1, &r), GSL_EDOM);
}

/* ===== Scales and correlation ===== */

static void test_alpha_matches_psych_formula(void **state) {
  const struct ref *ref = *state;
  static const char *const sets[] = {"items", "items3"};
  for (size_t i = 0; i < 2; i++) {
    size_t nr, nc;
    double *x = ref_table(ref, sets[i], &nr, &nc);
    struct scale_alpha a;
    assert_int_equal(scale_cronbach(x, nr, nc, &a), GSL_SUCCESS);
    check_ref(ref, a.raw_alpha, "alpha", sets[i], "raw_alpha", TOL_CLOSED);
    check_ref(ref, a.std_alpha, "alpha", sets[i], "std_alpha", TOL_CLOSED);
    check_ref(ref, a.average_r, "alpha", sets[i], "average_r", TOL_CLOSED);
    free(x);
  }
  double flat[6] = {1, 2, 1, 3, 1, 4};   /* item 1 constant */
  struct scale_alpha a;
  assert_int_equal(scale_cronbach(flat, 3, 2, &a), GSL_EDOM);
}

static void test_correlation_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *test, *name, *x, *y;
    size_t n;
    int exact;
  } cases[] = {
    {"pearson", "basic", "x1", "y1", 8, 0},
    {"pearson", "less", "x1", "y1", 8, 0},
    {"pearson", "greater_90", "x1", "y1", 8, 0},
    {"pearson", "n4", "x1", "y1", 4, 0},
    {"pearson", "n3", "x3", "y3", 3, 0},
    {"spearman", "exact8", "x1", "y1", 8, SCALE_SPEARMAN_AUTO},
    {"spearman", "exact8_less", "x1", "y1", 8, SCALE_SPEARMAN_AUTO},
    {"spearman", "n3", "x3", "y3", 3, SCALE_SPEARMAN_AUTO},
    {"spearman", "edgeworth12", "xs", "ys", 12, SCALE_SPEARMAN_AUTO},
    {"spearman", "edgeworth12_greater", "xs", "ys", 12, SCALE_SPEARMAN_AUTO},
    {"spearman", "tapprox12", "xs", "ys", 12, SCALE_SPEARMAN_T},
    {"spearman", "ties", "xt", "yt", 8, SCALE_SPEARMAN_AUTO},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t nx, ny;
    double *x = refvec(ref, "data", cases[i].x, "value", &nx);
    double *y = refvec(ref, "data", cases[i].y, "value", &ny);
    struct scale_cor r;
    enum stats_alt alt = alt_of(cases[i].name);
    int pearson = !strcmp(cases[i].test, "pearson");
    int st = pearson ? scale_pearson(x, y, cases[i].n, alt, conf_of(cases[i].name), &r)
                     : scale_spearman(x, y, cases[i].n, alt, cases[i].exact, &r);
    assert_int_equal(st, GSL_SUCCESS);
    check_ref(ref, r.estimate, cases[i].test, cases[i].name, "estimate", TOL_CLOSED);
    check_ref(ref, r.statistic, cases[i].test, cases[i].name, "statistic", TOL_CLOSED);
    check_ref(ref, r.p_value, cases[i].test, cases[i].name, "p_value", TOL_CLOSED);
    if (pearson) {
      check_ref(ref, r.df, cases[i].test, cases[i].name, "parameter", TOL_CLOSED);
      if (has_ref(ref, cases[i].test, cases[i].name, "conf_lo")) {
        /* R reports a one-sided bound as +-1 */
        check_ref(ref, r.conf_int[0], cases[i].test, cases[i].name, "conf_lo", TOL_CLOSED);
        check_ref(ref, r.conf_int[1], cases[i].test, cases[i].name, "conf_hi", TOL_CLOSED);
      } else {
        assert_true(isnan(r.conf_int[0]));
      }
    }
    free(x);
    free(y);
  }
}

/* ===== p.adjust ===== */

static void test_padjust_matches_r(void **state) {
  const struct ref *ref = *state;
  static const struct {
    const char *name;
    enum padjust_method m;
    size_t n;
  } cases[] = {{"bonferroni", PADJUST_BONFERRONI, 0}, {"holm", PADJUST_HOLM, 0},
               {"hochberg", PADJUST_HOCHBERG, 0},     {"BH", PADJUST_BH, 0},
               {"BY", PADJUST_BY, 0},                 {"holm_n10", PADJUST_HOLM, 10},
               {"BH_n10", PADJUST_BH, 10}};
  size_t np;
  double *p = refvec(ref, "data", "pv", "value", &np);
  double *out = malloc(np * sizeof *out);
  assert_non_null(out);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(padjust_apply(p, np, cases[i].n, cases[i].m, out), GSL_SUCCESS);
    size_t nw;
    double *want = refvec(ref, "padjust", cases[i].name, "adjusted", &nw);
    assert_int_equal(nw, np);
    for (size_t k = 0; k < np; k++)
      check_close(out[k], want[k], TOL_CLOSED, "padjust", cases[i].name, "adjusted");
    free(want);
  }
  assert_int_equal(padjust_apply(p, np, 3, PADJUST_HOLM, out), GSL_EINVAL);   /* n < 7 */
  free(out);
  free(p);
}

/* ===== Bootstrap ===== */

static double stat_mean(const size_t *idx, size_t n, void *ctx) {
  const double *x = ctx;
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[idx[i]];
  return s / (double)n;
}

struct ratio_ctx {
  const double *y, *m;
};

static double stat_ratio(const size_t *idx, size_t n, void *vctx) {
  const struct ratio_ctx *c = vctx;
  double sy = 0, sm = 0;
  for (size_t i = 0; i < n; i++) {
    sy += c->y[idx[i]];
    sm += c->m[idx[i]];
  }
  return sy / sm;
}

/* Replicates from R's own resamples (boot.array), then our intervals:
 * this checks norm.inter, BCa and the jackknife acceleration against
 * boot.ci(type = c("perc", "bca"), L = empinf(type = "jack")). */
static void compare_boot(const struct ref *ref, const char *cs, struct boot_design *d,
                         boot_stat_fn stat, void *ctx) {
  size_t units = boot_design_units(d), nt, ndraw;
  double *t_r = refvec(ref, "boot", cs, "t", &nt);
  double *draws = refvec(ref, "boot", cs, "draws", &ndraw);
  assert_int_equal(ndraw, nt * units);
  double *t = malloc(nt * sizeof *t);
  size_t *dr = malloc(units * sizeof *dr);
  assert_true(t && dr);
  for (size_t b = 0; b < nt; b++) {
    for (size_t u = 0; u < units; u++) dr[u] = (size_t)draws[b * units + u] - 1;
    t[b] = boot_design_eval(d, dr, stat, ctx);
    check_close(t[b], t_r[b], TOL_SUM, "boot", cs, "t");
  }
  for (size_t u = 0; u < units; u++) dr[u] = u;
  double t0 = boot_design_eval(d, dr, stat, ctx);
  check_ref(ref, t0, "boot", cs, "t0", TOL_SUM);
  double *tj = malloc(units * sizeof *tj);
  assert_non_null(tj);
  assert_int_equal(boot_jackknife(d, stat, ctx, tj), GSL_SUCCESS);
  double a = boot_acceleration(tj, units, t0);
  /* a is a ratio of sums of cubes of small differences: 1e-8 */
  check_ref(ref, a, "boot", cs, "a", TOL_CLOSED);
  static const struct {
    double conf;
    const char *perc, *bca;
  } levels[] = {{0.95, "perc", "bca"}, {0.90, "perc90", "bca90"}};
  for (size_t l = 0; l < 2; l++) {
    if (!has_ref(ref, "boot", cs, levels[l].perc)) continue;
    double ci[2], z0;
    size_t used;
    int extreme;
    size_t nw;
    assert_int_equal(boot_ci_percentile(t, nt, levels[l].conf, ci, &used, &extreme),
                     GSL_SUCCESS);
    assert_int_equal(used, nt);
    double *want = refvec(ref, "boot", cs, levels[l].perc, &nw);
    check_close(ci[0], want[0], TOL_CLOSED, "boot", cs, levels[l].perc);
    check_close(ci[1], want[1], TOL_CLOSED, "boot", cs, levels[l].perc);
    free(want);
    assert_int_equal(boot_ci_bca(t, nt, t0, a, levels[l].conf, ci, &z0, &used, &extreme),
                     GSL_SUCCESS);
    want = refvec(ref, "boot", cs, levels[l].bca, &nw);
    check_close(ci[0], want[0], TOL_CLOSED, "boot", cs, levels[l].bca);
    check_close(ci[1], want[1], TOL_CLOSED, "boot", cs, levels[l].bca);
    free(want);
    if (has_ref(ref, "boot", cs, "z0")) check_ref(ref, z0, "boot", cs, "z0", TOL_CLOSED);
  }
  free(tj);
  free(dr);
  free(t);
  free(draws);
  free(t_r);
}

static void test_boot_case_intervals_match_r_boot(void **state) {
  const struct ref *ref = *state;
  size_t n;
  double *x = refvec(ref, "data", "xb", "value", &n);
  struct boot_design *d;
  assert_int_equal(boot_design_new(n, NULL, 0, &d), GSL_SUCCESS);
  compare_boot(ref, "case_mean", d, stat_mean, x);
  boot_design_free(d);
  free(x);
}

/* Cluster numbers 0..G-1 in order of first appearance (R's unique()). */
static size_t dense_clusters(const double *cl, size_t n, size_t *out) {
  size_t g = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < i && cl[k] != cl[i]) k++;
    out[i] = k < i ? out[k] : g++;
  }
  return g;
}

static void test_boot_cluster_intervals_match_r_boot(void **state) {
  const struct ref *ref = *state;
  size_t n, nm, nc;
  double *y = refvec(ref, "data", "yc", "value", &n);
  double *m = refvec(ref, "data", "mc", "value", &nm);
  double *cl = refvec(ref, "data", "cl", "value", &nc);
  assert_int_equal(nm, n);
  assert_int_equal(nc, n);
  size_t *cid = malloc(n * sizeof *cid);
  assert_non_null(cid);
  size_t g = dense_clusters(cl, n, cid);
  struct boot_design *d;
  assert_int_equal(boot_design_new(n, cid, g, &d), GSL_SUCCESS);
  struct ratio_ctx ctx = {y, m};
  compare_boot(ref, "cluster_ratio", d, stat_ratio, &ctx);
  boot_design_free(d);
  free(cid);
  free(cl);
  free(m);
  free(y);
}

static void run_seeded(struct boot_design *d, unsigned long seed, const double *x, double *t,
                       struct boot_result *res) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(rng);
  gsl_rng_set(rng, seed);
  assert_int_equal(boot_run(d, rng, 300, stat_mean, (void *)x, 0.95, t, res), GSL_SUCCESS);
  gsl_rng_free(rng);
}

static void test_boot_same_seed_gives_identical_bytes(void **state) {
  const struct ref *ref = *state;
  size_t n;
  double *x = refvec(ref, "data", "xb", "value", &n);
  struct boot_design *d;
  assert_int_equal(boot_design_new(n, NULL, 0, &d), GSL_SUCCESS);
  double t1[300], t2[300], t3[300];
  struct boot_result r1, r2, r3;
  memset(&r1, 0, sizeof r1);
  memset(&r2, 0, sizeof r2);
  run_seeded(d, 12345, x, t1, &r1);
  run_seeded(d, 12345, x, t2, &r2);
  run_seeded(d, 12346, x, t3, &r3);
  assert_memory_equal(t1, t2, sizeof t1);
  assert_memory_equal(&r1, &r2, sizeof r1);
  assert_memory_not_equal(t1, t3, sizeof t1);
  assert_int_equal(r1.bca_status, GSL_SUCCESS);
  assert_true(r1.perc[0] < r1.t0 && r1.t0 < r1.perc[1]);
  boot_design_free(d);
  free(x);
}

/* Hand computation of norm.inter with R = 9 replicates 1..9:
 * conf 0.8 -> alpha 0.1, 0.9 -> (R+1) alpha = 1 and 9: exact order
 * statistics t(1) = 1 and t(9) = 9 (flagged extreme, as R warns).
 * conf 0.5 -> (R+1) alpha = 2.5, 7.5: between t(2), t(3) on the normal scale:
 * 2 + (z(.25) - z(.2)) / (z(.3) - z(.2)). */
static void test_boot_percentile_by_hand(void **state) {
  (void)state;
  double t[9] = {5, 3, 9, 1, 7, 2, 8, 4, 6}, ci[2];
  size_t used;
  int extreme;
  assert_int_equal(boot_ci_percentile(t, 9, 0.8, ci, &used, &extreme), GSL_SUCCESS);
  assert_true(ci[0] == 1 && ci[1] == 9 && extreme == 1);
  assert_int_equal(boot_ci_percentile(t, 9, 0.5, ci, &used, &extreme), GSL_SUCCESS);
  /* z(.2) = -0.8416212335729143, z(.25) = -0.6744897501960817,
   * z(.3) = -0.5244005127080407 (qnorm) */
  double lo = 2 + (-0.6744897501960817 + 0.8416212335729143) /
                      (-0.5244005127080407 + 0.8416212335729143);
  check_close(ci[0], lo, 1e-14, "boot", "hand", "lo");
  check_close(ci[1], 10 - lo, 1e-14, "boot", "hand", "hi");   /* symmetric */
  assert_int_equal(extreme, 0);
  /* non-finite replicates are dropped, as boot.ci does */
  double tn[10] = {5, 3, 9, 1, NAN, 7, 2, 8, 4, 6};
  assert_int_equal(boot_ci_percentile(tn, 10, 0.5, ci, &used, &extreme), GSL_SUCCESS);
  assert_int_equal(used, 9);
  check_close(ci[0], lo, 1e-14, "boot", "hand_nan", "lo");
}

static double stat_count_clusters(const size_t *idx, size_t n, void *ctx) {
  /* every resample must be a sequence of whole clusters, each cluster's
   * members in original order; here cluster c holds the observations
   * first[c] .. first[c + 1] - 1 */
  const size_t *first = ctx;
  for (size_t i = 0; i < n;) {
    size_t c = 0;
    while (first[c + 1] <= idx[i]) c++;
    if (idx[i] != first[c]) return NAN;
    for (size_t m = first[c]; m < first[c + 1]; m++, i++)
      if (i >= n || idx[i] != m) return NAN;
  }
  return (double)n;
}

static void test_boot_cluster_resamples_whole_clusters(void **state) {
  (void)state;
  size_t cl[7] = {0, 0, 0, 1, 2, 2, 3};   /* sizes 3, 1, 2, 1 */
  struct boot_design *d;
  assert_int_equal(boot_design_new(7, cl, 4, &d), GSL_SUCCESS);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 7);
  double t[50];
  size_t first[5] = {0, 3, 4, 6, 7};
  assert_int_equal(boot_replicates(d, rng, 50, stat_count_clusters, first, t), GSL_SUCCESS);
  for (size_t b = 0; b < 50; b++) assert_true(t[b] >= 4 && t[b] <= 12);
  double tj[4];
  assert_int_equal(boot_jackknife(d, stat_count_clusters, first, tj), GSL_SUCCESS);
  assert_true(tj[0] == 4 && tj[1] == 6 && tj[2] == 5 && tj[3] == 6);
  gsl_rng_free(rng);
  boot_design_free(d);
  size_t bad[3] = {0, 2, 2};   /* cluster 1 unused */
  assert_int_equal(boot_design_new(3, bad, 3, &d), GSL_EINVAL);
}

/* Brent's root finder (host/num/zeroin.c) on roots known in closed form or
 * to full precision: sqrt(2) and the fixed point of cos (Dottie number
 * 0.739085133215160641655...).  With R's tolerance the error is within
 * tol (the bracket is narrower than 2 eps |b| + tol / 2 when it stops);
 * with tol 1e-14 within a few ulps. */
static double f_sq2(double t, void *ctx) { (void)ctx; return t * t - 2; }
static double f_dottie(double t, void *ctx) { (void)ctx; return cos(t) - t; }

static void test_zeroin_finds_known_roots(void **state) {
  (void)state;
  double r = zeroin(0, 2, -2, 2, ZEROIN_R_TOL, ZEROIN_R_MAXITER, f_sq2, NULL);
  assert_true(fabs(r - M_SQRT2) <= ZEROIN_R_TOL);
  r = zeroin(0, 2, -2, 2, 1e-14, ZEROIN_R_MAXITER, f_sq2, NULL);
  assert_true(fabs(r - M_SQRT2) <= 1e-14);
  r = zeroin(0, 1, f_dottie(0, NULL), f_dottie(1, NULL), 1e-14, ZEROIN_R_MAXITER, f_dottie, NULL);
  assert_true(fabs(r - 0.739085133215160641655) <= 1e-14);
  /* an end point that is a root is returned as it is */
  assert_true(zeroin(-1, 3, 0, 5, ZEROIN_R_TOL, ZEROIN_R_MAXITER, f_sq2, NULL) == -1);
}

int main(void) {
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ttest_matches_r),
    cmocka_unit_test(test_ttest_p_at_ci_bound_equals_alpha),
    cmocka_unit_test(test_ttest_rejects_too_few_and_constant),
    cmocka_unit_test(test_chisq_matches_r),
    cmocka_unit_test(test_chisq_yates_capped_and_zero_margin),
    cmocka_unit_test(test_fisher_2x2_matches_r),
    cmocka_unit_test(test_fisher_rxc_matches_r),
    cmocka_unit_test(test_fisher_rejects_non_integer_and_rxc_one_sided),
    cmocka_unit_test(test_ranksum_matches_r),
    cmocka_unit_test(test_signrank_matches_r),
    cmocka_unit_test(test_exact_laws_are_distributions),
    cmocka_unit_test(test_prop_matches_r),
    cmocka_unit_test(test_prop_rejects_bad_counts),
    cmocka_unit_test(test_alpha_matches_psych_formula),
    cmocka_unit_test(test_correlation_matches_r),
    cmocka_unit_test(test_padjust_matches_r),
    cmocka_unit_test(test_boot_case_intervals_match_r_boot),
    cmocka_unit_test(test_boot_cluster_intervals_match_r_boot),
    cmocka_unit_test(test_boot_same_seed_gives_identical_bytes),
    cmocka_unit_test(test_boot_percentile_by_hand),
    cmocka_unit_test(test_boot_cluster_resamples_whole_clusters),
    cmocka_unit_test(test_zeroin_finds_known_roots),
  };
  return cmocka_run_group_tests(tests, ref_setup, ref_teardown);
}
