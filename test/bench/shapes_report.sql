-- Prints the shapes figures (psql -v results=FILE, the rows of every
-- shapes_run.sql of this run): per question, its tags' subtree sizes and
-- both designs' times; per class, the medians and the ratio GIN / tagstore
-- (above 1 is tagstore faster).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\pset footer off
CREATE TEMP TABLE shape_results (entities int, hierarchy text, creation text, form text, class text,
								 query int, approach text, ms numeric, answer text, matches bigint,
								 subtree_tags int[], subtree_taggings int[]);
\set cmd '\\copy shape_results FROM ' :'results' ' CSV'
:cmd
CREATE TEMP VIEW per_query AS
SELECT entities, hierarchy, creation, class, query, subtree_tags, subtree_taggings, matches,
	   max(ms) FILTER (WHERE form = 'list' AND approach = 'tagstore') AS list_tagstore,
	   max(ms) FILTER (WHERE form = 'list' AND approach = 'int[] GIN') AS list_gin,
	   max(ms) FILTER (WHERE form = 'count' AND approach = 'tagstore') AS count_tagstore,
	   max(ms) FILTER (WHERE form = 'count' AND approach = 'int[] GIN') AS count_gin
FROM shape_results GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

\echo
\echo == shapes, per question: the subtree of each tag (tags; taggings), entities in the answer, median ms and GIN / tagstore
SELECT entities, hierarchy, creation, class, query AS q,
	   array_to_string(subtree_tags, ' x ') AS "subtree tags",
	   array_to_string(subtree_taggings, ' x ') AS "subtree taggings", matches AS answer,
	   round(list_tagstore, 3) AS "list tagstore", round(list_gin, 3) AS "list GIN",
	   round(list_gin / nullif(list_tagstore, 0), 2) AS "list ratio",
	   round(count_tagstore, 3) AS "count tagstore", round(count_gin, 3) AS "count GIN",
	   round(count_gin / nullif(count_tagstore, 0), 2) AS "count ratio"
FROM per_query ORDER BY entities, hierarchy, creation, class, query;

\echo
\echo == shapes, per class: median ms of the medians of its questions, and GIN / tagstore (above 1 is tagstore faster)
SELECT entities, hierarchy, creation, class,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY list_tagstore)::numeric, 3) AS "list tagstore",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY list_gin)::numeric, 3) AS "list GIN",
	   round((percentile_cont(0.5) WITHIN GROUP (ORDER BY list_gin)
			  / nullif(percentile_cont(0.5) WITHIN GROUP (ORDER BY list_tagstore), 0))::numeric, 2) AS "list ratio",
	   round(min(list_gin / nullif(list_tagstore, 0)), 2) AS "worst list",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY count_tagstore)::numeric, 3) AS "count tagstore",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY count_gin)::numeric, 3) AS "count GIN",
	   round((percentile_cont(0.5) WITHIN GROUP (ORDER BY count_gin)
			  / nullif(percentile_cont(0.5) WITHIN GROUP (ORDER BY count_tagstore), 0))::numeric, 2) AS "count ratio",
	   round(min(count_gin / nullif(count_tagstore, 0)), 2) AS "worst count"
FROM per_query GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

\echo
\echo == shapes, totals: sums of the medians of the questions (ms), GIN / tagstore
SELECT entities, hierarchy, creation,
	   round(sum(list_tagstore), 1) AS "list tagstore", round(sum(list_gin), 1) AS "list GIN",
	   round(sum(list_gin) / nullif(sum(list_tagstore), 0), 2) AS "list ratio",
	   round(sum(count_tagstore), 1) AS "count tagstore", round(sum(count_gin), 1) AS "count GIN",
	   round(sum(count_gin) / nullif(sum(count_tagstore), 0), 2) AS "count ratio",
	   count(*) FILTER (WHERE list_gin < list_tagstore) AS "questions listed slower",
	   count(*) FILTER (WHERE count_gin < count_tagstore) AS "counted slower"
FROM per_query GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
