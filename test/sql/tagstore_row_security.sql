-- Row-level security: when policies on tagstore's tables apply to the
-- caller, every search, count and listing answers exactly as it would over
-- the rows the policies let the caller see (tags with their taxonomies,
-- taggings with their entities), and postings, which hold every tagging,
-- are never read.  Checked against the references of the fixture run as
-- the same role (the executor applies the policies to them), on the random
-- forests with their postings refreshed, under policies on each table.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/sql/fixtures/common.psql
SELECT * FROM make_forest();
UPDATE tagstore.tagging SET data = jsonb_build_object('weight', entity_id % 5) WHERE entity_id % 2 = 0;
-- postings for every tag with a few taggings: a search that read them would see hidden rows
SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 2) > 0 AS postings_refreshed;

CREATE ROLE tagstore_tenant;
GRANT USAGE ON SCHEMA tagstore TO tagstore_tenant;
GRANT SELECT ON ALL TABLES IN SCHEMA tagstore TO tagstore_tenant;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA tagstore TO tagstore_tenant;
GRANT EXECUTE ON FUNCTION tagstore.verify(), tagstore._verify_postings() TO tagstore_tenant;
SELECT tagstore.grant_taxonomy(n, 'tagstore_tenant', 'read') FROM unnest(ARRAY['Alpha', 'beta', 'Γάμμα']) n;

-- what the owner (not subject to the policies) sees, to compare with
CREATE TABLE owner_counts AS
SELECT t.path, tagstore.count_entities_with_any(ARRAY[t.path]) AS n FROM forest() t;
GRANT SELECT ON owner_counts TO tagstore_tenant;

