/*
 * entity_rows.c
 *	  The rows of a search's answer in tagstore.entity, read in id order.
 *
 * A search (search.c) ends with a set of entity ids; what the
 * caller wants is the entities' names, (entity_type, external_id), in id
 * order (the order in which tagstore first saw them).  That is two phases:
 *
 *	1. find the answer's rows: the tuple ids (TIDs) of the row versions our
 *	   snapshot sees, with their entity ids;
 *	2. read the rows one at a time, by TID, applying the name filters.
 *
 * Phase 1 has two ways.  An answer of more than 1/4 of all entities is
 * found in one pass over the table, page by page: a row's id is read before
 * anything else, so only the answer's rows pay for a visibility check and
 * the rest cost a bit test each.  A smaller answer is
 * found by seeking: entities are usually stored in id order (ids come from
 * a sequence, rows are appended), so the page of an id is guessed from the
 * ids of the page read last (a page holds about (last id - first id) /
 * pages of them), corrected with the ids on each page read, and the row on
 * it is where interpolating between the page's first and last rows puts
 * it, or found by halving.  Its names are copied then, while the row is in
 * the CPU's cache: reading them again in phase 2 would cost another cache
 * miss or two per row.  Where rows are not in id order (updated, or stored
 * in space freed by deletes), an id is not where seeking ends, or its
 * version there is not ours to see: then it is looked up in entity_pkey,
 * which always knows, and when more than a quarter of the ids miss, the
 * rest are looked up directly.  A lookup costs several times a seek, and
 * seeking costs as much as the pass at about 1/4 of the table (the
 * benchmark's README has the figures).  The pass finds rows stored out of
 * id order too, and sorts them by id afterwards; it copies the names of the
 * rows it finds as seeking does, up to work_mem of copies, and leaves the
 * rest to phase 2.
 *
 * Phase 2 keeps one page pinned at a time.  The rows found in phase 1 are
 * visible to our snapshot, so nothing removes them meanwhile; pruning may
 * move them within their page, so a page is share-locked once when pinned
 * (waiting out any pruning in progress), and the pin keeps them in place
 * from then on, as a sequential scan relies on.
 *
 * Example: ids {3, 7} out of 1,000 entities in 7 pages, page 0 holding ids
 * 1-150 at offsets 1-150: 2 < 1000/4, so seeking.  The first and last
 * pages (ids 1 and 1000) say a page holds about 142 ids; from the last
 * page, id 3 is guessed to be on page 0, whose ids 1-150 include it;
 * interpolating puts id 3 at offset 3, and id 7 at offset 7: TIDs (0,3) and
 * (0,7), and reading returns ('thing', 'e3') and ('thing', 'e7').
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
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "catalog.h"
#include "entity_rows.h"

/* answers of more than 1/PASS_FRACTION of the entities are found by a pass */
#define PASS_FRACTION 4

/* A row of the answer: its entity id and where our snapshot's version is. */
typedef struct AnswerRow
{
	int64		id;
	ItemPointerData tid;
	char	   *names;			/* or a copy of its type and external id, or NULL */
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
	MemoryContext names_cxt;	/* copies of names made in phase 1, or NULL */
	Size		names_copied;	/* the memory they take */
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
	r->rows[r->n].names = NULL;
	r->n++;
}

/*
 * The type and external id of an entity row (columns 2 and 3, text, NOT
 * NULL): the external id is found from where the type ends, as heap_getattr
 * would find it only by walking the row from its start (a varlena precedes it).
 * A row with NULLs takes heap_getattr's way, and a NULL name (its NOT NULL
 * constraint dropped) is XX001.
 */
static inline void
row_names(HeapTuple tuple, TupleDesc desc, Datum *type, Datum *external_id)
{
	bool		isnull;
	char	   *data;
	uint32		off;

	StaticAssertStmt(Anum_entity_external_id == Anum_entity_entity_type + 1,
					 "the external id must follow the type");
	if (HeapTupleHasNulls(tuple))
	{
		*type = catalog_heap_value(tuple, desc, TSREL_ENTITY, Anum_entity_entity_type);
		*external_id = catalog_heap_value(tuple, desc, TSREL_ENTITY, Anum_entity_external_id);
		return;
	}
	*type = heap_getattr(tuple, Anum_entity_entity_type, desc, &isnull);
	data = (char *) tuple->t_data + tuple->t_data->t_hoff;
	off = (char *) DatumGetPointer(*type) - data;
	off = att_addlength_pointer(off, -1, DatumGetPointer(*type));
	off = att_align_pointer(off, TupleDescAttr(desc, 2)->attalign, -1, data + off);
	*external_id = PointerGetDatum(data + off);
}

