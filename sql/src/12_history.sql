-- Section 12: history.
--
-- The revisions of a tag or of a tagging, oldest first: the archived ones,
-- then the live row (section 16 has the forms by tag id, which read them);
-- and prune_history(), which forgets old revisions and long-deleted tags
-- and taggings.

-- A tag's revisions, by name: the tag of that name, live or else the one
-- deleted last, and its revisions as tag_history by id gives them.
CREATE FUNCTION tagstore.tag_history(tag @extschema@.tagpath)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tag_history_by_id(tid);
END $$;
COMMENT ON FUNCTION tagstore.tag_history(@extschema@.tagpath) IS 'a tag''s revisions, oldest first (also of a deleted tag)';

-- A tagging's revisions, by tag name (live or deleted, as tag_history).
CREATE FUNCTION tagstore.tagging_history(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	IF $2 IS NULL OR $2 = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF $3 IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tagging_history_by_id(tid, $2, $3);
END $$;
COMMENT ON FUNCTION tagstore.tagging_history(@extschema@.tagpath, text, text) IS 'a tagging''s revisions, oldest first';

-- prune_history: keep the last `keep` revisions of everything, and forget
-- tags and taggings deleted longer ago than tombstones_older_than entirely.
-- Live tags and taggings are never touched.  Returns the revisions removed.
CREATE FUNCTION tagstore.prune_history(keep integer DEFAULT 10,
	tombstones_older_than interval DEFAULT '365 days') RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	removed bigint := 0;
	n bigint;
	x_name text;
BEGIN
	IF keep IS NULL OR keep < 1 THEN
		RAISE EXCEPTION 'keep must be at least 1, not %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The latest revision of everything is always kept.';
	END IF;
	IF tombstones_older_than IS NULL OR tombstones_older_than < interval '0' THEN
		RAISE EXCEPTION 'tombstones_older_than must be a duration of zero or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the history of every taxonomy: admin of each (the extension's owner is)
	SELECT x.name INTO x_name FROM tagstore.taxonomy x
	WHERE tagstore.has_taxonomy_privilege(x.name, 'admin') IS NOT TRUE ORDER BY x.name_key LIMIT 1;
	IF x_name IS NOT NULL THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'prune_history needs the privilege admin on every taxonomy.';
	END IF;

	-- old tombstones: the deleted tag, its history and its taggings' history
	WITH old AS (
		DELETE FROM tagstore.tag_tombstone WHERE deleted_at < now() - tombstones_older_than RETURNING id
	), gone_taggings AS (
		DELETE FROM tagstore.tagging_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	), gone_tags AS (
		DELETE FROM tagstore.tag_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	)
	SELECT (SELECT count(*) FROM gone_taggings) + (SELECT count(*) FROM gone_tags) INTO n;
	removed := removed + n;

	-- untagged pairs whose last revision is an old tombstone
	WITH last AS (
		SELECT r.tag_id, r.entity_id, max(r.revision) AS revision
		FROM tagstore.tagging_revision r GROUP BY r.tag_id, r.entity_id
	), dead AS (
		SELECT l.tag_id, l.entity_id FROM last l
		JOIN tagstore.tagging_revision r USING (tag_id, entity_id, revision)
		WHERE r.operation = 'untag' AND r.at < now() - tombstones_older_than
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING dead d
		WHERE r.tag_id = d.tag_id AND r.entity_id = d.entity_id RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;

	-- everything else keeps its last `keep` revisions, the live row counting
	-- as the newest one
	WITH ranked AS (
		SELECT r.tag_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tag t WHERE t.id = r.tag_id) THEN 1 ELSE 0 END AS age
		FROM tagstore.tag_revision r
	), gone AS (
		DELETE FROM tagstore.tag_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.revision = k.revision AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;
	WITH ranked AS (
		SELECT r.tag_id, r.entity_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id, r.entity_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tagging x
									 WHERE x.tag_id = r.tag_id AND x.entity_id = r.entity_id)
						THEN 1 ELSE 0 END AS age
		FROM tagstore.tagging_revision r
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.entity_id = k.entity_id AND r.revision = k.revision
		  AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	RETURN removed + n;
END $$;
COMMENT ON FUNCTION tagstore.prune_history(integer, interval) IS
	'keep the last revisions of everything and forget long-deleted tags and taggings; never touches live state; returns revisions removed';
