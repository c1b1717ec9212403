/*
 * catalog.c
 *	  The one place that knows tagstore's tables by name: their OIDs, the
 *	  columns the engine reads by number, the tagpath type, the key
 *	  operators of tag_key, and the SQL the engine runs, kept for the session.
 *
 * The engine reads its tables directly (past the executor) and by column
 * number, so every search and tagging would otherwise look each relation
 * up by name (schema, name, invalidations: each lookup costing about as
 * much as the search of a rare tag).  Instead one session cache holds:
 *
 *	- the OIDs of the relations of the schema tagstore (TagstoreRel);
 *	- the check that each table is a plain table, and that each column the
 *	  engine reads by number (catalog.h's Anum_ constants) has that number,
 *	  name and type in pg_attribute;
 *	- the check that each index the engine reads directly is a btree on
 *	  the columns it expects, in that order;
 *	- the tagpath type (the type of tag.key) and the functions of tag_key's
 *	  btree strategies, for scan keys over keys;
 *	- the prepared statements (TagstoreQuery), made when first run.
 *
 * The statements name tagstore's tables and functions schema-qualified,
 * never by the caller's search path, and call only the documented API and
 * the type's functions and operators, since they run as the caller, who
 * may execute nothing else (sql/src/08_helpers.sql).  The type lives in the
 * schema CREATE EXTENSION chose: a statement names it @extschema@, as the
 * install script does, and the schema of the tagpath type replaces that
 * when the statement is prepared.
 *
 * One invalidation rule: any relcache invalidation of one of those
 * relations, and any change to a schema or a function (an update from 1.0
 * renames functions that statements call), marks the cache stale, and the
 * next use looks everything up again.  So DROP EXTENSION followed by
 * CREATE EXTENSION, a rename, or an ALTER TABLE that moves a column are
 * seen at the next call.  The prepared statements are kept across reloads
 * while the tagpath type stays the same (the plan cache revalidates them
 * against their tables by itself; only their parameter types would be
 * stale), so that a plan running further up the stack is never freed.
 *
 * What the checks cannot see is reported where it is read: a NOT NULL
 * constraint dropped and a NULL stored is XX001 naming the column (catalog.h's
 * catalog_*_value); a statement that a rule turned into another is 55000;
 * and a plan made before DROP EXTENSION, run after it, is 55000
 * (catalog_check_function).  None of them is XX000 or a crash.
 *
 * Example: a search opens TSREL_TAGGING: the cache is loaded (first call
 * of the session), so try_relation_open(relids[TSREL_TAGGING]) takes the
 * lock; a DROP EXTENSION committed before the lock was granted sends an
 * invalidation that clears the cache while locking, so the relation is
 * closed and looked up again by name, and the search reports the missing
 * schema instead of reading a dropped table.
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "catalog.h"

#define TAGSTORE_SCHEMA "tagstore"

/* The relations' names, in the schema tagstore. */
#define REL(name) {name, TAGSTORE_SCHEMA "." name}
static const struct
{
	const char *name;
	const char *qualified;
}			relations[TSREL_COUNT] = {
	[TSREL_TAXONOMY] = REL("taxonomy"),
	[TSREL_TAG] = REL("tag"),
	[TSREL_TAG_PKEY] = REL("tag_pkey"),
	[TSREL_TAG_KEY] = REL("tag_key"),
	[TSREL_TAG_TOMBSTONE] = REL("tag_tombstone"),
	[TSREL_ENTITY] = REL("entity"),
	[TSREL_ENTITY_PKEY] = REL("entity_pkey"),
	[TSREL_ENTITY_NAME] = REL("entity_name"),
	[TSREL_TAGGING] = REL("tagging"),
	[TSREL_TAGGING_PKEY] = REL("tagging_pkey"),
	[TSREL_TAGGING_ENTITY_IDX] = REL("tagging_entity_idx"),
	[TSREL_TAGGING_REVISION] = REL("tagging_revision"),
	[TSREL_TAGGING_REVISION_PKEY] = REL("tagging_revision_pkey"),
	[TSREL_POSTED_TAG] = REL("posted_tag"),
	[TSREL_POSTED_TAG_PKEY] = REL("posted_tag_pkey"),
	[TSREL_POSTING] = REL("posting"),
	[TSREL_POSTING_CHANGE] = REL("posting_change"),
	[TSREL_TAXONOMY_GRANT] = REL("taxonomy_grant"),
	[TSREL_TAGGING_COUNT] = REL("tagging_count"),
	[TSREL_POSTING_SETTING] = REL("posting_setting"),
};

/* A relation that a database still at version 1.0 lacks (its OID is then invalid). */
#define OPTIONAL_REL(rel) \
	((rel) == TSREL_TAXONOMY_GRANT || (rel) == TSREL_TAGGING_COUNT || (rel) == TSREL_POSTING_SETTING)

/* The tagpath type, in a column list: the type of tag.key. */
#define TAGPATH_TYPE InvalidOid

