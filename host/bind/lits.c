/* host/bind/lits.c -- Lua module "host.its": a unit x period panel userdata and
 * the interrupted time series fit on it (single series or comparative, as
 * Stata itsa), with Newey-West errors within units and the fitted,
 * counterfactual and impact lines per period.  Argument checks and result
 * tables only; the numerics live in host/num/its.c (design, fit, panel HAC)
 * and host/num/lincom.c (lincom).  Only lua/csc/its.lua requires this module.
 * Exports luaopen_host_its alone. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "num/its.h"
#include "lhelp.h"
#include "num/lincom.h"

#define PANEL_META "host.its.Panel"
#define NAMELEN 48
#define PANEL_MAXX 16  /* period covariates: 11 month dummies plus a few dummies */

/* ===== The panel userdata =====
 * One block: the header, then U*P values (model scale), U*P raw values
 * when transformed, P times, P positions, P*nx covariates, U*P weights.
 * Nothing is malloc'ed, so the block needs no __gc. */
struct pbox {
  size_t U, P, nx;
  int has_w;
  int logit;          /* Y = logit(raw / scale) */
  double scale;
  char xname[PANEL_MAXX][NAMELEN];
  double *Y, *raw, *tt, *pos, *Xp, *W;
  double data[];
};

static struct pbox *checkpanel(lua_State *L, int i) {
  return luaL_checkudata(L, i, PANEL_META);
}

static struct its_panel view(const struct pbox *b) {
  struct its_panel p = {b->U, b->P, b->Y, b->tt, b->pos, b->nx, b->Xp, b->has_w ? b->W : NULL};
  return p;
}

/* t[key] as an array of exactly n numbers (nil or NA-like non-numbers are
 * NaN only when allow_na); raises naming key and the element. */
