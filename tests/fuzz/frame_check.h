/* tests/fuzz/frame_check.h -- checks on frames the CSV harnesses load:
 * the invariants every frame keeps (host/data/frame.h), and equality of two
 * frames byte for byte.  Header-only, static functions. */
#ifndef CSC_FUZZ_FRAME_CHECK_H
#define CSC_FUZZ_FRAME_CHECK_H

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "data/frame.h"
#include "fuzz.h"

static inline int fz_utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xC2 && c <= 0xDF) { k = 1; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; min = 0x10000; }
    else return 0;
    if (i + k >= n) return 0;                 /* truncated sequence */
    unsigned cp = c & (0x3F >> k);
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

/* Every column has nrow rows, a name, a known type, reasons in range, codes
 * inside its dictionary, and text that is valid UTF-8; names are unique
 * (a hash set: linear in the columns, so a sheet 16,384 columns wide is not
 * a slow input of the harness's own making). */
static inline void fz_frame_check(const struct frame *f) {
  GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
  for (size_t j = 0; j < f->ncol; j++) {
    const struct frame_col *c = f->col[j];
    if (!c || !c->name) fuzz_fail("column %zu has no name", j);
    if (!fz_utf8_ok((const unsigned char *)c->name, strlen(c->name)))
      fuzz_fail("column %zu: name is not UTF-8", j);
    if (c->n != f->nrow) fuzz_fail("column %s: %zu rows in a frame of %zu", c->name, c->n, f->nrow);
    if ((unsigned)c->type >= FRAME_NTYPES) fuzz_fail("column %s: type %d", c->name, c->type);
    if (!g_hash_table_add(names, c->name)) fuzz_fail("two columns named %s", c->name);
    for (size_t i = 0; i < c->n; i++) {
      if (c->na && c->na[i] >= NA_NREASONS) fuzz_fail("column %s row %zu: reason %d", c->name, i, c->na[i]);
      if (c->type == FRAME_BOOL && !frame_col_isna(c, i) && c->v.b[i] > 1)
        fuzz_fail("column %s row %zu: bool %d", c->name, i, c->v.b[i]);
      if (c->type == FRAME_CAT && !frame_col_isna(c, i) &&
          (c->v.cat[i] < 0 || (size_t)c->v.cat[i] >= c->dict->n))
        fuzz_fail("column %s row %zu: code %d of %zu", c->name, i, (int)c->v.cat[i], c->dict->n);
    }
    if (c->type == FRAME_CAT) {
      for (size_t k = 0; k < c->dict->n; k++) {
        if (strlen(c->dict->str[k]) != c->dict->len[k])
          fuzz_fail("column %s: label %zu has a NUL", c->name, k);
        if (!fz_utf8_ok((const unsigned char *)c->dict->str[k], c->dict->len[k]))
          fuzz_fail("column %s: label %zu is not UTF-8", c->name, k);
      }
    }
  }
  g_hash_table_destroy(names);
}

/* Nonzero, with the difference in msg, when a and b are not the same frame
 * (names, types, missing reasons, values as bytes, dictionaries). */
static inline int fz_frame_diff(const struct frame *a, const struct frame *b, char *msg, size_t cap) {
  if (a->nrow != b->nrow || a->ncol != b->ncol) {
    snprintf(msg, cap, "%zu x %zu vs %zu x %zu", a->nrow, a->ncol, b->nrow, b->ncol);
    return 1;
  }
  for (size_t j = 0; j < a->ncol; j++) {
    const struct frame_col *x = a->col[j], *y = b->col[j];
    if (strcmp(x->name, y->name) || x->type != y->type) {
      snprintf(msg, cap, "column %zu: %s/%d vs %s/%d", j, x->name, x->type, y->name, y->type);
      return 1;
    }
    size_t sz = x->type == FRAME_F64 || x->type == FRAME_I64 ? 8 : x->type == FRAME_BOOL ? 1 : 4;
    for (size_t i = 0; i < a->nrow; i++) {
      int mx = x->na ? x->na[i] : 0, my = y->na ? y->na[i] : 0;
      if (mx != my) { snprintf(msg, cap, "column %s, row %zu: reason %d vs %d", x->name, i, mx, my); return 1; }
      if (!mx && memcmp((const char *)x->v.raw + i * sz, (const char *)y->v.raw + i * sz, sz)) {
        snprintf(msg, cap, "column %s, row %zu", x->name, i);
        return 1;
      }
      if (!mx && x->type == FRAME_CAT) {
        int32_t cx = x->v.cat[i], cy = y->v.cat[i];
        if (x->dict->len[cx] != y->dict->len[cy] || memcmp(x->dict->str[cx], y->dict->str[cy], x->dict->len[cx])) {
          snprintf(msg, cap, "column %s, row %zu: text differs", x->name, i);
          return 1;
        }
      }
    }
  }
  return 0;
}

/* Stricter than fz_frame_diff: the same bytes everywhere, the values of
 * missing rows (their placeholders) and the dictionaries' order included. */
static inline int fz_frame_same(const struct frame *a, const struct frame *b, char *msg, size_t cap) {
  if (fz_frame_diff(a, b, msg, cap)) return 1;
  for (size_t j = 0; j < a->ncol; j++) {
    const struct frame_col *x = a->col[j], *y = b->col[j];
    size_t sz = x->type == FRAME_F64 || x->type == FRAME_I64 ? 8 : x->type == FRAME_BOOL ? 1 : 4;
    if (!x->na != !y->na || (a->nrow && memcmp(x->v.raw, y->v.raw, a->nrow * sz)) ||
        (x->na && memcmp(x->na, y->na, a->nrow))) {
      snprintf(msg, cap, "column %s: bytes differ", x->name);
      return 1;
    }
    if (x->type == FRAME_CAT) {
      if (x->dict->n != y->dict->n) { snprintf(msg, cap, "column %s: label count", x->name); return 1; }
      for (size_t k = 0; k < x->dict->n; k++)
        if (x->dict->len[k] != y->dict->len[k] || memcmp(x->dict->str[k], y->dict->str[k], x->dict->len[k])) {
          snprintf(msg, cap, "column %s: label %zu", x->name, k);
          return 1;
        }
    }
  }
  return 0;
}

#endif
