/* host/num/glm_rows.h -- private to glm.c: the row kernels of the IRLS
 * passes written once for any vector width.  glm.c includes this file
 * twice: RW = 2 (two rows per instruction, SSE2, every x86-64) and, where
 * the compiler can target it, RW = 4 under target("avx2"), chosen at run
 * time as the QR kernels are (qr_kern.c).  Every operation here is lane by
 * lane, and the one reduction (rw_dev) keeps the 2-wide code's lanes and
 * order, with no fused multiply-add, so both widths give the same bytes
 * (tests/c/test_glm.c checks it).
 * Parameters: RW (lanes), RK(name) (name with the width appended), RT
 * (the target attribute of the functions, or nothing). */

typedef double RK(vd) __attribute__((vector_size(RW * 8)));
typedef long long RK(vl) __attribute__((vector_size(RW * 8)));
typedef unsigned long long RK(vu) __attribute__((vector_size(RW * 8)));
#define VD RK(vd)
#define VL RK(vl)
#define VU RK(vu)

RT static inline VD RK(ld)(const double *p) {
  VD v;
  memcpy(&v, p, sizeof v);
  return v;
}
RT static inline void RK(st)(double *p, VD v) { memcpy(p, &v, sizeof v); }
RT static inline VD RK(set)(double x) {
  VD v;
  for (int l = 0; l < RW; l++) v[l] = x;
  return v;
}
RT static inline VD RK(sqrt)(VD x) {
#if defined(__GNUC__) && defined(__x86_64__)
#if RW == 4
  return __builtin_ia32_sqrtpd256(x);
#else
  return __builtin_ia32_sqrtpd(x);
#endif
#else
  for (int l = 0; l < RW; l++) x[l] = sqrt(x[l]);
  return x;
#endif
}
/* m ? a : b lane by lane, m from a comparison (all bits of a lane set or clear) */
RT static inline VD RK(sel)(VL m, VD a, VD b) {
  VL ai, bi;
  memcpy(&ai, &a, sizeof ai);
  memcpy(&bi, &b, sizeof bi);
  ai = (ai & m) | (bi & ~m);
  memcpy(&a, &ai, sizeof a);
  return a;
}

/* exp of every lane for |x| <= 30 (glm_exp_rows in glm.h says how it is
 * computed and how accurate it is). */
RT static inline __attribute__((always_inline)) VD RK(exp)(VD x) {
  const double shift = 0x1.8p52;
  const VD one = RK(set)(1);
  VD kf = x * RK(set)(1.44269504088896338700e+00) + RK(set)(shift);
  VD k = kf - RK(set)(shift);
  VD hi = x - k * RK(set)(6.93147180369123816490e-01);
  VD lo = k * RK(set)(1.90821492927058770002e-10);
  VD r = hi - lo, t = r * r;
  VD c = r - t * (RK(set)(1.66666666666666019037e-01) +
                  t * (RK(set)(-2.77777777770155933842e-03) +
                       t * (RK(set)(6.61375632143793436117e-05) +
                            t * (RK(set)(-1.65339022054652515390e-06) +
                                 t * RK(set)(4.13813679705723846039e-08)))));
  VD y = one - ((lo - (r * c) / (RK(set)(2) - c)) - hi);
  unsigned long long sb;
  VU kb;
  memcpy(&sb, &shift, sizeof sb);
  memcpy(&kb, &kf, sizeof kb);
  kb = (kb - sb + 1023) << 52;     /* the bits of 2^k */
  VD s;
  memcpy(&s, &kb, sizeof s);
  return y * s;
}

/* exp of x[0..m-1] into out (a lone last row as the lanes (x, x, ...), so
 * that every row gets the same arithmetic). */
RT static void RK(exp_rows)(const double *x, double *out, size_t m) {
  size_t i = 0;
  for (; i + RW <= m; i += RW) RK(st)(out + i, RK(exp)(RK(ld)(x + i)));
  for (; i < m; i++) out[i] = RK(exp)(RK(set)(x[i]))[0];
}

/* Rows i0..i0+m-1 of an int64 column as doubles (col_block's "small" case:
 * every value in [-2^51, 2^51], read as the double whose bits are those of
 * 1.5 2^52 plus v, minus 1.5 2^52: exact). */
