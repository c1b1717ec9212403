-- The tagstore API: the seed's walkthrough, then every function with its
-- rules and errors (each error shown with its SQLSTATE).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql

-- the walkthrough, as the seed writes it
SELECT tagstore.create_taxonomy('sizes', owner_id => '1') IS NOT NULL AS created;
SELECT tagstore.add_tag('sizes', 'small'), tagstore.add_tag('sizes', 'med'), tagstore.add_tag('sizes', 'large');
SELECT tagstore.create_taxonomy('Biology', owner_id => '1') IS NOT NULL AS created;
SELECT tagstore.add_tag('Biology', 'animal');
SELECT tagstore.add_tag('Biology', 'mammal', parent => 'Biology.animal');
SELECT tagstore.add_tag('Biology', 'canine', parent => 'Biology.animal.mammal');
SELECT tagstore.add_tag('Biology', 'fish', parent => 'Biology.animal');
SELECT tagstore.add_tag('Biology.plant.conifer.cypress');	-- mkdir -p
SELECT tagstore.add_tag('Biology.plant.conifer.pine');
SELECT tagstore.add_tag('Biology.plant.aster');
SELECT tagstore.add_tag_to(tag::tagpath, 'thing', entity) FROM (VALUES
  ('sizes.large', 'elephant'), ('Biology.animal.mammal', 'elephant'),
  ('sizes.med', 'dog'), ('Biology.animal.mammal.canine', 'dog'),
  ('sizes.small', 'dandelion'), ('Biology.plant.aster', 'dandelion'),
  ('sizes.large', 'redwood'), ('Biology.plant.conifer.cypress', 'redwood')) AS v(tag, entity);

CREATE FUNCTION found(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE 'SELECT coalesce(string_agg(external_id, '', '' ORDER BY external_id), ''(none)'') FROM ' || q INTO r;
	RETURN r;
END $$;
SELECT question, found(q) FROM (VALUES
  ('large animals', $$tagstore.entities_with_all('{sizes.large, Biology.animal}')$$),
  ('large', $$tagstore.entities_with_all('{sizes.large}')$$),
  ('plants', $$tagstore.entities_with_all('{Biology.plant}')$$),
  ('plant itself', $$tagstore.entities_with_all('{Biology.plant}', include_descendants => false)$$),
  ('fish', $$tagstore.entities_with_all('{Biology.animal.fish}')$$),
  ('conifers', $$tagstore.entities_with_all('{Biology.plant.conifer}')$$),
  ('animals', $$tagstore.entities_with_all('{Biology.animal}')$$),
  ('small plants', $$tagstore.entities_with_all('{Biology.plant, sizes.small}')$$),
  ('large nonthings', $$tagstore.entities_with_all('{sizes.large}', entity_type => 'nonthing')$$),
  ('small, prefix d', $$tagstore.entities_with_all('{sizes.small}', external_id_prefix => 'd')$$),
  ('fish or canine', $$tagstore.entities_with_any('{Biology.animal.fish, Biology.animal.mammal.canine}')$$),
  ('large, not plant', $$tagstore.entities_with_all('{sizes.large}', exclude => '{Biology.plant}')$$)) AS t(question, q);
SELECT tagstore.count_entities_with_all('{sizes.large}') AS large,
       tagstore.count_entities_with_all('{Biology}') AS a_taxonomy_is_no_tag,
       tagstore.count_entities_with_any('{Biology.plant, Biology.animal}') AS plants_or_animals,
       tagstore.count_entities_with_all('{sizes.large}', external_id_prefix => 'e') AS large_e;
SELECT * FROM tagstore.tree('Biology');
SELECT * FROM tagstore.tree('sizes');

-- names resolve case-insensitively; unknown tags match nothing
SELECT found($$tagstore.entities_with_all('{SIZES.Large, biology.ANIMAL}')$$) AS case_insensitive,
       found($$tagstore.entities_with_all('{sizes.gigantic}')$$) AS unknown_tag,
       found($$tagstore.entities_with_any('{sizes.gigantic, sizes.med}')$$) AS unknown_in_any,
       found($$tagstore.entities_with_all('{nosuch.taxonomy}')$$) AS unknown_taxonomy,
       found($$tagstore.entities_with_all('{sizes.large}', exclude => '{nosuch.tag}')$$) AS unknown_exclusion;
SELECT tag FROM tagstore.tags_of('thing', 'elephant');
SELECT found($$tagstore.entities_matching('*.mammal.*')$$) AS mammals,
       found($$tagstore.entities_matching('sizes.l*|s*')$$) AS large_or_small,
       found($$tagstore.entities_matching('*.CONIFER@.*', external_id_prefix => 'r')$$) AS conifers_r;

-- search arguments are checked
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{}')$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all(NULL)$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_any(ARRAY['sizes.large', NULL]::tagpath[])$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{{sizes.large}}')$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{sizes.large}', exclude => ARRAY[NULL]::tagpath[])$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{sizes.large}', include_descendants => NULL)$$);
SELECT errcheck($$SELECT * FROM tagstore.entities_matching(NULL)$$);

