/* host/bind/lxlsx.c -- Lua module "host.xlsx": a workbook model (Lua tables)
 * to .xlsx bytes.  Reading the model and pushing the result only; the
 * workbook is host/render/xlsxout.c (libxlsxwriter).  Used by
 * lua/csc/render/xlsx.lua for --xlsx. */

#include <lauxlib.h>
#include <lua.h>

#include "lhelp.h"
#include "render/xlsxout.h"

#define BOOK_TYPE "host.XlsxBook"

struct book_box { struct xo_book *b; };

static int book_gc(lua_State *L) {
  struct book_box *x = luaL_checkudata(L, 1, BOOK_TYPE);
  xo_discard(x->b);
  x->b = NULL;
  return 0;
}

/* One cell at the top of the stack: nil (blank), a string, a number, or
 * {v = number|string, fmt = "0.00", bold = true}. */
static void write_cell(lua_State *L, struct xo_book *b, int row, int col, const char *sheet) {
  int t = lua_type(L, -1);
  int rc = 0;
  if (t == LUA_TNIL) return;
  if (t == LUA_TNUMBER) {
    rc = xo_number(b, row, col, lua_tonumber(L, -1), NULL, 0);
  } else if (t == LUA_TSTRING) {
    rc = xo_string(b, row, col, lua_tostring(L, -1), 0);
  } else if (t == LUA_TTABLE) {
    lua_getfield(L, -1, "bold");
    int bold = lua_toboolean(L, -1);
    lua_getfield(L, -2, "fmt");
    const char *fmt = lua_tostring(L, -1);
    lua_getfield(L, -3, "v");
    if (lua_type(L, -1) == LUA_TNUMBER) rc = xo_number(b, row, col, lua_tonumber(L, -1), fmt, bold);
    else if (lua_type(L, -1) == LUA_TSTRING) rc = xo_string(b, row, col, lua_tostring(L, -1), bold);
    else if (!lua_isnil(L, -1)) luaL_error(L, "xlsx.workbook: sheet %s, row %d, column %d: v must be a number or string", sheet, row + 1, col + 1);
    lua_pop(L, 3);
  } else {
    luaL_error(L, "xlsx.workbook: sheet %s, row %d, column %d: a %s cannot be a cell", sheet, row + 1, col + 1,
               lua_typename(L, t));
  }
  if (rc != 0) luaL_error(L, "xlsx.workbook: sheet %s: row %d, column %d could not be written", sheet, row + 1, col + 1);
}

/* Lua: xlsx.workbook{title=, comments=, created=, sheets={{name=, ncol=,
 *   widths={...}, freeze=bool, rows={{cell...}...}}...}} -> .xlsx bytes */
static int xlsx_workbook(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  char err[256];
  struct book_box *box = lh_newbox(L, sizeof *box, BOOK_TYPE, book_gc);
  box->b = xo_new(err, sizeof err);
  if (!box->b) return luaL_error(L, "xlsx.workbook: %s", err);
  lua_getfield(L, 1, "title");
  lua_getfield(L, 1, "comments");
  lua_getfield(L, 1, "created");
  xo_properties(box->b, lua_tostring(L, -3), lua_tostring(L, -2), luaL_optnumber(L, -1, 0));
  lua_pop(L, 3);
  lua_getfield(L, 1, "sheets");
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_Integer ns = luaL_len(L, -1);
  for (lua_Integer s = 1; s <= ns; s++) {
    lua_geti(L, -1, s);
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_getfield(L, -1, "name");
    const char *name = luaL_checkstring(L, -1);
    if (xo_sheet(box->b, name, err, sizeof err) != 0) return luaL_error(L, "xlsx.workbook: %s", err);
    lua_getfield(L, -2, "ncol");
    lua_Integer ncol = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -2, "widths");
    if (lua_istable(L, -1)) {
      for (lua_Integer j = 1; j <= ncol; j++) {
        if (lua_geti(L, -1, j) == LUA_TNUMBER) xo_width(box->b, (int)j - 1, lua_tonumber(L, -1));
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
    lua_getfield(L, -2, "freeze");
    if (lua_toboolean(L, -1)) xo_freeze_header(box->b);
    lua_pop(L, 1);
    lua_getfield(L, -2, "rows");
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_Integer nr = luaL_len(L, -1);
    if (nr > 1048576) return luaL_error(L, "xlsx.workbook: sheet %s has %d rows; a sheet holds at most 1048576", name, (int)nr);
    for (lua_Integer i = 1; i <= nr; i++) {
      lua_geti(L, -1, i);
      luaL_checktype(L, -1, LUA_TTABLE);
      for (lua_Integer j = 1; j <= ncol; j++) {
        lua_geti(L, -1, j);
        write_cell(L, box->b, (int)i - 1, (int)j - 1, name);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 3);   /* rows, name, sheet */
  }
  lua_pop(L, 1);
  void **bytes = lh_newmem(L);   /* frees the bytes if pushing them raises */
  size_t len = 0;
  struct xo_book *b = box->b;
  box->b = NULL;   /* xo_finish frees it */
  *bytes = xo_finish(b, &len, err, sizeof err);
  if (!*bytes) return luaL_error(L, "xlsx.workbook: %s", err);
  lua_pushlstring(L, *bytes, len);
  lh_freemem(bytes);
  return 1;
}

static const luaL_Reg xlsx_funcs[] = {{"workbook", xlsx_workbook}, {NULL, NULL}};

int luaopen_host_xlsx(lua_State *L) {
  luaL_newlib(L, xlsx_funcs);
  return 1;
}
