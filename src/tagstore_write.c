/*
 * tagstore_write.c
 *	  tagstore.add_tag_to(): tagging, with a fast path for the common case.
 *
 * Tagging in general is PL/pgSQL (tagstore._add_tag_to): retagging with new
 * data, which archives a revision; free-form taxonomies; every error.  But
 * the common case, a new tagging without data by a live tag, needs little:
 *
 *	1. the tag's id, key-share locked (so a concurrent removal waits for us);
 *	2. the entity's id, created if new;
 *	3. a check, with FOR UPDATE, that the pair is not tagged: if a concurrent
 *	   untag holds it, we wait, and step 4's snapshot sees its tombstone;
 *	4. one insert, numbering the revision after any archived ones.
 *
 * add_tag_to() is this C function: it checks the arguments, does exactly
 * the above with plans prepared once per session, and whenever the case is
 * not the common one hands over to the PL/pgSQL tagstore._add_tag_to().
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "tagstore.h"

typedef struct FastPlans
{
	Oid			tagpath_type;	/* the plans are for this tagpath type */
	SPIPlanPtr	tag_by_key;
	SPIPlanPtr	tag_by_id;
	SPIPlanPtr	entity_get;		/* the entity's id, and whether the pair is tagged */
	SPIPlanPtr	entity_add;
	SPIPlanPtr	insert;
	SPIPlanPtr	full_by_key;	/* the full path */
	SPIPlanPtr	full_by_id;
} FastPlans;

static FastPlans plans;

/* Every plan here is a lookup by key or an insert: generic plans (see tagstore_keep_plan). */
#define keep(sql, nargs, types) tagstore_keep_plan(sql, nargs, types, true)

/* Prepares the session's plans, for the tagpath type of this installation. */
static void
prepare_plans(Oid tagpath_type)
{
	Oid			key_types[1] = {tagpath_type};
	Oid			id_types[1] = {INT8OID};
	Oid			lookup_types[3] = {TEXTOID, TEXTOID, INT8OID};
	Oid			entity_types[2] = {TEXTOID, TEXTOID};
	Oid			insert_types[3] = {INT8OID, INT8OID, TEXTOID};
	Oid			full_key_types[4] = {tagpath_type, TEXTOID, TEXTOID, JSONBOID};
	Oid			full_id_types[4] = {INT8OID, TEXTOID, TEXTOID, JSONBOID};
	/* the caller's search_path need not see tagpath's operators: qualify them */
	const char *nsp = quote_identifier(get_namespace_name(tagstore_type_namespace(tagpath_type)));

	if (plans.tagpath_type == tagpath_type)
		return;
	plans.tag_by_key = keep(psprintf("SELECT id FROM tagstore.tag"
									 " WHERE key OPERATOR(%s.=) $1 FOR KEY SHARE", nsp),
							1, key_types);
	plans.tag_by_id = keep("SELECT id FROM tagstore.tag WHERE id = $1 FOR KEY SHARE", 1, id_types);
	/*
	 * The entity, and a FOR UPDATE check that the pair is not tagged: if a
	 * concurrent untag holds the tagging, we wait for it, and the insert
	 * (a later statement) sees its tombstone revision.
	 */
	plans.entity_get = keep("WITH e AS (SELECT id FROM tagstore.entity WHERE entity_type = $1 AND external_id = $2),"
							" held AS (SELECT 1 FROM tagstore.tagging x, e"
							"  WHERE x.tag_id = $3 AND x.entity_id = e.id FOR UPDATE OF x)"
							" SELECT e.id, EXISTS (SELECT 1 FROM held) FROM e", 3, lookup_types);
	plans.entity_add = keep("INSERT INTO tagstore.entity (entity_type, external_id) VALUES ($1, $2)"
							" ON CONFLICT DO NOTHING RETURNING id", 2, entity_types);
	plans.insert = keep("INSERT INTO tagstore.tagging (tag_id, entity_id, revision, operation, tagged_by)"
						" VALUES ($1, $2, 1 + coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r"
						"  WHERE r.tag_id = $1 AND r.entity_id = $2), 0), 'tag', $3)"
						" ON CONFLICT DO NOTHING RETURNING revision", 3, insert_types);
	plans.full_by_key = keep("SELECT tagstore._add_tag_to($1, $2, $3, $4)", 4, full_key_types);
	plans.full_by_id = keep("SELECT tagstore._add_tag_to(tagstore.tag_path($1), $2, $3, $4)", 4, full_id_types);
	plans.tagpath_type = tagpath_type;
}

/* The tagpath type of this installation: in the schema of the extension. */
static Oid
tagpath_type_oid(void)
{
	bool		isnull;

	/* the extension may have been dropped and created again since */
	if (plans.tagpath_type != InvalidOid &&
		SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(plans.tagpath_type)))
		return plans.tagpath_type;
	if (SPI_execute("SELECT t.oid FROM pg_catalog.pg_type t"
					" JOIN pg_catalog.pg_extension e ON e.extnamespace = t.typnamespace"
					" WHERE e.extname = 'tagstore' AND t.typname = 'tagpath'", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "cannot find the tagpath type of extension tagstore");
	return DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* Runs a kept plan; gives column `col` of its first row; false if no row (or NULL). */
static bool
run(SPIPlanPtr plan, Datum *args, const char *nulls, int col, Datum *result)
{
	bool		isnull;

	if (SPI_execute_plan(plan, args, nulls, false, 1) < 0)
		elog(ERROR, "SPI_execute_plan failed");
	if (SPI_processed == 0)
		return false;
	*result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull);
	return !isnull;
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
 * The common case: a live tag, no data, an untagged pair.  Returns false,
 * having written nothing, when the case is another.
 */
static bool
tag_fast(bool by_id, Datum tag, Datum entity_type, Datum external_id, int32 *revision)
{
	Datum		args[3];
	Datum		tag_id,
				entity_id,
				result;

	args[0] = by_id ? tag : DirectFunctionCall1(tagpath_casefold, tag);
	if (!run(by_id ? plans.tag_by_id : plans.tag_by_key, args, NULL, 1, &tag_id))
		return false;
	args[0] = entity_type;
	args[1] = external_id;
	args[2] = tag_id;
	if (run(plans.entity_get, args, NULL, 1, &entity_id))
	{
		bool		isnull;

		if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)))
			return false;		/* already tagged: retag, or nothing */
	}
	else if (!run(plans.entity_add, args, NULL, 1, &entity_id))
		return false;			/* created concurrently: the full path copes */
	args[0] = tag_id;
	args[1] = entity_id;
	args[2] = PointerGetDatum(current_actor());
	if (!run(plans.insert, args, NULL, 1, &result))
		return false;
	*revision = DatumGetInt32(result);
	return true;
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
	prepare_plans(by_id ? tagpath_type_oid() : get_fn_expr_argtype(fcinfo->flinfo, 0));

	done = !PG_ARGISNULL(0) && PG_ARGISNULL(3) &&
		tag_fast(by_id, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2), &revision);
	if (!done)
	{
		for (int i = 0; i < 4; i++)
		{
			args[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
			nulls[i] = PG_ARGISNULL(i) ? 'n' : ' ';
		}
		if (!run(by_id ? plans.full_by_id : plans.full_by_key, args, nulls, 1, &result))
			elog(ERROR, "tagstore._add_tag_to returned nothing");
		revision = DatumGetInt32(result);
	}
	SPI_finish();
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
