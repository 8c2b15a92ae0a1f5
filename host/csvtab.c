/* host/csvtab.c -- CSV -> struct frame on libcsv (callback API), pure C.
 * Pass 1 runs libcsv over the whole file, narrowing each column's possible
 * types and keeping its fields in a compact arena (text columns as codes);
 * pass 2 converts one column at a time and frees its arena.  Positions for
 * error messages are found only on failure, by replaying libcsv a byte at a
 * time, so the fast path carries no line bookkeeping.  Rules: docs/data.md. */
#include "csvtab.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#define CHUNK ((size_t)256 << 10)   /* bytes handed to csv_parse at a time */
#define NOIDX ((size_t)-1)

/* Type candidates a column still has during inference. */
enum { T_BOOL = 1, T_INT = 2, T_F64 = 4, T_DATE = 8, T_ALL = 15 };

/* ===== scanners ===== */

/* Plain decimal syntax: [+-] digits [. digits] [(e|E) [+-] digits], at least
 * one mantissa digit.  Returns T_INT|T_F64 for an integer that fits int64,
 * T_F64 for any other number, 0 for anything else (so "1,000", "inf", "nan",
 * "0x1p3" and " 12" are text, unlike strtod). */
static unsigned scan_number(const char *s, size_t len) {
  size_t i = 0;
  int neg = 0;
  if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
  size_t d0 = i;
  uint64_t u = 0;
  for (; i < len && (unsigned)(s[i] - '0') < 10; i++) u = u * 10 + (unsigned)(s[i] - '0');
  size_t nint = i - d0;
  if (i == len) {
    if (nint == 0) return 0;
    if (nint > 18) {                           /* may not fit: redo with overflow checks */
      u = 0;
      for (size_t k = d0; k < len; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (u > (UINT64_MAX - d) / 10) return T_F64;
        u = u * 10 + d;
      }
      if (u > (uint64_t)INT64_MAX + (uint64_t)neg) return T_F64;
    }
    return T_INT | T_F64;
  }
  size_t nfrac = 0;
  if (s[i] == '.') {
    size_t f0 = ++i;
    while (i < len && (unsigned)(s[i] - '0') < 10) i++;
    nfrac = i - f0;
  }
  if (nint + nfrac == 0) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '+' || s[i] == '-')) i++;
    size_t e0 = i;
    while (i < len && (unsigned)(s[i] - '0') < 10) i++;
    if (i == e0) return 0;
  }
  return i == len ? T_F64 : 0;
}

/* Integer already checked by scan_number (T_INT). */
static int64_t conv_i64(const char *s, size_t len) {
  size_t i = 0;
  int neg = 0;
  if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
  uint64_t u = 0;
  for (; i < len; i++) u = u * 10 + (unsigned)(s[i] - '0');
  return neg ? (int64_t)(0 - u) : (int64_t)u;   /* 0 - u: INT64_MIN without overflow */
}

/* Powers of ten that a double holds exactly. */
static const double p10[23] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A number already checked by scan_number.  Clinger's fast path: with at
 * most 15 significant digits the mantissa m is exact, and for |e| <= 22 so is
 * 10^e, so m*10^e or m/10^-e is one correctly rounded IEEE operation, which
 * is exactly what a correct strtod returns.  Anything else goes to strtod
 * (assumes the "C" LC_NUMERIC, which the host never changes).  0 ok, -1 out
 * of memory. */
static int conv_f64(const char *s, size_t len, double *out) {
  size_t i = 0;
  int neg = 0;
  if (s[0] == '+' || s[0] == '-') { neg = s[0] == '-'; i = 1; }
  uint64_t m = 0;
  int ndig = 0, exp10 = 0, slow = 0;
  for (; i < len && (unsigned)(s[i] - '0') < 10; i++) {
    if (m == 0 && s[i] == '0') continue;
    if (ndig < 19) { m = m * 10 + (unsigned)(s[i] - '0'); ndig++; } else { exp10++; slow = 1; }
  }
  if (i < len && s[i] == '.') {
    for (i++; i < len && (unsigned)(s[i] - '0') < 10; i++) {
      if (m == 0 && s[i] == '0') { exp10--; continue; }
      if (ndig < 19) { m = m * 10 + (unsigned)(s[i] - '0'); ndig++; exp10--; } else slow = 1;
    }
  }
  if (i < len) {                               /* exponent */
    i++;
    int eneg = 0;
    if (s[i] == '+' || s[i] == '-') { eneg = s[i] == '-'; i++; }
    int e = 0;
    for (; i < len; i++) { if (e < 100000) e = e * 10 + (s[i] - '0'); else slow = 1; }
    exp10 += eneg ? -e : e;
  }
  if (m == 0 && !slow) { *out = neg ? -0.0 : 0.0; return 0; }
  if (!slow && ndig <= 15 && exp10 >= -22 && exp10 <= 22) {
    double v = (double)m;
    v = exp10 < 0 ? v / p10[-exp10] : v * p10[exp10];
    *out = neg ? -v : v;
    return 0;
  }
  char small[64], *tmp = len < sizeof small ? small : malloc(len + 1);
  if (!tmp) return -1;                         /* out of memory: only for numbers of 64+ bytes */
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  *out = strtod(tmp, NULL);
  if (tmp != small) free(tmp);
  return 0;
}

