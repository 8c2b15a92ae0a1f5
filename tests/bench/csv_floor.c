/* tests/bench/csv_floor.c -- the floor of a CSV load on this machine: the CPU
 * time (best of REPEATS, CLOCK_PROCESS_CPUTIME_ID) of the passes any loader
 * of a plain numeric file must make, each alone, to set against
 * tests/bench/csv_load.c (the real loader).  Built by hand, not by make:
 *   gcc -std=gnu11 -O2 tests/bench/csv_floor.c -o /tmp/csv_floor
 *   /tmp/csv_floor ~/.cache/csceval/national/national_1m.csv 10
 * Only for comma-separated files with no quotes, spaces or missing values
 * (such as tests/bench/gen_national.c's): each column's kind (whole number,
 * decimal, text) is taken from the first data row, and nothing is checked.
 * The passes:
 *   read    pread of the whole file into new anonymous memory (huge pages
 *           asked for, as the loader does): page-cache copy, zeroing, faults
 *   copy    the same into memory already touched: the copy alone
 *   touch   a sum over the file's 8-byte words: reading the bytes once
 *   scan    SSE2 compare of every byte with LF and ',' and a popcount: no
 *           work per field
 *   split   SSE2 masks with every field's end found (a bit at a time): the
 *           least a splitter does per field
 *   columns first touch of the column storage (8 bytes a number, 4 a code)
 *           in new memory: the kernel's zeroing and faults
 *   convert split, then each field converted (digit loop; decimals one
 *           division, Clinger's fast path) and stored into columns touched
 *           before
 *   single  one scalar pass converting while it scans (no split first),
 *           into columns touched before
 * Figures: docs/performance.md ("CSV load: the floor"). */
#define _GNU_SOURCE
#include <emmintrin.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { K_INT, K_DEC, K_TEXT };
#define MAXC 64

static const double p10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
static char *buf;
static size_t len, body, nrows;
static int fd, H, kind[MAXC];
static void *col[MAXC];
static volatile uint64_t sink;
/* text: the last label of each column and a code for it (a stand-in) */
static const char *lastp[MAXC];
static size_t lastl[MAXC];
static int32_t lastc[MAXC];

static double cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void read_into(char *b) {
  for (size_t o = 0; o < len;) {
    ssize_t r = pread(fd, b + o, len - o, (off_t)o);
    if (r <= 0) { perror("pread"); exit(1); }
    o += (size_t)r;
  }
}

static void pass_read(void) {
  char *b = mmap(NULL, len + 64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b == MAP_FAILED) { perror("mmap"); exit(1); }
  madvise(b, len & ~(size_t)4095, MADV_HUGEPAGE);
  read_into(b);
  munmap(b, len + 64);
}

static uint64_t pass_touch(void) {
  uint64_t s = 0;
  for (size_t i = 0; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, buf + i, 8);
    s += w;
  }
  return s;
}

static uint64_t pass_scan(void) {
  const __m128i nl = _mm_set1_epi8('\n'), d = _mm_set1_epi8(',');
  uint64_t n = 0;
  for (size_t i = 0; i + 16 <= len; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
    n += (uint64_t)__builtin_popcount((unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, d))));
  }
  return n;
}

static inline int64_t conv_int(const char *s, size_t l) {
  int neg = s[0] == '-';
  size_t i = neg || s[0] == '+';
  uint64_t u = 0;
  for (; i < l; i++) u = u * 10 + (unsigned)(s[i] - '0');
  return neg ? -(int64_t)u : (int64_t)u;
}

static inline double conv_dec(const char *s, size_t l) {
  int neg = s[0] == '-';
  size_t i = neg || s[0] == '+', nf = 0;
  uint64_t m = 0;
  int dot = 0;
  for (; i < l; i++) {
    unsigned c = (unsigned)(s[i] - '0');
    if (c < 10) { m = m * 10 + c; nf += (size_t)dot; } else dot = 1;
  }
  double v = (double)m / p10[nf];
  return neg ? -v : v;
}

static inline int32_t conv_text(int k, const char *s, size_t l) {
  if (l != lastl[k] || memcmp(s, lastp[k], l)) {
    lastp[k] = s; lastl[k] = l; lastc[k] = (unsigned char)s[0];
  }
  return lastc[k];
}

/* SSE2 split from the body on; convert: store each field into its column */
static uint64_t pass_split(int convert) {
  const __m128i nl = _mm_set1_epi8('\n'), d = _mm_set1_epi8(',');
  uint64_t acc = 0;
  size_t a = body, row = 0;
  int k = 0;
  for (size_t i = body & ~(size_t)15; i + 16 <= len; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, nl),
                                                          _mm_cmpeq_epi8(v, d)));
    if (i < body) m &= ~((1u << (body - i)) - 1);
    while (m) {
      size_t e = i + (unsigned)__builtin_ctz(m);
      m &= m - 1;
      const char *s = buf + a;
      size_t l = e - a;
      if (!convert) acc += l;
      else if (kind[k] == K_INT) ((int64_t *)col[k])[row] = conv_int(s, l);
      else if (kind[k] == K_DEC) ((double *)col[k])[row] = conv_dec(s, l);
      else ((int32_t *)col[k])[row] = conv_text(k, s, l);
      a = e + 1;
      if (buf[e] == '\n') { row++; k = 0; } else k++;
    }
  }
  return convert ? row : acc;
}

