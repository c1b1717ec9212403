/*
 * tagquery_op.c
 *	  Matching a tagpath against a tagquery (the ~ and ? operators).
 *
 * A query is a sequence of levels.  Level k holds a predicate on one label
 * (a list of variants, maybe negated, or '*' for any label) and a count
 * {low,high}; a path matches if it can be cut into consecutive pieces, one
 * per level, piece k having between low and high labels that all satisfy
 * level k's predicate.  These are contrib lquery's semantics exactly.
 *
 * 1. Why not backtracking
 *
 * lquery (and tagstore 1.0) tries the counts of each level in turn and
 * recurses on the rest.  On 200 labels 'a' and the query
 * '*.*.*.*.*.*.*.*.*.*.b' that tries every way to share out the 200
 * labels among ten stars, some 10^16, before answering false: a search box that
 * puts user text into a pattern would hand out a way to keep a backend
 * busy until statement_timeout.
 *
 * 2. The algorithm: a walk over sets of positions
 *
 * As a regular-expression engine simulates an NFA, we keep the set R of
 * positions in the path (0..n, between labels) where the pieces so far can
 * end, and pass it through the levels one at a time:
 *
 *	 R0 = {0}
 *	 R(k+1) = { j + c : j in Rk, low <= c <= high, c <= run_k(j) }
 *
 * where run_k(j) is the number of consecutive labels from j on that satisfy
 * level k (capped at high).  The path matches iff n is in R after the last
 * level.  Each run is computed once per level, right to left, and the new
 * set is the union of the intervals [j + low, j + run_k(j)], built with a
 * difference array.  A run of '*' levels is one level whose bounds are the
 * sums (any count splits among them), so '*.*.*' costs what '*' does.
 *
 * 3. Example
 *
 * Path 'a.b.a.b' (n = 4), query '*.b.!b{1,}':
 *
 *	 R0 = {0}
 *	 '*'		run = 4 - j, no label tested	R1 = {0, 1, 2, 3, 4}
 *	 'b'		b at 1 and 3					R2 = {2, 4}
 *	 '!b{1,}'	run(2) = 1 (a, then b)			R3 = {3}
 *
 * 4 is not in R3: no match ('*.b.!b{1,}' wants the path to end in labels
 * other than b, after some b).  With the windows of part 4, R1 is only
 * {0, 1, 2} (the two levels after '*' take two labels at least), R2 is {2}
 * and the last level looks at position 4 alone, finding nothing.
 *
 * 4. Windows
 *
 * Before each level we know the fewest and the most labels the levels
 * after it can take, so where this one may end: in [n - most, n - fewest].
 * Only that window of positions is built, and only the labels a piece
 * ending in it could take are tested.  A query anchored at either end
 * ('a.b.*', '*.b', 'a.*.b') thus looks at the labels near its anchors only,
 * and one that needs more labels than the path has, or fewer, is refused
 * at once.  The arrays are never cleared as a whole: each level sets the
 * entries of its window before reading them, so that testing one path
 * against many queries (tagquery[], GiST) costs what each query touches.
 *
 * 5. Limits
 *
 * Each level looks at each label at most once, so matching takes at most
 * (levels x labels) label tests and as many steps again: 65535 x 65535 for
 * the largest path and query, which an interrupt (statement_timeout) can
 * stop: it is checked on every level and every MATCH_INTERRUPT_EVERY
 * labels.  Memory: three arrays of n + 2 entries per path, two of m + 1
 * per query.  No recursion.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/array.h"

#include "tagpath.h"

/*
 * Does every '_'-separated word of pred match some word of the label?
 * Words are split at the byte '_' in every server encoding: no byte of a
 * multibyte character is below 0x80 in any of them (encoding.c).
 */
static bool
words_match(const char *pred, int pred_len, bool prefix, bool casefold,
			const TagLabel *label)
{
	const char *q = pred;
	const char *qend = pred + pred_len;

	for (;;)
	{
		const char *qword;
		const char *t = label->name;
		const char *tend = label->name + label->len;
		bool		found = false;

		while (q < qend && *q == '_')
			q++;
		if (q >= qend)
			return true;
		qword = q;
		while (q < qend && *q != '_')
			q++;

		while (!found)
		{
			const char *tword;

			while (t < tend && *t == '_')
				t++;
			if (t >= tend)
				break;
			tword = t;
			while (t < tend && *t != '_')
				t++;
			found = tagstore_label_match(qword, q - qword, tword, t - tword,
										 prefix, casefold);
		}
		if (!found)
			return false;
	}
}

/*
 * Does a label match one variant: a predicate label with TQV_* flags?
 * Shared by tagquery levels and tagtxtquery operands.
 */
bool
tagstore_variant_matches(const char *pred, int pred_len, uint8 flags,
						 const TagLabel *label)
{
	bool		prefix = (flags & TQV_PREFIX) != 0;
	bool		casefold = (flags & TQV_CASEFOLD) != 0;

	if (flags & TQV_WORDS)
		return words_match(pred, pred_len, prefix, casefold, label);
	return tagstore_label_match(pred, pred_len, label->name, label->len,
								prefix, casefold);
}