/* true/false in the three usual spellings.  0 ok, -1 not a boolean. */
static int parse_bool(const char *s, size_t len, uint8_t *out) {
  if (len == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "TRUE", 4) || !memcmp(s, "True", 4))) {
    *out = 1; return 0;
  }
  if (len == 5 && (!memcmp(s, "false", 5) || !memcmp(s, "FALSE", 5) || !memcmp(s, "False", 5))) {
    *out = 0; return 0;
  }
  return -1;
}

/* Same acceptance as frame_date_parse (YYYY-MM-DD or DD/MM/YYYY, a real
 * day in years 1-9999) without computing the day number: inference only
 * needs yes or no, and this runs on every value of a candidate column. */
static int date_ok(const char *s, size_t len) {
  static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (len != 10) return 0;
  const char *y, *m, *d;
  if (s[4] == '-' && s[7] == '-') { y = s; m = s + 5; d = s + 8; }
  else if (s[2] == '/' && s[5] == '/') { d = s; m = s + 3; y = s + 6; }
  else return 0;
  for (int k = 0; k < 4; k++) if ((unsigned)(y[k] - '0') > 9) return 0;
  if ((unsigned)(m[0] - '0') > 9 || (unsigned)(m[1] - '0') > 9 ||
      (unsigned)(d[0] - '0') > 9 || (unsigned)(d[1] - '0') > 9) return 0;
  int yy = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0');
  int mm = (m[0] - '0') * 10 + (m[1] - '0'), dd = (d[0] - '0') * 10 + (d[1] - '0');
  if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > mdays[mm]) return 0;
  if (mm == 2 && dd == 29) return (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
  return 1;
}

/* Length of the valid UTF-8 prefix of s (== len when all valid).  Rejects
 * overlong forms, surrogates and code points above U+10FFFF (RFC 3629). */
static size_t utf8_valid(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    while (i + 8 <= len) {                     /* ASCII fast path */
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= len) break;
    unsigned c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) { n = 2; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 3; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + n >= len) return i;                /* sequence cut short */
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k <= n; k++) if ((s[i + k] & 0xC0) != 0x80) return i;
    i += n + 1;
  }
  return len;
}

/* A value for a message: quoted, control and non-UTF-8 bytes escaped,
 * cut at 40 bytes. */
static void show_value(char *out, size_t cap, const char *s, size_t len) {
  size_t o = 0, lim = len > 40 ? 40 : len;
  size_t good = utf8_valid((const unsigned char *)s, lim);
  out[o++] = '"';
  for (size_t i = 0; i < lim && o + 8 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && i >= good)) o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
    else if (c == '"') { out[o++] = '\\'; out[o++] = '"'; }
    else out[o++] = (char)c;
  }
  if (len > lim && o + 4 < cap) { memcpy(out + o, "...", 3); o += 3; }
  out[o++] = '"';
  out[o] = '\0';
}

/* snprintf into a fixed buffer, truncating long labels on purpose. */
static void putf(char *dst, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(dst, cap, fmt, ap);
  va_end(ap);
}

/* ===== per-column arenas ===== */

/* Pass-1 storage for one column.  Until the column is known to be text,
 * each field goes into an arena as a length byte (255 = a 4-byte length
 * follows) and its bytes: about the column's share of the file, no per-field
 * pointers, read back strictly in order.  Once a value shows the column is
 * text, the arena is interned into a dictionary and later values go straight
 * to int32 codes (missing ones as -reason), so repeated long labels cost 4
 * bytes a row rather than their length: peak memory stays near the file plus
 * the final columns even for files that are mostly text. */
struct colbuf {
  unsigned char *p;
  size_t len, cap;
  struct frame_dict *dict;  /* text mode when non-NULL */
  int32_t last;             /* code of the last value interned, -1 none */
  int32_t *code;
  size_t ncode, capcode;
  size_t nmiss;             /* missing tokens, blanks included */
  size_t nblank;
  unsigned may;             /* T_* still possible (inference) */
  int forced;               /* 1: type given by an override */
  enum frame_type type;     /* forced type */
};

static int arena_grow(struct colbuf *c, size_t len) {
  size_t nc = c->cap * 2 > c->len + len + 5 ? c->cap * 2 : c->len + len + 4096;
  unsigned char *np = realloc(c->p, nc);
  if (!np) return -1;
  c->p = np; c->cap = nc;
  return 0;
}

