-- Section 99: the extension's owner.
--
-- The last section, so that its grants cover every table, sequence and
-- function that the sections above create.
--
-- tagstore is a trusted extension: a database owner without superuser may
-- create it.  PostgreSQL then runs this script as the bootstrap superuser,
-- who owns every object it creates (the schema tagstore, its tables,
-- sequences and functions), while the extension itself belongs to the role
-- that ran CREATE EXTENSION, named here @extowner@.  That role could not
-- use the schema, nor grant it to anyone, nor pg_dump its own database.
-- So it is given here what a table's owner may do with tagstore's data,
-- WITH GRANT OPTION, so that it can hand it on to the application's roles
-- (the README's Security section gives the GRANTs):
--
--	- USAGE on the schema tagstore;
--	- SELECT, INSERT, UPDATE, DELETE, TRUNCATE and REFERENCES on every
--	  table and view of it: the API runs as its caller, so these are what
--	  the API needs, and pg_dump reads the tables and restores them;
--	- USAGE, SELECT and UPDATE on the sequences (new ids; pg_dump reads
--	  them and restores their positions);
--	- EXECUTE on verify() and _verify_postings, which PUBLIC may not
--	  execute (the API, which PUBLIC executes, needs no grant).
--
-- Not TRIGGER: a trigger the owner put on one of these tables would run
-- with the rights of whoever writes the table, and ALTER EXTENSION UPDATE
-- writes them as the bootstrap superuser.  The trigger functions
-- themselves need no EXECUTE (a trigger fires without it).
--
-- When a superuser creates the extension, @extowner@ is that superuser,
-- who owns the objects anyway: the grants change nothing it may do.  An
-- update script that creates a table, sequence or function for the owner
-- grants it the same way (sql/tagstore--1.0--1.1.sql).  PostgreSQL
-- records these grants as the objects' initial privileges, so pg_dump
-- leaves them to CREATE EXTENSION and dumps only the grants made since.

GRANT USAGE ON SCHEMA tagstore TO @extowner@ WITH GRANT OPTION;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON ALL TABLES IN SCHEMA tagstore
	TO @extowner@ WITH GRANT OPTION;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA tagstore TO @extowner@ WITH GRANT OPTION;
GRANT EXECUTE ON FUNCTION tagstore.verify(), tagstore._verify_postings() TO @extowner@ WITH GRANT OPTION;
