/* host/data/workbook_xlsx.c -- one sheet of an Excel workbook (.xlsx, Office
 * Open XML SpreadsheetML) into a grid, with libxml2's streaming reader:
 * shared and inline strings, numbers, booleans, errors, formulas' cached
 * values, dates (from the cell's number format), merged ranges.  Pure C. */
#include "workbook_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

/* ===== helpers shared by the parts ===== */

/* Text growing by appends (cell text, shared strings): shared by the .xlsx
 * and .ods readers (workbook_int.h). */
int wb_sb_add(struct wb_sbuf *b, const char *s, size_t len) {
  if (b->n + len + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->n + len + 1) nc *= 2;
    char *p = realloc(b->s, nc);
    if (!p) return -1;
    b->s = p; b->cap = nc;
  }
  memcpy(b->s + b->n, s, len);
  b->n += len;
  b->s[b->n] = '\0';
  return 0;
}

static xmlTextReaderPtr open_part(const char *buf, size_t len) {
  /* no entity expansion, no network: a workbook is data, not a document to fetch */
  return xmlReaderForMemory(buf, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* Member name of the archive, read whole and opened for streaming: its
 * bytes (free them after the reader), or NULL when absent (*missing = 1)
 * or unreadable.  *r is NULL when the bytes are there but the reader could
 * not be made (out of memory). */
static char *read_part(zip_t *z, const char *name, xmlTextReaderPtr *r, int *missing) {
  size_t len;
  char *x = wb_zip_read(z, name, &len, missing);
  *r = x ? open_part(x, len) : NULL;
  return x;
}

int wb_xml_is(xmlTextReaderPtr r, const char *name) {
  const xmlChar *n = xmlTextReaderConstLocalName(r);
  return n && strcmp((const char *)n, name) == 0;
}

/* Element test and attribute by local name (any prefix), copied; NULL when
 * absent: shared by the .xlsx and .ods readers (workbook_int.h). */
char *wb_xml_attr(xmlTextReaderPtr r, int *oom, const char *name) {
  char *out = NULL;
  if (xmlTextReaderMoveToFirstAttribute(r) != 1) return NULL;
  do {
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    if (n && strcmp((const char *)n, name) == 0) {
      const xmlChar *v = xmlTextReaderConstValue(r);
      out = strdup(v ? (const char *)v : "");
      if (!out) *oom = 1;
      break;
    }
  } while (xmlTextReaderMoveToNextAttribute(r) == 1);
  xmlTextReaderMoveToElement(r);
  return out;
}

static int start(xmlTextReaderPtr r) { return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT; }
static int end(xmlTextReaderPtr r) {
  return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT ||
         (start(r) && xmlTextReaderIsEmptyElement(r));
}
static int text_node(xmlTextReaderPtr r) {
  int t = xmlTextReaderNodeType(r);
  return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
         t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE || t == XML_READER_TYPE_WHITESPACE;
}

/* ===== the workbook's parts ===== */

struct xl_sheet { char *name, *target; };

struct xl_book {
  struct xl_sheet *sheet;
  size_t nsheet;
  int date1904;
  char **sst;               /* shared strings */
  size_t nsst;
  int *xf_date;             /* per cell style: 0 number, 1 date, 2 date-time */
  size_t nxf;
};

static void book_free(struct xl_book *b) {
  for (size_t i = 0; i < b->nsheet; i++) { free(b->sheet[i].name); free(b->sheet[i].target); }
  free(b->sheet);
  for (size_t i = 0; i < b->nsst; i++) free(b->sst[i]);
  free(b->sst);
  free(b->xf_date);
}

static int read_sheets(zip_t *z, struct xl_book *b, char *msg, size_t cap) {
  size_t len;
  int missing;
  char *wb = wb_zip_read(z, "xl/workbook.xml", &len, &missing);
  if (!wb) {
    if (missing == WB_PART_NOMEM) return wb_oom(msg, cap);
    if (missing == 1) snprintf(msg, cap, "not an Excel workbook (no xl/workbook.xml)");
    else snprintf(msg, cap, "xl/workbook.xml %s", wb_part_problem(missing));
    return -1;
  }
  char *rels = wb_zip_read(z, "xl/_rels/workbook.xml.rels", &len, &missing);
  if (!rels && missing != 1) {
    free(wb);
    if (missing == WB_PART_NOMEM) return wb_oom(msg, cap);
    snprintf(msg, cap, "xl/_rels/workbook.xml.rels %s", wb_part_problem(missing));
    return -1;
  }
  /* relationship ids -> targets */
  char **rid = NULL, **tgt = NULL;
  size_t nrel = 0, caprel = 0;
  int rc = 0, oom = 0;
  if (rels) {
    xmlTextReaderPtr r = open_part(rels, strlen(rels));
    if (!r) oom = 1;
    while (r && xmlTextReaderRead(r) == 1) {
      if (!start(r) || !wb_xml_is(r, "Relationship")) continue;
      if (nrel == caprel) {
        caprel = caprel ? caprel * 2 : 16;
        char **a = realloc(rid, caprel * sizeof *a), **t;
        if (a) rid = a;
        t = realloc(tgt, caprel * sizeof *t);
        if (t) tgt = t;
        if (!a || !t) { rc = -1; break; }
      }
      rid[nrel] = wb_xml_attr(r, &oom, "Id");
      tgt[nrel] = wb_xml_attr(r, &oom, "Target");
      nrel++;
    }
    if (r) xmlFreeTextReader(r);
  }
  xmlTextReaderPtr r = open_part(wb, strlen(wb));
  if (!r) oom = 1;
  size_t capsheet = 0;
  while (rc == 0 && r && xmlTextReaderRead(r) == 1) {
    if (!start(r)) continue;
    if (wb_xml_is(r, "workbookPr")) {
      char *d = wb_xml_attr(r, &oom, "date1904");
      b->date1904 = d && (!strcmp(d, "1") || !strcmp(d, "true"));
      free(d);
    } else if (wb_xml_is(r, "sheet")) {
      if (b->nsheet == capsheet) {
        capsheet = capsheet ? capsheet * 2 : 8;
        struct xl_sheet *p = realloc(b->sheet, capsheet * sizeof *p);
        if (!p) { rc = -1; break; }
        b->sheet = p;
      }
      struct xl_sheet *s = &b->sheet[b->nsheet++];
      s->name = wb_xml_attr(r, &oom, "name");
      s->target = NULL;
      char *id = wb_xml_attr(r, &oom, "id");
      for (size_t k = 0; id && k < nrel; k++)
        if (rid[k] && tgt[k] && !strcmp(rid[k], id)) {
          const char *t = tgt[k];
          size_t tl = strlen(t) + 4;
          if ((s->target = malloc(tl))) {
            if (t[0] == '/') snprintf(s->target, tl, "%s", t + 1);
            else snprintf(s->target, tl, "xl/%s", t);
          } else {
            oom = 1;
          }
        }
      free(id);
      if (!s->name && !(s->name = strdup("?"))) { rc = -1; break; }
    }
  }
  if (r) xmlFreeTextReader(r);
  for (size_t k = 0; k < nrel; k++) { free(rid[k]); free(tgt[k]); }
  free(rid); free(tgt); free(wb); free(rels);
  if (rc != 0 || oom) rc = wb_oom(msg, cap);
  return rc;
}

static int read_sst(zip_t *z, struct xl_book *b) {
  int missing;
  xmlTextReaderPtr r;
  char *x = read_part(z, "xl/sharedStrings.xml", &r, &missing);
  if (!x) return missing == 1 ? 0 : -missing - 1;
  struct wb_sbuf cur = {0};
  int in_t = 0, in_rph = 0, rc = r ? 0 : -1;
  size_t cap = 0;
  while (r && xmlTextReaderRead(r) == 1) {
    if (start(r) && wb_xml_is(r, "si")) { cur.n = 0; if (cur.s) cur.s[0] = '\0'; }
    if (start(r) && wb_xml_is(r, "rPh")) in_rph = !xmlTextReaderIsEmptyElement(r);
    else if (end(r) && wb_xml_is(r, "rPh")) in_rph = 0;
    if (start(r) && wb_xml_is(r, "t")) in_t = !xmlTextReaderIsEmptyElement(r);
    else if (end(r) && wb_xml_is(r, "t")) in_t = 0;
    if (in_t && !in_rph && text_node(r)) {
      const char *v = (const char *)xmlTextReaderConstValue(r);
      if (v && wb_sb_add(&cur, v, strlen(v)) != 0) { rc = -1; break; }
    }
    if (end(r) && wb_xml_is(r, "si")) {
      if (b->nsst == cap) {
        cap = cap ? cap * 2 : 256;
        char **p = realloc(b->sst, cap * sizeof *p);
        if (!p) { rc = -1; break; }
        b->sst = p;
      }
      if (!(b->sst[b->nsst] = strdup(cur.s ? cur.s : ""))) { rc = -1; break; }
      b->nsst++;
    }
  }
  if (r) xmlFreeTextReader(r);
  free(cur.s); free(x);
  return rc != 0 ? -WB_PART_NOMEM - 1 : 0;   /* only memory fails here */
}

/* Whether a number format shows a date (1), a date-time (2) or neither
 * (0): Excel's built-in date formats 14-22 and 27-36, 45-47 and 50-58, or a
 * custom code with d or y (or m beside h or s) outside quotes, brackets
 * and escapes.  Colours and conditions in [..] are skipped. */
static int fmt_kind(int id, const char *code) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58)) return 1;
  if (id == 22) return 2;
  if (!code) return 0;
  int date = 0, time = 0;
  for (const char *p = code; *p; p++) {
    if (*p == '"') { p++; while (*p && *p != '"') p++; if (!*p) break; continue; }
    if (*p == '\\' || *p == '_' || *p == '*') { if (p[1]) p++; continue; }
    if (*p == '[') { while (*p && *p != ']') p++; if (!*p) break; continue; }
    int ch = tolower((unsigned char)*p);
    if (ch == 'd' || ch == 'y') date = 1;
    if (ch == 'h' || ch == 's') time = 1;
  }
  return date ? (time ? 2 : 1) : 0;
}

