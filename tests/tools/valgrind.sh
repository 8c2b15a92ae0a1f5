#!/bin/sh
# Run a command under valgrind's memcheck for make valgrind: any memory error
# or definite leak makes the exit code 99 and is printed on stderr (ERROR
# SUMMARY, "definitely lost").  Possible and reachable leaks are not errors:
# GLib, fontconfig and Lua's own allocator keep memory for the life of the
# process.  tests/tools/valgrind.supp lists what the libraries csceval links
# are known to leave (none of it csceval's).
here=$(cd "$(dirname "$0")" && pwd)
exec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --suppressions="$here/valgrind.supp" "$@"
