/* host/data/frameops_pivot.c -- reshaping (tidyr's pivot_longer, pivot_wider)
 * and stacking frames (dplyr's bind_rows). */
#include "frameops_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Id columns: the given ones (checked), or every column not excluded.
 * Fills idx (room for f->ncol) and returns the count, or FO_NONE on error. */
static size_t resolve_ids(const struct frame *f, const char *const *ids, size_t nid,
                          const int *excluded, const char *op, char *err, size_t errlen,
                          size_t *idx) {
  if (!ids) {
    size_t m = 0;
    for (size_t j = 0; j < f->ncol; j++) if (!excluded[j]) idx[m++] = j;
    return m;
  }
  if (fo_distinct_names(ids, nid, op, "id column", err, errlen) != 0) return FO_NONE;
  for (size_t k = 0; k < nid; k++) {
    int j = fo_col(f, ids[k], op, NULL, err, errlen);
    if (j < 0) return FO_NONE;
    if (excluded[j]) {
      fo_err(err, errlen, "%s: \"%s\" cannot be an id column as well", op, ids[k]);
      return FO_NONE;
    }
    idx[k] = (size_t)j;
  }
  return nid;
}

/* ===== pivot_longer ===== */

struct frame *frameops_pivot_longer(const struct frame *f, const char *const *id_cols, size_t nid,
                                    const char *const *value_cols, size_t nval,
                                    const char *names_to, const char *values_to,
                                    char *err, size_t errlen) {
  const char *op = "pivot_longer";
  if (nval == 0) return fo_nerr(err, errlen, "%s: no value columns given", op);
  if (!names_to || !names_to[0] || !values_to || !values_to[0])
    return fo_nerr(err, errlen, "%s: names_to and values_to must be non-empty names", op);
  if (strcmp(names_to, values_to) == 0)
    return fo_nerr(err, errlen, "%s: names_to and values_to are both \"%s\"", op, names_to);
  if (fo_distinct_names(value_cols, nval, op, "value column", err, errlen) != 0) return NULL;
  for (size_t k = 0; k < nval; k++)
    if (fo_col(f, value_cols[k], op, NULL, err, errlen) < 0) return NULL;

  size_t nc1 = f->ncol ? f->ncol : 1, nv1 = nval, m = 0;
  int *isval = calloc(nc1, sizeof *isval);
  size_t *ids = malloc(nc1 * sizeof *ids), *idx = NULL;
  const struct frame_col **vc = malloc(nv1 * sizeof *vc);
  struct frame *o = NULL;
  struct frame_col *c = NULL;
  int ok = isval && ids && vc, msg = 0;
  size_t nids = 0;
  if (ok) {
    for (size_t k = 0; k < nval; k++) {
      int j = frame_find(f, value_cols[k]);
      isval[j] = 1;
      vc[k] = f->col[j];
    }
    nids = resolve_ids(f, id_cols, nid, isval, op, err, errlen, ids);
    if (nids == FO_NONE) ok = 0, msg = 1;
  }
  for (size_t k = 0; ok && k < nids; k++) {
    const char *nm = f->col[ids[k]]->name;
    if (strcmp(nm, names_to) == 0 || strcmp(nm, values_to) == 0) {
      fo_err(err, errlen, "%s: \"%s\" is an id column; choose another name for %s", op, nm,
             strcmp(nm, names_to) == 0 ? "names_to" : "values_to");
      ok = 0, msg = 1;
    }
  }
  enum frame_type t = FRAME_F64;
  struct frame_dict *dict = NULL;
  if (ok) {
    size_t a, b;
    if (fo_common_type(vc, nval, &t, &dict, &a, &b) != 0) {
      fo_err(err, errlen, "%s: value columns \"%s\" (%s) and \"%s\" (%s) cannot share one column",
             op, vc[a]->name, frame_type_name(vc[a]->type), vc[b]->name,
             frame_type_name(vc[b]->type));
      ok = 0, msg = 1;
    }
  }
  if (ok && fo_mul(f->nrow, nval, &m) != 0) {
    fo_err(err, errlen, "%s: the result would have too many rows", op);
    ok = 0, msg = 1;
  }
  if (ok) ok = (idx = malloc((m ? m : 1) * sizeof *idx)) != NULL && (o = frame_new()) != NULL;
  if (ok) {
    o->nrow = m;
    for (size_t i = 0; i < f->nrow; i++)
      for (size_t k = 0; k < nval; k++) idx[i * nval + k] = i;
  }
  for (size_t k = 0; ok && k < nids; k++) {
    c = frame_col_take(f->col[ids[k]], idx, m, NULL);
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  if (ok) {   /* names_to: the value column's name, as text */
    c = fo_col_alloc(names_to, FRAME_CAT, m, NULL);
    ok = c != NULL;
    for (size_t k = 0; ok && k < nval; k++) {
      int32_t code = frame_dict_intern(c->dict, vc[k]->name, strlen(vc[k]->name));
      ok = code >= 0;
      for (size_t i = 0; ok && i < f->nrow; i++) c->v.cat[i * nval + k] = code;
    }
    ok = ok && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  if (ok) {   /* values_to */
    c = fo_col_alloc(values_to, t, m, dict);
    ok = c != NULL;
    for (size_t i = 0; ok && i < f->nrow; i++)
      for (size_t k = 0; ok && k < nval; k++) ok = fo_copy_value(c, i * nval + k, vc[k], i) == 0;
    ok = ok && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  free(isval); free(ids); free(idx); free(vc);
  if (!ok) {
    frame_free(o);
    return msg ? NULL : fo_oom(err, errlen, op);
  }
  return o;
}

/* ===== pivot_wider ===== */

/* 'la="E1", year=2020' for the id values of row i (truncated to len). */
static void describe_id(const struct frame *f, const size_t *ids, size_t nids, size_t i,
                        char *buf, size_t len) {
  size_t p = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < nids && p + 1 < len; k++) {
    char v[96];
    fo_format_value(f->col[ids[k]], i, v, sizeof v);
    int w = snprintf(buf + p, len - p, "%s%s=%s", k ? ", " : "", f->col[ids[k]]->name, v);
    if (w < 0) break;
    p += (size_t)w < len - p ? (size_t)w : len - p - 1;
  }
}

struct frame *frameops_pivot_wider(const struct frame *f, const char *const *id_cols, size_t nid,
                                   const char *names_from, const char *values_from,
                                   char *err, size_t errlen) {
  const char *op = "pivot_wider";
  int jn = fo_col(f, names_from, op, NULL, err, errlen);
  if (jn < 0) return NULL;
  int jv = fo_col(f, values_from, op, NULL, err, errlen);
  if (jv < 0) return NULL;
  if (jn == jv) return fo_nerr(err, errlen, "%s: names_from and values_from are both \"%s\"", op, names_from);
  const struct frame_col *cn = f->col[jn], *cv = f->col[jv];
  if (cn->type != FRAME_CAT && cn->type != FRAME_I64)
    return fo_nerr(err, errlen, "%s: names_from column \"%s\" is %s; it must be text or int64",
                   op, names_from, frame_type_name(cn->type));
  for (size_t i = 0; i < f->nrow; i++)
    if (fo_missing(cn, i))
      return fo_nerr(err, errlen, "%s: names_from column \"%s\" is missing in row %zu; drop or "
                     "fill those rows first", op, names_from, i + 1);

  size_t nc1 = f->ncol, n = f->nrow, n1 = n ? n : 1;
  int *excl = calloc(nc1, sizeof *excl);
  size_t *ids = malloc(nc1 * sizeof *ids), *idg = malloc(n1 * sizeof *idg);
  size_t *nmg = malloc(n1 * sizeof *nmg), *order = NULL, *npos = NULL, *cells = NULL, *pick = NULL;
  struct fo_key *kid = calloc(nc1, sizeof *kid), kn;
  struct fo_groups gi, gn;
  int have_gi = 0, have_gn = 0, have_kn = 0, ok = excl && ids && idg && nmg && kid, msg = 0;
  size_t nids = 0, nnames = 0, ncell = 0;
  char (*labels)[32] = NULL;
  struct frame *o = NULL;
  memset(&kn, 0, sizeof kn);

  if (ok) {
    excl[jn] = excl[jv] = 1;
    nids = resolve_ids(f, id_cols, nid, excl, op, err, errlen, ids);
    if (nids == FO_NONE) { ok = 0; msg = 1; nids = 0; }
  }
  for (size_t k = 0; ok && k < nids; k++) ok = fo_key_init(&kid[k], f->col[ids[k]], 0) == 0;
  if (ok) ok = have_kn = fo_key_init(&kn, cn, 0) == 0;
  if (ok) ok = have_gi = fo_groups_init(&gi) == 0;
  if (ok) ok = have_gn = fo_groups_init(&gn) == 0;
  for (size_t i = 0; ok && i < n; i++)
    ok = fo_groups_add(&gi, kid, nids, i, &idg[i]) == 0 && fo_groups_add(&gn, &kn, 1, i, &nmg[i]) == 0;
  /* new columns in increasing order of the names */
  if (ok) {
    nnames = gn.n;
    size_t nn1 = nnames ? nnames : 1;
    order = malloc(nn1 * sizeof *order);
    npos = malloc(nn1 * sizeof *npos);
    labels = malloc(nn1 * sizeof *labels);
    pick = malloc((gi.n ? gi.n : 1) * sizeof *pick);
    ok = order && npos && labels && pick;
  }
  if (ok) {
    if (nnames) memcpy(order, gn.rep, nnames * sizeof *order);
    ok = fo_sort_idx(order, nnames, &kn, 1) == 0;
    for (size_t k = 0; ok && k < nnames; k++) npos[nmg[order[k]]] = k;
  }
  const char **newname = NULL;
  if (ok) ok = (newname = malloc((nnames ? nnames : 1) * sizeof *newname)) != NULL;
  for (size_t k = 0; ok && k < nnames; k++) {
    size_t r = order[k];
    if (cn->type == FRAME_CAT) {
      newname[k] = cn->dict->str[cn->v.cat[r]];
    } else {
      snprintf(labels[k], sizeof labels[k], "%" PRId64, cn->v.i64[r]);
      newname[k] = labels[k];
    }
    for (size_t j = 0; j < nids; j++)
      if (strcmp(newname[k], f->col[ids[j]]->name) == 0) {
        fo_err(err, errlen, "%s: the new column \"%s\" (from \"%s\") would have the name of an "
               "id column", op, newname[k], names_from);
        ok = 0, msg = 1;
        break;
      }
  }
  if (ok && fo_mul(gi.n, nnames, &ncell) != 0) {
    fo_err(err, errlen, "%s: the result would be too large", op);
    ok = 0, msg = 1;
  }
  if (ok) ok = (cells = malloc((ncell ? ncell : 1) * sizeof *cells)) != NULL;
  if (ok) {
    for (size_t c = 0; c < ncell; c++) cells[c] = FO_NONE;
    for (size_t i = 0; i < n; i++) {
      size_t *cell = &cells[idg[i] * nnames + npos[nmg[i]]];
      if (*cell != FO_NONE) {
        char id[256], nm[128];
        describe_id(f, ids, nids, i, id, sizeof id);
        fo_format_value(cn, i, nm, sizeof nm);
        fo_err(err, errlen, "%s: rows %zu and %zu have the same id (%s) and %s = %s; aggregate "
               "them first so each id has one value per name", op, *cell + 1, i + 1,
               nids ? id : "no id columns", names_from, nm);
        ok = 0, msg = 1;
        break;
      }
      *cell = i;
    }
  }
  if (ok && (o = frame_new()) == NULL) ok = 0;
  if (ok) o->nrow = gi.n;
  for (size_t k = 0; ok && k < nids; k++) {
    struct frame_col *c = frame_col_take(f->col[ids[k]], gi.rep, gi.n, NULL);
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  for (size_t k = 0; ok && k < nnames; k++) {
    for (size_t g = 0; g < gi.n; g++) pick[g] = cells[g * nnames + k];
    struct frame_col *c = fo_take(cv, pick, gi.n, newname[k], NA_CALC);
    ok = c && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }

  for (size_t k = 0; kid && k < nids; k++) fo_key_free(&kid[k]);
  if (have_kn) fo_key_free(&kn);
  if (have_gi) fo_groups_free(&gi);
  if (have_gn) fo_groups_free(&gn);
  free(excl); free(ids); free(idg); free(nmg); free(order); free(npos); free(cells);
  free(pick); free(kid); free(labels); free(newname);
  if (!ok) {
    frame_free(o);
    return msg ? NULL : fo_oom(err, errlen, op);
  }
  return o;
}

/* ===== bind_rows ===== */

struct frame *frameops_bind_rows(const struct frame *const *frames, size_t n,
                                 char *err, size_t errlen) {
  const char *op = "bind_rows";
  size_t total = 0, allcols = 0;
  for (size_t k = 0; k < n; k++) {
    if (!frames[k]) return fo_nerr(err, errlen, "%s: frame %zu is missing (NULL)", op, k + 1);
    if (total > SIZE_MAX / 16 - frames[k]->nrow)
      return fo_nerr(err, errlen, "%s: the result would have too many rows", op);
    total += frames[k]->nrow;
    allcols += frames[k]->ncol;
  }
  const char **names = malloc((allcols ? allcols : 1) * sizeof *names);
  const struct frame_col **cols = malloc((n ? n : 1) * sizeof *cols);
  struct frame *o = frame_new();
  int ok = names && cols && o, msg = 0;
  size_t nn = 0;
  /* every name, in order of first appearance */
  for (size_t k = 0; ok && k < n; k++)
    for (size_t j = 0; j < frames[k]->ncol; j++) {
      const char *nm = frames[k]->col[j]->name;
      size_t a = 0;
      while (a < nn && strcmp(names[a], nm) != 0) a++;
      if (a == nn) names[nn++] = nm;
    }
  if (ok) o->nrow = total;
  for (size_t a = 0; ok && a < nn; a++) {
    for (size_t k = 0; k < n; k++) {
      int j = frame_find(frames[k], names[a]);
      cols[k] = j >= 0 ? frames[k]->col[j] : NULL;
    }
    enum frame_type t;
    struct frame_dict *dict;
    size_t x, y;
    if (fo_common_type(cols, n, &t, &dict, &x, &y) != 0) {
      fo_err(err, errlen, "%s: column \"%s\" is %s in frame %zu and %s in frame %zu; convert one "
             "so they have the same type", op, names[a], frame_type_name(cols[x]->type), x + 1,
             frame_type_name(cols[y]->type), y + 1);
      ok = 0, msg = 1;
      break;
    }
    struct frame_col *c = fo_col_alloc(names[a], t, total, dict);
    ok = c != NULL;
    size_t off = 0;
    for (size_t k = 0; ok && k < n; k++) {
      for (size_t i = 0; ok && i < frames[k]->nrow; i++)
        ok = (cols[k] ? fo_copy_value(c, off + i, cols[k], i)
                      : fo_set_missing(c, off + i, NA_CALC)) == 0;
      off += frames[k]->nrow;
    }
    ok = ok && frame_add(o, c) == 0;
    if (!ok) frame_col_free(c);
  }
  free(names);
  free(cols);
  if (!ok) {
    frame_free(o);
    return msg ? NULL : fo_oom(err, errlen, op);
  }
  return o;
}
