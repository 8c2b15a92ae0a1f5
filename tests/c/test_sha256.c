/* tests/c/test_sha256.c -- SHA-256 (host/app/sha256.c, on GLib's GChecksum)
 * against the test vectors of NIST's FIPS 180-2 examples and the Secure
 * Hash Standard validation (SHAVS): "abc", the empty message, the 448-bit
 * and 896-bit messages, and one million times 'a' (as a string and as a
 * file, read in 64 KiB pieces). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/sha256.h"

static void want(const char *msg, size_t n, const char *digest) {
  char hex[65];
  sha256_hex(msg, n, hex);
  assert_string_equal(hex, digest);
}

static void test_nist_short_messages(void **state) {
  (void)state;
  want("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  want("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  assert_int_equal(strlen(m448) * 8, 448);
  want(m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
  assert_int_equal(strlen(m896) * 8, 896);
  want(m896, strlen(m896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static const char *MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

static void test_nist_million_a(void **state) {
  (void)state;
  char *a = malloc(1000000);
  assert_non_null(a);
  memset(a, 'a', 1000000);
  want(a, 1000000, MILLION_A);
  free(a);
}

static void test_file_digest_and_missing_file(void **state) {
  (void)state;
  char path[] = "/tmp/csceval-sha256-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "wb");
  assert_non_null(fp);
  for (int i = 0; i < 1000000; i++) fputc('a', fp);
  assert_int_equal(fclose(fp), 0);
  char hex[65];
  assert_int_equal(sha256_file(path, hex), 0);
  assert_string_equal(hex, MILLION_A);
  unlink(path);
  assert_int_equal(sha256_file(path, hex), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nist_short_messages),
    cmocka_unit_test(test_nist_million_a),
    cmocka_unit_test(test_file_digest_and_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
