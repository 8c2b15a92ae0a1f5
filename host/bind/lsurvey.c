/* host/lsurvey.c -- Lua module "host.survey": the survey numerics that
 * csc.stats does not already provide.  Argument checks and result pushing
 * only; the numerics are in host/num/alphaci.c.  Required only by
 * lua/csc/survey/reliability.lua. */
#include <gsl/gsl_errno.h>
#include <lauxlib.h>
#include <lua.h>

#include "num/alphaci.h"

/* Lua: survey.alpha_feldt(alpha, n, k, conf_level) -> lo, hi */
static int survey_alpha_feldt(lua_State *L) {
  double alpha = luaL_checknumber(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2), k = luaL_checkinteger(L, 3);
  double level = luaL_optnumber(L, 4, 0.95);
  luaL_argcheck(L, n >= 2, 2, "need at least 2 respondents");
  luaL_argcheck(L, k >= 2, 3, "need at least 2 items");
  double lo, hi;
  int st = alphaci_feldt(alpha, (size_t)n, (size_t)k, level, &lo, &hi);
  if (st != GSL_SUCCESS)
    return luaL_error(L, "alpha_feldt: no interval for alpha = %f with %d respondents and %d items (%s)",
                      alpha, (int)n, (int)k, st == GSL_EINVAL ? "alpha must be below 1 and the level in (0, 1)"
                                                               : gsl_strerror(st));
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}

static const luaL_Reg survey_funcs[] = {{"alpha_feldt", survey_alpha_feldt}, {NULL, NULL}};

int luaopen_host_survey(lua_State *L) {
  luaL_newlib(L, survey_funcs);
  return 1;
}
