# supervisord: one non-recursive GNU Makefile.
#   make            build build/supervisord
#   make check      unit and integration suites
#   make run        start the daemon in the foreground on etc/supervisord.conf
#   make sanitize   the suite under ASan + UBSan (objects in build-asan/)
#   make bench      benchmarks (tests/bench), figures on stdout
#   make install    DESTDIR, PREFIX (/usr/local)
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS each
#   make fresh-root the README's build in a fresh Debian 12 root (as root)

PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
MANDIR	?= $(PREFIX)/share/man
CFLAGS	?= -O2 -g
O	?= build
OBJ	= $(O)/obj
FUZZ_SECONDS ?= 60

.DEFAULT_GOAL := all

WARN	= -Wall -Wextra -Wshadow -Wcast-qual -Wstrict-prototypes \
	  -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
XCFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP -I. $(EXTRA_CFLAGS)
XLDFLAGS = $(EXTRA_CFLAGS)

# Dependency flags: packaging/detect writes them once per build tree,
# after packaging/install-deps has added what is really missing.  A plain
# include: when detect fails, make stops with detect's message.
ifeq ($(filter clean layering fresh-root,$(MAKECMDGOALS)),)
include $(O)/config.mk
endif
$(O)/config.mk: packaging/detect packaging/install-deps
	@mkdir -p $(O)
	@sh packaging/install-deps --if-missing
	@sh packaging/detect >$@.tmp && mv $@.tmp $@

