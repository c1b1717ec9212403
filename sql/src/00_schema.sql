-- Section 00: the schema tagstore.
--
-- tagstore's objects live in two schemas.  The types, with their
-- operators, casts and most of their functions, are in the schema CREATE
-- EXTENSION chose (public, as a rule), where queries find them as they find
-- ltree's.  The schema tagstore, created and dropped with the extension,
-- holds the rest: the tables and the API (section 06 on) and, from section
-- 01 on, the path functions that carry contrib ltree's names (nlevel,
-- subpath, subltree, index, lca).  Those five cannot share a schema with
-- ltree's: an untyped literal fits ltree and tagpath alike, neither type is
-- preferred, so nlevel('a.b') would be ambiguous (42725) and break ltree's
-- own queries.  Callers name them tagstore.nlevel(p), or put tagstore on
-- their search_path.  This section comes first because section 01 already
-- creates functions in the schema.

CREATE SCHEMA tagstore;
COMMENT ON SCHEMA tagstore IS 'tagstore: taxonomies, tags, entities and taggings';
