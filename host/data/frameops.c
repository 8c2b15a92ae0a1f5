/* host/data/frameops.c -- select, rename, sort, and the helpers every frameops
 * file shares: error messages with suggestions, copying values between
 * columns, comparing and hashing key values, a stable merge sort and a hash
 * table of key combinations.  Pure C, no Lua, no global state. */
#include "frameops_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"

/* ===== errors ===== */

static void vfmt(char *err, size_t errlen, const char *fmt, va_list ap) {
  if (err && errlen) vsnprintf(err, errlen, fmt, ap);
}

int fo_err(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfmt(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

void *fo_nerr(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfmt(err, errlen, fmt, ap);
  va_end(ap);
  return NULL;
}

void *fo_oom(char *err, size_t errlen, const char *op) {
  return fo_nerr(err, errlen, "%s: not enough memory", op);
}

int fo_col(const struct frame *f, const char *name, const char *op, const char *where,
           char *err, size_t errlen) {
  if (!name) return fo_err(err, errlen, "%s: a column name is missing (NULL)", op);
  int j = frame_find(f, name);
  if (j >= 0) return j;
  const char *s = frame_suggest(f, name);
  return fo_err(err, errlen, "%s: no column \"%s\"%s%s%s%s%s%s", op, name,
                where ? " in the " : "", where ? where : "", where ? " frame" : "",
                s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
}

int fo_distinct_names(const char *const *names, size_t n, const char *op, const char *what,
                      char *err, size_t errlen) {
  for (size_t a = 0; a < n; a++) {
    if (!names[a]) return fo_err(err, errlen, "%s: %s name %zu is missing (NULL)", op, what, a + 1);
    for (size_t b = 0; b < a; b++)
      if (strcmp(names[a], names[b]) == 0)
        return fo_err(err, errlen, "%s: %s \"%s\" given twice", op, what, names[a]);
  }
  return 0;
}

int fo_mul(size_t a, size_t b, size_t *out) {
  if (a && b > SIZE_MAX / a) return -1;
  *out = a * b;
  return 0;
}

/* ===== values ===== */

int fo_missing(const struct frame_col *c, size_t i) {
  if (c->na && c->na[i] != NA_NONE) return 1;
  return c->type == FRAME_F64 && isnan(c->v.f64[i]);
}

enum frame_na fo_reason(const struct frame_col *c, size_t i) {
  if (c->na && c->na[i] != NA_NONE) return (enum frame_na)c->na[i];
  return NA_CALC;
}

struct frame_col *fo_col_alloc(const char *name, enum frame_type t, size_t n,
                               struct frame_dict *dict) {
  struct frame_col *c = frame_col_new(name, t, n, dict);
  if (!c) return NULL;
  if (frame_col_resize(c, n) != 0) { frame_col_free(c); return NULL; }
  return c;
}

int fo_set_missing(struct frame_col *c, size_t i, enum frame_na why) {
  switch (c->type) {
  case FRAME_F64: c->v.f64[i] = NAN; break;
  case FRAME_I64: c->v.i64[i] = 0; break;
  case FRAME_BOOL: c->v.b[i] = 0; break;
  default: c->v.cat[i] = 0; break;   /* date and text share int32 storage */
  }
  return frame_col_set_na(c, i, why == NA_NONE ? NA_CALC : why);
}

int fo_copy_value(struct frame_col *dst, size_t di, const struct frame_col *src, size_t si) {
  if (fo_missing(src, si)) return fo_set_missing(dst, di, fo_reason(src, si));
  switch (dst->type) {
  case FRAME_F64: dst->v.f64[di] = frame_col_getd(src, si); break;
  case FRAME_I64: dst->v.i64[di] = src->type == FRAME_BOOL ? src->v.b[si] : src->v.i64[si]; break;
  case FRAME_BOOL: dst->v.b[di] = src->v.b[si]; break;
  case FRAME_DATE: dst->v.date[di] = src->v.date[si]; break;
  case FRAME_CAT:
    if (src->dict == dst->dict) {
      dst->v.cat[di] = src->v.cat[si];
    } else {
      int32_t code = src->v.cat[si];
      int32_t nc = frame_dict_intern(dst->dict, src->dict->str[code], src->dict->len[code]);
      if (nc < 0) return -1;
      dst->v.cat[di] = nc;
    }
    break;
  default: return -1;
  }
  if (dst->na) dst->na[di] = NA_NONE;
  return 0;
}

struct frame_col *fo_take(const struct frame_col *c, const size_t *idx, size_t m,
                          const char *name, enum frame_na why) {
  size_t i = 0;
  while (i < m && idx[i] != FO_NONE) i++;
  if (i == m) return frame_col_take(c, idx, m, name);
  /* a typed gather; rows with no source are missing with reason why (NaN or 0
   * as their value), the others keep their source's value and reason */
  struct frame_col *o = fo_col_alloc(name ? name : c->name, c->type, m, c->dict);
  if (!o || !(o->na = calloc(o->cap ? o->cap : 1, 1))) { frame_col_free(o); return NULL; }
  uint8_t r = (uint8_t)(why == NA_NONE ? NA_CALC : why);
  const uint8_t *sna = c->na;
  for (i = 0; i < m; i++) o->na[i] = idx[i] == FO_NONE ? r : sna ? sna[idx[i]] : NA_NONE;
#define GATHER(T, V, NONE)                                                               \
  for (i = 0; i < m; i++) o->V[i] = idx[i] == FO_NONE ? (T)(NONE) : c->V[idx[i]];
  switch (c->type) {
  case FRAME_F64: GATHER(double, v.f64, NAN) break;
  case FRAME_I64: GATHER(int64_t, v.i64, 0) break;
  case FRAME_BOOL: GATHER(uint8_t, v.b, 0) break;
  default: GATHER(int32_t, v.cat, 0) break;   /* date and text share int32 storage */
  }
#undef GATHER
  return o;
}

void fo_format_value(const struct frame_col *c, size_t i, char *buf, size_t len) {
  if (!len) return;
  if (fo_missing(c, i)) { snprintf(buf, len, "NA"); return; }
  switch (c->type) {
  case FRAME_F64: snprintf(buf, len, "%.15g", c->v.f64[i]); break;
  case FRAME_I64: snprintf(buf, len, "%" PRId64, c->v.i64[i]); break;
  case FRAME_BOOL: snprintf(buf, len, "%s", c->v.b[i] ? "true" : "false"); break;
  case FRAME_DATE: {
    char d[16];
    frame_date_format(c->v.date[i], d);
    snprintf(buf, len, "%s", d);
    break;
  }
  case FRAME_CAT: snprintf(buf, len, "\"%s\"", c->dict->str[c->v.cat[i]]); break;
  default: snprintf(buf, len, "?");
  }
}

static int all_missing(const struct frame_col *c) {
  for (size_t i = 0; i < c->n; i++)
    if (!fo_missing(c, i)) return 0;
  return 1;
}

int fo_common_type(const struct frame_col *const *cols, size_t n, enum frame_type *out,
                   struct frame_dict **dict, size_t *bad_a, size_t *bad_b) {
  size_t first = FO_NONE, any = FO_NONE;
  enum frame_type t = FRAME_F64;
  int shared = 1;
  for (size_t k = 0; k < n; k++) {
    if (!cols[k]) continue;
    if (any == FO_NONE) any = k;
    if (all_missing(cols[k])) continue;
    enum frame_type u = cols[k]->type;
    if (first == FO_NONE) { first = k; t = u; continue; }
    if (u == t) {
      if (u == FRAME_CAT && cols[k]->dict != cols[first]->dict) shared = 0;
    } else if ((u == FRAME_I64 && t == FRAME_F64) || (u == FRAME_F64 && t == FRAME_I64)) {
      t = FRAME_F64;
    } else {
      *bad_a = first; *bad_b = k;
      return -1;
    }
  }
  if (first == FO_NONE) {          /* nothing but missing values: keep the first type */
    first = any;
    if (any != FO_NONE) t = cols[any]->type;
  }
  *out = t;
  *dict = (t == FRAME_CAT && shared && first != FO_NONE) ? cols[first]->dict : NULL;
  return 0;
}

/* ===== a stable merge sort with a context ===== */

typedef int (*fo_cmpfn)(const void *ctx, size_t a, size_t b);

/* Insertion sort on runs of 16, then bottom-up merges; stable because the
 * left element wins every tie. */
static int msort(size_t *a, size_t n, fo_cmpfn cmp, const void *ctx) {
  enum { RUN = 16 };
  if (n < 2) return 0;
  for (size_t lo = 0; lo < n; lo += RUN) {
    size_t hi = lo + RUN < n ? lo + RUN : n;
    for (size_t i = lo + 1; i < hi; i++) {
      size_t x = a[i], j = i;
      while (j > lo && cmp(ctx, a[j - 1], x) > 0) { a[j] = a[j - 1]; j--; }
      a[j] = x;
    }
  }
  if (n <= RUN) return 0;
  size_t *tmp = malloc(n * sizeof *tmp);
  if (!tmp) return -1;
  size_t *src = a, *dst = tmp;
  /* n * sizeof(size_t) bytes exist, so 2 * w and lo + 2 * w cannot overflow */
  for (size_t w = RUN; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = w < n - lo ? lo + w : n, hi = 2 * w < n - lo ? lo + 2 * w : n;
      size_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi) dst[o++] = cmp(ctx, src[i], src[j]) <= 0 ? src[i++] : src[j++];
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    size_t *t = src; src = dst; dst = t;
  }
  if (src != a) memcpy(a, src, n * sizeof *a);
  free(tmp);
  return 0;
}

/* ===== keys ===== */

/* FNV-1a over the bytes, then a splitmix64 finaliser for the low bits. */
static uint64_t mix64(uint64_t x) {
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27; x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

static uint64_t hash_bytes(const char *s, size_t len) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < len; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ull; }
  return mix64(h);
}

static int cmp_dict_codes(const void *ctx, size_t a, size_t b) {
  const struct frame_dict *d = ctx;
  size_t la = d->len[a], lb = d->len[b];
  int r = memcmp(d->str[a], d->str[b], la < lb ? la : lb);
  if (r) return r;
  return (la > lb) - (la < lb);
}

int fo_key_init(struct fo_key *k, const struct frame_col *c, int desc) {
  memset(k, 0, sizeof *k);
  k->c = c;
  k->desc = desc;
  if (c->type != FRAME_CAT) return 0;
  const struct frame_dict *d = c->dict;
  size_t nd = d->n ? d->n : 1;
  size_t *order = malloc(nd * sizeof *order);
  k->rank = malloc(nd * sizeof *k->rank);
  k->chash = malloc(nd * sizeof *k->chash);
  if (!order || !k->rank || !k->chash) goto fail;
  for (size_t i = 0; i < d->n; i++) {
    order[i] = i;
    k->chash[i] = hash_bytes(d->str[i], d->len[i]);
  }
  if (msort(order, d->n, cmp_dict_codes, d) != 0) goto fail;
  for (size_t r = 0; r < d->n; r++) k->rank[order[r]] = (int32_t)r;
  free(order);
  return 0;
fail:
  free(order);
  fo_key_free(k);
  return -1;
}

void fo_key_free(struct fo_key *k) { MEM_RELEASE(k, k->rank, k->chash); }

static int cmp_val(const struct fo_key *k, size_t a, size_t b) {
  const struct frame_col *c = k->c;
  int ma = fo_missing(c, a), mb = fo_missing(c, b);
  if (ma || mb) return ma - mb;          /* missing last in either direction */
  int r;
  switch (c->type) {
  case FRAME_F64: r = (c->v.f64[a] > c->v.f64[b]) - (c->v.f64[a] < c->v.f64[b]); break;
  case FRAME_I64: r = (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]); break;
  case FRAME_BOOL: r = (c->v.b[a] > c->v.b[b]) - (c->v.b[a] < c->v.b[b]); break;
  case FRAME_DATE: r = (c->v.date[a] > c->v.date[b]) - (c->v.date[a] < c->v.date[b]); break;
  case FRAME_CAT: {
    int32_t x = k->rank[c->v.cat[a]], y = k->rank[c->v.cat[b]];
    r = (x > y) - (x < y);
    break;
  }
  default: r = 0;
  }
  return k->desc ? -r : r;
}

