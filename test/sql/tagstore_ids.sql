-- Every bigint is a valid entity id: searches over ids at both ends of
-- bigint, around zero and scattered over the whole range, in dense runs
-- (postings stored as bitmap chunks) and alone (list chunks), compared with
-- the recursive-CTE reference with no postings, fresh postings, changes
-- pending, after a refresh and after the forest is reshaped.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql

-- The crashes this suite was written for (each: the right answer, and the
-- server still up).  Three entities at the ends and the middle of bigint:
SELECT tagstore.create_taxonomy('t') IS NOT NULL AS created;
SELECT tagstore.add_tag('t', 'x');
INSERT INTO tagstore.entity (id, entity_type, external_id)
VALUES (-9223372036854775808, 'e', 'min'), (0, 'e', 'zero'), (9223372036854775807, 'e', 'max');
SELECT count(tagstore.add_tag_to('t.x', 'e', external_id)) FROM tagstore.entity;
SELECT * FROM tagstore.entities_with_all('{t.x}');
SELECT * FROM tagstore.entities_with_any('{t.x}', 'e', 'm');
SELECT tagstore.add_tag_to('t.x', 'e', 'max', '{"end": "top"}');
SELECT * FROM tagstore.entities_with_tag_data('t.x', '{"end": "top"}');
-- posted: the chunks are the first, the middle and the last one
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT chunk, members FROM tagstore.posting ORDER BY chunk;
SELECT tagstore.count_entities_with_all('{t.x}'), tagstore.count_entities_with_any('{t.x}', 'e', 'm');
SELECT * FROM tagstore.entities_with_any('{t.x}');
-- the next id after the sequence's last but one, posted, then refreshed
SELECT setval('tagstore.entity_id_seq', 9223372036854775805) > 0 AS set;
SELECT tagstore.add_tag_to('t.x', 'e', 'next');
SELECT id FROM tagstore.entity WHERE external_id = 'next';
SELECT tagstore.count_entities_with_all('{t.x}') AS pending_counted;
SELECT tagstore.refresh_postings() AS folded;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) AS rebuilt;
SELECT tagstore.count_entities_with_all('{t.x}') AS counted;
-- a posted tag of 40 taggings, then the largest id tagged with it: pending, then folded in
SELECT setval('tagstore.entity_id_seq', 100) > 0 AS set;
SELECT tagstore.add_tag('t', 'y');
SELECT count(tagstore.add_tag_to('t.y', 'e', 'n' || g)) FROM generate_series(1, 40) g;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) IS NOT NULL AS posted;
SELECT tagstore.add_tag_to('t.y', 'e', 'max');
SELECT tagstore.add_tag_to('t.y', 'e', 'min');
SELECT tagstore.count_entities_with_all('{t.y}') AS pending_counted,
	   (SELECT count(*) FROM tagstore.entities_with_all('{t.y}')) AS pending_listed;
SELECT tagstore.refresh_postings() AS folded;
SELECT tagstore.count_entities_with_all('{t.y}') AS counted;
SELECT external_id FROM tagstore.entities_with_all('{t.y}') ORDER BY 1 LIMIT 3;
-- a stored chunk number no id has is a damaged posting, not a crash
BEGIN;
UPDATE tagstore.posting SET chunk = 140737488355328
WHERE chunk = 140737488355327 AND tag_id = tagstore.tag_id('t.y');
SELECT errcheck($$SELECT tagstore.count_entities_with_all('{t.y}')$$);
ROLLBACK;
SELECT 1 AS still_up;

-- The forests of the fixture (from a fresh tagstore), over ids drawn from the whole range: the
-- forest's 600 entities, a third at the bottom of bigint (a dense run), a
-- third at the top, a third scattered; 2,000 more the same way, and the
-- ids next to every chunk and sign boundary.
\i :abs_srcdir/sql/fixtures/common.psql
SELECT setseed(0.31);
CREATE TABLE drawn (n int, id bigint);
INSERT INTO drawn
SELECT n, CASE
	WHEN n % 3 = 0 THEN -9223372036854775808 + n
	WHEN n % 3 = 1 THEN 9223372036854775807 - n
	ELSE (floor((random() - 0.5) * 18446744073709551615::numeric))::bigint
	END
FROM generate_series(1, 2600) n;
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT DISTINCT ON (id) id, CASE WHEN n % 3 = 0 THEN 'doc' ELSE 'item' END, 'e' || n FROM drawn WHERE n <= 600
ON CONFLICT DO NOTHING;
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT DISTINCT ON (id) id, 'item', 'x' || n FROM drawn WHERE n > 600
ON CONFLICT DO NOTHING;
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT b, 'item', 'edge' || b FROM unnest(ARRAY[-9223372036854775808, 9223372036854775807,
	-1, 1, 65535, 65536, -65536, -65537,
	9223372036854775806, -9223372036854775807, 4294967296, -4294967297]::bigint[]) b
