/*
 * tagtxtquery.c
 *	  tagtxtquery, the ltxtquery-compatible boolean search over labels:
 *	  I/O, the @ operators, and the signature test GiST uses.
 *
 * Syntax (every ltxtquery literal is a tagtxtquery literal):
 *
 *		expr	:= term ('|' term)*
 *		term	:= factor ('&' factor)*
 *		factor	:= '!' factor | '(' expr ')' | label flag*
 *
 * with flags '@' (case-insensitive), '*' (prefix) and '%' (words) as in
 * tagquery, labels plain or quoted, and spaces between tokens.  A path
 * matches an operand if any of its labels does: 'Europe & Russia*@ & !Transport'.
 *
 * Stored in pre-order: each node is a header followed by its label (for an
 * operand) or by its children; a node's size lets evaluation skip a subtree.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "tagpath.h"

#define TTQ_LABEL	'v'
#define TTQ_NOT		'!'
#define TTQ_AND		'&'
#define TTQ_OR		'|'

typedef struct TagTxtNode
{
	uint32		size;			/* bytes of this node and its subtree */
	uint8		kind;			/* TTQ_* */
	uint8		flags;			/* TQV_* of an operand */
	uint16		unused;
	uint32		len;			/* label bytes of an operand */
	char		name[FLEXIBLE_ARRAY_MEMBER];
} TagTxtNode;

#define TTN_HDRSIZE		INTALIGN(offsetof(TagTxtNode, name))
#define TTN_CHILD(n)	((TagTxtNode *) ((char *) (n) + TTN_HDRSIZE))
#define TTN_NEXT(n)		((TagTxtNode *) ((char *) (n) + (n)->size))

typedef struct TagTxtQuery
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* the root node */
} TagTxtQuery;

#define TTQ_ROOT(q)		((TagTxtNode *) ((char *) (q) + INTALIGN(offsetof(TagTxtQuery, data))))
#define DatumGetTagTxtQueryP(X)		((TagTxtQuery *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TAGTXTQUERY_P(n)	DatumGetTagTxtQueryP(PG_GETARG_DATUM(n))

/*
 * Parsing: recursive descent, appending nodes to a buffer in pre-order.
 */
static void parse_expr(TagParser *tp, StringInfo out);

static void
skip_spaces(TagParser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')
		tagparser_advance(tp);
}

/* Appends a node header; returns its offset, to fill in its size later. */
static int
begin_node(StringInfo out, uint8 kind)
{
	int			at = out->len;
	TagTxtNode	hdr = {0};

	hdr.kind = kind;
	appendBinaryStringInfo(out, (char *) &hdr, TTN_HDRSIZE);
	return at;
}

static void
end_node(StringInfo out, int at)
{
	((TagTxtNode *) (out->data + at))->size = out->len - at;
}

static void
parse_factor(TagParser *tp, StringInfo out)
{
	int			at;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	skip_spaces(tp);
	if (*tp->p == '!')
	{
		tagparser_advance(tp);
		at = begin_node(out, TTQ_NOT);
		parse_factor(tp, out);
		end_node(out, at);
	}
	else if (*tp->p == '(')
	{
		tagparser_advance(tp);
		parse_expr(tp, out);
		skip_spaces(tp);
		if (*tp->p != ')')
			tagparser_unexpected(tp);
		tagparser_advance(tp);
	}
	else
	{
		StringInfoData label;
		TagTxtNode *node;
		uint8		flags = 0;

		initStringInfo(&label);
		if (!tagparser_read_label(tp, &label))
			tagparser_unexpected(tp);
		for (;; tagparser_advance(tp))
		{
			if (*tp->p == '@')
				flags |= TQV_CASEFOLD;
			else if (*tp->p == '*')
				flags |= TQV_PREFIX;
			else if (*tp->p == '%')
				flags |= TQV_WORDS;
			else
				break;
		}
		at = begin_node(out, TTQ_LABEL);
		appendBinaryStringInfo(out, label.data, label.len);
		while (out->len % sizeof(int32))
			appendStringInfoChar(out, '\0');
		node = (TagTxtNode *) (out->data + at);
		node->flags = flags;
		node->len = label.len;
		end_node(out, at);
	}
}

/* Parses operands joined by op, each by sub, as a left-deep tree. */
static void
parse_chain(TagParser *tp, StringInfo out, char op, void (*sub) (TagParser *, StringInfo))
{
	int			start = out->len;

	sub(tp, out);
	for (;;)
	{
		int			leftlen;
		char	   *left;

		skip_spaces(tp);
		if (*tp->p != op)
			return;
		tagparser_advance(tp);
		/* wrap what we have so far as the left child of a new op node */
		leftlen = out->len - start;
		left = palloc(leftlen);
		memcpy(left, out->data + start, leftlen);
		out->len = start;
		begin_node(out, op);
		appendBinaryStringInfo(out, left, leftlen);
		pfree(left);
		sub(tp, out);
		end_node(out, start);
	}
}

static void
parse_term(TagParser *tp, StringInfo out)
{
	parse_chain(tp, out, TTQ_AND, parse_factor);
}

static void
parse_expr(TagParser *tp, StringInfo out)
{
	check_stack_depth();
	parse_chain(tp, out, TTQ_OR, parse_term);
}

static TagTxtQuery *
tagtxtquery_from_cstring(const char *str)
{
	TagParser	tp;
	StringInfoData out;
	TagTxtQuery *result;
	Size		hdr = INTALIGN(offsetof(TagTxtQuery, data));

	tagparser_init(&tp, str, "tagtxtquery");
	initStringInfo(&out);
	parse_expr(&tp, &out);
	skip_spaces(&tp);
	if (*tp.p != '\0')
		tagparser_unexpected(&tp);

	result = palloc0(hdr + out.len);
	SET_VARSIZE(result, hdr + out.len);
	memcpy(TTQ_ROOT(result), out.data, out.len);
	return result;
}

