/* host/data/csvtab.c -- CSV -> struct frame, loading with libcsv, pure C.
 * One pass over the file: host/data/csvtab_fast.c drives libcsv, and splits the
 * plain records (no quote, no stray CR) itself, giving exactly the fields
 * libcsv would (why: host/data/csvtab_int.h); everything quoted is parsed by
 * libcsv.  Each field goes straight into its column, already converted: a
 * column holds int64, float64, bool or date values while every value so far
 * fits that type, so no field is scanned twice, and it becomes dictionary
 * codes from the first value that does not fit.  The typed values before that
 * point are not kept as text; their strings are read again from the file in
 * one replay after the pass, only for such columns.  Positions for error
 * messages are found only on failure, by replaying libcsv a byte at a time,
 * so the normal path carries no line bookkeeping.  Rules: docs/data.md. */
#define _DEFAULT_SOURCE 1      /* madvise and MADV_DONTNEED, beside -D_XOPEN_SOURCE */
#include "csvtab.h"
#include "csvtab_int.h"

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

/* ===== messages ===== */

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

/* Record the first error, about field fld of record rec. */
void csvtab_fail(struct ctx *c, size_t rec, size_t fld, const char *fmt, ...) {
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

/* A present value that does not parse as the forced type: fail, showing it. */
void csvtab_fail_forced(struct ctx *c, struct colbuf *b, const char *s, size_t len) {
  char v[200];
  const char *why = NULL;
  switch (b->type) {
  case FRAME_I64: {
    unsigned m = csvtab_scan_number(s, len);
    int whole = m && !memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len);
    why = whole ? "is too large for int64 (use float64)" : m ? "is not a whole number" : "is not a number";
    break;
  }
  case FRAME_F64: why = "is not a number"; break;
  case FRAME_BOOL: why = "is not true or false"; break;
  default: why = "is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"; break;
  }
  show_value(v, sizeof v, s, len);
  csvtab_fail(c, c->rec, c->fld, "%s %s; the column was given type %s %s", v, why,
              frame_type_name(b->type), origin(c));
}

void csvtab_check_utf8(struct ctx *c, const char *s, size_t len) {
  size_t ok = utf8_valid((const unsigned char *)s, len);
  if (ok == len) return;
  char v[200];
  show_value(v, sizeof v, s, len);
  csvtab_fail(c, c->rec, c->fld, "%s %s is not valid UTF-8 (byte 0x%02X at offset %zu); "
              "save the file as UTF-8", c->rec ? "value" : "header name", v,
              (unsigned char)s[ok], ok);
}

void csvtab_fail_long(struct ctx *c) {
  csvtab_fail(c, c->rec, c->fld, "field longer than the limit of %zu bytes; "
              "is a closing quote missing? (the limit on field length is set with --max-field BYTES)",
              c->maxf);
}

static void fail_columns(struct ctx *c) {
  csvtab_fail(c, c->rec, c->fld, "more than %zu fields on this line, the limit on columns "
              "(raise it with --max-columns N if the file really is that wide)", c->maxcols);
  c->err_name = NOIDX;
}

static void fail_rows(struct ctx *c) {
  csvtab_fail(c, c->rec, 0, "more than %zu data rows, the limit on rows "
              "(raise it with --max-rows N)", c->maxrows);
  c->err_col = NOIDX; c->err_name = NOIDX;
}

/* ===== records ===== */

static int finish_header(struct ctx *c);

static void header_field(struct ctx *c, const char *s, size_t len) {
  csvtab_check_utf8(c, s, len);
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
}

/* One field, from libcsv or the fast path. */
static inline void put_field(struct ctx *c, const char *s, size_t len) {
  /* a data row past the limit on rows fails at its first field, before
   * anything in it is looked at, as the fast path's batches do (on_records) */
  if (c->rec > 0 && c->fld == 0 && c->nrow >= c->maxrows) { fail_rows(c); return; }
  if (len > c->maxf) { csvtab_fail_long(c); return; }
  if (c->fld >= c->maxcols) { fail_columns(c); return; }
  if (c->rec == 0) {
    header_field(c, s, len);
    if (!c->err) c->fld++;
    return;
  }
  size_t j = c->fld;
  if (j >= c->H) {                             /* extra field: allowed once if blank */
    if (len) c->extra_nonblank = 1;
    c->fld++;
    return;
  }
  if (j == 0 && c->nrow == c->cap && csvtab_grow(c, c->nrow + 1) != 0) return;
  csvtab_put_value(c, &c->col[j], c->nrow, s, len);
  if (!c->err) c->fld++;
}

