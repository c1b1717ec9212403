/*
 * tagging_index.c
 *	  A cursor over tagging_pkey (tag_id, entity_id) that reads a leaf page
 *	  at a time: the reads and checks of search.c.
 *
 * A search reads the entities of a few tags (key ranges of tagging_pkey)
 * and checks single (tag, entity) pairs.  Through the index AM a tagging
 * read costs a call per item, scan keys tested through fmgr and the tuple
 * copied out, and every check is a descent from the root (cache misses
 * included).  This cursor descends with
 * nbtree's own _bt_search, copies the (tag, entity, heap TID) of the leaf
 * page's items from the sought key on while it holds the page's read lock,
 * and then serves from the copy:
 *
 *	- reads: the items in key order, stepping right page by page, up to a
 *	  last key given with the seek (past its tag, copying stops);
 *	- seeks: a key between the one the page was entered at and the end of
 *	  the copy is found in the copy by binary search, with no descent;
 *	- skips: forward to a later key, from the current item on (a key a few
 *	  items ahead costs a few comparisons), descending only past the end of
 *	  the copy: the leapfrog of a sorted list of entities with a tag's
 *	  taggings (search.c) lands only on the items it needs.
 *
 * Each item is checked visible to the snapshot when it is returned, as an
 * index-only scan does: by the visibility map, or else by the heap.  And as
 * an index-only scan does, the cursor keeps the pin on the leaf page its
 * copy came from (it lets go of the lock) until it copies another page:
 * VACUUM removes index entries under a cleanup lock, which waits for that
 * pin, and it sets a heap page all-visible only after the entries pointing
 * at the page's dead tuples are gone.  Without the pin, VACUUM could remove
 * a copied entry whose tagging is dead to our snapshot and then mark its
 * heap page all-visible, and the visibility map would vouch for a tagging
 * that is gone (nbtree's README, "making concurrent TID recycling safe").
 *
 * Why the copy answers for the snapshot: under Lehman and Yao's scheme
 * (nbtree's README) items only ever move right, by splits, and a page's high
 * key bounds every item left of it; a tagging visible to the snapshot was in
 * the index before the snapshot was taken, so before the page was read.  So
 * the copy holds every visible tagging whose key lies from the entry key up
 * to the end of the copy (the page's high key, exclusive, or the first item
 * not copied); stepping right follows the right-link read with the page, as
 * nbtree's own scans do, skipping pages deleted meanwhile.  One key's
 * versions (a unique index keeps the dead ones until VACUUM) may straddle a
 * page boundary: the high key then equals them, and the cursor steps right.
 *
 * Example: checking entities {12, 480, 90211} against tag 7, whose 811
 * taggings span three leaf pages: the seek of (7, 12) descends to the page
 * holding (7, 1) .. (7, 30017) with high key (7, 30020), and copies its
 * items from (7, 12) on; the skip to (7, 480) lies in the copy: a few
 * comparisons from the current item; the skip to (7, 90211) lies past it:
 * a descent.  Checking n entities costs at most as many descents as the
 * tag's taggings fill pages.
 *
 * When row-level security applies to the caller, a cursor begun with
 * policies reads the same key ranges through the executor instead
 * (policy_rows.c), a statement per seek or skip: the taggings the policies
 * let the caller see, of entities it may see.
 *
 * Limits: the copy is one page (up to MaxTIDsPerBTreePage items, 32 kB);
 * LP_DEAD items are skipped as nbtree skips them (not on a hot standby);
 * only indexes built by PostgreSQL 12 or later (heapkeyspace).
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "access/xact.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "catalog.h"
#include "policy_rows.h"
#include "tagging_index.h"

/* One index entry: a TID of a posting list tuple is an item of its own. */
typedef struct TaggingItem
{
	int64		tag;
	int64		entity;
	ItemPointerData tid;
} TaggingItem;

/*
 * A key of tagging_pkey, or a bound: natts is the number of columns given,
 * the others are minus infinity (as in a truncated high key), or plus
 * infinity for a last key; natts 0 is plus infinity (no high key).
 */
