/*
 * tagstore_posting.c
 *	  Closure postings: for each large subtree, the set of entities tagged
 *	  anywhere under it, stored ready to read.
 *
 * Expanding a broad tag at query time means reading every tagging under it
 * (a root can cover most of them).  For tags whose subtree carries at least
 * min_taggings taggings (an argument of refresh_postings, default 2,000),
 * tagstore keeps the answer instead:
 *
 *	posted_tag (tag_id, stale)			which tags have a posting
 *	posting (tag_id, chunk, members)	the posting, in chunks of 65,536 ids
 *	posting_change (tag_id, entity_id)	taggings written since it was made
 *
 * A chunk holds the entities with id >> 16 = chunk, by their low 16 bits:
 * up to 4,095 of them as little-endian uint16s, more as an 8 kB bitmap
 * (byte order fixed, so dumps and replicas read the same on any machine).
 * Read, a posting becomes a bitmap set (idset.c).  On the bench's 1M
 * entities, 694 posted tags hold 24M memberships in 24 MB.
 *
 * Writers never touch postings (that would serialise every tagging on the
 * root's rows): a trigger on tagging appends (tag, entity) to posting_change
 * on every insert, delete or key update.  A reader of tag T's posting then
 * takes the posting as is for every entity except those of the visible
 * changes under T, whose membership it decides from the taggings
 * themselves.  So a posting is a cache that is exact for all entities but
 * the pending ones, and every reader's answer is exact for its snapshot.
 * Moving or deleting a tag changes its ancestors' subtrees: a trigger on tag
 * marks their postings stale, and readers skip stale postings.
 *
 * tagstore.refresh_postings() folds the pending changes into the postings
 * and rebuilds stale ones, in one transaction, deleting exactly the change
 * rows it applied; rebuild => true also chooses the posted tags afresh.
 * Taggings go on meanwhile, so the order matters: first its locks, then one
 * snapshot, in which it reads the change rows it will delete and the
 * taggings it rebuilds from; folding a change in reads the entity's
 * taggings in that snapshot or a later one, and a change made after the
 * snapshot keeps its row, so readers decide it themselves.
 *
 * Example: T = Biology.animal posted as {1, 7}; entity 9 is tagged with
 * Biology.animal.mammal and entity 7 untagged: posting_change holds
 * (mammal, 9) and (animal, 7), both under T; the taggings say 9 is under T
 * and 7 no longer is, so the reader's answer is {1, 9}.
 *
 * Limits: a search with pending changes reads them all once, and a reader
 * of a posting checks the entities of those under it (a tagging cursor seek
 * each, about a microsecond): a few hundred pending cost a broad count a
 * few tenths of a millisecond, thousands several milliseconds; so refresh
 * often under heavy writing (README).  A refresh locks the tag table
 * against writes (not against taggings) while it runs.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "port/pg_bitutils.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "tagstore.h"

#define CHUNK_BITS		16
#define CHUNK_IDS		(1 << CHUNK_BITS)
#define BITMAP_BYTES	(CHUNK_IDS / 8)
#define MAX_LIST		(BITMAP_BYTES / 2 - 1)	/* a longer list is a bitmap */

/* Plans kept for the session, for the tagpath type of the installation. */
static Oid	plans_type = InvalidOid;
static SPIPlanPtr plan_chunks;		/* the chunks of a posting */

static void
prepare_plans(Oid tagpath_type)
{
	Oid			id_type[1] = {INT8OID};

	if (plans_type == tagpath_type)
		return;
	plan_chunks = tagstore_keep_plan("SELECT chunk, members FROM tagstore.posting"
									 " WHERE tag_id = $1 ORDER BY chunk", 1, id_type, true);
	plans_type = tagpath_type;
}

