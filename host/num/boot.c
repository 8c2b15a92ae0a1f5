/* host/num/boot.c -- nonparametric bootstrap with case or cluster resampling,
 * jackknife acceleration, and percentile / BCa intervals with the order
 * statistic interpolation of R boot::norm.inter (Davison & Hinkley 1997,
 * eq. 5.8), matching boot.ci(type = c("perc", "bca")) given the same
 * replicates and L = empinf(type = "jack").  Plain C on GSL; no Lua. */
#include "boot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>

struct boot_design {
  size_t n, units;
  size_t *start;     /* clusters: members of unit u are members[start[u] .. start[u+1]) */
  size_t *members;
  size_t *idx;       /* scratch: expanded indices, capacity cap */
  size_t cap;
  size_t *draws;     /* scratch: one replicate's unit draws */
};

int boot_design_new(size_t n, const size_t *cluster, size_t nclusters,
                    struct boot_design **out) {
  if (n == 0 || (cluster && nclusters == 0)) return GSL_EINVAL;
  struct boot_design *d = calloc(1, sizeof *d);
  if (!d) return GSL_ENOMEM;
  d->n = n;
  d->units = cluster ? nclusters : n;
  size_t maxsize = 1;
  if (cluster) {
    d->start = calloc(nclusters + 1, sizeof *d->start);
    d->members = malloc(n * sizeof *d->members);
    if (!d->start || !d->members) goto nomem;
    for (size_t i = 0; i < n; i++) {
      if (cluster[i] >= nclusters) {
        boot_design_free(d);
        return GSL_EINVAL;
      }
      d->start[cluster[i] + 1]++;
    }
    for (size_t g = 0; g < nclusters; g++) {
      if (d->start[g + 1] == 0) {   /* an unused cluster number */
        boot_design_free(d);
        return GSL_EINVAL;
      }
      if (d->start[g + 1] > maxsize) maxsize = d->start[g + 1];
      d->start[g + 1] += d->start[g];
    }
    /* counting sort keeps each cluster's observations in original order */
    size_t *fill = malloc(nclusters * sizeof *fill);
    if (!fill) goto nomem;
    memcpy(fill, d->start, nclusters * sizeof *fill);
    for (size_t i = 0; i < n; i++) d->members[fill[cluster[i]]++] = i;
    free(fill);
  }
  /* a cluster resample holds at most units * largest cluster observations */
  d->cap = cluster ? nclusters * maxsize : n;
  if (d->cap < n) d->cap = n;
  d->idx = malloc(d->cap * sizeof *d->idx);
  d->draws = malloc(d->units * sizeof *d->draws);
  if (!d->idx || !d->draws) goto nomem;
  *out = d;
  return GSL_SUCCESS;
nomem:
  boot_design_free(d);
  return GSL_ENOMEM;
}

void boot_design_free(struct boot_design *d) {
  if (!d) return;
  free(d->start);
  free(d->members);
  free(d->idx);
  free(d->draws);
  free(d);
}

size_t boot_design_units(const struct boot_design *d) { return d->units; }

double boot_design_eval(struct boot_design *d, const size_t *draws, boot_stat_fn stat,
                        void *ctx) {
  if (!d->start) return stat(draws, d->n, ctx);
  size_t k = 0;
  for (size_t u = 0; u < d->units; u++)
    for (size_t m = d->start[draws[u]]; m < d->start[draws[u] + 1]; m++)
      d->idx[k++] = d->members[m];
  return stat(d->idx, k, ctx);
}

int boot_replicates(struct boot_design *d, gsl_rng *rng, size_t reps, boot_stat_fn stat,
                    void *ctx, double *t) {
  for (size_t b = 0; b < reps; b++) {
    for (size_t u = 0; u < d->units; u++)
      d->draws[u] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)d->units);
    t[b] = boot_design_eval(d, d->draws, stat, ctx);
  }
  return GSL_SUCCESS;
}

int boot_jackknife(struct boot_design *d, boot_stat_fn stat, void *ctx, double *tj) {
  for (size_t leave = 0; leave < d->units; leave++) {
    size_t k = 0;
    for (size_t u = 0; u < d->units; u++) {
      if (u == leave) continue;
      if (!d->start) d->idx[k++] = u;
      else
        for (size_t m = d->start[u]; m < d->start[u + 1]; m++) d->idx[k++] = d->members[m];
    }
    tj[leave] = stat(d->idx, k, ctx);
  }
  return GSL_SUCCESS;
}

double boot_acceleration(const double *tj, size_t m, double t0) {
  double s2 = 0, s3 = 0, f = (double)m - 1;
  for (size_t i = 0; i < m; i++) {
    double l = f * (t0 - tj[i]);
    s2 += l * l;
    s3 += l * l * l;
  }
  double a = s3 / (6 * pow(s2, 1.5));
  return isfinite(a) ? a : NAN;
}

/* Finite replicates, sorted, in a malloc'd array; NULL on no memory. */
static double *sorted_finite(const double *t, size_t reps, size_t *used) {
  double *s = malloc((reps ? reps : 1) * sizeof *s);
  if (!s) return NULL;
  size_t k = 0;
  for (size_t b = 0; b < reps; b++)
    if (isfinite(t[b])) s[k++] = t[b];
  gsl_sort(s, 1, k);
  *used = k;
  return s;
}

/* R boot's norm.inter: the alpha quantile of R sorted replicates t*(1..R)
 * is t*(k) when k = (R + 1) alpha is a whole number, else the value
 * interpolated between t*(k) and t*(k+1), k = floor((R + 1) alpha), linearly
 * on the normal quantile scale:
 *   t*(k) + (z_alpha - z_{k/(R+1)}) / (z_{(k+1)/(R+1)} - z_{k/(R+1)}) (t*(k+1) - t*(k)).
 * k = 0 or k >= R use the extreme replicate (R: warning). */
