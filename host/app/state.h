/* host/app/state.h -- create and close csceval's Lua state: a capped
 * allocator, the standard libraries for trusted code in lua/, the host.*
 * C modules preloaded, and package.path pointing at lua/ only. */
#ifndef CSC_HS_STATE_H
#define CSC_HS_STATE_H

#include <stddef.h>
#include <lua.h>

/* Per-state allocator accounting; lives as long as the state (allocator ud). */
struct hs_mem {
  size_t used;    /* bytes currently allocated by Lua */
  size_t limit;   /* 0 = unlimited; allocations past it fail with "not enough memory" */
  size_t peak;
};

/* New state using mem for accounting; lua_dir is the folder holding the csc/ modules.
 * Returns NULL when the state cannot be created. */
lua_State *hs_state_new(struct hs_mem *mem, const char *lua_dir);
void hs_state_close(lua_State *L);

/* Message handler for lua_pcall: keeps error tables as they are, adds a
 * traceback to string errors (they are internal errors). */
int hs_msghandler(lua_State *L);

#endif
