/*
 * tag_reader.c
 *	  Tags read straight from tagstore.tag and its indexes: the tags whose
 *	  key lies in a range (a subtree, by tag_key), and a tag's key by its id
 *	  (tag_pkey).
 *
 * A tag's key is its path case-folded, taxonomy name first; a subtree is
 * the key range [key, tagpath_subtree_upper(key)) of tag_key (see
 * types/tagpath.h).  The search (search.c) resolves its query tags with
 * these reads, and the reader of pending posting changes (posting_read.c)
 * finds which changes lie under a posted tag with them.  Both read past the
 * executor: a selective search is a handful of index descents, and an
 * executor start for each would cost several times more.
 *
 * Example: the subtree of 'biology.animal' is the scan of keys in
 * ['biology.animal', 'biology.animal ') in key order; its first row is
 * the tag itself, then 'biology.animal.mammal', and so on.
 *
 * When row-level security applies to the caller, a reader begun with
 * policies reads the same keys through the executor (policy_rows.c): the
 * tags the policies let the caller see, with their taxonomies.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "tag_reader.h"

/*
 * Opens tag and tag_key for reads in the snapshot; with policies, reads
 * through the executor (which reads in the active snapshot: the same one,
 * for the callers).
 */
void
tag_reader_begin(TagReader *r, Snapshot snapshot, bool policies)
{
	memset(r, 0, sizeof(TagReader));
	r->cxt = CurrentMemoryContext;
	r->tag = catalog_open_readable(TSREL_TAG);
	r->tag_key = catalog_open(TSREL_TAG_KEY, AccessShareLock);
	r->policies = policies;
	if (policies)
	{
		Assert(snapshot == GetActiveSnapshot());
		r->slot = MakeSingleTupleTableSlot(RelationGetDescr(r->tag), &TTSOpsHeapTuple);
		return;
	}
	r->scan = index_beginscan(r->tag, r->tag_key, snapshot, 2, 0);
	r->slot = table_slot_create(r->tag, NULL);
	id_lookup_init(&r->by_id, r->tag, TSREL_TAG_PKEY, snapshot);
}

/* Runs a policy statement (its first column a whole tag row) in place of the scan. */
static void
policy_scan(TagReader *r, TagstoreQuery query, Datum *args)
{
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	if (r->rows_open)
		policy_rows_close(&r->rows);
	policy_rows_open(&r->rows, query, args, 1);
	r->rows_open = true;
	MemoryContextSwitchTo(old);
}

/* A policy statement's next tag row, as a tuple of tagstore.tag; false at the end. */
static bool
policy_next(TagReader *r, PolicyRows *rows, HeapTuple row)
{
	Datum	   *values;
	bool	   *nulls;
	HeapTupleHeader td;

	if (!policy_rows_next(rows, &values, &nulls))
		return false;
	if (nulls[0])
		catalog_null_value(TSREL_TAG, Anum_tag_id);	/* cannot be: a whole row is never NULL */
	td = DatumGetHeapTupleHeader(values[0]);
	row->t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&row->t_self);
	row->t_tableOid = RelationGetRelid(r->tag);
	row->t_data = td;
	return true;
}

void
tag_reader_end(TagReader *r)
{
	if (r->policies)
	{
		if (r->rows_open)
			policy_rows_close(&r->rows);
		ExecDropSingleTupleTableSlot(r->slot);
		index_close(r->tag_key, AccessShareLock);
		table_close(r->tag, AccessShareLock);
		return;
	}
	id_lookup_end(&r->by_id);
	ExecDropSingleTupleTableSlot(r->slot);
	index_endscan(r->scan);
	index_close(r->tag_key, AccessShareLock);
	table_close(r->tag, AccessShareLock);
}

