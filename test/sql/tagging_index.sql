-- The leaf-page cursor over tagging_pkey (src/tagging_index.c) under the
-- searches: taggings over many leaf pages, reads that step right, checks
-- that seek inside a copied page or descend again, versions of one key in
-- posting lists, dead and killed items, pages VACUUM deleted, heap pages
-- with and without the all-visible bit.  Every search is compared with the
-- taggings as a sequential scan reads them.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA ti;
SET search_path = ti, public;
CREATE EXTENSION pageinspect;

-- a small tree over 12,000 entities: big (every one), big.child (every
-- tenth), mid (every seventh), run (the last 40), sparse (every 500th),
-- none, and big.late (every thirteenth), made last: big's subtree is two
-- runs of tag ids, with the others' taggings between them
SELECT tagstore.create_taxonomy('Pages') IS NOT NULL AS created;
SELECT count(tagstore.add_tag('Pages', v, p::tagpath)) AS tags
FROM (VALUES ('big', NULL), ('child', 'Pages.big'), ('mid', NULL), ('run', NULL),
			 ('sparse', NULL), ('none', NULL), ('late', 'Pages.big')) t(v, p);
CREATE TABLE wanted (path tagpath, member int);
INSERT INTO wanted
SELECT p, g FROM generate_series(1, 12000) g,
	LATERAL (VALUES ('Pages.big'::tagpath, true), ('Pages.big.child', g % 10 = 0),
					('Pages.mid', g % 7 = 0), ('Pages.run', g > 11960),
					('Pages.sparse', g % 500 = 3), ('Pages.big.late', g % 13 = 5)) v(p, yes)
WHERE yes;
SELECT count(*) AS taggings FROM wanted w,
	LATERAL tagstore.add_tag_to(w.path, 'page', 'p' || w.member);

-- the reference: each tag's entities from the taggings as a sequential scan
-- reads them, its subtree by walking parent_id (the fixture's
-- ref_subtree()); then plain set algebra
CREATE TABLE ref_sets (path tagpath, descendants boolean, ids bigint[]);
CREATE FUNCTION ref_fill() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	SET LOCAL enable_indexscan = off;
	SET LOCAL enable_indexonlyscan = off;
	SET LOCAL enable_bitmapscan = off;
	TRUNCATE ref_sets;
	INSERT INTO ref_sets
	SELECT t.path, d, (SELECT coalesce(array_agg(DISTINCT x.entity_id), '{}') FROM tagstore.tagging x
					   WHERE x.tag_id IN (SELECT ref_subtree(t.id, d)))
	FROM tagstore.tag t, (VALUES (true), (false)) v(d)
	WHERE t.taxonomy_id = (SELECT id FROM tagstore.taxonomy WHERE name = 'Pages');
END $$;
CREATE FUNCTION ref_search(paths tagpath[], match_all boolean, descendants boolean,
	exclude tagpath[]) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
	p tagpath;
	under bigint[];
	result bigint[];
BEGIN
	FOREACH p IN ARRAY paths LOOP
		under := (SELECT ids FROM ref_sets r WHERE r.path = p AND r.descendants = ref_search.descendants);
		IF result IS NULL THEN
			result := under;
		ELSIF match_all THEN
			result := ARRAY(SELECT unnest(result) INTERSECT SELECT unnest(under));
		ELSE
			result := ARRAY(SELECT unnest(result) UNION SELECT unnest(under));
		END IF;
	END LOOP;
	FOREACH p IN ARRAY coalesce(exclude, '{}') LOOP
		result := ARRAY(SELECT unnest(result) EXCEPT
						SELECT unnest(ids) FROM ref_sets r WHERE r.path = p AND r.descendants);
	END LOOP;
	RETURN ARRAY(SELECT unnest(result) ORDER BY 1);
END $$;

