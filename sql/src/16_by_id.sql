-- Section 16: the API with tags given by id.
--
-- tag_id() and tag_path() convert between names and ids; the other
-- functions are those of sections 10 to 13 with a bigint tag id, named
-- with _by_id, most of them calling the form by name (tag_history and
-- tagging_history the other way round: the forms by name call these).
-- They are not overloads: a driver that sends its parameters untyped
-- (node pg sends them all so) must reach one function, not whichever the
-- parser prefers for an unknown type.  They come last, after the functions
-- they wrap.

-- between names and ids.  tag_id() is also how the functions of sections
-- 10 to 12 find the tags they name: the live tag's id, or the error that
-- says what the name is (no tag at all, an unknown taxonomy, a deleted tag).
CREATE FUNCTION tagstore.tag_id(tag @extschema@.tagpath) RETURNS bigint
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
		IF tagstore.nlevel(tag) < 2 THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
		END IF;
		IF NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x
					   WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)))) THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1))
				USING ERRCODE = 'undefined_object';
		END IF;
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)) THEN
			RAISE EXCEPTION 'tag "%" was deleted', tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
		END IF;
		RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
	END IF;
	RETURN tid;
END $$;
COMMENT ON FUNCTION tagstore.tag_id(@extschema@.tagpath) IS 'the id of the tag a path names';
CREATE FUNCTION tagstore.tag_path(tag_id bigint) RETURNS @extschema@.tagpath
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p @extschema@.tagpath;
BEGIN
	IF tag_id IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT path INTO p FROM tagstore.tag WHERE id = tag_id;
	IF p IS NULL THEN
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone WHERE id = tag_id) THEN
			RAISE EXCEPTION 'tag with id % was deleted', tag_id USING ERRCODE = 'undefined_object';
		END IF;
		RAISE EXCEPTION 'tag with id % does not exist', tag_id USING ERRCODE = 'undefined_object';
	END IF;
	RETURN p;
END $$;
COMMENT ON FUNCTION tagstore.tag_path(bigint) IS 'the name of the tag with that id';


CREATE FUNCTION tagstore.add_tag_by_id(taxonomy text, value text, parent_id bigint,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.add_tag($1, $2, tagstore.tag_path($3), $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.add_tag_by_id(text, text, bigint, text, text, text) IS 'add_tag with the parent given by id';
CREATE FUNCTION tagstore.update_tag_by_id(tag_id bigint, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.update_tag(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.update_tag_by_id(bigint, text, text, text, integer, boolean) IS 'update_tag by id';
CREATE FUNCTION tagstore.remove_tag_by_id(tag_id bigint, cascade boolean DEFAULT false) RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.remove_tag_by_id(bigint, boolean) IS 'remove_tag by id';
CREATE FUNCTION tagstore.rename_tag_by_id(tag_id bigint, new_value text) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.rename_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.rename_tag_by_id(bigint, text) IS 'rename_tag by id';
CREATE FUNCTION tagstore.move_tag_by_id(tag_id bigint, new_parent_id bigint) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.move_tag(tagstore.tag_path($1), CASE WHEN $2 IS NOT NULL THEN tagstore.tag_path($2) END) $$;
COMMENT ON FUNCTION tagstore.move_tag_by_id(bigint, bigint) IS 'move_tag by ids';
CREATE FUNCTION tagstore.add_tag_to_by_id(tag_id bigint, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_id' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to_by_id(bigint, text, text, jsonb) IS 'add_tag_to by tag id';
CREATE FUNCTION tagstore.add_tag_to_many_by_id(tag_id bigint, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.add_tag_to_many(tagstore.tag_path($1), $2, $3, $4) $$;
COMMENT ON FUNCTION tagstore.add_tag_to_many_by_id(bigint, text, text[], jsonb) IS 'add_tag_to_many by tag id';
CREATE FUNCTION tagstore.remove_tag_from_by_id(tag_id bigint, entity_type text, external_id text) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from_by_id(bigint, text, text) IS 'remove_tag_from by tag id';
CREATE FUNCTION tagstore.remove_tag_from_many_by_id(tag_id bigint, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.remove_tag_from_many(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from_many_by_id(bigint, text, text[]) IS 'remove_tag_from_many by tag id';
-- the revisions of a tag, or of a tagging, by tag id (live or deleted): the
-- archived ones, then the live row (the states of section 08)
CREATE FUNCTION tagstore.tag_history_by_id(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	x_name text;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x
			   WHERE x.id = coalesce((SELECT t.taxonomy_id FROM tagstore.tag t WHERE t.id = $1),
									 (SELECT d.taxonomy_id FROM tagstore.tag_tombstone d WHERE d.id = $1)));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'read') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
		END IF;
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = $1
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at,
		   jsonb_build_object('id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
			   'parent', CASE WHEN tagstore.nlevel(t.path) > 2 THEN parent(t.path)::text END,
			   'external_id', t.external_id, 'description', t.description, 'category', t.category,
			   'originator', t.originator, 'revision', t.revision, 'deleted', false)
	FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id WHERE t.id = $1
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tag_history_by_id(bigint) IS 'tag_history by id';
CREATE FUNCTION tagstore.tagging_history_by_id(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	x_name text;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x
			   WHERE x.id = coalesce((SELECT t.taxonomy_id FROM tagstore.tag t WHERE t.id = $1),
									 (SELECT d.taxonomy_id FROM tagstore.tag_tombstone d WHERE d.id = $1)));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'read') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
		END IF;
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   jsonb_build_object('tag', t.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', x.data, 'deleted', false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tagging_history_by_id(bigint, text, text) IS 'tagging_history by tag id';
CREATE FUNCTION tagstore.entities_with_tag_data_by_id(tag_id bigint, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.entities_with_tag_data(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.entities_with_tag_data_by_id(bigint, jsonb, text, text, boolean, @extschema@.tagpath[]) IS 'entities_with_tag_data by tag id';
