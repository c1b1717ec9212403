-- The bulk forms' pace (issue #19, item 3): figures, not tests.
--
--  1. 100,000 and then 200,000 taggings in one statement, each on a fresh
--     database (400 tags, calls of 250 or 500 ids, half the ids repeated
--     across tags), through add_tag_to_many, against plain SQL doing the
--     same work on two tables with the same keys: an entity upsert, then
--     the tagging insert;
--  2. 500 calls of 10 new ids each, add_tag_to_many then
--     remove_tag_from_many, in a database of 4,000 entities and in one of
--     400,000, neither analyzed.
-- Run by bench.sh (the section "bulk") in the postgres database of its cluster.
\set ON_ERROR_STOP on

-- timed(sql): runs the statements, returns the milliseconds they took
\set timed_fn 'CREATE FUNCTION timed(sql text) RETURNS float8 LANGUAGE plpgsql AS $f$ DECLARE t0 timestamptz := clock_timestamp(); BEGIN EXECUTE sql; RETURN extract(epoch FROM clock_timestamp() - t0) * 1000; END $f$;'

DROP DATABASE IF EXISTS bulk_100k;
DROP DATABASE IF EXISTS bulk_200k;
CREATE DATABASE bulk_100k;
CREATE DATABASE bulk_200k;

\c bulk_100k
:timed_fn
\set n 100000
\ir bulk_fresh.sql
\c bulk_200k
:timed_fn
\set n 200000
\ir bulk_fresh.sql

\c postgres
DROP DATABASE bulk_100k;
DROP DATABASE bulk_200k;
DROP DATABASE IF EXISTS bulk_small;
DROP DATABASE IF EXISTS bulk_large;
CREATE DATABASE bulk_small;
CREATE DATABASE bulk_large;
\c bulk_small
:timed_fn
\set n 4000
\ir bulk_calls.sql
\c bulk_large
:timed_fn
\set n 400000
\ir bulk_calls.sql
\c postgres
DROP DATABASE bulk_small;
DROP DATABASE bulk_large;
