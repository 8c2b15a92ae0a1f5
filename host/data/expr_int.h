/* host/data/expr_int.h -- private to expr_parse.c, expr_check.c and expr_eval.c.
 * The compiled form is a typed tree: every node knows its result type, and
 * anything that depends on the data's dictionaries (codes of text literals,
 * lookup tables over dictionary entries) is worked out at compile time, so
 * evaluation is a walk over fixed-size blocks of rows with tight loops. */
#ifndef CSC_EXPR_INT_H
#define CSC_EXPR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "frame.h"

#define EXPR_MAX_DEPTH 200   /* nesting cap: bounds recursion in parse, eval, free */
#define EXPR_MAX_ARGS 64     /* arguments of one function call */
#define EXPR_BLOCK 1024      /* rows per block: ~a few slots of 9 KB stay in L1/L2 */

/* Result types.  EV_STR is a text literal not yet given a meaning: next to a
 * text column it is compared through the column's dictionary, next to a date
 * it is parsed as a date, elsewhere it becomes a one-entry text constant. */
enum expr_vtype { EV_F64, EV_I64, EV_BOOL, EV_DATE, EV_CAT, EV_STR };

enum expr_kind {
  EK_COL,       /* column col of the frame */
  EK_CONST,     /* k (numbers, bool, date); EV_CAT: code 0 of its own dict */
  EK_STR,       /* text literal str (EV_STR) */
  EK_TOF64,     /* int64 -> float64 */
  EK_NEG,       /* -a */
  EK_ARITH,     /* a op b, op = EO_ADD..EO_MOD; mode = enum expr_amode */
  EK_CMP,       /* a op b, op = EO_EQ..EO_GE; mode = enum expr_cmode */
  EK_AND, EK_OR, EK_NOT,
  EK_IN,        /* a in set; mode = enum expr_imode */
  EK_ISNA,      /* lut[reason] for each row of a */
  EK_MATH,      /* op = enum expr_fn on a float64 (or abs on int64) */
  EK_ROUND,     /* round(a, digits) */
  EK_MINMAX,    /* op = EF_MIN / EF_MAX */
  EK_IFELSE,    /* a ? b : c */
  EK_COALESCE,  /* a if present else b */
  EK_DATEPART,  /* op = EF_YEAR..EF_WEEKDAY; EF_YEARS_BETWEEN reads a (from) and b (to) */
  EK_DICTMAP    /* text -> number or date through a per-dictionary-entry table */
};

enum expr_op {
  EO_ADD, EO_SUB, EO_MUL, EO_DIV, EO_POW, EO_MOD,
  EO_EQ, EO_NE, EO_LT, EO_LE, EO_GT, EO_GE
};

/* EK_ARITH operand layouts */
enum expr_amode {
  AM_F64,        /* float64 op float64 */
  AM_I64,        /* int64 op int64 (+ - * %), overflow -> NA_CALC */
  AM_DATE_I64,   /* date +/- int64 -> date */
  AM_DATE_DATE   /* date - date -> int64 days */
};

/* EK_CMP operand layouts */
enum expr_cmode {
  CM_F64, CM_I64, CM_DATE, CM_BOOL,
  CM_CATCODE,    /* text column ==/~= literal: compare codes with node->code */
  CM_CATLUT,     /* text column ordered against a literal: lut[code] */
  CM_CATSAME,    /* two text values, same dictionary, ==/~=: compare codes */
  CM_CATSTR      /* two text values, different dictionaries: compare strings */
};

/* EK_IN layouts */
enum expr_imode { IM_F64, IM_I64, IM_DATE, IM_LUT /* text and bool: lut[code] */ };

/* Functions (EK_MATH, EK_MINMAX, EK_DATEPART ops and the call table) */
enum expr_fn {
  EF_ABS, EF_CEIL, EF_COALESCE, EF_DATE, EF_DAY, EF_DAYS_BETWEEN, EF_EXP, EF_FLOOR,
  EF_IF_ELSE, EF_INV_LOGIT, EF_IS_MISSING, EF_LOG, EF_LOGIT, EF_MAX, EF_MIN, EF_MONTH,
  EF_ROUND, EF_SQRT, EF_TO_NUMBER, EF_SIN, EF_COS, EF_WEEKDAY, EF_YEAR, EF_YEARS_BETWEEN, EF_NFN
};

