/*
 * policy_rows.h
 *	  Rows of tagstore's tables read through the executor, so that the
 *	  row-level security policies that apply to the caller filter them
 *	  (policy_rows.c).
 */
#ifndef TAGSTORE_POLICY_ROWS_H
#define TAGSTORE_POLICY_ROWS_H

#include "postgres.h"

#include "utils/portal.h"

#include "catalog.h"

typedef struct PolicyRows
{
	Portal		portal;			/* the statement's cursor; NULL once read to its end */
	MemoryContext batch_cxt;	/* the values of the batch fetched last */
	int			ncols;
	Datum	   *values;			/* n rows of ncols values each */
	bool	   *nulls;
	int			n;
	int			pos;			/* the next row of the batch */
} PolicyRows;

extern void policy_rows_open(PolicyRows *p, TagstoreQuery query, Datum *args, int ncols);
extern bool policy_rows_next(PolicyRows *p, Datum **values, bool **nulls);
extern void policy_rows_close(PolicyRows *p);

#endif							/* TAGSTORE_POLICY_ROWS_H */
