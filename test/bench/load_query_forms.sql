-- The query tags of bench.queries as tagstore names, ltree paths and text
-- prefixes: used by load.sql and shapes_load.sql.
CREATE TABLE query_forms AS
SELECT q.id, q.class, q.tags,
	   ARRAY(SELECT c.path FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS paths,
	   ARRAY(SELECT array_to_string(c.ids, '.')::ltree FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS lpaths,
	   ARRAY(SELECT '/' || array_to_string(c.ids, '/') || '/' FROM unnest(q.tags) t JOIN chain c ON c.id = t) AS prefixes
FROM queries q;
