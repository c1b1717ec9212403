-- Postings kept up without refresh_postings(): a transaction that writes
-- taggings and leaves tagstore.pending_limit or more changes pending
-- starts a background worker that folds them in (src/engine/upkeep.c).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
SELECT tagstore.create_taxonomy('Up') IS NOT NULL AS created;
SELECT tagstore.add_tag('Up', 'broad'), tagstore.add_tag('Up', 'leaf', 'Up.broad'),
	   tagstore.add_tag('Up', 'other', 'Up.broad');
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad.leaf', 'doc', ARRAY(SELECT 'd' || i FROM generate_series(1, 400) i));
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 100) AS posted_taggings;

-- waits (at most a minute) until no change is pending; true if none is
CREATE FUNCTION pending_drained() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. 600 LOOP
		IF NOT EXISTS (SELECT FROM tagstore.posting_change) THEN
			RETURN true;
		END IF;
		PERFORM pg_sleep(0.1);
	END LOOP;
	RETURN false;
END $$;

-- off (as the fixture sets it): the changes stay pending
SHOW tagstore.auto_refresh;
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad.other', 'doc', ARRAY(SELECT 'o' || i FROM generate_series(1, 300) i));
SELECT pg_sleep(1.5);
SELECT count(*) AS still_pending FROM tagstore.posting_change;

-- on, below the limit: still pending
SET tagstore.auto_refresh = on;
SET tagstore.pending_limit = 1000;
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad.other', 'doc', ARRAY(SELECT 'p' || i FROM generate_series(1, 100) i));
SELECT pg_sleep(1.5);
SELECT count(*) AS still_pending FROM tagstore.posting_change;

-- on, at the limit (this transaction's changes alone reach it, whatever the
-- statistics say of the others): folded in by the worker, nobody calling
-- refresh_postings()
SET tagstore.pending_limit = 500;
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad.leaf', 'doc', ARRAY(SELECT 'q' || i FROM generate_series(1, 600) i));
SELECT pending_drained() AS folded_in;
-- and folded in right: the posting answers as the taggings do, verify() finds nothing
SELECT tagstore.count_entities_with_all('{Up.broad}') AS broad,
	   (SELECT count(DISTINCT entity_id) FROM tagstore.tagging) AS entities_tagged;
SELECT count(*) AS verify_findings FROM tagstore.verify();
-- the worker's refresh kept to the threshold the rebuild was given (100):
-- Up.broad.other, grown to 400 taggings, is posted now
SELECT t.path, stale, entities FROM tagstore.posted_tag p JOIN tagstore.tag t ON t.id = p.tag_id ORDER BY t.key;
SELECT min_taggings FROM tagstore.posting_status;

-- untaggings count too; a transaction rolled back leaves nothing pending
BEGIN;
SELECT count(*) AS untagged FROM tagstore.remove_tag_from_many('Up.broad.leaf', 'doc', ARRAY(SELECT 'd' || i FROM generate_series(1, 600) i));
ROLLBACK;
SELECT pg_sleep(1.5);
SELECT count(*) AS nothing_pending FROM tagstore.posting_change;
SELECT count(*) AS untagged FROM tagstore.remove_tag_from_many('Up.broad.leaf', 'doc', ARRAY(SELECT 'd' || i FROM generate_series(1, 600) i));
SELECT pending_drained() AS folded_in;
SELECT tagstore.count_entities_with_all('{Up.broad}') AS broad,
	   (SELECT count(DISTINCT entity_id) FROM tagstore.tagging) AS entities_tagged;

-- an owner that cannot log in cannot be connected as: a warning, once a
-- session, and the changes stay pending
SET client_min_messages = warning;
DROP EXTENSION tagstore CASCADE;
RESET client_min_messages;
CREATE ROLE tagstore_nologin_owner NOLOGIN;
GRANT CREATE ON DATABASE :"DBNAME" TO tagstore_nologin_owner;
SET ROLE tagstore_nologin_owner;
CREATE EXTENSION tagstore;
SELECT tagstore.create_taxonomy('Up') IS NOT NULL AS created;
SELECT tagstore.add_tag('Up', 'broad');
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad', 'doc', ARRAY(SELECT 'w' || i FROM generate_series(1, 600) i));
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('Up.broad', 'doc', ARRAY(SELECT 'v' || i FROM generate_series(1, 600) i));
SELECT pg_sleep(1.5);
SELECT count(*) AS still_pending FROM tagstore.posting_change;
RESET ROLE;
SET client_min_messages = warning;
DROP EXTENSION tagstore CASCADE;
RESET client_min_messages;
REVOKE CREATE ON DATABASE :"DBNAME" FROM tagstore_nologin_owner;
DROP OWNED BY tagstore_nologin_owner;
DROP ROLE tagstore_nologin_owner;

-- the settings' bounds
SELECT errcheck('SET tagstore.pending_limit = 0') AS zero_limit;
SELECT errcheck($$SET tagstore.auto_refresh = 'sometimes'$$) AS not_a_boolean;
RESET tagstore.pending_limit;
SHOW tagstore.pending_limit;
