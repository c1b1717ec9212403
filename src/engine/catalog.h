/*
 * catalog.h
 *	  tagstore's tables as the engine sees them: which relations, which
 *	  columns at which numbers, the statements it runs on them.
 *
 * catalog.c is the one file that knows the names of tagstore's tables,
 * indexes and columns (the install script, sql/src/, creates them).  Every
 * other file of the engine names a relation by a TagstoreRel, a column by
 * an Anum_ constant (as core's catalog headers do), and a statement by a
 * TagstoreQuery.  The columns the engine reads or writes by number are
 * checked against pg_attribute, and the indexes it reads directly against
 * pg_index, whenever the relations are looked up.
 */
#ifndef TAGSTORE_CATALOG_H
#define TAGSTORE_CATALOG_H

#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "utils/relcache.h"
#include "utils/snapshot.h"

/* The relations of the schema tagstore that the engine reads or writes. */
typedef enum TagstoreRel
{
	TSREL_TAXONOMY,
	TSREL_TAG,
	TSREL_TAG_PKEY,				/* (id) */
	TSREL_TAG_KEY,				/* (key): a subtree is a key range */
	TSREL_TAG_TOMBSTONE,
	TSREL_ENTITY,
	TSREL_ENTITY_PKEY,			/* (id) */
	TSREL_ENTITY_NAME,			/* (entity_type, external_id) */
	TSREL_TAGGING,
	TSREL_TAGGING_PKEY,			/* (tag_id, entity_id) */
	TSREL_TAGGING_ENTITY_IDX,	/* (entity_id) */
	TSREL_TAGGING_REVISION,
	TSREL_TAGGING_REVISION_PKEY,	/* (tag_id, entity_id, revision) */
	TSREL_POSTED_TAG,
	TSREL_POSTED_TAG_PKEY,		/* (tag_id) */
	TSREL_POSTING,
	TSREL_POSTING_CHANGE,
	TSREL_TAXONOMY_GRANT,		/* missing in a database still at 1.0 */
	TSREL_TAGGING_COUNT,		/* missing in a database still at 1.0 */
	TSREL_POSTING_SETTING,		/* missing in a database still at 1.0 */
	TSREL_COUNT
} TagstoreRel;

/* tagstore.taxonomy */
#define Anum_taxonomy_name			2
#define Anum_taxonomy_name_key		3

/* tagstore.tag: the listings (listings.c) read the rest */
#define Anum_tag_id					1
#define Anum_tag_parent_id			3
#define Anum_tag_value				4
#define Anum_tag_path				5
#define Anum_tag_key				6	/* case-folded path, taxonomy first */
#define Anum_tag_external_id		7
#define Anum_tag_description		8
#define Anum_tag_category			9
#define Anum_tag_originator			10
#define Anum_tag_revision			11
#define Anum_tag_created_at			14
#define Anum_tag_updated_at			15

/* tagstore.entity */
#define Anum_entity_id				1
#define Anum_entity_entity_type		2
#define Anum_entity_external_id		3

/* tagstore.tagging: the direct write fills every column */
#define Anum_tagging_tag_id			1
#define Anum_tagging_entity_id		2
#define Anum_tagging_data			3
#define Anum_tagging_revision		4
#define Anum_tagging_operation		5
#define Anum_tagging_tagged_by		6
#define Anum_tagging_tagged_at		7
#define Natts_tagging				7

/* tagstore.tagging_revision */
#define Anum_tagging_revision_tag_id	1
#define Anum_tagging_revision_entity_id	2
#define Anum_tagging_revision_revision	3
#define Anum_tagging_revision_operation	4
#define Anum_tagging_revision_actor		5
#define Anum_tagging_revision_at		6
#define Anum_tagging_revision_state		7
#define Natts_tagging_revision			7

/* tagstore.posted_tag */
#define Anum_posted_tag_tag_id		1
#define Anum_posted_tag_stale		2
#define Anum_posted_tag_entities	3

/* tagstore.tagging_count */
#define Anum_tagging_count_tag_id	1
#define Anum_tagging_count_taggings	2

