/* host/data/workbook_ods.c -- one sheet of an OpenDocument spreadsheet (.ods)
 * into a grid, with libxml2's streaming reader over content.xml: typed
 * values (float, percentage, currency, date, boolean, string), formulas'
 * stored results, repeated rows and cells, merged (spanned) cells, text
 * made of several paragraphs, spaces, tabs and links.  Pure C. */
#include "workbook_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

static size_t attr_count(xmlTextReaderPtr r, int *oom, const char *name) {
  char *a = wb_xml_attr(r, oom, name);
  long k = a ? atol(a) : 1;
  free(a);
  return k >= 1 ? (size_t)k : 1;
}

static int start(xmlTextReaderPtr r) { return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT; }
static int end_el(xmlTextReaderPtr r) { return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT; }

static xmlTextReaderPtr open_content(zip_t *z, char **buf, char *msg, size_t cap, int *rc) {
  size_t len;
  int missing;
  *buf = wb_zip_read(z, "content.xml", &len, &missing);
  if (!*buf) {
    if (missing == WB_PART_NOMEM) { *rc = wb_oom(msg, cap); return NULL; }
    if (missing == 1) snprintf(msg, cap, "not an OpenDocument spreadsheet (no content.xml)");
    else snprintf(msg, cap, "content.xml %s", wb_part_problem(missing));
    return NULL;
  }
  xmlTextReaderPtr r = xmlReaderForMemory(*buf, (int)len, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  if (!r) *rc = wb_oom(msg, cap);
  return r;
}

int wb_ods_sheets(zip_t *z, char ***names, size_t *n, char *msg, size_t cap) {
  char *buf;
  int orc = -1;
  xmlTextReaderPtr r = open_content(z, &buf, msg, cap, &orc);
  if (!r) { free(buf); return orc; }
  size_t k = 0, capn = 0;
  char **out = NULL;
  int ret, rc = 0, oom = 0;
  ret = xmlTextReaderRead(r);
  while (ret == 1) {
    if (!start(r) || !wb_xml_is(r, "table")) { ret = xmlTextReaderRead(r); continue; }
    if (k == capn) {
      capn = capn ? capn * 2 : 8;
      char **p = realloc(out, capn * sizeof *p);
      if (!p) { rc = -1; break; }
      out = p;
    }
    char *nm = wb_xml_attr(r, &oom, "name");
    if (!nm && !(nm = strdup("?"))) { rc = -1; break; }
    out[k++] = nm;
    /* on to the node after this table, its rows skipped */
    ret = xmlTextReaderIsEmptyElement(r) ? xmlTextReaderRead(r) : xmlTextReaderNext(r);
  }
  if (oom && rc == 0) rc = -1;
  if (ret < 0 && rc == 0) { snprintf(msg, cap, "damaged XML in content.xml near line %d", xmlTextReaderGetParserLineNumber(r)); rc = -1; }
  else if (rc != 0) rc = wb_oom(msg, cap);
  xmlFreeTextReader(r);
  free(buf);
  if (rc != 0) { for (size_t i = 0; i < k; i++) free(out[i]); free(out); return rc; }
  *names = out ? out : calloc(1, sizeof *out);
  *n = k;
  return 0;
}

/* The value a cell stores, as text: office:value for numbers (a
 * percentage is its fraction, 0.25), office:date-value as YYYY-MM-DD (with
 * the time when it is not midnight), office:boolean-value as TRUE/FALSE,
 * office:string-value or else the cell's paragraphs for text. */
struct ods_cell {
  char *type, *value, *date, *boolean, *string, *formula;
  struct wb_sbuf text;
  int paragraphs;
};

static void cell_clear(struct ods_cell *c) {
  free(c->type); free(c->value); free(c->date); free(c->boolean); free(c->string); free(c->formula);
  c->type = c->value = c->date = c->boolean = c->string = c->formula = NULL;
  c->text.n = 0;
  if (c->text.s) c->text.s[0] = '\0';
  c->paragraphs = 0;
}

static int is_error_text(const char *s) {
  static const char *const errs[] = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", NULL};
  for (int i = 0; errs[i]; i++) if (!strcmp(s, errs[i])) return 1;
  return !strncmp(s, "Err:", 4);
}

static int cell_value(const struct ods_cell *c, const char **out, size_t *len, enum wb_kind *kind,
                      char *buf, size_t cap) {
  const char *t = c->type ? c->type : "";
  if (!strcmp(t, "float") || !strcmp(t, "percentage") || !strcmp(t, "currency")) {
    if (!c->value) return -1;
    char *end;
    double x = strtod(c->value, &end);
    if (end == c->value) return -1;
    wb_format_number(x, buf, cap);
    *out = buf; *len = strlen(buf); *kind = WB_NUMBER;
    return 0;
  }
  if (!strcmp(t, "date") && c->date && strlen(c->date) >= 10) {
    const char *tm = strchr(c->date, 'T');
    if (tm && strncmp(tm, "T00:00:00", 9) != 0) snprintf(buf, cap, "%.10s %.8s", c->date, tm + 1);
    else snprintf(buf, cap, "%.10s", c->date);
    *out = buf; *len = strlen(buf); *kind = WB_DATE;
    return 0;
  }
  if (!strcmp(t, "boolean") && c->boolean) {
    int v = !strcmp(c->boolean, "true");
    *out = v ? "TRUE" : "FALSE"; *len = strlen(*out); *kind = WB_BOOL;
    return 0;
  }
  const char *s = c->string ? c->string : c->text.s ? c->text.s : "";
  *out = s; *len = strlen(s);
  *kind = c->formula && is_error_text(s) ? WB_ERROR : WB_TEXT;
  return 0;
}

int wb_ods_read(zip_t *z, size_t sheet, struct wb_grid *g, char *msg, size_t cap) {
  char *buf;
  int rc = -1, ret, oom = 0;
  xmlTextReaderPtr r = open_content(z, &buf, msg, cap, &rc);
  if (!r) { free(buf); return rc; }
  size_t k = 0;
  /* to the sheet */
  ret = xmlTextReaderRead(r);
  while (ret == 1) {
    if (!start(r) || !wb_xml_is(r, "table")) { ret = xmlTextReaderRead(r); continue; }
    if (k++ == sheet) break;
    ret = xmlTextReaderIsEmptyElement(r) ? xmlTextReaderRead(r) : xmlTextReaderNext(r);
  }
  if (ret != 1) { snprintf(msg, cap, "the sheet cannot be found in content.xml"); goto done; }
  int depth = xmlTextReaderDepth(r);
  size_t row = 0, col = 0, rrep = 1, crep = 1, rspan = 1, cspan = 1;
  int in_cell = 0, in_p = 0, row_has = 0, is_covered = 0;
  size_t row_first = 0;
  struct ods_cell c = {0};
  char vbuf[64], cell[32];
  while ((ret = xmlTextReaderRead(r)) == 1) {
    if (end_el(r) && wb_xml_is(r, "table") && xmlTextReaderDepth(r) == depth) break;
    if (start(r) && wb_xml_is(r, "table") && !xmlTextReaderIsEmptyElement(r)) {
      /* a table inside a cell (a chart's data, say): step over it */
      if (xmlTextReaderNext(r) != 1) break;
      if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT) continue;
    }
    if (start(r) && wb_xml_is(r, "table-row")) {
      rrep = attr_count(r, &oom, "number-rows-repeated");
      col = 0; row_has = 0; row_first = row;
      if (xmlTextReaderIsEmptyElement(r)) row += rrep;
      continue;
    }
    if (end_el(r) && wb_xml_is(r, "table-row")) {
      /* a repeated row with values is copied (capped); an empty one only counts */
      if (row_has && rrep > 1) {
        size_t times = rrep > 1024 ? 1024 : rrep;
        for (size_t t = 1; t < times; t++)
          for (size_t cc = 0; row_first < g->nrow && cc < g->row[row_first].n; cc++) {
            const struct wb_cell *x = wb_grid_at(g, row_first, cc);
            if (x && wb_grid_set(g, row_first + t, cc, x->text, strlen(x->text), (enum wb_kind)x->kind) != 0) {
              rc = wb_oom(msg, cap);
              goto done;
            }
          }
      }
      row += rrep;
      if (row > WB_MAX_ROWS && row_has) { snprintf(msg, cap, "more than %zu rows", WB_MAX_ROWS); goto done; }
      continue;
    }
    if (start(r) && (wb_xml_is(r, "table-cell") || wb_xml_is(r, "covered-table-cell"))) {
      cell_clear(&c);
      is_covered = wb_xml_is(r, "covered-table-cell");
      crep = attr_count(r, &oom, "number-columns-repeated");
      cspan = attr_count(r, &oom, "number-columns-spanned");
      rspan = attr_count(r, &oom, "number-rows-spanned");
      c.type = wb_xml_attr(r, &oom, "value-type");
      c.value = wb_xml_attr(r, &oom, "value");
      c.date = wb_xml_attr(r, &oom, "date-value");
      c.boolean = wb_xml_attr(r, &oom, "boolean-value");
      c.string = wb_xml_attr(r, &oom, "string-value");
      c.formula = wb_xml_attr(r, &oom, "formula");
      in_cell = 1;
      if (!xmlTextReaderIsEmptyElement(r)) continue;
      /* an empty element ends here: fall through to the end handling */
    }
    if (in_cell && ((end_el(r) && (wb_xml_is(r, "table-cell") || wb_xml_is(r, "covered-table-cell"))) ||
                    (start(r) && xmlTextReaderIsEmptyElement(r) && (wb_xml_is(r, "table-cell") || wb_xml_is(r, "covered-table-cell"))))) {
      in_cell = 0;
      const char *v;
      size_t len;
      enum wb_kind kind;
      if (cell_value(&c, &v, &len, &kind, vbuf, sizeof vbuf) != 0) {
        wb_cell_name(row, col, cell, sizeof cell);
        snprintf(msg, cap, "cell %s: a %s cell without its value (the file is damaged)", cell, c.type);
        goto done;
      }
      if (len > 0 && !is_covered) {
        if (col + crep > WB_MAX_COLS || row >= WB_MAX_ROWS) {
          snprintf(msg, cap, "a value lies beyond row %zu or column %zu", WB_MAX_ROWS, WB_MAX_COLS);
          goto done;
        }
        for (size_t t = 0; t < crep; t++)
          if (wb_grid_set(g, row, col + t, v, len, kind) != 0) { rc = wb_oom(msg, cap); goto done; }
        if ((cspan > 1 || rspan > 1) && wb_grid_add_merge(g, row, col, row + rspan - 1, col + cspan - 1) != 0) {
          rc = wb_oom(msg, cap);
          goto done;
        }
        row_has = 1;
      }
      col += crep;
      continue;
    }
    if (!in_cell) continue;
    if (start(r) && wb_xml_is(r, "p")) {
      if (c.paragraphs++ && wb_sb_add(&c.text, "\n", 1) != 0) { rc = wb_oom(msg, cap); goto done; }
      in_p = !xmlTextReaderIsEmptyElement(r);
    } else if (end_el(r) && wb_xml_is(r, "p")) {
      in_p = 0;
    } else if (in_p && start(r) && wb_xml_is(r, "s")) {
      size_t n = attr_count(r, &oom, "c");
      for (size_t t = 0; t < n && t < 1024; t++) if (wb_sb_add(&c.text, " ", 1) != 0) goto done;
    } else if (in_p && start(r) && wb_xml_is(r, "tab")) {
      if (wb_sb_add(&c.text, "\t", 1) != 0) goto done;
    } else if (in_p && start(r) && wb_xml_is(r, "line-break")) {
      if (wb_sb_add(&c.text, "\n", 1) != 0) goto done;
    } else if (in_p && (xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT ||
                        xmlTextReaderNodeType(r) == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
      const char *t = (const char *)xmlTextReaderConstValue(r);
      if (t && wb_sb_add(&c.text, t, strlen(t)) != 0) { rc = wb_oom(msg, cap); goto done; }
    }
  }
  if (ret < 0) { snprintf(msg, cap, "damaged XML in content.xml near line %d", xmlTextReaderGetParserLineNumber(r)); goto done; }
  if (oom) { rc = wb_oom(msg, cap); goto done; }
  rc = 0;
done:
  if (rc != 0 && !msg[0]) rc = wb_oom(msg, cap);
  cell_clear(&c);
  free(c.text.s);
  xmlFreeTextReader(r);
  free(buf);
  return rc;
}
