/* host/bind/lframe_int.h -- shared between the host.frame binding files
 * (lframe.c, lframe_io.c, lframe_ops.c); not for other modules. */
#ifndef CSC_LFRAME_INT_H
#define CSC_LFRAME_INT_H

#include <lua.h>
#include "data/frame.h"

/* Push row i of c (NA sentinel, upvalue 1 of the calling C function, when missing). */
void lframe_pushvalue(lua_State *L, const struct frame_col *c, size_t i);
/* Closest column name within two edits, or NULL. */
const char *lframe_suggest(const struct frame *f, const char *name);
/* Raise 'no column "x" (did you mean "y"?)'. */
int lframe_nocolumn(lua_State *L, const struct frame *f, const char *name);

/* Register methods into the table at index methods, with the NA sentinel at
 * index na as upvalue 1. */
void lframe_io_register(lua_State *L, int methods, int na);
void lframe_ops_register(lua_State *L, int methods, int na);
void lframe_rel_register(lua_State *L, int methods, int na);
void lframe_read_register(lua_State *L, int methods, int na);
/* Register module-level functions (read_csv, ...) into the table at mod. */
void lframe_io_funcs(lua_State *L, int mod, int na);
void lframe_rel_funcs(lua_State *L, int mod, int na);
void lframe_read_funcs(lua_State *L, int mod, int na);

#endif
