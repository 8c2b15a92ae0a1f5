/* host/vcov.c -- sandwich covariance estimators V = B M B, B = (X'WX)^-1,
 * for OLS/WLS and GLMs: classical, HC0-HC3, cluster (CR1), Newey-West.
 * Formulas follow R sandwich 3.0 (vcovHC, vcovCL, NeweyWest) and Stata 17
 * (regress vce(robust|hc2|hc3|cluster), newey).  Pure C, no Lua; the meat
 * is accumulated in one pass over the rows, in cache-sized blocks. */
#include "vcov.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#define VBLOCK 256

int vcov_sandwich(const double *B, const double *M, size_t k, double *V) {
  /* V = B (M B): k^3, small.  Symmetrised so V is exactly symmetric. */
  double *t = malloc(k * k * sizeof *t);
  if (t == NULL) return GSL_ENOMEM;
  for (size_t a = 0; a < k; a++)
    for (size_t c = 0; c < k; c++) {
      double s = 0;
      for (size_t l = 0; l < k; l++) s += M[a + l * k] * B[l + c * k];
      t[a + c * k] = s;
    }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s1 = 0, s2 = 0;
      for (size_t l = 0; l < k; l++) {
        s1 += B[a + l * k] * t[l + c * k];
        s2 += B[c + l * k] * t[l + a * k];
      }
      V[a + c * k] = V[c + a * k] = 0.5 * (s1 + s2);
    }
  free(t);
  return GSL_SUCCESS;
}

/* Rows i0..i0+m-1 of the design in the basis used for the meat, into
 * out[i + a*VBLOCK]: x_ia itself, or q_ia = sum_{l<=a} x_il rinv_la. */
static void design_block(const struct vcov_data *d, size_t i0, size_t m, double *out) {
  const size_t n = d->n, k = d->k;
  for (size_t a = 0; a < k; a++) {
    double *oa = out + a * VBLOCK;
    if (d->rinv == NULL) {
      memcpy(oa, d->X + a * n + i0, m * sizeof *oa);
      continue;
    }
    for (size_t i = 0; i < m; i++) oa[i] = 0;
    for (size_t l = 0; l <= a; l++) {
      const double *xl = d->X + l * n + i0;
      double r = d->rinv[l + a * k];
      for (size_t i = 0; i < m; i++) oa[i] += xl[i] * r;
    }
  }
}

/* V = R^-1 M R^-T (rinv upper triangular) or xtxi M xtxi. */
static int finish_sandwich(const struct vcov_data *d, const double *M, double *V) {
  const size_t k = d->k;
  if (d->rinv == NULL) return vcov_sandwich(d->xtxi, M, k, V);
  double *t = malloc(k * k * sizeof *t);
  if (t == NULL) return GSL_ENOMEM;
  for (size_t a = 0; a < k; a++)           /* t = M R^-T:  t_ac = sum_l M_al rinv_cl */
    for (size_t c = 0; c < k; c++) {
      double s = 0;
      for (size_t l = c; l < k; l++) s += M[a + l * k] * d->rinv[c + l * k];
      t[a + c * k] = s;
    }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s = 0;
      for (size_t l = a; l < k; l++) s += d->rinv[a + l * k] * t[l + c * k];
      V[a + c * k] = V[c + a * k] = s;
    }
  free(t);
  return GSL_SUCCESS;
}

/* M += sum_i omega_i x_i x_i' over all rows, blockwise: the weighted block
 * omega_i x_ia is formed once, then each (a, c) pair is a contiguous dot. */
