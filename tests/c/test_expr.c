/* tests/c/test_expr.c -- cmocka tests for the expression compiler and
 * evaluator (host/expr*.c): values, types, missing values and their reasons,
 * Kleene logic, `in`, text and date comparisons, every function, every error
 * message, block boundaries, and a deterministic fuzz loop that must never
 * crash (also run under `make test-asan`). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/chunks.h"
#include "data/expr.h"
#include "data/frame.h"
#include "data/framesel.h"

/* ===== building frames ===== */

#define N6 6
#define NONE 0

static struct frame_col *mkcol(const char *name, enum frame_type t, size_t n) {
  struct frame_col *c = frame_col_new(name, t, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  return c;
}

static void add(struct frame *f, struct frame_col *c) { assert_int_equal(frame_add(f, c), 0); }

static void set_na(struct frame_col *c, const uint8_t *na, size_t n) {
  for (size_t i = 0; i < n; i++) if (na[i]) assert_int_equal(frame_col_set_na(c, i, na[i]), 0);
}

static struct frame_col *col_i64(const char *name, size_t n, const int64_t *v, const uint8_t *na) {
  struct frame_col *c = mkcol(name, FRAME_I64, n);
  for (size_t i = 0; i < n; i++) c->v.i64[i] = v[i];
  if (na) set_na(c, na, n);
  return c;
}

static struct frame_col *col_f64(const char *name, size_t n, const double *v, const uint8_t *na) {
  struct frame_col *c = mkcol(name, FRAME_F64, n);
  for (size_t i = 0; i < n; i++) c->v.f64[i] = v[i];
  if (na) set_na(c, na, n);
  return c;
}

static struct frame_col *col_bool(const char *name, size_t n, const int *v, const uint8_t *na) {
  struct frame_col *c = mkcol(name, FRAME_BOOL, n);
  for (size_t i = 0; i < n; i++) c->v.b[i] = (uint8_t)v[i];
  if (na) set_na(c, na, n);
  return c;
}

/* Text column; a NULL entry is missing with reason na[i] (NA_BLANK if na is NULL). */
static struct frame_col *col_cat(const char *name, size_t n, const char *const *v,
                                 const uint8_t *na) {
  struct frame_col *c = mkcol(name, FRAME_CAT, n);
  for (size_t i = 0; i < n; i++) {
    if (!v[i]) {
      c->v.cat[i] = 0;
      assert_int_equal(frame_col_set_na(c, i, na && na[i] ? na[i] : NA_BLANK), 0);
      continue;
    }
    c->v.cat[i] = frame_dict_intern(c->dict, v[i], strlen(v[i]));
    assert_true(c->v.cat[i] >= 0);
  }
  return c;
}

static struct frame_col *col_date(const char *name, size_t n, const char *const *v) {
  struct frame_col *c = mkcol(name, FRAME_DATE, n);
  for (size_t i = 0; i < n; i++) {
    if (!v[i]) { c->v.date[i] = 0; assert_int_equal(frame_col_set_na(c, i, NA_BLANK), 0); continue; }
    assert_int_equal(frame_date_parse(v[i], strlen(v[i]), &c->v.date[i]), 0);
  }
  return c;
}

/* The frame most tests use: six rows, every type, some missing values. */
static struct frame *sample(void) {
  struct frame *f = frame_new();
  assert_non_null(f);
  static const int64_t age[N6] = {5, 12, 15, 0, 20, 10};
  static const uint8_t age_na[N6] = {0, 0, 0, NA_C, 0, 0};
  static const double x[N6] = {1.5, -2, 0, 0, 4, 2.5};
  static const uint8_t x_na[N6] = {0, 0, 0, NA_NA, 0, 0};
  static const char *const sex[N6] = {"F", "M", "F", "F", NULL, "M"};
  static const char *const la[N6] = {"Lincolnshire", "Norfolk", "Suffolk", "Essex", "Kent", "Norfolk"};
  static const char *const nums[N6] = {"12", "3.5", "abc", "-1e2", NULL, " 4"};
  static const int flag[N6] = {1, 0, 0, 1, 0, 1};
  static const uint8_t flag_na[N6] = {0, 0, NA_X, 0, 0, 0};
  static const char *const dob[N6] = {"2020-01-01", "2021-06-15", "2019-12-31", NULL, "2024-02-29", "2020-04-01"};
  static const char *const ref[N6] = {"2020-01-08", "2021-06-15", "2020-01-01", "2020-01-01", "2024-03-01", "2020-03-31"};
  static const int64_t fsm[N6] = {0, 1, 0, 1, 1, 0};
  static const double odd[N6] = {1, 2, 3, 4, 5, 6};
  add(f, col_i64("age", N6, age, age_na));
  add(f, col_f64("x", N6, x, x_na));
  add(f, col_cat("sex", N6, sex, NULL));
  add(f, col_cat("la_name", N6, la, NULL));
  add(f, col_cat("nums", N6, nums, NULL));
  add(f, col_bool("flag", N6, flag, flag_na));
  add(f, col_date("dob", N6, dob));
  add(f, col_date("ref", N6, ref));
  add(f, col_i64("fsm", N6, fsm, NULL));
  add(f, col_f64("odd name", N6, odd, NULL));
  add(f, col_f64("a`b", N6, odd, NULL));
  static const char *const dtxt[N6] = {"2020-01-01", "01/02/2020", "bad", NULL, "2024-02-29", "2020-02-30"};
  add(f, col_cat("dtxt", N6, dtxt, NULL));
  return f;
}

static int setup(void **state) { *state = sample(); return 0; }
static int teardown(void **state) { frame_free(*state); return 0; }

/* ===== checking results ===== */

static struct frame_col *eval_ok(const struct frame *f, const char *src) {
  char err[512];
  struct expr *e = expr_compile(src, f, err, sizeof err);
  if (!e) fail_msg("compile \"%s\": %s", src, err);
  struct frame_col *c = expr_eval(e, f, "out", err, sizeof err);
  if (!c) fail_msg("eval \"%s\": %s", src, err);
  expr_free(e);
  assert_int_equal(c->n, f->nrow);
  assert_string_equal(c->name, "out");
  return c;
}

static uint8_t na_of(const struct frame_col *c, size_t i) { return c->na ? c->na[i] : 0; }

/* Expected values: NAN in want[] means "missing with reason why[i]". */
static void want_f64(const struct frame *f, const char *src, const double *want,
                     const uint8_t *why) {
  struct frame_col *c = eval_ok(f, src);
  if (c->type != FRAME_F64) fail_msg("\"%s\": type %s, expected float64", src, frame_type_name(c->type));
  for (size_t i = 0; i < c->n; i++) {
    if (isnan(want[i])) {
      if (na_of(c, i) != (why ? why[i] : NA_CALC))
        fail_msg("\"%s\" row %zu: reason %d, expected %d", src, i, na_of(c, i), why ? why[i] : NA_CALC);
    } else {
      if (na_of(c, i)) fail_msg("\"%s\" row %zu: missing (%d), expected %g", src, i, na_of(c, i), want[i]);
      if (fabs(c->v.f64[i] - want[i]) > 1e-12 * (1 + fabs(want[i])))
        fail_msg("\"%s\" row %zu: %.17g, expected %.17g", src, i, c->v.f64[i], want[i]);
    }
  }
  frame_col_free(c);
}

#define NAI INT64_MIN   /* "missing" in expected int64 values */

static void want_i64(const struct frame *f, const char *src, const int64_t *want,
                     const uint8_t *why) {
  struct frame_col *c = eval_ok(f, src);
  if (c->type != FRAME_I64) fail_msg("\"%s\": type %s, expected int64", src, frame_type_name(c->type));
  for (size_t i = 0; i < c->n; i++) {
    if (want[i] == NAI) {
      if (na_of(c, i) != (why ? why[i] : NA_CALC))
        fail_msg("\"%s\" row %zu: reason %d, expected %d", src, i, na_of(c, i), why ? why[i] : NA_CALC);
    } else {
      if (na_of(c, i)) fail_msg("\"%s\" row %zu: missing (%d)", src, i, na_of(c, i));
      if (c->v.i64[i] != want[i])
        fail_msg("\"%s\" row %zu: %lld, expected %lld", src, i, (long long)c->v.i64[i], (long long)want[i]);
    }
  }
  frame_col_free(c);
}

/* Booleans as a string, one character per row: 1, 0, or the missing reason's
 * letter: c x z k u b(lank) n(A) C(alc) l(ow) :(colon). */
static char reason_char(uint8_t r) {
  static const char tab[NA_NREASONS] = {'?', 'b', 'n', 'c', 'x', 'z', 'k', 'u', 'l', ':', 'C'};
  return r < NA_NREASONS ? tab[r] : '?';
}

static void want_bool(const struct frame *f, const char *src, const char *want) {
  struct frame_col *c = eval_ok(f, src);
  if (c->type != FRAME_BOOL) fail_msg("\"%s\": type %s, expected bool", src, frame_type_name(c->type));
  char got[64];
  for (size_t i = 0; i < c->n && i < 63; i++)
    got[i] = na_of(c, i) ? reason_char(na_of(c, i)) : (char)('0' + c->v.b[i]);
  got[c->n < 63 ? c->n : 63] = '\0';
  if (strcmp(got, want) != 0) fail_msg("\"%s\": got %s, expected %s", src, got, want);
  frame_col_free(c);
}

/* Text results: "" stands for missing. */
static void want_text(const struct frame *f, const char *src, const char *const *want) {
  struct frame_col *c = eval_ok(f, src);
  if (c->type != FRAME_CAT) fail_msg("\"%s\": type %s, expected text", src, frame_type_name(c->type));
  for (size_t i = 0; i < c->n; i++) {
    const char *s = frame_col_gets(c, i);
    if (!s) s = "";
    if (strcmp(s, want[i]) != 0) fail_msg("\"%s\" row %zu: \"%s\", expected \"%s\"", src, i, s, want[i]);
  }
  frame_col_free(c);
}

static void want_dates(const struct frame *f, const char *src, const char *const *want) {
  struct frame_col *c = eval_ok(f, src);
  if (c->type != FRAME_DATE) fail_msg("\"%s\": type %s, expected date", src, frame_type_name(c->type));
  for (size_t i = 0; i < c->n; i++) {
    char buf[16] = "";
    if (!na_of(c, i)) frame_date_format(c->v.date[i], buf);
    if (strcmp(buf, want[i]) != 0) fail_msg("\"%s\" row %zu: \"%s\", expected \"%s\"", src, i, buf, want[i]);
  }
  frame_col_free(c);
}

static void want_error(const struct frame *f, const char *src, const char *substr) {
  char err[512];
  struct expr *e = expr_compile(src, f, err, sizeof err);
  if (e) { expr_free(e); fail_msg("\"%s\" compiled, expected error containing '%s'", src, substr); }
  if (!strstr(err, substr)) fail_msg("\"%s\": error '%s' lacks '%s'", src, err, substr);
}

/* Rows kept by a filter, as a string of 0-based indices "0 2 5". */
static void want_rows(const struct frame *f, const char *src, const char *want) {
  char err[512];
  struct expr *e = expr_compile(src, f, err, sizeof err);
  if (!e) fail_msg("compile \"%s\": %s", src, err);
  size_t m = 99;
  size_t *idx = expr_filter(e, f, &m, err, sizeof err);
  if (!idx) fail_msg("filter \"%s\": %s", src, err);
  char got[256] = "";
  size_t o = 0;
  for (size_t i = 0; i < m; i++) o += (size_t)snprintf(got + o, sizeof got - o, "%s%zu", i ? " " : "", idx[i]);
  if (strcmp(got, want) != 0) fail_msg("filter \"%s\": rows \"%s\", expected \"%s\"", src, got, want);
  free(idx);
  expr_free(e);
}

/* ===== tests ===== */

#define FILL(arr, v) for (int i_ = 0; i_ < N6; i_++) (arr)[i_] = (v)
#define D(...) ((const double[]){__VA_ARGS__})
#define I(...) ((const int64_t[]){__VA_ARGS__})
#define R(...) ((const uint8_t[]){__VA_ARGS__})
#define S(...) ((const char *const[]){__VA_ARGS__})

static const uint8_t why_c[N6] = {0, 0, 0, NA_C, 0, 0};      /* age */
static const uint8_t why_na[N6] = {0, 0, 0, NA_NA, 0, 0};    /* x */
static const uint8_t why_blank3[N6] = {0, 0, 0, NA_BLANK, 0, 0};   /* dob */

static void test_arithmetic(void **state) {
  const struct frame *f = *state;
  int64_t w[N6];
  double d[N6];
  FILL(w, 7); want_i64(f, "1 + 2 * 3", w, NULL);
  FILL(d, 19); want_f64(f, "1 + 2 * 3 ^ 2", d, NULL);   /* ^ gives float64 */
  FILL(d, -4); want_f64(f, "-2 ^ 2", d, NULL);          /* ^ binds tighter than unary minus */
  FILL(d, 0.5); want_f64(f, "2 ^ -1", d, NULL);
  FILL(d, 512); want_f64(f, "2 ^ 3 ^ 2", d, NULL);      /* right associative */
  FILL(d, 3.5); want_f64(f, "7 / 2", d, NULL);          /* / of integers is float64 */
  FILL(w, 1); want_i64(f, "7 % 3", w, NULL);
  FILL(w, 2); want_i64(f, "-7 % 3", w, NULL);           /* floored, as Lua and R */
  FILL(w, -2); want_i64(f, "7 % -3", w, NULL);
  FILL(d, 1.5); want_f64(f, "7.5 % 2", d, NULL);
  FILL(d, 0.5); want_f64(f, "-7.5 % 2", d, NULL);
  FILL(d, 1000); want_f64(f, "1e3", d, NULL);
  FILL(d, 1500); want_f64(f, "1.5E+3", d, NULL);
  FILL(d, 0.25); want_f64(f, ".5 * 0.5", d, NULL);
  FILL(d, 6); want_f64(f, "(1 + 2) * 2.0", d, NULL);
  FILL(w, 1); want_i64(f, "10 - 4 - 5", w, NULL);       /* left associative */
  FILL(d, 2.5); want_f64(f, "10 / 2 / 2", d, NULL);
  FILL(w, 3); want_i64(f, "- -3", w, NULL);
  FILL(w, 3); want_i64(f, " \t\n 3 \r\n", w, NULL);
  /* beyond int64: a float, as in Lua */
  FILL(d, 9223372036854775808.0); want_f64(f, "9223372036854775808", d, NULL);

  want_i64(f, "age + 1", I(6, 13, 16, NAI, 21, 11), why_c);
  want_i64(f, "-age", I(-5, -12, -15, NAI, -20, -10), why_c);
  want_f64(f, "x * 2", D(3, -4, 0, NAN, 8, 5), why_na);
  want_f64(f, "-x - x * -3", D(3, -4, 0, NAN, 8, 5), why_na);
  /* the first missing operand gives the reason: age is "c", x is "NA" in row 3 */
  want_f64(f, "age + x", D(6.5, 10, 15, NAN, 24, 12.5), why_c);
  want_f64(f, "x + age", D(6.5, 10, 15, NAN, 24, 12.5), why_na);
  want_f64(f, "age / 2", D(2.5, 6, 7.5, NAN, 10, 5), why_c);
  want_f64(f, "age ^ 2", D(25, 144, 225, NAN, 400, 100), why_c);
  want_i64(f, "age * fsm", I(0, 12, 0, NAI, 20, 0), why_c);
  want_i64(f, "age % 4", I(1, 0, 3, NAI, 0, 2), why_c);
  want_i64(f, "age - fsm * 2", I(5, 10, 15, NAI, 18, 10), why_c);
  want_f64(f, "`odd name` * 2", D(2, 4, 6, 8, 10, 12), NULL);
  want_f64(f, "`a``b` + 0", D(1, 2, 3, 4, 5, 6), NULL);
  want_i64(f, "`age` + 0", I(5, 12, 15, NAI, 20, 10), why_c);
  want_i64(f, "age", I(5, 12, 15, NAI, 20, 10), why_c);
}

static void test_calc_missing(void **state) {
  const struct frame *f = *state;
  static const uint8_t calc_c[N6] = {NA_CALC, NA_CALC, NA_CALC, NA_C, NA_CALC, NA_CALC};
  /* division by zero and 0/0 are missing (calc); R would give Inf and NaN */
  want_f64(f, "age / 0", D(NAN, NAN, NAN, NAN, NAN, NAN), calc_c);
  want_f64(f, "x / x", D(1, 1, NAN, NAN, 1, 1), R(0, 0, NA_CALC, NA_NA, 0, 0));
  want_f64(f, "log(x)", D(log(1.5), NAN, NAN, NAN, log(4), log(2.5)),
           R(0, NA_CALC, NA_CALC, NA_NA, 0, 0));
  want_f64(f, "sqrt(x)", D(sqrt(1.5), NAN, 0, NAN, 2, sqrt(2.5)), R(0, NA_CALC, 0, NA_NA, 0, 0));
  want_f64(f, "exp(x * 1000)", D(NAN, 0, 1, NAN, NAN, NAN),
           R(NA_CALC, 0, 0, NA_NA, NA_CALC, NA_CALC));
  want_f64(f, "(-8) ^ (1 / 3)", D(NAN, NAN, NAN, NAN, NAN, NAN),
           R(NA_CALC, NA_CALC, NA_CALC, NA_CALC, NA_CALC, NA_CALC));
  /* int64 overflow and % 0 */
  want_i64(f, "9223372036854775807 + age", I(NAI, NAI, NAI, NAI, NAI, NAI), calc_c);
  want_i64(f, "-9223372036854775807 - age", I(NAI, NAI, NAI, NAI, NAI, NAI), calc_c);
  want_i64(f, "4611686018427387904 * age", I(NAI, NAI, NAI, NAI, NAI, NAI), calc_c);
  want_i64(f, "9223372036854775807 + fsm", I(INT64_MAX, NAI, INT64_MAX, NAI, NAI, INT64_MAX),
           R(0, NA_CALC, 0, NA_CALC, NA_CALC, 0));
  want_i64(f, "age % fsm", I(NAI, 0, NAI, NAI, 0, NAI), R(NA_CALC, 0, NA_CALC, NA_C, 0, NA_CALC));
  want_f64(f, "x % 0", D(NAN, NAN, NAN, NAN, NAN, NAN),
           R(NA_CALC, NA_CALC, NA_CALC, NA_NA, NA_CALC, NA_CALC));
  want_i64(f, "-(-9223372036854775807 - 1 + fsm * 0)", I(NAI, NAI, NAI, NAI, NAI, NAI),
           R(NA_CALC, NA_CALC, NA_CALC, NA_CALC, NA_CALC, NA_CALC));
}

/* A NaN stored in a float64 column without a reason is missing (calc). */
static void test_nan_values(void **state) {
  (void)state;
  static const double v[4] = {1, NAN, 3, NAN};
  static const uint8_t na[4] = {0, 0, 0, NA_C};
  struct frame *f = frame_new();
  add(f, col_f64("v", 4, v, na));
  add(f, col_f64("w", 4, v, NULL));
  want_bool(f, "v > 0", "1C1c");
  want_bool(f, "w > 0", "1C1C");
  want_bool(f, "is_missing(w, \"calc\")", "0101");
  want_rows(f, "not is_missing(w)", "0 2");
  struct frame_col *c = eval_ok(f, "w");
  assert_int_equal(na_of(c, 1), NA_CALC);
  frame_col_free(c);
  frame_free(f);
}

static void test_comparisons(void **state) {
  const struct frame *f = *state;
  want_bool(f, "age > 10", "011c10");
  want_bool(f, "age >= 10", "011c11");
  want_bool(f, "age < 12", "100c01");
  want_bool(f, "age <= 12", "110c01");
  want_bool(f, "age == 15", "001c00");
  want_bool(f, "age ~= 15", "110c11");
  want_bool(f, "age != 15", "110c11");
  want_bool(f, "x > 0", "100n11");
  want_bool(f, "age > x", "111c11");        /* int64 against float64 */
  want_bool(f, "2.5 == x", "000n01");
  want_bool(f, "x <= -2", "010n00");
  want_bool(f, "flag == true", "10x101");
  want_bool(f, "flag ~= false", "10x101");
  want_bool(f, "flag == (age > 10)", "00xc00");
  want_bool(f, "1 < 2", "111111");
  want_bool(f, "not age > 10", "100c01");   /* not (age > 10) */
  want_bool(f, "not (age > 10)", "100c01");
  want_bool(f, "-age < -10", "011c10");
  want_bool(f, "age + 1 > 10 + 2", "011c10");
  want_bool(f, "age + 1 > 13", "001c10");
  want_bool(f, "flag", "10x101");
  want_bool(f, "true", "111111");
  want_rows(f, "age >= 10 and age < 16", "1 2 5");
  want_rows(f, "flag", "0 3 5");
  want_rows(f, "false", "");
  want_rows(f, "true", "0 1 2 3 4 5");
}

static void test_kleene(void **state) {
  (void)state;
  /* every pair of true, false and missing (p: "c", q: "x") */
  static const int p[9] = {1, 1, 1, 0, 0, 0, 0, 0, 0}, q[9] = {1, 0, 0, 1, 0, 0, 1, 0, 0};
  static const uint8_t pna[9] = {0, 0, 0, 0, 0, 0, NA_C, NA_C, NA_C};
  static const uint8_t qna[9] = {0, 0, NA_X, 0, 0, NA_X, 0, 0, NA_X};
  struct frame *f = frame_new();
  add(f, col_bool("p", 9, p, pna));
  add(f, col_bool("q", 9, q, qna));
  /* rows: TT TF TN FT FF FN NT NF NN */
  want_bool(f, "p and q", "10x000c0c");
  want_bool(f, "p or q", "11110x1cc");
  want_bool(f, "not p", "000111ccc");
  want_bool(f, "not q", "01x01x01x");
  want_bool(f, "q and p", "10x000c0x");   /* reason from the first missing operand */
  want_bool(f, "p and not p", "000000ccc");
  want_bool(f, "p or not p", "111111ccc");
  want_bool(f, "true or false and false", "111111111");   /* and binds tighter */
  want_bool(f, "(true or false) and false", "000000000");
  want_bool(f, "not true == false", "111111111");         /* not (true == false) */
  want_bool(f, "not not p", "111000ccc");
  want_bool(f, "p == q", "10x01xccc");
  want_rows(f, "p and q", "0");
  want_rows(f, "p or q", "0 1 2 3 6");
  want_rows(f, "not (p and q)", "1 3 4 5 7");
  want_rows(f, "is_missing(p and q)", "2 6 8");
  frame_free(f);
}

static void test_in(void **state) {
  const struct frame *f = *state;
  want_bool(f, "age in {5, 20}", "100c10");
  want_bool(f, "age in {5, 20,}", "100c10");       /* trailing comma as in Lua tables */
  want_bool(f, "age not in {5, 20}", "011c01");
  want_bool(f, "not age in {5, 20}", "011c01");
  want_bool(f, "age in {}", "000c00");
  want_bool(f, "age in {-1, 12.0}", "010c00");     /* mixed: compared as float64 */
  want_bool(f, "age in {12.5}", "000c00");
  want_bool(f, "-age in {-5}", "100c00");
  want_bool(f, "x in {1.5, -2}", "110n00");
  want_bool(f, "x in {4}", "000n10");
  want_bool(f, "sex in {\"F\"}", "1011b0");
  want_bool(f, "la_name in {\"Norfolk\", 'Kent', \"Nowhere\"}", "010011");
  want_bool(f, "la_name not in {\"Norfolk\", \"Kent\"}", "101100");
  want_bool(f, "flag in {true}", "10x101");
  want_bool(f, "flag in {false}", "01x010");
  want_bool(f, "dob in {date(\"2020-01-01\"), \"2024-02-29\"}", "100b10");
  want_bool(f, "\"F\" in {\"F\", \"G\"}", "111111");
  want_rows(f, "la_name in {\"Lincolnshire\", \"Norfolk\"}", "0 1 5");
}

static void test_text(void **state) {
  const struct frame *f = *state;
  want_bool(f, "sex == \"F\"", "1011b0");
  want_bool(f, "\"F\" == sex", "1011b0");
  want_bool(f, "sex ~= 'F'", "0100b1");
  want_bool(f, "sex == \"Q\"", "0000b0");   /* not in the dictionary: never equal */
  want_bool(f, "sex ~= \"Q\"", "1111b1");
  want_bool(f, "sex == \"f\"", "0000b0");   /* case matters */
  want_bool(f, "la_name < \"M\"", "100110");
  want_bool(f, "\"M\" > la_name", "100110");
  want_bool(f, "la_name >= \"Norfolk\"", "011001");
  want_bool(f, "la_name <= \"Norfolk\"", "110111");
  want_bool(f, "sex == sex", "1111b1");
  want_bool(f, "sex ~= sex", "0000b0");
  want_bool(f, "sex == la_name", "0000b0");   /* different dictionaries */
  want_bool(f, "la_name > sex", "1110b1");
  want_bool(f, "\"a\" == \"a\"", "111111");
  want_bool(f, "\"a\" < \"b\"", "111111");
  want_rows(f, "age >= 10 and sex == \"F\"", "2");
}

static void test_text_results(void **state) {
  const struct frame *f = *state;
  want_text(f, "if_else(age > 10, la_name, \"young\")", S("young", "Norfolk", "Suffolk", "", "Kent", "young"));
  want_text(f, "if_else(flag, \"yes\", \"no\")", S("yes", "no", "", "yes", "no", "yes"));
  want_text(f, "if_else(flag, sex, la_name)", S("F", "Norfolk", "", "F", "Kent", "M"));
  want_text(f, "if_else(flag, sex, sex)", S("F", "M", "", "F", "", "M"));
  want_text(f, "if_else(age < 10, \"child\", if_else(age < 16, \"teen\", \"adult\"))",
            S("child", "teen", "teen", "", "adult", "teen"));
  want_text(f, "coalesce(sex, \"unknown\")", S("F", "M", "F", "F", "unknown", "M"));
  want_text(f, "coalesce(sex, sex)", S("F", "M", "F", "F", "", "M"));
  want_text(f, "coalesce(sex, la_name)", S("F", "M", "F", "F", "Kent", "M"));
  want_text(f, "'hello'", S("hello", "hello", "hello", "hello", "hello", "hello"));
  want_text(f, "\"say \\\"hi\\\"\"", S("say \"hi\"", "say \"hi\"", "say \"hi\"", "say \"hi\"", "say \"hi\"", "say \"hi\""));
  want_text(f, "sex", S("F", "M", "F", "F", "", "M"));
  /* a derived text column compares like any other */
  want_bool(f, "if_else(flag, sex, la_name) == \"Kent\"", "00x010");
  want_bool(f, "coalesce(sex, \"unknown\") in {\"unknown\", \"M\"}", "010011");
}

static void test_dates(void **state) {
  const struct frame *f = *state;
  want_bool(f, "dob > date(\"2020-01-01\")", "010b11");
  want_bool(f, "dob >= \"2020-01-01\"", "110b11");
  want_bool(f, "dob == ref", "010b00");
  want_bool(f, "\"2021-06-15\" == dob", "010b00");
  want_bool(f, "dob < date(\"15/06/2021\")", "101b01");
  want_i64(f, "year(dob)", I(2020, 2021, 2019, NAI, 2024, 2020), why_blank3);
  want_i64(f, "month(dob)", I(1, 6, 12, NAI, 2, 4), why_blank3);
  want_i64(f, "day(dob)", I(1, 15, 31, NAI, 29, 1), why_blank3);
  want_i64(f, "weekday(dob)", I(3, 2, 2, NAI, 4, 3), why_blank3);
  want_i64(f, "weekday(date(\"1969-12-29\")) + weekday(\"1970-01-04\")", I(8, 8, 8, 8, 8, 8), NULL);
  want_i64(f, "days_between(dob, ref)", I(7, 0, 1, NAI, 1, -1), why_blank3);
  want_i64(f, "ref - dob", I(7, 0, 1, NAI, 1, -1), why_blank3);
  want_i64(f, "days_between(\"2020-01-01\", \"2021-01-01\")", I(366, 366, 366, 366, 366, 366), NULL);
  /* completed years (age at a date): by hand, dob to ref is under a year in every row,
   * and ref is the day before dob in the last */
  want_i64(f, "years_between(dob, ref)", I(0, 0, 0, NAI, 0, -1), why_blank3);
  want_i64(f, "years_between(dob, \"2030-06-15\")", I(10, 9, 10, NAI, 6, 10), why_blank3);
  want_i64(f, "years_between(\"2010-06-15\", \"2020-06-14\") * 100 + years_between(\"2010-06-15\", \"2020-06-15\")",
           I(910, 910, 910, 910, 910, 910), NULL);
  /* 29 February: the anniversary in a year without one is 1 March */
  want_i64(f, "years_between(\"2000-02-29\", \"2001-02-28\")", I(0, 0, 0, 0, 0, 0), NULL);
  want_i64(f, "years_between(\"2000-02-29\", \"2001-03-01\")", I(1, 1, 1, 1, 1, 1), NULL);
  want_i64(f, "years_between(\"2000-02-29\", \"2004-02-28\")", I(3, 3, 3, 3, 3, 3), NULL);
  want_i64(f, "years_between(\"2000-02-29\", \"2004-02-29\")", I(4, 4, 4, 4, 4, 4), NULL);
  want_i64(f, "years_between(\"2003-02-28\", \"2004-02-29\")", I(1, 1, 1, 1, 1, 1), NULL);
  want_i64(f, "years_between(\"2003-03-01\", \"2004-02-29\")", I(0, 0, 0, 0, 0, 0), NULL);
  /* backwards: the largest k whose k-th anniversary is on or before `to` */
  want_i64(f, "years_between(\"2020-06-15\", \"2010-06-15\")", I(-10, -10, -10, -10, -10, -10), NULL);
  want_i64(f, "years_between(\"2020-06-15\", \"2010-06-14\")", I(-11, -11, -11, -11, -11, -11), NULL);
  want_i64(f, "years_between(\"2004-02-29\", \"2003-02-28\")", I(-2, -2, -2, -2, -2, -2), NULL);
  want_dates(f, "dob + 1", S("2020-01-02", "2021-06-16", "2020-01-01", "", "2024-03-01", "2020-04-02"));
  want_dates(f, "1 + dob", S("2020-01-02", "2021-06-16", "2020-01-01", "", "2024-03-01", "2020-04-02"));
  want_dates(f, "dob - 365", S("2019-01-01", "2020-06-15", "2018-12-31", "", "2023-03-01", "2019-04-02"));
  want_dates(f, "dob + age", S("2020-01-06", "2021-06-27", "2020-01-15", "", "2024-03-20", "2020-04-11"));
  want_dates(f, "min(dob, ref)", S("2020-01-01", "2021-06-15", "2019-12-31", "", "2024-02-29", "2020-03-31"));
  want_dates(f, "max(dob, ref)", S("2020-01-08", "2021-06-15", "2020-01-01", "", "2024-03-01", "2020-04-01"));
  want_dates(f, "if_else(flag, dob, ref)", S("2020-01-01", "2021-06-15", "", "", "2024-03-01", "2020-04-01"));
  want_dates(f, "coalesce(dob, ref)", S("2020-01-01", "2021-06-15", "2019-12-31", "2020-01-01", "2024-02-29", "2020-04-01"));
  want_dates(f, "date(dtxt)", S("2020-01-01", "2020-02-01", "", "", "2024-02-29", ""));
  want_dates(f, "date(\"2020-04-01\")", S("2020-04-01", "2020-04-01", "2020-04-01", "2020-04-01", "2020-04-01", "2020-04-01"));
  want_bool(f, "is_missing(date(dtxt), \"calc\")", "001001");
  want_bool(f, "is_missing(date(dtxt), \"blank\")", "000100");
  want_bool(f, "is_missing(dob + 3000000, \"calc\")", "111011");   /* past 9999-12-31 */
  want_bool(f, "is_missing(dob - 3000000, \"calc\")", "111011");
  want_rows(f, "dob >= date(\"2020-01-01\") and dob < date(\"2021-01-01\")", "0 5");
}

static void test_functions(void **state) {
  const struct frame *f = *state;
  double d[N6];
  int64_t w[N6];
  for (int i = 0; i < N6; i++) { double p = (i + 1) / 10.0; d[i] = log(p / (1 - p)); }
  want_f64(f, "logit(`odd name` / 10)", d, NULL);
  static const double xs[N6] = {1.5, -2, 0, 0, 4, 2.5};
  for (int i = 0; i < N6; i++) d[i] = i == 3 ? NAN : 1 / (1 + exp(-xs[i]));
  want_f64(f, "inv_logit(x)", d, why_na);
  FILL(d, 0); want_f64(f, "inv_logit(-1000)", d, NULL);
  FILL(d, 1); want_f64(f, "inv_logit(1000)", d, NULL);
  FILL(d, 0.5); want_f64(f, "inv_logit(logit(0.5))", d, NULL);
  want_f64(f, "logit(x)", D(NAN, NAN, NAN, NAN, NAN, NAN), R(NA_CALC, NA_CALC, NA_CALC, NA_NA, NA_CALC, NA_CALC));
  FILL(d, 1); want_f64(f, "exp(0)", d, NULL);
  FILL(d, 1); want_f64(f, "log(exp(1))", d, NULL);
  FILL(d, 3); want_f64(f, "sqrt(9)", d, NULL);
  /* sin, cos and the constant pi (radians, as R): harmonic columns */
  for (int i = 0; i < N6; i++) d[i] = i == 3 ? NAN : sin(2 * M_PI * xs[i] / 12);
  want_f64(f, "sin(2 * pi * x / 12)", d, why_na);
  for (int i = 0; i < N6; i++) d[i] = i == 3 ? NAN : cos(M_PI * xs[i]);
  want_f64(f, "cos(pi * x)", d, why_na);
  FILL(d, M_PI); want_f64(f, "pi", d, NULL);
  FILL(d, -1); want_f64(f, "cos(pi)", d, NULL);
  FILL(d, 1); want_f64(f, "sin(pi / 2)", d, NULL);
  want_f64(f, "abs(x)", D(1.5, 2, 0, NAN, 4, 2.5), why_na);
  want_i64(f, "abs(-age)", I(5, 12, 15, NAI, 20, 10), why_c);
  /* round: half away from zero (R rounds half to even) */
  FILL(d, 1); want_f64(f, "round(0.5)", d, NULL);
  FILL(d, 2); want_f64(f, "round(1.5)", d, NULL);
  FILL(d, 3); want_f64(f, "round(2.5)", d, NULL);
  FILL(d, -3); want_f64(f, "round(-2.5)", d, NULL);
  FILL(d, -1); want_f64(f, "round(-0.5)", d, NULL);
  /* as written, not as stored in binary (2.675 is 2.67499999...); R gives 2.67 */
  FILL(d, 2.68); want_f64(f, "round(2.675, 2)", d, NULL);
  FILL(d, 1.01); want_f64(f, "round(1.005, 2)", d, NULL);
  FILL(d, 0.29); want_f64(f, "round(0.285, 2)", d, NULL);
  FILL(d, -0.29); want_f64(f, "round(-0.285, 2)", d, NULL);
  FILL(d, 1); want_f64(f, "round(0.49999999999999994)", d, NULL);
  FILL(d, 0.3); want_f64(f, "round(0.1 + 0.2, 1)", d, NULL);
  FILL(d, 0); want_f64(f, "round(0.004, 1)", d, NULL);
  FILL(d, 1300); want_f64(f, "round(1250.0, -2)", d, NULL);
  FILL(d, 12345678.9); want_f64(f, "round(12345678.85, 1)", d, NULL);
  FILL(d, 0.13); want_f64(f, "round(0.125, 2)", d, NULL);
  FILL(d, -0.13); want_f64(f, "round(-0.125, 2)", d, NULL);
  FILL(d, 1200); want_f64(f, "round(1234.5678, -2)", d, NULL);
  FILL(d, 1234.6); want_f64(f, "round(1234.5678, 1)", d, NULL);
  FILL(d, 1e300); want_f64(f, "round(1e300, 5)", d, NULL);
  FILL(w, 1200); want_i64(f, "round(1234, -2)", w, NULL);
  FILL(w, 1300); want_i64(f, "round(1250, -2)", w, NULL);
  FILL(w, -1300); want_i64(f, "round(-1250, -2)", w, NULL);
  FILL(w, 1200); want_i64(f, "round(1249, -2)", w, NULL);
  FILL(w, 0); want_i64(f, "round(1249, -25)", w, NULL);
  FILL(w, 5); want_i64(f, "round(5, 3)", w, NULL);
  want_f64(f, "round(x)", D(2, -2, 0, NAN, 4, 3), why_na);
  want_i64(f, "round(age)", I(5, 12, 15, NAI, 20, 10), why_c);
  want_i64(f, "round(age, -1)", I(10, 10, 20, NAI, 20, 10), why_c);
  want_f64(f, "floor(x)", D(1, -2, 0, NAN, 4, 2), why_na);
  want_f64(f, "ceil(x)", D(2, -2, 0, NAN, 4, 3), why_na);
  want_i64(f, "floor(age) + ceil(fsm)", I(5, 13, 15, NAI, 21, 10), why_c);
  FILL(d, -1); want_f64(f, "floor(-0.5)", d, NULL);
  want_i64(f, "min(age, 12)", I(5, 12, 12, NAI, 12, 10), why_c);
  want_f64(f, "max(age, x)", D(5, 12, 15, NAN, 20, 10), why_c);
  want_f64(f, "min(x, 1, age)", D(1, -2, 0, NAN, 1, 1), why_na);
  FILL(w, 3); want_i64(f, "max(1, 2, 3)", w, NULL);
  want_i64(f, "if_else(age > 10, age, 0)", I(0, 12, 15, NAI, 20, 0), why_c);
  want_f64(f, "if_else(age > 10, x, 0)", D(0, -2, 0, NAN, 4, 0), why_c);
  want_f64(f, "if_else(flag, x, -1)", D(1.5, -1, NAN, NAN, -1, 2.5), R(0, 0, NA_X, NA_NA, 0, 0));
  want_bool(f, "if_else(flag, true, false)", "10x101");
  want_bool(f, "if_else(flag, age > 10, false)", "00xc00");
  want_f64(f, "coalesce(x, age, 0)", D(1.5, -2, 0, 0, 4, 2.5), NULL);
  want_i64(f, "coalesce(age, fsm)", I(5, 12, 15, 1, 20, 10), NULL);
  want_f64(f, "coalesce(x, x)", D(1.5, -2, 0, NAN, 4, 2.5), why_na);
  want_bool(f, "coalesce(flag, false)", "100101");
  want_bool(f, "is_missing(age)", "000100");
  want_bool(f, "is_missing(x, \"c\")", "000000");
  want_bool(f, "is_missing(age, \"c\")", "000100");
  want_bool(f, "is_missing(age, \"x\", \"NA\")", "000000");
  want_bool(f, "is_missing(x, \"x\", \"NA\")", "000100");
  want_bool(f, "is_missing(sex, \"blank\")", "000010");
  want_bool(f, "is_missing(flag)", "001000");
  want_bool(f, "is_missing(flag, \"x\")", "001000");
  want_bool(f, "is_missing(log(x))", "011100");
  want_bool(f, "is_missing(log(x), \"calc\")", "011000");
  want_bool(f, "is_missing(1)", "000000");
  want_bool(f, "is_missing(\"a\")", "000000");
  want_bool(f, "not is_missing(age) and age > 10", "011010");
  want_f64(f, "to_number(nums)", D(12, 3.5, NAN, -100, NAN, NAN), R(0, 0, NA_CALC, 0, NA_BLANK, NA_CALC));
  want_i64(f, "to_number(flag)", I(1, 0, NAI, 1, 0, 1), R(0, 0, NA_X, 0, 0, 0));
  want_i64(f, "to_number(age)", I(5, 12, 15, NAI, 20, 10), why_c);
  FILL(d, 2.5); want_f64(f, "to_number(\"2.5\")", d, NULL);
  want_f64(f, "to_number(nums) * 2", D(24, 7, NAN, -200, NAN, NAN), R(0, 0, NA_CALC, 0, NA_BLANK, NA_CALC));
}

/* Every compile-time message (substring checks). */
static void test_errors(void **state) {
  const struct frame *f = *state;
  want_error(f, "fsm + la_name", "at column 7: cannot add text column \"la_name\" to a number");
  want_error(f, "la_name - fsm", "at column 1: cannot subtract a number from text column \"la_name\"");
  want_error(f, "fsmm > 1", "at column 1: unknown column \"fsmm\" (did you mean \"fsm\"?)");
  want_error(f, "Age > 1", "unknown column \"Age\" (did you mean \"age\"?)");
  want_error(f, "zzzzzz > 1", "unknown column \"zzzzzz\"; the columns are age, x, sex, la_name");
  want_error(f, "`no such` > 1", "unknown column \"no such\"");
  want_error(f, "NA", "there is no missing-value literal; test with is_missing(x)");
  want_error(f, "sqrt", "sqrt is a function: write sqrt(...)");
  want_error(f, "lg(x)", "at column 1: unknown function \"lg\" (did you mean \"log\"?); known functions: abs, ceil, coalesce, cos, date, day, days_between, exp, floor, if_else, inv_logit, is_missing, log, logit, max, min, month, round, sin, sqrt, to_number, weekday, year, years_between");
  want_error(f, "foobar(x)", "unknown function \"foobar\"; known functions: abs");
  want_error(f, "(x + 1", "at column 7: expected \")\"");
  want_error(f, "log(x", "at column 6: expected \",\" or \")\"");
  want_error(f, "1 +", "at column 4: expected a value (a number, text, column or function), found the end of the expression");
  want_error(f, "age 1", "at column 5: expected an operator or the end of the expression, found \"1\"");
  want_error(f, "age > 1)", "found \")\"");
  want_error(f, "", "at column 1: the expression is empty");
  want_error(f, "  \t ", "the expression is empty");
  want_error(f, "age = 1", "at column 5: use \"==\" to compare");
  want_error(f, "age > 1 && flag", "at column 9: use \"and\" instead of \"&&\"");
  want_error(f, "x & 1", "use \"and\"");
  want_error(f, "age > 1 || flag", "use \"or\" instead of \"||\"");
  want_error(f, "age > 1 | flag", "use \"or\" instead of \"|\"");
  want_error(f, "!flag", "use \"not\" instead of \"!\"");
  want_error(f, "~flag", "use \"not\" or \"~=\"");
  want_error(f, "1 < age < 3", "at column 9: comparisons cannot be chained");
  want_error(f, "age == 1 in {1}", "comparisons cannot be chained");
  want_error(f, "\"abc", "at column 1: text is not closed");
  want_error(f, "x == 'abc", "text is not closed");
  want_error(f, "`abc", "column name in backticks is not closed");
  want_error(f, "``", "empty column name");
  want_error(f, "\"a\\qb\"", "at column 3: unknown escape in text");
  want_error(f, "3x", "malformed number");
  want_error(f, "1e", "malformed number (expected digits after the exponent)");
  want_error(f, "1.2.3", "malformed number");
  want_error(f, "1e999", "number is too large");
  want_error(f, "x // 2", "there is no \"//\"; write floor(a / b)");
  want_error(f, "x -- 1", "\"--\" starts a comment in Lua");
  want_error(f, "age @ 1", "at column 5: unexpected character \"@\"");
  want_error(f, "age \x01", "unexpected character \\x01");
  want_error(f, "'\xc3\xa9' == 1", "at column 5: cannot compare the text");   /* columns count characters */
  want_error(f, "log(1, 2)", "log() takes log(x), got 2 arguments");
  want_error(f, "log()", "log() takes log(x), got 0 arguments");
  want_error(f, "if_else(flag, 1)", "if_else() takes if_else(condition, a, b), got 2 arguments");
  want_error(f, "coalesce(x)", "coalesce() takes coalesce(a, b, ...), got 1 argument");
  want_error(f, "sex == 1", "cannot compare text column \"sex\" with the number 1 (text is compared with text: put the value in quotes)");
  want_error(f, "age == \"1\"", "cannot compare number column \"age\" with the text \"1\" (to compare with a number, write it without quotes)");
  want_error(f, "age == flag", "cannot compare number column \"age\" with true/false column \"flag\"");
  want_error(f, "dob > 3", "cannot compare date column \"dob\" with the number 3");
  want_error(f, "dob > \"yesterday\"", "\"yesterday\" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)");
  want_error(f, "flag < flag", "true/false values can only be compared with == and ~=");
  want_error(f, "age and flag", "at column 1: \"and\" needs true/false values on both sides, found number column \"age\" (compare it first, e.g. x > 0)");
  want_error(f, "flag or sex", "\"or\" needs true/false values on both sides, found text column \"sex\"");
  want_error(f, "not age", "at column 5: \"not\" needs a true/false value, found number column \"age\"");
  want_error(f, "-sex", "cannot negate text column \"sex\"");
  want_error(f, "-flag", "cannot negate true/false column \"flag\"");
  want_error(f, "\"a\" + 1", "cannot add a number to the text \"a\"");
  want_error(f, "age * sex", "cannot multiply a number by text column \"sex\"");
  want_error(f, "sex / 2", "cannot divide text column \"sex\" by a number");
  want_error(f, "flag ^ 2", "cannot raise true/false column \"flag\" to the power a number");
  want_error(f, "age % dob", "cannot take a number modulo date column \"dob\"");
  want_error(f, "dob + 1.5", "cannot add the number 1.5 to a date (dates take whole days");
  want_error(f, "dob * 2", "cannot multiply date column \"dob\" by a number");
  want_error(f, "dob + dob", "cannot add date column \"dob\" to a date");
  want_error(f, "(age > 1) + 1", "cannot add a number to a true/false value");
  want_error(f, "if_else(age, 1, 2)", "at column 9: if_else() needs a true/false condition, found number column \"age\"");
  want_error(f, "if_else(flag, 1, \"a\")", "if_else(): the values must have the same type, found the number 1 and the text \"a\"");
  want_error(f, "if_else(flag, dob, 1)", "if_else(): the values must have the same type, found date column \"dob\" and the number 1");
  want_error(f, "coalesce(age, sex)", "coalesce(): the values must have the same type");
  want_error(f, "round(x, fsm)", "round(): digits must be a whole number written in the expression");
  want_error(f, "round(x, 1.5)", "round(): digits must be a whole number");
  want_error(f, "round(x, 1000)", "round(): digits must be a whole number");
  want_error(f, "round(sex)", "round() needs a number, found text column \"sex\"");
  want_error(f, "is_missing(x, \"q\")", "is_missing(): the reason must be one of \"blank\", \"NA\", \"c\"");
  want_error(f, "is_missing(x, 1)", "is_missing(): the reason must be one of");
  want_error(f, "date(\"2020-13-01\")", "\"2020-13-01\" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)");
  want_error(f, "date(age)", "date() needs text like \"2020-04-01\", found number column \"age\"");
  want_error(f, "year(age)", "year() needs a date, found number column \"age\"");
  want_error(f, "days_between(age, dob)", "days_between() needs a date, found number column \"age\"");
  want_error(f, "years_between(dob, age)", "years_between() needs a date, found number column \"age\"");
  want_error(f, "log(sex)", "log() needs a number, found text column \"sex\"");
  want_error(f, "abs(dob)", "abs() needs a number, found date column \"dob\"");
  want_error(f, "min(sex, 1)", "min() needs numbers or dates, found text column \"sex\"");
  want_error(f, "max(dob, 1)", "at column 10: max(): cannot compare date column \"dob\" with the number 1");
  want_error(f, "max(flag, 1)", "max() needs numbers or dates, found true/false column \"flag\"");
  want_error(f, "to_number(\"abc\")", "to_number(): \"abc\" is not a number");
  want_error(f, "to_number(dob)", "to_number() needs text, a number or true/false, found date column \"dob\"");
  want_error(f, "age in {\"a\"}", "at column 9: the list after \"in\" holds the text \"a\", which cannot be compared with number column \"age\"");
  want_error(f, "sex in {1}", "the list after \"in\" holds the number 1, which cannot be compared with text column \"sex\"");
  want_error(f, "flag in {1}", "the list after \"in\" holds the number 1");
  want_error(f, "dob in {\"soon\"}", "\"soon\" is not a date");
  want_error(f, "age in {x}", "expected a number, text, true, false or date(\"...\") in the list, found \"x\"");
  want_error(f, "age in {1 2}", "expected \",\" or \"}\" in the list");
  want_error(f, "age in {- \"a\"}", "expected a number after \"-\"");
  want_error(f, "age in 1", "expected \"{\" after \"in\"");
  want_error(f, "age in {1", "expected \",\" or \"}\" in the list, found the end of the expression");
  /* too many arguments */
  char buf[512];
  size_t o = (size_t)snprintf(buf, sizeof buf, "min(1");
  for (int i = 0; i < 70; i++) o += (size_t)snprintf(buf + o, sizeof buf - o, ",1");
  snprintf(buf + o, sizeof buf - o, ")");
  want_error(f, buf, "too many arguments (at most 64)");
  /* nesting */
  char deep[1000];
  o = 0;
  for (int i = 0; i < 300; i++) deep[o++] = '(';
  deep[o++] = '1';
  for (int i = 0; i < 300; i++) deep[o++] = ')';
  deep[o] = '\0';
  want_error(f, deep, "expression is nested too deeply (more than 200 levels)");
  o = 0;
  deep[o++] = '1';
  for (int i = 0; i < 300; i++) { deep[o++] = '+'; deep[o++] = '1'; }
  deep[o] = '\0';
  want_error(f, deep, "expression is nested too deeply");
  /* 150 levels are fine */
  o = 0;
  for (int i = 0; i < 150; i++) deep[o++] = '(';
  deep[o++] = '1';
  for (int i = 0; i < 150; i++) deep[o++] = ')';
  deep[o] = '\0';
  int64_t w[N6] = {1, 1, 1, 1, 1, 1};
  want_i64(f, deep, w, NULL);
  /* a NULL error buffer is allowed */
  assert_null(expr_compile("nosuch", f, NULL, 0));
  assert_null(expr_compile("nosuch", f, buf, 1));
  assert_int_equal(buf[0], '\0');
  struct expr *e = expr_compile(NULL, f, buf, sizeof buf);
  assert_null(e);
  assert_non_null(strstr(buf, "empty"));
}

static void test_eval_errors(void **state) {
  const struct frame *f = *state;
  char err[512];
  struct expr *e = expr_compile("age + 1", f, err, sizeof err);
  assert_non_null(e);
  size_t m = 7;
  assert_null(expr_filter(e, f, &m, err, sizeof err));
  assert_non_null(strstr(err, "a filter must be true or false for each row, but this expression gives a number"));
  expr_free(e);
  e = expr_compile("sex", f, err, sizeof err);
  assert_null(expr_filter(e, f, &m, err, sizeof err));
  assert_non_null(strstr(err, "gives text"));
  expr_free(e);

  /* evaluated against a frame without the compiled columns */
  e = expr_compile("sex == \"F\"", f, err, sizeof err);
  assert_non_null(e);
  struct frame *g = frame_new();
  static const int64_t v[2] = {1, 2};
  add(g, col_i64("sex", 2, v, NULL));
  assert_null(expr_eval(e, g, "y", err, sizeof err));
  assert_non_null(strstr(err, "the data changed since the expression was compiled (column \"sex\")"));
  assert_null(expr_filter(e, g, &m, err, sizeof err));
  /* a column called pi: the bare name is refused as ambiguous, `pi` is the column */
  static const int64_t piv[2] = {7, 8};
  add(g, col_i64("pi", 2, piv, NULL));
  want_error(g, "pi * 2", "at column 1: pi is the constant 3.14159... but the data also have a column called pi");
  struct expr *ep = expr_compile("`pi` * 2", g, err, sizeof err);
  assert_non_null(ep);
  expr_free(ep);
  frame_free(g);
  /* a copy of the frame shares the dictionaries, so it is accepted */
  struct frame *h = frame_take(f, NULL, f->nrow);
  size_t *idx = expr_filter(e, h, &m, err, sizeof err);
  assert_non_null(idx);
  assert_int_equal(m, 3);
  free(idx);
  frame_free(h);
  expr_free(e);
  expr_free(NULL);
  assert_null(expr_compile("1", NULL, err, sizeof err));
}

/* Many rows: every block boundary, missing values scattered, short cuts. */
static void test_blocks(void **state) {
  (void)state;
  enum { NR = 5000 };
  struct frame *f = frame_new();
  struct frame_col *v = mkcol("v", FRAME_I64, NR), *w = mkcol("w", FRAME_F64, NR);
  struct frame_col *s = mkcol("s", FRAME_CAT, NR), *id = mkcol("i", FRAME_I64, NR);
  static const char *const lev[3] = {"A", "B", "C"};
  for (int k = 0; k < 3; k++) assert_int_equal(frame_dict_intern(s->dict, lev[k], 1), k);
  for (size_t i = 0; i < NR; i++) {
    v->v.i64[i] = (int64_t)((i * 7919) % 1000);
    w->v.f64[i] = (double)i * 0.5;
    s->v.cat[i] = (int32_t)(i % 3);
    id->v.i64[i] = (int64_t)i;
    if (i % 97 == 0) frame_col_set_na(v, i, NA_C);
    if (i % 101 == 0) frame_col_set_na(s, i, NA_BLANK);
  }
  add(f, v); add(f, w); add(f, s); add(f, id);
  char err[512];
  struct expr *e = expr_compile("v >= 100 and v < 600 and s == \"B\"", f, err, sizeof err);
  assert_non_null(e);
  size_t m;
  size_t *idx = expr_filter(e, f, &m, err, sizeof err);
  assert_non_null(idx);
  size_t k = 0;
  for (size_t i = 0; i < NR; i++) {
    int keep = !v->na[i] && !s->na[i] && v->v.i64[i] >= 100 && v->v.i64[i] < 600 && s->v.cat[i] == 1;
    if (keep) { assert_true(k < m); assert_int_equal(idx[k], i); k++; }
  }
  assert_int_equal(k, m);
  free(idx);
  expr_free(e);

  /* left side decides whole blocks (and: false, or: true) */
  e = expr_compile("i < 1500 and s == \"B\"", f, err, sizeof err);
  idx = expr_filter(e, f, &m, err, sizeof err);
  k = 0;
  for (size_t i = 0; i < 1500; i++) k += i % 3 == 1 && i % 101 != 0;
  assert_int_equal(m, k);
  free(idx);
  expr_free(e);
  e = expr_compile("i >= 2048 or s == \"A\"", f, err, sizeof err);
  struct frame_col *c = expr_eval(e, f, "t", err, sizeof err);
  assert_non_null(c);
  for (size_t i = 0; i < NR; i++) {
    if (i >= 2048) { assert_int_equal(na_of(c, i), 0); assert_int_equal(c->v.b[i], 1); }
    else if (i % 101 == 0) assert_int_equal(na_of(c, i), NA_BLANK);
    else assert_int_equal(c->v.b[i], i % 3 == 0);
  }
  frame_col_free(c);
  expr_free(e);

  e = expr_compile("if_else(s == \"C\", v * 2 + w, -w)", f, err, sizeof err);
  c = expr_eval(e, f, "t", err, sizeof err);
  assert_non_null(c);
  for (size_t i = 0; i < NR; i++) {
    if (i % 101 == 0) { assert_int_equal(na_of(c, i), NA_BLANK); continue; }
    if (i % 3 == 2) {
      if (i % 97 == 0) { assert_int_equal(na_of(c, i), NA_C); continue; }
      assert_true(c->v.f64[i] == (double)v->v.i64[i] * 2 + w->v.f64[i]);
    } else {
      assert_true(c->v.f64[i] == -w->v.f64[i]);
    }
    assert_int_equal(na_of(c, i), 0);
  }
  frame_col_free(c);
  expr_free(e);
  frame_free(f);
}

/* A constant operand of float arithmetic is applied to the block as it is,
 * not spread over a block of copies, and results are written straight into
 * the result column; neither may change a value or a missing reason.  Each
 * `x op k` and `k op x` is compared with the same expression on a column
 * holding k in every row, over several blocks with missing values, NaN,
 * infinities, zeros and values that overflow. */
static void test_constant_operands(void **state) {
  (void)state;
  enum { NR = 3000 };
  struct frame *f = frame_new();
  struct frame_col *x = mkcol("x", FRAME_F64, NR), *k = mkcol("k", FRAME_F64, NR);
  struct frame_col *z = mkcol("z", FRAME_F64, NR);
  for (size_t i = 0; i < NR; i++) {
    x->v.f64[i] = ((double)((i * 7919) % 2001) - 1000) / 8;
    if (i % 97 == 0) x->v.f64[i] = 0;
    if (i % 211 == 0) x->v.f64[i] = 1e308;
    if (i % 389 == 0) x->v.f64[i] = INFINITY;
    if (i % 401 == 0) x->v.f64[i] = NAN;            /* a bare NaN: missing (calc) */
    if (i % 89 == 0) frame_col_set_na(x, i, NA_C);
    k->v.f64[i] = 2.5;
    z->v.f64[i] = 0;
  }
  add(f, x); add(f, k); add(f, z);
  static const char *const ops[] = {"+", "-", "*", "/", "^", "%"};
  static const char *const konst[] = {"2.5", "0"};
  static const char *const kcol[] = {"k", "z"};
  char a[128], b[128], err[512];
  for (int kk = 0; kk < 2; kk++) {
    for (int o = 0; o < 6; o++) {
      for (int side = 0; side < 2; side++) {
        if (side) {
          snprintf(a, sizeof a, "%s %s x * 4", konst[kk], ops[o]);
          snprintf(b, sizeof b, "%s %s x * 4", kcol[kk], ops[o]);
        } else {
          snprintf(a, sizeof a, "(x + 1) %s %s", ops[o], konst[kk]);
          snprintf(b, sizeof b, "(x + 1) %s %s", ops[o], kcol[kk]);
        }
        struct expr *ea = expr_compile(a, f, err, sizeof err), *eb = expr_compile(b, f, err, sizeof err);
        if (!ea || !eb) fail_msg("compile: %s", err);
        struct frame_col *ca = expr_eval(ea, f, "a", err, sizeof err);
        struct frame_col *cb = expr_eval(eb, f, "b", err, sizeof err);
        assert_non_null(ca);
        assert_non_null(cb);
        for (size_t i = 0; i < NR; i++) {
          if (na_of(ca, i) != na_of(cb, i))
            fail_msg("\"%s\" row %zu: reason %d, \"%s\" %d", a, i, na_of(ca, i), b, na_of(cb, i));
          if (!na_of(ca, i) && memcmp(&ca->v.f64[i], &cb->v.f64[i], sizeof(double)) != 0)
            fail_msg("\"%s\" row %zu: %.17g, \"%s\" %.17g", a, i, ca->v.f64[i], b, cb->v.f64[i]);
          if (na_of(ca, i)) assert_true(isnan(ca->v.f64[i]));   /* no arbitrary value stored */
        }
        frame_col_free(ca); frame_col_free(cb);
        expr_free(ea); expr_free(eb);
      }
    }
  }
  frame_free(f);
}

/* More rows than one chunk of host/data/chunks.h: the chunks are evaluated
 * on several threads, each writing its own rows.  Missing values occur only
 * in a late chunk (so the column's missing-reason array is made by whichever
 * thread gets there), and every value must be the one a plain loop gives. */
static void test_many_chunks(void **state) {
  (void)state;
  enum { NR = 3 * 32768 + 123 };
  struct frame *f = frame_new();
  struct frame_col *x = mkcol("x", FRAME_F64, NR), *id = mkcol("i", FRAME_I64, NR);
  for (size_t i = 0; i < NR; i++) {
    x->v.f64[i] = (double)((i * 7919) % 1000) / 10;
    id->v.i64[i] = (int64_t)i;
    if (i > 2 * 32768 && i % 1000 == 7) frame_col_set_na(x, i, NA_C);
  }
  x->v.f64[NR - 5] = -1;                       /* log(0): missing (calc) */
  add(f, x); add(f, id);
  char err[512];
  struct expr *e = expr_compile("log(x + 1) * 2 - i / 3", f, err, sizeof err);
  if (!e) fail_msg("%s", err);
  for (int rep = 0; rep < 3; rep++) {
    struct frame_col *c = expr_eval(e, f, "v", err, sizeof err);
    assert_non_null(c);
    assert_non_null(c->na);
    size_t nmiss = 0;
    for (size_t i = 0; i < NR; i++) {
      if (x->na && x->na[i]) { assert_int_equal(na_of(c, i), NA_C); nmiss++; continue; }
      if (i == NR - 5) { assert_int_equal(na_of(c, i), NA_CALC); continue; }
      double want = log(x->v.f64[i] + 1) * 2 - (double)i / 3;
      assert_int_equal(na_of(c, i), 0);
      if (memcmp(&c->v.f64[i], &want, sizeof want) != 0)
        fail_msg("row %zu: %.17g, expected %.17g", i, c->v.f64[i], want);
    }
    assert_true(nmiss > 10);
    frame_col_free(c);
  }
  expr_free(e);
  frame_free(f);
}

/* The filter's chunked selection and gather (expr_select, frame_take_sel)
 * against a row list made here and frame_take: every column type, missing
 * values in the predicate and in the gathered columns (a column whose
 * missing rows are all dropped comes out with no missing-reason array),
 * rows either side of every chunk boundary, none and all rows kept; the
 * same bytes on 1, 2 and 3 threads. */
static void same_frame(const struct frame *a, const struct frame *b) {
  static const size_t sz[FRAME_NTYPES] = {8, 8, 1, 4, 4};
  assert_int_equal(a->nrow, b->nrow);
  assert_int_equal(a->ncol, b->ncol);
  for (size_t j = 0; j < a->ncol; j++) {
    const struct frame_col *x = a->col[j], *y = b->col[j];
    assert_string_equal(x->name, y->name);
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->n, y->n);
    assert_true(x->dict == y->dict);
    assert_int_equal(x->na != NULL, y->na != NULL);
    if (x->n) assert_memory_equal(x->v.raw, y->v.raw, x->n * sz[x->type]);
    if (x->na && x->n) assert_memory_equal(x->na, y->na, x->n);
  }
}

