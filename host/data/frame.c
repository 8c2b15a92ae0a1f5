/* host/data/frame.c -- typed column store: dictionaries, columns, frames, dates.
 * Pure C, no Lua.  Every allocation failure is returned, never aborted on,
 * so bindings can turn it into a recipe error. */
#include "frame.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* ===== dictionaries ===== */

/* FNV-1a: short keys (authority names, codes), good spread, no state. */
static uint32_t hash_bytes(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
  return h;
}

struct frame_dict *frame_dict_new(void) {
  struct frame_dict *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->refs = 1;
  d->nslot = 64;
  d->slot = calloc(d->nslot, sizeof *d->slot);
  if (!d->slot) { free(d); return NULL; }
  return d;
}

void frame_dict_retain(struct frame_dict *d) { if (d) d->refs++; }

void frame_dict_release(struct frame_dict *d) {
  if (!d || --d->refs > 0) return;
  for (size_t i = 0; i < d->n; i++) free(d->str[i]);
  free(d->str); free(d->len); free(d->slot); free(d);
}

static size_t dict_probe(const struct frame_dict *d, const char *s, size_t len) {
  size_t mask = d->nslot - 1, i = hash_bytes(s, len) & mask;
  for (;;) {
    uint32_t v = d->slot[i];
    if (v == 0) return i;
    size_t c = v - 1;
    if (d->len[c] == len && memcmp(d->str[c], s, len) == 0) return i;
    i = (i + 1) & mask;
  }
}

int32_t frame_dict_find(const struct frame_dict *d, const char *s, size_t len) {
  uint32_t v = d->slot[dict_probe(d, s, len)];
  return v ? (int32_t)(v - 1) : -1;
}

static int dict_rehash(struct frame_dict *d) {
  size_t ns = d->nslot * 2;
  uint32_t *slot = calloc(ns, sizeof *slot);
  if (!slot) return -1;
  free(d->slot);
  d->slot = slot; d->nslot = ns;
  for (size_t c = 0; c < d->n; c++) d->slot[dict_probe(d, d->str[c], d->len[c])] = (uint32_t)c + 1;
  return 0;
}

int32_t frame_dict_intern(struct frame_dict *d, const char *s, size_t len) {
  size_t i = dict_probe(d, s, len);
  if (d->slot[i]) return (int32_t)(d->slot[i] - 1);
  if (d->n >= INT32_MAX - 1) return -1;
  if (d->n == d->cap) {
    size_t nc = d->cap ? d->cap * 2 : 16;
    char **ns = realloc(d->str, nc * sizeof *ns);
    if (!ns) return -1;
    d->str = ns;
    size_t *nl = realloc(d->len, nc * sizeof *nl);
    if (!nl) return -1;
    d->len = nl; d->cap = nc;
  }
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, s, len); copy[len] = '\0';
  size_t c = d->n++;
  d->str[c] = copy; d->len[c] = len;
  d->slot[i] = (uint32_t)c + 1;
  /* keep load under 1/2 so probes stay short */
  if (d->n * 2 > d->nslot && dict_rehash(d) != 0) return -1;
  return (int32_t)c;
}

/* ===== columns ===== */

static size_t type_size(enum frame_type t) {
  switch (t) {
  case FRAME_F64: return sizeof(double);
  case FRAME_I64: return sizeof(int64_t);
  case FRAME_BOOL: return sizeof(uint8_t);
  case FRAME_DATE: case FRAME_CAT: return sizeof(int32_t);
  default: return 8;
  }
}

struct frame_col *frame_col_new(const char *name, enum frame_type type, size_t cap,
                                struct frame_dict *dict) {
  struct frame_col *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->type = type;
  c->name = strdup(name ? name : "");
  if (!c->name) { free(c); return NULL; }
  if (type == FRAME_CAT) {
    if (dict) { frame_dict_retain(dict); c->dict = dict; }
    else if (!(c->dict = frame_dict_new())) { frame_col_free(c); return NULL; }
  }
  if (frame_col_reserve(c, cap ? cap : 1) != 0) { frame_col_free(c); return NULL; }
  return c;
}

