/* host/bind/lxml.c -- Lua module "host.xml": read an XML file with libxml2
 * (Debian's libxml2-dev) into Lua tables, keeping each element's line.
 * Used for the XML form of the SSDA903 return (lua/csc/ssda903/xml.lua).
 * An element becomes {tag = name, line = n, text = "...", [1..k] = its
 * child elements}; text is the element's own character data with
 * surrounding white space removed.  The network and DTDs are never loaded
 * and entities are not substituted, so a file cannot reach other files.
 * Trusted code only: recipes never see this module. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <lua.h>

#include "lhelp.h"

#define XML_MAX_DEPTH 256

struct holder {
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  int err_line;        /* the first error's line (0: none yet) */
  char err_msg[256];   /* and its message: later ones follow from it */
};

/* libxml2's structured error callback: keep the first error only, since
 * after a fatal error the parser goes on to report its consequences
 * ("Premature end of data" at the end of the file). */
static void first_error(void *data, xmlErrorPtr err) {
  xmlParserCtxtPtr ctxt = data;   /* libxml2 passes ctxt->userData: the context */
  struct holder *h = ctxt ? ctxt->_private : NULL;
  if (!h) return;
  if (h->err_line || !err || !err->message) return;
  h->err_line = err->line > 0 ? err->line : 1;
  snprintf(h->err_msg, sizeof h->err_msg, "%s", err->message);
  size_t n = strlen(h->err_msg);
  while (n > 0 && (h->err_msg[n - 1] == '\n' || h->err_msg[n - 1] == ' ')) h->err_msg[--n] = 0;
}

static int holder_gc(lua_State *L) {
  struct holder *h = lua_touserdata(L, 1);
  if (h->doc) { xmlFreeDoc(h->doc); h->doc = NULL; }
  if (h->ctxt) { xmlFreeParserCtxt(h->ctxt); h->ctxt = NULL; }
  return 0;
}

/* Push s[0..n) without leading and trailing white space. [-0, +1, m] */
static void push_trimmed(lua_State *L, const char *s, size_t n) {
  while (n > 0 && isspace((unsigned char)*s)) { s++; n--; }
  while (n > 0 && isspace((unsigned char)s[n - 1])) n--;
  lua_pushlstring(L, s, n);
}

static void push_element(lua_State *L, xmlNodePtr e, int depth, const char *path) {
  if (depth > XML_MAX_DEPTH)
    lh_error(L, "data", "%s:%d: XML nested more than %d levels deep", path, (int)xmlGetLineNo(e), XML_MAX_DEPTH);
  luaL_checkstack(L, 6, "XML nesting");
  lua_newtable(L);
  lua_pushstring(L, (const char *)e->name);
  lua_setfield(L, -2, "tag");
  lua_pushinteger(L, (lua_Integer)xmlGetLineNo(e));
  lua_setfield(L, -2, "line");
  luaL_Buffer b;
  luaL_buffinit(L, &b);   /* the buffer sits on the stack above the table */
  lua_Integer k = 0;
  for (xmlNodePtr c = e->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) luaL_addstring(&b, (const char *)c->content);
    } else if (c->type == XML_ELEMENT_NODE) {
      push_element(L, c, depth + 1, path);
      lua_rawseti(L, -3, ++k);   /* below it: the buffer, then the table */
    }
  }
  luaL_pushresult(&b);
  size_t n;
  const char *s = lua_tolstring(L, -1, &n);
  push_trimmed(L, s, n);
  lua_setfield(L, -3, "text");
  lua_pop(L, 1);
}

/* Lua: xml.load_file(path) -> root element | nil, "PATH:LINE: message" */
static int xml_load_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  /* the holder owns the parser context and the document, so an error raised
   * while converting (too deep, out of memory) frees them through __gc */
  struct holder *h = lh_newbox(L, sizeof *h, "host.xml.holder", holder_gc);
  h->ctxt = xmlNewParserCtxt();
  if (!h->ctxt) return lh_nomem(L, path);   /* only memory stops a parser context */
  /* errors go to first_error (never to stderr); the context is this call's */
  h->ctxt->sax->serror = first_error;
  h->ctxt->_private = h;
  h->doc = xmlCtxtReadFile(h->ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!h->doc || !h->ctxt->wellFormed) {
    luaL_pushfail(L);
    if (h->err_line)
      lua_pushfstring(L, "%s:%d: %s", path, h->err_line, h->err_msg);
    else
      lua_pushfstring(L, "%s: cannot be read as XML", path);
    return 2;
  }
  xmlNodePtr root = xmlDocGetRootElement(h->doc);
  if (!root) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s:1: the XML file has no root element", path);
    return 2;
  }
  push_element(L, root, 0, path);
  return 1;
}

int luaopen_host_xml(lua_State *L) {
  static const luaL_Reg fns[] = {{"load_file", xml_load_file}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
