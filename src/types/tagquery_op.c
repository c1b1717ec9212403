/*
 * tagquery_op.c
 *	  Matching a tagpath against a tagquery (the ~ and ? operators).
 *
 * A query is a sequence of levels, each matching between low and high
 * consecutive labels.  We try the possible repeat counts of each level in
 * turn, backtracking, exactly as lquery does: '*' levels make this a search,
 * so it checks for interrupts and stack depth.
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

/* Do query levels [q, q+nq) match labels [t, t+nt) exactly? */
static bool
match_from(const TagQueryLevel *q, int nq, const TagLabel *t, int nt)
{
	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	while (nq > 0)
	{
		int			low = q->low;
		int			high = Min((int) q->high, nt);
		const TagQueryLevel *next = TQL_NEXT(q);

		if (high < low)
			return false;
		nq--;
		for (int count = 0; count < high; count++)
		{
			if (count >= low && match_from(next, nq, t, nt))
				return true;
			if (!level_matches(q, t))
				return false;
			t++;
			nt--;
		}
		q = next;
	}
	return nt == 0;
}

/* Does the stored form data[0..len) match the query? */
bool
tagquery_match_bytes(const TagQuery *query, const char *data, int len)
{
	int			cap = 16;
	TagLabel   *labels = palloc(sizeof(TagLabel) * cap);
	int			n = 0;
	TagLabelIter it;
	bool		result;

	tagpath_iter_init(&it, data, len);
	for (;;)
	{
		if (n == cap)
		{
			cap *= 2;
			labels = repalloc(labels, sizeof(TagLabel) * cap);
		}
		if (!tagpath_iter_next(&it, &labels[n]))
			break;
		n++;
	}
	result = match_from(TAGQUERY_FIRST(query), query->numlevel, labels, n);
	pfree(labels);
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
	for (int i = 0; i < n; i++)
		if (tagquery_match(DatumGetTagQueryP(elems[i]), path))
			return true;
	return false;
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
