/* tests/c/test_statfile.c -- the ReadStat reader (host/data/statfile.c) in
 * plain C, so that the sanitizer run covers it: each fixture of
 * tests/reference/statfiles/ loads with its labels, missing reasons and
 * dates, copies keep the metadata, and damaged or absent files fail with a
 * message naming the file.  The value-by-value comparison with R is in
 * tests/lua/test_statfiles.lua. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "data/statfile.h"

#define DIR "tests/reference/statfiles/"

static struct frame *load(const char *path, enum statfile_labels mode) {
  enum statfile_kind k;
  assert_int_equal(statfile_kind_from_path(path, &k), 0);
  struct statfile_opts o = {.labels = mode};
  struct statfile_error err;
  struct frame *f = statfile_read(path, k, &o, &err);
  if (!f) fail_msg("%s", err.msg);
  return f;
}

static const struct frame_col *col(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  assert_true(j >= 0);
  return f->col[j];
}

static void test_every_fixture_loads_with_labels_and_reasons(void **state) {
  (void)state;
  static const char *const files[] = {DIR "children.dta", DIR "children.sav", DIR "children.por",
                                      DIR "children.sas7bdat"};
  for (size_t k = 0; k < 4; k++) {
    struct frame *f = load(files[k], STATFILE_LABELS_CODES);
    assert_int_equal(f->nrow, 8);
    assert_int_equal(f->ncol, 6);
    const struct frame_col *sex = f->col[1], *dob = f->col[3], *name = f->col[4];
    assert_int_equal(sex->type, FRAME_I64);
    assert_string_equal(sex->meta->label, "Sex of child");
    /* row 5: Stata .a, SAS .A, SPSS user-missing -9 with its code kept */
    if (k == 1 || k == 2) {
      assert_int_equal(sex->na[4], NA_USER);
      assert_int_equal(sex->v.i64[4], -9);
      assert_string_equal(frame_meta_vlabel(sex->meta, -9), "Refused");
    } else {
      assert_int_equal(sex->na[4], NA_TAG_A);
    }
    assert_int_equal(sex->na[7], NA_NA);
    assert_int_equal(dob->type, FRAME_DATE);
    char buf[16];
    frame_date_format(dob->v.date[4], buf);
    assert_string_equal(buf, "2012-02-29");
    assert_int_equal(dob->na[3], NA_NA);
    assert_int_equal(name->type, FRAME_CAT);
    assert_int_equal(name->na[2], NA_BLANK);
    assert_string_equal(frame_col_gets(name, 7), "Hal");
    frame_free(f);
  }
}

static void test_labels_follow_copies(void **state) {
  (void)state;
  struct frame *f = load(DIR "children.dta", STATFILE_LABELS_AUTO);
  const struct frame_col *sex = col(f, "sex");
  assert_int_equal(sex->type, FRAME_CAT);                /* every code labelled */
  assert_int_equal(col(f, "region")->type, FRAME_I64);   /* 4 has no label */
  size_t idx[] = {4, 0};
  struct frame *g = frame_take(f, idx, 2);
  frame_free(f);                                         /* g keeps its own references */
  const struct frame_col *gs = col(g, "sex");
  assert_string_equal(gs->meta->label, "Sex of child");
  assert_int_equal(gs->na[0], NA_TAG_A);
  assert_string_equal(frame_col_gets(gs, 1), "Girl");
  assert_int_equal(gs->meta->nvl, 3);
  assert_int_equal(gs->meta->vl[2].tag, 'a');
  assert_string_equal(gs->meta->vl[2].label, "Not asked");
  frame_free(g);
}

static void test_bad_files_name_the_file(void **state) {
  (void)state;
  struct statfile_error err;
  assert_null(statfile_read(DIR "nosuch.sav", STATFILE_SAV, NULL, &err));
  assert_string_equal(err.msg, DIR "nosuch.sav: cannot open the file");
  /* a CSV file given as Stata */
  assert_null(statfile_read(DIR "labels.csv", STATFILE_DTA, NULL, &err));
  assert_non_null(strstr(err.msg, DIR "labels.csv: not a readable Stata (.dta) file"));
  const char *names[] = {"nosuch"};
  enum statfile_labels modes[] = {STATFILE_LABELS_TEXT};
  struct statfile_opts o = {.label_names = names, .label_modes = modes, .nlabel = 1};
  assert_null(statfile_read(DIR "children.dta", STATFILE_DTA, &o, &err));
  assert_non_null(strstr(err.msg, "labels option names column \"nosuch\""));
  enum statfile_kind k;
  assert_int_equal(statfile_kind_from_path("x.SAS7BDAT", &k), 0);
  assert_int_equal(k, STATFILE_SAS7BDAT);
  assert_int_equal(statfile_kind_from_path("x.csv", &k), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_fixture_loads_with_labels_and_reasons),
    cmocka_unit_test(test_labels_follow_copies),
    cmocka_unit_test(test_bad_files_name_the_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
