/* host/bind/lmodel_ts.c -- the time-series half of Lua module "host.model":
 * Prais-Winsten / Cochrane-Orcutt (prais.c), Durbin-Watson, Breusch-Godfrey,
 * ACF/PACF, Box-Pierce / Ljung-Box and lag-order selection (tsdiag.c).
 * Argument checking and result tables only; the numerics are pure C. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "data/frame.h"
#include "lframe.h"
#include "lhelp.h"
#include "num/ols.h"
#include "num/lincom.h"
#include "lmodel_int.h"
#include "num/prais.h"
#include "num/tsdiag.h"
#include "num/vcov.h"

/* ===== Time series ===== */

/* A number for a message, "%.6g" (lua_pushfstring has no %g).  [-0, +1, m] */
static const char *numstr(lua_State *L, double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", v);
  lua_pushstring(L, buf);
  return lua_tostring(L, -1);
}

/* When opts.time names a column, the used rows (keep[0..n-1], NULL: all)
 * must step forward by one constant period, so that row t-1 is the period
 * before t.  Dates get 3 days of slack once the period is a month or more,
 * for months and years of unequal length. */
static void check_time(lua_State *L, const char *fn, const struct frame *f, int opts,
                       const size_t *keep, size_t n) {
  const char *tn = lh_optstring(L, opts, "time", NULL, "a column name");
  if (tn == NULL) return;
  const struct frame_col *c = lmodel_numcol(L, fn, f, "time", tn);
  double step = 0, slack = 0;
  for (size_t i = 0; i < n; i++) {
    size_t r = keep ? keep[i] : i;
    if (frame_col_missing(c, r))
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
 * no interior holes, time order checked.  Args as lmodel_build_design. */
static void build_ts_design(lua_State *L, const char *fn, struct design *d) {
  lmodel_build_design(L, fn, d, 0);
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
    const struct frame_col *c = lmodel_numcol(L, fn, f, "series", nm);
    *n = f->nrow;
    x = lh_scratch(L, *n * sizeof *x);
    for (size_t i = 0; i < *n; i++) {
      x[i] = frame_col_getd(c, i);
      if (frame_col_missing(c, i) || !isfinite(x[i]))
        luaL_error(L, "%s: column '%s' is missing or not finite in row %d; a series must be "
                   "complete (fill the value or shorten the series)", fn, nm, (int)i + 1);
    }
    check_time(L, fn, f, opts, NULL, *n);
    return x;
  }
  luaL_argexpected(L, lua_istable(L, arg), arg, "frame or array of numbers");
  *n = (size_t)luaL_len(L, arg);
  x = lh_scratch(L, *n * sizeof *x);
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
  int vt = lmodel_optvcov(L, 4, fn);
  if (vt > 4)
    luaL_error(L, "%s: vcov \"%s\" is not offered; use classical or HC0..HC3 (HC1 is Stata's "
               "vce(robust))", fn, lmodel_vcov_names[vt]);
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_getfield(L, 4, "method");
    o.method = (enum prais_method)luaL_checkoption(L, lua_gettop(L), "prais", methods);
    lua_getfield(L, 4, "tol");
    o.tol = luaL_optnumber(L, -1, o.tol);
    lua_pop(L, 2);
    o.twostep = lh_optbool(L, 4, "twostep", 0);
    o.maxit = (int)lh_optint(L, 4, fn, "maxit", o.maxit, 1, 100000);
    o.rank_tol = lmodel_opttol(L, 4, "rank_tol", LINREG_TOL);
    if (!(o.tol > 0)) luaL_error(L, "%s: option 'tol' must be > 0", fn);
  }
  struct design d;
  build_ts_design(L, fn, &d);
  struct fitbox *box = lmodel_newfitbox(L);
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
  if (st != GSL_SUCCESS) return lmodel_fit_error(L, fn, &d, st, pr->bad_col, pr->bad_row);
  if (!pr->converged)
    return luaL_error(L, "%s: rho did not settle in %d iterations (last estimate %s); raise "
                      "maxit or use twostep = true", fn, pr->iter, numstr(L, pr->rho));
  size_t k = d.k, nt = pr->nt;
  double *h = NULL, *V = lh_scratch(L, k * k * sizeof *V);
  if (vt == 3 || vt == 4) {
    h = lh_scratch(L, nt * sizeof *h);
    linreg_leverage(pr->Xs, nt, k, NULL, pr->lin.rinv, h);
  }
  struct vcov_data vd = {pr->Xs, nt, k, pr->lin.resid, NULL, pr->lin.xtxi, h, pr->lin.rinv, NULL};
  lmodel_compute_vcov(L, fn, vt, &d, &vd, pr->lin.sigma2, 0, 0, V);
  lmodel_push_result(L, 28, &d, pr->lin.coef, V, pr->lin.df_resid, vt, pr->fitted, 0);
  lh_pushvector(L, pr->resid, d.n);
  lua_setfield(L, -2, "resid");
  lh_pushvector(L, pr->lin.resid, nt);
  lua_setfield(L, -2, "resid_transformed");
  lh_setnum(L, "rho", pr->rho);
  lh_setnum(L, "rho_ols", pr->rho_ols);
  lh_setint(L, "iter", pr->iter);
  lh_setbool(L, "twostep", o.twostep);
  lh_setnum(L, "dw_original", pr->dw_original);
  lh_setnum(L, "dw_transformed", pr->dw_transformed);
  lh_setnum(L, "sigma", sqrt(pr->lin.sigma2));
  lh_setnum(L, "df_resid", pr->lin.df_resid);
  lh_setint(L, "n", (lua_Integer)d.n);
  lh_setint(L, "n_used", (lua_Integer)nt);
  lh_setint(L, "n_dropped", (lua_Integer)d.dropped);
  lua_pushstring(L, o.method == PRAIS_PW ? "Prais-Winsten AR(1)" : "Cochrane-Orcutt AR(1)");
  lua_setfield(L, -2, "method");
  return 1;
}