static int meat_diag(const struct vcov_data *d, const double *omega, double *M) {
  const size_t n = d->n, k = d->k;
  double *xb = malloc(2 * VBLOCK * k * sizeof *xb);
  if (xb == NULL) return GSL_ENOMEM;
  double *blk = xb + VBLOCK * k;
  memset(M, 0, k * k * sizeof *M);
  for (size_t i0 = 0; i0 < n; i0 += VBLOCK) {
    size_t m = n - i0 < VBLOCK ? n - i0 : VBLOCK;
    design_block(d, i0, m, xb);
    for (size_t a = 0; a < k; a++) {
      const double *xa = xb + a * VBLOCK;
      double *ba = blk + a * VBLOCK;
      for (size_t i = 0; i < m; i++) ba[i] = omega[i0 + i] * xa[i];
    }
    for (size_t a = 0; a < k; a++) {
      const double *xa = xb + a * VBLOCK;
      for (size_t c = a; c < k; c++) {
        const double *bc = blk + c * VBLOCK;
        double s0 = 0, s1 = 0;
        size_t i = 0;
        for (; i + 2 <= m; i += 2) {
          s0 += xa[i] * bc[i];
          s1 += xa[i + 1] * bc[i + 1];
        }
        if (i < m) s0 += xa[i] * bc[i];
        M[a + c * k] += s0 + s1;
      }
    }
  }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a + 1; c < k; c++) M[c + a * k] = M[a + c * k];
  free(xb);
  return GSL_SUCCESS;
}

/* Classical: V = sigma^2 (X'WX)^-1. */
int vcov_classical(const struct vcov_data *d, double sigma2, double *V) {
  for (size_t i = 0; i < d->k * d->k; i++) V[i] = sigma2 * d->xtxi[i];
  return GSL_SUCCESS;
}

/* HC: M = sum_i omega_i x_i x_i' with u_i = w_i e_i and
 *   HC0  omega_i = u_i^2                       (White 1980)
 *   HC1  omega_i = u_i^2 n/(n-k)               (Stata vce(robust))
 *   HC2  omega_i = u_i^2 / (1 - h_i)           (Stata vce(hc2))
 *   HC3  omega_i = u_i^2 / (1 - h_i)^2         (Stata vce(hc3), MacKinnon-White)
 * sandwich::vcovHC's meatHC computes exactly these with h = hatvalues(fit). */
int vcov_hc(const struct vcov_data *d, enum vcov_hc type, double *V) {
  const size_t n = d->n, k = d->k;
  if ((type == VCOV_HC2 || type == VCOV_HC3) && d->hat == NULL) return GSL_EINVAL;
  double *omega = malloc(n * sizeof *omega), *M = malloc(k * k * sizeof *M);
  int st = GSL_ENOMEM;
  if (omega == NULL || M == NULL) goto done;
  for (size_t i = 0; i < n; i++) {
    double u = (d->w != NULL ? d->w[i] : 1) * d->e[i];
    double om = u * u;
    if (type == VCOV_HC2 || type == VCOV_HC3) {
      double q = 1 - d->hat[i];
      if (!(q > 0)) {
        st = GSL_EDOM;
        goto done;
      }
      om /= type == VCOV_HC2 ? q : q * q;
    }
    omega[i] = om;
  }
  st = meat_diag(d, omega, M);
  if (st == GSL_SUCCESS) st = finish_sandwich(d, M, V);
  if (st != GSL_SUCCESS) goto done;
  if (type == VCOV_HC1) {
    double f = (double)n / ((double)n - (double)k);
    for (size_t i = 0; i < k * k; i++) V[i] *= f;
  }
done:
  free(omega);
  free(M);
  return st;
}

/* Cluster: U_g = sum_{i in g} w_i e_i x_i, M = sum_g U_g U_g', and
 *   V = c B M B,  c = G/(G-1) [ (n-1)/(n-k) if df_adjust ].
 * (Stata's regress manual, "Methods and formulas"; sandwich::meatCL with
 * cadjust = TRUE, type HC1 or HC0.) */
