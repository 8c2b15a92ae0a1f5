/* host/num/glm.c -- logit, probit and Poisson GLMs by iteratively reweighted
 * least squares, step for step as R's glm.fit (R 4.2): same start
 * (mustart), same link clamps (R's C family code), deviance test
 * |dev - devold|/(|dev| + 0.1) < epsilon, step halving on a non-finite
 * deviance.  Each step's weighted least squares is a blocked Householder
 * QR (host/num/ols.c), never the normal equations.  Pure C + GSL. */
#include "glm.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "chunks.h"
#include "cols.h"
#include "qr.h"
#include "simd.h"
#include "data/mem.h"

#define EPS DBL_EPSILON
#define THRESH 30.0            /* R's logit clamp (family.c) */
#define PROBIT_THRESH 8.125890664701906   /* -qnorm(.Machine$double.eps) */

struct glm_opts glm_opts_default(enum glm_family family, enum glm_link link) {
  struct glm_opts o = {family, link, 1e-8, 25, 0, 0, 0};
  return o;
}

/* ===== Families (R's binomial()/poisson() with their C helpers) ===== */

/* mu = linkinv(eta) and dmu/deta, with R's clamps. */
static inline void linkinv(enum glm_link link, double eta, double *mu, double *mueta) {
  switch (link) {
  case GLM_LOGIT:
    if (eta < -THRESH || eta > THRESH) {
      double t = eta < -THRESH ? EPS : 1 / EPS;
      *mu = t / (1 + t);
      *mueta = EPS;
    } else {
      double t = exp(eta), op = 1 + t;
      *mu = t / op;
      *mueta = t / (op * op);
    }
    return;
  case GLM_PROBIT: {
    double e = eta < -PROBIT_THRESH ? -PROBIT_THRESH : (eta > PROBIT_THRESH ? PROBIT_THRESH : eta);
    *mu = gsl_cdf_ugaussian_P(e);
    double d = exp(-0.5 * eta * eta) / sqrt(2 * M_PI);
    *mueta = d > EPS ? d : EPS;
    return;
  }
  case GLM_LOG:
  default: {
    double m = exp(eta);
    *mu = m > EPS ? m : EPS;
    *mueta = *mu;
    return;
  }
  }
}

static double linkfun(enum glm_link link, double mu) {
  switch (link) {
  case GLM_LOGIT: return log(mu / (1 - mu));
  case GLM_PROBIT: return gsl_cdf_ugaussian_Pinv(mu);
  case GLM_LOG:
  default: return log(mu);
  }
}

static inline double variance(enum glm_family f, double mu) {
  return f == GLM_BINOMIAL ? mu * (1 - mu) : mu;
}

/* Unit deviance times the prior weight (binomial_dev_resids / poisson). */
static inline double devres(enum glm_family f, double y, double mu, double w) {
  if (f == GLM_BINOMIAL) {
    double a = y != 0 ? y * log(y / mu) : 0;
    double b = y != 1 ? (1 - y) * log((1 - y) / (1 - mu)) : 0;
    return 2 * w * (a + b);
  }
  double a = y != 0 ? y * log(y / mu) : 0;
  return 2 * w * (a - (y - mu));
}

/* log(v!) = lgamma(v + 1).  The C library's lgamma writes the global
 * signgam, so it must not run on several threads at once: the passes use
 * a table of log(i!) for small whole i, filled by lgamma on the calling
 * thread before they start, and GSL's lngamma (which keeps no state) for
 * anything else. */
#define LFACT_N 1024

static void lfact_table(double *t) {
  for (size_t i = 0; i < LFACT_N; i++) t[i] = lgamma((double)i + 1);
}

static double lfact(const double *t, double v) {
  if (v >= 0 && v < LFACT_N && v == floor(v)) return t[(size_t)v];
  return gsl_sf_lngamma(v + 1);
}

/* -2 log-likelihood as R's family$aic (binomial: dbinom(round(w y),
 * round(w), mu); Poisson: w dpois(y, mu)); lf is lfact_table's. */
static double aic_family(enum glm_family f, const double *y, const double *mu, const double *w,
                         size_t n, const double *lf) {
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = w != NULL ? w[i] : 1;
    if (f == GLM_BINOMIAL) {
      double m = round(wi), x = round(wi * y[i]);
      double l = x == 0 || x == m ? 0 : lfact(lf, m) - lfact(lf, x) - lfact(lf, m - x);
      l += (x > 0 ? x * log(mu[i]) : 0) + (m - x > 0 ? (m - x) * log1p(-mu[i]) : 0);
      s += l;
    } else {
      s += wi * (y[i] * log(mu[i]) - mu[i] - lfact(lf, y[i]));
    }
  }
  return -2 * s;
}

/* ===== IRLS ===== */

void glm_fini(struct glm_fit *fit) {
  MEM_RELEASE(fit, fit->coef, fit->rinv, fit->xtxi, fit->eta, fit->mu, fit->wres, fit->wwt, fit->sep,
              fit->drift);
}

/* Binomial only: does a threshold on a column split y = 0 from y = 1?
 * Rows with 0 < y < 1 belong to both sides.  Tracked as running extremes
 * of x within each side, by adding 0 or inf rather than branching: y is
 * unpredictable, and mispredicted branches cost more than the scan. */
struct sepscan {
  double max0, min0, max1, min1;
};

static enum glm_sep sep_verdict(const struct sepscan *s) {
  if (isinf(s->max0) || isinf(s->max1)) return GLM_SEP_NONE;   /* y constant */
  if (s->max0 < s->min1 || s->max1 < s->min0) return GLM_SEP_COMPLETE;
  if (s->max0 == s->min1 || s->max1 == s->min0) return GLM_SEP_QUASI;
  return GLM_SEP_NONE;
}

