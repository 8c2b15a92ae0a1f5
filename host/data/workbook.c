/* host/data/workbook.c -- entry points of the workbook reader: open the
 * archive (libzip), choose the sheet by name or position, read it
 * (workbook_xlsx.c or workbook_ods.c) and build the table
 * (workbook_grid.c); and survey exports saved as CSV (libcsv).  Pure C. */
#define _GNU_SOURCE 1          /* memmem */
#include "workbook_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>

void workbook_opts_init(struct workbook_opts *o) {
  memset(o, 0, sizeof *o);
  o->header_rows = 1;
}

int workbook_kind_from_path(const char *path) {
  size_t n = strlen(path);
  if (n > 5 && (!strcasecmp(path + n - 5, ".xlsx") || !strcasecmp(path + n - 5, ".xlsm"))) return 1;
  if (n > 4 && !strcasecmp(path + n - 4, ".ods")) return 2;
  return 0;
}

char *wb_zip_read(zip_t *z, const char *name, size_t *len, int *missing) {
  *missing = 0;
  zip_int64_t i = zip_name_locate(z, name, 0);
  if (i < 0) { *missing = 1; return NULL; }
  zip_stat_t st;
  if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) return NULL;
  if (st.size > WB_MAX_PART) { *missing = 2; return NULL; }   /* a zip bomb, or no workbook a person made */
  zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
  if (!f) return NULL;
  char *buf = malloc((size_t)st.size + 1);
  if (!buf) { zip_fclose(f); *missing = WB_PART_NOMEM; return NULL; }
  zip_int64_t got = zip_fread(f, buf, st.size);
  zip_fclose(f);
  if (got < 0 || (zip_uint64_t)got != st.size) { free(buf); return NULL; }
  buf[st.size] = '\0';
  if (memmem(buf, (size_t)st.size, "<!DOCTYPE", 9) || memmem(buf, (size_t)st.size, "<!ENTITY", 8)) {
    free(buf);
    *missing = 3;
    return NULL;
  }
  *len = (size_t)st.size;
  return buf;
}

/* The limit on input size (--max-input) applies to a workbook as to a CSV
 * file: 1 when the file is over it (err filled). */
const char *wb_part_problem(int missing) {
  switch (missing) {
  case 1: return "is missing from the workbook";
  case 2: return "is larger than 1 GB uncompressed, the limit on one part of a workbook (the file is damaged, "
                 "or made to exhaust memory)";
  case WB_PART_NOMEM: return "could not be read: not enough memory";
  case 3: return "declares a document type (<!DOCTYPE>), which spreadsheets never write: its entities could "
                 "expand without bound or name other files, so it is not read";
  default: return "cannot be read (the workbook is damaged)";
  }
}

static int over_size(const char *path, const struct workbook_opts *o, struct workbook_error *err) {
  size_t maxb = o->csv && o->csv->max_bytes ? o->csv->max_bytes : CSVTAB_MAX_BYTES_DEFAULT;
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size <= (uintmax_t)maxb) return 0;
  wb_fail(err, "%s: the file is %.0f MB, over the limit on input size of %.0f MB (raise it with --max-input MB)",
          path, (double)st.st_size / 1048576.0, (double)maxb / 1048576.0);
  return 1;
}

static zip_t *open_zip(const char *path, struct workbook_error *err) {
  int code = 0;
  zip_t *z = zip_open(path, ZIP_RDONLY, &code);
  if (z) return z;
  if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ)
    wb_fail(err, "%s: cannot open the file", path);
  else if (code == ZIP_ER_NOZIP)
    wb_fail(err, "%s: not an Excel (.xlsx) or OpenDocument (.ods) workbook: it is not a zip archive "
         "(an old .xls file must be saved as .xlsx first)", path);
  else
    wb_fail(err, "%s: the workbook's zip archive is damaged (%s)", path,
         code == ZIP_ER_INCONS ? "inconsistent archive" : "cannot be read");
  return NULL;
}

static int list_sheets(zip_t *z, int kind, const char *path, char ***names, size_t *n,
                       struct workbook_error *err) {
  char msg[512] = "";
  int rc = kind == 1 ? wb_xlsx_sheets(z, names, n, msg, sizeof msg) : wb_ods_sheets(z, names, n, msg, sizeof msg);
  if (rc != 0) {
    wb_fail(err, "%s: %s", path, msg);
    if (err) err->nomem = rc == WB_ENOMEM;
  }
  return rc != 0 ? -1 : 0;
}

void workbook_sheets_free(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

int workbook_sheets(const char *path, char ***names, size_t *n, struct workbook_error *err) {
  int kind = workbook_kind_from_path(path);
  if (!kind) { wb_fail(err, "%s: not a .xlsx or .ods file", path); return -1; }
  zip_t *z = open_zip(path, err);
  if (!z) return -1;
  int rc = list_sheets(z, kind, path, names, n, err);
  zip_discard(z);
  return rc;
}

/* "a", "b", "c" (at most ~300 bytes, then "...") */
static void join_names(char **names, size_t n, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used + 1 < cap; i++) {
    if (used > 300) { snprintf(buf + used, cap - used, ", ..."); break; }
    used += (size_t)snprintf(buf + used, cap - used, "%s\"%s\"", i ? ", " : "", names[i]);
  }
}

