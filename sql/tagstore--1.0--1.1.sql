/* tagstore--1.0--1.1.sql: from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION tagstore UPDATE TO '1.1'" to load this file. \quit

-- What 1.1 changes in the catalog: nothing yet.  1.1's install script is
-- built from the sections in sql/src/ and holds the same objects, with the
-- same comments, as 1.0's; each later change to 1.1 goes both into its
-- section and here.

-- Tag listings in time linear in the taxonomy (#22, item 7).  The counts
-- of search_tags(), tags() and tree() come from tagstore._tag_counts(), one
-- pass over the listed subtrees' tags and taggings, instead of a count of
-- each tag's subtree; search_tags() prepares its values and originators
-- once (tagstore._match_keys()).  Same signatures, comments and answers.

CREATE FUNCTION tagstore._tag_counts(roots @extschema@.tagpath[])
RETURNS TABLE (tag_id bigint, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tag_counts' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore._tag_counts(@extschema@.tagpath[]) IS 'internal: every tag under the roots (keys) in key order with its direct and total entity counts, after a row (tag_id NULL) for the whole, in one pass';

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

CREATE OR REPLACE FUNCTION tagstore._search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
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

CREATE OR REPLACE FUNCTION tagstore.tags(taxonomy text)
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

CREATE OR REPLACE FUNCTION tagstore.tree(taxonomy text) RETURNS SETOF text
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
