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

/* ===== Arguments =====
 * lua/csc/stats.lua checks every argument first, with the recipe's field
 * names; these checks are a second line.  Every raise here carries its kind
 * (lh_error): a caller's argument is a recipe error, values a test cannot
 * take are a data error, a test that cannot be computed on the data is an
 * analysis error, and running out of memory is an analysis error too (lh_nomem:
 * exit 4, as docs/cli.md says). */

/* Raise the recipe error "fn: msg" unless ok. */
static void argcheck(lua_State *L, int ok, const char *fn, const char *msg) {
  if (!ok) lh_error(L, "recipe", "%s: %s", fn, msg);
}

/* Argument arg: one of names (NULL-ended; nil gives dflt), as its index. */
static int checkoption(lua_State *L, int arg, const char *fn, const char *what, const char *dflt,
                       const char *const names[]) {
  const char *s = lua_isnoneornil(L, arg) ? dflt : lua_tostring(L, arg);
  for (int i = 0; s && names[i]; i++)
    if (strcmp(s, names[i]) == 0) return i;
  const char *best = s ? lh_suggest(s, names) : NULL;
  return lh_error(L, "recipe", "%s: %s \"%s\" is not known%s%s%s", fn, what, s ? s : "?",
                  best ? " (did you mean \"" : "", best ? best : "", best ? "\"?)" : "");
}

static enum stats_alt checkalt(lua_State *L, int arg, const char *fn) {
  static const char *const names[] = {"two.sided", "two-sided", "less", "greater", NULL};
  static const enum stats_alt alts[] = {STATS_TWO_SIDED, STATS_TWO_SIDED, STATS_LESS,
                                        STATS_GREATER};
  return alts[checkoption(L, arg, fn, "alternative", "two.sided", names)];
}

static double checkconf(lua_State *L, int arg, const char *fn) {
  double c = luaL_optnumber(L, arg, 0.95);
  argcheck(L, c > 0 && c < 1, fn, "the confidence level must be between 0 and 1");
  return c;
}

static size_t checksize(lua_State *L, int arg, const char *fn) {
  lua_Integer v = luaL_checkinteger(L, arg);
  argcheck(L, v >= 0, fn, "a count must not be negative");
  return (size_t)v;
}

/* A flag that is on unless given as false. */
static int opttrue(lua_State *L, int arg) {
  return lua_isnoneornil(L, arg) ? 1 : lua_toboolean(L, arg);
}

/* exact = "auto" | true | false -> -1 | 1 | 0 */
static int checkexact(lua_State *L, int arg, const char *fn) {
  if (lua_isnoneornil(L, arg)) return -1;
  if (lua_type(L, arg) == LUA_TSTRING && strcmp(lua_tostring(L, arg), "auto") == 0) return -1;
  argcheck(L, lua_isboolean(L, arg), fn, "exact must be true, false or \"auto\"");
  return lua_toboolean(L, arg);
}

/* Raise "fn: <domain message>" for a failed status, with its kind: values
 * the test cannot take (GSL_EINVAL, message einval) are a data error, data
 * on which it cannot be computed (GSL_EDOM, message edom) an analysis
 * error; gsl_strerror is the fallback. */