/* End of a record: check the field count, close the header. */
static void end_row(struct ctx *c) {
  if (c->rec == 0) {
    if (finish_header(c) != 0) return;
  } else {
    size_t n = c->fld, H = c->H;
    if (n == H - 1 && c->trail_hdr) {          /* row lacks the header's trailing comma */
      csvtab_put_value(c, &c->col[H - 1], c->nrow, "", 0);
      if (c->err) return;
    } else if (n < H) {
      csvtab_fail(c, c->rec, n - 1, "expected %zu fields like the header, found %zu", H, n);
      c->err_at_end = 1; c->err_col = n + 1; c->err_name = n;
      return;
    } else if (n > H + 1 || (n == H + 1 && c->extra_nonblank)) {
      csvtab_fail(c, c->rec, H, "expected %zu fields like the header, found %zu "
                  "(is there a comma inside a value that is not in quotes?)", H, n);
      c->err_name = H - 1; c->err_how = "after column";
      return;
    }
    if (c->nrow >= c->maxrows) { fail_rows(c); return; }
    c->nrow++;
  }
  c->rec++;
  c->fld = 0;
  c->extra_nonblank = 0;
}

/* libcsv callbacks. */
static void on_field(void *s, size_t len, void *data) {
  struct ctx *c = data;
  if (!c->err) put_field(c, s, len);
}

static void on_row(int term, void *data) {
  struct ctx *c = data;
  (void)term;
  if (!c->err) end_row(c);
}

/* Pages of the input behind the parse are not read again on the normal path,
 * so when the input is a file held in memory of our own (c->file) they are
 * given back every DROP_STEP bytes as the parse moves on: the peak of a load
 * is then about its columns, not the columns plus the whole file.  A replay,
 * a second pass or an error report reads them back first (csvtab_restore).
 * Only whole pages inside c's own input are given back, so parts loaded on
 * several threads never touch each other's bytes. */
#define DROP_STEP ((size_t)1 << 20)

static size_t page_size(void) {
  static size_t pg;
  if (!pg) {
    long p = sysconf(_SC_PAGESIZE);
    pg = p > 0 ? (size_t)p : 4096;
  }
  return pg;
}

void csvtab_drop_init(struct ctx *c, struct csvtab_file *file) {
  c->file = file;
  c->drop0 = c->dropped = 0;
  if (!file) return;
  size_t pg = page_size(), at = (size_t)(c->buf - file->base);
  c->drop0 = c->dropped = (at + pg - 1) / pg * pg;
}

static void drop_behind(struct ctx *c) {
#if defined(MADV_DONTNEED)
  if (!c->file) return;
  size_t upto = (size_t)(c->buf + *c->pos - c->file->base);
  if (upto < c->dropped + DROP_STEP) return;
  upto &= ~(page_size() - 1);
  /* an anonymous private mapping: the pages read as zeros until restored */
  if (madvise(c->file->base + c->dropped, upto - c->dropped, MADV_DONTNEED) == 0)
    c->dropped = upto;
#else
  (void)c;
#endif
}

