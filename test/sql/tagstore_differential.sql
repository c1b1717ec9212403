-- Differential test of search: on random forests and taggings, the C
-- search must equal a recursive-CTE reference that walks parent_id, before
-- and after random renames, moves and removals.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA diff;
SET search_path = diff, public;

-- the random forests of the fixture (make_forest()): three taxonomies,
-- tags under random earlier tags, with mixed case and non-ASCII values;
-- 600 entities of two types, 1 to 5 tags each, skewed towards a few
-- popular tags.  compare(n) makes n random searches both ways and returns
-- the cases and mismatches; ref_search() is the reference, over a walk of
-- parent_id (ref_subtree()).
SELECT * FROM make_forest();

SELECT setseed(0.12);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(300);

-- reshape the forests at random (reshape_forest()): renames, moves (never
-- under a descendant), removals
SELECT reshape_forest();

-- the stored paths and keys still describe the parent links exactly
WITH RECURSIVE walk(id, path) AS (
	SELECT g.id, tagpath(ARRAY[x.name, g.value]) FROM tagstore.tag g
	JOIN tagstore.taxonomy x ON x.id = g.taxonomy_id WHERE g.parent_id IS NULL
	UNION ALL
	SELECT g.id, w.path || tagpath(ARRAY[g.value]) FROM walk w JOIN tagstore.tag g ON g.parent_id = w.id
)
SELECT count(*) AS tags,
       count(*) FILTER (WHERE w.path = g.path AND label_casefold(w.path) = g.key) AS consistent
FROM tagstore.tag g JOIN walk w USING (id);

SELECT setseed(0.14);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(300);

-- answers come in id order whichever way names are read: seeking the pages
-- of the ids, with a lookup per id where seeking misses (answers under 1/4
-- of the entities), or one pass over the entity table, also when its rows
-- are stored out of id order (the pass then ranks them)
CREATE FUNCTION ids_in_order(paths tagpath[]) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT coalesce(bool_and(d > 0), true) FROM (
		SELECT e.id - lag(e.id) OVER (ORDER BY w.n) AS d
		FROM tagstore.entities_with_any(paths) WITH ORDINALITY w(entity_type, external_id, n)
		JOIN tagstore.entity e USING (entity_type, external_id)) s
$$;
UPDATE tagstore.entity SET external_id = external_id WHERE id % 4 = 0;
VACUUM ANALYZE tagstore.entity;	-- the choice between the two reads its row count; pages all-visible
SELECT bool_or(back) AS stored_out_of_id_order
FROM (SELECT id < lag(id) OVER (ORDER BY ctid) AS back FROM tagstore.entity) s;
SELECT count(*) FILTER (WHERE n BETWEEN 1 AND entities / 4) > 0 AS some_by_seeking,
       count(*) FILTER (WHERE n > entities / 4) > 0 AS some_by_pass,
       count(*) FILTER (WHERE NOT in_order) AS out_of_order
FROM (SELECT tagstore.count_entities_with_any(ARRAY[path]) AS n, ids_in_order(ARRAY[path]) AS in_order
      FROM forest()) s,
     (SELECT reltuples AS entities FROM pg_class WHERE oid = 'tagstore.entity'::regclass) c;
SELECT setseed(0.15);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(200);
