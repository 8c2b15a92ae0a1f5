/* tests/c/test_frameops.c -- cmocka tests for the relational frame
 * operations (host/frameops*.c) on hand-built frames: select, rename, sort
 * (stability, missing last, text by string), aggregate (every function,
 * missing values, quantile type 7 and sd against R), joins (many-to-many,
 * suffixes, key types, missing keys), pivots (round trip, promotion,
 * duplicates) and bind_rows (promotion, merged dictionaries), and every
 * error message.  Expected values were worked by hand or with R 4.x. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/chunks.h"
#include "data/denserank.h"
#include "num/vcov.h"
#include "data/frameops.h"

/* ===== building frames ===== */

#define NI INT64_MIN   /* a missing int64 in the builders below */

static struct frame_col *new_col(const char *name, enum frame_type t, size_t n) {
  struct frame_col *c = frame_col_new(name, t, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  return c;
}

static struct frame_col *mk_f64(const char *name, size_t n, const double *v) {
  struct frame_col *c = new_col(name, FRAME_F64, n);
  for (size_t i = 0; i < n; i++) {
    c->v.f64[i] = v[i];
    if (isnan(v[i])) assert_int_equal(frame_col_set_na(c, i, NA_NA), 0);
  }
  return c;
}

static struct frame_col *mk_i64(const char *name, size_t n, const int64_t *v) {
  struct frame_col *c = new_col(name, FRAME_I64, n);
  for (size_t i = 0; i < n; i++) {
    c->v.i64[i] = v[i] == NI ? 0 : v[i];
    if (v[i] == NI) assert_int_equal(frame_col_set_na(c, i, NA_NA), 0);
  }
  return c;
}

static struct frame_col *mk_bool(const char *name, size_t n, const int *v) {
  struct frame_col *c = new_col(name, FRAME_BOOL, n);
  for (size_t i = 0; i < n; i++) {
    c->v.b[i] = v[i] == 1;
    if (v[i] < 0) assert_int_equal(frame_col_set_na(c, i, NA_NA), 0);
  }
  return c;
}

static struct frame_col *mk_cat(const char *name, size_t n, const char *const *s) {
  struct frame_col *c = new_col(name, FRAME_CAT, n);
  for (size_t i = 0; i < n; i++) {
    if (!s[i]) { c->v.cat[i] = 0; assert_int_equal(frame_col_set_na(c, i, NA_C), 0); continue; }
    c->v.cat[i] = frame_dict_intern(c->dict, s[i], strlen(s[i]));
    assert_true(c->v.cat[i] >= 0);
  }
  return c;
}

static struct frame_col *mk_date(const char *name, size_t n, const char *const *s) {
  struct frame_col *c = new_col(name, FRAME_DATE, n);
  for (size_t i = 0; i < n; i++) {
    if (!s[i]) { c->v.date[i] = 0; assert_int_equal(frame_col_set_na(c, i, NA_BLANK), 0); continue; }
    assert_int_equal(frame_date_parse(s[i], strlen(s[i]), &c->v.date[i]), 0);
  }
  return c;
}

#define COUNT(T, ...) (sizeof((T[]){__VA_ARGS__}) / sizeof(T))
#define F64(name, ...) mk_f64(name, COUNT(double, __VA_ARGS__), (double[]){__VA_ARGS__})
#define I64(name, ...) mk_i64(name, COUNT(int64_t, __VA_ARGS__), (int64_t[]){__VA_ARGS__})
#define BOOL(name, ...) mk_bool(name, COUNT(int, __VA_ARGS__), (int[]){__VA_ARGS__})
#define CAT(name, ...) \
  mk_cat(name, COUNT(const char *, __VA_ARGS__), (const char *[]){__VA_ARGS__})
#define DATE(name, ...) \
  mk_date(name, COUNT(const char *, __VA_ARGS__), (const char *[]){__VA_ARGS__})
#define FRAME(...) mk_frame(__VA_ARGS__, NULL)
#define NAMES(...) (const char *[]){__VA_ARGS__}

static struct frame *mk_frame(struct frame_col *first, ...) {
  struct frame *f = frame_new();
  assert_non_null(f);
  va_list ap;
  va_start(ap, first);
  for (struct frame_col *c = first; c; c = va_arg(ap, struct frame_col *))
    assert_int_equal(frame_add(f, c), 0);
  va_end(ap);
  return f;
}

/* ===== reading results ===== */

static const struct frame_col *col(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  if (j < 0) fail_msg("no column \"%s\"", name);
  return f->col[j];
}

/* Reason a value is missing (NA_CALC for a bare NaN), or NA_NONE. */
static int na(const struct frame *f, const char *name, size_t i) {
  const struct frame_col *c = col(f, name);
  assert_true(i < c->n);
  if (c->na && c->na[i]) return c->na[i];
  if (c->type == FRAME_F64 && isnan(c->v.f64[i])) return NA_CALC;
  return NA_NONE;
}

static double fv(const struct frame *f, const char *name, size_t i) {
  const struct frame_col *c = col(f, name);
  if (na(f, name, i)) fail_msg("%s[%zu] is missing", name, i);
  assert_int_equal(c->type, FRAME_F64);
  return c->v.f64[i];
}

static int64_t iv(const struct frame *f, const char *name, size_t i) {
  const struct frame_col *c = col(f, name);
  if (na(f, name, i)) fail_msg("%s[%zu] is missing", name, i);
  assert_int_equal(c->type, FRAME_I64);
  return c->v.i64[i];
}

static const char *sv(const struct frame *f, const char *name, size_t i) {
  const struct frame_col *c = col(f, name);
  if (na(f, name, i)) fail_msg("%s[%zu] is missing", name, i);
  assert_int_equal(c->type, FRAME_CAT);
  return c->dict->str[c->v.cat[i]];
}

static void assert_names(const struct frame *f, const char *want) {
  char got[512] = "";
  for (size_t j = 0; j < f->ncol; j++) {
    if (j) strcat(got, ",");
    strcat(got, f->col[j]->name);
  }
  assert_string_equal(got, want);
}

/* The int64 column as "1,2,NA" */
static void assert_ints(const struct frame *f, const char *name, const char *want) {
  char got[1024] = "";
  const struct frame_col *c = col(f, name);
  assert_int_equal(c->type, FRAME_I64);
  for (size_t i = 0; i < c->n; i++) {
    char b[32];
    if (na(f, name, i)) snprintf(b, sizeof b, "%sNA", i ? "," : "");
    else snprintf(b, sizeof b, "%s%lld", i ? "," : "", (long long)c->v.i64[i]);
    strcat(got, b);
  }
  assert_string_equal(got, want);
}

static void assert_strs(const struct frame *f, const char *name, const char *want) {
  char got[1024] = "";
  const struct frame_col *c = col(f, name);
  assert_int_equal(c->type, FRAME_CAT);
  for (size_t i = 0; i < c->n; i++) {
    if (i) strcat(got, ",");
    strcat(got, na(f, name, i) ? "NA" : c->dict->str[c->v.cat[i]]);
  }
  assert_string_equal(got, want);
}

static void expect_fail(struct frame *r, const char *err, const char *want) {
  if (r) { frame_free(r); fail_msg("expected the error: %s", want); }
  assert_string_equal(err, want);
}

/* Relative 1e-12 (absolute below 1). */
static void near_(double got, double want, int line) {
  if (!(fabs(got - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1)))
    fail_msg("line %d: got %.17g, needed %.17g", line, got, want);
}
#define NEAR(a, b) near_((a), (b), __LINE__)

/* ===== select, rename ===== */

static void test_select_orders_and_copies_columns(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("a", 1, 2, NI), CAT("b", "x", NULL, "y"), F64("c", 0.5, 1.5, 2.5));
  char err[256] = "";
  struct frame *o = frameops_select(f, NAMES("c", "a"), 2, err, sizeof err);
  assert_non_null(o);
  assert_names(o, "c,a");
  assert_int_equal(o->nrow, 3);
  assert_ints(o, "a", "1,2,NA");
  assert_int_equal(na(o, "a", 2), NA_NA);
  assert_true(col(o, "a") != col(f, "a"));        /* a copy, not shared storage */
  frame_free(o);
  o = frameops_select(f, NULL, 0, err, sizeof err);
  assert_non_null(o);
  assert_int_equal(o->ncol, 0);
  assert_int_equal(o->nrow, 3);
  frame_free(o);
  assert_names(f, "a,b,c");
  frame_free(f);
}

static void test_select_errors(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("year", 1), I64("rate", 2));
  char err[256];
  expect_fail(frameops_select(f, NAMES("yeer"), 1, err, sizeof err), err,
              "select: no column \"yeer\" (did you mean \"year\"?)");
  expect_fail(frameops_select(f, NAMES("population"), 1, err, sizeof err), err,
              "select: no column \"population\"");
  expect_fail(frameops_select(f, NAMES("rate", "year", "rate"), 3, err, sizeof err), err,
              "select: column \"rate\" given twice");
  frame_free(f);
}

static void test_rename_keeps_order_and_allows_swaps(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("a", 1), I64("b", 2), I64("c", 3));
  char err[256];
  struct frame *o = frameops_rename(f, NAMES("c", "a"), NAMES("z", "x"), 2, err, sizeof err);
  assert_non_null(o);
  assert_names(o, "x,b,z");
  assert_int_equal(iv(o, "z", 0), 3);
  frame_free(o);
  o = frameops_rename(f, NAMES("a", "b"), NAMES("b", "a"), 2, err, sizeof err);
  assert_non_null(o);
  assert_names(o, "b,a,c");
  assert_int_equal(iv(o, "b", 0), 1);
  frame_free(o);
  assert_names(f, "a,b,c");
  frame_free(f);
}

static void test_rename_errors(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("la_code", 1), I64("b", 2));
  char err[256];
  expect_fail(frameops_rename(f, NAMES("la_cod"), NAMES("x"), 1, err, sizeof err), err,
              "rename: no column \"la_cod\" (did you mean \"la_code\"?)");
  expect_fail(frameops_rename(f, NAMES("b"), NAMES("la_code"), 1, err, sizeof err), err,
              "rename: renaming \"b\" to \"la_code\" would give two columns called \"la_code\"");
  expect_fail(frameops_rename(f, NAMES("b", "b"), NAMES("x", "y"), 2, err, sizeof err), err,
              "rename: column \"b\" given twice");
  expect_fail(frameops_rename(f, NAMES("b"), NAMES(""), 1, err, sizeof err), err,
              "rename: the new name for \"b\" is empty");
  frame_free(f);
}

/* ===== sort ===== */

static struct frame *sort_frame(void) {
  /* dictionary order b, a, c: sorting must use the strings, not the codes */
  return FRAME(CAT("g", "b", "a", "c", "a", "b", NULL), I64("x", 2, 5, 1, 5, NI, 3),
               I64("id", 1, 2, 3, 4, 5, 6));
}

static void check_sort(const struct frame *f, const char *const *keys, const int *desc,
                       size_t nk, const char *want) {
  char err[256] = "";
  struct frame *o = frameops_sort(f, keys, desc, nk, err, sizeof err);
  if (!o) fail_msg("sort failed: %s", err);
  assert_ints(o, "id", want);
  frame_free(o);
}

static void test_sort_text_by_string_missing_last(void **state) {
  (void)state;
  struct frame *f = sort_frame();
  check_sort(f, NAMES("g"), NULL, 1, "2,4,1,5,3,6");
  check_sort(f, NAMES("g"), (int[]){1}, 1, "3,1,5,2,4,6");      /* missing still last */
  check_sort(f, NAMES("x"), (int[]){1}, 1, "2,4,6,1,3,5");      /* ties 2,4 keep order */
  check_sort(f, NAMES("x"), (int[]){0}, 1, "3,1,6,2,4,5");
  check_sort(f, NAMES("g", "x"), (int[]){0, 1}, 2, "2,4,1,5,3,6");
  check_sort(f, NAMES("x", "g"), (int[]){1, 1}, 2, "2,4,6,1,3,5");
  check_sort(f, NULL, NULL, 0, "1,2,3,4,5,6");
  assert_ints(f, "id", "1,2,3,4,5,6");                          /* input untouched */
  frame_free(f);
}

