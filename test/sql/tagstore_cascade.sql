-- Deletes cascade without foreign keys (src/engine/cascade.c).  tagstore's
-- tables have no foreign keys among them (a parallel pg_restore loads them
-- in any order); statement triggers delete what named the rows deleted.
-- Differential: each delete below runs twice on the same data, once with
-- 1.0's foreign keys put back in place of the triggers, once as installed,
-- and must leave the same rows in every table (the postings' change log
-- and stale marks included), with nothing for verify() to report and
-- searches agreeing with the recursive-CTE reference.  Then TRUNCATE, which
-- is refused where it would leave rows naming nothing (as it was), and
-- direct writes naming nothing, which verify() reports.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA cascade;
SET search_path = cascade, public;

-- no foreign key among tagstore's tables; the cascade triggers
SELECT count(*) AS foreign_keys FROM pg_constraint
WHERE contype = 'f' AND (conrelid::regclass::text LIKE 'tagstore.%' OR confrelid::regclass::text LIKE 'tagstore.%');
SELECT tgrelid::regclass AS tab, tgname, tgtype
FROM pg_trigger WHERE tgfoid = 'tagstore._delete_cascade'::regproc ORDER BY 1, 2;

-- the data: the fixture's forests, reshaped (history, tombstones), every
-- subtree with a tagging posted; then changes pending and postings stale;
-- and a chain 40 tags deep
SELECT * FROM make_forest();
SELECT reshape_forest();
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS built;
SELECT setseed(0.17);
SELECT count(*) AS tagged FROM (SELECT tagstore.add_tag_to((random_tag()).path, 'item', 'e' || g)
								FROM generate_series(601, 660) g) s;
SELECT tagstore.move_tag(path, NULL) IS NOT NULL AS moved FROM forest() WHERE tagstore.nlevel(path) = 4 LIMIT 3;
SELECT tagstore.create_taxonomy('Deep') IS NOT NULL AS created;
SELECT tagstore.add_tag(('Deep.' || string_agg('l' || i, '.' ORDER BY i))::tagpath) IS NOT NULL AS deep
FROM generate_series(1, 40) i;
SELECT count(*) AS tagged FROM (SELECT tagstore.add_tag_to(path, 'item', 'd' || tagstore.nlevel(path))
								FROM tagstore.tag WHERE path <@ 'Deep' AND tagstore.nlevel(path) % 4 = 0) s;
SELECT format('%s tags, %s tombstones, %s taggings, %s entities, %s posted (%s stale), %s changes pending',
			  (SELECT count(*) FROM tagstore.tag), (SELECT count(*) FROM tagstore.tag_tombstone),
			  (SELECT count(*) FROM tagstore.tagging), (SELECT count(*) FROM tagstore.entity),
			  posted_tags, stale_tags, pending_changes) AS data
FROM tagstore.posting_status;
SELECT count(*) AS problems FROM tagstore.verify();

