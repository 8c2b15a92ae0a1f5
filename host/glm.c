/* host/glm.c -- logit, probit and Poisson GLMs by iteratively reweighted
 * least squares, step for step as R's glm.fit (R 4.2): same start
 * (mustart), same link clamps (R's C family code), deviance test
 * |dev - devold|/(|dev| + 0.1) < epsilon, step halving on a non-finite
 * deviance.  Each step's weighted least squares is a blocked Householder
 * QR (host/linreg.c), never the normal equations.  Pure C + GSL. */
#include "glm.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "linreg.h"

#define EPS DBL_EPSILON
#define THRESH 30.0            /* R's logit clamp (family.c) */
#define PROBIT_THRESH 8.125890664701906   /* -qnorm(.Machine$double.eps) */

struct glm_opts glm_opts_default(enum glm_family family, enum glm_link link) {
  struct glm_opts o = {family, link, 1e-8, 25};
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

/* -2 log-likelihood as R's family$aic (binomial: dbinom(round(w y),
 * round(w), mu); Poisson: w dpois(y, mu)). */
static double aic_family(enum glm_family f, const double *y, const double *mu, const double *w,
                         size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = w != NULL ? w[i] : 1;
    if (f == GLM_BINOMIAL) {
      double m = round(wi), x = round(wi * y[i]);
      double l = x == 0 || x == m ? 0 : lgamma(m + 1) - lgamma(x + 1) - lgamma(m - x + 1);
      l += (x > 0 ? x * log(mu[i]) : 0) + (m - x > 0 ? (m - x) * log1p(-mu[i]) : 0);
      s += l;
    } else {
      s += wi * (y[i] * log(mu[i]) - mu[i] - lgamma(y[i] + 1));
    }
  }
  return -2 * s;
}

/* ===== IRLS ===== */

