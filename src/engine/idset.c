/*
 * idset.c
 *	  Sets of entity ids, the values of the search's set algebra.
 *
 * A set is either a sorted, duplicate-free array of ids (what reading
 * taggings gives, and what a search returns) or a chunked bitmap (what a
 * closure posting decodes to: an 8 kB chunk of it is a memcpy-like loop,
 * not 65,536 appends).  Operations take either form and keep the cheaper
 * one: an intersection with an array is an array, two bitmaps AND chunk by
 * chunk.  n is the number of members in both forms.
 *
 * Every bigint is an entity id.  So ids are never subtracted from each
 * other: an id's place is its offset from the smallest bigint, as uint64
 * (idset.h), whose arithmetic cannot overflow.  A bitmap is a sorted list
 * of the chunks that hold members, as roaring bitmaps are: ids far apart
 * cost a chunk each, never the range between them.  Bitmaps are made only
 * where they are dense enough to pay (entity_rows.c, posting_format.c);
 * sparse sets stay arrays, so a set's memory follows its members.
 *
 * Example: {-9223372036854775808, 0, 9223372036854775807} as a bitmap is
 * three chunks, keys 0, 2^47 and 2^48 - 1, with bits 0, 0 and 65535 set:
 * 24 kB, where one bitmap over the range would need 2^61 bytes.
 *
 * Limits: a set holds at most 2^31 - 1 members, and an array of them at
 * most MaxAllocSize bytes (about 134 million ids): past that a search
 * fails with 54000 before allocating.
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "idset.h"

/* Complains that a search's set grew past what it can hold. */
static void
too_many(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many entities in one search")));
}

/* Room for n ids, or 54000 if n ids cannot be held. */
static int64 *
alloc_ids(Size n)
{
	if (n > MaxAllocSize / sizeof(int64))
		too_many();
	return palloc(sizeof(int64) * Max(n, 1));
}

/*
 * Sorts ids by merging their ascending runs pairwise until one is left:
 * O(n log runs).  The ids of a range of tags come from the index as one
 * ascending run per tag, so a few passes sort them.
 */
static void
merge_runs(int64 *ids, int n)
{
	int64	   *src = ids;
	int64	   *dst = palloc(sizeof(int64) * n);
	int64	   *spare = dst;
	int			runs;

	do
	{
		int			k = 0;

		runs = 0;
		for (int i = 0; i < n; runs++)
		{
			int			mid = i + 1,
						end;
			int			a = i,
						b;

			while (mid < n && src[mid] >= src[mid - 1])
				mid++;
			for (end = Min(mid + 1, n); end < n && src[end] >= src[end - 1]; end++)
				;
			for (b = mid; a < mid && b < end;)
				dst[k++] = src[a] <= src[b] ? src[a++] : src[b++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < end)
				dst[k++] = src[b++];
			i = end;
		}
		/* what was written is read next */
		dst = src;
		src = (src == ids) ? spare : ids;
	} while (runs > 1);
	if (src != ids)
		memcpy(ids, src, sizeof(int64) * n);
	pfree(spare);
}

/* Appends an id to an array set, growing the array as needed. */
void
idset_append(IdSet *s, int *cap, int64 id)
{
	Assert(!idset_is_bitmap(s));
	if (s->n == *cap)
	{
		if ((Size) *cap * 2 * sizeof(int64) > MaxAllocSize)
			too_many();
		*cap *= 2;
		s->ids = repalloc(s->ids, sizeof(int64) * *cap);
	}
	s->ids[s->n++] = id;
}

/*
 * Sorts and removes duplicates in place.  The ids of one tag come sorted
 * from its index: then one pass sees that.  Otherwise entity ids come from
 * a sequence and are dense, so this is usually a pass through a bitmap,
 * O(n + range/64); sparse ids fall back to sorting.
 */
