-- Section 15: browsing a taxonomy.
--
-- A taxonomy's tags depth-first with entity counts, find_tags() for
-- autocomplete, and tree(), the taxonomy drawn for psql: with box-drawing
-- characters in a UTF8 database, with ASCII art in any other (whose
-- encoding may lack them).  tags() and tree() are C (src/engine/listings.c):
-- each is one pass over the taxonomy's tags and taggings, with no join or
-- sort after it.

-- The counts of every tag listing: the tags of some subtrees in key order,
-- each with its taggings and the distinct entities tagged with it or below
-- it, after a first row (tag_id NULL) that counts the whole; one pass over
-- the subtrees' tags and taggings, whatever the tree's shape
-- (src/engine/tag_counts.c).  Tags are named by path, in any case, or a
-- taxonomy by its name alone (all of its tags).
CREATE FUNCTION tagstore.tag_counts(tags @extschema@.tagpath[])
RETURNS TABLE (tag_id bigint, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tag_counts' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tag_counts(@extschema@.tagpath[]) IS
	'every tag under the given tags (or taxonomies) in key order with its direct and total entity counts, after a row (tag_id NULL) for the whole; one pass';

CREATE FUNCTION tagstore.tags(taxonomy text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, parent @extschema@.tagpath,
			   direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tags(text) IS
	'a taxonomy''s tags depth-first (siblings in case-insensitive order) with entity counts: direct, and with descendants';

CREATE FUNCTION tagstore.find_tags(taxonomy text, search text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, matched boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	needle text;
BEGIN
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'read') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
	END IF;
	IF search IS NULL THEN
		RAISE EXCEPTION 'search must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	needle := label_casefold(search);
	RETURN QUERY
	WITH matches AS (
		SELECT g.key FROM tagstore.tag g
		WHERE g.taxonomy_id = t.id AND strpos(label_casefold(g.value), needle) > 0
	), context AS (
		SELECT DISTINCT a.key FROM matches m CROSS JOIN LATERAL unnest(tagpath_prefixes(m.key)) a(key)
		WHERE tagstore.nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;
COMMENT ON FUNCTION tagstore.find_tags(text, text) IS
	'tags whose value contains the text case-insensitively, with their ancestors for context (autocomplete)';

CREATE FUNCTION tagstore.tree(taxonomy text) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'tagstore_tree' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tree(text) IS 'a taxonomy drawn as a tree with entity counts, for psql (box-drawing characters in a UTF8 database, ASCII art in others)';
