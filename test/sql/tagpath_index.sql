-- Every index path returns exactly what a sequential scan returns: btree
-- (with the planner rewrite of <@ and @>), hash, GiST for tagpath (default
-- and tiny signatures, deep and long paths), GiST for tagpath[].
-- (Its tables live in their own schema.)
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA ix;
SET search_path = ix, public;

-- index_agrees(table, index, conditions): runs each WHERE condition once
-- with a sequential scan only, then with index scans only and with bitmap
-- scans only, and counts the conditions whose answers differ.  It also
-- counts the plans that really used the index, and the rows found, so that
-- a vacuous pass would show.
CREATE FUNCTION index_agrees(tbl text, idx text, conds text[],
	OUT cases int, OUT disagreements int, OUT index_plans int, OUT rows_found bigint)
LANGUAGE plpgsql AS $$
DECLARE
	cond text;
	mode text;
	expected int[];
	got int[];
	line text;
	used bool;
BEGIN
	cases := 0; disagreements := 0; index_plans := 0; rows_found := 0;
	FOREACH cond IN ARRAY conds LOOP
		PERFORM set_config('enable_seqscan', 'on', true);
		PERFORM set_config('enable_indexscan', 'off', true);
		PERFORM set_config('enable_bitmapscan', 'off', true);
		EXECUTE format('SELECT array_agg(id ORDER BY id) FROM %s WHERE %s', tbl, cond) INTO expected;
		rows_found := rows_found + coalesce(cardinality(expected), 0);
		FOREACH mode IN ARRAY ARRAY['enable_indexscan', 'enable_bitmapscan'] LOOP
			PERFORM set_config('enable_seqscan', 'off', true);
			PERFORM set_config('enable_indexscan', (mode = 'enable_indexscan')::text, true);
			PERFORM set_config('enable_bitmapscan', (mode = 'enable_bitmapscan')::text, true);
			used := false;
			FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) SELECT id FROM %s WHERE %s', tbl, cond) LOOP
				used := used OR position(idx IN line) > 0;
			END LOOP;
			EXECUTE format('SELECT array_agg(id ORDER BY id) FROM %s WHERE %s', tbl, cond) INTO got;
			cases := cases + 1;
			index_plans := index_plans + used::int;
			IF got IS DISTINCT FROM expected THEN
				disagreements := disagreements + 1;
				RAISE NOTICE 'index % disagrees on %: % rows instead of %', idx, cond,
					coalesce(cardinality(got), 0), coalesce(cardinality(expected), 0);
			END IF;
		END LOOP;
	END LOOP;
	PERFORM set_config('enable_seqscan', 'on', true);
	PERFORM set_config('enable_indexscan', 'on', true);
	PERFORM set_config('enable_bitmapscan', 'on', true);
END $$;

-- data: ltree's paths, random paths, awkward labels (ltree's regression
-- data, test/data/, read by psql: \copy, held whole in a variable to take
-- the file's name)
\set ltree_data :abs_srcdir '/data/ltree.data'
\set array_data :abs_srcdir '/data/_ltree.data'
\set copy_raw_paths '\\copy raw_paths FROM ' :'ltree_data'
\set copy_raw_arrays '\\copy raw_arrays FROM ' :'array_data'
CREATE TABLE raw_paths (t text);
:copy_raw_paths
SELECT setseed(0.31);
INSERT INTO raw_paths
  SELECT (SELECT string_agg((ARRAY['a','b','c','ab','Äb','"x y"','"d.e"','B'])[1 + floor(random() * 8)::int], '.')
          FROM generate_series(1, 1 + floor(random() * 7)::int) WHERE g > 0)
  FROM generate_series(1, 1500) g;
CREATE TABLE tp AS SELECT row_number() OVER ()::int AS id, t::tagpath AS t FROM raw_paths;

-- probes: paths from the table, their parents, and paths not in it
CREATE TABLE probes AS
  SELECT DISTINCT p FROM (
    SELECT t AS p FROM tp WHERE id % 40 = 0
    UNION ALL SELECT parent(t) FROM tp WHERE id % 97 = 0 AND t <> ''
    UNION ALL VALUES (''::tagpath), ('a'), ('Äb."x y"'), ('"d.e".B'), ('zz.top'), ('1.2.3')) s;
