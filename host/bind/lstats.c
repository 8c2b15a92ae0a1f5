/* host/bind/lstats.c -- Lua module "host.stats": argument checks and result
 * pushing for the hypothesis tests and the bootstrap.  No numerics here:
 * they live in host/{ttest,ctab,ranktest,prop,scale,padjust,boot}.c (plain
 * C + GSL, unit-tested with cmocka).  Only lua/csc/stats.lua requires this
 * module; it validates first, so these checks are a second line. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <lauxlib.h>
#include <lua.h>

#include "num/boot.h"
#include "num/ctab.h"
#include "lhelp.h"
#include "num/padjust.h"
#include "num/prop.h"
#include "num/ranktest.h"
#include "num/rateci.h"
#include "num/scale.h"
#include "num/ttest.h"

/* ===== Helpers ===== */

static enum stats_alt checkalt(lua_State *L, int arg) {
  static const char *const names[] = {"two.sided", "two-sided", "less", "greater", NULL};
  static const enum stats_alt alts[] = {STATS_TWO_SIDED, STATS_TWO_SIDED, STATS_LESS,
                                        STATS_GREATER};
  return alts[luaL_checkoption(L, arg, "two.sided", names)];
}

static double checkconf(lua_State *L, int arg) {
  double c = luaL_optnumber(L, arg, 0.95);
  luaL_argcheck(L, c > 0 && c < 1, arg, "confidence level must be between 0 and 1");
  return c;
}

static size_t checksize(lua_State *L, int arg) {
  lua_Integer v = luaL_checkinteger(L, arg);
  luaL_argcheck(L, v >= 0, arg, "must not be negative");
  return (size_t)v;
}

/* exact = "auto" | true | false -> -1 | 1 | 0 */
static int checkexact(lua_State *L, int arg) {
  if (lua_isnoneornil(L, arg)) return -1;
  if (lua_type(L, arg) == LUA_TSTRING && strcmp(lua_tostring(L, arg), "auto") == 0) return -1;
  luaL_argexpected(L, lua_isboolean(L, arg), arg, "boolean or \"auto\"");
  return lua_toboolean(L, arg);
}

/* Raise "fn: <domain message>" for a failed status; domain messages per
 * status come from the caller, gsl_strerror is the fallback. */
static int fail(lua_State *L, const char *fn, int status, const char *einval,
                const char *edom) {
  const char *msg = status == GSL_EINVAL && einval ? einval
                    : status == GSL_EDOM && edom   ? edom
                    : status == GSL_ENOMEM         ? "not enough memory"
                                                   : gsl_strerror(status);
  return luaL_error(L, "%s: %s", fn, msg);
}

/* The data of a one-sample, paired or two-sample test: x (argument 1), y
 * (argument 2; nil for one sample), mu (argument 3) and paired (argument
 * 4); paired samples must have the same length.  [-0, +1|2, v] */
struct samples {
  const double *x, *y;
  size_t nx, ny;
  double mu;
};
enum samples_kind { ONE_SAMPLE, PAIRED, TWO_SAMPLES };

static enum samples_kind checksamples(lua_State *L, struct samples *s) {
  s->x = lh_checkvector(L, 1, &s->nx);
  s->y = lh_optvector(L, 2, &s->ny);
  s->mu = luaL_optnumber(L, 3, 0);
  if (!s->y) return ONE_SAMPLE;
  if (!lua_toboolean(L, 4)) return TWO_SAMPLES;
  luaL_argcheck(L, s->nx == s->ny, 2, "paired samples must have the same length");
  return PAIRED;
}

/* ===== Tests ===== */

/* Lua: stats.t_test(x, y|nil, mu, paired, var_equal, alt, conf) -> table
 * (cf. R t.test) */
