/*
 * tagstore.c
 *	  The module: its magic block, its settings, and how it opens its tables.
 *
 * The types live in tagpath_*.c, tagquery_*.c and tagtxtquery.c (case
 * folding in casefold.c); the search engine in tagstore_search.c, its sets
 * of entity ids in idset.c and its stored closure postings in
 * tagstore_posting.c, the answer's rows in entity_rows.c, streamed in FROM
 * by the custom scan of tagstore_scan.c; tagging's direct write in
 * tagstore_write.c.  The rest of the tagging API is SQL, in
 * sql/tagstore--1.0.sql.
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "utils/guc.h"
#include "utils/rel.h"

#include "tagstore.h"

PG_MODULE_MAGIC;

/* tagstore.actor: who is acting, for revisions; empty means session_user */
static char *tagstore_actor = NULL;

void		_PG_init(void);

/* Defines the extension's settings and installs the planner hook of tagstore_scan.c. */
void
_PG_init(void)
{
	DefineCustomStringVariable("tagstore.actor",
							   "The user recorded in tagstore revisions.",
							   "Applications that connect as one role set it per request "
							   "(SET LOCAL tagstore.actor = ...); when empty, session_user is recorded.",
							   &tagstore_actor,
							   "",
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	MarkGUCPrefixReserved("tagstore");
	tagstore_scan_init();
}

/*
 * Opens one of tagstore's tables or indexes by name (a string constant).
 * Searches and taggings open several per call, and a lookup by name costs
 * about a microsecond each (schema, name, invalidations), as much as the
 * search of a rare tag: so the OIDs are kept for the session, and checked
 * once opened, for the extension may have been dropped and created again.
 */
Relation
tagstore_relation_open(const char *name, LOCKMODE lock)
{
	static struct
	{
		const char *name;
		Oid			relid;
		Oid			namespace;
	}			known[16];
	static int	nknown = 0;
	int			i;
	Relation	rel;

	for (i = 0; i < nknown && strcmp(known[i].name, name) != 0; i++)
		;
	if (i < nknown)
	{
		rel = try_relation_open(known[i].relid, lock);
		if (rel != NULL && RelationGetNamespace(rel) == known[i].namespace &&
			strcmp(RelationGetRelationName(rel), name) == 0)
			return rel;
		if (rel != NULL)
			relation_close(rel, lock);
	}
	rel = relation_open(RangeVarGetRelid(makeRangeVar("tagstore", (char *) name, -1), lock, false), NoLock);
	if (i == nknown && nknown < (int) lengthof(known))
		known[nknown++].name = name;
	if (i < nknown)
	{
		known[i].relid = RelationGetRelid(rel);
		known[i].namespace = RelationGetNamespace(rel);
	}
	return rel;
}