/* Does a label satisfy a level (ignoring its repeat count)? */
static bool
level_matches(const TagQueryLevel *level, const TagLabel *label)
{
	const TagQueryVariant *v = TQL_FIRST(level);
	bool		hit = false;

	if (level->numvar == 0)
		return true;
	for (int i = 0; i < level->numvar && !hit; i++)
	{
		hit = tagstore_variant_matches(v->name, v->len, v->flags, label);
		v = TQV_NEXT(v);
	}
	return (level->flags & TQL_NOT) ? !hit : hit;
}

/* Labels tested between two checks for interrupts. */
#define MATCH_INTERRUPT_EVERY	1024

/*
 * A path split into labels, with the scratch arrays of the walk, made once
 * and matched against any number of queries.
 */
typedef struct MatchPath
{
	TagLabel   *t;				/* the labels */
	int			n;
	bool	   *reach;			/* n + 1 entries */
	int		   *run;			/* n + 1 */
	int		   *cover;			/* n + 2 */
} MatchPath;

/* Splits the stored form data[0..len) for matching. */
static void
match_path_init(MatchPath *mp, const char *data, int len)
{
	int			cap = 16;
	TagLabelIter it;

	mp->t = palloc(sizeof(TagLabel) * cap);
	mp->n = 0;
	tagpath_iter_init(&it, data, len);
	for (;;)
	{
		if (mp->n == cap)
		{
			cap *= 2;
			mp->t = repalloc(mp->t, sizeof(TagLabel) * cap);
		}
		if (!tagpath_iter_next(&it, &mp->t[mp->n]))
			break;
		mp->n++;
	}
	/* not zeroed: the walk sets what it reads (part 4 of the header comment) */
	mp->reach = palloc(sizeof(bool) * (mp->n + 1));
	mp->run = palloc(sizeof(int) * (mp->n + 1));
	mp->cover = palloc(sizeof(int) * (mp->n + 2));
}

/* Frees what match_path_init() allocated. */
static void
match_path_free(MatchPath *mp)
{
	pfree(mp->t);
	pfree(mp->reach);
	pfree(mp->run);
	pfree(mp->cover);
}

/*
 * run[j] for j in [from, to): how many labels from j on satisfy the level,
 * capped at high; labels from "to" on count as not satisfying it (the
 * caller asks for no more than it needs).
 */
static void
level_runs(const TagQueryLevel *level, int high, const TagLabel *t,
		   int from, int to, int *run)
{
	run[to] = 0;
	for (int j = to - 1; j >= from; j--)
	{
		if ((j % MATCH_INTERRUPT_EVERY) == 0)
			CHECK_FOR_INTERRUPTS();
		run[j] = level_matches(level, &t[j]) ? Min(high, run[j + 1] + 1) : 0;
	}
}

/*
 * Fills rest_low[k] and rest_high[k]: the fewest and the most labels that
 * levels k.. can take, capped at n + 1 and n.
 */
static void
rest_bounds(const TagQuery *query, int n, int *rest_low, int *rest_high)
{
	const TagQueryLevel *level = TAGQUERY_FIRST(query);
	int			m = query->numlevel;

	for (int k = 0; k < m; k++, level = TQL_NEXT(level))
	{
		rest_low[k] = level->low;
		rest_high[k] = level->high;
	}
	rest_low[m] = rest_high[m] = 0;
	for (int k = m - 1; k >= 0; k--)
	{
		rest_low[k] = Min(rest_low[k] + rest_low[k + 1], n + 1);
		rest_high[k] = Min(rest_high[k] + rest_high[k + 1], n);
	}
}

/*
 * Does the query match the path?  The walk over sets of positions of the
 * header comment: reach[] marks the positions where the pieces matched so
 * far can end, all within [first, last] (entries outside are stale).
 */
