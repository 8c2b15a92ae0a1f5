/* host/data/describe.h -- a first look at a frame, as text: rows, columns, each
 * column's type, missing values counted by reason, min/mean/max of numbers
 * and dates, and the commonest levels of text.  Pure C (no Lua); used by
 * `csceval describe FILE.csv` through host/bind/lframe_io.c. */
#ifndef CSC_DESCRIBE_H
#define CSC_DESCRIBE_H

#include <stdio.h>

#include "frame.h"

#define DESCRIBE_TOP 5      /* text levels listed per column */
#define DESCRIBE_VLABELS 10 /* value labels listed per column */

/* Write the summary of f to out, headed by label (a file name).  Returns 0,
 * or -1 when memory for the level counts ran out (that column's levels are
 * then omitted, the rest is still written). */
int describe_frame(FILE *out, const struct frame *f, const char *label);

#endif
