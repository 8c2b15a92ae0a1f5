/* host/bind/lmodel.c -- Lua module "host.model": regression, GLMs and inference
 * on a host.Frame; the time-series functions are in lmodel_ts.c and share
 * the design-building helpers declared in lmodel_int.h.  Argument checks,
 * row selection (rows missing any used value are dropped and counted; for
 * time series only at the ends) and result tables only; the numerics live
 * in host/num/ols.c, vcov.c, lincom.c, glm.c, prais.c and tsdiag.c (plain
 * C + GSL).  Only lua/csc/model.lua requires this module. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "data/denserank.h"
#include "data/frame.h"
#include "num/glm.h"
#include "lframe.h"
#include "lhelp.h"
#include "num/ols.h"
#include "num/lincom.h"
#include "num/prais.h"
#include "num/tsdiag.h"
#include "num/vcov.h"

#include "lmodel_int.h"

/* ===== Fit boxes ===== */

static int fitbox_gc(lua_State *L) {
  struct fitbox *b = lua_touserdata(L, 1);
  if (b->kind == 1) linreg_fini(&b->lin);
  if (b->kind == 2) glm_fini(&b->glm);
  if (b->kind == 3) prais_fini(&b->pr);
  b->kind = 0;
  return 0;
}

/* [-0, +1, m] */
struct fitbox *lmodel_newfitbox(lua_State *L) {
  return lh_newbox(L, sizeof(struct fitbox), "host.model.fitbox", fitbox_gc);
}

/* ===== Per-row vectors =====
 * A result's per-row vectors (fitted values, residuals, linear predictor)
 * cost more as Lua tables than the fit itself at a million rows, and most
 * analyses never read them.  The result carries each as a "host.model.vec"
 * userdata holding the doubles; csc.model makes the table on first access
 * (model.vector). */
#define VEC_TYPE "host.model.vec"

struct vec {
  const double *v;
  size_t n;
};

/* v[0..n-1] as a vector that keeps the userdata at stack index owner (the
 * fit box whose array v is) alive, or, owner 0, a copy.  [-0, +1, m] */
static void lmodel_push_vec(lua_State *L, const double *v, size_t n, int owner) {
  if (owner != 0) owner = lua_absindex(L, owner);
  struct vec *x = lua_newuserdatauv(L, sizeof *x + (owner ? 0 : (n ? n : 1) * sizeof *v), 1);
  x->n = n;
  if (owner) {
    x->v = v;
    lua_pushvalue(L, owner);
    lua_setiuservalue(L, -2, 1);
  } else {
    double *copy = (double *)(x + 1);
    memcpy(copy, v, n * sizeof *v);
    x->v = copy;
  }
  luaL_setmetatable(L, VEC_TYPE);
}

/* Lua: model.vector(vec) -> array of numbers */
static int model_vector(lua_State *L) {
  const struct vec *x = luaL_checkudata(L, 1, VEC_TYPE);
  lh_pushvector(L, x->v, x->n);
  return 1;
}

/* ===== Building the design from a frame ===== */


/* Numeric column or raise naming it (categorical columns are not numbers). */
const struct frame_col *lmodel_numcol(lua_State *L, const char *fn, const struct frame *f,
                                      const char *role, const char *name) {
  lua_pushstring(L, name);
  const struct frame_col *c = lframe_checkcol(L, f, lua_gettop(L));
  lua_pop(L, 1);
  if (c->type == FRAME_CAT)
    luaL_error(L, "%s: %s column '%s' is categorical; make 0/1 indicator columns for it", fn,
               role, name);
  return c;
}

/* The dense rank of a whole-number or categorical cluster column
 * (data/denserank.h: one pass for the range, one to mark the values
 * present; no hashing and no n doubles), the same numbers as
 * vcov_cluster_ids gives.  The table is pushed in a box that frees it;
 * NULL (nothing pushed) when the column is of another kind or its range is
 * wider: the caller hashes instead. */
static const size_t *lm_dense_rank(lua_State *L, const struct frame_col *c, const size_t *keep,
                                   size_t n, int64_t *lo, size_t *G) {
  void **box = lh_newmem(L);
  size_t *rank, span;
  int st = dense_rank(c, keep, n, &rank, lo, &span, G);
  if (st < 0) lh_nomem(L, NULL);
  if (st > 0) {
    lua_pop(L, 1);
    return NULL;
  }
  *box = rank;
  return rank;
}

/* Rows' cluster numbers from the dense rank's table.  [-0, +1, m] */
static size_t *dense_ids(lua_State *L, const struct frame_col *c, const size_t *keep, size_t n,
                         const size_t *rank, int64_t lo) {
  size_t *id = lh_scratch(L, (n ? n : 1) * sizeof *id);
  for (size_t i = 0; i < n; i++) id[i] = rank[(uint64_t)dense_value(c, keep, i) - (uint64_t)lo];
  return id;
}

/* Map a cluster column (numbers or categories) over the kept rows to
 * 0..G-1 in increasing order of value (category code), by the dense
 * rank where it applies, else vcov_cluster_ids.  Scratch pushed.  [-0, +1, m] */
