-- add_tag_to's direct write (src/tagstore_write.c): the common case written
-- straight into the tables must leave exactly what the SQL path leaves, and
-- every other case must reach the SQL path.  Which path ran is counted by
-- the function statistics: each hand-over is one call of the bulk
-- add_tag_to (which the script below never calls itself).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA write;
SET search_path = write, public;
SET track_functions = 'all';
SET tagstore.actor = 'writer';

SELECT tagstore.create_taxonomy('zoo') IS NOT NULL AS created;
SELECT count(tagstore.add_tag(('zoo.animal.' || a || '.' || b)::tagpath))
FROM unnest(ARRAY['mammal', 'bird', 'fish']) a, generate_series(1, 10) b;

-- calls of the bulk add_tag_to not yet reported to the statistics: the
-- difference within one transaction counts its hand-overs
CREATE FUNCTION handovers() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce((SELECT calls FROM pg_stat_xact_user_functions
					 WHERE funcid = 'tagstore.add_tag_to_many(tagpath, text, text[], jsonb)'::regprocedure), 0)
$$;

-- One script of taggings, run once per entity type: new entities and known
-- ones, by path and by id, tags written in any case, the same pair twice in
-- one statement, a tag that comes back after an untag (its revisions go on),
-- data (which is never the direct path's).
CREATE FUNCTION script(kind text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM tagstore.add_tag_to(tagpath(ARRAY['zoo', 'animal', a, b::text]), kind, 'e' || (b % 7))
	FROM unnest(ARRAY['mammal', 'bird', 'fish']) a, generate_series(1, 10) b;
	PERFORM tagstore.add_tag_to_by_id(tagstore.tag_id(('zoo.animal.mammal.' || b)::tagpath), kind, 'e' || (b % 5))
	FROM generate_series(1, 10) b;
	PERFORM tagstore.add_tag_to('ZOO.Animal.BIRD.3', kind, 'e' || i) FROM generate_series(1, 3) i;
	PERFORM tagstore.add_tag_to('zoo.animal.fish.4', kind, 'twice') FROM generate_series(1, 2);
	PERFORM tagstore.remove_tag_from('zoo.animal.fish.5', kind, 'e5');
	PERFORM tagstore.add_tag_to('zoo.animal.fish.5', kind, 'e5');
	PERFORM tagstore.add_tag_to('zoo.animal.fish.6', kind, 'e6', '{"by": "hand"}');
	PERFORM tagstore.add_tag_to('zoo.animal', kind, 'root');
END $$;

-- what a run leaves: taggings with their revisions, and the change log
CREATE FUNCTION outcome(kind text)
RETURNS TABLE (path tagpath, external_id text, data jsonb, revision integer, operation text,
			   by_writer boolean, at_now boolean, logged bigint) LANGUAGE sql AS $$
	SELECT t.path, e.external_id, x.data, x.revision, x.operation, x.tagged_by = 'writer',
		   x.tagged_at = now(),
		   (SELECT count(*) FROM tagstore.posting_change c WHERE c.tag_id = x.tag_id AND c.entity_id = x.entity_id)
	FROM tagstore.tagging x JOIN tagstore.tag t ON t.id = x.tag_id JOIN tagstore.entity e ON e.id = x.entity_id
	WHERE e.entity_type = kind
$$;

-- runs the script in one transaction: its hand-overs, and what it left
CREATE FUNCTION run(kind text) RETURNS TABLE (handovers bigint, taggings bigint, logged numeric, at_now boolean)
LANGUAGE plpgsql AS $$
DECLARE
	before bigint := handovers();
BEGIN
	PERFORM script(kind);
	RETURN QUERY SELECT handovers() - before, count(*), sum(o.logged), bool_and(o.at_now) FROM outcome(kind) o;
END $$;

-- the direct path: 7 hand-overs (four pairs the second statement repeats,
-- one of the third, the pair's second tagging in one statement, the data)
SELECT * FROM run('direct');

-- the SQL path: a trigger of the user's on tagging makes every call hand over
CREATE TABLE seen (tag_id bigint, entity_id bigint);
CREATE FUNCTION note_tagging() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO write.seen VALUES (NEW.tag_id, NEW.entity_id);
	RETURN NEW;
END $$;
CREATE TRIGGER note AFTER INSERT ON tagstore.tagging FOR EACH ROW EXECUTE FUNCTION note_tagging();
SELECT * FROM run('sql');
SELECT count(*) AS trigger_saw FROM seen;
DROP TRIGGER note ON tagstore.tagging;

-- both leave the same: taggings, revisions, operations, actor, time, log
SELECT 'direct only' AS side, * FROM (SELECT * FROM outcome('direct') EXCEPT ALL SELECT * FROM outcome('sql')) d
UNION ALL
SELECT 'sql only', * FROM (SELECT * FROM outcome('sql') EXCEPT ALL SELECT * FROM outcome('direct')) s;
SELECT path, external_id, revision, operation FROM outcome('direct')
WHERE revision > 1 OR data IS NOT NULL ORDER BY 1, 2;

-- searches see the direct path's taggings at once
SELECT * FROM tagstore.entities_with_all('{zoo.animal.fish}') WHERE entity_type = 'direct' ORDER BY 2;

-- errors are the SQL path's: unknown tag, NULLs, a taxonomy alone
SELECT what, errcheck(stmt) FROM (VALUES
  ('unknown tag', $$SELECT tagstore.add_tag_to('zoo.animal.reptile', 'direct', 'e1')$$),
  ('unknown id', $$SELECT tagstore.add_tag_to_by_id(-1::bigint, 'direct', 'e1')$$),
  ('NULL tag', $$SELECT tagstore.add_tag_to(NULL::tagpath, 'direct', 'e1')$$),
  ('NULL type', $$SELECT tagstore.add_tag_to('zoo.animal', NULL, 'e1')$$),
  ('empty type', $$SELECT tagstore.add_tag_to('zoo.animal', '', 'e1')$$),
  ('NULL id', $$SELECT tagstore.add_tag_to('zoo.animal', 'direct', NULL)$$),
  ('taxonomy', $$SELECT tagstore.add_tag_to('zoo', 'direct', 'e1')$$)) AS t(what, stmt);

-- a read-only transaction may not tag (25006), and writes nothing
BEGIN READ ONLY;
SELECT errcheck($$SELECT tagstore.add_tag_to('zoo.animal.bird.1', 'direct', 'ro')$$);
COMMIT;
SELECT count(*) AS ro_entities FROM tagstore.entity WHERE external_id = 'ro';

-- privileges: the SQL path's checks decide (zoo's privilege tag granted to
-- all: the table privileges are what is tested)
SELECT tagstore.grant_taxonomy('zoo', 'public', 'tag');
CREATE ROLE tagstore_writer;
GRANT USAGE ON SCHEMA tagstore, write TO tagstore_writer;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tagstore TO tagstore_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_writer;
SET ROLE tagstore_writer;
SELECT errcheck($$SELECT tagstore.add_tag_to('zoo.animal.bird.1', 'direct', 'e1')$$) AS select_only;
RESET ROLE;
GRANT INSERT, UPDATE ON tagstore.tagging, tagstore.entity TO tagstore_writer;
GRANT UPDATE ON tagstore.tag TO tagstore_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tagstore TO tagstore_writer;
SET ROLE tagstore_writer;
BEGIN;
SELECT handovers() AS before \gset
SELECT tagstore.add_tag_to('zoo.animal.bird.1', 'direct', 'granted') AS granted;
SELECT handovers() - :before AS granted_handovers;
COMMIT;
RESET ROLE;

-- row-level security on tagging applies: the SQL path enforces the policy
ALTER TABLE tagstore.tagging ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON tagstore.tagging FOR SELECT USING (true);
CREATE POLICY no_fish ON tagstore.tagging FOR INSERT
	WITH CHECK (tag_id NOT IN (SELECT id FROM tagstore.tag WHERE key <@ 'zoo.animal.fish'));
SET ROLE tagstore_writer;
SELECT tagstore.add_tag_to('zoo.animal.bird.2', 'direct', 'rls') AS bird_allowed;
SELECT errcheck($$SELECT tagstore.add_tag_to('zoo.animal.fish.2', 'direct', 'rls')$$) AS fish_refused;
RESET ROLE;
DROP POLICY no_fish ON tagstore.tagging;
DROP POLICY readable ON tagstore.tagging;
ALTER TABLE tagstore.tagging DISABLE ROW LEVEL SECURITY;
SELECT path, external_id FROM outcome('direct') WHERE external_id = 'rls';

REASSIGN OWNED BY tagstore_writer TO CURRENT_USER;
DROP OWNED BY tagstore_writer;
DROP ROLE tagstore_writer;
RESET tagstore.actor;
RESET track_functions;

-- The bulk forms write new taggings and untaggings directly and leave the
-- rest to their SQL halves (_add_tag_to_many, _remove_tag_from_many): both
-- must answer alike.  Random batches (duplicates, ids in mixed case and
-- scripts, new and known entities, taggings that exist with and without
-- data, data given or not, untaggings of tagged and untagged entities) go
-- to the C functions for entity type 'c' and to the SQL halves for type
-- 's', in the same order; the rows (external id, status, revision) of each
-- call, the taggings left and their history must be the same.
CREATE TEMP TABLE bulk_calls (n int, kind text, external_id text, status text, revision int);
DO $$
DECLARE
	ids text[];
	tag tagpath;
	d jsonb;
	pool text[] := ARRAY['a', 'B', 'b', 'é', 'É', 'z', '10', '9', 'Ω', 'ab', 'aB', 'x y', ''];
BEGIN
	PERFORM setseed(0.5);
	FOR n IN 1 .. 120 LOOP
		ids := ARRAY(SELECT pool[1 + floor(random() * cardinality(pool))::int]
					 FROM generate_series(1, 1 + floor(random() * 6)::int) k WHERE n > 0);
		tag := (ARRAY['zoo.animal', 'zoo.animal.bird', 'zoo.animal.fish'])[1 + floor(random() * 3)::int];
		d := CASE WHEN random() < 0.25 THEN jsonb_build_object('w', floor(random() * 2)) END;
		IF random() < 0.3 THEN
			-- some taggings go away first, so that tagging again continues their revisions
			INSERT INTO bulk_calls SELECT n, 'c', r.* FROM tagstore.remove_tag_from_many(tag, 'c', ids) r;
			INSERT INTO bulk_calls SELECT n, 's', r.* FROM tagstore._remove_tag_from_many(tag, 's', ids) r;
			ids := ids || pool[1 + floor(random() * cardinality(pool))::int];
		END IF;
		INSERT INTO bulk_calls SELECT n, 'c', r.* FROM tagstore.add_tag_to_many(tag, 'c', ids, d) r;
		INSERT INTO bulk_calls SELECT n, 's', r.* FROM tagstore._add_tag_to_many(tag, 's', ids, d) r;
	END LOOP;
END $$;
SELECT count(*) FILTER (WHERE kind = 'c') AS rows,
	   count(DISTINCT status) AS statuses,
	   (SELECT count(*) FROM (
		  (SELECT n, external_id, status, revision, row_number() OVER (PARTITION BY n ORDER BY ctid) FROM bulk_calls WHERE kind = 'c'
		   EXCEPT ALL
		   SELECT n, external_id, status, revision, row_number() OVER (PARTITION BY n ORDER BY ctid) FROM bulk_calls WHERE kind = 's')
		  UNION ALL
		  (SELECT n, external_id, status, revision, row_number() OVER (PARTITION BY n ORDER BY ctid) FROM bulk_calls WHERE kind = 's'
		   EXCEPT ALL
		   SELECT n, external_id, status, revision, row_number() OVER (PARTITION BY n ORDER BY ctid) FROM bulk_calls WHERE kind = 'c')) d) AS differing_rows
FROM bulk_calls;
SELECT count(*) AS taggings,
	   count(*) FILTER (WHERE s.tag_id IS NULL OR c.tag_id IS NULL OR c.data IS DISTINCT FROM s.data
						OR c.revision <> s.revision OR c.operation <> s.operation) AS differing_taggings
FROM (SELECT g.*, e.external_id FROM tagstore.tagging g JOIN tagstore.entity e ON e.id = g.entity_id WHERE e.entity_type = 'c') c
FULL JOIN (SELECT g.*, e.external_id FROM tagstore.tagging g JOIN tagstore.entity e ON e.id = g.entity_id WHERE e.entity_type = 's') s
	USING (tag_id, external_id);
SELECT count(*) AS revisions,
	   count(*) FILTER (WHERE s.tag_id IS NULL OR c.tag_id IS NULL OR c.operation <> s.operation
						OR c.state - 'entity_type' IS DISTINCT FROM s.state - 'entity_type'
						OR c.actor <> s.actor OR c.at <> s.at
						OR c.state ->> 'entity_type' <> 'c' OR s.state ->> 'entity_type' <> 's') AS differing_revisions,
	   count(*) FILTER (WHERE c.operation = 'untag') > 5 AS some_untaggings
FROM (SELECT r.*, e.external_id FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id WHERE e.entity_type = 'c') c
FULL JOIN (SELECT r.*, e.external_id FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id WHERE e.entity_type = 's') s
	USING (tag_id, external_id, revision);
-- the C bulk forms hand every bad argument to their SQL halves, which
-- raise the API's errors (NULLs were once passed on as values: a crash)
SELECT f, a, errcheck(format('SELECT count(*) FROM tagstore.%s(%s)', f, a)) AS result
FROM unnest(ARRAY['add_tag_to_many', 'remove_tag_from_many']) f,
	 unnest(ARRAY[$$'zoo.animal', 'c', NULL$$, $$'zoo.animal', 'c', '{}'$$, $$'zoo.animal', 'c', '{a,NULL}'$$,
				  $$'zoo.animal', NULL, '{a}'$$, $$'zoo.animal', '', '{a}'$$, $$NULL, 'c', '{a}'$$,
				  $$'zoo.animal', 'c', '{{a},{b}}'$$, $$'zoo.nosuch', 'c', '{a}'$$]) a
ORDER BY f, a;
SELECT errcheck($$SELECT count(*) FROM tagstore.add_tag_to_many('zoo.animal', 'c', NULL, '{"a": 1}')$$) AS with_data,
	   errcheck($$SELECT count(*) FROM tagstore.add_tag_to_many_by_id(NULL, 'c', '{a}')$$) AS by_null_id,
	   errcheck($$SELECT count(*) FROM tagstore.remove_tag_from_many_by_id(-1, 'c', '{a}')$$) AS by_unknown_id;
