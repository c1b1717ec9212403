-- Section 10: tags.
--
-- Adding, updating, removing, renaming and moving tags named by their
-- paths; each change is a new revision of every tag it touches, the
-- revision it supersedes archived first (the tag state of section 08).  The
-- same functions with tags given by id are in section 16.
--
-- Each function finds the tags it names with tag_id() (section 16), which
-- raises the right error for a name that is no live tag, and checks its
-- text arguments as section 09 describes.  The functions that reshape a
-- tree (remove, rename, move) first lock its taxonomy's row FOR UPDATE;
-- add_tag locks it FOR SHARE, so that tags are added concurrently but not
-- while the tree is being reshaped.

CREATE FUNCTION tagstore.add_tag(taxonomy text, value text, parent @extschema@.tagpath DEFAULT NULL,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	t tagstore.taxonomy;
	f record;
	bad text;
	clean text;
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
	grave tagstore.tag_tombstone;
	created tagstore.tag;
BEGIN
	-- the taxonomy, shared: many may add at once, but not while the tree is being reshaped
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy) FOR SHARE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'edit') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege edit is needed.';
	END IF;

	-- the value and the text fields (section 09's checks)
	IF value IS NULL THEN
		RAISE EXCEPTION 'tag value must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	FOR f IN SELECT * FROM (VALUES (value, 'tag value', 4096), (description, 'description', 4000),
								   (category, 'category', 1030), (external_id, 'external_id', 1030))
						   v(txt, what, max_length) LOOP
		CONTINUE WHEN f.txt IS NULL;
		IF f.txt = '' THEN
			RAISE EXCEPTION '% must not be empty', f.what USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF length(f.txt) > f.max_length THEN
			RAISE EXCEPTION '% is too long: % characters, the maximum is %', f.what, length(f.txt), f.max_length
				USING ERRCODE = 'string_data_right_truncation';
		END IF;
		bad := substring(f.txt from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f' || c1 || ']');
		IF bad IS NULL AND f.what <> 'description' THEN
			bad := substring(f.txt from '[\t\n\r]');
		END IF;
		IF bad IS NOT NULL THEN
			RAISE EXCEPTION '% % contains a control character',
				f.what, quote_literal(regexp_replace(f.txt, '[\x01-\x1f\x7f' || c1 || ']', '?', 'g'))
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('Control character U+%s at character %s.',
									  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(f.txt, bad));
		END IF;
		IF f.what = 'tag value'
		   AND value ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
			RAISE EXCEPTION 'tag value % has leading or trailing whitespace', quote_literal(value)
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;
	clean := value;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(value, NFC);
	END IF;

	IF parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, clean]);
		new_key := tagpath(ARRAY[t.name_key, label_casefold(clean)]);
	ELSE
		-- the parent: a live tag, or the error that says what it is (as tag_id's, of a "parent tag")
		SELECT * INTO p FROM tagstore.tag g WHERE g.key = label_casefold(parent);
		IF p.id IS NULL THEN
			IF tagstore.nlevel(parent) < 2 THEN
				RAISE EXCEPTION 'parent tag "%" does not exist', parent
					USING ERRCODE = 'undefined_object',
						  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
			END IF;
			IF NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x
						   WHERE x.name_key = label_casefold(leaf(tagstore.subpath(parent, 0, 1)))) THEN
				RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(parent, 0, 1))
					USING ERRCODE = 'undefined_object';
			END IF;
			IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(parent)) THEN
				RAISE EXCEPTION 'parent tag "%" was deleted', parent
					USING ERRCODE = 'undefined_object',
						  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
			END IF;
			RAISE EXCEPTION 'parent tag "%" does not exist', parent USING ERRCODE = 'undefined_object';
		END IF;
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
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	g tagstore.tag;
	f record;
	bad text;
	x_name text;