static size_t *cluster_ids(lua_State *L, const struct frame_col *c, const size_t *keep, size_t n,
                           size_t *G) {   /* keep NULL: rows 0..n-1 */
  int64_t lo;
  const size_t *rank = lm_dense_rank(L, c, keep, n, &lo, G);
  if (rank != NULL) return dense_ids(L, c, keep, n, rank, lo);
  size_t *id = lh_scratch(L, n * sizeof *id);
  double *v = malloc((n + 1) * sizeof *v);
  if (v == NULL) lh_nomem(L, NULL);
  for (size_t i = 0; i < n; i++)
    v[i] = c->type == FRAME_CAT ? (double)c->v.cat[keep ? keep[i] : i]
                                : frame_col_getd(c, keep ? keep[i] : i);
  int st = vcov_cluster_ids(v, n, id, G);
  free(v);
  if (st == GSL_ENOMEM) lh_nomem(L, NULL);
  if (st != GSL_SUCCESS) luaL_error(L, "the cluster column has a value that is not a finite number");
  return id;
}

/* Args: frame at 1, y name at 2, array of x names at 3, options at 4.
 * Pushes lmodel_scratch userdata (several).  Names the first bad column.
 * views: column pointers only (lmodel_build_design_views). */
static void build_design(lua_State *L, const char *fn, struct design *d, int need_cluster,
                         int views) {
  const struct frame *f = lframe_check(L, 1);
  const char *yname = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
  lua_Integer nx = luaL_len(L, 3);
  d->intercept = lh_optbool(L, 4, "intercept", 1);
  size_t k = (size_t)nx + (d->intercept ? 1 : 0);
  if (k == 0) luaL_error(L, "%s: no covariates and no intercept", fn);
  const struct frame_col **xc = lh_scratch(L, (k + 4) * sizeof *xc);
  for (lua_Integer j = 1; j <= nx; j++) {
    if (lua_rawgeti(L, 3, j) != LUA_TSTRING)
      luaL_error(L, "%s: covariate %d must be a column name, got %s", fn, (int)j,
                 luaL_typename(L, -1));
    const char *nm = lua_tostring(L, -1);
    xc[j - 1] = lmodel_numcol(L, fn, f, "covariate", nm);
    lua_pop(L, 1);
  }
  const struct frame_col *yc = lmodel_numcol(L, fn, f, "outcome", yname);
  const char *wn = lh_optstring(L, 4, "weights", NULL, "a column name"), *on = lh_optstring(L, 4, "offset", NULL, "a column name"),
             *cn = lh_optstring(L, 4, "cluster", NULL, "a column name");
  const struct frame_col *wc = wn ? lmodel_numcol(L, fn, f, "weights", wn) : NULL;
  const struct frame_col *oc = on ? lmodel_numcol(L, fn, f, "offset", on) : NULL;
  const struct frame_col *cc = NULL;
  if (cn != NULL) {
    lua_pushstring(L, cn);
    cc = lframe_checkcol(L, f, lua_gettop(L));
    lua_pop(L, 1);
  } else if (need_cluster) {
    luaL_error(L, "%s: vcov = \"CR1\" needs the option cluster = <column name>", fn);
  }
  /* Keep the rows where every used value is present. */
  size_t N = f->nrow, n;
  xc[nx] = yc;
  xc[nx + 1] = wc;
  xc[nx + 2] = oc;
  xc[nx + 3] = cc;
  size_t *keep;
  d->trusting = 0;
  if (views == 2) {   /* lmodel_build_design_trusting */
    d->trusting = cc == NULL || cc->type != FRAME_F64;
    for (size_t j = 0; j < (size_t)nx + 4 && d->trusting; j++)
      d->trusting = xc[j] == NULL || xc[j]->na == NULL;
  }
  if (d->trusting) {
    n = N;
    keep = NULL;
    lua_pushnil(L);   /* the stack as lh_complete_rows_or_all leaves it */
  } else {
    keep = views ? lh_complete_rows_or_all(L, xc, (size_t)nx + 4, N, &n)
                 : lh_complete_rows(L, xc, (size_t)nx + 4, N, &n);
  }
  d->n = n;
  d->k = k;
  d->dropped = N - n;
  d->keep = keep;
  d->drop_row = lh_scratch(L, (N - n + 1) * sizeof *d->drop_row);
  d->drop_why = lh_scratch(L, N - n + 1);
  for (size_t i = 0, u = 0, nd = 0; i < N && n < N; i++) {
    if (u < n && keep[u] == i) {
      u++;
      continue;
    }
    enum frame_na why = NA_NONE;
    for (size_t j = 0; j < (size_t)nx + 4 && why == NA_NONE; j++)
      if (xc[j] != NULL) why = frame_col_reason(xc[j], i);
    d->drop_row[nd] = i;
    d->drop_why[nd++] = (unsigned char)why;
  }
  if (n <= k)
    lh_error(L, "analysis", "%s: %d complete rows (%d dropped for missing values) for %d coefficients; "
               "need more rows than coefficients", fn, (int)n, (int)(N - n), (int)k);
  const size_t *rows = n == N ? NULL : keep;   /* NULL: every row */
  size_t j0 = d->intercept ? 1 : 0;
  d->Xc = lh_scratch(L, k * sizeof *d->Xc);
  d->w = d->off = NULL;
  if (views) {
    /* The covariates (float64 or int64), then y, weights and offset
     * (doubles): pointers into the frame where they can be, else a
     * gathered block each. */
    size_t nv = 0;
    const double **vp = lh_scratch(L, ((size_t)nx + 3) * sizeof *vp);
    const int64_t **ip = lh_scratch(L, ((size_t)nx + 1) * sizeof *ip);
    const struct frame_col *yw[3];
    lh_column_views(L, xc, (size_t)nx, rows, n, vp, ip);
    yw[nv++] = yc;
    if (wc) yw[nv++] = wc;
    if (oc) yw[nv++] = oc;
    lh_column_views(L, yw, nv, rows, n, vp + nx, NULL);
    d->X = NULL;
    if (d->intercept) d->Xc[0] = (struct glm_col){NULL, NULL};
    for (lua_Integer j = 0; j < nx; j++) d->Xc[j0 + (size_t)j] = (struct glm_col){vp[j], ip[j]};
    d->y = vp[nx];
    if (wc) d->w = vp[nx + 1];
    if (oc) d->off = vp[nx + 1 + (wc != NULL)];
  } else {
    d->X = lh_scratch(L, n * k * sizeof *d->X);
    double *y = lh_scratch(L, n * sizeof *y);
    if (d->intercept)
      for (size_t i = 0; i < n; i++) d->X[i] = 1;
    for (size_t j = 0; j < k; j++) d->Xc[j] = (struct glm_col){d->X + j * n, NULL};
    lh_gather_cols(L, xc, (size_t)nx, rows, n, d->X + n * j0);
    frame_col_gatherd(yc, rows, n, y);
    d->y = y;
    if (wc) {
      double *w = lh_scratch(L, n * sizeof *w);
      frame_col_gatherd(wc, rows, n, w);
      d->w = w;
    }
    if (oc) {
      double *off = lh_scratch(L, n * sizeof *off);
      frame_col_gatherd(oc, rows, n, off);
      d->off = off;
    }
  }
  d->cl = NULL;
  d->G = 0;
  d->cl_i64 = NULL;
  d->cl_cat = NULL;
  d->cl_rank = NULL;
  /* Views with every row used: the cluster column itself and its rank
   * table where it can be (lmodel_cluster_ids makes the numbers if a
   * later step needs them). */
  if (cc && views && rows == NULL && cc->na == NULL &&
      (d->cl_rank = lm_dense_rank(L, cc, NULL, n, &d->cl_lo, &d->G)) != NULL) {
    if (cc->type == FRAME_I64) d->cl_i64 = cc->v.i64;
    else d->cl_cat = cc->v.cat;
    return;
  }
  if (cc) d->cl = cluster_ids(L, cc, keep, n, &d->G);
}

