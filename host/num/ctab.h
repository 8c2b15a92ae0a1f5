/* host/num/ctab.h -- tests on contingency tables: Pearson chi-square test of
 * independence (R chisq.test, Yates-corrected for 2 x 2 by default) and
 * Fisher's exact test (R fisher.test: 2 x 2 with conditional MLE odds ratio
 * and interval; r x c by an exact network search).  Pure C on GSL, no Lua. */
#ifndef CSC_CTAB_H
#define CSC_CTAB_H

#include <stddef.h>

#include "alt.h"

/* Tables are nr x nc, stored row-major: x[i * nc + j] is row i, column j. */

struct ctab_chisq_result {
  double statistic;      /* X-squared */
  double df;             /* (nr - 1)(nc - 1) */
  double p_value;
  double yates;          /* continuity correction applied: min(0.5, min |O - E|) or 0 */
  double min_expected;   /* smallest expected count; R warns when < 5 */
};

/* R chisq.test(x, correct = correct): Yates' correction is applied only to
 * 2 x 2 tables (as R).  expected, if not NULL, receives the nr * nc
 * expected counts row sum * column sum / total, row-major.  Counts must be
 * finite and >= 0 (non-integers accepted, as R).  GSL_EINVAL: nr or nc < 2,
 * bad counts; GSL_EDOM: a row or column total is 0 (R gives NaN). */
int ctab_chisq(const double *x, size_t nr, size_t nc, int correct,
               struct ctab_chisq_result *r, double *expected);

struct ctab_fisher_result {
  double p_value;
  double estimate;       /* conditional MLE of the odds ratio (2 x 2); else NaN */
  double conf_int[2];    /* conditional interval for the odds ratio (2 x 2); else NaN */
  double null_value;     /* the odds ratio under the null (2 x 2) */
  int two_by_two;
};

/* R fisher.test(x, or = or_null, alternative, conf.level).  Counts must be
 * non-negative integers (R rounds with a warning; here GSL_EINVAL).
 * 2 x 2: p-value, estimate and interval exactly as R, including R's root
 * finder and its tolerance (see ctab.c).  r x c: two-sided p-value only;
 * alternative must be two-sided and or_null 1 (else GSL_EINVAL).  The
 * p-value sums the probabilities of the tables, given both margins, that
 * are no more likely than the observed one times 1 + 1e-7.
 * GSL_EMAXITER if the table is too large for the exact search (the
 * network holds more than about 5 million partial tables); GSL_ENOMEM. */
int ctab_fisher(const double *x, size_t nr, size_t nc, double or_null, enum stats_alt alt,
                double conf_level, struct ctab_fisher_result *r);

#endif