/* The type and external id of a row, as copied by copy_names. */
static void
copied_names(char *names, Datum *type, Datum *external_id)
{
	*type = PointerGetDatum(names);
	*external_id = PointerGetDatum(names + INTALIGN(VARSIZE_ANY(names)));
}

/*
 * Keeps a copy of the names of the row added last, read from its page now:
 * seeking reads rows on pages of their own, and reading them again later
 * would cost another cache miss or two each.
 */
static void
copy_names(EntityRows *r, HeapTuple tuple)
{
	Datum		type_datum,
				id_datum;
	Pointer		type,
				external_id;
	Size		type_len;
	char	   *names;

	row_names(tuple, RelationGetDescr(r->heap), &type_datum, &id_datum);
	type = DatumGetPointer(type_datum);
	external_id = DatumGetPointer(id_datum);
	type_len = VARSIZE_ANY(type);

	/* their own context, so that a rescan's search does not pile them up */
	if (r->names_cxt == NULL)
		r->names_cxt = AllocSetContextCreate(CurrentMemoryContext, "tagstore entity names",
											 ALLOCSET_DEFAULT_SIZES);
	names = MemoryContextAlloc(r->names_cxt, INTALIGN(type_len) + VARSIZE_ANY(external_id));
	r->names_copied += GetMemoryChunkSpace(names);

	memcpy(names, type, type_len);
	memcpy(names + INTALIGN(type_len), external_id, VARSIZE_ANY(external_id));
	r->rows[r->n - 1].names = names;
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
			bool		visible;
			int64		id;

			if (!ItemIdIsNormal(lp))
				continue;
			tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
			tuple.t_len = ItemIdGetLength(lp);
			ItemPointerSet(&tuple.t_self, blk, off);
			id = DatumGetInt64(catalog_heap_value(&tuple, desc, TSREL_ENTITY, Anum_entity_id));
			if (!idset_bitmap_has(ids, id))
				continue;
			visible = all_visible || HeapTupleSatisfiesVisibility(&tuple, snapshot, buf);
			HeapCheckForSerializableConflictOut(visible, heap, &tuple, buf, snapshot);
			if (!visible)
				continue;
			if (r->n > 0 && id < r->rows[r->n - 1].id)
				sorted = false;
			add_row(r, id, &tuple.t_self);
			/* names too while the row is in cache, up to work_mem of them */
			if (r->names_copied < (Size) work_mem * 1024)
				copy_names(r, &tuple);
		}
		UnlockReleaseBuffer(buf);
	}
	if (strategy)
		FreeAccessStrategy(strategy);
	if (!sorted)
		qsort(r->rows, r->n, sizeof(AnswerRow), cmp_row_id);
}

/* Adds the row of id that our snapshot sees, if any (a lookup in entity_pkey). */
static void
lookup_add(IdLookup *l, EntityRows *r, int64 id)
{
	id_lookup(l, id);
	if (id_lookup_next(l))
		add_row(r, id, &l->slot->tts_tid);
}

/*
 * Phase 1 by seeking, for the sorted ids: the page holding an id is found
 * from the ids on a few pages, and the row on it by binary search.  This
 * relies on rows being stored in id order; wherever they are not, an id is
 * not where the search ends, and it is looked up in entity_pkey instead.
 */
typedef struct Seeker
{
	EntityRows *r;
	Snapshot	snapshot;
	BlockNumber nblocks;
	Buffer		buf;			/* the page searched, share-locked; or invalid */
	BlockNumber blk;
	int64		first;			/* the ids of its first and last rows */
	int64		last;
	OffsetNumber first_off;		/* and where they are */
	OffsetNumber last_off;
	OffsetNumber from;			/* ids ascend: search it from here on */
	uint64		per_page;		/* about how many ids a page holds */
} Seeker;