const size_t *lmodel_cluster_ids(lua_State *L, struct design *d) {
  if (d->cl == NULL && d->cl_rank != NULL) {
    size_t *id = lh_scratch(L, (d->n ? d->n : 1) * sizeof *id);
    for (size_t i = 0; i < d->n; i++)
      id[i] = d->cl_rank[(uint64_t)(d->cl_i64 != NULL ? d->cl_i64[i] : (int64_t)d->cl_cat[i]) -
                         (uint64_t)d->cl_lo];
    d->cl = id;
  } else {
    lua_pushnil(L);
  }
  return d->cl;
}

void lmodel_build_design(lua_State *L, const char *fn, struct design *d, int need_cluster) {
  build_design(L, fn, d, need_cluster, 0);
}

void lmodel_build_design_views(lua_State *L, const char *fn, struct design *d, int need_cluster) {
  build_design(L, fn, d, need_cluster, 1);
}

void lmodel_build_design_trusting(lua_State *L, const char *fn, struct design *d, int need_cluster) {
  build_design(L, fn, d, need_cluster, 2);
}

/* Name of design column j: "(Intercept)" or the covariate name.  [-0, +1, -] */
static void pushterm(lua_State *L, const struct design *d, size_t j) {
  if (d->intercept && j == 0)
    lua_pushliteral(L, "(Intercept)");
  else
    lua_rawgeti(L, 3, (lua_Integer)(j - (d->intercept ? 1 : 0) + 1));
}

/* Domain words for a failed fit; frees the fit first (via the box). */
int lmodel_fit_error(lua_State *L, const char *fn, const struct design *d, int st, size_t bad_col,
                     size_t bad_row) {
  const char *what = "numerical failure";
  if (st == GSL_ESING) {
    pushterm(L, d, bad_col);
    const char *nm = lua_tostring(L, -1);
    int allzero = 1;
    const struct glm_col *c = &d->Xc[bad_col];   /* both NULL: the intercept */
    for (size_t i = 0; i < d->n && allzero; i++)
      allzero = c->f64 != NULL ? c->f64[i] == 0 : c->i64 != NULL && c->i64[i] == 0;
    if (allzero)
      return lh_error_col(L, "analysis:collinear", nm, "%s: column '%s' is all zero in the rows used", fn, nm);
    return lh_error_col(L, "analysis:collinear", nm, "%s: column '%s' is a linear combination of earlier "
                        "columns (collinear); drop it or one of the columns it repeats", fn, nm);
  }
  if (st == GSL_EDOM) {
    const char *role = bad_col < d->k ? "covariate" : bad_col == d->k ? "outcome"
                       : bad_col == d->k + 1 ? "weights" : "offset";
    if (bad_col < d->k) {
      pushterm(L, d, bad_col);
      return luaL_error(L, "%s: covariate '%s' has a non-finite value in used row %d", fn,
                        lua_tostring(L, -1), (int)bad_row + 1);
    }
    return luaL_error(L, "%s: the %s has an invalid value in used row %d (%s)", fn, role,
                      (int)bad_row + 1,
                      bad_col == d->k + 1 ? "weights must be finite and > 0"
                                          : "outside the family's range, or not finite");
  }
  if (st == GSL_EFAILED) what = "no finite deviance even after step halving";
  if (st == GSL_ENOMEM) return lh_nomem(L, fn);
  return luaL_error(L, "%s: %s", fn, what);
}