typedef struct TaggingKey
{
	int64		tag;
	int64		entity;
	int			natts;
} TaggingKey;

struct TaggingCursor
{
	Relation	heap;
	Relation	index;
	Snapshot	snapshot;
	BTScanInsert descent;		/* insertion key for _bt_search */
	bool		skip_killed;	/* as nbtree: LP_DEAD items are dead to all */
	Buffer		vmbuffer;
	IndexFetchTableData *fetch; /* heap visits for pages not all-visible */
	TupleTableSlot *slot;

	/* the copy of the current leaf page's items: [entry, end) */
	TaggingItem *items;
	int			nitems;
	int			pos;			/* next item to return */
	bool		has_entry;		/* entered by a descent at entry */
	TaggingKey	entry;
	TaggingKey	end;			/* high key, or the first item not copied */
	bool		stopped;		/* copying stopped at end (an item past the last key's tag) */
	BlockNumber next_page;		/* right-link, P_NONE at the rightmost page */
	Buffer		pinned;			/* the page the copy came from, pinned (not locked) */
	TaggingKey	last;			/* the current seek's last key (natts 1: any entity) */

	/* through the executor, when row-level security applies (policy_rows.c) */
	bool		policies;
	PolicyRows	rows;			/* the current seek's statement, if open */
	bool		rows_open;
	MemoryContext cxt;			/* where the statements live */
};

/* Compares a key with a bound whose missing columns are minus infinity. */
static int
key_cmp_lower(const TaggingKey *k, const TaggingKey *bound)
{
	if (k->tag != bound->tag)
		return k->tag < bound->tag ? -1 : 1;
	if (k->natts < 2)
		return bound->natts < 2 ? 0 : -1;
	if (bound->natts < 2)
		return 1;
	if (k->entity != bound->entity)
		return k->entity < bound->entity ? -1 : 1;
	return 0;
}

/* Is the copied item before key? */
static inline bool
item_before(const TaggingItem *it, const TaggingKey *key)
{
	TaggingKey	k = {it->tag, it->entity, 2};

	return key_cmp_lower(&k, key) < 0;
}

/* Is the key before the end of the copy (end: missing columns minus infinity)? */
static bool
before_end(const TaggingCursor *c, const TaggingKey *k)
{
	return c->end.natts == 0 || key_cmp_lower(k, &c->end) < 0;
}

/* Is the item past the cursor's last key (missing columns plus infinity)? */
static inline bool
past_last(const TaggingCursor *c, int64 tag, int64 entity)
{
	return tag > c->last.tag ||
		(c->last.natts == 2 && tag == c->last.tag && entity > c->last.entity);
}

/* Can keys past the end of the copy be at or before last? */
static bool
end_before_last(const TaggingCursor *c)
{
	if (c->end.natts == 0)
		return false;			/* nothing right of the copy */
	if (c->end.tag != c->last.tag)
		return c->end.tag < c->last.tag;
	/* same tag: a truncated end, or an open last, leaves room; else compare */
	return c->end.natts < 2 || c->last.natts < 2 || c->end.entity <= c->last.entity;
}

/*
 * A cursor over the index in the snapshot; with policies, reading through
 * the executor (in the active snapshot: the same one, for the callers).
 */
