-- Writes after ALTER EXTENSION UPDATE, one round of each kind: tags added,
-- taggings new (the C path and the SQL path, single and bulk, with data,
-- in a free-form taxonomy), retagged and removed, tags removed (with their
-- taggings) and created again, subtrees moved and renamed, a taxonomy
-- renamed, a tag updated with its expected revision.  Run three times with
-- -v round=1, 2, 3; each round touches other tags.  Errors stop it (the
-- test reports them); the DO blocks check what each write returned.
-- Only version 1.0's API is used.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET tagstore.actor = 'after the update';
SET upgrade.round = :'round';

SELECT tagstore.create_taxonomy('Round ' || :'round', 'written after the update') IS NOT NULL AS created;
SELECT tagstore.add_tag(('"Round ' || :'round' || '".a.b.c')::tagpath);
SELECT tagstore.add_tag('Round ' || :'round', 'd', parent => ('"Round ' || :'round' || '".a')::tagpath);
SELECT tagstore.add_tag('Biology', 'new' || :'round', parent => 'Biology.animal.vertebrate.mammal',
						description => 'added after the update');

DO $$
DECLARE
	r int := current_setting('upgrade.round')::int;
	rev int;
	prev int;
	n int;
BEGIN
	-- new taggings, one by one (the C path: no data)
	FOR e IN 1 .. 60 LOOP
		rev := tagstore.add_tag_to(('Biology.animal.vertebrate.mammal.new' || r)::tagpath,
								   CASE WHEN e % 4 = 0 THEN 'doc' ELSE 'thing' END, 'e' || (e * 3 + r));
		IF rev IS DISTINCT FROM 1 THEN
			RAISE EXCEPTION 'a new tagging has revision %, not 1', rev;
		END IF;
	END LOOP;
	-- under posted tags, and new entities
	FOR e IN 1 .. 15 LOOP
		PERFORM tagstore.add_tag_to('Biology.plant.tree.oak', 'thing', 'w' || r || '-' || e);
		PERFORM tagstore.add_tag_to('sizes.small', 'doc', 'w' || r || '-' || e, jsonb_build_object('round', r, 'e', e));
	END LOOP;
	-- bulk, with data, some already tagged
	SELECT count(*) INTO n FROM tagstore.add_tag_to_many(('"Round ' || r || '".a.b')::tagpath, 'thing',
		ARRAY['e1', 'e2', 'e3', 'e1'], '{"bulk": true}') x WHERE x.status = 'tagged';
	IF n <> 3 THEN
		RAISE EXCEPTION 'bulk tagging tagged % entities, not 3', n;
	END IF;
	-- free-form: the tag comes with the tagging
	PERFORM tagstore.add_tag_to(('Colour.shade' || r)::tagpath, 'thing', 'e' || r);
	IF NOT EXISTS (SELECT 1 FROM tagstore.tags('Colour') WHERE value = 'shade' || r) THEN
		RAISE EXCEPTION 'free-form tagging created no tag';
	END IF;

	-- retagging: new data, a new revision
	SELECT x.revision INTO prev FROM tagstore.tags_of('thing', 'e2') x WHERE x.tag = 'sizes.large';
	rev := tagstore.add_tag_to('sizes.large', 'thing', 'e2', jsonb_build_object('round', r));
	IF rev IS DISTINCT FROM coalesce(prev, 0) + 1 THEN
		RAISE EXCEPTION 'retagging gave revision %, after %', rev, prev;
	END IF;
	IF (SELECT x.data FROM tagstore.tags_of('thing', 'e2') x WHERE x.tag = 'sizes.large')
		IS DISTINCT FROM jsonb_build_object('round', r) THEN
		RAISE EXCEPTION 'retagging did not replace the data';
	END IF;
	SELECT count(*) INTO n FROM tagstore.add_tag_to_many('sizes.large', 'thing', ARRAY['e2', 'e7'], jsonb_build_object('bulk', 'retag', 'round', r)) x
	WHERE x.status IN ('retagged', 'tagged');
	IF n <> 2 THEN
		RAISE EXCEPTION 'bulk retagging changed % taggings, not 2', n;
	END IF;

	-- untagging, one and in bulk
	rev := tagstore.remove_tag_from(('Biology.animal.vertebrate.mammal.new' || r)::tagpath, 'thing', 'e' || (3 + r));
	IF rev IS NULL THEN
		RAISE EXCEPTION 'untagging found no tagging';
	END IF;
	SELECT count(*) INTO n FROM tagstore.remove_tag_from_many('Biology.plant.tree.oak', 'thing',
		ARRAY['w' || r || '-1', 'w' || r || '-2', 'nobody']) x WHERE x.status = 'untagged';
	IF n <> 2 THEN
		RAISE EXCEPTION 'bulk untagging untagged % taggings, not 2', n;
	END IF;
	IF EXISTS (SELECT 1 FROM tagstore.entities_with_all(ARRAY['Biology.plant.tree.oak'::tagpath], 'thing', 'w' || r || '-1') e
			   WHERE e.external_id = 'w' || r || '-1') THEN
		RAISE EXCEPTION 'an untagged entity is still found';
	END IF;