static void pushmat(lua_State *L, const double *V, size_t k) {
  lua_createtable(L, (int)k, 0);
  for (size_t a = 0; a < k; a++) {
    lua_createtable(L, (int)k, 0);
    for (size_t c = 0; c < k; c++) {
      lua_pushnumber(L, V[a + c * k]);
      lua_rawseti(L, -2, (lua_Integer)c + 1);
    }
    lua_rawseti(L, -2, (lua_Integer)a + 1);
  }
}

/* terms, coef, se, statistic, p_value, vcov on the table at the top. */
void lmodel_push_coefs(lua_State *L, const struct design *d, const double *b, const double *V,
                       double df) {
  size_t k = d->k;
  lua_createtable(L, (int)k, 0);
  for (size_t j = 0; j < k; j++) {
    pushterm(L, d, j);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "terms");
  lh_pushvector(L, b, k);
  lua_setfield(L, -2, "coef");
  lua_createtable(L, (int)k, 0);
  lua_createtable(L, (int)k, 0);
  lua_createtable(L, (int)k, 0);
  for (size_t j = 0; j < k; j++) {
    double se = sqrt(V[j + j * k]), t = b[j] / se;
    lua_pushnumber(L, se);
    lua_rawseti(L, -4, (lua_Integer)j + 1);
    lua_pushnumber(L, t);
    lua_rawseti(L, -3, (lua_Integer)j + 1);
    lua_pushnumber(L, lintest_p_two(t, df));
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -4, "p_value");
  lua_setfield(L, -3, "statistic");
  lua_setfield(L, -2, "se");
  pushmat(L, V, k);
  lua_setfield(L, -2, "vcov");
  lh_setnum(L, "df", df);
}

const char *const lmodel_vcov_names[] = {"classical", "HC0", "HC1", "HC2", "HC3", "CR1", "HAC",
                                         NULL};

/* Covariance of the requested type; raise with domain words on failure. */
void lmodel_compute_vcov(lua_State *L, const char *fn, int type, const struct design *d,
                         struct vcov_data *vd, double sigma2, size_t lag, int cl_adjust,
                         double *V) {
  int st;
  switch (type) {
  case 0: st = vcov_classical(vd, sigma2, V); break;
  case 1: case 2: case 3: case 4: st = vcov_hc(vd, (enum vcov_hc)(type - 1), V); break;
  case 5:
    if (d->G < 2) luaL_error(L, "%s: the cluster column has %d cluster; need at least 2", fn,
                             (int)d->G);
    st = vcov_cluster(vd, d->cl, d->G, cl_adjust, V);
    break;
  default:
    if (lag >= d->n) luaL_error(L, "%s: lag %d must be below the %d rows used", fn, (int)lag,
                                (int)d->n);
    st = vcov_hac(vd, lag, V);
  }
  if (st == GSL_EDOM)
    luaL_error(L, "%s: a row has leverage 1, so HC2/HC3 are undefined; use HC1", fn);
  if (st != GSL_SUCCESS) luaL_error(L, "%s: %s", fn, gsl_strerror(st));
}

static size_t optlag(lua_State *L, int opts) {
  if (lua_isnoneornil(L, opts)) return 0;
  lua_getfield(L, opts, "lag");
  lua_Integer lag = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  if (lag < 0) luaL_error(L, "option 'lag' must be >= 0");
  return (size_t)lag;
}

/* opts.vcov as an index into lmodel_vcov_names (aliases: robust = HC1,
 * cluster = CR1, newey = HAC). */
void lmodel_push_result(lua_State *L, int nrec, const struct design *d, const double *b, const double *V,
                        double df, int vt, const double *fitted, int owner) {
  lua_createtable(L, 0, nrec);
  lmodel_push_coefs(L, d, b, V, df);
  lua_pushstring(L, lmodel_vcov_names[vt]);
  lua_setfield(L, -2, "vcov_type");
  lmodel_push_vec(L, fitted, d->n, owner);
  lua_setfield(L, -2, "fitted");
}

/* n, n_dropped, dropped (by reason: {reason, n, rows}, rows 1-based frame
 * rows in order; reason "not a finite number" for NaN or Inf whether read
 * or calculated) and, with a cluster option, n_clusters.  [-0, +0, m] */
static void lmodel_set_rows(lua_State *L, const struct design *d) {
  lh_setint(L, "n", (lua_Integer)d->n);
  lh_setint(L, "n_dropped", (lua_Integer)d->dropped);
  lua_createtable(L, 2, 0);
  int ng = 0;
  for (int r = 0; r < NA_NREASONS; r++) {
    size_t cnt = 0;
    for (size_t i = 0; i < d->dropped; i++) cnt += d->drop_why[i] == r;
    if (cnt == 0) continue;
    lua_createtable(L, 0, 3);
    lua_pushstring(L, r == NA_CALC ? "not a finite number (Inf, NaN, or a calculation such as log(0))"
                      : r == NA_NONE ? "missing" : frame_na_describe((enum frame_na)r));
    lua_setfield(L, -2, "reason");
    lh_setint(L, "n", (lua_Integer)cnt);
    lua_createtable(L, (int)cnt, 0);
    lua_Integer t = 0;
    for (size_t i = 0; i < d->dropped; i++)
      if (d->drop_why[i] == r) {
        lua_pushinteger(L, (lua_Integer)d->drop_row[i] + 1);
        lua_rawseti(L, -2, ++t);
      }
    lua_setfield(L, -2, "rows");
    lua_rawseti(L, -2, ++ng);
  }
  lua_setfield(L, -2, "dropped");
  if (d->cl != NULL || d->cl_rank != NULL) lh_setint(L, "n_clusters", (lua_Integer)d->G);
}

