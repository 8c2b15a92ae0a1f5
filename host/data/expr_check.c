/* host/data/expr_check.c -- building the typed tree: every constructor checks its
 * operands' types, inserts conversions (int64 -> float64, text literal ->
 * dictionary code or date), and works out at compile time everything that
 * depends on the data's dictionaries, so evaluation never looks at a string
 * for == / ~= / in.  Messages name the operand and its place in the text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

/* ===== nodes and references ===== */

static struct expr_node *node_new(struct expr_cc *cc, enum expr_kind k, enum expr_vtype t,
                                  int pos) {
  struct expr *e = cc->e;
  if (e->nnodes == e->capnodes) {
    size_t nc = e->capnodes ? e->capnodes * 2 : 16;
    struct expr_node **p = realloc(e->nodes, nc * sizeof *p);
    if (!p) { expr_oom(cc, pos); return NULL; }
    e->nodes = p; e->capnodes = nc;
  }
  struct expr_node *n = calloc(1, sizeof *n);
  if (!n) { expr_oom(cc, pos); return NULL; }
  n->kind = k; n->type = t; n->pos = pos;
  n->depth = 1; n->nslot = 1;
  e->nodes[e->nnodes++] = n;
  return n;
}

/* Depth and scratch needs from the children.  Evaluation gives a node slot s
 * and its k-th child slot s+1+k; the child's own subtree uses the slots after
 * that, which are free again once the child has returned (see expr_eval.c). */
static struct expr_node *node_done(struct expr_cc *cc, struct expr_node *n) {
  struct expr_node *ch[3] = {n->a, n->b, n->c};
  for (int k = 0; k < 3; k++) {
    if (!ch[k]) continue;
    if (ch[k]->depth + 1 > n->depth) n->depth = ch[k]->depth + 1;
    if (1 + k + ch[k]->nslot > n->nslot) n->nslot = 1 + k + ch[k]->nslot;
  }
  if (n->depth > EXPR_MAX_DEPTH) {
    expr_error(cc, n->pos, "expression is nested too deeply (more than %d levels)",
               EXPR_MAX_DEPTH);
    return NULL;
  }
  return n;
}

static int hold_dict(struct expr_cc *cc, struct frame_dict *d, int pos) {
  struct expr *e = cc->e;
  if (e->ndicts == e->capdicts) {
    size_t nc = e->capdicts ? e->capdicts * 2 : 4;
    struct frame_dict **p = realloc(e->dicts, nc * sizeof *p);
    if (!p) { expr_oom(cc, pos); return -1; }
    e->dicts = p; e->capdicts = nc;
  }
  frame_dict_retain(d);
  e->dicts[e->ndicts++] = d;
  return 0;
}

/* A new dictionary owned by the expression (one reference, held in e->dicts). */
static struct frame_dict *new_dict(struct expr_cc *cc, int pos) {
  struct frame_dict *d = frame_dict_new();
  if (!d) { expr_oom(cc, pos); return NULL; }
  int rc = hold_dict(cc, d, pos);
  frame_dict_release(d);   /* e->dicts now holds the only reference */
  return rc == 0 ? d : NULL;
}

/* ===== describing operands in messages ===== */

const char *expr_type_noun(enum expr_vtype t) {
  switch (t) {
  case EV_F64: case EV_I64: return "a number";
  case EV_BOOL: return "a true/false value";
  case EV_DATE: return "a date";
  default: return "text";
  }
}

static const char *col_noun(enum expr_vtype t) {
  switch (t) {
  case EV_F64: case EV_I64: return "number";
  case EV_BOOL: return "true/false";
  case EV_DATE: return "date";
  default: return "text";
  }
}

/* The operand as precisely as possible: `text column "la_name"`, `the text "x"`. */
static const char *describe(const struct expr_cc *cc, const struct expr_node *n, char *buf,
                            size_t len) {
  switch (n->kind) {
  case EK_COL:
    snprintf(buf, len, "%s column \"%s\"", col_noun(n->type), cc->f->col[n->col]->name);
    return buf;
  case EK_STR: snprintf(buf, len, "the text \"%.40s\"", n->str); return buf;
  case EK_CONST:
    switch (n->type) {
    case EV_I64: snprintf(buf, len, "the number %lld", (long long)n->k.i); return buf;
    case EV_F64: snprintf(buf, len, "the number %g", n->k.f); return buf;
    case EV_BOOL: return n->k.i ? "true" : "false";
    case EV_DATE: {
      char d[16];
      frame_date_format((int32_t)n->k.i, d);
      snprintf(buf, len, "the date %s", d);
      return buf;
    }
    default: snprintf(buf, len, "the text \"%.40s\"", n->dict->str[0]); return buf;
    }
  default:
    return n->type == EV_CAT ? "a text value" : expr_type_noun(n->type);
  }
}

/* ===== conversions ===== */

static int is_num(enum expr_vtype t) { return t == EV_F64 || t == EV_I64; }

static struct expr_node *to_f64(struct expr_cc *cc, struct expr_node *n) {
  if (!n || n->type == EV_F64) return n;
  if (n->kind == EK_CONST) {   /* fold: constants stay constants */
    n->k.f = (double)n->k.i;
    n->type = EV_F64;
    return n;
  }
  struct expr_node *c = node_new(cc, EK_TOF64, EV_F64, n->pos);
  if (!c) return NULL;
  c->a = n;
  return node_done(cc, c);
}

