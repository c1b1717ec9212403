/*
 * tagpath_op.c
 *	  Comparison, hashing, ancestry and path functions for tagpath.
 *
 * Every function here gives contrib ltree's answer on ltree's inputs,
 * including ltree's quirks (lca of one path is its parent; subpath's
 * handling of negative offsets), so that code written for ltree keeps its
 * meaning.  Thanks to the stored form (see tagpath.h) most of them are a
 * memcmp or a memchr.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "utils/builtins.h"

#include "tagpath.h"

/* Number of labels in a path. */
int
tagpath_nlevel(const TagPath *p)
{
	const char *s = TAGPATH_DATA(p);
	int			len = TAGPATH_LEN(p);
	int			n;

	if (len == 0)
		return 0;
	n = 1;
	for (const char *q = s; (q = memchr(q, TAGPATH_SEP, s + len - q)) != NULL; q++)
		n++;
	return n;
}

/* Splits a path into its labels; returns how many. */
static int
tagpath_split(const TagPath *p, TagLabel **labels)
{
	int			n = tagpath_nlevel(p);
	TagLabelIter it;
	int			i = 0;

	*labels = palloc(sizeof(TagLabel) * Max(n, 1));
	tagpath_iter_init(&it, TAGPATH_DATA(p), TAGPATH_LEN(p));
	while (tagpath_iter_next(&it, &(*labels)[i]))
		i++;
	return n;
}

/* The path made of labels [start, end) of a split path. */
static TagPath *
tagpath_slice(TagLabel *labels, int start, int end)
{
	const char *from;
	const char *to;

	if (start >= end)
		return tagpath_from_bytes("", 0);
	from = labels[start].name;
	to = labels[end - 1].name + labels[end - 1].len;
	return tagpath_from_bytes(from, to - from);
}

/* Three-way comparison in ltree's order: plain memcmp of the stored forms. */
int
tagpath_cmp_internal(const TagPath *a, const TagPath *b)
{
	int			alen = TAGPATH_LEN(a);
	int			blen = TAGPATH_LEN(b);
	int			r = memcmp(TAGPATH_DATA(a), TAGPATH_DATA(b), Min(alen, blen));

	if (r != 0)
		return r < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

/* Is ancestor equal to descendant or one of its ancestors? */
bool
tagpath_is_ancestor(const TagPath *ancestor, const TagPath *descendant)
{
	int			alen = TAGPATH_LEN(ancestor);
	int			dlen = TAGPATH_LEN(descendant);

	if (alen > dlen || memcmp(TAGPATH_DATA(ancestor), TAGPATH_DATA(descendant), alen) != 0)
		return false;
	return alen == 0 || alen == dlen || TAGPATH_DATA(descendant)[alen] == TAGPATH_SEP;
}

/*
 * The smallest path greater than every path in p's subtree: p with a space
 * appended to its last label.  p must not be empty.
 */
TagPath *
tagpath_subtree_upper(const TagPath *p)
{
	int			len = TAGPATH_LEN(p);
	TagPath    *result = palloc(VARHDRSZ + len + 1);

	Assert(len > 0);
	SET_VARSIZE(result, VARHDRSZ + len + 1);
	memcpy(result->data, TAGPATH_DATA(p), len);
	result->data[len] = ' ';
	return result;
}

/* a || b, checking the level limit. */
TagPath *
tagpath_concat(const TagPath *a, const TagPath *b)
{
	int			alen = TAGPATH_LEN(a);
	int			blen = TAGPATH_LEN(b);
	int			nlevels = tagpath_nlevel(a) + tagpath_nlevel(b);
	Size		len;
	TagPath    *result;

	if (nlevels > TAGPATH_MAX_LEVELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of tagpath levels (%d) exceeds the maximum allowed (%d)",
						nlevels, TAGPATH_MAX_LEVELS)));
	if (alen == 0)
		return tagpath_from_bytes(TAGPATH_DATA(b), blen);
	if (blen == 0)
		return tagpath_from_bytes(TAGPATH_DATA(a), alen);

	len = add_size(add_size(alen, blen), 1);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tagpath is too long")));
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(result->data, TAGPATH_DATA(a), alen);
	result->data[alen] = TAGPATH_SEP;
	memcpy(result->data + alen + 1, TAGPATH_DATA(b), blen);
	return result;
}

/*
 * Longest common ancestor, as ltree computes it: NULL if any input is
 * empty; otherwise the longest common prefix that is a proper ancestor of
 * every input (so the lca of a single path is its parent).
 */