void
idset_normalize(IdSet *s)
{
	uint64		lo = PG_UINT64_MAX,
				hi = 0;
	bool		sorted = true;
	uint64		words;
	uint64	   *bits;
	int			k = 0;

	Assert(!idset_is_bitmap(s));
	if (s->n <= 1)
		return;
	for (int i = 0; i < s->n; i++)
	{
		uint64		off = idset_offset(s->ids[i]);

		lo = Min(lo, off);
		hi = Max(hi, off);
		sorted &= i == 0 || s->ids[i] > s->ids[i - 1];
	}
	if (sorted)
		return;
	words = (hi - lo) / 64 + 1;
	if (words > (uint64) s->n * 4 + 1024)
	{
		merge_runs(s->ids, s->n);
		for (int i = 1; i < s->n; i++)
			if (s->ids[i] != s->ids[k])
				s->ids[++k] = s->ids[i];
		s->n = k + 1;
		return;
	}
	bits = palloc0(words * sizeof(uint64));
	for (int i = 0; i < s->n; i++)
	{
		uint64		off = idset_offset(s->ids[i]) - lo;

		bits[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	for (uint64 w = 0; w < words; w++)
	{
		for (uint64 word = bits[w]; word; word &= word - 1)
			s->ids[k++] = idset_id(lo + w * 64 + pg_rightmost_one_pos64(word));
	}
	s->n = k;
	pfree(bits);
}

/* An empty set in bitmap form. */
IdSet
idset_empty_bitmap(void)
{
	IdSet		s = {0};

	s.capchunks = 4;
	s.chunks = palloc(sizeof(IdChunk) * s.capchunks);
	return s;
}

/* The index of the chunk with a key, or -1: a binary search. */
int
idset_find_chunk(IdSet *s, uint64 key)
{
	int			lo = 0,
				hi = s->nchunks - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (s->chunks[mid].key == key)
			return mid;
		if (s->chunks[mid].key < key)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The words of a bitmap set's chunk with a key, added (empty) if it has none. */
uint64 *
idset_chunk_words(IdSet *s, uint64 key)
{
	int			at = s->nchunks;

	Assert(idset_is_bitmap(s));
	/* chunks mostly come in key order: the one asked for is the last, or a new last */
	if (at > 0 && s->chunks[at - 1].key == key)
		return s->chunks[at - 1].words;
	if (at > 0 && s->chunks[at - 1].key > key)
	{
		int			c = idset_find_chunk(s, key);

		if (c >= 0)
			return s->chunks[c].words;
		for (at = 0; s->chunks[at].key < key; at++)
			;
	}
	if (s->nchunks == s->capchunks)
	{
		if ((Size) s->capchunks * 2 * sizeof(IdChunk) > MaxAllocSize)
			too_many();
		s->capchunks *= 2;
		s->chunks = repalloc(s->chunks, sizeof(IdChunk) * s->capchunks);
	}
	memmove(&s->chunks[at + 1], &s->chunks[at], sizeof(IdChunk) * (s->nchunks - at));
	s->chunks[at].key = key;
	s->chunks[at].words = palloc0(sizeof(uint64) * IDSET_CHUNK_WORDS);
	s->nchunks++;
	return s->chunks[at].words;
}

/* How many chunks the bitmap form of a normalized array set would have. */
int64
idset_bitmap_chunks_for(const IdSet *s)
{
	int64		chunks = 0;

	if (idset_is_bitmap(s))
		return s->nchunks;
	for (int i = 0; i < s->n; i++)
		chunks += i == 0 ||
			idset_offset(s->ids[i]) >> IDSET_CHUNK_BITS != idset_offset(s->ids[i - 1]) >> IDSET_CHUNK_BITS;
	return chunks;
}

/* Sets or clears the bit of an id in a bitmap set (n is not kept: see idset_recount). */
static void
bitmap_set(IdSet *s, int64 id, bool member)
{
	uint64		off = idset_offset(id);
	uint64		key = off >> IDSET_CHUNK_BITS;
	uint64	   *words;

	off &= IDSET_CHUNK_IDS - 1;
	if (member)
		words = idset_chunk_words(s, key);
	else
	{
		int			c = idset_find_chunk(s, key);

		if (c < 0)
			return;
		words = s->chunks[c].words;
	}
	if (member)
		words[off / 64] |= UINT64CONST(1) << (off % 64);
	else
		words[off / 64] &= ~(UINT64CONST(1) << (off % 64));
}

/* Turns a normalized array set into its bitmap form. */
void
idset_to_bitmap(IdSet *s)
{
	IdSet		b;

	if (idset_is_bitmap(s))
		return;
	b = idset_empty_bitmap();
	for (int i = 0; i < s->n;)
	{
		uint64		key = idset_offset(s->ids[i]) >> IDSET_CHUNK_BITS;
		uint64	   *words = idset_chunk_words(&b, key);

		/* the ids of one chunk, in one go */
		for (; i < s->n && idset_offset(s->ids[i]) >> IDSET_CHUNK_BITS == key; i++)
		{
			uint64		low = idset_offset(s->ids[i]) & (IDSET_CHUNK_IDS - 1);

			words[low / 64] |= UINT64CONST(1) << (low % 64);
		}
	}
	b.n = s->n;
	if (s->ids)
		pfree(s->ids);
	*s = b;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* A sorted, duplicate-free copy of ids[0..n). */
static int64 *
sorted_copy(const int64 *ids, int n, int *out)
{
	int64	   *copy = alloc_ids(n);
	int			k = 0;

	memcpy(copy, ids, sizeof(int64) * n);
	qsort(copy, n, sizeof(int64), cmp_int64);
	for (int i = 0; i < n; i++)
		if (k == 0 || copy[i] != copy[k - 1])
			copy[k++] = copy[i];
	*out = k;
	return copy;
}

/*
 * Adds the ids of adds to a set and then removes those of removes (either
 * unsorted), in either form: bits set and cleared in a bitmap, a merge
 * into an array.  So the cost follows the set and the changes, not the
 * changes times the set.
 */
void
idset_apply(IdSet *s, const int64 *adds, int nadds, const int64 *removes, int nremoves)
{
	int64	   *add,
			   *rem,
			   *out;
	int			na,
				nr,
				i = 0,
				j = 0,
				r = 0,
				k = 0;

	if (idset_is_bitmap(s))
	{
		for (int x = 0; x < nadds; x++)
			bitmap_set(s, adds[x], true);
		for (int x = 0; x < nremoves; x++)
			bitmap_set(s, removes[x], false);
		idset_recount(s);
		return;
	}
	add = sorted_copy(adds, nadds, &na);
	rem = sorted_copy(removes, nremoves, &nr);
	out = alloc_ids((Size) s->n + na);
	while (i < s->n || j < na)
	{
		int64		id;

		if (j >= na || (i < s->n && s->ids[i] < add[j]))
			id = s->ids[i++];
		else
		{
			if (i < s->n && s->ids[i] == add[j])
				i++;
			id = add[j++];
		}
		while (r < nr && rem[r] < id)
			r++;
		if (r >= nr || rem[r] != id)
			out[k++] = id;
	}
	if (s->ids)
		pfree(s->ids);
	s->ids = out;
	s->n = k;
	pfree(add);
	pfree(rem);
}

/*
 * The number of bits set in words[0..n).  pg_popcount64 is an indirect
 * call per word (PostgreSQL picks the POPCNT instruction at run time),
 * which dominated recounting a large bitmap; here the choice is made once
 * per call, and the loop uses the instruction inline.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("popcnt")))
static uint64
popcount_words_popcnt(const uint64 *words, int64 n)
{
	uint64		count = 0;

	for (int64 i = 0; i < n; i++)
		count += __builtin_popcountll(words[i]);
	return count;
}
#endif

uint64
idset_popcount(const uint64 *words, int64 n)
{
	uint64		count = 0;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	if (__builtin_cpu_supports("popcnt"))
		return popcount_words_popcnt(words, n);
#endif
	for (int64 i = 0; i < n; i++)
		count += pg_popcount64(words[i]);
	return count;
}

/* Sets n of a set, which must fit a search's count. */
void
idset_set_count(IdSet *s, uint64 n)
{
	if (n > PG_INT32_MAX)
		too_many();
	s->n = (int) n;
}

/* Sets n of a bitmap set from its bits. */
void
idset_recount(IdSet *s)
{
	uint64		n = 0;

	for (int c = 0; c < s->nchunks; c++)
		n += idset_popcount(s->chunks[c].words, IDSET_CHUNK_WORDS);
	idset_set_count(s, n);
}

/* Frees what a set holds (the IdSet itself is the caller's). */
void
idset_free(IdSet *s)
{
	if (s->ids)
		pfree(s->ids);
	for (int c = 0; c < s->nchunks; c++)
		pfree(s->chunks[c].words);
	if (s->chunks)
		pfree(s->chunks);
	memset(s, 0, sizeof(IdSet));
}

/* Turns a set into its array form. */
void
idset_flatten(IdSet *s)
{
	int64	   *ids;
	int			k = 0;
	int			n = s->n;

	if (!idset_is_bitmap(s))
		return;
	ids = alloc_ids(n);
	for (int c = 0; c < s->nchunks; c++)
	{
		uint64		base = s->chunks[c].key << IDSET_CHUNK_BITS;

		for (int w = 0; w < IDSET_CHUNK_WORDS; w++)
			for (uint64 word = s->chunks[c].words[w]; word; word &= word - 1)
				ids[k++] = idset_id(base + w * 64 + pg_rightmost_one_pos64(word));
	}
	Assert(k == n);
	idset_free(s);
	s->ids = ids;
	s->n = n;
}

/* Keeps the members of array set a that are (or, if keep is false, are not) in bitmap b. */
static void
filter_by_bitmap(IdSet *a, IdSet *b, bool keep)
{
	int			k = 0;

	for (int i = 0; i < a->n; i++)
		if (idset_bitmap_has(b, a->ids[i]) == keep)
			a->ids[k++] = a->ids[i];
	a->n = k;
}

/* a := a AND b for two bitmaps: the chunks of both, ANDed; the others dropped. */
static void
intersect_bitmaps(IdSet *a, IdSet *b)
{
	int			k = 0,
				j = 0;

	for (int i = 0; i < a->nchunks; i++)
	{
		uint64	   *words = a->chunks[i].words;
		uint64		any = 0;

		while (j < b->nchunks && b->chunks[j].key < a->chunks[i].key)
			j++;
		if (j < b->nchunks && b->chunks[j].key == a->chunks[i].key)
		{
			for (int w = 0; w < IDSET_CHUNK_WORDS; w++)
				any |= (words[w] &= b->chunks[j].words[w]);
		}
		if (any)
			a->chunks[k++] = a->chunks[i];
		else
			pfree(words);
	}
	a->nchunks = k;
	a->hint = 0;
	idset_recount(a);
}

/* a := a AND b */
void
idset_intersect(IdSet *a, IdSet *b)
{
	if (idset_is_bitmap(a) && idset_is_bitmap(b))
		intersect_bitmaps(a, b);
	else if (idset_is_bitmap(a))
	{
		/* the array's members that are in a's bitmap */
		IdSet		r = {0};

		r.ids = alloc_ids(b->n);
		r.n = b->n;
		memcpy(r.ids, b->ids, sizeof(int64) * b->n);
		filter_by_bitmap(&r, a, true);
		idset_free(a);
		*a = r;
	}
	else if (idset_is_bitmap(b))
		filter_by_bitmap(a, b, true);
	else
	{
		int			i = 0,
					j = 0,
					k = 0;

		while (i < a->n && j < b->n)
		{
			if (a->ids[i] < b->ids[j])
				i++;
			else if (a->ids[i] > b->ids[j])
				j++;
			else
			{
				a->ids[k++] = a->ids[i];
				i++;
				j++;
			}
		}
		a->n = k;
	}
}

/* a := a minus b */
void
idset_subtract(IdSet *a, IdSet *b)
{
	if (idset_is_bitmap(b))
	{
		idset_flatten(a);
		filter_by_bitmap(a, b, false);
	}
	else if (idset_is_bitmap(a))
		idset_apply(a, NULL, 0, b->ids, b->n);
	else
	{
		int			i = 0,
					j = 0,
					k = 0;

		while (i < a->n)
		{
			while (j < b->n && b->ids[j] < a->ids[i])
				j++;
			if (j >= b->n || b->ids[j] != a->ids[i])
				a->ids[k++] = a->ids[i];
			i++;
		}
		a->n = k;
	}
}

/* The union of sets, as a new array set. */
IdSet
idset_union(IdSet *sets, int nsets)
{
	IdSet		u = {0};
	Size		total = 0;

	for (int i = 0; i < nsets; i++)
	{
		idset_flatten(&sets[i]);
		total += sets[i].n;
	}
	u.ids = alloc_ids(total);
	for (int i = 0; i < nsets; i++)
	{
		memcpy(u.ids + u.n, sets[i].ids, sizeof(int64) * sets[i].n);
		u.n += sets[i].n;
	}
	idset_normalize(&u);
	return u;
}
