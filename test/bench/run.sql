-- Runs the query mix against tagstore and the four baselines, checks that
-- every approach finds the same entities, and prints medians and ratios.
-- Timing is server-side (clock_timestamp around EXECUTE), the same for all.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = bench, public;

\ir functions.sql

CREATE TABLE IF NOT EXISTS results (entities int, form text, class text, query int, approach text,
									ms numeric, answer text);
DELETE FROM results WHERE entities = (SELECT count(*) FROM tagstore.entity);

SELECT current_setting('bench.reps') AS reps \gset
\echo running the query mix (median of :reps runs each, or of more up to 200 until they take 20 ms)
DO $$
DECLARE
	q query_forms;
	a text;
	f text;
	n int := (SELECT count(*) FROM tagstore.entity);
	reps int := current_setting('bench.reps')::int;
BEGIN
	FOR q IN SELECT * FROM query_forms ORDER BY id LOOP
		FOREACH f IN ARRAY ARRAY['list', 'count'] LOOP
			FOREACH a IN ARRAY ARRAY['tagstore', 'recursive CTE', 'ltree GiST', 'int[] GIN', 'text btree'] LOOP
				INSERT INTO results VALUES (n, f, q.class, q.id, a,
					time_sql(query_sql(a, q, f = 'count'), reps),
					answer(query_sql(a, q, f = 'count')));
			END LOOP;
		END LOOP;
	END LOOP;
END $$;

\echo
\echo answers that differ from those of tagstore (must be none):
SELECT r.form, r.class, r.query, r.approach
FROM results r JOIN results t ON t.entities = r.entities AND t.form = r.form AND t.query = r.query
	AND t.approach = 'tagstore'
WHERE r.entities = (SELECT count(*) FROM tagstore.entity) AND r.answer <> t.answer
ORDER BY 1, 2, 3, 4;
