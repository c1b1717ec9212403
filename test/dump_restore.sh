#!/bin/bash
# pg_dump / pg_restore keep a tagstore database whole, restored serially or
# in parallel, from every format.  A database holding the demo's data and
# a larger generated taxonomy (thousands of tags and taggings, with
# history, tombstones and posted tags) is dumped in the plain, custom and
# directory formats, and restored into new databases: the plain dump by
# psql; the custom dump by pg_restore serially, with -j 2 and with -j 4;
# the directory dump (itself made with pg_dump -j 2) with -j 2 and -j 4.
# Any warning or error that pg_dump, pg_restore or psql prints fails the
# test (tagstore's tables are configuration tables, which CREATE EXTENSION
# makes before the data is loaded, so nothing among them may depend on the
# order in which a parallel restore loads them).  In each restored
# database:
#   - every table pg_dump keeps (pg_extension_config_dump) holds the same
#     rows as the source, and the sequences stand where they stood;
#   - the same questions get the same answers (searches, listings, history);
#   - tagstore.verify() finds nothing, before and after refreshing the
#     postings that pg_dump leaves out; an ordinary refresh_postings(),
#     with the threshold that pg_dump kept (posting_setting), posts the
#     same tags as the source's rebuild, with the same postings;
#   - new tags and taggings work (the sequences' next ids are free).
# Usage: dump_restore.sh PGBIN  (PGHOST, PGPORT, PGUSER set; prints ok/FAILED lines)
set -uo pipefail
PGBIN=$1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/tagstore-dump.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
indent() { sed 's/^/    /'; }

dbs="dump_src dump_plain dump_custom dump_custom_j2 dump_custom_j4 dump_dir_j2 dump_dir_j4"
for db in $dbs; do
	"$PGBIN/dropdb" --if-exists "$db" 2>/dev/null
done
"$PGBIN/createdb" dump_src || exit 1
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d dump_src -f "$here/test/demo.sql" >/dev/null 2>&1 || {
	echo "FAILED: loading the demo data"; exit 1; }
# A generated taxonomy: 4 levels of 6 (1,554 tags), 6,480 taggings of 3,000
# entities, with data on some; then history (renames, a move, retags,
# untags, removed tags that leave tombstones), posted tags, and changes
# pending since the postings were refreshed.
if ! out=$("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d dump_src 2>&1 <<'EOF'
SELECT tagstore.create_taxonomy('gen', description => 'generated') IS NOT NULL;
DO $$
DECLARE
	a int; b int; c int; d int;
BEGIN
	FOR a IN 1..6 LOOP
		PERFORM tagstore.add_tag('gen', 'a' || a);
		FOR b IN 1..6 LOOP
			PERFORM tagstore.add_tag('gen', 'b' || b, parent => format('gen.a%s', a)::tagpath);
			FOR c IN 1..6 LOOP
				PERFORM tagstore.add_tag('gen', 'c' || c, parent => format('gen.a%s.b%s', a, b)::tagpath);
				FOR d IN 1..6 LOOP
					PERFORM tagstore.add_tag('gen', 'd' || d, parent => format('gen.a%s.b%s.c%s', a, b, c)::tagpath);
				END LOOP;
			END LOOP;
		END LOOP;
	END LOOP;
END $$;
SELECT count(*) FROM (
	SELECT tagstore.add_tag_to(t.path, 'item', 'i' || abs(hashtext(t.id || ':' || n) % 3000),
							   CASE WHEN n = 1 THEN jsonb_build_object('n', t.id % 10) END)
	FROM tagstore.tag t, generate_series(1, 5) n
	WHERE t.path <@ 'gen' AND tagstore.nlevel(t.path) = 5) x;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 50);
SELECT tagstore.rename_tag('gen.a1.b1', 'B1');
SELECT tagstore.move_tag('gen.a2.b2.c2', 'gen.a3');
SELECT tagstore.remove_tag('gen.a4.b4', cascade => true);
SELECT count(*) FROM (SELECT tagstore.add_tag_to(t.path, 'item', 'i' || (t.id % 3000), '{"retagged": true}')
					  FROM tagstore.tag t WHERE t.path <@ 'gen.a5' AND tagstore.nlevel(t.path) = 5) x;
SELECT count(*) FROM (SELECT tagstore.remove_tag_from(t.path, 'item', e.external_id)
					  FROM tagstore.tagging g JOIN tagstore.tag t ON t.id = g.tag_id
					  JOIN tagstore.entity e ON e.id = g.entity_id
					  WHERE t.path <@ 'gen.a6.b6') x;