-- the policies: most docs hidden; a quarter of the taggings hidden; three
-- subtrees hidden whole (a policy on key: hidden tags take their
-- descendants with them, as the fixture's reference walks parent links)
ALTER TABLE tagstore.entity ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_entities ON tagstore.entity USING (entity_type = 'item' OR external_id LIKE '%7');
ALTER TABLE tagstore.tagging ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_taggings ON tagstore.tagging USING ((tag_id + entity_id) % 4 <> 0);
ALTER TABLE tagstore.tag ENABLE ROW LEVEL SECURITY;
SELECT format('CREATE POLICY tenant_tags ON tagstore.tag USING (NOT key <@ ANY (%L::tagpath[]))',
			  array_agg(key)) AS create_tag_policy
FROM (SELECT key FROM forest() WHERE parent_id IN (SELECT id FROM tagstore.tag WHERE parent_id IS NULL)
	  ORDER BY key LIMIT 3) k \gset
:create_tag_policy;
ALTER TABLE tagstore.taxonomy ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_taxonomies ON tagstore.taxonomy USING (true);
-- the owner of the tables is not subject to them
SELECT count(*) = (SELECT count(*) FROM owner_counts WHERE n > 0) AS owner_sees_all
FROM owner_counts WHERE tagstore.count_entities_with_any(ARRAY[path]) = n AND n > 0;

SET ROLE tagstore_tenant;
SELECT (SELECT count(*) FROM tagstore.entity) < 600 AS entities_hidden,
	   (SELECT count(*) FROM tagstore.tag) < (SELECT count(*) FROM owner_counts) AS tags_hidden;

-- searches and counts against the reference, with the seeds of the
-- differential suite
SELECT setseed(0.12);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(300);
SELECT setseed(0.14);
SELECT cases, mismatches, nonempty > cases / 3 AS many_nonempty FROM compare(200);

-- the answers are the policies' and not the owner's: a posted broad tag
-- counts fewer entities for the tenant
SELECT count(*) > 10 AS fewer_for_the_tenant
FROM owner_counts o JOIN tagstore.tag t ON t.path = o.path
WHERE tagstore.count_entities_with_any(ARRAY[o.path]) < o.n;
-- a hidden tag (and so its subtree) matches nothing, named in any case
SELECT count(*) AS hidden_tags,
	   count(*) FILTER (WHERE tagstore.count_entities_with_any(ARRAY[upper(o.path::text)::tagpath]) > 0
						OR tagstore.count_entities_with_all(ARRAY[o.path]) > 0) AS hidden_but_matched
FROM owner_counts o WHERE NOT EXISTS (SELECT FROM tagstore.tag t WHERE t.path = o.path);

-- by tagging data: the taggings under the tag whose data contains the
-- filter, of visible entities
SELECT count(*) AS tags_tried,
	   count(*) FILTER (WHERE got IS DISTINCT FROM want) AS mismatches,
	   count(*) FILTER (WHERE cardinality(want) > 0) > 5 AS many_nonempty
FROM (SELECT t.path,
			 ARRAY(SELECT entity_type || ':' || external_id
				   FROM tagstore.entities_with_tag_data(t.path, '{"weight": 2}') ORDER BY 1) AS got,
			 ARRAY(SELECT DISTINCT e.entity_type || ':' || e.external_id
				   FROM tagstore.tag u
				   JOIN tagstore.tagging g ON g.tag_id = u.id
				   JOIN tagstore.entity e ON e.id = g.entity_id
				   WHERE u.id IN (SELECT ref_subtree(t.id, true)) AND g.data @> '{"weight": 2}'
				   ORDER BY 1) AS want
	  FROM forest() t) s;

-- listings: every visible tag, with counts of the visible taggings of
-- visible entities under it (a reference over key ranges, run as the tenant)
CREATE TEMP TABLE listed AS
SELECT tag, direct_count, total_count FROM tagstore.tags('Alpha')
UNION ALL SELECT tag, direct_count, total_count FROM tagstore.tags('beta')
UNION ALL SELECT tag, direct_count, total_count FROM tagstore.tags('Γάμμα');
SELECT (SELECT count(*) FROM listed) = (SELECT count(*) FROM forest()) AS lists_the_visible_tags,
	   count(*) FILTER (WHERE l.direct_count IS DISTINCT FROM r.direct
						OR l.total_count IS DISTINCT FROM r.total) AS count_mismatches,
	   count(*) FILTER (WHERE r.total > 0) > 50 AS many_counted
FROM listed l
LEFT JOIN LATERAL (
	SELECT count(*) FILTER (WHERE u.key = t.key) AS direct, count(DISTINCT g.entity_id) AS total
	FROM tagstore.tag t
	JOIN tagstore.tag u ON u.key <@ t.key
	JOIN tagstore.tagging g ON g.tag_id = u.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	WHERE t.path = l.tag) r ON true;
-- search_tags, tree() and tag_counts() count the same
SELECT count(*) AS searched, count(*) FILTER (WHERE s.total_count IS DISTINCT FROM l.total_count) AS mismatches
FROM tagstore.search_tags('Alpha') s JOIN listed l USING (tag);
SELECT count(*) AS counted, count(*) FILTER (WHERE c.total_count IS DISTINCT FROM l.total_count) AS mismatches
FROM tagstore.tag_counts(ARRAY(SELECT key FROM forest())) c
JOIN tagstore.tag t ON t.id = c.tag_id JOIN listed l ON l.tag = t.path;
SELECT (SELECT t FROM tagstore.tree('beta') t LIMIT 1) =
	   format('beta (%s)', (SELECT count(DISTINCT g.entity_id) FROM tagstore.tagging g
							JOIN tagstore.tag t ON t.id = g.tag_id JOIN tagstore.entity e ON e.id = g.entity_id
							WHERE t.key <@ 'beta')) AS tree_counts_the_visible;

-- verify() reads every row: refused, naming the table
SELECT errcheck('SELECT * FROM tagstore.verify()') AS verify;
-- so does refresh_postings (a posting holds every tagging, whoever reads
-- it): refused, even with the privileges a refresh writes with, rather
-- than post and count only what the caller sees
RESET ROLE;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tagstore TO tagstore_tenant;
SET ROLE tagstore_tenant;
SELECT errcheck('SELECT tagstore.refresh_postings()') AS refresh;
SELECT errcheck('SELECT tagstore.refresh_postings(rebuild => true)') AS rebuild;
RESET ROLE;
REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tagstore FROM tagstore_tenant;
SET ROLE tagstore_tenant;
-- with row_security off, a search the policies would filter is an error, as a query is
SET row_security = off;
SELECT errcheck($$SELECT tagstore.count_entities_with_any('{Alpha}')$$) AS row_security_off;
RESET row_security;
RESET ROLE;

-- a taxonomy hidden by its policy: its tags match nothing, its listing does not exist
DROP POLICY tenant_taxonomies ON tagstore.taxonomy;
CREATE POLICY tenant_taxonomies ON tagstore.taxonomy USING (name <> 'beta');
SET ROLE tagstore_tenant;
SELECT count(*) AS beta_tags_seen,
	   count(*) FILTER (WHERE tagstore.count_entities_with_any(ARRAY[path]) > 0) AS beta_tags_matched
FROM owner_counts WHERE path <@ 'beta' AND n > 0;
SELECT errcheck($$SELECT * FROM tagstore.tags('beta')$$) AS beta_listing;
SELECT count(*) FILTER (WHERE tag <@ 'beta') AS beta_in_tags_of
FROM tagstore.entity e, LATERAL tagstore.tags_of(e.entity_type, e.external_id) t;
RESET ROLE;

-- a hidden tag between visible ones: searched for, it matches nothing (as
-- an unknown tag); its visible descendants still count under its visible
-- ancestors (a subtree is the visible tags of a key range)
CREATE POLICY tenant_tags_too ON tagstore.tag AS RESTRICTIVE USING (value <> 'middle');
SELECT tagstore.create_taxonomy('Chain') IS NOT NULL AS created;
SELECT tagstore.add_tag('Chain', 'top'), tagstore.add_tag('Chain', 'middle', 'Chain.top'),
	   tagstore.add_tag('Chain', 'bottom', 'Chain.top.middle');
SELECT tagstore.add_tag_to('Chain.top.middle.bottom', 'item', 'deep'),
	   tagstore.add_tag_to('Chain.top.middle', 'item', 'mid');
SELECT tagstore.grant_taxonomy('Chain', 'tagstore_tenant', 'read');
SET ROLE tagstore_tenant;
SELECT * FROM tagstore.entities_with_any('{Chain.top}');
SELECT * FROM tagstore.entities_with_any('{Chain.top.middle}');
SELECT tag, depth, direct_count, total_count FROM tagstore.tags('Chain');
RESET ROLE;

-- dropping the policies: the searches read directly again, and answer as before
DROP POLICY tenant_entities ON tagstore.entity;
DROP POLICY tenant_taggings ON tagstore.tagging;
DROP POLICY tenant_tags ON tagstore.tag;
DROP POLICY tenant_tags_too ON tagstore.tag;
DROP POLICY tenant_taxonomies ON tagstore.taxonomy;
ALTER TABLE tagstore.entity DISABLE ROW LEVEL SECURITY;
ALTER TABLE tagstore.tagging DISABLE ROW LEVEL SECURITY;
ALTER TABLE tagstore.tag DISABLE ROW LEVEL SECURITY;
ALTER TABLE tagstore.taxonomy DISABLE ROW LEVEL SECURITY;
SET ROLE tagstore_tenant;
SELECT count(*) AS tags, count(*) FILTER (WHERE tagstore.count_entities_with_any(ARRAY[path]) <> n) AS differ
FROM owner_counts;
RESET ROLE;
DROP TABLE owner_counts;
REVOKE ALL ON ALL TABLES IN SCHEMA tagstore FROM tagstore_tenant;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA tagstore FROM tagstore_tenant;
REVOKE ALL ON SCHEMA tagstore FROM tagstore_tenant;
REVOKE ALL ON FUNCTION tagstore.verify(), tagstore._verify_postings() FROM tagstore_tenant;
DROP OWNED BY tagstore_tenant;
DROP ROLE tagstore_tenant;
