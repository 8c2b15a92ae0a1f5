/* host/app/modules.h -- the table of C modules preloaded into every state. */
#ifndef CSC_HS_MODULES_H
#define CSC_HS_MODULES_H

#include <lua.h>

struct hs_module {
  const char *name;
  lua_CFunction open;
};

extern const struct hs_module hs_modules[];

#endif
