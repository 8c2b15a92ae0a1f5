/* tests/c/test_csvtab.c -- cmocka tests for the CSV loader (host/data/csvtab.c)
 * and the describe summary (host/data/describe.c): each format rule from
 * in-memory strings, every error message with its file:line:column and
 * column name, inference, missing reasons and overrides; then, when
 * ../shared/data/ees exists, the real EES files against counts and values
 * taken independently with Python's csv module.  Run from the repo root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/csvtab.h"
#include "data/describe.h"

#define EES "../shared/data/ees"

/* ===== helpers ===== */

static struct frame *rd_opts(const char *csv, const struct csvtab_opts *o) {
  struct csvtab_error e;
  struct frame *f = csvtab_read_mem(csv, strlen(csv), "t.csv", o, &e);
  if (!f) fail_msg("unexpected error: %s", e.msg);
  return f;
}

static struct frame *rd(const char *csv) { return rd_opts(csv, NULL); }

static const struct frame_col *col(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  if (j < 0) fail_msg("no column \"%s\"", name);
  return f->col[j];
}

/* Load len bytes expecting failure; check the whole message and the parts. */
static void expect_err_len(const char *csv, size_t len, const struct csvtab_opts *o,
                           const char *msg, size_t line, size_t column, const char *colname) {
  struct csvtab_error e;
  struct frame *f = csvtab_read_mem(csv, len, "t.csv", o, &e);
  if (f) { frame_free(f); fail_msg("expected the error: %s", msg); }
  assert_string_equal(e.msg, msg);
  assert_int_equal(e.line, line);
  assert_int_equal(e.column, column);
  assert_string_equal(e.colname, colname);
}

static void expect_err(const char *csv, const struct csvtab_opts *o, const char *msg,
                       size_t line, size_t column, const char *colname) {
  expect_err_len(csv, strlen(csv), o, msg, line, column, colname);
}

static void assert_cat(const struct frame_col *c, size_t i, const char *want) {
  const char *got = frame_col_gets(c, i);
  if (!got) fail_msg("row %zu of %s is missing, wanted \"%s\"", i, c->name, want);
  assert_string_equal(got, want);
}

static int have_ees(void) {
  struct stat st;
  if (stat(EES, &st) == 0 && S_ISDIR(st.st_mode)) return 1;
  printf("skipped: ../shared/data/ees not found (real-data checks need the shared folder)\n");
  return 0;
}

/* ===== format ===== */

static void test_reads_header_and_typed_columns(void **state) {
  (void)state;
  struct frame *f = rd("id,score,name\n1,2.5,Ann\n2,-3,Bo\n");
  assert_int_equal(f->nrow, 2);
  assert_int_equal(f->ncol, 3);
  assert_int_equal(col(f, "id")->type, FRAME_I64);
  assert_int_equal(col(f, "score")->type, FRAME_F64);
  assert_int_equal(col(f, "name")->type, FRAME_CAT);
  assert_int_equal(col(f, "id")->v.i64[1], 2);
  assert_true(col(f, "score")->v.f64[1] == -3.0);
  assert_cat(col(f, "name"), 0, "Ann");
  assert_null(col(f, "id")->na);             /* nothing missing: no na array */
  frame_free(f);
}

static void test_strips_utf8_bom(void **state) {
  (void)state;
  struct frame *f = rd("\xEF\xBB\xBFtime_period,n\n2025,1\n");
  assert_string_equal(f->col[0]->name, "time_period");
  assert_int_equal(f->col[0]->v.i64[0], 2025);
  frame_free(f);
}

static void test_accepts_crlf_and_lf_and_no_final_newline(void **state) {
  (void)state;
  const char *cases[] = {"a,b\r\n1,x\r\n2,y\r\n", "a,b\n1,x\n2,y\n", "a,b\n1,x\n2,y",
                         "a,b\r\n1,x\r\n2,y"};
  for (size_t k = 0; k < 4; k++) {
    struct frame *f = rd(cases[k]);
    assert_int_equal(f->nrow, 2);
    assert_int_equal(col(f, "a")->v.i64[1], 2);
    assert_cat(col(f, "b"), 1, "y");          /* no stray \r in the last field */
    frame_free(f);
  }
}

static void test_skips_blank_lines(void **state) {
  (void)state;
  struct frame *f = rd("a,b\n\n1,2\n\r\n   \n3,4\n\n");
  assert_int_equal(f->nrow, 2);
  assert_int_equal(col(f, "a")->v.i64[1], 3);
  frame_free(f);
}

static void test_quoted_fields_keep_commas_quotes_and_newlines(void **state) {
  (void)state;
  struct frame *f = rd("id,txt\n1,\"Smith, John\"\n2,\"say \"\"hi\"\"\"\n3,\"line 1\nline 2\"\n"
                       "4,\"cr\r\nlf\"\n");
  assert_int_equal(f->nrow, 4);
  const struct frame_col *t = col(f, "txt");
  assert_cat(t, 0, "Smith, John");
  assert_cat(t, 1, "say \"hi\"");
  assert_cat(t, 2, "line 1\nline 2");
  assert_cat(t, 3, "cr\r\nlf");
  frame_free(f);
}

static void test_trims_spaces_of_unquoted_fields_and_header_names(void **state) {
  (void)state;
  struct frame *f = rd(" label , n \nClose ,1 \n\" Close \", 2\n");
  assert_string_equal(f->col[0]->name, "label");
  assert_string_equal(f->col[1]->name, "n");
  assert_int_equal(f->col[1]->type, FRAME_I64);
  assert_cat(f->col[0], 0, "Close");          /* unquoted: trimmed */
  assert_cat(f->col[0], 1, " Close ");        /* quoted: kept as written */
  frame_free(f);
}

static void test_drops_unnamed_empty_column_from_trailing_commas(void **state) {
  (void)state;
  struct frame *f = rd("a,b,\n1,x,\n2,y,\n");
  assert_int_equal(f->ncol, 2);
  assert_int_equal(f->nrow, 2);
  frame_free(f);
  f = rd("a,b,\n1,x\n2,y,\n");                /* a row without the trailing comma */
  assert_int_equal(f->ncol, 2);
  frame_free(f);
  f = rd("a,b\n1,x,\n2,y,\n");                /* trailing commas on rows only */
  assert_int_equal(f->ncol, 2);
  assert_int_equal(f->nrow, 2);
  frame_free(f);
}

