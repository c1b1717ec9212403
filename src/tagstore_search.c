/*
 * tagstore_search.c
 *	  Entity search that expands tag hierarchies: the engine behind
 *	  tagstore.entities_with_all/any and count_entities_with_all/any.
 *
 * Storage (sql/tagstore--1.0.sql): every tag row has a key, its case-folded
 * tagpath with the taxonomy name first, unique and btree-indexed; a tagging
 * is (tag_id, entity_id).  Because a subtree is a key range (tagstore.h),
 * "entities tagged T or a descendant of T" is one index range scan over the
 * tags [key(T), key(T) || ' ') joined to their taggings.
 *
 * For a search over tags T1..Tn, excluding X1..Xm:
 *
 *	1. each Ti becomes the sorted, duplicate-free array of the ids of the
 *	   entities under it: from its closure posting if it has a fresh one
 *	   (tagstore_posting.c), else from the taggings of its subtree;
 *	2. "all" intersects the arrays, smallest first, stopping when empty;
 *	   "any" merges them;
 *	3. the entities under any Xj are removed the same way.
 *
 * Example: tags {sizes.large, Biology.animal} over the seed data:
 *	sizes.large		-> keys [sizes.large, sizes."large ")	-> {elephant, redwood}
 *	Biology.animal	-> keys [biology.animal, ...)			-> {elephant, dog}
 *	all				-> {elephant}
 *
 * The work is one query per tag, never one per row, and the set algebra is
 * linear merges.  Unknown tags match nothing.  Limits: the id arrays live
 * in memory (8 bytes per tagged entity under each tag).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "nodes/makefuncs.h"
#include "port/pg_bitutils.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

#include "tagstore.h"

/*
 * How one search reads.  The tags under a query tag come from the tags'
 * key range; their ids, sorted, are coalesced into runs of consecutive ids
 * (a taxonomy imported in one go is numbered depth-first, so a subtree is
 * usually one run), and each run is one index-only range scan of
 * tagging_pkey (tag_id, entity_id), read directly through the index AM.
 * With a data filter, the taggings are read by a query instead, so that the
 * planner can use the GIN index on tagging.data.
 */
typedef struct Searcher
{
	SPIPlanPtr	subtree_ids;	/* ids of the tags in a key range */
	SPIPlanPtr	exact_id;		/* id of the tag with a key */
	SPIPlanPtr	tag_state;		/* that, and whether it has a fresh posting */
	SPIPlanPtr	filtered;		/* entities of a tag id run whose data matches */
	Datum		data_filter;	/* jsonb the tagging data must contain, or 0 */
	Oid			tagpath_type;
	bool		use_postings;	/* read posted tags from their postings */
	MemoryContext resultcxt;	/* where id arrays are kept */
	/* the direct index-only scan of tagging_pkey */
	Relation	heap;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	Buffer		vmbuffer;
} Searcher;

/* The schema a type lives in. */
Oid
tagstore_type_namespace(Oid type)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	Oid			nsp;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", type);
	nsp = ((Form_pg_type) GETSTRUCT(tup))->typnamespace;
	ReleaseSysCache(tup);
	return nsp;
}

/* Plans kept for the session; cached_type is the tagpath type they are for. */
static Oid	cached_type = InvalidOid;
static SPIPlanPtr cached_subtree_ids;
static SPIPlanPtr cached_exact_id;
static SPIPlanPtr cached_tag_state;
static SPIPlanPtr cached_filtered;

/*
 * Prepares a plan and keeps it for the session.  Generic plans unless told
 * otherwise: their index conditions are as good as custom ones here (the
 * planner support of tagpath_support.c bounds <@ for generic plans too), and
 * re-planning each call would cost more than the lookup (the statistics of
 * tag.key are long, compressed paths).
 */
SPIPlanPtr
tagstore_keep_plan(const char *sql, int nargs, Oid *types, bool generic)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, types, generic ? CURSOR_OPT_GENERIC_PLAN : 0);

	if (plan == NULL || SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	return plan;
}

