-- tagpath input and output: ltree literals, quoted labels, errors, limits,
-- constructors, binary send/recv.
-- (ltree is installed beside tagstore here: where a literal could be
-- either, it is cast)
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE EXTENSION ltree;

-- ltree literals read the same
SELECT 'a'::tagpath, 'Top.Science.Astronomy'::tagpath, ''::tagpath,
       'a_b-c.0_9.Z'::tagpath, 'x.1.-.__'::tagpath;

-- quoted labels: any character but a control character
SELECT '"org.nasa.something".quality'::tagpath AS nasa,
       'Biology."accepted/approved"'::tagpath AS slash,
       '"St. John''s wort"'::tagpath AS apostrophe,
       '"say ""hi"""'::tagpath AS doubled_quote,
       '"a b"."c.d"'::tagpath AS space_and_dot;

-- quotes that are not needed are dropped: output is canonical
SELECT '"abc"."x-y"'::tagpath, '"abc"'::tagpath = 'abc'::tagpath AS same;

-- non-ASCII labels need no quotes, unless they are invisible or spaces
SELECT 'Βιολογία.ζώο'::tagpath AS greek, 'food.🍎'::tagpath AS emoji,
       'äpfel.Straße'::tagpath AS german, tagpath(array[U&'no\00A0break']) AS nbsp;

-- round trips of awkward labels through text, labels() and tagpath(text[])
CREATE TABLE awkward (label text);
INSERT INTO awkward VALUES
  ('plain'), ('with space'), ('dot.ted'), ('"quoted"'), ('it''s'), ('a/b'),
  ('🐘'), ('Ελέφαντας'), ('MiXeD'), ('-'), ('_'), ('123'), (' lead'), ('trail '),
  ('tab?no'), (U&'zero\200Bwidth'), ('back\slash'), ('{}[]*@%!|'), ('日本語');
SELECT label,
       tagpath(array[label]) AS path,
       tagpath(array[label])::text::tagpath = tagpath(array[label]) AS text_round_trip,
       labels(tagpath(array[label, 'x'])) = array[label, 'x'] AS labels_round_trip
FROM awkward ORDER BY label COLLATE "C";

-- every pair of awkward labels as a two-level path round-trips too
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE p::text::tagpath = p AND labels(p) = array[a.label, b.label]) AS ok
FROM awkward a, awkward b, LATERAL (SELECT tagpath(array[a.label, b.label]) AS p) s;

-- malformed literals, each with its position (22P02)
SELECT input, errcheck(format('SELECT %L::tagpath', input))
FROM (VALUES ('a..b'), ('a.'), ('.a'), ('.'), ('a b'), ('a.b!'), ('"abc'),
             ('x."ab""'), ('""'), ('a.""'), ('"a"b'), ('a"b"'), (E'a.\tb'),
             (E'"a\nb"'), (U&'"a\0085b"'), (U&'a\00A0b'), ('a*'), ('a.b.'),
             (' a'), ('a '), ('a.b c.d')) AS t(input);

-- labels given as text need no quoting but obey the same rules (22023, 22004, 2202E)
SELECT errcheck($$SELECT tagpath(array['a', ''])$$);
SELECT errcheck($$SELECT tagpath(array['a', E'b\tc'])$$);
SELECT errcheck($$SELECT tagpath(array['a', NULL])$$);
SELECT errcheck($$SELECT tagpath(array[['a'], ['b']])$$);