static void test_sort_float_dates_bools_and_bare_nan(void **state) {
  (void)state;
  struct frame *f = FRAME(F64("v", 2.5, -1, 0.0, 7), DATE("d", "2020-03-01", NULL, "01/01/2019", "2021-01-01"),
                          BOOL("b", 1, 0, -1, 0), I64("id", 1, 2, 3, 4));
  struct frame_col *v = f->col[0];
  v->v.f64[3] = NAN;          /* NaN without a reason counts as missing */
  check_sort(f, NAMES("v"), NULL, 1, "2,3,1,4");
  check_sort(f, NAMES("v"), (int[]){1}, 1, "1,3,2,4");
  check_sort(f, NAMES("d"), NULL, 1, "3,1,4,2");
  check_sort(f, NAMES("b", "id"), (int[]){0, 1}, 2, "4,2,1,3");
  frame_free(f);
}

static void test_sort_is_stable_on_many_rows(void **state) {
  (void)state;
  enum { N = 1000 };
  int64_t k[N], id[N];
  for (int i = 0; i < N; i++) { k[i] = (i * 7919) % 13; id[i] = i; }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_i64("id", N, id));
  char err[256];
  struct frame *o = frameops_sort(f, NAMES("k"), NULL, 1, err, sizeof err);
  assert_non_null(o);
  for (size_t i = 1; i < N; i++) {
    int64_t a = iv(o, "k", i - 1), b = iv(o, "k", i);
    assert_true(a <= b);
    if (a == b) assert_true(iv(o, "id", i - 1) < iv(o, "id", i));
  }
  frame_free(o);
  o = frameops_sort(f, NAMES("k"), (int[]){1}, 1, err, sizeof err);
  assert_non_null(o);
  for (size_t i = 1; i < N; i++) {
    int64_t a = iv(o, "k", i - 1), b = iv(o, "k", i);
    assert_true(a >= b);
    if (a == b) assert_true(iv(o, "id", i - 1) < iv(o, "id", i));
  }
  frame_free(o);
  frame_free(f);
}

static void test_sort_errors(void **state) {
  (void)state;
  struct frame *f = sort_frame();
  char err[256];
  expect_fail(frameops_sort(f, NAMES("id", "gg"), NULL, 2, err, sizeof err), err,
              "sort: no column \"gg\" (did you mean \"g\"?)");
  frame_free(f);
}

/* ===== aggregate ===== */

static struct frame *agg_frame(void) {
  return FRAME(CAT("la", "E2", "E1", "E1", "E2", "E1", NULL, "E1", "E3"),
               I64("yr", 2020, 2020, 2021, 2020, 2020, 2020, 2020, 2020),
               F64("v", 1, 2, 3, NAN, 4, 5, 6, NAN));
}

static void test_aggregate_every_function_skips_missing(void **state) {
  (void)state;
  struct frame *f = agg_frame();
  const struct frameops_aggspec a[] = {
    {FRAMEOPS_COUNT, NULL, "count", 0}, {FRAMEOPS_N, "v", "n", 0},
    {FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_MEAN, "v", "mean", 0},
    {FRAMEOPS_SD, "v", "sd", 0}, {FRAMEOPS_VAR, "v", "var", 0},
    {FRAMEOPS_MIN, "v", "min", 0}, {FRAMEOPS_MAX, "v", "max", 0},
    {FRAMEOPS_MEDIAN, "v", "median", 0}, {FRAMEOPS_QUANTILE, "v", "q25", 0.25},
    {FRAMEOPS_FIRST, "v", "first", 0}, {FRAMEOPS_LAST, "v", "last", 0},
    {FRAMEOPS_N_DISTINCT, "v", "nd", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NAMES("la", "yr"), 2, a, 13, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "la,yr,count,n,sum,mean,sd,var,min,max,median,q25,first,last,nd");
  assert_int_equal(o->nrow, 5);
  /* groups sorted by key, the missing la last, keeping its reason */
  assert_strs(o, "la", "E1,E1,E2,E3,NA");
  assert_int_equal(na(o, "la", 4), NA_C);
  assert_ints(o, "yr", "2020,2021,2020,2020,2020");
  assert_ints(o, "count", "3,1,2,1,1");
  assert_ints(o, "n", "3,1,1,0,1");
  assert_ints(o, "nd", "3,1,1,0,1");
  /* E1 2020: 2, 4, 6 */
  NEAR(fv(o, "sum", 0), 12); NEAR(fv(o, "mean", 0), 4); NEAR(fv(o, "sd", 0), 2);
  NEAR(fv(o, "var", 0), 4); NEAR(fv(o, "min", 0), 2); NEAR(fv(o, "max", 0), 6);
  NEAR(fv(o, "median", 0), 4); NEAR(fv(o, "q25", 0), 3);
  NEAR(fv(o, "first", 0), 2); NEAR(fv(o, "last", 0), 6);
  /* one value: sd and var missing; E2 2020 has 1 and a missing value */
  assert_int_equal(na(o, "sd", 1), NA_CALC);
  assert_int_equal(na(o, "var", 2), NA_CALC);
  NEAR(fv(o, "mean", 2), 1);
  NEAR(fv(o, "last", 2), 1);
  /* E3: no values at all: sum 0, the rest missing (calculated) */
  NEAR(fv(o, "sum", 3), 0);
  const char *empty_na[] = {"mean", "sd", "var", "min", "max", "median", "q25", "first", "last"};
  for (size_t k = 0; k < sizeof empty_na / sizeof empty_na[0]; k++)
    assert_int_equal(na(o, empty_na[k], 3), NA_CALC);
  NEAR(fv(o, "sum", 4), 5);
  frame_free(o);
  frame_free(f);
}

static void test_aggregate_quantile_type7_and_sd_match_r(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("x", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
  const struct frameops_aggspec a[] = {
    {FRAMEOPS_QUANTILE, "x", "q90", 0.9}, {FRAMEOPS_QUANTILE, "x", "q25", 0.25},
    {FRAMEOPS_QUANTILE, "x", "q0", 0}, {FRAMEOPS_QUANTILE, "x", "q1", 1},
    {FRAMEOPS_MEDIAN, "x", "med", 0}, {FRAMEOPS_SD, "x", "sd", 0}, {FRAMEOPS_VAR, "x", "var", 0},
    {FRAMEOPS_SUM, "x", "sum", 0}, {FRAMEOPS_MEAN, "x", "mean", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NULL, 0, a, 9, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_int_equal(o->nrow, 1);
  NEAR(fv(o, "q90", 0), 9.1);                 /* R: quantile(1:10, 0.9) */
  NEAR(fv(o, "q25", 0), 3.25);
  NEAR(fv(o, "q0", 0), 1);
  NEAR(fv(o, "q1", 0), 10);
  NEAR(fv(o, "med", 0), 5.5);
  NEAR(fv(o, "sd", 0), 3.0276503540974917);   /* R: sd(1:10) */
  NEAR(fv(o, "var", 0), 9.1666666666666667);
  assert_int_equal(iv(o, "sum", 0), 55);      /* int64 in, int64 out */
  NEAR(fv(o, "mean", 0), 5.5);
  frame_free(o);
  frame_free(f);

  /* large offset: a one-pass sum of squares would lose every digit */
  f = FRAME(F64("x", 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16), F64("y", 2, 4, 4, 4),
            F64("z", 5, 5, 7, 9));
  const struct frameops_aggspec b[] = {
    {FRAMEOPS_VAR, "x", "var", 0}, {FRAMEOPS_SD, "y", "sd", 0}, {FRAMEOPS_MEDIAN, "z", "med", 0},
    {FRAMEOPS_QUANTILE, "z", "q", 0.1}};
  o = frameops_aggregate(f, NULL, 0, b, 4, err, sizeof err);
  assert_non_null(o);
  NEAR(fv(o, "var", 0), 30);
  NEAR(fv(o, "sd", 0), 1);                    /* R: sd(c(2, 4, 4, 4)) */
  NEAR(fv(o, "med", 0), 6);
  NEAR(fv(o, "q", 0), 5);                     /* R: quantile(c(5,5,7,9), 0.1) */
  frame_free(o);
  frame_free(f);
}

static void test_aggregate_types_text_min_max_bool_sum(void **state) {
  (void)state;
  struct frame *f = FRAME(CAT("s", "b", "a", "c", NULL), BOOL("t", 1, 1, -1, 0),
                          F64("z", 0.0, -0.0, 1, NAN), DATE("d", "2020-01-02", "2019-05-06", NULL, "2021-01-01"));
  const struct frameops_aggspec a[] = {
    {FRAMEOPS_MIN, "s", "smin", 0}, {FRAMEOPS_MAX, "s", "smax", 0},
    {FRAMEOPS_FIRST, "s", "sfirst", 0}, {FRAMEOPS_N_DISTINCT, "s", "snd", 0},
    {FRAMEOPS_SUM, "t", "tsum", 0}, {FRAMEOPS_MEAN, "t", "tmean", 0},
    {FRAMEOPS_N_DISTINCT, "z", "znd", 0}, {FRAMEOPS_MIN, "d", "dmin", 0},
    {FRAMEOPS_MAX, "d", "dmax", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NULL, 0, a, 9, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_string_equal(sv(o, "smin", 0), "a");
  assert_string_equal(sv(o, "smax", 0), "c");
  assert_string_equal(sv(o, "sfirst", 0), "b");
  assert_true(col(o, "smin")->dict == col(f, "s")->dict);   /* dictionary shared */
  assert_int_equal(iv(o, "snd", 0), 3);
  assert_int_equal(iv(o, "tsum", 0), 2);
  NEAR(fv(o, "tmean", 0), 2.0 / 3.0);
  assert_int_equal(iv(o, "znd", 0), 2);                      /* -0 and 0 are one value */
  char buf[16];
  assert_int_equal(col(o, "dmin")->type, FRAME_DATE);
  frame_date_format(col(o, "dmin")->v.date[0], buf);
  assert_string_equal(buf, "2019-05-06");
  frame_date_format(col(o, "dmax")->v.date[0], buf);
  assert_string_equal(buf, "2021-01-01");
  frame_free(o);
  frame_free(f);
}

static void test_aggregate_empty_frames(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("k", 1), F64("v", 1));
  struct frame *e = frame_take(f, NULL, 0);
  const struct frameops_aggspec a[] = {
    {FRAMEOPS_COUNT, NULL, "n", 0}, {FRAMEOPS_SUM, "v", "s", 0}, {FRAMEOPS_MEAN, "v", "m", 0}};
  char err[256];
  struct frame *o = frameops_aggregate(e, NULL, 0, a, 3, err, sizeof err);   /* no keys: one row */
  assert_non_null(o);
  assert_int_equal(o->nrow, 1);
  assert_int_equal(iv(o, "n", 0), 0);
  NEAR(fv(o, "s", 0), 0);
  assert_int_equal(na(o, "m", 0), NA_CALC);
  frame_free(o);
  o = frameops_aggregate(e, NAMES("k"), 1, a, 3, err, sizeof err);           /* keys: no rows */
  assert_non_null(o);
  assert_int_equal(o->nrow, 0);
  assert_names(o, "k,n,s,m");
  frame_free(o);
  o = frameops_aggregate(f, NAMES("k"), 1, NULL, 0, err, sizeof err);        /* distinct keys */
  assert_non_null(o);
  assert_names(o, "k");
  assert_int_equal(o->nrow, 1);
  frame_free(o);
  frame_free(e);
  frame_free(f);
}

static void test_aggregate_many_groups_uses_hash(void **state) {
  (void)state;
  enum { N = 5000, G = 777 };
  int64_t k[N];
  double v[N];
  for (int i = 0; i < N; i++) { k[i] = (G - 1) - i % G; v[i] = i; }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_COUNT, NULL, "n", 0}, {FRAMEOPS_FIRST, "v", "first", 0}};
  char err[256];
  struct frame *o = frameops_aggregate(f, NAMES("k"), 1, a, 2, err, sizeof err);
  assert_non_null(o);
  assert_int_equal(o->nrow, G);
  for (size_t g = 0; g < G; g++) {
    assert_int_equal(iv(o, "k", g), (int64_t)g);
    size_t first = G - 1 - g;                   /* row where k == g first appears */
    assert_int_equal(iv(o, "n", g), first < N % G ? 7 : 6);
    NEAR(fv(o, "first", g), (double)first);
  }
  frame_free(o);
  frame_free(f);
}

static void test_aggregate_errors(void **state) {
  (void)state;
  struct frame *f = agg_frame();
  char err[256];
  struct frameops_aggspec a = {FRAMEOPS_MEAN, "v", "m", 0};
  expect_fail(frameops_aggregate(f, NAMES("laa"), 1, &a, 1, err, sizeof err), err,
              "aggregate: no column \"laa\" (did you mean \"la\"?)");
  expect_fail(frameops_aggregate(f, NAMES("la", "la"), 2, &a, 1, err, sizeof err), err,
              "aggregate: group key \"la\" given twice");
  a.column = "vv";
  expect_fail(frameops_aggregate(f, NAMES("la"), 1, &a, 1, err, sizeof err), err,
              "aggregate: no column \"vv\" (did you mean \"v\"?)");
  a.column = "la";
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: \"m\": mean needs a number column, and \"la\" is text");
  a = (struct frameops_aggspec){FRAMEOPS_QUANTILE, "v", "q", 1.5};
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: \"q\": quantile probability 1.5 is not between 0 and 1");
  a = (struct frameops_aggspec){FRAMEOPS_SUM, NULL, "s", 0};
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: \"s\" (sum) needs a column");
  a = (struct frameops_aggspec){FRAMEOPS_SUM, "v", "la", 0};
  expect_fail(frameops_aggregate(f, NAMES("la"), 1, &a, 1, err, sizeof err), err,
              "aggregate: output column \"la\" is also a group key");
  struct frameops_aggspec two[] = {{FRAMEOPS_SUM, "v", "x", 0}, {FRAMEOPS_COUNT, NULL, "x", 0}};
  expect_fail(frameops_aggregate(f, NULL, 0, two, 2, err, sizeof err), err,
              "aggregate: output column \"x\" given twice");
  a = (struct frameops_aggspec){FRAMEOPS_SUM, "v", "", 0};
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: aggregate 1 (sum) has no output name");
  a = (struct frameops_aggspec){FRAMEOPS_NAGG, "v", "z", 0};
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: aggregate 1 has an unknown function");
  frame_free(f);

  f = FRAME(I64("big", INT64_MAX, 1));
  a = (struct frameops_aggspec){FRAMEOPS_SUM, "big", "s", 0};
  expect_fail(frameops_aggregate(f, NULL, 0, &a, 1, err, sizeof err), err,
              "aggregate: the sum of \"big\" for \"s\" overflows int64 in group 1; convert the "
              "column to float64 first");
  frame_free(f);
}

