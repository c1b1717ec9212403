/*
 * tagpath_io.c
 *	  Text and binary I/O for tagpath, and conversions to and from labels.
 *
 * Literal syntax: labels separated by '.'.  A label is either plain, a run
 * of ltree's label characters [A-Za-z0-9_-] or any non-ASCII character that
 * is visible, or quoted with SQL identifier rules: "St. John's wort",
 * "say ""hi""".  Every ltree literal is therefore a tagpath literal with the
 * same meaning.  Output quotes a label only when it has to, so it is
 * canonical and round-trips.  Whether a non-ASCII character is visible is
 * decided by its Unicode code point, which encoding.c finds in every server
 * encoding; a character without one (SQL_ASCII's bytes from 0x80 up) counts
 * as visible, so it is plain.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "tagpath.h"

/* Is this code point a control character (C0, DEL or C1)? */
static inline bool
is_control(pg_wchar cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/*
 * Is this non-ASCII code point invisible or a space?  Such characters are
 * allowed in labels, but only quoted, so that what one sees is what is stored.
 */
static bool
is_invisible(pg_wchar cp)
{
	return cp == 0xA0 || cp == 0xAD || cp == 0x1680 || cp == 0x180E ||
		(cp >= 0x2000 && cp <= 0x200F) ||
		(cp >= 0x2028 && cp <= 0x202F) ||
		(cp >= 0x205F && cp <= 0x206F) ||
		cp == 0x3000 || cp == 0xFEFF;
}

/*
 * May this character appear in an unquoted label?  ltree's characters,
 * and any visible non-ASCII character.
 */
bool
tagpath_char_is_plain(const char *s, int charlen)
{
	pg_wchar	cp;

	if (charlen == 1)
	{
		unsigned char c = (unsigned char) *s;

		if (c < 0x80)
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				(c >= '0' && c <= '9') || c == '_' || c == '-';
	}
	if (!tagstore_char_codepoint(s, charlen, &cp))
		return true;			/* no code point (encoding.c): a visible byte or character */
	return !is_control(cp) && !is_invisible(cp);
}

/* Starts parsing a literal. */
void
tagparser_init(TagParser *tp, const char *input, const char *typname)
{
	tp->input = input;
	tp->typname = typname;
	tp->p = input;
	tp->pos = 1;
}

/* Moves past the current character. */
void
tagparser_advance(TagParser *tp)
{
	tp->p += pg_mblen(tp->p);
	tp->pos++;
}

/* The literal as an error message shows it: cut after 100 characters. */
static char *
literal_for_message(const char *input)
{
	int			len = strlen(input);
	int			cut = pg_mbcharcliplen(input, len, 100);

	return cut < len ? psprintf("%.*s...", cut, input) : pstrdup(input);
}

/* Reports a syntax error in the literal being parsed. */
void
tagparser_error(TagParser *tp, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					tp->typname, literal_for_message(tp->input)),
			 errdetail("%s", detail)));
}

/* Complains about the character at the cursor, which is not expected there. */
void
tagparser_unexpected(TagParser *tp)
{
	int			charlen = pg_mblen(tp->p);
	pg_wchar	cp;

	if (*tp->p == '\0')
		tagparser_error(tp, "Unexpected end of input.");
	if (tagstore_char_codepoint(tp->p, charlen, &cp) && is_control(cp))
		tagparser_error(tp, psprintf("Control character U+%04X at character %d is not allowed in a label.",
									 cp, tp->pos));
	tagparser_error(tp, psprintf("Unexpected character \"%.*s\" at character %d.",
								 charlen, tp->p, tp->pos));
}

/* Complains if a label of nchars characters is too long. */
static void
check_label_chars(int nchars, const char *what, int pos)
{
	if (nchars > TAGPATH_LABEL_MAX_CHARS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s label is too long", what),
				 pos > 0 ?
				 errdetail("The label at character %d has %d characters; the maximum is %d.",
						   pos, nchars, TAGPATH_LABEL_MAX_CHARS) :
				 errdetail("The label has %d characters; the maximum is %d.",
						   nchars, TAGPATH_LABEL_MAX_CHARS)));
}

/* Appends the ASCII characters from the cursor up to run, and moves past them. */
static void
append_run(TagParser *tp, StringInfo buf, const unsigned char *run, int *nchars)
{
	int			n = (const char *) run - tp->p;

	appendBinaryStringInfo(buf, tp->p, n);
	tp->p += n;
	tp->pos += n;
	*nchars += n;
}

/*
 * Reads one label, quoted or plain, at the cursor and appends its bytes to
 * buf.  Returns false, consuming nothing, if no label starts here.
 */