ON CONFLICT DO NOTHING;
SELECT count(*) AS entities, min(id) = -9223372036854775808 AS has_min,
	   max(id) = 9223372036854775807 AS has_max FROM tagstore.entity;
SELECT tags, taggings FROM make_forest();
-- the others, on random tags of the forest, through the bulk form
SELECT setseed(0.32);
CREATE TABLE extra AS
SELECT external_id, (random_tag()).path FROM tagstore.entity
WHERE external_id LIKE 'x%' OR external_id LIKE 'edge%' ORDER BY external_id;
SELECT count(*) AS more_taggings
FROM (SELECT path, array_agg(external_id ORDER BY external_id) AS ids FROM extra GROUP BY path) g,
	 LATERAL tagstore.add_tag_to_many(g.path, 'item', g.ids) r
WHERE r.status = 'tagged';
-- a dense block in the last chunk of bigint, on one tag: its posting's
-- chunk there is a bitmap
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT 9223372036854775807 - 10000 - g, 'doc', 'dense' || g FROM generate_series(1, 4200) g;
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT (SELECT id FROM forest() WHERE tagstore.nlevel(path) = 2 ORDER BY key OFFSET 3 LIMIT 1), id, 'test'
FROM tagstore.entity WHERE external_id LIKE 'dense%';
SELECT setseed(0.41);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(150);

-- fresh postings, some of them bitmap chunks at both ends
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 20) IS NOT NULL AS posted;
SELECT count(*) > 10 AS many_posted FROM tagstore.posted_tag;
SELECT count(*) FILTER (WHERE length(members) = 8192) > 0 AS bitmap_chunks,
	   count(*) FILTER (WHERE chunk = -140737488355328) > 0 AS bottom_chunk,
	   count(*) FILTER (WHERE chunk = 140737488355327) > 0 AS top_chunk
FROM tagstore.posting;
SELECT setseed(0.41);
SELECT cases, mismatches FROM compare(150);

-- changes pending: taggings and untaggings of extreme and scattered ids
SELECT setseed(0.33);
SELECT count(*) AS changed FROM (
	SELECT CASE WHEN x.path IS NOT NULL
		THEN tagstore.remove_tag_from(x.path, e.entity_type, e.external_id)
		ELSE tagstore.add_tag_to((random_tag()).path, e.entity_type, e.external_id) END
	FROM (SELECT * FROM tagstore.entity ORDER BY id LIMIT 40) e
	LEFT JOIN LATERAL (SELECT g.path FROM tagstore.tagging t JOIN tagstore.tag g ON g.id = t.tag_id
					   WHERE t.entity_id = e.id ORDER BY g.key LIMIT 1) x ON true
	UNION ALL
	SELECT tagstore.add_tag_to((random_tag()).path, e.entity_type, e.external_id)
	FROM (SELECT * FROM tagstore.entity ORDER BY id DESC LIMIT 40) e) s;
SELECT count(*) > 0 AS pending FROM tagstore.posting_change;
SELECT setseed(0.42);
SELECT cases, mismatches FROM compare(150);

-- folded in
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT setseed(0.42);
SELECT cases, mismatches FROM compare(150);

-- reshaped: moved tags make postings stale, then a refresh rebuilds them
SELECT reshape_forest();
SELECT setseed(0.43);
SELECT cases, mismatches FROM compare(150);
SELECT tagstore.refresh_postings() IS NOT NULL AS refreshed;
SELECT setseed(0.43);
SELECT cases, mismatches FROM compare(150);

-- every entity of the forests found, in id order, by listing and counting
SELECT count(*) AS listed, bool_and(ok) AS in_id_order FROM (
	SELECT e.id >= lag(e.id) OVER (ORDER BY ord) IS NOT FALSE AS ok
	FROM tagstore.entities_with_any(ARRAY(SELECT path FROM forest() WHERE tagstore.nlevel(path) = 2))
		 WITH ORDINALITY a(entity_type, external_id, ord)
	JOIN tagstore.entity e USING (entity_type, external_id)) s;
SELECT tagstore.count_entities_with_any(ARRAY(SELECT path FROM forest() WHERE tagstore.nlevel(path) = 2))
	= (SELECT count(DISTINCT entity_id) FROM tagstore.tagging t JOIN forest() f ON f.id = t.tag_id) AS counted_all;
DROP TABLE drawn, extra;