/* tagstore.posting_setting */
#define Anum_posting_setting_min_taggings	1

/* tagstore.posting */
#define Anum_posting_tag_id			1
#define Anum_posting_chunk			2
#define Anum_posting_members		3

/* tagstore.posting_change */
#define Anum_posting_change_tag_id		1
#define Anum_posting_change_entity_id	2
#define Natts_posting_change			2

/* The trigger on tagging that logs changes for the postings. */
#define TAGGING_CHANGED_TRIGGER		"tagging_changed"

/* The name of the deleted rows in the cascades' statements (REFERENCING OLD TABLE AS). */
#define CASCADE_TRANSITION_TABLE	"deleted"

/* The statements the engine runs through SPI, each prepared once a session. */
typedef enum TagstoreQuery
{
	/* search.c */
	TSQ_TAGGINGS_WITH_DATA,		/* entities of a tag id range whose data contains $3 */
	/* policy_rows.c: the readers' statements when row-level security applies */
	TSQ_POLICY_TAGS,			/* tags (whole rows) with keys in [$1, $2), in key order */
	TSQ_POLICY_TAG,				/* the tag (whole row) with key $1 */
	TSQ_POLICY_TAG_BY_ID,		/* the tag (whole row) with id $1 */
	TSQ_POLICY_TAGGINGS,		/* (tag_id, entity_id) from ($1, $2) to ($3, $4), in key order */
	TSQ_POLICY_TAGGINGS_WITH_DATA,	/* TSQ_TAGGINGS_WITH_DATA, of visible entities */
	/* posting_format.c */
	TSQ_POSTING_CHUNKS,			/* the chunks of a posting, in order */
	TSQ_POSTING_DELETE,
	TSQ_POSTING_INSERT,
	TSQ_POSTED_FRESH,			/* a posting written: not stale, its size */
	/* posting_refresh.c and posting_choice.c */
	TSQ_LOCK_TAG,
	TSQ_LOCK_POSTED_TAG,
	TSQ_CHANGES_ALL,			/* the change rows' ctids and their count */
	TSQ_CHANGES_AT,				/* the changes at those ctids, by entity */
	TSQ_CHANGES_DELETE,
	TSQ_TAG_TREE,				/* every tag: id, parent, fresh posting, posted; by id */
	TSQ_TAG_TREE_COUNTED,		/* the same, and tagging_count's count */
	TSQ_POSTING_CLEAR,
	TSQ_POSTED_CLEAR,
	TSQ_POSTED_ADD,
	TSQ_POSTED_REMOVE,
	TSQ_TAGGING_COUNTS,			/* taggings per tag, counted */
	TSQ_TAGGING_COUNTS_OF,		/* taggings of each of the tags given, counted */
	TSQ_COUNTS_CLEAR,
	TSQ_COUNTS_FORGET,
	TSQ_COUNTS_SET,
	TSQ_MIN_TAGGINGS,			/* the threshold last given, if any */
	TSQ_MIN_TAGGINGS_SET,
	TSQ_TAGGINGS_OF_ENTITIES,
	TSQ_STALE_POSTED,			/* stale posted tags with their keys, deepest first */
	/* write.c */
	TSQ_ENTITY_ADD,
	TSQ_ADD_TAG_TO_BY_KEY,		/* the full tagging: the bulk add_tag_to, one entity */
	TSQ_ADD_TAG_TO_BY_ID,
	TSQ_ADD_TAG_TO_BY_KEY_1_0,	/* the same in a database still at 1.0 */
	TSQ_ADD_TAG_TO_BY_ID_1_0,
	/* api.c */
	TSQ_SEARCH_TAGS,			/* search_tags' tags: id, parent_id, taxonomy name and key */
	TSQ_TAXONOMY_BY_NAME,		/* a taxonomy's name and name_key, by name in any case */
	/* taxonomy_acl.c */
	TSQ_TAXONOMY_LEVELS,		/* each taxonomy's name_key and the current user's level on it */
	TSQ_OWNS_EXTENSION,			/* is the current user a member of the extension's owner */
	/* verify.c */
	TSQ_VERIFY_POSTED,			/* every posted tag: id, stale, entities, by id */
	TSQ_VERIFY_CHUNKS,			/* every posting row, by (tag_id, chunk) */
	TSQ_VERIFY_TAGS,			/* every tag with a key, in key order, and its posting's freshness */
	/* cascade.c: the rows that reference the rows of the transition table "deleted" */
	TSQ_CASCADE_TAXONOMY_TAGS,
	TSQ_CASCADE_TAXONOMY_TOMBSTONES,
	TSQ_CASCADE_TAG_SUBTREES,	/* the deleted tags' descendants, whatever their depth */
	TSQ_CASCADE_TAG_TAGGINGS,
	TSQ_CASCADE_TAG_POSTED,
	TSQ_CASCADE_ENTITY_TAGGINGS,
	TSQ_CASCADE_POSTED_POSTINGS,
	TSQ_CASCADE_TAXONOMY_GRANTS,
	TSQ_COUNT
} TagstoreQuery;

