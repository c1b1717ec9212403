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
 *	- the check that each column the engine reads by number (catalog.h's
 *	  Anum_ constants) has that number, name and type in pg_attribute;
 *	- the tagpath type (the type of tag.key) and the functions of tag_key's
 *	  btree strategies, for scan keys over keys;
 *	- the prepared statements (TagstoreQuery), made when first run.
 *
 * One invalidation rule: any relcache invalidation of one of those
 * relations, and any change to a schema, marks the cache stale, and the
 * next use looks everything up again.  So DROP EXTENSION followed by
 * CREATE EXTENSION, a rename, or an ALTER TABLE that moves a column are
 * seen at the next call.  The prepared statements are kept across reloads
 * while the tagpath type stays the same (the plan cache revalidates them
 * against their tables by itself; only their parameter types would be
 * stale), so that a plan running further up the stack is never freed.
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
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
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
	[TSREL_TAG] = REL("tag"),
	[TSREL_TAG_PKEY] = REL("tag_pkey"),
	[TSREL_TAG_KEY] = REL("tag_key"),
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
};

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
	{TSREL_TAG, Anum_tag_id, "id", INT8OID},
	{TSREL_TAG, Anum_tag_parent_id, "parent_id", INT8OID},
	{TSREL_TAG, Anum_tag_key, "key", TAGPATH_TYPE},
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
	{TSREL_TAGGING_REVISION, Anum_tagging_revision_revision, "revision", INT4OID},
	{TSREL_POSTED_TAG, Anum_posted_tag_tag_id, "tag_id", INT8OID},
	{TSREL_POSTED_TAG, Anum_posted_tag_stale, "stale", BOOLOID},
	{TSREL_POSTING_CHANGE, Anum_posting_change_tag_id, "tag_id", INT8OID},
	{TSREL_POSTING_CHANGE, Anum_posting_change_entity_id, "entity_id", INT8OID},
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
		"SELECT t.id, t.parent_id, coalesce(NOT p.stale, false), rank() OVER (ORDER BY t.key)"
		" FROM tagstore.tag t LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id ORDER BY t.id",
		0, {0}, false, SPI_OK_SELECT
	},
	[TSQ_POSTED_CLEAR] = {
		"DELETE FROM tagstore.posted_tag", 0, {0}, false, SPI_OK_DELETE
	},
	[TSQ_POSTED_ADD] = {
		"INSERT INTO tagstore.posted_tag (tag_id) SELECT unnest($1)",
		1, {INT8ARRAYOID}, false, SPI_OK_INSERT
	},
	[TSQ_TAGGING_COUNTS] = {
		"SELECT tag_id, count(*) FROM tagstore.tagging GROUP BY tag_id", 0, {0}, false, SPI_OK_SELECT
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
		"SELECT tagstore._add_tag_to($1, $2, $3, $4)",
		4, {TAGPATH_TYPE, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	[TSQ_ADD_TAG_TO_BY_ID] = {
		"SELECT tagstore._add_tag_to(tagstore.tag_path($1), $2, $3, $4)",
		4, {INT8OID, TEXTOID, TEXTOID, JSONBOID}, true, SPI_OK_SELECT
	},
	[TSQ_SEARCH_TAGS] = {
		"SELECT * FROM tagstore._search_tags($1, $2, $3, $4)",
		4, {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BOOLOID}, false, SPI_OK_SELECT
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

/* A schema was created, dropped or renamed: ours may be another now. */
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
		elog(ERROR, "cache lookup failed for index %u", cache.relids[TSREL_TAG_KEY]);
	d = SysCacheGetAttr(INDEXRELID, tup, Anum_pg_index_indclass, &isnull);
	indclass = (oidvector *) DatumGetPointer(d);
	opfamily = get_opclass_family(indclass->values[0]);
	ReleaseSysCache(tup);
	for (int16 strategy = 1; strategy <= BTMaxStrategyNumber; strategy++)
	{
		Oid			opno = get_opfamily_member(opfamily, cache.tagpath_type,
											   cache.tagpath_type, strategy);

		if (!OidIsValid(opno))
			elog(ERROR, "operator %d of %s is missing", strategy, relations[TSREL_TAG_KEY].name);
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
		cache.callbacks = true;
	}
	namespace = get_namespace_oid(TAGSTORE_SCHEMA, false);
	for (int i = 0; i < TSREL_COUNT; i++)
	{
		cache.relids[i] = get_relname_relid(relations[i].name, namespace);
		if (!OidIsValid(cache.relids[i]))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation \"%s\" does not exist", relations[i].qualified)));
	}
	for (int i = 0; i < (int) lengthof(columns); i++)
	{
		Oid			type = check_column(columns[i].rel, columns[i].attnum, columns[i].name,
										columns[i].type);

		if (columns[i].type == TAGPATH_TYPE)
			cache.tagpath_type = type;
	}
	load_key_procs();
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
 * it.  Searches read tables directly, past the executor's permission checks
 * and row-level security: so the privilege is checked here, and a table
 * whose policies apply to the caller is refused rather than read whole.
 */
