/* host/data/denserank.c -- dense ranks of short-range key columns
 * (denserank.h). */
#include "denserank.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "chunks.h"

/* The two passes on the fixed row chunks, on threads: each chunk's range,
 * then the values present marked in a byte table shared by the chunks (a
 * byte is only written while it is 0, so the table's cache lines are not
 * bounced between the threads). */
struct dense_chunk {
  const struct frame_col *c;
  const size_t *keep;
  size_t lo, hi;
  int64_t vlo, vhi;                 /* the range pass's result */
  int64_t base;                     /* the mark pass: the column's smallest value */
  _Atomic unsigned char *seen;
};

static int dense_range_run(void *arg) {
  struct dense_chunk *p = arg;
  int64_t lo = dense_value(p->c, p->keep, p->lo), hi = lo;
  if (p->c->type == FRAME_I64 && p->keep == NULL) {
    const int64_t *v = p->c->v.i64;
    for (size_t i = p->lo; i < p->hi; i++) {
      lo = v[i] < lo ? v[i] : lo;
      hi = v[i] > hi ? v[i] : hi;
    }
  } else {
    for (size_t i = p->lo; i < p->hi; i++) {
      int64_t v = dense_value(p->c, p->keep, i);
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
  }
  p->vlo = lo;
  p->vhi = hi;
  return 0;
}

static int dense_mark_run(void *arg) {
  struct dense_chunk *p = arg;
  for (size_t i = p->lo; i < p->hi; i++) {
    size_t r = (size_t)((uint64_t)dense_value(p->c, p->keep, i) - (uint64_t)p->base);
    if (!atomic_load_explicit(&p->seen[r], memory_order_relaxed))
      atomic_store_explicit(&p->seen[r], 1, memory_order_relaxed);
  }
  return 0;
}

int dense_rank(const struct frame_col *c, const size_t *keep, size_t n, size_t **rank_out,
               int64_t *lo_out, size_t *span_out, size_t *G) {
  if ((c->type != FRAME_I64 && c->type != FRAME_CAT) || n == 0) return 1;
  const size_t nc = chunks_count(n);
  struct dense_chunk *pt = malloc(nc * sizeof *pt);
  if (pt == NULL) return -1;
  for (size_t k = 0; k < nc; k++)
    pt[k] = (struct dense_chunk){c, keep, n * k / nc, n * (k + 1) / nc, 0, 0, 0, NULL};
  chunks_run(dense_range_run, pt, sizeof *pt, nc);
  int64_t lo = pt[0].vlo, hi = pt[0].vhi;
  for (size_t k = 1; k < nc; k++) {
    lo = pt[k].vlo < lo ? pt[k].vlo : lo;
    hi = pt[k].vhi > hi ? pt[k].vhi : hi;
  }
  if ((uint64_t)hi - (uint64_t)lo >= (uint64_t)n / 2 + 1024) {
    free(pt);
    return 1;
  }
  size_t span = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
  _Atomic unsigned char *seen = calloc(span, sizeof *seen);
  size_t *rank = malloc(span * sizeof *rank);
  if (seen == NULL || rank == NULL) {
    free(pt);
    free(seen);
    free(rank);
    return -1;
  }
  for (size_t k = 0; k < nc; k++) {
    pt[k].base = lo;
    pt[k].seen = seen;
  }
  chunks_run(dense_mark_run, pt, sizeof *pt, nc);
  free(pt);
  size_t g = 0;
  for (size_t r = 0; r < span; r++) {
    rank[r] = g;
    g += atomic_load_explicit(&seen[r], memory_order_relaxed) != 0;
  }
  free(seen);
  *rank_out = rank;
  *lo_out = lo;
  *span_out = span;
  *G = g;
  return 0;
}
