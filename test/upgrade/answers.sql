-- The questions the upgrade test asks before and after ALTER EXTENSION
-- UPDATE: every answer must be the same.  Each "== name" line starts a
-- section; test/upgrade.sh compares the sections one by one.  The API of
-- version 1.0 is used, under the names of the version installed where 1.1
-- renamed its overloads (the psql variables below).
-- The searches' arguments are drawn from the live tags as they stand, so a
-- tag lost or renamed by an update changes the questions too.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- 1.1 named the forms by id with _by_id, and gave search_tags lists
-- parameters of their own (any_taxonomy, any_value)
SELECT extversion = '1.0' AS v1_0 FROM pg_extension WHERE extname = 'tagstore' \gset
\if :v1_0
\set by_id ''
\set any_taxonomy taxonomy
\set any_value value
\else
\set by_id _by_id
\set any_taxonomy any_taxonomy
\set any_value any_value
\endif

-- the arguments of the searches
CREATE TEMP TABLE probe AS
WITH t AS (
	SELECT row_number() OVER (ORDER BY key) AS i, count(*) OVER () AS n, path FROM tagstore.tag
), p AS (
	SELECT 1 AS branch, i, 'one ' || i AS label, ARRAY[path] AS tags, NULL::text AS etype,
		   NULL::text AS prefix, true AS descendants, NULL::tagpath[] AS exclude FROM t
	UNION ALL
	SELECT 2, i, 'one, no descendants ' || i, ARRAY[path], NULL, NULL, false, NULL FROM t
	UNION ALL
	SELECT 3, i, 'one, upper case ' || i, ARRAY[upper(path::text)::tagpath], NULL, NULL, true, NULL FROM t
	UNION ALL
	SELECT 4, a.i, 'pair ' || a.i, ARRAY[a.path, b.path], NULL, NULL, true, NULL
	FROM t a JOIN t b ON b.i = 1 + (a.i * 7) % a.n
	UNION ALL
	SELECT 5, a.i, 'triple ' || a.i, ARRAY[a.path, b.path, c.path], NULL, NULL, a.i % 4 <> 0, NULL
	FROM t a JOIN t b ON b.i = 1 + (a.i * 5) % a.n JOIN t c ON c.i = 1 + (a.i * 11) % a.n
	UNION ALL
	SELECT 6, a.i, 'filtered ' || a.i, ARRAY[a.path, b.path],
		   CASE a.i % 3 WHEN 0 THEN 'doc' WHEN 1 THEN 'thing' END,
		   CASE WHEN a.i % 2 = 0 THEN 'e1' END, a.i % 5 <> 0,
		   CASE WHEN a.i % 4 < 2 THEN ARRAY[c.path] END
	FROM t a JOIN t b ON b.i = 1 + (a.i * 3) % a.n JOIN t c ON c.i = 1 + (a.i * 13) % a.n
	UNION ALL
	SELECT 7, v.i, v.label, v.tags::tagpath[], v.etype, v.prefix, v.descendants, v.exclude::tagpath[] FROM (VALUES
		(1, 'unknown tag', '{Biology.nowhere}', NULL, NULL, true, NULL),
		(2, 'unknown taxonomy', '{Nowhere.x}', NULL, NULL, true, NULL),
		(3, 'deleted tag', '{Biology.plant.grass}', NULL, NULL, true, NULL),
		(4, 'known and unknown', '{Biology.animal, Biology.nowhere}', NULL, NULL, true, NULL),
		(5, 'whole flat taxonomy', '{sizes.small, sizes.medium, sizes.large, sizes.huge}', NULL, NULL, true, NULL),
		(6, 'broad, excluding', '{Biology.animal, Biology.plant}', NULL, NULL, true, '{Biology.animal.vertebrate, sizes.small}'),
		(7, 'empty exclusion', '{Biology.plant}', 'thing', 'e2', true, '{}'),
		(8, 'quoted and non-ASCII', '{"Biology.plant.flower.\"st. john''s wort\"", Orte.Europa.Schweiz.ZÜRICH}', NULL, NULL, true, NULL),
		(9, 'excluding by an ancestor', '{Biology.animal.vertebrate.mammal.feline}', NULL, NULL, true, '{Biology.animal}'))
		v(i, label, tags, etype, prefix, descendants, exclude)
)
SELECT row_number() OVER (ORDER BY branch, i) AS k, label, tags, etype, prefix, descendants, exclude FROM p;

