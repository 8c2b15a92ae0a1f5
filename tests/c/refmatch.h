/* tests/c/refmatch.h -- header-only readers for tests/reference/matching/:
 * plain comma-separated files without quotes (a header line, then fields),
 * kept as text; numeric data sets as columns of doubles.  Test-only: every
 * failure is fatal to the test via cmocka's fail_msg. */
#ifndef CSC_REFMATCH_H
#define CSC_REFMATCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFMATCH_DIR "tests/reference/matching/"

struct rm_table {
  size_t nrow, ncol;
  char **head;     /* ncol names */
  char **cell;     /* nrow x ncol, row-major */
  char *buf;       /* the file's text, cells point into it */
};

static inline struct rm_table rm_load(const char *file) {
  struct rm_table t;
  memset(&t, 0, sizeof t);
  char path[256];
  snprintf(path, sizeof path, REFMATCH_DIR "%s", file);
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s (run the tests from the repository root)", path);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  t.buf = malloc((size_t)len + 1);
  if (t.buf == NULL || fread(t.buf, 1, (size_t)len, f) != (size_t)len) fail_msg("read %s", path);
  t.buf[len] = '\0';
  fclose(f);
  size_t lines = 0;
  for (long i = 0; i < len; i++) lines += t.buf[i] == '\n';
  char *p = t.buf, *eol = strchr(p, '\n');
  if (eol == NULL) fail_msg("%s: no header", path);
  *eol = '\0';
  if (eol > p && eol[-1] == '\r') eol[-1] = '\0';
  t.ncol = 1;
  for (char *q = p; *q; q++) t.ncol += *q == ',';
  t.head = malloc(t.ncol * sizeof *t.head);
  t.cell = malloc((lines + 1) * t.ncol * sizeof *t.cell);
  if (!t.head || !t.cell) fail_msg("out of memory");
  for (size_t j = 0; j < t.ncol; j++) {
    t.head[j] = p;
    char *c = strchr(p, ',');
    if (c) { *c = '\0'; p = c + 1; }
  }
  p = eol + 1;
  while (*p) {
    eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    size_t l = strlen(p);
    if (l && p[l - 1] == '\r') p[--l] = '\0';
    if (l > 0) {
      char **row = t.cell + t.nrow * t.ncol;
      for (size_t j = 0; j < t.ncol; j++) {
        row[j] = p;
        char *c = strchr(p, ',');
        if (c) { *c = '\0'; p = c + 1; }
        else p += strlen(p);
      }
      t.nrow++;
    }
    if (!eol) break;
    p = eol + 1;
  }
  return t;
}

static inline void rm_free(struct rm_table *t) {
  free(t->head);
  free(t->cell);
  free(t->buf);
  memset(t, 0, sizeof *t);
}

static inline size_t rm_col(const struct rm_table *t, const char *name) {
  for (size_t j = 0; j < t->ncol; j++)
    if (strcmp(t->head[j], name) == 0) return j;
  fail_msg("no column %s", name);
  return 0;
}

static inline const char *rm_get(const struct rm_table *t, size_t i, const char *name) {
  return t->cell[i * t->ncol + rm_col(t, name)];
}

/* A data set as doubles, column-major: v[i + j * nrow]. */
struct rm_data {
  size_t nrow, ncol;
  struct rm_table t;
  double *v;
};

/* A numeric file of REFMATCH_DIR by name. */
static inline struct rm_data rm_data_file(const char *file) {
  struct rm_data d;
  d.t = rm_load(file);
  d.nrow = d.t.nrow;
  d.ncol = d.t.ncol;
  d.v = malloc(d.nrow * d.ncol * sizeof *d.v);
  if (!d.v) fail_msg("out of memory");
  for (size_t i = 0; i < d.nrow; i++)
    for (size_t j = 0; j < d.ncol; j++) d.v[i + j * d.nrow] = strtod(d.t.cell[i * d.ncol + j], NULL);
  return d;
}

/* data_<stem>.csv */
static inline struct rm_data rm_data_load(const char *stem) {
  char file[128];
  snprintf(file, sizeof file, "data_%s.csv", stem);
  return rm_data_file(file);
}

static inline const double *rm_data_col(const struct rm_data *d, const char *name) {
  return d->v + d->nrow * rm_col(&d->t, name);
}

static inline void rm_data_free(struct rm_data *d) {
  free(d->v);
  rm_free(&d->t);
}

/* Split s (copied into buf) at spaces into at most max words. */
static inline size_t rm_words(const char *s, char *buf, size_t buflen, char **w, size_t max) {
  snprintf(buf, buflen, "%s", s);
  size_t k = 0;
  for (char *tok = strtok(buf, " "); tok && k < max; tok = strtok(NULL, " ")) w[k++] = tok;
  return k;
}

#endif
