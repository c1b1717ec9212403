/*
 * upkeep.c
 *	  Closure postings kept up without anyone calling refresh_postings():
 *	  a writer whose changes leave many pending starts a background worker
 *	  that folds them in.
 *
 * Every tagging written logs a row of posting_change (posting_trigger.c),
 * and searches of the posted tags above it decide those rows themselves
 * until refresh_postings() folds them in (posting.h): the more pending, the
 * slower broad searches, and the log grows without bound.  GIN's fast
 * update has the same problem with its pending list and lets the inserting
 * backend clean it up past gin_pending_list_limit; here the cleanup is a
 * refresh, which takes locks (tag in SHARE mode) that a writer's
 * transaction should not hold until it commits.  So the writer hands it to
 * a dynamic background worker, which needs no shared_preload_libraries
 * (only a free slot of max_worker_processes):
 *
 *	1. each change logged is counted for the transaction;
 *	2. before its commit, a transaction that logged changes estimates the
 *	   pending ones: posting_change's live rows in the cumulative statistics
 *	   (all backends' committed changes, less those refreshed, flushed at
 *	   least once a second) plus its own; at tagstore.pending_limit or more,
 *	   and with tagstore.auto_refresh on, it asks for a refresh;
 *	3. once committed (its changes must be visible to the worker), it
 *	   registers the worker, unless one it started is still running or it
 *	   started one less than a second ago;
 *	4. the worker connects to the database as the extension's owner (who
 *	   holds every privilege a refresh needs and no more; an owner that
 *	   cannot log in gets a warning, once a session, instead), takes the
 *	   refresh's locks if it can at once, in the refresh's order (else
 *	   another refresh is running, or a tag is being moved: it leaves the
 *	   work to the next one), and runs tagstore.refresh_postings().
 *
 * Several writers may start workers at once; all but one find the locks
 * taken and exit.  Nothing here can fail a writer's transaction: before
 * the commit it only reads the statistics and the extension's owner, after
 * it only registers the worker (when no slot is free, the next commit
 * tries again).  The refresh also chooses the posted tags again, so a
 * subtree that grew past the threshold is posted by the next one.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/lmgr.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "posting.h"

PGDLLEXPORT void tagstore_upkeep_main(Datum main_arg);

/* the settings */
static bool auto_refresh = true;
static int	pending_limit = 1000;

/* this transaction's changes logged, and what its commit is to do */
static int64 xact_changes = 0;
static Oid	log_relid = InvalidOid;
static Oid	refresh_as = InvalidOid;	/* the extension's owner, once a refresh is wanted */

/* whether this backend said that the owner cannot log in */
static bool warned_login = false;

/* the worker this backend started last */
static BackgroundWorkerHandle *started = NULL;
static TimestampTz started_at = 0;

/* Counts a change logged into posting_change (relid), for the commit's check. */
void
upkeep_change_logged(Oid relid)
{
	xact_changes++;
	log_relid = relid;
}

/* The owner of the extension tagstore, or InvalidOid. */
static Oid
extension_owner(void)
{
	Oid			ext = get_extension_oid("tagstore", true);
	Oid			owner = InvalidOid;
	Relation	rel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tuple;

	if (!OidIsValid(ext))
		return InvalidOid;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tuple = systable_getnext(scan)))
		owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/*
 * Can the worker connect as the role?  If not, says so once a session (a
 * warning: the commit goes on) and starts none.
 */
static bool
can_log_in(Oid role)
{
	HeapTuple	tuple = SearchSysCache1(AUTHOID, ObjectIdGetDatum(role));
	bool		can;

	if (!HeapTupleIsValid(tuple))
		return false;
	can = ((Form_pg_authid) GETSTRUCT(tuple))->rolcanlogin;
	if (!can && !warned_login)
	{
		warned_login = true;
		ereport(WARNING,
				(errmsg("tagstore cannot refresh the closure postings in the background: the extension's owner \"%s\" cannot log in",
						NameStr(((Form_pg_authid) GETSTRUCT(tuple))->rolname)),
				 errhint("Let it log in (ALTER ROLE ... LOGIN), or run tagstore.refresh_postings() yourself and SET tagstore.auto_refresh = off.")));
	}
	ReleaseSysCache(tuple);
	return can;
}

