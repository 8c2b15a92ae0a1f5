/* host/bind/lhelp.h -- the helpers every binding file shares: result-table
 * setters, GC-owned scratch space, userdata boxes that free what they own
 * when collected, and checkers for numeric vectors and option tables
 * (lhelp.c).  Binding files only; pure-C files never include Lua headers.
 *
 * Memory rule: luaL_error and every luaL_check* longjmp, so C memory that
 * is live across a call that may raise is owned by a box (lh_newbox,
 * lh_newmem) pushed before the memory is acquired; __gc frees it whether
 * the binding returns or raises. */
#ifndef CSC_LHELP_H
#define CSC_LHELP_H

#include <stdarg.h>
#include <string.h>
#include <stddef.h>

#include <lua.h>

#include "data/frame.h"
#include "data/mem.h"

/* t[k] = v on the table at the top of the stack.  [-0, +0, m] */
static inline void lh_setnum(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static inline void lh_setint(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static inline void lh_setbool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* The fields every estimate with inference carries: estimate, se,
 * statistic, df, p_value, conf_low, conf_high.  [-0, +0, m] */
void lh_set_estimate(lua_State *L, double estimate, double se, double statistic, double df,
                     double p_value, double conf_low, double conf_high);
/* An F test's fields: F, df1, df2, p_F.  [-0, +0, m] */
void lh_set_ftest(lua_State *L, double F, double df1, double df2, double p_F);
/* The row counts of an analysis on n rows of which used were complete: n,
 * n_used, n_dropped.  [-0, +0, m] */
void lh_set_rows(lua_State *L, size_t n, size_t used);

/* Column j of cols (numbers) over rows (NULL: rows 0..m-1) into
 * out[j*m .. j*m + m-1], as frame_col_gatherd, the columns on threads (each
 * column's copy is the same whichever thread makes it).  [-0, +0, m] */
void lh_gather_cols(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                    const size_t *rows, size_t m, double *out);

/* GC-owned scratch memory: a raised error cannot leak it.  [-0, +1, m] */
static inline void *lh_scratch(lua_State *L, size_t bytes) {
  void *p = lua_newuserdatauv(L, bytes > 0 ? bytes : 1, 0);
  mem_advise_large(p, bytes);
  return p;
}

/* A zeroed full userdata of size bytes whose metatable tname (made on
 * first use) has __gc = gc, which must cope with a zeroed box.  [-0, +1, m] */
void *lh_newbox(lua_State *L, size_t size, const char *tname, lua_CFunction gc);
/* A box holding one malloc'ed pointer (NULL at first), freed by __gc;
 * lh_freemem frees it early (then NULL).  [-0, +1, m] */
void **lh_newmem(lua_State *L);
void lh_freemem(void **box);

/* Lua array of numbers at arg -> GC-owned double[] (scratch pushed); raises
 * naming the first element that is not a number.  NaN is allowed: the
 * numerics reject it where it is not meaningful.  lh_optvector: nil gives
 * NULL, n = 0 and pushes nothing.  [-0, +1, v] */
double *lh_checkvector(lua_State *L, int arg, size_t *n);
double *lh_optvector(lua_State *L, int arg, size_t *n);
/* How many entries (of any key) the table at t has.  [-0, +0, -] */
size_t lh_nkeys(lua_State *L, int t);
/* v[0..n-1] as a Lua array.  [-0, +1, m] */
void lh_pushvector(lua_State *L, const double *v, size_t n);

/* The complete rows of a frame of nrow rows over the used columns
 * cols[0..ncols-1] (NULL entries skipped), by frame_complete_rows's one
 * missing-value rule (data/frame.h): positions in scratch, count in *m.
 * [-0, +1, m] */
size_t *lh_complete_rows(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                         size_t nrow, size_t *m);
/* The same, but when every row is complete the positions are not made
 * (NULL pushed instead of a scratch block: rows 0..nrow-1 are kept, and an
 * n-row index array is saved).  [-0, +1, m] */
size_t *lh_complete_rows_or_all(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                                size_t nrow, size_t *m);
/* Columns cols[0..ncols-1] (numbers) over rows (NULL: rows 0..m-1) as
 * pointers out[j] to m doubles: a float64 column with nothing missing, all
 * of whose rows are used, is its own storage (read only, alive while the
 * frame is); so is an int64 one when iout is given (iout[j] set, out[j]
 * NULL; iout[j] NULL otherwise); the others are gathered as lh_gather_cols
 * into one scratch block, pushed (always, so that the stack effect is
 * fixed).  [-0, +1, m] */
void lh_column_views(lua_State *L, const struct frame_col *const *cols, size_t ncols,
                     const size_t *rows, size_t m, const double **out, const int64_t **iout);

/* Options from the table at index t (none or nil: every option takes its
 * default).  lh_optstring raises "option 'key' must be <what>" for a
 * non-string; the string stays alive with the table.  lh_optint raises
 * unless a whole number in [lo, hi].  lh_optnames reads an array of column
 * names (nil: none), pushing it as scratch.  [-0, +0|+1, e] */
const char *lh_optstring(lua_State *L, int t, const char *key, const char *dflt,
                         const char *what);
double lh_optnumber(lua_State *L, int t, const char *key, double dflt);
int lh_optbool(lua_State *L, int t, const char *key, int dflt);
lua_Integer lh_optint(lua_State *L, int t, const char *fn, const char *key, lua_Integer dflt,
                      lua_Integer lo, lua_Integer hi);
size_t lh_optnames(lua_State *L, int t, const char *key, const char ***out);

/* Every key of the options table at t must be one of allowed (NULL-ended),
 * apart from the list entries 1..npos (npos = 0: named fields only).  An
 * unknown field is a recipe error "fn: unknown field 'k' (did you mean
 * \"x\"?) (fields: a, b)", as csc.check words it for the Lua functions; a
 * non-table t (nil: no options) is left to the caller.  [-0, +0, v] */
void lh_checkopts(lua_State *L, int t, const char *fn, const char *const *allowed, size_t npos);
/* The closest of allowed (NULL-ended) to s within two edits, or NULL. */
const char *lh_suggest(const char *s, const char *const *allowed);

/* Raise an error with a kind the Lua side reads (csc.errors.untag): one of
 * "recipe", "data", "analysis", "output", "internal", optionally followed by
 * ":reason" (a word a caller may test, e.g. "analysis:negative_variance").
 * The message starts with the tag "\x1f<kind>\x1f"; csc.errors strips it
 * and takes the exit code from the kind, never from the message's words.
 * Untagged errors (luaL_error) count as "analysis".  Free C memory first.
 * [-0, +0, v] */
static inline void lh_push_tagged(lua_State *L, const char *kind, const char *column, const char *fmt, va_list ap);
static inline int lh_error(lua_State *L, const char *kind, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lh_push_tagged(L, kind, NULL, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

/* The same, naming in the tag the column the error is about:
 * "\x1f<kind:reason>:<column>\x1f" (kind must then carry a reason, e.g.
 * "analysis:collinear"); csc.errors gives it as the error's `column`, so
 * Lua code acts on the column without reading the message.  A name that
 * holds the tag byte is left out of the tag.  Free C memory first.
 * [-0, +0, v] */
static inline int lh_error_col(lua_State *L, const char *kind, const char *column, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lh_push_tagged(L, kind, column, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

/* Push the tagged message of lh_error_col (column NULL: lh_error's). */
static inline void lh_push_tagged(lua_State *L, const char *kind, const char *column, const char *fmt, va_list ap) {
  if (column != NULL && strchr(column, '\x1f') == NULL)
    lua_pushfstring(L, "\x1f%s:%s\x1f", kind, column);
  else
    lua_pushfstring(L, "\x1f%s\x1f", kind);
  lua_pushvfstring(L, fmt, ap);
  lua_concat(L, 2);
}

/* Raise "<what>: not enough memory" ("not enough memory" when what is NULL).
 * One rule for every layer, as docs/cli.md's exit-code table gives it to
 * users: running out of memory is an analysis error (exit 4), with the
 * reason "memory"; Lua's own out-of-memory under --memory is exit 4 too
 * (csc.cli adds the hint to raise the cap).  Free C memory first.
 * [-0, +0, v] */
static inline int lh_nomem(lua_State *L, const char *what) {
  if (what) return lh_error(L, "analysis:memory", "%s: not enough memory", what);
  return lh_error(L, "analysis:memory", "not enough memory");
}

#endif