/* The columns the engine reads or writes by number. */
static const struct
{
	TagstoreRel rel;
	AttrNumber	attnum;
	const char *name;
	Oid			type;
}			columns[] =
{
	{TSREL_TAXONOMY, Anum_taxonomy_name, "name", TEXTOID},
	{TSREL_TAXONOMY, Anum_taxonomy_name_key, "name_key", TEXTOID},
	{TSREL_TAG, Anum_tag_id, "id", INT8OID},
	{TSREL_TAG, Anum_tag_parent_id, "parent_id", INT8OID},
	{TSREL_TAG, Anum_tag_value, "value", TEXTOID},
	{TSREL_TAG, Anum_tag_path, "path", TAGPATH_TYPE},
	{TSREL_TAG, Anum_tag_key, "key", TAGPATH_TYPE},
	{TSREL_TAG, Anum_tag_external_id, "external_id", TEXTOID},
	{TSREL_TAG, Anum_tag_description, "description", TEXTOID},
	{TSREL_TAG, Anum_tag_category, "category", TEXTOID},
	{TSREL_TAG, Anum_tag_originator, "originator", TEXTOID},
	{TSREL_TAG, Anum_tag_revision, "revision", INT4OID},
	{TSREL_TAG, Anum_tag_created_at, "created_at", TIMESTAMPTZOID},
	{TSREL_TAG, Anum_tag_updated_at, "updated_at", TIMESTAMPTZOID},
	{TSREL_ENTITY, Anum_entity_id, "id", INT8OID},
	{TSREL_ENTITY, Anum_entity_entity_type, "entity_type", TEXTOID},
	{TSREL_ENTITY, Anum_entity_external_id, "external_id", TEXTOID},
	{TSREL_TAGGING, Anum_tagging_tag_id, "tag_id", INT8OID},
	{TSREL_TAGGING, Anum_tagging_entity_id, "entity_id", INT8OID},
	{TSREL_TAGGING, Anum_tagging_data, "data", JSONBOID},
	{TSREL_TAGGING, Anum_tagging_revision, "revision", INT4OID},
	{TSREL_TAGGING, Anum_tagging_operation, "operation", TEXTOID},
	{TSREL_TAGGING, Anum_tagging_tagged_by, "tagged_by", TEXTOID},
	{TSREL_TAGGING, Anum_tagging_tagged_at, "tagged_at", TIMESTAMPTZOID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_tag_id, "tag_id", INT8OID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_entity_id, "entity_id", INT8OID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_revision, "revision", INT4OID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_operation, "operation", TEXTOID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_actor, "actor", TEXTOID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_at, "at", TIMESTAMPTZOID},
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_state, "state", JSONBOID},
	{TSREL_POSTED_TAG, Anum_posted_tag_tag_id, "tag_id", INT8OID},
	{TSREL_POSTED_TAG, Anum_posted_tag_stale, "stale", BOOLOID},
	{TSREL_POSTED_TAG, Anum_posted_tag_entities, "entities", INT8OID},
	{TSREL_POSTING, Anum_posting_tag_id, "tag_id", INT8OID},
	{TSREL_POSTING, Anum_posting_chunk, "chunk", INT8OID},
	{TSREL_POSTING, Anum_posting_members, "members", BYTEAOID},
	{TSREL_POSTING_CHANGE, Anum_posting_change_tag_id, "tag_id", INT8OID},
	{TSREL_POSTING_CHANGE, Anum_posting_change_entity_id, "entity_id", INT8OID},
	{TSREL_TAGGING_COUNT, Anum_tagging_count_tag_id, "tag_id", INT8OID},
	{TSREL_TAGGING_COUNT, Anum_tagging_count_taggings, "taggings", INT8OID},
	{TSREL_POSTING_SETTING, Anum_posting_setting_min_taggings, "min_taggings", INT4OID},
};

/*
 * The indexes the engine reads directly: each a btree on exactly these
 * columns of its table (the tagging cursor and the lookups by id rely on
 * it; tag_key's operators come from its operator class).
 */
#define MAX_INDEX_COLS 3
static const struct
{
	TagstoreRel index;
	TagstoreRel table;
	int			ncols;
	AttrNumber	cols[MAX_INDEX_COLS];
}			indexes[] =
{
	{TSREL_TAG_PKEY, TSREL_TAG, 1, {Anum_tag_id}},
	{TSREL_TAG_KEY, TSREL_TAG, 1, {Anum_tag_key}},
	{TSREL_ENTITY_PKEY, TSREL_ENTITY, 1, {Anum_entity_id}},
	{TSREL_ENTITY_NAME, TSREL_ENTITY, 2, {Anum_entity_entity_type, Anum_entity_external_id}},
	{TSREL_TAGGING_PKEY, TSREL_TAGGING, 2, {Anum_tagging_tag_id, Anum_tagging_entity_id}},
	{TSREL_TAGGING_ENTITY_IDX, TSREL_TAGGING, 1, {Anum_tagging_entity_id}},
	{TSREL_TAGGING_REVISION_PKEY, TSREL_TAGGING_REVISION, 3,
	{Anum_tagging_revision_tag_id, Anum_tagging_revision_entity_id, Anum_tagging_revision_revision}},
	{TSREL_POSTED_TAG_PKEY, TSREL_POSTED_TAG, 1, {Anum_posted_tag_tag_id}},
};

/*
 * The statements.  Generic plans where the statement is a lookup by key or
 * an insert: their index conditions are as good as custom ones (the planner
 * support of tagpath_support.c bounds <@ for generic plans too), and
 * planning each call would cost more than the lookup.  The filter on
 * tagging data gets custom plans: whether its GIN index pays depends on
 * the value.
 */
