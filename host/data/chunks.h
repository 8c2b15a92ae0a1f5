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
/* Threads chunks_run uses: the online cores, or 1 when the machine's
 * 1-minute load average (/proc/loadavg) is at least the cores plus one.
 * On a machine whose cores are all taken a second thread mostly waits for a
 * turn, and the caller waits for it at the end; the chunks, and so the
 * results, are the same either way. */
size_t chunks_threads(void);
/* fn(item c) for every c < nc, item c being the size bytes at base + c size
 * (the chunks' own structs, an array), on min(nc, chunks_threads(),
 * CHUNK_MAX_THREADS) threads, the caller's among them; if a thread cannot
 * start, the others do its share. */
void chunks_run(int (*fn)(void *), void *base, size_t size, size_t nc);

#endif