RT static void RK(conv)(const int64_t *v, size_t m, double *buf) {
  const VD md = RK(set)(0x1.8p52);
  size_t i = 0;
  for (; i + RW <= m; i += RW) {
    VU q;
    VD x;
    memcpy(&q, v + i, sizeof q);
    q += 0x4338000000000000ULL;   /* the bits of 0x1.8p52 */
    memcpy(&x, &q, sizeof x);
    RK(st)(buf + i, x - md);
  }
  for (; i < m; i++) {
    uint64_t q = (uint64_t)v[i] + UINT64_C(0x4338000000000000);
    double x;
    memcpy(&x, &q, sizeof x);
    buf[i] = x - 0x1.8p52;
  }
}

/* Rows of an int64 column as doubles, exactly, when nothing is known of
 * their range: the conversion above when every value lies within 2^51
 * (checked first), else (double) v one at a time (col_block's). */
RT static void RK(conv_any)(const int64_t *v, size_t m, double *buf) {
  uint64_t out = 0;
  for (size_t i = 0; i < m; i++) out |= ((uint64_t)v[i] + (UINT64_C(1) << 51)) >> 52;
  if (out == 0) {
    RK(conv)(v, m, buf);
    return;
  }
  for (size_t i = 0; i < m; i++) buf[i] = (double)v[i];
}

RT static inline VD RK(max)(VD x, VD a) {
#if defined(__GNUC__) && defined(__x86_64__)
#if RW == 4
  return __builtin_ia32_maxpd256(x, a);
#else
  return __builtin_ia32_maxpd(x, a);
#endif
#else
  for (int l = 0; l < RW; l++) x[l] = x[l] > a[l] ? x[l] : a[l];
  return x;
#endif
}
RT static inline VD RK(min)(VD x, VD a) {
#if defined(__GNUC__) && defined(__x86_64__)
#if RW == 4
  return __builtin_ia32_minpd256(x, a);
#else
  return __builtin_ia32_minpd(x, a);
#endif
#else
  for (int l = 0; l < RW; l++) x[l] = x[l] < a[l] ? x[l] : a[l];
  return x;
#endif
}

/* scan_block's running extremes per side of y and z += x - x (glm.c says
 * how), RW rows at a time in two registers of each extreme; extremes do not
 * depend on the order, and z is 0 or NaN whatever the order. */
RT static void RK(scan)(const double *c, const double *pen0, const double *pen1, size_t m,
                        struct sepscan *sc, double *z) {
  VD mx0 = RK(set)(sc->max0), mn0 = RK(set)(sc->min0), mx1 = RK(set)(sc->max1),
     mn1 = RK(set)(sc->min1);
  VD nx0 = mx0, nn0 = mn0, nx1 = mx1, nn1 = mn1, za = RK(set)(0), zb = za;
  size_t i = 0;
  if (pen0 != NULL) {
    for (; i + 2 * RW <= m; i += 2 * RW) {
      VD x = RK(ld)(c + i), u = RK(ld)(c + i + RW);
      VD p0 = RK(ld)(pen0 + i), p1 = RK(ld)(pen1 + i), q0 = RK(ld)(pen0 + i + RW),
         q1 = RK(ld)(pen1 + i + RW);
      mx0 = RK(max)(x - p0, mx0);
      mn0 = RK(min)(x + p0, mn0);
      mx1 = RK(max)(x - p1, mx1);
      mn1 = RK(min)(x + p1, mn1);
      nx0 = RK(max)(u - q0, nx0);
      nn0 = RK(min)(u + q0, nn0);
      nx1 = RK(max)(u - q1, nx1);
      nn1 = RK(min)(u + q1, nn1);
      za += x - x;
      zb += u - u;
    }
  } else {
    for (; i + 2 * RW <= m; i += 2 * RW) {
      VD x = RK(ld)(c + i), u = RK(ld)(c + i + RW);
      mx1 = RK(max)(x, mx1);
      mn1 = RK(min)(x, mn1);
      nx1 = RK(max)(u, nx1);
      nn1 = RK(min)(u, nn1);
      za += x - x;
      zb += u - u;
    }
  }
  mx0 = RK(max)(nx0, mx0);
  mn0 = RK(min)(nn0, mn0);
  mx1 = RK(max)(nx1, mx1);
  mn1 = RK(min)(nn1, mn1);
  struct sepscan r = {mx0[0], mn0[0], mx1[0], mn1[0]};
  double zt = 0;
  for (int l = 0; l < RW; l++) {
    r.max0 = mx0[l] > r.max0 ? mx0[l] : r.max0;
    r.min0 = mn0[l] < r.min0 ? mn0[l] : r.min0;
    r.max1 = mx1[l] > r.max1 ? mx1[l] : r.max1;
    r.min1 = mn1[l] < r.min1 ? mn1[l] : r.min1;
    zt += za[l] + zb[l];
  }
  for (; i < m; i++) {
    double x = c[i], p0 = pen0 != NULL ? pen0[i] : INFINITY, p1 = pen0 != NULL ? pen1[i] : 0;
    double a0 = x - p0, b0 = x + p0, a1 = x - p1, b1 = x + p1;
    r.max0 = a0 > r.max0 ? a0 : r.max0;
    r.min0 = b0 < r.min0 ? b0 : r.min0;
    r.max1 = a1 > r.max1 ? a1 : r.max1;
    r.min1 = b1 < r.min1 ? b1 : r.min1;
    zt += x - x;
  }
  *sc = r;
  *z += zt;
}