/* Spread of each column for the drift test (shifted sums: the spread only
 * scales a heuristic).  Needed only when the fit ends at the boundary or
 * unconverged, so computed only then. */
static void spreads(const struct glm_col *X, size_t n, size_t k, double *sd) {
  for (size_t j = 0; j < k; j++) {
    const double *c = X[j].f64;
    const int64_t *w = X[j].i64;
    if (c == NULL && w == NULL) {          /* the constant column */
      sd[j] = 0;
      continue;
    }
    double s1 = 0, s2 = 0, x0 = c != NULL ? c[0] : (double)w[0];
    for (size_t i = 0; i < n; i++) {
      double d = (c != NULL ? c[i] : (double)w[i]) - x0;
      s1 += d;
      s2 += d * d;
    }
    double v = s2 / (double)n - (s1 / (double)n) * (s1 / (double)n);
    sd[j] = v > 0 ? sqrt(v) : 0;
  }
}

/* ===== Two rows at a time =====
 * The row loops below handle two rows per instruction where it pays; the
 * same operations as one row at a time, so the same values. */

/* Both square roots at once: SSE2's sqrtpd where there is that (the same
 * values as the plain C); lane-wise extremes are simd.h's min2, max2. */
#if defined(__GNUC__) && defined(__SSE2__)
static inline v2 sqrt2(v2 x) { return __builtin_ia32_sqrtpd(x); }
#else
static inline v2 sqrt2(v2 x) { return (v2){sqrt(x[0]), sqrt(x[1])}; }
#endif

/* ===== The passes over the rows, in fixed chunks =====
 * Each pass cuts the rows into chunks_count(n) contiguous chunks (about
 * 32768 rows each) that C11 threads take in turn (chunks_run); the
 * partial sums are combined in chunk order and each chunk's triangle
 * joins chunk 0's by qr_merge (TSQR: the QR of the stacked
 * triangles is the QR of all the rows).  The cut depends on n only, so
 * every run gives the same bytes.
 *
 * One pass over the data per IRLS step: for each block of rows, the
 * linear predictor at the new coefficients b_t, mu, mu.eta and the
 * deviance, and -- while the block of X is still in cache -- the working
 * weights and response at b_t and the block's reduction into the weighted
 * QR that gives b_{t+1}.  glm.fit's loop, solve / predict / test, becomes
 * solve / pass / test: the same arithmetic, one read of X and y per step
 * instead of two and no stored mu.eta.  When the test says converged, the
 * QR just formed is not used, and the reported working weights are those
 * of the step before (two buffers, used in turn), as R's fit$weights.
 *
 * The common case -- binomial (logit, probit), 0/1 outcomes, no prior
 * weights ("binary") -- has exact shortcuts: the start values take two
 * values only; the deviance is -2 sum log q_i with q_i = mu_i (y = 1) or
 * 1 - mu_i (y = 0), summed as the log of products of 16 factors q_i
 * (R's clamps keep q_i >= 2^-53, so a product stays above 2^-848, clear of
 * underflow: one log per 16 rows, and no division, with the rounding of 16
 * products, the same order as summing 16 logs); and -2 log-likelihood is
 * the deviance itself (the saturated model of 0/1 data has likelihood 1). */

/* Rows i0..i0+m-1 of column c as doubles, and the rows ahead asked for:
 * cols.h's, shared with the least squares fit and the covariances. */
#define col_block cols_block
#define col_prefetch cols_prefetch

struct rowk;
struct pass {
  const struct rowk *rk;        /* the row kernels (2- or 4-wide, the same values) */
  const struct glm_col *X;      /* k columns of n rows */
  const unsigned char *small;   /* k: col_block's flag (all 0 in the checks' pass) */
  const double *y, *w, *off, *b, *scale;
  const double *shift;          /* k: subtracted from column j before the QR (0: none) */
  size_t n, k;
  enum glm_family fam;
  enum glm_link link;
  int binary;                   /* binomial (logit, probit), every y 0 or 1, w NULL */
  int start;                    /* eta from mustart, not X b */
  int qr;                       /* also reduce the weighted rows into the chunk's QR */
  int store;                    /* keep eta, mu and wres (else block buffers only) */
  double *eta, *mu, *wres;      /* at the pass's b (with store) */
  double *wwt;                  /* working weights at the pass's b (with qr; NULL: not kept) */
  int null_simple, intercept;   /* null deviance from wtdmu / linkinv(offset) */
  double wtdmu;
  const double *lfact;          /* lfact_table, for aic_family */
};

struct chunk {
  const struct pass *ps;
  size_t lo, hi;
  struct qr_acc *q;
  double dev, aic, nulldev, pearson;
  size_t nb;
  /* prep_chunk */
  size_t ybad_row, ybad_col;    /* first bad y, w or offset (SIZE_MAX: none) */
  size_t xbad_col, xbad_row;    /* first non-finite x */
  int binary;                   /* this chunk's y are all 0 or 1 */
  double sw, swy;
  struct sepscan *sc;           /* k: running extremes per side (amax from them) */
  double *z;                    /* k: sum of x - x, non-zero on a non-finite x */
};

/* Converted blocks of int64 columns that a pass keeps from the linear
 * predictor for the weighted QR of the same block (up to CONV_KEEP columns
 * of designs with up to CONV_K terms; others are converted again). */
#define CONV_KEEP 8
#define CONV_K 64

/* The row kernels of glm_rows.h: the linear predictor, R's logit clamp
 * test, the binary logit's rows, the deviance from its factors, a block
 * column of the weighted QR, exp, and for the checks' pass an int64 block
 * as doubles and the separation scan (below). */
