/* host/bind/lframe_int.h -- shared between the host.frame binding files
 * (lframe.c, lframe_io.c, lframe_ops.c, lframe_rel.c, lframe_read.c); not
 * for other modules. */
#ifndef CSC_LFRAME_INT_H
#define CSC_LFRAME_INT_H

#include <lauxlib.h>
#include <lua.h>
#include "data/frame.h"

/* Push row i of c (NA sentinel, upvalue 1 of the calling C function, when missing). */
void lframe_pushvalue(lua_State *L, const struct frame_col *c, size_t i);
/* Closest column name within two edits, or NULL. */
const char *lframe_suggest(const struct frame *f, const char *name);
/* The cell that arguments 1 (a frame), 2 (a row, from 1) and 3 (a column
 * name) of a method name: its column, and in *row the 0-based row; raises
 * "row out of range" or on an unknown column.  [-0, +0, v] */
const struct frame_col *lframe_checkcell(lua_State *L, size_t *row);
/* The loader's limit `key` ("max_bytes", "max_columns", "max_rows",
 * "max_field"): the option at index opts when it is a table holding it,
 * else the one frame.set_limits set from the command line; 0 means the
 * reader's default.  Every reader (CSV, workbook, statistical file) takes
 * the same limits.  [-0, +0, -] */
size_t lframe_limit(lua_State *L, int opts, const char *key);
/* Raise 'no column "x" (did you mean "y"?)'. */
int lframe_nocolumn(lua_State *L, const struct frame *f, const char *name);

/* The methods of host.Frame and the module-level functions (read_csv, ...)
 * that each binding file adds; luaopen_host_frame (lframe.c) registers them
 * all with the NA sentinel as upvalue 1. */
extern const luaL_Reg lframe_io_funcs[];
extern const luaL_Reg lframe_ops_methods[];
extern const luaL_Reg lframe_rel_methods[], lframe_rel_funcs[];
extern const luaL_Reg lframe_read_methods[], lframe_read_funcs[];

#endif