/* A text literal used as a value: a constant with a one-entry dictionary. */
static struct expr_node *str_to_cat(struct expr_cc *cc, struct expr_node *n) {
  if (!n || n->kind != EK_STR) return n;
  struct frame_dict *d = new_dict(cc, n->pos);
  if (!d) return NULL;
  if (frame_dict_intern(d, n->str, n->len) != 0) { expr_oom(cc, n->pos); return NULL; }
  n->kind = EK_CONST; n->type = EV_CAT; n->dict = d; n->k.i = 0;
  return n;
}

static struct expr_node *str_to_date(struct expr_cc *cc, struct expr_node *n) {
  if (!n || n->kind != EK_STR) return n;
  int32_t d;
  if (frame_date_parse(n->str, n->len, &d) != 0) {
    expr_error(cc, n->pos, "\"%.40s\" is not a date (expected YYYY-MM-DD or DD/MM/YYYY)",
               n->str);
    return NULL;
  }
  n->kind = EK_CONST; n->type = EV_DATE; n->k.i = d;
  return n;
}

/* ===== leaves ===== */

static int is_function_name(const char *s);

static void unknown_column(struct expr_cc *cc, const char *name, size_t len, int pos) {
  const struct frame *f = cc->f;
  int best = 3;
  const char *sugg = NULL;
  for (size_t j = 0; j < f->ncol; j++) {
    const char *cn = f->col[j]->name;
    int d = (int)frame_edit_distance(name, len, cn, strlen(cn));
    if (d < best && (size_t)d < len) { best = d; sugg = cn; }   /* "NA" is not a typo of "x" */
  }
  char hint[320] = "";
  if (!strcmp(name, "NA") || !strcmp(name, "nil") || !strcmp(name, "null") ||
      !strcmp(name, "NULL")) {
    snprintf(hint, sizeof hint, " (there is no missing-value literal; test with is_missing(x))");
  } else if (is_function_name(name)) {
    snprintf(hint, sizeof hint, " (%s is a function: write %s(...))", name, name);
  } else if (sugg) {
    snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", sugg);
  } else if (f->ncol > 0 && f->ncol <= 12) {
    size_t o = (size_t)snprintf(hint, sizeof hint, "; the columns are ");
    for (size_t j = 0; j < f->ncol && o < sizeof hint; j++)
      o += (size_t)snprintf(hint + o, sizeof hint - o, "%s%s", j ? ", " : "", f->col[j]->name);
  }
  expr_error(cc, pos, "unknown column \"%.80s\"%s", name, hint);
}

/* Remember a column the expression reads, so evaluation can check the frame. */
static int add_colref(struct expr_cc *cc, int idx, int pos) {
  struct expr *e = cc->e;
  for (size_t i = 0; i < e->ncols; i++) if (e->cols[i].idx == idx) return 0;
  if (e->ncols == e->capcols) {
    size_t nc = e->capcols ? e->capcols * 2 : 4;
    struct expr_colref *p = realloc(e->cols, nc * sizeof *p);
    if (!p) { expr_oom(cc, pos); return -1; }
    e->cols = p; e->capcols = nc;
  }
  const struct frame_col *c = cc->f->col[idx];
  struct expr_colref *r = &e->cols[e->ncols];
  if (!(r->name = strdup(c->name))) { expr_oom(cc, pos); return -1; }
  r->idx = idx; r->type = c->type; r->dict = NULL; r->dictn = 0;
  if (c->type == FRAME_CAT && c->dict) {
    frame_dict_retain(c->dict);
    r->dict = c->dict; r->dictn = c->dict->n;
  }
  e->ncols++;
  return 0;
}

struct expr_node *expr_mk_col(struct expr_cc *cc, const char *name, size_t len, int pos) {
  char *s = malloc(len + 1);
  if (!s) { expr_oom(cc, pos); return NULL; }
  memcpy(s, name, len);
  s[len] = '\0';
  int j = strlen(s) == len ? frame_find(cc->f, s) : -1;
  if (j < 0) { unknown_column(cc, s, len, pos); free(s); return NULL; }
  free(s);
  const struct frame_col *c = cc->f->col[j];
  static const enum expr_vtype vt[FRAME_NTYPES] = {EV_F64, EV_I64, EV_BOOL, EV_DATE, EV_CAT};
  if ((unsigned)c->type >= FRAME_NTYPES || (c->type == FRAME_CAT && !c->dict)) {
    expr_error(cc, pos, "column \"%s\" has an unknown type", c->name);
    return NULL;
  }
  if (add_colref(cc, j, pos) != 0) return NULL;
  struct expr_node *n = node_new(cc, EK_COL, vt[c->type], pos);
  if (!n) return NULL;
  n->col = j;
  n->dict = c->dict;
  return n;
}

struct expr_node *expr_mk_num(struct expr_cc *cc, int is_int, double f, int64_t i, int pos) {
  struct expr_node *n = node_new(cc, EK_CONST, is_int ? EV_I64 : EV_F64, pos);
  if (!n) return NULL;
  if (is_int) n->k.i = i; else n->k.f = f;
  return n;
}

struct expr_node *expr_mk_bool(struct expr_cc *cc, int v, int pos) {
  struct expr_node *n = node_new(cc, EK_CONST, EV_BOOL, pos);
  if (n) n->k.i = v != 0;
  return n;
}

