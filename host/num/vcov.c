/* host/num/vcov.c -- sandwich covariance estimators V = B M B, B = (X'WX)^-1,
 * for OLS/WLS and GLMs: classical, HC0-HC3, cluster (CR1), Newey-West.
 * Formulas follow R sandwich 3.0 (vcovHC, vcovCL, NeweyWest) and Stata 17
 * (regress vce(robust|hc2|hc3|cluster), newey).  Pure C, no Lua; the meat
 * is accumulated in one pass over the rows, in cache-sized blocks. */
#include "vcov.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chunks.h"
#include "cols.h"
#include "qr.h"
#include "simd.h"

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

/* Rows i0..i0+m-1 of column a of the design: the matrix's own, or the
 * column read in place (converted into buf when it is not float64). */
static const double *design_col(const struct vcov_data *d, size_t a, size_t i0, size_t m,
                                double *buf) {
  if (d->X != NULL) return d->X + a * d->n + i0;
  return cols_block(&d->cols[a], 0, i0, m, buf);
}

/* Rows i0..i0+m-1 of the design into out[i + a*VBLOCK]: x_ia itself (q 0),
 * or (q 1, with rinv) q_ia = sum_{l<=a} x_il rinv_la. */
static void design_block(const struct vcov_data *d, size_t i0, size_t m, int q, double *out) {
  const size_t k = d->k;
  double cv[VBLOCK];
  for (size_t a = 0; a < k; a++) {
    double *oa = out + a * VBLOCK;
    if (!q || d->rinv == NULL) {
      const double *x = design_col(d, a, i0, m, cv);
      memcpy(oa, x, m * sizeof *oa);
      continue;
    }
    for (size_t i = 0; i < m; i++) oa[i] = 0;
    for (size_t l = 0; l <= a; l++) {
      const double *xl = design_col(d, l, i0, m, cv);
      double r = d->rinv[l + a * k];
      for (size_t i = 0; i < m; i++) oa[i] += xl[i] * r;
    }
  }
}

/* The scores psi_i = w_i e_i x_i (x_i as design_block gives it) of the
 * block of up to VBLOCK rows from i0, laid out in out as design_block's;
 * returns the block's rows.  The cluster and HAC meats sum their products. */
