-- Data for the upgrade test, written with version 1.0's API: something in
-- every table tagstore keeps, in every state an installation can be in when
-- it is updated.  Taxonomies (a tree, a flat one, a free-form one, one with
-- quoted and non-ASCII labels, renamed), tags with metadata (updated), a
-- renamed and a moved subtree, removed tags (tombstones, one created again),
-- taggings with jsonb data, retaggings and removed taggings (revisions and
-- tombstones), closure postings built with a low threshold, then taggings
-- written afterwards (changes pending in tagstore.posting_change) and a move
-- and a removal (stale postings).  The checks at the end make sure that all
-- of this is there, so that a later edit cannot quietly empty the test.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET tagstore.actor = 'loader';

SELECT tagstore.create_taxonomy('Biology', 'the tree of life', 'owner-1') IS NOT NULL AS created;
SELECT tagstore.create_taxonomy('sizes', 'a flat list') IS NOT NULL AS created;
SELECT tagstore.create_taxonomy('Colour', 'free-form: tagging creates the tag', free_form => true) IS NOT NULL AS created;
SELECT tagstore.create_taxonomy('Ort', 'places: quoted and non-ASCII labels') IS NOT NULL AS created;

-- the tree, both ways of adding tags
SELECT tagstore.add_tag(p::tagpath) FROM unnest(ARRAY[
	'Biology.animal.mammal.canine', 'Biology.animal.mammal.feline', 'Biology.animal.mammal.primate',
	'Biology.animal.bird.raptor', 'Biology.animal.bird.songbird', 'Biology.animal.fish',
	'Biology.animal.insect', 'Biology.plant.tree.oak', 'Biology.plant.tree.pine',
	'Biology.plant.tree.birch', 'Biology.plant.tree.maple', 'Biology.plant.flower.tulip',
	'Biology.plant.flower.daisy', 'Biology.plant.flower.rose', 'Biology.plant.grass.bamboo', 'Biology.plant.grass.wheat',
	'Biology.fungus.mushroom', 'Biology.fungus.mould']) p;
SELECT tagstore.add_tag('Biology', 'St. John''s wort', parent => 'Biology.plant.flower',
						external_id => 'X-17', description => 'Hypericum', category => 'herb');
SELECT tagstore.add_tag('Biology', 'ζώο', tagstore.tag_id('Biology.animal'));
SELECT tagstore.add_tag('sizes', v, description => 'size ' || v) FROM unnest(ARRAY['small', 'medium', 'large', 'huge']) v;
SELECT tagstore.add_tag(p::tagpath) FROM unnest(ARRAY[
	'Ort.Europa.Schweiz."Zürich"', 'Ort.Europa.Deutschland.München', 'Ort."Asia Pacific".Japan']) p;
SELECT tagstore.update_tag('Biology.animal.bird', description => 'feathered', category => 'class');
SELECT tagstore.update_tag('Biology.animal.bird', description => 'birds', expected_revision => 2);
SELECT tagstore.update_tag(tagstore.tag_id('sizes.huge'), clear_category => true, external_id => 'H');

-- 400 entities of two types; Biology leaves picked by arithmetic, some
-- inner tags tagged directly
CREATE TEMP TABLE leaf AS
	SELECT row_number() OVER (ORDER BY key) - 1 AS n, path FROM tagstore.tag t
	WHERE t.key <@ 'biology' AND NOT EXISTS (SELECT 1 FROM tagstore.tag c WHERE c.parent_id = t.id);
SELECT count(*) AS biology_leaves FROM leaf;
SELECT count(*) AS tagged FROM (
	SELECT tagstore.add_tag_to(l.path, CASE WHEN e % 4 = 0 THEN 'doc' ELSE 'thing' END, 'e' || e)
	FROM generate_series(1, 400) e
	JOIN leaf l ON l.n = (e * 7 + e / 20) % (SELECT count(*) FROM leaf)
				OR (e % 2 = 0 AND l.n = (e * 3 + 1) % (SELECT count(*) FROM leaf))) s;
