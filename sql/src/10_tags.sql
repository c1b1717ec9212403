-- Section 10: tags.
--
-- Adding, updating, removing, renaming and moving tags named by their
-- paths; each change is a new revision of every tag it touches.  The same
-- functions with tags given by id are in section 16.

CREATE FUNCTION tagstore.add_tag(taxonomy text, value text, parent @extschema@.tagpath DEFAULT NULL,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	-- shared: many may add at once, but not while the tree is being reshaped
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy, 'shared');
	clean text := tagstore._clean_label(value, 'tag value');
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
	grave tagstore.tag_tombstone;
	created tagstore.tag;
BEGIN
	PERFORM tagstore._check_text(description, 'description', 4000),
			tagstore._check_text(category, 'category', 1030),
			tagstore._check_text(external_id, 'external_id', 1030);
	IF parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, clean]);
		new_key := tagpath(ARRAY[t.name_key, label_casefold(clean)]);
	ELSE
		p := tagstore._tag(parent, 'parent tag');
		IF p.taxonomy_id <> t.id THEN
			RAISE EXCEPTION 'parent tag "%" is not in taxonomy "%"', p.path, t.name
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		new_path := p.path || tagpath(ARRAY[clean]);
		new_key := p.key || tagpath(ARRAY[label_casefold(clean)]);
	END IF;

	IF EXISTS (SELECT 1 FROM tagstore.tag g WHERE g.key = new_key) THEN
		RETURN (SELECT g.path FROM tagstore.tag g WHERE g.key = new_key);
	END IF;
	-- a deleted tag of this name comes back with its id and its revisions
	SELECT * INTO grave FROM tagstore.tag_tombstone d WHERE d.key = new_key
	ORDER BY deleted_at DESC, id DESC LIMIT 1;

	INSERT INTO tagstore.tag AS g (id, taxonomy_id, parent_id, value, path, key, external_id,
								   description, category, originator, revision, operation, actor)
	VALUES (coalesce(grave.id, nextval(pg_get_serial_sequence('tagstore.tag', 'id'))),
			t.id, p.id, clean, new_path, new_key, add_tag.external_id,
			add_tag.description, add_tag.category, tagstore.current_actor(),
			coalesce(grave.revision + 1, 1), 'create', tagstore.current_actor())
	ON CONFLICT (key) DO NOTHING
	RETURNING * INTO created;
	IF created.id IS NULL THEN		-- a concurrent transaction created it
		RETURN (SELECT g.path FROM tagstore.tag g WHERE g.key = new_key);
	END IF;
	DELETE FROM tagstore.tag_tombstone d WHERE d.id = created.id;
	RETURN created.path;
END $$;
COMMENT ON FUNCTION tagstore.add_tag(text, text, @extschema@.tagpath, text, text, text) IS
	'add a tag under parent (or at the root); idempotent and case-insensitive: returns the existing tag''s name if there is one; a deleted name comes back with its id';

-- add_tag('Biology.animal.mammal'): the tag and any missing ancestors, like mkdir -p.
CREATE FUNCTION tagstore.add_tag(tag @extschema@.tagpath) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	parent tagpath;
	labels text[];
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	labels := labels(tag);
	IF cardinality(labels) < 2 THEN
		RAISE EXCEPTION 'tag "%" names no tag', tag
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
	END IF;
	FOR i IN 2 .. cardinality(labels) LOOP
		parent := tagstore.add_tag(labels[1], labels[i], parent);
	END LOOP;
	RETURN parent;
END $$;
COMMENT ON FUNCTION tagstore.add_tag(@extschema@.tagpath) IS 'add a tag named by its path, and any missing ancestors (like mkdir -p)';

