-- tagstore next to contrib ltree in one schema.  Before 1.1, tagpath was
-- in the string category: an untyped literal preferred tagpath's functions
-- and operators to ltree's of the same names, and a value of any type
-- assigned into a tagpath column through its text form.  Now ltree's
-- operators with one side an ltree column take an untyped other side as
-- ltree, as with ltree alone, and no type but text (by an explicit cast)
-- assigns into a tagpath column.  tagpath's functions with ltree's names
-- (nlevel, subpath, subltree, index, lca) are in the schema tagstore, so
-- an untyped call of those names is ltree's, as with ltree alone
-- (contrib ltree's own regression suite checks every such call of it:
-- test/ltree_regress.sh).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE EXTENSION ltree;
SELECT n.nspname = m.nspname AS same_schema
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
	 pg_type u JOIN pg_namespace m ON m.oid = u.typnamespace
WHERE t.typname = 'ltree' AND u.typname = 'tagpath';

-- on ltree's regression data: calls with an ltree column and an untyped
-- literal, over every row, agree with the same calls typed
CREATE TABLE neighbour_data (l ltree);
\set ltree_data :abs_srcdir '/data/ltree.data'
\set copy_ldata '\\copy neighbour_data FROM ' :'ltree_data'
:copy_ldata
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE (l <@ 'Top.Science') IS DISTINCT FROM (l <@ 'Top.Science'::ltree)) AS descendant_mismatches,
	   count(*) FILTER (WHERE (l ~ '*.Astronomy.*') IS DISTINCT FROM (l ~ '*.Astronomy.*'::lquery)) AS match_mismatches,
	   count(*) FILTER (WHERE (l @ 'Astro*') IS DISTINCT FROM (l @ 'Astro*'::ltxtquery)) AS txt_mismatches,
	   count(*) FILTER (WHERE (l @> 'Top') IS DISTINCT FROM (l @> 'Top'::ltree)) AS ancestor_mismatches,
	   count(*) FILTER (WHERE (l ? '{*.Astronomy.*, Top.Collections.*}') IS DISTINCT FROM
								  (l ? '{*.Astronomy.*, Top.Collections.*}'::lquery[])) AS any_match_mismatches,
	   count(*) FILTER (WHERE (l < 'Top.Science') IS DISTINCT FROM (l < 'Top.Science'::ltree)) AS order_mismatches,
	   count(*) FILTER (WHERE pg_typeof(l || 'x') <> 'ltree'::regtype) AS not_ltree,
	   count(*) FILTER (WHERE CASE WHEN nlevel(l) > 0 THEN subpath(l, 0, 1) IS DISTINCT FROM subltree(l, 0, 1) END) AS subpath_mismatches
FROM neighbour_data;

-- untyped calls of ltree's function names: ltree's functions, ltree's types
SELECT nlevel('a.b.c') AS nlevel, pg_typeof(subpath('a.b.c', 1)) AS subpath,
	   pg_typeof(subltree('a.b.c', 0, 1)) AS subltree, index('a.b.c', 'b') AS index,
	   index('a.b.c.b', 'b', 2) AS index_from, pg_typeof(lca('a.b.c', 'a.b.d')) AS lca,
	   pg_typeof(lca('{a.b.c,a.b.d}'::ltree[])) AS lca_array;
SELECT p.oid::regprocedure AS same_name_in_this_schema
FROM pg_proc p JOIN pg_type t ON t.oid = ANY (p.proargtypes::oid[]) OR t.oid = p.prorettype
WHERE t.typname IN ('tagpath', '_tagpath')
  AND p.proname IN (SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
					AND proargtypes::oid[] && ARRAY['ltree'::regtype, '_ltree'::regtype]::oid[])
  AND p.pronamespace = 'public'::regnamespace;
-- tagpath's, by their schema (an untyped literal is then a tagpath)
SELECT tagstore.nlevel('a.b.c') AS nlevel, pg_typeof(tagstore.subpath('a.b.c', 1)) AS subpath,
	   pg_typeof(tagstore.subltree('a.b.c', 0, 1)) AS subltree, tagstore.index('a.b.c', 'b') AS index,
	   pg_typeof(tagstore.lca('a.b.c', 'a.b.d')) AS lca,
	   pg_typeof(tagstore.lca('{a.b.c,a.b.d}'::tagpath[])) AS lca_array;
-- with tagstore on the search_path too, the untyped call fits both again
-- (as README.md says): the literal needs a cast
SET search_path = public, tagstore;
SELECT errcheck($$SELECT nlevel('a.b.c')$$) AS untyped, nlevel('a.b.c'::tagpath) AS tagpath_cast,
	   nlevel('a.b.c'::ltree) AS ltree_cast;
RESET search_path;

-- only an explicit cast (from text) makes a tagpath: other types do not
-- assign into a tagpath column by I/O conversion
CREATE TABLE tp (p tagpath);
SELECT v AS inserted, errcheck(format('INSERT INTO tp VALUES (%s)', v)) AS result
FROM (VALUES ('42'), ($$'a.b'::varchar$$), ($$'a.b'::text$$), ($$'a.b'::name$$),
			 ($$'0b3a0b0e-3a4b-4c1e-9d6f-1a2b3c4d5e6f'::uuid$$), ('true'),
			 ($$'a.b'$$), ($$'a.b'::text::tagpath$$), ($$'a.b'::ltree::text::tagpath$$)) x(v);
SELECT p FROM tp ORDER BY p;
DROP TABLE tp, neighbour_data;
DROP EXTENSION ltree;
