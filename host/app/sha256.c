/* host/app/sha256.c -- SHA-256 digests on GLib's GChecksum (G_CHECKSUM_SHA256),
 * used to stamp every input file's digest into a report, so a reader can
 * check that a rerun used the same data. */
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

/* Feed n bytes in pieces GChecksum's gssize length can hold. */
static void update(GChecksum *c, const void *data, size_t n) {
  const unsigned char *p = data;
  while (n > 0) {
    size_t m = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
    g_checksum_update(c, p, (gssize)m);
    p += m;
    n -= m;
  }
}

static void finish(GChecksum *c, char hex[65]) {
  const gchar *s = g_checksum_get_string(c);   /* 64 lowercase hex digits */
  memcpy(hex, s, 64);
  hex[64] = '\0';
  g_checksum_free(c);
}

void sha256_hex(const void *data, size_t n, char hex[65]) {
  GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
  update(c, data, n);
  finish(c, hex);
}

int sha256_file(const char *path, char hex[65]) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return -1;
  GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
  unsigned char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, fp)) > 0) update(c, buf, n);
  int bad = ferror(fp), err = errno;
  fclose(fp);
  if (bad) {
    g_checksum_free(c);
    errno = err;
    return -1;
  }
  finish(c, hex);
  return 0;
}
