/* host/data/statfile.c -- Stata, SPSS and SAS files read through ReadStat
 * into a struct frame, with labels, missing-value reasons and dates kept.
 * Pure C (no Lua).  ReadStat calls back once per variable, value label and
 * cell; the callbacks only record (no error escapes them), and the frame is
 * built after the parse, when every value label is known. */
#include "statfile.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/stat.h>

#include <readstat.h>

#include "csvtab.h"

/* ===== what the parse records ===== */

struct sf_var {
  char *name, *label, *format, *labelset;   /* owned; label, format, labelset may be NULL */
  int is_string;
  double *num;            /* numeric cells */
  int32_t *code;          /* string cells: codes into dict */
  struct frame_dict *dict;  /* string variables only */
  uint8_t *na;            /* enum frame_na per row */
};

struct sf_vlabel {        /* one entry of a named label set */
  char *set, *label, *str;
  double value;
  char tag;
};

struct sf_ctx {
  enum statfile_kind kind;
  struct sf_var *var;
  int nvar;
  size_t nrow, cap;       /* rows seen, rows allocated per variable */
  struct sf_vlabel *vl;
  size_t nvl, capvl;
  int oom;
  size_t max_rows, max_cols;   /* the limits on observations and variables */
  size_t declared;        /* the count the file declares, when over a limit */
  int over;               /* 1: more variables than max_cols, 2: more rows than max_rows */
  char rs_msg[256];       /* ReadStat's own error text, if it gave one */
};

/* A copy of s, NULL when s is NULL or empty; *oom = 1 when the copy failed. */
static char *dup_or_null(const char *s, int *oom) {
  char *d = s && *s ? strdup(s) : NULL;
  if (s && *s && !d) *oom = 1;
  return d;
}

static int sf_metadata(readstat_metadata_t *md, void *p) {
  struct sf_ctx *c = p;
  int nv = readstat_get_var_count(md), nr = readstat_get_row_count(md);
  if (nv > 0 && (size_t)nv > c->max_cols) { c->over = 1; c->declared = (size_t)nv; return READSTAT_HANDLER_ABORT; }
  if (nr > 0 && (size_t)nr > c->max_rows) { c->over = 2; c->declared = (size_t)nr; return READSTAT_HANDLER_ABORT; }
  if (nv > 0 && !(c->var = calloc((size_t)nv, sizeof *c->var))) { c->oom = 1; return READSTAT_HANDLER_ABORT; }
  c->nvar = nv > 0 ? nv : 0;
  /* the declared count is only a hint (a damaged file can declare 2^31
   * rows): columns start at most 65,536 rows long and grow as rows come */
  c->cap = nr > 0 ? ((size_t)nr < 65536 ? (size_t)nr : 65536) : 0;
  return READSTAT_HANDLER_OK;
}

static int grow_var(struct sf_var *v, size_t from, size_t cap) {
  if (v->is_string) {
    int32_t *p = realloc(v->code, cap * sizeof *p);
    if (!p) return -1;
    v->code = p;
  } else {
    double *p = realloc(v->num, cap * sizeof *p);
    if (!p) return -1;
    v->num = p;
  }
  uint8_t *q = realloc(v->na, cap);
  if (!q) return -1;
  memset(q + from, NA_BLANK, cap - from);   /* a cell never delivered is blank */
  v->na = q;
  return 0;
}

