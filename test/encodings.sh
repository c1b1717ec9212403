#!/bin/bash
# tagstore in a database of each server encoding: UTF8, LATIN1, EUC_JP and
# SQL_ASCII (C locale, from template0), each with labels of its own
# characters: CREATE EXTENSION, a taxonomy and tags, tagging by a name in
# another case, searches with and without descendants, patterns with '@',
# label_casefold(), tree(), a GiST index scan against a sequential scan.  In
# SQL_ASCII, folding must read a label's bytes and nothing after them.  And a
# LATIN1 database updated from 1.0 gets its folded names recomputed and its
# GiST index rebuilt.
#
# Usage: encodings.sh PGBIN  (PGHOST, PGPORT, PGUSER of a superuser set;
# prints ok:/FAILED: lines).  This file is UTF-8; psql converts what it sends
# to each database's encoding, but for SQL_ASCII, which takes bytes as they
# come: its high bytes are written as E'\x..' escapes.
set -uo pipefail
PGBIN=$1
export PGCLIENTENCODING=UTF8

# q DB SQL: what SQL returns (or psql's error)
q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1; }

# check DB WHAT SQL: SQL's statements must run, the last one returning t
check() {
	local out
	out=$(q "$1" "$3")
	if [ "$(printf '%s\n' "$out" | tail -n 1)" == "t" ]; then
		echo "ok: $1: $2"
	else
		echo "FAILED: $1: $2"
		printf '%s\n' "$out" | head -n 8 | sed 's/^/    /'
	fi
}

# createdb DB ENCODING
make_db() {
	"$PGBIN/dropdb" --if-exists "$1" 2>/dev/null
	"$PGBIN/createdb" -T template0 -E "$2" --lc-collate=C --lc-ctype=C "$1" ||
		echo "FAILED: $1: createdb -E $2"
}