static void test_keeps_unnamed_last_column_with_values_as_v_k(void **state) {
  (void)state;
  struct frame *f = rd("a,b,\n1,x,7\n2,y,\n");
  assert_int_equal(f->ncol, 3);
  assert_string_equal(f->col[2]->name, "V3");
  assert_int_equal(f->col[2]->v.i64[0], 7);
  assert_int_equal(f->col[2]->na[1], NA_BLANK);
  frame_free(f);
  f = rd("a,b,\n1,x,foo\n2,y\n");            /* text, and a row without the last field */
  assert_int_equal(f->col[2]->type, FRAME_CAT);
  assert_cat(f->col[2], 0, "foo");
  assert_int_equal(f->col[2]->na[1], NA_BLANK);
  frame_free(f);
}

static void test_names_empty_headers_v_k(void **state) {
  (void)state;
  struct frame *f = rd(",b,\"\",d\n1,2,3,4\n");
  assert_string_equal(f->col[0]->name, "V1");
  assert_string_equal(f->col[2]->name, "V3");
  frame_free(f);
  f = rd(",V1\n1,2\n");                       /* a real V1 keeps its name */
  assert_string_equal(f->col[0]->name, "V1_2");
  assert_string_equal(f->col[1]->name, "V1");
  frame_free(f);
}

static void test_makes_duplicate_header_names_unique(void **state) {
  (void)state;
  struct frame *f = rd("SN1,SNP,SN2,SNP,SN3,SNP\n1,a,2,b,3,w\n");
  const char *want[] = {"SN1", "SNP", "SN2", "SNP_2", "SN3", "SNP_3"};
  for (size_t j = 0; j < 6; j++) assert_string_equal(f->col[j]->name, want[j]);
  assert_cat(col(f, "SNP_3"), 0, "w");
  frame_free(f);
  f = rd("a,a,a_2\n1,2,3\n");                 /* never collides with a later real name */
  assert_string_equal(f->col[1]->name, "a_3");
  assert_string_equal(f->col[2]->name, "a_2");
  frame_free(f);
  size_t n = 20000;                           /* wide: must stay linear (was 13 s) */
  char *csv = malloc(4 * n + 8);
  assert_non_null(csv);
  for (size_t k = 0; k < n; k++) {
    memcpy(csv + 2 * k, "x,", 2);
    memcpy(csv + 2 * n + 2 * k, "1,", 2);
  }
  csv[2 * n - 1] = '\n';
  csv[4 * n - 1] = '\n';
  csv[4 * n] = '\0';
  struct csvtab_opts wide;
  csvtab_opts_init(&wide);
  wide.max_columns = n;                       /* over the default limit of 16384 */
  f = rd_opts(csv, &wide);
  assert_int_equal(f->ncol, n);
  assert_string_equal(f->col[n - 1]->name, "x_20000");
  free(csv);
  frame_free(f);
}

static void test_header_only_gives_zero_rows(void **state) {
  (void)state;
  struct frame *f = rd("a,b\n");
  assert_int_equal(f->nrow, 0);
  assert_int_equal(f->ncol, 2);
  assert_int_equal(f->col[0]->type, FRAME_F64);
  frame_free(f);
}

static void test_other_delimiter(void **state) {
  (void)state;
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.delim = '\t';
  struct frame *f = rd_opts("a\tb c\n1\tx y\n", &o);
  assert_string_equal(f->col[1]->name, "b c");
  assert_cat(f->col[1], 0, "x y");
  frame_free(f);
  o.delim = ';';
  f = rd_opts("a;b\n1,5;2\n", &o);
  assert_cat(f->col[0], 0, "1,5");            /* a comma is text here */
  frame_free(f);
}

static void test_reads_a_file_from_disk(void **state) {
  (void)state;
  char path[] = "/tmp/test_csvtab_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char *csv = "x,y\n1,2\n3,4,5\n";
  assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
  close(fd);
  struct csvtab_error e;
  assert_null(csvtab_read(path, NULL, &e));
  char want[256];
  snprintf(want, sizeof want, "%s:3:3 (after column \"y\"): expected 2 fields like the header, "
           "found 3 (is there a comma inside a value that is not in quotes?)", path);
  assert_string_equal(e.msg, want);
  fd = open(path, O_WRONLY | O_TRUNC);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "x,y\n1,2\n", 8), 8);
  close(fd);
  struct frame *f = csvtab_read(path, NULL, &e);
  assert_non_null(f);
  assert_int_equal(f->nrow, 1);
  frame_free(f);
  unlink(path);
}

/* ===== inference ===== */

static void test_infers_bool_only_from_true_false_words(void **state) {
  (void)state;
  struct frame *f = rd("a,b,c\ntrue,TRUE,true\nfalse,FALSE,1\nTrue,,0\n");
  assert_int_equal(col(f, "a")->type, FRAME_BOOL);
  assert_int_equal(col(f, "b")->type, FRAME_BOOL);
  assert_int_equal(col(f, "c")->type, FRAME_CAT);   /* 0/1 mixed with words: text */
  assert_int_equal(col(f, "a")->v.b[0], 1);
  assert_int_equal(col(f, "a")->v.b[1], 0);
  assert_int_equal(col(f, "b")->na[2], NA_BLANK);
  frame_free(f);
}

