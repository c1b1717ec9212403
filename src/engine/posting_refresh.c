/*
 * posting_refresh.c
 *	  tagstore.refresh_postings(): the pending changes folded into the
 *	  postings, the posted tags chosen again, and stale and new postings
 *	  built (see posting.h).
 *
 * It runs in one transaction and deletes exactly the change rows it
 * applied.  Taggings go on meanwhile, so the order matters:
 *
 *	1. its locks: tag in SHARE mode (no tag moves or deletions meanwhile,
 *	   and one refresh at a time with posted_tag's lock); taggings go on;
 *	2. then one snapshot, in which it reads the change rows it will fold
 *	   in and delete, recounts their tags, and reads the taggings it builds
 *	   stale and new postings from;
 *	3. folding a change in reads the entity's taggings in that snapshot or
 *	   a later one; a change made after the snapshot keeps its row, so
 *	   readers decide it themselves until the next refresh.
 *
 * Folding in: for each changed entity, the posted ancestors of its changed
 * tags are the postings to fix, and the posted ancestors of the tags it
 * carries now say which of them it belongs to; each posting touched is
 * then loaded, fixed and written once.
 *
 * Example: T = Biology.animal posted as {1, 7}; entity 9 is tagged with
 * Biology.animal.mammal and entity 7 untagged: posting_change holds
 * (mammal, 9) and (animal, 7).  Entity 9 now carries mammal, under T: 9
 * joins; entity 7 carries nothing under T: 7 leaves.  T is written as
 * {1, 9} and both change rows are deleted.
 *
 * Choosing the posted tags: a tag is posted when its subtree costs at
 * least min_taggings taggings to read without a posting: its taggings,
 * and for each run of consecutive tag ids in it, one index range to
 * descend, as much as RUN_COST taggings (see read_cost).  A taxonomy
 * imported depth first has one run a subtree; tags created one by one
 * over years have a run each, and a subtree of a hundred of them with few
 * taggings is as slow to read as one of thousands in one run.
 * tagging_count keeps each tag's own taggings as of the last refresh; a
 * refresh recounts the tags its changes name (one index range each) and
 * adds the subtrees up over the tree as it stands, so a subtree that grew,
 * or that moves gathered under one tag, is posted by the next refresh, and
 * one that fell below half the threshold loses its posting (half: a
 * subtree near the threshold is not posted and dropped by turns).
 * rebuild => true counts every tag and posts exactly the subtrees at the
 * threshold.  The threshold given last is kept in
 * posting_setting, so the writers' background refreshes keep to it.
 *
 * Limits: the tag tree (a few words per tag) and the changes are held in
 * memory; a refresh locks the tag table against writes (not against
 * taggings) while it runs.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "catalog.h"
#include "posting.h"
#include "search.h"

/* The threshold when none was ever given (refresh_postings' min_taggings). */
#define DEFAULT_MIN_TAGGINGS 2000

/* An int8[] of the given Datums. */
static Datum
int64_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
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
	int		   *down;			/* indexes with every tag after its parent (parents_first) */
	bool	   *posted;			/* has a posted_tag row, fresh or stale */
	int64	   *taggings;		/* its own taggings, as tagging_count holds them, then counted */
	int			counted;		/* tags that tagging_count holds a count of */
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

/*
 * The tags' indexes with every tag after its parent: breadth first from
 * the roots, by the parent links alone (sorting by key would give such an
 * order too, at the cost of comparing paths).  A tag whose parent is not in
 * the tree counts as a root.  Parent links in a cycle (which tagstore's
 * writes cannot make, but a direct UPDATE can) are an error: no order
 * exists, and the walks up the tree would not end.
 */
