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
 * '&' and '|' chains are left-deep: 'a & b & c' is &(&(a, b), c).
 *
 * 1. Parsing: operator precedence, in one pass
 *
 * A hostile literal is long ('a & a & ... ', 100,000 operands) or deep
 * ('!!!...a', '((((...a))))').  So nothing here recurses or copies what it
 * has already built: the parser is a shunting-yard over two explicit
 * stacks, operators ('(' '!' '&' '|') and finished subtrees.  An operator
 * arriving pops and applies the operators of the same or higher precedence
 * ('!' above '&' above '|', all left-associative), which builds exactly
 * the grammar's trees.  Subtrees are nodes in an array, each knowing its
 * children and its size; at the end one walk writes them out in pre-order.
 *
 *	 'a & !b | c'	 a		 values [a]				operators []
 *					 &						 [a]						[&]
 *					 ! b					 [a b]						[& !]
 *					 |		 pops ! then &:	 [&(a, !b)]					[|]
 *					 c, end	 pops |:		 [|(&(a, !b), c)]			[]
 *
 * 2. Evaluation and output walk the stored tree with an explicit stack too.
 *
 * Limits: time and memory linear in the literal (each node is written
 * once); the stored form at most MaxAllocSize (54000 past it); no nesting
 * limit.  Evaluation tests each operand against each label at most once.
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
 * Parsing: see the header comment, part 1.
 */

/* Moves the cursor past white space. */
static void
skip_spaces(TagParser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')
		tagparser_advance(tp);
}

/* Operator precedence: '!' binds tightest, then '&', then '|'. */
static int
precedence(char op)
{
	return op == TTQ_NOT ? 3 : op == TTQ_AND ? 2 : op == TTQ_OR ? 1 : 0;
}

/* A subtree while parsing: a node and where its children are. */
typedef struct ParseNode
{
	uint8		kind;			/* TTQ_* */
	uint8		flags;			/* TQV_* of an operand */
	int			left;			/* child (NOT's only one), or -1 */
	int			right;			/* right child of & and |, or -1 */
	Size		size;			/* bytes of its stored form */
	int			name;			/* an operand's label: its offset in labels */
	int			len;
} ParseNode;

/* A growable stack of ints: subtree numbers or operator characters. */
typedef struct IntStack
{
	int		   *items;
	int			n;
	int			cap;
} IntStack;

/* Pushes an item, growing the stack as needed. */
static void
stack_push(IntStack *st, int item)
{
	if (st->n == st->cap)
	{
		st->cap = st->cap ? st->cap * 2 : 32;
		st->items = st->items ? repalloc(st->items, sizeof(int) * st->cap) :
			palloc(sizeof(int) * st->cap);
	}
	st->items[st->n++] = item;
}

/* Pops the top item. */
static int
stack_pop(IntStack *st)
{
	Assert(st->n > 0);
	return st->items[--st->n];
}

/* The parser's state: the literal, the nodes made, the two stacks. */
typedef struct TxtParser
{
	TagParser	tp;
	ParseNode  *nodes;
	int			nnodes;
	int			capnodes;
	IntStack	values;			/* finished subtrees */
	IntStack	ops;			/* pending operators and '(' */
	StringInfoData labels;		/* the operands' labels, one after another */
} TxtParser;

/* Adds a node; its size must fit a stored tagtxtquery. */
static int
add_node(TxtParser *ps, uint8 kind, int left, int right, Size size)
{
	ParseNode  *node;

	if (size > MaxAllocSize - INTALIGN(offsetof(TagTxtQuery, data)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tagtxtquery is too large"),
				 errdetail("The stored form would exceed %zu bytes.", (Size) MaxAllocSize)));
	if (ps->nnodes == ps->capnodes)
	{
		ps->capnodes = ps->capnodes ? ps->capnodes * 2 : 32;
		ps->nodes = ps->nodes ? repalloc_huge(ps->nodes, sizeof(ParseNode) * ps->capnodes) :
			palloc(sizeof(ParseNode) * ps->capnodes);
	}
	node = &ps->nodes[ps->nnodes];
	memset(node, 0, sizeof(ParseNode));
	node->kind = kind;
	node->left = left;
	node->right = right;
	node->size = size;
	return ps->nnodes++;
}

