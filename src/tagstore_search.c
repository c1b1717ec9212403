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
 * The work is a few index descents per tag, never one per row, and the set
 * algebra is linear merges (or word-wise ANDs of bitmaps).  Unknown tags
 * match nothing.  The answer's names are then read by entity_rows.c.
 * Limits: the sets live in memory (8 bytes per tagged entity under each
 * tag, or one bit per id of a posting's range).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "port/pg_bitutils.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/rls.h"
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
 * How one search reads.  A query tag is found by its key in tag_key, and
 * whether it has a fresh posting in posted_tag's primary key (for a subtree
 * of a few tags, only once it is found to have more than a few taggings:
 * most such subtrees have no posting, and the lookup is an index descent).  The tags
 * under it are the key range of tag_key; their ids, sorted, are coalesced
 * into runs of consecutive ids (a taxonomy imported in one go is numbered
 * depth-first, so a subtree is usually one run), and each run is one
 * range of tagging_pkey (tag_id, entity_id), read a leaf page at a time by
 * tagging_index.c.  All of these are read directly, past the executor: a
 * selective search is a handful of index descents, and going through the
 * executor for each would cost several times more.  With all tags wanted,
 * a tag with many entities is checked against the few of another rather
 * than read (entities_with_every).  With a data filter, the taggings are
 * read by a query instead, so that the planner can use the GIN index on
 * tagging.data.
 */
