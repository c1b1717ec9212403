/*
 * tagquery_io.c
 *	  Text and binary I/O for tagquery, the lquery-compatible pattern type.
 *
 * Grammar (every lquery literal is a tagquery literal with the same meaning):
 *
 *		query	 := level ('.' level)*
 *		level	 := '*' [count]
 *				  | ['!'] variant ('|' variant)* [count]
 *		variant  := label flag*			flag: '@' case-insensitive,
 *										'*' prefix, '%' '_'-separated words
 *		count	 := '{' n '}' | '{' n ',' '}' | '{' ',' m '}'
 *				  | '{' n ',' m '}' | '{' ',' '}'
 *
 * A label is plain or double-quoted as in tagpath, so '"org.nasa"*.quality'
 * is a pattern.  Output is canonical: flags in the order %@*, counts only
 * where they differ from the default.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "tagpath.h"

/* A level while parsing, before it is laid out. */
typedef struct ParsedLevel
{
	uint16		flags;
	uint16		low;
	uint16		high;
	List	   *variants;		/* of ParsedVariant */
} ParsedLevel;

typedef struct ParsedVariant
{
	uint8		flags;
	int			name;			/* offset of the label in the parse's labels */
	int			len;
} ParsedVariant;

/* Reads a decimal repeat count at the cursor. */
static uint16
read_count(TagParser *tp)
{
	int64		value = 0;
	int			start = tp->pos;

	while (*tp->p >= '0' && *tp->p <= '9')
	{
		value = value * 10 + (*tp->p - '0');
		if (value > TAGQUERY_MAX_LEVELS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("tagquery repeat count is too large"),
					 errdetail("The count at character %d exceeds the maximum allowed (%d).",
							   start, TAGQUERY_MAX_LEVELS)));
		tagparser_advance(tp);
	}
	return (uint16) value;
}

/* Reads an optional {n,m} after a level. */
static void
read_repeat(TagParser *tp, ParsedLevel *level)
{
	int			start = tp->pos;
	bool		has_low = false;

	if (*tp->p != '{')
		return;
	tagparser_advance(tp);

	if (*tp->p >= '0' && *tp->p <= '9')
	{
		level->low = read_count(tp);
		has_low = true;
	}
	else
		level->low = 0;

	if (*tp->p == '}' && has_low)
		level->high = level->low;
	else if (*tp->p == ',')
	{
		tagparser_advance(tp);
		if (*tp->p >= '0' && *tp->p <= '9')
		{
			level->high = read_count(tp);
			if (level->low > level->high)
				tagparser_error(tp, psprintf("Low limit (%d) is greater than high limit (%d) in the count at character %d.",
											 level->low, level->high, start));
		}
		else
			level->high = TAGQUERY_MAX_LEVELS;
	}
	else
		tagparser_error(tp, *tp->p ?
						psprintf("Unexpected character \"%c\" at character %d; expected a repeat count like {2}, {1,3}, {2,} or {,3}.",
								 *tp->p, tp->pos) :
						"Unexpected end of input in a repeat count.");

	if (*tp->p != '}')
		tagparser_error(tp, *tp->p ?
						psprintf("Unexpected character \"%c\" at character %d; expected \"}\".",
								 *tp->p, tp->pos) :
						"Unexpected end of input in a repeat count.");
	tagparser_advance(tp);
}

/* Reads one variant: a label (appended to labels) and its flags. */
static ParsedVariant *
read_variant(TagParser *tp, StringInfo labels)
{
	ParsedVariant *v = palloc0(sizeof(ParsedVariant));

	v->name = labels->len;
	if (!tagparser_read_label(tp, labels))
	{
		if (*tp->p == '.' || *tp->p == '|')
			tagparser_error(tp, psprintf("Empty label at character %d.", tp->pos));
		tagparser_unexpected(tp);
	}
	for (;;)
	{
		if (*tp->p == '@')
			v->flags |= TQV_CASEFOLD;
		else if (*tp->p == '*')
			v->flags |= TQV_PREFIX;
		else if (*tp->p == '%')
			v->flags |= TQV_WORDS;
		else
			break;
		tagparser_advance(tp);
	}
	v->len = labels->len - v->name;
	return v;
}

/* Reads one level; its labels go to labels. */
static ParsedLevel *
read_level(TagParser *tp, StringInfo labels)
{
	ParsedLevel *level = palloc0(sizeof(ParsedLevel));

	if (*tp->p == '*')
	{
		tagparser_advance(tp);
		level->low = 0;
		level->high = TAGQUERY_MAX_LEVELS;
		read_repeat(tp, level);
		return level;
	}

	if (*tp->p == '!')
	{
		level->flags |= TQL_NOT;
		tagparser_advance(tp);
	}
	level->low = level->high = 1;
	for (;;)
	{
		if (list_length(level->variants) >= PG_UINT16_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("tagquery level has too many variants"),
					 errdetail("The maximum is %d.", PG_UINT16_MAX)));
		level->variants = lappend(level->variants, read_variant(tp, labels));
		if (*tp->p != '|')
			break;
		tagparser_advance(tp);
	}
	read_repeat(tp, level);
	return level;
}

