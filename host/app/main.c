/* host/app/main.c -- csceval's entry point.  Finds the Lua library folder,
 * creates the state and hands argv to lua/csc/cli.lua, which parses the
 * command line and returns the exit code (see docs/cli.md for the codes). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "fs.h"
#include "state.h"

/* Exit code for an internal error: a bug in csceval, never the user's input. */
#define EXIT_INTERNAL 1

/* The folder holding csc/cli.lua: $CSCEVAL_LUA, else next to the binary
 * (a source tree: ./lua or ../lua), else ../share/csceval/lua (installed). */
static int find_lua_dir(char *out, size_t outlen) {
  const char *env = getenv("CSCEVAL_LUA");
  if (env && *env) {
    snprintf(out, outlen, "%s", env);
    return 0;
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -1;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return -1;
  *slash = '\0';
  static const char *const rel[] = {"/lua", "/../lua", "/../share/csceval/lua"};
  for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
    char probe[PATH_MAX + 64];
    snprintf(probe, sizeof probe, "%s%s/csc/cli.lua", exe, rel[i]);
    if (hs_fs_kind(probe) == 1) {
      char dir[PATH_MAX + 64];
      snprintf(dir, sizeof dir, "%s%s", exe, rel[i]);
      char *c = hs_fs_canonical(dir);
      if (!c) return -1;
      snprintf(out, outlen, "%s", c);
      free(c);
      return 0;
    }
  }
  return -1;
}

/* Runs under lua_pcall: require "csc.cli" and call main(argv) -> exit code. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "csc.cli");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, argc, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  lua_call(L, 1, 1);
  return 1;
}

int main(int argc, char **argv) {
  char lua_dir[PATH_MAX];
  if (find_lua_dir(lua_dir, sizeof lua_dir) != 0) {
    fprintf(stderr, "csceval: cannot find the csceval Lua library (lua/csc/cli.lua); "
                    "set CSCEVAL_LUA to the folder that holds csc/\n");
    return EXIT_INTERNAL;
  }
  struct hs_mem mem = {0, 0, 0};
  lua_State *L = hs_state_new(&mem, lua_dir);
  if (!L) {
    fprintf(stderr, "csceval: cannot create the Lua state (out of memory)\n");
    return EXIT_INTERNAL;
  }
  lua_pushcfunction(L, hs_msghandler);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 1);
  int code;
  if (status == LUA_OK) {
    code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
  } else {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "csceval: internal error: %s\n", msg ? msg : "(no message)");
    code = EXIT_INTERNAL;
  }
  fflush(stdout);
  hs_state_close(L);
  return code;
}