SELECT tagstore.add_tag_to('gen.a3.b5.c5.d5', 'item', 'new-' || n) FROM generate_series(1, 50) n;
EOF
); then
	echo "FAILED: loading the generated taxonomy"; tail -n 8 <<<"$out" | indent; exit 1
fi
echo "ok: source: $(q dump_src "SELECT format('%s taxonomies, %s tags, %s taggings, %s revisions, %s tombstones; %s posted tags, %s changes pending',
	(SELECT count(*) FROM tagstore.taxonomy), (SELECT count(*) FROM tagstore.tag), (SELECT count(*) FROM tagstore.tagging),
	(SELECT count(*) FROM tagstore.tag_revision) + (SELECT count(*) FROM tagstore.tagging_revision),
	(SELECT count(*) FROM tagstore.tag_tombstone), posted_tags, pending_changes) FROM tagstore.posting_status")"

# the dumps: any message on stderr is a failure
dump() {	# dump WHAT PG_DUMP-ARGS...
	local what=$1
	shift
	if "$PGBIN/pg_dump" "$@" dump_src 2>"$tmp/dump.err" && [ ! -s "$tmp/dump.err" ]; then
		echo "ok: pg_dump $what: no warning"
	else
		echo "FAILED: pg_dump $what printed:"; indent <"$tmp/dump.err"
	fi
}
dump "(plain format)" -Fp -f "$tmp/plain.sql"
dump "(custom format)" -Fc -f "$tmp/custom.dump"
dump "(directory format, -j 2)" -Fd -j 2 -f "$tmp/dir.dump"

# the restores: likewise
restore() {	# restore DB WHAT COMMAND...
	local db=$1 what=$2
	shift 2
	"$PGBIN/createdb" "$db" || { echo "FAILED: createdb $db"; return; }
	if "$@" >/dev/null 2>"$tmp/$db.err" && [ ! -s "$tmp/$db.err" ]; then
		echo "ok: $what: no warning or error"
	else
		echo "FAILED: $what printed:"; head -n 20 "$tmp/$db.err" | indent
	fi
}
restore dump_plain "psql (plain format)" \
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d dump_plain -f "$tmp/plain.sql"
restore dump_custom "pg_restore (custom format)" "$PGBIN/pg_restore" -d dump_custom "$tmp/custom.dump"
restore dump_custom_j2 "pg_restore -j 2 (custom format)" "$PGBIN/pg_restore" -j 2 -d dump_custom_j2 "$tmp/custom.dump"
restore dump_custom_j4 "pg_restore -j 4 (custom format)" "$PGBIN/pg_restore" -j 4 -d dump_custom_j4 "$tmp/custom.dump"
restore dump_dir_j2 "pg_restore -j 2 (directory format)" "$PGBIN/pg_restore" -j 2 -d dump_dir_j2 "$tmp/dir.dump"
restore dump_dir_j4 "pg_restore -j 4 (directory format)" "$PGBIN/pg_restore" -j 4 -d dump_dir_j4 "$tmp/dir.dump"

# every table pg_dump keeps (the extension's configuration tables), row
# for row, and the sequences' positions
contents() {
	local t
	for t in $(q "$1" "SELECT c.oid::regclass FROM pg_extension e, unnest(e.extconfig) x(oid)
						JOIN pg_class c ON c.oid = x.oid
						WHERE e.extname = 'tagstore' AND c.relkind = 'r' ORDER BY 1::text"); do
		q "$1" "SELECT format('%s: %s rows, md5 %s', '$t', count(*),
					md5(coalesce(string_agg(r::text, E'\n' ORDER BY r::text), ''))) FROM $t r"
	done
	q "$1" "SELECT format('tagstore.tag_id_seq at %s %s', last_value, is_called) FROM tagstore.tag_id_seq"
	q "$1" "SELECT format('tagstore.entity_id_seq at %s %s', last_value, is_called) FROM tagstore.entity_id_seq"
}
contents dump_src >"$tmp/src.contents" 2>&1
if [ "$(grep -c ' rows, md5 ' "$tmp/src.contents")" -lt 7 ] || grep -q ': 0 rows' "$tmp/src.contents"; then
	echo "FAILED: the source's tables (each should hold rows):"; indent <"$tmp/src.contents"
fi

