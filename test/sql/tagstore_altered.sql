-- Tables, indexes and functions of tagstore altered under the engine, and
-- tagstore dropped under an open cursor: each is an error with its own
-- SQLSTATE (XX001 for a NULL where the engine needs a value, 55000 for an
-- object not as the install script made it or gone, 39P01 for the trigger
-- function misused), never XX000 or a crash; after each, the server answers
-- (SELECT 1) and, once the change is rolled back, so does tagstore.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA altered;
SET search_path = altered, public;

-- Big.root has ten children, each with two entities: posted (a subtree of
-- more than eight tags is read from its posting); one change left pending
SELECT tagstore.create_taxonomy('Big') IS NOT NULL AS created;
SELECT count(tagstore.add_tag(('Big.root.c' || i)::tagpath)) FROM generate_series(1, 10) i;
SELECT count(tagstore.add_tag_to(('Big.root.c' || i)::tagpath, 'thing', 'e' || i || x))
FROM generate_series(1, 10) i, unnest(ARRAY['a', 'b']) x;
SELECT tagstore.add_tag_to('Big.root.c3', 'thing', 'e3a', '{"k": 1}') AS retagged;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS built;
SELECT tagstore.add_tag_to('Big.root.c1', 'thing', 'pending');

-- search(): the forms that read rows and postings, each with its SQLSTATE
CREATE FUNCTION search() RETURNS TABLE (form text, result text) LANGUAGE sql AS $$
	VALUES ('stream', errcheck('SELECT count(*) FROM tagstore.entities_with_all(''{Big.root}'')')),
		   ('function', errcheck('SELECT count(*) FROM (SELECT tagstore.entities_with_all(''{Big.root}'')) s')),
		   ('count', errcheck('SELECT tagstore.count_entities_with_all(''{Big.root}'')')),
		   ('count by type', errcheck('SELECT tagstore.count_entities_with_any(''{Big.root}'', ''thing'')')),
		   ('tag data', errcheck('SELECT count(*) FROM tagstore.entities_with_tag_data(''Big.root.c3'', ''{}'')'))
$$;
SELECT * FROM search();

-- NULLs read where the engine needs a value: XX001 naming the column
-- an entity's external_id or entity_type
BEGIN;
ALTER TABLE tagstore.entity ALTER external_id DROP NOT NULL;
UPDATE tagstore.entity SET external_id = NULL WHERE external_id = 'e3a';
SELECT * FROM search();
ROLLBACK;
SELECT 1 AS up;
BEGIN;
ALTER TABLE tagstore.entity ALTER entity_type DROP NOT NULL;
UPDATE tagstore.entity SET entity_type = NULL WHERE external_id = 'e3a';
SELECT * FROM search();
ROLLBACK;
SELECT 1 AS up;
-- a posted tag's stale flag
BEGIN;
ALTER TABLE tagstore.posted_tag ALTER stale DROP NOT NULL;
UPDATE tagstore.posted_tag SET stale = NULL WHERE tag_id = tagstore.tag_id('Big.root');
SELECT * FROM search();
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1)');
SELECT * FROM search();
ROLLBACK;
SELECT 1 AS up;
-- a chunk's members: searches, and a refresh folding a change into it;
-- a rebuild writes it afresh
BEGIN;
ALTER TABLE tagstore.posting ALTER members DROP NOT NULL;
UPDATE tagstore.posting SET members = NULL WHERE tag_id = tagstore.tag_id('Big.root');
SELECT * FROM search();
SAVEPOINT s;
SELECT errcheck('SELECT tagstore.refresh_postings()');
ROLLBACK TO s;
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1)');
SELECT * FROM search();
ROLLBACK;
SELECT 1 AS up;
-- a pending change's tag or entity: searches of the postings above, and a
-- refresh folding it in; a rebuild deletes it
BEGIN;
ALTER TABLE tagstore.posting_change ALTER tag_id DROP NOT NULL;
UPDATE tagstore.posting_change SET tag_id = NULL;
SELECT * FROM search();
SELECT errcheck('SELECT tagstore.refresh_postings()');
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1)');
SELECT count(*) AS pending FROM tagstore.posting_change;
SELECT * FROM search();
ROLLBACK;
BEGIN;
ALTER TABLE tagstore.posting_change ALTER entity_id DROP NOT NULL;
UPDATE tagstore.posting_change SET entity_id = NULL;
SELECT * FROM search();
SELECT errcheck('SELECT tagstore.refresh_postings()');
ROLLBACK;
SELECT 1 AS up;
-- a tag's key: the pending change's tag, looked up by id (the posted
-- subtree has more tags than the changes); a stale posted tag being rebuilt
BEGIN;
ALTER TABLE tagstore.tag ALTER key DROP NOT NULL;
UPDATE tagstore.tag SET key = NULL WHERE path = 'Big.root.c1';
SELECT * FROM search();
UPDATE tagstore.tag SET key = NULL WHERE path = 'Big.root';
UPDATE tagstore.posted_tag SET stale = true;
SELECT errcheck('SELECT tagstore.refresh_postings()');
ROLLBACK;
SELECT 1 AS up;
-- a tagging's entity, once tagging_pkey is an index that allows NULLs (the
-- trigger logs no change for it: the one pending is the setup's)
BEGIN;
ALTER TABLE tagstore.tagging DROP CONSTRAINT tagging_pkey;
ALTER TABLE tagstore.tagging ALTER entity_id DROP NOT NULL;
CREATE UNIQUE INDEX tagging_pkey ON tagstore.tagging (tag_id, entity_id);
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
VALUES (tagstore.tag_id('Big.root.c2'), NULL, 'someone');
SELECT count(*) AS pending FROM tagstore.posting_change;
SELECT errcheck('SELECT tagstore.count_entities_with_all(''{Big.root.c2}'')');
ROLLBACK;
SELECT 1 AS up;
-- a tagging's revision NULL: tagging again takes the full path, whose NULL
-- revision add_tag_to returns as it is
BEGIN;
ALTER TABLE tagstore.tagging ALTER revision DROP NOT NULL;
UPDATE tagstore.tagging SET revision = NULL WHERE tag_id = tagstore.tag_id('Big.root.c4');
SELECT tagstore.add_tag_to('Big.root.c4', 'thing', 'e4a') IS NULL AS null_revision;
ROLLBACK;
SELECT 1 AS up;

