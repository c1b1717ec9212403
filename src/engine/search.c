/*
 * search.c
 *	  Entity search that expands tag hierarchies: the engine behind
 *	  tagstore.entities_with_all/any and count_entities_with_all/any.
 *
 * Storage (sql/src/): every tag row has a key, its case-folded
 * tagpath with the taxonomy name first, unique and btree-indexed; a tagging
 * is (tag_id, entity_id).  Because a subtree is a key range (types/tagpath.h),
 * "entities tagged T or a descendant of T" is one index range scan over the
 * tags [key(T), key(T) || ' ') joined to their taggings.
 *
 * For a search over tags T1..Tn, excluding X1..Xm:
 *
 *	1. each Ti becomes the sorted, duplicate-free array of the ids of the
 *	   entities under it: from its closure posting if it has a fresh one
 *	   (posting_read.c), else from the taggings of its subtree;
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
#include "utils/snapmgr.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "posting.h"
#include "search.h"
#include "tag_reader.h"
#include "taxonomy_acl.h"
#include "tagging_index.h"

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
 * executor for each would cost several times more.  When row-level
 * security applies to the caller, the tags and taggings are read through
 * the executor instead (policy_rows.c), and postings, which know no
 * policy, are not read.  With all tags wanted,
 * a tag with many entities is checked against the few of another rather
 * than read (entities_with_every).  With a data filter, the taggings are
 * read by a query instead, so that the planner can use the GIN index on
 * tagging.data.
 */
typedef struct Searcher
{
	Datum		data_filter;	/* jsonb the tagging data must contain, or 0 */
	bool		use_postings;	/* read posted tags from their postings */
	bool		policies;		/* read through the executor: row-level security applies */
	bool		check_acl;		/* tags of taxonomies the user may not read match nothing */
	MemoryContext resultcxt;	/* where id arrays are kept */
	Snapshot	snapshot;
	/* tags by key (tag_reader.c) */
	TagReader	tags;
	/* whether a tag's posting is fresh: posted_tag_pkey, opened when first needed */
	Relation	posted;
	IdLookup	posted_by_tag;
	/* tagging_pkey, read a leaf page at a time (tagging_index.c) */
	Relation	heap;
	Relation	index;
	TaggingCursor *taggings;
	/* the pending changes of postings, read when a posting is first read */
	PendingChanges *pending;
} Searcher;

/*
 * Opens what a search reads, in the active snapshot: through the executor
 * if policies (the caller's row-level security applies).
 */
static void
searcher_init(Searcher *s, Datum data_filter, bool policies, MemoryContext resultcxt)
{
	Relation	tagging;
	Relation	tagging_pkey;

	memset(s, 0, sizeof(Searcher));
	s->data_filter = data_filter;
	s->use_postings = !policies;
	s->policies = policies;
	s->check_acl = true;
	s->resultcxt = resultcxt;
	s->snapshot = GetActiveSnapshot();

	/* tagging first: what a caller without rights most needs to hear about */
	tagging = s->heap = catalog_open_readable(TSREL_TAGGING);
	tagging_pkey = s->index = catalog_open(TSREL_TAGGING_PKEY, AccessShareLock);
	s->taggings = tagging_cursor_begin(tagging, tagging_pkey, s->snapshot, policies);
	tag_reader_begin(&s->tags, s->snapshot, policies);
	s->pending = pending_begin(&s->tags, tagging, tagging_pkey, s->snapshot);

	/* the direct reads take no predicate locks: one on the table, for serializable transactions */
	PredicateLockRelation(tagging, s->snapshot);
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
		id_lookup_end(&s->posted_by_tag);
		table_close(s->posted, AccessShareLock);
	}
	tag_reader_end(&s->tags);
}

