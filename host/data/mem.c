/* host/data/mem.c -- mem_release, mem_advise_large and the large-block
 * allocator (mem.h). */
#define _DEFAULT_SOURCE   /* madvise's MADV_HUGEPAGE; posix_memalign */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void mem_release(void *s, size_t size, void *const *owned, size_t n) {
  for (size_t i = 0; i < n; i++) free(owned[i]);
  memset(s, 0, size);
}

void mem_advise_large(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  if (p == NULL || bytes < MEM_LARGE) return;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (b > a) (void)madvise((void *)a, b - a, MADV_HUGEPAGE);   /* advice only: errors ignored */
#else
  (void)p;
  (void)bytes;
#endif
}

/* A fresh block of MEM_HUGE bytes or more, which malloc always takes
 * fresh from the kernel (its threshold for that is at most 32 MiB on 64-bit
 * systems; smaller blocks are reused from its heap once freed, without page
 * faults), starts on a 2 MiB boundary and is rounded up to whole 2 MiB (at
 * most 1/16 more memory): then all of it can be huge pages, where malloc's
 * own start 16 bytes into a 4 KiB page and leave up to 4 MiB of each block
 * in small pages.  Blocks from posix_memalign are freed and grown with free
 * and realloc like any other. */
#define MEM_HUGE ((size_t)32 << 20)

void *mem_realloc_large(void *p, size_t bytes) {
  const size_t huge = (size_t)2 << 20;
  void *q = NULL;
  if (!p && bytes >= MEM_HUGE && bytes <= SIZE_MAX - huge) {
    bytes = (bytes + huge - 1) / huge * huge;
    if (posix_memalign(&q, huge, bytes) != 0) q = NULL;
  } else {
    q = realloc(p, bytes ? bytes : 1);
  }
  if (q && bytes >= MEM_LARGE) mem_advise_large(q, bytes);
  return q;
}

void *mem_alloc_large(size_t bytes) { return mem_realloc_large(NULL, bytes); }