/* Most fields are a few bytes, so short ones are copied with fixed-size
 * overlapping moves (inlined) instead of a call to memcpy. */
static inline int arena_put(struct colbuf *c, const char *s, size_t len) {
  if (c->cap - c->len < len + 5 && arena_grow(c, len) != 0) return -1;
  unsigned char *d = c->p + c->len;
  if (len < 255) {
    *d++ = (unsigned char)len;
  } else {
    uint32_t l = (uint32_t)len;
    *d++ = 255;
    memcpy(d, &l, 4);
    d += 4;
  }
  if (len >= 16) {
    memcpy(d, s, len);
  } else if (len >= 8) {
    uint64_t a, b;
    memcpy(&a, s, 8); memcpy(&b, s + len - 8, 8);
    memcpy(d, &a, 8); memcpy(d + len - 8, &b, 8);
  } else if (len >= 4) {
    uint32_t a, b;
    memcpy(&a, s, 4); memcpy(&b, s + len - 4, 4);
    memcpy(d, &a, 4); memcpy(d + len - 4, &b, 4);
  } else if (len) {
    d[0] = (unsigned char)s[0]; d[len / 2] = (unsigned char)s[len / 2];
    d[len - 1] = (unsigned char)s[len - 1];
  }
  c->len = (size_t)(d - c->p) + len;
  return 0;
}

/* Missing-value tokens never start with a digit, so most numbers skip the call. */
static inline enum frame_na na_token(const char *s, size_t len) {
  if (len > 3 || (len && (unsigned)(s[0] - '0') < 10)) return NA_NONE;
  return frame_na_parse(s, len);
}

/* ===== parse state ===== */

enum { E_NONE, E_FAIL, E_OOM };

struct ctx {
  const char *label;
  const char *buf;          /* after any BOM */
  size_t len;
  const struct csvtab_opts *o;
  size_t maxf;
  size_t rec, fld;          /* current record (0 = header) and field within it */
  size_t nrow;
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
  char body[400];
};

/* Record the first error, about field fld of record rec. */
static void fail(struct ctx *c, size_t rec, size_t fld, const char *fmt, ...) {
  va_list ap;
  c->err = E_FAIL;
  c->err_rec = rec; c->err_fld = fld;
  c->err_at_end = 0; c->err_col = 0; c->err_line = 0;
  c->err_name = rec > 0 && fld < c->H ? fld : NOIDX;
  c->err_how = "column";
  va_start(ap, fmt);
  vsnprintf(c->body, sizeof c->body, fmt, ap);
  va_end(ap);
}

static const char *origin(const struct ctx *c) {
  return c->o->override_origin ? c->o->override_origin : "in the recipe";
}

/* Check one present value of a forced column; fail with the value shown. */
static void check_forced(struct ctx *c, struct colbuf *b, const char *s, size_t len) {
  char v[200];
  const char *why = NULL;
  int32_t d;
  uint8_t bo;
  switch (b->type) {
  case FRAME_I64: {
    unsigned m = scan_number(s, len);
    if (m & T_INT) return;
    int whole = m && !memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len);
    why = whole ? "is too large for int64 (use float64)" : m ? "is not a whole number" : "is not a number";
    break;
  }
  case FRAME_F64: if (scan_number(s, len)) return; why = "is not a number"; break;
  case FRAME_BOOL: if (parse_bool(s, len, &bo) == 0) return; why = "is not true or false"; break;
  case FRAME_DATE:
    if (frame_date_parse(s, len, &d) == 0) return;
    why = "is not a date (expected YYYY-MM-DD or DD/MM/YYYY)";
    break;
  default: return;
  }
  show_value(v, sizeof v, s, len);
  fail(c, c->rec, c->fld, "%s %s; the column was given type %s %s", v, why,
       frame_type_name(b->type), origin(c));
}

static void check_utf8(struct ctx *c, const char *s, size_t len) {
  size_t ok = utf8_valid((const unsigned char *)s, len);
  if (ok == len) return;
  char v[200];
  show_value(v, sizeof v, s, len);
  fail(c, c->rec, c->fld, "%s %s is not valid UTF-8 (byte 0x%02X at offset %zu); "
       "save the file as UTF-8", c->rec ? "value" : "header name", v,
       (unsigned char)s[ok], ok);
}

static int finish_header(struct ctx *c);

/* Byte equality inlined: the labels compared are short, a memcmp call costs more. */
static inline int same(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return 0;
  return 1;
}

/* Text mode: append one value as a dictionary code, or -reason if missing.
 * Only values new to the dictionary need the UTF-8 check. */
static int code_room(struct ctx *c, struct colbuf *b) {
  if (b->ncode < b->capcode) return 0;
  size_t nc = b->capcode ? b->capcode * 2 : 1024;
  int32_t *p = realloc(b->code, nc * sizeof *p);
  if (!p) { c->err = E_OOM; return -1; }
  b->code = p; b->capcode = nc;
  return 0;
}

