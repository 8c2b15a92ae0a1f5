/* tests/fuzz/expr.c -- the expression compiler and evaluator
 * (host/data/expr_*.c).  Input: the expression text (up to a NUL).  It is
 * compiled against a fixed frame of 2,100 rows (three evaluation blocks)
 * with a column of each type and missing values of several reasons, then
 * evaluated.  Checks: no crash or sanitizer report; an error has a message;
 * a result has one value per row; and for a true/false expression,
 * expr_filter keeps exactly the rows where expr_eval gives true. */
#include <stdio.h>
#include <string.h>

#include "data/csvtab.h"
#include "data/expr.h"
#include "frame_check.h"

static struct frame *fr;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  size_t cap = 1 << 20, n = 0;
  char *csv = malloc(cap);
  if (!csv) fuzz_fail("out of memory");
  n += (size_t)snprintf(csv + n, cap - n, "age,score,flag,dob,la_name,x y,big,empty,año\n");
  static const char *const las[] = {"Norfolk", "Suffolk", "c", "", "Lincolnshire", "x", "NA", "Année"};
  for (int i = 0; i < 2100; i++) {
    char age[16], score[32], dob[16];
    snprintf(age, sizeof age, "%d", i % 19);
    snprintf(score, sizeof score, "%.3f", (i % 101) * 0.37 - 12.5);
    snprintf(dob, sizeof dob, "%04d-%02d-%02d", 2000 + i % 24, 1 + i % 12, 1 + i % 28);
    n += (size_t)snprintf(csv + n, cap - n, "%s,%s,%s,%s,%s,%d,%s,,%d\n",
                          i % 17 == 3 ? "" : i % 23 == 5 ? "c" : age,
                          i % 13 == 0 ? "NA" : score,
                          i % 11 == 0 ? "" : i % 2 ? "true" : "false",
                          i % 19 == 0 ? "x" : dob,
                          las[i % 8], i - 1000,
                          i % 7 == 0 ? "9223372036854775807" : "-9223372036854775807", i % 5);
  }
  struct csvtab_error e;
  fr = csvtab_read_mem(csv, n, "fuzz.csv", NULL, &e);
  free(csv);
  if (!fr) fuzz_fail("the fixed frame does not load: %s", e.msg);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fr) LLVMFuzzerInitialize(NULL, NULL);
  char *src = malloc(size + 1);
  if (!src) return 0;
  memcpy(src, data, size);
  src[size] = '\0';
  char err[512] = "";
  struct expr *e = expr_compile(src, fr, err, sizeof err);
  if (!e) {
    if (!err[0]) fuzz_fail("compile failed without a message");
    free(src);
    return 0;
  }
  struct frame_col *c = expr_eval(e, fr, "out", err, sizeof err);
  if (c) {
    if (c->n != fr->nrow) fuzz_fail("%zu values for %zu rows", c->n, fr->nrow);
    if (c->type == FRAME_CAT)
      for (size_t i = 0; i < c->n; i++)
        if (!frame_col_isna(c, i) && (c->v.cat[i] < 0 || (size_t)c->v.cat[i] >= c->dict->n))
          fuzz_fail("row %zu: code %d of %zu", i, (int)c->v.cat[i], c->dict->n);
  } else if (!err[0]) {
    fuzz_fail("evaluation failed without a message");
  }
  size_t m = 0;
  char err2[512] = "";
  size_t *idx = expr_filter(e, fr, &m, err2, sizeof err2);
  if (c && c->type == FRAME_BOOL) {
    if (!idx) fuzz_fail("eval works but filter fails: %s", err2);
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
      if (frame_col_isna(c, i) || !c->v.b[i]) continue;
      if (k >= m || idx[k] != i) fuzz_fail("filter and eval disagree at row %zu", i);
      k++;
    }
    if (k != m) fuzz_fail("filter keeps %zu rows, eval says %zu", m, k);
  } else if (idx) {
    for (size_t k = 0; k < m; k++)
      if (idx[k] >= fr->nrow || (k && idx[k] <= idx[k - 1])) fuzz_fail("filter row %zu out of order", k);
  }
  free(idx);
  frame_col_free(c);
  expr_free(e);
  free(src);
  return 0;
}
