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
#include "lframe_int.h"
#include "lhelp.h"

/* Lua: frame.read_csv(path [, {types = {col = "int64", ...}}])
 *   -> frame | nil, message, line, column, column_name */
static int frame_read_csv(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct csvtab_opts opts;
  memset(&opts, 0, sizeof opts);
  opts.delim = ',';
  size_t nover = 0;
  const char **names = NULL;
  enum frame_type *types = NULL;
  static const char *const fields[] = {"types", "max_field", "origin", NULL};
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
        return luaL_error(L, "types.%s: unknown type \"%s\" (use float64, int64, bool, date or text)",
                          lua_tostring(L, -2) ? lua_tostring(L, -2) : "?", tn ? tn : "?");
      names[k++] = lua_tostring(L, -2);   /* anchored: the key stays in the table */
      lua_pop(L, 1);
    }
  }
  if (lua_istable(L, 2) && lua_getfield(L, 2, "max_field") == LUA_TNUMBER)
    opts.max_field = (size_t)lua_tointeger(L, -1);
  if (lua_istable(L, 2) && lua_getfield(L, 2, "origin") == LUA_TSTRING)
    opts.override_origin = lua_tostring(L, -1);   /* anchored on the stack */
  opts.override_names = names;
  opts.override_types = types;
  opts.noverride = nover;
  struct frame **slot = lframe_newbox(L);
  struct csvtab_error err;
  memset(&err, 0, sizeof err);
  *slot = csvtab_read(path, &opts, &err);
  if (!*slot) {
    luaL_pushfail(L);
    lua_pushstring(L, err.msg);
    lua_pushinteger(L, (lua_Integer)err.line);
    lua_pushinteger(L, (lua_Integer)err.column);
    lua_pushstring(L, err.colname);
    return 5;
  }
  return 1;
}

/* Lua: frame.describe(f, label) -> text summary (rows, types, missing by reason, ...) */
static int frame_describe(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const char *label = luaL_optstring(L, 2, "frame");
  void **buf = lh_newmem(L);   /* frees the text if pushing it raises */
  size_t len = 0;
  FILE *mem = open_memstream((char **)buf, &len);
  if (!mem) return luaL_error(L, "not enough memory");
  describe_frame(mem, f, label);
  if (fclose(mem) != 0) return luaL_error(L, "not enough memory");
  lua_pushlstring(L, *buf, len);
  lh_freemem(buf);
  return 1;
}

static const luaL_Reg io_funcs[] = {
  {"read_csv", frame_read_csv}, {"describe", frame_describe}, {NULL, NULL}};

void lframe_io_register(lua_State *L, int methods, int na) {
  (void)L; (void)methods; (void)na;
}

void lframe_io_funcs(lua_State *L, int mod, int na) {
  lua_pushvalue(L, mod);
  lua_pushvalue(L, na);
  luaL_setfuncs(L, io_funcs, 1);
  lua_pop(L, 1);
}
