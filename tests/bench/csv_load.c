/* tests/bench/csv_load.c -- time csvtab_read on one file and print seconds.
 * Built by hand (not by make), with make's flags:
 *   python3 tests/bench/gen_csv_1m.py /tmp/csceval-bench/csv_1m.csv
 *   gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost host/data/frame.c host/data/csvtab.c \
 *       host/data/csvtab_col.c host/data/csvtab_fast.c tests/bench/csv_load.c -o /tmp/csv_load -lcsv -lm
 *   /tmp/csv_load /tmp/csceval-bench/csv_1m.csv 5   # best of 5; peak RSS: /usr/bin/time -v
 * The comparison, in the same run: Rscript tests/bench/peer_fread.R load FILE 5
 * (data.table::fread with nThread = 1).  Figures: docs/data.md. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "data/csvtab.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: csv_load FILE.csv [REPEATS]\n");
    return 2;
  }
  int reps = argc > 2 ? atoi(argv[2]) : 1;
  double best = 1e300;
  for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
    struct csvtab_error err;
    double t0 = now();
    struct frame *f = csvtab_read(argv[1], NULL, &err);
    double t = now() - t0;
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
    printf("load %d: %.3f s\n", r + 1, t);
    if (t < best) best = t;
  }
  printf("best: %.3f s\n", best);
  return 0;
}