-- state(): every row of every table, as text, the table's name first
-- (postings' chunks by checksum)
CREATE FUNCTION state() RETURNS SETOF text LANGUAGE sql AS $$
	SELECT 'taxonomy ' || x::text FROM tagstore.taxonomy x
	UNION ALL SELECT 'tag ' || x::text FROM tagstore.tag x
	UNION ALL SELECT 'tag_tombstone ' || x::text FROM tagstore.tag_tombstone x
	UNION ALL SELECT 'tag_revision ' || x::text FROM tagstore.tag_revision x
	UNION ALL SELECT 'entity ' || x::text FROM tagstore.entity x
	UNION ALL SELECT 'tagging ' || x::text FROM tagstore.tagging x
	UNION ALL SELECT 'tagging_revision ' || x::text FROM tagstore.tagging_revision x
	UNION ALL SELECT 'posted_tag ' || x::text FROM tagstore.posted_tag x
	UNION ALL SELECT format('posting (%s,%s,%s)', tag_id, chunk, md5(members)) FROM tagstore.posting
	UNION ALL SELECT 'posting_change ' || x::text FROM tagstore.posting_change x
$$;

-- counts(): rows per table, for what a delete changed
CREATE FUNCTION counts() RETURNS TABLE (tab text, n bigint) LANGUAGE sql AS $$
	SELECT split_part(s, ' ', 1), count(*) FROM state() s GROUP BY 1
$$;

-- as_1_0(): 1.0's foreign keys in place of the triggers (in a transaction
-- that is rolled back)
CREATE FUNCTION as_1_0() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	DROP TRIGGER taxonomy_delete_cascade ON tagstore.taxonomy;
	DROP TRIGGER taxonomy_truncate_check ON tagstore.taxonomy;
	DROP TRIGGER tag_delete_cascade ON tagstore.tag;
	DROP TRIGGER tag_truncate_check ON tagstore.tag;
	DROP TRIGGER entity_delete_cascade ON tagstore.entity;
	DROP TRIGGER entity_truncate_check ON tagstore.entity;
	DROP TRIGGER posted_tag_delete_cascade ON tagstore.posted_tag;
	DROP TRIGGER posted_tag_truncate_check ON tagstore.posted_tag;
	ALTER TABLE tagstore.tag
		ADD FOREIGN KEY (taxonomy_id) REFERENCES tagstore.taxonomy ON DELETE CASCADE,
		ADD FOREIGN KEY (parent_id) REFERENCES tagstore.tag ON DELETE CASCADE;
	ALTER TABLE tagstore.tag_tombstone
		ADD FOREIGN KEY (taxonomy_id) REFERENCES tagstore.taxonomy ON DELETE CASCADE;
	ALTER TABLE tagstore.tagging
		ADD FOREIGN KEY (tag_id) REFERENCES tagstore.tag ON DELETE CASCADE,
		ADD FOREIGN KEY (entity_id) REFERENCES tagstore.entity ON DELETE CASCADE;
	ALTER TABLE tagstore.posted_tag
		ADD FOREIGN KEY (tag_id) REFERENCES tagstore.tag ON DELETE CASCADE;
	ALTER TABLE tagstore.posting
		ADD FOREIGN KEY (tag_id) REFERENCES tagstore.posted_tag ON DELETE CASCADE;
END $$;

-- against_1_0(stmt): runs stmt with 1.0's foreign keys, then as installed,
-- each in a subtransaction rolled back; returns what it changed (rows per
-- table, before -> after), whether both left the same rows (the rows of
-- one only are NOTICEs), verify()'s problems and the searches that
-- disagree with ref_search after it
CREATE FUNCTION against_1_0(stmt text, OUT changed text, OUT same_as_1_0 boolean,
							OUT problems bigint, OUT search_mismatches int)
LANGUAGE plpgsql AS $$
DECLARE
	before text[];
	fk text[];
	mine text[];
	diff text;
BEGIN
	BEGIN
		PERFORM as_1_0();
		EXECUTE stmt;
		fk := ARRAY(SELECT state());
		RAISE EXCEPTION 'roll back';
	EXCEPTION WHEN raise_exception THEN
	END;
	BEGIN
		before := ARRAY(SELECT format('%s %s', tab, n) FROM counts());
		EXECUTE stmt;
		mine := ARRAY(SELECT state());
		SELECT string_agg(format('%s %s -> %s', split_part(b, ' ', 1), split_part(b, ' ', 2), coalesce(c.n, 0)),
						  ', ' ORDER BY b)
		INTO changed
		FROM unnest(before) b LEFT JOIN counts() c ON c.tab = split_part(b, ' ', 1)
		WHERE split_part(b, ' ', 2)::bigint IS DISTINCT FROM c.n;
		problems := (SELECT count(*) FROM tagstore.verify());
		PERFORM setseed(0.19);
		search_mismatches := CASE WHEN EXISTS (SELECT FROM forest()) THEN (compare(30)).mismatches ELSE 0 END;
		RAISE EXCEPTION 'roll back';
	EXCEPTION WHEN raise_exception THEN
	END;
	SELECT string_agg(w || ' ' || r, E'\n') INTO diff FROM (
		(SELECT '1.0 only:', r FROM unnest(fk) r EXCEPT ALL SELECT '1.0 only:', r FROM unnest(mine) r)
		UNION ALL
		(SELECT 'now only:', r FROM unnest(mine) r EXCEPT ALL SELECT 'now only:', r FROM unnest(fk) r)
		ORDER BY 2 LIMIT 20) d(w, r);
	same_as_1_0 := diff IS NULL;
	IF diff IS NOT NULL THEN
		RAISE NOTICE 'rows left by 1.0''s foreign keys and by the triggers differ:%', E'\n' || diff;
	END IF;
