/* host/data/csvtab_col.c -- the column store of the CSV loader (host/data/csvtab.c).
 * Fields arrive converted or not at all: each column holds int64, float64,
 * bool or date values while every value so far fits that type, so no field
 * is scanned twice and no text is kept for numbers; from the first value that
 * fits none it holds dictionary codes.  The typed values met before that
 * point get their strings back from one replay of the file (see replay).
 * Data rows mostly come in batches of plain records and are stored column by
 * column (put_rows).  The rules are those of docs/data.md. */
#define _DEFAULT_SOURCE 1      /* madvise and MADV_HUGEPAGE, beside -D_XOPEN_SOURCE */
#include "csvtab_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ===== scanners ===== */

/* Plain decimal syntax: [+-] digits [. digits] [(e|E) [+-] digits], at least
 * one mantissa digit.  Returns T_INT|T_F64 for an integer that fits int64,
 * T_F64|T_BIG for an integer that does not, T_F64 for any other number, 0
 * for anything else (so "1,000", "inf", "nan", "0x1p3" and " 12" are text,
 * unlike strtod). */
unsigned csvtab_scan_number(const char *s, size_t len) {
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
        if (u > (UINT64_MAX - d) / 10) return T_F64 | T_BIG;
        u = u * 10 + d;
      }
      if (u > (uint64_t)INT64_MAX + (uint64_t)neg) return T_F64 | T_BIG;
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
  return isinf(*out) ? -2 : 0;                 /* "1e400": beyond float64, not infinity */
}

/* conv_f64 into *out, or the error: out of memory, or a number too large
 * for float64, which is refused rather than read as infinity.  0 ok. */
static int f64_into(struct ctx *c, const char *s, size_t len, double *out) {
  int rc = conv_f64(s, len, out);
  if (rc == -1) c->err = E_OOM;
  else if (rc == -2) {
    char v[64];
    size_t n = len < 40 ? len : 40;
    memcpy(v, s, n);
    v[n] = '\0';
    csvtab_fail(c, c->rec, c->fld, "\"%s%s\" is beyond the range of a 64-bit number (about 1.8e308); "
                "correct the value, or read the column as text (types = { col = \"text\" })",
                v, len > n ? "..." : "");
  }
  return rc;
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

/* Same acceptance and value as frame_date_parse (YYYY-MM-DD or DD/MM/YYYY,
 * a real day in years 1-9999), with the cheap checks inline: this runs on
 * every value of a date column.  0 ok, -1 not a date. */
static inline int date_days(const char *s, size_t len, int32_t *out) {
  static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (len != 10) return -1;
  const unsigned char *u = (const unsigned char *)s;
  unsigned y0, y1, y2, y3, m0, m1, d0, d1;
  if (u[4] == '-' && u[7] == '-') {
    y0 = u[0]; y1 = u[1]; y2 = u[2]; y3 = u[3]; m0 = u[5]; m1 = u[6]; d0 = u[8]; d1 = u[9];
  } else if (u[2] == '/' && u[5] == '/') {
    d0 = u[0]; d1 = u[1]; m0 = u[3]; m1 = u[4]; y0 = u[6]; y1 = u[7]; y2 = u[8]; y3 = u[9];
  } else {
    return -1;
  }
  y0 -= '0'; y1 -= '0'; y2 -= '0'; y3 -= '0'; m0 -= '0'; m1 -= '0'; d0 -= '0'; d1 -= '0';
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9))
    return -1;                                 /* one test for the eight digits */
  unsigned yy = y0 * 1000 + y1 * 100 + y2 * 10 + y3, mm = m0 * 10 + m1, dd = d0 * 10 + d1;
  if (yy < 1 || mm - 1 > 11 || dd - 1 >= mdays[mm]) return -1;
  if (mm == 2 && dd == 29 && !((yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0)) return -1;
  /* Days since 1970-01-01: the era arithmetic of frame.c (H. Hinnant's
   * days_from_civil) inline, for years 1..9999 where nothing is negative.
   * The tests compare it with frame_date_parse day by day. */
  unsigned yr = yy - (mm <= 2), era = yr / 400, yoe = yr - era * 400;
  unsigned doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + dd - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *out = (int32_t)((int64_t)era * 146097 + doe - 719468);
  return 0;
}

/* Integers of up to 18 digits, which cannot overflow: nearly every integer
 * in real files.  1 with *out set, 0 for anything else (the full scanners
 * then decide). */