static double norm_inter(const double *s, size_t R, double alpha, int *extreme) {
  double dR = (double)R, rk = (dR + 1) * alpha;
  if (!(rk > 1 && rk < dR)) *extreme = 1;
  double k = trunc(rk);
  if (k <= 0) return s[0];
  if (k >= dR) return s[R - 1];
  size_t ki = (size_t)k;
  if (k == rk) return s[ki - 1];
  double z = gsl_cdf_ugaussian_Pinv(alpha);
  double zk = gsl_cdf_ugaussian_Pinv(k / (dR + 1));
  double zk1 = gsl_cdf_ugaussian_Pinv((k + 1) / (dR + 1));
  return s[ki - 1] + (z - zk) / (zk1 - zk) * (s[ki] - s[ki - 1]);
}

/* The sorted finite replicates an interval is read from (*used of them),
 * in *s (the caller frees it): GSL_EINVAL for a confidence level outside
 * (0, 1) or fewer than 2 finite replicates, GSL_ENOMEM. */
static int interval_replicates(const double *t, size_t reps, double conf_level, double **s,
                               size_t *R, size_t *used) {
  if (!(conf_level > 0 && conf_level < 1)) return GSL_EINVAL;
  *s = sorted_finite(t, reps, R);
  if (!*s) return GSL_ENOMEM;
  *used = *R;
  if (*R < 2) {
    free(*s);
    return GSL_EINVAL;
  }
  return GSL_SUCCESS;
}

int boot_ci_percentile(const double *t, size_t reps, double conf_level, double ci[2],
                       size_t *used, int *extreme) {
  size_t R;
  double *s;
  int st = interval_replicates(t, reps, conf_level, &s, &R, used);
  if (st != GSL_SUCCESS) return st;
  *extreme = 0;
  ci[0] = norm_inter(s, R, (1 - conf_level) / 2, extreme);
  ci[1] = norm_inter(s, R, (1 + conf_level) / 2, extreme);
  free(s);
  return GSL_SUCCESS;
}

/* BCa (Efron 1987; R boot's bca.ci): z0 = Phi^-1(#{t* < t0} / R), and the
 * percentile levels become Phi(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))
 * for alpha = (1 -+ conf)/2, read off by norm_inter. */
int boot_ci_bca(const double *t, size_t reps, double t0, double a, double conf_level,
                double ci[2], double *z0, size_t *used, int *extreme) {
  size_t R;
  double *s;
  int st = interval_replicates(t, reps, conf_level, &s, &R, used);
  if (st != GSL_SUCCESS) return st;
  size_t below = 0;
  while (below < R && s[below] < t0) below++;
  double w = gsl_cdf_ugaussian_Pinv((double)below / (double)R);
  *z0 = w;
  if (!isfinite(w) || !isfinite(a)) {
    free(s);
    return GSL_EDOM;
  }
  *extreme = 0;
  double alpha[2] = {(1 - conf_level) / 2, (1 + conf_level) / 2};
  for (int j = 0; j < 2; j++) {
    double za = gsl_cdf_ugaussian_Pinv(alpha[j]);
    double adj = gsl_cdf_ugaussian_P(w + (w + za) / (1 - a * (w + za)));
    ci[j] = norm_inter(s, R, adj, extreme);
  }
  free(s);
  return GSL_SUCCESS;
}

int boot_run(struct boot_design *d, gsl_rng *rng, size_t reps, boot_stat_fn stat,
             void *ctx, double conf_level, double *t, struct boot_result *res) {
  if (!(conf_level > 0 && conf_level < 1) || reps < 2) return GSL_EINVAL;
  /* t0 on the data as given: every unit once, in order */
  for (size_t u = 0; u < d->units; u++) d->draws[u] = u;
  res->t0 = boot_design_eval(d, d->draws, stat, ctx);
  if (!isfinite(res->t0)) return GSL_EDOM;
  int st = boot_replicates(d, rng, reps, stat, ctx, t);
  if (st) return st;
  res->reps = reps;
  long double s = 0, ss = 0;
  size_t k = 0;
  for (size_t b = 0; b < reps; b++)
    if (isfinite(t[b])) {
      s += t[b];
      k++;
    }
  long double mean = k ? s / k : 0;
  for (size_t b = 0; b < reps; b++)
    if (isfinite(t[b])) ss += (t[b] - mean) * (t[b] - mean);
  res->bias = k ? (double)(mean - res->t0) : NAN;
  res->se = k > 1 ? sqrt((double)(ss / (k - 1))) : NAN;
  int ext = 0;
  st = boot_ci_percentile(t, reps, conf_level, res->perc, &res->used, &ext);
  if (st) return st;
  res->extreme = ext;
  double *tj = malloc(d->units * sizeof *tj);
  if (!tj) return GSL_ENOMEM;
  boot_jackknife(d, stat, ctx, tj);
  res->a = boot_acceleration(tj, d->units, res->t0);
  free(tj);
  res->bca[0] = res->bca[1] = res->z0 = NAN;
  res->bca_status = boot_ci_bca(t, reps, res->t0, res->a, conf_level, res->bca, &res->z0,
                                &res->used, &ext);
  if (res->bca_status == GSL_ENOMEM) return GSL_ENOMEM;
  if (res->bca_status == GSL_SUCCESS) res->extreme |= ext;
  return GSL_SUCCESS;
}
