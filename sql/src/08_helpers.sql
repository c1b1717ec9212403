-- Section 08: internal helpers.
--
-- What the API functions of the sections below share: who is acting
-- (current_actor(), the one public function here), argument checks, lookups
-- of taxonomies and tags (locking as asked, or raising the right error) and
-- of entities (created if new), and the revision bookkeeping of tags (their
-- state, archiving, rewriting a subtree's names).

-- Who is acting: the setting tagstore.actor, else session_user.
CREATE FUNCTION tagstore.current_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(nullif(current_setting('tagstore.actor', true), ''), session_user::text)
$$;
COMMENT ON FUNCTION tagstore.current_actor() IS 'who revisions record as acting: the setting tagstore.actor, else session_user';

-- Checks a taxonomy name or tag value and returns it in NFC.
CREATE FUNCTION tagstore._clean_label(value text, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM tagstore._check_text(value, what, 4096);
	IF value ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
		RAISE EXCEPTION '% % has leading or trailing whitespace', what, quote_literal(value)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF current_setting('server_encoding') = 'UTF8' THEN
		RETURN normalize(value, NFC);
	END IF;
	RETURN value;
END $$;
COMMENT ON FUNCTION tagstore._clean_label(text, text) IS 'internal: check a taxonomy name or tag value, return it in NFC';

-- Checks an optional text field: NULL passes; empty, too long or holding
-- control characters is an error naming the field.
CREATE FUNCTION tagstore._check_text(value text, what text, max_length int) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	bad text;
BEGIN
	IF value IS NULL THEN
		RETURN NULL;
	END IF;
	IF value = '' THEN
		RAISE EXCEPTION '% must not be empty', what USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(value) > max_length THEN
		RAISE EXCEPTION '% is too long: % characters, the maximum is %', what, length(value), max_length
			USING ERRCODE = 'string_data_right_truncation';
	END IF;
	bad := substring(value from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]');
	IF bad IS NULL AND what NOT IN ('description') THEN
		bad := substring(value from '[\t\n\r]');	-- only a description may span lines
	END IF;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION '% % contains a control character',
			what, quote_literal(regexp_replace(value, '[\x01-\x1f\x7f-\x9f]', '?', 'g'))
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Control character U+%s at character %s.',
								  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(value, bad));
	END IF;
	RETURN value;
END $$;
COMMENT ON FUNCTION tagstore._check_text(text, text, integer) IS 'internal: check an optional text field';

-- The value, or an error if it is NULL.
CREATE FUNCTION tagstore._required(value anyelement, what text) RETURNS anyelement
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN value;
END $$;
COMMENT ON FUNCTION tagstore._required(anyelement, text) IS 'internal: the value, or an error if NULL';

-- The taxonomy of that name (case-insensitively), locked as asked, or an error.
CREATE FUNCTION tagstore._taxonomy(p_name text, p_lock text DEFAULT 'none') RETURNS tagstore.taxonomy
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
BEGIN
	IF p_name IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_lock = 'exclusive' THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name) FOR UPDATE;
	ELSIF p_lock = 'shared' THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name) FOR SHARE;
	ELSE
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name);
	END IF;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', p_name USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;
COMMENT ON FUNCTION tagstore._taxonomy(text, text) IS 'internal: find and lock a taxonomy';

-- Locks the taxonomy a tag name starts with, as asked.
CREATE FUNCTION tagstore._lock_taxonomy_of(tag @extschema@.tagpath, p_lock text) RETURNS tagstore.taxonomy
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT tagstore._taxonomy(leaf(subpath(tagstore._required(tag, 'tag'), 0, 1)), p_lock)
$$;
COMMENT ON FUNCTION tagstore._lock_taxonomy_of(@extschema@.tagpath, text) IS 'internal: lock the taxonomy of a tag name';

-- The live tag a path names (case-insensitively), or an error naming what is missing.
CREATE FUNCTION tagstore._tag(tag @extschema@.tagpath, what text DEFAULT 'tag') RETURNS tagstore.tag
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.tag;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF t.id IS NULL THEN
		IF nlevel(tag) < 2 THEN
			RAISE EXCEPTION '% "%" does not exist', what, tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
		END IF;
		PERFORM tagstore._taxonomy(leaf(subpath(tag, 0, 1)));
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)) THEN
			RAISE EXCEPTION '% "%" was deleted', what, tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
		END IF;
		RAISE EXCEPTION '% "%" does not exist', what, tag USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;
