/*
 * tag_counts.h
 *	  Every tag of some subtrees with its entity counts, in one pass
 *	  (tag_counts.c): the counts of tag listings.
 */
#ifndef TAGSTORE_TAG_COUNTS_H
#define TAGSTORE_TAG_COUNTS_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"

#include "types/tagpath.h"

/* The tags of the subtrees asked for, in key order, with their counts. */
typedef struct TagCounts
{
	int			n;				/* tags */
	int64	   *ids;			/* their ids */
	int32	   *parent;			/* the position of each one's parent, or -1 */
	HeapTuple  *rows;			/* with_rows: each one's row of tagstore.tag */
	TupleDesc	desc;			/* and the rows' descriptor */
	int64	   *direct;			/* taggings of the tag itself */
	int64	   *total;			/* distinct entities tagged with it or a descendant */
	int64		taggings;		/* under all the roots: taggings */
	int64		entities;		/* and distinct entities */
} TagCounts;

extern TagCounts tag_counts(TagPath **roots, int nroots, bool with_rows);

#endif							/* TAGSTORE_TAG_COUNTS_H */