TaggingCursor *
tagging_cursor_begin(Relation heap, Relation index, Snapshot snapshot, bool policies)
{
	TaggingCursor *c = palloc0(sizeof(TaggingCursor));
	TupleDesc	desc = RelationGetDescr(index);
	bool		allequalimage;

	if (policies)
	{
		Assert(snapshot == GetActiveSnapshot());
		c->policies = true;
		c->cxt = CurrentMemoryContext;
		return c;
	}

	if (index->rd_rel->relam != BTREE_AM_OID || desc->natts != 2 ||
		TupleDescAttr(desc, 0)->atttypid != INT8OID || TupleDescAttr(desc, 1)->atttypid != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index %s has been altered", RelationGetRelationName(index)),
				 errdetail("tagstore reads it as a btree on (bigint, bigint).")));

	c->heap = heap;
	c->index = index;
	c->snapshot = snapshot;
	c->descent = _bt_mkscankey(index, NULL);
	_bt_metaversion(index, &c->descent->heapkeyspace, &allequalimage);
	if (!c->descent->heapkeyspace)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("index %s was built by PostgreSQL 11 or earlier", RelationGetRelationName(index)),
				 errhint("REINDEX INDEX tagstore.%s", RelationGetRelationName(index))));
	c->descent->anynullkeys = false;
	for (int i = 0; i < 2; i++)
		c->descent->scankeys[i].sk_flags &= ~SK_ISNULL;
	c->skip_killed = !TransactionStartedDuringRecovery();
	c->vmbuffer = InvalidBuffer;
	c->fetch = table_index_fetch_begin(heap);
	c->slot = table_slot_create(heap, NULL);
	c->items = palloc(sizeof(TaggingItem) * MaxTIDsPerBTreePage);
	c->next_page = P_NONE;
	c->pinned = InvalidBuffer;
	return c;
}

/* Lets go of the pin on the page of the last copy (its items are not returned again). */
static void
unpin_copy(TaggingCursor *c)
{
	if (BufferIsValid(c->pinned))
		ReleaseBuffer(c->pinned);
	c->pinned = InvalidBuffer;
}

void
tagging_cursor_end(TaggingCursor *c)
{
	if (c->policies)
	{
		if (c->rows_open)
			policy_rows_close(&c->rows);
		pfree(c);
		return;
	}
	unpin_copy(c);
	if (c->vmbuffer != InvalidBuffer)
		ReleaseBuffer(c->vmbuffer);
	table_index_fetch_end(c->fetch);
	ExecDropSingleTupleTableSlot(c->slot);
	pfree(c->items);
	pfree(c->descent);
	pfree(c);
}

/* Appends an item to the copy. */
static inline void
copy_item(TaggingCursor *c, int64 tag, int64 entity, ItemPointer tid)
{
	TaggingItem *it = &c->items[c->nitems++];

	it->tag = tag;
	it->entity = entity;
	it->tid = *tid;
}

/*
 * Copies the items of the read-locked leaf page from offset off on, up to
 * the last key's tag, and where the copy ends; then unlocks the page and
 * keeps its pin instead of the previous copy's (see the header comment).
 */
static void
copy_page(TaggingCursor *c, Buffer buf, OffsetNumber off)
{
	Page		page = BufferGetPage(buf);
	BTPageOpaque opaque = BTPageGetOpaque(page);
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);
	TupleDesc	desc = RelationGetDescr(c->index);

	c->nitems = 0;
	c->pos = 0;
	c->stopped = false;
	c->next_page = opaque->btpo_next;
	c->end.natts = 0;
	if (!P_RIGHTMOST(opaque))
	{
		IndexTuple	high = (IndexTuple) PageGetItem(page, PageGetItemId(page, P_HIKEY));
		bool		isnull;

		c->end.natts = BTreeTupleGetNAtts(high, c->index);
		c->end.tag = DatumGetInt64(index_getattr(high, 1, desc, &isnull));
		if (c->end.natts > 1)
			c->end.entity = DatumGetInt64(index_getattr(high, 2, desc, &isnull));
	}

	for (off = Max(off, P_FIRSTDATAKEY(opaque)); off <= maxoff; off++)
	{
		ItemId		iid = PageGetItemId(page, off);
		IndexTuple	itup;
		int64		tag,
					entity;
		bool		isnull;

		if (c->skip_killed && ItemIdIsDead(iid))
			continue;
		itup = (IndexTuple) PageGetItem(page, iid);
		tag = DatumGetInt64(index_getattr(itup, 1, desc, &isnull));
		if (unlikely(IndexTupleHasNulls(itup)))
		{
			/* the primary key rules it out; an index that replaced it may not */
			_bt_relbuf(c->index, buf);
			catalog_null_value(TSREL_TAGGING, isnull ? Anum_tagging_tag_id : Anum_tagging_entity_id);
		}
		entity = DatumGetInt64(index_getattr(itup, 2, desc, &isnull));
		if (tag > c->last.tag)
		{
			/* past the last tag: later seeks of the tag may still use the copy */
			c->stopped = true;
			c->end.tag = tag;
			c->end.entity = entity;
			c->end.natts = 2;
			break;
		}
		if (BTreeTupleIsPosting(itup))
		{
			for (int i = 0; i < BTreeTupleGetNPosting(itup); i++)
				copy_item(c, tag, entity, BTreeTupleGetPostingN(itup, i));
		}
		else
			copy_item(c, tag, entity, &itup->t_tid);
	}
	LockBuffer(buf, BUFFER_LOCK_UNLOCK);
	unpin_copy(c);
	c->pinned = buf;
}

