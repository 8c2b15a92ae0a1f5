/* host/app/modules.c -- every C module the host preloads, by Lua name.
 * Recipes reach these only through lua/csc/, so the C API can change
 * without breaking recipes. */
#include "modules.h"

int luaopen_host_sys(lua_State *L);
int luaopen_host_frame(lua_State *L);
int luaopen_host_stats(lua_State *L);
int luaopen_host_model(lua_State *L);
int luaopen_host_png(lua_State *L);
int luaopen_host_its(lua_State *L);
int luaopen_host_match(lua_State *L);
int luaopen_host_survey(lua_State *L);
int luaopen_host_yaml(lua_State *L);
int luaopen_host_xml(lua_State *L);
int luaopen_host_xlsx(lua_State *L);

const struct hs_module hs_modules[] = {
  {"host.sys", luaopen_host_sys},
  {"host.frame", luaopen_host_frame},
  {"host.stats", luaopen_host_stats},
  {"host.model", luaopen_host_model},
  {"host.png", luaopen_host_png},
  {"host.its", luaopen_host_its},
  {"host.match", luaopen_host_match},
  {"host.survey", luaopen_host_survey},
  {"host.yaml", luaopen_host_yaml},
  {"host.xml", luaopen_host_xml},
  {"host.xlsx", luaopen_host_xlsx},
  {NULL, NULL}};
