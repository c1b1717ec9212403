/*
 * entity_rows.h
 *	  The rows of an answer's entities in tagstore.entity, in id order
 *	  (entity_rows.c).
 */
#ifndef TAGSTORE_ENTITY_ROWS_H
#define TAGSTORE_ENTITY_ROWS_H

#include "postgres.h"

#include "idset.h"

typedef struct EntityRows EntityRows;

extern EntityRows *entity_rows_begin(IdSet *ids, text *want_type, text *prefix);
extern bool entity_rows_next(EntityRows *rows, Datum *type, Datum *external_id);
extern int64 entity_rows_count(EntityRows *rows);
extern void entity_rows_end(EntityRows *rows);

#endif							/* TAGSTORE_ENTITY_ROWS_H */