struct expr_node *expr_mk_str(struct expr_cc *cc, char *s, size_t len, int pos) {
  struct expr_node *n = node_new(cc, EK_STR, EV_STR, pos);
  if (!n) { free(s); return NULL; }
  n->str = s; n->len = len;
  return n;
}

/* ===== operators ===== */

struct expr_node *expr_mk_neg(struct expr_cc *cc, struct expr_node *a, int pos) {
  if (!a) return NULL;
  char d[128];
  if (!is_num(a->type)) {
    expr_error(cc, a->pos, "cannot negate %s", describe(cc, a, d, sizeof d));
    return NULL;
  }
  if (a->kind == EK_CONST) {   /* fold, so -1 is a literal (for in-lists and digits) */
    if (a->type == EV_F64) a->k.f = -a->k.f;
    else if (a->k.i == INT64_MIN) { a->type = EV_F64; a->k.f = 9223372036854775808.0; }
    else a->k.i = -a->k.i;
    a->pos = pos;
    return a;
  }
  struct expr_node *n = node_new(cc, EK_NEG, a->type, pos);
  if (!n) return NULL;
  n->a = a;
  return node_done(cc, n);
}

struct expr_node *expr_mk_not(struct expr_cc *cc, struct expr_node *a, int pos) {
  if (!a) return NULL;
  char d[128];
  if (a->type != EV_BOOL) {
    expr_error(cc, a->pos, "\"not\" needs a true/false value, found %s",
               describe(cc, a, d, sizeof d));
    return NULL;
  }
  struct expr_node *n = node_new(cc, EK_NOT, EV_BOOL, pos);
  if (!n) return NULL;
  n->a = a;
  return node_done(cc, n);
}

struct expr_node *expr_mk_logic(struct expr_cc *cc, enum expr_kind k, struct expr_node *a,
                                struct expr_node *b, int pos) {
  if (!a || !b) return NULL;
  struct expr_node *bad = a->type != EV_BOOL ? a : b->type != EV_BOOL ? b : NULL;
  if (bad) {
    char d[128];
    expr_error(cc, bad->pos, "\"%s\" needs true/false values on both sides, found %s%s",
               k == EK_AND ? "and" : "or", describe(cc, bad, d, sizeof d),
               is_num(bad->type) ? " (compare it first, e.g. x > 0)" : "");
    return NULL;
  }
  struct expr_node *n = node_new(cc, k, EV_BOOL, pos);
  if (!n) return NULL;
  n->a = a; n->b = b;
  return node_done(cc, n);
}

static void arith_error(struct expr_cc *cc, enum expr_op op, const struct expr_node *a,
                        const struct expr_node *b, const struct expr_node *bad) {
  char da[128], db[128];
  const char *sa = bad == a ? describe(cc, a, da, sizeof da) : expr_type_noun(a->type);
  const char *sb = bad == b ? describe(cc, b, db, sizeof db) : expr_type_noun(b->type);
  const char *hint = a->type == EV_DATE || b->type == EV_DATE
    ? " (dates take whole days: d + 7, d - 7; use days_between(a, b) for the days from a to b)"
    : "";
  switch (op) {
  case EO_ADD: expr_error(cc, bad->pos, "cannot add %s to %s%s", sb, sa, hint); break;
  case EO_SUB: expr_error(cc, bad->pos, "cannot subtract %s from %s%s", sb, sa, hint); break;
  case EO_MUL: expr_error(cc, bad->pos, "cannot multiply %s by %s%s", sa, sb, hint); break;
  case EO_DIV: expr_error(cc, bad->pos, "cannot divide %s by %s%s", sa, sb, hint); break;
  case EO_POW: expr_error(cc, bad->pos, "cannot raise %s to the power %s%s", sa, sb, hint); break;
  default: expr_error(cc, bad->pos, "cannot take %s modulo %s%s", sa, sb, hint); break;
  }
}

static struct expr_node *mk_bin(struct expr_cc *cc, enum expr_kind k, enum expr_vtype t,
                                int op, int mode, struct expr_node *a, struct expr_node *b,
                                int pos) {
  if (!a || !b) return NULL;
  struct expr_node *n = node_new(cc, k, t, pos);
  if (!n) return NULL;
  n->op = op; n->mode = mode; n->a = a; n->b = b;
  return node_done(cc, n);
}

/* Dates: date +/- whole days -> date, date - date -> days (int64). */
static struct expr_node *date_arith(struct expr_cc *cc, enum expr_op op, struct expr_node *a,
                                    struct expr_node *b, int pos) {
  if (op == EO_ADD && a->type == EV_I64 && b->type == EV_DATE) {
    struct expr_node *t = a; a = b; b = t;
  }
  if ((op == EO_ADD || op == EO_SUB) && a->type == EV_DATE && b->type == EV_I64)
    return mk_bin(cc, EK_ARITH, EV_DATE, op, AM_DATE_I64, a, b, pos);
  if (op == EO_SUB && a->type == EV_DATE && b->type == EV_DATE)
    return mk_bin(cc, EK_ARITH, EV_I64, op, AM_DATE_DATE, a, b, pos);
  return NULL;
}