int csvtab_restore(struct ctx *c) {
  struct csvtab_file *f = c->file;
  if (!f || c->dropped == c->drop0) return 0;
  size_t a = c->drop0, n = c->dropped - a, got = 0;
  while (got < n) {
    ssize_t k = pread(f->fd, f->base + a + got, n - got, (off_t)(a + got));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  c->dropped = c->drop0;
  struct stat st;
  if (got == n && fstat(f->fd, &st) == 0 && st.st_size == f->st.st_size &&
      st.st_mtim.tv_sec == f->st.st_mtim.tv_sec && st.st_mtim.tv_nsec == f->st.st_mtim.tv_nsec)
    return 0;
  atomic_store(&f->changed, 1);
  csvtab_fail(c, 0, 0, "the file changed while it was read; "
              "read it again when nothing else is writing to it");
  c->err_line = NOIDX;
  return -1;
}

/* Fast path: a batch of plain records.  Runs of data rows with the header's
 * field count go to put_rows; the header and any other row go field by field
 * like libcsv's callbacks, with every field-count rule. */
static int on_records(void *data, const struct csvtab_span *f, const size_t *n, size_t nrec) {
  struct ctx *c = data;
  drop_behind(c);
  for (size_t r = 0; r < nrec;) {
    if (c->rec == 0 || n[r] != c->H) {
      for (size_t k = 0; k < n[r] && !c->err; k++) put_field(c, f[k].s, f[k].len);
      if (!c->err) end_row(c);
      if (c->err) return 1;
      f += n[r++];
      continue;
    }
    if (c->nrow >= c->maxrows) { fail_rows(c); return 1; }
    size_t q = r + 1;
    while (q < nrec && n[q] == c->H) q++;
    if (q - r > c->maxrows - c->nrow) q = r + (c->maxrows - c->nrow);
    if (csvtab_put_rows(c, f, q - r) != 0) return 1;
    f += (q - r) * c->H;
    r = q;
  }
  return 0;
}

/* Trim, fill empty names with V<k>, make duplicates unique (SNP, SNP_2, ...),
 * set up the columns and attach the overrides. */
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
    c->col[k].mode = M_NONE;
    c->col[k].last = -1;
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
      csvtab_fail(c, 0, 0, "column \"%s\" was given type %s %s, but the header has no such "
                  "column (columns: %s)", nm, frame_type_name(c->o->override_types[i]), origin(c),
                  list);
      c->err_line = 1; c->err_col = NOIDX; c->err_name = NOIDX;
      goto fail;
    }
    struct colbuf *b = &c->col[k];
    b->forced = 1;
    b->type = c->o->override_types[i];
    if (b->type == FRAME_CAT && !b->dict && csvtab_text_start(b) != 0) goto oom;
    /* a column named twice is text if either override says so, as before */
    b->mode = b->dict ? M_TEXT : b->type == FRAME_I64 ? M_INT : b->type == FRAME_BOOL ? M_BOOL
              : b->type == FRAME_DATE ? M_DATE : M_F64;
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
  csvtab_parser_init(&p, (unsigned char)c->o->delim);
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
    e->nomem = 1;
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

/* A column inferred as text whose every value is a number, one of them a
 * whole number beyond int64 (csvtab_scan_number's T_BIG): it is text so that
 * no digit of an identifier is lost, and the warning says so, naming it.
 * Only the dictionary is read (each distinct value once). */
static void note_bigint(const struct frame_col *col, struct csvtab_error *e) {
  if (col->type != FRAME_CAT || !col->dict) return;
  const struct frame_dict *d = col->dict;
  size_t big = NOIDX;
  for (size_t v = 0; v < d->n; v++) {
    if (d->len[v] == 0) continue;
    unsigned m = csvtab_scan_number(d->str[v], d->len[v]);
    if (!m) return;
    if ((m & T_BIG) && big == NOIDX) big = v;
  }
  if (big == NOIDX) return;
  size_t used = strlen(e->warning);
  if (used == 0) {
    char v[64];
    show_value(v, sizeof v, d->str[big], d->len[big]);
    putf(e->warning, sizeof e->warning, "column \"%s\" holds whole numbers beyond the range of int64 "
         "(%s): it is read as text, so no digit is lost (as data.table::fread does); give it type "
         "float64 to read approximate numbers instead", col->name, v);
  } else if (used + strlen(col->name) + 40 < sizeof e->warning) {
    putf(e->warning + used, sizeof e->warning - used, "; so is column \"%s\"", col->name);
  }
}

/* ===== driver ===== */

static void ctx_free(struct ctx *c) {
  for (size_t k = 0; k < c->nraw; k++) free(c->raw[k]);
  free(c->raw);
  for (size_t k = 0; c->name && k < c->H; k++) free(c->name[k]);
  free(c->name);
  for (size_t k = 0; c->col && k < c->H; k++) csvtab_col_free(&c->col[k]);
  free(c->col);
}

/* What the file came in: released once the columns are built (the replay
 * may read it again), before the frame is assembled. */
struct src {
  const char *buf;
  size_t len;
  void *map; size_t maplen;
  char *heap;
  struct csvtab_ranges *rg; /* scanned while read on threads, else NULL */
  struct csvtab_file *file; /* map is the file's memory: pages may be given back */
};

static void src_release(struct src *s) {
  if (s->map) munmap(s->map, s->maplen);
  free(s->heap);
  s->map = NULL; s->heap = NULL;
}

#define set_plain(e, ...) putf((e)->msg, sizeof (e)->msg, __VA_ARGS__)