BEGIN
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	x_name := (SELECT x.name FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id);
	IF tagstore.has_taxonomy_privilege(x_name, 'edit') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege edit is needed.';
	END IF;
	FOR f IN SELECT * FROM (VALUES (description, 'description', 4000), (category, 'category', 1030),
								   (external_id, 'external_id', 1030))
						   v(txt, what, max_length) LOOP
		CONTINUE WHEN f.txt IS NULL;
		IF f.txt = '' THEN
			RAISE EXCEPTION '% must not be empty', f.what USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF length(f.txt) > f.max_length THEN
			RAISE EXCEPTION '% is too long: % characters, the maximum is %', f.what, length(f.txt), f.max_length
				USING ERRCODE = 'string_data_right_truncation';
		END IF;
		bad := substring(f.txt from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f' || c1 || ']');
		IF bad IS NULL AND f.what <> 'description' THEN
			bad := substring(f.txt from '[\t\n\r]');
		END IF;
		IF bad IS NOT NULL THEN
			RAISE EXCEPTION '% % contains a control character',
				f.what, quote_literal(regexp_replace(f.txt, '[\x01-\x1f\x7f' || c1 || ']', '?', 'g'))
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('Control character U+%s at character %s.',
									  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(f.txt, bad));
		END IF;
	END LOOP;
	IF clear_category AND category IS NOT NULL THEN
		RAISE EXCEPTION 'category and clear_category => true contradict each other'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the row lock serialises concurrent updates: none is lost
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = g.id FOR UPDATE;
	IF g.id IS NULL THEN
		-- removed meanwhile: tag_id() raises the right error, or finds the
		-- tag of that name created again since
		SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag) FOR UPDATE;
		IF g.id IS NULL THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
		END IF;
	END IF;
	IF expected_revision IS NOT NULL AND g.revision <> expected_revision THEN
		RAISE EXCEPTION 'tag "%" is at revision %, not %', g.path, g.revision, expected_revision
			USING ERRCODE = 'TS409',
				  DETAIL = 'Another change was saved since that revision was read.',
				  HINT = 'Read the tag again (tagstore.tag_history or tagstore.search_tags) and retry.';
	END IF;
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT s.id, s.revision, s.operation, s.actor, s.updated_at,
		   jsonb_build_object('id', s.id, 'taxonomy', x.name, 'path', s.path::text, 'value', s.value,
			   'parent', CASE WHEN tagstore.nlevel(s.path) > 2 THEN parent(s.path)::text END,
			   'external_id', s.external_id, 'description', s.description, 'category', s.category,
			   'originator', s.originator, 'revision', s.revision, 'deleted', false)
	FROM tagstore.tag s JOIN tagstore.taxonomy x ON x.id = s.taxonomy_id
	WHERE s.id = g.id;
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