/* The first offset on the read-locked leaf page whose item is >= the descent key. */
static OffsetNumber
leaf_search(TaggingCursor *c, Buffer buf)
{
	Page		page = BufferGetPage(buf);
	BTPageOpaque opaque = BTPageGetOpaque(page);
	OffsetNumber low = P_FIRSTDATAKEY(opaque),
				high = PageGetMaxOffsetNumber(page) + 1;

	while (high > low)
	{
		OffsetNumber mid = low + (high - low) / 2;

		if (_bt_compare(c->index, c->descent, page, mid) > 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/*
 * The first item of the copy at or after key, searching from item from on:
 * galloping (windows of 1, 2, 4, ... items, then a binary search in the
 * last), so that a key a few items ahead costs a few comparisons.
 */
static int
copy_search(const TaggingCursor *c, int from, const TaggingKey *key)
{
	int			low = from,
				high = from,
				step = 1;

	/* every item before low is before key; item high, if any, is the window's end */
	while (high < c->nitems && item_before(&c->items[high], key))
	{
		low = high + 1;
		high += step;
		step *= 2;
	}
	high = Min(high, c->nitems);
	while (high > low)
	{
		int			mid = low + (high - low) / 2;

		if (item_before(&c->items[mid], key))
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* Descends to key's leaf page and copies its items from key on. */
static void
descend(TaggingCursor *c, const TaggingKey *key)
{
	Buffer		buf;
	BTStack		stack;

	c->descent->keysz = key->natts;
	c->descent->scankeys[0].sk_argument = Int64GetDatum(key->tag);
	c->descent->scankeys[1].sk_argument = Int64GetDatum(key->entity);
	stack = _bt_search(c->index, c->descent, &buf, BT_READ, c->snapshot);
	_bt_freestack(stack);
	c->has_entry = false;
	if (!BufferIsValid(buf))
	{
		/* an empty index */
		unpin_copy(c);
		c->nitems = c->pos = 0;
		c->stopped = false;
		c->end.natts = 0;
		c->next_page = P_NONE;
		return;
	}
	copy_page(c, buf, leaf_search(c, buf));
	c->has_entry = true;
	c->entry = *key;
}

/* The policy statement over the keys from (tag, entity) to the last key. */
static void
policy_seek(TaggingCursor *c, int64 tag, int64 entity)
{
	Datum		args[4] = {Int64GetDatum(tag), Int64GetDatum(entity), Int64GetDatum(c->last.tag),
	Int64GetDatum(c->last.natts == 2 ? c->last.entity : PG_INT64_MAX)};
	MemoryContext old = MemoryContextSwitchTo(c->cxt);

	if (c->rows_open)
		policy_rows_close(&c->rows);
	policy_rows_open(&c->rows, TSQ_POLICY_TAGGINGS, args, 2);
	c->rows_open = true;
	MemoryContextSwitchTo(old);
}

/*
 * Positions the cursor at the first tagging whose key is at least (tag,
 * entity), or (tag) with any entity if !by_entity, to read up to (last_tag,
 * last_entity) inclusive, or (last_tag) with any entity if !last_by_entity.
 */
void
tagging_cursor_seek(TaggingCursor *c, int64 tag, bool by_entity, int64 entity,
					int64 last_tag, bool last_by_entity, int64 last_entity)
{
	TaggingKey	key = {tag, entity, by_entity ? 2 : 1};

	c->last.tag = last_tag;
	c->last.entity = last_entity;
	c->last.natts = last_by_entity ? 2 : 1;
	if (c->policies)
	{
		policy_seek(c, tag, by_entity ? entity : PG_INT64_MIN);
		return;
	}

	/* in the copy, if it reaches far enough */
	if (c->has_entry && key_cmp_lower(&key, &c->entry) >= 0 && before_end(c, &key) &&
		!(c->stopped && end_before_last(c)))
	{
		c->pos = copy_search(c, 0, &key);
		return;
	}
	descend(c, &key);
}

/*
 * Moves the cursor forward to the first tagging at or after (tag, entity),
 * a key past the last one returned, keeping the seek's last key: within the
 * copy from the current item on, else by a descent.  After a step right the
 * copy holds its whole page, so it answers any key before its end.
 */
void
tagging_cursor_skip(TaggingCursor *c, int64 tag, int64 entity)
{
	TaggingKey	key = {tag, entity, 2};

	if (c->policies)
	{
		policy_seek(c, tag, entity);
		return;
	}
	/* a copy that stopped ends past the last key: nothing more to find */
	if (c->stopped || before_end(c, &key))
	{
		c->pos = copy_search(c, c->pos, &key);
		return;
	}
	descend(c, &key);
}

/* Is the item's tagging visible to the snapshot?  As an index-only scan decides. */
static bool
item_visible(TaggingCursor *c, TaggingItem *it)
{
	bool		call_again = false,
				all_dead = false,
				found;

	if (VM_ALL_VISIBLE(c->heap, ItemPointerGetBlockNumber(&it->tid), &c->vmbuffer))
		return true;
	found = table_index_fetch_tuple(c->fetch, &it->tid, c->snapshot, c->slot, &call_again, &all_dead);
	ExecClearTuple(c->slot);
	return found;
}

/*
 * The next tagging visible to the snapshot, up to the last key of the seek,
 * into *tag and *entity; false when there are no more.
 */
bool
tagging_cursor_next(TaggingCursor *c, int64 *tag, int64 *entity)
{
	if (c->policies)
	{
		Datum	   *values;
		bool	   *nulls;

		if (!c->rows_open || !policy_rows_next(&c->rows, &values, &nulls))
			return false;
		if (nulls[0])
			catalog_null_value(TSREL_TAGGING, Anum_tagging_tag_id);
		if (nulls[1])
			catalog_null_value(TSREL_TAGGING, Anum_tagging_entity_id);
		*tag = DatumGetInt64(values[0]);
		*entity = DatumGetInt64(values[1]);
		return true;
	}
	for (;;)
	{
		Buffer		buf;
		Page		page;
		BTPageOpaque opaque;

		while (c->pos < c->nitems)
		{
			TaggingItem *it = &c->items[c->pos++];

			if (past_last(c, it->tag, it->entity))
			{
				c->pos = c->nitems;
				return false;
			}
			if (item_visible(c, it))
			{
				*tag = it->tag;
				*entity = it->entity;
				return true;
			}
		}
		if (c->stopped || c->next_page == P_NONE || !end_before_last(c))
			return false;

		/* the next page to the right, as _bt_readnextpage steps */
		CHECK_FOR_INTERRUPTS();
		buf = _bt_getbuf(c->index, c->next_page, BT_READ);
		page = BufferGetPage(buf);
		TestForOldSnapshot(c->snapshot, c->index, page);
		opaque = BTPageGetOpaque(page);
		c->has_entry = false;
		if (P_IGNORE(opaque))
		{
			/* deleted or half-dead: nothing on it, go on right */
			unpin_copy(c);
			c->nitems = c->pos = 0;
			c->next_page = opaque->btpo_next;
			_bt_relbuf(c->index, buf);
			continue;
		}
		copy_page(c, buf, P_FIRSTDATAKEY(opaque));
	}
}