static int text_put(struct ctx *c, struct colbuf *b, const char *s, size_t len) {
  if (code_room(c, b) != 0) return -1;
  enum frame_na na = na_token(s, len);
  int32_t code;
  if (na != NA_NONE) {
    b->nmiss++;
    b->nblank += na == NA_BLANK;
    code = -(int32_t)na;
  } else if (b->last >= 0 && b->dict->len[b->last] == len && same(b->dict->str[b->last], s, len)) {
    code = b->last;                            /* runs of one label are common in EES files */
  } else {
    size_t before = b->dict->n;
    code = frame_dict_intern(b->dict, s, len);
    if (code < 0) { c->err = E_OOM; return -1; }
    if (b->dict->n != before) {
      check_utf8(c, s, len);
      if (c->err) return -1;
    }
    b->last = code;
  }
  b->code[b->ncode++] = code;
  return 0;
}

/* Switch b to text mode, interning what the arena holds so far. */
static int to_text(struct ctx *c, struct colbuf *b) {
  if (!(b->dict = frame_dict_new())) { c->err = E_OOM; return -1; }
  b->last = -1;
  b->nmiss = b->nblank = 0;                    /* text_put counts them again */
  for (const unsigned char *p = b->p, *e = b->p + b->len; p < e;) {
    size_t len = *p++;
    if (len == 255) { uint32_t l; memcpy(&l, p, 4); len = l; p += 4; }
    if (text_put(c, b, (const char *)p, len) != 0) return -1;
    p += len;
  }
  free(b->p);
  b->p = NULL; b->len = b->cap = 0;
  return 0;
}

/* libcsv field callback: store, count missing, narrow the type. */
static void on_field(void *sv, size_t len, void *data) {
  struct ctx *c = data;
  const char *s = sv;
  if (c->err) return;
  if (len > c->maxf) {
    fail(c, c->rec, c->fld, "field longer than the limit of %zu bytes; is a closing quote missing?",
         c->maxf);
    return;
  }
  if (c->rec == 0) {
    check_utf8(c, s, len);
    if (c->err) return;
    if (c->nraw == c->capraw) {
      size_t nc = c->capraw ? c->capraw * 2 : 32;
      char **nr = realloc(c->raw, nc * sizeof *nr);
      if (!nr) { c->err = E_OOM; return; }
      c->raw = nr; c->capraw = nc;
    }
    char *nm = malloc(len + 1);
    if (!nm) { c->err = E_OOM; return; }
    memcpy(nm, s, len); nm[len] = '\0';
    c->raw[c->nraw++] = nm;
    c->fld++;
    return;
  }
  size_t j = c->fld;
  if (j >= c->H) {                             /* extra field: allowed once if blank */
    if (len) c->extra_nonblank = 1;
    c->fld++;
    return;
  }
  struct colbuf *b = &c->col[j];
  if (b->dict) {
    if (text_put(c, b, s, len) != 0) return;
  } else {
    if (arena_put(b, s, len) != 0) { c->err = E_OOM; return; }
    if (len == 0) { b->nmiss++; b->nblank++; }
    else if (na_token(s, len) != NA_NONE) b->nmiss++;
    else if (b->forced) check_forced(c, b, s, len);
    else {
      unsigned m = 0;
      if (b->may & (T_INT | T_F64)) m = scan_number(s, len);
      uint8_t bo;
      if ((b->may & T_BOOL) && parse_bool(s, len, &bo) == 0) m |= T_BOOL;
      if ((b->may & T_DATE) && date_ok(s, len)) m |= T_DATE;
      b->may &= m;
      if (!b->may && to_text(c, b) != 0) return;   /* this value makes it text */
    }
  }
  c->fld++;
}

/* libcsv record callback: check the field count, close the header. */
static void on_row(int term, void *data) {
  struct ctx *c = data;
  (void)term;
  if (c->err) return;
  if (c->rec == 0) {
    if (finish_header(c) != 0) return;
  } else {
    size_t n = c->fld, H = c->H;
    if (n == H - 1 && c->trail_hdr) {          /* row lacks the header's trailing comma */
      struct colbuf *b = &c->col[H - 1];
      if (b->dict) {
        if (code_room(c, b) != 0) return;
        b->code[b->ncode++] = -(int32_t)NA_BLANK;
      } else if (arena_put(b, "", 0) != 0) {
        c->err = E_OOM;
        return;
      }
      b->nmiss++; b->nblank++;
    } else if (n < H) {
      fail(c, c->rec, n - 1, "expected %zu fields like the header, found %zu", H, n);
      c->err_at_end = 1; c->err_col = n + 1; c->err_name = n;
      return;
    } else if (n > H + 1 || (n == H + 1 && c->extra_nonblank)) {
      fail(c, c->rec, H, "expected %zu fields like the header, found %zu "
           "(is there a comma inside a value that is not in quotes?)", H, n);
      c->err_name = H - 1; c->err_how = "after column";
      return;
    }
    c->nrow++;
  }
  c->rec++;
  c->fld = 0;
  c->extra_nonblank = 0;
}