SELECT count(*) AS tagged FROM (
	SELECT tagstore.add_tag_to(t, CASE WHEN e % 4 = 0 THEN 'doc' ELSE 'thing' END, 'e' || e)
	FROM generate_series(1, 400, 9) e,
		 unnest(ARRAY['Biology.animal.mammal', 'Biology.plant']::tagpath[]) t
	WHERE (e + nlevel(t)) % 2 = 0) s;
-- sizes, with data, in bulk
SELECT r.status, count(*)
FROM unnest(ARRAY['small', 'medium', 'large', 'huge']) WITH ORDINALITY s(size, k),
	 LATERAL tagstore.add_tag_to(('sizes.' || s.size)::tagpath, 'thing',
		ARRAY(SELECT 'e' || e FROM generate_series(1, 400) e WHERE e % 4 <> 0 AND e % 3 <> 0 AND e % 5 % 4 + 1 = k),
		jsonb_build_object('value', k * 10, 'unit', 'cm')) r
GROUP BY r.status ORDER BY r.status;
-- places: one by one, some with data
SELECT count(tagstore.add_tag_to(p, CASE WHEN e % 4 = 0 THEN 'doc' ELSE 'thing' END, 'e' || e,
								  CASE WHEN e % 10 = 0 THEN '{"visited": true}'::jsonb END))
FROM generate_series(1, 400) e,
	 LATERAL (SELECT 'Ort.Europa.Schweiz.Zürich'::tagpath p WHERE e % 5 = 0
			  UNION ALL SELECT 'Ort.Europa.Deutschland.München' WHERE e % 7 = 0
			  UNION ALL SELECT 'Ort."Asia Pacific".Japan' WHERE e % 11 = 0) x;
-- free-form: the tags are created by tagging
SELECT count(tagstore.add_tag_to(('Colour.' || c)::tagpath, 'thing', 'e' || e))
FROM generate_series(3, 400, 6) e, LATERAL (SELECT (ARRAY['red', 'Blue', 'grün'])[1 + (e / 6) % 3] c) x;

-- retaggings: new data, and again (revisions 2 and 3)
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'e2', '{"value": 7, "unit": "m"}');
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'e2', '{"value": 8, "unit": "m"}');
SELECT * FROM tagstore.add_tag_to('Ort.Europa.Schweiz.Zürich', 'thing', ARRAY['e5', 'e15', 'e25'], '{"visited": false}');
-- removed taggings, one tagged again afterwards (its revisions go on)
SELECT tagstore.remove_tag_from('sizes.medium', 'thing', 'e1');
SELECT * FROM tagstore.remove_tag_from('Ort.Europa.Schweiz.Zürich', 'thing', ARRAY['e5', 'e35', 'e999']);
SELECT tagstore.remove_tag_from(tagstore.tag_id('Colour.red'), 'thing', 'e9');
SELECT tagstore.add_tag_to('Ort.Europa.Schweiz.Zürich', 'thing', 'e5', '{"visited": "again"}');

-- a renamed subtree, a moved one, a renamed taxonomy
SELECT tagstore.rename_tag('Biology.fungus', 'Fungi');
SELECT tagstore.add_tag('Biology', 'vertebrate', parent => 'Biology.animal');
SELECT tagstore.move_tag('Biology.animal.mammal', 'Biology.animal.vertebrate');
SELECT tagstore.rename_taxonomy('Ort', 'Orte');
-- removed tags: a leaf with taggings, a subtree; the leaf created again
SELECT tagstore.remove_tag('Biology.animal.insect');
SELECT tagstore.remove_tag('Biology.plant.grass', cascade => true);
SELECT tagstore.add_tag('Biology', 'insect', parent => 'Biology.animal');
SELECT tagstore.add_tag_to('Biology.animal.insect', 'thing', 'e1');

-- closure postings, with a low threshold so that several tags are posted
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 20) AS folded;