static bool
match_levels(const TagQuery *query, MatchPath *mp)
{
	const TagLabel *t = mp->t;
	int			n = mp->n;
	bool	   *reach = mp->reach;
	int		   *run = mp->run;
	int		   *cover = mp->cover;
	int		   *rest_low = palloc(sizeof(int) * (query->numlevel + 1));
	int		   *rest_high = palloc(sizeof(int) * (query->numlevel + 1));
	const TagQueryLevel *level = TAGQUERY_FIRST(query);
	int			first = 0,
				last = 0;

	rest_bounds(query, n, rest_low, rest_high);
	if (rest_low[0] > n || rest_high[0] < n)
		first = -1;				/* no path of n labels can match */
	reach[0] = true;
	for (int k = 0; k < query->numlevel && first >= 0; k++, level = TQL_NEXT(level))
	{
		const TagQueryLevel *pred = level;
		int			low = level->low;
		int			high = level->high;
		int			limit,
					wlo,
					whi,
					newfirst = -1,
					newlast = -1,
					depth = 0;

		CHECK_FOR_INTERRUPTS();
		/* a run of '*' levels is one, with the summed bounds */
		while (pred->numvar == 0 && k + 1 < query->numlevel &&
			   TQL_NEXT(level)->numvar == 0)
		{
			level = TQL_NEXT(level);
			k++;
			low = Min(low + level->low, n + 1);
			high = Min(high + level->high, n);
		}
		high = Min(high, n);

		/*
		 * The window: where this level may end so that the rest can still
		 * take the remaining labels; and how far a piece may reach.
		 */
		limit = Min(n, last + high);
		wlo = Max(first + low, n - rest_high[k + 1]);
		whi = Min(limit, n - rest_low[k + 1]);
		if (wlo > whi)
		{
			first = -1;
			break;
		}

		/* run[j] for the positions reached, as far as the window needs */
		if (pred->numvar == 0)
			for (int j = first; j <= last; j++)
				run[j] = Min(high, n - j);
		else
			level_runs(pred, high, t, first, Max(first, whi), run);

		/* mark [j + low, j + run[j]] within the window, then sum up */
		for (int j = wlo; j <= whi + 1; j++)
			cover[j] = 0;
		for (int j = first; j <= Min(last, whi); j++)
		{
			int			from = Max(j + low, wlo);
			int			to = Min(j + run[j], whi);

			if (reach[j] && run[j] >= low && from <= to)
			{
				cover[from]++;
				cover[to + 1]--;
			}
		}
		for (int j = wlo; j <= whi; j++)
		{
			depth += cover[j];
			reach[j] = depth > 0;
			if (reach[j])
			{
				if (newfirst < 0)
					newfirst = j;
				newlast = j;
			}
		}
		first = newfirst;
		last = newlast;
	}
	pfree(rest_low);
	pfree(rest_high);
	/* after the last level the window is [n, n] */
	return first >= 0 && last == n;
}

/* Does the stored form data[0..len) match the query? */
bool
tagquery_match_bytes(const TagQuery *query, const char *data, int len)
{
	MatchPath	mp;
	bool		result;

	match_path_init(&mp, data, len);
	result = match_levels(query, &mp);
	match_path_free(&mp);
	return result;
}

/*
 * Does the stored form data[0..len) match any of n queries?  The path is
 * split once for them all.
 */
bool
tagquery_match_any_bytes(Datum *queries, int n, const char *data, int len)
{
	MatchPath	mp;
	bool		result = false;

	match_path_init(&mp, data, len);
	for (int i = 0; i < n && !result; i++)
	{
		CHECK_FOR_INTERRUPTS();
		result = match_levels(DatumGetTagQueryP(queries[i]), &mp);
	}
	match_path_free(&mp);
	return result;
}

/* Does the path match the query? */
bool
tagquery_match(const TagQuery *query, const TagPath *path)
{
	return tagquery_match_bytes(query, TAGPATH_DATA(path), TAGPATH_LEN(path));
}

/* tagpath ~ tagquery */
PG_FUNCTION_INFO_V1(tagpath_matches);
Datum
tagpath_matches(PG_FUNCTION_ARGS)
{
	TagPath    *path = PG_GETARG_TAGPATH_P(0);
	TagQuery   *query = PG_GETARG_TAGQUERY_P(1);
	bool		result = tagquery_match(query, path);

	PG_FREE_IF_COPY(path, 0);
	PG_FREE_IF_COPY(query, 1);
	PG_RETURN_BOOL(result);
}

/* tagquery ~ tagpath */
PG_FUNCTION_INFO_V1(tagpath_matches_commuted);
Datum
tagpath_matches_commuted(PG_FUNCTION_ARGS)
{
	TagPath    *path = PG_GETARG_TAGPATH_P(1);
	TagQuery   *query = PG_GETARG_TAGQUERY_P(0);
	bool		result = tagquery_match(query, path);

	PG_FREE_IF_COPY(path, 1);
	PG_FREE_IF_COPY(query, 0);
	PG_RETURN_BOOL(result);
}

/* Does the path match any query of a tagquery[]? */
bool
tagquery_array_match(ArrayType *queries, const TagPath *path)
{
	Datum	   *elems;
	int			n;

	tagstore_check_array(queries);
	deconstruct_array(queries, ARR_ELEMTYPE(queries), -1, false, TYPALIGN_INT,
					  &elems, NULL, &n);
	return tagquery_match_any_bytes(elems, n, TAGPATH_DATA(path), TAGPATH_LEN(path));
}

/* tagpath ? tagquery[] */
PG_FUNCTION_INFO_V1(tagpath_matches_any);
Datum
tagpath_matches_any(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tagquery_array_match(PG_GETARG_ARRAYTYPE_P(1), PG_GETARG_TAGPATH_P(0)));
}

/* tagquery[] ? tagpath */
PG_FUNCTION_INFO_V1(tagpath_matches_any_commuted);
Datum
tagpath_matches_any_commuted(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tagquery_array_match(PG_GETARG_ARRAYTYPE_P(0), PG_GETARG_TAGPATH_P(1)));
}
