/* tests/c/test_match.c -- cmocka tests for nearest-neighbour matching
 * (host/match*.c): every case of tests/reference/matching/cases.csv against
 * the matched sets and weights R MatchIt 4.5.1 produced (make_matching.R);
 * the "__v451" cases (MatchIt 4.5.1's own, faulty, score path) against an
 * emulation of that code on csceval's scores; the k-d tree and the
 * sorted-score search against plain scans on data full of ties; R's random
 * permutation; the error reports.  Run from the repository root. */
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

#include "data/chunks.h"
#include "num/glm.h"
#include "match/match.h"
#include "match/match_int.h"
#include "refmatch.h"

/* Matched sets are compared exactly (same control rows for every treated
 * row; same slot, i.e. round, without replacement).  With replacement
 * MatchIt ranks candidates with the unstable std::partial_sort, so where it
 * holds a control csceval does not, csceval must hold one at exactly the
 * same distance (a tie at the ratio-th place, which csceval gives to the
 * lower row).  Weights: 1e-12
 * relative, because MatchIt sums 1/m and rescales in its own order of
 * operations.  Propensity scores: csceval's glm() and R's run the same IRLS
 * steps and agree far closer than the matching needs; 1e-8 relative is the
 * check that the same model was fitted. */
#define TOL_WEIGHT 1e-12
#define TOL_PS 1e-8

static struct rm_table CASES, MATCHES, WEIGHTS, PS;

struct case_state {
  size_t i;           /* row of CASES */
  char name[64];
};

/* ===== building a spec from a case ===== */

/* Stratum codes for the tuple of columns cols (codes in increasing tuple
 * order, as R's factor levels for numeric codes below 10). */
static int32_t *exact_codes(const struct rm_data *d, char **cols, size_t nc) {
  size_t n = d->nrow;
  size_t *idx = malloc(n * sizeof *idx);
  int32_t *code = malloc(n * sizeof *code);
  assert_non_null(idx);
  assert_non_null(code);
  const double *c[8];
  for (size_t j = 0; j < nc; j++) c[j] = rm_data_col(d, cols[j]);
  for (size_t i = 0; i < n; i++) idx[i] = i;
  /* insertion sort by tuple: small data sets */
  for (size_t a = 1; a < n; a++) {
    size_t v = idx[a], b = a;
    while (b > 0) {
      int lt = 0, eq = 1;
      for (size_t j = 0; j < nc && eq; j++)
        if (c[j][v] != c[j][idx[b - 1]]) { eq = 0; lt = c[j][v] < c[j][idx[b - 1]]; }
      if (!lt) break;
      idx[b] = idx[b - 1];
      b--;
    }
    idx[b] = v;
  }
  int32_t k = -1;
  for (size_t a = 0; a < n; a++) {
    int same = a > 0;
    for (size_t j = 0; j < nc && same; j++) same = c[j][idx[a]] == c[j][idx[a - 1]];
    if (!same) k++;
    code[idx[a]] = k;
  }
  free(idx);
  return code;
}

/* Propensity score from glm() on [1, covs]: probability or linear predictor. */
static double *fit_score(const struct rm_data *d, char **covs, size_t nc, const unsigned char *tr,
                         enum glm_link link, int linear) {
  size_t n = d->nrow, k = nc + 1;
  double *X = malloc(n * k * sizeof *X), *y = malloc(n * sizeof *y), *s = malloc(n * sizeof *s);
  assert_true(X && y && s);
  for (size_t i = 0; i < n; i++) {
    X[i] = 1;
    y[i] = tr[i];
  }
  for (size_t j = 0; j < nc; j++) memcpy(X + n * (j + 1), rm_data_col(d, covs[j]), n * sizeof *X);
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, link);
  struct glm_fit fit;
  assert_int_equal(glm_fit(X, n, k, y, NULL, NULL, 1, &o, &fit), GSL_SUCCESS);
  assert_true(fit.converged);
  memcpy(s, linear ? fit.eta : fit.mu, n * sizeof *s);
  glm_fini(&fit);
  free(X);
  free(y);
  return s;
}

/* A case's spec and the arrays it points to. */
struct built {
  struct rm_data d;
  struct match_spec s;
  unsigned char *tr, *disc;
  double *score, *X, *xweights, *calX, calw[8];
  int32_t *codes;
};