/* The value of column col of row i of the last SPI result, as int64. */
static int64
spi_int64(uint64 i, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

/* The first id of a chunk (floor division, so that negative ids have chunks too). */
static inline int64
chunk_of(int64 id)
{
	return id >= 0 ? id / CHUNK_IDS : -((-(id + 1)) / CHUNK_IDS) - 1;
}

/*
 * Adds the entities of one stored chunk to a bitmap set that spans it and
 * has none of the chunk's ids yet; returns how many it added.
 */
static int64
chunk_decode(int64 chunk, bytea *members, IdSet *set)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(members);
	int			len = VARSIZE_ANY_EXHDR(members);
	uint64	   *words = set->bits + (chunk * CHUNK_IDS - set->base) / 64;

	Assert(chunk * CHUNK_IDS >= set->base &&
		   (chunk + 1) * CHUNK_IDS <= set->base + set->nwords * 64);
	if (len == BITMAP_BYTES)
	{
		/* byte k, bit b is id 8k + b: little-endian words */
		for (int byte = 0; byte < BITMAP_BYTES; byte++)
			words[byte / 8] |= (uint64) p[byte] << (8 * (byte % 8));
		return idset_popcount(words, CHUNK_IDS / 64);
	}
	else
	{
		int64		added = 0;

		if (len % 2 != 0 || len > MAX_LIST * 2)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("tagstore.posting holds a damaged chunk (%d bytes)", len),
					 errhint("Rebuild the postings with tagstore.refresh_postings(rebuild => true).")));
		for (int i = 0; i < len; i += 2)
		{
			int			low = p[i] | (p[i + 1] << 8);
			uint64		bit = UINT64CONST(1) << (low % 64);

			added += (words[low / 64] & bit) == 0;
			words[low / 64] |= bit;
		}
		return added;
	}
}

/* The chunk of ids[from..to) (one chunk's worth, sorted) as stored. */
static bytea *
chunk_encode(const int64 *ids, int from, int to)
{
	int			n = to - from;
	bytea	   *out;
	uint8	   *p;

	if (n > MAX_LIST)
	{
		out = palloc0(VARHDRSZ + BITMAP_BYTES);
		SET_VARSIZE(out, VARHDRSZ + BITMAP_BYTES);
		p = (uint8 *) VARDATA(out);
		for (int i = from; i < to; i++)
		{
			int			low = (int) (ids[i] & (CHUNK_IDS - 1));

			p[low / 8] |= 1 << (low % 8);
		}
		return out;
	}
	out = palloc(VARHDRSZ + n * 2);
	SET_VARSIZE(out, VARHDRSZ + n * 2);
	p = (uint8 *) VARDATA(out);
	for (int i = from; i < to; i++)
	{
		int			low = (int) (ids[i] & (CHUNK_IDS - 1));

		*p++ = low & 0xFF;
		*p++ = low >> 8;
	}
	return out;
}

/* A posting as stored, ignoring pending changes, as a bitmap set. */
static IdSet
posting_load(int64 tag_id, bool read_only)
{
	Datum		arg[1] = {Int64GetDatum(tag_id)};
	IdSet		set;
	bool		isnull;
	uint64		n = 0;
	MemoryContext cxt = CurrentMemoryContext;

	if (SPI_execute_plan(plan_chunks, arg, NULL, read_only, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.posting failed");
	MemoryContextSwitchTo(cxt);		/* SPI returns in its own context */
	if (SPI_processed == 0)
		set = idset_bitmap(0, 0);
	else
	{
		int64		first = spi_int64(0, 1);
		int64		last = spi_int64(SPI_processed - 1, 1);

		set = idset_bitmap(first * CHUNK_IDS, (last - first + 1) * (CHUNK_IDS / 64));
	}
	/* counted chunk by chunk: the span between them may be wide and empty */
	for (uint64 i = 0; i < SPI_processed; i++)
		n += chunk_decode(spi_int64(i, 1),
						  DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
														2, &isnull)),
						  &set);
	SPI_freetuptable(SPI_tuptable);
	idset_set_count(&set, n);
	return set;
}

/* The rows of a table whose bigint key (an index's first column) equals an id. */
typedef struct IdLookup
{
	Relation	index;			/* opened by the first lookup */
	IndexScanDesc scan;
	TupleTableSlot *slot;		/* the current row */
} IdLookup;

