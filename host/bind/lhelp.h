/* host/bind/lhelp.h -- small helpers every binding file uses to build result
 * tables and scratch space.  Binding files only; pure-C files never include
 * Lua headers. */
#ifndef CSC_LHELP_H
#define CSC_LHELP_H

#include <stddef.h>

#include <lua.h>

/* t[k] = v on the table at the top of the stack.  [-0, +0, m] */
static inline void lh_setnum(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static inline void lh_setint(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static inline void lh_setbool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* GC-owned scratch memory: a raised error cannot leak it.  [-0, +1, m] */
static inline void *lh_scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes > 0 ? bytes : 1, 0);
}

#endif