-- limits: at least ltree's, and over a limit is 54000, never a truncation
SELECT tagstore.nlevel(tagpath(array_fill('x'::text, array[65535]))) AS max_levels;
SELECT length(leaf(tagpath(array[repeat('é', 4096)]))) AS max_label_chars;
SELECT tagstore.nlevel((repeat('ab.', 65534) || 'z')::tagpath) AS literal_max_levels;
SELECT errcheck($$SELECT tagpath(array_fill('x'::text, array[65536]))$$);
SELECT errcheck($$SELECT (repeat('ab.', 65535) || 'z')::tagpath$$);
SELECT errcheck($$SELECT tagpath(array[repeat('é', 4097)])$$);
SELECT errcheck($$SELECT ('a."' || repeat('x', 4097) || '"')::tagpath$$);
SELECT errcheck($$SELECT tagpath(array_fill('x'::text, array[65535])) || 'y'::tagpath$$);
SELECT errcheck($$SELECT 'a'::tagpath || (repeat('b.', 65534) || 'b')$$);
-- a syntax error in a long literal quotes only its start
SELECT errcheck($$SELECT (repeat('b.', 1000) || '.')::tagpath$$);

-- constructors and accessors
SELECT labels('a."b.c".d'), labels(''), tagpath('{}'::text[]);
SELECT parent('a.b.c'), parent('a'), parent('') IS NULL AS parent_of_empty_is_null;
SELECT leaf('a.b."c d"'), leaf('') IS NULL AS leaf_of_empty_is_null;
SELECT text2tagpath('a."b c"'), tagpath2text('a."b c"'), 'x.y'::text::tagpath, 'x."y z"'::tagpath::text;

-- storage is compact: the labels and one byte per separator (ltree pads
-- every label to 8 bytes)
CREATE TABLE sizes AS
  SELECT 'Biology.animal.mammal'::tagpath AS t, 'Biology.animal.mammal'::ltree AS l;
SELECT pg_column_size(t) AS tagpath_bytes, pg_column_size(l) AS ltree_bytes FROM sizes;

-- binary COPY round trip (send/recv), compared with the original
CREATE TABLE bin_src (id int, p tagpath);
INSERT INTO bin_src
  SELECT row_number() OVER (), tagpath(array[a.label, b.label]) FROM awkward a, awkward b;
INSERT INTO bin_src VALUES (0, ''), (-1, tagpath(array_fill('deep'::text, array[5000])));
-- (psql's COPY ... TO STDOUT \g file and \copy ... FROM file, held whole in
-- a variable to take the file's name: the files are the client's, in the
-- output directory)
\getenv abs_builddir PG_ABS_BUILDDIR
\set binfile :abs_builddir '/results/tagpath.bin'
COPY bin_src TO STDOUT WITH (FORMAT binary) \g :binfile
CREATE TABLE bin_dst (LIKE bin_src);
\set copy_bin_dst '\\copy bin_dst FROM ' :'binfile' ' WITH (FORMAT binary)'
:copy_bin_dst
SELECT count(*) AS copied,
       count(*) FILTER (WHERE s.p = d.p AND s.p::text = d.p::text) AS identical
FROM bin_src s JOIN bin_dst d USING (id);

-- hand-made binary values: bytea's binary form is its raw bytes, so a
-- binary COPY of bytea, read back as tagpath, feeds tagpath_recv directly
-- (a failed \copy shows its error, and again with VERBOSITY sqlstate its
-- code: psql's SQLSTATE variable does not follow \copy)
\set rawfile :abs_builddir '/results/tagpath_raw.bin'
\set copy_raw_in '\\copy raw_in FROM ' :'rawfile' ' WITH (FORMAT binary)'
CREATE TABLE raw_in (p tagpath);
COPY (SELECT '\x01612e22622063222e64'::bytea) TO STDOUT WITH (FORMAT binary) \g :rawfile
:copy_raw_in
SELECT p, labels(p) FROM raw_in;
-- unknown format version (22P03)
COPY (SELECT '\x0261'::bytea) TO STDOUT WITH (FORMAT binary) \g :rawfile
:copy_raw_in
\set VERBOSITY sqlstate
:copy_raw_in
\set VERBOSITY default
-- version 1 but not a valid literal (22P02)
COPY (SELECT '\x01612e2e62'::bytea) TO STDOUT WITH (FORMAT binary) \g :rawfile
:copy_raw_in
\set VERBOSITY sqlstate
:copy_raw_in
\set VERBOSITY default