struct rowk {
  void (*linpred)(const struct pass *p, size_t i0, size_t m, double *eta, const double **xb,
                  double (*keep)[QR_BLOCK]);
  int (*clamped)(const double *eta, size_t m);
  void (*logit)(const double *eta, const double *y, const double *off, size_t m, double *mu,
                double *fac, double *wres, double *sw, double *wwt, double *zc, int qr);
  double (*dev)(const double *f, size_t m);
  void (*put)(double *d, const double *x, const double *sw, double shift, double s, size_t m);
  void (*exp_rows)(const double *x, double *out, size_t m);
  void (*conv_any)(const int64_t *v, size_t m, double *buf);
  void (*scan)(const double *c, const double *pen0, const double *pen1, size_t m,
               struct sepscan *sc, double *z);
};

#define RW 2
#define RK(name) name##_2
#define RT
#include "glm_rows.h"
#undef RW
#undef RK
#undef RT
#if defined(__GNUC__) && defined(__x86_64__)
#define GLM_WIDE 1
#define RW 4
#define RK(name) name##_4
#define RT __attribute__((target("avx2")))
#include "glm_rows.h"
#undef RW
#undef RK
#undef RT
#endif

/* The widest row kernels this processor runs, or the 2-wide ones. */
static const struct rowk *rowk_pick(int narrow) {
#ifdef GLM_WIDE
  if (!narrow && __builtin_cpu_supports("avx2")) return &rowk_4;
#endif
  (void)narrow;
  return &rowk_2;
}

int glm_exp_rows(const double *x, double *out, size_t n, int wide) {
  const struct rowk *rk = rowk_pick(!wide);
  rk->exp_rows(x, out, n);
  return rk != &rowk_2;
}

/* The separation scan (rowk.scan, glm_rows.h): running extremes of column
 * values c[0..m-1] within each side of y, and
 * z += x - x (NaN once a value is NaN or infinite).  Binomial: pen0[i] and
 * pen1[i] are 0 when row i is on side 0 (y < 1) or side 1 (y > 0), else
 * inf, and adding or subtracting them moves a row off the other side's
 * extremes; otherwise (pen0 NULL) every row counts as side 1.  Two
 * registers of lanes per extreme, so that each compare waits only on the
 * previous one of its lane; extremes do not depend on the order. */

#define SCAN_ROWS 256

/* Checks and sums for rows lo..hi-1: y, w and offset in range (first bad
 * row), whether y is 0/1, sum w and sum w y (for the null model), and each
 * column's extremes per side and finiteness. */
static int prep_chunk(void *arg) {
  struct chunk *pt = arg;
  const struct pass *p = pt->ps;
  const double *y = p->y, *w = p->w, *off = p->off;
  const int binom = p->fam == GLM_BINOMIAL;
  pt->ybad_row = pt->ybad_col = pt->xbad_col = pt->xbad_row = SIZE_MAX;
  int binary = 1;
  double sw = 0, swy = 0;
  size_t n0 = 0, n1 = 0;   /* rows on side 0 (y < 1) and side 1 (y > 0; every row unless binomial) */
  if (w == NULL && off == NULL) {
    /* The usual case, without a branch a row: any bad y (the loop below
     * then finds the first), whether every y is 0 or 1, and the sides'
     * counts.  With 0/1 outcomes the sums are counts, exact in any order;
     * otherwise the loop below adds them in row order. */
    typedef long long v2l __attribute__((vector_size(16)));
    const v2 zero = splat(0), one = splat(1), big = splat(binom ? 1 : DBL_MAX);
    v2l bad = {0, 0}, nb = bad, c0 = bad, c1 = bad, ones = bad;
    size_t i = pt->lo;
    for (; i + 2 <= pt->hi; i += 2) {
      v2 yv = ld2(y + i);
      bad |= ~((yv >= zero) & (yv <= big));
      nb |= ~((yv == zero) | (yv == one));
      c0 -= yv < one;
      c1 -= yv > zero;
      ones -= yv == one;
    }
    int anybad = (bad[0] | bad[1]) != 0, allbin = (nb[0] | nb[1]) == 0;
    size_t k0 = (size_t)(c0[0] + c0[1]), k1 = (size_t)(c1[0] + c1[1]), k2 = (size_t)(ones[0] + ones[1]);
    for (; i < pt->hi; i++) {
      double yi = y[i];
      anybad |= !(yi >= 0 && yi <= (binom ? 1 : DBL_MAX));
      allbin &= (yi == 0) | (yi == 1);
      k0 += yi < 1;
      k1 += yi > 0;
      k2 += yi == 1;
    }
    if (!anybad && allbin) {
      pt->binary = binom && p->link != GLM_LOG;
      pt->sw = (double)(pt->hi - pt->lo);
      pt->swy = (double)k2;
      n0 = binom ? k0 : 0;
      n1 = binom ? k1 : pt->hi - pt->lo;
      goto columns;
    }
  }
  for (size_t i = pt->lo; i < pt->hi; i++) {
    double yi = y[i], wi = w != NULL ? w[i] : 1;
    int bad = !isfinite(yi) || yi < 0 || (binom && yi > 1);
    size_t col = p->k;
    if (!bad && w != NULL && (!(wi > 0) || !isfinite(wi))) bad = 1, col = p->k + 1;
    if (!bad && off != NULL && !isfinite(off[i])) bad = 1, col = p->k + 2;
    if (bad) {
      pt->ybad_row = i;
      pt->ybad_col = col;
      return 0;
    }
    binary &= (yi == 0) | (yi == 1);
    sw += wi;
    swy += wi * yi;
    n0 += binom && yi < 1;
    n1 += !binom || yi > 0;
  }
  pt->binary = binary && binom && w == NULL && p->link != GLM_LOG;
  pt->sw = sw;
  pt->swy = swy;
columns:;
  /* The columns a block of rows at a time, so that each row's side (a
   * compare and a lookup) is worked out once for all columns. */
  const struct sepscan none = {-INFINITY, INFINITY, -INFINITY, INFINITY};
  const double pen[2] = {INFINITY, 0};
  double pen0[SCAN_ROWS], pen1[SCAN_ROWS], cv[SCAN_ROWS], *z = pt->z;
  for (size_t j = 0; j < p->k; j++) {
    pt->sc[j] = none;
    z[j] = 0;
  }
  for (size_t i0 = pt->lo; i0 < pt->hi; i0 += SCAN_ROWS) {
    size_t m = pt->hi - i0 < SCAN_ROWS ? pt->hi - i0 : SCAN_ROWS;
    if (binom) {
      /* inf where the row is not on the side: the bits of inf masked by the compare */
      typedef long long v2l __attribute__((vector_size(16)));
      const v2 one = splat(1), zero = splat(0);
      const double inf = INFINITY;
      long long ib;
      memcpy(&ib, &inf, sizeof ib);
      const v2l infb = {ib, ib};
      size_t i = 0;
      for (; i + 2 <= m; i += 2) {
        v2 yv = ld2(y + i0 + i);
        v2l a = ~(yv < one) & infb, b = ~(yv > zero) & infb;
        memcpy(pen0 + i, &a, sizeof a);
        memcpy(pen1 + i, &b, sizeof b);
      }
      for (; i < m; i++) {
        pen0[i] = pen[y[i0 + i] < 1];
        pen1[i] = pen[y[i0 + i] > 0];
      }
    }
    for (size_t j = 0; j < p->k; j++) {
      const struct glm_col *c = &p->X[j];
      if (c->f64 == NULL && c->i64 == NULL) continue;   /* the constant: below */
      col_prefetch(c, p->n, i0, m);
      const double *x = c->f64 != NULL ? c->f64 + i0 : cv;
      if (c->f64 == NULL) p->rk->conv_any(c->i64 + i0, m, cv);
      p->rk->scan(x, binom ? pen0 : NULL, pen1, m, &pt->sc[j], &z[j]);
    }
  }
  /* The constant column's extremes are 1 on each side that has a row (as a
   * scan of its ones would find); finite. */
  for (size_t j = 0; j < p->k; j++)
    if (p->X[j].f64 == NULL && p->X[j].i64 == NULL) {
      if (n0 > 0) pt->sc[j].max0 = pt->sc[j].min0 = 1;
      if (n1 > 0) pt->sc[j].max1 = pt->sc[j].min1 = 1;
    }
  for (size_t j = 0; j < p->k && pt->xbad_col == SIZE_MAX; j++)
    if (z[j] != 0)          /* NaN compares unequal too */
      for (size_t i = pt->lo; i < pt->hi; i++)
        if (!isfinite(p->X[j].f64[i])) {      /* z[j] != 0: a float64 column */
          pt->xbad_col = j;
          pt->xbad_row = i;
          break;
        }
  return 0;
}

