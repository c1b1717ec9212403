-- The streaming scan (src/tagstore_scan.c): in FROM, entities_with_all/any
-- are planned as a custom scan that hands out rows straight from the entity
-- table.  It must return exactly the rows, in the order, that the function
-- itself returns (called in the select list, it runs as a plain function),
-- wherever it takes over, and leave alone the uses it does not handle.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA stream;
SET search_path = stream, public;

-- the random forests of the fixture, reshaped and with entity rows stored
-- out of id order, as tagstore_differential leaves them; and 20,000
-- entities tagged with nothing (as untagging leaves them): some 29,000
-- entities, as when this suite ran after the others, so that of the Rows
-- answers below only those over 7,000 (1/4) are found by a pass
SELECT * FROM make_forest();
SELECT reshape_forest();
UPDATE tagstore.entity SET external_id = external_id WHERE id % 4 = 0;
INSERT INTO tagstore.entity (entity_type, external_id)
SELECT 'untagged', 'u' || g FROM generate_series(1, 20000) g;
VACUUM ANALYZE tagstore.entity;

-- which scan a query gets
CREATE FUNCTION scan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF line ~ '(Custom|Function) Scan' THEN
			RETURN substring(line FROM '(Custom Scan \([a-z ]+\)|Function Scan)');
		END IF;
	END LOOP;
	RETURN NULL;
END $$;

SELECT tagstore.create_taxonomy('Stream') IS NOT NULL AS created;
SELECT tagstore.grant_taxonomy('Stream', 'public', 'read');
SELECT count(tagstore.add_tag('Stream', v)) AS tags FROM unnest(ARRAY['wide', 'narrow']) v;
SELECT count(tagstore.add_tag_to('Stream.wide', CASE WHEN i % 2 = 0 THEN 'doc' ELSE 'item' END, 's' || i))
	AS wide FROM generate_series(1, 300) i;
SELECT count(tagstore.add_tag_to('Stream.narrow', 'item', 's' || i)) AS narrow FROM unnest(ARRAY[7, 77, 301]) i;
ANALYZE tagstore.entity;		-- the choice between a pass and lookups reads its row count

SELECT q AS query, scan_of(q) AS scan FROM (VALUES
	($$SELECT * FROM tagstore.entities_with_all('{Stream.wide}')$$),
	($$SELECT external_id FROM tagstore.entities_with_any('{Stream.wide}', 'doc', 's1', true, '{Stream.narrow}') WHERE external_id > 's2'$$),
	($$SELECT e FROM tagstore.entities_with_all('{Stream.wide}') e$$),
	($$SELECT * FROM tagstore.entities_with_all('{Stream.wide}') WITH ORDINALITY$$),
	($$SELECT * FROM tagstore.tag t, LATERAL tagstore.entities_with_all(ARRAY[t.path]) WHERE t.value = 'narrow'$$),
	($$SELECT tagstore.entities_with_all('{Stream.wide}')$$)
) v(q);