bool
tagparser_read_label(TagParser *tp, StringInfo buf)
{
	int			start = tp->pos;
	int			nchars = 0;
	const unsigned char *run;

	if (*tp->p == '"')
	{
		tagparser_advance(tp);
		for (;;)
		{
			int			charlen;
			pg_wchar	cp;

			CHECK_FOR_INTERRUPTS();
			/* the common case first: a run of printable ASCII, copied at once */
			run = (const unsigned char *) tp->p;
			while (*run >= 0x20 && *run < 0x7F && *run != '"')
				run++;
			if ((const char *) run > tp->p)
			{
				append_run(tp, buf, run, &nchars);
				continue;
			}
			if (*tp->p == '\0')
				tagparser_error(tp, psprintf("Unterminated quoted label starting at character %d.",
											 start));
			if (*tp->p == '"')
			{
				if (tp->p[1] != '"')
					break;
				appendStringInfoChar(buf, '"');
				tagparser_advance(tp);
				tagparser_advance(tp);
				nchars++;
				continue;
			}
			charlen = pg_mblen(tp->p);
			if (tagstore_char_codepoint(tp->p, charlen, &cp) && is_control(cp))
				tagparser_unexpected(tp);
			appendBinaryStringInfo(buf, tp->p, charlen);
			tagparser_advance(tp);
			nchars++;
		}
		tagparser_advance(tp);	/* the closing quote */
		if (nchars == 0)
			tagparser_error(tp, psprintf("Empty label at character %d.", start));
	}
	else
	{
		for (;;)
		{
			run = (const unsigned char *) tp->p;
			while ((*run >= 'a' && *run <= 'z') || (*run >= 'A' && *run <= 'Z') ||
				   (*run >= '0' && *run <= '9') || *run == '_' || *run == '-')
				run++;
			if ((const char *) run > tp->p)
				append_run(tp, buf, run, &nchars);
			else if (*tp->p && tagpath_char_is_plain(tp->p, pg_mblen(tp->p)))
			{
				appendBinaryStringInfo(buf, tp->p, pg_mblen(tp->p));
				tagparser_advance(tp);
				nchars++;
			}
			else
				break;
		}
		if (nchars == 0)
			return false;
	}
	check_label_chars(nchars, tp->typname, start);
	return true;
}

/* Makes a tagpath from its stored form. */
TagPath *
tagpath_from_bytes(const char *data, int len)
{
	TagPath    *result = palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(result->data, data, len);
	return result;
}

/* Parses a tagpath literal. */
TagPath *
tagpath_from_cstring(const char *str)
{
	TagParser	tp;
	StringInfoData buf;
	int			nlevels = 0;
	TagPath    *result;

	tagparser_init(&tp, str, "tagpath");
	initStringInfo(&buf);

	while (*str != '\0')
	{
		if (nlevels > 0)
			appendStringInfoChar(&buf, TAGPATH_SEP);
		if (!tagparser_read_label(&tp, &buf))
		{
			if (*tp.p == '.' || (*tp.p == '\0' && nlevels > 0))
				tagparser_error(&tp, psprintf("Empty label at character %d.", tp.pos));
			tagparser_unexpected(&tp);
		}
		if (++nlevels > TAGPATH_MAX_LEVELS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("number of tagpath levels exceeds the maximum allowed (%d)",
							TAGPATH_MAX_LEVELS),
					 errdetail("Level %d starts at character %d.", nlevels, tp.pos)));
		if (*tp.p == '\0')
			break;
		if (*tp.p != '.')
			tagparser_unexpected(&tp);
		tagparser_advance(&tp);
	}

	result = tagpath_from_bytes(buf.data, buf.len);
	pfree(buf.data);
	return result;
}

/* Appends a label to buf, quoted if it has to be. */
void
tagpath_append_label(StringInfo buf, const char *name, int len)
{
	const char *p = name;
	const char *end = name + len;
	bool		plain = (len > 0);

	while (p < end && plain)
	{
		int			charlen = Min(pg_mblen(p), end - p);

		plain = tagpath_char_is_plain(p, charlen);
		p += charlen;
	}

	if (plain)
	{
		appendBinaryStringInfo(buf, name, len);
		return;
	}
	appendStringInfoChar(buf, '"');
	for (p = name; p < end; p++)
	{
		if (*p == '"')
			appendStringInfoChar(buf, '"');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}

/* Formats a tagpath as its canonical literal. */
char *
tagpath_to_cstring(const TagPath *path)
{
	StringInfoData buf;
	TagLabelIter it;
	TagLabel	label;
	bool		first = true;

	initStringInfo(&buf);
	tagpath_iter_init(&it, TAGPATH_DATA(path), TAGPATH_LEN(path));
	while (tagpath_iter_next(&it, &label))
	{
		if (!first)
			appendStringInfoChar(&buf, '.');
		tagpath_append_label(&buf, label.name, label.len);
		first = false;
	}
	return buf.data;
}

/*
 * Checks a label given as a plain string (not a literal): non-empty, no
 * control characters, not too long.  Returns its length in characters.
 */
int
tagpath_check_label(const char *name, int len, const char *what)
{
	const char *p = name;
	const char *end = name + len;
	int			nchars = 0;

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s label must not be empty", what)));
	while (p < end)
	{
		int			charlen = pg_mblen(p);
		pg_wchar	cp;

		if (tagstore_char_codepoint(p, charlen, &cp) && is_control(cp))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s label must not contain control characters", what),
					 errdetail("Control character U+%04X at character %d.",
							   cp, nchars + 1)));
		p += charlen;
		nchars++;
	}
	check_label_chars(nchars, what, 0);
	return nchars;
}