/* OLS of the design into a fitbox (raises on failure).  [-0, +1, e] */
static struct linreg_fit *ts_ols(lua_State *L, const char *fn, const struct design *d) {
  struct fitbox *box = lmodel_newfitbox(L);
  box->kind = 1;
  int st = linreg_fit(d->X, d->n, d->k, d->y, NULL, d->intercept, &box->lin);
  if (st != GSL_SUCCESS) lmodel_fit_error(L, fn, d, st, box->lin.bad_col, box->lin.bad_row);
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
    nterms = (int)lh_optint(L, 4, fn, "iterations", 15, 1, 10000);
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
  lh_setnum(L, "statistic", r.dw);
  lh_setnum(L, "p_value", r.p_value);
  lua_pushstring(L, alts[alt]);
  lua_setfield(L, -2, "alternative");
  lh_setbool(L, "exact", r.exact);
  if (!r.exact) {
    lh_setnum(L, "null_mean", r.mean);
    lh_setnum(L, "null_var", r.var);
  }
  lh_setint(L, "n", (lua_Integer)d.n);
  lh_setint(L, "n_dropped", (lua_Integer)d.dropped);
  return 1;
}

/* Lua: model.bgtest(frame, y, {x...}, {order=, time=, intercept=}) ->
 *   {lm, p_lm, F, df1, df2, p_F, order, n}   (lmtest::bgtest, fill = 0) */
