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
 * of every control.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/progress.h"

struct nnctx {
  const struct match_work *w;
  double *scratch;   /* 2p for the exact distance */
};

static double nn_dist(const void *ctx, size_t t, size_t c) {
  const struct nnctx *x = ctx;
  const struct match_spec *s = x->w->s;
  return match_maha_d2(x->w->maha, s->X, s->n, t, c, x->scratch);
}

static int nn_filter(const void *ctx, size_t t, size_t c) {
  const struct match_work *w = ((const struct nnctx *)ctx)->w;
  const struct match_spec *s = w->s;
  if (!isnan(w->caliper) && !(fabs(s->score[c] - s->score[t]) <= w->caliper)) return 0;
  return s->ncal == 0 || match_cal_ok(w, t, c);
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

int match_nn_stratum(const struct match_work *w, const size_t *units, size_t nu,
                     const size_t *ord, size_t nord) {
  const struct match_spec *s = w->s;
  struct match_result *r = w->r;
  const size_t K = r->ratio;
  size_t *ctl = malloc((nu ? nu : 1) * sizeof *ctl), nc = 0;
  size_t *pos = malloc((K + 1) * sizeof *pos);
  double *d2 = malloc((K + 1) * sizeof *d2);
  double *scratch = malloc(2 * (s->p ? s->p : 1) * sizeof *scratch);
  struct match_kd kd;
  memset(&kd, 0, sizeof kd);
  int st = GSL_ENOMEM;
  if (!ctl || !pos || !d2 || !scratch) goto done;
  for (size_t q = 0; q < nu; q++) {
    size_t row = units[q];
    if (!s->treat[row] && !(s->discarded && s->discarded[row])) ctl[nc++] = row;
  }
  if ((st = match_kd_build(&kd, w->z, w->maha->r, ctl, nc)) != GSL_SUCCESS) goto done;
  kd.margin = w->zmargin;
  struct nnctx ctx = {w, scratch};
  int filt = !isnan(w->caliper) || s->ncal > 0;
  if (!s->replace) {
    size_t live = nc;
    for (size_t round = 0; round < K; round++)
      for (size_t i = 0; i < nord && live > 0; i++) {
        if ((i & 4095) == 0) progress_note(round * nord + i, K * nord);
        size_t t = ord[i];
        if (s->discarded && s->discarded[t]) continue;
        if (match_kd_knn(&kd, t, 1, nn_dist, filt ? nn_filter : NULL, &ctx, pos, d2) == 0)
          continue;
        r->mm[w->tix[t] * K + round] = kd.pt[pos[0]];
        r->dist[w->tix[t] * K + round] = sqrt(d2[0]);
        match_kd_kill(&kd, pos[0]);
        live--;
      }
  } else {
    for (size_t i = 0; i < nord; i++) {
      if ((i & 4095) == 0) progress_note(i, nord);
      size_t t = ord[i];
      if (s->discarded && s->discarded[t]) continue;
      size_t got = match_kd_knn(&kd, t, K + 1, nn_dist, filt ? nn_filter : NULL, &ctx, pos, d2);
      size_t *row = r->mm + w->tix[t] * K;
      double *dist = r->dist + w->tix[t] * K;
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
  free(ctl);
  free(pos);
  free(d2);
  free(scratch);
  return st;
}