checks=(
	"SELECT string_agg(t, E'\n') FROM tagstore.tree('Biology') t"
	"SELECT string_agg(format('%s %s %s', tag, direct_count, total_count), ',' ORDER BY tag) FROM tagstore.tags('gen')"
	"SELECT string_agg(external_id, ',') FROM tagstore.entities_with_all('{sizes.large, Biology.Animalia}')"
	"SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{gen.a1, gen.a3}')"
	"SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_any('{gen.a2.b3, gen.a6.b5.c4}', exclude => '{gen.a1}')"
	"SELECT tagstore.count_entities_with_any(ARRAY(SELECT path FROM tagstore.tag WHERE tagstore.nlevel(path) = 2 AND path <@ 'gen'))"
	"SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_tag_data('gen.a5', '{\"retagged\": true}')"
	"SELECT string_agg(format('%s %s %s', revision, operation, actor), ',') FROM tagstore.tag_history('Biology.plant')"
	"SELECT string_agg(format('%s %s %s', revision, operation, actor), ',') FROM tagstore.tag_history('gen.a4.b4.c4')"
	"SELECT string_agg(format('%s %s', tag, data), ',') FROM tagstore.tags_of('thing', 'dandelion')"
	"SELECT count(*) FROM tagstore.search_tags(value => 'a*', pattern => true)"
)
restored() {	# restored DB: the checks above in DB
	local db=$1 c out
	contents "$db" >"$tmp/$db.contents" 2>&1
	if diff -u --label dump_src --label "$db" "$tmp/src.contents" "$tmp/$db.contents" >"$tmp/$db.diff"; then
		echo "ok: $db: every table pg_dump keeps holds the source's rows; the sequences stand where they stood"
	else
		echo "FAILED: $db: tables differ from the source's (diff source restored):"; indent <"$tmp/$db.diff"
	fi
	local same=0
	for c in "${checks[@]}"; do
		out=$(q "$db" "$c" 2>&1)
		if [ "$out" == "$(q dump_src "$c")" ] && [ -n "$out" ]; then
			same=$((same + 1))
		else
			echo "FAILED: $db: another answer after restore: $c"; head -n 5 <<<"$out" | indent
		fi
	done
	[ $same -eq ${#checks[@]} ] && echo "ok: $db: the same answers to $same questions (searches, listings, history)"
	# nothing for verify() to report, before and after refreshing the postings
	for step in "restored" "postings refreshed"; do
		[ "$step" = "postings refreshed" ] &&
			q "$db" "SELECT tagstore.refresh_postings()" >/dev/null
		out=$(q "$db" "SELECT problem || ': ' || detail FROM tagstore.verify()" 2>&1)
		if [ $? -eq 0 ] && [ -z "$out" ]; then
			echo "ok: $db: tagstore.verify() finds no problem ($step)"
		else
			echo "FAILED: $db: tagstore.verify() ($step):"; head -n 10 <<<"$out" | indent
		fi
	done
	out=$(q "$db" "SELECT min_taggings FROM tagstore.posting_status")": $(q "$db" "$postings")"
	if [ "$out" == "50: $src_postings" ]; then
		echo "ok: $db: refreshed by the threshold kept, the postings equal the source's ($out)"
	else
		echo "FAILED: $db: threshold and refreshed postings: $out; the source's: 50: $src_postings"
	fi
	# sequences came along: new rows get fresh ids
	if q "$db" "SELECT tagstore.add_tag('sizes', 'huge'); SELECT tagstore.add_tag_to('sizes.huge', 'thing', 'whale')" >/dev/null &&
	   q "$db" "SELECT tagstore.add_tag_to('sizes.huge', 'thing', 'orca')" >/dev/null &&
	   [ "$(q "$db" "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{sizes.huge}')")" == "orca,whale" ]; then
		echo "ok: $db: tagging works in the restored database"
	else
		echo "FAILED: $db: tagging in the restored database"
	fi
}
# the postings pg_dump leaves out, rebuilt in the source for comparison
postings="SELECT format('%s posted tags, %s chunks, md5 %s', (SELECT count(*) FROM tagstore.posted_tag),
	count(*), md5(string_agg(format('%s %s %s', t.key, p.chunk, p.members), E'\n' ORDER BY t.key, p.chunk)))
	FROM tagstore.posting p JOIN tagstore.tag t ON t.id = p.tag_id"
q dump_src "SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 50)" >/dev/null
src_postings=$(q dump_src "$postings")
for db in ${dbs#dump_src }; do
	if [ "$(q "$db" "SELECT count(*) FROM pg_extension WHERE extname = 'tagstore'" 2>/dev/null)" = 1 ]; then
		restored "$db"
	else
		echo "FAILED: $db: no tagstore restored"
	fi
done
