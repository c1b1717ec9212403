/*
 * verify.c
 *	  tagstore._verify_postings(): every closure posting checked against
 *	  the taggings, for tagstore.verify() (sql/src/17_verify.sql).
 *
 * A posting is a cache of the taggings (posting.h), and nothing on the
 * write path reads it back: a DELETE FROM posting_change, a TRUNCATE of
 * posting, a tagging inserted with the trigger disabled or damaged chunk
 * bytes make searches of the tags above them silently wrong.  This reads,
 * in the caller's snapshot and without writing anything:
 *
 *	1. every stored chunk, in one pass over posting in (tag_id, chunk)
 *	   order: each must decode (members not NULL, its number in range, its
 *	   size a bitmap's or a list's; posting_format.c), none may be stored
 *	   twice, and each must belong to a posted tag;
 *	2. every tag, in one pass in key order, gathering the entities tagged
 *	   in the subtree of each fresh posted tag; when the pass leaves the
 *	   subtree, the posting as a search reads it (stored, then corrected by
 *	   the pending changes visible now, posting_read.c) must hold exactly
 *	   those entities, and posted_tag.entities must be the number stored;
 *	3. the stored number of every stale posted tag (stale postings are not
 *	   read, so only their count is checked).
 *
 * The pass of step 2: tags come in key order, so a subtree is a run of
 * consecutive tags, each after its ancestors.  The fresh posted tags whose
 * subtree the pass is in form a stack; each tag's taggings (one range of
 * tagging_pkey) are added to the set of the tag on top, and a tag leaves
 * the stack, and is checked, at the first tag outside its subtree, handing
 * its entities to the tag below it.  So every tagging is read once, each
 * posting is loaded once, an entity is held by one set at a time, and the
 * work is the taggings times the posted tags above them (what a rebuild
 * of the postings costs), with no search per posted tag.
 *
 * Example: Biology.animal posted as {1, 7} and its child
 * Biology.animal.mammal posted as {7}; entity 9 tagged with mammal by an
 * INSERT with the trigger disabled (no change row).  In key order: animal
 * (pushed; its taggings: 1), mammal (pushed; its taggings: 7 and 9),
 * plant (outside both: mammal popped, {7, 9} against {7}: 9 is missing,
 * and animal takes {7, 9}; animal popped, {1, 7, 9} against {1, 7}: 9 is
 * missing).  Had the trigger logged (mammal, 9), both postings would read
 * as holding 9.
 *
 * Problems are rows (tag_id, problem, detail); tagstore.verify() adds the
 * tags' paths and its own checks.  NULLs in posting_change and NULL tag
 * keys are left to those checks here (they would be XX001 in a search).
 */
#include "postgres.h"

#include "access/table.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "catalog.h"
#include "posting.h"
#include "tag_reader.h"
#include "tagging_index.h"

/* how many ids a problem's detail shows */
#define EXAMPLES 5

/* rows fetched from a statement's cursor at a time */
#define BATCH 1000

/* A posted tag as posted_tag holds it. */
typedef struct Posted
{
	int64		tag_id;
	bool		stale;			/* NULL counts as stale (verify() reports it) */
	bool		has_entities;	/* entities is not NULL */
	int64		entities;
	bool		damaged;		/* a chunk does not decode: its content is not checked */
	bool		checked;		/* its count was checked */
} Posted;

/*
 * A fresh posted tag whose subtree the pass is in, with the entities found
 * under it so far: those of its taggings and of the tags under it read
 * since, but not those of the posted tags under it, which it takes when
 * they are checked.
 */
typedef struct Open
{
	Posted	   *posted;
	TagPath    *key;
	IdSet		found;			/* an array, with duplicates until checked */
	int			cap;
} Open;

typedef struct Verifier
{
	ReturnSetInfo *rsinfo;
	Snapshot	snapshot;
	MemoryContext cxt;			/* the function's: the sets of open tags */
	MemoryContext each;			/* reset after each posted tag is checked */
	int			nposted;
	Posted	   *posted;			/* sorted by tag_id */
	TagReader	tags;
	Relation	tagging;
	Relation	tagging_pkey;
	TaggingCursor *taggings;
	PendingChanges *pending;
} Verifier;

/* Adds a problem row. */
static void
report(Verifier *v, bool has_tag, int64 tag_id, const char *problem, const char *detail)
{
	Datum		values[3] = {Int64GetDatum(tag_id), CStringGetTextDatum(problem),
	CStringGetTextDatum(detail)};
	bool		nulls[3] = {!has_tag, false, false};

	tuplestore_putvalues(v->rsinfo->setResult, v->rsinfo->setDesc, values, nulls);
}

