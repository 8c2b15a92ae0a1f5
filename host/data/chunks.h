/* host/data/chunks.h -- fixed row chunks on C11 threads, shared by the long
 * passes over the rows: expression evaluation and group-by here, the
 * estimators in host/num (ols.c, glm.c, vcov.c).  Pure C, no Lua. */
#ifndef CSC_CHUNKS_H
#define CSC_CHUNKS_H

#include <stddef.h>

/* ===== Fixed row chunks on C11 threads =====
 * The long passes over the rows (in expr_eval.c, frameops_group.c, and
 * host/num's ols.c, glm.c and vcov.c) cut the rows
 * into chunks_count(n) contiguous chunks, chunk c being rows n c/nc to
 * n (c+1)/nc - 1 (about CHUNK_ROWS rows each), reduce each chunk to its
 * own partial result (sums, a triangle) and combine those in chunk order.
 * The cut depends on n only, so the result is the same bytes whatever the
 * number of threads or their timing.  Threads take the next unclaimed
 * chunk as they finish one, so a thread that the system deschedules only
 * delays its current chunk: the others take the rest.  statsmodels, the
 * benchmark peer, is multithreaded too (numpy's BLAS). */
#define CHUNK_ROWS 32768
#define CHUNK_MAX 512    /* for n > 16.7e6 the chunks grow instead */
#define CHUNK_MAX_THREADS 8
size_t chunks_count(size_t n);
/* Threads for the passes over the rows (chunks_run) and for loading a CSV
 * (csvtab_par.c): the count given to chunks_set_threads (the command line's
 * --threads), else the CSCEVAL_THREADS environment variable (a whole number
 * from 1), else the online cores; at most CHUNK_MAX_THREADS for chunks_run.
 * The chunks, and so the results, are the same for any count. */
size_t chunks_threads(void);
/* Sets the count chunks_threads gives (0: back to the environment). */
void chunks_set_threads(size_t n);
/* fn(item c) for every c < nc, item c being the size bytes at base + c size
 * (the chunks' own structs, an array), on min(nc, chunks_threads(),
 * CHUNK_MAX_THREADS) threads, the caller's among them; if a thread cannot
 * start, the others do its share.  The threads are started and joined on
 * every call: about 7 us of processor time a call, under 2% of any model
 * step at 100k rows, so no pool (docs/performance.md, "Thread starts in
 * chunks_run"). */
void chunks_run(int (*fn)(void *), void *base, size_t size, size_t nc);

#endif