int csvtab_parse(struct ctx *c, int fast) {
  struct csvtab_drv d = {.buf = c->buf, .stop = c->len, .delim = (unsigned char)c->o->delim,
                         .fast = fast, .maxf = c->maxf, .maxcols = c->maxcols, .field = on_field,
                         .row = on_row, .records = on_records, .u = c, .halt = &c->err};
  c->pos = &d.pos;
  int rc = csvtab_drive(&d);
  c->pos = NULL;
  return rc == CSVTAB_DRV_OK && d.nul == (size_t)-1 && !c->err ? 0 : -1;
}

static void ctx_init(struct ctx *c, const struct src *src, const char *label,
                     const struct csvtab_opts *o) {
  memset(c, 0, sizeof *c);
  c->label = label; c->o = o;
  c->maxf = o->max_field ? o->max_field : CSVTAB_MAX_FIELD_DEFAULT;
  if (c->maxf > UINT32_MAX - 1) c->maxf = UINT32_MAX - 1;   /* the limit messages have always shown */
  c->maxcols = o->max_columns ? o->max_columns : CSVTAB_MAX_COLUMNS_DEFAULT;
  c->maxrows = o->max_rows ? o->max_rows : CSVTAB_MAX_ROWS_DEFAULT;
  c->buf = src->buf; c->len = src->len;
  if (c->len >= 3 && !memcmp(c->buf, "\xEF\xBB\xBF", 3)) { c->buf += 3; c->len -= 3; }
  csvtab_drop_init(c, src->file);
}

