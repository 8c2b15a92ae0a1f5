/* host/bind/lsys.c -- Lua module "host.sys": the few operating-system services the
 * csceval library in lua/ needs (atomic writes, folders, hashes, terminal).
 * Trusted code only: recipes never see this module; lua/csc/sandbox.lua
 * decides which paths a recipe may read or write before calling it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <gsl/gsl_version.h>
#include <lauxlib.h>
#include <lua.h>

#include "app/fs.h"
#include "app/state.h"
#include "app/sha256.h"
#include "lhelp.h"

static int fail_errno(lua_State *L, const char *what, const char *path) {
  int e = errno;
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s (%s)", path, what, strerror(e));
  lua_pushinteger(L, e);
  return 3;
}

/* Lua: sys.write_atomic(path, data) -> true | nil, msg */
static int sys_write_atomic(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  if (hs_fs_write_atomic(path, data, len) != 0) return fail_errno(L, "cannot write", path);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.mkdirs(path) -> true | nil, msg */
static int sys_mkdirs(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  if (hs_fs_mkdirs(path) != 0) return fail_errno(L, "cannot create folder", path);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.rmdir_flat(path) -> true | nil, msg */
static int sys_rmdir_flat(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  if (hs_fs_rmdir_flat(path) != 0) return fail_errno(L, "cannot remove folder", path);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.swap_dir(src, dst) -> true | nil, msg */
static int sys_swap_dir(lua_State *L) {
  const char *src = luaL_checkstring(L, 1);
  const char *dst = luaL_checkstring(L, 2);
  if (hs_fs_swap_dir(src, dst) != 0) return fail_errno(L, "cannot move output folder into place", dst);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.canonical(path) -> absolute path */
static int sys_canonical(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  void **c = lh_newmem(L);   /* frees the path if pushing it raises */
  *c = hs_fs_canonical(path);
  if (!*c) return fail_errno(L, "cannot resolve path", path);
  lua_pushstring(L, *c);
  lh_freemem(c);
  return 1;
}

/* Lua: sys.is_within(path, dir) -> bool (both canonicalised here) */
static int sys_is_within(lua_State *L) {
  const char *path = luaL_checkstring(L, 1), *dir = luaL_checkstring(L, 2);
  char *p = hs_fs_canonical(path);   /* nothing raises until both are freed */
  char *d = hs_fs_canonical(dir);
  int ok = p && d && hs_fs_is_within(p, d);
  free(p);
  free(d);
  lua_pushboolean(L, ok);
  return 1;
}

extern char **environ;

/* Lua: sys.spawn({program, arg, ...}) -> exit status of the child (128 + signal
 * when it was killed).  Used to run each recipe of a multi-recipe run in its
 * own process, so nothing one recipe does can reach the next. */
static int sys_spawn(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1);
  luaL_argcheck(L, n >= 1 && n < 4096, 1, "expected {program, args...}");
  char **argv = lua_newuserdatauv(L, ((size_t)n + 1) * sizeof *argv, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i);
    const char *a = lua_tostring(L, -1);
    luaL_argcheck(L, a != NULL, 1, "every argument must be a string");
    argv[i - 1] = (char *)a;   /* anchored: the strings stay in the table */
    lua_pop(L, 1);
  }
  argv[n] = NULL;
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
  if (rc != 0) return luaL_error(L, "cannot start %s: %s", argv[0], strerror(rc));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return luaL_error(L, "waiting for %s: %s", argv[0], strerror(errno));
  lua_pushinteger(L, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 1;
}

/* Lua: sys.exe() -> the running csceval binary's path */
static int sys_exe(lua_State *L) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return luaL_error(L, "cannot find the csceval binary: %s", strerror(errno));
  lua_pushlstring(L, buf, (size_t)n);
  return 1;
}

/* The hard time limit: a recipe stuck inside C (a pattern match, a huge
 * join) never returns to the Lua hook that enforces --timeout, so the
 * process ends itself.  The message is a constant: a signal handler may
 * only call async-signal-safe functions. */
static void alarm_handler(int sig) {
  (void)sig;
  static const char msg[] = "csceval: the run was stopped: a step went on past the time limit "
                            "(--timeout and a grace period) without returning\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(4);
}

/* Lua: sys.set_alarm(seconds): end the process after that many seconds (0 = off) */
static int sys_set_alarm(lua_State *L) {
  lua_Integer s = luaL_checkinteger(L, 1);
  luaL_argcheck(L, s >= 0, 1, "seconds must be 0 or more");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = alarm_handler;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, NULL) != 0) return luaL_error(L, "cannot set the time limit: %s", strerror(errno));
  alarm((unsigned)(s > 1000000 ? 1000000 : s));
  return 0;
}

