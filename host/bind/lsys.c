/* host/bind/lsys.c -- Lua module "host.sys": the few operating-system services the
 * csceval library in lua/ needs (atomic writes, folders, hashes, terminal).
 * Trusted code only: recipes never see this module; lua/csc/sandbox.lua
 * decides which paths a recipe may read or write before calling it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <gsl/gsl_version.h>
#include <lauxlib.h>
#include <lua.h>

#include "app/fs.h"
#include "app/state.h"
#include "app/sha256.h"
#include "app/ticker.h"
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

/* op on the path at argument 1 (0 ok, else errno set): true, or nil,
 * "PATH: what (reason)", errno. */
static int path_op(lua_State *L, int (*op)(const char *), const char *what) {
  const char *path = luaL_checkstring(L, 1);
  if (op(path) != 0) return fail_errno(L, what, path);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.mkdirs(path) -> true | nil, msg */
static int sys_mkdirs(lua_State *L) { return path_op(L, hs_fs_mkdirs, "cannot create folder"); }

/* Lua: sys.rmdir_flat(path) -> true | nil, msg */
static int sys_rmdir_flat(lua_State *L) { return path_op(L, hs_fs_rmdir_flat, "cannot remove folder"); }

/* Lua: sys.swap_dir(src, dst, aside) -> true [, "kept"] | nil, msg
 * ("kept": the new folder is in place, the old one could not be removed) */
static int sys_swap_dir(lua_State *L) {
  const char *src = luaL_checkstring(L, 1);
  const char *dst = luaL_checkstring(L, 2);
  const char *aside = luaL_checkstring(L, 3);
  int rc = hs_fs_swap_dir(src, dst, aside);
  if (rc < 0) return fail_errno(L, "cannot move output folder into place", dst);
  lua_pushboolean(L, 1);
  if (rc == 0) return 1;
  lua_pushliteral(L, "kept");
  return 2;
}

/* Lua: sys.lock_dir(path, runfile, info) -> true | nil, msg, holder
 * An exclusive lock on a folder, held until the process ends (however it
 * ends), with info written to path/runfile; holder names the process that
 * has it, when another one does. */
static int sys_lock_dir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *runfile = luaL_checkstring(L, 2);
  const char *info = luaL_checkstring(L, 3);
  char holder[512];
  int fd = hs_fs_lock_dir(path, runfile, info, holder, sizeof holder);
  if (fd < 0) {
    int e = errno;
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: cannot lock (%s)", path, strerror(e));
    if (e == EBUSY) lua_pushstring(L, holder); else lua_pushnil(L);
    return 3;
  }
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

/* Lua: sys.write_plain(path, data) -> true | nil, msg
 * Created (or emptied) and written in place, not through a temporary file:
 * for a marker, whose existence is what counts, and for files a kill may
 * leave half-written without harm. */
static int sys_write_plain(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  FILE *fp = fopen(path, "wb");
  if (!fp) return fail_errno(L, "cannot write", path);
  size_t w = fwrite(data, 1, len, fp);
  if (fclose(fp) != 0 || w != len) return fail_errno(L, "cannot write", path);
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: sys.pid() -> this process's id */
static int sys_pid(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)getpid());
  return 1;
}

/* Lua: sys.remove(path) -> true | nil, msg (one file) */
static int sys_remove(lua_State *L) { return path_op(L, unlink, "cannot remove"); }

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
 * process ends itself.  The handler names the recipe line that called the
 * stuck step by walking the Lua stack (lua_getstack and lua_getinfo with
 * "Sl" only read it); should the stack be mid-change, a fault while reading
 * it still ends the process with the message, without the line.  Only
 * async-signal-safe calls otherwise (write, _exit).  The state and recipe
 * are process-wide by nature: a signal handler has no other way in. */
static lua_State *alarm_state;
static char alarm_source[1024];       /* "@recipes/x.lua": the recipe's chunk name */

static const char alarm_msg[] = "the run was stopped: a step went on past the time limit "
                                "(--timeout and a grace period) without returning; raise it "
                                "with --timeout SECONDS, or make the step smaller\n";

static void put(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(2, s, n);
    if (w <= 0) return;
    s += w; n -= (size_t)w;
  }
}

static void alarm_fault(int sig) {
  (void)sig;
  put("csceval: ", 9);
  put(alarm_msg, sizeof alarm_msg - 1);
  _exit(4);
}

static void alarm_handler(int sig) {
  (void)sig;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = alarm_fault;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  put("csceval: ", 9);
  lua_Debug ar;
  for (int level = 0; alarm_state && alarm_source[0] && level < 200 &&
                      lua_getstack(alarm_state, level, &ar); level++) {
    if (!lua_getinfo(alarm_state, "Sl", &ar)) break;
    if (ar.currentline > 0 && ar.source && strcmp(ar.source, alarm_source) == 0) {
      char num[24];
      size_t k = sizeof num;
      unsigned long v = (unsigned long)ar.currentline;
      do { num[--k] = (char)('0' + v % 10); v /= 10; } while (v && k > 0);
      const char *src = alarm_source + 1;
      size_t n = strlen(src);
      if (n > 200) { src += n - 200; n = 200; put("...", 3); }
      put(src, n);
      put(":", 1);
      put(num + k, sizeof num - k);
      put(": ", 2);
      break;
    }
  }
  put(alarm_msg, sizeof alarm_msg - 1);
  _exit(4);
}

