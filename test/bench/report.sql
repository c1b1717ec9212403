-- Prints the benchmark figures: per class, the median time of each
-- approach, the best baseline and tagstore's speed-up over it; totals; sizes.
\set ON_ERROR_STOP 1
SET search_path = bench, public;
\pset footer off

\echo
\echo == query mix: median ms per class (speed-up = best baseline / tagstore; above 1 is tagstore faster)
WITH per_class AS (
	SELECT entities, form, class, approach,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med, sum(ms) AS total
	FROM results GROUP BY 1, 2, 3, 4
), pivot AS (
	SELECT entities, form, class,
		   max(med) FILTER (WHERE approach = 'tagstore') AS tagstore,
		   max(med) FILTER (WHERE approach = 'recursive CTE') AS recursive_cte,
		   max(med) FILTER (WHERE approach = 'ltree GiST') AS ltree_gist,
		   max(med) FILTER (WHERE approach = 'int[] GIN') AS int_gin,
		   max(med) FILTER (WHERE approach = 'text btree') AS text_btree
	FROM per_class GROUP BY 1, 2, 3
)
SELECT entities, form, class,
	   round(tagstore::numeric, 2) AS tagstore, round(recursive_cte::numeric, 2) AS "recursive CTE",
	   round(ltree_gist::numeric, 2) AS "ltree GiST", round(int_gin::numeric, 2) AS "int[] GIN",
	   round(text_btree::numeric, 2) AS "text btree",
	   round((least(recursive_cte, ltree_gist, int_gin, text_btree) / nullif(tagstore, 0))::numeric, 2) AS "speed-up vs best"
FROM pivot ORDER BY entities, form DESC, class;

\echo
\echo == totals over the whole mix (ms, sum of per-query medians)
WITH totals AS (
	SELECT entities, form, approach, sum(ms) AS total FROM results GROUP BY 1, 2, 3
)
SELECT entities, form,
	   round(max(total) FILTER (WHERE approach = 'tagstore'), 1) AS tagstore,
	   round(min(total) FILTER (WHERE approach <> 'tagstore'), 1) AS "best baseline",
	   (array_agg(approach ORDER BY total) FILTER (WHERE approach <> 'tagstore'))[1] AS which,
	   round(min(total) FILTER (WHERE approach <> 'tagstore')
			 / max(total) FILTER (WHERE approach = 'tagstore'), 2) AS "speed-up"
FROM totals GROUP BY 1, 2 ORDER BY 1, 2 DESC;

\echo
\echo == tagstore with tagging changes pending (written since the last refresh_postings): median ms per class, and against none pending
WITH per_class AS (
	SELECT entities, form, class, pending, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med
	FROM pending_results GROUP BY 1, 2, 3, 4
), pivot AS (
	SELECT entities, form, class,
		   max(med) FILTER (WHERE pending = 0) AS p0,
		   max(med) FILTER (WHERE pending = 100) AS p100,
		   max(med) FILTER (WHERE pending = 1000) AS p1000
	FROM per_class GROUP BY 1, 2, 3
)
SELECT entities, form, class, round(p0::numeric, 2) AS "none pending", round(p100::numeric, 2) AS "100",
	   round(p1000::numeric, 2) AS "1,000", round((p100 / nullif(p0, 0))::numeric, 1) AS "100 vs none",
	   round((p1000 / nullif(p0, 0))::numeric, 1) AS "1,000 vs none"
FROM pivot ORDER BY entities, form DESC, class;

\echo
\echo == disk: tables plus indexes (each design with the tag and entity tables it needs), right after loading and with every index rebuilt in one pass
SELECT entities, state, name, pg_size_pretty(bytes) AS size, round(bytes / gin_bytes, 2) AS "ratio to int[] GIN"
FROM sizes ORDER BY entities, state, bytes;