#define MAX_QUERY_ARGS 4
static const struct
{
	const char *sql;
	int			nargs;
	Oid			types[MAX_QUERY_ARGS];	/* TAGPATH_TYPE: the tagpath type */
	bool		generic;
	int			expect;			/* SPI's result code when it ran */
}			queries[TSQ_COUNT] = {
	[TSQ_TAGGINGS_WITH_DATA] = {
		"SELECT entity_id FROM tagstore.tagging"
		" WHERE tag_id BETWEEN $1 AND $2 AND data @> $3 AND data IS NOT NULL",
		3, {INT8OID, INT8OID, JSONBOID}, false, SPI_OK_SELECT
	},
	/*
	 * The readers' statements when row-level security applies to the caller
	 * (policy_rows.c): a tag is visible with its taxonomy, a tagging with
	 * its entity (its tag is one the tag reader found).  Whole tag rows, as
	 * the direct reads return them (a whole-row value has the table's
	 * columns, dropped ones included).  The taggings get custom plans: a
	 * generic one cannot tell a range of a few taggings, whose entities are
	 * best looked up one by one, from one of a whole taxonomy.
	 */
	[TSQ_POLICY_TAGS] = {
		"SELECT t FROM tagstore.tag t WHERE t.key >= $1 AND t.key < $2"
		" AND EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id) ORDER BY t.key",
		2, {TAGPATH_TYPE, TAGPATH_TYPE}, true, SPI_OK_SELECT
	},
	[TSQ_POLICY_TAG] = {
		"SELECT t FROM tagstore.tag t WHERE t.key = $1"
		" AND EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id)",
		1, {TAGPATH_TYPE}, true, SPI_OK_SELECT
	},
	[TSQ_POLICY_TAG_BY_ID] = {
		"SELECT t FROM tagstore.tag t WHERE t.id = $1"
		" AND EXISTS (SELECT FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id)",
		1, {INT8OID}, true, SPI_OK_SELECT
	},
	[TSQ_POLICY_TAGGINGS] = {
		"SELECT g.tag_id, g.entity_id FROM tagstore.tagging g"
		" WHERE (g.tag_id, g.entity_id) >= ($1, $2) AND (g.tag_id, g.entity_id) <= ($3, $4)"
		" AND EXISTS (SELECT FROM tagstore.entity e WHERE e.id = g.entity_id)"
		" ORDER BY g.tag_id, g.entity_id",
		4, {INT8OID, INT8OID, INT8OID, INT8OID}, false, SPI_OK_SELECT
	},
	[TSQ_POLICY_TAGGINGS_WITH_DATA] = {
		"SELECT entity_id FROM tagstore.tagging g"
		" WHERE tag_id BETWEEN $1 AND $2 AND data @> $3 AND data IS NOT NULL"
		" AND EXISTS (SELECT FROM tagstore.entity e WHERE e.id = g.entity_id)",
		3, {INT8OID, INT8OID, JSONBOID}, false, SPI_OK_SELECT
	},
	[TSQ_POSTING_CHUNKS] = {
		"SELECT chunk, members FROM tagstore.posting WHERE tag_id = $1 ORDER BY chunk",
		1, {INT8OID}, true, SPI_OK_SELECT
	},
	[TSQ_POSTING_DELETE] = {
		"DELETE FROM tagstore.posting WHERE tag_id = $1",
		1, {INT8OID}, true, SPI_OK_DELETE
	},
	[TSQ_POSTING_INSERT] = {
		"INSERT INTO tagstore.posting (tag_id, chunk, members) SELECT $1, unnest($2), unnest($3)",
		3, {INT8OID, INT8ARRAYOID, BYTEAARRAYOID}, true, SPI_OK_INSERT
	},
	[TSQ_POSTED_FRESH] = {
		"UPDATE tagstore.posted_tag SET stale = false, entities = $2 WHERE tag_id = $1",
		2, {INT8OID, INT8OID}, true, SPI_OK_UPDATE
	},
	[TSQ_LOCK_TAG] = {
		"LOCK TABLE tagstore.tag IN SHARE MODE", 0, {0}, false, SPI_OK_UTILITY
	},
	[TSQ_LOCK_POSTED_TAG] = {
		"LOCK TABLE tagstore.posted_tag IN SHARE ROW EXCLUSIVE MODE", 0, {0}, false, SPI_OK_UTILITY
	},
	[TSQ_CHANGES_ALL] = {
		"SELECT coalesce(array_agg(ctid), '{}'), count(*) FROM tagstore.posting_change",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_CHANGES_AT] = {
		"SELECT DISTINCT entity_id, tag_id FROM tagstore.posting_change"
		" WHERE ctid = ANY ($1) ORDER BY 1, 2",
		1, {TIDARRAYOID}, false, SPI_OK_SELECT
	},
	[TSQ_CHANGES_DELETE] = {
		"DELETE FROM tagstore.posting_change WHERE ctid = ANY ($1)",
		1, {TIDARRAYOID}, false, SPI_OK_DELETE
	},
	[TSQ_TAG_TREE] = {
		"SELECT t.id, t.parent_id, coalesce(NOT p.stale, false), p.tag_id IS NOT NULL"
		" FROM tagstore.tag t LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id ORDER BY t.id",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_TAG_TREE_COUNTED] = {
		"SELECT t.id, t.parent_id, coalesce(NOT p.stale, false), p.tag_id IS NOT NULL, c.taggings"
		" FROM tagstore.tag t LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id"
		" LEFT JOIN tagstore.tagging_count c ON c.tag_id = t.id ORDER BY t.id",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_POSTING_CLEAR] = {
		"DELETE FROM tagstore.posting", 0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_POSTED_CLEAR] = {
		"DELETE FROM tagstore.posted_tag", 0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_POSTED_ADD] = {
		"INSERT INTO tagstore.posted_tag (tag_id) SELECT unnest($1)",
		1, {INT8ARRAYOID}, false, SPI_OK_INSERT
	},
	[TSQ_POSTED_REMOVE] = {
		"DELETE FROM tagstore.posted_tag WHERE tag_id = ANY ($1)",
		1, {INT8ARRAYOID}, false, SPI_OK_DELETE
	},
	[TSQ_TAGGING_COUNTS] = {
		"SELECT tag_id, count(*) FROM tagstore.tagging GROUP BY tag_id", 0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_TAGGING_COUNTS_OF] = {
		"SELECT t, (SELECT count(*) FROM tagstore.tagging g WHERE g.tag_id = t) FROM unnest($1) t",
		1, {INT8ARRAYOID}, false, SPI_OK_SELECT
	},
	[TSQ_COUNTS_CLEAR] = {
		"DELETE FROM tagstore.tagging_count", 0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_COUNTS_FORGET] = {
		"DELETE FROM tagstore.tagging_count WHERE tag_id = ANY ($1)",
		1, {INT8ARRAYOID}, false, SPI_OK_DELETE
	},
	[TSQ_COUNTS_SET] = {
		"INSERT INTO tagstore.tagging_count (tag_id, taggings) SELECT unnest($1), unnest($2)",
		2, {INT8ARRAYOID, INT8ARRAYOID}, false, SPI_OK_INSERT
	},
	[TSQ_MIN_TAGGINGS] = {
		"SELECT min_taggings FROM tagstore.posting_setting", 0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_MIN_TAGGINGS_SET] = {
		"INSERT INTO tagstore.posting_setting (min_taggings) VALUES ($1)"
		" ON CONFLICT (only_row) DO UPDATE SET min_taggings = excluded.min_taggings",
		1, {INT4OID}, false, SPI_OK_INSERT
	},
	[TSQ_TAGGINGS_OF_ENTITIES] = {
		"SELECT entity_id, tag_id FROM tagstore.tagging WHERE entity_id = ANY ($1) ORDER BY 1",
		1, {INT8ARRAYOID}, false, SPI_OK_SELECT
	},
	[TSQ_STALE_POSTED] = {
		"SELECT p.tag_id, t.key FROM tagstore.posted_tag p"
		" JOIN tagstore.tag t ON t.id = p.tag_id WHERE p.stale ORDER BY t.key DESC",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_ENTITY_ADD] = {
		"INSERT INTO tagstore.entity (entity_type, external_id) VALUES ($1, $2)"
		" ON CONFLICT DO NOTHING RETURNING id",
		2, {TEXTOID, TEXTOID}, true, SPI_OK_INSERT_RETURNING
	},
	[TSQ_ADD_TAG_TO_BY_KEY] = {
		"SELECT r.revision FROM tagstore.add_tag_to_many($1, $2, ARRAY[$3], $4) r",
		4, {TAGPATH_TYPE, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	[TSQ_ADD_TAG_TO_BY_ID] = {
		"SELECT r.revision FROM tagstore.add_tag_to_many_by_id($1, $2, ARRAY[$3], $4) r",
		4, {INT8OID, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	/* version 1.0 named the bulk forms add_tag_to, as overloads */
	[TSQ_ADD_TAG_TO_BY_KEY_1_0] = {
		"SELECT r.revision FROM tagstore.add_tag_to($1, $2, ARRAY[$3], $4) r",
		4, {TAGPATH_TYPE, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	[TSQ_ADD_TAG_TO_BY_ID_1_0] = {
		"SELECT r.revision FROM tagstore.add_tag_to($1, $2, ARRAY[$3], $4) r",
		4, {INT8OID, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	/*
	 * Each filter ($1 taxonomies, $2 values, $3 originators; NULL for none)
	 * matches if any of its candidates does, case-insensitively: equal
	 * once folded, or with $4, folded and LIKE the folded candidate whose
	 * * and ? became % and _ (its own %, _ and backslashes escaped).
	 */
	[TSQ_SEARCH_TAGS] = {
		"WITH want AS ("
		" SELECT f.field, CASE WHEN $4"
		"   THEN replace(replace(replace(replace(replace(@extschema@.label_casefold(c),"
		"        chr(92), chr(92) || chr(92)), '%', chr(92) || '%'), '_', chr(92) || '_'),"
		"        '*', '%'), '?', '_')"
		"   ELSE @extschema@.label_casefold(c) END AS p"
		" FROM (VALUES (1, $1), (2, $2), (3, $3)) f(field, candidates), unnest(f.candidates) c"
		")"
		/* the taxonomies first, then their tags by tag_taxonomy_idx */
		", x AS MATERIALIZED ("
		" SELECT x.id, x.name, x.name_key FROM tagstore.taxonomy x"
		" WHERE $1 IS NULL OR EXISTS (SELECT 1 FROM want w WHERE w.field = 1 AND CASE WHEN $4"
		"    THEN @extschema@.label_casefold(x.name) LIKE w.p ELSE @extschema@.label_casefold(x.name) = w.p END)"
		")"
		" SELECT t.id, t.parent_id, x.name, x.name_key"
		" FROM x JOIN tagstore.tag t ON t.taxonomy_id = x.id"
		" WHERE ($2 IS NULL OR EXISTS (SELECT 1 FROM want w WHERE w.field = 2 AND CASE WHEN $4"
		"    THEN @extschema@.label_casefold(t.value) LIKE w.p ELSE @extschema@.label_casefold(t.value) = w.p END))"
		"  AND ($3 IS NULL OR EXISTS (SELECT 1 FROM want w WHERE w.field = 3 AND CASE WHEN $4"
		"    THEN @extschema@.label_casefold(t.originator) LIKE w.p"
		"    ELSE @extschema@.label_casefold(t.originator) = w.p END))",
		4, {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BOOLOID}, false, SPI_OK_SELECT
	},
	[TSQ_TAXONOMY_BY_NAME] = {
		"SELECT name, name_key FROM tagstore.taxonomy WHERE name_key = @extschema@.label_casefold($1)",
		1, {TEXTOID}, false, SPI_OK_SELECT
	},
	/*
	 * The current user's level on each taxonomy (0 none, 1 read, 2 tag,
	 * 3 edit, 4 admin): the highest granted to PUBLIC (grantee 0) or to a
	 * role whose privileges it has, in byte order of name_key.
	 */
	[TSQ_TAXONOMY_LEVELS] = {
		"SELECT x.name_key, coalesce(max(CASE g.privilege WHEN 'read' THEN 1 WHEN 'tag' THEN 2"
		"   WHEN 'edit' THEN 3 WHEN 'admin' THEN 4 END), 0)"
		" FROM tagstore.taxonomy x LEFT JOIN tagstore.taxonomy_grant g ON g.taxonomy_id = x.id"
		"  AND (g.grantee::pg_catalog.oid = 0 OR pg_catalog.pg_has_role(g.grantee::pg_catalog.oid, 'USAGE'))"
		" GROUP BY x.name_key ORDER BY x.name_key COLLATE \"C\"",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_OWNS_EXTENSION] = {
		"SELECT pg_catalog.pg_has_role(e.extowner, 'USAGE') FROM pg_catalog.pg_extension e"
		" WHERE e.extname = 'tagstore'",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_VERIFY_POSTED] = {
		"SELECT tag_id, stale, entities FROM tagstore.posted_tag ORDER BY tag_id",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_VERIFY_CHUNKS] = {
		"SELECT tag_id, chunk, members FROM tagstore.posting ORDER BY tag_id, chunk",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_VERIFY_TAGS] = {
		"SELECT t.id, t.key, p.stale IS FALSE FROM tagstore.tag t"
		" LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id WHERE t.key IS NOT NULL ORDER BY t.key",
		0, {0}, false, SPI_OK_SELECT
	},

	/*
	 * The cascades (cascade.c) read the transition table "deleted" of the
	 * trigger that runs them, and are planned at each run for its size
	 * (catalog_execute_once): a plan kept from a delete of one row would
	 * probe an index a million times for a delete of a million, and one
	 * kept from a bulk delete would scan a whole table for one row.  A
	 * tag's descendants go in one statement, however deep (UNION, not
	 * UNION ALL: a cycle of parent links, which only a direct write can
	 * make, ends).
	 */
	[TSQ_CASCADE_TAXONOMY_TAGS] = {
		"DELETE FROM tagstore.tag WHERE taxonomy_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_TAXONOMY_TOMBSTONES] = {
		"DELETE FROM tagstore.tag_tombstone WHERE taxonomy_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_TAG_SUBTREES] = {
		"WITH RECURSIVE below (id) AS ("
		" SELECT t.id FROM tagstore.tag t WHERE t.parent_id IN (SELECT id FROM deleted)"
		" UNION"
		" SELECT t.id FROM tagstore.tag t JOIN below b ON t.parent_id = b.id"
		")"
		" DELETE FROM tagstore.tag WHERE id IN (SELECT id FROM below)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_TAG_TAGGINGS] = {
		"DELETE FROM tagstore.tagging WHERE tag_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_TAG_POSTED] = {
		"DELETE FROM tagstore.posted_tag WHERE tag_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_ENTITY_TAGGINGS] = {
		"DELETE FROM tagstore.tagging WHERE entity_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_POSTED_POSTINGS] = {
		"DELETE FROM tagstore.posting WHERE tag_id IN (SELECT tag_id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_CASCADE_TAXONOMY_GRANTS] = {
		"DELETE FROM tagstore.taxonomy_grant WHERE taxonomy_id IN (SELECT id FROM deleted)",
		0, {0}, false, SPI_OK_DELETE
	},
};

/* The session's cache. */
static struct
{
	bool		valid;			/* cleared by invalidations */
	uint64		invalidations;	/* how many have arrived */
	bool		callbacks;		/* are the invalidation callbacks registered */
	Oid			relids[TSREL_COUNT];
	Oid			tagpath_type;
	bool		version_1_0;	/* the functions are 1.0's: no add_tag_to_many */
	RegProcedure key_procs[BTMaxStrategyNumber + 1];
	Oid			plans_type;		/* the tagpath type the plans were made for */
	SPIPlanPtr	plans[TSQ_COUNT];
}			cache;

/* A relation changed: stale if it is one of ours (or all are invalidated). */
static void
relation_changed(Datum arg, Oid relid)
{
	bool		ours = !OidIsValid(relid);

	for (int i = 0; i < TSREL_COUNT && !ours; i++)
		ours = cache.relids[i] == relid;
	if (ours)
	{
		cache.valid = false;
		cache.invalidations++;
	}
}

/* A schema or a function was created, dropped or renamed: ours may be others now. */
static void
schema_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	cache.valid = false;
	cache.invalidations++;
}

/* Complains that a table was altered under the engine. */
static void
altered(TagstoreRel rel, AttrNumber attnum, const char *name, Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("table %s has been altered", relations[rel].qualified),
			 errdetail("tagstore reads column %d as \"%s\" of type %s.", attnum, name,
					   OidIsValid(type) ? format_type_be(type) : "tagpath"),
			 errhint("Restore the table as the extension's install script defines it.")));
}

/* The name of a column the engine reads, for messages. */
static const char *
column_name(TagstoreRel rel, AttrNumber attnum)
{
	for (int i = 0; i < (int) lengthof(columns); i++)
		if (columns[i].rel == rel && columns[i].attnum == attnum)
			return columns[i].name;
	return psprintf("%d", attnum);
}

/* Complains that an index was altered (or replaced) under the engine. */
static void
index_altered(int i)
{
	StringInfoData cols;

	initStringInfo(&cols);
	for (int c = 0; c < indexes[i].ncols; c++)
		appendStringInfo(&cols, "%s%s", c > 0 ? ", " : "",
						 column_name(indexes[i].table, indexes[i].cols[c]));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("index %s has been altered", relations[indexes[i].index].qualified),
			 errdetail("tagstore reads it as a btree index of %s on (%s).",
					   relations[indexes[i].table].qualified, cols.data),
			 errhint("Restore the index as the extension's install script defines it.")));
}

/* The access method of a relation (InvalidOid for none). */
static Oid
relation_am(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			am = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		am = ((Form_pg_class) GETSTRUCT(tup))->relam;
		ReleaseSysCache(tup);
	}
	return am;
}

/* Checks that each index is a btree on its table's columns, as the engine reads it. */
static void
check_indexes(void)
{
	for (int i = 0; i < (int) lengthof(indexes); i++)
	{
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(cache.relids[indexes[i].index]));
		Form_pg_index index;
		bool		ok;

		if (!HeapTupleIsValid(tup))
			index_altered(i);	/* no index (a table of that name), or dropped meanwhile */
		index = (Form_pg_index) GETSTRUCT(tup);
		ok = index->indrelid == cache.relids[indexes[i].table] &&
			index->indnatts == indexes[i].ncols &&
			relation_am(index->indexrelid) == BTREE_AM_OID;
		for (int c = 0; ok && c < indexes[i].ncols; c++)
			ok = index->indkey.values[c] == indexes[i].cols[c];
		ReleaseSysCache(tup);
		if (!ok)
			index_altered(i);
	}
}

/* Checks one column against pg_attribute; returns its type. */
static Oid
check_column(TagstoreRel rel, AttrNumber attnum, const char *name, Oid type)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(cache.relids[rel]),
									  Int16GetDatum(attnum));
	Form_pg_attribute att;
	Oid			found;

	if (!HeapTupleIsValid(tup))
		altered(rel, attnum, name, type);
	att = (Form_pg_attribute) GETSTRUCT(tup);
	found = att->atttypid;
	if (att->attisdropped || strcmp(NameStr(att->attname), name) != 0 ||
		(OidIsValid(type) && found != type))
	{
		ReleaseSysCache(tup);
		altered(rel, attnum, name, type);
	}
	ReleaseSysCache(tup);
	return found;
}

