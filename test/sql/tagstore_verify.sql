-- tagstore.verify(): no row on a sound database (with changes pending,
-- stale postings, history); each sabotage of the derived data gives its
-- rows; refresh_postings(rebuild => true) repairs what it reports about
-- postings.  Its rows about postings are checked against a reference
-- worked out in SQL (subtrees walked by parent links, chunks decoded here).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA verify;
SET search_path = verify, public;

-- the random forests of the fixture, reshaped (renames, moves, removals:
-- history and tombstones), every subtree with a tagging posted
SELECT * FROM make_forest();
SELECT reshape_forest();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS built;

-- v(): verify's rows, without the column that repeats the tag's id
CREATE FUNCTION v() RETURNS TABLE (tag tagpath, problem text, detail text)
LANGUAGE sql AS $$ SELECT tag, problem, detail FROM tagstore.verify() $$;

-- churn(n): taggings and untaggings through the API, left pending
CREATE FUNCTION churn(n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t tagstore.tag;
BEGIN
	FOR i IN 1 .. n LOOP
		t := random_tag();
		IF random() < 0.6 THEN
			PERFORM tagstore.add_tag_to(t.path, 'item', 'e' || (1 + floor(random() * 700)::int));
		ELSE
			PERFORM tagstore.remove_tag_from(t.path, e.entity_type, e.external_id)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = t.id ORDER BY x.entity_id LIMIT 1;
		END IF;
	END LOOP;
END $$;

-- ref_members(tag id): the entities of a stored posting, decoded here (a
-- chunk of 8192 bytes is a bitmap, bit i of byte k is low id 8k + i;
-- otherwise a list of little-endian 16-bit low ids; chunk c holds the ids
-- c * 65536 + low)
CREATE FUNCTION ref_members(tag bigint) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
	SELECT DISTINCT p.chunk * 65536 +
		   CASE WHEN length(p.members) = 8192 THEN b.i
				ELSE get_byte(p.members, 2 * b.i) + 256 * get_byte(p.members, 2 * b.i + 1) END
	FROM tagstore.posting p,
		 LATERAL generate_series(0, CASE WHEN length(p.members) = 8192 THEN 65535
										 ELSE length(p.members) / 2 - 1 END) b(i)
	WHERE p.tag_id = tag AND (length(p.members) <> 8192 OR get_bit(p.members, b.i) = 1)
$$;

-- against_reference(): for every fresh posted tag, what verify says its
-- posting lacks and holds too many, and whether its count is wrong, against
-- the same worked out here: the entities tagged in its subtree (walked by
-- parent links) and its decoded posting, both less the entities of the
-- pending changes under it (a search decides those from the taggings).
-- Returns the fresh posted tags, those whose postings are wrong, and the
-- disagreements (each also a NOTICE).
CREATE FUNCTION against_reference(OUT posted int, OUT wrong int, OUT disagreements int)
LANGUAGE plpgsql AS $$
DECLARE
	t record;
	missing int;
	extra int;
	bad_count boolean;
	said_missing int;
	said_extra int;
	said_count boolean;
BEGIN
	posted := 0; wrong := 0; disagreements := 0;
	CREATE TEMP TABLE said ON COMMIT DROP AS SELECT * FROM tagstore.verify();
	FOR t IN SELECT g.id, g.path, g.key, p.entities FROM tagstore.posted_tag p
			 JOIN tagstore.tag g ON g.id = p.tag_id WHERE NOT p.stale ORDER BY g.key LOOP
		WITH truth AS (
			SELECT DISTINCT x.entity_id AS e FROM tagstore.tagging x
			WHERE x.tag_id IN (SELECT ref_subtree(t.id, true))
		), stored AS (
			SELECT ref_members(t.id) AS e
		), pending AS (
			SELECT c.entity_id AS e FROM tagstore.posting_change c
			JOIN tagstore.tag g ON g.id = c.tag_id WHERE g.key <@ t.key
		)
		SELECT (SELECT count(*) FROM (SELECT e FROM truth EXCEPT SELECT e FROM stored
									  EXCEPT SELECT e FROM pending) m),
			   (SELECT count(*) FROM (SELECT e FROM stored EXCEPT SELECT e FROM truth
									  EXCEPT SELECT e FROM pending) x),
			   t.entities IS DISTINCT FROM (SELECT count(*) FROM stored)
		INTO missing, extra, bad_count;
		SELECT coalesce(sum(split_part(s.detail, ' ', 4)::int), 0) INTO said_missing
		FROM said s WHERE s.tag_id = t.id AND s.problem = 'posting_missing';
		SELECT coalesce(sum(split_part(s.detail, ' ', 4)::int), 0) INTO said_extra
		FROM said s WHERE s.tag_id = t.id AND s.problem = 'posting_extra';
		said_count := EXISTS (SELECT FROM said s WHERE s.tag_id = t.id AND s.problem = 'posting_count');
		posted := posted + 1;
		wrong := wrong + (missing + extra > 0 OR bad_count)::int;
		IF missing <> said_missing OR extra <> said_extra OR bad_count <> said_count THEN
			disagreements := disagreements + 1;
			RAISE NOTICE '%: lacks %, holds % too many, count wrong: %; verify says %, %, %',
				t.path, missing, extra, bad_count, said_missing, said_extra, said_count;
		END IF;
	END LOOP;
	DROP TABLE said;
END $$;

-- sound: no row, fresh, with changes pending (which readers apply), with
-- stale postings after moves and removals, and after folding them in
SELECT * FROM v();
SELECT setseed(0.31);
SELECT churn(200);
SELECT pending_changes > 100 AS pending, stale_tags FROM tagstore.posting_status;
SELECT * FROM v();
SELECT posted > 300 AS many_posted, wrong, disagreements FROM against_reference();
SELECT setseed(0.32);
DO $$
DECLARE
	t tagstore.tag;
	p tagstore.tag;
BEGIN
	FOR i IN 1 .. 8 LOOP
		t := random_tag();
		SELECT * INTO p FROM forest() f WHERE f.taxonomy_id = t.taxonomy_id AND NOT f.key <@ t.key
		OFFSET floor(random() * 30) LIMIT 1;
		PERFORM tagstore.move_tag(t.path, p.path);
	END LOOP;
	PERFORM tagstore.remove_tag((random_tag()).path, cascade => true);
END $$;
SELECT stale_tags > 0 AS some_stale FROM tagstore.posting_status;
SELECT * FROM v();
SELECT tagstore.refresh_postings() > 0 AS folded;
SELECT * FROM v();
-- and it only reads: a read-only transaction may call it
BEGIN READ ONLY;
SELECT count(*) FROM tagstore.verify();
COMMIT;

-- Sabotages of the forests' postings, each undone: verify's rows agree with
-- the reference.  Some churn leaves changes pending first.
SELECT setseed(0.33);
SELECT churn(150);
-- the change log emptied: the pending changes' entities are wrong in the
-- postings above them
BEGIN;
DELETE FROM tagstore.posting_change;
SELECT posted > 300 AS many_posted, wrong > 10 AS many_wrong, disagreements FROM against_reference();
SELECT problem, count(*) > 10 AS many FROM v() GROUP BY problem ORDER BY problem;
ROLLBACK;
-- taggings written and removed with the trigger off, as a careless bulk load would
BEGIN;
ALTER TABLE tagstore.tagging DISABLE TRIGGER tagging_changed;
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT f.id, e.id, 'loader' FROM (SELECT id FROM forest() ORDER BY key LIMIT 40) f,
	(SELECT id FROM tagstore.entity ORDER BY id DESC LIMIT 3) e
ON CONFLICT DO NOTHING;
DELETE FROM tagstore.tagging WHERE entity_id IN (SELECT id FROM tagstore.entity ORDER BY id LIMIT 5);
ALTER TABLE tagstore.tagging ENABLE TRIGGER tagging_changed;
SELECT posted > 300 AS many_posted, wrong > 10 AS many_wrong, disagreements FROM against_reference();
SELECT problem, count(*) > 10 AS many FROM v() GROUP BY problem ORDER BY problem;
-- a rebuild repairs them: nothing to report, every search right
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS rebuilt;
SELECT * FROM v();
SELECT posted > 300 AS many_posted, wrong, disagreements FROM against_reference();
ROLLBACK;
-- the postings emptied
BEGIN;
TRUNCATE tagstore.posting;
SELECT posted > 300 AS many_posted, wrong > 100 AS many_wrong, disagreements FROM against_reference();
SELECT problem, count(*) > 100 AS many FROM v() GROUP BY problem ORDER BY problem;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS rebuilt;
SELECT * FROM v();
ROLLBACK;

-- A small taxonomy of its own, for the rows themselves: the forests go, and
-- the postings are built afresh
SELECT tagstore.drop_taxonomy(name) FROM unnest(ARRAY['Alpha', 'beta', 'Γάμμα']) name;
SELECT tagstore.create_taxonomy('Zoo') IS NOT NULL AS created;
SELECT tagstore.add_tag(t::tagpath)
FROM unnest(ARRAY['Zoo.animal.mammal.cat', 'Zoo.animal.bird', 'Zoo.plant.tree']) t;
SELECT tagstore.add_tag_to(t::tagpath, 'zoo', x)
FROM (VALUES ('Zoo.animal.mammal.cat', 'z1'), ('Zoo.animal.mammal', 'z2'), ('Zoo.animal.bird', 'z3'),
			 ('Zoo.plant.tree', 'z4'), ('Zoo.animal', 'z5'), ('Zoo.plant', 'z5')) v(t, x);
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT g.path, p.stale, p.entities FROM tagstore.posted_tag p JOIN tagstore.tag g ON g.id = p.tag_id
ORDER BY g.key;
-- the entities' ids, for reading the rows below
SELECT string_agg(external_id || '=' || id, ', ' ORDER BY id) AS ids FROM tagstore.entity
WHERE entity_type = 'zoo';
-- a change of each kind left pending: sound
SELECT tagstore.add_tag_to('Zoo.animal.bird', 'zoo', 'z6');
SELECT tagstore.remove_tag_from('Zoo.animal.mammal', 'zoo', 'z2');
SELECT * FROM v();
-- change rows naming an entity and a tag that are gone are no problem
SELECT tagstore.add_tag_to('Zoo.animal.bird', 'zoo', 'z7');
DELETE FROM tagstore.entity WHERE external_id = 'z7';
SELECT tagstore.add_tag_to(tagstore.add_tag('Zoo', 'fungus'), 'zoo', 'z5');
SELECT tagstore.remove_tag('Zoo.fungus');
SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT FROM tagstore.tag t WHERE t.id = c.tag_id)) AS of_tags_gone,
	   count(*) FILTER (WHERE NOT EXISTS (SELECT FROM tagstore.entity e WHERE e.id = c.entity_id)) AS of_entities_gone
