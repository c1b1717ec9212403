-- Data and checks shared by the TAP tests: a random taxonomy of 300 tags,
-- 400 entities with 1 to 6 skewed tags each, a fixed table of 150 searches,
-- and tap.check_searches(), which compares every search's answer with a
-- walk of parent_id (never the key, never a posting) and returns a digest
-- of the answers, so that two servers, or two moments, can be compared.
CREATE EXTENSION tagstore;
CREATE SCHEMA tap;
SET search_path = tap, public;

SELECT setseed(0.5);
SELECT tagstore.create_taxonomy('Tree') IS NOT NULL;

-- tags under random earlier tags, often a recent one, so that the tree is deep
DO $$
DECLARE
	parent tagpath;
	n int;
BEGIN
	FOR i IN 1 .. 300 LOOP
		parent := NULL;
		n := (SELECT count(*) FROM tagstore.tag);
		IF n > 0 AND random() < 0.92 THEN
			SELECT path INTO parent FROM tagstore.tag ORDER BY id
			OFFSET CASE WHEN random() < 0.5 THEN greatest(n - 8, 0) + floor(random() * least(n, 8))::int
						ELSE floor(random() * n)::int END
			LIMIT 1;
		END IF;
		PERFORM tagstore.add_tag('Tree', 'Node ' || i, parent);
	END LOOP;
END $$;

-- a random live tag
CREATE FUNCTION random_tag() RETURNS tagstore.tag LANGUAGE sql VOLATILE AS $$
	SELECT * FROM tagstore.tag ORDER BY id OFFSET floor(random() * (SELECT count(*) FROM tagstore.tag)) LIMIT 1
$$;

-- taggings, skewed towards the first tags (the upper part of the tree)
SELECT count(*) > 1000 AS tagged FROM (
	SELECT tagstore.add_tag_to(t.path, 'item', 'e' || e)
	FROM generate_series(1, 400) e,
		 LATERAL (SELECT DISTINCT floor(power(random(), 2) * 300)::int AS k
				  FROM generate_series(1, 1 + (e * 5) % 6) WHERE e > 0) pick,
		 LATERAL (SELECT path FROM tagstore.tag ORDER BY id OFFSET pick.k LIMIT 1) t) s;

-- the searches: one to three tags, all or any, now and then a tag that does not exist
CREATE TABLE query AS
	SELECT q, q % 3 <> 0 AS match_all,
		   ARRAY(SELECT CASE WHEN random() < 0.05 THEN 'Tree.nowhere'::tagpath ELSE (tap.random_tag()).path END
				 FROM generate_series(1, 1 + (q * 7) % 3) WHERE q > 0) AS paths
	FROM generate_series(1, 150) q;

-- the reference: each tag's subtree by walking parent_id, then set algebra
CREATE FUNCTION ref_search(paths tagpath[], match_all boolean) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
	p tagpath;
	under bigint[];
	result bigint[];
BEGIN
	FOREACH p IN ARRAY paths LOOP
		under := ARRAY(
			WITH RECURSIVE sub(id) AS (
				SELECT id FROM tagstore.tag WHERE path = p
				UNION ALL
				SELECT t.id FROM sub JOIN tagstore.tag t ON t.parent_id = sub.id)
			SELECT DISTINCT x.entity_id FROM tagstore.tagging x WHERE x.tag_id IN (SELECT id FROM sub));
		IF result IS NULL THEN
			result := under;
		ELSIF match_all THEN
			result := ARRAY(SELECT unnest(result) INTERSECT SELECT unnest(under));
		ELSE
			result := ARRAY(SELECT unnest(result) UNION SELECT unnest(under));
		END IF;
	END LOOP;
	RETURN (SELECT coalesce(array_agg(e.external_id ORDER BY e.external_id), '{}')
			FROM tagstore.entity e WHERE e.id = ANY (result));
END $$;