static void build_case(const struct case_state *cs, struct built *b) {
  size_t ci = cs->i;
  memset(b, 0, sizeof *b);
  b->d = rm_data_load(rm_get(&CASES, ci, "data"));
  struct rm_data *d = &b->d;
  size_t n = d->nrow;
  b->tr = malloc(n);
  assert_non_null(b->tr);
  const double *t = rm_data_col(d, "t");
  for (size_t i = 0; i < n; i++) b->tr[i] = t[i] != 0;
  char b1[256], b2[256], b3[256], b4[256], b5[256], b6[256];
  char *covs[16], *mah[16], *ex[8], *xw[16], *cv[8], *cw[8];
  size_t ncov = rm_words(rm_get(&CASES, ci, "covs"), b1, sizeof b1, covs, 16);
  size_t nmah = rm_words(rm_get(&CASES, ci, "mahvars"), b2, sizeof b2, mah, 16);
  size_t nex = rm_words(rm_get(&CASES, ci, "exact"), b3, sizeof b3, ex, 8);
  size_t nxw = rm_words(rm_get(&CASES, ci, "xweights"), b4, sizeof b4, xw, 16);
  size_t ncv = rm_words(rm_get(&CASES, ci, "calvars"), b5, sizeof b5, cv, 8);
  size_t ncw = rm_words(rm_get(&CASES, ci, "calwidths"), b6, sizeof b6, cw, 8);
  assert_int_equal(ncv, ncw);
  const char *dist = rm_get(&CASES, ci, "distance");
  struct match_spec *s = &b->s;
  s->n = n;
  s->treat = b->tr;
  s->ratio = (size_t)atoi(rm_get(&CASES, ci, "ratio"));
  s->replace = atoi(rm_get(&CASES, ci, "replace"));
  s->seed = (uint32_t)strtoul(rm_get(&CASES, ci, "seed"), NULL, 10);
  int linear = strncmp(dist, "linear.", 7) == 0;
  const char *link = linear ? dist + 7 : dist;
  if (strcmp(link, "logit") == 0 || strcmp(link, "probit") == 0 || strcmp(dist, "mahvars") == 0) {
    b->score = fit_score(d, covs, ncov, b->tr,
                         strcmp(link, "probit") == 0 ? GLM_PROBIT : GLM_LOGIT, linear);
    s->score = b->score;
  }
  char **xv = strcmp(dist, "mahvars") == 0 ? mah : covs;
  size_t nx = strcmp(dist, "mahvars") == 0 ? nmah : ncov;
  if (strcmp(dist, "mahalanobis") == 0 || strcmp(dist, "mahvars") == 0 || strcmp(dist, "wmaha") == 0) {
    b->X = malloc(n * nx * sizeof *b->X);
    assert_non_null(b->X);
    for (size_t j = 0; j < nx; j++) memcpy(b->X + n * j, rm_data_col(d, xv[j]), n * sizeof *b->X);
    s->X = b->X;
    s->p = nx;
    if (nxw > 0) {
      assert_int_equal(nxw, nx);
      b->xweights = malloc(nx * sizeof *b->xweights);
      assert_non_null(b->xweights);
      for (size_t j = 0; j < nx; j++) b->xweights[j] = strtod(xw[j], NULL);
      s->xweights = b->xweights;
    }
  }
  if (nex > 0) s->exact = b->codes = exact_codes(d, ex, nex);
  if (strcmp(rm_get(&CASES, ci, "discard"), "both") == 0) {
    b->disc = malloc(n);
    assert_non_null(b->disc);
    match_discard(b->score, b->tr, n, MATCH_DISCARD_BOTH, b->disc);
    s->discarded = b->disc;
  }
  s->caliper = strtod(rm_get(&CASES, ci, "caliper"), NULL);
  s->caliper_std = atoi(rm_get(&CASES, ci, "std_caliper"));
  if (ncv > 0) {
    b->calX = malloc(n * ncv * sizeof *b->calX);
    assert_non_null(b->calX);
    for (size_t j = 0; j < ncv; j++) {
      memcpy(b->calX + n * j, rm_data_col(d, cv[j]), n * sizeof *b->calX);
      b->calw[j] = strtod(cw[j], NULL);
    }
    s->cal_X = b->calX;
    s->ncal = ncv;
    s->cal_width = b->calw;
  }
  const char *ord = rm_get(&CASES, ci, "order");
  s->order = strcmp(ord, "data") == 0 ? MATCH_DATA : strcmp(ord, "largest") == 0 ? MATCH_LARGEST
           : strcmp(ord, "smallest") == 0 ? MATCH_SMALLEST : strcmp(ord, "random") == 0 ? MATCH_RANDOM
           : match_default_order(s, 0);
}

static void free_built(struct built *b) {
  free(b->tr);
  free(b->disc);
  free(b->score);
  free(b->X);
  free(b->xweights);
  free(b->calX);
  free(b->codes);
  rm_data_free(&b->d);
}

/* MatchIt's match matrix for a case: want[ti * K + slot] (rows, 0-based). */
static size_t *reference_mm(const char *name, const struct match_result *r, size_t *nref) {
  size_t K = r->ratio, *tix = malloc(r->n * sizeof *tix), *want = malloc(r->n1 * K * sizeof *want);
  assert_true(tix && want);
  for (size_t i = 0; i < r->n1; i++) tix[r->treated[i]] = i;
  for (size_t i = 0; i < r->n1 * K; i++) want[i] = MATCH_NONE;
  *nref = 0;
  for (size_t q = 0; q < MATCHES.nrow; q++) {
    if (strcmp(rm_get(&MATCHES, q, "case"), name) != 0) continue;
    size_t tr1 = (size_t)atol(rm_get(&MATCHES, q, "treated")) - 1;
    size_t slot = (size_t)atol(rm_get(&MATCHES, q, "slot")) - 1;
    want[tix[tr1] * K + slot] = (size_t)atol(rm_get(&MATCHES, q, "control")) - 1;
    (*nref)++;
  }
  free(tix);
  return want;
}

/* Distance csceval uses between rows t and c (for judging ties). */
static double case_dist(const struct match_spec *s, const struct match_maha *m, size_t t, size_t c,
                        double *work) {
  if (s->X) return match_maha_d2(m, t, c, work);
  return fabs(s->score[t] - s->score[c]);
}

static void emulate_v451(const struct match_spec *s, const struct match_result *r, size_t *mm);

