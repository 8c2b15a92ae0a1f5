/* host/match/match.c -- entry point of nearest-neighbour matching (match.h):
 * checks the spec, turns calipers into data units, orders the treated units
 * (data, largest, smallest, or R's random permutation), splits the sample
 * into exact strata (MatchIt matches each stratum on its own), runs the
 * score or Mahalanobis search per stratum, and derives MatchIt's weights and
 * subclasses from the match matrix.  Pure C on GSL status codes, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/mem.h"

void match_result_fini(struct match_result *r) {
  MEM_RELEASE(r, r->treated, r->mm, r->dist, r->weights, r->subclass, r->cal_raw);
}

double match_sd(const double *x, size_t n, const unsigned char *discarded) {
  size_t m = 0;
  double mu = 0;
  for (size_t i = 0; i < n; i++)
    if (!(discarded && discarded[i])) {
      mu += x[i];
      m++;
    }
  if (m < 2) return NAN;
  mu /= (double)m;
  double corr = 0, ss = 0;
  for (size_t i = 0; i < n; i++)
    if (!(discarded && discarded[i])) corr += x[i] - mu;
  mu += corr / (double)m;
  for (size_t i = 0; i < n; i++)
    if (!(discarded && discarded[i])) ss += (x[i] - mu) * (x[i] - mu);
  return sqrt(ss / (double)(m - 1));
}

size_t match_discard(const double *score, const unsigned char *treat, size_t n,
                     enum match_discard how, unsigned char *discarded) {
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (size_t i = 0; i < n; i++) {
    int g = treat[i] ? 1 : 0;
    if (score[i] < lo[g]) lo[g] = score[i];
    if (score[i] > hi[g]) hi[g] = score[i];
  }
  double a = -INFINITY, b = INFINITY;
  if (how == MATCH_DISCARD_BOTH) {
    a = lo[0] > lo[1] ? lo[0] : lo[1];
    b = hi[0] < hi[1] ? hi[0] : hi[1];
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int g = treat[i] ? 1 : 0, out = 0;
    if (how == MATCH_DISCARD_BOTH) out = score[i] < a || score[i] > b;
    else if (how == MATCH_DISCARD_CONTROL) out = g == 0 && (score[i] < lo[1] || score[i] > hi[1]);
    else if (how == MATCH_DISCARD_TREATED) out = g == 1 && (score[i] < lo[0] || score[i] > hi[0]);
    discarded[i] = (unsigned char)out;
    k += (size_t)out;
  }
  return k;
}

enum match_order match_default_order(const struct match_spec *s, int atc) {
  if (s->replace || s->score == NULL) return MATCH_DATA;
  return atc ? MATCH_SMALLEST : MATCH_LARGEST;
}

int match_cal_ok(const struct match_work *w, size_t t, size_t c) {
  const struct match_spec *s = w->s;
  for (size_t j = 0; j < s->ncal; j++) {
    const double *x = s->cal_X + s->n * j;
    if (!(fabs(x[c] - x[t]) <= w->cal_raw[j])) return 0;
  }
  return 1;
}

/* Distinct values of x, counting no further than 3 (MatchIt refuses
 * calipers on binary variables and ignores those on constants). */
