/*
 * tagpath_array_gist.c
 *	  GiST opclass for tagpath[]: gist__tagpath_ops.
 *
 * An array of paths (an entity's tags, say) has no single place in the key
 * order, so this opclass is a plain signature tree: each key is the OR of
 * one bit per folded label of every element, plus a flag for an element
 * that is the empty path.  Every answer is rechecked.
 *
 *	arr @> q	some element is an ancestor of q: it holds q's first label,
 *				unless it is the empty path
 *	arr <@ q	some element is a descendant of q: it holds all q's labels
 *	arr ~ pq	some element can match: see tagstore_sig_may_match()
 *	arr @ tq	likewise, see tagtxtquery_sig_may_match()
 *
 * The signature length is the option "siglen" (default 128 bytes).
 */
#include "postgres.h"

#include "access/gist.h"
#include "access/reloptions.h"
#include "port/pg_bitutils.h"

#include "tagpath.h"

#define TAK_ALLTRUE		0x01	/* signature all ones, so not stored */
#define TAK_HAS_EMPTY	0x02	/* some element is the empty path */

typedef struct TagArrayKey
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		flags;			/* TAK_* */
	char		sig[FLEXIBLE_ARRAY_MEMBER];
} TagArrayKey;

#define TAK_HDRSIZE		offsetof(TagArrayKey, sig)
#define TAK_SIG(k)		(((k)->flags & TAK_ALLTRUE) ? NULL : (BITVECP) (k)->sig)

static int
gist_siglen(FunctionCallInfo fcinfo)
{
	return PG_HAS_OPCLASS_OPTIONS() ?
		((TagstoreGistOptions *) PG_GET_OPCLASS_OPTIONS())->siglen :
		TAGPATH_ARRAY_GIST_SIGLEN_DEFAULT;
}

/* Packs a key, dropping an all-ones signature. */
static TagArrayKey *
key_make(uint8 flags, BITVECP sig, int siglen)
{
	bool		alltrue = (sig == NULL);
	TagArrayKey *key;

	for (int i = 0; !alltrue && i < siglen && sig[i] == 0xFF; i++)
		alltrue = (i == siglen - 1);
	if (alltrue)
		flags |= TAK_ALLTRUE;
	else
		flags &= ~TAK_ALLTRUE;
	key = palloc0(TAK_HDRSIZE + (alltrue ? 0 : siglen));
	SET_VARSIZE(key, TAK_HDRSIZE + (alltrue ? 0 : siglen));
	key->flags = flags;
	if (!alltrue)
		memcpy(key->sig, sig, siglen);
	return key;
}

/* Number of bits set in b and not in a (all ones counts as all set). */
static int
added_bits(const TagArrayKey *a, const TagArrayKey *b, int siglen)
{
	BITVECP		sa = TAK_SIG(a);
	BITVECP		sb = TAK_SIG(b);
	int			n = 0;

	if (sa == NULL)
		return 0;
	for (int i = 0; i < siglen; i++)
		n += pg_number_of_ones[(sb ? sb[i] : 0xFF) & ~sa[i]];
	return n;
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_options);
Datum
tagpath_array_gist_options(PG_FUNCTION_ARGS)
{
	tagstore_gist_options((local_relopts *) PG_GETARG_POINTER(0), TAGPATH_ARRAY_GIST_SIGLEN_DEFAULT);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_compress);
Datum
tagpath_array_gist_compress(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	int			siglen = gist_siglen(fcinfo);
	ArrayType  *arr;
	Datum	   *elems;
	int			n;
	BITVECP		sig;
	uint8		flags = 0;
	GISTENTRY  *retval;

	if (!entry->leafkey)
		PG_RETURN_POINTER(entry);

	arr = DatumGetArrayTypeP(entry->key);
	tagstore_check_array(arr);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, NULL, &n);
	sig = palloc0(siglen);
	for (int i = 0; i < n; i++)
	{
		TagPath    *p = DatumGetTagPathP(elems[i]);

		CHECK_FOR_INTERRUPTS();
		if (TAGPATH_LEN(p) == 0)
			flags |= TAK_HAS_EMPTY;
		tagstore_sig_add_path(sig, siglen, TAGPATH_DATA(p), TAGPATH_LEN(p));
	}

	retval = palloc(sizeof(GISTENTRY));
	gistentryinit(*retval, PointerGetDatum(key_make(flags, sig, siglen)),
				  entry->rel, entry->page, entry->offset, false);
	PG_RETURN_POINTER(retval);
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_decompress);
Datum
tagpath_array_gist_decompress(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(tagstore_gist_detoast((GISTENTRY *) PG_GETARG_POINTER(0)));
}

