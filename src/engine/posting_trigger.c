/*
 * posting_trigger.c
 *	  The change log of the postings: every tagging written appends
 *	  (tag_id, entity_id) to tagstore.posting_change (see posting.h).
 *
 * Writers only append: a posting is never touched by a tagging, so taggings
 * under one broad tag do not queue on its posting's rows.  Readers apply
 * the visible changes themselves (posting_read.c) until refresh_postings
 * folds them in (posting_refresh.c).  An update of a tagging's key logs
 * both the old and the new pair; a delete logs the pair it removes.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "commands/trigger.h"
#include "utils/rel.h"

#include "catalog.h"
#include "posting.h"

/*
 * Logs that the membership of an entity under a tag may have changed: a row
 * of posting_change, straight into the heap (the log is internal, so whoever
 * may write taggings may write it).  The trigger below calls it for every
 * tagging written by SQL, add_tag_to's direct write (write.c) for
 * its own.
 */
void
posting_log_change(Datum tag_id, Datum entity_id)
{
	Relation	log = catalog_open(TSREL_POSTING_CHANGE, RowExclusiveLock);
	Datum		values[Natts_posting_change];
	bool		nulls[Natts_posting_change] = {false, false};

	if (RelationGetDescr(log)->natts != Natts_posting_change)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s has been altered", catalog_relname(TSREL_POSTING_CHANGE)),
				 errdetail("It must have exactly the columns tag_id and entity_id.")));
	values[Anum_posting_change_tag_id - 1] = tag_id;
	values[Anum_posting_change_entity_id - 1] = entity_id;

	simple_heap_insert(log, heap_form_tuple(RelationGetDescr(log), values, nulls));
	upkeep_change_logged(RelationGetRelid(log));
	table_close(log, RowExclusiveLock);
}

/*
 * Logs the (tag_id, entity_id) of a tagging row.  A row with a NULL there
 * is left unlogged: a BEFORE trigger sees it before the NOT NULL checks of
 * the primary key, which reject it.
 */
static void
log_tagging(Relation tagging, HeapTuple row)
{
	bool		tag_null,
				entity_null;
	Datum		tag = heap_getattr(row, Anum_tagging_tag_id, RelationGetDescr(tagging), &tag_null);
	Datum		entity = heap_getattr(row, Anum_tagging_entity_id, RelationGetDescr(tagging),
									  &entity_null);

	if (!tag_null && !entity_null)
		posting_log_change(tag, entity);
}

/*
 * tagstore._tagging_changed(): BEFORE INSERT, DELETE or UPDATE OF tag_id,
 * entity_id on tagging, for each row: logs the pairs whose membership may
 * change, the old and the new one for an update.
 */
PG_FUNCTION_INFO_V1(tagstore_tagging_changed);
Datum
tagstore_tagging_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trig->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("tagstore._tagging_changed must be a BEFORE INSERT, UPDATE or DELETE ... FOR EACH ROW trigger")));
	/* the columns are read by number: only tagging's own */
	if (RelationGetRelid(trig->tg_relation) != catalog_relid(TSREL_TAGGING))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("tagstore._tagging_changed must be a trigger on %s, not on %s",
						catalog_relname(TSREL_TAGGING), RelationGetRelationName(trig->tg_relation))));
	log_tagging(trig->tg_relation, trig->tg_trigtuple);
	if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
		log_tagging(trig->tg_relation, trig->tg_newtuple);
	return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(trig->tg_event) ? trig->tg_newtuple : trig->tg_trigtuple);
}