/* The groups of one key of small whole numbers (text codes, bool, dates,
 * int64 in a narrow range) are found by indexing a table; of anything else
 * (two keys, a wide int64 range) through the hash table.  Both must give the
 * same groups in the same order with the same bytes in every aggregate:
 * grouping by k alone is compared with grouping by k and a constant. */
static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 33;
}

static void assert_same_column(const struct frame_col *a, const struct frame_col *b) {
  static const size_t sz[FRAME_NTYPES] = {8, 8, 1, 4, 4};
  assert_int_equal(a->type, b->type);
  assert_int_equal(a->n, b->n);
  for (size_t i = 0; i < a->n; i++) {
    int ma = a->na ? a->na[i] : 0, mb = b->na ? b->na[i] : 0;
    if (ma != mb) fail_msg("%s[%zu]: missing reason %d against %d", a->name, i, ma, mb);
    if (a->type == FRAME_CAT) {
      if (!ma) assert_string_equal(a->dict->str[a->v.cat[i]], b->dict->str[b->v.cat[i]]);
    } else if (memcmp((const char *)a->v.raw + i * sz[a->type],
                      (const char *)b->v.raw + i * sz[a->type], sz[a->type]) != 0) {
      fail_msg("%s[%zu] differs: %.17g against %.17g", a->name, i, frame_col_getd(a, i),
               frame_col_getd(b, i));
    }
  }
}

static void test_aggregate_direct_keys_same_as_hash(void **state) {
  (void)state;
  enum { N = 20000 };
  static const char *names[] = {"E09000001", "E08000025", "W06000015", "S12000036", "E06000001"};
  int64_t *ki = malloc(N * sizeof *ki), *one = malloc(N * sizeof *one), *vi = malloc(N * sizeof *vi);
  int *kb = malloc(N * sizeof *kb);
  double *v = malloc(N * sizeof *v);
  const char **ks = malloc(N * sizeof *ks), **kd = malloc(N * sizeof *kd);
  static char dates[N][11];
  assert_true(ki && one && vi && kb && v && ks && kd);
  uint64_t seed = 42;
  for (int i = 0; i < N; i++) {
    uint64_t r = lcg(&seed);
    ki[i] = r % 50 == 0 ? NI : (int64_t)(r % 613) - 300;            /* negative values too */
    ks[i] = r % 37 == 0 ? NULL : names[(r >> 8) % 5];
    kb[i] = r % 41 == 0 ? -1 : (int)((r >> 12) & 1);
    snprintf(dates[i], sizeof dates[i], "2020-%02d-%02d", (int)((r >> 4) % 12) + 1,
             (int)((r >> 9) % 28) + 1);
    kd[i] = r % 43 == 0 ? NULL : dates[i];
    one[i] = 7;
    /* values of very different sizes, so the summation order shows in the last bits */
    v[i] = r % 29 == 0 ? NAN : ((double)(lcg(&seed) % 100000) - 50000) * pow(10, (double)(r % 7) - 3);
    vi[i] = r % 31 == 0 ? NI : (int64_t)(lcg(&seed) % 1000) - 500;
  }
  struct frame *f = FRAME(mk_i64("ki", N, ki), mk_cat("ks", N, ks), mk_bool("kb", N, kb),
                          mk_date("kd", N, kd), mk_i64("one", N, one), mk_f64("v", N, v),
                          mk_i64("vi", N, vi));
  /* a bare NaN (no reason) in the values, too */
  col(f, "v")->na[5] = NA_NONE;
  col(f, "v")->v.f64[5] = NAN;
  const struct frameops_aggspec a[] = {
    {FRAMEOPS_COUNT, NULL, "count", 0}, {FRAMEOPS_N, "v", "n", 0}, {FRAMEOPS_SUM, "v", "sum", 0},
    {FRAMEOPS_MEAN, "v", "mean", 0}, {FRAMEOPS_VAR, "v", "var", 0}, {FRAMEOPS_SD, "v", "sd", 0},
    {FRAMEOPS_SUM, "vi", "isum", 0}, {FRAMEOPS_MEAN, "vi", "imean", 0},
    {FRAMEOPS_N, "ks", "nks", 0}, {FRAMEOPS_MEDIAN, "v", "median", 0},
    {FRAMEOPS_FIRST, "v", "first", 0}, {FRAMEOPS_N_DISTINCT, "vi", "nd", 0}};
  const size_t na_ = sizeof a / sizeof a[0];
  const char *keys[] = {"ki", "ks", "kb", "kd"};
  char err[256] = "";
  for (size_t k = 0; k < 4; k++) {
    struct frame *d = frameops_aggregate(f, NAMES(keys[k]), 1, a, na_, err, sizeof err);
    if (!d) fail_msg("%s", err);
    struct frame *h = frameops_aggregate(f, NAMES(keys[k], "one"), 2, a, na_, err, sizeof err);
    if (!h) fail_msg("%s", err);
    assert_int_equal(d->nrow, h->nrow);
    assert_true(d->nrow > 1);
    assert_same_column(col(d, keys[k]), col(h, keys[k]));
    for (size_t j = 0; j < na_; j++) assert_same_column(col(d, a[j].name), col(h, a[j].name));
    frame_free(d);
    frame_free(h);
  }
  frame_free(f);
  free(ki); free(one); free(vi); free(kb); free(v); free(ks); free(kd);
}

/* Up to one chunk of rows, sums and means are taken over each group's values
 * in row order, exactly as for the group alone: Neumaier's compensated sum,
 * and for the mean that sum over the count with the division's exact
 * remainder added back (one fma; R's mean() gets the same to half an ulp
 * with a second pass, see tests/reference/groupby_means.R). */
static void test_aggregate_sums_in_row_order(void **state) {
  (void)state;
  enum { N = 3000, G = 7 };
  int64_t k[N];
  double v[N];
  uint64_t seed = 7;
  for (int i = 0; i < N; i++) {
    uint64_t r = lcg(&seed);
    k[i] = (int64_t)(r % G) * 1000003;                       /* a wide range: the hash path */
    v[i] = ((double)(lcg(&seed) % 2000001) - 1000000) * pow(10, (double)(r % 13) - 6);
  }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_MEAN, "v", "mean", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NAMES("k"), 1, a, 2, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_int_equal(o->nrow, G);
  for (size_t g = 0; g < G; g++) {
    double s = 0, c = 0;
    size_t m = 0;
    for (int i = 0; i < N; i++) {
      if (k[i] != (int64_t)g * 1000003) continue;
      double t = s + v[i];
      c += fabs(s) >= fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
      s = t;
      m++;
    }
    /* the mean from the compensated sum: its rounded value over m, corrected
     * by the exact remainder of that division and the sum's rounding */
    double hi = s + c, q = hi / (double)m, lo = c - (hi - s);
    double mean = q + (fma(-q, (double)m, hi) + lo) / (double)m;
    double got = fv(o, "sum", g), gotm = fv(o, "mean", g), want = s + c;
    assert_memory_equal(&got, &want, sizeof got);
    assert_memory_equal(&gotm, &mean, sizeof gotm);
  }
  frame_free(o);
  frame_free(f);
}

/* More rows than one chunk (host/data/chunks.h, 32,768 rows): each chunk sums
 * its rows in row order and the chunks' sums are folded in chunk order, the
 * same on any number of threads.  The expected bytes are worked here the
 * same way, independently of the library. */
struct ref_nsum { double s, c; };
static void ref_add(struct ref_nsum *a, double x) {
  double t = a->s + x;
  a->c += fabs(a->s) >= fabs(x) ? (a->s - t) + x : (x - t) + a->s;
  a->s = t;
}