/* The functions of tag_key's btree strategies on the tagpath type. */
static void
load_key_procs(void)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(cache.relids[TSREL_TAG_KEY]));
	oidvector  *indclass;
	Datum		d;
	bool		isnull;
	Oid			opfamily;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("relation \"%s\" does not exist", relations[TSREL_TAG_KEY].qualified)));
	d = SysCacheGetAttr(INDEXRELID, tup, Anum_pg_index_indclass, &isnull);
	indclass = (oidvector *) DatumGetPointer(d);
	opfamily = get_opclass_family(indclass->values[0]);
	ReleaseSysCache(tup);
	for (int16 strategy = 1; strategy <= BTMaxStrategyNumber; strategy++)
	{
		Oid			opno = get_opfamily_member(opfamily, cache.tagpath_type,
											   cache.tagpath_type, strategy);

		if (!OidIsValid(opno))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("index %s has been altered", relations[TSREL_TAG_KEY].qualified),
					 errdetail("Its operator class has no operator of btree strategy %d for type %s.",
							   strategy, format_type_be(cache.tagpath_type)),
					 errhint("Restore the index as the extension's install script defines it.")));
		cache.key_procs[strategy] = get_opcode(opno);
	}
}

/* Looks everything up again if an invalidation made the cache stale. */
static void
catalog_load(void)
{
	Oid			namespace;
	uint64		invalidations = cache.invalidations;

	if (cache.valid)
		return;
	if (!cache.callbacks)
	{
		CacheRegisterRelcacheCallback(relation_changed, (Datum) 0);
		CacheRegisterSyscacheCallback(NAMESPACEOID, schema_changed, (Datum) 0);
		/* functions too: an update from 1.0 renames the bulk add_tag_to */
		CacheRegisterSyscacheCallback(PROCOID, schema_changed, (Datum) 0);
		cache.callbacks = true;
	}
	namespace = get_namespace_oid(TAGSTORE_SCHEMA, false);
	for (int i = 0; i < TSREL_COUNT; i++)
	{
		cache.relids[i] = get_relname_relid(relations[i].name, namespace);
		if (!OidIsValid(cache.relids[i]) && !OPTIONAL_REL(i))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s\" does not exist", relations[i].qualified)));
	}
	/* tables are plain tables (read through the heap AM); the indexes are checked below */
	for (int i = 0; i < TSREL_COUNT; i++)
	{
		bool		is_index = false;

		for (int j = 0; j < (int) lengthof(indexes); j++)
			is_index |= (int) indexes[j].index == i;
		if (!is_index && OidIsValid(cache.relids[i]) &&
			get_rel_relkind(cache.relids[i]) != RELKIND_RELATION)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("%s is not a table", relations[i].qualified),
					 errhint("Restore the table as the extension's install script defines it.")));
	}
	for (int i = 0; i < (int) lengthof(columns); i++)
	{
		Oid			type;

		if (!OidIsValid(cache.relids[columns[i].rel]))
			continue;			/* an optional relation a 1.0 database lacks */
		type = check_column(columns[i].rel, columns[i].attnum, columns[i].name,
										columns[i].type);

		if (columns[i].type == TAGPATH_TYPE)
			cache.tagpath_type = type;
	}
	/* the tagpath type is the one this extension made (its OID changes with each CREATE EXTENSION) */
	if (getExtensionOfObject(TypeRelationId, cache.tagpath_type) != get_extension_oid("tagstore", true))
		altered(TSREL_TAG, Anum_tag_key, "key", TAGPATH_TYPE);
	check_indexes();
	load_key_procs();
	{
		Oid			args[4] = {cache.tagpath_type, TEXTOID, TEXTARRAYOID, JSONBOID};

		cache.version_1_0 = !OidIsValid(LookupFuncName(list_make2(makeString(TAGSTORE_SCHEMA),
																makeString("add_tag_to_many")),
													   4, args, true));
	}
	/* the plans' parameter types name the tagpath type: only a new type makes them stale */
	if (cache.plans_type != cache.tagpath_type)
	{
		for (int i = 0; i < TSQ_COUNT; i++)
		{
			if (cache.plans[i] != NULL)
				SPI_freeplan(cache.plans[i]);
			cache.plans[i] = NULL;
		}
		cache.plans_type = cache.tagpath_type;
	}
	/* valid unless an invalidation arrived while looking up (or an error left it half done) */
	cache.valid = cache.invalidations == invalidations;
}

