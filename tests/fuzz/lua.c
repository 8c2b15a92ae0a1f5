/* tests/fuzz/lua.c -- harnesses written in Lua, for the parsers csceval
 * implements in lua/csc (the recipe loader and schema, the SSDA903 reader,
 * the JSON reader).  Built once per target with -DFUZZ_LUA='"name"': the
 * state is csceval's own (hs_state_new, with a 1 GiB memory cap), and
 * tests/fuzz/name.lua returns the function called with each input as a Lua
 * string.  That function catches what a user may cause (csceval's
 * structured errors) and lets everything else out: an error that reaches
 * this file is a finding (in the command line it is an "internal error").
 *
 * Coverage: liblua is Debian's, not instrumented, so libFuzzer would see
 * little of what the Lua code does.  A line hook feeds it instead: each
 * (function, line, previous line) step of the Lua code bumps one of the
 * extra counters libFuzzer reads as coverage.  The hook is set before each
 * input; a harness whose code replaces it (csc.deadline does) calls the
 * global fuzz_cover() to set it again. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "app/state.h"
#include "fuzz.h"

#ifndef FUZZ_LUA
#error "define FUZZ_LUA as the harness name"
#endif
#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

#define NCOV 65536
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t lua_cov[NCOV];
static uintptr_t prev_step;

static void cover_hook(lua_State *L, lua_Debug *ar) {
  if (!lua_getinfo(L, "S", ar)) return;
  uintptr_t cur = ((uintptr_t)ar->source * 31u + (uintptr_t)ar->linedefined) * 131u + (uintptr_t)ar->currentline;
  size_t i = (size_t)((cur ^ (prev_step >> 1)) % NCOV);
  prev_step = cur;
  if (lua_cov[i] != 255) lua_cov[i]++;
}

static int l_fuzz_cover(lua_State *L) {
  lua_sethook(L, cover_hook, LUA_MASKLINE, 0);
  return 0;
}

static struct hs_mem mem = {0, (size_t)1 << 30, 0};
static lua_State *L;
static int fn_ref = LUA_NOREF;
static unsigned long runs;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  const char *root = getenv("CSCEVAL_ROOT");
  if (!root || !*root) root = FUZZ_ROOT;
  char dir[4096], file[4096];
  snprintf(dir, sizeof dir, "%s/lua", root);
  snprintf(file, sizeof file, "%s/tests/fuzz/%s.lua", root, FUZZ_LUA);
  L = hs_state_new(&mem, dir);
  if (!L) fuzz_fail("cannot create the Lua state");
  lua_register(L, "fuzz_cover", l_fuzz_cover);
  lua_pushcfunction(L, hs_msghandler);
  if (luaL_loadfile(L, file) != LUA_OK) fuzz_fail("%s", lua_tostring(L, -1));
  lua_pushstring(L, root);
  if (lua_pcall(L, 1, 1, -3) != LUA_OK) fuzz_fail("%s", lua_tostring(L, -1));
  if (!lua_isfunction(L, -1)) fuzz_fail("%s does not return a function", file);
  fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!L) LLVMFuzzerInitialize(NULL, NULL);
  int top = lua_gettop(L);
  prev_step = 0;
  lua_sethook(L, cover_hook, LUA_MASKLINE, 0);
  lua_pushcfunction(L, hs_msghandler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref);
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, top + 1) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (!msg || strcmp(msg, "not enough memory") != 0)
      fuzz_fail("%s: %s", FUZZ_LUA, msg ? msg : "(an error that is not a string)");
  }
  lua_sethook(L, NULL, 0, 0);
  lua_settop(L, top);
  if (++runs % 256 == 0) lua_gc(L, LUA_GCCOLLECT);
  return 0;
}
