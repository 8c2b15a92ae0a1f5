/* host/data/workbook_grid.c -- the grid of cell texts a sheet (or a survey
 * export) is read into, and the table built from it: merged cells filled
 * from their anchor, the table found below title rows, a survey export's
 * two header rows turned into one column per question or per option, and
 * the result read by the CSV loader so every CSV rule applies.  Pure C. */
#include "workbook_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ===== the grid ===== */

static int row_reserve(struct wb_row *w, size_t n) {
  if (n <= w->cap) return 0;
  size_t nc = w->cap ? w->cap : 8;
  while (nc < n) nc *= 2;
  struct wb_cell *p = realloc(w->cell, nc * sizeof *p);
  if (!p) return -1;
  memset(p + w->cap, 0, (nc - w->cap) * sizeof *p);
  w->cell = p; w->cap = nc;
  return 0;
}

int wb_grid_set(struct wb_grid *g, size_t r, size_t c, const char *text, size_t len,
                enum wb_kind kind) {
  if (r >= WB_MAX_ROWS || c >= WB_MAX_COLS) return -1;
  if (r >= g->cap) {
    size_t nc = g->cap ? g->cap : 64;
    while (nc <= r) nc *= 2;
    struct wb_row *p = realloc(g->row, nc * sizeof *p);
    if (!p) return -1;
    memset(p + g->cap, 0, (nc - g->cap) * sizeof *p);
    g->row = p; g->cap = nc;
  }
  if (r >= g->nrow) g->nrow = r + 1;
  struct wb_row *w = &g->row[r];
  if (row_reserve(w, c + 1) != 0) return -1;
  if (c >= w->n) w->n = c + 1;
  struct wb_cell *x = &w->cell[c];
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, text, len);
  copy[len] = '\0';
  free(x->text);
  x->text = copy;
  x->kind = (uint8_t)kind;
  x->covered = 0;
  return 0;
}

int wb_grid_add_merge(struct wb_grid *g, size_t r0, size_t c0, size_t r1, size_t c1) {
  if (g->nmerge == g->capmerge) {
    size_t nc = g->capmerge ? g->capmerge * 2 : 16;
    struct wb_merge *p = realloc(g->merge, nc * sizeof *p);
    if (!p) return -1;
    g->merge = p; g->capmerge = nc;
  }
  g->merge[g->nmerge++] = (struct wb_merge){r0, c0, r1, c1};
  return 0;
}

void wb_grid_free(struct wb_grid *g) {
  for (size_t r = 0; r < g->nrow; r++) {
    for (size_t c = 0; c < g->row[r].n; c++) free(g->row[r].cell[c].text);
    free(g->row[r].cell);
  }
  free(g->row);
  free(g->merge);
  memset(g, 0, sizeof *g);
}

const struct wb_cell *wb_grid_at(const struct wb_grid *g, size_t r, size_t c) {
  if (r >= g->nrow || c >= g->row[r].n) return NULL;
  const struct wb_cell *x = &g->row[r].cell[c];
  return x->text ? x : NULL;
}

/* ===== small helpers ===== */

void wb_format_number(double x, char *buf, size_t cap) {
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, cap, "%.*g", p, x);
    if (strtod(buf, NULL) == x) return;
  }
}

void wb_cell_name(size_t r, size_t c, char *buf, size_t cap) {
  char col[8];
  size_t n = 0;
  c++;
  while (c > 0 && n < sizeof col) {
    c--;
    col[n++] = (char)('A' + c % 26);
    c /= 26;
  }
  size_t k = 0;
  while (n > 0 && k + 1 < cap) buf[k++] = col[--n];
  snprintf(buf + k, cap - k, "%zu", r + 1);
}

int wb_parse_ref(const char *s, size_t *r, size_t *c) {
  size_t col = 0, row = 0, i = 0;
  while (s[i] == '$') i++;
  size_t start = i;
  while (isalpha((unsigned char)s[i]) && i - start < 3) col = col * 26 + (size_t)(toupper((unsigned char)s[i++]) - 'A' + 1);
  if (i == start || col == 0) return -1;
  while (s[i] == '$') i++;
  size_t dstart = i;
  while (isdigit((unsigned char)s[i]) && i - dstart < 8) row = row * 10 + (size_t)(s[i++] - '0');
  if (i == dstart || row == 0) return -1;
  *r = row - 1;
  *c = col - 1;
  return 0;
}

