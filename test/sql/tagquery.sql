-- tagquery: lquery's syntax plus quoted labels; canonical output; errors;
-- case-insensitive matching that folds Unicode correctly, in any locale,
-- identically with and without a GiST index.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql

-- canonical output: flags in the order %@*, default counts dropped
SELECT q, q::tagquery AS canonical
FROM (VALUES ('*'), ('*{0,}'), ('*{2}'), ('*{,3}'), ('*{1,}'), ('a{1}'), ('a{1,1}'),
             ('a{,}'), ('a{2,5}'), ('a*@%'), ('a@@'), ('!a|b*|c@.d'),
             ('Top.*{0,2}.sport*@.!football|tennis{1,}.Russ*|Spain'),
             ('"org.nasa.something"*.quality'), ('"St. John''s wort"@'),
             ('"a|b".*."{x}"'), ('"plain"'), ('äpfel@.🍎')) AS t(q);

-- quoted labels match literally: | . * @ inside quotes are just characters
SELECT '"org.nasa.something".quality'::tagpath ~ '"org.nasa"*.quality' AS quoted_prefix,
       '"org.nasa.something".quality'::tagpath ~ 'org.*' AS plain_does_not_split,
       'x."a|b"'::tagpath ~ 'x."a|b"' AS quoted_bar,
       'x.a'::tagpath ~ 'x."a|b"' AS bar_is_not_alternation,
       '"St. John''s wort".Uses'::tagpath ~ '"st. john''s WORT"@.*' AS quoted_casefold;

-- malformed patterns (22P02) and limits (54000)
SELECT q, errcheck(format('SELECT %L::tagquery', q))
FROM (VALUES (''), ('a..b'), ('.a'), ('a.'), ('!'), ('!*'), ('*@'), ('*a'), ('a{'),
             ('a{2'), ('a{3,1}'), ('a{x}'), ('a{}'), ('a|'), ('|a'), ('a||b'),
             ('"unterminated'), ('a b'), ('*{1}x'), ('a@b'), ('a.!'), ('a{1,2}{3}'),
             (E'a\tb'), ('a{70000}')) AS t(q);

-- case-insensitive matching folds with Unicode's full case folding,
-- after canonical decomposition, so these all match
SELECT p, q, p::tagpath ~ q::tagquery AS matches
FROM (VALUES ('straße', 'STRASSE@'), ('STRASSE', 'straße@'), ('Äpfel', 'äpfel@'),
             ('Äpfel', U&'a\0308pfel@'), (U&'A\0308PFEL', 'äpfel@'),
             ('ΣΊΣΥΦΟΣ', 'σίσυφος@'), ('Σίσυφος', 'ΣΊΣΥΦΟς@'), ('Ǆemal', 'ǆEMAL@'),
             ('ﬁnance', 'FINANCE@'), ('ÄPFELBAUM', 'äpf*@'), ('Big_Äpfel_Tree', 'äpfel%@'),
             ('Big_Äpfel_Tree', 'tree_big%@'), ('Big_Äpfel_Tree', 'äp%*@')) AS t(p, q);
-- ... and these do not
SELECT p, q, p::tagpath ~ q::tagquery AS matches
FROM (VALUES ('straße', 'STRASSE'), ('Äpfel', 'äpfel'), ('İstanbul', 'istanbul@'),
             ('Äpfel', 'apfel@'), ('Big_Äpfel_Tree', 'äpfel@'), ('Big_Äpfel_Tree', 'tree_x%@'))
     AS t(p, q);

-- label_casefold() exposes the same folding for applications
SELECT label_casefold('Straße'), label_casefold('ÄPFEL') = label_casefold(U&'a\0308pfel'),
       label_casefold('ΣΊΣΥΦΟΣ');
-- pure ASCII folds eight bytes at a time: lower() in the C collation is the
-- peer, over every printable character, every length to 40 (words and a
-- tail), in a label and through a path; non-ASCII after a whole word
SELECT count(*) AS strings,
       count(*) FILTER (WHERE label_casefold(s) = lower(s COLLATE "C")) AS labels_fold_as_lower,
       count(*) FILTER (WHERE label_casefold(tagpath(ARRAY[s, 'Q' || s])) =
                              tagpath(ARRAY[lower(s COLLATE "C"), lower(('Q' || s) COLLATE "C")])) AS paths_fold_as_lower
FROM (SELECT string_agg(chr(32 + (g * 7 + k * 13) % 95), '' ORDER BY k) s
      FROM generate_series(1, 2000) g, generate_series(1, 1 + g % 40) k GROUP BY g) x;