FROM tagstore.posting_change c;
SELECT stale_tags FROM tagstore.posting_status;
SELECT * FROM v();

-- DELETE FROM posting_change: z6 missing, z2 still there
BEGIN;
DELETE FROM tagstore.posting_change;
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- TRUNCATE posting: every posted tag's count and entities
BEGIN;
TRUNCATE tagstore.posting;
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- damaged chunks: a size no chunk has, a number out of range, members NULL;
-- the rest of the postings is still checked
BEGIN;
UPDATE tagstore.posting SET members = '\x010203' WHERE tag_id = tagstore.tag_id('Zoo.animal');
UPDATE tagstore.posting SET chunk = 140737488355328 WHERE tag_id = tagstore.tag_id('Zoo.plant');
ALTER TABLE tagstore.posting ALTER members DROP NOT NULL;
UPDATE tagstore.posting SET members = NULL WHERE tag_id = tagstore.tag_id('Zoo.animal.bird');
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- a wrong count; a posting row deleted
BEGIN;
UPDATE tagstore.posted_tag SET entities = entities + 1 WHERE tag_id = tagstore.tag_id('Zoo.animal');
DELETE FROM tagstore.posting WHERE tag_id = tagstore.tag_id('Zoo.plant.tree');
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- a tagging inserted, and one deleted, with the trigger disabled
BEGIN;
ALTER TABLE tagstore.tagging DISABLE TRIGGER tagging_changed;
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT tagstore.tag_id('Zoo.animal.mammal.cat'), id, 'loader' FROM tagstore.entity WHERE external_id = 'z4';
DELETE FROM tagstore.tagging WHERE tag_id = tagstore.tag_id('Zoo.plant.tree');
ALTER TABLE tagstore.tagging ENABLE TRIGGER tagging_changed;
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- with the constraints out of the way: a chunk stored twice, posting rows
-- of a tag not posted, a posted tag and taggings of a tag that is gone, a
-- tagging of an entity that is gone
BEGIN;
ALTER TABLE tagstore.posting DROP CONSTRAINT posting_pkey;
INSERT INTO tagstore.posting SELECT * FROM tagstore.posting WHERE tag_id = tagstore.tag_id('Zoo.animal');
SET LOCAL session_replication_role = replica;	-- no cascade triggers
INSERT INTO tagstore.posting SELECT tagstore.tag_id('Zoo.animal.bird') + 1000, chunk, members
FROM tagstore.posting WHERE tag_id = tagstore.tag_id('Zoo.animal.bird');
DELETE FROM tagstore.tag WHERE path = 'Zoo.plant.tree';
DELETE FROM tagstore.entity WHERE external_id = 'z1';
RESET session_replication_role;
SELECT * FROM v();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT * FROM v();
ROLLBACK;

