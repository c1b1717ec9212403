-- tagstore next to contrib ltree in one schema: ltree's calls written as
-- ltree's users write them, with untyped literals, must reach ltree's
-- functions and operators and give ltree's answers, exactly as the same
-- calls with every literal cast to ltree; and no type but text (by an
-- explicit cast) assigns into a tagpath column.  Before 1.1, tagpath was
-- in the string category, which made an untyped literal prefer tagpath's
-- functions of the same names (subpath, lca, nlevel, ...): the first
-- checks below failed then.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE EXTENSION ltree;
SELECT n.nspname = m.nspname AS same_schema
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace,
	 pg_type u JOIN pg_namespace m ON m.oid = u.typnamespace
WHERE t.typname = 'ltree' AND u.typname = 'tagpath';

-- the issue's two calls, as written
CREATE TABLE lt (p ltree);
INSERT INTO lt VALUES (subpath('Top.Science.Astronomy', 1));
SELECT p, pg_typeof(p) FROM lt;
SELECT lca('a.b', 'a.c') = 'a'::ltree AS lca_is_ltree;

-- ltree's functions and operators with untyped literals, each against the
-- same call with its literals cast to ltree (or lquery, ltxtquery): the
-- same value and the same type.  %1$s is the literal's cast in the typed
-- form, empty in the untyped one.
CREATE TEMP TABLE call (n serial, form text);
INSERT INTO call (form) VALUES
  ($$subpath('Top.Science.Astronomy'%1$s, 1)$$),
  ($$subpath('Top.Science.Astronomy'%1$s, 0, 2)$$),
  ($$subltree('Top.Science.Astronomy'%1$s, 1, 2)$$),
  ($$nlevel('Top.Science.Astronomy'%1$s)$$),
  ($$index('Top.Science.Astronomy.Stars'%1$s, 'Astronomy'%1$s)$$),
  ($$index('a.b.a.b'%1$s, 'a.b'%1$s, 1)$$),
  ($$lca('Top.Science.Astronomy'%1$s, 'Top.Science.Biology'%1$s)$$),
  ($$lca('a.b.c'%1$s, 'a.b.d'%1$s, 'a.e'%1$s)$$),
  ($$lca(ARRAY['a.b.c'%1$s, 'a.b.d'%1$s])$$),
  ($$text2ltree('Top.Science')$$),
  ($$ltree2text('Top.Science'%1$s)$$),
  ($$'Top'%1$s || 'Science'%1$s$$),
  ($$'Top.Science'%1$s <@ 'Top'%1$s$$),
  ($$'Top'%1$s @> 'Top.Science'%1$s$$),
  ($$'Top.Science.Astronomy'%1$s ~ '*.Astronomy'%2$s$$),
  ($$'Top.Science.Astronomy'%1$s ? ARRAY['*.Biology'%2$s, 'Top.*'%2$s]$$),
  ($$'Top.Science.Astronomy'%1$s @ 'Astro*'%3$s$$),
  ($$'Top.Science'%1$s < 'Top.Science.Astronomy'%1$s$$),
  ($$'a.b'%1$s = 'a.b'%1$s$$),
  ($$ARRAY['Top.Science'%1$s, 'Other'%1$s] @> 'Top.Science.Astronomy'%1$s$$),
  ($$ARRAY['Top.Science.Astronomy'%1$s] ~ '*.Astronomy'%2$s$$);
CREATE FUNCTION typed_text(stmt text, OUT val text, OUT typ regtype) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SELECT (%s)::text, pg_typeof(%s)', stmt, stmt) INTO val, typ;
EXCEPTION WHEN OTHERS THEN
	val := 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT c.n, format(c.form, '', '', '') AS untyped, u.val, u.typ,
	   CASE WHEN u.val IS NOT DISTINCT FROM t.val AND u.typ = t.typ THEN 'same' ELSE 'DIFFERENT: ' || t.val || ' ' || t.typ END AS as_typed
FROM call c,
	 LATERAL typed_text(format(c.form, '', '', '')) u,
	 LATERAL typed_text(format(c.form, '::ltree', '::lquery', '::ltxtquery')) t
ORDER BY c.n;

-- on ltree's regression data: the untyped calls of ltree's regression
-- suite's kind, over every row, agree with the typed ones
CREATE TABLE ldata (l ltree);
\set ltree_data :abs_srcdir '/data/ltree.data'
\set copy_ldata '\\copy ldata FROM ' :'ltree_data'
:copy_ldata
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE (l <@ 'Top.Science') IS DISTINCT FROM (l <@ 'Top.Science'::ltree)) AS descendant_mismatches,
	   count(*) FILTER (WHERE (l ~ '*.Astronomy.*') IS DISTINCT FROM (l ~ '*.Astronomy.*'::lquery)) AS match_mismatches,
	   count(*) FILTER (WHERE (l @ 'Astro*') IS DISTINCT FROM (l @ 'Astro*'::ltxtquery)) AS txt_mismatches,
	   count(*) FILTER (WHERE subpath(l, 0, 1) IS DISTINCT FROM subltree(l, 0, 1)) AS subpath_mismatches
FROM ldata;

-- only an explicit cast (from text) makes a tagpath: other types do not
-- assign into a tagpath column by I/O conversion
CREATE TABLE tp (p tagpath);
SELECT v AS inserted, errcheck(format('INSERT INTO tp VALUES (%s)', v)) AS result
FROM (VALUES ('42'), ($$'a.b'::varchar$$), ($$'a.b'::text$$), ($$'a.b'::name$$),
			 ($$'0b3a0b0e-3a4b-4c1e-9d6f-1a2b3c4d5e6f'::uuid$$), ('true'),
			 ($$'a.b'$$), ($$'a.b'::text::tagpath$$), ($$'a.b'::ltree::text::tagpath$$)) x(v);
SELECT p FROM tp ORDER BY p;
DROP TABLE tp, lt, ldata;
DROP FUNCTION typed_text(text);
DROP EXTENSION ltree;