static int read_styles(zip_t *z, struct xl_book *b) {
  int missing;
  xmlTextReaderPtr r;
  char *x = read_part(z, "xl/styles.xml", &r, &missing);
  if (!x) return missing == 1 ? 0 : -missing - 1;
  int *fid = NULL;
  char **fcode = NULL;
  size_t nf = 0, capf = 0, capxf = 0;
  int in_xfs = 0, rc = r ? 0 : -1, oom = 0;
  while (r && xmlTextReaderRead(r) == 1) {
    if (start(r) && wb_xml_is(r, "numFmt")) {
      if (nf == capf) {
        capf = capf ? capf * 2 : 16;
        int *a = realloc(fid, capf * sizeof *a);
        if (a) fid = a;
        char **c = realloc(fcode, capf * sizeof *c);
        if (c) fcode = c;
        if (!a || !c) { rc = -1; break; }
      }
      char *id = wb_xml_attr(r, &oom, "numFmtId");
      fid[nf] = id ? atoi(id) : -1;
      free(id);
      fcode[nf++] = wb_xml_attr(r, &oom, "formatCode");
    }
    if (start(r) && wb_xml_is(r, "cellXfs")) in_xfs = !xmlTextReaderIsEmptyElement(r);
    else if (end(r) && wb_xml_is(r, "cellXfs")) in_xfs = 0;
    if (in_xfs && start(r) && wb_xml_is(r, "xf")) {
      if (b->nxf == capxf) {
        capxf = capxf ? capxf * 2 : 32;
        int *p = realloc(b->xf_date, capxf * sizeof *p);
        if (!p) { rc = -1; break; }
        b->xf_date = p;
      }
      char *id = wb_xml_attr(r, &oom, "numFmtId");
      int n = id ? atoi(id) : 0;
      free(id);
      const char *code = NULL;
      for (size_t k = 0; k < nf; k++) if (fid[k] == n) code = fcode[k];
      b->xf_date[b->nxf++] = fmt_kind(n, code);
    }
  }
  if (r) xmlFreeTextReader(r);
  for (size_t k = 0; k < nf; k++) free(fcode[k]);
  free(fid); free(fcode); free(x);
  return rc != 0 || oom ? -WB_PART_NOMEM - 1 : 0;   /* only memory fails here */
}

