/* host/bind/lframe.c -- Lua module "host.frame": the host.Frame userdata and its
 * core methods (shape, columns, values, building frames from Lua tables).
 * Numerics and data handling live in frame.c; this file checks arguments and
 * moves values between C and Lua.  Loading and operations are bound in
 * lframe_io.c and lframe_ops.c, which register into the same method table. */
#include "lframe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lframe_int.h"
#include "lhelp.h"

struct lframe_box {
  struct frame *f;   /* NULL once closed */
};

/* ===== the userdata ===== */

struct frame *lframe_check(lua_State *L, int arg) {
  struct lframe_box *b = luaL_checkudata(L, arg, LFRAME_META);
  luaL_argcheck(L, b->f != NULL, arg, "frame has been closed");
  return b->f;
}

static int frame_gc(lua_State *L);

struct frame *lframe_fill(lua_State *L, struct frame **slot, struct frame *f) {
  if (!f) lh_nomem(L, "the new frame");
  return *slot = f;
}

/* Push a userdata that owns nothing yet, so an error before the frame is
 * complete cannot leak it (liolib's "closed handle first" pattern). */
struct frame **lframe_newbox(lua_State *L) {
  struct lframe_box *b = lh_newbox(L, sizeof *b, LFRAME_META, frame_gc);
  return &b->f;
}

static int frame_gc(lua_State *L) {
  struct lframe_box *b = luaL_checkudata(L, 1, LFRAME_META);
  frame_free(b->f);
  b->f = NULL;
  return 0;
}

static int frame_tostring(lua_State *L) {
  struct lframe_box *b = luaL_checkudata(L, 1, LFRAME_META);
  if (!b->f) lua_pushliteral(L, "host.Frame (closed)");
  else lua_pushfstring(L, "host.Frame (%d rows, %d columns)", (int)b->f->nrow, (int)b->f->ncol);
  return 1;
}

/* ===== column lookup with suggestions ===== */

const char *lframe_suggest(const struct frame *f, const char *name) {
  return frame_suggest(f, name);
}

int lframe_nocolumn(lua_State *L, const struct frame *f, const char *name) {
  const char *s = lframe_suggest(f, name);
  if (s) return lh_error(L, "recipe", "no column \"%s\" (did you mean \"%s\"?)", name, s);
  return lh_error(L, "recipe", "no column \"%s\"", name);
}

const struct frame_col *lframe_checkcol(lua_State *L, const struct frame *f, int arg) {
  const char *name = luaL_checkstring(L, arg);
  int j = frame_find(f, name);
  if (j < 0) lframe_nocolumn(L, f, name);
  return f->col[j];
}

/* ===== values between C and Lua ===== */

/* Push row i of c: number, integer, boolean, ISO date string, text, or the
 * NA sentinel (upvalue 1 of every method) when missing.  [-0, +1, m] */
void lframe_pushvalue(lua_State *L, const struct frame_col *c, size_t i) {
  if (frame_col_isna(c, i)) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return;
  }
  switch (c->type) {
  case FRAME_F64: lua_pushnumber(L, c->v.f64[i]); break;
  case FRAME_I64: lua_pushinteger(L, (lua_Integer)c->v.i64[i]); break;
  case FRAME_BOOL: lua_pushboolean(L, c->v.b[i]); break;
  case FRAME_DATE: {
    char buf[16];
    frame_date_format(c->v.date[i], buf);
    lua_pushstring(L, buf);
    break;
  }
  case FRAME_CAT: {
    const struct frame_dict *d = c->dict;
    lua_pushlstring(L, d->str[c->v.cat[i]], d->len[c->v.cat[i]]);
    break;
  }
  default: lua_pushnil(L);
  }
}

/* ===== methods ===== */

/* Lua: f:nrow() */
static int frame_nrow(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lframe_check(L, 1)->nrow);
  return 1;
}

/* Lua: f:ncol() */
static int frame_ncol(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lframe_check(L, 1)->ncol);
  return 1;
}

