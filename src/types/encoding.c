/*
 * encoding.c
 *	  What the characters of the server encoding are in Unicode.
 *
 * The type library decides two things by Unicode code point: which
 * characters a label may hold unquoted (tagpath_io.c: controls and
 * invisible characters must be quoted, and controls are refused), and how
 * a label folds case (casefold.c: Unicode full case folding).  Labels are
 * stored in the database's encoding, which need not be UTF-8.  This file
 * says, for each server encoding, what a character is:
 *
 *	UTF8		its code point, decoded;
 *	LATIN1		its byte, which is its code point (ISO 8859-1 is Unicode's
 *				first 256 code points), with no conversion;
 *	SQL_ASCII	a byte below 0x80 is ASCII; any other byte is a byte and no
 *				character at all: nothing is assumed of it, so it is
 *				neither a control nor invisible, and it folds to itself;
 *	the others	(EUC_JP, LATIN2, WIN1251, ...) the character converted to
 *				UTF-8 by the encoding's default conversion in pg_catalog
 *				(never one a user created: folding feeds indexes, so it
 *				must not depend on the search path), noError: a character
 *				without a Unicode equivalent is no character either.
 *
 * Every server encoding is a superset of ASCII and no byte below 0x80 is
 * ever part of a multibyte character (PostgreSQL refuses encodings such as
 * SJIS for the server), so the parsers read their ASCII syntax ('.', '"',
 * '@', '_', ...) byte by byte in every encoding, and only characters from
 * 0x80 up come here.
 *
 * Example: in an EUC_JP database the label 'りんご' is six bytes, A4EA A4F3
 * A4B4; each pair converts to one UTF-8 character (U+308A, U+3093, U+3054),
 * none a control or invisible, so the label needs no quotes.  The
 * ideographic space, A1A1 in EUC_JP, converts to U+3000, which is
 * invisible: a label holding it is printed quoted.
 */
#include "postgres.h"

#include "catalog/pg_conversion.h"
#include "catalog/pg_namespace.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "tagpath.h"

/*
 * A conversion between the server encoding and UTF-8: its function, looked
 * up once a session (the server encoding never changes in one), and called
 * as pg_do_encoding_conversion_buf() calls it, without a lookup a call.
 */
typedef struct Conversion
{
	bool		looked_up;
	bool		exists;			/* pg_catalog has a default conversion */
	FmgrInfo	fn;
} Conversion;

static Conversion to_utf8;
static Conversion from_utf8;

/*
 * Converts len bytes of s; NULL unless every byte converted.  The result is
 * palloc'd and NUL-terminated, its length in *outlen.
 */
static char *
convert(Conversion *c, int from, int to, const char *s, int len, int *outlen)
{
	Size		size;
	unsigned char *dst;
	int			converted;

	if (!c->looked_up)
	{
		Oid			proc = FindDefaultConversion(PG_CATALOG_NAMESPACE, from, to);

		c->exists = OidIsValid(proc);
		if (c->exists)
			fmgr_info_cxt(proc, &c->fn, TopMemoryContext);
		c->looked_up = true;
	}
	if (!c->exists)
		return NULL;
	if ((Size) len >= (MaxAllocSize - 1) / MAX_CONVERSION_GROWTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("out of memory"),
				 errdetail("String of %d bytes is too long for encoding conversion.", len)));
	/* room for the worst growth, as pg_do_encoding_conversion_buf() asks */
	size = (Size) len * MAX_CONVERSION_GROWTH + 1;
	dst = palloc(size);
	converted = DatumGetInt32(FunctionCall6(&c->fn, Int32GetDatum(from), Int32GetDatum(to),
											CStringGetDatum(s), CStringGetDatum((char *) dst),
											Int32GetDatum(len), BoolGetDatum(true)));
	if (converted < len)
	{
		pfree(dst);
		return NULL;
	}
	*outlen = strlen((char *) dst);
	return (char *) dst;
}

/*
 * s (len bytes in the server encoding, which is neither UTF8 nor SQL_ASCII)
 * in UTF-8; NULL if a character has no Unicode equivalent.
 */
char *
tagstore_server_to_utf8(const char *s, int len, int *outlen)
{
	return convert(&to_utf8, GetDatabaseEncoding(), PG_UTF8, s, len, outlen);
}

/*
 * s (len bytes of UTF-8) in the server encoding, which is neither UTF8 nor
 * SQL_ASCII; NULL if a character has no equivalent there.
 */
char *
tagstore_utf8_to_server(const char *s, int len, int *outlen)
{
	return convert(&from_utf8, PG_UTF8, GetDatabaseEncoding(), s, len, outlen);
}

/*
 * The Unicode code point of the character at s (charlen bytes, as
 * pg_mblen() measured it), if it has one: see the header comment.
 */
bool
tagstore_char_codepoint(const char *s, int charlen, pg_wchar *cp)
{
	const unsigned char *u = (const unsigned char *) s;
	char	   *utf8;
	int			utf8len;

	if (charlen == 1 && *u < 0x80)
	{
		*cp = *u;
		return true;
	}
	switch (GetDatabaseEncoding())
	{
		case PG_UTF8:
			if (charlen != pg_utf_mblen(u))
				return false;
			*cp = utf8_to_unicode(u);
			return true;
		case PG_LATIN1:
			*cp = *u;
			return true;
		case PG_SQL_ASCII:
			return false;
		default:
			utf8 = tagstore_server_to_utf8(s, charlen, &utf8len);
			if (utf8 == NULL)
				return false;
			/* one character, or it is none (a conversion may yield a sequence) */
			if (utf8len == 0 || pg_utf_mblen((unsigned char *) utf8) != utf8len)
			{
				pfree(utf8);
				return false;
			}
			*cp = utf8_to_unicode((unsigned char *) utf8);
			pfree(utf8);
			return true;
	}
}
