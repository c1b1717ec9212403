-- Section 11: tagging.
--
-- Tagging entities and untagging them, one at a time or in bulk, with
-- revisions, and tags_of(), an entity's tags.  add_tag_to itself is C
-- (src/tagstore_write.c): it does the common case and calls _add_tag_to,
-- here, for the rest.

-- The full state of a tagging, as revisions record it.
CREATE FUNCTION tagstore._tagging_state(tag @extschema@.tagpath, p_entity_id bigint, data jsonb,
	deleted boolean) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT jsonb_build_object('tag', tag::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', data, 'deleted', deleted)
	FROM tagstore.entity e WHERE e.id = p_entity_id
$$;
COMMENT ON FUNCTION tagstore._tagging_state(@extschema@.tagpath, bigint, jsonb, boolean) IS 'internal: a tagging''s state as revisions record it';

-- The tag to tag with: existing, or created as a root tag in a free-form taxonomy.
CREATE FUNCTION tagstore._tag_for_tagging(tag @extschema@.tagpath) RETURNS tagstore.tag
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- KEY SHARE: a concurrent removal of the tag waits for us, or we for it
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND nlevel(tag) = 2 THEN
		t := tagstore._taxonomy(leaf(subpath(tag, 0, 1)));
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		PERFORM tagstore._tag(tag);		-- raises the right error
	END IF;
	RETURN g;
END $$;
COMMENT ON FUNCTION tagstore._tag_for_tagging(@extschema@.tagpath) IS 'internal: the tag to tag with, created in a free-form taxonomy';

-- Tags entities with one tag: new taggings, changed data, or nothing to do;
-- one row per entity with what happened and the tagging's revision.  A new
-- tagging is one insert; a changed one archives the revision it supersedes.
CREATE FUNCTION tagstore._tag_entities(g tagstore.tag, entity_ids bigint[], p_data jsonb)
RETURNS TABLE (entity_id bigint, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
	actor text := tagstore.current_actor();
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
BEGIN
	-- Lock the taggings that exist, in a statement of their own: if a
	-- concurrent untag or retag holds one, we wait for it, and the
	-- statements below see its outcome and number our revisions after it.
	PERFORM 1 FROM tagstore.tagging x
	WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
	ORDER BY x.entity_id FOR UPDATE;

	-- new taggings; one that comes back continues the old one's revisions
	WITH added AS (
		INSERT INTO tagstore.tagging (tag_id, entity_id, data, revision, operation, tagged_by)
		SELECT g.id, i.eid, p_data,
			   coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = g.id AND r.entity_id = i.eid), 0) + 1,
			   'tag', actor
		FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
		ON CONFLICT DO NOTHING
		RETURNING entity_id, revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive, then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   tagstore._tagging_state(g.path, x.entity_id, x.data, false)
			FROM tagstore.tagging x
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING entity_id
		), updated AS (
			UPDATE tagstore.tagging x
			SET data = p_data, revision = x.revision + 1, operation = 'retag',
				tagged_by = actor, tagged_at = now()
			FROM old
			WHERE x.tag_id = g.id AND x.entity_id = old.entity_id
			RETURNING x.entity_id, x.revision
		)
		SELECT array_agg(u.entity_id), array_agg(u.revision) INTO changed, changed_revisions FROM updated u;
	END IF;

	RETURN QUERY
	SELECT i.eid,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid;
END $$;
COMMENT ON FUNCTION tagstore._tag_entities(tagstore.tag, bigint[], jsonb) IS 'internal: tag entities, with revisions';

-- Untags entities from one tag: each tagging's last revision is archived,
-- followed by its tombstone.
CREATE FUNCTION tagstore._untag_entities(g tagstore.tag, entity_ids bigint[])
RETURNS TABLE (entity_id bigint, status text, revision integer)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
	WITH gone AS (
		DELETE FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
		RETURNING x.*
	), history AS (
		INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
		SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
			   tagstore._tagging_state(g.path, d.entity_id, d.data, false)
		FROM gone d
		UNION ALL
		SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
			   tagstore._tagging_state(g.path, d.entity_id, NULL, true)
		FROM gone d
	)
	SELECT i.eid, CASE WHEN d.entity_id IS NULL THEN 'not tagged' ELSE 'untagged' END, d.revision + 1
	FROM (SELECT DISTINCT i AS eid FROM unnest(entity_ids) i) i
	LEFT JOIN gone d ON d.entity_id = i.eid
