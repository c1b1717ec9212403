/*
 * write.c
 *	  Tagging and untagging with a direct path for the common case:
 *	  tagstore.add_tag_to(), and the bulk forms add_tag_to_many() and
 *	  remove_tag_from_many() (their essay is further down, before them).
 *
 * Tagging in general is PL/pgSQL (the bulk tagstore.add_tag_to, called for
 * the one entity): retagging with new data, which archives a revision;
 * free-form taxonomies; every error.  (An internal function would not do:
 * PUBLIC may not execute one, and this runs as its caller; see
 * sql/src/08_helpers.sql.)  But the common case, a new tagging without
 * data by a live tag, needs little, and add_tag_to() writes it straight
 * into the tables and their indexes,
 * doing what the SQL would do, without the executor's set-up per statement
 * (less than half the time of the SQL; the benchmark's README has the
 * figures):
 *
 *	1. the tag, by key or id, locked FOR KEY SHARE, and the current user's
 *	   privilege tag on its taxonomy checked (taxonomy_acl.c): a concurrent removal of
 *	   it waits for us, and its cascade then deletes our tagging
 *	   (cascade.c).  tagstore's tables have no foreign keys; this lock is
 *	   what a foreign key's check of the insert would take (a database
 *	   still at 1.0 has them, and their checks are not needed);
 *	2. the entity, by name, locked likewise; a new
 *	   entity is inserted by SQL (ON CONFLICT: a concurrent creator wins);
 *	3. no tagging of the pair that our snapshot sees;
 *	4. its revision: one after the last archived one, if it was tagged before;
 *	5. the insert, speculative as INSERT ... ON CONFLICT DO NOTHING does it,
 *	   so that a concurrent tagging of the same pair makes us back out;
 *	6. a row of the postings' change log (what the trigger
 *	   tagging_changed writes for SQL).
 *
 * Whenever the case is another (data, an existing tagging, a tag or entity
 * changed or removed concurrently, a conflicting insert, a tag of a
 * taxonomy on which the current user lacks the privilege tag), and whenever the
 * tables are not as tagstore made them (row-level security that applies,
 * insert triggers other than tagstore's own, missing table privileges, a
 * check constraint or other columns on tagging), and in a read-only
 * transaction or parallel mode, nothing of the tagging is written and the PL/pgSQL
 * bulk add_tag_to does everything with SQL's own checks and errors.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

#include "catalog.h"
#include "posting.h"
#include "taxonomy_acl.h"
#include "types/tagpath.h"

/* The tables a tagging reads and writes, open for one call. */
typedef struct Tables
{
	Relation	tag;
	Relation	entity;
	Relation	tagging;
	Relation	revision;		/* tagging_revision */
	Snapshot	snapshot;
	/* the inserts into tagging (inserter_begin) */
	EState	   *estate;
	ResultRelInfo *target;
	TupleTableSlot *slot;
	text	   *actor;
} Tables;

/* Runs a statement; gives column `col` of its first row and whether it is NULL; false if no row. */
static bool
run(TagstoreQuery query, Datum *args, const char *nulls, int col, Datum *result, bool *isnull)
{
	catalog_execute(query, args, nulls, false, 1);
	if (SPI_processed == 0)
		return false;
	*result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, isnull);
	return true;
}

/* The acting user, as tagstore.current_actor() says. */
static text *
current_actor(void)
{
	const char *actor = GetConfigOption("tagstore.actor", true, false);

	if (actor == NULL || actor[0] == '\0')
		actor = GetUserNameFromId(GetSessionUserId(), false);
	return cstring_to_text(actor);
}

/*
 * May the caller read, with these privileges too, a table no policy
 * filters?  Every privilege asked for must be held on the whole table
 * (pg_class_aclcheck would accept any one of them: a reader's SELECT
 * alone); privileges on some columns only leave the write to the SQL.
 */
