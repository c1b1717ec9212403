-- Section 15: browsing a taxonomy.
--
-- A taxonomy's tags depth-first with entity counts, find_tags() for
-- autocomplete, and tree(), the taxonomy drawn for psql.  The counts of
-- tags() and tree() come from _tag_counts() (section 14): one pass over
-- the taxonomy's tags and taggings.  The string
-- literals in tree()'s body that draw the tree are UTF-8 box-drawing
-- characters, as in version 1.0.

CREATE FUNCTION tagstore.tags(taxonomy text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, parent @extschema@.tagpath,
			   direct_count bigint, total_count bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
BEGIN
	-- the taxonomy's subtree: all its tags, counted in one pass, in key order
	RETURN QUERY
	SELECT g.path, g.value, nlevel(g.path) - 2, CASE WHEN nlevel(g.path) > 2 THEN parent(g.path) END,
		   c.direct_count, c.total_count
	FROM tagstore._tag_counts(ARRAY[tagpath(ARRAY[t.name_key])]) WITH ORDINALITY c
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
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
	needle text;
BEGIN
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
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
	r record;
	lead_in text[] := ARRAY[''];	-- per depth + 1: how the lines at that depth begin
BEGIN
	-- the taxonomy (tag_id NULL), then its tags depth-first, counted in one
	-- pass; each tag's line, and how its children's lines continue below it
	-- (a rule while later siblings follow)
	FOR r IN
		SELECT s.tag_id, s.total_count, s.depth,
			   CASE WHEN s.last THEN '└── ' ELSE '├── ' END || s.line AS line,
			   CASE WHEN s.last THEN '    ' ELSE '│   ' END AS below
		FROM (SELECT c.ordinality, c.tag_id, c.total_count, nlevel(g.key) - 2 AS depth,
					 CASE WHEN c.tag_id IS NOT NULL THEN tagpath2text(tagpath(ARRAY[g.value]))
						 || CASE WHEN c.direct_count IN (0, c.total_count) THEN format(' (%s)', c.total_count)
								 ELSE format(' (%s, %s direct)', c.total_count, c.direct_count) END END AS line,
					 lead(c.tag_id) OVER (PARTITION BY c.tag_id IS NULL, g.parent_id
										  ORDER BY c.ordinality) IS NULL AS last
			  FROM tagstore._tag_counts(ARRAY[tagpath(ARRAY[t.name_key])]) WITH ORDINALITY c
			  LEFT JOIN tagstore.tag g ON g.id = c.tag_id AND g.taxonomy_id = t.id) s
		ORDER BY s.ordinality		-- key order
	LOOP
		IF r.tag_id IS NULL THEN
			RETURN NEXT format('%s (%s)', t.name, r.total_count);
			CONTINUE;
		END IF;
		RETURN NEXT lead_in[r.depth + 1] || r.line;
		lead_in[r.depth + 2] := lead_in[r.depth + 1] || r.below;
	END LOOP;
END $$;
COMMENT ON FUNCTION tagstore.tree(text) IS 'a taxonomy drawn as a tree with entity counts, for psql';