static void test_infers_int64_up_to_its_limits_then_text(void **state) {
  (void)state;
  struct csvtab_error e;
  const char *csv = "a,b,c\n9223372036854775807,9223372036854775808,-9223372036854775808\n"
                    "+5,1,007\n";
  struct frame *f = csvtab_read_mem(csv, strlen(csv), "t.csv", NULL, &e);
  assert_non_null(f);
  assert_int_equal(col(f, "a")->type, FRAME_I64);
  assert_true(col(f, "a")->v.i64[0] == INT64_MAX);
  assert_int_equal(col(f, "a")->v.i64[1], 5);
  /* 2^63 does not fit: an identifier would lose digits as a float64, so
   * the column is text, every digit kept, as data.table::fread reads it */
  assert_int_equal(col(f, "b")->type, FRAME_CAT);
  assert_cat(col(f, "b"), 0, "9223372036854775808");
  assert_cat(col(f, "b"), 1, "1");
  assert_int_equal(col(f, "c")->type, FRAME_I64);
  assert_true(col(f, "c")->v.i64[0] == INT64_MIN);
  assert_int_equal(col(f, "c")->v.i64[1], 7);
  assert_string_equal(e.warning, "column \"b\" holds whole numbers beyond the range of int64 "
                      "(\"9223372036854775808\"): it is read as text, so no digit is lost (as "
                      "data.table::fread does); give it type float64 to read approximate numbers instead");
  frame_free(f);
  /* the same whether the big value comes first, last, after decimals or
   * below the int64 range; every column named; no warning without one */
  csv = "id,x,d,n\n1,1.5,2,1\n12345678901234567890123,2,2.5,2\n7,3,99999999999999999999,-9223372036854775809\n";
  f = csvtab_read_mem(csv, strlen(csv), "t.csv", NULL, &e);
  assert_non_null(f);
  assert_int_equal(col(f, "id")->type, FRAME_CAT);
  assert_cat(col(f, "id"), 1, "12345678901234567890123");
  assert_int_equal(col(f, "x")->type, FRAME_F64);
  assert_int_equal(col(f, "d")->type, FRAME_CAT);
  assert_cat(col(f, "d"), 1, "2.5");
  assert_cat(col(f, "d"), 2, "99999999999999999999");
  assert_int_equal(col(f, "n")->type, FRAME_CAT);
  assert_cat(col(f, "n"), 2, "-9223372036854775809");
  assert_non_null(strstr(e.warning, "column \"id\" holds whole numbers beyond the range of int64 "
                         "(\"12345678901234567890123\")"));
  assert_non_null(strstr(e.warning, "; so is column \"d\"; so is column \"n\""));
  frame_free(f);
  f = csvtab_read_mem("a,b\nx,1.5\ny,2\n", 14, "t.csv", NULL, &e);
  assert_non_null(f);
  assert_string_equal(e.warning, "");
  frame_free(f);
}

static struct csvtab_opts one_override(const char **name, const enum frame_type *t);

/* A column given float64 still takes whole numbers beyond int64, as the
 * nearest double, with no warning; int64 refuses them, naming float64. */
static void test_forced_float64_reads_whole_numbers_beyond_int64(void **state) {
  (void)state;
  const char *nm[] = {"n"};
  enum frame_type tf[] = {FRAME_F64};
  struct csvtab_opts o = one_override(nm, tf);
  struct csvtab_error e;
  const char *csv = "n\n1\n9223372036854775808\n1e3\n";
  struct frame *f = csvtab_read_mem(csv, strlen(csv), "t.csv", &o, &e);
  assert_non_null(f);
  assert_int_equal(col(f, "n")->type, FRAME_F64);
  assert_true(col(f, "n")->v.f64[1] == 9223372036854775808.0);
  assert_string_equal(e.warning, "");
  frame_free(f);
}

static void test_infers_float64_with_signs_decimals_and_exponents(void **state) {
  (void)state;
  struct frame *f = rd("x\n+1.5\n-2e3\n.5\n1.\n6.02E+23\n1e-5\n-0\n3\n");
  const struct frame_col *x = col(f, "x");
  assert_int_equal(x->type, FRAME_F64);
  double want[] = {1.5, -2000, 0.5, 1, 6.02e23, 1e-5, -0.0, 3};
  for (size_t i = 0; i < 8; i++) assert_true(x->v.f64[i] == want[i]);
  assert_true(signbit(x->v.f64[6]));
  frame_free(f);
}

static void test_thousands_separators_and_inf_nan_words_are_text(void **state) {
  (void)state;
  const char *cases[] = {"x\n1\n\"1,000\"\n", "x\n1\ninf\n", "x\n1\nnan\n", "x\n1\n0x10\n",
                         "x\n1\n\" 12\"\n", "x\n1\n1e\n", "x\n1\n-\n", "x\n1\n1.2.3\n"};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    struct frame *f = rd(cases[k]);
    if (f->col[0]->type != FRAME_CAT) fail_msg("case %zu: not text", k);
    frame_free(f);
  }
}

static void test_infers_iso_and_uk_dates(void **state) {
  (void)state;
  struct frame *f = rd("d,e,g\n2021-03-31,2020-02-29,31/03/2021\n31/12/1999,2021-02-29,c\n");
  const struct frame_col *d = col(f, "d");
  assert_int_equal(d->type, FRAME_DATE);
  char buf[16];
  frame_date_format(d->v.date[0], buf);
  assert_string_equal(buf, "2021-03-31");
  frame_date_format(d->v.date[1], buf);
  assert_string_equal(buf, "1999-12-31");
  assert_int_equal(col(f, "e")->type, FRAME_CAT);   /* 2021 is not a leap year */
  assert_int_equal(col(f, "g")->type, FRAME_DATE);
  assert_int_equal(col(f, "g")->na[1], NA_C);
  frame_free(f);
}

/* Inference checks dates with its own quick test; it must accept exactly
 * what frame_date_parse accepts (leap years, month lengths, year 0). */
static void test_date_inference_agrees_with_frame_date_parse(void **state) {
  (void)state;
  const int years[] = {0, 1, 1900, 2000, 2023, 2024, 9999};
  for (size_t y = 0; y < sizeof years / sizeof years[0]; y++)
    for (int m = 0; m <= 13; m++)
      for (int d = 0; d <= 32; d++)
        for (int form = 0; form < 2; form++) {
          char v[48], csv[64];
          if (form) snprintf(v, sizeof v, "%02d/%02d/%04d", d, m, years[y]);
          else snprintf(v, sizeof v, "%04d-%02d-%02d", years[y], m, d);
          snprintf(csv, sizeof csv, "d\n%s\n", v);
          int32_t days;
          int want = frame_date_parse(v, strlen(v), &days) == 0;
          struct frame *f = rd(csv);
          if ((f->col[0]->type == FRAME_DATE) != want) fail_msg("\"%s\": inference disagrees", v);
          if (want) assert_int_equal(f->col[0]->v.date[0], days);
          frame_free(f);
        }
}

static void test_column_of_only_missing_tokens_is_float64(void **state) {
  (void)state;
  struct frame *f = rd("a,b\n,c\nNA,x\n");
  assert_int_equal(col(f, "a")->type, FRAME_F64);
  assert_int_equal(col(f, "b")->type, FRAME_F64);
  assert_true(isnan(col(f, "a")->v.f64[0]));
  assert_int_equal(col(f, "a")->na[1], NA_NA);
  frame_free(f);
}

