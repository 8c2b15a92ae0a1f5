/* host/num/simd.h -- two doubles per instruction and software prefetch for
 * the row loops of host/num (qr_kern.c, qr.c, glm.c, vcov.c).  Pure C with
 * GNU C vector extensions (GCC, Clang), no Lua. */
#ifndef CSC_SIMD_H
#define CSC_SIMD_H

#include <stddef.h>
#include <string.h>

/* Two doubles in one SSE2 register, a GNU C vector extension (GCC, Clang):
 * the row loops of qr.c and glm.c handle two rows per instruction.
 * Sums always combine the same fixed lanes in the same order, so results
 * do not depend on how the compiler schedules them. */
typedef double v2 __attribute__((vector_size(16)));

static inline v2 ld2(const double *p) {
  v2 v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void st2(double *p, v2 v) { memcpy(p, &v, sizeof v); }
static inline v2 splat(double x) { return (v2){x, x}; }
static inline double lanes(v2 a, v2 b) { return (a[0] + a[1]) + (b[0] + b[1]); }

/* Lane-wise x > a ? x : a and x < a ? x : a (a NaN x leaves a): SSE2's
 * maxpd and minpd where there are those (the same values as the plain C).
 * Running extremes: glm.c's separation scan, ols.c's column ranges. */
#if defined(__GNUC__) && defined(__SSE2__)
static inline v2 max2(v2 x, v2 a) { return __builtin_ia32_maxpd(x, a); }
static inline v2 min2(v2 x, v2 a) { return __builtin_ia32_minpd(x, a); }
#else
static inline v2 max2(v2 x, v2 a) { return (v2){x[0] > a[0] ? x[0] : a[0], x[1] > a[1] ? x[1] : a[1]}; }
static inline v2 min2(v2 x, v2 a) { return (v2){x[0] < a[0] ? x[0] : a[0], x[1] < a[1] ? x[1] : a[1]}; }
#endif

/* Software prefetch.  The row loops read k columns in step, so k streams
 * cross a 4 KiB page every 512 rows, and the hardware prefetchers, which
 * stop at page boundaries, leave each new page to a cache miss; asking
 * for the rows SIMD_AHEAD ahead of use, a few lines at a time as the
 * loop goes, keeps the passes near memory bandwidth.  simd_prefetch
 * asks for rows r + SIMD_AHEAD .. r + SIMD_AHEAD + m - 1 of column c
 * (c points at row 0 of a column of n rows), those that exist; a no-op
 * where the compiler has no prefetch builtin. */
#define SIMD_AHEAD 256
static inline void simd_prefetch(const double *c, size_t n, size_t r, size_t m) {
#if defined(__GNUC__)
  size_t a = r + SIMD_AHEAD, e = a + m < n ? a + m : n;
  for (size_t i = a; i < e; i += 8) __builtin_prefetch(c + i);
#else
  (void)c;
  (void)n;
  (void)r;
  (void)m;
#endif
}

#endif
