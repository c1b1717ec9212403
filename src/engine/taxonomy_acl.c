/*
 * taxonomy_acl.c
 *	  Per-taxonomy privileges: the current user's level on each taxonomy,
 *	  computed once and kept for the session; tagstore.has_taxonomy_privilege();
 *	  the trigger that tells sessions the privileges changed.
 *
 * The levels nest: read (see the taxonomy's tags and taggings) < tag (add,
 * remove and set taggings) < edit (add, rename, move and remove tags) <
 * admin (grant, rename and drop the taxonomy).  tagstore.taxonomy_grant
 * holds one level per (taxonomy, grantee); grantee 0 is PUBLIC.  A user's
 * level on a taxonomy is:
 *
 *	- admin, if it is a superuser or has the privileges of the extension's
 *	  owner (pg_has_role(owner, 'USAGE')): they see and may do everything;
 *	- else the highest level granted to PUBLIC or to a role whose
 *	  privileges it has (USAGE: membership with INHERIT); none if none.
 *
 * A database still at version 1.0 has no taxonomy_grant: everyone is admin
 * there, as in 1.0.
 *
 * The SQL API checks a privilege with tagstore.has_taxonomy_privilege()
 * (sql/src/08_helpers.sql says why a documented function); the C engine
 * asks taxonomy_acl_level() by a taxonomy's name_key, which is the first
 * label of each of its tags' keys, so that a search tests a tag's
 * taxonomy without reading the taxonomy table.
 *
 * The cache.  One statement (TSQ_TAXONOMY_LEVELS) gives every taxonomy's
 * name_key with the user's level, sorted; lookups are binary searches.  It
 * is run in the latest snapshot, as the catalogs are read: privileges are
 * what is committed now (and what this transaction wrote), whatever the
 * transaction's snapshot.  The cache is for one user (GetUserId()): SET
 * ROLE, a SECURITY DEFINER function or a change of session user makes the
 * next lookup compute it again.  It is dropped when:
 *
 *	- taxonomy or taxonomy_grant changes: a statement trigger on both
 *	  (tagstore._taxonomy_acl_changed, below) sends a relcache invalidation
 *	  of taxonomy_grant, which this and every other session receive (at
 *	  the end of the command here, at commit elsewhere; an abort replays it
 *	  here too);
 *	- a role, or a role's memberships, change (syscache callbacks on
 *	  pg_authid and pg_auth_members).
 *
 * An invalidation that arrives while the cache is computed leaves it
 * stale, used for the one lookup, computed again at the next.  A taxonomy
 * not in the cache makes it computed again, once per transaction: it may
 * have been created since, by a transaction whose invalidation this
 * session has not read yet.
 *
 * Example: alice, a member of editors, calls entities_with_all('{Biology.animal,
 * sizes.large}').  The first lookup of the session runs the statement:
 * (biology, 3), (colours, 0), (sizes, 1), granted edit to editors on
 * Biology and read to PUBLIC on sizes.  The search folds each tag, takes
 * the first label of its key (biology, sizes), finds both readable, and
 * searches as before.  Had sizes been level 0, sizes.large would match
 * nothing, as a tag that does not exist.
 *
 * Limits: a search pays a binary search per query tag; computing the cache
 * costs a statement over all taxonomies and grants, once per session and
 * change.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "catalog.h"
#include "taxonomy_acl.h"

/* One taxonomy: its name_key (NUL-terminated) and the user's level. */
typedef struct TaxonomyEntry
{
	char	   *key;
	int			len;
	TaxonomyLevel level;
} TaxonomyEntry;

/* The session's cache, for one user. */
static struct
{
	bool		valid;			/* cleared by invalidations */
	uint64		invalidations;	/* how many have arrived */
	bool		callbacks;		/* are the invalidation callbacks registered */
	Oid			userid;			/* whose levels */
	LocalTransactionId lxid;	/* the transaction that computed them */
	Oid			grant_relid;	/* taxonomy_grant when computed */
	bool		all;			/* superuser, extension's owner, or a 1.0 database */
	MemoryContext cxt;
	TaxonomyEntry *entries;		/* sorted by key, bytewise */
	int			n;
}			acl;

