/* host/app/state.c -- the Lua state csceval runs in.
 * Trusted library code in lua/ gets the standard libraries; recipes get a
 * sandboxed _ENV built by lua/csc/sandbox.lua.  The allocator enforces the
 * Lua memory cap (--memory), with its accounting in a caller-owned struct so
 * there is no global state. */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lualib.h>

#include "modules.h"

static void *hs_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct hs_mem *m = ud;
  if (ptr == NULL) osize = 0;   /* osize then only tells the object's type */
  if (nsize == 0) {
    free(ptr);
    m->used -= osize;
    return NULL;
  }
  if (m->limit && nsize > osize && m->used + (nsize - osize) > m->limit) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) {
    m->used = m->used - osize + nsize;
    if (m->used > m->peak) m->peak = m->used;
  }
  return p;
}

static int hs_panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "csceval: internal error (Lua panic): %s\n", msg ? msg : "?");
  return 0;   /* Lua then aborts */
}

int hs_msghandler(lua_State *L) {
  if (lua_type(L, 1) == LUA_TTABLE) return 1;   /* structured csceval error: pass through */
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static void preload(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (const struct hs_module *m = hs_modules; m->name; m++) {
    lua_pushcfunction(L, m->open);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 1);
}

lua_State *hs_state_new(struct hs_mem *mem, const char *lua_dir) {
  /* GSL's default handler aborts the process; every status is checked instead. */
  gsl_set_error_handler_off();
  lua_State *L = lua_newstate(hs_alloc, mem);
  if (!L) return NULL;
  lua_atpanic(L, hs_panic);
  luaL_openlibs(L);
  preload(L);
  /* package.path: only csceval's own library; no C loaders from disk */
  lua_getglobal(L, "package");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua", lua_dir, lua_dir);
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
  return L;
}

void hs_state_close(lua_State *L) {
  if (L) lua_close(L);
}
