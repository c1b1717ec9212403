-- Revisions, optimistic concurrency, tagging data and tag search (the CMR
-- tagging design).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
CREATE SCHEMA rev;
SET search_path = rev, public;

-- the acting user: tagstore.actor when set, else session_user
SELECT tagstore.create_taxonomy('org.nasa.something', 'CMR namespace') IS NOT NULL AS created;
SET tagstore.actor = 'jgilman';
SELECT tagstore.current_actor();
SELECT tagstore.add_tag('org.nasa.something', 'quality', description => 'A very good tag', category => 'QA');
SELECT value, description, category, originator, revision FROM tagstore.tag WHERE value = 'quality';
RESET tagstore.actor;
SELECT tagstore.current_actor() = session_user AS defaults_to_session_user;
BEGIN;
SET LOCAL tagstore.actor = 'alice';		-- per request, as an application would
SELECT tagstore.update_tag('"org.nasa.something".quality', description => 'An even better tag');
COMMIT;
SELECT tagstore.current_actor() = session_user AS local_setting_ended;
SELECT originator, revision, description FROM tagstore.tag WHERE value = 'quality';

-- metadata is checked, naming the field
SELECT what, errcheck(stmt) FROM (VALUES
  ('empty description', $$SELECT tagstore.update_tag('"org.nasa.something".quality', description => '')$$),
  ('long description', $$SELECT tagstore.update_tag('"org.nasa.something".quality', description => repeat('d', 4001))$$),
  ('empty category', $$SELECT tagstore.update_tag('"org.nasa.something".quality', category => '')$$),
  ('long category', $$SELECT tagstore.update_tag('"org.nasa.something".quality', category => repeat('c', 1031))$$),
  ('control character', $$SELECT tagstore.update_tag('"org.nasa.something".quality', category => E'Q\tA')$$),
  ('category and clear', $$SELECT tagstore.update_tag('"org.nasa.something".quality', category => 'x', clear_category => true)$$),
  ('long description on add', $$SELECT tagstore.add_tag('org.nasa.something', 'x', description => repeat('d', 4001))$$),
  ('unknown tag', $$SELECT tagstore.update_tag('"org.nasa.something".nosuch', description => 'x')$$),
  ('NULL tag', $$SELECT tagstore.update_tag(NULL::tagpath, description => 'x')$$)) AS t(what, stmt);
-- a description may span lines; the longest values are accepted
SELECT tagstore.update_tag('"org.nasa.something".quality', description => E'line one\nline two') AS revision;
SELECT tagstore.update_tag('"org.nasa.something".quality', description => repeat('d', 4000),
                           category => repeat('c', 1030)) AS revision;
SELECT tagstore.update_tag('"org.nasa.something".quality', clear_category => true) AS revision;
SELECT category IS NULL AS category_cleared FROM tagstore.tag WHERE value = 'quality';

-- optimistic concurrency: a stale expected revision gets SQLSTATE TS409
SELECT tagstore.update_tag('"org.nasa.something".quality', description => 'fresh', expected_revision => 5) AS revision;
SELECT errcheck($$SELECT tagstore.update_tag('"org.nasa.something".quality', description => 'stale', expected_revision => 5)$$);
SELECT description FROM tagstore.tag WHERE value = 'quality';

-- history: every change, oldest first, with actor, operation and full state
SET tagstore.actor = 'history-test';
SELECT tagstore.add_tag('"org.nasa.something".quality.good');
SELECT tagstore.rename_tag('"org.nasa.something".quality', 'Quality');
SELECT tagstore.move_tag('"org.nasa.something".Quality.good', NULL);
SELECT revision, operation, actor = 'history-test' AS by_test, state ->> 'path' AS path,
       left(state ->> 'description', 20) AS description, (state ->> 'revision')::int = revision AS state_matches
FROM tagstore.tag_history('"org.nasa.something".quality');
SELECT revision, operation, state ->> 'path' AS path, state ->> 'parent' AS parent
FROM tagstore.tag_history('"org.nasa.something".good');
SELECT count(*) = 1 AS one_history_by_id
FROM tagstore.tag_history_by_id(tagstore.tag_id('"org.nasa.something".good')) WHERE operation = 'move';
SELECT errcheck($$SELECT * FROM tagstore.tag_history('"org.nasa.something".nosuch')$$);

