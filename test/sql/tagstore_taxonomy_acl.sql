-- Per-taxonomy privileges: read < tag < edit < admin.
--
-- 1. Searches, counts, listings, tags_of, entities_matching, search_tags,
--    tag_counts and the taxonomies view, as roles that may read some of the
--    random forests' taxonomies, give exactly what the plain-SQL reference
--    gives over the taxonomies the role may read (by grant to it, to PUBLIC,
--    or to a role it is a member of): differential, on random queries.
-- 2. Every writing API function, at each level: refused with 42501 naming
--    the taxonomy and the privilege needed, or done (then rolled back).
-- 3. grant_taxonomy raises and never lowers; revoke_taxonomy takes the
--    level and every higher one; only admin grants; SET ROLE within a
--    session (the cache follows the user); grants seen at once.
-- 4. drop_taxonomy takes its grants along; verify() reports an orphan grant.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql

-- trycheck(stmt): as errcheck, but a statement that succeeds is rolled back
CREATE FUNCTION public.trycheck(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
	detail text;
BEGIN
	EXECUTE stmt;
	RAISE EXCEPTION 'rolled back' USING ERRCODE = 'P0099';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
	IF state = 'P0099' THEN
		RETURN 'ok';
	END IF;
	RETURN state || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END $$;

-- The roles (the cluster's: an earlier, failed run's go first).
SET client_min_messages = warning;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['acl_admin', 'acl_reader', 'acl_tagger', 'acl_editor', 'acl_none',
							 'acl_member', 'acl_group'] LOOP
		IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('DROP OWNED BY %I', r);
			EXECUTE format('DROP ROLE %I', r);
		END IF;
	END LOOP;
END $$;
RESET client_min_messages;
CREATE ROLE acl_group NOLOGIN;
CREATE ROLE acl_admin;
CREATE ROLE acl_reader;
CREATE ROLE acl_tagger;
CREATE ROLE acl_editor;
CREATE ROLE acl_none;
CREATE ROLE acl_member IN ROLE acl_group;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['acl_admin', 'acl_reader', 'acl_tagger', 'acl_editor', 'acl_none', 'acl_member'] LOOP
		EXECUTE format('GRANT USAGE ON SCHEMA tagstore TO %I', r);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tagstore TO %I', r);
		EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA tagstore TO %I', r);
	END LOOP;
END $$;

-- The random forests, made by the superuser, who owns them (admin) and
-- gives them away: acl_admin admin of all three; Alpha read to acl_reader,
-- tag to acl_tagger, edit to acl_editor; beta read to PUBLIC; Γάμμα read to
-- acl_group (so to acl_member).
SELECT * FROM public.make_forest();
-- a third of the taggings carry data, for entities_with_tag_data
UPDATE tagstore.tagging SET data = '{"k": 1}' WHERE entity_id % 3 = 0;
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 20) > 0 AS some_posted;
SELECT tagstore.grant_taxonomy(x, 'acl_admin', 'admin') FROM unnest(ARRAY['Alpha', 'beta', 'Γάμμα']) x;
SELECT tagstore.grant_taxonomy('Alpha', 'acl_reader', 'read'),
       tagstore.grant_taxonomy('alpha', 'acl_tagger', 'TAG'),
       tagstore.grant_taxonomy('Alpha', 'acl_editor', 'edit'),
       tagstore.grant_taxonomy('BETA', 'public', 'read'),
       tagstore.grant_taxonomy('Γάμμα', 'acl_group', 'read');
SELECT x.name, CASE WHEN g.grantee::oid = 0 THEN 'PUBLIC' ELSE g.grantee::text END AS grantee, g.privilege
FROM tagstore.taxonomy_grant g JOIN tagstore.taxonomy x ON x.id = g.taxonomy_id
WHERE g.grantee::oid = 0 OR g.grantee::text LIKE 'acl%'
ORDER BY x.name_key, 2;