CREATE TABLE patterns (q text);
INSERT INTO patterns VALUES ('*'), ('a.*'), ('*.a'), ('*.ab.*'), ('*.äb@.*'), ('*.ÄB@.*'),
  ('"x y".*'), ('*."d.e".*{2}'), ('a.b.*'), ('a.b'), ('*.!a.*'), ('!a.*'), ('a*.*'),
  ('*.a|b.c'), ('*{2}.B'), ('1.*'), ('*.2.*'), ('zz.*'), ('*.x@*.*'), ('a%.*'), ('*.a{2,}.*');
SELECT setseed(0.5);
INSERT INTO patterns
  SELECT (SELECT string_agg(
            CASE floor(random() * 5)::int
              WHEN 0 THEN '*'
              WHEN 1 THEN '!' || (ARRAY['a','b','B'])[1 + floor(random() * 3)::int]
              ELSE (ARRAY['a','b','c','ab','Äb','äB@','"x y"','"d.e"','B','1','2','x*'])[1 + floor(random() * 12)::int]
            END, '.')
          FROM generate_series(1, 1 + floor(random() * 4)::int) WHERE g > 0)
  FROM generate_series(1, 80) g;

CREATE TABLE conditions (kind text, cond text);
INSERT INTO conditions
  SELECT 'order', format('t %s %L::tagpath', op, p)
  FROM probes, unnest(ARRAY['=', '<', '<=', '>', '>=']) op;
INSERT INTO conditions
  SELECT 'ancestry', format('t %s %L::tagpath', op, p)
  FROM probes, unnest(ARRAY['<@', '@>']) op;
INSERT INTO conditions
  SELECT 'ancestry', format('%L::tagpath %s t', p, op)
  FROM probes, unnest(ARRAY['<@', '@>']) op WHERE random() < 0.2;
INSERT INTO conditions SELECT 'pattern', format('t ~ %L::tagquery', q) FROM patterns;
INSERT INTO conditions
  SELECT 'pattern', format('t ? %L::tagquery[]', array_agg(q))
  FROM (SELECT q, row_number() OVER () / 3 AS grp FROM patterns) s GROUP BY grp;

INSERT INTO conditions
  SELECT 'pattern', format('t @ %L::tagtxtquery', q)
  FROM (VALUES ('a'), ('a & b'), ('a | "x y"'), ('!a'), ('äb@ & !B'), ('"d.e" & (a | c)'), ('x* | 1'),
               ('ab% & b'), ('A@ & B@'), ('zz'), ('2 & 1')) v(q);

CREATE TEMP TABLE report (index_kind text, kind text, cases int, disagreements int,
                          index_plans int, rows_found bigint);

-- btree: order operators, and <@ / @> through the planner rewrite
CREATE INDEX tp_btree ON tp (t);
ANALYZE tp;
INSERT INTO report
  SELECT 'btree', kind, (r).* FROM (
    SELECT kind, index_agrees('tp', 'tp_btree', array_agg(cond)) AS r
    FROM conditions WHERE kind IN ('order', 'ancestry') GROUP BY kind) s;
-- the rewrite is exact: no recheck, and an index-only scan is possible
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT t FROM tp WHERE t <@ 'a.b';
EXPLAIN (COSTS OFF) SELECT t FROM tp WHERE 'a.b.c' <@ t;
-- parameters of a generic plan are bounded at run time
SET plan_cache_mode = force_generic_plan;
PREPARE below(tagpath) AS SELECT count(*) FROM tp WHERE t <@ $1;
PREPARE above(tagpath) AS SELECT count(*) FROM tp WHERE t @> $1;
EXPLAIN (COSTS OFF) EXECUTE below('a');
EXPLAIN (COSTS OFF) EXECUTE above('a.b');
CREATE TEMP TABLE generic_answers AS
  SELECT p, (SELECT count(*) FROM tp WHERE t <@ p) AS below, (SELECT count(*) FROM tp WHERE t @> p) AS above
  FROM probes;
RESET enable_seqscan;
SET enable_indexscan = off; SET enable_bitmapscan = off;
SELECT count(*) AS probes,
       count(*) FILTER (WHERE below = (SELECT count(*) FROM tp WHERE t <@ p)
                          AND above = (SELECT count(*) FROM tp WHERE t @> p)) AS generic_plans_agree
