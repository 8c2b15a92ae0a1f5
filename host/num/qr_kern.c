/* host/num/qr_kern.c -- the inner loops of the blocked QR accumulator
 * (host/num/qr.c): dot products of block columns and the sweep that applies
 * one Householder reflector to the columns after it.  Pure C, no Lua. */
#include "qr_kern.h"

#include <string.h>

#include "qr.h"
#include "simd.h"

/* ===== Kernels =====
 * Block columns are QR_BLOCK long (a multiple of 4) and 32-byte
 * aligned.  Every dot product over a block column sums in four lanes --
 * rows 0 mod 4 and 1 mod 4 in one register, 2 and 3 mod 4 in another --
 * combined as (l0 + l1) + (l2 + l3): the adds need not wait on one another,
 * and the order is fixed. */

#define LB QR_BLOCK
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

/* sweep4, sweep2 and sweep1 stay separate, unrolled by hand: each keeps its
 * columns' accumulators in registers, which a shared loop over a column
 * count would not (the innermost loop of every fit). */
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
 * AVX2 (chosen at run time, qr_init): one 4-wide register holds
 * the lanes that two 2-wide registers hold above, and its sum is formed
 * as (l0 + l1) + (l2 + l3) again, with no fused multiply-add, so the
 * results are the same bytes as the 2-wide kernels'. */
#if defined(__GNUC__) && defined(__x86_64__)
#define QR_WIDE 1
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

const struct kernels qr_kern_narrow = {dots_first, dots_from, sweep_next, sweep4, sweep2, sweep1};
#ifdef QR_WIDE
static const struct kernels WIDE4 = {dots_first_w, dots_from_w, sweep_next_w,
                                     sweep4_w,     sweep2_w,    sweep1_w};
#endif

const struct kernels *qr_kern_best(void) {
#ifdef QR_WIDE
  if (__builtin_cpu_supports("avx2")) return &WIDE4;
#endif
  return &qr_kern_narrow;
}
