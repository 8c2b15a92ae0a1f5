/* host/data/frame.h -- typed column store: the data frame every csceval module shares.
 * Pure C (no Lua). Columns are typed arrays plus an optional per-row
 * missing-reason array, so a suppressed value ("c") stays distinct from a blank.
 * Bound to Lua in host/bind/lframe.c. */
#ifndef CSC_FRAME_H
#define CSC_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum frame_type {
  FRAME_F64 = 0,   /* double */
  FRAME_I64,       /* int64_t */
  FRAME_BOOL,      /* uint8_t, 0 or 1 */
  FRAME_DATE,      /* int32_t days since 1970-01-01 (proleptic Gregorian) */
  FRAME_CAT,       /* int32_t code into a shared string dictionary */
  FRAME_NTYPES
};

/* Why a value is missing.  0 means present.  The EES symbols follow the
 * Explore Education Statistics conventions (see docs/data.md). */
enum frame_na {
  NA_NONE = 0,
  NA_BLANK,    /* empty field */
  NA_NA,       /* "NA" (also "N/A", "NaN", ".") */
  NA_C,        /* c   confidential, suppressed */
  NA_X,        /* x   not available */
  NA_Z,        /* z   not applicable */
  NA_K,        /* k   fewer than 0.5, rounds to 0 */
  NA_U,        /* u   low reliability */
  NA_LOW,      /* low */
  NA_COLON,    /* :   not available */
  NA_CALC,     /* produced by a calculation (log of 0, 0/0, unmatched join) */
  /* Reasons carried by statistical files (host/data/statfile.c).  Stata's
   * extended missing values .a to .z and SAS's special missing values .A to
   * .Z are NA_TAG_A + (letter - 'a'); SAS's ._ is NA_TAG_US.  An SPSS
   * user-missing value (a code the file declares missing, such as -9
   * "Refused") is NA_USER, and its code stays in the column's storage so that
   * describe can show it with its value label. */
  NA_TAG_A,
  NA_TAG_Z = NA_TAG_A + 25,
  NA_TAG_US,
  NA_USER,
  NA_NREASONS
};

/* Interned strings for categorical columns.  Reference counted so that
 * filtered or sorted copies of a column share one dictionary. */
struct frame_dict {
  int refs;
  char **str;        /* str[code], NUL-terminated, owned */
  size_t *len;       /* byte length of str[code] */
  size_t n, cap;
  uint32_t *slot;    /* open-addressing hash: code+1, 0 = empty */
  size_t nslot;      /* power of two */
};

/* What a statistical file or workbook says about a column besides its
 * values: a variable label, value labels, the source display format.
 * Reference counted like dictionaries, so copies of a column (filtered,
 * sorted, renamed) keep it.  Read-only once attached to a column. */
struct frame_vlabel {
  double value;        /* numeric code (when str == NULL and tag == 0) */
  char tag;            /* 'a'..'z' or '_' for a label on a tagged missing value; else 0 */
  char *str;           /* string code for a labelled text variable; else NULL */
  char *label;         /* owned */
};

struct frame_meta {
  int refs;
  char *label;                /* variable label or question text; NULL if none */
  char *format;               /* source display format ("%td", "DATE11"); NULL if none */
  struct frame_vlabel *vl;    /* value labels, in the file's order */
  size_t nvl, capvl;
};

struct frame_col {
  char *name;                 /* owned */
  enum frame_type type;
  size_t n;                   /* rows (== frame nrow once attached) */
  size_t cap;                 /* allocated rows */
  union {
    double  *f64;
    int64_t *i64;
    uint8_t *b;
    int32_t *date;
    int32_t *cat;
    void    *raw;
  } v;
  uint8_t *na;                /* NULL when nothing is missing; else enum frame_na per row */
  struct frame_dict *dict;    /* FRAME_CAT only; one reference owned */
  /* Non-NULL when v and na are shared with other columns (made by
   * frame_col_take of all rows): a count of the sharers.  Shared storage is
   * read-only; reserve, resize and set_na refuse it.  Frames reachable from
   * Lua are never modified in place, so whole-column copies (select,
   * rename, mutate) cost nothing. */
  int *shared;
  struct frame_meta *meta;    /* NULL when nothing is known; one reference owned */
};

struct frame {
  size_t nrow;
  size_t ncol, capcol;
  struct frame_col **col;     /* owned */
};

/* ===== dictionaries ===== */
struct frame_dict *frame_dict_new(void);
void frame_dict_retain(struct frame_dict *d);
void frame_dict_release(struct frame_dict *d);            /* frees at 0 refs */
/* Code for s (len bytes), adding it if new.  Returns -1 on out of memory. */
int32_t frame_dict_intern(struct frame_dict *d, const char *s, size_t len);
/* Code for s, or -1 if absent.  Never adds. */
int32_t frame_dict_find(const struct frame_dict *d, const char *s, size_t len);

/* ===== column metadata ===== */
struct frame_meta *frame_meta_new(void);
void frame_meta_release(struct frame_meta *m);            /* frees at 0 refs */
/* Set the label (copied; NULL clears).  0 ok, -1 out of memory. */
int frame_meta_set_label(struct frame_meta *m, const char *label);
int frame_meta_set_format(struct frame_meta *m, const char *format);
/* Add a value label: code (str NULL, tag 0), tag ('a'..'z', '_') or string
 * code str.  Label copied.  0 ok, -1 out of memory. */
int frame_meta_add_vlabel(struct frame_meta *m, double value, char tag, const char *str,
                          const char *label);
/* Label of a numeric code, or NULL. */
const char *frame_meta_vlabel(const struct frame_meta *m, double value);
/* Attach m to c (one reference taken; any previous one released). */
void frame_col_set_meta(struct frame_col *c, struct frame_meta *m);