static void
searcher_init(Searcher *s, Oid tagpath_type, Datum data_filter, MemoryContext resultcxt)
{
	Oid			types[3] = {tagpath_type, tagpath_type, JSONBOID};
	Oid			run_types[3] = {INT8OID, INT8OID, JSONBOID};

	memset(s, 0, sizeof(Searcher));
	s->data_filter = data_filter;
	s->tagpath_type = tagpath_type;
	s->use_postings = true;
	s->resultcxt = resultcxt;

	/* the queries are prepared once per session (per installation of the type) */
	if (cached_type != tagpath_type)
	{
		/* the caller's search_path need not see tagpath's operators: qualify them */
		const char *nsp = quote_identifier(get_namespace_name(tagstore_type_namespace(tagpath_type)));

		cached_subtree_ids = tagstore_keep_plan(psprintf("SELECT id FROM tagstore.tag"
														 " WHERE key OPERATOR(%s.>=) $1 AND key OPERATOR(%s.<) $2",
														 nsp, nsp), 2, types, true);
		cached_exact_id = tagstore_keep_plan(psprintf("SELECT id FROM tagstore.tag"
													  " WHERE key OPERATOR(%s.=) $1", nsp),
											 1, types, true);
		cached_tag_state = tagstore_keep_plan(psprintf("SELECT t.id, coalesce(NOT p.stale, false)"
													   " FROM tagstore.tag t"
													   " LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id"
													   " WHERE t.key OPERATOR(%s.=) $1", nsp),
											  1, types, true);
		/* custom plans: whether the GIN index on data pays depends on the filter */
		cached_filtered = tagstore_keep_plan("SELECT entity_id FROM tagstore.tagging"
											 " WHERE tag_id BETWEEN $1 AND $2 AND data @> $3 AND data IS NOT NULL",
											 3, run_types, false);
		cached_type = tagpath_type;
	}
	s->subtree_ids = cached_subtree_ids;
	s->exact_id = cached_exact_id;
	s->tag_state = cached_tag_state;
	s->filtered = cached_filtered;

	s->heap = table_openrv(makeRangeVar("tagstore", "tagging", -1), AccessShareLock);
	/* reading the index directly skips the executor's permission check: do it here */
	if (pg_class_aclcheck(RelationGetRelid(s->heap), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "tagging");
	s->index = index_open(get_relname_relid("tagging_pkey", RelationGetNamespace(s->heap)),
						  AccessShareLock);
	s->scan = index_beginscan(s->heap, s->index, GetActiveSnapshot(), 2, 0);
	s->scan->xs_want_itup = true;
	s->slot = table_slot_create(s->heap, NULL);
	s->vmbuffer = InvalidBuffer;
	/* an index-only scan takes predicate locks for serializable transactions */
	PredicateLockRelation(s->heap, GetActiveSnapshot());
}

static void
searcher_end(Searcher *s)
{
	if (s->vmbuffer != InvalidBuffer)
		ReleaseBuffer(s->vmbuffer);
	ExecDropSingleTupleTableSlot(s->slot);
	index_endscan(s->scan);
	index_close(s->index, AccessShareLock);
	table_close(s->heap, AccessShareLock);
}

/* Appends column 1 (int8) of every row of an open cursor. */
static void
collect_cursor(Portal portal, IdSet *set, int *cap)
{
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;

			idset_append(set, cap, DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
															   SPI_tuptable->tupdesc, 1, &isnull)));
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
}

