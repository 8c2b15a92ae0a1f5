/* host/data/describe.c -- the text of `csceval describe FILE.csv`: rows and
 * columns, then per column its type, missing values by reason (commonest
 * reason first), min/mean/max for numbers and dates, true/false counts for
 * booleans, and the top DESCRIBE_TOP levels of text with counts.  Pure C on
 * host/data/frame.h; the output is meant for people, not for parsing. */
#include "describe.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* About 6 significant digits, never an exponent for ordinary magnitudes:
 * 632830, 4731.23, 0.01234; trailing zeros dropped. */
static void fmt_num(char *buf, size_t cap, double x) {
  if (isnan(x)) { snprintf(buf, cap, "NaN"); return; }
  if (isinf(x)) { snprintf(buf, cap, x > 0 ? "Inf" : "-Inf"); return; }
  double ax = fabs(x);
  if (ax != 0 && (ax < 1e-4 || ax >= 1e15)) { snprintf(buf, cap, "%.6g", x); return; }
  int dec = ax == 0 ? 0 : 5 - (int)floor(log10(ax));
  if (dec < 0) dec = 0;
  if (dec > 10) dec = 10;
  snprintf(buf, cap, "%.*f", dec, x);
  if (strchr(buf, '.')) {
    char *e = buf + strlen(buf) - 1;
    while (*e == '0') *e-- = '\0';
    if (*e == '.') *e = '\0';
  }
  if (strcmp(buf, "-0") == 0) snprintf(buf, cap, "0");
}

/* A text value for display: quoted, control bytes escaped, at most 40 bytes
 * (cut on a UTF-8 character boundary). */
static void put_level(FILE *out, const char *s, size_t len) {
  size_t lim = len;
  if (lim > 40) {
    lim = 40;
    while (lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80) lim--;
  }
  fputc('"', out);
  for (size_t i = 0; i < lim; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') fputs("\\n", out);
    else if (c == '"') fputs("\\\"", out);
    else if (c < 0x20 || c == 0x7F) fprintf(out, "\\x%02X", c);
    else fputc(c, out);
  }
  if (lim < len) fputs("...", out);
  fputc('"', out);
}

/* "missing 32 of 2132 (1.5%): 29 suppressed (c), 3 blank" */
static void put_missing(FILE *out, const struct frame_col *c) {
  size_t counts[NA_NREASONS];
  frame_col_na_counts(c, counts);
  size_t nmiss = c->n - counts[NA_NONE];
  if (nmiss == 0) { fputs("      missing: none\n", out); return; }
  fprintf(out, "      missing %zu of %zu (%.1f%%): ", nmiss, c->n, 100.0 * (double)nmiss / (double)c->n);
  int used[NA_NREASONS] = {0};
  for (int k = 0;; k++) {                      /* commonest reason first; ties in enum order */
    int best = -1;
    for (int r = 1; r < NA_NREASONS; r++)
      if (!used[r] && counts[r] && (best < 0 || counts[r] > counts[best])) best = r;
    if (best < 0) break;
    used[best] = 1;
    fprintf(out, "%s%zu %s", k ? ", " : "", counts[best], frame_na_describe((enum frame_na)best));
  }
  fputc('\n', out);
}

static void put_numeric(FILE *out, const struct frame_col *c) {
  size_t n = 0;
  double sum = 0, lo = 0, hi = 0;
  int64_t ilo = 0, ihi = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (frame_col_isna(c, i)) continue;
    double x = frame_col_getd(c, i);
    if (c->type == FRAME_I64) {
      int64_t v = c->v.i64[i];
      if (!n || v < ilo) ilo = v;
      if (!n || v > ihi) ihi = v;
    }
    if (!n || x < lo) lo = x;
    if (!n || x > hi) hi = x;
    sum += x;
    n++;
  }
  if (!n) { fputs("      no values\n", out); return; }
  double mean = sum / (double)n;
  char a[64], m[64], b[64];
  if (c->type == FRAME_DATE) {
    frame_date_format((int32_t)lo, a);
    frame_date_format((int32_t)llround(mean), m);
    frame_date_format((int32_t)hi, b);
  } else if (c->type == FRAME_I64) {
    snprintf(a, sizeof a, "%lld", (long long)ilo);
    fmt_num(m, sizeof m, mean);
    snprintf(b, sizeof b, "%lld", (long long)ihi);
  } else {
    fmt_num(a, sizeof a, lo);
    fmt_num(m, sizeof m, mean);
    fmt_num(b, sizeof b, hi);
  }
  fprintf(out, "      min %s, mean %s, max %s\n", a, m, b);
}

static void put_bool(FILE *out, const struct frame_col *c) {
  size_t t = 0, f = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (frame_col_isna(c, i)) continue;
    if (c->v.b[i]) t++; else f++;
  }
  if (t + f == 0) { fputs("      no values\n", out); return; }
  fprintf(out, "      true %zu (%.1f%%), false %zu\n", t, 100.0 * (double)t / (double)(t + f), f);
}

