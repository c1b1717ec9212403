#!/bin/bash
# Runs pg_regress suites against a server running under valgrind's memcheck;
# `make check-valgrind` runs it after `make all`.  The server, with tagstore
# (`make install DESTDIR=`), runs from a private copy of PostgreSQL's
# directories in the work directory: no system directory is written, and
# an install by someone else during the run changes nothing.
#
# Usage: valgrind.sh [SUITE...]   (default: the type library's suites;
# VALGRIND_PORT, default 54332, the server's port).  Prints each suite's
# result, then every valgrind error whose stack passes through tagstore.so,
# and "ok:"/"FAILED:" lines; exits non-zero if a suite fails or valgrind
# reports an error in tagstore's code.
#
# How: the postmaster runs under valgrind (every backend it forks is
# checked too, as PostgreSQL's own --trace-children runs are), one log per
# process.  Errors whose stacks never reach tagstore.so are counted and
# kept in the logs, not failed on: Debian's server is not built with
# USE_VALGRIND, so memcheck cannot see palloc'd chunks apart (an overrun
# inside a memory context block goes unseen; what it does see is
# uninitialised bytes reaching a branch, a system call or the disk, and
# overruns and use after free of blocks malloc'd on their own, which every
# allocation over 8 kB is), and PostgreSQL's own quirks under valgrind
# (test/valgrind.supp suppresses those met so far) are not ours to fix.
# Some 30 to 90 times slower than a plain run.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"

if ! command -v valgrind >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "valgrind is missing: install it (apt-get install valgrind)" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null || exit 1
fi

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(tagpath_io tagquery tagquery_match hostile_input tagpath_index ltree_compat)
port=${VALGRIND_PORT:-54332}
work=$(make_workdir valgrind)
cp -r "$here/test" "$work/"
cp "$here/README.md" "$work/"

# PostgreSQL's bin, lib and share copied, tagstore installed beside: the
# server finds share and lib relative to its own binary
root=$work/root
mkdir -p "$root/usr/lib/postgresql/15" "$root/usr/share/postgresql"
cp -a "$PGBIN" "$(dirname "$PGBIN")/lib" "$root/usr/lib/postgresql/15/"
cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
make -s -C "$here" install DESTDIR="$root" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
PRIVBIN=$root$PGBIN
[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$work"

as_cluster_user "$PRIVBIN/initdb" -D "$work/data" -E UTF8 --no-locale -A trust >/dev/null || exit 1
# the postmaster under valgrind, in the background (no autovacuum: at this
# speed it would run amid the suites and change their plans)
as_cluster_user valgrind --tool=memcheck --trace-children=yes --track-origins=yes \
	--read-var-info=no --num-callers=30 --error-limit=no --fullpath-after= \
	--suppressions="$work/test/valgrind.supp" --gen-suppressions=all \
	--log-file="$work/valgrind.%p.log" \
	"$PRIVBIN/postgres" -D "$work/data" -p "$port" -k "$work" -c listen_addresses='' \
	-c max_connections=20 -c jit=off -c autovacuum=off \
	-c tagstore_test.statement_timeout=0 >"$work/server.log" 2>&1 &
for _ in $(seq 1 300); do
	"$PGBIN/pg_isready" -q -h "$work" -p "$port" && break
	sleep 1
done
if ! "$PGBIN/pg_isready" -q -h "$work" -p "$port"; then
	echo "FAILED: the server did not start under valgrind"
	tail -n 20 "$work/server.log"
	exit 1
fi

rc=0
opts=$(make -s -C "$here" print-regress-opts)
(cd "$work" && as_cluster_user "$PGXS_DIR/src/test/regress/pg_regress" \
	--bindir="$PGBIN" $opts --host="$work" --port="$port" --outputdir="$work/regress" \
	--dbname=valgrind_regress "${suites[@]}") >"$work/regress.log" 2>&1 || rc=1
grep -E '^(test| ) |^ +[[:alnum:]_]+ +\.\.\.' "$work/regress.log"
as_cluster_user "$PRIVBIN/pg_ctl" -D "$work/data" -m fast -t 600 stop >/dev/null
wait

# each error (a block of the logs, up to a blank line) is ours if one of
# its first three frames is tagstore's code, or the memory it complains of
# was allocated, freed or left uninitialised by tagstore's code (its origin
# stack has one of our frames): our frames are in tagstore.so, or name one
# of our source files (valgrind prints full paths: --fullpath-after=)
/usr/bin/python3 - "$here/src/" "$work"/valgrind.*.log >"$work/ours.txt" 2>"$work/totals.txt" <<'PY'
import re, sys
ours = re.compile(r'tagstore\.so|\(' + re.escape(sys.argv[1]))
origin = re.compile(r"(was created by|is .* (alloc|free)'d|Block was alloc'd)")
total = 0
for name in sys.argv[2:]:
    block, frames, in_origin, mine = [], 0, False, False
    for line in open(name, errors='replace'):
        m = re.match(r'==\d+== ?(.*)', line)
        if not m:
            continue
        body = m.group(1)
        if body.strip() == '':
            if block and frames and mine:
                sys.stdout.write(''.join(block) + '\n')
            block, frames, in_origin, mine = [], 0, False, False
            continue
        c = re.search(r'ERROR SUMMARY: (\d+) errors', body)
        if c:
            total += int(c.group(1))
        block.append(line)
        if origin.search(body):
            in_origin = True
        elif re.match(r'\s+(at|by) 0x', body):
            frames += 1
            if ours.search(body) and (in_origin or frames <= 3):
                mine = True
print(total, file=sys.stderr)
PY
total=$(cat "$work/totals.txt")
if [ -s "$work/ours.txt" ]; then
	head -n 200 "$work/ours.txt"
	echo "FAILED: valgrind: errors in tagstore's code (above; all logs in $work)"
	rc=1
else
	echo "ok: valgrind: no error in tagstore's code ($total errors elsewhere, in $(ls "$work"/valgrind.*.log | wc -l) processes; logs in $work)"
fi
if [ $rc -ne 0 ] && ! [ -s "$work/ours.txt" ]; then
	echo "FAILED: valgrind: a suite failed (diffs in $work/regress)"
fi
exit $rc
