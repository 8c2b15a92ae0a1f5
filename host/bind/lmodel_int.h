/* host/bind/lmodel_int.h -- shared between the host.model binding files
 * (lmodel.c: regression, GLMs, inference; lmodel_ts.c: time series).
 * Not for other modules. */
#ifndef CSC_LMODEL_INT_H
#define CSC_LMODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "data/frame.h"
#include "num/glm.h"
#include "num/ols.h"
#include "num/prais.h"
#include "num/vcov.h"

/* A fit whose arrays are malloc'ed by linreg/glm, freed by __gc even if a
 * later push raises.  Created zeroed (a zeroed fit is safe to finalise). */
struct fitbox {
  int kind;                /* 0 none, 1 linreg, 2 glm, 3 prais */
  struct linreg_fit lin;
  struct glm_fit glm;
  struct prais_fit pr;
};

struct design {
  size_t n, k, dropped;  /* rows used, columns (intercept included), rows dropped */
  double *X;             /* n x k column-major (NULL from lmodel_build_design_views) */
  struct glm_col *Xc;    /* k columns of n rows: into X, or (views) a frame column's
                            own storage (float64 or int64) or a gathered copy;
                            {NULL, NULL} the intercept */
  const double *y, *w, *off;
  size_t *cl, G;
  size_t *keep;          /* frame row of each used row (views: NULL when every row is used) */
  int intercept;
  /* rows dropped, grouped by the reason of the first missing value used
   * (covariates in order, then outcome, weights, offset, cluster) */
  size_t *drop_row;      /* dropped frame rows, in frame order */
  unsigned char *drop_why;   /* enum frame_na of each */
  /* lmodel_build_design_views only: when every row is used and the cluster
   * column is whole numbers (cl_i64) or categories (cl_cat) within a narrow
   * range, cl is NULL and row i's cluster is cl_rank[value - cl_lo]: no
   * n-vector of cluster numbers (lmodel_cluster_ids makes one on demand). */
  const int64_t *cl_i64;
  const int32_t *cl_cat;
  int64_t cl_lo;
  const size_t *cl_rank;
  /* lmodel_build_design_trusting only: no column has missing values marked,
   * so every row was taken without reading the float64 columns for NaN or
   * Inf; the fit finds any (GSL_EDOM) and the caller builds the design
   * again with lmodel_build_design_views */
  int trusting;
};

/* Names of the covariance types, indexed as vcov.h's enum, NULL-terminated. */
extern const char *const lmodel_vcov_names[];

struct fitbox *lmodel_newfitbox(lua_State *L);
const struct frame_col *lmodel_numcol(lua_State *L, const char *fn, const struct frame *f, const char *role, const char *name);
void lmodel_build_design(lua_State *L, const char *fn, struct design *d, int need_cluster);
/* The same without the n x k matrix: only the column pointers Xc, y, w and
 * offset, each a frame column's own storage where it can be (float64,
 * nothing missing, every row used), else a gathered copy; keep NULL when
 * every row is used.  For fits that read the columns one by one
 * (glm_fit_cols). */
void lmodel_build_design_views(lua_State *L, const char *fn, struct design *d, int need_cluster);
/* The same, but when no used column has missing values marked (and the
 * cluster column is not float64), every row is taken without reading the
 * float64 columns for NaN or Inf (d->trusting set): a fit that checks
 * every value it reads (linreg_fit_cols) finds them, and on its GSL_EDOM
 * the caller builds again with lmodel_build_design_views, whose rows and
 * messages are then the usual ones.  Saves a pass over the data. */
void lmodel_build_design_trusting(lua_State *L, const char *fn, struct design *d, int need_cluster);
/* d->cl, made from the rank table of a views design when it has none.  Scratch pushed.
 * [-0, +1, m] */
const size_t *lmodel_cluster_ids(lua_State *L, struct design *d);
int lmodel_fit_error(lua_State *L, const char *fn, const struct design *d, int st, size_t bad_col, size_t bad_row);
void lmodel_push_coefs(lua_State *L, const struct design *d, const double *b, const double *V, double df);
void lmodel_compute_vcov(lua_State *L, const char *fn, int type, const struct design *d, struct vcov_data *vd, double sigma2, size_t lag, int cl_adjust, double *V);
double lmodel_opttol(lua_State *L, int opts, const char *field, double dflt);
int lmodel_optvcov(lua_State *L, int opts, const char *fn);
/* The start every model result shares: a new table (room for nrec fields) with the coefficient
 * rows (lmodel_push_coefs), vcov_type and fitted (d->n values, a "host.model.vec" that keeps
 * the userdata at stack index owner alive, or holds a copy when owner is 0; Lua's
 * model.vector makes the array).  [-0, +1, m] */
void lmodel_push_result(lua_State *L, int nrec, const struct design *d, const double *b, const double *V,
                        double df, int vt, const double *fitted, int owner);

/* The time-series functions of host.model (lmodel_ts.c: prais, dwtest,
 * bgtest, acf, box_test, varsoc). */
extern const luaL_Reg lmodel_ts_funcs[];
/* poly_coefs, for poly() formula terms (lmodel_poly.c). */
extern const luaL_Reg lmodel_poly_funcs[];

#endif
