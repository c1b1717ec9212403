/*
 * posting_format.c
 *	  Closure postings as stored: chunks of 65,536 ids, a posting loaded as a
 *	  bitmap set and written back (see posting.h for what postings are).
 *
 * A chunk holds the entities with id >> 16 = chunk, by their low 16 bits:
 * up to 4,095 of them as little-endian uint16s, more as an 8 kB bitmap
 * (byte order fixed, so dumps and replicas read the same on any machine).
 * Chunks over 2 kB are stored uncompressed (the install script sets the
 * column's storage): decompressing them cost more than reading them.
 * Read, a posting becomes a bitmap set (idset.c) spanning its chunks.
 *
 * Example: entities {5, 70000, 70001} make chunk 0 = [05 00] and chunk 1 =
 * [70 11 71 11] (70000 = 65536 + 0x1170), four and two bytes of members.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"

#include "catalog.h"
#include "posting.h"

#define CHUNK_BITS		16
#define CHUNK_IDS		(1 << CHUNK_BITS)
#define BITMAP_BYTES	(CHUNK_IDS / 8)
#define MAX_LIST		(BITMAP_BYTES / 2 - 1)	/* a longer list is a bitmap */

/* The first id of a chunk (floor division, so that negative ids have chunks too). */
static inline int64
chunk_of(int64 id)
{
	return id >= 0 ? id / CHUNK_IDS : -((-(id + 1)) / CHUNK_IDS) - 1;
}

/*
 * Adds the entities of one stored chunk to a bitmap set that spans it and
 * has none of the chunk's ids yet; returns how many it added.
 */
static int64
chunk_decode(int64 chunk, bytea *members, IdSet *set)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(members);
	int			len = VARSIZE_ANY_EXHDR(members);
	uint64	   *words = set->bits + (chunk * CHUNK_IDS - set->base) / 64;

	Assert(chunk * CHUNK_IDS >= set->base &&
		   (chunk + 1) * CHUNK_IDS <= set->base + set->nwords * 64);
	if (len == BITMAP_BYTES)
	{
		/* byte k, bit b is id 8k + b: little-endian words */
		for (int byte = 0; byte < BITMAP_BYTES; byte++)
			words[byte / 8] |= (uint64) p[byte] << (8 * (byte % 8));
		return idset_popcount(words, CHUNK_IDS / 64);
	}
	else
	{
		int64		added = 0;

		if (len % 2 != 0 || len > MAX_LIST * 2)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("%s holds a damaged chunk (%d bytes)", catalog_relname(TSREL_POSTING), len),
					 errhint("Rebuild the postings with tagstore.refresh_postings(rebuild => true).")));
		for (int i = 0; i < len; i += 2)
		{
			int			low = p[i] | (p[i + 1] << 8);
			uint64		bit = UINT64CONST(1) << (low % 64);

			added += (words[low / 64] & bit) == 0;
			words[low / 64] |= bit;
		}
		return added;
	}
}

/* The chunk of ids[from..to) (one chunk's worth, sorted) as stored. */
static bytea *
chunk_encode(const int64 *ids, int from, int to)
{
	int			n = to - from;
	bytea	   *out;
	uint8	   *p;

	if (n > MAX_LIST)
	{
		out = palloc0(VARHDRSZ + BITMAP_BYTES);
		SET_VARSIZE(out, VARHDRSZ + BITMAP_BYTES);
		p = (uint8 *) VARDATA(out);
		for (int i = from; i < to; i++)
		{
			int			low = (int) (ids[i] & (CHUNK_IDS - 1));

			p[low / 8] |= 1 << (low % 8);
		}
		return out;
	}
	out = palloc(VARHDRSZ + n * 2);
	SET_VARSIZE(out, VARHDRSZ + n * 2);
	p = (uint8 *) VARDATA(out);
	for (int i = from; i < to; i++)
	{
		int			low = (int) (ids[i] & (CHUNK_IDS - 1));

		*p++ = low & 0xFF;
		*p++ = low >> 8;
	}
	return out;
}

/* A posting as stored, ignoring pending changes, as a bitmap set. */
IdSet
posting_load(int64 tag_id, bool read_only)
{
	Datum		arg[1] = {Int64GetDatum(tag_id)};
	IdSet		set;
	bool		isnull;
	uint64		n = 0;
	MemoryContext cxt = CurrentMemoryContext;

	catalog_execute(TSQ_POSTING_CHUNKS, arg, NULL, read_only, 0);
	MemoryContextSwitchTo(cxt);		/* SPI returns in its own context */
	if (SPI_processed == 0)
		set = idset_bitmap(0, 0);
	else
	{
		int64		first = spi_int64(0, 1);
		int64		last = spi_int64(SPI_processed - 1, 1);

		set = idset_bitmap(first * CHUNK_IDS, (last - first + 1) * (CHUNK_IDS / 64));
	}
	/* counted chunk by chunk: the span between them may be wide and empty */
	for (uint64 i = 0; i < SPI_processed; i++)
		n += chunk_decode(spi_int64(i, 1),
						  DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
														2, &isnull)),
						  &set);
	SPI_freetuptable(SPI_tuptable);
	idset_set_count(&set, n);
	return set;
}

/* Replaces the stored chunks of a posting by those of set. */
void
posting_write(int64 tag_id, IdSet *set)
{
	Datum	   *chunks = palloc(sizeof(Datum) * Max(set->n, 1));
	Datum	   *members = palloc(sizeof(Datum) * Max(set->n, 1));
	int			nchunks = 0;
	Datum		args[3];

	idset_flatten(set);
	for (int i = 0; i < set->n;)
	{
		int64		chunk = chunk_of(set->ids[i]);
		int			j = i;

		while (j < set->n && set->ids[j] < (chunk + 1) * CHUNK_IDS)
			j++;
		chunks[nchunks] = Int64GetDatum(chunk);
		members[nchunks++] = PointerGetDatum(chunk_encode(set->ids, i, j));
		i = j;
	}
	args[0] = Int64GetDatum(tag_id);
	args[1] = PointerGetDatum(construct_array(chunks, nchunks, INT8OID, sizeof(int64),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	args[2] = PointerGetDatum(construct_array(members, nchunks, BYTEAOID, -1, false, TYPALIGN_INT));
	catalog_execute(TSQ_POSTING_DELETE, args, NULL, false, 0);
	catalog_execute(TSQ_POSTING_INSERT, args, NULL, false, 0);
	catalog_execute(TSQ_POSTED_FRESH, (Datum[]) {Int64GetDatum(tag_id), Int64GetDatum(set->n)},
					NULL, false, 0);
}

