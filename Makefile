# csceval -- build, test and run.
#   make run      install missing Debian packages, build, run every recipe
#   make check    build and run every test (unit, Lua, bad input, golden, sanitizers)
#   make bench    install the peers and run the benchmarks in tests/bench/
#   make fuzz     build the libFuzzer harnesses (clang) and run each for FUZZ_SECONDS
#   make valgrind every recipe and the bad-input corpus under valgrind
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := lua5.4 gsl librsvg-2.0 glib-2.0 yaml-0.1 \
           libxml-2.0 libzip \
           xlsxwriter
DEBS    := liblua5.4-dev libgsl-dev libcsv-dev libcmocka-dev librsvg2-dev libglib2.0-dev libyaml-dev pkg-config \
           libxml2-dev libreadstat-dev libzip-dev \
           libxlsxwriter-dev
# fuzzing (libFuzzer comes with clang's runtime libraries) and valgrind
DEBS    += clang libclang-rt-14-dev valgrind
# the second reader of --xlsx workbooks in make check
DEBS    += python3-openpyxl
# R and its packages: make test-export runs the scripts of csceval export --to r
DEBS    += r-base-core r-cran-matchit r-cran-sandwich r-cran-lmtest
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcsv ships no .pc file
CSV_LIBS   := -lcsv
# nor does ReadStat (Stata, SPSS and SAS files)
READSTAT_LIBS := -lreadstat
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -Wall -Wextra -D_XOPEN_SOURCE=700 \
              -DCSC_VERSION='"$(VERSION)"' -Ihost $(PKG_CFLAGS) $(CFLAGS)
LDLIBS   := $(PKG_LIBS) $(CSV_LIBS) $(READSTAT_LIBS) -lm

BUILD    ?= build
# host/ is arranged by layer (docs/host.md): app, bind, data, num, match, render
HOST_SRC := $(filter-out host/app/main.c,$(wildcard host/*/*.c))
HOST_OBJ := $(HOST_SRC:host/%.c=$(BUILD)/host/%.o)
HOST_HDR := $(wildcard host/*/*.h)
TEST_SRC := $(wildcard tests/c/test_*.c)
TEST_BIN := $(TEST_SRC:tests/c/%.c=$(BUILD)/tests/%)

# Generated documentation (a Lua test fails when any of it differs from the code):
# docs/explain.md from data/explain.yaml; the field tables of docs/recipes.md and the
# LuaLS annotations lua/meta/recipe.lua from the recipe and design schemas.
docs: csceval
	./csceval explain docs > docs/explain.md
	./csceval test tests/tools/gen_docs.lua

.PHONY: docs test-docs test-tutorial all run check deps lint-layers test-unit test-lua test-xlsx test-bad test-golden test-asan test-browser bench test-national-gen test-bench-status \
        install clean fuzz fuzz-build test-fuzz test-asan-recipes valgrind test-hardening test-export

all: csceval

csceval: $(BUILD)/csceval
	cp $< $@

$(BUILD)/host/%.o: host/%.c $(HOST_HDR) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libcsceval.a: $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/csceval: $(BUILD)/host/app/main.o $(BUILD)/libcsceval.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/c/%.c $(BUILD)/libcsceval.a $(wildcard tests/c/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcsceval.a $(LDLIBS) $(CMOCKA_LIBS) $(TEST_WRAP)

# test_nomem fails one allocation at a time in the readers: the project's
# own calls to the allocators go through its wrappers.
$(BUILD)/tests/test_nomem: TEST_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=posix_memalign,--wrap=strdup,--wrap=strndup

# Fuzz harnesses (tests/fuzz/, docs/testing.md "Fuzzing").  Each is linked
# with libFuzzer for `make fuzz` (clang, build-fuzz/) or with
# tests/fuzz/replay.c, which replays the committed corpus, for `make check`
# (the ASan/UBSan build, build-asan/).  The Lua harnesses are one C file,
# tests/fuzz/lua.c, built once per tests/fuzz/NAME.lua.
FUZZ_C      := csv csv_diff expr svg workbook
FUZZ_LUA    := recipe ssda903 json
FUZZ_ALL    := $(FUZZ_C) $(FUZZ_LUA)
FUZZ_DRIVER ?= tests/fuzz/replay.c
FUZZ_LINK   ?=
FUZZ_HDR    := tests/fuzz/fuzz.h tests/fuzz/frame_check.h
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer

$(FUZZ_C:%=$(BUILD)/fuzz/%): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_HDR) $(BUILD)/libcsceval.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz $(FUZZ_LINK) -o $@ $< $(FUZZ_DRIVER) $(BUILD)/libcsceval.a $(LDLIBS)

$(FUZZ_LUA:%=$(BUILD)/fuzz/%): $(BUILD)/fuzz/%: tests/fuzz/lua.c tests/fuzz/%.lua $(FUZZ_HDR) $(BUILD)/libcsceval.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -DFUZZ_LUA='"$*"' -DFUZZ_ROOT='"$(CURDIR)"' $(FUZZ_LINK) -o $@ $< \
	  $(FUZZ_DRIVER) $(BUILD)/libcsceval.a $(LDLIBS)

fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" FUZZ_DRIVER= FUZZ_LINK=-fsanitize=fuzzer \
	  $(FUZZ_ALL:%=build-fuzz/fuzz/%)

# Every harness at once, each for FUZZ_SECONDS, at the lowest priority;
# logs, new inputs and any finding under tests/out/fuzz/ (tests/fuzz/run.sh).
fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_ALL)

