-- Before the tagging throughput runs: both sides' tables and indexes into
-- shared buffers, so that both are measured with their working set cached.
-- The query mix has just evicted much of tagstore (its tables are read by
-- the searches, and the baselines' larger tables pushed them out), while the
-- plain insert's table is small and stays cached.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT count(*) AS relations, sum(pg_prewarm(c.oid)) AS blocks
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'i')
  AND (n.nspname = 'tagstore' OR (n.nspname = 'bench' AND c.relname LIKE 'w\_tagging%'));