-- renaming a taxonomy renames every tag, with a revision each
SELECT tagstore.rename_taxonomy('org.nasa.something', 'NASA');
SELECT revision, operation, state ->> 'path' AS path FROM tagstore.tag_history('NASA.quality')
WHERE operation = 'rename' ORDER BY revision DESC LIMIT 1;

-- tagging data: tagging again replaces it and bumps the revision
SELECT tagstore.add_tag_to('NASA.quality', 'collection', 'C1-PROV1', '{"score": 9, "by": "qa"}') AS revision;
SELECT * FROM tagstore.add_tag_to_many('NASA.quality', 'collection', ARRAY['C1-PROV1', 'C2-PROV2'], '{"score": 9, "by": "qa"}');
SELECT * FROM tagstore.add_tag_to_many('NASA.quality', 'collection', ARRAY['C1-PROV1', 'C2-PROV2', 'C3-PROV1'], '{"score": 7}');
SELECT * FROM tagstore.add_tag_to_many('NASA.quality', 'collection', ARRAY['C3-PROV1'], NULL);
SELECT tag, data, tagged_by, tagged_at IS NOT NULL AS has_time, revision
FROM tagstore.tags_of('collection', 'C3-PROV1');
SELECT tagstore.add_tag_to('NASA.good', 'collection', 'C3-PROV1', '{"score": 10}');
SELECT tag, data FROM tagstore.tags_of('collection', 'C3-PROV1', pattern => '*.good');
SELECT revision, operation, data FROM tagstore.tagging_history('NASA.quality', 'collection', 'C3-PROV1');
SELECT what, errcheck(stmt) FROM (VALUES
  ('data over 32 kB', $$SELECT tagstore.add_tag_to('NASA.quality', 'collection', 'C9', jsonb_build_object('x', repeat('x', 32768)))$$),
  ('bulk data over 32 kB', $$SELECT * FROM tagstore.add_tag_to_many('NASA.quality', 'collection', ARRAY['C9'], jsonb_build_object('x', repeat('x', 32768)))$$),
  ('empty bulk', $$SELECT * FROM tagstore.add_tag_to_many('NASA.quality', 'collection', '{}'::text[])$$),
  ('history of unknown tag', $$SELECT * FROM tagstore.tagging_history('NASA.nosuch', 'collection', 'C1')$$),
  ('history, NULL entity', $$SELECT * FROM tagstore.tagging_history('NASA.quality', NULL, 'C1')$$)) AS t(what, stmt);
SELECT tagstore.add_tag_to('NASA.quality', 'collection', 'C8', jsonb_build_object('x', repeat('x', 32700))) AS just_under_the_limit;

-- untagging leaves a tombstone revision; tagging again continues the numbers
SELECT * FROM tagstore.remove_tag_from_many('NASA.quality', 'collection', ARRAY['C2-PROV2', 'C404']);
SELECT tagstore.add_tag_to('NASA.quality', 'collection', 'C2-PROV2') AS revision_after_untag;
SELECT revision, operation, data FROM tagstore.tagging_history('NASA.quality', 'collection', 'C2-PROV2');

-- search by tagging data: composes with the other arguments, and uses the index
SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', '{"score": 7}');
SELECT * FROM tagstore.entities_with_tag_data('NASA', '{"score": 7}') AS taxonomy_is_no_tag;
SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', '{"score": 9}');
SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', '{"score": 7}', external_id_prefix => 'C3');
SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', '{"score": 7}', exclude => '{NASA.good}');
SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', '{"score": 7}', entity_type => 'granule');
SELECT * FROM tagstore.entities_with_tag_data_by_id(tagstore.tag_id('NASA.quality'), '{"by": "qa"}');
SELECT errcheck($$SELECT * FROM tagstore.entities_with_tag_data('NASA.quality', NULL)$$);
-- with many taggings and a selective filter, the search reads the GIN index
-- on tagging data (counted by the statistics views)
SELECT tagstore.add_tag('NASA', 'bulk') IS NOT NULL AS created;
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('NASA.bulk', 'granule',
  ARRAY(SELECT 'G' || g FROM generate_series(1, 20000) g), '{"score": 1}');
