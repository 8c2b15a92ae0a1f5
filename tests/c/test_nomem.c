/* tests/c/test_nomem.c -- every allocation failure in the file readers is
 * reported as out of memory, never as a fault of the file.
 *
 * The readers (csvtab.c, workbook*.c, statfile.c) return NULL with an error
 * struct; its `nomem` flag tells the binding to raise an analysis error
 * ("analysis:memory", exit 4, as every other allocation failure), where a
 * malformed file is a data error (exit 3).  This program is linked with
 * -Wl,--wrap for malloc, calloc, realloc, posix_memalign, strdup and
 * strndup (Makefile), so the allocations the project's own code makes go
 * through the wrappers below.  For each reader and fixture it counts the
 * allocations of a clean read, then reads again once per allocation with
 * that one allocation failing: every run must either give the same table
 * (the failure was absorbed) or fail with nomem set.  Under the sanitizer
 * build the same runs check that no failure path leaks or touches freed
 * memory.  Allocations inside libcsv, libzip, libxml2 and ReadStat are not
 * wrapped (they are their own libraries' business). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "data/csvtab.h"
#include "data/statfile.h"
#include "data/workbook.h"

/* ===== failing allocators ===== */

static int armed;          /* count (and fail) only inside a read */
static long count;         /* allocations made since armed */
static long fail_at = -1;  /* the allocation that fails (0-based), -1 none */

#include <execinfo.h>
static int fails(void) {
  int f = armed && count++ == fail_at;
  if (f && getenv("NOMEM_TRACE")) { void *bt[8]; int n = backtrace(bt, 8); backtrace_symbols_fd(bt, n, 2); }
  return f;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t n) { return fails() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fails() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fails() ? NULL : __real_realloc(p, n); }
int __wrap_posix_memalign(void **p, size_t align, size_t n) {
  return fails() ? ENOMEM : __real_posix_memalign(p, align, n);
}
char *__wrap_strdup(const char *s) { return fails() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fails() ? NULL : __real_strndup(s, n); }

/* ===== the readers, one signature ===== */

struct outcome {
  struct frame *f;
  int nomem;
  char msg[800];
};

typedef void (*reader)(const char *path, struct outcome *o);

static void read_csv_file(const char *path, struct outcome *o) {
  struct csvtab_opts opts;
  csvtab_opts_init(&opts);
  opts.threads = 1;
  struct csvtab_error e;
  o->f = csvtab_read(path, &opts, &e);
  o->nomem = e.nomem;
  snprintf(o->msg, sizeof o->msg, "%s", e.msg);
}

static const char csv_text[] =
    "id,name,score,when,flag,note\n"
    "1,\"Derby, City\",1.5,2020-03-31,TRUE,a\n"
    "2,Leeds,NA,2021-04-01,FALSE,\"two\nlines\"\n"
    "9007199254740993,Hull,-2.25,,TRUE,c\n"
    "4,\"Ab \"\"x\"\"\",3e5,2022-12-31,,d\n";

static void read_csv_mem(const char *path, struct outcome *o) {
  (void)path;
  struct csvtab_error e;
  o->f = csvtab_read_mem(csv_text, sizeof csv_text - 1, "mem.csv", NULL, &e);
  o->nomem = e.nomem;
  snprintf(o->msg, sizeof o->msg, "%s", e.msg);
}

static void read_workbook(const char *path, struct outcome *o) {
  struct workbook_opts opts;
  workbook_opts_init(&opts);
  struct workbook_error e;
  memset(&e, 0, sizeof e);
  o->f = workbook_read(path, &opts, &e);
  o->nomem = e.nomem;
  snprintf(o->msg, sizeof o->msg, "%s", e.msg);
}

static void read_survey(const char *path, struct outcome *o) {
  struct workbook_opts opts;
  workbook_opts_init(&opts);
  opts.header_rows = 2;
  struct workbook_error e;
  memset(&e, 0, sizeof e);
  o->f = strstr(path, ".csv") ? workbook_read_survey_csv(path, &opts, &e) : workbook_read(path, &opts, &e);
  o->nomem = e.nomem;
  snprintf(o->msg, sizeof o->msg, "%s", e.msg);
}

static void read_stat(const char *path, struct outcome *o) {
  enum statfile_kind k;
  assert_int_equal(statfile_kind_from_path(path, &k), 0);
  struct statfile_opts opts = {.labels = STATFILE_LABELS_AUTO};
  struct statfile_error e;
  o->f = statfile_read(path, k, &opts, &e);
  o->nomem = e.nomem;
  snprintf(o->msg, sizeof o->msg, "%s", e.msg);
}

/* ===== the sweep ===== */

/* FNV-1a over bytes. */
static uint64_t mix(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211u;
  return h;
}