static int sf_variable(int index, readstat_variable_t *var, const char *labelset, void *p) {
  struct sf_ctx *c = p;
  if (index < 0 || index >= 1 << 20) return READSTAT_HANDLER_ABORT;
  if ((size_t)index >= c->max_cols) { c->over = 1; c->declared = (size_t)index + 1; return READSTAT_HANDLER_ABORT; }
  if (index >= c->nvar) {                   /* the file did not say how many variables */
    struct sf_var *nv = realloc(c->var, (size_t)(index + 1) * sizeof *nv);
    if (!nv) { c->oom = 1; return READSTAT_HANDLER_ABORT; }
    memset(nv + c->nvar, 0, (size_t)(index + 1 - c->nvar) * sizeof *nv);
    c->var = nv;
    c->nvar = index + 1;
  }
  struct sf_var *v = &c->var[index];
  v->is_string = readstat_variable_get_type_class(var) == READSTAT_TYPE_CLASS_STRING;
  v->name = strdup(readstat_variable_get_name(var) ? readstat_variable_get_name(var) : "");
  v->label = dup_or_null(readstat_variable_get_label(var), &c->oom);
  v->format = dup_or_null(readstat_variable_get_format(var), &c->oom);
  v->labelset = dup_or_null(labelset, &c->oom);
  if (c->oom || !v->name || grow_var(v, 0, c->cap ? c->cap : 1) != 0 ||
      (v->is_string && !(v->dict = frame_dict_new()))) {
    c->oom = 1;
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

static enum frame_na tag_reason(char tag) {
  if (tag >= 'a' && tag <= 'z') return (enum frame_na)(NA_TAG_A + (tag - 'a'));
  if (tag >= 'A' && tag <= 'Z') return (enum frame_na)(NA_TAG_A + (tag - 'A'));
  if (tag == '_') return NA_TAG_US;
  return NA_NA;
}

static int sf_value(int obs, readstat_variable_t *var, readstat_value_t val, void *p) {
  struct sf_ctx *c = p;
  int j = readstat_variable_get_index(var);
  if (obs < 0 || j < 0 || j >= c->nvar) return READSTAT_HANDLER_ABORT;
  size_t i = (size_t)obs;
  if (i >= c->max_rows) { c->over = 2; c->declared = i + 1; return READSTAT_HANDLER_ABORT; }
  if (i >= c->cap) {                        /* row count not known in advance (.por) */
    size_t nc = c->cap ? c->cap : 64;
    while (nc <= i) nc *= 2;
    for (int k = 0; k < c->nvar; k++)
      if (c->var[k].name && grow_var(&c->var[k], c->cap, nc) != 0) { c->oom = 1; return READSTAT_HANDLER_ABORT; }
    c->cap = nc;
  }
  if (i + 1 > c->nrow) c->nrow = i + 1;
  struct sf_var *v = &c->var[j];
  if (!v->name) return READSTAT_HANDLER_ABORT;
  uint8_t why = NA_NONE;
  if (readstat_value_is_tagged_missing(val)) why = tag_reason(readstat_value_tag(val));
  else if (readstat_value_is_system_missing(val)) why = v->is_string ? NA_BLANK : NA_NA;
  else if (readstat_value_is_defined_missing(val, var)) why = NA_USER;
  if (v->is_string) {
    const char *s = readstat_string_value(val);
    size_t len = s ? strlen(s) : 0;
    if (why == NA_NONE && len == 0) why = NA_BLANK;    /* Stata and SPSS: "" is missing */
    int32_t code = frame_dict_intern(v->dict, s ? s : "", len);
    if (code < 0) { c->oom = 1; return READSTAT_HANDLER_ABORT; }
    v->code[i] = code;
  } else {
    v->num[i] = why == NA_NONE || why == NA_USER ? readstat_double_value(val) : NAN;
  }
  v->na[i] = why;
  return READSTAT_HANDLER_OK;
}

static int sf_value_label(const char *set, readstat_value_t val, const char *label, void *p) {
  struct sf_ctx *c = p;
  if (c->nvl == c->capvl) {
    size_t nc = c->capvl ? c->capvl * 2 : 32;
    struct sf_vlabel *q = realloc(c->vl, nc * sizeof *q);
    if (!q) { c->oom = 1; return READSTAT_HANDLER_ABORT; }
    c->vl = q; c->capvl = nc;
  }
  struct sf_vlabel *e = &c->vl[c->nvl];
  memset(e, 0, sizeof *e);
  if (readstat_value_type_class(val) == READSTAT_TYPE_CLASS_STRING) {
    const char *s = readstat_string_value(val);
    e->str = strdup(s ? s : "");
  } else if (readstat_value_is_tagged_missing(val)) {
    e->tag = (char)tolower((unsigned char)readstat_value_tag(val));
  } else {
    e->value = readstat_double_value(val);
  }
  e->set = strdup(set ? set : "");
  e->label = strdup(label ? label : "");
  if (!e->set || !e->label || (readstat_value_type_class(val) == READSTAT_TYPE_CLASS_STRING && !e->str)) {
    free(e->set); free(e->label); free(e->str);
    c->oom = 1;
    return READSTAT_HANDLER_ABORT;
  }
  c->nvl++;
  return READSTAT_HANDLER_OK;
}

static void sf_error(const char *msg, void *p) {
  struct sf_ctx *c = p;
  if (!c->rs_msg[0] && msg) {
    snprintf(c->rs_msg, sizeof c->rs_msg, "%s", msg);
    size_t n = strlen(c->rs_msg);
    while (n && (c->rs_msg[n - 1] == '\n' || c->rs_msg[n - 1] == ' ')) c->rs_msg[--n] = '\0';
  }
}

static void sf_ctx_free(struct sf_ctx *c) {
  for (int j = 0; j < c->nvar; j++) {
    struct sf_var *v = &c->var[j];
    free(v->name); free(v->label); free(v->format); free(v->labelset);
    free(v->num); free(v->code); free(v->na);
    frame_dict_release(v->dict);
  }
  free(c->var);
  for (size_t k = 0; k < c->nvl; k++) { free(c->vl[k].set); free(c->vl[k].label); free(c->vl[k].str); }
  free(c->vl);
}

/* ===== dates ===== */

enum sf_time { SF_PLAIN, SF_DATE, SF_DATETIME };

/* Whether a display format marks dates or date-times.  Stata stores %td as
 * days and %tc as milliseconds since 1960-01-01; SPSS stores DATE, ADATE, ...
 * as seconds since 1582-10-14; SAS stores DATE9, MMDDYY10, ... as days and
 * DATETIME as seconds since 1960-01-01. */
static enum sf_time time_kind(enum statfile_kind kind, const char *fmt) {
  if (!fmt) return SF_PLAIN;
  if (kind == STATFILE_DTA) {
    if (!strncmp(fmt, "%td", 3) || !strncmp(fmt, "%d", 2)) return SF_DATE;
    if (!strncmp(fmt, "%tc", 3) || !strncmp(fmt, "%tC", 3)) return SF_DATETIME;
    return SF_PLAIN;
  }
  char base[32];
  size_t n = 0;
  while (fmt[n] && n + 1 < sizeof base && !isdigit((unsigned char)fmt[n]) && fmt[n] != '.') {
    base[n] = (char)toupper((unsigned char)fmt[n]);
    n++;
  }
  base[n] = '\0';
  static const char *const spss_date[] = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR",
                                          "MOYR", "WKYR", NULL};
  static const char *const spss_dt[] = {"DATETIME", "YMDHMS", NULL};
  static const char *const sas_date[] = {"DATE", "DDMMYY", "MMDDYY", "YYMMDD", "E8601DA",
                                         "B8601DA", "WEEKDATE", "WORDDATE", "MONYY", "YYMON",
                                         "NLDATE", "DDMMYYD", "DDMMYYS", "MMDDYYS", "YYMMDDD",
                                         "YYMMDDN", "DDMMYYN", "MMDDYYD", NULL};
  static const char *const sas_dt[] = {"DATETIME", "E8601DT", "B8601DT", "DATEAMPM", NULL};
  const char *const *d = kind == STATFILE_SAS7BDAT ? sas_date : spss_date;
  const char *const *t = kind == STATFILE_SAS7BDAT ? sas_dt : spss_dt;
  for (; *t; t++) if (!strcmp(base, *t)) return SF_DATETIME;
  for (; *d; d++) if (!strcmp(base, *d)) return SF_DATE;
  return SF_PLAIN;
}

/* Seconds (or days, per_day == 1) since the format's epoch -> days since
 * 1970-01-01 and seconds into that day.  -1 when out of the frame's range. */
static int to_days(enum statfile_kind kind, enum sf_time tk, double x, int32_t *days, long *secs) {
  int32_t epoch;
  if (kind == STATFILE_SAV || kind == STATFILE_POR) frame_date_from_ymd(1582, 10, 14, &epoch);
  else frame_date_from_ymd(1960, 1, 1, &epoch);
  double per_day = 1;
  if (tk == SF_DATETIME) per_day = kind == STATFILE_DTA ? 86400000.0 : 86400.0;
  else if (kind == STATFILE_SAV || kind == STATFILE_POR) per_day = 86400.0;
  if (!isfinite(x)) return -1;
  double d = floor(x / per_day);
  double rest = x - d * per_day;
  double day = d + epoch;
  int32_t lo, hi;
  frame_date_from_ymd(1, 1, 1, &lo);
  frame_date_from_ymd(9999, 12, 31, &hi);
  if (day < lo || day > hi) return -1;
  *days = (int32_t)day;
  *secs = (long)floor(rest * 86400.0 / per_day + 0.5);
  if (*secs >= 86400) { *secs -= 86400; (*days)++; }
  return 0;
}

/* ===== building the frame ===== */

static void fail(struct statfile_error *err, const char *fmt, ...) {
  if (!err) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  err->nomem = 0;
}

/* "PATH: not enough memory", marked as out of memory (not bad data). */
static void fail_nomem(struct statfile_error *err, const char *path) {
  fail(err, "%s: not enough memory to read the file", path);
  if (err) err->nomem = 1;
}

static struct frame_meta *make_meta(const struct sf_ctx *c, const struct sf_var *v) {
  struct frame_meta *m = frame_meta_new();
  if (!m) return NULL;
  if (frame_meta_set_label(m, v->label) != 0 || frame_meta_set_format(m, v->format) != 0) goto oom;
  if (v->labelset)
    for (size_t k = 0; k < c->nvl; k++)
      if (!strcmp(c->vl[k].set, v->labelset) &&
          frame_meta_add_vlabel(m, c->vl[k].value, c->vl[k].tag, c->vl[k].str, c->vl[k].label) != 0)
        goto oom;
  return m;
oom:
  frame_meta_release(m);
  return NULL;
}

static enum statfile_labels mode_for(const struct statfile_opts *o, const char *name) {
  if (!o) return STATFILE_LABELS_AUTO;
  for (size_t i = 0; i < o->nlabel; i++)
    if (!strcmp(o->label_names[i], name)) return o->label_modes[i];
  return o->labels;
}

static int add_code_text(struct frame_col *col, size_t i, const char *s) {
  int32_t code = frame_dict_intern(col->dict, s, strlen(s));
  if (code < 0) return -1;
  col->v.cat[i] = code;
  return 0;
}

/* The label of a string code, or NULL. */
static const char *str_vlabel(const struct frame_meta *m, const char *s) {
  for (size_t k = 0; m && k < m->nvl; k++)
    if (m->vl[k].str && !strcmp(m->vl[k].str, s)) return m->vl[k].label;
  return NULL;
}

static struct frame_col *build_col(const struct sf_ctx *c, const struct sf_var *v,
                                   const struct statfile_opts *o) {
  size_t n = c->nrow;
  struct frame_meta *m = make_meta(c, v);
  if (!m) return NULL;
  enum statfile_labels mode = mode_for(o, v->name);
  enum sf_time tk = v->is_string ? SF_PLAIN : time_kind(c->kind, v->format);
  int has_labels = m->nvl > 0;
  struct frame_col *col = NULL;
  if (v->is_string) {
    int text = has_labels && mode != STATFILE_LABELS_CODES;
    if (text && mode == STATFILE_LABELS_AUTO)      /* every present value labelled? */
      for (size_t i = 0; i < n && text; i++)
        if (!v->na[i] && !str_vlabel(m, v->dict->str[v->code[i]])) text = 0;
    col = frame_col_new(v->name, FRAME_CAT, n, text ? NULL : v->dict);
    if (!col || frame_col_resize(col, n) != 0) goto oom;
    for (size_t i = 0; i < n; i++) {
      if (text) {
        const char *s = v->dict->str[v->code[i]];
        const char *lab = str_vlabel(m, s);
        if (add_code_text(col, i, lab ? lab : s) != 0) goto oom;
      } else {
        col->v.cat[i] = v->code[i];
      }
    }
  } else if (tk != SF_PLAIN) {
    col = frame_col_new(v->name, tk == SF_DATE ? FRAME_DATE : FRAME_CAT, n, NULL);
    if (!col || frame_col_resize(col, n) != 0) goto oom;
    for (size_t i = 0; i < n; i++) {
      int32_t days = 0;
      long secs = 0;
      if (v->na[i] == NA_NONE && to_days(c->kind, tk, v->num[i], &days, &secs) != 0) {
        v->na[i] = NA_CALC;                        /* outside years 1-9999 */
      }
      if (tk == SF_DATE) {
        col->v.date[i] = days;
      } else {
        char buf[64], day[16];
        frame_date_format(days, day);
        snprintf(buf, sizeof buf, "%s %02ld:%02ld:%02ld", day, secs / 3600, secs / 60 % 60, secs % 60);
        if (v->na[i]) col->v.cat[i] = 0;
        else if (add_code_text(col, i, buf) != 0) goto oom;
      }
    }
  } else {
    int text = has_labels && mode != STATFILE_LABELS_CODES;
    if (text && mode == STATFILE_LABELS_AUTO)
      for (size_t i = 0; i < n && text; i++)
        if (!v->na[i] && !frame_meta_vlabel(m, v->num[i])) text = 0;
    if (text) {
      col = frame_col_new(v->name, FRAME_CAT, n, NULL);
      if (!col || frame_col_resize(col, n) != 0) goto oom;
      for (size_t i = 0; i < n; i++) {
        const char *lab = !v->na[i] || v->na[i] == NA_USER ? frame_meta_vlabel(m, v->num[i]) : NULL;
        char buf[32];
        if (!lab && v->na[i] && v->na[i] != NA_USER) { col->v.cat[i] = 0; continue; }
        if (!lab) { snprintf(buf, sizeof buf, "%.15g", v->num[i]); lab = buf; }
        if (add_code_text(col, i, lab) != 0) goto oom;
      }
    } else {
      /* int64 when every present value (and user-missing code) is a whole
       * number in range, as the CSV reader infers; else float64 */
      int whole = 1;
      for (size_t i = 0; i < n && whole; i++)
        if ((!v->na[i] || v->na[i] == NA_USER) &&
            (v->num[i] != floor(v->num[i]) || fabs(v->num[i]) > 9007199254740992.0))
          whole = 0;
      col = frame_col_new(v->name, whole ? FRAME_I64 : FRAME_F64, n, NULL);
      if (!col || frame_col_resize(col, n) != 0) goto oom;
      for (size_t i = 0; i < n; i++) {
        int keep = !v->na[i] || v->na[i] == NA_USER;
        if (whole) col->v.i64[i] = keep ? (int64_t)v->num[i] : 0;
        else col->v.f64[i] = keep ? v->num[i] : NAN;
      }
    }
  }
  /* missing rows of a text column hold code 0, so the dictionary needs one entry */
  if (col->type == FRAME_CAT && col->dict->n == 0 && frame_dict_intern(col->dict, "", 0) < 0) goto oom;
  for (size_t i = 0; i < n; i++)
    if (v->na[i] && frame_col_set_na(col, i, (enum frame_na)v->na[i]) != 0) goto oom;
  frame_col_set_meta(col, m);
  frame_meta_release(m);
  return col;
oom:
  frame_col_free(col);
  frame_meta_release(m);
  return NULL;
}

/* ===== entry points ===== */

int statfile_kind_from_path(const char *path, enum statfile_kind *out) {
  static const struct { const char *ext; enum statfile_kind k; } ext[] = {
    {".dta", STATFILE_DTA}, {".sav", STATFILE_SAV}, {".zsav", STATFILE_SAV},
    {".por", STATFILE_POR}, {".sas7bdat", STATFILE_SAS7BDAT}};
  size_t len = strlen(path);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t el = strlen(ext[i].ext);
    if (len > el && !strcasecmp(path + len - el, ext[i].ext)) { *out = ext[i].k; return 0; }
  }
  return -1;
}