struct expr_node *expr_mk_arith(struct expr_cc *cc, enum expr_op op, struct expr_node *a,
                                struct expr_node *b, int pos) {
  if (!a || !b) return NULL;
  if (is_num(a->type) && is_num(b->type)) {
    if (a->type == EV_I64 && b->type == EV_I64 && op != EO_DIV && op != EO_POW)
      return mk_bin(cc, EK_ARITH, EV_I64, op, AM_I64, a, b, pos);
    return mk_bin(cc, EK_ARITH, EV_F64, op, AM_F64, to_f64(cc, a), to_f64(cc, b), pos);
  }
  if (a->type == EV_DATE || b->type == EV_DATE) {
    struct expr_node *n = date_arith(cc, op, a, b, pos);
    if (n || cc->failed) return n;
  }
  const struct expr_node *bad = is_num(a->type) ? b : a;
  if (a->type == EV_DATE && (op == EO_ADD || op == EO_SUB)) bad = b;
  arith_error(cc, op, a, b, bad);
  return NULL;
}

/* ===== comparisons ===== */

static enum expr_op cmp_flip(enum expr_op op) {
  switch (op) {
  case EO_LT: return EO_GT;
  case EO_LE: return EO_GE;
  case EO_GT: return EO_LT;
  case EO_GE: return EO_LE;
  default: return op;
  }
}

/* text column (a) against a literal (s): the literal's code, looked up once
 * now, for == / ~=; for ordering, a table over the dictionary's entries. */
static struct expr_node *cmp_cat_literal(struct expr_cc *cc, enum expr_op op,
                                         struct expr_node *a, const struct expr_node *s,
                                         int pos) {
  const struct frame_dict *d = a->dict;
  struct expr_node *n = node_new(cc, EK_CMP, EV_BOOL, pos);
  if (!n) return NULL;
  n->op = op; n->a = a;
  if (op == EO_EQ || op == EO_NE) {
    n->mode = CM_CATCODE;
    n->code = frame_dict_find(d, s->str, s->len);
    return node_done(cc, n);
  }
  n->mode = CM_CATLUT;
  n->nlut = d->n;
  if (!(n->lut = malloc(d->n ? d->n : 1))) { expr_oom(cc, pos); return NULL; }
  for (size_t c = 0; c < d->n; c++)
    n->lut[c] = (uint8_t)expr_cmp_holds(op, expr_bytes_cmp(d->str[c], d->len[c], s->str, s->len));
  return node_done(cc, n);
}

static void cmp_error(struct expr_cc *cc, const struct expr_node *a, const struct expr_node *b,
                      int pos) {
  char da[128], db[128];
  const struct expr_node *txt = a->type == EV_STR || a->type == EV_CAT ? a : b;
  const struct expr_node *num = txt == a ? b : a;
  const char *hint = "";
  if ((txt->type == EV_CAT || txt->type == EV_STR) && is_num(num->type)) {
    if (txt->kind == EK_STR) hint = " (to compare with a number, write it without quotes)";
    else if (num->kind == EK_CONST) hint = " (text is compared with text: put the value in quotes)";
  }
  expr_error(cc, pos, "cannot compare %s with %s%s", describe(cc, a, da, sizeof da),
             describe(cc, b, db, sizeof db), hint);
}

struct expr_node *expr_mk_cmp(struct expr_cc *cc, enum expr_op op, struct expr_node *a,
                              struct expr_node *b, int pos) {
  if (!a || !b) return NULL;
  /* a literal next to a text column goes through the dictionary */
  if (a->kind == EK_STR && b->type == EV_CAT) return cmp_cat_literal(cc, cmp_flip(op), b, a, pos);
  if (b->kind == EK_STR && a->type == EV_CAT) return cmp_cat_literal(cc, op, a, b, pos);
  if (a->kind == EK_STR && b->type == EV_DATE) a = str_to_date(cc, a);
  else if (b->kind == EK_STR && a->type == EV_DATE) b = str_to_date(cc, b);
  else if (a->kind == EK_STR && b->kind == EK_STR) { a = str_to_cat(cc, a); b = str_to_cat(cc, b); }
  if (!a || !b) return NULL;
  if (a->kind == EK_CONST && b->kind != EK_CONST) {   /* constant on the right: a faster loop */
    struct expr_node *t = a; a = b; b = t;
    op = cmp_flip(op);
  }
  if (is_num(a->type) && is_num(b->type)) {
    if (a->type == EV_I64 && b->type == EV_I64)
      return mk_bin(cc, EK_CMP, EV_BOOL, op, CM_I64, a, b, pos);
    return mk_bin(cc, EK_CMP, EV_BOOL, op, CM_F64, to_f64(cc, a), to_f64(cc, b), pos);
  }
  if (a->type == EV_DATE && b->type == EV_DATE)
    return mk_bin(cc, EK_CMP, EV_BOOL, op, CM_DATE, a, b, pos);
  if (a->type == EV_BOOL && b->type == EV_BOOL) {
    if (op == EO_EQ || op == EO_NE) return mk_bin(cc, EK_CMP, EV_BOOL, op, CM_BOOL, a, b, pos);
    expr_error(cc, pos, "true/false values can only be compared with == and ~=");
    return NULL;
  }
  if (a->type == EV_CAT && b->type == EV_CAT) {
    int same = a->dict == b->dict && (op == EO_EQ || op == EO_NE);
    return mk_bin(cc, EK_CMP, EV_BOOL, op, same ? CM_CATSAME : CM_CATSTR, a, b, pos);
  }
  cmp_error(cc, a, b, pos);
  return NULL;
}

