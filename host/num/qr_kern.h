/* host/num/qr_kern.h -- private to qr.c and qr_kern.c: the kernels of the
 * blocked QR accumulator, 2 rows per instruction (SSE2) or, where the
 * processor has AVX2, 4 rows, chosen at run time; both give the same bytes. */
#ifndef CSC_QR_KERN_H
#define CSC_QR_KERN_H

#include <stddef.h>

/* The kernels one accumulator uses. */
struct kernels {
  void (*dots_first)(const double *B, size_t K, double *d, double *ss);
  void (*dots_from)(const double *B, size_t j, size_t K, double *d);
  double (*sweep_next)(const double *bj, double *bn, double ws);
  void (*sweep4)(const double *bj, const double *bn, double *p, const double *ws, double *d);
  void (*sweep2)(const double *bj, const double *bn, double *p, const double *ws, double *d);
  void (*sweep1)(const double *bj, const double *bn, double *p, const double *ws, double *d);
};

/* The 2-wide kernels, and the widest this processor runs. */
extern const struct kernels qr_kern_narrow;
const struct kernels *qr_kern_best(void);

#endif
