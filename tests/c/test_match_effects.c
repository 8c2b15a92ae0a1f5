/* tests/c/test_match_effects.c -- cmocka tests for inverse probability
 * weights (host/match/ipw.c), balance tables (host/match/balance.c) and effect
 * estimates (host/match/effect.c) against R in tests/reference/matching/
 * (make_effects.R: weights by definition, cobalt's balance formulas checked
 * against MatchIt's summary(), lm + sandwich/survey), and for the cohort
 * helpers (host/data/cohort.c) on small hand-made frames.  Run from the
 * repository root. */
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

#include "match/balance.h"
#include "data/cohort.h"
#include "match/effect.h"
#include "data/frame.h"
#include "match/ipw.h"
#include "refmatch.h"

/* Tolerances.  Weights, ESS and balance are closed forms of the same
 * doubles R used (the data carry 17 significant digits): 1e-12 relative.
 * Effects are least-squares fits by Householder QR here and LINPACK QR in
 * R, then sandwiches: 1e-10 relative, the style guide's closed-form
 * tolerance.  A value below 1% of the largest in its vector (an SMD that is
 * a difference of two means of 1.7) is compared relative to that 1%, since
 * the cancellation loses digits relative to the inputs, not to the result. */
#define TOL_CLOSED 1e-12
#define TOL_LS 1e-10

static struct rm_table EXP;
static struct rm_data D;

static size_t expect(const char *c, const char *q, double *out, size_t max) {
  size_t m = 0;
  for (size_t i = 0; i < EXP.nrow; i++)
    if (strcmp(rm_get(&EXP, i, "case"), c) == 0 && strcmp(rm_get(&EXP, i, "quantity"), q) == 0) {
      if (m < max) out[m] = strtod(rm_get(&EXP, i, "value"), NULL);
      m++;
    }
  if (m == 0) fail_msg("no reference %s/%s", c, q);
  return m;
}

static void check(const char *c, const char *q, const double *got, size_t m, double tol) {
  double *want = malloc(m * sizeof *want), big = 0;
  assert_non_null(want);
  assert_int_equal(expect(c, q, want, m), m);
  for (size_t i = 0; i < m; i++) if (isfinite(want[i]) && fabs(want[i]) > big) big = fabs(want[i]);
  for (size_t i = 0; i < m; i++) {
    if (isnan(want[i])) {
      if (!isnan(got[i])) fail_msg("%s/%s[%zu]: got %.17g, want NaN", c, q, i + 1, got[i]);
      continue;
    }
    double scale = fabs(want[i]) > 0.01 * big ? fabs(want[i]) : 0.01 * big;
    if (!(fabs(got[i] - want[i]) <= tol * scale))
      fail_msg("%s/%s[%zu]: got %.17g, want %.17g (tol %.0e)", c, q, i + 1, got[i], want[i], tol);
  }
  free(want);
}

static unsigned char *treat_of(void) {
  const double *t = rm_data_col(&D, "t");
  unsigned char *tr = malloc(D.nrow);
  assert_non_null(tr);
  for (size_t i = 0; i < D.nrow; i++) tr[i] = t[i] != 0;
  return tr;
}

/* ===== IPW ===== */

struct ipw_case {
  const char *name;
  enum ipw_estimand est;
  int stab;
  double tlo, thi, ulo, uhi;
};

