#!/bin/bash
# Runs every test suite of tagstore against throwaway clusters, with the
# extension already installed: pg_regress, isolation specs, TAP tests.
# Prints a closing "N passed, N failed" line; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"

# pg_regress and the isolation tester run as the cluster user, in a copy of
# test/ (suites, expected output, data) that it can write to, beside a copy
# of README.md (which tagstore_privileges reads)
work=$(make_workdir test)
cp -r "$here/test" "$work/"
cp "$here/README.md" "$work/"
[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$work"

passed=0
failed=0

# run_suite NAME COMMAND...: runs one suite in $work, tallies its tests.
run_suite() {
	local name=$1 log="$work/$1.log"
	shift
	echo "== $name"
	(cd "$work" && as_cluster_user "$@") >"$log" 2>&1
	local rc=$?
	grep -E '^(ok|not ok|test |     |\(using|#   Failed|[[:alnum:]_]+ +\.\.\.)' "$log" | grep -vE '^\s*$' || true
	local p f
	p=$(grep -cE '^ok |^(test| ) .* ok( |$)|^ +[[:alnum:]_-]+ +\.\.\. ok' "$log")
	f=$(grep -cE '^not ok |^(test| ) .* FAILED|^ +[[:alnum:]_-]+ +\.\.\. FAILED' "$log")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ $rc -ne 0 ]; then
		tail -n 30 "$log"
		for d in "$work"/*/regression.diffs "$work"/regression.diffs; do
			[ -f "$d" ] && head -n 200 "$d"
		done
	fi
}

# the install and upgrade scripts are plain ASCII
echo "== plain ASCII scripts"
if make -s -C "$here" check-ascii >"$work/ascii.log" 2>&1; then
	echo "ok: $(cat "$work/ascii.log")"
	passed=$((passed + 1))
else
	echo "FAILED: scripts not plain ASCII"
	cat "$work/ascii.log"
	failed=$((failed + 1))
fi

# the suites with the Makefile's options, as `make installcheck` runs them
regress_tests=$(make -s -C "$here" print-regress)
regress_opts=$(make -s -C "$here" print-regress-opts)
run_suite regress "$PGXS_DIR/src/test/regress/pg_regress" \
	--bindir="$PGBIN" $regress_opts --outputdir="$work/regress" \
	--temp-instance="$work/regress/instance" \
	$regress_tests

# contrib ltree's own regression suite, with tagstore installed in the same
# schema before it, must give ltree's own answers (test/ltree_regress.sh
# fetches the suite from Debian's postgresql-15 source package once)
echo "== contrib ltree's own suite beside tagstore"
"$here/test/ltree_regress.sh" "$work" >"$work/ltree.log" 2>&1
rc=$?
cat "$work/ltree.log"
passed=$((passed + $(grep -c '^ok: ' "$work/ltree.log")))
bad=$(grep -c '^FAILED' "$work/ltree.log")
failed=$((failed + (bad > 0 || rc == 0 ? bad : 1)))

isolation_tests=$(make -s -C "$here" print-isolation)
run_suite isolation "$PGXS_DIR/src/test/isolation/pg_isolation_regress" \
	--bindir="$PGBIN" --inputdir=test --outputdir="$work/isolation" \
	--temp-instance="$work/isolation/instance" --encoding=UTF8 --no-locale \
	$isolation_tests

# TAP suites: a streaming replica, crash recovery, concurrent clients
# (test/t/*.pl, with PostgreSQL's own Perl test modules; each starts its
# own clusters, and leaves its logs in $work/tmp_check/log)
tap_tests=$(cd "$here" && echo test/t/*.pl)
run_suite tap env TESTDIR="$work" PATH="$PGBIN:$PATH" \
	PG_REGRESS="$PGXS_DIR/src/test/regress/pg_regress" \
	prove -v -I "$PGXS_DIR/src/test/perl" $tap_tests
# a TAP test that bails out leaves its other nodes running: stop them (they
# would hold the work directory, and any lock the caller holds, for good)
for pid_file in "$work"/tmp_check/*/pgdata/postmaster.pid; do
	[ -f "$pid_file" ] || continue
	echo "stopping a server the TAP tests left running: ${pid_file%/postmaster.pid}"
	as_cluster_user "$PGBIN/pg_ctl" -D "${pid_file%/postmaster.pid}" -m immediate stop >/dev/null
done

# A throwaway cluster for the suites that need a running server.
start_cluster() {
	local dir="$work/$1"
	mkdir -p "$dir"
	[ "$CLUSTER_USER" != "$(id -un)" ] && chown "$CLUSTER_USER" "$dir"
	as_cluster_user "$PGBIN/initdb" -D "$dir/data" -E UTF8 --no-locale -A trust >/dev/null
	as_cluster_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		-o "-p 54329 -k $dir -c listen_addresses=''" start >/dev/null
	export PGHOST="$dir" PGPORT=54329 PGUSER="$CLUSTER_USER"
}
stop_cluster() {
	as_cluster_user "$PGBIN/pg_ctl" -D "$work/$1/data" -m fast stop >/dev/null
}

# pg_dump / pg_restore round trip
echo "== dump and restore"
start_cluster dump
as_cluster_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
	"$here/test/dump_restore.sh" "$PGBIN" >"$work/dump.log" 2>&1
stop_cluster dump
cat "$work/dump.log"
passed=$((passed + $(grep -c '^ok: ' "$work/dump.log")))
failed=$((failed + $(grep -c '^FAILED' "$work/dump.log")))

# the roles of an application as README.md's Security section sets them up:
# the trusted extension created by a database owner without superuser
echo "== roles"
start_cluster roles
as_cluster_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
	"$here/test/roles.sh" "$PGBIN" >"$work/roles.log" 2>&1
stop_cluster roles
cat "$work/roles.log"
passed=$((passed + $(grep -c '^ok: ' "$work/roles.log")))
failed=$((failed + $(grep -c '^FAILED' "$work/roles.log")))
if [ "$(grep -c '^ok: ' "$work/roles.log")" -eq 0 ]; then
	failed=$((failed + 1))
fi

# ALTER EXTENSION tagstore UPDATE from every older version with a frozen
# install script, against a fresh install and the answers before it
echo "== upgrade"
start_cluster upgrade
as_cluster_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
	"$here/test/upgrade.sh" "$PGBIN" >"$work/upgrade.log" 2>&1
rc=$?
stop_cluster upgrade
cat "$work/upgrade.log"
passed=$((passed + $(grep -c '^ok: ' "$work/upgrade.log")))
bad=$(grep -c '^FAILED' "$work/upgrade.log")
failed=$((failed + (bad > 0 || rc == 0 ? bad : 1)))

# every server encoding: a database of each, in a cluster of its own
echo "== server encodings"
start_cluster encodings
as_cluster_user env PGHOST="$PGHOST" PGPORT="$PGPORT" PGUSER="$PGUSER" \
	"$here/test/encodings.sh" "$PGBIN" >"$work/encodings.log" 2>&1
stop_cluster encodings
cat "$work/encodings.log"
passed=$((passed + $(grep -c '^ok: ' "$work/encodings.log")))
failed=$((failed + $(grep -c '^FAILED' "$work/encodings.log")))
if [ "$(grep -c '^ok: ' "$work/encodings.log")" -eq 0 ]; then
	failed=$((failed + 1))
fi

# the API through drivers that send parameters apart from the SQL: psycopg
# 3, psycopg2 and asyncpg (test/drivers/drivers.py), node-postgres
# (drivers.js, its package installed by npm ci), as a role that is neither
# superuser nor owner, with the writer's grants of README's Security section
echo "== drivers"
start_cluster drivers
as_cluster_user "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres >"$work/drivers.log" 2>&1 <<'SQL'
CREATE ROLE tagstore_app LOGIN;
CREATE DATABASE drivers;
\c drivers
CREATE EXTENSION tagstore;
GRANT USAGE ON SCHEMA tagstore TO tagstore_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tagstore TO tagstore_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tagstore TO tagstore_app;
SQL
/usr/bin/python3 "$here/test/drivers/drivers.py" "$PGHOST" "$PGPORT" drivers tagstore_app >>"$work/drivers.log" 2>&1
if (cd "$here/test/drivers" && npm ci --no-audit --no-fund >>"$work/drivers.log" 2>&1); then
	node "$here/test/drivers/drivers.js" "$PGHOST" "$PGPORT" drivers tagstore_app >>"$work/drivers.log" 2>&1
else
	echo "FAILED: npm ci in test/drivers" >>"$work/drivers.log"
fi
stop_cluster drivers
grep -E '^(ok|FAILED)|Error|Traceback' "$work/drivers.log"
passed=$((passed + $(grep -c '^ok: ' "$work/drivers.log")))
failed=$((failed + $(grep -c '^FAILED' "$work/drivers.log")))
if [ "$(grep -c '^ok: ' "$work/drivers.log")" -lt 30 ]; then
	echo "FAILED: the driver tests ran $(grep -c '^ok: ' "$work/drivers.log") checks, fewer than 30"
	failed=$((failed + 1))
fi

# the fuzzer, a short seeded round (make fuzz runs it longer): no crash,
# hang or internal error on random and hostile input, in a UTF8 and a
# SQL_ASCII database
echo "== fuzz (short, seeded)"
FUZZ_PORT=54329 "$here/test/fuzz.sh" --seconds 40 --seed 18 >"$work/fuzz.log" 2>&1
rc=$?
grep -E '^(FINDING|    |fuzz:|ok:|FAILED)' "$work/fuzz.log" | head -n 60
passed=$((passed + $(grep -c '^ok: ' "$work/fuzz.log")))
bad=$(grep -c '^FAILED' "$work/fuzz.log")
failed=$((failed + (bad > 0 || rc == 0 ? bad : 1)))

# Django example app: Django's own test runner against its own database
echo "== django"
start_cluster django
(cd "$here/test/django" && /usr/bin/python3 manage.py test -v 2 --noinput) >"$work/django.log" 2>&1
rc=$?
stop_cluster django
grep -E ' \.\.\. |^Ran |^OK|^FAILED' "$work/django.log"
ran=$(sed -n 's/^Ran \([0-9]*\) tests\?.*/\1/p' "$work/django.log")
ran=${ran:-0}
if [ $rc -eq 0 ] && [ "$ran" -gt 0 ]; then
	passed=$((passed + ran))
else
	tail -n 40 "$work/django.log"
	bad=$(grep -cE ' \.\.\. (FAIL|ERROR)' "$work/django.log")
	failed=$((failed + (bad > 0 ? bad : 1)))
	passed=$((passed + ran - bad))
fi

echo
echo "tests: $passed passed, $failed failed"
echo "(logs in $work)"
[ "$failed" -eq 0 ]