END $$;

-- a whole taxonomy, directly and by the API
SELECT * FROM against_1_0($$DELETE FROM tagstore.taxonomy WHERE name = 'Alpha'$$);
SELECT * FROM against_1_0($$SELECT tagstore.drop_taxonomy('beta')$$);
-- every taxonomy at once
SELECT * FROM against_1_0($$DELETE FROM tagstore.taxonomy$$);
-- a subtree whose ancestors are posted (their postings go stale)
SELECT * FROM against_1_0($$DELETE FROM tagstore.tag
	WHERE id = (SELECT id FROM forest() WHERE tagstore.nlevel(path) = 3 ORDER BY key LIMIT 1)$$);
-- tags and their descendants in one statement, in several subtrees
SELECT * FROM against_1_0($$DELETE FROM tagstore.tag
	WHERE id IN (SELECT id FROM forest() WHERE tagstore.nlevel(path) BETWEEN 3 AND 4 AND id % 5 = 0)$$);
-- the roots of a taxonomy, and the 40-deep chain from its root
SELECT * FROM against_1_0($$DELETE FROM tagstore.tag
	WHERE parent_id IS NULL AND taxonomy_id = (SELECT id FROM tagstore.taxonomy WHERE name = 'Γάμμα')$$);
SELECT * FROM against_1_0($$DELETE FROM tagstore.tag WHERE path = 'Deep.l1'$$);
-- the API's removal of a subtree
SELECT * FROM against_1_0($$SELECT tagstore.remove_tag(path, cascade => true)
	FROM forest() WHERE tagstore.nlevel(path) = 2 ORDER BY key LIMIT 1$$);
-- entities, one and in bulk
SELECT * FROM against_1_0($$DELETE FROM tagstore.entity WHERE external_id = 'e7'$$);
SELECT * FROM against_1_0($$DELETE FROM tagstore.entity WHERE id % 3 = 0$$);
-- posted tags (their postings go)
SELECT * FROM against_1_0($$DELETE FROM tagstore.posted_tag WHERE tag_id % 2 = 0$$);
-- deletes that delete nothing
SELECT * FROM against_1_0($$DELETE FROM tagstore.tag WHERE false$$);
SELECT * FROM against_1_0($$DELETE FROM tagstore.taxonomy WHERE name = 'nosuch'$$);
-- nothing changed by the runs above (each was rolled back)
SELECT count(*) AS problems FROM tagstore.verify();

-- TRUNCATE: refused where it would leave rows naming nothing, as 1.0's
-- foreign keys refused it (the same SQLSTATE); accepted with the tables
-- that named the truncated ones
CREATE FUNCTION truncates(OUT stmt text, OUT installed text, OUT with_1_0 text) RETURNS SETOF record
LANGUAGE plpgsql AS $$
DECLARE
	stmts text[] := ARRAY[
		'TRUNCATE tagstore.taxonomy',
		'TRUNCATE tagstore.taxonomy, tagstore.tag',
		'TRUNCATE tagstore.taxonomy, tagstore.tag_tombstone',
		'TRUNCATE tagstore.tag',
		'TRUNCATE tagstore.tag, tagstore.tagging',
		'TRUNCATE tagstore.tag, tagstore.tagging, tagstore.posted_tag',
		'TRUNCATE tagstore.entity',
		'TRUNCATE tagstore.posted_tag',
		'TRUNCATE tagstore.posted_tag, tagstore.posting',
		'TRUNCATE tagstore.taxonomy, tagstore.tag, tagstore.tag_tombstone, tagstore.tagging, '
			'tagstore.posted_tag, tagstore.posting, tagstore.entity',
		'TRUNCATE tagstore.taxonomy, tagstore.tag, tagstore.tag_tombstone, tagstore.tagging, '
			'tagstore.posted_tag, tagstore.posting, tagstore.entity, tagstore.taxonomy_grant'];
