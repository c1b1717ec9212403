-- Records each design's disk footprint right after loading (before the
-- write tests leave dead tuples behind), and again once the indexes that
-- loading filled row by row are rebuilt in one pass, as CREATE INDEX after
-- a bulk load builds the others (GIN, GiST, text btree): tagstore's, and
-- the adjacency list's and entity tables' declared keys.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = bench, public;
CREATE TABLE IF NOT EXISTS sizes (entities int, state text, name text, bytes numeric, gin_bytes numeric);
DELETE FROM sizes WHERE entities = (SELECT count(*) FROM tagstore.entity);
CREATE FUNCTION pg_temp.record_sizes(state text) RETURNS void LANGUAGE sql AS $$
WITH design(name, rels) AS (VALUES
	('tagstore', ARRAY['tagstore.taxonomy', 'tagstore.tag', 'tagstore.tag_tombstone', 'tagstore.tag_revision',
					   'tagstore.entity', 'tagstore.tagging', 'tagstore.tagging_revision',
					   'tagstore.posted_tag', 'tagstore.posting', 'tagstore.posting_change']),
	('recursive CTE', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b1_tagging']),
	('ltree GiST', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b2_tagging']),
	('int[] GIN', ARRAY['bench.b1_tag', 'bench.b3_entity']),
	('text btree', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b4_tagging'])
)
INSERT INTO bench.sizes
SELECT (SELECT count(*) FROM tagstore.entity), state, name, sum(pg_total_relation_size(r::regclass)),
	   (SELECT sum(pg_total_relation_size(x::regclass)) FROM unnest(ARRAY['bench.b1_tag', 'bench.b3_entity']) x)
FROM design, unnest(rels) r GROUP BY name
$$;
\o /dev/null
SELECT pg_temp.record_sizes('after loading');
REINDEX SCHEMA tagstore;
REINDEX TABLE b1_tag;
REINDEX TABLE b1_entity;
REINDEX TABLE b1_tagging;
REINDEX TABLE b3_entity;
SELECT pg_temp.record_sizes('indexes rebuilt');
\o
