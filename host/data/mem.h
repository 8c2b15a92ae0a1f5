/* host/data/mem.h -- releasing what a struct owns.  Every result struct of
 * the numerics (fits, designs, match results, search trees, column buffers)
 * holds malloc'ed arrays; its destructor names them once through
 * MEM_RELEASE, which frees each and zeroes the struct, so a destructor is
 * safe on a zeroed, failed or already released struct.  Pure C, the lowest
 * layer: num/ and match/ include it as "data/mem.h". */
#ifndef CSC_MEM_H
#define CSC_MEM_H

#include <stddef.h>

/* free() each of owned[0..n) (NULL entries allowed), then zero the size
 * bytes at s. */
void mem_release(void *s, size_t size, void *const *owned, size_t n);

/* Ask the kernel to back the whole 2 MiB pages inside [p, p + bytes) with
 * huge pages (Linux transparent huge pages, madvise mode), before the
 * memory is first written: one page fault per 2 MiB instead of one per
 * 4 KiB.  Filling a fresh n-row array at a million rows otherwise spends
 * about as long in page faults as a pass of the computation over it.  Only
 * for blocks of 4 MiB or more; a no-op where the system has no such
 * advice.  The contents and the memory used do not change. */
void mem_advise_large(void *p, size_t bytes);

/* realloc() for arrays that may be large (column storage, per-row
 * working arrays): blocks of MEM_LARGE bytes or more are advised for huge
 * pages (mem_advise_large) before their first write, so filling a fresh
 * 10-million-row column takes a few hundred page faults, not tens of
 * thousands.  Free the result with free(). */
#define MEM_LARGE ((size_t)4 << 20)
void *mem_realloc_large(void *p, size_t bytes);
/* malloc() with the same advice. */
void *mem_alloc_large(size_t bytes);

/* MEM_RELEASE(s, s->a, s->b, ...): free the arrays named, zero *s. */
#define MEM_RELEASE(s, ...)                                                                  \
  mem_release((s), sizeof *(s), (void *const[]){__VA_ARGS__},                               \
              sizeof((void *const[]){__VA_ARGS__}) / sizeof(void *))

#endif
