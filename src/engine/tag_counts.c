/*
 * tag_counts.c
 *	  Every tag of some subtrees with its entity counts, in one pass over
 *	  their tags and taggings: the counts behind tags(), tree() and
 *	  search_tags().
 *
 * A tag's direct count is the number of its taggings; its total count the
 * number of distinct entities tagged with it or any tag below it.  Counting
 * each tag's subtree on its own costs the subtree's size per tag, and a
 * listing of a whole taxonomy the sum of all subtree sizes (depth times
 * taggings; a taxonomy scanned once per tag when the subtree is not found
 * by a range).  Here the cost is one read of the tags and their taggings,
 * whatever the shape of the tree:
 *
 *	1. The tags of the subtrees are read in key order from tag_key (each
 *	   subtree is a key range, types/tagpath.h), in one scan from the first
 *	   root to the end of the last one's subtree: where it reads a tag
 *	   between two roots' subtrees it descends again, to the next root.  So
 *	   roots next to each other (a taxonomy listed tag by tag) cost one
 *	   scan, and scattered ones a descent each.  Key order is depth-first
 *	   order: a tag comes right before its descendants.  A stack of the
 *	   current tag's ancestors gives each tag its parent: the nearest tag
 *	   read whose key is a proper prefix of its own.
 *	2. Their taggings are read from tagging_pkey (tag_id, entity_id), one
 *	   range per run of consecutive tag ids (a taxonomy imported in one go
 *	   is one run), each tag's entities kept together: the direct counts.
 *	3. Distinct entities, by marks.  In depth-first order, an entity's
 *	   taggings inside any one subtree are consecutive.  So give each
 *	   tagging +1 at its tag, and -1 at the lowest common ancestor of it and
 *	   the entity's previous tagging in that order (none if they share no
 *	   ancestor among the tags read).  Within the subtree of any tag v, the
 *	   entity's k taggings there get k marks of +1, and the k - 1 pairs of
 *	   consecutive ones have their common ancestor in the subtree too, while
 *	   every other pair has it above v or nowhere: the marks in v's subtree
 *	   add up to 1 for each entity under v, and to 0 for any other.  The tags
 *	   are visited in key order with the stack of ancestors of the current
 *	   one; the common ancestor of the current tag and an earlier one at
 *	   position j is the deepest tag on the stack at position j or before
 *	   (a binary search: the stack is in position order).  A hash table
 *	   holds each entity's latest position.
 *	4. Each tag's total is the sum of the marks in its subtree: one pass in
 *	   reverse key order adds each tag's sum to its parent's.
 *
 * The hash table ends up with every entity tagged under the roots: their
 * number is the count of the whole (a taxonomy's, for tree()).  The
 * listings (listings.c) ask for each tag's row as well, copied as step 1
 * reads it, so that they need no second read of the tags, and draw the
 * tree from the parents of step 1.
 *
 * Example: bio, bio.animal, bio.animal.cat, bio.animal.dog, bio.plant at
 * positions 0-4; entity E tagged cat, dog and plant, F tagged animal and
 * cat.  F at animal: +1 at animal.  E at cat: +1.  F at cat: +1, and -1 at
 * the ancestor of cat and animal (its previous tag), animal.  E at dog:
 * +1, -1 at animal (with cat).  E at plant: +1, -1 at bio (with dog).  Marks:
 * bio -1, animal -1, cat 2, dog 1, plant 1; sums: plant 1, dog 1, cat 2,
 * animal -1 + 2 + 1 = 2 (E, F), bio -1 + 2 + 1 = 2 (E, F).
 *
 * The roots are keys (case-folded paths): of tags, or of taxonomies (the
 * taxonomy's name alone), whose subtree is all its tags.  A root inside
 * another root's subtree adds nothing.  Tags and taggings are read past
 * the executor, as the search reads them (tag_reader.c, tagging_index.c),
 * in the active snapshot; through it when row-level security applies to
 * the caller (policy_rows.c), so that the counts are of what the policies
 * let the caller see.
 *
 * Limits: memory for every tag of the subtrees (id, parent, counts, where
 * its taggings start, its place in id order: about 60 bytes, and its row
 * if asked for) and every
 * tagging (8 bytes), and a hash entry (16 bytes, at most twice over) per
 * entity tagged under them; up to 2^31 - 1 tags.
 */
#include "postgres.h"

#include "access/table.h"
#include "storage/predicate.h"
#include "utils/snapmgr.h"

#include "catalog.h"
#include "tag_counts.h"
#include "tag_reader.h"
#include "tagging_index.h"

/* An entity's latest position in the pass, by entity id. */
typedef struct EntityLast
{
	int64		entity;
	int32		last;			/* position of the last tag it was seen at */
	char		status;			/* simplehash's */
} EntityLast;

/* murmur3's 64-bit finalizer, folded to 32 bits. */
static inline uint32
entity_hash(int64 id)
{
	uint64		h = (uint64) id;

	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32) h;
}

