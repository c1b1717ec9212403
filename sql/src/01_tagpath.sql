-- Section 01: the tagpath type.
--
-- tagpath is a hierarchical path of labels, a superset of contrib ltree's
-- ltree.  This section holds its I/O, ltree's order with the btree and hash
-- operator classes, the ancestry operators (@> and <@, and ltree's ^
-- spellings) with the planner support function that lets a btree index
-- answer them, ltree's path functions (those with ltree's names in the
-- schema tagstore), the casts to and from text, concatenation, and label
-- case folding.  Everything else builds on this type, so it comes first.

CREATE TYPE @extschema@.tagpath;

CREATE FUNCTION @extschema@.tagpath_in(cstring) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_in(cstring) IS 'input function of tagpath';
CREATE FUNCTION @extschema@.tagpath_out(@extschema@.tagpath) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_out(@extschema@.tagpath) IS 'output function of tagpath';
CREATE FUNCTION @extschema@.tagpath_recv(internal) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_recv(internal) IS 'binary input function of tagpath';
CREATE FUNCTION @extschema@.tagpath_send(@extschema@.tagpath) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_send(@extschema@.tagpath) IS 'binary output function of tagpath';

CREATE TYPE @extschema@.tagpath (
	INPUT = @extschema@.tagpath_in,
	OUTPUT = @extschema@.tagpath_out,
	RECEIVE = @extschema@.tagpath_recv,
	SEND = @extschema@.tagpath_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
	-- the user-defined category (U), as ltree's: in the string category an
	-- untyped literal would prefer tagpath's functions to ltree's of the
	-- same name, and any type would assign into a tagpath column by I/O
);
COMMENT ON TYPE @extschema@.tagpath IS
	'hierarchical path of labels, root first (''Biology.animal.mammal''); a superset of ltree with quoted labels ("St. John''s wort")';

