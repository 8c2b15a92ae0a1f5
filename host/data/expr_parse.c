/* host/data/expr_parse.c -- lexer and recursive-descent parser for expressions,
 * expr_compile and expr_free.  Nodes are built (and type-checked) by
 * expr_check.c as the parser goes, so every message can point at the place
 * in the text where the problem is.  The grammar, lowest precedence first:
 *   or  <  and  <  not  <  comparisons, in  <  + -  <  * / %  <  unary -  <  ^
 * `not` sits below the comparisons (as in Python and SQL, unlike Lua) so that
 * `not x == 1` means `not (x == 1)`. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

enum tok {
  T_EOF, T_INT, T_NUM, T_STR, T_NAME, T_QNAME,
  T_LP, T_RP, T_LB, T_RB, T_COMMA,
  T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET, T_PCT,
  T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
  T_AND, T_OR, T_NOT, T_IN, T_TRUE, T_FALSE,
  T_ERR
};

struct token {
  enum tok t;
  int pos, end;              /* byte offsets [pos, end) in the source */
  double f;                  /* T_NUM */
  int64_t i;                 /* T_INT */
  char *text; size_t len;    /* T_STR, T_QNAME: decoded, owned until taken */
};

struct parser {
  struct expr_cc cc;
  size_t p;                  /* lexer position */
  struct token cur;
  int nest;                  /* recursion depth, capped at EXPR_MAX_DEPTH */
};

/* ===== errors ===== */

/* Column as an editor shows it: characters, not bytes (UTF-8 names). */
static int char_column(const char *src, int pos) {
  int col = 1;
  for (int i = 0; i < pos && src[i]; i++) col += ((unsigned char)src[i] & 0xC0) != 0x80;
  return col;
}