/* ===== dates ===== */

/* Excel serial day -> "YYYY-MM-DD" (or with " HH:MM:SS" when the time is
 * not midnight).  1900 system: day 1 is 1900-01-01, and Excel counts a 29
 * February 1900 that never was, so serials from 61 on are one day ahead. */
static int serial_text(double x, int date1904, char *buf, size_t cap) {
  if (!isfinite(x) || x < 0 || x > 2958465.0) return -1;   /* up to 9999-12-31 */
  int32_t epoch;
  if (date1904) frame_date_from_ymd(1904, 1, 1, &epoch);
  else if (x < 61) frame_date_from_ymd(1899, 12, 31, &epoch);
  else frame_date_from_ymd(1899, 12, 30, &epoch);
  double day = floor(x);
  long secs = (long)floor((x - day) * 86400.0 + 0.5);
  if (secs >= 86400) { secs -= 86400; day += 1; }
  char d[16];
  frame_date_format((int32_t)(epoch + (int32_t)day), d);
  if (secs) snprintf(buf, cap, "%s %02ld:%02ld:%02ld", d, secs / 3600, secs / 60 % 60, secs % 60);
  else snprintf(buf, cap, "%s", d);
  return 0;
}

/* ===== the sheet ===== */

int wb_xlsx_sheets(zip_t *z, char ***names, size_t *n, char *msg, size_t cap) {
  struct xl_book b = {0};
  int rs = read_sheets(z, &b, msg, cap);
  if (rs != 0) { book_free(&b); return rs; }
  *names = calloc(b.nsheet ? b.nsheet : 1, sizeof **names);
  if (!*names) { book_free(&b); return wb_oom(msg, cap); }
  for (size_t i = 0; i < b.nsheet; i++) { (*names)[i] = b.sheet[i].name; b.sheet[i].name = NULL; }
  *n = b.nsheet;
  book_free(&b);
  return 0;
}

