/*
 * posting_choice.c
 *	  Which tags refresh_postings posts: each tag's taggings counted and
 *	  kept, and each subtree's cost to read without a posting.
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
 * threshold.  The threshold given last is kept in posting_setting, so the
 * writers' background refreshes keep to it.
 *
 * Example: with min_taggings 2,000, a subtree of 150 tags imported in one
 * go (one run) with 1,900 taggings costs 1,916 and is not posted; the same
 * subtree grown over years, its tags created among others' (150 runs),
 * costs 1,900 + 16 x 150 = 4,300 and is.
 */
#include "postgres.h"

#include "catalog.h"
#include "posting.h"

/* The threshold when none was ever given (refresh_postings' min_taggings). */
#define DEFAULT_MIN_TAGGINGS 2000

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Does the database keep tagging_count and posting_setting (one still at 1.0 does not)? */
bool
posting_counts_kept(void)
{
	return OidIsValid(catalog_relid(TSREL_TAGGING_COUNT)) &&
		OidIsValid(catalog_relid(TSREL_POSTING_SETTING));
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
		int			i = tag_tree_find(tree, tag);

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
void
posting_count_tags(TagTree *tree, const int64 *changed_tags, int nchanged, bool all)
{
	Datum	   *tags;
	Datum	   *counts;
	int			n;

	if (all || tree->counted == 0 || !posting_counts_kept())
	{
		memset(tree->taggings, 0, sizeof(int64) * tree->n);
		catalog_execute(TSQ_TAGGING_COUNTS, NULL, NULL, true, 0);
		n = tree_set_counts(tree, TSREL_TAGGING, Anum_tagging_tag_id, &tags, &counts);
		if (!posting_counts_kept())
			return;
		catalog_execute(TSQ_COUNTS_CLEAR, NULL, NULL, false, 0);
	}
	else
	{
		/* the changes' distinct tags: their counts are forgotten, then set again */
		int64	   *sorted = palloc(sizeof(int64) * Max(nchanged, 1));
		Datum	   *distinct = palloc(sizeof(Datum) * Max(nchanged, 1));
		int			ndistinct = 0;

		memcpy(sorted, changed_tags, sizeof(int64) * nchanged);
		qsort(sorted, nchanged, sizeof(int64), cmp_int64);
		for (int i = 0; i < nchanged; i++)
			if (i == 0 || sorted[i] != sorted[i - 1])
				distinct[ndistinct++] = Int64GetDatum(sorted[i]);
		if (ndistinct == 0)
			return;
		catalog_execute(TSQ_TAGGING_COUNTS_OF, (Datum[]) {int64_array(distinct, ndistinct)},
						NULL, true, 0);
		n = tree_set_counts(tree, TSREL_TAGGING, Anum_tagging_tag_id, &tags, &counts);
		catalog_execute(TSQ_COUNTS_FORGET, (Datum[]) {int64_array(distinct, ndistinct)},
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
 * sum of the marks in it (summed children first, as posting_choose does).
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
void
posting_choose(const TagTree *tree, int min_taggings, bool afresh)
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
int
posting_min_taggings(bool given, int32 min_taggings)
{
	if (!posting_counts_kept())
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

