/*
 * entity_rows.c
 *	  The rows of a search's answer in tagstore.entity, read in id order.
 *
 * A search (tagstore_search.c) ends with a set of entity ids; what the
 * caller wants is the entities' names, (entity_type, external_id), in id
 * order (the order in which tagstore first saw them).  That is two phases:
 *
 *	1. find the answer's rows: the tuple ids (TIDs) of the row versions our
 *	   snapshot sees, with their entity ids;
 *	2. read the rows one at a time, by TID, applying the name filters.
 *
 * Phase 1 has two ways.  An answer of more than 1/100 of all entities is
 * found in one pass over the table, page by page: a row's id is read before
 * anything else, so only the answer's rows pay for a visibility check and
 * the rest cost a bit test each.  A smaller answer is looked up id by id in
 * entity_pkey.  Measured at 200,000 entities: a lookup costs about 2.5 us,
 * the pass about 16 ns a row (3 ms), so the pass wins from about 1/150 of
 * the table; 1/100 leaves a margin for its fixed costs.  Entities are
 * usually stored in id order, so the pass finds the rows sorted; if not,
 * they are sorted by id afterwards.
 *
 * Phase 2 keeps one page pinned at a time.  The rows found in phase 1 are
 * visible to our snapshot, so nothing removes them meanwhile; pruning may
 * move them within their page, so a page is share-locked once when pinned
 * (waiting out any pruning in progress), and the pin keeps them in place
 * from then on, as a sequential scan relies on.
 *
 * Example: ids {3, 7} out of 1,000 entities: 2 < 1000/100, so two lookups
 * in entity_pkey give TIDs (0,3) and (0,7); reading returns ('thing', 'e3')
 * and ('thing', 'e7').
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "tagstore.h"

/* A row of the answer: its entity id and where our snapshot's version is. */
typedef struct AnswerRow
{
	int64		id;
	ItemPointerData tid;
} AnswerRow;

struct EntityRows
{
	Relation	heap;			/* tagstore.entity */
	text	   *want_type;		/* filters: NULL for none */
	text	   *prefix;
	AnswerRow  *rows;			/* in id order */
	int			n;
	int			cap;
	int			next;			/* the next row to read */
	Buffer		buf;			/* the page pinned for reading, or invalid */
};

static void
add_row(EntityRows *r, int64 id, ItemPointer tid)
{
	if (r->n == r->cap)
	{
		if ((Size) r->cap * 2 * sizeof(AnswerRow) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many entities in one search")));
		r->cap *= 2;
		r->rows = repalloc(r->rows, sizeof(AnswerRow) * r->cap);
	}
	r->rows[r->n].id = id;
	r->rows[r->n].tid = *tid;
	r->n++;
}

static int
cmp_row_id(const void *a, const void *b)
{
	int64		x = ((const AnswerRow *) a)->id;
	int64		y = ((const AnswerRow *) b)->id;

	return (x > y) - (x < y);
}

/* Phase 1 by one pass over the table: the visible rows whose id is in ids. */
static void
find_by_pass(EntityRows *r, IdSet *ids, Snapshot snapshot)
{
	Relation	heap = r->heap;
	TupleDesc	desc = RelationGetDescr(heap);
	BlockNumber nblocks = RelationGetNumberOfBlocks(heap);

	/* as a sequential scan does: a large table is read through a small ring */
	BufferAccessStrategy strategy = nblocks > (BlockNumber) NBuffers / 4 ?
		GetAccessStrategy(BAS_BULKREAD) : NULL;
	bool		sorted = true;
	HeapTupleData tuple;

	idset_to_bitmap(ids);
	PredicateLockRelation(heap, snapshot);	/* for serializable transactions */
	tuple.t_tableOid = RelationGetRelid(heap);
	for (BlockNumber blk = 0; blk < nblocks; blk++)
	{
		Buffer		buf = ReadBufferExtended(heap, MAIN_FORKNUM, blk, RBM_NORMAL, strategy);
		Page		page;
		bool		all_visible;

		CHECK_FOR_INTERRUPTS();
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		page = BufferGetPage(buf);
		TestForOldSnapshot(snapshot, heap, page);
		all_visible = PageIsAllVisible(page) && !snapshot->takenDuringRecovery;
		for (OffsetNumber off = FirstOffsetNumber; off <= PageGetMaxOffsetNumber(page); off++)
		{
			ItemId		lp = PageGetItemId(page, off);
			bool		isnull;
			bool		visible;
			int64		id;

			if (!ItemIdIsNormal(lp))
				continue;
			tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
			tuple.t_len = ItemIdGetLength(lp);
			ItemPointerSet(&tuple.t_self, blk, off);
			id = DatumGetInt64(heap_getattr(&tuple, 1, desc, &isnull));
			if (!idset_bitmap_has(ids, id))
				continue;
			visible = all_visible || HeapTupleSatisfiesVisibility(&tuple, snapshot, buf);
			HeapCheckForSerializableConflictOut(visible, heap, &tuple, buf, snapshot);
			if (!visible)
				continue;
			if (r->n > 0 && id < r->rows[r->n - 1].id)
				sorted = false;
			add_row(r, id, &tuple.t_self);
		}
		UnlockReleaseBuffer(buf);
	}
	if (strategy)
		FreeAccessStrategy(strategy);
	if (!sorted)
		qsort(r->rows, r->n, sizeof(AnswerRow), cmp_row_id);
}

/* Phase 1 by a lookup per id in entity_pkey, in id order. */
static void
find_by_lookup(EntityRows *r, IdSet *ids, Snapshot snapshot)
{
	Relation	index = index_open(get_relname_relid("entity_pkey", RelationGetNamespace(r->heap)),
								   AccessShareLock);
	IndexScanDesc scan = index_beginscan(r->heap, index, snapshot, 1, 0);
	TupleTableSlot *slot = table_slot_create(r->heap, NULL);

	idset_flatten(ids);
	for (int i = 0; i < ids->n; i++)
	{
		ScanKeyData key;

		CHECK_FOR_INTERRUPTS();
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(ids->ids[i]));
		index_rescan(scan, &key, 1, NULL, 0);
		if (index_getnext_slot(scan, ForwardScanDirection, slot))
			add_row(r, ids->ids[i], &slot->tts_tid);
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, AccessShareLock);
}

