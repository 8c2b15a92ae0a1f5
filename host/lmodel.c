/* host/lmodel.c -- Lua module "host.model": regression and time-series
 * diagnostics on a host.Frame.  Argument checks, row selection (rows
 * missing any used value are dropped and counted; for time series only at
 * the ends) and result tables only; the numerics live in host/linreg.c,
 * vcov.c, lintest.c, glm.c, prais.c and tsdiag.c (plain C + GSL).  Only
 * lua/csc/model.lua requires this module.  Exports luaopen_host_model
 * alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "frame.h"
#include "glm.h"
#include "lframe.h"
#include "linreg.h"
#include "lintest.h"
#include "prais.h"
#include "tsdiag.h"
#include "vcov.h"

/* ===== Scratch and fit boxes ===== */

/* GC-owned scratch: a raised error cannot leak it.  [-0, +1, m] */
static void *scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes > 0 ? bytes : 1, 0);
}

/* A fit whose arrays are malloc'ed by linreg/glm, freed by __gc even if a
 * later push raises.  Created zeroed (a zeroed fit is safe to finalise). */
struct fitbox {
  int kind;                /* 0 none, 1 linreg, 2 glm, 3 prais */
  struct linreg_fit lin;
  struct glm_fit glm;
  struct prais_fit pr;
};

static int fitbox_gc(lua_State *L) {
  struct fitbox *b = lua_touserdata(L, 1);
  if (b->kind == 1) linreg_fini(&b->lin);
  if (b->kind == 2) glm_fini(&b->glm);
  if (b->kind == 3) prais_fini(&b->pr);
  b->kind = 0;
  return 0;
}

/* [-0, +1, m] */
static struct fitbox *newfitbox(lua_State *L) {
  struct fitbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, "host.model.fitbox")) {
    lua_pushcfunction(L, fitbox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

/* ===== Building the design from a frame ===== */

struct design {
  size_t n, k, dropped;  /* rows used, columns (intercept included), rows dropped */
  double *X, *y, *w, *off;
  size_t *cl, G;
  size_t *keep;          /* frame row of each used row */
  int intercept;
};

/* Numeric column or raise naming it (categorical columns are not numbers). */
static const struct frame_col *numcol(lua_State *L, const char *fn, const struct frame *f,
                                      const char *role, const char *name) {
  lua_pushstring(L, name);
  const struct frame_col *c = lframe_checkcol(L, f, lua_gettop(L));
  lua_pop(L, 1);
  if (c->type == FRAME_CAT)
    luaL_error(L, "%s: %s column '%s' is categorical; make 0/1 indicator columns for it", fn,
               role, name);
  return c;
}

/* opts[key] as a column name, or NULL.  [-0, +0, e] */
static const char *optname(lua_State *L, int opts, const char *key) {
  if (lua_isnoneornil(L, opts)) return NULL;
  lua_getfield(L, opts, key);
  const char *s = lua_isnil(L, -1) ? NULL : lua_tostring(L, -1);
  if (!lua_isnil(L, -1) && s == NULL) luaL_error(L, "option '%s' must be a column name", key);
  lua_pop(L, 1);   /* the string stays alive: it is stored in the opts table */
  return s;
}

static int optbool(lua_State *L, int opts, const char *key, int dflt) {
  if (lua_isnoneornil(L, opts)) return dflt;
  lua_getfield(L, opts, key);
  int v = lua_isnil(L, -1) ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static int cmp_pair(const void *a, const void *b) {
  const double *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] < y[1] ? -1 : x[1] > y[1]);
}

/* Map a cluster column (numbers or categories) over the kept rows to
 * 0..G-1, by sorting (value, row) pairs.  Scratch pushed.  [-0, +1, m] */
static size_t *cluster_ids(lua_State *L, const struct frame_col *c, const size_t *keep, size_t n,
                           size_t *G) {
  size_t *id = scratch(L, n * sizeof *id);
  double *pr = malloc(2 * n * sizeof *pr);
  if (pr == NULL) luaL_error(L, "not enough memory");
  for (size_t i = 0; i < n; i++) {
    pr[2 * i] = c->type == FRAME_CAT ? (double)c->v.cat[keep[i]] : frame_col_getd(c, keep[i]);
    pr[2 * i + 1] = (double)i;
  }
  qsort(pr, n, 2 * sizeof *pr, cmp_pair);
  *G = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && pr[2 * i] != pr[2 * i - 2]) (*G)++;
    id[(size_t)pr[2 * i + 1]] = *G;
  }
  if (n > 0) (*G)++;
  free(pr);
  return id;
}

static int row_missing(const struct frame_col *c, size_t i) {
  if (c->type == FRAME_CAT) return frame_col_isna(c, i);
  return frame_col_isna(c, i) || isnan(frame_col_getd(c, i));
}

/* Args: frame at 1, y name at 2, array of x names at 3, options at 4.
 * Pushes scratch userdata (several).  Names the first bad column. */