static void test_aggregate_sums_over_chunks(void **state) {
  (void)state;
  enum { N = 4 * 32768 + 1000, G = 5, CH = 32768 };
  int64_t *k = malloc(N * sizeof *k);
  double *v = malloc(N * sizeof *v);
  assert_true(k && v);
  uint64_t seed = 11;
  for (int i = 0; i < N; i++) {
    uint64_t r = lcg(&seed);
    k[i] = (int64_t)(r % G);
    v[i] = ((double)(lcg(&seed) % 2000001) - 1000000) * pow(10, (double)(r % 13) - 6);
  }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_MEAN, "v", "mean", 0},
                                       {FRAMEOPS_VAR, "v", "var", 0}, {FRAMEOPS_COUNT, NULL, "n", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NAMES("k"), 1, a, 4, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_int_equal(o->nrow, G);
  size_t nc = (N + CH - 1) / CH;
  for (size_t g = 0; g < G; g++) {
    struct ref_nsum tot = {0, 0};
    double ss = 0, dev = 0;
    size_t m = 0;
    for (size_t c = 0; c < nc; c++) {            /* sums: chunk by chunk */
      struct ref_nsum part = {0, 0};
      for (size_t i = N * c / nc; i < N * (c + 1) / nc; i++)
        if (k[i] == (int64_t)g) { ref_add(&part, v[i]); m++; }
      ref_add(&tot, part.s);
      tot.c += part.c;
    }
    double hi = tot.s + tot.c, q = hi / (double)m, lo = tot.c - (hi - tot.s);
    double mean = q + (fma(-q, (double)m, hi) + lo) / (double)m;   /* as R's mean() */
    for (size_t c = 0; c < nc; c++) {            /* squared deviations */
      double pss = 0, pdev = 0;
      for (size_t i = N * c / nc; i < N * (c + 1) / nc; i++)
        if (k[i] == (int64_t)g) { double d = v[i] - mean; pss += d * d; pdev += d; }
      ss += pss;
      dev += pdev;
    }
    double var = (ss - dev * dev / (double)m) / (double)(m - 1);
    double want_sum = tot.s + tot.c, got = fv(o, "sum", g), gotm = fv(o, "mean", g), gotv = fv(o, "var", g);
    assert_memory_equal(&got, &want_sum, sizeof got);
    assert_memory_equal(&gotm, &mean, sizeof gotm);
    assert_memory_equal(&gotv, &var, sizeof gotv);
    assert_int_equal(iv(o, "n", g), (int64_t)m);
  }
  frame_free(o);
  frame_free(f);
  free(k);
  free(v);
}

/* ===== the fused group-by and the key-table join =====
 * A single key of small whole numbers takes the fused path (one pass, the
 * key's value as the group's slot: frameops_gfused.c) and the same key with
 * a constant second key takes the general path (a hash table and a
 * group-index column), so comparing the two checks the fused path column by
 * column, bytes included.  Rows span several chunks (CHUNK_ROWS 32,768) and
 * the results must be the same bytes on 1, 2 and 3 threads. */

static const struct frameops_aggspec fused_aggs[] = {
  {FRAMEOPS_COUNT, NULL, "count", 0}, {FRAMEOPS_N, "v", "n", 0}, {FRAMEOPS_SUM, "v", "sum", 0},
  {FRAMEOPS_MEAN, "v", "mean", 0}, {FRAMEOPS_VAR, "v", "var", 0}, {FRAMEOPS_SD, "v", "sd", 0},
  {FRAMEOPS_SUM, "vi", "isum", 0}, {FRAMEOPS_MEAN, "vi", "imean", 0},
  {FRAMEOPS_SUM, "vb", "bsum", 0}, {FRAMEOPS_N, "ks", "nks", 0},
  {FRAMEOPS_MIN, "v", "min", 0}, {FRAMEOPS_MAX, "v", "max", 0}, {FRAMEOPS_MIN, "vi", "imin", 0},
  {FRAMEOPS_MAX, "kd", "dmax", 0}, {FRAMEOPS_FIRST, "v", "first", 0},
  {FRAMEOPS_LAST, "ks", "last", 0}};
#define N_FUSED_AGGS (sizeof fused_aggs / sizeof fused_aggs[0])

static void test_aggregate_fused_same_as_general_on_any_threads(void **state) {
  (void)state;
  enum { N = 3 * 32768 + 777 };
  /* six strings in the dictionary, two of which no row uses: empty groups */
  static const char *names[] = {"E09000001", "E08000025", "W06000015", "S12000036", "unused1",
                                "unused2"};
  int64_t *ki = malloc(N * sizeof *ki), *one = malloc(N * sizeof *one), *vi = malloc(N * sizeof *vi);
  int64_t *k1 = malloc(N * sizeof *k1);
  int *kb = malloc(N * sizeof *kb), *vb = malloc(N * sizeof *vb);
  double *v = malloc(N * sizeof *v);
  const char **ks = malloc(N * sizeof *ks), **kd = malloc(N * sizeof *kd);
  static char dates[N][11];
  assert_true(ki && one && vi && k1 && kb && vb && v && ks && kd);
  uint64_t seed = 2026;
  for (int i = 0; i < N; i++) {
    uint64_t r = lcg(&seed);
    ki[i] = r % 53 == 0 ? NI : (int64_t)(r % 211) - 100;     /* missing keys are a group */
    k1[i] = 5;                                                 /* one group */
    ks[i] = r % 31 == 0 ? NULL : names[(r >> 8) % 4];
    kb[i] = r % 29 == 0 ? -1 : (int)((r >> 12) & 1);
    snprintf(dates[i], sizeof dates[i], "2019-%02d-%02d", (int)((r >> 4) % 12) + 1,
             (int)((r >> 9) % 28) + 1);
    kd[i] = r % 47 == 0 ? NULL : dates[i];
    one[i] = 1;
    /* group 17 of ki has every value missing: no mean, sd, min */
    v[i] = r % 23 == 0 || ki[i] == 17 ? NAN
         : ((double)(lcg(&seed) % 200001) - 100000) * pow(10, (double)(r % 9) - 4);
    vi[i] = r % 19 == 0 ? NI : (int64_t)(lcg(&seed) % 100000) - 50000;
    vb[i] = r % 17 == 0 ? -1 : (int)((r >> 20) & 1);
  }
  struct frame *f = FRAME(mk_i64("ki", N, ki), mk_cat("ks", N, ks), mk_bool("kb", N, kb),
                          mk_date("kd", N, kd), mk_i64("k1", N, k1), mk_i64("one", N, one),
                          mk_f64("v", N, v), mk_i64("vi", N, vi), mk_bool("vb", N, vb));
  /* more strings in the key's dictionary than rows use */
  struct frame_col *kc = (struct frame_col *)col(f, "ks");
  for (size_t s = 4; s < 6; s++) assert_true(frame_dict_intern(kc->dict, names[s], strlen(names[s])) >= 0);
  const char *keys[] = {"ki", "ks", "kb", "kd", "k1"};
  char err[256] = "";
  for (size_t k = 0; k < 5; k++) {
    const struct frameops_aggspec *a = fused_aggs;
    size_t na_ = N_FUSED_AGGS;
    struct frame *h = frameops_aggregate(f, NAMES(keys[k], "one"), 2, a, na_, err, sizeof err);
    if (!h) fail_msg("%s", err);
    for (size_t t = 1; t <= 3; t++) {
      chunks_set_threads(t);
      struct frame *d = frameops_aggregate(f, NAMES(keys[k]), 1, a, na_, err, sizeof err);
      if (!d) fail_msg("%s", err);
      assert_int_equal(d->nrow, h->nrow);
      assert_int_equal(d->nrow, k == 4 ? 1 : k == 2 ? 3 : k == 1 ? 5 : d->nrow);  /* no empty group */
      assert_same_column(col(d, keys[k]), col(h, keys[k]));
      for (size_t j = 0; j < na_; j++) assert_same_column(col(d, a[j].name), col(h, a[j].name));
      frame_free(d);
    }
    chunks_set_threads(0);
    frame_free(h);
  }
  /* the group whose values are all missing */
  struct frame *d = frameops_aggregate(f, NAMES("ki"), 1, fused_aggs, N_FUSED_AGGS, err, sizeof err);
  assert_non_null(d);
  size_t g17 = 0;
  while (g17 < d->nrow && col(d, "ki")->v.i64[g17] != 17) g17++;
  assert_true(g17 < d->nrow);
  assert_int_equal(iv(d, "n", g17), 0);
  assert_int_equal(na(d, "mean", g17), NA_CALC);
  assert_int_equal(na(d, "sd", g17), NA_CALC);
  assert_int_equal(na(d, "min", g17), NA_CALC);
  assert_true(fv(d, "sum", g17) == 0);
  assert_int_equal(na(d, "ki", d->nrow - 1), NA_NA);     /* the missing key last */
  frame_free(d);
  frame_free(f);
  free(ki); free(one); free(vi); free(k1); free(kb); free(vb); free(v); free(ks); free(kd);
}

/* An int64 or date key numbers its slots chunk by chunk from each chunk's
 * own range (frameops_gfused.c).  Keys sorted by value give every chunk a
 * different, narrow range; one chunk has every key missing; one chunk holds
 * a single value far from the rest (a chunk range wider than the others,
 * larger than the first chunk's, so its partials are its own allocation).
 * Every aggregate, var and sd included (their second pass numbers slots by
 * the whole column), must be the same bytes as the general path on 1, 2 and
 * 3 threads. */
static void test_aggregate_fused_key_ranges_by_chunk(void **state) {
  (void)state;
  enum { N = 5 * 32768 + 311 };
  int64_t *ks = malloc(N * sizeof *ks), *one = malloc(N * sizeof *one), *vi = malloc(N * sizeof *vi);
  double *v = malloc(N * sizeof *v);
  int *vb = malloc(N * sizeof *vb);
  const char **kd = malloc(N * sizeof *kd);
  static char dates[N][16];
  assert_true(ks && one && vi && v && vb && kd);
  uint64_t seed = 77;
  for (int i = 0; i < N; i++) {
    uint64_t r = lcg(&seed);
    int chunk = i / 32768;
    ks[i] = chunk == 2 ? NI                                    /* a chunk of missing keys */
          : chunk == 3 && i % 1000 == 0 ? 2000                  /* far from the rest */
          : (int64_t)(i / 700) - 40;                            /* sorted: narrow per chunk */
    int day = i / 4000;                                         /* sorted dates over ~4 years */
    snprintf(dates[i], sizeof dates[i], "%04d-%02d-%02d", 2015 + day / 12, day % 12 + 1,
             (int)(r % 28) + 1);
    kd[i] = chunk == 1 && r % 3 == 0 ? NULL : dates[i];
    one[i] = 1;
    v[i] = r % 23 == 0 ? NAN : ((double)(lcg(&seed) % 200001) - 100000) * pow(10, (double)(r % 9) - 4);
    vi[i] = r % 19 == 0 ? NI : (int64_t)(lcg(&seed) % 100000) - 50000;
    vb[i] = r % 17 == 0 ? -1 : (int)((r >> 20) & 1);
  }
  struct frame *f = FRAME(mk_i64("ks", N, ks), mk_date("kd", N, kd), mk_i64("one", N, one),
                          mk_f64("v", N, v), mk_i64("vi", N, vi), mk_bool("vb", N, vb));
  const struct frameops_aggspec *a = fused_aggs;   /* "ks" is the int64 key here */
  size_t na_ = N_FUSED_AGGS;
  const char *keys[] = {"ks", "kd"};
  char err[256] = "";
  for (size_t k = 0; k < 2; k++) {
    struct frame *h = frameops_aggregate(f, NAMES(keys[k], "one"), 2, a, na_, err, sizeof err);
    if (!h) fail_msg("%s", err);
    for (size_t t = 1; t <= 3; t++) {
      chunks_set_threads(t);
      struct frame *d = frameops_aggregate(f, NAMES(keys[k]), 1, a, na_, err, sizeof err);
      if (!d) fail_msg("%s", err);
      assert_int_equal(d->nrow, h->nrow);
      assert_same_column(col(d, keys[k]), col(h, keys[k]));
      for (size_t j = 0; j < na_; j++) assert_same_column(col(d, a[j].name), col(h, a[j].name));
      frame_free(d);
    }
    chunks_set_threads(0);
    frame_free(h);
  }
  /* the counts add up, the missing key is one group of 32,768 rows, last */
  struct frame *d = frameops_aggregate(f, NAMES("ks"), 1, a, 1, err, sizeof err);
  assert_non_null(d);
  int64_t total = 0;
  for (size_t g = 0; g < d->nrow; g++) total += iv(d, "count", g);
  assert_int_equal(total, N);
  assert_int_equal(na(d, "ks", d->nrow - 1), NA_NA);
  assert_int_equal(iv(d, "count", d->nrow - 1), 32768);
  assert_int_equal(col(d, "ks")->v.i64[d->nrow - 2], 2000);
  frame_free(d);
  frame_free(f);
  free(ks); free(one); free(vi); free(v); free(vb); free(kd);
}

