-- Searches while tagging changes are pending: taggings written since the
-- last refresh_postings(), which a posted tag's reader checks against the
-- taggings (src/tagstore_posting.c).  tagstore's queries that read
-- postings (broad and mid classes), timed as in run.sql with none, 100 and
-- 1,000 changes pending, the changes written through the API as an
-- application writes them; then refreshed, so that the runs after start as
-- before.  The baselines have nothing pending: no row here compares them.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = bench, public;

CREATE TABLE IF NOT EXISTS pending_results (entities int, pending int, form text, class text, query int, ms numeric);
DELETE FROM pending_results WHERE entities = (SELECT count(*) FROM tagstore.entity);

CREATE OR REPLACE FUNCTION time_pending(pending int, reps int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	q query_forms;
	f text;
BEGIN
	FOR q IN SELECT * FROM query_forms WHERE class IN ('broad single', 'broad pair', 'mid 2', 'mid 3') ORDER BY id LOOP
		FOREACH f IN ARRAY ARRAY['list', 'count'] LOOP
			INSERT INTO pending_results VALUES ((SELECT count(*) FROM tagstore.entity), pending, f, q.class, q.id,
				time_sql(query_sql('tagstore', q, f = 'count'), reps));
		END LOOP;
	END LOOP;
END $$;

-- n new taggings of random tags and entities, each in its own transaction,
-- as writers commit them
CREATE OR REPLACE PROCEDURE write_taggings(n int) LANGUAGE plpgsql AS $$
DECLARE
	t bigint;
	e tagstore.entity;
BEGIN
	FOR i IN 1 .. n LOOP
		LOOP
			SELECT id INTO t FROM tagstore.tag WHERE id >= 1 + floor(random() * (SELECT max(id) FROM tagstore.tag))
			ORDER BY id LIMIT 1;
			SELECT * INTO e FROM tagstore.entity WHERE id >= 1 + floor(random() * (SELECT max(id) FROM tagstore.entity))
			ORDER BY id LIMIT 1;
			EXIT WHEN NOT EXISTS (SELECT FROM tagstore.tagging x WHERE x.tag_id = t AND x.entity_id = e.id);
		END LOOP;
		PERFORM tagstore.add_tag_to_by_id(t, e.entity_type, e.external_id);
		COMMIT;
	END LOOP;
END $$;

SELECT current_setting('bench.reps')::int AS reps \gset
\echo timing searches with changes pending
SELECT tagstore.refresh_postings() >= 0 AS refreshed \gset
VACUUM tagstore.posting, tagstore.posting_change;
SELECT time_pending(0, :reps);
SELECT setseed(0.5);
CALL write_taggings(100);
SELECT time_pending(100, :reps);
CALL write_taggings(900);
SELECT time_pending(1000, :reps);
SELECT tagstore.refresh_postings() >= 0 AS refreshed \gset
VACUUM tagstore.posting, tagstore.posting_change;
