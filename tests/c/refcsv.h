/* tests/c/refcsv.h -- header-only readers for the model reference files in
 * tests/reference/models/: expected.csv (case,quantity,index,value) and the
 * numeric data sets (<name>.csv, a header line then numbers).  Test-only:
 * plain stdio, every failure is fatal to the test via cmocka's fail_msg. */
#ifndef CSC_REFCSV_H
#define CSC_REFCSV_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REFCSV_DIR "tests/reference/models/"

struct ref_row {
  char case_[32], qty[32];
  double value;
};

struct ref_table {
  struct ref_row *row;
  size_t n;
};

static double refcsv_num(const char *s) {
  if (strcmp(s, "NA") == 0) return NAN;
  if (strcmp(s, "Inf") == 0) return INFINITY;
  if (strcmp(s, "-Inf") == 0) return -INFINITY;
  if (strcmp(s, "TRUE") == 0) return 1;
  if (strcmp(s, "FALSE") == 0) return 0;
  return strtod(s, NULL);
}

/* Load REFCSV_DIR/file (expected.csv or expected_hiprec.csv); rows of one
 * (case, quantity) stay in index order. */
static struct ref_table refcsv_load(const char *file) {
  struct ref_table t = {NULL, 0};
  char path[256];
  snprintf(path, sizeof path, REFCSV_DIR "%s", file);
  FILE *f = fopen(path, "r");
  if (f == NULL) fail_msg("cannot open %s (run the tests from the repository root)", path);
  char line[256];
  size_t cap = 0;
  if (fgets(line, sizeof line, f) == NULL) fail_msg("empty %s", path);
  while (fgets(line, sizeof line, f) != NULL) {
    char *c = strtok(line, ","), *q = strtok(NULL, ","), *ix = strtok(NULL, ","),
         *v = strtok(NULL, ",\r\n");
    if (c == NULL || q == NULL || ix == NULL || v == NULL) continue;
    if (t.n == cap) {
      cap = cap ? 2 * cap : 1024;
      t.row = realloc(t.row, cap * sizeof *t.row);
      if (t.row == NULL) fail_msg("out of memory");
    }
    struct ref_row *r = &t.row[t.n++];
    snprintf(r->case_, sizeof r->case_, "%s", c);
    snprintf(r->qty, sizeof r->qty, "%s", q);
    r->value = refcsv_num(v);
  }
  fclose(f);
  return t;
}

static void refcsv_free(struct ref_table *t) {
  free(t->row);
  t->row = NULL;
  t->n = 0;
}

/* Copy up to max values of (case, qty) into out; returns how many there are
 * (fails the test when there are none). */
static size_t ref_get(const struct ref_table *t, const char *c, const char *q, double *out,
                      size_t max) {
  size_t m = 0;
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->row[i].case_, c) == 0 && strcmp(t->row[i].qty, q) == 0) {
      if (m < max) out[m] = t->row[i].value;
      m++;
    }
  if (m == 0) fail_msg("no reference value %s/%s", c, q);
  return m;
}

static double ref_scalar(const struct ref_table *t, const char *c, const char *q) {
  double v;
  ref_get(t, c, q, &v, 1);
  return v;
}

/* A numeric data set: ncol columns of nrow values, column-major. */
struct ref_data {
  size_t nrow, ncol;
  char name[16][32];
  double *v;   /* v[i + j*nrow] */
};

