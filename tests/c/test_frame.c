/* tests/c/test_frame.c -- the column store: dictionaries, missing-value
 * reasons, row takes, shared whole-column copies, dates and names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "data/frame.h"

static struct frame_col *f64_col(const char *name, const double *v, size_t n) {
  struct frame_col *c = frame_col_new(name, FRAME_F64, n, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, n), 0);
  for (size_t i = 0; i < n; i++) c->v.f64[i] = v[i];
  return c;
}

static void test_dict_interns_once(void **state) {
  (void)state;
  struct frame_dict *d = frame_dict_new();
  assert_non_null(d);
  int32_t a = frame_dict_intern(d, "Lincolnshire", 12);
  int32_t b = frame_dict_intern(d, "Norfolk", 7);
  assert_int_equal(frame_dict_intern(d, "Lincolnshire", 12), a);
  assert_int_not_equal(a, b);
  assert_int_equal(frame_dict_find(d, "Norfolk", 7), b);
  assert_int_equal(frame_dict_find(d, "Suffolk", 7), -1);
  /* many strings force rehashing; every code must still be found */
  char buf[32];
  for (int i = 0; i < 5000; i++) {
    int n = snprintf(buf, sizeof buf, "la-%d", i);
    assert_true(frame_dict_intern(d, buf, (size_t)n) >= 0);
  }
  for (int i = 0; i < 5000; i++) {
    int n = snprintf(buf, sizeof buf, "la-%d", i);
    int32_t code = frame_dict_find(d, buf, (size_t)n);
    assert_true(code >= 0);
    assert_string_equal(d->str[code], buf);
  }
  frame_dict_release(d);
}

static void test_missing_reasons_are_kept(void **state) {
  (void)state;
  const double v[4] = {1, 2, 3, 4};
  struct frame_col *c = f64_col("x", v, 4);
  assert_false(frame_col_isna(c, 1));
  assert_int_equal(frame_col_set_na(c, 1, NA_C), 0);
  assert_int_equal(frame_col_set_na(c, 3, NA_BLANK), 0);
  size_t counts[NA_NREASONS];
  frame_col_na_counts(c, counts);
  assert_int_equal(counts[NA_NONE], 2);
  assert_int_equal(counts[NA_C], 1);
  assert_int_equal(counts[NA_BLANK], 1);
  assert_true(isnan(frame_col_getd(c, 1)));
  assert_true(frame_col_getd(c, 2) == 3.0);
  frame_col_free(c);
}

static void test_na_tokens(void **state) {
  (void)state;
  assert_int_equal(frame_na_parse("c", 1), NA_C);
  assert_int_equal(frame_na_parse("x", 1), NA_X);
  assert_int_equal(frame_na_parse("z", 1), NA_Z);
  assert_int_equal(frame_na_parse("k", 1), NA_K);
  assert_int_equal(frame_na_parse("u", 1), NA_U);
  assert_int_equal(frame_na_parse("low", 3), NA_LOW);
  assert_int_equal(frame_na_parse(":", 1), NA_COLON);
  assert_int_equal(frame_na_parse("NA", 2), NA_NA);
  assert_int_equal(frame_na_parse("", 0), NA_BLANK);
  assert_int_equal(frame_na_parse("cat", 3), NA_NONE);
  assert_int_equal(frame_na_parse("0", 1), NA_NONE);
  assert_string_equal(frame_na_symbol(NA_C), "c");
  assert_non_null(strstr(frame_na_describe(NA_C), "suppressed"));
}

static void test_take_copies_rows_and_reasons(void **state) {
  (void)state;
  const double v[5] = {10, 20, 30, 40, 50};
  struct frame_col *c = f64_col("x", v, 5);
  assert_int_equal(frame_col_set_na(c, 3, NA_Z), 0);
  const size_t idx[3] = {4, 3, 0};
  struct frame_col *t = frame_col_take(c, idx, 3, "y");
  assert_non_null(t);
  assert_string_equal(t->name, "y");
  assert_int_equal(t->n, 3);
  assert_true(t->v.f64[0] == 50.0);
  assert_true(frame_col_isna(t, 1));
  assert_int_equal(t->na[1], NA_Z);
  assert_true(t->v.f64[2] == 10.0);
  /* the copy is independent: changing it leaves the source alone */
  t->v.f64[0] = -1;
  assert_true(c->v.f64[4] == 50.0);
  frame_col_free(t);
  frame_col_free(c);
}