void frame_col_free(struct frame_col *c) {
  if (!c) return;
  free(c->name);
  frame_meta_release(c->meta);
  if (c->shared && --*c->shared > 0) {       /* others still read the storage */
    frame_dict_release(c->dict);
    free(c);
    return;
  }
  free(c->shared); free(c->v.raw); free(c->na);
  frame_dict_release(c->dict);
  free(c);
}

/* ===== column metadata ===== */

struct frame_meta *frame_meta_new(void) {
  struct frame_meta *m = calloc(1, sizeof *m);
  if (m) m->refs = 1;
  return m;
}

void frame_meta_release(struct frame_meta *m) {
  if (!m || --m->refs > 0) return;
  for (size_t i = 0; i < m->nvl; i++) { free(m->vl[i].str); free(m->vl[i].label); }
  free(m->vl); free(m->label); free(m->format); free(m);
}

static int set_text(char **slot, const char *s) {
  char *copy = NULL;
  if (s && !(copy = strdup(s))) return -1;
  free(*slot);
  *slot = copy;
  return 0;
}

int frame_meta_set_label(struct frame_meta *m, const char *label) { return set_text(&m->label, label); }
int frame_meta_set_format(struct frame_meta *m, const char *format) { return set_text(&m->format, format); }

int frame_meta_add_vlabel(struct frame_meta *m, double value, char tag, const char *str,
                          const char *label) {
  if (m->nvl == m->capvl) {
    size_t nc = m->capvl ? m->capvl * 2 : 8;
    struct frame_vlabel *p = realloc(m->vl, nc * sizeof *p);
    if (!p) return -1;
    m->vl = p; m->capvl = nc;
  }
  struct frame_vlabel *v = &m->vl[m->nvl];
  memset(v, 0, sizeof *v);
  v->value = value; v->tag = tag;
  if ((str && !(v->str = strdup(str))) || !(v->label = strdup(label ? label : ""))) {
    free(v->str);
    return -1;
  }
  m->nvl++;
  return 0;
}

const char *frame_meta_vlabel(const struct frame_meta *m, double value) {
  if (!m) return NULL;
  for (size_t i = 0; i < m->nvl; i++)
    if (!m->vl[i].str && !m->vl[i].tag && m->vl[i].value == value) return m->vl[i].label;
  return NULL;
}

void frame_col_set_meta(struct frame_col *c, struct frame_meta *m) {
  if (m) m->refs++;
  frame_meta_release(c->meta);
  c->meta = m;
}

/* True when other columns read c's storage, so it must not change. */
static int col_readonly(const struct frame_col *c) { return c->shared && *c->shared > 1; }

int frame_col_reserve(struct frame_col *c, size_t cap) {
  if (cap <= c->cap) return 0;
  if (col_readonly(c)) return -1;
  size_t sz = type_size(c->type);
  if (cap > SIZE_MAX / sz) return -1;
  void *p = mem_realloc_large(c->v.raw, cap * sz);
  if (!p) return -1;
  c->v.raw = p;
  if (c->na) {
    uint8_t *q = mem_realloc_large(c->na, cap);
    if (!q) return -1;
    memset(q + c->cap, 0, cap - c->cap);
    c->na = q;
  }
  c->cap = cap;
  return 0;
}

int frame_col_resize(struct frame_col *c, size_t n) {
  if (col_readonly(c) || frame_col_reserve(c, n) != 0) return -1;
  if (c->na && n > c->n) memset(c->na + c->n, 0, n - c->n);
  c->n = n;
  return 0;
}

int frame_col_set_na(struct frame_col *c, size_t i, enum frame_na why) {
  if (col_readonly(c)) return -1;
  if (!c->na) {
    if (why == NA_NONE) return 0;
    c->na = calloc(c->cap ? c->cap : 1, 1);
    if (!c->na) return -1;
  }
  c->na[i] = (uint8_t)why;
  return 0;
}

