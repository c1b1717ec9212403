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

\ir load_chain.sql

\ir load_tagstore.sql

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

\ir load_gin.sql

\echo loading 4: C-collated materialised text path per tagging, btree prefix range
CREATE TABLE b4_tagging (entity_id int, path text COLLATE "C");
INSERT INTO b4_tagging
SELECT r.entity, '/' || array_to_string(c.ids, '/') || '/' FROM raw_taggings r JOIN chain c ON c.id = r.tag
ORDER BY r.entity, r.tag;
CREATE INDEX ON b4_tagging (path, entity_id);

\ir load_query_forms.sql

VACUUM ANALYZE;

-- the write baseline: a plain (entity, tag) table with a btree, same contents
CREATE TABLE w_tagging (entity_id int, tag_id int, PRIMARY KEY (entity_id, tag_id));
INSERT INTO w_tagging SELECT entity, tag FROM raw_taggings ORDER BY entity, tag;
VACUUM ANALYZE w_tagging;
