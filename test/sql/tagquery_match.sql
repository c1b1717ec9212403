-- tagquery matching (~, ?, the tagpath[] forms, GiST) against a reference
-- written in plain SQL, and against contrib ltree; then patterns built to
-- make a backtracking matcher take exponential time, which must finish.
--
-- The reference search: a recursive CTE walks states (path, pattern,
-- level i, position j, labels c taken by level i so far), one label or one
-- level at a time; a path matches if some walk ends past the last level at
-- the end of the path.  Whether one label satisfies one level (its count
-- aside) is asked of a one-label path and a one-level pattern, where no
-- search happens (and which ltree_compat compares with ltree).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE EXTENSION ltree;

-- labels: eight that ltree accepts, four that it does not (non-ASCII, one
-- that needs quoting); Unicode case folding makes 'ÄPFEL@' match 'äpfel'
CREATE TABLE m_label (k int PRIMARY KEY, lbl text);
INSERT INTO m_label VALUES (1, 'a'), (2, 'b'), (3, 'ab'), (4, 'a_b'), (5, 'A'), (6, 'B'),
  (7, 'Ab'), (8, 'b_a'), (9, 'äpfel'), (10, 'ÄPFEL'), (11, 'x.y'), (12, 'straße');

-- paths of 0 to 10 labels; every fourth may use all twelve labels
SELECT setseed(0.1807);
CREATE TABLE m_path AS
  SELECT g AS pid, labels, tagpath(labels) AS t, cardinality(labels) AS n
  FROM (SELECT g, ARRAY(SELECT (ARRAY['a','b','ab','a_b','A','B','Ab','b_a',
                                      'äpfel','ÄPFEL','x.y','straße'])
                                 [1 + floor(random() * CASE WHEN g % 4 = 0 THEN 12 ELSE 8 END)::int]
                        FROM generate_series(1, floor(random() * 11)::int + 0 * g)) AS labels
        FROM generate_series(1, 250) g) s;
CREATE TABLE m_plabel AS
  SELECT pid, pos - 1 AS pos, lbl FROM m_path, unnest(labels) WITH ORDINALITY u(lbl, pos);

-- patterns of 1 to 6 levels: '*' with every count form, and variant lists
-- (1 to 3 variants, every flag combination, negated or not) with or
-- without a count.  Each level is kept apart: its predicate (the level
-- without its count) and its bounds.
CREATE TABLE m_rand AS
  SELECT qid, i, random() AS r1, random() AS r2, random() AS r3, random() AS r4
  FROM generate_series(1, 300) qid,
       LATERAL generate_series(1, 1 + floor(random() * 6)::int + 0 * qid) i;
CREATE TABLE m_level AS
  SELECT qid, i, pred,
         CASE ccase WHEN 0 THEN CASE WHEN star THEN 0 ELSE 1 END
                    WHEN 1 THEN cn WHEN 2 THEN cn WHEN 3 THEN 0 ELSE cn END AS low,
         CASE ccase WHEN 0 THEN CASE WHEN star THEN 65535 ELSE 1 END
                    WHEN 1 THEN cn WHEN 2 THEN 65535 WHEN 3 THEN cn + cm ELSE cn + cm END AS high,
         pred || CASE ccase WHEN 0 THEN '' WHEN 1 THEN '{' || cn || '}' WHEN 2 THEN '{' || cn || ',}'
                            WHEN 3 THEN '{,' || (cn + cm) || '}'
                            ELSE '{' || cn || ',' || (cn + cm) || '}' END AS level_text
  FROM (SELECT qid, i, star,
               CASE WHEN star THEN '*'
                    ELSE CASE WHEN r1 < 0.35 THEN '!' ELSE '' END ||
                         (SELECT string_agg(tagpath(ARRAY[(ARRAY['a','b','ab','a_b','A','B','Ab','b_a',
                                                               'äpfel','ÄPFEL','x.y','straße'])
                                                        [1 + floor(r3 * 12 ^ v)::int % CASE WHEN qid % 3 = 0 THEN 12 ELSE 8 END]])::text
                                            || (ARRAY['', '', '', '@', '*', '%', '@*', '%@', '%*', '%@*'])
                                                 [1 + floor(r4 * 10 ^ v)::int % 10], '|')
                          FROM generate_series(1, 1 + floor(r2 * 2.6)::int) v)
               END AS pred,
               CASE WHEN r2 < 0.5 THEN 0 ELSE floor(r1 * 97)::int % 5 END AS ccase,
               floor(r3 * 89)::int % 3 AS cn, floor(r4 * 83)::int % 3 AS cm
        FROM (SELECT *, r1 > 0.7 AS star FROM m_rand) r) s;