/*
 * Opens one of tagstore's relations.  The lock is taken on the OID the
 * cache holds; if invalidations accepted while locking made the cache
 * stale, the relation is looked up again (it may have been dropped).
 */
Relation
catalog_open(TagstoreRel rel, LOCKMODE lock)
{
	for (;;)
	{
		Relation	r;

		catalog_load();
		r = try_relation_open(cache.relids[rel], lock);
		if (r != NULL && cache.valid)
			return r;
		if (r != NULL)
			relation_close(r, lock);
		cache.valid = false;
	}
}

/*
 * Opens one of tagstore's tables for reading, checking the caller may read
 * it.  Searches read tables directly, past the executor's permission
 * checks: so the privilege is checked here.  Row-level security is the
 * readers' to apply: they read through the executor when
 * catalog_policies_apply().
 */
Relation
catalog_open_readable(TagstoreRel rel)
{
	Relation	r = catalog_open(rel, AccessShareLock);

	if (pg_class_aclcheck(RelationGetRelid(r), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, relations[rel].name);
	return r;
}

/* The tables whose row-level security policies a search's answer follows. */
static const TagstoreRel policy_tables[] = {TSREL_TAXONOMY, TSREL_TAG, TSREL_TAGGING, TSREL_ENTITY};

/*
 * Do row-level security policies of taxonomy, tag, tagging or entity apply
 * to the current user?  Then the searches read through the executor
 * (policy_rows.c).  With row_security off, a policy that would apply is an
 * error (42501), as for the user's own queries.
 */
bool
catalog_policies_apply(void)
{
	for (size_t i = 0; i < lengthof(policy_tables); i++)
		if (check_enable_rls(catalog_relid(policy_tables[i]), InvalidOid, false) == RLS_ENABLED)
			return true;
	return false;
}

/*
 * For readers that must see every row (verify): refuses when policies
 * apply to the caller, rather than report on rows the caller may not see.
 */
void
catalog_refuse_policies(const char *reader)
{
	for (size_t i = 0; i < lengthof(policy_tables); i++)
		if (check_enable_rls(catalog_relid(policy_tables[i]), InvalidOid, false) == RLS_ENABLED)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("%s reads every row of %s, and row-level security policies apply to the current user",
							reader, relations[policy_tables[i]].qualified),
					 errhint("Run it as the tables' owner or a role with BYPASSRLS.")));
}

