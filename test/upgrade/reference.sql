-- Searches against a reference computed in plain SQL from tagstore.tag and
-- tagstore.tagging: a name is resolved label by label down the parent links
-- (value and parent_id, never path or key), a subtree is a recursive walk of
-- parent_id, the entity sets are combined with INTERSECT / UNION / EXCEPT,
-- and the answer is in entity id order (the order tagstore returns).  No
-- posting, key or tagstore function is used for the reference (but
-- label_casefold, the case folding names resolve with).
-- Prints "ok: ..." or "FAILED: ..." lines, with :'stage' in each.
-- Usage: psql -v stage=... -f reference.sql
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- the live tag a name resolves to, or NULL
CREATE FUNCTION pg_temp.ref_tag(tag_name tagpath) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
	l text[] := labels(tag_name);
	hit bigint;
BEGIN
	IF cardinality(l) < 2 THEN
		RETURN NULL;
	END IF;
	SELECT t.id INTO hit FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
	WHERE label_casefold(x.name) = label_casefold(l[1]) AND t.parent_id IS NULL
	  AND label_casefold(t.value) = label_casefold(l[2]);
	FOR i IN 3 .. cardinality(l) LOOP
		EXIT WHEN hit IS NULL;
		SELECT t.id INTO hit FROM tagstore.tag t
		WHERE t.parent_id = hit AND label_casefold(t.value) = label_casefold(l[i]);
	END LOOP;
	RETURN hit;
END $$;

-- the entities tagged with a tag (and, with descendants, anywhere under it)
CREATE FUNCTION pg_temp.ref_under(root bigint, descendants boolean) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE sub(id) AS (
		SELECT id FROM tagstore.tag WHERE id = root
		UNION ALL
		SELECT t.id FROM sub JOIN tagstore.tag t ON t.parent_id = sub.id WHERE descendants
	)
	SELECT DISTINCT x.entity_id FROM tagstore.tagging x WHERE x.tag_id IN (SELECT id FROM sub)
$$;

-- the reference answer of a search, as 'type:external_id' in id order
CREATE FUNCTION pg_temp.ref_search(tags tagpath[], match_all boolean, etype text, prefix text,
	descendants boolean, exclude tagpath[]) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagpath;
	result bigint[];
	these bigint[];
BEGIN
	FOREACH t IN ARRAY tags LOOP
		these := ARRAY(SELECT pg_temp.ref_under(pg_temp.ref_tag(t), descendants));
		IF result IS NULL THEN
			result := these;
		ELSIF match_all THEN
			result := ARRAY(SELECT unnest(result) INTERSECT SELECT unnest(these));
		ELSE
			result := ARRAY(SELECT unnest(result) UNION SELECT unnest(these));
		END IF;
	END LOOP;
	FOREACH t IN ARRAY coalesce(exclude, '{}') LOOP
		result := ARRAY(SELECT unnest(result) EXCEPT SELECT pg_temp.ref_under(pg_temp.ref_tag(t), true));
	END LOOP;
	RETURN ARRAY(SELECT e.entity_type || ':' || e.external_id FROM tagstore.entity e
				 WHERE e.id = ANY (result)
				   AND (etype IS NULL OR e.entity_type = etype)
				   AND (prefix IS NULL OR starts_with(e.external_id, prefix))
				 ORDER BY e.id);
END $$;

-- The searches: every live tag alone, with and without descendants, pairs
-- and triples of tags, filters and exclusions, names that do not resolve;
-- all four functions, each answer listed (with literal arguments, so that
-- the streaming scan runs) and counted.
CREATE TEMP TABLE probe AS
WITH t AS (
	SELECT row_number() OVER (ORDER BY id) AS i, count(*) OVER () AS n, path FROM tagstore.tag
), p AS (
	SELECT 1 AS branch, i, ARRAY[path] AS tags, NULL::text AS etype, NULL::text AS prefix,
		   true AS descendants, NULL::tagpath[] AS exclude FROM t
	UNION ALL
	SELECT 2, i, ARRAY[upper(path::text)::tagpath], CASE WHEN i % 2 = 0 THEN 'thing' END, NULL, false, NULL FROM t
	UNION ALL
	SELECT 3, a.i, ARRAY[a.path, b.path], NULL, NULL, true, NULL FROM t a JOIN t b ON b.i = 1 + (a.i * 7) % a.n
	UNION ALL
	SELECT 4, a.i, ARRAY[a.path, b.path, c.path], CASE WHEN a.i % 3 = 0 THEN 'doc' END,
		   CASE WHEN a.i % 4 = 0 THEN 'e2' END, a.i % 5 <> 0, CASE WHEN a.i % 2 = 0 THEN ARRAY[c.path] END
	FROM t a JOIN t b ON b.i = 1 + (a.i * 5) % a.n JOIN t c ON c.i = 1 + (a.i * 3) % a.n
	UNION ALL
	SELECT 5, a.i, ARRAY[a.path], NULL, NULL, true, ARRAY[b.path, 'Biology.nowhere']
	FROM t a JOIN t b ON b.i = 1 + (a.i * 11) % a.n
	UNION ALL
	SELECT 6, x.i * 10 + y.i, ARRAY[x.path::tagpath, y.path::tagpath], NULL, NULL, true, NULL
	FROM (VALUES (1, 'Biology.nowhere'), (2, 'Nowhere.x'), (3, 'Biology')) x(i, path),
		 (VALUES (1, 'Biology.animal'), (2, 'sizes.small'), (3, 'Biology.plant.tree')) y(i, path)
)
SELECT row_number() OVER (ORDER BY branch, i) AS k, tags, etype, prefix, descendants, exclude FROM p;

