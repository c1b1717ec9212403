-- Section 15: browsing a taxonomy.
--
-- A taxonomy's tags depth-first with entity counts, find_tags() for
-- autocomplete, and tree(), the taxonomy drawn for psql: with box-drawing
-- characters in a UTF8 database, with ASCII art in any other (whose
-- encoding may lack them).  This script stays plain ASCII, so that it
-- loads into a database of any encoding: tree() makes the box-drawing
-- characters with chr(), and only in a UTF8 database.

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
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
BEGIN
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	-- the taxonomy's subtree: all its tags, counted in one pass, in key order
	RETURN QUERY
	SELECT g.path, g.value, nlevel(g.path) - 2, CASE WHEN nlevel(g.path) > 2 THEN parent(g.path) END,
		   c.direct_count, c.total_count
	FROM tagstore.tag_counts(ARRAY[tagpath(ARRAY[t.name_key])]) WITH ORDINALITY c
	JOIN tagstore.tag g ON g.id = c.tag_id AND g.taxonomy_id = t.id
	ORDER BY c.ordinality;
END $$;
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
		WHERE nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;
COMMENT ON FUNCTION tagstore.find_tags(text, text) IS
	'tags whose value contains the text case-insensitively, with their ancestors for context (autocomplete)';

CREATE FUNCTION tagstore.tree(taxonomy text) RETURNS SETOF text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	r record;
	more_below boolean[] := '{}';	-- per depth: do later siblings follow?
	prefix text;
	pipe text := '|   ';			-- a later sibling follows, further down
	tee text := '|-- ';				-- a tag with later siblings
	elbow text := '`-- ';			-- the last of its siblings
BEGIN
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	-- U+2502, U+251C, U+2514 and U+2500 in UTF8, where they exist (and
	-- each assignment is parsed only when it runs)
	IF current_setting('server_encoding') = 'UTF8' THEN
		pipe := chr(9474) || '   ';
		tee := chr(9500) || chr(9472) || chr(9472) || ' ';
		elbow := chr(9492) || chr(9472) || chr(9472) || ' ';
	END IF;
	RETURN NEXT format('%s (%s)', t.name,
		(SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x
		 JOIN tagstore.tag g ON g.id = x.tag_id WHERE g.taxonomy_id = t.id));
	FOR r IN
		SELECT s.*, lead(s.depth) OVER (PARTITION BY s.parent ORDER BY s.tag_key) IS NULL AS last
		FROM (SELECT l.*, label_casefold(l.tag) AS tag_key FROM tagstore.tags(t.name) l) s
		ORDER BY s.tag_key
	LOOP
		prefix := '';
		FOR d IN 0 .. r.depth - 1 LOOP
			prefix := prefix || CASE WHEN more_below[d + 1] THEN pipe ELSE '    ' END;
		END LOOP;
		more_below[r.depth + 1] := NOT r.last;
		RETURN NEXT prefix || CASE WHEN r.last THEN elbow ELSE tee END
			|| tagpath2text(tagpath(ARRAY[r.value]))
			|| CASE WHEN r.direct_count IN (0, r.total_count) THEN format(' (%s)', r.total_count)
					ELSE format(' (%s, %s direct)', r.total_count, r.direct_count) END;
	END LOOP;
END $$;
COMMENT ON FUNCTION tagstore.tree(text) IS 'a taxonomy drawn as a tree with entity counts, for psql (box-drawing characters in a UTF8 database, ASCII art in others)';