-- compare(): every ordered pair of the tags, and triples led by the big
-- one (read in turns with the others, it is put off, and then checked
-- against the answer from the others by a leapfrog that starts where its
-- reading stopped), all and any, with and without descendants, with and
-- without excluding a tag; returns the cases, the mismatches and the cases
-- with a non-empty answer
CREATE FUNCTION compare(OUT cases int, OUT mismatches int, OUT nonempty int)
LANGUAGE plpgsql AS $$
DECLARE
	tags tagpath[] := ARRAY['Pages.big', 'Pages.big.child', 'Pages.mid', 'Pages.run',
							'Pages.sparse', 'Pages.none'];
	q tagpath[];
	x tagpath[];
	got bigint[];
	cnt bigint;
	want bigint[];
BEGIN
	cases := 0; mismatches := 0; nonempty := 0;
	PERFORM ref_fill();
	FOR i IN 1 .. 6 LOOP
		FOR j IN 1 .. 6 LOOP
			FOR k IN 0 .. 6 LOOP
				CONTINUE WHEN i = j OR (k > 0 AND (i > 1 OR k <= j OR k = i));
				q := ARRAY[tags[i], tags[j]] || CASE WHEN k > 0 THEN ARRAY[tags[k]] END;
				FOR m IN 0 .. 7 LOOP
					x := CASE WHEN m / 4 = 1 THEN ARRAY[tags[1 + (i + j + k) % 6]] END;
					SELECT coalesce(array_agg(e.id ORDER BY e.id), '{}') INTO got
					FROM (SELECT * FROM tagstore.entities_with_all(q, NULL, NULL, m % 2 = 0, x)
						  WHERE m % 4 < 2
						  UNION ALL
						  SELECT * FROM tagstore.entities_with_any(q, NULL, NULL, m % 2 = 0, x)
						  WHERE m % 4 >= 2) r
					JOIN tagstore.entity e ON e.entity_type = r.entity_type AND e.external_id = r.external_id;
					cnt := CASE WHEN m % 4 < 2 THEN tagstore.count_entities_with_all(q, NULL, NULL, m % 2 = 0, x)
						   ELSE tagstore.count_entities_with_any(q, NULL, NULL, m % 2 = 0, x) END;
					want := ref_search(q, m % 4 < 2, m % 2 = 0, x);
					cases := cases + 1;
					nonempty := nonempty + (cardinality(want) > 0)::int;
					IF got IS DISTINCT FROM want OR cnt <> cardinality(want) THEN
						mismatches := mismatches + 1;
						IF mismatches <= 5 THEN
							RAISE NOTICE 'mismatch: % all=% desc=% exclude=%: got % (count %), want %',
								q, m % 4 < 2, m % 2 = 0, x, cardinality(got), cnt, cardinality(want);
						END IF;
					END IF;
				END LOOP;
			END LOOP;
		END LOOP;
	END LOOP;
END $$;

-- what the index holds: leaf pages, posting list tuples (versions of one
-- key), killed items, deleted pages
CREATE FUNCTION shape(OUT leaf_pages int, OUT posting_tuples int, OUT dead_items int,
	OUT deleted_pages int) LANGUAGE sql AS $$
	SELECT count(*) FILTER (WHERE s.type = 'l')::int,
		   coalesce(sum((SELECT count(*) FROM bt_page_items('tagstore.tagging_pkey', s.blkno) i
						 WHERE i.tids IS NOT NULL)) FILTER (WHERE s.type = 'l'), 0)::int,
		   coalesce(sum(s.dead_items) FILTER (WHERE s.type = 'l'), 0)::int,
		   count(*) FILTER (WHERE s.type IN ('d', 'D'))::int
	FROM generate_series(1, pg_relation_size('tagstore.tagging_pkey') / 8192 - 1) b,
		 LATERAL bt_page_stats('tagstore.tagging_pkey', b::int) s
$$;

-- fresh: heap pages not yet all-visible, so visibility is read from the heap
SELECT leaf_pages > 30 AS many_pages FROM shape();
SELECT * FROM compare();

-- mid checked against run's 40 (the last entities): the copy of the leaf
-- page holding mid's last taggings stops at run's first; reading run for
-- the exclusion must descend, not take that copy for all there is of run
SELECT got = want AS same, cardinality(want) AS entities
FROM (SELECT coalesce(array_agg(e.id ORDER BY e.id), '{}') AS got
	  FROM tagstore.entities_with_all('{Pages.mid, Pages.run}', NULL, NULL, false, '{Pages.run}') r
	  JOIN tagstore.entity e USING (entity_type, external_id)) g,
	 ref_search('{Pages.mid, Pages.run}', true, false, '{Pages.run}') want;