CREATE TABLE m_query AS
  SELECT qid, string_agg(level_text, '.' ORDER BY i) AS q, count(*) AS nlevels
  FROM m_level GROUP BY qid;
ALTER TABLE m_query ADD COLUMN tq tagquery;
UPDATE m_query SET tq = q::tagquery;
-- the patterns and paths ltree reads as well
ALTER TABLE m_query ADD COLUMN lq lquery;
UPDATE m_query SET lq = q::lquery WHERE q !~ '["\x80-\xffff]';
ALTER TABLE m_path ADD COLUMN l ltree;
UPDATE m_path SET l = t::text::ltree WHERE t::text !~ '["\x80-\xffff]';
SELECT count(*) AS patterns, count(lq) AS ltree_patterns, max(nlevels) AS max_levels,
       count(*) FILTER (WHERE q LIKE '%*{%' OR q LIKE '%}%') > 50 AS many_counts,
       count(*) FILTER (WHERE q LIKE '%!%') > 50 AS many_negations
FROM m_query;
SELECT count(*) AS paths, count(l) AS ltree_paths, max(n) AS max_labels FROM m_path;

-- does one label satisfy one level's predicate?
CREATE TABLE m_pred AS
  SELECT l.lbl, p.pred, tagpath(ARRAY[l.lbl]) ~ p.pred::tagquery AS ok
  FROM m_label l, (SELECT DISTINCT pred FROM m_level) p;

-- the reference walk
CREATE TABLE m_ref AS
WITH RECURSIVE walk(pid, qid, i, j, c) AS (
	SELECT pid, qid, 1, 0, 0 FROM m_path, m_query
  UNION
	SELECT w.pid, w.qid, x.i, x.j, x.c
	FROM walk w
	JOIN m_level lv ON lv.qid = w.qid AND lv.i = w.i
	LEFT JOIN m_plabel pl ON pl.pid = w.pid AND pl.pos = w.j
	LEFT JOIN m_pred pr ON pr.lbl = pl.lbl AND pr.pred = lv.pred
	CROSS JOIN LATERAL (VALUES
		(w.i, w.j + 1, w.c + 1, pr.ok IS TRUE AND w.c < lv.high),	-- the level takes label j
		(w.i + 1, w.j, 0, w.c >= lv.low)) x(i, j, c, ok)			-- the next level starts at j
	WHERE x.ok
)
SELECT p.pid, q.qid, a.pid IS NOT NULL AS ref
FROM m_path p CROSS JOIN m_query q
LEFT JOIN (SELECT DISTINCT w.pid, w.qid
           FROM walk w JOIN m_path p2 USING (pid) JOIN m_query q2 USING (qid)
           WHERE w.i = q2.nlevels + 1 AND w.j = p2.n) a ON a.pid = p.pid AND a.qid = q.qid;
CREATE INDEX ON m_ref (pid, qid);

-- ~ and its commutator against the reference, and against ltree where it reads both
SELECT count(*) AS pairs, count(*) FILTER (WHERE ref) AS matches,
       count(*) FILTER (WHERE (p.t ~ q.tq) <> r.ref OR (q.tq ~ p.t) <> r.ref) AS mismatches,
       count(*) FILTER (WHERE p.l IS NOT NULL AND q.lq IS NOT NULL) AS ltree_pairs,
       count(*) FILTER (WHERE (p.l ~ q.lq) <> (p.t ~ q.tq)) AS ltree_mismatches