struct frame *workbook_read(const char *path, const struct workbook_opts *o, struct workbook_error *err) {
  if (err) err->warning[0] = '\0';
  struct workbook_opts dflt;
  if (!o) { workbook_opts_init(&dflt); o = &dflt; }
  int kind = workbook_kind_from_path(path);
  if (!kind) { wb_fail(err, "%s: not a .xlsx or .ods file", path); return NULL; }
  if (over_size(path, o, err)) return NULL;
  zip_t *z = open_zip(path, err);
  if (!z) return NULL;
  struct frame *f = NULL;
  char **names = NULL;
  size_t n = 0;
  struct wb_grid g = {0};
  if (list_sheets(z, kind, path, &names, &n, err) != 0) goto done;
  if (n == 0) { wb_fail(err, "%s: the workbook has no sheets", path); goto done; }
  size_t pick = SIZE_MAX;
  char list[400];
  if (o->sheet_name) {
    for (size_t i = 0; i < n && pick == SIZE_MAX; i++) if (!strcmp(names[i], o->sheet_name)) pick = i;
    for (size_t i = 0; i < n && pick == SIZE_MAX; i++) if (!strcasecmp(names[i], o->sheet_name)) pick = i;
    if (pick == SIZE_MAX) {
      join_names(names, n, list, sizeof list);
      wb_fail(err, "%s: no sheet \"%s\" (its sheets: %s)", path, o->sheet_name, list);
      goto done;
    }
  } else {
    pick = o->sheet_pos ? o->sheet_pos - 1 : 0;
    if (pick >= n) {
      join_names(names, n, list, sizeof list);
      wb_fail(err, "%s: sheet %zu asked for, but the workbook has %zu sheet%s (%s)", path, pick + 1, n,
           n == 1 ? "" : "s", list);
      goto done;
    }
  }
  char where[512], msg[512] = "";
  snprintf(where, sizeof where, "%s: sheet \"%s\"", path, names[pick]);
  int rc = kind == 1 ? wb_xlsx_read(z, pick, &g, msg, sizeof msg) : wb_ods_read(z, pick, &g, msg, sizeof msg);
  if (rc != 0) {
    wb_fail(err, "%s: %s", where, msg);
    if (err) err->nomem = rc == WB_ENOMEM;
    goto done;
  }
  f = wb_grid_frame(&g, where, o, err);
done:
  wb_grid_free(&g);
  workbook_sheets_free(names, n);
  zip_discard(z);
  return f;
}

/* ===== survey exports saved as CSV ===== */

struct csv_grid {
  struct wb_grid *g;
  size_t row, col;
  int oom;
};

static void on_field(void *s, size_t len, void *p) {
  struct csv_grid *c = p;
  if (len && !c->oom && wb_grid_set(c->g, c->row, c->col, s, len, WB_TEXT) != 0) c->oom = 1;
  c->col++;
}

static void on_row(int ch, void *p) {
  (void)ch;
  struct csv_grid *c = p;
  c->row++;
  c->col = 0;
}

struct frame *workbook_read_survey_csv(const char *path, const struct workbook_opts *o,
                                       struct workbook_error *err) {
  if (err) err->warning[0] = '\0';
  struct workbook_opts dflt;
  if (!o) { workbook_opts_init(&dflt); o = &dflt; }
  if (over_size(path, o, err)) return NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) { wb_fail(err, "%s: cannot open the file", path); return NULL; }
  struct wb_grid g = {0};
  struct csv_parser p;
  struct frame *f = NULL;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) { fclose(fp); wb_fail_nomem(err, path); return NULL; }
  struct csv_grid c = {&g, 0, 0, 0};
  char buf[65536];
  size_t got;
  int bad = 0, first = 1;
  while (!bad && (got = fread(buf, 1, sizeof buf, fp)) > 0) {
    char *s = buf;
    size_t len = got;
    if (first && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) { s += 3; len -= 3; }   /* byte-order mark */
    first = 0;
    if (memchr(s, '\0', len)) { bad = 2; break; }
    if (csv_parse(&p, s, len, on_field, on_row, &c) != len) bad = 1;
  }
  if (!bad && csv_fini(&p, on_field, on_row, &c) != 0) bad = 1;
  const char *why = bad == 1 ? csv_strerror(csv_error(&p)) : "";
  csv_free(&p);
  fclose(fp);
  if (bad == 2) wb_fail(err, "%s: contains a NUL byte: this looks like a binary file", path);
  else if (bad) wb_fail(err, "%s: malformed CSV near record %zu (%s)", path, c.row + 1, why);
  else if (c.oom) wb_fail_nomem(err, path);
  else f = wb_grid_frame(&g, path, o, err);
  wb_grid_free(&g);
  return f;
}