/* Starts the scan of tag_key over keys in [lo, hi), or equal to lo if hi is NULL. */
void
tag_reader_scan(TagReader *r, TagPath *lo, TagPath *hi)
{
	ScanKeyData keys[2];

	if (r->policies)
	{
		Datum		args[2] = {PointerGetDatum(lo), PointerGetDatum(hi)};

		policy_scan(r, hi ? TSQ_POLICY_TAGS : TSQ_POLICY_TAG, args);
		return;
	}
	/* a scan keeps its number of keys: an exact lookup says "= lo" twice */
	if (hi == NULL)
	{
		ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, catalog_key_proc(BTEqualStrategyNumber),
					PointerGetDatum(lo));
		keys[1] = keys[0];
	}
	else
	{
		ScanKeyInit(&keys[0], 1, BTGreaterEqualStrategyNumber,
					catalog_key_proc(BTGreaterEqualStrategyNumber), PointerGetDatum(lo));
		ScanKeyInit(&keys[1], 1, BTLessStrategyNumber, catalog_key_proc(BTLessStrategyNumber),
					PointerGetDatum(hi));
	}
	index_rescan(r->scan, keys, 2, NULL, 0);
}

/*
 * The id of the scan's next tag, in key order; false at the end.  In the
 * reader's context, as id_lookup_next reads (catalog.c).
 */
bool
tag_reader_next(TagReader *r, int64 *id)
{
	MemoryContext old;
	bool		found;

	if (r->policies)
	{
		ExecClearTuple(r->slot);
		found = r->rows_open && policy_next(r, &r->rows, &r->row);
		if (found)
			ExecStoreHeapTuple(&r->row, r->slot, false);
	}
	else
	{
		old = MemoryContextSwitchTo(r->cxt);
		found = index_getnext_slot(r->scan, ForwardScanDirection, r->slot);
		MemoryContextSwitchTo(old);
	}
	if (!found)
		return false;
	*id = DatumGetInt64(catalog_slot_value(r->slot, TSREL_TAG, Anum_tag_id));
	return true;
}

/* The key of the tag the scan is on (valid until the next row). */
TagPath *
tag_reader_key(TagReader *r)
{
	return DatumGetTagPathP(catalog_slot_value(r->slot, TSREL_TAG, Anum_tag_key));
}

/* The row the scan is on, copied into the current memory context. */
HeapTuple
tag_reader_row(TagReader *r)
{
	return ExecCopySlotHeapTuple(r->slot);
}

/*
 * The ids of the tags in the subtree of key, sorted, in the current memory
 * context; false if they are more than max.
 */
bool
tag_reader_subtree(TagReader *r, TagPath *key, int max, IdSet *tags)
{
	int			cap = Max(max, 1);
	int64		id;

	memset(tags, 0, sizeof(IdSet));
	tags->ids = palloc(sizeof(int64) * cap);
	tag_reader_scan(r, key, tagpath_subtree_upper(key));
	while (tag_reader_next(r, &id))
	{
		if (tags->n >= max)
			return false;
		idset_append(tags, &cap, id);
	}
	idset_normalize(tags);
	return true;
}

/*
 * The key of the tag with an id, copied into the current memory context;
 * NULL if there is none.  A tag whose key is NULL is XX001, or none if
 * null_is_none.
 */
TagPath *
tag_reader_key_of(TagReader *r, int64 id, bool null_is_none)
{
	bool		isnull;
	Datum		key;

	if (r->policies)
	{
		/* its own statement: a scan under way goes on after it */
		PolicyRows	rows;
		HeapTupleData row;
		Datum		arg = Int64GetDatum(id);
		TagPath    *found = NULL;

		policy_rows_open(&rows, TSQ_POLICY_TAG_BY_ID, &arg, 1);
		if (policy_next(r, &rows, &row))
		{
			key = heap_getattr(&row, Anum_tag_key, RelationGetDescr(r->tag), &isnull);
			if (isnull && !null_is_none)
				catalog_null_value(TSREL_TAG, Anum_tag_key);
			if (!isnull)
				found = (TagPath *) PG_DETOAST_DATUM_COPY(key);
		}
		policy_rows_close(&rows);
		return found;
	}
	id_lookup(&r->by_id, id);
	if (!id_lookup_next(&r->by_id))
		return NULL;
	key = slot_getattr(r->by_id.slot, Anum_tag_key, &isnull);
	if (isnull && null_is_none)
		return NULL;
	if (isnull)
		catalog_null_value(TSREL_TAG, Anum_tag_key);
	return (TagPath *) PG_DETOAST_DATUM_COPY(key);
}