static void read_numbers(lua_State *L, int t, const char *key, double *out, size_t n,
                         int allow_na, const char *what) {
  luaL_checktype(L, t, LUA_TTABLE);
  if ((size_t)luaL_len(L, t) != n)
    luaL_error(L, "its.panel: %s has %d values, expected %d", what, (int)luaL_len(L, t), (int)n);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      out[i] = lua_tonumber(L, -1);
      if (!isfinite(out[i]) && !(allow_na && isnan(out[i])))
        luaL_error(L, "its.panel: %s[%d] is not finite", what, (int)i + 1);
    } else if (allow_na) {
      out[i] = NAN;   /* nil, the NA sentinel or any non-number: missing */
    } else {
      luaL_error(L, "its.panel: %s[%d] must be a number, got %s", what, (int)i + 1,
                 luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  (void)key;
}

/* t[1..U] (key name) as U arrays of P numbers, missing allowed, into dst
 * (unit u at dst + u P); raises naming the unit's array. */
static void read_units(lua_State *L, int t, const char *name, double *dst, size_t U, size_t P) {
  char what[64];
  for (size_t u = 0; u < U; u++) {
    lua_rawgeti(L, t, (lua_Integer)u + 1);
    if (!lua_istable(L, -1))
      luaL_error(L, "its.panel: %s[%d] must be an array of %d values", name, (int)u + 1, (int)P);
    snprintf(what, sizeof what, "%s[%d]", name, (int)u + 1);
    read_numbers(L, lua_gettop(L), name, dst + u * P, P, 1, what);
    lua_pop(L, 1);
  }
}

/* Lua: its.panel{Y = {{...}, ...}, t = {...}, pos = {...}, X = {{...}, ...},
 *   xnames = {...}, W = {{...}, ...}, transform = "logit", scale = 100} -> Panel
 * Y: one array of P values per unit (non-numbers are missing); t: the time
 * axis of the design (itsa's _t); pos: positions for the HAC lags (default
 * t); X: period-level covariate columns; W: weights shaped like Y (for an
 * averaged comparator; non-numbers are missing). */
static int its_panel_new(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "Y");
  luaL_argexpected(L, lua_istable(L, -1), 1, "table with Y = {{...}, ...}");
  int iY = lua_gettop(L);
  size_t U = (size_t)luaL_len(L, iY);
  lua_getfield(L, 1, "t");
  luaL_argexpected(L, lua_istable(L, -1), 1, "table with t = {...}");
  int it = lua_gettop(L);
  size_t P = (size_t)luaL_len(L, it);
  if (U == 0 || P == 0) return luaL_error(L, "its.panel: need at least one unit and one period");
  lua_getfield(L, 1, "X");
  int iX = lua_gettop(L);
  size_t nx = lua_istable(L, iX) ? (size_t)luaL_len(L, iX) : 0;
  if (nx > PANEL_MAXX) return luaL_error(L, "its.panel: at most %d period covariates", PANEL_MAXX);
  lua_getfield(L, 1, "transform");
  const char *tr = lua_tostring(L, -1);
  int logit = tr != NULL && strcmp(tr, "logit") == 0;
  if (tr != NULL && !logit) return luaL_error(L, "its.panel: unknown transform '%s' (logit)", tr);
  lua_getfield(L, 1, "scale");
  double scale = luaL_optnumber(L, -1, 1);
  if (!(scale > 0)) return luaL_error(L, "its.panel: scale must be positive");
  size_t nd = U * P * (logit ? 3 : 2) + 2 * P + P * nx;
  struct pbox *b = lua_newuserdatauv(L, sizeof *b + nd * sizeof(double), 0);
  int ib = lua_gettop(L);
  memset(b, 0, sizeof *b);
  b->U = U;
  b->P = P;
  b->nx = nx;
  b->logit = logit;
  b->scale = scale;
  double *q = b->data;
  b->Y = q; q += U * P;
  b->raw = logit ? q : b->Y; q += logit ? U * P : 0;
  b->tt = q; q += P;
  b->pos = q; q += P;
  b->Xp = q; q += P * nx;
  b->W = q;
  luaL_setmetatable(L, PANEL_META);
  read_numbers(L, it, "t", b->tt, P, 0, "t");
  lua_getfield(L, 1, "pos");
  if (lua_istable(L, -1)) read_numbers(L, lua_gettop(L), "pos", b->pos, P, 0, "pos");
  else memcpy(b->pos, b->tt, P * sizeof *b->pos);
  lua_pop(L, 1);
  for (size_t p = 1; p < P; p++)
    if (!(b->pos[p] > b->pos[p - 1]))
      return luaL_error(L, "its.panel: periods must be in increasing order (pos[%d] <= pos[%d])",
                        (int)p + 1, (int)p);
  read_units(L, iY, "Y", b->raw, U, P);
  if (logit) {
    /* logit(y / scale): a proportion of exactly 0 or 1 has no logit. */
    for (size_t i = 0; i < U * P; i++) {
      double r = b->raw[i] / scale;
      if (isnan(r)) { b->Y[i] = NAN; continue; }
      if (!(r > 0 && r < 1)) {
        char msg[160];   /* lua_pushfstring has no %g */
        snprintf(msg, sizeof msg, "its.panel: unit %d, period %d: %g is not strictly between 0 and "
                 "%g, so it has no logit", (int)(i / P) + 1, (int)(i % P) + 1, b->raw[i], scale);
        return luaL_error(L, "%s", msg);
      }
      b->Y[i] = log(r / (1 - r));
    }
  }
  char what[64];
  for (size_t j = 0; j < nx; j++) {
    lua_rawgeti(L, iX, (lua_Integer)j + 1);
    snprintf(what, sizeof what, "X[%d]", (int)j + 1);
    read_numbers(L, lua_gettop(L), "X", b->Xp + j * P, P, 0, what);
    lua_pop(L, 1);
  }
  lua_getfield(L, 1, "xnames");
  for (size_t j = 0; j < nx; j++) {
    const char *nm = NULL;
    if (lua_istable(L, -1)) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      nm = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    if (nm != NULL) snprintf(b->xname[j], NAMELEN, "%s", nm);
    else snprintf(b->xname[j], NAMELEN, "x%d", (int)j + 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, 1, "W");
  if (lua_istable(L, -1)) {
    int iW = lua_gettop(L);
    if ((size_t)luaL_len(L, iW) != U) return luaL_error(L, "its.panel: W needs one array per unit");
    read_units(L, iW, "W", b->W, U, P);
    b->has_w = 1;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, ib);
  return 1;
}

/* ===== Fit ===== */

/* Design and fit owned together, freed by __gc even if a push raises. */
struct fitbox {
  struct its_design d;
  struct its_fit f;
};

static int fitbox_gc(lua_State *L) {
  struct fitbox *fb = lua_touserdata(L, 1);
  its_fit_fini(&fb->f);
  its_design_fini(&fb->d);
  return 0;
}

/* [-0, +1, m] */
static struct fitbox *newfitbox(lua_State *L) {
  return lh_newbox(L, sizeof(struct fitbox), "host.its.fitbox", fitbox_gc);
}

/* Names of the coefficients in its_xrow's order, as a Lua array. */
static void push_terms(lua_State *L, const struct pbox *b, const struct its_spec *s,
                       char lab[][NAMELEN]) {
  lua_newtable(L);
  int n = 0;
  lua_pushliteral(L, "(Intercept)"); lua_rawseti(L, -2, ++n);
  lua_pushliteral(L, "_t"); lua_rawseti(L, -2, ++n);
  if (!s->single) {
    lua_pushliteral(L, "_z"); lua_rawseti(L, -2, ++n);
    lua_pushliteral(L, "_z_t"); lua_rawseti(L, -2, ++n);
  }
  for (size_t j = 0; j < s->m; j++) {
    if (s->brk[j].level) { lua_pushfstring(L, "_x%s", lab[j]); lua_rawseti(L, -2, ++n); }
    if (s->brk[j].slope) { lua_pushfstring(L, "_x_t%s", lab[j]); lua_rawseti(L, -2, ++n); }
    if (!s->single) {
      if (s->brk[j].level) { lua_pushfstring(L, "_z_x%s", lab[j]); lua_rawseti(L, -2, ++n); }
      if (s->brk[j].slope) { lua_pushfstring(L, "_z_x_t%s", lab[j]); lua_rawseti(L, -2, ++n); }
    }
  }
  for (size_t j = 0; j < b->nx; j++) { lua_pushstring(L, b->xname[j]); lua_rawseti(L, -2, ++n); }
}

static double expit(double x) { return 1 / (1 + exp(-x)); }

/* Per-period values (see period_lines and push_lines):
 *   obs_t, obs_c       observed treated value and comparator mean (model scale)
 *   fit_t, cf_t        treated fitted line and its counterfactual (pre-period line projected), with _se
 *   fit_c, cf_c        the same for the comparator line
 *   eff_t, eff_c       fitted - counterfactual in each group, with _se, _lo, _hi, _p
 *   impact             eff_t - eff_c (comparative; = eff_t for a single series), with
 *                      _se, _stat, _p, _lo, _hi
 * and with a logit panel the same on the original scale (scale * expit):
 *   obs_t_orig, obs_c_orig, fit_t_orig, cf_t_orig, fit_c_orig, cf_c_orig,
 *   eff_t_orig, impact_orig with _se, _lo, _hi, _p by the delta method. */
enum { L_OBS_T, L_OBS_C, L_FIT_T, L_FIT_T_SE, L_CF_T, L_CF_T_SE, L_FIT_C, L_FIT_C_SE, L_CF_C,
       L_CF_C_SE, L_EFF_T, L_EFF_T_SE, L_EFF_T_LO, L_EFF_T_HI, L_EFF_T_P, L_EFF_C, L_EFF_C_SE,
       L_EFF_C_LO, L_EFF_C_HI, L_EFF_C_P, L_IMP, L_IMP_SE, L_IMP_STAT, L_IMP_P, L_IMP_LO, L_IMP_HI,
       L_OBS_T_O, L_OBS_C_O, L_FIT_T_O, L_CF_T_O, L_FIT_C_O, L_CF_C_O, L_EFF_T_O, L_EFF_T_O_SE,
       L_EFF_T_O_LO, L_EFF_T_O_HI, L_EFF_T_O_P, L_IMP_O, L_IMP_O_SE, L_IMP_O_LO, L_IMP_O_HI,
       L_IMP_O_P, L_NLINES };
/* group_lines writes a group's fit, fit_se, cf, cf_se and its effect's
 * estimate, se, lo, hi, p as consecutive lines. */
_Static_assert(L_CF_T_SE == L_FIT_T + 3 && L_CF_C_SE == L_FIT_C + 3 && L_EFF_T_P == L_EFF_T + 4 &&
                   L_EFF_C_P == L_EFF_C + 4 && L_EFF_T_O_P == L_EFF_T_O + 4 &&
                   L_IMP_O_P == L_IMP_O + 4,
               "a group's lines are consecutive");
static const char *const LINE_NAMES[L_NLINES] = {
  "obs_t", "obs_c", "fit_t", "fit_t_se", "cf_t", "cf_t_se", "fit_c", "fit_c_se", "cf_c",
  "cf_c_se", "eff_t", "eff_t_se", "eff_t_lo", "eff_t_hi", "eff_t_p", "eff_c", "eff_c_se",
  "eff_c_lo", "eff_c_hi", "eff_c_p", "impact", "impact_se", "impact_stat", "impact_p",
  "impact_lo", "impact_hi", "obs_t_orig", "obs_c_orig", "fit_t_orig", "cf_t_orig",
  "fit_c_orig", "cf_c_orig", "eff_t_orig", "eff_t_orig_se", "eff_t_orig_lo", "eff_t_orig_hi",
  "eff_t_orig_p", "impact_orig", "impact_orig_se", "impact_orig_lo", "impact_orig_hi",
  "impact_orig_p"};

static double dot(const double *a, const double *b, size_t k) {
  double s = 0;
  for (size_t j = 0; j < k; j++) s += a[j] * b[j];
  return s;
}

/* One group's lines at period p, from its design row x and the row xc
 * without the interruptions: fit[0..3] = fitted, its se, counterfactual,
 * its se; eff[0..4] = the effect fitted - counterfactual, its se and, where
 * the se is positive, its interval and p-value.  c: k doubles of scratch. */
static void group_lines(const struct its_fit *f, const double *x, const double *xc, double df,
                        double level, double *c, double *fit, double *eff) {
  const size_t k = f->k;
  fit[0] = dot(x, f->coef, k);
  fit[1] = its_quad_se(x, f->V, k);
  fit[2] = dot(xc, f->coef, k);
  fit[3] = its_quad_se(xc, f->V, k);
  struct lintest_lincom r;
  for (size_t j = 0; j < k; j++) c[j] = x[j] - xc[j];
  if (lintest_lincom(f->coef, f->V, k, c, 0, df, level, &r) == GSL_SUCCESS) {
    eff[0] = r.estimate;
    eff[1] = r.se;
    if (r.se > 0) {
      eff[2] = r.conf_low;
      eff[3] = r.conf_high;
      eff[4] = r.p_value;
    }
  }
}

/* An estimate d on the original scale with its delta-method se: out[0..4]
 * = d, se and, where se is positive, d -+ crit se and the two-sided p. */
static void delta_lines(double d, double se, double crit, double df, double *out) {
  out[0] = d;
  out[1] = se;
  if (se > 0) {
    out[2] = d - crit * se;
    out[3] = d + crit * se;
    out[4] = lintest_p_two(d / se, df);
  }
}

/* The L_NLINES values of period p into out (NaN where not applicable).
 * work holds 6k doubles. */
static void period_lines(const struct pbox *b, const struct its_spec *s, const struct its_fit *f,
                         size_t treated, const size_t *comp, size_t ncomp, double df, double level,
                         size_t p, double *work, double *out) {
  const size_t P = b->P, k = f->k;
  struct its_panel pn = view(b);
  double *x1 = work, *x1c = x1 + k, *x0 = x1c + k, *x0c = x0 + k, *c = x0c + k, *g = c + k;
  for (size_t l = 0; l < L_NLINES; l++) out[l] = NAN;
  out[L_OBS_T] = b->Y[treated * P + p];
  if (b->logit) out[L_OBS_T_O] = b->raw[treated * P + p];
  if (!s->single) {
    double sw = 0, sy = 0, sr = 0;
    for (size_t j = 0; j < ncomp; j++) {
      double v = b->Y[comp[j] * P + p];
      if (isnan(v)) continue;
      /* The same mean the design fits: weighted only under ITS_WMEAN. */
      double w = (s->combine == ITS_WMEAN && b->has_w) ? b->W[comp[j] * P + p] : 1;
      sw += w;
      sy += w * v;
      sr += w * b->raw[comp[j] * P + p];
    }
    if (sw > 0) {
      out[L_OBS_C] = sy / sw;
      if (b->logit) out[L_OBS_C_O] = sr / sw;
    }
  }
  its_xrow(&pn, s, p, 1, 0, x1);
  its_xrow(&pn, s, p, 1, 1, x1c);
  group_lines(f, x1, x1c, df, level, c, out + L_FIT_T, out + L_EFF_T);
  struct lintest_lincom r;
  if (!s->single) {
    its_xrow(&pn, s, p, 0, 0, x0);
    its_xrow(&pn, s, p, 0, 1, x0c);
    group_lines(f, x0, x0c, df, level, c, out + L_FIT_C, out + L_EFF_C);
    /* The impact: (fitted - counterfactual) treated minus the same in the comparators. */
    for (size_t j = 0; j < k; j++) c[j] = (x1[j] - x1c[j]) - (x0[j] - x0c[j]);
  } else {
    for (size_t j = 0; j < k; j++) c[j] = x1[j] - x1c[j];
  }
  if (lintest_lincom(f->coef, f->V, k, c, 0, df, level, &r) == GSL_SUCCESS) {
    out[L_IMP] = r.estimate;
    out[L_IMP_SE] = r.se;
    /* Before the first interruption the impact is 0 by construction: no test. */
    if (r.se > 0) {
      out[L_IMP_STAT] = r.statistic;
      out[L_IMP_P] = r.p_value;
      out[L_IMP_LO] = r.conf_low;
      out[L_IMP_HI] = r.conf_high;
    }
  }
  if (!b->logit) return;
  /* Original scale S expit(eta), by the delta method:
   * d/db S expit(x'b) = S expit(x'b) (1 - expit(x'b)) x. */
  const double S = b->scale, crit = lintest_crit(level, df);
  double m1 = expit(out[L_FIT_T]), m1c = expit(out[L_CF_T]);
  out[L_FIT_T_O] = S * m1;
  out[L_CF_T_O] = S * m1c;
  double d1 = S * (m1 - m1c);
  for (size_t j = 0; j < k; j++) g[j] = S * (m1 * (1 - m1) * x1[j] - m1c * (1 - m1c) * x1c[j]);
  delta_lines(d1, its_quad_se(g, f->V, k), crit, df, out + L_EFF_T_O);
  double dimp = d1;
  if (!s->single) {
    double m0 = expit(out[L_FIT_C]), m0c = expit(out[L_CF_C]);
    out[L_FIT_C_O] = S * m0;
    out[L_CF_C_O] = S * m0c;
    dimp = d1 - S * (m0 - m0c);
    for (size_t j = 0; j < k; j++) g[j] -= S * (m0 * (1 - m0) * x0[j] - m0c * (1 - m0c) * x0c[j]);
  }
  delta_lines(dimp, its_quad_se(g, f->V, k), crit, df, out + L_IMP_O);
}

/* lines = {name = {P values}} for every period, or (at >= 0) a table
 * {name = value} for period `at` only.  Pushed.  [-0, +1, m] */
static void push_lines(lua_State *L, const struct pbox *b, const struct its_spec *s,
                       const struct its_fit *f, size_t treated, const size_t *comp, size_t ncomp,
                       double df, double level, long at) {
  const size_t P = b->P, k = f->k, nl = b->logit ? L_NLINES : L_OBS_T_O;
  double *Ls = lua_newuserdatauv(L, (L_NLINES * P + 6 * k) * sizeof(double), 0);
  double *work = Ls + L_NLINES * P;
  int scratch = lua_gettop(L);
  if (at >= 0) {
    period_lines(b, s, f, treated, comp, ncomp, df, level, (size_t)at, work, Ls);
    lua_createtable(L, 0, (int)nl);
    for (size_t l = 0; l < nl; l++) {
      lua_pushnumber(L, Ls[l]);
      lua_setfield(L, -2, LINE_NAMES[l]);
    }
  } else {
    for (size_t p = 0; p < P; p++)
      period_lines(b, s, f, treated, comp, ncomp, df, level, p, work, Ls + p * L_NLINES);
    lua_createtable(L, 0, (int)nl);
    for (size_t l = 0; l < nl; l++) {
      lua_createtable(L, (int)P, 0);
      for (size_t p = 0; p < P; p++) {
        lua_pushnumber(L, Ls[p * L_NLINES + l]);
        lua_rawseti(L, -2, (lua_Integer)p + 1);
      }
      lua_setfield(L, -2, LINE_NAMES[l]);
    }
  }
  lua_remove(L, scratch);
}

/* Lua: panel:fit{treated = i, comparators = {j, ...}, single = false,
 *   combine = "pool" | "mean" | "weighted", breaks = {{t = T, label = "2014", level = true,
 *   slope = true}, ...}, use = {bool per period}, lag = 0, hac = "rows" | "time",
 *   dist = "t" | "z", level = 0.95, lines = true, at = period, detail = true}
 *   -> {terms, coef, se, statistic, p_value, conf_low, conf_high, vcov, df,
 *       df_resid, n, k, units, sigma, r2, rss, resid, row_unit, row_period,
 *       lines = {name = {one value per period}}, at = {name = value}}
 * lines (unless lines = false) and at (when at is given) hold the values
 * listed above period_lines; detail = false leaves out vcov, resid,
 * row_unit and row_period (for placebo loops).
 * Units and periods are 1-based.  Errors name the field. */
static int panel_fit(lua_State *L) {
  struct pbox *b = checkpanel(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  struct its_spec s;
  memset(&s, 0, sizeof s);
  s.single = lh_optbool(L, 2, "single", 0);
  int treated = (int)lh_optint(L, 2, "its", "treated", 0, INT_MIN, INT_MAX);
  if (treated < 1 || (size_t)treated > b->U)
    return luaL_error(L, "its fit: treated must be a unit number 1..%d, got %d", (int)b->U, treated);
  size_t ncomp = 0, *comp = NULL;
  lua_getfield(L, 2, "comparators");
  if (lua_istable(L, -1)) {
    ncomp = (size_t)luaL_len(L, -1);
    comp = lua_newuserdatauv(L, (ncomp > 0 ? ncomp : 1) * sizeof *comp, 0);
    for (size_t j = 0; j < ncomp; j++) {
      lua_rawgeti(L, -2, (lua_Integer)j + 1);
      lua_Integer u = lua_tointeger(L, -1);
      if (u < 1 || (size_t)u > b->U)
        return luaL_error(L, "its fit: comparators[%d] must be a unit number 1..%d", (int)j + 1, (int)b->U);
      comp[j] = (size_t)u - 1;
      lua_pop(L, 1);
    }
  } else if (!s.single) {
    return luaL_error(L, "its fit: comparators = {...} is required unless single = true");
  }
  lua_getfield(L, 2, "combine");
  static const char *const combines[] = {"pool", "mean", "weighted", NULL};
  s.combine = (enum its_combine)luaL_checkoption(L, -1, "pool", combines);
  lua_pop(L, 1);
  char lab[ITS_MAXBREAK][NAMELEN];
  lua_getfield(L, 2, "breaks");
  if (lua_istable(L, -1)) {
    s.m = (size_t)luaL_len(L, -1);
    if (s.m > ITS_MAXBREAK) return luaL_error(L, "its fit: at most %d interruptions", ITS_MAXBREAK);
    for (size_t j = 0; j < s.m; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      if (!lua_istable(L, -1)) return luaL_error(L, "its fit: breaks[%d] must be a table {t = ...}", (int)j + 1);
      int ib = lua_gettop(L);
      lua_getfield(L, ib, "t");
      if (lua_type(L, -1) != LUA_TNUMBER) return luaL_error(L, "its fit: breaks[%d].t must be a number", (int)j + 1);
      s.brk[j].T = lua_tonumber(L, -1);
      lua_pop(L, 1);
      s.brk[j].level = lh_optbool(L, ib, "level", 1);
      s.brk[j].slope = lh_optbool(L, ib, "slope", 1);
      lua_getfield(L, ib, "label");
      const char *lb = lua_tostring(L, -1);
      if (lb != NULL) snprintf(lab[j], NAMELEN, "%s", lb);
      else snprintf(lab[j], NAMELEN, "%d", (int)j + 1);
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
  unsigned char *use = lua_newuserdatauv(L, b->P, 0);
  lua_getfield(L, 2, "use");
  int have_use = lua_istable(L, -1);
  for (size_t p = 0; p < b->P; p++) {
    use[p] = 1;
    if (have_use) {
      lua_rawgeti(L, -1, (lua_Integer)p + 1);
      use[p] = (unsigned char)lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  s.use = use;
  int lag = (int)lh_optint(L, 2, "its", "lag", 0, INT_MIN, INT_MAX);
  if (lag < 0) return luaL_error(L, "its fit: lag must be >= 0, got %d", lag);
  s.lag = (size_t)lag;
  lua_getfield(L, 2, "hac");
  static const char *const hacs[] = {"rows", "time", NULL};
  s.hac_rows = luaL_checkoption(L, -1, "rows", hacs) == 0;
  lua_pop(L, 1);
  lua_getfield(L, 2, "dist");
  static const char *const dists[] = {"t", "z", NULL};
  int zdist = luaL_checkoption(L, -1, "t", dists) == 1;
  lua_pop(L, 1);
  lua_getfield(L, 2, "level");
  double level = luaL_optnumber(L, -1, 0.95);
  lua_pop(L, 1);
  if (!(level > 0 && level < 1)) return luaL_error(L, "its fit: level must be in (0, 1)");
  int want_lines = lh_optbool(L, 2, "lines", 1);
  int detail = lh_optbool(L, 2, "detail", 1);
  int at = (int)lh_optint(L, 2, "its", "at", 0, INT_MIN, INT_MAX);
  if (at < 0 || (size_t)at > b->P) return luaL_error(L, "its fit: at must be a period 1..%d", (int)b->P);

  struct its_panel pn = view(b);
  struct fitbox *fb = newfitbox(L);
  char err[256];
  int st = its_design(&pn, &s, (size_t)treated - 1, comp, ncomp, &fb->d, err, sizeof err);
  if (st != GSL_SUCCESS) return lh_error(L, st == GSL_EINVAL ? "recipe" : "analysis", "its fit: %s", err);
  st = its_fit(&fb->d, &s, &fb->f);
  if (st == GSL_ESING) {
    push_terms(L, b, &s, lab);
    lua_rawgeti(L, -1, (lua_Integer)fb->f.bad_col + 1);
    return lh_error(L, "analysis", "its fit: term '%s' is a linear combination of earlier terms (collinear); "
                      "typically an interruption with no period after it in the sample, a slope "
                      "change with a single post period, or a covariate constant over the sample",
                      lua_tostring(L, -1));
  }
  if (st == GSL_EDOM) return lh_error(L, "analysis", "its fit: a value is not finite");
  if (st != GSL_SUCCESS) return lh_error(L, "analysis", "its fit: %s", gsl_strerror(st));
  const struct its_fit *f = &fb->f;
  const size_t k = f->k, n = f->n;
  double df = zdist ? INFINITY : f->df_resid;

  lua_createtable(L, 0, 24);
  push_terms(L, b, &s, lab);
  lua_setfield(L, -2, "terms");
  lh_pushvector(L, f->coef, k);
  lua_setfield(L, -2, "coef");
  lua_createtable(L, (int)k, 0);   /* se */
  lua_createtable(L, (int)k, 0);   /* statistic */
  lua_createtable(L, (int)k, 0);   /* p_value */
  lua_createtable(L, (int)k, 0);   /* conf_low */
  lua_createtable(L, (int)k, 0);   /* conf_high */
  double crit = lintest_crit(level, df);
  for (size_t j = 0; j < k; j++) {
    double se = sqrt(f->V[j + j * k]), t = f->coef[j] / se;
    lua_pushnumber(L, se); lua_rawseti(L, -6, (lua_Integer)j + 1);
    lua_pushnumber(L, t); lua_rawseti(L, -5, (lua_Integer)j + 1);
    lua_pushnumber(L, lintest_p_two(t, df)); lua_rawseti(L, -4, (lua_Integer)j + 1);
    lua_pushnumber(L, f->coef[j] - crit * se); lua_rawseti(L, -3, (lua_Integer)j + 1);
    lua_pushnumber(L, f->coef[j] + crit * se); lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -6, "conf_high");
  lua_setfield(L, -5, "conf_low");
  lua_setfield(L, -4, "p_value");
  lua_setfield(L, -3, "statistic");
  lua_setfield(L, -2, "se");
  if (detail) {
    lua_createtable(L, (int)k, 0);
    for (size_t a = 0; a < k; a++) {
      lh_pushvector(L, f->V + a * k, k);   /* symmetric: column a = row a */
      lua_rawseti(L, -2, (lua_Integer)a + 1);
    }
    lua_setfield(L, -2, "vcov");
  }
  lh_setnum(L, "df", df);
  lh_setnum(L, "df_resid", f->df_resid);
  lh_setnum(L, "sigma", sqrt(f->sigma2));
  lh_setnum(L, "r2", f->r2);
  lh_setnum(L, "rss", f->rss);
  lh_setnum(L, "level", level);
  lua_pushinteger(L, (lua_Integer)n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)k);
  lua_setfield(L, -2, "k");
  lua_pushinteger(L, (lua_Integer)fb->d.nunits);
  lua_setfield(L, -2, "units");
  if (detail) {
    lh_pushvector(L, f->resid, n);
    lua_setfield(L, -2, "resid");
    lua_createtable(L, (int)n, 0);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
      lua_pushinteger(L, (lua_Integer)fb->d.unit[i]);
      lua_rawseti(L, -3, (lua_Integer)i + 1);
      lua_pushinteger(L, (lua_Integer)fb->d.period[i] + 1);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -3, "row_period");
    lua_setfield(L, -2, "row_unit");
  }
  if (want_lines) {
    push_lines(L, b, &s, f, (size_t)treated - 1, comp, ncomp, df, level, -1);
    lua_setfield(L, -2, "lines");
  }
  if (at > 0) {
    push_lines(L, b, &s, f, (size_t)treated - 1, comp, ncomp, df, level, (long)at - 1);
    lua_setfield(L, -2, "at");
  }
  return 1;
}

/* Lua: panel:size() -> U, P */
static int panel_size(lua_State *L) {
  struct pbox *b = checkpanel(L, 1);
  lua_pushinteger(L, (lua_Integer)b->U);
  lua_pushinteger(L, (lua_Integer)b->P);
  return 2;
}

static const luaL_Reg panel_methods[] = {{"fit", panel_fit}, {"size", panel_size}, {NULL, NULL}};
static const luaL_Reg its_funcs[] = {{"panel", its_panel_new}, {NULL, NULL}};

int luaopen_host_its(lua_State *L) {
  luaL_newmetatable(L, PANEL_META);
  luaL_newlib(L, panel_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newlib(L, its_funcs);
  return 1;
}