void glm_fini(struct glm_fit *fit) {
  free(fit->coef);
  free(fit->rinv);
  free(fit->xtxi);
  free(fit->eta);
  free(fit->mu);
  free(fit->wres);
  free(fit->wwt);
  free(fit->sep);
  free(fit->drift);
  fit->coef = fit->rinv = fit->xtxi = fit->eta = fit->mu = fit->wres = fit->wwt = NULL;
  fit->sep = NULL;
  fit->drift = NULL;
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

/* Check inputs in one pass per column: largest |x| (for the scale), the
 * spread (for the drift test) and, for binomial, the separation scan. */
static int validate(const double *X, size_t n, size_t k, const double *y, const double *w,
                    const double *off, enum glm_family fam, double *amax, double *sd,
                    enum glm_sep *sep, struct glm_fit *fit) {
  for (size_t i = 0; i < n; i++) {
    int bad = !isfinite(y[i]) || y[i] < 0 || (fam == GLM_BINOMIAL && y[i] > 1);
    size_t col = k;
    if (!bad && w != NULL && (!(w[i] > 0) || !isfinite(w[i]))) bad = 1, col = k + 1;
    if (!bad && off != NULL && !isfinite(off[i])) bad = 1, col = k + 2;
    if (bad) {
      fit->bad_col = col;
      fit->bad_row = i;
      return GSL_EDOM;
    }
  }
  for (size_t j = 0; j < k; j++) {
    const double *c = X + j * n;
    double a = 0, s1 = 0, s2 = 0, x0 = c[0];
    struct sepscan sc = {-INFINITY, INFINITY, -INFINITY, INFINITY};
    const double pen[2] = {INFINITY, 0};
    int finite = 1;
    for (size_t i = 0; i < n; i++) {
      double xi = c[i], d = xi - x0;     /* shifted sums: the spread only scales a heuristic */
      finite &= isfinite(xi);
      a = fabs(xi) > a ? fabs(xi) : a;
      s1 += d;
      s2 += d * d;
      double p0 = pen[y[i] < 1], p1 = pen[y[i] > 0];   /* 0 in the side, else inf */
      double a0 = xi - p0, b0 = xi + p0, a1 = xi - p1, b1 = xi + p1;
      sc.max0 = a0 > sc.max0 ? a0 : sc.max0;
      sc.min0 = b0 < sc.min0 ? b0 : sc.min0;
      sc.max1 = a1 > sc.max1 ? a1 : sc.max1;
      sc.min1 = b1 < sc.min1 ? b1 : sc.min1;
    }
    if (!finite) {
      for (size_t i = 0; i < n; i++)
        if (!isfinite(c[i])) {
          fit->bad_col = j;
          fit->bad_row = i;
          return GSL_EDOM;
        }
    }
    amax[j] = a;
    double v = s2 / (double)n - (s1 / (double)n) * (s1 / (double)n);
    sd[j] = v > 0 ? sqrt(v) : 0;
    sep[j] = fam == GLM_BINOMIAL && sd[j] > 0 ? sep_verdict(&sc) : GLM_SEP_NONE;
  }
  return GSL_SUCCESS;
}

/* ===== The two passes over the rows, split in fixed parts =====
 * Rows are cut into GLM_PARTS contiguous parts (one part below
 * GLM_SPLIT_MIN rows), each reduced on its own thread (C11 threads), then
 * combined in part order: the partial deviances are added, and each
 * part's triangle R_p is absorbed as k more rows into part 0's QR (TSQR's
 * reduction tree: the QR of stacked triangles is the QR of all the rows).
 * The cut depends on n only, so results are the same on any machine, and
 * a part whose thread cannot start is simply run on the caller's. */
#define GLM_PARTS 2
#define GLM_SPLIT_MIN 65536

struct pass {
  const double *X, *y, *w, *off, *b, *scale;
  size_t n, k;
  const struct glm_opts *o;
  double *eta, *mu, *mueta, *wwt, *wres;
  int null_simple, intercept;   /* null deviance from wtdmu / linkinv(offset) */
  double wtdmu;
};

struct part {
  const struct pass *ps;
  size_t lo, hi;
  struct linreg_qr *q;
  double dev, aic, nulldev;
  size_t nb;
};

/* glm.fit's start: mustart = (w y + 0.5)/(w + 1) (binomial), y + 0.1
 * (Poisson); eta = linkfun(mustart) (no offset); dev at that mu. */
static int start_part(void *arg) {
  struct part *pt = arg;
  const struct pass *p = pt->ps;
  double dev = 0;
  for (size_t i = pt->lo; i < pt->hi; i++) {
    double wi = p->w != NULL ? p->w[i] : 1;
    double m0 = p->o->family == GLM_BINOMIAL ? (wi * p->y[i] + 0.5) / (wi + 1) : p->y[i] + 0.1;
    p->eta[i] = linkfun(p->o->link, m0);
    linkinv(p->o->link, p->eta[i], &p->mu[i], &p->mueta[i]);
    dev += devres(p->o->family, p->y[i], p->mu[i], wi);
  }
  pt->dev = dev;
  return 0;
}

/* After convergence: working residuals, fitted values at the boundary,
 * the family's -2 log-likelihood and the null deviance, row by row. */
static int final_part(void *arg) {
  struct part *pt = arg;
  const struct pass *p = pt->ps;
  size_t nb = 0;
  double nd = 0;
  for (size_t i = pt->lo; i < pt->hi; i++) {
    p->wres[i] = (p->y[i] - p->mu[i]) / p->mueta[i];
    double m = p->mu[i];
    nb += p->o->family == GLM_BINOMIAL ? (m < 10 * EPS || m > 1 - 10 * EPS) : m < 10 * EPS;
    if (p->null_simple) {
      double m0 = p->wtdmu, me;
      if (!p->intercept) linkinv(p->o->link, p->off != NULL ? p->off[i] : 0, &m0, &me);
      nd += devres(p->o->family, p->y[i], m0, p->w != NULL ? p->w[i] : 1);
    }
  }
  pt->nb = nb;
  pt->nulldev = nd;
  pt->aic = aic_family(p->o->family, p->y + pt->lo, p->mu + pt->lo,
                       p->w != NULL ? p->w + pt->lo : NULL, pt->hi - pt->lo);
  return 0;
}

/* eta = X b + offset, mu, dmu/deta for rows lo..hi-1; the deviance. */
static int predict_part(void *arg) {
  struct part *pt = arg;
  const struct pass *p = pt->ps;
  const size_t n = p->n;
  double dev = 0;
  for (size_t i0 = pt->lo; i0 < pt->hi; i0 += 512) {
    size_t m = pt->hi - i0 < 512 ? pt->hi - i0 : 512;
    double *e = p->eta + i0;
    for (size_t i = 0; i < m; i++) e[i] = p->off != NULL ? p->off[i0 + i] : 0;
    for (size_t j = 0; j < p->k; j++) {
      const double *xj = p->X + j * n + i0;
      double bj = p->b[j];
      for (size_t i = 0; i < m; i++) e[i] += xj[i] * bj;
    }
    for (size_t i = i0; i < i0 + m; i++) {
      linkinv(p->o->link, p->eta[i], &p->mu[i], &p->mueta[i]);
      dev += devres(p->o->family, p->y[i], p->mu[i], p->w != NULL ? p->w[i] : 1);
    }
  }
  pt->dev = dev;
  return 0;
}

/* One weighted least-squares step over rows lo..hi-1: QR of sqrt(W)[X z]
 * in blocks, z = eta - offset + (y - mu)/mueta, W = w mueta^2 / V(mu). */
static int wls_part(void *arg) {
  struct part *pt = arg;
  const struct pass *p = pt->ps;
  const size_t n = p->n, k = p->k;
  struct linreg_qr *q = pt->q;
  linreg_qr_reset(q);
  double *zc = q->blk + k * LINREG_BLOCK;
  for (size_t i0 = pt->lo; i0 < pt->hi; i0 += LINREG_BLOCK) {
    size_t m = pt->hi - i0 < LINREG_BLOCK ? pt->hi - i0 : LINREG_BLOCK;
    double sw[LINREG_BLOCK];
    for (size_t i = 0; i < m; i++) {
      size_t r = i0 + i;
      double me = p->mueta[r];
      double wt = (p->w != NULL ? p->w[r] : 1) * me * me / variance(p->o->family, p->mu[r]);
      p->wwt[r] = wt;
      sw[i] = sqrt(wt);
      zc[i] = (p->eta[r] - (p->off != NULL ? p->off[r] : 0) + (p->y[r] - p->mu[r]) / me) * sw[i];
    }
    for (size_t j = 0; j < k; j++) {
      const double *xj = p->X + j * n + i0;
      double *d = q->blk + j * LINREG_BLOCK, s = p->scale[j];
      for (size_t i = 0; i < m; i++) d[i] = xj[i] * sw[i] * s;
    }
    linreg_qr_absorb(q, m);
  }
  return 0;
}

/* Run fn on every part, parts 1.. on their own threads. */
static void run_parts(int (*fn)(void *), struct part *pt, size_t np) {
  thrd_t th[GLM_PARTS];
  int started[GLM_PARTS] = {0};
  for (size_t i = 1; i < np; i++) started[i] = thrd_create(&th[i], fn, &pt[i]) == thrd_success;
  fn(&pt[0]);
  for (size_t i = 1; i < np; i++) {
    if (started[i])
      thrd_join(th[i], NULL);
    else
      fn(&pt[i]);
  }
}

static double predict_all(struct part *pt, size_t np) {
  run_parts(predict_part, pt, np);
  double dev = 0;
  for (size_t i = 0; i < np; i++) dev += pt[i].dev;
  return dev;
}

/* QR of all rows into pt[0].q: each later part's R joins as K more rows. */
static void wls_all(struct part *pt, size_t np) {
  run_parts(wls_part, pt, np);
  struct linreg_qr *q0 = pt[0].q;
  const size_t K = q0->k;
  for (size_t p = 1; p < np; p++) {
    const double *R = pt[p].q->R;
    for (size_t r0 = 0; r0 < K; r0 += LINREG_BLOCK) {
      size_t m = K - r0 < LINREG_BLOCK ? K - r0 : LINREG_BLOCK;
      for (size_t j = 0; j < K; j++)
        for (size_t i = 0; i < m; i++)
          q0->blk[i + j * LINREG_BLOCK] = r0 + i <= j ? R[r0 + i + j * K] : 0;
      linreg_qr_absorb(q0, m);
    }
  }
  /* Absorbing R_p also added its squared column norms to ss, which equal
   * the part's own (Q is orthogonal), so the rank test sees all rows. */
  q0->nrows = pt[0].ps->n;
}

int glm_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
            const double *offset, int intercept, const struct glm_opts *o,
            struct glm_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  struct linreg_qr q = {0}, qx[GLM_PARTS - 1];
  memset(qx, 0, sizeof qx);
  double *scale = malloc((k + 1) * sizeof *scale), *sd = malloc(k * sizeof *sd);
  double *bold = malloc(k * sizeof *bold), *mueta = malloc(n * sizeof *mueta);
  int st = GSL_ENOMEM;
  if (scale == NULL || sd == NULL || bold == NULL || mueta == NULL) goto done;
  st = GSL_ENOMEM;
  fit->sep = calloc(k, sizeof *fit->sep);
  if (fit->sep == NULL) goto done;
  st = validate(X, n, k, y, w, offset, o->family, scale, sd, fit->sep, fit);
  if (st != GSL_SUCCESS) goto done;
  for (size_t j = 0; j < k; j++) scale[j] = linreg_pow2_scale(scale[j]);
  scale[k] = 1;
  st = GSL_ENOMEM;
  fit->coef = calloc(k, sizeof *fit->coef);
  fit->rinv = malloc(k * k * sizeof *fit->rinv);
  fit->xtxi = malloc(k * k * sizeof *fit->xtxi);
  fit->eta = malloc(n * sizeof *fit->eta);
  fit->mu = malloc(n * sizeof *fit->mu);
  fit->wres = malloc(n * sizeof *fit->wres);
  fit->wwt = malloc(n * sizeof *fit->wwt);
  fit->drift = calloc(k, 1);
  if (fit->coef == NULL || fit->rinv == NULL || fit->xtxi == NULL || fit->eta == NULL ||
      fit->mu == NULL || fit->wres == NULL || fit->wwt == NULL || fit->sep == NULL ||
      fit->drift == NULL || linreg_qr_init(&q, k + 1) != GSL_SUCCESS)
    goto done;
  size_t np = n >= GLM_SPLIT_MIN ? GLM_PARTS : 1;
  for (size_t p = 1; p < np; p++)
    if (linreg_qr_init(&qx[p - 1], k + 1) != GSL_SUCCESS) goto done;
  struct pass ps = {X, y, w, offset, fit->coef, scale, n, k, o, fit->eta, fit->mu, mueta,
                    fit->wwt, fit->wres, !(offset != NULL && intercept), intercept, 0};
  struct part pt[GLM_PARTS];
  for (size_t p = 0; p < np; p++) {
    pt[p].ps = &ps;
    pt[p].lo = n * p / np;
    pt[p].hi = n * (p + 1) / np;
    pt[p].q = p == 0 ? &q : &qx[p - 1];
    pt[p].dev = pt[p].aic = pt[p].nulldev = 0;
    pt[p].nb = 0;
  }

  run_parts(start_part, pt, np);
  double devold = 0, dev = 0;
  for (size_t p = 0; p < np; p++) devold += pt[p].dev;
  int have_old = 0;
  double rtol = 1e-7 < o->epsilon / 1000 ? 1e-7 : o->epsilon / 1000;
  for (fit->iter = 1; fit->iter <= o->maxit; fit->iter++) {
    wls_all(pt, np);
    st = linreg_qr_solve(&q, scale, rtol, fit->coef, fit->rinv, &fit->bad_col);
    if (st != GSL_SUCCESS) goto done;
    dev = predict_all(pt, np);
    /* Step halving towards the previous coefficients, as glm.fit. */
    for (int h = 0; !isfinite(dev) && h < o->maxit; h++) {
      if (!have_old) break;
      for (size_t j = 0; j < k; j++) fit->coef[j] = 0.5 * (fit->coef[j] + bold[j]);
      dev = predict_all(pt, np);
    }
    if (!isfinite(dev)) {
      st = GSL_EFAILED;
      goto done;
    }
    if (fabs(dev - devold) / (fabs(dev) + 0.1) < o->epsilon) {
      fit->converged = 1;
      break;
    }
    devold = dev;
    memcpy(bold, fit->coef, k * sizeof *bold);
    have_old = 1;
  }
  if (fit->iter > o->maxit) fit->iter = o->maxit;
  fit->deviance = dev;
  linreg_rinv_to_xtxi(fit->rinv, k, fit->xtxi);
  /* Null deviance as glm(): at the weighted mean (intercept) or at
   * linkinv(offset); with both an offset and an intercept R refits the
   * intercept-only model. */
  double sw = 0, swy = 0;
  for (size_t i = 0; i < n; i++) {
    sw += w != NULL ? w[i] : 1;
    swy += (w != NULL ? w[i] : 1) * y[i];
  }
  ps.wtdmu = swy / sw;
  run_parts(final_part, pt, np);
  double a = 0, nd = 0;
  for (size_t p = 0; p < np; p++) {
    fit->n_boundary += pt[p].nb;
    a += pt[p].aic;
    nd += pt[p].nulldev;
  }
  if (have_old && (fit->n_boundary > 0 || !fit->converged))
    for (size_t j = 0; j < k; j++)
      fit->drift[j] = fabs(fit->coef[j] - bold[j]) * (sd[j] > 0 ? sd[j] : 1) > 1e-3;
  if (ps.null_simple) {
    fit->null_deviance = nd;
  } else if (k == 1) {
    fit->null_deviance = dev;              /* the model is its own null model */
  } else {
    double *one = malloc(n * sizeof *one);
    struct glm_fit f0;
    st = GSL_ENOMEM;
    if (one == NULL) goto done;
    for (size_t i = 0; i < n; i++) one[i] = 1;
    st = glm_fit(one, n, 1, y, w, offset, 1, o, &f0);
    fit->null_deviance = f0.deviance;
    glm_fini(&f0);
    free(one);
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
  linreg_qr_fini(&q);
  for (size_t p = 0; p + 1 < GLM_PARTS; p++) linreg_qr_fini(&qx[p]);
  free(scale);
  free(sd);
  free(bold);
  free(mueta);
  if (st != GSL_SUCCESS) {
    size_t bc = fit->bad_col, br = fit->bad_row;
    glm_fini(fit);
    fit->bad_col = bc;
    fit->bad_row = br;
  }
  return st;
}
