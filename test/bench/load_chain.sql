-- Every tag's ancestor chain (ids, root first) and its name as a tagpath,
-- from bench.raw_tags: used by load.sql and shapes_load.sql.
CREATE TABLE chain AS
	WITH RECURSIVE c(id, ids, labels) AS (
		SELECT id, ARRAY[id], ARRAY[taxonomy, value] FROM raw_tags WHERE parent = 0
		UNION ALL
		SELECT t.id, c.ids || t.id, c.labels || t.value FROM raw_tags t JOIN c ON t.parent = c.id
	)
	SELECT id, ids, tagpath(labels) AS path FROM c;
ALTER TABLE chain ADD PRIMARY KEY (id);