/* Could some path of the key match the query? */
static bool
may_match_any(BITVECP sig, int siglen, ArrayType *queries)
{
	Datum	   *elems;
	int			n;

	tagstore_check_array(queries);
	deconstruct_array(queries, ARR_ELEMTYPE(queries), -1, false, TYPALIGN_INT, &elems, NULL, &n);
	for (int i = 0; i < n; i++)
		if (tagstore_sig_may_match(sig, siglen, DatumGetTagQueryP(elems[i])))
			return true;
	return false;
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_consistent);
Datum
tagpath_array_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(4);
	int			siglen = gist_siglen(fcinfo);
	TagArrayKey *key = (TagArrayKey *) DatumGetPointer(entry->key);
	BITVECP		sig = TAK_SIG(key);
	TagPath    *q;
	TagLabelIter it;
	TagLabel	first;

	*recheck = true;
	switch (strategy)
	{
		case TAGPATH_ARRAY_ANCESTOR_STRATEGY:
			if (key->flags & TAK_HAS_EMPTY)
				PG_RETURN_BOOL(true);
			q = PG_GETARG_TAGPATH_P(1);
			tagpath_iter_init(&it, TAGPATH_DATA(q), TAGPATH_LEN(q));
			if (!tagpath_iter_next(&it, &first))
				PG_RETURN_BOOL(false);
			PG_RETURN_BOOL(sig == NULL ||
						   TAGSTORE_SIG_TEST(sig, siglen, tagstore_label_hash(first.name, first.len)));
		case TAGPATH_ARRAY_DESCENDANT_STRATEGY:
			q = PG_GETARG_TAGPATH_P(1);
			PG_RETURN_BOOL(tagstore_sig_has_path(sig, siglen, TAGPATH_DATA(q), TAGPATH_LEN(q)));
		case TAGPATH_ARRAY_MATCH_STRATEGY:
			PG_RETURN_BOOL(tagstore_sig_may_match(sig, siglen, PG_GETARG_TAGQUERY_P(1)));
		case TAGPATH_ARRAY_TXTMATCH_STRATEGY:
			PG_RETURN_BOOL(tagtxtquery_sig_may_match(PG_GETARG_DATUM(1), sig, siglen));
		case TAGPATH_ARRAY_MATCH_ANY_STRATEGY:
			PG_RETURN_BOOL(may_match_any(sig, siglen, PG_GETARG_ARRAYTYPE_P(1)));
		default:
			elog(ERROR, "unrecognized tagpath[] GiST strategy number: %d", strategy);
	}
	PG_RETURN_BOOL(false);		/* keep compiler quiet */
}

/* OR of keys[from..to) of a vector, or of the listed offsets. */
static TagArrayKey *
key_union(GISTENTRY *vector, OffsetNumber *offsets, int n, int siglen)
{
	BITVECP		sig = palloc0(siglen);
	uint8		flags = 0;

	for (int i = 0; i < n; i++)
	{
		TagArrayKey *k = (TagArrayKey *) DatumGetPointer(vector[offsets[i]].key);
		BITVECP		ks = TAK_SIG(k);

		flags |= k->flags & TAK_HAS_EMPTY;
		if (ks == NULL)
			return key_make(flags, NULL, siglen);
		for (int b = 0; b < siglen; b++)
			sig[b] |= ks[b];
	}
	return key_make(flags, sig, siglen);
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_union);
Datum
tagpath_array_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	int		   *size = (int *) PG_GETARG_POINTER(1);
	OffsetNumber *offsets = palloc(sizeof(OffsetNumber) * entryvec->n);
	TagArrayKey *result;

	for (int i = 0; i < entryvec->n; i++)
		offsets[i] = i;
	result = key_union(entryvec->vector, offsets, entryvec->n, gist_siglen(fcinfo));
	*size = VARSIZE(result);
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(tagpath_array_gist_penalty);
Datum
tagpath_array_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY  *origentry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY  *newentry = (GISTENTRY *) PG_GETARG_POINTER(1);
	float	   *penalty = (float *) PG_GETARG_POINTER(2);

	*penalty = added_bits((TagArrayKey *) DatumGetPointer(origentry->key),
						  (TagArrayKey *) DatumGetPointer(newentry->key),
						  gist_siglen(fcinfo));
	PG_RETURN_POINTER(penalty);
}

/*
 * Guttman's quadratic split on signatures: the two keys that differ most
 * seed the halves; each other key goes where it adds fewer bits.
 */
PG_FUNCTION_INFO_V1(tagpath_array_gist_picksplit);
Datum
tagpath_array_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *v = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	int			siglen = gist_siglen(fcinfo);
	OffsetNumber maxoff = entryvec->n - 1;
	OffsetNumber seed_l = FirstOffsetNumber,
				seed_r = OffsetNumberNext(FirstOffsetNumber);
	int			worst = -1;
	TagArrayKey *left,
			   *right;

#define KEY(i) ((TagArrayKey *) DatumGetPointer(entryvec->vector[i].key))

	for (OffsetNumber i = FirstOffsetNumber; i < maxoff; i++)
		for (OffsetNumber j = OffsetNumberNext(i); j <= maxoff; j++)
		{
			int			d = added_bits(KEY(i), KEY(j), siglen) + added_bits(KEY(j), KEY(i), siglen);

			if (d > worst)
			{
				worst = d;
				seed_l = i;
				seed_r = j;
			}
		}

	v->spl_left = palloc(sizeof(OffsetNumber) * (maxoff + 1));
	v->spl_right = palloc(sizeof(OffsetNumber) * (maxoff + 1));
	v->spl_nleft = v->spl_nright = 0;
	left = KEY(seed_l);
	right = KEY(seed_r);
	for (OffsetNumber i = FirstOffsetNumber; i <= maxoff; i++)
	{
		bool		to_left;

		if (i == seed_l)
			to_left = true;
		else if (i == seed_r)
			to_left = false;
		else
		{
			int			dl = added_bits(left, KEY(i), siglen);
			int			dr = added_bits(right, KEY(i), siglen);

			to_left = dl < dr || (dl == dr && v->spl_nleft <= v->spl_nright);
		}
		if (to_left)
		{
			v->spl_left[v->spl_nleft++] = i;
			left = key_union(entryvec->vector, v->spl_left, v->spl_nleft, siglen);
		}
		else
		{
			v->spl_right[v->spl_nright++] = i;
			right = key_union(entryvec->vector, v->spl_right, v->spl_nright, siglen);
		}
	}
#undef KEY

	v->spl_ldatum = PointerGetDatum(left);
	v->spl_rdatum = PointerGetDatum(right);
	PG_RETURN_POINTER(v);
}
