/*
 * scan.h
 *	  The streaming custom scan of entities_with_all/any in FROM (scan.c).
 */
#ifndef TAGSTORE_SCAN_H
#define TAGSTORE_SCAN_H

extern void tagstore_scan_init(void);

#endif							/* TAGSTORE_SCAN_H */