static const struct frame_col *col_named(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  assert_true(j >= 0);
  return f->col[j];
}

static void test_filter_selection_gather(void **state) {
  (void)state;
  enum { NR = 3 * 32768 + 777 };
  struct frame *f = frame_new();
  struct frame_col *id = mkcol("i", FRAME_I64, NR), *x = mkcol("x", FRAME_F64, NR);
  struct frame_col *b = mkcol("b", FRAME_BOOL, NR), *s = mkcol("s", FRAME_CAT, NR);
  struct frame_col *d = mkcol("d", FRAME_DATE, NR), *y = mkcol("y", FRAME_F64, NR);
  static const char *const lev[3] = {"A", "B", "C"};
  for (int k = 0; k < 3; k++) assert_int_equal(frame_dict_intern(s->dict, lev[k], 1), k);
  for (size_t i = 0; i < NR; i++) {
    id->v.i64[i] = (int64_t)i;
    x->v.f64[i] = (double)((i * 7919) % 1000) / 10;
    b->v.b[i] = (i / 3) % 2;
    s->v.cat[i] = (int32_t)(i % 3);
    d->v.date[i] = (int32_t)(i % 20000);
    y->v.f64[i] = (double)i * 0.25;
    if (i % 97 == 5) frame_col_set_na(x, i, NA_C);      /* in the predicate */
    if (i % 89 == 1) frame_col_set_na(s, i, NA_BLANK);  /* some kept, some not */
    if (i % 2 == 1 && i % 7 == 0) frame_col_set_na(y, i, NA_NA);   /* odd rows only */
  }
  add(f, id); add(f, x); add(f, b); add(f, s); add(f, d); add(f, y);
  /* rows next to every chunk boundary (chunks.h: chunk c starts at NR c / nc) */
  size_t nc = chunks_count(NR);
  assert_true(nc >= 3);
  char edges[512];
  size_t o = 0;
  for (size_t c = 1; c < nc; c++)
    o += (size_t)snprintf(edges + o, sizeof edges - o, "%s(i >= %zu and i < %zu)", c > 1 ? " or " : "",
                          NR * c / nc - 2, NR * c / nc + 2);
  const char *const src[] = {
    "x > 40 and s != \"C\"",   /* about half; rows with x or s missing dropped */
    "i % 2 == 0",                /* every missing y dropped: y comes out with none */
    "i < 0", "i >= 0", "b",
    edges};
  size_t *want = malloc(NR * sizeof *want);
  assert_non_null(want);
  for (size_t q = 0; q < sizeof src / sizeof src[0]; q++) {
    char err[512];
    struct expr *e = expr_compile(src[q], f, err, sizeof err);
    if (!e) fail_msg("%s: %s", src[q], err);
    size_t m = 0;
    for (size_t i = 0; i < NR; i++) {
      int keep;
      switch (q) {
      case 0: keep = !frame_col_isna(x, i) && !frame_col_isna(s, i) && x->v.f64[i] > 40 && s->v.cat[i] != 2; break;
      case 1: keep = i % 2 == 0; break;
      case 2: keep = 0; break;
      case 3: keep = 1; break;
      case 4: keep = b->v.b[i]; break;
      default:
        keep = 0;
        for (size_t c = 1; c < nc; c++) keep |= i + 2 >= NR * c / nc && i < NR * c / nc + 2;
        break;
      }
      if (keep) want[m++] = i;
    }
    struct frame *ref = frame_take(f, want, m);
    assert_non_null(ref);
    if (q == 1) assert_null(col_named(ref, "y")->na);
    if (q == 0) assert_non_null(col_named(ref, "y")->na);   /* kept rows with y missing */
    for (size_t t = 1; t <= 3; t++) {
      chunks_set_threads(t);
      struct frame_sel sel;
      assert_int_equal(expr_select(e, f, &sel, err, sizeof err), 0);
      assert_int_equal(frame_sel_total(&sel), m);
      struct frame *got = frame_take_sel(f, &sel);
      frame_sel_free(&sel);
      assert_non_null(got);
      same_frame(got, ref);
      frame_free(got);
      size_t k = 9, *idx = expr_filter(e, f, &k, err, sizeof err);
      assert_non_null(idx);
      assert_int_equal(k, m);
      if (m) assert_memory_equal(idx, want, m * sizeof *idx);
      free(idx);
    }
    chunks_set_threads(0);
    if (q == 5) assert_int_equal(m, 4 * (nc - 1));
    frame_free(ref);
    expr_free(e);
  }
  free(want);
  frame_free(f);
}

