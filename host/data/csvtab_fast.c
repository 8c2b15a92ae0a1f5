/* host/data/csvtab_fast.c -- the record driver for host/data/csvtab.c: libcsv, with a
 * fast path beside it for plain records (no quote, no stray CR).  Why the
 * two give the same fields: host/data/csvtab_int.h.  The libcsv behaviour copied
 * here (libcsv 3.0.3, CSV_STRICT, no CSV_REPALL_NL / CSV_EMPTY_IS_NULL):
 *   - an unquoted field loses its leading and trailing "space" bytes (space
 *     and tab; only space when tab is the delimiter, and never the delimiter);
 *   - CR and LF both end a record, so CRLF ends one record and the LF after
 *     it is skipped like any line break at the start of a record;
 *   - a line of nothing but space bytes is no record at all;
 *   - between records the parser is in its initial state with an empty entry
 *     buffer, which is when the fast path may take over. */
#include "csvtab_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* libcsv is fed at most this much at a time, and a field still open at one of
 * these boundaries (counted from the start of the input) is checked against
 * max_field, so a runaway quote stops early, at the same place as always. */
#define CHUNK ((size_t)256 << 10)

enum { C_DELIM = 1, C_LIBCSV = 2, C_SPACE = 4 };
#define SPLIT_LIBCSV ((size_t)-1)
#define SPLIT_ENOMEM ((size_t)-2)

/* Plain records are handed over in batches (so the loader can convert them
 * column by column): up to BATCH_RECS records or about BATCH_FIELDS fields. */
#define BATCH_RECS 256
#define BATCH_FIELDS 4096

struct splitter {
  unsigned char cls[256];   /* C_* per byte value */
  unsigned char delim;
  unsigned char space1, space2;   /* the bytes trimmed; '\n' (never in a line) for none */
  struct csvtab_span *f;    /* the batch's fields, record after record */
  size_t cap;
  size_t maxcols;           /* a longer line is left to libcsv (the loader stops it) */
  size_t cnt[BATCH_RECS];   /* fields per record of the batch */
};

static int space_only(unsigned char ch) { return ch == ' '; }

void csvtab_parser_init(struct csv_parser *p, unsigned char delim) {
  csv_init(p, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim(p, delim);
  if (delim == '\t') csv_set_space_func(p, space_only);   /* tabs separate, not pad */
  csv_set_blk_size(p, 4096);
}

static void splitter_init(struct splitter *sp, unsigned char delim) {
  memset(sp->cls, 0, sizeof sp->cls);
  sp->cls[' '] = C_SPACE;
  if (delim != '\t') sp->cls['\t'] = C_SPACE;
  sp->cls['"'] = C_LIBCSV;
  sp->cls['\r'] = C_LIBCSV;
  sp->cls[0] = C_LIBCSV;     /* a NUL ends the input: the driver finds where */
  sp->cls[delim] = C_DELIM;  /* after the spaces: a space delimiter is not trimmed */
  sp->delim = delim;
  sp->space1 = delim == ' ' ? '\n' : ' ';
  sp->space2 = delim == '\t' ? '\n' : '\t';
  sp->f = NULL;
  sp->cap = 0;
}

/* Room for at least need spans.  0 ok, -1 out of memory. */
static int room_spans(struct splitter *sp, size_t need) {
  if (need <= sp->cap) return 0;
  size_t nc = sp->cap ? sp->cap * 2 : 1024;
  while (nc < need) nc *= 2;
  struct csvtab_span *nf = realloc(sp->f, nc * sizeof *nf);
  if (!nf) return -1;
  sp->f = nf; sp->cap = nc;
  return 0;
}

/* Trim the fields f[0, n) of a line that has space bytes, and recognise a
 * blank line: no delimiter and nothing but spaces means libcsv starts no
 * record. */
static size_t trim_fields(const struct splitter *sp, struct csvtab_span *f, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const unsigned char *a = (const unsigned char *)f[k].s, *b = a + f[k].len;
    while (a < b && (sp->cls[*a] & C_SPACE)) a++;
    while (b > a && (sp->cls[b[-1]] & C_SPACE)) b--;
    f[k].s = (const char *)a;
    f[k].len = (size_t)(b - a);
  }
  return n == 1 && f[0].len == 0 ? 0 : n;
}

/* The portable splitter: find the line end with memchr, then walk its bytes.
 * Splits the line at s (the input ends at e) into fields, stored from
 * sp->f[base] on, and sets *eol to the offset of its LF.  Returns the field
 * count, 0 for a line libcsv skips as blank, SPLIT_LIBCSV (a quote, a CR not
 * before the LF, a NUL, no LF) or SPLIT_ENOMEM. */
