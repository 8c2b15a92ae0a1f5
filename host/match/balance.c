/* host/match/balance.c -- covariate balance tables (balance.h): weighted group
 * means and "unbiased" weighted variances by two passes (mean, then
 * squared deviations), SMDs on the unadjusted denominator, variance ratios.
 * Pure C on GSL status codes, no Lua. */
#include "balance.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

struct wstat {
  double sw, sw2, mean, var;
  size_t n;
};

/* Weighted mean and variance of each group (s[0] control, s[1] treated)
 * with weights w1 * w2 (either NULL: all 1); units with weight <= 0 are
 * left out.  Both groups in the same two passes over the rows; each
 * group's sums are added in row order. */
static void group_stats(const double *x, const unsigned char *treat, const double *w1,
                        const double *w2, size_t n, int binary, enum balance_var vk,
                        struct wstat s[2]) {
  memset(s, 0, 2 * sizeof *s);
  /* The sums in locals, one set per group (the group decides which; each
   * is still added to in row order). */
  double sw0 = 0, sq0 = 0, sx0 = 0, sw1 = 0, sq1 = 0, sx1 = 0;
  size_t n0 = 0, n1 = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = (w1 ? w1[i] : 1.0) * (w2 ? w2[i] : 1.0);
    if (isnan(x[i]) || !(wi > 0)) continue;
    if (treat[i]) {
      sw1 += wi;
      sq1 += wi * wi;
      sx1 += wi * x[i];
      n1++;
    } else {
      sw0 += wi;
      sq0 += wi * wi;
      sx0 += wi * x[i];
      n0++;
    }
  }
  const double sx[2] = {sx0, sx1};
  s[0].sw = sw0, s[0].sw2 = sq0, s[0].n = n0;
  s[1].sw = sw1, s[1].sw2 = sq1, s[1].n = n1;
  int need = 0;
  for (int g = 0; g < 2; g++) {
    if (s[g].n == 0) {
      s[g].mean = s[g].var = NAN;
      continue;
    }
    s[g].mean = sx[g] / s[g].sw;
    if (binary && vk == BALANCE_VAR_COBALT)
      s[g].var = s[g].mean * (1 - s[g].mean);
    else
      need = 1;
  }
  if (!need) return;
  double ss0 = 0, ss1 = 0;
  const double m0 = s[0].mean, m1 = s[1].mean;
  for (size_t i = 0; i < n; i++) {
    double wi = (w1 ? w1[i] : 1.0) * (w2 ? w2[i] : 1.0);
    if (isnan(x[i]) || !(wi > 0)) continue;
    if (treat[i]) {
      double d = x[i] - m1;
      ss1 += wi * d * d;
    } else {
      double d = x[i] - m0;
      ss0 += wi * d * d;
    }
  }
  const double ss[2] = {ss0, ss1};
  for (int g = 0; g < 2; g++) {
    if (s[g].n == 0) continue;
    double den = s[g].sw - s[g].sw2 / s[g].sw;
    s[g].var = den > 0 ? ss[g] / den : NAN;
  }
}

int balance_covariate(const double *x, const unsigned char *treat, const double *base,
                      const double *adj, size_t n, const struct balance_opts *o,
                      struct balance_stat *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  int binary = 1;
  for (size_t i = 0; i < n && binary; i++)
    if (!isnan(x[i])) binary = x[i] == 0 || x[i] == 1;
  out->binary = binary;
  struct wstat u[2], a[2];
  group_stats(x, treat, base, NULL, n, binary, o->var, u);
  for (int g = 0; g < 2; g++) {
    out->n[g] = u[g].n;
    out->mean[g] = u[g].mean;
    out->var[g] = u[g].var;
    if (u[g].n == 0) {
      snprintf(err, errlen, "the %s group has no value", g ? "treated" : "control");
      return GSL_EINVAL;
    }
  }
  switch (o->sd) {
  case BALANCE_SD_TREATED: out->sd_denom = sqrt(u[1].var); break;
  case BALANCE_SD_CONTROL: out->sd_denom = sqrt(u[0].var); break;
  default: out->sd_denom = sqrt((u[0].var + u[1].var) / 2);
  }
  int raw = binary && o->binary_raw;
  out->diff = u[1].mean - u[0].mean;
  out->smd = raw ? out->diff : out->sd_denom > 0 ? out->diff / out->sd_denom : NAN;
  out->vr = binary ? NAN : u[1].var / u[0].var;
  for (int g = 0; g < 2; g++) {
    out->mean_adj[g] = out->var_adj[g] = out->ess_adj[g] = NAN;
  }
  out->diff_adj = out->smd_adj = out->vr_adj = NAN;
  if (adj == NULL) return GSL_SUCCESS;
  /* Adjusted statistics: the adjustment weights times the base weights. */
  group_stats(x, treat, adj, base, n, binary, o->var, a);
  for (int g = 0; g < 2; g++) {
    out->mean_adj[g] = a[g].mean;
    out->var_adj[g] = a[g].var;
    out->ess_adj[g] = a[g].n ? a[g].sw * a[g].sw / a[g].sw2 : 0;
  }
  out->diff_adj = a[1].mean - a[0].mean;
  out->smd_adj = raw ? out->diff_adj : out->sd_denom > 0 ? out->diff_adj / out->sd_denom : NAN;
  out->vr_adj = binary ? NAN : a[1].var / a[0].var;
  return GSL_SUCCESS;
}