BEGIN
	FOREACH stmt IN ARRAY stmts LOOP
		BEGIN
			PERFORM as_1_0();
			with_1_0 := errcheck(stmt);
			RAISE EXCEPTION 'roll back';
		EXCEPTION WHEN raise_exception THEN
		END;
		BEGIN
			installed := errcheck(stmt);
			RAISE EXCEPTION 'roll back';
		EXCEPTION WHEN raise_exception THEN
		END;
		with_1_0 := split_part(with_1_0, ':', 1);
		RETURN NEXT;
	END LOOP;
END $$;
SELECT * FROM truncates();
SELECT count(*) AS tags_left FROM tagstore.tag;

-- direct writes naming nothing: each a row of verify()
BEGIN;
INSERT INTO tagstore.tag_tombstone (id, taxonomy_id, key, path, revision)
VALUES (900001, '00000000-0000-0000-0000-000000000001', 'gone.tag', 'gone.tag', 2);
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT 900002, id, 'test' FROM tagstore.entity WHERE external_id = 'e1';
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT id, 900003, 'test' FROM forest() ORDER BY key LIMIT 1;
UPDATE tagstore.tag SET parent_id = 900004 WHERE id = (SELECT id FROM forest() WHERE tagstore.nlevel(path) = 3 ORDER BY key LIMIT 1);
UPDATE tagstore.tag SET taxonomy_id = '00000000-0000-0000-0000-000000000005'
WHERE id = (SELECT id FROM forest() f WHERE tagstore.nlevel(path) = 4
			  AND NOT EXISTS (SELECT FROM tagstore.tag c WHERE c.parent_id = f.id) ORDER BY key LIMIT 1);
INSERT INTO tagstore.posted_tag (tag_id) VALUES (900006);
SELECT tag_id, problem, detail FROM tagstore.verify()
WHERE problem NOT IN ('tag_path', 'tag_key')	-- the moved tags' names follow from the bad links
ORDER BY problem, tag_id, detail;
ROLLBACK;

-- the trigger function misused: each a protocol error (39P01), nothing deleted
CREATE TABLE other (id int);
INSERT INTO other VALUES (1);
CREATE FUNCTION misuse(how text, stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	BEGIN
		EXECUTE how;
		result := errcheck(stmt);
		RAISE EXCEPTION 'roll back';
	EXCEPTION WHEN raise_exception THEN
	END;
	RETURN result;
END $$;
SELECT misuse(how, coalesce(stmt, 'DELETE FROM tagstore.tag WHERE id = (SELECT max(id) FROM tagstore.tag)'))
FROM (VALUES
	($$CREATE TRIGGER t AFTER DELETE ON cascade.other REFERENCING OLD TABLE AS deleted
	   FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade()$$, 'DELETE FROM cascade.other'),
	($$CREATE TRIGGER t AFTER DELETE ON tagstore.tag FOR EACH ROW EXECUTE FUNCTION tagstore._delete_cascade()$$, NULL),
	($$CREATE TRIGGER t BEFORE DELETE ON tagstore.tag FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade()$$, NULL),
	($$CREATE TRIGGER t AFTER DELETE ON tagstore.tag FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade()$$, NULL),
	($$CREATE TRIGGER t AFTER DELETE ON tagstore.tag REFERENCING OLD TABLE AS gone
	   FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade()$$, NULL),
	($$CREATE TRIGGER t AFTER INSERT ON tagstore.tag FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade()$$,
	 'INSERT INTO tagstore.tag SELECT * FROM tagstore.tag WHERE false')) AS m(how, stmt);
SELECT errcheck('SELECT tagstore._delete_cascade()') AS called;
SELECT count(*) AS tags_left FROM tagstore.tag;