struct expr_node {
  enum expr_kind kind;
  enum expr_vtype type;
  int op;                    /* enum expr_op or enum expr_fn */
  int mode;                  /* enum expr_amode / expr_cmode / expr_imode */
  int pos;                   /* byte offset in the source, for messages */
  int depth;                 /* 1 + deepest child */
  int nslot;                 /* scratch slots evaluation needs (see expr_eval.c) */
  struct expr_node *a, *b, *c;
  int col;                   /* EK_COL: column index in the frame */
  union { double f; int64_t i; } k;   /* EK_CONST value (bool, date: i) */
  int32_t code;              /* CM_CATCODE: literal's code, -1 if not in the dictionary */
  int digits;                /* EK_ROUND */
  char *str; size_t len;     /* EK_STR text, owned */
  struct frame_dict *dict;   /* EV_CAT: dictionary of the codes (reference held in expr) */
  int32_t *map_b;            /* IFELSE/COALESCE on text: b's code -> result code */
  size_t nmap;
  uint8_t *lut; size_t nlut; /* CM_CATLUT, IM_LUT: per code; EK_ISNA: per reason (256) */
  double *setf; int64_t *seti; size_t nset;   /* IM_F64, IM_I64, IM_DATE */
  double *mapf; int32_t *mapd; uint8_t *mapna; size_t nmapv;  /* EK_DICTMAP */
};

/* A column the expression reads, checked again before each evaluation. */
struct expr_colref {
  int idx;
  char *name;
  enum frame_type type;
  struct frame_dict *dict;   /* reference held */
  size_t dictn;              /* dictionary size at compile time */
};

struct expr {
  struct expr_node *root;
  struct expr_node **nodes; size_t nnodes, capnodes;    /* every node, for freeing */
  struct frame_dict **dicts; size_t ndicts, capdicts;   /* references held */
  struct expr_colref *cols; size_t ncols, capcols;
};

/* Compile state shared by the parser and the type checker. */
struct expr_cc {
  const char *src;
  const struct frame *f;
  struct expr *e;
  char *err; size_t errlen;
  int failed;
};

/* ===== expr_parse.c ===== */
/* Record the first error, prefixed "at column N: " (N counts characters). */
void expr_error(struct expr_cc *cc, int pos, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
void expr_oom(struct expr_cc *cc, int pos);

/* ===== expr_check.c: node construction with type checking =====
 * Every constructor returns NULL after recording an error; NULL children are
 * accepted and give NULL, so callers can chain without checks. */
struct expr_node *expr_mk_col(struct expr_cc *cc, const char *name, size_t len, int pos);
struct expr_node *expr_mk_num(struct expr_cc *cc, int is_int, double f, int64_t i, int pos);
struct expr_node *expr_mk_bool(struct expr_cc *cc, int v, int pos);
struct expr_node *expr_mk_str(struct expr_cc *cc, char *s, size_t len, int pos); /* takes s */
struct expr_node *expr_mk_neg(struct expr_cc *cc, struct expr_node *a, int pos);
struct expr_node *expr_mk_not(struct expr_cc *cc, struct expr_node *a, int pos);
struct expr_node *expr_mk_logic(struct expr_cc *cc, enum expr_kind k, struct expr_node *a,
                                struct expr_node *b, int pos);
struct expr_node *expr_mk_arith(struct expr_cc *cc, enum expr_op op, struct expr_node *a,
                                struct expr_node *b, int pos);
struct expr_node *expr_mk_cmp(struct expr_cc *cc, enum expr_op op, struct expr_node *a,
                              struct expr_node *b, int pos);
/* x in {set[0], ...}: set elements are constants (EK_CONST or EK_STR). */
struct expr_node *expr_mk_in(struct expr_cc *cc, struct expr_node *x, struct expr_node **set,
                             size_t nset, int pos);
/* Function call by name; NULL + "unknown function" message if not known. */
struct expr_node *expr_mk_call(struct expr_cc *cc, const char *name, size_t len,
                               struct expr_node **args, int nargs, int pos);
/* The finished tree: text literals become constants, sizes are checked. */
struct expr_node *expr_finish(struct expr_cc *cc, struct expr_node *root);
/* Levenshtein distance, or a value > 2 when clearly further apart. */

const char *expr_type_noun(enum expr_vtype t);   /* "a number", "text", ... */

/* ===== shared helpers ===== */
/* Byte-wise order of two texts (the order of C's strcmp, also for UTF-8). */
static inline int expr_bytes_cmp(const char *a, size_t la, const char *b, size_t lb) {
  size_t n = la < lb ? la : lb;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
  return (la > lb) - (la < lb);
}

/* Does a comparison with outcome c (<0, 0, >0) satisfy op? */
static inline int expr_cmp_holds(enum expr_op op, int c) {
  switch (op) {
  case EO_EQ: return c == 0;
  case EO_NE: return c != 0;
  case EO_LT: return c < 0;
  case EO_LE: return c <= 0;
  case EO_GT: return c > 0;
  default: return c >= 0;
  }
}

#endif
