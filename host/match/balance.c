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

/* Weighted mean and variance of group g with weights w1 * w2 (either NULL:
 * all 1); units with weight <= 0 are left out. */
static void group_stats(const double *x, const unsigned char *treat, const double *w1,
                        const double *w2, size_t n, int g, int binary, enum balance_var vk,
                        struct wstat *s) {
  memset(s, 0, sizeof *s);
  double sx = 0;
  for (size_t i = 0; i < n; i++) {
    if ((treat[i] != 0) != g || isnan(x[i])) continue;
    double wi = (w1 ? w1[i] : 1.0) * (w2 ? w2[i] : 1.0);
    if (!(wi > 0)) continue;
    s->sw += wi;
    s->sw2 += wi * wi;
    sx += wi * x[i];
    s->n++;
  }
  if (s->n == 0) {
    s->mean = s->var = NAN;
    return;
  }
  s->mean = sx / s->sw;
  if (binary && vk == BALANCE_VAR_COBALT) {
    s->var = s->mean * (1 - s->mean);
    return;
  }
  double ss = 0;
  for (size_t i = 0; i < n; i++) {
    if ((treat[i] != 0) != g || isnan(x[i])) continue;
    double wi = (w1 ? w1[i] : 1.0) * (w2 ? w2[i] : 1.0);
    if (!(wi > 0)) continue;
    double d = x[i] - s->mean;
    ss += wi * d * d;
  }
  double den = s->sw - s->sw2 / s->sw;
  s->var = den > 0 ? ss / den : NAN;
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
  for (int g = 0; g < 2; g++) {
    group_stats(x, treat, base, NULL, n, g, binary, o->var, &u[g]);
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
  for (int g = 0; g < 2; g++) {
    group_stats(x, treat, adj, base, n, g, binary, o->var, &a[g]);
    out->mean_adj[g] = a[g].mean;
    out->var_adj[g] = a[g].var;
    out->ess_adj[g] = a[g].n ? a[g].sw * a[g].sw / a[g].sw2 : 0;
  }
  out->diff_adj = a[1].mean - a[0].mean;
  out->smd_adj = raw ? out->diff_adj : out->sd_denom > 0 ? out->diff_adj / out->sd_denom : NAN;
  out->vr_adj = binary ? NAN : a[1].var / a[0].var;
  return GSL_SUCCESS;
}