-- taxonomies
SELECT name, description, owner_id, free_form, tag_count FROM tagstore.taxonomies;
SELECT errcheck($$SELECT tagstore.create_taxonomy('SIZES')$$) AS duplicate_name;
SELECT errcheck($$SELECT tagstore.create_taxonomy(NULL)$$) AS null_name;
SELECT errcheck($$SELECT tagstore.create_taxonomy('')$$) AS empty_name;
SELECT errcheck($$SELECT tagstore.create_taxonomy(' padded')$$) AS padded_name;
SELECT errcheck($$SELECT tagstore.create_taxonomy(E'tab\there')$$) AS control_char;
SELECT errcheck($$SELECT tagstore.create_taxonomy(repeat('x', 4097))$$) AS too_long;
SELECT errcheck($$SELECT tagstore.create_taxonomy('x', free_form => NULL)$$) AS null_flag;
SELECT errcheck($$SELECT tagstore.rename_taxonomy('nosuch', 'x')$$) AS unknown;
SELECT errcheck($$SELECT tagstore.rename_taxonomy('sizes', 'biology')$$) AS rename_onto_other;
SELECT tagstore.create_taxonomy('org.nasa.something', 'CMR namespace', free_form => true) IS NOT NULL AS dotted_name;
SELECT tagstore.add_tag('org.nasa.something', 'quality');
SELECT tagstore.rename_taxonomy('ORG.NASA.SOMETHING', 'org.nasa.other');
SELECT tag FROM tagstore.tags('org.nasa.other');
SELECT tagstore.rename_taxonomy('org.nasa.other', 'ORG.nasa.other');	-- a change of case only
SELECT name FROM tagstore.taxonomies WHERE name ILIKE 'org%';
SELECT tagstore.drop_taxonomy('org.nasa.other');
SELECT errcheck($$SELECT tagstore.drop_taxonomy('org.nasa.other')$$) AS dropped;
SELECT count(*) AS orphan_tags FROM tagstore.tag g WHERE NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id);

-- tags: idempotent, case-preserving, siblings unique case-insensitively
SELECT tagstore.add_tag('sizes', 'large') AS again, tagstore.add_tag('sizes', 'LARGE') AS other_case;
SELECT tagstore.add_tag('Biology', 'Testing'), tagstore.add_tag('Biology', 'testing');
SELECT tagstore.add_tag('Biology', 'large', 'Biology.animal') AS same_value_other_parent;
-- values are stored in NFC: a decomposed é names the same tag as a precomposed one
SELECT tagstore.add_tag('Biology', U&'cafe\0301') = tagstore.add_tag('Biology', U&'caf\00e9') AS nfc;
SELECT count(*) AS stored_precomposed FROM tagstore.tag WHERE value = U&'caf\00e9';
SELECT tagstore.add_tag('Biology', 'accepted/approved', external_id => 'x-1', description => 'slash');
SELECT path, value, external_id, description FROM tagstore.tag WHERE value = 'accepted/approved';
SELECT tagstore.add_tag('Biology', 'St. John''s wort', 'Biology.plant');
SELECT labels(tagstore.add_tag('Biology', 'St. John''s wort', 'Biology.plant'));

