/* tests/c/test_csvtab_par.c -- cmocka tests for the CSV loader on several
 * threads (host/data/csvtab_par.c).  Each file is loaded on one thread and
 * on 2, 3, 4 and 8 threads with parts of several sizes; the frames must be
 * the same byte for byte (names, types, every value including the
 * placeholders of missing rows, missing reasons, dictionaries in order), or
 * the errors the same (message, line, column, name).  Files built so that
 * the threads do load them also check that they did (the part count), so no
 * test passes by always falling back to one pass.  Run from the repo root. */
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

#include "data/csvtab.h"
#include "data/csvtab_int.h"
#include "csv_fixture.h"

/* ===== helpers ===== */

/* Load on one thread, then on 2, 3, 4 and 8 threads with parts of at least
 * part bytes (and a tenth of that); every result must equal the first.
 * Returns how many of the threaded loads used threads; *out gets the
 * one-thread frame (or NULL with *e) when out is not NULL. */
static size_t load_all(const char *csv, size_t len, const struct csvtab_opts *o, size_t part,
                       struct frame **out, struct csvtab_error *e) {
  struct csvtab_error e0, e1;
  size_t used = 0;
  struct frame *f0 = csvtab_read_mem_par(csv, len, "t.csv", o, &e0, CSVTAB_FAST_ON, 1, 0, NULL);
  static const unsigned threads[] = {2, 3, 4, 8};
  const size_t parts[] = {part, part / 10 ? part / 10 : 1};
  for (size_t t = 0; t < 4; t++)
    for (size_t q = 0; q < 2; q++) {
      size_t np = 0;
      struct frame *f1 = csvtab_read_mem_par(csv, len, "t.csv", o, &e1, CSVTAB_FAST_ON,
                                             threads[t], parts[q], &np);
      char why[200] = "";
      if (!f0 != !f1)
        fail_msg("%u threads: %s, one thread: %s", threads[t], f1 ? "loads" : e1.msg,
                 f0 ? "loads" : e0.msg);
      if (f0 && frame_diff(f0, f1, why, sizeof why))
        fail_msg("%u threads (%zu parts) differ from one thread: %s", threads[t], np, why);
      if (!f0 && (strcmp(e0.msg, e1.msg) || e0.line != e1.line || e0.column != e1.column ||
                  strcmp(e0.colname, e1.colname)))
        fail_msg("%u threads: \"%s\", one thread: \"%s\"", threads[t], e1.msg, e0.msg);
      if (np > 1) used++;
      frame_free(f1);
    }
  if (e) *e = e0;
  if (out) *out = f0;
  else frame_free(f0);
  return used;
}

/* rows data rows of a pupil-like file; row i's fields by fn. */
static void rows_of(struct buf *b, int from, int to, const char *eol,
                    void (*fn)(struct buf *, int, const char *)) {
  for (int i = from; i < to; i++) fn(b, i, eol);
}

static void plain_row(struct buf *b, int i, const char *eol) {
  addf(b, "%d,%d,%s,%d.%02d,%s%s", i, 200 + i % 7, i % 2 ? "F" : "M", i % 50, i % 100,
       i % 13 == 0 ? "2021-03-31" : "2020-02-29", eol);
}

/* ===== files the threads load ===== */

static void test_plain_file_same_on_every_thread_count(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "id,la,sex,score,date\n");
  rows_of(&b, 0, 3000, "\n", plain_row);
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  assert_int_equal(f->nrow, 3000);
  assert_int_equal(col(f, "id")->type, FRAME_I64);
  assert_int_equal(col(f, "id")->v.i64[2999], 2999);
  assert_int_equal(col(f, "sex")->type, FRAME_CAT);
  assert_string_equal(col(f, "sex")->dict->str[0], "M");   /* first appearance */
  assert_int_equal(col(f, "score")->type, FRAME_F64);
  assert_int_equal(col(f, "date")->type, FRAME_DATE);
  frame_free(f);
  free(b.p);
}

/* BOM, CRLF endings, no newline at the end. */
static void test_bom_crlf_and_no_final_newline(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "\xEF\xBB\xBFid,la,sex,score,date\r\n");
  rows_of(&b, 0, 2000, "\r\n", plain_row);
  b.n -= 2;                                    /* the last line has no line end */
  b.p[b.n] = '\0';
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  assert_string_equal(f->col[0]->name, "id");
  assert_int_equal(f->nrow, 2000);
  frame_free(f);
  free(b.p);
}