-- update_tag: change metadata; with expected_revision, a stale revision is
-- refused with SQLSTATE TS409 (map it to HTTP 409); returns the new revision.
CREATE FUNCTION tagstore.update_tag(tag @extschema@.tagpath, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag := tagstore._tag(tag);
BEGIN
	PERFORM tagstore._check_text(description, 'description', 4000),
			tagstore._check_text(category, 'category', 1030),
			tagstore._check_text(external_id, 'external_id', 1030);
	IF clear_category AND category IS NOT NULL THEN
		RAISE EXCEPTION 'category and clear_category => true contradict each other'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the row lock serialises concurrent updates: none is lost
	SELECT * INTO g FROM tagstore.tag WHERE id = g.id FOR UPDATE;
	IF g.id IS NULL THEN
		PERFORM tagstore._tag(tag);		-- deleted meanwhile: raises the right error
	END IF;
	IF expected_revision IS NOT NULL AND g.revision <> expected_revision THEN
		RAISE EXCEPTION 'tag "%" is at revision %, not %', g.path, g.revision, expected_revision
			USING ERRCODE = 'TS409',
				  DETAIL = 'Another change was saved since that revision was read.',
				  HINT = 'Read the tag again (tagstore.tag_history or tagstore.search_tags) and retry.';
	END IF;
	PERFORM tagstore._archive_tags(g.key, false);
	UPDATE tagstore.tag x
	SET description = coalesce(update_tag.description, x.description),
		category = CASE WHEN clear_category THEN NULL ELSE coalesce(update_tag.category, x.category) END,
		external_id = coalesce(update_tag.external_id, x.external_id),
		revision = x.revision + 1,
		operation = 'update',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE x.id = g.id
	RETURNING * INTO g;
	RETURN g.revision;
END $$;
COMMENT ON FUNCTION tagstore.update_tag(@extschema@.tagpath, text, text, text, integer, boolean) IS
	'change a tag''s description, category or external id; with expected_revision, a stale revision raises SQLSTATE TS409; returns the new revision';

-- Untags every entity under a subtree: each tagging's last revision is
-- archived, followed by its tombstone.
CREATE FUNCTION tagstore._untag_subtree(subtree_key @extschema@.tagpath) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	WITH gone AS (
		DELETE FROM tagstore.tagging x
		USING tagstore.tag t
		WHERE t.id = x.tag_id AND t.key <@ subtree_key
		RETURNING x.*, t.path
	)
	INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
	SELECT g.tag_id, g.entity_id, g.revision, g.operation, g.tagged_by, g.tagged_at,
		   tagstore._tagging_state(g.path, g.entity_id, g.data, false)
	FROM gone g
	UNION ALL
	SELECT g.tag_id, g.entity_id, g.revision + 1, 'untag', tagstore.current_actor(), now(),
		   tagstore._tagging_state(g.path, g.entity_id, NULL, true)
	FROM gone g
$$;
COMMENT ON FUNCTION tagstore._untag_subtree(@extschema@.tagpath) IS 'internal: untag everything under a subtree, with tombstones';

CREATE FUNCTION tagstore.remove_tag(tag @extschema@.tagpath, cascade boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
BEGIN
	PERFORM tagstore._lock_taxonomy_of(tag, 'exclusive');
	g := tagstore._tag(tag);
	IF NOT coalesce(cascade, false) AND EXISTS (SELECT 1 FROM tagstore.tag WHERE parent_id = g.id) THEN
		RAISE EXCEPTION 'tag "%" has child tags', g.path
			USING ERRCODE = 'dependent_objects_still_exist',
				  HINT = 'Remove them first, or use cascade => true to remove the whole subtree.';
	END IF;
	PERFORM tagstore._untag_subtree(g.key);
	PERFORM tagstore._archive_tags(g.key, true);
	WITH gone AS (
		DELETE FROM tagstore.tag WHERE key <@ g.key RETURNING *
	), graves AS (
		INSERT INTO tagstore.tag_tombstone (id, taxonomy_id, key, path, revision)
		SELECT id, taxonomy_id, key, path, revision + 1 FROM gone
	)
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, state)
	SELECT d.id, d.revision + 1, 'delete', tagstore.current_actor(),
		   tagstore._tag_state(ROW(d.id, d.taxonomy_id, d.parent_id, d.value, d.path, d.key,
								   d.external_id, d.description, d.category, d.originator,
								   d.revision + 1, 'delete', tagstore.current_actor(),
								   d.created_at, now())::tagstore.tag, true)
	FROM gone d;
END $$;
COMMENT ON FUNCTION tagstore.remove_tag(@extschema@.tagpath, boolean) IS
	'delete a tag (leaving a tombstone revision) and untag its entities; a tag with children needs cascade => true';

CREATE FUNCTION tagstore.rename_tag(tag @extschema@.tagpath, new_value text) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
	clean text := tagstore._clean_label(new_value, 'tag value');
	new_path tagpath;
	new_key tagpath;
BEGIN
	PERFORM tagstore._lock_taxonomy_of(tag, 'exclusive');
	g := tagstore._tag(tag);
	new_path := parent(g.path) || tagpath(ARRAY[clean]);
	new_key := parent(g.key) || tagpath(ARRAY[label_casefold(clean)]);
	IF new_key <> g.key AND EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;
	IF new_path = g.path THEN
		RETURN g.path;
	END IF;
	UPDATE tagstore.tag SET value = clean WHERE id = g.id;
	PERFORM tagstore._rewrite_subtree(g.key, new_path, new_key, 'rename');
	RETURN new_path;
END $$;
COMMENT ON FUNCTION tagstore.rename_tag(@extschema@.tagpath, text) IS 'rename a tag; descendants and taggings follow; returns the new name';

-- move_tag(tag, new_parent): NULL makes it a root tag.
CREATE FUNCTION tagstore.move_tag(tag @extschema@.tagpath, new_parent @extschema@.tagpath) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._lock_taxonomy_of(tag, 'exclusive');
	g tagstore.tag := tagstore._tag(tag);
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
BEGIN
	IF new_parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, g.value]);
		new_key := tagpath(ARRAY[t.name_key]) || subpath(g.key, -1);
	ELSE
		p := tagstore._tag(new_parent, 'parent tag');
		IF p.taxonomy_id <> g.taxonomy_id THEN
			RAISE EXCEPTION 'parent tag "%" is not in taxonomy "%"', p.path, t.name
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Tags move within their taxonomy.';
		END IF;
		IF p.key <@ g.key THEN
			RAISE EXCEPTION 'cannot move tag "%" under "%"', g.path, p.path
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'That would make the tag its own ancestor.';
		END IF;
		new_path := p.path || tagpath(ARRAY[g.value]);
		new_key := p.key || subpath(g.key, -1);
	END IF;
	IF new_key = g.key THEN
		RETURN g.path;
	END IF;
	IF EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.tag SET parent_id = p.id WHERE id = g.id;
	PERFORM tagstore._rewrite_subtree(g.key, new_path, new_key, 'move');
	RETURN new_path;
END $$;
COMMENT ON FUNCTION tagstore.move_tag(@extschema@.tagpath, @extschema@.tagpath) IS
	'move a tag (and its subtree) under a new parent in its taxonomy, or to the root if NULL; returns the new name';
