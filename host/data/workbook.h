/* host/data/workbook.h -- Excel (.xlsx) and OpenDocument (.ods) workbooks,
 * and survey-platform exports (two header rows), -> struct frame.  Pure C
 * (no Lua), on libzip and libxml2's streaming reader.  One sheet is read
 * into a grid of cell texts (numbers, cached formula results, dates, merged
 * cells filled from their anchor); the table is found below any title rows;
 * and the grid is handed to the CSV loader (csvtab_read_mem), so types,
 * missing values and their reasons follow the CSV rules exactly.  Errors
 * name the file, the sheet and the cell.  Rules: docs/data.md, "Workbooks".
 * Bound in host/bind/lframe_read.c. */
#ifndef CSC_WORKBOOK_H
#define CSC_WORKBOOK_H

#include <stddef.h>

#include "csvtab.h"
#include "frame.h"

struct workbook_opts {
  const char *sheet_name;   /* sheet by name; NULL: by position */
  size_t sheet_pos;         /* 1-based; 0 with no name: the first sheet */
  size_t header_row;        /* 1-based sheet row of the header; 0: detected */
  int header_rows;          /* 1, or 2 for a survey export (question row, then option row) */
  const struct csvtab_opts *csv;   /* type overrides for the table; may be NULL */
};

struct workbook_error {
  char msg[768];            /* "FILE: sheet "S", cell B7 (column "x"): what is wrong" */
  char warning[768];        /* on success: rows with values below the table that were
                               not read (see wb_grid_frame); "" when none */
  int nomem;                /* 1: memory ran out (not a fault of the file): the
                               caller reports it as out of memory, not as bad data */
};

void workbook_opts_init(struct workbook_opts *o);

/* Kind from the extension: 1 xlsx (also .xlsm), 2 ods, 0 neither. */
int workbook_kind_from_path(const char *path);

/* Read one sheet's table.  A new frame (caller frees with frame_free), or
 * NULL with err filled.  Columns of a survey export carry the question
 * (and option) text as their label (struct frame_meta). */
struct frame *workbook_read(const char *path, const struct workbook_opts *o,
                            struct workbook_error *err);

/* A CSV file whose first two rows are a survey export's headers (question,
 * then answer option): the same table building as workbook_read. */
struct frame *workbook_read_survey_csv(const char *path, const struct workbook_opts *o,
                                       struct workbook_error *err);

/* The sheet names, in order: *names (n of them) freed with
 * workbook_sheets_free.  0 ok, -1 with err filled. */
int workbook_sheets(const char *path, char ***names, size_t *n, struct workbook_error *err);
void workbook_sheets_free(char **names, size_t n);

#endif