/* Start as glm.fit: mustart = (w y + 0.5)/(w + 1) (binomial), y + 0.1
 * (Poisson); eta = linkfun(mustart) (no offset); mu, mu.eta and the
 * deviance at that eta. */
static double start_row(const struct pass *p, double y, double w, double *eta, double *mu,
                        double *me) {
  double m0 = p->fam == GLM_BINOMIAL ? (w * y + 0.5) / (w + 1) : y + 0.1;
  *eta = linkfun(p->link, m0);
  linkinv(p->link, *eta, mu, me);
  return devres(p->fam, y, *mu, w);
}

/* Start values for rows i0..i0+m-1; returns their deviance.  Binary:
 * mustart is 1/4 (y = 0) or 3/4 (y = 1), so two rows' worth of work. */
static double start_block(const struct pass *p, size_t i0, size_t m, double *eta, double *mu,
                          double *me) {
  const double *y = p->y + i0;
  double dev = 0;
  if (p->binary) {
    double te[2], tm[2], tme[2], td[2];
    for (size_t c = 0; c < 2; c++) td[c] = start_row(p, (double)c, 1, &te[c], &tm[c], &tme[c]);
    for (size_t i = 0; i < m; i++) {
      size_t c = y[i] != 0;
      eta[i] = te[c];
      mu[i] = tm[c];
      me[i] = tme[c];
      dev += td[c];
    }
  } else {
    for (size_t i = 0; i < m; i++)
      dev += start_row(p, y[i], p->w != NULL ? p->w[i0 + i] : 1, &eta[i], &mu[i], &me[i]);
  }
  return dev;
}

/* mu and mu.eta from eta.  Logit as R's C code: t = exp(eta) (clamped at
 * |eta| > 30), mu = t/(1+t), mu.eta = t/(1+t)^2 (EPS where clamped), two
 * rows at a time with exp_2 (glm_rows.h; a lone last row too, as the pair (x, x), so
 * that every row gets the same exp); other links row by row. */
static void linkinv_block(enum glm_link link, const double *eta, double *mu, double *me,
                          size_t m) {
  size_t i;
  if (link != GLM_LOGIT) {
    for (i = 0; i < m; i++) linkinv(link, eta[i], &mu[i], &me[i]);
    return;
  }
  const v2 one = splat(1);
  int clamped = 0;
  for (i = 0; i < m; i++) clamped |= (eta[i] < -THRESH) | (eta[i] > THRESH);
  for (i = 0; i + 2 <= m; i += 2) {
    v2 t = exp_2(ld2(eta + i)), op = one + t;
    st2(mu + i, t / op);
    st2(me + i, t / (op * op));
  }
  if (i < m) {
    double t = exp_2(splat(eta[i]))[0], op = 1 + t;
    mu[i] = t / op;
    me[i] = t / (op * op);
  }
  if (clamped)
    for (i = 0; i < m; i++)
      if (eta[i] < -THRESH || eta[i] > THRESH) {
        double t = eta[i] < -THRESH ? EPS : 1 / EPS;
        mu[i] = t / (1 + t);
        me[i] = EPS;
      }
}

