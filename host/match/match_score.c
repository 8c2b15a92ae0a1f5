/* host/match/match_score.c -- nearest-neighbour matching on a scalar score (the
 * propensity score or its linear predictor): in each round, each treated
 * unit in matching order takes the eligible control with the smallest
 * |score difference|, ties going to the lowest row -- MatchIt 4.5.1's
 * general algorithm (nn_matchC) applied to the score.  (MatchIt 4.5.1-4.5.3's
 * own sorted-score path truncates differences to integers, MatchIt issue
 * #163; see docs/methods/matching.md.)  The search does not scan the
 * controls: units are sorted by score once (stable radix sort), the nearest
 * live control on each side is found through two union-find "nearest live
 * position" arrays (path halving) that skip used, treated and discarded
 * units, and equal scores form runs whose lowest row is the first live
 * position of the run.  So 1:1 matching of a million rows is one sort plus
 * near-linear work.  Pure C, no Lua. */
#include "match_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

/* Sort key of a double: unsigned order equals numeric order (-0 as +0). */
static uint64_t dkey(double x) {
  uint64_t u;
  if (x == 0) x = 0;   /* -0.0 == 0.0 in R's comparisons */
  memcpy(&u, &x, sizeof u);
  return (u & 0x8000000000000000ull) ? ~u : (u | 0x8000000000000000ull);
}

/* idx[0..m-1] (rows, increasing) stably sorted by score: LSD radix sort on
 * 11-bit digits (six passes over the 64-bit keys), stable, so ties keep row
 * order as R's sort.list().  2048 buckets keep every pass's scattered
 * writes within the caches at any n (16-bit digits, 65536 buckets, do not:
 * their cost per row grew with n); a digit that every key shares is
 * skipped.  The keys in sorted order are handed back in *skey (the
 * caller frees them).  A digit's counts do not depend on the keys' order, so those of
 * all six come from one read of the keys, as they are made.  Each scatter
 * pass fills every bucket from both ends at once: the first half of the
 * keys forward from the bucket's start, the second half backward from its
 * end (the same positions as one pass in order: the second half's keys of
 * a bucket take its last places, in their order).  When most keys share a
 * digit (scores crowded at one end: the high digits), one pass in order
 * makes every increment of the bucket's offset wait on the one before;
 * two ends halve that wait. */
#define RADIX_BITS 11
#define RADIX_N (1u << RADIX_BITS)
#define RADIX_PASSES ((64 + RADIX_BITS - 1) / RADIX_BITS)

static int sort_by_score(const double *score, uint32_t *idx, size_t m, uint64_t **skey) {
  uint32_t *const out = idx;   /* the passes alternate between idx and tmp */
  uint64_t *key = malloc(m * sizeof *key), *key2 = malloc(m * sizeof *key2);
  uint32_t *tmp = malloc(m * sizeof *tmp);
  /* cnt[p * RADIX_N + d]: keys with digit d in pass p; end[]: one pass's bucket ends */
  size_t *cnt = calloc((RADIX_PASSES + 1) * RADIX_N, sizeof *cnt), *end = cnt + RADIX_PASSES * RADIX_N;
  if (!key || !key2 || !tmp || !cnt) {
    free(key); free(key2); free(tmp); free(cnt);
    return GSL_ENOMEM;
  }
  for (size_t i = 0; i < m; i++) {
    uint64_t k = dkey(score[idx[i]]);
    key[i] = k;
    for (int p = 0; p < RADIX_PASSES; p++) cnt[p * RADIX_N + ((k >> (p * RADIX_BITS)) & (RADIX_N - 1))]++;
  }
  const size_t h = m / 2;   /* keys 0..h-1 forward, h..m-1 backward */
  for (int p = 0; p < RADIX_PASSES; p++) {
    const int sh = p * RADIX_BITS;
    size_t *c = cnt + p * RADIX_N;
    int same = 0;
    for (size_t d = 0; d < RADIX_N && !same; d++) same = c[d] == m;
    if (same) continue;   /* every key has this digit: nothing to do */
    size_t sum = 0;
    for (size_t d = 0; d < RADIX_N; d++) {
      size_t v = c[d];
      c[d] = sum;
      sum += v;
      end[d] = sum;
    }
    size_t i = 0, j = m;
    for (; i < h; i++) {
      j--;
      size_t to = c[(key[i] >> sh) & (RADIX_N - 1)]++;
      size_t tj = --end[(key[j] >> sh) & (RADIX_N - 1)];
      tmp[to] = idx[i];
      key2[to] = key[i];
      tmp[tj] = idx[j];
      key2[tj] = key[j];
    }
    if (j > i) {   /* m odd: the middle key */
      size_t to = c[(key[i] >> sh) & (RADIX_N - 1)]++;
      tmp[to] = idx[i];
      key2[to] = key[i];
    }
    uint32_t *it = idx; idx = tmp; tmp = it;
    uint64_t *kt = key; key = key2; key2 = kt;
  }
  if (idx != out) {
    memcpy(out, idx, m * sizeof *out);
    tmp = idx;
  }
  *skey = key;   /* the keys in sorted order: equal keys are equal scores */
  free(key2); free(tmp); free(cnt);
  return GSL_SUCCESS;
}

