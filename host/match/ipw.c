/* host/match/ipw.c -- inverse probability of treatment weights (ipw.h).
 * Steps, in this order: trim units by score quantiles; weights for the
 * estimand (ATT: treated 1, controls e/(1-e); ATC: treated (1-e)/e,
 * controls 1; ATE: 1/e and 1/(1-e)); truncate each group's weights at its
 * own quantiles; stabilise (multiply by the group's share of kept units);
 * then Kish's effective sample size, common support and the histogram.
 * Pure C on GSL status codes, no Lua. */
#include "ipw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include "data/mem.h"

void ipw_result_fini(struct ipw_result *r) {
  MEM_RELEASE(r, r->w, r->trimmed, r->bin_n[0], r->bin_n[1], r->bin_w[0], r->bin_w[1]);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double ipw_quantile7(double *x, size_t m, double p) {
  /* Hyndman & Fan (1996) definition 7: h = (m - 1) p, linear between the
   * order statistics around h. */
  if (m == 0) return NAN;
  qsort(x, m, sizeof *x, cmp_double);
  double h = (double)(m - 1) * p;
  size_t lo = (size_t)floor(h);
  if (lo >= m - 1) return x[m - 1];
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int bad_q(double q) { return !isnan(q) && !(q >= 0 && q <= 1); }

int ipw_weights(const double *ps, const unsigned char *treat, size_t n,
                const struct ipw_opts *o, struct ipw_result *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  if (err && errlen) err[0] = '\0';
  if (bad_q(o->trim_lo) || bad_q(o->trim_hi) || bad_q(o->trunc_lo) || bad_q(o->trunc_hi)) {
    snprintf(err, errlen, "quantiles for trimming and truncation must lie in [0, 1]");
    return GSL_EINVAL;
  }
  for (size_t i = 0; i < n; i++)
    if (!(ps[i] > 0 && ps[i] < 1)) {
      snprintf(err, errlen, "the propensity score is %g in row %zu; weighting needs scores "
               "strictly between 0 and 1", ps[i], i + 1);
      return GSL_EDOM;
    }
  r->n = n;
  r->nbins = o->nbins;
  r->w = malloc((n ? n : 1) * sizeof *r->w);
  r->trimmed = calloc(n ? n : 1, 1);
  /* scratch for the quantiles, only when there are some to find */
  int quant = !isnan(o->trim_lo) || !isnan(o->trim_hi) || !isnan(o->trunc_lo) || !isnan(o->trunc_hi);
  double *tmp = quant ? malloc((n ? n : 1) * sizeof *tmp) : NULL;
  int st = GSL_ENOMEM;
  if (!r->w || !r->trimmed || (quant && !tmp)) goto fail;
  for (int g = 0; g < 2; g++) {
    r->g[g].ps_min = r->g[g].w_min = INFINITY;
    r->g[g].ps_max = r->g[g].w_max = -INFINITY;
  }
  /* Each group's count and extremes in local variables (kept in registers;
   * fields reached through a pointer chosen per row would make each row
   * wait on the store of the one before); the same values. */
  {
    size_t n1 = 0;
    double lo0 = INFINITY, hi0 = -INFINITY, lo1 = INFINITY, hi1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
      double e = ps[i];
      if (treat[i]) {
        n1++;
        lo1 = e < lo1 ? e : lo1;
        hi1 = e > hi1 ? e : hi1;
      } else {
        lo0 = e < lo0 ? e : lo0;
        hi0 = e > hi0 ? e : hi0;
      }
    }
    r->g[1].n = n1;
    r->g[0].n = n - n1;
    r->g[0].ps_min = lo0, r->g[0].ps_max = hi0, r->g[1].ps_min = lo1, r->g[1].ps_max = hi1;
  }
  if (r->g[0].n == 0 || r->g[1].n == 0) {
    snprintf(err, errlen, "weighting needs treated and control units");
    st = GSL_EINVAL;
    goto fail;
  }
  /* Common support. */
  r->support_lo = fmax(r->g[0].ps_min, r->g[1].ps_min);
  r->support_hi = fmin(r->g[0].ps_max, r->g[1].ps_max);
  /* (the units outside it are counted with the weights below) */
  /* Trimming by score quantiles of all units. */
  r->trim_ps_lo = -INFINITY;
  r->trim_ps_hi = INFINITY;
  if (!isnan(o->trim_lo) || !isnan(o->trim_hi)) {
    memcpy(tmp, ps, n * sizeof *tmp);
    if (!isnan(o->trim_lo)) r->trim_ps_lo = ipw_quantile7(tmp, n, o->trim_lo);
    if (!isnan(o->trim_hi)) r->trim_ps_hi = ipw_quantile7(tmp, n, o->trim_hi);
    for (size_t i = 0; i < n; i++) r->trimmed[i] = ps[i] < r->trim_ps_lo || ps[i] > r->trim_ps_hi;
  }
  {   /* weights, and per group the units kept and those outside the support, in locals */
    size_t kept[2] = {0, 0}, out[2] = {0, 0};
    const double slo = r->support_lo, shi = r->support_hi;
    for (size_t i = 0; i < n; i++) {
      double e = ps[i], w;
      int t = treat[i] != 0;
      switch (o->estimand) {
      case IPW_ATT: w = t ? 1.0 : e / (1 - e); break;
      case IPW_ATC: w = t ? (1 - e) / e : 1.0; break;
      default: w = t ? 1 / e : 1 / (1 - e);
      }
      int tr = r->trimmed[i];
      r->w[i] = tr ? 0.0 : w;
      size_t o1 = e < slo || e > shi;
      if (t) {
        kept[1] += !tr;
        out[1] += o1;
      } else {
        kept[0] += !tr;
        out[0] += o1;
      }
    }
    for (int g = 0; g < 2; g++) r->g[g].n_kept = kept[g], r->g[g].n_outside = out[g];
  }
  if (r->g[0].n_kept == 0 || r->g[1].n_kept == 0) {
    snprintf(err, errlen, "trimming left no %s units", r->g[0].n_kept == 0 ? "control" : "treated");
    st = GSL_EINVAL;
    goto fail;
  }
  /* Truncation at each group's own weight quantiles. */
  for (int g = 0; g < 2; g++) {
    r->trunc_w[g][0] = -INFINITY;
    r->trunc_w[g][1] = INFINITY;
    if (isnan(o->trunc_lo) && isnan(o->trunc_hi)) continue;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if ((treat[i] != 0) == g && !r->trimmed[i]) tmp[m++] = r->w[i];
    if (!isnan(o->trunc_lo)) r->trunc_w[g][0] = ipw_quantile7(tmp, m, o->trunc_lo);
    if (!isnan(o->trunc_hi)) r->trunc_w[g][1] = ipw_quantile7(tmp, m, o->trunc_hi);
    for (size_t i = 0; i < n; i++) {
      if ((treat[i] != 0) != g || r->trimmed[i]) continue;
      if (r->w[i] < r->trunc_w[g][0]) { r->w[i] = r->trunc_w[g][0]; r->g[g].n_truncated++; }
      else if (r->w[i] > r->trunc_w[g][1]) { r->w[i] = r->trunc_w[g][1]; r->g[g].n_truncated++; }
    }
  }
  if (o->stabilize) {
    double nk = (double)(r->g[0].n_kept + r->g[1].n_kept);
    double share[2] = {(double)r->g[0].n_kept / nk, (double)r->g[1].n_kept / nk};
    for (size_t i = 0; i < n; i++) r->w[i] *= share[treat[i] ? 1 : 0];
  }
  {   /* sums and extremes per group, in locals as above */
    double s0 = 0, q0 = 0, lo0 = INFINITY, hi0 = -INFINITY;
    double s1 = 0, q1 = 0, lo1 = INFINITY, hi1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
      if (r->trimmed[i]) continue;
      double w = r->w[i];
      if (treat[i]) {
        s1 += w;
        q1 += w * w;
        lo1 = w < lo1 ? w : lo1;
        hi1 = w > hi1 ? w : hi1;
      } else {
        s0 += w;
        q0 += w * w;
        lo0 = w < lo0 ? w : lo0;
        hi0 = w > hi0 ? w : hi0;
      }
    }
    r->g[0].sum_w = s0, r->g[0].sum_w2 = q0, r->g[0].w_min = lo0, r->g[0].w_max = hi0;
    r->g[1].sum_w = s1, r->g[1].sum_w2 = q1, r->g[1].w_min = lo1, r->g[1].w_max = hi1;
  }
  for (int g = 0; g < 2; g++) r->g[g].ess = r->g[g].sum_w * r->g[g].sum_w / r->g[g].sum_w2;
  if (o->nbins > 0) {
    size_t B = o->nbins;
    for (int g = 0; g < 2; g++) {
      r->bin_n[g] = calloc(B, sizeof *r->bin_n[g]);
      r->bin_w[g] = calloc(B, sizeof *r->bin_w[g]);
      if (!r->bin_n[g] || !r->bin_w[g]) goto fail;
    }
    /* bin b holds [b/B, (b+1)/B); the last also holds 1.  A run of rows
     * in the same group and bin (most rows, when the scores crowd one end)
     * is summed in a local, in row order, and added to the bin when the
     * run ends: the same sums, without a store and reload per row. */
    size_t rb = 0, rn = 0;   /* the run: its bin, group, length and the bin's sum so far */
    int rg = 0;
    double rw = 0;
    for (size_t i = 0; i < n; i++) {
      size_t b = (size_t)(ps[i] * (double)B);   /* floor: ps * B > 0 */
      if (b >= B) b = B - 1;
      int g = treat[i] ? 1 : 0;
      if (rn > 0 && (b != rb || g != rg)) {
        r->bin_n[rg][rb] += rn;
        r->bin_w[rg][rb] = rw;
        rn = 0;
      }
      if (rn == 0) {
        rb = b, rg = g;
        rw = r->bin_w[g][b];
      }
      rw += r->w[i];
      rn++;
    }
    if (rn > 0) {
      r->bin_n[rg][rb] += rn;
      r->bin_w[rg][rb] = rw;
    }
    for (int g = 0; g < 2; g++)
      for (size_t b = 0; b < B; b++) r->bin_w[g][b] /= r->g[g].sum_w;
  }
  free(tmp);
  return GSL_SUCCESS;
fail:
  free(tmp);
  ipw_result_fini(r);
  return st;
}
