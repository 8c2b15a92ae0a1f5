/* host/data/progress.c -- how far the current step's loop has got
 * (progress.h).  Two relaxed atomics: a reader may pair a done with the
 * previous total for one redraw, which only moves the line by a tick. */
#include "progress.h"

#include <stdatomic.h>

static atomic_size_t note_done, note_total;

void progress_note(size_t done, size_t total) {
  atomic_store_explicit(&note_total, total, memory_order_relaxed);
  atomic_store_explicit(&note_done, done, memory_order_relaxed);
}

int progress_read(size_t *done, size_t *total) {
  *total = atomic_load_explicit(&note_total, memory_order_relaxed);
  *done = atomic_load_explicit(&note_done, memory_order_relaxed);
  return *total > 0;
}

void progress_reset(void) {
  atomic_store_explicit(&note_total, 0, memory_order_relaxed);
  atomic_store_explicit(&note_done, 0, memory_order_relaxed);
}
