/*
 * policy_rows.c
 *	  Rows of tagstore's tables read through the executor, so that the
 *	  row-level security policies that apply to the caller filter them: the
 *	  slow path of the tag reader and the tagging cursor.
 *
 * The searches and listings read tags and taggings past the executor
 * (tag_reader.c, tagging_index.c), and a posting holds every tagging under
 * its tag: none of it knows a policy.  When a policy of taxonomy, tag,
 * tagging or entity applies to the caller (catalog_policies_apply), the
 * readers read the same ranges through statements instead, run as the
 * caller, which the executor filters as it would the caller's own query:
 * a tag counts if its row and its taxonomy's are visible, a tagging if its
 * row, its tag's and its entity's are.  The searches then skip postings.
 * So every search, count and listing answers exactly as it would over the
 * rows the policies let the caller see; the price is an executor start per
 * range read and a tuple per row, where the direct reads copy index pages.
 *
 * A statement's rows are fetched from a cursor a batch at a time, each
 * fetch in an SPI connection of its own (a reader lives across SPI calls of
 * its owner, and may be used where none is open); the cursor lives in the
 * transaction until closed.  The statement runs in the active snapshot, as
 * the direct reads do.
 *
 * Example: entities under 'sizes.large' with a policy on entity: the tag
 * reader runs TSQ_POLICY_TAGS over keys ['sizes.large', 'sizes.large ')
 * and gets the visible tags in key order; the tagging cursor runs
 * TSQ_POLICY_TAGGINGS over (tag, entity) from (first tag, any) to (last
 * tag, any) and gets the taggings of visible entities in key order.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/datum.h"
#include "utils/memutils.h"

#include "policy_rows.h"

/* Rows fetched at a time. */
#define POLICY_BATCH 1000

/* Opens the statement's cursor with its arguments (none NULL), for rows of ncols columns. */
void
policy_rows_open(PolicyRows *p, TagstoreQuery query, Datum *args, int ncols)
{
	memset(p, 0, sizeof(PolicyRows));
	p->ncols = ncols;
	p->batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "tagstore policy rows",
										 ALLOCSET_DEFAULT_SIZES);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	p->portal = SPI_cursor_open(NULL, catalog_plan(query), args, NULL, true);
	SPI_finish();
}

/* Fetches the next batch into batch_cxt; false if there was none. */
static bool
fetch(PolicyRows *p)
{
	MemoryContext old;

	MemoryContextReset(p->batch_cxt);
	p->n = p->pos = 0;
	if (p->portal == NULL)
		return false;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	SPI_cursor_fetch(p->portal, true, POLICY_BATCH);
	if (SPI_tuptable->tupdesc->natts != p->ncols)
		elog(ERROR, "tagstore statement returned %d columns, expected %d",
			 SPI_tuptable->tupdesc->natts, p->ncols);
	old = MemoryContextSwitchTo(p->batch_cxt);
	p->values = palloc(sizeof(Datum) * p->ncols * Max(SPI_processed, 1));
	p->nulls = palloc(sizeof(bool) * p->ncols * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		for (int c = 0; c < p->ncols; c++)
		{
			Form_pg_attribute att = TupleDescAttr(SPI_tuptable->tupdesc, c);
			int			k = i * p->ncols + c;
			Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1,
										  &p->nulls[k]);

			p->values[k] = p->nulls[k] ? (Datum) 0 : datumCopy(d, att->attbyval, att->attlen);
		}
	}
	MemoryContextSwitchTo(old);
	p->n = SPI_processed;
	SPI_freetuptable(SPI_tuptable);
	if (p->n < POLICY_BATCH)
	{
		SPI_cursor_close(p->portal);
		p->portal = NULL;
	}
	SPI_finish();
	return p->n > 0;
}

/*
 * The next row: its values and nulls, valid until the next call; false at
 * the end.
 */
bool
policy_rows_next(PolicyRows *p, Datum **values, bool **nulls)
{
	CHECK_FOR_INTERRUPTS();
	if (p->pos == p->n && !fetch(p))
		return false;
	*values = &p->values[p->pos * p->ncols];
	*nulls = &p->nulls[p->pos * p->ncols];
	p->pos++;
	return true;
}

void
policy_rows_close(PolicyRows *p)
{
	if (p->portal != NULL)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		SPI_cursor_close(p->portal);
		SPI_finish();
		p->portal = NULL;
	}
	if (p->batch_cxt != NULL)
		MemoryContextDelete(p->batch_cxt);
	p->batch_cxt = NULL;
}
