/* tests/c/test_lbind.c -- the Lua bindings seen from C: a real csceval
 * state (host/app/state.c), the host.* modules preloaded, values crossing the
 * boundary, errors raised with messages instead of crashes, the memory
 * cap, and no leaks when a binding raises halfway (ASan checks that). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lua.h>

#include "app/state.h"

struct fixture {
  struct hs_mem mem;
  lua_State *L;
  char dir[64];
};

static int setup(void **state) {
  struct fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  fx->L = hs_state_new(&fx->mem, "lua");   /* tests run from the project root */
  if (!fx->L) { free(fx); return -1; }
  snprintf(fx->dir, sizeof fx->dir, "/tmp/csceval-lbind-XXXXXX");
  if (!mkdtemp(fx->dir)) { hs_state_close(fx->L); free(fx); return -1; }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fixture *fx = *state;
  char cmd[128];
  hs_state_close(fx->L);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", fx->dir);
  free(fx);
  return 0;
}

/* Run chunk with DIR set to the fixture's scratch folder; returns the
 * lua_pcall status and leaves the result or error message on the stack. */
static int run(struct fixture *fx, const char *chunk) {
  lua_settop(fx->L, 0);
  lua_pushstring(fx->L, fx->dir);
  lua_setglobal(fx->L, "DIR");
  if (luaL_loadstring(fx->L, chunk) != LUA_OK) return -1;
  return lua_pcall(fx->L, 0, 1, 0);
}

static const char *result(struct fixture *fx) {
  const char *s = lua_tostring(fx->L, -1);
  return s ? s : "(not a string)";
}

static void test_modules_are_preloaded(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(run(fx, "return type(require('host.frame').read_csv) .. type(require('host.sys').sha256) "
                           ".. type(require('host.model').ols) .. type(require('host.stats'))"), LUA_OK);
  assert_string_equal(result(fx), "functionfunctionfunctiontable");
}

static void test_read_csv_values_and_missing_reasons(void **state) {
  struct fixture *fx = *state;
  int st = run(fx,
    "local sys, frame = require('host.sys'), require('host.frame')\n"
    "assert(sys.write_atomic(DIR .. '/d.csv', 'la,n,when\\nA,5,2018-04-01\\nB,c,01/05/2018\\nA,,2018-06-01\\n'))\n"
    "local f = assert(frame.read_csv(DIR .. '/d.csv'))\n"
    "local n = f:column('n')\n"
    "return table.concat({ f:nrow(), f:type('la'), f:type('n'), f:type('when'), tostring(n[1]),\n"
    "  tostring(n[2] == frame.NA), f:na_reason(2, 'n'), f:na_reason(3, 'n') == '' and 'blank' or '?' }, ' ')");
  assert_int_equal(st, LUA_OK);
  assert_string_equal(result(fx), "3 text int64 date 5 true c blank");
}

static void test_malformed_csv_returns_position(void **state) {
  struct fixture *fx = *state;
  int st = run(fx,
    "local sys, frame = require('host.sys'), require('host.frame')\n"
    "assert(sys.write_atomic(DIR .. '/bad.csv', 'a,b\\n1,2\\n3,4,5\\n'))\n"
    "local f, msg, line, col, name = frame.read_csv(DIR .. '/bad.csv')\n"
    "return tostring(f) .. '|' .. line .. '|' .. msg");
  assert_int_equal(st, LUA_OK);
  assert_non_null(strstr(result(fx), "nil|3|"));
  assert_non_null(strstr(result(fx), "expected 2 fields"));
}