static void test_reference_case(void **state) {
  const struct case_state *cs = *state;
  struct built b;
  build_case(cs, &b);
  struct match_spec *s = &b.s;
  size_t n = s->n;
  int v451 = strcmp(rm_get(&CASES, cs->i, "path"), "v451") == 0;
  if (s->score != NULL && !v451) {
    /* the same model as MatchIt: its distance column, row by row */
    double worst = 0;
    char key[64];
    snprintf(key, sizeof key, "%s:%s", rm_get(&CASES, cs->i, "data"), rm_get(&CASES, cs->i, "distance"));
    for (size_t r = 0; r < PS.nrow; r++) {
      if (strcmp(rm_get(&PS, r, "model"), key) != 0) continue;
      size_t row = (size_t)atol(rm_get(&PS, r, "row")) - 1;
      double want = strtod(rm_get(&PS, r, "distance"), NULL);
      double rel = fabs(s->score[row] - want) / fabs(want);
      if (rel > worst) worst = rel;
    }
    if (worst > TOL_PS) fail_msg("%s: propensity score differs from R's by %.3g (relative)", cs->name, worst);
  }
  struct match_result r;
  char err[256];
  int st = match_nearest(s, &r, err, sizeof err);
  if (st != GSL_SUCCESS) fail_msg("%s: match_nearest failed: %s", cs->name, err);
  size_t K = r.ratio, nref;
  size_t *want = reference_mm(cs->name, &r, &nref);
  if (v451) {
    /* MatchIt 4.5.1's own score code, emulated on csceval's scores and
     * order: must give MatchIt's output exactly. */
    size_t *emu = malloc(r.n1 * K * sizeof *emu);
    assert_non_null(emu);
    emulate_v451(s, &r, emu);
    for (size_t i = 0; i < r.n1 * K; i++) {
      size_t g = emu[i], w = want[i];
      if (s->replace) {   /* slots as sets */
        int found = w == MATCH_NONE;
        for (size_t l = 0; l < K && !found; l++) found = emu[(i / K) * K + l] == w;
        if (!found) fail_msg("%s: treated row %zu: emulation lacks MatchIt's row %zu", cs->name, r.treated[i / K] + 1, w + 1);
      } else if (g != w) {
        fail_msg("%s: treated row %zu slot %zu: emulation row %zu, MatchIt row %zu", cs->name,
                 r.treated[i / K] + 1, i % K + 1, g + 1, w + 1);
      }
    }
    free(emu);
    free(want);
    match_result_fini(&r);
    free_built(&b);
    return;
  }
  assert_int_equal(r.n1_matched, (size_t)atol(rm_get(&CASES, cs->i, "n_matched_treated")));
  size_t ngot = 0;
  for (size_t i = 0; i < r.n1 * K; i++) ngot += r.mm[i] != MATCH_NONE;
  if (ngot != nref) fail_msg("%s: %zu matches, MatchIt %zu", cs->name, ngot, nref);
  struct match_maha maha;
  memset(&maha, 0, sizeof maha);
  double *work = malloc(2 * (s->p + 1) * sizeof *work);
  assert_non_null(work);
  if (s->X) assert_int_equal(match_maha_init(&maha, s, err, sizeof err), GSL_SUCCESS);
  int ties_differ = 0;
  for (size_t i = 0; i < r.n1; i++) {
    size_t *g = r.mm + i * K, *w = want + i * K, t = r.treated[i];
    if (!s->replace) {
      for (size_t j = 0; j < K; j++)
        if (g[j] != w[j])
          fail_msg("%s: treated row %zu, control %zu: csceval row %zu, MatchIt row %zu", cs->name,
                   t + 1, j + 1, g[j] + 1, w[j] + 1);
      continue;
    }
    for (size_t j = 0; j < K; j++) {
      if (w[j] == MATCH_NONE) continue;
      int found = 0;
      for (size_t l = 0; l < K; l++) found |= g[l] == w[j];
      if (found) continue;
      /* A tie: one of csceval's controls that MatchIt lacks is exactly as near. */
      double dw = case_dist(s, &maha, t, w[j], work);
      int tie = 0;
      for (size_t l = 0; l < K && !tie; l++) {
        int theirs = 0;
        for (size_t q = 0; q < K; q++) theirs |= w[q] == g[l];
        if (!theirs && g[l] != MATCH_NONE) tie = case_dist(s, &maha, t, g[l], work) == dw;
      }
      if (!tie)
        fail_msg("%s: treated row %zu: MatchIt's control row %zu is not among csceval's", cs->name,
                 t + 1, w[j] + 1);
      ties_differ = 1;
    }
  }
  match_maha_fini(&maha);
  free(work);
  /* Weights (non-zero in the reference, zero elsewhere); only where the
   * sets agree exactly. */
  double *ww = calloc(n, sizeof *ww);
  assert_non_null(ww);
  for (size_t q = 0; q < WEIGHTS.nrow; q++) {
    if (strcmp(rm_get(&WEIGHTS, q, "case"), cs->name) != 0) continue;
    ww[atol(rm_get(&WEIGHTS, q, "row")) - 1] = strtod(rm_get(&WEIGHTS, q, "weight"), NULL);
  }
  if (!ties_differ)
    for (size_t i = 0; i < n; i++)
      if (fabs(r.weights[i] - ww[i]) > TOL_WEIGHT * fabs(ww[i]))
        fail_msg("%s: weight of row %zu: %.17g, MatchIt %.17g", cs->name, i + 1, r.weights[i], ww[i]);
  /* Subclasses: treated and its controls share one, unmatched have none. */
  if (!s->replace) {
    assert_non_null(r.subclass);
    for (size_t i = 0; i < r.n1; i++)
      for (size_t j = 0; j < K; j++)
        if (r.mm[i * K + j] != MATCH_NONE)
          assert_int_equal(r.subclass[r.mm[i * K + j]], r.subclass[r.treated[i]]);
    for (size_t i = 0; i < n; i++) assert_int_equal(r.subclass[i] == 0, r.weights[i] == 0);
  }
  match_result_fini(&r);
  free(ww);
  free(want);
  free_built(&b);
}

/* ===== MatchIt 4.5.1's nn_matchC_vec, emulated (for the __v451 cases) =====
 * Per exact stratum (R splits them): units sorted stably by score; each
 * treated unit in its stratum's order takes the nearer of the nearest usable
 * controls to its left and right, the left one on ties -- where "nearer"
 * compares abs() of the differences, which in 4.5.1 converts them to int
 * (also in the caliper tests), and the check "already matched to this unit"
 * compares a 0-based row with the 1-based rows it stored. */
static double int_abs(double x) { return (double)abs((int)x); }