struct xl_cell {
  size_t r, c;
  char t[16];
  int style, has_f;
  struct wb_sbuf v;      /* <v> text, or the inline string */
};

static int store(struct wb_grid *g, const struct xl_book *b, struct xl_cell *x, char *msg, size_t cap) {
  const char *v = x->v.s ? x->v.s : "";
  char buf[64], cell[32];
  wb_cell_name(x->r, x->c, cell, sizeof cell);
  if (!strcmp(x->t, "s")) {
    char *end;
    long k = strtol(v, &end, 10);
    if (end == v || k < 0 || (size_t)k >= b->nsst) {
      snprintf(msg, cap, "cell %s: shared string %s does not exist (the workbook is damaged)", cell, v);
      return -1;
    }
    return wb_grid_set(g, x->r, x->c, b->sst[k], strlen(b->sst[k]), WB_TEXT);
  }
  if (!strcmp(x->t, "str") || !strcmp(x->t, "inlineStr"))
    return wb_grid_set(g, x->r, x->c, v, strlen(v), WB_TEXT);
  if (!strcmp(x->t, "b"))
    return wb_grid_set(g, x->r, x->c, v[0] == '1' ? "TRUE" : "FALSE", v[0] == '1' ? 4 : 5, WB_BOOL);
  if (!strcmp(x->t, "e")) return wb_grid_set(g, x->r, x->c, v, strlen(v), WB_ERROR);
  if (!strcmp(x->t, "d")) {                          /* an ISO 8601 date cell (strict OOXML) */
    const char *tm = strchr(v, 'T');
    if (strlen(v) < 10) { snprintf(msg, cap, "cell %s: \"%s\" is not an ISO 8601 date", cell, v); return -1; }
    if (tm && strncmp(tm, "T00:00:00", 9) != 0) snprintf(buf, sizeof buf, "%.10s %.8s", v, tm + 1);
    else snprintf(buf, sizeof buf, "%.10s", v);
    return wb_grid_set(g, x->r, x->c, buf, strlen(buf), WB_DATE);
  }
  if (!v[0]) return 0;                                /* a formula with no cached value */
  char *end;
  double d = strtod(v, &end);
  if (end == v || *end) {
    snprintf(msg, cap, "cell %s: \"%s\" is not a number though the cell says it holds one", cell, v);
    return -1;
  }
  int dk = x->style >= 0 && (size_t)x->style < b->nxf ? b->xf_date[x->style] : 0;
  if (dk && serial_text(d, b->date1904, buf, sizeof buf) == 0)
    return wb_grid_set(g, x->r, x->c, buf, strlen(buf), WB_DATE);
  wb_format_number(d, buf, sizeof buf);
  return wb_grid_set(g, x->r, x->c, buf, strlen(buf), WB_NUMBER);
}

