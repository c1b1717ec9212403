-- Hostile literals: every parser (tagpath, tagquery, tagtxtquery, text and
-- binary) reads huge and deeply nested input in time linear in its length
-- and without recursion, so a long literal is no way to keep a backend busy
-- and deep nesting no way to overflow its stack; what is too large fails
-- with 54000.  Each statement must finish well within the timeout (a
-- quadratic parser fails as a timeout error).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
-- (5 s; test/valgrind.sh, whose server runs some 30 times slower, sets
-- tagstore_test.statement_timeout to lift it)
SELECT set_config('statement_timeout',
                  coalesce(current_setting('tagstore_test.statement_timeout', true), '5s'),
                  false) IS NOT NULL AS timeout_set;

-- tagtxtquery: 100,000 operands in a chain, 100,000 nested '!' and '(',
-- read, written back, read again, matched
CREATE TABLE big_txt (name text, q tagtxtquery);
INSERT INTO big_txt VALUES
  ('100000 &', (rtrim(repeat('a & ', 100000), '& '))::tagtxtquery),
  ('100000 |', (rtrim(repeat('b | ', 99999), '| ') || ' | a')::tagtxtquery),
  ('100000 !', (repeat('!', 100000) || 'a')::tagtxtquery),
  ('100001 !', (repeat('!', 100001) || 'a')::tagtxtquery),
  ('100000 (', (repeat('(', 100000) || 'a' || repeat(')', 100000))::tagtxtquery),
  ('100000 !( &', (repeat('!(a & ', 50000) || 'a' || repeat(')', 50000))::tagtxtquery),
  ('right-deep &', (repeat('a & (', 30000) || 'a' || repeat(')', 30000))::tagtxtquery),
  ('mixed chain', (rtrim(repeat('a & !b | (c@ | d*) & ', 20000), '& '))::tagtxtquery);
SELECT name, length(q::text) AS text_length, q::text::tagtxtquery::text = q::text AS round_trip,
       'a.c'::tagpath @ q AS on_a_c, 'b.d'::tagpath @ q AS on_b_d,
       ARRAY['x'::tagpath, 'a'] @ q AS in_array
FROM big_txt ORDER BY name;
-- the canonical form of a small one, for reading
SELECT left(q::text, 60) AS starts FROM big_txt WHERE name IN ('100000 !( &', 'right-deep &', 'mixed chain')
ORDER BY name;

-- tagquery: 65,535 levels (the most), 65,535 variants in a level (the most),
-- many variants in many levels; one past each limit is 54000
SELECT length(rtrim(repeat('a.', 65535), '.')::tagquery::text) AS levels_65535,
       length(rtrim(repeat('a|', 65535), '|')::tagquery::text) AS variants_65535,
       length(rtrim(repeat('a|b@|c*|d%|"e f".!g|h.', 5000), '.')::tagquery::text) AS many_of_both,
       length(rtrim(repeat('*{1,}.', 65535), '.')::tagquery::text) AS stars_65535;
SELECT errcheck(format('SELECT %L::tagquery', rtrim(repeat('a.', 65536), '.'))) AS levels_65536;
SELECT errcheck(format('SELECT %L::tagquery', rtrim(repeat('a|', 65536), '|'))) AS variants_65536;
-- tagpath: 65,535 labels, long quoted labels
SELECT length(rtrim(repeat('a.', 65535), '.')::tagpath::text) AS labels_65535,
       length(rtrim(repeat('"a b"".".', 65535), '.')::tagpath::text) AS quoted_65535,
       length(repeat('ä', 4096)::tagpath::text) AS label_4096_chars;
SELECT errcheck(format('SELECT %L::tagpath', rtrim(repeat('a.', 65536), '.'))) AS labels_65536;
SELECT errcheck(format('SELECT %L::tagpath', repeat('a', 4097))) AS label_4097;

-- malformed input far into a long literal: the error is 22P02, at the
-- right character, and the message shows the literal's start only
SELECT errcheck(format('SELECT %L::tagtxtquery', repeat('(', 70000) || 'a' || repeat(')', 69999)));
SELECT errcheck(format('SELECT %L::tagtxtquery', repeat('(', 70000) || 'a' || repeat(')', 70001)));
SELECT errcheck(format('SELECT %L::tagtxtquery', repeat('!', 70000)));
SELECT errcheck(format('SELECT %L::tagtxtquery', rtrim(repeat('a & ', 70000), ' ')));
SELECT errcheck(format('SELECT %L::tagquery', repeat('a.', 60000) || '.'));
SELECT errcheck(format('SELECT %L::tagpath', repeat('a.', 60000) || '!'));
-- the parser's errors, token by token (the same as before it was rewritten)
SELECT q, errcheck(format('SELECT %L::tagtxtquery', q))
FROM (VALUES ('()'), ('(a'), ('a)'), ('((a)'), ('(a))'), ('(a)b'), ('a (b)'), ('!'), ('! '),
             ('!)'), ('a & (b'), ('a &)'), ('a & | b'), ('& a'), ('a !b'), ('a | !'), (')'),
             ('(!)'), ('a@ b'), ('  '), ('"a'), ('a & "'), (E'a\n&\tb'), ('a&b|'), ('(|a)')) AS t(q);
SELECT q, q::tagtxtquery AS canonical
FROM (VALUES ('((a))'), ('!(!(a))'), ('(a & b) & c'), ('a & (b & c)'), ('a | b & c'),
             ('(a | b) & !(c | d)'), ('!a & !b'), ('!(a) | (b)'), (E'a\n&\tb')) AS t(q);

-- binary input reads the same way (binary COPY of the big values)
\getenv abs_builddir PG_ABS_BUILDDIR
\set bfile :abs_builddir '/results/hostile_input.bin'
CREATE TABLE big_all AS
  SELECT name, q, NULL::tagquery AS tq, NULL::tagpath AS tp FROM big_txt
  UNION ALL SELECT 'levels', NULL, rtrim(repeat('a|b@|c*.', 20000), '.')::tagquery,
                   rtrim(repeat('a.', 65535), '.')::tagpath;
COPY big_all TO STDOUT WITH (FORMAT binary) \g :bfile
CREATE TABLE big_copy (LIKE big_all);
\set copy_big '\\copy big_copy FROM ' :'bfile' ' WITH (FORMAT binary)'
:copy_big
SELECT count(*) AS copied,
       count(*) FILTER (WHERE a.q::text IS NOT DISTINCT FROM c.q::text
                          AND a.tq::text IS NOT DISTINCT FROM c.tq::text
                          AND a.tp IS NOT DISTINCT FROM c.tp) AS identical
FROM big_all a JOIN big_copy c USING (name);
RESET statement_timeout;
