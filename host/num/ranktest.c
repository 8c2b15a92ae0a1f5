/* host/num/ranktest.c -- Wilcoxon rank-sum and signed-rank tests, as R
 * wilcox.test() (stats, R 4.2): exact p from the permutation distribution
 * (counted by dynamic programming, like R's cwilcox/csignrank) when samples
 * are small and untied, else the normal approximation with tie-corrected
 * variance and continuity correction.  Plain C on GSL; no Lua. */
#include "ranktest.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>

/* Average ranks; *tie_term (if not NULL) receives sum over tie groups of
 * t^3 - t, the tie correction of both variances. */
static int rank_ties(const double *x, size_t n, double *rank, double *tie_term) {
  size_t *ord = malloc((n ? n : 1) * sizeof *ord);
  if (!ord) return GSL_ENOMEM;
  gsl_sort_index(ord, x, 1, n);
  double tt = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && x[ord[j]] == x[ord[i]]) j++;
    double avg = (double)(i + 1 + j) / 2;   /* mean of ranks i+1 .. j */
    for (size_t k = i; k < j; k++) rank[ord[k]] = avg;
    double t = (double)(j - i);
    tt += t * t * t - t;
    i = j;
  }
  free(ord);
  if (tie_term) *tie_term = tt;
  return GSL_SUCCESS;
}

int ranktest_rank(const double *x, size_t n, double *rank) {
  return rank_ties(x, n, rank, NULL);
}

/* Frequencies of W = (rank sum of a size-s subset of 1..N) - s(s+1)/2,
 * s = min(m, n), N = m + n; the law of W is the same for (m, n) and (n, m).
 * Adding item i to a size-j subset with offset u gives offset u + i - j - 1,
 * so f[j+1][u + i - j - 1] += f[j][u] (only additions: every count keeps
 * full relative precision, unlike the Gaussian-binomial product form).
 * Returns a malloc'd array of m n + 1 counts, or NULL. */
static double *wilcox_counts(size_t m, size_t n) {
  size_t s = m < n ? m : n, N = m + n, w = m * n + 1;
  if (s > 0 && w > ((size_t)-1 / sizeof(double)) / (s + 1)) return NULL;
  double *f = calloc((s + 1) * w, sizeof *f);
  if (!f) return NULL;
  f[0] = 1;
  for (size_t i = 1; s > 0 && i <= N; i++) {
    size_t jmax = i - 1 < s - 1 ? i - 1 : s - 1;
    for (size_t j = jmax + 1; j-- > 0;) {
      /* offsets of size-j subsets of 1..i-1 lie in 0 .. j (i - 1 - j) */
      size_t umax = j * (i - 1 - j);
      size_t shift = i - j - 1;
      double *src = f + j * w, *dst = f + (j + 1) * w;
      for (size_t u = 0; u <= umax; u++)
        if (src[u] != 0) dst[u + shift] += src[u];
    }
  }
  double *out = malloc(w * sizeof *out);
  if (out)
    for (size_t u = 0; u < w; u++) out[u] = f[s * w + u];
  free(f);
  return out;
}

/* Sum the shorter tail and complement, as R's pwilcox/psignrank, so a
 * small upper tail is not lost to 1 - (something near 1). */
static double tail_prob(const double *c, size_t top, double q, int upper) {
  /* R rounds q with a 1e-7 fuzz (floor(q + 1e-7)). */
  q = floor(q + 1e-7);
  if (q < 0) return upper ? 1 : 0;
  if (q >= (double)top) return upper ? 0 : 1;
  double total = 0;
  for (size_t u = 0; u <= top; u++) total += c[u];
  double p = 0;
  if (q <= (double)top / 2) {
    for (size_t u = 0; u <= (size_t)q; u++) p += c[u] / total;
  } else {
    /* P(W > q) = P(W < top - q) by symmetry */
    size_t lim = top - (size_t)q;
    for (size_t u = 0; u < lim; u++) p += c[u] / total;
    upper = !upper;
  }
  return upper ? 1 - p : p;   /* p is the lower tail unless flipped */
}

