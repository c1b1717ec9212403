/*
 * casefold.c
 *	  Locale-independent case-insensitive label matching.
 *
 * contrib ltree folds case with str_tolower() and the database's collation
 * when it scans, but with a byte-wise tolower() when it builds GiST
 * signatures, so '*.äpfel@' finds different rows with and without the index.
 * tagstore has exactly one folding function, used by scans and by every
 * index signature alike, and it does not look at the database locale:
 *
 *		fold(x) = NFC(casefold(NFD(x)))
 *
 * which is Unicode's canonical caseless match (D145) with full case folding
 * from our own copy of CaseFolding.txt, so 'STRASSE@' matches 'straße' and
 * 'ÄPFEL@' matches 'äpfel' whether written precomposed or decomposed.
 * Pure ASCII labels, by far the common case, take a fast path.
 *
 * Folded strings are in the database's encoding, like the labels they come
 * from: label_casefold() returns them, and tables keep them (tagstore's tag
 * keys).  What a character is in each encoding is encoding.c's business;
 * here that means:
 *
 *	UTF8		folded as above;
 *	SQL_ASCII	A-Z lowered, every other byte kept as it is (a byte from 0x80
 *				up is no character: nothing is known of it);
 *	the others	(LATIN1, EUC_JP, ...) the label converted to UTF-8, folded as
 *				above and converted back.  If a character has no equivalent
 *				on the way (LATIN1's 'µ' folds to Greek 'μ', which LATIN1
 *				lacks), the label folds character by character instead, and
 *				such a character stays as it is.  So 'ÄPFEL' folds to
 *				'äpfel' in LATIN1, in LATIN1's bytes, and 'µ' to itself.
 *
 * The folding is a function of the label's bytes alone (never of a setting
 * or the search path), which is what lets indexes keep folded forms.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "common/unicode_norm.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "tagpath.h"

typedef struct CaseFoldEntry
{
	uint32		code;
	uint32		to[3];			/* zero-padded */
} CaseFoldEntry;

#include "casefold_table.h"

/* Looks up a code point's full case folding; returns NULL if it folds to itself. */
static const CaseFoldEntry *
casefold_lookup(uint32 code)
{
	int			lo = 0,
				hi = lengthof(casefold_table) - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (casefold_table[mid].code == code)
			return &casefold_table[mid];
		if (casefold_table[mid].code < code)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Folds a string of code points (zero-terminated) into a new one. */
static pg_wchar *
casefold_wchars(const pg_wchar *in)
{
	int			n = 0;
	pg_wchar   *out;
	int			o = 0;

	while (in[n])
		n++;
	/* a code point folds to at most three */
	out = palloc(sizeof(pg_wchar) * (3 * (Size) n + 1));
	for (int i = 0; i < n; i++)
	{
		const CaseFoldEntry *e = casefold_lookup(in[i]);

		if (e == NULL)
			out[o++] = in[i];
		else
			for (int k = 0; k < 3 && e->to[k]; k++)
				out[o++] = e->to[k];
	}
	out[o] = 0;
	return out;
}

/*
 * Folds ASCII s into out: lowers A-Z, which for pure ASCII is the whole of
 * folding (and NFC a no-op).  False, with out partly written, if s holds a
 * byte that is not ASCII.  Eight bytes at a time: lookups fold each query
 * path, and a byte loop mispredicts on mixed case.
 */
static inline bool
fold_ascii(const unsigned char *s, int len, char *out)
{
	const uint64 high = UINT64CONST(0x8080808080808080);
	const uint64 ones = UINT64CONST(0x0101010101010101);
	int			i = 0;

	for (; i + 8 <= len; i += 8)
	{
		uint64		w,
					upper;

		memcpy(&w, s + i, 8);
		if (w & high)
			return false;
		/* each byte < 0x80, so no sum carries: bit 7 set where 'A' <= byte, and where byte > 'Z' */
		upper = (w + (0x80 - 'A') * ones) & ~(w + (0x7F - 'Z') * ones) & high;
		w |= upper >> 2;		/* 0x20: the lower-case bit */
		memcpy(out + i, &w, 8);
	}
	for (; i < len; i++)
	{
		if (s[i] >= 0x80)
			return false;
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] + ('a' - 'A') : s[i];
	}
	return true;
}

/*
 * Folds UTF-8 s (len bytes) as the header says: NFC(casefold(NFD(s))).
 * The result is palloc'd, NUL-terminated, its length in *outlen.
 */
static char *
fold_utf8(const char *s, int len, int *outlen)
{
	pg_wchar   *wide,
			   *nfd,
			   *folded,
			   *nfc;
	int			nchars;
	char	   *result;
	char	   *p;

	wide = palloc(sizeof(pg_wchar) * ((Size) len + 1));
	nchars = pg_encoding_mb2wchar_with_len(PG_UTF8, s, wide, len);
	wide[nchars] = 0;

	nfd = unicode_normalize(UNICODE_NFD, wide);
	folded = casefold_wchars(nfd);
	nfc = unicode_normalize(UNICODE_NFC, folded);

	nchars = 0;
	while (nfc[nchars])
		nchars++;
	result = palloc((Size) nchars * 4 + 1);
	p = result;
	for (int i = 0; i < nchars; i++)
	{
		unicode_to_utf8(nfc[i], (unsigned char *) p);
		p += pg_utf_mblen((const unsigned char *) p);
	}
	*p = '\0';
	*outlen = p - result;

	pfree(wide);
	pfree(nfd);
	pfree(folded);
	pfree(nfc);
	return result;
}

/*
 * Folds s (len bytes in a server encoding other than UTF8 and SQL_ASCII)
 * through UTF-8, into out; false, with out untouched, if a character has
 * no equivalent on the way there or back.
 */