END $$;

-- a tag with taggings removed (tombstones), created again and tagged again
SELECT tagstore.add_tag('Biology', 'gone' || :'round', parent => 'Biology.plant.flower');
SELECT count(*) FROM tagstore.add_tag_to_many(('Biology.plant.flower.gone' || :'round')::tagpath, 'thing',
											 ARRAY['e10', 'e11', 'e12']);
SELECT tagstore.remove_tag(('Biology.plant.flower.gone' || :'round')::tagpath);
SELECT tagstore.add_tag('Biology', 'gone' || :'round', parent => 'Biology.plant.flower');
SELECT tagstore.add_tag_to(('Biology.plant.flower.gone' || :'round')::tagpath, 'thing', 'e12');
-- a tag of the loaded data removed, with its subtree and taggings
SELECT tagstore.remove_tag((ARRAY['Biology.animal.fish', 'Biology.plant.flower.rose',
								  'Biology.Fungi.mushroom'])[:'round']::tagpath, cascade => true);
-- moves (the old and new parents' postings go stale) and renames
SELECT tagstore.move_tag((ARRAY['Biology.animal.vertebrate.mammal.primate', 'Biology.plant.tree.birch',
								'Biology.animal.vertebrate.songbird'])[:'round']::tagpath,
						 (ARRAY['Biology.animal', 'Biology.plant.flower', 'Biology.animal.bird'])[:'round']::tagpath);
SELECT tagstore.move_tag(('"Round ' || :'round' || '".a.b')::tagpath, NULL);
SELECT tagstore.rename_tag(('Biology.animal.vertebrate.mammal.new' || :'round')::tagpath, 'Renamed ' || :'round');
SELECT tagstore.rename_taxonomy('Round ' || :'round', 'Round ' || :'round' || ' renamed');
SELECT tagstore.update_tag('Biology.animal.bird', description => 'round ' || :'round',
	expected_revision => (SELECT max(revision) FROM tagstore.tag_history('Biology.animal.bird')));

DO $$
DECLARE
	r int := current_setting('upgrade.round')::int;
BEGIN
	IF (SELECT pending_changes FROM tagstore.posting_status) = 0 THEN
		RAISE EXCEPTION 'no tagging change pending after the writes';
	END IF;
	IF (SELECT stale_tags FROM tagstore.posting_status) = 0 THEN
		RAISE EXCEPTION 'no posting stale after the moves';
	END IF;
	IF (SELECT count(*) FROM tagstore.tags_of('thing', 'e12') WHERE tag = ('Biology.plant.flower.gone' || r)::tagpath) <> 1
	   OR (SELECT count(*) FROM tagstore.tag_history(('Biology.plant.flower.gone' || r)::tagpath)) <> 3 THEN
		RAISE EXCEPTION 'a tag removed and created again has the wrong taggings or history';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM tagstore.tag WHERE path = ('"Round ' || r || ' renamed".b')::tagpath) THEN
		RAISE EXCEPTION 'the moved and renamed subtree is not where it should be';
	END IF;
END $$;
