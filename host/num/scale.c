/* host/num/scale.c -- Cronbach's alpha (psych::alpha raw_alpha/std.alpha by
 * formula) and correlation tests as R cor.test() (stats, R 4.2): Pearson
 * with t test and Fisher-z interval; Spearman with R's AS 89 p-value (exact
 * enumeration n <= 9, Edgeworth series to n = 1290) or the t approximation.
 * Plain C on GSL (t and normal distributions); no Lua. */
#include "scale.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "ranktest.h"   /* ranktest_rank */

/* Mean by two passes in long double with residual refinement (R's mean). */
static long double mean_ld(const double *x, size_t n, size_t stride) {
  long double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i * stride];
  s /= (long double)n;
  long double t = 0;
  for (size_t i = 0; i < n; i++) t += x[i * stride] - s;
  return s + t / (long double)n;
}

/* Sample covariance of two strided columns about their means, as R cov(). */
static double cov_ld(const double *x, size_t sx, const double *y, size_t sy, size_t n) {
  long double mx = mean_ld(x, n, sx), my = mean_ld(y, n, sy), s = 0;
  for (size_t i = 0; i < n; i++) s += (x[i * sx] - mx) * (y[i * sy] - my);
  return (double)(s / (long double)(n - 1));
}

/* psych::alpha, with C the item covariance matrix and R = cov2cor(C), k items:
 *   raw_alpha = k/(k-1) (1 - tr(C)/sum(C)),
 *   std_alpha = k/(k-1) (1 - k/sum(R)),
 *   average_r = (sum(R) - k) / (k (k-1)). */
int scale_cronbach(const double *x, size_t n_obs, size_t n_items, struct scale_alpha *a) {
  if (n_items < 2 || n_obs < 2) return GSL_EINVAL;
  for (size_t i = 0; i < n_obs * n_items; i++)
    if (!isfinite(x[i])) return GSL_EINVAL;
  size_t k = n_items;
  double *c = malloc(k * k * sizeof *c);
  if (!c) return GSL_ENOMEM;
  for (size_t i = 0; i < k; i++)
    for (size_t j = i; j < k; j++)
      c[i * k + j] = c[j * k + i] = cov_ld(x + i, k, x + j, k, n_obs);
  double tr = 0, sum = 0, sumr = 0;
  int st = GSL_SUCCESS;
  for (size_t i = 0; i < k; i++) {
    tr += c[i * k + i];
    if (!(c[i * k + i] > 0)) st = GSL_EDOM;
  }
  for (size_t i = 0; i < k && !st; i++)
    for (size_t j = 0; j < k; j++) {
      sum += c[i * k + j];
      sumr += c[i * k + j] / sqrt(c[i * k + i] * c[j * k + j]);
    }
  free(c);
  if (st) return st;
  if (!(sum > 0)) return GSL_EDOM;
  double dk = (double)k;
  a->raw_alpha = (1 - tr / sum) * (dk / (dk - 1));
  a->std_alpha = (1 - dk / sumr) * (dk / (dk - 1));
  a->average_r = (sumr - dk) / (dk * (dk - 1));
  a->n_items = k;
  a->n_obs = n_obs;
  return GSL_SUCCESS;
}

/* Pearson r from centred cross-products; GSL_EDOM if a variable is constant. */
static int pearson_r(const double *x, const double *y, size_t n, double *r) {
  double sxy = cov_ld(x, 1, y, 1, n), sxx = cov_ld(x, 1, x, 1, n), syy = cov_ld(y, 1, y, 1, n);
  if (!(sxx > 0) || !(syy > 0)) return GSL_EDOM;
  double v = sxy / sqrt(sxx * syy);
  *r = fmax(-1, fmin(1, v));   /* R's cor() also clamps to [-1, 1] */
  return GSL_SUCCESS;
}