/* -2 sum_i log q_i for the binary case (see above): q_i = y mu + (1 - y)(1 - mu)
 * is exact for y in {0, 1}; products of 16 in four lanes. */
static double binary_dev(const double *y, const double *mu, size_t m) {
  double ll = 0;
  size_t i = 0;
  const v2 one = splat(1);
  for (; i + 16 <= m; i += 16) {
    v2 pa = one, pb = one;
    for (size_t l = i; l < i + 16; l += 4) {
      v2 ya = ld2(y + l), ma = ld2(mu + l), yb = ld2(y + l + 2), mb = ld2(mu + l + 2);
      pa *= ya * ma + (one - ya) * (one - ma);
      pb *= yb * mb + (one - yb) * (one - mb);
    }
    ll += log((pa[0] * pa[1]) * (pb[0] * pb[1]));
  }
  double pr = 1;
  for (; i < m; i++) pr *= y[i] * mu[i] + (1 - y[i]) * (1 - mu[i]);
  return -2 * (ll + log(pr));
}

/* The binary logit's rows (y 0 or 1, no prior weights, every |eta| <= 30
 * in the block), rowk.logit: the same quantities as the general code from
 * one division and one square root a row, where R's formulas take four
 * divisions and a square root.  With t = exp(eta) and one reciprocal
 * r = 1/(t (1 + t)):
 *   q = 1 - mu = 1/(1 + t) = t r,  1/t = (1 + t) r,  mu = t q,
 *   mu.eta = t/(1 + t)^2 = mu q, and the working weight
 *   W = mu.eta^2 / (mu (1 - mu)) = mu q, its root sqrt(t) q;
 *   the working residual (y - mu)/mu.eta is 1 + 1/t (y = 1) or -(1 + t)
 *   (y = 0), and times sqrt(W) it is 1/sqrt(t) = sqrt(t)/t or -sqrt(t).
 * Each is within a few ulps of R's formula (q better than R's 1 - mu when
 * mu is near 1).  It writes mu, the factors of the deviance (mu or q: the
 * likelihood of each row, multiplied 16 at a time as binary_dev does),
 * the stored working residuals (wres, NULL: none) and, with qr, sqrt(W)
 * (sw), W (wwt, NULL: not kept) and the working response times sqrt(W)
 * (zc). */

/* One IRLS pass over rows lo..hi-1 in blocks (see above): eta, mu and
 * the working residuals (y - mu)/mu.eta at the pass's b (or the start),
 * the deviance; with qr, the working weights W = w mu.eta^2 / V(mu) and
 * the block of sqrt(W) [X z], z = eta - offset + (y - mu)/mu.eta, reduced
 * into the chunk's QR.  Two rows at a time where it pays, the same
 * operations as one row at a time. */
static int irls_chunk(void *arg) {
  struct chunk *pt = arg;
  const struct pass *p = pt->ps;
  const size_t n = p->n, k = p->k, B = QR_BLOCK;
  const int binom = p->fam == GLM_BINOMIAL;
  const v2 one = splat(1), zero = splat(0);
  struct qr_acc *q = pt->q;
  double me[QR_BLOCK], sw[QR_BLOCK], *zc = q->blk + k * B, dev = 0;
  double eb[QR_BLOCK], mb[QR_BLOCK], rb[QR_BLOCK], cv[QR_BLOCK], keep[CONV_KEEP][QR_BLOCK];
  const double *xbuf[CONV_K], **xb = k <= CONV_K ? xbuf : NULL;
  if (xb != NULL)
    for (size_t j = 0; j < k; j++) xb[j] = NULL;
  if (p->qr) qr_reset(q);
  for (size_t i0 = pt->lo; i0 < pt->hi; i0 += B) {
    size_t m = pt->hi - i0 < B ? pt->hi - i0 : B, i;
    double *eta = p->store ? p->eta + i0 : eb, *mu = p->store ? p->mu + i0 : mb;
    double *wres = p->store && p->wres != NULL ? p->wres + i0 : rb;
    const double *y = p->y + i0, *w = p->w != NULL ? p->w + i0 : NULL;
    const double *off = p->off != NULL ? p->off + i0 : NULL;
    int fast = 0;
    if (p->start) {
      dev += start_block(p, i0, m, eta, mu, me);
    } else {
      p->rk->linpred(p, i0, m, eta, xb, keep);
      if (p->binary && p->link == GLM_LOGIT && !p->rk->clamped(eta, m)) {
        p->rk->logit(eta, y, off, m, mu, me, p->store && p->wres != NULL ? wres : NULL, sw,
                     p->wwt != NULL ? p->wwt + i0 : NULL, zc, p->qr);
        dev += p->rk->dev(me, m);
        fast = 1;
      } else {
        linkinv_block(p->link, eta, mu, me, m);
        if (p->binary) {
          dev += binary_dev(y, mu, m);
        } else {
          for (i = 0; i < m; i++) dev += devres(p->fam, y[i], mu[i], w != NULL ? w[i] : 1);
        }
      }
    }
    if (!fast) {
      for (i = 0; i + 2 <= m; i += 2) st2(wres + i, (ld2(y + i) - ld2(mu + i)) / ld2(me + i));
      for (; i < m; i++) wres[i] = (y[i] - mu[i]) / me[i];
    }
    if (!p->qr) continue;
    double *wwt = p->wwt != NULL ? p->wwt + i0 : me;   /* me is not read again */
    for (i = 0; !fast && i + 2 <= m; i += 2) {
      v2 mv = ld2(mu + i), mev = ld2(me + i);
      v2 wv = w != NULL ? ld2(w + i) : one, ov = off != NULL ? ld2(off + i) : zero;
      v2 wt = wv * mev * mev / (binom ? mv * (one - mv) : mv);
      v2 sv = sqrt2(wt);
      st2(wwt + i, wt);
      st2(sw + i, sv);
      st2(zc + i, (ld2(eta + i) - ov + ld2(wres + i)) * sv);
    }
    for (; !fast && i < m; i++) {
      double wt = (w != NULL ? w[i] : 1) * me[i] * me[i] / variance(p->fam, mu[i]);
      wwt[i] = wt;
      sw[i] = sqrt(wt);
      zc[i] = (eta[i] - (off != NULL ? off[i] : 0) + wres[i]) * sw[i];
    }
    for (size_t j = 0; j < k; j++) {
      const struct glm_col *c = &p->X[j];
      const double *xj = NULL;                            /* NULL: the constant */
      if (c->f64 != NULL || c->i64 != NULL) {
        if (p->start) col_prefetch(c, n, i0, m);          /* else read just above */
        xj = xb != NULL && xb[j] != NULL ? xb[j] : col_block(c, p->small[j], i0, m, cv);
      }
      p->rk->put(q->blk + j * B, xj, sw, p->shift[j], p->scale[j], m);
    }
    qr_absorb(q, m);
  }
  pt->dev = dev;
  return 0;
}

