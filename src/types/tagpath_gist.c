/*
 * tagpath_gist.c
 *	  GiST opclass for tagpath: gist_tagpath_ops.
 *
 * contrib ltree's GiST keeps, per inner entry, a 64-bit signature of label
 * hashes plus the leftmost and rightmost ltree below it.  On a taxonomy of
 * 100k distinct labels the signature saturates near the leaves, and the
 * whole-path bounds make deep paths overflow the index row limit.
 *
 * This opclass leans on the stored form instead (see tagpath.h): a subtree
 * is a key range, so an inner entry is mainly a range [lo, hi] of paths, as
 * in a btree, and picksplit keeps ranges apart by sorting.  Then
 *
 *		x <@ q		overlaps [q, q || ' ')			exact pruning
 *		x @> q		contains some prefix of q		exact pruning
 *		x = q, < q ...								exact pruning
 *		x ~ 'a.b.*.c@'	overlaps [a.b, a.b || ' ')	and the signature
 *		x @ 'a & b@'	the signature
 *
 * The signature (siglen bytes, option "siglen", default 256) holds one bit
 * per folded label below the entry; since entries cover contiguous subtrees
 * their label sets stay local, so it remains selective for unanchored
 * patterns ('*.mammal.*').  Labels are hashed after case folding, so a
 * case-insensitive variant tests the same bit as an exact one: the index and
 * a scan can never disagree on 'äpfel@'.
 *
 * Keys:
 *	- leaf, exact:	the path itself (paths up to TGK_EXACT_MAX bytes);
 *					consistent() answers exactly, no recheck
 *	- leaf, lossy:	longer paths: bounds cut to TGK_BOUND_MAX bytes and a
 *					signature; consistent() asks for a recheck
 *	- inner:		bounds cut to TGK_BOUND_MAX bytes and a signature
 *
 * A cut lower bound is a prefix, so still a lower bound.  A cut upper bound
 * h is flagged TGK_HI_PREFIX and stands for "every x whose first |h| bytes
 * are <= h".  So no key exceeds about 2.6 kB and paths of any depth index.
 */
#include "postgres.h"

#include "access/gist.h"
#include "access/reloptions.h"
#include "access/stratnum.h"
#include "port/pg_bitutils.h"

#include "tagpath.h"

#define TGK_EXACT_MAX	1024	/* longest path a leaf stores whole */
#define TGK_BOUND_MAX	256		/* longest bound an inner entry stores */

#define TGK_EXACT		0x01	/* leaf with the whole path; no signature */
#define TGK_ALLTRUE		0x02	/* signature all ones, so not stored */
#define TGK_HI_PREFIX	0x04	/* hi was cut: see header comment */

typedef struct TagGistKey
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		flags;			/* TGK_* */
	uint8		unused;
	uint16		lolen;			/* bytes of lo */
	uint16		hilen;			/* bytes of hi (0 for an exact leaf) */
	/* signature (unless TGK_EXACT or TGK_ALLTRUE), lo, hi */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} TagGistKey;

#define TGK_HDRSIZE		offsetof(TagGistKey, data)

/* A key unpacked for reading. */
typedef struct KeyView
{
	bool		exact;
	bool		hi_prefix;
	BITVECP		sig;			/* NULL: all ones (or exact, see path) */
	const char *lo;
	int			lolen;
	const char *hi;
	int			hilen;
} KeyView;

static void
key_view(const TagGistKey *key, int siglen, KeyView *v)
{
	const char *p = key->data;

	v->exact = (key->flags & TGK_EXACT) != 0;
	v->hi_prefix = (key->flags & TGK_HI_PREFIX) != 0;
	v->sig = NULL;
	if (!(key->flags & (TGK_EXACT | TGK_ALLTRUE)))
	{
		v->sig = (BITVECP) p;
		p += siglen;
	}
	v->lo = p;
	v->lolen = key->lolen;
	if (v->exact)
	{
		v->hi = v->lo;
		v->hilen = v->lolen;
	}
	else
	{
		v->hi = p + key->lolen;
		v->hilen = key->hilen;
	}
}