/* Nearest live position <= i in lf (offset by one: lf[0] is the sentinel
 * for "none", position i lives at lf[i + 1]); -1 when none. */
static ptrdiff_t find_left(uint32_t *lf, ptrdiff_t i) {
  uint32_t x = (uint32_t)(i + 1);
  while (lf[x] != x) {
    lf[x] = lf[lf[x]];
    x = lf[x];
  }
  return (ptrdiff_t)x - 1;
}

/* Nearest live position >= i in rt (rt[m] is the sentinel); m when none. */
static size_t find_right(uint32_t *rt, size_t i) {
  uint32_t x = (uint32_t)i;
  while (rt[x] != x) {
    rt[x] = rt[rt[x]];
    x = rt[x];
  }
  return x;
}

static int in_row(const size_t *row, size_t upto, size_t c) {
  for (size_t j = 0; j < upto; j++)
    if (row[j] == c) return 1;
  return 0;
}

/* Eligibility of the control at sorted position q for treated row t in
 * this round (alive is checked by the caller): not already among t's
 * controls (with replacement), within the covariate calipers. */
static int eligible(const struct match_work *w, size_t t, const size_t *row, size_t round,
                    size_t c) {
  if (round > 0 && in_row(row, round, c)) return 0;
  return w->s->ncal == 0 || match_cal_ok(w, t, c);
}

/* Lowest-row eligible live control in the run of equal scores holding
 * sorted position q (runs are in row order, so it is the first one found
 * walking right from the run's start); nu when none. */
static size_t run_lowest(const struct match_work *w, uint32_t *rt, const uint32_t *srt,
                         const uint32_t *run0, size_t nu, size_t q, size_t t, const size_t *row,
                         size_t round) {
  double v = w->s->score[srt[q]];
  for (size_t k = find_right(rt, run0[q]); k < nu && w->s->score[srt[k]] == v;
       k = find_right(rt, k + 1))
    if (eligible(w, t, row, round, srt[k])) return k;
  return nu;
}

