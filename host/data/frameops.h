/* host/data/frameops.h -- relational operations on data frames: select, rename,
 * sort, grouped aggregation, joins, pivots and row binding.
 *
 * Pure C (no Lua), no global state.  Every operation returns a NEW frame and
 * never modifies its inputs (categorical columns share their dictionary with
 * the input by reference count).  On error it returns NULL and writes a
 * message into err (errlen bytes, may be NULL/0), naming the operation and
 * the column: 'sort: no column "yeer" (did you mean "year"?)'.
 *
 * Missing values: a value is missing when it is marked with a reason
 * (enum frame_na) or, in a float64 column, when it is NaN.  Values an
 * operation has to invent (an unmatched join row, a pivot cell with no row,
 * a column absent from one of the frames bound, the mean of a group with no
 * values) are missing with reason NA_CALC.  Missing values that are copied
 * keep their reason.  The rules per operation are in docs/frames.md.
 *
 * Implemented in frameops.c (select, rename, sort, shared helpers),
 * frameops_group.c (aggregate), frameops_join.c (join) and frameops_pivot.c
 * (pivot_longer, pivot_wider, bind_rows).  Bound to Lua in lframe_rel.c. */
#ifndef CSC_FRAMEOPS_H
#define CSC_FRAMEOPS_H

#include <stddef.h>

#include "frame.h"

/* Columns names[0..n-1], in that order.  A name given twice is an error. */
struct frame *frameops_select(const struct frame *f, const char *const *names, size_t n,
                              char *err, size_t errlen);

/* Column from[k] renamed to[k]; other columns unchanged, order kept.  Errors:
 * unknown column, a column renamed twice, a resulting duplicate name. */
struct frame *frameops_rename(const struct frame *f, const char *const *from,
                              const char *const *to, size_t n, char *err, size_t errlen);

/* Rows ordered by keys[0], then keys[1], ...; desc[k] nonzero sorts key k in
 * decreasing order (desc may be NULL: all increasing).  Stable: rows that tie
 * on every key keep their order.  Missing values sort last whatever the
 * direction (R's order(na.last = TRUE), dplyr's arrange).  Text sorts by the
 * bytes of the string (C locale), not by dictionary code. */
struct frame *frameops_sort(const struct frame *f, const char *const *keys, const int *desc,
                            size_t nkeys, char *err, size_t errlen);

/* ===== grouped aggregation ===== */

enum frameops_agg {
  FRAMEOPS_COUNT,       /* rows in the group (column not needed) -> int64 */
  FRAMEOPS_N,           /* non-missing values -> int64 */
  FRAMEOPS_SUM,         /* int64/bool -> int64 (overflow is an error); float64 -> float64 */
  FRAMEOPS_MEAN,        /* -> float64 */
  FRAMEOPS_SD,          /* sample standard deviation, n - 1 denominator -> float64 */
  FRAMEOPS_VAR,         /* sample variance, n - 1 denominator -> float64 */
  FRAMEOPS_MIN,         /* any type; text by string bytes -> same type */
  FRAMEOPS_MAX,
  FRAMEOPS_MEDIAN,      /* = quantile 0.5 -> float64 */
  FRAMEOPS_QUANTILE,    /* p in [0, 1], R's quantile type 7 -> float64 */
  FRAMEOPS_FIRST,       /* first non-missing value in row order -> same type */
  FRAMEOPS_LAST,        /* last non-missing value in row order -> same type */
  FRAMEOPS_N_DISTINCT,  /* distinct non-missing values -> int64 */
  FRAMEOPS_NAGG
};

struct frameops_aggspec {
  enum frameops_agg fn;
  const char *column;   /* input column; ignored (may be NULL) for FRAMEOPS_COUNT */
  const char *name;     /* output column name */
  double p;             /* FRAMEOPS_QUANTILE only */
};

/* Name of fn ("count", "n_distinct", ...); fn for a name (0 ok, -1 unknown);
 * the closest known name within two edits, or NULL. */
