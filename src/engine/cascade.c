/*
 * cascade.c
 *	  tagstore._delete_cascade(): the deletes that foreign keys cascaded
 *	  in 1.0, done by statement triggers, and no foreign keys among
 *	  tagstore's tables.
 *
 * Why no foreign keys.  tagstore's tables are the extension's configuration
 * tables (pg_extension_config_dump): a restore makes them by CREATE
 * EXTENSION, constraints and triggers included, before it loads any data,
 * and pg_dump gives each table's data only its own table as a dependency.
 * So a parallel pg_restore loads tagging while tag is still being loaded,
 * or tag before taxonomy; with foreign keys those COPYs failed their
 * checks, and the restored database had no tags or taggings (deferrable
 * constraints would not help: each COPY commits on its own).  Without them
 * every table loads on its own, in any order.
 *
 * What the foreign keys did, and who does it now:
 *
 *	- a row written must name rows that exist: the API checks what it
 *	  writes, and locks the rows it names (a tag FOR KEY SHARE while
 *	  tagging with it, a taxonomy FOR SHARE while adding a tag to it, an
 *	  entity FOR KEY SHARE while tagging it), as the foreign keys' checks
 *	  locked them, so that a concurrent delete waits and then removes what
 *	  we wrote (below).  Direct writes to the tables must name existing
 *	  rows; tagstore.verify() reports those that do not (the README's
 *	  Troubleshooting);
 *	- deleting a row deletes the rows that name it (ON DELETE CASCADE):
 *	  this file.  The references, from the table deleted from:
 *
 *		taxonomy	tag.taxonomy_id, tag_tombstone.taxonomy_id,
 *					taxonomy_grant.taxonomy_id (its privileges)
 *		tag			tag.parent_id (the whole subtree), tagging.tag_id,
 *					posted_tag.tag_id
 *		entity		tagging.entity_id
 *		posted_tag	posting.tag_id
 *
 *	  Each of those four tables has an AFTER DELETE trigger FOR EACH
 *	  STATEMENT with its deleted rows as the transition table "deleted";
 *	  it deletes the rows that name them, one statement per reference,
 *	  planned for the number deleted (a bulk delete joins, a single one
 *	  probes an index).  Those deletes fire the referencing tables' own
 *	  triggers, so a cascade goes as deep as it did: the tagging trigger
 *	  logs each tagging deleted for the postings, the tag trigger marks
 *	  the postings above a deleted tag stale, and the cascades of the
 *	  tables deleted from run in turn.
 *	- a TRUNCATE of a table that others referenced was refused unless they
 *	  were truncated with it: an AFTER TRUNCATE trigger on each of the four
 *	  tables refuses (0A000) to leave rows that name it.
 *
 * Snapshots, as the foreign keys' own cascades take them (ri_triggers.c):
 * in READ COMMITTED each delete runs in a new snapshot, so it also deletes
 * the rows that a concurrent transaction committed while our delete waited
 * for the lock it held on the row they name (a tagging by add_tag_to while
 * its tag is removed).  In REPEATABLE READ and SERIALIZABLE the deletes
 * run in the latest snapshot with the transaction's as a cross-check, so
 * such a row is a serialization failure (40001) instead of a row left
 * behind naming nothing.  The deletes run as the caller, as every function
 * of tagstore does: deleting a taxonomy needs DELETE on the tables below
 * it too (the foreign keys' cascades ran as the tables' owner).
 *
 * Example: DELETE FROM tagstore.taxonomy WHERE name = 'Biology'.  Its
 * trigger deletes Biology's tags (one statement) and tombstones.  The tag
 * trigger, for those tags: their descendants (none left outside them, so a
 * statement that deletes nothing), their taggings (each logged in
 * posting_change by the tagging trigger), their posted_tag rows; the
 * posted_tag trigger: those tags' posting rows.  What is left in every
 * table is what the foreign keys left (test/sql/tagstore_cascade.sql
 * compares the two on the same data).
 *
 * Limits: a delete that bypasses triggers (session_replication_role =
 * replica, triggers disabled) cascades nothing, as it did not with foreign
 * keys; an UPDATE of a referenced id (which the API never makes) is not
 * refused and leaves the rows naming the old one; verify() reports both.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "catalog.h"

#define MAX_REFERENCES 3

/* A table that others reference: the statements that cascade its deletes, and who references it. */
typedef struct Cascade
{
	TagstoreRel table;
	int			nrefs;
	TagstoreQuery deletes[MAX_REFERENCES];
	TagstoreRel referencing[MAX_REFERENCES];	/* a table itself is truncated with itself */
} Cascade;

