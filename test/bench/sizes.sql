-- Records each design's disk footprint right after loading (before the
-- write tests leave dead tuples behind).
\set ON_ERROR_STOP 1
SET search_path = bench, public;
CREATE TABLE IF NOT EXISTS sizes (entities int, name text, bytes numeric, gin_bytes numeric);
DELETE FROM sizes WHERE entities = (SELECT count(*) FROM tagstore.entity);
WITH design(name, rels) AS (VALUES
	('tagstore', ARRAY['tagstore.taxonomy', 'tagstore.tag', 'tagstore.tag_tombstone', 'tagstore.tag_revision',
					   'tagstore.entity', 'tagstore.tagging', 'tagstore.tagging_revision',
					   'tagstore.posted_tag', 'tagstore.posting', 'tagstore.posting_change']),
	('recursive CTE', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b1_tagging']),
	('ltree GiST', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b2_tagging']),
	('int[] GIN', ARRAY['bench.b1_tag', 'bench.b3_entity']),
	('text btree', ARRAY['bench.b1_tag', 'bench.b1_entity', 'bench.b4_tagging'])
)
INSERT INTO sizes
SELECT (SELECT count(*) FROM tagstore.entity), name, sum(pg_total_relation_size(r::regclass)),
	   (SELECT sum(pg_total_relation_size(x::regclass)) FROM unnest(ARRAY['bench.b1_tag', 'bench.b3_entity']) x)
FROM design, unnest(rels) r GROUP BY name;