FROM m_ref r JOIN m_path p USING (pid) JOIN m_query q USING (qid);
-- the first few disagreements, if any, to see what went wrong
SELECT p.t, q.q, r.ref, p.t ~ q.tq AS got
FROM m_ref r JOIN m_path p USING (pid) JOIN m_query q USING (qid)
WHERE (p.t ~ q.tq) <> r.ref ORDER BY pid, qid LIMIT 5;

-- ? over arrays of patterns, and the tagpath[] forms: as "some element"
CREATE TABLE m_qset AS
  SELECT qid % 50 AS sid, array_agg(tq ORDER BY qid) AS tqs, array_agg(qid ORDER BY qid) AS qids
  FROM m_query GROUP BY qid % 50;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE (p.t ? s.tqs) <> (SELECT bool_or(ref) FROM m_ref r
                                                WHERE r.pid = p.pid AND r.qid = ANY (s.qids))
                          OR (s.tqs ? p.t) <> (p.t ? s.tqs)) AS mismatches
FROM m_path p, m_qset s;
CREATE TABLE m_parr AS
  SELECT pid % 40 AS aid, array_agg(t ORDER BY pid) AS ts, array_agg(pid ORDER BY pid) AS pids
  FROM m_path GROUP BY pid % 40;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE (a.ts ~ q.tq) <> (SELECT bool_or(ref) FROM m_ref r
                                                WHERE r.qid = q.qid AND r.pid = ANY (a.pids))
                          OR (q.tq ~ a.ts) <> (a.ts ~ q.tq)
                          OR (a.ts ?~ q.tq) IS DISTINCT FROM
                             (SELECT p.t FROM m_path p JOIN m_ref r USING (pid)
                              WHERE r.qid = q.qid AND r.ref AND p.pid = ANY (a.pids)
                              ORDER BY array_position(a.pids, p.pid) LIMIT 1)) AS mismatches
FROM m_parr a, m_query q;

-- the GiST opclasses answer as the reference does (exact leaves, and lossy
-- ones: paths over 1 kB)
CREATE TABLE m_indexed AS
  SELECT pid, t FROM m_path
  UNION ALL SELECT 1000 + pid, tagpath(array_fill('a_b'::text, ARRAY[300]) || labels) FROM m_path WHERE pid % 5 = 0;
CREATE TABLE m_indexed_ref AS
  SELECT i.pid, q.qid, i.t ~ q.tq AS seq FROM m_indexed i, m_query q;
CREATE INDEX m_indexed_gist ON m_indexed USING gist (t);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT pid FROM m_indexed WHERE t ~ 'a.*';
SELECT count(*) AS patterns,
       count(*) FILTER (WHERE (SELECT coalesce(array_agg(pid ORDER BY pid), '{}') FROM m_indexed i WHERE i.t ~ q.tq)
                          <> (SELECT coalesce(array_agg(pid ORDER BY pid), '{}') FROM m_indexed_ref r
                              WHERE r.qid = q.qid AND r.seq)) AS index_mismatches
FROM m_query q;
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT count(*) FILTER (WHERE i.pid < 1000 AND r.seq <> m.ref) AS seq_mismatches,
       count(*) FILTER (WHERE i.pid >= 1000 AND r.seq) > 100 AS long_paths_match
FROM m_indexed_ref r JOIN m_indexed i USING (pid) LEFT JOIN m_ref m ON m.pid = i.pid AND m.qid = r.qid;

-- Hostile patterns.  A backtracking matcher tries every way to split the
-- path among the stars: some 10^16 ways for ten stars on 200 labels.  Each
-- must finish well within the timeout (a hang fails as a timeout error).
-- (5 s; test/valgrind.sh, whose server runs some 30 times slower, sets
-- tagstore_test.statement_timeout to lift it)
SELECT set_config('statement_timeout',
                  coalesce(current_setting('tagstore_test.statement_timeout', true), '5s'),
                  false) IS NOT NULL AS timeout_set;
