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
 * Which tags are posted is chosen in posting_choice.c, from the tree that
 * tree_load reads here.
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

static TagTree
tree_load(void)
{
	TagTree		tree;
	int64	   *parents;
	bool	   *root;
	bool	   *fresh;

	/* in id order, with tagging_count's counts if the database keeps them */
	catalog_execute(posting_counts_kept() ? TSQ_TAG_TREE_COUNTED : TSQ_TAG_TREE, NULL, NULL, false, 0);
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
		tree.parent[i] = root[i] ? -1 : tag_tree_find(&tree, parents[i]);
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
	int			i = tag_tree_find(tree, id);

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
	/* a posting and a count hold every tagging: what policies hide from the caller too */
	catalog_refuse_policies("tagstore.refresh_postings()");
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
	min_taggings = posting_min_taggings(min_given, min_taggings);

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
		posting_count_tags(&tree, NULL, 0, true);
		posting_choose(&tree, min_taggings, true);
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
		if (posting_counts_kept())
		{
			posting_count_tags(&tree, changed.tag, changed.n, false);
			posting_choose(&tree, min_taggings, false);
		}
	}
	rebuild_stale();
	if (folded > 0)
		catalog_execute(TSQ_CHANGES_DELETE, &ctids, NULL, false, 0);
	PopActiveSnapshot();
	SPI_finish();
	PG_RETURN_INT64(folded);
}
