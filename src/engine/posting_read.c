/*
 * posting_read.c
 *	  A closure posting as a search sees it: the stored posting, corrected
 *	  by the changes pending under it (see posting.h).
 *
 * A posting is exact for every entity but those of the pending changes
 * under its tag.  A search reads the visible change rows once, and each
 * posting it reads decides the membership of those changes' entities from
 * the taggings of the search's snapshot.  So every answer is exact for its
 * snapshot however far behind refresh_postings is; the cost grows with the
 * number of pending changes (README: refresh often under heavy writing).
 *
 * The pending changes as one search sees them: the change rows visible to
 * its snapshot, read once (a pass over posting_change) for all the posted
 * tags the search reads.  A reader of a posted tag picks the changes under
 * it by the subtree's tag ids if it has fewer tags than the changes have
 * (a bounded read of tag_key, tag_reader.c), else by the changes'
 * tags' keys (looked up once per search, each a tag_pkey descent); and
 * decides each of their entities by the taggings: a member if the changed
 * tagging is there, else if any other tagging of the entity is under the
 * posted tag.  So the cost follows the smaller of the changes and the
 * subtree, never the product of the two (as a query joining the changes
 * with the subtree's tags would).
 *
 * Example: changes (mammal, 9) and (animal, 7) pending, posting of
 * Biology.animal read (a subtree of 40 tags: more than the changes' two,
 * so by key): both keys are under it; tagging (mammal, 9) is there, so 9
 * is a member; (animal, 7) is gone and 7's other taggings are not under
 * Biology.animal, so 7 is not.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "catalog.h"
#include "posting.h"
#include "tagging_index.h"

typedef struct PendingChange
{
	int64		tag;
	int64		entity;
	TagPath    *key;			/* the tag's key once resolved; NULL if no visible tag has the id */
	bool		tagged;			/* is the tagging there (decided per reader) */
} PendingChange;

typedef struct TagKeyEntry
{
	int64		tag;
	TagPath    *key;
} TagKeyEntry;

struct PendingChanges
{
	TagReader  *tags;			/* the search's */
	Relation	tagging;
	Relation	tagging_pkey;
	Snapshot	snapshot;
	MemoryContext home;			/* where pending_begin ran: what lives as long as the reader */
	MemoryContext cxt;			/* the changes and keys, once loaded (in home) */
	bool		skip_nulls;		/* NULLs are left out, not an error (verify.c) */
	bool		loaded;
	int			n;
	PendingChange *changes;		/* sorted by (tag, entity) */
	int			ntags;			/* distinct tags among them */
	bool		resolved;		/* have they their keys */
	HTAB	   *keys;			/* tag id -> key */
	/* opened when first needed */
	IdLookup	taggings_by_entity; /* tagging_entity_idx */
	TaggingCursor *cursor;
};

/* The pending changes for a search's snapshot; nothing is read until asked. */
PendingChanges *
pending_begin(TagReader *tags, Relation tagging, Relation tagging_pkey, Snapshot snapshot)
{
	PendingChanges *p = palloc0(sizeof(PendingChanges));

	p->tags = tags;
	p->tagging = tagging;
	p->tagging_pkey = tagging_pkey;
	p->snapshot = snapshot;
	p->home = CurrentMemoryContext;
	id_lookup_init(&p->taggings_by_entity, tagging, TSREL_TAGGING_ENTITY_IDX, snapshot);
	return p;
}

/*
 * Makes the reader leave out change rows with a NULL and treat a tag whose
 * key is NULL as no tag, instead of raising XX001: for tagstore.verify(),
 * which reports them itself.
 */
void
pending_skip_nulls(PendingChanges *p)
{
	p->skip_nulls = true;
}

void
pending_end(PendingChanges *p)
{
	id_lookup_end(&p->taggings_by_entity);
	if (p->cursor)
		tagging_cursor_end(p->cursor);
	if (p->cxt)
		MemoryContextDelete(p->cxt);
	pfree(p);
}

static int
change_cmp(const void *a, const void *b)
{
	const PendingChange *x = a;
	const PendingChange *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return (x->entity > y->entity) - (x->entity < y->entity);
}

static int
change_entity_cmp(const void *a, const void *b)
{
	const PendingChange *x = a;
	const PendingChange *y = b;

	return (x->entity > y->entity) - (x->entity < y->entity);
}

/* The key of a tag by id, looked up once a search. */
static TagPath *
tag_key_of(PendingChanges *p, int64 tag)
{
	bool		found;
	TagKeyEntry *e = hash_search(p->keys, &tag, HASH_ENTER, &found);

	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(p->cxt);

		e->key = tag_reader_key_of(p->tags, tag, p->skip_nulls);
		MemoryContextSwitchTo(old);
	}
	return e->key;
}

/*
 * Reads the change rows visible to the snapshot, once; false if there are none (as right after a refresh, until the next
 * tagging).  A table of dead rows only is read to its end.
 */
