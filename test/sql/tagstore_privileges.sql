-- What PUBLIC may execute, and the API as roles that are neither superusers
-- nor the extension's owner.
--
-- 1. Every function of the schema tagstore that PUBLIC can execute must be
--    documented: its name in the list below; that list and the functions
--    documented for the owner to grant (verify) must be the names in
--    README.md's Reference table "tagstore API".
-- 2. The functions behind the tagpath type's operators, casts, operator
--    classes and I/O stay executable by PUBLIC (PostgreSQL checks EXECUTE
--    on an operator's function).
-- 3. A writer with the grants README.md's Security section documents uses
--    the whole API, and every other function of the schema tagstore fails
--    for it with 42501; a reader with the reader's grants searches and
--    lists but cannot write; a role without grants can do nothing.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql

-- the documented API: the functions README.md's table "tagstore API" names
CREATE TEMP TABLE documented (name text PRIMARY KEY);
INSERT INTO documented VALUES
  ('add_tag'), ('add_tag_to'), ('count_entities_with_all'), ('count_entities_with_any'),
  ('create_taxonomy'), ('current_actor'), ('drop_taxonomy'), ('entities_matching'),
  ('entities_with_all'), ('entities_with_any'), ('entities_with_tag_data'), ('find_tags'),
  ('move_tag'), ('prune_history'), ('refresh_postings'), ('remove_tag'), ('remove_tag_from'),
  ('rename_tag'), ('rename_taxonomy'), ('search_tags'), ('tag_history'), ('tag_id'),
  ('tag_counts'), ('tag_path'), ('tagging_history'), ('tags'), ('tags_of'), ('tree'), ('update_tag'),
  ('add_tag_to_many'), ('remove_tag_from_many'),
  ('add_tag_by_id'), ('update_tag_by_id'), ('remove_tag_by_id'), ('rename_tag_by_id'), ('move_tag_by_id'),
  ('add_tag_to_by_id'), ('add_tag_to_many_by_id'), ('remove_tag_from_by_id'), ('remove_tag_from_many_by_id'),
  ('tag_history_by_id'), ('tagging_history_by_id'), ('entities_with_tag_data_by_id'),
  ('has_taxonomy_privilege'), ('grant_taxonomy'), ('revoke_taxonomy');
-- the tagpath functions with contrib ltree's names, in the schema tagstore
-- so that ltree can share the type's schema: README.md's table "Functions"
-- names them as tagstore.nlevel(...) and so on
CREATE TEMP TABLE path_functions (name text PRIMARY KEY);
INSERT INTO path_functions VALUES ('index'), ('lca'), ('nlevel'), ('subltree'), ('subpath');
-- documented too, but not for PUBLIC: the owner grants them
CREATE TEMP TABLE owner_grants (name text PRIMARY KEY);
INSERT INTO owner_grants VALUES ('verify');

-- README.md, read by psql: the names in the first column of the table
-- under "### tagstore API", up to the next heading
CREATE TEMP TABLE readme (n serial, line text);
\set readme_file :abs_srcdir '/../README.md'
\set copy_readme '\\copy readme (line) FROM ' :'readme_file' ' WITH (FORMAT csv, DELIMITER E''\\x01'', QUOTE E''\\x02'')'
:copy_readme
CREATE TEMP VIEW readme_api AS
WITH section AS (
	SELECT n AS first,
		   (SELECT min(l.n) FROM readme l WHERE l.n > s.n AND l.line ~ '^#{1,3} ') AS last
	FROM readme s WHERE s.line = '### tagstore API'
)
SELECT DISTINCT m[1] AS name
FROM readme l, section s, regexp_matches(substring(l.line from '^\|([^|]*)\|'), '`([a-z_]+)\(', 'g') m
WHERE l.n > s.first AND l.n < s.last;
SELECT count(*) > 0 AS readme_has_the_table FROM readme_api;
SELECT coalesce(d.name, r.name) AS name,
       CASE WHEN d.name IS NULL THEN 'in README.md, not in this test' ELSE 'in this test, not in README.md' END AS where_only
FROM (SELECT name FROM documented UNION ALL SELECT name FROM owner_grants) d
FULL JOIN readme_api r ON r.name = d.name
WHERE d.name IS NULL OR r.name IS NULL;

-- the path functions: README.md's table "Functions" names the same, with
-- their schema, and every one of them is PUBLIC's, whatever its overload
CREATE TEMP VIEW readme_path_functions AS
WITH section AS (
	SELECT n AS first,
		   (SELECT min(l.n) FROM readme l WHERE l.n > s.n AND l.line ~ '^#{1,3} ') AS last
	FROM readme s WHERE s.line = '### Functions'
)
SELECT DISTINCT m[1] AS name
FROM readme l, section s, regexp_matches(substring(l.line from '^\|([^|]*)\|'), '`tagstore\.([a-z_]+)\(', 'g') m
WHERE l.n > s.first AND l.n < s.last;
SELECT coalesce(d.name, r.name) AS path_function,
       CASE WHEN d.name IS NULL THEN 'in README.md, not in this test' ELSE 'in this test, not in README.md' END AS where_only
FROM path_functions d FULL JOIN readme_path_functions r ON r.name = d.name
WHERE d.name IS NULL OR r.name IS NULL;
SELECT p.oid::regprocedure AS path_function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_proc p
WHERE p.pronamespace = 'tagstore'::regnamespace AND p.proname IN (SELECT name FROM path_functions)
ORDER BY p.oid::regprocedure::text;

-- every function PUBLIC can execute in the schema tagstore is documented
SELECT p.oid::regprocedure AS public_but_undocumented
FROM pg_proc p
WHERE p.pronamespace = 'tagstore'::regnamespace
  AND has_function_privilege('public', p.oid, 'EXECUTE')
  AND p.proname NOT IN (SELECT name FROM documented UNION ALL SELECT name FROM path_functions)
ORDER BY p.oid::regprocedure::text;
-- every documented name is a function PUBLIC can execute
SELECT d.name AS documented_but_not_executable
FROM documented d
WHERE NOT EXISTS (SELECT 1 FROM pg_proc p
				  WHERE p.pronamespace = 'tagstore'::regnamespace AND p.proname = d.name
					AND has_function_privilege('public', p.oid, 'EXECUTE'));
-- what is left: the internal functions, which PUBLIC may not execute
SELECT p.oid::regprocedure AS internal, p.prorettype::regtype AS returns
FROM pg_proc p
WHERE p.pronamespace = 'tagstore'::regnamespace
  AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY p.oid::regprocedure::text;
-- no function of the schema is SECURITY DEFINER
SELECT p.oid::regprocedure AS security_definer
FROM pg_proc p WHERE p.pronamespace = 'tagstore'::regnamespace AND p.prosecdef;

-- the type's functions behind operators, casts, operator classes and I/O:
-- all of them executable by PUBLIC
WITH ext AS (
	SELECT d.classid, d.objid FROM pg_depend d
	JOIN pg_extension x ON x.oid = d.refobjid AND x.extname = 'tagstore'
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
), backing(what, fn) AS (
	SELECT 'operator ' || o.oid::regoperator, f
	FROM ext JOIN pg_operator o ON ext.classid = 'pg_operator'::regclass AND o.oid = ext.objid,
		 unnest(ARRAY[o.oprcode::oid, o.oprrest::oid, o.oprjoin::oid]) f
	UNION ALL
	SELECT 'cast ' || format_type(c.castsource, NULL) || ' -> ' || format_type(c.casttarget, NULL), c.castfunc
	FROM ext JOIN pg_cast c ON ext.classid = 'pg_cast'::regclass AND c.oid = ext.objid
	UNION ALL
	SELECT 'support ' || a.amprocnum || ' of ' || f.opfname, a.amproc::oid
	FROM ext JOIN pg_opfamily f ON ext.classid = 'pg_opfamily'::regclass AND f.oid = ext.objid
	JOIN pg_amproc a ON a.amprocfamily = f.oid
	UNION ALL
	SELECT 'type ' || t.typname, f
	FROM ext JOIN pg_type t ON ext.classid = 'pg_type'::regclass AND t.oid = ext.objid,
		 unnest(ARRAY[t.typinput::oid, t.typoutput::oid, t.typreceive::oid, t.typsend::oid,
					  t.typanalyze::oid, t.typsubscript::oid]) f
)
SELECT count(*) > 50 AS many_backing_functions,
       count(*) FILTER (WHERE NOT has_function_privilege('public', fn, 'EXECUTE')) AS not_executable_by_public,
       count(*) FILTER (WHERE pronamespace = 'tagstore'::regnamespace) AS in_schema_tagstore
FROM backing JOIN pg_proc p ON p.oid = backing.fn
WHERE fn <> 0;

-- The roles.  Roles are the cluster's: those of an earlier, failed run go first.
SET client_min_messages = warning;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['tagstore_priv_writer', 'tagstore_priv_reader', 'tagstore_priv_none'] LOOP
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('DROP OWNED BY %I', r);
			EXECUTE format('DROP ROLE %I', r);
		END IF;
	END LOOP;
END $$;
RESET client_min_messages;
CREATE ROLE tagstore_priv_writer LOGIN;
CREATE ROLE tagstore_priv_reader LOGIN;
CREATE ROLE tagstore_priv_none LOGIN;
-- the grants README.md's Security section documents
GRANT USAGE ON SCHEMA tagstore TO tagstore_priv_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_priv_reader;
GRANT USAGE ON SCHEMA tagstore TO tagstore_priv_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tagstore TO tagstore_priv_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tagstore TO tagstore_priv_writer;

-- The writer, through the whole API.
SET SESSION AUTHORIZATION tagstore_priv_writer;
SELECT current_user, session_user, r.rolsuper AS superuser,
       (SELECT x.extowner = r.oid FROM pg_extension x WHERE x.extname = 'tagstore') AS owns_the_extension,
       (SELECT bool_or(c.relowner = r.oid) FROM pg_class c WHERE c.relnamespace = 'tagstore'::regnamespace) AS owns_a_table
FROM pg_roles r WHERE r.rolname = current_user;
SELECT tagstore.create_taxonomy('Obst', description => 'fruit') IS NOT NULL AS created,
       tagstore.create_taxonomy('Farbe', free_form => true) IS NOT NULL AS free_form_created;
-- the creator owns them, and lets the reader read Obst
SELECT tagstore.grant_taxonomy('Obst', 'tagstore_priv_reader', 'read');
SELECT tagstore.add_tag('Obst', 'Äpfel'), tagstore.add_tag('Obst.Äpfel.Boskop'), tagstore.add_tag('Obst.Birnen');
SELECT tagstore.add_tag('Obst', 'Elstar', parent => 'OBST.äpfel', category => 'variety');
SELECT tagstore.add_tag_to('Obst.Äpfel.Boskop', 'fruit', 'f1') AS direct,
       tagstore.add_tag_to('obst.äpfel.elstar', 'fruit', 'f2') AS case_insensitive,
       tagstore.add_tag_to('Obst.Birnen', 'fruit', 'f3', '{"ripe": true}') AS with_data,
       tagstore.add_tag_to_by_id(tagstore.tag_id('Obst.Birnen'), 'fruit', 'f4') AS by_id,
       tagstore.add_tag_to('Farbe.rot', 'fruit', 'f1') AS free_form;
SELECT * FROM tagstore.add_tag_to_many('Obst.Birnen', 'fruit', ARRAY['f3', 'f5'], '{"ripe": true}');
SELECT tagstore.add_tag_to('Obst.Birnen', 'fruit', 'f5', '{"ripe": false}') AS retagged;
SELECT * FROM tagstore.remove_tag_from_many('Obst.Birnen', 'fruit', ARRAY['f4', 'nosuch']);
SELECT tagstore.remove_tag_from('Obst.Birnen', 'fruit', 'f5') AS untagged;
-- searches and listings
SELECT string_agg(external_id, ' ' ORDER BY external_id) AS apples FROM tagstore.entities_with_all('{Obst.Äpfel}');
SELECT string_agg(external_id, ' ' ORDER BY external_id) AS apples_or_red
FROM tagstore.entities_with_any('{Obst.Äpfel, Farbe.rot}', exclude => '{Obst.Äpfel.Elstar}');
SELECT tagstore.count_entities_with_all('{Obst}') AS a_taxonomy_is_no_tag,
       tagstore.count_entities_with_any('{Obst.Äpfel, Obst.Birnen}') AS apples_or_pears;
SELECT * FROM tagstore.entities_with_tag_data('Obst.Birnen', '{"ripe": true}');
SELECT * FROM tagstore.entities_matching('*.äpfel@.*');
SELECT tag, depth, direct_count, total_count FROM tagstore.tags('Obst');
SELECT tag, matched FROM tagstore.find_tags('obst', 'BOS');
SELECT * FROM tagstore.tree('Obst');
SELECT tag, data, tagged_by FROM tagstore.tags_of('fruit', 'f1');
SELECT tag, category, originator, direct_count FROM tagstore.search_tags(value => 'e*', pattern => true);
SELECT name, tag_count FROM tagstore.taxonomies;
-- history, and a rename's archived revision records the revision as it was
SELECT tagstore.update_tag('Obst.Birnen', description => 'pears', expected_revision => 1) AS updated;
SELECT tagstore.rename_tag('Obst.Birnen', 'Birne') AS renamed;
SELECT revision, operation, actor, state ->> 'value' AS value, state ->> 'path' AS path, state ->> 'description' AS description
FROM tagstore.tag_history('Obst.Birne');
SELECT revision, operation, data FROM tagstore.tagging_history('Obst.Birne', 'fruit', 'f5');
SELECT count(*) AS revisions_by_id FROM tagstore.tag_history_by_id(tagstore.tag_id('Obst.Birne'));
-- postings: refreshed by the writer; the trigger functions fire for it
-- without EXECUTE (the change log fills, a move makes postings stale)
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 1) >= 0 AS refreshed;
SELECT tagstore.add_tag_to('Obst.Äpfel', 'fruit', 'f6') AS tagged_after_refresh;
SELECT tagstore.move_tag('Obst.Äpfel.Elstar', NULL) AS moved;
SELECT posted_tags > 0 AS posted, stale_tags > 0 AS stale_after_move, pending_changes AS pending
FROM tagstore.posting_status;
SELECT string_agg(external_id, ' ' ORDER BY external_id) AS apples_now FROM tagstore.entities_with_all('{Obst.Äpfel}');
SELECT tagstore.refresh_postings() >= 0 AS refreshed_again;
SELECT tagstore.remove_tag('Obst.Äpfel', cascade => true) AS removed;
SELECT tagstore.prune_history(keep => 1, tombstones_older_than => '0 days') > 0 AS pruned;
SELECT tagstore.rename_taxonomy('Farbe', 'Farben') AS renamed_taxonomy;
SELECT tagstore.drop_taxonomy('Farben') AS dropped;

