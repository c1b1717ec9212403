-- Loads one data set of shapes.py into tagstore and the int[]/GIN design,
-- in a database of its own (psql -v datadir=DIR): tagstore gets the tags
-- as created, then the edits of moves.csv through tagstore.move_tag and a
-- refresh of its postings; the GIN design gets the tree as it stands after
-- the edits, as a design that keeps ancestors per entity must.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION tagstore;
CREATE EXTENSION ltree;
CREATE EXTENSION intarray;
CREATE SCHEMA bench;
SET search_path = bench, public;

CREATE TABLE raw_tags (id int PRIMARY KEY, taxonomy text, parent int, value text, depth int);
CREATE TABLE raw_taggings (entity int, entity_type text, external_id text, tag int);
CREATE TABLE raw_moves (ord serial, tag int, new_parent int);
CREATE TABLE shape_queries (id int PRIMARY KEY, class text, tags int[], subtree_tags int[],
							subtree_taggings int[]);
\set f :datadir '/tags.csv'
COPY raw_tags FROM :'f' CSV;
\set f :datadir '/taggings.csv'
COPY raw_taggings FROM :'f' CSV;
\set f :datadir '/moves.csv'
COPY raw_moves (tag, new_parent) FROM :'f' CSV;
\set f :datadir '/queries.csv'
COPY shape_queries FROM :'f' CSV;

\ir load_chain.sql
\ir load_tagstore.sql

-- the edits, one move_tag each, then the postings they made stale
SELECT clock_timestamp() AS t0 \gset
DO $$
DECLARE
	m raw_moves;
BEGIN
	FOR m IN SELECT * FROM raw_moves ORDER BY ord LOOP
		PERFORM tagstore.move_tag_by_id(m.tag, m.new_parent);
	END LOOP;
END $$;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 1) AS moves_s \gset
SELECT clock_timestamp() AS t0 \gset
SELECT tagstore.refresh_postings();
SELECT (SELECT count(*) FROM raw_moves) AS moves,
	   round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 1) AS refresh_s,
	   (SELECT count(*) FROM tagstore.posted_tag) AS posted,
	   pg_size_pretty(pg_total_relation_size('tagstore.posting')) AS posting_size,
	   pg_size_pretty(pg_total_relation_size('tagstore.tagging')) AS tagging_size \gset
\echo :posted posted tags; postings :posting_size, taggings :tagging_size; :moves moves in :moves_s s, the refresh after them :refresh_s s

-- the tree after the edits, for the GIN design and the questions
UPDATE raw_tags r SET parent = m.new_parent FROM raw_moves m WHERE m.tag = r.id;
DROP TABLE chain;
\ir load_chain.sql
SELECT count(*) > 0 AS misnamed FROM tagstore.tag t JOIN chain c USING (id) WHERE t.path <> c.path \gset
\if :misnamed
	\echo tags named otherwise by tagstore than by the edited tree
	SELECT 1 / 0;
\endif
\ir load_gin.sql
CREATE TABLE queries AS SELECT id, class, tags FROM shape_queries;
\ir load_query_forms.sql
VACUUM ANALYZE;