TagPath *
tagpath_lca_internal(TagPath **paths, int n)
{
	TagLabel   *first;
	int			nfirst;
	int			common;

	if (n <= 0 || TAGPATH_LEN(paths[0]) == 0)
		return NULL;
	nfirst = tagpath_split(paths[0], &first);
	common = nfirst - 1;

	for (int i = 1; i < n; i++)
	{
		TagLabelIter it;
		TagLabel	label;
		int			nother = tagpath_nlevel(paths[i]);
		int			limit;
		int			k = 0;

		CHECK_FOR_INTERRUPTS();
		if (nother == 0)
			return NULL;
		limit = Min(common, nother - 1);
		tagpath_iter_init(&it, TAGPATH_DATA(paths[i]), TAGPATH_LEN(paths[i]));
		while (k < limit && tagpath_iter_next(&it, &label) &&
			   label.len == first[k].len &&
			   memcmp(label.name, first[k].name, label.len) == 0)
			k++;
		common = k;
	}
	return tagpath_slice(first, 0, common);
}

#define TAGPATH_CMP_FN(name, test) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	TagPath    *a = PG_GETARG_TAGPATH_P(0); \
	TagPath    *b = PG_GETARG_TAGPATH_P(1); \
	int			r = tagpath_cmp_internal(a, b); \
\
	PG_FREE_IF_COPY(a, 0); \
	PG_FREE_IF_COPY(b, 1); \
	PG_RETURN_BOOL(test); \
}

TAGPATH_CMP_FN(tagpath_lt, r < 0)
TAGPATH_CMP_FN(tagpath_le, r <= 0)
TAGPATH_CMP_FN(tagpath_eq, r == 0)
TAGPATH_CMP_FN(tagpath_ne, r != 0)
TAGPATH_CMP_FN(tagpath_ge, r >= 0)
TAGPATH_CMP_FN(tagpath_gt, r > 0)

PG_FUNCTION_INFO_V1(tagpath_cmp);
Datum
tagpath_cmp(PG_FUNCTION_ARGS)
{
	TagPath    *a = PG_GETARG_TAGPATH_P(0);
	TagPath    *b = PG_GETARG_TAGPATH_P(1);
	int			r = tagpath_cmp_internal(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_INT32(r);
}

/* Equal paths have equal stored bytes, so hashing the bytes is consistent with =. */
PG_FUNCTION_INFO_V1(tagpath_hash);
Datum
tagpath_hash(PG_FUNCTION_ARGS)
{
	TagPath    *p = PG_GETARG_TAGPATH_P(0);
	Datum		h = hash_any((const unsigned char *) TAGPATH_DATA(p), TAGPATH_LEN(p));

	PG_FREE_IF_COPY(p, 0);
	PG_RETURN_DATUM(h);
}

PG_FUNCTION_INFO_V1(tagpath_hash_extended);
Datum
tagpath_hash_extended(PG_FUNCTION_ARGS)
{
	TagPath    *p = PG_GETARG_TAGPATH_P(0);
	Datum		h = hash_any_extended((const unsigned char *) TAGPATH_DATA(p),
									  TAGPATH_LEN(p), PG_GETARG_INT64(1));

	PG_FREE_IF_COPY(p, 0);
	PG_RETURN_DATUM(h);
}

/* a @> b: a is b or an ancestor of b. */
PG_FUNCTION_INFO_V1(tagpath_isparent);
Datum
tagpath_isparent(PG_FUNCTION_ARGS)
{
	TagPath    *a = PG_GETARG_TAGPATH_P(0);
	TagPath    *b = PG_GETARG_TAGPATH_P(1);
	bool		r = tagpath_is_ancestor(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(r);
}

/* a <@ b: a is b or a descendant of b. */
PG_FUNCTION_INFO_V1(tagpath_risparent);
Datum
tagpath_risparent(PG_FUNCTION_ARGS)
{
	TagPath    *a = PG_GETARG_TAGPATH_P(0);
	TagPath    *b = PG_GETARG_TAGPATH_P(1);
	bool		r = tagpath_is_ancestor(b, a);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(r);
}

PG_FUNCTION_INFO_V1(tagpath_nlevel_sql);
Datum
tagpath_nlevel_sql(PG_FUNCTION_ARGS)
{
	TagPath    *p = PG_GETARG_TAGPATH_P(0);
	int			n = tagpath_nlevel(p);

	PG_FREE_IF_COPY(p, 0);
	PG_RETURN_INT32(n);
}

/* Labels [start, end) of t, with ltree's subltree() checks. */
static TagPath *
tagpath_subltree_internal(const TagPath *t, int32 start, int32 end)
{
	TagLabel   *labels;
	int			n = tagpath_split(t, &labels);

	if (start < 0 || end < 0 || start >= n || start > end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid positions"),
				 errdetail("The path has %d levels; positions %d to %d do not select part of it.",
						   n, start, end)));
	if (end > n)
		end = n;
	return tagpath_slice(labels, start, end);
}

PG_FUNCTION_INFO_V1(tagpath_subltree);
Datum
tagpath_subltree(PG_FUNCTION_ARGS)
{
	TagPath    *t = PG_GETARG_TAGPATH_P(0);

	PG_RETURN_TAGPATH_P(tagpath_subltree_internal(t, PG_GETARG_INT32(1), PG_GETARG_INT32(2)));
}

/*
 * subpath(t, offset [, len]): len labels from offset; a negative offset
 * counts from the end, a negative len leaves that many off the end.
 */
PG_FUNCTION_INFO_V1(tagpath_subpath);
Datum
tagpath_subpath(PG_FUNCTION_ARGS)
{
	TagPath    *t = PG_GETARG_TAGPATH_P(0);
	int			n = tagpath_nlevel(t);
	int32		start = PG_GETARG_INT32(1);
	bool		has_len = (PG_NARGS() == 3);
	int32		len = has_len ? PG_GETARG_INT32(2) : 0;
	int32		end;

	/* ltree adds the length twice over for a negative start: keep it so */
	if (start < 0)
		start = n + start;
	if (start < 0)
		start = n + start;

	if (len < 0)
		end = n + len;
	else if (len == 0)
		end = has_len ? start : PG_UINT16_MAX;
	else
		end = start + len;

	PG_RETURN_TAGPATH_P(tagpath_subltree_internal(t, start, end));
}

/* index(a, b [, offset]): level of the first occurrence of b in a, or -1. */
PG_FUNCTION_INFO_V1(tagpath_index);
Datum
tagpath_index(PG_FUNCTION_ARGS)
{
	TagPath    *a = PG_GETARG_TAGPATH_P(0);
	TagPath    *b = PG_GETARG_TAGPATH_P(1);
	int			start = (PG_NARGS() == 3) ? PG_GETARG_INT32(2) : 0;
	TagLabel   *alabels,
			   *blabels;
	int			an = tagpath_split(a, &alabels);
	int			bn = tagpath_split(b, &blabels);

	if (start < 0)
		start = (-start >= an) ? 0 : an + start;
	if (an - start < bn || an == 0 || bn == 0)
		PG_RETURN_INT32(-1);

	for (int i = start; i <= an - bn; i++)
	{
		int			j;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < bn; j++)
			if (alabels[i + j].len != blabels[j].len ||
				memcmp(alabels[i + j].name, blabels[j].name, blabels[j].len) != 0)
				break;
		if (j == bn)
			PG_RETURN_INT32(i);
	}
	PG_RETURN_INT32(-1);
}

