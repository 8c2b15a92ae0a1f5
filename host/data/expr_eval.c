/* host/data/expr_eval.c -- block-wise evaluation of a compiled expression,
 * expr_eval and expr_filter.
 *
 * Rows are taken EXPR_BLOCK at a time.  Each node turns its children's
 * vectors for the block into its own vector: values plus a missing-reason
 * array, or NULL when nothing in the block is missing (the common case, which
 * keeps the inner loops free of missing-value tests).  Column values are read
 * in place: their vector points into the column.  Other results live in
 * "slots", scratch buffers of one block each: a node evaluated in slot s puts
 * its k-th child in slot s+1+k, so a tree of depth d needs at most ~3d slots
 * and the working set stays in cache however many rows there are.
 *
 * Missing values: a result is missing when an operand is (keeping the first
 * missing operand's reason: x + y with x suppressed is suppressed), and is
 * missing for reason NA_CALC when a calculation gives no finite number
 * (log(0), 0/0, x/0, sqrt(-1), integer overflow, a date out of range). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdatomic.h>

#include "chunks.h"
#include "expr_int.h"
#include "framesel.h"

#define B EXPR_BLOCK

struct vec { const void *v; const uint8_t *na; };

struct ectx {
  const struct frame *f;
  unsigned char *data;   /* nslot blocks of 8-byte values */
  uint8_t *na;           /* nslot blocks of reasons */
  void *out0;            /* when set, slot 0's values: the result column's block */
};

/* The root is evaluated in slot 0; expr_eval points that slot at the result
 * column itself (for types stored as they are evaluated), so the result is
 * written once, in place. */
static void *slot_v(const struct ectx *cx, int s) {
  return s == 0 && cx->out0 ? cx->out0 : cx->data + (size_t)s * B * 8;
}
static uint8_t *slot_na(const struct ectx *cx, int s) { return cx->na + (size_t)s * B; }

/* Dates csceval can write: 0001-01-01 .. 9999-12-31. */
#define DATE_MIN (-719162)
#define DATE_MAX 2932896

static void ev(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
               struct vec *out);

/* ===== missing-value helpers =====
 * Every helper that returns an na array returns NULL or dst (the node's own
 * slot), never a child's array: the child's slot is reused by its siblings. */

static const uint8_t *na_copy(uint8_t *dst, const uint8_t *a, size_t n) {
  if (!a) return NULL;
  memcpy(dst, a, n);
  return dst;
}

static const uint8_t *na_merge(uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t n) {
  if (!a || !b) return na_copy(dst, a ? a : b, n);
  for (size_t i = 0; i < n; i++) dst[i] = a[i] ? a[i] : b[i];
  return dst;
}

/* Mark rows flagged in bad[] as calculated-missing unless already missing. */
static const uint8_t *na_flag(uint8_t *dst, const uint8_t *na, const uint8_t *bad, size_t n) {
  int any = 0;
  for (size_t i = 0; i < n; i++) any |= bad[i];
  if (!any) return na;
  if (!na) memset(dst, 0, n);
  for (size_t i = 0; i < n; i++) if (!dst[i] && bad[i]) dst[i] = NA_CALC;
  return dst;
}

/* ===== byte loops the compiler can vectorize =====
 * GCC at -O2 (the "very cheap" cost model) vectorizes a loop only when it
 * needs no scalar epilogue and no run-time alias check.  So these take
 * restrict pointers and run a main loop over a multiple of 32 rows, then the
 * few rows left; and they are kept out of line, because once inlined into a
 * large caller GCC no longer vectorizes them. */

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define VEC_FOR(n, BODY)                                                                 \
  do {                                                                                   \
    size_t m_ = (n) & ~(size_t)31, i;                                                    \
    for (i = 0; i < m_; i++) { BODY; }                                                   \
    for (; i < (n); i++) { BODY; }                                                       \
  } while (0)

NOINLINE static void bytes_and(const uint8_t *restrict x, const uint8_t *restrict y,
                      uint8_t *restrict r, size_t n) {
  VEC_FOR(n, r[i] = (uint8_t)((x[i] != 0) & (y[i] != 0)));
}

NOINLINE static void bytes_or(const uint8_t *restrict x, const uint8_t *restrict y,
                     uint8_t *restrict r, size_t n) {
  VEC_FOR(n, r[i] = (uint8_t)((x[i] != 0) | (y[i] != 0)));
}

/* 1 if every x[i] is 0 (want_zero) or every x[i] is non-zero (!want_zero). */
NOINLINE static int bytes_all(const uint8_t *restrict x, size_t n, int want_zero) {
  unsigned any_set = 0, any_clear = 0;
  VEC_FOR(n, any_set |= x[i] != 0; any_clear |= x[i] == 0);
  return want_zero ? !any_set : !any_clear;
}

NOINLINE static void codes_eq(const int32_t *restrict x, int32_t k, uint8_t *restrict r, size_t n) {
  VEC_FOR(n, r[i] = x[i] == k);
}

NOINLINE static void codes_ne(const int32_t *restrict x, int32_t k, uint8_t *restrict r, size_t n) {
  VEC_FOR(n, r[i] = x[i] != k);
}

/* ===== finite and NaN tests on the bits =====
 * A double is not finite (inf or NaN) when every exponent bit is set, and
 * adding 1 to an all-ones exponent (and only to it) carries into the sign
 * bit; it is NaN when, besides, its mantissa is not 0 (adding the mantissa
 * mask to a non-zero mantissa carries into bit 52).  Shifts, ands and adds
 * on 64-bit integers: the loops vectorize. */
#define EXP_MASK 0x7ff0000000000000ull
#define EXP_ONE 0x0010000000000000ull
#define MANT_MASK 0x000fffffffffffffull

static inline uint64_t dbits(const double *x) { uint64_t u; memcpy(&u, x, sizeof u); return u; }
static inline uint8_t nonfinite_bit(uint64_t u) { return (uint8_t)(((u & EXP_MASK) + EXP_ONE) >> 63); }
static inline uint8_t nan_bit(uint64_t u) {
  return (uint8_t)(nonfinite_bit(u) & (uint8_t)(((u & MANT_MASK) + MANT_MASK) >> 52));
}

/* 1 if some x[i] is not a finite number.  GNU C vectors: the compiler does
 * not vectorize an or-reduction over reinterpreted bits by itself. */