/* Quoted fields with the delimiter, doubled quotes and line breaks (LF, CRLF)
 * all through the file: every cut lands near one, often inside it. */
static void test_quoted_line_breaks_anywhere(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "id,note,n\n");
  for (int i = 0; i < 2000; i++) {
    if (i % 3 == 0) addf(&b, "%d,\"line one\nline two, %d\",%d\n", i, i, i);
    else if (i % 3 == 1) addf(&b, "%d,\"say \"\"hi\"\"\r\nthen\",%d\r\n", i, i);
    else addf(&b, "%d,plain %d,%d\n", i, i % 10, i);
  }
  struct frame *f;
  load_all(b.p, b.n, NULL, 500, &f, NULL);    /* threads or not, the same frame */
  assert_int_equal(f->nrow, 2000);
  assert_string_equal(frame_col_gets(col(f, "note"), 1), "say \"hi\"\r\nthen");
  frame_free(f);
  /* a few quoted fields, without line breaks: the threads do load it */
  b.n = 0;
  adds(&b, "id,note,n\n");
  for (int i = 0; i < 3000; i++)
    addf(&b, i % 97 == 0 ? "%d,\"a, %d\",%d\n" : "%d,b%d,%d\n", i, i % 5, i);
  assert_true(load_all(b.p, b.n, NULL, 1000, NULL, NULL) >= 6);
  free(b.p);
}

/* Suppression symbols and blanks in every column, at the start of a part,
 * all through a part, and in a column that is missing in every row. */
static void test_suppression_symbols(void **state) {
  (void)state;
  static const char *na[] = {"c", "x", "", "z", "k", "u", "low", ":", "NA", "."};
  struct buf b = {0};
  adds(&b, "n,f,t,d,gone\n");
  for (int i = 0; i < 3000; i++) {
    const char *m = na[i % 10];
    int miss = i % 7 == 0 || (i >= 1200 && i < 1900);   /* a long run: whole parts */
    if (miss) addf(&b, "%s,%s,%s,%s,%s\n", m, m, m, m, na[(i / 3) % 10]);
    else addf(&b, "%d,%d.5,t%d,2021-01-%02d,%s\n", i, i, i % 4, 1 + i % 28, na[(i / 3) % 10]);
  }
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  assert_int_equal(col(f, "n")->type, FRAME_I64);
  assert_int_equal(col(f, "n")->na[0], NA_C);
  assert_int_equal(col(f, "n")->v.i64[0], 0);  /* a missing row's placeholder */
  assert_true(isnan(col(f, "f")->v.f64[1200]));
  assert_int_equal(col(f, "t")->type, FRAME_CAT);
  assert_int_equal(col(f, "d")->type, FRAME_DATE);
  assert_int_equal(col(f, "gone")->type, FRAME_F64);   /* missing only */
  frame_free(f);
  free(b.p);
}

/* Suppression symbols in columns that end as text: a label only in the last
 * part, so earlier parts hold the symbols as missing reasons (numbers with
 * "c" in one part, nothing but symbols in another); the threads must give
 * the labels the one pass gives, in the same dictionary order.  A numeric
 * column beside them keeps its symbols missing. */
static void test_suppression_symbols_in_columns_that_end_as_text(void **state) {
  (void)state;
  static const char *sym[] = {"c", "x", "z", "k", "u", "low", ":"};
  struct buf b = {0};
  adds(&b, "late,sym,n\n");
  for (int i = 0; i < 4000; i++) {
    const char *s = sym[i % 7];
    char late[32];
    if (i == 3900) strcpy(late, "label");
    else if (i % 5 == 0) strcpy(late, s);
    else snprintf(late, sizeof late, "%d", i);
    addf(&b, "%s,%s,%s\n", late, i < 3000 ? s : i % 2 ? "NA" : "other", i % 3 ? s : "4");
  }
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  const struct frame_col *late = col(f, "late"), *sy = col(f, "sym"), *n = col(f, "n");
  assert_int_equal(late->type, FRAME_CAT);
  assert_string_equal(frame_col_gets(late, 0), "c");
  assert_string_equal(frame_col_gets(late, 1), "1");
  assert_string_equal(frame_col_gets(late, 5), "low");
  assert_string_equal(frame_col_gets(late, 3900), "label");
  assert_int_equal(sy->type, FRAME_CAT);
  for (size_t k = 0; k < 7; k++) assert_string_equal(sy->dict->str[k], sym[k]);
  assert_string_equal(sy->dict->str[7], "other");
  assert_int_equal(sy->dict->n, 8);
  assert_int_equal(sy->na[3001], NA_NA);
  assert_int_equal(n->type, FRAME_I64);
  assert_int_equal(n->na[1], NA_X);
  assert_int_equal(n->v.i64[3], 4);
  frame_free(f);
  free(b.p);
}

