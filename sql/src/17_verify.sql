-- Section 17: verify.
--
-- tagstore.verify() checks what tagstore derives from what it stores, and
-- what its code relies on, and returns one row per problem found (none on a
-- sound database).  It only reads, in one snapshot, in time linear in the
-- data: each check is one pass or a hash join over its tables, and the
-- closure postings are checked by _verify_postings (C, src/engine/verify.c)
-- against the taggings in one pass over the tags in key order.
--
-- The problems (column problem), with what tag_id names:
--   posting_missing, posting_extra  a fresh posted tag's posting, corrected
--                                   by the pending changes as searches read
--                                   it, lacks entities tagged in its subtree,
--                                   or holds others
--   posting_count                   posted_tag.entities is not the number of
--                                   entities its stored posting holds
--   posting_chunk_damaged           a chunk that does not decode
--   posting_chunk_duplicate         a chunk stored twice
--   posting_orphan                  posting rows of a tag not in posted_tag
--   posted_tag_orphan               a posted_tag row of a tag that does not exist
--   tagging_count                   tagging_count's taggings of a tag that no
--                                   pending change names are not its taggings
--   null_value                      a NULL where tagstore needs a value (a
--                                   NOT NULL constraint dropped); tag_id is
--                                   the tag's for tag and posted_tag rows
--   taxonomy_key                    name_key is not the name case-folded
--                                   (tag_id NULL; the detail names it)
--   tag_taxonomy, tag_parent        a tag's taxonomy or parent does not
--                                   exist, or its parent is in another taxonomy
--   tag_path                        path is not the parent's path and the
--                                   value (at the root: the taxonomy's name
--                                   and the value)
--   tag_key                         key is not the path case-folded
--   tag_revision                    a live tag's revision is not after its
--                                   archived ones, or a tombstone's is before
--                                   them (the next change would fail)
--   tag_tombstone                   a live tag that also has a tombstone
--   tombstone_taxonomy              a tombstone's taxonomy does not exist
--                                   (tag_id is the deleted tag's)
--   grant_taxonomy                  a taxonomy_grant row of a taxonomy that
--                                   does not exist (tag_id NULL; the detail
--                                   names it and the grantee)
--   grant_role                      a taxonomy_grant row of a role that no
--                                   longer exists (DROP ROLE leaves its
--                                   grants; tag_id NULL)
--   tagging_revision                a tagging's revision is not after its
--                                   archived ones
--   tagging_orphan                  taggings of a tag or an entity that does
--                                   not exist
--   sequence                        the id the next add_tag or new entity
--                                   would take is taken
--
-- The orphans (a row naming a taxonomy, tag, entity or posted tag that
-- does not exist: tag_taxonomy, tag_parent, tombstone_taxonomy,
-- grant_taxonomy, tagging_orphan, posted_tag_orphan, posting_orphan) are what foreign keys
-- would refuse; tagstore's tables have none (section 06 says why), so a
-- direct write can make them, and a delete with its triggers bypassed
-- (session_replication_role = replica) leaves them.
--
-- Not problems: posting_change rows naming a tag or entity that no longer
-- exists (deletes leave them until the next refresh), stale postings (they
-- are not read), and history pruned by prune_history.
--
-- refresh_postings(rebuild => true) repairs every posting_*,
-- posted_tag_orphan and tagging_count problem, and NULLs in posting_change
-- and posted_tag: it counts every tag and rewrites every posting from the
-- taggings.  The others need the rows
-- fixed by hand (see the README's Troubleshooting).
--
-- verify() reads every table of tagstore, so it is not for PUBLIC: the
-- extension's owner may grant EXECUTE on it, with SELECT on the tables
-- (it runs with the caller's rights), and on _verify_postings, which it
-- calls; as the only internal functions left, that one is not for PUBLIC
-- either, and it checks the caller's SELECT privilege on each table it
-- reads itself.

CREATE FUNCTION tagstore._verify_postings()
RETURNS TABLE (tag_id bigint, problem text, detail text)
	AS 'MODULE_PATHNAME', 'tagstore_verify_postings' LANGUAGE C STABLE;
COMMENT ON FUNCTION tagstore._verify_postings() IS
	'internal: the closure postings checked against the taggings, for verify() (C)';
REVOKE ALL ON FUNCTION tagstore._verify_postings() FROM PUBLIC;

CREATE FUNCTION tagstore.verify()
RETURNS TABLE (tag @extschema@.tagpath, tag_id bigint, problem text, detail text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
WITH problems (tag_id, problem, detail) AS (
	SELECT v.tag_id, v.problem, v.detail FROM tagstore._verify_postings() v

	-- posted tags of tags that do not exist
	UNION ALL
	SELECT p.tag_id, 'posted_tag_orphan', 'tagstore.posted_tag holds a tag id that tagstore.tag does not'
	FROM tagstore.posted_tag p
	WHERE NOT EXISTS (SELECT FROM tagstore.tag t WHERE t.id = p.tag_id)

	-- each tag's taggings as refresh_postings last counted them: exact for
	-- the tags that no pending change names (empty: never counted)
	UNION ALL
	SELECT coalesce(c.tag_id, g.tag_id), 'tagging_count',
		   format('tagstore.tagging_count counts %s, tagstore.tagging holds %s taggings of the tag',
				  coalesce(c.taggings, 0), coalesce(g.n, 0))
	FROM tagstore.tagging_count c
	FULL JOIN (SELECT x.tag_id, count(*) AS n FROM tagstore.tagging x GROUP BY x.tag_id) g
		ON g.tag_id = c.tag_id
	WHERE c.taggings IS DISTINCT FROM g.n
	  AND (c.tag_id IS NOT NULL OR EXISTS (SELECT FROM tagstore.tag t WHERE t.id = g.tag_id))
	  AND EXISTS (SELECT FROM tagstore.tagging_count)
	  AND NOT EXISTS (SELECT FROM tagstore.posting_change x
					  WHERE x.tag_id = coalesce(c.tag_id, g.tag_id))

	-- NULLs where tagstore needs a value: per row for tags and posted tags,
	-- counted for the other tables
	UNION ALL
	SELECT t.id, 'null_value', format('tagstore.tag.%s is NULL', c.col)
	FROM tagstore.tag t,
		 LATERAL (VALUES ('taxonomy_id', t.taxonomy_id IS NULL), ('value', t.value IS NULL),
						 ('path', t.path IS NULL), ('key', t.key IS NULL),
						 ('revision', t.revision IS NULL)) c(col, is_null)
	WHERE c.is_null
	UNION ALL
	SELECT p.tag_id, 'null_value', 'tagstore.posted_tag.stale is NULL'
	FROM tagstore.posted_tag p WHERE p.stale IS NULL
	UNION ALL
	SELECT NULL, 'null_value', format('tagstore.%s.%s is NULL in %s', c.tab, c.col,
									  CASE WHEN c.n = 1 THEN '1 row' ELSE c.n || ' rows' END)
	FROM (SELECT count(*) FILTER (WHERE name IS NULL) AS name,
				 count(*) FILTER (WHERE name_key IS NULL) AS name_key
		  FROM tagstore.taxonomy) x,
		 (SELECT count(*) FILTER (WHERE entity_type IS NULL) AS entity_type,
				 count(*) FILTER (WHERE external_id IS NULL) AS external_id
		  FROM tagstore.entity) e,
		 (SELECT count(*) FILTER (WHERE revision IS NULL) AS revision FROM tagstore.tagging) g,
		 (SELECT count(*) FILTER (WHERE key IS NULL) AS key,
				 count(*) FILTER (WHERE revision IS NULL) AS revision
		  FROM tagstore.tag_tombstone) d,
		 (SELECT count(*) FILTER (WHERE tag_id IS NULL) AS tag_id,
				 count(*) FILTER (WHERE entity_id IS NULL) AS entity_id
		  FROM tagstore.posting_change) c0,
		 LATERAL (VALUES ('taxonomy', 'name', x.name), ('taxonomy', 'name_key', x.name_key),
						 ('entity', 'entity_type', e.entity_type),
						 ('entity', 'external_id', e.external_id),
						 ('tagging', 'revision', g.revision),
						 ('tag_tombstone', 'key', d.key), ('tag_tombstone', 'revision', d.revision),
						 ('posting_change', 'tag_id', c0.tag_id),
						 ('posting_change', 'entity_id', c0.entity_id)) c(tab, col, n)
	WHERE c.n > 0

	-- names: a taxonomy's key, a tag's taxonomy and parent, path and key
	UNION ALL
	SELECT NULL, 'taxonomy_key',
		   format('taxonomy %s: name_key is %s, its name case-folded is %s',
				  quote_literal(x.name), quote_literal(x.name_key), quote_literal(label_casefold(x.name)))
	FROM tagstore.taxonomy x
	WHERE x.name_key IS DISTINCT FROM label_casefold(x.name) AND x.name IS NOT NULL
	UNION ALL
	SELECT NULL, 'grant_taxonomy',
		   format('taxonomy_grant of %s to %s: its taxonomy_id names no taxonomy', g.privilege,
				  CASE WHEN g.grantee::oid = 0 THEN 'PUBLIC' ELSE g.grantee::text END)
		   || format(' (%s)', g.taxonomy_id)
	FROM tagstore.taxonomy_grant g
	WHERE NOT EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id)
	UNION ALL
	SELECT NULL, 'grant_role',
		   format('taxonomy_grant of %s on %s to role %s: no such role', g.privilege,
				  coalesce(quote_literal(x.name), g.taxonomy_id::text), g.grantee::oid)
	FROM tagstore.taxonomy_grant g LEFT JOIN tagstore.taxonomy x ON x.id = g.taxonomy_id
	WHERE g.grantee::oid <> 0 AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.oid = g.grantee::oid)	UNION ALL
	SELECT t.id, 'tag_taxonomy', format('its taxonomy_id %s names no taxonomy', t.taxonomy_id)
	FROM tagstore.tag t
	WHERE t.taxonomy_id IS NOT NULL
	  AND NOT EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id)
	UNION ALL
	SELECT t.id, 'tag_parent',
		   CASE WHEN p.id IS NULL THEN format('its parent_id %s names no tag', t.parent_id)
				ELSE format('its parent %s is in another taxonomy', p.path) END
	FROM tagstore.tag t LEFT JOIN tagstore.tag p ON p.id = t.parent_id
	WHERE t.parent_id IS NOT NULL AND (p.id IS NULL OR p.taxonomy_id IS DISTINCT FROM t.taxonomy_id)
	UNION ALL
	SELECT w.id, 'tag_path',
		   format('path is %s; %s make %s', w.path,
				  CASE WHEN w.parent_id IS NULL THEN 'its taxonomy''s name and its value'
					   ELSE 'its parent''s path and its value' END, w.want)
	FROM (SELECT t.id, t.path, t.parent_id,
				 CASE WHEN t.parent_id IS NULL THEN tagpath(ARRAY[x.name, t.value])
					  ELSE p.path || tagpath(ARRAY[t.value]) END AS want
		  FROM tagstore.tag t
		  JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
		  LEFT JOIN tagstore.tag p ON p.id = t.parent_id
		  WHERE t.parent_id IS NULL OR p.taxonomy_id = t.taxonomy_id) w
	WHERE w.want IS NOT NULL AND w.path IS NOT NULL AND w.path <> w.want
	UNION ALL
	SELECT t.id, 'tag_key',
		   format('key is %s; its path case-folded is %s', t.key, label_casefold(t.path))
	FROM tagstore.tag t
	WHERE t.path IS NOT NULL AND t.key IS NOT NULL AND t.key <> label_casefold(t.path)

	-- revisions: the live one after every archived one (the next change
	-- archives the live one under its number)
	UNION ALL
	SELECT t.id, 'tag_revision',
		   format('revision %s is not after its archived revision %s: its next change would fail',
				  t.revision, r.revision)
	FROM tagstore.tag t
	JOIN (SELECT r.tag_id, max(r.revision) AS revision FROM tagstore.tag_revision r
		  GROUP BY r.tag_id) r ON r.tag_id = t.id
	WHERE t.revision <= r.revision
	UNION ALL
	SELECT d.id, 'tag_revision',
		   format('deleted as %s: its tombstone''s revision %s is before its archived revision %s: creating it again would fail',
				  d.path, d.revision, r.revision)
	FROM tagstore.tag_tombstone d
	JOIN (SELECT r.tag_id, max(r.revision) AS revision FROM tagstore.tag_revision r
		  GROUP BY r.tag_id) r ON r.tag_id = d.id
	WHERE d.revision < r.revision
	UNION ALL
	SELECT t.id, 'tag_tombstone', format('the live tag also has a tombstone (deleted as %s)', d.path)
	FROM tagstore.tag t JOIN tagstore.tag_tombstone d ON d.id = t.id

	-- tombstones of taxonomies that do not exist
	UNION ALL
	SELECT d.id, 'tombstone_taxonomy',
		   format('deleted as %s: its taxonomy_id %s names no taxonomy', d.path, d.taxonomy_id)
	FROM tagstore.tag_tombstone d
	WHERE d.taxonomy_id IS NOT NULL
	  AND NOT EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = d.taxonomy_id)
	UNION ALL
	SELECT g.tag_id, 'tagging_revision',
		   format('entity %s: revision %s is not after its archived revision %s: its next change would fail',
				  g.entity_id, g.revision, r.revision)
	FROM tagstore.tagging g
	JOIN (SELECT r.tag_id, r.entity_id, max(r.revision) AS revision FROM tagstore.tagging_revision r
		  GROUP BY r.tag_id, r.entity_id) r ON r.tag_id = g.tag_id AND r.entity_id = g.entity_id
	WHERE g.revision <= r.revision

	-- taggings of tags or entities that do not exist
	UNION ALL
	SELECT g.tag_id, 'tagging_orphan',
		   format('%s of a tag id that tagstore.tag does not hold',
				  CASE WHEN count(*) = 1 THEN '1 tagging' ELSE count(*) || ' taggings' END)
	FROM tagstore.tagging g
	WHERE NOT EXISTS (SELECT FROM tagstore.tag t WHERE t.id = g.tag_id)
	GROUP BY g.tag_id
	UNION ALL
	SELECT g.tag_id, 'tagging_orphan',
		   format('%s of entity ids that tagstore.entity does not hold: %s',
				  CASE WHEN count(*) = 1 THEN '1 tagging' ELSE count(*) || ' taggings' END,
				  array_to_string((array_agg(g.entity_id ORDER BY g.entity_id))[1:5], ', ')
				  || CASE WHEN count(*) > 5 THEN ', ...' ELSE '' END)
	FROM tagstore.tagging g
	WHERE NOT EXISTS (SELECT FROM tagstore.entity e WHERE e.id = g.entity_id)
	GROUP BY g.tag_id

	-- the ids the sequences give next are free
	UNION ALL
	SELECT NULL, 'sequence',
		   format('tagstore.tag_id_seq gives %s next, the id of an existing tag: the next add_tag would fail', s.next)
	FROM (SELECT (CASE WHEN q.is_called THEN q.last_value::numeric + c.seqincrement
						   ELSE q.last_value END)::bigint AS next
		  FROM tagstore.tag_id_seq q, pg_sequence c
		  WHERE c.seqrelid = 'tagstore.tag_id_seq'::regclass
			-- a sequence at its end gives nothing more (nextval says so itself)
			AND (NOT q.is_called OR q.last_value::numeric + c.seqincrement BETWEEN c.seqmin AND c.seqmax)) s
	WHERE EXISTS (SELECT FROM tagstore.tag t WHERE t.id = s.next)
	   OR EXISTS (SELECT FROM tagstore.tag_tombstone d WHERE d.id = s.next)
	UNION ALL
	SELECT NULL, 'sequence',
		   format('tagstore.entity_id_seq gives %s next, the id of an existing entity: the next new entity would fail', s.next)
	FROM (SELECT (CASE WHEN q.is_called THEN q.last_value::numeric + c.seqincrement
						   ELSE q.last_value END)::bigint AS next
		  FROM tagstore.entity_id_seq q, pg_sequence c
		  WHERE c.seqrelid = 'tagstore.entity_id_seq'::regclass
			-- a sequence at its end gives nothing more (nextval says so itself)
			AND (NOT q.is_called OR q.last_value::numeric + c.seqincrement BETWEEN c.seqmin AND c.seqmax)) s
	WHERE EXISTS (SELECT FROM tagstore.entity e WHERE e.id = s.next)
)
SELECT t.path, p.tag_id, p.problem, p.detail
FROM problems p LEFT JOIN tagstore.tag t ON t.id = p.tag_id
ORDER BY p.problem, t.key, p.tag_id, p.detail
$$;
COMMENT ON FUNCTION tagstore.verify() IS
	'checks tagstore''s derived data (closure postings, tag paths and keys, revisions) and its invariants; one row per problem, none on a sound database';
REVOKE ALL ON FUNCTION tagstore.verify() FROM PUBLIC;