Relation
catalog_open_readable(TagstoreRel rel)
{
	Relation	r = catalog_open(rel, AccessShareLock);

	if (pg_class_aclcheck(RelationGetRelid(r), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, relations[rel].name);
	if (check_enable_rls(RelationGetRelid(r), InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("tagstore searches cannot apply row-level security policies of %s",
						relations[rel].qualified),
				 errhint("Searches read tagstore's tables directly; give the search to a role that is not subject to the policies, or disable them.")));
	return r;
}

/* A relation's schema-qualified name, for messages. */
const char *
catalog_relname(TagstoreRel rel)
{
	return relations[rel].qualified;
}

/* The tagpath type of this installation: the type of tag.key. */
Oid
catalog_tagpath_type(void)
{
	catalog_load();
	return cache.tagpath_type;
}

/* The function behind a btree strategy of tag_key, for scan keys over keys. */
RegProcedure
catalog_key_proc(int16 strategy)
{
	Assert(strategy >= 1 && strategy <= BTMaxStrategyNumber);
	catalog_load();
	return cache.key_procs[strategy];
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
		plan = SPI_prepare_cursor(queries[query].sql, queries[query].nargs, types,
								  queries[query].generic ? CURSOR_OPT_GENERIC_PLAN : 0);
		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", queries[query].sql,
				 SPI_result_code_string(SPI_result));
		cache.plans[query] = plan;
	}
	return cache.plans[query];
}

/* Runs a statement (SPI_execute_plan): its rows are SPI_tuptable's. */
void
catalog_execute(TagstoreQuery query, Datum *args, const char *nulls, bool read_only, long count)
{
	int			rc = SPI_execute_plan(catalog_plan(query), args, nulls, read_only, count);

	if (rc != queries[query].expect)
		elog(ERROR, "\"%s\" failed: %s", queries[query].sql, SPI_result_code_string(rc));
}

/*
 * Runs a statement whose rows go to dest, not to SPI_tuptable (a tuplestore
 * receiver, say: the rows are copied once, not twice).
 */
void
catalog_execute_into(TagstoreQuery query, Datum *args, const char *nulls, bool read_only,
					 DestReceiver *dest)
{
	SPIPlanPtr	plan = catalog_plan(query);
	int			nargs = queries[query].nargs;
	ParamListInfo params = makeParamList(nargs);
	SPIExecuteOptions options = {0};
	int			rc;

	for (int i = 0; i < nargs; i++)
	{
		params->params[i].value = args[i];
		params->params[i].isnull = nulls[i] == 'n';
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = SPI_getargtypeid(plan, i);
	}
	options.params = params;
	options.read_only = read_only;
	options.dest = dest;
	rc = SPI_execute_plan_extended(plan, &options);
	if (rc != queries[query].expect)
		elog(ERROR, "\"%s\" failed: %s", queries[query].sql, SPI_result_code_string(rc));
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

/* The next row visible to the snapshot into l->slot; false when there is none. */
bool
id_lookup_next(IdLookup *l)
{
	return index_getnext_slot(l->scan, ForwardScanDirection, l->slot);
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
