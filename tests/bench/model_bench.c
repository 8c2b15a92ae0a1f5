/* tests/bench/model_bench.c -- time the regression core on 1,000,000 x 7:
 * logit by IRLS (host/num/glm.c) and OLS with HC1 standard errors (host/num/ols.c
 * + host/num/vcov.c), best of N runs, and print the ratio to statsmodels' times.
 * Both sides may use every core (csceval: C11 threads over fixed row chunks;
 * statsmodels: numpy's multithreaded BLAS); run the peer in the same session
 * as this, as tests/bench/run.sh does, since other load moves both.  Every
 * run must give the same bytes as the first (fixed chunks, fixed reduction
 * order); a difference is reported and fails the benchmark.
 * Built by hand (not by make), as in tests/bench/run.sh:
 *   python3 tests/bench/gen_model_data.py /tmp/csceval-bench/model_1m.csv
 *   gcc -std=c11 -O2 -D_XOPEN_SOURCE=700 -Ihost host/num/ols.c host/num/qr.c host/num/qr_kern.c host/data/chunks.c host/data/mem.c host/num/vcov.c host/num/glm.c \
 *       tests/bench/model_bench.c -o /tmp/model_bench $(pkg-config --cflags --libs gsl) -lm -pthread
 *   /usr/bin/python3 tests/bench/peer_statsmodels.py /tmp/csceval-bench/model_1m.csv 5
 *       # prints "peer logit_1m S" and "peer ols_hc1_1m S"
 *   /tmp/model_bench /tmp/csceval-bench/model_1m.csv 5 LOGIT_PEER_S OLS_PEER_S [OUT]
 * With OUT, the coefficients (logit:bJ, ols:bJ) and HC1 standard errors (ols:seJ),
 * J = 0 the intercept, are written there as key,value lines for the check against
 * statsmodels (tests/bench/peer_statsmodels.py writes the same keys). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "num/glm.h"
#include "num/ols.h"
#include "num/vcov.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: model_bench DATA.csv [RUNS] [LOGIT_PEER_S OLS_PEER_S [OUT]]\n");
    return 2;
  }
  gsl_set_error_handler_off();
  int runs = argc > 2 ? atoi(argv[2]) : 3;
  double peer_logit = argc > 4 ? atof(argv[3]) : NAN, peer_ols = argc > 4 ? atof(argv[4]) : NAN;
  FILE *f = fopen(argv[1], "r");
  if (f == NULL) {
    perror(argv[1]);
    return 1;
  }
  size_t cap = 1 << 20, n = 0, k = 8;
  double *X = malloc(cap * k * sizeof *X), *yb = malloc(cap * sizeof *yb),
         *yc = malloc(cap * sizeof *yc);
  char line[512];
  if (X == NULL || yb == NULL || yc == NULL || fgets(line, sizeof line, f) == NULL) return 1;
  double *rows = malloc(cap * 9 * sizeof *rows);
  if (rows == NULL) return 1;
  while (n < cap && fgets(line, sizeof line, f) != NULL) {
    char *p = line;
    for (int j = 0; j < 9; j++) {
      rows[n * 9 + (size_t)j] = strtod(p, &p);
      if (*p == ',') p++;
    }
    n++;
  }
  fclose(f);
  for (size_t i = 0; i < n; i++) {     /* column-major with an intercept */
    X[i] = 1;
    for (size_t j = 0; j < 7; j++) X[i + (j + 1) * n] = rows[i * 9 + j];
    yb[i] = rows[i * 9 + 7];
    yc[i] = rows[i * 9 + 8];
  }
  free(rows);

  double best_logit = INFINITY, best_ols = INFINITY, V[64];
  /* The first run's results, to check that every run gives the same bytes. */
  double first[2 + 8 + 64 + 8 + 64];
  int same = 1;
  for (int r = 0; r < runs; r++) {
    struct glm_opts o = glm_opts_default(GLM_BINOMIAL, GLM_LOGIT);
    struct glm_fit g;
    double t0 = now();
    int st = glm_fit(X, n, k, yb, NULL, NULL, 1, &o, &g);
    double t1 = now();
    if (st != GSL_SUCCESS) return 1;
    if (r == 0) printf("logit b1 = %.6f, iterations %d\n", g.coef[1], g.iter);
    double got[2 + 8 + 64 + 8 + 64];
    got[0] = g.deviance;
    got[1] = g.iter;
    memcpy(got + 2, g.coef, k * sizeof *got);
    memcpy(got + 10, g.xtxi, k * k * sizeof *got);
    glm_fini(&g);
    best_logit = t1 - t0 < best_logit ? t1 - t0 : best_logit;

    struct linreg_fit fit;
    t0 = now();
    st = linreg_fit(X, n, k, yc, NULL, 1, &fit);
    struct vcov_data vd = {X, n, k, fit.resid, NULL, fit.xtxi, NULL, fit.rinv};
    if (st == GSL_SUCCESS) st = vcov_hc(&vd, VCOV_HC1, V);
    t1 = now();
    if (st != GSL_SUCCESS) return 1;
    if (r == 0) printf("ols b1 = %.6f, HC1 se(b1) = %.6g\n", fit.coef[1], sqrt(V[1 + k]));
    memcpy(got + 74, fit.coef, k * sizeof *got);
    memcpy(got + 82, V, k * k * sizeof *got);
    linreg_fini(&fit);
    best_ols = t1 - t0 < best_ols ? t1 - t0 : best_ols;
    if (r == 0)
      memcpy(first, got, sizeof got);
    else if (memcmp(first, got, sizeof got) != 0)
      same = 0;
  }
  printf("same bytes on every run: %s\n", same ? "yes" : "NO");
  if (!same) return 1;
  if (argc > 5) {  /* the first run's results: every run gave the same bytes */
    FILE *o = fopen(argv[5], "w");
    if (o == NULL) {
      perror(argv[5]);
      return 1;
    }
    for (size_t j = 0; j < k; j++) fprintf(o, "logit:b%zu,%.17g\n", j, first[2 + j]);
    for (size_t j = 0; j < k; j++) fprintf(o, "ols:b%zu,%.17g\n", j, first[74 + j]);
    for (size_t j = 0; j < k; j++) fprintf(o, "ols:se%zu,%.17g\n", j, sqrt(first[82 + j * k + j]));
    if (fclose(o) != 0) return 1;
  }
  printf("bench logit_1m: csceval %.3f s, statsmodels %.3f s, ratio %.3f\n", best_logit,
         peer_logit, best_logit / peer_logit);
  printf("bench ols_hc1_1m: csceval %.3f s, statsmodels %.3f s, ratio %.3f\n", best_ols, peer_ols,
         best_ols / peer_ols);
  free(X);
  free(yb);
  free(yc);
  return 0;
}