static uint64_t mix_str(uint64_t h, const char *s) { return s ? mix(h, s, strlen(s) + 1) : mix(h, "", 1); }

/* A fingerprint of everything a reader gives: names, types, every value
 * and missing reason, labels and formats, so that a failure a reader
 * absorbs cannot change the table unseen. */
static uint64_t fingerprint(const struct frame *f) {
  uint64_t h = 14695981039346656037u;
  h = mix(h, &f->nrow, sizeof f->nrow);
  for (size_t j = 0; j < f->ncol; j++) {
    const struct frame_col *c = f->col[j];
    h = mix_str(h, c->name);
    h = mix(h, &c->type, sizeof c->type);
    for (size_t i = 0; i < f->nrow; i++) {
      uint8_t na = c->na ? c->na[i] : 0;
      h = mix(h, &na, 1);
      if (na) continue;
      switch (c->type) {
      case FRAME_F64: h = mix(h, &c->v.f64[i], 8); break;
      case FRAME_I64: h = mix(h, &c->v.i64[i], 8); break;
      case FRAME_BOOL: h = mix(h, &c->v.b[i], 1); break;
      case FRAME_DATE: h = mix(h, &c->v.date[i], 4); break;
      default: h = mix_str(h, c->dict->str[c->v.cat[i]]); break;
      }
    }
    if (c->meta) {
      h = mix_str(mix_str(h, c->meta->label), c->meta->format);
      h = mix(h, &c->meta->nvl, sizeof c->meta->nvl);
    }
  }
  return h;
}

static void sweep(const char *label, reader rd, const char *path) {
  struct outcome o;
  armed = 1; count = 0; fail_at = -1;
  rd(path, &o);
  armed = 0;
  long n = count;
  if (!o.f) fail_msg("%s: the clean read failed: %s", label, o.msg);
  uint64_t want = fingerprint(o.f);
  frame_free(o.f);
  assert_true(n > 0);
  long failed = 0;
  for (long k = 0; k < n; k++) {
    armed = 1; count = 0; fail_at = k;
    rd(path, &o);
    armed = 0;
    if (o.f) {   /* absorbed: the same table */
      if (fingerprint(o.f) != want)
        fail_msg("%s: with allocation %ld of %ld failing, the table came back different (%zu x %zu)",
                 label, k + 1, n, o.f->nrow, o.f->ncol);
      frame_free(o.f);
      continue;
    }
    failed++;
    if (!o.nomem)
      fail_msg("%s: allocation %ld of %ld failed and was reported as a fault of the file, not as out of "
               "memory: \"%s\"", label, k + 1, n, o.msg);
    if (!o.msg[0]) fail_msg("%s: allocation %ld of %ld failed with no message", label, k + 1, n);
  }
  print_message("%s: %ld allocations, %ld failures reported as out of memory\n", label, n, failed);
  assert_true(failed > 0);
}

static char csv_path[64];

static int setup_csv(void **state) {
  (void)state;
  snprintf(csv_path, sizeof csv_path, "/tmp/csceval-test-nomem-%ld.csv", (long)getpid());
  FILE *fp = fopen(csv_path, "wb");
  if (!fp) return -1;
  fwrite(csv_text, 1, sizeof csv_text - 1, fp);
  return fclose(fp);
}

static int teardown_csv(void **state) {
  (void)state;
  remove(csv_path);
  return 0;
}

static void test_csv_file(void **state) { (void)state; sweep("csvtab_read", read_csv_file, csv_path); }
static void test_csv_mem(void **state) { (void)state; sweep("csvtab_read_mem", read_csv_mem, NULL); }
static void test_xlsx(void **state) {
  (void)state;
  sweep("workbook_read xlsx", read_workbook, "tests/reference/workbooks/outcomes.xlsx");
}
static void test_survey(void **state) {
  (void)state;
  sweep("workbook_read survey xlsx", read_survey, "tests/reference/workbooks/survey.xlsx");
  sweep("workbook_read_survey_csv", read_survey, "tests/reference/workbooks/survey.csv");
}
static void test_stat(void **state) {
  (void)state;
  sweep("statfile_read dta", read_stat, "tests/reference/statfiles/children.dta");
  sweep("statfile_read sav", read_stat, "tests/reference/statfiles/children.sav");
  sweep("statfile_read por", read_stat, "tests/reference/statfiles/children.por");
  sweep("statfile_read sas7bdat", read_stat, "tests/reference/statfiles/children.sas7bdat");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_csv_file, setup_csv, teardown_csv),
      cmocka_unit_test(test_csv_mem),
      cmocka_unit_test(test_xlsx),
      cmocka_unit_test(test_survey),
      cmocka_unit_test(test_stat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
