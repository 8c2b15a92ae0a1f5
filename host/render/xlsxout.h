/* host/render/xlsxout.h -- an Excel workbook (.xlsx) built cell by cell and
 * returned as bytes, through libxlsxwriter.  libxlsxwriter writes to a file,
 * so the workbook goes to a private temporary file that xo_finish reads back
 * and removes; the caller writes the bytes where it wants (atomically). */
#ifndef CSC_XLSXOUT_H
#define CSC_XLSXOUT_H

#include <stddef.h>

struct xo_book;

/* A new workbook, or NULL with a message in err. */
struct xo_book *xo_new(char *err, size_t errlen);
/* Start a sheet (names up to 31 characters, without []:*?/\).  0 or -1. */
int xo_sheet(struct xo_book *b, const char *name, char *err, size_t errlen);
/* Cells of the current sheet (0-based row and column).  num_format is an
 * Excel number format ("0.00", "0") or NULL for General; bold for headings. */
int xo_number(struct xo_book *b, int row, int col, double v, const char *num_format, int bold);
int xo_string(struct xo_book *b, int row, int col, const char *s, int bold);
/* Document properties: title, a comment (the synthetic-data mark goes here
 * too) and the creation time in seconds since 1970 (fixed, so the same run
 * gives the same bytes).  Strings must outlive xo_finish. */
int xo_properties(struct xo_book *b, const char *title, const char *comments, double created);
/* Column width, in characters, of the current sheet. */
void xo_width(struct xo_book *b, int col, double width);
/* Keep the first row in view when scrolling. */
void xo_freeze_header(struct xo_book *b);
/* Close the workbook and hand back its bytes (malloc'd; *len set).  NULL
 * with a message in err.  The book is freed either way. */
unsigned char *xo_finish(struct xo_book *b, size_t *len, char *err, size_t errlen);
/* Drop an unfinished workbook (its temporary file too). */
void xo_discard(struct xo_book *b);

#endif