/* After convergence: fitted values at the boundary, the family's -2
 * log-likelihood (binary: the deviance) and the null deviance. */
static int final_chunk(void *arg) {
  struct chunk *pt = arg;
  const struct pass *p = pt->ps;
  size_t nb = 0;
  double nd = 0, x2 = 0;
  const int binom = p->fam == GLM_BINOMIAL;
  for (size_t i = pt->lo; i < pt->hi; i++) {
    double m = p->mu[i], r = p->y[i] - m;
    nb += binom ? (m < 10 * EPS || m > 1 - 10 * EPS) : m < 10 * EPS;
    x2 += (p->w != NULL ? p->w[i] : 1.0) * r * r / (binom ? m * (1 - m) : m);
  }
  pt->pearson = x2;
  if (p->null_simple && p->intercept && p->binary) {
    double d01[2] = {devres(p->fam, 0, p->wtdmu, 1), devres(p->fam, 1, p->wtdmu, 1)};
    for (size_t i = pt->lo; i < pt->hi; i++) nd += d01[p->y[i] != 0];
  } else if (p->null_simple) {
    for (size_t i = pt->lo; i < pt->hi; i++) {
      double m0 = p->wtdmu, me;
      if (!p->intercept) linkinv(p->link, p->off != NULL ? p->off[i] : 0, &m0, &me);
      nd += devres(p->fam, p->y[i], m0, p->w != NULL ? p->w[i] : 1);
    }
  }
  pt->nb = nb;
  pt->nulldev = nd;
  pt->aic = p->binary ? 0
                      : aic_family(p->fam, p->y + pt->lo, p->mu + pt->lo,
                                   p->w != NULL ? p->w + pt->lo : NULL, pt->hi - pt->lo, p->lfact);
  return 0;
}

/* One pass over all rows (irls_chunk); the deviance, and with ps->qr the
 * merged triangle in chunk 0's accumulator. */
static double irls_pass(struct chunk *pt, size_t nc) {
  chunks_run(irls_chunk, pt, sizeof *pt, nc);
  double dev = 0;
  for (size_t c = 0; c < nc; c++) dev += pt[c].dev;
  if (pt[0].ps->qr)
    for (size_t c = 1; c < nc; c++) qr_merge(pt[0].q, pt[c].q);
  return dev;
}

struct glm_col *glm_cols_of_matrix(const double *X, size_t n, size_t k) {
  struct glm_col *cols = malloc((k ? k : 1) * sizeof *cols);
  if (cols != NULL)
    for (size_t j = 0; j < k; j++) cols[j] = (struct glm_col){X + j * n, NULL};
  return cols;
}

int glm_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
            const double *offset, int intercept, const struct glm_opts *o,
            struct glm_fit *fit) {
  struct glm_col *cols = glm_cols_of_matrix(X, n, k);
  if (cols == NULL) {
    memset(fit, 0, sizeof *fit);
    return GSL_ENOMEM;
  }
  int st = glm_fit_cols(cols, n, k, y, w, offset, intercept, o, fit);
  free(cols);
  return st;
}