const char *statfile_kind_name(enum statfile_kind k) {
  switch (k) {
  case STATFILE_DTA: return "Stata (.dta)";
  case STATFILE_SAV: return "SPSS (.sav)";
  case STATFILE_POR: return "SPSS portable (.por)";
  case STATFILE_SAS7BDAT: return "SAS (.sas7bdat)";
  }
  return "?";
}

struct frame *statfile_read(const char *path, enum statfile_kind kind,
                            const struct statfile_opts *opts, struct statfile_error *err) {
  if (err) { err->msg[0] = '\0'; err->nomem = 0; }
  struct sf_ctx c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  c.max_rows = opts && opts->max_rows ? opts->max_rows : CSVTAB_MAX_ROWS_DEFAULT;
  c.max_cols = opts && opts->max_columns ? opts->max_columns : CSVTAB_MAX_COLUMNS_DEFAULT;
  size_t maxb = opts && opts->max_bytes ? opts->max_bytes : CSVTAB_MAX_BYTES_DEFAULT;
  struct frame *f = NULL;
  readstat_parser_t *p = NULL;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)maxb) {
    fail(err, "%s: the file is %.0f MB, over the limit on input size of %.0f MB (raise it with --max-input MB)",
         path, (double)st.st_size / 1048576.0, (double)maxb / 1048576.0);
    goto done;
  }
  p = readstat_parser_init();
  if (!p) {
    fail_nomem(err, path);
    goto done;
  }
  readstat_set_metadata_handler(p, sf_metadata);
  readstat_set_variable_handler(p, sf_variable);
  readstat_set_value_handler(p, sf_value);
  readstat_set_value_label_handler(p, sf_value_label);
  readstat_set_error_handler(p, sf_error);
  readstat_error_t rc;
  switch (kind) {
  case STATFILE_DTA: rc = readstat_parse_dta(p, path, &c); break;
  case STATFILE_SAV: rc = readstat_parse_sav(p, path, &c); break;
  case STATFILE_POR: rc = readstat_parse_por(p, path, &c); break;
  default: rc = readstat_parse_sas7bdat(p, path, &c); break;
  }
  if (c.over == 1) {
    fail(err, "%s: the file has %s%zu variables, over the limit on columns of %zu (raise it with --max-columns N)",
         path, c.declared > c.max_cols + 1 ? "" : "more than ", c.declared > c.max_cols + 1 ? c.declared : c.max_cols,
         c.max_cols);
    goto done;
  }
  if (c.over == 2) {
    fail(err, "%s: the file has %s%zu rows, over the limit on rows of %zu (raise it with --max-rows N)",
         path, c.declared > c.max_rows + 1 ? "" : "more than ", c.declared > c.max_rows + 1 ? c.declared : c.max_rows,
         c.max_rows);
    goto done;
  }
  if (c.oom || rc == READSTAT_ERROR_MALLOC) { fail_nomem(err, path); goto done; }
  if (rc == READSTAT_ERROR_OPEN) { fail(err, "%s: cannot open the file", path); goto done; }
  if (rc != READSTAT_OK) {
    fail(err, "%s: not a readable %s file (%s%s%s); check that the file is complete and "
         "that its extension matches what it holds", path, statfile_kind_name(kind),
         readstat_error_message(rc), c.rs_msg[0] ? ": " : "", c.rs_msg);
    goto done;
  }
  for (int j = 0; j < c.nvar; j++)
    if (!c.var[j].name) {
      fail(err, "%s: the file declares %d variables but describes only %d", path, c.nvar, j);
      goto done;
    }
  /* every column named in the options must exist */
  for (size_t i = 0; opts && i < opts->nlabel; i++) {
    int found = 0;
    for (int j = 0; j < c.nvar && !found; j++) found = !strcmp(c.var[j].name, opts->label_names[i]);
    if (!found) {
      char list[256] = "";
      size_t used = 0;
      for (int j = 0; j < c.nvar && used + 1 < sizeof list; j++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "", c.var[j].name);
      fail(err, "%s: labels option names column \"%s\", which the file does not have (its columns: %s)",
           path, opts->label_names[i], list);
      goto done;
    }
  }
  if (!(f = frame_new())) { fail_nomem(err, path); goto done; }
  for (int j = 0; j < c.nvar; j++) {
    struct frame_col *col = build_col(&c, &c.var[j], opts);
    if (!col) { fail_nomem(err, path); frame_free(f); f = NULL; goto done; }
    if (frame_find(f, col->name) >= 0 || frame_add(f, col) != 0) {
      if (frame_find(f, col->name) >= 0) fail(err, "%s: column \"%s\" appears twice", path, col->name);
      else fail_nomem(err, path);
      frame_col_free(col); frame_free(f); f = NULL;
      goto done;
    }
  }
  f->nrow = c.nrow;
done:
  if (p) readstat_parser_free(p);
  sf_ctx_free(&c);
  return f;
}