/* Lua: f:names() -> {name, ...} */
static int frame_names(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_createtable(L, (int)f->ncol, 0);
  for (size_t j = 0; j < f->ncol; j++) {
    lua_pushstring(L, f->col[j]->name);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

/* Lua: f:has(name) -> bool */
static int frame_has(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_pushboolean(L, frame_find(f, luaL_checkstring(L, 2)) >= 0);
  return 1;
}

/* Lua: f:type(name) -> "float64" | "int64" | "bool" | "date" | "text" */
static int frame_type(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_pushstring(L, frame_type_name(lframe_checkcol(L, f, 2)->type));
  return 1;
}

/* Lua: f:column(name) -> array of values (NA sentinel for missing) */
static int frame_column(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const struct frame_col *c = lframe_checkcol(L, f, 2);
  lua_createtable(L, (int)c->n, 0);
  for (size_t i = 0; i < c->n; i++) {
    lframe_pushvalue(L, c, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

const struct frame_col *lframe_checkcell(lua_State *L, size_t *row) {
  const struct frame *f = lframe_check(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  luaL_argcheck(L, i >= 1 && (size_t)i <= f->nrow, 2, "row out of range");
  *row = (size_t)i - 1;
  return lframe_checkcol(L, f, 3);
}

/* Lua: f:value(row, name) -> value (row 1-based) */
static int frame_value(lua_State *L) {
  size_t i;
  const struct frame_col *c = lframe_checkcell(L, &i);
  lframe_pushvalue(L, c, i);
  return 1;
}

/* Lua: f:na_reason(row, name) -> symbol ("c", "NA", "" for blank) or nil if present */
static int frame_na_reason(lua_State *L) {
  size_t i;
  const struct frame_col *c = lframe_checkcell(L, &i);
  if (!frame_col_isna(c, i)) return 0;
  lua_pushstring(L, frame_na_symbol((enum frame_na)c->na[i]));
  return 1;
}

/* Lua: f:na_counts(name) -> {present=n, blank=n, c=n, ...} keyed by symbol name */
static int frame_na_counts(lua_State *L) {
  static const char *const key[NA_NREASONS] = {
    "present", "blank", "NA", "c", "x", "z", "k", "u", "low", ":", "calculated"};
  const struct frame *f = lframe_check(L, 1);
  size_t counts[NA_NREASONS];
  frame_col_na_counts(lframe_checkcol(L, f, 2), counts);
  lua_createtable(L, 0, NA_NREASONS);
  for (int r = 0; r < NA_NREASONS; r++) {
    if (counts[r] == 0 && r != 0) continue;
    lua_pushinteger(L, (lua_Integer)counts[r]);
    /* reasons from statistical files (".a", "user") are keyed by their symbol */
    lua_setfield(L, -2, key[r] ? key[r] : frame_na_symbol((enum frame_na)r));
  }
  return 1;
}

/* Row indices from a Lua array (1-based) into a GC-owned size_t array. */
static size_t *check_rows(lua_State *L, int arg, size_t nrow, size_t *m) {
  luaL_checktype(L, arg, LUA_TTABLE);
  size_t n = (size_t)luaL_len(L, arg);
  size_t *idx = lua_newuserdatauv(L, (n ? n : 1) * sizeof *idx, 0);
  for (size_t k = 0; k < n; k++) {
    lua_geti(L, arg, (lua_Integer)k + 1);
    int ok;
    lua_Integer i = lua_tointegerx(L, -1, &ok);
    if (!ok || i < 1 || (size_t)i > nrow)
      lh_error(L, "recipe", "row index %d is not a row of the frame (1 to %d)", (int)(k + 1), (int)nrow);
    idx[k] = (size_t)i - 1;
    lua_pop(L, 1);
  }
  *m = n;
  return idx;
}

/* Lua: f:take(rows) -> new frame with those rows, in that order */
static int frame_take_rows(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  size_t m;
  size_t *idx = check_rows(L, 2, f->nrow, &m);
  struct frame **slot = lframe_newbox(L);
  *slot = frame_take(f, idx, m);
  if (!*slot) return lh_error(L, "analysis:memory", "not enough memory to copy %d rows", (int)m);
  return 1;
}

/* Lua: f:head(n) -> first n rows */
static int frame_head(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_Integer n = luaL_optinteger(L, 2, 6);
  luaL_argcheck(L, n >= 0, 2, "row count must be 0 or more");
  size_t m = (size_t)n < f->nrow ? (size_t)n : f->nrow;
  size_t *idx = lua_newuserdatauv(L, (m ? m : 1) * sizeof *idx, 0);
  for (size_t i = 0; i < m; i++) idx[i] = i;
  struct frame **slot = lframe_newbox(L);
  *slot = frame_take(f, idx, m);
  if (!*slot) return lh_nomem(L, NULL);
  return 1;
}

/* Lua: f:uncount(name) -> each row repeated by its count in column name
 * (whole numbers, 0 drops the row), in order, without that column */
static int frame_uncount_rows(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const struct frame_col *c = lframe_checkcol(L, f, 2);
  size_t j = 0;
  while (f->col[j] != c) j++;
  struct frame **slot = lframe_newbox(L);
  size_t bad;
  const char *why;
  *slot = frame_uncount(f, j, &bad, &why);
  if (!*slot) {
    if (bad != SIZE_MAX)
      return lh_error(L, "data", "uncount: column \"%s\", row %d: %s", c->name, (int)(bad + 1), why);
    return lh_error(L, why == frame_why_nomem ? "analysis:memory" : "data", "uncount: column \"%s\": %s",
                    c->name, why);
  }
  return 1;
}

/* ===== building a frame from Lua ===== */

static int is_na(lua_State *L, int idx) {
  return lua_isnil(L, idx) || lua_rawequal(L, idx, lua_upvalueindex(1));
}

/* Infer a column type from a Lua array: all integers -> int64, numbers ->
 * float64, booleans -> bool, strings -> text (dates stay text unless asked). */
static enum frame_type infer_lua_type(lua_State *L, int arr, size_t n) {
  int seen_num = 0, seen_float = 0, seen_bool = 0, seen_str = 0;
  for (size_t i = 1; i <= n; i++) {
    lua_geti(L, arr, (lua_Integer)i);
    if (!is_na(L, -1)) {
      switch (lua_type(L, -1)) {
      case LUA_TNUMBER: seen_num = 1; if (!lua_isinteger(L, -1)) seen_float = 1; break;
      case LUA_TBOOLEAN: seen_bool = 1; break;
      default: seen_str = 1;
      }
    }
    lua_pop(L, 1);
  }
  if (seen_str) return FRAME_CAT;
  if (seen_bool && !seen_num) return FRAME_BOOL;
  if (seen_float) return FRAME_F64;
  if (seen_num) return FRAME_I64;
  return FRAME_F64;
}

/* Fill column c from the Lua array at arr (n values).  Raises naming the
 * column and row on a value that does not fit the type. */
static void fill_from_lua(lua_State *L, struct frame_col *c, int arr, size_t n) {
  for (size_t i = 0; i < n; i++) {
    lua_geti(L, arr, (lua_Integer)i + 1);
    if (is_na(L, -1)) {
      if (frame_col_set_na(c, i, NA_NA) != 0) lh_nomem(L, NULL);
      if (c->type == FRAME_F64) c->v.f64[i] = NAN;
      else if (c->type == FRAME_I64) c->v.i64[i] = 0;
      else if (c->type == FRAME_BOOL) c->v.b[i] = 0;
      else c->v.cat[i] = 0;   /* date and cat share int32 storage */
      lua_pop(L, 1);
      continue;
    }
    int t = lua_type(L, -1);
    switch (c->type) {
    case FRAME_F64:
      if (t != LUA_TNUMBER) goto bad;
      c->v.f64[i] = lua_tonumber(L, -1);
      break;
    case FRAME_I64:
      if (!lua_isinteger(L, -1)) {
        lua_Number x = lua_tonumber(L, -1);
        if (t != LUA_TNUMBER || x != floor(x) || fabs(x) > 9007199254740992.0) goto bad;
        c->v.i64[i] = (int64_t)x;
      } else {
        c->v.i64[i] = (int64_t)lua_tointeger(L, -1);
      }
      break;
    case FRAME_BOOL:
      if (t != LUA_TBOOLEAN) goto bad;
      c->v.b[i] = (uint8_t)lua_toboolean(L, -1);
      break;
    case FRAME_DATE: {
      size_t len;
      const char *s = t == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
      if (!s || frame_date_parse(s, len, &c->v.date[i]) != 0) goto bad;
      break;
    }
    case FRAME_CAT: {
      size_t len;
      if (t != LUA_TSTRING && t != LUA_TNUMBER) goto bad;
      const char *s = lua_tolstring(L, -1, &len);
      int32_t code = frame_dict_intern(c->dict, s, len);
      if (code < 0) lh_nomem(L, NULL);
      c->v.cat[i] = code;
      break;
    }
    default: goto bad;
    }
    lua_pop(L, 1);
    continue;
  bad:
    lh_error(L, "recipe", "column \"%s\", row %d: a %s cannot be stored in a %s column",
               c->name, (int)i + 1, luaL_typename(L, -1), frame_type_name(c->type));
  }
}

/* Lua: frame.new{ names = {...}, columns = {{...}, ...}, types = {name = "int64", ...} }
 * Builds a frame from Lua arrays (all the same length). */
static int frame_new_lua(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const fields[] = {"names", "columns", "types", NULL};
  lh_checkopts(L, 1, "frame.new", fields, 0);
  lua_getfield(L, 1, "names");
  int inames = lua_gettop(L);
  luaL_argexpected(L, lua_istable(L, inames), 1, "table with a 'names' array");
  lua_getfield(L, 1, "columns");
  int icols = lua_gettop(L);
  luaL_argexpected(L, lua_istable(L, icols), 1, "table with a 'columns' array");
  lua_getfield(L, 1, "types");
  int itypes = lua_gettop(L);
  size_t ncol = (size_t)luaL_len(L, inames);
  if ((size_t)luaL_len(L, icols) != ncol)
    return lh_error(L, "recipe", "frame.new: %d names but %d columns", (int)ncol, (int)luaL_len(L, icols));
  struct frame **slot = lframe_newbox(L);
  *slot = frame_new();
  if (!*slot) return lh_nomem(L, NULL);
  size_t nrow = 0;
  for (size_t j = 1; j <= ncol; j++) {
    lua_geti(L, inames, (lua_Integer)j);
    const char *name = lua_tostring(L, -1);
    if (!name) return lh_error(L, "recipe", "frame.new: names[%d] is not a string", (int)j);
    lua_geti(L, icols, (lua_Integer)j);
    int arr = lua_gettop(L);
    if (!lua_istable(L, arr)) return lh_error(L, "recipe", "frame.new: column \"%s\" is not an array", name);
    size_t n = (size_t)luaL_len(L, arr);
    if (j == 1) nrow = n;
    else if (n != nrow)
      return lh_error(L, "recipe", "frame.new: column \"%s\" has %d values, the first column has %d",
                        name, (int)n, (int)nrow);
    enum frame_type t;
    if (lua_istable(L, itypes) && lua_getfield(L, itypes, name) == LUA_TSTRING) {
      if (frame_type_parse(lua_tostring(L, -1), &t) != 0)
        return lh_error(L, "recipe", "frame.new: unknown type \"%s\" for column \"%s\" "
                          "(use float64, int64, bool, date or text)", lua_tostring(L, -1), name);
    } else {
      t = infer_lua_type(L, arr, n);
    }
    if (lua_istable(L, itypes)) lua_pop(L, 1);
    struct frame_col *c = frame_col_new(name, t, n, NULL);
    if (!c || frame_col_resize(c, n) != 0) {
      frame_col_free(c);
      return lh_nomem(L, NULL);
    }
    if (frame_add(*slot, c) != 0) {
      frame_col_free(c);
      return lh_error(L, "recipe", "frame.new: column name \"%s\" appears twice", name);
    }
    fill_from_lua(L, c, arr, n);   /* c is owned by the frame, so an error here cannot leak */
    lua_pop(L, 2);
  }
  (*slot)->nrow = nrow;
  return 1;
}

static const luaL_Reg frame_methods[] = {
  {"nrow", frame_nrow}, {"ncol", frame_ncol}, {"names", frame_names}, {"has", frame_has},
  {"type", frame_type}, {"column", frame_column}, {"value", frame_value},
  {"na_reason", frame_na_reason}, {"na_counts", frame_na_counts},
  {"take", frame_take_rows}, {"head", frame_head}, {"uncount", frame_uncount_rows},
  {NULL, NULL}};

static const luaL_Reg frame_funcs[] = {{"new", frame_new_lua}, {NULL, NULL}};

static int na_tostring(lua_State *L) {
  lua_pushliteral(L, "NA");
  return 1;
}

/* The functions of each of sets (NULL-ended) into the table at the top, with the NA
 * sentinel at index na as upvalue 1.  [-0, +0, m] */
static void setfuncs_na(lua_State *L, int na, const luaL_Reg *const *sets) {
  for (; *sets; sets++) {
    lua_pushvalue(L, na);
    luaL_setfuncs(L, *sets, 1);
  }
}

int luaopen_host_frame(lua_State *L) {
  lua_newtable(L);                       /* the NA sentinel: a unique table */
  lua_newtable(L);
  lua_pushcfunction(L, na_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "NA");
  lua_setfield(L, -2, "__name");
  lua_setmetatable(L, -2);
  int na = lua_gettop(L);

  luaL_newmetatable(L, LFRAME_META);
  int meta = lua_gettop(L);
  lua_pushcfunction(L, frame_gc);
  lua_setfield(L, meta, "__gc");
  /* no __close: a recipe could close a frame from a metamethod that C code
   * calls while it still holds the frame's pointer */
  lua_pushcfunction(L, frame_tostring);
  lua_setfield(L, meta, "__tostring");

  lua_newtable(L);                       /* method table, filled by lframe*.c */
  int methods = lua_gettop(L);
  setfuncs_na(L, na, (const luaL_Reg *const[]){frame_methods, lframe_ops_methods,
                                                lframe_rel_methods, lframe_read_methods, NULL});
  lua_pushvalue(L, methods);
  lua_setfield(L, meta, "__index");

  lua_newtable(L);                       /* the module */
  int mod = lua_gettop(L);
  setfuncs_na(L, na, (const luaL_Reg *const[]){frame_funcs, lframe_io_funcs, lframe_rel_funcs,
                                                lframe_read_funcs, NULL});
  lua_pushvalue(L, na);
  lua_setfield(L, mod, "NA");
  lua_pushvalue(L, methods);
  lua_setfield(L, mod, "methods");
  return 1;
}
