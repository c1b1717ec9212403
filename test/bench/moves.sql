-- Times moving a subtree of about 10,000 tags: tagstore.move_tag (median of
-- three) against what the int[]/GIN design must rewrite for the same move.
-- Every move is rolled back.
\set ON_ERROR_STOP 1
SET search_path = bench, public;
\pset footer off

-- the tag whose subtree is closest to 10,000 tags, and a new parent outside it
CREATE TEMP TABLE subtree_size AS SELECT a AS id, count(*) AS tags FROM chain, unnest(ids) a GROUP BY a;
SELECT c.id AS moved, c.path AS moved_path, s.tags AS subtree_tags
FROM chain c JOIN subtree_size s USING (id)
ORDER BY abs(s.tags - 10000), c.id LIMIT 1 \gset
SELECT c.id AS target, c.path AS target_path FROM chain c
WHERE NOT c.ids @> ARRAY[:moved] AND cardinality(c.ids) = 2 ORDER BY c.id LIMIT 1 \gset
SELECT count(*) AS subtree_taggings FROM raw_taggings r JOIN chain c ON c.id = r.tag
WHERE c.ids @> ARRAY[:moved] \gset
SELECT tagstore.count_entities_with_all(ARRAY[:'moved_path'::tagpath]) AS before_count \gset

-- tagstore's move: the median of three, each rolled back
SELECT set_config('bench.moved', :'moved_path', false), set_config('bench.target', :'target_path', false) \gset
DO $$
DECLARE
	t0 timestamptz;
	times numeric[] := '{}';
BEGIN
	FOR i IN 1 .. 3 LOOP
		BEGIN
			t0 := clock_timestamp();
			PERFORM tagstore.move_tag(current_setting('bench.moved')::tagpath,
									  current_setting('bench.target')::tagpath);
			times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
			RAISE EXCEPTION USING ERRCODE = 'TSRBK';	-- undo the move
		EXCEPTION WHEN SQLSTATE 'TSRBK' THEN
			NULL;
		END;
	END LOOP;
	PERFORM set_config('bench.move_ms',
		(SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY t))::text FROM unnest(times) t), false);
END $$;
SELECT current_setting('bench.move_ms') AS tagstore_ms \gset
BEGIN;
SELECT tagstore.move_tag(:'moved_path'::tagpath, :'target_path'::tagpath) AS new_path \gset
SELECT tagstore.count_entities_with_all(ARRAY[:'new_path'::tagpath]) = :before_count
   AND tagstore.count_entities_with_all(ARRAY[:'target_path'::tagpath])
	   >= :before_count AS searches_correct_after_move \gset
ROLLBACK;

BEGIN;
SELECT clock_timestamp() AS t0 \gset
UPDATE b1_tag SET parent = :target WHERE id = :moved;
UPDATE b3_entity e SET ancestors = fresh.ancestors
FROM (
	SELECT x.entity_id, sort(uniq(sort(array_agg(up.id)))) AS ancestors
	FROM b1_tagging x
	CROSS JOIN LATERAL (
		WITH RECURSIVE up(id) AS (
			SELECT x.tag_id
			UNION ALL
			SELECT t.parent FROM b1_tag t JOIN up ON t.id = up.id WHERE t.parent IS NOT NULL
		) SELECT id FROM up) up
	WHERE x.entity_id IN (SELECT id FROM b3_entity WHERE ancestors @> ARRAY[:moved])
	GROUP BY x.entity_id
) fresh
WHERE e.id = fresh.entity_id;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000) AS gin_ms \gset
ROLLBACK;

\echo
\echo == moving a subtree
SELECT (SELECT count(*) FROM tagstore.entity) AS entities, :subtree_tags AS "subtree tags",
	   :subtree_taggings AS "taggings under it", :tagstore_ms AS "tagstore ms",
	   :gin_ms AS "int[] GIN ms", :'searches_correct_after_move' AS "searches correct after";
