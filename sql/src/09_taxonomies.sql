-- Section 09: taxonomies.
--
-- Creating, renaming and dropping taxonomies, and the taxonomies view.
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
	RETURN new_id;
END $$;
COMMENT ON FUNCTION tagstore.create_taxonomy(text, text, text, boolean) IS
	'create a taxonomy (name unique case-insensitively); free_form: tagging with an unknown value creates it; returns its id';

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
			   'parent', CASE WHEN nlevel(g.path) > 2 THEN parent(g.path)::text END,
			   'external_id', g.external_id, 'description', g.description, 'category', g.category,
			   'originator', g.originator, 'revision', g.revision, 'deleted', false)
	FROM tagstore.tag g WHERE g.taxonomy_id = t.id;
	UPDATE tagstore.tag
	SET path = tagpath(ARRAY[clean]) || subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || subpath(key, 1),
		revision = revision + 1,
		operation = 'rename',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE taxonomy_id = t.id;
	UPDATE tagstore.tag_tombstone
	SET path = tagpath(ARRAY[clean]) || subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || subpath(key, 1)
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
	ids := ARRAY(SELECT id FROM tagstore.tag WHERE taxonomy_id = t.id
				 UNION ALL SELECT id FROM tagstore.tag_tombstone WHERE taxonomy_id = t.id);
	DELETE FROM tagstore.tagging_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.tag_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.taxonomy WHERE id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.drop_taxonomy(text) IS 'drop a taxonomy with its tags, their taggings and all their history';

CREATE VIEW tagstore.taxonomies AS
	SELECT x.id, x.name, x.description, x.owner_id, x.free_form,
		   (SELECT pg_catalog.count(*) FROM tagstore.tag g WHERE g.taxonomy_id = x.id) AS tag_count,
		   x.created_at
	FROM tagstore.taxonomy x
	ORDER BY x.name_key;
COMMENT ON VIEW tagstore.taxonomies IS 'taxonomies with their tag counts, by name';
