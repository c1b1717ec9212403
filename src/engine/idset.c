/*
 * idset.c
 *	  Sets of entity ids, the values of the search's set algebra.
 *
 * A set is either a sorted, duplicate-free array of ids (what reading
 * taggings gives, and what a search returns) or a bitmap over a range of
 * ids (what a closure posting decodes to: an 8 kB chunk of it is a
 * memcpy-like loop, not 65,536 appends).  Operations take either form and
 * keep the cheaper one: an intersection with an array is an array, two
 * bitmaps AND word by word.  n is the number of members in both forms.
 */
#include "postgres.h"

#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "idset.h"

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
	Assert(s->bits == NULL);
	if (s->n == *cap)
	{
		if ((Size) *cap * 2 * sizeof(int64) > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many entities in one search")));
		*cap *= 2;
		s->ids = repalloc(s->ids, sizeof(int64) * *cap);
	}
	s->ids[s->n++] = id;
}

/*
 * Sorts and removes duplicates in place.  The ids of one tag come sorted
 * from its index: then one pass sees that.  Otherwise entity ids come from
 * a sequence and are dense, so this is usually a pass through a bitmap,
 * O(n + max/64); sparse ids fall back to sorting.
 */
void
idset_normalize(IdSet *s)
{
	int64		lo = PG_INT64_MAX,
				hi = PG_INT64_MIN;
	bool		sorted = true;
	Size		words;
	uint64	   *bits;
	int			k = 0;

	Assert(s->bits == NULL);
	if (s->n <= 1)
		return;
	for (int i = 0; i < s->n; i++)
	{
		lo = Min(lo, s->ids[i]);
		hi = Max(hi, s->ids[i]);
		sorted &= i == 0 || s->ids[i] > s->ids[i - 1];
	}
	if (sorted)
		return;
	words = (Size) ((hi - lo) / 64) + 1;
	if (hi - lo < 0 || words > (Size) s->n * 4 + 1024)
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
		uint64		off = (uint64) (s->ids[i] - lo);

		bits[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	for (Size w = 0; w < words; w++)
	{
		for (uint64 word = bits[w]; word; word &= word - 1)
			s->ids[k++] = lo + (int64) (w * 64 + pg_rightmost_one_pos64(word));
	}
	s->n = k;
	pfree(bits);
}

/* An empty bitmap set over the ids [base, base + 64 * nwords). */
IdSet
idset_bitmap(int64 base, int64 nwords)
{
	IdSet		s = {NULL, 0, NULL, base, nwords};

	Assert(base % 64 == 0);		/* so that bitmaps combine word by word */
	if ((Size) nwords > MaxAllocSize / sizeof(uint64))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("entity ids of one search span too wide a range")));
	s.bits = palloc0(sizeof(uint64) * Max(nwords, 1));
	return s;
}

/* Turns a normalized array set into its bitmap form. */
void
idset_to_bitmap(IdSet *s)
{
	IdSet		b;

	if (s->bits != NULL)
		return;
	if (s->n == 0)
		b = idset_bitmap(0, 0);
	else
	{
		int64		base = s->ids[0] - (s->ids[0] % 64 + 64) % 64;

		b = idset_bitmap(base, (s->ids[s->n - 1] - base) / 64 + 1);
		for (int i = 0; i < s->n; i++)
			b.bits[(s->ids[i] - base) / 64] |= UINT64CONST(1) << ((s->ids[i] - base) % 64);
	}
	b.n = s->n;
	if (s->ids)
		pfree(s->ids);
	*s = b;
}

