/* host/bind/lframe.h -- the host.Frame userdata, shared by every Lua binding that
 * takes or returns a data frame (host.frame, host.model, ...). */
#ifndef CSC_LFRAME_H
#define CSC_LFRAME_H

#include <lua.h>
#include "data/frame.h"

#define LFRAME_META "host.Frame"

/* Frame at stack index arg, or raise "bad argument #arg (host.Frame expected)". [-0, +0, v] */
struct frame *lframe_check(lua_State *L, int arg);
/* Push a host.Frame that owns nothing yet and return its slot: store the
 * new frame there as soon as it is made, so that an error raised at any
 * later point cannot leak it (the box's __gc frees it).  [-0, +1, m] */
struct frame **lframe_newbox(lua_State *L);
/* *slot = f, or raise "not enough memory" when f is NULL.  [-0, +0, m] */
struct frame *lframe_fill(lua_State *L, struct frame **slot, struct frame *f);
/* Column named by the string at arg, or raise naming the column and listing
 * close names ('no column "fsmm" (did you mean "fsm"?)').  [-0, +0, v] */
const struct frame_col *lframe_checkcol(lua_State *L, const struct frame *f, int arg);

int luaopen_host_frame(lua_State *L);

#endif
