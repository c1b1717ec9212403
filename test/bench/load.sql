-- Loads the generated data set into tagstore and the four designs a user
-- would otherwise build, all in this database (psql -v datadir=DIR).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS tagstore CASCADE;
CREATE EXTENSION tagstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS intarray;
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.raw_tags, bench.raw_taggings, bench.queries, bench.chain,
	bench.b1_tag, bench.b1_entity, bench.b1_tagging, bench.b2_tagging, bench.b3_entity,
	bench.b4_tagging, bench.query_forms, bench.w_tagging CASCADE;
SET search_path = bench, public;

CREATE TABLE raw_tags (id int PRIMARY KEY, taxonomy text, parent int, value text, depth int);
CREATE TABLE raw_taggings (entity int, entity_type text, external_id text, tag int);
CREATE TABLE queries (id int PRIMARY KEY, class text, tags int[]);
\set f :datadir '/tags.csv'
COPY raw_tags FROM :'f' CSV;
\set f :datadir '/taggings.csv'
COPY raw_taggings FROM :'f' CSV;
\set f :datadir '/queries.csv'
COPY queries FROM :'f' CSV;

-- every tag's ancestor chain (ids, root first) and its name as a tagpath
CREATE TABLE chain AS
	WITH RECURSIVE c(id, ids, labels) AS (
		SELECT id, ARRAY[id], ARRAY[taxonomy, value] FROM raw_tags WHERE parent = 0
		UNION ALL
		SELECT t.id, c.ids || t.id, c.labels || t.value FROM raw_tags t JOIN c ON t.parent = c.id
	)
	SELECT id, ids, tagpath(labels) AS path FROM c;
ALTER TABLE chain ADD PRIMARY KEY (id);

\echo loading tagstore
-- exactly the rows the API would write (a bulk import), without the call overhead
SELECT count(tagstore.create_taxonomy(taxonomy)) FROM (SELECT DISTINCT taxonomy FROM raw_tags) s;
INSERT INTO tagstore.tag (id, taxonomy_id, parent_id, value, path, key, originator, actor)
SELECT r.id, x.id, nullif(r.parent, 0), r.value, c.path, label_casefold(c.path), 'bench', 'bench'
FROM raw_tags r JOIN chain c USING (id)
JOIN tagstore.taxonomy x ON x.name = r.taxonomy
ORDER BY r.id;
SELECT setval(pg_get_serial_sequence('tagstore.tag', 'id'), (SELECT max(id) FROM tagstore.tag));
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT DISTINCT entity, entity_type, external_id FROM raw_taggings ORDER BY entity;
SELECT setval(pg_get_serial_sequence('tagstore.entity', 'id'), (SELECT max(id) FROM tagstore.entity));
-- a bulk load may skip the change log, since a full refresh follows
ALTER TABLE tagstore.tagging DISABLE TRIGGER tagging_changed;
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT tag, entity, 'bench' FROM raw_taggings ORDER BY entity, tag;
ALTER TABLE tagstore.tagging ENABLE TRIGGER tagging_changed;
SELECT clock_timestamp() AS t0 \gset
SELECT tagstore.refresh_postings(rebuild => true);
\echo closure postings built in
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 1) AS seconds,
	   (SELECT count(*) FROM tagstore.posted_tag) AS "posted tags";

\echo loading 1: adjacency list, searched with WITH RECURSIVE
CREATE TABLE b1_tag (id int PRIMARY KEY, parent int, value text);
INSERT INTO b1_tag SELECT id, nullif(parent, 0), value FROM raw_tags;
CREATE INDEX ON b1_tag (parent);
CREATE TABLE b1_entity (id int PRIMARY KEY, entity_type text, external_id text);
INSERT INTO b1_entity SELECT DISTINCT entity, entity_type, external_id FROM raw_taggings ORDER BY 1;
CREATE TABLE b1_tagging (tag_id int, entity_id int, PRIMARY KEY (tag_id, entity_id));
INSERT INTO b1_tagging SELECT tag, entity FROM raw_taggings ORDER BY entity, tag;
CREATE INDEX ON b1_tagging (entity_id);

\echo loading 2: ltree paths of tag ids per tagging, GiST
CREATE TABLE b2_tagging (entity_id int, path ltree);
INSERT INTO b2_tagging
SELECT r.entity, array_to_string(c.ids, '.')::ltree FROM raw_taggings r JOIN chain c ON c.id = r.tag
ORDER BY r.entity, r.tag;
CREATE INDEX ON b2_tagging USING gist (path gist_ltree_ops (siglen = 100));

\echo loading 3: int[] of ancestor-or-self ids per entity, intarray GIN
CREATE TABLE b3_entity (id int PRIMARY KEY, entity_type text, external_id text, ancestors int[]);
INSERT INTO b3_entity
SELECT r.entity, min(r.entity_type), min(r.external_id), sort(uniq(sort(array_agg(a))))
FROM raw_taggings r JOIN chain c ON c.id = r.tag, unnest(c.ids) a
GROUP BY r.entity ORDER BY r.entity;
CREATE INDEX ON b3_entity USING gin (ancestors gin__int_ops);

\echo loading 4: C-collated materialised text path per tagging, btree prefix range
CREATE TABLE b4_tagging (entity_id int, path text COLLATE "C");
INSERT INTO b4_tagging
SELECT r.entity, '/' || array_to_string(c.ids, '/') || '/' FROM raw_taggings r JOIN chain c ON c.id = r.tag
ORDER BY r.entity, r.tag;
CREATE INDEX ON b4_tagging (path, entity_id);

-- the query tags as tagstore names, ltree paths and text prefixes
CREATE TABLE query_forms AS
SELECT q.id, q.class, q.tags,
	   ARRAY(SELECT c.path FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS paths,
	   ARRAY(SELECT array_to_string(c.ids, '.')::ltree FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS lpaths,
	   ARRAY(SELECT '/' || array_to_string(c.ids, '/') || '/' FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS prefixes
FROM queries q;

VACUUM ANALYZE;

-- the write baseline: a plain (entity, tag) table with a btree, same contents
CREATE TABLE w_tagging (entity_id int, tag_id int, PRIMARY KEY (entity_id, tag_id));
INSERT INTO w_tagging SELECT entity, tag FROM raw_taggings ORDER BY entity, tag;
VACUUM ANALYZE w_tagging;