LIBPROC_SRCS	:= $(wildcard libproc/*.c)
DAEMON_SRCS	:= $(filter-out supervisord/supervisorctl%.c,$(wildcard supervisord/*.c))
DAEMON_LIB_SRCS	:= $(filter-out supervisord/main.c,$(DAEMON_SRCS))
# What unit tests link: every module but main.c (there is no global).
UNIT_LIB_SRCS	:= $(DAEMON_LIB_SRCS)
UNIT_SRCS	?= $(wildcard tests/unit/check_*.c)
INTEG_SRCS	?= $(wildcard tests/integration/check_*.c)
BENCH_SRCS	:= $(wildcard tests/bench/*.c)

LIBPROC_OBJS	= $(LIBPROC_SRCS:%.c=$(OBJ)/%.o)
DAEMON_LIB_OBJS	= $(DAEMON_LIB_SRCS:%.c=$(OBJ)/%.o)
DAEMON_MAIN_OBJ	= $(OBJ)/supervisord/main.o
UNIT_OBJS	= $(UNIT_SRCS:%.c=$(OBJ)/%.o)
UNIT_LIB_OBJS	= $(UNIT_LIB_SRCS:%.c=$(OBJ)/%.o)
INTEG_OBJS	= $(INTEG_SRCS:%.c=$(OBJ)/%.o) $(OBJ)/tests/harness.o \
		  $(OBJ)/tests/skip.o

ALL_CFLAGS	= $(XCFLAGS) $(EV_CFLAGS) $(INIH_CFLAGS) $(EXPAT_CFLAGS) \
		  $(MD_CFLAGS) $(CFLAGS) $(CPPFLAGS)
DAEMON_LIBS	= $(EV_LIBS) $(INIH_LIBS) $(EXPAT_LIBS) $(HTTP_PARSER_LIBS) \
		  $(MD_LIBS)

.PHONY: all check check-unit check-integration sanitize run install clean \
	bench layering fuzz deb deb-test fresh-root
all: $(O)/supervisord $(O)/supervisorctl

$(OBJ)/%.o: %.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libproc.a: $(LIBPROC_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/supervisord: $(DAEMON_MAIN_OBJ) $(DAEMON_LIB_OBJS) $(O)/libproc.a
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(LDLIBS)

# The client: its own files (supervisorctl*.c), the configuration reader
# (config*.o, which needs only loglevel.o and strhash.o below it) and the
# XML-RPC codec.
CTL_OBJS	= $(patsubst %.c,$(OBJ)/%.o, \
		    $(wildcard supervisord/supervisorctl*.c) \
		    $(filter supervisord/config%.c supervisord/loglevel.c \
		    supervisord/strhash.c \
		    supervisord/xmlrpc%.c,$(DAEMON_SRCS)))
$(O)/supervisorctl: $(CTL_OBJS) $(O)/libproc.a
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(LDLIBS)

# Test runners: tests/unit/main.c adds every suite listed in a generated
# suites.h (one X(name) per "Suite *name_suite(void)" in the sources).
# Rewritten only when the list changes, so UNIT_SRCS=... works in one tree.
define suites_h
	@mkdir -p $(@D)
	@sed -n 's/^\([a-z0-9_]*\)_suite(void)$$/X(\1)/p' $(filter %.c,$^) \
	    >$@.tmp
	@cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@
endef
$(O)/tests/unit/suites.h: $(UNIT_SRCS) FORCE
	$(suites_h)
$(O)/tests/integration/suites.h: $(INTEG_SRCS) FORCE
	$(suites_h)
FORCE:

$(OBJ)/tests/unit/main.o: tests/unit/main.c $(O)/tests/unit/suites.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(O)/tests/unit -c -o $@ $<
$(OBJ)/tests/integration/main.o: tests/unit/main.c \
    $(O)/tests/integration/suites.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(O)/tests/integration -c -o $@ $<
$(OBJ)/tests/%.o: tests/%.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(O)/unit-tests: $(OBJ)/tests/unit/main.o $(UNIT_OBJS) $(OBJ)/tests/skip.o \
    $(UNIT_LIB_OBJS) $(O)/libproc.a
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS) $(CHECK_LIBS)
$(O)/integration-tests: $(OBJ)/tests/integration/main.o $(INTEG_OBJS) \
    $(O)/libproc.a
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS)

# Helper programs the integration tests run as children.
$(O)/tests/helpers/%: tests/helpers/%.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(XLDFLAGS) $(LDFLAGS) -o $@ $<
HELPERS	= $(patsubst tests/helpers/%.c,$(O)/tests/helpers/%,\
	    $(wildcard tests/helpers/*.c))

TEST_ENV = SUPERVISORD=$(abspath $(O)/supervisord) \
	   SUPERVISORCTL=$(abspath $(O)/supervisorctl) \
	   TEST_HELPERS=$(abspath $(O)/tests/helpers) \
	   TOP=$(abspath .) CORPUS=$(abspath ../shared/corpus) \
	   SUPERLANCE=$(abspath ../shared/clients/superlance)

# Each runner ends with its skips and "N passed, N failed, N skipped";
# check adds the two up.  REQUIRE=root,tmpfs,... makes those skips
# failures (tests/skip.h).
check: check-unit check-integration
	@cat $(O)/unit-tests.summary $(O)/integration-tests.summary | \
	    awk '{ p += $$1; f += $$2; s += $$3 } END { \
	    printf "check: %d passed, %d failed, %d skipped\n", p, f, s }'
check-unit: $(O)/unit-tests $(HELPERS)
	$(TEST_ENV) TH_SKIPS=$(abspath $(O))/unit-tests.skips \
	    TH_SUMMARY=$(abspath $(O))/unit-tests.summary $(O)/unit-tests
# The integration suites mostly wait on daemons: TH_JOBS of them at once.
TH_JOBS	?= 2
check-integration: $(O)/integration-tests $(O)/supervisord \
    $(O)/supervisorctl $(HELPERS)
	$(TEST_ENV) TH_JOBS=$(TH_JOBS) \
	    TH_SKIPS=$(abspath $(O))/integration-tests.skips \
	    TH_SUMMARY=$(abspath $(O))/integration-tests.summary \
	    $(O)/integration-tests

sanitize:
	$(MAKE) O=build-asan CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    check

RUNDIR	= $(abspath $(O))/run
run: $(O)/supervisord
	@mkdir -p $(RUNDIR)
	@echo "logs in $(RUNDIR); stop with ^C"
	$(O)/supervisord -n -c etc/supervisord.conf -l $(RUNDIR)/supervisord.log \
	    -j $(RUNDIR)/supervisord.pid -q $(RUNDIR)

BENCH_BINS = $(BENCH_SRCS:tests/bench/%.c=$(O)/bench/%)
$(O)/bench/%: tests/bench/%.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(XLDFLAGS) $(LDFLAGS) -o $@ $<
# parse times cfg_load itself: it links the configuration reader.
$(O)/bench/parse: tests/bench/parse.c $(UNIT_LIB_OBJS) $(O)/libproc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(XLDFLAGS) $(LDFLAGS) -o $@ \
	    $(filter %.c %.o %.a,$^) $(DAEMON_LIBS) $(LDLIBS)
# Every figure of every issue: processes, output, control, configuration,
# events, scale.
BENCHES	?= run run-output run-ctl run-parse run-rpc run-events run-scale
bench: $(O)/supervisord $(O)/supervisorctl $(BENCH_BINS)
	@set -e; for b in $(BENCHES); do \
	    echo "== tests/bench/$$b"; \
	    $(TEST_ENV) BENCH_BIN=$(abspath $(O)/bench) sh tests/bench/$$b; \
	done

# libFuzzer: every tests/fuzz/fuzz_NAME.c over what it names, built with
# clang in build-fuzz/, run FUZZ_SECONDS each on a corpus seeded from
# tests/fuzz/seeds/NAME (and, for config, the shared corpus of real files).
.PHONY: fuzz-build
FUZZ_O		= build-fuzz
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES	= $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_SAN	= -fsanitize=address,undefined -fno-omit-frame-pointer
$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(UNIT_LIB_OBJS) $(O)/libproc.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(XLDFLAGS) $(LDFLAGS) -o $@ \
	    $(filter %.c %.o %.a,$^) $(DAEMON_LIBS) $(LDLIBS)
fuzz-build: $(FUZZ_NAMES:%=$(O)/fuzz/fuzz_%)
fuzz:
	$(MAKE) O=$(FUZZ_O) CC=clang CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_O)/corpus/$$n $(FUZZ_O)/crash/$$n; \
	    cp tests/fuzz/seeds/$$n/* $(FUZZ_O)/corpus/$$n/ 2>/dev/null || :; \
	    [ $$n != config ] || cp ../shared/corpus/supervisor-conf/*.conf \
		$(FUZZ_O)/corpus/$$n/ 2>/dev/null || :; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    $(FUZZ_O)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(abspath $(FUZZ_O))/crash/$$n/ \
		-print_final_stats=1 $(abspath $(FUZZ_O))/corpus/$$n; \
	done

# Modules (X.c with X.h) and their includes: no cycle, nothing up the
# floors of tests/layering (DESIGN.md's table), libproc free of policy.
layering:
	@python3 tests/layering

# The same files as the .deb: binaries, man pages, the systemd unit (its
# paths rewritten for PREFIX and SYSCONFDIR), and the packaged
# configuration in $(SYSCONFDIR)/supervisor/ unless one is there already.
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
install: $(O)/supervisord $(O)/supervisorctl
	install -D -m 0755 $(O)/supervisord $(DESTDIR)$(PREFIX)/bin/supervisord
	install -D -m 0755 $(O)/supervisorctl \
	    $(DESTDIR)$(PREFIX)/bin/supervisorctl
	for m in man/*.[1-8]; do \
	    [ -f "$$m" ] || continue; \
	    s=$${m##*.}; \
	    install -D -m 0644 "$$m" "$(DESTDIR)$(MANDIR)/man$$s/$${m##*/}"; \
	done
	mkdir -p $(O)
	sed -e 's|/usr/bin/|$(PREFIX)/bin/|g' \
	    -e 's|/etc/supervisor/|$(SYSCONFDIR)/supervisor/|g' \
	    packaging/supervisord.service >$(O)/supervisord.service
	install -D -m 0644 $(O)/supervisord.service \
	    $(DESTDIR)$(UNITDIR)/supervisord.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/supervisor/conf.d
	if [ -e $(DESTDIR)$(SYSCONFDIR)/supervisor/supervisord.conf ]; then \
	    echo "install: keeping the existing" \
		"$(DESTDIR)$(SYSCONFDIR)/supervisor/supervisord.conf"; \
	else \
	    install -m 0644 packaging/supervisord.conf \
		$(DESTDIR)$(SYSCONFDIR)/supervisor/supervisord.conf; \
	fi

# make deb: a .deb of this tree with dpkg-buildpackage, in $(O)/deb/
# (the build runs make check unless DEB_BUILD_OPTIONS has nocheck).
# make deb-test: build it without the check, inspect it, install it where
# that is safe (tests/package-test.sh says what it does).  The package
# build gets none of this make's variables (O=, WERROR=...): it sets its own.
DEB_DIR	= $(abspath $(O))/deb
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	tar -cf - --exclude='./build*' --exclude='./$(O)' --exclude=./.git \
	    --exclude=./debian . | tar -xf - -C $(DEB_DIR)/src
	cp -R packaging/debian $(DEB_DIR)/src/debian
	cd $(DEB_DIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb
deb-test:
	O=$(O) sh tests/package-test.sh

# A fresh Debian 12 root (minbase, git, make), this checkout's HEAD cloned
# into it: make all, the unit suite, make run (tests/fresh-root).  Root.
fresh-root:
	bash tests/fresh-root

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
