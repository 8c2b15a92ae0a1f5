/* tests/fuzz/svg.c -- the SVG-to-PNG path (host/render/pngsvg.c: librsvg and
 * cairo).  Input: one byte choosing the scale (0.25 to 2), then the SVG
 * document.  Checks: no crash or sanitizer report; a failure has a message;
 * a success is a PNG (its signature and IHDR) of the size the document and
 * scale ask for, within PNGSVG_MAX_SIDE. */
#include <string.h>

#include "render/pngsvg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const double scales[] = {1.0, 2.0, 0.5, 0.25};
  double scale = scales[data[0] & 3];
  struct pngsvg_buf out = {0};
  char err[512] = "";
  int rc = pngsvg_render((const char *)data + 1, size - 1, scale, &out, err, sizeof err);
  if (rc != 0) {
    if (!err[0]) fuzz_fail("failed without a message");
    if (out.len) fuzz_fail("failed but wrote %zu bytes", out.len);
  } else {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (out.len < 24 || memcmp(out.data, sig, 8) || memcmp(out.data + 12, "IHDR", 4))
      fuzz_fail("the output is not a PNG");
    uint32_t w = (uint32_t)out.data[16] << 24 | (uint32_t)out.data[17] << 16 | (uint32_t)out.data[18] << 8 | out.data[19];
    uint32_t h = (uint32_t)out.data[20] << 24 | (uint32_t)out.data[21] << 16 | (uint32_t)out.data[22] << 8 | out.data[23];
    if (w < 1 || h < 1 || w > PNGSVG_MAX_SIDE || h > PNGSVG_MAX_SIDE) fuzz_fail("a %u x %u PNG", w, h);
  }
  pngsvg_buf_free(&out);
  return 0;
}