#define SH_PREFIX entity_last
#define SH_ELEMENT_TYPE EntityLast
#define SH_KEY_TYPE int64
#define SH_KEY entity
#define SH_HASH_KEY(tb, key) entity_hash(key)
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* A tag id with its position in key order, for reading taggings in id order. */
typedef struct IdPos
{
	int64		id;
	int32		pos;
} IdPos;

/* qsort comparator of root keys. */
static int
root_cmp(const void *a, const void *b)
{
	return tagpath_cmp_internal(*(TagPath *const *) a, *(TagPath *const *) b);
}

/* idpos_sort(): IdPos by id, a sort specialised at compile time */
#define ST_SORT idpos_sort
#define ST_ELEMENT_TYPE IdPos
#define ST_COMPARE(a, b) ((a)->id < (b)->id ? -1 : (a)->id > (b)->id)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Grows a huge array to hold at least need elements of size bytes each. */
static void *
grow(void *array, int64 *cap, int64 need, Size size)
{
	if (need <= *cap)
		return array;
	*cap = Max(need, *cap * 2);
	return array == NULL ? palloc_extended(*cap * size, MCXT_ALLOC_HUGE)
		: repalloc_huge(array, *cap * size);
}

/*
 * Step 1: the tags under the roots, in key order, each one's parent
 * position (or -1), and with_rows, each one's row.
 */