static void build_design(lua_State *L, const char *fn, struct design *d, int need_cluster) {
  const struct frame *f = lframe_check(L, 1);
  const char *yname = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (!lua_isnoneornil(L, 4)) luaL_checktype(L, 4, LUA_TTABLE);
  lua_Integer nx = luaL_len(L, 3);
  d->intercept = optbool(L, 4, "intercept", 1);
  size_t k = (size_t)nx + (d->intercept ? 1 : 0);
  if (k == 0) luaL_error(L, "%s: no covariates and no intercept", fn);
  const struct frame_col **xc = scratch(L, (k + 4) * sizeof *xc);
  for (lua_Integer j = 1; j <= nx; j++) {
    if (lua_rawgeti(L, 3, j) != LUA_TSTRING)
      luaL_error(L, "%s: covariate %d must be a column name, got %s", fn, (int)j,
                 luaL_typename(L, -1));
    const char *nm = lua_tostring(L, -1);
    xc[j - 1] = numcol(L, fn, f, "covariate", nm);
    lua_pop(L, 1);
  }
  const struct frame_col *yc = numcol(L, fn, f, "outcome", yname);
  const char *wn = optname(L, 4, "weights"), *on = optname(L, 4, "offset"),
             *cn = optname(L, 4, "cluster");
  const struct frame_col *wc = wn ? numcol(L, fn, f, "weights", wn) : NULL;
  const struct frame_col *oc = on ? numcol(L, fn, f, "offset", on) : NULL;
  const struct frame_col *cc = NULL;
  if (cn != NULL) {
    lua_pushstring(L, cn);
    cc = lframe_checkcol(L, f, lua_gettop(L));
    lua_pop(L, 1);
  } else if (need_cluster) {
    luaL_error(L, "%s: vcov = \"CR1\" needs the option cluster = <column name>", fn);
  }
  /* Keep the rows where every used value is present. */
  size_t N = f->nrow, n = 0;
  size_t *keep = scratch(L, N * sizeof *keep);
  for (size_t i = 0; i < N; i++) {
    int miss = row_missing(yc, i) || (wc && row_missing(wc, i)) || (oc && row_missing(oc, i)) ||
               (cc && row_missing(cc, i));
    for (lua_Integer j = 0; !miss && j < nx; j++) miss = row_missing(xc[j], i);
    if (!miss) keep[n++] = i;
  }
  d->n = n;
  d->k = k;
  d->dropped = N - n;
  d->keep = keep;
  if (n <= k)
    luaL_error(L, "%s: %d complete rows (%d dropped for missing values) for %d coefficients; "
               "need more rows than coefficients", fn, (int)n, (int)(N - n), (int)k);
  d->X = scratch(L, n * k * sizeof *d->X);
  d->y = scratch(L, n * sizeof *d->y);
  size_t j0 = 0;
  if (d->intercept) {
    for (size_t i = 0; i < n; i++) d->X[i] = 1;
    j0 = 1;
  }
  for (lua_Integer j = 0; j < nx; j++)
    for (size_t i = 0; i < n; i++) d->X[i + n * (j0 + (size_t)j)] = frame_col_getd(xc[j], keep[i]);
  for (size_t i = 0; i < n; i++) d->y[i] = frame_col_getd(yc, keep[i]);
  d->w = d->off = NULL;
  if (wc) {
    d->w = scratch(L, n * sizeof *d->w);
    for (size_t i = 0; i < n; i++) d->w[i] = frame_col_getd(wc, keep[i]);
  }
  if (oc) {
    d->off = scratch(L, n * sizeof *d->off);
    for (size_t i = 0; i < n; i++) d->off[i] = frame_col_getd(oc, keep[i]);
  }
  d->cl = NULL;
  d->G = 0;
  if (cc) d->cl = cluster_ids(L, cc, keep, n, &d->G);
}

/* Name of design column j: "(Intercept)" or the covariate name.  [-0, +1, -] */
static void pushterm(lua_State *L, const struct design *d, size_t j) {
  if (d->intercept && j == 0)
    lua_pushliteral(L, "(Intercept)");
  else
    lua_rawgeti(L, 3, (lua_Integer)(j - (d->intercept ? 1 : 0) + 1));
}

