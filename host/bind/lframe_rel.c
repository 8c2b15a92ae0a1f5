/* host/bind/lframe_rel.c -- host.Frame methods for the relational operations of
 * frameops*.c: select, rename, sort, aggregate, join, pivot_longer,
 * pivot_wider, and the module function bind_rows.  This file only reads the
 * Lua arguments (raising with the bad field named) and pushes the new frame;
 * inputs are never modified.  Reference: docs/frames.md.
 *
 * Name arrays handed to C point at Lua strings that stay anchored in the
 * argument tables for the whole call; the arrays themselves are GC-owned
 * userdata, and the result box is pushed before the C call, so an error at
 * any point cannot leak. */
#include <string.h>

#include <lauxlib.h>

#include "data/frameops.h"
#include "lframe.h"
#include "lframe_int.h"
#include "lhelp.h"

#define ERRLEN 512

/* ===== reading arguments ===== */

/* Column names from the value at idx: one string, or a list of strings.
 * Pushes the GC-owned array.  [-0, +1, v] */
static const char **check_names(lua_State *L, int idx, const char *op, const char *what,
                                size_t *n) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    const char **v = lua_newuserdatauv(L, sizeof *v, 0);
    v[0] = lua_tostring(L, idx);
    *n = 1;
    return v;
  }
  if (!lua_istable(L, idx))
    lh_error(L, "recipe", "%s: %s must be a column name or a list of names, got %s", op, what,
               luaL_typename(L, idx));
  size_t m = (size_t)lua_rawlen(L, idx);
  if (m == 0) {
    lua_pushnil(L);
    if (lua_next(L, idx)) lh_error(L, "recipe", "%s: %s must be a list of names like {\"a\", \"b\"}", op, what);
  }
  const char **v = lua_newuserdatauv(L, (m ? m : 1) * sizeof *v, 0);
  for (size_t k = 0; k < m; k++) {
    lua_rawgeti(L, idx, (lua_Integer)k + 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      lh_error(L, "recipe", "%s: %s[%d] must be a column name (a string), got %s", op, what, (int)k + 1,
                 luaL_typename(L, -1));
    v[k] = lua_tostring(L, -1);   /* anchored: the table holds the string */
    lua_pop(L, 1);
  }
  *n = m;
  return v;
}

/* Optional string field of the table at t (pushes nothing net). */
static const char *opt_string_field(lua_State *L, int t, const char *field, const char *op,
                                    const char *def) {
  int ty = lua_getfield(L, t, field);
  const char *s = def;
  if (ty == LUA_TSTRING) s = lua_tostring(L, -1);   /* anchored in t */
  else if (ty != LUA_TNIL)
    lh_error(L, "recipe", "%s: field \"%s\" must be a string, got %s", op, field, luaL_typename(L, -1));
  lua_pop(L, 1);
  return s;
}

/* Every name in names[0..n) is a column of f; else a recipe error naming
 * the first that is not, with the nearest, before the operation runs (its
 * own failures, from frameops, stay analysis errors).  [-0, +0, v] */
static void need_columns_in(lua_State *L, const char *op, const struct frame *f, const char *const *names,
                            size_t n, const char *where) {
  for (size_t k = 0; k < n; k++) {
    if (!names[k] || frame_find(f, names[k]) >= 0) continue;
    const char *s = lframe_suggest(f, names[k]);
    if (s) lh_error(L, "recipe", "%s: no column \"%s\"%s (did you mean \"%s\"?)", op, names[k], where, s);
    lh_error(L, "recipe", "%s: no column \"%s\"%s", op, names[k], where);
  }
}

static void need_columns(lua_State *L, const char *op, const struct frame *f, const char *const *names,
                         size_t n) {
  need_columns_in(L, op, f, names, n, "");
}

static int push_result(lua_State *L, struct frame **slot, const char *err) {
  if (!*slot) return luaL_error(L, "%s", err);   /* the operation's own failure: analysis */
  return 1;
}

/* Sort names (with their partners) so map-form arguments give the same
 * result and the same first error on every run. */
static void sort_pairs(const char **a, const char **b, size_t n) {
  for (size_t i = 1; i < n; i++) {
    const char *x = a[i], *y = b[i];
    size_t j = i;
    while (j > 0 && strcmp(a[j - 1], x) > 0) { a[j] = a[j - 1]; b[j] = b[j - 1]; j--; }
    a[j] = x; b[j] = y;
  }
}

/* ===== methods ===== */