static bool
may_use(Relation rel, AclMode privileges)
{
	Oid			relid = RelationGetRelid(rel);
	AclMode		wanted = ACL_SELECT | privileges;

	return pg_class_aclmask(relid, GetUserId(), wanted, ACLMASK_ALL) == wanted &&
		check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

/*
 * Is tagging as tagstore made it: only the columns the direct write fills
 * (their names and types are checked by catalog.c), no check constraint,
 * and no insert trigger but the change log and (in a database still at
 * 1.0) the foreign-key checks that our locks stand for?
 */
static bool
tagging_is_ours(Tables *t)
{
	TupleDesc	desc = RelationGetDescr(t->tagging);
	TriggerDesc *triggers = t->tagging->trigdesc;

	if (desc->natts != Natts_tagging || (desc->constr && desc->constr->num_check > 0))
		return false;
	for (int i = 0; triggers && i < triggers->numtriggers; i++)
	{
		Trigger    *trigger = &triggers->triggers[i];

		if (trigger->tgenabled == TRIGGER_DISABLED || !TRIGGER_FOR_INSERT(trigger->tgtype))
			continue;
		if (trigger->tgfoid == F_RI_FKEY_CHECK_INS &&
			(trigger->tgconstrrelid == RelationGetRelid(t->tag) ||
			 trigger->tgconstrrelid == RelationGetRelid(t->entity)))
			continue;
		if (strcmp(trigger->tgname, TAGGING_CHANGED_TRIGGER) == 0)
			continue;
		return false;
	}
	return true;
}

/* Whether this call may write directly, rather than through SQL. */
static bool
direct_write_allowed(Tables *t)
{
	/* the SQL would lock tag and taggings FOR (KEY) SHARE/UPDATE: UPDATE privilege */
	return !XactReadOnly && !IsInParallelMode() &&
		may_use(t->tag, ACL_UPDATE) && may_use(t->entity, 0) &&
		may_use(t->tagging, ACL_INSERT | ACL_UPDATE) && may_use(t->revision, 0) &&
		tagging_is_ours(t);
}

/*
 * The row the keys find in index that our snapshot sees, into slot; with
 * lock, locked FOR KEY SHARE as a foreign-key check does.  False if there
 * is none, or it was changed or removed by a concurrent transaction.
 */
static bool
find_row(Tables *t, Relation rel, Relation index, ScanKey keys, int nkeys,
		 ScanDirection direction, bool lock, TupleTableSlot *slot)
{
	IndexScanDesc scan = index_beginscan(rel, index, t->snapshot, nkeys, 0);
	bool		found;
	TM_FailureData failure;

	index_rescan(scan, keys, nkeys, NULL, 0);
	found = index_getnext_slot(scan, direction, slot);
	index_endscan(scan);
	if (found && lock)
		found = table_tuple_lock(rel, &slot->tts_tid, t->snapshot, slot, GetCurrentCommandId(true),
								 LockTupleKeyShare, LockWaitBlock,
								 TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS, &failure) == TM_Ok;
	return found;
}

/* The bigint id (column id_col of which) of the row find_row finds and locks; closes index. */
static int64
found_id(Tables *t, Relation rel, TagstoreRel which, AttrNumber id_col, Relation index,
		 ScanKey keys, int nkeys, bool *found)
{
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	int64		id = 0;

	*found = find_row(t, rel, index, keys, nkeys, ForwardScanDirection, true, slot);
	if (*found)
		id = DatumGetInt64(catalog_slot_value(slot, which, id_col));
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	return id;
}

/*
 * Step 1: the tag, locked.  tag is a tagpath, or an id if by_id.  False
 * also if the current user lacks the privilege tag on its taxonomy: the
 * full path then refuses the tagging, with its error.
 */
static bool
lock_tag(Tables *t, bool by_id, Datum tag, int64 *tag_id)
{
	Relation	index = catalog_open(by_id ? TSREL_TAG_PKEY : TSREL_TAG_KEY, AccessShareLock);
	TupleTableSlot *slot = table_slot_create(t->tag, NULL);
	ScanKeyData key;
	bool		found;

	if (by_id)
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, tag);
	else
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, catalog_key_proc(BTEqualStrategyNumber),
					DirectFunctionCall1(tagpath_casefold, tag));
	found = find_row(t, t->tag, index, &key, 1, ForwardScanDirection, true, slot);
	if (found)
	{
		*tag_id = DatumGetInt64(catalog_slot_value(slot, TSREL_TAG, Anum_tag_id));
		found = taxonomy_acl_key_level(DatumGetTagPathP(catalog_slot_value(slot, TSREL_TAG, Anum_tag_key)))
			>= TAXONOMY_TAG;
	}
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	return found;
}

/* Step 2: the entity, locked, or created. */
static bool
lock_entity(Tables *t, Datum entity_type, Datum external_id, int64 *entity_id, bool *created)
{
	Relation	index = catalog_open(TSREL_ENTITY_NAME, AccessShareLock);
	ScanKeyData keys[2];
	Datum		values[2] = {entity_type, external_id};
	Datum		id;
	bool		found;
	bool		isnull;

	/* compared in the index's collation, as the constraint and SQL do */
	for (int i = 0; i < 2; i++)
		ScanKeyEntryInitialize(&keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
							   index->rd_indcollation[i], F_TEXTEQ, values[i]);
	*entity_id = found_id(t, t->entity, TSREL_ENTITY, Anum_entity_id, index, keys, 2, &found);
	*created = false;
	if (found)
		return true;
	/* a new one: concurrently created (no row) is for the full path */
	if (!run(TSQ_ENTITY_ADD, values, NULL, 1, &id, &isnull))
		return false;
	if (isnull)
		catalog_null_value(TSREL_ENTITY, Anum_entity_id);
	*entity_id = DatumGetInt64(id);
	*created = true;
	return true;
}

