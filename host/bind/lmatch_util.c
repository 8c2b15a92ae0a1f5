/* host/bind/lmatch_util.c -- helpers shared by the host.match binding files:
 * options from spec tables, columns by name, the treatment indicator,
 * exact strata codes, the propensity-score fit, and frames with added
 * columns.  Lua-facing glue only; numerics are in glm.c and match*.c. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "data/frame.h"
#include "num/glm.h"
#include "lframe.h"
#include "lhelp.h"
#include "lmatch_int.h"

const char *lm_spec(lua_State *L, const char *fn, const struct frame **f) {
  *f = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *treat = lh_optstring(L, 2, "treat", NULL, "a string");
  if (!treat) lh_error(L, "recipe", "%s: spec.treat (a column name) is required", fn);
  return treat;
}

const struct frame_col *lm_col(lua_State *L, const struct frame *f, const char *fn,
                               const char *role, const char *name) {
  int j = frame_find(f, name);
  if (j >= 0) return f->col[j];
  lua_pushstring(L, name);
  (void)fn;
  (void)role;
  return lframe_checkcol(L, f, lua_gettop(L));   /* raises with a suggestion */
}

const struct frame_col *lm_numcol(lua_State *L, const struct frame *f, const char *fn,
                                  const char *role, const char *name) {
  const struct frame_col *c = lm_col(L, f, fn, role, name);
  if (c->type == FRAME_CAT)
    lh_error(L, "data", "%s: %s column '%s' is text; make 0/1 indicator columns for it%s", fn, role,
               name, strcmp(role, "covariate") == 0 ? " or use it for exact matching" : "");
  return c;
}

unsigned char *lm_treat(lua_State *L, const struct frame_col *c, const size_t *keep, size_t m,
                        const char *fn) {
  if (c->type == FRAME_CAT)
    lh_error(L, "data", "%s: the treatment column '%s' is text; it must hold 0/1 or true/false", fn,
               c->name);
  unsigned char *t = lh_scratch(L, m);
  size_t bad = m;   /* the first value that is not 0 or 1 */
  double vb = 0;
  if (c->na == NULL && c->type == FRAME_I64) {
    /* whole numbers read in place (no copy as doubles: 8 bytes a row) */
    const int64_t *x = c->v.i64;
    for (size_t j = 0; j < m; j++) {
      int64_t v = x[LM_ROW(keep, j)];
      if (v != 0 && v != 1 && bad == m) bad = j, vb = (double)v;
      t[j] = (unsigned char)(v == 1);
    }
  } else {
    double *v = malloc((m ? m : 1) * sizeof *v);
    if (v == NULL) lh_nomem(L, NULL);
    frame_col_gatherd(c, keep, m, v);
    for (size_t j = 0; j < m; j++) {
      if ((v[j] != 0 && v[j] != 1) && bad == m) bad = j;
      t[j] = (unsigned char)(v[j] == 1);
    }
    vb = bad < m ? v[bad] : 0;
    free(v);
  }
  if (bad < m)
    lh_error(L, "data", "%s: the treatment column '%s' must hold 0/1 or true/false; row %d holds %f",
             fn, c->name, (int)LM_ROW(keep, bad) + 1, vb);   /* lua_pushfstring knows %f, not %g */
  return t;
}

double *lm_values(lua_State *L, const struct frame_col *c, const size_t *keep, size_t m) {
  double *x = lh_scratch(L, (m ? m : 1) * sizeof *x);
  frame_col_gatherd(c, keep, m, x);
  return x;
}

void lm_fill_or(const struct frame_col *c, const size_t *keep, size_t m, double missing,
                double *x) {
  frame_col_gatherd(c, keep, m, x);
  if (c->na != NULL || c->type == FRAME_F64)   /* else nothing can be missing */
    for (size_t j = 0; j < m; j++)
      if (!(fabs(x[j]) <= DBL_MAX)) x[j] = missing;
}

/* ===== exact strata ===== */

struct strata_ctx {
  const struct frame_col *const *cols;
  size_t nc;
  const size_t *keep;
};

