-- The data set of the upkeep run (bench.sh upkeep), in its own database:
-- a taxonomy of 2,020 tags in three levels created level by level (20
-- broad tags, 200 mid, 1,800 leaves), :entities entities tagged with 5
-- leaves each, the postings built.  Figures, not tests.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION tagstore;
SET tagstore.auto_refresh = off;
SELECT tagstore.create_taxonomy('T') IS NOT NULL AS created \gset
SELECT count(tagstore.add_tag('T', 'a' || i)) AS broad FROM generate_series(1, 20) i \gset
SELECT count(tagstore.add_tag('T', 'b' || i || '_' || j, ('T.a' || i)::tagpath))
FROM generate_series(1, 20) i, generate_series(1, 10) j \gset
SELECT count(tagstore.add_tag('T', 'c' || i || '_' || j || '_' || k, ('T.a' || i || '.b' || i || '_' || j)::tagpath))
FROM generate_series(1, 20) i, generate_series(1, 10) j, generate_series(1, 9) k \gset
CREATE TEMP TABLE leaves AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM tagstore.tag WHERE value LIKE 'c%';
SELECT count(*) AS loaded FROM (
	SELECT tagstore.add_tag_to_many_by_id(l.id, 'doc', array_agg('e' || e))
	FROM (SELECT e, 1 + (e * 7 + k * 131) % 1800 AS n FROM generate_series(1, :entities) e, generate_series(1, 5) k) s
	JOIN leaves l USING (n) GROUP BY l.id) x \gset
SELECT tagstore.refresh_postings(rebuild => true) > 0 AS posted;
VACUUM ANALYZE;
SELECT min(id) AS first_leaf, max(id) AS last_leaf FROM leaves \gset
\echo leaves :first_leaf :last_leaf