/* One scalar pass: each field converted as its bytes are read. */
static size_t pass_single(void) {
  const char *p = buf + body, *e = buf + len;
  size_t row = 0;
  while (p < e) {
    for (int k = 0; k < H; k++) {
      char term = k == H - 1 ? '\n' : ',';
      int neg = *p == '-';
      unsigned dg;
      if (kind[k] == K_TEXT) {
        const char *q = p;
        while (*p != term) p++;
        ((int32_t *)col[k])[row] = conv_text(k, q, (size_t)(p - q));
      } else {
        p += neg | (*p == '+');
        uint64_t u = 0;
        while ((dg = (unsigned)(*p - '0')) < 10) { u = u * 10 + dg; p++; }
        if (kind[k] == K_INT) {
          ((int64_t *)col[k])[row] = neg ? -(int64_t)u : (int64_t)u;
        } else {
          size_t nf = 0;
          if (*p == '.') {
            const char *f0 = ++p;
            while ((dg = (unsigned)(*p - '0')) < 10) { u = u * 10 + dg; p++; }
            nf = (size_t)(p - f0);
          }
          double v = (double)u / p10[nf];
          ((double *)col[k])[row] = neg ? -v : v;
        }
      }
      p++;                                    /* the delimiter or LF */
    }
    row++;
  }
  return row;
}

static size_t col_bytes(int k) { return nrows * (kind[k] == K_TEXT ? 4 : 8); }

static void cols_new(void) {
  for (int k = 0; k < H; k++) {
    col[k] = malloc(col_bytes(k) + 64);
    if (!col[k]) { perror("malloc"); exit(1); }
    uintptr_t a = ((uintptr_t)col[k] + 4095) & ~(uintptr_t)4095;
    if (col_bytes(k) > 8192) madvise((void *)a, col_bytes(k) - 8192, MADV_HUGEPAGE);
  }
}

static void cols_touch(void) {
  for (int k = 0; k < H; k++) memset(col[k], 0, col_bytes(k));
}

static void cols_free(void) {
  for (int k = 0; k < H; k++) free(col[k]);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: csv_floor FILE.csv [REPEATS]\n"); return 2; }
  int reps = argc > 2 ? atoi(argv[2]) : 5;
  struct stat st;
  if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) != 0) { perror(argv[1]); return 1; }
  len = (size_t)st.st_size;
  if (!(buf = malloc(len + 64))) { perror("malloc"); return 1; }
  read_into(buf);
  memset(buf + len, '\n', 64);               /* the scalar pass may look one byte past */
  const char *nl = memchr(buf, '\n', len);
  if (!nl) { fprintf(stderr, "no line end\n"); return 1; }
  body = (size_t)(nl - buf) + 1;
  H = 1;
  for (size_t i = 0; i < body; i++) H += buf[i] == ',';
  if (H > MAXC) { fprintf(stderr, "more than %d columns\n", MAXC); return 1; }
  const char *s = buf + body;
  for (int k = 0; k < H; k++) {
    size_t l = strcspn(s, ",\n");
    int t = K_INT;
    for (size_t i = 0; i < l; i++) {
      char c = s[i];
      if (c == '.') { if (t == K_INT) t = K_DEC; }
      else if (!((c >= '0' && c <= '9') || ((c == '-' || c == '+') && i == 0))) t = K_TEXT;
    }
    kind[k] = t;
    s += l + 1;
  }
  for (size_t i = body; i < len; i++) nrows += buf[i] == '\n';
  size_t nf = nrows * (size_t)H, cb = 0;
  for (int k = 0; k < H; k++) cb += col_bytes(k);
  printf("%s: %zu bytes, %zu rows, %d columns (", argv[1], len, nrows, H);
  for (int k = 0; k < H; k++) printf("%c", "idt"[kind[k]]);
  printf("), %zu fields, %.1f MB of columns\n", nf, (double)cb / 1e6);
  static const char *name[] = {"read", "copy", "touch", "scan", "split", "columns", "convert",
                               "single"};
  for (int p = 0; p < 8; p++) {
    double best = 1e300;
    if (p >= 6) { cols_new(); cols_touch(); }
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
      if (p == 5) cols_new();
      double t0 = cpu();
      switch (p) {
      case 0: pass_read(); break;
      case 1: read_into(buf); break;
      case 2: sink += pass_touch(); break;
      case 3: sink += pass_scan(); break;
      case 4: sink += pass_split(0); break;
      case 5: cols_touch(); break;
      case 6: sink += pass_split(1); break;
      default: sink += pass_single(); break;
      }
      double t = cpu() - t0;
      if (p == 5) cols_free();
      if (t < best) best = t;
    }
    if (p >= 6) cols_free();
    printf("%-8s %.4f s  %.3f ns a byte  %.2f ns a field\n", name[p], best, best * 1e9 / (double)len,
           best * 1e9 / (double)nf);
  }
  return 0;
}
