/*
 * tag_reader.h
 *	  Reading tags by key and by id, past the executor (tag_reader.c).
 */
#ifndef TAGSTORE_TAG_READER_H
#define TAGSTORE_TAG_READER_H

#include "postgres.h"

#include "access/genam.h"
#include "executor/tuptable.h"

#include "types/tagpath.h"
#include "catalog.h"
#include "idset.h"
#include "policy_rows.h"

typedef struct TagReader
{
	Relation	tag;			/* tagstore.tag, open for reading */
	Relation	tag_key;		/* its index on key */
	IndexScanDesc scan;
	TupleTableSlot *slot;		/* the row the scan is on */
	MemoryContext cxt;			/* where the scan lives (tag_reader_begin's) */
	IdLookup	by_id;			/* tag_pkey, opened when first needed */
	/* through the executor, when row-level security applies (policy_rows.c) */
	bool		policies;
	PolicyRows	rows;			/* the scan's statement, if open */
	bool		rows_open;
	HeapTupleData row;			/* the row the slot holds */
} TagReader;

extern void tag_reader_begin(TagReader *r, Snapshot snapshot, bool policies);
extern void tag_reader_end(TagReader *r);
extern void tag_reader_scan(TagReader *r, TagPath *lo, TagPath *hi);
extern bool tag_reader_next(TagReader *r, int64 *id);
extern TagPath *tag_reader_key(TagReader *r);
extern HeapTuple tag_reader_row(TagReader *r);
extern bool tag_reader_subtree(TagReader *r, TagPath *key, int max, IdSet *tags);
extern TagPath *tag_reader_key_of(TagReader *r, int64 id, bool null_is_none);

#endif							/* TAGSTORE_TAG_READER_H */
