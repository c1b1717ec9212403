/*
 * idset.h
 *	  Sets of entity ids, as a sorted array or a bitmap (idset.c).
 */
#ifndef TAGSTORE_IDSET_H
#define TAGSTORE_IDSET_H

#include "postgres.h"

typedef struct IdSet
{
	int64	   *ids;			/* array form: sorted, duplicate-free once normalized */
	int			n;				/* members, in either form */
	uint64	   *bits;			/* bitmap form, if not NULL: ids base + 64 * w + b */
	int64		base;			/* a multiple of 64 */
	int64		nwords;
} IdSet;

/* Is an id a member of a bitmap set?  Inline: the pass over entities asks per row. */
static inline bool
idset_bitmap_has(const IdSet *s, int64 id)
{
	uint64		off = (uint64) (id - s->base);

	Assert(s->bits != NULL);
	return id >= s->base && off / 64 < (uint64) s->nwords &&
		(s->bits[off / 64] & (UINT64CONST(1) << (off % 64))) != 0;
}

extern void idset_append(IdSet *s, int *cap, int64 id);
extern void idset_normalize(IdSet *s);
extern IdSet idset_bitmap(int64 base, int64 nwords);
extern void idset_bitmap_set(IdSet *s, int64 id, bool member);
extern void idset_to_bitmap(IdSet *s);
extern uint64 idset_popcount(const uint64 *words, int64 n);
extern void idset_set_count(IdSet *s, uint64 n);
extern void idset_recount(IdSet *s);
extern void idset_flatten(IdSet *s);
extern void idset_intersect(IdSet *a, const IdSet *b);
extern void idset_subtract(IdSet *a, const IdSet *b);
extern IdSet idset_union(IdSet *sets, int nsets);

#endif							/* TAGSTORE_IDSET_H */
