#!/bin/bash
# Runs the fuzzer (test/fuzz.py) against a throwaway cluster, in a UTF8
# database and a SQL_ASCII one (where bytes that are no UTF-8 reach the
# parsers), with tagstore already installed.  `make fuzz` runs it.
#
# Usage: fuzz.sh [fuzz.py options]   (default: --seconds 600, a seed from the
# clock; say --seed N to repeat a run).  Environment: FUZZ_PORT (default
# 54331), the cluster's port.  Prints fuzz.py's findings and its closing
# "ok:"/"FAILED:" line; exits non-zero on any finding.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"

work=$(make_workdir fuzz)
port=${FUZZ_PORT:-54331}
as_cluster_user "$PGBIN/initdb" -D "$work/data" -E UTF8 --no-locale -A trust >/dev/null || exit 1
as_cluster_user "$PGBIN/pg_ctl" -D "$work/data" -l "$work/log" -w \
	-o "-p $port -k $work -c listen_addresses=''" start >/dev/null || exit 1
as_cluster_user "$PGBIN/createdb" -h "$work" -p "$port" -T template0 -E SQL_ASCII \
	--lc-collate=C --lc-ctype=C fuzz_ascii
as_cluster_user "$PGBIN/createdb" -h "$work" -p "$port" fuzz_utf8

PGHOST=$work PGPORT=$port PGUSER=$CLUSTER_USER /usr/bin/python3 "$here/test/fuzz.py" \
	--db fuzz_utf8 --db fuzz_ascii "$@"
rc=$?
as_cluster_user "$PGBIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null
[ $rc -ne 0 ] && echo "(server log in $work/log)"
exit $rc
