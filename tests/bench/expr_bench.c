/* tests/bench/expr_bench.c -- time the expression compiler and evaluator
 * (host/data/expr*.c) on 1,000,000 generated rows (seeded, so every run sees the
 * same data): a filter and a derived column, best of N runs, compile
 * included.  Built by hand (not by make):
 *   gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost host/data/frame.c host/data/expr_parse.c \
 *       host/data/expr_check.c host/data/expr_eval.c host/data/framesel.c host/data/chunks.c \
 *       host/data/mem.c tests/bench/expr_bench.c \
 *       -o /tmp/expr_bench -lm -pthread
 *   /tmp/expr_bench [ROWS] [RUNS]      # defaults 1000000 and 5
 * values/s is rows evaluated per second (one result value per row). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/expr.h"
#include "data/frame.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng(uint64_t *s) {   /* xorshift64* */
  *s ^= *s >> 12; *s ^= *s << 25; *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

static double unif(uint64_t *s) { return (double)(rng(s) >> 11) / 9007199254740992.0; }

/* age 0-17 (int64), sex F/M (text), income (float64, log-normal, 1% suppressed). */
static struct frame *generate(size_t n) {
  struct frame *f = frame_new();
  struct frame_col *age = frame_col_new("age", FRAME_I64, n, NULL);
  struct frame_col *sex = frame_col_new("sex", FRAME_CAT, n, NULL);
  struct frame_col *inc = frame_col_new("income", FRAME_F64, n, NULL);
  if (!f || !age || !sex || !inc || frame_col_resize(age, n) || frame_col_resize(sex, n) ||
      frame_col_resize(inc, n)) {
    fprintf(stderr, "expr_bench: not enough memory\n");
    exit(1);
  }
  int32_t fcode = frame_dict_intern(sex->dict, "F", 1), mcode = frame_dict_intern(sex->dict, "M", 1);
  uint64_t s = 20240401;
  for (size_t i = 0; i < n; i++) {
    age->v.i64[i] = (int64_t)(rng(&s) % 18);
    sex->v.cat[i] = rng(&s) & 1 ? fcode : mcode;
    double u1 = unif(&s) + 1e-12, u2 = unif(&s);
    inc->v.f64[i] = exp(10 + 0.6 * sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
    if (rng(&s) % 100 == 0 && frame_col_set_na(inc, i, NA_C) == 0) inc->v.f64[i] = NAN;
  }
  if (frame_add(f, age) || frame_add(f, sex) || frame_add(f, inc)) {
    fprintf(stderr, "expr_bench: could not build the frame\n");
    exit(1);
  }
  return f;
}

static void report(const char *what, const char *src, size_t n, double best, const char *extra) {
  printf("%-6s %-44s rows %zu  %.4f s  %.0f values/s  %s\n", what, src, n, best,
         (double)n / best, extra);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (n == 0) n = 1;
  if (runs < 1) runs = 1;
  struct frame *f = generate(n);
  char err[512], extra[64];

  const char *fsrc = "age >= 10 and age < 16 and sex == \"F\"";
  double best = 1e300;
  size_t kept = 0;
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    struct expr *e = expr_compile(fsrc, f, err, sizeof err);
    size_t *idx = e ? expr_filter(e, f, &kept, err, sizeof err) : NULL;
    double t = now() - t0;
    if (!idx) { fprintf(stderr, "expr_bench: %s\n", err); return 1; }
    free(idx);
    expr_free(e);
    if (t < best) best = t;
  }
  snprintf(extra, sizeof extra, "(kept %zu)", kept);
  report("filter", fsrc, n, best, extra);

  const char *esrc = "log(income + 1) * 2 - age / 3";
  best = 1e300;
  double sum = 0;
  for (int r = 0; r < runs; r++) {
    double t0 = now();
    struct expr *e = expr_compile(esrc, f, err, sizeof err);
    struct frame_col *c = e ? expr_eval(e, f, "y", err, sizeof err) : NULL;
    double t = now() - t0;
    if (!c) { fprintf(stderr, "expr_bench: %s\n", err); return 1; }
    sum = 0;
    for (size_t i = 0; i < c->n; i++) if (!frame_col_isna(c, i)) sum += c->v.f64[i];
    frame_col_free(c);
    expr_free(e);
    if (t < best) best = t;
  }
  snprintf(extra, sizeof extra, "(sum %.6g)", sum);
  report("eval", esrc, n, best, extra);
  frame_free(f);
  return 0;
}