void wb_fail(struct workbook_error *err, const char *fmt, ...) {
  if (!err) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  err->nomem = 0;
}

void wb_fail_nomem(struct workbook_error *err, const char *where) {
  wb_fail(err, "%s: not enough memory", where);
  if (err) err->nomem = 1;
}

int wb_oom(char *msg, size_t cap) {
  snprintf(msg, cap, "not enough memory");
  return WB_ENOMEM;
}

/* ===== merged cells ===== */

/* Every cell a merged range covers takes the anchor's text (a region name
 * merged down its authorities' rows applies to each of them); ranges are
 * clipped to the cells the sheet uses. */
static int apply_merges(struct wb_grid *g) {
  size_t maxc = 0;
  for (size_t r = 0; r < g->nrow; r++) if (g->row[r].n > maxc) maxc = g->row[r].n;
  for (size_t k = 0; k < g->nmerge; k++) {
    const struct wb_merge *m = &g->merge[k];
    const struct wb_cell *a = wb_grid_at(g, m->r0, m->c0);
    if (!a) continue;
    size_t r1 = m->r1 < g->nrow ? m->r1 : g->nrow - 1, c1 = m->c1 < maxc ? m->c1 : maxc - 1;
    char *text = a->text;
    size_t len = strlen(text);
    enum wb_kind kind = (enum wb_kind)a->kind;
    for (size_t r = m->r0; r <= r1; r++)
      for (size_t c = m->c0; c <= c1; c++) {
        if (r == m->r0 && c == m->c0) continue;
        if (wb_grid_set(g, r, c, text, len, kind) != 0) return -1;
        text = g->row[m->r0].cell[m->c0].text;   /* the set may have moved rows */
        g->row[r].cell[c].covered = 1;
      }
  }
  return 0;
}

/* ===== finding the table ===== */

/* Cells with a value of their own (merged copies not counted). */
static size_t row_count(const struct wb_grid *g, size_t r) {
  size_t n = 0;
  for (size_t c = 0; r < g->nrow && c < g->row[r].n; c++)
    n += g->row[r].cell[c].text && !g->row[r].cell[c].covered;
  return n;
}

static int row_empty(const struct wb_grid *g, size_t r) {
  for (size_t c = 0; r < g->nrow && c < g->row[r].n; c++)
    if (g->row[r].cell[c].text && g->row[r].cell[c].text[0]) return 0;
  return 1;
}

/* The header row: the first row holding at least half as many values as
 * the fullest row (and at least two, unless no row has two).  Title and
 * note rows above a table hold one cell each, so they are passed over. */
static size_t find_header(const struct wb_grid *g) {
  size_t w = 0;
  for (size_t r = 0; r < g->nrow; r++) { size_t n = row_count(g, r); if (n > w) w = n; }
  size_t need = (w + 1) / 2;
  if (need < 2) need = w < 2 ? 1 : 2;
  for (size_t r = 0; r < g->nrow; r++) if (row_count(g, r) >= need && !row_empty(g, r)) return r;
  return SIZE_MAX;
}

/* A row below the table that looks like more of it: two or more values,
 * or one value that is a number, date or boolean.  A row of one text cell
 * is a footnote ("Source: ...", "c = suppressed"), which tables published
 * by DfE, Ofsted and ONS put under a blank row. */
static int row_looks_like_data(const struct wb_grid *g, size_t r) {
  size_t n = 0;
  int typed = 0;
  for (size_t c = 0; c < g->row[r].n; c++) {
    const struct wb_cell *x = &g->row[r].cell[c];
    if (!x->text || !x->text[0] || x->covered) continue;
    n++;
    typed |= x->kind == WB_NUMBER || x->kind == WB_DATE || x->kind == WB_BOOL;
  }
  return n >= 2 || (n == 1 && typed);
}

/* The table ends at the empty row `blank` (0-based); rows under it that
 * look like data are not read, and the warning says which (1-based, as the
 * sheet shows them) and what to do. */
