/* host/num/ols.c -- OLS and WLS by Householder QR of sqrt(W)[X y] with exact
 * power-of-two column scaling, accumulated block by block (TSQR, LAPACK
 * dtpqrt's structured reflectors); rank deficiency by R's lm() test
 * (dqrdc2, tol 1e-7).  The normal equations are never formed.  Pure C, GSL
 * for the F law only.  Bound to Lua by host/bind/lmodel.c. */
#include "ols.h"

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* ===== Kernels =====
 * Block columns are LINREG_BLOCK long (a multiple of 4) and 32-byte
 * aligned.  Every dot product over a block column sums in four lanes --
 * rows 0 mod 4 and 1 mod 4 in one register, 2 and 3 mod 4 in another --
 * combined as (l0 + l1) + (l2 + l3): the adds need not wait on one another,
 * and the order is fixed. */

typedef linreg_v2 v2;
#define LB LINREG_BLOCK

static inline v2 ld2(const double *p) {
  v2 v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void st2(double *p, v2 v) { memcpy(p, &v, sizeof v); }
static inline v2 splat(double x) { return (v2){x, x}; }
static inline double lanes(v2 a, v2 b) { return (a[0] + a[1]) + (b[0] + b[1]); }

/* d[c] = b_0 . b_c, and ss[c] += b_c . b_c, for every column c. */
static void dots_first(const double *B, size_t K, double *d, double *ss) {
  for (size_t c = 0; c < K; c++) {
    const double *bc = B + c * LB;
    v2 a = {0, 0}, e = a, s = a, t = a;
    for (size_t i = 0; i < LB; i += 4) {
      v2 x = ld2(bc + i), y = ld2(bc + i + 2);
      a += ld2(B + i) * x;
      e += ld2(B + i + 2) * y;
      s += x * x;
      t += y * y;
    }
    d[c] = lanes(a, e);
    ss[c] += lanes(s, t);
  }
}

/* d[c] = b_j . b_c for c >= j. */
static void dots_from(const double *B, size_t j, size_t K, double *d) {
  const double *bj = B + j * LB;
  for (size_t c = j; c < K; c++) {
    const double *bc = B + c * LB;
    v2 a = {0, 0}, e = a;
    for (size_t i = 0; i < LB; i += 4) {
      a += ld2(bj + i) * ld2(bc + i);
      e += ld2(bj + i + 2) * ld2(bc + i + 2);
    }
    d[c] = lanes(a, e);
  }
}

/* The sweeps apply reflector j to later columns, b_c -= ws_c b_j, and in
 * the same pass form the dot products the next reflector needs,
 * d_c = b_{j+1} . b_c with the updated values: one pass over the block per
 * reflector instead of two.  First column j+1 itself (its squared norm is
 * the next sigma), then the others in groups of 4, 2 and 1 against the
 * updated b_{j+1}. */
static double sweep_next(const double *bj, double *bn, double ws) {
  v2 W = splat(ws), a = {0, 0}, e = a;
  for (size_t i = 0; i < LB; i += 4) {
    v2 x = ld2(bn + i) - W * ld2(bj + i), y = ld2(bn + i + 2) - W * ld2(bj + i + 2);
    st2(bn + i, x);
    st2(bn + i + 2, y);
    a += x * x;
    e += y * y;
  }
  return lanes(a, e);
}

static void sweep4(const double *bj, const double *bn, double *p, const double *ws,
                   double *d) {
  double *p1 = p + LB, *p2 = p1 + LB, *p3 = p2 + LB;
  v2 W0 = splat(ws[0]), W1 = splat(ws[1]), W2 = splat(ws[2]), W3 = splat(ws[3]);
  v2 a0 = {0, 0}, a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
  for (size_t i = 0; i < LB; i += 4) {
    v2 v = ld2(bj + i), u = ld2(bj + i + 2), g = ld2(bn + i), h = ld2(bn + i + 2);
    v2 x0 = ld2(p + i) - W0 * v, y0 = ld2(p + i + 2) - W0 * u;
    v2 x1 = ld2(p1 + i) - W1 * v, y1 = ld2(p1 + i + 2) - W1 * u;
    v2 x2 = ld2(p2 + i) - W2 * v, y2 = ld2(p2 + i + 2) - W2 * u;
    v2 x3 = ld2(p3 + i) - W3 * v, y3 = ld2(p3 + i + 2) - W3 * u;
    st2(p + i, x0);
    st2(p + i + 2, y0);
    st2(p1 + i, x1);
    st2(p1 + i + 2, y1);
    st2(p2 + i, x2);
    st2(p2 + i + 2, y2);
    st2(p3 + i, x3);
    st2(p3 + i + 2, y3);
    a0 += g * x0;
    e0 += h * y0;
    a1 += g * x1;
    e1 += h * y1;
    a2 += g * x2;
    e2 += h * y2;
    a3 += g * x3;
    e3 += h * y3;
  }
  d[0] = lanes(a0, e0);
  d[1] = lanes(a1, e1);
  d[2] = lanes(a2, e2);
  d[3] = lanes(a3, e3);
}

static void sweep2(const double *bj, const double *bn, double *p, const double *ws,
                   double *d) {
  double *p1 = p + LB;
  v2 W0 = splat(ws[0]), W1 = splat(ws[1]);
  v2 a0 = {0, 0}, a1 = a0, e0 = a0, e1 = a0;
  for (size_t i = 0; i < LB; i += 4) {
    v2 v = ld2(bj + i), u = ld2(bj + i + 2), g = ld2(bn + i), h = ld2(bn + i + 2);
    v2 x0 = ld2(p + i) - W0 * v, y0 = ld2(p + i + 2) - W0 * u;
    v2 x1 = ld2(p1 + i) - W1 * v, y1 = ld2(p1 + i + 2) - W1 * u;
    st2(p + i, x0);
    st2(p + i + 2, y0);
    st2(p1 + i, x1);
    st2(p1 + i + 2, y1);
    a0 += g * x0;
    e0 += h * y0;
    a1 += g * x1;
    e1 += h * y1;
  }
  d[0] = lanes(a0, e0);
  d[1] = lanes(a1, e1);
}

static void sweep1(const double *bj, const double *bn, double *p, const double *ws,
                   double *d) {
  v2 W0 = splat(ws[0]), a0 = {0, 0}, e0 = a0;
  for (size_t i = 0; i < LB; i += 4) {
    v2 x0 = ld2(p + i) - W0 * ld2(bj + i), y0 = ld2(p + i + 2) - W0 * ld2(bj + i + 2);
    st2(p + i, x0);
    st2(p + i + 2, y0);
    a0 += ld2(bn + i) * x0;
    e0 += ld2(bn + i + 2) * y0;
  }
  d[0] = lanes(a0, e0);
}

/* The same kernels four rows per instruction, for x86-64 processors with
 * AVX2 (chosen at run time, linreg_qr_init): one 4-wide register holds
 * the lanes that two 2-wide registers hold above, and its sum is formed
 * as (l0 + l1) + (l2 + l3) again, with no fused multiply-add, so the
 * results are the same bytes as the 2-wide kernels'. */
#if defined(__GNUC__) && defined(__x86_64__)
#define LINREG_WIDE 1
#define WIDE __attribute__((target("avx2")))
typedef double v4 __attribute__((vector_size(32)));

WIDE static inline v4 ld4(const double *p) {
  v4 v;
  memcpy(&v, p, sizeof v);
  return v;
}
WIDE static inline void st4(double *p, v4 v) { memcpy(p, &v, sizeof v); }
WIDE static inline v4 splat4(double x) { return (v4){x, x, x, x}; }
WIDE static inline double lanes4(v4 a) { return (a[0] + a[1]) + (a[2] + a[3]); }

WIDE static void dots_first_w(const double *B, size_t K, double *d, double *ss) {
  for (size_t c = 0; c < K; c++) {
    const double *bc = B + c * LB;
    v4 a = {0, 0, 0, 0}, s = a;
    for (size_t i = 0; i < LB; i += 4) {
      v4 x = ld4(bc + i);
      a += ld4(B + i) * x;
      s += x * x;
    }
    d[c] = lanes4(a);
    ss[c] += lanes4(s);
  }
}

WIDE static void dots_from_w(const double *B, size_t j, size_t K, double *d) {
  const double *bj = B + j * LB;
  for (size_t c = j; c < K; c++) {
    const double *bc = B + c * LB;
    v4 a = {0, 0, 0, 0};
    for (size_t i = 0; i < LB; i += 4) a += ld4(bj + i) * ld4(bc + i);
    d[c] = lanes4(a);
  }
}

WIDE static double sweep_next_w(const double *bj, double *bn, double ws) {
  v4 W = splat4(ws), a = {0, 0, 0, 0};
  for (size_t i = 0; i < LB; i += 4) {
    v4 x = ld4(bn + i) - W * ld4(bj + i);
    st4(bn + i, x);
    a += x * x;
  }
  return lanes4(a);
}

WIDE static void sweep4_w(const double *bj, const double *bn, double *p, const double *ws,
                          double *d) {
  double *p1 = p + LB, *p2 = p1 + LB, *p3 = p2 + LB;
  v4 W0 = splat4(ws[0]), W1 = splat4(ws[1]), W2 = splat4(ws[2]), W3 = splat4(ws[3]);
  v4 a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < LB; i += 4) {
    v4 v = ld4(bj + i), g = ld4(bn + i);
    v4 x0 = ld4(p + i) - W0 * v, x1 = ld4(p1 + i) - W1 * v;
    v4 x2 = ld4(p2 + i) - W2 * v, x3 = ld4(p3 + i) - W3 * v;
    st4(p + i, x0);
    st4(p1 + i, x1);
    st4(p2 + i, x2);
    st4(p3 + i, x3);
    a0 += g * x0;
    a1 += g * x1;
    a2 += g * x2;
    a3 += g * x3;
  }
  d[0] = lanes4(a0);
  d[1] = lanes4(a1);
  d[2] = lanes4(a2);
  d[3] = lanes4(a3);
}