static int cmp_keyed_up(const void *a, const void *b);
static void stratum_order(const struct match_spec *s, const size_t *rows, size_t nu,
                          struct match_rng *rng, size_t *ord, size_t *nord);

static void emulate_v451(const struct match_spec *s, const struct match_result *r, size_t *mm) {
  size_t n = s->n, K = s->ratio, *tix = malloc(n * sizeof *tix);
  size_t *rows = malloc(n * sizeof *rows), *srt = malloc(n * sizeof *srt), *ord = malloc(n * sizeof *ord);
  int *times = calloc(n, sizeof *times);
  unsigned char *cbm = malloc(n);
  size_t *local = malloc(n * sizeof *local);
  assert_true(tix && rows && srt && ord && times && cbm && local);
  for (size_t i = 0; i < r->n1; i++) tix[r->treated[i]] = i;
  for (size_t i = 0; i < r->n1 * K; i++) mm[i] = MATCH_NONE;
  double cal = r->caliper;
  struct match_rng rng;
  match_rng_seed(&rng, s->seed);
  int32_t G = 0;
  for (size_t i = 0; i < n; i++) if (s->exact && s->exact[i] + 1 > G) G = s->exact[i] + 1;
  if (!s->exact) G = 1;
  for (int32_t g = 0; g < G; g++) {
    size_t nu = 0, nord;
    for (size_t i = 0; i < n; i++) if (!s->exact || s->exact[i] == g) { local[i] = nu; rows[nu++] = i; }
    stratum_order(s, rows, nu, &rng, ord, &nord);
    if (nord == 0) continue;
    memcpy(srt, rows, nu * sizeof *srt);
    for (size_t a = 1; a < nu; a++) {   /* stable by score */
      size_t v = srt[a], q = a;
      while (q > 0 && s->score[srt[q - 1]] > s->score[v]) { srt[q] = srt[q - 1]; q--; }
      srt[q] = v;
    }
    int any = 0;
    for (size_t q = 0; q < nu; q++) {
      cbm[q] = !s->treat[srt[q]] && !(s->discarded && s->discarded[srt[q]]);
      any |= cbm[q];
    }
    int reuse_max = s->replace ? 2147483647 : 1;
    for (size_t round = 0; round < K && any; round++)
      for (size_t i = 0; i < nord && any; i++) {
        size_t t = ord[i], ii = 0, *row = mm + tix[t] * K;
        if (s->discarded && s->discarded[t]) continue;
        while (srt[ii] != t) ii++;
        double dt = s->score[t];
        ptrdiff_t kl = -1, kr = -1;
        for (int side = 0; side < 2; side++) {
          ptrdiff_t q = side == 0 ? (ptrdiff_t)ii - 1 : (ptrdiff_t)ii + 1, step = side == 0 ? -1 : 1;
          for (; q >= 0 && q < (ptrdiff_t)nu; q += step) {
            size_t c = srt[q];
            if (s->treat[c]) continue;
            /* R stored 1-based positions within the stratum and compares
             * them with a 0-based one: it skips the unit after a match. */
            int dup = 0;
            for (size_t j = 0; j < round; j++) dup |= row[j] != MATCH_NONE && local[row[j]] + 1 == local[c];
            if (round > 0 && dup) continue;
            if (!cbm[q]) continue;
            if (!isnan(cal) && int_abs(dt - s->score[c]) > cal) break;
            int okc = 1;
            for (size_t j = 0; j < s->ncal; j++) {
              const double *x = s->cal_X + n * j;
              if (int_abs(x[t] - x[c]) > r->cal_raw[j]) okc = 0;
            }
            if (!okc) continue;
            if (side == 0) kl = q; else kr = q;
            break;
          }
        }
        ptrdiff_t k;
        if (kl >= 0 && kr >= 0)
          k = int_abs(s->score[srt[kl]] - dt) <= int_abs(s->score[srt[kr]] - dt) ? kl : kr;
        else if (kl >= 0) k = kl;
        else if (kr >= 0) k = kr;
        else continue;
        row[round] = srt[k];
        if (++times[srt[k]] >= reuse_max) cbm[k] = 0;
        any = 0;
        for (size_t q = 0; q < nu; q++) any |= cbm[q];
      }
  }
  free(tix);
  free(rows);
  free(srt);
  free(ord);
  free(times);
  free(cbm);
  free(local);
}

/* The stratum's treated rows in matching order, as match.c does it. */
struct keyed_t { double v; size_t row; };
static int cmp_keyed_up(const void *a, const void *b) {
  const struct keyed_t *x = a, *y = b;
  if (x->v != y->v) return x->v < y->v ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}
static int cmp_keyed_down(const void *a, const void *b) {
  const struct keyed_t *x = a, *y = b;
  if (x->v != y->v) return x->v > y->v ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}
static void stratum_order(const struct match_spec *s, const size_t *rows, size_t nu,
                          struct match_rng *rng, size_t *ord, size_t *nord) {
  size_t k = 0;
  for (size_t q = 0; q < nu; q++) if (s->treat[rows[q]]) ord[k++] = rows[q];
  *nord = k;
  enum match_order o = s->replace ? MATCH_DATA : s->order;
  if (o == MATCH_RANDOM && k > 0) {
    size_t *perm = malloc(k * sizeof *perm), *work = malloc(k * sizeof *work), *cp = malloc(k * sizeof *cp);
    assert_true(perm && work && cp);
    memcpy(cp, ord, k * sizeof *cp);
    match_rng_perm(rng, k, perm, work);
    for (size_t q = 0; q < k; q++) ord[q] = cp[perm[q]];
    free(perm); free(work); free(cp);
  } else if (o == MATCH_LARGEST || o == MATCH_SMALLEST) {
    struct keyed_t *kk = malloc((k ? k : 1) * sizeof *kk);
    assert_non_null(kk);
    for (size_t q = 0; q < k; q++) { kk[q].v = s->score[ord[q]]; kk[q].row = ord[q]; }
    qsort(kk, k, sizeof *kk, o == MATCH_LARGEST ? cmp_keyed_down : cmp_keyed_up);
    for (size_t q = 0; q < k; q++) ord[q] = kk[q].row;
    free(kk);
  }
}

