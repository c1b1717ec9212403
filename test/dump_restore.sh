#!/bin/bash
# pg_dump / pg_restore keep a tagstore database whole: the demo's data is
# dumped, restored into a new database, and the same questions must get the
# same answers there; new tags and taggings must then work (sequences).
# Usage: dump_restore.sh PGBIN  (PGHOST, PGPORT, PGUSER set; prints ok/FAILED lines)
set -uo pipefail
PGBIN=$1
here=$(cd "$(dirname "$0")/.." && pwd)
q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

"$PGBIN/createdb" dump_src && "$PGBIN/createdb" dump_dst || exit 1
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d dump_src -f "$here/test/demo.sql" >/dev/null 2>&1 || {
	echo "FAILED: loading the demo data"; exit 1; }
dump=$(mktemp /tmp/tagstore-dump.XXXXXX)
"$PGBIN/pg_dump" -Fc -f "$dump" dump_src 2>/dev/null && "$PGBIN/pg_restore" -d dump_dst "$dump" || {
	echo "FAILED: pg_dump / pg_restore"; exit 1; }
rm -f "$dump"

checks=(
	"SELECT string_agg(t, E'\n') FROM tagstore.tree('Biology') t"
	"SELECT string_agg(format('%s %s %s', tag, direct_count, total_count), ',' ORDER BY tag) FROM tagstore.tags('Biology')"
	"SELECT string_agg(external_id, ',') FROM tagstore.entities_with_all('{sizes.large, Biology.Animalia}')"
	"SELECT string_agg(format('%s %s %s', revision, operation, actor), ',') FROM tagstore.tag_history('Biology.plant')"
	"SELECT string_agg(format('%s %s', tag, data), ',') FROM tagstore.tags_of('thing', 'dandelion')"
	"SELECT count(*) FROM tagstore.search_tags(value => 'a*', pattern => true)"
)
for c in "${checks[@]}"; do
	if [ "$(q dump_src "$c")" == "$(q dump_dst "$c")" ] && [ -n "$(q dump_dst "$c")" ]; then
		echo "ok: same answer after restore: ${c:0:70}"
	else
		echo "FAILED: different answer after restore: $c"
	fi
done
# nothing for tagstore.verify() to report, before and after rebuilding the
# postings that pg_dump leaves out (and the sequences' next ids are free)
for step in "restored" "postings rebuilt"; do
	[ "$step" = "postings rebuilt" ] &&
		q dump_dst "SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1)" >/dev/null
	out=$(q dump_dst "SELECT problem || ': ' || detail FROM tagstore.verify()" 2>&1)
	if [ $? -eq 0 ] && [ -z "$out" ]; then
		echo "ok: tagstore.verify() finds no problem ($step)"
	else
		echo "FAILED: tagstore.verify() ($step): $out"
	fi
done
# sequences came along: new rows in the restored database get fresh ids
if q dump_dst "SELECT tagstore.add_tag('sizes', 'huge'); SELECT tagstore.add_tag_to('sizes.huge', 'thing', 'whale')" >/dev/null &&
   [ "$(q dump_dst "SELECT string_agg(external_id, ',') FROM tagstore.entities_with_all('{sizes.huge}')")" == "whale" ]; then
	echo "ok: tagging works in the restored database"
else
	echo "FAILED: tagging in the restored database"
fi