# The committed corpus replayed through every harness (ASan/UBSan build).
test-fuzz:
	$(MAKE) BUILD=build-asan OPT=-O1 CFLAGS="$(ASAN_CFLAGS)" $(FUZZ_ALL:%=build-asan/fuzz/%)
	@sh tests/fuzz/replay.sh build-asan/fuzz $(FUZZ_ALL)

# Install any missing Debian package (needs root; prints what to run otherwise).
deps:
	@sh tests/tools/deps.sh $(DEBS)

# The browser tests' packages: Debian's chromium, and node with npm when
# there is no npm yet.  Installed as root like DEBS; without root the
# browser tests are skipped with a message instead of failing the build.
BROWSER_DEBS := chromium
browser-deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  sh tests/tools/deps.sh $(BROWSER_DEBS) && \
	  { command -v npm >/dev/null 2>&1 || sh tests/tools/deps.sh nodejs npm; }; \
	else sh tests/tools/deps.sh $(BROWSER_DEBS) 2>/dev/null || \
	  echo "note: not root, so chromium is not installed; the browser tests will be skipped"; fi

run: deps
	$(MAKE) csceval
	./csceval run recipes/*.lua --out out
	./csceval synthesise recipes/*.lua --out out

# Only host/app and host/bind include Lua headers; each layer includes only
# the layers below it (tests/tools/lint_layers.sh, docs/host.md "Layers").
lint-layers:
	@sh tests/tools/lint_layers.sh

test-unit: $(TEST_BIN)
	@sh tests/tools/run_unit.sh $(TEST_BIN)

test-lua: csceval
	./csceval test tests/lua/run.lua

# the scale-series generator at 100,000 rows (tests/bench/gen_national_check.sh; not timed)
test-national-gen: csceval
	@sh tests/bench/gen_national_check.sh $(BUILD)

# make bench's exit status: the scale series with stand-in peers, one agreeing and
# some deliberately broken checks (tests/bench/check_bench_status.sh; not timed, no peers)
test-bench-status: csceval
	@sh tests/bench/check_bench_status.sh $(BUILD)

test-bad: csceval
	@sh tests/badinput/run.sh ./csceval

# Transactional output: SIGKILL at random moments in 200 runs (spread over
# twice a run's length, so some land in the swap), and 8 runs at once on one
# --out (tests/hardening/run.sh; about a minute).
test-hardening: csceval
	@bash tests/hardening/run.sh ./csceval 200

# report.xlsx read back by openpyxl and compared with results.json
test-xlsx: csceval
	@sh tests/tools/xlsx_test.sh ./csceval

# csceval export --to r: each covered shipped recipe's R script run by Rscript and
# its results compared with results.json (tests/export/run.sh; SKIP_R=1 skips it)
test-export: csceval
	@sh tests/export/run.sh ./csceval

# The documentation run as a test (tests/tools/doctest.lua): on every page,
# the ```sh run blocks run and exit as shown, ```lua file= blocks are the
# recipes they run, <!-- prints --> and <!-- check --> comments compare what
# the page says with the output, and every relative link resolves.
test-docs: csceval
	./csceval test tests/tools/doctest.lua

test-tutorial: test-docs

test-golden: csceval
	@sh tests/golden/run.sh ./csceval

# Every report in headless Chromium (tests/browser/run.sh); skipped with a
# message when Chromium or node is missing.  npm ci installs the pinned
# playwright-core and axe-core from tests/browser/package-lock.json on first
# use and again whenever the lock file is newer than the installed tree.
test-browser: csceval
	@if [ -x "$${CHROMIUM:-/usr/bin/chromium}" ] && command -v npm >/dev/null 2>&1 && \
	  { [ ! -f tests/browser/node_modules/.package-lock.json ] || \
	    [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; }; then \
	  cd tests/browser && npm ci --no-audit --no-fund --loglevel=error; fi
	@sh tests/browser/run.sh ./csceval

# The unit and bad-input tests, every recipe and the fuzz corpus again under
# AddressSanitizer and UBSan (any UBSan report stops the run).
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
test-asan:
	$(MAKE) BUILD=build-asan OPT=-O1 CFLAGS="$(ASAN_CFLAGS)" \
	  build-asan/csceval $(TEST_SRC:tests/c/%.c=build-asan/tests/%)
	@sh tests/tools/run_unit.sh $(TEST_SRC:tests/c/%.c=build-asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1 sh tests/badinput/run.sh build-asan/csceval
	@sh tests/tools/run_recipes.sh asan build-asan/csceval
	$(MAKE) test-fuzz

# Every recipe and the bad-input corpus under valgrind (memcheck): no error
# and no definite leak (tests/tools/run_recipes.sh, docs/testing.md).
valgrind: csceval
	@sh tests/tools/run_recipes.sh valgrind ./csceval
	@CSCEVAL_WRAP="sh $(CURDIR)/tests/tools/valgrind.sh" sh tests/badinput/run.sh ./csceval

# The test suites never run a recipe on a large generated extract (an input
# with skip_when_absent, such as recipes/example_national_matching.lua's 10M
# rows): with CSCEVAL_SKIP_LARGE=1 it is skipped with a message even when the
# file is there, so nothing runs ten million rows under the sanitizers.
check test-unit test-lua test-bad test-hardening test-golden test-docs test-tutorial test-browser test-xlsx test-asan valgrind: \
  export CSCEVAL_SKIP_LARGE := 1

check: deps browser-deps
	@rm -f tests/out/summary.txt
	$(MAKE) lint-layers
	$(MAKE) csceval $(TEST_BIN)
	$(MAKE) test-unit test-lua test-bad test-hardening test-golden test-docs test-browser test-national-gen
	$(MAKE) test-bench-status
	$(MAKE) test-xlsx
	$(MAKE) test-export
	$(MAKE) test-asan
	@sh tests/tools/summary.sh

bench: deps csceval
	@sh tests/bench/run.sh

install: csceval
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 csceval $(DESTDIR)$(PREFIX)/bin/csceval
	cd lua && find csc -type d -exec install -d $(DESTDIR)$(PREFIX)/share/csceval/lua/{} \; \
	  && find csc -type f -name '*.lua' -exec install -m 644 {} $(DESTDIR)$(PREFIX)/share/csceval/lua/{} \;
	install -m 644 docs/csceval.1 $(DESTDIR)$(PREFIX)/share/man/man1/csceval.1
	install -d $(DESTDIR)$(PREFIX)/share/csceval/data/instruments
	install -m 644 data/instruments/*.lua $(DESTDIR)$(PREFIX)/share/csceval/data/instruments/
	install -m 644 data/reports.csv data/datasets.csv $(DESTDIR)$(PREFIX)/share/csceval/data/
	install -m 644 data/explain.yaml data/evidence_levels.csv $(DESTDIR)$(PREFIX)/share/csceval/data/
	install -m 644 data/neighbour_groupings.csv $(DESTDIR)$(PREFIX)/share/csceval/data/
	install -d $(DESTDIR)$(PREFIX)/share/csceval/data/innovation_programme_r2
	install -m 644 data/innovation_programme_r2/table4.csv $(DESTDIR)$(PREFIX)/share/csceval/data/innovation_programme_r2/

clean:
	rm -rf build build-asan csceval out tests/out
