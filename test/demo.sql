-- tagstore walkthrough (make demo).  Every answer below is computed live.
CREATE EXTENSION tagstore;

-- 1. tagpath: ltree's paths, plus any label you can quote
SELECT 'Biology.animal.mammal'::tagpath AS ltree_style,
       '"org.nasa.something".quality'::tagpath AS quoted,
       tagpath(ARRAY['Biology', 'accepted/approved']) AS from_labels,
       labels('"St. John''s wort".uses') AS labels;

-- 2. ancestry: a subtree is <@, ancestors are @>
CREATE TABLE tags (path tagpath PRIMARY KEY);
INSERT INTO tags VALUES
  ('sizes.small'), ('sizes.med'), ('sizes.large'),
  ('Biology.plant.conifer.cypress'), ('Biology.plant.conifer.pine'), ('Biology.plant.aster'),
  ('Biology.animal.mammal.canine'), ('Biology.animal.fish'), ('Biology."Äpfel & Birnen"');
SELECT path FROM tags WHERE path <@ 'Biology.plant' ORDER BY path;
SELECT path, nlevel(path), parent(path), leaf(path) FROM tags
WHERE path @> 'Biology.animal.mammal.canine.dog' ORDER BY path;

-- 3. patterns: lquery's syntax, with correct Unicode case-insensitivity
SELECT path FROM tags WHERE path ~ '*.conifer.*' ORDER BY path;
SELECT path FROM tags WHERE path ~ '*."ÄPFEL & BIRNEN"@' ORDER BY path;
SELECT path FROM tags WHERE path ? '{sizes.l*, *.fish}' ORDER BY path;

-- 4. a plain btree answers subtree searches: the subtree is a key range
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT path FROM tags WHERE path <@ 'Biology.plant';
RESET enable_seqscan;
