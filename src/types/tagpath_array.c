/*
 * tagpath_array.c
 *	  Operators on tagpath[]: "does some element ...", the ?-extractors that
 *	  return the first such element, and lca() of an array.
 *
 * Each operator is one search over the array with a predicate, so all of
 * them share array_find().
 */
#include "postgres.h"

#include "utils/array.h"

#include "tagpath.h"

typedef bool (*ElemPredicate) (const TagPath *elem, const void *arg);

/* a varlena argument, detoasted, of a type this file need not know */
#define PG_GETARG_POINTER_DETOASTED(n)	((void *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* The first element of arr satisfying pred, or NULL. */
static TagPath *
array_find(ArrayType *arr, ElemPredicate pred, const void *arg)
{
	Datum	   *elems;
	int			n;

	tagstore_check_array(arr);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, NULL, &n);
	for (int i = 0; i < n; i++)
	{
		TagPath    *elem = DatumGetTagPathP(elems[i]);

		CHECK_FOR_INTERRUPTS();
		if (pred(elem, arg))
			return elem;
	}
	return NULL;
}

static bool
elem_is_ancestor(const TagPath *elem, const void *q)
{
	return tagpath_is_ancestor(elem, q);
}

static bool
elem_is_descendant(const TagPath *elem, const void *q)
{
	return tagpath_is_ancestor(q, elem);
}

static bool
elem_matches(const TagPath *elem, const void *query)
{
	return tagquery_match(query, elem);
}

static bool
elem_matches_any(const TagPath *elem, const void *queries)
{
	return tagquery_array_match((ArrayType *) queries, elem);
}

static bool
elem_txtmatches(const TagPath *elem, const void *query)
{
	return tagtxtquery_match_datum(PointerGetDatum(query), elem);
}

/* Defines a boolean operator "some element of the array argument satisfies pred". */
#define ARRAY_ANY_FN(name, arrarg, pred, getother) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(arrarg); \
	bool		found = array_find(arr, pred, getother(1 - (arrarg))) != NULL; \
\
	PG_FREE_IF_COPY(arr, arrarg); \
	PG_RETURN_BOOL(found); \
}

/* Defines an extractor "the first element of the array satisfying pred". */
#define ARRAY_FIND_FN(name, pred, getother) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	TagPath    *found = array_find(PG_GETARG_ARRAYTYPE_P(0), pred, getother(1)); \
\
	if (found == NULL) \
		PG_RETURN_NULL(); \
	PG_RETURN_TAGPATH_P(tagpath_from_bytes(TAGPATH_DATA(found), TAGPATH_LEN(found))); \
}

/* tagpath[] @> tagpath, tagpath <@ tagpath[]: some element is an ancestor */
ARRAY_ANY_FN(_tagpath_isparent, 0, elem_is_ancestor, PG_GETARG_TAGPATH_P)
ARRAY_ANY_FN(_tagpath_r_isparent, 1, elem_is_ancestor, PG_GETARG_TAGPATH_P)
/* tagpath[] <@ tagpath, tagpath @> tagpath[]: some element is a descendant */
ARRAY_ANY_FN(_tagpath_risparent, 0, elem_is_descendant, PG_GETARG_TAGPATH_P)
ARRAY_ANY_FN(_tagpath_r_risparent, 1, elem_is_descendant, PG_GETARG_TAGPATH_P)
/* tagpath[] ~ tagquery, tagquery ~ tagpath[] */
ARRAY_ANY_FN(_tagpath_matches, 0, elem_matches, PG_GETARG_TAGQUERY_P)
ARRAY_ANY_FN(_tagpath_matches_commuted, 1, elem_matches, PG_GETARG_TAGQUERY_P)
/* tagpath[] ? tagquery[], tagquery[] ? tagpath[] */
ARRAY_ANY_FN(_tagpath_matches_any, 0, elem_matches_any, PG_GETARG_ARRAYTYPE_P)
ARRAY_ANY_FN(_tagpath_matches_any_commuted, 1, elem_matches_any, PG_GETARG_ARRAYTYPE_P)

/* tagpath[] @ tagtxtquery, tagtxtquery @ tagpath[] */
ARRAY_ANY_FN(_tagpath_txtmatches, 0, elem_txtmatches, PG_GETARG_POINTER_DETOASTED)
ARRAY_ANY_FN(_tagpath_txtmatches_commuted, 1, elem_txtmatches, PG_GETARG_POINTER_DETOASTED)

/* tagpath[] ?@> tagpath, ?<@, ?~, ?@: the first such element */
ARRAY_FIND_FN(_tagpath_extract_isparent, elem_is_ancestor, PG_GETARG_TAGPATH_P)
ARRAY_FIND_FN(_tagpath_extract_risparent, elem_is_descendant, PG_GETARG_TAGPATH_P)
ARRAY_FIND_FN(_tagpath_extract_matches, elem_matches, PG_GETARG_TAGQUERY_P)
ARRAY_FIND_FN(_tagpath_extract_txtmatches, elem_txtmatches, PG_GETARG_POINTER_DETOASTED)

/* lca(tagpath[]): as lca() of the elements; NULL for an empty array. */
PG_FUNCTION_INFO_V1(_tagpath_lca);
Datum
_tagpath_lca(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	int			n;
	TagPath   **paths;
	TagPath    *result;

	tagstore_check_array(arr);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, NULL, &n);
	paths = palloc(sizeof(TagPath *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		paths[i] = DatumGetTagPathP(elems[i]);
	result = tagpath_lca_internal(paths, n);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TAGPATH_P(result);
}