static int finite_all(const double *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

/* t = sqrt(n-2) r / sqrt(1 - r^2) on n - 2 df; interval tanh(atanh(r) +-
 * z_{(1+conf)/2} / sqrt(n - 3)) (one-sided: z_conf), only for n > 3. */
int scale_pearson(const double *x, const double *y, size_t n, enum stats_alt alt,
                  double conf_level, struct scale_cor *r) {
  if (n < 3 || !finite_all(x, n) || !finite_all(y, n)) return GSL_EINVAL;
  if (!(conf_level > 0 && conf_level < 1)) return GSL_EINVAL;
  double rho;
  int st = pearson_r(x, y, n, &rho);
  if (st) return st;
  double df = (double)(n - 2);
  double t = sqrt(df) * rho / sqrt(1 - rho * rho);   /* +-Inf when |r| = 1 */
  r->estimate = rho;
  r->statistic = t;
  r->df = df;
  double pl = gsl_cdf_tdist_P(t, df), pu = gsl_cdf_tdist_Q(t, df);
  r->p_value = alt == STATS_LESS ? pl : alt == STATS_GREATER ? pu : 2 * fmin(pl, pu);
  r->exact = 0;
  r->ties = 0;
  r->conf_int[0] = r->conf_int[1] = NAN;
  if (n > 3) {
    double z = atanh(rho), sigma = 1 / sqrt((double)n - 3);
    if (alt == STATS_LESS) {
      r->conf_int[0] = -1;
      r->conf_int[1] = tanh(z + sigma * gsl_cdf_ugaussian_Pinv(conf_level));
    } else if (alt == STATS_GREATER) {
      r->conf_int[0] = tanh(z - sigma * gsl_cdf_ugaussian_Pinv(conf_level));
      r->conf_int[1] = 1;
    } else {
      double h = sigma * gsl_cdf_ugaussian_Pinv((1 + conf_level) / 2);
      r->conf_int[0] = tanh(z - h);
      r->conf_int[1] = tanh(z + h);
    }
  }
  return GSL_SUCCESS;
}

/* ===== AS 89 (Best & Roberts 1975), as R's prho.c ===== */

/* Count permutations p of 0..n-1 with sum (i - p_i)^2 >= is, by Heap's
 * algorithm (n <= 9, so at most 362880 permutations). */
static double prho_count(size_t n, double is) {
  int p[9], c[9] = {0};
  for (size_t i = 0; i < n; i++) p[i] = (int)i;
  double count = 0;
  for (size_t i = 0;;) {
    int s = 0;
    for (size_t j = 0; j < n; j++) s += ((int)j - p[j]) * ((int)j - p[j]);
    if ((double)s >= is) count++;
    /* next permutation (Heap): find the next position with a pending swap */
    while (i < n && c[i] >= (int)i) c[i++] = 0;
    if (i >= n) break;
    int k = i % 2 == 0 ? 0 : c[i];
    int tmp = p[k];
    p[k] = p[i];
    p[i] = tmp;
    c[i]++;
    i = 0;
  }
  return count;
}

double scale_prho(size_t n, double is, int lower) {
  double pv = lower ? 0 : 1;
  if (n <= 1 || is <= 0) return pv;
  double dn = (double)n;
  double n3 = dn * (dn * dn - 1) / 3;   /* max of S is (n^3 - n)/3 */
  if (is > n3) return 1 - pv;
  if (n <= 9) {
    double nfac = 1;
    for (size_t i = 2; i <= n; i++) nfac *= (double)i;
    double ge = prho_count(n, is);   /* #{S >= is} */
    return (lower ? nfac - ge : ge) / nfac;
  }
  /* Edgeworth series in x = rho sqrt(n - 1), rho implied by S = is - 1. */
  static const double c[12] = {0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932,
                               0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4};
  double b = 1 / dn;
  double x = (6 * (is - 1) * b / (dn * dn - 1) - 1) * sqrt(dn - 1);
  double y = x * x;
  double u = x * b *
             (c[0] + b * (c[1] + c[2] * b) +
              y * (-c[3] + b * (c[4] + c[5] * b) -
                   y * b * (c[6] + c[7] * b - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))));
  y = u / exp(y / 2);
  pv = (lower ? -y : y) + (lower ? gsl_cdf_ugaussian_P(x) : gsl_cdf_ugaussian_Q(x));
  return fmin(1, fmax(0, pv));
}

/* Ties are present iff the average ranks' sum of squares falls short of
 * the untied n(n+1)(2n+1)/6: a tie group of size t lowers it by
 * (t^3 - t)/12 >= 1/2.  (R: min(length(unique(x)), length(unique(y))) < n.) */
static int has_ties(const double *rank, size_t n) {
  double s = 0, dn = (double)n;
  for (size_t i = 0; i < n; i++) s += rank[i] * rank[i];
  return fabs(s - dn * (dn + 1) * (2 * dn + 1) / 6) > 0.25;
}

/* Spearman's rho = Pearson r of the average ranks; S = (n^3 - n)(1 - rho)/6.
 * P-value as R's pspearman(): AS 89 at round(S) (+2 for the lower tail),
 * two-sided doubling the tail on the side of S, or else the t
 * approximation t = rho / sqrt((1 - rho^2)/(n - 2)) on n - 2 df. */
int scale_spearman(const double *x, const double *y, size_t n, enum stats_alt alt,
                   int exact, struct scale_cor *r) {
  if (n < 2 || !finite_all(x, n) || !finite_all(y, n)) return GSL_EINVAL;
  double *rx = malloc(2 * n * sizeof *rx);
  if (!rx) return GSL_ENOMEM;
  double *ry = rx + n;
  int st = ranktest_rank(x, n, rx);
  if (!st) st = ranktest_rank(y, n, ry);
  double rho = NAN;
  if (!st) st = pearson_r(rx, ry, n, &rho);
  int ties = !st && (has_ties(rx, n) || has_ties(ry, n));
  free(rx);
  if (st) return st;
  double dn = (double)n, den = dn * (dn * dn - 1) / 6;
  double q = (dn * dn * dn - dn) * (1 - rho) / 6;
  r->estimate = rho;
  r->statistic = q;
  r->df = NAN;
  r->conf_int[0] = r->conf_int[1] = NAN;
  r->ties = ties;
  if (exact == SCALE_SPEARMAN_AUTO) exact = 1;   /* R: exact = NULL -> TRUE */
  if (ties) exact = 0;
  r->exact = exact && n <= 1290;
  /* lower = 1: P(S <= q) (rho large: "greater"); lower = 0: P(S >= q) */
  double p_lower, p_upper;
  if (r->exact) {
    p_lower = scale_prho(n, nearbyint(q) + 2, 1);
    p_upper = scale_prho(n, nearbyint(q), 0);
  } else {
    if (n < 3) return GSL_EDOM;
    double t = rho / sqrt((1 - rho * rho) / (dn - 2));
    p_lower = gsl_cdf_tdist_Q(t, dn - 2);
    p_upper = gsl_cdf_tdist_P(t, dn - 2);
  }
  if (alt == STATS_GREATER) r->p_value = p_lower;
  else if (alt == STATS_LESS) r->p_value = p_upper;
  else r->p_value = fmin(1, 2 * (q > den ? p_upper : p_lower));
  return GSL_SUCCESS;
}