FROM generic_answers;
RESET enable_indexscan; RESET enable_bitmapscan;
RESET plan_cache_mode;
DEALLOCATE below; DEALLOCATE above;
DROP INDEX tp_btree;

-- hash
CREATE INDEX tp_hash ON tp USING hash (t);
INSERT INTO report
  SELECT 'hash', 'equality', (index_agrees('tp', 'tp_hash', array_agg(cond))).*
  FROM conditions WHERE cond LIKE 't = %';
DROP INDEX tp_hash;

-- GiST, default signature, then a tiny one that saturates (all-true keys)
CREATE INDEX tp_gist ON tp USING gist (t);
INSERT INTO report
  SELECT 'gist', kind, (r).* FROM (
    SELECT kind, index_agrees('tp', 'tp_gist', array_agg(cond)) AS r FROM conditions GROUP BY kind) s;
DROP INDEX tp_gist;
CREATE INDEX tp_gist_tiny ON tp USING gist (t gist_tagpath_ops (siglen = 1));
INSERT INTO report
  SELECT 'gist siglen=1', kind, (r).* FROM (
    SELECT kind, index_agrees('tp', 'tp_gist_tiny', array_agg(cond)) AS r FROM conditions GROUP BY kind) s;
DROP INDEX tp_gist_tiny;
SELECT errcheck($$CREATE INDEX ON tp USING gist (t gist_tagpath_ops (siglen = 0))$$);
SELECT errcheck($$CREATE INDEX ON tp USING gist (t gist_tagpath_ops (siglen = 2025))$$);

-- deep and long paths: hundreds of levels, labels of thousands of characters
SELECT setseed(0.9);
CREATE TABLE deep (id int, t tagpath);
INSERT INTO deep
  SELECT g, tagpath(ARRAY(SELECT 'L' || (k % 7) || substr(md5((g / 10 * 1000 + k)::text), 1, 6)
                          FROM generate_series(1, 150 + g % 300) k))
  FROM generate_series(1, 200) g;
INSERT INTO deep
  SELECT 1000 + g, tagpath(ARRAY['long', (SELECT string_agg(md5((g * 100 + k)::text), '')
                                          FROM generate_series(1, 120) k), 'x' || g % 3])
  FROM generate_series(1, 20) g;
SELECT count(*) AS deep_paths, max(tagstore.nlevel(t)) AS max_levels, max(pg_column_size(t)) AS max_bytes,
       max((SELECT max(length(l)) FROM unnest(labels(t)) l)) AS max_label_chars
FROM deep;
CREATE INDEX deep_gist ON deep USING gist (t);
CREATE TABLE deep_conditions AS
  SELECT format('t <@ %L::tagpath', tagstore.subpath(t, 0, 50 + id % 40)) AS cond FROM deep WHERE id % 9 = 0
  UNION ALL SELECT format('t @> %L::tagpath', t || 'extra') FROM deep WHERE id % 11 = 0
  UNION ALL SELECT format('t = %L::tagpath', t) FROM deep WHERE id % 13 = 0
  UNION ALL SELECT format('t < %L::tagpath', t) FROM deep WHERE id % 31 = 0
  UNION ALL SELECT format('t ~ %L::tagquery', '*.' || leaf(tagstore.subpath(t, 0, 30)) || '.*') FROM deep WHERE id % 17 = 0
  UNION ALL SELECT format('t ~ %L::tagquery', 'long.' || left((labels(t))[2], 200) || '*.*') FROM deep WHERE id > 1000 AND id % 5 = 0;
INSERT INTO report
  SELECT 'gist deep', 'mixed', (index_agrees('deep', 'deep_gist', array_agg(cond))).* FROM deep_conditions;

-- tagpath[]: _ltree.data, plus arrays holding the empty path
CREATE TABLE raw_arrays (a text);
:copy_raw_arrays
CREATE TABLE ta AS SELECT row_number() OVER ()::int AS id, a::tagpath[] AS a FROM raw_arrays;
INSERT INTO ta VALUES (5001, '{}'), (5002, '{""}'), (5003, '{"",1.2}'), (5004, ARRAY['"x y".Äb'::tagpath]);
CREATE TABLE array_conditions (cond text);
INSERT INTO array_conditions
  SELECT format('a %s %L::tagpath', op, p)
  FROM (SELECT DISTINCT p FROM (
          SELECT unnest(a) AS p FROM ta WHERE id % 50 = 0
          UNION ALL SELECT tagstore.subpath(unnest(a), 0, 1) FROM ta WHERE id % 70 = 0
          UNION ALL VALUES (''::tagpath), ('"x y"'), ('99.98')) s) probes,
       unnest(ARRAY['@>', '<@']) op;