-- Objects not as the install script made them: 55000 (or 42809), naming them
-- tag_key as a hash index, or on another column
BEGIN;
ALTER TABLE tagstore.tag DROP CONSTRAINT tag_key;
CREATE INDEX tag_key ON tagstore.tag USING hash (key);
SELECT * FROM search();
ROLLBACK;
BEGIN;
ALTER TABLE tagstore.tag DROP CONSTRAINT tag_key;
CREATE UNIQUE INDEX tag_key ON tagstore.tag (path);
SELECT * FROM search();
ROLLBACK;
-- tag.key of another type (read as tagpaths, it matched nothing)
BEGIN;
ALTER TABLE tagstore.tag ALTER key TYPE text USING key::text;
SELECT * FROM search();
ROLLBACK;
-- tagging_pkey on its columns the other way round
BEGIN;
ALTER TABLE tagstore.tagging DROP CONSTRAINT tagging_pkey;
CREATE UNIQUE INDEX tagging_pkey ON tagstore.tagging (entity_id, tag_id);
SELECT * FROM search();
ROLLBACK;
-- posting_change a view
BEGIN;
ALTER TABLE tagstore.posting_change RENAME TO posting_change_was;
CREATE VIEW tagstore.posting_change AS SELECT 1::bigint AS tag_id, 1::bigint AS entity_id;
SELECT * FROM search();
ROLLBACK;
-- a rule that turns refresh's DELETE into a SELECT
BEGIN;
CREATE RULE keep AS ON DELETE TO tagstore.posting DO INSTEAD SELECT 1;
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1)');
ROLLBACK;
-- parent links in a cycle (written with the triggers off, as no API call
-- can): refresh_postings refuses them (XX001), rather than walk forever
BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE tagstore.tag SET parent_id = tagstore.tag_id('Big.root.c1') WHERE id = tagstore.tag_id('Big.root');
SET LOCAL session_replication_role = origin;
SELECT errcheck('SELECT tagstore.refresh_postings() >= 0');
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0');
-- and verify() names the tag whose path is not its parent's
SELECT tag, problem FROM tagstore.verify() WHERE problem = 'tag_path';
ROLLBACK;
-- search_tags' C function declared with other columns than its query's
BEGIN;
CREATE FUNCTION public.other_search_tags(text, text, text, boolean, text[], text[], text[])
RETURNS TABLE (a int, b text) AS '$libdir/tagstore', 'tagstore_search_tags' LANGUAGE C;
SELECT errcheck('SELECT count(*) FROM public.other_search_tags(''Big'', NULL, NULL, false, NULL, NULL, NULL)');
-- or with other parameters
CREATE FUNCTION public.third_search_tags(text, text)
RETURNS TABLE (a int, b text) AS '$libdir/tagstore', 'tagstore_search_tags' LANGUAGE C;
SELECT errcheck('SELECT count(*) FROM public.third_search_tags(''Big'', NULL)');
ROLLBACK;
-- the change-log trigger called otherwise than as tagging's BEFORE ROW trigger
CREATE TABLE other (tag_id bigint, entity_id bigint);
CREATE TRIGGER other_changed BEFORE INSERT ON other FOR EACH ROW EXECUTE FUNCTION tagstore._tagging_changed();
SELECT errcheck('INSERT INTO altered.other VALUES (1, 2)');
DROP TRIGGER other_changed ON other;
CREATE TRIGGER other_changed AFTER INSERT ON other FOR EACH STATEMENT EXECUTE FUNCTION tagstore._tagging_changed();
SELECT errcheck('INSERT INTO altered.other VALUES (1, 2)');
DROP TABLE other;
SELECT 1 AS up;
SELECT * FROM search();

-- tagstore dropped and created again under open cursors: 55000 when they
-- are read (the new tagstore is another: its functions, types and tables)
BEGIN;
DECLARE stream CURSOR FOR SELECT * FROM tagstore.entities_with_all('{Big.root}');
DECLARE srf CURSOR FOR SELECT tagstore.entities_with_any('{Big.root}');
DECLARE tags CURSOR FOR SELECT * FROM tagstore.search_tags('Big');
DECLARE counted CURSOR FOR SELECT tagstore.count_entities_with_all('{Big.root}');
SET LOCAL client_min_messages = warning;
DROP EXTENSION tagstore CASCADE;	-- and the fixture's functions of its types
CREATE EXTENSION tagstore;
SAVEPOINT s;
FETCH 2 FROM stream;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
FETCH 2 FROM srf;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
FETCH 2 FROM tags;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
FETCH 2 FROM counted;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- dropped only
BEGIN;
DECLARE stream CURSOR FOR SELECT * FROM tagstore.entities_with_all('{Big.root}');
SET LOCAL client_min_messages = warning;
DROP EXTENSION tagstore CASCADE;
FETCH 2 FROM stream;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT 1 AS up;
SELECT * FROM search();