/* Steps 3 and 4: false if the pair is tagged; else the new tagging's revision. */
static bool
untagged(Tables *t, int64 tag_id, int64 entity_id, int32 *revision)
{
	ScanKeyData keys[2];
	Relation	index;
	TupleTableSlot *slot;
	bool		tagged;

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(tag_id));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(entity_id));
	index = catalog_open(TSREL_TAGGING_PKEY, AccessShareLock);
	slot = table_slot_create(t->tagging, NULL);
	tagged = find_row(t, t->tagging, index, keys, 2, ForwardScanDirection, false, slot);
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	if (tagged)
		return false;

	/* the last archived revision: the pkey (tag_id, entity_id, revision) backwards */
	index = catalog_open(TSREL_TAGGING_REVISION_PKEY, AccessShareLock);
	slot = table_slot_create(t->revision, NULL);
	*revision = 1;
	if (find_row(t, t->revision, index, keys, 2, BackwardScanDirection, false, slot))
		*revision += DatumGetInt32(catalog_slot_value(slot, TSREL_TAGGING_REVISION,
													  Anum_tagging_revision_revision));
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	return true;
}

/* Step 5's set-up: tagging and its indexes, ready for inserts, once per call. */
static void
inserter_begin(Tables *t)
{
	t->estate = CreateExecutorState();
	t->target = makeNode(ResultRelInfo);
	t->slot = table_slot_create(t->tagging, NULL);
	InitResultRelInfo(t->target, t->tagging, 1, NULL, 0);
	ExecOpenIndices(t->target, true);
	t->estate->es_output_cid = GetCurrentCommandId(true);
	t->actor = current_actor();
}

static void
inserter_end(Tables *t)
{
	ExecDropSingleTupleTableSlot(t->slot);
	ExecCloseIndices(t->target);
	FreeExecutorState(t->estate);
}

/*
 * Step 5: inserts the tagging as INSERT ... ON CONFLICT DO NOTHING would
 * (nodeModifyTable.c): check the unique indexes first, waiting for
 * concurrent inserters; then insert speculatively, so that a conflict
 * slipping in meanwhile kills our row instead of raising an error.  False
 * if the pair turned out to be tagged concurrently.  Then step 6.
 */
static bool
insert_tagging(Tables *t, int64 tag_id, int64 entity_id, int32 revision)
{
	EState	   *estate = t->estate;
	ResultRelInfo *target = t->target;
	TupleTableSlot *slot = t->slot;
	ItemPointerData conflict;
	bool		conflicted = true;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, false, sizeof(bool) * Natts_tagging);
	slot->tts_values[Anum_tagging_tag_id - 1] = Int64GetDatum(tag_id);
	slot->tts_values[Anum_tagging_entity_id - 1] = Int64GetDatum(entity_id);
	slot->tts_isnull[Anum_tagging_data - 1] = true;
	slot->tts_values[Anum_tagging_revision - 1] = Int32GetDatum(revision);
	slot->tts_values[Anum_tagging_operation - 1] = CStringGetTextDatum("tag");
	slot->tts_values[Anum_tagging_tagged_by - 1] = PointerGetDatum(t->actor);
	slot->tts_values[Anum_tagging_tagged_at - 1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());	/* now() */
	ExecStoreVirtualTuple(slot);

	if (ExecCheckIndexConstraints(target, slot, estate, &conflict, NIL))
	{
		uint32		token = SpeculativeInsertionLockAcquire(GetCurrentTransactionId());

		table_tuple_insert_speculative(t->tagging, slot, estate->es_output_cid, 0, NULL, token);
		conflicted = false;
		list_free(ExecInsertIndexTuples(target, slot, estate, false, true, &conflicted, NIL));
		table_tuple_complete_speculative(t->tagging, slot, token, !conflicted);
		SpeculativeInsertionLockRelease(GetCurrentTransactionId());
	}
	if (!conflicted)
		posting_log_change(Int64GetDatum(tag_id), Int64GetDatum(entity_id));
	ExecClearTuple(slot);
	ResetPerTupleExprContext(estate);
	return !conflicted;
}

/*
 * The common case, written directly (steps 1-6 above).  Returns false,
 * having written no tagging, when the case is another.
 */
static bool
tag_direct(bool by_id, Datum tag, Datum entity_type, Datum external_id, int32 *revision)
{
	Tables		t;
	int64		tag_id,
				entity_id;
	bool		created;
	bool		done = false;

	/* as a new statement: see this transaction's writes so far */
	CommandCounterIncrement();
	t.snapshot = RegisterSnapshot(GetTransactionSnapshot());
	t.tagging = catalog_open(TSREL_TAGGING, RowExclusiveLock);
	t.tag = catalog_open(TSREL_TAG, RowShareLock);
	t.entity = catalog_open(TSREL_ENTITY, RowShareLock);
	t.revision = catalog_open(TSREL_TAGGING_REVISION, AccessShareLock);

	if (direct_write_allowed(&t) &&
		lock_tag(&t, by_id, tag, &tag_id) &&
		lock_entity(&t, entity_type, external_id, &entity_id, &created) &&
		(created ? (*revision = 1, true) : untagged(&t, tag_id, entity_id, revision)))
	{
		inserter_begin(&t);
		done = insert_tagging(&t, tag_id, entity_id, *revision);
		inserter_end(&t);
	}

	/* locks are kept to the end of the transaction, as SQL keeps them */
	table_close(t.revision, NoLock);
	table_close(t.entity, NoLock);
	table_close(t.tag, NoLock);
	table_close(t.tagging, NoLock);
	UnregisterSnapshot(t.snapshot);
	return done;
}