/* All rows: a new column header over the same storage.  The sharer count
 * lives in its own allocation so the source (const to callers, who see no
 * change in its values) can be counted too. */
static struct frame_col *col_share(const struct frame_col *c, const char *newname) {
  struct frame_col *src = (struct frame_col *)c;   /* only the sharer count changes */
  if (!src->shared) {
    if (!(src->shared = malloc(sizeof *src->shared))) return NULL;
    *src->shared = 1;
  }
  struct frame_col *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  const char *nm = newname ? newname : c->name;
  size_t len = strlen(nm);
  if (!(o->name = malloc(len + 1))) { free(o); return NULL; }
  memcpy(o->name, nm, len + 1);
  o->type = c->type; o->n = c->n; o->cap = c->cap; o->v = c->v; o->na = c->na;
  o->dict = c->dict;
  if (o->dict) frame_dict_retain(o->dict);
  frame_col_set_meta(o, c->meta);
  o->shared = src->shared;
  ++*o->shared;
  return o;
}

struct frame_col *frame_col_take(const struct frame_col *c, const size_t *idx, size_t m,
                                 const char *newname) {
  if (!idx && m == c->n && m > 0) return col_share(c, newname);
  struct frame_col *o = frame_col_new(newname ? newname : c->name, c->type, m, c->dict);
  if (!o) return NULL;
  frame_col_set_meta(o, c->meta);
  size_t sz = type_size(c->type);
  if (!idx) {
    if (m) memcpy(o->v.raw, c->v.raw, m * sz);
  } else {
    switch (sz) {
    case 8: {
      const uint64_t *s = c->v.raw; uint64_t *d = o->v.raw;
      for (size_t i = 0; i < m; i++) d[i] = s[idx[i]];
      break;
    }
    case 4: {
      const uint32_t *s = c->v.raw; uint32_t *d = o->v.raw;
      for (size_t i = 0; i < m; i++) d[i] = s[idx[i]];
      break;
    }
    default: {
      const uint8_t *s = c->v.raw; uint8_t *d = o->v.raw;
      for (size_t i = 0; i < m; i++) d[i] = s[idx[i]];
      break;
    }
    }
  }
  if (c->na) {
    int any = 0;
    for (size_t i = 0; i < m && !any; i++) any = c->na[idx ? idx[i] : i] != NA_NONE;
    if (any) {
      o->na = calloc(o->cap, 1);
      if (!o->na) { frame_col_free(o); return NULL; }
      for (size_t i = 0; i < m; i++) o->na[i] = c->na[idx ? idx[i] : i];
    }
  }
  o->n = m;
  return o;
}

double frame_col_getd(const struct frame_col *c, size_t i) {
  if (frame_col_isna(c, i)) return NAN;
  switch (c->type) {
  case FRAME_F64: return c->v.f64[i];
  case FRAME_I64: return (double)c->v.i64[i];
  case FRAME_BOOL: return c->v.b[i];
  case FRAME_DATE: return c->v.date[i];
  default: return NAN;
  }
}

const char *frame_col_gets(const struct frame_col *c, size_t i) {
  if (c->type != FRAME_CAT || frame_col_isna(c, i)) return NULL;
  return c->dict->str[c->v.cat[i]];
}

void frame_col_na_counts(const struct frame_col *c, size_t counts[NA_NREASONS]) {
  memset(counts, 0, NA_NREASONS * sizeof counts[0]);
  if (!c->na) { counts[0] = c->n; return; }
  for (size_t i = 0; i < c->n; i++) counts[c->na[i] < NA_NREASONS ? c->na[i] : NA_CALC]++;
}

/* ===== frames ===== */

struct frame *frame_new(void) { return calloc(1, sizeof(struct frame)); }