/* ===== x in {...} ===== */

static int in_element_ok(struct expr_cc *cc, const struct expr_node *x, struct expr_node **el) {
  struct expr_node *s = *el;
  int ok;
  if (x->type == EV_DATE && s->kind == EK_STR) {
    *el = str_to_date(cc, s);
    return *el != NULL;
  }
  switch (x->type) {
  case EV_F64: case EV_I64: ok = s->kind == EK_CONST && is_num(s->type); break;
  case EV_CAT: ok = s->kind == EK_STR; break;
  default: ok = s->kind == EK_CONST && s->type == x->type; break;
  }
  if (!ok) {
    char ds[128], dx[128];
    expr_error(cc, s->pos, "the list after \"in\" holds %s, which cannot be compared with %s",
               describe(cc, s, ds, sizeof ds), describe(cc, x, dx, sizeof dx));
  }
  return ok;
}

static int in_build_lut(struct expr_cc *cc, struct expr_node *n, struct expr_node **set,
                        size_t nset) {
  n->mode = IM_LUT;
  n->nlut = n->a->type == EV_BOOL ? 2 : n->a->dict->n;
  if (!(n->lut = calloc(n->nlut ? n->nlut : 1, 1))) { expr_oom(cc, n->pos); return -1; }
  for (size_t i = 0; i < nset; i++) {
    if (n->a->type == EV_BOOL) { n->lut[set[i]->k.i != 0] = 1; continue; }
    int32_t c = frame_dict_find(n->a->dict, set[i]->str, set[i]->len);
    if (c >= 0) n->lut[c] = 1;
  }
  return 0;
}

static int in_build_set(struct expr_cc *cc, struct expr_node *n, struct expr_node **set,
                        size_t nset) {
  int all_int = n->a->type != EV_F64;
  for (size_t i = 0; i < nset; i++) all_int &= set[i]->type != EV_F64;
  if (n->a->type == EV_DATE) n->mode = IM_DATE;
  else if (all_int) n->mode = IM_I64;
  else { n->mode = IM_F64; if (!(n->a = to_f64(cc, n->a))) return -1; }
  n->nset = nset;
  if (n->mode == IM_F64) n->setf = malloc((nset ? nset : 1) * sizeof *n->setf);
  else n->seti = malloc((nset ? nset : 1) * sizeof *n->seti);
  if (!n->setf && !n->seti) { expr_oom(cc, n->pos); return -1; }
  for (size_t i = 0; i < nset; i++) {
    if (n->mode != IM_F64) n->seti[i] = set[i]->k.i;
    else n->setf[i] = set[i]->type == EV_I64 ? (double)set[i]->k.i : set[i]->k.f;
  }
  return 0;
}

struct expr_node *expr_mk_in(struct expr_cc *cc, struct expr_node *x, struct expr_node **set,
                             size_t nset, int pos) {
  if (!x) return NULL;
  if (x->kind == EK_STR && !(x = str_to_cat(cc, x))) return NULL;
  for (size_t i = 0; i < nset; i++)
    if (!in_element_ok(cc, x, &set[i])) return NULL;
  struct expr_node *n = node_new(cc, EK_IN, EV_BOOL, pos);
  if (!n) return NULL;
  n->a = x;
  int rc = x->type == EV_CAT || x->type == EV_BOOL ? in_build_lut(cc, n, set, nset)
                                                   : in_build_set(cc, n, set, nset);
  return rc == 0 ? node_done(cc, n) : NULL;
}

struct expr_node *expr_finish(struct expr_cc *cc, struct expr_node *root) {
  return str_to_cat(cc, root);
}

/* ===== functions ===== */

struct fninfo {
  const char *name;
  enum expr_fn id;
  int min, max;
  const char *usage;
};

/* Sorted by name: the "known functions" list in messages is printed from it. */
static const struct fninfo fns[] = {
  {"abs", EF_ABS, 1, 1, "abs(x)"},
  {"ceil", EF_CEIL, 1, 1, "ceil(x)"},
  {"coalesce", EF_COALESCE, 2, EXPR_MAX_ARGS, "coalesce(a, b, ...)"},
  {"cos", EF_COS, 1, 1, "cos(x)"},
  {"date", EF_DATE, 1, 1, "date(\"YYYY-MM-DD\") or date(text)"},
  {"day", EF_DAY, 1, 1, "day(d)"},
  {"days_between", EF_DAYS_BETWEEN, 2, 2, "days_between(from, to)"},
  {"exp", EF_EXP, 1, 1, "exp(x)"},
  {"floor", EF_FLOOR, 1, 1, "floor(x)"},
  {"if_else", EF_IF_ELSE, 3, 3, "if_else(condition, a, b)"},
  {"inv_logit", EF_INV_LOGIT, 1, 1, "inv_logit(x)"},
  {"is_missing", EF_IS_MISSING, 1, EXPR_MAX_ARGS, "is_missing(x) or is_missing(x, \"c\", ...)"},
  {"log", EF_LOG, 1, 1, "log(x)"},
  {"logit", EF_LOGIT, 1, 1, "logit(p)"},
  {"max", EF_MAX, 2, EXPR_MAX_ARGS, "max(a, b, ...)"},
  {"min", EF_MIN, 2, EXPR_MAX_ARGS, "min(a, b, ...)"},
  {"month", EF_MONTH, 1, 1, "month(d)"},
  {"round", EF_ROUND, 1, 2, "round(x) or round(x, digits)"},
  {"sin", EF_SIN, 1, 1, "sin(x)"},
  {"sqrt", EF_SQRT, 1, 1, "sqrt(x)"},
  {"to_number", EF_TO_NUMBER, 1, 1, "to_number(x)"},
  {"weekday", EF_WEEKDAY, 1, 1, "weekday(d)"},
  {"year", EF_YEAR, 1, 1, "year(d)"},
  {"years_between", EF_YEARS_BETWEEN, 2, 2, "years_between(from, to)"},
};
#define NFNS (sizeof fns / sizeof fns[0])