const char *frameops_agg_name(enum frameops_agg fn);
int frameops_agg_parse(const char *s, enum frameops_agg *out);
const char *frameops_agg_suggest(const char *s);

/* One row per distinct combination of keys[0..nkeys-1] (any types; a missing
 * key value is a group of its own), in increasing order of the keys (as
 * frameops_sort, missing last), holding the key columns and then one column
 * per aggregate.  Aggregates skip missing values (R's na.rm = TRUE): sum of
 * nothing is 0, n and n_distinct 0; mean, sd, var (fewer than 2 values), min,
 * max, median, quantile, first and last of nothing are missing (NA_CALC).
 * With nkeys == 0 the whole frame is one group and the result has one row,
 * even for a frame with no rows. */
struct frame *frameops_aggregate(const struct frame *f, const char *const *keys, size_t nkeys,
                                 const struct frameops_aggspec *aggs, size_t naggs,
                                 char *err, size_t errlen);

/* ===== joins ===== */

enum frameops_how { FRAMEOPS_LEFT, FRAMEOPS_INNER };

/* Suffixes for non-key columns present in both frames (NULL: ".x", ".y"). */
/* Largest join result, in rows: beyond it frameops_join fails with a message
 * (a repeated key on both sides) instead of allocating gigabytes. */
#define FRAMEOPS_JOIN_MAX_ROWS ((size_t)100000000)

struct frameops_join_opts {
  const char *suffix_x;
  const char *suffix_y;
};

/* Rows of left matched to rows of right where left[keys_left[k]] equals
 * right[keys_right[k]] for every k.  Row order: left rows in order, each
 * followed by its matches in right order (dplyr).  Many-to-one and
 * many-to-many both work.  LEFT keeps unmatched left rows, with the right
 * columns missing (NA_CALC); INNER drops them.
 * Columns: every left column, then the right non-key columns.  A non-key
 * name in both frames gets suffix_x on the left and suffix_y on the right; a
 * right non-key column named like a left key gets suffix_y.
 * Keys compare by value: text by string (the dictionaries may differ), int64
 * against float64 numerically (2 matches 2.0); other type pairs are an
 * error.  A missing key never matches anything, not even another missing key
 * (SQL and R's merge(incomparables = NA); dplyr's default differs). */
struct frame *frameops_join(const struct frame *left, const struct frame *right,
                            const char *const *keys_left, const char *const *keys_right,
                            size_t nkeys, enum frameops_how how,
                            const struct frameops_join_opts *opts, char *err, size_t errlen);

/* ===== reshaping ===== */

/* Long form: for each input row in order, one row per value column (in the
 * order given) holding the id columns, names_to (text: the value column's
 * name) and values_to (the value).  id_cols NULL: every column not in
 * value_cols.  Value columns must share a type; int64 with float64 gives
 * float64, text columns with different dictionaries are merged, and a column
 * whose values are all missing fits any type.  Missing values are kept. */
struct frame *frameops_pivot_longer(const struct frame *f, const char *const *id_cols, size_t nid,
                                    const char *const *value_cols, size_t nval,
                                    const char *names_to, const char *values_to,
                                    char *err, size_t errlen);

/* Wide form: one row per distinct combination of the id columns (order of
 * first appearance), then one column per distinct value of names_from (text
 * or int64, never missing) in increasing order (text by bytes, integers
 * numerically), holding values_from.  id_cols NULL: every column except
 * names_from and values_from.  Two rows with the same id and name are an
 * error naming both; a combination with no row is missing (NA_CALC). */
struct frame *frameops_pivot_wider(const struct frame *f, const char *const *id_cols, size_t nid,
                                   const char *names_from, const char *values_from,
                                   char *err, size_t errlen);

/* Rows of frames[0], then frames[1], ...  Columns are matched by name, in
 * order of first appearance; a column a frame lacks is missing (NA_CALC)
 * there.  Types combine as in pivot_longer; any other pair (date with text)
 * is an error naming the column and the two frames.  n == 0 gives an empty
 * frame. */
struct frame *frameops_bind_rows(const struct frame *const *frames, size_t n,
                                 char *err, size_t errlen);

#endif