COMMENT ON FUNCTION tagstore._tag(@extschema@.tagpath, text) IS 'internal: find a live tag or raise the right error';

-- The id of the tag a path names, live or deleted, for its history.
CREATE FUNCTION tagstore._tag_id_any(tag @extschema@.tagpath) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tagstore._required(tag, 'tag'));
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		PERFORM tagstore._tag(tag);		-- raises the right error
	END IF;
	RETURN tid;
END $$;
COMMENT ON FUNCTION tagstore._tag_id_any(@extschema@.tagpath) IS 'internal: the id of a live or deleted tag';

-- The full state of a tag, as revisions record it.
CREATE FUNCTION tagstore._tag_state(t tagstore.tag, deleted boolean DEFAULT false) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT jsonb_build_object(
		'id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
		'parent', CASE WHEN nlevel(t.path) > 2 THEN parent(t.path)::text END,
		'external_id', t.external_id, 'description', t.description, 'category', t.category,
		'originator', t.originator, 'revision', t.revision, 'deleted', deleted)
	FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id
$$;
COMMENT ON FUNCTION tagstore._tag_state(tagstore.tag, boolean) IS 'internal: a tag''s state as revisions record it';

-- Archives the current revision of the tags under a key (or of one tag),
-- before a change supersedes it.
CREATE FUNCTION tagstore._archive_tags(under_key @extschema@.tagpath, subtree boolean) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT t.id, t.revision, t.operation, t.actor, t.updated_at, tagstore._tag_state(t)
	FROM tagstore.tag t
	WHERE CASE WHEN subtree THEN t.key <@ under_key ELSE t.key = under_key END
$$;
COMMENT ON FUNCTION tagstore._archive_tags(@extschema@.tagpath, boolean) IS 'internal: archive the current revision of tags before a change';

-- Rewrites the names of a subtree after its root got a new one: a new
-- revision of every tag in it.
CREATE FUNCTION tagstore._rewrite_subtree(old_key @extschema@.tagpath,
	new_path @extschema@.tagpath, new_key @extschema@.tagpath, operation text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT tagstore._archive_tags(old_key, true);
	UPDATE tagstore.tag
	SET path = CASE WHEN key = old_key THEN new_path
					ELSE new_path || subpath(path, nlevel(old_key)) END,
		key = CASE WHEN key = old_key THEN new_key
				   ELSE new_key || subpath(key, nlevel(old_key)) END,
		revision = revision + 1,
		operation = _rewrite_subtree.operation,
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE key <@ old_key;
$$;
COMMENT ON FUNCTION tagstore._rewrite_subtree(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, text) IS
	'internal: rewrite a subtree''s names after its root was renamed or moved, with revisions';

-- Checks the entity arguments every tagging function takes.
CREATE FUNCTION tagstore._check_entity(entity_type text, external_id text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF entity_type IS NULL OR entity_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
END $$;
COMMENT ON FUNCTION tagstore._check_entity(text, text) IS 'internal: check entity arguments';

-- Checks the entity arguments of the bulk tagging functions.
CREATE FUNCTION tagstore._check_entities(entity_type text, external_ids text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	PERFORM tagstore._check_entity(entity_type, '');
END $$;
COMMENT ON FUNCTION tagstore._check_entities(text, text[]) IS 'internal: check bulk entity arguments';

-- Checks tagging data: at most 32 kB encoded.
CREATE FUNCTION tagstore._check_data(data jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF data IS NOT NULL AND octet_length(data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;
	RETURN data;
END $$;
COMMENT ON FUNCTION tagstore._check_data(jsonb) IS 'internal: check tagging data';

-- The id of an entity, created if new.
CREATE FUNCTION tagstore._entity_id(p_type text, p_external_id text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	eid bigint;
BEGIN
	PERFORM tagstore._check_entity(p_type, p_external_id);
	SELECT id INTO eid FROM tagstore.entity WHERE entity_type = p_type AND external_id = p_external_id;
	IF eid IS NULL THEN
		INSERT INTO tagstore.entity (entity_type, external_id) VALUES (p_type, p_external_id)
			ON CONFLICT DO NOTHING RETURNING id INTO eid;
		IF eid IS NULL THEN		-- a concurrent transaction created it
			SELECT id INTO eid FROM tagstore.entity WHERE entity_type = p_type AND external_id = p_external_id;
		END IF;
	END IF;
	RETURN eid;
END $$;
COMMENT ON FUNCTION tagstore._entity_id(text, text) IS 'internal: an entity''s id, created if new';
