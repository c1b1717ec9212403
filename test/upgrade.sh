#!/bin/bash
# ALTER EXTENSION tagstore UPDATE keeps a database whole.  For every older
# version (each row of test/upgrade/versions; every frozen install script
# sql/tagstore--X.sql needs one) up to the control file's default_version:
#   - install the old version from its frozen script and load data that
#     leaves something in every table (test/upgrade/load-X.sql), postings
#     with changes pending and stale ones included;
#   - ask the questions of test/upgrade/answers.sql and keep the answers;
#   - ALTER EXTENSION tagstore UPDATE (PostgreSQL chains the upgrade scripts);
#   - the extension's objects must equal a fresh install's, as
#     test/schema_dump.sh prints them;
#   - every answer must be the same as before;
#   - searches must agree with a recursive-CTE reference, then and after
#     rounds of writes, refresh_postings() and refresh_postings(rebuild).
# Usage: upgrade.sh PGBIN [FROM [TO]]  (PGHOST, PGPORT, PGUSER set; prints
# ok/FAILED lines; FROM defaults to every row, TO to the default_version)
set -uo pipefail
PGBIN=$1
only_from=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
up=$here/test/upgrade
export PGBIN

status=0
ok() { echo "ok: $*"; }
failed() { echo "FAILED: $*"; status=1; }
indent() { sed 's/^/    /'; }
psql_() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

default_version=$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" \
	"$here/tagstore.control")
to=${3:-$default_version}
if [ -z "$to" ]; then
	failed "no default_version in tagstore.control"
	exit 1
fi

tmp=$(mktemp -d /tmp/tagstore-upgrade.XXXXXX)

# The versions with a frozen install script, and the rows of the table.
frozen=()
for f in "$here"/sql/tagstore--*.sql; do
	v=${f##*/tagstore--}
	v=${v%.sql}
	case $v in *--*) continue ;; esac		# an upgrade script
	[ "$v" != "$to" ] && frozen+=("$v")
done
declare -A load_of=()
rows=()
while read -r v load rest; do
	case $v in '' | '#'*) continue ;; esac
	load_of[$v]=$load
	rows+=("$v")
done <"$up/versions"
for v in "${frozen[@]}"; do
	[ -n "${load_of[$v]:-}" ] || failed "sql/tagstore--$v.sql is frozen but has no row in test/upgrade/versions"
done
from_list=()
for v in "${rows[@]}"; do
	[ "$v" = "$to" ] && continue
	if [ ! -f "$here/sql/tagstore--$v.sql" ]; then
		failed "test/upgrade/versions has a row for $v, but there is no sql/tagstore--$v.sql"
		continue
	fi
	[ -z "$only_from" ] || [ "$v" = "$only_from" ] && from_list+=("$v")