/* Appends the entities tagged with any tag id in [lo, hi]: an index-only range scan. */
static void
collect_run(Searcher *s, int64 lo, int64 hi, IdSet *set, int *cap)
{
	ScanKeyData keys[2];
	ItemPointer tid;

	if (s->data_filter)
	{
		Datum		args[3] = {Int64GetDatum(lo), Int64GetDatum(hi), s->data_filter};

		collect_cursor(SPI_cursor_open(NULL, s->filtered, args, NULL, true), set, cap);
		return;
	}

	ScanKeyInit(&keys[0], 1, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(lo));
	ScanKeyInit(&keys[1], 1, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(hi));
	index_rescan(s->scan, keys, 2, NULL, 0);
	while ((tid = index_getnext_tid(s->scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		entity;

		CHECK_FOR_INTERRUPTS();
		/* as an index-only scan does: the heap only for pages not all-visible */
		if (VM_ALL_VISIBLE(s->heap, ItemPointerGetBlockNumber(tid), &s->vmbuffer))
			entity = index_getattr(s->scan->xs_itup, 2, s->scan->xs_itupdesc, &isnull);
		else
		{
			if (!index_fetch_heap(s->scan, s->slot))
				continue;		/* not visible to our snapshot */
			entity = slot_getattr(s->slot, 2, &isnull);
			ExecClearTuple(s->slot);
		}
		idset_append(set, cap, DatumGetInt64(entity));
	}
}

/* The ids of the entities tagged with a tag (and, if asked, its descendants). */
static IdSet
entities_under(Searcher *s, TagPath *tag, bool descendants)
{
	TagPath    *key = (TagPath *) DatumGetPointer(DirectFunctionCall1(tagpath_casefold,
																	   PointerGetDatum(tag)));
	Datum		args[2];
	IdSet		tags = {0};
	IdSet		set = {0};
	int			tagcap = 64;
	int			cap = 256;
	MemoryContext old;

	old = MemoryContextSwitchTo(s->resultcxt);
	set.ids = palloc(sizeof(int64) * cap);
	set.n = 0;
	tags.ids = palloc(sizeof(int64) * tagcap);
	tags.n = 0;
	MemoryContextSwitchTo(old);
	if (tagpath_nlevel(key) < 2)
		return set;				/* a taxonomy name alone names no tag */

	args[0] = PointerGetDatum(key);
	args[1] = PointerGetDatum(tagpath_subtree_upper(key));

	/* a large subtree has its answer stored: tagstore_posting.c */
	if (descendants && !s->data_filter && s->use_postings)
	{
		int64		id;
		bool		fresh,
					isnull;

		if (SPI_execute_plan(s->tag_state, args, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "reading tagstore.tag failed");
		if (SPI_processed == 0)
			return set;			/* no such tag, so nothing under it */
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		fresh = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		SPI_freetuptable(SPI_tuptable);
		if (fresh)
		{
			pfree(set.ids);
			old = MemoryContextSwitchTo(s->resultcxt);
			set = posting_read(id, key, s->tagpath_type);
			MemoryContextSwitchTo(old);
			return set;
		}
	}
	collect_cursor(SPI_cursor_open(NULL, descendants ? s->subtree_ids : s->exact_id,
								   args, NULL, true), &tags, &tagcap);
	idset_normalize(&tags);

	/* one range scan per run of consecutive tag ids */
	for (int i = 0; i < tags.n;)
	{
		int			j = i;

		while (j + 1 < tags.n && tags.ids[j + 1] == tags.ids[j] + 1)
			j++;
		collect_run(s, tags.ids[i], tags.ids[j], &set, &cap);
		i = j + 1;
	}
	idset_normalize(&set);
	return set;
}

/* The entities under a tag, read from the taggings, never from postings. */
IdSet
tagstore_subtree_entities(Oid tagpath_type, TagPath *tag)
{
	Searcher	s;
	IdSet		set;

	searcher_init(&s, tagpath_type, 0, CurrentMemoryContext);
	s.use_postings = false;
	set = entities_under(&s, tag, true);
	searcher_end(&s);
	return set;
}

/* Checks an array argument and returns its elements. */
static int
tag_array(ArrayType *arr, const char *argname, bool allow_empty, Datum **elems)
{
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", argname)));
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", argname),
					 errdetail("Element %d is NULL.", i + 1)));
	if (n == 0 && !allow_empty)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", argname),
				 errhint("Give at least one tag, such as '{Biology.animal}'.")));
	return n;
}

