-- Section 09: taxonomies.
--
-- Creating, renaming and dropping taxonomies, their privileges, and the
-- taxonomies view.
--
-- Privileges.  Each taxonomy has its own: read (see its tags and
-- taggings), tag (read, and add, remove and set taggings), edit (tag, and
-- add, rename, move and remove tags), admin (edit, and grant, rename and
-- drop the taxonomy).  create_taxonomy grants admin to the role creating
-- it; superusers and the roles with the privileges of the extension's
-- owner are admin of every taxonomy.  has_taxonomy_privilege() says what
-- the current user may do; every API function that writes checks it and
-- refuses with 42501 naming the taxonomy and the privilege needed; the
-- searches, listings and tags_of treat the tags of taxonomies it may not
-- read as not there (src/engine/taxonomy_acl.c).
--
-- The checks of names and text fields are written out in each function
-- (section 08 says why); they are the same in every function that takes
-- such an argument:
--
--	- a name (taxonomy name, tag value) must not be NULL (22004);
--	- a text field that is not NULL must not be empty (22023), longer than
--	  its maximum (22001), or hold a control character (22023, with the
--	  character and its position): C0 controls and DEL, and the C1 range
--	  0x80-0x9F where the server encoding has C1 controls there (UTF8, the
--	  ISO 8859 encodings); only a description may hold tabs and line breaks;
--	- a name must not begin or end with whitespace (22023), and is stored
--	  in NFC where the server encoding is UTF8.

-- has_taxonomy_privilege: as has_table_privilege, for a taxonomy (C: the
-- session's cache of src/engine/taxonomy_acl.c); NULL for a taxonomy that
-- does not exist, as has_table_privilege gives for a table's OID, so the
-- checks below read IS NOT TRUE.
CREATE FUNCTION tagstore.has_taxonomy_privilege(taxonomy text, privilege text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'tagstore_has_taxonomy_privilege' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION tagstore.has_taxonomy_privilege(text, text) IS
	'does the current user hold the privilege (read, tag, edit, admin) on the taxonomy; NULL if there is no such taxonomy';

CREATE FUNCTION tagstore.create_taxonomy(name text, description text DEFAULT NULL,
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

CREATE FUNCTION tagstore.rename_taxonomy(name text, new_name text) RETURNS void
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

-- drop_taxonomy: the taxonomy, its tags, their taggings and all their history.
CREATE FUNCTION tagstore.drop_taxonomy(name text) RETURNS void
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

CREATE VIEW tagstore.taxonomies AS
	SELECT x.id, x.name, x.description, x.owner_id, x.free_form,
		   (SELECT pg_catalog.count(*) FROM tagstore.tag g WHERE g.taxonomy_id = x.id) AS tag_count,
		   x.created_at
	FROM tagstore.taxonomy x
	WHERE tagstore.has_taxonomy_privilege(x.name, 'read')
	ORDER BY x.name_key;
COMMENT ON VIEW tagstore.taxonomies IS 'the taxonomies the current user may read, with their tag counts, by name';
