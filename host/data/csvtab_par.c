/* host/data/csvtab_par.c -- the CSV loader (host/data/csvtab.c) on several threads.
 *
 * Phases, each on the threads (run_phase), the caller's among them:
 *  1. ranges: the file is cut into equal ranges, read (csvtab_par_read) and
 *     scanned for their first LF and their line ends (a bound on records);
 *  2. parse: the header is read first, on the calling thread; the parts run
 *     from one range's first LF to the next's, and threads take them in
 *     turn, each loading its part with the loader's very code (csvtab_parse:
 *     the fast path, libcsv, every rule of docs/data.md), type inference
 *     starting afresh in each part, into its stretch of the file's columns
 *     (sized by the bound, typed by a guess from the first 64 KiB);
 *  3. text: see below, only when needed;
 *  4. join, a column per task: the types are settled across parts exactly as
 *     one pass settles them (int64 where every part has whole numbers or only
 *     missing values, float64 where the parts have whole numbers and
 *     decimals, ..., text otherwise), values move down over the rows a bound
 *     left empty, and text codes are renumbered by first appearance in the
 *     file.
 *
 * A cut is only a record boundary if it is not inside a quoted field.  That
 * is not guessed: each part must parse to its end with every quote closed
 * (libcsv's strict end-of-input check), which holds exactly when the line end
 * before the next cut ends a record, given that the part starts at one; the
 * header's end is one by the same check.  So the records each part sees are
 * those one pass sees.
 *
 * A column that is text in the file but typed in some part (or that turned
 * text inside a part) gets its typed values' strings from a replay of that
 * part's bytes, on the threads, as one pass replays the file.
 *
 * Everything else is left to the one-pass loader, from the start of the file
 * (CSVTAB_PAR_DECLINE): any error (so its message, line and column are those
 * of one pass), a part ending inside quotes, more rows than the limit, a NUL,
 * a header that is not the first line.  Such files cost one parallel attempt
 * more; ordinary files never take that path. */
#include "csvtab_int.h"
#include "chunks.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

unsigned csvtab_threads(const struct csvtab_opts *o) {
  size_t n = o && o->threads ? o->threads : chunks_threads();
  if (n < 1) n = 1;
  return n > CSVTAB_MAX_THREADS ? CSVTAB_MAX_THREADS : (unsigned)n;
}

struct part {
  struct ctx c;
  size_t from, to;          /* bytes of the body: buf[from, to) */
  size_t bound;             /* at most this many records */
  size_t off;               /* first row of the part's window in the joined columns */
  int ok;
};

/* What the threads share.  A phase is a function of one part or column. */
struct par {
  const struct ctx *head;   /* the header's context */
  struct csvtab_ranges *g;  /* the ranges scanned */
  struct part *p;
  size_t np;
  int fast;
  void **slab;              /* per column: the joined storage, or NULL */
  size_t *slabsz;           /* its element size */
  const int *mode;          /* join: the column's joined mode */
  struct colbuf *out;       /* join: the joined columns */
  size_t rows;
  int (*phase)(struct par *, size_t);
  size_t ntask;
  atomic_size_t next;
  atomic_int failed;        /* a task failed: the rest need not run */
};

/* fn(arg) on the calling thread and on nt - 1 more (at most
 * CSVTAB_MAX_THREADS in all), then wait for them.  The workers take their
 * work from a shared counter, so a thread that cannot be started only leaves
 * its share to the others. */
static void run_on_threads(size_t nt, thrd_start_t fn, void *arg) {
  thrd_t th[CSVTAB_MAX_THREADS];
  int started[CSVTAB_MAX_THREADS] = {0};
  if (nt > CSVTAB_MAX_THREADS) nt = CSVTAB_MAX_THREADS;
  for (size_t t = 1; t < nt; t++) started[t] = thrd_create(&th[t], fn, arg) == thrd_success;
  fn(arg);
  for (size_t t = 1; t < nt; t++)
    if (started[t]) thrd_join(th[t], NULL);
}

static int run_tasks(void *arg) {
  struct par *q = arg;
  for (size_t i; (i = atomic_fetch_add(&q->next, 1)) < q->ntask;) {
    if (atomic_load(&q->failed)) continue;
    if (q->phase(q, i) != 0) atomic_store(&q->failed, 1);
  }
  return 0;
}

