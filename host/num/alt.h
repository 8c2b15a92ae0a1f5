/* host/num/alt.h -- the alternative hypothesis every test in host/num takes
 * (ttest, ctab, ranktest, prop, scale).  Pure C, no Lua. */
#ifndef CSC_ALT_H
#define CSC_ALT_H

/* R's alternative = "two.sided" | "less" | "greater". */
enum stats_alt { STATS_TWO_SIDED = 0, STATS_LESS = 1, STATS_GREATER = 2 };

#endif