/* Step 2: are the pending changes, with this transaction's, at the limit? */
static bool
refresh_wanted(void)
{
	PgStat_StatTabEntry *stats;
	int64		pending = xact_changes;

	if (!auto_refresh || xact_changes == 0 || !OidIsValid(log_relid) || IsInParallelMode())
		return false;
	stats = pgstat_fetch_stat_tabentry(log_relid);
	if (stats != NULL)
		pending += stats->n_live_tuples;
	return pending >= pending_limit;
}

/* Step 3: starts the worker, unless ours still runs or started within the second. */
static void
start_worker(void)
{
	BackgroundWorker worker;
	MemoryContext old;
	pid_t		pid;

	if (started != NULL)
	{
		BgwHandleStatus status = GetBackgroundWorkerPid(started, &pid);

		if (status == BGWH_STARTED || status == BGWH_NOT_YET_STARTED)
			return;
		pfree(started);
		started = NULL;
	}
	if (!TimestampDifferenceExceeds(started_at, GetCurrentTimestamp(), 1000))
		return;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "tagstore");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "tagstore_upkeep_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "tagstore refresh of database %u", MyDatabaseId);
	snprintf(worker.bgw_type, BGW_MAXLEN, "tagstore refresh");
	worker.bgw_main_arg = ObjectIdGetDatum(MyDatabaseId);
	memcpy(worker.bgw_extra, &refresh_as, sizeof(Oid));
	worker.bgw_notify_pid = 0;

	old = MemoryContextSwitchTo(TopMemoryContext);
	if (RegisterDynamicBackgroundWorker(&worker, &started))
		started_at = GetCurrentTimestamp();
	else
		started = NULL;			/* no free slot: the next commit tries again */
	MemoryContextSwitchTo(old);
}

static void
upkeep_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
			refresh_as = refresh_wanted() ? extension_owner() : InvalidOid;
			if (OidIsValid(refresh_as) && !can_log_in(refresh_as))
				refresh_as = InvalidOid;
			break;
		case XACT_EVENT_COMMIT:
			if (OidIsValid(refresh_as))
				start_worker();
			/* FALLTHROUGH */
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			xact_changes = 0;
			refresh_as = InvalidOid;
			break;
		default:
			break;
	}
}

/* The settings and the commit's check (from _PG_init). */
void
upkeep_init(void)
{
	DefineCustomBoolVariable("tagstore.auto_refresh",
							 "Starts a background refresh of the closure postings when many changes are pending.",
							 "A transaction that writes taggings, and leaves tagstore.pending_limit or more "
							 "changes pending, starts a background worker that runs refresh_postings().",
							 &auto_refresh,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("tagstore.pending_limit",
							"Pending tagging changes past which a writer starts a background refresh.",
							NULL,
							&pending_limit,
							1000,
							1,
							INT_MAX,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	RegisterXactCallback(upkeep_xact_callback, NULL);
}

/*
 * Step 4, the worker: refresh_postings() in the database, as the
 * extension's owner, if its locks are free at once.
 */
void
tagstore_upkeep_main(Datum main_arg)
{
	Oid			owner;
	bool		locked;

	memcpy(&owner, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(main_arg), owner, 0);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	pgstat_report_activity(STATE_RUNNING, "tagstore: refreshing the closure postings");
	locked = OidIsValid(get_extension_oid("tagstore", true)) &&
		ConditionalLockRelationOid(catalog_relid(TSREL_TAG), ShareLock) &&
		ConditionalLockRelationOid(catalog_relid(TSREL_POSTED_TAG), ShareRowExclusiveLock);
	if (locked)
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT tagstore.refresh_postings()", false, 0) != SPI_OK_SELECT)
			elog(ERROR, "tagstore.refresh_postings() did not run");
		SPI_finish();
		PopActiveSnapshot();
	}
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}