/* The rank tolerance opts[field] (ols.h), dflt when absent. */
double lmodel_opttol(lua_State *L, int opts, const char *field, double dflt) {
  if (lua_isnoneornil(L, opts)) return dflt;
  lua_getfield(L, opts, field);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return dflt;
  }
  double t = luaL_checknumber(L, -1);
  lua_pop(L, 1);
  if (!(t > 0 && t < 1)) luaL_error(L, "option '%s' (rank tolerance) must be in (0, 1)", field);
  return t;
}

int lmodel_optvcov(lua_State *L, int opts, const char *fn) {
  const char *v = NULL;
  if (!lua_isnoneornil(L, opts)) {
    lua_getfield(L, opts, "vcov");
    v = lua_isnil(L, -1) ? NULL : lua_tostring(L, -1);
    if (!lua_isnil(L, -1) && v == NULL) luaL_error(L, "%s: option vcov must be a string", fn);
    lua_pop(L, 1);
  }
  if (v == NULL) return 0;
  if (strcmp(v, "robust") == 0) return 2;
  if (strcmp(v, "cluster") == 0) return 5;
  if (strcmp(v, "newey") == 0) return 6;
  for (int i = 0; lmodel_vcov_names[i] != NULL; i++)
    if (strcmp(v, lmodel_vcov_names[i]) == 0) return i;
  return luaL_error(L, "%s: unknown vcov \"%s\" (classical, HC0, HC1, HC2, HC3, CR1, HAC)",
                    fn, v);
}

/* The cluster column of a design, as the cluster meat reads it (a rebuilt
 * design gives new views, so this runs again after a rebuild). */
static void meat_take_clusters(struct linreg_meat *m, const struct design *d) {
  m->cluster = d->cl;
  m->cl_i64 = d->cl_i64;
  m->cl_cat = d->cl_cat;
  m->cl_lo = d->cl_lo;
  m->cl_rank = d->cl_rank;
  m->G = d->G;
}

/* Lua: model.ols(frame, y, {x...}, {weights=, vcov=, cluster=, lag=, intercept=})
 *   -> {terms, coef, se, statistic, p_value, vcov, df, fitted, resid, sigma, r2, ...}
 * OLS/WLS as R lm(); vcov as sandwich/Stata (see host/num/vcov.h). */
static int model_ols(lua_State *L) {
  const char *fn = "ols";
  int vt = lmodel_optvcov(L, 4, fn);
  size_t lag = optlag(L, 4);
  /* The design's columns are read in place (views), and the HC and
   * cluster meats are formed in the fit's last pass (linreg_fit_cols):
   * no n x k copy, and no pass of their own. */
  struct design d;
  lmodel_build_design_trusting(L, fn, &d, vt == 5);
  if (vt == 5 && d.cl == NULL && d.cl_rank == NULL)
    luaL_error(L, "%s: vcov = \"CR1\" needs cluster = <column>", fn);
  if (vt == 5 && d.G < 2)
    luaL_error(L, "%s: the cluster column has %d cluster; need at least 2", fn, (int)d.G);
  double *V = lh_scratch(L, d.k * d.k * sizeof *V), *M = lh_scratch(L, d.k * d.k * sizeof *M);
  struct linreg_meat meat = {LINREG_MEAT_NONE, 0, NULL, NULL, NULL, 0, NULL, 0, M, 0, 0};
  if (vt >= 1 && vt <= 4) {
    meat.kind = LINREG_MEAT_HC;
    meat.hc = vt - 1;
  } else if (vt == 5) {
    meat.kind = LINREG_MEAT_CLUSTER;
    meat_take_clusters(&meat, &d);
  }
  struct fitbox *box = lmodel_newfitbox(L);
  int bi = lua_gettop(L);
  box->kind = 1;
  double tol = lmodel_opttol(L, 4, "tol", LINREG_TOL);
  int st = linreg_fit_cols(d.Xc, d.n, d.k, d.y, d.w, d.intercept, tol,
                           meat.kind != LINREG_MEAT_NONE ? &meat : NULL, &box->lin);
  if (st == GSL_EDOM && d.trusting) {
    /* a NaN or Inf (or a bad weight): the rows as usual, dropping the
     * non-finite values, then the fit again */
    lmodel_build_design_views(L, fn, &d, vt == 5);
    meat_take_clusters(&meat, &d);
    if (vt == 5 && d.G < 2)
      luaL_error(L, "%s: the cluster column has %d cluster; need at least 2", fn, (int)d.G);
    st = linreg_fit_cols(d.Xc, d.n, d.k, d.y, d.w, d.intercept, tol,
                         meat.kind != LINREG_MEAT_NONE ? &meat : NULL, &box->lin);
  }
  if (st != GSL_SUCCESS) return lmodel_fit_error(L, fn, &d, st, box->lin.bad_col, box->lin.bad_row);
  struct linreg_fit *fit = &box->lin;
  struct vcov_data vd = {NULL, d.n, d.k, fit->resid, d.w, fit->xtxi, NULL, fit->rinv, d.Xc};
  if (meat.bad) luaL_error(L, "%s: a row has leverage 1, so HC2/HC3 are undefined; use HC1", fn);
  if (meat.done) {
    double dn = (double)d.n, dk = (double)d.k, dg = (double)d.G;
    double f = vt == 2 ? dn / (dn - dk) : vt == 5 ? dg / (dg - 1) * ((dn - 1) / (dn - dk)) : 1;
    st = vcov_from_meat(&vd, M, f, V);
    if (st != GSL_SUCCESS) luaL_error(L, "%s: %s", fn, gsl_strerror(st));
  } else {
    if (vt == 5) lmodel_cluster_ids(L, &d);
    lmodel_compute_vcov(L, fn, vt, &d, &vd, fit->sigma2, lag, 1, V);
  }
  lmodel_push_result(L, 24, &d, fit->coef, V, fit->df_resid, vt, fit->fitted, bi);
  lmodel_push_vec(L, fit->resid, d.n, bi);
  lua_setfield(L, -2, "resid");
  lh_setnum(L, "df_resid", fit->df_resid);
  lh_setnum(L, "sigma", sqrt(fit->sigma2));
  lh_setnum(L, "r2", fit->r2);
  lh_setnum(L, "adj_r2", fit->adj_r2);
  lh_setnum(L, "fstat", fit->fstat);
  lh_setnum(L, "f_df1", fit->f_df1);
  lh_setnum(L, "f_df2", fit->f_df2);
  lh_setnum(L, "f_p", fit->f_p);
  lh_setnum(L, "loglik", fit->loglik);
  lh_setnum(L, "aic", fit->aic);
  lh_setnum(L, "bic", fit->bic);
  lmodel_set_rows(L, &d);
  lua_pushstring(L, d.w ? "WLS" : "OLS");
  lua_setfield(L, -2, "method");
  return 1;
}