# run DB TAX A B B_OTHER PATTERN NOT_PATTERN B_FOLDED FOLD_CHECK TREE, each
# an SQL expression in DB's characters: the taxonomy, a tag value and a
# child's (with upper-case letters that fold), the child's value in another
# case, a pattern with '@' that must match the child and one that must not,
# the child's value folded, one more check of folding, and tree() as it
# must look.
run() {
	local db=$1 tax=$2 a=$3 b=$4 b_other=$5 pat=$6 nopat=$7 b_folded=$8 fold_check=$9 tree=${10}
	local parent="tagpath(ARRAY[$tax, $a])" child="tagpath(ARRAY[$tax, $a, $b])"

	check "$db" "CREATE EXTENSION tagstore" \
		"CREATE EXTENSION tagstore; SELECT extversion = '1.1' FROM pg_extension WHERE extname = 'tagstore'"
	check "$db" "a taxonomy and tags with non-ASCII labels" \
		"SELECT tagstore.create_taxonomy($tax) IS NOT NULL
		   AND tagstore.add_tag($tax, $a) = $parent
		   AND tagstore.add_tag($tax, $b, parent => $parent) = $child
		   AND tagstore.add_tag($tax, $b_other, parent => $parent) = $child;
		 SELECT count(*) = 2 FROM tagstore.tag"
	check "$db" "tagging by a name in another case" \
		"SELECT tagstore.add_tag_to(tagpath(ARRAY[$tax, $a, $b_other]), 'thing', 'e1') = 1
		   AND tagstore.add_tag_to($parent, 'thing', 'e2') = 1;
		 SELECT count(*) = 2 FROM tagstore.tagging"
	check "$db" "search with descendants, and without" \
		"SELECT (SELECT array_agg(external_id ORDER BY external_id) FROM tagstore.entities_with_all(ARRAY[$parent]))
				  = '{e1,e2}'
		   AND (SELECT array_agg(external_id) FROM tagstore.entities_with_all(ARRAY[$parent], include_descendants => false))
				  = '{e2}'
		   AND tagstore.count_entities_with_any(ARRAY[tagpath(ARRAY[$tax, $a, $b_other])]) = 1"
	check "$db" "pattern with @ (case-insensitive)" \
		"SELECT $child ~ ($pat)::tagquery AND NOT $child ~ ($nopat)::tagquery
		   AND (SELECT array_agg(external_id) FROM tagstore.entities_matching(($pat)::tagquery)) = '{e1}'"
	check "$db" "label_casefold" \
		"SELECT label_casefold($b) = $b_folded AND label_casefold($b_other) = $b_folded
		   AND label_casefold($child) = tagpath(ARRAY[label_casefold($tax), label_casefold($a), $b_folded])
		   AND ($fold_check)"
	check "$db" "labels round-trip through text" \
		"SELECT $child::text::tagpath = $child AND labels($child::text::tagpath) = ARRAY[$tax, $a, $b]"
	check "$db" "tree()" \
		"SELECT string_agg(t, E'\n') = $tree FROM tagstore.tree($tax) t"
	q "$db" "CREATE TABLE paths AS
		 SELECT tagpath(ARRAY[$tax, CASE WHEN i % 2 = 0 THEN $a ELSE 'x' || i END,
							  CASE WHEN i % 3 = 0 THEN $b WHEN i % 3 = 1 THEN $b_other ELSE 'y' END]) AS p
		 FROM generate_series(1, 3000) i;
		 CREATE INDEX paths_gist ON paths USING gist (p);
		 ANALYZE paths;
		 -- the answers to some questions, by a sequential scan or by the index
		 CREATE FUNCTION answers(by_index boolean) RETURNS text LANGUAGE plpgsql AS \$f\$
		 DECLARE
			 questions text[] := ARRAY[
				 format('p ~ %L', ($pat)::tagquery),
				 format('p ~ %L', ($nopat)::tagquery),
				 format('p ~ %L', ('*.' || tagpath2text(tagpath(ARRAY[$b_folded])) || '@')::tagquery),
				 format('p <@ %L', $parent),
				 format('p = %L', $child)];
			 question text;
			 line text;
			 n bigint;
			 indexed boolean;
			 result text := '';
		 BEGIN
			 PERFORM set_config('enable_seqscan', (NOT by_index)::text, true);
			 PERFORM set_config('enable_indexscan', by_index::text, true);
			 PERFORM set_config('enable_bitmapscan', by_index::text, true);
			 FOREACH question IN ARRAY questions LOOP
				 indexed := false;
				 FOR line IN EXECUTE 'EXPLAIN SELECT count(*) FROM paths WHERE ' || question LOOP
					 indexed := indexed OR line LIKE '%paths_gist%';
				 END LOOP;
				 IF indexed <> by_index THEN
					 RETURN format('the plan of %s does not read the index as asked', question);
				 END IF;
				 EXECUTE 'SELECT count(*) FROM paths WHERE ' || question INTO n;
				 result := result || n || ' ';
			 END LOOP;
			 RETURN result;
		 END \$f\$;" >/dev/null
	check "$db" "GiST index scan equals sequential scan" \
		"SELECT answers(true) = answers(false) AND answers(false) = '2000 0 2000 1500 500 '"
}

make_db enc_utf8 UTF8
run enc_utf8 "'Früchte'" "'Äpfel'" "'GRÜN'" "'grün'" "'*.gRüN@'" "'*.grun@'" "'grün'" \
	"label_casefold('STRASSE') = label_casefold('Straße') AND label_casefold('ＡＢＣ') = 'ａｂｃ'" \
	"E'Früchte (2)\n└── Äpfel (2, 1 direct)\n    └── GRÜN (1)'"

make_db enc_latin1 LATIN1
run enc_latin1 "'Früchte'" "'Äpfel'" "'GRÜN'" "'grün'" "'*.gRüN@'" "'*.grun@'" "'grün'" \
	"label_casefold('STRASSE') = label_casefold('Straße') AND label_casefold('ÀÉÎÕÜ') = 'àéîõü'
	 AND label_casefold('µ') = 'µ' AND octet_length(label_casefold('Ä')) = 1" \
	"E'Früchte (2)\n\`-- Äpfel (2, 1 direct)\n    \`-- GRÜN (1)'"

make_db enc_euc_jp EUC_JP
run enc_euc_jp "'果物'" "'りんご'" "'ＦＵＪＩ'" "'ｆｕｊｉ'" "'*.ｆＵｊｉ@'" "'*.ｆｕｊ@'" "'ｆｕｊｉ'" \
	"label_casefold('ΑΒΓ') = 'αβγ' AND label_casefold('АБВ') = 'абв' AND label_casefold('漢字') = '漢字'
	 AND tagpath(ARRAY['a', E'\u3000b'])::text = 'a.\"　b\"'" \
	"E'果物 (2)\n\`-- りんご (2, 1 direct)\n    \`-- ＦＵＪＩ (1)'"