/* Packs a key from its parts; sig NULL means all ones. */
static TagGistKey *
key_make(uint8 flags, BITVECP sig, int siglen,
		 const char *lo, int lolen, const char *hi, int hilen)
{
	int			sigbytes = (flags & (TGK_EXACT | TGK_ALLTRUE)) ? 0 : siglen;
	Size		size = TGK_HDRSIZE + sigbytes + lolen + hilen;
	TagGistKey *key = palloc0(size);
	char	   *p = key->data;

	SET_VARSIZE(key, size);
	key->flags = flags;
	key->lolen = lolen;
	key->hilen = hilen;
	if (sigbytes)
	{
		memcpy(p, sig, siglen);
		p += siglen;
	}
	memcpy(p, lo, lolen);
	memcpy(p + lolen, hi, hilen);
	return key;
}

/* memcmp order on byte strings; a proper prefix sorts first. */
static int
bytes_cmp(const char *a, int alen, const char *b, int blen)
{
	int			r = memcmp(a, b, Min(alen, blen));

	if (r != 0)
		return r;
	return (alen > blen) - (alen < blen);
}

/* May the entry hold some x >= q (strict: x > q)? */
static bool
may_have_above(const KeyView *v, const char *q, int qlen, bool strict)
{
	int			r;

	if (v->hi_prefix)
		return memcmp(v->hi, q, Min(v->hilen, qlen)) >= 0;
	r = bytes_cmp(v->hi, v->hilen, q, qlen);
	return strict ? r > 0 : r >= 0;
}

/* May the entry hold some x <= q (strict: x < q)? */
static bool
may_have_below(const KeyView *v, const char *q, int qlen, bool strict)
{
	int			r = bytes_cmp(v->lo, v->lolen, q, qlen);

	return strict ? r < 0 : r <= 0;
}

/* May the entry hold q itself? */
static bool
may_have_equal(const KeyView *v, const char *q, int qlen)
{
	return may_have_below(v, q, qlen, false) && may_have_above(v, q, qlen, false);
}

/* May the entry hold some path in q's subtree, [q, q || ' ')? */
static bool
may_have_subtree(const KeyView *v, const char *q, int qlen)
{
	char	   *end;
	bool		result;

	if (qlen == 0)
		return true;
	if (!may_have_above(v, q, qlen, false))
		return false;
	end = palloc(qlen + 1);
	memcpy(end, q, qlen);
	end[qlen] = ' ';
	result = may_have_below(v, end, qlen + 1, true);
	pfree(end);
	return result;
}

/*
 * Signature helpers, shared with the tagpath[] opclass.
 */

/* Sets the bit of every label of a stored path. */
void
tagstore_sig_add_path(BITVECP sig, int siglen, const char *data, int len)
{
	TagLabelIter it;
	TagLabel	label;

	tagpath_iter_init(&it, data, len);
	while (tagpath_iter_next(&it, &label))
		TAGSTORE_SIG_SET(sig, siglen, tagstore_label_hash(label.name, label.len));
}

/* Are the bits of all labels of a stored path set? */
bool
tagstore_sig_has_path(BITVECP sig, int siglen, const char *data, int len)
{
	TagLabelIter it;
	TagLabel	label;

	if (sig == NULL)
		return true;
	tagpath_iter_init(&it, data, len);
	while (tagpath_iter_next(&it, &label))
		if (!TAGSTORE_SIG_TEST(sig, siglen, tagstore_label_hash(label.name, label.len)))
			return false;
	return true;
}

/*
 * Could some path whose labels are all in sig match the query?  Each level
 * that must match at least one label by whole-label comparison needs one of
 * its variants' bits.
 */