extern Relation catalog_open(TagstoreRel rel, LOCKMODE lock);
extern Relation catalog_open_readable(TagstoreRel rel);
extern bool catalog_policies_apply(void);
extern void catalog_refuse_policies(const char *reader);
extern const char *catalog_relname(TagstoreRel rel);
extern Oid	catalog_relid(TagstoreRel rel);
extern Oid	catalog_tagpath_type(void);
extern bool catalog_is_1_0(void);
extern RegProcedure catalog_key_proc(int16 strategy);
extern SPIPlanPtr catalog_plan(TagstoreQuery query);
extern void catalog_execute(TagstoreQuery query, Datum *args, const char *nulls,
							bool read_only, long count);
extern void catalog_execute_latest(TagstoreQuery query);
extern void catalog_execute_once(TagstoreQuery query, Snapshot snapshot, Snapshot crosscheck);
extern void catalog_check_function(Oid funcid);

/*
 * Values read from tagstore's tables.  The install script declares NOT NULL
 * every column the engine needs a value of, but a constraint can be dropped:
 * a NULL read where a value is needed is reported (XX001, naming the table
 * and column) rather than read as a value.  The column is named by its
 * table and Anum_ constant; for a statement's result (SPI), by the column
 * it was read from.
 */
extern void catalog_null_value(TagstoreRel rel, AttrNumber attnum) pg_attribute_noreturn();

/* Column attnum of rel, from a slot holding one of its rows. */
static inline Datum
catalog_slot_value(TupleTableSlot *slot, TagstoreRel rel, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, attnum, &isnull);

	if (unlikely(isnull))
		catalog_null_value(rel, attnum);
	return d;
}

/* Column attnum of rel, from one of its rows. */
static inline Datum
catalog_heap_value(HeapTuple tuple, TupleDesc desc, TagstoreRel rel, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

	if (unlikely(isnull))
		catalog_null_value(rel, attnum);
	return d;
}

/* Column col of row i of the last SPI result, read from column attnum of rel. */
static inline Datum
catalog_spi_value(uint64 i, int col, TagstoreRel rel, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col, &isnull);

	if (unlikely(isnull))
		catalog_null_value(rel, attnum);
	return d;
}

/*
 * The rows of a table whose bigint key (the first column of one of its
 * indexes) equals an id: the index is opened by the first lookup.
 */
typedef struct IdLookup
{
	MemoryContext cxt;			/* where the scan lives */
	Relation	heap;
	TagstoreRel index_rel;
	Snapshot	snapshot;
	Relation	index;			/* NULL until the first lookup */
	IndexScanDesc scan;
	TupleTableSlot *slot;		/* the current row */
} IdLookup;

extern void id_lookup_init(IdLookup *l, Relation heap, TagstoreRel index, Snapshot snapshot);
extern void id_lookup(IdLookup *l, int64 id);
extern bool id_lookup_next(IdLookup *l);
extern void id_lookup_end(IdLookup *l);

#endif							/* TAGSTORE_CATALOG_H */
