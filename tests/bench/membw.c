/* tests/bench/membw.c -- the machine's memory bandwidth, the floor under the
 * steps that stream columns (docs/performance.md, "Group-by, filter and
 * mutate at 10M rows"): a read loop (a sum of doubles, four AVX2
 * accumulators), a write loop (plain stores), a write loop of non-temporal
 * stores, and a copy, over an array of MB megabytes (default 800: main
 * memory; 80 stays in a large L3), on 1 and 2 threads, best of 7 runs.
 * Both arrays are advised for huge pages and written once before timing.
 * Built by hand (x86-64 with AVX2; not by make):
 *   gcc -O2 -mavx2 -pthread tests/bench/membw.c -o /tmp/membw && /tmp/membw [MB]
 * GB/s is the array's bytes over the time (a copy moves twice that). */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static size_t N;
static double *A, *Bf;
static int mode, nt;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *run(void *p) {
  size_t t = (size_t)p, lo = N * t / (size_t)nt / 16 * 16, hi = N * (t + 1) / (size_t)nt / 16 * 16;
  if (mode == 0) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = lo; i < hi; i += 16) {
      s0 = _mm256_add_pd(s0, _mm256_load_pd(A + i));
      s1 = _mm256_add_pd(s1, _mm256_load_pd(A + i + 4));
      s2 = _mm256_add_pd(s2, _mm256_load_pd(A + i + 8));
      s3 = _mm256_add_pd(s3, _mm256_load_pd(A + i + 12));
    }
    double r[4];
    _mm256_storeu_pd(r, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
    if (r[0] == 12345.0) puts("");   /* keep the sum */
  } else if (mode == 1) {
    __m256d v = _mm256_set1_pd(1.0);
    for (size_t i = lo; i < hi; i += 4) _mm256_store_pd(Bf + i, v);
  } else if (mode == 2) {
    __m256d v = _mm256_set1_pd(1.0);
    for (size_t i = lo; i < hi; i += 4) _mm256_stream_pd(Bf + i, v);
    _mm_sfence();
  } else {
    for (size_t i = lo; i < hi; i += 4) _mm256_store_pd(Bf + i, _mm256_load_pd(A + i));
  }
  return NULL;
}

int main(int argc, char **argv) {
  size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 800;
  N = mb * ((size_t)1 << 20) / 8;
  A = aligned_alloc((size_t)1 << 21, N * 8);
  Bf = aligned_alloc((size_t)1 << 21, N * 8);
  if (!A || !Bf) return 1;
  madvise(A, N * 8, MADV_HUGEPAGE);
  madvise(Bf, N * 8, MADV_HUGEPAGE);
  memset(A, 1, N * 8);
  memset(Bf, 1, N * 8);
  static const char *name[] = {"read", "write", "ntwrite", "copy"};
  for (nt = 1; nt <= 2; nt++)
    for (mode = 0; mode < 4; mode++) {
      double best = 1e9;
      for (int r = 0; r < 7; r++) {
        pthread_t th[2];
        double t0 = now();
        for (int t = 1; t < nt; t++) pthread_create(&th[t], NULL, run, (void *)(size_t)t);
        run(NULL);
        for (int t = 1; t < nt; t++) pthread_join(th[t], NULL);
        double d = now() - t0;
        if (d < best) best = d;
      }
      printf("%zu MB, %d thread%s, %-7s %.4f s  %.1f GB/s\n", mb, nt, nt > 1 ? "s" : "", name[mode],
             best, (double)mb * 1.048576e-3 / best);
    }
  return 0;
}