typedef struct Searcher
{
	SPIPlanPtr	filtered;		/* entities of a tag id run whose data matches */
	Datum		data_filter;	/* jsonb the tagging data must contain, or 0 */
	Oid			tagpath_type;
	bool		use_postings;	/* read posted tags from their postings */
	MemoryContext resultcxt;	/* where id arrays are kept */
	Snapshot	snapshot;
	/* tags by key: tag_key, with the key operators' functions */
	Relation	tag;
	Relation	tag_key;
	IndexScanDesc tag_scan;
	TupleTableSlot *tag_slot;
	RegProcedure key_eq,
				key_ge,
				key_lt;
	/* whether a tag's posting is fresh: posted_tag_pkey, opened when first needed */
	Relation	posted;
	Relation	posted_pkey;
	IndexScanDesc posted_scan;
	TupleTableSlot *posted_slot;
	/* tagging_pkey, read a leaf page at a time (tagging_index.c) */
	Relation	heap;
	Relation	index;
	TaggingCursor *taggings;
	/* the pending changes of postings, read when a posting is first read */
	PendingChanges *pending;
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

/* The plan kept for the session; cached_type is the tagpath type it is for. */
static Oid	cached_type = InvalidOid;
static SPIPlanPtr cached_filtered;
static Oid	cached_key_opfamily = InvalidOid;
static RegProcedure cached_key_eq,
			cached_key_ge,
			cached_key_lt;

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

/*
 * Opens one of tagstore's tables for reading, checking the caller may read
 * it.  Searches read tables directly, past the executor's permission checks
 * and row-level security: so the privilege is checked here, and a table
 * whose policies apply to the caller is refused rather than read whole.
 */
Relation
tagstore_open_table(const char *name)
{
	Relation	rel = tagstore_relation_open(name, AccessShareLock);

	if (pg_class_aclcheck(RelationGetRelid(rel), GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, name);
	if (check_enable_rls(RelationGetRelid(rel), InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("tagstore searches cannot apply row-level security policies of tagstore.%s", name),
				 errhint("Searches read tagstore's tables directly; give the search to a role that is not subject to the policies, or disable them.")));
	return rel;
}

/* Opens an index of a table by name and begins a scan of it with nkeys keys. */
static IndexScanDesc
open_index_scan(Relation heap, const char *name, int nkeys, Snapshot snapshot, Relation *index)
{
	*index = tagstore_relation_open(name, AccessShareLock);
	return index_beginscan(heap, *index, snapshot, nkeys, 0);
}

/* The function behind a btree strategy of an index's first column. */
RegProcedure
tagstore_key_proc(Relation index, Oid type, int16 strategy)
{
	Oid			opno = get_opfamily_member(index->rd_opfamily[0], type, type, strategy);

	if (!OidIsValid(opno))
		elog(ERROR, "operator %d of %s is missing", strategy, RelationGetRelationName(index));
	return get_opcode(opno);
}

static bool pending_subtree_tags(void *searcher, TagPath *key, int max, IdSet *tags);

static void
searcher_init(Searcher *s, Oid tagpath_type, Datum data_filter, MemoryContext resultcxt)
{
	Oid			run_types[3] = {INT8OID, INT8OID, JSONBOID};

	memset(s, 0, sizeof(Searcher));
	s->data_filter = data_filter;
	s->tagpath_type = tagpath_type;
	s->use_postings = true;
	s->resultcxt = resultcxt;
	s->snapshot = GetActiveSnapshot();

	/* custom plans: whether the GIN index on data pays depends on the filter */
	if (cached_type != tagpath_type)
	{
		cached_filtered = tagstore_keep_plan("SELECT entity_id FROM tagstore.tagging"
											 " WHERE tag_id BETWEEN $1 AND $2 AND data @> $3 AND data IS NOT NULL",
											 3, run_types, false);
		cached_type = tagpath_type;
	}
	s->filtered = cached_filtered;

	/* tagging first: what a caller without rights most needs to hear about */
	s->heap = tagstore_open_table("tagging");
	s->index = tagstore_relation_open("tagging_pkey", AccessShareLock);
	s->taggings = tagging_cursor_begin(s->heap, s->index, s->snapshot);

	s->tag = tagstore_open_table("tag");
	s->tag_scan = open_index_scan(s->tag, "tag_key", 2, s->snapshot, &s->tag_key);
	s->tag_slot = table_slot_create(s->tag, NULL);
	s->pending = pending_begin(s->tag, s->heap, s->index, s->snapshot, pending_subtree_tags, s);
	/* the key operators' functions, looked up once per session (per opfamily) */
	if (cached_key_opfamily != s->tag_key->rd_opfamily[0])
	{
		cached_key_eq = tagstore_key_proc(s->tag_key, tagpath_type, BTEqualStrategyNumber);
		cached_key_ge = tagstore_key_proc(s->tag_key, tagpath_type, BTGreaterEqualStrategyNumber);
		cached_key_lt = tagstore_key_proc(s->tag_key, tagpath_type, BTLessStrategyNumber);
		cached_key_opfamily = s->tag_key->rd_opfamily[0];
	}
	s->key_eq = cached_key_eq;
	s->key_ge = cached_key_ge;
	s->key_lt = cached_key_lt;

	/* the direct reads take no predicate locks: one on the table, for serializable transactions */
	PredicateLockRelation(s->heap, s->snapshot);
}

static void
searcher_end(Searcher *s)
{
	pending_end(s->pending);
	tagging_cursor_end(s->taggings);
	index_close(s->index, AccessShareLock);
	table_close(s->heap, AccessShareLock);
	if (s->posted)
	{
		ExecDropSingleTupleTableSlot(s->posted_slot);
		index_endscan(s->posted_scan);
		index_close(s->posted_pkey, AccessShareLock);
		table_close(s->posted, AccessShareLock);
	}
	ExecDropSingleTupleTableSlot(s->tag_slot);
	index_endscan(s->tag_scan);
	index_close(s->tag_key, AccessShareLock);
	table_close(s->tag, AccessShareLock);
}

/* Does the tag have a posting that is not stale?  (posted_tag: tag_id, stale) */
static bool
posting_fresh(Searcher *s, int64 tag_id)
{
	ScanKeyData key;
	bool		fresh = false;

	if (s->posted == NULL)
	{
		s->posted = tagstore_open_table("posted_tag");
		s->posted_scan = open_index_scan(s->posted, "posted_tag_pkey", 1, s->snapshot, &s->posted_pkey);
		s->posted_slot = table_slot_create(s->posted, NULL);
	}
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(tag_id));
	index_rescan(s->posted_scan, &key, 1, NULL, 0);
	if (index_getnext_slot(s->posted_scan, ForwardScanDirection, s->posted_slot))
	{
		bool		isnull;

		fresh = !DatumGetBool(slot_getattr(s->posted_slot, 2, &isnull));
	}
	return fresh;
}

/* Starts the scan of tag_key over keys in [lo, hi), or equal to lo if hi is NULL. */
static void
scan_tag_keys(Searcher *s, TagPath *lo, TagPath *hi)
{
	ScanKeyData keys[2];

	/* a scan keeps its number of keys: an exact lookup says "= lo" twice */
	if (hi == NULL)
	{
		ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, s->key_eq, PointerGetDatum(lo));
		keys[1] = keys[0];
	}
	else
	{
		ScanKeyInit(&keys[0], 1, BTGreaterEqualStrategyNumber, s->key_ge, PointerGetDatum(lo));
		ScanKeyInit(&keys[1], 1, BTLessStrategyNumber, s->key_lt, PointerGetDatum(hi));
	}
	index_rescan(s->tag_scan, keys, 2, NULL, 0);
}

