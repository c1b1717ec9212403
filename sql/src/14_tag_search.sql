-- Section 14: tag search (the CMR tag API).
--
-- search_tags(): tags by taxonomy, value and originator, exactly or with
-- wildcards, with their metadata and entity counts.  Each filter is one
-- text (taxonomy, value, originator) or any of a list (any_taxonomy,
-- any_value, any_originator); given both, either matches.  Every parameter
-- has a type of its own, so that a driver sending a parameter untyped gets
-- it inferred, and a list goes only where lists go.  It is C
-- (src/engine/listings.c); which tags it lists is the statement
-- TSQ_SEARCH_TAGS of src/engine/catalog.c.

CREATE FUNCTION tagstore.search_tags(taxonomy text DEFAULT NULL, value text DEFAULT NULL,
	originator text DEFAULT NULL, pattern boolean DEFAULT false, any_taxonomy text[] DEFAULT NULL,
	any_value text[] DEFAULT NULL, any_originator text[] DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_search_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.search_tags(text, text, text, boolean, text[], text[], text[]) IS
	'tags by taxonomy, value and originator (one each, or any of a list; case-insensitive; with pattern, * and ? are wildcards), with metadata and counts, by name';