CREATE FUNCTION tagstore.remove_tag(tag @extschema@.tagpath, cascade boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	g tagstore.tag;
BEGIN
	-- the taxonomy, locked against every other change to its tree
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x
	WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1))) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'edit') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege edit is needed.';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	IF NOT coalesce(cascade, false) AND EXISTS (SELECT 1 FROM tagstore.tag WHERE parent_id = g.id) THEN
		RAISE EXCEPTION 'tag "%" has child tags', g.path
			USING ERRCODE = 'dependent_objects_still_exist',
				  HINT = 'Remove them first, or use cascade => true to remove the whole subtree.';
	END IF;

	-- every entity under the subtree untagged: each tagging's last revision
	-- archived, followed by its tombstone (the tagging state of section 08)
	WITH gone AS (
		DELETE FROM tagstore.tagging x
		USING tagstore.tag s
		WHERE s.id = x.tag_id AND s.key <@ g.key
		RETURNING x.*, s.path
	)
	INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
	SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
		   jsonb_build_object('tag', d.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', d.data, 'deleted', false)
	FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
	UNION ALL
	SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
		   jsonb_build_object('tag', d.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', NULL, 'deleted', true)
	FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id;

	-- the subtree's tags archived, deleted, and each left a tombstone and a
	-- revision that records its deletion
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT s.id, s.revision, s.operation, s.actor, s.updated_at,
		   jsonb_build_object('id', s.id, 'taxonomy', t.name, 'path', s.path::text, 'value', s.value,
			   'parent', CASE WHEN tagstore.nlevel(s.path) > 2 THEN parent(s.path)::text END,
			   'external_id', s.external_id, 'description', s.description, 'category', s.category,
			   'originator', s.originator, 'revision', s.revision, 'deleted', false)
	FROM tagstore.tag s WHERE s.key <@ g.key;
	WITH gone AS (
		DELETE FROM tagstore.tag WHERE key <@ g.key RETURNING *
	), graves AS (
		INSERT INTO tagstore.tag_tombstone (id, taxonomy_id, key, path, revision)
		SELECT id, taxonomy_id, key, path, revision + 1 FROM gone
	)
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, state)
	SELECT d.id, d.revision + 1, 'delete', tagstore.current_actor(),
		   jsonb_build_object('id', d.id, 'taxonomy', t.name, 'path', d.path::text, 'value', d.value,
			   'parent', CASE WHEN tagstore.nlevel(d.path) > 2 THEN parent(d.path)::text END,
			   'external_id', d.external_id, 'description', d.description, 'category', d.category,
			   'originator', d.originator, 'revision', d.revision + 1, 'deleted', true)
	FROM gone d;
END $$;
COMMENT ON FUNCTION tagstore.remove_tag(@extschema@.tagpath, boolean) IS
	'delete a tag (leaving a tombstone revision) and untag its entities; a tag with children needs cascade => true';

CREATE FUNCTION tagstore.rename_tag(tag @extschema@.tagpath, new_value text) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	t tagstore.taxonomy;
	g tagstore.tag;
	bad text;
	clean text;
	new_path tagpath;
	new_key tagpath;
BEGIN
	-- the new value, checked as add_tag checks one (section 09's checks)
	IF new_value IS NULL THEN
		RAISE EXCEPTION 'tag value must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF new_value = '' THEN
		RAISE EXCEPTION 'tag value must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(new_value) > 4096 THEN
		RAISE EXCEPTION 'tag value is too long: % characters, the maximum is 4096', length(new_value)
			USING ERRCODE = 'string_data_right_truncation';
	END IF;
	bad := coalesce(substring(new_value from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f' || c1 || ']'),
					substring(new_value from '[\t\n\r]'));
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'tag value % contains a control character',
			quote_literal(regexp_replace(new_value, '[\x01-\x1f\x7f' || c1 || ']', '?', 'g'))
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Control character U+%s at character %s.',
								  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(new_value, bad));
	END IF;
	IF new_value ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
		RAISE EXCEPTION 'tag value % has leading or trailing whitespace', quote_literal(new_value)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	clean := new_value;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(new_value, NFC);
	END IF;

	-- the taxonomy, locked against every other change to its tree
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x
	WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1))) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'edit') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege edit is needed.';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	new_path := parent(g.path) || tagpath(ARRAY[clean]);
	new_key := parent(g.key) || tagpath(ARRAY[label_casefold(clean)]);
	IF new_key <> g.key AND EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;
	IF new_path = g.path THEN
		RETURN g.path;
	END IF;

	-- every tag of the subtree gets a new revision under its new name, the
	-- one it supersedes archived first
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT s.id, s.revision, s.operation, s.actor, s.updated_at,
		   jsonb_build_object('id', s.id, 'taxonomy', t.name, 'path', s.path::text, 'value', s.value,
			   'parent', CASE WHEN tagstore.nlevel(s.path) > 2 THEN parent(s.path)::text END,
			   'external_id', s.external_id, 'description', s.description, 'category', s.category,
			   'originator', s.originator, 'revision', s.revision, 'deleted', false)
	FROM tagstore.tag s WHERE s.key <@ g.key;
	UPDATE tagstore.tag
	SET value = CASE WHEN key = g.key THEN clean ELSE value END,
		path = CASE WHEN key = g.key THEN new_path ELSE new_path || tagstore.subpath(path, tagstore.nlevel(g.key)) END,
		key = CASE WHEN key = g.key THEN new_key ELSE new_key || tagstore.subpath(key, tagstore.nlevel(g.key)) END,
		revision = revision + 1,
		operation = 'rename',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE key <@ g.key;
	RETURN new_path;