static int stats_t_test(lua_State *L) {
  struct samples s;
  enum samples_kind kind = checksamples(L, &s);
  int var_equal = lua_toboolean(L, 5);
  enum stats_alt alt = checkalt(L, 6);
  double conf = checkconf(L, 7);
  struct ttest_result r;
  int st = kind == ONE_SAMPLE ? ttest_one(s.x, s.nx, s.mu, alt, conf, &r)
           : kind == PAIRED   ? ttest_paired(s.x, s.y, s.nx, s.mu, alt, conf, &r)
                              : ttest_two(s.x, s.nx, s.y, s.ny, s.mu, var_equal, alt, conf, &r);
  if (st)
    return fail(L, "t_test", st, "not enough observations (or a non-finite value)",
                "data are essentially constant");
  lua_createtable(L, 0, 9);
  lh_setnum(L, "statistic", r.statistic);
  lh_setnum(L, "df", r.df);
  lh_setnum(L, "p_value", r.p_value);
  lh_setnum(L, "conf_lo", r.conf_int[0]);
  lh_setnum(L, "conf_hi", r.conf_int[1]);
  lh_setnum(L, "estimate1", r.estimate[0]);
  lh_setnum(L, "estimate2", r.estimate[1]);
  lh_setnum(L, "se", r.se);
  return 1;
}

/* Lua: stats.chisq_test(cells, nr, nc, correct) -> table with expected
 * (row-major array) (cf. R chisq.test) */
static int stats_chisq_test(lua_State *L) {
  size_t n;
  const double *x = lh_checkvector(L, 1, &n);
  size_t nr = checksize(L, 2), nc = checksize(L, 3);
  luaL_argcheck(L, nr >= 2 && nc >= 2 && nr * nc == n, 1, "need an r x c table, r, c >= 2");
  int correct = lua_isnoneornil(L, 4) ? 1 : lua_toboolean(L, 4);
  double *e = lh_scratch(L, n * sizeof *e);
  struct ctab_chisq_result r;
  int st = ctab_chisq(x, nr, nc, correct, &r, e);
  if (st)
    return fail(L, "chisq_test", st, "counts must be finite and non-negative",
                "a row or column total is 0");
  lua_createtable(L, 0, 6);
  lh_setnum(L, "statistic", r.statistic);
  lh_setnum(L, "df", r.df);
  lh_setnum(L, "p_value", r.p_value);
  lh_setnum(L, "yates", r.yates);
  lh_setnum(L, "min_expected", r.min_expected);
  lh_pushvector(L, e, n);
  lua_setfield(L, -2, "expected");
  return 1;
}

/* Lua: stats.fisher_test(cells, nr, nc, or, alt, conf) -> table
 * (cf. R fisher.test) */
static int stats_fisher_test(lua_State *L) {
  size_t n;
  const double *x = lh_checkvector(L, 1, &n);
  size_t nr = checksize(L, 2), nc = checksize(L, 3);
  luaL_argcheck(L, nr >= 2 && nc >= 2 && nr * nc == n, 1, "need an r x c table, r, c >= 2");
  double orn = luaL_optnumber(L, 4, 1);
  enum stats_alt alt = checkalt(L, 5);
  double conf = checkconf(L, 6);
  struct ctab_fisher_result r;
  int st = ctab_fisher(x, nr, nc, orn, alt, conf, &r);
  if (st == GSL_EMAXITER)
    return luaL_error(L, "fisher_test: the %d x %d table is too large for the exact test "
                         "(use chisq_test)", (int)nr, (int)nc);
  if (st)
    return fail(L, "fisher_test", st,
                "counts must be non-negative whole numbers (and larger tables are two-sided "
                "with odds ratio 1 only)",
                NULL);
  lua_createtable(L, 0, 5);
  lh_setnum(L, "p_value", r.p_value);
  lh_setnum(L, "estimate", r.estimate);
  lh_setnum(L, "conf_lo", r.conf_int[0]);
  lh_setnum(L, "conf_hi", r.conf_int[1]);
  lh_setbool(L, "two_by_two", r.two_by_two);
  return 1;
}

/* Lua: stats.wilcox_test(x, y|nil, mu, paired, alt, exact, correct) -> table
 * (cf. R wilcox.test) */
