-- Section 12: history.
--
-- The revisions of a tag or of a tagging, oldest first: the archived ones,
-- then the live row; and prune_history(), which forgets old revisions and
-- long-deleted tags and taggings.

-- A tag's revisions: the archived ones, then the live row.
CREATE FUNCTION tagstore._tag_history(p_tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = p_tag_id
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at, tagstore._tag_state(t)
	FROM tagstore.tag t WHERE t.id = p_tag_id
	ORDER BY 1
$$;
COMMENT ON FUNCTION tagstore._tag_history(bigint) IS 'internal: a tag''s archived revisions and its live row';

-- A tagging's revisions: the archived ones, then the live row.
CREATE FUNCTION tagstore._tagging_history(p_tag_id bigint, p_entity_type text, p_external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = p_tag_id AND e.entity_type = p_entity_type AND e.external_id = p_external_id
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   tagstore._tagging_state(t.path, x.entity_id, x.data, false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = p_tag_id AND e.entity_type = p_entity_type AND e.external_id = p_external_id
	ORDER BY 1
$$;
COMMENT ON FUNCTION tagstore._tagging_history(bigint, text, text) IS 'internal: a tagging''s archived revisions and its live row';

CREATE FUNCTION tagstore.tag_history(tag @extschema@.tagpath)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT * FROM tagstore._tag_history(tagstore._tag_id_any($1))
$$;
COMMENT ON FUNCTION tagstore.tag_history(@extschema@.tagpath) IS 'a tag''s revisions, oldest first (also of a deleted tag)';

CREATE FUNCTION tagstore.tagging_history(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	tid bigint := tagstore._tag_id_any(tag);
BEGIN
	PERFORM tagstore._check_entity($2, $3);
	RETURN QUERY SELECT * FROM tagstore._tagging_history(tid, $2, $3);
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
