-- Differential test of search: on random forests and taggings, the C
-- search must equal a recursive-CTE reference that walks parent_id, before
-- and after random renames, moves and removals.
CREATE SCHEMA diff;
SET search_path = diff, public;

-- reference: a tag's subtree by walking parent links (never the key)
CREATE FUNCTION ref_subtree(root bigint, descendants boolean) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE sub(id) AS (
		SELECT id FROM tagstore.tag WHERE id = root
		UNION ALL
		SELECT t.id FROM sub s JOIN tagstore.tag t ON t.parent_id = s.id WHERE descendants
	)
	SELECT id FROM sub
$$;

-- reference search, over tag ids (NULL for a tag that does not exist):
-- each tag's entity set from its walked subtree, then plain set algebra
CREATE FUNCTION ref_search(ids bigint[], match_all boolean, descendants boolean,
	exclude bigint[], etype text, prefix text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
	q bigint;
	under bigint[];
	result bigint[];
BEGIN
	FOREACH q IN ARRAY ids LOOP
		under := ARRAY(SELECT DISTINCT x.entity_id FROM tagstore.tagging x
					   WHERE x.tag_id IN (SELECT ref_subtree(q, descendants)));
		IF result IS NULL THEN
			result := under;
		ELSIF match_all THEN
			result := ARRAY(SELECT unnest(result) INTERSECT SELECT unnest(under));
		ELSE
			result := ARRAY(SELECT unnest(result) UNION SELECT unnest(under));
		END IF;
	END LOOP;
	FOREACH q IN ARRAY coalesce(exclude, '{}') LOOP
		result := ARRAY(SELECT unnest(result) EXCEPT
						SELECT x.entity_id FROM tagstore.tagging x
						WHERE x.tag_id IN (SELECT ref_subtree(q, true)));
	END LOOP;
	RETURN (SELECT coalesce(array_agg(e.entity_type || ':' || e.external_id
									  ORDER BY e.entity_type, e.external_id), '{}')
			FROM tagstore.entity e
			WHERE e.id = ANY (result)
			  AND (etype IS NULL OR e.entity_type = etype)
			  AND (prefix IS NULL OR starts_with(e.external_id, prefix)));
END $$;

-- forest(): the tags of the three random taxonomies, in key order (random
-- picks use an offset into it, so they do not depend on heap order)
CREATE FUNCTION forest() RETURNS SETOF tagstore.tag LANGUAGE sql STABLE AS $$
	SELECT * FROM tagstore.tag
	WHERE taxonomy_id IN (SELECT id FROM tagstore.taxonomy WHERE name IN ('Alpha', 'beta', 'Γάμμα'))
	ORDER BY key
$$;
CREATE FUNCTION random_tag() RETURNS tagstore.tag LANGUAGE sql VOLATILE AS $$
	SELECT * FROM forest() OFFSET floor(random() * (SELECT count(*) FROM forest())) LIMIT 1
$$;

-- random forests: three taxonomies, tags under random earlier tags, with
-- mixed case and non-ASCII values
SELECT setseed(0.11);
SELECT count(tagstore.create_taxonomy(n)) FROM unnest(ARRAY['Alpha', 'beta', 'Γάμμα']) n;
DO $$
DECLARE
	tax text;
	parent tagpath;
	labels text[] := ARRAY['node', 'Node', 'blätter', 'x', 'Ast', 'leaf', 'ZWEIG', 'tip'];
BEGIN
	FOR i IN 1 .. 450 LOOP
		tax := (ARRAY['Alpha', 'beta', 'Γάμμα'])[1 + i % 3];
		parent := NULL;
		IF random() < 0.85 THEN
			SELECT path INTO parent FROM tagstore.tag WHERE key <@ label_casefold(tagpath(ARRAY[tax]))
			ORDER BY key OFFSET floor(random() * (SELECT count(*) FROM tagstore.tag
				WHERE key <@ label_casefold(tagpath(ARRAY[tax])))) LIMIT 1;
		END IF;
		PERFORM tagstore.add_tag(tax, labels[1 + floor(random() * 8)::int] || i, parent);
	END LOOP;
END $$;
SELECT count(*) AS tags, max(nlevel(path)) - 1 AS max_depth FROM tagstore.tag
WHERE taxonomy_id IN (SELECT id FROM tagstore.taxonomy WHERE name IN ('Alpha', 'beta', 'Γάμμα'));

-- random taggings: 600 entities of two types, 1 to 5 tags each, skewed
-- towards a few popular tags
CREATE TABLE forest_tags AS SELECT row_number() OVER (ORDER BY key) AS n, path FROM forest();
SELECT count(*) AS taggings FROM (
  SELECT tagstore.add_tag_to(f.path, CASE WHEN e % 3 = 0 THEN 'doc' ELSE 'item' END, 'e' || e)
  FROM generate_series(1, 600) e,
       LATERAL (SELECT DISTINCT 1 + floor(power(random(), 2.5) * (SELECT count(*) FROM forest_tags))::int AS n
                FROM generate_series(1, 1 + (e * 7) % 5) k WHERE e > 0) pick
  JOIN forest_tags f ON f.n = pick.n) s;

-- compare(n): n random searches, both ways; returns cases and mismatches
CREATE FUNCTION compare(n int, OUT cases int, OUT mismatches int, OUT nonempty int)
LANGUAGE plpgsql AS $$
DECLARE
	paths tagpath[];
	ids bigint[];
	xpaths tagpath[];
	xids bigint[];
	k int;
	match_all boolean;
	descendants boolean;
	etype text;
	prefix text;
	got text[];
	want text[];
	cnt bigint;
BEGIN
	cases := 0; mismatches := 0; nonempty := 0;
	FOR i IN 1 .. n LOOP
		k := 1 + floor(random() * 3)::int;
		-- mostly real tags, sometimes an unknown one, names in random case
		SELECT array_agg(CASE WHEN random() < 0.5 THEN upper(path::text)::tagpath ELSE path END),
			   array_agg(id)
		INTO paths, ids
		FROM (SELECT t.path, t.id FROM generate_series(1, k) n, LATERAL random_tag() t WHERE i > 0) s;
		IF random() < 0.1 THEN
			paths := paths || 'Alpha.nosuch'::tagpath;
			ids := ids || NULL::bigint;
		END IF;
		xpaths := NULL; xids := NULL;
		IF random() < 0.3 THEN
			SELECT array_agg(path), array_agg(id) INTO xpaths, xids
			FROM (SELECT t.path, t.id FROM random_tag() t WHERE i > 0) s;
		END IF;
		match_all := random() < 0.6;
		descendants := random() < 0.8;
		etype := CASE WHEN random() < 0.2 THEN 'doc' END;
		prefix := CASE WHEN random() < 0.15 THEN 'e1' END;

		IF match_all THEN
			SELECT coalesce(array_agg(entity_type || ':' || external_id ORDER BY entity_type, external_id), '{}')
			INTO got FROM tagstore.entities_with_all(paths, etype, prefix, descendants, xpaths);
			cnt := tagstore.count_entities_with_all(paths, etype, prefix, descendants, xpaths);
		ELSE
			SELECT coalesce(array_agg(entity_type || ':' || external_id ORDER BY entity_type, external_id), '{}')
			INTO got FROM tagstore.entities_with_any(paths, etype, prefix, descendants, xpaths);
			cnt := tagstore.count_entities_with_any(paths, etype, prefix, descendants, xpaths);
		END IF;
		want := ref_search(ids, match_all, descendants, xids, etype, prefix);
		cases := cases + 1;
		IF got IS DISTINCT FROM want OR cnt <> cardinality(want) THEN
			mismatches := mismatches + 1;
			RAISE NOTICE 'mismatch: % all=% desc=% exclude=% type=% prefix=%: got % want %',
				paths, match_all, descendants, xpaths, etype, prefix, got, want;
		END IF;
		nonempty := nonempty + (cardinality(want) > 0)::int;
	END LOOP;
END $$;

SELECT setseed(0.12);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(300);

-- reshape the forests at random: renames, moves (never under a descendant), removals
SELECT setseed(0.13);
DO $$
DECLARE
	t tagstore.tag;
	p tagstore.tag;
BEGIN
	FOR i IN 1 .. 40 LOOP
		t := random_tag();
		PERFORM tagstore.rename_tag(t.path, 'renamed' || i || CASE WHEN random() < 0.5 THEN 'É' ELSE 'e' END);
	END LOOP;
	FOR i IN 1 .. 40 LOOP
		t := random_tag();
		SELECT * INTO p FROM forest() f WHERE f.taxonomy_id = t.taxonomy_id AND NOT f.key <@ t.key
		OFFSET floor(random() * 50) LIMIT 1;
		IF random() < 0.2 OR p.id IS NULL THEN
			PERFORM tagstore.move_tag(t.path, NULL);
		ELSE
			PERFORM tagstore.move_tag(t.path, p.path);
		END IF;
	END LOOP;
	FOR i IN 1 .. 12 LOOP
		t := random_tag();
		PERFORM tagstore.remove_tag(t.path, cascade => true);
	END LOOP;
END $$;

-- the stored paths and keys still describe the parent links exactly
WITH RECURSIVE walk(id, path) AS (
	SELECT g.id, tagpath(ARRAY[x.name, g.value]) FROM tagstore.tag g
	JOIN tagstore.taxonomy x ON x.id = g.taxonomy_id WHERE g.parent_id IS NULL
	UNION ALL
	SELECT g.id, w.path || tagpath(ARRAY[g.value]) FROM walk w JOIN tagstore.tag g ON g.parent_id = w.id
)
SELECT count(*) AS tags,
       count(*) FILTER (WHERE w.path = g.path AND label_casefold(w.path) = g.key) AS consistent
FROM tagstore.tag g JOIN walk w USING (id);

SELECT setseed(0.14);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(300);

-- answers come in id order whichever way names are read: seeking the pages
-- of the ids, with a lookup per id where seeking misses (answers under 1/4
-- of the entities), or one pass over the entity table, also when its rows
-- are stored out of id order (the pass then ranks them)
CREATE FUNCTION ids_in_order(paths tagpath[]) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT coalesce(bool_and(d > 0), true) FROM (
		SELECT e.id - lag(e.id) OVER (ORDER BY w.n) AS d
		FROM tagstore.entities_with_any(paths) WITH ORDINALITY w(entity_type, external_id, n)
		JOIN tagstore.entity e USING (entity_type, external_id)) s
$$;
UPDATE tagstore.entity SET external_id = external_id WHERE id % 4 = 0;
VACUUM ANALYZE tagstore.entity;	-- the choice between the two reads its row count; pages all-visible
SELECT bool_or(back) AS stored_out_of_id_order
FROM (SELECT id < lag(id) OVER (ORDER BY ctid) AS back FROM tagstore.entity) s;
SELECT count(*) FILTER (WHERE n BETWEEN 1 AND entities / 4) > 0 AS some_by_seeking,
       count(*) FILTER (WHERE n > entities / 4) > 0 AS some_by_pass,
       count(*) FILTER (WHERE NOT in_order) AS out_of_order
FROM (SELECT tagstore.count_entities_with_any(ARRAY[path]) AS n, ids_in_order(ARRAY[path]) AS in_order
      FROM forest()) s,
     (SELECT reltuples AS entities FROM pg_class WHERE oid = 'tagstore.entity'::regclass) c;
SELECT setseed(0.15);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(200);
