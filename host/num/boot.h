/* host/num/boot.h -- nonparametric bootstrap: case or cluster resampling driven
 * by a caller-seeded gsl_rng, jackknife acceleration, and percentile and
 * BCa intervals computed as R boot::boot.ci.  Pure C on GSL, no Lua. */
#ifndef CSC_BOOT_H
#define CSC_BOOT_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

/* The statistic: evaluate on the observations idx[0..n-1] (0-based indices
 * into the caller's data, repeats allowed).  Return NaN for "undefined on
 * this resample"; such replicates are dropped from the intervals as R's
 * boot.ci drops non-finite values.  It must not longjmp (a Lua binding
 * calls Lua under lua_pcall), since boot owns malloc'd memory meanwhile. */
typedef double (*boot_stat_fn)(const size_t *idx, size_t n, void *ctx);

/* How observations are resampled.  Case resampling draws n observations
 * with replacement; cluster resampling draws G clusters with replacement
 * and passes every observation of each drawn cluster, cluster by cluster
 * in draw order, observations in their original order.  Owns malloc'd
 * memory: boot_design_new / boot_design_free. */
struct boot_design;

/* cluster: NULL for case resampling, else n cluster numbers in 0..G-1,
 * every number used at least once (GSL_EINVAL otherwise; also n == 0).
 * GSL_ENOMEM. */
int boot_design_new(size_t n, const size_t *cluster, size_t nclusters,
                    struct boot_design **out);
void boot_design_free(struct boot_design *d);
/* Units resampled: n (cases) or G (clusters). */
size_t boot_design_units(const struct boot_design *d);

/* Statistic on given draws: draws[0..units-1] are unit numbers (0-based);
 * e.g. a row of R's boot.array(b, indices = TRUE) minus 1. */
double boot_design_eval(struct boot_design *d, const size_t *draws, boot_stat_fn stat,
                        void *ctx);

/* R replicates t[0..reps-1].  Draw order, fixed for reproducibility: for
 * each replicate in turn, units draws gsl_rng_uniform_int(rng, units).  The
 * same rng state gives identical t, bit for bit.  GSL_ENOMEM. */
int boot_replicates(struct boot_design *d, gsl_rng *rng, size_t reps, boot_stat_fn stat,
                    void *ctx, double *t);

/* Leave-one-unit-out values tj[0..units-1] (observation or cluster). */
int boot_jackknife(struct boot_design *d, boot_stat_fn stat, void *ctx, double *tj);

/* BCa acceleration a = sum L^3 / (6 (sum L^2)^1.5) with jackknife
 * influence values L_i = (m - 1)(t0 - t_(-i)), m = units, as R's
 * empinf(type = "jack") feeds boot.ci.  NaN if all L are 0 or some t_(-i)
 * is not finite. */
double boot_acceleration(const double *tj, size_t m, double t0);

/* Intervals at conf_level from replicates t (non-finite values dropped).
 * *used gets the number of finite replicates; *extreme is set to 1 if an
 * end point used the smallest or largest replicate (R's warning "extreme
 * order statistics used as endpoints").  GSL_EINVAL: conf_level outside
 * (0, 1) or fewer than 2 finite replicates; GSL_EDOM (BCa): bias
 * correction z0 infinite (every replicate on one side of t0) or a not
 * finite; GSL_ENOMEM. */
int boot_ci_percentile(const double *t, size_t reps, double conf_level, double ci[2],
                       size_t *used, int *extreme);
int boot_ci_bca(const double *t, size_t reps, double t0, double a, double conf_level,
                double ci[2], double *z0, size_t *used, int *extreme);

/* Everything at once, for the Lua binding. */
struct boot_result {
  double t0;            /* statistic on the data */
  double bias;          /* mean(t) - t0 over finite t */
  double se;            /* sd(t), n - 1 divisor, as R's print.boot */
  double perc[2];       /* percentile interval */
  double bca[2];        /* BCa interval; NaN if it could not be formed */
  double z0, a;         /* BCa bias correction and acceleration */
  size_t reps, used;    /* replicates drawn, finite ones */
  int extreme;          /* as above, for either interval */
  int bca_status;       /* GSL status of the BCa step (0 = fine) */
};

/* t0, reps replicates into t (caller's array of reps), jackknife, both
 * intervals.  GSL_EDOM if t0 is not finite; statuses as above.  A failed
 * BCa step does not fail the call: see bca_status. */
int boot_run(struct boot_design *d, gsl_rng *rng, size_t reps, boot_stat_fn stat,
             void *ctx, double conf_level, double *t, struct boot_result *res);

#endif
