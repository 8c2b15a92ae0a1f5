/* host/render/pngsvg.c -- SVG to PNG with librsvg 2 and cairo, so report charts can
 * be pasted into Word.  Rasterising is left to these well-kept libraries
 * rather than done by hand.  Pure C (no Lua); the binding is host/bind/lpng.c.
 * The PNG encoder is cairo's, which writes no timestamp chunk, so the same
 * SVG gives the same bytes on the same machine (fonts permitting). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <librsvg/rsvg.h>

#include "pngsvg.h"

void pngsvg_buf_free(struct pngsvg_buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* cairo's PNG stream callback: append to the buffer, doubling it as needed. */
static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length) {
  struct pngsvg_buf *b = closure;
  if (b->len + length > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + length) cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p) return CAIRO_STATUS_NO_MEMORY;
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, length);
  b->len += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Size of the document in SVG units: width/height attributes if absolute,
 * else the viewBox.  Returns 0 when the document says neither. */
static int doc_size(RsvgHandle *h, double *w, double *hgt) {
  if (rsvg_handle_get_intrinsic_size_in_pixels(h, w, hgt) && *w > 0 && *hgt > 0) return 1;
  gboolean has_w, has_h, has_vb;
  RsvgLength lw, lh;
  RsvgRectangle vb;
  rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
  if (has_vb && vb.width > 0 && vb.height > 0) {
    *w = vb.width;
    *hgt = vb.height;
    return 1;
  }
  return 0;
}

/* Whether the n bytes at s hold the NUL-terminated word w. */
static int has_word(const char *s, size_t n, const char *w) {
  size_t k = strlen(w);
  for (size_t i = 0; i + k <= n; i++)
    if (s[i] == w[0] && memcmp(s + i, w, k) == 0) return 1;
  return 0;
}

int pngsvg_render(const char *svg, size_t len, double scale, struct pngsvg_buf *out,
                  char *err, size_t errlen) {
  GError *gerr = NULL;
  int status = -1;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  RsvgHandle *h = NULL;
  /* A document type declaration can declare entities, which libxml2 expands
   * (an "entity bomb" grows without bound) and, in Debian 12's libxml2,
   * leaks on some malformed ones.  csceval's charts never have one. */
  if (has_word(svg, len, "<!DOCTYPE") || has_word(svg, len, "<!ENTITY")) {
    snprintf(err, errlen, "the SVG has a document type declaration (<!DOCTYPE or <!ENTITY); "
                          "charts are drawn without one, so it is refused");
    goto done;
  }
  h = rsvg_handle_new_from_data((const guint8 *)svg, len, &gerr);
  if (!h) {
    snprintf(err, errlen, "not a readable SVG document (%s)", gerr ? gerr->message : "no detail");
    goto done;
  }
  rsvg_handle_set_dpi(h, 96.0);
  double w, hgt;
  if (!doc_size(h, &w, &hgt)) {
    snprintf(err, errlen, "the SVG has no absolute width and height and no viewBox");
    goto done;
  }
  double pw = ceil(w * scale), ph = ceil(hgt * scale);
  if (!(pw >= 1 && ph >= 1 && pw <= PNGSVG_MAX_SIDE && ph <= PNGSVG_MAX_SIDE)) {
    snprintf(err, errlen, "image of %.0f x %.0f pixels is outside 1 to %d per side", pw, ph, PNGSVG_MAX_SIDE);
    goto done;
  }
  surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)pw, (int)ph);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "cannot make a %.0f x %.0f image: %s", pw, ph,
             cairo_status_to_string(cairo_surface_status(surface)));
    goto done;
  }
  cr = cairo_create(surface);
  RsvgRectangle viewport = {0, 0, pw, ph};
  if (!rsvg_handle_render_document(h, cr, &viewport, &gerr)) {
    snprintf(err, errlen, "cannot draw the SVG (%s)", gerr ? gerr->message : "no detail");
    goto done;
  }
  cairo_surface_flush(surface);
  cairo_status_t st = cairo_surface_write_to_png_stream(surface, append, out);
  if (st != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "cannot encode the PNG: %s", cairo_status_to_string(st));
    goto done;
  }
  status = 0;
done:
  if (cr) cairo_destroy(cr);
  if (surface) cairo_surface_destroy(surface);
  if (h) g_object_unref(h);
  if (gerr) g_error_free(gerr);
  return status;
}