/* Starts a lookup of id in the named index of heap, opening it the first time. */
static void
id_lookup(IdLookup *l, Relation heap, const char *index, Snapshot snapshot, int64 id)
{
	ScanKeyData key;

	if (l->scan == NULL)
	{
		l->index = tagstore_relation_open(index, AccessShareLock);
		l->scan = index_beginscan(heap, l->index, snapshot, 1, 0);
		l->slot = table_slot_create(heap, NULL);
	}
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(id));
	index_rescan(l->scan, &key, 1, NULL, 0);
}

/* The next row visible to the snapshot into l->slot; false when there is none. */
static bool
id_lookup_next(IdLookup *l)
{
	return index_getnext_slot(l->scan, ForwardScanDirection, l->slot);
}

static void
id_lookup_end(IdLookup *l)
{
	if (l->scan == NULL)
		return;
	ExecDropSingleTupleTableSlot(l->slot);
	index_endscan(l->scan);
	index_close(l->index, AccessShareLock);
}

/*
 * The pending changes as one search sees them: the change rows visible to
 * its snapshot, read once (a pass over posting_change) for all the posted
 * tags the search reads.  A reader of a posted tag picks the changes under
 * it by the subtree's tag ids if it has fewer tags than the changes have
 * (a bounded read of tag_key, through the search), else by the changes'
 * tags' keys (looked up once per search, each a tag_pkey descent); and
 * decides each of their entities by the taggings: a member if the changed
 * tagging is there, else if any other tagging of the entity is under the
 * posted tag.  So the cost follows the smaller of the changes and the
 * subtree (a query joining the changes with the subtree's tags took
 * milliseconds at a root with ten changes pending).
 *
 * Example: changes (mammal, 9) and (animal, 7) pending, posting of
 * Biology.animal read (a subtree of 40 tags: more than the changes' two,
 * so by key): both keys are under it; tagging (mammal, 9) is there, so 9
 * is a member; (animal, 7) is gone and 7's other taggings are not under
 * Biology.animal, so 7 is not.
 */
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
	Relation	tag;			/* the search's, open */
	Relation	tagging;
	Relation	tagging_pkey;
	Snapshot	snapshot;
	PendingSubtreeTags subtree_tags;
	void	   *subtree_arg;
	MemoryContext cxt;
	bool		loaded;
	int			n;
	PendingChange *changes;		/* sorted by (tag, entity) */
	int			ntags;			/* distinct tags among them */
	bool		resolved;		/* have they their keys */
	HTAB	   *keys;			/* tag id -> key */
	/* opened when first needed */
	IdLookup	tag_by_id;		/* tag_pkey */
	IdLookup	taggings_by_entity; /* tagging_entity_idx */
	TaggingCursor *cursor;
};

/* The pending changes for a search's snapshot; nothing is read until asked. */
PendingChanges *
pending_begin(Relation tag, Relation tagging, Relation tagging_pkey, Snapshot snapshot,
			  PendingSubtreeTags subtree_tags, void *subtree_arg)
{
	PendingChanges *p = palloc0(sizeof(PendingChanges));

	p->subtree_tags = subtree_tags;
	p->subtree_arg = subtree_arg;
	p->tag = tag;
	p->tagging = tagging;
	p->tagging_pkey = tagging_pkey;
	p->snapshot = snapshot;
	return p;
}

