/* host/data/mem.c -- mem_release and mem_advise_large (mem.h). */
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
  if (p == NULL || bytes < 2 * huge) return;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), b = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (b > a) (void)madvise((void *)a, b - a, MADV_HUGEPAGE);   /* advice only: errors ignored */
#else
  (void)p;
  (void)bytes;
#endif
}
