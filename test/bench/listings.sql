-- Tag listings with counts (search_tags, tags, tree, find_tags, the
-- taxonomies view) on a 2,000-tag and a 20,000-tag taxonomy in one
-- database, each with about 100,000 taggings, timed against the 1.0
-- definitions of search_tags, tags and tree kept here as reference (the
-- old ones are cut off by statement_timeout: psql -v timeout=30s).  Timed
-- twice: right after the bulk import, before any ANALYZE (autovacuum is
-- kept off the tables until then), as a fresh import is listed; and after
-- VACUUM ANALYZE.  The answers of old and new are compared.  Figures, not
-- tests.  Run in a database of its own: it creates tagstore afresh.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS tagstore CASCADE;
CREATE EXTENSION tagstore;
DROP SCHEMA IF EXISTS listings CASCADE;
CREATE SCHEMA listings;
SET search_path = listings, public;

-- The data: taxonomy tx2000 (20 groups of 99 skills) and tx20000 (200
-- groups of 99 skills), loaded as a bulk import writes them; and two of
-- other shapes, timed without 1.0's definitions (they would only time
-- out): flat20000 (20,000 tags under the root, created in random order)
-- and deep20000 (500 chains 40 tags deep, created level by level).
-- 25,000 entities, each tagged with about four tags of each taxonomy,
-- drawn with a skew towards the first tags in key order.
SELECT setseed(0.42);
ALTER TABLE tagstore.tag SET (autovacuum_enabled = false);
ALTER TABLE tagstore.tagging SET (autovacuum_enabled = false);
ALTER TABLE tagstore.entity SET (autovacuum_enabled = false);
SELECT tagstore.create_taxonomy(n) FROM unnest(ARRAY['tx2000', 'tx20000', 'flat20000', 'deep20000']) n;
CREATE FUNCTION load(tax text, groups int, skills int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	x tagstore.taxonomy;
BEGIN
	SELECT * INTO x FROM tagstore.taxonomy WHERE name = tax;
	INSERT INTO tagstore.tag (taxonomy_id, parent_id, value, path, key, originator, actor)
	SELECT x.id, NULL, v, tagpath(ARRAY[tax, v]), label_casefold(tagpath(ARRAY[tax, v])), 'bench', 'bench'
	FROM generate_series(1, groups) g, LATERAL format('Group %s', lpad(g::text, 3, '0')) v;
	INSERT INTO tagstore.tag (taxonomy_id, parent_id, value, path, key, originator, actor)
	SELECT x.id, p.id, v, p.path || tagpath(ARRAY[v]), p.key || label_casefold(tagpath(ARRAY[v])), 'bench', 'bench'
	FROM tagstore.tag p, generate_series(1, skills) s,
		 LATERAL format('Skill %s-%s', substr(p.value, 7), lpad(s::text, 2, '0')) v
	WHERE p.taxonomy_id = x.id
	ORDER BY p.key, s;
END $$;
SELECT load('tx2000', 20, 99), load('tx20000', 200, 99);
INSERT INTO tagstore.tag (taxonomy_id, parent_id, value, path, key, originator, actor)
SELECT x.id, NULL, v, tagpath(ARRAY[x.name, v]), label_casefold(tagpath(ARRAY[x.name, v])), 'bench', 'bench'
FROM tagstore.taxonomy x, generate_series(1, 20000) g, LATERAL format('Flat %s', g) v
WHERE x.name = 'flat20000' ORDER BY random();
DO $$
DECLARE
	x tagstore.taxonomy;
BEGIN
	SELECT * INTO x FROM tagstore.taxonomy WHERE name = 'deep20000';
	INSERT INTO tagstore.tag (taxonomy_id, parent_id, value, path, key, originator, actor)
	SELECT x.id, NULL, v, tagpath(ARRAY[x.name, v]), label_casefold(tagpath(ARRAY[x.name, v])), 'bench', 'bench'
	FROM generate_series(1, 500) c, LATERAL format('Chain %s', c) v;
	FOR d IN 2 .. 40 LOOP
		INSERT INTO tagstore.tag (taxonomy_id, parent_id, value, path, key, originator, actor)
		SELECT x.id, p.id, v, p.path || tagpath(ARRAY[v]), p.key || label_casefold(tagpath(ARRAY[v])), 'bench', 'bench'
		FROM tagstore.tag p, LATERAL format('Level %s', d) v
		WHERE p.taxonomy_id = x.id AND tagstore.nlevel(p.path) = d;
	END LOOP;
END $$;
INSERT INTO tagstore.entity (entity_type, external_id)
SELECT 'course', 'course-' || lpad(e::text, 5, '0') FROM generate_series(1, 25000) e;
ALTER TABLE tagstore.tagging DISABLE TRIGGER tagging_changed;
WITH ranked AS (
	SELECT t.id, x.name, row_number() OVER (PARTITION BY t.taxonomy_id ORDER BY t.key) AS n,
		   count(*) OVER (PARTITION BY t.taxonomy_id) AS tags
	FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
), picks AS (
	SELECT DISTINCT e.id AS entity, x.name, 1 + floor(power(random(), 1.5) * x.tags)::int AS n
	FROM tagstore.entity e,
		 (SELECT name, max(tags) AS tags FROM ranked GROUP BY name) x,
		 generate_series(1, 4) k
)
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT r.id, p.entity, 'bench' FROM picks p JOIN ranked r USING (name, n)
ORDER BY 1, 2;
ALTER TABLE tagstore.tagging ENABLE TRIGGER tagging_changed;
SELECT tagstore.refresh_postings(rebuild => true) AS posted \gset

\echo
\echo == listings: the data
SELECT x.name AS taxonomy, count(DISTINCT t.id) AS tags, count(g.*) AS taggings,
	   count(DISTINCT g.entity_id) AS entities
FROM tagstore.taxonomy x JOIN tagstore.tag t ON t.taxonomy_id = x.id
LEFT JOIN tagstore.tagging g ON g.tag_id = t.id
GROUP BY x.name ORDER BY 2;

-- 1.0's lookup of a taxonomy by name and its match of a value against
-- candidates (its _taxonomy and _matches_any, internal helpers gone in 1.1)
CREATE FUNCTION taxonomy_row(p_name text) RETURNS tagstore.taxonomy
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagstore.taxonomy;
BEGIN
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', p_name USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;
CREATE FUNCTION matches_any(value text, candidates text[], pattern boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM unnest(candidates) c
		WHERE CASE WHEN pattern
				   THEN label_casefold(value) LIKE
						replace(replace(replace(replace(replace(label_casefold(c),
							'\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
				   ELSE label_casefold(value) = label_casefold(c) END)
$$;

-- The 1.0 definitions, as reference, each with its SET search_path (so
-- that, as in 1.0, the planner cannot inline the function and drop the
-- counts that a count(*) does not read).
CREATE FUNCTION old_search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
RETURNS TABLE (tag tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
	SELECT t.path, x.name, t.value, t.category, t.description, t.originator, t.external_id,
		   t.revision, t.created_at, t.updated_at,
		   (SELECT count(*) FROM tagstore.tagging g WHERE g.tag_id = t.id),
		   (SELECT count(DISTINCT g.entity_id) FROM tagstore.tag d
			JOIN tagstore.tagging g ON g.tag_id = d.id WHERE d.key <@ t.key)
	FROM tagstore.tag t
	JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
	WHERE ($1 IS NULL OR listings.matches_any(x.name, $1, $4))
	  AND ($2 IS NULL OR listings.matches_any(t.value, $2, $4))
	  AND ($3 IS NULL OR listings.matches_any(t.originator, $3, $4))
	ORDER BY t.key, t.id
$$;
CREATE FUNCTION old_tags(taxonomy text)
RETURNS TABLE (tag tagpath, value text, depth int, parent tagpath, direct_count bigint, total_count bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := listings.taxonomy_row(taxonomy);
BEGIN
	RETURN QUERY
	WITH tags AS (
		SELECT g.id, g.path, g.key, g.value FROM tagstore.tag g WHERE g.taxonomy_id = t.id
	), direct AS (
		SELECT x.tag_id, count(*) AS n FROM tagstore.tagging x
		WHERE x.tag_id IN (SELECT id FROM tags) GROUP BY x.tag_id
	), total AS (
		SELECT a.key, count(DISTINCT x.entity_id) AS n
		FROM tags g
		JOIN tagstore.tagging x ON x.tag_id = g.id
		CROSS JOIN LATERAL unnest(tagpath_prefixes(g.key)) a(key)
		WHERE tagstore.nlevel(a.key) >= 2
		GROUP BY a.key
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, CASE WHEN tagstore.nlevel(g.path) > 2 THEN parent(g.path) END,
		   coalesce(d.n, 0), coalesce(tt.n, 0)
	FROM tags g
	LEFT JOIN direct d ON d.tag_id = g.id
	LEFT JOIN total tt ON tt.key = g.key
	ORDER BY g.key;
END $$;
CREATE FUNCTION old_tree(taxonomy text) RETURNS SETOF text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := listings.taxonomy_row(taxonomy);
	r record;
	more_below boolean[] := '{}';
	prefix text;
BEGIN
	RETURN NEXT format('%s (%s)', t.name,
		(SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x
		 JOIN tagstore.tag g ON g.id = x.tag_id WHERE g.taxonomy_id = t.id));
	FOR r IN
		SELECT s.*, lead(s.depth) OVER (PARTITION BY s.parent ORDER BY s.tag_key) IS NULL AS last
		FROM (SELECT l.*, label_casefold(l.tag) AS tag_key FROM listings.old_tags(t.name) l) s
		ORDER BY s.tag_key
	LOOP
		prefix := '';
		FOR d IN 0 .. r.depth - 1 LOOP
			prefix := prefix || CASE WHEN more_below[d + 1] THEN chr(9474) || '   ' ELSE '    ' END;
		END LOOP;
		more_below[r.depth + 1] := NOT r.last;
		RETURN NEXT prefix || CASE WHEN r.last THEN chr(9492) || chr(9472) || chr(9472) || ' ' ELSE chr(9500) || chr(9472) || chr(9472) || ' ' END
			|| tagpath2text(tagpath(ARRAY[r.value]))
			|| CASE WHEN r.direct_count IN (0, r.total_count) THEN format(' (%s)', r.total_count)
					ELSE format(' (%s, %s direct)', r.total_count, r.direct_count) END;
	END LOOP;
END $$;

-- The listings timed: (taxonomy, listing, new statement, old statement:
-- NULL where 1.0's is the same, '' where it is not run).  %1$s is the
-- taxonomy.
CREATE TABLE listing (ord int, taxonomy text, listing text, new_sql text, old_sql text);
INSERT INTO listing
SELECT 10 * i + j, tax, l.listing, format(l.new_sql, tax), format(l.old_sql, tax)
FROM unnest(ARRAY['tx2000', 'tx20000']) WITH ORDINALITY AS x(tax, i),
	 (VALUES
		(1, 'search_tags(taxonomy)',
		 $q$SELECT * FROM tagstore.search_tags(taxonomy => '%1$s')$q$,
		 $q$SELECT * FROM listings.old_search_tags(ARRAY['%1$s'], NULL, NULL, false)$q$),
		(2, 'search_tags(taxonomy, value pattern)',
		 $q$SELECT * FROM tagstore.search_tags(taxonomy => '%1$s', value => 'skill 01*', pattern => true)$q$,
		 $q$SELECT * FROM listings.old_search_tags(ARRAY['%1$s'], ARRAY['skill 01*'], NULL, true)$q$),
		(3, 'tags',
		 $q$SELECT * FROM tagstore.tags('%1$s')$q$,
		 $q$SELECT * FROM listings.old_tags('%1$s')$q$),
		(4, 'tree',
		 $q$SELECT * FROM tagstore.tree('%1$s')$q$,
		 $q$SELECT * FROM listings.old_tree('%1$s')$q$),
		(5, 'find_tags (unchanged)',
		 $q$SELECT * FROM tagstore.find_tags('%1$s', 'skill 017-')$q$,
		 NULL)
	 ) AS l(j, listing, new_sql, old_sql)
UNION ALL
SELECT 10 * i + j, tax, l.listing, format(l.new_sql, tax), ''
FROM unnest(ARRAY['flat20000', 'deep20000']) WITH ORDINALITY AS x(tax, i0), LATERAL (SELECT i0 + 3) i(i),
	 (VALUES
		(1, 'search_tags(taxonomy)', $q$SELECT * FROM tagstore.search_tags(taxonomy => '%1$s')$q$),
		(3, 'tags', $q$SELECT * FROM tagstore.tags('%1$s')$q$),
		(4, 'tree', $q$SELECT * FROM tagstore.tree('%1$s')$q$)
	 ) AS l(j, listing, new_sql)
UNION ALL
SELECT 61, 'all', 'search_tags(value): a group in each', 
	   $q$SELECT * FROM tagstore.search_tags(value => 'Group 007')$q$,
	   $q$SELECT * FROM listings.old_search_tags(NULL, ARRAY['Group 007'], NULL, false)$q$
UNION ALL
SELECT 62, 'all', 'search_tags(): every tag',
	   $q$SELECT * FROM tagstore.search_tags()$q$,
	   $q$SELECT * FROM listings.old_search_tags(NULL, NULL, NULL, false)$q$
UNION ALL
SELECT 63, 'all', 'taxonomies (unchanged)', $q$SELECT * FROM tagstore.taxonomies$q$, NULL;

-- Median milliseconds of a statement's runs after one warm-up (5 runs, and
-- more until they add up to 100 ms, at most 50); a first run over a second
-- is the figure alone.  NULL if statement_timeout cut it off.  The rows are
-- computed whole (a set-returning function makes all of its rows) but not
-- turned into text, which costs old and new the same.
CREATE FUNCTION time_ms(stmt text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times numeric[] := '{}';
	total numeric := 0;
	first numeric;
	dummy bigint;
BEGIN
	stmt := format('SELECT count(*) FROM (%s) s', stmt);
	t0 := clock_timestamp();
	EXECUTE stmt INTO dummy;
	first := extract(epoch FROM clock_timestamp() - t0) * 1000;
	IF first > 1000 THEN
		RETURN first;
	END IF;
	WHILE cardinality(times) < 5 OR (total < 100 AND cardinality(times) < 50) LOOP
		t0 := clock_timestamp();
		EXECUTE stmt INTO dummy;
		times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
		total := total + times[cardinality(times)];
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
EXCEPTION WHEN query_canceled THEN
	RETURN NULL;
END $$;

-- Do the two statements give the same rows in the same order?
CREATE FUNCTION same_answer(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	x text;
	y text;
BEGIN
	EXECUTE format('SELECT md5(string_agg(s::text, E''\n'')) FROM (%s) s', a) INTO x;
	EXECUTE format('SELECT md5(string_agg(s::text, E''\n'')) FROM (%s) s', b) INTO y;
	RETURN x = y;
EXCEPTION WHEN query_canceled THEN
	RETURN NULL;
END $$;

CREATE TABLE figure (ord int, stats text, def text, ms numeric);
CREATE TABLE answer (ord int, stats text, same boolean);

-- A round: each figure, and each comparison of old and new answers (where
-- the old one finished), one top-level statement under the timeout.
SET statement_timeout = :'timeout';
\set stats fresh
SELECT format('INSERT INTO listings.figure VALUES (%s, %L, %L, listings.time_ms(%L))', ord, :'stats', d, s)
FROM listing, LATERAL (VALUES ('new', new_sql), ('old', old_sql)) v(d, s)
WHERE s <> '' ORDER BY ord, d \gexec
SELECT format('INSERT INTO listings.answer VALUES (%s, %L, listings.same_answer(%L, %L))', l.ord, :'stats', new_sql, old_sql)
FROM listing l JOIN figure f ON f.ord = l.ord AND f.stats = :'stats' AND f.def = 'old' AND f.ms IS NOT NULL
ORDER BY l.ord \gexec
RESET statement_timeout;

ALTER TABLE tagstore.tag RESET (autovacuum_enabled);
ALTER TABLE tagstore.tagging RESET (autovacuum_enabled);
ALTER TABLE tagstore.entity RESET (autovacuum_enabled);
VACUUM ANALYZE;
SET statement_timeout = :'timeout';
\set stats analyzed
SELECT format('INSERT INTO listings.figure VALUES (%s, %L, %L, listings.time_ms(%L))', ord, :'stats', d, s)
FROM listing, LATERAL (VALUES ('new', new_sql), ('old', old_sql)) v(d, s)
WHERE s <> '' ORDER BY ord, d \gexec
SELECT format('INSERT INTO listings.answer VALUES (%s, %L, listings.same_answer(%L, %L))', l.ord, :'stats', new_sql, old_sql)
FROM listing l JOIN figure f ON f.ord = l.ord AND f.stats = :'stats' AND f.def = 'old' AND f.ms IS NOT NULL
ORDER BY l.ord \gexec
RESET statement_timeout;

\echo
\echo == listings: median ms, 1.1 against 1.0 (its definitions kept as reference), right after the import (no statistics) and after VACUUM ANALYZE
\echo == (timeout: 1.0 cut off by statement_timeout; same rows: 1.1 and 1.0 give the same rows in the same order)
\pset footer off
SELECT l.taxonomy, l.listing,
	   round(n1.ms, 1) AS "1.1 fresh",
	   CASE WHEN l.old_sql IS NULL THEN 'same' WHEN l.old_sql = '' THEN 'not run' WHEN o1.ms IS NULL THEN 'timeout' ELSE round(o1.ms, 1)::text END AS "1.0 fresh",
	   round(n2.ms, 1) AS "1.1 analyzed",
	   CASE WHEN l.old_sql IS NULL THEN 'same' WHEN l.old_sql = '' THEN 'not run' WHEN o2.ms IS NULL THEN 'timeout' ELSE round(o2.ms, 1)::text END AS "1.0 analyzed",
	   CASE WHEN l.old_sql IS NULL OR l.old_sql = '' THEN ''
			WHEN a1.same AND a2.same THEN 'yes'
			WHEN NOT a1.same OR NOT a2.same THEN 'NO'
			ELSE 'yes (' || coalesce(a1.stats, a2.stats) || ')' END AS "same rows"
FROM listing l
JOIN figure n1 ON n1.ord = l.ord AND n1.def = 'new' AND n1.stats = 'fresh'
JOIN figure n2 ON n2.ord = l.ord AND n2.def = 'new' AND n2.stats = 'analyzed'
LEFT JOIN figure o1 ON o1.ord = l.ord AND o1.def = 'old' AND o1.stats = 'fresh'
LEFT JOIN figure o2 ON o2.ord = l.ord AND o2.def = 'old' AND o2.stats = 'analyzed'
LEFT JOIN answer a1 ON a1.ord = l.ord AND a1.stats = 'fresh'
LEFT JOIN answer a2 ON a2.ord = l.ord AND a2.stats = 'analyzed'
ORDER BY l.ord;
\echo timeout: :timeout