/* Lua: sys.is_link(path) -> true when path itself is a symbolic link */
static int sys_is_link(lua_State *L) {
  lua_pushboolean(L, hs_fs_is_link(luaL_checkstring(L, 1)));
  return 1;
}

/* Lua: sys.kind(path) -> "file" | "dir" | nil */
static int sys_kind(lua_State *L) {
  int k = hs_fs_kind(luaL_checkstring(L, 1));
  if (k == 1) lua_pushliteral(L, "file");
  else if (k == 2) lua_pushliteral(L, "dir");
  else lua_pushnil(L);
  return 1;
}

/* Lua: sys.read(path) -> string | nil, msg */
static int sys_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  void **buf = lh_newmem(L);   /* frees the contents if pushing them raises */
  *buf = hs_fs_read_all(path, &len);
  if (!*buf) return fail_errno(L, "cannot read", path);
  lua_pushlstring(L, *buf, len);
  lh_freemem(buf);
  return 1;
}

/* Lua: sys.sha256_file(path) -> hex | nil, msg */
static int sys_sha256_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char hex[65];
  if (sha256_file(path, hex) != 0) return fail_errno(L, "cannot read", path);
  lua_pushstring(L, hex);
  return 1;
}

/* Lua: sys.sha256(string) -> hex */
static int sys_sha256(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  char hex[65];
  sha256_hex(s, len, hex);
  lua_pushstring(L, hex);
  return 1;
}

/* Lua: sys.isatty(fd) -> bool */
static int sys_isatty(lua_State *L) {
  lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
  return 1;
}

/* Lua: sys.clock() -> seconds from a monotonic clock (for progress and benches) */
static int sys_clock(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}

/* Lua: sys.stderr(text): diagnostics go to stderr, results to stdout */
static int sys_stderr(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  fwrite(s, 1, len, stderr);
  fflush(stderr);
  return 0;
}

/* Lua: sys.stdout(text) */
static int sys_stdout(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  fwrite(s, 1, len, stdout);
  fflush(stdout);
  return 0;
}

/* Lua: sys.versions() -> {csceval=, lua=, gsl=} */
static int sys_versions(lua_State *L) {
  lua_createtable(L, 0, 3);
  lua_pushstring(L, CSC_VERSION);
  lua_setfield(L, -2, "csceval");
  lua_pushstring(L, LUA_RELEASE);
  lua_setfield(L, -2, "lua");
  lua_pushstring(L, GSL_VERSION);
  lua_setfield(L, -2, "gsl");
  return 1;
}

/* Lua: sys.set_memory_limit(bytes): cap Lua's own memory (0 = no cap) */
static int sys_set_memory_limit(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 0, 1, "memory limit must be 0 or more bytes");
  void *ud;
  lua_getallocf(L, &ud);
  struct hs_mem *m = ud;
  m->limit = (size_t)n;
  return 0;
}

/* Lua: sys.memory() -> used, peak (bytes of Lua memory) */
static int sys_memory(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  const struct hs_mem *m = ud;
  lua_pushinteger(L, (lua_Integer)m->used);
  lua_pushinteger(L, (lua_Integer)m->peak);
  return 2;
}

/* Lua: sys.listdir(path) -> {name, ...} (unsorted; nil, msg if unreadable) */
static int sys_listdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *d = opendir(path);
  if (!d) return fail_errno(L, "cannot list folder", path);
  lua_newtable(L);
  lua_Integer k = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    lua_pushstring(L, e->d_name);   /* may raise on OOM: d leaks then, acceptable */
    lua_rawseti(L, -2, ++k);
  }
  closedir(d);
  return 1;
}

static const luaL_Reg sys_funcs[] = {
  {"listdir", sys_listdir},
  {"set_memory_limit", sys_set_memory_limit}, {"memory", sys_memory},
  {"write_atomic", sys_write_atomic}, {"mkdirs", sys_mkdirs}, {"rmdir_flat", sys_rmdir_flat},
  {"swap_dir", sys_swap_dir}, {"canonical", sys_canonical}, {"is_within", sys_is_within},
  {"kind", sys_kind}, {"is_link", sys_is_link}, {"spawn", sys_spawn}, {"exe", sys_exe},
  {"set_alarm", sys_set_alarm}, {"read", sys_read}, {"sha256_file", sys_sha256_file},
  {"sha256", sys_sha256}, {"isatty", sys_isatty}, {"clock", sys_clock},
  {"stderr", sys_stderr}, {"stdout", sys_stdout}, {"versions", sys_versions},
  {NULL, NULL}};

int luaopen_host_sys(lua_State *L) {
  luaL_newlib(L, sys_funcs);
  return 1;
}