static int fail(lua_State *L, const char *fn, int status, const char *einval,
                const char *edom) {
  if (status == GSL_ENOMEM) return lh_nomem(L, fn);
  if (status == GSL_EINVAL && einval) return lh_error(L, "data", "%s: %s", fn, einval);
  return lh_error(L, "analysis", "%s: %s", fn, status == GSL_EDOM && edom ? edom : gsl_strerror(status));
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

static enum samples_kind checksamples(lua_State *L, const char *fn, struct samples *s) {
  s->x = lh_checkvector(L, 1, &s->nx);
  s->y = lh_optvector(L, 2, &s->ny);
  s->mu = luaL_optnumber(L, 3, 0);
  if (!s->y) return ONE_SAMPLE;
  if (!lua_toboolean(L, 4)) return TWO_SAMPLES;
  argcheck(L, s->nx == s->ny, fn, "paired samples must have the same length");
  return PAIRED;
}

/* A contingency table: cells (argument 1, row-major), nr and nc
 * (arguments 2 and 3), at least 2 x 2.  [-0, +1, v] */
struct ctable {
  const double *x;
  size_t n, nr, nc;
};

static void checktable(lua_State *L, const char *fn, struct ctable *t) {
  t->x = lh_checkvector(L, 1, &t->n);
  t->nr = checksize(L, 2, fn);
  t->nc = checksize(L, 3, fn);
  argcheck(L, t->nr >= 2 && t->nc >= 2 && t->nr * t->nc == t->n, fn,
           "need an r x c table, r, c >= 2");
}

/* ===== Results ===== */

/* One field of a result table: a number, a whole number or a flag. */
struct field {
  const char *k;
  double v;
  enum { NUM, INT, BOOL } type;
};

/* A new table holding the n fields f.  [-0, +1, m] */
static void push_fields(lua_State *L, const struct field *f, size_t n) {
  lua_createtable(L, 0, (int)n + 1);
  for (size_t i = 0; i < n; i++) {
    if (f[i].type == INT) lh_setint(L, f[i].k, (lua_Integer)f[i].v);
    else if (f[i].type == BOOL) lh_setbool(L, f[i].k, f[i].v != 0);
    else lh_setnum(L, f[i].k, f[i].v);
  }
}

#define FNUM(k, v) {(k), (v), NUM}
#define FINT(k, v) {(k), (double)(v), INT}
#define FBOOL(k, v) {(k), (v), BOOL}
#define PUSH_FIELDS(L, ...)                                                                    \
  push_fields(L, (const struct field[]){__VA_ARGS__},                                          \
              sizeof((const struct field[]){__VA_ARGS__}) / sizeof(struct field))

/* ===== Tests ===== */

/* Lua: stats.t_test(x, y|nil, mu, paired, var_equal, alt, conf) -> table
 * (cf. R t.test) */
static int stats_t_test(lua_State *L) {
  static const char fn[] = "t_test";
  lua_settop(L, 7);   /* fixed argument slots: scratch goes above */
  struct samples s;
  enum samples_kind kind = checksamples(L, fn, &s);
  int var_equal = lua_toboolean(L, 5);
  enum stats_alt alt = checkalt(L, 6, fn);
  double conf = checkconf(L, 7, fn);
  struct ttest_result r;
  int st = kind == ONE_SAMPLE ? ttest_one(s.x, s.nx, s.mu, alt, conf, &r)
           : kind == PAIRED   ? ttest_paired(s.x, s.y, s.nx, s.mu, alt, conf, &r)
                              : ttest_two(s.x, s.nx, s.y, s.ny, s.mu, var_equal, alt, conf, &r);
  if (st)
    return fail(L, fn, st, "not enough observations (or a non-finite value)",
                "data are essentially constant");
  PUSH_FIELDS(L, FNUM("statistic", r.statistic), FNUM("df", r.df), FNUM("p_value", r.p_value),
              FNUM("conf_lo", r.conf_int[0]), FNUM("conf_hi", r.conf_int[1]),
              FNUM("estimate1", r.estimate[0]), FNUM("estimate2", r.estimate[1]), FNUM("se", r.se));
  return 1;
}

/* Lua: stats.chisq_test(cells, nr, nc, correct) -> table with expected
 * (row-major array) (cf. R chisq.test) */
static int stats_chisq_test(lua_State *L) {
  static const char fn[] = "chisq_test";
  lua_settop(L, 4);   /* fixed argument slots: scratch goes above */
  struct ctable t;
  checktable(L, fn, &t);
  int correct = opttrue(L, 4);
  double *e = lh_scratch(L, t.n * sizeof *e);
  struct ctab_chisq_result r;
  int st = ctab_chisq(t.x, t.nr, t.nc, correct, &r, e);
  if (st)
    return fail(L, fn, st, "counts must be finite and non-negative", "a row or column total is 0");
  PUSH_FIELDS(L, FNUM("statistic", r.statistic), FNUM("df", r.df), FNUM("p_value", r.p_value),
              FNUM("yates", r.yates), FNUM("min_expected", r.min_expected));
  lh_pushvector(L, e, t.n);
  lua_setfield(L, -2, "expected");
  return 1;
}

/* Lua: stats.fisher_test(cells, nr, nc, or, alt, conf) -> table
 * (cf. R fisher.test) */
static int stats_fisher_test(lua_State *L) {
  static const char fn[] = "fisher_test";
  lua_settop(L, 6);   /* fixed argument slots: scratch goes above */
  struct ctable t;
  checktable(L, fn, &t);
  double orn = luaL_optnumber(L, 4, 1);
  enum stats_alt alt = checkalt(L, 5, fn);
  double conf = checkconf(L, 6, fn);
  struct ctab_fisher_result r;
  int st = ctab_fisher(t.x, t.nr, t.nc, orn, alt, conf, &r);
  if (st == GSL_EMAXITER)
    return lh_error(L, "analysis", "%s: the %d x %d table is too large for the exact test "
                    "(use chisq_test)", fn, (int)t.nr, (int)t.nc);
  if (st)
    return fail(L, fn, st,
                "counts must be non-negative whole numbers (and larger tables are two-sided "
                "with odds ratio 1 only)",
                NULL);
  PUSH_FIELDS(L, FNUM("p_value", r.p_value), FNUM("estimate", r.estimate), FNUM("conf_lo", r.conf_int[0]),
              FNUM("conf_hi", r.conf_int[1]), FBOOL("two_by_two", r.two_by_two));
  return 1;
}

/* Lua: stats.wilcox_test(x, y|nil, mu, paired, alt, exact, correct) -> table
 * (cf. R wilcox.test) */
static int stats_wilcox_test(lua_State *L) {
  static const char fn[] = "wilcox_test";
  lua_settop(L, 7);   /* fixed argument slots: scratch goes above */
  struct samples s;
  enum samples_kind kind = checksamples(L, fn, &s);
  enum stats_alt alt = checkalt(L, 5, fn);
  int exact = checkexact(L, 6, fn);
  int correct = opttrue(L, 7);
  struct ranktest_result r;
  int st = kind == ONE_SAMPLE ? ranktest_signed(s.x, s.nx, s.mu, alt, exact, correct, &r)
           : kind == PAIRED   ? ranktest_paired(s.x, s.y, s.nx, s.mu, alt, exact, correct, &r)
                              : ranktest_ranksum(s.x, s.nx, s.y, s.ny, s.mu, alt, exact, correct, &r);
  if (st)
    return fail(L, fn, st, "not enough observations (or a non-finite value)",
                "all values are tied (or all differences are zero)");
  PUSH_FIELDS(L, FNUM("statistic", r.statistic), FNUM("p_value", r.p_value), FNUM("z", r.z),
              FNUM("correction", r.correction), FBOOL("exact", r.exact), FBOOL("ties", r.ties),
              FBOOL("zeros", r.zeros), FINT("n1", r.n[0]), FINT("n2", r.n[1]));
  return 1;
}

/* Lua: stats.prop_test(x1, n1, x2|nil, n2|nil, p0, alt, conf, correct, z)
 * -> table.  z = true gives the plain z test (Stata prtest) instead of R's
 * prop.test. */
static int stats_prop_test(lua_State *L) {
  static const char fn[] = "prop_test";
  lua_settop(L, 9);   /* fixed argument slots: scratch goes above */
  double x1 = luaL_checknumber(L, 1), n1 = luaL_checknumber(L, 2);
  int two = !lua_isnoneornil(L, 3);
  double x2 = two ? luaL_checknumber(L, 3) : 0, n2 = two ? luaL_checknumber(L, 4) : 0;
  double p0 = luaL_optnumber(L, 5, 0.5);
  enum stats_alt alt = checkalt(L, 6, fn);
  double conf = checkconf(L, 7, fn);
  int correct = opttrue(L, 8);
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
    return fail(L, fn, st,
                "need 0 <= x <= n, n > 0 and a null proportion strictly between 0 and 1",
                "the pooled proportion is 0 or 1, so an expected count is 0");
  PUSH_FIELDS(L, FNUM("statistic", r.statistic), FNUM("df", r.df), FNUM("p_value", r.p_value),
              FNUM("conf_lo", r.conf_int[0]), FNUM("conf_hi", r.conf_int[1]),
              FNUM("estimate1", r.estimate[0]), FNUM("estimate2", r.estimate[1]), FNUM("yates", r.yates),
              FNUM("min_expected", r.min_expected));
  return 1;
}

/* Lua: stats.rate_ci(x, method, conf) -> lo, hi
 * (interval for a Poisson mean; method "exact" as R poisson.test(x), or "byar") */
static int stats_rate_ci(lua_State *L) {
  static const char fn[] = "rate_ci";
  static const char *const methods[] = {"exact", "byar", NULL};
  double x = luaL_checknumber(L, 1);
  int m = checkoption(L, 2, fn, "method", "exact", methods);
  double conf = checkconf(L, 3, fn), lo, hi;
  int st = rateci_poisson(x, m == 0 ? RATECI_EXACT : RATECI_BYAR, conf, &lo, &hi);
  if (st) return fail(L, fn, st, "need a count x >= 0", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.wilson_ci(x, n, conf) -> lo, hi
 * (Wilson score interval, as R prop.test(x, n, correct = FALSE)$conf.int) */
static int stats_wilson_ci(lua_State *L) {
  static const char fn[] = "wilson_ci";
  double x = luaL_checknumber(L, 1), n = luaL_checknumber(L, 2);
  double conf = checkconf(L, 3, fn), lo, hi;
  int st = rateci_wilson(x, n, conf, &lo, &hi);
  if (st) return fail(L, fn, st, "need 0 <= x <= n and n > 0", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.funnel_limits(model, centre, n, conf) -> lo, hi
 * (control limits at denominator n; model "proportion" or "rate") */
static int stats_funnel_limits(lua_State *L) {
  static const char fn[] = "funnel_limits";
  static const char *const models[] = {"proportion", "rate", NULL};
  int m = checkoption(L, 1, fn, "model", NULL, models);
  double centre = luaL_checknumber(L, 2), n = luaL_checknumber(L, 3);
  double conf = checkconf(L, 4, fn), lo, hi;
  int st = rateci_funnel(m == 0, centre, n, conf, &lo, &hi);
  if (st)
    return fail(L, fn, st,
                "need n > 0 and a centre within [0, 1] (proportion) or >= 0 (rate)", NULL);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

/* Lua: stats.cor_test(x, y, method, alt, conf, exact) -> table
 * (cf. R cor.test, method "pearson" or "spearman") */
static int stats_cor_test(lua_State *L) {
  static const char fn[] = "cor_test";
  lua_settop(L, 6);   /* fixed argument slots: scratch goes above */
  static const char *const methods[] = {"pearson", "spearman", NULL};
  size_t nx, ny;
  const double *x = lh_checkvector(L, 1, &nx);
  const double *y = lh_checkvector(L, 2, &ny);
  argcheck(L, nx == ny, fn, "x and y must have the same length");
  int method = checkoption(L, 3, fn, "method", "pearson", methods);
  enum stats_alt alt = checkalt(L, 4, fn);
  double conf = checkconf(L, 5, fn);
  int exact = checkexact(L, 6, fn);
  struct scale_cor r;
  int st = method == 0 ? scale_pearson(x, y, nx, alt, conf, &r)
                       : scale_spearman(x, y, nx, alt, exact, &r);
  if (st)
    return fail(L, fn, st, "not enough observations (or a non-finite value)",
                "x or y is constant (or n = 2 with ties)");
  PUSH_FIELDS(L, FNUM("estimate", r.estimate), FNUM("statistic", r.statistic), FNUM("df", r.df),
              FNUM("p_value", r.p_value), FNUM("conf_lo", r.conf_int[0]), FNUM("conf_hi", r.conf_int[1]),
              FBOOL("exact", r.exact), FBOOL("ties", r.ties));
  return 1;
}

/* Lua: stats.cronbach_alpha(cells, n_obs, n_items) -> table
 * (cf. psych::alpha raw_alpha, std.alpha, average_r) */
static int stats_cronbach_alpha(lua_State *L) {
  static const char fn[] = "cronbach_alpha";
  lua_settop(L, 3);   /* fixed argument slots: scratch goes above */
  size_t n;
  const double *x = lh_checkvector(L, 1, &n);
  size_t nobs = checksize(L, 2, fn), nitems = checksize(L, 3, fn);
  argcheck(L, nobs * nitems == n, fn, "cells must hold n_obs x n_items values");
  struct scale_alpha a;
  int st = scale_cronbach(x, nobs, nitems, &a);
  if (st)
    return fail(L, fn, st, "need at least 2 items and 2 respondents, all values finite",
                "an item has zero variance");
  PUSH_FIELDS(L, FNUM("raw_alpha", a.raw_alpha), FNUM("std_alpha", a.std_alpha),
              FNUM("average_r", a.average_r));
  return 1;
}

/* Lua: stats.p_adjust(p, method, n) -> array (NaN = missing; cf. R p.adjust) */
static int stats_p_adjust(lua_State *L) {
  static const char fn[] = "p_adjust";
  lua_settop(L, 3);   /* fixed argument slots: scratch goes above */
  static const char *const names[] = {"bonferroni", "holm", "hochberg", "BH", "fdr", "BY",
                                      "none", NULL};
  static const enum padjust_method ms[] = {PADJUST_BONFERRONI, PADJUST_HOLM, PADJUST_HOCHBERG,
                                           PADJUST_BH,         PADJUST_BH,   PADJUST_BY,
                                           PADJUST_NONE};
  size_t n;
  const double *p = lh_checkvector(L, 1, &n);
  enum padjust_method m = ms[checkoption(L, 2, fn, "method", "holm", names)];
  size_t ntests = lua_isnoneornil(L, 3) ? 0 : checksize(L, 3, fn);
  double *out = lh_scratch(L, n * sizeof *out);
  int st = padjust_apply(p, n, ntests, m, out);
  if (st)
    return fail(L, fn, st,
                "p-values must lie in [0, 1] and n must be at least the number of p-values",
                NULL);
  lh_pushvector(L, out, n);
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
    return lh_error(L, "recipe", "statistic returned %s, expected a number", luaL_typename(L, -1));
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
  static const char fn[] = "bootstrap";
  lua_settop(L, 7);   /* fixed argument slots: scratch goes above */
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer len = luaL_len(L, 1);
  argcheck(L, len >= 2, fn, "need at least 2 observations");
  size_t n = (size_t)len, g = 0;
  size_t *cl = NULL;
  if (!lua_isnoneornil(L, 2)) {
    size_t ncl;
    const double *c = lh_checkvector(L, 2, &ncl);   /* stays at the top, below */
    argcheck(L, ncl == n, fn, "cluster must have one entry per observation");
    g = checksize(L, 3, fn);
    argcheck(L, g >= 2, fn, "need at least 2 clusters");
    cl = lua_newuserdatauv(L, n * sizeof *cl, 0);
    for (size_t i = 0; i < n; i++) {
      argcheck(L, c[i] >= 1 && c[i] <= (double)g && c[i] == floor(c[i]), fn,
               "cluster numbers must be whole numbers 1 .. nclusters");
      cl[i] = (size_t)c[i] - 1;
    }
  }
  luaL_checktype(L, 4, LUA_TFUNCTION);
  lua_Integer reps = luaL_checkinteger(L, 5);
  argcheck(L, reps >= 2 && reps <= 10000000, fn, "reps must be between 2 and 1e7");
  lua_Integer seed = luaL_checkinteger(L, 6);
  argcheck(L, seed >= 1 && seed <= 4294967295, fn, "seed must be an integer 1 .. 2^32-1");
  double conf = checkconf(L, 7, fn);
  double *t = lua_newuserdatauv(L, (size_t)reps * sizeof *t, 0);
  luaL_checkstack(L, 8, "bootstrap");

  /* From here malloc'd memory is held: nothing may raise until it is freed. */
  struct boot_design *d = NULL;
  int st = boot_design_new(n, cl, g, &d);
  if (st) return fail(L, fn, st, "every cluster number 1 .. nclusters must be used", NULL);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) {
    boot_design_free(d);
    return fail(L, fn, GSL_ENOMEM, NULL, NULL);
  }
  gsl_rng_set(rng, (unsigned long)seed);
  struct boot_lua ctx = {L, 1, 4, 0};
  struct boot_result res;
  st = boot_run(d, rng, (size_t)reps, boot_stat, &ctx, conf, t, &res);
  gsl_rng_free(rng);
  boot_design_free(d);
  if (ctx.failed) {
    /* the statistic is the caller's code: its error is a recipe error,
     * unless it is a structured csceval error, which keeps its kind */
    const char *msg = lua_tostring(L, -1), *kind = "recipe";
    if (!msg && lua_type(L, -1) == LUA_TTABLE) {
      int err = lua_gettop(L);
      if (lua_getfield(L, err, "kind") == LUA_TSTRING) kind = lua_tostring(L, -1);
      lua_getfield(L, err, "msg");
      msg = lua_tostring(L, -1);
    }
    return lh_error(L, kind, "%s: the statistic failed: %s", fn, msg ? msg : "(error object)");
  }
  if (st == GSL_EDOM) return lh_error(L, "analysis", "%s: the statistic is not finite on the data", fn);
  if (st) return lh_error(L, "analysis", "%s: fewer than 2 replicates gave a finite statistic", fn);

  PUSH_FIELDS(L, FNUM("t0", res.t0), FNUM("bias", res.bias), FNUM("se", res.se), FNUM("perc_lo", res.perc[0]),
              FNUM("perc_hi", res.perc[1]), FNUM("bca_lo", res.bca[0]), FNUM("bca_hi", res.bca[1]),
              FNUM("z0", res.z0), FNUM("a", res.a), FINT("reps", res.reps),
              FINT("used", res.used), FBOOL("extreme", res.extreme));
  if (res.bca_status) {
    lua_pushstring(L, res.bca_status == GSL_EDOM
                          ? "BCa not available: every replicate falls on one side of the "
                            "estimate, or the jackknife acceleration is undefined"
                          : gsl_strerror(res.bca_status));
    lua_setfield(L, -2, "bca_error");
  }
  lh_pushvector(L, t, (size_t)reps);
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