WIDE static void sweep2_w(const double *bj, const double *bn, double *p, const double *ws,
                          double *d) {
  double *p1 = p + LB;
  v4 W0 = splat4(ws[0]), W1 = splat4(ws[1]), a0 = {0, 0, 0, 0}, a1 = a0;
  for (size_t i = 0; i < LB; i += 4) {
    v4 v = ld4(bj + i), g = ld4(bn + i);
    v4 x0 = ld4(p + i) - W0 * v, x1 = ld4(p1 + i) - W1 * v;
    st4(p + i, x0);
    st4(p1 + i, x1);
    a0 += g * x0;
    a1 += g * x1;
  }
  d[0] = lanes4(a0);
  d[1] = lanes4(a1);
}

WIDE static void sweep1_w(const double *bj, const double *bn, double *p, const double *ws,
                          double *d) {
  v4 W0 = splat4(ws[0]), a0 = {0, 0, 0, 0};
  for (size_t i = 0; i < LB; i += 4) {
    v4 x0 = ld4(p + i) - W0 * ld4(bj + i);
    st4(p + i, x0);
    a0 += ld4(bn + i) * x0;
  }
  d[0] = lanes4(a0);
}
#endif

/* The kernels one accumulator uses. */
struct kernels {
  void (*dots_first)(const double *B, size_t K, double *d, double *ss);
  void (*dots_from)(const double *B, size_t j, size_t K, double *d);
  double (*sweep_next)(const double *bj, double *bn, double ws);
  void (*sweep4)(const double *bj, const double *bn, double *p, const double *ws, double *d);
  void (*sweep2)(const double *bj, const double *bn, double *p, const double *ws, double *d);
  void (*sweep1)(const double *bj, const double *bn, double *p, const double *ws, double *d);
};

