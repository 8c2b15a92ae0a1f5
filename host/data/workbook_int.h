/* host/data/workbook_int.h -- shared by the workbook files (workbook.c,
 * workbook_grid.c, workbook_xlsx.c, workbook_ods.c); not for other units. */
#ifndef CSC_WORKBOOK_INT_H
#define CSC_WORKBOOK_INT_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

#include "workbook.h"

#include <libxml/xmlreader.h>

/* the current element's local name is NAME (workbook_xlsx.c) */
int wb_xml_is(xmlTextReaderPtr r, const char *name);
/* the current element's attribute NAME by local name, copied (free it); NULL when
 * absent, or when the copy could not be made: then *oom = 1 (left alone otherwise) */
char *wb_xml_attr(xmlTextReaderPtr r, int *oom, const char *name);
/* Text growing by appends, NUL-terminated once anything is added; {0} is
 * empty.  wb_sb_add appends s[0..len): 0 ok, -1 out of memory (b unchanged). */
struct wb_sbuf { char *s; size_t n, cap; };
int wb_sb_add(struct wb_sbuf *b, const char *s, size_t len);

enum wb_kind { WB_EMPTY = 0, WB_TEXT, WB_NUMBER, WB_DATE, WB_BOOL, WB_ERROR };

struct wb_cell {
  char *text;          /* owned; NULL when empty.  Numbers already written out. */
  uint8_t kind;        /* enum wb_kind */
  uint8_t covered;     /* 1: filled from a merged range's anchor */
};

struct wb_row {
  struct wb_cell *cell;
  size_t n, cap;
};

struct wb_merge { size_t r0, c0, r1, c1; };   /* 0-based, inclusive */

struct wb_grid {
  struct wb_row *row;
  size_t nrow, cap;
  struct wb_merge *merge;
  size_t nmerge, capmerge;
};

/* Limits against damaged or hostile files: a sheet position beyond them is
 * an error, not an allocation. */
#define WB_MAX_ROWS ((size_t)1 << 22)   /* 4,194,304 (Excel's own limit is 1,048,576) */
#define WB_MAX_COLS ((size_t)1 << 14)   /* 16,384, as Excel */
#define WB_MAX_PART ((size_t)1 << 30)   /* largest XML part read from the archive */

/* Store a copy of text[0..len) at (r, c), 0-based.  0 ok, -1 out of memory. */
int wb_grid_set(struct wb_grid *g, size_t r, size_t c, const char *text, size_t len,
                enum wb_kind kind);
int wb_grid_add_merge(struct wb_grid *g, size_t r0, size_t c0, size_t r1, size_t c1);
void wb_grid_free(struct wb_grid *g);
const struct wb_cell *wb_grid_at(const struct wb_grid *g, size_t r, size_t c);

/* A number written so that strtod gives it back exactly (shortest of %.15g,
 * %.16g, %.17g). */
void wb_format_number(double x, char *buf, size_t cap);
/* err->msg = the formatted message (err may be NULL: nothing). */
void wb_fail(struct workbook_error *err, const char *fmt, ...);
/* err->msg = "WHERE: not enough memory", and err->nomem = 1. */
void wb_fail_nomem(struct workbook_error *err, const char *where);
/* The sheet readers' out-of-memory: msg = "not enough memory"; returns
 * WB_ENOMEM, which they return (any other failure is -1). */
#define WB_ENOMEM (-2)
int wb_oom(char *msg, size_t cap);
/* "B7" for 0-based (6, 1). */
void wb_cell_name(size_t r, size_t c, char *buf, size_t cap);
/* Parse "B7" -> 0-based row and column.  0 ok, -1 not a cell reference. */
int wb_parse_ref(const char *s, size_t *r, size_t *c);

/* Whole member `name` of the archive into a NUL-terminated malloc'ed buffer
 * (*len bytes).  NULL when absent (*missing = 1), larger than WB_MAX_PART
 * uncompressed (*missing = 2), holding a document type declaration
 * (*missing = 3: entities, which Excel and LibreOffice never write, could
 * expand without bound or name other files) or unreadable (*missing = 0). */
char *wb_zip_read(zip_t *z, const char *name, size_t *len, int *missing);
/* *missing when the part could not be held in memory */
#define WB_PART_NOMEM 4
/* What is wrong with a part wb_zip_read did not give, by its *missing. */
const char *wb_part_problem(int missing);

/* The sheet readers: names of the sheets (malloc'ed array of malloc'ed
 * strings), and one sheet into g.  Both return 0, or -1 with msg filled
 * ("sheet ...: what"), or WB_ENOMEM when memory ran out. */
int wb_xlsx_sheets(zip_t *z, char ***names, size_t *n, char *msg, size_t cap);
int wb_xlsx_read(zip_t *z, size_t sheet, struct wb_grid *g, char *msg, size_t cap);
int wb_ods_sheets(zip_t *z, char ***names, size_t *n, char *msg, size_t cap);
int wb_ods_read(zip_t *z, size_t sheet, struct wb_grid *g, char *msg, size_t cap);

/* Build the frame from the grid (table detection, survey headers, CSV
 * rules).  where: "FILE: sheet "S"" or "FILE", used in messages. */
struct frame *wb_grid_frame(struct wb_grid *g, const char *where, const struct workbook_opts *o,
                            struct workbook_error *err);

#endif