/* Types settled across parts as one pass settles them: whole numbers in
 * some parts and decimals (or "-0") in a later one, a column missing in the
 * first parts, text from the start in some parts and missing in others,
 * labels first met in a later part. */
static void test_types_settled_across_parts(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "w,late,txt,b\n");
  for (int i = 0; i < 4000; i++) {
    char w[32], late[32];
    if (i == 3990) strcpy(w, "2.5");
    else if (i == 3000) strcpy(w, "-0");
    else if (i == 10) strcpy(w, "-0");
    else snprintf(w, sizeof w, "%lld", (long long)i * 1000003);
    if (i < 2500) strcpy(late, i % 2 ? "c" : "");
    else snprintf(late, sizeof late, "%d", i);
    addf(&b, "%s,%s,%s,%s\n", w, late, i < 1000 ? "x" : i % 3 ? "lbl" : i > 3500 ? "new" : "c",
         i % 2 ? "TRUE" : "false");
  }
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  const struct frame_col *w = col(f, "w");
  assert_int_equal(w->type, FRAME_F64);
  assert_true(signbit(w->v.f64[10]) && w->v.f64[10] == 0);   /* "-0" read as -0.0 */
  assert_true(signbit(w->v.f64[3000]));
  assert_true(w->v.f64[3990] == 2.5);
  assert_int_equal(col(f, "late")->type, FRAME_I64);
  assert_int_equal(col(f, "txt")->type, FRAME_CAT);
  /* a text column: "x" and "c" are labels, in order of first appearance */
  assert_int_equal(col(f, "txt")->dict->n, 4);
  assert_string_equal(col(f, "txt")->dict->str[0], "x");
  assert_string_equal(col(f, "txt")->dict->str[1], "lbl");
  assert_string_equal(col(f, "txt")->dict->str[2], "c");
  assert_string_equal(col(f, "txt")->dict->str[3], "new");
  assert_int_equal(col(f, "b")->type, FRAME_BOOL);
  frame_free(f);
  free(b.p);
}

/* Columns that turn text after typed values: in the last part only, in the
 * middle of a part, with whole numbers in one part and dates in another,
 * with booleans then labels.  The typed values' strings come back as
 * written ("007", "1.50", "TRUE") from a replay of each part. */
static void test_text_after_typed_values(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "v,d,w,b\n");
  for (int i = 0; i < 3000; i++)
    addf(&b, "%s,%s,%s,%s\n", i == 2900 ? "n/a" : i % 2 ? "007" : "1.50",
         i < 1500 ? "12" : "2021-01-01", i == 1234 ? "later" : i % 3 ? "c" : "+5",
         i > 2000 && i % 2 ? "maybe" : "TRUE");
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, NULL, 1000, &f, NULL), 8);
  assert_int_equal(col(f, "v")->type, FRAME_CAT);
  assert_string_equal(col(f, "v")->dict->str[0], "1.50");
  assert_string_equal(col(f, "v")->dict->str[1], "007");
  assert_string_equal(col(f, "v")->dict->str[2], "n/a");
  assert_int_equal(col(f, "d")->type, FRAME_CAT);
  assert_string_equal(frame_col_gets(col(f, "d"), 0), "12");
  assert_string_equal(frame_col_gets(col(f, "w"), 0), "+5");
  assert_string_equal(frame_col_gets(col(f, "w"), 1), "c");   /* a label in a text column */
  assert_string_equal(frame_col_gets(col(f, "b"), 2001), "maybe");
  assert_string_equal(col(f, "b")->dict->str[0], "TRUE");
  frame_free(f);
  free(b.p);
}

