/*
 * taxonomy_acl.h
 *	  Per-taxonomy privileges: the current user's level on each taxonomy,
 *	  cached for the session (taxonomy_acl.c).
 */
#ifndef TAGSTORE_TAXONOMY_ACL_H
#define TAGSTORE_TAXONOMY_ACL_H

#include "postgres.h"

#include "types/tagpath.h"

/* The levels, each allowing what the ones below it allow. */
typedef enum TaxonomyLevel
{
	TAXONOMY_NONE = 0,
	TAXONOMY_READ,				/* its tags and taggings */
	TAXONOMY_TAG,				/* add, remove and set taggings */
	TAXONOMY_EDIT,				/* add, rename, move and remove tags */
	TAXONOMY_ADMIN				/* grant, rename and drop the taxonomy */
} TaxonomyLevel;

extern TaxonomyLevel taxonomy_acl_level(const char *name_key, int len, bool *exists);
extern TaxonomyLevel taxonomy_acl_key_level(const TagPath *key);
extern bool taxonomy_acl_key_readable(const TagPath *key);
extern bool taxonomy_acl_sees_all(void);
extern void taxonomy_acl_refuse(const char *taxonomy, TaxonomyLevel needed) pg_attribute_noreturn();
extern const char *taxonomy_level_name(TaxonomyLevel level);

#endif							/* TAGSTORE_TAXONOMY_ACL_H */