static void test_records_every_missing_reason(void **state) {
  (void)state;
  struct frame *f = rd("n,t\n,a\nNA,b\nc,c\nx,d\nz,e\nk,f\nu,g\nlow,h\n:,i\n5,j\n");
  const struct frame_col *n = col(f, "n"), *t = col(f, "t");
  assert_int_equal(n->type, FRAME_I64);
  enum frame_na want[] = {NA_BLANK, NA_NA, NA_C, NA_X, NA_Z, NA_K, NA_U, NA_LOW, NA_COLON, NA_NONE};
  for (size_t i = 0; i < 10; i++) assert_int_equal(n->na[i], want[i]);
  assert_int_equal(n->v.i64[9], 5);
  /* in a text column the symbols are labels; blanks and NA stay missing */
  assert_int_equal(t->type, FRAME_CAT);
  assert_int_equal(frame_col_isna(t, 2), 0);
  assert_cat(t, 2, "c");
  assert_cat(t, 3, "d");
  frame_free(f);
}

static char *describe_text(const struct frame *f);

/* Suppression symbols are missing only in a column of numbers, dates or
 * booleans.  In a text column they are ordinary labels wherever they stand:
 * before the first label (while the column could still be numeric), between
 * typed values that the replay gives back, or after; the dictionary keeps
 * first appearance in row order.  Blanks, NA, N/A, NaN and "." stay missing. */
static void test_suppression_symbols_are_labels_in_text_columns(void **state) {
  (void)state;
  struct frame *f = rd("grp,code,n,when\n"
                       "c,12,c,2021-01-01\n"
                       "x,c,5,x\n"
                       ",007,,2021-01-03\n"
                       "a,z,u,low\n"
                       "low,b,7,\n"
                       "NA,:,k,2021-01-04\n"
                       "c,N/A,1,k\n");
  const struct frame_col *g = col(f, "grp"), *code = col(f, "code"), *n = col(f, "n");
  assert_int_equal(g->type, FRAME_CAT);
  const char *levels[] = {"c", "x", "a", "low"};
  assert_int_equal(g->dict->n, 4);
  for (size_t k = 0; k < 4; k++) assert_string_equal(g->dict->str[k], levels[k]);
  assert_cat(g, 0, "c");
  assert_cat(g, 6, "c");
  assert_int_equal(g->na[2], NA_BLANK);
  assert_int_equal(g->na[5], NA_NA);
  /* numbers, then a symbol, then a label: every value as written */
  assert_int_equal(code->type, FRAME_CAT);
  const char *codes[] = {"12", "c", "007", "z", "b", ":"};
  for (size_t i = 0; i < 6; i++) assert_cat(code, i, codes[i]);
  assert_int_equal(code->na[6], NA_NA);
  assert_string_equal(code->dict->str[1], "c");
  /* a numeric column and a date column keep the symbols as reasons */
  assert_int_equal(n->type, FRAME_I64);
  assert_int_equal(n->na[0], NA_C);
  assert_int_equal(n->na[3], NA_U);
  assert_int_equal(n->na[5], NA_K);
  assert_int_equal(col(f, "when")->type, FRAME_DATE);
  assert_int_equal(col(f, "when")->na[1], NA_X);
  assert_int_equal(col(f, "when")->na[3], NA_LOW);
  assert_int_equal(col(f, "when")->na[6], NA_K);
  char *s = describe_text(f);
  if (!strstr(s, "missing 2 of 7 (28.6%): 1 blank, 1 NA\n      4 levels; \"c\" 2, \"x\" 1, \"a\" 1, \"low\" 1\n"))
    fail_msg("describe:\n%s", s);
  free(s);
  frame_free(f);
}

/* The hand-written float parser must give exactly strtod's double. */
static void test_float_parsing_matches_strtod_bit_for_bit(void **state) {
  (void)state;
  size_t n = 20000, cap = n * 40 + 8, o = 0;
  char *csv = malloc(cap), **vals = malloc(n * sizeof *vals);
  assert_non_null(csv);
  assert_non_null(vals);
  o += (size_t)snprintf(csv + o, cap - o, "x\n");
  uint64_t s = 12345;
  for (size_t i = 0; i < n; i++) {
    char v[40];
    size_t k = 0;
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    unsigned r = (unsigned)(s >> 33);
    if (r & 1) v[k++] = '-';
    unsigned nd = 1 + r % 20, dot = (r >> 5) % (nd + 1);
    for (unsigned d = 0; d < nd; d++) {
      if (d == dot && d) v[k++] = '.';
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      v[k++] = (char)('0' + (s >> 40) % 10);
    }
    if ((r >> 10) % 3 == 0) k += (size_t)snprintf(v + k, sizeof v - k, "e%d", (int)((r >> 12) % 700) - 350);
    else if (dot == 0 || dot == nd) v[k++] = '.', v[k++] = '5';   /* keep it non-integer (a whole
                                                                        number beyond int64 is text) */
    v[k] = '\0';
    if (isinf(strtod(v, NULL))) { i--; continue; }   /* beyond float64: an error (below) */
    vals[i] = strdup(v);
    o += (size_t)snprintf(csv + o, cap - o, "%s\n", v);
  }
  struct frame *f = rd(csv);
  const struct frame_col *x = f->col[0];
  assert_int_equal(x->type, FRAME_F64);
  for (size_t i = 0; i < n; i++) {
    double want = strtod(vals[i], NULL);
    if (memcmp(&want, &x->v.f64[i], sizeof want) != 0)
      fail_msg("\"%s\": got %.17g, strtod %.17g", vals[i], x->v.f64[i], want);
    free(vals[i]);
  }
  free(vals);
  free(csv);
  frame_free(f);
}

/* A number beyond float64 is an error naming it, never a silent infinity;
 * the smallest subnormals still read as strtod reads them. */