int vcov_cluster(const struct vcov_data *d, const size_t *cluster, size_t G, int df_adjust,
                 double *V) {
  const size_t n = d->n, k = d->k;
  if (G < 2) return GSL_EINVAL;
  double *U = calloc(G * k, sizeof *U), *M = calloc(k * k, sizeof *M);
  double *xb = malloc(VBLOCK * k * sizeof *xb);
  int st = GSL_ENOMEM;
  if (U == NULL || M == NULL || xb == NULL) goto done;
  for (size_t i0 = 0; i0 < n; i0 += VBLOCK) {
    size_t m = n - i0 < VBLOCK ? n - i0 : VBLOCK;
    design_block(d, i0, m, xb);
    for (size_t i = 0; i < m; i++) {
      double u = (d->w != NULL ? d->w[i0 + i] : 1) * d->e[i0 + i];
      double *ug = U + cluster[i0 + i] * k;
      for (size_t a = 0; a < k; a++) ug[a] += u * xb[i + a * VBLOCK];
    }
  }
  for (size_t g = 0; g < G; g++) {
    const double *ug = U + g * k;
    for (size_t a = 0; a < k; a++)
      for (size_t c = a; c < k; c++) M[a + c * k] += ug[a] * ug[c];
  }
  for (size_t a = 0; a < k; a++)
    for (size_t c = a + 1; c < k; c++) M[c + a * k] = M[a + c * k];
  st = finish_sandwich(d, M, V);
  if (st != GSL_SUCCESS) goto done;
  double dg = (double)G, dn = (double)n, dk = (double)k;
  double f = dg / (dg - 1) * (df_adjust ? (dn - 1) / (dn - dk) : 1);
  for (size_t i = 0; i < k * k; i++) V[i] *= f;
  st = GSL_SUCCESS;
done:
  free(U);
  free(M);
  free(xb);
  return st;
}

/* Newey-West: with psi_t = w_t e_t x_t in time order,
 *   M = n/(n-k) [ sum_t psi_t psi_t'
 *                 + sum_{l=1}^{L} (1 - l/(L+1)) sum_{t=l+1}^{n} (psi_t psi_{t-l}' + psi_{t-l} psi_t') ]
 * and V = B M B.  This is Stata newey's X'Omega X (its manual writes the
 * n/(n-k) on both terms) and sandwich's meatHAC with Bartlett weights,
 * prewhite = FALSE, times adjust = TRUE's n/(n-k). */
int vcov_hac(const struct vcov_data *d, size_t lag, double *V) {
  const size_t n = d->n, k = d->k;
  if (lag >= n) return GSL_EINVAL;
  double *P = malloc(n * k * sizeof *P), *M = calloc(k * k, sizeof *M);
  double *xb = malloc(VBLOCK * k * sizeof *xb);
  int st = GSL_ENOMEM;
  if (P == NULL || M == NULL || xb == NULL) goto done;
  for (size_t i0 = 0; i0 < n; i0 += VBLOCK) {
    size_t m = n - i0 < VBLOCK ? n - i0 : VBLOCK;
    design_block(d, i0, m, xb);
    for (size_t a = 0; a < k; a++)
      for (size_t i = 0; i < m; i++)
        P[i0 + i + a * n] = (d->w != NULL ? d->w[i0 + i] : 1) * d->e[i0 + i] * xb[i + a * VBLOCK];
  }
  for (size_t l = 0; l <= lag; l++) {
    double wl = 1 - (double)l / ((double)lag + 1);
    for (size_t a = 0; a < k; a++)
      for (size_t c = 0; c < k; c++) {
        const double *pa = P + a * n, *pc = P + c * n;
        double s = 0;
        for (size_t t = l; t < n; t++) s += pa[t] * pc[t - l];   /* Gamma_l[a, c] */
        if (l == 0) {
          M[a + c * k] += s;
        } else {
          M[a + c * k] += wl * s;
          M[c + a * k] += wl * s;
        }
      }
  }
  st = finish_sandwich(d, M, V);
  if (st != GSL_SUCCESS) goto done;
  double f = (double)n / ((double)n - (double)k);
  for (size_t i = 0; i < k * k; i++) V[i] *= f;
done:
  free(P);
  free(M);
  free(xb);
  return st;
}
