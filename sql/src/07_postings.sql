-- Section 07: closure postings.
--
-- Closure postings (src/tagstore_posting.c): for tags with large subtrees,
-- the entities tagged anywhere under them, kept ready to read.  Writers only
-- append to posting_change; refresh_postings folds it in.  Postings are a
-- cache of the taggings: pg_dump leaves them out, and refresh_postings(true)
-- rebuilds them after a restore.
--
-- This section holds their tables, the triggers on the tables of section 06
-- that log tagging changes and mark postings stale, the posting_status view
-- and refresh_postings().
--
-- The trigger functions (these and section 06's) are the schema's only
-- internal functions but verify()'s, and PUBLIC may not execute them: a
-- trigger fires whoever writes the table, without EXECUTE on its function
-- (section 08 has the rule).

CREATE TABLE tagstore.posted_tag (
	tag_id bigint PRIMARY KEY,
	stale boolean NOT NULL DEFAULT true,
	entities bigint
);
COMMENT ON TABLE tagstore.posted_tag IS 'tags whose subtree''s entities are kept in tagstore.posting; stale ones are not read';

CREATE TABLE tagstore.posting (
	tag_id bigint NOT NULL,
	chunk bigint NOT NULL,
	members bytea NOT NULL,
	PRIMARY KEY (tag_id, chunk)
);
COMMENT ON TABLE tagstore.posting IS 'per posted tag, the entities tagged under it, in chunks of 65536 ids';
-- Chunks over 2 kB go to TOAST uncompressed: pglz shrank a few lists of
-- dense ids by a third, and decompressing them cost a broad read of 64,000
-- members 40% of its time.
ALTER TABLE tagstore.posting ALTER COLUMN members SET STORAGE EXTERNAL;

-- A posted tag deleted (its tag deleted, section 06) takes its posting
-- along; no row of posting may outlive its posted tag's TRUNCATE.
CREATE TRIGGER posted_tag_delete_cascade AFTER DELETE ON tagstore.posted_tag
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER posted_tag_truncate_check AFTER TRUNCATE ON tagstore.posted_tag
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();

-- The taggings of each tag as of the last refresh (tags with none have no
-- row), from which refresh_postings re-chooses the posted tags: it
-- recounts the tags of the changes it folds in, and adds up subtrees over
-- the tree as it stands, so a subtree that grew, or was moved under a tag,
-- is posted by the next refresh (src/engine/posting_choice.c says by
-- which measure).  Empty means never counted: the next
-- refresh counts every tag.
CREATE TABLE tagstore.tagging_count (
	tag_id bigint PRIMARY KEY,
	taggings bigint NOT NULL CHECK (taggings > 0)
);
COMMENT ON TABLE tagstore.tagging_count IS 'taggings per tag as of the last refresh_postings, from which it chooses the posted tags';

-- The threshold the posted tags are chosen by, as refresh_postings was last
-- given it (no row: 2,000): the background refreshes keep to the user's.
-- pg_dump keeps it with the data.
CREATE TABLE tagstore.posting_setting (
	min_taggings integer NOT NULL CHECK (min_taggings >= 1),
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row)
);
COMMENT ON TABLE tagstore.posting_setting IS 'the min_taggings last given to refresh_postings (no row: 2000)';
SELECT pg_catalog.pg_extension_config_dump('tagstore.posting_setting', '');

CREATE TABLE tagstore.posting_change (
	tag_id bigint NOT NULL,
	entity_id bigint NOT NULL
);
COMMENT ON TABLE tagstore.posting_change IS 'taggings written since the postings were refreshed';

CREATE FUNCTION tagstore._tagging_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'tagstore_tagging_changed' LANGUAGE C;
COMMENT ON FUNCTION tagstore._tagging_changed() IS 'internal trigger: logs tagging changes for the postings';
REVOKE EXECUTE ON FUNCTION tagstore._tagging_changed() FROM PUBLIC;
CREATE TRIGGER tagging_changed BEFORE INSERT OR DELETE OR UPDATE OF tag_id, entity_id
	ON tagstore.tagging FOR EACH ROW EXECUTE FUNCTION tagstore._tagging_changed();

-- A tag moved or deleted changes its ancestors' subtrees: their postings
-- are stale until the next refresh_postings.
CREATE FUNCTION tagstore._subtree_changed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p bigint;
BEGIN
	FOREACH p IN ARRAY ARRAY[OLD.parent_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.parent_id END] LOOP
		WHILE p IS NOT NULL LOOP
			UPDATE tagstore.posted_tag SET stale = true WHERE tag_id = p AND NOT stale;
			SELECT parent_id INTO p FROM tagstore.tag WHERE id = p;
		END LOOP;
	END LOOP;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION tagstore._subtree_changed() IS 'internal trigger: a moved or deleted tag makes its ancestors'' postings stale';
REVOKE EXECUTE ON FUNCTION tagstore._subtree_changed() FROM PUBLIC;
CREATE TRIGGER tag_deleted AFTER DELETE ON tagstore.tag
	FOR EACH ROW EXECUTE FUNCTION tagstore._subtree_changed();
CREATE TRIGGER tag_moved AFTER UPDATE OF parent_id ON tagstore.tag
	FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
	EXECUTE FUNCTION tagstore._subtree_changed();

-- TRUNCATE skips row triggers: every posting goes stale.
CREATE FUNCTION tagstore._taggings_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	UPDATE tagstore.posted_tag SET stale = true WHERE NOT stale;
	DELETE FROM tagstore.tagging_count;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION tagstore._taggings_truncated() IS 'internal trigger: TRUNCATE of tagging makes every posting stale and every count unknown';
REVOKE EXECUTE ON FUNCTION tagstore._taggings_truncated() FROM PUBLIC;
CREATE TRIGGER taggings_truncated BEFORE TRUNCATE ON tagstore.tagging
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._taggings_truncated();

-- how the postings stand: what to watch when scheduling refresh_postings
CREATE VIEW tagstore.posting_status AS
SELECT (SELECT count(*) FROM tagstore.posted_tag) AS posted_tags,
	   (SELECT count(*) FROM tagstore.posted_tag WHERE stale) AS stale_tags,
	   (SELECT count(*) FROM tagstore.posting_change) AS pending_changes,
	   pg_catalog.pg_total_relation_size('tagstore.posting') AS posting_bytes,
	   coalesce((SELECT min_taggings FROM tagstore.posting_setting), 2000) AS min_taggings;
COMMENT ON VIEW tagstore.posting_status IS 'posted and stale tags, pending changes, the postings'' size and the threshold they are chosen by';

CREATE FUNCTION tagstore.refresh_postings(rebuild boolean DEFAULT false,
										  min_taggings integer DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_refresh_postings' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.refresh_postings(boolean, integer) IS
	'folds pending tagging changes into the closure postings, posts subtrees that cost min_taggings taggings to read (their taggings, and 16 for each run of consecutive tag ids; remembered; default 2000), drops those under half of it, and builds stale and new postings; rebuild => true writes every posting afresh from the taggings';