static void test_float_overflow_is_an_error(void **state) {
  (void)state;
  expect_err("x\n1.5\n1e400\n", NULL, "t.csv:3:1 (column \"x\"): \"1e400\" is beyond the range of a 64-bit "
             "number (about 1.8e308); correct the value, or read the column as text (types = { col = \"text\" })",
             3, 1, "x");
  expect_err("x\n-1.7976931348623159e308\n", NULL, "t.csv:2:1 (column \"x\"): \"-1.7976931348623159e308\" is "
             "beyond the range of a 64-bit number (about 1.8e308); correct the value, or read the column as text "
             "(types = { col = \"text\" })", 2, 1, "x");
  struct frame *f = rd("x\n1.7976931348623157e308\n4.9e-324\n1e-400\n");
  assert_true(f->col[0]->v.f64[0] == 1.7976931348623157e308);
  assert_true(f->col[0]->v.f64[1] == 4.9e-324);
  assert_true(f->col[0]->v.f64[2] == 0.0);
  frame_free(f);
}

/* The limits on columns and rows stop at the first line over, naming the option. */
static void test_column_and_row_limits(void **state) {
  (void)state;
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.max_columns = 3;
  expect_err("a,b,c,d\n1,2,3,4\n", &o, "t.csv:1:4: more than 3 fields on this line, the limit on columns "
             "(raise it with --max-columns N if the file really is that wide)", 1, 4, "");
  expect_err("a,b,c\n1,2,3\n1,2,3,4,5\n", &o, "t.csv:3:4: more than 3 fields on this line, the limit on "
             "columns (raise it with --max-columns N if the file really is that wide)", 3, 4, "");
  csvtab_opts_init(&o);
  o.max_rows = 2;
  expect_err("a,b\n1,2\n3,4\n5,6\n", &o, "t.csv:4: more than 2 data rows, the limit on rows "
             "(raise it with --max-rows N)", 4, 0, "");
  struct frame *f = rd_opts("a,b\n1,2\n3,4\n", &o);
  assert_int_equal(f->nrow, 2);
  frame_free(f);
}

/* ===== overrides ===== */

static struct csvtab_opts one_override(const char **name, const enum frame_type *t) {
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.override_names = name;
  o.override_types = t;
  o.noverride = 1;
  return o;
}

static void test_override_to_text_keeps_values_as_written(void **state) {
  (void)state;
  const char *nm[] = {"code"};
  enum frame_type t[] = {FRAME_CAT};
  struct csvtab_opts o = one_override(nm, t);
  struct frame *f = rd_opts("code,n\n007,1\n+12,2\nc,3\n", &o);
  const struct frame_col *c = col(f, "code");
  assert_int_equal(c->type, FRAME_CAT);
  assert_cat(c, 0, "007");
  assert_cat(c, 1, "+12");
  assert_cat(c, 2, "c");                     /* a text column: "c" is a label */
  frame_free(f);
}

static void test_override_int_column_to_float64_and_date_column(void **state) {
  (void)state;
  const char *nm[] = {"n", "d"};
  enum frame_type t[] = {FRAME_F64, FRAME_DATE};
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.override_names = nm; o.override_types = t; o.noverride = 2;
  struct frame *f = rd_opts("n,d\n1,2021-01-01\nx,\n", &o);
  assert_int_equal(col(f, "n")->type, FRAME_F64);
  assert_true(col(f, "n")->v.f64[0] == 1.0);
  assert_int_equal(col(f, "n")->na[1], NA_X);
  assert_int_equal(col(f, "d")->type, FRAME_DATE);
  frame_free(f);
  f = rd_opts("n,d\n,\n", &o);               /* all missing, still the forced types */
  assert_int_equal(col(f, "d")->type, FRAME_DATE);
  frame_free(f);
}

static void test_override_value_that_does_not_parse_is_an_error(void **state) {
  (void)state;
  const char *nm[] = {"n"};
  enum frame_type ti[] = {FRAME_I64}, tb[] = {FRAME_BOOL}, td[] = {FRAME_DATE}, tf[] = {FRAME_F64};
  struct csvtab_opts o = one_override(nm, ti);
  const char *csv = "a,b,c,n\n1,2,3,4\n1,2,3,5\n1,2,3,\n1,2,3,12a\n";
  expect_err(csv, &o, "t.csv:5:4 (column \"n\"): \"12a\" is not a number; the column was "
             "given type int64 in the recipe", 5, 4, "n");
  expect_err("n\n1.5\n", &o, "t.csv:2:1 (column \"n\"): \"1.5\" is not a whole number; the "
             "column was given type int64 in the recipe", 2, 1, "n");
  expect_err("n\n99999999999999999999\n", &o, "t.csv:2:1 (column \"n\"): \"99999999999999999999\" "
             "is too large for int64 (use float64); the column was given type int64 in the recipe",
             2, 1, "n");
  o = one_override(nm, tb);
  expect_err("n\ntrue\nyes\n", &o, "t.csv:3:1 (column \"n\"): \"yes\" is not true or false; the "
             "column was given type bool in the recipe", 3, 1, "n");
  o = one_override(nm, td);
  o.override_origin = "with --type";
  expect_err("n\n2021-02-30\n", &o, "t.csv:2:1 (column \"n\"): \"2021-02-30\" is not a date "
             "(expected YYYY-MM-DD or DD/MM/YYYY); the column was given type date with --type",
             2, 1, "n");
  o = one_override(nm, tf);
  expect_err("n\n\"1\n2\"\n3,4\n", &o, "t.csv:2:1 (column \"n\"): \"1\\x0A2\" is not a number; the "
             "column was given type float64 in the recipe", 2, 1, "n");
}

static void test_override_of_unknown_column_is_an_error(void **state) {
  (void)state;
  const char *nm[] = {"fsmm"};
  enum frame_type t[] = {FRAME_I64};
  struct csvtab_opts o = one_override(nm, t);
  expect_err("id,fsm\n1,2\n", &o, "t.csv:1: column \"fsmm\" was given type int64 in the recipe, "
             "but the header has no such column (columns: id, fsm)", 1, 0, "");
}

/* ===== errors ===== */

static void test_row_with_too_many_fields_is_an_error(void **state) {
  (void)state;
  expect_err("a,b\n1,2\n3,4,5\n", NULL, "t.csv:3:3 (after column \"b\"): expected 2 fields like "
             "the header, found 3 (is there a comma inside a value that is not in quotes?)",
             3, 3, "b");
  expect_err("a,b\n1,2,x\n", NULL, "t.csv:2:3 (after column \"b\"): expected 2 fields like "
             "the header, found 3 (is there a comma inside a value that is not in quotes?)",
             2, 3, "b");
}

