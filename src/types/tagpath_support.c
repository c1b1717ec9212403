/*
 * tagpath_support.c
 *	  Planner support: lets a plain btree index answer <@ and @>.
 *
 * In the stored form (tagpath.h) a subtree is a key range, and the
 * ancestors of a path are its prefixes, so with a btree on col:
 *
 *		col <@ 'a.b'	becomes		col >= 'a.b' AND col < 'a."b "'
 *		col @> 'a.b.c'	becomes		col = ANY ('{"", a, a.b, a.b.c}')
 *
 * Both rewrites are exact, so the original clause need not be rechecked.
 * When the other side is not a constant (a parameter of a prepared
 * statement), the bounds are computed at run time by tagpath_subtree_end()
 * and tagpath_prefixes().
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "tagpath.h"

/*
 * A byte string greater than every tagpath: 0xFF never occurs in UTF-8 or
 * in any server encoding's text, so it is used only as the end of the
 * empty path's subtree (everything).
 */
static const char everything_end[] = "\xFF";

/* End of p's subtree, as a key: p with ' ' appended; see tagpath.h. */
static TagPath *
subtree_end(const TagPath *p)
{
	if (TAGPATH_LEN(p) == 0)
		return tagpath_from_bytes(everything_end, 1);
	return tagpath_subtree_upper(p);
}

/* p and all its ancestors, root first, the empty path included. */
static ArrayType *
prefixes(const TagPath *p, Oid elemtype)
{
	const char *data = TAGPATH_DATA(p);
	int			len = TAGPATH_LEN(p);
	int			n = tagpath_nlevel(p) + 1;
	Datum	   *elems = palloc(sizeof(Datum) * n);
	int			k = 0;

	elems[k++] = PointerGetDatum(tagpath_from_bytes(data, 0));
	for (int i = 0; i <= len; i++)
		if (i == len || data[i] == TAGPATH_SEP)
			elems[k++] = PointerGetDatum(tagpath_from_bytes(data, i));
	Assert(k == n || len == 0);
	return construct_array(elems, k, elemtype, -1, false, TYPALIGN_INT);
}

PG_FUNCTION_INFO_V1(tagpath_subtree_end);
Datum
tagpath_subtree_end(PG_FUNCTION_ARGS)
{
	PG_RETURN_TAGPATH_P(subtree_end(PG_GETARG_TAGPATH_P(0)));
}

PG_FUNCTION_INFO_V1(tagpath_prefixes);
Datum
tagpath_prefixes(PG_FUNCTION_ARGS)
{
	Oid			elemtype = get_fn_expr_argtype(fcinfo->flinfo, 0);

	PG_RETURN_ARRAYTYPE_P(prefixes(PG_GETARG_TAGPATH_P(0), elemtype));
}

/* Calls the extension's function fname (in the schema of fnoid) on arg. */
static Expr *
call_sibling(Oid fnoid, const char *fname, Oid argtype, Oid rettype, Expr *arg)
{
	Oid			nsp = get_func_namespace(fnoid);
	List	   *name = list_make2(makeString(get_namespace_name(nsp)), makeString(pstrdup(fname)));
	Oid			fn = LookupFuncName(name, 1, &argtype, false);

	return (Expr *) makeFuncExpr(fn, rettype, list_make1(arg), InvalidOid,
								 InvalidOid, COERCE_EXPLICIT_CALL);
}

/* col >= other AND col < subtree_end(other) */
static List *
subtree_range(SupportRequestIndexCondition *req, Node *col, Node *other, Oid type)
{
	Oid			ge = get_opfamily_member(req->opfamily, type, type, BTGreaterEqualStrategyNumber);
	Oid			lt = get_opfamily_member(req->opfamily, type, type, BTLessStrategyNumber);
	Expr	   *end;

	if (!OidIsValid(ge) || !OidIsValid(lt))
		return NIL;
	if (IsA(other, Const))
		end = (Expr *) makeConst(type, -1, InvalidOid, -1,
								 PointerGetDatum(subtree_end(DatumGetTagPathP(((Const *) other)->constvalue))),
								 false, false);
	else
		end = call_sibling(req->funcid, "tagpath_subtree_end", type, type, (Expr *) other);

	return list_make2(make_opclause(ge, BOOLOID, false, (Expr *) col, (Expr *) other,
									InvalidOid, InvalidOid),
					  make_opclause(lt, BOOLOID, false, (Expr *) col, end,
									InvalidOid, InvalidOid));
}

/* col = ANY (prefixes(other)) */
static List *
ancestor_list(SupportRequestIndexCondition *req, Node *col, Node *other, Oid type)
{
	Oid			eq = get_opfamily_member(req->opfamily, type, type, BTEqualStrategyNumber);
	Oid			arraytype = get_array_type(type);
	ScalarArrayOpExpr *saop;
	Expr	   *array;

	if (!OidIsValid(eq) || !OidIsValid(arraytype))
		return NIL;
	if (IsA(other, Const))
		array = (Expr *) makeConst(arraytype, -1, InvalidOid, -1,
								   PointerGetDatum(prefixes(DatumGetTagPathP(((Const *) other)->constvalue), type)),
								   false, false);
	else
		array = call_sibling(req->funcid, "tagpath_prefixes", type, arraytype, (Expr *) other);

	saop = makeNode(ScalarArrayOpExpr);
	saop->opno = eq;
	saop->opfuncid = get_opcode(eq);
	saop->useOr = true;
	saop->inputcollid = InvalidOid;
	saop->args = list_make2(col, array);
	saop->location = -1;
	return list_make1(saop);
}

PG_FUNCTION_INFO_V1(tagpath_support);
Datum
tagpath_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestIndexCondition *req;
	List	   *args;
	Node	   *col,
			   *other;
	Oid			type;
	bool		col_is_ancestor;
	const char *fname;

	if (!IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestIndexCondition *) rawreq;

	if (is_opclause(req->node))
		args = ((OpExpr *) req->node)->args;
	else if (is_funcclause(req->node))
		args = ((FuncExpr *) req->node)->args;
	else
		PG_RETURN_POINTER(NULL);
	if (list_length(args) != 2 || req->indexarg > 1)
		PG_RETURN_POINTER(NULL);

	col = list_nth(args, req->indexarg);
	other = list_nth(args, 1 - req->indexarg);
	if (contain_volatile_functions(other) || contain_var_clause(other))
		PG_RETURN_POINTER(NULL);
	if (IsA(other, Const) && ((Const *) other)->constisnull)
		PG_RETURN_POINTER(NULL);
	type = exprType(col);

	/* isparent(a, b) is a @> b: a is the ancestor; risparent is the reverse */
	fname = get_func_name(req->funcid);
	if (fname == NULL)
		PG_RETURN_POINTER(NULL);
	if (strcmp(fname, "tagpath_isparent") == 0)
		col_is_ancestor = (req->indexarg == 0);
	else if (strcmp(fname, "tagpath_risparent") == 0)
		col_is_ancestor = (req->indexarg == 1);
	else
		PG_RETURN_POINTER(NULL);

	req->lossy = false;
	PG_RETURN_POINTER(col_is_ancestor ? ancestor_list(req, col, other, type)
					  : subtree_range(req, col, other, type));
}