/* phase(q, i) for every i < ntask on up to threads threads, the caller's
 * among them; a thread that cannot start leaves its share to the others.
 * 0 when every task succeeded. */
static int run_phase(struct par *q, int (*phase)(struct par *, size_t), size_t ntask,
                     unsigned threads) {
  q->phase = phase;
  q->ntask = ntask;
  atomic_store(&q->next, 0);
  run_on_threads(threads < ntask ? threads : ntask, run_tasks, q);
  return atomic_load(&q->failed) ? -1 : 0;
}

/* ===== phase 1: ranges, and a bound on each part's records =====
 * The file is cut into equal ranges; the parts run from the first LF of one
 * range to the first LF of the next that has one.  libcsv ends a record at a
 * CR or an LF (a CRLF once), so a part holds at most as many records as it
 * has LFs and CRs not before an LF, plus one for a last line with no line
 * end; quoted line breaks and blank lines only make fewer.  Each range is
 * counted on its own, before and after its first LF (a CR at a range's end
 * counts as a line end of its own: at worst one too many). */

/* Line ends (LF, and CR not before an LF inside s[0, len)) in s[0, len). */
static size_t line_ends(const unsigned char *s, size_t len) {
  size_t n = 0, i = 0;
#if defined(__SSE2__)
  /* LFs and CRs counted bytewise in 8-bit lanes, summed every 255 blocks;
   * only a block with a CR looks at which CRs come before an LF. */
  const __m128i vlf = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r'), z = _mm_setzero_si128();
  size_t crlf = 0;
  while (i + 16 < len) {                       /* s[i + 16] exists: the byte after a block */
    __m128i acc = z;
    for (int k = 0; k < 255 && i + 16 < len; k++, i += 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i lf = _mm_cmpeq_epi8(v, vlf), cr = _mm_cmpeq_epi8(v, vcr);
      acc = _mm_sub_epi8(acc, _mm_or_si128(lf, cr));
      unsigned mcr = (unsigned)_mm_movemask_epi8(cr);
      if (mcr) {
        unsigned mlf = (unsigned)_mm_movemask_epi8(lf);
        unsigned lf_next = (mlf >> 1) | (unsigned)(s[i + 16] == '\n') << 15;
        for (unsigned both = mcr & lf_next; both; both &= both - 1) crlf++;
      }
    }
    __m128i sum = _mm_sad_epu8(acc, z);
    n += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(sum, sum));
  }
  n -= crlf;                                   /* a CRLF ends one record, not two */
#endif
  for (; i < len; i++)
    n += s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'));
  return n;
}

size_t csvtab_range_count(size_t len, unsigned threads, size_t min_part) {
  if (threads < 2 || !min_part || len < 2 * min_part) return 0;
  size_t nr = len / min_part, most = (size_t)threads * 4;   /* a slow thread then delays less */
  if (most > CSVTAB_MAX_RANGES) most = CSVTAB_MAX_RANGES;
  return nr < most ? nr : most;
}

void csvtab_ranges_init(struct csvtab_ranges *g, const char *buf, size_t len, size_t nr) {
  g->buf = buf;
  g->len = len;
  g->nr = nr;
  g->step = nr ? len / nr : len;
}

void csvtab_scan_range(struct csvtab_ranges *g, size_t i) {
  size_t a = i * g->step, e = i + 1 == g->nr ? g->len : a + g->step;
  const unsigned char *s = (const unsigned char *)g->buf;
  const unsigned char *lf = memchr(s + a, '\n', e - a);
  struct csvtab_range *r = &g->r[i];
  size_t h = lf ? (size_t)(lf - s) + 1 : e;
  r->lf = lf ? (const char *)lf : NULL;
  r->head = line_ends(s + a, h - a);
  r->tail = line_ends(s + h, e - h);
}

static int phase_scan(struct par *q, size_t i) {
  csvtab_scan_range(q->g, i);
  return 0;
}

/* The parts from the scanned ranges, after the header's LF: n parts into p
 * (room for g->nr).  Returns n. */
