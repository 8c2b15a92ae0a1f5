/* host/data/chunks.c -- the fixed-chunk thread runner (chunks.h). */
#include "chunks.h"

#include <stdatomic.h>
#include <stdio.h>
#include <threads.h>
#include <unistd.h>

size_t chunks_count(size_t n) {
  size_t nc = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
  return nc < 1 ? 1 : (nc > CHUNK_MAX ? CHUNK_MAX : nc);
}

struct chunk_queue {
  int (*fn)(void *);
  char *base;
  size_t size, nc;
  atomic_size_t next;
};

static int chunk_worker(void *p) {
  struct chunk_queue *cq = p;
  for (size_t c; (c = atomic_fetch_add(&cq->next, 1)) < cq->nc;) cq->fn(cq->base + c * cq->size);
  return 0;
}

size_t chunks_threads(void) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus <= 1) return 1;
  double load = 0;
  FILE *fh = fopen("/proc/loadavg", "r");   /* Linux; elsewhere every core is used */
  if (fh) {
    if (fscanf(fh, "%lf", &load) != 1) load = 0;
    fclose(fh);
  }
  return load >= (double)cpus + 1 ? 1 : (size_t)cpus;
}

void chunks_run(int (*fn)(void *), void *base, size_t size, size_t nc) {
  if (nc <= 1) {
    if (nc == 1) fn(base);
    return;
  }
  size_t nt = chunks_threads();
  nt = nt < nc ? nt : nc;
  nt = nt < CHUNK_MAX_THREADS ? nt : CHUNK_MAX_THREADS;
  struct chunk_queue cq = {fn, base, size, nc, 0};
  atomic_init(&cq.next, 0);
  thrd_t th[CHUNK_MAX_THREADS];
  int started[CHUNK_MAX_THREADS] = {0};
  for (size_t t = 1; t < nt; t++)
    started[t] = thrd_create(&th[t], chunk_worker, &cq) == thrd_success;
  chunk_worker(&cq);
  for (size_t t = 1; t < nt; t++)
    if (started[t]) thrd_join(th[t], NULL);
}