CREATE FUNCTION pg_temp.compare(OUT searches int, OUT nonempty int, OUT mismatches int, OUT first text)
LANGUAGE plpgsql AS $$
DECLARE
	p record;
	all_of boolean;
	want text[];
	got text[];
	counted bigint;
BEGIN
	searches := 0; nonempty := 0; mismatches := 0;
	FOR p IN SELECT * FROM probe ORDER BY k LOOP
		FOREACH all_of IN ARRAY ARRAY[true, false] LOOP
			want := pg_temp.ref_search(p.tags, all_of, p.etype, p.prefix, p.descendants, p.exclude);
			EXECUTE format('SELECT ARRAY(SELECT e.entity_type || '':'' || e.external_id'
						   ' FROM tagstore.%I(%L::tagpath[], %L, %L, %L, %L::tagpath[]) e)',
						   CASE WHEN all_of THEN 'entities_with_all' ELSE 'entities_with_any' END,
						   p.tags, p.etype, p.prefix, p.descendants, p.exclude) INTO got;
			EXECUTE format('SELECT tagstore.%I(%L::tagpath[], %L, %L, %L, %L::tagpath[])',
						   CASE WHEN all_of THEN 'count_entities_with_all' ELSE 'count_entities_with_any' END,
						   p.tags, p.etype, p.prefix, p.descendants, p.exclude) INTO counted;
			searches := searches + 1;
			nonempty := nonempty + (cardinality(want) > 0)::int;
			IF got IS DISTINCT FROM want OR counted IS DISTINCT FROM cardinality(want)::bigint THEN
				mismatches := mismatches + 1;
				first := coalesce(first, format('%s(%s, type %s, prefix %s, descendants %s, exclude %s): got %s (counted %s), want %s',
					CASE WHEN all_of THEN 'entities_with_all' ELSE 'entities_with_any' END,
					p.tags, p.etype, p.prefix, p.descendants, p.exclude, got, counted, want));
			END IF;
		END LOOP;
	END LOOP;
END $$;

SELECT CASE WHEN mismatches = 0 AND nonempty * 2 > searches
			THEN format('ok: %s: %s searches (%s non-empty) agree with the recursive-CTE reference',
						:'stage', searches, nonempty)
			ELSE format('FAILED: %s: %s of %s searches (%s non-empty) differ from the recursive-CTE reference; first: %s',
						:'stage', mismatches, searches, nonempty, first) END
FROM pg_temp.compare();

-- every live tag's name is the one its parent links spell, and its counts
-- in tags() are the walked ones
WITH RECURSIVE walk(id, path) AS (
	SELECT t.id, tagpath(ARRAY[x.name, t.value]) FROM tagstore.tag t
	JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id WHERE t.parent_id IS NULL
	UNION ALL
	SELECT t.id, w.path || tagpath(ARRAY[t.value]) FROM walk w JOIN tagstore.tag t ON t.parent_id = w.id
), listed AS (
	SELECT l.* FROM tagstore.taxonomy x, LATERAL tagstore.tags(x.name) l
), bad AS (
	SELECT t.id, t.path FROM tagstore.tag t
	LEFT JOIN walk w ON w.id = t.id
	LEFT JOIN listed l ON l.tag = t.path
	WHERE w.path IS DISTINCT FROM t.path OR label_casefold(w.path) IS DISTINCT FROM t.key
	   OR l.direct_count IS DISTINCT FROM (SELECT count(*) FROM pg_temp.ref_under(t.id, false))
	   OR l.total_count IS DISTINCT FROM (SELECT count(*) FROM pg_temp.ref_under(t.id, true))
)
SELECT CASE WHEN count(*) = 0 AND (SELECT count(*) FROM tagstore.tag) > 0
			THEN format('ok: %s: names and tags() counts of %s tags agree with the parent links',
						:'stage', (SELECT count(*) FROM tagstore.tag))
			ELSE format('FAILED: %s: %s tags whose name or tags() counts differ from the parent links: %s',
						:'stage', count(*), string_agg(path::text, ', ')) END
FROM bad;
