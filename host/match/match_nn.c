/* host/match/match_nn.c -- nearest-neighbour matching by Mahalanobis distance
 * with MatchIt 4.5.1's semantics (nn_matchC with mah_covs):
 *  - without replacement, in rounds: in round j every treated unit (in
 *    matching order) takes its nearest control among those not yet used;
 *    ties go to the lower row (which_min over controls in row order);
 *  - with replacement, one pass: each treated unit takes its `ratio`
 *    nearest controls, or every eligible control (in row order) when there
 *    are no more than `ratio`.  MatchIt orders candidates with the unstable
 *    std::partial_sort, so among controls tied exactly at the ratio-th
 *    distance its choice depends on the C++ library; csceval takes the lower
 *    rows (docs/methods/matching.md).
 * Calipers on the score and on covariates restrict the eligible controls.
 * The nearest controls come from a k-d tree (match_kd.c) instead of a scan
 * of every control; a treated unit's tree coordinates are computed when it
 * searches, so no coordinates are held for the treated.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/progress.h"

struct nnctx {
  const struct match_work *w;
  double *scratch;   /* p for the exact distance */
};

static double nn_dist(const void *ctx, size_t t, size_t c) {
  const struct nnctx *x = ctx;
  return match_maha_d2(x->w->maha, t, c, x->scratch);
}

static int nn_filter(const void *ctx, size_t t, size_t c) {
  const struct match_work *w = ((const struct nnctx *)ctx)->w;
  const struct match_spec *s = w->s;
  if (!isnan(w->caliper) && !(fabs(s->score[c] - s->score[t]) <= w->caliper)) return 0;
  return s->ncal == 0 || match_cal_ok(w, t, c);
}

/* The covariates of rows a and b are equal (so is any distance to them). */
static int nn_same(const void *ctx, size_t a, size_t b) {
  const struct match_maha *m = ((const struct nnctx *)ctx)->w->maha;
  for (size_t j = 0; j < m->p; j++)
    if (match_col_get(&m->x[j], a) != match_col_get(&m->x[j], b)) return 0;
  return 1;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* The tree over the stratum's eligible controls: their rows and
 * single-precision coordinates, the pruning margin from the largest
 * coordinate magnitude among the stratum's rows (*mag on entry: the
 * treated units'), and the largest single-precision rounding of a point. */
static int nn_tree(const struct match_work *w, const uint32_t *units, size_t nu, double mag,
                   double *zd, double *work, struct match_kd *kd) {
  const struct match_spec *s = w->s;
  const struct match_maha *m = w->maha;
  size_t dim = m->r, nc = 0;
  for (size_t q = 0; q < nu; q++) {
    size_t row = match_unit(units, q);
    nc += !s->treat[row] && !(s->discarded && s->discarded[row]);
  }
  uint32_t *pt = malloc((nc ? nc : 1) * sizeof *pt);
  float *zc = malloc((nc && dim ? nc * dim : 1) * sizeof *zc);
  if (!pt || !zc) {
    free(pt);
    free(zc);
    return GSL_ENOMEM;
  }
  double slack2 = 0;
  for (size_t q = 0, k = 0; q < nu; q++) {
    size_t row = match_unit(units, q);
    if (s->treat[row] || (s->discarded && s->discarded[row])) continue;
    double g = match_maha_row(m, row, zd, work), e2 = 0;
    if (g > mag) mag = g;
    for (size_t a = 0; a < dim; a++) {
      float f = (float)zd[a];
      double e = (double)f - zd[a];
      e2 += e * e;
      zc[k * dim + a] = f;
    }
    if (!(e2 <= slack2)) slack2 = e2;   /* NaN or infinite: no pruning */
    pt[k++] = (uint32_t)row;
  }
  /* Widened by a part in a million for the rounding of this sum. */
  double fslack = isfinite(slack2) ? sqrt(slack2) * (1 + 1e-6) : INFINITY;
  return match_kd_build(kd, dim, pt, zc, nc, 1e-9 * (1 + mag) * (1 + mag), fslack);
}

int match_nn_stratum(const struct match_work *w, const uint32_t *units, size_t nu,
                     const size_t *ord, size_t nord) {
  const struct match_spec *s = w->s;
  struct match_result *r = w->r;
  const struct match_maha *m = w->maha;
  const size_t K = r->ratio;
  size_t *pos = malloc((K + 1) * sizeof *pos);
  double *d2 = malloc((K + 1) * sizeof *d2);
  double *scratch = malloc((s->p ? s->p : 1) * sizeof *scratch);
  double *zt = malloc((m->r ? m->r : 1) * sizeof *zt);
  struct match_kd kd;
  memset(&kd, 0, sizeof kd);
  int st = GSL_ENOMEM;
  if (!pos || !d2 || !scratch || !zt) goto done;
  double mag = 0;
  for (size_t i = 0; i < nord; i++) {
    double g = match_maha_row(m, ord[i], zt, scratch);
    if (g > mag) mag = g;
  }
  if ((st = nn_tree(w, units, nu, mag, zt, scratch, &kd)) != GSL_SUCCESS) goto done;
  struct nnctx ctx = {w, scratch};
  match_kd_mark_same(&kd, nn_same, &ctx);
  int filt = !isnan(w->caliper) || s->ncal > 0;
  if (!s->replace) {
    size_t live = kd.m;
    for (size_t round = 0; round < K; round++)
      for (size_t i = 0; i < nord && live > 0; i++) {
        if ((i & 4095) == 0) progress_note(round * nord + i, K * nord);
        size_t t = ord[i];
        if (s->discarded && s->discarded[t]) continue;
        match_maha_row(m, t, zt, scratch);
        if (match_kd_knn(&kd, zt, t, 1, nn_dist, filt ? nn_filter : NULL, &ctx, pos, d2) == 0)
          continue;
        size_t ti = match_tix(r, t);
        r->mm[ti * K + round] = kd.pt[pos[0]];
        r->dist[ti * K + round] = sqrt(d2[0]);
        match_kd_kill(&kd, pos[0]);
        live--;
      }
  } else {
    for (size_t i = 0; i < nord; i++) {
      if ((i & 4095) == 0) progress_note(i, nord);
      size_t t = ord[i];
      if (s->discarded && s->discarded[t]) continue;
      match_maha_row(m, t, zt, scratch);
      size_t got = match_kd_knn(&kd, zt, t, K + 1, nn_dist, filt ? nn_filter : NULL, &ctx, pos, d2);
      size_t ti = match_tix(r, t), *row = r->mm + ti * K;
      double *dist = r->dist + ti * K;
      if (got <= K) {
        /* No more eligible controls than places: all of them, in row order. */
        for (size_t j = 0; j < got; j++) row[j] = kd.pt[pos[j]];
        qsort(row, got, sizeof *row, cmp_size);
        for (size_t j = 0; j < got; j++) dist[j] = sqrt(nn_dist(&ctx, t, row[j]));
      } else {
        for (size_t j = 0; j < K; j++) {
          row[j] = kd.pt[pos[j]];
          dist[j] = sqrt(d2[j]);
        }
      }
    }
  }
  st = GSL_SUCCESS;
done:
  match_kd_free(&kd);
  free(pos);
  free(d2);
  free(scratch);
  free(zt);
  return st;
}