SELECT count(*) AS tagged FROM tagstore.add_tag_to_many('NASA.bulk', 'granule',
  ARRAY(SELECT 'G' || g FROM generate_series(1, 10) g), '{"score": 7, "rare": true}');
ANALYZE tagstore.tagging;
ANALYZE tagstore.tag;
SELECT pg_stat_force_next_flush();
SELECT coalesce(idx_scan, 0) AS data_scans_before FROM pg_stat_user_indexes
WHERE indexrelname = 'tagging_data_idx' \gset
SELECT count(*) AS rare FROM tagstore.entities_with_tag_data('NASA.bulk', '{"rare": true}');
SELECT pg_stat_force_next_flush();
SELECT idx_scan > :data_scans_before AS data_index_used FROM pg_stat_user_indexes
WHERE indexrelname = 'tagging_data_idx';
SELECT tagstore.remove_tag('NASA.bulk');

-- deleting a tag: it vanishes, its taggings go (each with a tombstone), its
-- history stays; creating it again reuses the id and continues revisions
SELECT tagstore.tag_id('NASA.quality') AS quality_id \gset
SELECT revision AS quality_revision FROM tagstore.tag WHERE id = :quality_id \gset
SET tagstore.actor = 'deleter';
SELECT tagstore.remove_tag('NASA.quality');
SELECT count(*) AS still_listed FROM tagstore.tags('NASA') WHERE value = 'quality';
SELECT count(*) AS still_found FROM tagstore.entities_with_all('{NASA.quality}');
SELECT count(*) AS still_searchable FROM tagstore.search_tags(value => 'quality');
SELECT operation, actor, (state ->> 'deleted')::boolean AS deleted, revision = :quality_revision + 1 AS next_revision
FROM tagstore.tag_history('NASA.quality') ORDER BY revision DESC LIMIT 1;
SELECT revision, operation, state ->> 'deleted' AS deleted FROM tagstore.tagging_history('NASA.quality', 'collection', 'C1-PROV1');
SELECT errcheck($$SELECT tagstore.remove_tag('NASA.quality')$$) AS deleted_twice;
SELECT errcheck($$SELECT tagstore.remove_tag('NASA.never')$$) AS unknown;
SELECT errcheck($$SELECT tagstore.add_tag_to('NASA.quality', 'collection', 'C1-PROV1')$$) AS tag_with_deleted;
SELECT errcheck(format('SELECT tagstore.tag_path(%s)', :quality_id)) LIKE '42704: tag with id % was deleted' AS deleted_id;
SET tagstore.actor = 'recreator';
SELECT tagstore.add_tag('NASA', 'QUALITY');
SELECT id = :quality_id AS same_id, revision = :quality_revision + 2 AS continues, originator, value
FROM tagstore.tag WHERE key = label_casefold('NASA.quality'::tagpath);
SELECT count(*) AS old_taggings_back FROM tagstore.entities_with_all('{NASA.quality}');
SELECT operation FROM tagstore.tag_history('NASA.quality') ORDER BY revision DESC LIMIT 3;