static void
read_tags(TagPath **roots, int nroots, Snapshot snapshot, bool policies, bool with_rows,
		  TagCounts *out)
{
	TagReader	reader;
	int64		cap = 0;
	int32	   *parent = NULL;
	int32	   *stack = NULL;		/* positions of the ancestors of the tag read */
	TagPath   **stack_keys = NULL;	/* their keys, a buffer per depth */
	int		   *stack_room = NULL;	/* the buffers' sizes */
	int			stack_cap = 0;

	tag_reader_begin(&reader, snapshot, policies);
	if (with_rows)
		out->desc = CreateTupleDescCopy(RelationGetDescr(reader.tag));
	if (nroots > 0)
	{
		TagPath    *end = tagpath_subtree_upper(roots[nroots - 1]);
		TagPath    *upper = tagpath_subtree_upper(roots[0]);	/* of root r's subtree */
		int			r = 0;
		int			depth = 0;
		int64		id;

		tag_reader_scan(&reader, roots[0], end);
		while (tag_reader_next(&reader, &id))
		{
			TagPath    *key = tag_reader_key(&reader);
			int			len = VARSIZE_ANY(key);

			CHECK_FOR_INTERRUPTS();
			/* past root r's subtree: on to the first root whose subtree does not end before it */
			while (tagpath_cmp_internal(key, upper) >= 0 && ++r < nroots)
			{
				pfree(upper);
				upper = tagpath_subtree_upper(roots[r]);
			}
			if (r == nroots)
				break;
			if (tagpath_cmp_internal(key, roots[r]) < 0)
			{
				/* between two roots' subtrees: descend again, to the next root */
				tag_reader_scan(&reader, roots[r], end);
				continue;
			}
			while (depth > 0 && !tagpath_is_ancestor(stack_keys[depth - 1], key))
				depth--;
			if (out->n == INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many tags to count")));
			if (out->n >= cap)
			{
				int64		c = cap;

				out->ids = grow(out->ids, &c, out->n + 1, sizeof(int64));
				if (with_rows)
				{
					c = cap;
					out->rows = grow(out->rows, &c, out->n + 1, sizeof(HeapTuple));
				}
				parent = grow(parent, &cap, out->n + 1, sizeof(int32));
				Assert(c == cap);
			}
			out->ids[out->n] = id;
			parent[out->n] = depth > 0 ? stack[depth - 1] : -1;
			if (with_rows)
				out->rows[out->n] = tag_reader_row(&reader);

			/* push it: its key copied into the buffer of its depth */
			if (depth == stack_cap)
			{
				int			c = Max(16, stack_cap * 2);

				stack = stack ? repalloc(stack, c * sizeof(int32)) : palloc(c * sizeof(int32));
				stack_keys = stack_keys ? repalloc(stack_keys, c * sizeof(TagPath *))
					: palloc(c * sizeof(TagPath *));
				stack_room = stack_room ? repalloc(stack_room, c * sizeof(int))
					: palloc(c * sizeof(int));
				for (int i = stack_cap; i < c; i++)
				{
					stack_keys[i] = NULL;
					stack_room[i] = 0;
				}
				stack_cap = c;
			}
			if (stack_room[depth] < len)
			{
				stack_room[depth] = Max(len, 64);
				stack_keys[depth] = stack_keys[depth] ? repalloc(stack_keys[depth], stack_room[depth])
					: palloc(stack_room[depth]);
			}
			memcpy(stack_keys[depth], key, len);
			stack[depth++] = out->n++;
		}
	}
	tag_reader_end(&reader);
	out->parent = parent;
}

/*
 * Step 2: the taggings of the tags read, each tag's entities together from
 * (*start)[pos], (out->direct)[pos] of them.  Returns the entities, and
 * their number in *count.
 */
static int64 *
read_taggings(TagCounts *out, Snapshot snapshot, bool policies, int64 **start_out, int64 *count)
{
	Relation	heap = catalog_open_readable(TSREL_TAGGING);
	Relation	index = catalog_open(TSREL_TAGGING_PKEY, AccessShareLock);
	TaggingCursor *cursor = tagging_cursor_begin(heap, index, snapshot, policies);
	IdPos	   *byid = palloc_extended(sizeof(IdPos) * Max(out->n, 1), MCXT_ALLOC_HUGE);
	int64	   *start = palloc_extended(sizeof(int64) * Max(out->n, 1), MCXT_ALLOC_HUGE);
	int64	   *entities = NULL;
	int64		nentities = 0;
	int64		cap = 0;

	/* the tagging reads take no predicate locks: one on the table, as the search takes */
	PredicateLockRelation(heap, snapshot);

	for (int i = 0; i < out->n; i++)
	{
		byid[i].id = out->ids[i];
		byid[i].pos = i;
	}
	idpos_sort(byid, out->n);

	/* one range of tagging_pkey per run of consecutive tag ids */
	for (int k = 0; k < out->n;)
	{
		int			end = k;
		int64		tag,
					entity;

		while (end + 1 < out->n && byid[end + 1].id == byid[end].id + 1)
			end++;
		tagging_cursor_seek(cursor, byid[k].id, false, 0, byid[end].id, false, 0);
		while (tagging_cursor_next(cursor, &tag, &entity))
		{
			int32		pos;

			CHECK_FOR_INTERRUPTS();
			/* the run's ids are consecutive: the tag's index in byid follows from its id */
			pos = byid[k + (tag - byid[k].id)].pos;
			if (out->direct[pos]++ == 0)
				start[pos] = nentities;
			entities = grow(entities, &cap, nentities + 1, sizeof(int64));
			entities[nentities++] = entity;
		}
		k = end + 1;
	}
	tagging_cursor_end(cursor);
	index_close(index, AccessShareLock);
	table_close(heap, AccessShareLock);
	pfree(byid);
	*start_out = start;
	*count = nentities;
	return entities;
}

/*
 * The tags of the subtrees of roots (keys) with their parents, direct and
 * total counts, and with_rows their rows, in key order, and the counts of
 * the whole, in the current memory context.  Sorts roots.
 */
TagCounts
tag_counts(TagPath **roots, int nroots, bool with_rows)
{
	Snapshot	snapshot = GetActiveSnapshot();
	bool		policies = catalog_policies_apply();
	TagCounts	out = {0};
	TagPath   **kept = palloc(sizeof(TagPath *) * Max(nroots, 1));
	int			nkept = 0;
	int32	   *parent;
	int64	   *start;
	int64	   *entities;
	int64	   *mark;
	int32	   *stack;
	int			depth = 0;
	entity_last_hash *last;

	/* the roots in key order, without those inside another's subtree */
	qsort(roots, nroots, sizeof(TagPath *), root_cmp);
	for (int i = 0; i < nroots; i++)
	{
		if (TAGPATH_LEN(roots[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an empty path names no subtree")));
		if (nkept == 0 || !tagpath_is_ancestor(kept[nkept - 1], roots[i]))
			kept[nkept++] = roots[i];
	}

	read_tags(kept, nkept, snapshot, policies, with_rows, &out);
	parent = out.parent;
	out.direct = palloc_extended(sizeof(int64) * Max(out.n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	out.total = palloc_extended(sizeof(int64) * Max(out.n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (out.n == 0)
		return out;
	entities = read_taggings(&out, snapshot, policies, &start, &out.taggings);

	/* step 3: the marks, in key order, with the stack of the current tag's ancestors */
	mark = out.total;
	stack = palloc(sizeof(int32) * out.n);
	/* room for as many entities as taggings, up to a size that grows if need be */
	last = entity_last_create(CurrentMemoryContext, Min(out.taggings, 65536), NULL);
	for (int i = 0; i < out.n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		while (depth > 0 && stack[depth - 1] != parent[i])
			depth--;
		stack[depth++] = i;
		for (int64 t = 0; t < out.direct[i]; t++)
		{
			bool		found;
			EntityLast *e = entity_last_insert(last, entities[start[i] + t], &found);

			mark[i]++;
			if (found)
			{
				/* the deepest ancestor on the stack at or before the previous position */
				int			lo = 0,
							hi = depth;

				while (lo < hi)
				{
					int			mid = (lo + hi) / 2;

					if (stack[mid] <= e->last)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (lo > 0)
					mark[stack[lo - 1]]--;
			}
			e->last = i;
		}
	}

	out.entities = last->members;

	/* step 4: each tag's marks summed over its subtree, children before parents */
	for (int i = out.n - 1; i >= 0; i--)
		if (parent[i] >= 0)
			out.total[parent[i]] += out.total[i];

	entity_last_destroy(last);
	pfree(stack);
	pfree(start);
	if (entities)
		pfree(entities);
	pfree(kept);
	return out;
}
