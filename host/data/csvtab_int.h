/* host/data/csvtab_int.h -- private to the CSV loader: host/data/csvtab.c (records,
 * header, errors), host/data/csvtab_col.c (typed columns) and host/data/csvtab_fast.c
 * (the record driver: libcsv, and a fast path beside it for plain records).
 *
 * A record is "plain" when its line holds no '"' and no '\r' other than the
 * '\r' of a CRLF ending.  libcsv would read such a line without ever leaving
 * its unquoted states, so splitting it at the delimiter, trimming the bytes
 * libcsv trims and skipping the lines libcsv skips gives the very fields and
 * records libcsv would give.  Everything else (any quote, a lone CR, the last
 * line when it has no newline) is handed to libcsv, and control only passes
 * between the two at record boundaries, so libcsv remains the parser for
 * everything quoted.  tests/c/test_csvtab_fast.c checks the equivalence at
 * every boundary and on generated inputs, against the loader with the fast
 * path off. */
#ifndef CSC_CSVTAB_INT_H
#define CSC_CSVTAB_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <csv.h>

#include "csvtab.h"

/* One field of a plain record: bytes in the input, already trimmed. */
struct csvtab_span {
  const char *s;
  size_t len;
};

enum {
  CSVTAB_DRV_OK,            /* parsed to the end, or to a NUL (see nul) */
  CSVTAB_DRV_HALT,          /* *halt became nonzero in a callback */
  CSVTAB_DRV_EPARSE,        /* libcsv strict error at byte `at` */
  CSVTAB_DRV_RUNAWAY,       /* a field still open after max_field bytes */
  CSVTAB_DRV_UNCLOSED,      /* csv_fini: a quoted field is never closed */
  CSVTAB_DRV_ENOMEM         /* libcsv or the span buffer ran out of memory */
};

/* How plain records are split: not at all (libcsv takes every record), with
 * SSE2 where the compiler targets it, or bytewise everywhere (tested too). */
enum { CSVTAB_FAST_OFF, CSVTAB_FAST_ON, CSVTAB_FAST_PORTABLE };

struct csvtab_drv {
  /* in */
  const char *buf;
  size_t stop;              /* the input is buf[0, stop), or up to its first NUL */
  unsigned char delim;
  int fast;                 /* CSVTAB_FAST_*: 0 = every record goes through libcsv */
  size_t maxf;              /* longest field; a longer open field stops the run */
  size_t maxcols;           /* a line with more fields goes to libcsv, whose callbacks stop it */
  void (*field)(void *s, size_t len, void *u);    /* libcsv callbacks */
  void (*row)(int term, void *u);
  /* Plain records, in order: record r has n[r] >= 1 fields, all of them one
   * after another in f.  Returns nonzero to stop. */
  int (*records)(void *u, const struct csvtab_span *f, const size_t *n, size_t nrec);
  void *u;
  const int *halt;          /* a callback sets it nonzero to stop the run */
  /* out */
  size_t pos;               /* where the records being handed over start; callbacks may read it */
  size_t at;                /* EPARSE: offset of the offending byte; RUNAWAY: where it stopped */
  size_t nul;               /* offset of the first NUL, if the parse reached one; else SIZE_MAX */
  size_t clean;             /* buf[0, clean) has no NUL (the rest was not looked at) */
};

/* Run libcsv and the fast path over d->buf[0, d->stop), stopping short at a
 * NUL: the input is then what comes before it, as if the rest were not there
 * (no csv_fini).  Returns CSVTAB_DRV_*. */
int csvtab_drive(struct csvtab_drv *d);

/* libcsv set up as the loader uses it (strict; tab-separated files trim only
 * spaces, since a tab separates there). */
void csvtab_parser_init(struct csv_parser *p, unsigned char delim);

/* ===== the loader's state: host/data/csvtab.c and host/data/csvtab_col.c ===== */

#define NOIDX ((size_t)-1)

/* Type candidates a column still has during inference. */
enum { T_BOOL = 1, T_INT = 2, T_F64 = 4, T_DATE = 8, T_ALL = 15 };
/* csvtab_scan_number's mark on a whole number outside int64 (with T_F64):
 * such a value makes an inferred column text (docs/data.md) */
enum { T_BIG = 16 };

enum { E_NONE, E_FAIL, E_OOM };

/* What a column holds while the file is read.  Values go straight into val
 * at their row, converted, while every value so far fits one type; missing
 * rows hold the type's placeholder (0, NaN) and their reason in na.  From the
 * first value that fits no type the column is text: int32 dictionary codes,
 * missing ones as -reason, as frame columns keep them. */
enum { M_NONE,              /* only missing values so far: na only, no val */
       M_INT, M_F64, M_BOOL, M_DATE, M_TEXT };