/* Trim, fill empty names with V<k>, make duplicates unique (SNP, SNP_2, ...),
 * set up the column arenas and attach the overrides. */
static int finish_header(struct ctx *c) {
  size_t H = c->nraw;
  struct frame_dict *orig = frame_dict_new(), *seen = frame_dict_new(), *bases = frame_dict_new();
  char *tmp = NULL;
  size_t *next = NULL, nnext = 0;
  if (!orig || !seen || !bases) goto oom;
  for (size_t k = 0; k < H; k++) {
    char *s = c->raw[k];
    size_t a = 0, e = strlen(s);
    while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    memmove(s, s + a, e - a);
    s[e - a] = '\0';
    if (e > a && frame_dict_intern(orig, s, e - a) < 0) goto oom;
  }
  c->trail_hdr = H >= 2 && c->raw[H - 1][0] == '\0';
  c->name = calloc(H, sizeof *c->name);
  c->col = calloc(H, sizeof *c->col);
  if (!c->name || !c->col) goto oom;
  c->H = H;
  size_t est = c->len / H + 4096;              /* arenas start near their share of the file */
  for (size_t k = 0; k < H; k++) {
    const char *base = c->raw[k];
    char vbuf[32];
    int generated = base[0] == '\0';
    if (generated) { snprintf(vbuf, sizeof vbuf, "V%zu", k + 1); base = vbuf; }
    size_t bl = strlen(base);
    tmp = malloc(bl + 24);
    if (!tmp) goto oom;
    memcpy(tmp, base, bl + 1);
    if (frame_dict_find(seen, tmp, bl) >= 0 || (generated && frame_dict_find(orig, tmp, bl) >= 0)) {
      /* next[] remembers each base's next suffix, so 20000 copies of one
       * name cost linear time, not quadratic */
      int32_t bi = frame_dict_intern(bases, tmp, bl);
      if (bi < 0) goto oom;
      if ((size_t)bi == nnext) {
        size_t *nn = realloc(next, (nnext + 1) * sizeof *nn);
        if (!nn) goto oom;
        next = nn;
        next[nnext++] = 2;
      }
      size_t sfx = next[bi];
      for (;; sfx++) {
        snprintf(tmp + bl, 24, "_%zu", sfx);
        size_t tl = strlen(tmp);
        if (frame_dict_find(seen, tmp, tl) < 0 && frame_dict_find(orig, tmp, tl) < 0) break;
      }
      next[bi] = sfx + 1;
    }
    if (frame_dict_intern(seen, tmp, strlen(tmp)) < 0) goto oom;   /* code == k */
    c->name[k] = tmp;
    tmp = NULL;
    c->col[k].may = T_ALL;
    c->col[k].cap = est;
    if (!(c->col[k].p = malloc(est))) goto oom;
  }
  for (size_t i = 0; i < c->o->noverride; i++) {
    const char *nm = c->o->override_names[i];
    int32_t k = frame_dict_find(seen, nm, strlen(nm));
    if (k < 0) {
      char list[200];
      size_t o = 0;
      list[0] = '\0';
      for (size_t j = 0; j < H && o + 4 < sizeof list; j++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", c->name[j]);
      if (o >= sizeof list - 4) strcpy(list + sizeof list - 5, "...");
      fail(c, 0, 0, "column \"%s\" was given type %s %s, but the header has no such column "
           "(columns: %s)", nm, frame_type_name(c->o->override_types[i]), origin(c), list);
      c->err_line = 1; c->err_col = NOIDX; c->err_name = NOIDX;
      goto fail;
    }
    c->col[k].forced = 1;
    c->col[k].type = c->o->override_types[i];
    if (c->col[k].type == FRAME_CAT && !c->col[k].dict && to_text(c, &c->col[k]) != 0) goto fail;
  }
  frame_dict_release(orig); frame_dict_release(seen); frame_dict_release(bases); free(next);
  return 0;
fail:
  frame_dict_release(orig); frame_dict_release(seen); frame_dict_release(bases); free(next);
  return -1;
oom:
  free(tmp);
  frame_dict_release(orig); frame_dict_release(seen); frame_dict_release(bases); free(next);
  c->err = E_OOM;
  return -1;
}

/* ===== locating an error: replay libcsv a byte at a time ===== */

struct loc {
  size_t rec, fld, trec, tfld;
  size_t pos, prev_end;     /* prev_end: byte that fired the last callback, NOIDX at start */
  int prev_row, found;
  size_t start, end;
  const char *buf;
};

static size_t field_start(const struct loc *l) {
  size_t s = l->prev_end == NOIDX ? 0 : l->prev_end + 1;
  while (s < l->pos && (l->buf[s] == ' ' || l->buf[s] == '\t' ||
                        (l->prev_row && (l->buf[s] == '\r' || l->buf[s] == '\n'))))
    s++;
  return s;
}

static void loc_field(void *s, size_t len, void *data) {
  struct loc *l = data;
  (void)s; (void)len;
  if (!l->found && l->rec == l->trec && l->fld == l->tfld) {
    l->found = 1; l->start = field_start(l); l->end = l->pos;
  }
  l->fld++; l->prev_end = l->pos; l->prev_row = 0;
}

static void loc_row(int t, void *data) {
  struct loc *l = data;
  (void)t;
  l->rec++; l->fld = 0; l->prev_end = l->pos; l->prev_row = 1;
}

static void init_parser(struct csv_parser *p, const struct ctx *c);

/* 1-based physical line of byte off: counts LF, CRLF and lone CR breaks. */
static size_t line_of(const char *b, size_t off) {
  size_t n = 1;
  for (size_t i = 0; i < off; i++)
    if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= off || b[i + 1] != '\n'))) n++;
  return n;
}