static inline int int_fast(const char *s, size_t len, int64_t *out) {
  if (len == 1) {                              /* one digit: 0/1 flags, codes */
    unsigned d = (unsigned)(s[0] - '0');
    *out = (int64_t)d;
    return d <= 9;
  }
  size_t i = s[0] == '+' || s[0] == '-';
  if (len == i || len - i > 18) return 0;
  uint64_t u = 0;
  for (size_t k = i; k < len; k++) {
    unsigned d = (unsigned)(s[k] - '0');
    if (d > 9) return 0;
    u = u * 10 + d;
  }
  *out = s[0] == '-' ? -(int64_t)u : (int64_t)u;
  return 1;
}

/* Decimals of up to 15 digits without an exponent ("0.47", "-12.5", "3"),
 * in one pass: nearly every float in real files.  Such a mantissa and its
 * power of ten are exact doubles, so one division is correctly rounded and
 * equals what conv_f64 (and strtod) gives.  1 with *out set, 0 for anything
 * else (the full scanners then decide). */
static inline int f64_fast(const char *s, size_t len, double *out) {
  size_t i = s[0] == '+' || s[0] == '-', d0 = i;
  uint64_t m = 0;
  for (; i < len && (unsigned)(s[i] - '0') < 10; i++) m = m * 10 + (unsigned)(s[i] - '0');
  size_t nd = i - d0, nfrac = 0;
  if (i < len && s[i] == '.') {
    size_t f0 = ++i;
    for (; i < len && (unsigned)(s[i] - '0') < 10; i++) m = m * 10 + (unsigned)(s[i] - '0');
    nfrac = i - f0;
    nd += nfrac;
  }
  if (i != len || nd == 0 || nd > 15) return 0;
  double v = (double)m;
  if (nfrac) v /= p10[nfrac];
  *out = s[0] == '-' ? -v : v;
  return 1;
}

/* Missing-value tokens never start with a digit, so most numbers skip the call. */
static inline enum frame_na na_token(const char *s, size_t len) {
  if (len > 3 || (len && (unsigned)(s[0] - '0') < 10)) return NA_NONE;
  return frame_na_parse(s, len);
}

/* Byte equality inlined: the labels compared are short, a memcmp call costs more. */
static inline int same(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return 0;
  return 1;
}

/* ===== columns ===== */

static size_t mode_size(int mode) {
  switch (mode) {
  case M_INT: return sizeof(int64_t);
  case M_F64: return sizeof(double);
  case M_BOOL: return sizeof(uint8_t);
  case M_DATE: case M_TEXT: return sizeof(int32_t);
  default: return 0;
  }
}

/* ===== text columns: a lookup index =====
 * Finding a label is the main cost of a text column.  frame_dict's own probe
 * is a call per lookup and a memcmp call per candidate; an index of our own,
 * hashing 8 bytes at a time and comparing inline, is cheaper and can be used
 * from the inline fast paths.  It only speeds lookups up: a label it does not
 * find goes to frame_dict_intern, which decides. */

static inline uint64_t text_hash(const char *s, size_t len) {
  const uint64_t k = 0x9E3779B97F4A7C15ull;
  uint64_t h = (uint64_t)len * k;
  for (; len >= 8; s += 8, len -= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * k;
  }
  if (len) {
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    h = (h ^ w) * k;
  }
  return h ^ (h >> 31);
}

/* A label's code, or -1 when it is not in the dictionary yet.  Before the
 * hash, a small cache of labels met lately, by first byte and length: a
 * column of a few labels in no order (sex, ethnicity, a yes/no) then costs a
 * compare rather than a hash.  A cached code is only returned when the
 * dictionary holds that very string at that code, so the cache can never
 * give a wrong code, whatever it holds. */
static int32_t text_probe(struct colbuf *b, const char *s, size_t len, unsigned slot) {
  for (size_t i = text_hash(s, len) & b->ixmask;; i = (i + 1) & b->ixmask) {
    uint32_t v = b->ix[i];
    if (!v) return -1;
    int32_t code = (int32_t)(v - 1);
    if (b->dict->len[code] == len && same(b->dict->str[code], s, len)) {
      b->recent[slot] = v;
      return code;
    }
  }
}

static inline int32_t text_find(struct colbuf *b, const char *s, size_t len) {
  unsigned slot = ((unsigned)(len ? (unsigned char)s[0] : 0) ^ (unsigned)len) & (CSVTAB_RECENT - 1);
  uint32_t r = b->recent[slot];
  if (r && r - 1 < b->dict->n && b->dict->len[r - 1] == len && same(b->dict->str[r - 1], s, len))
    return (int32_t)(r - 1);
  return text_probe(b, s, len, slot);
}