/* Int64 sums on the fused path over several chunks, with large values late
 * in a chunk (a group's sum near 3 x 2^60, then one past 2^63): the
 * general path's sums, and its error naming the group. */
static void test_aggregate_fused_int_sums_near_overflow(void **state) {
  (void)state;
  enum { N = 2 * 32768 + 5000 };
  int64_t *k = malloc(N * sizeof *k), *v = malloc(N * sizeof *v), *one = malloc(N * sizeof *one);
  assert_true(k && v && one);
  uint64_t seed = 9;
  for (int i = 0; i < N; i++) {
    k[i] = i % 3;
    one[i] = 1;
    v[i] = (int64_t)(lcg(&seed) % 1000) - 500;
  }
  for (int i = 40000; i < 40009; i++) v[i] = (i % 3 == 1 ? 1 : -1) * ((int64_t)1 << 60);   /* 3 each */
  const struct frameops_aggspec a[] = {{FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_MEAN, "v", "mean", 0}};
  char err[256] = "", err2[256] = "";
  struct frame *f = FRAME(mk_i64("k", N, k), mk_i64("v", N, v), mk_i64("one", N, one));
  for (size_t t = 1; t <= 2; t++) {
    chunks_set_threads(t);
    struct frame *d = frameops_aggregate(f, NAMES("k"), 1, a, 2, err, sizeof err);
    struct frame *h = frameops_aggregate(f, NAMES("k", "one"), 2, a, 2, err, sizeof err);
    assert_true(d && h);
    assert_same_column(col(d, "sum"), col(h, "sum"));
    assert_same_column(col(d, "mean"), col(h, "mean"));
    assert_true(iv(d, "sum", 1) > ((int64_t)3 << 60) - 500000);
    frame_free(d);
    frame_free(h);
  }
  /* four more 2^61 in group 1: 3 * 2^60 + 4 * 2^61 > 2^63 */
  struct frame_col *vc = (struct frame_col *)col(f, "v");
  for (int i = 50002; i < 50014; i += 3) vc->v.i64[i] = (int64_t)1 << 61;
  assert_int_equal(50002 % 3, 1);
  for (size_t t = 1; t <= 2; t++) {
    chunks_set_threads(t);
    assert_null(frameops_aggregate(f, NAMES("k"), 1, a, 1, err, sizeof err));
    assert_null(frameops_aggregate(f, NAMES("k", "one"), 2, a, 1, err2, sizeof err2));
    assert_non_null(strstr(err, "overflows int64 in group"));
    assert_string_equal(err, err2);
  }
  chunks_set_threads(0);
  frame_free(f);
  free(k); free(v); free(one);
}

/* Keys INT64_MIN and INT64_MAX in different chunks: each chunk's range is
 * one value, the column's 2^64 values do not fit in 64 bits.  The fused
 * path must give way to the general path, and that path's direct table
 * (and the join's) to the hash table, none of them wrapping the span to 0
 * (which once wrote past a one-entry table). */
static void test_aggregate_fused_extreme_keys(void **state) {
  (void)state;
  enum { N = 2 * 32768 + 10 };
  int64_t *k = malloc(N * sizeof *k);
  double *v = malloc(N * sizeof *v);
  assert_true(k && v);
  for (int i = 0; i < N; i++) { k[i] = 0; v[i] = i < 32768 ? 1 : 2; }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  struct frame_col *kc = (struct frame_col *)col(f, "k");
  for (int i = 0; i < N; i++) kc->v.i64[i] = i < N / 2 ? INT64_MIN : INT64_MAX;
  const struct frameops_aggspec a[] = {{FRAMEOPS_COUNT, NULL, "count", 0}, {FRAMEOPS_SUM, "v", "sum", 0}};
  char err[256] = "";
  struct frame *d = frameops_aggregate(f, NAMES("k"), 1, a, 2, err, sizeof err);
  if (!d) fail_msg("%s", err);
  assert_int_equal(d->nrow, 2);
  assert_true(col(d, "k")->v.i64[0] == INT64_MIN && col(d, "k")->v.i64[1] == INT64_MAX);
  assert_int_equal(iv(d, "count", 0), N / 2);
  assert_int_equal(iv(d, "count", 1), N - N / 2);
  assert_true(fv(d, "sum", 0) == 32768.0 + 2.0 * (N / 2 - 32768));
  frame_free(d);
  /* the join's key table (frameops_join.c's key_span) on the same keys */
  struct frame *r = FRAME(I64("k", 0, 0, 0), F64("w", 10, 20, 30));
  struct frame_col *rk = (struct frame_col *)col(r, "k");
  rk->v.i64[0] = INT64_MAX; rk->v.i64[1] = INT64_MIN; rk->v.i64[2] = 7;
  struct frame *j = frameops_join(f, r, NAMES("k"), NAMES("k"), 1, FRAMEOPS_INNER, NULL, err, sizeof err);
  if (!j) fail_msg("%s", err);
  assert_int_equal(j->nrow, N);
  assert_true(fv(j, "w", 0) == 20 && fv(j, "w", N - 1) == 10);
  frame_free(j);
  frame_free(r);
  frame_free(f);
  free(k); free(v);
}

/* More than 65,536 groups on a small int64 key: counts alone take the
 * fused path (their partials fit frameops_gfused.c's FUSED_MAX_BYTES for
 * 4 chunks), counts with a sum the general path (they do not); both give
 * the same bytes as the two-key general path, and exact counts. */
static void test_aggregate_fused_many_groups(void **state) {
  (void)state;
  enum { N = 130000, G = 66000 };
  int64_t *k = malloc(N * sizeof *k), *one = malloc(N * sizeof *one);
  double *v = malloc(N * sizeof *v);
  assert_true(k && one && v);
  uint64_t seed = 5;
  for (int i = 0; i < N; i++) {
    k[i] = i < G ? G - 1 - i : (int64_t)(lcg(&seed) % G);   /* every key at least once */
    one[i] = 1;
    v[i] = (double)(lcg(&seed) % 1000) / 8;
  }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_i64("one", N, one), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_COUNT, NULL, "count", 0}, {FRAMEOPS_SUM, "v", "sum", 0}};
  char err[256] = "";
  for (size_t na_ = 1; na_ <= 2; na_++) {
    struct frame *d = frameops_aggregate(f, NAMES("k"), 1, a, na_, err, sizeof err);
    struct frame *h = frameops_aggregate(f, NAMES("k", "one"), 2, a, na_, err, sizeof err);
    assert_true(d && h);
    assert_int_equal(d->nrow, G);
    for (size_t j = 0; j < d->ncol; j++) assert_same_column(d->col[j], col(h, d->col[j]->name));
    int64_t total = 0;
    for (size_t g = 0; g < G; g++) {
      assert_int_equal(col(d, "k")->v.i64[g], (int64_t)g);
      total += iv(d, "count", g);
    }
    assert_int_equal(total, N);
    frame_free(d);
    frame_free(h);
  }
  frame_free(f);
  free(k); free(one); free(v);
}

/* The thread count (data/chunks.h): chunks_set_threads (the command line's
 * --threads) first, then CSCEVAL_THREADS, then the cores; and the group-by
 * sums come out the same bytes on 1 thread and on 4. */
static void test_thread_count_and_same_bytes_on_any_count(void **state) {
  (void)state;
  setenv("CSCEVAL_THREADS", "3", 1);
  chunks_set_threads(0);
  assert_int_equal(chunks_threads(), 3);
  chunks_set_threads(2);
  assert_int_equal(chunks_threads(), 2);
  chunks_set_threads(0);
  setenv("CSCEVAL_THREADS", "x", 1);          /* not a count: as if unset */
  assert_int_equal(chunks_threads(), (size_t)sysconf(_SC_NPROCESSORS_ONLN));
  unsetenv("CSCEVAL_THREADS");
  enum { N = 3 * 32768 + 77 };
  int64_t *k = malloc(N * sizeof *k);
  double *v = malloc(N * sizeof *v);
  assert_true(k && v);
  uint64_t seed = 5;
  for (int i = 0; i < N; i++) {
    k[i] = (int64_t)(lcg(&seed) % 7);
    v[i] = ((double)(lcg(&seed) % 2000001) - 1000000) * 1e-3;
  }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_SD, "v", "sd", 0}};
  char err[256] = "";
  struct frame *o[2];
  for (int t = 0; t < 2; t++) {
    chunks_set_threads(t ? 4 : 1);
    o[t] = frameops_aggregate(f, NAMES("k"), 1, a, 2, err, sizeof err);
    if (!o[t]) fail_msg("%s", err);
  }
  chunks_set_threads(0);
  assert_int_equal(o[0]->nrow, o[1]->nrow);
  for (size_t g = 0; g < o[0]->nrow; g++) {
    double s0 = fv(o[0], "sum", g), s1 = fv(o[1], "sum", g), d0 = fv(o[0], "sd", g), d1 = fv(o[1], "sd", g);
    assert_memory_equal(&s0, &s1, sizeof s0);
    assert_memory_equal(&d0, &d1, sizeof d0);
  }
  frame_free(o[0]);
  frame_free(o[1]);
  frame_free(f);
  free(k);
  free(v);
}

/* So many groups that the chunks' partial sums would not fit at once: the
 * chunks then run one after the other through one buffer.  Every key is
 * unique, so each group's sum and mean are its one value. */
