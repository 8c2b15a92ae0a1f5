/* host/bind/lhelp.c -- helpers the binding files share (lhelp.h): userdata
 * boxes that free what they own when collected, and the checkers for
 * numeric vectors and option tables. */
#include "lhelp.h"

#include "num/chunks.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

/* ===== Result fields ===== */

void lh_set_estimate(lua_State *L, double estimate, double se, double statistic, double df,
                     double p_value, double conf_low, double conf_high) {
  lh_setnum(L, "estimate", estimate);
  lh_setnum(L, "se", se);
  lh_setnum(L, "statistic", statistic);
  lh_setnum(L, "df", df);
  lh_setnum(L, "p_value", p_value);
  lh_setnum(L, "conf_low", conf_low);
  lh_setnum(L, "conf_high", conf_high);
}

void lh_set_ftest(lua_State *L, double F, double df1, double df2, double p_F) {
  lh_setnum(L, "F", F);
  lh_setnum(L, "df1", df1);
  lh_setnum(L, "df2", df2);
  lh_setnum(L, "p_F", p_F);
}

void lh_set_rows(lua_State *L, size_t n, size_t used) {
  lh_setint(L, "n", (lua_Integer)n);
  lh_setint(L, "n_used", (lua_Integer)used);
  lh_setint(L, "n_dropped", (lua_Integer)(n - used));
}

/* ===== Boxes ===== */

void *lh_newbox(lua_State *L, size_t size, const char *tname, lua_CFunction gc) {
  void *b = lua_newuserdatauv(L, size > 0 ? size : 1, 0);
  memset(b, 0, size > 0 ? size : 1);
  if (luaL_newmetatable(L, tname)) {
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

static int membox_gc(lua_State *L) {
  void **p = lua_touserdata(L, 1);
  free(*p);
  *p = NULL;
  return 0;
}

void **lh_newmem(lua_State *L) {
  return lh_newbox(L, sizeof(void *), "host.mem", membox_gc);
}

void lh_freemem(void **box) {
  free(*box);
  *box = NULL;
}

size_t lh_nkeys(lua_State *L, int t) {
  size_t n = 0;
  t = lua_absindex(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) { n++; lua_pop(L, 1); }
  return n;
}

/* ===== Numeric vectors ===== */

double *lh_checkvector(lua_State *L, int arg, size_t *n) {
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_Integer len = luaL_len(L, arg);
  double *v = lh_scratch(L, (len > 0 ? (size_t)len : 1) * sizeof *v);
  for (lua_Integer i = 1; i <= len; i++) {
    int t = lua_rawgeti(L, arg, i);
    if (t != LUA_TNUMBER)
      luaL_argerror(L, arg, lua_pushfstring(L, "element %I is %s, expected a number", i,
                                            luaL_typename(L, -1)));
    v[i - 1] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  *n = (size_t)len;
  return v;
}

double *lh_optvector(lua_State *L, int arg, size_t *n) {
  if (lua_isnoneornil(L, arg)) {
    *n = 0;
    return NULL;
  }
  return lh_checkvector(L, arg, n);
}

void lh_pushvector(lua_State *L, const double *v, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* ===== Rows ===== */

size_t *lh_complete_rows(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                         size_t nrow, size_t *m) {
  size_t *keep = lh_scratch(L, nrow * sizeof *keep);
  *m = frame_complete_rows(cols, ncols, nrow, keep);
  return keep;
}

size_t *lh_complete_rows_or_all(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                                size_t nrow, size_t *m) {
  *m = frame_complete_rows(cols, ncols, nrow, NULL);
  if (*m == nrow) {
    lua_pushnil(L);
    return NULL;
  }
  return lh_complete_rows(L, cols, ncols, nrow, m);
}

/* ===== Option tables ===== */

const char *lh_optstring(lua_State *L, int t, const char *key, const char *dflt,
                         const char *what) {
  if (lua_isnoneornil(L, t)) return dflt;
  lua_getfield(L, t, key);
  const char *s = lua_isnil(L, -1) ? dflt : lua_tostring(L, -1);
  if (!lua_isnil(L, -1) && (s == NULL || lua_type(L, -1) != LUA_TSTRING))
    luaL_error(L, "option '%s' must be %s", key, what);
  lua_pop(L, 1);   /* a string from the table stays alive with the table */
  return s;
}

double lh_optnumber(lua_State *L, int t, const char *key, double dflt) {
  if (lua_isnoneornil(L, t)) return dflt;
  lua_getfield(L, t, key);
  double v = dflt;
  if (!lua_isnil(L, -1)) {
    if (!lua_isnumber(L, -1)) luaL_error(L, "option '%s' must be a number", key);
    v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

int lh_optbool(lua_State *L, int t, const char *key, int dflt) {
  if (lua_isnoneornil(L, t)) return dflt;
  lua_getfield(L, t, key);
  int v = lua_isnil(L, -1) ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

lua_Integer lh_optint(lua_State *L, int t, const char *fn, const char *key, lua_Integer dflt,
                      lua_Integer lo, lua_Integer hi) {
  if (lua_isnoneornil(L, t)) return dflt;
  lua_getfield(L, t, key);
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

size_t lh_optnames(lua_State *L, int t, const char *key, const char ***out) {
  lua_getfield(L, t, key);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    *out = lh_scratch(L, sizeof **out);
    return 0;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "option '%s' must be an array of column names", key);
  size_t k = (size_t)luaL_len(L, -1);
  int arr = lua_gettop(L);
  const char **names = lh_scratch(L, (k ? k : 1) * sizeof *names);
  for (size_t j = 0; j < k; j++) {
    if (lua_rawgeti(L, arr, (lua_Integer)j + 1) != LUA_TSTRING)
      luaL_error(L, "%s[%d] must be a column name", key, (int)j + 1);
    names[j] = lua_tostring(L, -1);   /* alive: held by the array in the spec */
    lua_pop(L, 1);
  }
  lua_remove(L, arr);
  *out = names;
  return k;
}

/* Levenshtein distance of two short strings (longer than 32: far). */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 32 || lb > 32) return 99;
  size_t prev[33], cur[33];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t s = prev[j - 1] + (a[i - 1] != b[j - 1]), d = prev[j] + 1, n = cur[j - 1] + 1;
      cur[j] = s < d ? (s < n ? s : n) : (d < n ? d : n);
    }
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb];
}

const char *lh_suggest(const char *s, const char *const *allowed) {
  const char *best = NULL;
  size_t bestd = 3;
  for (size_t i = 0; allowed[i]; i++) {
    size_t d = edit_distance(s, allowed[i]);
    if (d < bestd) { bestd = d; best = allowed[i]; }
  }
  return best;
}

/* "a, b, c" from a NULL-ended list, pushed.  [-0, +1, m] */
static const char *push_names(lua_State *L, const char *const *names) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; names[i]; i++) {
    if (i) luaL_addstring(&b, ", ");
    luaL_addstring(&b, names[i]);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

void lh_checkopts(lua_State *L, int t, const char *fn, const char *const *allowed, size_t npos) {
  if (!lua_istable(L, t)) return;
  t = lua_absindex(L, t);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && (size_t)lua_tointeger(L, -1) <= npos)
        continue;
      lh_error(L, "recipe", "%s: the options table takes named fields (%s), not a list", fn,
               push_names(L, allowed));
    }
    const char *k = lua_tostring(L, -1);
    int known = 0;
    for (size_t i = 0; allowed[i] && !known; i++) known = strcmp(k, allowed[i]) == 0;
    if (known) continue;
    const char *best = lh_suggest(k, allowed);
    const char *list = push_names(L, allowed);
    if (best)
      lh_error(L, "recipe", "%s: unknown field '%s' (did you mean \"%s\"?) (fields: %s)", fn, k, best,
               list);
    lh_error(L, "recipe", "%s: unknown field '%s' (fields: %s)", fn, k, list);
  }
}