static void test_ipw_reference(void **state) {
  (void)state;
  static const struct ipw_case cases[] = {
      {"ipw_att", IPW_ATT, 0, NAN, NAN, NAN, NAN},
      {"ipw_ate", IPW_ATE, 0, NAN, NAN, NAN, NAN},
      {"ipw_atc", IPW_ATC, 0, NAN, NAN, NAN, NAN},
      {"ipw_ate_stab", IPW_ATE, 1, NAN, NAN, NAN, NAN},
      {"ipw_ate_trim", IPW_ATE, 0, 0.02, 0.98, NAN, NAN},
      {"ipw_att_trunc", IPW_ATT, 0, NAN, NAN, NAN, 0.95},
      {"ipw_ate_all", IPW_ATE, 1, 0.01, 0.995, 0.01, 0.99},
  };
  unsigned char *tr = treat_of();
  const double *ps = rm_data_col(&D, "ps");
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const struct ipw_case *c = &cases[k];
    struct ipw_opts o = {c->est, c->stab, c->tlo, c->thi, c->ulo, c->uhi, 20};
    struct ipw_result r;
    char err[256];
    assert_int_equal(ipw_weights(ps, tr, D.nrow, &o, &r, err, sizeof err), GSL_SUCCESS);
    check(c->name, "weights", r.w, D.nrow, TOL_CLOSED);
    double ess[2] = {r.g[0].ess, r.g[1].ess}, sw[2] = {r.g[0].sum_w, r.g[1].sum_w};
    check(c->name, "ess", ess, 2, TOL_CLOSED);
    check(c->name, "sum_w", sw, 2, TOL_CLOSED);
    if (strcmp(c->name, "ipw_ate") == 0) {
      double sup[4] = {r.support_lo, r.support_hi, (double)r.g[0].n_outside, (double)r.g[1].n_outside};
      check(c->name, "support", sup, 4, 0);
      double h1[20], h0[20];
      for (int b = 0; b < 20; b++) {
        h1[b] = (double)r.bin_n[1][b];
        h0[b] = (double)r.bin_n[0][b];
      }
      check(c->name, "hist_n_treated", h1, 20, 0);
      check(c->name, "hist_n_control", h0, 20, 0);
    }
    ipw_result_fini(&r);
  }
  free(tr);
}

static void test_ipw_rejects_scores_of_0_or_1(void **state) {
  (void)state;
  double ps[4] = {0.2, 1.0, 0.5, 0.4};
  unsigned char tr[4] = {1, 1, 0, 0};
  struct ipw_opts o = {IPW_ATE, 0, NAN, NAN, NAN, NAN, 0};
  struct ipw_result r;
  char err[256];
  assert_int_equal(ipw_weights(ps, tr, 4, &o, &r, err, sizeof err), GSL_EDOM);
  assert_non_null(strstr(err, "row 2"));
  ps[1] = 0.3;
  o.trim_lo = 1.5;
  assert_int_equal(ipw_weights(ps, tr, 4, &o, &r, err, sizeof err), GSL_EINVAL);
}

/* ===== balance ===== */

static void bal_case(const char *name, const char *var, const char *wcol, enum balance_sd sd,
                     enum balance_var vk) {
  unsigned char *tr = treat_of();
  struct balance_opts o = {sd, vk, 0};
  struct balance_stat b;
  char err[256];
  assert_int_equal(balance_covariate(rm_data_col(&D, var), tr, NULL, rm_data_col(&D, wcol),
                                     D.nrow, &o, &b, err, sizeof err), GSL_SUCCESS);
  double un[5] = {b.mean[1], b.mean[0], b.sd_denom, b.smd, b.vr};
  double ad[4] = {b.mean_adj[1], b.mean_adj[0], b.smd_adj, b.vr_adj};
  check(name, "unadj", un, 5, TOL_CLOSED);
  check(name, "adj", ad, 4, TOL_CLOSED);
  free(tr);
}

static void test_balance_reference(void **state) {
  (void)state;
  static const char *const vars[] = {"x1", "x3", "b1"};
  char name[64];
  for (int v = 0; v < 3; v++) {
    snprintf(name, sizeof name, "bal_m4_%s", vars[v]);
    bal_case(name, vars[v], "w_m4", BALANCE_SD_TREATED, BALANCE_VAR_COBALT);
    snprintf(name, sizeof name, "bal_ate_%s", vars[v]);
    bal_case(name, vars[v], "w_ate", BALANCE_SD_POOLED, BALANCE_VAR_COBALT);
    snprintf(name, sizeof name, "bal_ate_sample_%s", vars[v]);
    bal_case(name, vars[v], "w_ate", BALANCE_SD_POOLED, BALANCE_VAR_SAMPLE);
    snprintf(name, sizeof name, "bal_r10_%s", vars[v]);
    bal_case(name, vars[v], "w_r10", BALANCE_SD_TREATED, BALANCE_VAR_COBALT);
  }
}