# SQL_ASCII: E'\xc4' and E'\xdc' are LATIN1's 'Ä' and 'Ü', E'\xc3\x9c' is
# UTF-8's 'Ü': bytes, none of which folds; E'\x85' is no control either
make_db enc_sql_ascii SQL_ASCII
run enc_sql_ascii "E'Fr\\xfcchte'" "E'\\xc4pfel'" "E'GR\\xdcN\\x85'" "E'gr\\xdcn\\x85'" "E'*.gR\\xdcN\\x85@'" \
	"E'*.gr\\xfcn\\x85@'" "E'gr\\xdcn\\x85'" \
	"label_casefold(E'AB\\xc3\\x9c\\xdc') = E'ab\\xc3\\x9c\\xdc'
	 AND label_casefold(E'\\xc3\\x9c') <> label_casefold(E'\\xc3\\xbc')" \
	"E'Fr\\xfcchte (2)\n\`-- \\xc4pfel (2, 1 direct)\n    \`-- GR\\xdcN\\x85 (1)'"
# a label at the end of a path that is not at the end of its row: folding it
# must stop at its last byte, not run on into the next column
check enc_sql_ascii "folding reads nothing after a label" \
	"CREATE TABLE row_after (p tagpath, q text, r text);
	 INSERT INTO row_after SELECT tagpath(ARRAY['x', E'\\xc3\\xa9' || i]), 'ABC', repeat('D', i)
	 FROM generate_series(1, 50) i;
	 SELECT bool_and(label_casefold(p) = label_casefold(p::text::tagpath)
					 AND label_casefold(p) = tagpath(ARRAY['x', E'\\xc3\\xa9' || i]))
	 FROM row_after, generate_series(1, 50) i WHERE p = tagpath(ARRAY['x', E'\\xc3\\xa9' || i])"

# A LATIN1 database at 1.0, whose folded names 1.0 kept as UTF-8 bytes (made
# here from 1.1's, since the library is 1.1's), updated: the names are
# found again, the keys recomputed, the GiST index rebuilt (a new file).
db=enc_latin1_update
make_db $db LATIN1
check $db "1.0 with the names 1.0 folded" \
	"CREATE EXTENSION tagstore VERSION '1.0';
	 SELECT tagstore.create_taxonomy('Früchte') IS NOT NULL;
	 SELECT tagstore.add_tag('Früchte.Äpfel.GRÜN') IS NOT NULL;
	 SELECT tagstore.add_tag_to('Früchte.Äpfel.GRÜN', 'thing', 'e1');
	 UPDATE tagstore.taxonomy SET name_key = convert_from(convert_to(name_key, 'UTF8'), 'LATIN1');
	 UPDATE tagstore.tag SET key = tagpath(ARRAY(SELECT convert_from(convert_to(l, 'UTF8'), 'LATIN1')
												FROM unnest(labels(key)) l));
	 CREATE TABLE paths AS SELECT path AS p FROM tagstore.tag;
	 CREATE INDEX paths_gist ON paths USING gist (p);
	 SELECT count(*) = 0 FROM tagstore.entities_with_all('{Früchte.Äpfel}')"
q $db "SELECT pg_relation_filenode('paths_gist')" >/tmp/tagstore-encodings-node.$$
check $db "ALTER EXTENSION tagstore UPDATE" \
	"ALTER EXTENSION tagstore UPDATE; SELECT extversion = '1.1' FROM pg_extension WHERE extname = 'tagstore'"
check $db "names found after the update" \
	"SELECT (SELECT array_agg(external_id) FROM tagstore.entities_with_all('{früchte.äpfel}')) = '{e1}'
	   AND tagstore.tag_id('FRÜCHTE.äpfel.grün') IS NOT NULL
	   AND (SELECT bool_and(key = label_casefold(path)) FROM tagstore.tag)
	   AND (SELECT bool_and(name_key = label_casefold(name)) FROM tagstore.taxonomy)"
check $db "GiST index rebuilt by the update" \
	"SELECT pg_relation_filenode('paths_gist') <> $(cat /tmp/tagstore-encodings-node.$$)
	   AND (SELECT count(*) FROM paths WHERE p ~ '*.grün@') = 1"
rm -f /tmp/tagstore-encodings-node.$$

for db in enc_utf8 enc_latin1 enc_euc_jp enc_sql_ascii enc_latin1_update; do
	"$PGBIN/dropdb" "$db" 2>/dev/null
done