/* Lua: model.glm(frame, y, {x...}, {family=, link=, weights=, offset=, vcov=,
 *   cluster=, maxit=, epsilon=, intercept=}) -> result table as ols plus
 * deviance, null_deviance, iter, converged.  R glm() conventions; cluster
 * as Stata logit/poisson vce(cluster) (factor G/(G-1)). */
static int model_glm(lua_State *L) {
  const char *fn = "glm";
  static const char *const fams[] = {"binomial", "poisson", NULL};
  static const char *const links[] = {"logit", "probit", "log", NULL};
  enum glm_family fam = GLM_BINOMIAL;
  enum glm_link link = GLM_LOGIT;
  struct glm_opts o = glm_opts_default(fam, link);
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_getfield(L, 4, "family");
    fam = (enum glm_family)luaL_checkoption(L, lua_gettop(L), "binomial", fams);
    lua_getfield(L, 4, "link");
    link = (enum glm_link)luaL_checkoption(L, lua_gettop(L), fam == GLM_POISSON ? "log" : "logit",
                                           links);
    lua_getfield(L, 4, "maxit");
    o.maxit = (int)luaL_optinteger(L, -1, 25);
    lua_getfield(L, 4, "epsilon");
    o.epsilon = luaL_optnumber(L, -1, 1e-8);
    lua_pop(L, 4);
    o.tol = lmodel_opttol(L, 4, "tol", 0);
  }
  if ((fam == GLM_POISSON) != (link == GLM_LOG))
    luaL_error(L, "%s: link '%s' does not go with family '%s' (binomial: logit or probit; "
               "poisson: log)", fn, links[link], fams[fam]);
  o.family = fam;
  o.link = link;
  int vt = lmodel_optvcov(L, 4, fn);
  if (vt > 5) luaL_error(L, "%s: vcov \"%s\" is for least squares only", fn, lmodel_vcov_names[vt]);
  if (vt == 3 || vt == 4) luaL_error(L, "%s: vcov HC2/HC3 are not offered for GLMs; use HC0 or HC1", fn);
  /* The classical covariance needs only (X'WX)^-1: the fit then reads the
   * frame's columns in place and keeps no working vectors.  The sandwich
   * types read X, the working residuals and weights after the fit. */
  struct design d;
  o.lean = vt == 0;
  if (o.lean)
    lmodel_build_design_views(L, fn, &d, 0);
  else
    lmodel_build_design(L, fn, &d, vt == 5);
  /* A constant outcome has no finite maximum likelihood estimate: every y
   * 0 or every y 1 (binomial), every y 0 (Poisson).  R's glm() iterates
   * until the intercept is about 25 with a standard error near 1e5 and
   * says nothing; this is an analysis error. */
  {
    int all0 = 1, all1 = 1;
    for (size_t i = 0; i < d.n && (all0 || all1); i++) {
      all0 &= d.y[i] == 0;
      all1 &= d.y[i] == 1;
    }
    if (all0 || (all1 && fam == GLM_BINOMIAL))
      return lh_error(L, "analysis", "%s: the outcome '%s' is %s in all %d rows used, so a %s "
                      "model has no finite estimates (the intercept would be %s infinity); "
                      "check the outcome and the rows selected", fn, lua_tostring(L, 2),
                      all0 ? "0" : "1", (int)d.n, fam == GLM_BINOMIAL ? links[link] : "Poisson",
                      all0 ? "minus" : "plus");
  }
  struct fitbox *box = lmodel_newfitbox(L);
  int bi = lua_gettop(L);
  box->kind = 2;
  int st = glm_fit_cols(d.Xc, d.n, d.k, d.y, d.w, d.off, d.intercept, &o, &box->glm);
  if (st != GSL_SUCCESS) return lmodel_fit_error(L, fn, &d, st, box->glm.bad_col, box->glm.bad_row);
  struct glm_fit *g = &box->glm;
  /* Separation and divergence are errors: the estimates would be meaningless. */
  for (size_t j = 0; j < d.k; j++)
    if (g->sep[j] != GLM_SEP_NONE) {
      pushterm(L, &d, j);
      return lh_error(L, "analysis", "%s: %s separation: column '%s' alone predicts the outcome exactly "
                        "(a threshold on it splits y = 0 from y = 1), so its coefficient is "
                        "infinite; drop it or combine categories", fn,
                        g->sep[j] == GLM_SEP_COMPLETE ? "complete" : "quasi-complete",
                        lua_tostring(L, -1));
    }
  if (g->n_boundary > 0 || !g->converged) {
    luaL_Buffer B;
    luaL_buffinit(L, &B);
    int any = 0;
    for (size_t j = 0; j < d.k; j++)
      if (g->drift[j]) {
        pushterm(L, &d, j);
        luaL_addstring(&B, any ? ", '" : "'");
        luaL_addstring(&B, lua_tostring(L, -1));
        lua_pop(L, 1);
        luaL_addchar(&B, '\'');
        any = 1;
      }
    luaL_pushresult(&B);
    const char *cols = lua_tostring(L, -1);
    if (g->n_boundary > 0)
      return lh_error(L, "analysis", "%s: %d fitted %s numerically %s: the outcome is (nearly) perfectly "
                        "predicted%s%s; the estimates are not finite", fn, (int)g->n_boundary,
                        fam == GLM_BINOMIAL ? "probabilities are" : "rates are",
                        fam == GLM_BINOMIAL ? "0 or 1" : "0", any ? " by a combination of " : "",
                        cols);
    return lh_error(L, "analysis", "%s: did not converge in %d iterations (deviance still changing)%s%s; "
                    "raise maxit or simplify the model", fn, o.maxit,
                    any ? "; coefficients still moving: " : "", cols);
  }
  double *h = NULL, *V = lh_scratch(L, d.k * d.k * sizeof *V);
  struct vcov_data vd = {d.X, d.n, d.k, g->wres, g->wwt, g->xtxi, h, g->rinv, NULL};
  lmodel_compute_vcov(L, fn, vt, &d, &vd, 1.0, 0, 0, V);
  lmodel_push_result(L, 24, &d, g->coef, V, INFINITY, vt, g->mu, bi);
  lmodel_push_vec(L, g->eta, d.n, bi);
  lua_setfield(L, -2, "linear_predictor");
  lh_setnum(L, "deviance", g->deviance);
  lh_setnum(L, "null_deviance", g->null_deviance);
  /* Pearson's X^2 = sum w (y - mu)^2 / V(mu) at the final means (summed in
   * the fit's last pass): the quasi-likelihood dispersion is X^2 / df_resid
   * (R summary.glm). */
  lh_setnum(L, "pearson_chi2", g->pearson);
  lh_setnum(L, "df_resid", g->df_resid);
  lh_setnum(L, "df_null", g->df_null);
  lh_setnum(L, "loglik", g->loglik);
  lh_setnum(L, "aic", g->aic);
  lh_setnum(L, "bic", g->bic);
  lua_pushinteger(L, g->iter);
  lua_setfield(L, -2, "iter");
  lmodel_set_rows(L, &d);
  lua_pushfstring(L, "GLM %s(%s)", fams[fam], links[link]);
  lua_setfield(L, -2, "method");
  return 1;
}

