#!/bin/bash
# Runs every test suite of tagstore against throwaway clusters, with the
# extension already installed: pg_regress, isolation specs, TAP tests.
# Prints a closing "N passed, N failed" line; exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"
shared=${TAGSTORE_SHARED:-$here/../shared}

if [ ! -d "$shared/ltree-data" ]; then
	echo "ltree data not found in $shared/ltree-data (set TAGSTORE_SHARED)" >&2
	exit 1
fi

work=$(make_workdir test)
cp -r "$here/sql" "$here/expected" "$here/test" "$work/"
mkdir -p "$work/data"
cp "$shared"/ltree-data/*.data "$work/data/"
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
	grep -E '^(ok|not ok|test |     |\(using|# |[[:alnum:]_]+ +\.\.\.)' "$log" | grep -vE '^\s*$' || true
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

regress_tests=$(make -s -C "$here" print-regress)
run_suite regress "$PGXS_DIR/src/test/regress/pg_regress" \
	--bindir="$PGBIN" --inputdir=. --outputdir="$work/regress" \
	--temp-instance="$work/regress/instance" --encoding=UTF8 --no-locale \
	$regress_tests

isolation_tests=$(make -s -C "$here" print-isolation)
run_suite isolation "$PGXS_DIR/src/test/isolation/pg_isolation_regress" \
	--bindir="$PGBIN" --inputdir=test --outputdir="$work/isolation" \
	--temp-instance="$work/isolation/instance" --encoding=UTF8 --no-locale \
	$isolation_tests

echo
echo "tests: $passed passed, $failed failed"
echo "(logs in $work)"
[ "$failed" -eq 0 ]
