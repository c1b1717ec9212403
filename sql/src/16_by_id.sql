-- Section 16: the API with tags given by id.
--
-- tag_id() and tag_path() convert between names and ids; the other
-- functions are overloads of those of sections 10 to 13 that take a bigint
-- tag id, most of them by calling the form by name.  They come last, after
-- the functions they wrap.

-- between names and ids
CREATE FUNCTION tagstore.tag_id(tag @extschema@.tagpath) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT (tagstore._tag($1)).id $$;
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


CREATE FUNCTION tagstore.add_tag(taxonomy text, value text, parent_id bigint,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.add_tag($1, $2, tagstore.tag_path($3), $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.add_tag(text, text, bigint, text, text, text) IS 'add_tag with the parent given by id';
CREATE FUNCTION tagstore.update_tag(tag_id bigint, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.update_tag(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.update_tag(bigint, text, text, text, integer, boolean) IS 'update_tag by id';
CREATE FUNCTION tagstore.remove_tag(tag_id bigint, cascade boolean DEFAULT false) RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.remove_tag(bigint, boolean) IS 'remove_tag by id';
CREATE FUNCTION tagstore.rename_tag(tag_id bigint, new_value text) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.rename_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.rename_tag(bigint, text) IS 'rename_tag by id';
CREATE FUNCTION tagstore.move_tag(tag_id bigint, new_parent_id bigint) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.move_tag(tagstore.tag_path($1), CASE WHEN $2 IS NOT NULL THEN tagstore.tag_path($2) END) $$;
COMMENT ON FUNCTION tagstore.move_tag(bigint, bigint) IS 'move_tag by ids';
CREATE FUNCTION tagstore.add_tag_to(tag_id bigint, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_id' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to(bigint, text, text, jsonb) IS 'add_tag_to by tag id';
CREATE FUNCTION tagstore.add_tag_to(tag_id bigint, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.add_tag_to(tagstore.tag_path($1), $2, $3, $4) $$;
COMMENT ON FUNCTION tagstore.add_tag_to(bigint, text, text[], jsonb) IS 'bulk add_tag_to by tag id';
CREATE FUNCTION tagstore.remove_tag_from(tag_id bigint, entity_type text, external_id text) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(bigint, text, text) IS 'remove_tag_from by tag id';
CREATE FUNCTION tagstore.remove_tag_from(tag_id bigint, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(bigint, text, text[]) IS 'bulk remove_tag_from by tag id';
CREATE FUNCTION tagstore.tag_history(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore._tag_history(tagstore._required($1, 'tag id')) $$;
COMMENT ON FUNCTION tagstore.tag_history(bigint) IS 'tag_history by id';
CREATE FUNCTION tagstore.tagging_history(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore._tagging_history(tagstore._required($1, 'tag id'), $2, $3) $$;
COMMENT ON FUNCTION tagstore.tagging_history(bigint, text, text) IS 'tagging_history by tag id';
CREATE FUNCTION tagstore.entities_with_tag_data(tag_id bigint, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.entities_with_tag_data(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.entities_with_tag_data(bigint, jsonb, text, text, boolean, @extschema@.tagpath[]) IS 'entities_with_tag_data by tag id';