static bool
pending_load(PendingChanges *p)
{
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	int			cap = 64;

	if (p->loaded)
		return p->n > 0;
	p->loaded = true;
	rel = catalog_open_readable(TSREL_POSTING_CHANGE);
	scan = table_beginscan(rel, p->snapshot, 0, NULL);
	slot = table_slot_create(rel, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		CHECK_FOR_INTERRUPTS();
		if (p->cxt == NULL)
		{
			HASHCTL		ctl;

			p->cxt = AllocSetContextCreate(p->home, "tagstore pending changes",
										   ALLOCSET_DEFAULT_SIZES);
			p->changes = MemoryContextAlloc(p->cxt, sizeof(PendingChange) * cap);
			ctl.keysize = sizeof(int64);
			ctl.entrysize = sizeof(TagKeyEntry);
			ctl.hcxt = p->cxt;
			p->keys = hash_create("tagstore pending tag keys", 256, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		}
		if (p->n == cap)
		{
			cap *= 2;
			p->changes = repalloc_huge(p->changes, sizeof(PendingChange) * cap);
		}
		slot_getsomeattrs(slot, Natts_posting_change);
		if (slot->tts_isnull[Anum_posting_change_tag_id - 1] ||
			slot->tts_isnull[Anum_posting_change_entity_id - 1])
		{
			if (p->skip_nulls)
				continue;
			catalog_null_value(TSREL_POSTING_CHANGE,
							   slot->tts_isnull[Anum_posting_change_tag_id - 1] ?
							   Anum_posting_change_tag_id : Anum_posting_change_entity_id);
		}
		p->changes[p->n].tag = DatumGetInt64(slot->tts_values[Anum_posting_change_tag_id - 1]);
		p->changes[p->n].entity = DatumGetInt64(slot->tts_values[Anum_posting_change_entity_id - 1]);
		p->n++;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	table_close(rel, NoLock);
	if (p->n == 0)
		return false;

	qsort(p->changes, p->n, sizeof(PendingChange), change_cmp);
	for (int i = 0; i < p->n; i++)
		p->ntags += i == 0 || p->changes[i].tag != p->changes[i - 1].tag;
	return true;
}

/* Looks up the keys of the changes' tags. */
static void
pending_resolve(PendingChanges *p)
{
	for (int i = 0; i < p->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		p->changes[i].key = i > 0 && p->changes[i].tag == p->changes[i - 1].tag ?
			p->changes[i - 1].key : tag_key_of(p, p->changes[i].tag);
	}
	p->resolved = true;
}

/* Is the tagging (tag, entity) visible to the snapshot? */
static bool
tagging_there(PendingChanges *p, int64 tag, int64 entity)
{
	int64		t,
				e;

	if (p->cursor == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(p->home);

		p->cursor = tagging_cursor_begin(p->tagging, p->tagging_pkey, p->snapshot, false);
		MemoryContextSwitchTo(old);
	}
	tagging_cursor_seek(p->cursor, tag, true, entity, tag, true, entity);
	return tagging_cursor_next(p->cursor, &t, &e);
}

/* Has the entity a tagging visible to the snapshot under key? */
static bool
tagged_under(PendingChanges *p, int64 entity, const TagPath *key)
{
	id_lookup(&p->taggings_by_entity, entity);
	while (id_lookup_next(&p->taggings_by_entity))
	{
		TagPath    *k = tag_key_of(p, DatumGetInt64(catalog_slot_value(p->taggings_by_entity.slot,
																	   TSREL_TAGGING,
																	   Anum_tagging_tag_id)));

		if (k != NULL && tagpath_is_ancestor(key, k))
			return true;
	}
	return false;
}

/* Appends a change to under[*n], with whether its tagging is there (once per tagging). */
static void
keep_change(PendingChanges *p, PendingChange *under, int *n, const PendingChange *c)
{
	PendingChange *prev = *n > 0 ? &under[*n - 1] : NULL;

	under[*n] = *c;
	under[*n].tagged = prev && prev->tag == c->tag && prev->entity == c->entity ?
		prev->tagged : tagging_there(p, c->tag, c->entity);
	(*n)++;
}

/*
 * The entities under a fresh posted tag (its id, and key its case-folded
 * path): the posting corrected by the pending changes under key, whose
 * entities are members if the taggings of this snapshot say so.  A set in
 * the current memory context.  Runs inside SPI.
 */
IdSet
posting_read(int64 tag_id, TagPath *key, PendingChanges *pending)
{
	IdSet		set = posting_load(tag_id, true);

	pending_apply(&set, key, pending);
	return set;
}

/*
 * Corrects a stored posting of the tag whose key is key by the pending
 * changes under key (posting_read's second half).
 */
void
pending_apply(IdSet *set, TagPath *key, PendingChanges *pending)
{
	PendingChange *under;
	int			n = 0;
	IdSet		subtree;
	int64	   *members,
			   *others;
	int			nmembers = 0,
				nothers = 0;

	if (!pending_load(pending))
		return;
	under = palloc_extended(sizeof(PendingChange) * pending->n, MCXT_ALLOC_HUGE);

	/* the changes under key (in (tag, entity) order), by tag id or by key */
	if (!pending->resolved && tag_reader_subtree(pending->tags, key, pending->ntags, &subtree))
	{
		int			t = 0;

		for (int i = 0; i < pending->n; i++)
		{
			while (t < subtree.n && subtree.ids[t] < pending->changes[i].tag)
				t++;
			if (t < subtree.n && subtree.ids[t] == pending->changes[i].tag)
				keep_change(pending, under, &n, &pending->changes[i]);
		}
	}
	else
	{
		if (!pending->resolved)
			pending_resolve(pending);
		for (int i = 0; i < pending->n; i++)
			if (pending->changes[i].key != NULL && tagpath_is_ancestor(key, pending->changes[i].key))
				keep_change(pending, under, &n, &pending->changes[i]);
	}
	/* each entity a member if one of its changed taggings is there, else by its others */
	qsort(under, n, sizeof(PendingChange), change_entity_cmp);
	members = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);
	others = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n;)
	{
		int64		entity = under[i].entity;
		bool		member = false;

		CHECK_FOR_INTERRUPTS();
		for (; i < n && under[i].entity == entity; i++)
			member |= under[i].tagged;
		if (!member)
			member = tagged_under(pending, entity, key);
		if (member)
			members[nmembers++] = entity;
		else
			others[nothers++] = entity;
	}
	if (n > 0)
		idset_apply(set, members, nmembers, others, nothers);
	pfree(members);
	pfree(others);
	pfree(under);
}