void frame_free(struct frame *f) {
  if (!f) return;
  for (size_t j = 0; j < f->ncol; j++) frame_col_free(f->col[j]);
  free(f->col); free(f);
}

int frame_find(const struct frame *f, const char *name) {
  for (size_t j = 0; j < f->ncol; j++)
    if (strcmp(f->col[j]->name, name) == 0) return (int)j;
  return -1;
}

int frame_add(struct frame *f, struct frame_col *col) {
  if (frame_find(f, col->name) >= 0) return -1;
  if (f->ncol > 0 && col->n != f->nrow) return -1;
  if (f->ncol == f->capcol) {
    size_t nc = f->capcol ? f->capcol * 2 : 8;
    struct frame_col **p = realloc(f->col, nc * sizeof *p);
    if (!p) return -1;
    f->col = p; f->capcol = nc;
  }
  if (f->ncol == 0) f->nrow = col->n;
  f->col[f->ncol++] = col;
  return 0;
}

struct frame *frame_take(const struct frame *f, const size_t *idx, size_t m) {
  struct frame *o = frame_new();
  if (!o) return NULL;
  o->nrow = m;
  for (size_t j = 0; j < f->ncol; j++) {
    struct frame_col *c = frame_col_take(f->col[j], idx, m, NULL);
    if (!c || frame_add(o, c) != 0) { frame_col_free(c); frame_free(o); return NULL; }
  }
  return o;
}

const char frame_why_nomem[] = "not enough memory";

struct frame *frame_uncount(const struct frame *f, size_t count, size_t *bad_row, const char **why) {
  const struct frame_col *cc = f->col[count];
  *bad_row = SIZE_MAX;
  *why = NULL;
  if (cc->type != FRAME_I64 && cc->type != FRAME_F64) {
    *why = "the count column must be numeric (whole numbers of rows)";
    return NULL;
  }
  size_t total = 0;
  for (size_t i = 0; i < f->nrow; i++) {
    double k = frame_col_getd(cc, i);
    if (frame_col_isna(cc, i) || k != k) { *bad_row = i; *why = "the count is missing"; return NULL; }
    if (k < 0 || k != floor(k)) { *bad_row = i; *why = "the count is not a whole number of 0 or more"; return NULL; }
    if (k > 1e8 || total + (size_t)k > 100000000u) {
      *bad_row = i; *why = "the counts add up to more than 100 million rows"; return NULL;
    }
    total += (size_t)k;
  }
  size_t *idx = malloc((total ? total : 1) * sizeof *idx);
  if (!idx) { *why = frame_why_nomem; return NULL; }
  size_t m = 0;
  for (size_t i = 0; i < f->nrow; i++)
    for (size_t k = (size_t)frame_col_getd(cc, i); k > 0; k--) idx[m++] = i;
  struct frame *o = frame_new();
  if (!o) { free(idx); *why = frame_why_nomem; return NULL; }
  o->nrow = m;
  for (size_t j = 0; j < f->ncol; j++) {
    if (j == count) continue;
    struct frame_col *c = frame_col_take(f->col[j], idx, m, NULL);
    if (!c || frame_add(o, c) != 0) {
      frame_col_free(c); frame_free(o); free(idx); *why = frame_why_nomem; return NULL;
    }
  }
  free(idx);
  return o;
}

/* ===== names ===== */

static const char *const type_names[FRAME_NTYPES] = {"float64", "int64", "bool", "date", "text"};

const char *frame_type_name(enum frame_type t) {
  return (unsigned)t < FRAME_NTYPES ? type_names[t] : "?";
}

int frame_type_parse(const char *s, enum frame_type *out) {
  static const struct { const char *name; enum frame_type t; } alias[] = {
    {"float64", FRAME_F64}, {"float", FRAME_F64}, {"number", FRAME_F64}, {"double", FRAME_F64},
    {"int64", FRAME_I64}, {"int", FRAME_I64}, {"integer", FRAME_I64},
    {"bool", FRAME_BOOL}, {"boolean", FRAME_BOOL}, {"date", FRAME_DATE},
    {"text", FRAME_CAT}, {"string", FRAME_CAT}, {"categorical", FRAME_CAT}, {"cat", FRAME_CAT},
  };
  for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
    if (strcmp(s, alias[i].name) == 0) { *out = alias[i].t; return 0; }
  return -1;
}