-- tag search: case-insensitive, wildcards with pattern, any of several values
SELECT tagstore.add_tag('NASA', 'quantity', category => 'QA', description => 'how many');
SELECT tagstore.create_taxonomy('gov.noaa') IS NOT NULL AS created;
SELECT tagstore.add_tag('gov.noaa', 'quality');
CREATE FUNCTION tags_found(filter text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
	EXECUTE 'SELECT coalesce(string_agg(tag::text, '', ''), ''(none)'') FROM tagstore.search_tags(' || filter || ')'
	INTO r;
	RETURN r;
END $$;
SELECT filter, tags_found(filter) FROM (VALUES
  ($$value => 'QUALITY'$$),
  ($$value => 'qua*', pattern => true$$),
  ($$value => 'qua?tity', pattern => true$$),
  ($$value => 'qua*'$$),
  ($$value => 'qua%', pattern => true$$),
  ($$taxonomy => 'nasa'$$),
  ($$any_taxonomy => ARRAY['nasa', 'GOV.NOAA'], value => 'quality'$$),
  ($$taxonomy => 'nasa', any_taxonomy => ARRAY['GOV.NOAA'], value => 'quality'$$),
  ($$any_value => ARRAY['quality', 'QUANTITY'], taxonomy => 'NASA'$$),
  ($$any_value => '{}'$$),
  ($$taxonomy => 'gov.*', pattern => true$$),
  ($$originator => 'RECREATOR'$$),
  ($$any_originator => ARRAY['recreator', 'history-test']$$)) AS t(filter);
SELECT (SELECT count(*) FROM tagstore.search_tags()) = (SELECT count(*) FROM tagstore.tag) AS no_filter_finds_all;
SELECT tag, taxonomy, value, category, description, originator, revision, direct_count, total_count
FROM tagstore.search_tags(taxonomy => 'NASA');
-- pageable, in name order
SELECT tag FROM tagstore.search_tags(taxonomy => 'NASA') LIMIT 2 OFFSET 1;
SELECT errcheck($$SELECT * FROM tagstore.search_tags(value => 42)$$) AS wrong_type,
	   errcheck($$SELECT * FROM tagstore.search_tags(value => ARRAY['quality'])$$) AS list_for_one,
	   errcheck($$SELECT * FROM tagstore.search_tags(any_value => ARRAY[ARRAY['quality']])$$) AS two_dimensions;

-- prune_history: keeps the last revisions, forgets old tombstones, never
-- touches live state
CREATE TEMP TABLE live_before AS
  SELECT (SELECT count(*) FROM tagstore.tag) AS tags, (SELECT count(*) FROM tagstore.tagging) AS taggings,
         (SELECT array_agg(path::text || ':' || revision ORDER BY key) FROM tagstore.tag) AS tag_state;
SELECT tagstore.prune_history(keep => 2, tombstones_older_than => '1 hour') > 0 AS pruned_some;
SELECT count(*) AS tags_with_more_than_2 FROM tagstore.tag t
WHERE (SELECT count(*) FROM tagstore.tag_history_by_id(t.id)) > 2;
SELECT count(*) AS latest_revisions_missing FROM tagstore.tag t
WHERE (SELECT max(revision) FROM tagstore.tag_history_by_id(t.id)) IS DISTINCT FROM t.revision;
SELECT count(*) AS taggings_with_more_than_2 FROM tagstore.tagging x
JOIN tagstore.entity e ON e.id = x.entity_id
WHERE (SELECT count(*) FROM tagstore.tagging_history_by_id(x.tag_id, e.entity_type, e.external_id)) > 2;
SELECT tagstore.remove_tag('"gov.noaa".quality');
SELECT tagstore.prune_history(keep => 2, tombstones_older_than => '0') > 0 AS pruned_tombstones;
SELECT count(*) AS noaa_tombstones FROM tagstore.tag_tombstone d
JOIN tagstore.taxonomy x ON x.id = d.taxonomy_id WHERE x.name = 'gov.noaa';
-- live state: what it was, less the one tag removed above
SELECT tags - 1 = (SELECT count(*) FROM tagstore.tag) AS tags_unchanged,
       taggings = (SELECT count(*) FROM tagstore.tagging) AS taggings_unchanged,
       array_remove(tag_state, '"gov.noaa".quality:1')
         = (SELECT array_agg(path::text || ':' || revision ORDER BY key) FROM tagstore.tag) AS state_unchanged
FROM live_before;
SELECT errcheck($$SELECT tagstore.prune_history(keep => 0)$$) AS keep_zero;
SELECT errcheck($$SELECT tagstore.prune_history(tombstones_older_than => '-1 day')$$) AS negative_interval;
RESET tagstore.actor;
