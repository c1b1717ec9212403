-- Section 08: who is acting, and how the API functions are built.
--
-- current_actor(), which every revision records, is the one function of
-- this section.  The rest is the rule the API functions of the sections
-- below follow.
--
-- Privileges.  Every function of the schema tagstore runs with its
-- caller's rights (SECURITY INVOKER), as the same statements typed by hand
-- would: the caller's privileges on the tables, column privileges included,
-- and the row-level security policies that apply to the caller decide what
-- it may read and write (the README's Security section lists the grants).
-- PUBLIC may execute exactly the functions the README documents; the only
-- other functions are the trigger functions of section 07, which PUBLIC
-- may not execute (a trigger fires without EXECUTE on its function).
--
-- So the API keeps no internal helper functions.  A helper PUBLIC could
-- execute would let anyone past the API's checks (and the per-taxonomy
-- privileges to come): taking a lock on any taxonomy, archiving a tag's
-- revision, tagging by tag row with no check of the tag.  A helper revoked
-- from PUBLIC could not be called by the API either, since an API function
-- runs as its caller.  Making the API functions SECURITY DEFINER instead
-- would run them as the extension's owner (the bootstrap superuser, for a
-- trusted extension), past the tables' grants, column privileges and
-- row-level security, which would all have to be redone by hand, for a
-- caller that PL/pgSQL cannot even name (current_user is the owner inside
-- such a function).  Therefore:
--
--	- the argument checks and the lookups of taxonomies and tags are
--	  written out in each API function that needs them (the same checks,
--	  the same errors, the same locks, in the same order as before);
--	- one API function calls another where that is the same work: the
--	  single-entity tagging functions call the bulk ones, the functions by
--	  tag id call those by name, tag_id() finds a tag or raises the right
--	  error, tag_history() and tagging_history() by name call their forms
--	  by id;
--	- the C entry points call C directly (entities_with_tag_data runs the
--	  search engine itself) or run their SQL from src/engine/catalog.c
--	  (search_tags' query; add_tag_to's full path through the bulk
--	  add_tag_to).
--
-- Revisions record a tag's state as this JSON object, built the same way
-- in every function that archives a tag (update_tag, remove_tag,
-- rename_taxonomy, rename_tag, move_tag, and tag_history for the live row):
--
--	jsonb_build_object('id', t.id, 'taxonomy', x.name, 'path', t.path::text,
--		'value', t.value, 'parent', CASE WHEN nlevel(t.path) > 2 THEN parent(t.path)::text END,
--		'external_id', t.external_id, 'description', t.description,
--		'category', t.category, 'originator', t.originator,
--		'revision', t.revision, 'deleted', <deleted>)
--
-- and a tagging's state as
--
--	jsonb_build_object('tag', <tag path>::text, 'entity_type', e.entity_type,
--		'external_id', e.external_id, 'data', <data>, 'deleted', <deleted>)

-- Who is acting: the setting tagstore.actor, else session_user.
CREATE FUNCTION tagstore.current_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(nullif(current_setting('tagstore.actor', true), ''), session_user::text)
$$;
COMMENT ON FUNCTION tagstore.current_actor() IS 'who revisions record as acting: the setting tagstore.actor, else session_user';