-- every search listed and counted by tagstore, and by the reference
CREATE FUNCTION answers(OUT q int, OUT got text[], OUT counted bigint, OUT want text[])
RETURNS SETOF record LANGUAGE sql STABLE AS $$
	SELECT q.q,
		   ARRAY(SELECT external_id FROM (
				SELECT * FROM tagstore.entities_with_all(q.paths) WHERE q.match_all
				UNION ALL
				SELECT * FROM tagstore.entities_with_any(q.paths) WHERE NOT q.match_all) s
				ORDER BY 1),
		   CASE WHEN q.match_all THEN tagstore.count_entities_with_all(q.paths)
				ELSE tagstore.count_entities_with_any(q.paths) END,
		   tap.ref_search(q.paths, q.match_all)
	FROM tap.query q
$$;

-- how many searches, how many differ from the reference, how many have an
-- answer, how many read a fresh posting, and a digest of the answers
CREATE FUNCTION check_searches(OUT cases bigint, OUT mismatches bigint, OUT nonempty bigint,
					  OUT posted bigint, OUT digest text)
LANGUAGE sql STABLE AS $$
	SELECT count(*),
		   count(*) FILTER (WHERE got IS DISTINCT FROM want OR counted <> cardinality(want)),
		   count(*) FILTER (WHERE cardinality(want) > 0),
		   (SELECT count(*) FROM tap.query q WHERE EXISTS (
				SELECT FROM tagstore.posted_tag p JOIN tagstore.tag t ON t.id = p.tag_id
				WHERE NOT p.stale AND t.path = ANY (q.paths))),
		   md5(string_agg(q || ':' || got::text, ';' ORDER BY q))
	FROM tap.answers()
$$;

-- random writes through the API: taggings and untaggings, a subtree moved
-- and a tag removed with its subtree; postings are left to go out of date
CREATE FUNCTION churn(n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t tagstore.tag;
	p tagstore.tag;
BEGIN
	FOR i IN 1 .. n LOOP
		t := tap.random_tag();
		IF random() < 0.6 THEN
			PERFORM tagstore.add_tag_to(t.path, 'item', 'e' || (1 + floor(random() * 450)::int));
		ELSE
			PERFORM tagstore.remove_tag_from(t.path, e.entity_type, e.external_id)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = t.id LIMIT 1;
		END IF;
	END LOOP;
	-- a tag with a subtree moves under a tag outside it
	SELECT * INTO t FROM tagstore.tag g
	WHERE EXISTS (SELECT FROM tagstore.tag c WHERE c.parent_id = g.id) AND g.parent_id IS NOT NULL
	ORDER BY random() LIMIT 1;
	SELECT * INTO p FROM tagstore.tag g WHERE NOT g.key <@ t.key ORDER BY random() LIMIT 1;
	PERFORM tagstore.move_tag(t.path, p.path);
	-- a leaf's parent goes, with the leaf
	SELECT * INTO t FROM tagstore.tag g
	WHERE EXISTS (SELECT FROM tagstore.tag c WHERE c.parent_id = g.id)
	  AND NOT EXISTS (SELECT FROM tagstore.tag c JOIN tagstore.tag d ON d.parent_id = c.id WHERE c.parent_id = g.id)
	ORDER BY random() LIMIT 1;
	PERFORM tagstore.remove_tag(t.path, cascade => true);
END $$;

-- whether every btree index of tagstore passes amcheck, its heap included
-- (a failing check raises its own error)
CREATE FUNCTION btree_indexes_pass() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	i regclass;
	checked int := 0;
BEGIN
	CREATE EXTENSION IF NOT EXISTS amcheck;
	FOR i IN SELECT c.oid FROM pg_class c JOIN pg_am a ON a.oid = c.relam
			 WHERE c.relnamespace = 'tagstore'::regnamespace AND a.amname = 'btree' LOOP
		PERFORM bt_index_check(i, heapallindexed => true);
		checked := checked + 1;
	END LOOP;
	RETURN checked > 0;
END $$;
