/* host/num/padjust.h -- multiplicity adjustment of p-values as R p.adjust():
 * Bonferroni, Holm, Hochberg, Benjamini-Hochberg, Benjamini-Yekutieli.
 * Pure C on GSL, no Lua. */
#ifndef CSC_PADJUST_H
#define CSC_PADJUST_H

#include <stddef.h>

enum padjust_method {
  PADJUST_BONFERRONI,
  PADJUST_HOLM,
  PADJUST_HOCHBERG,
  PADJUST_BH,   /* Benjamini & Hochberg (1995), R "BH" / "fdr" */
  PADJUST_BY,   /* Benjamini & Yekutieli (2001) */
  PADJUST_NONE
};

/* Adjust p[0..len-1] into out[0..len-1] (out may equal p).  NaN entries
 * are missing: they stay NaN and are not counted.  n is the number of
 * tests (R's n); pass 0 for "the number of non-missing p".  Returns
 * GSL_EINVAL if some p is outside [0, 1] or n is smaller than the number
 * of non-missing p, GSL_ENOMEM if scratch memory cannot be had. */
int padjust_apply(const double *p, size_t len, size_t n, enum padjust_method method,
                  double *out);

#endif
