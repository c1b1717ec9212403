-- The cost of per-taxonomy privileges: the query mix's tagstore searches
-- timed as the superuser, who bypasses the check, and as bench_reader, a
-- role that reads every taxonomy by grant (PUBLIC read, granted here), in
-- alternating rounds, each query a median as run.sql times it (run.sql
-- defines time_sql and query_sql).  A figure, not a test.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = bench, public;
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_reader') THEN
		CREATE ROLE bench_reader;
	END IF;
END $$;
GRANT USAGE ON SCHEMA tagstore, bench TO bench_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore, bench TO bench_reader;
SELECT count(tagstore.grant_taxonomy(name, 'PUBLIC', 'read')) AS taxonomies_readable FROM tagstore.taxonomy \gset
CREATE TEMP TABLE acl_times (round int, who text, form text, query int, ms numeric);
GRANT INSERT, SELECT ON acl_times TO bench_reader;
\set mix 'INSERT INTO acl_times SELECT :round, CASE WHEN current_user = ''bench_reader'' THEN ''reader'' ELSE ''superuser'' END, f, q.id, time_sql(query_sql(''tagstore'', q, f = ''count''), current_setting(''bench.reps'')::int) FROM query_forms q, unnest(ARRAY[''list'', ''count'']) f'
\set round 1
:mix;
SET ROLE bench_reader;
:mix;
RESET ROLE;
\set round 2
SET ROLE bench_reader;
:mix;
RESET ROLE;
:mix;

\echo
\echo == per-taxonomy privileges: tagstore searches as a superuser (no check) and as a reader (checked), :taxonomies_readable taxonomies readable
SELECT form, count(*) / 2 AS queries,
	   round(sum(ms) FILTER (WHERE who = 'superuser') / 2, 2) AS superuser_ms,
	   round(sum(ms) FILTER (WHERE who = 'reader') / 2, 2) AS reader_ms,
	   round((percentile_cont(0.5) WITHIN GROUP (ORDER BY d) * 1000)::numeric, 1) AS median_extra_us
FROM acl_times a,
	 LATERAL (SELECT (SELECT avg(ms) FROM acl_times r WHERE r.who = 'reader' AND r.form = a.form AND r.query = a.query)
				   - (SELECT avg(ms) FROM acl_times s WHERE s.who = 'superuser' AND s.form = a.form AND s.query = a.query)) x(d)
GROUP BY form ORDER BY form;
SELECT count(tagstore.revoke_taxonomy(name, 'PUBLIC', 'read')) AS revoked FROM tagstore.taxonomy \gset