static void test_row_with_too_few_fields_is_an_error(void **state) {
  (void)state;
  expect_err("a,b,c\n1,2,3\n4,5\n", NULL,
             "t.csv:3:3 (column \"c\"): expected 3 fields like the header, found 2", 3, 3, "c");
  expect_err("a,b,c\n1,2,3\n4,5", NULL,     /* last line, no newline */
             "t.csv:3:3 (column \"c\"): expected 3 fields like the header, found 2", 3, 3, "c");
}

static void test_error_lines_count_physical_lines_inside_quotes(void **state) {
  (void)state;
  expect_err("a,b\n1,\"x\ny\nz\"\n2,3,4\n", NULL, "t.csv:5:3 (after column \"b\"): expected 2 "
             "fields like the header, found 3 (is there a comma inside a value that is not in "
             "quotes?)", 5, 3, "b");
  expect_err("a,b\r\n1,\"x\r\ny\"\r\n\r\n2,3,4\r\n", NULL, "t.csv:5:3 (after column \"b\"): "
             "expected 2 fields like the header, found 3 (is there a comma inside a value that "
             "is not in quotes?)", 5, 3, "b");
  expect_err("a,b\r1,2\r3\r", NULL,          /* old Mac line ends */
             "t.csv:3:2 (column \"b\"): expected 2 fields like the header, found 1", 3, 2, "b");
  /* a multi-line value in the failing row: the error is where the row ends */
  expect_err("a,b,c\n1,\"x\ny\"\n", NULL,
             "t.csv:3:3 (column \"c\"): expected 3 fields like the header, found 2", 3, 3, "c");
}

static void test_unterminated_quote_points_where_it_opened(void **state) {
  (void)state;
  expect_err("a,b\n1,2\n3,\"oops\n4,5\n6,7\n", NULL, "t.csv:3:2 (column \"b\"): unterminated "
             "quoted field (a \" opened here is never closed)", 3, 2, "b");
  expect_err("name,dob\n\"x\ny\",1\n2, \"3", NULL, "t.csv:4:2 (column \"dob\"): unterminated "
             "quoted field (a \" opened here is never closed)", 4, 2, "dob");
}

static void test_stray_quotes_are_errors(void **state) {
  (void)state;
  expect_err("a,b\n1,2\n3,4\"5\n", NULL, "t.csv:3:2 (column \"b\"): a \" inside a field that "
             "does not start with one; quote the whole field and double the inner quote "
             "(\"a \"\"b\"\" c\")", 3, 2, "b");
  expect_err("a,b\n\"x\"y,2\n", NULL, "t.csv:2:1 (column \"a\"): unexpected character \"y\" after "
             "a closing quote (a quoted field must end at a comma or the end of the line)",
             2, 1, "a");
}

static void test_empty_file_is_an_error(void **state) {
  (void)state;
  const char *cases[] = {"", "\n\n", "\xEF\xBB\xBF", "  \r\n"};
  for (size_t k = 0; k < 4; k++)
    expect_err(cases[k], NULL, "t.csv: empty file, expected a header row", 0, 0, "");
}

static void test_nul_bytes_are_an_error(void **state) {
  (void)state;
  expect_err_len("a,b\n1,x\0y\n", 10, NULL, "t.csv:2:2 (column \"b\"): contains a NUL byte: "
                 "this looks like a binary file, not CSV text", 2, 2, "b");
  /* binary: the NUL wins over the invalid UTF-8 met first; the column is then unknown */
  expect_err_len("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL, "t.csv:3: contains a NUL byte: "
                 "this looks like a binary file, not CSV text", 3, 0, "");
}

static void test_invalid_utf8_is_an_error(void **state) {
  (void)state;
  expect_err("id,caf\xE9\n1,2\n", NULL, "t.csv:1:2: header name \"caf\\xE9\" is not valid UTF-8 "
             "(byte 0xE9 at offset 3); save the file as UTF-8", 1, 2, "");
  expect_err("id,name\n1,ok\n2,Caf\xE9\n", NULL, "t.csv:3:2 (column \"name\"): value \"Caf\\xE9\" "
             "is not valid UTF-8 (byte 0xE9 at offset 3); save the file as UTF-8", 3, 2, "name");
  /* the bad value is the one that turns a numeric-looking column into text */
  expect_err("id,name\n1,2\n2,Caf\xE9\n", NULL, "t.csv:3:2 (column \"name\"): value \"Caf\\xE9\" "
             "is not valid UTF-8 (byte 0xE9 at offset 3); save the file as UTF-8", 3, 2, "name");
  struct frame *f = rd("id,name\n1,Caf\xC3\xA9\n2,\xE2\x82\xAC\n");
  assert_cat(col(f, "name"), 0, "Caf\xC3\xA9");
  frame_free(f);
}

static void test_huge_field_is_an_error_naming_the_limit(void **state) {
  (void)state;
  size_t big = (size_t)10 << 20;
  char *csv = malloc(big + 64);
  assert_non_null(csv);
  strcpy(csv, "a,b\n1,\"");
  size_t o = strlen(csv);
  memset(csv + o, 'x', big);
  o += big;
  strcpy(csv + o, "\"\n");
  const char *msg = "t.csv:2:2 (column \"b\"): field longer than the limit of 1048576 bytes; "
                    "is a closing quote missing? (the limit on field length is set with --max-field BYTES)";
  expect_err_len(csv, o + 2, NULL, msg, 2, 2, "b");
  expect_err_len(csv, o, NULL, msg, 2, 2, "b");   /* runaway quote, never closed */
  csv[6] = 'x';                                    /* unquoted */
  expect_err_len(csv, o + 2, NULL, msg, 2, 2, "b");
  free(csv);
  struct csvtab_opts opt;
  csvtab_opts_init(&opt);
  opt.max_field = 4;
  expect_err("a,b\n1,12345\n", &opt, "t.csv:2:2 (column \"b\"): field longer than the limit of 4 "
             "bytes; is a closing quote missing? (the limit on field length is set with --max-field BYTES)", 2, 2, "b");
}

static void test_binary_junk_never_crashes(void **state) {
  (void)state;
  size_t n = 1 << 16;
  unsigned char *junk = malloc(n);
  assert_non_null(junk);
  uint64_t s = 99;
  for (int round = 0; round < 40; round++) {
    for (size_t i = 0; i < n; i++) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      junk[i] = (unsigned char)(s >> 56);
      if (round & 1 && junk[i] == 0) junk[i] = ',';   /* odd rounds: no NULs */
      if (round & 2 && junk[i] > 0x7E) junk[i] = '\n';
    }
    struct csvtab_error e;
    struct frame *f = csvtab_read_mem((const char *)junk, n >> (round % 8), "junk", NULL, &e);
    if (f) frame_free(f);
    else assert_true(strncmp(e.msg, "junk", 4) == 0);
  }
  free(junk);
}