#if defined(__GNUC__)
typedef uint64_t u64x2 __attribute__((vector_size(16)));
NOINLINE static int any_nonfinite(const double *restrict x, size_t n) {
  const u64x2 e = {EXP_MASK, EXP_MASK}, one = {EXP_ONE, EXP_ONE};
  u64x2 a0 = {0, 0}, a1 = {0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    u64x2 u0, u1;
    memcpy(&u0, x + i, sizeof u0);
    memcpy(&u1, x + i + 2, sizeof u1);
    a0 |= (u0 & e) + one;
    a1 |= (u1 & e) + one;
  }
  a0 |= a1;
  uint64_t acc = a0[0] | a0[1];
  for (; i < n; i++) acc |= (dbits(x + i) & EXP_MASK) + EXP_ONE;
  return (int)(acc >> 63);
}
#else
static int any_nonfinite(const double *x, size_t n) {
  uint64_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= (dbits(x + i) & EXP_MASK) + EXP_ONE;
  return (int)(acc >> 63);
}
#endif

/* dst[i] = NA_CALC where the row is not yet missing and r[i] is not finite */
NOINLINE static void mark_nonfinite(uint8_t *restrict dst, const double *restrict r, size_t n) {
  VEC_FOR(n, uint8_t bad = nonfinite_bit(dbits(r + i));
          dst[i] = dst[i] ? dst[i] : (uint8_t)(bad * NA_CALC));
}

/* dst[i] = na[i] if set, else NA_CALC for a NaN, else 0 (na may be NULL) */
NOINLINE static void mark_nan(uint8_t *restrict dst, const uint8_t *restrict na,
                              const double *restrict x, size_t n) {
  if (na) VEC_FOR(n, uint8_t bad = nan_bit(dbits(x + i)); dst[i] = na[i] ? na[i] : (uint8_t)(bad * NA_CALC));
  else VEC_FOR(n, dst[i] = (uint8_t)(nan_bit(dbits(x + i)) * NA_CALC));
}

/* Float results that are not finite numbers (inf, NaN) are missing (calc).
 * One vectorized pass finds out whether a block with nothing missing has
 * any; only then are rows marked.  A block that already has missing rows
 * (whose values are often NaN) goes straight to the (vectorized) marking. */
static const uint8_t *na_finite(uint8_t *dst, const uint8_t *na, const double *r, size_t n) {
  if (!na) {
    if (!any_nonfinite(r, n)) return NULL;
    memset(dst, 0, n);
  }
  mark_nonfinite(dst, r, n);
  return dst;
}

/* ===== leaves ===== */

/* A float64 column's NaN with no reason attached counts as missing (calc),
 * as everywhere else in csceval (docs/frames.md). */
static const uint8_t *col_nan(uint8_t *dst, const uint8_t *na, const double *x, size_t n) {
  if (!na && !any_nonfinite(x, n)) return NULL;   /* the common case */
  mark_nan(dst, na, x, n);
  if (!na && bytes_all(dst, n, 1)) return NULL;   /* infinities, but no NaN */
  return dst;
}

/* Column values are read in place; only the missing reasons may be copied. */
static void ev_col(const struct expr_node *n, const struct ectx *cx, size_t off, size_t len,
                   int s, struct vec *out) {
  const struct frame_col *c = cx->f->col[n->col];
  const uint8_t *na = c->na ? c->na + off : NULL;
  switch (c->type) {
  case FRAME_F64:
    out->v = c->v.f64 + off;
    na = col_nan(slot_na(cx, s), na, c->v.f64 + off, len);
    break;
  case FRAME_I64: out->v = c->v.i64 + off; break;
  case FRAME_BOOL: out->v = c->v.b + off; break;
  default: out->v = c->v.cat + off; break;   /* date and text: int32 */
  }
  out->na = na;
}

static void ev_const(const struct expr_node *n, void *r, size_t len, struct vec *out) {
  switch (n->type) {
  case EV_F64: { double *x = r; for (size_t i = 0; i < len; i++) x[i] = n->k.f; break; }
  case EV_I64: { int64_t *x = r; for (size_t i = 0; i < len; i++) x[i] = n->k.i; break; }
  case EV_BOOL: memset(r, n->k.i != 0, len); break;
  default: { int32_t *x = r; for (size_t i = 0; i < len; i++) x[i] = (int32_t)n->k.i; break; }
  }
  out->v = r;
  out->na = NULL;
}

/* ===== arithmetic ===== */

static double mod_floor(double x, double y) {   /* sign of the divisor, as Lua and R */
  double m = fmod(x, y);
  if (m != 0 && ((m < 0) != (y < 0))) m += y;
  return m;
}

/* a op b, element by element; restrict and VEC_FOR so + - * / vectorize */
NOINLINE static void arith_f64(int op, const double *restrict a, const double *restrict b,
                               double *restrict r, size_t n) {
  switch (op) {
  case EO_ADD: VEC_FOR(n, r[i] = a[i] + b[i]); break;
  case EO_SUB: VEC_FOR(n, r[i] = a[i] - b[i]); break;
  case EO_MUL: VEC_FOR(n, r[i] = a[i] * b[i]); break;
  case EO_DIV: VEC_FOR(n, r[i] = a[i] / b[i]); break;
  case EO_POW: for (size_t i = 0; i < n; i++) r[i] = pow(a[i], b[i]); break;
  default: for (size_t i = 0; i < n; i++) r[i] = mod_floor(a[i], b[i]); break;
  }
}

/* a op k (k_right) or k op a: a constant operand is not spread over a block.
 * GCC at -O2 leaves a loop with a scalar operand unvectorized, so + - * /
 * take two doubles at a time by GNU C vectors (the same IEEE operation on
 * each element, so the same bytes as one at a time). */
#if defined(__GNUC__)
typedef double f64x2 __attribute__((vector_size(16)));
#define KLOOP(VEXPR, SEXPR)                                                              \
  do {                                                                                   \
    const f64x2 kv = {k, k};                                                             \
    size_t i = 0;                                                                        \
    for (; i + 2 <= n; i += 2) {                                                         \
      f64x2 x, y;                                                                        \
      memcpy(&x, a + i, sizeof x);                                                       \
      y = VEXPR;                                                                         \
      memcpy(r + i, &y, sizeof y);                                                       \
    }                                                                                    \
    for (; i < n; i++) { double x = a[i]; r[i] = SEXPR; }                                \
    (void)kv;                                                                            \
  } while (0)