PG_FUNCTION_INFO_V1(tagpath_in);
Datum
tagpath_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_TAGPATH_P(tagpath_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(tagpath_out);
Datum
tagpath_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(tagpath_to_cstring(PG_GETARG_TAGPATH_P(0)));
}

/*
 * Binary format of all three types: a version byte, then the canonical
 * literal as text, so that the client's encoding conversion applies as it
 * does to text.  These two helpers do the framing.
 */
bytea *
tagstore_send_literal(const char *literal)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, TAGSTORE_BINARY_VERSION);
	pq_sendtext(&buf, literal, strlen(literal));
	return pq_endtypsend(&buf);
}

char *
tagstore_recv_literal(StringInfo buf, const char *typname)
{
	int			version = pq_getmsgint(buf, 1);
	int			nbytes;

	if (version != TAGSTORE_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported %s binary format version %d", typname, version),
				 errdetail("This version of tagstore reads version %d.",
						   TAGSTORE_BINARY_VERSION)));
	return pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
}

PG_FUNCTION_INFO_V1(tagpath_send);
Datum
tagpath_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(tagstore_send_literal(tagpath_to_cstring(PG_GETARG_TAGPATH_P(0))));
}

PG_FUNCTION_INFO_V1(tagpath_recv);
Datum
tagpath_recv(PG_FUNCTION_ARGS)
{
	char	   *str = tagstore_recv_literal((StringInfo) PG_GETARG_POINTER(0), "tagpath");

	PG_RETURN_TAGPATH_P(tagpath_from_cstring(str));
}

PG_FUNCTION_INFO_V1(text2tagpath);
Datum
text2tagpath(PG_FUNCTION_ARGS)
{
	PG_RETURN_TAGPATH_P(tagpath_from_cstring(text_to_cstring(PG_GETARG_TEXT_PP(0))));
}

PG_FUNCTION_INFO_V1(tagpath2text);
Datum
tagpath2text(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(tagpath_to_cstring(PG_GETARG_TAGPATH_P(0))));
}

/* Rejects the arrays no tagpath[] operator accepts: multidimensional, with NULLs. */
void
tagstore_check_array(ArrayType *a)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array must be one-dimensional")));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("array must not contain nulls")));
}

/* tagpath(text[]): a path from its labels, no quoting needed. */
PG_FUNCTION_INFO_V1(tagpath_from_labels);
Datum
tagpath_from_labels(PG_FUNCTION_ARGS)
{
	ArrayType  *labels = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	int			n;
	StringInfoData buf;

	tagstore_check_array(labels);
	deconstruct_array(labels, TEXTOID, -1, false, TYPALIGN_INT, &elems, NULL, &n);
	if (n > TAGPATH_MAX_LEVELS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("number of tagpath levels (%d) exceeds the maximum allowed (%d)",
						n, TAGPATH_MAX_LEVELS)));
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		text	   *t = DatumGetTextPP(elems[i]);

		CHECK_FOR_INTERRUPTS();
		tagpath_check_label(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "tagpath");
		if (i > 0)
			appendStringInfoChar(&buf, TAGPATH_SEP);
		appendBinaryStringInfo(&buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	PG_RETURN_TAGPATH_P(tagpath_from_bytes(buf.data, buf.len));
}

/* labels(tagpath): the labels as text, root first. */
PG_FUNCTION_INFO_V1(tagpath_labels);
Datum
tagpath_labels(PG_FUNCTION_ARGS)
{
	TagPath    *path = PG_GETARG_TAGPATH_P(0);
	TagLabelIter it;
	TagLabel	label;
	ArrayBuildState *astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);

	tagpath_iter_init(&it, TAGPATH_DATA(path), TAGPATH_LEN(path));
	while (tagpath_iter_next(&it, &label))
		astate = accumArrayResult(astate,
								  PointerGetDatum(cstring_to_text_with_len(label.name, label.len)),
								  false, TEXTOID, CurrentMemoryContext);
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}