-- comparison: ltree's order (label by label, ancestors first)
CREATE FUNCTION @extschema@.tagpath_cmp(@extschema@.tagpath, @extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_cmp(@extschema@.tagpath, @extschema@.tagpath) IS 'three-way comparison in ltree order (-1, 0, 1)';
CREATE FUNCTION @extschema@.tagpath_lt(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_lt(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath < tagpath';
CREATE FUNCTION @extschema@.tagpath_le(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_le(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <= tagpath';
CREATE FUNCTION @extschema@.tagpath_eq(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_eq(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath = tagpath';
CREATE FUNCTION @extschema@.tagpath_ne(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_ne(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <> tagpath';
CREATE FUNCTION @extschema@.tagpath_ge(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_ge(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath >= tagpath';
CREATE FUNCTION @extschema@.tagpath_gt(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gt(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath > tagpath';
CREATE FUNCTION @extschema@.tagpath_hash(@extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_hash(@extschema@.tagpath) IS 'hash support for tagpath_hash_ops';
CREATE FUNCTION @extschema@.tagpath_hash_extended(@extschema@.tagpath, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_hash_extended(@extschema@.tagpath, int8) IS 'extended hash support for tagpath_hash_ops';

CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_lt,
	COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_le,
	COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_ge,
	COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_gt,
	COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);

CREATE OPERATOR CLASS @extschema@.tagpath_ops
	DEFAULT FOR TYPE @extschema@.tagpath USING btree AS
	OPERATOR 1 @extschema@.<,
	OPERATOR 2 @extschema@.<=,
	OPERATOR 3 @extschema@.=,
	OPERATOR 4 @extschema@.>=,
	OPERATOR 5 @extschema@.>,
	FUNCTION 1 @extschema@.tagpath_cmp(@extschema@.tagpath, @extschema@.tagpath);

CREATE OPERATOR CLASS @extschema@.tagpath_hash_ops
	DEFAULT FOR TYPE @extschema@.tagpath USING hash AS
	OPERATOR 1 @extschema@.=,
	FUNCTION 1 @extschema@.tagpath_hash(@extschema@.tagpath),
	FUNCTION 2 @extschema@.tagpath_hash_extended(@extschema@.tagpath, int8);

-- ancestry; the support function lets a btree index answer both
CREATE FUNCTION @extschema@.tagpath_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_support(internal) IS 'planner support: answers <@ and @> with a btree index';
CREATE FUNCTION @extschema@.tagpath_isparent(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT @extschema@.tagpath_support;
COMMENT ON FUNCTION @extschema@.tagpath_isparent(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath @> tagpath';
CREATE FUNCTION @extschema@.tagpath_risparent(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT @extschema@.tagpath_support;
COMMENT ON FUNCTION @extschema@.tagpath_risparent(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <@ tagpath';

CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.@> (@extschema@.tagpath, @extschema@.tagpath) IS 'is left an ancestor of right (or equal)?';
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.tagpath, @extschema@.tagpath) IS 'is left a descendant of right (or equal)?';
-- ltree's caret-prefixed spellings of the same operators
CREATE OPERATOR @extschema@.^@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.^<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.^@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);

-- run-time bounds for the btree rewrite of <@ and @> (tagpath_support.c)
CREATE FUNCTION @extschema@.tagpath_subtree_end(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_subtree_end(@extschema@.tagpath) IS 'smallest key after the subtree of a path (internal: btree rewrite of <@)';
CREATE FUNCTION @extschema@.tagpath_prefixes(@extschema@.tagpath) RETURNS @extschema@.tagpath[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_prefixes(@extschema@.tagpath) IS 'the path and all its ancestors, root first (internal: btree rewrite of @>)';

-- path functions; those with contrib ltree's names are in the schema
-- tagstore, so that ltree can share this schema (section 00 says why)
CREATE FUNCTION tagstore.nlevel(@extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_nlevel_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.nlevel(@extschema@.tagpath) IS 'number of labels in the path';
CREATE FUNCTION tagstore.subltree(@extschema@.tagpath, int4, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subltree' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.subltree(@extschema@.tagpath, int4, int4) IS 'labels from start (inclusive) to end (exclusive), counting from 0';
CREATE FUNCTION tagstore.subpath(@extschema@.tagpath, int4, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.subpath(@extschema@.tagpath, int4, int4) IS 'len labels from offset; negative offset counts from the end, negative len leaves labels off the end';
CREATE FUNCTION tagstore.subpath(@extschema@.tagpath, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.subpath(@extschema@.tagpath, int4) IS 'labels from offset to the end; negative offset counts from the end';
CREATE FUNCTION tagstore.index(@extschema@.tagpath, @extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_index' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.index(@extschema@.tagpath, @extschema@.tagpath) IS 'position of the first occurrence of the second path in the first, or -1';
CREATE FUNCTION tagstore.index(@extschema@.tagpath, @extschema@.tagpath, int4) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_index' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.index(@extschema@.tagpath, @extschema@.tagpath, int4) IS 'position of the first occurrence at or after offset (negative: from the end), or -1';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
CREATE FUNCTION @extschema@.parent(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parent(@extschema@.tagpath) IS 'the path without its last label; NULL for the empty path';
CREATE FUNCTION @extschema@.leaf(@extschema@.tagpath) RETURNS text
	AS 'MODULE_PATHNAME', 'tagpath_leaf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.leaf(@extschema@.tagpath) IS 'the last label; NULL for the empty path';
CREATE FUNCTION @extschema@.labels(@extschema@.tagpath) RETURNS text[]
	AS 'MODULE_PATHNAME', 'tagpath_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.labels(@extschema@.tagpath) IS 'the labels, root first, unquoted';
CREATE FUNCTION @extschema@.tagpath(text[]) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_from_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath(text[]) IS 'a path from its labels; no quoting needed';
CREATE FUNCTION @extschema@.text2tagpath(text) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.text2tagpath(text) IS 'parse a tagpath literal';
CREATE FUNCTION @extschema@.tagpath2text(@extschema@.tagpath) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath2text(@extschema@.tagpath) IS 'canonical literal of a path (labels quoted only where needed)';

CREATE CAST (text AS @extschema@.tagpath) WITH FUNCTION @extschema@.text2tagpath(text);
CREATE CAST (@extschema@.tagpath AS text) WITH FUNCTION @extschema@.tagpath2text(@extschema@.tagpath);

CREATE FUNCTION @extschema@.tagpath_addtagpath(@extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_addtagpath(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath || tagpath';
CREATE FUNCTION @extschema@.tagpath_addtext(@extschema@.tagpath, text) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_addtext(@extschema@.tagpath, text) IS 'implements tagpath || text';
CREATE FUNCTION @extschema@.tagpath_textadd(text, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_textadd(text, @extschema@.tagpath) IS 'implements text || tagpath';
CREATE OPERATOR @extschema@.|| (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_addtagpath);
COMMENT ON OPERATOR @extschema@.|| (@extschema@.tagpath, @extschema@.tagpath) IS 'concatenate paths';
CREATE OPERATOR @extschema@.|| (
	LEFTARG = @extschema@.tagpath, RIGHTARG = text, PROCEDURE = @extschema@.tagpath_addtext);
CREATE OPERATOR @extschema@.|| (
	LEFTARG = text, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_textadd);

-- label case folding: what case-insensitive matching and tag keys use
CREATE FUNCTION @extschema@.label_casefold(text) RETURNS text
	AS 'MODULE_PATHNAME', 'tagstore_casefold_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.label_casefold(text) IS 'the folding that case-insensitive matching uses: NFC(full Unicode case folding(NFD(label))), independent of locale';
CREATE FUNCTION @extschema@.label_casefold(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_casefold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.label_casefold(@extschema@.tagpath) IS 'the path with every label folded as label_casefold(text) folds it';