/* A relation's schema-qualified name, for messages. */
const char *
catalog_relname(TagstoreRel rel)
{
	return relations[rel].qualified;
}

/* The OID of one of tagstore's relations, as the cache holds it (no lock taken). */
Oid
catalog_relid(TagstoreRel rel)
{
	catalog_load();
	return cache.relids[rel];
}

/* The tagpath type of this installation: the type of tag.key. */
Oid
catalog_tagpath_type(void)
{
	catalog_load();
	return cache.tagpath_type;
}

/*
 * Are tagstore's functions still those of version 1.0 (a database not yet
 * updated, running this library)?  Statements that call them by name
 * choose their 1.0 form then.
 */
bool
catalog_is_1_0(void)
{
	catalog_load();
	return cache.version_1_0;
}

/* The function behind a btree strategy of tag_key, for scan keys over keys. */
RegProcedure
catalog_key_proc(int16 strategy)
{
	Assert(strategy >= 1 && strategy <= BTMaxStrategyNumber);
	catalog_load();
	return cache.key_procs[strategy];
}

/* A statement's text, @extschema@ replaced by the tagpath type's schema (quoted). */
static char *
statement_text(const char *sql)
{
	const char *token = "@extschema@";
	const char *schema = NULL;
	StringInfoData buf;
	const char *p = sql;
	const char *hit;

	initStringInfo(&buf);
	while ((hit = strstr(p, token)) != NULL)
	{
		if (schema == NULL)
		{
			HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(cache.tagpath_type));
			char	   *name;

			if (!HeapTupleIsValid(tup))
				elog(ERROR, "cache lookup failed for type %u", cache.tagpath_type);
			name = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
			ReleaseSysCache(tup);
			if (name == NULL)
				elog(ERROR, "cache lookup failed for the schema of type %u", cache.tagpath_type);
			schema = quote_identifier(name);
		}
		appendBinaryStringInfo(&buf, p, hit - p);
		appendStringInfoString(&buf, schema);
		p = hit + strlen(token);
	}
	appendStringInfoString(&buf, p);
	return buf.data;
}

