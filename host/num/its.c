/* host/num/its.c -- interrupted time series designs on a unit x period panel:
 * builds the segmented-regression design (Stata itsa's _t, _z, _z_t, _x,
 * _x_t, _z_x, _z_x_t), fits it by host/num/ols.c's Householder QR, and
 * computes the Newey-West covariance with lags taken within units (Stata
 * newey on panel data).  Pure C, GSL status codes, no Lua; bound by
 * host/bind/lits.c.  See docs/methods/its.md for the formulas. */
#include "its.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "lincom.h"
#include "ols.h"
#include "data/mem.h"

size_t its_ncoef(const struct its_spec *s, size_t nx) {
  size_t per = s->single ? 1 : 2, k = 2 * per + nx;
  for (size_t j = 0; j < s->m; j++) k += per * (size_t)((s->brk[j].level != 0) + (s->brk[j].slope != 0));
  return k;
}

/* ===== Design ===== */

void its_xrow(const struct its_panel *p, const struct its_spec *s, size_t period, int z,
              int counterfactual, double *x) {
  const double t = p->tt[period], zz = s->single ? 1 : (z ? 1 : 0);
  size_t j = 0;
  x[j++] = 1;
  x[j++] = t;
  if (!s->single) {
    x[j++] = zz;
    x[j++] = zz * t;
  }
  for (size_t b = 0; b < s->m; b++) {
    const struct its_break *br = &s->brk[b];
    /* _x switches on at T itself; the relative tolerance keeps a period
     * computed as (year - first)/step from missing T by rounding. */
    double post = (t >= br->T - 1e-9 * (1 + fabs(br->T))) ? 1 : 0;
    if (counterfactual) post = 0;
    double dt = post * (t - br->T);
    if (br->level) x[j++] = post;
    if (br->slope) x[j++] = dt;
    if (!s->single) {
      if (br->level) x[j++] = zz * post;
      if (br->slope) x[j++] = zz * dt;
    }
  }
  for (size_t c = 0; c < p->nx; c++) x[j++] = p->Xp[period + c * p->P];
}

void its_design_fini(struct its_design *d) {
  MEM_RELEASE(d, d->X, d->y, d->unit, d->period, d->hpos, d->z);
}

static int in_use(const struct its_spec *s, size_t p) { return s->use == NULL || s->use[p]; }

double its_comp_mean(const struct its_panel *pn, const size_t *comp, size_t ncomp, size_t p,
                     int weighted) {
  double sw = 0, sy = 0;
  for (size_t c = 0; c < ncomp; c++) {
    double v = pn->Y[comp[c] * pn->P + p];
    if (isnan(v)) continue;
    double w = (weighted && pn->W != NULL) ? pn->W[comp[c] * pn->P + p] : 1;
    sw += w;
    sy += w * v;
  }
  return sw > 0 ? sy / sw : NAN;
}

int its_design(const struct its_panel *pn, const struct its_spec *s, size_t treated,
               const size_t *comp, size_t ncomp, struct its_design *d, char *err, size_t errlen) {
  memset(d, 0, sizeof *d);
  const size_t P = pn->P, k = its_ncoef(s, pn->nx);
  if (treated >= pn->U) {
    snprintf(err, errlen, "treated unit %zu is not in the panel (%zu units)", treated + 1, pn->U);
    return GSL_EINVAL;
  }
  if (!s->single && ncomp == 0) {
    snprintf(err, errlen, "a comparative design needs at least one comparator");
    return GSL_EINVAL;
  }
  if (s->single) ncomp = 0;
  const int averaged = s->combine == ITS_MEAN || s->combine == ITS_WMEAN;
  const int weighted = s->combine == ITS_WMEAN;
  if (weighted && ncomp > 0 && pn->W == NULL) {
    snprintf(err, errlen, "a weighted mean of the comparators needs weights (W)");
    return GSL_EINVAL;
  }
  for (size_t c = 0; c < ncomp; c++) {
    if (comp[c] >= pn->U || comp[c] == treated) {
      snprintf(err, errlen, "comparator %zu (unit %zu) %s", c + 1, comp[c] + 1,
               comp[c] >= pn->U ? "is not in the panel" : "is the treated unit itself");
      return GSL_EINVAL;
    }
    for (size_t c2 = 0; c2 < c; c2++)
      if (comp[c2] == comp[c]) {
        snprintf(err, errlen, "comparator unit %zu is listed twice", comp[c] + 1);
        return GSL_EINVAL;
      }
    if (weighted)
      for (size_t p = 0; p < P; p++) {
        double w = pn->W[comp[c] * P + p];
        if (in_use(s, p) && !isnan(pn->Y[comp[c] * P + p]) && !(w > 0 && isfinite(w))) {
          snprintf(err, errlen, "comparator unit %zu has weight %g in period %zu; weights must be "
                   "positive", comp[c] + 1, w, p + 1);
          return GSL_EINVAL;
        }
      }
  }
  /* Count rows first, then fill: the treated series, then the comparators. */
  size_t n = 0;
  for (size_t p = 0; p < P; p++)
    if (in_use(s, p) && !isnan(pn->Y[treated * P + p])) n++;
  size_t ntreated = n;
  if (averaged) {
    for (size_t p = 0; p < P && ncomp > 0; p++)
      if (in_use(s, p) && !isnan(its_comp_mean(pn, comp, ncomp, p, weighted))) n++;
  } else {
    for (size_t c = 0; c < ncomp; c++)
      for (size_t p = 0; p < P; p++)
        if (in_use(s, p) && !isnan(pn->Y[comp[c] * P + p])) n++;
  }
  if (n <= k) {
    snprintf(err, errlen, "%zu rows (%zu of the treated unit) for %zu coefficients; need more rows "
             "than coefficients", n, ntreated, k);
    return GSL_EBADLEN;
  }
  d->n = n;
  d->k = k;
  d->X = malloc(n * k * sizeof *d->X);
  d->y = malloc(n * sizeof *d->y);
  d->unit = malloc(n * sizeof *d->unit);
  d->period = malloc(n * sizeof *d->period);
  d->hpos = malloc(n * sizeof *d->hpos);
  d->z = malloc(n * sizeof *d->z);
  double *x = malloc(k * sizeof *x);
  if (!d->X || !d->y || !d->unit || !d->period || !d->hpos || !d->z || !x) {
    free(x);
    its_design_fini(d);
    snprintf(err, errlen, "not enough memory");
    return GSL_ENOMEM;
  }
  size_t i = 0;
  size_t nseries = averaged ? (ncomp > 0 ? 2 : 1) : 1 + ncomp;
  for (size_t g = 0; g < nseries; g++) {
    size_t within = 0;
    for (size_t p = 0; p < P; p++) {
      if (!in_use(s, p)) continue;
      double v;
      if (g == 0) v = pn->Y[treated * P + p];
      else if (averaged) v = its_comp_mean(pn, comp, ncomp, p, weighted);
      else v = pn->Y[comp[g - 1] * P + p];
      if (isnan(v)) continue;
      its_xrow(pn, s, p, g == 0, 0, x);
      for (size_t j = 0; j < k; j++) d->X[i + j * n] = x[j];
      d->y[i] = v;
      d->unit[i] = g;
      d->period[i] = p;
      d->hpos[i] = s->hac_rows ? (double)within : pn->pos[p];
      d->z[i] = g == 0 ? 1 : 0;
      within++;
      i++;
    }
  }
  d->nunits = nseries;
  free(x);
  return GSL_SUCCESS;
}