static const struct kernels NARROW = {dots_first, dots_from, sweep_next, sweep4, sweep2, sweep1};
#ifdef LINREG_WIDE
static const struct kernels WIDE4 = {dots_first_w, dots_from_w, sweep_next_w,
                                     sweep4_w,     sweep2_w,    sweep1_w};
#endif

static const struct kernels *pick_kernels(void) {
#ifdef LINREG_WIDE
  if (__builtin_cpu_supports("avx2")) return &WIDE4;
#endif
  return &NARROW;
}

int linreg_qr_wide(struct linreg_qr *q, int wide) {
  q->kern = wide ? pick_kernels() : &NARROW;
  return q->kern != &NARROW;
}

/* ===== The blocked QR accumulator ===== */

int linreg_qr_init(struct linreg_qr *q, size_t count, size_t k) {
  /* One allocation for all: per accumulator the block (first, so that it
   * is 64-byte aligned and no vector load splits a cache line), then R,
   * ss and work, the whole rounded up to 64 bytes.  A fit makes one
   * accumulator per chunk, and many small blocks scattered among the
   * large arrays would change how the allocator reuses those. */
  size_t each = (LB * k + k * k + 4 * k + 7) / 8 * 8;
  double *mem = count > 0 ? aligned_alloc(64, count * each * sizeof *mem) : NULL;
  for (size_t c = 0; c < count; c++) {
    double *b = mem != NULL ? mem + c * each : NULL;
    q[c].k = k;
    q[c].nrows = 0;
    q[c].blk = b;
    q[c].R = b != NULL ? b + LB * k : NULL;
    q[c].ss = b != NULL ? q[c].R + k * k : NULL;
    q[c].work = b != NULL ? q[c].ss + k : NULL;
    q[c].kern = pick_kernels();
    if (b != NULL) memset(q[c].R, 0, (k * k + k) * sizeof *b);
  }
  return mem != NULL ? GSL_SUCCESS : GSL_ENOMEM;
}

