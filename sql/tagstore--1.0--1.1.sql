/* tagstore--1.0--1.1.sql: from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION tagstore UPDATE TO '1.1'" to load this file. \quit

-- What 1.1 changes in the catalog: nothing yet.  1.1's install script is
-- built from the sections in sql/src/ and holds the same objects, with the
-- same comments, as 1.0's; each later change to 1.1 goes both into its
-- section and here.