/* Column j's block as doubles (col_block with the conversion above). */
RT static inline const double *RK(col)(const struct glm_col *c, int small, size_t i0, size_t m,
                                       double *buf) {
  if (c->f64 != NULL) return c->f64 + i0;
  if (c->i64 != NULL && small) {
    RK(conv)(c->i64 + i0, m, buf);
    return buf;
  }
  return col_block(c, small, i0, m, buf);
}

/* eta = offset + X b for rows i0..i0+m-1, column by column, asking for the
 * rows ahead.  xb (NULL: none kept): xb[j] is set to column j's converted
 * block when it was kept in keep[], else NULL.  (Summing all the columns
 * for RW rows in a register instead, the same additions, measured no
 * faster.) */
RT static void RK(linpred)(const struct pass *p, size_t i0, size_t m, double *eta,
                           const double **xb, double (*keep)[QR_BLOCK]) {
  double cv[QR_BLOCK];
  size_t nkeep = 0;
  const size_t n = p->n;
  if (p->off != NULL)
    memcpy(eta, p->off + i0, m * sizeof *eta);
  else
    memset(eta, 0, m * sizeof *eta);
  for (size_t j = 0; j < p->k; j++) {
    VD bj = RK(set)(p->b[j]);
    size_t i = 0;
    if (p->X[j].f64 == NULL && p->X[j].i64 == NULL) {   /* the constant: 1 b_j is b_j */
      for (; i + RW <= m; i += RW) RK(st)(eta + i, RK(ld)(eta + i) + bj);
      for (; i < m; i++) eta[i] += p->b[j];
      continue;
    }
    col_prefetch(&p->X[j], n, i0, m);
    int kept = xb != NULL && p->X[j].f64 == NULL && nkeep < CONV_KEEP;
    const double *xj = RK(col)(&p->X[j], p->small[j], i0, m, kept ? keep[nkeep++] : cv);
    if (xb != NULL) xb[j] = kept ? xj : NULL;
    for (; i + RW <= m; i += RW) RK(st)(eta + i, RK(ld)(eta + i) + RK(ld)(xj + i) * bj);
    for (; i < m; i++) eta[i] += xj[i] * p->b[j];
  }
}

/* Is any eta[i] < -30 or > 30 (R's logit clamp)?  A NaN is neither. */
RT static int RK(clamped)(const double *eta, size_t m) {
  VL c = {0};
  const VD lo = RK(set)(-THRESH), hi = RK(set)(THRESH);
  size_t i = 0;
  for (; i + RW <= m; i += RW) {
    VD e = RK(ld)(eta + i);
    c |= (e < lo) | (e > hi);
  }
  int any = 0;
  for (int l = 0; l < RW; l++) any |= c[l] != 0;
  for (; i < m; i++) any |= (eta[i] < -THRESH) | (eta[i] > THRESH);
  return any;
}

