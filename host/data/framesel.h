/* host/data/framesel.h -- a selection of rows kept as one bitmap per fixed
 * chunk (chunks.h), and the frame of the selected rows gathered on all
 * cores.  A filter fills the bitmaps chunk by chunk (expr_select in
 * expr_eval.c); the gather then writes each chunk's rows at the place the
 * counts of the chunks before it give, so the result is the same bytes on
 * any number of threads.  Pure C, no Lua. */
#ifndef CSC_FRAMESEL_H
#define CSC_FRAMESEL_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct frame_sel {
  size_t n;          /* rows the selection is over */
  size_t nc;         /* chunks: chunks_count(n); chunk c is rows n c/nc .. n (c+1)/nc - 1 */
  size_t words;      /* 64-bit words a chunk's bitmap takes */
  uint64_t *bits;    /* nc x words: bit i of chunk c's bitmap is the chunk's row i */
  size_t *count;     /* nc: rows selected in each chunk */
};

/* An empty selection over n rows (no bit set).  0 ok, -1 out of memory. */
int frame_sel_init(struct frame_sel *s, size_t n);
void frame_sel_free(struct frame_sel *s);
/* Rows selected in all. */
size_t frame_sel_total(const struct frame_sel *s);
/* The selected rows in order into idx (room for frame_sel_total). */
void frame_sel_rows(const struct frame_sel *s, size_t *idx);
/* New frame of the selected rows of every column of f (f->nrow == s->n),
 * gathered chunk by chunk on all cores; NULL when out of memory. */
struct frame *frame_take_sel(const struct frame *f, const struct frame_sel *s);

#endif
