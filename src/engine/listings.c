/*
 * listings.c
 *	  The SQL entry points of the tag listings: tags(), tree(),
 *	  search_tags() and tag_counts().
 *
 * A listing is a run of tags in key order (depth-first, siblings in
 * case-insensitive order), each with its counts: the taggings of the tag
 * itself (direct) and the distinct entities tagged with it or below it
 * (total).  tag_counts() (tag_counts.c) reads the tags of the subtrees
 * asked for with their rows, and their taggings, once; a listing is made
 * from what it returns, with no second read of the tags, no join and no
 * sort.  So listing a taxonomy costs one read of its tags and taggings,
 * whatever its size and shape, where counting each tag's subtree on its
 * own costs the sum of all subtree sizes (and a statement that joins the
 * counts back to the tags costs a join and a sort on top).
 *
 *	- tags(taxonomy): every tag of the taxonomy, with its depth and parent.
 *	- tree(taxonomy): the same drawn as text lines for psql.  A tag's line
 *	  starts with, for each ancestor below the taxonomy, a pipe if later
 *	  siblings of that ancestor follow, blanks if not; then a tee, or an
 *	  elbow if it is the last of its siblings.  Whether a tag is the last of
 *	  its siblings follows from key order: the tag after its subtree is its
 *	  next sibling, if it has the same parent.
 *	- search_tags(taxonomy, value, originator, pattern, any_...): the tags
 *	  that pass the filters (the statement TSQ_SEARCH_TAGS of catalog.c, by
 *	  id), with their metadata.  The subtrees of those whose parents do not
 *	  pass are counted (the others lie inside them), and only the tags that
 *	  pass are listed.
 *
 * Example: a taxonomy "Life" with tags animal, animal.cat, animal.dog and
 * plant draws as
 *
 *		Life (3)
 *		|-- animal (2)
 *		|   |-- cat (1)
 *		|   `-- dog (1)
 *		`-- plant (1)
 *
 * with box-drawing characters in a UTF8 database: other encodings may
 * lack them.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "tag_counts.h"
#include "tag_reader.h"
#include "taxonomy_acl.h"

/*
 * Starts a set-returning function's result (as api.c does), once its
 * function is known to exist still; InitMaterializedSRF's flags.
 */
static void
start_result(FunctionCallInfo fcinfo, bits32 flags)
{
	catalog_check_function(fcinfo->flinfo->fn_oid);
	InitMaterializedSRF(fcinfo, flags);
}

/*
 * Checks that the result's columns have the types the function puts in
 * them (InvalidOid: the tagpath type): a function redefined with other
 * columns is 55000, not a row of the wrong shape.
 */
static void
check_columns(FunctionCallInfo fcinfo, const char *name, const Oid *types, int n)
{
	TupleDesc	desc = ((ReturnSetInfo *) fcinfo->resultinfo)->setDesc;
	bool		same = desc->natts == n;

	for (int i = 0; same && i < n; i++)
		same = TupleDescAttr(desc, i)->atttypid ==
			(OidIsValid(types[i]) ? types[i] : catalog_tagpath_type());
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("function tagstore.%s has been altered", name),
				 errdetail("Its rows must be those of the extension's %s.", name),
				 errhint("Restore the function as the extension's install script defines it.")));
}

/* A column of a tag's row, detoasted if it is a varlena; NULL allowed. */
static Datum
tag_column(TagCounts *c, int pos, AttrNumber attnum, bool *isnull)
{
	Datum		d = heap_getattr(c->rows[pos], attnum, c->desc, isnull);

	if (!*isnull && TupleDescAttr(c->desc, attnum - 1)->attlen == -1)
		d = PointerGetDatum(PG_DETOAST_DATUM_PACKED(d));
	return d;
}

/* A column of a tag's row that must have a value (XX001 if NULL). */
static Datum
tag_value(TagCounts *c, int pos, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = tag_column(c, pos, attnum, &isnull);

	if (isnull)
		catalog_null_value(TSREL_TAG, attnum);
	return d;
}

/*
 * The taxonomy named (in any case): its name, and its key as the root of
 * its tags' subtree.  NULL is 22004, an unknown name 42704, one the
 * current user may not read 42501.
 */
