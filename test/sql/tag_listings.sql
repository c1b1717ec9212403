-- Differential test of the tag listings with counts: search_tags(),
-- tags(), tree() and find_tags() must give exactly the rows, in exactly
-- the order, of their 1.0 definitions, kept here as reference (ref_*), over
-- several taxonomies in one database, with renames, moves, removals and
-- taggings in between; and tag_counts(), which counts them in one pass,
-- must equal a recursive-CTE reference that walks parent_id.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA listing;
SET search_path = listing, public;

-- The 1.0 definitions: total counts are distinct entities under the tag
-- (search_tags: over the tags whose key is under its key; tags(): each
-- tagging counted for every ancestor, once per entity).
-- 1.0's lookup of a taxonomy by name (its _taxonomy, gone in 1.1)
CREATE FUNCTION taxonomy_row(p_name text) RETURNS tagstore.taxonomy
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagstore.taxonomy;
BEGIN
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', p_name USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;

-- 1.0's match of a value against candidates, case-insensitively; with
-- pattern, * and ? wildcards (1.0's _matches_any, gone in 1.1)
CREATE FUNCTION matches_any(value text, candidates text[], pattern boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM unnest(candidates) c
		WHERE CASE WHEN pattern
				   THEN label_casefold(value) LIKE
						replace(replace(replace(replace(replace(label_casefold(c),
							'\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
				   ELSE label_casefold(value) = label_casefold(c) END)
$$;

CREATE FUNCTION ref_search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
RETURNS TABLE (tag tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
LANGUAGE sql STABLE AS $$
	SELECT t.path, x.name, t.value, t.category, t.description, t.originator, t.external_id,
		   t.revision, t.created_at, t.updated_at,
		   (SELECT count(*) FROM tagstore.tagging g WHERE g.tag_id = t.id),
		   (SELECT count(DISTINCT g.entity_id) FROM tagstore.tag d
			JOIN tagstore.tagging g ON g.tag_id = d.id WHERE d.key <@ t.key)
	FROM tagstore.tag t
	JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
	WHERE ($1 IS NULL OR listing.matches_any(x.name, $1, $4))
	  AND ($2 IS NULL OR listing.matches_any(t.value, $2, $4))
	  AND ($3 IS NULL OR listing.matches_any(t.originator, $3, $4))
	ORDER BY t.key, t.id
$$;
CREATE FUNCTION ref_tags(taxonomy text)
RETURNS TABLE (tag tagpath, value text, depth int, parent tagpath, direct_count bigint, total_count bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagstore.taxonomy := listing.taxonomy_row(taxonomy);
BEGIN
	RETURN QUERY
	WITH tags AS (
		SELECT g.id, g.path, g.key, g.value FROM tagstore.tag g WHERE g.taxonomy_id = t.id
	), direct AS (
		SELECT x.tag_id, count(*) AS n FROM tagstore.tagging x
		WHERE x.tag_id IN (SELECT id FROM tags) GROUP BY x.tag_id
	), total AS (
		SELECT a.key, count(DISTINCT x.entity_id) AS n
		FROM tags g
		JOIN tagstore.tagging x ON x.tag_id = g.id
		CROSS JOIN LATERAL unnest(tagpath_prefixes(g.key)) a(key)
		WHERE tagstore.nlevel(a.key) >= 2
		GROUP BY a.key
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, CASE WHEN tagstore.nlevel(g.path) > 2 THEN parent(g.path) END,
		   coalesce(d.n, 0), coalesce(tt.n, 0)
	FROM tags g
	LEFT JOIN direct d ON d.tag_id = g.id
	LEFT JOIN total tt ON tt.key = g.key
	ORDER BY g.key;
END $$;
CREATE FUNCTION ref_find_tags(taxonomy text, search text)
RETURNS TABLE (tag tagpath, value text, depth int, matched boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagstore.taxonomy := listing.taxonomy_row(taxonomy);
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
		WHERE tagstore.nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;
CREATE FUNCTION ref_tree(taxonomy text) RETURNS SETOF text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tagstore.taxonomy := listing.taxonomy_row(taxonomy);
	r record;
	more_below boolean[] := '{}';
	prefix text;
BEGIN
	RETURN NEXT format('%s (%s)', t.name,
		(SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x
		 JOIN tagstore.tag g ON g.id = x.tag_id WHERE g.taxonomy_id = t.id));
	FOR r IN
		SELECT s.*, lead(s.depth) OVER (PARTITION BY s.parent ORDER BY s.tag_key) IS NULL AS last
		FROM (SELECT l.*, label_casefold(l.tag) AS tag_key FROM listing.ref_tags(t.name) l) s
		ORDER BY s.tag_key
	LOOP
		prefix := '';
		FOR d IN 0 .. r.depth - 1 LOOP
			prefix := prefix || CASE WHEN more_below[d + 1] THEN '│   ' ELSE '    ' END;
		END LOOP;
		more_below[r.depth + 1] := NOT r.last;
		RETURN NEXT prefix || CASE WHEN r.last THEN '└── ' ELSE '├── ' END
			|| tagpath2text(tagpath(ARRAY[r.value]))
			|| CASE WHEN r.direct_count IN (0, r.total_count) THEN format(' (%s)', r.total_count)
					ELSE format(' (%s, %s direct)', r.total_count, r.direct_count) END;
	END LOOP;
END $$;

-- The rows of a call, in order, as text (with their ordinal).
CREATE FUNCTION rows_of(call text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
	result text[];
BEGIN
	EXECUTE format('SELECT coalesce(array_agg(s::text ORDER BY s.ordinality), ''{}'') FROM %s WITH ORDINALITY s', call)
	INTO result;
	RETURN result;
END $$;

-- The calls compared, for the taxonomies at hand: (listing, new call, reference call).
CREATE FUNCTION listing_calls() RETURNS TABLE (listing text, new_call text, ref_call text)
LANGUAGE sql STABLE AS $$
	-- per taxonomy, by its name as created and in another case
	SELECT l.listing, format(l.new_call, q.lit), format(l.ref_call, q.lit)
	FROM (SELECT name FROM tagstore.taxonomy UNION ALL SELECT upper(name) FROM tagstore.taxonomy) x(n),
		 LATERAL quote_literal(x.n) q(lit),
		 (VALUES ('tags', 'tagstore.tags(%s)', 'listing.ref_tags(%s)'),
				 ('tree', 'tagstore.tree(%s)', 'listing.ref_tree(%s)'),
				 ('find_tags', 'tagstore.find_tags(%s, ''e1'')', 'listing.ref_find_tags(%s, ''e1'')'),
				 ('find_tags', 'tagstore.find_tags(%s, ''NODE'')', 'listing.ref_find_tags(%s, ''NODE'')'),
				 ('search_tags', 'tagstore.search_tags(taxonomy => %s)',
				  'listing.ref_search_tags(ARRAY[%s], NULL, NULL, false)'),
				 ('search_tags', 'tagstore.search_tags(taxonomy => %s::text, value => ''*1*'', pattern => true)',
				  'listing.ref_search_tags(ARRAY[%s], ARRAY[''*1*''], NULL, true)')
		 ) l(listing, new_call, ref_call)
	UNION ALL
	-- across taxonomies: values and patterns of the tags at hand, text or
	-- text[], exact or with wildcards, with originators
	SELECT 'search_tags', format('tagstore.search_tags(%s)', a), format('listing.ref_search_tags(%s)', r)
	FROM (VALUES
		('', 'NULL, NULL, NULL, false'),
		('value => ''NODE1''', 'NULL, ARRAY[''NODE1''], NULL, false'),
		('any_value => ARRAY[''leaf2'', ''tip3'', ''Ast4'', ''nosuch'']', 'NULL, ARRAY[''leaf2'', ''tip3'', ''Ast4'', ''nosuch''], NULL, false'),
		('value => ''node*'', pattern => true', 'NULL, ARRAY[''node*''], NULL, true'),
		('any_value => ARRAY[''?lätter*'', ''x?'', ''*1''], pattern => true', 'NULL, ARRAY[''?lätter*'', ''x?'', ''*1''], NULL, true'),
		('value => ''renamed*'', pattern => true', 'NULL, ARRAY[''renamed*''], NULL, true'),
		('value => ''%''', 'NULL, ARRAY[''%''], NULL, false'),
		('value => ''_%'', pattern => true', 'NULL, ARRAY[''_%''], NULL, true'),
		('value => ''*'', pattern => false', 'NULL, ARRAY[''*''], NULL, false'),
		('value => ''UNDER_*'', pattern => true', 'NULL, ARRAY[''UNDER_*''], NULL, true'),
		('any_value => ARRAY[''per%*'', ''back\*''], pattern => true', 'NULL, ARRAY[''per%*'', ''back\*''], NULL, true'),
		('value => ''under_score''', 'NULL, ARRAY[''under_score''], NULL, false'),
		('any_taxonomy => ARRAY[''alpha'', ''BETA''], value => ''*e*'', pattern => true', 'ARRAY[''alpha'', ''BETA''], ARRAY[''*e*''], NULL, true'),
		('taxonomy => ''*a'', pattern => true', 'ARRAY[''*a''], NULL, NULL, true'),
		('originator => ''Other Actor''', 'NULL, NULL, ARRAY[''Other Actor''], false'),
		('originator => ''other*'', value => ''*2*'', pattern => true', 'NULL, ARRAY[''*2*''], ARRAY[''other*''], true'),
		('any_value => ARRAY[]::text[]', 'NULL, ARRAY[]::text[], NULL, false'),
		('any_value => ARRAY[NULL, ''node1'']', 'NULL, ARRAY[NULL, ''node1''], NULL, false'),
		('taxonomy => ''nosuch''', 'ARRAY[''nosuch''], NULL, NULL, false'),
		('taxonomy => ''alpha'', any_taxonomy => ARRAY[''beta''], any_value => ARRAY[''node1'', ''leaf2''], value => ''tip3''',
		 'ARRAY[''alpha'', ''beta''], ARRAY[''node1'', ''leaf2'', ''tip3''], NULL, false'),
		('originator => ''other*'', any_originator => ARRAY[''bench*''], pattern => true', 'NULL, NULL, ARRAY[''other*'', ''bench*''], true')
	) v(a, r)
	UNION ALL
	-- values of the tags at hand (a fixed sample), exactly and as a pattern,
	-- and patterns of their first letters
	SELECT 'search_tags', format('tagstore.search_tags(value => %L, pattern => %L)', v, p),
		   format('listing.ref_search_tags(NULL, ARRAY[%L], NULL, %L)', v, p)
	FROM (SELECT DISTINCT upper(value) FROM tagstore.tag ORDER BY 1 LIMIT 30) t(v), (VALUES (false), (true)) b(p)
	UNION ALL
	SELECT 'search_tags', format('tagstore.search_tags(value => %L, pattern => true)', v),
		   format('listing.ref_search_tags(NULL, ARRAY[%L], NULL, true)', v)
	FROM (SELECT DISTINCT left(value, 3) || '*' FROM tagstore.tag) t(v)
$$;

-- Compares every call with its reference: per listing, the calls, those
-- with rows, the rows, and the calls whose rows differ (each also raised as
-- a NOTICE).
CREATE TEMP TABLE outcome (listing text, rows int, same boolean);
CREATE FUNCTION compare_listings() RETURNS TABLE (listing text, calls int, nonempty int, rows int, mismatches int)
LANGUAGE plpgsql AS $$
DECLARE
	c record;
	got text[];
	want text[];
BEGIN
	TRUNCATE outcome;
	FOR c IN SELECT * FROM listing.listing_calls() LOOP
		got := listing.rows_of(c.new_call);
		want := listing.rows_of(c.ref_call);
		IF got IS DISTINCT FROM want THEN
			RAISE NOTICE 'mismatch: % got % want %', c.new_call, got, want;
		END IF;
		INSERT INTO outcome VALUES (c.listing, cardinality(want), got IS NOT DISTINCT FROM want);
	END LOOP;
	RETURN QUERY SELECT o.listing, count(*)::int, count(*) FILTER (WHERE o.rows > 0)::int,
						sum(o.rows)::int, count(*) FILTER (WHERE NOT o.same)::int
	FROM outcome o GROUP BY o.listing ORDER BY o.listing;
END $$;

-- tag_counts() against a reference that walks parent_id (ref_subtree()):
-- for n random sets of roots (tags, taxonomies, nested and unknown paths),
-- every tag under them with its taggings and distinct entities, and the
-- whole's; returns the cases and mismatches.
CREATE FUNCTION compare_counts(n int, OUT cases int, OUT mismatches int) LANGUAGE plpgsql AS $$
DECLARE
	roots tagpath[];
	got text[];
	want text[];
BEGIN
	cases := 0; mismatches := 0;
	FOR i IN 1 .. n LOOP
		SELECT array_agg(k) INTO roots FROM (
			SELECT CASE WHEN random() < 0.15 THEN tagstore.subpath(t.key, 0, 1)
						WHEN random() < 0.05 THEN t.key || 'nosuch'::tagpath
						ELSE t.key END AS k
			FROM tagstore.tag t WHERE i > 0 ORDER BY random() LIMIT 1 + floor(random() * 4)::int) s;
		SELECT coalesce(array_agg(format('%s %s %s', c.tag_id, c.direct_count, c.total_count) ORDER BY c.n), '{}')
		INTO got FROM tagstore.tag_counts(roots) WITH ORDINALITY c(tag_id, direct_count, total_count, n);
		-- the tags under the roots by a walk from each root tag (or a
		-- taxonomy's top tags), and each one's descendants by a walk
		WITH RECURSIVE under AS (
			SELECT DISTINCT u.id FROM unnest(roots) r(key)
			JOIN tagstore.tag t ON t.key = r.key
				OR (tagstore.nlevel(r.key) = 1 AND t.parent_id IS NULL AND tagstore.subpath(t.key, 0, 1) = r.key)
			CROSS JOIN LATERAL public.ref_subtree(t.id, true) u(id)
		), below(id, d) AS (
			SELECT id, id FROM under
			UNION ALL
			SELECT b.id, t.id FROM below b JOIN tagstore.tag t ON t.parent_id = b.d
		), counted AS (
			SELECT t.key, t.id,
				   (SELECT count(*) FROM tagstore.tagging x WHERE x.tag_id = t.id) AS direct,
				   coalesce(s.total, 0) AS total
			FROM tagstore.tag t
			LEFT JOIN (SELECT b.id, count(DISTINCT x.entity_id) AS total
					   FROM below b JOIN tagstore.tagging x ON x.tag_id = b.d GROUP BY b.id) s ON s.id = t.id
			WHERE t.id IN (SELECT id FROM under)
		)
		SELECT ARRAY[format(' %s %s', (SELECT count(*) FROM tagstore.tagging x WHERE x.tag_id IN (SELECT id FROM under)),
							(SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x WHERE x.tag_id IN (SELECT id FROM under)))]
			   || coalesce((SELECT array_agg(format('%s %s %s', id, direct, total) ORDER BY key) FROM counted), '{}')
		INTO want;
		cases := cases + 1;
		IF got IS DISTINCT FROM want THEN
			mismatches := mismatches + 1;
			RAISE NOTICE 'mismatch: roots % got % want %', roots, got, want;
		END IF;
	END LOOP;
END $$;

-- A small taxonomy counted by hand.  E is tagged cat, dog and plant; F
-- animal and cat; G nothing here.  animal's total is 2 (E and F, each
-- once, though E is tagged twice below it and F on animal and below).
SELECT tagstore.create_taxonomy('bio') IS NOT NULL AS created;
SELECT tagstore.add_tag('bio.animal.cat'), tagstore.add_tag('bio.animal.dog'), tagstore.add_tag('bio.plant');
-- values with LIKE's special characters, for search_tags
SELECT tagstore.add_tag('bio', v) FROM unnest(ARRAY['under_score', 'underXscore', 'per%cent', 'perXcent', 'back\slash']) v;
SELECT tagstore.add_tag_to(t, 'item', e) FROM (VALUES
	('bio.animal.cat'::tagpath, 'E'), ('bio.animal.dog', 'E'), ('bio.plant', 'E'),
	('bio.animal', 'F'), ('bio.animal.cat', 'F')) v(t, e);
SELECT * FROM tagstore.tags('bio');
SELECT * FROM tagstore.tree('bio');
SELECT tag, direct_count, total_count FROM tagstore.search_tags(taxonomy => 'BIO');
SELECT tag, direct_count, total_count FROM tagstore.search_tags(value => 'animal');
-- the counts of a subtree are the same whether its root or one of its tags is asked for
SELECT c.direct_count, c.total_count, CASE WHEN c.tag_id IS NOT NULL THEN tagstore.tag_path(c.tag_id) END AS tag
FROM tagstore.tag_counts(ARRAY['bio.animal.dog', 'bio.animal', NULL, 'bio.nosuch']::tagpath[]) c;
SELECT * FROM tagstore.tag_counts('{}');
SELECT * FROM tagstore.tag_counts(NULL);
SELECT errcheck($$SELECT * FROM tagstore.tag_counts(ARRAY['']::tagpath[])$$) AS empty_root;
SELECT errcheck($$SELECT * FROM tagstore.tag_counts('{{bio}}')$$) AS two_dimensions;
-- an empty taxonomy
SELECT tagstore.create_taxonomy('Empty') IS NOT NULL AS created;
SELECT * FROM tagstore.tags('empty');
SELECT * FROM tagstore.tree('empty');
SELECT count(*) FROM tagstore.search_tags(taxonomy => 'empty');

-- The forests (make_forest(): Alpha, beta, Γάμμα), a deep chain and tags
-- by another originator, with entities tagged across taxonomies.
SELECT * FROM make_forest();
SET tagstore.actor = 'Other Actor';
SELECT tagstore.add_tag(tagpath(ARRAY['beta'] || array_agg('chain' || i ORDER BY i))) FROM generate_series(1, 40) i;
SELECT tagstore.add_tag(tagpath(ARRAY['Γάμμα', 'other' || i])) FROM generate_series(1, 5) i;
RESET tagstore.actor;
SELECT setseed(0.21);
SELECT count(*) AS chain_taggings FROM (
	SELECT tagstore.add_tag_to(t.path, 'item', 'e' || (1 + floor(random() * 600)::int))
	FROM tagstore.tag t, generate_series(1, 3) k
	WHERE t.value LIKE 'chain%' OR t.value LIKE 'other%' OR t.key <@ 'bio') s;
SELECT * FROM compare_listings();
SELECT setseed(0.22);
SELECT * FROM compare_counts(100);

-- reshaped (renames, moves, removals: reshape_forest()), a taxonomy
-- renamed, taggings removed and added
SELECT reshape_forest();
SELECT tagstore.rename_taxonomy('beta', 'Beta Zwei');
SELECT count(*) FILTER (WHERE r.status = 'untagged') AS untagged FROM tagstore.tag t,
	LATERAL tagstore.remove_tag_from_many(t.path, 'item', ARRAY(SELECT 'e' || e FROM generate_series(1, 600, 7) e)) r
WHERE t.key <@ 'alpha';
SELECT tagstore.move_tag('"Beta Zwei".chain1.chain2.chain3', NULL);
SELECT * FROM compare_listings();
SELECT setseed(0.23);
SELECT * FROM compare_counts(100);

-- within a transaction, the listings see its own changes
BEGIN;
SELECT tagstore.add_tag_to(path, 'doc', 'new-in-tx') FROM forest() WHERE value ILIKE 'renamed%';
SELECT tagstore.remove_tag((SELECT path FROM tagstore.tag t WHERE t.key <@ 'alpha' AND parent_id IS NULL
							ORDER BY key LIMIT 1), cascade => true);
SELECT * FROM compare_listings();
ROLLBACK;

-- a caller who may read the tags but not the taggings is refused, as before
CREATE ROLE tagstore_listing_reader;
GRANT USAGE ON SCHEMA tagstore TO tagstore_listing_reader;
GRANT SELECT ON tagstore.tag, tagstore.taxonomy, tagstore.taxonomy_grant TO tagstore_listing_reader;
SELECT tagstore.grant_taxonomy('bio', 'public', 'read');
SET ROLE tagstore_listing_reader;
SELECT errcheck($$SELECT * FROM tagstore.tags('bio')$$) AS tags_without_taggings;
SELECT errcheck($$SELECT * FROM tagstore.search_tags(taxonomy => 'bio')$$) AS search_without_taggings;
RESET ROLE;
REVOKE ALL ON tagstore.tag, tagstore.taxonomy, tagstore.taxonomy_grant FROM tagstore_listing_reader;
REVOKE ALL ON SCHEMA tagstore FROM tagstore_listing_reader;
DROP ROLE tagstore_listing_reader;

-- the listings of a taxonomy name it: NULL and unknown names are errors
-- with their SQLSTATEs, in any case the name is found
SELECT listing, errcheck(format('SELECT * FROM tagstore.%s', listing))
FROM (VALUES ('tags(NULL)'), ('tree(NULL)'), ('tags(''no such taxonomy'')'),
			 ('tree(''no such taxonomy'')')) l(listing);
SELECT (SELECT count(*) FROM tagstore.tags('BIO')) = (SELECT count(*) FROM tagstore.tags('bio')) AS tags_any_case,
	   (SELECT array_agg(t) FROM tagstore.tree('Bio') t) = (SELECT array_agg(t) FROM tagstore.tree('bio') t) AS tree_any_case;
-- tree() in the select list, as psql users call it, as well as in FROM
SELECT tagstore.tree('empty');
-- a tag's row read with a NULL where a value is needed is XX001, not a crash
BEGIN;
ALTER TABLE tagstore.tag ALTER COLUMN value DROP NOT NULL;
UPDATE tagstore.tag SET value = NULL WHERE path = 'bio.animal';
SELECT listing, errcheck(format('SELECT * FROM tagstore.%s', listing)) AS null_value
FROM (VALUES ('tags(''bio'')'), ('tree(''bio'')'), ('search_tags(taxonomy => ''bio'')')) l(listing);
ROLLBACK;