/*
 * A query tag, resolved: the posted tag whose posting answers for it, or
 * the ids of the tags under it.
 */
typedef struct QueryTag
{
	TagPath    *key;			/* case-folded */
	bool		is_posted;		/* the posting of posted answers */
	bool		check_posting;	/* posted may have a posting, not looked up yet */
	int64		posted;
	IdSet		tags;			/* sorted, unless is_posted */
	/* a read that stopped at its limit goes on from where it stopped */
	bool		started;
	IdSet		read;			/* the entities read so far, in key order */
	int			read_cap;
	int			at;				/* the index in tags of the tag it stopped in */
	int64		at_entity;		/* and the first entity of it not read */
} QueryTag;

/*
 * A subtree of at most SMALL_SUBTREE tags is read before its posting is
 * looked up, and that only if it has more than PROBE_TAGGINGS taggings.
 */
#define SMALL_SUBTREE 8
#define PROBE_TAGGINGS 32

/*
 * Appends the ids of the tags whose key is in [lo, hi), or equal to lo if
 * hi is NULL (tagstore.tag: id is column 1, key column 6).  The first tag of
 * a subtree's range is its root.  With q (postings wanted), a root whose
 * subtree has more than SMALL_SUBTREE tags is looked up in posted_tag at
 * once, and if its posting is fresh, q->is_posted is set and nothing
 * appended; a smaller subtree is read whole, and its root left for
 * taggings_of to look up (q->check_posting).
 */