-- The reference: may the current user read a taxonomy, in plain SQL
CREATE FUNCTION public.ref_readable(tax uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
		OR pg_has_role((SELECT extowner FROM pg_extension WHERE extname = 'tagstore'), 'USAGE')
		OR EXISTS (SELECT 1 FROM tagstore.taxonomy_grant g
				   WHERE g.taxonomy_id = tax AND (g.grantee::oid = 0 OR pg_has_role(g.grantee::oid, 'USAGE')))
$$;
-- a tag's id if its taxonomy is readable, else NULL (a tag that is not there)
CREATE FUNCTION public.ref_id(p tagpath) RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT t.id FROM tagstore.tag t WHERE t.key = label_casefold(p) AND public.ref_readable(t.taxonomy_id)
$$;
-- 120 random queries, the same each run: 1 to 3 tags, some excluded, some
-- names that are no tag
SELECT setseed(0.42);
CREATE TABLE public.acl_queries AS
SELECT q, ARRAY(SELECT (public.random_tag()).path FROM generate_series(1, 1 + (q % 3)) k WHERE q > 0) AS tags,
       CASE WHEN q % 4 = 0 THEN ARRAY[(public.random_tag()).path] END AS exclude,
       q % 2 = 0 AS descendants,
       CASE WHEN q % 5 = 0 THEN 'doc' END AS etype
FROM generate_series(1, 120) q;
GRANT SELECT ON public.acl_queries TO PUBLIC;

-- ok(role): the differential checks as that role; each line counts mismatches
CREATE FUNCTION public.acl_differential() RETURNS TABLE (who text, what text, queries bigint, mismatches bigint)
LANGUAGE sql AS $$
	SELECT current_user::text, 'entities_with_all/any and counts', count(*),
		   count(*) FILTER (WHERE
			   ARRAY(SELECT e.entity_type || ':' || e.external_id FROM tagstore.entities_with_all(q.tags, q.etype,
					 include_descendants => q.descendants, exclude => q.exclude) e ORDER BY 1)
				 IS DISTINCT FROM public.ref_search(ARRAY(SELECT public.ref_id(t) FROM unnest(q.tags) t), true,
					 q.descendants, ARRAY(SELECT public.ref_id(t) FROM unnest(q.exclude) t), q.etype, NULL)
			   OR ARRAY(SELECT e.entity_type || ':' || e.external_id FROM tagstore.entities_with_any(q.tags, q.etype,
					 include_descendants => q.descendants, exclude => q.exclude) e ORDER BY 1)
				 IS DISTINCT FROM public.ref_search(ARRAY(SELECT public.ref_id(t) FROM unnest(q.tags) t), false,
					 q.descendants, ARRAY(SELECT public.ref_id(t) FROM unnest(q.exclude) t), q.etype, NULL)
			   OR tagstore.count_entities_with_any(q.tags, q.etype, include_descendants => q.descendants,
					 exclude => q.exclude)
				 <> cardinality(public.ref_search(ARRAY(SELECT public.ref_id(t) FROM unnest(q.tags) t), false,
					 q.descendants, ARRAY(SELECT public.ref_id(t) FROM unnest(q.exclude) t), q.etype, NULL)))
	FROM public.acl_queries q
	UNION ALL
	SELECT current_user::text, 'entities_with_tag_data', count(*),
		   count(*) FILTER (WHERE
			   (SELECT count(*) FROM tagstore.entities_with_tag_data(q.tags[1], '{"k": 1}'))
				 <> (SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x
					 WHERE x.tag_id IN (SELECT public.ref_subtree(public.ref_id(q.tags[1]), true))
					   AND x.data @> '{"k": 1}'))
	FROM public.acl_queries q
	UNION ALL
	SELECT current_user::text, 'tags_of', count(*),
		   count(*) FILTER (WHERE
			   ARRAY(SELECT o.tag::text FROM tagstore.tags_of(e.entity_type, e.external_id) o ORDER BY 1)
				 IS DISTINCT FROM ARRAY(SELECT t.path::text FROM tagstore.tagging x JOIN tagstore.tag t ON t.id = x.tag_id
										WHERE x.entity_id = e.id AND public.ref_readable(t.taxonomy_id) ORDER BY 1))
	FROM tagstore.entity e
	UNION ALL
	SELECT current_user::text, 'entities_matching', count(*),
		   count(*) FILTER (WHERE
			   ARRAY(SELECT m.entity_type || ':' || m.external_id FROM tagstore.entities_matching(p) m ORDER BY 1)
				 IS DISTINCT FROM ARRAY(SELECT DISTINCT e.entity_type || ':' || e.external_id
										FROM tagstore.tag t JOIN tagstore.tagging x ON x.tag_id = t.id
										JOIN tagstore.entity e ON e.id = x.entity_id
										WHERE t.path ~ p AND public.ref_readable(t.taxonomy_id) ORDER BY 1))
	FROM unnest(ARRAY['*.node*', '*.leaf*.*', 'Alpha.*', '*{2}', '*.x*@']::tagquery[]) p
	UNION ALL
	SELECT current_user::text, 'tag_counts', count(*),
		   count(*) FILTER (WHERE
			   (SELECT array_agg(c.tag_id ORDER BY c.tag_id) FROM tagstore.tag_counts(q.tags) c WHERE c.tag_id IS NOT NULL)
				 IS DISTINCT FROM (SELECT array_agg(t.id ORDER BY t.id) FROM tagstore.tag t
								   WHERE EXISTS (SELECT 1 FROM unnest(q.tags) p WHERE t.key <@ label_casefold(p))
									 AND public.ref_readable(t.taxonomy_id)))
	FROM public.acl_queries q
	UNION ALL
	SELECT current_user::text, 'search_tags', count(*),
		   count(*) FILTER (WHERE
			   ARRAY(SELECT s.tag::text FROM tagstore.search_tags(value => v, pattern => true) s ORDER BY 1)
				 IS DISTINCT FROM ARRAY(SELECT t.path::text FROM tagstore.tag t
										WHERE label_casefold(t.value) LIKE replace(label_casefold(v), '*', '%')
										  AND public.ref_readable(t.taxonomy_id) ORDER BY 1))
	FROM unnest(ARRAY['node*', 'LEAF*', 'x1*', 'zweig*']) v
	UNION ALL
	SELECT current_user::text, 'taxonomies view', 1,
		   (ARRAY(SELECT name FROM tagstore.taxonomies ORDER BY 1)
			 IS DISTINCT FROM ARRAY(SELECT name FROM tagstore.taxonomy x WHERE public.ref_readable(x.id) ORDER BY 1))::int
$$;

-- what a role sees, so that the differential is not vacuous: its
-- taxonomies, and how many queries find something
CREATE FUNCTION public.acl_sees() RETURNS TABLE (who text, taxonomies text[], queries_finding bigint)
LANGUAGE sql AS $$
	SELECT current_user::text, ARRAY(SELECT name FROM tagstore.taxonomies),
		   (SELECT count(*) FILTER (WHERE tagstore.count_entities_with_any(q.tags) > 0) FROM public.acl_queries q)
$$;

-- every role, and SET ROLE back and forth in one session: the cache follows
SELECT * FROM public.acl_sees();
SET ROLE acl_reader;
SELECT * FROM public.acl_sees();
SELECT * FROM public.acl_differential();
SET ROLE acl_none;
SELECT * FROM public.acl_sees();
SELECT * FROM public.acl_differential();
SET ROLE acl_member;
SELECT * FROM public.acl_sees();
SELECT * FROM public.acl_differential();
SET ROLE acl_reader;
SELECT * FROM public.acl_sees();
RESET ROLE;
SELECT * FROM public.acl_sees();
-- a change of grants is seen at once by the same user (no SET ROLE between):
-- acl_admin gives up Γάμμα
SET ROLE acl_admin;
SELECT tagstore.count_entities_with_any(ARRAY(SELECT path FROM public.forest() WHERE key <@ label_casefold('Γάμμα'::tagpath))) > 0 AS admin_counts;
SELECT tagstore.revoke_taxonomy('Γάμμα', 'acl_admin', 'read');
SELECT tagstore.count_entities_with_any(ARRAY(SELECT path FROM public.forest() WHERE key <@ label_casefold('Γάμμα'::tagpath))) AS admin_counts_after,
       tagstore.has_taxonomy_privilege('Γάμμα', 'read') AS may_read;
RESET ROLE;
SELECT tagstore.grant_taxonomy('Γάμμα', 'acl_admin', 'admin');
-- the streaming scan (a search in FROM with a join) too
SET ROLE acl_none;
SELECT count(*) AS none_streamed FROM tagstore.entities_with_any('{Alpha.node1, Γάμμα}') e
JOIN tagstore.entity x ON x.external_id = e.external_id;
RESET ROLE;

-- Named taxonomies: a listing or a history of one the role may not read is
-- refused; of one it may read, given.
SET ROLE acl_none;
SELECT what, errcheck(stmt) FROM (VALUES
  ('tags', $$SELECT * FROM tagstore.tags('Alpha')$$),
  ('tree', $$SELECT * FROM tagstore.tree('alpha')$$),
  ('find_tags', $$SELECT * FROM tagstore.find_tags('Alpha', 'node')$$),
  ('tag_history', $$SELECT * FROM tagstore.tag_history((SELECT path FROM public.forest() WHERE path <@ 'Alpha' LIMIT 1))$$),
  ('tagging_history', $$SELECT * FROM tagstore.tagging_history((SELECT path FROM public.forest() WHERE path <@ 'Alpha' LIMIT 1), 'item', 'e1')$$),
  ('tags of beta (PUBLIC)', $$SELECT count(*) FROM tagstore.tags('beta')$$)) AS t(what, stmt);
RESET ROLE;

-- Writes at each level: read (acl_reader), tag (acl_tagger), edit
-- (acl_editor), admin (acl_admin), on Alpha; each done is rolled back.
CREATE TABLE public.acl_writes (n int, what text, stmt text);
GRANT SELECT ON public.acl_writes TO PUBLIC;
INSERT INTO public.acl_writes VALUES
  (1, 'add_tag_to (direct)', $$SELECT tagstore.add_tag_to((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', 'new1')$$),
  (2, 'add_tag_to with data', $$SELECT tagstore.add_tag_to((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', 'new1', '{"a": 1}')$$),
  (3, 'add_tag_to_by_id', $$SELECT tagstore.add_tag_to_by_id((SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', 'e1')$$),
  (4, 'add_tag_to_many', $$SELECT * FROM tagstore.add_tag_to_many((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', ARRAY['new1', 'e2'])$$),
  (5, 'add_tag_to_many_by_id', $$SELECT * FROM tagstore.add_tag_to_many_by_id((SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', ARRAY['new1'])$$),
  (6, 'remove_tag_from', $$SELECT tagstore.remove_tag_from((SELECT t.path FROM tagstore.tag t JOIN tagstore.tagging x ON x.tag_id = t.id WHERE t.key <@ 'alpha' ORDER BY t.key, x.entity_id LIMIT 1), 'item', 'e1')$$),
  (7, 'remove_tag_from_many_by_id', $$SELECT * FROM tagstore.remove_tag_from_many_by_id((SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', ARRAY['e1'])$$),
  (8, 'add_tag', $$SELECT tagstore.add_tag('Alpha', 'fresh')$$),
  (9, 'add_tag by path', $$SELECT tagstore.add_tag('Alpha.fresh.deeper')$$),
  (10, 'add_tag_by_id', $$SELECT tagstore.add_tag_by_id('Alpha', 'fresh', (SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1))$$),
  (11, 'update_tag', $$SELECT tagstore.update_tag((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), description => 'x')$$),
  (12, 'update_tag_by_id', $$SELECT tagstore.update_tag_by_id((SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), description => 'x')$$),
  (13, 'rename_tag', $$SELECT tagstore.rename_tag((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'renamed')$$),
  (14, 'move_tag', $$SELECT tagstore.move_tag((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' AND tagstore.nlevel(key) = 3 ORDER BY key LIMIT 1), NULL)$$),
  (15, 'remove_tag', $$SELECT tagstore.remove_tag((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), cascade => true)$$),
  (16, 'remove_tag_by_id', $$SELECT tagstore.remove_tag_by_id((SELECT id FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), cascade => true)$$),
  (17, 'grant_taxonomy', $$SELECT tagstore.grant_taxonomy('Alpha', 'acl_none', 'read')$$),
  (18, 'revoke_taxonomy', $$SELECT tagstore.revoke_taxonomy('Alpha', 'acl_reader', 'read')$$),
  (19, 'rename_taxonomy', $$SELECT tagstore.rename_taxonomy('Alpha', 'Alef')$$),
  (20, 'drop_taxonomy', $$SELECT tagstore.drop_taxonomy('Alpha')$$),
  (21, 'prune_history', $$SELECT tagstore.prune_history()$$);
CREATE FUNCTION public.acl_try_writes() RETURNS TABLE (n int, what text, result text) LANGUAGE sql AS $$
	SELECT w.n, w.what, public.trycheck(w.stmt) FROM public.acl_writes w ORDER BY w.n
$$;
SET ROLE acl_reader;
SELECT * FROM public.acl_try_writes();
SET ROLE acl_tagger;
SELECT * FROM public.acl_try_writes();
SET ROLE acl_editor;
SELECT * FROM public.acl_try_writes();
SET ROLE acl_admin;
SELECT * FROM public.acl_try_writes();
RESET ROLE;
-- nothing of it stayed
SELECT count(*) AS new_entities FROM tagstore.entity WHERE external_id = 'new1';
SELECT count(*) AS fresh_tags FROM tagstore.tag WHERE value = 'fresh';

-- grant raises and never lowers; revoke takes the level and every higher one
SELECT tagstore.grant_taxonomy('Alpha', 'acl_none', 'edit');
SELECT tagstore.grant_taxonomy('Alpha', 'acl_none', 'read');
SELECT privilege FROM tagstore.taxonomy_grant WHERE grantee = 'acl_none'::regrole;
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Alpha', 'edit') AS edit, tagstore.has_taxonomy_privilege('Alpha', 'admin') AS admin,
       tagstore.has_taxonomy_privilege('no such', 'read') AS no_such_taxonomy,
       errcheck($$SELECT tagstore.has_taxonomy_privilege('Alpha', 'write')$$) AS bad_privilege;
RESET ROLE;
SELECT tagstore.revoke_taxonomy('Alpha', 'acl_none', 'tag');
SELECT privilege FROM tagstore.taxonomy_grant WHERE grantee = 'acl_none'::regrole;
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Alpha', 'read') AS read, tagstore.has_taxonomy_privilege('Alpha', 'tag') AS tag;
RESET ROLE;
SELECT tagstore.revoke_taxonomy('Alpha', 'acl_none', 'read');
SELECT count(*) AS grants_left FROM tagstore.taxonomy_grant WHERE grantee = 'acl_none'::regrole;
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Alpha', 'read') AS read;
RESET ROLE;
-- PUBLIC: a grant to it reaches every role, its revoke too
SELECT tagstore.grant_taxonomy('Alpha', 'PUBLIC', 'tag');
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Alpha', 'tag') AS tag_by_public,
       tagstore.add_tag_to((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', 'by_public') AS tagged;
RESET ROLE;
SELECT tagstore.revoke_taxonomy('Alpha', 'public', 'read');
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Alpha', 'read') AS read_after_revoke,
       errcheck($$SELECT tagstore.add_tag_to((SELECT path FROM tagstore.tag WHERE key <@ 'alpha' ORDER BY key LIMIT 1), 'item', 'by_public2')$$) AS tag_after_revoke;
RESET ROLE;
-- membership: a role granted to acl_none gives it that role's level; taken back, gone
GRANT acl_group TO acl_none;
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Γάμμα', 'read') AS read_as_member;
RESET ROLE;
REVOKE acl_group FROM acl_none;
SET ROLE acl_none;
SELECT tagstore.has_taxonomy_privilege('Γάμμα', 'read') AS read_after_membership_revoked;
RESET ROLE;
-- bad arguments
SELECT what, errcheck(stmt) FROM (VALUES
  ('no taxonomy', $$SELECT tagstore.grant_taxonomy('nope', 'acl_none', 'read')$$),
  ('no role', $$SELECT tagstore.grant_taxonomy('Alpha', 'nobody_at_all', 'read')$$),
  ('bad privilege', $$SELECT tagstore.grant_taxonomy('Alpha', 'acl_none', 'write')$$),
  ('NULL role', $$SELECT tagstore.revoke_taxonomy('Alpha', NULL, 'read')$$)) AS t(what, stmt);

-- The creator owns what it creates; the superuser sees everything.
SET ROLE acl_tagger;
SELECT tagstore.create_taxonomy('Private') IS NOT NULL AS created;
SELECT tagstore.add_tag('Private.secret'), tagstore.add_tag_to('Private.secret', 'item', 'e1') AS tagged;
SELECT ARRAY(SELECT tag::text FROM tagstore.tags_of('item', 'e1') WHERE tag <@ 'Private') AS tagger_sees;
SET ROLE acl_reader;
SELECT ARRAY(SELECT tag::text FROM tagstore.tags_of('item', 'e1') WHERE tag <@ 'Private') AS reader_sees,
       tagstore.count_entities_with_all('{Private.secret}') AS reader_counts,
       errcheck($$SELECT tagstore.grant_taxonomy('Private', 'acl_reader', 'admin')$$) AS self_grant;
RESET ROLE;
SELECT tagstore.count_entities_with_all('{Private.secret}') AS superuser_counts;

-- drop_taxonomy takes the grants along; verify() reports a grant naming no taxonomy
SELECT count(*) AS private_grants FROM tagstore.taxonomy_grant g JOIN tagstore.taxonomy x ON x.id = g.taxonomy_id
WHERE x.name = 'Private';
SET ROLE acl_tagger;
SELECT tagstore.drop_taxonomy('Private');
RESET ROLE;
SELECT count(*) AS grants_of_no_taxonomy FROM tagstore.taxonomy_grant g
WHERE NOT EXISTS (SELECT 1 FROM tagstore.taxonomy x WHERE x.id = g.taxonomy_id);
SELECT problem, detail FROM tagstore.verify();
SET session_replication_role = replica;
INSERT INTO tagstore.taxonomy_grant (taxonomy_id, grantee, privilege, granted_by)
VALUES ('00000000-0000-0000-0000-000000000001', 'acl_none', 'read', 'test');
RESET session_replication_role;
SELECT problem, detail FROM tagstore.verify();
-- and a grant to a role dropped since
CREATE ROLE acl_gone;
SELECT tagstore.grant_taxonomy('beta', 'acl_gone', 'tag');
DROP ROLE acl_gone;
SELECT problem, regexp_replace(detail, '\d+: no such', 'N: no such') AS detail FROM tagstore.verify();

DROP TABLE public.acl_queries, public.acl_writes;
DROP FUNCTION public.trycheck(text), public.acl_differential(), public.acl_sees(), public.acl_try_writes(), public.ref_readable(uuid), public.ref_id(tagpath);
DROP OWNED BY acl_admin, acl_reader, acl_tagger, acl_editor, acl_none, acl_member;
DROP ROLE acl_admin, acl_reader, acl_tagger, acl_editor, acl_none, acl_member, acl_group;
