# tagstore: build with PGXS.  `make demo` and `make test` also install what
# a fresh Debian 12 machine lacks (see README.md).

EXTENSION = tagstore
MODULE_big = tagstore
# Two wings: the type library (src/types/) and the tagging engine
# (src/engine/), which builds on it; src/tagstore.c is the module itself.
TYPES_OBJS = \
	src/types/casefold.o \
	src/types/encoding.o \
	src/types/tagpath_array.o \
	src/types/tagpath_array_gist.o \
	src/types/tagpath_gist.o \
	src/types/tagpath_io.o \
	src/types/tagpath_op.o \
	src/types/tagpath_support.o \
	src/types/tagquery_io.o \
	src/types/tagquery_op.o \
	src/types/tagtxtquery.o
ENGINE_OBJS = \
	src/engine/api.o \
	src/engine/cascade.o \
	src/engine/catalog.o \
	src/engine/entity_rows.o \
	src/engine/idset.o \
	src/engine/listings.o \
	src/engine/policy_rows.o \
	src/engine/posting_format.o \
	src/engine/posting_read.o \
	src/engine/posting_choice.o \
	src/engine/posting_refresh.o \
	src/engine/posting_trigger.o \
	src/engine/scan.o \
	src/engine/search.o \
	src/engine/tag_counts.o \
	src/engine/tag_reader.o \
	src/engine/tagging_index.o \
	src/engine/taxonomy_acl.o \
	src/engine/upkeep.o \
	src/engine/verify.o \
	src/engine/write.o
OBJS = src/tagstore.o $(TYPES_OBJS) $(ENGINE_OBJS)
# the install script of the default version is built from sql/src/ (below);
# 1.0's is frozen, and later versions come with an upgrade script
DATA_built = sql/tagstore--1.1.sql
DATA = sql/tagstore--1.0.sql sql/tagstore--1.0--1.1.sql

# pg_regress suites: test/sql/<name>.sql with test/expected/<name>.out, each
# standing alone (any order, any subset, in one database): each begins with
# test/sql/fixtures/common.psql, which gives it a freshly created tagstore and
# the shared helpers.  Listed by hand: sql/ holds the install scripts.
REGRESS = tagpath_io ltree_compat ltree_neighbour tagquery tagquery_match hostile_input tagpath_index tagstore_api tagstore_differential tagstore_revisions tagstore_postings tagstore_write tagstore_stream tagging_index tagstore_ids tagstore_verify tagstore_altered tagstore_cascade tagstore_privileges tag_listings tagstore_taxonomy_acl tagstore_row_security tagstore_upkeep
REGRESS_OPTS = --inputdir=test --load-extension=tagstore --encoding=UTF8 --no-locale

# isolation specs: test/specs/<name>.spec with test/expected/<name>.out
ISOLATION = add_same_tag tag_same_entity tag_untag move_and_add remove_and_tag update_conflict retag_data refresh_postings search_snapshot tag_direct verify_concurrent cascade_concurrent taxonomy_acl
ISOLATION_OPTS = --inputdir=test --encoding=UTF8 --no-locale

# -Wextra's unused-parameter fires in PostgreSQL's own headers and on every
# fmgr-style function, so it is the one warning left off.
PG_CPPFLAGS = -I$(srcdir)/src -Wall -Wextra -Werror -Wno-unused-parameter

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL 15 server headers not found: run 'make deps' (or 'make test'/'make demo', which do)" >&2
	@exit 1
endif

# pgxs tracks no header dependencies here: every object depends on every header
$(OBJS): $(wildcard src/*/*.h)

# The install script of 1.1 and the upgrade scripts must be plain ASCII:
# CREATE EXTENSION reads a script in the database's encoding, whatever it
# is (1.0's, frozen, is not).  $(call ascii_only,FILES) fails, showing the
# lines, if a file holds a byte from 0x80 up or a control character other
# than white space.
ASCII_SCRIPTS = sql/tagstore--1.1.sql $(wildcard sql/tagstore--*--*.sql)
ascii_only = bad=$$(LC_ALL=C grep -n '[^[:print:][:space:]]' $(1) /dev/null); \
	if [ -n "$$bad" ]; then printf '%s\n' "$$bad" | head -n 20 >&2; \
	echo "not plain ASCII: the lines above" >&2; exit 1; fi

# The 1.1 install script: the guard line, then the sections in order.
sql/tagstore--1.1.sql: $(sort $(wildcard sql/src/*.sql))
	@$(call ascii_only,$^)
	{ printf '%s\n' '\echo Use "CREATE EXTENSION tagstore" to load this file. \quit'; cat $^; } > $@

.PHONY: deps test demo bench fuzz check-valgrind psql print-regress print-regress-opts print-isolation check-ascii

# Installs the Debian packages that building and testing need (root only).
deps:
	@test/install-deps.sh

# Build, install, run every suite against a throwaway cluster.
test: deps
	$(MAKE) all
	$(MAKE) install
	test/run-tests.sh

# Build, install, start a throwaway cluster, load sample data, show queries.
demo: deps
	$(MAKE) all
	$(MAKE) install
	test/demo.sh start

# Benchmark figures (not tests): tagstore against four baseline designs.
bench: deps
	$(MAKE) all
	$(MAKE) install
	test/bench/bench.sh

# Fuzzing (not part of make test, which runs a short seeded round): random
# and hostile input to every input function and SQL entry point against a
# throwaway cluster, reporting crashes, hangs and internal errors.  Ten
# minutes by default; FUZZ_ARGS passes options to test/fuzz.py, e.g.
# FUZZ_ARGS='--seconds 3600 --seed 42'.
FUZZ_ARGS ?=
fuzz: deps
	$(MAKE) all
	$(MAKE) install
	test/fuzz.sh $(FUZZ_ARGS)

# The type library's regression suites against a server under valgrind
# (not part of make test: some 30 times slower).  Installs into a private
# copy of PostgreSQL's directories, not the system's; say which suites with
# VALGRIND_SUITES='tagquery hostile_input'.
VALGRIND_SUITES ?=
check-valgrind: deps
	$(MAKE) all
	test/valgrind.sh $(VALGRIND_SUITES)

# A psql session on the demo cluster.
psql:
	test/demo.sh psql

# Checks that the install and upgrade scripts are plain ASCII (run by make test).
check-ascii: $(ASCII_SCRIPTS)
	@$(call ascii_only,$(ASCII_SCRIPTS))
	@echo "plain ASCII: $(ASCII_SCRIPTS)"

# Lists the suites and pg_regress's options, for test/run-tests.sh.
print-regress:
	@echo $(REGRESS)
print-regress-opts:
	@echo $(REGRESS_OPTS)
print-isolation:
	@echo $(ISOLATION)