bool
tagstore_sig_may_match(BITVECP sig, int siglen, const TagQuery *query)
{
	const TagQueryLevel *level = TAGQUERY_FIRST(query);

	if (sig == NULL)
		return true;
	for (int i = 0; i < query->numlevel; i++, level = TQL_NEXT(level))
	{
		const TagQueryVariant *v = TQL_FIRST(level);
		bool		hit = false;

		if (level->numvar == 0 || level->low == 0 || (level->flags & TQL_NOT))
			continue;
		for (int j = 0; j < level->numvar && !hit; j++, v = TQV_NEXT(v))
			hit = (v->flags & (TQV_PREFIX | TQV_WORDS)) != 0 ||
				TAGSTORE_SIG_TEST(sig, siglen, tagstore_label_hash(v->name, v->len));
		if (!hit)
			return false;
	}
	return true;
}

/*
 * The stored form every match of the query starts with: its leading levels
 * that are a single plain label.  *whole tells if that is the entire query.
 */
static char *
query_anchor(const TagQuery *query, int *len, bool *whole)
{
	const TagQueryLevel *level = TAGQUERY_FIRST(query);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < query->numlevel; i++, level = TQL_NEXT(level))
	{
		const TagQueryVariant *v = TQL_FIRST(level);

		if (level->numvar != 1 || level->flags != 0 || level->low != 1 ||
			level->high != 1 || v->flags != 0)
			break;
		if (i > 0)
			appendStringInfoChar(&buf, TAGPATH_SEP);
		appendBinaryStringInfo(&buf, v->name, v->len);
	}
	*len = buf.len;
	*whole = (i == query->numlevel);
	return buf.data;
}

/* May an entry (inner or lossy leaf) hold a path matching the query? */
static bool
may_match(const KeyView *v, int siglen, const TagQuery *query)
{
	int			alen;
	bool		whole;
	char	   *anchor = query_anchor(query, &alen, &whole);
	bool		result;

	if (whole)
		result = may_have_equal(v, anchor, alen);
	else
		result = may_have_subtree(v, anchor, alen);
	pfree(anchor);
	return result && tagstore_sig_may_match(v->sig, siglen, query);
}

/* Does the entry pass the strategy's test?  Exact for exact leaves. */
static bool
key_consistent(const KeyView *v, int siglen, StrategyNumber strategy, Datum query)
{
	if (strategy == TAGPATH_MATCH_STRATEGY)
	{
		TagQuery   *q = DatumGetTagQueryP(query);

		return v->exact ? tagquery_match_bytes(q, v->lo, v->lolen) : may_match(v, siglen, q);
	}
	if (strategy == TAGPATH_TXTMATCH_STRATEGY)
		return v->exact ?
			tagtxtquery_match_datum(query, tagpath_from_bytes(v->lo, v->lolen)) :
			tagtxtquery_sig_may_match(query, v->sig, siglen);
	if (strategy == TAGPATH_MATCH_ANY_STRATEGY)
	{
		ArrayType  *arr = DatumGetArrayTypeP(query);
		Datum	   *elems;
		int			n;

		tagstore_check_array(arr);
		deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, NULL, &n);
		if (v->exact)
			return tagquery_match_any_bytes(elems, n, v->lo, v->lolen);
		for (int i = 0; i < n; i++)
		{
			CHECK_FOR_INTERRUPTS();
			if (may_match(v, siglen, DatumGetTagQueryP(elems[i])))
				return true;
		}
		return false;
	}
	else
	{
		TagPath    *p = DatumGetTagPathP(query);
		const char *q = TAGPATH_DATA(p);
		int			qlen = TAGPATH_LEN(p);

		switch (strategy)
		{
			case BTLessStrategyNumber:
				return may_have_below(v, q, qlen, true);
			case BTLessEqualStrategyNumber:
				return may_have_below(v, q, qlen, false);
			case BTEqualStrategyNumber:
				return may_have_equal(v, q, qlen);
			case BTGreaterEqualStrategyNumber:
				return may_have_above(v, q, qlen, false);
			case BTGreaterStrategyNumber:
				return may_have_above(v, q, qlen, true);
			case TAGPATH_ANCESTOR_STRATEGY:
				/* x @> q: x is one of q's prefixes (the empty path included) */
				for (int i = 0; i <= qlen; i++)
					if ((i == qlen || q[i] == TAGPATH_SEP) && may_have_equal(v, q, i))
						return true;
				return may_have_equal(v, q, 0);
			case TAGPATH_DESCENDANT_STRATEGY:
				/* x <@ q */
				return may_have_subtree(v, q, qlen) &&
					tagstore_sig_has_path(v->sig, siglen, q, qlen);
			default:
				elog(ERROR, "unrecognized tagpath GiST strategy number: %d", strategy);
		}
	}
	return false;				/* keep compiler quiet */
}

