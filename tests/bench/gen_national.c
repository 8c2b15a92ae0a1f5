/* A seeded, national-pupil-like extract for the scale benchmarks
 * (tests/bench/scale.sh, docs/performance.md "Scale series").
 *
 *   gen_national ROWS OUT.csv [SEED]
 *   gen_national --mark ROWS OUT.csv [SEED]
 *
 * writes OUT.csv (ROWS pupils, 11 columns, about 42 bytes a row: 420 MB at
 * 10,000,000 rows) and OUT_la.csv beside it (one row per local authority:
 * the table the join step uses).  The records are synthetic: no column comes
 * from the National Pupil Database, only its shape (one row per pupil, an
 * authority code, pupil characteristics, prior attainment, an intervention
 * flag and an outcome).  Any agreement with published figures is by
 * construction.  Beside each file it writes csceval's synthetic-data mark,
 * OUT.csv.csceval.json and OUT_la.csv.csceval.json (lua/csc/synthetic.lua:
 * the generator, seed, rows and bytes), so that csceval treats the file as
 * synthetic wherever it is read from, --data included.  With --mark it writes
 * no data: it reads the existing OUT.csv and OUT_la.csv, compares them byte
 * for byte with what it would write, and writes the marks only when they are
 * the same (exit 4, and no mark, when they differ): for extracts made before
 * the generator wrote marks.
 *
 * Columns of OUT.csv:
 *   pupil_id   1..ROWS
 *   la         authority code, 152 codes 201..352, sizes uneven (weights 1..4)
 *   ncyear     national curriculum year 1..11
 *   sex        F or M
 *   fsm        free school meals 0/1 (about 23%, higher in high-IDACI areas)
 *   sen        special educational needs 0/1 (about 15%)
 *   eal        English as an additional language 0/1 (about 19%)
 *   idaci      deprivation score 0..1, 3 decimals
 *   prior      prior attainment, standardised, 3 decimals
 *   treated    0/1, about 1% (logistic in fsm, sen, idaci, prior)
 *   outcome    attainment score, 2 decimals:
 *              50 + 8 prior - 3 fsm - 4 sen + 1 eal - 5 idaci + 1.5 treated
 *              + authority effect + noise
 * Columns of OUT_la.csv: la, region (1..9), spend (per pupil, 2 decimals).
 *
 * Only integer arithmetic and + - * / drive the values (normal draws are
 * Irwin-Hall sums of 12 uniforms; the treatment probability uses exp(), which
 * glibc rounds correctly), so a given ROWS and SEED give the same bytes on
 * every machine.  Row i depends only on (SEED, i): any prefix of a larger
 * file has the same first rows. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_LA 152

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/* uniform on [0, 1) with 53 bits */
static double unif(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1.0p-53; }
/* approximately standard normal: sum of 12 uniforms minus 6 */
static double norm(uint64_t *s) {
  double t = 0;
  for (int k = 0; k < 12; k++) t += unif(s);
  return t - 6.0;
}

/* Where the bytes go: written to f, or (verify) compared with what f holds. */
struct sink {
  FILE *f;
  int verify, same;
  long long bytes;
};

static void put(struct sink *k, const char *s, size_t n) {
  if (!k->verify) {
    fwrite(s, 1, n, k->f);
  } else if (k->same) {
    char got[256];
    if (n > sizeof got || fread(got, 1, n, k->f) != n || memcmp(got, s, n) != 0) k->same = 0;
  }
  k->bytes += (long long)n;
}

static void putf(struct sink *k, const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  put(k, line, (size_t)n);
}

/* Open PATH for writing, or for reading when verifying. */
static int sink_open(struct sink *k, const char *path, int verify) {
  k->verify = verify;
  k->same = 1;
  k->bytes = 0;
  k->f = fopen(path, verify ? "r" : "w");
  if (!k->f) perror(path);
  return k->f != NULL;
}

/* Close; 0 on success.  Verifying, the file must also end where the data end. */
static int sink_close(struct sink *k, const char *path) {
  if (k->verify) {
    if (fgetc(k->f) != EOF) k->same = 0;
    fclose(k->f);
    if (!k->same) fprintf(stderr, "gen_national: %s is not what this generator writes for these ROWS and SEED\n", path);
    return k->same ? 0 : 4;
  }
  if (ferror(k->f) || fclose(k->f)) {
    perror(path);
    return 3;
  }
  return 0;
}

/* csceval's synthetic-data mark of PATH (lua/csc/synthetic.lua), written
 * beside it as PATH.csceval.json through a temporary file and a rename. */