#else
#define KLOOP(VEXPR, SEXPR) do { for (size_t i = 0; i < n; i++) { double x = a[i]; r[i] = SEXPR; } } while (0)
#endif

NOINLINE static void arith_f64_k(int op, const double *restrict a, double k, int k_right,
                                 double *restrict r, size_t n) {
  switch (op) {
  case EO_ADD: KLOOP(x + kv, x + k); break;   /* + and * commute exactly */
  case EO_MUL: KLOOP(x * kv, x * k); break;
  case EO_SUB: if (k_right) KLOOP(x - kv, x - k); else KLOOP(kv - x, k - x); break;
  case EO_DIV: if (k_right) KLOOP(x / kv, x / k); else KLOOP(kv / x, k / x); break;
  case EO_POW:
    if (k_right) for (size_t i = 0; i < n; i++) r[i] = pow(a[i], k);
    else for (size_t i = 0; i < n; i++) r[i] = pow(k, a[i]);
    break;
  default:
    if (k_right) for (size_t i = 0; i < n; i++) r[i] = mod_floor(a[i], k);
    else for (size_t i = 0; i < n; i++) r[i] = mod_floor(k, a[i]);
    break;
  }
}

static int64_t mod_i64(int64_t x, int64_t y, uint8_t *bad) {
  if (y == 0) { *bad = 1; return 0; }
  if (y == -1) return 0;   /* INT64_MIN % -1 traps on x86 */
  int64_t m = x % y;
  if (m != 0 && ((m < 0) != (y < 0))) m += y;
  return m;
}

/* int64 + - * %: overflow and % 0 are flagged in bad[] (values of missing
 * rows are arbitrary, so these checks also keep them from being UB). */
static void arith_i64(int op, const int64_t *a, const int64_t *b, int64_t *r, uint8_t *bad,
                      size_t n) {
  switch (op) {
  case EO_ADD: for (size_t i = 0; i < n; i++) bad[i] = __builtin_add_overflow(a[i], b[i], &r[i]); break;
  case EO_SUB: for (size_t i = 0; i < n; i++) bad[i] = __builtin_sub_overflow(a[i], b[i], &r[i]); break;
  case EO_MUL: for (size_t i = 0; i < n; i++) bad[i] = __builtin_mul_overflow(a[i], b[i], &r[i]); break;
  default: for (size_t i = 0; i < n; i++) { bad[i] = 0; r[i] = mod_i64(a[i], b[i], &bad[i]); } break;
  }
}

static void arith_date(int op, const int32_t *a, const int64_t *b, int32_t *r, uint8_t *bad,
                       size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t d = b[i];
    int ok = d > -2 * (int64_t)DATE_MAX && d < 2 * (int64_t)DATE_MAX;
    int64_t v = ok ? (op == EO_ADD ? (int64_t)a[i] + d : (int64_t)a[i] - d) : 0;
    bad[i] = !ok || v < DATE_MIN || v > DATE_MAX;
    r[i] = bad[i] ? 0 : (int32_t)v;
  }
}

static void ev_arith(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                     struct vec *out) {
  struct vec a, b;
  if (n->mode == AM_F64 && (n->a->kind == EK_CONST || n->b->kind == EK_CONST)) {
    int k_right = n->b->kind == EK_CONST;
    const struct expr_node *k = k_right ? n->b : n->a;
    ev(k_right ? n->a : n->b, cx, off, len, s + 1, &a);
    double *r = slot_v(cx, s);
    uint8_t *dst = slot_na(cx, s);
    arith_f64_k(n->op, a.v, k->k.f, k_right, r, len);
    out->v = r;
    out->na = na_finite(dst, na_copy(dst, a.na, len), r, len);
    return;
  }
  ev(n->a, cx, off, len, s + 1, &a);
  ev(n->b, cx, off, len, s + 2, &b);
  void *r = slot_v(cx, s);
  uint8_t *dst = slot_na(cx, s), bad[B];
  const uint8_t *na = na_merge(dst, a.na, b.na, len);
  switch (n->mode) {
  case AM_F64:
    arith_f64(n->op, a.v, b.v, r, len);
    na = na_finite(dst, na, r, len);
    break;
  case AM_I64:
    arith_i64(n->op, a.v, b.v, r, bad, len);
    na = na_flag(dst, na, bad, len);
    break;
  case AM_DATE_I64:
    arith_date(n->op, a.v, b.v, r, bad, len);
    na = na_flag(dst, na, bad, len);
    break;
  default: {   /* date - date: days, always representable */
    const int32_t *x = a.v, *y = b.v;
    int64_t *z = r;
    for (size_t i = 0; i < len; i++) z[i] = (int64_t)x[i] - y[i];
    break;
  }
  }
  out->v = r; out->na = na;
}

static void ev_neg(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                   struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *dst = slot_na(cx, s), bad[B];
  const uint8_t *na = na_copy(dst, a.na, len);
  if (n->type == EV_F64) {
    const double *x = a.v;
    double *r = slot_v(cx, s);
    for (size_t i = 0; i < len; i++) r[i] = -x[i];
    out->v = r;
  } else {
    const int64_t *x = a.v;
    int64_t *r = slot_v(cx, s);
    for (size_t i = 0; i < len; i++) { bad[i] = x[i] == INT64_MIN; r[i] = bad[i] ? 0 : -x[i]; }
    na = na_flag(dst, na, bad, len);
    out->v = r;
  }
  out->na = na;
}

static void ev_tof64(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                     struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  const int64_t *x = a.v;
  double *r = slot_v(cx, s);
  for (size_t i = 0; i < len; i++) r[i] = (double)x[i];
  out->v = r;
  out->na = na_copy(slot_na(cx, s), a.na, len);
}

/* ===== comparisons ===== */

#define CMP_LOOPS(A, B_)                                                                   \
  switch (op) {                                                                            \
  case EO_EQ: for (size_t i = 0; i < n; i++) r[i] = (A) == (B_); break;                    \
  case EO_NE: for (size_t i = 0; i < n; i++) r[i] = (A) != (B_); break;                    \
  case EO_LT: for (size_t i = 0; i < n; i++) r[i] = (A) < (B_); break;                     \
  case EO_LE: for (size_t i = 0; i < n; i++) r[i] = (A) <= (B_); break;                    \
  case EO_GT: for (size_t i = 0; i < n; i++) r[i] = (A) > (B_); break;                     \
  default: for (size_t i = 0; i < n; i++) r[i] = (A) >= (B_); break;                       \
  }

