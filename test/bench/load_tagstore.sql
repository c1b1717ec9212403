-- Loads bench.raw_tags and bench.raw_taggings into tagstore (names from
-- bench.chain) and builds the closure postings: used by load.sql and
-- shapes_load.sql.
\echo loading tagstore
-- exactly the rows the API would write (a bulk import), without the call overhead
SELECT count(tagstore.create_taxonomy(taxonomy)) FROM (SELECT DISTINCT taxonomy FROM raw_tags) s;
INSERT INTO tagstore.tag (id, taxonomy_id, parent_id, value, path, key, originator, actor)
SELECT r.id, x.id, nullif(r.parent, 0), r.value, c.path, label_casefold(c.path), 'bench', 'bench'
FROM raw_tags r JOIN chain c USING (id)
JOIN tagstore.taxonomy x ON x.name = r.taxonomy
ORDER BY r.id;
SELECT setval(pg_get_serial_sequence('tagstore.tag', 'id'), (SELECT max(id) FROM tagstore.tag));
INSERT INTO tagstore.entity (id, entity_type, external_id)
SELECT DISTINCT entity, entity_type, external_id FROM raw_taggings ORDER BY entity;
SELECT setval(pg_get_serial_sequence('tagstore.entity', 'id'), (SELECT max(id) FROM tagstore.entity));
-- a bulk load may skip the change log, since a full refresh follows
ALTER TABLE tagstore.tagging DISABLE TRIGGER tagging_changed;
INSERT INTO tagstore.tagging (tag_id, entity_id, tagged_by)
SELECT tag, entity, 'bench' FROM raw_taggings ORDER BY entity, tag;
ALTER TABLE tagstore.tagging ENABLE TRIGGER tagging_changed;
SELECT clock_timestamp() AS t0 \gset
SELECT tagstore.refresh_postings(rebuild => true);
\echo closure postings built in
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz), 1) AS seconds,
	   (SELECT count(*) FROM tagstore.posted_tag) AS "posted tags";