/* Index the dictionary's newest entry; rebuild at half load.  0 ok, -1 oom. */
static int text_index_add(struct colbuf *b) {
  size_t n = b->dict->n;
  if (!b->ix || n * 2 > b->ixmask + 1) {
    size_t ns = b->ix ? (b->ixmask + 1) * 2 : 64;
    while (n * 2 > ns) ns *= 2;
    uint32_t *ix = calloc(ns, sizeof *ix);
    if (!ix) return -1;
    free(b->ix);
    b->ix = ix;
    b->ixmask = ns - 1;
    for (size_t c = 0; c + 1 < n; c++) {
      size_t i = text_hash(b->dict->str[c], b->dict->len[c]) & b->ixmask;
      while (b->ix[i]) i = (i + 1) & b->ixmask;
      b->ix[i] = (uint32_t)c + 1;
    }
  }
  if (n) {
    size_t i = text_hash(b->dict->str[n - 1], b->dict->len[n - 1]) & b->ixmask;
    while (b->ix[i]) i = (i + 1) & b->ixmask;
    b->ix[i] = (uint32_t)n;
  }
  return 0;
}

/* A new text column's dictionary and index (a column forced to text).  0 ok,
 * -1 out of memory. */
int csvtab_text_start(struct colbuf *b) {
  if (!(b->dict = frame_dict_new()) || text_index_add(b) != 0) return -1;
  b->last = -1;
  return 0;
}

/* ===== room for rows ===== */

/* Columns are written once, front to back, and each 4 KiB page of new memory
 * costs a page fault; with a million rows those faults were a third of the
 * load.  Asking for transparent huge pages (Linux, when the system leaves it
 * to programs) makes it one fault per 2 MiB.  Only a hint, and only for
 * buffers big enough that the rounding to 2 MiB does not matter. */
