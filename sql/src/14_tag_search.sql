-- Section 14: tag search (the CMR tag API).
--
-- search_tags(): tags by taxonomy, value and originator, exactly or with
-- wildcards, with their metadata and entity counts.  It is C
-- (src/engine/api.c), because each filter may be text or text[]; its query
-- is the statement TSQ_SEARCH_TAGS of src/engine/catalog.c.

CREATE FUNCTION tagstore.search_tags(taxonomy "any" DEFAULT NULL, value "any" DEFAULT NULL,
	originator "any" DEFAULT NULL, pattern boolean DEFAULT false)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_search_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.search_tags("any", "any", "any", boolean) IS
	'tags by taxonomy, value and originator (each text or text[], case-insensitive; with pattern, * and ? are wildcards), with metadata and counts, by name';