/* ===== brute force: MatchIt's algorithms written plainly ===== */

/* Covariate calipers given in data units (cal_std 0), checked plainly. */
static int brute_cal_ok(const struct match_spec *s, size_t t, size_t c) {
  for (size_t j = 0; j < s->ncal; j++) {
    assert_true(s->cal_std != NULL && s->cal_std[j] == 0);
    const double *x = s->cal_X + s->n * j;
    if (!(fabs(x[c] - x[t]) <= s->cal_width[j])) return 0;
  }
  return 1;
}

/* nn_matchC: rounds over a scan of every control (no tree). */
static void brute_maha(const struct match_spec *s, const size_t *ord, size_t n1, size_t *mm) {
  struct match_maha m;
  char err[128];
  assert_int_equal(match_maha_init(&m, s, err, sizeof err), GSL_SUCCESS);
  size_t n = s->n, K = s->ratio, *tix = malloc(n * sizeof *tix);
  unsigned char *used = calloc(n, 1);
  double *work = malloc(2 * s->p * sizeof *work);
  assert_true(tix && used && work);
  for (size_t i = 0, k = 0; i < n; i++) if (s->treat[i]) tix[i] = k++;
  for (size_t i = 0; i < n1 * K; i++) mm[i] = MATCH_NONE;
  if (!s->replace) {
    for (size_t round = 0; round < K; round++)
      for (size_t i = 0; i < n1; i++) {
        size_t t = ord[i], best = MATCH_NONE;
        double bd = INFINITY;
        for (size_t c = 0; c < n; c++) {
          if (s->treat[c] || used[c]) continue;
          if (s->exact && s->exact[c] != s->exact[t]) continue;
          if (!brute_cal_ok(s, t, c)) continue;
          double d2 = match_maha_d2(&m, t, c, work);
          if (d2 < bd) { bd = d2; best = c; }   /* strict: first (lowest) row wins ties */
        }
        if (best != MATCH_NONE) {
          mm[tix[t] * K + round] = best;
          used[best] = 1;
        }
      }
  } else {
    for (size_t i = 0; i < n1; i++) {
      size_t t = ord[i];
      for (size_t j = 0; j < K; j++) {
        size_t best = MATCH_NONE;
        double bd = INFINITY;
        for (size_t c = 0; c < n; c++) {
          if (s->treat[c] || used[c]) continue;
          if (s->exact && s->exact[c] != s->exact[t]) continue;
          if (!brute_cal_ok(s, t, c)) continue;
          double d2 = match_maha_d2(&m, t, c, work);
          if (d2 < bd) { bd = d2; best = c; }
        }
        if (best == MATCH_NONE) break;
        mm[tix[t] * K + j] = best;
        used[best] = 1;   /* taken for this treated unit only */
      }
      for (size_t j = 0; j < K; j++) if (mm[tix[t] * K + j] != MATCH_NONE) used[mm[tix[t] * K + j]] = 0;
    }
  }
  match_maha_fini(&m);
  free(tix);
  free(used);
  free(work);
}

/* Sorts rows of one set ascending (for set comparison). */
static int cmp_sz(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* The k-d tree search equals the plain scan on integer data with many exact
 * and mirror-image ties, with and without replacement and exact strata. */
static void test_kd_equals_brute_force(void **state) {
  (void)state;
  size_t n = 900, p = 3;
  double *X = malloc(n * p * sizeof *X);
  unsigned char *tr = malloc(n);
  int32_t *ex = malloc(n * sizeof *ex);
  assert_true(X && tr && ex);
  uint32_t lcg = 12345;
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < p; j++) {
      lcg = 1664525u * lcg + 1013904223u;
      X[i + n * j] = (double)((lcg >> 16) % (j == 0 ? 12 : j == 1 ? 2 : 6));
    }
    lcg = 1664525u * lcg + 1013904223u;
    tr[i] = (lcg >> 16) % 9 == 0;
    ex[i] = (int32_t)((lcg >> 20) % 3);
  }
  double xw[3] = {1, 2, 0.5};
  for (int variant = 0; variant < 4; variant++) {
    struct match_spec s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.treat = tr;
    s.X = X;
    s.p = p;
    s.xweights = variant & 1 ? xw : NULL;
    s.exact = variant & 2 ? ex : NULL;
    s.ratio = 3;
    for (int repl = 0; repl < 2; repl++) {
      s.replace = repl;
      s.order = MATCH_DATA;
      struct match_result r;
      char err[128];
      assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_SUCCESS);
      size_t *mm = malloc(r.n1 * 3 * sizeof *mm);
      assert_non_null(mm);
      brute_maha(&s, r.treated, r.n1, mm);
      for (size_t i = 0; i < r.n1; i++) {
        size_t *g = r.mm + 3 * i, *w = mm + 3 * i;
        if (repl) {   /* with replacement csceval lists fewer-than-k sets in row order */
          qsort(g, 3, sizeof *g, cmp_sz);
          qsort(w, 3, sizeof *w, cmp_sz);
        }
        for (size_t j = 0; j < 3; j++)
          if (g[j] != w[j])
            fail_msg("variant %d replace %d: treated row %zu slot %zu: tree %zu, scan %zu", variant,
                     repl, r.treated[i], j, g[j], w[j]);
      }
      free(mm);
      match_result_fini(&r);
    }
  }
  free(X);
  free(tr);
  free(ex);
}

