/* host/bind/lmatch_int.h -- shared between the host.match binding files
 * (lmatch.c: module table and nearest(); lmatch_weight.c: ipw, balance,
 * effect; lmatch_cohort.c: first_event, window_counts; lmatch_util.c: the
 * helpers below).  Not for other modules. */
#ifndef CSC_LMATCH_INT_H
#define CSC_LMATCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "data/frame.h"

/* Options and names: lh_opt* in lhelp.h. */

/* The frame row of kept position j: keep[j], or j itself when keep is NULL
 * (every row is complete; the helpers below accept a NULL keep). */
#define LM_ROW(keep, j) ((keep) ? (keep)[j] : (j))

/* The frame (argument 1) and the spec table (argument 2) every matching
 * and weighting function takes; returns spec.treat, the treatment column's
 * name, raising when it is missing.  [-0, +0, v] */
const char *lm_spec(lua_State *L, const char *fn, const struct frame **f);

/* Column by name or raise "<fn>: no <role> column "x" (did you mean "y"?)". */
const struct frame_col *lm_col(lua_State *L, const struct frame *f, const char *fn,
                               const char *role, const char *name);
/* As lm_col, and raise when the column is text. */
const struct frame_col *lm_numcol(lua_State *L, const struct frame *f, const char *fn,
                                  const char *role, const char *name);
/* Missing: marked with a reason, or NaN. */

/* Treatment indicator over rows keep[0..m-1]: 0/1 numbers or booleans, else
 * raise naming the row.  Scratch.  [-0, +1, e] */
unsigned char *lm_treat(lua_State *L, const struct frame_col *c, const size_t *keep, size_t m,
                        const char *fn);

/* Column values over rows keep[] as doubles.  Scratch.  [-0, +1, m] */
double *lm_values(lua_State *L, const struct frame_col *c, const size_t *keep, size_t m);
/* x[j] = value of c in row keep[j], or `missing` where that value is
 * missing (frame_col_missing). */
void lm_fill_or(const struct frame_col *c, const size_t *keep, size_t m, double missing,
                double *x);

/* Exact strata: codes 0..G-1 numbering the distinct combinations of the
 * columns over rows keep[], in increasing order (numbers numerically, text
 * by bytes).  Scratch.  [-0, +1, e] */
int32_t *lm_strata(lua_State *L, const struct frame_col *const *cols, size_t nc,
                   const size_t *keep, size_t m);

/* Propensity score by glm() (binomial; logit or probit link) on [1, cols]
 * over rows keep[] with outcome treat: fitted probabilities, or the linear
 * predictor when linear.  Raises with domain words on separation,
 * non-convergence or collinearity.  The scores belong to the userdata
 * pushed (the fit's box, freed with it).  [-0, +1, e]
 * The number of IRLS iterations goes to *iter (may be NULL). */
double *lm_pscore(lua_State *L, const char *fn, const struct frame_col *const *cols,
                  const char *const *names, size_t nc, const size_t *keep, size_t m,
                  const unsigned char *treat, int probit, int linear, int *iter);

/* A copy of f sharing its columns, plus new float64/int64 columns built
 * from values over keep[] (other rows missing, NA_CALC).  names must not
 * exist in f (raises naming the option that sets them).  [-0, +1, m] */
struct lm_newcol {
  const char *name;
  const char *option;     /* for the error message */
  const double *f64;      /* m values, or NULL */
  const int64_t *i64;     /* m values (with i64_na[j] set: missing), or NULL */
  const unsigned char *i64_na;
  double f64_fill;        /* value for rows not kept (NaN: missing) */
  const uint32_t *u32;    /* or m values for an int64 column, 0 missing */
};
void lm_push_frame_with(lua_State *L, const struct frame *f, const size_t *keep, size_t m,
                        const struct lm_newcol *cols, size_t ncols, const char *fn);


/* Registration of the other binding files' functions into the module table
 * at the top of the stack. */
void lmatch_weight_register(lua_State *L);
void lmatch_cohort_register(lua_State *L);

#endif