static void warn_rows_below(const struct wb_grid *g, size_t blank, const char *where,
                            struct workbook_error *err) {
  size_t first = SIZE_MAX, last = 0, n = 0;
  for (size_t r = blank + 1; r < g->nrow; r++)
    if (row_looks_like_data(g, r)) {
      if (first == SIZE_MAX) first = r;
      last = r;
      n++;
    }
  if (!n || !err) return;
  char rows[96];
  if (n == 1) snprintf(rows, sizeof rows, "row %zu", first + 1);
  else snprintf(rows, sizeof rows, "%zu rows between rows %zu and %zu", n, first + 1, last + 1);
  snprintf(err->warning, sizeof err->warning,
           "%s: %s below the empty row %zu hold%s values that were not read: the table ends at its "
           "first empty row. To read them with the table, delete the empty row; to read them as a "
           "table of their own, give header_row = %zu (csceval describe: --header-row %zu)",
           where, rows, blank + 1, n == 1 ? "s" : "", first + 1, first + 1);
}

/* ===== survey exports: question row, then option row ===== */

/* snake_case of s, at most 40 bytes cut at a word boundary: "How safe do
 * you feel?" -> "how_safe_do_you_feel".  Non-ASCII letters become '_'. */
static void snake(const char *s, char *out, size_t cap) {
  size_t n = 0;
  int under = 0;
  for (; *s && n + 1 < cap; s++) {
    unsigned char ch = (unsigned char)*s;
    if (isalnum(ch) && ch < 0x80) {
      if (under && n) out[n++] = '_';
      under = 0;
      if (n + 1 < cap) out[n++] = (char)tolower(ch);
    } else {
      under = 1;
    }
  }
  out[n] = '\0';
  if (n > 40) {
    size_t cut = 40;
    while (cut > 20 && out[cut] != '_') cut--;
    out[cut] = '\0';
  }
}

static const char *cell_text(const struct wb_grid *g, size_t r, size_t c) {
  const struct wb_cell *x = wb_grid_at(g, r, c);
  return x ? x->text : "";
}

static int single_answer(const char *opt) {
  return !*opt || !strcasecmp(opt, "Response") || !strcasecmp(opt, "Open-Ended Response");
}

struct survey_col {
  char name[160];
  char *label;       /* owned */
  int choice;        /* 1: a tick-box option, read as true/false */
  size_t group;      /* first column of its question */
};

/* Names, labels and tick-box groups of a survey export's columns c0..c1
 * with the question in row h and the option in row h + 1; data rows d0..d1. */
static int survey_columns(const struct wb_grid *g, size_t h, size_t c0, size_t c1, size_t d0,
                          size_t d1, struct survey_col *sc) {
  const char *q = "";
  size_t group = c0, span = 0;
  for (size_t c = c0; c <= c1; c++) {
    const struct wb_cell *x = wb_grid_at(g, h, c);
    if (x && !x->covered && x->text[0]) { q = x->text; group = c; span = 0; }
    struct survey_col *s = &sc[c - c0];
    s->group = group;
    const char *opt = cell_text(g, h + 1, c);
    /* the question's width, measured once per question (linear in columns) */
    if (span == 0) {
      span = 1;
      while (group + span <= c1) {
        const struct wb_cell *y = wb_grid_at(g, h, group + span);
        if (y && !y->covered && y->text[0]) break;
        span++;
      }
    }
    char qs[64], os[64];
    snake(q, qs, sizeof qs);
    snake(opt, os, sizeof os);
    if (!qs[0]) snprintf(qs, sizeof qs, "q%zu", group - c0 + 1);
    size_t llen = strlen(q) + strlen(opt) + 3;
    if (!(s->label = malloc(llen))) return -1;
    if (span == 1 && single_answer(opt)) {
      snprintf(s->name, sizeof s->name, "%s", qs);
      snprintf(s->label, llen, "%s", q);
    } else {
      snprintf(s->name, sizeof s->name, "%s_%s", qs, os[0] ? os : "response");
      snprintf(s->label, llen, *opt ? "%s: %s" : "%s", q, opt);
      /* a tick box: every answer in the column is the option's own text */
      int choice = *opt && strcasecmp(opt, "Open-Ended Response") != 0;
      for (size_t r = d0; r <= d1 && choice; r++) {
        const char *v = cell_text(g, r, c);
        if (*v && strcmp(v, opt) != 0) choice = 0;
      }
      s->choice = choice;
    }
  }
  return 0;
}