static const char *const level_names[] = {"none", "read", "tag", "edit", "admin"};

/* A level's name, as the SQL API spells it. */
const char *
taxonomy_level_name(TaxonomyLevel level)
{
	return level_names[level];
}

/*
 * A relation changed: stale if it is taxonomy_grant (or all are
 * invalidated, or there was no taxonomy_grant: an update from 1.0 may
 * have made it).
 */
static void
acl_relation_changed(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == acl.grant_relid || !OidIsValid(acl.grant_relid))
	{
		acl.valid = false;
		acl.invalidations++;
	}
}

/* A role or a membership changed. */
static void
acl_role_changed(Datum arg, int cacheid, uint32 hashvalue)
{
	acl.valid = false;
	acl.invalidations++;
}

/* Reads the first column of the last SPI result's row i as a bool. */
static bool
spi_bool(uint64 i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

	return !isnull && DatumGetBool(d);
}

/* Computes the current user's levels into the cache (inside SPI). */
static void
acl_compute(void)
{
	MemoryContext old;

	if (acl.cxt == NULL)
		acl.cxt = AllocSetContextCreate(TopMemoryContext, "tagstore taxonomy privileges",
										ALLOCSET_SMALL_SIZES);
	MemoryContextReset(acl.cxt);
	acl.entries = NULL;
	acl.n = 0;
	acl.userid = GetUserId();
	acl.lxid = MyProc->lxid;
	acl.grant_relid = catalog_relid(TSREL_TAXONOMY_GRANT);
	acl.all = superuser() || !OidIsValid(acl.grant_relid);
	if (!acl.all)
	{
		catalog_execute_latest(TSQ_OWNS_EXTENSION);
		acl.all = SPI_processed == 1 && spi_bool(0);
	}
	if (acl.all)
		return;
	catalog_execute_latest(TSQ_TAXONOMY_LEVELS);
	old = MemoryContextSwitchTo(acl.cxt);
	acl.entries = palloc(sizeof(TaxonomyEntry) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		text	   *key = DatumGetTextPP(catalog_spi_value(i, 1, TSREL_TAXONOMY, Anum_taxonomy_name_key));
		bool		isnull;
		int32		level = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
														2, &isnull));

		acl.entries[i].len = VARSIZE_ANY_EXHDR(key);
		acl.entries[i].key = pnstrdup(VARDATA_ANY(key), acl.entries[i].len);
		acl.entries[i].level = isnull ? TAXONOMY_NONE : (TaxonomyLevel) level;
	}
	acl.n = SPI_processed;
	MemoryContextSwitchTo(old);
}

/* Makes the cache the current user's, computing it if stale. */
static void
acl_load(void)
{
	uint64		invalidations;

	if (acl.valid && acl.userid == GetUserId())
		return;
	if (!acl.callbacks)
	{
		CacheRegisterRelcacheCallback(acl_relation_changed, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, acl_role_changed, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, acl_role_changed, (Datum) 0);
		acl.callbacks = true;
	}
	invalidations = acl.invalidations;
	acl.valid = false;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	acl_compute();
	SPI_finish();
	/* valid unless an invalidation arrived meanwhile */
	acl.valid = acl.invalidations == invalidations;
}

/* Compares a probe (key, len) with an entry's key, bytewise as COLLATE "C" sorts. */
static int
entry_cmp(const char *key, int len, const TaxonomyEntry *e)
{
	int			c = memcmp(key, e->key, Min(len, e->len));

	return c != 0 ? c : (len > e->len) - (len < e->len);
}

/*
 * The current user's level on the taxonomy whose name_key is (name_key,
 * len); *exists (if not NULL) tells whether it exists (always true for a
 * user who sees all, who is admin of any).
 */
