#!/bin/sh
# Install the Debian packages given as arguments when any is missing.
# As root this runs apt-get; otherwise it says what to run and fails.
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $missing >/dev/null || exit 1
else
  echo "missing Debian packages:$missing" >&2
  echo "run: sudo apt-get install$missing" >&2
  exit 1
fi