-- a search's answer: run with literal arguments, as an application would
-- write it (so that in FROM it takes the streaming scan)
CREATE FUNCTION pg_temp.answer(fn text, p probe) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	IF fn LIKE 'count%' THEN
		EXECUTE format('SELECT tagstore.%I(%L::tagpath[], %L, %L, %L, %L::tagpath[])::text',
					   fn, p.tags, p.etype, p.prefix, p.descendants, p.exclude) INTO result;
	ELSE
		EXECUTE format('SELECT coalesce(array_agg(e.entity_type || '':'' || e.external_id), ''{}'')::text'
					   ' FROM tagstore.%I(%L::tagpath[], %L, %L, %L, %L::tagpath[]) e',
					   fn, p.tags, p.etype, p.prefix, p.descendants, p.exclude) INTO result;
	END IF;
	RETURN format('%s %s type=%s prefix=%s descendants=%s exclude=%s: %s',
				  p.label, p.tags, p.etype, p.prefix, p.descendants, p.exclude, result);
END $$;

\echo == entities_with_all
SELECT pg_temp.answer('entities_with_all', p) FROM probe p ORDER BY k;
\echo == entities_with_any
SELECT pg_temp.answer('entities_with_any', p) FROM probe p ORDER BY k;
\echo == count_entities_with_all
SELECT pg_temp.answer('count_entities_with_all', p) FROM probe p ORDER BY k;
\echo == count_entities_with_any
SELECT pg_temp.answer('count_entities_with_any', p) FROM probe p ORDER BY k;

\echo == entities_with_tag_data
SELECT q, coalesce(array_agg(e.entity_type || ':' || e.external_id) FILTER (WHERE e.external_id IS NOT NULL), '{}')
FROM (VALUES
	(1, 'sizes.large', '{"unit": "cm"}', NULL, NULL, true, NULL),
	(2, 'sizes.large', '{"unit": "m"}', NULL, NULL, true, NULL),
	(3, 'sizes.huge', '{}', NULL, NULL, true, NULL),
	(4, 'Orte.Europa', '{"visited": true}', NULL, NULL, true, NULL),
	(5, 'Orte.Europa', '{"visited": true}', NULL, NULL, false, NULL),
	(6, 'Orte', '{}', NULL, NULL, true, NULL),
	(7, 'Orte.Europa', '{}', 'thing', 'e1', true, NULL),
	(8, 'Orte.Europa', '{}', NULL, NULL, true, '{Orte.Europa.Deutschland}'),
	(9, 'sizes.medium', '{"value": 20}', 'doc', NULL, true, NULL)) v(q, tag, filter, etype, prefix, descendants, exclude)
	LEFT JOIN LATERAL tagstore.entities_with_tag_data(v.tag::tagpath, v.filter::jsonb, v.etype, v.prefix,
													  v.descendants, v.exclude::tagpath[]) e ON true
GROUP BY q ORDER BY q;
SELECT 'by id', array_agg(e.entity_type || ':' || e.external_id)
FROM tagstore.entities_with_tag_data:by_id(tagstore.tag_id('sizes.medium'), '{"value": 20}') e;

\echo == entities_matching
SELECT q, array_agg(e.entity_type || ':' || e.external_id)
FROM (VALUES (1, 'Biology.*.mammal.*', NULL, NULL), (2, '*.zürich@', NULL, NULL), (3, 'sizes.*', 'doc', NULL),
			 (4, 'Colour.*', NULL, 'n'), (5, '*.st*@.*', NULL, NULL), (6, '!Biology.*', 'thing', 'e3'),
			 (7, 'Biology.plant.flower."St. John''s wort"', NULL, NULL)) v(q, pattern, etype, prefix),
	 LATERAL tagstore.entities_matching(v.pattern::tagquery, v.etype, v.prefix) e
GROUP BY q ORDER BY q;

\echo == taxonomies
SELECT * FROM tagstore.taxonomies;

\echo == tags
SELECT x.name, t.* FROM tagstore.taxonomies x, LATERAL tagstore.tags(x.name) t ORDER BY x.name, t.tag;

\echo == tree
SELECT x.name, t.line FROM tagstore.taxonomies x, LATERAL tagstore.tree(x.name) WITH ORDINALITY t(line, n)
ORDER BY x.name, t.n;

\echo == find_tags
SELECT x.name, s.search, f.*
FROM tagstore.taxonomies x, unnest(ARRAY['e', 'MAM', 'ü', 'wort']) s(search),
	 LATERAL tagstore.find_tags(x.name, s.search) f
ORDER BY x.name, s.search, f.tag;

\echo == search_tags
SELECT 'all', s.* FROM tagstore.search_tags() s;
SELECT 'taxonomy', s.* FROM tagstore.search_tags(taxonomy => 'BIOLOGY'::text) s;
SELECT 'taxonomies', s.* FROM tagstore.search_tags(:any_taxonomy => ARRAY['sizes', 'colour']) s;
SELECT 'pattern', s.* FROM tagstore.search_tags(value => '*r*'::text, pattern => true) s;
SELECT 'values', s.* FROM tagstore.search_tags(:any_value => ARRAY['OAK', 'pine', 'zürich']) s;
SELECT 'originator', s.* FROM tagstore.search_tags(originator => 'late writer'::text) s;