-- every function PUBLIC may not execute fails for the writer with 42501
-- (called with NULLs: the privilege check comes first)
SELECT p.oid::regprocedure AS internal,
       errcheck(format('SELECT %s(%s)', p.oid::regproc,
					   (SELECT coalesce(string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY i), '')
						FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i)))) AS called
FROM pg_proc p
WHERE p.pronamespace = 'tagstore'::regnamespace
  AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY p.oid::regprocedure::text;
RESET SESSION AUTHORIZATION;

-- The reader: searches, lists and reads history; every write is refused.
SET SESSION AUTHORIZATION tagstore_priv_reader;
SELECT string_agg(external_id, ' ' ORDER BY external_id) AS pears FROM tagstore.entities_with_all('{Obst.Birne}');
SELECT tag FROM tagstore.tags('Obst');
SELECT count(*) > 0 AS history FROM tagstore.tag_history('Obst.Birne');
SELECT what, errcheck(stmt) FROM (VALUES
  ('create_taxonomy', $$SELECT tagstore.create_taxonomy('Gemüse')$$),
  ('add_tag', $$SELECT tagstore.add_tag('Obst', 'Kirschen')$$),
  ('add_tag_to', $$SELECT tagstore.add_tag_to('Obst.Birne', 'fruit', 'r1')$$),
  ('add_tag_to, an entity that exists', $$SELECT tagstore.add_tag_to('Obst.Birne', 'fruit', 'f1')$$),
  ('add_tag_to, bulk', $$SELECT * FROM tagstore.add_tag_to_many('Obst.Birne', 'fruit', ARRAY['r1'])$$),
  ('update_tag', $$SELECT tagstore.update_tag('Obst.Birne', description => 'x')$$),
  ('remove_tag_from', $$SELECT tagstore.remove_tag_from('Obst.Birne', 'fruit', 'f3')$$),
  ('remove_tag', $$SELECT tagstore.remove_tag('Obst.Birne')$$),
  ('refresh_postings', $$SELECT tagstore.refresh_postings()$$),
  ('drop_taxonomy', $$SELECT tagstore.drop_taxonomy('Obst')$$)) AS t(what, stmt);
RESET SESSION AUTHORIZATION;
SELECT count(*) AS taggings_of_r1 FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
WHERE e.external_id = 'r1';
SELECT coalesce(string_agg(t.path::text, ' ' ORDER BY t.path), 'none') AS tags_of_f1
FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id JOIN tagstore.tag t ON t.id = x.tag_id
WHERE e.external_id = 'f1';

-- A role without grants: the type works, the schema tagstore does not.
SET SESSION AUTHORIZATION tagstore_priv_none;
SELECT 'Obst.Äpfel'::tagpath ~ '*.ÄPFEL@' AS the_type_works, label_casefold('Äpfel') AS folded;
SELECT what, errcheck(stmt) FROM (VALUES
  ('search', $$SELECT * FROM tagstore.entities_with_all('{Obst.Birne}')$$),
  ('tree', $$SELECT * FROM tagstore.tree('Obst')$$),
  ('create_taxonomy', $$SELECT tagstore.create_taxonomy('x')$$)) AS t(what, stmt);
RESET SESSION AUTHORIZATION;

DROP OWNED BY tagstore_priv_writer, tagstore_priv_reader, tagstore_priv_none;
DROP ROLE tagstore_priv_writer, tagstore_priv_reader, tagstore_priv_none;