-- all-visible: the visibility map answers
VACUUM tagstore.tagging;
SELECT * FROM compare();

-- versions: every third tagging of big rewritten (data is indexed, so not
-- HOT: a new entry of the same key, merged with the old one into a posting
-- list whose live version comes second)
UPDATE tagstore.tagging SET data = '{"v": 1}'
WHERE tag_id = (SELECT id FROM tagstore.tag WHERE key = 'pages.big') AND entity_id % 3 = 0;
SELECT posting_tuples > 0 AS has_posting_lists FROM shape();
SELECT * FROM compare();

-- uncommitted deletions are seen by their own transaction only
BEGIN;
DELETE FROM tagstore.tagging
WHERE tag_id IN (SELECT id FROM tagstore.tag WHERE key IN ('pages.big', 'pages.mid')) AND entity_id % 2 = 0;
SELECT * FROM compare();
ROLLBACK;
SELECT * FROM compare();

-- committed deletions, then their index items killed by an index scan
DELETE FROM tagstore.tagging
WHERE tag_id = (SELECT id FROM tagstore.tag WHERE key = 'pages.big')
  AND entity_id IN (SELECT id FROM tagstore.entity WHERE entity_type = 'page'
					AND (substr(external_id, 2)::int BETWEEN 2001 AND 9000
						 OR substr(external_id, 2)::int % 5 <> 0));
SELECT * FROM compare();
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET enable_indexonlyscan = off;
-- an index scan kills the items of tuples dead to every transaction: while
-- another one (an autovacuum worker's ANALYZE, slow on a loaded machine)
-- holds an older snapshot, it cannot, so scan again until it has (at most
-- a minute; it usually has at the first scan)
DO $$
BEGIN
	FOR i IN 1 .. 600 LOOP
		PERFORM count(data) FROM tagstore.tagging
		WHERE tag_id = (SELECT id FROM tagstore.tag WHERE key = 'pages.big');
		EXIT WHEN (SELECT dead_items > 0 FROM shape());
		PERFORM pg_sleep(0.1);
	END LOOP;
END $$;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_indexonlyscan;
SELECT dead_items > 0 AS has_killed_items FROM shape();
SELECT * FROM compare();

-- VACUUM removes them and deletes the pages left empty; the searches step
-- over the gap, and new taggings reuse the pages
VACUUM tagstore.tagging;
SELECT deleted_pages > 0 AS has_deleted_pages FROM shape();
SELECT * FROM compare();
SELECT count(*) AS taggings FROM generate_series(1, 12000, 3) g,
	LATERAL tagstore.add_tag_to('Pages.big', 'page', 'p' || g);
SELECT * FROM compare();

-- the pass over tagstore.entity (an answer of most entities) copies the
-- names of the rows it finds, up to work_mem of them, and the rest are read
-- again afterwards: the same names in id order with the copies running out
-- after about a thousand rows as with all copied
SELECT ref_fill();
SET work_mem = 64;
CREATE TABLE listed_small AS SELECT * FROM tagstore.entities_with_any('{Pages.big, Pages.mid}');
RESET work_mem;
CREATE TABLE listed_large AS SELECT * FROM tagstore.entities_with_any('{Pages.big, Pages.mid}');
SELECT count(*) AS entities,
	   (SELECT array_agg(entity_type || ':' || external_id) FROM listed_small) = want AS small_same,
	   (SELECT array_agg(entity_type || ':' || external_id) FROM listed_large) = want AS large_same
FROM listed_small,
	 (SELECT array_agg(e.entity_type || ':' || e.external_id ORDER BY e.id) AS want FROM tagstore.entity e
	  WHERE e.id = ANY (ref_search('{Pages.big, Pages.mid}', false, true, NULL))) w
GROUP BY want;

RESET search_path;