/* The binary logit's rows (logit_rows in glm.c says what they compute). */
RT static inline __attribute__((always_inline)) void RK(logit_v)(VD e, VD yv, VD ov, VD *mu, VD *fac,
                                                                 VD *wres, VD *sw, VD *wt, VD *zc,
                                                                 int qr) {
  const VD one = RK(set)(1);
  VL y1 = yv != RK(set)(0);
  VD t = RK(exp)(e), op = one + t, r = one / (t * op);
  VD q = t * r, it = op * r, m = t * q;
  *mu = m;
  *fac = RK(sel)(y1, m, q);
  *wres = RK(sel)(y1, one + it, -op);
  if (qr) {
    VD s = RK(sqrt)(t), w = s * q;
    *sw = w;
    *wt = m * q;
    *zc = (e - ov) * w + RK(sel)(y1, s * it, -s);
  }
}

RT static void RK(logit)(const double *eta, const double *y, const double *off, size_t m,
                         double *mu, double *fac, double *wres, double *sw, double *wwt,
                         double *zc, int qr) {
  const VD zero = RK(set)(0);
  VD mv, fv, rv, sv, wv, zv;
  size_t i = 0;
  for (; i + RW <= m; i += RW) {
    RK(logit_v)(RK(ld)(eta + i), RK(ld)(y + i), off != NULL ? RK(ld)(off + i) : zero, &mv, &fv,
                &rv, &sv, &wv, &zv, qr);
    RK(st)(mu + i, mv);
    RK(st)(fac + i, fv);
    if (wres != NULL) RK(st)(wres + i, rv);
    if (qr) {
      RK(st)(sw + i, sv);
      if (wwt != NULL) RK(st)(wwt + i, wv);
      RK(st)(zc + i, zv);
    }
  }
  for (; i < m; i++) {
    RK(logit_v)(RK(set)(eta[i]), RK(set)(y[i]), RK(set)(off != NULL ? off[i] : 0), &mv, &fv, &rv,
                &sv, &wv, &zv, qr);
    mu[i] = mv[0];
    fac[i] = fv[0];
    if (wres != NULL) wres[i] = rv[0];
    if (qr) {
      sw[i] = sv[0];
      if (wwt != NULL) wwt[i] = wv[0];
      zc[i] = zv[0];
    }
  }
}

/* -2 sum_i log f_i: products of 16 factors in the lanes of the 2-wide code
 * (rows l, l+1 in one product and l+2, l+3 in the other, for l = i, i+4,
 * i+8, i+12), then one log each. */
RT static double RK(dev)(const double *f, size_t m) {
  double ll = 0;
  size_t i = 0;
  for (; i + 16 <= m; i += 16) {
#if RW == 4
    VD pa = RK(ld)(f + i);
    for (size_t l = i + 4; l < i + 16; l += 4) pa *= RK(ld)(f + l);
    ll += log((pa[0] * pa[1]) * (pa[2] * pa[3]));
#else
    VD pa = RK(ld)(f + i), pb = RK(ld)(f + i + 2);
    for (size_t l = i + 4; l < i + 16; l += 4) {
      pa *= RK(ld)(f + l);
      pb *= RK(ld)(f + l + 2);
    }
    ll += log((pa[0] * pa[1]) * (pb[0] * pb[1]));
#endif
  }
  double pr = 1;
  for (; i < m; i++) pr *= f[i];
  return -2 * (ll + log(pr));
}

/* Block column of the weighted QR: (x_i - shift) sw_i s, x NULL: the
 * constant 1 (qr_put_shift's arithmetic, the same values). */
RT static void RK(put)(double *d, const double *x, const double *sw, double shift, double s,
                       size_t m) {
  const VD S = RK(set)(s), M = RK(set)(shift);
  size_t i = 0;
  if (x == NULL) {
    const VD c = RK(set)(1) - M;
    for (; i + RW <= m; i += RW) RK(st)(d + i, c * RK(ld)(sw + i) * S);
    for (; i < m; i++) d[i] = (1 - shift) * sw[i] * s;
  } else if (shift == 0) {
    for (; i + RW <= m; i += RW) RK(st)(d + i, RK(ld)(x + i) * RK(ld)(sw + i) * S);
    for (; i < m; i++) d[i] = x[i] * sw[i] * s;
  } else {
    for (; i + RW <= m; i += RW) RK(st)(d + i, (RK(ld)(x + i) - M) * RK(ld)(sw + i) * S);
    for (; i < m; i++) d[i] = (x[i] - shift) * sw[i] * s;
  }
}

static const struct rowk RK(rowk) = {RK(linpred), RK(clamped), RK(logit), RK(dev), RK(put),
                                     RK(exp_rows), RK(conv_any), RK(scan)};

#undef VD
#undef VL
#undef VU