static void test_empty_frame(void **state) {
  (void)state;
  struct frame *f = frame_new();
  add(f, mkcol("x", FRAME_F64, 0));
  char err[512];
  struct expr *e = expr_compile("x > 1", f, err, sizeof err);
  assert_non_null(e);
  size_t m = 9;
  size_t *idx = expr_filter(e, f, &m, err, sizeof err);
  assert_non_null(idx);
  assert_int_equal(m, 0);
  free(idx);
  struct frame_col *c = expr_eval(e, f, "y", err, sizeof err);
  assert_non_null(c);
  assert_int_equal(c->n, 0);
  frame_col_free(c);
  expr_free(e);
  frame_free(f);
  /* a frame with no columns at all: constants over 0 rows */
  f = frame_new();
  e = expr_compile("1 + 1 == 2", f, err, sizeof err);
  assert_non_null(e);
  idx = expr_filter(e, f, &m, err, sizeof err);
  assert_non_null(idx);
  assert_int_equal(m, 0);
  free(idx);
  expr_free(e);
  frame_free(f);
}

/* ===== fuzz ===== */

static uint64_t rng_next(uint64_t *s) {   /* xorshift64*: deterministic, no libc state */
  *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

static const char *const fuzz_tok[] = {
  "age", "x", "sex", "la_name", "flag", "dob", "ref", "fsm", "nums", "dtxt", "`odd name`", "`a``b`",
  "1", "0", "2.5", "1e3", "-", "+", "*", "/", "^", "%", "==", "~=", "!=", "<", "<=", ">", ">=",
  "and", "or", "not", "in", "{", "}", "(", ")", ",", "\"F\"", "'Kent'", "\"2020-01-01\"",
  "true", "false", "log(", "exp(", "sqrt(", "abs(", "round(", "floor(", "ceil(", "min(", "max(",
  "if_else(", "coalesce(", "is_missing(", "year(", "month(", "day(", "weekday(", "days_between(", "years_between(",
  "date(", "to_number(", "logit(", "inv_logit(", "\"c\"", "\"calc\"", " ", "9223372036854775807",
  "`", "\"", "'", "\\", "=", "!", "~", "&", "|", ".", "..", "e", "@", "\n", "\xc3\xa9", "\xff",
};

/* Random expression trees over the sample's columns: many are type errors,
 * many compile, and those exercise evaluation with odd combinations. */
static void gen_expr(uint64_t *seed, int depth, char *buf, size_t cap, size_t *o) {
  static const char *const leaf[] = {
    "age", "x", "sex", "la_name", "flag", "dob", "ref", "fsm", "nums", "dtxt", "`odd name`",
    "1", "0", "-3", "2.5", "1e300", "9223372036854775807", "\"F\"", "'Kent'", "\"2020-01-01\"",
    "true", "false", "date(\"2020-02-29\")"};
  static const char *const binop[] = {
    " + ", " - ", " * ", " / ", " ^ ", " % ", " == ", " ~= ", " < ", " <= ", " > ", " >= ",
    " and ", " or "};
  static const char *const fn1[] = {
    "log", "exp", "logit", "inv_logit", "sqrt", "abs", "round", "floor", "ceil", "year",
    "month", "day", "weekday", "to_number", "date", "is_missing"};
  static const char *const fn2[] = {"min", "max", "coalesce", "days_between", "years_between", "round",
                                     "is_missing"};
#define PUT(str) do { const char *s_ = (str); size_t l_ = strlen(s_); if (*o + l_ < cap) { memcpy(buf + *o, s_, l_); *o += l_; } } while (0)
  unsigned pick = depth <= 0 ? 0 : (unsigned)(rng_next(seed) % 9);
  switch (pick) {
  case 0: PUT(leaf[rng_next(seed) % (sizeof leaf / sizeof leaf[0])]); break;
  case 1: PUT("-"); gen_expr(seed, depth - 1, buf, cap, o); break;
  case 2: PUT("not "); gen_expr(seed, depth - 1, buf, cap, o); break;
  case 3: PUT("("); gen_expr(seed, depth - 1, buf, cap, o); PUT(")"); break;
  case 4: case 5:
    gen_expr(seed, depth - 1, buf, cap, o);
    PUT(binop[rng_next(seed) % (sizeof binop / sizeof binop[0])]);
    gen_expr(seed, depth - 1, buf, cap, o);
    break;
  case 6:
    PUT(fn1[rng_next(seed) % (sizeof fn1 / sizeof fn1[0])]); PUT("(");
    gen_expr(seed, depth - 1, buf, cap, o); PUT(")");
    break;
  case 7:
    if (rng_next(seed) % 2) {
      PUT("if_else("); gen_expr(seed, depth - 1, buf, cap, o); PUT(", ");
    } else {
      PUT(fn2[rng_next(seed) % (sizeof fn2 / sizeof fn2[0])]); PUT("(");
    }
    gen_expr(seed, depth - 1, buf, cap, o); PUT(", ");
    gen_expr(seed, depth - 1, buf, cap, o); PUT(")");
    break;
  default:
    gen_expr(seed, depth - 1, buf, cap, o);
    PUT(rng_next(seed) % 2 ? " in {" : " not in {");
    for (int k = (int)(rng_next(seed) % 4); k > 0; k--) {
      PUT(leaf[rng_next(seed) % (sizeof leaf / sizeof leaf[0])]);
      if (k > 1) PUT(", ");
    }
    PUT("}");
    break;
  }
#undef PUT
}

/* Compile, and when it compiles evaluate and filter; nothing may crash, leak
 * or trip the sanitizers, and every error must carry a position. */
static int fuzz_one(const struct frame *f, const char *src) {
  char err[256];
  struct expr *e = expr_compile(src, f, err, sizeof err);
  if (!e) {
    if (strncmp(err, "at column ", 10) != 0) fail_msg("\"%s\": message without position: %s", src, err);
    return 0;
  }
  struct frame_col *c = expr_eval(e, f, "z", err, sizeof err);
  if (!c) fail_msg("\"%s\" compiled but did not evaluate: %s", src, err);
  assert_int_equal(c->n, f->nrow);
  size_t m;
  size_t *idx = expr_filter(e, f, &m, err, sizeof err);
  assert_true((idx != NULL) == (c->type == FRAME_BOOL));
  if (idx) {   /* the filter keeps exactly the rows the value says are true */
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
      if (na_of(c, i) || !c->v.b[i]) continue;
      if (k >= m || idx[k] != i) fail_msg("\"%s\": filter and eval disagree at row %zu", src, i);
      k++;
    }
    assert_int_equal(k, m);
    free(idx);
  }
  frame_col_free(c);
  expr_free(e);
  return 1;
}