/* Slots of a text column's cache of recent labels (a power of two). */
#define CSVTAB_RECENT 16

/* Rows of a text column whose string comes from the replay (see replay). */
#define CODE_LATER INT32_MIN

struct colbuf {
  int mode;
  int forced;               /* 1: type given by an override (never changes) */
  enum frame_type type;     /* forced type */
  void *val;                /* c->cap rows: int64, double, uint8, int32 days or codes */
  uint8_t *na;              /* reason per row, NULL until the first missing (typed modes) */
  size_t nmiss, nblank;     /* missing values, blanks among them */
  struct frame_dict *dict;  /* M_TEXT */
  uint32_t *ix;             /* M_TEXT: our own hash index of dict, code+1 per slot, 0 empty */
  size_t ixmask;            /* slots - 1 (a power of two minus one) */
  int32_t last;             /* code of the last value interned, -1 none */
  uint32_t recent[CSVTAB_RECENT]; /* M_TEXT: code+1 of a label met lately, by first byte and
                               * length (0 none); every hit is checked against the dictionary */
  size_t upto;              /* put_rows: records of the batch already stored */
  size_t later;             /* M_TEXT: rows [0, later) may hold CODE_LATER */
  struct frame_dict *redict; /* the replay's new dictionary */
  size_t *negz;             /* M_INT rows that read "-0": -0.0 if the column turns float64 */
  size_t nnegz, capnegz;
  /* Storage lent by the threaded loader (csvtab_par.c): cap rows of winsz
   * bytes inside the file's column, for the mode of that size.  Never freed
   * or reallocated here; val may point to it. */
  void *win;
  size_t winsz;
};

/* A file csvtab_read holds in memory of its own (an anonymous mapping), with
 * the descriptor still open: pages the parse has passed are given back as it
 * goes (drop_behind, host/data/csvtab.c), so a load's peak is about its
 * columns rather than the columns and the whole file, and read again from
 * the file (csvtab_restore) when a replay, a second pass or an error report
 * needs them.  A file that changed in between is refused then. */
struct csvtab_file {
  char *base;               /* the whole file, base[0, len) */
  size_t len;
  int fd;
  struct stat st;           /* as first read: size and modification time */
  atomic_int changed;       /* a re-read found it changed */
};

struct ctx {
  const char *label;
  const char *buf;          /* after any BOM */
  size_t len;
  struct csvtab_file *file; /* NULL when the input is not ours to give back */
  size_t drop0, dropped;    /* file->base[drop0, dropped) has been given back */
  const size_t *pos;        /* where the driver is, for the row estimate */
  const struct csvtab_opts *o;
  size_t maxf, maxcols, maxrows;
  size_t rec, fld;          /* current record (0 = header) and field within it */
  size_t nrow;
  size_t cap;               /* rows every column has room for */
  size_t nlater;            /* text columns waiting for the replay */
  char **raw; size_t nraw, capraw;   /* header fields as read */
  char **name;              /* final unique names, H of them */
  size_t H;
  int trail_hdr;            /* header ends with an empty name (trailing comma) */
  int extra_nonblank;       /* this row has a nonblank field H+1 */
  struct colbuf *col;
  /* first error: where to point and what to say */
  int err;
  size_t err_rec, err_fld;  /* field to locate (0-based) */
  int err_at_end;           /* point at the end of that field, not its start */
  size_t err_col;           /* column number to report (1-based), 0 = fld + 1 */
  size_t err_name;          /* header index of the name to show, NOIDX = none */
  const char *err_how;      /* "column" or "after column" */
  size_t err_line;          /* nonzero: line known already */
  int part;                 /* a part of the body (csvtab_par.c): buf starts after the header */
  char body[400];
};

/* host/data/csvtab.c: errors.  The first error is kept; rec and fld (0-based)
 * name the field the message points at. */
void csvtab_fail(struct ctx *c, size_t rec, size_t fld, const char *fmt, ...);
void csvtab_fail_long(struct ctx *c);                       /* field over max_field */
void csvtab_fail_forced(struct ctx *c, struct colbuf *b, const char *s, size_t len);
void csvtab_check_utf8(struct ctx *c, const char *s, size_t len);   /* fails if not UTF-8 */

/* host/data/csvtab_col.c: the column store. */
unsigned csvtab_scan_number(const char *s, size_t len);     /* T_INT|T_F64, T_F64(|T_BIG) or 0 */
int csvtab_text_start(struct colbuf *b);                    /* a column forced to text */
int csvtab_grow(struct ctx *c, size_t need);                /* room for need rows */
void csvtab_hint_huge(void *p, size_t bytes);              /* ask for huge pages (a hint) */
/* Value s of row i of column b, by every rule of docs/data.md. */
void csvtab_put_value(struct ctx *c, struct colbuf *b, size_t i, const char *s, size_t len);
/* m data rows of H fields each, one after another in f: rows c->nrow... */
int csvtab_put_rows(struct ctx *c, const struct csvtab_span *f, size_t m);
/* Strings for the columns that turned text after typed values (c->nlater). */
int csvtab_replay(struct ctx *c, int fast);
/* Column b turns text at row i (its typed rows wait for the replay).  0 ok. */
int csvtab_to_text(struct ctx *c, struct colbuf *b, size_t i);
struct frame_col *csvtab_take_col(struct ctx *c, struct colbuf *b, const char *name);
void csvtab_col_free(struct colbuf *b);

