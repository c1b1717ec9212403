/*
 * idset.h
 *	  Sets of entity ids, as a sorted array or a chunked bitmap (idset.c).
 */
#ifndef TAGSTORE_IDSET_H
#define TAGSTORE_IDSET_H

#include "postgres.h"

/*
 * Ids are placed by their offset from the smallest bigint, as uint64: the
 * offset keeps the order of the ids and never overflows.  A chunk is the
 * 65,536 ids whose offsets share their high 48 bits (the chunk's key); a
 * stored posting chunk (posting_format.c) is one of these.
 */
#define IDSET_CHUNK_BITS	16
#define IDSET_CHUNK_IDS		(1 << IDSET_CHUNK_BITS)
#define IDSET_CHUNK_WORDS	(IDSET_CHUNK_IDS / 64)

static inline uint64
idset_offset(int64 id)
{
	return (uint64) id ^ (UINT64CONST(1) << 63);
}

static inline int64
idset_id(uint64 offset)
{
	return (int64) (offset ^ (UINT64CONST(1) << 63));
}

/* One chunk of a bitmap set: bit b of words[w] is offset (key << 16) + 64 w + b. */
typedef struct IdChunk
{
	uint64		key;
	uint64	   *words;			/* IDSET_CHUNK_WORDS of them */
} IdChunk;

typedef struct IdSet
{
	int64	   *ids;			/* array form: sorted, duplicate-free once normalized */
	int			n;				/* members, in either form */
	IdChunk    *chunks;			/* bitmap form, if not NULL: the chunks with members, by key */
	int			nchunks;
	int			capchunks;
	int			hint;			/* the chunk the last lookup found */
} IdSet;

/* Is the set in its bitmap form? */
static inline bool
idset_is_bitmap(const IdSet *s)
{
	return s->chunks != NULL;
}

extern int	idset_find_chunk(IdSet *s, uint64 key);

/*
 * Is an id a member of a bitmap set?  Inline: the pass over entities asks
 * per row, mostly in id order, so the chunk of the last lookup is tried
 * first.
 */
static inline bool
idset_bitmap_has(IdSet *s, int64 id)
{
	uint64		off = idset_offset(id);
	uint64		key = off >> IDSET_CHUNK_BITS;
	int			c = s->hint;

	Assert(idset_is_bitmap(s));
	if (c >= s->nchunks || s->chunks[c].key != key)
	{
		c = idset_find_chunk(s, key);
		if (c < 0)
			return false;
		s->hint = c;
	}
	off &= IDSET_CHUNK_IDS - 1;
	return (s->chunks[c].words[off / 64] & (UINT64CONST(1) << (off % 64))) != 0;
}

extern void idset_append(IdSet *s, int *cap, int64 id);
extern void idset_normalize(IdSet *s);
extern IdSet idset_empty_bitmap(void);
extern uint64 *idset_chunk_words(IdSet *s, uint64 key);
extern int64 idset_bitmap_chunks_for(const IdSet *s);
extern void idset_to_bitmap(IdSet *s);
extern void idset_apply(IdSet *s, const int64 *adds, int nadds, const int64 *removes, int nremoves);
extern uint64 idset_popcount(const uint64 *words, int64 n);
extern void idset_set_count(IdSet *s, uint64 n);
extern void idset_recount(IdSet *s);
extern void idset_flatten(IdSet *s);
extern void idset_free(IdSet *s);
extern void idset_intersect(IdSet *a, IdSet *b);
extern void idset_subtract(IdSet *a, IdSet *b);
extern IdSet idset_union(IdSet *sets, int nsets);

#endif							/* TAGSTORE_IDSET_H */
