/* host/data/csvtab.h -- CSV file -> struct frame, on libcsv.  Pure C (no Lua).
 * Infers one type per column over all rows, keeps the reason a value is
 * missing ("c", "x", blank, ...), and reports malformed input as
 * FILE:LINE:COLUMN (column "name"): what was expected.  Rules: docs/data.md,
 * "How csceval reads CSV files".  Bound to Lua in host/bind/lframe_io.c. */
#ifndef CSC_CSVTAB_H
#define CSC_CSVTAB_H

#include <stddef.h>

#include "frame.h"

struct csvtab_opts {
  /* per-column type overrides by name: override_names[i] -> override_types[i].
   * Names are matched after duplicates are renamed (SNP, SNP_2, ...). */
  const char *const *override_names;
  const enum frame_type *override_types;
  size_t noverride;
  char delim;               /* field separator; 0 means ',' */
  size_t max_field;         /* longest field accepted, in bytes; 0 means 1 MiB */
  size_t max_columns;       /* most fields on a line; 0 means CSVTAB_MAX_COLUMNS_DEFAULT */
  size_t max_rows;          /* most data rows; 0 means CSVTAB_MAX_ROWS_DEFAULT */
  size_t max_bytes;         /* largest file read, in bytes; 0 means CSVTAB_MAX_BYTES_DEFAULT */
  /* Where the overrides came from, finishing the sentence "the column was given
   * type int64 ..." in error messages; NULL means "in the recipe". */
  const char *override_origin;
  /* Threads for loading a large file (docs/data.md, "Threads"); 0 means the
   * CSCEVAL_THREADS environment variable, else the number of online CPUs.
   * The frame, or the error, is the same for any number. */
  unsigned threads;
};

#define CSVTAB_MAX_FIELD_DEFAULT ((size_t)1 << 20)
/* Excel's column limit: no spreadsheet export is wider */
#define CSVTAB_MAX_COLUMNS_DEFAULT ((size_t)16384)
#define CSVTAB_MAX_ROWS_DEFAULT ((size_t)100000000)
#define CSVTAB_MAX_BYTES_DEFAULT ((size_t)4096 << 20)
#define CSVTAB_MAX_THREADS 64

struct csvtab_error {
  char msg[512];            /* whole message, "FILE:LINE:COL (column "x"): ..." */
  size_t line;              /* 1-based physical line; 0 when not about one line */
  size_t column;            /* 1-based field number; 0 when not about one field */
  char colname[128];        /* header name of that field; "" when unknown */
  int nomem;                /* 1: memory ran out (not a fault of the file): the
                               caller reports it as out of memory, not as bad data */
  char warning[512];        /* on success: columns of whole numbers beyond int64, read
                               as text (docs/data.md, type inference); "" when none */
};

/* Fill o with the defaults (no overrides, ',', 1 MiB). */
void csvtab_opts_init(struct csvtab_opts *o);

/* Load the file at path (opts may be NULL for the defaults).  Returns a new
 * frame that the caller frees with frame_free, or NULL with err filled
 * (err may be NULL).  Never keeps a reference to opts.  Only regular files
 * are read, with read(2) into memory, or pread(2) by ranges on several
 * threads (never mapped: a file truncated under
 * a mapping would raise SIGBUS); a file whose size or modification time
 * changes while it is read is refused. */
struct frame *csvtab_read(const char *path, const struct csvtab_opts *opts,
                          struct csvtab_error *err);

/* The same for len bytes at buf (not NUL-terminated, not retained); label
 * stands in for the file name in messages. */
struct frame *csvtab_read_mem(const char *buf, size_t len, const char *label,
                              const struct csvtab_opts *opts, struct csvtab_error *err);

#endif