/* Domain words for a failed fit; frees the fit first (via the box). */
static int fit_error(lua_State *L, const char *fn, const struct design *d, int st, size_t bad_col,
                     size_t bad_row) {
  const char *what = "numerical failure";
  if (st == GSL_ESING) {
    pushterm(L, d, bad_col);
    const char *nm = lua_tostring(L, -1);
    int allzero = 1;
    for (size_t i = 0; i < d->n && allzero; i++) allzero = d->X[i + d->n * bad_col] == 0;
    if (allzero) return luaL_error(L, "%s: column '%s' is all zero in the rows used", fn, nm);
    return luaL_error(L, "%s: column '%s' is a linear combination of earlier columns "
                      "(collinear); drop it or one of the columns it repeats", fn, nm);
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
  if (st == GSL_ENOMEM) what = "not enough memory";
  return luaL_error(L, "%s: %s", fn, what);
}

/* ===== Pushing results ===== */

static void setnum(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void pushvec(lua_State *L, const double *v, size_t m) {
  lua_createtable(L, (int)m, 0);
  for (size_t i = 0; i < m; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
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
static void push_coefs(lua_State *L, const struct design *d, const double *b, const double *V,
                       double df) {
  size_t k = d->k;
  lua_createtable(L, (int)k, 0);
  for (size_t j = 0; j < k; j++) {
    pushterm(L, d, j);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "terms");
  pushvec(L, b, k);
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
  setnum(L, "df", df);
}

static const char *const VCOV_NAMES[] = {"classical", "HC0", "HC1", "HC2", "HC3", "CR1", "HAC",
                                         NULL};

/* Covariance of the requested type; raise with domain words on failure. */
static void compute_vcov(lua_State *L, const char *fn, int type, const struct design *d,
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

/* opts.vcov as an index into VCOV_NAMES (aliases: robust = HC1,
 * cluster = CR1, newey = HAC). */
static int optvcov(lua_State *L, int opts, const char *fn) {
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
  for (int i = 0; VCOV_NAMES[i] != NULL; i++)
    if (strcmp(v, VCOV_NAMES[i]) == 0) return i;
  return luaL_error(L, "%s: unknown vcov \"%s\" (classical, HC0, HC1, HC2, HC3, CR1, HAC)",
                    fn, v);
}

/* Lua: model.ols(frame, y, {x...}, {weights=, vcov=, cluster=, lag=, intercept=})
 *   -> {terms, coef, se, statistic, p_value, vcov, df, fitted, resid, sigma, r2, ...}
 * OLS/WLS as R lm(); vcov as sandwich/Stata (see host/vcov.h). */
static int model_ols(lua_State *L) {
  const char *fn = "ols";
  int vt = optvcov(L, 4, fn);
  size_t lag = optlag(L, 4);
  struct design d;
  build_design(L, fn, &d, vt == 5);
  if (vt == 5 && d.cl == NULL) luaL_error(L, "%s: vcov = \"CR1\" needs cluster = <column>", fn);
  struct fitbox *box = newfitbox(L);
  box->kind = 1;
  int st = linreg_fit(d.X, d.n, d.k, d.y, d.w, d.intercept, &box->lin);
  if (st != GSL_SUCCESS) return fit_error(L, fn, &d, st, box->lin.bad_col, box->lin.bad_row);
  struct linreg_fit *fit = &box->lin;
  double *h = NULL, *V = scratch(L, d.k * d.k * sizeof *V);
  if (vt == 3 || vt == 4) {
    h = scratch(L, d.n * sizeof *h);
    linreg_leverage(d.X, d.n, d.k, d.w, fit->rinv, h);
  }
  struct vcov_data vd = {d.X, d.n, d.k, fit->resid, d.w, fit->xtxi, h, fit->rinv};
  compute_vcov(L, fn, vt, &d, &vd, fit->sigma2, lag, 1, V);
  lua_createtable(L, 0, 24);
  push_coefs(L, &d, fit->coef, V, fit->df_resid);
  lua_pushstring(L, VCOV_NAMES[vt]);
  lua_setfield(L, -2, "vcov_type");
  pushvec(L, fit->fitted, d.n);
  lua_setfield(L, -2, "fitted");
  pushvec(L, fit->resid, d.n);
  lua_setfield(L, -2, "resid");
  setnum(L, "df_resid", fit->df_resid);
  setnum(L, "sigma", sqrt(fit->sigma2));
  setnum(L, "r2", fit->r2);
  setnum(L, "adj_r2", fit->adj_r2);
  setnum(L, "fstat", fit->fstat);
  setnum(L, "f_df1", fit->f_df1);
  setnum(L, "f_df2", fit->f_df2);
  setnum(L, "f_p", fit->f_p);
  setnum(L, "loglik", fit->loglik);
  setnum(L, "aic", fit->aic);
  setnum(L, "bic", fit->bic);
  lua_pushinteger(L, (lua_Integer)d.n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)d.dropped);
  lua_setfield(L, -2, "n_dropped");
  if (d.cl != NULL) {
    lua_pushinteger(L, (lua_Integer)d.G);
    lua_setfield(L, -2, "n_clusters");
  }
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
  }
  if ((fam == GLM_POISSON) != (link == GLM_LOG))
    luaL_error(L, "%s: link '%s' does not go with family '%s' (binomial: logit or probit; "
               "poisson: log)", fn, links[link], fams[fam]);
  o.family = fam;
  o.link = link;
  int vt = optvcov(L, 4, fn);
  if (vt > 5) luaL_error(L, "%s: vcov \"%s\" is for least squares only", fn, VCOV_NAMES[vt]);
  if (vt == 3 || vt == 4) luaL_error(L, "%s: vcov HC2/HC3 are not offered for GLMs; use HC0 or HC1", fn);
  struct design d;
  build_design(L, fn, &d, vt == 5);
  struct fitbox *box = newfitbox(L);
  box->kind = 2;
  int st = glm_fit(d.X, d.n, d.k, d.y, d.w, d.off, d.intercept, &o, &box->glm);
  if (st != GSL_SUCCESS) return fit_error(L, fn, &d, st, box->glm.bad_col, box->glm.bad_row);
  struct glm_fit *g = &box->glm;
  /* Separation and divergence are errors: the estimates would be meaningless. */
  for (size_t j = 0; j < d.k; j++)
    if (g->sep[j] != GLM_SEP_NONE) {
      pushterm(L, &d, j);
      return luaL_error(L, "%s: %s separation: column '%s' alone predicts the outcome exactly "
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
      return luaL_error(L, "%s: %d fitted %s numerically %s: the outcome is (nearly) perfectly "
                        "predicted%s%s; the estimates are not finite", fn, (int)g->n_boundary,
                        fam == GLM_BINOMIAL ? "probabilities are" : "rates are",
                        fam == GLM_BINOMIAL ? "0 or 1" : "0", any ? " by a combination of " : "",
                        cols);
    return luaL_error(L, "%s: did not converge in %d iterations (deviance still changing)%s%s",
                      fn, o.maxit, any ? "; coefficients still moving: " : "", cols);
  }
  double *h = NULL, *V = scratch(L, d.k * d.k * sizeof *V);
  struct vcov_data vd = {d.X, d.n, d.k, g->wres, g->wwt, g->xtxi, h, g->rinv};
  compute_vcov(L, fn, vt, &d, &vd, 1.0, 0, 0, V);
  lua_createtable(L, 0, 24);
  push_coefs(L, &d, g->coef, V, INFINITY);
  lua_pushstring(L, VCOV_NAMES[vt]);
  lua_setfield(L, -2, "vcov_type");
  pushvec(L, g->mu, d.n);
  lua_setfield(L, -2, "fitted");
  pushvec(L, g->eta, d.n);
  lua_setfield(L, -2, "linear_predictor");
  setnum(L, "deviance", g->deviance);
  setnum(L, "null_deviance", g->null_deviance);
  setnum(L, "df_resid", g->df_resid);
  setnum(L, "df_null", g->df_null);
  setnum(L, "loglik", g->loglik);
  setnum(L, "aic", g->aic);
  setnum(L, "bic", g->bic);
  lua_pushinteger(L, g->iter);
  lua_setfield(L, -2, "iter");
  lua_pushinteger(L, (lua_Integer)d.n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)d.dropped);
  lua_setfield(L, -2, "n_dropped");
  if (d.cl != NULL) {
    lua_pushinteger(L, (lua_Integer)d.G);
    lua_setfield(L, -2, "n_clusters");
  }
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
  *b = scratch(L, k * sizeof **b);
  *V = scratch(L, k * k * sizeof **V);
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
  lua_remove(L, -3);   /* coef table; leaves the two scratch boxes */
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
  double *c = scratch(L, k * sizeof *c);
  for (size_t j = 0; j < k; j++) {
    lua_rawgeti(L, 2, (lua_Integer)j + 1);
    c[j] = luaL_checknumber(L, -1);
    lua_pop(L, 1);
  }
  double c0 = luaL_optnumber(L, 3, 0), level = luaL_optnumber(L, 4, 0.95);
  luaL_argcheck(L, level > 0 && level < 1, 4, "level must be in (0, 1)");
  struct lintest_lincom r;
  if (lintest_lincom(b, V, k, c, c0, df, level, &r) != GSL_SUCCESS)
    return luaL_error(L, "lincom: the covariance gives a negative variance for this combination");
  lua_createtable(L, 0, 7);
  setnum(L, "estimate", r.estimate);
  setnum(L, "se", r.se);
  setnum(L, "statistic", r.statistic);
  setnum(L, "df", r.df);
  setnum(L, "p_value", r.p_value);
  setnum(L, "conf_low", r.conf_low);
  setnum(L, "conf_high", r.conf_high);
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
  double *Rm = scratch(L, q * k * sizeof *Rm), *r = scratch(L, q * sizeof *r);
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
  setnum(L, "chi2", w.chi2);
  setnum(L, "p_chi2", w.p_chi2);
  setnum(L, "F", w.F);
  setnum(L, "df1", w.df1);
  setnum(L, "df2", w.df2);
  setnum(L, "p_F", w.p_F);
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
  double *X0 = scratch(L, (m > 0 ? m : 1) * k * sizeof *X0);
  lua_getfield(L, 1, "terms");
  luaL_argexpected(L, lua_istable(L, -1), 1, "model result with terms");
  for (size_t j = 0; j < k; j++) {
    lua_rawgeti(L, -1, (lua_Integer)j + 1);
    const char *nm = lua_tostring(L, -1);
    if (nm != NULL && strcmp(nm, "(Intercept)") == 0) {
      for (size_t i = 0; i < m; i++) X0[i + m * j] = 1;
    } else {
      const struct frame_col *c = numcol(L, "predict", f, "covariate", nm ? nm : "?");
      for (size_t i = 0; i < m; i++) {
        if (row_missing(c, i))
          return luaL_error(L, "predict: covariate '%s' is missing in row %d of the new data",
                            nm, (int)i + 1);
        X0[i + m * j] = frame_col_getd(c, i);
      }
    }
    lua_pop(L, 1);
  }
  double *fit = scratch(L, (m > 0 ? m : 1) * sizeof *fit), *se = scratch(L, (m > 0 ? m : 1) * sizeof *se);
  lintest_predict(b, V, k, X0, m, fit, se);
  lua_createtable(L, 0, 2);
  pushvec(L, fit, m);
  lua_setfield(L, -2, "fit");
  pushvec(L, se, m);
  lua_setfield(L, -2, "se");
  return 1;
}

/* ===== Time series ===== */

/* A number for a message, "%.6g" (lua_pushfstring has no %g).  [-0, +1, m] */
static const char *numstr(lua_State *L, double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", v);
  lua_pushstring(L, buf);
  return lua_tostring(L, -1);
}

static void setint(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void setbool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* opts[key] as an integer in [lo, hi], or dflt.  [-0, +0, e] */
static lua_Integer optint(lua_State *L, int opts, const char *fn, const char *key,
                          lua_Integer dflt, lua_Integer lo, lua_Integer hi) {
  if (lua_isnoneornil(L, opts)) return dflt;
  lua_getfield(L, opts, key);
  lua_Integer v = dflt;
  if (!lua_isnil(L, -1)) {
    int isint = 0;
    v = lua_tointegerx(L, -1, &isint);
    if (!isint) luaL_error(L, "%s: option '%s' must be a whole number", fn, key);
  }
  lua_pop(L, 1);
  if (v < lo || v > hi)
    luaL_error(L, "%s: option '%s' must be between %I and %I, got %I", fn, key, lo, hi, v);
  return v;
}

/* When opts.time names a column, the used rows (keep[0..n-1], NULL: all)
 * must step forward by one constant period, so that row t-1 is the period
 * before t.  Dates get 3 days of slack once the period is a month or more,
 * for months and years of unequal length. */
static void check_time(lua_State *L, const char *fn, const struct frame *f, int opts,
                       const size_t *keep, size_t n) {
  const char *tn = optname(L, opts, "time");
  if (tn == NULL) return;
  const struct frame_col *c = numcol(L, fn, f, "time", tn);
  double step = 0, slack = 0;
  for (size_t i = 0; i < n; i++) {
    size_t r = keep ? keep[i] : i;
    if (row_missing(c, r))
      luaL_error(L, "%s: time column '%s' is missing in row %d", fn, tn, (int)r + 1);
    if (i == 0) continue;
    double d = frame_col_getd(c, r) - frame_col_getd(c, keep ? keep[i - 1] : i - 1);
    if (!(d > 0))
      luaL_error(L, "%s: time column '%s' does not increase at row %d; sort the frame by it first",
                 fn, tn, (int)r + 1);
    if (i == 1) {
      step = d;
      slack = c->type == FRAME_DATE && step >= 28 ? 3 : 1e-9 * step;
    } else if (fabs(d - step) > slack) {
      luaL_error(L, "%s: time column '%s' steps by %s at row %d but by %s before: a gap or "
                 "uneven spacing, so the previous row is not the previous period", fn, tn,
                 numstr(L, d), (int)r + 1, numstr(L, step));
    }
  }
}

/* Rows dropped for missing values may only trim the ends of a series: a
 * hole inside it would make row t-1 two periods back. */
static void check_unbroken(lua_State *L, const char *fn, const struct design *d) {
  for (size_t i = 1; i < d->n; i++)
    if (d->keep[i] != d->keep[i - 1] + 1)
      luaL_error(L, "%s: row %d is missing a used value inside the series; the lags need an "
                 "unbroken run of rows (fill the value or shorten the series)", fn,
                 (int)d->keep[i - 1] + 2);
}

/* The design of a time-series regression: no weights, offset or cluster,
 * no interior holes, time order checked.  Args as build_design. */
static void build_ts_design(lua_State *L, const char *fn, struct design *d) {
  build_design(L, fn, d, 0);
  if (d->w != NULL || d->off != NULL || d->cl != NULL)
    luaL_error(L, "%s: weights, offset and cluster are not supported for time-series models", fn);
  check_unbroken(L, fn, d);
  check_time(L, fn, lframe_check(L, 1), 4, d->keep, d->n);
}

/* The series at arg: a frame with a column name at arg + 1, or an array of
 * numbers.  Missing or non-finite values raise naming the row: dropping
 * them would shift every later lag.  Copy pushed (GC-owned).  [-0, +1, e] */
static double *checkseries(lua_State *L, const char *fn, int arg, int opts, size_t *n) {
  double *x;
  if (luaL_testudata(L, arg, LFRAME_META) != NULL) {
    const struct frame *f = lframe_check(L, arg);
    const char *nm = luaL_checkstring(L, arg + 1);
    const struct frame_col *c = numcol(L, fn, f, "series", nm);
    *n = f->nrow;
    x = scratch(L, *n * sizeof *x);
    for (size_t i = 0; i < *n; i++) {
      x[i] = frame_col_getd(c, i);
      if (row_missing(c, i) || !isfinite(x[i]))
        luaL_error(L, "%s: column '%s' is missing or not finite in row %d; a series must be "
                   "complete (fill the value or shorten the series)", fn, nm, (int)i + 1);
    }
    check_time(L, fn, f, opts, NULL, *n);
    return x;
  }
  luaL_argexpected(L, lua_istable(L, arg), arg, "frame or array of numbers");
  *n = (size_t)luaL_len(L, arg);
  x = scratch(L, *n * sizeof *x);
  for (size_t i = 0; i < *n; i++) {
    lua_rawgeti(L, arg, (lua_Integer)i + 1);
    int isnum = 0;
    x[i] = lua_tonumberx(L, -1, &isnum);
    if (!isnum || !isfinite(x[i]))
      luaL_error(L, "%s: series[%d] is %s, expected a finite number", fn, (int)i + 1,
                 isnum ? "not finite" : luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  return x;
}

/* Lua: model.prais(frame, y, {x...}, {method = "prais"|"corc", twostep=,
 *   tol=, maxit=, vcov=, time=, intercept=}) -> result as ols plus rho,
 *   rho_ols, iter, dw_original, dw_transformed, resid_transformed.
 * Stata prais (rhotype(regress)); vcov classical or HC0..HC3 on the
 * transformed regression (Stata vce(robust) is HC1). */
static int model_prais(lua_State *L) {
  const char *fn = "prais";
  static const char *const methods[] = {"prais", "corc", NULL};
  struct prais_opts o = prais_opts_default();
  int vt = optvcov(L, 4, fn);
  if (vt > 4)
    luaL_error(L, "%s: vcov \"%s\" is not offered; use classical or HC0..HC3 (HC1 is Stata's "
               "vce(robust))", fn, VCOV_NAMES[vt]);
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_getfield(L, 4, "method");
    o.method = (enum prais_method)luaL_checkoption(L, lua_gettop(L), "prais", methods);
    lua_getfield(L, 4, "tol");
    o.tol = luaL_optnumber(L, -1, o.tol);
    lua_pop(L, 2);
    o.twostep = optbool(L, 4, "twostep", 0);
    o.maxit = (int)optint(L, 4, fn, "maxit", o.maxit, 1, 100000);
    if (!(o.tol > 0)) luaL_error(L, "%s: option 'tol' must be > 0", fn);
  }
  struct design d;
  build_ts_design(L, fn, &d);
  struct fitbox *box = newfitbox(L);
  box->kind = 3;
  struct prais_fit *pr = &box->pr;
  int st = prais_fit(d.X, d.n, d.k, d.y, &o, pr);
  if (st == GSL_ERANGE)
    return luaL_error(L, "%s: the estimated rho is %s, outside (-1, 1): the errors look "
                      "non-stationary (a trend or unit root); difference the series, add the "
                      "trend, or use method = \"corc\"", fn, numstr(L, pr->rho));
  if (st == GSL_EZERODIV)
    return luaL_error(L, "%s: the OLS residuals are all zero, so there is no autocorrelation to "
                      "estimate", fn);
  if (st == GSL_EBADLEN)
    return luaL_error(L, "%s: %d rows for %d coefficients; the transformed regression needs more "
                      "rows than coefficients (Cochrane-Orcutt loses the first row)", fn,
                      (int)d.n, (int)d.k);
  if (st != GSL_SUCCESS) return fit_error(L, fn, &d, st, pr->bad_col, pr->bad_row);
  if (!pr->converged)
    return luaL_error(L, "%s: rho did not settle in %d iterations (last estimate %s); raise "
                      "maxit or use twostep = true", fn, pr->iter, numstr(L, pr->rho));
  size_t k = d.k, nt = pr->nt;
  double *h = NULL, *V = scratch(L, k * k * sizeof *V);
  if (vt == 3 || vt == 4) {
    h = scratch(L, nt * sizeof *h);
    linreg_leverage(pr->Xs, nt, k, NULL, pr->lin.rinv, h);
  }
  struct vcov_data vd = {pr->Xs, nt, k, pr->lin.resid, NULL, pr->lin.xtxi, h, pr->lin.rinv};
  compute_vcov(L, fn, vt, &d, &vd, pr->lin.sigma2, 0, 0, V);
  lua_createtable(L, 0, 28);
  push_coefs(L, &d, pr->lin.coef, V, pr->lin.df_resid);
  lua_pushstring(L, VCOV_NAMES[vt]);
  lua_setfield(L, -2, "vcov_type");
  pushvec(L, pr->fitted, d.n);
  lua_setfield(L, -2, "fitted");
  pushvec(L, pr->resid, d.n);
  lua_setfield(L, -2, "resid");
  pushvec(L, pr->lin.resid, nt);
  lua_setfield(L, -2, "resid_transformed");
  setnum(L, "rho", pr->rho);
  setnum(L, "rho_ols", pr->rho_ols);
  setint(L, "iter", pr->iter);
  setbool(L, "twostep", o.twostep);
  setnum(L, "dw_original", pr->dw_original);
  setnum(L, "dw_transformed", pr->dw_transformed);
  setnum(L, "sigma", sqrt(pr->lin.sigma2));
  setnum(L, "df_resid", pr->lin.df_resid);
  setint(L, "n", (lua_Integer)d.n);
  setint(L, "n_used", (lua_Integer)nt);
  setint(L, "n_dropped", (lua_Integer)d.dropped);
  lua_pushstring(L, o.method == PRAIS_PW ? "Prais-Winsten AR(1)" : "Cochrane-Orcutt AR(1)");
  lua_setfield(L, -2, "method");
  return 1;
}

/* OLS of the design into a fitbox (raises on failure).  [-0, +1, e] */
static struct linreg_fit *ts_ols(lua_State *L, const char *fn, const struct design *d) {
  struct fitbox *box = newfitbox(L);
  box->kind = 1;
  int st = linreg_fit(d->X, d->n, d->k, d->y, NULL, d->intercept, &box->lin);
  if (st != GSL_SUCCESS) fit_error(L, fn, d, st, box->lin.bad_col, box->lin.bad_row);
  return &box->lin;
}

/* Lua: model.dwtest(frame, y, {x...}, {alternative=, exact=, iterations=,
 *   time=, intercept=}) -> {statistic, p_value, alternative, exact, n, ...}
 * lmtest::dwtest: exact = nil/"auto" (exact when n < 100), true, false. */
static int model_dwtest(lua_State *L) {
  const char *fn = "dwtest";
  static const char *const alts[] = {"greater", "two.sided", "less", NULL};
  enum tsdiag_alt alt = TSDIAG_GREATER;
  int exact = -1, nterms = 15;
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_getfield(L, 4, "alternative");
    alt = (enum tsdiag_alt)luaL_checkoption(L, lua_gettop(L), "greater", alts);
    lua_getfield(L, 4, "exact");
    if (lua_isboolean(L, -1)) exact = lua_toboolean(L, -1);
    else if (!lua_isnil(L, -1) && !(lua_type(L, -1) == LUA_TSTRING &&
                                     strcmp(lua_tostring(L, -1), "auto") == 0))
      luaL_error(L, "%s: option 'exact' must be true, false or \"auto\"", fn);
    lua_pop(L, 2);
    nterms = (int)optint(L, 4, fn, "iterations", 15, 1, 10000);
  }
  struct design d;
  build_ts_design(L, fn, &d);
  struct linreg_fit *fit = ts_ols(L, fn, &d);
  struct tsdiag_dw r;
  int st = tsdiag_dwtest(d.X, d.n, d.k, fit->resid, alt, exact, nterms, &r);
  if (st == GSL_EBADLEN)
    return luaL_error(L, "%s: %d rows are too few for a p-value (need at least 3, and 5 for the "
                      "normal approximation)", fn, (int)d.n);
  if (st == GSL_EINVAL)
    return luaL_error(L, "%s: the exact p-value is limited to %d rows; use exact = false", fn,
                      TSDIAG_DW_EXACT_MAX);
  if (st == GSL_EDOM) return luaL_error(L, "%s: the residuals are all zero (an exact fit)", fn);
  if (st != GSL_SUCCESS) return luaL_error(L, "%s: %s", fn, gsl_strerror(st));
  lua_createtable(L, 0, 10);
  setnum(L, "statistic", r.dw);
  setnum(L, "p_value", r.p_value);
  lua_pushstring(L, alts[alt]);
  lua_setfield(L, -2, "alternative");
  setbool(L, "exact", r.exact);
  if (!r.exact) {
    setnum(L, "null_mean", r.mean);
    setnum(L, "null_var", r.var);
  }
  setint(L, "n", (lua_Integer)d.n);
  setint(L, "n_dropped", (lua_Integer)d.dropped);
  return 1;
}

/* Lua: model.bgtest(frame, y, {x...}, {order=, time=, intercept=}) ->
 *   {lm, p_lm, F, df1, df2, p_F, order, n}   (lmtest::bgtest, fill = 0) */
static int model_bgtest(lua_State *L) {
  const char *fn = "bgtest";
  size_t order = (size_t)optint(L, 4, fn, "order", 1, 1, LUA_MAXINTEGER);
  struct design d;
  build_ts_design(L, fn, &d);
  struct linreg_fit *fit = ts_ols(L, fn, &d);
  struct tsdiag_bg r;
  int st = tsdiag_bgtest(d.X, d.n, d.k, fit->resid, order, &r);
  if (st == GSL_EBADLEN)
    return luaL_error(L, "%s: order %I leaves no degrees of freedom with %d rows and %d "
                      "coefficients", fn, (lua_Integer)order, (int)d.n, (int)d.k);
  if (st == GSL_EDOM) return luaL_error(L, "%s: the residuals are all zero (an exact fit)", fn);
  if (st == GSL_ESING)
    return luaL_error(L, "%s: the lagged residuals are collinear with the covariates; lower "
                      "the order", fn);
  if (st != GSL_SUCCESS) return luaL_error(L, "%s: %s", fn, gsl_strerror(st));
  lua_createtable(L, 0, 9);
  setnum(L, "lm", r.lm);
  setnum(L, "p_lm", r.p_lm);
  setnum(L, "F", r.F);
  setnum(L, "df1", r.df1);
  setnum(L, "df2", r.df2);
  setnum(L, "p_F", r.p_F);
  setint(L, "order", (lua_Integer)order);
  setint(L, "n", (lua_Integer)d.n);
  setint(L, "n_dropped", (lua_Integer)d.dropped);
  return 1;
}

static void series_error(lua_State *L, const char *fn, int st, size_t n) {
  if (st == GSL_EBADLEN)
    luaL_error(L, "%s: the lag must be at least 1 and below the series length %d", fn, (int)n);
  if (st == GSL_EDOM) luaL_error(L, "%s: the series is constant, so it has no autocorrelation", fn);
  luaL_error(L, "%s: %s", fn, gsl_strerror(st));
}

/* Lua: model.acf(frame|array, column|nil, {lag_max=, level=, time=}) ->
 *   {lag, acf, pacf, band, band_ma, q, q_p, n, level}
 * stats::acf / pacf (default lag_max floor(10 log10 n), as R); bands at
 * level: white noise z/sqrt(n) and Bartlett's MA band; q and q_p are the
 * Ljung-Box Q up to each lag, as Stata's corrgram. */
static int model_acf(lua_State *L) {
  const char *fn = "acf";
  size_t n;
  double *x = checkseries(L, fn, 1, 3, &n);
  if (n < 2) return luaL_error(L, "%s: the series needs at least 2 values, got %d", fn, (int)n);
  lua_Integer dflt = (lua_Integer)floor(10 * log10((double)n));
  if (dflt > (lua_Integer)n - 1) dflt = (lua_Integer)n - 1;
  if (dflt < 1) dflt = 1;
  size_t L_ = (size_t)optint(L, 3, fn, "lag_max", dflt, 1, LUA_MAXINTEGER);
  if (L_ >= n) series_error(L, fn, GSL_EBADLEN, n);
  double level = 0.95;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "level");
    level = luaL_optnumber(L, -1, 0.95);
    lua_pop(L, 1);
  }
  if (!(level > 0 && level < 1)) return luaL_error(L, "%s: level must be in (0, 1)", fn);
  double *a = scratch(L, 5 * L_ * sizeof *a), *p = a + L_, *bm = p + L_, *q = bm + L_,
         *qp = q + L_;
  int st = tsdiag_acf(x, n, L_, a);
  if (st != GSL_SUCCESS) series_error(L, fn, st, n);
  if (tsdiag_pacf(a, L_, p) != GSL_SUCCESS)
    return luaL_error(L, "%s: the partial autocorrelations are undefined beyond a perfectly "
                      "predictable lag; lower lag_max", fn);
  double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
  tsdiag_acf_band_ma(a, L_, n, z, bm);
  for (size_t l = 1; l <= L_; l++) {
    struct tsdiag_box b;
    tsdiag_box_test(x, n, l, 0, TSDIAG_LJUNG_BOX, &b);
    q[l - 1] = b.stat;
    qp[l - 1] = b.p_value;
  }
  lua_createtable(L, 0, 9);
  lua_createtable(L, (int)L_, 0);
  for (size_t l = 1; l <= L_; l++) {
    lua_pushinteger(L, (lua_Integer)l);
    lua_rawseti(L, -2, (lua_Integer)l);
  }
  lua_setfield(L, -2, "lag");
  pushvec(L, a, L_);
  lua_setfield(L, -2, "acf");
  pushvec(L, p, L_);
  lua_setfield(L, -2, "pacf");
  setnum(L, "band", z / sqrt((double)n));
  pushvec(L, bm, L_);
  lua_setfield(L, -2, "band_ma");
  pushvec(L, q, L_);
  lua_setfield(L, -2, "q");
  pushvec(L, qp, L_);
  lua_setfield(L, -2, "q_p");
  setint(L, "n", (lua_Integer)n);
  setnum(L, "level", level);
  return 1;
}

/* Lua: model.box_test(frame|array, column|nil, {lag=1, type=, fitdf=0,
 *   time=}) -> {statistic, df, p_value, type, n}   (stats::Box.test) */
static int model_box_test(lua_State *L) {
  const char *fn = "box_test";
  static const char *const types[] = {"Box-Pierce", "Ljung-Box", NULL};
  size_t n;
  double *x = checkseries(L, fn, 1, 3, &n);
  enum tsdiag_box_type ty = TSDIAG_BOX_PIERCE;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "type");
    ty = (enum tsdiag_box_type)luaL_checkoption(L, lua_gettop(L), "Box-Pierce", types);
    lua_pop(L, 1);
  }
  size_t lag = (size_t)optint(L, 3, fn, "lag", 1, 1, LUA_MAXINTEGER);
  size_t fitdf = (size_t)optint(L, 3, fn, "fitdf", 0, 0, LUA_MAXINTEGER);
  struct tsdiag_box r;
  int st = tsdiag_box_test(x, n, lag, fitdf, ty, &r);
  if (st == GSL_EINVAL)
    return luaL_error(L, "%s: fitdf (%I) must be below lag (%I)", fn, (lua_Integer)fitdf,
                      (lua_Integer)lag);
  if (st != GSL_SUCCESS) series_error(L, fn, st, n);
  lua_createtable(L, 0, 5);
  setnum(L, "statistic", r.stat);
  setnum(L, "df", r.df);
  setnum(L, "p_value", r.p_value);
  lua_pushstring(L, types[ty]);
  lua_setfield(L, -2, "type");
  setint(L, "n", (lua_Integer)n);
  return 1;
}

