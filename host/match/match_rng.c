/* host/match/match_rng.c -- R's default random numbers, reimplemented so that the
 * "random" matching order draws the same permutation as MatchIt after
 * set.seed(seed) in R: Mersenne-Twister (Matsumoto & Nishimura 1998, MT19937)
 * with R's seeding scramble (RNG.c: 50 rounds of the LCG 69069 s + 1, then
 * one LCG step per state word), unif_rand's fixup to (0, 1), and R >= 3.6's
 * rejection sampling for sample.int (R_unif_index, sample.kind = "Rejection").
 * Pure C, no Lua; the state is a caller-owned struct (no global state). */
#include "match.h"

#include <math.h>
#include <stdint.h>

#define MT_N 624
#define MT_M 397

static const double I2_32M1 = 2.328306437080797e-10; /* 1 / (2^32 - 1) */

void match_rng_seed(struct match_rng *g, uint32_t seed) {
  /* R's RNG_Init: initial scrambling, then one LCG step per word of the
   * seed vector (625 words for Mersenne-Twister: position + state). */
  for (int j = 0; j < 50; j++) seed = 69069u * seed + 1u;
  for (int j = 0; j < MT_N + 1; j++) {
    seed = 69069u * seed + 1u;
    g->mt[j] = seed;
  }
  g->mt[0] = MT_N;   /* FixupSeeds: position N, so the first draw regenerates */
}

/* MT_genrand: the next 32-bit word as a double in [0, 1). */
static double mt_genrand(struct match_rng *g) {
  static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
  uint32_t *mt = g->mt + 1;
  uint32_t mti = g->mt[0], y;
  if (mti >= MT_N) {
    int kk;
    for (kk = 0; kk < MT_N - MT_M; kk++) {
      y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
      mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 0x1u];
    }
    for (; kk < MT_N - 1; kk++) {
      y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
      mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 0x1u];
    }
    y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 0x1u];
    mti = 0;
  }
  y = mt[mti++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  g->mt[0] = mti;
  return (double)y * 2.3283064365386963e-10;
}

double match_rng_unif(struct match_rng *g) {
  /* R's fixup: keep the value strictly inside (0, 1). */
  double x = mt_genrand(g);
  if (x <= 0.0) return 0.5 * I2_32M1;
  if (1.0 - x <= 0.0) return 1.0 - 0.5 * I2_32M1;
  return x;
}

/* rbits: bits random bits, 16 at a time from unif_rand. */
static double rbits(struct match_rng *g, int bits) {
  int64_t v = 0;
  for (int n = 0; n <= bits; n += 16) {
    int v1 = (int)floor(match_rng_unif(g) * 65536);
    v = 65536 * v + v1;
  }
  return (double)(v & (((int64_t)1 << bits) - 1));
}

double match_rng_index(struct match_rng *g, double dn) {
  if (dn <= 0) return 0.0;
  int bits = (int)ceil(log2(dn));
  double dv;
  do dv = rbits(g, bits);
  while (dn <= dv);
  return dv;
}

void match_rng_perm(struct match_rng *g, size_t n, size_t *perm, size_t *work) {
  /* do_sample without replacement: draw a position, take it, move the last
   * remaining value into the hole. */
  for (size_t i = 0; i < n; i++) work[i] = i;
  size_t left = n;
  for (size_t i = 0; i < n; i++) {
    size_t j = (size_t)match_rng_index(g, (double)left);
    perm[i] = work[j];
    work[j] = work[--left];
  }
}