/* Lua: f:select{"a", "b"} or f:select("a", "b") -> new frame with those columns in order */
static int rel_select(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  size_t n;
  const char **names;
  if (lua_istable(L, 2)) {
    names = check_names(L, 2, "select", "the column list", &n);
  } else {
    int top = lua_gettop(L);
    n = top > 1 ? (size_t)(top - 1) : 0;
    names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
    for (int k = 2; k <= top; k++) {
      if (lua_type(L, k) != LUA_TSTRING)
        return lh_error(L, "recipe", "select: argument %d must be a column name, got %s", k - 1,
                          luaL_typename(L, k));
      names[k - 2] = lua_tostring(L, k);
    }
  }
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "select", f, names, n);
  *slot = frameops_select(f, names, n, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: f:rename{old = "new", ...} -> new frame, columns renamed, order kept */
static int rel_rename(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) { n++; lua_pop(L, 1); }
  const char **from = lua_newuserdatauv(L, (n ? n : 1) * sizeof *from, 0);
  const char **to = lua_newuserdatauv(L, (n ? n : 1) * sizeof *to, 0);
  size_t k = 0;
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
      return lh_error(L, "recipe", "rename: entries must be old = \"new\" (both strings), got %s = %s",
                        luaL_typename(L, -2), luaL_typename(L, -1));
    from[k] = lua_tostring(L, -2);
    to[k++] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  sort_pairs(from, to, n);
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "rename", f, from, n);
  *slot = frameops_rename(f, from, to, n, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: f:sort{"a", {"b", desc = true}} or f:sort("a") -> rows reordered (stable, missing last) */
static int rel_sort(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  size_t n;
  const char **keys;
  int *desc;
  if (lua_type(L, 2) == LUA_TSTRING) {
    n = 1;
    keys = lua_newuserdatauv(L, sizeof *keys, 0);
    desc = lua_newuserdatauv(L, sizeof *desc, 0);
    keys[0] = lua_tostring(L, 2);
    desc[0] = 0;
  } else {
    if (!lua_istable(L, 2))
      return lh_error(L, "recipe", "sort: expected a list of keys like {\"a\", {\"b\", desc = true}}, got %s",
                        luaL_typename(L, 2));
    n = (size_t)lua_rawlen(L, 2);
    keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    desc = lua_newuserdatauv(L, (n ? n : 1) * sizeof *desc, 0);
    for (size_t k = 0; k < n; k++) {
      int t = lua_rawgeti(L, 2, (lua_Integer)k + 1);
      desc[k] = 0;
      if (t == LUA_TSTRING) {
        keys[k] = lua_tostring(L, -1);
      } else if (t == LUA_TTABLE) {
        int item = lua_gettop(L);
        static const char *const fields[] = {"desc", NULL};
        lh_checkopts(L, item, "sort", fields, 1);
        if (lua_rawgeti(L, item, 1) != LUA_TSTRING)
          return lh_error(L, "recipe", "sort: key %d must start with a column name, like {\"b\", desc = true}",
                            (int)k + 1);
        keys[k] = lua_tostring(L, -1);
        lua_pop(L, 1);
        int d = lua_getfield(L, item, "desc");
        if (d != LUA_TNIL && d != LUA_TBOOLEAN)
          return lh_error(L, "recipe", "sort: desc for key \"%s\" must be true or false, got %s", keys[k],
                            luaL_typename(L, -1));
        desc[k] = lua_toboolean(L, -1);
        lua_pop(L, 1);
      } else {
        return lh_error(L, "recipe", "sort: key %d must be a column name or {name, desc = true}, got %s",
                          (int)k + 1, luaL_typename(L, -1));
      }
      lua_pop(L, 1);
    }
  }
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "sort", f, keys, n);
  *slot = frameops_sort(f, keys, desc, n, err, sizeof err);
  return push_result(L, slot, err);
}

/* One aggregate from the entry at t: {fn, column, p} read from index
 * `first` on (the array form has the output name at index 1), or a bare
 * function name string. */
