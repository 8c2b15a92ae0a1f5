/* tests/fuzz/csv.c -- the CSV loader (host/data/csvtab.c).
 * Input: one option byte, then the file.  The option byte picks the
 * separator, a small field limit, type overrides and small limits on
 * columns, rows and file size, so those paths are fuzzed too.  Checks: no crash or sanitizer report; a load gives a frame
 * that keeps every invariant (fz_frame_check) and an error gives a message
 * naming the file; the same bytes read from a file on disk (csvtab_read)
 * give the same frame or the same error, unless the file is over the size
 * limit, which must then be the error. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "data/csvtab.h"
#include "frame_check.h"

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  snprintf(path, sizeof path, "/tmp/csceval-fuzz-csv-%ld.csv", (long)getpid());
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char delims[] = {',', '\t', ';', '|', ' ', ',', ',', '"'};
  static const char *const names[] = {"a", "b", "x", "SNP_2"};
  static const enum frame_type types[] = {FRAME_I64, FRAME_F64, FRAME_DATE, FRAME_CAT};
  unsigned opt = data[0];
  struct csvtab_opts o;
  csvtab_opts_init(&o);
  o.delim = delims[opt & 7];
  if (opt & 8) o.max_field = 16;
  if (opt & 16) {
    o.override_names = names;
    o.override_types = types;
    o.noverride = 4;
  }
  if (opt & 32) {                 /* as the SSDA903 reader does: every column text */
    static const char *const all[] = {"a", "b", "c", "d", "e"};
    static const enum frame_type text[] = {FRAME_CAT, FRAME_CAT, FRAME_CAT, FRAME_CAT, FRAME_CAT};
    o.override_names = all;
    o.override_types = text;
    o.noverride = 5;
  }
  if (opt & 64) {
    o.max_columns = 4;
    o.max_rows = 6;
  }
  if (opt & 128) o.max_bytes = 48;
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;
  struct csvtab_error e, e2;
  /* the memory read is labelled with the file's path, so the two messages
   * must be the same bytes */
  struct frame *f = csvtab_read_mem(buf, len, path, &o, &e);
  if (f) fz_frame_check(f);
  else if (strncmp(e.msg, path, strlen(path)) != 0) fuzz_fail("message without the file name: %s", e.msg);

  FILE *fp = fopen(path, "wb");
  if (!fp || fwrite(buf, 1, len, fp) != len || fclose(fp) != 0) fuzz_fail("cannot write %s", path);
  struct frame *g = csvtab_read(path, &o, &e2);
  unlink(path);
  char why[200];
  if (o.max_bytes && len > o.max_bytes) {
    if (g || !strstr(e2.msg, "over the limit on input size")) fuzz_fail("a file of %zu bytes read with a limit of %zu", len, o.max_bytes);
    frame_free(f);
    return 0;
  }
  if (!f != !g) fuzz_fail("from memory: %s; from the file: %s", f ? "loads" : e.msg, g ? "loads" : e2.msg);
  if (f && fz_frame_diff(f, g, why, sizeof why)) fuzz_fail("memory and file differ: %s", why);
  if (!f && (strcmp(e.msg, e2.msg) != 0 || e.line != e2.line || e.column != e2.column))
    fuzz_fail("memory: \"%s\" file: \"%s\"", e.msg, e2.msg);
  frame_free(f);
  frame_free(g);
  return 0;
}