/* Adds or removes an id of a bitmap set (n is not kept: see idset_recount). */
void
idset_bitmap_set(IdSet *s, int64 id, bool member)
{
	uint64		off;

	Assert(s->bits != NULL);
	if (member && (id < s->base || (uint64) (id - s->base) / 64 >= (uint64) s->nwords))
	{
		/* widen the range to take the id */
		int64		base = Min(s->base, id - (id % 64 + 64) % 64);
		int64		end = Max(s->base + s->nwords * 64, id + 1);
		IdSet		wider = idset_bitmap(base, (end - base + 63) / 64);

		memcpy(wider.bits + (s->base - base) / 64, s->bits, sizeof(uint64) * s->nwords);
		pfree(s->bits);
		s->bits = wider.bits;
		s->base = wider.base;
		s->nwords = wider.nwords;
	}
	else if (!member && !idset_bitmap_has(s, id))
		return;
	off = (uint64) (id - s->base);
	if (member)
		s->bits[off / 64] |= UINT64CONST(1) << (off % 64);
	else
		s->bits[off / 64] &= ~(UINT64CONST(1) << (off % 64));
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
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many entities in one search")));
	s->n = (int) n;
}

/* Sets n of a bitmap set from its bits. */
void
idset_recount(IdSet *s)
{
	idset_set_count(s, idset_popcount(s->bits, s->nwords));
}

/* Turns a set into its array form. */
void
idset_flatten(IdSet *s)
{
	int			k = 0;

	if (s->bits == NULL)
		return;
	s->ids = palloc(sizeof(int64) * Max(s->n, 1));
	for (int64 w = 0; w < s->nwords; w++)
		for (uint64 word = s->bits[w]; word; word &= word - 1)
			s->ids[k++] = s->base + w * 64 + pg_rightmost_one_pos64(word);
	Assert(k == s->n);
	pfree(s->bits);
	s->bits = NULL;
}

/* Keeps the members of array set a that are (or, if keep is false, are not) in bitmap b. */
static void
filter_by_bitmap(IdSet *a, const IdSet *b, bool keep)
{
	int			k = 0;

	for (int i = 0; i < a->n; i++)
		if (idset_bitmap_has(b, a->ids[i]) == keep)
			a->ids[k++] = a->ids[i];
	a->n = k;
}

/* a := a ∩ b */
void
idset_intersect(IdSet *a, const IdSet *b)
{
	if (a->bits && b->bits)
	{
		/* AND over the overlap of the ranges; outside it nothing survives */
		int64		lo = Max(a->base, b->base);
		int64		hi = Min(a->base + a->nwords * 64, b->base + b->nwords * 64);
		int64		shift;

		if (lo >= hi)
		{
			pfree(a->bits);
			*a = (IdSet) {palloc(sizeof(int64)), 0, NULL, 0, 0};
			return;
		}
		shift = (lo - a->base) / 64;
		for (int64 w = 0; w < (hi - lo) / 64; w++)
			a->bits[w] = a->bits[w + shift] & b->bits[w + (lo - b->base) / 64];
		a->base = lo;
		a->nwords = (hi - lo) / 64;
		idset_recount(a);
	}
	else if (a->bits)
	{
		/* the array's members that are in a's bitmap */
		IdSet		r = {palloc(sizeof(int64) * Max(b->n, 1)), b->n, NULL, 0, 0};

		memcpy(r.ids, b->ids, sizeof(int64) * b->n);
		filter_by_bitmap(&r, a, true);
		pfree(a->bits);
		*a = r;
	}
	else if (b->bits)
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

/* a := a \ b */
void
idset_subtract(IdSet *a, const IdSet *b)
{
	if (b->bits)
	{
		if (a->bits)
			idset_flatten(a);
		filter_by_bitmap(a, b, false);
	}
	else if (a->bits)
	{
		for (int i = 0; i < b->n; i++)
			idset_bitmap_set(a, b->ids[i], false);
		idset_recount(a);
	}
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
	IdSet		u = {NULL, 0, NULL, 0, 0};
	Size		total = 0;

	for (int i = 0; i < nsets; i++)
	{
		idset_flatten(&sets[i]);
		total += sets[i].n;
	}
	if (total * sizeof(int64) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many entities in one search")));
	u.ids = palloc(sizeof(int64) * Max(total, 1));
	for (int i = 0; i < nsets; i++)
	{
		memcpy(u.ids + u.n, sets[i].ids, sizeof(int64) * sets[i].n);
		u.n += sets[i].n;
	}
	idset_normalize(&u);
	return u;
}
