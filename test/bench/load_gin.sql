-- The int[]/GIN design: each entity's tags with their ancestors as a sorted
-- int[], intarray's GIN index: used by load.sql and shapes_load.sql.
\echo loading 3: int[] of ancestor-or-self ids per entity, intarray GIN
CREATE TABLE b3_entity (id int PRIMARY KEY, entity_type text, external_id text, ancestors int[]);
INSERT INTO b3_entity
SELECT r.entity, min(r.entity_type), min(r.external_id), sort(uniq(sort(array_agg(a))))
FROM raw_taggings r JOIN chain c ON c.id = r.tag, unnest(c.ids) a
GROUP BY r.entity ORDER BY r.entity;
CREATE INDEX ON b3_entity USING gin (ancestors gin__int_ops);