static bool
fold_converted(const char *s, int len, StringInfo out)
{
	char	   *utf8,
			   *folded,
			   *back;
	int			utf8len,
				flen,
				backlen;

	utf8 = tagstore_server_to_utf8(s, len, &utf8len);
	if (utf8 == NULL)
		return false;
	folded = fold_utf8(utf8, utf8len, &flen);
	back = tagstore_utf8_to_server(folded, flen, &backlen);
	pfree(utf8);
	pfree(folded);
	if (back == NULL)
		return false;
	appendBinaryStringInfo(out, back, backlen);
	pfree(back);
	return true;
}

/*
 * Folds s (len bytes in the server encoding, not UTF8) one character at a
 * time into out: A-Z lowered; in SQL_ASCII every other byte kept; in other
 * encodings each other character folded through UTF-8, or kept if it has
 * no equivalent on the way.  Never reads past s + len, even if a character
 * claims more bytes than are left.
 */
static void
fold_by_character(const char *s, int len, StringInfo out)
{
	const char *p = s;
	const char *end = s + len;
	bool		raw_bytes = GetDatabaseEncoding() == PG_SQL_ASCII;

	while (p < end)
	{
		unsigned char c = (unsigned char) *p;
		int			charlen;

		if (c < 0x80)
		{
			appendStringInfoChar(out, (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
			p++;
			continue;
		}
		charlen = raw_bytes ? 1 : Min(pg_mblen(p), end - p);
		if (raw_bytes || !fold_converted(p, charlen, out))
			appendBinaryStringInfo(out, p, charlen);
		p += charlen;
	}
}

/*
 * Returns the folded form of a label (in the server encoding, palloc'd,
 * NUL-terminated though callers go by its length) and its length.  It
 * reads the len bytes of s and nothing after them: labels are slices of
 * paths and texts, which are not NUL-terminated.
 */
char *
tagstore_casefold(const char *s, int len, int *outlen)
{
	const unsigned char *u = (const unsigned char *) s;
	char	   *result;
	StringInfoData buf;

	result = palloc(len + 1);
	if (fold_ascii(u, len, result))
	{
		result[len] = '\0';
		*outlen = len;
		return result;
	}
	pfree(result);

	if (GetDatabaseEncoding() == PG_UTF8)
		return fold_utf8(s, len, outlen);

	initStringInfo(&buf);
	if (GetDatabaseEncoding() == PG_SQL_ASCII || !fold_converted(s, len, &buf))
	{
		resetStringInfo(&buf);
		fold_by_character(s, len, &buf);
	}
	*outlen = buf.len;
	return buf.data;
}

/*
 * Does a label match a predicate?  With prefix, the predicate need only be
 * a prefix of the label; with casefold, both are folded first.
 */
bool
tagstore_label_match(const char *pred, int pred_len,
					 const char *label, int label_len,
					 bool prefix, bool casefold)
{
	char	   *fpred,
			   *flabel;
	int			fpred_len,
				flabel_len;
	bool		result;

	/* binary match first: it decides every case-sensitive comparison */
	if ((pred_len == label_len || (prefix && pred_len < label_len)) &&
		memcmp(pred, label, pred_len) == 0)
		return true;
	if (!casefold)
		return false;

	fpred = tagstore_casefold(pred, pred_len, &fpred_len);
	flabel = tagstore_casefold(label, label_len, &flabel_len);
	result = (fpred_len == flabel_len || (prefix && fpred_len < flabel_len)) &&
		memcmp(fpred, flabel, fpred_len) == 0;
	pfree(fpred);
	pfree(flabel);
	return result;
}

/*
 * Hash of a label's folded form: what GiST signatures are built from, so
 * a case-sensitive and a case-insensitive predicate test the same bit.
 */
uint32
tagstore_label_hash(const char *s, int len)
{
	char	   *folded;
	int			flen;
	uint32		h;

	folded = tagstore_casefold(s, len, &flen);
	h = hash_bytes((const unsigned char *) folded, flen);
	pfree(folded);
	return h;
}

PG_FUNCTION_INFO_V1(tagstore_casefold_sql);
Datum
tagstore_casefold_sql(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			len;
	char	   *f = tagstore_casefold(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &len);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(f, len));
}

/* label_casefold(tagpath): the path with every label folded. */
PG_FUNCTION_INFO_V1(tagpath_casefold);
Datum
tagpath_casefold(PG_FUNCTION_ARGS)
{
	TagPath    *path = PG_GETARG_TAGPATH_P(0);
	const unsigned char *data = (const unsigned char *) TAGPATH_DATA(path);
	int			len = TAGPATH_LEN(path);
	TagLabelIter it;
	TagLabel	label;
	StringInfoData buf;
	bool		first = true;

	/* pure ASCII, by far the common case: the whole path in one pass */
	TagPath    *folded = palloc(VARHDRSZ + len);

	if (fold_ascii(data, len, folded->data))
	{
		SET_VARSIZE(folded, VARHDRSZ + len);
		PG_RETURN_TAGPATH_P(folded);
	}
	pfree(folded);

	initStringInfo(&buf);
	tagpath_iter_init(&it, (const char *) data, len);
	while (tagpath_iter_next(&it, &label))
	{
		int			flen;
		char	   *folded = tagstore_casefold(label.name, label.len, &flen);

		if (!first)
			appendStringInfoChar(&buf, TAGPATH_SEP);
		appendBinaryStringInfo(&buf, folded, flen);
		pfree(folded);
		first = false;
	}
	PG_RETURN_TAGPATH_P(tagpath_from_bytes(buf.data, buf.len));
}