-- names: a key, a path, a parent in another taxonomy, a taxonomy's key
BEGIN;
SELECT tagstore.create_taxonomy('Other') IS NOT NULL AS created;
SELECT tagstore.add_tag('Other.thing');
UPDATE tagstore.tag SET key = 'zoo.animal.cow' WHERE path = 'Zoo.animal.mammal';
UPDATE tagstore.tag SET path = 'Zoo.animal.Bird' WHERE path = 'Zoo.animal.bird';
UPDATE tagstore.tag SET parent_id = tagstore.tag_id('Other.thing') WHERE path = 'Zoo.plant.tree';
UPDATE tagstore.taxonomy SET name_key = 'other ' WHERE name = 'Other';
SELECT * FROM v();
ROLLBACK;

-- revisions and tombstones: a tag and a tagging whose live revision is not
-- after the archived ones, a tombstone behind its history, an id both live
-- and deleted; and the sequences giving taken ids (setval is not undone by
-- ROLLBACK: they are set back after)
SELECT last_value AS tag_seq FROM tagstore.tag_id_seq \gset
SELECT last_value AS entity_seq FROM tagstore.entity_id_seq \gset
BEGIN;
SELECT tagstore.update_tag('Zoo.plant', description => 'green');
SELECT tagstore.add_tag_to('Zoo.plant', 'zoo', 'z5', '{"n": 1}');
SELECT tagstore.remove_tag('Zoo.animal.bird');
UPDATE tagstore.tag SET revision = 1 WHERE path = 'Zoo.plant';
UPDATE tagstore.tagging SET revision = 1 WHERE tag_id = tagstore.tag_id('Zoo.plant');
UPDATE tagstore.tag_tombstone SET revision = 1;
INSERT INTO tagstore.tag_tombstone (id, taxonomy_id, key, path, revision)
SELECT id, taxonomy_id, key, path, revision FROM tagstore.tag WHERE path = 'Zoo.animal.mammal.cat';
SELECT setval('tagstore.tag_id_seq', tagstore.tag_id('Zoo.animal'), false) > 0 AS set,
	   setval('tagstore.entity_id_seq', (SELECT min(id) FROM tagstore.entity)) > 0 AS set;