static int is_function_name(const char *s) {
  for (size_t i = 0; i < NFNS; i++) if (!strcmp(fns[i].name, s)) return 1;
  return 0;
}

static void unknown_function(struct expr_cc *cc, const char *name, size_t len, int pos) {
  char list[400];
  size_t o = 0;
  int best = 3;
  const char *sugg = NULL;
  for (size_t i = 0; i < NFNS; i++) {
    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", fns[i].name);
    int d = (int)frame_edit_distance(name, len, fns[i].name, strlen(fns[i].name));
    if (d < best && (size_t)d < len) { best = d; sugg = fns[i].name; }
  }
  char hint[64] = "";
  if (sugg) snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", sugg);
  expr_error(cc, pos, "unknown function \"%.*s\"%s; known functions: %s",
             (int)(len > 60 ? 60 : len), name, hint, list);
}

static struct expr_node *arg_error(struct expr_cc *cc, const char *fn, const char *need,
                                   const struct expr_node *arg) {
  char d[128];
  expr_error(cc, arg->pos, "%s() needs %s, found %s", fn, need, describe(cc, arg, d, sizeof d));
  return NULL;
}

static struct expr_node *mk_unary(struct expr_cc *cc, enum expr_kind k, enum expr_vtype t,
                                  int op, struct expr_node *a, int pos) {
  struct expr_node *n = node_new(cc, k, t, pos);
  if (!n) return NULL;
  n->op = op; n->a = a;
  return node_done(cc, n);
}

static struct expr_node *fn_math(struct expr_cc *cc, const struct fninfo *fi,
                                 struct expr_node *x, int pos) {
  if (!is_num(x->type)) return arg_error(cc, fi->name, "a number", x);
  if (x->type == EV_I64 && (fi->id == EF_FLOOR || fi->id == EF_CEIL)) return x;
  if (x->type == EV_I64 && fi->id == EF_ABS) return mk_unary(cc, EK_MATH, EV_I64, EF_ABS, x, pos);
  return mk_unary(cc, EK_MATH, EV_F64, fi->id, to_f64(cc, x), pos);
}

static struct expr_node *fn_round(struct expr_cc *cc, struct expr_node **args, int nargs,
                                  int pos) {
  struct expr_node *x = args[0];
  int digits = 0;
  if (!is_num(x->type)) return arg_error(cc, "round", "a number", x);
  if (nargs == 2) {
    const struct expr_node *d = args[1];
    if (d->kind != EK_CONST || d->type != EV_I64 || d->k.i < -300 || d->k.i > 300) {
      expr_error(cc, d->pos, "round(): digits must be a whole number written in the expression, "
                 "like 2 or -1");
      return NULL;
    }
    digits = (int)d->k.i;
  }
  if (x->type == EV_I64 && digits >= 0) return x;
  struct expr_node *n = mk_unary(cc, EK_ROUND, x->type, EF_ROUND, x, pos);
  if (n) n->digits = digits;
  return n;
}

static struct expr_node *fn_minmax(struct expr_cc *cc, const struct fninfo *fi,
                                   struct expr_node **args, int nargs, int pos) {
  struct expr_node *r = args[0];
  for (int i = 1; i < nargs && r; i++) {
    struct expr_node *a = r, *b = args[i];
    if (a->kind == EK_STR && b->type == EV_DATE) a = str_to_date(cc, a);
    if (b->kind == EK_STR && a && a->type == EV_DATE) b = str_to_date(cc, b);
    if (!a || !b) return NULL;
    if (is_num(a->type) && is_num(b->type)) {
      int both = a->type == EV_I64 && b->type == EV_I64;
      if (!both) { a = to_f64(cc, a); b = to_f64(cc, b); }
      r = mk_bin(cc, EK_MINMAX, both ? EV_I64 : EV_F64, fi->id, 0, a, b, pos);
    } else if (a->type == EV_DATE && b->type == EV_DATE) {
      r = mk_bin(cc, EK_MINMAX, EV_DATE, fi->id, 0, a, b, pos);
    } else if ((is_num(a->type) || a->type == EV_DATE) && (is_num(b->type) || b->type == EV_DATE)) {
      char da[128], db[128];
      expr_error(cc, b->pos, "%s(): cannot compare %s with %s", fi->name,
                 describe(cc, a, da, sizeof da), describe(cc, b, db, sizeof db));
      return NULL;
    } else {
      return arg_error(cc, fi->name, "numbers or dates", !is_num(a->type) && a->type != EV_DATE
                                                        ? a : b);
    }
  }
  return r;
}

/* Text results of if_else/coalesce: b's codes are mapped into a dictionary
 * that starts with a's entries in a's order, so a's codes stay valid. */
