/* host/bind/lframe_read.c -- host.frame readers for files other than CSV:
 * read_stat (Stata, SPSS, SAS via host/data/statfile.c on ReadStat) and
 * read_workbook (xlsx and ods via host/data/workbook.c on libzip and
 * libxml2), plus the column metadata they carry (f:meta, f:labels).
 * Argument checks and moving values only; expected failures (a damaged
 * file) return nil plus a message, as read_csv does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "data/statfile.h"
#include "data/workbook.h"
#include "lframe.h"
#include "lframe_int.h"
#include "lhelp.h"

/* The expected failure of a reader: nil and its message.  [-0, +2, m] */
/* A reader's failure: nil and the message (the file is at fault: the
 * caller raises a data error naming the input), or, when memory ran out,
 * an analysis error raised here with the reason "memory", as every other
 * allocation failure is (lh_nomem; docs/cli.md, exit codes). */
static int push_fail(lua_State *L, const char *msg, int nomem) {
  if (nomem) return lh_error(L, "analysis:memory", "%s", msg);
  luaL_pushfail(L);
  lua_pushstring(L, msg);
  return 2;
}

static enum statfile_labels check_mode(lua_State *L, const char *s, const char *what) {
  if (!strcmp(s, "auto")) return STATFILE_LABELS_AUTO;
  if (!strcmp(s, "text")) return STATFILE_LABELS_TEXT;
  if (!strcmp(s, "codes")) return STATFILE_LABELS_CODES;
  lh_error(L, "recipe", "%s: \"%s\" is not a way to read value labels (use \"text\", \"codes\" or \"auto\")",
             what, s);
  return STATFILE_LABELS_AUTO;
}

/* Lua: frame.read_stat(path [, {labels = "auto"|"text"|"codes" |
 *        {default = mode, column = mode, ...}}]) -> frame | nil, message */
static int frame_read_stat(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  enum statfile_kind kind;
  if (statfile_kind_from_path(path, &kind) != 0)
    return luaL_error(L, "read_stat: %s is not a .dta, .sav, .zsav, .por or .sas7bdat file", path);
  struct statfile_opts o;
  memset(&o, 0, sizeof o);
  static const char *const fields[] = {"labels", "max_bytes", "max_columns", "max_rows", NULL};
  lh_checkopts(L, 2, "read_stat", fields, 0);
  if (lua_istable(L, 2)) {
    int t = lua_getfield(L, 2, "labels");
    if (t == LUA_TSTRING) {
      o.labels = check_mode(L, lua_tostring(L, -1), "labels");
    } else if (t == LUA_TTABLE) {
      int lt = lua_gettop(L);
      size_t n = lh_nkeys(L, lt);
      const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
      enum statfile_labels *modes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *modes, 0);
      lua_pushnil(L);
      while (lua_next(L, lt)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
          return lh_error(L, "recipe", "labels: expected column = \"text\" | \"codes\" | \"auto\" entries");
        const char *k = lua_tostring(L, -2);
        enum statfile_labels m = check_mode(L, lua_tostring(L, -1), k);
        if (!strcmp(k, "default")) o.labels = m;
        else { names[o.nlabel] = k; modes[o.nlabel] = m; o.nlabel++; }   /* keys anchored in the table */
        lua_pop(L, 1);
      }
      o.label_names = names;
      o.label_modes = modes;
    } else if (t != LUA_TNIL) {
      return lh_error(L, "recipe", "labels: expected \"text\", \"codes\", \"auto\" or a table of them by column");
    }
  }
  o.max_bytes = lframe_limit(L, 2, "max_bytes");
  o.max_columns = lframe_limit(L, 2, "max_columns");
  o.max_rows = lframe_limit(L, 2, "max_rows");
  struct frame **slot = lframe_newbox(L);
  struct statfile_error err;
  *slot = statfile_read(path, kind, &o, &err);
  return *slot ? 1 : push_fail(L, err.msg, err.nomem);
}

/* The types option ({column = "int64", ...}) into o; the table and its
 * GC-owned arrays stay on the stack.  [-0, +0|+3, e] */