static size_t psi_block(const struct vcov_data *d, size_t i0, size_t end, int q, double *out) {
  size_t m = end - i0 < VBLOCK ? end - i0 : VBLOCK;
  double u[VBLOCK];
  design_block(d, i0, m, q, out);
  for (size_t i = 0; i < m; i++) u[i] = (d->w != NULL ? d->w[i0 + i] : 1) * d->e[i0 + i];
  for (size_t a = 0; a < d->k; a++)
    for (size_t i = 0; i < m; i++) out[i + a * VBLOCK] = u[i] * out[i + a * VBLOCK];
  return m;
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

int vcov_from_meat(const struct vcov_data *d, const double *M, double f, double *V) {
  if (d->rinv == NULL) return GSL_EINVAL;
  int st = finish_sandwich(d, M, V);
  if (st == GSL_SUCCESS)
    for (size_t i = 0; i < d->k * d->k; i++) V[i] *= f;
  return st;
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
 * sandwich::vcovHC's meatHC computes exactly these with h = hatvalues(fit).
 *
 * The meat is never summed as outer products: M = X' Omega X = R_w' R_w
 * where R_w is the triangle of the Householder QR of the rows
 * sqrt(omega_i) x_i, reduced by the same blocked TSQR as the fit, chunk by
 * chunk on threads (chunks.h): one pass over X at the speed of the fit,
 * and no squaring of the scaled rows.  In the basis of the fit's R,
 * M_q = R^-T M R^-1 = G'G with G = R_w R^-1, and V = R^-1 M_q R^-T. */
struct hc_chunk {
  const struct vcov_data *d;
  enum vcov_hc type;
  size_t lo, hi;
  struct qr_acc *q;
  int bad;                 /* a leverage of 1 (HC2, HC3) */
};

static int hc_chunk(void *arg) {
  struct hc_chunk *p = arg;
  const struct vcov_data *d = p->d;
  const size_t n = d->n, k = d->k, B = QR_BLOCK;
  double s[QR_BLOCK], cv[QR_BLOCK];
  qr_reset(p->q);
  p->bad = 0;
  for (size_t i0 = p->lo; i0 < p->hi; i0 += B) {
    size_t m = p->hi - i0 < B ? p->hi - i0 : B;
    for (size_t i = 0; i < m; i++) {
      size_t r = i0 + i;
      double u = fabs((d->w != NULL ? d->w[r] : 1) * d->e[r]);
      if (p->type == VCOV_HC2 || p->type == VCOV_HC3) {
        double q = 1 - d->hat[r];
        if (!(q > 0)) {
          p->bad = 1;
          return 0;
        }
        u = p->type == VCOV_HC2 ? u / sqrt(q) : u / q;
      }
      s[i] = u;
    }
    for (size_t j = 0; j < k; j++) {
      if (d->X != NULL) simd_prefetch(d->X + j * n, n, i0, m);
      else cols_prefetch(&d->cols[j], n, i0, m);
      qr_put(p->q, j, design_col(d, j, i0, m, cv), s, 1, m);
    }
    qr_absorb(p->q, m);
  }
  return 0;
}

int vcov_hc(const struct vcov_data *d, enum vcov_hc type, double *V) {
  const size_t n = d->n, k = d->k, nc = chunks_count(n);
  if ((type == VCOV_HC2 || type == VCOV_HC3) && d->hat == NULL) return GSL_EINVAL;
  struct qr_acc *q = calloc(nc, sizeof *q);
  struct hc_chunk *pt = malloc(nc * sizeof *pt);
  double *M = malloc(k * k * sizeof *M), *G = malloc(k * k * sizeof *G);
  int st = GSL_ENOMEM;
  if (q == NULL || pt == NULL || M == NULL || G == NULL) goto done;
  if (qr_init(q, nc, k) != GSL_SUCCESS) goto done;
  for (size_t c = 0; c < nc; c++) {
    struct hc_chunk z = {d, type, n * c / nc, n * (c + 1) / nc, &q[c], 0};
    pt[c] = z;
  }
  chunks_run(hc_chunk, pt, sizeof *pt, nc);
  st = GSL_EDOM;
  for (size_t c = 0; c < nc; c++)
    if (pt[c].bad) goto done;
  for (size_t c = 1; c < nc; c++) qr_merge(&q[0], &q[c]);
  const double *Rw = q[0].R;
  if (d->rinv != NULL) {
    /* G = R_w R^-1, upper triangular: G_ac = sum_{a<=l<=c} Rw_al rinv_lc. */
    for (size_t c = 0; c < k; c++)
      for (size_t a = 0; a < k; a++) {
        double t = 0;
        for (size_t l = a; l <= c; l++) t += Rw[a + l * k] * d->rinv[l + c * k];
        G[a + c * k] = a <= c ? t : 0;
      }
  } else {
    memcpy(G, Rw, k * k * sizeof *G);
  }
  /* M = G'G: M_ac = sum_{l <= min(a, c)} G_la G_lc. */
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double t = 0;
      for (size_t l = 0; l <= a; l++) t += G[l + a * k] * G[l + c * k];
      M[a + c * k] = M[c + a * k] = t;
    }
  st = finish_sandwich(d, M, V);
  if (st != GSL_SUCCESS) goto done;
  if (type == VCOV_HC1) {
    double f = (double)n / ((double)n - (double)k);
    for (size_t i = 0; i < k * k; i++) V[i] *= f;
  }
done:
  if (q != NULL) qr_fini(q, nc);
  free(q);
  free(pt);
  free(M);
  free(G);
  return st;
}

/* Cluster: U_g = sum_{i in g} w_i e_i x_i, M = sum_g U_g U_g', and
 *   V = c B M B,  c = G/(G-1) [ (n-1)/(n-k) if df_adjust ].
 * With rinv the sums are taken on the rows x_i as they are and each U_g
 * then turned into the basis of the fit's R, R^-T U_g (k^2/2 per cluster
 * instead of per row: the same rounding order of magnitude, the q_i of
 * each row carrying the same cancellation), M = sum_g (R^-T U_g)(R^-T U_g)'
 * and V = c R^-1 M R^-T.
 * (Stata's regress manual, "Methods and formulas"; sandwich::meatCL with
 * cadjust = TRUE, type HC1 or HC0.)  One pass over the rows in the fixed
 * chunks of chunks.h, each with its own U (added together in chunk order),
 * when those U take at most CL_CHUNKED_MAX doubles; else one chunk.  The
 * choice depends on n, k and G only, so the bytes do not depend on the
 * threads. */
#define CL_CHUNKED_MAX ((size_t)1 << 22)

struct cl_chunk {
  const struct vcov_data *d;
  const size_t *cluster;
  size_t lo, hi;
  double *U;              /* G x k, this chunk's sums */
  int nomem;
};

static int cl_chunk_run(void *arg) {
  struct cl_chunk *p = arg;
  const size_t k = p->d->k;
  double *xb = malloc(VBLOCK * k * sizeof *xb);
  if (xb == NULL) {
    p->nomem = 1;
    return 0;
  }
  for (size_t i0 = p->lo; i0 < p->hi; i0 += VBLOCK) {
    size_t m = psi_block(p->d, i0, p->hi, 0, xb);
    for (size_t i = 0; i < m; i++) {
      double *ug = p->U + p->cluster[i0 + i] * k;
      for (size_t a = 0; a < k; a++) ug[a] += xb[i + a * VBLOCK];
    }
  }
  free(xb);
  return 0;
}

int vcov_cluster(const struct vcov_data *d, const size_t *cluster, size_t G, int df_adjust,
                 double *V) {
  const size_t n = d->n, k = d->k;
  if (G < 2) return GSL_EINVAL;
  size_t nc = chunks_count(n);
  if (nc * G * k > CL_CHUNKED_MAX) nc = 1;
  double *U = calloc(nc * G * k, sizeof *U), *M = calloc(k * k, sizeof *M);
  struct cl_chunk *pt = malloc(nc * sizeof *pt);
  int st = GSL_ENOMEM;
  if (U == NULL || M == NULL || pt == NULL) goto done;
  for (size_t c = 0; c < nc; c++) {
    struct cl_chunk z = {d, cluster, n * c / nc, n * (c + 1) / nc, U + c * G * k, 0};
    pt[c] = z;
  }
  chunks_run(cl_chunk_run, pt, sizeof *pt, nc);
  for (size_t c = 0; c < nc; c++)
    if (pt[c].nomem) goto done;
  for (size_t c = 1; c < nc; c++)
    for (size_t i = 0; i < G * k; i++) U[i] += U[c * G * k + i];
  for (size_t g = 0; g < G; g++) {
    double *ug = U + g * k;
    if (d->rinv != NULL)
      for (size_t a = k; a-- > 0;) {            /* in place, last first: ug_a = sum_{l<=a} rinv_la ug_l */
        double t = 0;
        for (size_t l = 0; l <= a; l++) t += d->rinv[l + a * k] * ug[l];
        ug[a] = t;
      }
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
  free(pt);
  return st;
}

/* ===== Cluster numbers =====
 * One pass: each value's bits (with -0 taken as +0) in an open-addressing
 * table of the distinct values, grown at half full; each row gets its
 * value's first-seen number.  Then the G distinct values are sorted and
 * the first-seen numbers replaced by ranks. */

static int cmp_dist(const void *a, const void *b) {
  const double *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

static size_t hash_slot(uint64_t bits, unsigned shift) {
  return (size_t)((bits * UINT64_C(0x9E3779B97F4A7C15)) >> shift);
}

int vcov_cluster_ids(const double *v, size_t n, size_t *id, size_t *G) {
  unsigned shift = 64 - 8;
  size_t nslot = (size_t)1 << 8, nd = 0, capd = 64;
  size_t *slot = malloc(nslot * sizeof *slot);           /* distinct number + 1, 0: empty */
  double *dv = malloc(capd * sizeof *dv);                /* distinct values, first seen first */
  int st = GSL_ENOMEM;
  if (slot == NULL || dv == NULL) goto done;
  memset(slot, 0, nslot * sizeof *slot);
  for (size_t i = 0; i < n; i++) {
    double x = v[i] == 0 ? 0.0 : v[i];
    if (!isfinite(x)) {
      st = GSL_EDOM;
      goto done;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    size_t s = hash_slot(bits, shift);
    while (slot[s] != 0 && dv[slot[s] - 1] != x) s = (s + 1) & (nslot - 1);
    if (slot[s] == 0) {
      if (2 * (nd + 1) > nslot) {                        /* grow and rehash */
        size_t *ns = calloc(2 * nslot, sizeof *ns);
        if (ns == NULL) goto done;
        free(slot);
        slot = ns;
        nslot *= 2;
        shift--;
        for (size_t d = 0; d < nd; d++) {
          uint64_t b;
          memcpy(&b, &dv[d], sizeof b);
          size_t t = hash_slot(b, shift);
          while (slot[t] != 0) t = (t + 1) & (nslot - 1);
          slot[t] = d + 1;
        }
        s = hash_slot(bits, shift);
        while (slot[s] != 0) s = (s + 1) & (nslot - 1);
      }
      if (nd == capd) {
        double *nv = realloc(dv, 2 * capd * sizeof *nv);
        if (nv == NULL) goto done;
        dv = nv;
        capd *= 2;
      }
      dv[nd++] = x;
      slot[s] = nd;
    }
    id[i] = slot[s] - 1;
  }
  /* (value, first-seen number) pairs sorted by value give the ranks. */
  double *pr = malloc((2 * nd + 1) * sizeof *pr);
  size_t *rank = malloc((nd + 1) * sizeof *rank);
  if (pr == NULL || rank == NULL) {
    free(pr);
    free(rank);
    goto done;
  }
  for (size_t d = 0; d < nd; d++) {
    pr[2 * d] = dv[d];
    pr[2 * d + 1] = (double)d;
  }
  qsort(pr, nd, 2 * sizeof *pr, cmp_dist);
  for (size_t r = 0; r < nd; r++) rank[(size_t)pr[2 * r + 1]] = r;
  for (size_t i = 0; i < n; i++) id[i] = rank[id[i]];
  free(pr);
  free(rank);
  *G = nd;
  st = GSL_SUCCESS;
done:
  free(slot);
  free(dv);
  return st;
}

/* Newey-West: with psi_t = w_t e_t x_t in time order,
 *   M = n/(n-k) [ sum_t psi_t psi_t'
 *                 + sum_{l=1}^{L} (1 - l/(L+1)) sum_{t=l+1}^{n} (psi_t psi_{t-l}' + psi_{t-l} psi_t') ]
 * and V = B M B.  This is Stata newey's X'Omega X (its manual writes the
 * n/(n-k) on both terms) and sandwich's meatHAC with Bartlett weights,
 * prewhite = FALSE, times adjust = TRUE's n/(n-k).
 * The scores stream by a block of rows at a time, the last L + 1 of them
 * in a ring, and each Gamma_l[a, c] = sum_t psi_t[a] psi_{t-l}[c] is summed
 * over t in order as they pass: no n x k copy of the scores. */
int vcov_hac(const struct vcov_data *d, size_t lag, double *V) {
  const size_t n = d->n, k = d->k, L1 = lag + 1;
  if (lag >= n) return GSL_EINVAL;
  double *Gm = calloc(L1 * k * k, sizeof *Gm), *ring = malloc(L1 * k * sizeof *ring);
  double *M = calloc(k * k, sizeof *M), *xb = malloc(VBLOCK * k * sizeof *xb);
  int st = GSL_ENOMEM;
  if (Gm == NULL || ring == NULL || M == NULL || xb == NULL) goto done;
  for (size_t i0 = 0, slot = 0; i0 < n; i0 += VBLOCK) {
    size_t m = psi_block(d, i0, n, 1, xb);
    for (size_t i = 0; i < m; i++, slot = slot + 1 == L1 ? 0 : slot + 1) {
      size_t t = i0 + i;
      double *pt = ring + slot * k;      /* psi_t; psi_{t-l} is l slots back */
      for (size_t a = 0; a < k; a++) pt[a] = xb[i + a * VBLOCK];
      size_t top = t < lag ? t : lag;
      for (size_t l = 0, s = slot; l <= top; l++, s = s == 0 ? L1 - 1 : s - 1) {
        const double *pl = ring + s * k;
        double *g = Gm + l * k * k;
        for (size_t c = 0; c < k; c++)
          for (size_t a = 0; a < k; a++) g[a + c * k] += pt[a] * pl[c];
      }
    }
  }
  for (size_t l = 0; l <= lag; l++) {
    double wl = 1 - (double)l / ((double)lag + 1);
    for (size_t a = 0; a < k; a++)
      for (size_t c = 0; c < k; c++) {
        double s = Gm[l * k * k + a + c * k];   /* Gamma_l[a, c] */
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
  free(Gm);
  free(ring);
  free(M);
  free(xb);
  return st;
}
