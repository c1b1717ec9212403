/*
 * tagstore.c
 *	  The module: its magic block, its settings and its planner hook.
 *
 * The library has two wings.  src/types/ is the type library: tagpath,
 * tagquery, tagtxtquery, their arrays, GiST, the btree planner support and
 * case folding (types/tagpath.h); it knows nothing of the engine.
 * src/engine/ is the tagging engine, layered from the bottom up:
 *
 *	catalog.c			tagstore's tables by name, columns, statements
 *	taxonomy_acl.c		the current user's privileges on each taxonomy
 *	idset.c				sets of entity ids
 *	policy_rows.c		rows read through the executor, when row-level security applies
 *	tagging_index.c		tagging_pkey read a leaf page at a time
 *	tag_reader.c		tags by key range and by id
 *	entity_rows.c		an answer's entity rows, in id order
 *	posting_*.c			closure postings (posting.h)
 *	search.c			the search itself
 *	tag_counts.c		every tag of some subtrees with its entity counts
 *	listings.c			tags(), tree(), search_tags() from those counts
 *	api.c, scan.c		its SQL functions, and their streaming in FROM
 *	write.c				the direct writes of add_tag_to and the bulk forms
 *	cascade.c			deletes cascaded by triggers (no foreign keys)
 *	upkeep.c			refreshes of the postings started by writers
 *	verify.c			tagstore.verify()'s check of the postings
 *
 * The rest of the tagging API is SQL, in sql/src/.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "engine/posting.h"
#include "engine/scan.h"

PG_MODULE_MAGIC;

/* tagstore.actor: who is acting, for revisions; empty means session_user */
static char *tagstore_actor = NULL;

void		_PG_init(void);

/* Defines the extension's settings and installs the planner hook of scan.c. */
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
	upkeep_init();
	MarkGUCPrefixReserved("tagstore");
	tagstore_scan_init();
}