static struct frame *load(struct src *src, const char *label, const struct csvtab_opts *opts,
                          struct csvtab_error *err, int fast, unsigned threads, size_t min_part,
                          size_t *parts) {
  struct csvtab_opts dflt;
  struct csvtab_error dummy;
  if (!err) err = &dummy;
  memset(err, 0, sizeof *err);
  if (parts) *parts = 0;
  if (!opts) { csvtab_opts_init(&dflt); opts = &dflt; }
  struct csvtab_opts o = *opts;
  if (!o.delim) o.delim = ',';
  if (o.delim == '"' || o.delim == '\n' || o.delim == '\r') {
    set_plain(err, "%s: a quote or a line break cannot be the field separator", label);
    src_release(src);
    return NULL;
  }
  struct ctx c;
  ctx_init(&c, src, label, &o);
  struct frame *f = NULL;
  /* Several threads when the file is large enough; they give the very frame
   * one pass gives, and leave anything else (an error to report, a replay,
   * quotes across a cut) to the pass below, from the start. */
  if (!threads) threads = csvtab_threads(&o);
  if (threads > 1 && c.len >= 2 * min_part) {
    if (csvtab_par_load(&c, fast, threads, min_part, src->rg, parts) == CSVTAB_PAR_DONE) goto built;
    ctx_free(&c);
    if (src->file && atomic_load(&src->file->changed)) {   /* the parts' bytes could not be read back */
      set_plain(err, "%s: the file changed while it was read; "
                "read it again when nothing else is writing to it", label);
      src_release(src);
      return NULL;
    }
    ctx_init(&c, src, label, &o);
  }

  /* NUL bytes mean binary data: parse only up to the first one, then say
   * where.  The driver finds it on the way (no separate pass over the file). */
  struct csvtab_drv d = {.buf = c.buf, .stop = c.len, .delim = (unsigned char)o.delim,
                         .fast = fast, .maxf = c.maxf, .maxcols = c.maxcols, .field = on_field,
                         .row = on_row, .records = on_records, .u = &c, .halt = &c.err};
  c.pos = &d.pos;
  int rc = csvtab_drive(&d);
  /* anything but a clean end reads the input again: its pages come back first */
  if ((rc != CSVTAB_DRV_OK || c.err || c.nlater || d.nul != (size_t)-1) && csvtab_restore(&c) != 0) {
    set_plain(err, "%s: %s", label, c.body);
    src_release(src);
    ctx_free(&c);
    return NULL;
  }
  const char *nul = d.nul != (size_t)-1 ? c.buf + d.nul
                    : memchr(c.buf + d.clean, '\0', c.len - d.clean);  /* parse stopped early */
  size_t stop = nul ? (size_t)(nul - c.buf) : c.len;
  switch (rc) {
  case CSVTAB_DRV_EPARSE: {                    /* strict mode: malformed quoting */
    char ch = c.buf[d.at];
    if (ch == '"')
      csvtab_fail(&c, c.rec, c.fld, "a \" inside a field that does not start with one; "
                  "quote the whole field and double the inner quote (\"a \"\"b\"\" c\")");
    else {
      char shown[16];
      show_value(shown, sizeof shown, &ch, 1);
      csvtab_fail(&c, c.rec, c.fld, "unexpected character %s after a closing quote "
                  "(a quoted field must end at a comma or the end of the line)", shown);
    }
    c.err_line = line_of(c.buf, d.at);
    stop = d.at;
    break;
  }
  case CSVTAB_DRV_RUNAWAY:                     /* stopped a runaway field early */
    csvtab_fail_long(&c);
    stop = d.at;
    break;
  case CSVTAB_DRV_UNCLOSED:
    csvtab_fail(&c, c.rec, c.fld, "unterminated quoted field "
                "(a \" opened here is never closed)");
    break;
  case CSVTAB_DRV_ENOMEM:
    c.err = E_OOM;
    break;
  default:                                     /* done, or a callback failed */
    break;
  }
  if (nul && c.err != E_OOM) {                 /* binary: say so, even over an earlier error */
    int earlier = c.err != E_NONE;             /* then rec/fld are not at the NUL */
    csvtab_fail(&c, c.rec, c.fld, "contains a NUL byte: "
                "this looks like a binary file, not CSV text");
    if (earlier) { c.err_col = NOIDX; c.err_name = NOIDX; }
    c.err_line = line_of(c.buf, (size_t)(nul - c.buf));
  }
  if (!c.err && c.rec == 0) {                  /* nothing, or only blank lines */
    csvtab_fail(&c, 0, 0, "empty file, expected a header row");
    c.err_line = NOIDX;
  }
  if (c.err) {
    if (c.err_line == NOIDX && c.err != E_OOM) set_plain(err, "%s: %s", label, c.body);
    else report(&c, stop, err);
    src_release(src);
    ctx_free(&c);
    return NULL;
  }
  if (c.nlater && csvtab_replay(&c, fast) != 0) goto oom;
built:
  src_release(src);

  size_t H = c.H;
  if (c.trail_hdr && !c.col[H - 1].forced && c.col[H - 1].nblank == c.nrow) H--;  /* trailing comma */
  /* Columns are attached directly rather than by frame_add, whose duplicate
   * check is linear per column: the names are unique already, and a file
   * with thousands of columns should not take quadratic time. */
  f = frame_new();
  if (!f || !(f->col = malloc(H * sizeof *f->col))) goto oom;
  f->capcol = H;
  f->nrow = c.nrow;
  for (size_t k = 0; k < H; k++) {
    struct frame_col *col = csvtab_take_col(&c, &c.col[k], c.name[k]);
    if (!col) goto oom;
    f->col[f->ncol++] = col;
  }
  for (size_t k = 0; k < H; k++)
    if (!c.col[k].forced) note_bigint(f->col[k], err);
  ctx_free(&c);
  return f;
oom:
  src_release(src);
  frame_free(f);
  ctx_free(&c);
  set_plain(err, "%s: out of memory building the columns (%zu rows)", label, c.nrow);
  err->nomem = 1;
  return NULL;
}

void csvtab_opts_init(struct csvtab_opts *o) {
  memset(o, 0, sizeof *o);
  o->delim = ',';
  o->max_field = CSVTAB_MAX_FIELD_DEFAULT;
}

struct frame *csvtab_read_mem_ex(const char *buf, size_t len, const char *label,
                                 const struct csvtab_opts *opts, struct csvtab_error *err,
                                 int fast) {
  return csvtab_read_mem_par(buf, len, label, opts, err, fast, 1, 0, NULL);
}

struct frame *csvtab_read_mem_par(const char *buf, size_t len, const char *label,
                                  const struct csvtab_opts *opts, struct csvtab_error *err,
                                  int fast, unsigned threads, size_t min_part, size_t *parts) {
  struct src s = {buf ? buf : "", buf ? len : 0, NULL, 0, NULL, NULL, NULL};
  return load(&s, label ? label : "<memory>", opts, err, fast, threads,
              min_part ? min_part : CSVTAB_PAR_MIN_PART, parts);
}

struct frame *csvtab_read_mem(const char *buf, size_t len, const char *label,
                              const struct csvtab_opts *opts, struct csvtab_error *err) {
  return csvtab_read_mem_par(buf, len, label, opts, err, CSVTAB_FAST_ON, 0, 0, NULL);
}

