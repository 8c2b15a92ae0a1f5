/* tests/c/csv_fixture.h -- what the CSV loader's tests share: a growing
 * text buffer to build files in, a byte-for-byte comparison of two frames,
 * and a column by name.  Header-only, static functions; include after
 * cmocka.h and data/csvtab.h. */
#ifndef CSC_TEST_CSV_FIXTURE_H
#define CSC_TEST_CSV_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf { char *p; size_t n, cap; };

static void add(struct buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void adds(struct buf *b, const char *s) { add(b, s, strlen(s)); }

static void addf(struct buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  add(b, tmp, (size_t)n);
}

/* Two frames equal in every name, type, value (bit for bit), missing reason
 * and dictionary entry, in order.  0 when equal, else why in msg. */
static int frame_diff(const struct frame *a, const struct frame *b, char *msg, size_t cap) {
  if (a->nrow != b->nrow || a->ncol != b->ncol) {
    snprintf(msg, cap, "%zu x %zu vs %zu x %zu", a->nrow, a->ncol, b->nrow, b->ncol);
    return 1;
  }
  for (size_t j = 0; j < a->ncol; j++) {
    const struct frame_col *x = a->col[j], *y = b->col[j];
    if (strcmp(x->name, y->name) || x->type != y->type || !x->na != !y->na) {
      snprintf(msg, cap, "column %zu: %s/%d vs %s/%d", j, x->name, x->type, y->name, y->type);
      return 1;
    }
    size_t sz = x->type == FRAME_F64 || x->type == FRAME_I64 ? 8 : x->type == FRAME_BOOL ? 1 : 4;
    for (size_t i = 0; i < a->nrow; i++) {
      if ((x->na && x->na[i] != y->na[i]) ||
          memcmp((const char *)x->v.raw + i * sz, (const char *)y->v.raw + i * sz, sz)) {
        snprintf(msg, cap, "column %s, row %zu", x->name, i);
        return 1;
      }
    }
    if (x->type == FRAME_CAT) {
      if (x->dict->n != y->dict->n) {
        snprintf(msg, cap, "column %s: %zu vs %zu labels", x->name, x->dict->n, y->dict->n);
        return 1;
      }
      for (size_t k = 0; k < x->dict->n; k++)
        if (x->dict->len[k] != y->dict->len[k] ||
            memcmp(x->dict->str[k], y->dict->str[k], x->dict->len[k])) {
          snprintf(msg, cap, "column %s: label %zu", x->name, k);
          return 1;
        }
    }
  }
  return 0;
}

static const struct frame_col *col(const struct frame *f, const char *name) {
  int j = frame_find(f, name);
  if (j < 0) fail_msg("no column \"%s\"", name);
  return f->col[j];
}

#endif