static int stats_wilcox_test(lua_State *L) {
  struct samples s;
  enum samples_kind kind = checksamples(L, &s);
  enum stats_alt alt = checkalt(L, 5);
  int exact = checkexact(L, 6);
  int correct = lua_isnoneornil(L, 7) ? 1 : lua_toboolean(L, 7);
  struct ranktest_result r;
  int st = kind == ONE_SAMPLE ? ranktest_signed(s.x, s.nx, s.mu, alt, exact, correct, &r)
           : kind == PAIRED   ? ranktest_paired(s.x, s.y, s.nx, s.mu, alt, exact, correct, &r)
                              : ranktest_ranksum(s.x, s.nx, s.y, s.ny, s.mu, alt, exact, correct, &r);
  if (st)
    return fail(L, "wilcox_test", st, "not enough observations (or a non-finite value)",
                "all values are tied (or all differences are zero)");
  lua_createtable(L, 0, 9);
  lh_setnum(L, "statistic", r.statistic);
  lh_setnum(L, "p_value", r.p_value);
  lh_setnum(L, "z", r.z);
  lh_setnum(L, "correction", r.correction);
  lh_setbool(L, "exact", r.exact);
  lh_setbool(L, "ties", r.ties);
  lh_setbool(L, "zeros", r.zeros);
  lh_setint(L, "n1", r.n[0]);
  lh_setint(L, "n2", r.n[1]);
  return 1;
}

static void push_prop(lua_State *L, const struct prop_result *r) {
  lua_createtable(L, 0, 9);
  lh_setnum(L, "statistic", r->statistic);
  lh_setnum(L, "df", r->df);
  lh_setnum(L, "p_value", r->p_value);
  lh_setnum(L, "conf_lo", r->conf_int[0]);
  lh_setnum(L, "conf_hi", r->conf_int[1]);
  lh_setnum(L, "estimate1", r->estimate[0]);
  lh_setnum(L, "estimate2", r->estimate[1]);
  lh_setnum(L, "yates", r->yates);
  lh_setnum(L, "min_expected", r->min_expected);
}

/* Lua: stats.prop_test(x1, n1, x2|nil, n2|nil, p0, alt, conf, correct, z)
 * -> table.  z = true gives the plain z test (Stata prtest) instead of R's
 * prop.test. */
static int stats_prop_test(lua_State *L) {
  double x1 = luaL_checknumber(L, 1), n1 = luaL_checknumber(L, 2);
  int two = !lua_isnoneornil(L, 3);
  double x2 = two ? luaL_checknumber(L, 3) : 0, n2 = two ? luaL_checknumber(L, 4) : 0;
  double p0 = luaL_optnumber(L, 5, 0.5);
  enum stats_alt alt = checkalt(L, 6);
  double conf = checkconf(L, 7);
  int correct = lua_isnoneornil(L, 8) ? 1 : lua_toboolean(L, 8);
  int z = lua_toboolean(L, 9);
  struct prop_result r;
  int st;
  if (two)
    st = z ? prop_ztest_two(x1, n1, x2, n2, alt, conf, &r)
           : prop_test_two(x1, n1, x2, n2, alt, conf, correct, &r);
  else
    st = z ? prop_ztest_one(x1, n1, p0, alt, conf, &r)
           : prop_test_one(x1, n1, p0, alt, conf, correct, &r);
  if (st)
    return fail(L, "prop_test", st,
                "need 0 <= x <= n, n > 0 and a null proportion strictly between 0 and 1",
                "the pooled proportion is 0 or 1, so an expected count is 0");
  push_prop(L, &r);
  return 1;
}

/* Lua: stats.rate_ci(x, method, conf) -> lo, hi
 * (interval for a Poisson mean; method "exact" as R poisson.test(x), or "byar") */
