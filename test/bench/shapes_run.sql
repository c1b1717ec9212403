-- Times the shapes questions, listed and counted, against tagstore and the
-- int[]/GIN design, as run.sql times the query mix; keeps each run's rows,
-- with the questions' subtree sizes, in bench.shape_results for
-- shapes_report.sql (psql -v hierarchy=NAME -v order=NAME).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = bench, public;

\ir functions.sql

SELECT set_config('bench.hierarchy', :'hierarchy', false), set_config('bench.order', :'order', false) \gset
CREATE TABLE IF NOT EXISTS shape_results (entities int, hierarchy text, creation text, form text, class text,
							query int, approach text, ms numeric, answer text, matches bigint,
							subtree_tags int[], subtree_taggings int[]);
DELETE FROM shape_results WHERE creation = current_setting('bench.order');
DO $$
DECLARE
	q query_forms;
	s shape_queries;
	a text;
	f text;
	n int := (SELECT count(*) FROM tagstore.entity);
	reps int := current_setting('bench.reps')::int;
BEGIN
	FOR q IN SELECT * FROM query_forms ORDER BY id LOOP
		SELECT * INTO s FROM shape_queries WHERE id = q.id;
		FOREACH f IN ARRAY ARRAY['list', 'count'] LOOP
			FOREACH a IN ARRAY ARRAY['tagstore', 'int[] GIN'] LOOP
				INSERT INTO shape_results VALUES (n, current_setting('bench.hierarchy'),
					current_setting('bench.order'), f, q.class, q.id, a,
					time_sql(query_sql(a, q, f = 'count'), reps),
					answer(query_sql(a, q, f = 'count')),
					(SELECT tagstore.count_entities_with_all(q.paths)),
					s.subtree_tags, s.subtree_taggings);
			END LOOP;
		END LOOP;
	END LOOP;
END $$;

\echo answers of the int[]/GIN design that differ from those of tagstore (must be none):
SELECT r.form, r.class, r.query
FROM shape_results r JOIN shape_results t ON t.form = r.form AND t.query = r.query
	AND t.approach = 'tagstore'
	AND t.creation = r.creation
WHERE r.creation = current_setting('bench.order') AND r.approach <> 'tagstore' AND r.answer <> t.answer
ORDER BY 1, 2, 3;