/* ===== Columns gathered on threads ===== */

struct gather_task {
  const struct frame_col *c;
  const size_t *rows;
  size_t m;
  double *out;
};

static int gather_run(void *arg) {
  struct gather_task *t = arg;
  frame_col_gatherd(t->c, t->rows, t->m, t->out);
  return 0;
}

void lh_gather_cols(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                    const size_t *rows, size_t m, double *out) {
  struct gather_task *task = lh_scratch(L, (ncols ? ncols : 1) * sizeof *task);
  for (size_t j = 0; j < ncols; j++) {
    struct gather_task t = {cols[j], rows, m, out + j * m};
    task[j] = t;
  }
  chunks_run(gather_run, task, sizeof *task, ncols);
  lua_pop(L, 1);
}

void lh_column_views(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                     const size_t *rows, size_t m, const double **out, const int64_t **iout) {
  size_t ng = 0;
  for (size_t j = 0; j < ncols; j++) {
    const struct frame_col *c = cols[j];
    int all = c->na == NULL && c->n == m &&
              (rows == NULL || m == 0 || rows[m - 1] == m - 1);   /* rows increase */
    int own = all && c->type == FRAME_F64, ints = all && iout != NULL && c->type == FRAME_I64;
    out[j] = own ? c->v.f64 : NULL;
    if (iout != NULL) iout[j] = ints ? c->v.i64 : NULL;
    ng += !own && !ints;
  }
  const struct frame_col **g = lh_scratch(L, (ng ? ng : 1) * sizeof *g);
  double *blk = lh_scratch(L, (ng && m ? ng * m : 1) * sizeof *blk);
  for (size_t j = 0, t = 0; j < ncols; j++)
    if (out[j] == NULL && (iout == NULL || iout[j] == NULL)) {
      out[j] = blk + t * m;
      g[t++] = cols[j];
    }
  lh_gather_cols(L, g, ng, rows, m, blk);
  lua_remove(L, -2);   /* g; the block stays */
}