static void
find_taxonomy(FunctionCallInfo fcinfo, char **name, TagPath **root)
{
	Datum		arg;
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext old;
	Datum		key;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("taxonomy must not be NULL")));
	arg = PG_GETARG_DATUM(0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	catalog_execute(TSQ_TAXONOMY_BY_NAME, &arg, " ", true, 0);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("taxonomy \"%s\" does not exist", TextDatumGetCString(arg))));
	old = MemoryContextSwitchTo(callercxt);
	*name = TextDatumGetCString(catalog_spi_value(0, 1, TSREL_TAXONOMY, Anum_taxonomy_name));
	key = catalog_spi_value(0, 2, TSREL_TAXONOMY, Anum_taxonomy_name_key);
	*root = tagpath_from_bytes(VARDATA_ANY(DatumGetTextPP(key)), VARSIZE_ANY_EXHDR(DatumGetTextPP(key)));
	MemoryContextSwitchTo(old);
	SPI_finish();
	if (!taxonomy_acl_key_readable(*root))
		taxonomy_acl_refuse(*name, TAXONOMY_READ);
}

/* The tags of a taxonomy, with their rows and counts. */
static TagCounts
taxonomy_counts(FunctionCallInfo fcinfo, char **name)
{
	TagPath    *root;

	find_taxonomy(fcinfo, name, &root);
	return tag_counts(&root, 1, true);
}

/*
 * tagstore.tags(taxonomy text) -> (tag, value, depth, parent, direct_count,
 * total_count): the taxonomy's tags in key order.
 */