static void check_types(lua_State *L, int opts, struct csvtab_opts *o) {
  csvtab_opts_init(o);
  if (!lua_istable(L, opts)) return;
  if (lua_getfield(L, opts, "types") != LUA_TTABLE) { lua_pop(L, 1); return; }
  int tt = lua_gettop(L);
  size_t n = lh_nkeys(L, tt);
  const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
  enum frame_type *types = lua_newuserdatauv(L, (n ? n : 1) * sizeof *types, 0);
  size_t k = 0;
  lua_pushnil(L);
  while (lua_next(L, tt)) {
    const char *tn = lua_tostring(L, -1);
    if (lua_type(L, -2) != LUA_TSTRING || !tn || frame_type_parse(tn, &types[k]) != 0)
      lh_error(L, "recipe", "types.%s: unknown type \"%s\" (use float64, int64, bool, date or text)",
                 lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?", tn ? tn : "?");
    names[k++] = lua_tostring(L, -2);   /* anchored: the key stays in the table */
    lua_pop(L, 1);
  }
  o->override_names = names;            /* the table and the scratch stay on the stack */
  o->override_types = types;
  o->noverride = n;
}

/* Lua: frame.read_workbook(path [, {sheet = name|position, header_row = n,
 *        header_rows = 1|2, types = {...}}]) -> frame [, nil, warning] | nil, message
 * (warning: rows with values below the table's first empty row, not read)
 * Lua: frame.read_survey_csv(path [, {header_row = n, types = {...}}]) -> the same */
static int read_table(lua_State *L, int csv) {
  const char *path = luaL_checkstring(L, 1);
  struct workbook_opts o;
  workbook_opts_init(&o);
  static const char *const fields[] = {"types", "origin", "sheet", "header_row", "header_rows", "max_bytes",
                                       "max_columns", "max_rows", "max_field", NULL};
  lh_checkopts(L, 2, csv ? "read_survey_csv" : "read_workbook", fields, 0);
  struct csvtab_opts co;
  check_types(L, 2, &co);
  /* the table is read by the CSV loader, under the same limits as a CSV file */
  co.max_bytes = lframe_limit(L, 2, "max_bytes");
  co.max_columns = lframe_limit(L, 2, "max_columns");
  co.max_rows = lframe_limit(L, 2, "max_rows");
  if (lframe_limit(L, 2, "max_field")) co.max_field = lframe_limit(L, 2, "max_field");
  if (lua_istable(L, 2) && lua_getfield(L, 2, "origin") == LUA_TSTRING) co.override_origin = lua_tostring(L, -1);
  o.csv = &co;
  if (csv) o.header_rows = 2;
  if (lua_istable(L, 2)) {
    int t = lua_getfield(L, 2, "sheet");
    if (t == LUA_TNUMBER) {
      lua_Integer k = lua_tointeger(L, -1);
      luaL_argcheck(L, k >= 1, 2, "sheet: a position counts from 1");
      o.sheet_pos = (size_t)k;
    } else if (t == LUA_TSTRING) {
      o.sheet_name = lua_tostring(L, -1);   /* anchored in the options table */
    } else if (t != LUA_TNIL) {
      return lh_error(L, "recipe", "sheet: expected a sheet name or a position (1 is the first sheet)");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "header_row") == LUA_TNUMBER) {
      lua_Integer k = lua_tointeger(L, -1);
      luaL_argcheck(L, k >= 1, 2, "header_row: rows count from 1");
      o.header_row = (size_t)k;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 2, "header_rows") == LUA_TNUMBER) {
      lua_Integer k = lua_tointeger(L, -1);
      luaL_argcheck(L, k == 1 || k == 2, 2, "header_rows: 1, or 2 for a survey export (question, then option)");
      o.header_rows = (int)k;
    }
    lua_pop(L, 1);
  }
  struct frame **slot = lframe_newbox(L);
  struct workbook_error err;
  *slot = csv ? workbook_read_survey_csv(path, &o, &err) : workbook_read(path, &o, &err);
  if (!*slot) return push_fail(L, err.msg, err.nomem);
  if (!err.warning[0]) return 1;
  lua_pushnil(L);
  lua_pushstring(L, err.warning);
  return 3;
}