static void test_filter_mutate_and_errors(void **state) {
  struct fixture *fx = *state;
  int st = run(fx,
    "local frame = require('host.frame')\n"
    "local f = frame.new{ names = {'age', 'sex'}, columns = {{4, 12, 15, 17}, {'F', 'M', 'F', 'F'}} }\n"
    "local g = f:filter('age >= 10 and sex == \"F\"')\n"
    "local h = g:mutate('older', 'age + 1')\n"
    "return table.concat(h:column('older'), ',')");
  assert_int_equal(st, LUA_OK);
  assert_string_equal(result(fx), "16,18");
  /* a bad expression raises a message naming the column and a suggestion */
  st = run(fx, "local frame = require('host.frame')\n"
               "local f = frame.new{ names = {'age'}, columns = {{1, 2}} }\n"
               "return f:filter('agee > 1')");
  assert_int_equal(st, LUA_ERRRUN);
  assert_non_null(strstr(result(fx), "agee"));
  assert_non_null(strstr(result(fx), "did you mean \"age\""));
}

static void test_wrong_arguments_raise_not_crash(void **state) {
  struct fixture *fx = *state;
  const char *cases[] = {
    "return require('host.frame').read_csv(nil)",
    "return require('host.frame').new{ names = {'a'}, columns = {{1}, {2}} }",
    "local f = require('host.frame').new{ names = {'a'}, columns = {{1, 2}} }; return f:value(3, 'a')",
    "local f = require('host.frame').new{ names = {'a'}, columns = {{1, 2}} }; return f:column('b')",
    "return require('host.model').ols{ y = 'y' }",
    "return require('host.sys').write_atomic(nil, 'x')",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int st = run(fx, cases[i]);
    assert_int_equal(st, LUA_ERRRUN);
    assert_true(strlen(result(fx)) > 0);
  }
}

static void test_memory_cap_is_an_error_not_a_crash(void **state) {
  struct fixture *fx = *state;
  fx->mem.limit = fx->mem.used + ((size_t)8 << 20);   /* 8 MB more than now */
  int st = run(fx, "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(64) .. i end return #t");
  assert_int_equal(st, LUA_ERRMEM);
  fx->mem.limit = 0;
  lua_settop(fx->L, 0);
  lua_gc(fx->L, LUA_GCCOLLECT);
  assert_int_equal(run(fx, "return 1 + 1"), LUA_OK);     /* the state is still usable */
}

/* A binding that holds C memory when Lua runs out raises "not enough memory"
 * and frees it: sys.read's buffer (4 MB, read with malloc, outside the cap)
 * cannot be pushed as a string under a 1 MB cap.  Under make test-asan,
 * LeakSanitizer fails the run if the buffer is lost. */
static void test_raise_under_memory_cap_frees_c_memory(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(run(fx, "local sys = require('host.sys')\n"
                           "assert(sys.write_atomic(DIR .. '/big.txt', ('x'):rep(4 << 20)))\n"
                           "return 1"), LUA_OK);
  lua_settop(fx->L, 0);
  lua_gc(fx->L, LUA_GCCOLLECT);
  fx->mem.limit = fx->mem.used + ((size_t)1 << 20);
  int st = run(fx, "return require('host.sys').read(DIR .. '/big.txt')");
  assert_int_equal(st, LUA_ERRMEM);
  fx->mem.limit = 0;
  lua_settop(fx->L, 0);
  lua_gc(fx->L, LUA_GCCOLLECT);
  assert_int_equal(run(fx, "return #require('host.sys').read(DIR .. '/big.txt')"), LUA_OK);
  assert_int_equal(lua_tointeger(fx->L, -1), 4 << 20);
}

static void test_sha256_of_known_text(void **state) {
  struct fixture *fx = *state;
  assert_int_equal(run(fx, "return require('host.sys').sha256('abc')"), LUA_OK);
  assert_string_equal(result(fx), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_modules_are_preloaded, setup, teardown),
    cmocka_unit_test_setup_teardown(test_read_csv_values_and_missing_reasons, setup, teardown),
    cmocka_unit_test_setup_teardown(test_malformed_csv_returns_position, setup, teardown),
    cmocka_unit_test_setup_teardown(test_filter_mutate_and_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_wrong_arguments_raise_not_crash, setup, teardown),
    cmocka_unit_test_setup_teardown(test_memory_cap_is_an_error_not_a_crash, setup, teardown),
    cmocka_unit_test_setup_teardown(test_raise_under_memory_cap_frees_c_memory, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sha256_of_known_text, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