static void read_agg(lua_State *L, int t, int first, const char *name, struct frameops_aggspec *s) {
  static const char *const fns = "count, n, sum, mean, sd, var, min, max, median, quantile, "
                                 "first, last or n_distinct";
  s->name = name;
  s->column = NULL;
  s->p = 0;
  const char *fn = NULL;
  if (lua_type(L, t) == LUA_TSTRING) {
    fn = lua_tostring(L, t);
  } else if (lua_istable(L, t)) {
    if (lua_rawgeti(L, t, first) == LUA_TSTRING) fn = lua_tostring(L, -1);
    lua_pop(L, 1);
  } else {
    lh_error(L, "recipe", "aggregate: \"%s\" must be a table like {\"mean\", \"age\"}, got %s", name,
               luaL_typename(L, t));
  }
  if (!fn) lh_error(L, "recipe", "aggregate: \"%s\": the function must be a string such as \"mean\" (%s)",
                      name, fns);
  enum frameops_agg a;
  if (frameops_agg_parse(fn, &a) != 0) {
    const char *sug = frameops_agg_suggest(fn);
    if (sug) lh_error(L, "recipe", "aggregate: \"%s\": unknown function \"%s\" (did you mean \"%s\"?)", name, fn, sug);
    lh_error(L, "recipe", "aggregate: \"%s\": unknown function \"%s\" (use %s)", name, fn, fns);
  }
  s->fn = a;
  if (!lua_istable(L, t)) {
    if (a != FRAMEOPS_COUNT)
      lh_error(L, "recipe", "aggregate: \"%s\": %s needs a column, like {\"%s\", \"age\"}", name, fn, fn);
    return;
  }
  int ty = lua_rawgeti(L, t, first + 1);
  if (ty == LUA_TSTRING) s->column = lua_tostring(L, -1);
  else if (ty != LUA_TNIL || a != FRAMEOPS_COUNT)
    lh_error(L, "recipe", "aggregate: \"%s\": %s needs a column name as its second entry, got %s", name,
               fn, luaL_typename(L, -1));
  lua_pop(L, 1);
  if (a == FRAMEOPS_QUANTILE) {
    int isnum;
    lua_rawgeti(L, t, first + 2);
    s->p = (double)lua_tonumberx(L, -1, &isnum);
    if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
      lh_error(L, "recipe", "aggregate: \"%s\": quantile needs a probability as its third entry, like "
                 "{\"quantile\", \"age\", 0.9}", name);
    lua_pop(L, 1);
  }
}

/* Lua: f:aggregate(keys, aggs) -> one row per group (sorted by keys)
 *   keys: "la" | {"la", "year"} | {} or nil (whole frame)
 *   aggs: {n = {"count"}, mean_age = {"mean", "age"}, q90 = {"quantile", "age", 0.9}}
 *         (columns in sorted name order) or {{"n", "count"}, {"mean_age", "mean", "age"}, ...}
 *         (columns in the order given) */