PG_FUNCTION_INFO_V1(tagpath_addtagpath);
Datum
tagpath_addtagpath(PG_FUNCTION_ARGS)
{
	PG_RETURN_TAGPATH_P(tagpath_concat(PG_GETARG_TAGPATH_P(0), PG_GETARG_TAGPATH_P(1)));
}

/* tagpath || text: the text is read as a tagpath literal. */
PG_FUNCTION_INFO_V1(tagpath_addtext);
Datum
tagpath_addtext(PG_FUNCTION_ARGS)
{
	TagPath    *b = tagpath_from_cstring(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	PG_RETURN_TAGPATH_P(tagpath_concat(PG_GETARG_TAGPATH_P(0), b));
}

PG_FUNCTION_INFO_V1(tagpath_textadd);
Datum
tagpath_textadd(PG_FUNCTION_ARGS)
{
	TagPath    *a = tagpath_from_cstring(text_to_cstring(PG_GETARG_TEXT_PP(0)));

	PG_RETURN_TAGPATH_P(tagpath_concat(a, PG_GETARG_TAGPATH_P(1)));
}

/* lca(variadic): see tagpath_lca_internal. */
PG_FUNCTION_INFO_V1(tagpath_lca);
Datum
tagpath_lca(PG_FUNCTION_ARGS)
{
	int			n = PG_NARGS();
	TagPath   **paths = palloc(sizeof(TagPath *) * n);
	TagPath    *result;

	for (int i = 0; i < n; i++)
		paths[i] = PG_GETARG_TAGPATH_P(i);
	result = tagpath_lca_internal(paths, n);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TAGPATH_P(result);
}

/* parent(p): p without its last label; NULL for the empty path. */
PG_FUNCTION_INFO_V1(tagpath_parent);
Datum
tagpath_parent(PG_FUNCTION_ARGS)
{
	TagPath    *p = PG_GETARG_TAGPATH_P(0);
	int			len = TAGPATH_LEN(p);
	const char *data = TAGPATH_DATA(p);
	int			cut = len;

	if (len == 0)
		PG_RETURN_NULL();
	while (cut > 0 && data[cut - 1] != TAGPATH_SEP)
		cut--;
	/* cut is now just past the last separator, or 0 */
	PG_RETURN_TAGPATH_P(tagpath_from_bytes(data, cut > 0 ? cut - 1 : 0));
}

/* leaf(p): the last label as text; NULL for the empty path. */
PG_FUNCTION_INFO_V1(tagpath_leaf);
Datum
tagpath_leaf(PG_FUNCTION_ARGS)
{
	TagPath    *p = PG_GETARG_TAGPATH_P(0);
	int			len = TAGPATH_LEN(p);
	const char *data = TAGPATH_DATA(p);
	int			start = len;

	if (len == 0)
		PG_RETURN_NULL();
	while (start > 0 && data[start - 1] != TAGPATH_SEP)
		start--;
	PG_RETURN_TEXT_P(cstring_to_text_with_len(data + start, len - start));
}