static int put_levels(FILE *out, const struct frame_col *c) {
  const struct frame_dict *d = c->dict;
  size_t *cnt = calloc(d->n ? d->n : 1, sizeof *cnt);
  if (!cnt) { fputs("      (levels not counted: out of memory)\n", out); return -1; }
  size_t present = 0, nlev = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (frame_col_isna(c, i)) continue;
    if (cnt[c->v.cat[i]]++ == 0) nlev++;
    present++;
  }
  if (!present) { fputs("      no values\n", out); free(cnt); return 0; }
  fprintf(out, "      %zu level%s; ", nlev, nlev == 1 ? "" : "s");
  if (nlev > DESCRIBE_TOP) fprintf(out, "top %d: ", DESCRIBE_TOP);
  for (int k = 0; k < DESCRIBE_TOP; k++) {     /* commonest first; ties by first appearance */
    size_t best = SIZE_MAX;
    for (size_t j = 0; j < d->n; j++)
      if (cnt[j] && (best == SIZE_MAX || cnt[j] > cnt[best])) best = j;
    if (best == SIZE_MAX) break;
    if (k) fputs(", ", out);
    put_level(out, d->str[best], d->len[best]);
    fprintf(out, " %zu", cnt[best]);
    cnt[best] = 0;
  }
  fputc('\n', out);
  free(cnt);
  return 0;
}

/* The variable label and value labels a statistical file or survey export
 * gave the column:
 *   label: "Sex of child"
 *   value labels: 1 "Girl", 2 "Boy", .a "Not asked"   (at most DESCRIBE_VLABELS) */
static void put_meta(FILE *out, const struct frame_col *c) {
  const struct frame_meta *m = c->meta;
  if (!m) return;
  if (m->label) {
    fputs("      label: ", out);
    put_level(out, m->label, strlen(m->label));
    fputc('\n', out);
  }
  if (!m->nvl) return;
  fputs("      value labels: ", out);
  for (size_t k = 0; k < m->nvl && k < DESCRIBE_VLABELS; k++) {
    const struct frame_vlabel *v = &m->vl[k];
    if (k) fputs(", ", out);
    if (v->str) put_level(out, v->str, strlen(v->str));
    else if (v->tag) fprintf(out, ".%c", v->tag);
    else { char b[64]; fmt_num(b, sizeof b, v->value); fputs(b, out); }
    fputs(" = ", out);
    put_level(out, v->label, strlen(v->label));
  }
  if (m->nvl > DESCRIBE_VLABELS) fprintf(out, ", ... (%zu in all)", m->nvl);
  fputc('\n', out);
}

/* SPSS user-missing codes found, with their counts and labels:
 *   user-missing codes: -9 "Refused" 3, -8 "Don't know" 1
 * (in a column read as text, the codes' labels: "Refused" 3) */
static void put_user_missing_text(FILE *out, const struct frame_col *c) {
  size_t *cnt = calloc(c->dict->n ? c->dict->n : 1, sizeof *cnt);
  if (!cnt) return;
  size_t any = 0;
  for (size_t i = 0; i < c->n; i++)
    if (c->na[i] == NA_USER) { cnt[c->v.cat[i]]++; any++; }
  if (any) {
    fputs("      user-missing codes: ", out);
    for (size_t k = 0, shown = 0; k < c->dict->n; k++) {
      if (!cnt[k]) continue;
      if (shown++) fputs(", ", out);
      put_level(out, c->dict->str[k], c->dict->len[k]);
      fprintf(out, " %zu", cnt[k]);
    }
    fputc('\n', out);
  }
  free(cnt);
}

static void put_user_missing(FILE *out, const struct frame_col *c) {
  if (c->na && c->type == FRAME_CAT) { put_user_missing_text(out, c); return; }
  if (!c->na || (c->type != FRAME_I64 && c->type != FRAME_F64)) return;
  double codes[8];
  size_t cnt[8], nc = 0, other = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (c->na[i] != NA_USER) continue;
    double x = c->type == FRAME_I64 ? (double)c->v.i64[i] : c->v.f64[i];
    size_t k = 0;
    while (k < nc && codes[k] != x) k++;
    if (k == nc) {
      if (nc == 8) { other++; continue; }
      codes[nc] = x; cnt[nc++] = 0;
    }
    cnt[k]++;
  }
  if (!nc) return;
  fputs("      user-missing codes: ", out);
  for (size_t k = 0; k < nc; k++) {
    char b[64];
    fmt_num(b, sizeof b, codes[k]);
    fprintf(out, "%s%s", k ? ", " : "", b);
    const char *lab = frame_meta_vlabel(c->meta, codes[k]);
    if (lab) { fputc(' ', out); put_level(out, lab, strlen(lab)); }
    fprintf(out, " %zu", cnt[k]);
  }
  if (other) fprintf(out, ", %zu with other codes", other);
  fputc('\n', out);
}

int describe_frame(FILE *out, const struct frame *f, const char *label) {
  int rc = 0;
  fprintf(out, "%s: %zu row%s, %zu column%s\n\n", label ? label : "frame", f->nrow,
          f->nrow == 1 ? "" : "s", f->ncol, f->ncol == 1 ? "" : "s");
  int w = f->ncol >= 100 ? 3 : f->ncol >= 10 ? 2 : 1;
  for (size_t j = 0; j < f->ncol; j++) {
    const struct frame_col *c = f->col[j];
    fprintf(out, "%*zu  %s  (%s)\n", w, j + 1, c->name, frame_type_name(c->type));
    put_meta(out, c);
    put_missing(out, c);
    put_user_missing(out, c);
    switch (c->type) {
    case FRAME_F64: case FRAME_I64: case FRAME_DATE: put_numeric(out, c); break;
    case FRAME_BOOL: put_bool(out, c); break;
    case FRAME_CAT: if (put_levels(out, c) != 0) rc = -1; break;
    default: break;
    }
  }
  return rc;
}