static int n_distinct3(const double *x, size_t n) {
  double v[2];
  int k = 0;
  for (size_t i = 0; i < n; i++) {
    int seen = 0;
    for (int j = 0; j < k; j++) seen |= x[i] == v[j];
    if (seen) continue;
    if (k == 2) return 3;
    v[k++] = x[i];
  }
  return k;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Stable order of the treated rows trows[0..m-1] (increasing) by score. */
struct keyed { double v; size_t row; };
static int cmp_up(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  if (x->v != y->v) return x->v < y->v ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}
static int cmp_down(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  if (x->v != y->v) return x->v > y->v ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int check_spec(const struct match_spec *s, char *err, size_t errlen) {
  if (s->treat == NULL || s->n == 0) {
    snprintf(err, errlen, "no rows to match");
    return GSL_EINVAL;
  }
  if (s->ratio < 1) {
    snprintf(err, errlen, "ratio must be at least 1");
    return GSL_EINVAL;
  }
  if (s->score == NULL && s->X == NULL && s->xcol == NULL) {
    snprintf(err, errlen, "need a score or covariates for the distance");
    return GSL_EINVAL;
  }
  if ((s->X != NULL || s->xcol != NULL) && s->p == 0) {
    snprintf(err, errlen, "Mahalanobis distance needs at least one covariate");
    return GSL_EINVAL;
  }
  if (s->score == NULL && (s->order == MATCH_LARGEST || s->order == MATCH_SMALLEST) &&
      !s->replace) {
    snprintf(err, errlen, "order \"%s\" needs a propensity score; Mahalanobis matching "
             "without one allows order \"data\" or \"random\" (as MatchIt)",
             s->order == MATCH_LARGEST ? "largest" : "smallest");
    return GSL_EINVAL;
  }
  if (s->score != NULL)
    for (size_t i = 0; i < s->n; i++)
      if (!isfinite(s->score[i])) {
        snprintf(err, errlen, "the score is not finite in row %zu", i + 1);
        return GSL_EDOM;
      }
  for (size_t j = 0; j < s->ncal; j++)
    for (size_t i = 0; i < s->n; i++)
      if (!isfinite(s->cal_X[s->n * j + i])) {
        snprintf(err, errlen, "caliper variable %zu is not finite in row %zu", j + 1, i + 1);
        return GSL_EDOM;
      }
  if (s->exact != NULL)
    for (size_t i = 0; i < s->n; i++)
      if (s->exact[i] < 0) {
        snprintf(err, errlen, "exact stratum code is negative in row %zu", i + 1);
        return GSL_EINVAL;
      }
  return GSL_SUCCESS;
}

/* Calipers in data units (process.caliper: SD over rows not discarded). */
static int calipers(const struct match_spec *s, struct match_result *r, double *cal, char *err,
                    size_t errlen) {
  *cal = NAN;
  int want = s->caliper > 0 && !isnan(s->caliper);
  if (want && s->score == NULL) {
    snprintf(err, errlen, "a caliper on the distance needs a propensity score; with "
             "Mahalanobis distance give calipers on covariates instead");
    return GSL_EINVAL;
  }
  if (want) {
    int k = n_distinct3(s->score, s->n);
    if (k == 2) {
      snprintf(err, errlen, "the score takes only two values; a caliper cannot be used on it");
      return GSL_EINVAL;
    }
    if (k > 2) *cal = s->caliper_std ? s->caliper * match_sd(s->score, s->n, s->discarded)
                                     : s->caliper;
  }
  r->cal_raw = malloc((s->ncal ? s->ncal : 1) * sizeof *r->cal_raw);
  if (r->cal_raw == NULL) return GSL_ENOMEM;
  for (size_t j = 0; j < s->ncal; j++) {
    const double *x = s->cal_X + s->n * j;
    double wdt = s->cal_width[j];
    if (!(wdt > 0)) {
      snprintf(err, errlen, "caliper %zu must be a positive number", j + 1);
      return GSL_EINVAL;
    }
    int k = n_distinct3(x, s->n);
    if (k == 2) {
      snprintf(err, errlen, "caliper variable %zu is binary; calipers cannot be used on "
               "binary variables (use exact matching)", j + 1);
      return GSL_EINVAL;
    }
    int std = s->cal_std ? s->cal_std[j] : 1;
    /* A constant variable restricts nothing (MatchIt drops its caliper). */
    r->cal_raw[j] = k < 2 ? INFINITY : std ? wdt * match_sd(x, s->n, s->discarded) : wdt;
  }
  r->caliper = *cal;
  return GSL_SUCCESS;
}

/* Matching order of all treated rows (ord, n1 entries) for the non-random
 * orders: data, or stable by score.  Random orders are drawn per stratum. */
static int base_order(const struct match_spec *s, enum match_order o, const size_t *trows,
                      size_t n1, size_t *ord) {
  if (o == MATCH_DATA || o == MATCH_RANDOM) {
    memcpy(ord, trows, n1 * sizeof *ord);
    return GSL_SUCCESS;
  }
  struct keyed *k = malloc((n1 ? n1 : 1) * sizeof *k);
  if (k == NULL) return GSL_ENOMEM;
  for (size_t i = 0; i < n1; i++) {
    k[i].v = s->score[trows[i]];
    k[i].row = trows[i];
  }
  qsort(k, n1, sizeof *k, o == MATCH_LARGEST ? cmp_down : cmp_up);
  for (size_t i = 0; i < n1; i++) ord[i] = k[i].row;
  free(k);
  return GSL_SUCCESS;
}

/* MatchIt's weights: a matched treated unit 1; a control the sum over its
 * treated units of 1 / (that unit's number of controls), then all control
 * weights scaled to sum to the number of matched controls.  Subclasses
 * (without replacement): one per matched treated unit, in row order. */
static int weights_subclass(const struct match_spec *s, struct match_result *r) {
  size_t n = s->n, K = r->ratio;
  /* Zeroed by memset in memory advised for huge pages: a fresh n-row array
   * otherwise costs a page fault every 4 KiB (docs/performance.md). */
  r->weights = mem_alloc_large(n * sizeof *r->weights);
  if (r->weights == NULL) return GSL_ENOMEM;
  memset(r->weights, 0, n * sizeof *r->weights);
  if (!s->replace) {
    r->subclass = mem_alloc_large(n * sizeof *r->subclass);   /* 32-bit: n < 2^32 - 1 */
    if (r->subclass == NULL) return GSL_ENOMEM;
    memset(r->subclass, 0, n * sizeof *r->subclass);
  }
  for (size_t i = 0; i < r->n1; i++) {
    const size_t *row = r->mm + i * K;
    size_t m = 0;
    for (size_t j = 0; j < K; j++) m += row[j] != MATCH_NONE;
    if (m == 0) continue;
    r->weights[r->treated[i]] += 1.0;
    r->n1_matched++;
    if (r->subclass) r->subclass[r->treated[i]] = (uint32_t)++r->nsub;
    for (size_t j = 0; j < K; j++)
      if (row[j] != MATCH_NONE) {
        r->weights[row[j]] += 1.0 / (double)m;
        if (r->subclass) r->subclass[row[j]] = (uint32_t)r->nsub;
      }
  }
  double sum0 = 0;
  for (size_t i = 0; i < n; i++)
    if (!s->treat[i] && r->weights[i] > 0) {
      sum0 += r->weights[i];
      r->n0_matched++;
    }
  if (sum0 > 0)
    for (size_t i = 0; i < n; i++)
      if (!s->treat[i]) r->weights[i] *= (double)r->n0_matched / sum0;
  return GSL_SUCCESS;
}

/* Exact strata: counting sort of rows by code.  first[g]..first[g+1]-1 in
 * byrow[] are the rows of stratum g (increasing).  Without exact strata
 * there is one stratum of every row and byrow stays NULL (match_unit). */
static int strata(const struct match_spec *s, size_t *ng, size_t **first, uint32_t **byrow) {
  size_t n = s->n, G = 1;
  *byrow = NULL;
  if (s->exact)
    for (size_t i = 0; i < n; i++)
      if ((size_t)s->exact[i] + 1 > G) G = (size_t)s->exact[i] + 1;
  *first = calloc(G + 1, sizeof **first);
  if (!*first) return GSL_ENOMEM;
  *ng = G;
  (*first)[1] = n;
  if (!s->exact) return GSL_SUCCESS;
  (*first)[1] = 0;
  *byrow = malloc(n * sizeof **byrow);
  size_t *fill = malloc((G ? G : 1) * sizeof *fill);
  if (!*byrow || !fill) {
    free(fill);
    return GSL_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) (*first)[(size_t)s->exact[i] + 1]++;
  for (size_t g = 0; g < G; g++) (*first)[g + 1] += (*first)[g];
  memcpy(fill, *first, G * sizeof *fill);
  for (size_t i = 0; i < n; i++) (*byrow)[fill[s->exact[i]]++] = (uint32_t)i;
  free(fill);
  return GSL_SUCCESS;
}

int match_nearest(const struct match_spec *s, struct match_result *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  if (err && errlen) err[0] = '\0';
  int st = check_spec(s, err, errlen);
  if (st != GSL_SUCCESS) return st;
  size_t n = s->n, K = s->ratio;
  if (n >= UINT32_MAX) {
    snprintf(err, errlen, "too many rows to match (%zu; at most %u)", n, UINT32_MAX - 1u);
    return GSL_EINVAL;
  }
  r->n = n;
  r->ratio = K;
  r->caliper = NAN;
  size_t n1 = 0;
  for (size_t i = 0; i < n; i++) n1 += s->treat[i] != 0;
  r->n1 = n1;
  int maha_dist = s->X != NULL || s->xcol != NULL;
  if (n1 == 0 || n1 == n) {
    snprintf(err, errlen, n1 == 0 ? "there are no treated units" : "there are no control units");
    return GSL_EINVAL;
  }
  struct match_maha maha;
  memset(&maha, 0, sizeof maha);
  size_t *ord = NULL, *first = NULL, *units = NULL, *sord = NULL, *work = NULL, *rank = NULL;
  uint32_t *byrow = NULL, *tpos = NULL;
  double cal;
  r->treated = malloc(n1 * sizeof *r->treated);
  r->mm = malloc(n1 * K * sizeof *r->mm);
  r->dist = malloc(n1 * K * sizeof *r->dist);
  ord = malloc(n1 * sizeof *ord);
  tpos = malloc(n1 * sizeof *tpos);
  st = GSL_ENOMEM;
  if (!r->treated || !r->mm || !r->dist || !ord || !tpos) goto fail;
  for (size_t i = 0, k = 0; i < n; i++)
    if (s->treat[i]) {
      r->treated[k++] = i;
    }
  for (size_t i = 0; i < n1 * K; i++) {
    r->mm[i] = MATCH_NONE;
    r->dist[i] = NAN;
  }
  if ((st = calipers(s, r, &cal, err, errlen)) != GSL_SUCCESS) goto fail;
  /* With replacement the order cannot change the result (MatchIt then
   * forces "data"). */
  enum match_order o = s->replace ? MATCH_DATA : s->order;
  if ((st = base_order(s, o, r->treated, n1, ord)) != GSL_SUCCESS) goto fail;
  struct match_work w = {s, r, cal, r->cal_raw, NULL, tpos};
  if (maha_dist) {
    if ((st = match_maha_init(&maha, s, err, errlen)) != GSL_SUCCESS) goto fail;
    r->maha_rank = maha.r;
    r->maha_dropped = maha.dropped;
    r->maha_pinv = maha.pinv;
    w.maha = &maha;
  }
  size_t G;
  if ((st = strata(s, &G, &first, &byrow)) != GSL_SUCCESS) goto fail;
  /* Position of each treated row in the base order, to order a stratum. */
  units = malloc(n1 * sizeof *units);
  sord = malloc(n1 * sizeof *sord);
  work = malloc(n1 * sizeof *work);
  rank = malloc(n1 * sizeof *rank);
  st = GSL_ENOMEM;
  if (!units || !sord || !work || !rank) goto fail;
  for (size_t i = 0; i < n1; i++) rank[match_tix(r, ord[i])] = i;   /* place in the base order */
  struct match_rng rng;
  if (o == MATCH_RANDOM) match_rng_seed(&rng, s->seed);
  int any_common = 0;
  for (size_t g = 0; g < G; g++) {
    size_t nu = first[g + 1] - first[g], nt = 0;
    if (nu == 0) continue;
    const uint32_t *rows = byrow ? byrow + first[g] : NULL;
    for (size_t q = 0; q < nu; q++) nt += s->treat[match_unit(rows, q)] != 0;
    if (nt == 0) continue;
    any_common |= nt < nu;
    /* The stratum's treated rows in matching order. */
    if (o == MATCH_RANDOM) {
      size_t k = 0;
      for (size_t q = 0; q < nu; q++)
        if (s->treat[match_unit(rows, q)]) units[k++] = match_unit(rows, q);
      match_rng_perm(&rng, nt, work, sord);
      for (size_t q = 0; q < nt; q++) sord[q] = units[work[q]];
    } else if (G == 1) {
      memcpy(sord, ord, n1 * sizeof *sord);
    } else {
      /* The stratum's treated in base order: sort their base-order ranks. */
      size_t k = 0;
      for (size_t q = 0; q < nu; q++)
        if (s->treat[match_unit(rows, q)]) work[k++] = rank[match_tix(r, match_unit(rows, q))];
      qsort(work, nt, sizeof *work, cmp_size);
      for (size_t q = 0; q < nt; q++) sord[q] = ord[work[q]];
    }
    if (maha_dist)
      st = match_nn_stratum(&w, rows, nu, sord, nt);
    else
      st = match_score_stratum(&w, rows, nu, sord, nt);
    if (st != GSL_SUCCESS) goto fail;
  }
  if (!any_common) {
    snprintf(err, errlen, "no exact stratum has both treated and control units: no matches "
             "were found");
    st = GSL_EINVAL;
    goto fail;
  }
  if ((st = weights_subclass(s, r)) != GSL_SUCCESS) goto fail;
  if (r->n1_matched == 0) {
    snprintf(err, errlen, "no treated unit found a match (check the calipers and exact "
             "variables)");
    st = GSL_EFAILED;
    goto fail;
  }
  st = GSL_SUCCESS;
  goto done;
fail:
  match_result_fini(r);
done:
  match_maha_fini(&maha);
  free(ord);
  free(first);
  free(byrow);
  free(units);
  free(sord);
  free(tpos);
  free(work);
  free(rank);
  return st;
}