/* Applies an operator to the subtrees on top of the value stack. */
static void
apply_operator(TxtParser *ps, char op)
{
	int			right = stack_pop(&ps->values);
	int			left = -1;

	if (op == TTQ_NOT)
	{
		stack_push(&ps->values,
				   add_node(ps, TTQ_NOT, right, -1, TTN_HDRSIZE + ps->nodes[right].size));
		return;
	}
	left = stack_pop(&ps->values);
	stack_push(&ps->values,
			   add_node(ps, op, left, right,
						TTN_HDRSIZE + ps->nodes[left].size + ps->nodes[right].size));
}

/* Reads an operand at the cursor: a label and its flags. */
static void
read_operand(TxtParser *ps)
{
	TagParser  *tp = &ps->tp;
	int			start = ps->labels.len;
	uint8		flags = 0;
	int			n;

	if (!tagparser_read_label(tp, &ps->labels))
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
	n = add_node(ps, TTQ_LABEL, -1, -1, TTN_HDRSIZE + INTALIGN(ps->labels.len - start));
	ps->nodes[n].flags = flags;
	ps->nodes[n].name = start;
	ps->nodes[n].len = ps->labels.len - start;
	stack_push(&ps->values, n);
}

/*
 * Reads what follows an operand: '&', '|', ')' or the end, and applies
 * the operators it closes.  Returns what it read ('\0' for the end).
 */
static char
read_operator(TxtParser *ps)
{
	TagParser  *tp = &ps->tp;
	char		c = *tp->p;

	if (c == TTQ_AND || c == TTQ_OR)
	{
		while (ps->ops.n > 0 && precedence(ps->ops.items[ps->ops.n - 1]) >= precedence(c))
			apply_operator(ps, stack_pop(&ps->ops));
		stack_push(&ps->ops, c);
		tagparser_advance(tp);
		return c;
	}
	/* ')' or the end: apply everything back to the '(' (or all, at the end) */
	if (c != ')' && c != '\0')
		tagparser_unexpected(tp);
	while (ps->ops.n > 0 && ps->ops.items[ps->ops.n - 1] != '(')
		apply_operator(ps, stack_pop(&ps->ops));
	if ((c == ')') != (ps->ops.n > 0))
		tagparser_unexpected(tp);	/* ')' without '(', or '(' never closed */
	if (c == ')')
	{
		stack_pop(&ps->ops);
		tagparser_advance(tp);
	}
	return c;
}

/* Writes the parsed tree out in pre-order, the stored form. */
static void
write_tree(TxtParser *ps, int root, char *out)
{
	IntStack	todo = {0};

	stack_push(&todo, root);
	while (todo.n > 0)
	{
		ParseNode  *pn = &ps->nodes[stack_pop(&todo)];
		TagTxtNode *node = (TagTxtNode *) out;

		node->size = pn->size;
		node->kind = pn->kind;
		node->flags = pn->flags;
		node->len = pn->len;
		out += TTN_HDRSIZE;
		if (pn->kind == TTQ_LABEL)
		{
			memcpy(out, ps->labels.data + pn->name, pn->len);
			out += INTALIGN(pn->len);
		}
		if (pn->right >= 0)
			stack_push(&todo, pn->right);
		if (pn->left >= 0)
			stack_push(&todo, pn->left);
	}
}

/* Parses a tagtxtquery literal. */
static TagTxtQuery *
tagtxtquery_from_cstring(const char *str)
{
	TxtParser	ps = {0};
	TagTxtQuery *result;
	Size		hdr = INTALIGN(offsetof(TagTxtQuery, data));
	int			root;
	char		c = ' ';

	tagparser_init(&ps.tp, str, "tagtxtquery");
	initStringInfo(&ps.labels);
	while (c != '\0')
	{
		CHECK_FOR_INTERRUPTS();
		/* an operand, after any '!' and '(' before it */
		skip_spaces(&ps.tp);
		if (*ps.tp.p == '!' || *ps.tp.p == '(')
		{
			stack_push(&ps.ops, *ps.tp.p);
			tagparser_advance(&ps.tp);
			continue;
		}
		read_operand(&ps);
		/* then any ')', and an operator or the end */
		do
		{
			skip_spaces(&ps.tp);
			c = read_operator(&ps);
		} while (c == ')');
	}
	Assert(ps.values.n == 1 && ps.ops.n == 0);
	root = ps.values.items[0];

	result = palloc0(hdr + ps.nodes[root].size);
	SET_VARSIZE(result, hdr + ps.nodes[root].size);
	write_tree(&ps, root, (char *) TTQ_ROOT(result));
	return result;
}

/*
 * Walking a stored tree without recursion: a stack of the nodes entered
 * and not yet left, each with how far along it is (0: just entered, 1:
 * first child done, 2: second child done).
 */
