-- A database of :n entities (never analyzed), then 500 calls of 10 new ids
-- each: add_tag_to_many, then remove_tag_from_many of the same (bulk.sql).
SET client_min_messages = warning;
CREATE EXTENSION tagstore;
SET tagstore.auto_refresh = off;
SELECT tagstore.create_taxonomy('T') IS NOT NULL AS created \gset
SELECT count(tagstore.add_tag('T', 'x' || i)) AS tags FROM generate_series(1, 100) i \gset
SELECT count(*) AS loaded FROM (SELECT tagstore.add_tag_to_many(('T.x' || (1 + b % 100))::tagpath, 'doc',
	ARRAY(SELECT 'e' || k FROM generate_series(b * 1000, b * 1000 + 999) k)) FROM generate_series(0, :n / 1000 - 1) b) s \gset
SELECT timed($q$SELECT count(*) FROM (SELECT tagstore.add_tag_to_many(('T.x' || (1 + c % 100))::tagpath, 'doc',
	ARRAY(SELECT 'n' || (c * 10 + k) FROM generate_series(1, 10) k)) FROM generate_series(1, 500) c) s$q$) AS add_ms \gset
SELECT timed($q$SELECT count(*) FROM (SELECT tagstore.remove_tag_from_many(('T.x' || (1 + c % 100))::tagpath, 'doc',
	ARRAY(SELECT 'n' || (c * 10 + k) FROM generate_series(1, 10) k)) FROM generate_series(1, 500) c) s$q$) AS remove_ms \gset
SELECT :n AS entities, round(:add_ms::numeric, 1) AS add_500_calls_ms, round(:remove_ms::numeric, 1) AS remove_500_calls_ms;
