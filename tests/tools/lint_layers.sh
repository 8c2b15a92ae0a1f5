#!/bin/sh
# Check the layer rules of host/ (docs/host.md, "Layers"):
#   - only host/app and host/bind include a Lua header (lua.h, lauxlib.h, lualib.h, luaconf.h,
#     also under a folder such as <lua5.4/lua.h>);
#   - a layer includes only headers of its own folder and of the layers below it:
#       data   -> data
#       num    -> num, data
#       match  -> match, num, data
#       render -> render
#     (bind and app may include any layer).
# Prints each offending line as FILE:LINE: text and fails if there is any.
cd "$(dirname "$0")/../.." || exit 2
bad=0
lua=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([a-z0-9.]+/)?(lua|lauxlib|lualib|luaconf)\.h[>"]' \
        $(find host -name '*.[ch]' ! -path 'host/app/*' ! -path 'host/bind/*' | sort))
if [ -n "$lua" ]; then
  echo "$lua" | sed 's/$/   <- a Lua header outside host\/app and host\/bind/'
  bad=1
fi
check() {  # folder, allowed folders (space separated)
  dir=$1; shift
  for f in $(find "host/$dir" -name '*.[ch]' | sort); do
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z]+/' "$f" | while IFS= read -r line; do
      to=$(echo "$line" | sed -E 's/.*include[[:space:]]*"([a-z]+)\/.*/\1/')
      ok=0
      for a in "$@"; do [ "$to" = "$a" ] && ok=1; done
      [ "$ok" = 1 ] || echo "$f:$line   <- host/$dir may not include host/$to"
    done
  done
}
layers=$(check data data; check num num data; check match match num data; check render render)
if [ -n "$layers" ]; then echo "$layers"; bad=1; fi
if [ "$bad" = 0 ]; then
  echo "lint-layers: host/ keeps its layer rules"
else
  echo "lint-layers: FAILED (rules in docs/host.md, \"Layers\")"
fi
mkdir -p tests/out
echo "lint $((1 - bad)) $bad" >> tests/out/summary.txt
exit "$bad"
