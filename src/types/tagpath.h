/*
 * tagpath.h
 *	  The type library: tagpath, tagquery, tagtxtquery, their arrays, GiST
 *	  and case folding.  Nothing here knows of the tagging engine
 *	  (src/engine/), which builds on it.
 *
 * A tagpath is a path of labels, root first: 'Biology.animal.mammal'.
 *
 * On disk it is a varlena whose payload is the labels' bytes joined by a
 * single NUL byte, and nothing else:
 *
 *		'Biology.animal'	->	"Biology\0animal"		(14 bytes of payload)
 *		''					->	""						(0 bytes)
 *
 * No label can contain a byte below 0x20 (control characters are refused on
 * input), so this encoding has three properties everything else builds on:
 *
 *	1. memcmp order is ltree's order: label by label, a label that is a prefix
 *	   of another sorts first, and an ancestor sorts before its descendants.
 *	   Comparison is a single memcmp.
 *	2. The subtree of q (q and all its descendants) is exactly the key range
 *	   [q, q || ' '), where ' ' is appended to q's last label: every
 *	   descendant continues q with "\0", and 0x00 < 0x20 <= any label byte.
 *	   So a plain btree answers <@ and @> (see tagpath_support.c).
 *	3. It is compact: no per-label header or padding.  ltree pads each label
 *	   to 8 bytes; 'a.b.c' takes 6 bytes here against ltree's 32.
 */
#ifndef TAGPATH_H
#define TAGPATH_H

#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"

/* Limits: at least contrib ltree's (255 characters, 65535 levels). */
#define TAGPATH_LABEL_MAX_CHARS	4096
#define TAGPATH_MAX_LEVELS		PG_UINT16_MAX

/* The label separator inside the stored form; never part of a label. */
#define TAGPATH_SEP			'\0'

/* Binary send/recv format version. */
#define TAGSTORE_BINARY_VERSION	1

typedef struct TagPath
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* labels joined by '\0' */
} TagPath;

#define TAGPATH_LEN(p)		(VARSIZE_ANY_EXHDR(p))
#define TAGPATH_DATA(p)		(VARDATA_ANY(p))

/* tagpath values are read in packed form: all access is bytewise. */
#define DatumGetTagPathP(X)		((TagPath *) PG_DETOAST_DATUM_PACKED(X))
#define PG_GETARG_TAGPATH_P(n)	DatumGetTagPathP(PG_GETARG_DATUM(n))
#define PG_RETURN_TAGPATH_P(x)	PG_RETURN_POINTER(x)

/* A label as a slice of some buffer. */
typedef struct TagLabel
{
	const char *name;
	int			len;			/* in bytes */
} TagLabel;

/*
 * Iterating over the labels of a path:
 *
 *		TagLabelIter it;
 *		TagLabel	lab;
 *
 *		tagpath_iter_init(&it, TAGPATH_DATA(p), TAGPATH_LEN(p));
 *		while (tagpath_iter_next(&it, &lab))
 *			...
 */
typedef struct TagLabelIter
{
	const char *pos;
	const char *end;
	bool		done;
} TagLabelIter;

static inline void
tagpath_iter_init(TagLabelIter *it, const char *data, int len)
{
	it->pos = data;
	it->end = data + len;
	it->done = (len == 0);
}

static inline bool
tagpath_iter_next(TagLabelIter *it, TagLabel *label)
{
	const char *sep;

	if (it->done)
		return false;
	sep = memchr(it->pos, TAGPATH_SEP, it->end - it->pos);
	label->name = it->pos;
	if (sep == NULL)
	{
		label->len = it->end - it->pos;
		it->done = true;
	}
	else
	{
		label->len = sep - it->pos;
		it->pos = sep + 1;
	}
	return true;
}

/*
 * tagquery: the lquery-compatible pattern type.
 *
 * Stored as a header followed by levels; each level is followed by its
 * variants.  All structs are int-aligned and every variable-length part is
 * padded with INTALIGN, so the value can be walked in place.
 */
typedef struct TagQueryVariant
{
	uint32		len;			/* label length in bytes */
	uint8		flags;			/* TQV_* */
	char		name[FLEXIBLE_ARRAY_MEMBER];
} TagQueryVariant;

