/* tagstore--1.0--1.1.sql: STAND-IN on the upgrade-test branch, replaced at
   merge time by the real upgrade script.  1.1 has, so far, the same catalog
   objects as 1.0: this script changes nothing. */

\echo Use "ALTER EXTENSION tagstore UPDATE TO '1.1'" to load this file. \quit