void csvtab_hint_huge(void *p, size_t bytes) {
#if defined(MADV_HUGEPAGE)
  if (bytes < ((size_t)4 << 20)) return;
  long pg = sysconf(_SC_PAGESIZE);
  if (pg <= 0) return;
  uintptr_t a = ((uintptr_t)p + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
  uintptr_t e = ((uintptr_t)p + bytes) & ~((uintptr_t)pg - 1);
  if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
  (void)p; (void)bytes;
#endif
}

/* Rows to make room for when need rows do not fit.  Growing by copying
 * would move every column several times, so the rows to come are projected
 * from the rows stored so far (c->nrow, all before the driver's position) and
 * the bytes they took, the file size being known; only a projection that
 * falls short costs another move.  Never more than the rest of the file can
 * hold (a row takes at least H-1 bytes). */
static size_t want_rows(const struct ctx *c, size_t need) {
  size_t pos = *c->pos, n = c->nrow;
  size_t room = need + 1 + (c->len - pos) / (c->H > 1 ? c->H - 1 : 1);
  size_t want;
  if (c->cap == 0) want = 1024;
  else if (pos > 0 && n >= 256) {
    double proj = (double)n * ((double)c->len / (double)pos) * 1.02 + 1024;
    want = proj < (double)room ? (size_t)proj : room;
    if (want < c->cap + c->cap / 8) want = c->cap + c->cap / 8;
  } else want = c->cap * 2;
  if (want > room) want = room;
  return want >= need ? want : need;
}

/* Room for at least need rows in every column. */
int csvtab_grow(struct ctx *c, size_t need) {
  size_t nc = want_rows(c, need);
  for (size_t k = 0; k < c->H; k++) {
    struct colbuf *b = &c->col[k];
    size_t sz = mode_size(b->mode);
    if (sz && b->val && b->val == b->win) {   /* lent storage is not ours to grow */
      void *p = malloc(nc * sz);
      if (!p) goto oom;
      memcpy(p, b->val, c->cap * sz);
      b->val = p;
      b->win = NULL;
    } else if (sz) {
      void *p = realloc(b->val, nc * sz);
      if (!p) goto oom;
      b->val = p;
      csvtab_hint_huge(p, nc * sz);
    }
    if (b->na) {
      uint8_t *q = realloc(b->na, nc);
      if (!q) goto oom;
      memset(q + c->cap, 0, nc - c->cap);
      b->na = q;
    }
  }
  c->cap = nc;
  return 0;
oom:
  c->err = E_OOM;
  return -1;
}

/* ===== values ===== */

/* Text mode: append one value as a dictionary code, or -reason if missing.
 * Only values new to the dictionary need the UTF-8 check. */
static void text_put(struct ctx *c, struct colbuf *b, size_t i, const char *s, size_t len) {
  enum frame_na na = na_token(s, len);
  int32_t code;
  if (na != NA_NONE) {
    b->nmiss++;
    b->nblank += na == NA_BLANK;
    code = -(int32_t)na;
  } else if (b->last >= 0 && b->dict->len[b->last] == len && same(b->dict->str[b->last], s, len)) {
    code = b->last;                            /* runs of one label are common in EES files */
  } else {
    if ((code = text_find(b, s, len)) < 0) {   /* new: check it, add it */
      size_t before = b->dict->n;
      code = frame_dict_intern(b->dict, s, len);
      if (code < 0) { c->err = E_OOM; return; }
      if (b->dict->n != before) {
        csvtab_check_utf8(c, s, len);
        if (c->err) return;
        if (text_index_add(b) != 0) { c->err = E_OOM; return; }
      }
    }
    b->last = code;
  }
  ((int32_t *)b->val)[i] = code;
}

/* Give b typed storage for mode at row i; rows before i are all missing. */
static int set_mode(struct ctx *c, struct colbuf *b, int mode, size_t i) {
  size_t sz = mode_size(mode);
  void *p = b->win && b->winsz == sz ? b->win : malloc((c->cap ? c->cap : 1) * sz);
  if (!p) { c->err = E_OOM; return -1; }
  if (p != b->win) csvtab_hint_huge(p, c->cap * sz);
  for (size_t r = 0; r < i; r++)
    switch (mode) {
    case M_F64: ((double *)p)[r] = NAN; break;
    case M_INT: ((int64_t *)p)[r] = 0; break;
    case M_BOOL: ((uint8_t *)p)[r] = 0; break;
    default: ((int32_t *)p)[r] = 0; break;
    }
  b->val = p;
  b->mode = mode;
  return 0;
}

/* int64 -> float64 at row i: the same doubles strtod gives for the integers'
 * text (an int64 converts to the nearest double, as strtod rounds), except
 * that "-0" reads as -0.0, so those rows were noted. */
static void int_to_f64(struct colbuf *b, size_t i) {
  int64_t *iv = b->val;
  double *dv = b->val;
  for (size_t r = 0; r < i; r++) {
    double x = b->na && b->na[r] ? NAN : (double)iv[r];
    dv[r] = x;
  }
  for (size_t k = 0; k < b->nnegz; k++) dv[b->negz[k]] = -0.0;
  free(b->negz);
  b->negz = NULL; b->nnegz = b->capnegz = 0;
  b->mode = M_F64;
}

/* Typed (or missing-only) -> text at row i.  Missing rows keep their reason;
 * rows with a typed value get CODE_LATER, filled in by the replay. */
static int to_text(struct ctx *c, struct colbuf *b, size_t i) {
  int lent = !b->val && b->win && b->winsz == sizeof(int32_t);
  int32_t *code = lent ? b->win : malloc((c->cap ? c->cap : 1) * sizeof *code);
  if (!code || !(b->dict = frame_dict_new()) || text_index_add(b) != 0) {
    if (!lent) free(code);
    c->err = E_OOM;
    return -1;
  }
  if (!lent) csvtab_hint_huge(code, c->cap * sizeof *code);
  int later = 0;
  for (size_t r = 0; r < i; r++) {
    if (b->na && b->na[r]) code[r] = -(int32_t)b->na[r];
    else { code[r] = CODE_LATER; later = 1; }
  }
  if (b->val != b->win) free(b->val);
  free(b->na); free(b->negz);
  b->val = code; b->na = NULL; b->negz = NULL; b->nnegz = b->capnegz = 0;
  b->mode = M_TEXT;
  b->last = -1;
  if (later) { b->later = i; c->nlater++; }
  return 0;
}

static int note_negz(struct ctx *c, struct colbuf *b, size_t i) {
  if (b->nnegz == b->capnegz) {
    size_t nc = b->capnegz ? b->capnegz * 2 : 8;
    size_t *p = realloc(b->negz, nc * sizeof *p);
    if (!p) { c->err = E_OOM; return -1; }
    b->negz = p; b->capnegz = nc;
  }
  b->negz[b->nnegz++] = i;
  return 0;
}

/* Row i of a typed (not text) column is missing for reason na: the reason,
 * and the placeholder value a missing row holds (0, or NaN for float64). */
static void mark_missing(struct colbuf *b, size_t i, enum frame_na na) {
  b->na[i] = (uint8_t)na;
  switch (b->mode) {
  case M_INT: ((int64_t *)b->val)[i] = 0; break;
  case M_F64: ((double *)b->val)[i] = NAN; break;
  case M_BOOL: ((uint8_t *)b->val)[i] = 0; break;
  case M_DATE: ((int32_t *)b->val)[i] = 0; break;
  default: break;
  }
}

static void put_missing(struct ctx *c, struct colbuf *b, size_t i, enum frame_na na) {
  b->nmiss++;
  b->nblank += na == NA_BLANK;
  if (!b->na && !(b->na = calloc(c->cap, 1))) { c->err = E_OOM; return; }
  mark_missing(b, i, na);
}

/* The common cases inline, for the fast path: a plain number in a numeric
 * column, a date in a date column, a label already in a text column's
 * dictionary.  None of these can be a missing token (those never get into
 * a dictionary), so the token test is skipped.  1 stored, 0 for put_value. */
static inline int put_quick(struct colbuf *b, size_t i, const char *s, size_t len) {
  if (!len) return 0;
  switch (b->mode) {
  case M_INT: {
    int64_t v;
    if (!int_fast(s, len, &v) || (v == 0 && s[0] == '-')) return 0;
    ((int64_t *)b->val)[i] = v;
    return 1;
  }
  case M_F64: {
    double v;
    if (!f64_fast(s, len, &v)) return 0;
    ((double *)b->val)[i] = v;
    return 1;
  }
  case M_DATE: {
    int32_t v;
    if (date_days(s, len, &v) != 0) return 0;
    ((int32_t *)b->val)[i] = v;
    return 1;
  }
  case M_TEXT: {
    int32_t code = b->last;
    if (code < 0 || b->dict->len[code] != len || !same(b->dict->str[code], s, len)) {
      if ((code = text_find(b, s, len)) < 0) return 0;
      b->last = code;
    }
    ((int32_t *)b->val)[i] = code;
    return 1;
  }
  default:
    return 0;
  }
}

/* The value s at row i of column b: store it converted, missing, or as the
 * value that makes the column text.  The inference rules are those of
 * docs/data.md: the first type of bool, int64, float64, date that every
 * present value fits.  A first value fixes which of them can still hold
 * (no string fits two), so a column is in one mode at a time. */
void csvtab_put_value(struct ctx *c, struct colbuf *b, size_t i, const char *s, size_t len) {
  if (b->mode == M_TEXT) { text_put(c, b, i, s, len); return; }
  enum frame_na na = na_token(s, len);
  if (na != NA_NONE) { put_missing(c, b, i, na); return; }
  int64_t iv;
  double dv;
  int32_t days;
  uint8_t bo;
  unsigned m = 0;
  switch (b->mode) {
  case M_INT:
    if (int_fast(s, len, &iv)) {
      ((int64_t *)b->val)[i] = iv;
      if (iv == 0 && s[0] == '-') note_negz(c, b, i);
      return;
    }
    m = csvtab_scan_number(s, len);
    if (m & T_INT) {                           /* 19 digits, or leading zeros */
      iv = conv_i64(s, len);
      ((int64_t *)b->val)[i] = iv;
      if (iv == 0 && s[0] == '-') note_negz(c, b, i);
      return;
    }
    if ((m & T_BIG) && !b->forced) break;     /* beyond int64: text, every digit kept */
    if (m && !b->forced) {                     /* a decimal: the column is float64 */
      int_to_f64(b, i);
      f64_into(c, s, len, &((double *)b->val)[i]);
      return;
    }
    break;
  case M_F64:
    m = csvtab_scan_number(s, len);
    if (m && (b->forced || !(m & T_BIG))) {   /* a whole number beyond int64: text */
      f64_into(c, s, len, &((double *)b->val)[i]);
      return;
    }
    break;
  case M_BOOL:
    if (parse_bool(s, len, &bo) == 0) { ((uint8_t *)b->val)[i] = bo; return; }
    break;
  case M_DATE:
    if (date_days(s, len, &days) == 0) { ((int32_t *)b->val)[i] = days; return; }
    break;
  default:                                     /* M_NONE: the first present value */
    if (int_fast(s, len, &iv) || ((m = csvtab_scan_number(s, len)) & T_INT)) {
      if (set_mode(c, b, M_INT, i) != 0) return;
      csvtab_put_value(c, b, i, s, len);
      return;
    }
    if (m && !(m & T_BIG)) {                  /* a whole number beyond int64: text */
      if (set_mode(c, b, M_F64, i) != 0) return;
      if (f64_into(c, s, len, &dv) != 0) return;
      ((double *)b->val)[i] = dv;
      return;
    }
    if (parse_bool(s, len, &bo) == 0) {
      if (set_mode(c, b, M_BOOL, i) != 0) return;
      ((uint8_t *)b->val)[i] = bo;
      return;
    }
    if (date_days(s, len, &days) == 0) {
      if (set_mode(c, b, M_DATE, i) != 0) return;
      ((int32_t *)b->val)[i] = days;
      return;
    }
    break;
  }
  if (b->forced) { csvtab_fail_forced(c, b, s, len); return; }
  if (to_text(c, b, i) != 0) return;           /* this value makes it text */
  text_put(c, b, i, s, len);
}

/* ===== batches of rows ===== */

/* A missing token in the column-by-column pass, where nothing may fail or
 * allocate: typed columns only once their na array exists.  1 stored. */
static inline int quick_missing(struct colbuf *b, size_t i, const char *s, size_t len) {
  enum frame_na na = na_token(s, len);
  if (na == NA_NONE) return 0;
  if (b->mode == M_TEXT) ((int32_t *)b->val)[i] = -(int32_t)na;
  else if (!b->na) return 0;
  else {
    mark_missing(b, i, na);
  }
  b->nmiss++;
  b->nblank += na == NA_BLANK;
  return 1;
}

/* Column b's fields of m records (record r's at f[r * H]), rows i0..: store
 * the leading run that cannot fail, change the column's type or grow its
 * dictionary.  Returns how many records that run covers.  One loop per type,
 * so the hot loops carry no dispatch. */
static size_t run_quick(struct colbuf *b, size_t i0, const struct csvtab_span *f, size_t H,
                        size_t m, size_t maxf) {
  size_t r = 0;
  switch (b->mode) {
  case M_INT: {
    int64_t *v = (int64_t *)b->val + i0;
    for (; r < m; r++, f += H) {
      int64_t x;
      if (f->len - 1 < maxf && int_fast(f->s, f->len, &x) && (x || f->s[0] != '-')) v[r] = x;
      else if (f->len > maxf || !quick_missing(b, i0 + r, f->s, f->len)) break;
    }
    break;
  }
  case M_F64: {
    double *v = (double *)b->val + i0;
    for (; r < m; r++, f += H) {
      if (f->len - 1 < maxf && f64_fast(f->s, f->len, &v[r])) continue;
      if (f->len > maxf || !quick_missing(b, i0 + r, f->s, f->len)) break;
    }
    break;
  }
  case M_DATE: {
    int32_t *v = (int32_t *)b->val + i0;
    for (; r < m; r++, f += H) {
      if (f->len - 1 < maxf && date_days(f->s, f->len, &v[r]) == 0) continue;
      if (f->len > maxf || !quick_missing(b, i0 + r, f->s, f->len)) break;
    }
    break;
  }
  case M_TEXT: {
    /* every label through the cache of recent labels: a hit costs no hash
     * and no branch that labels in no order (M, F, F, M) mispredict */
    int32_t *v = (int32_t *)b->val + i0;
    for (; r < m; r++, f += H) {
      const char *s = f->s;
      size_t len = f->len;
      if (len > maxf) break;
      int32_t code = len ? text_find(b, s, len) : -1;
      if (code < 0) {
        if (!quick_missing(b, i0 + r, s, len)) break;
        continue;
      }
      v[r] = code;
    }
    break;
  }
  default:
    for (; r < m; r++, f += H) {
      if (f->len > maxf) break;
      if (!put_quick(b, i0 + r, f->s, f->len) && !quick_missing(b, i0 + r, f->s, f->len)) break;
    }
    break;
  }
  return r;
}

/* m records of H fields each (the common case), rows nrow... in two passes.
 * First column by column, as far as each column's values take the quick
 * path; then row by row from the first record some column left over, with
 * the full rules, skipping fields already stored.  A column's values stay in
 * row order either way, and everything that can fail or reads across columns
 * (errors, type changes, new labels) happens in the second pass, in file
 * order, so the first error reported is the one a row-by-row reader meets
 * first. */
int csvtab_put_rows(struct ctx *c, const struct csvtab_span *f, size_t m) {
  size_t H = c->H, i0 = c->nrow, rec0 = c->rec, maxf = c->maxf;
  if (i0 + m > c->cap && csvtab_grow(c, i0 + m) != 0) return 1;
  struct colbuf *col = c->col;
  size_t from = m;
  for (size_t k = 0; k < H; k++) {
    col[k].upto = run_quick(&col[k], i0, f + k, H, m, maxf);
    if (col[k].upto < from) from = col[k].upto;
  }
  for (size_t r = from; r < m; r++) {
    const struct csvtab_span *g = f + r * H;
    c->rec = rec0 + r;
    c->nrow = i0 + r;
    for (size_t k = 0; k < H; k++) {
      if (r < col[k].upto) continue;
      c->fld = k;
      if (g[k].len > maxf) { csvtab_fail_long(c); return 1; }
      if (!put_quick(&col[k], i0 + r, g[k].s, g[k].len)) {
        csvtab_put_value(c, &col[k], i0 + r, g[k].s, g[k].len);
        if (c->err) return 1;
      }
    }
  }
  c->nrow = i0 + m;                            /* end_row for each: all have H fields */
  c->rec = rec0 + m;
  c->fld = 0;
  return 0;
}

/* ===== replay: the strings of typed values, for columns that became text =====
 *
 * A column that held typed values before a value made it text needs those
 * values' strings, exactly as written ("007", "1.50", "TRUE").  Keeping every
 * field's text just in case would cost about the file again in memory, so
 * they are read once more from the file instead, in a single pass over the
 * records before the last such point, for all such columns at once.  Codes
 * must follow first appearance in row order, like every dictionary here: the
 * replayed strings go into a new dictionary first, then the strings the column
 * met after it became text, and those rows' codes are renumbered. */

struct replay {
  struct ctx *c;
  size_t *cols, ncol;       /* the columns waiting, ascending */
  size_t rec, fld, row, upto;
  int halt;
};

/* Field s of column j at the replay's row: its code, if that row waits for it. */
static void rp_put(struct replay *r, size_t j, const char *s, size_t len) {
  struct colbuf *b = &r->c->col[j];
  int32_t *code = b->val;
  if (r->row >= b->later || code[r->row] != CODE_LATER) return;
  int32_t v = frame_dict_intern(b->redict, s, len);
  if (v < 0) { r->c->err = E_OOM; r->halt = 1; return; }
  code[r->row] = v;
}

static void rp_end(struct replay *r) {
  if (r->rec++ > 0 && ++r->row >= r->upto) r->halt = 1;
  r->fld = 0;
}

static void rp_field(void *s, size_t len, void *data) {
  struct replay *r = data;
  if (r->halt) return;
  if (r->rec > 0 && r->fld < r->c->H && r->c->col[r->fld].later) rp_put(r, r->fld, s, len);
  r->fld++;
}

static void rp_row(int term, void *data) {
  struct replay *r = data;
  (void)term;
  if (!r->halt) rp_end(r);
}

static int rp_records(void *data, const struct csvtab_span *f, const size_t *n, size_t nrec) {
  struct replay *r = data;
  for (size_t q = 0; q < nrec && !r->halt; f += n[q++]) {
    if (r->rec > 0)
      for (size_t k = 0; k < r->ncol && !r->halt; k++)
        if (r->cols[k] < n[q]) rp_put(r, r->cols[k], f[r->cols[k]].s, f[r->cols[k]].len);
    if (!r->halt) rp_end(r);
  }
  return r->halt;
}

int csvtab_to_text(struct ctx *c, struct colbuf *b, size_t i) { return to_text(c, b, i); }

int csvtab_replay(struct ctx *c, int fast) {
  /* a part's first record is a data row: as if its header were read */
  struct replay r = {.c = c, .cols = calloc(c->nlater, sizeof(size_t)), .ncol = 0,
                     .rec = c->part ? 1 : 0};
  int32_t *map = NULL;
  if (!r.cols) goto oom;
  for (size_t j = 0; j < c->H; j++) {
    struct colbuf *b = &c->col[j];
    if (b->mode != M_TEXT || !b->later) continue;
    r.cols[r.ncol++] = j;
    if (!(b->redict = frame_dict_new())) goto oom;
    if (b->later > r.upto) r.upto = b->later;
  }
  struct csvtab_drv d = {.buf = c->buf, .stop = c->len, .delim = (unsigned char)c->o->delim,
                         .fast = fast, .maxf = c->maxf, .field = rp_field,
                         .row = rp_row, .records = rp_records, .u = &r, .halt = &r.halt};
  int rc = csvtab_drive(&d);
  if (c->err || (rc != CSVTAB_DRV_HALT && rc != CSVTAB_DRV_OK)) goto oom;  /* it parsed before */
  for (size_t k = 0; k < r.ncol; k++) {
    struct colbuf *b = &c->col[r.cols[k]];
    struct frame_dict *old = b->dict, *nd = b->redict;
    int32_t *code = b->val;
    if (!(map = malloc((old->n ? old->n : 1) * sizeof *map))) goto oom;
    for (size_t v = 0; v < old->n; v++)
      if ((map[v] = frame_dict_intern(nd, old->str[v], old->len[v])) < 0) goto oom;
    for (size_t i = b->later; i < c->nrow; i++)
      if (code[i] >= 0) code[i] = map[code[i]];
    free(map);
    map = NULL;
    frame_dict_release(old);
    b->dict = nd;
    b->redict = NULL;
    b->later = 0;
  }
  free(r.cols);
  return 0;
oom:
  free(r.cols); free(map);
  c->err = E_OOM;
  return -1;
}

/* ===== the frame ===== */

/* The suppression symbols of DfE's files (c, x, z, k, u, low, :) mean a
 * missing figure only in a column that is otherwise numbers, dates or
 * booleans; in a text column they are ordinary labels (a level spelt "c"),
 * as docs/data.md says.  The loader meets a column's values before it knows
 * its type, so a text column holds them as missing reasons until here, where
 * they become dictionary codes.  Codes keep first appearance in row order:
 * the dictionary is rebuilt in one pass over the rows.  0 ok, -1 oom. */
static int is_symbol(int32_t code) { return code <= -(int32_t)NA_C && code >= -(int32_t)NA_COLON; }

static int symbols_as_labels(struct colbuf *b, size_t nrow) {
  int32_t *code = b->val;
  size_t nsym = 0;
  for (size_t i = 0; i < nrow; i++) nsym += is_symbol(code[i]);
  if (!nsym) return 0;
  struct frame_dict *old = b->dict, *nd = frame_dict_new();
  int32_t *map = malloc((old->n ? old->n : 1) * sizeof *map);
  if (!nd || !map) goto oom;
  for (size_t v = 0; v < old->n; v++) map[v] = -1;
  for (size_t i = 0; i < nrow; i++) {
    int32_t k = code[i];
    if (k >= 0) {
      if (map[k] < 0 && (map[k] = frame_dict_intern(nd, old->str[k], old->len[k])) < 0) goto oom;
      code[i] = map[k];
    } else if (is_symbol(k)) {
      const char *sym = frame_na_symbol((enum frame_na)-k);
      if ((code[i] = frame_dict_intern(nd, sym, strlen(sym))) < 0) goto oom;
    }
  }
  free(map);
  frame_dict_release(old);
  b->dict = nd;
  b->nmiss -= nsym;
  return 0;
oom:
  free(map);
  frame_dict_release(nd);
  return -1;
}

/* Hand b's storage to a new column, without copying: frame_col owns v.raw
 * and na and frees them with free.  Room beyond nrow rows is given back. */
struct frame_col *csvtab_take_col(struct ctx *c, struct colbuf *b, const char *name) {
  size_t nrow = c->nrow, keep = nrow ? nrow : 1;
  if (b->mode == M_NONE && nrow) {             /* nothing but missing tokens: float64 */
    double *v = malloc(keep * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < nrow; i++) v[i] = NAN;
    free(b->val);
    b->val = v;
    b->mode = M_F64;
  }
  if (b->mode == M_TEXT && b->nmiss && symbols_as_labels(b, nrow) != 0) return NULL;
  enum frame_type t = b->mode == M_TEXT ? FRAME_CAT : b->mode == M_INT ? FRAME_I64
                      : b->mode == M_BOOL ? FRAME_BOOL : b->mode == M_DATE ? FRAME_DATE : FRAME_F64;
  struct frame_col *col = frame_col_new(name, t, 1, b->dict);
  if (!col) return NULL;
  if (b->val && nrow) {
    size_t sz = mode_size(b->mode);
    void *v = c->cap > keep ? realloc(b->val, keep * sz) : b->val;
    if (v) b->val = v;                         /* a failed shrink leaves the larger block */
    if (b->na && c->cap > keep && (v = realloc(b->na, keep))) b->na = v;
    free(col->v.raw);
    col->v.raw = b->val;
    col->cap = keep;
    b->val = NULL;
  }
  if (b->mode == M_TEXT) {
    if (b->nmiss) {
      if (!(col->na = calloc(col->cap, 1))) { frame_col_free(col); return NULL; }
      for (size_t i = 0; i < nrow; i++)
        if (col->v.cat[i] < 0) { col->na[i] = (uint8_t)-col->v.cat[i]; col->v.cat[i] = 0; }
    }
  } else {
    col->na = b->na;                           /* NULL when nothing is missing */
    b->na = NULL;
  }
  col->n = nrow;
  return col;
}

void csvtab_col_free(struct colbuf *b) {
  if (b->val != b->win) free(b->val);
  free(b->na);
  free(b->negz);
  free(b->ix);
  frame_dict_release(b->dict);
  frame_dict_release(b->redict);
}