static int frame_read_workbook(lua_State *L) { return read_table(L, 0); }
static int frame_read_survey_csv(lua_State *L) { return read_table(L, 1); }

/* Lua: frame.sheets(path) -> {name, ...} | nil, message */
static int frame_sheets(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct workbook_error err;
  char **names = NULL;
  size_t n = 0;
  if (workbook_sheets(path, &names, &n, &err) != 0) return push_fail(L, err.msg, err.nomem);
  /* copy into Lua first, then free: pushing may raise only on memory */
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, names[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  workbook_sheets_free(names, n);
  return 1;
}

/* Push the metadata of c as {label, format, value_labels = {{value|tag|code, label}, ...}},
 * or nil when there is none.  [-0, +1, m] */
static void push_meta(lua_State *L, const struct frame_col *c) {
  const struct frame_meta *m = c->meta;
  if (!m) { lua_pushnil(L); return; }
  lua_createtable(L, 0, 3);
  if (m->label) { lua_pushstring(L, m->label); lua_setfield(L, -2, "label"); }
  if (m->format) { lua_pushstring(L, m->format); lua_setfield(L, -2, "format"); }
  lua_createtable(L, (int)m->nvl, 0);
  for (size_t k = 0; k < m->nvl; k++) {
    const struct frame_vlabel *v = &m->vl[k];
    lua_createtable(L, 0, 2);
    if (v->str) lua_pushstring(L, v->str), lua_setfield(L, -2, "code");
    else if (v->tag) { char t[3] = {'.', v->tag, 0}; lua_pushstring(L, t); lua_setfield(L, -2, "tag"); }
    else {
      lua_Integer iv;
      if (lua_numbertointeger(v->value, &iv) && (double)iv == v->value) lua_pushinteger(L, iv);
      else lua_pushnumber(L, v->value);
      lua_setfield(L, -2, "value");
    }
    lua_pushstring(L, v->label);
    lua_setfield(L, -2, "label");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "value_labels");
}

/* Lua: f:meta(name) -> {label =, format =, value_labels = {...}} | nil */
static int frame_meta(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  push_meta(L, lframe_checkcol(L, f, 2));
  return 1;
}

/* Lua: f:labels() -> {column = label, ...} for the columns that have one */
static int frame_labels(lua_State *L) {
  const struct frame *f = lframe_check(L, 1);
  lua_newtable(L);
  for (size_t j = 0; j < f->ncol; j++) {
    const struct frame_meta *m = f->col[j]->meta;
    if (!m || !m->label) continue;
    lua_pushstring(L, m->label);
    lua_setfield(L, -2, f->col[j]->name);
  }
  return 1;
}

/* Lua: f:user_code(row, name) -> the code of an SPSS user-missing value, or nil */
static int frame_user_code(lua_State *L) {
  size_t i;
  const struct frame_col *c = lframe_checkcell(L, &i);
  if (!c->na || c->na[i] != NA_USER) return 0;
  if (c->type == FRAME_I64) lua_pushinteger(L, (lua_Integer)c->v.i64[i]);
  else if (c->type == FRAME_F64) lua_pushnumber(L, c->v.f64[i]);
  else if (c->type == FRAME_CAT) {
    const struct frame_dict *d = c->dict;
    lua_pushlstring(L, d->str[c->v.cat[i]], d->len[c->v.cat[i]]);
  } else return 0;
  return 1;
}

const luaL_Reg lframe_read_methods[] = {
  {"meta", frame_meta}, {"labels", frame_labels}, {"user_code", frame_user_code}, {NULL, NULL}};

const luaL_Reg lframe_read_funcs[] = {
  {"read_stat", frame_read_stat}, {"read_workbook", frame_read_workbook},
  {"read_survey_csv", frame_read_survey_csv}, {"sheets", frame_sheets}, {NULL, NULL}};