static int write_mark(const char *path, long long rows, uint64_t seed, long long bytes) {
  char mark[4300], tmp[4400];
  snprintf(mark, sizeof mark, "%s.csceval.json", path);
  snprintf(tmp, sizeof tmp, "%s.partial", mark);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  FILE *f = fopen(tmp, "w");
  if (!f) {
    perror(tmp);
    return 3;
  }
  fprintf(f, "{\"bytes\":%lld,\"csceval_mark\":1,\"file\":\"", bytes);
  for (const char *c = base; *c; c++) {
    if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
    else if ((unsigned char)*c < 0x20) fprintf(f, "\\u%04x", (unsigned char)*c);
    else fputc(*c, f);
  }
  /* kind: a benchmark extract, not a stand-in for a report's records (csc.synthetic) */
  fprintf(f, "\",\"generator\":\"tests/bench/gen_national.c\",\"kind\":\"benchmark\","
             "\"note\":\"synthetic records made by csceval's generator; they describe no real person\",\"rows\":%lld,\"seed\":%llu,\"synthetic\":true}\n",
          rows, (unsigned long long)seed);
  if (ferror(f) || fclose(f) || rename(tmp, mark) != 0) {
    perror(mark);
    return 3;
  }
  return 0;
}

int main(int argc, char **argv) {
  int verify = argc > 1 && strcmp(argv[1], "--mark") == 0;
  if (verify) {
    argv++;
    argc--;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: gen_national [--mark] ROWS OUT.csv [SEED]\n");
    return 2;
  }
  char *end;
  long long rows = strtoll(argv[1], &end, 10);
  if (*end || rows < 1) {
    fprintf(stderr, "gen_national: ROWS must be a positive integer, got '%s'\n", argv[1]);
    return 2;
  }
  uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20261206ull;
  const char *out = argv[2];

  /* authorities: size weight, effect on the outcome, mean deprivation */
  double la_w[N_LA], la_eff[N_LA], la_dep[N_LA], cum[N_LA];
  int la_region[N_LA];
  double la_spend[N_LA];
  uint64_t ls = seed ^ 0xA5A5A5A5ull;
  double tot = 0;
  for (int j = 0; j < N_LA; j++) {
    la_w[j] = 1 + (double)(splitmix(&ls) % 4);
    la_eff[j] = 2.0 * norm(&ls);
    la_dep[j] = 0.1 + 0.3 * unif(&ls);
    la_region[j] = 1 + (int)(splitmix(&ls) % 9);
    la_spend[j] = 5000 + 2000 * unif(&ls);
    tot += la_w[j];
    cum[j] = tot;
  }
  for (int j = 0; j < N_LA; j++) cum[j] /= tot;

  char path[4096];
  snprintf(path, sizeof path, "%s", out);
  size_t n = 0;
  while (path[n]) n++;
  if (n > 4 && path[n - 4] == '.') path[n - 4] = 0;
  char lapath[4200];
  snprintf(lapath, sizeof lapath, "%s_la.csv", path);

  struct sink kl, k;
  if (!sink_open(&kl, lapath, verify)) return 3;
  putf(&kl, "la,region,spend\n");
  for (int j = 0; j < N_LA; j++) putf(&kl, "%d,%d,%.2f\n", 201 + j, la_region[j], la_spend[j]);
  int rc = sink_close(&kl, lapath);
  if (rc) return rc;

  if (!sink_open(&k, out, verify)) return 3;
  static char buf[1 << 20];
  setvbuf(k.f, buf, _IOFBF, sizeof buf);
  putf(&k, "pupil_id,la,ncyear,sex,fsm,sen,eal,idaci,prior,treated,outcome\n");
  for (long long i = 1; i <= rows; i++) {
    uint64_t s = seed * 0x100000001B3ull + (uint64_t)i * 0x9E3779B97F4A7C15ull;
    splitmix(&s);
    double u = unif(&s);
    int lo = 0, hi = N_LA - 1; /* first authority with cum >= u */
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (cum[mid] >= u) hi = mid; else lo = mid + 1;
    }
    int la = lo;
    int ncyear = 1 + (int)(splitmix(&s) % 11);
    int male = (int)(splitmix(&s) & 1);
    double idaci = la_dep[la] + 0.12 * norm(&s);
    if (idaci < 0) idaci = 0;
    if (idaci > 1) idaci = 1;
    int fsm = unif(&s) < 0.08 + 0.6 * idaci;
    int sen = unif(&s) < (male ? 0.19 : 0.11);
    int eal = unif(&s) < 0.19;
    double prior = norm(&s) - 0.4 * fsm - 0.5 * sen - 0.6 * (idaci - 0.25);
    double lin = -5.75 + 0.8 * fsm + 0.7 * sen + 1.5 * idaci - 0.5 * prior;
    int treated = unif(&s) < 1.0 / (1.0 + exp(-lin));
    double outcome = 50 + 8 * prior - 3 * fsm - 4 * sen + 1 * eal - 5 * idaci + 1.5 * treated +
                     la_eff[la] + 6 * norm(&s);
    putf(&k, "%lld,%d,%d,%c,%d,%d,%d,%.3f,%.3f,%d,%.2f\n", i, 201 + la, ncyear, male ? 'M' : 'F', fsm, sen,
         eal, idaci, prior, treated, outcome);
    if (verify && !k.same) break;
  }
  rc = sink_close(&k, out);
  if (rc) return rc;
  /* the marks: the data are complete (and, with --mark, the same bytes) */
  rc = write_mark(lapath, N_LA, seed, kl.bytes);
  if (rc == 0) rc = write_mark(out, rows, seed, k.bytes);
  return rc;
}