/* The No Wrong Door table's convention: pooled SD with n - 1 variances for
 * binaries too (Stata); FSM 18/47 treated against .0825881 of controls
 * gave .7542699 in Table 9.  The control count is not published; 4,488 of
 * 54,342 (about North Yorkshire's secondary roll) reproduces all seven
 * digits, and cobalt's p(1 - p) variances would give .7605 instead. */
static void test_balance_nwd_convention(void **state) {
  (void)state;
  size_t n1 = 47, n0 = 54342, n = n1 + n0;
  double *x = malloc(n * sizeof *x);
  unsigned char *tr = malloc(n);
  assert_true(x && tr);
  size_t c1 = 18, c0 = 4488;
  for (size_t i = 0; i < n; i++) {
    tr[i] = i < n1;
    x[i] = i < n1 ? (i < c1) : (i - n1 < c0);
  }
  struct balance_opts o = {BALANCE_SD_POOLED, BALANCE_VAR_SAMPLE, 0};
  struct balance_stat b;
  char err[128];
  assert_int_equal(balance_covariate(x, tr, NULL, NULL, n, &o, &b, err, sizeof err), GSL_SUCCESS);
  assert_float_equal(b.smd, 0.7542699, 5e-8);   /* the table prints 7 decimals */
  assert_true(isnan(b.smd_adj));
  o.var = BALANCE_VAR_COBALT;
  assert_int_equal(balance_covariate(x, tr, NULL, NULL, n, &o, &b, err, sizeof err), GSL_SUCCESS);
  assert_float_equal(b.smd, 0.7605, 5e-5);
  free(x);
  free(tr);
}

/* ===== effects ===== */

struct eff_case {
  const char *name, *w, *cluster;
  const char *adj[2];
  size_t q;
  int interact;
  enum effect_vcov vcov;
  double rescale, level;
};

static void test_effect_reference(void **state) {
  (void)state;
  static const struct eff_case cases[] = {
      {"eff_m4", "w_m4", "sub_m4", {NULL, NULL}, 0, 0, EFFECT_CR1, 1, 0.95},
      {"eff_m4_adj", "w_m4", "sub_m4", {"x1", "b1"}, 2, 0, EFFECT_CR1, 1, 0.95},
      {"eff_m4_interact", "w_m4", "sub_m4", {"x1", "b1"}, 2, 1, EFFECT_CR1, 1, 0.95},
      {"eff_m4_rescale", "w_m4", "sub_m4", {"x1", NULL}, 1, 0, EFFECT_CR1, 1.28, 0.9},
      {"eff_r10_hc3", "w_r10", NULL, {NULL, NULL}, 0, 0, EFFECT_HC3, 1, 0.95},
      {"eff_ate_hc0", "w_ate", NULL, {NULL, NULL}, 0, 0, EFFECT_HC0, 1, 0.95},
      {"eff_ate_hc1", "w_ate", NULL, {NULL, NULL}, 0, 0, EFFECT_HC1, 1, 0.95},
      {"eff_ate_svy_adj", "w_ate", NULL, {"x3", NULL}, 1, 0, EFFECT_SVY, 1, 0.95},
      {"eff_ate_trim_classical", "w_ate_trim", NULL, {"x3", NULL}, 1, 0, EFFECT_CLASSICAL, 1, 0.95},
  };
  unsigned char *tr = treat_of();
  size_t n = D.nrow, *cl = malloc(n * sizeof *cl);
  double *Z = malloc(2 * n * sizeof *Z);
  assert_true(cl && Z);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const struct eff_case *c = &cases[k];
    struct effect_spec s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.y = rm_data_col(&D, "y");
    s.treat = tr;
    s.w = rm_data_col(&D, c->w);
    for (size_t j = 0; j < c->q; j++) memcpy(Z + n * j, rm_data_col(&D, c->adj[j]), n * sizeof *Z);
    s.Z = c->q ? Z : NULL;
    s.q = c->q;
    s.interact = c->interact;
    s.target = EFFECT_ATT;
    if (c->cluster) {
      const double *sub = rm_data_col(&D, c->cluster);
      size_t G = 0;
      for (size_t i = 0; i < n; i++) {
        cl[i] = (size_t)sub[i];   /* 0 for unmatched rows, which have weight 0 */
        if (cl[i] + 1 > G) G = cl[i] + 1;
      }
      s.cluster = cl;
      s.G = G;
    }
    s.vcov = c->vcov;
    s.rescale_control = c->rescale;
    s.level = c->level;
    struct effect_result r;
    char err[256];
    int st = effect_estimate(&s, &r, err, sizeof err);
    if (st != GSL_SUCCESS) fail_msg("%s: %s", c->name, err);
    double got[7] = {r.estimate, r.se, r.statistic, r.df, r.p_value, r.conf_low, r.conf_high};
    check(c->name, "effect", got, 7, TOL_LS);
  }
  free(tr);
  free(cl);
  free(Z);
}