static void test_uncount_repeats_rows_and_drops_the_count(void **state) {
  (void)state;
  const double x[3] = {1.5, 2.5, 3.5}, n[3] = {2, 0, 3};
  struct frame *f = frame_new();
  assert_non_null(f);
  f->nrow = 3;
  assert_int_equal(frame_add(f, f64_col("x", x, 3)), 0);
  struct frame_col *nc = f64_col("n", n, 3);
  assert_int_equal(frame_add(f, nc), 0);
  size_t bad;
  const char *why;
  struct frame *g = frame_uncount(f, 1, &bad, &why);
  assert_non_null(g);
  assert_int_equal(g->nrow, 5);
  assert_int_equal(g->ncol, 1);
  assert_string_equal(g->col[0]->name, "x");
  const double want[5] = {1.5, 1.5, 3.5, 3.5, 3.5};
  for (size_t i = 0; i < 5; i++) assert_true(g->col[0]->v.f64[i] == want[i]);
  frame_free(g);
  /* a fractional, negative or missing count names its row */
  nc->v.f64[1] = 0.5;
  assert_null(frame_uncount(f, 1, &bad, &why));
  assert_int_equal(bad, 1);
  assert_non_null(why);
  nc->v.f64[1] = -1;
  assert_null(frame_uncount(f, 1, &bad, &why));
  assert_int_equal(bad, 1);
  nc->v.f64[1] = 1;
  assert_int_equal(frame_col_set_na(nc, 2, NA_C), 0);
  assert_null(frame_uncount(f, 1, &bad, &why));
  assert_int_equal(bad, 2);
  frame_free(f);
}

static void test_whole_column_copy_shares_read_only(void **state) {
  (void)state;
  const double v[3] = {1, 2, 3};
  struct frame_col *c = f64_col("x", v, 3);
  struct frame_col *s = frame_col_take(c, NULL, 3, "renamed");
  assert_non_null(s);
  assert_ptr_equal(s->v.f64, c->v.f64);         /* no copy */
  assert_string_equal(s->name, "renamed");
  assert_string_equal(c->name, "x");
  /* while shared, neither side may change the storage */
  assert_int_equal(frame_col_set_na(c, 0, NA_C), -1);
  assert_int_equal(frame_col_set_na(s, 0, NA_C), -1);
  assert_int_equal(frame_col_resize(s, 10), -1);
  /* freeing the source first leaves the sharer valid (ASan checks this) */
  frame_col_free(c);
  assert_true(s->v.f64[2] == 3.0);
  assert_int_equal(frame_col_set_na(s, 0, NA_C), 0);   /* sole owner again */
  frame_col_free(s);
}

static void test_shared_categorical_keeps_dictionary(void **state) {
  (void)state;
  struct frame_col *c = frame_col_new("la", FRAME_CAT, 2, NULL);
  assert_non_null(c);
  assert_int_equal(frame_col_resize(c, 2), 0);
  c->v.cat[0] = frame_dict_intern(c->dict, "A", 1);
  c->v.cat[1] = frame_dict_intern(c->dict, "B", 1);
  struct frame *f = frame_new();
  assert_int_equal(frame_add(f, c), 0);
  struct frame *g = frame_take(f, NULL, 2);
  frame_free(f);
  assert_string_equal(frame_col_gets(g->col[0], 1), "B");
  frame_free(g);
}

static void test_frame_add_rejects_duplicates_and_mismatch(void **state) {
  (void)state;
  const double v[2] = {1, 2}, w[3] = {1, 2, 3};
  struct frame *f = frame_new();
  struct frame_col *a = f64_col("a", v, 2), *dup = f64_col("a", v, 2), *bad = f64_col("b", w, 3);
  assert_int_equal(frame_add(f, a), 0);
  assert_int_equal(frame_add(f, dup), -1);
  assert_int_equal(frame_add(f, bad), -1);
  assert_int_equal(frame_find(f, "a"), 0);
  assert_int_equal(frame_find(f, "b"), -1);
  frame_col_free(dup);
  frame_col_free(bad);
  frame_free(f);
}

static void test_dates(void **state) {
  (void)state;
  int32_t d;
  assert_int_equal(frame_date_parse("1970-01-01", 10, &d), 0);
  assert_int_equal(d, 0);
  assert_int_equal(frame_date_parse("2018-04-01", 10, &d), 0);
  int32_t e;
  assert_int_equal(frame_date_parse("01/04/2018", 10, &e), 0);   /* dd/mm/yyyy */
  assert_int_equal(d, e);
  assert_int_equal(d, 17622);                                    /* as R: as.numeric(as.Date("2018-04-01")) */
  assert_int_equal(frame_date_parse("2020-02-29", 10, &d), 0);   /* leap year */
  assert_int_equal(frame_date_parse("2019-02-29", 10, &d), -1);
  assert_int_equal(frame_date_parse("1900-02-29", 10, &d), -1);  /* century, not leap */
  assert_int_equal(frame_date_parse("2000-02-29", 10, &d), 0);   /* 400-year rule */
  assert_int_equal(frame_date_parse("2018-13-01", 10, &d), -1);
  assert_int_equal(frame_date_parse("31/04/2018", 10, &d), -1);
  assert_int_equal(frame_date_parse("2018-4-1", 8, &d), -1);
  char buf[16];
  assert_int_equal(frame_date_parse("1969-12-31", 10, &d), 0);
  assert_int_equal(d, -1);
  frame_date_format(d, buf);
  assert_string_equal(buf, "1969-12-31");
  int y, m, dd;
  frame_date_to_ymd(17622, &y, &m, &dd);
  assert_int_equal(y, 2018); assert_int_equal(m, 4); assert_int_equal(dd, 1);
}

