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
 * of every control.  Each treated unit's list of nearest candidates is
 * searched once, all units on threads in the tree's spatial order, and the
 * rounds then take from the lists in MatchIt's order ("candidate lists"
 * below), so the results are those of one search per unit and round, on
 * any number of threads.  A treated unit's tree coordinates are computed
 * when it searches, so no coordinates are held for the treated.  Pure C,
 * no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/chunks.h"
#include "data/mem.h"
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

/* Ask for row c's covariates (the exact distance reads them next). */
static void nn_prefetch(const void *pctx, size_t c) {
  const struct match_maha *m = pctx;
  for (size_t j = 0; j < m->p; j++) {
    const struct match_col *x = &m->x[j];
    if (x->f64) __builtin_prefetch(x->f64 + c);
    else __builtin_prefetch(x->i64 + c);
  }
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

/* Coordinates of the controls among units lo..hi-1 of a stratum, written
 * from index k0 on; the largest magnitude (match_maha_row) and squared
 * single-precision rounding among them. */
struct nn_coord_job {
  const struct match_work *w;
  const uint32_t *units;
  size_t lo, hi, k0;
  uint32_t *pt;
  float *zc;
  double mag, slack2;
  int st;
};

static int is_control(const struct match_spec *s, size_t row) {
  return !s->treat[row] && !(s->discarded && s->discarded[row]);
}

static int nn_coord_run(void *arg) {
  struct nn_coord_job *j = arg;
  const struct match_maha *m = j->w->maha;
  const size_t dim = m->r;
  double *zd = malloc((dim ? dim : 1) * sizeof *zd), *work = malloc((m->p ? m->p : 1) * sizeof *work);
  j->st = zd && work ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t q = j->lo, k = j->k0; q < j->hi && j->st == GSL_SUCCESS; q++) {
    size_t row = match_unit(j->units, q);
    if (!is_control(j->w->s, row)) continue;
    double g = match_maha_row(m, row, zd, work), e2 = 0;
    if (g > j->mag) j->mag = g;
    for (size_t a = 0; a < dim; a++) {
      float f = (float)zd[a];
      double e = (double)f - zd[a];
      e2 += e * e;
      j->zc[k * dim + a] = f;
    }
    if (!(e2 <= j->slack2)) j->slack2 = isnan(e2) ? INFINITY : e2;   /* NaN: no pruning */
    j->pt[k++] = (uint32_t)row;
  }
  free(zd);
  free(work);
  return 0;
}

/* The tree over the stratum's eligible controls: their rows and
 * single-precision coordinates (computed on threads, over fixed ranges of
 * units), the pruning margin from the largest coordinate magnitude among the
 * stratum's rows (mag on entry: the treated units'), and the largest
 * single-precision rounding of a point. */
#define NN_COORD_CHUNK 65536
static int nn_tree(const struct match_work *w, const uint32_t *units, size_t nu, double mag,
                   struct match_kd *kd) {
  const struct match_spec *s = w->s;
  size_t dim = w->maha->r, nc = 0, nj = (nu + NN_COORD_CHUNK - 1) / NN_COORD_CHUNK;
  struct nn_coord_job *jobs = malloc((nj ? nj : 1) * sizeof *jobs);
  if (jobs == NULL) return GSL_ENOMEM;
  for (size_t j = 0; j < nj; j++) {
    size_t lo = j * NN_COORD_CHUNK, hi = lo + NN_COORD_CHUNK < nu ? lo + NN_COORD_CHUNK : nu;
    jobs[j] = (struct nn_coord_job){w, units, lo, hi, nc, NULL, NULL, 0, 0, GSL_ENOMEM};
    for (size_t q = lo; q < hi; q++) nc += is_control(s, match_unit(units, q));
  }
  /* Fresh arrays of a few bytes a control: advised for huge pages (a page
   * fault every 2 MiB rather than every 4 KiB at national scale). */
  uint32_t *pt = mem_alloc_large((nc ? nc : 1) * sizeof *pt);
  float *zc = mem_alloc_large((nc && dim ? nc * dim : 1) * sizeof *zc);
  if (!pt || !zc) {
    free(pt);
    free(zc);
    free(jobs);
    return GSL_ENOMEM;
  }
  for (size_t j = 0; j < nj; j++) {
    jobs[j].pt = pt;
    jobs[j].zc = zc;
  }
  chunks_run(nn_coord_run, jobs, sizeof *jobs, nj);
  double slack2 = 0;
  int st = GSL_SUCCESS;
  for (size_t j = 0; j < nj; j++) {
    if (jobs[j].st != GSL_SUCCESS) st = jobs[j].st;
    if (jobs[j].mag > mag) mag = jobs[j].mag;
    if (!(jobs[j].slack2 <= slack2)) slack2 = jobs[j].slack2;
  }
  free(jobs);
  if (st != GSL_SUCCESS) {
    free(pt);
    free(zc);
    return st;
  }
  /* Widened by a part in a million for the rounding of this sum. */
  double fslack = isfinite(slack2) ? sqrt(slack2) * (1 + 1e-6) : INFINITY;
  return match_kd_build(kd, dim, pt, zc, nc, 1e-9 * (1 + mag) * (1 + mag), fslack);
}