/* The compact tree (single-precision coordinates, 32-bit rows, covariates
 * read in place) equals the plain scan in double: an int64 column with many
 * ties and a float64 column whose values differ by less than single
 * precision can tell once standardised (one far outlier makes its SD huge,
 * so thousands of distinct rows share a float coordinate and only the
 * widened pruning finds the true nearest); a covariate weight so large that
 * the coordinates overflow single precision (the tree then prunes nothing);
 * ratio 1, 3 and 10, where strata run out of controls (k > available); with
 * and without replacement, exact strata, and a caliper on the tied integer
 * covariate (eligibility that differs between duplicates' neighbours).  The in-place columns (xcol)
 * give the same sets, distances and weights as the copied matrix (X). */
static void test_kd_compact_equals_brute_force(void **state) {
  (void)state;
  size_t n = 2400, p = 2;
  double *X = malloc(n * p * sizeof *X);
  int64_t *icol = malloc(n * sizeof *icol);
  unsigned char *tr = malloc(n);
  int32_t *ex = malloc(n * sizeof *ex);
  assert_true(X && icol && tr && ex);
  uint32_t lcg = 777;
  for (size_t i = 0; i < n; i++) {
    lcg = 1664525u * lcg + 1013904223u;
    icol[i] = (int64_t)((lcg >> 16) % 25);
    X[i] = (double)icol[i];
    lcg = 1664525u * lcg + 1013904223u;
    X[n + i] = i == 17 ? 1e9 : (double)((lcg >> 12) % 1000) / 1000.0;
    lcg = 1664525u * lcg + 1013904223u;
    tr[i] = (lcg >> 16) % 7 == 0;
    /* stratum 2 holds few controls: ratio 10 runs out there */
    ex[i] = i % 50 == 0 ? 2 : (int32_t)((lcg >> 20) % 2);
    if (ex[i] == 2) tr[i] = i % 100 == 0 || i % 150 == 0;
  }
  struct match_col xc[2] = {{NULL, icol}, {X + n, NULL}};
  double xw_big[2] = {1e78, 1};   /* coordinates beyond FLT_MAX */
  size_t ratios[3] = {1, 3, 10};
  double cal_w = 1;
  unsigned char cal_std = 0;
  for (int variant = 0; variant < 5; variant++)
    for (int ri = 0; ri < 3; ri++)
      for (int repl = 0; repl < 2; repl++) {
        struct match_spec s;
        memset(&s, 0, sizeof s);
        s.n = n;
        s.treat = tr;
        s.X = X;
        s.p = p;
        s.xweights = variant == 3 ? xw_big : NULL;
        s.exact = variant & 1 ? ex : NULL;
        if (variant == 4) {   /* |difference| <= 1 on the integer covariate */
          s.cal_X = X;
          s.ncal = 1;
          s.cal_width = &cal_w;
          s.cal_std = &cal_std;
        }
        s.ratio = ratios[ri];
        s.replace = repl;
        s.order = MATCH_DATA;
        struct match_result r, rc;
        char err[128];
        assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_SUCCESS);
        struct match_spec sc = s;
        sc.X = NULL;
        sc.xcol = xc;
        assert_int_equal(match_nearest(&sc, &rc, err, sizeof err), GSL_SUCCESS);
        size_t K = s.ratio, *mm = malloc(r.n1 * K * sizeof *mm);
        assert_non_null(mm);
        brute_maha(&s, r.treated, r.n1, mm);
        size_t short_sets = 0;
        for (size_t i = 0; i < r.n1; i++) {
          size_t *g = r.mm + K * i, *w = mm + K * i, got = 0;
          for (size_t j = 0; j < K; j++) {
            got += g[j] != MATCH_NONE;
            assert_true(rc.mm[K * i + j] == g[j]);
            assert_true(rc.dist[K * i + j] == r.dist[K * i + j] ||
                        (isnan(rc.dist[K * i + j]) && isnan(r.dist[K * i + j])));
          }
          short_sets += got > 0 && got < K;
          if (repl) {
            qsort(g, K, sizeof *g, cmp_sz);
            qsort(w, K, sizeof *w, cmp_sz);
          }
          for (size_t j = 0; j < K; j++)
            if (g[j] != w[j])
              fail_msg("variant %d ratio %zu replace %d: treated row %zu slot %zu: tree %zu, scan %zu",
                       variant, K, repl, r.treated[i], j, g[j], w[j]);
        }
        /* exact strata with ratio 10: stratum 2 runs out of controls */
        if (s.exact && K == 10 && !repl) assert_true(short_sets > 0);
        for (size_t i = 0; i < n; i++) assert_true(rc.weights[i] == r.weights[i]);
        free(mm);
        match_result_fini(&r);
        match_result_fini(&rc);
      }
  free(X);
  free(icol);
  free(tr);
  free(ex);
}

/* A tree of more than KD_TASK_MIN (65,536) controls, built as subtrees on
 * threads, with treated units' candidate lists searched on threads
 * (match_nn.c): the matched sets equal the plain scan, and the sets,
 * distances and weights are the same bytes on 1, 2 and 3 threads.  Values
 * on a coarse grid give many exact and mirror-image ties and many treated
 * units competing for the same controls (lists used up and refilled). */