static void cmp_f64(int op, const double *a, const double *b, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], b[i])
}
static void cmp_i64(int op, const int64_t *a, const int64_t *b, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], b[i])
}
static void cmp_i32(int op, const int32_t *a, const int32_t *b, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], b[i])
}
/* against a constant (the usual `age >= 10`): no block of copies to read */
static void cmp_f64_k(int op, const double *a, double k, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], k)
}
static void cmp_i64_k(int op, const int64_t *a, int64_t k, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], k)
}
static void cmp_i32_k(int op, const int32_t *a, int32_t k, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i], k)
}
static void cmp_bool(int op, const uint8_t *a, const uint8_t *b, uint8_t *r, size_t n) {
  CMP_LOOPS(a[i] != 0, b[i] != 0)
}

/* Two text values from different dictionaries: compare the strings. */
static void cmp_text(const struct expr_node *n, const int32_t *a, const int32_t *b,
                     uint8_t *r, size_t len) {
  const struct frame_dict *da = n->a->dict, *db = n->b->dict;
  for (size_t i = 0; i < len; i++) {
    uint32_t x = (uint32_t)a[i], y = (uint32_t)b[i];
    if (x >= da->n || y >= db->n) { r[i] = 0; continue; }   /* only in missing rows */
    int c = expr_bytes_cmp(da->str[x], da->len[x], db->str[y], db->len[y]);
    r[i] = (uint8_t)expr_cmp_holds((enum expr_op)n->op, c);
  }
}

static void ev_cmp(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                   struct vec *out) {
  struct vec a, b = {NULL, NULL};
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *r = slot_v(cx, s);
  out->v = r;
  const struct expr_node *k = n->b;
  if (k && k->kind == EK_CONST && (n->mode == CM_F64 || n->mode == CM_I64 || n->mode == CM_DATE)) {
    if (n->mode == CM_F64) cmp_f64_k(n->op, a.v, k->k.f, r, len);
    else if (n->mode == CM_I64) cmp_i64_k(n->op, a.v, k->k.i, r, len);
    else cmp_i32_k(n->op, a.v, (int32_t)k->k.i, r, len);
    out->na = na_copy(slot_na(cx, s), a.na, len);
    return;
  }
  if (n->b) ev(n->b, cx, off, len, s + 2, &b);
  switch (n->mode) {
  case CM_F64: cmp_f64(n->op, a.v, b.v, r, len); break;
  case CM_I64: cmp_i64(n->op, a.v, b.v, r, len); break;
  case CM_DATE: case CM_CATSAME: cmp_i32(n->op, a.v, b.v, r, len); break;
  case CM_BOOL: cmp_bool(n->op, a.v, b.v, r, len); break;
  case CM_CATCODE: {   /* the literal's code was looked up at compile time */
    if (n->op == EO_EQ) codes_eq(a.v, n->code, r, len);
    else codes_ne(a.v, n->code, r, len);
    break;
  }
  case CM_CATLUT: {
    const int32_t *x = a.v;
    for (size_t i = 0; i < len; i++)
      r[i] = (uint32_t)x[i] < n->nlut ? n->lut[x[i]] : 0;
    break;
  }
  default: cmp_text(n, a.v, b.v, r, len); break;
  }
  out->na = na_merge(slot_na(cx, s), a.na, b.na, len);
}

/* ===== logic ===== */

/* Kleene logic as in R: false and NA = false, true or NA = true, otherwise a
 * missing operand makes the result missing (with that operand's reason). */
static const uint8_t *kleene(int is_and, struct vec a, struct vec b, uint8_t *r, uint8_t *dst,
                             size_t n) {
  const uint8_t *x = a.v, *y = b.v;
  if (!a.na && !b.na) {
    if (is_and) bytes_and(x, y, r, n);
    else bytes_or(x, y, r, n);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    uint8_t ma = a.na ? a.na[i] : 0, mb = b.na ? b.na[i] : 0;
    int va = x[i] != 0, vb = y[i] != 0;
    /* the deciding value: false for and, true for or */
    int decided = is_and ? (!ma && !va) || (!mb && !vb) : (!ma && va) || (!mb && vb);
    if (decided) { r[i] = !is_and; dst[i] = 0; }
    else if (ma || mb) { r[i] = 0; dst[i] = ma ? ma : mb; }
    else { r[i] = (uint8_t)is_and; dst[i] = 0; }
  }
  return dst;
}

static void ev_logic(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                     struct vec *out) {
  int is_and = n->kind == EK_AND;
  struct vec a, b;
  uint8_t *r = slot_v(cx, s);
  ev(n->a, cx, off, len, s + 1, &a);
  out->v = r;
  if (!a.na) {   /* short cut: a block where the left side alone decides */
    if (bytes_all(a.v, len, is_and)) { memset(r, !is_and, len); out->na = NULL; return; }
  }
  ev(n->b, cx, off, len, s + 2, &b);
  out->na = kleene(is_and, a, b, r, slot_na(cx, s), len);
}

static void ev_not(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                   struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  const uint8_t *x = a.v;
  uint8_t *r = slot_v(cx, s);
  for (size_t i = 0; i < len; i++) r[i] = x[i] == 0;
  out->v = r;
  out->na = na_copy(slot_na(cx, s), a.na, len);
}

/* ===== in, is_missing ===== */

static void ev_in(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                  struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *r = slot_v(cx, s);
  if (n->mode == IM_LUT && n->a->type == EV_BOOL) {
    const uint8_t *x = a.v;
    for (size_t i = 0; i < len; i++) r[i] = n->lut[x[i] != 0];
  } else if (n->mode == IM_LUT) {
    const int32_t *x = a.v;
    for (size_t i = 0; i < len; i++) r[i] = (uint32_t)x[i] < n->nlut ? n->lut[x[i]] : 0;
  } else {
    /* outer loop over the (short) list, inner over rows: vectorizes */
    memset(r, 0, len);
    for (size_t k = 0; k < n->nset; k++) {
      if (n->mode == IM_F64) {
        const double *x = a.v; double v = n->setf[k];
        for (size_t i = 0; i < len; i++) r[i] |= x[i] == v;
      } else if (n->mode == IM_I64) {
        const int64_t *x = a.v; int64_t v = n->seti[k];
        for (size_t i = 0; i < len; i++) r[i] |= x[i] == v;
      } else {
        const int32_t *x = a.v; int64_t v = n->seti[k];
        for (size_t i = 0; i < len; i++) r[i] |= x[i] == v;
      }
    }
  }
  out->v = r;
  out->na = na_copy(slot_na(cx, s), a.na, len);
}