-- same(q): the rows of "SELECT * FROM <q>" (streamed) against those of
-- "SELECT <q>" (the function), in order
CREATE FUNCTION same(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	streamed text[];
	called text[];
BEGIN
	EXECUTE format('SELECT coalesce(array_agg(entity_type || '':'' || external_id), ''{}'') FROM %s', q)
		INTO streamed;
	EXECUTE format('SELECT coalesce(array_agg((f).entity_type || '':'' || (f).external_id), ''{}'') FROM (SELECT %s AS f) s', q)
		INTO called;
	IF streamed IS DISTINCT FROM called THEN
		RAISE NOTICE '%: streamed % rows, the function %', q, cardinality(streamed), cardinality(called);
	END IF;
	RETURN streamed IS NOT DISTINCT FROM called;
END $$;

-- by a pass (wide), by lookups (narrow), with filters and exclusions, empty
SELECT same($$tagstore.entities_with_all('{Stream.wide}')$$) AS wide,
       same($$tagstore.entities_with_all('{Stream.narrow}')$$) AS narrow,
       same($$tagstore.entities_with_any('{Stream.wide, Stream.narrow}', 'item', 's3')$$) AS filtered,
       same($$tagstore.entities_with_all('{Stream}', exclude => '{Stream.narrow}')$$) AS excluded,
       same($$tagstore.entities_with_all('{Stream.nosuch}')$$) AS empty,
       (SELECT count(*) FROM tagstore.entities_with_all('{Stream.wide}')) AS wide_rows;

-- every tag of the random forests, with entity rows stored out of id order
SELECT count(*) AS tags, count(*) FILTER (WHERE NOT same(format('tagstore.entities_with_any(%L)', ARRAY[path])))
	AS differ
FROM forest();

-- rows out of id order on disk still stream in id order
UPDATE tagstore.entity SET external_id = external_id WHERE external_id IN ('s10', 's20', 's7');
SELECT same($$tagstore.entities_with_all('{Stream.wide}')$$) AS wide,
       same($$tagstore.entities_with_all('{Stream.narrow}')$$) AS narrow;

-- a LIMIT stops early with the first rows; a cursor reads on across fetches
SELECT string_agg(external_id, ' ') AS first_two
FROM (SELECT external_id FROM tagstore.entities_with_all('{Stream.narrow}') LIMIT 2) s;
BEGIN;
DECLARE c CURSOR FOR SELECT external_id FROM tagstore.entities_with_all('{Stream.wide}');
FETCH 2 FROM c;
FETCH 2 FROM c;
CLOSE c;
COMMIT;

-- rescans: the scan on the inner side of a nested loop, searched again each time
SET enable_material = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT scan_of($$SELECT * FROM (VALUES (3), (4)) v(n)
	JOIN tagstore.entities_with_all('{Stream.narrow}') e ON length(e.external_id) = v.n$$) AS inner_scan;
SELECT v.n, string_agg(e.external_id, ' ') AS ids FROM (VALUES (3), (4)) v(n)
	JOIN tagstore.entities_with_all('{Stream.narrow}') e ON length(e.external_id) = v.n
GROUP BY v.n ORDER BY v.n;
RESET enable_material;
RESET enable_hashjoin;
RESET enable_mergejoin;

-- arguments from an init plan and from parameters of a generic plan
SELECT count(*) AS from_subquery
FROM tagstore.entities_with_all(ARRAY[(SELECT path FROM tagstore.tag WHERE value = 'narrow')]);
SET plan_cache_mode = force_generic_plan;
PREPARE listing(tagpath[], text) AS
	SELECT count(*) FROM tagstore.entities_with_all($1, entity_type => $2);
EXECUTE listing('{Stream.wide}', NULL);
EXECUTE listing('{Stream.wide}', 'doc');
EXECUTE listing('{Stream.narrow}', NULL);
DEALLOCATE listing;
RESET plan_cache_mode;

-- the same errors as the function, and its EXECUTE privilege checked
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all(NULL)$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_any('{Stream.wide}', include_descendants => NULL)$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{{Stream.wide}}')$$);
CREATE ROLE tagstore_stream_reader;
GRANT USAGE ON SCHEMA tagstore, stream TO tagstore_stream_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_stream_reader;
GRANT EXECUTE ON FUNCTION errcheck(text) TO tagstore_stream_reader;
REVOKE EXECUTE ON FUNCTION tagstore.entities_with_all(tagpath[], text, text, boolean, tagpath[]) FROM PUBLIC;
SET ROLE tagstore_stream_reader;
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{Stream.wide}')$$) AS revoked;
SELECT count(*) AS still_allowed FROM tagstore.entities_with_any('{Stream.narrow}');
RESET ROLE;
GRANT EXECUTE ON FUNCTION tagstore.entities_with_all(tagpath[], text, text, boolean, tagpath[]) TO PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA tagstore FROM tagstore_stream_reader;
REVOKE ALL ON SCHEMA tagstore, stream FROM tagstore_stream_reader;
REVOKE ALL ON FUNCTION errcheck(text) FROM tagstore_stream_reader;
DROP ROLE tagstore_stream_reader;

-- a cached plan follows the function it streams when that is replaced (as
-- an extension update may do)
PREPARE wide_count AS SELECT count(*) FROM tagstore.entities_with_all('{Stream.wide}');
EXECUTE wide_count;
ALTER EXTENSION tagstore DROP FUNCTION tagstore.entities_with_all(tagpath[], text, text, boolean, tagpath[]);
DROP FUNCTION tagstore.entities_with_all(tagpath[], text, text, boolean, tagpath[]);
CREATE FUNCTION tagstore.entities_with_all(tags tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS '$libdir/tagstore', 'tagstore_entities_with_all' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;
ALTER EXTENSION tagstore ADD FUNCTION tagstore.entities_with_all(tagpath[], text, text, boolean, tagpath[]);
EXECUTE wide_count;
DEALLOCATE wide_count;

-- row-level security: when policies apply to the caller, the search reads
-- through the executor, and streams what they let it see (the suite
-- tagstore_row_security checks every search against references)
ALTER TABLE tagstore.entity ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_docs ON tagstore.entity USING (entity_type = 'doc');
CREATE ROLE tagstore_rls_reader;
GRANT USAGE ON SCHEMA tagstore, stream TO tagstore_rls_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_rls_reader;
GRANT EXECUTE ON FUNCTION errcheck(text) TO tagstore_rls_reader;
SET ROLE tagstore_rls_reader;
SELECT count(*) AS rows_the_policy_shows FROM tagstore.entity WHERE external_id LIKE 's%';
SELECT (SELECT count(*) FROM tagstore.entities_with_all('{Stream.wide}')) AS listing,
	   tagstore.count_entities_with_all('{Stream.wide}') AS counting,
	   (SELECT count(*) FROM tagstore.entities_with_all('{Stream.wide}') WHERE entity_type <> 'doc') AS not_docs,
	   (SELECT count(DISTINCT e.id) FROM tagstore.entity e JOIN tagstore.tagging g ON g.entity_id = e.id
		JOIN tagstore.tag t ON t.id = g.tag_id WHERE t.key <@ 'stream.wide') AS reference;
RESET ROLE;
SELECT count(*) AS owner_not_subject FROM tagstore.entities_with_all('{Stream.wide}');
DROP POLICY only_docs ON tagstore.entity;
ALTER TABLE tagstore.entity DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON ALL TABLES IN SCHEMA tagstore FROM tagstore_rls_reader;
REVOKE ALL ON SCHEMA tagstore, stream FROM tagstore_rls_reader;
REVOKE ALL ON FUNCTION errcheck(text) FROM tagstore_rls_reader;
DROP ROLE tagstore_rls_reader;

-- an answer's entity rows are found by a pass over the table (answers over
-- 1/4 of the entities), by seeking the pages that hold them (rows are
-- usually stored in id order), or looked up in entity_pkey where seeking
-- misses: whichever way, exactly the rows SQL finds, in id order
SELECT tagstore.create_taxonomy('Rows') IS NOT NULL AS created;
SELECT count(tagstore.add_tag('Rows', v)) AS tags FROM unnest('{every, half, some, few, none}'::text[]) v;
SELECT count(*) AS every FROM tagstore.add_tag_to_many('Rows.every', 'rows', ARRAY(SELECT 'r' || i FROM generate_series(1, 8000) i));
SELECT count(*) AS half FROM tagstore.add_tag_to_many('Rows.half', 'rows', ARRAY(SELECT 'r' || i FROM generate_series(2, 8000, 2) i));
SELECT count(*) AS some FROM tagstore.add_tag_to_many('Rows.some', 'rows', ARRAY(SELECT 'r' || i FROM generate_series(5, 8000, 37) i));
SELECT count(*) AS few FROM tagstore.add_tag_to_many('Rows.few', 'rows', ARRAY['r1', 'r2', 'r1000', 'r1999', 'r2000']);
ANALYZE tagstore.entity;
CREATE FUNCTION by_sql(tag tagpath) RETURNS text[] LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(e.external_id ORDER BY e.id), '{}')
	FROM tagstore.entity e
	WHERE e.id IN (SELECT x.entity_id FROM tagstore.tagging x JOIN tagstore.tag t ON t.id = x.tag_id
				   WHERE t.key <@ label_casefold(tag))
