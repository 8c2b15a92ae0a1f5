/* host/match/effect.c -- effect estimate after matching or weighting (effect.h):
 * keeps the rows with positive weight, rescales control outcomes, builds
 * [1, treat, Z, treat (Z - zbar)], fits WLS by Householder QR (ols.c)
 * and takes the treat coefficient's covariance from vcov.c; the interval and
 * p-value from lincom.c (t on the residual degrees of freedom, as R's
 * lmtest::coeftest on an lm, or normal).  Pure C on GSL, no Lua. */
#include "effect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "num/ols.h"
#include "num/lincom.h"
#include "num/vcov.h"

int effect_estimate(const struct effect_spec *s, struct effect_result *r, char *err,
                    size_t errlen) {
  memset(r, 0, sizeof *r);
  if (err && errlen) err[0] = '\0';
  size_t n = s->n, q = s->Z ? s->q : 0;
  size_t k = 2 + q + (s->interact ? q : 0);
  if (!(s->level > 0 && s->level < 1)) {
    snprintf(err, errlen, "level must be in (0, 1)");
    return GSL_EINVAL;
  }
  if (!(s->rescale_control > 0) || !isfinite(s->rescale_control)) {
    snprintf(err, errlen, "the control rescaling factor must be a positive number");
    return GSL_EINVAL;
  }
  if (s->vcov == EFFECT_CR1 && s->cluster == NULL) {
    snprintf(err, errlen, "cluster-robust standard errors need the matched sets (subclass)");
    return GSL_EINVAL;
  }
  size_t *keep = malloc((n ? n : 1) * sizeof *keep), m = 0;
  double *X = NULL, *y = NULL, *w = NULL, *h = NULL, *V = NULL, *zbar = NULL;
  size_t *cl = NULL, *remap = NULL;
  struct linreg_fit fit;
  memset(&fit, 0, sizeof fit);
  int st = GSL_ENOMEM;
  if (!keep) goto done;
  for (size_t i = 0; i < n; i++)
    if (s->w == NULL || s->w[i] > 0) keep[m++] = i;
  for (size_t j = 0; j < m; j++) {
    size_t i = keep[j];
    int g = s->treat[i] != 0;
    double wi = s->w ? s->w[i] : 1.0, yi = g ? s->y[i] : s->y[i] * s->rescale_control;
    r->n_group[g]++;
    r->sum_w[g] += wi;
    r->mean[g] += wi * yi;
  }
  r->n_used = m;
  if (r->n_group[0] == 0 || r->n_group[1] == 0) {
    snprintf(err, errlen, "no %s units with positive weight", r->n_group[0] ? "treated" : "control");
    st = GSL_EINVAL;
    goto done;
  }
  for (int g = 0; g < 2; g++) r->mean[g] /= r->sum_w[g];
  X = malloc(m * k * sizeof *X);
  y = malloc(m * sizeof *y);
  w = s->w ? malloc(m * sizeof *w) : NULL;
  zbar = malloc((q ? q : 1) * sizeof *zbar);
  V = malloc(k * k * sizeof *V);
  if (!X || !y || (s->w && !w) || !zbar || !V) goto done;
  /* Centre of the interactions: the target group's weighted covariate means. */
  for (size_t c = 0; c < q; c++) {
    double sw = 0, sz = 0;
    for (size_t j = 0; j < m; j++) {
      size_t i = keep[j];
      int g = s->treat[i] != 0;
      if ((s->target == EFFECT_ATT && !g) || (s->target == EFFECT_ATC && g)) continue;
      double wi = s->w ? s->w[i] : 1.0;
      sw += wi;
      sz += wi * s->Z[i + n * c];
    }
    zbar[c] = sz / sw;
  }
  for (size_t j = 0; j < m; j++) {
    size_t i = keep[j];
    double t = s->treat[i] != 0;
    X[j] = 1;
    X[j + m] = t;
    for (size_t c = 0; c < q; c++) {
      double z = s->Z[i + n * c];
      X[j + m * (2 + c)] = z;
      if (s->interact) X[j + m * (2 + q + c)] = t * (z - zbar[c]);
    }
    y[j] = t ? s->y[i] : s->y[i] * s->rescale_control;
    if (w) w[j] = s->w[i];
  }
  st = linreg_fit(X, m, k, y, w, 1, &fit);
  if (st == GSL_ESING) {
    r->bad_col = fit.bad_col;
    snprintf(err, errlen, "design column %zu is collinear with earlier ones", fit.bad_col + 1);
    goto done;
  }
  if (st == GSL_EBADLEN) {
    snprintf(err, errlen, "%zu rows for %zu coefficients; need more rows", m, k);
    st = GSL_EINVAL;
    goto done;
  }
  if (st != GSL_SUCCESS) {
    snprintf(err, errlen, "the regression failed (%s)", gsl_strerror(st));
    goto done;
  }
  struct vcov_data vd = {X, m, k, fit.resid, w, fit.xtxi, NULL, fit.rinv, NULL};
  switch (s->vcov) {
  case EFFECT_CR1: {
    /* Cluster ids among the rows kept, renumbered 0..G-1. */
    size_t G0 = s->G;
    remap = malloc((G0 ? G0 : 1) * sizeof *remap);
    cl = malloc(m * sizeof *cl);
    st = GSL_ENOMEM;
    if (!remap || !cl) goto done;
    for (size_t g = 0; g < G0; g++) remap[g] = (size_t)-1;
    size_t G = 0;
    for (size_t j = 0; j < m; j++) {
      size_t c = s->cluster[keep[j]];
      if (c >= G0) {
        snprintf(err, errlen, "cluster id %zu out of range", c);
        st = GSL_EINVAL;
        goto done;
      }
      if (remap[c] == (size_t)-1) remap[c] = G++;
      cl[j] = remap[c];
    }
    r->G_used = G;
    if (G < 2) {
      snprintf(err, errlen, "%zu matched set; cluster-robust errors need at least 2", G);
      st = GSL_EINVAL;
      goto done;
    }
    st = vcov_cluster(&vd, cl, G, 1, V);
    break;
  }
  case EFFECT_HC3:
    h = malloc(m * sizeof *h);
    st = GSL_ENOMEM;
    if (!h) goto done;
    linreg_leverage(X, m, k, w, fit.rinv, h);
    vd.hat = h;
    st = vcov_hc(&vd, VCOV_HC3, V);
    if (st == GSL_EDOM) snprintf(err, errlen, "a row has leverage 1, so HC3 is undefined; use HC1");
    break;
  case EFFECT_HC0: st = vcov_hc(&vd, VCOV_HC0, V); break;
  case EFFECT_HC1: st = vcov_hc(&vd, VCOV_HC1, V); break;
  case EFFECT_SVY:
    st = vcov_hc(&vd, VCOV_HC0, V);
    for (size_t a = 0; a < k * k; a++) V[a] *= (double)m / (double)(m - 1);
    break;
  default: st = vcov_classical(&vd, fit.sigma2, V);
  }
  if (st != GSL_SUCCESS) goto done;
  double c[64], *cv = k <= 64 ? c : calloc(k, sizeof *cv);
  st = GSL_ENOMEM;
  if (!cv) goto done;
  for (size_t a = 0; a < k; a++) cv[a] = a == 1;
  struct lintest_lincom lc;
  double df = s->normal ? INFINITY : fit.df_resid;
  st = lintest_lincom(fit.coef, V, k, cv, 0, df, s->level, &lc);
  if (cv != c) free(cv);
  if (st != GSL_SUCCESS) {
    snprintf(err, errlen, "the covariance gives a negative variance for the effect");
    goto done;
  }
  r->estimate = lc.estimate;
  r->se = lc.se;
  r->statistic = lc.statistic;
  r->df = lc.df;
  r->p_value = lc.p_value;
  r->conf_low = lc.conf_low;
  r->conf_high = lc.conf_high;
  r->k = k;
  st = GSL_SUCCESS;
done:
  linreg_fini(&fit);
  free(keep);
  free(X);
  free(y);
  free(w);
  free(h);
  free(V);
  free(zbar);
  free(cl);
  free(remap);
  return st;
}
