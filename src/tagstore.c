/*
 * tagstore.c
 *	  The module: its magic block and its settings.
 *
 * The types live in tagpath_*.c, tagquery_*.c and tagtxtquery.c (case
 * folding in casefold.c); the search engine in tagstore_search.c, its sets
 * of entity ids in idset.c and its stored closure postings in
 * tagstore_posting.c, the answer's rows in entity_rows.c, streamed in FROM
 * by the custom scan of tagstore_scan.c; tagging's fast path in
 * tagstore_write.c.  The rest of the tagging API is SQL, in
 * sql/tagstore--1.0.sql.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

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
