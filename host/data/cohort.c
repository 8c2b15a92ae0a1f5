/* host/data/cohort.c -- first events and windowed event counts on frames
 * (cohort.h).  Ids are compared through a key (a number, or a string) and
 * found by binary search in the people's sorted keys, so counting E events
 * for P people costs O((E + P) log P).  Pure C, no Lua. */
#include "cohort.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key {
  double v;          /* numeric ids */
  const char *s;     /* text ids (NULL for numbers) */
  size_t len;
  size_t row;
};

static int key_cmp(const struct key *a, const struct key *b) {
  if (a->s || b->s) {
    size_t m = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, m);
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len;
  }
  return a->v < b->v ? -1 : a->v > b->v;
}

static int key_cmp_row(const void *pa, const void *pb) {
  const struct key *a = pa, *b = pb;
  int c = key_cmp(a, b);
  if (c) return c;
  return a->row < b->row ? -1 : a->row > b->row;
}

/* Key of row i, or 0 when the id is missing. */
static int row_key(const struct frame_col *c, size_t i, struct key *k) {
  k->row = i;
  k->v = 0;
  k->s = NULL;
  k->len = 0;
  if (frame_col_isna(c, i)) return 0;
  if (c->type == FRAME_CAT) {
    k->s = c->dict->str[c->v.cat[i]];
    k->len = c->dict->len[c->v.cat[i]];
    return 1;
  }
  k->v = frame_col_getd(c, i);
  return !isnan(k->v);
}

static const struct frame_col *col_of(const struct frame *f, const char *name, const char *what,
                                      char *err, size_t errlen) {
  int j = name ? frame_find(f, name) : -1;
  if (j < 0) {
    snprintf(err, errlen, "%s: no column \"%s\"", what, name ? name : "(none)");
    return NULL;
  }
  return f->col[j];
}

static int id_type_ok(const struct frame_col *c) {
  return c->type == FRAME_CAT || c->type == FRAME_I64 || c->type == FRAME_F64;
}

struct frame *cohort_first_event(const struct frame *events, const char *id_col,
                                 const char *date_col, int32_t offset_days, const char *out_col,
                                 char *err, size_t errlen) {
  const struct frame_col *idc = col_of(events, id_col, "first event: id", err, errlen);
  const struct frame_col *dc = idc ? col_of(events, date_col, "first event: date", err, errlen) : NULL;
  if (!dc) return NULL;
  if (!id_type_ok(idc)) {
    snprintf(err, errlen, "first event: id column \"%s\" must be numbers or text", id_col);
    return NULL;
  }
  if (dc->type != FRAME_DATE) {
    snprintf(err, errlen, "first event: column \"%s\" is %s, not a date", date_col,
             frame_type_name(dc->type));
    return NULL;
  }
  size_t n = events->nrow, m = 0;
  struct key *k = malloc((n ? n : 1) * sizeof *k);
  size_t *first = malloc((n ? n : 1) * sizeof *first);
  struct frame *out = NULL;
  struct frame_col *ic = NULL, *sc = NULL;
  if (!k || !first) goto oom;
  for (size_t i = 0; i < n; i++)
    if (row_key(idc, i, &k[m]) && !frame_col_isna(dc, i)) m++;
  qsort(k, m, sizeof *k, key_cmp_row);
  /* Each run of equal keys is one person; its earliest date. */
  size_t np = 0;
  int32_t *start = malloc((m ? m : 1) * sizeof *start);
  if (!start) goto oom;
  for (size_t a = 0; a < m;) {
    size_t b = a;
    int32_t best = dc->v.date[k[a].row];
    while (b < m && key_cmp(&k[a], &k[b]) == 0) {
      if (dc->v.date[k[b].row] < best) best = dc->v.date[k[b].row];
      b++;
    }
    first[np] = k[a].row;
    start[np++] = best + offset_days;
    a = b;
  }
  out = frame_new();
  ic = frame_col_take(idc, first, np, NULL);
  sc = frame_col_new(out_col, FRAME_DATE, np, NULL);
  if (!out || !ic || !sc || frame_col_resize(sc, np) != 0) {
    free(start);
    goto oom;
  }
  memcpy(sc->v.date, start, np * sizeof *start);
  free(start);
  if (frame_add(out, ic) != 0) goto oom;
  ic = NULL;
  if (frame_add(out, sc) != 0) {
    snprintf(err, errlen, "first event: the output column \"%s\" is the id column's name", out_col);
    frame_col_free(sc);
    frame_free(out);
    free(k);
    free(first);
    return NULL;
  }
  out->nrow = np;
  free(k);
  free(first);
  return out;
oom:
  snprintf(err, errlen, "first event: not enough memory");
  frame_col_free(ic);
  frame_col_free(sc);
  frame_free(out);
  free(k);
  free(first);
  return NULL;
}

/* Index of the type of event row i among types[], or -1. */
static int type_index(const struct frame_col *tc, size_t i, const char *const *types,
                      const double *tnum, size_t ntypes) {
  if (frame_col_isna(tc, i)) return -1;
  if (tc->type == FRAME_CAT) {
    const char *s = tc->dict->str[tc->v.cat[i]];
    for (size_t t = 0; t < ntypes; t++)
      if (strcmp(s, types[t]) == 0) return (int)t;
    return -1;
  }
  double v = frame_col_getd(tc, i);
  for (size_t t = 0; t < ntypes; t++)
    if (v == tnum[t]) return (int)t;
  return -1;
}