/* The kind of a file that is not a regular one, for the message. */
static const char *not_regular(mode_t m) {
  if (S_ISDIR(m)) return "is a directory, not a CSV file";
  if (S_ISFIFO(m)) return "is a named pipe (FIFO), not a regular file; save what it gives to a file and read that";
  if (S_ISCHR(m) || S_ISBLK(m)) return "is a device, not a regular file";
  return "is not a regular file (a socket?)";
}

struct frame *csvtab_read(const char *path, const struct csvtab_opts *opts,
                          struct csvtab_error *err) {
  struct csvtab_error dummy;
  if (!err) err = &dummy;
  memset(err, 0, sizeof *err);
  struct src s = {NULL, 0, NULL, 0, NULL, NULL, NULL};
  size_t maxb = opts && opts->max_bytes ? opts->max_bytes : CSVTAB_MAX_BYTES_DEFAULT;
  /* O_NONBLOCK: opening a FIFO with no writer must not hang; it is refused below */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    set_plain(err, "%s: cannot open: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    set_plain(err, "%s: %s", path, not_regular(st.st_mode));
    close(fd);
    return NULL;
  }
  if ((uintmax_t)st.st_size > (uintmax_t)maxb) {
    set_plain(err, "%s: the file is %.0f MB, over the limit on input size of %.0f MB "
              "(raise it with --max-input MB)", path, (double)st.st_size / 1048576.0,
              (double)maxb / 1048576.0);
    close(fd);
    return NULL;
  }
  /* Read, not mapped: a mapping of the file faults (SIGBUS) when another
   * process truncates it; a read just returns less, which is checked.  The
   * memory read into is an anonymous mapping of its own, so the pages the
   * parse has passed can be given back (struct csvtab_file). */
  size_t want = (size_t)st.st_size, n = 0;
  char *b = mmap(NULL, want + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b == MAP_FAILED) {
    close(fd);
    set_plain(err, "%s: out of memory reading the file", path);
    err->nomem = 1;
    return NULL;
  }
  csvtab_hint_huge(b, want + 1);                /* fewer page faults as it is read */
  unsigned threads = csvtab_threads(opts);
  struct csvtab_ranges *rg = threads > 1 ? malloc(sizeof *rg) : NULL;
  ssize_t pr = rg ? csvtab_par_read(fd, b, want, threads, CSVTAB_PAR_MIN_PART, rg) : -2;
  if (pr == -1) {
    set_plain(err, "%s: cannot read: %s", path, strerror(errno));
    munmap(b, want + 1); free(rg); close(fd);
    return NULL;
  }
  if (pr == -2) { free(rg); rg = NULL; }
  if (pr >= 0) n = (size_t)pr;
  else for (;;) {
    ssize_t r = read(fd, b + n, want + 1 - n);   /* one byte more: a file that grew is seen */
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) {
      set_plain(err, "%s: cannot read: %s", path, strerror(errno));
      munmap(b, want + 1); close(fd);
      return NULL;
    }
    if (r == 0 || (n += (size_t)r) > want) break;
  }
  struct stat st2;
  int same = fstat(fd, &st2) == 0 && st2.st_size == st.st_size &&
             st2.st_mtim.tv_sec == st.st_mtim.tv_sec && st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec;
  if (same && n != want) {
    /* size and time unchanged, yet not that many bytes: a file whose content
     * is made as it is read (/proc, /sys), which stat calls regular */
    close(fd);
    set_plain(err, "%s: is not a regular file: it says it holds %zu bytes but reading gave %s%zu, "
              "as kernel files under /proc and /sys do; copy it to a regular file "
              "(cp %s copy.csv) and read the copy", path, want, n > want ? "at least " : "", n, path);
    munmap(b, want + 1); free(rg);
    return NULL;
  }
  if (!same || n != want) {
    close(fd);
    set_plain(err, "%s: the file changed while it was read (%zu bytes expected, %zu read); "
              "read it again when nothing else is writing to it", path, want, n);
    munmap(b, want + 1); free(rg);
    return NULL;
  }
  struct csvtab_file file = {.base = b, .len = n, .fd = fd, .st = st2};
  atomic_init(&file.changed, 0);
  s.map = b; s.maplen = want + 1; s.buf = b; s.len = n; s.rg = rg; s.file = &file;
  struct frame *f = load(&s, path, opts, err, 1, threads, CSVTAB_PAR_MIN_PART, NULL);
  close(fd);                                   /* after the load: pages are read back from it */
  free(rg);
  return f;
}