/* host/data/csvtab.c: pages of c's input given back (c->file, from c->buf
 * on) are read again from the file.  0 ok; -1 when the file changed (then
 * c->err is set, with the message, and c->file->changed). */
void csvtab_drop_init(struct ctx *c, struct csvtab_file *file);
int csvtab_restore(struct ctx *c);

/* host/data/csvtab.c: run the driver over c->buf[0, c->len) with the loader's
 * callbacks, from wherever c stands (the header, or a record boundary with
 * c->rec > 0).  0 when it parsed to the end with no error and no NUL; -1
 * otherwise (c->err may then be set, or not: a NUL or a parse error). */
int csvtab_parse(struct ctx *c, int fast);

/* ===== several threads: host/data/csvtab_par.c ===== */

/* Parts of the file smaller than this are not given a thread of their own. */
#define CSVTAB_PAR_MIN_PART ((size_t)1 << 20)

/* Threads for o: o->threads, else CSCEVAL_THREADS, else the online CPUs
 * (at most CSVTAB_MAX_THREADS). */
unsigned csvtab_threads(const struct csvtab_opts *o);

/* The input cut into nr equal ranges of step bytes (the last takes the
 * rest) for the threads, and what a scan of each found: its first LF (NULL
 * if none), and the line ends before and after that LF (host/data/csvtab_par.c). */
#define CSVTAB_MAX_RANGES (4 * CSVTAB_MAX_THREADS)
struct csvtab_range {
  const char *lf;
  size_t head, tail;
};
struct csvtab_ranges {
  const char *buf;
  size_t len, nr, step;
  struct csvtab_range r[CSVTAB_MAX_RANGES];
};
/* Ranges for len bytes on threads threads, each at least min_part bytes;
 * 0 when threads would not pay. */
size_t csvtab_range_count(size_t len, unsigned threads, size_t min_part);
void csvtab_ranges_init(struct csvtab_ranges *g, const char *buf, size_t len, size_t nr);
void csvtab_scan_range(struct csvtab_ranges *g, size_t i);

enum { CSVTAB_PAR_DONE, CSVTAB_PAR_DECLINE };

/* Load c (set up, nothing parsed yet) on up to threads threads, in parts of
 * at least min_part bytes cut at line ends, from the ranges g (scanned while
 * the file was read), or from its own scan when g is NULL.  CSVTAB_PAR_DONE: c holds the
 * header and every row's column, exactly as one pass would have left them
 * (no replay pending), and *parts (when not NULL) the number of parts.  CSVTAB_PAR_DECLINE: nothing decided; c is in an
 * unspecified state that the caller frees and sets up again before loading
 * on one thread (the file is too small, has quoted line breaks across a cut,
 * or an error). */
int csvtab_par_load(struct ctx *c, int fast, unsigned threads, size_t min_part,
                    struct csvtab_ranges *g, size_t *parts);

/* Read want bytes of fd (and one more, to see a file that grew) into buf on
 * up to threads threads, each a range, by pread, scanning each range into g.
 * Returns the bytes read (want, or another count when the file changed), -1
 * with errno on a read error, -2 when the file is too small for threads
 * (nothing read). */
ssize_t csvtab_par_read(int fd, char *buf, size_t want, unsigned threads, size_t min_part,
                        struct csvtab_ranges *g);

/* Test hook: csvtab_read_mem on one thread with the fast path set to fast
 * (CSVTAB_FAST_*), so the differential tests can compare both splitters with
 * libcsv alone. */
struct frame *csvtab_read_mem_ex(const char *buf, size_t len, const char *label,
                                 const struct csvtab_opts *opts, struct csvtab_error *err,
                                 int fast);
/* The same on threads threads (0: csvtab_threads) with parts of at least
 * min_part bytes (0: CSVTAB_PAR_MIN_PART), so tests can cut small inputs;
 * *parts (when not NULL) is set to the parts loaded on threads, 0 when the
 * file was loaded in one pass. */
struct frame *csvtab_read_mem_par(const char *buf, size_t len, const char *label,
                                  const struct csvtab_opts *opts, struct csvtab_error *err,
                                  int fast, unsigned threads, size_t min_part, size_t *parts);

#endif
