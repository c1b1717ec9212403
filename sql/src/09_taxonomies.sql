-- Section 09: taxonomies.
--
-- Creating, renaming and dropping taxonomies, and the taxonomies view.

CREATE FUNCTION tagstore.create_taxonomy(name text, description text DEFAULT NULL,
	owner_id text DEFAULT NULL, free_form boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	clean text := tagstore._clean_label(name, 'taxonomy name');
	new_id uuid;
BEGIN
	IF free_form IS NULL THEN
		RAISE EXCEPTION 'free_form must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	INSERT INTO tagstore.taxonomy (name, name_key, description, owner_id, free_form)
	VALUES (clean, label_casefold(clean), tagstore._check_text(description, 'description', 4000),
			owner_id, free_form)
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
	t tagstore.taxonomy := tagstore._taxonomy(name, 'exclusive');
	clean text := tagstore._clean_label(new_name, 'taxonomy name');
	root tagstore.tag;
BEGIN
	IF label_casefold(clean) <> t.name_key
	   AND EXISTS (SELECT 1 FROM tagstore.taxonomy WHERE name_key = label_casefold(clean)) THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.taxonomy SET name = clean, name_key = label_casefold(clean) WHERE id = t.id;
	-- every tag's name changes: each root subtree is rewritten, with revisions
	FOR root IN SELECT * FROM tagstore.tag WHERE taxonomy_id = t.id AND parent_id IS NULL LOOP
		PERFORM tagstore._rewrite_subtree(root.key,
			tagpath(ARRAY[clean]) || subpath(root.path, 1),
			tagpath(ARRAY[label_casefold(clean)]) || subpath(root.key, 1), 'rename');
	END LOOP;
	UPDATE tagstore.tag_tombstone
	SET path = tagpath(ARRAY[clean]) || subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || subpath(key, 1)
	WHERE taxonomy_id = t.id;
END $$;
COMMENT ON FUNCTION tagstore.rename_taxonomy(text, text) IS 'rename a taxonomy; its tags'' names follow (with revisions)';

-- drop_taxonomy: the taxonomy, its tags, their taggings and all their history.
CREATE FUNCTION tagstore.drop_taxonomy(name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(name, 'exclusive');
	ids bigint[];
BEGIN
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
