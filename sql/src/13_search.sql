-- Section 13: searching entities by their tags.
--
-- Entities carrying all or any of some tags (with descendants, exclusions
-- and entity filters), their counts, entities by tagging data, and entities
-- whose tags match a pattern.  The engine and the searches but the last
-- are C (src/engine/search.c, src/engine/api.c).

-- The searches are C functions of their own (src/engine/api.c): a SQL
-- wrapper would be parsed and planned at every call, which costs more than
-- a selective search itself.
CREATE FUNCTION tagstore.entities_with_all(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_all' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION tagstore.entities_with_all(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'entities carrying, for every tag, the tag or a descendant; filtered by entity type and external id prefix; excluding entities under any excluded tag';

CREATE FUNCTION tagstore.entities_with_any(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_any' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;
COMMENT ON FUNCTION tagstore.entities_with_any(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'entities carrying any of the tags or a descendant; same filters as entities_with_all';

CREATE FUNCTION tagstore.count_entities_with_all(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_count_entities_with_all' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.count_entities_with_all(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'how many entities entities_with_all returns';

CREATE FUNCTION tagstore.count_entities_with_any(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_count_entities_with_any' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.count_entities_with_any(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'how many entities entities_with_any returns';

-- entities whose tagging with the tag (or a descendant) carries data
-- containing filter: C too, the same search with a filter on the taggings'
-- data (src/engine/api.c)
CREATE FUNCTION tagstore.entities_with_tag_data(tag @extschema@.tagpath, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_tag_data' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.entities_with_tag_data(@extschema@.tagpath, jsonb, text, text, boolean, @extschema@.tagpath[]) IS
	'entities whose tagging with the tag (or a descendant) carries data containing filter (@>); index-backed';

CREATE FUNCTION tagstore.entities_matching(pattern @extschema@.tagquery, entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'pattern must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT DISTINCT e.entity_type, e.external_id
	FROM tagstore.tag t
	JOIN tagstore.tagging g ON g.tag_id = t.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	JOIN tagstore.taxonomy z ON z.id = t.taxonomy_id
	WHERE t.path ~ $1
	  AND tagstore.has_taxonomy_privilege(z.name, 'read')
	  AND ($2 IS NULL OR e.entity_type = $2)
	  AND ($3 IS NULL OR starts_with(e.external_id, $3))
	ORDER BY 1, 2;
END $$;
COMMENT ON FUNCTION tagstore.entities_matching(@extschema@.tagquery, text, text) IS
	'entities carrying a tag whose name matches the pattern';
