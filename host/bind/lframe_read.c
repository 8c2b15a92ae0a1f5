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
#include "lframe.h"
#include "lframe_int.h"

static enum statfile_labels check_mode(lua_State *L, const char *s, const char *what) {
  if (!strcmp(s, "auto")) return STATFILE_LABELS_AUTO;
  if (!strcmp(s, "text")) return STATFILE_LABELS_TEXT;
  if (!strcmp(s, "codes")) return STATFILE_LABELS_CODES;
  luaL_error(L, "%s: \"%s\" is not a way to read value labels (use \"text\", \"codes\" or \"auto\")",
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
  if (lua_istable(L, 2)) {
    int t = lua_getfield(L, 2, "labels");
    if (t == LUA_TSTRING) {
      o.labels = check_mode(L, lua_tostring(L, -1), "labels");
    } else if (t == LUA_TTABLE) {
      int lt = lua_gettop(L);
      size_t n = 0;
      lua_pushnil(L);
      while (lua_next(L, lt)) { n++; lua_pop(L, 1); }
      const char **names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
      enum statfile_labels *modes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *modes, 0);
      lua_pushnil(L);
      while (lua_next(L, lt)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
          return luaL_error(L, "labels: expected column = \"text\" | \"codes\" | \"auto\" entries");
        const char *k = lua_tostring(L, -2);
        enum statfile_labels m = check_mode(L, lua_tostring(L, -1), k);
        if (!strcmp(k, "default")) o.labels = m;
        else { names[o.nlabel] = k; modes[o.nlabel] = m; o.nlabel++; }   /* keys anchored in the table */
        lua_pop(L, 1);
      }
      o.label_names = names;
      o.label_modes = modes;
    } else if (t != LUA_TNIL) {
      return luaL_error(L, "labels: expected \"text\", \"codes\", \"auto\" or a table of them by column");
    }
  }
  struct frame **slot = lframe_newbox(L);
  struct statfile_error err;
  *slot = statfile_read(path, kind, &o, &err);
  if (!*slot) {
    luaL_pushfail(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
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
  const struct frame *f = lframe_check(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  luaL_argcheck(L, i >= 1 && (size_t)i <= f->nrow, 2, "row out of range");
  const struct frame_col *c = lframe_checkcol(L, f, 3);
  if (!c->na || c->na[i - 1] != NA_USER) return 0;
  if (c->type == FRAME_I64) lua_pushinteger(L, (lua_Integer)c->v.i64[i - 1]);
  else if (c->type == FRAME_F64) lua_pushnumber(L, c->v.f64[i - 1]);
  else if (c->type == FRAME_CAT) {
    const struct frame_dict *d = c->dict;
    lua_pushlstring(L, d->str[c->v.cat[i - 1]], d->len[c->v.cat[i - 1]]);
  } else return 0;
  return 1;
}

static const luaL_Reg read_methods[] = {
  {"meta", frame_meta}, {"labels", frame_labels}, {"user_code", frame_user_code}, {NULL, NULL}};

static const luaL_Reg read_funcs[] = {
  {"read_stat", frame_read_stat}, {NULL, NULL}};

void lframe_read_register(lua_State *L, int methods, int na) {
  lua_pushvalue(L, methods);
  lua_pushvalue(L, na);
  luaL_setfuncs(L, read_methods, 1);
  lua_pop(L, 1);
}

void lframe_read_funcs(lua_State *L, int mod, int na) {
  lua_pushvalue(L, mod);
  lua_pushvalue(L, na);
  luaL_setfuncs(L, read_funcs, 1);
  lua_pop(L, 1);
}