static void test_kd_large_threads(void **state) {
  (void)state;
  size_t n = 70000, p = 2;
  double *X = malloc(n * p * sizeof *X);
  unsigned char *tr = malloc(n);
  assert_true(X && tr);
  uint32_t lcg = 4242;
  for (size_t i = 0; i < n; i++) {
    lcg = 1664525u * lcg + 1013904223u;
    X[i] = (double)((lcg >> 8) % 400) / 10.0;
    lcg = 1664525u * lcg + 1013904223u;
    X[n + i] = (double)((lcg >> 8) % 250);
    lcg = 1664525u * lcg + 1013904223u;
    /* treated cluster in one corner, where they run through their lists */
    tr[i] = (lcg >> 16) % 300 == 0 || (X[i] < 3 && X[n + i] < 20 && (lcg >> 16) % 2 == 0);
  }
  for (int repl = 0; repl < 2; repl++) {
    struct match_spec s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.treat = tr;
    s.X = X;
    s.p = p;
    s.ratio = 2;
    s.replace = repl;
    s.order = MATCH_DATA;
    struct match_result r[3];
    char err[128];
    for (size_t th = 1; th <= 3; th++) {
      chunks_set_threads(th);
      assert_int_equal(match_nearest(&s, &r[th - 1], err, sizeof err), GSL_SUCCESS);
    }
    chunks_set_threads(0);
    size_t n1 = r[0].n1, K = s.ratio;
    assert_true(n1 > 300);
    for (size_t th = 1; th < 3; th++) {
      assert_memory_equal(r[th].mm, r[0].mm, n1 * K * sizeof *r[0].mm);
      assert_memory_equal(r[th].dist, r[0].dist, n1 * K * sizeof *r[0].dist);
      assert_memory_equal(r[th].weights, r[0].weights, n * sizeof *r[0].weights);
    }
    size_t *mm = malloc(n1 * K * sizeof *mm);
    assert_non_null(mm);
    brute_maha(&s, r[0].treated, n1, mm);
    for (size_t i = 0; i < n1; i++) {
      size_t *g = r[0].mm + K * i, *w = mm + K * i;
      if (repl) {
        qsort(g, K, sizeof *g, cmp_sz);
        qsort(w, K, sizeof *w, cmp_sz);
      }
      for (size_t j = 0; j < K; j++)
        if (g[j] != w[j])
          fail_msg("replace %d: treated row %zu slot %zu: tree %zu, scan %zu", repl,
                   r[0].treated[i], j, g[j], w[j]);
    }
    free(mm);
    for (int th = 0; th < 3; th++) match_result_fini(&r[th]);
  }
  free(X);
  free(tr);
}

/* nn_matchC on the score, plainly: rounds, a scan of every control, the
 * smallest |score difference| with ties to the lowest row. */
static void brute_score(const struct match_spec *s, const size_t *ord, size_t n1, double cal,
                        size_t *mm) {
  size_t n = s->n, K = s->ratio, *tix = malloc(n * sizeof *tix);
  unsigned char *used = calloc(n, 1);
  assert_true(tix && used);
  for (size_t i = 0, k = 0; i < n; i++) if (s->treat[i]) tix[i] = k++;
  for (size_t i = 0; i < n1 * K; i++) mm[i] = MATCH_NONE;
  for (size_t round = 0; round < K; round++)
    for (size_t i = 0; i < n1; i++) {
      size_t t = ord[i], *row = mm + tix[t] * K, best = MATCH_NONE;
      double bd = INFINITY;
      for (size_t c = 0; c < n; c++) {
        if (s->treat[c] || used[c]) continue;
        if (s->exact && s->exact[c] != s->exact[t]) continue;
        int dup = 0;
        for (size_t j = 0; j < round; j++) dup |= row[j] == c;
        if (dup) continue;
        double d = fabs(s->score[t] - s->score[c]);
        if (!isnan(cal) && !(d <= cal)) continue;
        if (d < bd) { bd = d; best = c; }
      }
      if (best == MATCH_NONE) continue;
      row[round] = best;
      if (!s->replace) used[best] = 1;
    }
  free(tix);
  free(used);
}

/* The union-find search equals the plain scan, on scores with many ties;
 * an even and an odd number of units (the radix sort fills each bucket from
 * both ends), and in the second round scores of both signs with -0 and +0
 * (equal, as in R). */
static void test_score_equals_brute_force(void **state) {
  (void)state;
  for (size_t n = 1200; n <= 1201; n++) {
  double *sc = malloc(n * sizeof *sc);
  unsigned char *tr = malloc(n);
  int32_t *ex = malloc(n * sizeof *ex);
  assert_true(sc && tr && ex);
  uint32_t lcg = 777;
  for (size_t i = 0; i < n; i++) {
    lcg = 1664525u * lcg + 1013904223u;
    sc[i] = (double)((lcg >> 16) % 200) / 256.0;   /* dyadic: exact ties and mirror ties */
    if (n % 2) sc[i] -= 100.0 / 256;
    lcg = 1664525u * lcg + 1013904223u;
    tr[i] = (lcg >> 16) % 5 == 0;
    ex[i] = (int32_t)((lcg >> 22) % 2);
  }
  if (n % 2)
    for (size_t i = 0; i < n; i += 9)
      if (sc[i] == 0) sc[i] = (i / 9) % 2 ? -0.0 : 0.0;
  for (int variant = 0; variant < 8; variant++) {
    struct match_spec s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.treat = tr;
    s.score = sc;
    s.ratio = 2;
    s.replace = variant & 1;
    s.exact = variant & 2 ? ex : NULL;
    s.caliper = variant & 4 ? 0.02 : 0;
    s.order = s.replace ? MATCH_DATA : MATCH_LARGEST;
    struct match_result r;
    char err[128];
    assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_SUCCESS);
    /* the same treated order as match.c's stable "largest" */
    size_t *ord = malloc(r.n1 * sizeof *ord), *mm = malloc(r.n1 * 2 * sizeof *mm);
    assert_true(ord && mm);
    memcpy(ord, r.treated, r.n1 * sizeof *ord);
    if (!s.replace)
      for (size_t a = 1; a < r.n1; a++) {
        size_t v = ord[a], b = a;
        while (b > 0 && sc[ord[b - 1]] < sc[v]) { ord[b] = ord[b - 1]; b--; }
        ord[b] = v;
      }
    brute_score(&s, ord, r.n1, r.caliper, mm);
    for (size_t i = 0; i < r.n1 * 2; i++)
      if (r.mm[i] != mm[i])
        fail_msg("variant %d: treated row %zu slot %zu: %zu, plain scan %zu", variant,
                 r.treated[i / 2], i % 2, r.mm[i], mm[i]);
    free(ord);
    free(mm);
    match_result_fini(&r);
  }
  free(sc);
  free(tr);
  free(ex);
  }
}