int fo_cmp_rows(const struct fo_key *k, size_t nk, size_t a, size_t b) {
  for (size_t j = 0; j < nk; j++) {
    int r = cmp_val(&k[j], a, b);
    if (r) return r;
  }
  return 0;
}

struct rows_ctx { const struct fo_key *k; size_t nk; };

static int cmp_rows_ctx(const void *ctx, size_t a, size_t b) {
  const struct rows_ctx *r = ctx;
  return fo_cmp_rows(r->k, r->nk, a, b);
}

int fo_sort_idx(size_t *idx, size_t n, const struct fo_key *k, size_t nk) {
  struct rows_ctx ctx = {k, nk};
  return msort(idx, n, cmp_rows_ctx, &ctx);
}

/* A float64 holding a whole number in int64 range hashes like that int64,
 * so int64 and float64 join keys meet. */
static int f64_as_i64(double d, int64_t *out) {
  if (d != floor(d) || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return 0;
  *out = (int64_t)d;
  return 1;
}

static uint64_t hash_val(const struct fo_key *k, size_t i) {
  const struct frame_col *c = k->c;
  if (fo_missing(c, i)) return 0x9e3779b97f4a7c15ull;
  switch (c->type) {
  case FRAME_F64: {
    int64_t v;
    if (f64_as_i64(c->v.f64[i], &v)) return mix64((uint64_t)v);
    uint64_t bits;
    memcpy(&bits, &c->v.f64[i], sizeof bits);
    return mix64(bits ^ 0x5555555555555555ull);
  }
  case FRAME_I64: return mix64((uint64_t)c->v.i64[i]);
  case FRAME_BOOL: return mix64(c->v.b[i]);
  case FRAME_DATE: return mix64((uint64_t)(int64_t)c->v.date[i]);
  case FRAME_CAT: return k->chash[c->v.cat[i]];
  default: return 0;
  }
}

uint64_t fo_hash_row(const struct fo_key *k, size_t nk, size_t i) {
  uint64_t h = 0x243f6a8885a308d3ull;
  for (size_t j = 0; j < nk; j++) h = mix64(h ^ (hash_val(&k[j], i) + 0x9e3779b97f4a7c15ull + (h << 6)));
  return h;
}

static int eq_val(const struct frame_col *ca, size_t a, const struct frame_col *cb, size_t b,
                  int miss_eq) {
  int ma = fo_missing(ca, a), mb = fo_missing(cb, b);
  if (ma || mb) return ma && mb && miss_eq;
  enum frame_type ta = ca->type, tb = cb->type;
  if (ta == FRAME_I64 && tb == FRAME_F64) {
    int64_t v;
    return f64_as_i64(cb->v.f64[b], &v) && v == ca->v.i64[a];
  }
  if (ta == FRAME_F64 && tb == FRAME_I64) return eq_val(cb, b, ca, a, miss_eq);
  if (ta != tb) return 0;
  switch (ta) {
  case FRAME_F64: return ca->v.f64[a] == cb->v.f64[b];
  case FRAME_I64: return ca->v.i64[a] == cb->v.i64[b];
  case FRAME_BOOL: return ca->v.b[a] == cb->v.b[b];
  case FRAME_DATE: return ca->v.date[a] == cb->v.date[b];
  case FRAME_CAT: {
    int32_t x = ca->v.cat[a], y = cb->v.cat[b];
    if (ca->dict == cb->dict) return x == y;
    return ca->dict->len[x] == cb->dict->len[y] &&
           memcmp(ca->dict->str[x], cb->dict->str[y], ca->dict->len[x]) == 0;
  }
  default: return 0;
  }
}

int fo_eq_rows(const struct fo_key *ka, size_t a, const struct fo_key *kb, size_t b, size_t nk,
               int miss_eq) {
  for (size_t j = 0; j < nk; j++)
    if (!eq_val(ka[j].c, a, kb[j].c, b, miss_eq)) return 0;
  return 1;
}

int fo_any_missing(const struct fo_key *k, size_t nk, size_t i) {
  for (size_t j = 0; j < nk; j++)
    if (fo_missing(k[j].c, i)) return 1;
  return 0;
}

/* ===== groups of equal keys ===== */

int fo_groups_init(struct fo_groups *g) {
  memset(g, 0, sizeof *g);
  g->nslot = 64;
  g->slot = calloc(g->nslot, sizeof *g->slot);
  return g->slot ? 0 : -1;
}

void fo_groups_free(struct fo_groups *g) { MEM_RELEASE(g, g->rep, g->hash, g->slot); }

static size_t probe_empty(const struct fo_groups *g, uint64_t h) {
  size_t mask = g->nslot - 1, s = (size_t)h & mask;
  while (g->slot[s]) s = (s + 1) & mask;
  return s;
}

static int groups_grow(struct fo_groups *g) {
  if (g->n == g->cap) {
    size_t nc = g->cap ? g->cap * 2 : 64;
    size_t *rep = realloc(g->rep, nc * sizeof *rep);
    if (!rep) return -1;
    g->rep = rep;
    uint64_t *hash = realloc(g->hash, nc * sizeof *hash);
    if (!hash) return -1;
    g->hash = hash;
    g->cap = nc;
  }
  if ((g->n + 1) * 2 > g->nslot) {   /* load stays under 1/2 */
    size_t ns = g->nslot * 2;
    size_t *slot = calloc(ns, sizeof *slot);
    if (!slot) return -1;
    free(g->slot);
    g->slot = slot;
    g->nslot = ns;
    for (size_t i = 0; i < g->n; i++) g->slot[probe_empty(g, g->hash[i])] = i + 1;
  }
  return 0;
}

int fo_groups_add(struct fo_groups *g, const struct fo_key *k, size_t nk, size_t i, size_t *gid) {
  uint64_t h = fo_hash_row(k, nk, i);
  size_t mask = g->nslot - 1, s = (size_t)h & mask;
  for (; g->slot[s]; s = (s + 1) & mask) {
    size_t c = g->slot[s] - 1;
    if (g->hash[c] == h && fo_eq_rows(k, g->rep[c], k, i, nk, 1)) { *gid = c; return 0; }
  }
  if (groups_grow(g) != 0) return -1;
  s = probe_empty(g, h);
  g->rep[g->n] = i;
  g->hash[g->n] = h;
  g->slot[s] = g->n + 1;
  *gid = g->n++;
  return 0;
}

size_t fo_groups_find(const struct fo_groups *g, const struct fo_key *kg,
                      const struct fo_key *kq, size_t nk, size_t i) {
  if (fo_any_missing(kq, nk, i)) return FO_NONE;
  uint64_t h = fo_hash_row(kq, nk, i);
  size_t mask = g->nslot - 1;
  for (size_t s = (size_t)h & mask; g->slot[s]; s = (s + 1) & mask) {
    size_t c = g->slot[s] - 1;
    if (g->hash[c] == h && fo_eq_rows(kg, g->rep[c], kq, i, nk, 0)) return c;
  }
  return FO_NONE;
}

/* ===== select, rename, sort ===== */

struct frame *frameops_select(const struct frame *f, const char *const *names, size_t n,
                              char *err, size_t errlen) {
  if (fo_distinct_names(names, n, "select", "column", err, errlen) != 0) return NULL;
  for (size_t k = 0; k < n; k++)
    if (fo_col(f, names[k], "select", NULL, err, errlen) < 0) return NULL;
  struct frame *o = frame_new();
  if (!o) return fo_oom(err, errlen, "select");
  o->nrow = f->nrow;
  for (size_t k = 0; k < n; k++) {
    struct frame_col *c = frame_col_take(f->col[frame_find(f, names[k])], NULL, f->nrow, NULL);
    if (!c || frame_add(o, c) != 0) {
      frame_col_free(c);
      frame_free(o);
      return fo_oom(err, errlen, "select");
    }
  }
  return o;
}

struct frame *frameops_rename(const struct frame *f, const char *const *from,
                              const char *const *to, size_t n, char *err, size_t errlen) {
  if (fo_distinct_names(from, n, "rename", "column", err, errlen) != 0) return NULL;
  const char **final = malloc((f->ncol ? f->ncol : 1) * sizeof *final);
  if (!final) return fo_oom(err, errlen, "rename");
  for (size_t j = 0; j < f->ncol; j++) final[j] = f->col[j]->name;
  for (size_t k = 0; k < n; k++) {
    int j = fo_col(f, from[k], "rename", NULL, err, errlen);
    if (j < 0) { free(final); return NULL; }
    if (!to[k] || !to[k][0]) {
      free(final);
      return fo_nerr(err, errlen, "rename: the new name for \"%s\" is empty", from[k]);
    }
    final[j] = to[k];
  }
  for (size_t k = 0; k < n; k++) {
    int self = frame_find(f, from[k]);
    for (size_t j = 0; j < f->ncol; j++) {
      if ((int)j != self && strcmp(final[j], to[k]) == 0) {
        free(final);
        return fo_nerr(err, errlen, "rename: renaming \"%s\" to \"%s\" would give two columns "
                       "called \"%s\"", from[k], to[k], to[k]);
      }
    }
  }
  struct frame *o = frame_new();
  if (!o) { free(final); return fo_oom(err, errlen, "rename"); }
  o->nrow = f->nrow;
  for (size_t j = 0; j < f->ncol; j++) {
    struct frame_col *c = frame_col_take(f->col[j], NULL, f->nrow, final[j]);
    if (!c || frame_add(o, c) != 0) {
      frame_col_free(c);
      frame_free(o);
      free(final);
      return fo_oom(err, errlen, "rename");
    }
  }
  free(final);
  return o;
}

struct frame *frameops_sort(const struct frame *f, const char *const *keys, const int *desc,
                            size_t nkeys, char *err, size_t errlen) {
  for (size_t k = 0; k < nkeys; k++)
    if (fo_col(f, keys[k], "sort", NULL, err, errlen) < 0) return NULL;
  struct fo_key *kk = calloc(nkeys ? nkeys : 1, sizeof *kk);
  size_t *idx = malloc((f->nrow ? f->nrow : 1) * sizeof *idx);
  struct frame *o = NULL;
  int ok = kk && idx;
  for (size_t k = 0; ok && k < nkeys; k++)
    ok = fo_key_init(&kk[k], f->col[frame_find(f, keys[k])], desc ? desc[k] != 0 : 0) == 0;
  if (ok) {
    for (size_t i = 0; i < f->nrow; i++) idx[i] = i;
    ok = fo_sort_idx(idx, f->nrow, kk, nkeys) == 0 && (o = frame_take(f, idx, f->nrow)) != NULL;
  }
  for (size_t k = 0; kk && k < nkeys; k++) fo_key_free(&kk[k]);
  free(kk);
  free(idx);
  if (!ok) return fo_oom(err, errlen, "sort");
  return o;
}