PG_FUNCTION_INFO_V1(tagstore_tags);
Datum
tagstore_tags(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {InvalidOid, TEXTOID, INT4OID, InvalidOid, INT8OID, INT8OID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *name;
	TagCounts	c;
	int32	   *depth;

	start_result(fcinfo, 0);
	check_columns(fcinfo, "tags", types, lengthof(types));
	c = taxonomy_counts(fcinfo, &name);
	depth = palloc(sizeof(int32) * Max(c.n, 1));
	for (int i = 0; i < c.n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		depth[i] = c.parent[i] < 0 ? 0 : depth[c.parent[i]] + 1;
		values[0] = tag_value(&c, i, Anum_tag_path);
		values[1] = tag_value(&c, i, Anum_tag_value);
		values[2] = Int32GetDatum(depth[i]);
		if (c.parent[i] < 0)
			nulls[3] = true;
		else
			values[3] = tag_value(&c, c.parent[i], Anum_tag_path);
		values[4] = Int64GetDatum(c.direct[i]);
		values[5] = Int64GetDatum(c.total[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Appends a tag's counts to a line of tree(): the total, and the direct count where it says more. */
static void
append_counts(StringInfo line, int64 direct, int64 total)
{
	if (direct == 0 || direct == total)
		appendStringInfo(line, " (" INT64_FORMAT ")", total);
	else
		appendStringInfo(line, " (" INT64_FORMAT ", " INT64_FORMAT " direct)", total, direct);
}

/*
 * tagstore.tree(taxonomy text) -> SETOF text: a line naming the taxonomy
 * with its entities, then a line per tag in key order.
 */
PG_FUNCTION_INFO_V1(tagstore_tree);
Datum
tagstore_tree(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {TEXTOID};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;

	/* U+2502, U+251C, U+2514 and U+2500 in UTF8 */
	const char *pipe = utf8 ? "\xe2\x94\x82   " : "|   ";	/* later siblings follow below */
	const char *tee = utf8 ? "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 " : "|-- ";
	const char *elbow = utf8 ? "\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 " : "`-- ";
	char	   *name;
	TagCounts	c;
	int32	   *depth;
	int32	   *end;			/* the position after each tag's subtree */
	bool	   *more_below;		/* per depth: do later siblings follow? */
	StringInfoData line;
	Datum		value;
	bool		isnull = false;

	start_result(fcinfo, MAT_SRF_USE_EXPECTED_DESC);	/* one column, not a row type */
	check_columns(fcinfo, "tree", types, lengthof(types));
	c = taxonomy_counts(fcinfo, &name);
	depth = palloc(sizeof(int32) * Max(c.n, 1));
	end = palloc(sizeof(int32) * Max(c.n, 1));
	more_below = palloc0(sizeof(bool) * (Max(c.n, 1) + 1));
	for (int i = 0; i < c.n; i++)
	{
		depth[i] = c.parent[i] < 0 ? 0 : depth[c.parent[i]] + 1;
		end[i] = i + 1;
	}
	for (int i = c.n - 1; i >= 0; i--)
		if (c.parent[i] >= 0)
			end[c.parent[i]] = Max(end[c.parent[i]], end[i]);

	initStringInfo(&line);
	appendStringInfoString(&line, name);
	append_counts(&line, 0, c.entities);
	value = PointerGetDatum(cstring_to_text_with_len(line.data, line.len));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	for (int i = 0; i < c.n; i++)
	{
		bool		last = end[i] >= c.n || c.parent[end[i]] != c.parent[i];
		text	   *label = DatumGetTextPP(tag_value(&c, i, Anum_tag_value));

		CHECK_FOR_INTERRUPTS();
		resetStringInfo(&line);
		for (int d = 0; d < depth[i]; d++)
			appendStringInfoString(&line, more_below[d] ? pipe : "    ");
		more_below[depth[i]] = !last;
		appendStringInfoString(&line, last ? elbow : tee);
		tagpath_append_label(&line, VARDATA_ANY(label), VARSIZE_ANY_EXHDR(label));
		append_counts(&line, c.direct[i], c.total[i]);
		value = PointerGetDatum(cstring_to_text_with_len(line.data, line.len));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
		pfree(DatumGetPointer(value));
	}
	return (Datum) 0;
}

/*
 * A "text or text[]" argument of version 1.0's search_tags, whose filters
 * were "any", as a text[] (NULL stays NULL).
 */
static Datum
any_as_text_array(FunctionCallInfo fcinfo, int argno, bool *isnull)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Datum		elem;

	*isnull = PG_ARGISNULL(argno);
	if (*isnull)
		return (Datum) 0;
	if (type == TEXTARRAYOID || type == VARCHARARRAYOID)
		return PG_GETARG_DATUM(argno);
	if (type == TEXTOID || type == VARCHAROID)
		elem = PG_GETARG_DATUM(argno);
	else if (type == UNKNOWNOID)
		elem = CStringGetTextDatum(DatumGetCString(PG_GETARG_DATUM(argno)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("search_tags arguments must be text or text[], not %s",
						format_type_be(type))));
	return PointerGetDatum(construct_array(&elem, 1, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * A filter of search_tags: the one text of argument one and the list of
 * argument many (either may be NULL), as one text[]; NULL if both are.
 */
static Datum
filter_candidates(FunctionCallInfo fcinfo, int one, int many, bool *isnull)
{
	ArrayType  *list = PG_ARGISNULL(many) ? NULL : PG_GETARG_ARRAYTYPE_P(many);
	Datum	   *elems = NULL;
	bool	   *nulls = NULL;
	int			n = 0;
	int			dims[1];
	int			lbs[1] = {1};

	*isnull = PG_ARGISNULL(one) && list == NULL;
	if (*isnull)
		return (Datum) 0;
	if (list != NULL)
	{
		if (ARR_NDIM(list) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("search_tags lists must be one-dimensional arrays")));
		deconstruct_array(list, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	}
	elems = elems ? repalloc(elems, sizeof(Datum) * (n + 1)) : palloc(sizeof(Datum));
	nulls = nulls ? repalloc(nulls, sizeof(bool) * (n + 1)) : palloc(sizeof(bool));
	if (!PG_ARGISNULL(one))
	{
		elems[n] = PG_GETARG_DATUM(one);
		nulls[n++] = false;
	}
	dims[0] = n;
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false,
											  TYPALIGN_INT));
}

/* A tag search_tags lists: its id and taxonomy's name. */
typedef struct FoundTag
{
	int64		id;
	int64		parent;			/* its parent's id, if has_parent */
	bool		has_parent;
	text	   *taxonomy;
} FoundTag;

static bool
same_text(text *a, text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static int
found_cmp(const void *a, const void *b)
{
	int64		x = ((const FoundTag *) a)->id;
	int64		y = ((const FoundTag *) b)->id;

	return x < y ? -1 : x > y;
}

/*
 * tagstore.search_tags(taxonomy, value, originator, pattern, any_taxonomy,
 * any_value, any_originator): the tags that pass the filters, in key
 * order, with their metadata and counts.
 */
PG_FUNCTION_INFO_V1(tagstore_search_tags);
Datum
tagstore_search_tags(PG_FUNCTION_ARGS)
{
	static const Oid types[] = {
		InvalidOid, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID,
		TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT8OID
	};
	static const AttrNumber columns[] = {
		Anum_tag_value, Anum_tag_category, Anum_tag_description, Anum_tag_originator,
		Anum_tag_external_id, Anum_tag_revision, Anum_tag_created_at, Anum_tag_updated_at
	};
	static const bool nullable[] = {false, true, true, false, true, false, false, false};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		args[4];
	char		nulls[4];
	MemoryContext callercxt = CurrentMemoryContext;
	FoundTag   *found;
	int			nfound;
	TagPath   **roots;
	int			nroots = 0;
	TagReader	reader;
	TagCounts	c;
	bool		whole;			/* no filter but taxonomy: whole taxonomies listed */
	Datum	   *row;			/* a tag's row, deformed */
	bool	   *row_nulls;

	if (PG_NARGS() != 4 && PG_NARGS() != 7)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("function tagstore.search_tags has been altered"),
				 errhint("Restore the function as the extension's install script defines it.")));
	/* taxonomy, value and originator: arguments 0-2, their lists 4-6 (1.0: none) */
	for (int i = 0; i < 3; i++)
	{
		bool		isnull;

		args[i] = PG_NARGS() == 4 ? any_as_text_array(fcinfo, i, &isnull)
			: filter_candidates(fcinfo, i, 4 + i, &isnull);
		nulls[i] = isnull ? 'n' : ' ';
	}
	args[3] = BoolGetDatum(!PG_ARGISNULL(3) && PG_GETARG_BOOL(3));
	nulls[3] = ' ';
	whole = nulls[1] == 'n' && nulls[2] == 'n';
	start_result(fcinfo, 0);
	check_columns(fcinfo, "search_tags", types, lengthof(types));

	/* the tags to list, copied out of SPI's memory, then put in id order */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	catalog_execute(TSQ_SEARCH_TAGS, args, nulls, true, 0);
	if (SPI_processed > (uint64) MaxAllocSize / sizeof(FoundTag))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many tags to list")));
	nfound = 0;
	found = MemoryContextAlloc(callercxt, sizeof(FoundTag) * Max(SPI_processed, 1));
	roots = MemoryContextAlloc(callercxt, sizeof(TagPath *) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		MemoryContext old;
		bool		no_parent;
		Datum		parent = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &no_parent);
		Datum		taxonomy = catalog_spi_value(i, 3, TSREL_TAXONOMY, Anum_taxonomy_name);
		text	   *name_key = DatumGetTextPP(catalog_spi_value(i, 4, TSREL_TAXONOMY, Anum_taxonomy_name_key));
		int			k = nfound;

		/* the tags of taxonomies the user may not read are not there */
		if (taxonomy_acl_level(VARDATA_ANY(name_key), VARSIZE_ANY_EXHDR(name_key), NULL) < TAXONOMY_READ)
			continue;
		old = MemoryContextSwitchTo(callercxt);
		found[k].id = DatumGetInt64(catalog_spi_value(i, 1, TSREL_TAG, Anum_tag_id));
		found[k].parent = no_parent ? 0 : DatumGetInt64(parent);
		found[k].has_parent = !no_parent;
		/* rows come taxonomy by taxonomy: one copy of its name per run */
		found[k].taxonomy = k > 0 && same_text(DatumGetTextPP(taxonomy), found[k - 1].taxonomy)
			? found[k - 1].taxonomy : (text *) PG_DETOAST_DATUM_COPY(taxonomy);
		/* filtered by taxonomy alone, every tag of each taxonomy found is: its key is the root */
		if (whole && (k == 0 || found[k].taxonomy != found[k - 1].taxonomy))
			roots[nroots++] = tagpath_from_bytes(VARDATA_ANY(name_key), VARSIZE_ANY_EXHDR(name_key));
		MemoryContextSwitchTo(old);
		nfound++;
	}
	SPI_finish();
	qsort(found, nfound, sizeof(FoundTag), found_cmp);

	/*
	 * The roots, unless whole taxonomies are listed: the tags whose parents
	 * are not listed (the others lie in their parents' subtrees), by key.
	 * Their subtrees are counted, and each tag listed that the filters
	 * found.
	 */
	/* the tags were found through the executor, policies applied: their keys are read directly */
	tag_reader_begin(&reader, GetActiveSnapshot(), false);
	for (int i = 0; i < nfound && !whole; i++)
	{
		FoundTag	probe = {.id = found[i].parent};

		if (found[i].has_parent && bsearch(&probe, found, nfound, sizeof(FoundTag), found_cmp))
			continue;
		/* read in the statement's snapshot, so it is there (a NULL key is XX001) */
		roots[nroots] = tag_reader_key_of(&reader, found[i].id, false);
		if (roots[nroots] != NULL)
			nroots++;
	}
	tag_reader_end(&reader);
	c = tag_counts(roots, nroots, true);
	row = palloc(sizeof(Datum) * c.desc->natts);
	row_nulls = palloc(sizeof(bool) * c.desc->natts);
	for (int i = 0; i < c.n; i++)
	{
		FoundTag	probe = {.id = c.ids[i]};
		FoundTag   *f = bsearch(&probe, found, nfound, sizeof(FoundTag), found_cmp);
		Datum		values[lengthof(types)];
		bool		isnull[lengthof(types)] = {0};

		if (f == NULL)
			continue;
		heap_deform_tuple(c.rows[i], c.desc, row, row_nulls);
		for (int k = 0; k < c.desc->natts; k++)
			if (!row_nulls[k] && TupleDescAttr(c.desc, k)->attlen == -1)
				row[k] = PointerGetDatum(PG_DETOAST_DATUM_PACKED(row[k]));
		values[0] = row[Anum_tag_path - 1];
		if (row_nulls[Anum_tag_path - 1])
			catalog_null_value(TSREL_TAG, Anum_tag_path);
		values[1] = PointerGetDatum(f->taxonomy);
		for (int k = 0; k < (int) lengthof(columns); k++)
		{
			values[2 + k] = row[columns[k] - 1];
			isnull[2 + k] = row_nulls[columns[k] - 1];
			if (isnull[2 + k] && !nullable[k])
				catalog_null_value(TSREL_TAG, columns[k]);
		}
		values[10] = Int64GetDatum(c.direct[i]);
		values[11] = Int64GetDatum(c.total[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
	}
	return (Datum) 0;
}

/*
 * tagstore.tag_counts(tags tagpath[]) -> (tag_id, direct_count,
 * total_count): first a row with tag_id NULL counting the whole (the
 * taggings, and distinct entities, under all the tags), then every tag of
 * their subtrees in key order with its counts.  A tag is named by its
 * path, in any case, or a taxonomy by its name alone (all its tags); NULL
 * elements name nothing.
 */
PG_FUNCTION_INFO_V1(tagstore_tag_counts);
Datum
tagstore_tag_counts(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *elem_nulls;
	int			n;
	TagPath   **roots;
	int			nroots = 0;
	TagCounts	counts;
	Datum		values[3];
	bool		nulls[3] = {true, false, false};

	start_result(fcinfo, 0);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("tags must be a one-dimensional array")));
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
	roots = palloc(sizeof(TagPath *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		if (!elem_nulls[i])
		{
			roots[nroots] = (TagPath *) DatumGetPointer(DirectFunctionCall1(tagpath_casefold, elems[i]));
			/* a taxonomy the user may not read: its tags are not there */
			if (taxonomy_acl_key_readable(roots[nroots]))
				nroots++;
		}
	counts = tag_counts(roots, nroots, false);

	values[0] = (Datum) 0;
	values[1] = Int64GetDatum(counts.taggings);
	values[2] = Int64GetDatum(counts.entities);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	nulls[0] = false;
	for (int i = 0; i < counts.n; i++)
	{
		values[0] = Int64GetDatum(counts.ids[i]);
		values[1] = Int64GetDatum(counts.direct[i]);
		values[2] = Int64GetDatum(counts.total[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