/* Types given by the caller, and a header with a trailing comma. */
static void test_overrides_and_trailing_comma(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "id,code,score,\n");
  for (int i = 0; i < 3000; i++) addf(&b, "%d,%03d,%d,\n", i, i % 40, i % 9);
  const char *names[] = {"code", "score"};
  const enum frame_type types[] = {FRAME_CAT, FRAME_F64};
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.override_names = names;
  o.override_types = types;
  o.noverride = 2;
  struct frame *f;
  assert_int_equal(load_all(b.p, b.n, &o, 1000, &f, NULL), 8);
  assert_int_equal(f->ncol, 3);                /* the empty last column dropped */
  assert_string_equal(frame_col_gets(col(f, "code"), 7), "007");
  assert_int_equal(col(f, "score")->type, FRAME_F64);
  frame_free(f);
  free(b.p);
}

/* ===== errors: the message, line and column of one pass ===== */

static void test_errors_in_a_later_part(void **state) {
  (void)state;
  struct buf b = {0};
  struct csvtab_error e;
  adds(&b, "a,b,c\n");
  for (int i = 0; i < 3000; i++) addf(&b, i == 2500 ? "%d,%d\n" : "%d,%d,x\n", i, i);
  load_all(b.p, b.n, NULL, 1000, NULL, &e);
  assert_string_equal(e.msg, "t.csv:2502:3 (column \"c\"): expected 3 fields like the header, found 2");
  b.n = 0;                                    /* a forced type refused late */
  adds(&b, "a,b\n");
  for (int i = 0; i < 3000; i++) addf(&b, i == 2999 ? "%d,x%d\n" : "%d,%d\n", i, i);
  const char *names[] = {"b"};
  const enum frame_type types[] = {FRAME_I64};
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.override_names = names;
  o.override_types = types;
  o.noverride = 1;
  load_all(b.p, b.n, &o, 1000, NULL, &e);
  assert_int_equal(e.line, 3001);
  assert_int_equal(e.column, 2);
  b.n = 0;                                    /* invalid UTF-8, a NUL, an open quote */
  adds(&b, "a,b\n");
  for (int i = 0; i < 3000; i++) addf(&b, "%d,v%d\n", i, i % 3);
  size_t mid = b.n / 2;
  while (b.p[mid] != ',') mid++;
  b.p[mid + 1] = (char)0xE9;
  load_all(b.p, b.n, NULL, 1000, NULL, &e);
  assert_non_null(strstr(e.msg, "is not valid UTF-8"));
  b.p[mid + 1] = '\0';
  load_all(b.p, b.n, NULL, 1000, NULL, &e);
  assert_non_null(strstr(e.msg, "NUL byte"));
  b.p[mid + 1] = '"';
  load_all(b.p, b.n, NULL, 1000, NULL, &e);
  assert_int_not_equal(e.line, 0);
  free(b.p);
}

/* max_rows, max_field and max_columns behave as on one thread. */
static void test_limits(void **state) {
  (void)state;
  struct buf b = {0};
  adds(&b, "a,b\n");
  for (int i = 0; i < 3000; i++) addf(&b, "%d,%d\n", i, i);
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  struct csvtab_error e;
  o.max_rows = 2999;
  load_all(b.p, b.n, &o, 1000, NULL, &e);
  assert_string_equal(e.msg, "t.csv:3001: more than 2999 data rows, the limit on rows "
                      "(raise it with --max-rows N)");
  o.max_rows = 3000;
  assert_int_equal(load_all(b.p, b.n, &o, 1000, NULL, NULL), 8);
  csvtab_opts_init(&o);
  o.max_field = 3;
  load_all(b.p, b.n, &o, 1000, NULL, &e);
  assert_int_equal(e.line, 1002);              /* "1000" is the first field over 3 bytes */
  csvtab_opts_init(&o);
  o.max_columns = 1;
  load_all(b.p, b.n, &o, 1000, NULL, &e);
  assert_int_equal(e.line, 1);
  free(b.p);
}

/* ===== the thread count ===== */

static void test_thread_count(void **state) {
  (void)state;
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.threads = 3;
  assert_int_equal(csvtab_threads(&o), 3);
  o.threads = 1000;
  assert_int_equal(csvtab_threads(&o), CSVTAB_MAX_THREADS);
  o.threads = 0;
  setenv("CSCEVAL_THREADS", "5", 1);
  assert_int_equal(csvtab_threads(&o), 5);
  setenv("CSCEVAL_THREADS", "five", 1);       /* not a count: the cores */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  assert_int_equal(csvtab_threads(&o), cpus < 1 ? 1 : cpus > 64 ? 64 : cpus);
  unsetenv("CSCEVAL_THREADS");
  assert_int_equal(csvtab_threads(NULL), cpus < 1 ? 1 : cpus > 64 ? 64 : cpus);
}

