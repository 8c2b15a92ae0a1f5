/* host/data/mem.c -- mem_release (mem.h). */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void mem_release(void *s, size_t size, void *const *owned, size_t n) {
  for (size_t i = 0; i < n; i++) free(owned[i]);
  memset(s, 0, size);
}