static size_t cut_parts(const struct csvtab_ranges *g, const struct ctx *c, size_t body,
                        struct part *p) {
  const char *hlf = c->buf + body - 1, *end = g->buf + g->len;
  size_t r0 = (size_t)(hlf - g->buf) / g->step;
  if (r0 >= g->nr) r0 = g->nr - 1;
  if (g->r[r0].lf != hlf) return 0;            /* not the scan of this buffer */
  size_t n = 0, acc = g->r[r0].tail;
  const char *from = hlf + 1;
  for (size_t r = r0 + 1; r < g->nr; r++) {
    acc += g->r[r].head;
    if (!g->r[r].lf) continue;                 /* a range with no LF: part of a longer part */
    p[n].from = (size_t)(from - c->buf);
    p[n].to = (size_t)(g->r[r].lf + 1 - c->buf);
    p[n++].bound = acc;
    from = g->r[r].lf + 1;
    acc = g->r[r].tail;
  }
  if (from < end) {
    p[n].from = (size_t)(from - c->buf);
    p[n].to = (size_t)(end - c->buf);
    p[n++].bound = acc + (end[-1] != '\n' && end[-1] != '\r');   /* a last line with no end */
  }
  return n;
}

/* ===== phase 2: each part's records into its columns ===== */

static size_t elem_size(int mode) {
  switch (mode) {
  case M_INT: case M_F64: return 8;
  case M_BOOL: return 1;
  case M_DATE: case M_TEXT: return 4;
  default: return 0;
  }
}

/* A part's context: past the header, columns as the header left them, each
 * lent its window of the joined column where there is one. */
static int part_init(struct part *p, const struct ctx *h, void *const *slab, const size_t *slabsz) {
  struct ctx *c = &p->c;
  memset(c, 0, sizeof *c);
  c->label = h->label; c->o = h->o;
  c->maxf = h->maxf; c->maxcols = h->maxcols; c->maxrows = h->maxrows;
  c->buf = h->buf + p->from;
  c->len = p->to - p->from;
  csvtab_drop_init(c, h->file);                /* gives back pages of its own bytes only */
  c->rec = 1;
  c->part = 1;
  c->H = h->H;
  c->name = h->name;        /* borrowed: only error messages use it */
  c->trail_hdr = h->trail_hdr;
  if (!(c->col = calloc(h->H, sizeof *c->col))) return -1;
  for (size_t k = 0; k < h->H; k++) {
    struct colbuf *b = &c->col[k], *hb = &h->col[k];
    b->mode = hb->mode;
    b->forced = hb->forced;
    b->type = hb->type;
    b->last = -1;
    if (b->mode == M_TEXT && csvtab_text_start(b) != 0) return -1;
    if (slab && slab[k]) {
      b->win = (char *)slab[k] + p->off * slabsz[k];
      b->winsz = slabsz[k];
      /* a column typed from the header (an override) starts with storage */
      if (b->mode != M_NONE && elem_size(b->mode) == b->winsz) b->val = b->win;
    }
  }
  /* room for every record the part can hold: the window is never outgrown */
  if (slab) c->cap = p->bound;
  if (slab) {
    for (size_t k = 0; k < h->H; k++) {
      struct colbuf *b = &c->col[k];
      if (b->mode != M_NONE && !b->val) {      /* typed, but no window of its size */
        if (!(b->val = malloc((c->cap ? c->cap : 1) * elem_size(b->mode)))) return -1;
      }
    }
  }
  return 0;
}

static void part_free(struct part *p) {
  if (!p->c.col) return;
  for (size_t k = 0; k < p->c.H; k++) csvtab_col_free(&p->c.col[k]);
  free(p->c.col);
  p->c.col = NULL;
}

static int phase_parse(struct par *q, size_t i) {
  struct part *p = &q->p[i];
  /* more records than the bound would move the join's rows the wrong way */
  p->ok = part_init(p, q->head, q->slab, q->slabsz) == 0 && csvtab_parse(&p->c, q->fast) == 0 &&
          p->c.nrow <= p->bound;
  return p->ok ? 0 : -1;
}

/* ===== phase 3: joining the parts' columns ===== */

/* The mode one pass ends in, from the parts' modes: text as soon as two
 * parts disagree other than whole numbers against decimals. */
static int joined_mode(const struct part *p, size_t np, size_t k) {
  unsigned seen = 0;
  for (size_t i = 0; i < np; i++) seen |= 1u << p[i].c.col[k].mode;
  seen &= ~(1u << M_NONE);
  if (!seen) return M_NONE;
  if (seen == ((1u << M_INT) | (1u << M_F64))) return M_F64;
  for (int m = M_INT; m <= M_TEXT; m++)
    if (seen == 1u << m) return m;
  return M_TEXT;                               /* e.g. whole numbers and dates, or labels */
}