/* Lays parsed levels out as a tagquery value. */
static TagQuery *
build_tagquery(List *levels, const char *labels)
{
	Size		size = TAGQUERY_HDRSIZE;
	TagQuery   *result;
	TagQueryLevel *out;
	ListCell   *lc;

	foreach(lc, levels)
	{
		ParsedLevel *level = lfirst(lc);
		ListCell   *vc;

		size = add_size(size, TQL_HDRSIZE);
		foreach(vc, level->variants)
		{
			ParsedVariant *v = lfirst(vc);

			size = add_size(size, TQV_HDRSIZE + INTALIGN(v->len));
		}
	}
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tagquery is too large")));

	result = palloc0(size);
	SET_VARSIZE(result, size);
	result->numlevel = list_length(levels);
	out = TAGQUERY_FIRST(result);
	foreach(lc, levels)
	{
		ParsedLevel *level = lfirst(lc);
		TagQueryVariant *v = TQL_FIRST(out);
		ListCell   *vc;

		out->numvar = list_length(level->variants);
		out->flags = level->flags;
		out->low = level->low;
		out->high = level->high;
		out->totallen = TQL_HDRSIZE;
		foreach(vc, level->variants)
		{
			ParsedVariant *pv = lfirst(vc);

			v->len = pv->len;
			v->flags = pv->flags;
			memcpy(v->name, labels + pv->name, pv->len);
			out->totallen += TQV_SIZE(v);
			v = TQV_NEXT(v);
		}
		out = TQL_NEXT(out);
	}
	return result;
}

/* Parses a tagquery literal. */
TagQuery *
tagquery_from_cstring(const char *str)
{
	TagParser	tp;
	List	   *levels = NIL;
	StringInfoData labels;

	tagparser_init(&tp, str, "tagquery");
	initStringInfo(&labels);
	if (*str == '\0')
		tagparser_error(&tp, "A tagquery needs at least one level; use * to match any path.");

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		levels = lappend(levels, read_level(&tp, &labels));
		if (list_length(levels) > TAGQUERY_MAX_LEVELS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("number of tagquery levels exceeds the maximum allowed (%d)",
							TAGQUERY_MAX_LEVELS)));
		if (*tp.p == '\0')
			break;
		if (*tp.p != '.')
			tagparser_unexpected(&tp);
		tagparser_advance(&tp);
		if (*tp.p == '\0')
			tagparser_error(&tp, "Unexpected end of input.");
	}
	return build_tagquery(levels, labels.data);
}

/* Appends a level's repeat count, if it is not the default. */
static void
append_repeat(StringInfo buf, const TagQueryLevel *level)
{
	int			deflow = level->numvar ? 1 : 0;
	int			defhigh = level->numvar ? 1 : TAGQUERY_MAX_LEVELS;

	if (level->low == deflow && level->high == defhigh)
		return;
	if (level->low == level->high)
		appendStringInfo(buf, "{%d}", level->low);
	else if (level->high == TAGQUERY_MAX_LEVELS)
		level->low ? appendStringInfo(buf, "{%d,}", level->low) :
			appendStringInfoString(buf, "{,}");
	else if (level->low == 0)
		appendStringInfo(buf, "{,%d}", level->high);
	else
		appendStringInfo(buf, "{%d,%d}", level->low, level->high);
}

/* Formats a tagquery as its canonical literal. */
static char *
tagquery_to_cstring(const TagQuery *query)
{
	StringInfoData buf;
	const TagQueryLevel *level = TAGQUERY_FIRST(query);

	initStringInfo(&buf);
	for (int i = 0; i < query->numlevel; i++)
	{
		const TagQueryVariant *v = TQL_FIRST(level);

		if (i > 0)
			appendStringInfoChar(&buf, '.');
		if (level->numvar == 0)
			appendStringInfoChar(&buf, '*');
		if (level->flags & TQL_NOT)
			appendStringInfoChar(&buf, '!');
		for (int j = 0; j < level->numvar; j++)
		{
			if (j > 0)
				appendStringInfoChar(&buf, '|');
			tagpath_append_label(&buf, v->name, v->len);
			if (v->flags & TQV_WORDS)
				appendStringInfoChar(&buf, '%');
			if (v->flags & TQV_CASEFOLD)
				appendStringInfoChar(&buf, '@');
			if (v->flags & TQV_PREFIX)
				appendStringInfoChar(&buf, '*');
			v = TQV_NEXT(v);
		}
		append_repeat(&buf, level);
		level = TQL_NEXT(level);
	}
	return buf.data;
}

PG_FUNCTION_INFO_V1(tagquery_in);
Datum
tagquery_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(tagquery_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(tagquery_out);
Datum
tagquery_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(tagquery_to_cstring(PG_GETARG_TAGQUERY_P(0)));
}

/* Binary format: see tagstore_send_literal(). */
PG_FUNCTION_INFO_V1(tagquery_send);
Datum
tagquery_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(tagstore_send_literal(tagquery_to_cstring(PG_GETARG_TAGQUERY_P(0))));
}

PG_FUNCTION_INFO_V1(tagquery_recv);
Datum
tagquery_recv(PG_FUNCTION_ARGS)
{
	char	   *str = tagstore_recv_literal((StringInfo) PG_GETARG_POINTER(0), "tagquery");

	PG_RETURN_POINTER(tagquery_from_cstring(str));
}
