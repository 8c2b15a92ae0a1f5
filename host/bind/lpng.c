/* host/bind/lpng.c -- Lua module "host.png": chart SVG to PNG bytes.  Argument
 * checks and result pushing only; rendering is host/render/pngsvg.c (librsvg +
 * cairo).  Used by lua/csc/output.lua for --png / outputs.png. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lhelp.h"
#include "render/pngsvg.h"

#define BUFFER_TYPE "host.PngBuffer"

/* The PNG bytes live in a userdata box until copied into a Lua string, so an
 * error raised while pushing (out of memory under --memory) cannot leak them. */
static int buffer_gc(lua_State *L) {
  pngsvg_buf_free(luaL_checkudata(L, 1, BUFFER_TYPE));
  return 0;
}

/* Lua: png.from_svg(svg [, scale = 2]) -> PNG bytes   (raises on a bad SVG) */
static int png_from_svg(lua_State *L) {
  size_t len;
  const char *svg = luaL_checklstring(L, 1, &len);
  double scale = luaL_optnumber(L, 2, 2.0);
  luaL_argcheck(L, scale > 0 && scale <= 8, 2, "scale must be more than 0 and at most 8");
  struct pngsvg_buf *b = lh_newbox(L, sizeof *b, BUFFER_TYPE, buffer_gc);
  char err[256];
  if (pngsvg_render(svg, len, scale, b, err, sizeof err) != 0)
    return luaL_error(L, "png.from_svg: %s", err);
  lua_pushlstring(L, (const char *)b->data, b->len);
  pngsvg_buf_free(b);   /* now copied; free early rather than at the next GC */
  return 1;
}

static const luaL_Reg png_funcs[] = {{"from_svg", png_from_svg}, {NULL, NULL}};

int luaopen_host_png(lua_State *L) {
  luaL_newlib(L, png_funcs);
  return 1;
}