#define TAGS(p, s) p "a" s, p "b" s, p "c" s, p "d" s, p "e" s, p "f" s, p "g" s, p "h" s, \
  p "i" s, p "j" s, p "k" s, p "l" s, p "m" s, p "n" s, p "o" s, p "p" s, p "q" s, p "r" s, \
  p "s" s, p "t" s, p "u" s, p "v" s, p "w" s, p "x" s, p "y" s, p "z" s, p "_" s
static const char *const na_sym[NA_NREASONS] = {
  "", "", "NA", "c", "x", "z", "k", "u", "low", ":", "NaN", TAGS(".", ""), "user"};
static const char *const na_desc[NA_NREASONS] = {
  "present", "blank", "NA", "suppressed (c)", "not available (x)", "not applicable (z)",
  "fewer than 0.5 (k)", "low reliability (u)", "low", "not available (:)", "calculated",
  TAGS("missing (.", ")"), "user-missing"};
#undef TAGS

const char *frame_na_symbol(enum frame_na why) {
  return (unsigned)why < NA_NREASONS ? na_sym[why] : "?";
}
const char *frame_na_describe(enum frame_na why) {
  return (unsigned)why < NA_NREASONS ? na_desc[why] : "?";
}

enum frame_na frame_na_parse(const char *s, size_t len) {
  if (len == 0) return NA_BLANK;
  switch (len) {
  case 1:
    switch (s[0]) {
    case 'c': return NA_C;  case 'x': return NA_X;  case 'z': return NA_Z;
    case 'k': return NA_K;  case 'u': return NA_U;  case ':': return NA_COLON;
    case '.': return NA_NA;
    default: return NA_NONE;
    }
  case 2: return memcmp(s, "NA", 2) == 0 ? NA_NA : NA_NONE;
  case 3:
    if (memcmp(s, "low", 3) == 0) return NA_LOW;
    if (memcmp(s, "N/A", 3) == 0 || memcmp(s, "NaN", 3) == 0) return NA_NA;
    return NA_NONE;
  default: return NA_NONE;
  }
}

/* ===== dates ===== */

/* Days from civil date: the era-based algorithm of H. Hinnant ("chrono-
 * compatible low-level date algorithms"), exact for the whole int32 range. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int frame_date_from_ymd(int y, int m, int d, int32_t *out) {
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return -1;
  int lim = mdays[m - 1] + (m == 2 && is_leap(y));
  if (d > lim) return -1;
  *out = (int32_t)days_from_civil(y, (unsigned)m, (unsigned)d);
  return 0;
}

void frame_date_to_ymd(int32_t days, int *y, int *m, int *d) {
  int64_t z = (int64_t)days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (mm <= 2)); *m = (int)mm; *d = (int)dd;
}

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int frame_date_parse(const char *s, size_t len, int32_t *out) {
  int y, m, d;
  if (len == 10 && s[4] == '-' && s[7] == '-') {
    if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d)) return -1;
  } else if (len == 10 && s[2] == '/' && s[5] == '/') {
    if (digits(s, 2, &d) || digits(s + 3, 2, &m) || digits(s + 6, 4, &y)) return -1;
  } else {
    return -1;
  }
  return frame_date_from_ymd(y, m, d, out);
}

void frame_date_format(int32_t days, char *buf) {
  int y, m, d;
  frame_date_to_ymd(days, &y, &m, &d);
  /* y is within 1..9999 for every parsed date; clamp so the buffer cannot overflow */
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  buf[0] = (char)('0' + y / 1000); buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10); buf[3] = (char)('0' + y % 10);
  buf[4] = '-'; buf[5] = (char)('0' + m / 10); buf[6] = (char)('0' + m % 10);
  buf[7] = '-'; buf[8] = (char)('0' + d / 10); buf[9] = (char)('0' + d % 10);
  buf[10] = '\0';
}