END $$;
COMMENT ON FUNCTION tagstore.rename_tag(@extschema@.tagpath, text) IS 'rename a tag; descendants and taggings follow; returns the new name';

-- move_tag(tag, new_parent): NULL makes it a root tag.
CREATE FUNCTION tagstore.move_tag(tag @extschema@.tagpath, new_parent @extschema@.tagpath) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	g tagstore.tag;
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
BEGIN
	-- the taxonomy, locked against every other change to its tree
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x
	WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1))) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'edit') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege edit is needed.';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);

	IF new_parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, g.value]);
		new_key := tagpath(ARRAY[t.name_key]) || tagstore.subpath(g.key, -1);
	ELSE
		-- the parent: a live tag, or the error that says what it is (as add_tag's)
		SELECT * INTO p FROM tagstore.tag x WHERE x.key = label_casefold(new_parent);
		IF p.id IS NULL THEN
			IF tagstore.nlevel(new_parent) < 2 THEN
				RAISE EXCEPTION 'parent tag "%" does not exist', new_parent
					USING ERRCODE = 'undefined_object',
						  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
			END IF;
			IF NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x
						   WHERE x.name_key = label_casefold(leaf(tagstore.subpath(new_parent, 0, 1)))) THEN
				RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(new_parent, 0, 1))
					USING ERRCODE = 'undefined_object';
			END IF;
			IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(new_parent)) THEN
				RAISE EXCEPTION 'parent tag "%" was deleted', new_parent
					USING ERRCODE = 'undefined_object',
						  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
			END IF;
			RAISE EXCEPTION 'parent tag "%" does not exist', new_parent USING ERRCODE = 'undefined_object';
		END IF;
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
		new_key := p.key || tagstore.subpath(g.key, -1);
	END IF;
	IF new_key = g.key THEN
		RETURN g.path;
	END IF;
	IF EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;

	-- every tag of the subtree gets a new revision under its new name, the
	-- one it supersedes archived first
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT s.id, s.revision, s.operation, s.actor, s.updated_at,
		   jsonb_build_object('id', s.id, 'taxonomy', t.name, 'path', s.path::text, 'value', s.value,
			   'parent', CASE WHEN tagstore.nlevel(s.path) > 2 THEN parent(s.path)::text END,
			   'external_id', s.external_id, 'description', s.description, 'category', s.category,
			   'originator', s.originator, 'revision', s.revision, 'deleted', false)
	FROM tagstore.tag s WHERE s.key <@ g.key;
	UPDATE tagstore.tag SET parent_id = p.id WHERE id = g.id;
	UPDATE tagstore.tag
	SET path = CASE WHEN key = g.key THEN new_path ELSE new_path || tagstore.subpath(path, tagstore.nlevel(g.key)) END,
		key = CASE WHEN key = g.key THEN new_key ELSE new_key || tagstore.subpath(key, tagstore.nlevel(g.key)) END,
		revision = revision + 1,
		operation = 'move',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE key <@ g.key;
	RETURN new_path;
END $$;
COMMENT ON FUNCTION tagstore.move_tag(@extschema@.tagpath, @extschema@.tagpath) IS
	'move a tag (and its subtree) under a new parent in its taxonomy, or to the root if NULL; returns the new name';
