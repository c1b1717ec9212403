-- Section 11: tagging.
--
-- Tagging entities and untagging them, one at a time or in bulk, with
-- revisions, and tags_of(), an entity's tags.  The bulk forms
-- (add_tag_to_many, remove_tag_from_many) do the work; the forms for one
-- entity check their arguments and call them.  add_tag_to,
-- add_tag_to_many and remove_tag_from_many are C (src/engine/write.c):
-- they write the common case (new taggings without data; untaggings)
-- straight into the tables, at a cost that follows the ids given, and hand
-- the rest to _add_tag_to_many and _remove_tag_from_many, the PL/pgSQL
-- below, which they call directly (PUBLIC may not execute them).  The bulk forms have names of their own, not
-- overloads: a driver that sends a list as an untyped parameter would
-- otherwise reach the form for one entity, whose external id would be the
-- list's text.

-- add_tag_to: tag an entity, with optional data; returns the tagging's
-- revision.  It is C (src/engine/write.c): the common case, a new tagging
-- without data, is done there; everything else by add_tag_to_many below,
-- for the one entity.
CREATE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text, jsonb) IS
	'tag an entity, with optional data (at most 32 kB); tagging again with other data replaces it; returns the tagging''s revision';

CREATE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF entity_type IS NULL OR entity_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN (SELECT r.revision FROM tagstore.remove_tag_from_many(tag, entity_type, ARRAY[external_id]) r);
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text) IS 'untag an entity (idempotent); returns the tombstone revision, or NULL if it was not tagged';

-- Bulk forms: one row per item, saying what happened to it.
--
-- Tags entities with one tag: new taggings, changed data, or nothing to do.
-- The C function writes new taggings without data itself and calls the
-- PL/pgSQL _add_tag_to_many for the rest (src/engine/write.c).
CREATE FUNCTION tagstore.add_tag_to_many(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';

-- The SQL half of add_tag_to_many, with every check and error: a new
-- tagging is one insert (one that comes back continues the old one's
-- revisions); a changed one archives the revision it supersedes.
CREATE FUNCTION tagstore._add_tag_to_many(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
#variable_conflict use_column
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
	p_type text := entity_type;
	p_data jsonb := data;
	actor text := tagstore.current_actor();
	entity_ids bigint[];
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
	wanted bigint;
	x_name text;
BEGIN
	-- the arguments
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_data IS NOT NULL AND octet_length(p_data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(p_data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;

	-- the tag, locked KEY SHARE: a concurrent removal of it waits for us, or
	-- we for it.  In a free-form taxonomy an unknown root tag is created.
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1))));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'tag') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege tag is needed.';
		END IF;
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND tagstore.nlevel(tag) = 2 THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)));
		IF t.id IS NULL THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
		END IF;
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		-- tag_id() raises the right error, or finds the tag if it appeared since
		SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag) FOR KEY SHARE;
		IF g.id IS NULL THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
		END IF;
	END IF;

	-- the entities, created if new (those that exist are not offered: an
	-- insert that conflicts would still take an id from the sequence), and
	-- locked KEY SHARE as the tag is: a concurrent delete of one waits for
	-- us, and its cascade then deletes our taggings too.  One deleted while
	-- we waited for its lock is created again (in READ COMMITTED; in the
	-- other levels the lock fails with a serialization failure).
	wanted := (SELECT count(DISTINCT x) FROM unnest(external_ids) x);
	LOOP
		INSERT INTO tagstore.entity AS e (entity_type, external_id)
			SELECT DISTINCT p_type, x FROM unnest(external_ids) x
			WHERE NOT EXISTS (SELECT 1 FROM tagstore.entity o
							  WHERE o.entity_type = p_type AND o.external_id = x)
			ON CONFLICT DO NOTHING;
		entity_ids := ARRAY(SELECT e.id FROM tagstore.entity e
							WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids)
							ORDER BY e.id FOR KEY SHARE);
		EXIT WHEN cardinality(entity_ids) = wanted;
	END LOOP;

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
		RETURNING tagging.entity_id, tagging.revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive (the tagging state
		-- of section 08), then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
									  'external_id', e.external_id, 'data', x.data, 'deleted', false)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING tagging_revision.entity_id
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

	-- one row per entity: what happened, and the tagging's revision
	RETURN QUERY
	SELECT e.external_id,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	JOIN tagstore.entity e ON e.id = i.eid
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid
	ORDER BY e.external_id;
END $$;
COMMENT ON FUNCTION tagstore._add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) IS
	'the SQL half of add_tag_to_many (internal: called by the C function, which does the common case)';
REVOKE ALL ON FUNCTION tagstore._add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) FROM PUBLIC;

-- Untags entities from one tag: each tagging's last revision is archived,
-- followed by its tombstone (the tagging state of section 08).  The C
-- function untags directly and calls the PL/pgSQL _remove_tag_from_many
-- for what it leaves (src/engine/write.c).
CREATE FUNCTION tagstore.remove_tag_from_many(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
	AS 'MODULE_PATHNAME', 'tagstore_remove_tag_from_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.remove_tag_from_many(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';

-- The SQL half of remove_tag_from_many, with every check and error.
CREATE FUNCTION tagstore._remove_tag_from_many(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
	x_name text;
BEGIN
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	x_name := (SELECT x.name FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id);
	IF tagstore.has_taxonomy_privilege(x_name, 'tag') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege tag is needed.';
	END IF;
	RETURN QUERY
	WITH items AS (
		SELECT DISTINCT x, e.id
		FROM unnest(external_ids) x
		LEFT JOIN tagstore.entity e ON e.entity_type = p_type AND e.external_id = x
	), gone AS (
		DELETE FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id IN (SELECT i.id FROM items i)
		RETURNING x.*
	), history AS (
		INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
		SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', d.data, 'deleted', false)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
		UNION ALL
		SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', NULL, 'deleted', true)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
	)
	SELECT i.x, CASE WHEN d.entity_id IS NULL THEN 'not tagged' ELSE 'untagged' END, d.revision + 1
	FROM items i LEFT JOIN gone d ON d.entity_id = i.id
	ORDER BY i.x;
END $$;
COMMENT ON FUNCTION tagstore._remove_tag_from_many(@extschema@.tagpath, text, text[]) IS
	'the SQL half of remove_tag_from_many (internal: called by the C function, which does the common case)';
REVOKE ALL ON FUNCTION tagstore._remove_tag_from_many(@extschema@.tagpath, text, text[]) FROM PUBLIC;

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
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT t.path, x.data, x.tagged_by, x.tagged_at, x.revision
	FROM tagstore.entity e
	JOIN tagstore.tagging x ON x.entity_id = e.id
	JOIN tagstore.tag t ON t.id = x.tag_id
	JOIN tagstore.taxonomy z ON z.id = t.taxonomy_id
	WHERE e.entity_type = p_type AND e.external_id = p_external_id
	  AND (pattern IS NULL OR t.path ~ pattern)
	  AND tagstore.has_taxonomy_privilege(z.name, 'read')
	ORDER BY t.key;
END $$;
COMMENT ON FUNCTION tagstore.tags_of(text, text, @extschema@.tagquery) IS
	'an entity''s tags (those matching the pattern, if given) with each tagging''s data, who tagged and when';