/* Lua: model.varsoc(frame|array, column|nil, {maxlag=4, time=}) ->
 *   {rows = {{lag, ll, lr, df, p, fpe, aic, hqic, sbic}...},
 *    selected = {lr, fpe, aic, hqic, sbic}, n, maxlag}   (Stata varsoc) */
static int model_varsoc(lua_State *L) {
  const char *fn = "varsoc";
  static const char *const crit[TSDIAG_NSEL] = {"lr", "fpe", "aic", "hqic", "sbic"};
  size_t T;
  double *y = checkseries(L, fn, 1, 3, &T);
  size_t pmax = (size_t)optint(L, 3, fn, "maxlag", 4, 0, LUA_MAXINTEGER);
  if (pmax >= T)   /* before the scratch, which a huge maxlag would overflow */
    return luaL_error(L, "%s: maxlag %I needs at least 2 maxlag + 2 values, the series has %d",
                      fn, (lua_Integer)pmax, (int)T);
  if (T < 2 * pmax + 2)
    return luaL_error(L, "%s: maxlag %d needs at least %d values, the series has %d", fn,
                      (int)pmax, (int)(2 * pmax + 2), (int)T);
  struct tsdiag_varsoc *rows = scratch(L, (pmax + 1) * sizeof *rows);
  size_t sel[TSDIAG_NSEL];
  int st = tsdiag_varsoc(y, T, pmax, rows, sel);
  if (st == GSL_EDOM) return luaL_error(L, "%s: an autoregression fits the series exactly", fn);
  if (st == GSL_ESING) return luaL_error(L, "%s: the lags are collinear (a constant series?)", fn);
  if (st != GSL_SUCCESS) return luaL_error(L, "%s: %s", fn, gsl_strerror(st));
  lua_createtable(L, 0, 4);
  lua_createtable(L, (int)pmax + 1, 0);
  for (size_t p = 0; p <= pmax; p++) {
    const struct tsdiag_varsoc *r = &rows[p];
    lua_createtable(L, 0, 9);
    setint(L, "lag", (lua_Integer)p);
    setnum(L, "ll", r->ll);
    if (p > 0) {   /* no LR test at lag 0: fields absent rather than NaN */
      setnum(L, "lr", r->lr);
      setnum(L, "df", r->df);
      setnum(L, "p", r->p_lr);
    }
    setnum(L, "fpe", r->fpe);
    setnum(L, "aic", r->aic);
    setnum(L, "hqic", r->hqic);
    setnum(L, "sbic", r->sbic);
    lua_rawseti(L, -2, (lua_Integer)p + 1);
  }
  lua_setfield(L, -2, "rows");
  lua_createtable(L, 0, TSDIAG_NSEL);
  for (int c = 0; c < TSDIAG_NSEL; c++) setint(L, crit[c], (lua_Integer)sel[c]);
  lua_setfield(L, -2, "selected");
  setint(L, "n", (lua_Integer)(T - pmax));
  setint(L, "maxlag", (lua_Integer)pmax);
  return 1;
}

static const luaL_Reg model_funcs[] = {
    {"ols", model_ols},       {"glm", model_glm},         {"lincom", model_lincom},
    {"wald", model_wald},     {"predict", model_predict}, {"prais", model_prais},
    {"dwtest", model_dwtest}, {"bgtest", model_bgtest},   {"acf", model_acf},
    {"box_test", model_box_test}, {"varsoc", model_varsoc}, {NULL, NULL}};

int luaopen_host_model(lua_State *L) {
  luaL_newlib(L, model_funcs);
  return 1;
}