/* Lua: sys.set_alarm(seconds [, recipe_path]): end the process after that
 * many seconds (0 = off), naming the line of recipe_path that was running */
static int sys_set_alarm(lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  luaL_argcheck(L, s >= 0, 1, "seconds must be 0 or more");   /* NaN fails too */
  const char *rp = luaL_optstring(L, 2, NULL);
  alarm_state = L;
  if (rp) snprintf(alarm_source, sizeof alarm_source, "@%s", rp);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = alarm_handler;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, NULL) != 0) return luaL_error(L, "cannot set the time limit: %s", strerror(errno));
  /* alarm(2) counts whole seconds; a limit beyond ~11 days is no limit in practice */
  alarm(s > 1000000 ? 1000000u : (unsigned)ceil(s));
  return 0;
}

/* Lua: sys.is_link(path) -> true when path itself is a symbolic link */
static int sys_is_link(lua_State *L) {
  lua_pushboolean(L, hs_fs_is_link(luaL_checkstring(L, 1)));
  return 1;
}

/* Lua: sys.kind(path) -> "file" | "dir" | "fifo" | "device" | "other" | nil (absent) */
static int sys_kind(lua_State *L) {
  static const char *const names[] = {NULL, "file", "dir", "fifo", "device", "other"};
  int k = hs_fs_kind(luaL_checkstring(L, 1));
  if (k > 0 && k < 6) lua_pushstring(L, names[k]);
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

/* Write the text argument to fp and flush it. */
static int write_flush(lua_State *L, FILE *fp) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  fwrite(s, 1, len, fp);
  fflush(fp);
  return 0;
}

/* Lua: sys.stderr(text): diagnostics go to stderr, results to stdout */
static int sys_stderr(lua_State *L) { return write_flush(L, stderr); }

/* Lua: sys.stdout(text) */
static int sys_stdout(lua_State *L) { return write_flush(L, stdout); }

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

/* Lua: sys.set_memory_limit(bytes): cap Lua's own memory (0 = no cap; a
 * cap beyond what the machine could address is no cap) */
static int sys_set_memory_limit(lua_State *L) {
  lua_Number n = luaL_checknumber(L, 1);
  luaL_argcheck(L, n >= 0, 1, "memory limit must be 0 or more bytes");   /* NaN fails too */
  void *ud;
  lua_getallocf(L, &ud);
  struct hs_mem *m = ud;
  m->limit = n >= 0x1p62 ? 0 : (size_t)n;
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

/* Lua: sys.getenv(name) -> string | nil */
static int sys_getenv(lua_State *L) {
  const char *v = getenv(luaL_checkstring(L, 1));
  if (v) lua_pushstring(L, v); else lua_pushnil(L);
  return 1;
}

/* Lua: sys.peak_rss() -> bytes: the peak resident memory of this process so
 * far (getrusage ru_maxrss, which Linux gives in kilobytes) */
static int sys_peak_rss(lua_State *L) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return fail_errno(L, "getrusage failed", "peak_rss");
  lua_pushinteger(L, (lua_Integer)ru.ru_maxrss * 1024);
  return 1;
}

/* Lua: sys.ticker(label, k, n, delay) opens step k of n on the terminal's
 * progress line (drawn by a thread once the step has lasted delay seconds:
 * host/app/ticker.h); sys.ticker() closes it.  The caller checks isatty. */
static int sys_ticker(lua_State *L) {
  if (lua_isnoneornil(L, 1)) { hs_ticker_stop(); return 0; }
  const char *label = luaL_checkstring(L, 1);
  int k = (int)luaL_checkinteger(L, 2), n = (int)luaL_checkinteger(L, 3);
  double delay = luaL_optnumber(L, 4, 2.0);
  lua_pushboolean(L, hs_ticker_step(label, k, n, delay) == 0);
  return 1;
}

static const luaL_Reg sys_funcs[] = {
  {"listdir", sys_listdir},
  {"set_memory_limit", sys_set_memory_limit}, {"memory", sys_memory},
  {"write_atomic", sys_write_atomic}, {"mkdirs", sys_mkdirs}, {"rmdir_flat", sys_rmdir_flat},
  {"swap_dir", sys_swap_dir}, {"lock_dir", sys_lock_dir}, {"pid", sys_pid}, {"write_plain", sys_write_plain}, {"remove", sys_remove}, {"canonical", sys_canonical}, {"is_within", sys_is_within},
  {"kind", sys_kind}, {"is_link", sys_is_link}, {"spawn", sys_spawn}, {"exe", sys_exe},
  {"set_alarm", sys_set_alarm}, {"read", sys_read}, {"sha256_file", sys_sha256_file},
  {"sha256", sys_sha256}, {"isatty", sys_isatty}, {"clock", sys_clock},
  {"stderr", sys_stderr}, {"stdout", sys_stdout}, {"versions", sys_versions},
  {"getenv", sys_getenv}, {"peak_rss", sys_peak_rss}, {"ticker", sys_ticker},
  {NULL, NULL}};

int luaopen_host_sys(lua_State *L) {
  luaL_newlib(L, sys_funcs);
  return 1;
}