SELECT * FROM v();
ROLLBACK;
SELECT setval('tagstore.tag_id_seq', :tag_seq) > 0 AS reset, setval('tagstore.entity_id_seq', :entity_seq) > 0 AS reset;
SELECT * FROM v();

-- NULLs where tagstore needs a value (NOT NULL constraints dropped)
BEGIN;
ALTER TABLE tagstore.tag ALTER key DROP NOT NULL;
ALTER TABLE tagstore.entity ALTER external_id DROP NOT NULL;
ALTER TABLE tagstore.posted_tag ALTER stale DROP NOT NULL;
ALTER TABLE tagstore.posting_change ALTER tag_id DROP NOT NULL;
UPDATE tagstore.tag SET key = NULL WHERE path = 'Zoo.plant.tree';
UPDATE tagstore.entity SET external_id = NULL WHERE external_id IN ('z1', 'z2');
UPDATE tagstore.posted_tag SET stale = NULL WHERE tag_id = tagstore.tag_id('Zoo.animal.mammal');
UPDATE tagstore.posting_change SET tag_id = NULL;
SELECT * FROM v();
ROLLBACK;

-- not for PUBLIC: a role that may use the schema and read the tables
-- needs EXECUTE granted; it runs with the caller's rights
CREATE ROLE tagstore_verifier;
GRANT USAGE ON SCHEMA tagstore TO tagstore_verifier;
SET ROLE tagstore_verifier;
SELECT errcheck('SELECT * FROM tagstore.verify()');
RESET ROLE;
GRANT EXECUTE ON FUNCTION tagstore.verify(), tagstore._verify_postings() TO tagstore_verifier;
SET ROLE tagstore_verifier;
SELECT errcheck('SELECT * FROM tagstore.verify()');
SELECT errcheck('SELECT * FROM tagstore._verify_postings()');
RESET ROLE;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_verifier;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA tagstore TO tagstore_verifier;
SET ROLE tagstore_verifier;
SELECT count(*) AS problems FROM tagstore.verify();
RESET ROLE;
DROP OWNED BY tagstore_verifier;
DROP ROLE tagstore_verifier;