static const Cascade cascades[] = {
	{TSREL_TAXONOMY, 3,
		{TSQ_CASCADE_TAXONOMY_TAGS, TSQ_CASCADE_TAXONOMY_TOMBSTONES, TSQ_CASCADE_TAXONOMY_GRANTS},
	{TSREL_TAG, TSREL_TAG_TOMBSTONE, TSREL_TAXONOMY_GRANT}},
	{TSREL_TAG, 3, {TSQ_CASCADE_TAG_SUBTREES, TSQ_CASCADE_TAG_TAGGINGS, TSQ_CASCADE_TAG_POSTED},
	{TSREL_TAG, TSREL_TAGGING, TSREL_POSTED_TAG}},
	{TSREL_ENTITY, 1, {TSQ_CASCADE_ENTITY_TAGGINGS}, {TSREL_TAGGING}},
	{TSREL_POSTED_TAG, 1, {TSQ_CASCADE_POSTED_POSTINGS}, {TSREL_POSTING}},
};

/* The cascade of the table a trigger fired on; an error for any other table. */
static const Cascade *
cascade_of(Relation rel)
{
	for (int i = 0; i < (int) lengthof(cascades); i++)
		if (RelationGetRelid(rel) == catalog_relid(cascades[i].table))
			return &cascades[i];
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("tagstore._delete_cascade must be a trigger on %s, %s, %s or %s, not on %s",
					catalog_relname(TSREL_TAXONOMY), catalog_relname(TSREL_TAG),
					catalog_relname(TSREL_ENTITY), catalog_relname(TSREL_POSTED_TAG),
					RelationGetRelationName(rel))));
	pg_unreachable();
}

/* Does a table hold a row, in the latest snapshot (committed by anyone, or written by us)? */
static bool
holds_rows(TagstoreRel which)
{
	Relation	rel = catalog_open(which, AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	bool		found = table_scan_getnextslot(scan, ForwardScanDirection, slot);

	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return found;
}

/* After a TRUNCATE: refuses it if a table that referenced the truncated one still holds rows. */
static void
check_truncate(const Cascade *c)
{
	for (int i = 0; i < c->nrefs; i++)
		if (c->referencing[i] != c->table && OidIsValid(catalog_relid(c->referencing[i])) &&
			holds_rows(c->referencing[i]))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot truncate %s while %s holds rows that refer to it",
							catalog_relname(c->table), catalog_relname(c->referencing[i])),
					 errhint("Truncate %s at the same time, or delete the rows instead (a delete cascades).",
							 catalog_relname(c->referencing[i]))));
}

/* After a DELETE: deletes the rows that name the rows deleted (the transition table). */
static void
cascade(TriggerData *trig, const Cascade *c)
{
	Snapshot	snapshot = InvalidSnapshot;
	Snapshot	crosscheck = InvalidSnapshot;

	if (trig->tg_oldtable == NULL ||
		strcmp(trig->tg_trigger->tgoldtable, CASCADE_TRANSITION_TABLE) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("tagstore._delete_cascade must be a trigger REFERENCING OLD TABLE AS %s",
						CASCADE_TRANSITION_TABLE)));
	if (tuplestore_tuple_count(trig->tg_oldtable) == 0)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_register_trigger_data(trig) != SPI_OK_TD_REGISTER)
		elog(ERROR, "SPI_register_trigger_data failed");
	/* as ri_triggers.c's cascades: rows committed since our snapshot are seen, and a failure then */
	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		snapshot = GetLatestSnapshot();
		crosscheck = GetTransactionSnapshot();
	}
	for (int i = 0; i < c->nrefs; i++)
		if (OidIsValid(catalog_relid(c->referencing[i])))	/* taxonomy_grant: not in an update's midst */
			catalog_execute_once(c->deletes[i], snapshot, crosscheck);
	SPI_finish();
}

/*
 * tagstore._delete_cascade(): AFTER DELETE ... REFERENCING OLD TABLE AS
 * deleted FOR EACH STATEMENT on taxonomy, tag, entity and posted_tag:
 * deletes the rows that name the rows deleted; AFTER TRUNCATE on them:
 * refuses to leave such rows.
 */
PG_FUNCTION_INFO_V1(tagstore_delete_cascade);
Datum
tagstore_delete_cascade(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trig->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trig->tg_event) ||
		!(TRIGGER_FIRED_BY_DELETE(trig->tg_event) || TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("tagstore._delete_cascade must be an AFTER DELETE or TRUNCATE ... FOR EACH STATEMENT trigger")));
	if (TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event))
		check_truncate(cascade_of(trig->tg_relation));
	else
		cascade(trig, cascade_of(trig->tg_relation));
	return PointerGetDatum(NULL);
}