void linreg_qr_fini(struct linreg_qr *q, size_t count) {
  if (count > 0) free(q[0].blk);
  for (size_t c = 0; c < count; c++) q[c].R = q[c].ss = q[c].blk = q[c].work = NULL;
}

void linreg_qr_reset(struct linreg_qr *q) {
  memset(q->R, 0, q->k * q->k * sizeof *q->R);
  memset(q->ss, 0, q->k * sizeof *q->ss);
  q->nrows = 0;
}

/* Householder reflector per column j of the stack [R; B] (dlarfg):
 * x = (R_jj, B_0j .. B_{m-1}j) (R is zero below its diagonal, and earlier
 * reflectors zeroed B's columns 0..j-1), sigma = ||B_.j||^2,
 * beta = -sign(R_jj) ||x||, tau = (beta - R_jj)/beta,
 * v = (1, B_.j/(R_jj - beta)); H = I - tau v v' maps x to (beta, 0...).
 * Applied to a later column c: w_c = tau (R_jc + v'B_.c), R_jc -= w_c,
 * B_.c -= w_c v.  v is never stored: v'B_.c = scal (B_.j . B_.c) with
 * scal = 1/(R_jj - beta), and B_.c -= (w_c scal) B_.j, so every dot
 * product step j needs was formed by the sweep of step j - 1. */
void linreg_qr_absorb(struct linreg_qr *q, size_t m) {
  const size_t K = q->k;
  const struct kernels *kn = q->kern;
  double *R = q->R, *B = q->blk, *d = q->work, *ws = q->work + K;
  /* Pad a short block with zero rows, which change nothing, so that every
   * loop runs exactly LB times. */
  if (m < LB)
    for (size_t j = 0; j < K; j++) memset(B + j * LB + m, 0, (LB - m) * sizeof *B);
  kn->dots_first(B, K, d, q->ss);
  for (size_t j = 0; j < K; j++) {
    double sigma = d[j];
    if (sigma == 0) {                 /* block column already zero: H = I */
      if (j + 1 < K) kn->dots_from(B, j + 1, K, d);
      continue;
    }
    double alpha = R[j + j * K];
    double nrm = sqrt(alpha * alpha + sigma);
    double beta = alpha > 0 ? -nrm : nrm;
    double tau = (beta - alpha) / beta;
    double scal = 1 / (alpha - beta);
    R[j + j * K] = beta;
    if (j + 1 == K) break;
    for (size_t c = j + 1; c < K; c++) {
      double wc = tau * (R[j + c * K] + scal * d[c]);
      R[j + c * K] -= wc;
      ws[c] = wc * scal;
    }
    const double *bj = B + j * LB;
    double *bn = B + (j + 1) * LB;
    d[j + 1] = kn->sweep_next(bj, bn, ws[j + 1]);
    size_t c = j + 2;
    for (; c + 4 <= K; c += 4) kn->sweep4(bj, bn, B + c * LB, ws + c, d + c);
    if (c + 2 <= K) {
      kn->sweep2(bj, bn, B + c * LB, ws + c, d + c);
      c += 2;
    }
    if (c < K) kn->sweep1(bj, bn, B + c * LB, ws + c, d + c);
  }
  q->nrows += m;
}

void linreg_qr_merge(struct linreg_qr *q0, const struct linreg_qr *q1) {
  const size_t K = q0->k;
  const double *R1 = q1->R;
  size_t nrows = q0->nrows + q1->nrows;
  /* The rows of R1 have the column sums of squares of q1's rows only up to
   * rounding: keep the sums of the rows actually fed. */
  double *ss = q0->work + 2 * K;
  for (size_t j = 0; j < K; j++) ss[j] = q0->ss[j] + q1->ss[j];
  for (size_t r0 = 0; r0 < K; r0 += LB) {
    size_t m = K - r0 < LB ? K - r0 : LB;
    for (size_t j = 0; j < K; j++)
      for (size_t i = 0; i < m; i++) q0->blk[i + j * LB] = r0 + i <= j ? R1[r0 + i + j * K] : 0;
    linreg_qr_absorb(q0, m);
  }
  memcpy(q0->ss, ss, K * sizeof *ss);
  q0->nrows = nrows;
}

