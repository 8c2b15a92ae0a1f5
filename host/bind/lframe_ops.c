/* host/bind/lframe_ops.c -- host.Frame methods that make new frames: filter and
 * derived columns from compiled expressions (expr.c), and the relational
 * operations of frameops.c.  Inputs are never modified. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "data/expr.h"
#include "data/framesel.h"
#include "lframe.h"
#include "lframe_int.h"
#include "lhelp.h"

/* Compile src against f; raise with the expression text on error.  The
 * compiled expression is parked in a userdata with __gc so an error during
 * evaluation cannot leak it. */
struct expr_box { struct expr *e; };

static int expr_box_gc(lua_State *L) {
  struct expr_box *b = lua_touserdata(L, 1);
  if (b && b->e) { expr_free(b->e); b->e = NULL; }
  return 0;
}

/* A column being read into Lua, freed by __gc if that raises. */
struct col_box { struct frame_col *c; };

static int col_box_gc(lua_State *L) {
  struct col_box *b = lua_touserdata(L, 1);
  frame_col_free(b->c);
  b->c = NULL;
  return 0;
}

static struct expr *compile_or_raise(lua_State *L, const struct frame *f, const char *src) {
  struct expr_box *b = lh_newbox(L, sizeof *b, "host.Expr", expr_box_gc);
  char err[512];
  b->e = expr_compile(src, f, err, sizeof err);
  if (!b->e) lh_error(L, "recipe", "in expression \"%s\": %s", src, err);   /* does not compile */
  return b->e;
}

/* Lua: f:filter(expr) -> rows where expr is true (missing counts as false).
 * The rows are chosen and gathered chunk by chunk on all cores
 * (expr_select, frame_take_sel); nothing between them can raise, so the
 * selection is freed before any error is. */
static int frame_filter(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const char *src = luaL_checkstring(L, 2);
  struct expr *e = compile_or_raise(L, f, src);
  char err[512];
  struct frame **slot = lframe_newbox(L);
  struct frame_sel sel;
  if (expr_select(e, f, &sel, err, sizeof err) != 0)
    return luaL_error(L, "in filter \"%s\": %s", src, err);
  *slot = frame_take_sel(f, &sel);
  frame_sel_free(&sel);
  if (!*slot) return lh_nomem(L, NULL);
  return 1;
}

/* Lua: f:mutate(name, expr) -> new frame with column name set to expr
 * (replacing a column of that name, else appended) */
static int frame_mutate(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const char *name = luaL_checkstring(L, 2);
  const char *src = luaL_checkstring(L, 3);
  struct expr *e = compile_or_raise(L, f, src);
  char err[512];
  struct frame **slot = lframe_newbox(L);
  *slot = frame_take(f, NULL, f->nrow);
  if (!*slot) return lh_nomem(L, NULL);
  struct frame_col *c = expr_eval(e, f, name, err, sizeof err);
  if (!c) return luaL_error(L, "in derived column \"%s\" = %s: %s", name, src, err);
  struct frame *o = *slot;
  int j = frame_find(o, name);
  if (j >= 0) {
    frame_col_free(o->col[j]);
    o->col[j] = c;
  } else if (frame_add(o, c) != 0) {
    frame_col_free(c);
    return lh_nomem(L, NULL);
  }
  return 1;
}

/* Lua: f:eval(expr) -> array of values (for checks and small summaries) */
static int frame_eval(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const char *src = luaL_checkstring(L, 2);
  struct expr *e = compile_or_raise(L, f, src);
  char err[512];
  struct col_box *b = lh_newbox(L, sizeof *b, "host.Column", col_box_gc);
  struct frame_col *c = b->c = expr_eval(e, f, "value", err, sizeof err);
  if (!c) return luaL_error(L, "in expression \"%s\": %s", src, err);
  lua_createtable(L, (int)c->n, 0);   /* may raise: the box frees c */
  for (size_t i = 0; i < c->n; i++) {
    lframe_pushvalue(L, c, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  frame_col_free(c);
  b->c = NULL;
  return 1;
}

const luaL_Reg lframe_ops_methods[] = {
  {"filter", frame_filter}, {"mutate", frame_mutate}, {"eval", frame_eval}, {NULL, NULL}};