/* ===== the table as CSV text ===== */

static void put_field(FILE *out, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) { fputs(s, out); return; }
  fputc('"', out);
  for (; *s; s++) { if (*s == '"') fputc('"', out); fputc(*s, out); }
  fputc('"', out);
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n' || (*s == '\r' && s[1] != '\n');
  return n;
}

/* Which questions have a tick-box option ticked in row r: ticked[k] for the
 * question whose first column is c0 + k (one pass over the row). */
static void mark_ticked(const struct wb_grid *g, const struct survey_col *sc, size_t c0,
                        size_t c1, size_t r, char *ticked) {
  memset(ticked, 0, c1 - c0 + 1);
  for (size_t c = c0; c <= c1; c++)
    if (sc[c - c0].choice && *cell_text(g, r, c)) ticked[sc[c - c0].group - c0] = 1;
}

/* The value a tick-box column has in row r: "TRUE" when ticked, "FALSE"
 * when another box of the question is ticked, "" when none is (skipped). */
static const char *choice_value(const struct wb_grid *g, const struct survey_col *sc, size_t c0,
                                const char *ticked, size_t c, size_t r) {
  if (*cell_text(g, r, c)) return "TRUE";
  return ticked[sc[c - c0].group - c0] ? "FALSE" : "";
}

/* Translate the CSV loader's "\1:LINE:FIELD (column "x"): what" into
 * "WHERE, cell B7 (column "x"): what". */
static void translate(const struct csvtab_error *ce, const char *where, const size_t *rec_line,
                      const size_t *rec_row, size_t nrec, size_t c0, struct workbook_error *err) {
  const char *p = ce->msg + 1;
  const char *paren = NULL, *body = p;
  size_t plen = 0;
  if (*p == ':') {
    p++;
    while (isdigit((unsigned char)*p) || *p == ':') p++;
    if (p[-1] == ':') p--;
    if (p[0] == ' ' && p[1] == '(') {
      const char *q = strstr(p, "\"): ");
      if (q) { paren = p + 1; plen = (size_t)(q + 2 - paren); body = q + 4; }
    } else if (p[0] == ':' && p[1] == ' ') {
      body = p + 2;
    }
  } else if (p[0] == ':' || p[0] == ' ') {
    body = p + 1;
  }
  while (*body == ' ' || *body == ':') body++;
  if (!ce->line) {
    wb_fail(err, "%s: %s", where, body);
    if (err) err->nomem = ce->nomem;
    return;
  }
  size_t k = 0;
  while (k + 1 < nrec && rec_line[k + 1] <= ce->line) k++;
  char cell[32];
  if (ce->column) wb_cell_name(rec_row[k], c0 + ce->column - 1, cell, sizeof cell);
  else snprintf(cell, sizeof cell, "row %zu", rec_row[k] + 1);
  if (paren) wb_fail(err, "%s, %s%s %.*s: %s", where, ce->column ? "cell " : "", cell, (int)plen, paren, body);
  else wb_fail(err, "%s, %s%s: %s", where, ce->column ? "cell " : "", cell, body);
}