static int merge_text(struct expr_cc *cc, struct expr_node *n, const struct expr_node *a,
                      const struct expr_node *b) {
  if (a->dict == b->dict) { n->dict = a->dict; return 0; }
  struct frame_dict *d = new_dict(cc, n->pos);
  if (!d) return -1;
  for (size_t i = 0; i < a->dict->n; i++)
    if (frame_dict_intern(d, a->dict->str[i], a->dict->len[i]) != (int32_t)i) goto oom;
  n->nmap = b->dict->n;
  if (!(n->map_b = malloc((n->nmap ? n->nmap : 1) * sizeof *n->map_b))) goto oom;
  for (size_t j = 0; j < b->dict->n; j++)
    if ((n->map_b[j] = frame_dict_intern(d, b->dict->str[j], b->dict->len[j])) < 0) goto oom;
  n->dict = d;
  return 0;
oom:
  expr_oom(cc, n->pos);
  return -1;
}

/* Two values that must end up with one type (if_else branches, coalesce). */
static struct expr_node *mk_choice(struct expr_cc *cc, enum expr_kind k, const char *fn,
                                   struct expr_node *cond, struct expr_node *a,
                                   struct expr_node *b, int pos) {
  int text_a = a->type == EV_CAT || a->type == EV_STR, text_b = b->type == EV_CAT || b->type == EV_STR;
  if (text_a && text_b) { a = str_to_cat(cc, a); b = str_to_cat(cc, b); }
  if (a && b && a->kind == EK_STR && b->type == EV_DATE) a = str_to_date(cc, a);
  if (a && b && b->kind == EK_STR && a->type == EV_DATE) b = str_to_date(cc, b);
  if (!a || !b) return NULL;
  enum expr_vtype t = a->type;
  if (is_num(a->type) && is_num(b->type)) {
    if (a->type != b->type) { a = to_f64(cc, a); b = to_f64(cc, b); t = EV_F64; }
  } else if (a->type != b->type) {
    char da[128], db[128];
    expr_error(cc, b->pos, "%s(): the values must have the same type, found %s and %s", fn,
               describe(cc, a, da, sizeof da), describe(cc, b, db, sizeof db));
    return NULL;
  }
  if (!a || !b) return NULL;
  struct expr_node *n = node_new(cc, k, t, pos);
  if (!n) return NULL;
  if (cond) { n->a = cond; n->b = a; n->c = b; } else { n->a = a; n->b = b; }
  if (t == EV_CAT && merge_text(cc, n, a, b) != 0) return NULL;
  return node_done(cc, n);
}

static const char *const reason_names[] = {
  NULL, "blank", "NA", "c", "x", "z", "k", "u", "low", ":", "calc"};

static struct expr_node *fn_is_missing(struct expr_cc *cc, struct expr_node **args, int nargs,
                                       int pos) {
  struct expr_node *x = str_to_cat(cc, args[0]);
  if (!x) return NULL;
  struct expr_node *n = mk_unary(cc, EK_ISNA, EV_BOOL, EF_IS_MISSING, x, pos);
  if (!n || !(n->lut = calloc(256, 1))) { if (n) expr_oom(cc, pos); return NULL; }
  n->nlut = 256;
  for (int r = 1; r < 256; r++) n->lut[r] = nargs == 1;
  for (int i = 1; i < nargs; i++) {
    const struct expr_node *s = args[i];
    int r = 0;
    for (int k = 1; k < NA_NREASONS && s->kind == EK_STR; k++)
      if (!strcmp(s->str, k <= NA_CALC ? reason_names[k] : frame_na_symbol((enum frame_na)k))) r = k;
    if (!r) {
      expr_error(cc, s->pos, "is_missing(): the reason must be one of \"blank\", \"NA\", \"c\", "
                 "\"x\", \"z\", \"k\", \"u\", \"low\", \":\", \"calc\" (or, from Stata, SPSS "
                 "and SAS files, \".a\" to \".z\", \"._\", \"user\")");
      return NULL;
    }
    n->lut[r] = 1;
  }
  /* reasons beyond the known ones are counted as calculated, as frame.c does */
  for (int r = NA_NREASONS; r < 256; r++) n->lut[r] = n->lut[NA_CALC];
  return n;
}

/* The decimal-number syntax of the CSV loader: sign, digits, '.', exponent. */
static int parse_decimal(const char *s, size_t len, double *out) {
  size_t i = 0, nd = 0;
  if (i < len && (s[i] == '+' || s[i] == '-')) i++;
  while (i < len && s[i] >= '0' && s[i] <= '9') { i++; nd++; }
  if (i < len && s[i] == '.') { i++; while (i < len && s[i] >= '0' && s[i] <= '9') { i++; nd++; } }
  if (nd == 0) return -1;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1, ne = 0;
    if (j < len && (s[j] == '+' || s[j] == '-')) j++;
    while (j < len && s[j] >= '0' && s[j] <= '9') { j++; ne++; }
    if (ne == 0) return -1;
    i = j;
  }
  if (i != len || len > 400) return -1;
  char buf[401];
  memcpy(buf, s, len);
  buf[len] = '\0';
  *out = strtod(buf, NULL);
  return *out - *out == 0 ? 0 : -1;
}

/* text -> number or date, through a table over the dictionary's entries:
 * each distinct text is parsed once, not once per row. */