static int *
parents_first(const TagTree *tree)
{
	int			n = tree->n;
	int		   *order = palloc(sizeof(int) * Max(n, 1));
	int		   *first = palloc0(sizeof(int) * (n + 1));	/* i's children: children[first[i] ..
														 * first[i + 1]) */
	int		   *next = palloc(sizeof(int) * Max(n, 1));
	int		   *children = palloc(sizeof(int) * Max(n, 1));
	int			tail = 0;

	for (int i = 0; i < n; i++)
		if (tree->parent[i] >= 0)
			first[tree->parent[i] + 1]++;
	for (int i = 0; i < n; i++)
		first[i + 1] += first[i];
	memcpy(next, first, sizeof(int) * n);
	for (int i = 0; i < n; i++)
		if (tree->parent[i] >= 0)
			children[next[tree->parent[i]]++] = i;
	for (int i = 0; i < n; i++)
		if (tree->parent[i] < 0)
			order[tail++] = i;
	for (int head = 0; head < tail; head++)
		for (int c = first[order[head]]; c < first[order[head] + 1]; c++)
			order[tail++] = children[c];
	if (tail < n)
	{
		bool	   *reached = palloc0(sizeof(bool) * n);
		int			i = 0;

		for (int k = 0; k < tail; k++)
			reached[order[k]] = true;
		while (reached[i])
			i++;
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the parent links of tagstore.tag form a cycle, through the tag with id " INT64_FORMAT,
						tree->ids[i]),
				 errhint("tagstore.verify() lists the tags whose path is not their parent's; set their parent_id right.")));
	}
	pfree(first);
	pfree(next);
	pfree(children);
	return order;
}

/* Does the database keep tagging_count and posting_setting (one still at 1.0 does not)? */
static bool
counts_kept(void)
{
	return OidIsValid(catalog_relid(TSREL_TAGGING_COUNT)) &&
		OidIsValid(catalog_relid(TSREL_POSTING_SETTING));
}

