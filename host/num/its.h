/* host/num/its.h -- segmented regression for interrupted time series on a
 * unit x period panel: the single-series and comparative (Stata itsa)
 * designs, their Newey-West covariance with lags taken within each unit
 * (Stata newey on tsset panel data), and predictions, counterfactuals and
 * impacts as linear combinations.  Fits go through host/num/ols.c's QR.
 * Pure C on GSL status codes, no Lua.  Bound by host/bind/lits.c. */
#ifndef CSC_ITS_H
#define CSC_ITS_H

#include <stddef.h>

/* ===== The panel =====
 * Y is U x P, unit-major: Y[u*P + p], NaN where missing.  Every period p
 * has a time value tt[p] on the design's time axis (itsa's _t: 0 at the
 * first period, 1 per step) and a position pos[p] on the axis the
 * Newey-West lags are counted along (see its_spec.hac_rows).  Xp holds
 * period-level covariates shared by every unit (month dummies, harmonics,
 * a definition-change dummy): P x nx, column-major.  W (U x P, like Y)
 * weights the units of an averaged comparator period by period (child
 * population); NULL for equal weights. */
struct its_panel {
  size_t U, P;
  const double *Y;
  const double *tt;
  const double *pos;
  size_t nx;
  const double *Xp;
  const double *W;
};

enum its_combine {
  ITS_POOL = 0,  /* each comparator's rows enter the regression (itsa with several controls) */
  ITS_MEAN,      /* comparators are first averaged into one series, unweighted (W ignored) */
  ITS_WMEAN      /* comparators are first averaged into one series, weighted by W (required) */
};

/* One interruption at time T (on the tt axis): _x = [t >= T] and
 * _x_t = _x (t - T), so the post-period trend counts from 0 at the
 * interruption itself (itsa's definition).  level/slope 0 leave the
 * corresponding term out (a single post period has no slope to estimate). */
struct its_break {
  double T;
  int level, slope;
};

#define ITS_MAXBREAK 8

struct its_spec {
  int single;                   /* 1: treated series only (no _z terms) */
  size_t m;                     /* interruptions */
  struct its_break brk[ITS_MAXBREAK];
  const unsigned char *use;     /* P: 1 if the period is in the estimation sample (NULL: all) */
  enum its_combine combine;
  size_t lag;                   /* Newey-West lag; 0 gives HC1, as newey lag(0) */
  int hac_rows;                 /* 1: lags count rows within a unit, as if the sample had no
                                   gaps (Stata newey, force; R NeweyWest); 0: lags count
                                   pos differences, so a row after an excluded period is
                                   not lag 1 of the row before it */
};

/* Number of coefficients: 2 + nx + per interruption (level + slope), and
 * twice the time and interruption terms for the comparative design.
 * Column order (itsa's names):
 *   (Intercept), _t, [_z, _z_t,] then per interruption j
 *   _x, _x_t, [_z_x, _z_x_t,] then the nx period covariates. */
size_t its_ncoef(const struct its_spec *s, size_t nx);

/* ===== Design and fit ===== */

struct its_design {
  size_t n, k;
  double *X;        /* n x k column-major */
  double *y;        /* n */
  size_t *unit;     /* n: 0 the treated series, 1.. comparator series (rows grouped by unit) */
  size_t *period;   /* n: the period of each row */
  double *hpos;     /* n: position for the HAC lags */
  double *z;        /* n: 1 treated, 0 comparator */
  size_t nunits;    /* distinct series in the regression */
};

/* Rows of the treated unit (z = 1) and of the comparators comp[0..ncomp-1]
 * (z = 0; pooled, or averaged per period over those present: unweighted
 * for ITS_MEAN, weighted by W for ITS_WMEAN) in the periods in use with a
 * value.  Returns 0, or
 *   GSL_EINVAL   treated or a comparator index out of range, or treated
 *                among the comparators, or listed twice, or ncomp == 0 for a
 *                comparative spec, or ITS_WMEAN without W, or a comparator
 *                value without a positive weight under ITS_WMEAN (err says
 *                which);
 *   GSL_EBADLEN  no more rows than coefficients;
 *   GSL_ENOMEM.
 * Pair with its_design_fini (safe on a zeroed design). */
int its_design(const struct its_panel *p, const struct its_spec *s, size_t treated,
               const size_t *comp, size_t ncomp, struct its_design *d, char *err, size_t errlen);
void its_design_fini(struct its_design *d);

/* Mean of the comparators present at period p (NaN if none): weighted by
 * p->W when weighted (and W is given), unweighted otherwise.  The design's
 * averaged comparator series and the observed comparator line both use it. */
double its_comp_mean(const struct its_panel *p, const size_t *comp, size_t ncomp, size_t period,
                     int weighted);

/* The design row of group z (1 treated, 0 comparator) at period p (any
 * period, in the sample or not), with the interruption terms set to 0 when
 * counterfactual: the projection of the pre-interruption lines. */
void its_xrow(const struct its_panel *p, const struct its_spec *s, size_t period, int z,
              int counterfactual, double *x);

struct its_fit {
  size_t n, k;
  double df_resid, rss, sigma2, r2;
  double *coef;     /* k */
  double *V;        /* k x k, Newey-West within units */
  double *fitted;   /* n */
  double *resid;    /* n */
  size_t bad_col;   /* on GSL_ESING: first collinear column */
};

/* OLS of d->y on d->X by host/num/ols.c's QR, then the Newey-West
 * covariance with lags within units (its_hac_panel).  Returns 0 or
 * linreg_fit's codes (GSL_ESING with bad_col), GSL_EINVAL if the lag is
 * not below the rows of every series, GSL_ENOMEM.  Pair with its_fit_fini. */
int its_fit(const struct its_design *d, const struct its_spec *s, struct its_fit *f);
void its_fit_fini(struct its_fit *f);

/* Newey-West with Bartlett weights, scores psi_i = e_i x_i, lags taken only
 * between rows of the same unit:
 *   M = sum_i psi_i psi_i'
 *     + sum_{l=1}^{L} (1 - l/(L+1)) sum_{pairs i,j of one unit, lag l} (psi_i psi_j' + psi_j psi_i')
 *   V = n/(n-k) (X'X)^-1 M (X'X)^-1
 * (Stata newey, lag(L) on tsset panel data: the n/(n-k) uses all rows.)
 * The lag of a pair is pos_i - pos_j (rows within a unit must be in
 * increasing pos).  With one unit and consecutive pos this is
 * sandwich::NeweyWest(fit, lag = L, prewhite = FALSE, adjust = TRUE).  The
 * meat is accumulated in the QR basis q_i = R^-T x_i (as host/num/vcov.c) and
 * V = R^-1 M_q R^-T.  Returns 0 or GSL_ENOMEM. */
int its_hac_panel(const double *X, size_t n, size_t k, const double *e, const double *rinv,
                  const size_t *unit, const double *pos, size_t lag, double *V);

/* sqrt(g' V g) for a k-vector g: the delta-method standard error of a
 * smooth function whose gradient at b is g (0 when g'Vg is zero up to
 * rounding, NaN when V gives it a negative variance: lintest_var). */
double its_quad_se(const double *g, const double *V, size_t k);

#endif
