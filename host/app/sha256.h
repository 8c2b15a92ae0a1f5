/* host/app/sha256.h -- SHA-256 (FIPS 180-4), for data provenance in reports. Pure C. */
#ifndef CSC_SHA256_H
#define CSC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
  uint32_t h[8];
  uint64_t len;          /* bytes hashed so far */
  unsigned char buf[64];
  size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void sha256_final_hex(struct sha256 *s, char hex[65]);
/* Hash a whole file.  0 ok, -1 cannot read (errno set). */
int sha256_file(const char *path, char hex[65]);

#endif