SELECT what, errcheck(stmt) FROM (VALUES
  ('unknown taxonomy', $$SELECT tagstore.add_tag('nosuch', 'x')$$),
  ('unknown parent', $$SELECT tagstore.add_tag('Biology', 'x', 'Biology.nosuch')$$),
  ('parent in another taxonomy', $$SELECT tagstore.add_tag('Biology', 'x', 'sizes.large')$$),
  ('parent that is no tag', $$SELECT tagstore.add_tag('Biology', 'x', 'Biology')$$),
  ('NULL taxonomy', $$SELECT tagstore.add_tag(NULL, 'x')$$),
  ('NULL value', $$SELECT tagstore.add_tag('Biology', NULL)$$),
  ('empty value', $$SELECT tagstore.add_tag('Biology', '')$$),
  ('trailing space', $$SELECT tagstore.add_tag('Biology', 'x ')$$),
  ('leading nbsp', $$SELECT tagstore.add_tag('Biology', U&'\00A0x')$$),
  ('control character', $$SELECT tagstore.add_tag('Biology', E'a\nb')$$),
  ('NULL path', $$SELECT tagstore.add_tag(NULL::tagpath)$$),
  ('path without tag', $$SELECT tagstore.add_tag('Biology'::tagpath)$$),
  ('path, unknown taxonomy', $$SELECT tagstore.add_tag('nosuch.a.b'::tagpath)$$)) AS t(what, stmt);

-- rename and move: descendants and taggings follow at once
SELECT tagstore.rename_tag('Biology.animal', 'Animalia');
SELECT tag, total_count FROM tagstore.tags('Biology') WHERE tag <@ 'Biology.Animalia';
SELECT found($$tagstore.entities_with_all('{sizes.large, biology.animalia}')$$) AS after_rename,
       found($$tagstore.entities_with_all('{Biology.animal}')$$) AS old_name;
SELECT tagstore.rename_tag('Biology.Animalia', 'animal');	-- back, and a case change is allowed:
SELECT tagstore.rename_tag('Biology.animal.fish', 'Fish');
SELECT tagstore.move_tag('Biology.animal.mammal.canine', 'Biology.animal');
SELECT found($$tagstore.entities_with_all('{Biology.animal.mammal}')$$) AS mammals_after_move,
       found($$tagstore.entities_with_all('{Biology.animal.canine}')$$) AS canines_after_move;
SELECT tagstore.move_tag('Biology.animal.canine', 'Biology.animal.mammal');
SELECT tagstore.move_tag('Biology.plant.conifer', NULL) AS to_root;
SELECT found($$tagstore.entities_with_all('{Biology.plant}')$$) AS plants_without_conifers;
SELECT tagstore.move_tag('Biology.conifer', 'Biology.plant');
SELECT what, errcheck(stmt) FROM (VALUES
  ('rename onto a sibling', $$SELECT tagstore.rename_tag('Biology.animal.fish', 'mammal')$$),
  ('rename to a bad value', $$SELECT tagstore.rename_tag('Biology.animal.fish', ' fish')$$),
  ('rename unknown', $$SELECT tagstore.rename_tag('Biology.nosuch', 'x')$$),
  ('move under itself', $$SELECT tagstore.move_tag('Biology.animal', 'Biology.animal')$$),
  ('move under a descendant', $$SELECT tagstore.move_tag('Biology.animal', 'Biology.animal.mammal.canine')$$),
  ('move to another taxonomy', $$SELECT tagstore.move_tag('Biology.animal', 'sizes.large')$$),
  ('move onto a sibling name', $$SELECT tagstore.move_tag(tagstore.add_tag('Biology', 'FISH'), 'Biology.animal')$$),
  ('move unknown', $$SELECT tagstore.move_tag('Biology.nosuch', NULL)$$),
  ('move, unknown parent', $$SELECT tagstore.move_tag('Biology.animal', 'Biology.nosuch')$$)) AS t(what, stmt);