size_t linreg_nchunks(size_t n) {
  size_t nc = (n + LINREG_CHUNK - 1) / LINREG_CHUNK;
  return nc < 1 ? 1 : (nc > LINREG_MAX_CHUNKS ? LINREG_MAX_CHUNKS : nc);
}

struct chunk_queue {
  int (*fn)(void *);
  void *const *arg;
  size_t nc;
  atomic_size_t next;
};

static int chunk_worker(void *p) {
  struct chunk_queue *cq = p;
  for (size_t c; (c = atomic_fetch_add(&cq->next, 1)) < cq->nc;) cq->fn(cq->arg[c]);
  return 0;
}

void linreg_run_chunks(int (*fn)(void *), void *const *arg, size_t nc) {
  if (nc <= 1) {
    if (nc == 1) fn(arg[0]);
    return;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nt = cpus > 1 ? (size_t)cpus : 1;
  nt = nt < nc ? nt : nc;
  nt = nt < LINREG_MAX_THREADS ? nt : LINREG_MAX_THREADS;
  struct chunk_queue cq = {fn, arg, nc, 0};
  atomic_init(&cq.next, 0);
  thrd_t th[LINREG_MAX_THREADS];
  int started[LINREG_MAX_THREADS] = {0};
  for (size_t t = 1; t < nt; t++)
    started[t] = thrd_create(&th[t], chunk_worker, &cq) == thrd_success;
  chunk_worker(&cq);
  for (size_t t = 1; t < nt; t++)
    if (started[t]) thrd_join(th[t], NULL);
}

double linreg_pow2_scale(double amax) {
  if (!(amax > 0) || !isfinite(amax)) return 1;
  int e;
  frexp(amax, &e);            /* amax = f 2^e, f in [0.5, 1) */
  return ldexp(1.0, -e);
}

/* Back substitution column by column: R rinv = I, both upper triangular. */
static void tri_inverse(const double *R, size_t ldr, size_t k, double *rinv) {
  memset(rinv, 0, k * k * sizeof *rinv);
  for (size_t j = 0; j < k; j++) {
    rinv[j + j * k] = 1 / R[j + j * ldr];
    for (size_t ii = j; ii-- > 0;) {
      double s = 0;
      for (size_t l = ii + 1; l <= j; l++) s += R[ii + l * ldr] * rinv[l + j * k];
      rinv[ii + j * k] = -s / R[ii + ii * ldr];
    }
  }
}

int linreg_qr_solve(const struct linreg_qr *q, const double *scale, double tol, double *b,
                    double *rinv, size_t *bad) {
  const size_t K = q->k, kx = K - 1;
  const double *R = q->R;
  for (size_t j = 0; j < kx; j++) {
    if (!(fabs(R[j + j * K]) > tol * sqrt(q->ss[j]))) {
      *bad = j;
      return GSL_ESING;
    }
  }
  /* b = R^-1 (Q'z) by back substitution, then undo the scales:
   * X S b_s = z s_z  =>  b = S b_s / s_z;  R = R_s S^-1  =>  R^-1 = S R_s^-1. */
  const double *z = R + kx * K;
  for (size_t ii = kx; ii-- > 0;) {
    double s = z[ii];
    for (size_t l = ii + 1; l < kx; l++) s -= R[ii + l * K] * b[l];
    b[ii] = s / R[ii + ii * K];
  }
  tri_inverse(R, K, kx, rinv);
  if (scale != NULL) {
    for (size_t j = 0; j < kx; j++) b[j] *= scale[j] / scale[kx];
    for (size_t j = 0; j < kx; j++)
      for (size_t l = 0; l <= j; l++) rinv[l + j * kx] *= scale[l];
  }
  return GSL_SUCCESS;
}

void linreg_rinv_to_xtxi(const double *rinv, size_t k, double *xtxi) {
  /* (R^-1 R^-T)_{ab} = sum_{j >= max(a,b)} rinv_aj rinv_bj */
  for (size_t a = 0; a < k; a++)
    for (size_t c = a; c < k; c++) {
      double s = 0;
      for (size_t j = c; j < k; j++) s += rinv[a + j * k] * rinv[c + j * k];
      xtxi[a + c * k] = xtxi[c + a * k] = s;
    }
}

void linreg_leverage(const double *X, size_t n, size_t k, const double *w,
                     const double *rinv, double *h) {
  /* h_i = w_i ||R^-T x_i||^2; component j of R^-T x_i is sum_{l<=j} x_il rinv_lj.
   * Rows in blocks so the partial sums stay in cache. */
  double t[256];
  for (size_t i0 = 0; i0 < n; i0 += 256) {
    size_t m = n - i0 < 256 ? n - i0 : 256;
    for (size_t i = 0; i < m; i++) h[i0 + i] = 0;
    for (size_t j = 0; j < k; j++) {
      for (size_t i = 0; i < m; i++) t[i] = 0;
      for (size_t l = 0; l <= j; l++) {
        const double *xl = X + l * n + i0;
        double r = rinv[l + j * k];
        for (size_t i = 0; i < m; i++) t[i] += xl[i] * r;
      }
      for (size_t i = 0; i < m; i++) h[i0 + i] += t[i] * t[i];
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) h[i0 + i] *= w[i0 + i];
  }
}

/* ===== Least squares fit ===== */

void linreg_fini(struct linreg_fit *fit) {
  free(fit->coef);
  free(fit->rinv);
  free(fit->xtxi);
  free(fit->fitted);
  free(fit->resid);
  fit->coef = fit->rinv = fit->xtxi = fit->fitted = fit->resid = NULL;
}

/* The passes of linreg_fit over one chunk of the rows (linreg_run_chunks). */
struct ls_chunk {
  const double *X, *y, *w, *scale, *b;
  size_t n, k, lo, hi;
  double *amax;                 /* k + 1: largest |value| of X's columns and y */
  size_t xbad_col, xbad_row;    /* first non-finite value (xbad_col k: in y), or SIZE_MAX */
  size_t wbad_row;              /* first bad weight, or SIZE_MAX */
  struct linreg_qr *q;
  double *f, *e, mean;
  double rss, sw, swf, slw, mss;
};

/* Largest |value| per column and the first non-finite value.  Four running
 * maxima so that the compares do not wait on one another; a non-finite
 * value makes the running sum non-finite, and only then are the rows
 * searched (a sum that merely overflowed finds nothing). */
static int scan_chunk(void *arg) {
  struct ls_chunk *p = arg;
  p->xbad_col = p->xbad_row = p->wbad_row = SIZE_MAX;
  for (size_t j = 0; j <= p->k; j++) {
    const double *c = j < p->k ? p->X + j * p->n : p->y;
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, s = 0;
    size_t i = p->lo;
    for (; i + 4 <= p->hi; i += 4) {
      double v0 = fabs(c[i]), v1 = fabs(c[i + 1]), v2 = fabs(c[i + 2]), v3 = fabs(c[i + 3]);
      a0 = v0 > a0 ? v0 : a0;
      a1 = v1 > a1 ? v1 : a1;
      a2 = v2 > a2 ? v2 : a2;
      a3 = v3 > a3 ? v3 : a3;
      s += (v0 + v1) + (v2 + v3);
    }
    for (; i < p->hi; i++) {
      double v = fabs(c[i]);
      a0 = v > a0 ? v : a0;
      s += v;
    }
    a0 = a1 > a0 ? a1 : a0;
    a2 = a3 > a2 ? a3 : a2;
    p->amax[j] = a2 > a0 ? a2 : a0;
    if (!isfinite(s) && p->xbad_col == SIZE_MAX)
      for (i = p->lo; i < p->hi; i++)
        if (!isfinite(c[i])) {
          p->xbad_col = j;
          p->xbad_row = i;
          break;
        }
  }
  if (p->w != NULL)
    for (size_t i = p->lo; i < p->hi; i++)
      if (!(p->w[i] > 0) || !isfinite(p->w[i])) {
        p->wbad_row = i;
        break;
      }
  return 0;
}

void linreg_qr_put(struct linreg_qr *q, size_t j, const double *c, const double *sw, double s,
                   size_t m) {
  double *d = q->blk + j * LB;
  v2 S = splat(s);
  size_t i = 0;
  if (sw != NULL) {
    for (; i + 2 <= m; i += 2) st2(d + i, ld2(c + i) * ld2(sw + i) * S);
    for (; i < m; i++) d[i] = c[i] * sw[i] * s;
  } else {
    for (; i + 2 <= m; i += 2) st2(d + i, ld2(c + i) * S);
    for (; i < m; i++) d[i] = c[i] * s;
  }
}

/* Feed rows lo..hi-1 of sqrt(w) [X y] times the column scales into the
 * chunk's own accumulator. */
static int acc_chunk(void *arg) {
  struct ls_chunk *p = arg;
  double sw[LB];
  linreg_qr_reset(p->q);
  for (size_t i0 = p->lo; i0 < p->hi; i0 += LB) {
    size_t m = p->hi - i0 < LB ? p->hi - i0 : LB;
    if (p->w != NULL)
      for (size_t i = 0; i < m; i++) sw[i] = sqrt(p->w[i0 + i]);
    for (size_t j = 0; j <= p->k; j++) {
      const double *c = j < p->k ? p->X + j * p->n : p->y;
      linreg_prefetch(c, p->n, i0, m);
      linreg_qr_put(p->q, j, c + i0, p->w != NULL ? sw : NULL, p->scale[j], m);
    }
    linreg_qr_absorb(p->q, m);
  }
  return 0;
}

/* fitted = X b, resid = y - fitted, and the chunk's weighted sums. */
static int fitted_chunk(void *arg) {
  struct ls_chunk *p = arg;
  const double *w = p->w;
  double rss = 0, sw = 0, swf = 0, slw = 0;
  for (size_t i0 = p->lo; i0 < p->hi; i0 += 256) {
    size_t m = p->hi - i0 < 256 ? p->hi - i0 : 256;
    double *f = p->f + i0, *e = p->e + i0;
    const double *y = p->y + i0;
    for (size_t i = 0; i < m; i++) f[i] = 0;
    for (size_t j = 0; j < p->k; j++) {
      const double *xj = p->X + j * p->n + i0;
      double bj = p->b[j];
      linreg_prefetch(p->X + j * p->n, p->n, i0, m);
      for (size_t i = 0; i < m; i++) f[i] += xj[i] * bj;
    }
    for (size_t i = 0; i < m; i++) {
      double wi = w != NULL ? w[i0 + i] : 1;
      e[i] = y[i] - f[i];
      rss += wi * e[i] * e[i];
      sw += wi;
      swf += wi * f[i];
    }
    if (w != NULL)
      for (size_t i = 0; i < m; i++) slw += log(w[i0 + i]);
  }
  p->rss = rss;
  p->sw = sw;
  p->swf = swf;
  p->slw = slw;
  return 0;
}

static int mss_chunk(void *arg) {
  struct ls_chunk *p = arg;
  double mss = 0;
  for (size_t i = p->lo; i < p->hi; i++) {
    double d = p->f[i] - p->mean;
    mss += (p->w != NULL ? p->w[i] : 1) * d * d;
  }
  p->mss = mss;
  return 0;
}

/* The statistics R summary.lm and logLik.lm report, from the chunk sums. */
static void finish(struct ls_chunk *pt, void *const *arg, size_t np, struct linreg_fit *fit) {
  linreg_run_chunks(fitted_chunk, arg, np);
  double rss = 0, sw = 0, swf = 0, slw = 0, mss = 0;
  for (size_t p = 0; p < np; p++) {
    rss += pt[p].rss;
    sw += pt[p].sw;
    swf += pt[p].swf;
    slw += pt[p].slw;
  }
  double mean = fit->intercept ? swf / sw : 0;
  for (size_t p = 0; p < np; p++) pt[p].mean = mean;
  linreg_run_chunks(mss_chunk, arg, np);
  for (size_t p = 0; p < np; p++) mss += pt[p].mss;
  const size_t n = fit->n, k = fit->k;
  double dn = (double)n;
  fit->rss = rss;
  fit->mss = mss;
  fit->df_resid = dn - (double)k;
  fit->sigma2 = rss / fit->df_resid;
  /* summary.lm: r2 = mss/(mss + rss); adj = 1 - (1 - r2)(n - int)/rdf;
   * F = (mss/(k - int))/sigma2 on (k - int, rdf) df. */
  double dfint = fit->intercept ? 1 : 0;
  fit->r2 = mss / (mss + rss);
  fit->adj_r2 = 1 - (1 - fit->r2) * ((dn - dfint) / fit->df_resid);
  fit->f_df1 = (double)k - dfint;
  fit->f_df2 = fit->df_resid;
  if (fit->f_df1 > 0) {
    fit->fstat = (mss / fit->f_df1) / fit->sigma2;
    fit->f_p = gsl_cdf_fdist_Q(fit->fstat, fit->f_df1, fit->f_df2);
  } else {
    fit->fstat = fit->f_p = NAN;
  }
  /* logLik.lm: 0.5 (sum log w - n (log 2 pi + 1 - log n + log rss)), df k + 1 */
  fit->loglik = 0.5 * (slw - dn * (log(2 * M_PI) + 1 - log(dn) + log(rss)));
  fit->aic = -2 * fit->loglik + 2 * ((double)k + 1);
  fit->bic = -2 * fit->loglik + log(dn) * ((double)k + 1);
}

/* Rows are cut in fixed chunks (linreg_run_chunks): each chunk is scanned,
 * then reduced by the blocked QR into its own triangle, and the triangles
 * are merged in chunk order (TSQR). */
int linreg_fit(const double *X, size_t n, size_t k, const double *y, const double *w,
               int intercept, struct linreg_fit *fit) {
  memset(fit, 0, sizeof *fit);
  fit->n = n;
  fit->k = k;
  fit->intercept = intercept;
  if (k == 0 || n <= k) return GSL_EBADLEN;
  const size_t nc = linreg_nchunks(n);
  double *scale = malloc((k + 1) * (nc + 1) * sizeof *scale);
  struct linreg_qr *q = calloc(nc, sizeof *q);
  struct ls_chunk *pt = malloc(nc * sizeof *pt);
  void **arg = malloc(nc * sizeof *arg);
  int st = GSL_ENOMEM;
  if (scale == NULL || q == NULL || pt == NULL || arg == NULL) goto done;
  for (size_t c = 0; c < nc; c++) {
    struct ls_chunk z = {X, y, w, scale, NULL, n, k, n * c / nc, n * (c + 1) / nc,
                        scale + (k + 1) * (c + 1), SIZE_MAX, SIZE_MAX, SIZE_MAX, &q[c],
                        NULL, NULL, 0, 0, 0, 0, 0, 0};
    pt[c] = z;
    arg[c] = &pt[c];
  }
  linreg_run_chunks(scan_chunk, arg, nc);
  /* The first bad value in the order of a serial scan: columns (then y)
   * in order, rows in order within a column; then the weights. */
  size_t bc = SIZE_MAX, br = SIZE_MAX;
  for (size_t c = 0; c < nc; c++)
    if (pt[c].xbad_col < bc) bc = pt[c].xbad_col, br = pt[c].xbad_row;
  if (bc == SIZE_MAX && w != NULL)
    for (size_t c = 0; c < nc && bc == SIZE_MAX; c++)
      if (pt[c].wbad_row != SIZE_MAX) bc = k + 1, br = pt[c].wbad_row;
  if (bc != SIZE_MAX) {
    fit->bad_col = bc;
    fit->bad_row = br;
    st = GSL_EDOM;
    goto done;
  }
  for (size_t j = 0; j <= k; j++) {
    double a = 0;
    for (size_t c = 0; c < nc; c++) a = pt[c].amax[j] > a ? pt[c].amax[j] : a;
    scale[j] = linreg_pow2_scale(a);
  }
  st = GSL_ENOMEM;
  fit->coef = malloc(k * sizeof *fit->coef);
  fit->rinv = malloc(k * k * sizeof *fit->rinv);
  fit->xtxi = malloc(k * k * sizeof *fit->xtxi);
  fit->fitted = malloc(n * sizeof *fit->fitted);
  fit->resid = malloc(n * sizeof *fit->resid);
  if (fit->coef == NULL || fit->rinv == NULL || fit->xtxi == NULL || fit->fitted == NULL ||
      fit->resid == NULL)
    goto done;
  if (linreg_qr_init(q, nc, k + 1) != GSL_SUCCESS) goto done;
  linreg_run_chunks(acc_chunk, arg, nc);
  for (size_t c = 1; c < nc; c++) linreg_qr_merge(&q[0], &q[c]);
  st = linreg_qr_solve(&q[0], scale, LINREG_RANK_TOL, fit->coef, fit->rinv, &fit->bad_col);
  if (st != GSL_SUCCESS) goto done;
  linreg_rinv_to_xtxi(fit->rinv, k, fit->xtxi);
  for (size_t c = 0; c < nc; c++) {
    pt[c].b = fit->coef;
    pt[c].f = fit->fitted;
    pt[c].e = fit->resid;
  }
  finish(pt, arg, nc, fit);
done:
  if (q != NULL) linreg_qr_fini(q, nc);
  free(q);
  free(pt);
  free(arg);
  free(scale);
  if (st != GSL_SUCCESS) {
    size_t bc0 = fit->bad_col, br0 = fit->bad_row;
    linreg_fini(fit);
    fit->bad_col = bc0;
    fit->bad_row = br0;
  }
  return st;
}