/* The entity id of the row at off, or false if off holds none. */
static bool
row_id(Seeker *s, OffsetNumber off, int64 *id)
{
	Page		page = BufferGetPage(s->buf);
	ItemId		lp = PageGetItemId(page, off);
	HeapTupleData tuple;

	if (!ItemIdIsNormal(lp))
		return false;
	tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
	tuple.t_len = ItemIdGetLength(lp);
	*id = DatumGetInt64(catalog_heap_value(&tuple, RelationGetDescr(s->r->heap), TSREL_ENTITY,
										   Anum_entity_id));
	return true;
}

static void
seek_release(Seeker *s)
{
	if (s->buf != InvalidBuffer)
		UnlockReleaseBuffer(s->buf);
	s->buf = InvalidBuffer;
}

/*
 * Makes blk the page searched, with the ids of its first and last rows.
 * False if it has no rows: then nothing is searched, and the last page
 * with rows stays the guide for the next guess.
 */
static bool
seek_load(Seeker *s, BlockNumber blk)
{
	OffsetNumber maxoff;
	OffsetNumber lo,
				hi;
	int64		first = 0,
				last = 0;

	seek_release(s);
	CHECK_FOR_INTERRUPTS();
	s->buf = ReadBuffer(s->r->heap, blk);
	LockBuffer(s->buf, BUFFER_LOCK_SHARE);
	TestForOldSnapshot(s->snapshot, s->r->heap, BufferGetPage(s->buf));
	maxoff = PageGetMaxOffsetNumber(BufferGetPage(s->buf));
	for (lo = FirstOffsetNumber; lo <= maxoff && !row_id(s, lo, &first); lo++)
		;
	if (lo > maxoff)
	{
		seek_release(s);
		return false;
	}
	for (hi = maxoff; hi > lo && !row_id(s, hi, &last); hi--)
		;
	s->blk = blk;
	s->first = first;
	s->last = hi == lo ? first : last;
	s->first_off = lo;
	s->last_off = hi;
	s->from = FirstOffsetNumber;
	return true;
}

/* About how many pages lie between the pages of ids a < b (at most nblocks: no overflow). */
static int64
pages_between(Seeker *s, int64 a, int64 b)
{
	uint64		pages = (idset_offset(b) - idset_offset(a) - 1) / s->per_page;

	return (int64) Min(pages, (uint64) s->nblocks);
}

/*
 * Makes the page that should hold id the one searched: the current one, or
 * one guessed from how far the ids of the page last read are from id,
 * corrected from each page read.  False if a few guesses do not find it.
 */
static bool
seek_page(Seeker *s, int64 id)
{
	int64		lo = 0,
				hi = (int64) s->nblocks - 1,
				guess;

	for (int loads = 0;; loads++)
	{
		if (s->first > s->last)
			return false;		/* rows out of id order here: no way to go */
		if (id < s->first)
		{
			hi = (int64) s->blk - 1;
			guess = (int64) s->blk - 1 - pages_between(s, id, s->first);
		}
		else if (id > s->last)
		{
			lo = (int64) s->blk + 1;
			guess = (int64) s->blk + 1 + pages_between(s, s->last, id);
		}
		else if (s->buf != InvalidBuffer)
			return true;
		else
			guess = s->blk;		/* released after a miss: read again */
		if (lo > hi || loads == 4 || !seek_load(s, (BlockNumber) Max(lo, Min(hi, guess))))
			return false;
	}
}

/*
 * The offset of the row of id on the page searched, at s->from or after,
 * or InvalidOffsetNumber.  Rows in id order with ids dense put it where
 * interpolating between the first and last rows says, so that is looked at
 * first (every look at a row is a cache miss); then halving.
 */
static OffsetNumber
page_find(Seeker *s, int64 id)
{
	int			lo = s->from,
				hi = s->last_off;
	int			guess = s->first_off;
	int64		found = 0;

	/* ids are offsets from the smallest bigint here: no difference overflows */
	if (s->last > s->first && id >= s->first && id <= s->last)
		guess += (int) ((double) (idset_offset(id) - idset_offset(s->first)) /
						(double) (idset_offset(s->last) - idset_offset(s->first)) *
						(s->last_off - s->first_off));
	for (bool first = true; lo <= hi; first = false)
	{
		int			mid = first ? Max(lo, Min(hi, guess)) : (lo + hi) / 2;
		int			at = mid;

		while (at <= hi && !row_id(s, at, &found))
			at++;
		if (at > hi || found > id)
			hi = mid - 1;
		else if (found < id)
			lo = at + 1;
		else
			return at;
	}
	return InvalidOffsetNumber;
}