static struct expr_node *dict_map(struct expr_cc *cc, struct expr_node *x, int to_date, int pos) {
  const struct frame_dict *d = x->dict;
  struct expr_node *n = mk_unary(cc, EK_DICTMAP, to_date ? EV_DATE : EV_F64,
                                 to_date ? EF_DATE : EF_TO_NUMBER, x, pos);
  if (!n) return NULL;
  size_t m = d->n ? d->n : 1;
  n->nmapv = d->n;
  n->mapna = calloc(m, 1);
  if (to_date) n->mapd = calloc(m, sizeof *n->mapd);
  else n->mapf = calloc(m, sizeof *n->mapf);
  if (!n->mapna || (!n->mapd && !n->mapf)) { expr_oom(cc, pos); return NULL; }
  for (size_t c = 0; c < d->n; c++) {
    int bad = to_date ? frame_date_parse(d->str[c], d->len[c], &n->mapd[c])
                      : parse_decimal(d->str[c], d->len[c], &n->mapf[c]);
    if (bad) n->mapna[c] = NA_CALC;
  }
  return n;
}

static struct expr_node *fn_date(struct expr_cc *cc, struct expr_node *x, int pos) {
  if (x->kind == EK_STR) return str_to_date(cc, x);
  if (x->type == EV_DATE) return x;
  if (x->type == EV_CAT) return dict_map(cc, x, 1, pos);
  return arg_error(cc, "date", "text like \"2020-04-01\"", x);
}

static struct expr_node *fn_to_number(struct expr_cc *cc, struct expr_node *x, int pos) {
  if (is_num(x->type)) return x;
  if (x->kind == EK_STR) {
    double v;
    if (parse_decimal(x->str, x->len, &v) != 0) {
      expr_error(cc, x->pos, "to_number(): \"%.40s\" is not a number", x->str);
      return NULL;
    }
    return expr_mk_num(cc, 0, v, 0, x->pos);
  }
  if (x->type == EV_CAT) return dict_map(cc, x, 0, pos);
  if (x->type == EV_BOOL)   /* true -> 1, false -> 0, as an int64 */
    return mk_choice(cc, EK_IFELSE, "to_number", x, expr_mk_num(cc, 1, 0, 1, pos),
                     expr_mk_num(cc, 1, 0, 0, pos), pos);
  return arg_error(cc, "to_number", "text, a number or true/false", x);
}

static struct expr_node *fn_datepart(struct expr_cc *cc, const struct fninfo *fi,
                                     struct expr_node **args, int nargs, int pos) {
  for (int i = 0; i < nargs; i++) {
    if (!(args[i] = str_to_date(cc, args[i]))) return NULL;
    if (args[i]->type != EV_DATE) return arg_error(cc, fi->name, "a date", args[i]);
  }
  if (fi->id == EF_DAYS_BETWEEN)   /* to - from */
    return mk_bin(cc, EK_ARITH, EV_I64, EO_SUB, AM_DATE_DATE, args[1], args[0], pos);
  if (fi->id == EF_YEARS_BETWEEN)   /* completed years from a to b */
    return mk_bin(cc, EK_DATEPART, EV_I64, EF_YEARS_BETWEEN, 0, args[0], args[1], pos);
  return mk_unary(cc, EK_DATEPART, EV_I64, fi->id, args[0], pos);
}

static struct expr_node *fn_if_else(struct expr_cc *cc, struct expr_node **args, int pos) {
  if (args[0]->type != EV_BOOL) return arg_error(cc, "if_else", "a true/false condition", args[0]);
  return mk_choice(cc, EK_IFELSE, "if_else", args[0], args[1], args[2], pos);
}

struct expr_node *expr_mk_call(struct expr_cc *cc, const char *name, size_t len,
                               struct expr_node **args, int nargs, int pos) {
  const struct fninfo *fi = NULL;
  for (size_t i = 0; i < NFNS; i++)
    if (strlen(fns[i].name) == len && !memcmp(fns[i].name, name, len)) fi = &fns[i];
  if (!fi) { unknown_function(cc, name, len, pos); return NULL; }
  if (nargs < fi->min || nargs > fi->max) {
    expr_error(cc, pos, "%s() takes %s, got %d argument%s", fi->name, fi->usage, nargs,
               nargs == 1 ? "" : "s");
    return NULL;
  }
  for (int i = 0; i < nargs; i++) if (!args[i]) return NULL;
  switch (fi->id) {
  case EF_ROUND: return fn_round(cc, args, nargs, pos);
  case EF_MIN: case EF_MAX: return fn_minmax(cc, fi, args, nargs, pos);
  case EF_IF_ELSE: return fn_if_else(cc, args, pos);
  case EF_COALESCE: {
    struct expr_node *r = args[0];
    for (int i = 1; i < nargs && r; i++) r = mk_choice(cc, EK_COALESCE, "coalesce", NULL, r, args[i], pos);
    return r;
  }
  case EF_IS_MISSING: return fn_is_missing(cc, args, nargs, pos);
  case EF_DATE: return fn_date(cc, args[0], pos);
  case EF_TO_NUMBER: return fn_to_number(cc, args[0], pos);
  case EF_YEAR: case EF_MONTH: case EF_DAY: case EF_WEEKDAY: case EF_DAYS_BETWEEN:
  case EF_YEARS_BETWEEN:
    return fn_datepart(cc, fi, args, nargs, pos);
  default: return fn_math(cc, fi, args[0], pos);
  }
}