/* ===== suggestions ===== */

size_t frame_edit_distance(const char *a, size_t la, const char *b, size_t lb) {
  if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > 2) return 3;
  size_t row[65];   /* one row of the dynamic programme, updated in place */
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *frame_suggest(const struct frame *f, const char *name) {
  const char *best = NULL;
  size_t bestd = 3, len = strlen(name);
  for (size_t j = 0; j < f->ncol; j++) {
    const char *cn = f->col[j]->name;
    size_t d = frame_edit_distance(name, len, cn, strlen(cn));
    if (d < bestd && d < len) { bestd = d; best = cn; }
  }
  return best;
}

/* ===== complete rows ===== */

int frame_col_missing(const struct frame_col *c, size_t i) {
  if (frame_col_isna(c, i)) return 1;
  return c->type == FRAME_F64 && !isfinite(c->v.f64[i]);
}

enum frame_na frame_col_reason(const struct frame_col *c, size_t i) {
  if (frame_col_isna(c, i)) return c->na[i] < NA_NREASONS ? (enum frame_na)c->na[i] : NA_CALC;
  return c->type == FRAME_F64 && !isfinite(c->v.f64[i]) ? NA_CALC : NA_NONE;
}

/* Column by column over blocks of rows (the block's flags stay in cache):
 * a column with no missing-reason array that is not float64 is skipped
 * outright, a float64 column is tested as |x| <= DBL_MAX (false for NaN
 * and +-Inf), which compilers do many rows at a time. */
#define COMPLETE_BLOCK 4096

size_t frame_complete_rows(const struct frame_col *const *cols, size_t ncols, size_t nrow,
                           size_t *keep) {
  uint8_t miss[COMPLETE_BLOCK];
  size_t m = 0;
  for (size_t i0 = 0; i0 < nrow; i0 += COMPLETE_BLOCK) {
    size_t b = nrow - i0 < COMPLETE_BLOCK ? nrow - i0 : COMPLETE_BLOCK;
    memset(miss, 0, b);
    for (size_t j = 0; j < ncols; j++) {
      const struct frame_col *c = cols[j];
      if (c == NULL) continue;
      if (c->na != NULL)
        for (size_t i = 0; i < b; i++) miss[i] |= c->na[i0 + i] != NA_NONE;
      if (c->type == FRAME_F64) {
        const double *v = c->v.f64 + i0;
        for (size_t i = 0; i < b; i++) miss[i] |= !(fabs(v[i]) <= DBL_MAX);
      }
    }
    if (keep == NULL)
      for (size_t i = 0; i < b; i++) m += !miss[i];
    else
      for (size_t i = 0; i < b; i++) {
        keep[m] = i0 + i;
        m += !miss[i];
      }
  }
  return m;
}

void frame_col_gatherd(const struct frame_col *c, const size_t *keep, size_t m, double *out) {
  if (c->na != NULL || c->type == FRAME_CAT) {
    for (size_t i = 0; i < m; i++) out[i] = frame_col_getd(c, keep != NULL ? keep[i] : i);
    return;
  }
#define GATHER(arr)                                                     \
  do {                                                                  \
    if (keep == NULL)                                                   \
      for (size_t i = 0; i < m; i++) out[i] = (double)(arr)[i];         \
    else                                                                \
      for (size_t i = 0; i < m; i++) out[i] = (double)(arr)[keep[i]];   \
  } while (0)
  switch (c->type) {
  case FRAME_F64: GATHER(c->v.f64); break;
  case FRAME_I64: GATHER(c->v.i64); break;
  case FRAME_BOOL: GATHER(c->v.b); break;
  default: GATHER(c->v.date); break;
  }
#undef GATHER
}
