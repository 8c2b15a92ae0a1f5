/* host/bind/lframe_io.c -- host.frame loading and description: read_csv (via
 * csvtab.c on libcsv) and describe (via describe.c).  Expected failures
 * (a malformed file) return nil plus a structured message, lauxlib style, so
 * lua/csc/data.lua can attach the recipe's input name before raising. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "data/csvtab.h"
#include "data/describe.h"
#include "lframe.h"
#include "data/chunks.h"
#include "lframe_int.h"
#include "lhelp.h"

/* The loader's limits for this state: set once from the command line by
 * frame.set_limits, kept in the registry (no C globals), and overridable per
 * call in read_csv's options. */
#define LIMITS_KEY "csceval.csv_limits"

size_t lframe_limit(lua_State *L, int opts, const char *key) {
  size_t v = 0;
  if (lua_istable(L, opts) && lua_getfield(L, opts, key) == LUA_TNUMBER) {
    lua_Number n = lua_tonumber(L, -1);
    if (n >= 1) v = n >= 0x1p62 ? (size_t)1 << 62 : (size_t)n;
  } else {
    if (lua_istable(L, opts)) lua_pop(L, 1);
    if (lua_getfield(L, LUA_REGISTRYINDEX, LIMITS_KEY) == LUA_TTABLE) {
      if (lua_getfield(L, -1, key) == LUA_TNUMBER) {
        lua_Number n = lua_tonumber(L, -1);
        if (n >= 1) v = n >= 0x1p62 ? (size_t)1 << 62 : (size_t)n;
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return v;   /* 0: the loader's default */
}

/* Lua: frame.set_limits({max_field =, max_columns =, max_rows =, max_bytes =, threads =}) */
static int frame_set_limits(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_createtable(L, 0, 4);
  static const char *const keys[] = {"max_field", "max_columns", "max_rows", "max_bytes", "threads",
                                     NULL};
  for (int i = 0; keys[i]; i++) {
    if (lua_getfield(L, 1, keys[i]) != LUA_TNIL && !lua_isnumber(L, -1))
      return luaL_error(L, "set_limits: %s must be a number", keys[i]);
    lua_setfield(L, -2, keys[i]);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, LIMITS_KEY);
  /* threads are the process's: they also set how many the passes over the
   * rows use (derived columns, group-by, models: data/chunks.h) */
  chunks_set_threads(lframe_limit(L, 1, "threads"));
  return 0;
}

/* Lua: frame.read_csv(path [, {types = {col = "int64", ...}, max_field = n, origin = s,
 *                               threads = n}])
 *   -> frame | nil, message, line, column, column_name */
static int frame_read_csv(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct csvtab_opts opts;
  memset(&opts, 0, sizeof opts);
  opts.delim = ',';
  size_t nover = 0;
  const char **names = NULL;
  enum frame_type *types = NULL;
  static const char *const fields[] = {"types", "max_field", "origin", "threads", "max_bytes", "max_columns",
                                       "max_rows", NULL};
  lh_checkopts(L, 2, "read_csv", fields, 0);
  if (lua_istable(L, 2) && lua_getfield(L, 2, "types") == LUA_TTABLE) {
    int t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) { nover++; lua_pop(L, 1); }
    /* GC-owned scratch: an error below cannot leak it */
    names = lua_newuserdatauv(L, (nover ? nover : 1) * sizeof *names, 0);
    types = lua_newuserdatauv(L, (nover ? nover : 1) * sizeof *types, 0);
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
      const char *tn = lua_tostring(L, -1);
      if (lua_type(L, -2) != LUA_TSTRING || !tn || frame_type_parse(tn, &types[k]) != 0)
        return lh_error(L, "recipe", "types.%s: unknown type \"%s\" (use float64, int64, bool, date or text)",
                          lua_tostring(L, -2) ? lua_tostring(L, -2) : "?", tn ? tn : "?");
      names[k++] = lua_tostring(L, -2);   /* anchored: the key stays in the table */
      lua_pop(L, 1);
    }
  }
  opts.max_field = lframe_limit(L, 2, "max_field");
  opts.max_columns = lframe_limit(L, 2, "max_columns");
  opts.max_rows = lframe_limit(L, 2, "max_rows");
  opts.max_bytes = lframe_limit(L, 2, "max_bytes");
  size_t threads = lframe_limit(L, 2, "threads");   /* 0: CSCEVAL_THREADS, else every core */
  opts.threads = threads > CSVTAB_MAX_THREADS ? CSVTAB_MAX_THREADS : (unsigned)threads;
  if (lua_istable(L, 2) && lua_getfield(L, 2, "origin") == LUA_TSTRING)
    opts.override_origin = lua_tostring(L, -1);   /* anchored on the stack */
  opts.override_names = names;
  opts.override_types = types;
  opts.noverride = nover;
  struct frame **slot = lframe_newbox(L);
  struct csvtab_error err;
  memset(&err, 0, sizeof err);
  *slot = csvtab_read(path, &opts, &err);
  /* out of memory is not a fault of the file: raised as lh_nomem does */
  if (!*slot && err.nomem) return lh_error(L, "analysis:memory", "%s", err.msg);
  if (!*slot) {
    luaL_pushfail(L);
    lua_pushstring(L, err.msg);
    lua_pushinteger(L, (lua_Integer)err.line);
    lua_pushinteger(L, (lua_Integer)err.column);
    lua_pushstring(L, err.colname);
    return 5;
  }
  if (!err.warning[0]) return 1;
  lua_pushnil(L);                              /* the frame, nil, a warning (as read_workbook) */
  lua_pushstring(L, err.warning);
  return 3;
}

/* Lua: frame.describe(f, label) -> text summary (rows, types, missing by reason, ...) */
static int frame_describe(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const char *label = luaL_optstring(L, 2, "frame");
  void **buf = lh_newmem(L);   /* frees the text if pushing it raises */
  size_t len = 0;
  FILE *mem = open_memstream((char **)buf, &len);
  if (!mem) return lh_nomem(L, NULL);
  describe_frame(mem, f, label);
  if (fclose(mem) != 0) return lh_nomem(L, NULL);
  lua_pushlstring(L, *buf, len);
  lh_freemem(buf);
  return 1;
}

const luaL_Reg lframe_io_funcs[] = {
  {"read_csv", frame_read_csv}, {"describe", frame_describe}, {"set_limits", frame_set_limits},
  {NULL, NULL}};