static void test_aggregate_many_groups_over_chunks(void **state) {
  (void)state;
  enum { N = 100000 };
  int64_t *k = malloc(N * sizeof *k);
  double *v = malloc(N * sizeof *v);
  assert_true(k && v);
  for (int i = 0; i < N; i++) { k[i] = (int64_t)((i * 7919L) % N) * 3; v[i] = 0.1 * i - 7; }
  struct frame *f = FRAME(mk_i64("k", N, k), mk_f64("v", N, v));
  const struct frameops_aggspec a[] = {{FRAMEOPS_SUM, "v", "sum", 0}, {FRAMEOPS_MEAN, "v", "mean", 0},
                                       {FRAMEOPS_COUNT, NULL, "n", 0}, {FRAMEOPS_SD, "v", "sd", 0}};
  char err[256] = "";
  struct frame *o = frameops_aggregate(f, NAMES("k"), 1, a, 4, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_int_equal(o->nrow, N);
  for (int i = 0; i < N; i++) {
    size_t g = (size_t)((i * 7919L) % N);        /* keys come out sorted */
    assert_int_equal(iv(o, "k", g), k[i]);
    assert_true(fv(o, "sum", g) == v[i]);
    assert_true(fv(o, "mean", g) == v[i]);
    assert_int_equal(iv(o, "n", g), 1);
    assert_int_equal(na(o, "sd", g), NA_CALC);
  }
  frame_free(o);
  frame_free(f);
  free(k);
  free(v);
}

/* An int64 sum that overflows names the first group (in output order) whose
 * running sum overflowed, not the first row to do so. */
static void test_aggregate_overflow_names_its_group(void **state) {
  (void)state;
  struct frame *f = FRAME(I64("k", 2, 1, 2, 1, 3), I64("v", INT64_MAX, 5, 1, 6, INT64_MAX));
  struct frameops_aggspec a = {FRAMEOPS_SUM, "v", "s", 0};
  char err[256];
  expect_fail(frameops_aggregate(f, NAMES("k"), 1, &a, 1, err, sizeof err), err,
              "aggregate: the sum of \"v\" for \"s\" overflows int64 in group 2; convert the "
              "column to float64 first");
  frame_free(f);
}

static void test_aggregate_function_names(void **state) {
  (void)state;
  enum frameops_agg fn;
  for (int k = 0; k < FRAMEOPS_NAGG; k++) {
    assert_int_equal(frameops_agg_parse(frameops_agg_name((enum frameops_agg)k), &fn), 0);
    assert_int_equal(fn, k);
  }
  assert_int_equal(frameops_agg_parse("avg", &fn), -1);
  assert_string_equal(frameops_agg_suggest("meen"), "mean");
  assert_string_equal(frameops_agg_suggest("ndistinct"), "n_distinct");
  assert_null(frameops_agg_suggest("percentile"));
}

/* ===== join ===== */

static struct frame *join_left(void) {
  return FRAME(I64("id", 1, 2, 3, NI, 2), CAT("lv", "a", "b", "c", "d", "e"),
               F64("v", 10, 20, 30, 40, 50));
}
static struct frame *join_right(void) {
  /* float64 key against the int64 left key; a missing key that must not match */
  return FRAME(F64("id", 2, 1, 2, NAN, 4), I64("v", 200, 100, 201, 999, 400),
               CAT("rv", "p", "q", "r", "s", "t"));
}

static void test_join_left_many_to_many_in_dplyr_order(void **state) {
  (void)state;
  struct frame *l = join_left(), *r = join_right();
  char err[256] = "";
  struct frame *o = frameops_join(l, r, NAMES("id"), NAMES("id"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "id,lv,v.x,v.y,rv");
  assert_ints(o, "id", "1,2,2,3,NA,2,2");
  assert_strs(o, "lv", "a,b,b,c,d,e,e");
  assert_ints(o, "v.y", "100,200,201,NA,NA,200,201");
  assert_strs(o, "rv", "q,p,r,NA,NA,p,r");
  assert_int_equal(na(o, "v.y", 3), NA_CALC);       /* unmatched */
  assert_int_equal(na(o, "rv", 4), NA_CALC);        /* missing key never matches */
  assert_int_equal(na(o, "id", 4), NA_NA);          /* the left value keeps its reason */
  NEAR(fv(o, "v.x", 2), 20);
  frame_free(o);
  o = frameops_join(l, r, NAMES("id"), NAMES("id"), 1, FRAMEOPS_INNER, NULL, err, sizeof err);
  assert_non_null(o);
  assert_ints(o, "id", "1,2,2,2,2");
  assert_ints(o, "v.y", "100,200,201,200,201");
  frame_free(o);
  /* inputs untouched */
  assert_names(l, "id,lv,v");
  assert_names(r, "id,v,rv");
  assert_int_equal(l->nrow, 5);
  frame_free(l);
  frame_free(r);
}

/* A single key of small whole numbers or text is looked up by indexing a
 * table; two keys (or a wide int64 range) through the hash table.  Both
 * must give the same rows in the same order: joining on k alone is
 * compared with joining on k and a constant, for int64, text (one shared
 * dictionary, and two different ones), dates and bool, with repeated right
 * keys, missing keys on both sides, left keys the right frame lacks (below,
 * inside and above its range) and right keys no left row has. */
/* Same rows and values; columns of a whose names begin with skip are left out. */
static void assert_same_frame(const struct frame *a, const struct frame *b, const char *skip) {
  assert_int_equal(a->nrow, b->nrow);
  for (size_t j = 0; j < a->ncol; j++) {
    if (skip && strncmp(a->col[j]->name, skip, strlen(skip)) == 0) continue;
    assert_same_column(a->col[j], col(b, a->col[j]->name));
  }
}

static void test_join_direct_keys_same_as_hash(void **state) {
  (void)state;
  enum { NL = 3000, NR = 60 };
  static const char *words[] = {"E09000001", "E08000025", "W06000015", "S12000036", "E06000001",
                                "N09000003", "E07000008"};
  int64_t li[NL], ri[NR], lone[NL], rone[NR], lv[NL], rv[NR];
  int lb[NL], rb[NR];
  const char *ls[NL], *rs[NR], *ld[NL], *rd[NR];
  static char ldates[NL][11], rdates[NR][11];
  uint64_t seed = 99;
  for (int i = 0; i < NL; i++) {
    uint64_t r = lcg(&seed);
    li[i] = r % 53 == 0 ? NI : (int64_t)(r % 40) - 5;          /* right has 0..29 */
    ls[i] = r % 47 == 0 ? NULL : words[(r >> 7) % 7];          /* the last two only on the left */
    lb[i] = r % 43 == 0 ? -1 : (int)((r >> 3) & 1);
    snprintf(ldates[i], sizeof ldates[i], "2021-03-%02d", (int)((r >> 5) % 28) + 1);
    ld[i] = r % 59 == 0 ? NULL : ldates[i];
    lone[i] = 1;
    lv[i] = i;
  }
  for (int i = 0; i < NR; i++) {
    uint64_t r = lcg(&seed);
    ri[i] = i == 7 ? NI : (int64_t)(r % 30);                   /* repeats, and a missing key */
    rs[i] = i == 9 ? NULL : words[(r >> 7) % 5];
    rb[i] = i == 11 ? -1 : (int)((r >> 3) & 1);
    snprintf(rdates[i], sizeof rdates[i], "2021-03-%02d", (int)((r >> 5) % 20) + 5);
    rd[i] = i == 13 ? NULL : rdates[i];
    rone[i] = 1;
    rv[i] = 1000 + i;
  }
  struct frame *l = FRAME(mk_i64("ki", NL, li), mk_cat("ks", NL, ls), mk_bool("kb", NL, lb),
                          mk_date("kd", NL, ld), mk_i64("one", NL, lone), mk_i64("lv", NL, lv));
  struct frame *r = FRAME(mk_i64("ki", NR, ri), mk_cat("ks", NR, rs), mk_bool("kb", NR, rb),
                          mk_date("kd", NR, rd), mk_i64("one", NR, rone), mk_i64("rv", NR, rv));
  /* text keys sharing one dictionary: the left frame's own rows as the right */
  size_t pick[NR];
  for (size_t i = 0; i < NR; i++) pick[i] = i * 31 % NL;
  struct frame *rsame = frame_take(l, pick, NR);
  assert_true(col(rsame, "ks")->dict == col(l, "ks")->dict);
  const char *keys[] = {"ki", "ks", "kb", "kd"};
  char err[256] = "";
  for (int how = 0; how < 2; how++) {
    enum frameops_how h = how ? FRAMEOPS_INNER : FRAMEOPS_LEFT;
    for (size_t k = 0; k < 5; k++) {
      const struct frame *rr = k == 4 ? rsame : r;
      const char *key = keys[k == 4 ? 1 : k];
      struct frame *d = frameops_join(l, rr, NAMES(key), NAMES(key), 1, h, NULL, err, sizeof err);
      if (!d) fail_msg("%s", err);
      struct frame *g = frameops_join(l, rr, NAMES(key, "one"), NAMES(key, "one"), 2, h, NULL, err,
                                      sizeof err);
      if (!g) fail_msg("%s", err);
      assert_true(d->nrow > 0);
      assert_same_frame(d, g, "one");   /* one.x, one.y in d; a key in g */
      frame_free(d);
      frame_free(g);
    }
  }
  frame_free(rsame);
  frame_free(l);
  frame_free(r);
}

/* A many-to-one lookup (each right key once) keeps every left row: a left
 * join, or an inner join where every left row matches, gathers the right
 * columns straight from a key table on the row chunks.  It must equal the
 * general path (the same join on the key and a constant) on 1, 2 and 3
 * threads: unmatched and missing left keys, missing right values (their
 * reason kept), text keys through another dictionary.  An inner join that
 * drops rows takes the general path and must agree too. */
static void test_join_key_table_same_as_general(void **state) {
  (void)state;
  enum { NL = 2 * 32768 + 99, NR = 40 };
  static const char *words[] = {"E09000001", "E08000025", "W06000015", "S12000036", "E06000001",
                                "N09000003", "E07000008", "X"};
  int64_t *li = malloc(NL * sizeof *li), *lone = malloc(NL * sizeof *lone), *lv = malloc(NL * sizeof *lv);
  const char **ls = malloc(NL * sizeof *ls);
  int64_t ri[NR], rone[NR];
  double rv[NR];
  const char *rs[NR], *rc[NR];
  assert_true(li && lone && lv && ls);
  uint64_t seed = 77;
  for (int i = 0; i < NL; i++) {
    uint64_t r = lcg(&seed);
    li[i] = r % 101 == 0 ? NI : (int64_t)(r % 45) - 3;        /* right has 0..39 */
    ls[i] = r % 97 == 0 ? NULL : words[(r >> 7) % 8];         /* "X" only on the left */
    lone[i] = 1;
    lv[i] = i;
  }
  for (int i = 0; i < NR; i++) {
    ri[i] = NR - 1 - i;                                       /* each key once */
    rone[i] = 1;
    rv[i] = i == 3 ? NAN : 0.5 * i;
    rc[i] = i == 5 ? NULL : words[i % 3];
    rs[i] = i < 7 ? words[i] : NULL;                          /* unique text keys, then missing */
  }
  struct frame *l = FRAME(mk_i64("ki", NL, li), mk_cat("ks", NL, ls), mk_i64("one", NL, lone),
                          mk_i64("lv", NL, lv));
  struct frame *r = FRAME(mk_i64("ki", NR, ri), mk_cat("ks", NR, rs), mk_i64("one", NR, rone),
                          mk_f64("rv", NR, rv), mk_cat("rc", NR, rc));
  char err[256] = "";
  const char *keys[] = {"ki", "ks"};
  for (size_t k = 0; k < 2; k++) {
    /* the right frame without the other key */
    struct frame *rr = frameops_select(r, (const char *[]){keys[k], "one", "rv", "rc"}, 4, err, sizeof err);
    assert_non_null(rr);
    for (int how = 0; how < 2; how++) {
      enum frameops_how hw = how ? FRAMEOPS_INNER : FRAMEOPS_LEFT;
      struct frame *g = frameops_join(l, rr, NAMES(keys[k], "one"), NAMES(keys[k], "one"), 2, hw,
                                      NULL, err, sizeof err);
      if (!g) fail_msg("%s", err);
      for (size_t t = 1; t <= 3; t++) {
        chunks_set_threads(t);
        struct frame *d = frameops_join(l, rr, NAMES(keys[k]), NAMES(keys[k]), 1, hw, NULL, err,
                                        sizeof err);
        if (!d) fail_msg("%s", err);
        assert_same_frame(d, g, "one");
        if (!how) assert_true(col(d, "lv")->v.raw == col(l, "lv")->v.raw);   /* shared */
        frame_free(d);
      }
      chunks_set_threads(0);
      frame_free(g);
    }
    /* every left row matching: the inner join keeps them all, shared */
    size_t *keep = malloc(NL * sizeof *keep), m = 0;
    assert_non_null(keep);
    for (size_t i = 0; i < NL; i++) {
      int hit = k ? ls[i] && strcmp(ls[i], "X") != 0 : li[i] != NI && li[i] >= 0 && li[i] < NR;
      if (hit) keep[m++] = i;
    }
    struct frame *lm = frame_take(l, keep, m);
    struct frame *d = frameops_join(lm, rr, NAMES(keys[k]), NAMES(keys[k]), 1, FRAMEOPS_INNER, NULL,
                                    err, sizeof err);
    struct frame *g = frameops_join(lm, rr, NAMES(keys[k], "one"), NAMES(keys[k], "one"), 2,
                                    FRAMEOPS_INNER, NULL, err, sizeof err);
    assert_true(d && g);
    assert_int_equal(d->nrow, m);
    assert_same_frame(d, g, "one");
    assert_true(col(d, "lv")->v.raw == col(lm, "lv")->v.raw);
    frame_free(d); frame_free(g); frame_free(lm); free(keep);
    frame_free(rr);
  }
  frame_free(l); frame_free(r);
  free(li); free(lone); free(lv); free(ls);
}

/* A lookup that gives every left row exactly one result row keeps the left
 * columns as they are (shared, not copied); unmatched rows of a left join
 * get missing right values (calculated). */
static void test_join_lookup_shares_left_columns(void **state) {
  (void)state;
  struct frame *l = FRAME(I64("la", 202, 201, 999, 202, NI), F64("y", 1, 2, 3, 4, 5));
  struct frame *r = FRAME(I64("la", 201, 202, 203), F64("spend", 10.5, 20.5, 30.5),
                          CAT("region", "N", NULL, "S"));
  char err[256] = "";
  struct frame *o = frameops_join(l, r, NAMES("la"), NAMES("la"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "la,y,spend,region");
  assert_true(col(o, "y")->v.raw == col(l, "y")->v.raw);   /* shared */
  assert_non_null(col(o, "y")->shared);
  assert_ints(o, "la", "202,201,999,202,NA");
  NEAR(fv(o, "spend", 0), 20.5);
  NEAR(fv(o, "spend", 1), 10.5);
  assert_int_equal(na(o, "spend", 2), NA_CALC);
  assert_int_equal(na(o, "spend", 4), NA_CALC);
  assert_int_equal(na(o, "region", 0), NA_C);    /* a missing right value keeps its reason */
  assert_strs(o, "region", "NA,N,NA,NA,NA");
  frame_free(o);
  o = frameops_join(l, r, NAMES("la"), NAMES("la"), 1, FRAMEOPS_INNER, NULL, err, sizeof err);
  assert_non_null(o);
  assert_ints(o, "la", "202,201,202");
  assert_true(col(o, "y")->v.raw != col(l, "y")->v.raw);   /* rows dropped: gathered */
  frame_free(o);
  frame_free(l);
  frame_free(r);
}

/* 20,000 rows sharing one key joined to themselves would be 400 million
 * rows: refused with a message, before any large allocation. */
static void test_join_refuses_an_exploding_result(void **state) {
  (void)state;
  size_t n = 20000;
  int64_t *k = calloc(n, sizeof *k);
  assert_non_null(k);
  struct frame *f = mk_frame(mk_i64("k", n, k), NULL);
  free(k);
  char err[256] = "";
  struct frame *o = frameops_join(f, f, NAMES("k"), NAMES("k"), 1, FRAMEOPS_INNER, NULL, err, sizeof err);
  assert_null(o);
  assert_non_null(strstr(err, "400000000 rows"));
  assert_non_null(strstr(err, "repeated in both frames"));
  frame_free(f);
}

static void test_join_suffixes_and_names(void **state) {
  (void)state;
  struct frame *l = join_left(), *r = join_right();
  char err[256] = "";
  struct frameops_join_opts opt = {"_la", "_nat"};
  struct frame *o = frameops_join(l, r, NAMES("id"), NAMES("id"), 1, FRAMEOPS_INNER, &opt, err, sizeof err);
  assert_non_null(o);
  assert_names(o, "id,lv,v_la,v_nat,rv");
  frame_free(o);
  frame_free(r);
  /* right key named differently; a right non-key column named like the left key */
  r = FRAME(I64("code", 1, 2), I64("id", 7, 8));
  o = frameops_join(l, r, NAMES("id"), NAMES("code"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err);
  assert_non_null(o);
  assert_names(o, "id,lv,v,id.y");
  assert_ints(o, "id.y", "7,8,NA,NA,8");
  frame_free(o);
  frame_free(r);
  /* a suffixed name that already exists */
  r = FRAME(I64("id", 1), I64("lv", 1));
  struct frame *l2 = FRAME(I64("id", 1), I64("lv", 2), I64("lv.x", 3));
  expect_fail(frameops_join(l2, r, NAMES("id"), NAMES("id"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err),
              err, "join: two result columns would be called \"lv.x\"; rename a column or choose "
              "other suffixes");
  frame_free(l2);
  frame_free(r);
  frame_free(l);
}

static void test_join_text_keys_with_different_dictionaries_and_two_keys(void **state) {
  (void)state;
  /* each builder column has its own dictionary: E1 is code 0 on the left, 1 on the right */
  struct frame *l = FRAME(CAT("la", "E1", "E2", "E3", "E1"), I64("yr", 2020, 2020, 2020, 2021),
                          I64("n", 1, 2, 3, 4));
  struct frame *r = FRAME(CAT("code", "E3", "E1", "E1", "E2"), I64("year", 2020, 2021, 2020, 2019),
                          F64("rate", 0.3, 0.11, 0.1, 0.2));
  assert_true(col(l, "la")->v.cat[0] != col(r, "code")->v.cat[2]);   /* E1: different codes */
  char err[256] = "";
  struct frame *o = frameops_join(l, r, NAMES("la", "yr"), NAMES("code", "year"), 2, FRAMEOPS_LEFT,
                                  NULL, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "la,yr,n,rate");
  NEAR(fv(o, "rate", 0), 0.1);
  assert_int_equal(na(o, "rate", 1), NA_CALC);     /* E2 2020: right has only 2019 */
  NEAR(fv(o, "rate", 2), 0.3);
  NEAR(fv(o, "rate", 3), 0.11);
  frame_free(o);
  frame_free(l);
  frame_free(r);
}

static void test_join_numeric_keys_compare_by_value(void **state) {
  (void)state;
  struct frame *l = FRAME(F64("k", 1.0, 1.5, -0.0, 3e15), I64("a", 1, 2, 3, 4));
  struct frame *r = FRAME(I64("k", 0, 1, 3000000000000000), I64("b", 10, 11, 12));
  char err[256];
  struct frame *o = frameops_join(l, r, NAMES("k"), NAMES("k"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err);
  assert_non_null(o);
  assert_ints(o, "b", "11,NA,10,12");
  assert_int_equal(col(o, "k")->type, FRAME_F64);   /* the left key's type */
  frame_free(o);
  frame_free(l);
  frame_free(r);
}

static void test_join_errors(void **state) {
  (void)state;
  struct frame *l = join_left();
  struct frame *r = FRAME(CAT("name", "a"), DATE("d", "2020-01-01"));
  char err[256];
  expect_fail(frameops_join(l, r, NAMES("id"), NAMES("name"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err),
              err, "join: key \"id\" is int64 in the left frame but \"name\" is text in the right "
              "frame; convert one so they have the same type");
  expect_fail(frameops_join(l, r, NAMES("lv"), NAMES("nme"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err),
              err, "join: no column \"nme\" in the right frame (did you mean \"name\"?)");
  expect_fail(frameops_join(l, r, NAMES("idd"), NAMES("name"), 1, FRAMEOPS_LEFT, NULL, err, sizeof err),
              err, "join: no column \"idd\" in the left frame (did you mean \"id\"?)");
  expect_fail(frameops_join(l, r, NULL, NULL, 0, FRAMEOPS_LEFT, NULL, err, sizeof err), err,
              "join: at least one key column is needed");
  expect_fail(frameops_join(l, r, NAMES("lv", "lv"), NAMES("name", "d"), 2, FRAMEOPS_LEFT, NULL,
                            err, sizeof err), err, "join: left key \"lv\" given twice");
  expect_fail(frameops_join(l, r, NAMES("lv"), NAMES("name"), 1, (enum frameops_how)7, NULL, err,
                            sizeof err), err, "join: unknown kind of join (use left or inner)");
  frame_free(l);
  frame_free(r);
}

/* ===== pivots ===== */

static void test_pivot_longer_promotes_and_keeps_missing(void **state) {
  (void)state;
  struct frame *f = FRAME(CAT("la", "E1", "E2"), I64("y2019", 1, NI), F64("y2020", 2.5, 3.5));
  char err[256] = "";
  struct frame *o = frameops_pivot_longer(f, NULL, 0, NAMES("y2019", "y2020"), 2, "year", "rate",
                                          err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "la,year,rate");
  assert_int_equal(o->nrow, 4);
  assert_strs(o, "la", "E1,E1,E2,E2");
  assert_strs(o, "year", "y2019,y2020,y2019,y2020");
  assert_int_equal(col(o, "rate")->type, FRAME_F64);
  NEAR(fv(o, "rate", 0), 1);
  NEAR(fv(o, "rate", 1), 2.5);
  assert_int_equal(na(o, "rate", 2), NA_NA);
  NEAR(fv(o, "rate", 3), 3.5);
  frame_free(o);
  /* explicit (empty) id list */
  o = frameops_pivot_longer(f, NAMES(NULL), 0, NAMES("y2020"), 1, "year", "rate", err, sizeof err);
  assert_non_null(o);
  assert_names(o, "year,rate");
  frame_free(o);
  frame_free(f);
}

static void test_pivot_round_trip(void **state) {
  (void)state;
  struct frame *f = FRAME(CAT("la", "E1", "E2", "E3"), I64("pop", 5, 6, 7),
                          F64("y2020", 1.5, NAN, 3), F64("y2019", 4, 5, 6));
  char err[256] = "";
  struct frame *lo = frameops_pivot_longer(f, NAMES("la", "pop"), 2, NAMES("y2020", "y2019"), 2,
                                           "year", "rate", err, sizeof err);
  assert_non_null(lo);
  struct frame *w = frameops_pivot_wider(lo, NAMES("la", "pop"), 2, "year", "rate", err, sizeof err);
  if (!w) fail_msg("%s", err);
  assert_names(w, "la,pop,y2019,y2020");     /* new columns in sorted order */
  assert_strs(w, "la", "E1,E2,E3");
  assert_ints(w, "pop", "5,6,7");
  for (size_t i = 0; i < 3; i++) {
    NEAR(fv(w, "y2019", i), fv(f, "y2019", i));
    if (i == 1) assert_int_equal(na(w, "y2020", i), NA_NA);    /* reason survives */
    else NEAR(fv(w, "y2020", i), fv(f, "y2020", i));
  }
  frame_free(w);
  /* id defaults to every other column */
  w = frameops_pivot_wider(lo, NULL, 0, "year", "rate", err, sizeof err);
  assert_non_null(w);
  assert_names(w, "la,pop,y2019,y2020");
  frame_free(w);
  frame_free(lo);
  frame_free(f);
}

static void test_pivot_wider_int_names_and_missing_cells(void **state) {
  (void)state;
  struct frame *f = FRAME(CAT("la", "E2", "E1", "E1", "E2"), I64("year", 2021, 2019, 2021, 2020),
                          I64("n", 1, 2, 3, 4));
  char err[256] = "";
  struct frame *w = frameops_pivot_wider(f, NAMES("la"), 1, "year", "n", err, sizeof err);
  if (!w) fail_msg("%s", err);
  assert_names(w, "la,2019,2020,2021");
  assert_strs(w, "la", "E2,E1");             /* order of first appearance */
  assert_ints(w, "2019", "NA,2");
  assert_ints(w, "2020", "4,NA");
  assert_ints(w, "2021", "1,3");
  assert_int_equal(na(w, "2019", 0), NA_CALC);
  frame_free(w);
  frame_free(f);
}

static void test_pivot_errors(void **state) {
  (void)state;
  struct frame *f = FRAME(CAT("la", "E1", "E2", "E1"), I64("year", 2019, 2019, 2019),
                          F64("rate", 1, 2, 3), DATE("d", "2020-01-01", NULL, NULL),
                          CAT("t", "a", "b", "c"));
  char err[256];
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "year", "rate", err, sizeof err), err,
              "pivot_wider: rows 1 and 3 have the same id (la=\"E1\") and year = 2019; aggregate "
              "them first so each id has one value per name");
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "rate", "year", err, sizeof err), err,
              "pivot_wider: names_from column \"rate\" is float64; it must be text or int64");
  expect_fail(frameops_pivot_wider(f, NAMES("la", "year"), 2, "year", "rate", err, sizeof err), err,
              "pivot_wider: \"year\" cannot be an id column as well");
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "yeer", "rate", err, sizeof err), err,
              "pivot_wider: no column \"yeer\" (did you mean \"year\"?)");
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "year", "year", err, sizeof err), err,
              "pivot_wider: names_from and values_from are both \"year\"");
  expect_fail(frameops_pivot_longer(f, NAMES("la"), 1, NAMES("t", "d"), 2, "k", "v", err, sizeof err),
              err, "pivot_longer: value columns \"t\" (text) and \"d\" (date) cannot share one column");
  expect_fail(frameops_pivot_longer(f, NAMES("la", "rate"), 2, NAMES("rate"), 1, "k", "v", err,
                                    sizeof err), err, "pivot_longer: \"rate\" cannot be an id column as well");
  expect_fail(frameops_pivot_longer(f, NAMES("la"), 1, NAMES("rate"), 1, "la", "v", err, sizeof err),
              err, "pivot_longer: \"la\" is an id column; choose another name for names_to");
  expect_fail(frameops_pivot_longer(f, NAMES("la"), 1, NAMES("rate"), 1, "k", "k", err, sizeof err),
              err, "pivot_longer: names_to and values_to are both \"k\"");
  expect_fail(frameops_pivot_longer(f, NULL, 0, NULL, 0, "k", "v", err, sizeof err), err,
              "pivot_longer: no value columns given");
  expect_fail(frameops_pivot_longer(f, NULL, 0, NAMES("rat"), 1, "k", "v", err, sizeof err), err,
              "pivot_longer: no column \"rat\" (did you mean \"rate\"?)");
  frame_free(f);
  f = FRAME(CAT("la", "E1", "E2"), CAT("nm", "la", NULL), I64("v", 1, 2));
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "nm", "v", err, sizeof err), err,
              "pivot_wider: names_from column \"nm\" is missing in row 2; drop or fill those rows first");
  frame_free(f);
  f = FRAME(CAT("la", "E1"), CAT("nm", "la"), I64("v", 1));
  expect_fail(frameops_pivot_wider(f, NAMES("la"), 1, "nm", "v", err, sizeof err), err,
              "pivot_wider: the new column \"la\" (from \"nm\") would have the name of an id column");
  frame_free(f);
}