/* ===== small cases with known answers ===== */

/* Equal distances on both sides: the lower row wins (MatchIt's nn_matchC). */
static void test_score_tie_lower_row(void **state) {
  (void)state;
  double sc[4] = {0.75, 0.5, 0.25, 0.625};
  unsigned char tr[4] = {0, 1, 0, 0};
  struct match_spec s;
  memset(&s, 0, sizeof s);
  s.n = 4;
  s.treat = tr;
  s.score = sc;
  s.ratio = 1;
  struct match_result r;
  char err[128];
  sc[3] = 0.9;   /* leaves 0.25 and 0.75 at distance 0.25 each */
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(r.mm[0], 0);   /* row 1 (score 0.75) before row 3 (0.25) */
  match_result_fini(&r);
}

/* Mirror-image distances on integer data are bit-equal: the lower row wins. */
static void test_maha_mirror_tie_lower_row(void **state) {
  (void)state;
  /* x: treated at 5; controls at 6 (row 2) and 4 (row 3) and far ones */
  double X[8] = {5, 9, 6, 4, 1, 12, 0, 11};
  unsigned char tr[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  struct match_spec s;
  memset(&s, 0, sizeof s);
  s.n = 8;
  s.treat = tr;
  s.X = X;
  s.p = 1;
  s.ratio = 1;
  struct match_result r;
  char err[128];
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_SUCCESS);
  assert_int_equal(r.mm[0], 2);
  match_result_fini(&r);
}

/* R: set.seed(42); sample.int(10) is 1 5 10 8 2 4 6 9 7 3;
 *    set.seed(1); runif(1) is 0.2655086631421 (R 4.2.2). */
static void test_rng_matches_r(void **state) {
  (void)state;
  struct match_rng g;
  size_t perm[10], work[10];
  static const size_t want[10] = {1, 5, 10, 8, 2, 4, 6, 9, 7, 3};
  match_rng_seed(&g, 42);
  match_rng_perm(&g, 10, perm, work);
  for (int i = 0; i < 10; i++) assert_int_equal(perm[i] + 1, want[i]);
  match_rng_seed(&g, 1);
  assert_float_equal(match_rng_unif(&g), 0.265508663142100, 1e-15);
}

static void test_errors_are_reported(void **state) {
  (void)state;
  double sc[4] = {0.1, 0.2, 0.3, 0.4}, X[4] = {1, 2, 3, 4}, b[4] = {0, 1, 0, 1};
  unsigned char tr[4] = {1, 0, 1, 0}, none[4] = {0, 0, 0, 0};
  struct match_spec s;
  struct match_result r;
  char err[256];
  memset(&s, 0, sizeof s);
  s.n = 4;
  s.treat = none;
  s.score = sc;
  s.ratio = 1;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "no treated"));
  s.treat = tr;
  s.score = NULL;
  s.X = X;
  s.p = 1;
  s.order = MATCH_LARGEST;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "needs a propensity score"));
  s.order = MATCH_DATA;
  s.caliper = 0.2;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "calipers on covariates"));
  s.caliper = 0;
  s.cal_X = b;
  s.ncal = 1;
  double w = 0.5;
  s.cal_width = &w;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "binary"));
  s.ncal = 0;
  int32_t ex[4] = {0, 1, 2, 3};
  s.exact = ex;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EINVAL);
  assert_non_null(strstr(err, "no exact stratum"));
  s.exact = NULL;
  sc[1] = NAN;
  s.score = sc;
  s.X = NULL;
  assert_int_equal(match_nearest(&s, &r, err, sizeof err), GSL_EDOM);
  assert_non_null(strstr(err, "row 2"));
}

static int load_refs(void **state) {
  (void)state;
  return 0;
}

int main(void) {
  CASES = rm_load("cases.csv");
  MATCHES = rm_load("matches.csv");
  WEIGHTS = rm_load("weights.csv");
  PS = rm_load("ps.csv");
  size_t nc = CASES.nrow;
  struct case_state *cs = calloc(nc, sizeof *cs);
  struct CMUnitTest more[] = {
      cmocka_unit_test(test_kd_equals_brute_force),
      cmocka_unit_test(test_kd_compact_equals_brute_force),
      cmocka_unit_test(test_kd_large_threads),
      cmocka_unit_test(test_score_equals_brute_force),
      cmocka_unit_test(test_score_tie_lower_row),
      cmocka_unit_test(test_maha_mirror_tie_lower_row),
      cmocka_unit_test(test_rng_matches_r),
      cmocka_unit_test(test_errors_are_reported),
  };
  size_t nmore = sizeof more / sizeof more[0];
  struct CMUnitTest *tests = calloc(nc + nmore, sizeof *tests);
  if (!cs || !tests) return 1;
  size_t k = 0;
  for (size_t i = 0; i < nc; i++) {
    cs[i].i = i;
    snprintf(cs[i].name, sizeof cs[i].name, "%s", rm_get(&CASES, i, "case"));
    tests[k].name = cs[i].name;
    tests[k].test_func = test_reference_case;
    tests[k].initial_state = &cs[i];
    k++;
  }
  for (size_t i = 0; i < nmore; i++) tests[k++] = more[i];
  int rc = _cmocka_run_group_tests("match", tests, k, load_refs, NULL);
  free(cs);
  free(tests);
  rm_free(&CASES);
  rm_free(&MATCHES);
  rm_free(&WEIGHTS);
  rm_free(&PS);
  return rc;
}