TaxonomyLevel
taxonomy_acl_level(const char *name_key, int len, bool *exists)
{
	int			lo = 0,
				hi;

	acl_load();
	if (exists)
		*exists = true;
	if (acl.all)
		return TAXONOMY_ADMIN;
	hi = acl.n - 1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = entry_cmp(name_key, len, &acl.entries[mid]);

		if (c == 0)
			return acl.entries[mid].level;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	/* one not known: perhaps created since, its invalidation not yet read */
	if (acl.lxid != MyProc->lxid)
	{
		acl.valid = false;
		return taxonomy_acl_level(name_key, len, exists);
	}
	if (exists)
		*exists = false;
	return TAXONOMY_NONE;
}

/* Does the current user see everything (superuser, extension's owner, 1.0)? */
bool
taxonomy_acl_sees_all(void)
{
	acl_load();
	return acl.all;
}

/* The current user's level on the taxonomy of a tag key (case-folded, taxonomy first). */
TaxonomyLevel
taxonomy_acl_key_level(const TagPath *key)
{
	const char *data = TAGPATH_DATA(key);
	int			len = TAGPATH_LEN(key);
	const char *sep = memchr(data, TAGPATH_SEP, len);

	return taxonomy_acl_level(data, sep ? sep - data : len, NULL);
}

/* May the current user read the tags under a key (case-folded, taxonomy first)? */
bool
taxonomy_acl_key_readable(const TagPath *key)
{
	if (TAGPATH_LEN(key) == 0)
		return true;			/* the empty path: no taxonomy, names nothing */
	return taxonomy_acl_key_level(key) >= TAXONOMY_READ;
}

/* Refuses (42501) what needs a privilege the current user lacks on a taxonomy. */
void
taxonomy_acl_refuse(const char *taxonomy, TaxonomyLevel needed)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for taxonomy \"%s\"", taxonomy),
			 errdetail("The privilege %s is needed.", level_names[needed])));
}

/* A privilege's level from its name; an error for any other name. */
static TaxonomyLevel
level_of(text *privilege)
{
	char	   *name = text_to_cstring(privilege);

	for (int i = TAXONOMY_READ; i <= TAXONOMY_ADMIN; i++)
		if (pg_strcasecmp(name, level_names[i]) == 0)
			return (TaxonomyLevel) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unrecognized taxonomy privilege type: \"%s\"", name),
			 errhint("The privileges are read, tag, edit and admin.")));
	pg_unreachable();
}

/*
 * tagstore.has_taxonomy_privilege(taxonomy text, privilege text) -> boolean:
 * does the current user hold the privilege on the taxonomy (named in any
 * case)?  NULL for a taxonomy that does not exist (true for a user who sees
 * all), as has_table_privilege gives for a table's OID: a listing in an
 * older snapshot may still see a taxonomy dropped since.
 */
PG_FUNCTION_INFO_V1(tagstore_has_taxonomy_privilege);
Datum
tagstore_has_taxonomy_privilege(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	TaxonomyLevel want = level_of(PG_GETARG_TEXT_PP(1));
	int			len;
	char	   *key = tagstore_casefold(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &len);
	bool		exists;
	TaxonomyLevel level = taxonomy_acl_level(key, len, &exists);

	if (!exists)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(level >= want);
}

/*
 * tagstore._taxonomy_acl_changed(): AFTER INSERT, UPDATE, DELETE or
 * TRUNCATE ... FOR EACH STATEMENT on taxonomy and taxonomy_grant: tells
 * every session (this one at the end of the command) that the privileges
 * may have changed.
 */
PG_FUNCTION_INFO_V1(tagstore_taxonomy_acl_changed);
Datum
tagstore_taxonomy_acl_changed(PG_FUNCTION_ARGS)
{
	Oid			grants;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(((TriggerData *) fcinfo->context)->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("tagstore._taxonomy_acl_changed must be a trigger FOR EACH STATEMENT")));
	grants = catalog_relid(TSREL_TAXONOMY_GRANT);
	if (OidIsValid(grants))
		CacheInvalidateRelcacheByRelid(grants);
	return PointerGetDatum(NULL);
}