int match_score_stratum(const struct match_work *w, const uint32_t *units, size_t nu,
                        const size_t *ord, size_t nord) {
  const struct match_spec *s = w->s;
  struct match_result *r = w->r;
  const double *score = s->score;
  size_t *pos = NULL;
  uint32_t *srt = malloc((nu ? nu : 1) * sizeof *srt), *run0 = NULL;
  uint64_t *skey = NULL;
  uint32_t *lf = malloc((nu + 1) * sizeof *lf), *rt = malloc((nu + 1) * sizeof *rt);
  int st = GSL_ENOMEM;
  if (!srt || !lf || !rt) goto done;
  for (size_t q = 0; q < nu; q++) srt[q] = (uint32_t)match_unit(units, q);
  if ((st = sort_by_score(score, srt, nu, &skey)) != GSL_SUCCESS) goto done;
  pos = malloc((nord ? nord : 1) * sizeof *pos);
  run0 = malloc((nu ? nu : 1) * sizeof *run0);
  st = GSL_ENOMEM;
  if (!pos || !run0) goto done;
  /* w->tpos (n1 entries, shared by the strata) maps a treated index to its
   * sorted position. */
  for (size_t q = 0; q < nu; q++) {
    if (s->treat[srt[q]]) w->tpos[match_tix(r, srt[q])] = (uint32_t)q;
    /* equal sort keys are equal scores (dkey is one to one, but for -0 as +0,
     * which compare equal too): read in order, not gathered by row */
    run0[q] = q > 0 && skey[q] == skey[q - 1] ? run0[q - 1] : (uint32_t)q;
  }
  free(skey);
  skey = NULL;
  for (size_t i = 0; i < nord; i++) pos[i] = w->tpos[match_tix(r, ord[i])];
  size_t live = 0;
  lf[0] = 0;
  for (size_t q = 0; q < nu; q++) {
    size_t row = srt[q];
    int ok = !s->treat[row] && !(s->discarded && s->discarded[row]);
    lf[q + 1] = (uint32_t)(ok ? q + 1 : q);
    rt[q] = (uint32_t)(ok ? q : q + 1);
    live += (size_t)ok;
  }
  rt[nu] = (uint32_t)nu;
  const size_t K = r->ratio;
  int has_cal = !isnan(w->caliper);
  for (size_t round = 0; round < K && live > 0; round++) {
    for (size_t i = 0; i < nord && live > 0; i++) {
      size_t t = ord[i], ti = match_tix(r, t);
      if (s->discarded && s->discarded[t]) continue;
      size_t *row = r->mm + ti * K;
      size_t ii = pos[i];
      double dt = score[t];
      /* The nearest eligible live control on each side in sorted order;
       * beyond the caliper nothing further out can qualify. */
      ptrdiff_t kl = find_left(lf, (ptrdiff_t)ii - 1);
      while (kl >= 0 && !eligible(w, t, row, round, srt[kl])) kl = find_left(lf, kl - 1);
      if (kl >= 0 && has_cal && !(fabs(dt - score[srt[kl]]) <= w->caliper)) kl = -1;
      size_t kr = find_right(rt, ii + 1);
      while (kr < nu && !eligible(w, t, row, round, srt[kr])) kr = find_right(rt, kr + 1);
      if (kr < nu && has_cal && !(fabs(score[srt[kr]] - dt) <= w->caliper)) kr = nu;
      if (kl < 0 && kr >= nu) continue;
      double dl = kl >= 0 ? fabs(dt - score[srt[kl]]) : INFINITY;
      double dr = kr < nu ? fabs(score[srt[kr]] - dt) : INFINITY;
      /* Every control at the smallest distance is in the run of kl or kr
       * (or both, when both equal the treated unit's score): take the
       * lowest row among them. */
      size_t k = nu;
      if (dl <= dr) k = run_lowest(w, rt, srt, run0, nu, (size_t)kl, t, row, round);
      if (dr <= dl) {
        size_t k2 = run_lowest(w, rt, srt, run0, nu, kr, t, row, round);
        if (k == nu || (k2 < nu && srt[k2] < srt[k])) k = k2;
      }
      row[round] = srt[k];
      r->dist[ti * K + round] = fabs(score[srt[k]] - dt);
      if (!s->replace) {
        /* Used once: dead for every later search. */
        lf[k + 1] = (uint32_t)k;
        rt[k] = (uint32_t)(k + 1);
        live--;
      }
    }
  }
  st = GSL_SUCCESS;
done:
  free(skey);
  free(srt);
  free(pos);
  free(run0);
  free(lf);
  free(rt);
  return st;
}
