/*
 * tagstore_write.c
 *	  The fast path of tagging: tagstore._tag_fast().
 *
 * add_tag_to() is PL/pgSQL, and handles every case: retagging with new data
 * (which archives a revision), free-form taxonomies, every error.  But the
 * common case, a new tagging without data by a live tag, needs little:
 *
 *	1. the tag's id, key-share locked (so a concurrent removal waits for us);
 *	2. the entity's id, created if new;
 *	3. a check, with FOR UPDATE, that the pair is not tagged: if a concurrent
 *	   untag holds it, we wait, and step 4's snapshot sees its tombstone;
 *	4. one insert, numbering the revision after any archived ones.
 *
 * This function does exactly that with plans prepared once per session, and
 * returns the new tagging's revision; it returns NULL whenever the case is
 * not the common one, and the caller then takes the full path.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "tagstore.h"

typedef struct FastPlans
{
	Oid			tagpath_type;	/* the plans are for this tagpath type */
	SPIPlanPtr	tag_by_key;
	SPIPlanPtr	tag_by_id;
	SPIPlanPtr	entity_get;
	SPIPlanPtr	entity_add;
	SPIPlanPtr	tagged;
	SPIPlanPtr	insert;
} FastPlans;

static FastPlans plans;

/* Prepares and keeps a plan. */
static SPIPlanPtr
keep(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

	if (plan == NULL || SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	return plan;
}

/* Prepares the session's plans, for the tagpath type of this installation. */
static void
prepare_plans(Oid tagpath_type)
{
	Oid			key_types[1] = {tagpath_type};
	Oid			id_types[1] = {INT8OID};
	Oid			entity_types[2] = {TEXTOID, TEXTOID};
	Oid			pair_types[2] = {INT8OID, INT8OID};
	Oid			insert_types[3] = {INT8OID, INT8OID, TEXTOID};
	/* the caller's search_path need not see tagpath's operators: qualify them */
	const char *nsp = quote_identifier(get_namespace_name(tagstore_type_namespace(tagpath_type)));

	if (plans.tagpath_type == tagpath_type)
		return;
	plans.tag_by_key = keep(psprintf("SELECT id FROM tagstore.tag WHERE key OPERATOR(%s.=) $1 FOR KEY SHARE",
									 nsp), 1, key_types);
	plans.tag_by_id = keep("SELECT id FROM tagstore.tag WHERE id = $1 FOR KEY SHARE", 1, id_types);
	plans.entity_get = keep("SELECT id FROM tagstore.entity WHERE entity_type = $1 AND external_id = $2",
							2, entity_types);
	plans.entity_add = keep("INSERT INTO tagstore.entity (entity_type, external_id) VALUES ($1, $2)"
							" ON CONFLICT DO NOTHING RETURNING id", 2, entity_types);
	plans.tagged = keep("SELECT 1 FROM tagstore.tagging WHERE tag_id = $1 AND entity_id = $2 FOR UPDATE",
						2, pair_types);
	plans.insert = keep("INSERT INTO tagstore.tagging (tag_id, entity_id, revision, operation, tagged_by)"
						" VALUES ($1, $2, 1 + coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r"
						"  WHERE r.tag_id = $1 AND r.entity_id = $2), 0), 'tag', $3)"
						" ON CONFLICT DO NOTHING RETURNING revision", 3, insert_types);
	plans.tagpath_type = tagpath_type;
}

/* Runs a kept plan; returns its first column of its first row, or false if none. */
static bool
run(SPIPlanPtr plan, Datum *args, Datum *result)
{
	bool		isnull;

	if (SPI_execute_plan(plan, args, NULL, false, 1) < 0)
		elog(ERROR, "SPI_execute_plan failed");
	if (SPI_processed == 0)
		return false;
	*result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull;
}

/*
 * tagstore._tag_fast(tag tagpath, tag_id bigint, entity_type text,
 * external_id text, actor text) -> integer: the new tagging's revision, or
 * NULL if this is not the common case (see the header).  The tag is given
 * by name or by id; the caller has checked the entity arguments.
 */
PG_FUNCTION_INFO_V1(tagstore_tag_fast);
Datum
tagstore_tag_fast(PG_FUNCTION_ARGS)
{
	Datum		tag_id,
				entity_id,
				revision;
	Datum		args[3];
	bool		done = false;

	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4) || (PG_ARGISNULL(0) && PG_ARGISNULL(1)))
		PG_RETURN_NULL();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prepare_plans(get_fn_expr_argtype(fcinfo->flinfo, 0));

	if (!PG_ARGISNULL(1))
		args[0] = PG_GETARG_DATUM(1);
	else
		args[0] = DirectFunctionCall1(tagpath_casefold, PG_GETARG_DATUM(0));
	if (run(PG_ARGISNULL(1) ? plans.tag_by_key : plans.tag_by_id, args, &tag_id))
	{
		args[0] = PG_GETARG_DATUM(2);
		args[1] = PG_GETARG_DATUM(3);
		if (run(plans.entity_get, args, &entity_id) || run(plans.entity_add, args, &entity_id) ||
			run(plans.entity_get, args, &entity_id))
		{
			args[0] = tag_id;
			args[1] = entity_id;
			args[2] = PG_GETARG_DATUM(4);
			/* already tagged: the full path decides (retag, or nothing) */
			if (!run(plans.tagged, args, &revision))
				done = run(plans.insert, args, &revision);
		}
	}
	SPI_finish();
	if (!done)
		PG_RETURN_NULL();
	PG_RETURN_INT32(DatumGetInt32(revision));
}