/* Byte offset of field (rec, fld), or of its end, replaying [0, limit). */
static size_t locate(const struct ctx *c, size_t rec, size_t fld, int at_end, size_t limit) {
  struct csv_parser p;
  init_parser(&p, c);
  struct loc l = {0, 0, rec, fld, 0, NOIDX, 1, 0, 0, 0, c->buf};
  for (l.pos = 0; l.pos < limit && !l.found; l.pos++)
    csv_parse(&p, c->buf + l.pos, 1, loc_field, loc_row, &l);
  if (!l.found) { l.start = field_start(&l); l.end = limit; }   /* field never closed */
  csv_free(&p);
  return at_end ? l.end : l.start;
}

/* Write the final message into e. */
static void report(const struct ctx *c, size_t limit, struct csvtab_error *e) {
  if (c->err == E_OOM) {
    putf(e->msg, sizeof e->msg, "%s: out of memory after %zu rows", c->label, c->nrow);
    return;
  }
  size_t line = c->err_line;
  if (!line) line = line_of(c->buf, locate(c, c->err_rec, c->err_fld, c->err_at_end, limit));
  size_t col = c->err_col == NOIDX ? 0 : c->err_col ? c->err_col : c->err_fld + 1;
  const char *nm = c->err_name != NOIDX && c->name ? c->name[c->err_name] : "";
  e->line = line;
  e->column = col;
  putf(e->colname, sizeof e->colname, "%s", nm);
  char where[160];
  if (col) snprintf(where, sizeof where, ":%zu:%zu", line, col);
  else snprintf(where, sizeof where, ":%zu", line);
  if (nm[0])
    putf(e->msg, sizeof e->msg, "%s%s (%s \"%s\"): %s", c->label, where, c->err_how, nm, c->body);
  else
    putf(e->msg, sizeof e->msg, "%s%s: %s", c->label, where, c->body);
}

/* ===== pass 2: typed columns ===== */

static enum frame_type final_type(const struct colbuf *b, size_t nrow) {
  if (b->forced) return b->type;
  if (b->dict) return FRAME_CAT;
  if (b->nmiss == nrow) return FRAME_F64;     /* nothing but missing tokens */
  if (b->may & T_BOOL) return FRAME_BOOL;
  if (b->may & T_INT) return FRAME_I64;
  if (b->may & T_F64) return FRAME_F64;
  return FRAME_DATE;                           /* may != 0 without a dict: date is left */
}

/* A text column: the codes array becomes the column's storage (frame_col
 * owns v.raw and frees it with free), so nothing is copied. */
static struct frame_col *convert_text(struct colbuf *b, const char *name, size_t nrow) {
  struct frame_col *col = frame_col_new(name, FRAME_CAT, 1, b->dict);
  if (!col) return NULL;
  if (b->code) {
    free(col->v.raw);
    col->v.cat = b->code; col->cap = b->capcode;
    b->code = NULL;
  }
  if (b->nmiss) {
    if (!(col->na = calloc(col->cap, 1))) { frame_col_free(col); return NULL; }
    for (size_t i = 0; i < nrow; i++)
      if (col->v.cat[i] < 0) { col->na[i] = (uint8_t)-col->v.cat[i]; col->v.cat[i] = 0; }
  }
  col->n = nrow;
  return col;
}

/* Convert arena b into a new column.  Values were validated in pass 1, so
 * only memory can fail. */
