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
 * Chunk numbers are id >> 16 rounded down, so every bigint has one: from
 * -2^47 to 2^47 - 1.  Read, a posting becomes a chunked bitmap set
 * (idset.c) whose chunks are the stored ones, or an array set if its
 * chunks hold few members each.
 *
 * Example: entities {5, 70000, 70001} make chunk 0 = [05 00] and chunk 1 =
 * [70 11 71 11] (70000 = 65536 + 0x1170), two and four bytes of members;
 * entity -1 is chunk -1 = [ff ff].
 */
#include "postgres.h"

#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"

#include "catalog.h"
#include "posting.h"

#define CHUNK_IDS		IDSET_CHUNK_IDS
#define BITMAP_BYTES	(CHUNK_IDS / 8)
#define MAX_LIST		(BITMAP_BYTES / 2 - 1)	/* a longer list is a bitmap */

/* Stored chunk numbers run from -2^47 (the smallest ids) to 2^47 - 1. */
#define CHUNK_MIN		(-(INT64CONST(1) << (63 - IDSET_CHUNK_BITS)))

/*
 * A posting whose chunks hold fewer than this many members on average is
 * loaded as an array: a bitmap chunk (8 kB) would cost more than 16 bytes
 * a member.
 */
#define DENSE_CHUNK		512

/* The stored chunk number of an id: id >> 16, rounded down (no overflow). */
static inline int64
chunk_of(int64 id)
{
	return (int64) (idset_offset(id) >> IDSET_CHUNK_BITS) + CHUNK_MIN;
}

/* Is a stored chunk number one that some id has? */
bool
posting_chunk_in_range(int64 chunk)
{
	return chunk >= CHUNK_MIN && chunk <= -(CHUNK_MIN + 1);
}

/*
 * What makes a stored chunk undecodable, or NULL if it decodes: its number
 * out of range, or a size that is neither a bitmap nor a list.
 */
const char *
posting_chunk_problem(int64 chunk, int len)
{
	if (!posting_chunk_in_range(chunk))
		return psprintf("number " INT64_FORMAT, chunk);
	if (len != BITMAP_BYTES && (len % 2 != 0 || len > MAX_LIST * 2))
		return psprintf("%d bytes", len);
	return NULL;
}

/* Complains about a stored chunk that cannot be decoded (what: its size or number). */
static void
damaged(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("%s holds a damaged chunk (%s)", catalog_relname(TSREL_POSTING), what),
			 errhint("Rebuild the postings with tagstore.refresh_postings(rebuild => true).")));
}

/*
 * The ids of one stored chunk, into a bitmap set (bits or'ed into the
 * chunk's words) or appended to an array set.
 */
static void
chunk_decode(int64 chunk, bytea *members, IdSet *set, int *cap)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(members);
	int			len = VARSIZE_ANY_EXHDR(members);
	const char *problem = posting_chunk_problem(chunk, len);
	uint64		base;

	if (problem)
		damaged(problem);
	base = (uint64) (chunk - CHUNK_MIN) << IDSET_CHUNK_BITS;
	if (idset_is_bitmap(set))
	{
		uint64	   *words = idset_chunk_words(set, base >> IDSET_CHUNK_BITS);

		if (len == BITMAP_BYTES)
		{
			/* byte k, bit b is id 8k + b: little-endian words */
			for (int byte = 0; byte < BITMAP_BYTES; byte++)
				words[byte / 8] |= (uint64) p[byte] << (8 * (byte % 8));
		}
		else
		{
			for (int i = 0; i < len; i += 2)
			{
				int			low = p[i] | (p[i + 1] << 8);

				words[low / 64] |= UINT64CONST(1) << (low % 64);
			}
		}
		return;
	}
	if (len == BITMAP_BYTES)
	{
		for (int byte = 0; byte < BITMAP_BYTES; byte++)
			for (int b = 0; b < 8; b++)
				if (p[byte] & (1 << b))
					idset_append(set, cap, idset_id(base + byte * 8 + b));
	}
	else
	{
		for (int i = 0; i < len; i += 2)
			idset_append(set, cap, idset_id(base + (p[i] | (p[i + 1] << 8))));
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
			int			low = (int) (idset_offset(ids[i]) & (CHUNK_IDS - 1));

			p[low / 8] |= 1 << (low % 8);
		}
		return out;
	}
	out = palloc(VARHDRSZ + n * 2);
	SET_VARSIZE(out, VARHDRSZ + n * 2);
	p = (uint8 *) VARDATA(out);
	for (int i = from; i < to; i++)
	{
		int			low = (int) (idset_offset(ids[i]) & (CHUNK_IDS - 1));

		*p++ = low & 0xFF;
		*p++ = low >> 8;
	}
	return out;
}

/*
 * A posting as stored, ignoring pending changes: a bitmap set, or an
 * array set if its chunks are sparse (see DENSE_CHUNK).
 */
IdSet
posting_load(int64 tag_id, bool read_only)
{
	Datum		arg[1] = {Int64GetDatum(tag_id)};
	IdSet		set = {0};
	int			cap = 64;
	uint64		members = 0;
	MemoryContext cxt = CurrentMemoryContext;

	catalog_execute(TSQ_POSTING_CHUNKS, arg, NULL, read_only, 0);
	MemoryContextSwitchTo(cxt);		/* SPI returns in its own context */
	/*
	 * A bitmap chunk holds more than MAX_LIST members, a list chunk one per
	 * two bytes: sizes read without fetching the chunks from TOAST.
	 */
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Size		len = toast_raw_datum_size(catalog_spi_value(i, 2, TSREL_POSTING,
															 Anum_posting_members)) - VARHDRSZ;

		members += len == BITMAP_BYTES ? MAX_LIST + 1 : len / 2;
	}
	if (members >= SPI_processed * DENSE_CHUNK)
		set = idset_empty_bitmap();
	else
		set.ids = palloc(sizeof(int64) * cap);
	for (uint64 i = 0; i < SPI_processed; i++)
		chunk_decode(DatumGetInt64(catalog_spi_value(i, 1, TSREL_POSTING, Anum_posting_chunk)),
					 DatumGetByteaPP(catalog_spi_value(i, 2, TSREL_POSTING, Anum_posting_members)),
					 &set, &cap);
	SPI_freetuptable(SPI_tuptable);
	if (idset_is_bitmap(&set))
		idset_recount(&set);
	else
		idset_normalize(&set);
	return set;
}

/* Replaces the stored chunks of a posting by those of set. */
void
posting_write(int64 tag_id, IdSet *set)
{
	Datum	   *chunks;
	Datum	   *members;
	int			nchunks = 0;
	Datum		args[3];

	idset_flatten(set);
	chunks = palloc(sizeof(Datum) * Max(set->n, 1));
	members = palloc(sizeof(Datum) * Max(set->n, 1));
	for (int i = 0; i < set->n;)
	{
		int64		chunk = chunk_of(set->ids[i]);
		int			j = i;

		while (j < set->n && chunk_of(set->ids[j]) == chunk)
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
