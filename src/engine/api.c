/*
 * api.c
 *	  The SQL entry points of the search: entities_with_all/any and their
 *	  counts, and entities_with_tag_data (the tag listings are listings.c's).
 *
 * entities_with_all/any and count_entities_with_all/any are C functions of
 * their own: called from SQL, they need no parsing or inlining of a
 * function body (which would cost more than a selective search itself).
 * In FROM, the planner hook of scan.c streams the answer instead of
 * calling them.  Each builds a SearchRequest (search.h) from its arguments
 * and hands it to the engine; so does entities_with_tag_data.
 *
 * No entry point here calls an internal SQL function: PUBLIC may execute
 * only the documented API, and these run as their caller (see
 * sql/src/08_helpers.sql).  entities_with_tag_data calls the engine
 * directly, where version 1.0's SQL wrapper called _entity_ids and
 * _entities.  The entry points
 * of _entity_ids and _entities stay, for databases still at 1.0.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "entity_rows.h"
#include "search.h"

/*
 * tagstore._entity_ids(tags tagpath[], match_all bool, include_descendants
 * bool, exclude tagpath[], data_filter jsonb) -> bigint[]: the ids of the
 * matching entities, sorted (for version 1.0's entities_with_tag_data).
 */
PG_FUNCTION_INFO_V1(tagstore_entity_ids);
Datum
tagstore_entity_ids(PG_FUNCTION_ARGS)
{
	IdSet		result;
	Datum	   *out;

	SearchRequest req = {0};

	catalog_check_function(fcinfo->flinfo->fn_oid);
	search_require(PG_ARGISNULL(0), "tags");
	search_require(PG_ARGISNULL(1), "match_all");
	search_require(PG_ARGISNULL(2), "include_descendants");
	req.tags = PG_GETARG_ARRAYTYPE_P(0);
	req.match_all = PG_GETARG_BOOL(1);
	req.descendants = PG_GETARG_BOOL(2);
	req.exclude = PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3);
	req.data_filter = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	result = search_entity_ids(&req);
	idset_flatten(&result);
	out = palloc(sizeof(Datum) * Max(result.n, 1));
	for (int i = 0; i < result.n; i++)
		out[i] = Int64GetDatum(result.ids[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, result.n, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Starts a set-returning function's result (InitMaterializedSRF), once its
 * function is known to exist still: a cursor opened before DROP EXTENSION
 * tagstore and read after it calls one that is gone (catalog_check_function).
 */
static void
start_result(FunctionCallInfo fcinfo)
{
	catalog_check_function(fcinfo->flinfo->fn_oid);
	InitMaterializedSRF(fcinfo, 0);
}

/* Puts all of the rows into a set-returning function's result, and ends reading. */
static void
put_rows(EntityRows *rows, ReturnSetInfo *rsinfo)
{
	Datum		values[2];
	bool		nulls[2] = {false, false};

	while (entity_rows_next(rows, &values[0], &values[1]))
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	entity_rows_end(rows);
}

/*
 * entities_with_all/any(tags, entity_type, external_id_prefix,
 * include_descendants, exclude) and count_entities_with_all/any (same
 * arguments).
 */
static Datum
entities_with(FunctionCallInfo fcinfo, bool match_all, bool counting)
{
	Datum		args[SEARCH_NARGS];
	bool		nulls[SEARCH_NARGS];
	SearchRequest req;

	/* a count in a cursor opened before DROP EXTENSION would count tables created since */
	catalog_check_function(fcinfo->flinfo->fn_oid);
	for (int i = 0; i < SEARCH_NARGS; i++)
	{
		nulls[i] = PG_ARGISNULL(i);
		args[i] = nulls[i] ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	search_request_from_args(&req, args, nulls, match_all);
	if (counting && req.entity_type == NULL && req.prefix == NULL)
	{
		/* no name filters: the size of the set, no rows read (but entity's checks made) */
		int64		n = search_entity_ids(&req).n;

		table_close(catalog_open_readable(TSREL_ENTITY), AccessShareLock);
		PG_RETURN_INT64(n);
	}
	if (counting)
	{
		EntityRows *rows = search_entity_rows(&req);
		int64		n = entity_rows_count(rows);

		entity_rows_end(rows);
		PG_RETURN_INT64(n);
	}
	InitMaterializedSRF(fcinfo, 0);
	put_rows(search_entity_rows(&req), (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(tagstore_entities_with_all);
Datum
tagstore_entities_with_all(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, true, false);
}

PG_FUNCTION_INFO_V1(tagstore_entities_with_any);
Datum
tagstore_entities_with_any(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, false, false);
}

PG_FUNCTION_INFO_V1(tagstore_count_entities_with_all);
Datum
tagstore_count_entities_with_all(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, true, true);
}

PG_FUNCTION_INFO_V1(tagstore_count_entities_with_any);
Datum
tagstore_count_entities_with_any(PG_FUNCTION_ARGS)
{
	return entities_with(fcinfo, false, true);
}

/*
 * tagstore.entities_with_tag_data(tag tagpath, filter jsonb, entity_type,
 * external_id_prefix, include_descendants, exclude): the entities whose
 * tagging with the tag (or, with descendants, a tag under it) carries data
 * containing filter, less those under an excluded tag, that pass the name
 * filters; in id order, as entities_with_all.
 */
PG_FUNCTION_INFO_V1(tagstore_entities_with_tag_data);
Datum
tagstore_entities_with_tag_data(PG_FUNCTION_ARGS)
{
	Datum		tag;
	SearchRequest req = {0};

	search_require(PG_ARGISNULL(0), "tag");
	search_require(PG_ARGISNULL(1), "filter");
	search_require(PG_ARGISNULL(4), "include_descendants");
	tag = PG_GETARG_DATUM(0);
	req.tags = construct_array(&tag, 1, catalog_tagpath_type(), -1, false, TYPALIGN_INT);
	req.match_all = true;
	req.descendants = PG_GETARG_BOOL(4);
	req.exclude = PG_ARGISNULL(5) ? NULL : PG_GETARG_ARRAYTYPE_P(5);
	req.data_filter = PG_GETARG_DATUM(1);
	req.entity_type = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	req.prefix = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	start_result(fcinfo);
	put_rows(search_entity_rows(&req), (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * tagstore._entities(ids bigint[], entity_type text, external_id_prefix text)
 * -> (entity_type, external_id): the names of the entities with those ids
 * that pass the filters, in id order (for version 1.0's
 * entities_with_tag_data).
 */
PG_FUNCTION_INFO_V1(tagstore_entities);
Datum
tagstore_entities(PG_FUNCTION_ARGS)
{
	Datum	   *elems;
	int			n = 0;
	IdSet		ids = {0};

	start_result(fcinfo);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, NULL, &n);
	ids.ids = palloc(sizeof(int64) * Max(n, 1));
	ids.n = n;
	for (int i = 0; i < n; i++)
		ids.ids[i] = DatumGetInt64(elems[i]);
	idset_normalize(&ids);		/* cheap when already sorted; safe if not */
	put_rows(entity_rows_begin(&ids, PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1),
							   PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2)),
			 (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}