/* "1 entity", "2 entities". */
static const char *
count_of(int64 n, const char *one, const char *many)
{
	return psprintf(INT64_FORMAT " %s", n, n == 1 ? one : many);
}

/* The posted tag with an id, or NULL. */
static Posted *
find_posted(Verifier *v, int64 tag_id)
{
	int			lo = 0,
				hi = v->nposted - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (v->posted[mid].tag_id == tag_id)
			return &v->posted[mid];
		if (v->posted[mid].tag_id < tag_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Reads posted_tag. */
static void
load_posted(Verifier *v)
{
	catalog_execute(TSQ_VERIFY_POSTED, NULL, NULL, true, 0);
	v->nposted = (int) SPI_processed;
	v->posted = MemoryContextAllocZero(v->cxt, sizeof(Posted) * Max(v->nposted, 1));
	for (int i = 0; i < v->nposted; i++)
	{
		Posted	   *p = &v->posted[i];
		bool		isnull;
		Datum		d;

		p->tag_id = DatumGetInt64(catalog_spi_value(i, 1, TSREL_POSTED_TAG, Anum_posted_tag_tag_id));
		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		p->stale = isnull || DatumGetBool(d);
		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull);
		p->has_entities = !isnull;
		p->entities = isnull ? 0 : DatumGetInt64(d);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* The problems of one tag id's run of posting rows, counted by check_chunks. */
typedef struct ChunkRun
{
	int64		tag_id;
	int64		rows;
	int64		damaged;
	char	   *first_damage;
	int64		duplicates;
	int64		first_duplicate;
} ChunkRun;

/* Reports the problems of a run of posting rows. */
static void
end_run(Verifier *v, ChunkRun *run)
{
	Posted	   *p;

	if (run->rows == 0)
		return;
	p = find_posted(v, run->tag_id);
	if (p == NULL)
		report(v, true, run->tag_id, "posting_orphan",
			   psprintf("%s of a tag id that tagstore.posted_tag does not hold",
						count_of(run->rows, "posting row", "posting rows")));
	if (run->damaged > 0)
	{
		report(v, true, run->tag_id, "posting_chunk_damaged",
			   psprintf("%s cannot be decoded (%s)",
						count_of(run->damaged, "chunk", "chunks"), run->first_damage));
		if (p)
			p->damaged = true;
	}
	if (run->duplicates > 0)
		report(v, true, run->tag_id, "posting_chunk_duplicate",
			   psprintf("%s stored more than once (chunk " INT64_FORMAT ")",
						count_of(run->duplicates, "chunk is", "chunks are"), run->first_duplicate));
}

/* Step 1: every posting row, in (tag_id, chunk) order. */
static void
check_chunks(Verifier *v)
{
	Portal		portal = SPI_cursor_open(NULL, catalog_plan(TSQ_VERIFY_CHUNKS), NULL, NULL, true);
	ChunkRun	run = {0};
	int64		last_chunk = 0;

	for (;;)
	{
		SPI_cursor_fetch(portal, true, BATCH);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			int64		tag_id = DatumGetInt64(catalog_spi_value(i, 1, TSREL_POSTING,
																 Anum_posting_tag_id));
			int64		chunk = DatumGetInt64(catalog_spi_value(i, 2, TSREL_POSTING,
																Anum_posting_chunk));
			bool		isnull;
			Datum		members = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3,
												&isnull);
			const char *problem;

			if (run.rows == 0 || tag_id != run.tag_id)
			{
				end_run(v, &run);
				memset(&run, 0, sizeof(run));
				run.tag_id = tag_id;
			}
			else if (chunk == last_chunk && run.duplicates++ == 0)
				run.first_duplicate = chunk;
			run.rows++;
			last_chunk = chunk;
			if (!posting_chunk_in_range(chunk))
				problem = psprintf("chunk number " INT64_FORMAT " is out of range", chunk);
			else if (isnull)
				problem = psprintf("chunk " INT64_FORMAT ": members is NULL", chunk);
			else if (posting_chunk_problem(chunk, VARSIZE_ANY_EXHDR(DatumGetPointer(members))))
				problem = psprintf("chunk " INT64_FORMAT ": %s, neither a list nor a bitmap", chunk,
								   posting_chunk_problem(chunk, VARSIZE_ANY_EXHDR(DatumGetPointer(members))));
			else
				problem = NULL;
			if (problem && run.damaged++ == 0)
				run.first_damage = MemoryContextStrdup(v->cxt, problem);
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	end_run(v, &run);
	SPI_cursor_close(portal);
}

/* Checks posted_tag.entities against the posting as stored. */
static void
check_count(Verifier *v, Posted *p, int64 stored)
{
	p->checked = true;
	if (p->has_entities && p->entities == stored)
		return;
	if (!p->has_entities && p->stale)
		return;					/* chosen, never built: not read, nothing to count */
	report(v, true, p->tag_id, "posting_count",
		   psprintf("tagstore.posted_tag.entities is %s; the stored posting holds %s",
					p->has_entities ? psprintf(INT64_FORMAT, p->entities) : "NULL",
					count_of(stored, "entity", "entities")));
}

/*
 * Reports the ids of a that b lacks (both sorted), if any: what is the
 * detail's format, of the number of entities and a few of their ids.
 */
pg_attribute_printf(6, 0)
static void
report_difference(Verifier *v, int64 tag_id, const IdSet *a, const IdSet *b,
				  const char *problem, const char *what)
{
	StringInfoData ids;
	int64		n = 0;

	initStringInfo(&ids);
	for (int i = 0, j = 0; i < a->n; i++)
	{
		while (j < b->n && b->ids[j] < a->ids[i])
			j++;
		if (j < b->n && b->ids[j] == a->ids[i])
			continue;
		if (n < EXAMPLES)
			appendStringInfo(&ids, "%s" INT64_FORMAT, n > 0 ? ", " : "", a->ids[i]);
		else if (n == EXAMPLES)
			appendStringInfoString(&ids, ", ...");
		n++;
	}
	if (n > 0)
		report(v, true, tag_id, problem,
			   psprintf(what, count_of(n, "entity", "entities"), n == 1 ? "id" : "ids", ids.data));
}

/*
 * Checks a fresh posted tag leaving the pass: its posting as a search reads
 * it, and its count.  Then the posted tag above it, if any, takes its
 * entities.
 */
static void
check_open(Verifier *v, Open *o, Open *above)
{
	MemoryContext old = MemoryContextSwitchTo(v->each);
	IdSet		read = posting_load(o->posted->tag_id, true);

	check_count(v, o->posted, read.n);
	pending_apply(&read, o->key, v->pending);
	idset_flatten(&read);
	MemoryContextSwitchTo(v->cxt);
	idset_normalize(&o->found);
	MemoryContextSwitchTo(v->each);
	report_difference(v, o->posted->tag_id, &o->found, &read, "posting_missing",
					  "its posting lacks %s tagged under the tag (%s %s)");
	report_difference(v, o->posted->tag_id, &read, &o->found, "posting_extra",
					  "its posting holds %s not tagged under the tag (%s %s)");
	MemoryContextSwitchTo(old);
	MemoryContextReset(v->each);
	if (above)
	{
		if (above->found.n + o->found.n > above->cap)
		{
			if ((Size) (above->found.n + o->found.n) * 2 > MaxAllocSize / sizeof(int64))
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("too many entities under one posted tag to verify")));
			above->cap = (above->found.n + o->found.n) * 2;
			above->found.ids = repalloc(above->found.ids, sizeof(int64) * above->cap);
		}
		memcpy(above->found.ids + above->found.n, o->found.ids, sizeof(int64) * o->found.n);
		above->found.n += o->found.n;
	}
	pfree(o->found.ids);
	pfree(o->key);
}

/*
 * Step 2: the tags in key order, the fresh posted ones among them checked
 * against the taggings of their subtrees.
 */
static void
check_subtrees(Verifier *v)
{
	Portal		portal = SPI_cursor_open(NULL, catalog_plan(TSQ_VERIFY_TAGS), NULL, NULL, true);
	Open	   *stack = NULL;
	int			depth = 0,
				cap = 0;

	for (;;)
	{
		int			n;
		int64	   *ids;
		TagPath   **keys;
		bool	   *fresh;

		/* a batch copied out: checking runs statements of its own */
		SPI_cursor_fetch(portal, true, BATCH);
		n = (int) SPI_processed;
		if (n == 0)
			break;
		ids = MemoryContextAlloc(v->cxt, sizeof(int64) * n);
		keys = MemoryContextAlloc(v->cxt, sizeof(TagPath *) * n);
		fresh = MemoryContextAlloc(v->cxt, sizeof(bool) * n);
		for (int i = 0; i < n; i++)
		{
			bool		isnull;
			MemoryContext old = MemoryContextSwitchTo(v->cxt);

			ids[i] = DatumGetInt64(catalog_spi_value(i, 1, TSREL_TAG, Anum_tag_id));
			keys[i] = DatumGetTagPathP(datumCopy(catalog_spi_value(i, 2, TSREL_TAG, Anum_tag_key),
												 false, -1));
			fresh[i] = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3,
												  &isnull));
			MemoryContextSwitchTo(old);
		}
		SPI_freetuptable(SPI_tuptable);

		for (int i = 0; i < n; i++)
		{
			Posted	   *p = fresh[i] ? find_posted(v, ids[i]) : NULL;
			int64		tag,
						entity;

			CHECK_FOR_INTERRUPTS();
			while (depth > 0 && !tagpath_is_ancestor(stack[depth - 1].key, keys[i]))
			{
				depth--;
				check_open(v, &stack[depth], depth > 0 ? &stack[depth - 1] : NULL);
			}
			if (p && !p->damaged)
			{
				if (depth == cap)
				{
					cap = Max(cap * 2, 8);
					stack = stack ? repalloc(stack, sizeof(Open) * cap) :
						MemoryContextAlloc(v->cxt, sizeof(Open) * cap);
				}
				stack[depth].posted = p;
				stack[depth].key = keys[i];
				stack[depth].cap = 64;
				memset(&stack[depth].found, 0, sizeof(IdSet));
				stack[depth].found.ids = MemoryContextAlloc(v->cxt, sizeof(int64) * 64);
				depth++;
			}
			else
				pfree(keys[i]);
			if (depth == 0)
				continue;
			/* the tag's taggings, into the set of the nearest open posted tag */
			tagging_cursor_seek(v->taggings, ids[i], false, 0, ids[i], false, 0);
			while (tagging_cursor_next(v->taggings, &tag, &entity))
				idset_append(&stack[depth - 1].found, &stack[depth - 1].cap, entity);
		}
		pfree(ids);
		pfree(keys);
		pfree(fresh);
	}
	while (depth > 0)
	{
		depth--;
		check_open(v, &stack[depth], depth > 0 ? &stack[depth - 1] : NULL);
	}
	SPI_cursor_close(portal);
}