static void ev_isna(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                    struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *r = slot_v(cx, s);
  if (a.na) for (size_t i = 0; i < len; i++) r[i] = n->lut[a.na[i]];
  else memset(r, 0, len);
  out->v = r;
  out->na = NULL;   /* is_missing is never missing */
}

/* ===== functions ===== */

static double logit(double p) { return log(p / (1 - p)); }
static double inv_logit(double x) {   /* no overflow for large |x| */
  if (x >= 0) return 1 / (1 + exp(-x));
  double e = exp(x);
  return e / (1 + e);
}

static void ev_math(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                    struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *dst = slot_na(cx, s);
  const uint8_t *na = na_copy(dst, a.na, len);
  out->v = slot_v(cx, s);
  if (n->type == EV_I64) {   /* abs of an int64 */
    const int64_t *x = a.v;
    int64_t *r = slot_v(cx, s);
    uint8_t bad[B];
    for (size_t i = 0; i < len; i++) { bad[i] = x[i] == INT64_MIN; r[i] = bad[i] ? 0 : x[i] < 0 ? -x[i] : x[i]; }
    out->na = na_flag(dst, na, bad, len);
    return;
  }
  const double *x = a.v;
  double *r = slot_v(cx, s);
  switch (n->op) {
  case EF_LOG: for (size_t i = 0; i < len; i++) r[i] = log(x[i]); break;
  case EF_EXP: for (size_t i = 0; i < len; i++) r[i] = exp(x[i]); break;
  case EF_LOGIT: for (size_t i = 0; i < len; i++) r[i] = logit(x[i]); break;
  case EF_INV_LOGIT: for (size_t i = 0; i < len; i++) r[i] = inv_logit(x[i]); break;
  case EF_SQRT: for (size_t i = 0; i < len; i++) r[i] = sqrt(x[i]); break;
  case EF_SIN: for (size_t i = 0; i < len; i++) r[i] = sin(x[i]); break;
  case EF_COS: for (size_t i = 0; i < len; i++) r[i] = cos(x[i]); break;
  case EF_ABS: for (size_t i = 0; i < len; i++) r[i] = fabs(x[i]); break;
  case EF_FLOOR: for (size_t i = 0; i < len; i++) r[i] = floor(x[i]); break;
  default: for (size_t i = 0; i < len; i++) r[i] = ceil(x[i]); break;
  }
  out->na = na_finite(dst, na, r, len);
}

/* Rounding a near-tie exactly: the value as shown with 15 significant
 * digits (which is how the number was written: 2.675, not the binary
 * 2.67499999999999982236431605997495353221893310546875) is rounded half away
 * from zero in decimal, and the result read back with strtod. */
static double round_decimal(double x, int digits) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.14e", fabs(x));   /* d.dddddddddddddde+XX */
  const char *ep = strchr(buf, 'e');
  if (!ep) return x;
  int e10 = atoi(ep + 1), nd = 0;
  char dig[16];
  for (const char *p = buf; p < ep && nd < 15; p++) if (*p >= '0' && *p <= '9') dig[nd++] = *p;
  int keep = e10 + 1 + digits;   /* significant digits before the cut */
  if (keep >= nd) return x;
  if (keep < 0) return 0;
  long long m = 0;
  for (int i = 0; i < keep; i++) m = m * 10 + (dig[i] - '0');
  m += dig[keep] >= '5';
  if (m == 0) return 0;
  snprintf(buf, sizeof buf, "%llde%d", m, -digits);
  return copysign(strtod(buf, NULL), x);
}

/* Half away from zero at `digits` decimals (p = 10^|digits|).  Clear cases
 * use the scaled value; near a tie, where x * p carries rounding error of
 * its own, the decimal route above decides, so round(2.675, 2) is 2.68. */
static double round_f64(double x, int digits, double p) {
  double y = digits >= 0 ? x * p : x / p;
  if (!(fabs(y) < 4503599627370496.0)) return x;   /* 2^52: no fraction left to round */
  double frac = fabs(y) - floor(fabs(y));
  if (fabs(frac - 0.5) <= 1e-9 * (1 + fabs(y))) return round_decimal(x, digits);
  double r = round(y);
  return digits >= 0 ? r / p : r * p;
}

static int64_t round_i64(int64_t x, int64_t p, uint8_t *bad) {   /* digits < 0 */
  if (p == 0) return 0;   /* more digits than int64 holds: everything rounds to 0 */
  int64_t q = x / p, rem = x % p;
  if ((rem < 0 ? -rem : rem) >= p - (rem < 0 ? -rem : rem)) q += x < 0 ? -1 : 1;
  int64_t r;
  *bad = (uint8_t)__builtin_mul_overflow(q, p, &r);
  return r;
}

static void ev_round(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                     struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  uint8_t *dst = slot_na(cx, s);
  const uint8_t *na = na_copy(dst, a.na, len);
  int d = n->digits;
  out->v = slot_v(cx, s);
  if (n->type == EV_F64) {
    const double *x = a.v;
    double *r = slot_v(cx, s), p = pow(10, d < 0 ? -d : d);
    for (size_t i = 0; i < len; i++) r[i] = round_f64(x[i], d, p);
    out->na = na_finite(dst, na, r, len);
    return;
  }
  const int64_t *x = a.v;
  int64_t *r = slot_v(cx, s), p = 1;
  uint8_t bad[B];
  for (int k = 0; k < -d; k++) p = p > INT64_MAX / 10 ? 0 : p * 10;
  for (size_t i = 0; i < len; i++) { bad[i] = 0; r[i] = round_i64(x[i], p, &bad[i]); }
  out->na = na_flag(dst, na, bad, len);
}

#define MINMAX_LOOP(T)                                                                   \
  do {                                                                                   \
    const T *x = a.v, *y = b.v;                                                          \
    T *r = slot_v(cx, s);                                                                \
    if (is_min) for (size_t i = 0; i < len; i++) r[i] = y[i] < x[i] ? y[i] : x[i];       \
    else for (size_t i = 0; i < len; i++) r[i] = y[i] > x[i] ? y[i] : x[i];              \
  } while (0)

