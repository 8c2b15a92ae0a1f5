/* host/data/statfile.h -- Stata (.dta), SPSS (.sav, .zsav, .por) and SAS
 * (.sas7bdat) files -> struct frame, through ReadStat (Debian's
 * libreadstat-dev).  Pure C (no Lua).  Keeps variable labels and value
 * labels (struct frame_meta), missing values with their reason (system
 * missing as NA, Stata .a-.z and SAS .A-.Z/._ as NA_TAG_*, SPSS user-missing
 * codes as NA_USER with the code kept), and dates as dates.  Rules:
 * docs/data.md, "Stata, SPSS and SAS files".  Bound in host/bind/lframe_read.c. */
#ifndef CSC_STATFILE_H
#define CSC_STATFILE_H

#include <stddef.h>

#include "frame.h"

enum statfile_kind { STATFILE_DTA, STATFILE_SAV, STATFILE_POR, STATFILE_SAS7BDAT };

/* How a numeric column with value labels is read. */
enum statfile_labels {
  STATFILE_LABELS_AUTO = 0,  /* text when every present value has a label, else codes */
  STATFILE_LABELS_TEXT,      /* text: each code's label (an unlabelled code as its number) */
  STATFILE_LABELS_CODES      /* numbers, the labels kept in the column's metadata */
};

struct statfile_opts {
  enum statfile_labels labels;            /* for columns not named below */
  const char *const *label_names;         /* per-column choices: label_names[i] -> label_modes[i] */
  const enum statfile_labels *label_modes;
  size_t nlabel;
  /* limits (docs/cli.md, "Limits"); 0 means the CSV loader's default */
  size_t max_bytes;                       /* largest file read */
  size_t max_columns;                     /* most variables */
  size_t max_rows;                        /* most observations */
};

struct statfile_error {
  char msg[512];             /* "FILE: what is wrong" */
  int nomem;                 /* 1: memory ran out (not a fault of the file): the
                                caller reports it as out of memory, not as bad data */
};

/* Kind from the file name's extension (.dta, .sav, .zsav, .por, .sas7bdat;
 * any case).  0 ok, -1 not one of them. */
int statfile_kind_from_path(const char *path, enum statfile_kind *out);
const char *statfile_kind_name(enum statfile_kind k);      /* "Stata", "SPSS", ... */

/* Read the file.  Returns a new frame (caller frees with frame_free) or NULL
 * with err filled.  A column named in opts that the file lacks is an error
 * that lists the file's columns.  opts may be NULL (all AUTO). */
struct frame *statfile_read(const char *path, enum statfile_kind kind,
                            const struct statfile_opts *opts, struct statfile_error *err);

#endif
