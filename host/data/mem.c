/* host/data/mem.c -- mem_release, mem_advise_large and the large-block
 * allocator (mem.h). */
#define _DEFAULT_SOURCE   /* madvise's MADV_HUGEPAGE */
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

void *mem_realloc_large(void *p, size_t bytes) {
  void *q = realloc(p, bytes ? bytes : 1);
  if (q && bytes >= MEM_LARGE) mem_advise_large(q, bytes);
  return q;
}

void *mem_alloc_large(size_t bytes) { return mem_realloc_large(NULL, bytes); }