static int rel_aggregate(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_settop(L, 3);
  size_t nkeys = 0;
  const char **keys = NULL;
  if (!lua_isnil(L, 2)) keys = check_names(L, 2, "aggregate", "the group keys", &nkeys);
  if (!lua_istable(L, 3))
    return lh_error(L, "recipe", "aggregate: expected a table of aggregates like {n = {\"count\"}, "
                      "mean_age = {\"mean\", \"age\"}}, got %s", luaL_typename(L, 3));
  size_t nall = 0, nlist = (size_t)lua_rawlen(L, 3);
  lua_pushnil(L);
  while (lua_next(L, 3)) { nall++; lua_pop(L, 1); }
  if (nlist > 0 && nall != nlist)
    return lh_error(L, "recipe", "aggregate: give the aggregates either as a list of {name, fn, column} "
                      "or as name = {fn, column}, not both");
  struct frameops_aggspec *aggs = lua_newuserdatauv(L, (nall ? nall : 1) * sizeof *aggs, 0);
  if (nlist > 0) {
    for (size_t k = 0; k < nlist; k++) {
      lua_rawgeti(L, 3, (lua_Integer)k + 1);
      int item = lua_gettop(L);
      if (!lua_istable(L, item) || lua_rawgeti(L, item, 1) != LUA_TSTRING)
        return lh_error(L, "recipe", "aggregate: aggregate %d must be {name, fn, column[, p]} with the "
                          "output name first", (int)k + 1);
      const char *name = lua_tostring(L, -1);
      lua_pop(L, 1);
      read_agg(L, item, 2, name, &aggs[k]);
      lua_pop(L, 1);
    }
  } else {
    const char **names = lua_newuserdatauv(L, (nall ? nall : 1) * sizeof *names, 0);
    const char **unused = lua_newuserdatauv(L, (nall ? nall : 1) * sizeof *unused, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        return lh_error(L, "recipe", "aggregate: aggregate names must be strings, got %s", luaL_typename(L, -2));
      names[k] = lua_tostring(L, -2);
      unused[k++] = NULL;
      lua_pop(L, 1);
    }
    sort_pairs(names, unused, nall);
    for (k = 0; k < nall; k++) {
      lua_getfield(L, 3, names[k]);
      read_agg(L, lua_gettop(L), 1, names[k], &aggs[k]);
      lua_pop(L, 1);
    }
  }
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "aggregate", f, keys, nkeys);
  *slot = frameops_aggregate(f, keys, nkeys, aggs, nall, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: f:join(other, keys [, how [, opts]]) -> new frame
 *   keys: "la_code" | {"la_code", "year"} | {la_code = "code"} (left = right; may be mixed
 *         with plain names); how: "left" (default) | "inner";
 *   opts: {suffix = {".x", ".y"}} for non-key columns in both frames */
static int rel_join(lua_State *L) {
  const struct frame *l = lframe_check(L, 1), *r = lframe_check(L, 2);
  lua_settop(L, 5);                  /* fixed argument slots; scratch goes above */
  size_t n = 0;
  const char **kl, **kr;
  if (lua_type(L, 3) == LUA_TSTRING) {
    n = 1;
    kl = lua_newuserdatauv(L, sizeof *kl, 0);
    kr = lua_newuserdatauv(L, sizeof *kr, 0);
    kl[0] = kr[0] = lua_tostring(L, 3);
  } else {
    if (!lua_istable(L, 3))
      return lh_error(L, "recipe", "join: keys must be a column name, a list of names or {left = \"right\"}, "
                        "got %s", luaL_typename(L, 3));
    size_t nlist = (size_t)lua_rawlen(L, 3);
    lua_pushnil(L);
    while (lua_next(L, 3)) { n++; lua_pop(L, 1); }
    kl = lua_newuserdatauv(L, (n ? n : 1) * sizeof *kl, 0);
    kr = lua_newuserdatauv(L, (n ? n : 1) * sizeof *kr, 0);
    for (size_t k = 0; k < nlist; k++) {
      if (lua_rawgeti(L, 3, (lua_Integer)k + 1) != LUA_TSTRING)
        return lh_error(L, "recipe", "join: key %d must be a column name, got %s", (int)k + 1,
                          luaL_typename(L, -1));
      kl[k] = kr[k] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    size_t m = nlist;
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) == LUA_TNUMBER && lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 &&
          (size_t)lua_tointeger(L, -2) <= nlist) { lua_pop(L, 1); continue; }
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        return lh_error(L, "recipe", "join: key entries must be names or left = \"right\" (strings), got "
                          "%s = %s", luaL_typename(L, -2), luaL_typename(L, -1));
      kl[m] = lua_tostring(L, -2);
      kr[m++] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    sort_pairs(kl + nlist, kr + nlist, m - nlist);
  }
  enum frameops_how how = FRAMEOPS_LEFT;
  int iopt = 5;
  if (lua_type(L, 4) == LUA_TSTRING) {
    const char *h = lua_tostring(L, 4);
    if (strcmp(h, "left") == 0) how = FRAMEOPS_LEFT;
    else if (strcmp(h, "inner") == 0) how = FRAMEOPS_INNER;
    else return lh_error(L, "recipe", "join: how must be \"left\" or \"inner\", got \"%s\"", h);
  } else if (lua_istable(L, 4)) {
    iopt = 4;
  } else if (!lua_isnoneornil(L, 4)) {
    return lh_error(L, "recipe", "join: how must be \"left\" or \"inner\", got %s", luaL_typename(L, 4));
  }
  struct frameops_join_opts opts = {NULL, NULL};
  if (lua_istable(L, iopt)) {
    static const char *const fields[] = {"suffix", NULL};
    lh_checkopts(L, iopt, "join", fields, 0);
    if (lua_getfield(L, iopt, "suffix") != LUA_TNIL) {
      int t = lua_gettop(L);
      if (!lua_istable(L, t) || lua_rawgeti(L, t, 1) != LUA_TSTRING ||
          lua_rawgeti(L, t, 2) != LUA_TSTRING)
        return lh_error(L, "recipe", "join: suffix must be two strings, like {\".x\", \".y\"}");
      opts.suffix_x = lua_tostring(L, -2);
      opts.suffix_y = lua_tostring(L, -1);
      lua_pop(L, 2);
    }
    lua_pop(L, 1);
  } else if (!lua_isnoneornil(L, iopt)) {
    return lh_error(L, "recipe", "join: options must be a table like {suffix = {\".x\", \".y\"}}, got %s",
                      luaL_typename(L, iopt));
  }
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns_in(L, "join", l, kl, n, " in the left frame");
  need_columns_in(L, "join", r, kr, n, " in the right frame");
  *slot = frameops_join(l, r, kl, kr, n, how, &opts, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: f:pivot_longer{id = {...}, cols = {...}, names_to = "name", values_to = "value"} */
static int rel_pivot_longer(lua_State *L) {
  static const char *const fields[] = {"id", "cols", "names_to", "values_to", NULL};
  const struct frame *f = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lh_checkopts(L, 2, "pivot_longer", fields, 0);
  size_t nid = 0, ncol = 0;
  const char **ids = NULL, **cols;
  if (lua_getfield(L, 2, "cols") == LUA_TNIL)
    return lh_error(L, "recipe", "pivot_longer: field \"cols\" is required (the columns to stack)");
  cols = check_names(L, -1, "pivot_longer", "cols", &ncol);
  if (lua_getfield(L, 2, "id") != LUA_TNIL) ids = check_names(L, -1, "pivot_longer", "id", &nid);
  const char *names_to = opt_string_field(L, 2, "names_to", "pivot_longer", "name");
  const char *values_to = opt_string_field(L, 2, "values_to", "pivot_longer", "value");
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "pivot_longer", f, ids, nid);
  need_columns(L, "pivot_longer", f, cols, ncol);
  *slot = frameops_pivot_longer(f, ids, nid, cols, ncol, names_to, values_to, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: f:pivot_wider{id = {...}, names_from = "year", values_from = "rate"} */
static int rel_pivot_wider(lua_State *L) {
  static const char *const fields[] = {"id", "names_from", "values_from", NULL};
  const struct frame *f = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lh_checkopts(L, 2, "pivot_wider", fields, 0);
  size_t nid = 0;
  const char **ids = NULL;
  if (lua_getfield(L, 2, "id") != LUA_TNIL) ids = check_names(L, -1, "pivot_wider", "id", &nid);
  const char *names_from = opt_string_field(L, 2, "names_from", "pivot_wider", NULL);
  const char *values_from = opt_string_field(L, 2, "values_from", "pivot_wider", NULL);
  if (!names_from) return lh_error(L, "recipe", "pivot_wider: field \"names_from\" is required");
  if (!values_from) return lh_error(L, "recipe", "pivot_wider: field \"values_from\" is required");
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  need_columns(L, "pivot_wider", f, ids, nid);
  need_columns(L, "pivot_wider", f, &names_from, 1);
  need_columns(L, "pivot_wider", f, &values_from, 1);
  *slot = frameops_pivot_wider(f, ids, nid, names_from, values_from, err, sizeof err);
  return push_result(L, slot, err);
}

/* Lua: frame.bind_rows{f1, f2, ...} or frame.bind_rows(f1, f2, ...) -> new frame */
static int rel_bind_rows(lua_State *L) {
  int n;
  if (lua_type(L, 1) == LUA_TTABLE) {
    lua_Unsigned len = lua_rawlen(L, 1);
    if (len > 1000000) return lh_error(L, "recipe", "bind_rows: too many frames (%d)", (int)len);
    n = (int)len;
    luaL_checkstack(L, n + 8, "bind_rows: too many frames");
    lua_settop(L, 1);
    for (int k = 1; k <= n; k++) lua_rawgeti(L, 1, k);
    lua_remove(L, 1);                  /* frames now at 1..n: errors name the item */
  } else {
    n = lua_gettop(L);
  }
  for (int k = 1; k <= n; k++)
    if (!luaL_testudata(L, k, LFRAME_META))
      return lh_error(L, "recipe", "bind_rows: item %d is not a frame (got %s)", k, luaL_typename(L, k));
  const struct frame **frames = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof *frames, 0);
  for (int k = 1; k <= n; k++) frames[k - 1] = lframe_check(L, k);
  char err[ERRLEN];
  struct frame **slot = lframe_newbox(L);
  *slot = frameops_bind_rows(frames, (size_t)n, err, sizeof err);
  return push_result(L, slot, err);
}

const luaL_Reg lframe_rel_methods[] = {
  {"select", rel_select}, {"rename", rel_rename}, {"sort", rel_sort},
  {"aggregate", rel_aggregate}, {"join", rel_join},
  {"pivot_longer", rel_pivot_longer}, {"pivot_wider", rel_pivot_wider},
  {NULL, NULL}};

const luaL_Reg lframe_rel_funcs[] = {{"bind_rows", rel_bind_rows}, {NULL, NULL}};