/* Compare kept positions a and b on the columns (no missing values here). */
static int pos_cmp(const struct strata_ctx *s, size_t a, size_t b) {
  size_t ra = LM_ROW(s->keep, a), rb = LM_ROW(s->keep, b);
  for (size_t j = 0; j < s->nc; j++) {
    const struct frame_col *c = s->cols[j];
    if (c->type == FRAME_CAT) {
      int32_t ca = c->v.cat[ra], cb = c->v.cat[rb];
      if (ca == cb) continue;
      size_t la = c->dict->len[ca], lb = c->dict->len[cb], l = la < lb ? la : lb;
      int r = memcmp(c->dict->str[ca], c->dict->str[cb], l);
      if (r) return r;
      return la < lb ? -1 : 1;
    }
    double va = frame_col_getd(c, ra), vb = frame_col_getd(c, rb);
    if (va != vb) return va < vb ? -1 : 1;
  }
  return 0;
}

/* Merge sort of positions by pos_cmp. */
static void msort(const struct strata_ctx *s, size_t *idx, size_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  msort(s, idx, tmp, h);
  msort(s, idx + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = pos_cmp(s, idx[i], idx[j]) <= 0 ? idx[i++] : idx[j++];
  while (i < h) tmp[k++] = idx[i++];
  while (j < n) tmp[k++] = idx[j++];
  memcpy(idx, tmp, n * sizeof *idx);
}

int32_t *lm_strata(lua_State *L, const struct frame_col *const *cols, size_t nc,
                   const size_t *keep, size_t m) {
  int32_t *code = lh_scratch(L, m * sizeof *code);
  size_t *pos = lh_scratch(L, m * sizeof *pos), *tmp = lh_scratch(L, m * sizeof *tmp);
  struct strata_ctx s = {cols, nc, keep};
  for (size_t j = 0; j < m; j++) pos[j] = j;
  msort(&s, pos, tmp, m);
  int32_t k = -1;
  for (size_t a = 0; a < m; a++) {
    if (a == 0 || pos_cmp(&s, pos[a - 1], pos[a]) != 0) k++;
    code[pos[a]] = k;
  }
  lua_pop(L, 2);   /* pos, tmp: code stays on the stack */
  return code;
}

/* ===== propensity score ===== */

struct glmbox {
  struct glm_fit fit;
  int live;
};

static int glmbox_gc(lua_State *L) {
  struct glmbox *b = lua_touserdata(L, 1);
  if (b->live) glm_fini(&b->fit);
  b->live = 0;
  return 0;
}

double *lm_pscore(lua_State *L, const char *fn, const struct frame_col *const *cols,
                  const char *const *names, size_t nc, const size_t *keep, size_t m,
                  const unsigned char *treat, int probit, int linear, int *iter) {
  size_t k = nc + 1;
  if (m <= k)
    lh_error(L, "analysis", "%s: %d usable rows for a propensity model with %d coefficients", fn, (int)m,
               (int)k);
  /* The covariates as the frame's own columns where they can be (no n x k
   * copy), the intercept as NULL; only the scores are kept from the fit. */
  struct glm_col *X = lh_scratch(L, k * sizeof *X);
  const double **vp = lh_scratch(L, k * sizeof *vp);
  const int64_t **ip = lh_scratch(L, k * sizeof *ip);
  lh_column_views(L, cols, nc, keep, m, vp, ip);
  X[0] = (struct glm_col){NULL, NULL};
  for (size_t j = 0; j < nc; j++) X[j + 1] = (struct glm_col){vp[j], ip[j]};
  lua_remove(L, -2);   /* ip */
  lua_remove(L, -2);   /* vp; the gathered block stays */
  double *y = lh_scratch(L, m * sizeof *y);
  for (size_t j = 0; j < m; j++) y[j] = treat[j];
  struct glmbox *b = lh_newbox(L, sizeof *b, "host.match.glmbox", glmbox_gc);
  struct glm_opts o = glm_opts_default(GLM_BINOMIAL, probit ? GLM_PROBIT : GLM_LOGIT);
  o.lean = 1;
  b->live = 1;
  int st = glm_fit_cols(X, m, k, y, NULL, NULL, 1, &o, &b->fit);
  struct glm_fit *g = &b->fit;
  if (st == GSL_ESING) {
    size_t bc = g->bad_col;
    lh_error(L, "analysis", "%s: propensity model: %s is %s; drop it", fn,
               bc == 0 ? "the intercept" : names[bc - 1],
               "a linear combination of earlier covariates (collinear) or constant");
  }
  if (st != GSL_SUCCESS) lh_error(L, "analysis", "%s: the propensity model failed (%s)", fn, gsl_strerror(st));
  for (size_t j = 1; j < k; j++)
    if (g->sep[j] != GLM_SEP_NONE)
      lh_error(L, "analysis", "%s: propensity model: %s separation on '%s' (a threshold on it splits "
                 "treated from controls), so its coefficient is infinite and the scores are 0 "
                 "or 1; drop it, or match exactly on it", fn,
                 g->sep[j] == GLM_SEP_COMPLETE ? "complete" : "quasi-complete", names[j - 1]);
  if (!g->converged)
    lh_error(L, "analysis", "%s: the propensity model did not converge in %d iterations", fn, o.maxit);
  /* The scores are the fit's own array (no copy): the box stays on the
   * stack in place of a scratch block and frees it; the other n-vector
   * goes at once. */
  double *ps = linear ? g->eta : g->mu;
  free(linear ? g->mu : g->eta);
  if (linear)
    g->mu = NULL;
  else
    g->eta = NULL;
  if (iter) *iter = g->iter;
  lua_remove(L, -2);   /* y; the box stays */
  lua_remove(L, -2);   /* the gathered columns */
  lua_remove(L, -2);   /* X */
  return ps;
}

/* ===== frames with added columns ===== */

void lm_push_frame_with(lua_State *L, const struct frame *f, const size_t *keep, size_t m,
                        const struct lm_newcol *cols, size_t ncols, const char *fn) {
  for (size_t c = 0; c < ncols; c++)
    if (frame_find(f, cols[c].name) >= 0)
      lh_error(L, "recipe", "%s: the data already have a column '%s'; choose another name with the "
                 "option %s", fn, cols[c].name, cols[c].option);
  struct frame **slot = lframe_newbox(L);   /* an error below cannot leak the frame */
  struct frame *o = lframe_fill(L, slot, frame_take(f, NULL, f->nrow));
  size_t n = f->nrow;
  for (size_t c = 0; c < ncols; c++) {
    const struct lm_newcol *nc = &cols[c];
    struct frame_col *col = frame_col_new(nc->name, nc->f64 ? FRAME_F64 : FRAME_I64, n, NULL);
    int all = m == n;   /* every row kept (keep[j] == j): no fill */
    if (col == NULL || frame_col_resize(col, n) != 0) {
      frame_col_free(col);
      lh_nomem(L, NULL);
    }
    int bad = 0;
    if (nc->f64 && all) {
      memcpy(col->v.f64, nc->f64, n * sizeof *nc->f64);
      for (size_t i = 0; i < n && !bad; i++)
        if (isnan(nc->f64[i])) bad = frame_col_set_na(col, i, NA_CALC) != 0;
    } else if (nc->f64) {
      for (size_t i = 0; i < n; i++) col->v.f64[i] = nc->f64_fill;
      if (isnan(nc->f64_fill))
        for (size_t i = 0; i < n && !bad; i++) bad = frame_col_set_na(col, i, NA_CALC) != 0;
      for (size_t j = 0; j < m; j++) {
        col->v.f64[LM_ROW(keep, j)] = nc->f64[j];
        if (col->na) col->na[LM_ROW(keep, j)] = isnan(nc->f64[j]) ? NA_CALC : NA_NONE;
      }
    } else if (nc->u32) {   /* 0 is missing */
      for (size_t i = 0; i < n && !bad; i++) {
        col->v.i64[i] = 0;
        bad = frame_col_set_na(col, i, NA_CALC) != 0;
      }
      for (size_t j = 0; j < m && !bad; j++) {
        col->v.i64[LM_ROW(keep, j)] = nc->u32[j];
        if (nc->u32[j]) col->na[LM_ROW(keep, j)] = NA_NONE;
      }
    } else {
      for (size_t i = 0; i < n && !bad; i++) {
        col->v.i64[i] = 0;
        bad = frame_col_set_na(col, i, NA_CALC) != 0;
      }
      for (size_t j = 0; j < m && !bad; j++) {
        col->v.i64[LM_ROW(keep, j)] = nc->i64[j];
        if (!(nc->i64_na && nc->i64_na[j])) col->na[LM_ROW(keep, j)] = NA_NONE;
      }
    }
    if (bad || frame_add(o, col) != 0) {
      frame_col_free(col);
      lh_nomem(L, NULL);
    }
  }
}

