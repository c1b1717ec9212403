-- Differential test against contrib ltree: on ltree's own regression data
-- and on random paths and patterns, every operator and function the two
-- share must give the same answer (errors included, by SQLSTATE).
-- Each check reports how many cases it ran and how many disagreed.

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE EXTENSION ltree;
-- ltree's regression data, test/data/, read by psql (\copy, held whole in a
-- variable to take the file's name)
\set ltree_data :abs_srcdir '/data/ltree.data'
\set array_data :abs_srcdir '/data/_ltree.data'
\set copy_ldata '\\copy ldata FROM ' :'ltree_data'
\set copy_adata '\\copy adata FROM ' :'array_data'

-- paths: ltree.data, then random ones over a small alphabet so that
-- ancestors, shared prefixes and repeated labels are common
CREATE TABLE ldata (l ltree);
:copy_ldata
SELECT setseed(0.2024);
INSERT INTO ldata
  SELECT (SELECT string_agg((ARRAY['a','b','c','ab','a_b','A','Bc','b_a_c'])[1 + floor(random() * 8)::int], '.')
          FROM generate_series(1, 1 + floor(random() * 7)::int) WHERE g > 0)::ltree
  FROM generate_series(1, 600) g;
INSERT INTO ldata VALUES (''), ('a'), ('a.b'), ('a.b.c'), ('A.B.C');
CREATE TABLE paths AS
  SELECT row_number() OVER () AS id, l, l::text::tagpath AS t FROM ldata;
SELECT count(*) AS paths, count(DISTINCT l) AS distinct_paths FROM paths;

-- a sample for the pairwise checks
CREATE TABLE sample AS SELECT * FROM paths WHERE id % 7 = 0 OR nlevel(l) <= 1;

CREATE TEMP TABLE results (check_name text, cases bigint, mismatches bigint);

-- text form and ordering
INSERT INTO results
  SELECT 'text form', count(*), count(*) FILTER (WHERE l::text <> t::text) FROM paths;
INSERT INTO results
  SELECT 'sort order', count(*), count(*) FILTER (WHERE a <> b)
  FROM (SELECT row_number() OVER (ORDER BY l) AS a, row_number() OVER (ORDER BY t) AS b FROM paths) s;

-- comparison and ancestry operators, pairwise
INSERT INTO results
  SELECT 'cmp < <= = <> >= > @> <@ ^@> ^<@', count(*),
         count(*) FILTER (WHERE
           sign(ltree_cmp(x.l, y.l)) <> sign(tagpath_cmp(x.t, y.t))
           OR (x.l < y.l) <> (x.t < y.t) OR (x.l <= y.l) <> (x.t <= y.t)
           OR (x.l = y.l) <> (x.t = y.t) OR (x.l <> y.l) <> (x.t <> y.t)
           OR (x.l >= y.l) <> (x.t >= y.t) OR (x.l > y.l) <> (x.t > y.t)
           OR (x.l @> y.l) <> (x.t @> y.t) OR (x.l <@ y.l) <> (x.t <@ y.t)
           OR (x.l ^@> y.l) <> (x.t ^@> y.t) OR (x.l ^<@ y.l) <> (x.t ^<@ y.t))
  FROM sample x, sample y;

-- functions of two paths
INSERT INTO results
  SELECT 'lca(a,b) || index(a,b[,k])', count(*),
         count(*) FILTER (WHERE
           lca(x.l, y.l)::text IS DISTINCT FROM tagstore.lca(x.t, y.t)::text
           OR (x.l || y.l)::text <> (x.t || y.t)::text
           OR index(x.l, y.l) <> tagstore.index(x.t, y.t)
           OR index(x.l, y.l, k) <> tagstore.index(x.t, y.t, k))
  FROM sample x, sample y, generate_series(-3, 3) k;

