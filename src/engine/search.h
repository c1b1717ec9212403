/*
 * search.h
 *	  Entity search that expands tag hierarchies (search.c): the engine
 *	  behind entities_with_all/any and their counts.
 */
#ifndef TAGSTORE_SEARCH_H
#define TAGSTORE_SEARCH_H

#include "postgres.h"

#include "utils/array.h"

#include "types/tagpath.h"
#include "entity_rows.h"
#include "idset.h"

/*
 * The arguments of entities_with_all/any and count_entities_with_all/any,
 * in the order of their SQL signature (sql/src/): the one place besides
 * the install script that knows it.
 */
typedef enum SearchArg
{
	SEARCH_ARG_TAGS,			/* tagpath[] */
	SEARCH_ARG_ENTITY_TYPE,		/* text, or NULL */
	SEARCH_ARG_EXTERNAL_ID_PREFIX,	/* text, or NULL */
	SEARCH_ARG_DESCENDANTS,		/* boolean */
	SEARCH_ARG_EXCLUDE,			/* tagpath[], or NULL */
	SEARCH_NARGS
} SearchArg;

/* One search: what the SQL functions and the streaming scan ask for. */
typedef struct SearchRequest
{
	ArrayType  *tags;			/* the query tags */
	bool		match_all;		/* all of them, or any */
	bool		descendants;	/* a tag stands for its subtree */
	ArrayType  *exclude;		/* tags whose subtrees' entities are left out, or NULL */
	Datum		data_filter;	/* jsonb the tags' tagging data must contain, or 0 */
	text	   *entity_type;	/* filters of the answer's rows, or NULL */
	text	   *prefix;
} SearchRequest;

extern void search_require(bool isnull, const char *argname);
extern void search_request_from_args(SearchRequest *req, const Datum *args, const bool *nulls,
									 bool match_all);
extern IdSet search_entity_ids(const SearchRequest *req);
extern EntityRows *search_entity_rows(const SearchRequest *req);
extern IdSet search_subtree_entities(TagPath *tag);

#endif							/* TAGSTORE_SEARCH_H */