/* ===== bind_rows ===== */

static void test_bind_rows_matches_names_and_promotes(void **state) {
  (void)state;
  struct frame *a = FRAME(I64("a", 1, 2), CAT("b", "x", "y"));
  struct frame *b = FRAME(CAT("b", "z", "y"), F64("a", 2.5, NAN), DATE("c", "2020-01-01", "2021-02-03"));
  struct frame *c = FRAME(F64("c", NAN), CAT("b", NULL));    /* all-missing float64 "c" fits a date */
  const struct frame *in[] = {a, b, c};
  char err[256] = "";
  struct frame *o = frameops_bind_rows(in, 3, err, sizeof err);
  if (!o) fail_msg("%s", err);
  assert_names(o, "a,b,c");
  assert_int_equal(o->nrow, 5);
  assert_int_equal(col(o, "a")->type, FRAME_F64);
  NEAR(fv(o, "a", 0), 1);
  NEAR(fv(o, "a", 2), 2.5);
  assert_int_equal(na(o, "a", 3), NA_NA);
  assert_int_equal(na(o, "a", 4), NA_CALC);     /* frame 3 has no "a" */
  assert_strs(o, "b", "x,y,z,y,NA");
  assert_int_equal(na(o, "b", 4), NA_C);
  assert_int_equal(col(o, "c")->type, FRAME_DATE);
  assert_int_equal(na(o, "c", 0), NA_CALC);
  char buf[16];
  frame_date_format(col(o, "c")->v.date[3], buf);
  assert_string_equal(buf, "2021-02-03");
  assert_int_equal(na(o, "c", 4), NA_NA);
  frame_free(o);
  /* same dictionary everywhere: shared, not copied */
  struct frame *a2 = frame_take(a, NULL, 2);
  const struct frame *in2[] = {a, a2};
  o = frameops_bind_rows(in2, 2, err, sizeof err);
  assert_non_null(o);
  assert_true(col(o, "b")->dict == col(a, "b")->dict);
  assert_ints(o, "a", "1,2,1,2");
  frame_free(o);
  o = frameops_bind_rows(NULL, 0, err, sizeof err);
  assert_non_null(o);
  assert_int_equal(o->ncol, 0);
  assert_int_equal(o->nrow, 0);
  frame_free(o);
  frame_free(a2);
  frame_free(a);
  frame_free(b);
  frame_free(c);
}