static void
collect_tags(Searcher *s, TagPath *lo, TagPath *hi, QueryTag *q, IdSet *set, int *cap)
{
	bool		root = false;

	scan_tag_keys(s, lo, hi);
	while (index_getnext_slot(s->tag_scan, ForwardScanDirection, s->tag_slot))
	{
		bool		isnull;
		int64		id = DatumGetInt64(slot_getattr(s->tag_slot, 1, &isnull));

		CHECK_FOR_INTERRUPTS();
		if (set->n == 0 && q &&
			tagpath_cmp_internal(DatumGetTagPathP(slot_getattr(s->tag_slot, 6, &isnull)), lo) == 0)
		{
			root = true;
			q->posted = id;
		}
		if (root && set->n == SMALL_SUBTREE)
		{
			/* a large subtree: its posting, if fresh, answers for it */
			root = false;
			if (posting_fresh(s, q->posted))
			{
				q->is_posted = true;
				set->n = 0;
				return;
			}
		}
		idset_append(set, cap, id);
	}
	if (root)
		q->check_posting = true;
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

/*
 * Appends the entities tagged with any tag id from (lo, from_entity) up to
 * hi, any entity: an index-only range scan.  False once the set holds more
 * than limit ids (limit < 0: no limit; a data filter reads them all), with
 * *stop the key of the first tagging not appended; or once it holds
 * PROBE_TAGGINGS and q (if given) turns out to have a fresh posting.
 */
static bool
collect_run(Searcher *s, int64 lo, int64 from_entity, int64 hi, IdSet *set, int *cap,
			int limit, QueryTag *q, int64 *stop_tag, int64 *stop_entity)
{
	int64		tag,
				entity;

	if (s->data_filter)
	{
		Datum		args[3] = {Int64GetDatum(lo), Int64GetDatum(hi), s->data_filter};

		collect_cursor(SPI_cursor_open(NULL, s->filtered, args, NULL, true), set, cap);
		return true;
	}

	tagging_cursor_seek(s->taggings, lo, true, from_entity, hi, false, 0);
	while (tagging_cursor_next(s->taggings, &tag, &entity))
	{
		CHECK_FOR_INTERRUPTS();
		if (limit >= 0 && set->n >= limit)
		{
			*stop_tag = tag;
			*stop_entity = entity;
			return false;
		}
		if (set->n == PROBE_TAGGINGS && q && q->check_posting)
		{
			q->check_posting = false;
			if ((q->is_posted = posting_fresh(s, q->posted)))
				return false;
		}
		idset_append(set, cap, entity);
	}
	return true;
}

/* An empty array set with room for cap ids, in the result context. */
static IdSet
empty_set(Searcher *s, int cap)
{
	IdSet		set = {0};

	set.ids = MemoryContextAlloc(s->resultcxt, sizeof(int64) * cap);
	return set;
}

static void
resolve(Searcher *s, TagPath *tag, bool descendants, QueryTag *q)
{
	int			cap = 64;
	MemoryContext old = MemoryContextSwitchTo(s->resultcxt);

	memset(q, 0, sizeof(QueryTag));
	q->key = (TagPath *) DatumGetPointer(DirectFunctionCall1(tagpath_casefold, PointerGetDatum(tag)));
	MemoryContextSwitchTo(old);
	q->tags = empty_set(s, cap);
	if (tagpath_nlevel(q->key) < 2)
		return;					/* a taxonomy name alone names no tag */

	/* a large subtree has its answer stored: tagstore_posting.c */
	collect_tags(s, q->key, descendants ? tagpath_subtree_upper(q->key) : NULL,
				 descendants && !s->data_filter && s->use_postings ? q : NULL, &q->tags, &cap);
	if (!q->is_posted)
		idset_normalize(&q->tags);
}

/*
 * The entities tagged with the tags under q, into *set, in the result
 * context.  False if they are more than limit (in all, with those read by
 * the calls before): then the next call goes on from where this one
 * stopped, and keep_checked takes those read as checked.
 */
static bool
read_taggings(Searcher *s, QueryTag *q, int limit, IdSet *set)
{
	if (!q->started)
	{
		q->started = true;
		q->read_cap = 256;
		q->read = empty_set(s, q->read_cap);
		q->at = 0;
		q->at_entity = PG_INT64_MIN;
	}

	/* one range scan per run of consecutive tag ids */
	while (q->at < q->tags.n)
	{
		int			j = q->at;
		int64		stop_tag,
					stop_entity;

		while (j + 1 < q->tags.n && q->tags.ids[j + 1] == q->tags.ids[j] + 1)
			j++;
		if (!collect_run(s, q->tags.ids[q->at], q->at_entity, q->tags.ids[j], &q->read, &q->read_cap,
						 limit, q, &stop_tag, &stop_entity))
		{
			if (q->is_posted)
			{
				/* its posting answers for it */
				pfree(q->read.ids);
				q->started = false;
				return false;
			}
			/* the run's tag ids are consecutive: the stop tag's index follows */
			q->at += stop_tag - q->tags.ids[q->at];
			q->at_entity = stop_entity;
			return false;
		}
		q->at = j + 1;
		q->at_entity = PG_INT64_MIN;
	}
	idset_normalize(&q->read);
	*set = q->read;
	q->started = false;
	return true;
}

/* The same for a resolved query tag: from its posting, if it has a fresh one. */
static bool
taggings_of(Searcher *s, QueryTag *q, int limit, IdSet *set)
{
	/* a small subtree's posting is looked up once it has PROBE_TAGGINGS taggings */
	if (q->check_posting)
	{
		if (read_taggings(s, q, limit, set))
			return true;
		if (!q->is_posted || limit >= 0)
			return false;		/* more than limit, or posted: put off as a posted tag is */
	}
	if (q->is_posted)
	{
		MemoryContext old = MemoryContextSwitchTo(s->resultcxt);

		*set = posting_read(q->posted, q->key, s->tagpath_type, s->pending);
		MemoryContextSwitchTo(old);
		return true;
	}
	return read_taggings(s, q, limit, set);
}

/* The ids of the entities tagged with a tag (and, if asked, its descendants). */
static IdSet
entities_under(Searcher *s, TagPath *tag, bool descendants)
{
	QueryTag	q;
	IdSet		set;

	resolve(s, tag, descendants, &q);
	taggings_of(s, &q, -1, &set);
	return set;
}

/*
 * Reading a tag's entities costs 15-30 ns each.  So with all tags wanted,
 * only the tag with fewest entities is read whole: the tags (fewest tags
 * under them first; posted ones, with large subtrees, last) are read in
 * turns, READ_FIRST entities, then four times as many, and so on, each
 * going on where it stopped, until one is read whole.  That is the answer
 * so far; every other tag is then checked against it by a leapfrog
 * (keep_checked), which costs about as much as the smaller side and starts
 * where the tag's reading stopped.  A posted tag is checked only if the
 * answer times its tags is at most CHECKS_MAX (its tags are not read
 * otherwise); else its posting is read.  Excluded tags are checked likewise.
 *
 * Example: a leaf tag with 3,500 entities and one with 15: 64 entities of
 * the first are read, then the second whole (15), then the first checked
 * for those 15, from its 65th tagging on: at most 15 skips, mostly in one
 * or two leaf pages, instead of 3,500 entities read.
 */
#define READ_FIRST 64
#define CHECKS_MAX 64

/* The ids of the tags in the subtree of key, sorted; false if more than max. */
static bool
subtree_tags(Searcher *s, TagPath *key, int max, IdSet *tags)
{
	int			cap = Max(max, 1);

	*tags = empty_set(s, cap);
	scan_tag_keys(s, key, tagpath_subtree_upper(key));
	while (index_getnext_slot(s->tag_scan, ForwardScanDirection, s->tag_slot))
	{
		bool		isnull;

		if (tags->n >= max)
			return false;
		idset_append(tags, &cap, DatumGetInt64(slot_getattr(s->tag_slot, 1, &isnull)));
	}
	idset_normalize(tags);
	return true;
}

/*
 * The same for the pending changes of postings, whose reader looks up the
 * tags of a subtree smaller than the changes' (tagstore_posting.c).
 */
static bool
pending_subtree_tags(void *searcher, TagPath *key, int max, IdSet *tags)
{
	return subtree_tags((Searcher *) searcher, key, max, tags);
}

/*
 * Is checking the entities of set cheaper than reading the query tag's?  A
 * leapfrog is, as long as set is an array (a bitmap, from a posting, would
 * have to be listed first) and the tag's tags are known.  A posted tag's
 * tags were not read (its posting answers for them): they are now, if few
 * enough.
 */
static bool
checkable(Searcher *s, QueryTag *t, IdSet *set)
{
	if (!t->is_posted && set->bits == NULL)
		return true;
	if (t->is_posted)
	{
		/* a small subtree found posted once read has its tags already */
		if (set->n == 0 || set->n > CHECKS_MAX ||
			(t->tags.n == 0 && !subtree_tags(s, t->key, CHECKS_MAX / set->n, &t->tags)))
			return false;
		t->is_posted = false;
	}
	return (int64) set->n * t->tags.n <= CHECKS_MAX;
}

/* The first of ids[from..n) at or after id: galloping, then a binary search. */
static int
ids_search(const int64 *ids, int n, int from, int64 id)
{
	int			low = from,
				high = from,
				step = 1;

	while (high < n && ids[high] < id)
	{
		low = high + 1;
		high += step;
		step *= 2;
	}
	high = Min(high, n);
	while (high > low)
	{
		int			mid = low + (high - low) / 2;

		if (ids[mid] < id)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/*
 * A leapfrog over the keys (tag, entity) of tagging_pkey: the wanted keys
 * are those of t's tags (sorted) with the entities of set not found tagged
 * yet (sorted); advances (*k, *i) to the first wanted key at or after (tag,
 * entity).  False if there is none.
 */
static bool
next_wanted(const IdSet *tags, const IdSet *set, const bool *tagged, int *k, int *i,
			int64 tag, int64 entity)
{
	for (; *k < tags->n; (*k)++, *i = 0)
	{
		if (tags->ids[*k] < tag)
			continue;
		if (tags->ids[*k] == tag)
			*i = ids_search(set->ids, set->n, *i, entity);
		while (*i < set->n && tagged[*i])
			(*i)++;
		if (*i < set->n)
			return true;
	}
	return false;
}

/*
 * Keeps the entities of set that are (or, if keep is false, are not) tagged
 * with t.  The sorted entities and t's taggings, read in key order, skip
 * ahead to each other's next key in turn: a tagging found that no entity
 * wants sends the entities forward, an entity without a tagging sends the
 * cursor forward (within the copied leaf page, or by a descent past it).
 * So the cost follows the smaller side, and only the taggings landed on
 * are checked visible.
 *
 * Example: entities {12, 480, 90211} against one tag of 811 taggings: seek
 * (tag, 12), found (tag, 15): no entity wanted before 480, skip to (tag,
 * 480), found (tag, 480): tagged; skip to (tag, 90211), found (tag, 90300):
 * no entity left; three items landed on.
 */
static void
keep_checked(Searcher *s, QueryTag *t, IdSet *set, bool keep)
{
	int			kept = 0,
				k = 0,
				i = 0;
	int64		tag,
				entity;
	bool	   *tagged;
	MemoryContext old = MemoryContextSwitchTo(s->resultcxt);

	idset_flatten(set);
	MemoryContextSwitchTo(old);
	tagged = palloc0(sizeof(bool) * Max(set->n, 1));
	tag = t->tags.n > 0 ? t->tags.ids[0] : 0;
	entity = PG_INT64_MIN;
	if (t->started)
	{
		/* the taggings read before: those entities are tagged, the leapfrog starts after them */
		idset_normalize(&t->read);
		for (int j = 0, r = 0; j < set->n; j++)
		{
			r = ids_search(t->read.ids, t->read.n, r, set->ids[j]);
			tagged[j] = r < t->read.n && t->read.ids[r] == set->ids[j];
		}
		pfree(t->read.ids);
		t->started = false;
		tag = t->at < t->tags.n ? t->tags.ids[t->at] : PG_INT64_MAX;
		entity = t->at_entity;
	}
	if (next_wanted(&t->tags, set, tagged, &k, &i, tag, entity))
	{
		tagging_cursor_seek(s->taggings, t->tags.ids[k], true, set->ids[i],
							t->tags.ids[t->tags.n - 1], false, 0);
		while (tagging_cursor_next(s->taggings, &tag, &entity))
		{
			CHECK_FOR_INTERRUPTS();
			if (!next_wanted(&t->tags, set, tagged, &k, &i, tag, entity))
				break;
			if (t->tags.ids[k] == tag && set->ids[i] == entity)
			{
				tagged[i] = true;
				if (!next_wanted(&t->tags, set, tagged, &k, &i, tag, entity))
					break;
			}
			tagging_cursor_skip(s->taggings, t->tags.ids[k], set->ids[i]);
		}
	}
	for (int j = 0; j < set->n; j++)
		if (tagged[j] == keep)
			set->ids[kept++] = set->ids[j];
	set->n = kept;
	pfree(tagged);
}

/*
 * Intersects *result (if *known; else sets it) with the entities of t, if
 * they are at most limit (limit < 0: any number); false if they are more.
 */
static bool
read_into(Searcher *s, QueryTag *t, int limit, IdSet *result, bool *known)
{
	IdSet		set;
	MemoryContext old;

	if (!taggings_of(s, t, limit, &set))
		return false;
	old = MemoryContextSwitchTo(s->resultcxt);
	if (*known)
		idset_intersect(result, &set);
	else
		*result = set;
	*known = true;
	MemoryContextSwitchTo(old);
	return true;
}

static IdSet
entities_with_every(Searcher *s, QueryTag *q, int n)
{
	int		   *order = palloc(sizeof(int) * n);
	int			first = -1;
	bool		known = false;
	IdSet		result = {0};

	/* by the number of tags under them, posted ones (many) last */
	for (int i = 0; i < n; i++)
	{
		int			j = i;

		while (j > 0 && !q[i].is_posted &&
			   (q[order[j - 1]].is_posted || q[order[j - 1]].tags.n > q[i].tags.n))
		{
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}

	/*
	 * The answer starts from the tag with fewest entities: the tags not
	 * posted are read in turns, each a few more entities at a time, until
	 * one is read whole (a read goes on where it stopped; a tag left alone
	 * is read whole at once); if all are posted, the first posting.
	 */
	for (int limit = READ_FIRST; !known; limit = limit > PG_INT32_MAX / 4 ? -1 : limit * 4)
	{
		int			unposted = 0;

		for (int k = 0; k < n; k++)
			unposted += !q[k].is_posted;
		for (int k = 0; k < n && !known; k++)
		{
			if (!q[order[k]].is_posted &&
				read_into(s, &q[order[k]], unposted > 1 ? limit : -1, &result, &known))
				first = order[k];
		}
		if (unposted == 0)
		{
			read_into(s, &q[order[0]], -1, &result, &known);
			first = order[0];
		}
	}

	/* the others checked against it, or read */
	for (int k = 0; k < n && result.n > 0; k++)
	{
		QueryTag   *t = &q[order[k]];

		if (order[k] == first)
			continue;
		if (checkable(s, t, &result))
			keep_checked(s, t, &result, true);
		else
			read_into(s, t, -1, &result, &known);
	}
	return result;
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

/* Complains about an argument that must not be NULL. */
static void
require(bool isnull, const char *argname)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", argname)));
}

/* Intersects the sets, smallest first: the running result only shrinks. */
static IdSet
intersect_all(IdSet *sets, int n)
{
	int			smallest = 0;
	IdSet		result;

	for (int i = 1; i < n; i++)
		if (sets[i].n < sets[smallest].n)
			smallest = i;
	result = sets[smallest];
	for (int i = 0; i < n && result.n > 0; i++)
		if (i != smallest)
			idset_intersect(&result, &sets[i]);
	return result;
}

/*
 * The entities under all (match_all) or any of the tags, less those under
 * any tag of exclude (may be NULL).  With data_filter (0 for none), only
 * taggings whose data contains it count for the tags; exclusions count all
 * taggings.
 */
static IdSet
search(ArrayType *tags, bool match_all, bool descendants, ArrayType *exclude, Datum data_filter)
{
	Datum	   *elems,
			   *xelems = NULL;
	int			n,
				nx = 0;
	MemoryContext callercxt = CurrentMemoryContext;
	Searcher	s;
	IdSet	   *sets;
	IdSet		result;

	n = tag_array(tags, "tags", false, &elems);
	if (exclude)
		nx = tag_array(exclude, "exclude", true, &xelems);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	searcher_init(&s, ARR_ELEMTYPE(tags), data_filter, callercxt);

	if (match_all && !data_filter)
	{
		QueryTag   *q = palloc(sizeof(QueryTag) * n);

		for (int i = 0; i < n; i++)
			resolve(&s, DatumGetTagPathP(elems[i]), descendants, &q[i]);
		result = entities_with_every(&s, q, n);
		MemoryContextSwitchTo(callercxt);
	}
	else
	{
		sets = palloc(sizeof(IdSet) * n);
		for (int i = 0; i < n; i++)
			sets[i] = entities_under(&s, DatumGetTagPathP(elems[i]), descendants);
		/* the sets live in the caller's context: SPI_finish frees SPI's */
		MemoryContextSwitchTo(callercxt);
		result = match_all ? intersect_all(sets, n) : idset_union(sets, n);
	}

	/* excluded tags always take their descendants with them, whatever their data */
	s.data_filter = 0;
	for (int i = 0; i < nx && result.n > 0; i++)
	{
		QueryTag	x;
		IdSet		xset;

		/* checked against the answer if that is cheaper; else read */
		resolve(&s, DatumGetTagPathP(xelems[i]), true, &x);
		if (checkable(&s, &x, &result))
		{
			keep_checked(&s, &x, &result, false);
			continue;
		}
		taggings_of(&s, &x, -1, &xset);
		MemoryContextSwitchTo(callercxt);	/* SPI calls return in SPI's context */
		idset_subtract(&result, &xset);
	}
	MemoryContextSwitchTo(callercxt);
	searcher_end(&s);
	SPI_finish();
	return result;
}

/*
 * tagstore._entity_ids(tags tagpath[], match_all bool, include_descendants
 * bool, exclude tagpath[], data_filter jsonb) -> bigint[]: the ids of the
 * matching entities, sorted (for entities_with_tag_data).
 */
PG_FUNCTION_INFO_V1(tagstore_entity_ids);
Datum
tagstore_entity_ids(PG_FUNCTION_ARGS)
{
	IdSet		result;
	Datum	   *out;

	require(PG_ARGISNULL(0), "tags");
	require(PG_ARGISNULL(1), "match_all");
	require(PG_ARGISNULL(2), "include_descendants");
	result = search(PG_GETARG_ARRAYTYPE_P(0), PG_GETARG_BOOL(1), PG_GETARG_BOOL(2),
					PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3),
					PG_ARGISNULL(4) ? 0 : PG_GETARG_DATUM(4));
	idset_flatten(&result);
	out = palloc(sizeof(Datum) * Max(result.n, 1));
	for (int i = 0; i < result.n; i++)
		out[i] = Int64GetDatum(result.ids[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, result.n, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The search of entities_with_all/any on their arguments (tags,
 * entity_type, external_id_prefix, include_descendants, exclude); the name
 * filters are left to the reading of the rows.
 */
static IdSet
search_args(Datum *args, bool *nulls, bool match_all)
{
	require(nulls[0], "tags");
	require(nulls[3], "include_descendants");
	return search(DatumGetArrayTypeP(args[0]), match_all, DatumGetBool(args[3]),
				  nulls[4] ? NULL : DatumGetArrayTypeP(args[4]), 0);
}

/*
 * That search, ready to read the entities' rows: shared by the functions
 * below and the streaming scan of tagstore_scan.c.
 */
EntityRows *
tagstore_entities_begin(Datum *args, bool *nulls, bool match_all)
{
	IdSet		result = search_args(args, nulls, match_all);

	return entity_rows_begin(&result, nulls[1] ? NULL : DatumGetTextPP(args[1]),
							 nulls[2] ? NULL : DatumGetTextPP(args[2]));
}

/* Puts all of the rows into a set-returning function's result, and ends reading. */
static void
put_rows(EntityRows *rows, ReturnSetInfo *rsinfo)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};

	while (entity_rows_next(rows, &values[0], &values[1]))
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	entity_rows_end(rows);
}

/*
 * entities_with_all/any(tags, entity_type, external_id_prefix,
 * include_descendants, exclude) and count_entities_with_all/any (same
 * arguments) are C functions of their own: called from SQL, they need no
 * parsing or inlining of a function body (which cost more than a selective
 * search itself).  In FROM, the planner hook of tagstore_scan.c streams the
 * answer instead of calling these.
 */
static Datum
entities_with(FunctionCallInfo fcinfo, bool match_all, bool counting)
{
	Datum		args[5];
	bool		nulls[5];

	for (int i = 0; i < 5; i++)
	{
		nulls[i] = PG_ARGISNULL(i);
		args[i] = nulls[i] ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	if (counting && nulls[1] && nulls[2])
	{
		/* no name filters: the size of the set, no rows read (but entity's checks made) */
		int64		n = search_args(args, nulls, match_all).n;

		table_close(tagstore_open_table("entity"), AccessShareLock);
		PG_RETURN_INT64(n);
	}
	if (counting)
	{
		EntityRows *rows = tagstore_entities_begin(args, nulls, match_all);
		int64		n = entity_rows_count(rows);

		entity_rows_end(rows);
		PG_RETURN_INT64(n);
	}
	InitMaterializedSRF(fcinfo, 0);
	put_rows(tagstore_entities_begin(args, nulls, match_all), (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(tagstore_entities_with_all);
Datum
tagstore_entities_with_all(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(tagstore_entities_with_any);
Datum
tagstore_entities_with_any(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(tagstore_count_entities_with_all);
Datum
tagstore_count_entities_with_all(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, true, true);
}

PG_FUNCTION_INFO_V1(tagstore_count_entities_with_any);
Datum
tagstore_count_entities_with_any(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, false, true);
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
 * that pass the filters, in id order (for entities_with_tag_data).
 */
PG_FUNCTION_INFO_V1(tagstore_entities);
Datum
tagstore_entities(PG_FUNCTION_ARGS)
{
	Datum	   *elems;
	int			n = 0;
	IdSet		ids = {0};

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, NULL, &n);
	ids.ids = palloc(sizeof(int64) * Max(n, 1));
	ids.n = n;
	for (int i = 0; i < n; i++)
		ids.ids[i] = DatumGetInt64(elems[i]);
	idset_normalize(&ids);		/* cheap when already sorted; safe if not */
	put_rows(entity_rows_begin(&ids, PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1),
							   PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2)),
			 (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}