static int stats_rate_ci(lua_State *L) {
  double x = luaL_checknumber(L, 1);
  static const char *const methods[] = {"exact", "byar", NULL};
  int m = luaL_checkoption(L, 2, "exact", methods);
  double conf = checkconf(L, 3), lo, hi;
  int st = rateci_poisson(x, m == 0 ? RATECI_EXACT : RATECI_BYAR, conf, &lo, &hi);
  if (st) return fail(L, "rate_ci", st, "need a count x >= 0", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.wilson_ci(x, n, conf) -> lo, hi
 * (Wilson score interval, as R prop.test(x, n, correct = FALSE)$conf.int) */
static int stats_wilson_ci(lua_State *L) {
  double x = luaL_checknumber(L, 1), n = luaL_checknumber(L, 2);
  double conf = checkconf(L, 3), lo, hi;
  int st = rateci_wilson(x, n, conf, &lo, &hi);
  if (st) return fail(L, "wilson_ci", st, "need 0 <= x <= n and n > 0", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.funnel_limits(model, centre, n, conf) -> lo, hi
 * (control limits at denominator n; model "proportion" or "rate") */
static int stats_funnel_limits(lua_State *L) {
  static const char *const models[] = {"proportion", "rate", NULL};
  int m = luaL_checkoption(L, 1, NULL, models);
  double centre = luaL_checknumber(L, 2), n = luaL_checknumber(L, 3);
  double conf = checkconf(L, 4), lo, hi;
  int st = rateci_funnel(m == 0, centre, n, conf, &lo, &hi);
  if (st)
    return fail(L, "funnel_limits", st,
                "need n > 0 and a centre within [0, 1] (proportion) or >= 0 (rate)", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.cor_test(x, y, method, alt, conf, exact) -> table
 * (cf. R cor.test, method "pearson" or "spearman") */
static int stats_cor_test(lua_State *L) {
  size_t nx, ny;
  const double *x = lh_checkvector(L, 1, &nx);
  const double *y = lh_checkvector(L, 2, &ny);
  luaL_argcheck(L, nx == ny, 2, "x and y must have the same length");
  static const char *const methods[] = {"pearson", "spearman", NULL};
  int method = luaL_checkoption(L, 3, "pearson", methods);
  enum stats_alt alt = checkalt(L, 4);
  double conf = checkconf(L, 5);
  int exact = checkexact(L, 6);
  struct scale_cor r;
  int st = method == 0 ? scale_pearson(x, y, nx, alt, conf, &r)
                       : scale_spearman(x, y, nx, alt, exact, &r);
  if (st)
    return fail(L, "cor_test", st, "not enough observations (or a non-finite value)",
                "x or y is constant (or n = 2 with ties)");
  lua_createtable(L, 0, 8);
  lh_setnum(L, "estimate", r.estimate);
  lh_setnum(L, "statistic", r.statistic);
  lh_setnum(L, "df", r.df);
  lh_setnum(L, "p_value", r.p_value);
  lh_setnum(L, "conf_lo", r.conf_int[0]);
  lh_setnum(L, "conf_hi", r.conf_int[1]);
  lh_setbool(L, "exact", r.exact);
  lh_setbool(L, "ties", r.ties);
  return 1;
}

/* Lua: stats.cronbach_alpha(cells, n_obs, n_items) -> table
 * (cf. psych::alpha raw_alpha, std.alpha, average_r) */
static int stats_cronbach_alpha(lua_State *L) {
  size_t n;
  const double *x = lh_checkvector(L, 1, &n);
  size_t nobs = checksize(L, 2), nitems = checksize(L, 3);
  luaL_argcheck(L, nobs * nitems == n, 1, "cells must hold n_obs x n_items values");
  struct scale_alpha a;
  int st = scale_cronbach(x, nobs, nitems, &a);
  if (st)
    return fail(L, "cronbach_alpha", st,
                "need at least 2 items and 2 respondents, all values finite",
                "an item has zero variance");
  lua_createtable(L, 0, 3);
  lh_setnum(L, "raw_alpha", a.raw_alpha);
  lh_setnum(L, "std_alpha", a.std_alpha);
  lh_setnum(L, "average_r", a.average_r);
  return 1;
}

/* Lua: stats.p_adjust(p, method, n) -> array (NaN = missing; cf. R p.adjust) */
static int stats_p_adjust(lua_State *L) {
  size_t n;
  const double *p = lh_checkvector(L, 1, &n);
  static const char *const names[] = {"bonferroni", "holm", "hochberg", "BH", "fdr", "BY",
                                      "none", NULL};
  static const enum padjust_method ms[] = {PADJUST_BONFERRONI, PADJUST_HOLM, PADJUST_HOCHBERG,
                                           PADJUST_BH,         PADJUST_BH,   PADJUST_BY,
                                           PADJUST_NONE};
  enum padjust_method m = ms[luaL_checkoption(L, 2, "holm", names)];
  size_t ntests = lua_isnoneornil(L, 3) ? 0 : checksize(L, 3);
  double *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
  int st = padjust_apply(p, n, ntests, m, out);
  if (st)
    return fail(L, "p_adjust", st,
                "p-values must lie in [0, 1] and n must be at least the number of p-values",
                NULL);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, out[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* ===== Bootstrap ===== */

/* The statistic runs Lua under lua_pcall, because boot.c holds malloc'd
 * memory while it calls back: an error is recorded here, its message left
 * on the stack top, and the remaining calls return at once. */
struct boot_lua {
  lua_State *L;
  int data, fn;     /* stack indices of the data array and the function */
  int failed;
};

/* Runs protected: (data, fn, idx lightuserdata, n) -> fn(sample) */
static int boot_call(lua_State *L) {
  const size_t *idx = lua_touserdata(L, 3);
  lua_Integer n = lua_tointeger(L, 4);
  lua_settop(L, 2);
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 0; i < n; i++) {
    lua_rawgeti(L, 1, (lua_Integer)idx[i] + 1);
    lua_rawseti(L, 3, i + 1);
  }
  lua_call(L, 1, 1);
  if (lua_type(L, -1) != LUA_TNUMBER)
    return luaL_error(L, "statistic returned %s, expected a number", luaL_typename(L, -1));
  return 1;
}

static double boot_stat(const size_t *idx, size_t n, void *vctx) {
  struct boot_lua *c = vctx;
  if (c->failed) return NAN;
  lua_State *L = c->L;
  /* none of these pushes allocates; lua_pcall catches everything after */
  lua_pushcfunction(L, boot_call);
  lua_pushvalue(L, c->data);
  lua_pushvalue(L, c->fn);
  lua_pushlightuserdata(L, (void *)idx);
  lua_pushinteger(L, (lua_Integer)n);
  if (lua_pcall(L, 4, 1, 0) != LUA_OK) {
    c->failed = 1;   /* the message stays on the stack top */
    return NAN;
  }
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Lua: stats.bootstrap(data, cluster|nil, nclusters, fn, reps, seed, conf)
 * -> table.  cluster holds integers 1..nclusters, one per data element.
 * Resampling uses gsl_rng_mt19937 seeded with seed; the same seed gives the
 * same replicates on every platform. */
static int stats_bootstrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer len = luaL_len(L, 1);
  luaL_argcheck(L, len >= 2, 1, "need at least 2 observations");
  size_t n = (size_t)len, g = 0;
  size_t *cl = NULL;
  if (!lua_isnoneornil(L, 2)) {
    size_t ncl;
    const double *c = lh_checkvector(L, 2, &ncl);   /* stays at the top, below */
    luaL_argcheck(L, ncl == n, 2, "cluster must have one entry per observation");
    g = checksize(L, 3);
    luaL_argcheck(L, g >= 2, 3, "need at least 2 clusters");
    cl = lua_newuserdatauv(L, n * sizeof *cl, 0);
    for (size_t i = 0; i < n; i++) {
      luaL_argcheck(L, c[i] >= 1 && c[i] <= (double)g && c[i] == floor(c[i]), 2,
                    "cluster numbers must be whole numbers 1 .. nclusters");
      cl[i] = (size_t)c[i] - 1;
    }
  }
  luaL_checktype(L, 4, LUA_TFUNCTION);
  lua_Integer reps = luaL_checkinteger(L, 5);
  luaL_argcheck(L, reps >= 2 && reps <= 10000000, 5, "reps must be between 2 and 1e7");
  lua_Integer seed = luaL_checkinteger(L, 6);
  luaL_argcheck(L, seed >= 1 && seed <= 4294967295, 6, "seed must be an integer 1 .. 2^32-1");
  double conf = checkconf(L, 7);
  double *t = lua_newuserdatauv(L, (size_t)reps * sizeof *t, 0);
  luaL_checkstack(L, 8, "bootstrap");

  /* From here malloc'd memory is held: nothing may raise until it is freed. */
  struct boot_design *d = NULL;
  int st = boot_design_new(n, cl, g, &d);
  if (st) return fail(L, "bootstrap", st, "every cluster number 1 .. nclusters must be used", NULL);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) {
    boot_design_free(d);
    return luaL_error(L, "bootstrap: not enough memory");
  }
  gsl_rng_set(rng, (unsigned long)seed);
  struct boot_lua ctx = {L, 1, 4, 0};
  struct boot_result res;
  st = boot_run(d, rng, (size_t)reps, boot_stat, &ctx, conf, t, &res);
  gsl_rng_free(rng);
  boot_design_free(d);
  if (ctx.failed) {
    const char *msg = lua_tostring(L, -1);
    if (!msg && lua_type(L, -1) == LUA_TTABLE) {   /* a structured csceval error */
      lua_getfield(L, -1, "msg");
      msg = lua_tostring(L, -1);
    }
    return luaL_error(L, "bootstrap: the statistic failed: %s", msg ? msg : "(error object)");
  }
  if (st == GSL_EDOM) return luaL_error(L, "bootstrap: the statistic is not finite on the data");
  if (st)
    return fail(L, "bootstrap", st, "fewer than 2 replicates gave a finite statistic", NULL);

  lua_createtable(L, 0, 16);
  lh_setnum(L, "t0", res.t0);
  lh_setnum(L, "bias", res.bias);
  lh_setnum(L, "se", res.se);
  lh_setnum(L, "perc_lo", res.perc[0]);
  lh_setnum(L, "perc_hi", res.perc[1]);
  lh_setnum(L, "bca_lo", res.bca[0]);
  lh_setnum(L, "bca_hi", res.bca[1]);
  lh_setnum(L, "z0", res.z0);
  lh_setnum(L, "a", res.a);
  lh_setint(L, "reps", res.reps);
  lh_setint(L, "used", res.used);
  lh_setbool(L, "extreme", res.extreme);
  if (res.bca_status) {
    lua_pushstring(L, res.bca_status == GSL_EDOM
                          ? "BCa not available: every replicate falls on one side of the "
                            "estimate, or the jackknife acceleration is undefined"
                          : gsl_strerror(res.bca_status));
    lua_setfield(L, -2, "bca_error");
  }
  lua_createtable(L, (int)reps, 0);
  for (lua_Integer b = 0; b < reps; b++) {
    lua_pushnumber(L, t[b]);
    lua_rawseti(L, -2, b + 1);
  }
  lua_setfield(L, -2, "t");
  return 1;
}

static const luaL_Reg stats_funcs[] = {
  {"t_test", stats_t_test},
  {"chisq_test", stats_chisq_test},
  {"fisher_test", stats_fisher_test},
  {"wilcox_test", stats_wilcox_test},
  {"prop_test", stats_prop_test},
  {"rate_ci", stats_rate_ci},
  {"wilson_ci", stats_wilson_ci},
  {"funnel_limits", stats_funnel_limits},
  {"cor_test", stats_cor_test},
  {"cronbach_alpha", stats_cronbach_alpha},
  {"p_adjust", stats_p_adjust},
  {"bootstrap", stats_bootstrap},
  {NULL, NULL},
};

int luaopen_host_stats(lua_State *L) {
  luaL_newlib(L, stats_funcs);
  return 1;
}