static struct ref_data refcsv_data(const char *stem) {
  struct ref_data d;
  memset(&d, 0, sizeof d);
  char path[256], line[1024];
  snprintf(path, sizeof path, REFCSV_DIR "%s.csv", stem);
  FILE *f = fopen(path, "r");
  if (f == NULL) fail_msg("cannot open %s", path);
  if (fgets(line, sizeof line, f) == NULL) fail_msg("empty %s", path);
  for (char *tok = strtok(line, ",\r\n"); tok != NULL && d.ncol < 16; tok = strtok(NULL, ",\r\n"))
    snprintf(d.name[d.ncol++], sizeof d.name[0], "%s", tok);
  size_t cap = 0;
  double *rows = NULL;
  while (fgets(line, sizeof line, f) != NULL) {
    if (d.nrow == cap) {
      cap = cap ? 2 * cap : 64;
      rows = realloc(rows, cap * d.ncol * sizeof *rows);
      if (rows == NULL) fail_msg("out of memory");
    }
    size_t j = 0;
    for (char *tok = strtok(line, ",\r\n"); tok != NULL && j < d.ncol; tok = strtok(NULL, ",\r\n"))
      rows[d.nrow * d.ncol + j++] = refcsv_num(tok);
    if (j != d.ncol) fail_msg("%s: short row %zu", path, d.nrow + 1);
    d.nrow++;
  }
  fclose(f);
  d.v = malloc(d.nrow * d.ncol * sizeof *d.v);
  if (d.v == NULL) fail_msg("out of memory");
  for (size_t i = 0; i < d.nrow; i++)
    for (size_t j = 0; j < d.ncol; j++) d.v[i + j * d.nrow] = rows[i * d.ncol + j];
  free(rows);
  return d;
}

static const double *ref_col(const struct ref_data *d, const char *name) {
  for (size_t j = 0; j < d->ncol; j++)
    if (strcmp(d->name[j], name) == 0) return d->v + j * d->nrow;
  fail_msg("no column %s", name);
  return NULL;
}

/* Design matrix [1 cols...] (intercept when icept) as n x k column-major. */
static double *ref_design(const struct ref_data *d, int icept, const char *const *cols,
                          size_t ncols, size_t *k) {
  size_t n = d->nrow;
  *k = ncols + (icept ? 1 : 0);
  double *X = malloc(n * *k * sizeof *X);
  if (X == NULL) fail_msg("out of memory");
  size_t j = 0;
  if (icept) for (size_t i = 0; i < n; i++) X[i + n * j] = 1;
  if (icept) j++;
  for (size_t c = 0; c < ncols; c++, j++) memcpy(X + n * j, ref_col(d, cols[c]), n * sizeof *X);
  return X;
}

static void refcsv_data_free(struct ref_data *d) {
  free(d->v);
  d->v = NULL;
}

/* |got - want| <= tol max(|want|, floor): relative, with an absolute floor
 * for values that are (nearly) zero.  Returns 1 when close. */
static int ref_close(double got, double want, double tol, double floor_) {
  if (isnan(want)) return isnan(got);
  if (isinf(want)) return got == want;
  double scale = fabs(want) > floor_ ? fabs(want) : floor_;
  return fabs(got - want) <= tol * scale;
}

/* Compare m values, failing with the label and the index of the first miss. */
static void ref_check(const char *label, const double *got, const double *want, size_t m,
                      double tol, double floor_) {
  for (size_t i = 0; i < m; i++)
    if (!ref_close(got[i], want[i], tol, floor_))
      fail_msg("%s[%zu]: got %.17g, want %.17g (rel err %.3g, tol %.1g)", label, i + 1,
               got[i], want[i], fabs(got[i] - want[i]) / fabs(want[i]), tol);
}

/* Largest |v[i]|: the scale for an absolute floor on near-zero elements. */
static inline double ref_vmax(const double *v, size_t m) {
  double a = 0;
  for (size_t i = 0; i < m; i++) a = fabs(v[i]) > a ? fabs(v[i]) : a;
  return a;
}

/* Compare got[0..m) with the reference vector (case c, quantity q), relative
 * tol with a floor of 1% of the vector's largest element (near-zero entries
 * of a vector are judged on the vector's scale, not their own). */
static inline void ref_check_vec(const struct ref_table *ref, const char *c, const char *q,
                                 const double *got, size_t m, double tol) {
  double *want = malloc((m ? m : 1) * sizeof *want);
  assert_non_null(want);
  assert_int_equal(ref_get(ref, c, q, want, m), m);
  char label[96];
  snprintf(label, sizeof label, "%s/%s", c, q);
  ref_check(label, got, want, m, tol, 0.01 * ref_vmax(want, m));
  free(want);
}

#endif