-- written after the refresh: pending changes, under posted tags and not
SET tagstore.actor = 'late writer';
SELECT count(tagstore.add_tag_to('Biology.animal.vertebrate.mammal.feline', 'thing', 'n' || e)) FROM generate_series(1, 12) e;
SELECT count(tagstore.add_tag_to('Biology.plant.tree.oak', CASE WHEN e % 4 = 0 THEN 'doc' ELSE 'thing' END, 'e' || e))
FROM generate_series(2, 400, 37) e;
SELECT * FROM tagstore.remove_tag_from('Biology.plant.tree.pine', 'thing', ARRAY['e1', 'e2', 'e3', 'e5', 'e6', 'e7']);
SELECT tagstore.add_tag_to('sizes.huge', 'doc', 'e4', '{"value": 99}');
SELECT tagstore.add_tag_to('Colour.violet', 'thing', 'n1');
-- stale postings: a subtree moved, a tag removed, after the refresh
SELECT tagstore.move_tag('Biology.animal.bird.songbird', 'Biology.animal.vertebrate');
SELECT tagstore.remove_tag('Biology.Fungi.mould');

-- what the test relies on
DO $$
DECLARE
	n bigint;
BEGIN
	IF (SELECT posted_tags FROM tagstore.posting_status) < 4 THEN
		RAISE EXCEPTION 'load: fewer than 4 posted tags';
	END IF;
	IF (SELECT stale_tags FROM tagstore.posting_status) < 1 THEN
		RAISE EXCEPTION 'load: no stale posting';
	END IF;
	IF (SELECT pending_changes FROM tagstore.posting_status) < 20 THEN
		RAISE EXCEPTION 'load: fewer than 20 pending changes';
	END IF;
	-- a fresh posting that pending changes correct, of a subtree large enough to be read
	SELECT count(DISTINCT p.tag_id) INTO n
	FROM tagstore.posted_tag p JOIN tagstore.tag a ON a.id = p.tag_id
	WHERE NOT p.stale
	  AND EXISTS (SELECT 1 FROM tagstore.posting_change c JOIN tagstore.tag t ON t.id = c.tag_id
				  WHERE t.key <@ a.key)
	  AND (SELECT count(*) FROM tagstore.tag t WHERE t.key <@ a.key) > 8;
	IF n < 1 THEN
		RAISE EXCEPTION 'load: no fresh posting of a large subtree with changes pending under it';
	END IF;
	IF (SELECT count(*) FROM tagstore.tag_tombstone) < 3 THEN
		RAISE EXCEPTION 'load: fewer than 3 tombstones';
	END IF;
	IF (SELECT count(DISTINCT operation) FROM (SELECT operation FROM tagstore.tag_revision
											   UNION ALL SELECT operation FROM tagstore.tag) o) < 5 THEN
		RAISE EXCEPTION 'load: tag revisions lack one of create, update, rename, move, delete';
	END IF;
	IF (SELECT count(DISTINCT operation) FROM (SELECT operation FROM tagstore.tagging_revision
											   UNION ALL SELECT operation FROM tagstore.tagging) o) < 3 THEN
		RAISE EXCEPTION 'load: tagging revisions lack one of tag, retag, untag';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM tagstore.tagging WHERE data IS NOT NULL AND operation = 'retag') THEN
		RAISE EXCEPTION 'load: no retagged tagging with data';
	END IF;
	IF (SELECT count(*) FROM tagstore.taxonomy WHERE free_form) < 1 THEN
		RAISE EXCEPTION 'load: no free-form taxonomy';
	END IF;
END $$;
SELECT * FROM tagstore.posting_status;

-- A user's objects built on the path functions with ltree's names, which
-- 1.1 moves from the extension's schema to the schema tagstore: a view and
-- an expression index must keep working (they hold the functions' OIDs,
-- which ALTER FUNCTION ... SET SCHEMA keeps; test/upgrade/answers.sql
-- asks them).
CREATE TABLE public.user_paths (p tagpath);
INSERT INTO public.user_paths
SELECT path FROM tagstore.tag UNION ALL SELECT 'x.y.z'::tagpath FROM generate_series(1, 300);
CREATE INDEX user_paths_nlevel ON public.user_paths (nlevel(p));
CREATE VIEW public.user_path_parts AS
SELECT p, nlevel(p) AS levels, subpath(p, 0, 1) AS root, subltree(p, 0, 1) AS root2,
	   index(p, 'animal') AS animal_at, lca(p, 'Biology.animal.mammal') AS common,
	   lca(ARRAY[p, 'Biology.plant']) AS common_with_plant
FROM public.user_paths WHERE p <> 'x.y.z';