/* Step 3: the count of every posted tag not checked above (stale ones), if it decodes. */
static void
check_stale_counts(Verifier *v)
{
	for (int i = 0; i < v->nposted; i++)
	{
		Posted	   *p = &v->posted[i];
		MemoryContext old;

		if (p->checked || p->damaged)
			continue;
		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(v->each);
		check_count(v, p, posting_load(p->tag_id, true).n);
		MemoryContextSwitchTo(old);
		MemoryContextReset(v->each);
	}
}

/*
 * tagstore._verify_postings() -> setof (tag_id bigint, problem text, detail
 * text): the closure postings' problems (see the header comment), for
 * tagstore.verify().  Reads only.
 */
PG_FUNCTION_INFO_V1(tagstore_verify_postings);
Datum
tagstore_verify_postings(PG_FUNCTION_ARGS)
{
	Verifier	v = {0};
	MemoryContext callercxt;

	catalog_check_function(fcinfo->flinfo->fn_oid);
	InitMaterializedSRF(fcinfo, 0);
	v.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	callercxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	v.cxt = AllocSetContextCreate(callercxt, "tagstore verify", ALLOCSET_DEFAULT_SIZES);
	v.each = AllocSetContextCreate(v.cxt, "tagstore verify posting", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(v.cxt);
	v.snapshot = GetActiveSnapshot();

	/* what a search opens (search.c), for the taggings and the pending changes: every row */
	catalog_refuse_policies("tagstore.verify()");
	v.tagging = catalog_open_readable(TSREL_TAGGING);
	v.tagging_pkey = catalog_open(TSREL_TAGGING_PKEY, AccessShareLock);
	v.taggings = tagging_cursor_begin(v.tagging, v.tagging_pkey, v.snapshot, false);
	tag_reader_begin(&v.tags, v.snapshot, false);
	v.pending = pending_begin(&v.tags, v.tagging, v.tagging_pkey, v.snapshot);
	pending_skip_nulls(v.pending);

	load_posted(&v);
	MemoryContextSwitchTo(v.cxt);
	check_chunks(&v);
	MemoryContextSwitchTo(v.cxt);
	check_subtrees(&v);
	MemoryContextSwitchTo(v.cxt);
	check_stale_counts(&v);

	pending_end(v.pending);
	tag_reader_end(&v.tags);
	tagging_cursor_end(v.taggings);
	index_close(v.tagging_pkey, AccessShareLock);
	table_close(v.tagging, AccessShareLock);
	MemoryContextSwitchTo(callercxt);
	MemoryContextDelete(v.cxt);
	SPI_finish();
	return (Datum) 0;
}