/* ===== candidate lists =====
 * Each treated unit's nearest eligible controls are searched for once, all
 * units independently (on threads, in the tree's spatial order so that
 * successive searches walk the same nodes and leaves), against the tree as
 * it stands before any control is taken: a list of the L smallest in
 * (distance, row).  The rounds then run in MatchIt's order, one unit at a
 * time: the controls still free only shrink, so the first free control of a
 * unit's list is its nearest free one (every free control not in the list
 * ranks after the whole list).  Only when every control of a full list has
 * been taken is the tree searched again, against the controls still free,
 * and the list refilled; a list shorter than L held every eligible control,
 * so once it is used up the unit gets no more.  The matches are exactly
 * those of one search per unit and round, whatever the number of threads. */

/* Length of a unit's list: its own ratio of controls and as many again
 * (and 2) for those its neighbours take first. */
static size_t nn_list_len(size_t K, int replace) { return replace ? K + 1 : 2 * K + 2; }

struct nn_job {
  const struct match_work *w;
  const struct match_kd *kd;
  const size_t *ord;     /* the treated rows in matching order */
  const uint32_t *seq;   /* indices into ord, in the tree's spatial order */
  size_t lo, hi, nord;   /* this job's part of seq */
  size_t L;
  int filt;
  uint32_t *cpos;        /* nord x L: list positions in the tree */
  double *cd2;           /* nord x L: their squared distances */
  uint32_t *cn;          /* nord: list lengths */
  int st;
};

/* One search for ord[i]: its list refilled from the tree's live points. */
static size_t nn_fill(const struct match_work *w, const struct match_kd *kd, size_t t, size_t L,
                      int filt, struct nnctx *ctx, double *zt, size_t *pos, uint32_t *cpos,
                      double *cd2) {
  match_maha_row(w->maha, t, zt, ctx->scratch);
  size_t got = match_kd_knn(kd, zt, t, L, nn_dist, filt ? nn_filter : NULL, ctx, pos, cd2);
  for (size_t k = 0; k < got; k++) cpos[k] = (uint32_t)pos[k];
  return got;
}

static int nn_job_run(void *arg) {
  struct nn_job *j = arg;
  const struct match_spec *s = j->w->s;
  size_t *pos = malloc(j->L * sizeof *pos);
  double *scratch = malloc((s->p ? s->p : 1) * sizeof *scratch);
  double *zt = malloc((j->w->maha->r ? j->w->maha->r : 1) * sizeof *zt);
  if (!pos || !scratch || !zt) {
    j->st = GSL_ENOMEM;
  } else {
    struct nnctx ctx = {j->w, scratch};
    progress_note(j->lo, 2 * j->nord);
    for (size_t q = j->lo; q < j->hi; q++) {
      size_t i = j->seq[q], t = j->ord[i];
      j->cn[i] = 0;
      if (s->discarded && s->discarded[t]) continue;
      j->cn[i] = (uint32_t)nn_fill(j->w, j->kd, t, j->L, j->filt, &ctx, zt, pos,
                                   j->cpos + i * j->L, j->cd2 + i * j->L);
    }
    j->st = GSL_SUCCESS;
  }
  free(pos);
  free(scratch);
  free(zt);
  return 0;
}