/*
 * tagstore.add_tag_to(tag tagpath | tag_id bigint, entity_type text,
 * external_id text, data jsonb) -> integer: the tagging's revision.
 */
static Datum
add_tag_to(FunctionCallInfo fcinfo, bool by_id)
{
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	Datum		result;
	bool		isnull = false;
	int32		revision;
	bool		done;

	if (PG_ARGISNULL(1) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("entity_type must not be NULL or empty")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("external_id must not be NULL")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	done = !PG_ARGISNULL(0) && PG_ARGISNULL(3) &&
		tag_direct(by_id, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2), &revision);
	if (!done)
	{
		for (int i = 0; i < 4; i++)
		{
			args[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
			nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
		}
		/* one row for the one external id: its revision, NULL passed on as it is */
		if (!run(catalog_is_1_0() ? (by_id ? TSQ_ADD_TAG_TO_BY_ID_1_0 : TSQ_ADD_TAG_TO_BY_KEY_1_0)
				 : (by_id ? TSQ_ADD_TAG_TO_BY_ID : TSQ_ADD_TAG_TO_BY_KEY),
				 args, nulls, 1, &result, &isnull))
			elog(ERROR, "the bulk tagstore.add_tag_to returned nothing");
		revision = isnull ? 0 : DatumGetInt32(result);
	}
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_INT32(revision);
}

PG_FUNCTION_INFO_V1(tagstore_add_tag_to);
Datum
tagstore_add_tag_to(PG_FUNCTION_ARGS)
{
	return add_tag_to(fcinfo, false);
}

PG_FUNCTION_INFO_V1(tagstore_add_tag_to_id);
Datum
tagstore_add_tag_to_id(PG_FUNCTION_ARGS)
{
	return add_tag_to(fcinfo, true);
}

/*
 * The bulk form, tagstore.add_tag_to_many(tag, entity_type, external_ids,
 * data): the same direct write for each distinct external id, with the tag
 * locked and the tables opened once, so that a call costs in proportion to
 * its ids, whatever the size of the tables and whatever their statistics
 * (the SQL's plans are made once a session, often while the tables are
 * still empty).  The SQL half, tagstore._add_tag_to_many (PL/pgSQL), does
 * the rest: a whole call with data, or by a tag that is not there (a
 * free-form taxonomy creates it), or without the privilege (it raises the
 * error), or whenever the tables are not as tagstore made them; and, after
 * the direct writes, the ids whose case is another (an existing tagging,
 * an entity created concurrently, a conflicting insert).  It is called
 * through fmgr, not SQL: PUBLIC may not execute it (08_helpers.sql).
 *
 * The answer is the SQL's: one row per distinct external id, in the order
 * of entity.external_id's collation, saying what happened (tagged,
 * retagged, already tagged) and the tagging's revision.
 */

/* One row of the answer. */
typedef struct ManyResult
{
	text	   *external_id;
	text	   *status;
	Datum		revision;
	bool		revision_null;
} ManyResult;

/* The collation external ids are sorted and compared in: entity.external_id's. */
static Oid	many_collation;

static int
external_id_cmp(const void *a, const void *b)
{
	text	   *x = *(text *const *) a;
	text	   *y = *(text *const *) b;

	return varstr_cmp(VARDATA_ANY(x), VARSIZE_ANY_EXHDR(x), VARDATA_ANY(y), VARSIZE_ANY_EXHDR(y),
					  many_collation);
}

static int
result_cmp(const void *a, const void *b)
{
	return external_id_cmp(&((const ManyResult *) a)->external_id, &((const ManyResult *) b)->external_id);
}

/*
 * Calls the SQL half (_add_tag_to_many, or _remove_tag_from_many if untag)
 * with the call's arguments, external_ids replaced by ids unless that is 0
 * (then the call's, NULL or not), and appends its rows to results.
 */
static void
sql_half(FunctionCallInfo fcinfo, bool untag, Datum ids, ManyResult **results, int *n, int *cap)
{
	ReturnSetInfo *caller = (ReturnSetInfo *) fcinfo->resultinfo;
	ReturnSetInfo rsi;
	FmgrInfo	flinfo;
	Oid			argtypes[4] = {catalog_tagpath_type(), TEXTOID, TEXTARRAYOID, JSONBOID};
	int			nargs = untag ? 3 : 4;
	Oid			fn = LookupFuncName(list_make2(makeString("tagstore"),
											   makeString(untag ? "_remove_tag_from_many" : "_add_tag_to_many")),
									nargs, argtypes, false);
	TupleTableSlot *slot;

	LOCAL_FCINFO(call, 4);

	fmgr_info(fn, &flinfo);
	memset(&rsi, 0, sizeof(rsi));
	rsi.type = T_ReturnSetInfo;
	rsi.econtext = caller->econtext;
	rsi.expectedDesc = caller->setDesc;
	rsi.allowedModes = SFRM_Materialize;
	rsi.returnMode = SFRM_Materialize;
	InitFunctionCallInfoData(*call, &flinfo, nargs, fcinfo->fncollation, NULL, (Node *) &rsi);
	for (int i = 0; i < nargs; i++)
	{
		bool		replaced = i == 2 && ids != (Datum) 0;

		call->args[i].value = replaced ? ids : PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		call->args[i].isnull = replaced ? false : PG_ARGISNULL(i);
	}
	FunctionCallInvoke(call);
	if (rsi.setResult == NULL)
		return;
	slot = MakeSingleTupleTableSlot(rsi.setDesc, &TTSOpsMinimalTuple);
	while (tuplestore_gettupleslot(rsi.setResult, true, false, slot))
	{
		bool		isnull;
		ManyResult *r;

		slot_getallattrs(slot);
		if (*n == *cap)
		{
			*cap *= 2;
			*results = repalloc_huge(*results, sizeof(ManyResult) * *cap);
		}
		r = &(*results)[(*n)++];
		r->external_id = DatumGetTextPCopy(slot_getattr(slot, 1, &isnull));
		r->status = DatumGetTextPCopy(slot_getattr(slot, 2, &isnull));
		r->revision = slot_getattr(slot, 3, &r->revision_null);
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(rsi.setResult);
}

/*
 * The direct writes for the sorted, distinct ids; those whose case is
 * another are left in *rest.  False, having written nothing, if the call
 * is not for the direct write at all.
 */
static bool
many_direct(bool by_id, Datum tag, Datum entity_type, text **ids, int nids,
			ManyResult *results, int *n, text ***rest, int *nrest)
{
	Tables		t;
	int64		tag_id;
	bool		allowed;
	MemoryContext each = AllocSetContextCreate(CurrentMemoryContext, "tagstore tagging",
											   ALLOCSET_SMALL_SIZES);
	text	   *tagged = cstring_to_text("tagged");

	CommandCounterIncrement();
	t.snapshot = RegisterSnapshot(GetTransactionSnapshot());
	t.tagging = catalog_open(TSREL_TAGGING, RowExclusiveLock);
	t.tag = catalog_open(TSREL_TAG, RowShareLock);
	t.entity = catalog_open(TSREL_ENTITY, RowShareLock);
	t.revision = catalog_open(TSREL_TAGGING_REVISION, AccessShareLock);

	allowed = direct_write_allowed(&t) && lock_tag(&t, by_id, tag, &tag_id);
	if (allowed)
	{
		inserter_begin(&t);
		for (int i = 0; i < nids; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(each);
			int64		entity_id;
			int32		revision;
			bool		created;
			bool		done;

			CHECK_FOR_INTERRUPTS();
			done = lock_entity(&t, entity_type, PointerGetDatum(ids[i]), &entity_id, &created) &&
				(created ? (revision = 1, true) : untagged(&t, tag_id, entity_id, &revision)) &&
				insert_tagging(&t, tag_id, entity_id, revision);
			MemoryContextSwitchTo(old);
			MemoryContextReset(each);
			if (done)
			{
				results[*n].external_id = ids[i];
				results[*n].status = tagged;
				results[*n].revision = Int32GetDatum(revision);
				results[*n].revision_null = false;
				(*n)++;
			}
			else
				(*rest)[(*nrest)++] = ids[i];
		}
		inserter_end(&t);
	}

	table_close(t.revision, NoLock);
	table_close(t.entity, NoLock);
	table_close(t.tag, NoLock);
	table_close(t.tagging, NoLock);
	UnregisterSnapshot(t.snapshot);
	MemoryContextDelete(each);
	return allowed;
}

/*
 * The bulk untagging, tagstore.remove_tag_from_many(tag, entity_type,
 * external_ids): as its SQL half, _remove_tag_from_many, does it, straight
 * into the tables for each distinct external id, so that a call costs what
 * its ids cost.  For each: the entity by name and its tagging with the tag
 * (neither there: "not tagged"); the tagging deleted as DELETE deletes it,
 * waiting for a concurrent writer of it; its last revision archived, then
 * its tombstone (the tagging state of sql/src/08_helpers.sql), in
 * tagging_revision; a row of the postings' change log.  A tagging changed
 * or deleted concurrently is left to the SQL half, as is the whole call
 * when the tables are not as tagstore made them (triggers of your own on
 * tagging or tagging_revision, row-level security, missing privileges) or
 * the tag is not there or the caller lacks the privilege tag (the SQL
 * half raises the errors).
 */

/*
 * Is tagging_revision as tagstore made it: its columns only, no insert
 * trigger?  (Its check constraints, its own on operation included, are
 * checked on each insert.)
 */
static bool
revision_is_ours(Tables *t)
{
	TupleDesc	desc = RelationGetDescr(t->revision);
	TriggerDesc *triggers = t->revision->trigdesc;

	if (desc->natts != Natts_tagging_revision)
		return false;
	for (int i = 0; triggers && i < triggers->numtriggers; i++)
		if (triggers->triggers[i].tgenabled != TRIGGER_DISABLED &&
			TRIGGER_FOR_INSERT(triggers->triggers[i].tgtype))
			return false;
	return true;
}

/* Does tagging have a delete trigger other than the change log? */
static bool
tagging_delete_triggers(Tables *t)
{
	TriggerDesc *triggers = t->tagging->trigdesc;

	for (int i = 0; triggers && i < triggers->numtriggers; i++)
	{
		Trigger    *trigger = &triggers->triggers[i];

		if (trigger->tgenabled != TRIGGER_DISABLED && TRIGGER_FOR_DELETE(trigger->tgtype) &&
			strcmp(trigger->tgname, TAGGING_CHANGED_TRIGGER) != 0)
			return true;
	}
	return false;
}

/* A JSON string, escaped, appended to buf. */
static void
append_json_text(StringInfo buf, Datum value)
{
	escape_json(buf, TextDatumGetCString(value));
}

/*
 * The tagging state archived for a tagging (08_helpers.sql): its tag, entity
 * and data, and whether it is a tombstone.
 */
static Datum
tagging_state(Datum path_text, Datum entity_type, Datum external_id, Datum data, bool data_null,
			  bool deleted)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"tag\": ");
	append_json_text(&buf, path_text);
	appendStringInfoString(&buf, ", \"entity_type\": ");
	append_json_text(&buf, entity_type);
	appendStringInfoString(&buf, ", \"external_id\": ");
	append_json_text(&buf, external_id);
	appendStringInfoString(&buf, ", \"data\": ");
	if (data_null || deleted)
		appendStringInfoString(&buf, "null");
	else
		appendStringInfoString(&buf, DatumGetCString(DirectFunctionCall1(jsonb_out, data)));
	appendStringInfo(&buf, ", \"deleted\": %s}", deleted ? "true" : "false");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/*
 * Inserts a row of tagging_revision, with its indexes, its constraints
 * checked (a duplicate key or a failed check is an error, as in SQL).
 */
static void
insert_revision(Tables *t, ResultRelInfo *target, EState *estate, TupleTableSlot *slot,
				Datum *values, bool *nulls)
{
	ExecClearTuple(slot);
	memcpy(slot->tts_values, values, sizeof(Datum) * Natts_tagging_revision);
	memcpy(slot->tts_isnull, nulls, sizeof(bool) * Natts_tagging_revision);
	ExecStoreVirtualTuple(slot);
	ExecConstraints(target, slot, estate);
	table_tuple_insert(t->revision, slot, estate->es_output_cid, 0, NULL);
	list_free(ExecInsertIndexTuples(target, slot, estate, false, false, NULL, NIL));
	ExecClearTuple(slot);
}

/*
 * Untags one entity directly.  *status: 0 not tagged, 1 untagged (with
 * *revision, the tombstone's); false if the case is the SQL half's.
 */
static bool
untag_one(Tables *t, int64 tag_id, Datum path_text, Datum entity_type, Datum external_id,
		  ResultRelInfo *target, EState *estate, TupleTableSlot *revslot, int *status, int32 *revision)
{
	Relation	index = catalog_open(TSREL_ENTITY_NAME, AccessShareLock);
	ScanKeyData keys[2];
	Datum		names[2] = {entity_type, external_id};
	TupleTableSlot *slot;
	int64		entity_id;
	bool		found;
	TM_Result	result;
	TM_FailureData failure;
	Datum		values[Natts_tagging_revision];
	bool		nulls[Natts_tagging_revision] = {0};
	Datum		data;
	bool		data_null;

	for (int i = 0; i < 2; i++)
		ScanKeyEntryInitialize(&keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
							   index->rd_indcollation[i], F_TEXTEQ, names[i]);
	slot = table_slot_create(t->entity, NULL);
	found = find_row(t, t->entity, index, keys, 2, ForwardScanDirection, false, slot);
	entity_id = found ? DatumGetInt64(catalog_slot_value(slot, TSREL_ENTITY, Anum_entity_id)) : 0;
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, NoLock);
	*status = 0;
	if (!found)
		return true;

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(tag_id));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(entity_id));
	index = catalog_open(TSREL_TAGGING_PKEY, AccessShareLock);
	slot = table_slot_create(t->tagging, NULL);
	found = find_row(t, t->tagging, index, keys, 2, ForwardScanDirection, false, slot);
	index_close(index, NoLock);
	if (!found)
	{
		ExecDropSingleTupleTableSlot(slot);
		return true;
	}

	/* deleted as DELETE does; a tagging changed or deleted concurrently is the SQL half's */
	result = table_tuple_delete(t->tagging, &slot->tts_tid, estate->es_output_cid, t->snapshot,
								InvalidSnapshot, true, &failure, false);
	if (result != TM_Ok)
	{
		ExecDropSingleTupleTableSlot(slot);
		return false;
	}
	posting_log_change(Int64GetDatum(tag_id), Int64GetDatum(entity_id));

	/* its last revision, then its tombstone */
	*revision = DatumGetInt32(catalog_slot_value(slot, TSREL_TAGGING, Anum_tagging_revision));
	data = slot_getattr(slot, Anum_tagging_data, &data_null);
	values[Anum_tagging_revision_tag_id - 1] = Int64GetDatum(tag_id);
	values[Anum_tagging_revision_entity_id - 1] = Int64GetDatum(entity_id);
	values[Anum_tagging_revision_revision - 1] = Int32GetDatum(*revision);
	values[Anum_tagging_revision_operation - 1] = catalog_slot_value(slot, TSREL_TAGGING, Anum_tagging_operation);
	values[Anum_tagging_revision_actor - 1] = catalog_slot_value(slot, TSREL_TAGGING, Anum_tagging_tagged_by);
	values[Anum_tagging_revision_at - 1] = catalog_slot_value(slot, TSREL_TAGGING, Anum_tagging_tagged_at);
	values[Anum_tagging_revision_state - 1] = tagging_state(path_text, entity_type, external_id,
															data, data_null, false);
	insert_revision(t, target, estate, revslot, values, nulls);
	(*revision)++;
	values[Anum_tagging_revision_revision - 1] = Int32GetDatum(*revision);
	values[Anum_tagging_revision_operation - 1] = CStringGetTextDatum("untag");
	values[Anum_tagging_revision_actor - 1] = PointerGetDatum(t->actor);
	values[Anum_tagging_revision_at - 1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[Anum_tagging_revision_state - 1] = tagging_state(path_text, entity_type, external_id,
															(Datum) 0, true, true);
	insert_revision(t, target, estate, revslot, values, nulls);
	ExecDropSingleTupleTableSlot(slot);
	*status = 1;
	return true;
}

