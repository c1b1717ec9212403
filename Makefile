# tagstore: build with PGXS.  `make demo` and `make test` also install what
# a fresh Debian 12 machine lacks (see README.md).

EXTENSION = tagstore
MODULE_big = tagstore
OBJS = \
	src/casefold.o \
	src/entity_rows.o \
	src/idset.o \
	src/tagging_index.o \
	src/tagpath_array.o \
	src/tagpath_array_gist.o \
	src/tagpath_gist.o \
	src/tagpath_io.o \
	src/tagpath_op.o \
	src/tagquery_io.o \
	src/tagpath_support.o \
	src/tagquery_op.o \
	src/tagstore.o \
	src/tagstore_posting.o \
	src/tagstore_scan.o \
	src/tagstore_search.o \
	src/tagstore_write.o \
	src/tagtxtquery.o
# STAND-IN (upgrade-test branch): the real Makefile builds sql/tagstore--1.1.sql
# (DATA_built); here it is a plain copy of 1.0.
DATA = sql/tagstore--1.0.sql sql/tagstore--1.1.sql sql/tagstore--1.0--1.1.sql

# pg_regress suites: sql/<name>.sql with expected/<name>.out
REGRESS = setup tagpath_io ltree_compat tagquery tagpath_index tagstore_api tagstore_differential tagstore_revisions tagstore_postings tagstore_write tagstore_stream tagging_index
REGRESS_OPTS = --inputdir=. --encoding=UTF8 --no-locale

# isolation specs: test/specs/<name>.spec with test/expected/<name>.out
ISOLATION = add_same_tag tag_same_entity tag_untag move_and_add remove_and_tag update_conflict retag_data refresh_postings search_snapshot tag_direct
ISOLATION_OPTS = --inputdir=test --encoding=UTF8 --no-locale

# -Wextra's unused-parameter fires in PostgreSQL's own headers and on every
# fmgr-style function, so it is the one warning left off.
PG_CPPFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL 15 server headers not found: run 'make deps' (or 'make test'/'make demo', which do)" >&2
	@exit 1
endif

.PHONY: deps test demo bench psql print-regress print-isolation

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

# A psql session on the demo cluster.
psql:
	test/demo.sh psql

# Lists the suites, for test/run-tests.sh.
print-regress:
	@echo $(REGRESS)
print-isolation:
	@echo $(ISOLATION)