/* Does the tag have a posting that is not stale? */
static bool
posting_fresh(Searcher *s, int64 tag_id)
{
	if (s->posted == NULL)
	{
		s->posted = catalog_open_readable(TSREL_POSTED_TAG);
		id_lookup_init(&s->posted_by_tag, s->posted, TSREL_POSTED_TAG_PKEY, s->snapshot);
	}
	id_lookup(&s->posted_by_tag, tag_id);
	return id_lookup_next(&s->posted_by_tag) &&
		!DatumGetBool(catalog_slot_value(s->posted_by_tag.slot, TSREL_POSTED_TAG,
										 Anum_posted_tag_stale));
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
 * hi is NULL.  The first tag of
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
	int64		id;

	tag_reader_scan(&s->tags, lo, hi);
	while (tag_reader_next(&s->tags, &id))
	{
		CHECK_FOR_INTERRUPTS();
		if (set->n == 0 && q && tagpath_cmp_internal(tag_reader_key(&s->tags), lo) == 0)
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

/* Appends column 1 (tagging.entity_id) of every row of an open cursor. */
static void
collect_cursor(Portal portal, IdSet *set, int *cap)
{
	for (;;)
	{
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
			idset_append(set, cap, DatumGetInt64(catalog_spi_value(i, 1, TSREL_TAGGING,
																   Anum_tagging_entity_id)));
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

		collect_cursor(SPI_cursor_open(NULL, catalog_plan(s->policies ? TSQ_POLICY_TAGGINGS_WITH_DATA
														  : TSQ_TAGGINGS_WITH_DATA),
									   args, NULL, true),
					   set, cap);
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

/* A query tag: its key and the tags under it (none if the user may not read its taxonomy). */
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
	if (s->check_acl && !taxonomy_acl_key_readable(q->key))
		return;					/* a taxonomy the user may not read: as no tag */
	if (s->policies && descendants)
	{
		int64		id;

		/* a tag the policies hide is as no tag, though tags under it may show */
		tag_reader_scan(&s->tags, q->key, NULL);
		if (!tag_reader_next(&s->tags, &id))
			return;
	}

	/* a large subtree has its answer stored: posting.h */
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

		*set = posting_read(q->posted, q->key, s->pending);
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
 * Reading a tag's entities costs time per entity.  So with all tags wanted,
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

/* The ids of the tags in the subtree of key, sorted, in the result context; false if more than max. */
static bool
subtree_tags(Searcher *s, TagPath *key, int max, IdSet *tags)
{
	MemoryContext old = MemoryContextSwitchTo(s->resultcxt);
	bool		all = tag_reader_subtree(&s->tags, key, max, tags);

	MemoryContextSwitchTo(old);
	return all;
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
	/* through the executor, a skip is a statement: reading is cheaper */
	if (s->policies)
		return false;
	if (!t->is_posted && !idset_is_bitmap(set))
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
	 * Through the executor, where each read that goes on is a statement,
	 * the first is read whole.
	 */
	for (int limit = READ_FIRST; !known; limit = limit > PG_INT32_MAX / 4 ? -1 : limit * 4)
	{
		int			unposted = 0;

		for (int k = 0; k < n; k++)
			unposted += !q[k].is_posted;
		for (int k = 0; k < n && !known; k++)
		{
			if (!q[order[k]].is_posted &&
				read_into(s, &q[order[k]], unposted > 1 && !s->policies ? limit : -1, &result, &known))
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

/* The entities under a tag, read from the taggings, never from postings (inside SPI). */
IdSet
search_subtree_entities(TagPath *tag)
{
	Searcher	s;
	IdSet		set;

	/* a posting holds every tagging, whoever refreshes it: no policies, no privileges */
	searcher_init(&s, 0, false, CurrentMemoryContext);
	s.use_postings = false;
	s.check_acl = false;
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
void
search_require(bool isnull, const char *argname)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", argname)));
}

/*
 * The request of entities_with_all/any and their counts, from their SQL
 * arguments (SearchArg order): the name filters are left to the reading of
 * the rows.
 */
void
search_request_from_args(SearchRequest *req, const Datum *args, const bool *nulls, bool match_all)
{
	search_require(nulls[SEARCH_ARG_TAGS], "tags");
	search_require(nulls[SEARCH_ARG_DESCENDANTS], "include_descendants");
	memset(req, 0, sizeof(SearchRequest));
	req->tags = DatumGetArrayTypeP(args[SEARCH_ARG_TAGS]);
	req->match_all = match_all;
	req->descendants = DatumGetBool(args[SEARCH_ARG_DESCENDANTS]);
	req->exclude = nulls[SEARCH_ARG_EXCLUDE] ? NULL : DatumGetArrayTypeP(args[SEARCH_ARG_EXCLUDE]);
	req->entity_type = nulls[SEARCH_ARG_ENTITY_TYPE] ? NULL :
		DatumGetTextPP(args[SEARCH_ARG_ENTITY_TYPE]);
	req->prefix = nulls[SEARCH_ARG_EXTERNAL_ID_PREFIX] ? NULL :
		DatumGetTextPP(args[SEARCH_ARG_EXTERNAL_ID_PREFIX]);
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
 * The ids of the entities under all (match_all) or any of the tags, less
 * those under any tag of exclude.  With a data filter, only taggings whose
 * data contains it count for the tags; exclusions count all taggings.  The
 * name filters are not applied (search_entity_rows does).
 */
IdSet
search_entity_ids(const SearchRequest *req)
{
	Datum	   *elems,
			   *xelems = NULL;
	int			n,
				nx = 0;
	MemoryContext callercxt = CurrentMemoryContext;
	Searcher	s;
	IdSet	   *sets;
	IdSet		result;

	n = tag_array(req->tags, "tags", false, &elems);
	if (req->exclude)
		nx = tag_array(req->exclude, "exclude", true, &xelems);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	searcher_init(&s, req->data_filter, catalog_policies_apply(), callercxt);

	if (req->match_all && !req->data_filter)
	{
		QueryTag   *q = palloc(sizeof(QueryTag) * n);

		for (int i = 0; i < n; i++)
			resolve(&s, DatumGetTagPathP(elems[i]), req->descendants, &q[i]);
		result = entities_with_every(&s, q, n);
		MemoryContextSwitchTo(callercxt);
	}
	else
	{
		sets = palloc(sizeof(IdSet) * n);
		for (int i = 0; i < n; i++)
			sets[i] = entities_under(&s, DatumGetTagPathP(elems[i]), req->descendants);
		/* the sets live in the caller's context: SPI_finish frees SPI's */
		MemoryContextSwitchTo(callercxt);
		result = req->match_all ? intersect_all(sets, n) : idset_union(sets, n);
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
 * The search, ready to read the entities' rows that pass the name filters:
 * shared by the SQL functions (api.c) and the streaming scan (scan.c).
 */
EntityRows *
search_entity_rows(const SearchRequest *req)
{
	IdSet		result = search_entity_ids(req);

	return entity_rows_begin(&result, req->entity_type, req->prefix);
}