struct frame *cohort_window_counts(const struct frame *events, const char *ev_id,
                                   const char *ev_date, const char *type_col,
                                   const char *const *types, size_t ntypes,
                                   const struct frame *people, const char *p_id,
                                   const char *p_start, const struct cohort_window *win,
                                   size_t nwin, char *err, size_t errlen) {
  const char *what = "window counts";
  const struct frame_col *eid = col_of(events, ev_id, "window counts: event id", err, errlen);
  const struct frame_col *edt = eid ? col_of(events, ev_date, "window counts: event date", err, errlen) : NULL;
  const struct frame_col *pid = edt ? col_of(people, p_id, "window counts: person id", err, errlen) : NULL;
  const struct frame_col *pst = pid ? col_of(people, p_start, "window counts: start date", err, errlen) : NULL;
  const struct frame_col *tc = NULL;
  if (!pst) return NULL;
  if (ntypes > 0 && !(tc = col_of(events, type_col, "window counts: event type", err, errlen)))
    return NULL;
  if (edt->type != FRAME_DATE || pst->type != FRAME_DATE) {
    snprintf(err, errlen, "%s: \"%s\" and \"%s\" must be date columns", what, ev_date, p_start);
    return NULL;
  }
  if (!id_type_ok(eid) || !id_type_ok(pid) || ((eid->type == FRAME_CAT) != (pid->type == FRAME_CAT))) {
    snprintf(err, errlen, "%s: ids \"%s\" (%s) and \"%s\" (%s) cannot be compared; both must be "
             "numbers or both text", what, ev_id, frame_type_name(eid->type), p_id,
             frame_type_name(pid->type));
    return NULL;
  }
  for (size_t w = 0; w < nwin; w++)
    if (win[w].from > win[w].to) {
      snprintf(err, errlen, "%s: window \"%s\" starts after it ends (%d > %d)", what, win[w].name,
               (int)win[w].from, (int)win[w].to);
      return NULL;
    }
  size_t P = people->nrow, E = events->nrow, nc = nwin * (1 + ntypes);
  struct key *pk = malloc((P ? P : 1) * sizeof *pk);
  int64_t *cnt = calloc((P ? P : 1) * (nc ? nc : 1), sizeof *cnt);
  double *tnum = malloc((ntypes ? ntypes : 1) * sizeof *tnum);
  struct frame *out = NULL;
  size_t np = 0;
  if (!pk || !cnt || !tnum) goto oom;
  for (size_t t = 0; t < ntypes; t++) {
    char *end;
    tnum[t] = strtod(types[t], &end);
    if (tc->type != FRAME_CAT && (*end != '\0' || end == types[t])) {
      snprintf(err, errlen, "%s: type column \"%s\" holds numbers but type \"%s\" is not one", what,
               type_col, types[t]);
      goto fail;
    }
  }
  for (size_t i = 0; i < P; i++)
    if (row_key(pid, i, &pk[np])) np++;
  qsort(pk, np, sizeof *pk, key_cmp_row);
  for (size_t a = 1; a < np; a++)
    if (key_cmp(&pk[a], &pk[a - 1]) == 0) {
      snprintf(err, errlen, "%s: person id in rows %zu and %zu of the people is the same", what,
               pk[a - 1].row + 1, pk[a].row + 1);
      goto fail;
    }
  for (size_t e = 0; e < E; e++) {
    struct key k;
    if (!row_key(eid, e, &k) || frame_col_isna(edt, e)) continue;
    size_t lo = 0, hi = np;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (key_cmp(&pk[mid], &k) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo == np || key_cmp(&pk[lo], &k) != 0) continue;   /* not in the cohort */
    size_t p = pk[lo].row;
    if (frame_col_isna(pst, p)) continue;
    int64_t day = (int64_t)edt->v.date[e] - pst->v.date[p];
    int ty = ntypes ? type_index(tc, e, types, tnum, ntypes) : -1;
    for (size_t w = 0; w < nwin; w++) {
      if (day < win[w].from || day > win[w].to) continue;
      int64_t *c = cnt + p * nc + w * (1 + ntypes);
      c[0]++;
      if (ty >= 0) c[1 + ty]++;
    }
  }
  out = frame_new();
  if (!out) goto oom;
  {
    struct frame_col *ic = frame_col_take(pid, NULL, P, NULL);
    if (!ic || frame_add(out, ic) != 0) {
      frame_col_free(ic);
      goto oom;
    }
  }
  out->nrow = P;
  for (size_t w = 0; w < nwin; w++)
    for (size_t t = 0; t <= ntypes; t++) {
      char name[256];
      if (t == 0) snprintf(name, sizeof name, "%s", win[w].name);
      else snprintf(name, sizeof name, "%s_%s", win[w].name, types[t - 1]);
      struct frame_col *c = frame_col_new(name, FRAME_I64, P, NULL);
      if (!c || frame_col_resize(c, P) != 0) {
        frame_col_free(c);
        goto oom;
      }
      for (size_t p = 0; p < P; p++) {
        c->v.i64[p] = cnt[p * nc + w * (1 + ntypes) + t];
        if (frame_col_isna(pst, p) && frame_col_set_na(c, p, NA_CALC) != 0) {
          frame_col_free(c);
          goto oom;
        }
      }
      if (frame_add(out, c) != 0) {
        snprintf(err, errlen, "%s: column name \"%s\" is used twice (window or type names, or the "
                 "id column)", what, name);
        frame_col_free(c);
        goto fail;
      }
    }
  free(pk);
  free(cnt);
  free(tnum);
  return out;
oom:
  snprintf(err, errlen, "%s: not enough memory", what);
fail:
  frame_free(out);
  free(pk);
  free(cnt);
  free(tnum);
  return NULL;
}
