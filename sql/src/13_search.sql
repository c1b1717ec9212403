-- Section 13: searching entities by their tags.
--
-- Entities carrying all or any of some tags (with descendants, exclusions
-- and entity filters), their counts, entities by tagging data, and entities
-- whose tags match a pattern.  The engine and most of the searches are C
-- (src/tagstore_search.c).

CREATE FUNCTION tagstore._entity_ids(tags @extschema@.tagpath[], match_all boolean,
	include_descendants boolean, exclude @extschema@.tagpath[], data_filter jsonb DEFAULT NULL)
RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'tagstore_entity_ids' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore._entity_ids(@extschema@.tagpath[], boolean, boolean, @extschema@.tagpath[], jsonb) IS
	'internal: the search engine (C), returning entity ids';

-- The entities among ids that pass the entity filters, in id order (the
-- order in which tagstore first saw them): C, see src/entity_rows.c.
CREATE FUNCTION tagstore._entities(ids bigint[], entity_type text, external_id_prefix text)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore._entities(bigint[], text, text) IS 'internal: entity names for ids, filtered';

-- The searches are C functions of their own (src/tagstore_search.c): a SQL
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

-- entities whose tagging with the tag (or a descendant) carries data containing filter
CREATE FUNCTION tagstore.entities_with_tag_data(tag @extschema@.tagpath, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT * FROM tagstore._entities(
		tagstore._entity_ids(ARRAY[tagstore._required($1, 'tag')], true, $5, $6,
							 tagstore._required($2, 'filter')), $3, $4)
$$;
COMMENT ON FUNCTION tagstore.entities_with_tag_data(@extschema@.tagpath, jsonb, text, text, boolean, @extschema@.tagpath[]) IS
	'entities whose tagging with the tag (or a descendant) carries data containing filter (@>); index-backed';

CREATE FUNCTION tagstore.entities_matching(pattern @extschema@.tagquery, entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT DISTINCT e.entity_type, e.external_id
	FROM tagstore.tag t
	JOIN tagstore.tagging g ON g.tag_id = t.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	WHERE t.path ~ tagstore._required($1, 'pattern')
	  AND ($2 IS NULL OR e.entity_type = $2)
	  AND ($3 IS NULL OR starts_with(e.external_id, $3))
	ORDER BY 1, 2
$$;
COMMENT ON FUNCTION tagstore.entities_matching(@extschema@.tagquery, text, text) IS
	'entities carrying a tag whose name matches the pattern';