static struct frame_col *convert(struct colbuf *b, const char *name, size_t nrow) {
  if (b->dict) return convert_text(b, name, nrow);
  enum frame_type t = final_type(b, nrow);
  struct frame_col *col = frame_col_new(name, t, nrow, NULL);
  if (!col) return NULL;
  if (b->nmiss && !(col->na = calloc(col->cap, 1))) { frame_col_free(col); return NULL; }
  const unsigned char *p = b->p;
  for (size_t i = 0; i < nrow; i++) {
    size_t len = *p++;
    if (len == 255) { uint32_t l; memcpy(&l, p, 4); len = l; p += 4; }
    const char *s = (const char *)p;
    p += len;
    enum frame_na na = b->nmiss ? na_token(s, len) : NA_NONE;
    if (na != NA_NONE) {
      col->na[i] = (uint8_t)na;
      switch (t) {
      case FRAME_F64: col->v.f64[i] = NAN; break;
      case FRAME_I64: col->v.i64[i] = 0; break;
      case FRAME_BOOL: col->v.b[i] = 0; break;
      default: col->v.date[i] = 0; break;
      }
      continue;
    }
    switch (t) {
    case FRAME_F64:
      if (conv_f64(s, len, &col->v.f64[i]) != 0) { frame_col_free(col); return NULL; }
      break;
    case FRAME_I64: col->v.i64[i] = conv_i64(s, len); break;
    case FRAME_BOOL: parse_bool(s, len, &col->v.b[i]); break;
    default: frame_date_parse(s, len, &col->v.date[i]); break;
    }
  }
  col->n = nrow;
  return col;
}

/* ===== driver ===== */

static int space_only(unsigned char ch) { return ch == ' '; }

