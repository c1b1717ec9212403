-- Section 14: tag search (the CMR tag API).
--
-- search_tags(): tags by taxonomy, value and originator, exactly or with
-- wildcards, with their metadata and entity counts.

-- Does value match any candidate, case-insensitively; with pattern, * and ?
-- are wildcards?
CREATE FUNCTION tagstore._matches_any(value text, candidates text[], pattern boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT EXISTS (
		SELECT 1 FROM unnest(candidates) c
		WHERE CASE WHEN pattern
				   THEN label_casefold(value) LIKE
						replace(replace(replace(replace(replace(label_casefold(c),
							'\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
				   ELSE label_casefold(value) = label_casefold(c) END)
$$;
COMMENT ON FUNCTION tagstore._matches_any(text, text[], boolean) IS 'internal: case-insensitive match against any of several values or patterns';

CREATE FUNCTION tagstore._search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT t.path, x.name, t.value, t.category, t.description, t.originator, t.external_id,
		   t.revision, t.created_at, t.updated_at,
		   (SELECT count(*) FROM tagstore.tagging g WHERE g.tag_id = t.id),
		   (SELECT count(DISTINCT g.entity_id) FROM tagstore.tag d
			JOIN tagstore.tagging g ON g.tag_id = d.id WHERE d.key <@ t.key)
	FROM tagstore.tag t
	JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
	WHERE ($1 IS NULL OR tagstore._matches_any(x.name, $1, $4))
	  AND ($2 IS NULL OR tagstore._matches_any(t.value, $2, $4))
	  AND ($3 IS NULL OR tagstore._matches_any(t.originator, $3, $4))
	ORDER BY t.key, t.id
$$;
COMMENT ON FUNCTION tagstore._search_tags(text[], text[], text[], boolean) IS 'internal: the query behind search_tags';

CREATE FUNCTION tagstore.search_tags(taxonomy "any" DEFAULT NULL, value "any" DEFAULT NULL,
	originator "any" DEFAULT NULL, pattern boolean DEFAULT false)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_search_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.search_tags("any", "any", "any", boolean) IS
	'tags by taxonomy, value and originator (each text or text[], case-insensitive; with pattern, * and ? are wildcards), with metadata and counts, by name';