static TagTree
tree_load(void)
{
	TagTree		tree;
	int64	   *parents;
	bool	   *root;
	bool	   *fresh;

	/* in id order, with tagging_count's counts if the database keeps them */
	catalog_execute(counts_kept() ? TSQ_TAG_TREE_COUNTED : TSQ_TAG_TREE, NULL, NULL, false, 0);
	tree.n = (int) SPI_processed;
	tree.ids = palloc(sizeof(int64) * Max(tree.n, 1));
	tree.parent = palloc(sizeof(int) * Max(tree.n, 1));
	tree.nearest = palloc(sizeof(int) * Max(tree.n, 1));
	parents = palloc(sizeof(int64) * Max(tree.n, 1));
	root = palloc(sizeof(bool) * Max(tree.n, 1));
	fresh = palloc(sizeof(bool) * Max(tree.n, 1));
	tree.posted = palloc(sizeof(bool) * Max(tree.n, 1));
	tree.taggings = palloc0(sizeof(int64) * Max(tree.n, 1));
	tree.counted = 0;
	for (int i = 0; i < tree.n; i++)
	{
		bool		isnull;
		Datum		parent = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);

		tree.ids[i] = DatumGetInt64(catalog_spi_value(i, 1, TSREL_TAG, Anum_tag_id));
		/* a root's parent is NULL (every bigint may be an id: none stands for "none") */
		root[i] = isnull;
		parents[i] = isnull ? 0 : DatumGetInt64(parent);
		fresh[i] = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull));
		tree.posted[i] = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4, &isnull));
		if (SPI_tuptable->tupdesc->natts > 4)
		{
			Datum		count = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 5, &isnull);

			tree.taggings[i] = isnull ? 0 : DatumGetInt64(count);
			tree.counted += !isnull;
		}
	}
	SPI_freetuptable(SPI_tuptable);
	for (int i = 0; i < tree.n; i++)
		tree.parent[i] = root[i] ? -1 : tree_find(&tree, parents[i]);
	tree.down = parents_first(&tree);
	for (int k = 0; k < tree.n; k++)
	{
		int			i = tree.down[k];
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

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
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

/* (entity, tag) pairs, sorted by entity: changed taggings, or taggings carried now. */
typedef struct Changes
{
	int			n;
	int64	   *entity;
	int64	   *tag;
} Changes;

/*
 * The pairs of the last SPI result's first two columns (entity_id, tag_id),
 * which are rel's columns entity_att and tag_att (named by the error for a NULL).
 */
static Changes
read_pairs(TagstoreRel rel, AttrNumber entity_att, AttrNumber tag_att)
{
	Changes		c;

	c.n = (int) SPI_processed;
	c.entity = palloc(sizeof(int64) * Max(c.n, 1));
	c.tag = palloc(sizeof(int64) * Max(c.n, 1));
	for (int i = 0; i < c.n; i++)
	{
		c.entity[i] = DatumGetInt64(catalog_spi_value(i, 1, rel, entity_att));
		c.tag[i] = DatumGetInt64(catalog_spi_value(i, 2, rel, tag_att));
	}
	SPI_freetuptable(SPI_tuptable);
	return c;
}

/* Phase 1: the distinct changes at ctids, sorted by entity. */
static Changes
changes_at(Datum ctids)
{
	catalog_execute(TSQ_CHANGES_AT, &ctids, NULL, false, 0);
	return read_pairs(TSREL_POSTING_CHANGE, Anum_posting_change_entity_id, Anum_posting_change_tag_id);
}

/* Phase 2: the taggings the changed entities carry now, by entity. */
static Changes
taggings_now(const Changes *changed)
{
	Datum	   *entities = palloc(sizeof(Datum) * Max(changed->n, 1));
	int			nentities = 0;

	for (int i = 0; i < changed->n; i++)
		if (i == 0 || changed->entity[i] != changed->entity[i - 1])
			entities[nentities++] = Int64GetDatum(changed->entity[i]);
	catalog_execute(TSQ_TAGGINGS_OF_ENTITIES, (Datum[]) {int64_array(entities, nentities)},
					NULL, false, 0);
	return read_pairs(TSREL_TAGGING, Anum_tagging_entity_id, Anum_tagging_tag_id);
}

/* The posted tags (tree indexes, sorted) that the taggings now[*j..] of entity e are under. */
static int
posted_now(const TagTree *tree, const Changes *now, int *j, int64 e, int **out, int *cap, int *above)
{
	int			n = 0;

	while (*j < now->n && now->entity[*j] < e)
		(*j)++;
	for (; *j < now->n && now->entity[*j] == e; (*j)++)
	{
		int			na = posted_above(tree, now->tag[*j], above, 0);

		if (n + na > *cap)
		{
			*cap = Max(*cap * 2, n + na + 16);
			*out = *out ? repalloc(*out, sizeof(int) * *cap) : palloc(sizeof(int) * *cap);
		}
		memcpy(*out + n, above, sizeof(int) * na);
		n += na;
	}
	if (n > 1)
		qsort(*out, n, sizeof(int), cmp_int);
	return n;
}

/*
 * Phase 3: the posting bits to set.  For each changed entity, the posted
 * ancestors of its changed tags are the postings to fix, and the posted
 * ancestors of the tags it carries now say which of them it belongs to.
 */
static Membership *
memberships(const TagTree *tree, const Changes *changed, const Changes *now, int *nbits)
{
	int			bitscap = 1024;
	Membership *bits = palloc(sizeof(Membership) * bitscap);
	int		   *above = palloc(sizeof(int) * (tree->n + 1));	/* a tag's posted ancestors */
	int		   *under = NULL;	/* the posted tags the entity is under now */
	int			undercap = 0;
	int			j = 0;

	*nbits = 0;
	for (int i = 0; i < changed->n;)
	{
		int64		e = changed->entity[i];
		int			nunder = posted_now(tree, now, &j, e, &under, &undercap, above);

		for (; i < changed->n && changed->entity[i] == e; i++)
		{
			int			na = posted_above(tree, changed->tag[i], above, 0);

			for (int x = 0; x < na; x++)
			{
				if (*nbits == bitscap)
				{
					bitscap *= 2;
					bits = repalloc_huge(bits, sizeof(Membership) * bitscap);
				}
				bits[*nbits].tag = above[x];
				bits[*nbits].entity = e;
				bits[*nbits].member = nunder > 0 &&
					bsearch(&above[x], under, nunder, sizeof(int), cmp_int) != NULL;
				(*nbits)++;
			}
		}
	}
	return bits;
}

/* Phase 4: each posting touched loaded, its bits set, and written once. */
static void
rewrite_postings(const TagTree *tree, Membership *bits, int nbits)
{
	int64	   *adds = palloc_extended(sizeof(int64) * Max(nbits, 1), MCXT_ALLOC_HUGE);
	int64	   *removes = palloc_extended(sizeof(int64) * Max(nbits, 1), MCXT_ALLOC_HUGE);

	qsort(bits, nbits, sizeof(Membership), cmp_membership);
	for (int i = 0; i < nbits;)
	{
		int			tag = bits[i].tag;
		IdSet		set = posting_load(tree->ids[tag], false);
		int			nadds = 0,
					nremoves = 0;
		int			k;

		for (k = i; k < nbits && bits[k].tag == tag; k++)
		{
			if (bits[k].member)
				adds[nadds++] = bits[k].entity;
			else
				removes[nremoves++] = bits[k].entity;
		}
		idset_apply(&set, adds, nadds, removes, nremoves);
		posting_write(tree->ids[tag], &set);
		idset_free(&set);
		i = k;
	}
}

/* Folds the changes into the fresh postings above them. */
static void
apply_changes(const TagTree *tree, const Changes *changed)
{
	Changes		now = taggings_now(changed);
	int			nbits;
	Membership *bits = memberships(tree, changed, &now, &nbits);

	rewrite_postings(tree, bits, nbits);
}

/*
 * Sets the counts of the last SPI result's rows (tag_id, taggings) in the
 * tree (tags not in it are gone), and returns the tags among them with
 * taggings, and their counts, as Datums for tagging_count (in *counts).
 */
static int
tree_set_counts(TagTree *tree, TagstoreRel rel, AttrNumber tag_att, Datum **tags, Datum **counts)
{
	int			n = 0;

	*tags = palloc(sizeof(Datum) * Max(SPI_processed, 1));
	*counts = palloc(sizeof(Datum) * Max(SPI_processed, 1));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		int64		tag = DatumGetInt64(catalog_spi_value(r, 1, rel, tag_att));
		int64		count = spi_int64(r, 2);
		int			i = tree_find(tree, tag);

		if (i >= 0)
			tree->taggings[i] = count;
		if (i >= 0 && count > 0)
		{
			(*tags)[n] = Int64GetDatum(tag);
			(*counts)[n++] = Int64GetDatum(count);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	return n;
}

/*
 * The tags' own taggings, into the tree, counted in the refresh's
 * snapshot: with all (or when tagging_count holds none of the tags: never
 * counted, or emptied by a TRUNCATE of tagging) every tag counted afresh;
 * else tagging_count's counts as tree_load read them, with the changes'
 * tags recounted.  What is counted is kept in tagging_count, except in a
 * database still at 1.0, which has none.
 */
static void
tree_count(TagTree *tree, const Changes *changed, bool all)
{
	Datum	   *tags;
	Datum	   *counts;
	int			n;

	if (all || tree->counted == 0 || !counts_kept())
	{
		memset(tree->taggings, 0, sizeof(int64) * tree->n);
		catalog_execute(TSQ_TAGGING_COUNTS, NULL, NULL, true, 0);
		n = tree_set_counts(tree, TSREL_TAGGING, Anum_tagging_tag_id, &tags, &counts);
		if (!counts_kept())
			return;
		catalog_execute(TSQ_COUNTS_CLEAR, NULL, NULL, false, 0);
	}
	else
	{
		/* the changes' distinct tags: their counts are forgotten, then set again */
		int64	   *sorted = palloc(sizeof(int64) * Max(changed->n, 1));
		Datum	   *changed_tags = palloc(sizeof(Datum) * Max(changed->n, 1));
		int			nchanged = 0;

		memcpy(sorted, changed->tag, sizeof(int64) * changed->n);
		qsort(sorted, changed->n, sizeof(int64), cmp_int64);
		for (int i = 0; i < changed->n; i++)
			if (i == 0 || sorted[i] != sorted[i - 1])
				changed_tags[nchanged++] = Int64GetDatum(sorted[i]);
		if (nchanged == 0)
			return;
		catalog_execute(TSQ_TAGGING_COUNTS_OF, (Datum[]) {int64_array(changed_tags, nchanged)},
						NULL, true, 0);
		n = tree_set_counts(tree, TSREL_TAGGING, Anum_tagging_tag_id, &tags, &counts);
		catalog_execute(TSQ_COUNTS_FORGET, (Datum[]) {int64_array(changed_tags, nchanged)},
						NULL, false, 0);
	}
	if (n > 0)
		catalog_execute(TSQ_COUNTS_SET, (Datum[]) {int64_array(tags, n), int64_array(counts, n)},
						NULL, false, 0);
}

/*
 * The runs of consecutive tag ids in each tag's subtree, for read_cost.
 * Tag d starts a run in the subtree of T when the tag with d's id less one
 * is not in it: in the subtrees of d and its ancestors below their lowest
 * common ancestor with that tag (all of them when there is none).  So d
 * marks +1 on itself and -1 on that ancestor, and a subtree's runs are the
 * sum of the marks in it (summed children first, as choose_posted does).
 */
static int64 *
subtree_runs(const TagTree *tree)
{
	int64	   *runs = palloc0(sizeof(int64) * Max(tree->n, 1));
	int		   *depth = palloc(sizeof(int) * Max(tree->n, 1));

	for (int k = 0; k < tree->n; k++)
	{
		int			i = tree->down[k];

		depth[i] = tree->parent[i] < 0 ? 0 : depth[tree->parent[i]] + 1;
	}
	for (int i = 0; i < tree->n; i++)
	{
		int			a = i,
					b = i - 1;	/* ids are sorted: the previous id, if it is one less */

		runs[i]++;
		if (i == 0 || tree->ids[i - 1] != tree->ids[i] - 1)
			continue;
		while (a >= 0 && b >= 0 && a != b)
		{
			if (depth[a] >= depth[b])
				a = tree->parent[a];
			else
				b = tree->parent[b];
		}
		if (a >= 0 && a == b)
			runs[a]--;
	}
	for (int k = tree->n - 1; k >= 0; k--)
	{
		int			i = tree->down[k];

		if (tree->parent[i] >= 0)
			runs[tree->parent[i]] += runs[i];
	}
	pfree(depth);
	return runs;
}

/*
 * What reading a subtree without a posting costs, in taggings: a search
 * reads one range of tagging_pkey per run of consecutive tag ids (a
 * taxonomy imported depth first is one run a subtree; tags created one by
 * one over time make a run each), and a range's descent costs about as
 * much as reading RUN_COST taggings.
 */
#define RUN_COST 16

static inline int64
read_cost(int64 taggings, int64 runs)
{
	return taggings + RUN_COST * runs;
}

/*
 * Chooses the posted tags by what their subtrees cost to read: those that
 * cost min_taggings or more (see read_cost); a posted tag also stays while
 * its subtree costs half of that, unless afresh (every posting was
 * cleared).  New ones are added stale, for rebuild_stale to build.  Tags
 * are summed children first, so that a tag's total is complete when
 * reached.
 */
static void
choose_posted(const TagTree *tree, int min_taggings, bool afresh)
{
	int64	   *totals = palloc(sizeof(int64) * Max(tree->n, 1));
	int64	   *runs = subtree_runs(tree);
	Datum	   *added = palloc(sizeof(Datum) * Max(tree->n, 1));
	Datum	   *dropped = palloc(sizeof(Datum) * Max(tree->n, 1));
	int			nadded = 0,
				ndropped = 0;

	memcpy(totals, tree->taggings, sizeof(int64) * tree->n);
	for (int k = tree->n - 1; k >= 0; k--)
	{
		int			i = tree->down[k];
		bool		posted = tree->posted[i] && !afresh;
		int64		cost;
		bool		wanted;

		if (tree->parent[i] >= 0)
			totals[tree->parent[i]] += totals[i];
		/* a subtree without taggings is not worth a posting, however scattered */
		cost = totals[i] == 0 ? 0 : read_cost(totals[i], runs[i]);
		wanted = cost >= min_taggings || (posted && cost * 2 >= min_taggings);
		if (wanted && !posted)
			added[nadded++] = Int64GetDatum(tree->ids[i]);
		else if (!wanted && posted)
			dropped[ndropped++] = Int64GetDatum(tree->ids[i]);
	}
	if (ndropped > 0)
		catalog_execute(TSQ_POSTED_REMOVE, (Datum[]) {int64_array(dropped, ndropped)}, NULL, false, 0);
	if (nadded > 0)
		catalog_execute(TSQ_POSTED_ADD, (Datum[]) {int64_array(added, nadded)}, NULL, false, 0);
}

/* The threshold: the one given (and kept), else the one kept, else 2,000. */
static int
min_taggings_of(bool given, int32 min_taggings)
{
	if (!counts_kept())
		return given ? min_taggings : DEFAULT_MIN_TAGGINGS;
	if (given)
	{
		catalog_execute(TSQ_MIN_TAGGINGS_SET, (Datum[]) {Int32GetDatum(min_taggings)}, NULL, false, 0);
		return min_taggings;
	}
	catalog_execute(TSQ_MIN_TAGGINGS, NULL, NULL, true, 0);
	min_taggings = SPI_processed == 0 ? DEFAULT_MIN_TAGGINGS :
		DatumGetInt32(catalog_spi_value(0, 1, TSREL_POSTING_SETTING, Anum_posting_setting_min_taggings));
	SPI_freetuptable(SPI_tuptable);
	return min_taggings;
}

/* Rebuilds every stale posting from the taggings, deepest first. */
static void
rebuild_stale(void)
{
	int			n;
	int64	   *ids;
	TagPath   **keys;
	MemoryContext each = AllocSetContextCreate(CurrentMemoryContext, "tagstore posting",
											   ALLOCSET_DEFAULT_SIZES);

	catalog_execute(TSQ_STALE_POSTED, NULL, NULL, false, 0);
	n = (int) SPI_processed;
	ids = palloc(sizeof(int64) * Max(n, 1));
	keys = palloc(sizeof(TagPath *) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		ids[i] = DatumGetInt64(catalog_spi_value(i, 1, TSREL_POSTED_TAG, Anum_posted_tag_tag_id));
		keys[i] = DatumGetTagPathP(datumCopy(catalog_spi_value(i, 2, TSREL_TAG, Anum_tag_key),
											 false, -1));
	}
	SPI_freetuptable(SPI_tuptable);

	for (int i = 0; i < n; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(each);
		IdSet		set = search_subtree_entities(keys[i]);

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
 * folds the pending changes into the postings, chooses the posted tags
 * again (see the header comment) and builds stale and newly posted ones.
 * With rebuild, it deletes every posting row first, counts every tag, and
 * writes each posting from the taggings alone: whatever the postings held,
 * or the change log lost, this repairs.  min_taggings NULL is the
 * threshold given last.  Returns the number of changes folded in.
 */
PG_FUNCTION_INFO_V1(tagstore_refresh_postings);
Datum
tagstore_refresh_postings(PG_FUNCTION_ARGS)
{
	bool		rebuild = PG_ARGISNULL(0) ? false : PG_GETARG_BOOL(0);
	bool		min_given = !PG_ARGISNULL(1);
	int32		min_taggings = min_given ? PG_GETARG_INT32(1) : 0;
	Datum		ctids;
	bool		isnull;
	int64		folded;
	TagTree		tree;
	Changes		changed = {0};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rebuild must not be NULL")));
	if (min_given && min_taggings < 1)
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
	catalog_execute(TSQ_LOCK_TAG, NULL, NULL, false, 0);
	catalog_execute(TSQ_LOCK_POSTED_TAG, NULL, NULL, false, 0);
	/* a snapshot taken after the locks, for the reads that use the active one */
	PushActiveSnapshot(GetTransactionSnapshot());
	min_taggings = min_taggings_of(min_given, min_taggings);

	/*
	 * Exactly the changes this refresh accounts for: later ones stay pending.
	 * Read in the snapshot that stale postings are rebuilt from (and no later
	 * than the one apply_changes reads taggings in): a change committed after
	 * it would be deleted below without being in the rebuilt posting.
	 */
	catalog_execute(TSQ_CHANGES_ALL, NULL, NULL, true, 0);
	ctids = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	folded = spi_int64(0, 2);

	if (rebuild)
	{
		/* every posting row goes, even one whose tag is not posted (verify.c reports those) */
		catalog_execute(TSQ_POSTING_CLEAR, NULL, NULL, false, 0);
		catalog_execute(TSQ_POSTED_CLEAR, NULL, NULL, false, 0);
		tree = tree_load();
		tree_count(&tree, NULL, true);
		choose_posted(&tree, min_taggings, true);
	}
	else
	{
		tree = tree_load();
		if (folded > 0)
		{
			changed = changes_at(ctids);
			apply_changes(&tree, &changed);
		}
		/* a database still at 1.0 keeps no counts: its posted tags stay those rebuild chose */
		if (counts_kept())
		{
			tree_count(&tree, &changed, false);
			choose_posted(&tree, min_taggings, false);
		}
	}
	rebuild_stale();
	if (folded > 0)
		catalog_execute(TSQ_CHANGES_DELETE, &ctids, NULL, false, 0);
	PopActiveSnapshot();
	SPI_finish();
	PG_RETURN_INT64(folded);
}
