/* host/data/frameops_int.h -- helpers shared by frameops.c, frameops_group.c,
 * frameops_join.c and frameops_pivot.c; not for other modules. */
#ifndef CSC_FRAMEOPS_INT_H
#define CSC_FRAMEOPS_INT_H

#include <math.h>
#include <stdint.h>

#include "frameops.h"

/* "No row": an unmatched join row, a pivot cell nobody filled. */
#define FO_NONE SIZE_MAX

/* ===== errors ===== */
/* Format into err (if any); both return the failure value for tail calls. */
int fo_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
void *fo_nerr(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
/* "op: not enough memory" */
void *fo_oom(char *err, size_t errlen, const char *op);
/* Index of the column called name, or -1 after writing
 * 'op: no column "name"[ in the WHERE frame] (did you mean "x"?)'. */
int fo_col(const struct frame *f, const char *name, const char *op, const char *where,
           char *err, size_t errlen);
/* 0 when names[0..n-1] are all different, else -1 and 'op: WHAT "x" given twice'. */
int fo_distinct_names(const char *const *names, size_t n, const char *op, const char *what,
                      char *err, size_t errlen);

/* ===== values ===== */
int fo_missing(const struct frame_col *c, size_t i);       /* marked, or NaN in float64 */
enum frame_na fo_reason(const struct frame_col *c, size_t i); /* NA_CALC for a bare NaN */
/* Column of n rows, storage ready, no value missing yet. */
struct frame_col *fo_col_alloc(const char *name, enum frame_type t, size_t n,
                               struct frame_dict *dict);
/* Row i of c missing with reason why (value set to NaN or 0).  -1 on OOM. */
int fo_set_missing(struct frame_col *c, size_t i, enum frame_na why);
/* dst[di] = src[si]: same type, int64/bool into float64, text between
 * dictionaries; a missing value keeps its reason.  -1 on OOM. */
int fo_copy_value(struct frame_col *dst, size_t di, const struct frame_col *src, size_t si);
/* Rows idx[0..m-1] of c as a new column called name; idx[i] == FO_NONE gives
 * a missing value with reason why. */
struct frame_col *fo_take(const struct frame_col *c, const size_t *idx, size_t m,
                          const char *name, enum frame_na why);
/* The value as text for messages: "E09000001", "2020", "NA". */
void fo_format_value(const struct frame_col *c, size_t i, char *buf, size_t len);

/* Type of one column stacking cols[0..n-1] (NULL entries skipped): equal
 * types; int64 with float64 -> float64; a column with every value missing
 * fits anything.  0 ok; -1 with *bad_a, *bad_b the clashing positions.
 * *dict is the one dictionary all text columns share, or NULL when a new
 * merged one is needed (or the type is not text). */
int fo_common_type(const struct frame_col *const *cols, size_t n, enum frame_type *out,
                   struct frame_dict **dict, size_t *bad_a, size_t *bad_b);

/* ===== keys: comparing, hashing ===== */
struct fo_key {
  const struct frame_col *c;
  int desc;
  int32_t *rank;       /* text: rank of each dictionary code in byte order */
  uint64_t *chash;     /* text: hash of each dictionary code's string */
};
/* 0 ok, -1 OOM.  fo_key_free is safe on a zeroed or failed key. */
int fo_key_init(struct fo_key *k, const struct frame_col *c, int desc);
void fo_key_free(struct fo_key *k);
/* Order of rows a and b of the same frame by every key (missing last). */
int fo_cmp_rows(const struct fo_key *k, size_t nk, size_t a, size_t b);
/* Stable merge sort of idx[0..n-1] by fo_cmp_rows.  0 ok, -1 OOM. */
int fo_sort_idx(size_t *idx, size_t n, const struct fo_key *k, size_t nk);
/* Hash of a row's key values; equal values hash equally across frames
 * (text by string, int64 and whole float64 alike). */
uint64_t fo_hash_row(const struct fo_key *k, size_t nk, size_t i);
/* Row a (keys ka) equals row b (keys kb) on every key.  Two missing values
 * are equal when miss_eq, else never equal. */
int fo_eq_rows(const struct fo_key *ka, size_t a, const struct fo_key *kb, size_t b, size_t nk,
               int miss_eq);
int fo_any_missing(const struct fo_key *k, size_t nk, size_t i);

/* Distinct key combinations, numbered in order of first appearance.
 * Open addressing on the key hash; grows with the number of groups. */
struct fo_groups {
  size_t n, cap;       /* groups, room in rep/hash */
  size_t *rep;         /* first row of each group */
  uint64_t *hash;
  size_t *slot;        /* group + 1, 0 = empty */
  size_t nslot;        /* power of two */
};
int fo_groups_init(struct fo_groups *g);
void fo_groups_free(struct fo_groups *g);
/* Group of row i (new group if its keys are new; missing keys form groups).
 * -1 on OOM. */
int fo_groups_add(struct fo_groups *g, const struct fo_key *k, size_t nk, size_t i, size_t *gid);
/* Group whose keys (kg) equal row i of another frame (keys kq), or FO_NONE.
 * Missing values never match. */
size_t fo_groups_find(const struct fo_groups *g, const struct fo_key *kg,
                      const struct fo_key *kq, size_t nk, size_t i);

/* Overflow-checked a * b into *out; -1 on overflow. */
int fo_mul(size_t a, size_t b, size_t *out);

/* ===== group-by internals (frameops_group.c, frameops_gfused.c) ===== */

/* Neumaier's compensated sum (an improved Kahan summation). */
struct fo_nsum { double s, c; };
static inline void fo_nsum_add(struct fo_nsum *a, double x) {
  double t = a->s + x;
  int s_big = fabs(a->s) >= fabs(x);   /* selects, not a branch: the same sums */
  double big = s_big ? a->s : x, small = s_big ? x : a->s;
  a->c += (big - t) + small;
  a->s = t;
}
static inline double fo_nsum_get(const struct fo_nsum *a) { return a->s + a->c; }
/* The mean of m > 0 values from their compensated sum, in one pass: the
 * sum's rounded value hi and what its rounding left out lo (exact, as
 * |s| >= |c|), then the quotient q = hi / m corrected by the exact
 * remainder of the division, hi - q m (one fma), plus lo:
 * q + (fma(-q, m, hi) + lo) / m.  This is the mean of the compensated sum
 * to about half an ulp, which is what R's mean() gets with its second pass
 * over the values (the mean of the residuals from the first quotient); see
 * docs/frames.md for the comparison with R. */
static inline double fo_nsum_mean(const struct fo_nsum *a, int64_t m) {
  double n = (double)m, hi = a->s + a->c, q = hi / n;
  if (!isfinite(q)) return q;
  double lo = a->c - (hi - a->s);
  return q + (fma(-q, n, hi) + lo) / n;
}

/* Totals of count, n, sum, mean, var, sd for one group. */
struct fo_gstat {
  struct fo_nsum s;     /* sum of values */
  double mean, ss, dev; /* mean; squared deviations and deviations from it */
  int64_t m, isum;      /* values present; exact int sum */
  int fin, bad;         /* mean finite; int sum overflowed */
};

/* BODY runs for every present value of c (float64, int64 or bool) in rows
 * lo..hi-1 with i its row and double x its value: float64 NaN or a marked
 * row is missing. */
#define FO_EACH_VALUE(c, lo, hi, BODY)                                                  \
  do {                                                                                  \
    const uint8_t *na_ = (c)->na;                                                       \
    if ((c)->type == FRAME_F64) {                                                       \
      const double *v_ = (c)->v.f64;                                                    \
      for (size_t i = (lo); i < (hi); i++) {                                            \
        double x = v_[i];                                                               \
        if (x != x || (na_ && na_[i])) continue;                                        \
        BODY;                                                                           \
      }                                                                                 \
    } else if ((c)->type == FRAME_I64) {                                                \
      const int64_t *v_ = (c)->v.i64;                                                   \
      for (size_t i = (lo); i < (hi); i++) {                                            \
        if (na_ && na_[i]) continue;                                                    \
        double x = (double)v_[i];                                                       \
        BODY;                                                                           \
      }                                                                                 \
    } else {                                                                            \
      const uint8_t *v_ = (c)->v.b;                                                     \
      for (size_t i = (lo); i < (hi); i++) {                                            \
        if (na_ && na_[i]) continue;                                                    \
        double x = v_[i];                                                               \
        BODY;                                                                           \
      }                                                                                 \
    }                                                                                   \
  } while (0)

/* After the sums: each group's mean (fo_nsum_mean) and whether it is
 * finite. */
void fo_stream_means(struct fo_gstat *st, size_t ng);
/* The output column of aggregate a (n, sum, mean, var or sd) of column c
 * from the totals st[0..ng-1] in output order; NULL after writing err. */
struct frame_col *fo_stream_finish(const struct frameops_aggspec *a, const struct frame_col *c,
                                   const struct fo_gstat *st, size_t ng, char *err, size_t errlen);
/* Aggregates the fused path takes at once. */
#define FO_FUSED_MAX_AGGS 64
/* Group-by on a single key of small whole numbers in one fused pass
 * (frameops_gfused.c).  1: done, *out the result or NULL after writing err;
 * 0: not that kind of key or aggregate (nothing written); -1: out of memory. */
int fo_aggregate_fused(const struct frame_col *key, const struct frame_col *const *cols,
                       const struct frameops_aggspec *aggs, size_t naggs, size_t n,
                       struct frame **out, char *err, size_t errlen);

#endif