/* ===== Fit and covariance ===== */

void its_fit_fini(struct its_fit *f) { MEM_RELEASE(f, f->coef, f->V, f->fitted, f->resid); }

int its_hac_panel(const double *X, size_t n, size_t k, const double *e, const double *rinv,
                  const size_t *unit, const double *pos, size_t lag, double *V) {
  double *Q = malloc(n * k * sizeof *Q), *M = calloc(k * k, sizeof *M);
  if (Q == NULL || M == NULL) {
    free(Q);
    free(M);
    return GSL_ENOMEM;
  }
  /* psi_i in the orthogonal basis: e_i q_i, q_ia = sum_{l<=a} x_il rinv_la. */
  for (size_t a = 0; a < k; a++)
    for (size_t i = 0; i < n; i++) {
      double s = 0;
      for (size_t l = 0; l <= a; l++) s += X[i + l * n] * rinv[l + a * k];
      Q[i + a * n] = e[i] * s;
    }
  for (size_t i = 0; i < n; i++) {
    for (size_t a = 0; a < k; a++)
      for (size_t c = a; c < k; c++) M[a + c * k] += Q[i + a * n] * Q[i + c * n];
    /* Earlier rows of the same unit within lag periods (rows are grouped
     * by unit and in increasing pos, so walk back until one is too far). */
    for (size_t j = i; j-- > 0;) {
      if (unit[j] != unit[i]) break;
      double l = pos[i] - pos[j];
      if (l > (double)lag + 1e-9) break;
      if (l < 0.5) continue;   /* the same position twice cannot happen in a series; ignore */
      double w = 1 - l / ((double)lag + 1);
      for (size_t a = 0; a < k; a++)
        for (size_t c = a; c < k; c++)
          M[a + c * k] += w * (Q[i + a * n] * Q[j + c * n] + Q[j + a * n] * Q[i + c * n]);
    }
  }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a + 1; c < k; c++) M[c + a * k] = M[a + c * k];
  /* V = R^-1 M R^-T, then newey's n/(n-k). */
  const double f = (double)n / ((double)n - (double)k);
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s = 0;
      for (size_t l = a; l < k; l++) {
        double t = 0;
        for (size_t m = c; m < k; m++) t += M[l + m * k] * rinv[c + m * k];
        s += rinv[a + l * k] * t;
      }
      V[a + c * k] = V[c + a * k] = f * s;
    }
  free(Q);
  free(M);
  return GSL_SUCCESS;
}

int its_fit(const struct its_design *d, const struct its_spec *s, struct its_fit *f) {
  memset(f, 0, sizeof *f);
  struct linreg_fit lin;
  memset(&lin, 0, sizeof lin);
  int st = linreg_fit(d->X, d->n, d->k, d->y, NULL, 1, &lin);
  if (st != GSL_SUCCESS) {
    f->bad_col = lin.bad_col;
    linreg_fini(&lin);
    return st;
  }
  f->n = d->n;
  f->k = d->k;
  f->df_resid = lin.df_resid;
  f->rss = lin.rss;
  f->sigma2 = lin.sigma2;
  f->r2 = lin.r2;
  f->V = malloc(d->k * d->k * sizeof *f->V);
  if (f->V == NULL) {
    linreg_fini(&lin);
    return GSL_ENOMEM;
  }
  st = its_hac_panel(d->X, d->n, d->k, lin.resid, lin.rinv, d->unit, d->hpos, s->lag, f->V);
  /* Keep the fit's own arrays rather than copying them. */
  f->coef = lin.coef;
  f->fitted = lin.fitted;
  f->resid = lin.resid;
  lin.coef = lin.fitted = lin.resid = NULL;
  linreg_fini(&lin);
  if (st != GSL_SUCCESS) its_fit_fini(f);
  return st;
}

double its_quad_se(const double *g, const double *V, size_t k) {
  double v;
  return lintest_var(V, k, g, 1, &v) == GSL_SUCCESS ? sqrt(v) : NAN;
}