static int
gist_siglen(FunctionCallInfo fcinfo)
{
	return PG_HAS_OPCLASS_OPTIONS() ?
		((TagstoreGistOptions *) PG_GET_OPCLASS_OPTIONS())->siglen :
		TAGPATH_GIST_SIGLEN_DEFAULT;
}

/* Declares the "siglen" option of both GiST opclasses. */
void
tagstore_gist_options(local_relopts *relopts, int default_siglen)
{
	init_local_reloptions(relopts, sizeof(TagstoreGistOptions));
	add_local_int_reloption(relopts, "siglen", "signature length in bytes",
							default_siglen, 1, TAGSTORE_GIST_SIGLEN_MAX,
							offsetof(TagstoreGistOptions, siglen));
}

/* Detoasts an index key, for both opclasses' decompress functions. */
GISTENTRY *
tagstore_gist_detoast(GISTENTRY *entry)
{
	Pointer		key = (Pointer) PG_DETOAST_DATUM(entry->key);
	GISTENTRY  *retval;

	if (key == DatumGetPointer(entry->key))
		return entry;
	retval = palloc(sizeof(GISTENTRY));
	gistentryinit(*retval, PointerGetDatum(key), entry->rel, entry->page,
				  entry->offset, false);
	return retval;
}

PG_FUNCTION_INFO_V1(tagpath_gist_options);
Datum
tagpath_gist_options(PG_FUNCTION_ARGS)
{
	tagstore_gist_options((local_relopts *) PG_GETARG_POINTER(0), TAGPATH_GIST_SIGLEN_DEFAULT);
	PG_RETURN_VOID();
}

/* Leaf values become exact keys, or lossy ones when too long. */
PG_FUNCTION_INFO_V1(tagpath_gist_compress);
Datum
tagpath_gist_compress(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	int			siglen = gist_siglen(fcinfo);
	TagPath    *path;
	const char *data;
	int			len;
	TagGistKey *key;
	GISTENTRY  *retval;

	if (!entry->leafkey)
		PG_RETURN_POINTER(entry);

	path = DatumGetTagPathP(entry->key);
	data = TAGPATH_DATA(path);
	len = TAGPATH_LEN(path);
	if (len <= TGK_EXACT_MAX)
		key = key_make(TGK_EXACT, NULL, siglen, data, len, NULL, 0);
	else
	{
		BITVECP		sig = palloc0(siglen);

		tagstore_sig_add_path(sig, siglen, data, len);
		key = key_make(TGK_HI_PREFIX, sig, siglen,
					   data, TGK_BOUND_MAX, data, TGK_BOUND_MAX);
	}

	retval = palloc(sizeof(GISTENTRY));
	gistentryinit(*retval, PointerGetDatum(key), entry->rel, entry->page,
				  entry->offset, false);
	PG_RETURN_POINTER(retval);
}

PG_FUNCTION_INFO_V1(tagpath_gist_decompress);
Datum
tagpath_gist_decompress(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(tagstore_gist_detoast((GISTENTRY *) PG_GETARG_POINTER(0)));
}