static void test_type_names(void **state) {
  (void)state;
  enum frame_type t;
  for (int k = 0; k < FRAME_NTYPES; k++) {
    assert_int_equal(frame_type_parse(frame_type_name((enum frame_type)k), &t), 0);
    assert_int_equal((int)t, k);
  }
  assert_int_equal(frame_type_parse("complex", &t), -1);
}

static void test_suggestions(void **state) {
  (void)state;
  assert_int_equal(frame_edit_distance("fsmm", 4, "fsm", 3), 1);
  assert_int_equal(frame_edit_distance("kitten", 6, "sitting", 7), 3);   /* capped: 3 means "far" */
  assert_int_equal(frame_edit_distance("abc", 3, "abc", 3), 0);
  const double v[1] = {0};
  struct frame *f = frame_new();
  assert_int_equal(frame_add(f, f64_col("fsm", v, 1)), 0);
  assert_int_equal(frame_add(f, f64_col("age", v, 1)), 0);
  assert_string_equal(frame_suggest(f, "fsmm"), "fsm");
  assert_string_equal(frame_suggest(f, "Age"), "age");
  assert_null(frame_suggest(f, "x"));          /* one letter is no typo of "age" */
  assert_null(frame_suggest(f, "ethnicity"));
  frame_free(f);
}

/* The one missing-value rule (frame_col_missing) and the complete rows it
 * selects: a value is missing when marked missing for any reason or, in a
 * float64 column, NaN; int64, date and text columns are missing only when
 * marked; NULL columns (options not given) are skipped. */
static void test_complete_rows_one_rule(void **state) {
  (void)state;
  const double x[6] = {1, NAN, 3, 4, 5, 6};
  struct frame_col *a = f64_col("a", x, 6);
  assert_int_equal(frame_col_set_na(a, 4, NA_C), 0);          /* suppressed */
  struct frame_col *b = frame_col_new("b", FRAME_I64, 6, NULL);
  assert_non_null(b);
  assert_int_equal(frame_col_resize(b, 6), 0);
  for (size_t i = 0; i < 6; i++) b->v.i64[i] = (int64_t)i;
  assert_int_equal(frame_col_set_na(b, 2, NA_BLANK), 0);      /* blank */
  struct frame_dict *d = frame_dict_new();
  assert_non_null(d);
  struct frame_col *t = frame_col_new("t", FRAME_CAT, 6, d);
  frame_dict_release(d);
  assert_non_null(t);
  assert_int_equal(frame_col_resize(t, 6), 0);
  for (size_t i = 0; i < 6; i++) t->v.cat[i] = frame_dict_intern(t->dict, i % 2 ? "F" : "M", 1);
  assert_int_equal(frame_col_set_na(t, 5, NA_NA), 0);         /* "NA" */

  assert_false(frame_col_missing(a, 0));
  assert_true(frame_col_missing(a, 1));    /* NaN in a float64 column */
  assert_true(frame_col_missing(a, 4));
  assert_true(frame_col_missing(b, 2));
  assert_false(frame_col_missing(b, 0));   /* 0 is a value, not missing */
  assert_true(frame_col_missing(t, 5));
  assert_false(frame_col_missing(t, 1));

  size_t keep[6], m;
  const struct frame_col *all[4] = {a, NULL, b, t};
  m = frame_complete_rows(all, 4, 6, keep);
  assert_int_equal(m, 2);
  assert_int_equal(keep[0], 0);
  assert_int_equal(keep[1], 3);
  const struct frame_col *only_b[1] = {b};
  m = frame_complete_rows(only_b, 1, 6, keep);
  assert_int_equal(m, 5);
  assert_int_equal(keep[2], 3);
  m = frame_complete_rows(all, 0, 6, keep);   /* no columns: every row */
  assert_int_equal(m, 6);
  assert_int_equal(keep[5], 5);
  assert_int_equal(frame_complete_rows(all, 4, 0, keep), 0);
  frame_col_free(a);
  frame_col_free(b);
  frame_col_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dict_interns_once),
    cmocka_unit_test(test_missing_reasons_are_kept),
    cmocka_unit_test(test_na_tokens),
    cmocka_unit_test(test_take_copies_rows_and_reasons),
    cmocka_unit_test(test_whole_column_copy_shares_read_only),
    cmocka_unit_test(test_shared_categorical_keeps_dictionary),
    cmocka_unit_test(test_frame_add_rejects_duplicates_and_mismatch),
    cmocka_unit_test(test_uncount_repeats_rows_and_drops_the_count),
    cmocka_unit_test(test_dates),
    cmocka_unit_test(test_type_names),
    cmocka_unit_test(test_suggestions),
    cmocka_unit_test(test_complete_rows_one_rule),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
