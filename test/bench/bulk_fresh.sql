-- One fresh database, :n taggings in one statement: tagstore against plain
-- SQL (bulk.sql).
SET client_min_messages = warning;
CREATE EXTENSION tagstore;
SET tagstore.auto_refresh = off;	-- the write alone, as plain SQL has no postings
SELECT tagstore.create_taxonomy('T') IS NOT NULL AS created \gset
SELECT count(tagstore.add_tag('T', 'x' || i)) AS tags FROM generate_series(1, 400) i \gset
CREATE TABLE p_entity (id bigserial PRIMARY KEY, entity_type text NOT NULL, external_id text NOT NULL,
	UNIQUE (entity_type, external_id));
CREATE TABLE p_tagging (tag_id bigint, entity_id bigint, PRIMARY KEY (tag_id, entity_id));
CREATE TABLE pairs AS
SELECT t, 'e' || ((t * 7919 + k) % (:n / 2)) AS x FROM generate_series(1, 400) t, generate_series(1, :n / 400) k;
SELECT timed(format($q$SELECT count(*) FROM (SELECT tagstore.add_tag_to_many(('T.x' || t)::tagpath, 'doc', array_agg(x))
	FROM pairs GROUP BY t) s$q$)) AS tagstore_ms \gset
SELECT timed($q$INSERT INTO p_entity (entity_type, external_id) SELECT DISTINCT 'doc', x FROM pairs ON CONFLICT DO NOTHING$q$)
	 + timed($q$INSERT INTO p_tagging SELECT t, e.id FROM pairs JOIN p_entity e ON e.entity_type = 'doc' AND e.external_id = x
	ON CONFLICT DO NOTHING$q$) AS plain_ms \gset
SELECT :n AS taggings, (SELECT count(*) FROM tagstore.tagging) AS tagstore_rows, (SELECT count(*) FROM p_tagging) AS plain_rows,
	   round(:tagstore_ms::numeric, 0) AS tagstore_ms, round(:plain_ms::numeric, 0) AS plain_ms,
	   round((:plain_ms / :tagstore_ms)::numeric, 2) AS pace_vs_plain;
