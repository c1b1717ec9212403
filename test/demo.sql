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
SELECT path, tagstore.nlevel(path), parent(path), leaf(path) FROM tags
WHERE path @> 'Biology.animal.mammal.canine.dog' ORDER BY path;

-- 3. patterns: lquery's syntax, with correct Unicode case-insensitivity
SELECT path FROM tags WHERE path ~ '*.conifer.*' ORDER BY path;
SELECT path FROM tags WHERE path ~ '*."ÄPFEL & BIRNEN"@' ORDER BY path;
SELECT path FROM tags WHERE path ? '{sizes.l*, *.fish}' ORDER BY path;

-- 4. a plain btree answers subtree searches: the subtree is a key range
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT path FROM tags WHERE path <@ 'Biology.plant';
RESET enable_seqscan;

-- 5. tagstore: taxonomies, tags and entities, searched with hierarchy expansion
SELECT tagstore.create_taxonomy('sizes') IS NOT NULL AS sizes_created;
SELECT tagstore.add_tag('sizes', v) FROM unnest(ARRAY['small', 'med', 'large']) v;
SELECT tagstore.create_taxonomy('Biology', 'the tree of life') IS NOT NULL AS biology_created;
SELECT tagstore.add_tag(path) FROM unnest(ARRAY[
  'Biology.plant.conifer.cypress', 'Biology.plant.conifer.pine', 'Biology.plant.aster',
  'Biology.animal.mammal.canine', 'Biology.animal.fish']::tagpath[]) path;
SELECT count(*) AS taggings FROM (
  SELECT tagstore.add_tag_to(tag, 'thing', entity) FROM (VALUES
    ('sizes.large'::tagpath, 'elephant'), ('Biology.animal.mammal', 'elephant'),
    ('sizes.med', 'dog'), ('Biology.animal.mammal.canine', 'dog'),
    ('sizes.small', 'dandelion'), ('Biology.plant.aster', 'dandelion'),
    ('sizes.large', 'redwood'), ('Biology.plant.conifer.cypress', 'redwood')) AS v(tag, entity)) s;

-- large animals: the elephant was only tagged "mammal"
SELECT * FROM tagstore.entities_with_all('{sizes.large, Biology.animal}');
SELECT * FROM tagstore.entities_with_all('{Biology.plant}');
SELECT * FROM tagstore.entities_with_any('{Biology.animal.fish, Biology.animal.mammal.canine}');
SELECT * FROM tagstore.entities_with_all('{sizes.large}', exclude => '{Biology.plant}');
SELECT tagstore.count_entities_with_all('{sizes.large}') AS large_things;
-- in FROM, the answer streams from the entity table (no tuplestore)
EXPLAIN (COSTS OFF) SELECT * FROM tagstore.entities_with_all('{sizes.large}') LIMIT 1;
SELECT * FROM tagstore.tree('Biology');

-- closure postings: broad tags' answers stored (here every tagged subtree);
-- a new tagging is pending until the next refresh, and found meanwhile
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1);
SELECT tagstore.add_tag_to('Biology.animal.fish', 'thing', 'salmon');
SELECT * FROM tagstore.posting_status;
SELECT * FROM tagstore.entities_with_all('{Biology.animal}');
SELECT tagstore.refresh_postings() AS folded_in;

-- reshape the tree: searches follow at once
SELECT tagstore.move_tag('Biology.animal.mammal.canine', 'Biology.animal');
SELECT tagstore.rename_tag('Biology.animal', 'Animalia');
SELECT * FROM tagstore.entities_with_all('{biology.ANIMALIA.canine}');
SELECT * FROM tagstore.tree('Biology');
SELECT * FROM tagstore.find_tags('Biology', 'an');

-- 6. revisions and optimistic concurrency (the CMR design)
SET tagstore.actor = 'jgilman';
SELECT tagstore.update_tag('Biology.plant', description => 'green things', category => 'kingdom');
\set ON_ERROR_STOP 0
SELECT tagstore.update_tag('Biology.plant', description => 'lost update?', expected_revision => 1);
\set ON_ERROR_STOP 1
SELECT revision, operation, actor, state ->> 'description' AS description FROM tagstore.tag_history('Biology.plant');
SELECT * FROM tagstore.add_tag_to_many('Biology.plant.aster', 'thing', ARRAY['dandelion', 'daisy'], '{"colour": "yellow"}');
SELECT * FROM tagstore.entities_with_tag_data('Biology.plant', '{"colour": "yellow"}');
SELECT tag, originator, revision, total_count FROM tagstore.search_tags(value => 'a*', pattern => true);