/* Appends a node in infix form; parenthesizes where precedence requires. */
static void
deparse(StringInfo buf, const TagTxtNode *node, int parent_prec)
{
	int			prec = node->kind == TTQ_OR ? 1 : node->kind == TTQ_AND ? 2 : 3;

	check_stack_depth();
	if (node->kind == TTQ_LABEL)
	{
		tagpath_append_label(buf, node->name, node->len);
		if (node->flags & TQV_WORDS)
			appendStringInfoChar(buf, '%');
		if (node->flags & TQV_CASEFOLD)
			appendStringInfoChar(buf, '@');
		if (node->flags & TQV_PREFIX)
			appendStringInfoChar(buf, '*');
		return;
	}
	if (prec < parent_prec)
		appendStringInfoChar(buf, '(');
	if (node->kind == TTQ_NOT)
	{
		appendStringInfoChar(buf, '!');
		deparse(buf, TTN_CHILD(node), 3);
	}
	else
	{
		const TagTxtNode *left = TTN_CHILD(node);

		deparse(buf, left, prec);
		appendStringInfo(buf, " %c ", node->kind);
		/* left-deep chains: a right child of equal precedence needs parentheses */
		deparse(buf, TTN_NEXT(left), prec + 1);
	}
	if (prec < parent_prec)
		appendStringInfoChar(buf, ')');
}

static char *
tagtxtquery_to_cstring(const TagTxtQuery *q)
{
	StringInfoData buf;

	initStringInfo(&buf);
	deparse(&buf, TTQ_ROOT(q), 0);
	return buf.data;
}

/*
 * Evaluation.  An operand is decided by a callback: exactly against a
 * path, or conservatively against a GiST signature, where NOT cannot
 * exclude anything.
 */
typedef bool (*OperandTest) (const TagTxtNode *operand, const void *arg);

static bool
evaluate(const TagTxtNode *node, OperandTest test, const void *arg, bool exact)
{
	const TagTxtNode *left;

	check_stack_depth();
	switch (node->kind)
	{
		case TTQ_LABEL:
			return test(node, arg);
		case TTQ_NOT:
			return exact ? !evaluate(TTN_CHILD(node), test, arg, exact) : true;
		case TTQ_AND:
			left = TTN_CHILD(node);
			return evaluate(left, test, arg, exact) && evaluate(TTN_NEXT(left), test, arg, exact);
		default:
			left = TTN_CHILD(node);
			return evaluate(left, test, arg, exact) || evaluate(TTN_NEXT(left), test, arg, exact);
	}
}

/* Does some label of the path (a TagPath) match the operand? */
static bool
path_has_operand(const TagTxtNode *operand, const void *arg)
{
	const TagPath *path = arg;
	TagLabelIter it;
	TagLabel	label;

	tagpath_iter_init(&it, TAGPATH_DATA(path), TAGPATH_LEN(path));
	while (tagpath_iter_next(&it, &label))
		if (tagstore_variant_matches(operand->name, operand->len, operand->flags, &label))
			return true;
	return false;
}

/* Might a signature hold a label matching the operand? */
static bool
sig_has_operand(const TagTxtNode *operand, const void *arg)
{
	const TagTxtSigArg *s = arg;

	if (s->sig == NULL || (operand->flags & (TQV_PREFIX | TQV_WORDS)))
		return true;
	return TAGSTORE_SIG_TEST(s->sig, s->siglen, tagstore_label_hash(operand->name, operand->len));
}

/* Does the path match the query?  (Datum interface for the GiST code.) */
bool
tagtxtquery_match_datum(Datum query, const TagPath *path)
{
	return evaluate(TTQ_ROOT(DatumGetTagTxtQueryP(query)), path_has_operand, path, true);
}

/* Might some path whose labels are all in sig match the query? */
bool
tagtxtquery_sig_may_match(Datum query, BITVECP sig, int siglen)
{
	TagTxtSigArg s = {sig, siglen};

	return evaluate(TTQ_ROOT(DatumGetTagTxtQueryP(query)), sig_has_operand, &s, false);
}

PG_FUNCTION_INFO_V1(tagtxtquery_in);
Datum
tagtxtquery_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(tagtxtquery_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(tagtxtquery_out);
Datum
tagtxtquery_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(tagtxtquery_to_cstring(PG_GETARG_TAGTXTQUERY_P(0)));
}

/* Binary format: see tagstore_send_literal(). */
PG_FUNCTION_INFO_V1(tagtxtquery_send);
Datum
tagtxtquery_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(tagstore_send_literal(tagtxtquery_to_cstring(PG_GETARG_TAGTXTQUERY_P(0))));
}

PG_FUNCTION_INFO_V1(tagtxtquery_recv);
Datum
tagtxtquery_recv(PG_FUNCTION_ARGS)
{
	char	   *str = tagstore_recv_literal((StringInfo) PG_GETARG_POINTER(0), "tagtxtquery");

	PG_RETURN_POINTER(tagtxtquery_from_cstring(str));
}

/* tagpath @ tagtxtquery */
PG_FUNCTION_INFO_V1(tagpath_txtmatches);
Datum
tagpath_txtmatches(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tagtxtquery_match_datum(PG_GETARG_DATUM(1), PG_GETARG_TAGPATH_P(0)));
}

/* tagtxtquery @ tagpath */
PG_FUNCTION_INFO_V1(tagpath_txtmatches_commuted);
Datum
tagpath_txtmatches_commuted(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tagtxtquery_match_datum(PG_GETARG_DATUM(0), PG_GETARG_TAGPATH_P(1)));
}