struct frame *wb_grid_frame(struct wb_grid *g, const char *where, const struct workbook_opts *o,
                            struct workbook_error *err) {
  struct frame *f = NULL;
  char *buf = NULL;
  size_t len = 0, *rec_line = NULL, *rec_row = NULL;
  struct survey_col *sc = NULL;
  char *ticked = NULL;         /* per row: which questions have a box ticked */
  size_t ncols = 0;
  int survey = o->header_rows == 2;
  if (err) err->warning[0] = '\0';
  if (apply_merges(g) != 0) { wb_fail_nomem(err, where); return NULL; }
  size_t h;
  if (o->header_row) {
    h = o->header_row - 1;
    if (h >= g->nrow || row_empty(g, h)) {
      wb_fail(err, "%s: header_row %zu is empty (the sheet has %zu rows)", where, o->header_row, g->nrow);
      return NULL;
    }
  } else if (survey) {
    h = 0;
    while (h < g->nrow && row_empty(g, h)) h++;
  } else {
    h = find_header(g);
  }
  if (h >= g->nrow) { wb_fail(err, "%s: no table: every cell is empty", where); return NULL; }
  size_t d0 = h + (survey ? 2 : 1), d1 = d0;
  while (d1 < g->nrow && !row_empty(g, d1)) d1++;   /* the table ends at the first blank row */
  size_t ndata = d1 - d0;
  if (d1 < g->nrow) warn_rows_below(g, d1, where, err);
  if (d1 > d0) d1--;
  size_t c0 = SIZE_MAX, c1 = 0;
  for (size_t r = h; r < d0 + ndata; r++)
    for (size_t c = 0; c < g->row[r].n; c++)
      if (g->row[r].cell[c].text && g->row[r].cell[c].text[0]) {
        if (c < c0) c0 = c;
        if (c > c1) c1 = c;
      }
  if (c0 == SIZE_MAX) { wb_fail(err, "%s: no table: every cell is empty", where); return NULL; }
  ncols = c1 - c0 + 1;
  if (survey) {
    if (h + 1 >= g->nrow) { wb_fail(err, "%s: a survey export needs two header rows (question, then answer option); found one", where); return NULL; }
    if (!(sc = calloc(ncols, sizeof *sc)) || !(ticked = malloc(ncols))
        || survey_columns(g, h, c0, c1, d0, d1, sc) != 0) {
      wb_fail_nomem(err, where);
      goto done;
    }
  }
  rec_line = malloc((ndata + 1) * sizeof *rec_line);
  rec_row = malloc((ndata + 1) * sizeof *rec_row);
  FILE *out = open_memstream(&buf, &len);
  if (!out || !rec_line || !rec_row) { if (out) fclose(out); wb_fail_nomem(err, where); goto done; }
  size_t line = 1;
  rec_line[0] = 1; rec_row[0] = h;
  for (size_t c = c0; c <= c1; c++) {
    const char *name = survey ? sc[c - c0].name : cell_text(g, h, c);
    if (c > c0) fputc(',', out);
    put_field(out, name);
    line += count_lines(name);
  }
  fputc('\n', out);
  line++;
  for (size_t k = 0; k < ndata; k++) {
    size_t r = d0 + k;
    rec_line[k + 1] = line; rec_row[k + 1] = r;
    if (survey) mark_ticked(g, sc, c0, c1, r, ticked);
    for (size_t c = c0; c <= c1; c++) {
      const struct wb_cell *x = wb_grid_at(g, r, c);
      const char *v = !x ? "" : x->kind == WB_ERROR ? "NA" : x->text;
      if (survey && sc[c - c0].choice) v = choice_value(g, sc, c0, ticked, c, r);
      if (c > c0) fputc(',', out);
      put_field(out, v);
      line += count_lines(v);
    }
    fputc('\n', out);
    line++;
  }
  if (fclose(out) != 0) { wb_fail_nomem(err, where); goto done; }
  struct csvtab_error ce;
  f = csvtab_read_mem(buf, len, "\x01", o->csv, &ce);
  if (!f) { translate(&ce, where, rec_line, rec_row, ndata + 1, c0, err); goto done; }
  if (ce.warning[0] && err) {                  /* whole numbers beyond int64, read as text */
    size_t used = strlen(err->warning);
    snprintf(err->warning + used, sizeof err->warning - used, "%s%s: %s", used ? "; " : "", where, ce.warning);
  }
  for (size_t j = 0; survey && j < f->ncol && j < ncols; j++) {
    struct frame_meta *m = frame_meta_new();
    if (!m || frame_meta_set_label(m, sc[j].label) != 0) {
      frame_meta_release(m);
      frame_free(f); f = NULL;
      wb_fail_nomem(err, where);
      goto done;
    }
    frame_col_set_meta(f->col[j], m);
    frame_meta_release(m);
  }
done:
  for (size_t j = 0; sc && j < ncols; j++) free(sc[j].label);
  free(sc); free(ticked); free(buf); free(rec_line); free(rec_row);
  return f;
}