static void test_fuzz(void **state) {
  const struct frame *f = *state;
  uint64_t seed = 0x9E3779B97F4A7C15ULL;
  char src[1024];
  int compiled = 0, tried = 0;
  const size_t ntok = sizeof fuzz_tok / sizeof fuzz_tok[0];
  /* token soup and random bytes */
  for (int it = 0; it < 20000; it++) {
    size_t o = 0;
    int ntoks = (int)(rng_next(&seed) % 24) + 1;
    int bytes = it % 5 == 4;
    for (int t = 0; t < ntoks && o < sizeof src - 40; t++) {
      if (bytes) {
        src[o++] = (char)(rng_next(&seed) % 255 + 1);
      } else {
        const char *tk = fuzz_tok[rng_next(&seed) % ntok];
        size_t l = strlen(tk);
        memcpy(src + o, tk, l);
        o += l;
        if (rng_next(&seed) % 2) src[o++] = ' ';
      }
    }
    src[o] = '\0';
    compiled += fuzz_one(f, src);
    tried++;
  }
  /* generated trees, then the same with one byte changed, dropped or added */
  for (int it = 0; it < 20000; it++) {
    size_t o = 0;
    gen_expr(&seed, (int)(rng_next(&seed) % 6) + 1, src, sizeof src - 2, &o);
    src[o] = '\0';
    compiled += fuzz_one(f, src);
    if (o == 0) continue;
    size_t at = rng_next(&seed) % o;
    switch (rng_next(&seed) % 3) {
    case 0: src[at] = fuzz_tok[rng_next(&seed) % ntok][0]; break;
    case 1: memmove(src + at, src + at + 1, o - at); break;
    default: memmove(src + at + 1, src + at, o - at + 1); src[at] = (char)(rng_next(&seed) % 94 + 33); break;
    }
    compiled += fuzz_one(f, src);
    tried += 2;
  }
  print_message("fuzz: %d of %d inputs compiled\n", compiled, tried);
  assert_true(compiled > 2000);   /* the generator is not producing only errors */
  /* long and deep inputs */
  size_t big = 200000;
  char *s = malloc(big + 1);
  assert_non_null(s);
  const char *fill[] = {"(", "-", "not ", "1+", "2^", "{", "\"", "`", "abs(", "a", "age in {1,", "1 and "};
  for (size_t k = 0; k < sizeof fill / sizeof fill[0]; k++) {
    size_t l = strlen(fill[k]), o = 0;
    while (o + l < big) { memcpy(s + o, fill[k], l); o += l; }
    s[o] = '\0';
    char err[256];
    struct expr *e = expr_compile(s, f, err, sizeof err);
    assert_null(e);
  }
  /* a long flat list is fine: it is not nesting */
  size_t o = (size_t)snprintf(s, big, "age in {");
  for (int k = 0; k < 10000; k++) o += (size_t)snprintf(s + o, big - o, "%d,", k);
  snprintf(s + o, big - o, "}");
  assert_int_equal(fuzz_one(f, s), 1);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_arithmetic, setup, teardown),
    cmocka_unit_test_setup_teardown(test_calc_missing, setup, teardown),
    cmocka_unit_test_setup_teardown(test_comparisons, setup, teardown),
    cmocka_unit_test(test_nan_values),
    cmocka_unit_test(test_kleene),
    cmocka_unit_test_setup_teardown(test_in, setup, teardown),
    cmocka_unit_test_setup_teardown(test_text, setup, teardown),
    cmocka_unit_test_setup_teardown(test_text_results, setup, teardown),
    cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
    cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_eval_errors, setup, teardown),
    cmocka_unit_test(test_blocks),
    cmocka_unit_test(test_constant_operands),
    cmocka_unit_test(test_many_chunks),
    cmocka_unit_test(test_filter_selection_gather),
    cmocka_unit_test(test_empty_frame),
    cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
  };
  return cmocka_run_group_tests_name("expr", tests, NULL, NULL);
}