/* Adds the row of id if the page searched has it, visible to our snapshot. */
static bool
seek_row(Seeker *s, int64 id)
{
	Page		page = BufferGetPage(s->buf);
	OffsetNumber at = page_find(s, id);
	HeapTupleData tuple;
	bool		visible;

	if (at == InvalidOffsetNumber)
		return false;
	tuple.t_data = (HeapTupleHeader) PageGetItem(page, PageGetItemId(page, at));
	tuple.t_len = ItemIdGetLength(PageGetItemId(page, at));
	tuple.t_tableOid = RelationGetRelid(s->r->heap);
	ItemPointerSet(&tuple.t_self, s->blk, at);
	visible = (PageIsAllVisible(page) && !s->snapshot->takenDuringRecovery) ||
		HeapTupleSatisfiesVisibility(&tuple, s->snapshot, s->buf);
	HeapCheckForSerializableConflictOut(visible, s->r->heap, &tuple, s->buf, s->snapshot);
	if (!visible)
		return false;			/* another version may be elsewhere */
	PredicateLockTID(s->r->heap, &tuple.t_self, s->snapshot, HeapTupleHeaderGetXmin(tuple.t_data));
	add_row(s->r, id, &tuple.t_self);
	copy_names(s->r, &tuple);
	s->from = at + 1;
	return true;
}

static void
find_by_seek(EntityRows *r, IdSet *ids, Snapshot snapshot)
{
	Seeker		s = {0};
	IdLookup	lookup;
	int			missed = 0;
	bool		seeking;

	s.r = r;
	s.snapshot = snapshot;
	s.nblocks = RelationGetNumberOfBlocks(r->heap);
	s.buf = InvalidBuffer;
	idset_flatten(ids);
	id_lookup_init(&lookup, r->heap, TSREL_ENTITY_PKEY, snapshot);
	/* how many ids a page holds, from the first and the last page */
	seeking = s.nblocks > 0 && seek_load(&s, 0);
	if (seeking)
	{
		int64		first = s.first;

		seeking = seek_load(&s, s.nblocks - 1) && s.last >= first;
		s.per_page = Max(1, (idset_offset(s.last) - idset_offset(first) + 1) / s.nblocks);
	}
	for (int i = 0; i < ids->n; i++)
	{
		int64		id = ids->ids[i];

		if (seeking && seek_page(&s, id) && seek_row(&s, id))
			continue;
		/* not found by seeking: the index knows; rows far from id order stop the seeking */
		seek_release(&s);
		lookup_add(&lookup, r, id);
		if (++missed > 16 && missed > i / 4)
			seeking = false;
	}
	seek_release(&s);
	id_lookup_end(&lookup);
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

	r->want_type = want_type;
	r->prefix = prefix;
	r->buf = InvalidBuffer;
	r->cap = Max(ids->n, 16);
	if ((Size) r->cap > MaxAllocSize / sizeof(AnswerRow))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many entities in one search"),
				 errdetail("The answer holds %d entities; one search can list at most %d.",
						   ids->n, (int) (MaxAllocSize / sizeof(AnswerRow)))));
	r->rows = palloc(sizeof(AnswerRow) * r->cap);
	r->heap = catalog_open_readable(TSREL_ENTITY);
	if (ids->n == 0)
		return r;

	/* the pass tests ids in a bitmap: only if its chunks are dense enough */
	if ((double) ids->n * PASS_FRACTION > Max(r->heap->rd_rel->reltuples, 1) &&
		idset_bitmap_chunks_for(ids) * IDSET_CHUNK_WORDS <= (int64) ids->n * 4 + 1024)
		find_by_pass(r, ids, snapshot);
	else
		find_by_seek(r, ids, snapshot);
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
		AnswerRow  *row = &r->rows[r->next++];
		ItemPointer tid = &row->tid;
		BlockNumber blk = ItemPointerGetBlockNumber(tid);
		Page		page;
		ItemId		lp;

		if (row->names)
		{
			copied_names(row->names, type, external_id);
			if (passes(r, *type, *external_id))
				return true;
			continue;
		}
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
		row_names(&tuple, desc, type, external_id);
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
	if (r->names_cxt)
		MemoryContextDelete(r->names_cxt);
	pfree(r->rows);
	pfree(r);
}
