/* tests/c/test_pngsvg.c -- SVG to PNG: a valid PNG of the right size,
 * clear errors for bad documents and absurd sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "render/pngsvg.h"

/* Width and height from the IHDR chunk, which follows the 8-byte signature. */
static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *SVG =
  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\" viewBox=\"0 0 120 80\">"
  "<rect width=\"120\" height=\"80\" fill=\"#ffffff\"/><circle cx=\"60\" cy=\"40\" r=\"20\" fill=\"#1d70b8\"/></svg>";

static void test_renders_png_at_scale(void **state) {
  (void)state;
  struct pngsvg_buf b = {0};
  char err[256];
  assert_int_equal(pngsvg_render(SVG, strlen(SVG), 2.0, &b, err, sizeof err), 0);
  assert_true(b.len > 33);
  assert_memory_equal(b.data, "\x89PNG\r\n\x1a\n", 8);
  assert_memory_equal(b.data + 12, "IHDR", 4);
  assert_int_equal(be32(b.data + 16), 240);   /* 120 SVG units at 2 px each */
  assert_int_equal(be32(b.data + 20), 160);
  pngsvg_buf_free(&b);
  pngsvg_buf_free(&b);                         /* safe twice */
}

static void test_same_bytes_twice(void **state) {
  (void)state;
  struct pngsvg_buf a = {0}, b = {0};
  char err[256];
  assert_int_equal(pngsvg_render(SVG, strlen(SVG), 1.0, &a, err, sizeof err), 0);
  assert_int_equal(pngsvg_render(SVG, strlen(SVG), 1.0, &b, err, sizeof err), 0);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  pngsvg_buf_free(&a);
  pngsvg_buf_free(&b);
}

static void test_rejects_bad_documents(void **state) {
  (void)state;
  struct pngsvg_buf b = {0};
  char err[256] = "";
  const char *junk = "<svg this is not xml";
  assert_int_equal(pngsvg_render(junk, strlen(junk), 1.0, &b, err, sizeof err), -1);
  assert_true(strlen(err) > 0);
  const char *huge = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100000\"></svg>";
  err[0] = '\0';
  assert_int_equal(pngsvg_render(huge, strlen(huge), 1.0, &b, err, sizeof err), -1);
  assert_true(strlen(err) > 0);
  pngsvg_buf_free(&b);
}

/* Entities can expand without bound (and a malformed declaration leaked in
 * libxml2, found by tests/fuzz/svg.c): a DOCTYPE is refused before parsing. */
static void test_refuses_document_type_declarations(void **state) {
  (void)state;
  struct pngsvg_buf b = {0};
  char err[256] = "";
  const char *bomb = "<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&b;</text></svg>";
  assert_int_equal(pngsvg_render(bomb, strlen(bomb), 1.0, &b, err, sizeof err), -1);
  assert_non_null(strstr(err, "document type declaration"));
  assert_int_equal(b.len, 0);
  const char *bare = "0<!DOCTYPE svg [<!ENTITY a \"aaaa\">]>0";
  assert_int_equal(pngsvg_render(bare, strlen(bare), 1.0, &b, err, sizeof err), -1);
  assert_non_null(strstr(err, "document type declaration"));
  pngsvg_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_renders_png_at_scale),
    cmocka_unit_test(test_same_bytes_twice),
    cmocka_unit_test(test_rejects_bad_documents),
    cmocka_unit_test(test_refuses_document_type_declarations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