/* A part's columns that are text in the file but typed in the part turn text
 * here, and every column that turned text after typed values (in the part,
 * or here) gets those values' strings from a replay of the part's bytes, as
 * one pass replays the file. */
static int phase_text(struct par *q, size_t i) {
  struct ctx *c = &q->p[i].c;
  for (size_t k = 0; k < c->H; k++) {
    struct colbuf *b = &c->col[k];
    if (q->mode[k] == M_TEXT && b->mode != M_TEXT && b->mode != M_NONE &&
        csvtab_to_text(c, b, c->nrow) != 0)
      return -1;
  }
  if (!c->nlater) return 0;
  return csvtab_restore(c) != 0 || csvtab_replay(c, q->fast) != 0 ? -1 : 0;
}

/* Column k of every part, joined into q->out[k] in mode q->mode[k].  Values
 * already in the column's storage (the part's window) move down only by the
 * rows earlier parts did not fill (blank lines, quoted line breaks); the
 * rest are copied and freed.  0 ok, -1 out of memory. */
static int phase_join(struct par *q, size_t k) {
  struct part *p = q->p;
  size_t np = q->np, n = q->rows, cap = n ? n : 1;
  int m = q->mode[k];
  struct colbuf *out = &q->out[k];
  size_t sz = elem_size(m);
  int anyna = 0;
  for (size_t i = 0; i < np; i++) {
    out->nmiss += p[i].c.col[k].nmiss;
    out->nblank += p[i].c.col[k].nblank;
    if (m != M_TEXT && p[i].c.col[k].na) anyna = 1;
  }
  out->mode = m;
  out->last = -1;
  char *slab = q->slab ? q->slab[k] : NULL;
  int own = slab && q->slabsz[k] == sz;        /* the values go where the windows are */
  if (sz && !(out->val = own ? (void *)slab : malloc(cap * sz))) return -1;
  if (own) q->slab[k] = NULL;                  /* out owns it now */
  if (anyna && !(out->na = malloc(cap))) return -1;
  if (m == M_TEXT) {
    struct colbuf *b0 = &p[0].c.col[k];
    if (b0->mode == M_TEXT) { out->dict = b0->dict; b0->dict = NULL; }
    else if (!(out->dict = frame_dict_new())) return -1;
  }
  int32_t *map = NULL;
  size_t row = 0;
  for (size_t i = 0; i < np; i++) {
    struct colbuf *b = &p[i].c.col[k];
    size_t r = p[i].c.nrow;
    if (anyna) {
      if (b->na) memcpy(out->na + row, b->na, r);
      else memset(out->na + row, 0, r);
    }
    char *dst = sz ? (char *)out->val + row * sz : NULL;
    /* dst <= b->val when b->val is a window: moving forward is safe */
    switch (m) {
    case M_TEXT: {
      int32_t *d = (int32_t *)(void *)dst;
      const int32_t *src = b->val;
      if (b->mode == M_NONE) {                 /* missing only: the reasons */
        for (size_t j = 0; j < r; j++) d[j] = -(int32_t)b->na[j];
      } else if (!b->dict) {                   /* part 0: its codes are the file's */
        if ((void *)d != src) memmove(d, src, r * sizeof *d);
      } else {
        size_t nd = b->dict->n;
        int32_t *nm = realloc(map, (nd ? nd : 1) * sizeof *nm);
        if (!nm) { free(map); return -1; }
        map = nm;
        /* the part's codes follow first appearance in the part, so interning
         * them in code order gives first appearance in the file */
        for (size_t v = 0; v < nd; v++)
          if ((map[v] = frame_dict_intern(out->dict, b->dict->str[v], b->dict->len[v])) < 0) {
            free(map);
            return -1;
          }
        for (size_t j = 0; j < r; j++) d[j] = src[j] >= 0 ? map[src[j]] : src[j];
      }
      break;
    }
    case M_F64: {
      double *d = (double *)(void *)dst;
      if (b->mode == M_F64) {
        if ((void *)d != b->val) memmove(d, b->val, r * sizeof *d);
      } else if (b->mode == M_INT) {           /* as int_to_f64 in csvtab_col.c */
        const int64_t *src = b->val;
        for (size_t j = 0; j < r; j++) {
          int64_t x = src[j];
          d[j] = b->na && b->na[j] ? NAN : (double)x;
        }
        for (size_t z = 0; z < b->nnegz; z++) d[b->negz[z]] = -0.0;
      } else {
        for (size_t j = 0; j < r; j++) d[j] = NAN;
      }
      break;
    }
    case M_NONE:
      break;
    default:                                   /* int64, bool, date: copied, or 0 when missing */
      if (b->mode == m) {
        if ((void *)dst != b->val) memmove(dst, b->val, r * sz);
      } else {
        memset(dst, 0, r * sz);
      }
      break;
    }
    if (b->val != b->win) free(b->val);
    b->val = NULL;
    free(b->na);
    b->na = NULL;
    row += r;
  }
  free(map);
  if (own && q->p[np - 1].off + q->p[np - 1].bound > cap) {   /* give back rows not filled */
    void *v = realloc(out->val, cap * sz);
    if (v) out->val = v;
  }
  return 0;
}