/*
 * tagstore._entity_ids(tags tagpath[], match_all bool, include_descendants
 * bool, exclude tagpath[], data_filter jsonb) -> bigint[]: the ids of the
 * matching entities.  With data_filter, only taggings whose data contains
 * it count for the tags (exclusions count all taggings).
 */
/* The search of _entity_ids and _count_entity_ids, on their arguments. */
static IdSet
search(FunctionCallInfo fcinfo)
{
	ArrayType  *tags;
	bool		match_all,
				descendants;
	Datum	   *elems,
			   *xelems = NULL;
	int			n,
				nx = 0;
	Oid			tagpath_type;
	MemoryContext callercxt = CurrentMemoryContext;
	Searcher	s;
	IdSet	   *sets;
	IdSet		result;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("tags must not be NULL")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("include_descendants must not be NULL")));
	tags = PG_GETARG_ARRAYTYPE_P(0);
	match_all = PG_GETARG_BOOL(1);
	descendants = PG_GETARG_BOOL(2);
	tagpath_type = ARR_ELEMTYPE(tags);
	n = tag_array(tags, "tags", false, &elems);
	if (!PG_ARGISNULL(3))
		nx = tag_array(PG_GETARG_ARRAYTYPE_P(3), "exclude", true, &xelems);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	searcher_init(&s, tagpath_type, PG_NARGS() > 4 && !PG_ARGISNULL(4) ? PG_GETARG_DATUM(4) : 0,
				  callercxt);

	sets = palloc(sizeof(IdSet) * n);
	for (int i = 0; i < n; i++)
		sets[i] = entities_under(&s, DatumGetTagPathP(elems[i]), descendants);

	/* the sets live in the caller's context: SPI_finish frees SPI's */
	MemoryContextSwitchTo(callercxt);
	if (match_all)
	{
		/* intersect smallest first: the running result only shrinks */
		int			smallest = 0;

		for (int i = 1; i < n; i++)
			if (sets[i].n < sets[smallest].n)
				smallest = i;
		result = sets[smallest];
		for (int i = 0; i < n && result.n > 0; i++)
			if (i != smallest)
				idset_intersect(&result, &sets[i]);
	}
	else
		result = idset_union(sets, n);

	/* excluded tags always take their descendants with them, whatever their data */
	s.data_filter = 0;
	for (int i = 0; i < nx && result.n > 0; i++)
	{
		IdSet		x = entities_under(&s, DatumGetTagPathP(xelems[i]), true);

		MemoryContextSwitchTo(callercxt);	/* SPI calls return in SPI's context */
		idset_subtract(&result, &x);
	}
	searcher_end(&s);
	SPI_finish();
	return result;
}

