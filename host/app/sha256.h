/* host/app/sha256.h -- SHA-256 digests (FIPS 180-4) for data provenance in
 * reports, computed by GLib's GChecksum.  Pure C, no Lua. */
#ifndef CSC_SHA256_H
#define CSC_SHA256_H

#include <stddef.h>

/* The digest of data[0..n-1] as 64 lowercase hex digits and a NUL in hex[65]. */
void sha256_hex(const void *data, size_t n, char hex[65]);
/* The digest of a whole file.  0 ok, -1 cannot read (errno set). */
int sha256_file(const char *path, char hex[65]);

#endif