-- functions of one path, with every offset, errors compared by SQLSTATE
CREATE FUNCTION try_subpath(p ltree, o int, n int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN subpath(p, o, n)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
CREATE FUNCTION try_subpath(p tagpath, o int, n int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN tagstore.subpath(p, o, n)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
CREATE FUNCTION try_subpath(p ltree, o int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN subpath(p, o)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
CREATE FUNCTION try_subpath(p tagpath, o int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN tagstore.subpath(p, o)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
CREATE FUNCTION try_subltree(p ltree, a int, b int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN subltree(p, a, b)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
CREATE FUNCTION try_subltree(p tagpath, a int, b int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN RETURN tagstore.subltree(p, a, b)::text; EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;

INSERT INTO results
  SELECT 'subpath(p,o,n)', count(*),
         count(*) FILTER (WHERE try_subpath(l, o, n) <> try_subpath(t, o, n))
  FROM sample, generate_series(-6, 6) o, generate_series(-4, 4) n;
INSERT INTO results
  SELECT 'subpath(p,o)', count(*),
         count(*) FILTER (WHERE try_subpath(l, o) <> try_subpath(t, o))
  FROM paths, generate_series(-9, 9) o;
INSERT INTO results
  SELECT 'subltree(p,a,b)', count(*),
         count(*) FILTER (WHERE try_subltree(l, a, b) <> try_subltree(t, a, b))
  FROM sample, generate_series(-1, 7) a, generate_series(-1, 7) b;
INSERT INTO results
  SELECT 'nlevel lca(p,p) lca(p,p,p) || text', count(*),
         count(*) FILTER (WHERE nlevel(l) <> tagstore.nlevel(t)
           OR lca(l, l)::text IS DISTINCT FROM tagstore.lca(t, t)::text
           OR lca(l, l, 'a.b'::ltree)::text IS DISTINCT FROM tagstore.lca(t, t, 'a.b'::tagpath)::text
           OR (l || 'x.y'::text)::text <> (t || 'x.y'::text)::text
           OR ('x.y'::text || l)::text <> ('x.y'::text || t)::text
           OR ltree2text(l) <> tagpath2text(t)
           OR text2ltree(l::text)::text <> text2tagpath(t::text)::text)
  FROM paths;

-- patterns: ltree's documented examples, then random ones built from
-- every lquery construct
CREATE TABLE patterns (id serial, q text);
INSERT INTO patterns (q) VALUES
  ('*'), ('*.*'), ('*{0}'), ('*{1}'), ('*{2,}'), ('*{,2}'), ('*{1,3}'), ('a'), ('a.*'),
  ('*.a'), ('*.a.*'), ('a.b.c'), ('!a'), ('!a.*'), ('*.!a'), ('*.!a.*'), ('a|b.*'),
  ('a*'), ('*.a*'), ('a@'), ('A@.*'), ('a%'), ('*.a%.*'), ('b%'), ('c_a%'),
  ('a*@'), ('*.bc@*'), ('a{2}.*'), ('*.a{1,2}.b'), ('!a{2,}.*'), ('a|b|c{1,}'),
  ('*.!a|b.*'), ('*{1}.b.*'), ('b_a%@.*'), ('Top.*{0,2}.sport*@.!football|tennis{1,}.Russ*|Spain'),
  ('23.*{1}.1'), ('1.*.2'), ('*.1.*'), ('*.2{,2}.*'), ('3.*{2,5}.4'), ('!1.*.1');
SELECT setseed(0.7);
INSERT INTO patterns (q)
  SELECT (SELECT string_agg(
            CASE floor(random() * 6)::int
              WHEN 0 THEN '*'
              WHEN 1 THEN '*{' || floor(random() * 3)::int || ',' || (2 + floor(random() * 3)::int) || '}'
              WHEN 2 THEN '!' || (ARRAY['a','b','ab','A'])[1 + floor(random() * 4)::int]
              ELSE (ARRAY['a','b','c','ab','a_b','A','Bc','b_a','1','2','23'])[1 + floor(random() * 11)::int]
                   || (ARRAY['', '', '', '*', '@', '%', '@*', '%*', '|b', '|c@', '{1,2}'])[1 + floor(random() * 11)::int]
            END, '.')
          FROM generate_series(1, 1 + floor(random() * 4)::int) WHERE g > 0)
  FROM generate_series(1, 300) g;
CREATE TABLE queries AS SELECT id, q::lquery AS lq, q::tagquery AS tq FROM patterns;

INSERT INTO results
  SELECT 'path ~ query, query ~ path, ^~', count(*),
         count(*) FILTER (WHERE (l ~ lq) <> (t ~ tq) OR (lq ~ l) <> (tq ~ t) OR (l ^~ lq) <> (t ^~ tq))
  FROM paths, queries;
-- the canonical text of a tagquery means the same as the original
INSERT INTO results
  SELECT 'query text round trip', count(*),
         count(*) FILTER (WHERE (t ~ tq) <> (t ~ tq::text::tagquery))
  FROM paths, queries;
-- queries in threes for ?
CREATE TABLE query_sets AS
  SELECT id / 3 AS id, array_agg(lq) AS lqs, array_agg(tq) AS tqs FROM queries GROUP BY id / 3;
INSERT INTO results
  SELECT 'path ? queries', count(*),
         count(*) FILTER (WHERE (l ? lqs) <> (t ? tqs) OR (lqs ? l) <> (tqs ? t) OR (l ^? lqs) <> (t ^? tqs))
  FROM paths, query_sets;

-- boolean label searches (ltxtquery / tagtxtquery): random expressions
-- over operands with every flag, negation, grouping and both operators
CREATE TABLE txt_patterns (id serial, q text);
INSERT INTO txt_patterns (q) VALUES ('1'), ('1 & 2'), ('1 | 2 & 3'), ('(1 | 2) & 3'), ('!1'),
  ('!(1 & 2)'), ('a@'), ('b*'), ('a_b%'), ('A@ & !b'), ('a | b | c'), ('23 & 1'), ('ab*@ | Bc');
SELECT setseed(0.3);
INSERT INTO txt_patterns (q)
  SELECT (SELECT string_agg(
            CASE WHEN random() < 0.25 THEN '!' ELSE '' END ||
            CASE WHEN random() < 0.2
                 THEN '(' || o1 || CASE WHEN random() < 0.5 THEN ' & ' ELSE ' | ' END || o2 || ')'
                 ELSE o1 END,
            CASE WHEN random() < 0.5 THEN ' & ' ELSE ' | ' END)
          FROM (SELECT g AS n,
                  (ARRAY['a','b','c','ab','A','Bc','b_a','1','2','23','7'])[1 + floor(random() * 11)::int]
                    || (ARRAY['', '', '@', '*', '%', '@*'])[1 + floor(random() * 6)::int] AS o1,
                  (ARRAY['a','b','c','1','2','3'])[1 + floor(random() * 6)::int]
                    || (ARRAY['', '@', '*'])[1 + floor(random() * 3)::int] AS o2
                FROM generate_series(1, 1 + floor(random() * 4)::int) WHERE g > 0) ops)
  FROM generate_series(1, 200) g;
CREATE TABLE txt_queries AS SELECT id, q::ltxtquery AS lt, q::tagtxtquery AS tt FROM txt_patterns;
INSERT INTO results
  SELECT 'path @ txtquery, txtquery @ path, ^@', count(*),
         count(*) FILTER (WHERE (l @ lt) <> (t @ tt) OR (lt @ l) <> (tt @ t) OR (l ^@ lt) <> (t ^@ tt))
  FROM paths, txt_queries;
INSERT INTO results
  SELECT 'txtquery text round trip', count(*),
         count(*) FILTER (WHERE (t @ tt) <> (t @ tt::text::tagtxtquery))
  FROM paths, txt_queries;

-- arrays: _ltree.data
CREATE TABLE adata (la ltree[]);
:copy_adata
CREATE TABLE arrays AS
  SELECT row_number() OVER () AS id, la, la::text[]::tagpath[] AS ta FROM adata;
INSERT INTO results
  SELECT 'array text form', count(*), count(*) FILTER (WHERE la::text <> ta::text) FROM arrays;
CREATE TABLE probes AS SELECT l, t FROM paths WHERE id % 25 = 0 OR nlevel(l) <= 1;
INSERT INTO results
  SELECT 'array @> <@ and commutators', count(*),
         count(*) FILTER (WHERE (la @> l) <> (ta @> t) OR (la <@ l) <> (ta <@ t)
           OR (l <@ la) <> (t <@ ta) OR (l @> la) <> (t @> ta)
           OR (la ^@> l) <> (ta ^@> t) OR (la ^<@ l) <> (ta ^<@ t)
           OR (l ^<@ la) <> (t ^<@ ta) OR (l ^@> la) <> (t ^@> ta))
  FROM arrays, probes;
INSERT INTO results
  SELECT 'array ?@> ?<@', count(*),
         count(*) FILTER (WHERE (la ?@> l)::text IS DISTINCT FROM (ta ?@> t)::text
           OR (la ?<@ l)::text IS DISTINCT FROM (ta ?<@ t)::text)
  FROM arrays, probes;
INSERT INTO results
  SELECT 'array ~ ?~ ^~', count(*),
         count(*) FILTER (WHERE (la ~ lq) <> (ta ~ tq) OR (lq ~ la) <> (tq ~ ta)
           OR (la ^~ lq) <> (ta ^~ tq)
           OR (la ?~ lq)::text IS DISTINCT FROM (ta ?~ tq)::text)
  FROM arrays, queries WHERE queries.id % 3 = 0;
INSERT INTO results
  SELECT 'array @ ?@ ^@', count(*),
         count(*) FILTER (WHERE (la @ lt) <> (ta @ tt) OR (lt @ la) <> (tt @ ta)
           OR (la ^@ lt) <> (ta ^@ tt)
           OR (la ?@ lt)::text IS DISTINCT FROM (ta ?@ tt)::text)
  FROM arrays, txt_queries WHERE txt_queries.id % 2 = 0;
INSERT INTO results
  SELECT 'array ? ^?', count(*),
         count(*) FILTER (WHERE (la ? lqs) <> (ta ? tqs) OR (lqs ? la) <> (tqs ? ta)
           OR (la ^? lqs) <> (ta ^? tqs))
  FROM arrays, query_sets WHERE query_sets.id % 4 = 0;
INSERT INTO results
  SELECT 'lca(array)', count(*),
         count(*) FILTER (WHERE lca(la)::text IS DISTINCT FROM tagstore.lca(ta)::text)
  FROM (SELECT la, ta FROM arrays
        UNION ALL SELECT array_agg(l), array_agg(t) FROM sample GROUP BY id % 5
        UNION ALL SELECT '{}', '{}') s;

-- no check may be vacuous: each ran a fair number of cases
SELECT check_name, cases > 100 AS enough_cases, mismatches FROM results ORDER BY check_name;
-- and the answers are not all alike (so the comparisons could fail)
SELECT count(DISTINCT (t ~ tq)) AS distinct_match_answers,
       count(*) FILTER (WHERE t ~ tq) > 1000 AS many_matches
FROM paths, queries;
SELECT count(DISTINCT (t @ tt)) AS distinct_txt_answers,
       count(*) FILTER (WHERE t @ tt) > 1000 AS many_txt_matches
FROM paths, txt_queries;