/* ===== reading the file on the threads =====
 * Copying a large file out of the page cache, and the page faults of the
 * buffer it goes into, are a fair share of a load: each thread reads a range
 * and scans it for line ends while its bytes are fresh (phase 1). */

struct rd {
  int fd;
  struct csvtab_ranges *g;
  size_t got[CSVTAB_MAX_RANGES];
  int errs[CSVTAB_MAX_RANGES];
  atomic_size_t next;
};

static int read_ranges(void *arg) {
  struct rd *r = arg;
  struct csvtab_ranges *g = r->g;
  for (size_t i; (i = atomic_fetch_add(&r->next, 1)) < g->nr;) {
    size_t a = i * g->step, e = i + 1 == g->nr ? g->len : a + g->step, n = 0;
    while (a + n < e) {
      ssize_t k = pread(r->fd, (char *)g->buf + a + n, e - a - n, (off_t)(a + n));
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) { r->errs[i] = errno; break; }
      if (k == 0) break;                       /* shorter than it was: the caller sees it */
      n += (size_t)k;
    }
    r->got[i] = n;
    if (n == e - a) csvtab_scan_range(g, i);
  }
  return 0;
}

ssize_t csvtab_par_read(int fd, char *buf, size_t want, unsigned threads, size_t min_part,
                        struct csvtab_ranges *g) {
  size_t nr = csvtab_range_count(want, threads, min_part);
  if (nr < 2) return -2;
  struct rd *r = calloc(1, sizeof *r);
  if (!r) return -2;
  r->fd = fd;
  r->g = g;
  csvtab_ranges_init(g, buf, want, nr);
  atomic_init(&r->next, 0);
  run_on_threads(threads < nr ? threads : nr, read_ranges, r);
  size_t n = 0;
  for (size_t i = 0; i < nr; i++) {
    if (r->errs[i]) { errno = r->errs[i]; free(r); return -1; }
    n += r->got[i];
  }
  free(r);
  if (n == want) {                             /* one byte more: a file that grew is seen */
    ssize_t k;
    do k = pread(fd, buf + want, 1, (off_t)want); while (k < 0 && errno == EINTR);
    if (k < 0) return -1;
    n += (size_t)k;
  }
  return (ssize_t)n;
}

/* ===== the driver ===== */