static void ev_minmax(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                      struct vec *out) {
  struct vec a, b;
  ev(n->a, cx, off, len, s + 1, &a);
  ev(n->b, cx, off, len, s + 2, &b);
  int is_min = n->op == EF_MIN;
  if (n->type == EV_F64) MINMAX_LOOP(double);
  else if (n->type == EV_I64) MINMAX_LOOP(int64_t);
  else MINMAX_LOOP(int32_t);
  out->v = slot_v(cx, s);
  out->na = na_merge(slot_na(cx, s), a.na, b.na, len);
}

/* b's text code in the result's dictionary (identity when they share one). */
static int32_t map_code(const struct expr_node *n, int32_t c) {
  if (!n->map_b) return c;
  return (uint32_t)c < n->nmap ? n->map_b[c] : 0;
}

#define SELECT_LOOP(T, COND)                                                             \
  do {                                                                                   \
    const T *x = a.v, *y = b.v;                                                          \
    T *r = slot_v(cx, s);                                                                \
    for (size_t i = 0; i < len; i++) r[i] = (COND) ? x[i] : y[i];                        \
  } while (0)

/* r[i] = cond ? a[i] : b[i] for the node's type; text codes of b are mapped. */
static void select_values(const struct expr_node *n, struct ectx *cx, int s, const uint8_t *c,
                          const uint8_t *a_na, struct vec a, struct vec b, size_t len) {
  switch (n->type) {
  case EV_F64: if (c) SELECT_LOOP(double, c[i] != 0); else SELECT_LOOP(double, !a_na[i]); break;
  case EV_I64: if (c) SELECT_LOOP(int64_t, c[i] != 0); else SELECT_LOOP(int64_t, !a_na[i]); break;
  case EV_BOOL: if (c) SELECT_LOOP(uint8_t, c[i] != 0); else SELECT_LOOP(uint8_t, !a_na[i]); break;
  default: {
    const int32_t *x = a.v, *y = b.v;
    int32_t *r = slot_v(cx, s);
    for (size_t i = 0; i < len; i++)
      r[i] = (c ? c[i] != 0 : !a_na[i]) ? x[i] : (n->type == EV_CAT ? map_code(n, y[i]) : y[i]);
    break;
  }
  }
}

static void ev_ifelse(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
                      struct vec *out) {
  struct vec c, a, b;
  ev(n->a, cx, off, len, s + 1, &c);
  ev(n->b, cx, off, len, s + 2, &a);
  ev(n->c, cx, off, len, s + 3, &b);
  const uint8_t *cv = c.v;
  select_values(n, cx, s, cv, NULL, a, b, len);
  out->v = slot_v(cx, s);
  out->na = NULL;
  if (c.na || a.na || b.na) {
    uint8_t *dst = slot_na(cx, s);
    for (size_t i = 0; i < len; i++) {
      uint8_t m = c.na ? c.na[i] : 0;
      dst[i] = m ? m : cv[i] != 0 ? (a.na ? a.na[i] : 0) : (b.na ? b.na[i] : 0);
    }
    out->na = dst;
  }
}

static void ev_coalesce(const struct expr_node *n, struct ectx *cx, size_t off, size_t len,
                        int s, struct vec *out) {
  struct vec a, b;
  ev(n->a, cx, off, len, s + 1, &a);
  out->v = slot_v(cx, s);
  if (!a.na) {   /* nothing to fill in this block */
    static const size_t sz[] = {8, 8, 1, 4, 4, 4};
    memcpy(slot_v(cx, s), a.v, len * sz[n->type]);
    out->na = NULL;
    return;
  }
  ev(n->b, cx, off, len, s + 2, &b);
  select_values(n, cx, s, NULL, a.na, a, b, len);
  uint8_t *dst = slot_na(cx, s);
  for (size_t i = 0; i < len; i++) dst[i] = a.na[i] && b.na ? b.na[i] : 0;
  out->na = dst;
}

/* Completed years from date a to date b: the largest whole k whose k-th
 * anniversary of a falls on or before b, counting the anniversary of
 * 29 February as 1 March in a year without one.  So year(b) - year(a), less
 * one when b's month and day come before a's; negative when b is before a. */
static int64_t years_between(int32_t a, int32_t b) {
  int ya, ma, da, yb, mb, db;
  frame_date_to_ymd(a, &ya, &ma, &da);
  frame_date_to_ymd(b, &yb, &mb, &db);
  return (int64_t)yb - ya - ((mb < ma || (mb == ma && db < da)) ? 1 : 0);
}

static void ev_datepart(const struct expr_node *n, struct ectx *cx, size_t off, size_t len,
                        int s, struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  const int32_t *x = a.v;
  int64_t *r = slot_v(cx, s);
  if (n->op == EF_YEARS_BETWEEN) {
    struct vec b;
    ev(n->b, cx, off, len, s + 2, &b);
    const int32_t *y = b.v;
    for (size_t i = 0; i < len; i++) r[i] = years_between(x[i], y[i]);
    out->v = r;
    out->na = na_merge(slot_na(cx, s), a.na, b.na, len);
    return;
  }
  for (size_t i = 0; i < len; i++) {
    int y, m, d;
    if (n->op == EF_WEEKDAY) {   /* 1970-01-01 was a Thursday (4); Monday = 1 */
      int64_t w = ((int64_t)x[i] + 3) % 7;
      r[i] = (w < 0 ? w + 7 : w) + 1;
      continue;
    }
    frame_date_to_ymd(x[i], &y, &m, &d);
    r[i] = n->op == EF_YEAR ? y : n->op == EF_MONTH ? m : d;
  }
  out->v = r;
  out->na = na_copy(slot_na(cx, s), a.na, len);
}

static void ev_dictmap(const struct expr_node *n, struct ectx *cx, size_t off, size_t len,
                       int s, struct vec *out) {
  struct vec a;
  ev(n->a, cx, off, len, s + 1, &a);
  const int32_t *x = a.v;
  uint8_t *dst = slot_na(cx, s);
  for (size_t i = 0; i < len; i++) {
    uint32_t c = (uint32_t)x[i];
    int ok = c < n->nmapv;
    if (n->type == EV_F64) ((double *)slot_v(cx, s))[i] = ok ? n->mapf[c] : 0;
    else ((int32_t *)slot_v(cx, s))[i] = ok ? n->mapd[c] : 0;
    dst[i] = a.na && a.na[i] ? a.na[i] : ok ? n->mapna[c] : NA_CALC;
  }
  out->v = slot_v(cx, s);
  out->na = dst;
}