double ranktest_pwilcox(double q, size_t m, size_t n, int upper) {
  double *c = wilcox_counts(m, n);
  if (!c) return NAN;
  double p = tail_prob(c, m * n, q, upper);
  free(c);
  return p;
}

/* Frequencies of V = sum of a subset of 1..n: c[v] += c[v - i] for each i. */
double ranktest_psignrank(double q, size_t n, int upper) {
  size_t top = n * (n + 1) / 2;
  double *c = calloc(top + 1, sizeof *c);
  if (!c) return NAN;
  c[0] = 1;
  for (size_t i = 1; i <= n; i++)
    for (size_t v = i * (i + 1) / 2; v >= i; v--) c[v] += c[v - i];
  /* R rounds q to the nearest integer (with the same 1e-7 fuzz); q is an
   * integer whenever the exact law is used, so floor(q + 1e-7) agrees. */
  double p = tail_prob(c, top, q, upper);
  free(c);
  return p;
}

static double sgn(double z) { return (z > 0) - (z < 0); }

/* Normal approximation: z = (stat - mean - cc) / sigma with R's continuity
 * correction cc = sign(stat - mean)/2 two-sided, +1/2 greater, -1/2 less. */
static void normal_p(double stat, double mean, double sigma, enum stats_alt alt,
                     int correct, struct ranktest_result *r) {
  double z = stat - mean, cc = 0;
  if (correct) cc = alt == STATS_TWO_SIDED ? sgn(z) * 0.5 : alt == STATS_GREATER ? 0.5 : -0.5;
  z = (z - cc) / sigma;
  r->z = z;
  r->correction = cc;
  r->exact = 0;
  if (alt == STATS_LESS) r->p_value = gsl_cdf_ugaussian_P(z);
  else if (alt == STATS_GREATER) r->p_value = gsl_cdf_ugaussian_Q(z);
  else r->p_value = 2 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z));
}

/* Exact p as R: two-sided doubles the tail on the side of the statistic,
 * P(S >= s) when s is above the null mean, else P(S <= s), capped at 1. */
static int exact_p(double stat, double mean, double (*cdf)(double, size_t, size_t, int),
                   size_t a, size_t b, enum stats_alt alt, struct ranktest_result *r) {
  double p;
  if (alt == STATS_GREATER) p = cdf(stat - 1, a, b, 1);
  else if (alt == STATS_LESS) p = cdf(stat, a, b, 0);
  else p = fmin(1, 2 * (stat > mean ? cdf(stat - 1, a, b, 1) : cdf(stat, a, b, 0)));
  if (isnan(p)) return GSL_ENOMEM;
  r->p_value = p;
  r->z = NAN;
  r->correction = 0;
  r->exact = 1;
  return GSL_SUCCESS;
}

static double pwilcox2(double q, size_t m, size_t n, int upper) {
  return ranktest_pwilcox(q, m, n, upper);
}
static double psignrank2(double q, size_t n, size_t unused, int upper) {
  (void)unused;
  return ranktest_psignrank(q, n, upper);
}