static int model_bgtest(lua_State *L) {
  const char *fn = "bgtest";
  size_t order = (size_t)lh_optint(L, 4, fn, "order", 1, 1, LUA_MAXINTEGER);
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
  lh_setnum(L, "lm", r.lm);
  lh_setnum(L, "p_lm", r.p_lm);
  lh_set_ftest(L, r.F, r.df1, r.df2, r.p_F);
  lh_setint(L, "order", (lua_Integer)order);
  lh_setint(L, "n", (lua_Integer)d.n);
  lh_setint(L, "n_dropped", (lua_Integer)d.dropped);
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
  size_t L_ = (size_t)lh_optint(L, 3, fn, "lag_max", dflt, 1, LUA_MAXINTEGER);
  if (L_ >= n) series_error(L, fn, GSL_EBADLEN, n);
  double level = 0.95;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "level");
    level = luaL_optnumber(L, -1, 0.95);
    lua_pop(L, 1);
  }
  if (!(level > 0 && level < 1)) return luaL_error(L, "%s: level must be in (0, 1)", fn);
  double *a = lh_scratch(L, 5 * L_ * sizeof *a), *p = a + L_, *bm = p + L_, *q = bm + L_,
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
  lh_pushvector(L, a, L_);
  lua_setfield(L, -2, "acf");
  lh_pushvector(L, p, L_);
  lua_setfield(L, -2, "pacf");
  lh_setnum(L, "band", z / sqrt((double)n));
  lh_pushvector(L, bm, L_);
  lua_setfield(L, -2, "band_ma");
  lh_pushvector(L, q, L_);
  lua_setfield(L, -2, "q");
  lh_pushvector(L, qp, L_);
  lua_setfield(L, -2, "q_p");
  lh_setint(L, "n", (lua_Integer)n);
  lh_setnum(L, "level", level);
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
  size_t lag = (size_t)lh_optint(L, 3, fn, "lag", 1, 1, LUA_MAXINTEGER);
  size_t fitdf = (size_t)lh_optint(L, 3, fn, "fitdf", 0, 0, LUA_MAXINTEGER);
  struct tsdiag_box r;
  int st = tsdiag_box_test(x, n, lag, fitdf, ty, &r);
  if (st == GSL_EINVAL)
    return luaL_error(L, "%s: fitdf (%I) must be below lag (%I)", fn, (lua_Integer)fitdf,
                      (lua_Integer)lag);
  if (st != GSL_SUCCESS) series_error(L, fn, st, n);
  lua_createtable(L, 0, 5);
  lh_setnum(L, "statistic", r.stat);
  lh_setnum(L, "df", r.df);
  lh_setnum(L, "p_value", r.p_value);
  lua_pushstring(L, types[ty]);
  lua_setfield(L, -2, "type");
  lh_setint(L, "n", (lua_Integer)n);
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
  size_t pmax = (size_t)lh_optint(L, 3, fn, "maxlag", 4, 0, LUA_MAXINTEGER);
  if (pmax >= T)   /* before the lmodel_scratch, which a huge maxlag would overflow */
    return luaL_error(L, "%s: maxlag %I needs at least 2 maxlag + 2 values, the series has %d",
                      fn, (lua_Integer)pmax, (int)T);
  if (T < 2 * pmax + 2)
    return luaL_error(L, "%s: maxlag %d needs at least %d values, the series has %d", fn,
                      (int)pmax, (int)(2 * pmax + 2), (int)T);
  struct tsdiag_varsoc *rows = lh_scratch(L, (pmax + 1) * sizeof *rows);
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
    lh_setint(L, "lag", (lua_Integer)p);
    lh_setnum(L, "ll", r->ll);
    if (p > 0) {   /* no LR test at lag 0: fields absent rather than NaN */
      lh_setnum(L, "lr", r->lr);
      lh_setnum(L, "df", r->df);
      lh_setnum(L, "p", r->p_lr);
    }
    lh_setnum(L, "fpe", r->fpe);
    lh_setnum(L, "aic", r->aic);
    lh_setnum(L, "hqic", r->hqic);
    lh_setnum(L, "sbic", r->sbic);
    lua_rawseti(L, -2, (lua_Integer)p + 1);
  }
  lua_setfield(L, -2, "rows");
  lua_createtable(L, 0, TSDIAG_NSEL);
  for (int c = 0; c < TSDIAG_NSEL; c++) lh_setint(L, crit[c], (lua_Integer)sel[c]);
  lua_setfield(L, -2, "selected");
  lh_setint(L, "n", (lua_Integer)(T - pmax));
  lh_setint(L, "maxlag", (lua_Integer)pmax);
  return 1;
}

const luaL_Reg lmodel_ts_funcs[] = {
    {"prais", model_prais},   {"dwtest", model_dwtest},     {"bgtest", model_bgtest},
    {"acf", model_acf},       {"box_test", model_box_test}, {"varsoc", model_varsoc},
    {NULL, NULL}};