void expr_error(struct expr_cc *cc, int pos, const char *fmt, ...) {
  if (cc->failed) return;   /* the first error is the one that explains the rest */
  cc->failed = 1;
  if (!cc->err || cc->errlen == 0) return;
  int n = snprintf(cc->err, cc->errlen, "at column %d: ", char_column(cc->src, pos));
  if (n < 0 || (size_t)n >= cc->errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cc->err + n, cc->errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

void expr_oom(struct expr_cc *cc, int pos) { expr_error(cc, pos, "not enough memory"); }

/* A token's source text for messages, shortened and made printable. */
static void tok_show(const struct parser *ps, const struct token *t, char *buf, size_t len) {
  if (t->t == T_EOF) { snprintf(buf, len, "the end of the expression"); return; }
  size_t n = (size_t)(t->end - t->pos), o = 0;
  if (n > 24) {   /* shorten, but not in the middle of a UTF-8 character */
    n = 24;
    while (n > 0 && ((unsigned char)ps->cc.src[t->pos + (int)n] & 0xC0) == 0x80) n--;
  }
  buf[o++] = '"';
  for (size_t i = 0; i < n && o + 6 < len; i++) {
    unsigned char ch = (unsigned char)ps->cc.src[t->pos + (int)i];
    if (ch < 32 || ch == 127) o += (size_t)snprintf(buf + o, len - o, "\\x%02X", ch);
    else buf[o++] = (char)ch;
  }
  if (o + 2 < len) { buf[o++] = '"'; }
  buf[o < len ? o : len - 1] = '\0';
}

/* ===== lexer ===== */

static int is_name_start(int c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_name_char(int c) { return is_name_start(c) || is_digit(c); }

static int at(const struct parser *ps, size_t i) { return (unsigned char)ps->cc.src[i]; }

static void lex_error(struct parser *ps, int pos, const char *msg) {
  expr_error(&ps->cc, pos, "%s", msg);
  ps->cur.t = T_ERR;
}

static void lex_number(struct parser *ps, struct token *t) {
  size_t p = ps->p;
  int is_float = 0;
  while (is_digit(at(ps, p))) p++;
  if (at(ps, p) == '.') { is_float = 1; p++; while (is_digit(at(ps, p))) p++; }
  if (at(ps, p) == 'e' || at(ps, p) == 'E') {
    is_float = 1; p++;
    if (at(ps, p) == '+' || at(ps, p) == '-') p++;
    if (!is_digit(at(ps, p))) { lex_error(ps, t->pos, "malformed number (expected digits after the exponent)"); return; }
    while (is_digit(at(ps, p))) p++;
  }
  if (is_name_char(at(ps, p)) || at(ps, p) == '.') {
    lex_error(ps, t->pos, "malformed number (a name cannot start with a digit; write odd names in backticks: `2020 rate`)");
    return;
  }
  t->end = (int)p;
  ps->p = p;
  if (!is_float) {   /* integers beyond int64 become floats, as in Lua */
    int64_t v = 0;
    int over = 0;
    for (size_t i = (size_t)t->pos; i < p && !over; i++) {
      int d = at(ps, i) - '0';
      if (v > (INT64_MAX - d) / 10) over = 1;
      else v = v * 10 + d;
    }
    if (!over) { t->t = T_INT; t->i = v; return; }
  }
  size_t n = p - (size_t)t->pos;
  char *tmp = malloc(n + 1);
  if (!tmp) { expr_oom(&ps->cc, t->pos); t->t = T_ERR; return; }
  memcpy(tmp, ps->cc.src + t->pos, n);
  tmp[n] = '\0';
  t->f = strtod(tmp, NULL);
  free(tmp);
  if (!(t->f - t->f == 0)) { lex_error(ps, t->pos, "number is too large"); return; }
  t->t = T_NUM;
}

/* Text in '...' or "...", or a name in `...`.  Decoded into t->text. */
static void lex_quoted(struct parser *ps, struct token *t) {
  int q = at(ps, ps->p), name = q == '`';
  size_t p = ps->p + 1, o = 0;
  size_t cap = 16;
  char *buf = malloc(cap);
  if (!buf) { expr_oom(&ps->cc, t->pos); t->t = T_ERR; return; }
  for (;;) {
    int ch = at(ps, p);
    if (ch == 0) {
      free(buf);
      lex_error(ps, t->pos, name ? "column name in backticks is not closed (missing `)"
                                 : "text is not closed (missing quote)");
      return;
    }
    if (ch == q && name && at(ps, p + 1) == '`') { ch = '`'; p += 2; }
    else if (ch == q) { p++; break; }
    else if (ch == '\\' && !name) {
      int e = at(ps, p + 1);
      switch (e) {
      case '\\': case '"': case '\'': ch = e; break;
      case 'n': ch = '\n'; break;
      case 't': ch = '\t'; break;
      default:
        free(buf);
        lex_error(ps, (int)p, "unknown escape in text (use \\\\ \\\" \\' \\n or \\t)");
        return;
      }
      p += 2;
    } else {
      p++;
    }
    if (o + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) { free(buf); expr_oom(&ps->cc, t->pos); t->t = T_ERR; return; }
      buf = nb; cap *= 2;
    }
    buf[o++] = (char)ch;
  }
  buf[o] = '\0';
  if (name && o == 0) { free(buf); lex_error(ps, t->pos, "empty column name ``"); return; }
  t->t = name ? T_QNAME : T_STR;
  t->text = buf; t->len = o;
  t->end = (int)p;
  ps->p = p;
}

static void lex_name(struct parser *ps, struct token *t) {
  static const struct { const char *s; enum tok t; } kw[] = {
    {"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN},
    {"true", T_TRUE}, {"false", T_FALSE}};
  size_t p = ps->p;
  while (is_name_char(at(ps, p))) p++;
  t->end = (int)p;
  size_t n = p - ps->p;
  t->t = T_NAME;
  for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
    if (strlen(kw[k].s) == n && memcmp(kw[k].s, ps->cc.src + ps->p, n) == 0) t->t = kw[k].t;
  ps->p = p;
}

/* Operators, including hints for what people carry over from other languages. */
static void lex_op(struct parser *ps, struct token *t) {
  int c = at(ps, ps->p), d = c ? at(ps, ps->p + 1) : 0;
  int two = 1;
  switch (c) {
  case '(': t->t = T_LP; break;
  case ')': t->t = T_RP; break;
  case '{': t->t = T_LB; break;
  case '}': t->t = T_RB; break;
  case ',': t->t = T_COMMA; break;
  case '+': t->t = T_PLUS; break;
  case '*': t->t = T_STAR; break;
  case '^': t->t = T_CARET; break;
  case '%': t->t = T_PCT; break;
  case '-':
    if (d == '-') { lex_error(ps, t->pos, "\"--\" starts a comment in Lua and is not allowed here; write - (-x)"); return; }
    t->t = T_MINUS; break;
  case '/':
    if (d == '/') { lex_error(ps, t->pos, "there is no \"//\"; write floor(a / b)"); return; }
    t->t = T_SLASH; break;
  case '=':
    if (d != '=') { lex_error(ps, t->pos, "use \"==\" to compare (\"=\" alone is not an operator)"); return; }
    t->t = T_EQ; two = 2; break;
  case '~': case '!':
    if (d != '=') {
      lex_error(ps, t->pos, c == '!' ? "use \"not\" instead of \"!\"" : "use \"not\" or \"~=\"");
      return;
    }
    t->t = T_NE; two = 2; break;
  case '<': if (d == '=') { t->t = T_LE; two = 2; } else t->t = T_LT; break;
  case '>': if (d == '=') { t->t = T_GE; two = 2; } else t->t = T_GT; break;
  case '&': lex_error(ps, t->pos, d == '&' ? "use \"and\" instead of \"&&\"" : "use \"and\" instead of \"&\""); return;
  case '|': lex_error(ps, t->pos, d == '|' ? "use \"or\" instead of \"||\"" : "use \"or\" instead of \"|\""); return;
  default: {
    char msg[64];
    if (c < 32 || c == 127) snprintf(msg, sizeof msg, "unexpected character \\x%02X", (unsigned)c);
    else snprintf(msg, sizeof msg, "unexpected character \"%c\"", c);
    lex_error(ps, t->pos, msg);
    return;
  }
  }
  ps->p += (size_t)two;
  t->end = (int)ps->p;
}

/* Advance to the next token (the previous token's text is dropped). */
static void next(struct parser *ps) {
  struct token *t = &ps->cur;
  free(t->text);
  memset(t, 0, sizeof *t);
  if (ps->cc.failed) { t->t = T_ERR; return; }
  while (at(ps, ps->p) == ' ' || at(ps, ps->p) == '\t' || at(ps, ps->p) == '\n' ||
         at(ps, ps->p) == '\r')
    ps->p++;
  if (ps->p > (size_t)INT32_MAX / 2) { lex_error(ps, 0, "expression is too long"); return; }
  t->pos = t->end = (int)ps->p;
  int c = at(ps, ps->p);
  if (c == 0) t->t = T_EOF;
  else if (is_digit(c) || (c == '.' && is_digit(at(ps, ps->p + 1)))) lex_number(ps, t);
  else if (c == '"' || c == '\'' || c == '`') lex_quoted(ps, t);
  else if (is_name_start(c)) lex_name(ps, t);
  else lex_op(ps, t);
}

/* Without consuming anything: is the token after the current one `kw`? */
static int peek_keyword(const struct parser *ps, const char *kw) {
  size_t p = ps->p, n = strlen(kw);
  while (at(ps, p) == ' ' || at(ps, p) == '\t' || at(ps, p) == '\n' || at(ps, p) == '\r') p++;
  return strncmp(ps->cc.src + p, kw, n) == 0 && !is_name_char(at(ps, p + n));
}

static int expect(struct parser *ps, enum tok t, const char *what) {
  if (ps->cur.t == t) { next(ps); return 1; }
  if (ps->cur.t != T_ERR) {
    char got[64];
    tok_show(ps, &ps->cur, got, sizeof got);
    expr_error(&ps->cc, ps->cur.pos, "expected %s, found %s", what, got);
  }
  return 0;
}

/* ===== parser ===== */

static struct expr_node *parse_or(struct parser *ps);
static struct expr_node *parse_unary(struct parser *ps);

static int enter(struct parser *ps) {
  if (++ps->nest > EXPR_MAX_DEPTH) {
    expr_error(&ps->cc, ps->cur.pos, "expression is nested too deeply (more than %d levels)",
               EXPR_MAX_DEPTH);
    return 0;
  }
  return 1;
}

/* name ( args ) */
static struct expr_node *parse_call(struct parser *ps, int pos, const char *name, size_t len) {
  struct expr_node *args[EXPR_MAX_ARGS];
  int n = 0;
  next(ps);   /* ( */
  if (ps->cur.t != T_RP) {
    for (;;) {
      if (n == EXPR_MAX_ARGS) {
        expr_error(&ps->cc, ps->cur.pos, "too many arguments (at most %d)", EXPR_MAX_ARGS);
        return NULL;
      }
      if (!(args[n++] = parse_or(ps))) return NULL;
      if (ps->cur.t != T_COMMA) break;
      next(ps);
    }
  }
  if (!expect(ps, T_RP, "\",\" or \")\" after the function's arguments")) return NULL;
  return expr_mk_call(&ps->cc, name, len, args, n, pos);
}

/* The bare name pi is the constant 3.14159... (as R's pi).  A column
 * called pi is written `pi`; the bare name is then ambiguous and refused
 * rather than silently taken one way. */
static struct expr_node *parse_pi(struct parser *ps, int pos) {
  if (frame_find(ps->cc.f, "pi") >= 0) {
    expr_error(&ps->cc, pos, "pi is the constant 3.14159... but the data also have a column "
               "called pi: write `pi` (in backticks) for the column, or rename it");
    return NULL;
  }
  return expr_mk_num(&ps->cc, 0, M_PI, 0, pos);
}

static struct expr_node *parse_primary(struct parser *ps) {
  struct token *t = &ps->cur;
  struct expr_node *n = NULL;
  int pos = t->pos;
  switch (t->t) {
  case T_INT: n = expr_mk_num(&ps->cc, 1, 0, t->i, pos); next(ps); return n;
  case T_NUM: n = expr_mk_num(&ps->cc, 0, t->f, 0, pos); next(ps); return n;
  case T_TRUE: case T_FALSE: n = expr_mk_bool(&ps->cc, t->t == T_TRUE, pos); next(ps); return n;
  case T_STR:
    n = expr_mk_str(&ps->cc, t->text, t->len, pos);
    t->text = NULL;   /* taken */
    next(ps);
    return n;
  case T_QNAME:
    n = expr_mk_col(&ps->cc, t->text, t->len, pos);
    next(ps);
    return n;
  case T_NAME: {
    const char *s = ps->cc.src + t->pos;
    size_t len = (size_t)(t->end - t->pos);
    next(ps);
    if (ps->cur.t == T_LP) return parse_call(ps, pos, s, len);
    if (len == 2 && memcmp(s, "pi", 2) == 0) return parse_pi(ps, pos);
    return expr_mk_col(&ps->cc, s, len, pos);
  }
  case T_LP:
    next(ps);
    n = parse_or(ps);
    if (n && !expect(ps, T_RP, "\")\"")) return NULL;
    return n;
  case T_ERR: return NULL;
  default: {
    char got[64];
    tok_show(ps, t, got, sizeof got);
    expr_error(&ps->cc, pos, "expected a value (a number, text, column or function), found %s",
               got);
    return NULL;
  }
  }
}

/* a ^ b, right associative; the exponent may carry a sign (2 ^ -1). */
static struct expr_node *parse_pow(struct parser *ps) {
  struct expr_node *a = parse_primary(ps);
  if (!a || ps->cur.t != T_CARET) return a;
  int pos = ps->cur.pos;
  next(ps);
  if (!enter(ps)) return NULL;
  struct expr_node *b = parse_unary(ps);
  ps->nest--;
  return expr_mk_arith(&ps->cc, EO_POW, a, b, pos);
}

static struct expr_node *parse_unary(struct parser *ps) {
  if (ps->cur.t != T_MINUS) return parse_pow(ps);
  int pos = ps->cur.pos;
  next(ps);
  if (!enter(ps)) return NULL;
  struct expr_node *a = parse_unary(ps);
  ps->nest--;
  return expr_mk_neg(&ps->cc, a, pos);
}

static struct expr_node *parse_mul(struct parser *ps) {
  struct expr_node *a = parse_unary(ps);
  while (a) {
    enum tok t = ps->cur.t;
    if (t != T_STAR && t != T_SLASH && t != T_PCT) break;
    int pos = ps->cur.pos;
    next(ps);
    struct expr_node *b = parse_unary(ps);
    a = expr_mk_arith(&ps->cc, t == T_STAR ? EO_MUL : t == T_SLASH ? EO_DIV : EO_MOD, a, b, pos);
  }
  return a;
}

static struct expr_node *parse_add(struct parser *ps) {
  struct expr_node *a = parse_mul(ps);
  while (a && (ps->cur.t == T_PLUS || ps->cur.t == T_MINUS)) {
    enum expr_op op = ps->cur.t == T_PLUS ? EO_ADD : EO_SUB;
    int pos = ps->cur.pos;
    next(ps);
    a = expr_mk_arith(&ps->cc, op, a, parse_mul(ps), pos);
  }
  return a;
}

/* One set element: a literal, possibly negative, or date("..."). */
static struct expr_node *parse_set_elem(struct parser *ps) {
  struct token *t = &ps->cur;
  int pos = t->pos;
  if (t->t == T_MINUS) {
    next(ps);
    if (ps->cur.t != T_INT && ps->cur.t != T_NUM) {
      expect(ps, T_NUM, "a number after \"-\"");
      return NULL;
    }
    return expr_mk_neg(&ps->cc, parse_primary(ps), pos);
  }
  if (t->t == T_INT || t->t == T_NUM || t->t == T_STR || t->t == T_TRUE || t->t == T_FALSE ||
      (t->t == T_NAME && t->end - t->pos == 4 && memcmp(ps->cc.src + pos, "date", 4) == 0))
    return parse_primary(ps);
  char got[64];
  tok_show(ps, t, got, sizeof got);
  expr_error(&ps->cc, pos, "expected a number, text, true, false or date(\"...\") in the list, found %s", got);
  return NULL;
}

/* { e1, e2, ... } after `in`; a trailing comma is allowed as in Lua tables. */
static struct expr_node *parse_in(struct parser *ps, struct expr_node *x, int pos) {
  if (!expect(ps, T_LB, "\"{\" after \"in\" (a list like {1, 2, 3})")) return NULL;
  struct expr_node **set = NULL;
  size_t n = 0, cap = 0;
  struct expr_node *r = NULL;
  while (ps->cur.t != T_RB) {
    struct expr_node *el = parse_set_elem(ps);
    if (!el) goto done;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 8;
      struct expr_node **ns = realloc(set, nc * sizeof *ns);
      if (!ns) { expr_oom(&ps->cc, pos); goto done; }
      set = ns; cap = nc;
    }
    set[n++] = el;
    if (ps->cur.t != T_COMMA) break;
    next(ps);
  }
  if (!expect(ps, T_RB, "\",\" or \"}\" in the list")) goto done;
  r = expr_mk_in(&ps->cc, x, set, n, pos);
done:
  free(set);
  return r;
}

static int cmp_op(enum tok t, enum expr_op *op) {
  switch (t) {
  case T_EQ: *op = EO_EQ; return 1;
  case T_NE: *op = EO_NE; return 1;
  case T_LT: *op = EO_LT; return 1;
  case T_LE: *op = EO_LE; return 1;
  case T_GT: *op = EO_GT; return 1;
  case T_GE: *op = EO_GE; return 1;
  default: return 0;
  }
}

static struct expr_node *parse_cmp(struct parser *ps) {
  struct expr_node *a = parse_add(ps);
  if (!a) return NULL;
  enum expr_op op;
  int pos = ps->cur.pos;
  if (cmp_op(ps->cur.t, &op)) {
    next(ps);
    a = expr_mk_cmp(&ps->cc, op, a, parse_add(ps), pos);
  } else if (ps->cur.t == T_IN) {
    next(ps);
    a = parse_in(ps, a, pos);
  } else if (ps->cur.t == T_NOT && peek_keyword(ps, "in")) {
    next(ps); next(ps);
    a = expr_mk_not(&ps->cc, parse_in(ps, a, pos), pos);
  } else {
    return a;
  }
  if (a && (cmp_op(ps->cur.t, &op) || ps->cur.t == T_IN))
    expr_error(&ps->cc, ps->cur.pos,
               "comparisons cannot be chained; write \"a < b and b < c\" instead of \"a < b < c\"");
  return ps->cc.failed ? NULL : a;
}

static struct expr_node *parse_not(struct parser *ps) {
  if (ps->cur.t != T_NOT) return parse_cmp(ps);
  int pos = ps->cur.pos;
  next(ps);
  if (!enter(ps)) return NULL;
  struct expr_node *a = parse_not(ps);
  ps->nest--;
  return expr_mk_not(&ps->cc, a, pos);
}

static struct expr_node *parse_and(struct parser *ps) {
  struct expr_node *a = parse_not(ps);
  while (a && ps->cur.t == T_AND) {
    int pos = ps->cur.pos;
    next(ps);
    a = expr_mk_logic(&ps->cc, EK_AND, a, parse_not(ps), pos);
  }
  return a;
}

static struct expr_node *parse_or(struct parser *ps) {
  if (!enter(ps)) return NULL;
  struct expr_node *a = parse_and(ps);
  while (a && ps->cur.t == T_OR) {
    int pos = ps->cur.pos;
    next(ps);
    a = expr_mk_logic(&ps->cc, EK_OR, a, parse_and(ps), pos);
  }
  ps->nest--;
  return a;
}

/* ===== API ===== */

void expr_free(struct expr *e) {
  if (!e) return;
  for (size_t i = 0; i < e->nnodes; i++) {
    struct expr_node *n = e->nodes[i];
    free(n->str); free(n->map_b); free(n->lut); free(n->setf); free(n->seti);
    free(n->mapf); free(n->mapd); free(n->mapna);
    free(n);
  }
  for (size_t i = 0; i < e->ndicts; i++) frame_dict_release(e->dicts[i]);
  for (size_t i = 0; i < e->ncols; i++) {
    free(e->cols[i].name);
    frame_dict_release(e->cols[i].dict);
  }
  free(e->nodes); free(e->dicts); free(e->cols);
  free(e);
}

struct expr *expr_compile(const char *src, const struct frame *f, char *err, size_t errlen) {
  if (err && errlen) err[0] = '\0';
  struct parser ps;
  memset(&ps, 0, sizeof ps);
  ps.cc.src = src ? src : "";
  ps.cc.f = f;
  ps.cc.err = err; ps.cc.errlen = errlen;
  if (!f) { expr_error(&ps.cc, 0, "no data frame"); return NULL; }
  if (!(ps.cc.e = calloc(1, sizeof *ps.cc.e))) { expr_oom(&ps.cc, 0); return NULL; }
  next(&ps);
  struct expr_node *root = NULL;
  if (ps.cur.t == T_EOF) expr_error(&ps.cc, 0, "the expression is empty");
  else root = parse_or(&ps);
  if (root && ps.cur.t != T_EOF && ps.cur.t != T_ERR) {
    char got[64];
    tok_show(&ps, &ps.cur, got, sizeof got);
    expr_error(&ps.cc, ps.cur.pos, "expected an operator or the end of the expression, found %s",
               got);
  }
  if (root && !ps.cc.failed) root = expr_finish(&ps.cc, root);
  free(ps.cur.text);
  if (!root || ps.cc.failed) {
    if (!ps.cc.failed) expr_error(&ps.cc, 0, "could not compile the expression");
    expr_free(ps.cc.e);
    return NULL;
  }
  ps.cc.e->root = root;
  return ps.cc.e;
}