#define TQV_PREFIX		0x01	/* '*' after a label: prefix match */
#define TQV_CASEFOLD	0x02	/* '@': case-insensitive match */
#define TQV_WORDS		0x04	/* '%': match '_'-separated words */

#define TQV_HDRSIZE		INTALIGN(offsetof(TagQueryVariant, name))
#define TQV_SIZE(v)		(TQV_HDRSIZE + INTALIGN((v)->len))
#define TQV_NEXT(v)		((TagQueryVariant *) ((char *) (v) + TQV_SIZE(v)))

typedef struct TagQueryLevel
{
	uint32		totallen;		/* this header plus all its variants */
	uint16		numvar;			/* 0 means '*' (any label) */
	uint16		flags;			/* TQL_* */
	uint16		low;			/* repeat count bounds: {low,high} */
	uint16		high;
	char		variants[FLEXIBLE_ARRAY_MEMBER];
} TagQueryLevel;

#define TQL_NOT			0x01	/* '!': the level matches what its variants don't */

#define TQL_HDRSIZE		INTALIGN(offsetof(TagQueryLevel, variants))
#define TQL_FIRST(l)	((TagQueryVariant *) ((char *) (l) + TQL_HDRSIZE))
#define TQL_NEXT(l)		((TagQueryLevel *) ((char *) (l) + (l)->totallen))

typedef struct TagQuery
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint16		numlevel;
	uint16		flags;			/* unused, zero */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} TagQuery;

#define TAGQUERY_HDRSIZE	INTALIGN(offsetof(TagQuery, data))
#define TAGQUERY_FIRST(q)	((TagQueryLevel *) ((char *) (q) + TAGQUERY_HDRSIZE))
#define TAGQUERY_MAX_LEVELS	PG_UINT16_MAX

#define DatumGetTagQueryP(X)	((TagQuery *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TAGQUERY_P(n) DatumGetTagQueryP(PG_GETARG_DATUM(n))

/* A cursor over a literal being parsed, for error positions. */
typedef struct TagParser
{
	const char *input;			/* the whole literal, for messages */
	const char *typname;		/* "tagpath" or "tagquery" */
	const char *p;				/* next byte to read */
	int			pos;			/* 1-based character position of p */
} TagParser;

/*
 * GiST.  Strategy numbers are those of contrib ltree's opclasses, so
 * operator classes read alike; 1-5 are the btree ones.
 */
#define TAGPATH_ANCESTOR_STRATEGY		10	/* tagpath @> tagpath */
#define TAGPATH_DESCENDANT_STRATEGY		11	/* tagpath <@ tagpath */
#define TAGPATH_MATCH_STRATEGY			12	/* tagpath ~ tagquery */
#define TAGPATH_TXTMATCH_STRATEGY		14	/* tagpath @ tagtxtquery */
#define TAGPATH_MATCH_ANY_STRATEGY		16	/* tagpath ? tagquery[] */

#define TAGPATH_ARRAY_ANCESTOR_STRATEGY		10	/* tagpath[] @> tagpath */
#define TAGPATH_ARRAY_DESCENDANT_STRATEGY	11	/* tagpath[] <@ tagpath */
#define TAGPATH_ARRAY_MATCH_STRATEGY		12	/* tagpath[] ~ tagquery */
#define TAGPATH_ARRAY_TXTMATCH_STRATEGY		14	/* tagpath[] @ tagtxtquery */
#define TAGPATH_ARRAY_MATCH_ANY_STRATEGY	16	/* tagpath[] ? tagquery[] */

#define TAGPATH_GIST_SIGLEN_DEFAULT		256
#define TAGPATH_ARRAY_GIST_SIGLEN_DEFAULT	128
#define TAGSTORE_GIST_SIGLEN_MAX		2024

/* opclass options of both GiST opclasses */
typedef struct TagstoreGistOptions
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int			siglen;			/* signature length in bytes */
} TagstoreGistOptions;

/* Signatures: one bit per folded label hash. */
typedef unsigned char *BITVECP;