$$;
COMMENT ON FUNCTION tagstore._untag_entities(tagstore.tag, bigint[]) IS 'internal: untag entities, with tombstones';

-- add_tag_to: tag an entity, with optional data; returns the tagging's
-- revision.  It is C (src/tagstore_write.c): the common case, a new tagging
-- without data, is done there; everything else by _add_tag_to below.
CREATE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text, jsonb) IS
	'tag an entity, with optional data (at most 32 kB); tagging again with other data replaces it; returns the tagging''s revision';

-- The full path of add_tag_to.
CREATE FUNCTION tagstore._add_tag_to(tag @extschema@.tagpath, entity_type text, external_id text,
	data jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
BEGIN
	PERFORM tagstore._check_entity(entity_type, external_id), tagstore._check_data(data);
	g := tagstore._tag_for_tagging(tag);
	RETURN (SELECT r.revision FROM tagstore._tag_entities(g,
				ARRAY[tagstore._entity_id(entity_type, external_id)], data) r);
END $$;
COMMENT ON FUNCTION tagstore._add_tag_to(@extschema@.tagpath, text, text, jsonb) IS
	'internal: the full path of add_tag_to (retagging, data, free-form creation, errors)';

CREATE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	eid bigint;
BEGIN
	PERFORM tagstore._check_entity(entity_type, external_id);
	g := tagstore._tag(tag);
	SELECT e.id INTO eid FROM tagstore.entity e
	WHERE e.entity_type = remove_tag_from.entity_type AND e.external_id = remove_tag_from.external_id;
	IF eid IS NULL THEN
		RETURN NULL;		-- never tagged
	END IF;
	RETURN (SELECT r.revision FROM tagstore._untag_entities(g, ARRAY[eid]) r);
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text) IS 'untag an entity (idempotent); returns the tombstone revision, or NULL if it was not tagged';

-- Bulk forms: one row per item, saying what happened to it.
CREATE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
	ids bigint[];
BEGIN
	PERFORM tagstore._check_entities(p_type, external_ids), tagstore._check_data(data);
	g := tagstore._tag_for_tagging(tag);
	INSERT INTO tagstore.entity AS e (entity_type, external_id)
		SELECT DISTINCT p_type, x FROM unnest(external_ids) x
		ON CONFLICT DO NOTHING;
	ids := ARRAY(SELECT e.id FROM tagstore.entity e
				 WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids));
	RETURN QUERY
	SELECT e.external_id, r.status, r.revision
	FROM tagstore._tag_entities(g, ids, data) r
	JOIN tagstore.entity e ON e.id = r.entity_id
	ORDER BY e.external_id;
END $$;
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';

CREATE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
BEGIN
	PERFORM tagstore._check_entities(p_type, external_ids);
	g := tagstore._tag(tag);
	RETURN QUERY
	WITH items AS (
		SELECT DISTINCT x, e.id
		FROM unnest(external_ids) x
		LEFT JOIN tagstore.entity e ON e.entity_type = p_type AND e.external_id = x
	), removed AS (
		SELECT r.* FROM tagstore._untag_entities(g, ARRAY(SELECT id FROM items WHERE id IS NOT NULL)) r
	)
	SELECT i.x, coalesce(r.status, 'not tagged'), r.revision
	FROM items i LEFT JOIN removed r ON r.entity_id = i.id
	ORDER BY i.x;
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';

-- tags_of: an entity's tags (optionally those matching a pattern), with the
-- tagging's data, who tagged and when.
CREATE FUNCTION tagstore.tags_of(entity_type text, external_id text, pattern @extschema@.tagquery DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, data jsonb, tagged_by text, tagged_at timestamptz, revision integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	p_type text := $1;		-- the OUT columns have other names, but keep it plain
	p_external_id text := $2;
BEGIN
	PERFORM tagstore._check_entity(p_type, p_external_id);
	RETURN QUERY
	SELECT t.path, x.data, x.tagged_by, x.tagged_at, x.revision
	FROM tagstore.entity e
	JOIN tagstore.tagging x ON x.entity_id = e.id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE e.entity_type = p_type AND e.external_id = p_external_id
	  AND (pattern IS NULL OR t.path ~ pattern)
	ORDER BY t.key;
END $$;
COMMENT ON FUNCTION tagstore.tags_of(text, text, @extschema@.tagquery) IS
	'an entity''s tags (those matching the pattern, if given) with each tagging''s data, who tagged and when';