done
if [ ${#from_list[@]} -eq 0 ]; then
	failed "no version to update to $to from${only_from:+ (asked for $only_from)}"
	exit 1
fi

# A fresh install of the target version, to compare the catalog with.
fresh="upgrade_fresh_$to"
"$PGBIN/dropdb" --if-exists "$fresh" 2>/dev/null; "$PGBIN/createdb" "$fresh" || { failed "createdb $fresh"; exit 1; }
# (to the default version as a user would: CREATE EXTENSION, ALTER EXTENSION UPDATE)
if [ "$to" = "$default_version" ]; then to_clause=; else to_clause=" VERSION '$to'"; fi
if out=$(psql_ -d "$fresh" -c "CREATE EXTENSION tagstore$to_clause" 2>&1) &&
   [ "$(psql_ -d "$fresh" -c "SELECT extversion FROM pg_extension WHERE extname = 'tagstore'")" = "$to" ]; then
	ok "fresh install of $to"
else
	failed "fresh install of $to"; echo "$out" | indent
fi
"$here/test/schema_dump.sh" "$fresh" >"$tmp/fresh.schema" 2>"$tmp/fresh.schema.err" ||
	{ failed "schema_dump.sh $fresh"; indent <"$tmp/fresh.schema.err"; }

# The positions of the sequences are data, which a fresh install has none of.
mask_positions() {
	sed -E "s/^(SELECT pg_catalog\.setval\('[^']*'), [0-9]+, (true|false)\);/\1, <position>);/"
}

# Splits answers into one file per "== name" section: DIR/names, DIR/001, ...
split_sections() {
	mkdir -p "$2"
	awk -v dir="$2" '
		BEGIN { file = dir "/000" }
		/^== / { n++; print substr($0, 4) > (dir "/names"); file = sprintf("%s/%03d", dir, n); printf "" > file; next }
		{ print > file }' "$1"
}

# reference STAGE DB: the searches against the recursive-CTE reference
reference() {
	local out
	if out=$(psql_ -d "$2" -v stage="$1" -f "$up/reference.sql" 2>&1) &&
	   [ "$(grep -c '^ok: ' <<<"$out")" -eq 2 ]; then
		echo "$out"
	else
		grep -E '^(ok|FAILED): ' <<<"$out"
		grep -q '^FAILED: ' <<<"$out" || failed "$1: the reference check stopped with an error"
		grep -vE '^(ok|FAILED): ' <<<"$out" | indent
		status=1
	fi
}

# writes STAGE DB ROUND: a round of writes (test/upgrade/writes.sql)
writes() {
	local out
	if out=$(psql_ -d "$2" -v round="$3" -f "$up/writes.sql" 2>&1); then
		ok "$1: tagging, untagging, retagging, removing, moving and renaming work"
	else
		failed "$1: writing failed"; tail -n 8 <<<"$out" | indent
	fi
}

# refresh STAGE DB REBUILD: refresh_postings, then nothing pending or stale
refresh() {
	local out
	if out=$(psql_ -d "$2" -F ' ' -c "SELECT tagstore.refresh_postings(rebuild => $3, min_taggings => 10)" \
				-c "SELECT posted_tags, stale_tags, pending_changes FROM tagstore.posting_status" 2>&1) &&
	   read -r folded posted stale pending <<<"$(echo $out)" &&
	   [ "$folded" -gt 0 ] && [ "$posted" -gt 0 ] && [ "$stale" -eq 0 ] && [ "$pending" -eq 0 ]; then
		ok "$1: refresh_postings(rebuild => $3) folded $folded changes in; $posted tags posted, none stale or pending"
	else
		failed "$1: refresh_postings(rebuild => $3): folded, posted, stale, pending: $(echo $out)"
	fi
}

# verified STAGE DB: tagstore.verify() finds no problem (it is the current version's)
verified() {
	local out
	if out=$(psql_ -d "$2" -F ' | ' -c "SELECT problem, tag, detail FROM tagstore.verify()" 2>&1) && [ -z "$out" ]; then
		ok "$1: tagstore.verify() finds no problem"
	else
		failed "$1: tagstore.verify():"; head -n 20 <<<"$out" | indent
	fi
}

for from in "${from_list[@]}"; do
	pair="$from->$to"
	db="upgrade_from_$from"
	load=${load_of[$from]}
	"$PGBIN/dropdb" --if-exists "$db" 2>/dev/null; "$PGBIN/createdb" "$db" || { failed "$pair: createdb $db"; continue; }

	# the old version, from its frozen script, and the data
	if out=$(psql_ -d "$db" -c "CREATE EXTENSION tagstore VERSION '$from'" 2>&1) &&
	   [ "$(psql_ -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'tagstore'")" = "$from" ]; then
		ok "$pair: $from installed from sql/tagstore--$from.sql"
	else
		failed "$pair: installing $from"; echo "$out" | indent; continue
	fi
	if out=$(psql_ -d "$db" -f "$up/$load" 2>&1); then
		ok "$pair: data loaded ($load): $(psql_ -d "$db" -c "SELECT format('%s tags, %s taggings, %s revisions, %s tombstones; %s posted tags, %s stale, %s changes pending',
			(SELECT count(*) FROM tagstore.tag), (SELECT count(*) FROM tagstore.tagging),
			(SELECT count(*) FROM tagstore.tag_revision) + (SELECT count(*) FROM tagstore.tagging_revision),
			(SELECT count(*) FROM tagstore.tag_tombstone), posted_tags, stale_tags, pending_changes)
			FROM tagstore.posting_status")"
	else
		failed "$pair: loading $load"; tail -n 8 <<<"$out" | indent; continue
	fi
	reference "$pair, before the update" "$db"
	psql_ -F ' | ' -d "$db" -f "$up/answers.sql" >"$tmp/$from.before" 2>&1 ||
		{ failed "$pair: answers before the update"; tail -n 8 "$tmp/$from.before" | indent; continue; }

	# the update, by whatever path PostgreSQL finds
	path=$(psql_ -d "$db" -c "SELECT path FROM pg_extension_update_paths('tagstore')
							  WHERE source = '$from' AND target = '$to'")
	if [ -n "$path" ]; then
		ok "$pair: update path $path"
	else
		failed "$pair: no update path from $from to $to"
	fi
	if out=$(psql_ -d "$db" -c "ALTER EXTENSION tagstore UPDATE${to_clause/VERSION/TO}" 2>&1) &&
	   [ "$(psql_ -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'tagstore'")" = "$to" ]; then
		ok "$pair: ALTER EXTENSION tagstore UPDATE${to_clause/VERSION/TO}"
	else
		failed "$pair: ALTER EXTENSION tagstore UPDATE${to_clause/VERSION/TO}"; echo "$out" | indent; continue
	fi

	# (a) the same objects as a fresh install
	if ! "$here/test/schema_dump.sh" "$db" >"$tmp/$from.schema" 2>"$tmp/$from.schema.err"; then
		failed "$pair: schema_dump.sh $db"; indent <"$tmp/$from.schema.err"
	elif ! grep -q 'tagstore' "$tmp/fresh.schema"; then
		failed "$pair: schema_dump.sh printed no tagstore object of the fresh install"
	elif diff -u --label "fresh $to" --label "updated from $from" \
			<(mask_positions <"$tmp/fresh.schema") <(mask_positions <"$tmp/$from.schema") >"$tmp/$from.schema.diff"; then
		ok "$pair: the updated extension's objects equal a fresh install's ($(wc -l <"$tmp/$from.schema") lines of schema_dump.sh)"
	else
		failed "$pair: the updated extension's objects differ from a fresh install's (diff fresh updated):"
		head -n 60 "$tmp/$from.schema.diff" | indent
	fi

	# (b) the same answers as before
	psql_ -F ' | ' -d "$db" -f "$up/answers.sql" >"$tmp/$from.after" 2>&1 ||
		{ failed "$pair: answers after the update"; tail -n 8 "$tmp/$from.after" | indent; }
	split_sections "$tmp/$from.before" "$tmp/$from.b"
	split_sections "$tmp/$from.after" "$tmp/$from.a"
	if ! cmp -s "$tmp/$from.b/names" "$tmp/$from.a/names"; then
		failed "$pair: the answers after the update have other sections"
	fi
	n=0
	while read -r name; do
		n=$((n + 1))
		f=$(printf '%03d' $n)
		if [ ! -s "$tmp/$from.b/$f" ]; then
			failed "$pair: no answer to compare: $name"
		elif cmp -s "$tmp/$from.b/$f" "$tmp/$from.a/$f"; then
			ok "$pair: same answers after the update: $name ($(wc -l <"$tmp/$from.b/$f") lines)"
		else
			failed "$pair: other answers after the update: $name (diff before after):"
			diff -u --label before --label after "$tmp/$from.b/$f" "$tmp/$from.a/$f" | head -n 30 | cut -c1-300 | indent
		fi
	done <"$tmp/$from.b/names"

	# (c) searches agree with the reference; writes and refreshes work
	reference "$pair, after the update" "$db"
	verified "$pair, after the update" "$db"
	writes "$pair, after the update" "$db" 1
	reference "$pair, after writes (changes pending, postings stale)" "$db"
	verified "$pair, after writes" "$db"
	refresh "$pair" "$db" false
	reference "$pair, after refresh_postings()" "$db"
	writes "$pair, after refresh_postings()" "$db" 2
	refresh "$pair" "$db" true
	reference "$pair, after refresh_postings(rebuild => true)" "$db"
	writes "$pair, after refresh_postings(rebuild => true)" "$db" 3
	reference "$pair, after more writes (changes pending on rebuilt postings)" "$db"
	verified "$pair, after more writes" "$db"
done

if [ $status -eq 0 ]; then
	rm -rf "$tmp"
else
	echo "(upgrade test files in $tmp)"
fi
exit $status
