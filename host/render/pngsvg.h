/* host/render/pngsvg.h -- SVG to PNG for report charts (librsvg + cairo). */
#ifndef CSC_PNGSVG_H
#define CSC_PNGSVG_H

#include <stddef.h>

/* A growing byte buffer; the caller owns it and frees it with pngsvg_buf_free
 * (safe on a zeroed or already freed buffer). */
struct pngsvg_buf {
  unsigned char *data;
  size_t len, cap;
};

/* Largest width or height accepted, in pixels, so a bad viewBox cannot ask
 * for gigabytes. */
#define PNGSVG_MAX_SIDE 16384

/* Render the SVG document svg[0..len) at `scale` pixels per SVG unit onto a
 * transparent ARGB image (csceval's charts paint their own white background)
 * and append it as PNG to out.  Returns 0, or -1 with a message in err.
 * External references (images, stylesheets, fonts by URL) are not loaded:
 * the document has no base location, and librsvg refuses them then. */
int pngsvg_render(const char *svg, size_t len, double scale, struct pngsvg_buf *out,
                  char *err, size_t errlen);

void pngsvg_buf_free(struct pngsvg_buf *b);

#endif
