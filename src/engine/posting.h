/*
 * posting.h
 *	  Closure postings: for each large subtree, the set of entities tagged
 *	  anywhere under it, stored ready to read.
 *
 * Expanding a broad tag at query time means reading every tagging under it
 * (a root can cover most of them).  For tags whose subtree costs at least
 * min_taggings taggings to read (its taggings, and a few more for each
 * index range it takes: posting_choice.c; min_taggings is an argument of
 * refresh_postings, kept from one call to the next, default 2,000),
 * tagstore keeps the answer instead:
 *
 *	posted_tag (tag_id, stale)			which tags have a posting
 *	posting (tag_id, chunk, members)	the posting, in chunks of 65,536 ids
 *	posting_change (tag_id, entity_id)	taggings written since it was made
 *	tagging_count (tag_id, taggings)	each tag's taggings at the last refresh
 *	posting_setting (min_taggings)		the threshold given last
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
 * tagstore.refresh_postings() folds the pending changes in, chooses the
 * posted tags again by the subtrees' taggings, and builds stale and new
 * postings.
 *
 * The postings' files, one job each, lowest first:
 *	posting_format.c	the chunks as stored, a posting loaded and written
 *	posting_trigger.c	the change log that writers append to
 *	posting_read.c		a posting read as a search sees it, pending changes applied
 *	posting_choice.c	which tags are posted: tagging counts, subtrees' read costs
 *	posting_refresh.c	refresh_postings: changes folded in, posted tags chosen, postings built
 *
 * tagstore.verify() (verify.c) checks them against the taggings.
 */
#ifndef TAGSTORE_POSTING_H
#define TAGSTORE_POSTING_H

#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/relcache.h"
#include "utils/snapshot.h"

#include "types/tagpath.h"
#include "idset.h"
#include "tag_reader.h"

/*
 * A computed bigint of row i of the last SPI result (a count, a rank): never
 * NULL.  Values read from tables go through catalog_spi_value.
 */
static inline int64
spi_int64(uint64 i, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col, &isnull);

	Assert(!isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/*
 * The tag tree as refresh_postings sees it (posting_refresh.c reads it,
 * posting_choice.c chooses the posted tags on it): for each tag (sorted by
 * id), its parent and the nearest ancestor-or-self with a fresh posting,
 * so that the posted ancestors of a tag are a short walk of "nearest"
 * links.
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

/* The index of a tag in the tree, or -1. */
static inline int
tag_tree_find(const TagTree *tree, int64 id)
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

/* An int8[] of the given Datums, for a statement's parameter. */
static inline Datum
int64_array(Datum *elems, int n)
{
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* posting_choice.c: which tags are posted */
extern bool posting_counts_kept(void);
extern int	posting_min_taggings(bool given, int32 min_taggings);
extern void posting_count_tags(TagTree *tree, const int64 *changed_tags, int nchanged, bool all);
extern void posting_choose(const TagTree *tree, int min_taggings, bool afresh);

/* posting_format.c */
extern bool posting_chunk_in_range(int64 chunk);
extern const char *posting_chunk_problem(int64 chunk, int len);
extern IdSet posting_load(int64 tag_id, bool read_only);
extern void posting_write(int64 tag_id, IdSet *set);

/* posting_trigger.c */
extern void posting_log_change(Datum tag_id, Datum entity_id);

/* upkeep.c: refreshes started by writers */
extern void upkeep_change_logged(Oid relid);
extern void upkeep_init(void);

/* posting_read.c */
typedef struct PendingChanges PendingChanges;
extern PendingChanges *pending_begin(TagReader *tags, Relation tagging, Relation tagging_pkey,
									 Snapshot snapshot);
extern void pending_skip_nulls(PendingChanges *p);
extern void pending_end(PendingChanges *p);
extern void pending_apply(IdSet *set, TagPath *key, PendingChanges *pending);
extern IdSet posting_read(int64 tag_id, TagPath *key, PendingChanges *pending);

#endif							/* TAGSTORE_POSTING_H */