INSERT INTO array_conditions
  SELECT format('a ~ %L::tagquery', q)
  FROM (VALUES ('*.1.*'), ('1.*'), ('*.2.3.*'), ('*.!1.*'), ('*'), ('*{0}'), ('*.äb@'), ('23.*{1}.1'),
               ('*.3|4.*'), ('1*.*'), ('*.1%.*'), ('*.25.*.7')) v(q);
INSERT INTO array_conditions
  SELECT format('a @ %L::tagtxtquery', q)
  FROM (VALUES ('1'), ('1 & 2'), ('23 | 7'), ('!1'), ('äb@'), ('1* & !2'), ('(3 | 4) & 5')) v(q);
INSERT INTO array_conditions VALUES ($$a ? '{*.1.2,2.*,*.äb@}'::tagquery[]$$), ($$'1.2' <@ a$$), ($$'1' @> a$$);
CREATE INDEX ta_gist ON ta USING gist (a);
INSERT INTO report
  SELECT 'gist tagpath[]', 'mixed', (index_agrees('ta', 'ta_gist', array_agg(cond))).* FROM array_conditions;
DROP INDEX ta_gist;
CREATE INDEX ta_gist_tiny ON ta USING gist (a gist__tagpath_ops (siglen = 2));
INSERT INTO report
  SELECT 'gist tagpath[] siglen=2', 'mixed', (index_agrees('ta', 'ta_gist_tiny', array_agg(cond))).* FROM array_conditions;

-- no index may disagree with a scan; each must have been used, on
-- conditions that find rows
SELECT index_kind, kind, cases, disagreements, index_plans = cases AS index_always_used,
       rows_found > 0 AS found_rows
FROM report ORDER BY index_kind, kind;

-- the default signature does not saturate on a taxonomy of 100k distinct
-- labels: an unanchored one-label pattern ('*.n12345.*') reads a small
-- part of the index, where a 1-byte signature must read nearly all of it
CREATE TABLE big_tree AS
  SELECT row_number() OVER ()::int AS id,
         tagpath(array['root', 'n' || a, 'n' || a || '_' || b, 'n' || a || '_' || b || '_' || c]) AS t
  FROM generate_series(1, 50) a, generate_series(1, 40) b, generate_series(1, 50) c;
SELECT count(*) AS paths,
       (SELECT count(DISTINCT l) FROM big_tree, unnest(labels(t)) l) AS distinct_labels FROM big_tree;
CREATE FUNCTION index_share_read(idx text, cond text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	plan json;
	blocks numeric;
BEGIN
	PERFORM set_config('enable_seqscan', 'off', true);
	PERFORM set_config('enable_bitmapscan', 'on', true);
	EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, COSTS OFF, FORMAT JSON) SELECT id FROM big_tree WHERE '
		|| cond INTO plan;
	-- the bitmap index scan under the bitmap heap scan
	blocks := (plan -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Shared Hit Blocks')::numeric
			+ (plan -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Shared Read Blocks')::numeric;
	RETURN round(blocks / (pg_relation_size(idx::regclass) / current_setting('block_size')::int), 3);
END $$;
CREATE INDEX big_gist ON big_tree USING gist (t);
CREATE INDEX big_gist_tiny ON big_tree USING gist (t gist_tagpath_ops (siglen = 1));
DROP INDEX big_gist_tiny;
SELECT cond, index_share_read('big_gist', cond) < 0.10 AS default_reads_under_10_percent
FROM (VALUES ('t ~ ''*.n17_23_42'''), ('t ~ ''*.n3_7.*'''), ('t ~ ''root.*.n9_9_9''')) v(cond);
DROP INDEX big_gist;
CREATE INDEX big_gist_tiny ON big_tree USING gist (t gist_tagpath_ops (siglen = 1));
SELECT cond, index_share_read('big_gist_tiny', cond) > 0.50 AS tiny_reads_over_half
FROM (VALUES ('t ~ ''*.n17_23_42'''), ('t ~ ''*.n3_7.*''')) v(cond);