CREATE TABLE hostile_path (name text, t tagpath);
INSERT INTO hostile_path VALUES
  ('200 a', tagpath(array_fill('a'::text, ARRAY[200]))),
  ('200 a, then b', tagpath(array_fill('a'::text, ARRAY[200]) || 'b'::text)),
  ('65535 a', tagpath(array_fill('a'::text, ARRAY[65535]))),
  ('65534 a, then b', tagpath(array_fill('a'::text, ARRAY[65534]) || 'b'::text));
CREATE TABLE hostile_query (name text, q tagquery);
INSERT INTO hostile_query VALUES
  ('10 stars then b', (repeat('*.', 10) || 'b')::tagquery),
  ('30 stars then b', (repeat('*.', 30) || 'b')::tagquery),
  ('*{1,} x 12', (rtrim(repeat('*{1,}.', 12), '.'))::tagquery),
  ('*{1,} x 12 then b', (repeat('*{1,}.', 12) || 'b')::tagquery),
  ('a{1,} x 12 then b', (repeat('a{1,}.', 12) || 'b')::tagquery),
  ('a*@{,} x 20 then b', (repeat('a*@{,}.', 20) || 'b')::tagquery),
  ('!b{1,} x 12 then b', (repeat('!b{1,}.', 12) || 'b')::tagquery),
  ('* and a, 40 times, then b', (repeat('*.a.', 40) || 'b')::tagquery),
  ('1000 stars', (rtrim(repeat('*.', 1000), '.'))::tagquery),
  ('200 a then b', (repeat('a.', 200) || 'b')::tagquery),
  ('a{2,3} x 30 then b', (repeat('a{2,3}.', 30) || 'b')::tagquery);
SELECT p.name AS path, q.name AS pattern, p.t ~ q.q AS matches
FROM hostile_path p, hostile_query q ORDER BY p.name, q.name;
-- the same through the other forms
SELECT p.name AS path,
       p.t ? (SELECT array_agg(q ORDER BY name) FROM hostile_query WHERE name LIKE '%then b') AS any_matches,
       (SELECT array_agg(q ORDER BY name) FROM hostile_query WHERE name LIKE '%then b') ? p.t AS any_commuted,
       ARRAY[p.t, p.t] ~ (SELECT q FROM hostile_query WHERE name = '10 stars then b') AS array_matches,
       (ARRAY[p.t] ?~ (SELECT q FROM hostile_query WHERE name = '*{1,} x 12 then b')) IS NOT NULL AS array_finds
FROM hostile_path p ORDER BY p.name;
-- many patterns against one long path: the path is split once, and each
-- pattern looks only where it can still end
SELECT p.name AS path,
       p.t ? (SELECT array_agg(q) FROM (SELECT 'a'::tagquery AS q FROM generate_series(1, 100000)) s) AS a_100000,
       p.t ? (SELECT array_agg(q) FROM (SELECT '*.c'::tagquery AS q FROM generate_series(1, 100000)) s) AS star_c_100000,
       ARRAY[p.t, p.t] ? (SELECT array_agg(q) FROM (SELECT 'a.*.c{2}'::tagquery AS q FROM generate_series(1, 50000)) s) AS array_50000
FROM hostile_path p ORDER BY p.name;
CREATE INDEX hostile_gist ON hostile_path USING gist (t);
SET enable_seqscan = off;
SELECT q.name AS pattern, array_agg(p.name ORDER BY p.name) AS matching_paths
FROM hostile_query q JOIN hostile_path p ON p.t ~ q.q GROUP BY q.name ORDER BY q.name;
RESET enable_seqscan;
-- tagtxtquery over long paths: every operand looks at every label once
SELECT p.name AS path,
       p.t @ rtrim(repeat('a & ', 500), '& ')::tagtxtquery AS many_ands,
       p.t @ (repeat('!(', 200) || 'b' || repeat(')', 200))::tagtxtquery AS deep_nots,
       p.t @ 'a* & b@ | !a%'::tagtxtquery AS mixed
FROM hostile_path p ORDER BY p.name;
RESET statement_timeout;