static void test_missing_file_and_directory_are_errors(void **state) {
  (void)state;
  struct csvtab_error e;
  assert_null(csvtab_read("/nonexistent/x.csv", NULL, &e));
  assert_string_equal(e.msg, "/nonexistent/x.csv: cannot open: No such file or directory");
  assert_null(csvtab_read("/tmp", NULL, &e));
  assert_string_equal(e.msg, "/tmp: is a directory, not a CSV file");
}

/* ===== describe ===== */

static char *describe_text(const struct frame *f) {
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  assert_non_null(m);
  assert_int_equal(describe_frame(m, f, "t.csv"), 0);
  fclose(m);
  return buf;
}

static void test_describe_counts_missing_by_reason_and_summarises(void **state) {
  (void)state;
  struct frame *f = rd("n,x,d,t,b\n1,0.5,2021-01-01,a,true\nc,1.5,2021-01-03,b,false\n"
                       ",c,,a,true\n3,x,2021-01-05,a,\nc,,,c,\n");
  char *s = describe_text(f);
  const char *want[] = {
    "t.csv: 5 rows, 5 columns\n",
    "1  n  (int64)\n      missing 3 of 5 (60.0%): 2 suppressed (c), 1 blank\n"
    "      min 1, mean 2, max 3\n",
    "2  x  (float64)\n      missing 3 of 5 (60.0%): 1 blank, 1 suppressed (c), 1 not available (x)\n"
    "      min 0.5, mean 1, max 1.5\n",
    "3  d  (date)\n      missing 2 of 5 (40.0%): 2 blank\n"
    "      min 2021-01-01, mean 2021-01-03, max 2021-01-05\n",
    "4  t  (text)\n      missing: none\n      3 levels; \"a\" 3, \"b\" 1, \"c\" 1\n",
    "5  b  (bool)\n      missing 2 of 5 (40.0%): 2 blank\n      true 2 (66.7%), false 1\n"};
  for (size_t k = 0; k < 6; k++)
    if (!strstr(s, want[k])) fail_msg("missing from describe:\n%s\n--- in ---\n%s", want[k], s);
  free(s);
  frame_free(f);
}

static void test_describe_lists_top_five_levels(void **state) {
  (void)state;
  struct frame *f = rd("t\ng\nf\nf\ne\ne\ne\nd\nd\nd\nd\nq\nq\nq\nq\nq\nb\nb\nb\nb\nb\nb\na\n");
  char *s = describe_text(f);
  assert_non_null(strstr(s, "      7 levels; top 5: \"b\" 6, \"q\" 5, \"d\" 4, \"e\" 3, \"f\" 2\n"));
  assert_non_null(strstr(s, "missing: none"));
  free(s);
  frame_free(f);
}

/* ===== real EES files ===== */

struct ees_shape { const char *file; size_t rows, cols; };

static void test_ees_files_load_with_python_row_and_column_counts(void **state) {
  (void)state;
  if (!have_ees()) skip();
  static const struct ees_shape shapes[] = {
    {"New_Statistical_Neighbour_Groupings_April_2021.csv", 159, 25},
    {"b1_children_in_need_2013_to_2025.csv", 2132, 19},
    {"c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", 2132, 21},
    {"cla_number_and_rate_per_10k_children.csv", 2505, 14},
    {"csww_indicators_2017_to_2025.csv", 1463, 32},
    {"la_care_leavers_accommodation_suitability.csv", 6680, 14},
    {"la_care_leavers_activity.csv", 20040, 14},
    {"la_cla_placement_stability.csv", 5010, 14},
    {"ons_mid-year_population_estimates_2012_to_2024.csv", 2132, 12},
    {"sn_model_2025_wide.csv", 153, 24}};
  for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", EES, shapes[k].file);
    struct csvtab_error e;
    struct frame *f = csvtab_read(path, NULL, &e);
    if (!f) fail_msg("%s", e.msg);
    if (f->nrow != shapes[k].rows || f->ncol != shapes[k].cols)
      fail_msg("%s: %zu x %zu, python says %zu x %zu", shapes[k].file, f->nrow, f->ncol,
               shapes[k].rows, shapes[k].cols);
    if (strcmp(f->col[0]->name, k == 0 ? "LA num" : k == 9 ? "old_la_code" : "time_period") != 0)
      fail_msg("%s: first column \"%s\" (BOM left in?)", shapes[k].file, f->col[0]->name);
    frame_free(f);
  }
}

static struct frame *ees(const char *file) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", EES, file);
  struct csvtab_error e;
  struct frame *f = csvtab_read(path, NULL, &e);
  if (!f) fail_msg("%s", e.msg);
  return f;
}

/* Values and counts from python3's csv module (encoding utf-8-sig). */
static void test_ees_c1_values_and_suppression_counts(void **state) {
  (void)state;
  if (!have_ees()) skip();
  struct frame *f = ees("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv");
  assert_int_equal(col(f, "time_period")->v.i64[0], 2025);
  assert_int_equal(col(f, "referral_count")->type, FRAME_I64);
  assert_int_equal(col(f, "referral_count")->v.i64[0], 632830);
  size_t cnt[NA_NREASONS];
  frame_col_na_counts(col(f, "rereferral_count"), cnt);
  assert_int_equal(cnt[NA_C], 12);
  assert_int_equal(cnt[NA_X], 12);
  assert_int_equal(cnt[NA_U], 3);
  frame_col_na_counts(col(f, "no_further_action_count"), cnt);
  assert_int_equal(cnt[NA_C], 94);
  assert_int_equal(cnt[NA_X], 5);
  assert_int_equal(cnt[NA_U], 3);
  frame_col_na_counts(col(f, "la_name"), cnt);
  assert_int_equal(cnt[NA_BLANK], 156);
  const struct frame_col *p = col(f, "rereferral_percent");
  assert_int_equal(p->type, FRAME_F64);
  assert_true(p->v.f64[0] == 22.6);
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < p->n; i++) if (!frame_col_isna(p, i)) { sum += p->v.f64[i]; n++; }
  assert_int_equal(n, 2105);
  assert_float_equal(sum, 43996.3, 1e-8);
  char *s = describe_text(f);
  assert_non_null(strstr(s, "12 suppressed (c), 12 not available (x), 3 low reliability (u)"));
  free(s);
  frame_free(f);
}

