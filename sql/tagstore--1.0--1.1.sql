/* tagstore--1.0--1.1.sql: from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION tagstore UPDATE TO '1.1'" to load this file. \quit

-- What 1.1 changes in the catalog.  1.1's install script is built from the
-- sections in sql/src/; each change to 1.1 goes both into its section and
-- here, as a block of its own, so that a 1.0 database updated to 1.1 holds
-- the same objects, with the same comments and privileges, as a fresh 1.1
-- install (test/schema_dump.sh compares the two).  The script is plain
-- ASCII, as the install scripts are: it runs in a database of any encoding.

-- ==== BEGIN closed internals, every server encoding (issue #22) ====
--
-- PUBLIC may execute only the documented API (README.md, Reference).  The
-- API functions are replaced by their 1.1 forms, which check their
-- arguments and look up taxonomies and tags themselves, in their own
-- bodies (sql/src/08_helpers.sql says why); the internal helpers that the
-- 1.0 forms called are dropped, and the trigger functions, the only
-- internal functions left, are revoked from PUBLIC.  The archived revision
-- of a renamed tag, and of the tags of a renamed taxonomy, now records the
-- revision as it was (1.0 recorded the new value or taxonomy name beside
-- the old path).
--
-- tree() draws with ASCII art in a database whose encoding is not UTF8,
-- and makes its box-drawing characters with chr(): this script, as the
-- 1.1 install script, is plain ASCII.
--
-- Case folding (label_casefold, the '@' of patterns, GiST signatures) now
-- gives folded labels in the database's encoding; 1.0 gave UTF-8 bytes
-- whatever the encoding.  In a database whose encoding is not UTF8, the
-- folded names tagstore keeps (taxonomy.name_key, tag.key,
-- tag_tombstone.key) are recomputed at the end of this block, and the
-- indexes that hold folded labels are rebuilt: those with tagstore's GiST
-- operator classes and those over an expression with label_casefold().


CREATE OR REPLACE FUNCTION tagstore.create_taxonomy(name text, description text DEFAULT NULL,
	owner_id text DEFAULT NULL, free_form boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	f record;
	bad text;
	clean text;
	new_id uuid;
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'taxonomy name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	FOR f IN SELECT * FROM (VALUES (name, 'taxonomy name', 4096), (description, 'description', 4000))
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
		IF f.what = 'taxonomy name' THEN
			IF name ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
				RAISE EXCEPTION 'taxonomy name % has leading or trailing whitespace', quote_literal(name)
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			IF free_form IS NULL THEN
				RAISE EXCEPTION 'free_form must not be NULL' USING ERRCODE = 'null_value_not_allowed';
			END IF;
		END IF;
	END LOOP;
	clean := name;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(name, NFC);
	END IF;
	INSERT INTO tagstore.taxonomy (name, name_key, description, owner_id, free_form)
	VALUES (clean, label_casefold(clean), description, owner_id, free_form)
	ON CONFLICT (name_key) DO NOTHING
	RETURNING id INTO new_id;
	IF new_id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	RETURN new_id;
END $$;
COMMENT ON FUNCTION tagstore.create_taxonomy(text, text, text, boolean) IS
	'create a taxonomy (name unique case-insensitively); free_form: tagging with an unknown value creates it; returns its id';

CREATE OR REPLACE FUNCTION tagstore.rename_taxonomy(name text, new_name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	t tagstore.taxonomy;
	bad text;
	clean text;
	root tagstore.tag;
BEGIN
	-- the taxonomy, locked against every other change to it
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;

	-- the new name, checked as create_taxonomy checks one
	IF new_name IS NULL THEN
		RAISE EXCEPTION 'taxonomy name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF new_name = '' THEN
		RAISE EXCEPTION 'taxonomy name must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(new_name) > 4096 THEN
		RAISE EXCEPTION 'taxonomy name is too long: % characters, the maximum is 4096', length(new_name)
			USING ERRCODE = 'string_data_right_truncation';
	END IF;
	bad := coalesce(substring(new_name from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f' || c1 || ']'),
					substring(new_name from '[\t\n\r]'));
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'taxonomy name % contains a control character',
			quote_literal(regexp_replace(new_name, '[\x01-\x1f\x7f' || c1 || ']', '?', 'g'))
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Control character U+%s at character %s.',
								  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(new_name, bad));
	END IF;
	IF new_name ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
		RAISE EXCEPTION 'taxonomy name % has leading or trailing whitespace', quote_literal(new_name)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	clean := new_name;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(new_name, NFC);
	END IF;

	IF label_casefold(clean) <> t.name_key
	   AND EXISTS (SELECT 1 FROM tagstore.taxonomy WHERE name_key = label_casefold(clean)) THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.taxonomy SET name = clean, name_key = label_casefold(clean) WHERE id = t.id;

	-- every tag's name changes: each tag gets a new revision, the one it
	-- supersedes archived first (the tag state of section 08)
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT g.id, g.revision, g.operation, g.actor, g.updated_at,
		   jsonb_build_object('id', g.id, 'taxonomy', t.name, 'path', g.path::text, 'value', g.value,
			   'parent', CASE WHEN tagstore.nlevel(g.path) > 2 THEN parent(g.path)::text END,
			   'external_id', g.external_id, 'description', g.description, 'category', g.category,
			   'originator', g.originator, 'revision', g.revision, 'deleted', false)
	FROM tagstore.tag g WHERE g.taxonomy_id = t.id;
	UPDATE tagstore.tag
	SET path = tagpath(ARRAY[clean]) || tagstore.subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || tagstore.subpath(key, 1),
		revision = revision + 1,
		operation = 'rename',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE taxonomy_id = t.id;
	UPDATE tagstore.tag_tombstone
	SET path = tagpath(ARRAY[clean]) || tagstore.subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || tagstore.subpath(key, 1)
	WHERE taxonomy_id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.rename_taxonomy(text, text) IS 'rename a taxonomy; its tags'' names follow (with revisions)';

-- drop_taxonomy: the taxonomy, its tags, their taggings and all their history.
CREATE OR REPLACE FUNCTION tagstore.drop_taxonomy(name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	ids bigint[];
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;
	ids := ARRAY(SELECT id FROM tagstore.tag WHERE taxonomy_id = t.id
				 UNION ALL SELECT id FROM tagstore.tag_tombstone WHERE taxonomy_id = t.id);
	DELETE FROM tagstore.tagging_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.tag_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.taxonomy WHERE id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.drop_taxonomy(text) IS 'drop a taxonomy with its tags, their taggings and all their history';

CREATE OR REPLACE FUNCTION tagstore.add_tag(taxonomy text, value text, parent @extschema@.tagpath DEFAULT NULL,
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

-- update_tag: change metadata; with expected_revision, a stale revision is
-- refused with SQLSTATE TS409 (map it to HTTP 409); returns the new revision.
CREATE OR REPLACE FUNCTION tagstore.update_tag(tag @extschema@.tagpath, description text DEFAULT NULL,
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
BEGIN
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
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

CREATE OR REPLACE FUNCTION tagstore.remove_tag(tag @extschema@.tagpath, cascade boolean DEFAULT false) RETURNS void
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

CREATE OR REPLACE FUNCTION tagstore.rename_tag(tag @extschema@.tagpath, new_value text) RETURNS @extschema@.tagpath
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
CREATE OR REPLACE FUNCTION tagstore.move_tag(tag @extschema@.tagpath, new_parent @extschema@.tagpath) RETURNS @extschema@.tagpath
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

CREATE OR REPLACE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF entity_type IS NULL OR entity_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN (SELECT r.revision FROM tagstore.remove_tag_from(tag, entity_type, ARRAY[external_id]) r);
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text) IS 'untag an entity (idempotent); returns the tombstone revision, or NULL if it was not tagged';

-- Bulk forms: one row per item, saying what happened to it.
--
-- Tags entities with one tag: new taggings, changed data, or nothing to do.
-- A new tagging is one insert (one that comes back continues the old one's
-- revisions); a changed one archives the revision it supersedes.
CREATE OR REPLACE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
#variable_conflict use_column
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
	p_type text := entity_type;
	p_data jsonb := data;
	actor text := tagstore.current_actor();
	entity_ids bigint[];
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
BEGIN
	-- the arguments
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_data IS NOT NULL AND octet_length(p_data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(p_data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;

	-- the tag, locked KEY SHARE: a concurrent removal of it waits for us, or
	-- we for it.  In a free-form taxonomy an unknown root tag is created.
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND tagstore.nlevel(tag) = 2 THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)));
		IF t.id IS NULL THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
		END IF;
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		-- tag_id() raises the right error, or finds the tag if it appeared since
		SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag) FOR KEY SHARE;
		IF g.id IS NULL THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
		END IF;
	END IF;

	-- the entities, created if new (those that exist are not offered: an
	-- insert that conflicts would still take an id from the sequence)
	INSERT INTO tagstore.entity AS e (entity_type, external_id)
		SELECT DISTINCT p_type, x FROM unnest(external_ids) x
		WHERE NOT EXISTS (SELECT 1 FROM tagstore.entity o
						  WHERE o.entity_type = p_type AND o.external_id = x)
		ON CONFLICT DO NOTHING;
	entity_ids := ARRAY(SELECT e.id FROM tagstore.entity e
						WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids));

	-- Lock the taggings that exist, in a statement of their own: if a
	-- concurrent untag or retag holds one, we wait for it, and the
	-- statements below see its outcome and number our revisions after it.
	PERFORM 1 FROM tagstore.tagging x
	WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
	ORDER BY x.entity_id FOR UPDATE;

	-- new taggings; one that comes back continues the old one's revisions
	WITH added AS (
		INSERT INTO tagstore.tagging (tag_id, entity_id, data, revision, operation, tagged_by)
		SELECT g.id, i.eid, p_data,
			   coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = g.id AND r.entity_id = i.eid), 0) + 1,
			   'tag', actor
		FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
		ON CONFLICT DO NOTHING
		RETURNING tagging.entity_id, tagging.revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive (the tagging state
		-- of section 08), then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
									  'external_id', e.external_id, 'data', x.data, 'deleted', false)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING tagging_revision.entity_id
		), updated AS (
			UPDATE tagstore.tagging x
			SET data = p_data, revision = x.revision + 1, operation = 'retag',
				tagged_by = actor, tagged_at = now()
			FROM old
			WHERE x.tag_id = g.id AND x.entity_id = old.entity_id
			RETURNING x.entity_id, x.revision
		)
		SELECT array_agg(u.entity_id), array_agg(u.revision) INTO changed, changed_revisions FROM updated u;
	END IF;

	-- one row per entity: what happened, and the tagging's revision
	RETURN QUERY
	SELECT e.external_id,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	JOIN tagstore.entity e ON e.id = i.eid
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid
	ORDER BY e.external_id;
END $$;
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';

-- Untags entities from one tag: each tagging's last revision is archived,
-- followed by its tombstone (the tagging state of section 08).
CREATE OR REPLACE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
BEGIN
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	RETURN QUERY
	WITH items AS (
		SELECT DISTINCT x, e.id
		FROM unnest(external_ids) x
		LEFT JOIN tagstore.entity e ON e.entity_type = p_type AND e.external_id = x
	), gone AS (
		DELETE FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id IN (SELECT i.id FROM items i)
		RETURNING x.*
	), history AS (
		INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
		SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', d.data, 'deleted', false)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
		UNION ALL
		SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', NULL, 'deleted', true)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
	)
	SELECT i.x, CASE WHEN d.entity_id IS NULL THEN 'not tagged' ELSE 'untagged' END, d.revision + 1
	FROM items i LEFT JOIN gone d ON d.entity_id = i.id
	ORDER BY i.x;
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';

-- tags_of: an entity's tags (optionally those matching a pattern), with the
-- tagging's data, who tagged and when.
CREATE OR REPLACE FUNCTION tagstore.tags_of(entity_type text, external_id text, pattern @extschema@.tagquery DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, data jsonb, tagged_by text, tagged_at timestamptz, revision integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	p_type text := $1;		-- the OUT columns have other names, but keep it plain
	p_external_id text := $2;
BEGIN
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT t.path, x.data, x.tagged_by, x.tagged_at, x.revision
	FROM tagstore.entity e
	JOIN tagstore.tagging x ON x.entity_id = e.id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE e.entity_type = p_type AND e.external_id = p_external_id
	  AND (pattern IS NULL OR t.path ~ pattern)
	ORDER BY t.key;
END $$;
COMMENT ON FUNCTION tagstore.tags_of(text, text, @extschema@.tagquery) IS
	'an entity''s tags (those matching the pattern, if given) with each tagging''s data, who tagged and when';

-- A tag's revisions, by name: the tag of that name, live or else the one
-- deleted last, and its revisions as tag_history by id gives them.
CREATE OR REPLACE FUNCTION tagstore.tag_history(tag @extschema@.tagpath)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tag_history(tid);
END $$;
COMMENT ON FUNCTION tagstore.tag_history(@extschema@.tagpath) IS 'a tag''s revisions, oldest first (also of a deleted tag)';

-- A tagging's revisions, by tag name (live or deleted, as tag_history).
CREATE OR REPLACE FUNCTION tagstore.tagging_history(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	IF $2 IS NULL OR $2 = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF $3 IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tagging_history(tid, $2, $3);
END $$;
COMMENT ON FUNCTION tagstore.tagging_history(@extschema@.tagpath, text, text) IS 'a tagging''s revisions, oldest first';

-- entities whose tagging with the tag (or a descendant) carries data
-- containing filter: C too, the same search with a filter on the taggings'
-- data (src/engine/api.c)
CREATE OR REPLACE FUNCTION tagstore.entities_with_tag_data(tag @extschema@.tagpath, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_tag_data' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.entities_with_tag_data(@extschema@.tagpath, jsonb, text, text, boolean, @extschema@.tagpath[]) IS
	'entities whose tagging with the tag (or a descendant) carries data containing filter (@>); index-backed';

CREATE OR REPLACE FUNCTION tagstore.entities_matching(pattern @extschema@.tagquery, entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'pattern must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT DISTINCT e.entity_type, e.external_id
	FROM tagstore.tag t
	JOIN tagstore.tagging g ON g.tag_id = t.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	WHERE t.path ~ $1
	  AND ($2 IS NULL OR e.entity_type = $2)
	  AND ($3 IS NULL OR starts_with(e.external_id, $3))
	ORDER BY 1, 2;
END $$;
COMMENT ON FUNCTION tagstore.entities_matching(@extschema@.tagquery, text, text) IS
	'entities carrying a tag whose name matches the pattern';

CREATE OR REPLACE FUNCTION tagstore.find_tags(taxonomy text, search text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, matched boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	needle text;
BEGIN
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	IF search IS NULL THEN
		RAISE EXCEPTION 'search must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	needle := label_casefold(search);
	RETURN QUERY
	WITH matches AS (
		SELECT g.key FROM tagstore.tag g
		WHERE g.taxonomy_id = t.id AND strpos(label_casefold(g.value), needle) > 0
	), context AS (
		SELECT DISTINCT a.key FROM matches m CROSS JOIN LATERAL unnest(tagpath_prefixes(m.key)) a(key)
		WHERE tagstore.nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;
COMMENT ON FUNCTION tagstore.find_tags(text, text) IS
	'tags whose value contains the text case-insensitively, with their ancestors for context (autocomplete)';


-- between names and ids.  tag_id() is also how the functions of sections
-- 10 to 12 find the tags they name: the live tag's id, or the error that
-- says what the name is (no tag at all, an unknown taxonomy, a deleted tag).
CREATE OR REPLACE FUNCTION tagstore.tag_id(tag @extschema@.tagpath) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		IF tagstore.nlevel(tag) < 2 THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
		END IF;
		IF NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x
					   WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)))) THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1))
				USING ERRCODE = 'undefined_object';
		END IF;
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)) THEN
			RAISE EXCEPTION 'tag "%" was deleted', tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
		END IF;
		RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
	END IF;
	RETURN tid;
END $$;
COMMENT ON FUNCTION tagstore.tag_id(@extschema@.tagpath) IS 'the id of the tag a path names';

-- the revisions of a tag, or of a tagging, by tag id (live or deleted): the
-- archived ones, then the live row (the states of section 08)
CREATE OR REPLACE FUNCTION tagstore.tag_history(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = $1
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at,
		   jsonb_build_object('id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
			   'parent', CASE WHEN tagstore.nlevel(t.path) > 2 THEN parent(t.path)::text END,
			   'external_id', t.external_id, 'description', t.description, 'category', t.category,
			   'originator', t.originator, 'revision', t.revision, 'deleted', false)
	FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id WHERE t.id = $1
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tag_history(bigint) IS 'tag_history by id';

CREATE OR REPLACE FUNCTION tagstore.tagging_history(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   jsonb_build_object('tag', t.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', x.data, 'deleted', false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tagging_history(bigint, text, text) IS 'tagging_history by tag id';


REVOKE EXECUTE ON FUNCTION tagstore._tagging_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tagstore._subtree_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION tagstore._taggings_truncated() FROM PUBLIC;

DROP FUNCTION tagstore._clean_label(text, text);
DROP FUNCTION tagstore._check_text(text, text, integer);
DROP FUNCTION tagstore._required(anyelement, text);
DROP FUNCTION tagstore._taxonomy(text, text);
DROP FUNCTION tagstore._lock_taxonomy_of(@extschema@.tagpath, text);
DROP FUNCTION tagstore._tag(@extschema@.tagpath, text);
DROP FUNCTION tagstore._tag_id_any(@extschema@.tagpath);
DROP FUNCTION tagstore._tag_state(tagstore.tag, boolean);
DROP FUNCTION tagstore._archive_tags(@extschema@.tagpath, boolean);
DROP FUNCTION tagstore._rewrite_subtree(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, text);
DROP FUNCTION tagstore._check_entity(text, text);
DROP FUNCTION tagstore._check_entities(text, text[]);
DROP FUNCTION tagstore._check_data(jsonb);
DROP FUNCTION tagstore._entity_id(text, text);
DROP FUNCTION tagstore._untag_subtree(@extschema@.tagpath);
DROP FUNCTION tagstore._tagging_state(@extschema@.tagpath, bigint, jsonb, boolean);
DROP FUNCTION tagstore._tag_for_tagging(@extschema@.tagpath);
DROP FUNCTION tagstore._tag_entities(tagstore.tag, bigint[], jsonb);
DROP FUNCTION tagstore._untag_entities(tagstore.tag, bigint[]);
DROP FUNCTION tagstore._add_tag_to(@extschema@.tagpath, text, text, jsonb);
DROP FUNCTION tagstore._tag_history(bigint);
DROP FUNCTION tagstore._tagging_history(bigint, text, text);
DROP FUNCTION tagstore._entity_ids(@extschema@.tagpath[], boolean, boolean, @extschema@.tagpath[], jsonb);
DROP FUNCTION tagstore._entities(bigint[], text, text);
DROP FUNCTION tagstore._matches_any(text, text[], boolean);
DROP FUNCTION tagstore._search_tags(text[], text[], text[], boolean);

-- Outside UTF8, the folded names in the new form, and the indexes that
-- hold folded labels rebuilt.  (1.0's folded forms of non-ASCII names were
-- UTF-8 bytes, which no 1.1 folding gives, so no two names can trade keys
-- midway through an update.)
DO $$
DECLARE
	ix regclass;
BEGIN
	IF pg_catalog.current_setting('server_encoding') = 'UTF8' THEN
		RETURN;
	END IF;
	UPDATE tagstore.taxonomy SET name_key = @extschema@.label_casefold(name)
	WHERE name_key IS DISTINCT FROM @extschema@.label_casefold(name);
	UPDATE tagstore.tag SET key = @extschema@.label_casefold(path)
	WHERE key OPERATOR(@extschema@.<>) @extschema@.label_casefold(path);
	UPDATE tagstore.tag_tombstone SET key = @extschema@.label_casefold(path)
	WHERE key OPERATOR(@extschema@.<>) @extschema@.label_casefold(path);
	FOR ix IN
		SELECT DISTINCT d.objid::regclass
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_class c ON c.oid = d.objid AND c.relkind IN ('i', 'I')
		WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
		  AND ((d.refclassid = 'pg_catalog.pg_opclass'::pg_catalog.regclass
				AND d.refobjid IN (SELECT o.oid FROM pg_catalog.pg_opclass o
								   JOIN pg_catalog.pg_am a ON a.oid = o.opcmethod
								   WHERE a.amname = 'gist'
									 AND o.opcintype IN ('@extschema@.tagpath'::pg_catalog.regtype,
														 '@extschema@.tagpath[]'::pg_catalog.regtype)))
			   OR (d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
				   AND d.refobjid IN ('@extschema@.label_casefold(text)'::pg_catalog.regprocedure,
									  '@extschema@.label_casefold(@extschema@.tagpath)'::pg_catalog.regprocedure)))
	LOOP
		EXECUTE pg_catalog.format('REINDEX INDEX %s', ix);
	END LOOP;
END $$;
-- ==== END closed internals, every server encoding (issue #22) ====

-- ---------------------------------------------------------------------------
-- tagstore.verify() (issue #22): checks the closure postings against the
-- taggings and tagstore's derived data and invariants; one row per problem.
-- As sql/src/17_verify.sql, which says what each problem means.  Not for
-- PUBLIC.  Defined once, here, in its final form: it also reports what the
-- blocks below bring (tombstones of missing taxonomies, grants of missing
-- taxonomies and roles, tagging counts); a SQL function's body is not checked while an
-- extension script runs, so the tables it names may come later.
-- ---------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------
-- Tag listings in time linear in the taxonomy (issue #22): tag_counts(),
-- one pass over some subtrees' tags and taggings (src/engine/tag_counts.c),
-- and tags() and tree() in C on it (src/engine/listings.c, where
-- search_tags() is too).  As sql/src/15_browse.sql.
-- ---------------------------------------------------------------------------

-- The counts of every tag listing: the tags of some subtrees in key order,
-- each with its taggings and the distinct entities tagged with it or below
-- it, after a first row (tag_id NULL) that counts the whole; one pass over
-- the subtrees' tags and taggings, whatever the tree's shape
-- (src/engine/tag_counts.c).  Tags are named by path, in any case, or a
-- taxonomy by its name alone (all of its tags).
CREATE FUNCTION tagstore.tag_counts(tags @extschema@.tagpath[])
RETURNS TABLE (tag_id bigint, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tag_counts' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tag_counts(@extschema@.tagpath[]) IS
	'every tag under the given tags (or taxonomies) in key order with its direct and total entity counts, after a row (tag_id NULL) for the whole; one pass';

CREATE OR REPLACE FUNCTION tagstore.tags(taxonomy text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, parent @extschema@.tagpath,
			   direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tags(text) IS
	'a taxonomy''s tags depth-first (siblings in case-insensitive order) with entity counts: direct, and with descendants';

CREATE OR REPLACE FUNCTION tagstore.tree(taxonomy text) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'tagstore_tree' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.tree(text) IS 'a taxonomy drawn as a tree with entity counts, for psql (box-drawing characters in a UTF8 database, ASCII art in others)';

-- ---------------------------------------------------------------------------
-- The extension's owner (issue #18, item 1): a database owner without
-- superuser who created the trusted extension gets what it needs to use
-- all of tagstore, grant it on to the application's roles and pg_dump it,
-- WITH GRANT OPTION; PUBLIC gets nothing new.  As sql/src/99_owner.sql,
-- which says why; @extowner@ is the installed extension's owner.  A later
-- block that creates a table, sequence or function for the owner grants it
-- the same way.
-- ---------------------------------------------------------------------------

GRANT USAGE ON SCHEMA tagstore TO @extowner@ WITH GRANT OPTION;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON ALL TABLES IN SCHEMA tagstore
	TO @extowner@ WITH GRANT OPTION;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA tagstore TO @extowner@ WITH GRANT OPTION;
GRANT EXECUTE ON FUNCTION tagstore.verify(), tagstore._verify_postings() TO @extowner@ WITH GRANT OPTION;

-- ---------------------------------------------------------------------------
-- No foreign keys among tagstore's tables (issue #18, item 4): a parallel
-- pg_restore loads the extension's configuration tables in any order, and
-- their foreign keys, made by CREATE EXTENSION before the data, failed the
-- loads of tag and tagging (a restored database with no tags).  The
-- foreign keys are dropped; AFTER DELETE statement triggers cascade the
-- deletes as ON DELETE CASCADE did, AFTER TRUNCATE triggers refuse to leave
-- rows naming nothing (src/engine/cascade.c; sql/src/06_tables.sql says
-- why).  The bulk add_tag_to locks the entities it tags (the foreign key's
-- check did), and verify() (defined above) reports tombstones of taxonomies
-- that do not exist.  As sql/src/06_tables.sql, 07_postings.sql, 11_tagging.sql
-- and 17_verify.sql.
-- ---------------------------------------------------------------------------

-- every foreign key among the tables of the schema tagstore (1.0 made
-- seven: tag's taxonomy and parent, tag_tombstone's taxonomy, tagging's tag
-- and entity, posted_tag's tag, posting's posted tag)
DO $$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT k.conrelid::pg_catalog.regclass AS tab, k.conname
		FROM pg_catalog.pg_constraint k
		JOIN pg_catalog.pg_class r ON r.oid = k.conrelid
		JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
		WHERE k.contype = 'f'
		  AND r.relnamespace = 'tagstore'::pg_catalog.regnamespace
		  AND f.relnamespace = 'tagstore'::pg_catalog.regnamespace
		ORDER BY 1, 2
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE %s DROP CONSTRAINT %I', c.tab, c.conname);
	END LOOP;
END $$;

CREATE FUNCTION tagstore._delete_cascade() RETURNS trigger
	AS 'MODULE_PATHNAME', 'tagstore_delete_cascade' LANGUAGE C;
COMMENT ON FUNCTION tagstore._delete_cascade() IS
	'internal trigger: deletes the rows that named the rows deleted (as ON DELETE CASCADE), and refuses a TRUNCATE that would leave such rows';
REVOKE EXECUTE ON FUNCTION tagstore._delete_cascade() FROM PUBLIC;
CREATE TRIGGER taxonomy_delete_cascade AFTER DELETE ON tagstore.taxonomy
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER taxonomy_truncate_check AFTER TRUNCATE ON tagstore.taxonomy
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER tag_delete_cascade AFTER DELETE ON tagstore.tag
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER tag_truncate_check AFTER TRUNCATE ON tagstore.tag
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER entity_delete_cascade AFTER DELETE ON tagstore.entity
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER entity_truncate_check AFTER TRUNCATE ON tagstore.entity
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();

CREATE TRIGGER posted_tag_delete_cascade AFTER DELETE ON tagstore.posted_tag
	REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();
CREATE TRIGGER posted_tag_truncate_check AFTER TRUNCATE ON tagstore.posted_tag
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._delete_cascade();

CREATE OR REPLACE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
#variable_conflict use_column
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
	p_type text := entity_type;
	p_data jsonb := data;
	actor text := tagstore.current_actor();
	entity_ids bigint[];
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
	wanted bigint;
BEGIN
	-- the arguments
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_data IS NOT NULL AND octet_length(p_data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(p_data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;

	-- the tag, locked KEY SHARE: a concurrent removal of it waits for us, or
	-- we for it.  In a free-form taxonomy an unknown root tag is created.
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND tagstore.nlevel(tag) = 2 THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)));
		IF t.id IS NULL THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
		END IF;
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		-- tag_id() raises the right error, or finds the tag if it appeared since
		SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag) FOR KEY SHARE;
		IF g.id IS NULL THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
		END IF;
	END IF;

	-- the entities, created if new (those that exist are not offered: an
	-- insert that conflicts would still take an id from the sequence), and
	-- locked KEY SHARE as the tag is: a concurrent delete of one waits for
	-- us, and its cascade then deletes our taggings too.  One deleted while
	-- we waited for its lock is created again (in READ COMMITTED; in the
	-- other levels the lock fails with a serialization failure).
	wanted := (SELECT count(DISTINCT x) FROM unnest(external_ids) x);
	LOOP
		INSERT INTO tagstore.entity AS e (entity_type, external_id)
			SELECT DISTINCT p_type, x FROM unnest(external_ids) x
			WHERE NOT EXISTS (SELECT 1 FROM tagstore.entity o
							  WHERE o.entity_type = p_type AND o.external_id = x)
			ON CONFLICT DO NOTHING;
		entity_ids := ARRAY(SELECT e.id FROM tagstore.entity e
							WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids)
							ORDER BY e.id FOR KEY SHARE);
		EXIT WHEN cardinality(entity_ids) = wanted;
	END LOOP;

	-- Lock the taggings that exist, in a statement of their own: if a
	-- concurrent untag or retag holds one, we wait for it, and the
	-- statements below see its outcome and number our revisions after it.
	PERFORM 1 FROM tagstore.tagging x
	WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
	ORDER BY x.entity_id FOR UPDATE;

	-- new taggings; one that comes back continues the old one's revisions
	WITH added AS (
		INSERT INTO tagstore.tagging (tag_id, entity_id, data, revision, operation, tagged_by)
		SELECT g.id, i.eid, p_data,
			   coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = g.id AND r.entity_id = i.eid), 0) + 1,
			   'tag', actor
		FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
		ON CONFLICT DO NOTHING
		RETURNING tagging.entity_id, tagging.revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive (the tagging state
		-- of section 08), then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
									  'external_id', e.external_id, 'data', x.data, 'deleted', false)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING tagging_revision.entity_id
		), updated AS (
			UPDATE tagstore.tagging x
			SET data = p_data, revision = x.revision + 1, operation = 'retag',
				tagged_by = actor, tagged_at = now()
			FROM old
			WHERE x.tag_id = g.id AND x.entity_id = old.entity_id
			RETURNING x.entity_id, x.revision
		)
		SELECT array_agg(u.entity_id), array_agg(u.revision) INTO changed, changed_revisions FROM updated u;
	END IF;

	-- one row per entity: what happened, and the tagging's revision
	RETURN QUERY
	SELECT e.external_id,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	JOIN tagstore.entity e ON e.id = i.eid
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid
	ORDER BY e.external_id;
END $$;
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';

-- Every driver binds right (issue #18): the bulk forms and the forms by id
-- get names of their own instead of overloads, search_tags() gets typed
-- parameters, and tagpath leaves the string category.  As sql/src/01, 11,
-- 12, 14 and 16.
-- ---------------------------------------------------------------------------

-- tagpath in the user-defined category, as ltree (CREATE TYPE's default)
UPDATE pg_catalog.pg_type SET typcategory = 'U' WHERE oid = '@extschema@.tagpath'::pg_catalog.regtype;

-- the bulk forms: add_tag_to_many and remove_tag_from_many
ALTER FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text[], jsonb) RENAME TO add_tag_to_many;
ALTER FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text[]) RENAME TO remove_tag_from_many;
CREATE OR REPLACE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF entity_type IS NULL OR entity_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN (SELECT r.revision FROM tagstore.remove_tag_from_many(tag, entity_type, ARRAY[external_id]) r);
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text) IS 'untag an entity (idempotent); returns the tombstone revision, or NULL if it was not tagged';

-- the forms by id: named _by_id
DROP FUNCTION tagstore.add_tag(text, text, bigint, text, text, text);
DROP FUNCTION tagstore.update_tag(bigint, text, text, text, integer, boolean);
DROP FUNCTION tagstore.remove_tag(bigint, boolean);
DROP FUNCTION tagstore.rename_tag(bigint, text);
DROP FUNCTION tagstore.move_tag(bigint, bigint);
DROP FUNCTION tagstore.add_tag_to(bigint, text, text, jsonb);
DROP FUNCTION tagstore.add_tag_to(bigint, text, text[], jsonb);
DROP FUNCTION tagstore.remove_tag_from(bigint, text, text);
DROP FUNCTION tagstore.remove_tag_from(bigint, text, text[]);
DROP FUNCTION tagstore.tag_history(bigint);
DROP FUNCTION tagstore.tagging_history(bigint, text, text);
DROP FUNCTION tagstore.entities_with_tag_data(bigint, jsonb, text, text, boolean, @extschema@.tagpath[]);
CREATE FUNCTION tagstore.add_tag_by_id(taxonomy text, value text, parent_id bigint,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.add_tag($1, $2, tagstore.tag_path($3), $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.add_tag_by_id(text, text, bigint, text, text, text) IS 'add_tag with the parent given by id';
CREATE FUNCTION tagstore.update_tag_by_id(tag_id bigint, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.update_tag(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.update_tag_by_id(bigint, text, text, text, integer, boolean) IS 'update_tag by id';
CREATE FUNCTION tagstore.remove_tag_by_id(tag_id bigint, cascade boolean DEFAULT false) RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.remove_tag_by_id(bigint, boolean) IS 'remove_tag by id';
CREATE FUNCTION tagstore.rename_tag_by_id(tag_id bigint, new_value text) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.rename_tag(tagstore.tag_path($1), $2) $$;
COMMENT ON FUNCTION tagstore.rename_tag_by_id(bigint, text) IS 'rename_tag by id';
CREATE FUNCTION tagstore.move_tag_by_id(tag_id bigint, new_parent_id bigint) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.move_tag(tagstore.tag_path($1), CASE WHEN $2 IS NOT NULL THEN tagstore.tag_path($2) END) $$;
COMMENT ON FUNCTION tagstore.move_tag_by_id(bigint, bigint) IS 'move_tag by ids';
CREATE FUNCTION tagstore.add_tag_to_by_id(tag_id bigint, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_id' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to_by_id(bigint, text, text, jsonb) IS 'add_tag_to by tag id';
CREATE FUNCTION tagstore.add_tag_to_many_by_id(tag_id bigint, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.add_tag_to_many(tagstore.tag_path($1), $2, $3, $4) $$;
COMMENT ON FUNCTION tagstore.add_tag_to_many_by_id(bigint, text, text[], jsonb) IS 'add_tag_to_many by tag id';
CREATE FUNCTION tagstore.remove_tag_from_by_id(tag_id bigint, entity_type text, external_id text) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from_by_id(bigint, text, text) IS 'remove_tag_from by tag id';
CREATE FUNCTION tagstore.remove_tag_from_many_by_id(tag_id bigint, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.remove_tag_from_many(tagstore.tag_path($1), $2, $3) $$;
COMMENT ON FUNCTION tagstore.remove_tag_from_many_by_id(bigint, text, text[]) IS 'remove_tag_from_many by tag id';
-- the revisions of a tag, or of a tagging, by tag id (live or deleted): the
-- archived ones, then the live row (the states of section 08)
CREATE FUNCTION tagstore.tag_history_by_id(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = $1
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at,
		   jsonb_build_object('id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
			   'parent', CASE WHEN tagstore.nlevel(t.path) > 2 THEN parent(t.path)::text END,
			   'external_id', t.external_id, 'description', t.description, 'category', t.category,
			   'originator', t.originator, 'revision', t.revision, 'deleted', false)
	FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id WHERE t.id = $1
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tag_history_by_id(bigint) IS 'tag_history by id';
CREATE FUNCTION tagstore.tagging_history_by_id(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   jsonb_build_object('tag', t.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', x.data, 'deleted', false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tagging_history_by_id(bigint, text, text) IS 'tagging_history by tag id';
CREATE FUNCTION tagstore.entities_with_tag_data_by_id(tag_id bigint, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.entities_with_tag_data(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
COMMENT ON FUNCTION tagstore.entities_with_tag_data_by_id(bigint, jsonb, text, text, boolean, @extschema@.tagpath[]) IS 'entities_with_tag_data by tag id';

CREATE OR REPLACE FUNCTION tagstore.tag_history(tag @extschema@.tagpath)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tag_history_by_id(tid);
END $$;
COMMENT ON FUNCTION tagstore.tag_history(@extschema@.tagpath) IS 'a tag''s revisions, oldest first (also of a deleted tag)';

CREATE OR REPLACE FUNCTION tagstore.tagging_history(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		tid := tagstore.tag_id(tag);		-- raises the right error
	END IF;
	IF $2 IS NULL OR $2 = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF $3 IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY SELECT * FROM tagstore.tagging_history_by_id(tid, $2, $3);
END $$;
COMMENT ON FUNCTION tagstore.tagging_history(@extschema@.tagpath, text, text) IS 'a tagging''s revisions, oldest first';

-- search_tags with typed parameters
DROP FUNCTION tagstore.search_tags("any", "any", "any", boolean);
CREATE FUNCTION tagstore.search_tags(taxonomy text DEFAULT NULL, value text DEFAULT NULL,
	originator text DEFAULT NULL, pattern boolean DEFAULT false, any_taxonomy text[] DEFAULT NULL,
	any_value text[] DEFAULT NULL, any_originator text[] DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_search_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.search_tags(text, text, text, boolean, text[], text[], text[]) IS
	'tags by taxonomy, value and originator (one each, or any of a list; case-insensitive; with pattern, * and ? are wildcards), with metadata and counts, by name';

-- ---------------------------------------------------------------------------
-- Per-taxonomy privileges (issue #18, item 2): read < tag < edit < admin,
-- granted per taxonomy by grant_taxonomy and revoke_taxonomy (admin only),
-- checked by every API function that writes (42501 naming the taxonomy
-- and the privilege), and the tags of taxonomies the caller may not read
-- are not there for searches, listings and tags_of.  As sections 06, 09 to
-- 17 of sql/src/ make them.  So that a 1.0 database behaves as before,
-- PUBLIC is granted admin on every taxonomy that exists now; its owners
-- revoke that when they are ready (README.md, Upgrading).
-- ---------------------------------------------------------------------------

CREATE TABLE tagstore.taxonomy_grant (
	taxonomy_id uuid NOT NULL,
	grantee regrole NOT NULL,
	privilege text NOT NULL CHECK (privilege IN ('read', 'tag', 'edit', 'admin')),
	granted_by text NOT NULL,
	granted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (taxonomy_id, grantee)
);
COMMENT ON TABLE tagstore.taxonomy_grant IS 'per-taxonomy privileges: one level (read, tag, edit, admin) per grantee; grantee 0 is PUBLIC';
SELECT pg_catalog.pg_extension_config_dump('tagstore.taxonomy_grant', '');

CREATE FUNCTION tagstore._taxonomy_acl_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'tagstore_taxonomy_acl_changed' LANGUAGE C;
COMMENT ON FUNCTION tagstore._taxonomy_acl_changed() IS
	'internal trigger: tells every session that the per-taxonomy privileges may have changed';
REVOKE EXECUTE ON FUNCTION tagstore._taxonomy_acl_changed() FROM PUBLIC;
CREATE TRIGGER taxonomy_acl_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tagstore.taxonomy
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._taxonomy_acl_changed();
CREATE TRIGGER taxonomy_grant_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tagstore.taxonomy_grant
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._taxonomy_acl_changed();

CREATE FUNCTION tagstore.has_taxonomy_privilege(taxonomy text, privilege text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'tagstore_has_taxonomy_privilege' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.has_taxonomy_privilege(text, text) IS
	'does the current user hold the privilege (read, tag, edit, admin) on the taxonomy; NULL if there is no such taxonomy';

-- grant_taxonomy: raises a role's (or PUBLIC's) level on a taxonomy to the
-- privilege, never lowers it.  Only admin may grant.
CREATE FUNCTION tagstore.grant_taxonomy(taxonomy text, role text, privilege text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	levels text[] := ARRAY['read', 'tag', 'edit', 'admin'];
	t tagstore.taxonomy;
	who regrole;
	level text := lower(privilege);
BEGIN
	FOR i IN 1 .. 3 LOOP
		IF (ARRAY[taxonomy, role, privilege])[i] IS NULL THEN
			RAISE EXCEPTION '% must not be NULL', (ARRAY['taxonomy', 'role', 'privilege'])[i]
				USING ERRCODE = 'null_value_not_allowed';
		END IF;
	END LOOP;
	IF array_position(levels, level) IS NULL THEN
		RAISE EXCEPTION 'unrecognized taxonomy privilege type: "%"', privilege
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The privileges are read, tag, edit and admin.';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR SHARE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'admin') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege admin is needed.';
	END IF;
	who := CASE WHEN lower(role) = 'public' THEN '-'::regrole ELSE to_regrole(role) END;
	IF who IS NULL THEN
		RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
	END IF;
	INSERT INTO tagstore.taxonomy_grant AS g (taxonomy_id, grantee, privilege, granted_by)
	VALUES (t.id, who, level, current_user)
	ON CONFLICT (taxonomy_id, grantee) DO UPDATE
	SET privilege = excluded.privilege, granted_by = excluded.granted_by, granted_at = excluded.granted_at
	WHERE array_position(levels, g.privilege) < array_position(levels, excluded.privilege);
END $$;
COMMENT ON FUNCTION tagstore.grant_taxonomy(text, text, text) IS
	'grant a role (or PUBLIC) a privilege on a taxonomy: read, tag, edit or admin, each including those before it; needs admin';

-- revoke_taxonomy: takes the privilege and every higher one from a role (or
-- PUBLIC): it keeps the level below, or nothing.  Only admin may revoke.
CREATE FUNCTION tagstore.revoke_taxonomy(taxonomy text, role text, privilege text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	levels text[] := ARRAY['read', 'tag', 'edit', 'admin'];
	t tagstore.taxonomy;
	who regrole;
	level text := lower(privilege);
BEGIN
	FOR i IN 1 .. 3 LOOP
		IF (ARRAY[taxonomy, role, privilege])[i] IS NULL THEN
			RAISE EXCEPTION '% must not be NULL', (ARRAY['taxonomy', 'role', 'privilege'])[i]
				USING ERRCODE = 'null_value_not_allowed';
		END IF;
	END LOOP;
	IF array_position(levels, level) IS NULL THEN
		RAISE EXCEPTION 'unrecognized taxonomy privilege type: "%"', privilege
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The privileges are read, tag, edit and admin.';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR SHARE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'admin') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege admin is needed.';
	END IF;
	who := CASE WHEN lower(role) = 'public' THEN '-'::regrole ELSE to_regrole(role) END;
	IF who IS NULL THEN
		RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
	END IF;
	IF level = 'read' THEN
		DELETE FROM tagstore.taxonomy_grant g WHERE g.taxonomy_id = t.id AND g.grantee = who;
	ELSE
		UPDATE tagstore.taxonomy_grant g
		SET privilege = levels[array_position(levels, level) - 1], granted_by = current_user, granted_at = now()
		WHERE g.taxonomy_id = t.id AND g.grantee = who
		  AND array_position(levels, g.privilege) >= array_position(levels, level);
	END IF;
END $$;
COMMENT ON FUNCTION tagstore.revoke_taxonomy(text, text, text) IS
	'revoke a privilege on a taxonomy from a role (or PUBLIC), and every higher one: it keeps the level below; needs admin';

-- the functions that check privileges, the view that shows only the
-- taxonomies the caller may read (verify(), defined above, reports grants
-- of missing taxonomies and roles)
CREATE OR REPLACE FUNCTION tagstore.create_taxonomy(name text, description text DEFAULT NULL,
	owner_id text DEFAULT NULL, free_form boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	f record;
	bad text;
	clean text;
	new_id uuid;
BEGIN
	IF name IS NULL THEN
		RAISE EXCEPTION 'taxonomy name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	FOR f IN SELECT * FROM (VALUES (name, 'taxonomy name', 4096), (description, 'description', 4000))
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
		IF f.what = 'taxonomy name' THEN
			IF name ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
				RAISE EXCEPTION 'taxonomy name % has leading or trailing whitespace', quote_literal(name)
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			IF free_form IS NULL THEN
				RAISE EXCEPTION 'free_form must not be NULL' USING ERRCODE = 'null_value_not_allowed';
			END IF;
		END IF;
	END LOOP;
	clean := name;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(name, NFC);
	END IF;
	INSERT INTO tagstore.taxonomy (name, name_key, description, owner_id, free_form)
	VALUES (clean, label_casefold(clean), description, owner_id, free_form)
	ON CONFLICT (name_key) DO NOTHING
	RETURNING id INTO new_id;
	IF new_id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	-- the creating role owns it
	INSERT INTO tagstore.taxonomy_grant (taxonomy_id, grantee, privilege, granted_by)
	VALUES (new_id, current_user::regrole, 'admin', current_user);
	RETURN new_id;
END $$;
COMMENT ON FUNCTION tagstore.create_taxonomy(text, text, text, boolean) IS
	'create a taxonomy (name unique case-insensitively), granting admin on it to the current role; free_form: tagging with an unknown value creates it; returns its id';

CREATE OR REPLACE FUNCTION tagstore.rename_taxonomy(name text, new_name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	c1 text := CASE WHEN current_setting('server_encoding') ~ '^(UTF8|LATIN[0-9]+|ISO_8859_[5-8])$'
					THEN '\x80-\x9f' ELSE '' END;
	t tagstore.taxonomy;
	bad text;
	clean text;
	root tagstore.tag;
BEGIN
	-- the taxonomy, locked against every other change to it
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'admin') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege admin is needed.';
	END IF;

	-- the new name, checked as create_taxonomy checks one
	IF new_name IS NULL THEN
		RAISE EXCEPTION 'taxonomy name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF new_name = '' THEN
		RAISE EXCEPTION 'taxonomy name must not be empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(new_name) > 4096 THEN
		RAISE EXCEPTION 'taxonomy name is too long: % characters, the maximum is 4096', length(new_name)
			USING ERRCODE = 'string_data_right_truncation';
	END IF;
	bad := coalesce(substring(new_name from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f' || c1 || ']'),
					substring(new_name from '[\t\n\r]'));
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'taxonomy name % contains a control character',
			quote_literal(regexp_replace(new_name, '[\x01-\x1f\x7f' || c1 || ']', '?', 'g'))
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Control character U+%s at character %s.',
								  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(new_name, bad));
	END IF;
	IF new_name ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
		RAISE EXCEPTION 'taxonomy name % has leading or trailing whitespace', quote_literal(new_name)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	clean := new_name;
	IF current_setting('server_encoding') = 'UTF8' THEN
		clean := normalize(new_name, NFC);
	END IF;

	IF label_casefold(clean) <> t.name_key
	   AND EXISTS (SELECT 1 FROM tagstore.taxonomy WHERE name_key = label_casefold(clean)) THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.taxonomy SET name = clean, name_key = label_casefold(clean) WHERE id = t.id;

	-- every tag's name changes: each tag gets a new revision, the one it
	-- supersedes archived first (the tag state of section 08)
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT g.id, g.revision, g.operation, g.actor, g.updated_at,
		   jsonb_build_object('id', g.id, 'taxonomy', t.name, 'path', g.path::text, 'value', g.value,
			   'parent', CASE WHEN tagstore.nlevel(g.path) > 2 THEN parent(g.path)::text END,
			   'external_id', g.external_id, 'description', g.description, 'category', g.category,
			   'originator', g.originator, 'revision', g.revision, 'deleted', false)
	FROM tagstore.tag g WHERE g.taxonomy_id = t.id;
	UPDATE tagstore.tag
	SET path = tagpath(ARRAY[clean]) || tagstore.subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || tagstore.subpath(key, 1),
		revision = revision + 1,
		operation = 'rename',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE taxonomy_id = t.id;
	UPDATE tagstore.tag_tombstone
	SET path = tagpath(ARRAY[clean]) || tagstore.subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || tagstore.subpath(key, 1)
	WHERE taxonomy_id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.rename_taxonomy(text, text) IS 'rename a taxonomy; its tags'' names follow (with revisions)';

CREATE OR REPLACE FUNCTION tagstore.drop_taxonomy(name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	ids bigint[];
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold($1) FOR UPDATE;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', $1 USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'admin') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege admin is needed.';
	END IF;
	ids := ARRAY(SELECT id FROM tagstore.tag WHERE taxonomy_id = t.id
				 UNION ALL SELECT id FROM tagstore.tag_tombstone WHERE taxonomy_id = t.id);
	DELETE FROM tagstore.tagging_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.tag_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.taxonomy WHERE id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.drop_taxonomy(text) IS 'drop a taxonomy with its tags, their taggings and all their history';

CREATE OR REPLACE FUNCTION tagstore.add_tag(taxonomy text, value text, parent @extschema@.tagpath DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION tagstore.update_tag(tag @extschema@.tagpath, description text DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION tagstore.remove_tag(tag @extschema@.tagpath, cascade boolean DEFAULT false) RETURNS void
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

CREATE OR REPLACE FUNCTION tagstore.rename_tag(tag @extschema@.tagpath, new_value text) RETURNS @extschema@.tagpath
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

CREATE OR REPLACE FUNCTION tagstore.move_tag(tag @extschema@.tagpath, new_parent @extschema@.tagpath) RETURNS @extschema@.tagpath
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

CREATE OR REPLACE FUNCTION tagstore.add_tag_to_many(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
#variable_conflict use_column
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
	p_type text := entity_type;
	p_data jsonb := data;
	actor text := tagstore.current_actor();
	entity_ids bigint[];
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
	wanted bigint;
	x_name text;
BEGIN
	-- the arguments
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_data IS NOT NULL AND octet_length(p_data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(p_data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;

	-- the tag, locked KEY SHARE: a concurrent removal of it waits for us, or
	-- we for it.  In a free-form taxonomy an unknown root tag is created.
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1))));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'tag') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege tag is needed.';
		END IF;
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND tagstore.nlevel(tag) = 2 THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(leaf(tagstore.subpath(tag, 0, 1)));
		IF t.id IS NULL THEN
			RAISE EXCEPTION 'taxonomy "%" does not exist', leaf(tagstore.subpath(tag, 0, 1)) USING ERRCODE = 'undefined_object';
		END IF;
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		-- tag_id() raises the right error, or finds the tag if it appeared since
		SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag) FOR KEY SHARE;
		IF g.id IS NULL THEN
			RAISE EXCEPTION 'tag "%" does not exist', tag USING ERRCODE = 'undefined_object';
		END IF;
	END IF;

	-- the entities, created if new (those that exist are not offered: an
	-- insert that conflicts would still take an id from the sequence), and
	-- locked KEY SHARE as the tag is: a concurrent delete of one waits for
	-- us, and its cascade then deletes our taggings too.  One deleted while
	-- we waited for its lock is created again (in READ COMMITTED; in the
	-- other levels the lock fails with a serialization failure).
	wanted := (SELECT count(DISTINCT x) FROM unnest(external_ids) x);
	LOOP
		INSERT INTO tagstore.entity AS e (entity_type, external_id)
			SELECT DISTINCT p_type, x FROM unnest(external_ids) x
			WHERE NOT EXISTS (SELECT 1 FROM tagstore.entity o
							  WHERE o.entity_type = p_type AND o.external_id = x)
			ON CONFLICT DO NOTHING;
		entity_ids := ARRAY(SELECT e.id FROM tagstore.entity e
							WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids)
							ORDER BY e.id FOR KEY SHARE);
		EXIT WHEN cardinality(entity_ids) = wanted;
	END LOOP;

	-- Lock the taggings that exist, in a statement of their own: if a
	-- concurrent untag or retag holds one, we wait for it, and the
	-- statements below see its outcome and number our revisions after it.
	PERFORM 1 FROM tagstore.tagging x
	WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
	ORDER BY x.entity_id FOR UPDATE;

	-- new taggings; one that comes back continues the old one's revisions
	WITH added AS (
		INSERT INTO tagstore.tagging (tag_id, entity_id, data, revision, operation, tagged_by)
		SELECT g.id, i.eid, p_data,
			   coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = g.id AND r.entity_id = i.eid), 0) + 1,
			   'tag', actor
		FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
		ON CONFLICT DO NOTHING
		RETURNING tagging.entity_id, tagging.revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive (the tagging state
		-- of section 08), then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
									  'external_id', e.external_id, 'data', x.data, 'deleted', false)
			FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING tagging_revision.entity_id
		), updated AS (
			UPDATE tagstore.tagging x
			SET data = p_data, revision = x.revision + 1, operation = 'retag',
				tagged_by = actor, tagged_at = now()
			FROM old
			WHERE x.tag_id = g.id AND x.entity_id = old.entity_id
			RETURNING x.entity_id, x.revision
		)
		SELECT array_agg(u.entity_id), array_agg(u.revision) INTO changed, changed_revisions FROM updated u;
	END IF;

	-- one row per entity: what happened, and the tagging's revision
	RETURN QUERY
	SELECT e.external_id,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	JOIN tagstore.entity e ON e.id = i.eid
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid
	ORDER BY e.external_id;
END $$;
COMMENT ON FUNCTION tagstore.add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';

CREATE OR REPLACE FUNCTION tagstore.remove_tag_from_many(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
	x_name text;
BEGIN
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO g FROM tagstore.tag x WHERE x.id = tagstore.tag_id(tag);
	x_name := (SELECT x.name FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id);
	IF tagstore.has_taxonomy_privilege(x_name, 'tag') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege tag is needed.';
	END IF;
	RETURN QUERY
	WITH items AS (
		SELECT DISTINCT x, e.id
		FROM unnest(external_ids) x
		LEFT JOIN tagstore.entity e ON e.entity_type = p_type AND e.external_id = x
	), gone AS (
		DELETE FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id IN (SELECT i.id FROM items i)
		RETURNING x.*
	), history AS (
		INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
		SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', d.data, 'deleted', false)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
		UNION ALL
		SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
			   jsonb_build_object('tag', g.path::text, 'entity_type', e.entity_type,
								  'external_id', e.external_id, 'data', NULL, 'deleted', true)
		FROM gone d JOIN tagstore.entity e ON e.id = d.entity_id
	)
	SELECT i.x, CASE WHEN d.entity_id IS NULL THEN 'not tagged' ELSE 'untagged' END, d.revision + 1
	FROM items i LEFT JOIN gone d ON d.entity_id = i.id
	ORDER BY i.x;
END $$;
COMMENT ON FUNCTION tagstore.remove_tag_from_many(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';

CREATE OR REPLACE FUNCTION tagstore.tags_of(entity_type text, external_id text, pattern @extschema@.tagquery DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, data jsonb, tagged_by text, tagged_at timestamptz, revision integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	p_type text := $1;		-- the OUT columns have other names, but keep it plain
	p_external_id text := $2;
BEGIN
	IF p_type IS NULL OR p_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT t.path, x.data, x.tagged_by, x.tagged_at, x.revision
	FROM tagstore.entity e
	JOIN tagstore.tagging x ON x.entity_id = e.id
	JOIN tagstore.tag t ON t.id = x.tag_id
	JOIN tagstore.taxonomy z ON z.id = t.taxonomy_id
	WHERE e.entity_type = p_type AND e.external_id = p_external_id
	  AND (pattern IS NULL OR t.path ~ pattern)
	  AND tagstore.has_taxonomy_privilege(z.name, 'read')
	ORDER BY t.key;
END $$;
COMMENT ON FUNCTION tagstore.tags_of(text, text, @extschema@.tagquery) IS
	'an entity''s tags (those matching the pattern, if given) with each tagging''s data, who tagged and when';

CREATE OR REPLACE FUNCTION tagstore.prune_history(keep integer DEFAULT 10,
	tombstones_older_than interval DEFAULT '365 days') RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	removed bigint := 0;
	n bigint;
	x_name text;
BEGIN
	IF keep IS NULL OR keep < 1 THEN
		RAISE EXCEPTION 'keep must be at least 1, not %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The latest revision of everything is always kept.';
	END IF;
	IF tombstones_older_than IS NULL OR tombstones_older_than < interval '0' THEN
		RAISE EXCEPTION 'tombstones_older_than must be a duration of zero or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the history of every taxonomy: admin of each (the extension's owner is)
	SELECT x.name INTO x_name FROM tagstore.taxonomy x
	WHERE tagstore.has_taxonomy_privilege(x.name, 'admin') IS NOT TRUE ORDER BY x.name_key LIMIT 1;
	IF x_name IS NOT NULL THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'prune_history needs the privilege admin on every taxonomy.';
	END IF;

	-- old tombstones: the deleted tag, its history and its taggings' history
	WITH old AS (
		DELETE FROM tagstore.tag_tombstone WHERE deleted_at < now() - tombstones_older_than RETURNING id
	), gone_taggings AS (
		DELETE FROM tagstore.tagging_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	), gone_tags AS (
		DELETE FROM tagstore.tag_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	)
	SELECT (SELECT count(*) FROM gone_taggings) + (SELECT count(*) FROM gone_tags) INTO n;
	removed := removed + n;

	-- untagged pairs whose last revision is an old tombstone
	WITH last AS (
		SELECT r.tag_id, r.entity_id, max(r.revision) AS revision
		FROM tagstore.tagging_revision r GROUP BY r.tag_id, r.entity_id
	), dead AS (
		SELECT l.tag_id, l.entity_id FROM last l
		JOIN tagstore.tagging_revision r USING (tag_id, entity_id, revision)
		WHERE r.operation = 'untag' AND r.at < now() - tombstones_older_than
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING dead d
		WHERE r.tag_id = d.tag_id AND r.entity_id = d.entity_id RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;

	-- everything else keeps its last `keep` revisions, the live row counting
	-- as the newest one
	WITH ranked AS (
		SELECT r.tag_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tag t WHERE t.id = r.tag_id) THEN 1 ELSE 0 END AS age
		FROM tagstore.tag_revision r
	), gone AS (
		DELETE FROM tagstore.tag_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.revision = k.revision AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;
	WITH ranked AS (
		SELECT r.tag_id, r.entity_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id, r.entity_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tagging x
									 WHERE x.tag_id = r.tag_id AND x.entity_id = r.entity_id)
						THEN 1 ELSE 0 END AS age
		FROM tagstore.tagging_revision r
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.entity_id = k.entity_id AND r.revision = k.revision
		  AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	RETURN removed + n;
END $$;
COMMENT ON FUNCTION tagstore.prune_history(integer, interval) IS
	'keep the last revisions of everything and forget long-deleted tags and taggings; never touches live state; returns revisions removed';

CREATE OR REPLACE FUNCTION tagstore.entities_matching(pattern @extschema@.tagquery, entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'pattern must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN QUERY
	SELECT DISTINCT e.entity_type, e.external_id
	FROM tagstore.tag t
	JOIN tagstore.tagging g ON g.tag_id = t.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	JOIN tagstore.taxonomy z ON z.id = t.taxonomy_id
	WHERE t.path ~ $1
	  AND tagstore.has_taxonomy_privilege(z.name, 'read')
	  AND ($2 IS NULL OR e.entity_type = $2)
	  AND ($3 IS NULL OR starts_with(e.external_id, $3))
	ORDER BY 1, 2;
END $$;
COMMENT ON FUNCTION tagstore.entities_matching(@extschema@.tagquery, text, text) IS
	'entities carrying a tag whose name matches the pattern';

CREATE OR REPLACE FUNCTION tagstore.find_tags(taxonomy text, search text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, matched boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
	needle text;
BEGIN
	IF taxonomy IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(taxonomy);
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', taxonomy USING ERRCODE = 'undefined_object';
	END IF;
	IF tagstore.has_taxonomy_privilege(t.name, 'read') IS NOT TRUE THEN
		RAISE EXCEPTION 'permission denied for taxonomy "%"', t.name
			USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
	END IF;
	IF search IS NULL THEN
		RAISE EXCEPTION 'search must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	needle := label_casefold(search);
	RETURN QUERY
	WITH matches AS (
		SELECT g.key FROM tagstore.tag g
		WHERE g.taxonomy_id = t.id AND strpos(label_casefold(g.value), needle) > 0
	), context AS (
		SELECT DISTINCT a.key FROM matches m CROSS JOIN LATERAL unnest(tagpath_prefixes(m.key)) a(key)
		WHERE tagstore.nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, tagstore.nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;
COMMENT ON FUNCTION tagstore.find_tags(text, text) IS
	'tags whose value contains the text case-insensitively, with their ancestors for context (autocomplete)';

CREATE OR REPLACE FUNCTION tagstore.tag_history_by_id(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	x_name text;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x
			   WHERE x.id = coalesce((SELECT t.taxonomy_id FROM tagstore.tag t WHERE t.id = $1),
									 (SELECT d.taxonomy_id FROM tagstore.tag_tombstone d WHERE d.id = $1)));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'read') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
		END IF;
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = $1
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at,
		   jsonb_build_object('id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
			   'parent', CASE WHEN tagstore.nlevel(t.path) > 2 THEN parent(t.path)::text END,
			   'external_id', t.external_id, 'description', t.description, 'category', t.category,
			   'originator', t.originator, 'revision', t.revision, 'deleted', false)
	FROM tagstore.tag t JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id WHERE t.id = $1
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tag_history_by_id(bigint) IS 'tag_history by id';

CREATE OR REPLACE FUNCTION tagstore.tagging_history_by_id(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	x_name text;
BEGIN
	IF $1 IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	x_name := (SELECT x.name FROM tagstore.taxonomy x
			   WHERE x.id = coalesce((SELECT t.taxonomy_id FROM tagstore.tag t WHERE t.id = $1),
									 (SELECT d.taxonomy_id FROM tagstore.tag_tombstone d WHERE d.id = $1)));
	IF x_name IS NOT NULL THEN
		IF tagstore.has_taxonomy_privilege(x_name, 'read') IS NOT TRUE THEN
			RAISE EXCEPTION 'permission denied for taxonomy "%"', x_name
				USING ERRCODE = 'insufficient_privilege', DETAIL = 'The privilege read is needed.';
		END IF;
	END IF;
	RETURN QUERY
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   jsonb_build_object('tag', t.path::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', x.data, 'deleted', false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = $1 AND e.entity_type = $2 AND e.external_id = $3
	ORDER BY 1;
END $$;
COMMENT ON FUNCTION tagstore.tagging_history_by_id(bigint, text, text) IS 'tagging_history by tag id';

CREATE OR REPLACE VIEW tagstore.taxonomies AS
	SELECT x.id, x.name, x.description, x.owner_id, x.free_form,
		   (SELECT pg_catalog.count(*) FROM tagstore.tag g WHERE g.taxonomy_id = x.id) AS tag_count,
		   x.created_at
	FROM tagstore.taxonomy x
	WHERE tagstore.has_taxonomy_privilege(x.name, 'read')
	ORDER BY x.name_key;
COMMENT ON VIEW tagstore.taxonomies IS 'the taxonomies the current user may read, with their tag counts, by name';


-- the extension's owner may use and hand on the new table (sql/src/99_owner.sql)
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON tagstore.taxonomy_grant
	TO @extowner@ WITH GRANT OPTION;

-- 1.0 had no per-taxonomy privileges: everyone may do everything with the
-- taxonomies that exist
INSERT INTO tagstore.taxonomy_grant (taxonomy_id, grantee, privilege, granted_by)
SELECT x.id, '-'::regrole, 'admin', current_user FROM tagstore.taxonomy x;

-- ---------------------------------------------------------------------------
-- A good neighbour to contrib ltree (issue #18, item 5): tagpath's functions
-- with ltree's names (nlevel, subltree, subpath, index, lca) move to the
-- schema tagstore, so that ltree can share the extension's schema: there,
-- an untyped call such as subpath('a.b', 1) fitted both and was ambiguous.
-- As sql/src/01_tagpath.sql and 03_tagpath_array.sql; sql/src/00_schema.sql
-- says why.  SET SCHEMA keeps each function's OID, comment and privileges,
-- so views, expression indexes and constraints built on them keep working;
-- the API functions the blocks above recreate already call them by their
-- new names (an extension script does not check function bodies).
-- ---------------------------------------------------------------------------
ALTER FUNCTION @extschema@.nlevel(@extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.subltree(@extschema@.tagpath, int4, int4) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.subpath(@extschema@.tagpath, int4, int4) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.subpath(@extschema@.tagpath, int4) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath, int4) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) SET SCHEMA tagstore;
ALTER FUNCTION @extschema@.lca(@extschema@.tagpath[]) SET SCHEMA tagstore;

-- ---------------------------------------------------------------------------
-- Bulk tagging and untagging that cost what their ids cost (issue #19,
-- item 3): the PL/pgSQL add_tag_to_many and remove_tag_from_many become
-- their SQL halves, _add_tag_to_many and _remove_tag_from_many, which
-- PUBLIC may not execute, and the API functions are C (src/engine/write.c):
-- they write the common case directly and call the SQL half for the rest.
-- As sql/src/11_tagging.sql.
-- ---------------------------------------------------------------------------
ALTER FUNCTION tagstore.add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) RENAME TO _add_tag_to_many;
COMMENT ON FUNCTION tagstore._add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) IS
	'the SQL half of add_tag_to_many (internal: called by the C function, which does the common case)';
REVOKE ALL ON FUNCTION tagstore._add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) FROM PUBLIC;
CREATE FUNCTION tagstore.add_tag_to_many(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.add_tag_to_many(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';
ALTER FUNCTION tagstore.remove_tag_from_many(@extschema@.tagpath, text, text[]) RENAME TO _remove_tag_from_many;
COMMENT ON FUNCTION tagstore._remove_tag_from_many(@extschema@.tagpath, text, text[]) IS
	'the SQL half of remove_tag_from_many (internal: called by the C function, which does the common case)';
REVOKE ALL ON FUNCTION tagstore._remove_tag_from_many(@extschema@.tagpath, text, text[]) FROM PUBLIC;
CREATE FUNCTION tagstore.remove_tag_from_many(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
	AS 'MODULE_PATHNAME', 'tagstore_remove_tag_from_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.remove_tag_from_many(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';

-- ---------------------------------------------------------------------------
-- Every refresh chooses the posted tags (issue #19, item 4): tagging_count
-- keeps each tag's taggings as of the last refresh, posting_setting the
-- threshold given last; refresh_postings' min_taggings defaults to it; a
-- TRUNCATE of tagging forgets the counts; posting_status shows the
-- threshold.  As sql/src/07_postings.sql.  The counts start empty: the
-- first refresh after the update counts every tag.
-- ---------------------------------------------------------------------------
CREATE TABLE tagstore.tagging_count (
	tag_id bigint PRIMARY KEY,
	taggings bigint NOT NULL CHECK (taggings > 0)
);
COMMENT ON TABLE tagstore.tagging_count IS 'taggings per tag as of the last refresh_postings, from which it chooses the posted tags';

CREATE TABLE tagstore.posting_setting (
	min_taggings integer NOT NULL CHECK (min_taggings >= 1),
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row)
);
COMMENT ON TABLE tagstore.posting_setting IS 'the min_taggings last given to refresh_postings (no row: 2000)';
SELECT pg_catalog.pg_extension_config_dump('tagstore.posting_setting', '');
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON tagstore.tagging_count, tagstore.posting_setting
	TO @extowner@ WITH GRANT OPTION;

CREATE OR REPLACE FUNCTION tagstore._taggings_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	UPDATE tagstore.posted_tag SET stale = true WHERE NOT stale;
	DELETE FROM tagstore.tagging_count;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION tagstore._taggings_truncated() IS 'internal trigger: TRUNCATE of tagging makes every posting stale and every count unknown';

CREATE OR REPLACE VIEW tagstore.posting_status AS
SELECT (SELECT count(*) FROM tagstore.posted_tag) AS posted_tags,
	   (SELECT count(*) FROM tagstore.posted_tag WHERE stale) AS stale_tags,
	   (SELECT count(*) FROM tagstore.posting_change) AS pending_changes,
	   pg_catalog.pg_total_relation_size('tagstore.posting') AS posting_bytes,
	   coalesce((SELECT min_taggings FROM tagstore.posting_setting), 2000) AS min_taggings;
COMMENT ON VIEW tagstore.posting_status IS 'posted and stale tags, pending changes, the postings'' size and the threshold they are chosen by';

CREATE OR REPLACE FUNCTION tagstore.refresh_postings(rebuild boolean DEFAULT false,
										  min_taggings integer DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_refresh_postings' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION tagstore.refresh_postings(boolean, integer) IS
	'folds pending tagging changes into the closure postings, posts subtrees that cost min_taggings taggings to read (their taggings, and 16 for each run of consecutive tag ids; remembered; default 2000), drops those under half of it, and builds stale and new postings; rebuild => true writes every posting afresh from the taggings';