/* ===== columns ===== */
/* New column of `type` with room for `cap` rows and n = 0.  For FRAME_CAT a
 * fresh dictionary is created when dict is NULL, else dict is retained. */
struct frame_col *frame_col_new(const char *name, enum frame_type type, size_t cap,
                                struct frame_dict *dict);
void frame_col_free(struct frame_col *c);
/* Grow storage to at least cap rows.  0 ok, -1 out of memory. */
int frame_col_reserve(struct frame_col *c, size_t cap);
/* Set n and make sure storage exists (values uninitialised, na cleared). */
int frame_col_resize(struct frame_col *c, size_t n);
/* Mark row i missing with reason (allocates the na array on first use). */
int frame_col_set_na(struct frame_col *c, size_t i, enum frame_na why);
static inline int frame_col_isna(const struct frame_col *c, size_t i) {
  return c->na != NULL && c->na[i] != NA_NONE;
}
/* Copy of the rows idx[0..m-1] (idx NULL: all rows, sharing the storage
 * read-only instead of copying it).  New name if non-NULL. */
struct frame_col *frame_col_take(const struct frame_col *c, const size_t *idx, size_t m,
                                 const char *newname);
/* Value as double (i64, bool, date converted); NaN when missing or categorical. */
double frame_col_getd(const struct frame_col *c, size_t i);
/* String of a categorical value; NULL when missing or not categorical. */
const char *frame_col_gets(const struct frame_col *c, size_t i);
/* Count of missing values by reason: counts[NA_NREASONS], counts[0] = present. */
void frame_col_na_counts(const struct frame_col *c, size_t counts[NA_NREASONS]);

/* The one missing-value rule every analysis uses when it selects rows: a
 * value is missing when the column marks it missing (for any reason: "c",
 * "NA", blank, ...) or, in a float64 column, when it is not a finite number
 * (NaN or +-Inf stored in the column count as missing for reason NA_CALC,
 * exactly as an expression's log(0) or 0/0 does, whichever way the value
 * got there). */
int frame_col_missing(const struct frame_col *c, size_t i);
/* Why value i is missing under that rule (NA_NONE when it is not). */
enum frame_na frame_col_reason(const struct frame_col *c, size_t i);
/* The complete rows: positions i < nrow at which no column of
 * cols[0..ncols-1] is missing (NULL entries, for options not given, are
 * skipped), in increasing order into keep (room for nrow; NULL: only
 * count them); returns how many. */
size_t frame_complete_rows(const struct frame_col *const *cols, size_t ncols, size_t nrow,
                           size_t *keep);

/* out[i] = frame_col_getd(c, keep[i]) for i < m (keep NULL: rows 0..m-1),
 * with a typed loop for each storage type when nothing in c is marked
 * missing. */
void frame_col_gatherd(const struct frame_col *c, const size_t *keep, size_t m, double *out);

/* ===== frames ===== */
struct frame *frame_new(void);
void frame_free(struct frame *f);
/* Attach col (takes ownership).  Its n must equal nrow unless the frame has
 * no columns yet.  Fails (-1) on a duplicate name or row mismatch; col is then
 * NOT freed, the caller still owns it. */
int frame_add(struct frame *f, struct frame_col *col);
/* Column index by name, or -1. */
int frame_find(const struct frame *f, const char *name);
/* New frame holding rows idx[0..m-1] of every column (idx NULL: all rows). */
struct frame *frame_take(const struct frame *f, const size_t *idx, size_t m);
/* Each row repeated as often as the whole number in column `count` says (0
 * drops it), rows in order, the count column left out: the inverse of
 * counting identical rows (tidyr::uncount).  NULL on a bad count or out of
 * memory; then *why is a static message and *bad_row the 0-based row
 * (SIZE_MAX when no row is to blame). */
struct frame *frame_uncount(const struct frame *f, size_t count, size_t *bad_row, const char **why);
/* The *why of frame_uncount (and others) when memory ran out: compare the
 * pointer, not the words. */
extern const char frame_why_nomem[];

/* ===== names ===== */
/* Levenshtein distance between a[0..la) and b[0..lb).  Names longer than 64
 * bytes, or lengths more than two apart, are never close: the result is
 * then 3 (every caller suggests only within two edits). */
size_t frame_edit_distance(const char *a, size_t la, const char *b, size_t lb);
/* The column of f within two edits of name (closer than name's own
 * length, so "NA" is not a typo of "x"), for "did you mean"; or NULL. */
const char *frame_suggest(const struct frame *f, const char *name);
const char *frame_type_name(enum frame_type t);           /* "float64", ... */
int frame_type_parse(const char *s, enum frame_type *out); /* 0 ok, -1 unknown */
const char *frame_na_symbol(enum frame_na why);           /* "c", "NA", "" ... */
const char *frame_na_describe(enum frame_na why);         /* "suppressed (c)" ... */
/* Reason for a missing-value token, or NA_NONE if the token is not one. */
enum frame_na frame_na_parse(const char *s, size_t len);

/* ===== dates ===== */
/* Days since 1970-01-01 for a valid y-m-d; returns 0 and sets *out, -1 if invalid. */
int frame_date_from_ymd(int y, int m, int d, int32_t *out);
void frame_date_to_ymd(int32_t days, int *y, int *m, int *d);
/* Parse "YYYY-MM-DD" or "DD/MM/YYYY".  0 ok, -1 not a date. */
int frame_date_parse(const char *s, size_t len, int32_t *out);
/* Writes "YYYY-MM-DD" into buf (>= 11 bytes). */
void frame_date_format(int32_t days, char *buf);

#endif
