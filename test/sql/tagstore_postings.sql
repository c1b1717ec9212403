-- Closure postings: with every tagged subtree posted, searches must still
-- equal the recursive-CTE reference (the fixture's ref_search()) while
-- postings are fresh, while tagging changes are pending, while moves and
-- deletions leave them stale, and after refreshing.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA postings;
SET search_path = postings, public;

-- the random forests of the fixture, reshaped and with entity rows stored
-- out of id order, as tagstore_differential leaves them
SELECT * FROM make_forest();
SELECT reshape_forest();
UPDATE tagstore.entity SET external_id = external_id WHERE id % 4 = 0;
VACUUM ANALYZE tagstore.entity;

-- check_postings(): each posted tag's search (which reads its posting) against the
-- reference walk; returns how many were checked and how many differ
CREATE FUNCTION check_postings(OUT checked int, OUT fresh int, OUT mismatches int)
LANGUAGE plpgsql AS $$
DECLARE
	t record;
	got bigint;
	want bigint;
BEGIN
	checked := 0; fresh := 0; mismatches := 0;
	FOR t IN SELECT g.id, g.path, p.stale FROM tagstore.posted_tag p
			 JOIN tagstore.tag g ON g.id = p.tag_id ORDER BY g.key LOOP
		got := tagstore.count_entities_with_all(ARRAY[t.path]);
		want := cardinality(ref_search(ARRAY[t.id], true, true, NULL, NULL, NULL));
		checked := checked + 1;
		fresh := fresh + (NOT t.stale)::int;
		IF got <> want THEN
			mismatches := mismatches + 1;
			RAISE NOTICE 'posting of % (stale: %): % entities, want %', t.path, t.stale, got, want;
		END IF;
	END LOOP;
END $$;

-- random taggings and untaggings through the API, leaving changes pending
CREATE FUNCTION churn(n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t tagstore.tag;
	e text;
BEGIN
	FOR i IN 1 .. n LOOP
		t := random_tag();
		e := 'e' || (1 + floor(random() * 650)::int);
		IF random() < 0.6 THEN
			PERFORM tagstore.add_tag_to(t.path, 'item', e);
		ELSE
			PERFORM tagstore.remove_tag_from(t.path, e.entity_type, e.external_id)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = t.id LIMIT 1;
		END IF;
	END LOOP;
END $$;

-- n random moves through the API, each tag under one of the first spread
-- tags of its taxonomy that are not in its subtree
CREATE FUNCTION move_random(n int, spread int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t tagstore.tag;
	p tagstore.tag;
BEGIN
	FOR i IN 1 .. n LOOP
		t := random_tag();
		SELECT * INTO p FROM forest() f WHERE f.taxonomy_id = t.taxonomy_id AND NOT f.key <@ t.key
		ORDER BY f.key OFFSET floor(random() * spread) LIMIT 1;
		PERFORM tagstore.move_tag(t.path, p.path);
	END LOOP;
END $$;

-- post every subtree that carries a tagging
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS refreshed;
SELECT count(*) > 20 AS many_posted, bool_and(NOT stale) AS all_fresh,
       (SELECT count(*) FROM tagstore.posting_change) AS pending
FROM tagstore.posted_tag;
SELECT checked > 100 AS many_checked, fresh = checked AS all_fresh, mismatches FROM check_postings();
SELECT setseed(0.21);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(200);

-- searches really read the postings: emptying one changes the answer
BEGIN;
CREATE TEMP TABLE biggest AS
	SELECT g.path, p.entities FROM tagstore.posted_tag p JOIN tagstore.tag g ON g.id = p.tag_id
	ORDER BY p.entities DESC, g.key LIMIT 1;
UPDATE tagstore.posting SET members = '' WHERE tag_id = (SELECT tagstore.tag_id(path) FROM biggest);
SELECT tagstore.count_entities_with_all(ARRAY[path]) AS after_emptying, entities > 0 AS had_some
FROM biggest;
-- a chunk as a bitmap (every id 8k: 8,192 of them) and, four chunks on, a
-- list of three: counted chunk by chunk
UPDATE tagstore.posting SET members = decode(repeat('01', 8192), 'hex')
WHERE tag_id = (SELECT tagstore.tag_id(path) FROM biggest);
INSERT INTO tagstore.posting
SELECT tagstore.tag_id(path), max(p.chunk) + 5, '\x010002000300' FROM biggest, tagstore.posting p
WHERE p.tag_id = tagstore.tag_id(path) GROUP BY 1;
SELECT tagstore.count_entities_with_all(ARRAY[path]) AS bitmap_and_list FROM biggest;
-- and a damaged one is an error, not a wrong answer
UPDATE tagstore.posting SET members = '\x010203' WHERE tag_id = (SELECT tagstore.tag_id(path) FROM biggest);
SELECT tagstore.count_entities_with_all(ARRAY[path]) FROM biggest;
ROLLBACK;

-- pending changes: readers correct postings by the taggings themselves
SELECT setseed(0.22);
SELECT churn(150);
SELECT pending_changes > 0 AS changes_pending, stale_tags, posted_tags > 20 AS many_posted,
       posting_bytes > 0 AS stored
FROM tagstore.posting_status;
SELECT checked > 100 AS many_checked, fresh = checked AS all_fresh, mismatches FROM check_postings();
SELECT cases, mismatches FROM compare(200);

-- folding them in
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT count(*) AS pending FROM tagstore.posting_change;
SELECT checked > 100 AS many_checked, fresh = checked AS all_fresh, mismatches FROM check_postings();

-- an entity that loses one of two taggings under a posted tag stays under
-- it, by the other, and a newly tagged one joins it; with a few changes, a
-- large subtree finds the changes under it by their tags' keys, and one of
-- fewer tags than the changes' by its tag ids (fillers: changes of as many
-- other tags)
CREATE TEMP TABLE twice AS
WITH posted AS (
	SELECT g.id, g.path, g.key, (SELECT count(*) FROM tagstore.tag d WHERE d.key <@ g.key) AS tags
	FROM tagstore.posted_tag p JOIN tagstore.tag g ON g.id = p.tag_id
	WHERE EXISTS (SELECT FROM tagstore.tag c WHERE c.parent_id = g.id)),
ends AS (
	(SELECT 'small' AS size, * FROM posted ORDER BY tags, key LIMIT 1)
	UNION ALL
	(SELECT 'large', * FROM posted ORDER BY tags DESC, key LIMIT 1))
SELECT size, path AS parent, 'twice ' || size AS entity, tags,
	   (SELECT c.path FROM tagstore.tag c WHERE c.parent_id = e.id ORDER BY c.key LIMIT 1) AS child
FROM ends e;
SELECT size, tags > 1 AS has_children, child IS NOT NULL AS child FROM twice ORDER BY size;
SELECT count(tagstore.add_tag_to(t, 'item', entity)) AS tagged FROM twice, LATERAL (VALUES (parent), (child)) v(t);
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT tagstore.remove_tag_from(child, 'item', entity) FROM twice ORDER BY size;
SELECT count(tagstore.add_tag_to(child, 'item', 'newly ' || size)) AS newly FROM twice;
SELECT count(tagstore.add_tag_to(f.path, 'item', 'filler')) > 0 AS fillers
FROM (SELECT path FROM tagstore.tag f WHERE NOT EXISTS (SELECT FROM twice w WHERE f.key <@ label_casefold(w.parent))
	  ORDER BY key LIMIT (SELECT tags FROM twice WHERE size = 'small')) f;
SELECT (SELECT count(DISTINCT tag_id) FROM tagstore.posting_change) BETWEEN
	   (SELECT tags FROM twice WHERE size = 'small') AND (SELECT tags - 1 FROM twice WHERE size = 'large')
	   AS change_tags_between_the_subtrees;
SELECT size, entity IN (SELECT external_id FROM tagstore.entities_with_all(ARRAY[parent])) AS still_under,
	   entity IN (SELECT external_id FROM tagstore.entities_with_all(ARRAY[child])) AS under_child,
	   'newly ' || size IN (SELECT external_id FROM tagstore.entities_with_all(ARRAY[parent])) AS newly_under
FROM twice ORDER BY size;
SELECT checked > 100 AS many_checked, fresh = checked AS all_fresh, mismatches FROM check_postings();
SELECT tagstore.refresh_postings() > 0 AS folded;

-- moves and removals make the ancestors' postings stale; readers skip them
SELECT setseed(0.23);
SELECT move_random(15, 50);
SELECT count(tagstore.remove_tag((random_tag()).path, cascade => true)) AS removed FROM generate_series(1, 4);
SELECT churn(100);
SELECT checked > 100 AS many_checked, fresh < checked AS some_stale, mismatches FROM check_postings();
SELECT cases, mismatches FROM compare(200);

-- a refresh rebuilds the stale ones and folds in the rest
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT count(*) AS pending FROM tagstore.posting_change;
SELECT checked > 100 AS many_checked, fresh = checked AS all_fresh, mismatches FROM check_postings();
SELECT cases, mismatches FROM compare(200);

-- deleting entities cascades to their taggings, which the postings learn of
DELETE FROM tagstore.entity WHERE id IN (SELECT id FROM tagstore.entity ORDER BY id LIMIT 40);
SELECT checked > 100 AS many_checked, mismatches FROM check_postings();
SELECT cases, mismatches FROM compare(100);

-- a tagging moved to another tag or entity by a plain UPDATE
UPDATE tagstore.tagging SET tag_id = (SELECT id FROM forest() ORDER BY key LIMIT 1)
WHERE (tag_id, entity_id) IN (SELECT x.tag_id, x.entity_id FROM tagstore.tagging x
							  WHERE x.tag_id <> (SELECT id FROM forest() ORDER BY key LIMIT 1)
							  ORDER BY x.entity_id DESC LIMIT 5)
  AND NOT EXISTS (SELECT FROM tagstore.tagging y WHERE y.entity_id = tagging.entity_id
				  AND y.tag_id = (SELECT id FROM forest() ORDER BY key LIMIT 1));
SELECT checked > 100 AS many_checked, mismatches FROM check_postings();

-- TRUNCATE bypasses row triggers: every posting goes stale, none is read
BEGIN;
TRUNCATE tagstore.tagging CASCADE;
SELECT bool_and(stale) AS all_stale FROM tagstore.posted_tag;
SELECT count(*) AS found FROM tagstore.posted_tag p JOIN tagstore.tag g ON g.id = p.tag_id
WHERE tagstore.count_entities_with_all(ARRAY[g.path]) > 0;
ROLLBACK;

-- a rebuild with a higher bar posts fewer tags, still exactly
SELECT tagstore.refresh_postings(true, 25) > 0 AS folded;
SELECT checked > 0 AS some, checked < (SELECT count(*) FROM forest()) AS fewer, mismatches
FROM check_postings();
SELECT cases, mismatches FROM compare(100);

-- Every refresh chooses the posted tags (posting_choice.c): a tag is
-- posted when its subtree costs the threshold to read, and keeps its
-- posting while it costs half of it; the threshold given last is kept.  A
-- subtree's cost is its taggings plus 16 for every run of consecutive tag
-- ids in it (a range of the tagging index each).  choice() compares the
-- posted tags with that cost, counted by a walk of parent ids.
CREATE FUNCTION choice(OUT min_taggings int, OUT missing bigint, OUT kept_too_small bigint,
					   OUT kept_by_half bigint, OUT posted bigint)
LANGUAGE sql AS $$
	WITH RECURSIVE under(top, id) AS (
		SELECT id, id FROM tagstore.tag
		UNION ALL
		SELECT u.top, c.id FROM under u JOIN tagstore.tag c ON c.parent_id = u.id),
	sums AS (
		SELECT u.top AS id, sum(coalesce(g.n, 0)) AS n, count(*) FILTER (WHERE v.id IS NULL) AS runs
		FROM under u
		LEFT JOIN under v ON v.top = u.top AND v.id = u.id - 1
		LEFT JOIN (SELECT tag_id, count(*) AS n FROM tagstore.tagging GROUP BY tag_id) g ON g.tag_id = u.id
		GROUP BY u.top),
	costs AS (SELECT id, CASE WHEN n > 0 THEN n + 16 * runs ELSE 0 END AS cost FROM sums)
	SELECT s.min_taggings,
		   count(*) FILTER (WHERE t.cost >= s.min_taggings AND p.tag_id IS NULL),
		   count(*) FILTER (WHERE t.cost * 2 < s.min_taggings AND p.tag_id IS NOT NULL),
		   count(*) FILTER (WHERE t.cost < s.min_taggings AND p.tag_id IS NOT NULL),
		   count(p.tag_id)
	FROM costs t LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id, tagstore.posting_status s
	GROUP BY s.min_taggings
$$;
SELECT min_taggings, missing, kept_too_small, kept_by_half, posted > 0 AS some_posted FROM choice();

-- a leaf that grows past the threshold is posted by an ordinary refresh
CREATE TEMP TABLE grown AS
	SELECT f.id, f.path FROM forest() f
	WHERE NOT EXISTS (SELECT FROM tagstore.posted_tag p WHERE p.tag_id = f.id)
	  AND NOT EXISTS (SELECT FROM tagstore.tag c WHERE c.parent_id = f.id)
	  AND NOT EXISTS (SELECT FROM tagstore.tagging g WHERE g.tag_id = f.id)
	ORDER BY f.key LIMIT 1;
SELECT count(*) AS tagged FROM grown g,
	LATERAL tagstore.add_tag_to_many(g.path, 'item', ARRAY(SELECT 'grow' || i FROM generate_series(1, 30) i)) r;
SELECT tagstore.refresh_postings() AS folded;
SELECT p.stale, p.entities FROM grown g JOIN tagstore.posted_tag p ON p.tag_id = g.id;
SELECT min_taggings, missing, kept_too_small FROM choice();
SELECT checked > 0 AS some, fresh = checked AS all_fresh, mismatches FROM check_postings();

-- and loses it once it shrinks under half of it
SELECT count(*) AS untagged FROM grown g,
	LATERAL tagstore.remove_tag_from_many(g.path, 'item', ARRAY(SELECT 'grow' || i FROM generate_series(1, 30) i)) r;
SELECT tagstore.refresh_postings() AS folded;
SELECT count(*) AS grown_posted FROM grown g JOIN tagstore.posted_tag p ON p.tag_id = g.id;
SELECT min_taggings, missing, kept_too_small FROM choice();

-- moves gather and split subtrees: the next refresh chooses by the tree as it is
CREATE TEMP TABLE posted_before_moves AS SELECT tag_id FROM tagstore.posted_tag;
SELECT setseed(0.31);
SELECT move_random(30, 40);
SELECT churn(100);
SELECT stale_tags > 0 AS moves_made_stale FROM tagstore.posting_status;
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT c.min_taggings, c.missing, c.kept_too_small, s.stale_tags
FROM choice() c, tagstore.posting_status s;
SELECT count(*) FILTER (WHERE b.tag_id IS NULL) > 0 AS newly_posted,
	   count(*) FILTER (WHERE p.tag_id IS NULL) > 0 AS no_longer_posted
FROM tagstore.posted_tag p FULL JOIN posted_before_moves b ON b.tag_id = p.tag_id;
SELECT checked > 0 AS some, fresh = checked AS all_fresh, mismatches FROM check_postings();
SELECT cases, mismatches FROM compare(100);

-- a threshold given to an ordinary refresh is kept; posted tags under it
-- keep their postings down to half of it
SELECT tagstore.refresh_postings(min_taggings => 40) AS folded;
SELECT min_taggings, missing, kept_too_small, kept_by_half > 0 AS some_kept_by_half FROM choice();
SELECT checked > 0 AS some, fresh = checked AS all_fresh, mismatches FROM check_postings();

-- the counts are checked by verify(); emptied, the next refresh counts every
-- tag again; a TRUNCATE of tagging empties them
SELECT count(*) AS verify_findings FROM tagstore.verify();
DELETE FROM tagstore.tagging_count;
SELECT tagstore.refresh_postings() AS folded;
SELECT count(*) > 100 AS counted_again FROM tagstore.tagging_count;
SELECT count(*) AS verify_findings FROM tagstore.verify();
SELECT min_taggings, missing, kept_too_small FROM choice();
BEGIN;
TRUNCATE tagstore.tagging;
SELECT count(*) AS counts_after_truncate FROM tagstore.tagging_count;
ROLLBACK;
-- a rebuild takes the default of the threshold kept as well
SELECT tagstore.refresh_postings(rebuild => true) AS folded;
SELECT min_taggings, missing, kept_too_small, kept_by_half FROM choice();

-- bad arguments; counts check theirs in C too (count_entities_with_*)
SELECT errcheck($$SELECT tagstore.count_entities_with_all('{}')$$);
SELECT errcheck($$SELECT tagstore.count_entities_with_all(NULL)$$);
SELECT errcheck($$SELECT tagstore.count_entities_with_any(ARRAY['Alpha', NULL]::tagpath[])$$);
SELECT errcheck($$SELECT tagstore.count_entities_with_all('{{Alpha}}')$$);
SELECT errcheck($$SELECT tagstore.count_entities_with_all('{Alpha}', include_descendants => NULL)$$);
SELECT tagstore.refresh_postings(NULL);
SELECT tagstore.refresh_postings(false, 0);
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT tagstore.refresh_postings();
ROLLBACK;

-- chunks over 2 kB go to TOAST uncompressed (reading them is then a copy,
-- not a pglz decompression): a dense chunk of 3,000 ids, as a list, 6 kB
SELECT attstorage FROM pg_attribute
WHERE attrelid = 'tagstore.posting'::regclass AND attname = 'members';
BEGIN;
INSERT INTO tagstore.posted_tag (tag_id) SELECT id FROM tagstore.tag ORDER BY id LIMIT 1 ON CONFLICT DO NOTHING;
INSERT INTO tagstore.posting
SELECT tag_id, 999, decode(repeat('0102', 3000), 'hex') FROM tagstore.posted_tag ORDER BY tag_id LIMIT 1;
SELECT octet_length(members), pg_column_compression(members) FROM tagstore.posting WHERE chunk = 999;
ROLLBACK;
