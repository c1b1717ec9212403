/*
 * scan.c
 *	  Streams the answer of entities_with_all/any in FROM.
 *
 * PostgreSQL runs a set-returning function in FROM by collecting all of its
 * rows in a tuplestore first, then scanning that: for a broad listing, the
 * copying costs more than finding the answer (each row formed, copied and
 * read back, in memory the kernel must hand over afresh for every query).
 *
 * So the planner hook below replaces the function scan of
 *
 *		SELECT ... FROM tagstore.entities_with_all(tags, ...)
 *
 * by a custom scan that runs the same search when first asked for a row
 * and then hands out the entities' rows one at a time, straight from the
 * pinned pages of tagstore.entity (entity_rows.c): nothing is copied, and a
 * LIMIT stops reading early.  Same rows, same order, same errors; the
 * function itself stays for other callers (and for sessions that have not
 * loaded the module yet, since the hook comes with it: the first tagstore
 * function or tagpath value of a session loads it).
 *
 * Taken over: a FROM item that is exactly one call of entities_with_all or
 * entities_with_any, without WITH ORDINALITY, whose arguments do not refer
 * to other FROM items (no LATERAL), and whose columns are used by name (not
 * as a whole row).  Anything else is left to the function scan.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "executor/executor.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/paths.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "access/sysattr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "entity_rows.h"
#include "scan.h"
#include "search.h"

#define SCAN_NAME "tagstore entities"

typedef struct StreamState
{
	CustomScanState css;
	Oid			funcid;
	bool		match_all;
	List	   *args;			/* ExprStates of the function's arguments (SearchArg) */
	EntityRows *rows;			/* NULL until the first row is asked for */
} StreamState;

static set_rel_pathlist_hook_type prev_set_rel_pathlist_hook = NULL;

static Plan *plan_stream(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
						 List *tlist, List *clauses, List *custom_plans);
static Node *create_stream_state(CustomScan *cscan);
static void begin_stream(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *exec_stream(CustomScanState *node);
static void end_stream(CustomScanState *node);
static void rescan_stream(CustomScanState *node);

static const CustomPathMethods path_methods = {
	.CustomName = SCAN_NAME,
	.PlanCustomPath = plan_stream,
};

static const CustomScanMethods scan_methods = {
	.CustomName = SCAN_NAME,
	.CreateCustomScanState = create_stream_state,
};

static const CustomExecMethods exec_methods = {
	.CustomName = SCAN_NAME,
	.BeginCustomScan = begin_stream,
	.ExecCustomScan = exec_stream,
	.EndCustomScan = end_stream,
	.ReScanCustomScan = rescan_stream,
};

/*
 * Is funcid one of our entities_with_all/any?  Sets *match_all.  Known by
 * the C symbol behind it, so a same-named function elsewhere is not.
 */
static bool
is_entities_with(Oid funcid, bool *match_all)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	bool		found = false;

	if (!HeapTupleIsValid(tup))
		return false;
	if (((Form_pg_proc) GETSTRUCT(tup))->prolang == ClanguageId)
	{
		bool		isnull;
		Datum		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
		Datum		bin = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_probin, &isnull);
		char	   *symbol = TextDatumGetCString(src);
		char	   *library = isnull ? "" : TextDatumGetCString(bin);
		int			len = strlen(library);

		found = (strcmp(symbol, "tagstore_entities_with_all") == 0 ||
				 strcmp(symbol, "tagstore_entities_with_any") == 0) &&
			len >= 8 && strcmp(library + len - 8, "tagstore") == 0;
		*match_all = strcmp(symbol, "tagstore_entities_with_all") == 0;
	}
	ReleaseSysCache(tup);
	return found;
}

/* Does an expression list use a whole-row reference to relation relid? */
static bool
uses_whole_row(List *exprs, Index relid)
{
	Bitmapset  *attrs = NULL;

	pull_varattnos((Node *) exprs, relid, &attrs);
	return bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
}

static void
add_stream_path(PlannerInfo *root, RelOptInfo *rel, Index rti, RangeTblEntry *rte)
{
	FuncExpr   *call;
	CustomPath *path;
	bool		match_all;
	List	   *quals = NIL;
	ListCell   *lc;

	if (prev_set_rel_pathlist_hook)
		prev_set_rel_pathlist_hook(root, rel, rti, rte);

	if (rte->rtekind != RTE_FUNCTION || rte->funcordinality ||
		list_length(rte->functions) != 1 || !bms_is_empty(rel->lateral_relids) ||
		rel->pathlist == NIL)
		return;
	call = (FuncExpr *) ((RangeTblFunction *) linitial(rte->functions))->funcexpr;
	if (!IsA(call, FuncExpr) || list_length(call->args) != SEARCH_NARGS ||
		!is_entities_with(call->funcid, &match_all))
		return;
	foreach(lc, rel->baserestrictinfo)
		quals = lappend(quals, ((RestrictInfo *) lfirst(lc))->clause);
	if (uses_whole_row(rel->reltarget->exprs, rti) || uses_whole_row(quals, rti))
		return;

	/* the same rows at the same cost as the function scan it replaces */
	path = makeNode(CustomPath);
	path->path.pathtype = T_CustomScan;
	path->path.parent = rel;
	path->path.pathtarget = rel->reltarget;
	path->path.rows = rel->rows;
	path->path.startup_cost = ((Path *) linitial(rel->pathlist))->startup_cost;
	path->path.total_cost = ((Path *) linitial(rel->pathlist))->total_cost;
	path->custom_private = list_make2(makeInteger((int) call->funcid), makeBoolean(match_all));
	path->methods = &path_methods;
	rel->pathlist = NIL;
	add_path(rel, &path->path);
}

