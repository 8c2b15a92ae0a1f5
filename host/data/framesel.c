/* host/data/framesel.c -- row selections by chunk bitmap and their gather
 * (framesel.h).
 *
 * The gather runs chunk by chunk on the threads of chunks.h.  A chunk is
 * taken SEL_SUB rows at a time: the set bits of those rows become a short
 * list of offsets (on the stack), and every column then copies its
 * selected values of those rows, so each column's source is read in one
 * short forward sweep while the list is in L1, and only the cache lines
 * holding a selected row are needed.  Output storage is written once, at
 * the chunk's place; nothing is zero-filled first. */
#include "framesel.h"

#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "mem.h"

#define SEL_SUB 4096   /* rows whose offsets are listed at once (64 words) */

int frame_sel_init(struct frame_sel *s, size_t n) {
  memset(s, 0, sizeof *s);
  s->n = n;
  s->nc = chunks_count(n);
  size_t rows = (n + s->nc - 1) / s->nc;   /* the largest chunk */
  s->words = (rows + 63) / 64;
  if (s->words == 0) s->words = 1;
  s->bits = calloc(s->nc * s->words, sizeof *s->bits);
  s->count = calloc(s->nc, sizeof *s->count);
  if (!s->bits || !s->count) { frame_sel_free(s); return -1; }
  return 0;
}

void frame_sel_free(struct frame_sel *s) {
  free(s->bits);
  free(s->count);
  s->bits = NULL;
  s->count = NULL;
}

size_t frame_sel_total(const struct frame_sel *s) {
  size_t m = 0;
  for (size_t c = 0; c < s->nc; c++) m += s->count[c];
  return m;
}

void frame_sel_rows(const struct frame_sel *s, size_t *idx) {
  size_t k = 0;
  for (size_t c = 0; c < s->nc; c++) {
    size_t lo = s->n * c / s->nc;
    const uint64_t *w = s->bits + c * s->words;
    for (size_t q = 0; q < s->words; q++)
      for (uint64_t b = w[q]; b; b &= b - 1) idx[k++] = lo + q * 64 + (size_t)__builtin_ctzll(b);
  }
}

/* ===== the gather ===== */

struct gjob {
  const struct frame *f;
  const struct frame_sel *s;
  struct frame_col **out;   /* f->ncol output columns */
  size_t c, at;             /* the chunk; its first output row */
  unsigned char *anyna;     /* f->ncol flags: a selected row of this chunk is missing */
};

#define GATHER(T, src, dst)                                                   \
  do {                                                                        \
    const T *s_ = (const T *)(src);                                           \
    T *d_ = (T *)(dst);                                                       \
    for (size_t i = 0; i < k; i++) d_[i] = s_[off[i]];                        \
  } while (0)

static int gather_run(void *arg) {
  static const size_t sz[FRAME_NTYPES] = {8, 8, 1, 4, 4};
  struct gjob *g = arg;
  const struct frame_sel *s = g->s;
  const struct frame *f = g->f;
  size_t lo = s->n * g->c / s->nc, hi = s->n * (g->c + 1) / s->nc, at = g->at;
  const uint64_t *w = s->bits + g->c * s->words;
  uint32_t off[SEL_SUB];
  for (size_t r0 = lo; r0 < hi; r0 += SEL_SUB) {
    size_t q0 = (r0 - lo) / 64, q1 = q0 + SEL_SUB / 64, k = 0;
    q1 = q1 < s->words ? q1 : s->words;
    for (size_t q = q0; q < q1; q++)
      for (uint64_t b = w[q]; b; b &= b - 1) off[k++] = (uint32_t)((q - q0) * 64 + (size_t)__builtin_ctzll(b));
    if (k == 0) continue;
    for (size_t j = 0; j < f->ncol; j++) {
      const struct frame_col *c = f->col[j];
      struct frame_col *o = g->out[j];
      size_t w8 = sz[c->type];
      const char *src = (const char *)c->v.raw + r0 * w8;
      char *dst = (char *)o->v.raw + at * w8;
      switch (w8) {
      case 8: GATHER(uint64_t, src, dst); break;
      case 4: GATHER(uint32_t, src, dst); break;
      default: GATHER(uint8_t, src, dst); break;
      }
      if (c->na) {
        const uint8_t *sn = c->na + r0;
        uint8_t *dn = o->na + at, any = 0;
        for (size_t i = 0; i < k; i++) any |= dn[i] = sn[off[i]];
        g->anyna[j] |= any != 0;
      }
    }
    at += k;
  }
  return 0;
}

struct frame *frame_take_sel(const struct frame *f, const struct frame_sel *s) {
  size_t m = frame_sel_total(s), nc = s->nc, ncol = f->ncol;
  struct frame *o = frame_new();
  struct gjob *jobs = calloc(nc, sizeof *jobs);
  struct frame_col **out = calloc(ncol ? ncol : 1, sizeof *out);
  unsigned char *anyna = calloc(nc * (ncol ? ncol : 1), 1);
  int ok = o && jobs && out && anyna;
  if (ok) o->nrow = m;
  for (size_t j = 0; ok && j < ncol; j++) {
    const struct frame_col *c = f->col[j];
    struct frame_col *oc = out[j] = frame_col_new(c->name, c->type, m, c->dict);
    ok = oc && frame_col_resize(oc, m) == 0;   /* values uninitialised: every one is written */
    if (ok) frame_col_set_meta(oc, c->meta);
    if (ok && c->na) ok = (oc->na = mem_alloc_large(m ? m : 1)) != NULL;
  }
  if (ok) {
    size_t at = 0;
    for (size_t c = 0; c < nc; c++) {
      jobs[c] = (struct gjob){f, s, out, c, at, anyna + c * ncol};
      at += s->count[c];
    }
    if (m) chunks_run(gather_run, jobs, sizeof *jobs, nc);
    for (size_t j = 0; j < ncol; j++) {
      struct frame_col *oc = out[j];
      int any = 0;
      for (size_t c = 0; c < nc; c++) any |= anyna[c * ncol + j];
      if (oc->na && !any) { free(oc->na); oc->na = NULL; }   /* nothing selected is missing */
      oc->n = m;
    }
    for (size_t j = 0; ok && j < ncol; j++) {
      ok = frame_add(o, out[j]) == 0;
      if (ok) out[j] = NULL;
    }
  }
  for (size_t j = 0; out && j < ncol; j++) frame_col_free(out[j]);
  free(out);
  free(jobs);
  free(anyna);
  if (!ok) { frame_free(o); return NULL; }
  return o;
}