static void ev(const struct expr_node *n, struct ectx *cx, size_t off, size_t len, int s,
               struct vec *out) {
  switch (n->kind) {
  case EK_COL: ev_col(n, cx, off, len, s, out); break;
  case EK_CONST: ev_const(n, slot_v(cx, s), len, out); break;
  case EK_TOF64: ev_tof64(n, cx, off, len, s, out); break;
  case EK_NEG: ev_neg(n, cx, off, len, s, out); break;
  case EK_ARITH: ev_arith(n, cx, off, len, s, out); break;
  case EK_CMP: ev_cmp(n, cx, off, len, s, out); break;
  case EK_AND: case EK_OR: ev_logic(n, cx, off, len, s, out); break;
  case EK_NOT: ev_not(n, cx, off, len, s, out); break;
  case EK_IN: ev_in(n, cx, off, len, s, out); break;
  case EK_ISNA: ev_isna(n, cx, off, len, s, out); break;
  case EK_MATH: ev_math(n, cx, off, len, s, out); break;
  case EK_ROUND: ev_round(n, cx, off, len, s, out); break;
  case EK_MINMAX: ev_minmax(n, cx, off, len, s, out); break;
  case EK_IFELSE: ev_ifelse(n, cx, off, len, s, out); break;
  case EK_COALESCE: ev_coalesce(n, cx, off, len, s, out); break;
  case EK_DATEPART: ev_datepart(n, cx, off, len, s, out); break;
  case EK_DICTMAP: ev_dictmap(n, cx, off, len, s, out); break;
  default: ev_const(n, slot_v(cx, s), len, out); break;   /* EK_STR never reaches here */
  }
}

/* ===== driver ===== */

static void seterr(char *err, size_t errlen, const char *msg, const char *name) {
  if (!err || !errlen) return;
  if (name) snprintf(err, errlen, msg, name);
  else snprintf(err, errlen, "%s", msg);
}

/* The frame must still have the columns the expression was compiled for:
 * same place, name and type, and for text the same, unchanged dictionary
 * (codes of literals were looked up in it). */
static int check_frame(const struct expr *e, const struct frame *f, char *err, size_t errlen) {
  if (!e || !f) { seterr(err, errlen, "no expression or no data frame", NULL); return -1; }
  for (size_t i = 0; i < e->ncols; i++) {
    const struct expr_colref *r = &e->cols[i];
    const struct frame_col *c = (size_t)r->idx < f->ncol ? f->col[r->idx] : NULL;
    if (!c || strcmp(c->name, r->name) != 0 || c->type != r->type || c->n < f->nrow ||
        (r->dict && (c->dict != r->dict || c->dict->n != r->dictn))) {
      seterr(err, errlen, "the data changed since the expression was compiled (column \"%s\"); "
             "compile it again", r->name);
      return -1;
    }
  }
  return 0;
}

static int ctx_open(struct ectx *cx, const struct expr *e, const struct frame *f, char *err,
                    size_t errlen) {
  size_t ns = (size_t)e->root->nslot;
  cx->f = f;
  cx->out0 = NULL;
  cx->data = malloc(ns * B * 8);
  cx->na = malloc(ns * B);
  if (!cx->data || !cx->na) {
    free(cx->data); free(cx->na);
    seterr(err, errlen, "not enough memory", NULL);
    return -1;
  }
  return 0;
}

static void ctx_close(struct ectx *cx) { free(cx->data); free(cx->na); }

static enum frame_type out_type(enum expr_vtype t) {
  switch (t) {
  case EV_F64: return FRAME_F64;
  case EV_I64: return FRAME_I64;
  case EV_BOOL: return FRAME_BOOL;
  case EV_DATE: return FRAME_DATE;
  default: return FRAME_CAT;
  }
}

/* Copy one block into the result column (unless it was written in place);
 * missing rows get NaN or 0 so no arbitrary value is ever stored.  The
 * column's missing-reason array is made on the first block that needs it;
 * blocks run on several threads, so it is published with a compare and
 * swap (a thread that loses frees its own). */
static int store_block(struct frame_col *c, _Atomic(uint8_t *) *nap, const struct vec *v,
                       size_t off, size_t len) {
  static const size_t sz[FRAME_NTYPES] = {8, 8, 1, 4, 4};
  if (c->type == FRAME_BOOL) {
    const uint8_t *x = v->v;
    for (size_t i = 0; i < len; i++) c->v.b[off + i] = x[i] != 0;
  } else if (v->v != (char *)c->v.raw + off * sz[c->type]) {   /* not written in place */
    memcpy((char *)c->v.raw + off * sz[c->type], v->v, len * sz[c->type]);
  }
  if (!v->na) return 0;
  uint8_t *na = atomic_load(nap);
  if (!na) {
    uint8_t *mine = calloc(c->cap ? c->cap : 1, 1), *none = NULL;
    if (!mine) return -1;
    if (atomic_compare_exchange_strong(nap, &none, mine)) na = mine;
    else { free(mine); na = none; }
  }
  memcpy(na + off, v->na, len);
  for (size_t i = off; i < off + len; i++) {
    if (!na[i]) continue;
    switch (c->type) {
    case FRAME_F64: c->v.f64[i] = NAN; break;
    case FRAME_I64: c->v.i64[i] = 0; break;
    case FRAME_BOOL: c->v.b[i] = 0; break;
    default: c->v.cat[i] = 0; break;
    }
  }
  return 0;
}

/* One chunk of rows of expr_eval (chunks.h): every row's value depends on
 * that row alone, so the chunks may run in any order on any thread and the
 * column is the same bytes. */
struct eval_part {
  const struct expr *e;
  const struct frame *f;
  struct frame_col *c;
  _Atomic(uint8_t *) *na;
  size_t lo, hi;
  int failed;
};

static int eval_part_run(void *p) {
  static const size_t sz[FRAME_NTYPES] = {8, 8, 1, 4, 4};
  struct eval_part *t = p;
  struct ectx cx;
  if (ctx_open(&cx, t->e, t->f, NULL, 0) != 0) { t->failed = 1; return 0; }
  for (size_t off = t->lo; off < t->hi; off += B) {
    size_t len = t->hi - off < B ? t->hi - off : B;
    struct vec v;
    /* bool results are normalised to 0 and 1 on the way in, so not in place */
    cx.out0 = t->c->type == FRAME_BOOL ? NULL : (char *)t->c->v.raw + off * sz[t->c->type];
    ev(t->e->root, &cx, off, len, 0, &v);
    if (store_block(t->c, t->na, &v, off, len) != 0) { t->failed = 1; break; }
  }
  ctx_close(&cx);
  return 0;
}