typedef struct WalkFrame
{
	const TagTxtNode *node;
	int			step;
	int			prec;			/* output: the precedence of the parent */
} WalkFrame;

typedef struct Walk
{
	WalkFrame  *frames;
	int			n;
	int			cap;
} Walk;

/* Enters a node. */
static void
walk_push(Walk *w, const TagTxtNode *node, int prec)
{
	if (w->n == w->cap)
	{
		w->cap = w->cap ? w->cap * 2 : 32;
		w->frames = w->frames ? repalloc_huge(w->frames, sizeof(WalkFrame) * w->cap) :
			palloc(sizeof(WalkFrame) * w->cap);
	}
	w->frames[w->n].node = node;
	w->frames[w->n].step = 0;
	w->frames[w->n].prec = prec;
	w->n++;
}

/* Appends an operand with its flags. */
static void
append_operand(StringInfo buf, const TagTxtNode *node)
{
	tagpath_append_label(buf, node->name, node->len);
	if (node->flags & TQV_WORDS)
		appendStringInfoChar(buf, '%');
	if (node->flags & TQV_CASEFOLD)
		appendStringInfoChar(buf, '@');
	if (node->flags & TQV_PREFIX)
		appendStringInfoChar(buf, '*');
}

/*
 * Formats a tagtxtquery in infix form, parenthesizing where precedence
 * requires: a node inside a parent of higher precedence, and the right
 * child of a chain of the same operator (chains are left-deep).
 */
static char *
tagtxtquery_to_cstring(const TagTxtQuery *q)
{
	StringInfoData buf;
	Walk		w = {0};

	initStringInfo(&buf);
	walk_push(&w, TTQ_ROOT(q), 0);
	while (w.n > 0)
	{
		WalkFrame  *f = &w.frames[w.n - 1];
		const TagTxtNode *node = f->node;
		int			prec = precedence(node->kind);
		bool		parens = prec < f->prec;

		CHECK_FOR_INTERRUPTS();
		if (node->kind == TTQ_LABEL)
		{
			append_operand(&buf, node);
			w.n--;
			continue;
		}
		if (f->step == 0 && parens)
			appendStringInfoChar(&buf, '(');
		if (f->step == 0 && node->kind == TTQ_NOT)
			appendStringInfoChar(&buf, '!');
		if (f->step == 1 && node->kind != TTQ_NOT)
			appendStringInfo(&buf, " %c ", node->kind);
		if (f->step == 0)
		{
			f->step = 1;
			walk_push(&w, TTN_CHILD(node), node->kind == TTQ_NOT ? 3 : prec);
		}
		else if (f->step == 1 && node->kind != TTQ_NOT)
		{
			f->step = 2;
			walk_push(&w, TTN_NEXT(TTN_CHILD(node)), prec + 1);
		}
		else
		{
			if (parens)
				appendStringInfoChar(&buf, ')');
			w.n--;
		}
	}
	return buf.data;
}

/*
 * Evaluation.  An operand is decided by a callback: exactly against a
 * path, or conservatively against a GiST signature, where NOT cannot
 * exclude anything.
 */
typedef bool (*OperandTest) (const TagTxtNode *operand, const void *arg);

/*
 * Evaluates the tree from node, depth first, skipping the second child of
 * an & whose first is false and of an | whose first is true.  "result"
 * holds the value of the node last left.
 */
static bool
evaluate(const TagTxtNode *root, OperandTest test, const void *arg, bool exact)
{
	Walk		w = {0};
	bool		result = false;

	walk_push(&w, root, 0);
	while (w.n > 0)
	{
		WalkFrame  *f = &w.frames[w.n - 1];
		const TagTxtNode *node = f->node;

		CHECK_FOR_INTERRUPTS();
		if (node->kind == TTQ_LABEL)
		{
			result = test(node, arg);
			w.n--;
		}
		else if (node->kind == TTQ_NOT)
		{
			if (!exact)
			{
				result = true;
				w.n--;
			}
			else if (f->step++ == 0)
				walk_push(&w, TTN_CHILD(node), 0);
			else
			{
				result = !result;
				w.n--;
			}
		}
		else if (f->step == 0)
		{
			f->step = 1;
			walk_push(&w, TTN_CHILD(node), 0);
		}
		else if (f->step == 1 && result == (node->kind == TTQ_AND))
		{
			/* & after true, | after false: the second child decides */
			f->step = 2;
			walk_push(&w, TTN_NEXT(TTN_CHILD(node)), 0);
		}
		else
			w.n--;
	}
	if (w.frames)
		pfree(w.frames);
	return result;
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