int wb_xlsx_read(zip_t *z, size_t sheet, struct wb_grid *g, char *msg, size_t cap) {
  struct xl_book b = {0};
  int rc = -1, oom = 0;
  char *x = NULL;
  xmlTextReaderPtr r = NULL;
  struct xl_cell cell = {0};
  int rb = read_sheets(z, &b, msg, cap);
  if (rb != 0) { rc = rb; goto done; }
  if (sheet >= b.nsheet || !b.sheet[sheet].target) {
    snprintf(msg, cap, "the workbook does not say where this sheet's cells are (damaged)");
    goto done;
  }
  int rs = read_sst(z, &b), rt = rs == 0 ? read_styles(z, &b) : 0;
  if (-(rs ? rs : rt) - 1 == WB_PART_NOMEM) { rc = wb_oom(msg, cap); goto done; }
  if (rs != 0 || rt != 0) {
    snprintf(msg, cap, "%s %s", rs ? "xl/sharedStrings.xml" : "xl/styles.xml", wb_part_problem(-(rs ? rs : rt) - 1));
    goto done;
  }
  int missing;
  x = read_part(z, b.sheet[sheet].target, &r, &missing);
  if (!x && missing == WB_PART_NOMEM) { rc = wb_oom(msg, cap); goto done; }
  if (!x) {
    snprintf(msg, cap, "%s %s", b.sheet[sheet].target, wb_part_problem(missing));
    goto done;
  }
  if (!r) { rc = wb_oom(msg, cap); goto done; }
  size_t row = 0, col = 0;
  int in_c = 0, in_v = 0, in_is_t = 0, ret;
  while ((ret = xmlTextReaderRead(r)) == 1) {
    if (start(r) && wb_xml_is(r, "row")) {
      char *a = wb_xml_attr(r, &oom, "r");
      if (a) { long k = atol(a); if (k >= 1) row = (size_t)k - 1; free(a); }
      col = 0;
      if (xmlTextReaderIsEmptyElement(r)) row++;
    } else if (end(r) && wb_xml_is(r, "row") && !start(r)) {
      row++;
    } else if (start(r) && wb_xml_is(r, "c")) {
      cell.v.n = 0;
      if (cell.v.s) cell.v.s[0] = '\0';
      char *ref = wb_xml_attr(r, &oom, "r"), *t = wb_xml_attr(r, &oom, "t"), *s = wb_xml_attr(r, &oom, "s");
      size_t rr, cc;
      if (ref && wb_parse_ref(ref, &rr, &cc) == 0) { cell.r = rr; cell.c = cc; }
      else { cell.r = row; cell.c = col; }
      snprintf(cell.t, sizeof cell.t, "%s", t ? t : "n");
      cell.style = s ? atoi(s) : -1;
      cell.has_f = 0;
      free(ref); free(t); free(s);
      col = cell.c + 1;
      in_c = !xmlTextReaderIsEmptyElement(r);
    } else if (in_c && start(r) && wb_xml_is(r, "f")) {
      cell.has_f = 1;
    } else if (in_c && start(r) && (wb_xml_is(r, "v") || wb_xml_is(r, "t"))) {
      if (wb_xml_is(r, "v")) in_v = !xmlTextReaderIsEmptyElement(r);
      else in_is_t = !xmlTextReaderIsEmptyElement(r);
    } else if (in_c && end(r) && (wb_xml_is(r, "v") || wb_xml_is(r, "t"))) {
      in_v = in_is_t = 0;
    } else if ((in_v || in_is_t) && text_node(r)) {
      const char *v = (const char *)xmlTextReaderConstValue(r);
      if (v && wb_sb_add(&cell.v, v, strlen(v)) != 0) { rc = wb_oom(msg, cap); goto done; }
    } else if (in_c && end(r) && wb_xml_is(r, "c")) {
      in_c = 0;
      if (cell.r >= WB_MAX_ROWS || cell.c >= WB_MAX_COLS) {
        snprintf(msg, cap, "a cell lies beyond row %zu or column %zu (the workbook is damaged)", WB_MAX_ROWS, WB_MAX_COLS);
        goto done;
      }
      if ((cell.v.n || !strcmp(cell.t, "inlineStr")) && store(g, &b, &cell, msg, cap) != 0) {
        if (!msg[0]) rc = wb_oom(msg, cap);
        goto done;
      }
    } else if (start(r) && wb_xml_is(r, "mergeCell")) {
      char *ref = wb_xml_attr(r, &oom, "ref");
      char *colon = ref ? strchr(ref, ':') : NULL;
      size_t r0, c0, r1, c1;
      if (colon && (*colon = '\0', wb_parse_ref(ref, &r0, &c0) == 0) && wb_parse_ref(colon + 1, &r1, &c1) == 0 &&
          r0 <= r1 && c0 <= c1 && wb_grid_add_merge(g, r0, c0, r1, c1) != 0) {
        free(ref);
        rc = wb_oom(msg, cap);
        goto done;
      }
      free(ref);
    }
  }
  if (ret < 0) {
    snprintf(msg, cap, "damaged XML in %s near line %d", b.sheet[sheet].target, xmlTextReaderGetParserLineNumber(r));
    goto done;
  }
  if (oom) { rc = wb_oom(msg, cap); goto done; }
  rc = 0;
done:
  if (r) xmlFreeTextReader(r);
  free(x);
  free(cell.v.s);
  book_free(&b);
  return rc;
}
