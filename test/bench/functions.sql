-- The SQL of a question for each design, its timing and its answer's
-- hash: used by run.sql and shapes_run.sql, so that both time every design
-- the same way.
\set ON_ERROR_STOP 1
SET search_path = bench, public;

-- An array as a client library writes a list into SQL: psycopg2 renders a
-- Python list as ARRAY[...] of literals.  For tagstore this is also the
-- faster form (an array literal of quoted paths makes array_in unescape
-- each one); for the int[] GIN design both forms measure the same
-- (test/bench/README.md has the figures).
CREATE OR REPLACE FUNCTION array_sql(elements text[], type text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT format('ARRAY[%s]::%s', string_agg(quote_literal(e), ', ' ORDER BY i), type)
	FROM unnest(elements) WITH ORDINALITY AS u(e, i)
$$;

-- The SQL of one question (all tags, as a listing or a count) for one approach.
CREATE OR REPLACE FUNCTION query_sql(approach text, q query_forms, counting boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	parts text[];
	ids text;
BEGIN
	IF approach = 'tagstore' THEN
		RETURN format(CASE WHEN counting THEN 'SELECT tagstore.count_entities_with_all(%s)'
						   ELSE 'SELECT external_id FROM tagstore.entities_with_all(%s)' END,
					  array_sql(q.paths::text[], 'tagpath[]'));
	ELSIF approach = 'int[] GIN' THEN
		RETURN format('SELECT %s FROM b3_entity WHERE ancestors @> %s',
					  CASE WHEN counting THEN 'count(*)' ELSE 'external_id' END, array_sql(q.tags::text[], 'int[]'));
	END IF;
	-- the others find each tag's entities, then intersect
	FOR i IN 1 .. cardinality(q.tags) LOOP
		parts := parts || CASE approach
			WHEN 'recursive CTE' THEN format(
				'SELECT x.entity_id FROM b1_tagging x WHERE x.tag_id IN ('
				'WITH RECURSIVE d(id) AS (SELECT %s UNION ALL SELECT t.id FROM b1_tag t JOIN d ON t.parent = d.id) '
				'SELECT id FROM d)', q.tags[i])
			WHEN 'ltree GiST' THEN format(
				'SELECT entity_id FROM b2_tagging WHERE path <@ %L::ltree', q.lpaths[i])
			WHEN 'text btree' THEN format(
				'SELECT entity_id FROM b4_tagging WHERE path >= %L AND path < %L',
				q.prefixes[i], left(q.prefixes[i], -1) || '0')
			END;
	END LOOP;
	ids := array_to_string(parts, ' INTERSECT ');
	RETURN CASE WHEN counting
		THEN format('SELECT count(DISTINCT x) FROM (%s) s(x)', ids)
		ELSE format('SELECT e.external_id FROM b1_entity e WHERE e.id IN (%s)', ids) END;
END $$;

-- Median milliseconds of a statement's runs after one warm-up: reps runs,
-- and more until they add up to 20 ms (at most 200), so that a statement
-- of a few dozen microseconds is timed over many runs rather than over
-- three that a hiccup of this shared machine can move by half.
CREATE OR REPLACE FUNCTION time_sql(stmt text, reps int) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times numeric[] := '{}';
	total numeric := 0;
	dummy bigint;
BEGIN
	-- a listing is consumed whole: every external id is fetched
	stmt := format('SELECT count(*) + coalesce(sum(length(x::text)), 0) FROM (%s) s(x)', stmt);
	EXECUTE stmt INTO dummy;
	WHILE cardinality(times) < reps OR (total < 20 AND cardinality(times) < 200) LOOP
		t0 := clock_timestamp();
		EXECUTE stmt INTO dummy;
		times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
		total := total + times[cardinality(times)];
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END $$;

-- The answer of a statement, for the cross-check.
CREATE OR REPLACE FUNCTION answer(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE format('SELECT md5(coalesce(string_agg(x::text, '','' ORDER BY x::text), '''')) FROM (%s) s(x)', stmt) INTO r;
	RETURN r;
END $$;