/* The direct untaggings of the sorted, distinct ids, as many_direct's. */
static bool
untag_many_direct(Datum tag, Datum entity_type, text **ids, int nids,
				  ManyResult *results, int *n, text ***rest, int *nrest)
{
	Tables		t;
	int64		tag_id;
	bool		allowed;
	Datum		path_text = (Datum) 0;
	MemoryContext each = AllocSetContextCreate(CurrentMemoryContext, "tagstore untagging",
											   ALLOCSET_SMALL_SIZES);
	text	   *statuses[2] = {cstring_to_text("not tagged"), cstring_to_text("untagged")};

	CommandCounterIncrement();
	t.snapshot = RegisterSnapshot(GetTransactionSnapshot());
	t.tagging = catalog_open(TSREL_TAGGING, RowExclusiveLock);
	t.tag = catalog_open(TSREL_TAG, AccessShareLock);
	t.entity = catalog_open(TSREL_ENTITY, AccessShareLock);
	t.revision = catalog_open(TSREL_TAGGING_REVISION, RowExclusiveLock);

	allowed = !XactReadOnly && !IsInParallelMode() &&
		may_use(t.tag, 0) && may_use(t.entity, 0) && may_use(t.tagging, ACL_DELETE) &&
		may_use(t.revision, ACL_INSERT) && tagging_is_ours(&t) && !tagging_delete_triggers(&t) &&
		revision_is_ours(&t);
	if (allowed)
	{
		/* the tag (not locked, as the SQL does not lock it), and the privilege tag */
		Relation	index = catalog_open(TSREL_TAG_KEY, AccessShareLock);
		TupleTableSlot *slot = table_slot_create(t.tag, NULL);
		ScanKeyData key;

		ScanKeyInit(&key, 1, BTEqualStrategyNumber, catalog_key_proc(BTEqualStrategyNumber),
					DirectFunctionCall1(tagpath_casefold, tag));
		allowed = find_row(&t, t.tag, index, &key, 1, ForwardScanDirection, false, slot) &&
			taxonomy_acl_key_level(DatumGetTagPathP(catalog_slot_value(slot, TSREL_TAG, Anum_tag_key)))
			>= TAXONOMY_TAG;
		if (allowed)
		{
			tag_id = DatumGetInt64(catalog_slot_value(slot, TSREL_TAG, Anum_tag_id));
			path_text = DirectFunctionCall1(textin, DirectFunctionCall1(tagpath_out,
										   catalog_slot_value(slot, TSREL_TAG, Anum_tag_path)));
		}
		ExecDropSingleTupleTableSlot(slot);
		index_close(index, NoLock);
	}
	if (allowed)
	{
		EState	   *estate = CreateExecutorState();
		ResultRelInfo *target = makeNode(ResultRelInfo);
		TupleTableSlot *revslot = table_slot_create(t.revision, NULL);

		InitResultRelInfo(target, t.revision, 1, NULL, 0);
		ExecOpenIndices(target, false);
		estate->es_output_cid = GetCurrentCommandId(true);
		t.actor = current_actor();
		for (int i = 0; i < nids; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(each);
			int			status;
			int32		revision = 0;
			bool		done;

			CHECK_FOR_INTERRUPTS();
			done = untag_one(&t, tag_id, path_text, entity_type, PointerGetDatum(ids[i]),
							 target, estate, revslot, &status, &revision);
			MemoryContextSwitchTo(old);
			MemoryContextReset(each);
			ResetPerTupleExprContext(estate);
			if (done)
			{
				results[*n].external_id = ids[i];
				results[*n].status = statuses[status];
				results[*n].revision = Int32GetDatum(revision);
				results[*n].revision_null = status == 0;
				(*n)++;
			}
			else
				(*rest)[(*nrest)++] = ids[i];
		}
		ExecDropSingleTupleTableSlot(revslot);
		ExecCloseIndices(target);
		FreeExecutorState(estate);
	}

	table_close(t.revision, NoLock);
	table_close(t.entity, NoLock);
	table_close(t.tag, NoLock);
	table_close(t.tagging, NoLock);
	UnregisterSnapshot(t.snapshot);
	MemoryContextDelete(each);
	return allowed;
}

