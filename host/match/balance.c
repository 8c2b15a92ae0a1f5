/* host/match/balance.c -- covariate balance tables (balance.h): weighted group
 * means and "unbiased" weighted variances by two passes (mean, then
 * squared deviations), SMDs on the unadjusted denominator, variance ratios.
 * Pure C on GSL status codes, no Lua. */
#include "balance.h"

#include <math.h>
#include <stdint.h>
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

/* The two passes, for x given as doubles (NaN: no value, left out) or as
 * whole numbers read in place (XV(i): the value of row i as a double;
 * SKIP(v): whether it has no value).  The same sums in the same order
 * either way.  Each group's sums are local variables (the group of a row
 * picked by a branch, which the usual small treated share makes
 * predictable), not fields of an array indexed by the group: those would
 * make every addition wait on the store of the one before. */
#define GSUM_ADD(S, wv, xv) (S##w += (wv), S##q += (wv) * (wv), S##x += (wv) * (xv), S##n++)
#define GSUM_LOCALS(S) double S##w = 0, S##q = 0, S##x = 0; size_t S##n = 0
#define GSUM_STORE(g, S) ((g).sw = S##w, (g).sq = S##q, (g).sx = S##x, (g).n = S##n)
#define GROUP_PASSES(XV, SKIP)                                                      \
  {                                                                                 \
    GSUM_LOCALS(u0);                                                                \
    GSUM_LOCALS(u1);                                                                \
    GSUM_LOCALS(a0);                                                                \
    GSUM_LOCALS(a1);                                                                \
    for (size_t i = 0; i < n; i++) {                                                \
      double xi = XV(i), b = base ? base[i] : 1.0, wu = b * 1.0;                    \
      if (SKIP(xi)) continue;                                                       \
      double wa = adj ? adj[i] * b : 0;                                             \
      if (treat[i] != 0) {                                                          \
        if (wu > 0) GSUM_ADD(u1, wu, xi);                                           \
        if (wa > 0) GSUM_ADD(a1, wa, xi);                                           \
      } else {                                                                      \
        if (wu > 0) GSUM_ADD(u0, wu, xi);                                           \
        if (wa > 0) GSUM_ADD(a0, wa, xi);                                           \
      }                                                                             \
    }                                                                               \
    GSUM_STORE(gu[0], u0);                                                          \
    GSUM_STORE(gu[1], u1);                                                          \
    GSUM_STORE(ga[0], a0);                                                          \
    GSUM_STORE(ga[1], a1);                                                          \
  }                                                                                 \
  int need_u = 0, need_a = 0;                                                       \
  finish_means(gu, binary, vk, u, &need_u);                                         \
  if (adj) finish_means(ga, binary, vk, a, &need_a);                                \
  if (!need_u && !need_a) return;                                                   \
  {                                                                                 \
    const double mu0 = u[0].mean, mu1 = u[1].mean, ma0 = a[0].mean, ma1 = a[1].mean; \
    double su0 = 0, su1 = 0, sa0 = 0, sa1 = 0;                                      \
    for (size_t i = 0; i < n; i++) {                                                \
      double xi = XV(i), b = base ? base[i] : 1.0, wu = b * 1.0;                    \
      if (SKIP(xi)) continue;                                                       \
      double wa = need_a ? adj[i] * b : 0;                                          \
      if (treat[i] != 0) {                                                          \
        if (need_u && wu > 0) su1 += wu * (xi - mu1) * (xi - mu1);                  \
        if (wa > 0) sa1 += wa * (xi - ma1) * (xi - ma1);                            \
      } else {                                                                      \
        if (need_u && wu > 0) su0 += wu * (xi - mu0) * (xi - mu0);                  \
        if (wa > 0) sa0 += wa * (xi - ma0) * (xi - ma0);                            \
      }                                                                             \
    }                                                                               \
    gu[0].ss = su0, gu[1].ss = su1, ga[0].ss = sa0, ga[1].ss = sa1;                 \
  }                                                                                 \
  if (need_u) finish_vars(gu, u);                                                   \
  if (need_a) finish_vars(ga, a);

#define XF64(i) x[i]
#define XI64(i) ((double)xw[i])
#define NAN_SKIP(v) isnan(v)
#define NO_SKIP(v) 0

static void group_stats(const double *x, const int64_t *xw, const unsigned char *treat,
                        const double *base, const double *adj, size_t n, int binary,
                        enum balance_var vk, struct wstat u[2], struct wstat a[2]) {
  struct gsum gu[2], ga[2];
  memset(gu, 0, sizeof gu);
  memset(ga, 0, sizeof ga);
  memset(u, 0, 2 * sizeof *u);
  memset(a, 0, 2 * sizeof *a);
  if (x != NULL) {
    GROUP_PASSES(XF64, NAN_SKIP)
  } else {
    GROUP_PASSES(XI64, NO_SKIP)
  }
}

static int balance_of(const double *x, const int64_t *xw, const unsigned char *treat,
                      const double *base, const double *adj, size_t n,
                      const struct balance_opts *o, struct balance_stat *out, char *err,
                      size_t errlen);

int balance_covariate(const double *x, const unsigned char *treat, const double *base,
                      const double *adj, size_t n, const struct balance_opts *o,
                      struct balance_stat *out, char *err, size_t errlen) {
  return balance_of(x, NULL, treat, base, adj, n, o, out, err, errlen);
}

int balance_covariate_i64(const int64_t *x, const unsigned char *treat, const double *base,
                          const double *adj, size_t n, const struct balance_opts *o,
                          struct balance_stat *out, char *err, size_t errlen) {
  return balance_of(NULL, x, treat, base, adj, n, o, out, err, errlen);
}

static int balance_of(const double *x, const int64_t *xw, const unsigned char *treat,
                      const double *base, const double *adj, size_t n,
                      const struct balance_opts *o, struct balance_stat *out, char *err,
                      size_t errlen) {
  memset(out, 0, sizeof *out);
  int binary = 1;
  if (x != NULL) {
    for (size_t i = 0; i < n && binary; i++)
      if (!isnan(x[i])) binary = x[i] == 0 || x[i] == 1;
  } else {
    /* whole numbers: 0 and 1 are the only values with no bit above the
     * lowest; 64 rows at a time */
    uint64_t hi = 0;
    for (size_t i = 0; i < n && hi == 0;) {
      size_t e = n - i < 64 ? n : i + 64;
      for (; i < e; i++) hi |= (uint64_t)xw[i] & ~(uint64_t)1;
    }
    binary = hi == 0;
  }
  out->binary = binary;
  struct wstat u[2], a[2];
  group_stats(x, xw, treat, base, adj, n, binary, o->var, u, a);
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