static size_t split_scalar(struct splitter *sp, size_t base, const unsigned char *s,
                           const unsigned char *e, size_t *eol) {
  const unsigned char *nl = memchr(s, '\n', (size_t)(e - s));
  if (!nl) return SPLIT_LIBCSV;
  size_t len = (size_t)(nl - s);
  *eol = len;
  if (len && s[len - 1] == '\r') len--;          /* CRLF: libcsv ends the record at the CR */
  const unsigned char *cls = sp->cls;
  size_t n = 0, a = 0;
  unsigned any = 0;
  for (size_t i = 0;; i++) {
    unsigned k = i < len ? cls[s[i]] : C_DELIM;   /* the line end closes the last field */
    any |= k;
    if (!(k & (C_DELIM | C_LIBCSV))) continue;
    if (k & C_LIBCSV) return SPLIT_LIBCSV;
    if (n >= sp->maxcols) return SPLIT_LIBCSV;
    if (room_spans(sp, base + n + 1) != 0) return SPLIT_ENOMEM;
    sp->f[base + n].s = (const char *)s + a;
    sp->f[base + n].len = i - a;
    n++;
    if (i >= len) break;
    a = i + 1;
  }
  if (any & C_SPACE) return trim_fields(sp, sp->f + base, n);
  return n == 1 && sp->f[base].len == 0 ? 0 : n;
}

#if defined(__SSE2__)
/* The same with SSE2, 16 bytes a step: masks of the LF, delimiter, quote,
 * NUL, CR and space bytes come out of one pass, and fields are cut at the
 * set bits of the delimiter mask, so the cost goes by fields, not bytes.
 * Loads stay inside [s, e): the last partial block is copied out first. */
static size_t split_sse2(struct splitter *sp, size_t base, const unsigned char *s,
                         const unsigned char *e, size_t *eol) {
  const __m128i vnl = _mm_set1_epi8('\n'), vd = _mm_set1_epi8((char)sp->delim),
                vq = _mm_set1_epi8('"'), vcr = _mm_set1_epi8('\r'), vz = _mm_setzero_si128(),
                vs1 = _mm_set1_epi8((char)sp->space1), vs2 = _mm_set1_epi8((char)sp->space2),
                vlo = _mm_set1_epi8('"');
  size_t n = 0, a = 0;
  unsigned any = 0;
  for (size_t i = 0;; i += 16) {
    const unsigned char *p = s + i;
    __m128i v;
    unsigned lim = 0xFFFF;
    if (e - p >= 16) {
      v = _mm_loadu_si128((const __m128i *)(const void *)p);
    } else {
      if (p >= e) return SPLIT_LIBCSV;           /* no LF: the last line goes to libcsv */
      unsigned char tmp[16] = {0};
      memcpy(tmp, p, (size_t)(e - p));
      v = _mm_loadu_si128((const __m128i *)(const void *)tmp);
      lim = (1u << (e - p)) - 1;
    }
    unsigned mnl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vnl)) & lim;
    if (mnl) lim = (mnl & -mnl) - 1;             /* bytes before the LF */
    unsigned md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd)) & lim;
    /* Quote, NUL, CR, space and tab are all bytes <= '"': one unsigned
     * compare clears most blocks, and only a block with such a byte (other
     * than the delimiter) tells them apart. */
    unsigned mlo = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, vlo), v)) & lim & ~md;
    if (mlo) {
      unsigned mq = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vq),
                                                             _mm_cmpeq_epi8(v, vz))) & lim;
      unsigned mcr = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vcr)) & lim;
      any |= (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vs1),
                                                      _mm_cmpeq_epi8(v, vs2))) & lim;
      if (mq) return SPLIT_LIBCSV;              /* a quote (or a NUL) */
      if (mcr) {                                 /* only the CR of a CRLF may stay */
        unsigned q = (unsigned)__builtin_ctz(mcr);
        if (p + q + 1 >= e || p[q + 1] != '\n') return SPLIT_LIBCSV;
      }
    }
    if (n > sp->maxcols) return SPLIT_LIBCSV;
    /* at most 16 fields end in this block: one capacity check for all */
    if (room_spans(sp, base + n + 17) != 0) return SPLIT_ENOMEM;
    struct csvtab_span *f = sp->f + base;
    while (md) {
      size_t k = i + (unsigned)__builtin_ctz(md);
      md &= md - 1;
      f[n].s = (const char *)s + a;
      f[n].len = k - a;
      n++;
      a = k + 1;
    }
    if (mnl) {
      size_t end = i + (unsigned)__builtin_ctz(mnl);
      *eol = end;
      if (end > a && s[end - 1] == '\r') end--;  /* CRLF: libcsv ends the record at the CR */
      f[n].s = (const char *)s + a;
      f[n].len = end - a;
      n++;
      if (any) return trim_fields(sp, f, n);
      return n == 1 && f[0].len == 0 ? 0 : n;
    }
  }
}
#endif