/*
 * The plan: the scan tuple is the function's row (entity_type,
 * external_id), described by custom_scan_tlist; the arguments go along in
 * custom_exprs, so that the planner resolves their parameters.
 */
static Plan *
plan_stream(PlannerInfo *root, RelOptInfo *rel, CustomPath *best_path,
			List *tlist, List *clauses, List *custom_plans)
{
	CustomScan *scan = makeNode(CustomScan);
	RangeTblEntry *rte = planner_rt_fetch(rel->relid, root);
	FuncExpr   *call = (FuncExpr *) ((RangeTblFunction *) linitial(rte->functions))->funcexpr;

	scan->scan.plan.targetlist = tlist;
	scan->scan.plan.qual = extract_actual_clauses(clauses, false);
	scan->scan.scanrelid = 0;	/* no relation: the rows come from the search */
	scan->custom_scan_tlist =
		list_make2(makeTargetEntry((Expr *) makeVar(rel->relid, 1, TEXTOID, -1, DEFAULT_COLLATION_OID, 0),
								   1, "entity_type", false),
				   makeTargetEntry((Expr *) makeVar(rel->relid, 2, TEXTOID, -1, DEFAULT_COLLATION_OID, 0),
								   2, "external_id", false));
	scan->custom_exprs = copyObject(call->args);
	scan->custom_private = best_path->custom_private;
	/* the call is gone from the plan: keep it tied to the function all the same */
	record_plan_function_dependency(root, call->funcid);
	scan->methods = &scan_methods;
	return &scan->scan.plan;
}

static Node *
create_stream_state(CustomScan *cscan)
{
	StreamState *state = (StreamState *) newNode(sizeof(StreamState), T_CustomScanState);

	state->css.methods = &exec_methods;
	state->funcid = (Oid) intVal(linitial(cscan->custom_private));
	state->match_all = boolVal(lsecond(cscan->custom_private));
	return (Node *) state;
}

static void
begin_stream(CustomScanState *node, EState *estate, int eflags)
{
	StreamState *state = (StreamState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	/* what calling the function would check */
	if (pg_proc_aclcheck(state->funcid, GetUserId(), ACL_EXECUTE) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_FUNCTION, get_func_name(state->funcid));
	state->args = ExecInitExprList(cscan->custom_exprs, &node->ss.ps);
}

/* Runs the search: the arguments are evaluated now, as a function scan would. */
static void
start_stream(StreamState *state)
{
	ExprContext *econtext = state->css.ss.ps.ps_ExprContext;
	MemoryContext old = MemoryContextSwitchTo(state->css.ss.ps.state->es_query_cxt);
	Datum		args[SEARCH_NARGS];
	bool		nulls[SEARCH_NARGS];
	SearchRequest req;
	int			i = 0;
	ListCell   *lc;

	/* a cursor opened before DROP EXTENSION tagstore and read after it calls a function gone */
	catalog_check_function(state->funcid);
	foreach(lc, state->args)
	{
		args[i] = ExecEvalExpr((ExprState *) lfirst(lc), econtext, &nulls[i]);
		i++;
	}
	search_request_from_args(&req, args, nulls, state->match_all);
	state->rows = search_entity_rows(&req);
	MemoryContextSwitchTo(old);
}

static TupleTableSlot *
next_row(ScanState *ss)
{
	StreamState *state = (StreamState *) ss;
	TupleTableSlot *slot = ss->ss_ScanTupleSlot;

	if (state->rows == NULL)
		start_stream(state);
	ExecClearTuple(slot);
	if (entity_rows_next(state->rows, &slot->tts_values[0], &slot->tts_values[1]))
	{
		slot->tts_isnull[0] = slot->tts_isnull[1] = false;
		ExecStoreVirtualTuple(slot);
	}
	return slot;
}

static bool
recheck_row(ScanState *ss, TupleTableSlot *slot)
{
	return true;
}

static TupleTableSlot *
exec_stream(CustomScanState *node)
{
	return ExecScan(&node->ss, next_row, recheck_row);
}

static void
end_stream(CustomScanState *node)
{
	StreamState *state = (StreamState *) node;

	if (state->rows)
		entity_rows_end(state->rows);
	state->rows = NULL;
}

/* A rescan searches again: the arguments may have changed. */
static void
rescan_stream(CustomScanState *node)
{
	end_stream(node);
	ExecScanReScan(&node->ss);
}

/* Installs the planner hook (from _PG_init). */
void
tagstore_scan_init(void)
{
	RegisterCustomScanMethods(&scan_methods);
	prev_set_rel_pathlist_hook = set_rel_pathlist_hook;
	set_rel_pathlist_hook = add_stream_path;
}
