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
 * for two weightings at once: u with weights base (NULL: 1) and, when adj
 * is given, a with weights adj * base; units with weight <= 0 are left out
 * of that weighting.  Every sum of both weightings in the same two passes
 * over the rows (means, then squared deviations), each sum added in row
 * order, so each weighting's figures are those of a pass of its own. */
struct gsum {
  double sw, sq, sx, ss;
  size_t n;
};

static inline void gsum_add(struct gsum *g, double wi, double x) {
  g->sw += wi;
  g->sq += wi * wi;
  g->sx += wi * x;
  g->n++;
}

static void finish_means(const struct gsum g[2], int binary, enum balance_var vk,
                         struct wstat s[2], int *need) {
  for (int t = 0; t < 2; t++) {
    s[t].sw = g[t].sw, s[t].sw2 = g[t].sq, s[t].n = g[t].n;
    if (s[t].n == 0) {
      s[t].mean = s[t].var = NAN;
      continue;
    }
    s[t].mean = g[t].sx / s[t].sw;
    if (binary && vk == BALANCE_VAR_COBALT)
      s[t].var = s[t].mean * (1 - s[t].mean);
    else
      *need = 1;
  }
}

static void finish_vars(const struct gsum g[2], struct wstat s[2]) {
  for (int t = 0; t < 2; t++) {
    if (s[t].n == 0) continue;
    double den = s[t].sw - s[t].sw2 / s[t].sw;
    s[t].var = den > 0 ? g[t].ss / den : NAN;
  }
}

static void group_stats(const double *x, const unsigned char *treat, const double *base,
                        const double *adj, size_t n, int binary, enum balance_var vk,
                        struct wstat u[2], struct wstat a[2]) {
  struct gsum gu[2], ga[2];
  memset(gu, 0, sizeof gu);
  memset(ga, 0, sizeof ga);
  memset(u, 0, 2 * sizeof *u);
  memset(a, 0, 2 * sizeof *a);
  for (size_t i = 0; i < n; i++) {
    double xi = x[i], b = base ? base[i] : 1.0, wu = b * 1.0;
    if (isnan(xi)) continue;
    int t = treat[i] != 0;
    if (wu > 0) gsum_add(&gu[t], wu, xi);
    if (adj) {
      double wa = adj[i] * b;
      if (wa > 0) gsum_add(&ga[t], wa, xi);
    }
  }
  int need_u = 0, need_a = 0;
  finish_means(gu, binary, vk, u, &need_u);
  if (adj) finish_means(ga, binary, vk, a, &need_a);
  if (!need_u && !need_a) return;
  const double mu[2] = {u[0].mean, u[1].mean}, ma[2] = {a[0].mean, a[1].mean};
  for (size_t i = 0; i < n; i++) {
    double xi = x[i], b = base ? base[i] : 1.0, wu = b * 1.0;
    if (isnan(xi)) continue;
    int t = treat[i] != 0;
    if (need_u && wu > 0) {
      double d = xi - mu[t];
      gu[t].ss += wu * d * d;
    }
    if (need_a) {
      double wa = adj[i] * b;
      if (wa > 0) {
        double d = xi - ma[t];
        ga[t].ss += wa * d * d;
      }
    }
  }
  if (need_u) finish_vars(gu, u);
  if (need_a) finish_vars(ga, a);
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
  group_stats(x, treat, base, adj, n, binary, o->var, u, a);
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
  /* Adjusted statistics: the adjustment weights times the base weights
   * (summed in the same passes as the unadjusted ones). */
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