static void init_parser(struct csv_parser *p, const struct ctx *c) {
  csv_init(p, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim(p, (unsigned char)c->o->delim);
  if (c->o->delim == '\t') csv_set_space_func(p, space_only);   /* tabs separate, not pad */
  csv_set_blk_size(p, 4096);
}

static void ctx_free(struct ctx *c) {
  for (size_t k = 0; k < c->nraw; k++) free(c->raw[k]);
  free(c->raw);
  for (size_t k = 0; c->name && k < c->H; k++) free(c->name[k]);
  free(c->name);
  for (size_t k = 0; c->col && k < c->H; k++) {
    free(c->col[k].p);
    free(c->col[k].code);
    frame_dict_release(c->col[k].dict);
  }
  free(c->col);
}

/* What the file came in: released as soon as pass 1 is done, so the file
 * and the typed columns are never all in memory together. */
struct src {
  const char *buf;
  size_t len;
  void *map; size_t maplen;
  char *heap;
};

static void src_release(struct src *s) {
  if (s->map) munmap(s->map, s->maplen);
  free(s->heap);
  s->map = NULL; s->heap = NULL;
}

#define set_plain(e, ...) putf((e)->msg, sizeof (e)->msg, __VA_ARGS__)

static struct frame *load(struct src *src, const char *label, const struct csvtab_opts *opts,
                          struct csvtab_error *err) {
  struct csvtab_opts dflt;
  struct csvtab_error dummy;
  if (!err) err = &dummy;
  memset(err, 0, sizeof *err);
  if (!opts) { csvtab_opts_init(&dflt); opts = &dflt; }
  struct csvtab_opts o = *opts;
  if (!o.delim) o.delim = ',';
  if (o.delim == '"' || o.delim == '\n' || o.delim == '\r') {
    set_plain(err, "%s: a quote or a line break cannot be the field separator", label);
    src_release(src);
    return NULL;
  }
  struct ctx c;
  memset(&c, 0, sizeof c);
  c.label = label; c.o = &o;
  c.maxf = o.max_field ? o.max_field : CSVTAB_MAX_FIELD_DEFAULT;
  if (c.maxf > UINT32_MAX - 1) c.maxf = UINT32_MAX - 1;   /* arena lengths are 32-bit */
  c.buf = src->buf; c.len = src->len;
  if (c.len >= 3 && !memcmp(c.buf, "\xEF\xBB\xBF", 3)) { c.buf += 3; c.len -= 3; }

  /* NUL bytes mean binary data: parse only up to the first one, then say where. */
  const char *nul = memchr(c.buf, '\0', c.len);
  size_t stop = nul ? (size_t)(nul - c.buf) : c.len, off = 0;
  struct csv_parser p;
  init_parser(&p, &c);
  for (; off < stop && !c.err; off += CHUNK) {
    size_t k = stop - off < CHUNK ? stop - off : CHUNK;
    size_t r = csv_parse(&p, c.buf + off, k, on_field, on_row, &c);
    if (c.err) break;
    if (r != k) {                              /* strict mode: malformed quoting */
      char ch = c.buf[off + r];
      if (ch == '"')
        fail(&c, c.rec, c.fld, "a \" inside a field that does not start with one; "
             "quote the whole field and double the inner quote (\"a \"\"b\"\" c\")");
      else {
        char shown[16];
        show_value(shown, sizeof shown, &ch, 1);
        fail(&c, c.rec, c.fld, "unexpected character %s after a closing quote "
             "(a quoted field must end at a comma or the end of the line)", shown);
      }
      c.err_line = line_of(c.buf, off + r);
      stop = off + r;
      break;
    }
    if (p.entry_pos > c.maxf) {                /* stop a runaway field early */
      fail(&c, c.rec, c.fld, "field longer than the limit of %zu bytes; is a closing quote missing?",
           c.maxf);
      stop = off + k;
      break;
    }
  }
  if (nul && c.err != E_OOM) {                 /* binary: say so, even over an earlier error */
    int earlier = c.err != E_NONE;             /* then rec/fld are not at the NUL */
    fail(&c, c.rec, c.fld, "contains a NUL byte: this looks like a binary file, not CSV text");
    if (earlier) { c.err_col = NOIDX; c.err_name = NOIDX; }
    c.err_line = line_of(c.buf, (size_t)(nul - c.buf));
  }
  if (!c.err && csv_fini(&p, on_field, on_row, &c) != 0 && !c.err)
    fail(&c, c.rec, c.fld, "unterminated quoted field (a \" opened here is never closed)");
  csv_free(&p);
  if (!c.err && c.rec == 0) {                  /* nothing, or only blank lines */
    fail(&c, 0, 0, "empty file, expected a header row");
    c.err_line = NOIDX;
  }
  if (c.err) {
    if (c.err_line == NOIDX) set_plain(err, "%s: %s", label, c.body);
    else report(&c, stop, err);
    src_release(src);
    ctx_free(&c);
    return NULL;
  }
  src_release(src);

  size_t H = c.H;
  if (c.trail_hdr && !c.col[H - 1].forced && c.col[H - 1].nblank == c.nrow) H--;  /* trailing comma */
  /* Columns are attached directly rather than by frame_add, whose duplicate
   * check is linear per column: the names are unique already, and a file
   * with thousands of columns should not take quadratic time. */
  struct frame *f = frame_new();
  if (!f || !(f->col = malloc(H * sizeof *f->col))) goto oom;
  f->capcol = H;
  f->nrow = c.nrow;
  for (size_t k = 0; k < H; k++) {
    struct frame_col *col = convert(&c.col[k], c.name[k], c.nrow);
    free(c.col[k].p);                          /* each arena goes as its column arrives */
    c.col[k].p = NULL;
    if (!col) goto oom;
    f->col[f->ncol++] = col;
  }
  ctx_free(&c);
  return f;
oom:
  frame_free(f);
  ctx_free(&c);
  set_plain(err, "%s: out of memory building the columns (%zu rows)", label, c.nrow);
  return NULL;
}

void csvtab_opts_init(struct csvtab_opts *o) {
  memset(o, 0, sizeof *o);
  o->delim = ',';
  o->max_field = CSVTAB_MAX_FIELD_DEFAULT;
}

struct frame *csvtab_read_mem(const char *buf, size_t len, const char *label,
                              const struct csvtab_opts *opts, struct csvtab_error *err) {
  struct src s = {buf ? buf : "", buf ? len : 0, NULL, 0, NULL};
  return load(&s, label ? label : "<memory>", opts, err);
}

struct frame *csvtab_read(const char *path, const struct csvtab_opts *opts,
                          struct csvtab_error *err) {
  struct csvtab_error dummy;
  if (!err) err = &dummy;
  memset(err, 0, sizeof *err);
  struct src s = {NULL, 0, NULL, 0, NULL};
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    set_plain(err, "%s: cannot open: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  if (S_ISDIR(st.st_mode)) {
    set_plain(err, "%s: is a directory, not a CSV file", path);
    close(fd);
    return NULL;
  }
  if (S_ISREG(st.st_mode) && st.st_size > 0) {   /* map it: no copy, pages read on demand */
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      posix_madvise(m, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
      s.map = m; s.maplen = (size_t)st.st_size;
      s.buf = m; s.len = (size_t)st.st_size;
    }
  }
  if (!s.map) {                                   /* pipes, or mmap refused: read it all */
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, n = 0;
    char *b = malloc(cap);
    for (;;) {
      if (!b) { close(fd); set_plain(err, "%s: out of memory reading the file", path); return NULL; }
      if (n == cap) {
        char *nb = realloc(b, cap * 2);
        if (!nb) { free(b); b = NULL; continue; }
        b = nb; cap *= 2;
      }
      ssize_t r = read(fd, b + n, cap - n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        set_plain(err, "%s: cannot read: %s", path, strerror(errno));
        free(b); close(fd);
        return NULL;
      }
      if (r == 0) break;
      n += (size_t)r;
    }
    s.heap = b; s.buf = b; s.len = n;
  }
  close(fd);
  return load(&s, path, opts, err);
}
