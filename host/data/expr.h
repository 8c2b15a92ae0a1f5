/* host/data/expr.h -- filter and derived-column expressions over a frame.
 * The language (Lua-like: `age >= 10 and sex == "F"`) is documented in
 * docs/expressions.md.  Pure C, no Lua, no global state.  Evaluation never
 * modifies the compiled expression: its scratch space is per call.
 * Implementation: expr_parse.c (lexer, parser), expr_check.c (types, nodes),
 * expr_eval.c (block-wise evaluation), sharing the private expr_int.h. */
#ifndef CSC_EXPR_H
#define CSC_EXPR_H

#include <stddef.h>

#include "frame.h"

struct expr;

/* Compile src against the columns of f (names and types are resolved now).
 * NULL on error with a message in err ("at column N: ..."). */
struct expr *expr_compile(const char *src, const struct frame *f, char *err, size_t errlen);
void expr_free(struct expr *e);
/* Evaluate column-wise over all rows of f; returns a new column named name
 * (caller frees with frame_col_free).  NULL + err on error.  f must be the
 * frame the expression was compiled against (or one with the same columns
 * at the same positions, sharing the same text dictionaries). */
struct frame_col *expr_eval(const struct expr *e, const struct frame *f, const char *name,
                            char *err, size_t errlen);
/* Row indices (ascending, malloc'd) where the boolean expression is true;
 * missing counts as false.  *m = count.  NULL + err on error (an empty result
 * is a non-NULL pointer with *m = 0). */
size_t *expr_filter(const struct expr *e, const struct frame *f, size_t *m, char *err,
                    size_t errlen);
/* The same rows as a selection (framesel.h), the chunks evaluated on all
 * cores: s is initialised here and the caller frees it with frame_sel_free.
 * 0 ok; -1 + err on error (s then holds nothing). */
struct frame_sel;
int expr_select(const struct expr *e, const struct frame *f, struct frame_sel *s, char *err,
                size_t errlen);

#endif