PG_FUNCTION_INFO_V1(tagpath_gist_consistent);
Datum
tagpath_gist_consistent(PG_FUNCTION_ARGS)
{
	GISTENTRY  *entry = (GISTENTRY *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = (StrategyNumber) PG_GETARG_UINT16(2);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(4);
	int			siglen = gist_siglen(fcinfo);
	TagGistKey *key = (TagGistKey *) DatumGetPointer(entry->key);
	KeyView		v;

	key_view(key, siglen, &v);
	*recheck = !v.exact;
	PG_RETURN_BOOL(key_consistent(&v, siglen, strategy, PG_GETARG_DATUM(1)));
}

/*
 * Which of two upper bounds reaches further?  A cut bound reaches past
 * everything that starts with it.  Returns true if a covers b.
 */
static bool
hi_covers(const KeyView *a, const KeyView *b)
{
	int			common = Min(a->hilen, b->hilen);
	int			r = memcmp(a->hi, b->hi, common);

	if (r != 0)
		return r > 0;
	if (a->hi_prefix && a->hilen <= b->hilen)
		return true;
	if (b->hi_prefix && b->hilen <= a->hilen)
		return false;
	return a->hilen >= b->hilen;
}

/* The key covering all of keys[0..n). */
static TagGistKey *
key_union(KeyView *views, int n, int siglen)
{
	BITVECP		sig = palloc0(siglen);
	bool		alltrue = false;
	const KeyView *lo = &views[0];
	const KeyView *hi = &views[0];
	uint8		flags = 0;
	int			lolen,
				hilen;

	for (int i = 0; i < n; i++)
	{
		const KeyView *v = &views[i];

		if (bytes_cmp(v->lo, v->lolen, lo->lo, lo->lolen) < 0)
			lo = v;
		if (hi_covers(v, hi) && !hi_covers(hi, v))
			hi = v;
		if (alltrue)
			continue;
		if (v->exact)
			tagstore_sig_add_path(sig, siglen, v->lo, v->lolen);
		else if (v->sig == NULL)
			alltrue = true;
		else
			for (int b = 0; b < siglen; b++)
				sig[b] |= v->sig[b];
	}

	if (!alltrue)
	{
		alltrue = true;
		for (int b = 0; b < siglen && alltrue; b++)
			alltrue = (sig[b] == 0xFF);
	}
	if (alltrue)
		flags |= TGK_ALLTRUE;

	lolen = Min(lo->lolen, TGK_BOUND_MAX);
	hilen = hi->hilen;
	if (hi->hi_prefix || hilen > TGK_BOUND_MAX)
	{
		flags |= TGK_HI_PREFIX;
		hilen = Min(hilen, TGK_BOUND_MAX);
	}
	return key_make(flags, sig, siglen, lo->lo, lolen, hi->hi, hilen);
}

PG_FUNCTION_INFO_V1(tagpath_gist_union);
Datum
tagpath_gist_union(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	int		   *size = (int *) PG_GETARG_POINTER(1);
	int			siglen = gist_siglen(fcinfo);
	KeyView    *views = palloc(sizeof(KeyView) * entryvec->n);
	TagGistKey *result;

	for (int i = 0; i < entryvec->n; i++)
		key_view((TagGistKey *) DatumGetPointer(entryvec->vector[i].key), siglen, &views[i]);
	result = key_union(views, entryvec->n, siglen);
	*size = VARSIZE(result);
	PG_RETURN_POINTER(result);
}

/* Length of the common prefix of two byte strings. */
static int
common_prefix(const char *a, int alen, const char *b, int blen)
{
	int			n = Min(alen, blen);
	int			i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/*
 * Cost of adding new to orig: zero inside orig's range, otherwise smaller
 * the more of the nearer bound the new key shares (closer in the tree).
 */
PG_FUNCTION_INFO_V1(tagpath_gist_penalty);
Datum
tagpath_gist_penalty(PG_FUNCTION_ARGS)
{
	GISTENTRY  *origentry = (GISTENTRY *) PG_GETARG_POINTER(0);
	GISTENTRY  *newentry = (GISTENTRY *) PG_GETARG_POINTER(1);
	float	   *penalty = (float *) PG_GETARG_POINTER(2);
	int			siglen = gist_siglen(fcinfo);
	KeyView		orig,
				add;

	key_view((TagGistKey *) DatumGetPointer(origentry->key), siglen, &orig);
	key_view((TagGistKey *) DatumGetPointer(newentry->key), siglen, &add);

	if (bytes_cmp(add.lo, add.lolen, orig.lo, orig.lolen) < 0)
		*penalty = 1.0f / (1 + common_prefix(add.lo, add.lolen, orig.lo, orig.lolen));
	else if (!hi_covers(&orig, &add))
		*penalty = 1.0f / (1 + common_prefix(add.hi, add.hilen, orig.hi, orig.hilen));
	else
		*penalty = 0.0f;
	PG_RETURN_POINTER(penalty);
}

typedef struct SortItem
{
	OffsetNumber offset;
	KeyView		view;
} SortItem;

static int
sortitem_cmp(const void *a, const void *b)
{
	const KeyView *va = &((const SortItem *) a)->view;
	const KeyView *vb = &((const SortItem *) b)->view;
	int			r = bytes_cmp(va->lo, va->lolen, vb->lo, vb->lolen);

	if (r != 0)
		return r;
	return hi_covers(vb, va) - hi_covers(va, vb);
}

/* Splits a page in key order, as a btree would: ranges stay disjoint. */
PG_FUNCTION_INFO_V1(tagpath_gist_picksplit);
Datum
tagpath_gist_picksplit(PG_FUNCTION_ARGS)
{
	GistEntryVector *entryvec = (GistEntryVector *) PG_GETARG_POINTER(0);
	GIST_SPLITVEC *v = (GIST_SPLITVEC *) PG_GETARG_POINTER(1);
	int			siglen = gist_siglen(fcinfo);
	OffsetNumber maxoff = entryvec->n - 1;
	int			n = maxoff - FirstOffsetNumber + 1;
	SortItem   *items = palloc(sizeof(SortItem) * n);
	KeyView    *views = palloc(sizeof(KeyView) * n);
	int			half;

	for (OffsetNumber i = FirstOffsetNumber; i <= maxoff; i++)
	{
		items[i - FirstOffsetNumber].offset = i;
		key_view((TagGistKey *) DatumGetPointer(entryvec->vector[i].key), siglen,
				 &items[i - FirstOffsetNumber].view);
	}
	qsort(items, n, sizeof(SortItem), sortitem_cmp);
	half = n / 2;

	v->spl_left = palloc(sizeof(OffsetNumber) * n);
	v->spl_right = palloc(sizeof(OffsetNumber) * n);
	v->spl_nleft = v->spl_nright = 0;
	for (int i = 0; i < n; i++)
	{
		views[i] = items[i].view;
		if (i < half)
			v->spl_left[v->spl_nleft++] = items[i].offset;
		else
			v->spl_right[v->spl_nright++] = items[i].offset;
	}
	v->spl_ldatum = PointerGetDatum(key_union(views, half, siglen));
	v->spl_rdatum = PointerGetDatum(key_union(views + half, n - half, siglen));
	PG_RETURN_POINTER(v);
}

/* Are two keys identical?  Used by both opclasses: keys are plain bytes. */
PG_FUNCTION_INFO_V1(tagpath_gist_same);
Datum
tagpath_gist_same(PG_FUNCTION_ARGS)
{
	TagGistKey *a = (TagGistKey *) PG_GETARG_POINTER(0);
	TagGistKey *b = (TagGistKey *) PG_GETARG_POINTER(1);
	bool	   *result = (bool *) PG_GETARG_POINTER(2);

	*result = VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
	PG_RETURN_POINTER(result);
}

/* The key type's I/O: keys exist only inside indexes. */
PG_FUNCTION_INFO_V1(tagpath_gist_in);
Datum
tagpath_gist_in(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot accept a value of type tagpath_gist")));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(tagpath_gist_out);
Datum
tagpath_gist_out(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot display a value of type tagpath_gist")));
	PG_RETURN_VOID();
}