\echo == tags_of
SELECT e.id, e.entity_type, e.external_id, t.*
FROM tagstore.entity e, LATERAL tagstore.tags_of(e.entity_type, e.external_id) t
ORDER BY e.id, t.tag;
SELECT e.id, 'pattern', t.*
FROM tagstore.entity e, LATERAL tagstore.tags_of(e.entity_type, e.external_id, '*.mammal|tree.*') t
ORDER BY e.id, t.tag;

\echo == tag_history
SELECT i.id, h.*
FROM (SELECT id FROM tagstore.tag UNION SELECT id FROM tagstore.tag_tombstone) i,
	 LATERAL tagstore.tag_history:by_id(i.id) h
ORDER BY i.id, h.revision;
SELECT p.path, h.*
FROM (SELECT path FROM tagstore.tag UNION SELECT path FROM tagstore.tag_tombstone) p,
	 LATERAL tagstore.tag_history(p.path) h
ORDER BY p.path, h.revision;

\echo == tagging_history
SELECT k.tag_id, e.entity_type, e.external_id, h.*
FROM (SELECT tag_id, entity_id FROM tagstore.tagging
	  UNION SELECT tag_id, entity_id FROM tagstore.tagging_revision) k
JOIN tagstore.entity e ON e.id = k.entity_id,
	 LATERAL tagstore.tagging_history:by_id(k.tag_id, e.entity_type, e.external_id) h
ORDER BY k.tag_id, e.id, h.revision;
SELECT t.path, e.entity_type, e.external_id, h.*
FROM tagstore.tagging x JOIN tagstore.tag t ON t.id = x.tag_id JOIN tagstore.entity e ON e.id = x.entity_id,
	 LATERAL tagstore.tagging_history(t.path, e.entity_type, e.external_id) h
ORDER BY t.path, e.id, h.revision;

\echo == tag_id and tag_path
SELECT t.path, tagstore.tag_id(t.path), tagstore.tag_path(t.id), tagstore.tag_id(upper(t.path::text)::tagpath)
FROM tagstore.tag t ORDER BY t.id;

\echo == posting_status
SELECT posted_tags, stale_tags, pending_changes, posting_bytes FROM tagstore.posting_status;  -- 1.0's columns (1.1 adds min_taggings)

-- The stored rows themselves, with 1.0's columns (an update that adds a
-- column keeps these answers; one that converts stored data on purpose
-- says so here).
\echo == stored: taxonomy
SELECT id, name, name_key, description, owner_id, free_form, created_at FROM tagstore.taxonomy ORDER BY id;
\echo == stored: tag
SELECT id, taxonomy_id, parent_id, value, path, key, external_id, description, category, originator,
	   revision, operation, actor, created_at, updated_at FROM tagstore.tag ORDER BY id;
\echo == stored: tag_tombstone
SELECT id, taxonomy_id, key, path, revision, deleted_at FROM tagstore.tag_tombstone ORDER BY id;
\echo == stored: tag_revision
SELECT tag_id, revision, operation, actor, at, state FROM tagstore.tag_revision ORDER BY tag_id, revision;
\echo == stored: entity
SELECT id, entity_type, external_id FROM tagstore.entity ORDER BY id;
\echo == stored: tagging
SELECT tag_id, entity_id, data, revision, operation, tagged_by, tagged_at FROM tagstore.tagging
ORDER BY tag_id, entity_id;
\echo == stored: tagging_revision
SELECT tag_id, entity_id, revision, operation, actor, at, state FROM tagstore.tagging_revision
ORDER BY tag_id, entity_id, revision;
\echo == stored: posted_tag
SELECT tag_id, stale, entities FROM tagstore.posted_tag ORDER BY tag_id;
\echo == stored: posting
SELECT tag_id, chunk, length(members), md5(members) FROM tagstore.posting ORDER BY tag_id, chunk;
\echo == stored: posting_change
SELECT tag_id, entity_id, count(*) FROM tagstore.posting_change GROUP BY tag_id, entity_id ORDER BY tag_id, entity_id;
\echo == stored: sequences
SELECT 'tag', last_value, is_called FROM tagstore.tag_id_seq
UNION ALL SELECT 'entity', last_value, is_called FROM tagstore.entity_id_seq;

-- A user's view and expression index on nlevel(), subpath(), lca() ...,
-- made at 1.0 (load-1.0.sql): 1.1 moves those functions to the schema
-- tagstore, keeping their OIDs, so both still work.  Unqualified calls
-- find them in either schema (search_path below), so one text asks both
-- versions.  The index: used by the planner, kept up by an insert.
\echo == user view and expression index on the moved path functions
SET search_path = public, tagstore;
SELECT * FROM public.user_path_parts ORDER BY p;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT p FROM public.user_paths WHERE nlevel(p) = 3;
BEGIN;
INSERT INTO public.user_paths VALUES ('a.b.c'), ('a.b');
SELECT p, count(*) FROM public.user_paths WHERE nlevel(p) = 3 GROUP BY p ORDER BY p;
ROLLBACK;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET search_path;