static void test_effect_errors(void **state) {
  (void)state;
  double y[4] = {1, 2, 3, 4};
  unsigned char tr[4] = {1, 1, 0, 0};
  size_t cl[4] = {0, 0, 0, 0};
  struct effect_spec s;
  memset(&s, 0, sizeof s);
  s.n = 4;
  s.y = y;
  s.treat = tr;
  s.cluster = cl;
  s.G = 1;
  s.vcov = EFFECT_CR1;
  s.rescale_control = 1;
  s.level = 0.95;
  struct effect_result r;
  char err[256];
  assert_int_equal(effect_estimate(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "at least 2"));
  unsigned char none[4] = {0, 0, 0, 0};
  s.treat = none;
  s.vcov = EFFECT_HC1;
  assert_int_equal(effect_estimate(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "no treated"));
}

/* ===== cohorts ===== */

static struct frame_col *col_i64(const char *name, const int64_t *v, size_t n) {
  struct frame_col *c = frame_col_new(name, FRAME_I64, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  memcpy(c->v.i64, v, n * sizeof *v);
  return c;
}

static struct frame_col *col_date(const char *name, const char *const *v, size_t n) {
  struct frame_col *c = frame_col_new(name, FRAME_DATE, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  for (size_t i = 0; i < n; i++) {
    if (v[i] == NULL) {
      assert_int_equal(frame_col_set_na(c, i, NA_BLANK), 0);
      continue;
    }
    assert_int_equal(frame_date_parse(v[i], strlen(v[i]), &c->v.date[i]), 0);
  }
  return c;
}

static struct frame_col *col_text(const char *name, const char *const *v, size_t n) {
  struct frame_col *c = frame_col_new(name, FRAME_CAT, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  for (size_t i = 0; i < n; i++) c->v.cat[i] = frame_dict_intern(c->dict, v[i], strlen(v[i]));
  return c;
}

static void test_cohort_first_event_and_windows(void **state) {
  (void)state;
  /* person 7: offences 2016-03-01 (drugs), 2016-01-10 (violence), 2016-05-01 (drugs);
   * person 3: 2015-12-31 (theft), a row without a date; person 9: none in people */
  static const int64_t id[6] = {7, 3, 7, 7, 3, 9};
  static const char *const dt[6] = {"2016-03-01", "2015-12-31", "2016-01-10", "2016-05-01", NULL,
                                    "2016-02-02"};
  static const char *const ty[6] = {"drugs", "theft", "violence", "drugs", "theft", "drugs"};
  struct frame *ev = frame_new();
  assert_non_null(ev);
  assert_int_equal(frame_add(ev, col_i64("id", id, 6)), 0);
  assert_int_equal(frame_add(ev, col_date("date", dt, 6)), 0);
  assert_int_equal(frame_add(ev, col_text("type", ty, 6)), 0);
  char err[256];
  struct frame *st = cohort_first_event(ev, "id", "date", 47, "start", err, sizeof err);
  if (!st) fail_msg("%s", err);
  assert_int_equal(st->nrow, 3);
  assert_int_equal(st->col[0]->v.i64[0], 3);   /* increasing id order */
  assert_int_equal(st->col[0]->v.i64[1], 7);
  int32_t want;
  assert_int_equal(frame_date_from_ymd(2016, 2, 16, &want), 0);   /* 2015-12-31 + 47 */
  assert_int_equal(st->col[1]->v.date[0], want);
  assert_int_equal(frame_date_from_ymd(2016, 2, 26, &want), 0);   /* 2016-01-10 + 47 */
  assert_int_equal(st->col[1]->v.date[1], want);
  /* windows around the pseudo start: before [-365, -1], after [0, 364] */
  struct cohort_window win[2] = {{"before", -365, -1}, {"after", 0, 364}};
  const char *types[2] = {"drugs", "violence"};
  struct frame *wc = cohort_window_counts(ev, "id", "date", "type", types, 2, st, "id", "start",
                                          win, 2, err, sizeof err);
  if (!wc) fail_msg("%s", err);
  assert_int_equal(wc->ncol, 7);   /* id, before, before_drugs, before_violence, after, ... */
  assert_string_equal(wc->col[2]->name, "before_drugs");
  /* person 3 (row 0): its one dated event is before the start */
  assert_int_equal(wc->col[1]->v.i64[0], 1);
  assert_int_equal(wc->col[4]->v.i64[0], 0);
  /* person 7 (row 1): violence before; drugs (03-01, 05-01) after */
  assert_int_equal(wc->col[1]->v.i64[1], 1);
  assert_int_equal(wc->col[3]->v.i64[1], 1);
  assert_int_equal(wc->col[4]->v.i64[1], 2);
  assert_int_equal(wc->col[5]->v.i64[1], 2);
  assert_int_equal(wc->col[6]->v.i64[1], 0);
  /* person 9: its only event made its start, 47 days later: before */
  assert_int_equal(wc->col[0]->v.i64[2], 9);
  assert_int_equal(wc->col[1]->v.i64[2], 1);
  assert_int_equal(wc->col[4]->v.i64[2], 0);
  frame_free(wc);
  struct cohort_window bad[1] = {{"oops", 5, 1}};
  assert_null(cohort_window_counts(ev, "id", "date", NULL, NULL, 0, st, "id", "start", bad, 1, err,
                                   sizeof err));
  assert_non_null(strstr(err, "starts after it ends"));
  assert_null(cohort_first_event(ev, "id", "type", 0, "start", err, sizeof err));
  assert_non_null(strstr(err, "not a date"));
  frame_free(st);
  frame_free(ev);
}

int main(void) {
  EXP = rm_load("effects_expected.csv");
  D = rm_data_file("effects_data.csv");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ipw_reference),
      cmocka_unit_test(test_ipw_rejects_scores_of_0_or_1),
      cmocka_unit_test(test_balance_reference),
      cmocka_unit_test(test_balance_nwd_convention),
      cmocka_unit_test(test_effect_reference),
      cmocka_unit_test(test_effect_errors),
      cmocka_unit_test(test_cohort_first_event_and_windows),
  };
  int rc = cmocka_run_group_tests_name("match_effects", tests, NULL, NULL);
  rm_free(&EXP);
  rm_data_free(&D);
  return rc;
}
