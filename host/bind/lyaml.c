/* host/bind/lyaml.c -- Lua module "host.yaml": read a YAML file with libyaml
 * (Debian's libyaml-dev) into Lua tables.  Used for the SSDA903 field
 * specifications (lua/csc/ssda903/spec.lua).  Mappings become tables keyed
 * by the scalar text, sequences become arrays, scalars stay strings (no
 * implicit typing: "0" is the string "0", "no" is the string "no"); the
 * reader of the specification decides what a value means.
 * Trusted code only: recipes never see this module. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <yaml.h>

#include "lhelp.h"

/* Aliases can make a small file expand enormously ("billion laughs"); a
 * specification has a few thousand nodes, so these caps are generous. */
#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 2000000

struct conv {
  yaml_document_t *doc;
  long nodes;
  const char *path;
};

static void push_node(lua_State *L, struct conv *c, yaml_node_t *n, int depth) {
  if (++c->nodes > YAML_MAX_NODES)
    lh_error(L, "data", "%s: more than %d YAML nodes once aliases are expanded", c->path, YAML_MAX_NODES);
  if (depth > YAML_MAX_DEPTH)
    lh_error(L, "data", "%s:%d: YAML nested more than %d levels deep", c->path,
               (int)n->start_mark.line + 1, YAML_MAX_DEPTH);
  luaL_checkstack(L, 4, "YAML nesting");
  switch (n->type) {
  case YAML_SCALAR_NODE:
    lua_pushlstring(L, (const char *)n->data.scalar.value, n->data.scalar.length);
    break;
  case YAML_SEQUENCE_NODE: {
    lua_createtable(L, (int)(n->data.sequence.items.top - n->data.sequence.items.start), 0);
    lua_Integer i = 1;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
      push_node(L, c, yaml_document_get_node(c->doc, *it), depth + 1);
      lua_rawseti(L, -2, i++);
    }
    break;
  }
  case YAML_MAPPING_NODE: {
    lua_newtable(L);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
      if (!k || k->type != YAML_SCALAR_NODE)
        lh_error(L, "data", "%s:%d: a mapping key that is not plain text", c->path, (int)n->start_mark.line + 1);
      push_node(L, c, k, depth + 1);
      push_node(L, c, yaml_document_get_node(c->doc, p->value), depth + 1);
      lua_rawset(L, -3);
    }
    break;
  }
  default:
    lua_pushnil(L);
  }
}

struct holder {
  yaml_parser_t parser;
  yaml_document_t doc;
  FILE *fp;
  int parser_ok, doc_ok;
};

static int holder_gc(lua_State *L) {
  struct holder *h = lua_touserdata(L, 1);
  if (h->doc_ok) { yaml_document_delete(&h->doc); h->doc_ok = 0; }
  if (h->parser_ok) { yaml_parser_delete(&h->parser); h->parser_ok = 0; }
  if (h->fp) { fclose(h->fp); h->fp = NULL; }
  return 0;
}

/* Lua: yaml.load_file(path) -> value | nil, "PATH:LINE:COL: message" */
static int yaml_load_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  /* the holder owns the parser, document and file, so an error raised while
   * converting (too deep, too many nodes) frees them through __gc */
  struct holder *h = lh_newbox(L, sizeof *h, "host.yaml.holder", holder_gc);
  h->fp = fopen(path, "rb");
  if (!h->fp) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: cannot open (%s)", path, strerror(errno));
    return 2;
  }
  if (!yaml_parser_initialize(&h->parser)) return lh_nomem(L, path);   /* fails only on memory */
  h->parser_ok = 1;
  yaml_parser_set_input_file(&h->parser, h->fp);
  if (!yaml_parser_load(&h->parser, &h->doc)) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s:%d:%d: YAML error: %s%s%s", path, (int)h->parser.problem_mark.line + 1,
                    (int)h->parser.problem_mark.column + 1,
                    h->parser.problem ? h->parser.problem : "malformed",
                    h->parser.context ? " " : "", h->parser.context ? h->parser.context : "");
    return 2;
  }
  h->doc_ok = 1;
  yaml_node_t *root = yaml_document_get_root_node(&h->doc);
  if (!root) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: the YAML file is empty", path);
    return 2;
  }
  struct conv c = {&h->doc, 0, path};
  push_node(L, &c, root, 0);
  return 1;
}

int luaopen_host_yaml(lua_State *L) {
  static const luaL_Reg fns[] = {{"load_file", yaml_load_file}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
