/* host/render/xlsxout.c -- see xlsxout.h.  libxlsxwriter (Debian's
 * libxlsxwriter-dev) does the OOXML; this file keeps the temporary file and
 * a small cache of cell formats (one per number format and weight). */
#include "xlsxout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define XO_MAX_FORMATS 64

struct xo_format {
  char num[32];
  int bold;
  lxw_format *f;
};

struct xo_book {
  char path[4096];
  lxw_workbook *wb;
  lxw_worksheet *ws;
  struct xo_format formats[XO_MAX_FORMATS];
  int nformats;
};

struct xo_book *xo_new(char *err, size_t errlen) {
  struct xo_book *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  snprintf(b->path, sizeof b->path, "%s/csceval-xlsx-XXXXXX", tmp);
  int fd = mkstemp(b->path);
  if (fd < 0) {
    snprintf(err, errlen, "cannot make a temporary file in %s for the workbook", tmp);
    free(b);
    return NULL;
  }
  close(fd);
  b->wb = workbook_new(b->path);
  if (!b->wb) {
    snprintf(err, errlen, "libxlsxwriter could not start a workbook");
    unlink(b->path);
    free(b);
    return NULL;
  }
  return b;
}

int xo_sheet(struct xo_book *b, const char *name, char *err, size_t errlen) {
  lxw_error e = workbook_validate_sheet_name(b->wb, name);
  if (e != LXW_NO_ERROR) {
    snprintf(err, errlen, "sheet name \"%s\": %s", name, lxw_strerror(e));
    return -1;
  }
  b->ws = workbook_add_worksheet(b->wb, name);
  if (!b->ws) {
    snprintf(err, errlen, "sheet \"%s\" could not be added", name);
    return -1;
  }
  return 0;
}

static lxw_format *format_for(struct xo_book *b, const char *num, int bold) {
  if (!num && !bold) return NULL;
  for (int i = 0; i < b->nformats; i++) {
    struct xo_format *x = &b->formats[i];
    if (x->bold == bold && strcmp(x->num, num ? num : "") == 0) return x->f;
  }
  if (b->nformats == XO_MAX_FORMATS) return NULL;   /* General beyond that many */
  struct xo_format *x = &b->formats[b->nformats++];
  snprintf(x->num, sizeof x->num, "%s", num ? num : "");
  x->bold = bold;
  x->f = workbook_add_format(b->wb);
  if (num) format_set_num_format(x->f, num);
  if (bold) format_set_bold(x->f);
  return x->f;
}

int xo_number(struct xo_book *b, int row, int col, double v, const char *num_format, int bold) {
  if (!b->ws) return -1;
  return worksheet_write_number(b->ws, (lxw_row_t)row, (lxw_col_t)col, v,
                                format_for(b, num_format, bold)) == LXW_NO_ERROR ? 0 : -1;
}

int xo_string(struct xo_book *b, int row, int col, const char *s, int bold) {
  if (!b->ws) return -1;
  return worksheet_write_string(b->ws, (lxw_row_t)row, (lxw_col_t)col, s,
                                format_for(b, NULL, bold)) == LXW_NO_ERROR ? 0 : -1;
}

int xo_properties(struct xo_book *b, const char *title, const char *comments, double created) {
  lxw_doc_properties props;
  memset(&props, 0, sizeof props);
  props.title = (char *)title;
  props.comments = (char *)comments;
  props.author = "csceval";
  props.created = (time_t)created;
  return workbook_set_properties(b->wb, &props) == LXW_NO_ERROR ? 0 : -1;
}

void xo_width(struct xo_book *b, int col, double width) {
  if (b->ws) worksheet_set_column(b->ws, (lxw_col_t)col, (lxw_col_t)col, width, NULL);
}

void xo_freeze_header(struct xo_book *b) {
  if (b->ws) worksheet_freeze_panes(b->ws, 1, 0);
}

unsigned char *xo_finish(struct xo_book *b, size_t *len, char *err, size_t errlen) {
  unsigned char *data = NULL;
  lxw_error e = workbook_close(b->wb);
  b->wb = NULL;
  if (e != LXW_NO_ERROR) {
    snprintf(err, errlen, "libxlsxwriter: %s", lxw_strerror(e));
    goto done;
  }
  FILE *f = fopen(b->path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot read back the workbook's temporary file");
    goto done;
  }
  long n = (fseek(f, 0, SEEK_END) == 0) ? ftell(f) : -1;
  if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n))) {
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    }
  }
  fclose(f);
  if (!data) snprintf(err, errlen, "cannot read back the workbook's temporary file");
  else *len = (size_t)n;
done:
  unlink(b->path);
  free(b);
  return data;
}

void xo_discard(struct xo_book *b) {
  if (!b) return;
  if (b->wb) workbook_close(b->wb);
  unlink(b->path);
  free(b);
}
