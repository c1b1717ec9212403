#!/bin/bash
# The roles of an application, as README.md's Security section sets them
# up, in a cluster of their own: the block of SQL there is run as it
# stands (its first part as a superuser, its second as app_owner), so the
# README cannot drift from what is tested.  Then:
#   - app_owner, no superuser, has created the trusted extension; its
#     objects belong to the bootstrap superuser, and app_owner uses all of
#     the API, verify() included;
#   - the README's per-taxonomy grants (app_owner's for Biology, app_writer's
#     for the sizes it created) are run as they stand;
#   - app_writer reads and writes through the whole API;
#   - app_reader searches and lists, and every write is refused with 42501,
#     as verify() is;
#   - a role without grants can do nothing in the schema tagstore;
#   - app_owner pg_dumps the database (custom and plain formats) with no
#     warning, and restores it into databases it owns (pg_restore serial
#     and -j 2, psql) with no warning or error: the same tables and
#     answers, and the grants to app_writer and app_reader came along;
#   - a database where app_owner created 1.0, then ran ALTER EXTENSION
#     tagstore UPDATE, works the same once the README's grants are made.
# Usage: roles.sh PGBIN  (PGHOST, PGPORT, PGUSER of a superuser set; prints
# ok/FAILED lines)
set -uo pipefail
PGBIN=$1
here=$(cd "$(dirname "$0")/.." && pwd)
super=$PGUSER
tmp=$(mktemp -d /tmp/tagstore-roles.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok: $*"; }
failed() { echo "FAILED: $*"; }
indent() { sed 's/^/    /'; }
# as ROLE DB ARGS...: psql as a role, stopping at the first error
as() {
	local role=$1 db=$2
	shift 2
	PGUSER=$role "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"
}
# sqlstate ROLE DB STATEMENT: the SQLSTATE the statement fails with ("ok" if it does not)
sqlstate() {
	local out
	if out=$(as "$1" "$2" -c '\set VERBOSITY sqlstate' -c "$3" 2>&1 >/dev/null); then
		echo ok
	else
		sed -n 's/^.*ERROR: *\([0-9A-Z]\{5\}\).*$/\1/p' <<<"$out" | head -n 1
	fi
}

# README's block: the ```sql block after the marker line in Security, cut
# into what a superuser runs and what app_owner runs
awk '/<!-- roles: test\/roles.sh/ { m = 1; next }
	 m && /^ *```sql/ { s = 1; next }
	 s && /^ *```/ { exit }
	 s { sub(/^  /, ""); print }' "$here/README.md" >"$tmp/readme.sql"
sed -n '/^-- as a superuser/,/^-- as app_owner/p' "$tmp/readme.sql" | sed '$d' >"$tmp/super.sql"
sed -n '/^-- as app_owner/,$p' "$tmp/readme.sql" >"$tmp/owner.sql"
grep -v '^CREATE EXTENSION' "$tmp/owner.sql" >"$tmp/grants.sql"
# the per-taxonomy grants: app_owner's, then app_writer's
awk '/<!-- roles: per taxonomy; test\/roles.sh/ { m = 1; next }
	 m && /^ *```sql/ { s = 1; next }
	 s && /^ *```/ { exit }
	 s { sub(/^  /, ""); print }' "$here/README.md" >"$tmp/taxonomy_grants.sql"
sed -n '/^-- as app_owner/,/^-- as app_writer/p' "$tmp/taxonomy_grants.sql" | sed '$d' >"$tmp/owner_taxonomy.sql"
sed -n '/^-- as app_writer/,$p' "$tmp/taxonomy_grants.sql" >"$tmp/writer_taxonomy.sql"
if grep -q '^CREATE DATABASE app OWNER app_owner;' "$tmp/super.sql" &&
   grep -q '^CREATE EXTENSION tagstore;' "$tmp/owner.sql" &&
   [ "$(grep -c '^GRANT ' "$tmp/grants.sql")" -ge 4 ] &&
   grep -q "grant_taxonomy('Biology', 'app_reader', 'read')" "$tmp/owner_taxonomy.sql" &&
   grep -q "grant_taxonomy('sizes', 'app_reader', 'read')" "$tmp/writer_taxonomy.sql"; then
	ok "README.md's roles: $(grep -c ';' "$tmp/super.sql") statements as a superuser, $(grep -c ';' "$tmp/owner.sql") as app_owner"
else
	failed "README.md's Security section has no block of roles as this test expects:"
	indent <"$tmp/readme.sql"
	exit 1
fi

# the cluster is this test's own; an earlier run's objects go first
as "$super" postgres >/dev/null 2>&1 <<'EOF'
DROP DATABASE IF EXISTS app;
DROP DATABASE IF EXISTS app_restored;
DROP DATABASE IF EXISTS app_restored_j2;
DROP DATABASE IF EXISTS app_restored_plain;
DROP DATABASE IF EXISTS app_updated;
DROP ROLE IF EXISTS app_owner;
DROP ROLE IF EXISTS app_writer;
DROP ROLE IF EXISTS app_reader;
DROP ROLE IF EXISTS app_nobody;
EOF
if out=$(as "$super" postgres -f "$tmp/super.sql" 2>&1) &&
   out=$(as "$super" postgres -c "CREATE ROLE app_nobody LOGIN" 2>&1); then
	ok "the roles and the database app, as a superuser"
else
	failed "README's statements as a superuser:"; indent <<<"$out"; exit 1
fi
if out=$(as app_owner app -f "$tmp/owner.sql" 2>&1); then
	ok "CREATE EXTENSION tagstore and the grants, as app_owner"
else
	failed "README's statements as app_owner:"; indent <<<"$out"; exit 1
fi
who=$(as app_owner app -F ' ' -c "
	SELECT r.rolsuper, x.extowner::regrole, n.nspowner::regrole
	FROM pg_roles r, pg_extension x, pg_namespace n
	WHERE r.rolname = current_user AND x.extname = 'tagstore' AND n.nspname = 'tagstore'")
if [ "$who" = "f app_owner $super" ]; then
	ok "app_owner, no superuser, owns the extension; the schema belongs to the bootstrap superuser $super"
else
	failed "superuser, extension's owner, schema's owner: $who (want f app_owner $super)"
fi

# app_owner: all of the API, and verify()
if out=$(as app_owner app 2>&1 <<'EOF'
SELECT tagstore.create_taxonomy('Biology') IS NOT NULL;
SELECT tagstore.add_tag('Biology.animal.mammal.cat');
SELECT tagstore.add_tag('Biology.animal.bird');
SELECT tagstore.add_tag('Biology.plant.tree');
SELECT tagstore.add_tag_to('Biology.animal.mammal.cat', 'thing', 'tom');
SELECT * FROM tagstore.add_tag_to_many('Biology.animal.bird', 'thing', ARRAY['tweety', 'woody'], '{"wings": 2}');
SELECT tagstore.add_tag_to('Biology.plant.tree', 'thing', 'oak');
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT tagstore.update_tag('Biology.plant', description => 'green');
EOF
) && [ "$(as app_owner app -c "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{Biology.animal}')")" = "tom,tweety,woody" ] &&
   [ -z "$(as app_owner app -c "SELECT problem FROM tagstore.verify()")" ]; then
	ok "app_owner writes, searches and runs verify() (nothing to report)"
else
	failed "app_owner using the API:"; indent <<<"$out"
fi
if out=$(as app_owner app -f "$tmp/owner_taxonomy.sql" 2>&1); then
	ok "README's per-taxonomy grants for Biology, as app_owner"
else
	failed "README's per-taxonomy grants as app_owner:"; indent <<<"$out"
fi

# app_writer: the whole API
if out=$(as app_writer app 2>&1 <<'EOF'
SELECT tagstore.create_taxonomy('sizes', free_form => true) IS NOT NULL;
SELECT tagstore.add_tag('sizes', 'large');
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'oak');
SELECT tagstore.add_tag_to('sizes.small', 'thing', 'tweety');
SELECT tagstore.add_tag_to_by_id(tagstore.tag_id('sizes.large'), 'thing', 'tom');
SELECT * FROM tagstore.add_tag_to_many('Biology.animal.mammal.cat', 'thing', ARRAY['felix', 'tom'], '{"lives": 9}');
SELECT tagstore.remove_tag_from('Biology.animal.bird', 'thing', 'woody');
SELECT tagstore.update_tag('Biology.animal', description => 'animals');
SELECT tagstore.rename_tag('Biology.plant.tree', 'Tree');
SELECT tagstore.move_tag('Biology.animal.bird', 'Biology.animal.mammal');
SELECT tagstore.move_tag('Biology.animal.mammal.bird', 'Biology.animal');
SELECT tagstore.add_tag('Biology.fungus');
SELECT tagstore.remove_tag('Biology.fungus');
SELECT tagstore.create_taxonomy('scratch') IS NOT NULL;
SELECT tagstore.rename_taxonomy('scratch', 'Scratch');
SELECT tagstore.drop_taxonomy('Scratch');
SELECT tagstore.refresh_postings();
SELECT tagstore.prune_history(keep => 10);
SELECT count(*) FROM tagstore.entities_with_any('{sizes.large, Biology.plant}');
SELECT count(*) FROM tagstore.entities_matching('Biology.*.cat');
SELECT count(*) FROM tagstore.entities_with_tag_data('Biology.animal', '{"lives": 9}');
SELECT count(*) FROM tagstore.tags('Biology');
SELECT count(*) FROM tagstore.tree('Biology');
SELECT count(*) FROM tagstore.tags_of('thing', 'tom');
SELECT count(*) FROM tagstore.tag_history('Biology.plant.Tree');
SELECT count(*) FROM tagstore.search_tags(value => 't*', pattern => true);
EOF
) && [ "$(as app_writer app -c "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{Biology.animal, sizes.small}')")" = "tweety" ] &&
   [ "$(as app_writer app -c "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_any('{sizes.large, Biology.animal.mammal}')")" = "felix,oak,tom" ]; then
	ok "app_writer uses the whole API: taxonomies, tags, taggings, searches, listings, history, refresh_postings, prune_history"
else
	failed "app_writer using the API:"; indent <<<"$out"
fi
if out=$(as app_writer app -f "$tmp/writer_taxonomy.sql" 2>&1); then
	ok "README's per-taxonomy grant for sizes, as app_writer"
else
	failed "README's per-taxonomy grant as app_writer:"; indent <<<"$out"
fi

# app_reader: searches and listings, no writes
if out=$(as app_reader app 2>&1 <<'EOF'
SELECT count(*) FROM tagstore.entities_with_all('{Biology.animal}');
SELECT count(*) FROM tagstore.count_entities_with_any('{sizes.large, Biology.plant}');
SELECT count(*) FROM tagstore.entities_matching('*.cat');
SELECT count(*) FROM tagstore.tags('Biology');
SELECT count(*) FROM tagstore.tree('Biology');
SELECT count(*) FROM tagstore.find_tags('Biology', 'ca');
SELECT count(*) FROM tagstore.tags_of('thing', 'tom');
SELECT count(*) FROM tagstore.tag_history('Biology.animal');
SELECT count(*) FROM tagstore.taxonomies;
SELECT * FROM tagstore.posting_status;
EOF
) && [ "$(as app_reader app -c "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_any('{sizes.large, Biology.animal.mammal}')")" = "felix,oak,tom" ]; then
	ok "app_reader searches and lists"
else
	failed "app_reader searching:"; indent <<<"$out"
fi
refused=0
writes=(
	"SELECT tagstore.create_taxonomy('colours')"
	"SELECT tagstore.add_tag('Biology', 'fungus')"
	"SELECT tagstore.add_tag_to('Biology.plant', 'thing', 'fern')"
	"SELECT tagstore.add_tag_to('Biology.plant', 'thing', 'oak')"		# an entity that exists
	"SELECT * FROM tagstore.add_tag_to_many('Biology.plant', 'thing', ARRAY['fern'])"
	"SELECT tagstore.remove_tag_from('Biology.animal.bird', 'thing', 'tweety')"
	"SELECT tagstore.update_tag('Biology.plant', description => 'x')"
	"SELECT tagstore.rename_tag('Biology.plant', 'Plant')"
	"SELECT tagstore.move_tag('Biology.plant.Tree', NULL)"
	"SELECT tagstore.remove_tag('Biology.plant', cascade => true)"
	"SELECT tagstore.rename_taxonomy('sizes', 'Sizes')"
	"SELECT tagstore.drop_taxonomy('sizes')"
	"SELECT tagstore.refresh_postings()"
	"SELECT tagstore.prune_history(keep => 1)"
	"DELETE FROM tagstore.tagging"
	"SELECT * FROM tagstore.verify()"
)
for w in "${writes[@]}"; do
	s=$(sqlstate app_reader app "$w")
	if [ "$s" = 42501 ]; then
		refused=$((refused + 1))
	else
		failed "app_reader: $w: $s (want 42501)"
	fi
done
[ $refused -eq ${#writes[@]} ] && ok "app_reader: all $refused writes (and verify()) refused with 42501"
s1=$(sqlstate app_nobody app "SELECT * FROM tagstore.entities_with_all('{Biology.animal}')")
s2=$(sqlstate app_nobody app "SELECT tagstore.create_taxonomy('x')")
if [ "$s1 $s2" = "42501 42501" ]; then
	ok "a role without grants is refused (42501) searching and writing"
else
	failed "a role without grants: search $s1, create_taxonomy $s2 (want 42501 for both)"
fi

# The database's contents and some answers, as app_owner sees them.
state() {
	as app_owner "$1" <<'EOF'
SELECT 'taxonomy', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.taxonomy x;
SELECT 'taxonomy_grant', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.taxonomy_grant x;
SELECT 'tag', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.tag x;
SELECT 'tag_tombstone', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.tag_tombstone x;
SELECT 'tag_revision', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.tag_revision x;
SELECT 'entity', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.entity x;
SELECT 'tagging', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.tagging x;
SELECT 'tagging_revision', count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM tagstore.tagging_revision x;
SELECT 'sequences', last_value, (SELECT last_value FROM tagstore.entity_id_seq) FROM tagstore.tag_id_seq;
SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{Biology.animal}');
SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_any('{sizes, Biology.plant}');
SELECT string_agg(t, E'\n') FROM tagstore.tree('Biology') t;
SELECT string_agg(format('%s %s', tag, data), ',' ORDER BY tag) FROM tagstore.tags_of('thing', 'tom');
SELECT array_agg(c.relname || '=' || coalesce(c.relacl::text, '') ORDER BY c.relname)
FROM pg_class c WHERE c.relnamespace = 'tagstore'::regnamespace AND c.relkind IN ('r', 'v', 'S');
EOF
}
state app >"$tmp/app.state" 2>&1 || { failed "reading the database app as app_owner:"; indent <"$tmp/app.state"; }

# pg_dump as app_owner, and restores into databases app_owner owns
restored() {	# restored DB HOW: compares DB with app, then the roles there
	local db=$1 how=$2
	state "$db" >"$tmp/$db.state" 2>&1
	if diff -u --label app --label "$db" "$tmp/app.state" "$tmp/$db.state" >"$tmp/$db.diff"; then
		ok "$how: the same tables, sequences, answers and grants as the database dumped"
	else
		failed "$how: restored database differs (diff app $db):"; head -n 40 "$tmp/$db.diff" | indent
	fi
	if as app_writer "$db" -c "SELECT tagstore.add_tag_to('sizes.huge', 'thing', 'whale')" >/dev/null 2>&1 &&
	   [ "$(as app_reader "$db" -c "SELECT string_agg(external_id, ',') FROM tagstore.entities_with_all('{sizes.huge}')")" = whale ] &&
	   [ "$(sqlstate app_reader "$db" "SELECT tagstore.add_tag_to('sizes.huge', 'thing', 'orca')")" = 42501 ] &&
	   [ -z "$(as app_owner "$db" -c "SELECT problem FROM tagstore.verify()")" ]; then
		ok "$how: app_writer tags, app_reader searches and is refused writes, verify() finds nothing"
	else
		failed "$how: the roles in the restored database"
	fi
}
if PGUSER=app_owner "$PGBIN/pg_dump" -Fc -f "$tmp/app.dump" app 2>"$tmp/dump.err" &&
   PGUSER=app_owner "$PGBIN/pg_dump" -f "$tmp/app.sql" app 2>>"$tmp/dump.err" && [ ! -s "$tmp/dump.err" ]; then
	ok "pg_dump as app_owner (custom and plain formats), no warning"
else
	failed "pg_dump as app_owner:"; indent <"$tmp/dump.err"
fi
for how in "pg_restore" "pg_restore -j 2" "psql"; do
	case $how in
		pg_restore) db=app_restored; cmd=("$PGBIN/pg_restore" -d "$db" "$tmp/app.dump") ;;
		"pg_restore -j 2") db=app_restored_j2; cmd=("$PGBIN/pg_restore" -j 2 -d "$db" "$tmp/app.dump") ;;
		psql) db=app_restored_plain; cmd=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$tmp/app.sql") ;;
	esac
	as "$super" postgres -c "CREATE DATABASE $db OWNER app_owner" >/dev/null || { failed "CREATE DATABASE $db"; continue; }
	PGUSER=app_owner "${cmd[@]}" >/dev/null 2>"$tmp/$db.err"
	if [ $? -eq 0 ] && [ ! -s "$tmp/$db.err" ]; then
		ok "$how as app_owner into a database it owns: no error or warning"
		restored "$db" "restored by $how as app_owner"
	else
		failed "$how as app_owner:"; head -n 20 "$tmp/$db.err" | indent
	fi
done

# 1.0 created by app_owner, updated by it: the README's grants then work
as "$super" postgres -c "CREATE DATABASE app_updated OWNER app_owner" >/dev/null
why=
if ! out=$(as app_owner app_updated -c "CREATE EXTENSION tagstore VERSION '1.0'" \
			  -c "ALTER EXTENSION tagstore UPDATE" -f "$tmp/grants.sql" 2>&1); then
	why="creating 1.0, updating, granting as app_owner"
elif [ "$(as app_owner app_updated -c "SELECT extversion FROM pg_extension WHERE extname = 'tagstore'")" != \
	   "$(as app_owner app -c "SELECT extversion FROM pg_extension WHERE extname = 'tagstore'")" ]; then
	why="not at the version of a fresh install"
elif ! out=$(as app_writer app_updated 2>&1 <<'EOF'
SELECT tagstore.create_taxonomy('sizes') IS NOT NULL;
SELECT tagstore.add_tag('sizes', 'large');
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'oak');
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'elm');
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
EOF
) || ! out=$(as app_writer app_updated -f "$tmp/writer_taxonomy.sql" 2>&1); then
	why="app_writer writing"
elif [ "$(as app_reader app_updated -c "SELECT string_agg(external_id, ',' ORDER BY external_id) FROM tagstore.entities_with_all('{sizes.large}')")" != elm,oak ]; then
	why="app_reader searching"
elif [ "$(sqlstate app_reader app_updated "SELECT tagstore.add_tag_to('sizes.large', 'thing', 'oak2')")" != 42501 ]; then
	why="app_reader not refused"
elif ! out=$(as app_owner app_updated -c "SELECT problem FROM tagstore.verify()" 2>&1) || [ -n "$out" ]; then
	why="verify() as app_owner"
fi
if [ -z "$why" ]; then
	ok "1.0 created and updated by app_owner: the README's grants work, app_writer writes, app_reader reads, verify() as app_owner"
else
	failed "1.0 created and updated by app_owner: $why"; indent <<<"$out"
fi
if out=$(as app_owner app_updated -c "DROP EXTENSION tagstore" 2>&1); then
	ok "app_owner drops the extension"
else
	failed "DROP EXTENSION as app_owner:"; indent <<<"$out"
fi
