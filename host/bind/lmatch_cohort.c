/* host/bind/lmatch_cohort.c -- host.match functions first_event() and
 * window_counts(): argument checks only; the work is in cohort.c.
 * Registered by lmatch.c. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "data/cohort.h"
#include "data/frame.h"
#include "lframe.h"
#include "lhelp.h"
#include "lmatch_int.h"

/* Lua: match.first_event(events, {id =, date =, offset_days =, name =}) -> frame
 * One row per id: the id and name (default "start") = first date + offset. */
static int match_first_event_lua(lua_State *L) {
  const char *fn = "match.first_event";
  const struct frame *ev = lframe_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *id = lh_optstring(L, 2, "id", NULL, "a string"), *date = lh_optstring(L, 2, "date", NULL, "a string");
  if (!id || !date) return lh_error(L, "recipe", "%s: id and date (column names) are required", fn);
  double off = lh_optnumber(L, 2, "offset_days", 0);
  if (off != (double)(int32_t)off) return lh_error(L, "recipe", "%s: offset_days must be a whole number", fn);
  const char *name = lh_optstring(L, 2, "name", "start", "a string");
  char err[512];
  struct frame **slot = lframe_newbox(L);
  *slot = cohort_first_event(ev, id, date, (int32_t)off, name, err, sizeof err);
  if (!*slot) return lh_error(L, "analysis", "%s: %s", fn, err);
  return 1;
}

/* Lua: match.window_counts(events, people, {id =, date =, type =, types =,
 *   person_id =, start =, windows = {{name =, from =, to =}, ...}}) -> frame
 * Counts of each person's events in day windows around their start. */
static int match_window_counts_lua(lua_State *L) {
  const char *fn = "match.window_counts";
  luaL_checkstack(L, 20, fn);
  const struct frame *ev = lframe_check(L, 1), *pp = lframe_check(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  const char *id = lh_optstring(L, 3, "id", NULL, "a string"), *date = lh_optstring(L, 3, "date", NULL, "a string");
  const char *type = lh_optstring(L, 3, "type", NULL, "a string");
  const char *pid = lh_optstring(L, 3, "person_id", id, "a string"), *start = lh_optstring(L, 3, "start", "start", "a string");
  if (!id || !date) return lh_error(L, "recipe", "%s: id and date (column names) are required", fn);
  const char **types;
  size_t nt = lh_optnames(L, 3, "types", &types);
  if (nt > 0 && !type) return lh_error(L, "recipe", "%s: types need type (the event type column)", fn);
  lua_getfield(L, 3, "windows");
  int wi = lua_gettop(L);
  if (!lua_istable(L, wi) || luaL_len(L, wi) == 0)
    return lh_error(L, "recipe", "%s: windows must be a list of {name =, from =, to =}", fn);
  size_t nw = (size_t)luaL_len(L, wi);
  struct cohort_window *win = lh_scratch(L, nw * sizeof *win);
  for (size_t w = 0; w < nw; w++) {
    if (lua_rawgeti(L, wi, (lua_Integer)w + 1) != LUA_TTABLE)
      return lh_error(L, "recipe", "%s: windows[%d] must be {name =, from =, to =}", fn, (int)w + 1);
    int t = lua_gettop(L);
    win[w].name = lh_optstring(L, t, "name", NULL, "a string");
    double from = lh_optnumber(L, t, "from", 0.5), to = lh_optnumber(L, t, "to", 0.5);
    if (!win[w].name || from != (double)(int32_t)from || to != (double)(int32_t)to)
      return lh_error(L, "recipe", "%s: windows[%d] needs name and whole-day from and to", fn, (int)w + 1);
    win[w].from = (int32_t)from;
    win[w].to = (int32_t)to;
    lua_pop(L, 1);   /* the strings stay alive in the spec table */
  }
  char err[512];
  struct frame **slot = lframe_newbox(L);
  *slot = cohort_window_counts(ev, id, date, type, types, nt, pp, pid, start, win, nw, err,
                               sizeof err);
  if (!*slot) return lh_error(L, "analysis", "%s: %s", fn, err);
  return 1;
}

static const luaL_Reg cohort_funcs[] = {
    {"first_event", match_first_event_lua}, {"window_counts", match_window_counts_lua},
    {NULL, NULL}};

void lmatch_cohort_register(lua_State *L) { luaL_setfuncs(L, cohort_funcs, 0); }
