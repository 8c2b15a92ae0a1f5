/* tests/bench/csv_load.c -- time csvtab_read on one file and print seconds.
 * Built by hand (not by make), after `make csceval`, with make's flags:
 *   python3 tests/bench/gen_csv_1m.py /tmp/csceval-bench/csv_1m.csv
 *   gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost tests/bench/csv_load.c build/libcsceval.a \
 *       -o /tmp/csv_load -lcsv -lm -pthread
 *   /tmp/csv_load /tmp/csceval-bench/csv_1m.csv 5   # best of 5; peak RSS: /usr/bin/time -v
 *   /tmp/csv_load FILE 10 2                         # on 2 threads (0 or none: csvtab_threads)
 * Each load prints its wall time and its CPU time (the process's, every
 * thread's), the measure that means something on a loaded machine.
 * The comparison, in the same run: Rscript tests/bench/peer_fread.R load FILE 5
 * (data.table::fread with nThread = 1).  Figures: docs/data.md and
 * docs/performance.md; the floor beside it: tests/bench/csv_floor.c. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "data/csvtab.h"

static double now(clockid_t clk) {
  struct timespec t;
  clock_gettime(clk, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: csv_load FILE.csv [REPEATS [THREADS]]\n");
    return 2;
  }
  int reps = argc > 2 ? atoi(argv[2]) : 1;
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.threads = argc > 3 ? (unsigned)atoi(argv[3]) : 0;
  double best = 1e300, best_cpu = 1e300;
  for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
    struct csvtab_error err;
    double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    struct frame *f = csvtab_read(argv[1], &o, &err);
    double t = now(CLOCK_MONOTONIC) - t0, c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (!f) {
      fprintf(stderr, "csv_load: %s\n", err.msg);
      return 1;
    }
    if (r == 0) {
      printf("%zu rows, %zu columns:", f->nrow, f->ncol);
      for (size_t j = 0; j < f->ncol; j++)
        printf(" %s:%s", f->col[j]->name, frame_type_name(f->col[j]->type));
      printf("\n");
    }
    frame_free(f);
    printf("load %d: %.4f s, CPU %.4f s\n", r + 1, t, c);
    if (t < best) best = t;
    if (c < best_cpu) best_cpu = c;
  }
  printf("best: %.4f s, CPU %.4f s\n", best, best_cpu);
  return 0;
}