int glm_fit_cols(const struct glm_col *X, size_t n, size_t k, const double *y, const double *w,
                 const double *offset, int intercept, const struct glm_opts *o,
                 struct glm_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  const size_t nc = chunks_count(n);
  struct qr_acc *q = calloc(nc, sizeof *q);
  struct chunk *pt = calloc(nc, sizeof *pt);
  double *scale = malloc(2 * (k + 1) * sizeof *scale), *sd = malloc(k * sizeof *sd);
  const int lean = o->lean;
  double *bold = malloc(k * sizeof *bold), *wwt2 = lean ? NULL : malloc(n * sizeof *wwt2);
  struct sepscan *sc = malloc(nc * k * sizeof *sc);
  double *zs = malloc(nc * k * sizeof *zs), *lo_hi = malloc(2 * k * sizeof *lo_hi);
  unsigned char *small = calloc(k, 1);
  int st = GSL_ENOMEM;
  if (q == NULL || pt == NULL || scale == NULL || sd == NULL || bold == NULL ||
      (wwt2 == NULL && !lean) || sc == NULL || zs == NULL || lo_hi == NULL ||
      small == NULL)
    goto done;
  fit->coef = calloc(k, sizeof *fit->coef);
  fit->rinv = malloc(k * k * sizeof *fit->rinv);
  fit->xtxi = malloc(k * k * sizeof *fit->xtxi);
  fit->eta = malloc(n * sizeof *fit->eta);
  fit->mu = malloc(n * sizeof *fit->mu);
  if (!lean) {
    fit->wres = malloc(n * sizeof *fit->wres);
    fit->wwt = malloc(n * sizeof *fit->wwt);
  }
  fit->sep = calloc(k, sizeof *fit->sep);
  fit->drift = calloc(k, 1);
  if (fit->coef == NULL || fit->rinv == NULL || fit->xtxi == NULL || fit->eta == NULL ||
      fit->mu == NULL || (!lean && (fit->wres == NULL || fit->wwt == NULL)) || fit->sep == NULL ||
      fit->drift == NULL)
    goto done;
  if (qr_init(q, nc, k + 1) != GSL_SUCCESS) goto done;
  if (o->narrow)
    for (size_t c = 0; c < nc; c++) qr_wide(&q[c], 0);
  double *rowarr[] = {fit->eta, fit->mu, fit->wres, fit->wwt, wwt2};
  for (size_t a = 0; a < sizeof rowarr / sizeof rowarr[0]; a++)
    if (rowarr[a] != NULL) mem_advise_large(rowarr[a], n * sizeof(double));
  double *shift = scale + (k + 1);
  for (size_t j = 0; j <= k; j++) shift[j] = 0;
  struct pass ps = {rowk_pick(o->narrow), X, small, y, w, offset, fit->coef, scale, shift, n, k, o->family, o->link, 0, 1, 1, 0,
                    fit->eta, fit->mu, fit->wres, fit->wwt,
                    !(offset != NULL && intercept), intercept, 0, NULL};
  for (size_t c = 0; c < nc; c++) {
    pt[c].ps = &ps;
    pt[c].lo = n * c / nc;
    pt[c].hi = n * (c + 1) / nc;
    pt[c].q = &q[c];
    pt[c].sc = sc + c * k;
    pt[c].z = zs + c * k;
  }

  /* Checks, scales and separation, in one pass. */
  chunks_run(prep_chunk, pt, sizeof *pt, nc);
  for (size_t c = 0; c < nc; c++)      /* the first bad y, w or offset in row order */
    if (pt[c].ybad_row != SIZE_MAX) {
      fit->bad_col = pt[c].ybad_col;
      fit->bad_row = pt[c].ybad_row;
      st = GSL_EDOM;
      goto done;
    }
  size_t bc = SIZE_MAX;
  for (size_t c = 0; c < nc; c++)      /* then the first non-finite x, column by column */
    if (pt[c].xbad_col < bc) bc = pt[c].xbad_col, fit->bad_row = pt[c].xbad_row;
  if (bc != SIZE_MAX) {
    fit->bad_col = bc;
    st = GSL_EDOM;
    goto done;
  }
  ps.binary = 1;
  double sw = 0, swy = 0;
  for (size_t c = 0; c < nc; c++) {
    ps.binary &= pt[c].binary;
    sw += pt[c].sw;
    swy += pt[c].swy;
  }
  for (size_t j = 0; j < k; j++) {
    struct sepscan s = sc[j];
    for (size_t c = 1; c < nc; c++) {
      const struct sepscan *t = &sc[c * k + j];
      s.max0 = t->max0 > s.max0 ? t->max0 : s.max0;
      s.min0 = t->min0 < s.min0 ? t->min0 : s.min0;
      s.max1 = t->max1 > s.max1 ? t->max1 : s.max1;
      s.min1 = t->min1 < s.min1 ? t->min1 : s.min1;
    }
    /* Every row is on at least one side, so the extremes give max |x|. */
    double hi = s.max0 > s.max1 ? s.max0 : s.max1, lo = s.min0 < s.min1 ? s.min0 : s.min1;
    lo_hi[2 * j] = lo;
    lo_hi[2 * j + 1] = hi;
    small[j] = X[j].i64 != NULL && lo >= -0x1p51 && hi <= 0x1p51;
    fit->sep[j] = o->family == GLM_BINOMIAL && hi > lo ? sep_verdict(&s) : GLM_SEP_NONE;
  }
  /* Centring, as in ols.c but on the midpoint of each column's range (the
   * working weights that a weighted mean would need change with every
   * step): when column 0 is constant and not zero, column j >= 1 enters
   * each weighted QR as x_j - (min + max)/2, and every solution is taken
   * back to X's own columns by qr_uncentre.  Then each column is scaled by
   * a power of two. */
  int centre = lo_hi[0] == lo_hi[1] && lo_hi[0] != 0;
  for (size_t j = 0; j < k; j++) {
    double lo = lo_hi[2 * j], hi = lo_hi[2 * j + 1];
    shift[j] = centre && j > 0 ? lo + (hi - lo) / 2 : 0;
    double a = fabs(hi - shift[j]) > fabs(lo - shift[j]) ? fabs(hi - shift[j]) : fabs(lo - shift[j]);
    scale[j] = qr_pow2_scale(a);
  }
  scale[k] = 1;
  if (centre) qr_centred(&q[0], shift, scale, lo_hi[0]);

  /* The start pass: deviance at mustart and the first weighted QR. */
  double devold = irls_pass(pt, nc), dev = 0;
  double *wqr = fit->wwt;     /* the weights of the QR in q[0] */
  double *wused = fit->wwt;   /* the weights of the last QR solved */
  int have_old = 0, guess_ok = 1;
  double rel1 = INFINITY, rel2 = INFINITY;   /* the last two relative changes */
  double rtol = 1e-7 < o->epsilon / 1000 ? 1e-7 : o->epsilon / 1000;
  if (o->tol > 0 && o->tol < 1) rtol = o->tol;
  ps.start = 0;
  for (fit->iter = 1; fit->iter <= o->maxit; fit->iter++) {
    st = qr_solve(&q[0], scale, rtol, fit->coef, fit->rinv, &fit->bad_col);
    if (st != GSL_SUCCESS) goto done;
    if (centre) qr_uncentre(k, shift, lo_hi[0], 0, fit->coef, NULL, NULL);
    wused = wqr;
    wqr = ps.wwt = wused == fit->wwt ? wwt2 : fit->wwt;
    /* The QR formed in the pass is wasted if this step converges.  IRLS
     * converges quadratically near the optimum (the relative change about
     * squares from one step to the next), so when the last change was
     * below sqrt(epsilon/10) and 100 times smaller than the one before,
     * this step is expected to pass the test: predict only, and if the
     * guess was wrong, make the weighted QR in a second pass (the same
     * arithmetic, so the same bytes either way) and stop guessing. */
    ps.qr = !(guess_ok && rel1 < sqrt(o->epsilon / 10) && rel1 < 0.01 * rel2);
    ps.store = !ps.qr;
    dev = irls_pass(pt, nc);
    /* Step halving towards the previous coefficients, as glm.fit; then
     * the weighted QR at the accepted coefficients. */
    if (!isfinite(dev) && have_old) {
      ps.qr = 0;
      ps.store = 1;
      for (int h = 0; !isfinite(dev) && h < o->maxit; h++) {
        for (size_t j = 0; j < k; j++) fit->coef[j] = 0.5 * (fit->coef[j] + bold[j]);
        dev = irls_pass(pt, nc);
      }
      if (isfinite(dev)) {
        ps.qr = 1;
        ps.store = 0;
        dev = irls_pass(pt, nc);
      }
    }
    if (!isfinite(dev)) {
      st = GSL_EFAILED;
      goto done;
    }
    double rel = fabs(dev - devold) / (fabs(dev) + 0.1);
    if (rel < o->epsilon) {
      fit->converged = 1;
      break;
    }
    if (!ps.qr) {
      guess_ok = 0;
      ps.qr = 1;
      ps.store = 0;
      dev = irls_pass(pt, nc);
    }
    rel2 = rel1;
    rel1 = rel;
    devold = dev;
    memcpy(bold, fit->coef, k * sizeof *bold);
    have_old = 1;
  }
  if (fit->iter > o->maxit) fit->iter = o->maxit;
  /* A pass with the weighted QR keeps eta, mu and the working residuals
   * only in its blocks (stored, they would double what the pass writes);
   * when such a pass was the last, a predict-only pass at the same
   * coefficients stores them (the same arithmetic, so the same values). */
  if (!ps.store) {
    ps.qr = 0;
    ps.store = 1;
    irls_pass(pt, nc);
  }
  if (wused != fit->wwt) {             /* report the weights of the last QR solved */
    wwt2 = fit->wwt;
    fit->wwt = wused;
  }
  fit->deviance = dev;
  qr_rinv_to_xtxi(fit->rinv, k, fit->xtxi);
  if (centre) qr_uncentre(k, shift, lo_hi[0], 0, NULL, fit->rinv, fit->xtxi);
  /* Null deviance as glm(): at the weighted mean (intercept) or at
   * linkinv(offset); with both an offset and an intercept R refits the
   * intercept-only model. */
  ps.wtdmu = swy / sw;
  double lft[LFACT_N];
  if (!ps.binary) {
    lfact_table(lft);
    ps.lfact = lft;
  }
  chunks_run(final_chunk, pt, sizeof *pt, nc);
  double a = 0, nd = 0;
  for (size_t c = 0; c < nc; c++) {
    fit->n_boundary += pt[c].nb;
    fit->pearson += pt[c].pearson;
    a += pt[c].aic;
    nd += pt[c].nulldev;
  }
  if (ps.binary) a = dev;
  if (have_old && (fit->n_boundary > 0 || !fit->converged)) {
    spreads(X, n, k, sd);
    for (size_t j = 0; j < k; j++)
      fit->drift[j] = fabs(fit->coef[j] - bold[j]) * (sd[j] > 0 ? sd[j] : 1) > 1e-3;
  }
  if (ps.null_simple) {
    fit->null_deviance = nd;
  } else if (k == 1) {
    fit->null_deviance = dev;              /* the model is its own null model */
  } else {
    const struct glm_col one[1] = {{NULL, NULL}};   /* the intercept-only model */
    struct glm_opts o0 = *o;
    struct glm_fit f0;
    o0.lean = 1;
    st = glm_fit_cols(one, n, 1, y, w, offset, 1, &o0, &f0);
    fit->null_deviance = f0.deviance;
    glm_fini(&f0);
    if (st != GSL_SUCCESS) goto done;
  }
  double dn = (double)n, dk = (double)k;
  fit->df_resid = dn - dk;
  fit->df_null = dn - (intercept ? 1 : 0);
  fit->loglik = -a / 2;
  fit->aic = a + 2 * dk;
  fit->bic = a + log(dn) * dk;
  st = GSL_SUCCESS;
done:
  if (q != NULL) qr_fini(q, nc);
  free(q);
  free(pt);
  free(scale);
  free(sd);
  free(bold);
  free(wwt2);
  free(sc);
  free(zs);
  free(lo_hi);
  free(small);
  if (st != GSL_SUCCESS) {
    size_t bc0 = fit->bad_col, br = fit->bad_row;
    glm_fini(fit);
    fit->bad_col = bc0;
    fit->bad_row = br;
  }
  return st;
}