static void test_ees_neighbour_file_trailing_comma_and_duplicate_names(void **state) {
  (void)state;
  if (!have_ees()) skip();
  struct frame *f = ees("New_Statistical_Neighbour_Groupings_April_2021.csv");
  assert_string_equal(f->col[6]->name, "SNP");
  assert_string_equal(f->col[8]->name, "SNP_2");
  assert_string_equal(f->col[24]->name, "SNP_10");
  assert_cat(col(f, "LA Name"), 0, "City of London");
  assert_int_equal(col(f, "LA num")->v.i64[158], 928);
  assert_cat(col(f, "SNP_10"), 0, "Not Close");
  size_t cnt[NA_NREASONS];
  frame_col_na_counts(col(f, "LA Name"), cnt);   /* python: 2 blank rows */
  assert_int_equal(cnt[NA_BLANK], 2);
  frame_free(f);
}

static void test_ees_trailing_spaces_and_other_suppression_symbols(void **state) {
  (void)state;
  if (!have_ees()) skip();
  struct frame *f = ees("sn_model_2025_wide.csv");
  const struct frame_col *c = col(f, "SN_1P");
  assert_cat(c, 0, "Close");                      /* "Close " in the file */
  size_t close = 0;
  for (size_t i = 0; i < c->n; i++) close += strcmp(frame_col_gets(c, i), "Close") == 0;
  assert_int_equal(close, 22);
  frame_free(f);
  f = ees("la_care_leavers_activity.csv");
  size_t cnt[NA_NREASONS];
  frame_col_na_counts(col(f, "care_leaver_count"), cnt);
  assert_int_equal(cnt[NA_C], 4117);
  assert_int_equal(cnt[NA_Z], 2304);
  frame_col_na_counts(col(f, "care_leaver_percent"), cnt);
  assert_int_equal(cnt[NA_C], 4117);
  assert_int_equal(cnt[NA_Z], 2412);
  assert_int_equal(cnt[NA_K], 14);
  frame_free(f);
  f = ees("csww_indicators_2017_to_2025.csv");
  assert_true(col(f, "inpost_fte")->v.f64[0] == 36186.3);
  assert_int_equal(col(f, "inpost_headcount")->v.i64[0], 38292);
  frame_col_na_counts(col(f, "turnover_rate_fte"), cnt);
  assert_int_equal(cnt[NA_Z], 5);
  assert_int_equal(cnt[NA_X], 3);
  assert_int_equal(cnt[NA_U], 2);
  frame_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reads_header_and_typed_columns),
    cmocka_unit_test(test_strips_utf8_bom),
    cmocka_unit_test(test_accepts_crlf_and_lf_and_no_final_newline),
    cmocka_unit_test(test_skips_blank_lines),
    cmocka_unit_test(test_quoted_fields_keep_commas_quotes_and_newlines),
    cmocka_unit_test(test_trims_spaces_of_unquoted_fields_and_header_names),
    cmocka_unit_test(test_drops_unnamed_empty_column_from_trailing_commas),
    cmocka_unit_test(test_keeps_unnamed_last_column_with_values_as_v_k),
    cmocka_unit_test(test_names_empty_headers_v_k),
    cmocka_unit_test(test_makes_duplicate_header_names_unique),
    cmocka_unit_test(test_header_only_gives_zero_rows),
    cmocka_unit_test(test_other_delimiter),
    cmocka_unit_test(test_reads_a_file_from_disk),
    cmocka_unit_test(test_infers_bool_only_from_true_false_words),
    cmocka_unit_test(test_infers_int64_up_to_its_limits_then_text),
    cmocka_unit_test(test_forced_float64_reads_whole_numbers_beyond_int64),
    cmocka_unit_test(test_infers_float64_with_signs_decimals_and_exponents),
    cmocka_unit_test(test_thousands_separators_and_inf_nan_words_are_text),
    cmocka_unit_test(test_infers_iso_and_uk_dates),
    cmocka_unit_test(test_date_inference_agrees_with_frame_date_parse),
    cmocka_unit_test(test_column_of_only_missing_tokens_is_float64),
    cmocka_unit_test(test_records_every_missing_reason),
    cmocka_unit_test(test_suppression_symbols_are_labels_in_text_columns),
    cmocka_unit_test(test_float_parsing_matches_strtod_bit_for_bit),
    cmocka_unit_test(test_float_overflow_is_an_error),
    cmocka_unit_test(test_column_and_row_limits),
    cmocka_unit_test(test_override_to_text_keeps_values_as_written),
    cmocka_unit_test(test_override_int_column_to_float64_and_date_column),
    cmocka_unit_test(test_override_value_that_does_not_parse_is_an_error),
    cmocka_unit_test(test_override_of_unknown_column_is_an_error),
    cmocka_unit_test(test_row_with_too_many_fields_is_an_error),
    cmocka_unit_test(test_row_with_too_few_fields_is_an_error),
    cmocka_unit_test(test_error_lines_count_physical_lines_inside_quotes),
    cmocka_unit_test(test_unterminated_quote_points_where_it_opened),
    cmocka_unit_test(test_stray_quotes_are_errors),
    cmocka_unit_test(test_empty_file_is_an_error),
    cmocka_unit_test(test_nul_bytes_are_an_error),
    cmocka_unit_test(test_invalid_utf8_is_an_error),
    cmocka_unit_test(test_huge_field_is_an_error_naming_the_limit),
    cmocka_unit_test(test_binary_junk_never_crashes),
    cmocka_unit_test(test_missing_file_and_directory_are_errors),
    cmocka_unit_test(test_describe_counts_missing_by_reason_and_summarises),
    cmocka_unit_test(test_describe_lists_top_five_levels),
    cmocka_unit_test(test_ees_files_load_with_python_row_and_column_counts),
    cmocka_unit_test(test_ees_c1_values_and_suppression_counts),
    cmocka_unit_test(test_ees_neighbour_file_trailing_comma_and_duplicate_names),
    cmocka_unit_test(test_ees_trailing_spaces_and_other_suppression_symbols),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
