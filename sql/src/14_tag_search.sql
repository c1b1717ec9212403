-- Section 14: tag search (the CMR tag API).
--
-- search_tags(): tags by taxonomy, value and originator, exactly or with
-- wildcards, with their metadata and entity counts; _tag_counts(), the
-- counts of every tag listing, in time linear in the tags and taggings
-- listed.

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

-- The counts of tag listings: every tag of the subtrees of the roots (keys
-- of tags or taxonomies) in key order, with its taggings and the distinct
-- entities tagged with it or below it, after a first row (tag_id NULL) that
-- counts the whole; in one pass over the subtrees' tags and taggings
-- (src/engine/tag_counts.c).
CREATE FUNCTION tagstore._tag_counts(roots @extschema@.tagpath[])
RETURNS TABLE (tag_id bigint, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tag_counts' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore._tag_counts(@extschema@.tagpath[]) IS 'internal: every tag under the roots (keys) in key order with its direct and total entity counts, after a row (tag_id NULL) for the whole, in one pass';

-- The values or patterns a tag's value (or originator) is compared with, as
-- _matches_any compares them, prepared once: case-folded, and with pattern
-- made LIKE patterns (* and ? the wildcards, everything else literal).
CREATE FUNCTION tagstore._match_keys(candidates text[], pattern boolean) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT array_agg(CASE WHEN pattern
						  THEN replace(replace(replace(replace(replace(label_casefold(c),
							  '\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
						  ELSE label_casefold(c) END)
	FROM unnest(candidates) c
$$;
COMMENT ON FUNCTION tagstore._match_keys(text[], boolean) IS 'internal: values case-folded, or patterns made LIKE patterns, for search_tags';

-- The tags found (values and originators compared with candidates prepared
-- once, not per tag), then the counts of all the tags under them in one
-- pass.
CREATE FUNCTION tagstore._search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	WITH wanted AS MATERIALIZED (
		SELECT tagstore._match_keys($2, $4) AS vals, tagstore._match_keys($3, $4) AS originators
	), found AS MATERIALIZED (
		SELECT t.id, t.path, x.name, t.value, t.category, t.description, t.originator,
			   t.external_id, t.revision, t.created_at, t.updated_at, t.key
		FROM wanted w, tagstore.tag t
		JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
		WHERE ($1 IS NULL OR tagstore._matches_any(x.name, $1, $4))
		  AND ($2 IS NULL OR CASE WHEN $4 THEN label_casefold(t.value) LIKE ANY (w.vals)
								  ELSE label_casefold(t.value) = ANY (w.vals) END)
		  AND ($3 IS NULL OR CASE WHEN $4 THEN label_casefold(t.originator) LIKE ANY (w.originators)
								  ELSE label_casefold(t.originator) = ANY (w.originators) END)
	)
	SELECT f.path, f.name, f.value, f.category, f.description, f.originator, f.external_id,
		   f.revision, f.created_at, f.updated_at, c.direct_count, c.total_count
	FROM tagstore._tag_counts(ARRAY(SELECT found.key FROM found)) WITH ORDINALITY c
	JOIN found f ON f.id = c.tag_id
	ORDER BY c.ordinality		-- key order
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