int ranktest_ranksum(const double *x, size_t nx, const double *y, size_t ny, double mu,
                     enum stats_alt alt, int exact, int correct,
                     struct ranktest_result *r) {
  if (nx < 1 || ny < 1 || !isfinite(mu)) return GSL_EINVAL;
  size_t N = nx + ny;
  double *z = malloc(2 * N * sizeof *z);
  if (!z) return GSL_ENOMEM;
  double *rk = z + N;
  for (size_t i = 0; i < nx; i++) z[i] = x[i] - mu;
  for (size_t i = 0; i < ny; i++) z[nx + i] = y[i];
  for (size_t i = 0; i < N; i++)
    if (!isfinite(z[i])) {
      free(z);
      return GSL_EINVAL;
    }
  double tie_term;
  int st = rank_ties(z, N, rk, &tie_term);
  if (st) {
    free(z);
    return st;
  }
  double w = 0;
  for (size_t i = 0; i < nx; i++) w += rk[i];
  free(z);
  double dnx = (double)nx, dny = (double)ny;
  w -= dnx * (dnx + 1) / 2;
  r->statistic = w;
  r->ties = tie_term > 0;
  r->zeros = 0;
  r->n[0] = nx;
  r->n[1] = ny;
  if (exact == RANKTEST_AUTO) exact = nx < 50 && ny < 50;
  if (exact && !r->ties)
    return exact_p(w, dnx * dny / 2, pwilcox2, nx, ny, alt, r);
  double dN = (double)N;
  double sigma = sqrt((dnx * dny / 12) * ((dN + 1) - tie_term / (dN * (dN - 1))));
  if (!(sigma > 0)) return GSL_EDOM;
  normal_p(w, dnx * dny / 2, sigma, alt, correct, r);
  return GSL_SUCCESS;
}

/* d[0..n-1] are the differences (x - mu or x - y - mu); they are compacted
 * in place to the non-zero ones. */
static int signed_core(double *d, size_t n, enum stats_alt alt, int exact, int correct,
                       struct ranktest_result *r) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (d[i] != 0) d[m++] = d[i];
  r->zeros = m < n;
  r->n[0] = m;
  r->n[1] = 0;
  if (m == 0) return GSL_EDOM;
  double *a = malloc(2 * m * sizeof *a);
  if (!a) return GSL_ENOMEM;
  double *rk = a + m;
  for (size_t i = 0; i < m; i++) a[i] = fabs(d[i]);
  double tie_term;
  int st = rank_ties(a, m, rk, &tie_term);
  if (st) {
    free(a);
    return st;
  }
  double v = 0;
  for (size_t i = 0; i < m; i++)
    if (d[i] > 0) v += rk[i];
  free(a);
  double dm = (double)m;
  r->statistic = v;
  r->ties = tie_term > 0;
  if (exact == RANKTEST_AUTO) exact = m < 50;
  if (exact && !r->ties && !r->zeros)
    return exact_p(v, dm * (dm + 1) / 4, psignrank2, m, 0, alt, r);
  double sigma = sqrt(dm * (dm + 1) * (2 * dm + 1) / 24 - tie_term / 48);
  if (!(sigma > 0)) return GSL_EDOM;
  normal_p(v, dm * (dm + 1) / 4, sigma, alt, correct, r);
  return GSL_SUCCESS;
}

/* The signed-rank test on d_i = x_i - mu, or (y not NULL) on
 * d_i = (x_i - y_i) - mu as R (x <- x - y, then x - mu). */
static int signed_on_differences(const double *x, const double *y, size_t n, double mu,
                                 enum stats_alt alt, int exact, int correct,
                                 struct ranktest_result *r) {
  if (n < 1 || !isfinite(mu)) return GSL_EINVAL;
  double *d = malloc(n * sizeof *d);
  if (!d) return GSL_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    d[i] = y ? (x[i] - y[i]) - mu : x[i] - mu;
    if (!isfinite(d[i])) {
      free(d);
      return GSL_EINVAL;
    }
  }
  int st = signed_core(d, n, alt, exact, correct, r);
  free(d);
  return st;
}

int ranktest_signed(const double *x, size_t n, double mu, enum stats_alt alt,
                    int exact, int correct, struct ranktest_result *r) {
  return signed_on_differences(x, NULL, n, mu, alt, exact, correct, r);
}

int ranktest_paired(const double *x, const double *y, size_t n, double mu,
                    enum stats_alt alt, int exact, int correct,
                    struct ranktest_result *r) {
  return signed_on_differences(x, y, n, mu, alt, exact, correct, r);
}
