/* tests/fuzz/csv_diff.c -- differential: the CSV fast path against libcsv.
 * Input: one option byte (the separator, limits on field length, columns
 * and rows), then the file.
 *  1. Records: the bytes are parsed once by libcsv alone, in one csv_parse
 *     call over the whole input (up to a NUL) and csv_fini, set up as the
 *     loader sets it up (csvtab_parser_init).  The record driver
 *     (csvtab_drive) must give the very same records and fields, and stop
 *     with the same result at the same byte, with the fast splitter on, with
 *     the portable splitter, and with the fast path off, whatever the limit
 *     on columns (a wider line is left to libcsv, never split differently).
 *  2. Frames: the loader with each splitter must give the frame (or the
 *     error, with its line and column) that it gives with libcsv alone.
 *  3. Threads: the loader on 2 and 3 threads, with parts of a few bytes,
 *     must give the frame of one thread byte for byte (placeholders and
 *     dictionary order included), or the same error. */
#include <string.h>

#include "data/csvtab_int.h"
#include "frame_check.h"

/* Records as one byte string: per field "F<len>:<bytes>", per record "R". */
struct rec {
  char *s;
  size_t n, cap;
  int halt;
};

static void put(struct rec *r, const char *s, size_t n) {
  if (r->n + n + 32 > r->cap) {
    size_t nc = r->cap ? r->cap : 4096;
    while (r->n + n + 32 > nc) nc *= 2;
    char *ns = realloc(r->s, nc);
    if (!ns) fuzz_fail("out of memory");
    r->s = ns; r->cap = nc;
  }
  memcpy(r->s + r->n, s, n);
  r->n += n;
}

static void on_field(void *s, size_t len, void *u) {
  char head[32];
  int k = snprintf(head, sizeof head, "F%zu:", len);
  put(u, head, (size_t)k);
  put(u, s, len);
}

static void on_row(int term, void *u) { (void)term; put(u, "R", 1); }

static int on_records(void *u, const struct csvtab_span *f, const size_t *n, size_t nrec) {
  for (size_t r = 0; r < nrec; r++) {
    for (size_t k = 0; k < n[r]; k++, f++) on_field((void *)f->s, f->len, u);
    on_row('\n', u);
  }
  return 0;
}

/* libcsv alone over buf[0, len) (up to the first NUL). Returns a CSVTAB_DRV_*
 * result and, for a parse error, the offset of the offending byte in *at. */
static int libcsv_alone(const char *buf, size_t len, unsigned char delim, struct rec *r, size_t *at) {
  struct csv_parser p;
  csvtab_parser_init(&p, delim);
  const char *z = memchr(buf, '\0', len);
  size_t stop = z ? (size_t)(z - buf) : len;
  int rc = CSVTAB_DRV_OK;
  size_t got = csv_parse(&p, buf, stop, on_field, on_row, r);
  if (got != stop) {
    *at = got;
    rc = csv_error(&p) == CSV_EPARSE ? CSVTAB_DRV_EPARSE : CSVTAB_DRV_ENOMEM;
  } else if (!z && csv_fini(&p, on_field, on_row, r) != 0) {
    rc = CSVTAB_DRV_UNCLOSED;
  }
  csv_free(&p);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const unsigned char delims[] = {',', '\t', ';', ' ', ',', '|', ',', 'a'};
  unsigned char delim = delims[data[0] & 7];
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;

  struct rec ref = {0};
  size_t ref_at = 0;
  int ref_rc = libcsv_alone(buf, len, delim, &ref, &ref_at);
  for (int fast = CSVTAB_FAST_OFF; fast <= CSVTAB_FAST_PORTABLE; fast++) {
    struct rec got = {0};
    struct csvtab_drv d = {.buf = buf, .stop = len, .delim = delim, .fast = fast,
                           .maxf = (size_t)-1, .maxcols = data[0] & 16 ? 3 : 0,
                           .field = on_field, .row = on_row,
                           .records = on_records, .u = &got, .halt = &got.halt};
    int rc = csvtab_drive(&d);
    if (rc != ref_rc) fuzz_fail("fast path %d: result %d, libcsv alone: %d", fast, rc, ref_rc);
    if (rc == CSVTAB_DRV_EPARSE && d.at != ref_at)
      fuzz_fail("fast path %d: parse error at byte %zu, libcsv alone: %zu", fast, d.at, ref_at);
    if (got.n != ref.n || (ref.n && memcmp(got.s, ref.s, ref.n) != 0)) {
      size_t i = 0;
      while (i < got.n && i < ref.n && got.s[i] == ref.s[i]) i++;
      fuzz_fail("fast path %d: records differ from libcsv alone at byte %zu of %zu/%zu", fast, i, got.n, ref.n);
    }
    free(got.s);
  }
  free(ref.s);

  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.delim = (char)delim;
  if (data[0] & 8) o.max_field = 24;
  if (data[0] & 16) o.max_columns = 3;
  if (data[0] & 32) o.max_rows = 4;
  struct csvtab_error e0, e1;
  struct frame *f0 = csvtab_read_mem_ex(buf, len, "t.csv", &o, &e0, CSVTAB_FAST_OFF);
  if (f0) fz_frame_check(f0);
  for (int mode = CSVTAB_FAST_ON; mode <= CSVTAB_FAST_PORTABLE; mode++) {
    struct frame *f1 = csvtab_read_mem_ex(buf, len, "t.csv", &o, &e1, mode);
    char why[200] = "";
    if (!f0 != !f1)
      fuzz_fail("fast path %d: %s, libcsv alone: %s", mode, f1 ? "loads" : e1.msg, f0 ? "loads" : e0.msg);
    if (f0 && fz_frame_diff(f0, f1, why, sizeof why))
      fuzz_fail("fast path %d differs from libcsv alone: %s", mode, why);
    if (!f0 && (strcmp(e0.msg, e1.msg) || e0.line != e1.line || e0.column != e1.column ||
                strcmp(e0.colname, e1.colname)))
      fuzz_fail("fast path %d: \"%s\", libcsv alone: \"%s\"", mode, e1.msg, e0.msg);
    frame_free(f1);
  }
  /* 3. Threads: cut into parts as small as 1 to 4 bytes (the option byte's
   *    top bits) on 2 and 3 threads, the frame or the error must be the one
   *    of a single thread, to the byte. */
  for (unsigned th = 2; th <= 3; th++) {
    size_t parts = 0;
    struct frame *f1 = csvtab_read_mem_par(buf, len, "t.csv", &o, &e1, CSVTAB_FAST_ON, th,
                                           1 + (data[0] >> 6), &parts);
    char why[200] = "";
    if (!f0 != !f1)
      fuzz_fail("%u threads: %s, one thread: %s", th, f1 ? "loads" : e1.msg, f0 ? "loads" : e0.msg);
    if (f0 && fz_frame_same(f0, f1, why, sizeof why))
      fuzz_fail("%u threads (%zu parts) differ from one thread: %s", th, parts, why);
    if (!f0 && (strcmp(e0.msg, e1.msg) || e0.line != e1.line || e0.column != e1.column ||
                strcmp(e0.colname, e1.colname)))
      fuzz_fail("%u threads: \"%s\", one thread: \"%s\"", th, e1.msg, e0.msg);
    frame_free(f1);
  }
  frame_free(f0);
  return 0;
}