struct frame_col *expr_eval(const struct expr *e, const struct frame *f, const char *name,
                            char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  if (check_frame(e, f, err, errlen) != 0) return NULL;
  size_t nrow = f->nrow, nc = chunks_count(nrow);
  struct frame_col *c = frame_col_new(name ? name : "value", out_type(e->root->type), nrow,
                                      e->root->dict);
  struct eval_part *part = calloc(nc, sizeof *part);
  if (!c || !part || frame_col_resize(c, nrow) != 0) {
    frame_col_free(c); free(part);
    seterr(err, errlen, "not enough memory", NULL);
    return NULL;
  }
  _Atomic(uint8_t *) na;
  atomic_init(&na, NULL);
  for (size_t k = 0; k < nc; k++)
    part[k] = (struct eval_part){e, f, c, &na, nrow * k / nc, nrow * (k + 1) / nc, 0};
  chunks_run(eval_part_run, part, sizeof *part, nc);
  int failed = 0;
  for (size_t k = 0; k < nc; k++) failed |= part[k].failed;
  c->na = atomic_load(&na);
  free(part);
  if (failed) {
    frame_col_free(c);
    seterr(err, errlen, "not enough memory", NULL);
    return NULL;
  }
  return c;
}

/* One chunk of expr_select: the chunk's rows where the expression is true
 * into its bitmap, and their count. */
struct sel_part {
  const struct expr *e;
  const struct frame *f;
  struct frame_sel *s;
  size_t c;
  int failed;
};

_Static_assert(B % 64 == 0, "expr_select fills whole 64-bit words a block");

/* Each of 8 bytes as one bit: 1 where the byte is not 0 (bit i for byte i).
 * OR-ing a byte's bits down into its bit 0 never mixes in the next byte's
 * (those land in bits 4 and up and are masked off); the multiply then
 * gathers the 8 bit-0s into the top byte. */
static inline uint64_t nonzero8(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  w |= w >> 4;
  w |= w >> 2;
  w |= w >> 1;
  return w & 0x0101010101010101ull;
}

/* Bits of the 8 rows at x: true (x not 0) and not missing (na 0 or NULL). */
static inline uint64_t pack8(const uint8_t *x, const uint8_t *na) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t w = nonzero8(x);
  if (na) w &= nonzero8(na) ^ 0x0101010101010101ull;
  return (w * 0x0102040810204080ull) >> 56;
#else   /* byte i is not bits 8i..8i+7 of the word: one row at a time */
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) bits |= (uint64_t)((x[i] != 0) & (!na || na[i] == 0)) << i;
  return bits;
#endif
}

static int sel_part_run(void *p) {
  struct sel_part *t = p;
  struct frame_sel *s = t->s;
  size_t lo = s->n * t->c / s->nc, hi = s->n * (t->c + 1) / s->nc, k = 0;
  uint64_t *w = s->bits + t->c * s->words;
  struct ectx cx;
  if (ctx_open(&cx, t->e, t->f, NULL, 0) != 0) { t->failed = 1; return 0; }
  for (size_t off = lo; off < hi; off += B) {   /* B is a multiple of 64: whole words */
    size_t len = hi - off < B ? hi - off : B;
    struct vec v;
    ev(t->e->root, &cx, off, len, 0, &v);
    const uint8_t *x = v.v, *na = v.na;
    uint64_t *wb = w + (off - lo) / 64;
    for (size_t q = 0; q * 64 < len; q++) {
      size_t e = len - q * 64 < 64 ? len - q * 64 : 64;
      uint64_t bits = 0;
      if (e == 64) {
        for (size_t g = 0; g < 8; g++)
          bits |= pack8(x + q * 64 + g * 8, na ? na + q * 64 + g * 8 : NULL) << (g * 8);
      } else if (na) {
        for (size_t i = 0; i < e; i++) bits |= (uint64_t)((x[q * 64 + i] != 0) & (na[q * 64 + i] == 0)) << i;
      } else {
        for (size_t i = 0; i < e; i++) bits |= (uint64_t)(x[q * 64 + i] != 0) << i;
      }
      wb[q] = bits;
      k += (size_t)__builtin_popcountll(bits);
    }
  }
  s->count[t->c] = k;
  ctx_close(&cx);
  return 0;
}

int expr_select(const struct expr *e, const struct frame *f, struct frame_sel *s, char *err,
                size_t errlen) {
  if (err && errlen) err[0] = '\0';
  memset(s, 0, sizeof *s);
  if (check_frame(e, f, err, errlen) != 0) return -1;
  if (e->root->type != EV_BOOL) {
    seterr(err, errlen, "a filter must be true or false for each row, but this expression gives "
           "%s (compare it, e.g. x > 0)", expr_type_noun(e->root->type));
    return -1;
  }
  struct sel_part *part = NULL;
  if (frame_sel_init(s, f->nrow) != 0 || !(part = calloc(s->nc, sizeof *part))) {
    frame_sel_free(s);
    seterr(err, errlen, "not enough memory", NULL);
    return -1;
  }
  for (size_t c = 0; c < s->nc; c++) part[c] = (struct sel_part){e, f, s, c, 0};
  if (f->nrow) chunks_run(sel_part_run, part, sizeof *part, s->nc);
  int failed = 0;
  for (size_t c = 0; c < s->nc; c++) failed |= part[c].failed;
  free(part);
  if (failed) {
    frame_sel_free(s);
    seterr(err, errlen, "not enough memory", NULL);
    return -1;
  }
  return 0;
}

size_t *expr_filter(const struct expr *e, const struct frame *f, size_t *m, char *err,
                    size_t errlen) {
  if (m) *m = 0;
  struct frame_sel sel;
  if (expr_select(e, f, &sel, err, errlen) != 0) return NULL;
  size_t k = frame_sel_total(&sel);
  size_t *idx = malloc((k ? k : 1) * sizeof *idx);
  if (!idx) {
    frame_sel_free(&sel);
    seterr(err, errlen, "not enough memory", NULL);
    return NULL;
  }
  frame_sel_rows(&sel, idx);
  frame_sel_free(&sel);
  if (m) *m = k;
  return idx;
}
