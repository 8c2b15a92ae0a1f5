/* tests/c/test_workbook.c -- the workbook reader (host/data/workbook*.c) in
 * plain C, so that the sanitizer run covers it: the xlsx fixture's table,
 * the survey export as xlsx and csv, an Ofsted .ods sheet when the shared
 * data folder is there, and damaged input.  The cell-by-cell comparisons
 * with openpyxl and with the Ofsted CSV sheets are in
 * tests/lua/test_workbooks.lua. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "data/workbook.h"

#define DIR "tests/reference/workbooks/"

static const struct frame_col *col(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  assert_true(j >= 0);
  return f->col[j];
}

static void test_xlsx_table_below_title_rows(void **state) {
  (void)state;
  struct workbook_opts o;
  workbook_opts_init(&o);
  o.sheet_name = "Table 1";
  struct workbook_error err;
  struct frame *f = workbook_read(DIR "outcomes.xlsx", &o, &err);
  if (!f) fail_msg("%s", err.msg);
  assert_int_equal(f->nrow, 4);
  assert_int_equal(f->ncol, 12);
  assert_int_equal(col(f, "started")->type, FRAME_DATE);
  assert_int_equal(col(f, "referrals")->na[1], NA_C);
  assert_int_equal(col(f, "per_referral")->na[2], NA_NA);     /* #DIV/0! */
  assert_string_equal(frame_col_gets(col(f, "region"), 1), "East Midlands");
  assert_true(col(f, "double_rate")->v.f64[0] == 1024.5);   /* the formula's cached value */
  frame_free(f);
}

static void test_survey_xlsx_and_csv(void **state) {
  (void)state;
  struct workbook_opts o;
  workbook_opts_init(&o);
  o.header_rows = 2;
  struct workbook_error err;
  struct frame *a = workbook_read(DIR "survey.xlsx", &o, &err);
  if (!a) fail_msg("%s", err.msg);
  struct frame *b = workbook_read_survey_csv(DIR "survey.csv", &o, &err);
  if (!b) fail_msg("%s", err.msg);
  assert_int_equal(a->ncol, b->ncol);
  for (size_t j = 0; j < a->ncol; j++) {
    assert_string_equal(a->col[j]->name, b->col[j]->name);
    assert_string_equal(a->col[j]->meta->label, b->col[j]->meta->label);
    assert_int_equal(a->col[j]->type, b->col[j]->type);
  }
  assert_int_equal(col(a, "which_of_these_help_you_when_things_are_school")->type, FRAME_BOOL);
  frame_free(a);
  frame_free(b);
}

static void test_ods_sheet(void **state) {
  (void)state;
  const char *path = "../shared/data/ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods";
  if (access(path, R_OK) != 0) {
    printf("skipped: %s is absent (the shared data folder is not beside the project)\n", path);
    return;
  }
  struct workbook_opts o;
  workbook_opts_init(&o);
  o.sheet_pos = 6;
  struct workbook_error err;
  struct frame *f = workbook_read(path, &o, &err);
  if (!f) fail_msg("%s", err.msg);
  assert_int_equal(f->nrow, 271);
  assert_int_equal(col(f, "Inspection date")->type, FRAME_DATE);
  frame_free(f);
  char **names;
  size_t n;
  assert_int_equal(workbook_sheets(path, &names, &n, &err), 0);
  assert_int_equal(n, 6);
  assert_string_equal(names[3], "Inspections_as_at_31_March");
  workbook_sheets_free(names, n);
}

static void test_damaged_input(void **state) {
  (void)state;
  struct workbook_error err;
  assert_null(workbook_read(DIR "expected_outcomes.csv", NULL, &err));
  assert_non_null(strstr(err.msg, "not a .xlsx or .ods file"));
  char tmp[] = "/tmp/csceval_wbXXXXXX";
  int fd = mkstemp(tmp);
  assert_true(fd >= 0);
  close(fd);
  char path[64];
  snprintf(path, sizeof path, "%s.xlsx", tmp);
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  /* the start of a real workbook, cut short */
  FILE *in = fopen(DIR "outcomes.xlsx", "rb");
  assert_non_null(in);
  char buf[600];
  size_t got = fread(buf, 1, sizeof buf, in);
  fclose(in);
  fwrite(buf, 1, got, fp);
  fclose(fp);
  assert_null(workbook_read(path, NULL, &err));
  assert_non_null(strstr(err.msg, path));
  remove(path);
  remove(tmp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_xlsx_table_below_title_rows),
    cmocka_unit_test(test_survey_xlsx_and_csv),
    cmocka_unit_test(test_ods_sheet),
    cmocka_unit_test(test_damaged_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