#define TAGSTORE_SIG_BIT(siglen, h)		((h) % ((uint32) (siglen) * 8))
#define TAGSTORE_SIG_SET(sig, siglen, h) \
	((sig)[TAGSTORE_SIG_BIT(siglen, h) / 8] |= (1 << (TAGSTORE_SIG_BIT(siglen, h) % 8)))
#define TAGSTORE_SIG_TEST(sig, siglen, h) \
	(((sig)[TAGSTORE_SIG_BIT(siglen, h) / 8] >> (TAGSTORE_SIG_BIT(siglen, h) % 8)) & 1)

/* tagpath_io.c */
extern void tagparser_init(TagParser *tp, const char *input, const char *typname);
extern void tagparser_advance(TagParser *tp);
extern bool tagparser_read_label(TagParser *tp, StringInfo buf);
extern void tagparser_error(TagParser *tp, const char *detail) pg_attribute_noreturn();
extern void tagparser_unexpected(TagParser *tp) pg_attribute_noreturn();
extern TagPath *tagpath_from_cstring(const char *str);
extern bytea *tagstore_send_literal(const char *literal);
extern char *tagstore_recv_literal(StringInfo buf, const char *typname);
extern char *tagpath_to_cstring(const TagPath *path);
extern TagPath *tagpath_from_bytes(const char *data, int len);
extern void tagpath_append_label(StringInfo buf, const char *name, int len);
extern int	tagpath_check_label(const char *name, int len, const char *what);
extern bool tagpath_char_is_plain(const char *s, int charlen);
extern void tagstore_check_array(ArrayType *a);

/* tagpath_op.c */
extern int	tagpath_nlevel(const TagPath *p);
extern int	tagpath_cmp_internal(const TagPath *a, const TagPath *b);
extern bool tagpath_is_ancestor(const TagPath *ancestor, const TagPath *descendant);
extern TagPath *tagpath_concat(const TagPath *a, const TagPath *b);
extern TagPath *tagpath_lca_internal(TagPath **paths, int n);
extern TagPath *tagpath_subtree_upper(const TagPath *p);

/* tagquery_io.c */
extern TagQuery *tagquery_from_cstring(const char *str);

/* tagquery_op.c */
extern bool tagquery_match(const TagQuery *query, const TagPath *path);
extern bool tagquery_match_bytes(const TagQuery *query, const char *data, int len);
extern bool tagquery_match_any_bytes(Datum *queries, int n, const char *data, int len);
extern bool tagquery_array_match(ArrayType *queries, const TagPath *path);
extern bool tagstore_variant_matches(const char *pred, int pred_len, uint8 flags,
									 const TagLabel *label);

/* tagtxtquery.c */
typedef struct TagTxtSigArg
{
	BITVECP		sig;			/* NULL: all ones */
	int			siglen;
} TagTxtSigArg;

extern bool tagtxtquery_match_datum(Datum query, const TagPath *path);
extern bool tagtxtquery_sig_may_match(Datum query, BITVECP sig, int siglen);

/* encoding.c */
extern bool tagstore_char_codepoint(const char *s, int charlen, pg_wchar *cp);
extern char *tagstore_server_to_utf8(const char *s, int len, int *outlen);
extern char *tagstore_utf8_to_server(const char *s, int len, int *outlen);

/* casefold.c */
extern Datum tagpath_casefold(PG_FUNCTION_ARGS);
extern Datum tagpath_out(PG_FUNCTION_ARGS);
extern char *tagstore_casefold(const char *s, int len, int *outlen);
extern bool tagstore_label_match(const char *pred, int pred_len,
								 const char *label, int label_len,
								 bool prefix, bool casefold);
extern uint32 tagstore_label_hash(const char *s, int len);

/* tagpath_gist.c: helpers shared with tagpath_array_gist.c */
struct local_relopts;
struct GISTENTRY;
extern void tagstore_gist_options(struct local_relopts *relopts, int default_siglen);
extern struct GISTENTRY *tagstore_gist_detoast(struct GISTENTRY *entry);
extern void tagstore_sig_add_path(BITVECP sig, int siglen, const char *data, int len);
extern bool tagstore_sig_has_path(BITVECP sig, int siglen, const char *data, int len);
extern bool tagstore_sig_may_match(BITVECP sig, int siglen, const TagQuery *query);

#endif							/* TAGPATH_H */