SELECT label_casefold('ABCDEFGH@Z[`az{'), label_casefold('ABCDEFGHÄPFEL'),
       label_casefold('"ABCDEFGH"."IJKLMNOÄ"'::tagpath);

-- the folding does not depend on the database's locale: a database with
-- another collation and ctype gives the same answers
SELECT current_database() AS regress_db \gset
CREATE DATABASE tagquery_other_locale TEMPLATE template0 ENCODING 'UTF8'
  LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
\c tagquery_other_locale
CREATE EXTENSION tagstore;
SELECT 'straße'::tagpath ~ 'STRASSE@' AS sharp_s, 'Äpfel'::tagpath ~ 'äpfel@' AS umlaut,
       'ΣΊΣΥΦΟΣ'::tagpath ~ 'σίσυφος@' AS greek;
\c :regress_db
DROP DATABASE tagquery_other_locale;

-- the GiST index and a scan agree on non-ASCII case-insensitive patterns
-- (contrib ltree on PG15 does not: its index lowercases bytes)
CREATE TABLE fruit (id serial, p tagpath);
INSERT INTO fruit (p)
  SELECT tagpath(array[top, mid, leaf])
  FROM unnest(array['Obst', 'OBST', 'obst', 'Frucht']) top,
       unnest(array['Äpfel', 'äpfel', 'ÄPFEL', U&'a\0308pfel', 'Apfel', 'Straße', 'STRASSE', 'ΣΊΣΥΦΟΣ']) mid,
       unnest(array['rot', 'Grün', 'GRÜN', 'gelb']) leaf;
CREATE TEMP TABLE fruit_queries (q tagquery);
INSERT INTO fruit_queries VALUES ('*.äpfel@.*'), ('*.ÄPFEL@.*'), ('obst@.*'), ('*.grün@'),
  ('*.strasse@.*'), ('*.straße@.*'), ('*.σίσυφος@.*'), ('*.äpf*@.*'), ('*.Äpfel.*'),
  ('!obst@.*'), ('*.!äpfel@.*'), ('OBST.äpfel@|strasse@.grün@');
SELECT q::text, count(*) AS matches FROM fruit, fruit_queries WHERE p ~ q GROUP BY q::text ORDER BY 1;
CREATE TEMP TABLE seq_answers AS
  SELECT q::text AS q, array_agg(id ORDER BY id) AS ids FROM fruit, fruit_queries WHERE p ~ q GROUP BY q::text;
CREATE INDEX fruit_gist ON fruit USING gist (p);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM fruit WHERE p ~ '*.äpfel@.*';
SELECT f.q, s.ids = (SELECT array_agg(id ORDER BY id) FROM fruit WHERE p ~ f.q) AS index_agrees
FROM fruit_queries f JOIN seq_answers s ON s.q = f.q::text ORDER BY f.q::text;
RESET enable_seqscan;

-- binary COPY round trip of tagquery (through a file of the client's, in
-- the output directory: the \copy command is held whole in a variable to
-- take the file's name)
\getenv abs_builddir PG_ABS_BUILDDIR
\set qfile :abs_builddir '/results/tagquery.bin'
CREATE TABLE q_src AS SELECT row_number() OVER () AS id, q FROM fruit_queries;
COPY q_src TO STDOUT WITH (FORMAT binary) \g :qfile
CREATE TABLE q_dst (LIKE q_src);
\set copy_q_dst '\\copy q_dst FROM ' :'qfile' ' WITH (FORMAT binary)'
:copy_q_dst
SELECT count(*) AS copied, count(*) FILTER (WHERE s.q::text = d.q::text) AS identical
FROM q_src s JOIN q_dst d USING (id);

-- tagtxtquery: ltxtquery's boolean search over labels, with quoted labels
SELECT q, q::tagtxtquery AS canonical
FROM (VALUES ('a&b|c'), ('(a|b)&c'), ('!(a & b)'), ('a | (b | c)'), ('!!a'), ('a*@%'),
             ('"St. John''s"@ & !"x|y"'), (' a  &  ( b )')) AS t(q);
SELECT 'Europe.Russia.Moscow'::tagpath @ 'europe@ & russ*@ & !Transport' AS boolean_search,
       'Big_Äpfel_Tree'::tagpath @ 'äpfel%@ & !birne@' AS words_and_folding;
SELECT q, errcheck(format('SELECT %L::tagtxtquery', q))
FROM (VALUES (''), ('a &'), ('& a'), ('(a'), ('a)'), ('a b'), ('!'), ('a | | b'), ('a@b'),
             (E'a\x01')) AS t(q);