/*
 * tagstore.add_tag_to_many(tag, entity_type, external_ids, data), or with
 * untag tagstore.remove_tag_from_many(tag, entity_type, external_ids): the
 * direct writes of the distinct ids, then the SQL half for the others.
 */
static Datum
bulk_call(FunctionCallInfo fcinfo, bool untag)
{
	ReturnSetInfo *rsinfo;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *elem_nulls;
	int			nelems;
	text	  **ids;
	text	  **rest;
	int			nids = 0,
				nrest = 0,
				n = 0,
				cap;
	ManyResult *results;
	bool		direct;

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	/* the common case only: the SQL half checks the arguments and raises their errors */
	direct = !PG_ARGISNULL(0) && !PG_ARGISNULL(1) && VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)) > 0 &&
		!PG_ARGISNULL(2) && (untag || PG_ARGISNULL(3));
	nelems = 0;
	if (!PG_ARGISNULL(2) && ARR_NDIM(PG_GETARG_ARRAYTYPE_P(2)) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("external_ids must be a one-dimensional array")));
	if (direct)
	{
		arr = PG_GETARG_ARRAYTYPE_P(2);
		direct = ARR_NDIM(arr) == 1 && !array_contains_nulls(arr);
		if (direct)
			deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &nelems);
		direct = direct && nelems > 0;
	}

	cap = Max(nelems, 16);
	results = palloc_extended(sizeof(ManyResult) * cap, MCXT_ALLOC_HUGE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (direct)
	{
		Relation	entity = catalog_open(TSREL_ENTITY, AccessShareLock);

		/* distinct ids, in the collation's order */
		ids = palloc_extended(sizeof(text *) * nelems, MCXT_ALLOC_HUGE);
		rest = palloc_extended(sizeof(text *) * nelems, MCXT_ALLOC_HUGE);
		many_collation = TupleDescAttr(RelationGetDescr(entity), Anum_entity_external_id - 1)->attcollation;
		table_close(entity, AccessShareLock);
		for (int i = 0; i < nelems; i++)
			ids[i] = DatumGetTextPP(elems[i]);
		qsort(ids, nelems, sizeof(text *), external_id_cmp);
		for (int i = 0; i < nelems; i++)
			if (nids == 0 || external_id_cmp(&ids[nids - 1], &ids[i]) != 0)
				ids[nids++] = ids[i];
		direct = untag ? untag_many_direct(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), ids, nids,
										   results, &n, &rest, &nrest)
			: many_direct(false, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), ids, nids,
						  results, &n, &rest, &nrest);
	}
	if (!direct)
		sql_half(fcinfo, untag, (Datum) 0, &results, &n, &cap);
	else if (nrest > 0)
	{
		/* the others, seeing the direct writes */
		CommandCounterIncrement();
		sql_half(fcinfo, untag, PointerGetDatum(construct_array((Datum *) rest, nrest, TEXTOID, -1, false,
																TYPALIGN_INT)),
				 &results, &n, &cap);
		qsort(results, n, sizeof(ManyResult), result_cmp);
	}

	/* the rows, copied into the result before SPI_finish frees what they point into */
	for (int i = 0; i < n; i++)
	{
		Datum		values[3] = {PointerGetDatum(results[i].external_id),
		PointerGetDatum(results[i].status), results[i].revision};
		bool		nulls[3] = {false, false, results[i].revision_null};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}




PG_FUNCTION_INFO_V1(tagstore_add_tag_to_many);
Datum
tagstore_add_tag_to_many(PG_FUNCTION_ARGS)
{
	return bulk_call(fcinfo, false);
}

PG_FUNCTION_INFO_V1(tagstore_remove_tag_from_many);
Datum
tagstore_remove_tag_from_many(PG_FUNCTION_ARGS)
{
	return bulk_call(fcinfo, true);
}
