/*
 * tagging_index.h
 *	  A cursor over tagging_pkey (tag_id, entity_id) that reads a leaf page
 *	  at a time (tagging_index.c).
 */
#ifndef TAGSTORE_TAGGING_INDEX_H
#define TAGSTORE_TAGGING_INDEX_H

#include "postgres.h"

#include "utils/relcache.h"
#include "utils/snapshot.h"

typedef struct TaggingCursor TaggingCursor;

extern TaggingCursor *tagging_cursor_begin(Relation heap, Relation index, Snapshot snapshot,
											 bool policies);
extern void tagging_cursor_seek(TaggingCursor *c, int64 tag, bool by_entity, int64 entity,
								int64 last_tag, bool last_by_entity, int64 last_entity);
extern void tagging_cursor_skip(TaggingCursor *c, int64 tag, int64 entity);
extern bool tagging_cursor_next(TaggingCursor *c, int64 *tag, int64 *entity);
extern void tagging_cursor_end(TaggingCursor *c);

#endif							/* TAGSTORE_TAGGING_INDEX_H */