/* A file on disk through csvtab_read, big enough for the default part size
 * (1 MiB), on 1 and 4 threads. */
static void test_file_on_disk(void **state) {
  (void)state;
  char path[] = "/tmp/csceval-par-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "w");
  fputs("id,la,sex,score,date\n", fp);
  for (int i = 0; i < 150000; i++)
    fprintf(fp, "%d,%d,%s,%d.%02d,2020-02-%02d\n", i, 200 + i % 7, i % 2 ? "F" : "M", i % 50,
            i % 100, 1 + i % 28);
  fclose(fp);
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.threads = 1;
  struct frame *f1 = csvtab_read(path, &o, NULL);
  o.threads = 4;
  struct frame *f4 = csvtab_read(path, &o, NULL);
  unlink(path);
  assert_non_null(f1);
  assert_non_null(f4);
  char why[200];
  if (frame_diff(f1, f4, why, sizeof why)) fail_msg("4 threads differ: %s", why);
  assert_int_equal(f4->nrow, 150000);
  frame_free(f1);
  frame_free(f4);
}

/* The line-end count that bounds each part's records (csvtab_scan_range):
 * every LF, and every CR not before an LF inside the range, counted byte by
 * byte here, on ranges of up to 20,000 bytes (several of the scanner's
 * 4080-byte stretches) with no CR at all, CRLF endings, lone CRs, and CRs and
 * LFs at every offset of a 16-byte block and at the ends of ranges. */
static size_t ends_bytewise(const unsigned char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'));
  return n;
}

static void test_line_end_count(void **state) {
  (void)state;
  size_t cap = 20000;
  unsigned char *s = malloc(cap);
  assert_non_null(s);
  uint64_t rs = 7;
  for (int trial = 0; trial < 300; trial++) {
    size_t len = (size_t)(trial * 6151u % cap) + 1;
    unsigned crs = trial % 4;                  /* none, CRLF, lone CR, a single CR */
    for (size_t i = 0; i < len; i++) {
      rs = rs * 6364136223846793005ull + 1442695040888963407ull;
      unsigned r = (unsigned)(rs >> 33);
      s[i] = r % 23 == 0 ? '\n' : (unsigned char)('a' + r % 26);
      if (crs == 2 && r % 97 == 0) s[i] = '\r';
      if (crs == 1 && s[i] == '\n' && i > 0) s[i - 1] = '\r';
    }
    if (crs == 3) s[(size_t)trial * 31 % len] = '\r';
    struct csvtab_ranges g;
    size_t nr = 1 + (size_t)trial % 5;
    csvtab_ranges_init(&g, (const char *)s, len, nr);
    for (size_t i = 0; i < nr; i++) {
      csvtab_scan_range(&g, i);
      size_t a = i * g.step, e = i + 1 == nr ? len : a + g.step;
      const unsigned char *lf = memchr(s + a, '\n', e - a);
      size_t h = lf ? (size_t)(lf - s) + 1 : e;
      assert_ptr_equal(g.r[i].lf, lf);
      if (g.r[i].head != ends_bytewise(s + a, h - a) || g.r[i].tail != ends_bytewise(s + h, e - h))
        fail_msg("trial %d range %zu: %zu+%zu line ends, byte by byte %zu+%zu", trial, i,
                 g.r[i].head, g.r[i].tail, ends_bytewise(s + a, h - a), ends_bytewise(s + h, e - h));
    }
  }
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plain_file_same_on_every_thread_count),
    cmocka_unit_test(test_bom_crlf_and_no_final_newline),
    cmocka_unit_test(test_quoted_line_breaks_anywhere),
    cmocka_unit_test(test_suppression_symbols),
    cmocka_unit_test(test_suppression_symbols_in_columns_that_end_as_text),
    cmocka_unit_test(test_types_settled_across_parts),
    cmocka_unit_test(test_text_after_typed_values),
    cmocka_unit_test(test_overrides_and_trailing_comma),
    cmocka_unit_test(test_errors_in_a_later_part),
    cmocka_unit_test(test_limits),
    cmocka_unit_test(test_thread_count),
    cmocka_unit_test(test_file_on_disk),
    cmocka_unit_test(test_line_end_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