/*
 * Starts reading the entities of ids (the set may be changed) that pass
 * the filters, in the current memory context and the active snapshot.
 */
EntityRows *
entity_rows_begin(IdSet *ids, text *want_type, text *prefix)
{
	EntityRows *r = palloc0(sizeof(EntityRows));
	Snapshot	snapshot = GetActiveSnapshot();
	int64		span;

	r->want_type = want_type;
	r->prefix = prefix;
	r->buf = InvalidBuffer;
	r->cap = Max(ids->n, 16);
	r->rows = palloc(sizeof(AnswerRow) * r->cap);
	r->heap = tagstore_open_table("entity");
	if (ids->n == 0)
		return r;

	/* the pass tests ids in a bitmap: only if their range is dense enough */
	span = ids->bits ? ids->nwords * 64 : ids->ids[ids->n - 1] - ids->ids[0];
	if ((double) ids->n * 100 > Max(r->heap->rd_rel->reltuples, 1) &&
		span / 64 <= (int64) ids->n * 4 + 1024)
		find_by_pass(r, ids, snapshot);
	else
		find_by_lookup(r, ids, snapshot);
	return r;
}

/* Does a name pass the filters? */
static bool
passes(EntityRows *r, Datum type, Datum external_id)
{
	if (r->want_type)
	{
		text	   *t = DatumGetTextPP(type);

		if (VARSIZE_ANY_EXHDR(t) != VARSIZE_ANY_EXHDR(r->want_type) ||
			memcmp(VARDATA_ANY(t), VARDATA_ANY(r->want_type), VARSIZE_ANY_EXHDR(t)) != 0)
			return false;
	}
	if (r->prefix)
	{
		text	   *x = DatumGetTextPP(external_id);

		if (VARSIZE_ANY_EXHDR(x) < VARSIZE_ANY_EXHDR(r->prefix) ||
			memcmp(VARDATA_ANY(x), VARDATA_ANY(r->prefix), VARSIZE_ANY_EXHDR(r->prefix)) != 0)
			return false;
	}
	return true;
}

/*
 * The next entity's name, or false at the end.  The values point into a
 * pinned page: valid until the next call or entity_rows_end.
 */
bool
entity_rows_next(EntityRows *r, Datum *type, Datum *external_id)
{
	TupleDesc	desc = RelationGetDescr(r->heap);
	HeapTupleData tuple;

	while (r->next < r->n)
	{
		ItemPointer tid = &r->rows[r->next++].tid;
		BlockNumber blk = ItemPointerGetBlockNumber(tid);
		Page		page;
		ItemId		lp;
		bool		isnull;

		if (r->buf == InvalidBuffer || BufferGetBlockNumber(r->buf) != blk)
		{
			CHECK_FOR_INTERRUPTS();
			if (r->buf != InvalidBuffer)
				ReleaseBuffer(r->buf);
			r->buf = ReadBuffer(r->heap, blk);
			/* waits out pruning in progress; the pin holds off any after */
			LockBuffer(r->buf, BUFFER_LOCK_SHARE);
			LockBuffer(r->buf, BUFFER_LOCK_UNLOCK);
		}
		page = BufferGetPage(r->buf);
		lp = PageGetItemId(page, ItemPointerGetOffsetNumber(tid));
		Assert(ItemIdIsNormal(lp));
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
		tuple.t_len = ItemIdGetLength(lp);
		*type = heap_getattr(&tuple, 2, desc, &isnull);
		*external_id = heap_getattr(&tuple, 3, desc, &isnull);
		if (passes(r, *type, *external_id))
			return true;
	}
	return false;
}

/* How many of the remaining entities pass the filters (reads them all). */
int64
entity_rows_count(EntityRows *r)
{
	Datum		type,
				external_id;
	int64		n = 0;

	if (r->want_type == NULL && r->prefix == NULL)
	{
		n = r->n - r->next;
		r->next = r->n;
		return n;
	}
	while (entity_rows_next(r, &type, &external_id))
		n++;
	return n;
}

void
entity_rows_end(EntityRows *r)
{
	if (r->buf != InvalidBuffer)
		ReleaseBuffer(r->buf);
	r->buf = InvalidBuffer;
	table_close(r->heap, AccessShareLock);
	pfree(r->rows);
	pfree(r);
}