/* A statement, prepared the first time a session runs it (inside SPI). */
SPIPlanPtr
catalog_plan(TagstoreQuery query)
{
	catalog_load();
	if (cache.plans[query] == NULL)
	{
		Oid			types[MAX_QUERY_ARGS];
		SPIPlanPtr	plan;

		for (int i = 0; i < queries[query].nargs; i++)
			types[i] = queries[query].types[i] == TAGPATH_TYPE ?
				cache.tagpath_type : queries[query].types[i];
		plan = SPI_prepare_cursor(statement_text(queries[query].sql), queries[query].nargs, types,
								  queries[query].generic ? CURSOR_OPT_GENERIC_PLAN : 0);
		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", queries[query].sql,
				 SPI_result_code_string(SPI_result));
		cache.plans[query] = plan;
	}
	return cache.plans[query];
}

/* Complains unless a statement ran as written (rc is SPI's result code). */
static void
check_result(TagstoreQuery query, int rc)
{
	/* an error raises; another result means a rule or the like changed the statement */
	if (rc != queries[query].expect)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tagstore's statement did not run as written: %s", SPI_result_code_string(rc)),
				 errdetail("The statement: %s", queries[query].sql),
				 errhint("A rule or similar on one of tagstore's tables may have changed it; "
						 "restore the tables as the extension's install script defines them.")));
}

