/*
 * posting.h
 *	  Closure postings: for each large subtree, the set of entities tagged
 *	  anywhere under it, stored ready to read.
 *
 * Expanding a broad tag at query time means reading every tagging under it
 * (a root can cover most of them).  For tags whose subtree costs at least
 * min_taggings taggings to read (its taggings, and a few more for each
 * index range it takes: posting_refresh.c; min_taggings is an argument of
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
 *	posting_refresh.c	refresh_postings: changes folded in, posted tags chosen, postings built
 *
 * tagstore.verify() (verify.c) checks them against the taggings.
 */
#ifndef TAGSTORE_POSTING_H
#define TAGSTORE_POSTING_H

#include "postgres.h"

#include "executor/spi.h"
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