int csvtab_par_load(struct ctx *c, int fast, unsigned threads, size_t min_part,
                    struct csvtab_ranges *g, size_t *parts) {
  /* the header: its first line, when that line ends it (checked: c->rec) */
  const char *nl = memchr(c->buf, '\n', c->len);
  if (!nl) return CSVTAB_PAR_DECLINE;
  size_t body = (size_t)(nl - c->buf) + 1, full = c->len, H;
  c->len = body;
  int hdr = csvtab_parse(c, fast);
  c->len = full;
  if (hdr != 0 || c->rec != 1 || (H = c->H) == 0) return CSVTAB_PAR_DECLINE;

  int rc = CSVTAB_PAR_DECLINE;
  struct par q = {.head = c, .fast = fast};
  atomic_init(&q.next, 0);
  atomic_init(&q.failed, 0);
  int *mode = NULL;
  struct part *p = NULL, pre;
  memset(&pre, 0, sizeof pre);
  struct csvtab_ranges *own = NULL;
  if (!g) {                                    /* not scanned while read: scan now */
    size_t nr = csvtab_range_count(c->len, threads, min_part);
    if (nr < 2 || !(own = malloc(sizeof *own))) goto done;
    csvtab_ranges_init(own, c->buf, c->len, nr);
    q.g = own;
    if (run_phase(&q, phase_scan, nr, threads) != 0) goto done;
    g = own;
  }
  if (g->nr < 2 || !(p = calloc(g->nr, sizeof *p))) goto done;
  size_t n = cut_parts(g, c, body, p);
  q.p = p;
  q.np = n;
  if (n < 2) goto done;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    p[i].off = total;
    total += p[i].bound;
  }
  if (total > c->maxrows + n) goto done;       /* surely over the limit: one pass says where */

  /* The columns' likely types, from the first lines: each gets storage for
   * every row in that type, and the parts write their values straight into
   * it (their windows).  A wrong guess only costs a copy in the join. */
  pre.from = body;
  pre.to = p[0].to;
  if (pre.to - pre.from > ((size_t)64 << 10)) {
      const char *e = memchr(c->buf + body + ((size_t)64 << 10), '\n',
                           pre.to - body - ((size_t)64 << 10));
    if (e) pre.to = (size_t)(e - c->buf) + 1;
  }
  q.slab = calloc(H, sizeof *q.slab);
  q.slabsz = calloc(H, sizeof *q.slabsz);
  if (!q.slab || !q.slabsz) goto done;
  int guessed = part_init(&pre, c, NULL, NULL) == 0;
  pre.c.file = NULL;                           /* part 0 reads these bytes again */
  guessed = guessed && csvtab_parse(&pre.c, fast) == 0;
  for (size_t k = 0; k < H; k++) {
    int m = guessed ? pre.c.col[k].mode : c->col[k].mode;
    size_t sz = elem_size(m);
    if (!sz || !total) continue;
    if (!(q.slab[k] = malloc(total * sz))) goto done;
    q.slabsz[k] = sz;
    csvtab_hint_huge(q.slab[k], total * sz);
  }
  part_free(&pre);

  if (run_phase(&q, phase_parse, n, threads) != 0) goto done;
  size_t rows = 0;
  for (size_t i = 0; i < n; i++) rows += p[i].c.nrow;
  if (rows > c->maxrows) goto done;            /* one pass reports where */
  if (!(mode = malloc(H * sizeof *mode)) || !(q.out = calloc(H, sizeof *q.out))) goto done;
  int replay = 0;
  for (size_t k = 0; k < H; k++) {
    mode[k] = joined_mode(p, n, k);
    for (size_t i = 0; i < n; i++) {
      int pm = p[i].c.col[k].mode;
      replay |= mode[k] == M_TEXT && pm != M_TEXT && pm != M_NONE;
    }
  }
  for (size_t i = 0; i < n; i++) replay |= p[i].c.nlater > 0;
  q.mode = mode;
  if (replay && run_phase(&q, phase_text, n, threads) != 0) goto done;
  for (size_t k = 0; k < H; k++) {
    q.out[k].forced = c->col[k].forced;
    q.out[k].type = c->col[k].type;
  }
  q.rows = rows;
  if (run_phase(&q, phase_join, H, threads) != 0) goto done;
  for (size_t k = 0; k < H; k++) {
    csvtab_col_free(&c->col[k]);
    c->col[k] = q.out[k];
  }
  free(q.out);
  q.out = NULL;
  c->nrow = rows;
  c->cap = rows ? rows : 1;
  c->rec = 1 + rows;
  rc = CSVTAB_PAR_DONE;
  if (parts) *parts = n;
done:
  if (rc == CSVTAB_PAR_DECLINE) {              /* one pass reads it all again */
    csvtab_restore(c);
    for (size_t i = 0; p && i < q.np; i++) csvtab_restore(&p[i].c);
  }
  part_free(&pre);
  if (q.out)
    for (size_t k = 0; k < H; k++) csvtab_col_free(&q.out[k]);
  free(q.out);
  free(mode);
  for (size_t i = 0; p && i < q.np; i++) part_free(&p[i]);
  free(p);
  if (q.slab)
    for (size_t k = 0; k < H; k++) free(q.slab[k]);
  free(q.slab);
  free(q.slabsz);
  free(own);
  return rc;
}
