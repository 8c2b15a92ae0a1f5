/* host/bind/lmodel_poly.c -- host.model.poly_coefs: the coefficients of
 * R's poly() for a formula term (lua/csc/formula.lua), over the complete
 * rows of the columns the model uses, computed in C (host/num/poly.c).
 * Argument checking and the result table only. */
#include <lauxlib.h>
#include <lua.h>

#include "data/frame.h"
#include "lframe.h"
#include "lhelp.h"
#include "lmodel_int.h"
#include "num/poly.h"

/* Lua: model.poly_coefs(frame, column, degree, used) -> {alpha, norm2,
 *   distinct, n}: the values of `column` in the rows where none of the
 *   columns named in `used` (an array; the column itself is always used) is
 *   missing.  When the column has at most `degree` distinct values there,
 *   alpha and norm2 are absent and `distinct` is their number. */
static int model_poly_coefs(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  const struct frame_col *x = lframe_checkcol(L, f, 2);
  lua_Integer degree = luaL_checkinteger(L, 3);
  luaL_argcheck(L, degree >= 1 && degree <= 1000, 3, "the degree must be from 1 to 1000");
  luaL_checktype(L, 4, LUA_TTABLE);
  size_t nu = (size_t)luaL_len(L, 4);
  const struct frame_col **cols = lh_scratch(L, (nu + 1) * sizeof *cols);
  cols[0] = x;
  for (size_t j = 0; j < nu; j++) {
    lua_rawgeti(L, 4, (lua_Integer)j + 1);
    cols[j + 1] = lframe_checkcol(L, f, -1);
    lua_pop(L, 1);
  }
  size_t m;
  size_t *keep = lh_complete_rows(L, cols, nu + 1, f->nrow, &m);
  double *v = lh_scratch(L, (m > 0 ? m : 1) * sizeof *v);
  frame_col_gatherd(x, keep, m, v);
  size_t d = poly_distinct(v, m, (size_t)degree);
  if (d == (size_t)-1) return lh_nomem(L, NULL);
  double *alpha = lh_scratch(L, (size_t)degree * sizeof *alpha);
  double *norm2 = lh_scratch(L, ((size_t)degree + 2) * sizeof *norm2);
  int have = d > (size_t)degree;
  if (have && poly_coefs(v, m, (size_t)degree, alpha, norm2) != 0)
    return lh_nomem(L, NULL);
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, (lua_Integer)d);
  lua_setfield(L, -2, "distinct");
  lua_pushinteger(L, (lua_Integer)m);
  lua_setfield(L, -2, "n");
  if (have) {
    lh_pushvector(L, alpha, (size_t)degree);
    lua_setfield(L, -2, "alpha");
    lh_pushvector(L, norm2, (size_t)degree + 2);
    lua_setfield(L, -2, "norm2");
  }
  return 1;
}

const luaL_Reg lmodel_poly_funcs[] = {{"poly_coefs", model_poly_coefs}, {NULL, NULL}};