PG_FUNCTION_INFO_V1(tagstore_entity_ids);
Datum
tagstore_entity_ids(PG_FUNCTION_ARGS)
{
	IdSet		result = search(fcinfo);
	Datum	   *out;

	idset_flatten(&result);
	out = palloc(sizeof(Datum) * Max(result.n, 1));
	for (int i = 0; i < result.n; i++)
		out[i] = Int64GetDatum(result.ids[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, result.n, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* tagstore._count_entity_ids(same arguments) -> bigint: how many _entity_ids returns. */
PG_FUNCTION_INFO_V1(tagstore_count_entity_ids);
Datum
tagstore_count_entity_ids(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(search(fcinfo).n);
}

/* A "text or text[]" argument of search_tags as a text[] (NULL stays NULL). */
static Datum
as_text_array(FunctionCallInfo fcinfo, int argno, bool *isnull)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Datum		elem;

	*isnull = PG_ARGISNULL(argno);
	if (*isnull)
		return (Datum) 0;
	if (type == TEXTARRAYOID || type == VARCHARARRAYOID)
		return PG_GETARG_DATUM(argno);
	if (type == TEXTOID || type == VARCHAROID)
		elem = PG_GETARG_DATUM(argno);
	else if (type == UNKNOWNOID)
		elem = CStringGetTextDatum(DatumGetCString(PG_GETARG_DATUM(argno)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("search_tags arguments must be text or text[], not %s",
						format_type_be(type))));
	return PointerGetDatum(construct_array(&elem, 1, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * tagstore.search_tags(taxonomy, value, originator, pattern): each of the
 * first three is text or text[] (any of); the search itself is the SQL
 * function tagstore._search_tags, whose rows this returns.
 */
PG_FUNCTION_INFO_V1(tagstore_search_tags);
Datum
tagstore_search_tags(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[4] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BOOLOID};
	Datum		args[4];
	char		nulls[4];
	MemoryContext callercxt;

	for (int i = 0; i < 3; i++)
	{
		bool		isnull;

		args[i] = as_text_array(fcinfo, i, &isnull);
		nulls[i] = isnull ? 'n' : ' ';
	}
	args[3] = BoolGetDatum(!PG_ARGISNULL(3) && PG_GETARG_BOOL(3));
	nulls[3] = ' ';

	InitMaterializedSRF(fcinfo, 0);
	callercxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT * FROM tagstore._search_tags($1, $2, $3, $4)",
							  4, types, args, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "tagstore._search_tags failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		values[32];
		bool		isnull[32];
		MemoryContext old;

		if (SPI_tuptable->tupdesc->natts > (int) lengthof(values))
			elog(ERROR, "unexpected result of tagstore._search_tags");
		heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, isnull);
		old = MemoryContextSwitchTo(callercxt);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * tagstore._entities(ids bigint[], entity_type text, external_id_prefix text)
 * -> (entity_type, external_id): the names of the entities with those ids
 * (sorted, as _entity_ids returns them) that pass the filters, in id order.
 *
 * An answer of more than 1/40 of all entities is found in one pass over the
 * entity table, testing each id against a bitmap of the answer; a smaller
 * one is looked up id by id in entity_pkey (about 2 us an id, where the pass
 * costs about 50 ms per million entities).
 */
typedef struct EntityName
{
	Datum		type;
	Datum		external_id;
} EntityName;

/* Does an entity pass the filters? */
static bool
entity_passes(Datum type, Datum external_id, text *want_type, text *prefix)
{
	if (want_type)
	{
		text	   *t = DatumGetTextPP(type);

		if (VARSIZE_ANY_EXHDR(t) != VARSIZE_ANY_EXHDR(want_type) ||
			memcmp(VARDATA_ANY(t), VARDATA_ANY(want_type), VARSIZE_ANY_EXHDR(t)) != 0)
			return false;
	}
	if (prefix)
	{
		text	   *x = DatumGetTextPP(external_id);

		if (VARSIZE_ANY_EXHDR(x) < VARSIZE_ANY_EXHDR(prefix) ||
			memcmp(VARDATA_ANY(x), VARDATA_ANY(prefix), VARSIZE_ANY_EXHDR(prefix)) != 0)
			return false;
	}
	return true;
}

PG_FUNCTION_INFO_V1(tagstore_entities);
Datum
tagstore_entities(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *want_type = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1);
	text	   *prefix = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	Datum	   *elems;
	int			n = 0;
	IdSet		ids = {0};
	Relation	heap;
	Snapshot	snapshot = GetActiveSnapshot();

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, NULL, &n);
	if (n == 0)
		return (Datum) 0;
	ids.ids = palloc(sizeof(int64) * n);
	ids.n = n;
	for (int i = 0; i < n; i++)
		ids.ids[i] = DatumGetInt64(elems[i]);
	idset_normalize(&ids);		/* cheap when already sorted; safe if not */

	heap = table_openrv(makeRangeVar("tagstore", "entity", -1), AccessShareLock);
	if (pg_class_aclcheck(RelationGetRelid(heap), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "entity");

	if ((double) ids.n * 40 > Max(heap->rd_rel->reltuples, 1))
	{
		/*
		 * One pass over the table.  Entities are usually stored in id order,
		 * so rows are emitted as they come; the first row out of order sends
		 * the pass back to the start, where rows land at their rank instead.
		 */
		int64		lo = ids.ids[0];
		Size		words = (Size) ((ids.ids[ids.n - 1] - lo) / 64) + 1;
		uint64	   *bits = palloc0(words * sizeof(uint64));
		EntityName *found = NULL;
		int64		last = PG_INT64_MIN;
		TableScanDesc scan;
		TupleTableSlot *slot = table_slot_create(heap, NULL);

		PredicateLockRelation(heap, snapshot);	/* for serializable transactions */
		scan = table_beginscan(heap, snapshot, 0, NULL);
		for (int i = 0; i < ids.n; i++)
			bits[(ids.ids[i] - lo) / 64] |= UINT64CONST(1) << ((ids.ids[i] - lo) % 64);
		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			bool		isnull;
			int64		id = DatumGetInt64(slot_getattr(slot, 1, &isnull));
			uint64		off = (uint64) (id - lo);
			int			at;

			CHECK_FOR_INTERRUPTS();
			if (id < lo || off / 64 >= words || !(bits[off / 64] & (UINT64CONST(1) << (off % 64))))
				continue;
			if (found == NULL && id > last)
			{
				Datum		values[2] = {slot_getattr(slot, 2, &isnull), slot_getattr(slot, 3, &isnull)};
				bool		nulls[2] = {false, false};

				if (entity_passes(values[0], values[1], want_type, prefix))
					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
				last = id;
				continue;
			}
			if (found == NULL)
			{
				/* out of order: start again, ranking rows */
				tuplestore_clear(rsinfo->setResult);
				found = palloc0(sizeof(EntityName) * ids.n);
				table_rescan(scan, NULL);
				continue;
			}
			/* its rank: binary search in the sorted answer */
			{
				int			l = 0,
							h = ids.n - 1;

				while (l < h)
				{
					int			m = (l + h) / 2;

					if (ids.ids[m] < id)
						l = m + 1;
					else
						h = m;
				}
				at = l;
			}
			found[at].type = datumCopy(slot_getattr(slot, 2, &isnull), false, -1);
			found[at].external_id = datumCopy(slot_getattr(slot, 3, &isnull), false, -1);
		}
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		for (int i = 0; found != NULL && i < ids.n; i++)
		{
			Datum		values[2] = {found[i].type, found[i].external_id};
			bool		nulls[2] = {false, false};

			if (found[i].type && entity_passes(values[0], values[1], want_type, prefix))
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	else
	{
		/* a lookup per id, in id order */
		Relation	index = index_open(get_relname_relid("entity_pkey", RelationGetNamespace(heap)),
									   AccessShareLock);
		IndexScanDesc scan = index_beginscan(heap, index, snapshot, 1, 0);
		TupleTableSlot *slot = table_slot_create(heap, NULL);

		for (int i = 0; i < ids.n; i++)
		{
			ScanKeyData key;

			CHECK_FOR_INTERRUPTS();
			ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(ids.ids[i]));
			index_rescan(scan, &key, 1, NULL, 0);
			if (index_getnext_slot(scan, ForwardScanDirection, slot))
			{
				bool		isnull;
				Datum		values[2];
				bool		nulls[2] = {false, false};

				values[0] = slot_getattr(slot, 2, &isnull);
				values[1] = slot_getattr(slot, 3, &isnull);
				if (entity_passes(values[0], values[1], want_type, prefix))
					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
		index_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		index_close(index, AccessShareLock);
	}
	table_close(heap, AccessShareLock);
	return (Datum) 0;
}
