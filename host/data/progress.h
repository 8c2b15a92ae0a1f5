/* host/data/progress.h -- how far the current step's loop has got, for the
 * terminal's progress line (host/app/ticker.c, which resets it at each step
 * and reads it from its own thread).  A long loop calls progress_note every
 * few thousand iterations: one relaxed atomic store, nothing else, so the
 * loop's results and speed do not depend on whether anyone is watching.
 * Pure C, the lowest layer. */
#ifndef CSC_PROGRESS_H
#define CSC_PROGRESS_H

#include <stddef.h>

/* The loop has done `done` of `total` units of its work. */
void progress_note(size_t done, size_t total);

/* The last note since progress_reset: 1 with *done and *total set, or 0. */
int progress_read(size_t *done, size_t *total);

void progress_reset(void);

#endif
