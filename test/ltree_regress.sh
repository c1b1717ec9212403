#!/bin/bash
# tagstore is a good neighbour to contrib ltree: contrib ltree's own
# regression suite, run with tagstore already installed in the same schema
# (public), must give ltree's own expected answers.  tagpath mimics ltree's
# operators and, in schema tagstore, its functions: any name or cast that
# made an untyped call ambiguous, or picked tagpath's implementation for
# ltree's query, shows up as a diff against ltree's expected/ltree.out.
#
# ltree's suite is PostgreSQL's code, not ours, so it is not kept in this
# repository: it is taken from Debian's postgresql-15 source package (the
# orig tarball; only contrib/ltree's sql/, expected/ and data/) and kept in
# test/ltree_suite/ (gitignored), so later runs need no network.  If it
# cannot be fetched the test FAILS: a neighbour test that silently skips
# could never fail.
#
# Usage: ltree_regress.sh WORKDIR  (run as the user who may write
# test/ltree_suite/; the cluster itself runs as $CLUSTER_USER).  Prints
# pg_regress's lines, then ok/FAILED lines; exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"
work=$1
cache=$here/test/ltree_suite

# fetch_suite DIR: contrib/ltree's sql/, expected/ and data/ of a
# postgresql-15 source package from the machine's Debian mirrors, into DIR.
# apt runs on a private state directory (deb-src lines made from the
# machine's deb lines), so the system's package lists are left alone.
fetch_suite() {
	local dest=$1 d src f v
	d=$(mktemp -d /tmp/tagstore-ltree-src.XXXXXX)
	mkdir -p "$d/lists/partial" "$d/sources.list.d" "$d/cache/archives/partial" "$d/get"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sed 's/^Types:.*$/Types: deb-src/' "$f" >"$d/sources.list.d/${f##*/}"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >"$d/sources.list.d/${f##*/}.list"
	done
	local A=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$d/sources.list.d"
			 -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache")
	# a mirror that fails (a third party's without sources) is not fatal:
	# what matters is whether Debian's lists name a postgresql-15
	apt-get -q "${A[@]}" update >"$d/update.log" 2>&1
	# the installed server's version first, then the others newest first
	local installed versions
	installed=$(dpkg-query -W -f='${Version}' postgresql-15 2>/dev/null)
	versions=$({ [ -n "$installed" ] && echo "$installed"
				 apt-cache "${A[@]}" showsrc postgresql-15 2>/dev/null | sed -n 's/^Version: //p' |
				 sort -V -r; } | awk '!seen[$0]++')
	if [ -z "$versions" ]; then
		echo "no postgresql-15 source package in the deb-src lists made from the machine's apt sources; apt-get update said:"
		tail -n 15 "$d/update.log"
		rm -rf "$d"
		return 1
	fi
	for v in $versions; do
		if (cd "$d/get" && apt-get -q "${A[@]}" source --download-only "postgresql-15=$v") >"$d/source.log" 2>&1 &&
		   src=$(ls "$d"/get/postgresql-15_*.orig.tar.* 2>/dev/null | head -n 1) && [ -n "$src" ]; then
			mkdir -p "$d/x" &&
			tar -xf "$src" -C "$d/x" --wildcards '*/contrib/ltree/sql/*' '*/contrib/ltree/expected/*' \
				'*/contrib/ltree/data/*' &&
			rm -rf "$dest" && mkdir -p "$dest" &&
			cp -r "$d"/x/*/contrib/ltree/{sql,expected,data} "$dest"/ &&
			echo "$v" >"$dest/VERSION" && rm -rf "$d" && return 0
			echo "could not unpack contrib/ltree from $src"
			rm -rf "$d" "$dest"
			return 1
		fi
		echo "postgresql-15 $v: $(grep -E '^(E|W):' "$d/source.log" | head -n 2 | tr '\n' ' ')"
		rm -f "$d"/get/*
	done
	echo "no version of postgresql-15's source package could be downloaded"
	rm -rf "$d"
	return 1
}

if [ -f "$cache/VERSION" ] && [ -f "$cache/sql/ltree.sql" ] && [ -f "$cache/expected/ltree.out" ]; then
	echo "contrib/ltree's suite of postgresql-15 $(cat "$cache/VERSION") (cached in test/ltree_suite)"
elif out=$(fetch_suite "$cache" 2>&1); then
	echo "contrib/ltree's suite of postgresql-15 $(cat "$cache/VERSION") fetched into test/ltree_suite"
else
	echo "$out"
	echo "FAILED: contrib ltree's regression suite could not be fetched from Debian's source package postgresql-15 (needs deb.debian.org or the machine's mirrors)"
	exit 1
fi

# pg_regress runs in a copy the cluster user can write to: ltree.sql
# \copy's data/ltree.data, relative to the working directory.
suite=$work/ltree_suite
rm -rf "$suite"
cp -r "$cache" "$suite"
[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$suite"
# --load-extension=tagstore: tagstore is in public before ltree.sql's own
# CREATE EXTENSION ltree
(cd "$suite" && as_cluster_user "$PGXS_DIR/src/test/regress/pg_regress" --bindir="$PGBIN" \
	--inputdir=. --outputdir=out --temp-instance=out/instance \
	--load-extension=tagstore --encoding=UTF8 --no-locale ltree) >"$suite/pg_regress.log" 2>&1
rc=$?
grep -E '^(test |     |ok |not ok |\(using)|[[:alnum:]_]+ +\.\.\.' "$suite/pg_regress.log"
if [ $rc -eq 0 ]; then
	echo "ok: contrib ltree's own regression suite gives ltree's expected answers with tagstore in the same schema"
else
	tail -n 10 "$suite/pg_regress.log"
	if [ -f "$suite/out/regression.diffs" ]; then
		echo "the errors the diffs add, most frequent first:"
		grep -E '^\+ERROR:' "$suite/out/regression.diffs" | sort | uniq -c | sort -rn | head -n 10
		head -n 120 "$suite/out/regression.diffs"
	fi
	echo "FAILED: contrib ltree's own regression suite with tagstore in the same schema (diffs in $suite/out/regression.diffs)"
	exit 1
fi