/* Order-preserving bits of a coordinate in single precision. */
static uint32_t fkey(double z) {
  float f = (float)z;
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

struct zkey { uint64_t key; uint32_t i; };
static int cmp_zkey(const void *a, const void *b) {
  const struct zkey *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* seq[] = 0..nord-1 in Morton (Z-curve) order of the units' coordinates:
 * the high bits of each coordinate interleaved, so units near each other
 * in space are near each other in seq.  Only the searches' speed depends
 * on it. */
static int nn_spatial_order(const struct match_maha *m, const size_t *ord, size_t nord,
                            double *zt, double *work, uint32_t *seq) {
  struct zkey *k = malloc((nord ? nord : 1) * sizeof *k);
  if (k == NULL) return GSL_ENOMEM;
  /* At most 32 bits a coordinate (its single-precision bits), 64 in all. */
  size_t dim = m->r < 64 ? m->r : 64, bits = dim == 0 ? 0 : dim == 1 ? 32 : 64 / dim;
  for (size_t i = 0; i < nord; i++) {
    match_maha_row(m, ord[i], zt, work);
    uint64_t key = 0;
    for (size_t b = 0; b < bits; b++)
      for (size_t a = 0; a < dim; a++) key = key << 1 | ((fkey(zt[a]) >> (31 - b)) & 1u);
    k[i] = (struct zkey){key, (uint32_t)i};
  }
  qsort(k, nord, sizeof *k, cmp_zkey);
  for (size_t i = 0; i < nord; i++) seq[i] = k[i].i;
  free(k);
  return GSL_SUCCESS;
}

/* Every unit's list (nn_job_run), on threads. */
#define NN_JOB 256
static int nn_lists(const struct match_work *w, const struct match_kd *kd, const size_t *ord,
                    size_t nord, const uint32_t *seq, size_t L, int filt, uint32_t *cpos,
                    double *cd2, uint32_t *cn) {
  size_t nj = (nord + NN_JOB - 1) / NN_JOB;
  struct nn_job *jobs = malloc((nj ? nj : 1) * sizeof *jobs);
  if (jobs == NULL) return GSL_ENOMEM;
  for (size_t j = 0; j < nj; j++) {
    size_t hi = (j + 1) * NN_JOB < nord ? (j + 1) * NN_JOB : nord;
    jobs[j] = (struct nn_job){w, kd, ord, seq, j * NN_JOB, hi, nord, L, filt, cpos, cd2, cn,
                              GSL_ENOMEM};
  }
  chunks_run(nn_job_run, jobs, sizeof *jobs, nj);
  int st = GSL_SUCCESS;
  for (size_t j = 0; j < nj; j++)
    if (jobs[j].st != GSL_SUCCESS) st = jobs[j].st;
  free(jobs);
  return st;
}

int match_nn_stratum(const struct match_work *w, const uint32_t *units, size_t nu,
                     const size_t *ord, size_t nord) {
  const struct match_spec *s = w->s;
  struct match_result *r = w->r;
  const struct match_maha *m = w->maha;
  const size_t K = r->ratio, L = nn_list_len(K, s->replace);
  size_t *pos = malloc(L * sizeof *pos);
  double *scratch = malloc((s->p ? s->p : 1) * sizeof *scratch);
  double *zt = malloc((m->r ? m->r : 1) * sizeof *zt);
  uint32_t *seq = malloc((nord ? nord : 1) * sizeof *seq);
  uint32_t *cn = malloc((nord ? nord : 1) * sizeof *cn);
  uint32_t *cur = calloc(nord ? nord : 1, sizeof *cur);
  uint32_t *cpos = mem_alloc_large((nord ? nord : 1) * L * sizeof *cpos);
  double *cd2 = mem_alloc_large((nord ? nord : 1) * L * sizeof *cd2);
  uint64_t *free_bits = NULL;
  struct match_kd kd;
  memset(&kd, 0, sizeof kd);
  int st = GSL_ENOMEM;
  if (!pos || !scratch || !zt || !seq || !cn || !cur || !cpos || !cd2) goto done;
  double mag = 0;
  for (size_t i = 0; i < nord; i++) {
    double g = match_maha_row(m, ord[i], zt, scratch);
    if (g > mag) mag = g;
  }
  if ((st = nn_tree(w, units, nu, mag, &kd)) != GSL_SUCCESS) goto done;
  struct nnctx ctx = {w, scratch};
  kd.prefetch = nn_prefetch;
  kd.pctx = m;
  if ((st = match_kd_mark_same(&kd, nn_same, &ctx)) != GSL_SUCCESS) goto done;
  int filt = !isnan(w->caliper) || s->ncal > 0;
  if ((st = nn_spatial_order(m, ord, nord, zt, scratch, seq)) != GSL_SUCCESS) goto done;
  if ((st = nn_lists(w, &kd, ord, nord, seq, L, filt, cpos, cd2, cn)) != GSL_SUCCESS) goto done;
  /* The lists are made: seq now holds each unit's index among all treated
   * units (r->treated), found once rather than in every round. */
  for (size_t i = 0; i < nord; i++) seq[i] = (uint32_t)match_tix(r, ord[i]);
  if (!s->replace) {
    /* Which controls are free, a bit each by tree position: the rounds
     * read it at scattered positions, and at an eighth of the tree's flag
     * bytes it stays in the caches at national scale. */
    size_t nw = kd.m / 64 + 1;
    free_bits = malloc(nw * sizeof *free_bits);
    st = GSL_ENOMEM;
    if (free_bits == NULL) goto done;
    memset(free_bits, 0xff, nw * sizeof *free_bits);
    size_t live = kd.m;
    for (size_t round = 0; round < K; round++)
      for (size_t i = 0; i < nord && live > 0; i++) {
        if ((i & 4095) == 0) progress_note(nord + (round * nord + i) / K, 2 * nord);
        size_t t = ord[i];
        if (s->discarded && s->discarded[t]) continue;
        uint32_t *cl = cpos + i * L;
        size_t c = cur[i];
        while (c < cn[i] && !(free_bits[cl[c] >> 6] >> (cl[c] & 63) & 1)) c++;
        if (c == cn[i]) {
          if (cn[i] < L) {   /* every eligible control is taken */
            cur[i] = (uint32_t)c;
            continue;
          }
          /* A full list used up: search the controls still free. */
          cn[i] = (uint32_t)nn_fill(w, &kd, t, L, filt, &ctx, zt, pos, cl, cd2 + i * L);
          c = 0;
          cur[i] = 0;
          if (cn[i] == 0) continue;
        }
        size_t ti = seq[i];
        r->mm[ti * K + round] = kd.pt[cl[c]];
        r->dist[ti * K + round] = sqrt(cd2[i * L + c]);
        free_bits[cl[c] >> 6] &= ~((uint64_t)1 << (cl[c] & 63));
        match_kd_kill(&kd, cl[c]);
        live--;
        cur[i] = (uint32_t)(c + 1);
      }
  } else {
    for (size_t i = 0; i < nord; i++) {
      size_t t = ord[i];
      if (s->discarded && s->discarded[t]) continue;
      size_t got = cn[i], ti = seq[i], *row = r->mm + ti * K;
      const uint32_t *cl = cpos + i * L;
      double *dist = r->dist + ti * K;
      if (got <= K) {
        /* No more eligible controls than places: all of them, in row order. */
        for (size_t j = 0; j < got; j++) row[j] = kd.pt[cl[j]];
        qsort(row, got, sizeof *row, cmp_size);
        for (size_t j = 0; j < got; j++) dist[j] = sqrt(nn_dist(&ctx, t, row[j]));
      } else {
        for (size_t j = 0; j < K; j++) {
          row[j] = kd.pt[cl[j]];
          dist[j] = sqrt(cd2[i * L + j]);
        }
      }
    }
  }
  st = GSL_SUCCESS;
done:
  match_kd_free(&kd);
  free(pos);
  free(scratch);
  free(zt);
  free(seq);
  free(cn);
  free(cur);
  free(cpos);
  free(cd2);
  free(free_bits);
  return st;
}