void
pending_end(PendingChanges *p)
{
	id_lookup_end(&p->tag_by_id);
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

/* The key of a tag by id (tagstore.tag: id column 1, key column 6), looked up once. */
static TagPath *
tag_key_of(PendingChanges *p, int64 tag)
{
	bool		found;
	TagKeyEntry *e = hash_search(p->keys, &tag, HASH_ENTER, &found);

	if (!found)
	{
		id_lookup(&p->tag_by_id, p->tag, "tag_pkey", p->snapshot, tag);
		e->key = NULL;
		if (id_lookup_next(&p->tag_by_id))
		{
			bool		isnull;
			Datum		d = slot_getattr(p->tag_by_id.slot, 6, &isnull);
			MemoryContext old = MemoryContextSwitchTo(p->cxt);

			e->key = (TagPath *) PG_DETOAST_DATUM_COPY(d);
			MemoryContextSwitchTo(old);
		}
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
	rel = tagstore_open_table("posting_change");
	scan = table_beginscan(rel, p->snapshot, 0, NULL);
	slot = table_slot_create(rel, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		CHECK_FOR_INTERRUPTS();
		if (p->cxt == NULL)
		{
			HASHCTL		ctl;

			p->cxt = AllocSetContextCreate(CurrentMemoryContext, "tagstore pending changes",
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
		slot_getsomeattrs(slot, 2);
		p->changes[p->n].tag = DatumGetInt64(slot->tts_values[0]);
		p->changes[p->n].entity = DatumGetInt64(slot->tts_values[1]);
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
		p->cursor = tagging_cursor_begin(p->tagging, p->tagging_pkey, p->snapshot);
	tagging_cursor_seek(p->cursor, tag, true, entity, tag, true, entity);
	return tagging_cursor_next(p->cursor, &t, &e);
}

/* Has the entity a tagging visible to the snapshot under key?  (tagging: tag_id is column 1) */
static bool
tagged_under(PendingChanges *p, int64 entity, const TagPath *key)
{
	id_lookup(&p->taggings_by_entity, p->tagging, "tagging_entity_idx", p->snapshot, entity);
	while (id_lookup_next(&p->taggings_by_entity))
	{
		bool		isnull;
		TagPath    *k = tag_key_of(p, DatumGetInt64(slot_getattr(p->taggings_by_entity.slot, 1, &isnull)));

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
 * entities are members if the taggings of this snapshot say so.  A bitmap
 * set, in the current memory context.  Runs inside SPI.
 */
IdSet
posting_read(int64 tag_id, TagPath *key, Oid tagpath_type, PendingChanges *pending)
{
	IdSet		set;
	MemoryContext cxt = CurrentMemoryContext;
	PendingChange *under;
	int			n = 0;
	IdSet		subtree;

	prepare_plans(tagpath_type);
	MemoryContextSwitchTo(cxt);
	set = posting_load(tag_id, true);
	if (!pending_load(pending))
		return set;
	under = palloc_extended(sizeof(PendingChange) * pending->n, MCXT_ALLOC_HUGE);

	/* the changes under key (in (tag, entity) order), by tag id or by key */
	if (!pending->resolved &&
		pending->subtree_tags(pending->subtree_arg, key, pending->ntags, &subtree))
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
	for (int i = 0; i < n;)
	{
		int64		entity = under[i].entity;
		bool		member = false;

		CHECK_FOR_INTERRUPTS();
		for (; i < n && under[i].entity == entity; i++)
			member |= under[i].tagged;
		if (!member)
			member = tagged_under(pending, entity, key);
		idset_bitmap_set(&set, entity, member);
	}
	if (n > 0)
		idset_recount(&set);
	pfree(under);
	return set;
}

/*
 * Logs that the membership of an entity under a tag may have changed: a row
 * of posting_change, straight into the heap (the log is internal, so whoever
 * may write taggings may write it).  The trigger below calls it for every
 * tagging written by SQL, add_tag_to's direct write (tagstore_write.c) for
 * its own.
 */
void
posting_log_change(Relation tagging, Datum tag_id, Datum entity_id)
{
	Relation	log = tagstore_relation_open("posting_change", RowExclusiveLock);
	Datum		values[2] = {tag_id, entity_id};
	bool		nulls[2] = {false, false};

	simple_heap_insert(log, heap_form_tuple(RelationGetDescr(log), values, nulls));
	table_close(log, RowExclusiveLock);
}

/* Logs the (tag_id, entity_id) of a tagging row (its columns 1 and 2). */
static void
log_tagging(Relation tagging, HeapTuple row)
{
	bool		isnull;

	posting_log_change(tagging,
					   heap_getattr(row, 1, RelationGetDescr(tagging), &isnull),
					   heap_getattr(row, 2, RelationGetDescr(tagging), &isnull));
}

/*
 * tagstore._tagging_changed(): BEFORE INSERT, DELETE or UPDATE OF tag_id,
 * entity_id on tagging, for each row: logs the pairs whose membership may
 * change, the old and the new one for an update.
 */
PG_FUNCTION_INFO_V1(tagstore_tagging_changed);
Datum
tagstore_tagging_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trig->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trig->tg_event))
		elog(ERROR, "tagstore._tagging_changed must be a BEFORE ... FOR EACH ROW trigger");
	log_tagging(trig->tg_relation, trig->tg_trigtuple);
	if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
		log_tagging(trig->tg_relation, trig->tg_newtuple);
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(trig->tg_event) ? trig->tg_newtuple : trig->tg_trigtuple);
}

/* Replaces the stored chunks of a posting by those of set. */
static void
posting_write(int64 tag_id, IdSet *set)
{
	Datum	   *chunks = palloc(sizeof(Datum) * Max(set->n, 1));
	Datum	   *members = palloc(sizeof(Datum) * Max(set->n, 1));
	int			nchunks = 0;
	Datum		args[3];
	Oid			types[3] = {INT8OID, INT8ARRAYOID, BYTEAARRAYOID};

	idset_flatten(set);
	for (int i = 0; i < set->n;)
	{
		int64		chunk = chunk_of(set->ids[i]);
		int			j = i;

		while (j < set->n && set->ids[j] < (chunk + 1) * CHUNK_IDS)
			j++;
		chunks[nchunks] = Int64GetDatum(chunk);
		members[nchunks++] = PointerGetDatum(chunk_encode(set->ids, i, j));
		i = j;
	}
	args[0] = Int64GetDatum(tag_id);
	args[1] = PointerGetDatum(construct_array(chunks, nchunks, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[2] = PointerGetDatum(construct_array(members, nchunks, BYTEAOID, -1, false, TYPALIGN_INT));
	if (SPI_execute_with_args("DELETE FROM tagstore.posting WHERE tag_id = $1",
							  1, types, args, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "deleting from tagstore.posting failed");
	if (SPI_execute_with_args("INSERT INTO tagstore.posting (tag_id, chunk, members)"
							  " SELECT $1, unnest($2), unnest($3)",
							  3, types, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "inserting into tagstore.posting failed");
	if (SPI_execute_with_args("UPDATE tagstore.posted_tag SET stale = false, entities = $2"
							  " WHERE tag_id = $1",
							  2, (Oid[]) {INT8OID, INT8OID},
							  (Datum[]) {Int64GetDatum(tag_id), Int64GetDatum(set->n)},
							  NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "updating tagstore.posted_tag failed");
}

/*
 * The tag tree as refresh sees it: for each tag (sorted by id), its parent
 * and the nearest ancestor-or-self with a fresh posting, so that the posted
 * ancestors of a tag are a short walk of "nearest" links.
 */
typedef struct TagTree
{
	int			n;
	int64	   *ids;			/* sorted */
	int		   *parent;			/* index, or -1 */
	int		   *nearest;		/* index of the nearest fresh posted ancestor-or-self, or -1 */
	int		   *by_key;			/* indexes in key order: every tag after its ancestors */
} TagTree;

static int
tree_find(const TagTree *tree, int64 id)
{
	int			l = 0,
				h = tree->n - 1;

	while (l <= h)
	{
		int			m = l + (h - l) / 2;

		if (tree->ids[m] == id)
			return m;
		if (tree->ids[m] < id)
			l = m + 1;
		else
			h = m - 1;
	}
	return -1;
}

static TagTree
tree_load(void)
{
	TagTree		tree;
	int64	   *parents;
	bool	   *fresh;

	/* in id order, with each one's rank in key order */
	if (SPI_execute("SELECT t.id, t.parent_id, coalesce(NOT p.stale, false),"
					" rank() OVER (ORDER BY t.key) FROM tagstore.tag t"
					" LEFT JOIN tagstore.posted_tag p ON p.tag_id = t.id ORDER BY t.id",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.tag failed");
	tree.n = (int) SPI_processed;
	tree.ids = palloc(sizeof(int64) * Max(tree.n, 1));
	tree.parent = palloc(sizeof(int) * Max(tree.n, 1));
	tree.nearest = palloc(sizeof(int) * Max(tree.n, 1));
	parents = palloc(sizeof(int64) * Max(tree.n, 1));
	fresh = palloc(sizeof(bool) * Max(tree.n, 1));
	tree.by_key = palloc(sizeof(int) * Max(tree.n, 1));
	for (int i = 0; i < tree.n; i++)
	{
		bool		isnull;

		tree.ids[i] = spi_int64(i, 1);
		parents[i] = spi_int64(i, 2);
		fresh[i] = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull));
		tree.by_key[spi_int64(i, 4) - 1] = i;
	}
	SPI_freetuptable(SPI_tuptable);
	for (int i = 0; i < tree.n; i++)
		tree.parent[i] = parents[i] == 0 ? -1 : tree_find(&tree, parents[i]);
	for (int k = 0; k < tree.n; k++)
	{
		int			i = tree.by_key[k];
		int			up = tree.parent[i];

		tree.nearest[i] = fresh[i] ? i : (up < 0 ? -1 : tree.nearest[up]);
	}
	return tree;
}

/* Appends the indexes of the fresh posted ancestors-or-self of tag id. */
static int
posted_above(const TagTree *tree, int64 id, int *out, int n)
{
	int			i = tree_find(tree, id);

	for (int a = i < 0 ? -1 : tree->nearest[i]; a >= 0;
		 a = tree->parent[a] < 0 ? -1 : tree->nearest[tree->parent[a]])
		out[n++] = a;
	return n;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

/* One posting bit to set: entity under posted tag (index), member or not. */
typedef struct Membership
{
	int			tag;
	int64		entity;
	bool		member;
} Membership;

static int
cmp_membership(const void *a, const void *b)
{
	const Membership *x = a;
	const Membership *y = b;

	if (x->tag != y->tag)
		return x->tag - y->tag;
	return (x->entity > y->entity) - (x->entity < y->entity);
}

/*
 * Chooses the tags to post afresh: those whose subtree carries at least
 * min_taggings taggings.  Tags are summed in descending key order, so that
 * every tag comes after its descendants and its count is complete when
 * reached.
 */
static void
choose_posted(int min_taggings)
{
	TagTree		tree;
	int64	   *totals;
	Datum	   *chosen;
	int			nchosen = 0;

	if (SPI_execute("DELETE FROM tagstore.posted_tag", false, 0) != SPI_OK_DELETE)
		elog(ERROR, "deleting from tagstore.posted_tag failed");
	tree = tree_load();
	totals = palloc0(sizeof(int64) * Max(tree.n, 1));
	chosen = palloc(sizeof(Datum) * Max(tree.n, 1));
	if (SPI_execute("SELECT tag_id, count(*) FROM tagstore.tagging GROUP BY tag_id",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "counting taggings failed");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		int			i = tree_find(&tree, spi_int64(r, 1));

		if (i >= 0)
			totals[i] += spi_int64(r, 2);
	}
	SPI_freetuptable(SPI_tuptable);

	for (int k = tree.n - 1; k >= 0; k--)
	{
		int			i = tree.by_key[k];

		if (totals[i] >= min_taggings)
			chosen[nchosen++] = Int64GetDatum(tree.ids[i]);
		if (tree.parent[i] >= 0)
			totals[tree.parent[i]] += totals[i];
	}

	if (SPI_execute_with_args("INSERT INTO tagstore.posted_tag (tag_id) SELECT unnest($1)",
							  1, (Oid[]) {INT8ARRAYOID},
							  (Datum[]) {PointerGetDatum(construct_array(chosen, nchosen, INT8OID,
																		 sizeof(int64), FLOAT8PASSBYVAL,
																		 TYPALIGN_DOUBLE))},
							  NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "inserting into tagstore.posted_tag failed");
}

/*
 * Folds the change rows at ctids into the fresh postings above them.  For
 * each changed entity, the posted ancestors of its changed tags are the
 * postings to fix, and the posted ancestors of the tags it carries now
 * say which of them it belongs to.
 */
static void
apply_changes(Datum ctids)
{
	TagTree		tree = tree_load();
	int64	   *chg_entity,
			   *chg_tag,
			   *cur_entity,
			   *cur_tag;
	int			nchg,
				ncur;
	Datum	   *entities;
	int			nentities = 0;
	Membership *bits = NULL;
	int			nbits = 0,
				bitscap = 1024;
	int		   *above = palloc(sizeof(int) * (tree.n + 1));	/* a tag's posted ancestors */
	int			j = 0;

	/* the changes, by entity */
	if (SPI_execute_with_args("SELECT DISTINCT entity_id, tag_id FROM tagstore.posting_change"
							  " WHERE ctid = ANY ($1) ORDER BY 1, 2",
							  1, (Oid[]) {TIDARRAYOID}, &ctids, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.posting_change failed");
	nchg = (int) SPI_processed;
	chg_entity = palloc(sizeof(int64) * Max(nchg, 1));
	chg_tag = palloc(sizeof(int64) * Max(nchg, 1));
	entities = palloc(sizeof(Datum) * Max(nchg, 1));
	for (int i = 0; i < nchg; i++)
	{
		chg_entity[i] = spi_int64(i, 1);
		chg_tag[i] = spi_int64(i, 2);
		if (i == 0 || chg_entity[i] != chg_entity[i - 1])
			entities[nentities++] = Int64GetDatum(chg_entity[i]);
	}
	SPI_freetuptable(SPI_tuptable);

	/* what those entities carry now */
	if (SPI_execute_with_args("SELECT entity_id, tag_id FROM tagstore.tagging"
							  " WHERE entity_id = ANY ($1) ORDER BY 1",
							  1, (Oid[]) {INT8ARRAYOID},
							  (Datum[]) {PointerGetDatum(construct_array(entities, nentities, INT8OID,
																		 sizeof(int64), FLOAT8PASSBYVAL,
																		 TYPALIGN_DOUBLE))},
							  NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.tagging failed");
	ncur = (int) SPI_processed;
	cur_entity = palloc(sizeof(int64) * Max(ncur, 1));
	cur_tag = palloc(sizeof(int64) * Max(ncur, 1));
	for (int i = 0; i < ncur; i++)
	{
		cur_entity[i] = spi_int64(i, 1);
		cur_tag[i] = spi_int64(i, 2);
	}
	SPI_freetuptable(SPI_tuptable);

	bits = palloc(sizeof(Membership) * bitscap);
	for (int i = 0; i < nchg;)
	{
		int64		e = chg_entity[i];
		int		   *now = NULL;
		int			nnow = 0,
					nowcap = 0;
		int			k;

		/* the posted tags e is under now */
		while (j < ncur && cur_entity[j] < e)
			j++;
		for (; j < ncur && cur_entity[j] == e; j++)
		{
			int			na = posted_above(&tree, cur_tag[j], above, 0);

			if (nnow + na > nowcap)
			{
				nowcap = Max(nowcap * 2, nnow + na + 16);
				now = now ? repalloc(now, sizeof(int) * nowcap) : palloc(sizeof(int) * nowcap);
			}
			memcpy(now + nnow, above, sizeof(int) * na);
			nnow += na;
		}
		if (nnow > 1)
			qsort(now, nnow, sizeof(int), cmp_int);

		/* the postings its changes touch, and whether it belongs to each */
		for (k = i; k < nchg && chg_entity[k] == e; k++)
		{
			int			na = posted_above(&tree, chg_tag[k], above, 0);

			for (int x = 0; x < na; x++)
			{
				if (nbits == bitscap)
				{
					bitscap *= 2;
					bits = repalloc_huge(bits, sizeof(Membership) * bitscap);
				}
				bits[nbits].tag = above[x];
				bits[nbits].entity = e;
				bits[nbits].member = nnow > 0 &&
					bsearch(&above[x], now, nnow, sizeof(int), cmp_int) != NULL;
				nbits++;
			}
		}
		if (now)
			pfree(now);
		i = k;
	}

	/* one rewrite per posting */
	qsort(bits, nbits, sizeof(Membership), cmp_membership);
	for (int i = 0; i < nbits;)
	{
		int			tag = bits[i].tag;
		IdSet		set = posting_load(tree.ids[tag], false);
		int			k;

		for (k = i; k < nbits && bits[k].tag == tag; k++)
			idset_bitmap_set(&set, bits[k].entity, bits[k].member);
		idset_recount(&set);
		posting_write(tree.ids[tag], &set);
		pfree(set.ids);			/* posting_write left it an array */
		i = k;
	}
}

/* Rebuilds every stale posting from the taggings, deepest first. */
static void
rebuild_stale(Oid tagpath_type)
{
	int			n;
	int64	   *ids;
	TagPath   **keys;
	MemoryContext each = AllocSetContextCreate(CurrentMemoryContext, "tagstore posting",
											   ALLOCSET_DEFAULT_SIZES);

	if (SPI_execute("SELECT p.tag_id, t.key FROM tagstore.posted_tag p"
					" JOIN tagstore.tag t ON t.id = p.tag_id WHERE p.stale ORDER BY t.key DESC",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.posted_tag failed");
	n = (int) SPI_processed;
	ids = palloc(sizeof(int64) * Max(n, 1));
	keys = palloc(sizeof(TagPath *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		ids[i] = spi_int64(i, 1);
		keys[i] = DatumGetTagPathP(datumCopy(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 2, &isnull),
											 false, -1));
	}
	SPI_freetuptable(SPI_tuptable);

	for (int i = 0; i < n; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(each);
		IdSet		set = tagstore_subtree_entities(tagpath_type, keys[i]);

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(each);
		posting_write(ids[i], &set);
		MemoryContextSwitchTo(old);
		MemoryContextReset(each);
	}
	MemoryContextDelete(each);
}

/*
 * tagstore.refresh_postings(rebuild boolean, min_taggings integer) -> bigint:
 * folds the pending changes into the postings and rebuilds stale ones; with
 * rebuild, first chooses the posted tags afresh (those whose subtree carries
 * at least min_taggings taggings).  Returns the number of changes folded in.
 */
PG_FUNCTION_INFO_V1(tagstore_refresh_postings);
Datum
tagstore_refresh_postings(PG_FUNCTION_ARGS)
{
	bool		rebuild = PG_ARGISNULL(0) ? false : PG_GETARG_BOOL(0);
	int32		min_taggings = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);
	Oid			tagpath_type;
	Datum		ctids;
	bool		isnull;
	int64		folded;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("refresh_postings arguments must not be NULL")));
	if (min_taggings < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_taggings must be at least 1")));
	/* its locks must come before its snapshot (see the header comment) */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("refresh_postings must run at isolation level READ COMMITTED")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* one refresh at a time; no tag moves or deletions meanwhile; readers and taggings go on */
	if (SPI_execute("LOCK TABLE tagstore.tag IN SHARE MODE", false, 0) != SPI_OK_UTILITY ||
		SPI_execute("LOCK TABLE tagstore.posted_tag IN SHARE ROW EXCLUSIVE MODE", false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "locking the postings failed");
	/* a snapshot taken after the locks, for the reads that use the active one */
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute("SELECT a.attrelid, a.atttypid FROM pg_catalog.pg_attribute a"
					" WHERE a.attrelid = 'tagstore.tag'::pg_catalog.regclass AND a.attname = 'key'",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "tagstore.tag.key not found");
	tagpath_type = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	prepare_plans(tagpath_type);

	/*
	 * Exactly the changes this refresh accounts for: later ones stay pending.
	 * Read in the snapshot that stale postings are rebuilt from (and no later
	 * than the one apply_changes reads taggings in): a change committed after
	 * it would be deleted below without being in the rebuilt posting.
	 */
	if (SPI_execute("SELECT coalesce(array_agg(ctid), '{}'), count(*) FROM tagstore.posting_change",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading tagstore.posting_change failed");
	ctids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	folded = spi_int64(0, 2);

	if (rebuild)
		choose_posted(min_taggings);
	else if (folded > 0)
		apply_changes(ctids);
	rebuild_stale(tagpath_type);
	if (folded > 0 &&
		SPI_execute_with_args("DELETE FROM tagstore.posting_change WHERE ctid = ANY ($1)",
							  1, (Oid[]) {TIDARRAYOID}, &ctids, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "deleting from tagstore.posting_change failed");
	PopActiveSnapshot();
	SPI_finish();
	PG_RETURN_INT64(folded);
}