SELECT * FROM tagstore.tree('Biology');

-- remove: children need cascade; the subtree's taggings go with it
SELECT errcheck($$SELECT tagstore.remove_tag('Biology.plant')$$) AS has_children;
SELECT tagstore.add_tag_to('Biology.plant.conifer.pine', 'thing', 'pine-1');
SELECT tagstore.remove_tag('Biology.plant.conifer', cascade => true);
SELECT tag FROM tagstore.tags('Biology') WHERE tag <@ 'Biology.plant';
SELECT (SELECT array_agg(tag) FROM tagstore.tags_of('thing', 'redwood')) AS redwood_keeps,
       (SELECT array_agg(tag) FROM tagstore.tags_of('thing', 'pine-1')) AS pine_keeps;
SELECT count(*) AS dangling_taggings FROM tagstore.tagging x WHERE NOT EXISTS (SELECT 1 FROM tagstore.tag g WHERE g.id = x.tag_id);
SELECT errcheck($$SELECT tagstore.remove_tag('Biology.plant.conifer')$$) AS removed_twice;
SELECT tagstore.remove_tag('Biology.Testing');

-- tagging: idempotent, bulk with statuses, free-form taxonomies create tags
SELECT tagstore.add_tag_to('sizes.large', 'thing', 'elephant');		-- again: nothing changes
SELECT count(*) AS elephant_taggings FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
WHERE e.external_id = 'elephant';
SELECT * FROM tagstore.add_tag_to_many('sizes.small', 'thing', ARRAY['mouse', 'ant', 'dandelion', 'ant']);
SELECT * FROM tagstore.remove_tag_from_many('sizes.small', 'thing', ARRAY['ant', 'whale']);
SELECT tagstore.remove_tag_from('sizes.small', 'thing', 'mouse');
SELECT tagstore.remove_tag_from('sizes.small', 'thing', 'mouse');		-- again: nothing to do
SELECT found($$tagstore.entities_with_all('{sizes.small}')$$) AS small_now;
SELECT tagstore.create_taxonomy('keywords', free_form => true) IS NOT NULL AS free_form;
SELECT tagstore.add_tag_to('keywords.Striped', 'thing', 'zebra');
SELECT * FROM tagstore.add_tag_to_many('keywords.striped', 'thing', ARRAY['tiger', 'zebra']);
SELECT tag, direct_count FROM tagstore.tags('keywords');
SELECT what, errcheck(stmt) FROM (VALUES
  ('closed taxonomy, unknown tag', $$SELECT tagstore.add_tag_to('sizes.gigantic', 'thing', 'x')$$),
  ('free-form, deeper unknown tag', $$SELECT tagstore.add_tag_to('keywords.a.b', 'thing', 'x')$$),
  ('unknown taxonomy', $$SELECT tagstore.add_tag_to('nosuch.x', 'thing', 'x')$$),
  ('NULL tag', $$SELECT tagstore.add_tag_to(NULL::tagpath, 'thing', 'x')$$),
  ('NULL entity type', $$SELECT tagstore.add_tag_to('sizes.large', NULL, 'x')$$),
  ('empty entity type', $$SELECT tagstore.add_tag_to('sizes.large', '', 'x')$$),
  ('NULL external id', $$SELECT tagstore.add_tag_to('sizes.large', 'thing', NULL::text)$$),
  ('empty bulk', $$SELECT * FROM tagstore.add_tag_to_many('sizes.large', 'thing', '{}'::text[])$$),
  ('NULL in bulk', $$SELECT * FROM tagstore.add_tag_to_many('sizes.large', 'thing', ARRAY['a', NULL])$$),
  ('untag unknown tag', $$SELECT tagstore.remove_tag_from('sizes.gigantic', 'thing', 'x')$$),
  ('empty bulk untag', $$SELECT * FROM tagstore.remove_tag_from_many('sizes.large', 'thing', '{}'::text[])$$),
  ('tags_of NULL', $$SELECT tagstore.tags_of(NULL, 'x')$$)) AS t(what, stmt);