/* Hand the batch over.  0 to go on, -1 when the callback asked to stop. */
static int flush(struct csvtab_drv *d, struct splitter *sp, size_t nrec, size_t at) {
  if (!nrec) return 0;
  d->pos = at;
  return d->records(d->u, sp->f, sp->cnt, nrec) != 0 || *d->halt ? -1 : 0;
}

/* Plain records from pos on, while there are any, in batches.  Returns where
 * it stopped: at a line for libcsv, at a last line without LF, after the
 * batch whose callback asked to stop (*rc = HALT), or where memory ran out. */
static size_t fast_records(struct csvtab_drv *d, struct splitter *sp, size_t pos, size_t stop,
                           int *rc) {
  const unsigned char *buf = (const unsigned char *)d->buf, *e = buf + stop;
#if defined(__SSE2__)
  size_t (*split)(struct splitter *, size_t, const unsigned char *, const unsigned char *,
                  size_t *) = d->fast == CSVTAB_FAST_PORTABLE ? split_scalar : split_sse2;
#else
  size_t (*split)(struct splitter *, size_t, const unsigned char *, const unsigned char *,
                  size_t *) = split_scalar;
#endif
  size_t nf = 0, nrec = 0, at = pos;
  while (pos < stop) {
    size_t eol = 0, n = split(sp, nf, buf + pos, e, &eol);
    if (n == SPLIT_LIBCSV) break;
    if (n == SPLIT_ENOMEM) { *rc = CSVTAB_DRV_ENOMEM; return pos; }
    if (n) { sp->cnt[nrec++] = n; nf += n; }
    pos += eol + 1;
    if (nrec == BATCH_RECS || nf >= BATCH_FIELDS) {
      if (flush(d, sp, nrec, at) != 0) { *rc = CSVTAB_DRV_HALT; return pos; }
      nf = nrec = 0;
      at = pos;
    }
  }
  if (flush(d, sp, nrec, at) != 0) *rc = CSVTAB_DRV_HALT;
  return pos;
}

int csvtab_drive(struct csvtab_drv *d) {
  struct csv_parser p;
  struct splitter sp;
  csvtab_parser_init(&p, d->delim);
  splitter_init(&sp, d->delim);
  sp.maxcols = d->maxcols ? d->maxcols : (size_t)-1;
  const int boundary = p.pstate;                /* libcsv's state between records */
  size_t pos = 0, stop = d->stop;
  int rc = CSVTAB_DRV_OK;
  d->nul = (size_t)-1;
  d->clean = 0;
  while (pos < stop) {
    if (d->fast && p.pstate == boundary && p.entry_pos == 0 && !p.quoted) {
      pos = fast_records(d, &sp, pos, stop, &rc);
      d->clean = pos;                          /* the lines it took had no NUL */
      if (rc != CSVTAB_DRV_OK || pos >= stop) break;
    }
    /* libcsv takes one line at a time (through its LF), so the fast path can
     * resume at the first record boundary; no call crosses a CHUNK boundary */
    size_t lim = (pos / CHUNK + 1) * CHUNK;
    if (lim > stop) lim = stop;
    const char *nl = memchr(d->buf + pos, '\n', lim - pos);
    size_t end = nl ? (size_t)(nl - d->buf) + 1 : lim;
    const char *z = memchr(d->buf + pos, '\0', end - pos);
    if (z) d->nul = stop = end = (size_t)(z - d->buf);   /* the input ends at the first NUL */
    if (end > pos) {
      d->pos = pos;
      size_t r = csv_parse(&p, d->buf + pos, end - pos, d->field, d->row, d->u);
      d->clean = end;
      if (*d->halt) { rc = CSVTAB_DRV_HALT; break; }
      if (r != end - pos) {
        d->at = pos + r;
        rc = csv_error(&p) == CSV_EPARSE ? CSVTAB_DRV_EPARSE : CSVTAB_DRV_ENOMEM;
        break;
      }
    }
    pos = end;
    if ((pos % CHUNK == 0 || pos == stop) && p.entry_pos > d->maxf) {
      d->at = pos;
      rc = CSVTAB_DRV_RUNAWAY;
      break;
    }
  }
  if (rc == CSVTAB_DRV_OK && d->nul == (size_t)-1) {
    d->pos = pos;
    if (csv_fini(&p, d->field, d->row, d->u) != 0) rc = CSVTAB_DRV_UNCLOSED;
    else if (*d->halt) rc = CSVTAB_DRV_HALT;
  }
  csv_free(&p);
  free(sp.f);
  return rc;
}