$$;
-- (way: which the rule of entity_rows.c picks)
CREATE FUNCTION rows_found() RETURNS TABLE (tag tagpath, rows int, way text, same boolean)
LANGUAGE sql STABLE AS $$
	SELECT t, cardinality(by_sql(t)),
		   CASE WHEN cardinality(by_sql(t)) * 4 > (SELECT reltuples FROM pg_class WHERE oid = 'tagstore.entity'::regclass)
				THEN 'pass' ELSE 'seek' END,
		   (SELECT coalesce(array_agg(external_id), '{}') FROM tagstore.entities_with_all(ARRAY[t])) = by_sql(t)
	FROM unnest('{Rows.every, Rows.half, Rows.some, Rows.few, Rows.none}'::tagpath[]) t
$$;
SELECT * FROM rows_found();

-- with all tags wanted, a tag with many entities is checked entity by entity
-- against one with few (src/tagstore_search.c): the same answers as SQL's,
-- whichever order the tags come in, with subtrees of several tags and with
-- exclusions
SELECT count(tagstore.add_tag(('Rows.some.' || v)::tagpath)) AS subtags FROM unnest('{a, b}'::text[]) v;
SELECT count(*) AS a FROM tagstore.add_tag_to_many('Rows.some.a', 'rows', ARRAY['r1', 'r3', 'r2000']);
SELECT count(*) AS b FROM tagstore.add_tag_to_many('Rows.some.b', 'rows', ARRAY['r2', 'r1999']);
SELECT tagstore.add_tag('Rows.half.x') IS NOT NULL AS x;
SELECT count(*) AS x FROM tagstore.add_tag_to_many('Rows.half.x', 'rows', ARRAY['r1', 'r3']);
CREATE FUNCTION all_by_sql(tags tagpath[], exclude tagpath[] DEFAULT '{}') RETURNS text[] LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(e.external_id ORDER BY e.id), '{}')
	FROM tagstore.entity e
	WHERE e.id IN (SELECT x.entity_id FROM unnest(tags) t, tagstore.tag g, tagstore.tagging x
				   WHERE g.key <@ label_casefold(t) AND x.tag_id = g.id
				   GROUP BY x.entity_id HAVING count(DISTINCT t) = cardinality(tags))
	  AND e.id NOT IN (SELECT x.entity_id FROM unnest(exclude) t, tagstore.tag g, tagstore.tagging x
					   WHERE g.key <@ label_casefold(t) AND x.tag_id = g.id)