static void test_bind_rows_errors(void **state) {
  (void)state;
  struct frame *a = FRAME(I64("n", 1));
  struct frame *b = FRAME(DATE("c", "2020-01-01"));
  struct frame *c = FRAME(CAT("c", "x"));
  const struct frame *in[] = {a, b, c};
  char err[256];
  expect_fail(frameops_bind_rows(in, 3, err, sizeof err), err,
              "bind_rows: column \"c\" is date in frame 2 and text in frame 3; convert one so they "
              "have the same type");
  const struct frame *in2[] = {a, NULL};
  expect_fail(frameops_bind_rows(in2, 2, err, sizeof err), err, "bind_rows: frame 2 is missing (NULL)");
  frame_free(a);
  frame_free(b);
  frame_free(c);
}

/* ===== dense ranks of short-range keys (denserank.h) ===== */

static void test_dense_rank_small(void **state) {
  (void)state;
  const int64_t v[] = {5, 3, 5, 9, 3, -2};
  struct frame_col *c = mk_i64("k", 6, v);
  size_t *rank, span, G;
  int64_t lo;
  assert_int_equal(dense_rank(c, NULL, 6, &rank, &lo, &span, &G), 0);
  assert_int_equal(lo, -2);
  assert_int_equal(span, 12);
  assert_int_equal(G, 4);
  assert_int_equal(rank[-2 - lo], 0);
  assert_int_equal(rank[3 - lo], 1);
  assert_int_equal(rank[5 - lo], 2);
  assert_int_equal(rank[9 - lo], 3);
  free(rank);
  /* through keep: rows 0, 3 and 2 only (values 5, 9, 5) */
  const size_t keep[] = {0, 3, 2};
  assert_int_equal(dense_rank(c, keep, 3, &rank, &lo, &span, &G), 0);
  assert_int_equal(lo, 5);
  assert_int_equal(G, 2);
  assert_int_equal(rank[9 - lo], 1);
  free(rank);
  /* no rows, or a range too wide for a table: the caller hashes */
  assert_int_equal(dense_rank(c, NULL, 0, &rank, &lo, &span, &G), 1);
  const int64_t wide[] = {0, INT64_MAX, INT64_MIN + 1};
  struct frame_col *w = mk_i64("w", 3, wide);
  assert_int_equal(dense_rank(w, NULL, 3, &rank, &lo, &span, &G), 1);
  frame_col_free(w);
  frame_col_free(c);
  const double f[] = {1, 2};
  struct frame_col *d = mk_f64("f", 2, f);
  assert_int_equal(dense_rank(d, NULL, 2, &rank, &lo, &span, &G), 1);
  frame_col_free(d);
}

/* Against vcov_cluster_ids (the hashing path) on rows across many chunks,
 * with 1, 2 and 3 threads: the same numbers and the same G. */
static void test_dense_rank_matches_cluster_ids(void **state) {
  (void)state;
  const size_t n = 200003;
  struct frame_col *c = new_col("la", FRAME_I64, n);
  double *dv = malloc(n * sizeof *dv);
  size_t *want = malloc(n * sizeof *want), Gw;
  assert_non_null(dv);
  assert_non_null(want);
  uint64_t x = 88172645463325252u;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c->v.i64[i] = 800 + (int64_t)(x % 150) * 3;   /* gaps between values */
    dv[i] = (double)c->v.i64[i];
  }
  assert_int_equal(vcov_cluster_ids(dv, n, want, &Gw), 0);
  for (size_t t = 1; t <= 3; t++) {
    chunks_set_threads(t);
    size_t *rank, span, G;
    int64_t lo;
    assert_int_equal(dense_rank(c, NULL, n, &rank, &lo, &span, &G), 0);
    assert_int_equal(G, Gw);
    for (size_t i = 0; i < n; i++) assert_int_equal(rank[c->v.i64[i] - lo], want[i]);
    free(rank);
  }
  chunks_set_threads(0);
  free(dv);
  free(want);
  frame_col_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_select_orders_and_copies_columns),
    cmocka_unit_test(test_select_errors),
    cmocka_unit_test(test_rename_keeps_order_and_allows_swaps),
    cmocka_unit_test(test_rename_errors),
    cmocka_unit_test(test_sort_text_by_string_missing_last),
    cmocka_unit_test(test_sort_float_dates_bools_and_bare_nan),
    cmocka_unit_test(test_sort_is_stable_on_many_rows),
    cmocka_unit_test(test_sort_errors),
    cmocka_unit_test(test_aggregate_every_function_skips_missing),
    cmocka_unit_test(test_aggregate_quantile_type7_and_sd_match_r),
    cmocka_unit_test(test_aggregate_types_text_min_max_bool_sum),
    cmocka_unit_test(test_aggregate_empty_frames),
    cmocka_unit_test(test_aggregate_many_groups_uses_hash),
    cmocka_unit_test(test_thread_count_and_same_bytes_on_any_count),
    cmocka_unit_test(test_aggregate_errors),
    cmocka_unit_test(test_aggregate_direct_keys_same_as_hash),
    cmocka_unit_test(test_aggregate_sums_in_row_order),
    cmocka_unit_test(test_aggregate_sums_over_chunks),
    cmocka_unit_test(test_aggregate_many_groups_over_chunks),
    cmocka_unit_test(test_aggregate_overflow_names_its_group),
    cmocka_unit_test(test_aggregate_fused_same_as_general_on_any_threads),
    cmocka_unit_test(test_aggregate_fused_many_groups),
    cmocka_unit_test(test_aggregate_fused_key_ranges_by_chunk),
    cmocka_unit_test(test_aggregate_fused_extreme_keys),
    cmocka_unit_test(test_aggregate_fused_int_sums_near_overflow),
    cmocka_unit_test(test_join_key_table_same_as_general),
    cmocka_unit_test(test_aggregate_function_names),
    cmocka_unit_test(test_join_left_many_to_many_in_dplyr_order),
    cmocka_unit_test(test_join_refuses_an_exploding_result),
    cmocka_unit_test(test_join_direct_keys_same_as_hash),
    cmocka_unit_test(test_join_lookup_shares_left_columns),
    cmocka_unit_test(test_join_suffixes_and_names),
    cmocka_unit_test(test_join_text_keys_with_different_dictionaries_and_two_keys),
    cmocka_unit_test(test_join_numeric_keys_compare_by_value),
    cmocka_unit_test(test_join_errors),
    cmocka_unit_test(test_pivot_longer_promotes_and_keeps_missing),
    cmocka_unit_test(test_pivot_round_trip),
    cmocka_unit_test(test_pivot_wider_int_names_and_missing_cells),
    cmocka_unit_test(test_pivot_errors),
    cmocka_unit_test(test_bind_rows_matches_names_and_promotes),
    cmocka_unit_test(test_bind_rows_errors),
    cmocka_unit_test(test_dense_rank_small),
    cmocka_unit_test(test_dense_rank_matches_cluster_ids),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