/* ===== Inference on a result ===== */

/* result.coef, result.vcov and result.df as C arrays.  [-0, +2, e] */
static size_t result_bv(lua_State *L, int res, double **b, double **V, double *df) {
  luaL_checktype(L, res, LUA_TTABLE);
  lua_getfield(L, res, "coef");
  luaL_argexpected(L, lua_istable(L, -1), res, "model result with coef");
  size_t k = (size_t)luaL_len(L, -1);
  *b = lh_scratch(L, k * sizeof **b);
  *V = lh_scratch(L, k * k * sizeof **V);
  for (size_t j = 0; j < k; j++) {
    lua_rawgeti(L, -3, (lua_Integer)j + 1);
    (*b)[j] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  lua_getfield(L, res, "vcov");
  luaL_argexpected(L, lua_istable(L, -1), res, "model result with vcov");
  for (size_t a = 0; a < k; a++) {
    lua_rawgeti(L, -1, (lua_Integer)a + 1);
    for (size_t c = 0; c < k; c++) {
      lua_rawgeti(L, -1, (lua_Integer)c + 1);
      (*V)[a + c * k] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, res, "df");
  *df = luaL_optnumber(L, -1, INFINITY);
  lua_pop(L, 1);
  lua_remove(L, -3);   /* coef table; leaves the two lmodel_scratch boxes */
  return k;
}

/* Lua: model.lincom(result, c [, c0 [, level]]) -> {estimate, se, statistic,
 *   df, p_value, conf_low, conf_high}   (Stata lincom; c in term order) */
static int model_lincom(lua_State *L) {
  double *b, *V, df;
  size_t k = result_bv(L, 1, &b, &V, &df);
  luaL_checktype(L, 2, LUA_TTABLE);
  if ((size_t)luaL_len(L, 2) != k)
    luaL_argerror(L, 2, lua_pushfstring(L, "need %d weights, one per term", (int)k));
  double *c = lh_scratch(L, k * sizeof *c);
  for (size_t j = 0; j < k; j++) {
    lua_rawgeti(L, 2, (lua_Integer)j + 1);
    c[j] = luaL_checknumber(L, -1);
    lua_pop(L, 1);
  }
  double c0 = luaL_optnumber(L, 3, 0), level = luaL_optnumber(L, 4, 0.95);
  luaL_argcheck(L, level > 0 && level < 1, 4, "level must be in (0, 1)");
  struct lintest_lincom r;
  if (lintest_lincom(b, V, k, c, c0, df, level, &r) != GSL_SUCCESS)
    return lh_error(L, "analysis:negative_variance",
                    "lincom: the covariance gives a negative variance for this combination");
  lua_createtable(L, 0, 7);
  lh_set_estimate(L, r.estimate, r.se, r.statistic, r.df, r.p_value, r.conf_low, r.conf_high);
  return 1;
}

/* Lua: model.wald(result, {{row}...} [, r]) -> {chi2, p_chi2, F, df1, df2, p_F}
 *   (Stata test: F after least squares, chi-square after GLMs) */
static int model_wald(lua_State *L) {
  double *b, *V, df;
  size_t k = result_bv(L, 1, &b, &V, &df);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t q = (size_t)luaL_len(L, 2);
  luaL_argcheck(L, q > 0, 2, "need at least one restriction");
  double *Rm = lh_scratch(L, q * k * sizeof *Rm), *r = lh_scratch(L, q * sizeof *r);
  for (size_t i = 0; i < q; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    luaL_argcheck(L, lua_istable(L, -1) && (size_t)luaL_len(L, -1) == k, 2,
                  "each restriction is an array with one weight per term");
    for (size_t j = 0; j < k; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      Rm[i * k + j] = luaL_checknumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    r[i] = 0;
    if (lua_istable(L, 3)) {
      lua_rawgeti(L, 3, (lua_Integer)i + 1);
      r[i] = luaL_optnumber(L, -1, 0);
      lua_pop(L, 1);
    }
  }
  struct lintest_wald w;
  int st = lintest_wald(b, V, k, Rm, r, q, df, &w);
  if (st == GSL_EDOM)
    return luaL_error(L, "wald: the restrictions are linearly dependent (or involve a "
                      "coefficient with zero variance)");
  if (st != GSL_SUCCESS) return luaL_error(L, "wald: %s", gsl_strerror(st));
  lua_createtable(L, 0, 6);
  lh_setnum(L, "chi2", w.chi2);
  lh_setnum(L, "p_chi2", w.p_chi2);
  lh_set_ftest(L, w.F, w.df1, w.df2, w.p_F);
  return 1;
}

/* Lua: model.predict(result, frame) -> {fit = {...}, se = {...}}
 * Linear predictor x0'b with se sqrt(x0'V x0) for every row of frame
 * (Stata predict, xb / stdp).  Rows missing a covariate raise. */
static int model_predict(lua_State *L) {
  double *b, *V, df;
  size_t k = result_bv(L, 1, &b, &V, &df);
  const struct frame *f = lframe_check(L, 2);
  size_t m = f->nrow;
  double *X0 = lh_scratch(L, (m > 0 ? m : 1) * k * sizeof *X0);
  lua_getfield(L, 1, "terms");
  luaL_argexpected(L, lua_istable(L, -1), 1, "model result with terms");
  for (size_t j = 0; j < k; j++) {
    lua_rawgeti(L, -1, (lua_Integer)j + 1);
    const char *nm = lua_tostring(L, -1);
    if (nm != NULL && strcmp(nm, "(Intercept)") == 0) {
      for (size_t i = 0; i < m; i++) X0[i + m * j] = 1;
    } else {
      const struct frame_col *c = lmodel_numcol(L, "predict", f, "covariate", nm ? nm : "?");
      for (size_t i = 0; i < m; i++) {
        if (frame_col_missing(c, i))
          return luaL_error(L, "predict: covariate '%s' is missing in row %d of the new data",
                            nm, (int)i + 1);
        X0[i + m * j] = frame_col_getd(c, i);
      }
    }
    lua_pop(L, 1);
  }
  double *fit = lh_scratch(L, (m > 0 ? m : 1) * sizeof *fit), *se = lh_scratch(L, (m > 0 ? m : 1) * sizeof *se);
  lintest_predict(b, V, k, X0, m, fit, se);
  lua_createtable(L, 0, 2);
  lh_pushvector(L, fit, m);
  lua_setfield(L, -2, "fit");
  lh_pushvector(L, se, m);
  lua_setfield(L, -2, "se");
  return 1;
}

static const luaL_Reg model_funcs[] = {
    {"ols", model_ols},       {"glm", model_glm},         {"lincom", model_lincom},
    {"wald", model_wald},     {"predict", model_predict}, {"vector", model_vector},
    {NULL, NULL}};

int luaopen_host_model(lua_State *L) {
  luaL_newmetatable(L, VEC_TYPE);
  lua_pop(L, 1);
  luaL_newlib(L, model_funcs);
  luaL_setfuncs(L, lmodel_ts_funcs, 0);
  luaL_setfuncs(L, lmodel_poly_funcs, 0);
  return 1;
}