$$;
CREATE FUNCTION all_cases() RETURNS TABLE (tags tagpath[], exclude tagpath[], rows int, same boolean, count_same boolean)
LANGUAGE sql STABLE AS $$
SELECT tags, exclude, cardinality(all_by_sql(tags, exclude)),
       (SELECT coalesce(array_agg(external_id), '{}') FROM tagstore.entities_with_all(tags, exclude => exclude))
		= all_by_sql(tags, exclude),
       tagstore.count_entities_with_all(tags, exclude => exclude) = cardinality(all_by_sql(tags, exclude))
FROM (VALUES ('{Rows.every, Rows.few}'::tagpath[], '{}'::tagpath[]),
			 ('{Rows.few, Rows.every}', '{}'),
			 ('{Rows.every, Rows.half, Rows.few}', '{}'),
			 ('{Rows.half, Rows.some}', '{}'),
			 ('{Rows.every, Rows.some}', '{}'),
			 ('{Rows.every, Rows.half}', '{}'),
			 ('{Rows.every, Rows.some}', '{Rows.some.b}'),
			 ('{Rows.few}', '{Rows.half}'),
			 ('{Rows.half, Rows.few}', '{}'),
			 ('{Rows.some}', '{Rows.every}'),
			 ('{Rows.half, Rows.few, Rows.none}', '{}'),
			 ('{Rows.every, Rows.nosuch}', '{}')) v(tags, exclude)
$$;
SELECT * FROM all_cases();
-- the same with the large tags posted: read from their postings, or their
-- few tags checked entity by entity
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 500) >= 0 AS refreshed;
SELECT string_agg(t.path::text, ', ' ORDER BY t.path) AS posted
FROM tagstore.posted_tag p JOIN tagstore.tag t ON t.id = p.tag_id WHERE t.path <@ 'Rows';
SELECT * FROM all_cases();
-- stored out of id order: a third of the rows have new versions elsewhere,
-- the old ones dead where seeking looks first
UPDATE tagstore.entity SET external_id = external_id || 'u' WHERE entity_type = 'rows' AND id % 3 = 0;
SELECT * FROM rows_found();
-- rows this transaction deleted or renamed: their old versions, still in
-- place, are not ours to see
BEGIN;
DELETE FROM tagstore.entity WHERE entity_type = 'rows' AND id % 5 = 0;
UPDATE tagstore.entity SET external_id = external_id || 'v' WHERE entity_type = 'rows' AND id % 7 = 0;
SELECT * FROM rows_found();
ROLLBACK;
-- dead rows gone, and the first page empty (seeking reads the first page
-- to learn how the pages go)
DELETE FROM tagstore.entity WHERE ctid < '(1,0)';
VACUUM tagstore.entity;
SELECT count(*) AS rows_on_first_page FROM tagstore.entity WHERE ctid < '(1,0)';
SELECT * FROM rows_found();