/* Runs a statement (SPI_execute_plan): its rows are SPI_tuptable's. */
void
catalog_execute(TagstoreQuery query, Datum *args, const char *nulls, bool read_only, long count)
{
	check_result(query, SPI_execute_plan(catalog_plan(query), args, nulls, read_only, count));
}

/*
 * Runs a statement without parameters, read-only, in the latest snapshot
 * (what is committed now, and this transaction's writes so far), whatever
 * the transaction's isolation: for what is read as a catalog is.
 */
void
catalog_execute_latest(TagstoreQuery query)
{
	Assert(queries[query].nargs == 0);
	check_result(query, SPI_execute_snapshot(catalog_plan(query), NULL, NULL, GetLatestSnapshot(),
											 InvalidSnapshot, true, false, 0));
}

/*
 * Runs a statement without parameters, planned for this run alone (the
 * cascades, over a transition table the caller registered), in the
 * snapshots given as SPI_execute_snapshot takes them (InvalidSnapshot:
 * SPI's own).
 */
void
catalog_execute_once(TagstoreQuery query, Snapshot snapshot, Snapshot crosscheck)
{
	SPIPlanPtr	plan;

	Assert(queries[query].nargs == 0);
	catalog_load();
	plan = SPI_prepare(statement_text(queries[query].sql), 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", queries[query].sql,
			 SPI_result_code_string(SPI_result));
	check_result(query, SPI_execute_snapshot(plan, NULL, NULL, snapshot, crosscheck, false, true, 0));
	SPI_freeplan(plan);
}

/*
 * Checks that a function a plan calls still exists: a query planned (or a
 * cursor opened) before DROP EXTENSION tagstore, and run after it, would
 * otherwise call a function that is gone, with arguments of a type that is
 * gone, into tables created since.
 */
void
catalog_check_function(Oid funcid)
{
	if (SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(funcid)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg(OidIsValid(get_extension_oid("tagstore", true)) ?
					"tagstore was dropped and created again since this query was planned" :
					"tagstore was dropped since this query was planned"),
			 errhint("Run the query again (open the cursor again).")));
}

/* Complains about a NULL read from a column where the engine needs a value (catalog.h). */
void
catalog_null_value(TagstoreRel rel, AttrNumber attnum)
{
	bool		posting = rel == TSREL_POSTED_TAG || rel == TSREL_POSTING ||
		rel == TSREL_POSTING_CHANGE;

	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("null value in column \"%s\" of table %s", column_name(rel, attnum),
					relations[rel].qualified),
			 errdetail("tagstore needs a value there; the column's NOT NULL constraint has been dropped."),
			 posting ?
			 errhint("Rebuild the postings with tagstore.refresh_postings(rebuild => true), "
					 "and restore the constraint.") :
			 errhint("tagstore.verify() lists such rows; give them values and restore the constraint.")));
}

/* Prepares lookups of ids in index (its first column, bigint) of heap, for the current memory context. */
void
id_lookup_init(IdLookup *l, Relation heap, TagstoreRel index, Snapshot snapshot)
{
	memset(l, 0, sizeof(IdLookup));
	l->cxt = CurrentMemoryContext;
	l->heap = heap;
	l->index_rel = index;
	l->snapshot = snapshot;
}

/* Starts a lookup of id, opening the index the first time. */
void
id_lookup(IdLookup *l, int64 id)
{
	ScanKeyData key;

	if (l->scan == NULL)
	{
		/* in the context of its owner, whatever is current at the first lookup */
		MemoryContext old = MemoryContextSwitchTo(l->cxt);

		l->index = catalog_open(l->index_rel, AccessShareLock);
		l->scan = index_beginscan(l->heap, l->index, l->snapshot, 1, 0);
		l->slot = table_slot_create(l->heap, NULL);
		MemoryContextSwitchTo(old);
	}
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(id));
	index_rescan(l->scan, &key, 1, NULL, 0);
}

/*
 * The next row visible to the snapshot into l->slot; false when there is
 * none.  In the lookups' context: nbtree allocates some of a scan's state
 * when first needed (the items to mark dead), in whatever context is
 * current, and a caller's may be reset before the scan ends.
 */
bool
id_lookup_next(IdLookup *l)
{
	MemoryContext old = MemoryContextSwitchTo(l->cxt);
	bool		found = index_getnext_slot(l->scan, ForwardScanDirection, l->slot);

	MemoryContextSwitchTo(old);
	return found;
}

/* Ends the lookups, closing the index if a lookup opened it. */
void
id_lookup_end(IdLookup *l)
{
	if (l->scan == NULL)
		return;
	ExecDropSingleTupleTableSlot(l->slot);
	index_endscan(l->scan);
	index_close(l->index, AccessShareLock);
	l->scan = NULL;
}