-- every function that takes a tag also takes its id
SELECT tagstore.tag_id('sizes.med') = (SELECT id FROM tagstore.tag WHERE path = 'sizes.med') AS tag_id;
SELECT tagstore.tag_path(tagstore.tag_id('SIZES.MED'));
SELECT tagstore.add_tag_by_id('sizes', 'tiny', tagstore.tag_id('sizes.small'));
SELECT tagstore.rename_tag_by_id(tagstore.tag_id('sizes.small.tiny'), 'Tiny');
SELECT tagstore.move_tag_by_id(tagstore.tag_id('sizes.small.Tiny'), NULL);
SELECT tagstore.move_tag_by_id(tagstore.tag_id('sizes.Tiny'), tagstore.tag_id('sizes.small'));
SELECT tagstore.add_tag_to_by_id(tagstore.tag_id('sizes.small.Tiny'), 'thing', 'flea');
SELECT * FROM tagstore.add_tag_to_many_by_id(tagstore.tag_id('sizes.small.Tiny'), 'thing', ARRAY['flea', 'mite']);
SELECT tagstore.remove_tag_from_by_id(tagstore.tag_id('sizes.small.Tiny'), 'thing', 'flea');
SELECT * FROM tagstore.remove_tag_from_many_by_id(tagstore.tag_id('sizes.small.Tiny'), 'thing', ARRAY['mite']);
SELECT tagstore.remove_tag_by_id(tagstore.tag_id('sizes.small.Tiny'));
SELECT errcheck($$SELECT tagstore.remove_tag_by_id(-1::bigint)$$) AS unknown_id;
SELECT errcheck($$SELECT tagstore.tag_path(NULL)$$) AS null_id;

-- browsing: depth-first, siblings in case-insensitive order; autocomplete
SELECT tagstore.add_tag('Biology', 'Zebrafish', 'Biology.animal.Fish'), tagstore.add_tag('Biology', 'angelfish', 'Biology.animal.Fish');
SELECT * FROM tagstore.tags('Biology');
SELECT * FROM tagstore.find_tags('BIOLOGY', 'FISH');
SELECT * FROM tagstore.find_tags('Biology', 'nothing like it');
SELECT errcheck($$SELECT * FROM tagstore.tags('nosuch')$$) AS unknown_taxonomy;
SELECT errcheck($$SELECT * FROM tagstore.find_tags('Biology', NULL)$$) AS null_search;

-- every function of the extension is documented for \df+
SELECT p.oid::regprocedure AS undocumented
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'tagstore'
WHERE obj_description(p.oid, 'pg_proc') IS NULL;

-- the search reads tagging's index directly, but still checks privileges:
-- a role that may read tags but not taggings gets 42501
CREATE ROLE tagstore_outsider;
GRANT USAGE ON SCHEMA tagstore TO tagstore_outsider;
GRANT SELECT ON tagstore.tag TO tagstore_outsider;
SET ROLE tagstore_outsider;
SELECT errcheck($$SELECT * FROM tagstore.entities_with_all('{sizes.large}')$$) AS outsider;
RESET ROLE;
REVOKE ALL ON tagstore.tag FROM tagstore_outsider;
REVOKE ALL ON SCHEMA tagstore FROM tagstore_outsider;
DROP ROLE tagstore_outsider;
