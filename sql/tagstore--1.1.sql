/* tagstore--1.1.sql: STAND-IN on the upgrade-test branch, a copy of tagstore--1.0.sql
   (same objects) to develop the upgrade test against; replaced at merge time by
   the 1.1 install script the Makefile builds from the sectioned sources. */

\echo Use "CREATE EXTENSION tagstore" to load this file. \quit

--
-- tagpath
--

CREATE TYPE @extschema@.tagpath;

CREATE FUNCTION @extschema@.tagpath_in(cstring) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_out(@extschema@.tagpath) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_recv(internal) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_send(@extschema@.tagpath) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tagpath (
	INPUT = @extschema@.tagpath_in,
	OUTPUT = @extschema@.tagpath_out,
	RECEIVE = @extschema@.tagpath_recv,
	SEND = @extschema@.tagpath_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended,
	-- string category: an untyped literal resolves to tagpath rather than
	-- to a bigint tag id in overloads like remove_tag(tagpath | bigint)
	CATEGORY = 'S'
);
COMMENT ON TYPE @extschema@.tagpath IS
	'hierarchical path of labels, root first (''Biology.animal.mammal''); a superset of ltree with quoted labels ("St. John''s wort")';

-- comparison: ltree's order (label by label, ancestors first)
CREATE FUNCTION @extschema@.tagpath_cmp(@extschema@.tagpath, @extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_lt(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_le(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_eq(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_ne(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_ge(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gt(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_hash(@extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_hash_extended(@extschema@.tagpath, int8) RETURNS int8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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
CREATE FUNCTION @extschema@.tagpath_isparent(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT @extschema@.tagpath_support;
CREATE FUNCTION @extschema@.tagpath_risparent(@extschema@.tagpath, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT @extschema@.tagpath_support;

CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
-- ltree's caret-prefixed spellings of the same operators
CREATE OPERATOR @extschema@.^@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.^<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.^@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);

-- path functions
CREATE FUNCTION @extschema@.nlevel(@extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_nlevel_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.subltree(@extschema@.tagpath, int4, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subltree' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.subpath(@extschema@.tagpath, int4, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.subpath(@extschema@.tagpath, int4) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_index' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath, int4) RETURNS int4
	AS 'MODULE_PATHNAME', 'tagpath_index' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.parent(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.leaf(@extschema@.tagpath) RETURNS text
	AS 'MODULE_PATHNAME', 'tagpath_leaf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.labels(@extschema@.tagpath) RETURNS text[]
	AS 'MODULE_PATHNAME', 'tagpath_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath(text[]) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_from_labels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.text2tagpath(text) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath2text(@extschema@.tagpath) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (text AS @extschema@.tagpath) WITH FUNCTION @extschema@.text2tagpath(text);
CREATE CAST (@extschema@.tagpath AS text) WITH FUNCTION @extschema@.tagpath2text(@extschema@.tagpath);

CREATE FUNCTION @extschema@.tagpath_addtagpath(@extschema@.tagpath, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_addtext(@extschema@.tagpath, text) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_textadd(text, @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.|| (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_addtagpath);
CREATE OPERATOR @extschema@.|| (
	LEFTARG = @extschema@.tagpath, RIGHTARG = text, PROCEDURE = @extschema@.tagpath_addtext);
CREATE OPERATOR @extschema@.|| (
	LEFTARG = text, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_textadd);

--
-- tagquery
--

CREATE TYPE @extschema@.tagquery;

CREATE FUNCTION @extschema@.tagquery_in(cstring) RETURNS @extschema@.tagquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagquery_out(@extschema@.tagquery) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagquery_recv(internal) RETURNS @extschema@.tagquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagquery_send(@extschema@.tagquery) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tagquery (
	INPUT = @extschema@.tagquery_in,
	OUTPUT = @extschema@.tagquery_out,
	RECEIVE = @extschema@.tagquery_recv,
	SEND = @extschema@.tagquery_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.tagquery IS
	'tagpath pattern with lquery''s syntax (*, {n,m}, !, |, @ case-insensitive, * prefix, % words) and quoted labels';

CREATE FUNCTION @extschema@.tagpath_matches(@extschema@.tagpath, @extschema@.tagquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_matches_any(@extschema@.tagpath, @extschema@.tagquery[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.~ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@.tagpath_matches,
	COMMUTATOR = OPERATOR(@extschema@.~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.~ (
	LEFTARG = @extschema@.tagquery, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_matches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^~ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@.tagpath_matches,
	COMMUTATOR = OPERATOR(@extschema@.^~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^~ (
	LEFTARG = @extschema@.tagquery, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_matches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.? (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagquery[], PROCEDURE = @extschema@.tagpath_matches_any,
	COMMUTATOR = OPERATOR(@extschema@.?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.? (
	LEFTARG = @extschema@.tagquery[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_matches_any_commuted,
	COMMUTATOR = OPERATOR(@extschema@.?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^? (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagquery[], PROCEDURE = @extschema@.tagpath_matches_any,
	COMMUTATOR = OPERATOR(@extschema@.^?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^? (
	LEFTARG = @extschema@.tagquery[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_matches_any_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);

--
-- tagpath[]
--

CREATE FUNCTION @extschema@._tagpath_isparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_r_isparent(@extschema@.tagpath, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_risparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_r_risparent(@extschema@.tagpath, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_matches(@extschema@.tagpath[], @extschema@.tagquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_matches_any(@extschema@.tagpath[], @extschema@.tagquery[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_extract_isparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_extract_risparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_extract_matches(@extschema@.tagpath[], @extschema@.tagquery) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.lca(@extschema@.tagpath[]) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', '_tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_r_isparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_r_risparent,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@> (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.^<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_r_isparent,
	COMMUTATOR = OPERATOR(@extschema@.^@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^<@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.^@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@> (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_r_risparent,
	COMMUTATOR = OPERATOR(@extschema@.^<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.~ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@._tagpath_matches,
	COMMUTATOR = OPERATOR(@extschema@.~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.~ (
	LEFTARG = @extschema@.tagquery, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_matches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^~ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@._tagpath_matches,
	COMMUTATOR = OPERATOR(@extschema@.^~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^~ (
	LEFTARG = @extschema@.tagquery, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_matches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.? (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery[], PROCEDURE = @extschema@._tagpath_matches_any,
	COMMUTATOR = OPERATOR(@extschema@.?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.? (
	LEFTARG = @extschema@.tagquery[], RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_matches_any_commuted,
	COMMUTATOR = OPERATOR(@extschema@.?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^? (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery[], PROCEDURE = @extschema@._tagpath_matches_any,
	COMMUTATOR = OPERATOR(@extschema@.^?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^? (
	LEFTARG = @extschema@.tagquery[], RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_matches_any_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^?),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.?@> (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_extract_isparent);
CREATE OPERATOR @extschema@.?<@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_extract_risparent);
CREATE OPERATOR @extschema@.?~ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@._tagpath_extract_matches);

-- run-time bounds for the btree rewrite of <@ and @> (tagpath_support.c)
CREATE FUNCTION @extschema@.tagpath_subtree_end(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_prefixes(@extschema@.tagpath) RETURNS @extschema@.tagpath[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.label_casefold(text) RETURNS text
	AS 'MODULE_PATHNAME', 'tagstore_casefold_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.label_casefold(@extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', 'tagpath_casefold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

--
-- tagtxtquery: ltxtquery's boolean search over labels
--

CREATE TYPE @extschema@.tagtxtquery;

CREATE FUNCTION @extschema@.tagtxtquery_in(cstring) RETURNS @extschema@.tagtxtquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagtxtquery_out(@extschema@.tagtxtquery) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagtxtquery_recv(internal) RETURNS @extschema@.tagtxtquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagtxtquery_send(@extschema@.tagtxtquery) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tagtxtquery (
	INPUT = @extschema@.tagtxtquery_in,
	OUTPUT = @extschema@.tagtxtquery_out,
	RECEIVE = @extschema@.tagtxtquery_recv,
	SEND = @extschema@.tagtxtquery_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);
COMMENT ON TYPE @extschema@.tagtxtquery IS
	'boolean search over labels with ltxtquery''s syntax (Europe & Russia*@ & !Transport)';

CREATE FUNCTION @extschema@.tagpath_txtmatches(@extschema@.tagpath, @extschema@.tagtxtquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._tagpath_extract_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@.tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagtxtquery, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_txtmatches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@._tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagtxtquery, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_txtmatches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@.tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.^@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@ (
	LEFTARG = @extschema@.tagtxtquery, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_txtmatches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@._tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.^@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.^@ (
	LEFTARG = @extschema@.tagtxtquery, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_txtmatches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.^@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.?@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@._tagpath_extract_txtmatches);

--
-- GiST
--

CREATE TYPE @extschema@.tagpath_gist;
CREATE FUNCTION @extschema@.tagpath_gist_in(cstring) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_out(@extschema@.tagpath_gist) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.tagpath_gist (
	INTERNALLENGTH = VARIABLE,
	INPUT = @extschema@.tagpath_gist_in,
	OUTPUT = @extschema@.tagpath_gist_out,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.tagpath_gist IS 'GiST index key of tagpath and tagpath[] (internal)';

CREATE FUNCTION @extschema@.tagpath_gist_consistent(internal, @extschema@.tagpath, int2, oid, internal) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_compress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_decompress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_union(internal, internal) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_gist_options(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OPERATOR CLASS @extschema@.gist_tagpath_ops
	DEFAULT FOR TYPE @extschema@.tagpath USING gist AS
	OPERATOR 1 @extschema@.<,
	OPERATOR 2 @extschema@.<=,
	OPERATOR 3 @extschema@.=,
	OPERATOR 4 @extschema@.>=,
	OPERATOR 5 @extschema@.>,
	OPERATOR 10 @extschema@.@> (@extschema@.tagpath, @extschema@.tagpath),
	OPERATOR 11 @extschema@.<@ (@extschema@.tagpath, @extschema@.tagpath),
	OPERATOR 12 @extschema@.~ (@extschema@.tagpath, @extschema@.tagquery),
	OPERATOR 14 @extschema@.@ (@extschema@.tagpath, @extschema@.tagtxtquery),
	OPERATOR 16 @extschema@.? (@extschema@.tagpath, @extschema@.tagquery[]),
	FUNCTION 1 @extschema@.tagpath_gist_consistent(internal, @extschema@.tagpath, int2, oid, internal),
	FUNCTION 2 @extschema@.tagpath_gist_union(internal, internal),
	FUNCTION 3 @extschema@.tagpath_gist_compress(internal),
	FUNCTION 4 @extschema@.tagpath_gist_decompress(internal),
	FUNCTION 5 @extschema@.tagpath_gist_penalty(internal, internal, internal),
	FUNCTION 6 @extschema@.tagpath_gist_picksplit(internal, internal),
	FUNCTION 7 @extschema@.tagpath_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal),
	FUNCTION 10 (@extschema@.tagpath) @extschema@.tagpath_gist_options(internal),
	STORAGE @extschema@.tagpath_gist;

CREATE FUNCTION @extschema@.tagpath_array_gist_consistent(internal, @extschema@.tagpath[], int2, oid, internal) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_compress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_decompress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_union(internal, internal) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'tagpath_gist_same' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.tagpath_array_gist_options(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OPERATOR CLASS @extschema@.gist__tagpath_ops
	DEFAULT FOR TYPE @extschema@.tagpath[] USING gist AS
	OPERATOR 10 @extschema@.@> (@extschema@.tagpath[], @extschema@.tagpath),
	OPERATOR 11 @extschema@.<@ (@extschema@.tagpath[], @extschema@.tagpath),
	OPERATOR 12 @extschema@.~ (@extschema@.tagpath[], @extschema@.tagquery),
	OPERATOR 14 @extschema@.@ (@extschema@.tagpath[], @extschema@.tagtxtquery),
	OPERATOR 16 @extschema@.? (@extschema@.tagpath[], @extschema@.tagquery[]),
	FUNCTION 1 @extschema@.tagpath_array_gist_consistent(internal, @extschema@.tagpath[], int2, oid, internal),
	FUNCTION 2 @extschema@.tagpath_array_gist_union(internal, internal),
	FUNCTION 3 @extschema@.tagpath_array_gist_compress(internal),
	FUNCTION 4 @extschema@.tagpath_array_gist_decompress(internal),
	FUNCTION 5 @extschema@.tagpath_array_gist_penalty(internal, internal, internal),
	FUNCTION 6 @extschema@.tagpath_array_gist_picksplit(internal, internal),
	FUNCTION 7 @extschema@.tagpath_array_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal),
	FUNCTION 10 (@extschema@.tagpath[]) @extschema@.tagpath_array_gist_options(internal),
	STORAGE @extschema@.tagpath_gist;

--
-- The tagstore API lives in its own schema, created and dropped with the
-- extension; the types above live in the schema CREATE EXTENSION chose.
--
CREATE SCHEMA tagstore;
COMMENT ON SCHEMA tagstore IS 'tagstore: taxonomies, tags, entities and taggings';

--
-- Documentation: \dT+, \df+ and \do+ in psql read these.
--
COMMENT ON TYPE @extschema@.tagpath_gist IS 'GiST index key of tagpath and tagpath[] (internal)';
COMMENT ON FUNCTION @extschema@.tagpath_cmp(@extschema@.tagpath, @extschema@.tagpath) IS 'three-way comparison in ltree order (-1, 0, 1)';
COMMENT ON FUNCTION @extschema@.nlevel(@extschema@.tagpath) IS 'number of labels in the path';
COMMENT ON FUNCTION @extschema@.subltree(@extschema@.tagpath, int4, int4) IS 'labels from start (inclusive) to end (exclusive), counting from 0';
COMMENT ON FUNCTION @extschema@.subpath(@extschema@.tagpath, int4, int4) IS 'len labels from offset; negative offset counts from the end, negative len leaves labels off the end';
COMMENT ON FUNCTION @extschema@.subpath(@extschema@.tagpath, int4) IS 'labels from offset to the end; negative offset counts from the end';
COMMENT ON FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath) IS 'position of the first occurrence of the second path in the first, or -1';
COMMENT ON FUNCTION @extschema@.index(@extschema@.tagpath, @extschema@.tagpath, int4) IS 'position of the first occurrence at or after offset (negative: from the end), or -1';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath[]) IS 'longest common ancestor of the paths in the array (as ltree: a proper ancestor of each)';
COMMENT ON FUNCTION @extschema@.parent(@extschema@.tagpath) IS 'the path without its last label; NULL for the empty path';
COMMENT ON FUNCTION @extschema@.leaf(@extschema@.tagpath) IS 'the last label; NULL for the empty path';
COMMENT ON FUNCTION @extschema@.labels(@extschema@.tagpath) IS 'the labels, root first, unquoted';
COMMENT ON FUNCTION @extschema@.tagpath(text[]) IS 'a path from its labels; no quoting needed';
COMMENT ON FUNCTION @extschema@.text2tagpath(text) IS 'parse a tagpath literal';
COMMENT ON FUNCTION @extschema@.tagpath2text(@extschema@.tagpath) IS 'canonical literal of a path (labels quoted only where needed)';
COMMENT ON FUNCTION @extschema@.label_casefold(@extschema@.tagpath) IS 'the path with every label folded as label_casefold(text) folds it';
COMMENT ON FUNCTION @extschema@.label_casefold(text) IS 'the folding that case-insensitive matching uses: NFC(full Unicode case folding(NFD(label))), independent of locale';
COMMENT ON FUNCTION @extschema@.tagpath_subtree_end(@extschema@.tagpath) IS 'smallest key after the subtree of a path (internal: btree rewrite of <@)';
COMMENT ON FUNCTION @extschema@.tagpath_prefixes(@extschema@.tagpath) IS 'the path and all its ancestors, root first (internal: btree rewrite of @>)';
COMMENT ON OPERATOR @extschema@.@> (@extschema@.tagpath, @extschema@.tagpath) IS 'is left an ancestor of right (or equal)?';
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.tagpath, @extschema@.tagpath) IS 'is left a descendant of right (or equal)?';
COMMENT ON OPERATOR @extschema@.~ (@extschema@.tagpath, @extschema@.tagquery) IS 'does the path match the pattern?';
COMMENT ON OPERATOR @extschema@.? (@extschema@.tagpath, @extschema@.tagquery[]) IS 'does the path match any of the patterns?';
COMMENT ON OPERATOR @extschema@.|| (@extschema@.tagpath, @extschema@.tagpath) IS 'concatenate paths';
COMMENT ON OPERATOR @extschema@.@> (@extschema@.tagpath[], @extschema@.tagpath) IS 'does the array hold an ancestor of the path?';
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.tagpath[], @extschema@.tagpath) IS 'does the array hold a descendant of the path?';
COMMENT ON OPERATOR @extschema@.~ (@extschema@.tagpath[], @extschema@.tagquery) IS 'does the array hold a path matching the pattern?';
COMMENT ON OPERATOR @extschema@.? (@extschema@.tagpath[], @extschema@.tagquery[]) IS 'does the array hold a path matching any of the patterns?';
COMMENT ON OPERATOR @extschema@.?@> (@extschema@.tagpath[], @extschema@.tagpath) IS 'first element that is an ancestor of the path';
COMMENT ON OPERATOR @extschema@.?<@ (@extschema@.tagpath[], @extschema@.tagpath) IS 'first element that is a descendant of the path';
COMMENT ON OPERATOR @extschema@.?~ (@extschema@.tagpath[], @extschema@.tagquery) IS 'first element that matches the pattern';
COMMENT ON OPERATOR @extschema@.@ (@extschema@.tagpath, @extschema@.tagtxtquery) IS 'do the path''s labels satisfy the boolean search?';
COMMENT ON OPERATOR @extschema@.@ (@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'does the array hold a path satisfying the boolean search?';
COMMENT ON OPERATOR @extschema@.?@ (@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'first element satisfying the boolean search';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';
COMMENT ON FUNCTION @extschema@.lca(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath) IS 'longest common ancestor (as ltree: a proper ancestor of each path; NULL if any is empty)';

--
-- The tagstore API (schema tagstore)
--
-- Storage.  A tag's key is its path case-folded, taxonomy name first: it is
-- unique (so siblings are unique case-insensitively), names resolve by one
-- lookup, and a subtree is a key range of its btree (see tagstore.h).
-- Taggings point at tag ids, so renaming or moving a subtree rewrites tag
-- rows only, never taggings.
--
-- History.  Every change to a tag or a tagging makes a revision (number,
-- actor, time, operation, full state).  The current revision is the row
-- itself; a change first archives the row it supersedes into tag_revision
-- or tagging_revision, so an object that never changed has no history rows
-- and a new tagging is a single insert.  A deleted tag leaves the tag table,
-- so the foreign key from tagging guarantees no tagging points at it, and
-- leaves a tombstone that maps its name to its id, so that creating the name
-- again continues the same tag's revisions.
--

CREATE TABLE tagstore.taxonomy (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	name text NOT NULL,
	name_key text NOT NULL,
	description text,
	owner_id text,
	free_form boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT taxonomy_name_key UNIQUE (name_key)
);

CREATE TABLE tagstore.tag (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	taxonomy_id uuid NOT NULL REFERENCES tagstore.taxonomy ON DELETE CASCADE,
	parent_id bigint REFERENCES tagstore.tag ON DELETE CASCADE,
	value text NOT NULL,
	path @extschema@.tagpath NOT NULL,
	key @extschema@.tagpath NOT NULL,
	external_id text,
	description text,
	category text,
	originator text NOT NULL,
	-- the current revision: its number, operation, actor and time
	revision integer NOT NULL DEFAULT 1,
	operation text NOT NULL DEFAULT 'create',
	actor text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT tag_key UNIQUE (key)
);
CREATE INDEX tag_parent_idx ON tagstore.tag (parent_id);
CREATE INDEX tag_taxonomy_idx ON tagstore.tag (taxonomy_id);

CREATE TABLE tagstore.tag_tombstone (
	id bigint PRIMARY KEY,
	taxonomy_id uuid NOT NULL REFERENCES tagstore.taxonomy ON DELETE CASCADE,
	key @extschema@.tagpath NOT NULL,
	path @extschema@.tagpath NOT NULL,
	revision integer NOT NULL,
	deleted_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX tag_tombstone_key_idx ON tagstore.tag_tombstone (key);

CREATE TABLE tagstore.tag_revision (
	tag_id bigint NOT NULL,
	revision integer NOT NULL,
	operation text NOT NULL CHECK (operation IN ('create', 'update', 'rename', 'move', 'delete')),
	actor text NOT NULL,
	at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	state jsonb NOT NULL,
	PRIMARY KEY (tag_id, revision)
);

CREATE TABLE tagstore.entity (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	entity_type text NOT NULL,
	external_id text NOT NULL,
	CONSTRAINT entity_name UNIQUE (entity_type, external_id)
);

-- An entity as searches return it, by name.  A named type rather than
-- RETURNS TABLE: the planner takes the row's shape from the type cache
-- instead of rebuilding it from the function's parameter lists per call.
CREATE TYPE tagstore.entity_ref AS (entity_type text, external_id text);

CREATE TABLE tagstore.tagging (
	tag_id bigint NOT NULL REFERENCES tagstore.tag ON DELETE CASCADE,
	entity_id bigint NOT NULL REFERENCES tagstore.entity ON DELETE CASCADE,
	data jsonb,
	-- the current revision: its number, operation, actor and time
	revision integer NOT NULL DEFAULT 1,
	operation text NOT NULL DEFAULT 'tag',
	tagged_by text NOT NULL,
	tagged_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (tag_id, entity_id)
);
CREATE INDEX tagging_entity_idx ON tagstore.tagging (entity_id);
CREATE INDEX tagging_data_idx ON tagstore.tagging USING gin (data jsonb_path_ops) WHERE data IS NOT NULL;

CREATE TABLE tagstore.tagging_revision (
	tag_id bigint NOT NULL,
	entity_id bigint NOT NULL,
	revision integer NOT NULL,
	operation text NOT NULL CHECK (operation IN ('tag', 'retag', 'untag')),
	actor text NOT NULL,
	at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	state jsonb NOT NULL,
	PRIMARY KEY (tag_id, entity_id, revision)
);

-- pg_dump keeps the data
SELECT pg_catalog.pg_extension_config_dump('tagstore.taxonomy', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tag', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tag_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tag_tombstone', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tag_revision', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.entity', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.entity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tagging', '');
SELECT pg_catalog.pg_extension_config_dump('tagstore.tagging_revision', '');

-- Closure postings (src/tagstore_posting.c): for tags with large subtrees,
-- the entities tagged anywhere under them, kept ready to read.  Writers only
-- append to posting_change; refresh_postings folds it in.  Postings are a
-- cache of the taggings: pg_dump leaves them out, and refresh_postings(true)
-- rebuilds them after a restore.
CREATE TABLE tagstore.posted_tag (
	tag_id bigint PRIMARY KEY REFERENCES tagstore.tag ON DELETE CASCADE,
	stale boolean NOT NULL DEFAULT true,
	entities bigint
);

CREATE TABLE tagstore.posting (
	tag_id bigint NOT NULL REFERENCES tagstore.posted_tag ON DELETE CASCADE,
	chunk bigint NOT NULL,
	members bytea NOT NULL,
	PRIMARY KEY (tag_id, chunk)
);
-- Chunks over 2 kB go to TOAST uncompressed: pglz shrank a few lists of
-- dense ids by a third, and decompressing them cost a broad read of 64,000
-- members 40% of its time.
ALTER TABLE tagstore.posting ALTER COLUMN members SET STORAGE EXTERNAL;

CREATE TABLE tagstore.posting_change (
	tag_id bigint NOT NULL,
	entity_id bigint NOT NULL
);

CREATE FUNCTION tagstore._tagging_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'tagstore_tagging_changed' LANGUAGE C;
CREATE TRIGGER tagging_changed BEFORE INSERT OR DELETE OR UPDATE OF tag_id, entity_id
	ON tagstore.tagging FOR EACH ROW EXECUTE FUNCTION tagstore._tagging_changed();

-- A tag moved or deleted changes its ancestors' subtrees: their postings
-- are stale until the next refresh_postings.
CREATE FUNCTION tagstore._subtree_changed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p bigint;
BEGIN
	FOREACH p IN ARRAY ARRAY[OLD.parent_id, CASE WHEN TG_OP = 'UPDATE' THEN NEW.parent_id END] LOOP
		WHILE p IS NOT NULL LOOP
			UPDATE tagstore.posted_tag SET stale = true WHERE tag_id = p AND NOT stale;
			SELECT parent_id INTO p FROM tagstore.tag WHERE id = p;
		END LOOP;
	END LOOP;
	RETURN NULL;
END $$;
CREATE TRIGGER tag_deleted AFTER DELETE ON tagstore.tag
	FOR EACH ROW EXECUTE FUNCTION tagstore._subtree_changed();
CREATE TRIGGER tag_moved AFTER UPDATE OF parent_id ON tagstore.tag
	FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
	EXECUTE FUNCTION tagstore._subtree_changed();

-- TRUNCATE skips row triggers: every posting goes stale.
CREATE FUNCTION tagstore._taggings_truncated() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	UPDATE tagstore.posted_tag SET stale = true WHERE NOT stale;
	RETURN NULL;
END $$;
CREATE TRIGGER taggings_truncated BEFORE TRUNCATE ON tagstore.tagging
	FOR EACH STATEMENT EXECUTE FUNCTION tagstore._taggings_truncated();

-- how the postings stand: what to watch when scheduling refresh_postings
CREATE VIEW tagstore.posting_status AS
SELECT (SELECT count(*) FROM tagstore.posted_tag) AS posted_tags,
	   (SELECT count(*) FROM tagstore.posted_tag WHERE stale) AS stale_tags,
	   (SELECT count(*) FROM tagstore.posting_change) AS pending_changes,
	   pg_catalog.pg_total_relation_size('tagstore.posting') AS posting_bytes;

CREATE FUNCTION tagstore.refresh_postings(rebuild boolean DEFAULT false,
										  min_taggings integer DEFAULT 2000) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_refresh_postings' LANGUAGE C VOLATILE;

COMMENT ON TABLE tagstore.taxonomy IS 'taxonomies: named sets or trees of tags';
COMMENT ON TABLE tagstore.tag IS 'live tags; key is the case-folded path, unique';
COMMENT ON TABLE tagstore.tag_tombstone IS 'deleted tags: name to id, so that re-creating a name continues its revisions';
COMMENT ON TABLE tagstore.tag_revision IS 'superseded revisions of tags, and their tombstones';
COMMENT ON TABLE tagstore.entity IS 'tagged entities, named by (entity_type, external_id)';
COMMENT ON TYPE tagstore.entity_ref IS 'an entity by name, as searches return it';
COMMENT ON TABLE tagstore.tagging IS 'which entity carries which tag, with optional data';
COMMENT ON TABLE tagstore.tagging_revision IS 'superseded revisions of taggings, and their tombstones';
COMMENT ON TABLE tagstore.posted_tag IS 'tags whose subtree''s entities are kept in tagstore.posting; stale ones are not read';
COMMENT ON TABLE tagstore.posting IS 'per posted tag, the entities tagged under it, in chunks of 65536 ids';
COMMENT ON TABLE tagstore.posting_change IS 'taggings written since the postings were refreshed';
COMMENT ON VIEW tagstore.posting_status IS 'posted and stale tags, pending changes and the postings'' size';
COMMENT ON FUNCTION tagstore._tagging_changed() IS 'internal trigger: logs tagging changes for the postings';
COMMENT ON FUNCTION tagstore._subtree_changed() IS 'internal trigger: a moved or deleted tag makes its ancestors'' postings stale';
COMMENT ON FUNCTION tagstore._taggings_truncated() IS 'internal trigger: TRUNCATE of tagging makes every posting stale';
COMMENT ON FUNCTION tagstore.refresh_postings(boolean, integer) IS
	'folds pending tagging changes into the closure postings and rebuilds stale ones; rebuild => true re-chooses the posted tags (subtrees with at least min_taggings taggings)';

--
-- Internal helpers
--

-- Who is acting: the setting tagstore.actor, else session_user.
CREATE FUNCTION tagstore.current_actor() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(nullif(current_setting('tagstore.actor', true), ''), session_user::text)
$$;

-- Checks a taxonomy name or tag value and returns it in NFC.
CREATE FUNCTION tagstore._clean_label(value text, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM tagstore._check_text(value, what, 4096);
	IF value ~ '^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]$' THEN
		RAISE EXCEPTION '% % has leading or trailing whitespace', what, quote_literal(value)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF current_setting('server_encoding') = 'UTF8' THEN
		RETURN normalize(value, NFC);
	END IF;
	RETURN value;
END $$;

-- Checks an optional text field: NULL passes; empty, too long or holding
-- control characters is an error naming the field.
CREATE FUNCTION tagstore._check_text(value text, what text, max_length int) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	bad text;
BEGIN
	IF value IS NULL THEN
		RETURN NULL;
	END IF;
	IF value = '' THEN
		RAISE EXCEPTION '% must not be empty', what USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF length(value) > max_length THEN
		RAISE EXCEPTION '% is too long: % characters, the maximum is %', what, length(value), max_length
			USING ERRCODE = 'string_data_right_truncation';
	END IF;
	bad := substring(value from '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]');
	IF bad IS NULL AND what NOT IN ('description') THEN
		bad := substring(value from '[\t\n\r]');	-- only a description may span lines
	END IF;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION '% % contains a control character',
			what, quote_literal(regexp_replace(value, '[\x01-\x1f\x7f-\x9f]', '?', 'g'))
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Control character U+%s at character %s.',
								  lpad(upper(to_hex(ascii(bad))), 4, '0'), strpos(value, bad));
	END IF;
	RETURN value;
END $$;

-- The value, or an error if it is NULL.
CREATE FUNCTION tagstore._required(value anyelement, what text) RETURNS anyelement
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF value IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN value;
END $$;

-- The taxonomy of that name (case-insensitively), locked as asked, or an error.
CREATE FUNCTION tagstore._taxonomy(p_name text, p_lock text DEFAULT 'none') RETURNS tagstore.taxonomy
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy;
BEGIN
	IF p_name IS NULL THEN
		RAISE EXCEPTION 'taxonomy must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_lock = 'exclusive' THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name) FOR UPDATE;
	ELSIF p_lock = 'shared' THEN
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name) FOR SHARE;
	ELSE
		SELECT * INTO t FROM tagstore.taxonomy x WHERE x.name_key = label_casefold(p_name);
	END IF;
	IF t.id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" does not exist', p_name USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;

-- Locks the taxonomy a tag name starts with, as asked.
CREATE FUNCTION tagstore._lock_taxonomy_of(tag @extschema@.tagpath, p_lock text) RETURNS tagstore.taxonomy
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT tagstore._taxonomy(leaf(subpath(tagstore._required(tag, 'tag'), 0, 1)), p_lock)
$$;

-- The live tag a path names (case-insensitively), or an error naming what is missing.
CREATE FUNCTION tagstore._tag(tag @extschema@.tagpath, what text DEFAULT 'tag') RETURNS tagstore.tag
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.tag;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', what USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO t FROM tagstore.tag g WHERE g.key = label_casefold(tag);
	IF t.id IS NULL THEN
		IF nlevel(tag) < 2 THEN
			RAISE EXCEPTION '% "%" does not exist', what, tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
		END IF;
		PERFORM tagstore._taxonomy(leaf(subpath(tag, 0, 1)));
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)) THEN
			RAISE EXCEPTION '% "%" was deleted', what, tag
				USING ERRCODE = 'undefined_object',
					  HINT = 'tagstore.tag_history() shows its revisions; tagstore.add_tag() creates it again.';
		END IF;
		RAISE EXCEPTION '% "%" does not exist', what, tag USING ERRCODE = 'undefined_object';
	END IF;
	RETURN t;
END $$;

-- The id of the tag a path names, live or deleted, for its history.
CREATE FUNCTION tagstore._tag_id_any(tag @extschema@.tagpath) RETURNS bigint
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	tid bigint;
BEGIN
	SELECT g.id INTO tid FROM tagstore.tag g WHERE g.key = label_casefold(tagstore._required(tag, 'tag'));
	IF tid IS NULL THEN
		SELECT d.id INTO tid FROM tagstore.tag_tombstone d WHERE d.key = label_casefold(tag)
		ORDER BY d.deleted_at DESC, d.id DESC LIMIT 1;
	END IF;
	IF tid IS NULL THEN
		PERFORM tagstore._tag(tag);		-- raises the right error
	END IF;
	RETURN tid;
END $$;

-- The full state of a tag, as revisions record it.
CREATE FUNCTION tagstore._tag_state(t tagstore.tag, deleted boolean DEFAULT false) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT jsonb_build_object(
		'id', t.id, 'taxonomy', x.name, 'path', t.path::text, 'value', t.value,
		'parent', CASE WHEN nlevel(t.path) > 2 THEN parent(t.path)::text END,
		'external_id', t.external_id, 'description', t.description, 'category', t.category,
		'originator', t.originator, 'revision', t.revision, 'deleted', deleted)
	FROM tagstore.taxonomy x WHERE x.id = t.taxonomy_id
$$;

-- Archives the current revision of the tags under a key (or of one tag),
-- before a change supersedes it.
CREATE FUNCTION tagstore._archive_tags(under_key @extschema@.tagpath, subtree boolean) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, at, state)
	SELECT t.id, t.revision, t.operation, t.actor, t.updated_at, tagstore._tag_state(t)
	FROM tagstore.tag t
	WHERE CASE WHEN subtree THEN t.key <@ under_key ELSE t.key = under_key END
$$;

-- Rewrites the names of a subtree after its root got a new one: a new
-- revision of every tag in it.
CREATE FUNCTION tagstore._rewrite_subtree(old_key @extschema@.tagpath,
	new_path @extschema@.tagpath, new_key @extschema@.tagpath, operation text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT tagstore._archive_tags(old_key, true);
	UPDATE tagstore.tag
	SET path = CASE WHEN key = old_key THEN new_path
					ELSE new_path || subpath(path, nlevel(old_key)) END,
		key = CASE WHEN key = old_key THEN new_key
				   ELSE new_key || subpath(key, nlevel(old_key)) END,
		revision = revision + 1,
		operation = _rewrite_subtree.operation,
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE key <@ old_key;
$$;

-- Checks the entity arguments every tagging function takes.
CREATE FUNCTION tagstore._check_entity(entity_type text, external_id text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF entity_type IS NULL OR entity_type = '' THEN
		RAISE EXCEPTION 'entity_type must not be NULL or empty' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF external_id IS NULL THEN
		RAISE EXCEPTION 'external_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
END $$;

-- Checks the entity arguments of the bulk tagging functions.
CREATE FUNCTION tagstore._check_entities(entity_type text, external_ids text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF external_ids IS NULL OR cardinality(external_ids) = 0 THEN
		RAISE EXCEPTION 'external_ids must not be NULL or empty' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF array_position(external_ids, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'external_ids must not contain NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  DETAIL = format('Element %s is NULL.', array_position(external_ids, NULL));
	END IF;
	PERFORM tagstore._check_entity(entity_type, '');
END $$;

-- Checks tagging data: at most 32 kB encoded.
CREATE FUNCTION tagstore._check_data(data jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	IF data IS NOT NULL AND octet_length(data::text) > 32768 THEN
		RAISE EXCEPTION 'tagging data is too large: % bytes, the maximum is 32768', octet_length(data::text)
			USING ERRCODE = 'program_limit_exceeded';
	END IF;
	RETURN data;
END $$;

-- The id of an entity, created if new.
CREATE FUNCTION tagstore._entity_id(p_type text, p_external_id text) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	eid bigint;
BEGIN
	PERFORM tagstore._check_entity(p_type, p_external_id);
	SELECT id INTO eid FROM tagstore.entity WHERE entity_type = p_type AND external_id = p_external_id;
	IF eid IS NULL THEN
		INSERT INTO tagstore.entity (entity_type, external_id) VALUES (p_type, p_external_id)
			ON CONFLICT DO NOTHING RETURNING id INTO eid;
		IF eid IS NULL THEN		-- a concurrent transaction created it
			SELECT id INTO eid FROM tagstore.entity WHERE entity_type = p_type AND external_id = p_external_id;
		END IF;
	END IF;
	RETURN eid;
END $$;

--
-- Taxonomies
--

CREATE FUNCTION tagstore.create_taxonomy(name text, description text DEFAULT NULL,
	owner_id text DEFAULT NULL, free_form boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	clean text := tagstore._clean_label(name, 'taxonomy name');
	new_id uuid;
BEGIN
	IF free_form IS NULL THEN
		RAISE EXCEPTION 'free_form must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	INSERT INTO tagstore.taxonomy (name, name_key, description, owner_id, free_form)
	VALUES (clean, label_casefold(clean), tagstore._check_text(description, 'description', 4000),
			owner_id, free_form)
	ON CONFLICT (name_key) DO NOTHING
	RETURNING id INTO new_id;
	IF new_id IS NULL THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	RETURN new_id;
END $$;

CREATE FUNCTION tagstore.rename_taxonomy(name text, new_name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(name, 'exclusive');
	clean text := tagstore._clean_label(new_name, 'taxonomy name');
	root tagstore.tag;
BEGIN
	IF label_casefold(clean) <> t.name_key
	   AND EXISTS (SELECT 1 FROM tagstore.taxonomy WHERE name_key = label_casefold(clean)) THEN
		RAISE EXCEPTION 'taxonomy "%" already exists', clean USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.taxonomy SET name = clean, name_key = label_casefold(clean) WHERE id = t.id;
	-- every tag's name changes: each root subtree is rewritten, with revisions
	FOR root IN SELECT * FROM tagstore.tag WHERE taxonomy_id = t.id AND parent_id IS NULL LOOP
		PERFORM tagstore._rewrite_subtree(root.key,
			tagpath(ARRAY[clean]) || subpath(root.path, 1),
			tagpath(ARRAY[label_casefold(clean)]) || subpath(root.key, 1), 'rename');
	END LOOP;
	UPDATE tagstore.tag_tombstone
	SET path = tagpath(ARRAY[clean]) || subpath(path, 1),
		key = tagpath(ARRAY[label_casefold(clean)]) || subpath(key, 1)
	WHERE taxonomy_id = t.id;
END $$;

-- drop_taxonomy: the taxonomy, its tags, their taggings and all their history.
CREATE FUNCTION tagstore.drop_taxonomy(name text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(name, 'exclusive');
	ids bigint[];
BEGIN
	ids := ARRAY(SELECT id FROM tagstore.tag WHERE taxonomy_id = t.id
				 UNION ALL SELECT id FROM tagstore.tag_tombstone WHERE taxonomy_id = t.id);
	DELETE FROM tagstore.tagging_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.tag_revision WHERE tag_id = ANY (ids);
	DELETE FROM tagstore.taxonomy WHERE id = t.id;
END $$;

CREATE VIEW tagstore.taxonomies AS
	SELECT x.id, x.name, x.description, x.owner_id, x.free_form,
		   (SELECT pg_catalog.count(*) FROM tagstore.tag g WHERE g.taxonomy_id = x.id) AS tag_count,
		   x.created_at
	FROM tagstore.taxonomy x
	ORDER BY x.name_key;

--
-- Tags
--

CREATE FUNCTION tagstore.add_tag(taxonomy text, value text, parent @extschema@.tagpath DEFAULT NULL,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	-- shared: many may add at once, but not while the tree is being reshaped
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy, 'shared');
	clean text := tagstore._clean_label(value, 'tag value');
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
	grave tagstore.tag_tombstone;
	created tagstore.tag;
BEGIN
	PERFORM tagstore._check_text(description, 'description', 4000),
			tagstore._check_text(category, 'category', 1030),
			tagstore._check_text(external_id, 'external_id', 1030);
	IF parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, clean]);
		new_key := tagpath(ARRAY[t.name_key, label_casefold(clean)]);
	ELSE
		p := tagstore._tag(parent, 'parent tag');
		IF p.taxonomy_id <> t.id THEN
			RAISE EXCEPTION 'parent tag "%" is not in taxonomy "%"', p.path, t.name
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		new_path := p.path || tagpath(ARRAY[clean]);
		new_key := p.key || tagpath(ARRAY[label_casefold(clean)]);
	END IF;

	IF EXISTS (SELECT 1 FROM tagstore.tag g WHERE g.key = new_key) THEN
		RETURN (SELECT g.path FROM tagstore.tag g WHERE g.key = new_key);
	END IF;
	-- a deleted tag of this name comes back with its id and its revisions
	SELECT * INTO grave FROM tagstore.tag_tombstone d WHERE d.key = new_key
	ORDER BY deleted_at DESC, id DESC LIMIT 1;

	INSERT INTO tagstore.tag AS g (id, taxonomy_id, parent_id, value, path, key, external_id,
								   description, category, originator, revision, operation, actor)
	VALUES (coalesce(grave.id, nextval(pg_get_serial_sequence('tagstore.tag', 'id'))),
			t.id, p.id, clean, new_path, new_key, add_tag.external_id,
			add_tag.description, add_tag.category, tagstore.current_actor(),
			coalesce(grave.revision + 1, 1), 'create', tagstore.current_actor())
	ON CONFLICT (key) DO NOTHING
	RETURNING * INTO created;
	IF created.id IS NULL THEN		-- a concurrent transaction created it
		RETURN (SELECT g.path FROM tagstore.tag g WHERE g.key = new_key);
	END IF;
	DELETE FROM tagstore.tag_tombstone d WHERE d.id = created.id;
	RETURN created.path;
END $$;

-- add_tag('Biology.animal.mammal'): the tag and any missing ancestors, like mkdir -p.
CREATE FUNCTION tagstore.add_tag(tag @extschema@.tagpath) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	parent tagpath;
	labels text[];
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	labels := labels(tag);
	IF cardinality(labels) < 2 THEN
		RAISE EXCEPTION 'tag "%" names no tag', tag
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'A tag is named by its taxonomy, then its labels from the root: ''Biology.animal''.';
	END IF;
	FOR i IN 2 .. cardinality(labels) LOOP
		parent := tagstore.add_tag(labels[1], labels[i], parent);
	END LOOP;
	RETURN parent;
END $$;

-- update_tag: change metadata; with expected_revision, a stale revision is
-- refused with SQLSTATE TS409 (map it to HTTP 409); returns the new revision.
CREATE FUNCTION tagstore.update_tag(tag @extschema@.tagpath, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag := tagstore._tag(tag);
BEGIN
	PERFORM tagstore._check_text(description, 'description', 4000),
			tagstore._check_text(category, 'category', 1030),
			tagstore._check_text(external_id, 'external_id', 1030);
	IF clear_category AND category IS NOT NULL THEN
		RAISE EXCEPTION 'category and clear_category => true contradict each other'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the row lock serialises concurrent updates: none is lost
	SELECT * INTO g FROM tagstore.tag WHERE id = g.id FOR UPDATE;
	IF g.id IS NULL THEN
		PERFORM tagstore._tag(tag);		-- deleted meanwhile: raises the right error
	END IF;
	IF expected_revision IS NOT NULL AND g.revision <> expected_revision THEN
		RAISE EXCEPTION 'tag "%" is at revision %, not %', g.path, g.revision, expected_revision
			USING ERRCODE = 'TS409',
				  DETAIL = 'Another change was saved since that revision was read.',
				  HINT = 'Read the tag again (tagstore.tag_history or tagstore.search_tags) and retry.';
	END IF;
	PERFORM tagstore._archive_tags(g.key, false);
	UPDATE tagstore.tag x
	SET description = coalesce(update_tag.description, x.description),
		category = CASE WHEN clear_category THEN NULL ELSE coalesce(update_tag.category, x.category) END,
		external_id = coalesce(update_tag.external_id, x.external_id),
		revision = x.revision + 1,
		operation = 'update',
		actor = tagstore.current_actor(),
		updated_at = now()
	WHERE x.id = g.id
	RETURNING * INTO g;
	RETURN g.revision;
END $$;

-- Untags every entity under a subtree: each tagging's last revision is
-- archived, followed by its tombstone.
CREATE FUNCTION tagstore._untag_subtree(subtree_key @extschema@.tagpath) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	WITH gone AS (
		DELETE FROM tagstore.tagging x
		USING tagstore.tag t
		WHERE t.id = x.tag_id AND t.key <@ subtree_key
		RETURNING x.*, t.path
	)
	INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
	SELECT g.tag_id, g.entity_id, g.revision, g.operation, g.tagged_by, g.tagged_at,
		   tagstore._tagging_state(g.path, g.entity_id, g.data, false)
	FROM gone g
	UNION ALL
	SELECT g.tag_id, g.entity_id, g.revision + 1, 'untag', tagstore.current_actor(), now(),
		   tagstore._tagging_state(g.path, g.entity_id, NULL, true)
	FROM gone g
$$;

CREATE FUNCTION tagstore.remove_tag(tag @extschema@.tagpath, cascade boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
BEGIN
	PERFORM tagstore._lock_taxonomy_of(tag, 'exclusive');
	g := tagstore._tag(tag);
	IF NOT coalesce(cascade, false) AND EXISTS (SELECT 1 FROM tagstore.tag WHERE parent_id = g.id) THEN
		RAISE EXCEPTION 'tag "%" has child tags', g.path
			USING ERRCODE = 'dependent_objects_still_exist',
				  HINT = 'Remove them first, or use cascade => true to remove the whole subtree.';
	END IF;
	PERFORM tagstore._untag_subtree(g.key);
	PERFORM tagstore._archive_tags(g.key, true);
	WITH gone AS (
		DELETE FROM tagstore.tag WHERE key <@ g.key RETURNING *
	), graves AS (
		INSERT INTO tagstore.tag_tombstone (id, taxonomy_id, key, path, revision)
		SELECT id, taxonomy_id, key, path, revision + 1 FROM gone
	)
	INSERT INTO tagstore.tag_revision (tag_id, revision, operation, actor, state)
	SELECT d.id, d.revision + 1, 'delete', tagstore.current_actor(),
		   tagstore._tag_state(ROW(d.id, d.taxonomy_id, d.parent_id, d.value, d.path, d.key,
								   d.external_id, d.description, d.category, d.originator,
								   d.revision + 1, 'delete', tagstore.current_actor(),
								   d.created_at, now())::tagstore.tag, true)
	FROM gone d;
END $$;

CREATE FUNCTION tagstore.rename_tag(tag @extschema@.tagpath, new_value text) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
	clean text := tagstore._clean_label(new_value, 'tag value');
	new_path tagpath;
	new_key tagpath;
BEGIN
	PERFORM tagstore._lock_taxonomy_of(tag, 'exclusive');
	g := tagstore._tag(tag);
	new_path := parent(g.path) || tagpath(ARRAY[clean]);
	new_key := parent(g.key) || tagpath(ARRAY[label_casefold(clean)]);
	IF new_key <> g.key AND EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;
	IF new_path = g.path THEN
		RETURN g.path;
	END IF;
	UPDATE tagstore.tag SET value = clean WHERE id = g.id;
	PERFORM tagstore._rewrite_subtree(g.key, new_path, new_key, 'rename');
	RETURN new_path;
END $$;

-- move_tag(tag, new_parent): NULL makes it a root tag.
CREATE FUNCTION tagstore.move_tag(tag @extschema@.tagpath, new_parent @extschema@.tagpath) RETURNS @extschema@.tagpath
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._lock_taxonomy_of(tag, 'exclusive');
	g tagstore.tag := tagstore._tag(tag);
	p tagstore.tag;
	new_path tagpath;
	new_key tagpath;
BEGIN
	IF new_parent IS NULL THEN
		new_path := tagpath(ARRAY[t.name, g.value]);
		new_key := tagpath(ARRAY[t.name_key]) || subpath(g.key, -1);
	ELSE
		p := tagstore._tag(new_parent, 'parent tag');
		IF p.taxonomy_id <> g.taxonomy_id THEN
			RAISE EXCEPTION 'parent tag "%" is not in taxonomy "%"', p.path, t.name
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Tags move within their taxonomy.';
		END IF;
		IF p.key <@ g.key THEN
			RAISE EXCEPTION 'cannot move tag "%" under "%"', g.path, p.path
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'That would make the tag its own ancestor.';
		END IF;
		new_path := p.path || tagpath(ARRAY[g.value]);
		new_key := p.key || subpath(g.key, -1);
	END IF;
	IF new_key = g.key THEN
		RETURN g.path;
	END IF;
	IF EXISTS (SELECT 1 FROM tagstore.tag WHERE key = new_key) THEN
		RAISE EXCEPTION 'tag "%" already exists', (SELECT path FROM tagstore.tag WHERE key = new_key)
			USING ERRCODE = 'duplicate_object';
	END IF;
	UPDATE tagstore.tag SET parent_id = p.id WHERE id = g.id;
	PERFORM tagstore._rewrite_subtree(g.key, new_path, new_key, 'move');
	RETURN new_path;
END $$;

--
-- Tagging
--

-- The full state of a tagging, as revisions record it.
CREATE FUNCTION tagstore._tagging_state(tag @extschema@.tagpath, p_entity_id bigint, data jsonb,
	deleted boolean) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT jsonb_build_object('tag', tag::text, 'entity_type', e.entity_type,
							  'external_id', e.external_id, 'data', data, 'deleted', deleted)
	FROM tagstore.entity e WHERE e.id = p_entity_id
$$;

-- The tag to tag with: existing, or created as a root tag in a free-form taxonomy.
CREATE FUNCTION tagstore._tag_for_tagging(tag @extschema@.tagpath) RETURNS tagstore.tag
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	g tagstore.tag;
	t tagstore.taxonomy;
BEGIN
	IF tag IS NULL THEN
		RAISE EXCEPTION 'tag must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- KEY SHARE: a concurrent removal of the tag waits for us, or we for it
	SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
	IF g.id IS NULL AND nlevel(tag) = 2 THEN
		t := tagstore._taxonomy(leaf(subpath(tag, 0, 1)));
		IF t.free_form THEN
			PERFORM tagstore.add_tag(t.name, leaf(tag));
			SELECT * INTO g FROM tagstore.tag x WHERE x.key = label_casefold(tag) FOR KEY SHARE;
		END IF;
	END IF;
	IF g.id IS NULL THEN
		PERFORM tagstore._tag(tag);		-- raises the right error
	END IF;
	RETURN g;
END $$;

-- Tags entities with one tag: new taggings, changed data, or nothing to do;
-- one row per entity with what happened and the tagging's revision.  A new
-- tagging is one insert; a changed one archives the revision it supersedes.
CREATE FUNCTION tagstore._tag_entities(g tagstore.tag, entity_ids bigint[], p_data jsonb)
RETURNS TABLE (entity_id bigint, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
	actor text := tagstore.current_actor();
	fresh bigint[];
	fresh_revisions integer[];
	changed bigint[];
	changed_revisions integer[];
	rest bigint[];
BEGIN
	-- Lock the taggings that exist, in a statement of their own: if a
	-- concurrent untag or retag holds one, we wait for it, and the
	-- statements below see its outcome and number our revisions after it.
	PERFORM 1 FROM tagstore.tagging x
	WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
	ORDER BY x.entity_id FOR UPDATE;

	-- new taggings; one that comes back continues the old one's revisions
	WITH added AS (
		INSERT INTO tagstore.tagging (tag_id, entity_id, data, revision, operation, tagged_by)
		SELECT g.id, i.eid, p_data,
			   coalesce((SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = g.id AND r.entity_id = i.eid), 0) + 1,
			   'tag', actor
		FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
		ON CONFLICT DO NOTHING
		RETURNING entity_id, revision
	)
	SELECT array_agg(a.entity_id), array_agg(a.revision) INTO fresh, fresh_revisions FROM added a;

	rest := ARRAY(SELECT DISTINCT e FROM unnest(entity_ids) e
				  WHERE e <> ALL (coalesce(fresh, '{}')));
	IF cardinality(rest) > 0 THEN
		-- existing taggings whose data changes: lock them all (some may have
		-- been inserted concurrently meanwhile), archive, then update
		PERFORM 1 FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (rest)
		ORDER BY x.entity_id FOR UPDATE;
		WITH old AS (
			INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
			SELECT x.tag_id, x.entity_id, x.revision, x.operation, x.tagged_by, x.tagged_at,
				   tagstore._tagging_state(g.path, x.entity_id, x.data, false)
			FROM tagstore.tagging x
			WHERE x.tag_id = g.id AND x.entity_id = ANY (rest) AND x.data IS DISTINCT FROM p_data
			RETURNING entity_id
		), updated AS (
			UPDATE tagstore.tagging x
			SET data = p_data, revision = x.revision + 1, operation = 'retag',
				tagged_by = actor, tagged_at = now()
			FROM old
			WHERE x.tag_id = g.id AND x.entity_id = old.entity_id
			RETURNING x.entity_id, x.revision
		)
		SELECT array_agg(u.entity_id), array_agg(u.revision) INTO changed, changed_revisions FROM updated u;
	END IF;

	RETURN QUERY
	SELECT i.eid,
		   CASE WHEN f.ord IS NOT NULL THEN 'tagged'
				WHEN c.ord IS NOT NULL THEN 'retagged' ELSE 'already tagged' END,
		   coalesce(fresh_revisions[f.ord], changed_revisions[c.ord],
					(SELECT x.revision FROM tagstore.tagging x WHERE x.tag_id = g.id AND x.entity_id = i.eid))
	FROM (SELECT DISTINCT e AS eid FROM unnest(entity_ids) e) i
	LEFT JOIN unnest(fresh) WITH ORDINALITY f(eid, ord) ON f.eid = i.eid
	LEFT JOIN unnest(changed) WITH ORDINALITY c(eid, ord) ON c.eid = i.eid;
END $$;

-- Untags entities from one tag: each tagging's last revision is archived,
-- followed by its tombstone.
CREATE FUNCTION tagstore._untag_entities(g tagstore.tag, entity_ids bigint[])
RETURNS TABLE (entity_id bigint, status text, revision integer)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
	WITH gone AS (
		DELETE FROM tagstore.tagging x
		WHERE x.tag_id = g.id AND x.entity_id = ANY (entity_ids)
		RETURNING x.*
	), history AS (
		INSERT INTO tagstore.tagging_revision (tag_id, entity_id, revision, operation, actor, at, state)
		SELECT d.tag_id, d.entity_id, d.revision, d.operation, d.tagged_by, d.tagged_at,
			   tagstore._tagging_state(g.path, d.entity_id, d.data, false)
		FROM gone d
		UNION ALL
		SELECT d.tag_id, d.entity_id, d.revision + 1, 'untag', tagstore.current_actor(), now(),
			   tagstore._tagging_state(g.path, d.entity_id, NULL, true)
		FROM gone d
	)
	SELECT i.eid, CASE WHEN d.entity_id IS NULL THEN 'not tagged' ELSE 'untagged' END, d.revision + 1
	FROM (SELECT DISTINCT i AS eid FROM unnest(entity_ids) i) i
	LEFT JOIN gone d ON d.entity_id = i.eid
$$;

-- add_tag_to: tag an entity, with optional data; returns the tagging's
-- revision.  It is C (src/tagstore_write.c): the common case, a new tagging
-- without data, is done there; everything else by _add_tag_to below.
CREATE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to' LANGUAGE C VOLATILE;

-- The full path of add_tag_to.
CREATE FUNCTION tagstore._add_tag_to(tag @extschema@.tagpath, entity_type text, external_id text,
	data jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
BEGIN
	PERFORM tagstore._check_entity(entity_type, external_id), tagstore._check_data(data);
	g := tagstore._tag_for_tagging(tag);
	RETURN (SELECT r.revision FROM tagstore._tag_entities(g,
				ARRAY[tagstore._entity_id(entity_type, external_id)], data) r);
END $$;

CREATE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	eid bigint;
BEGIN
	PERFORM tagstore._check_entity(entity_type, external_id);
	g := tagstore._tag(tag);
	SELECT e.id INTO eid FROM tagstore.entity e
	WHERE e.entity_type = remove_tag_from.entity_type AND e.external_id = remove_tag_from.external_id;
	IF eid IS NULL THEN
		RETURN NULL;		-- never tagged
	END IF;
	RETURN (SELECT r.revision FROM tagstore._untag_entities(g, ARRAY[eid]) r);
END $$;

-- Bulk forms: one row per item, saying what happened to it.
CREATE FUNCTION tagstore.add_tag_to(tag @extschema@.tagpath, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
	ids bigint[];
BEGIN
	PERFORM tagstore._check_entities(p_type, external_ids), tagstore._check_data(data);
	g := tagstore._tag_for_tagging(tag);
	INSERT INTO tagstore.entity AS e (entity_type, external_id)
		SELECT DISTINCT p_type, x FROM unnest(external_ids) x
		ON CONFLICT DO NOTHING;
	ids := ARRAY(SELECT e.id FROM tagstore.entity e
				 WHERE e.entity_type = p_type AND e.external_id = ANY (external_ids));
	RETURN QUERY
	SELECT e.external_id, r.status, r.revision
	FROM tagstore._tag_entities(g, ids, data) r
	JOIN tagstore.entity e ON e.id = r.entity_id
	ORDER BY e.external_id;
END $$;

CREATE FUNCTION tagstore.remove_tag_from(tag @extschema@.tagpath, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	g tagstore.tag;
	p_type text := entity_type;
BEGIN
	PERFORM tagstore._check_entities(p_type, external_ids);
	g := tagstore._tag(tag);
	RETURN QUERY
	WITH items AS (
		SELECT DISTINCT x, e.id
		FROM unnest(external_ids) x
		LEFT JOIN tagstore.entity e ON e.entity_type = p_type AND e.external_id = x
	), removed AS (
		SELECT r.* FROM tagstore._untag_entities(g, ARRAY(SELECT id FROM items WHERE id IS NOT NULL)) r
	)
	SELECT i.x, coalesce(r.status, 'not tagged'), r.revision
	FROM items i LEFT JOIN removed r ON r.entity_id = i.id
	ORDER BY i.x;
END $$;

-- tags_of: an entity's tags (optionally those matching a pattern), with the
-- tagging's data, who tagged and when.
CREATE FUNCTION tagstore.tags_of(entity_type text, external_id text, pattern @extschema@.tagquery DEFAULT NULL)
RETURNS TABLE (tag @extschema@.tagpath, data jsonb, tagged_by text, tagged_at timestamptz, revision integer)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	p_type text := $1;		-- the OUT columns have other names, but keep it plain
	p_external_id text := $2;
BEGIN
	PERFORM tagstore._check_entity(p_type, p_external_id);
	RETURN QUERY
	SELECT t.path, x.data, x.tagged_by, x.tagged_at, x.revision
	FROM tagstore.entity e
	JOIN tagstore.tagging x ON x.entity_id = e.id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE e.entity_type = p_type AND e.external_id = p_external_id
	  AND (pattern IS NULL OR t.path ~ pattern)
	ORDER BY t.key;
END $$;

--
-- History
--

-- A tag's revisions: the archived ones, then the live row.
CREATE FUNCTION tagstore._tag_history(p_tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT r.revision, r.operation, r.actor, r.at, r.state
	FROM tagstore.tag_revision r WHERE r.tag_id = p_tag_id
	UNION ALL
	SELECT t.revision, t.operation, t.actor, t.updated_at, tagstore._tag_state(t)
	FROM tagstore.tag t WHERE t.id = p_tag_id
	ORDER BY 1
$$;

-- A tagging's revisions: the archived ones, then the live row.
CREATE FUNCTION tagstore._tagging_history(p_tag_id bigint, p_entity_type text, p_external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT r.revision, r.operation, r.actor, r.at, r.state -> 'data', r.state
	FROM tagstore.tagging_revision r JOIN tagstore.entity e ON e.id = r.entity_id
	WHERE r.tag_id = p_tag_id AND e.entity_type = p_entity_type AND e.external_id = p_external_id
	UNION ALL
	SELECT x.revision, x.operation, x.tagged_by, x.tagged_at, coalesce(x.data, 'null'),
		   tagstore._tagging_state(t.path, x.entity_id, x.data, false)
	FROM tagstore.tagging x
	JOIN tagstore.entity e ON e.id = x.entity_id
	JOIN tagstore.tag t ON t.id = x.tag_id
	WHERE x.tag_id = p_tag_id AND e.entity_type = p_entity_type AND e.external_id = p_external_id
	ORDER BY 1
$$;

CREATE FUNCTION tagstore.tag_history(tag @extschema@.tagpath)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT * FROM tagstore._tag_history(tagstore._tag_id_any($1))
$$;

CREATE FUNCTION tagstore.tagging_history(tag @extschema@.tagpath, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	tid bigint := tagstore._tag_id_any(tag);
BEGIN
	PERFORM tagstore._check_entity($2, $3);
	RETURN QUERY SELECT * FROM tagstore._tagging_history(tid, $2, $3);
END $$;

-- prune_history: keep the last `keep` revisions of everything, and forget
-- tags and taggings deleted longer ago than tombstones_older_than entirely.
-- Live tags and taggings are never touched.  Returns the revisions removed.
CREATE FUNCTION tagstore.prune_history(keep integer DEFAULT 10,
	tombstones_older_than interval DEFAULT '365 days') RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	removed bigint := 0;
	n bigint;
BEGIN
	IF keep IS NULL OR keep < 1 THEN
		RAISE EXCEPTION 'keep must be at least 1, not %', coalesce(keep::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The latest revision of everything is always kept.';
	END IF;
	IF tombstones_older_than IS NULL OR tombstones_older_than < interval '0' THEN
		RAISE EXCEPTION 'tombstones_older_than must be a duration of zero or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- old tombstones: the deleted tag, its history and its taggings' history
	WITH old AS (
		DELETE FROM tagstore.tag_tombstone WHERE deleted_at < now() - tombstones_older_than RETURNING id
	), gone_taggings AS (
		DELETE FROM tagstore.tagging_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	), gone_tags AS (
		DELETE FROM tagstore.tag_revision r USING old WHERE r.tag_id = old.id RETURNING 1
	)
	SELECT (SELECT count(*) FROM gone_taggings) + (SELECT count(*) FROM gone_tags) INTO n;
	removed := removed + n;

	-- untagged pairs whose last revision is an old tombstone
	WITH last AS (
		SELECT r.tag_id, r.entity_id, max(r.revision) AS revision
		FROM tagstore.tagging_revision r GROUP BY r.tag_id, r.entity_id
	), dead AS (
		SELECT l.tag_id, l.entity_id FROM last l
		JOIN tagstore.tagging_revision r USING (tag_id, entity_id, revision)
		WHERE r.operation = 'untag' AND r.at < now() - tombstones_older_than
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING dead d
		WHERE r.tag_id = d.tag_id AND r.entity_id = d.entity_id RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;

	-- everything else keeps its last `keep` revisions, the live row counting
	-- as the newest one
	WITH ranked AS (
		SELECT r.tag_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tag t WHERE t.id = r.tag_id) THEN 1 ELSE 0 END AS age
		FROM tagstore.tag_revision r
	), gone AS (
		DELETE FROM tagstore.tag_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.revision = k.revision AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	removed := removed + n;
	WITH ranked AS (
		SELECT r.tag_id, r.entity_id, r.revision,
			   row_number() OVER (PARTITION BY r.tag_id, r.entity_id ORDER BY r.revision DESC)
				 + CASE WHEN EXISTS (SELECT 1 FROM tagstore.tagging x
									 WHERE x.tag_id = r.tag_id AND x.entity_id = r.entity_id)
						THEN 1 ELSE 0 END AS age
		FROM tagstore.tagging_revision r
	), gone AS (
		DELETE FROM tagstore.tagging_revision r USING ranked k
		WHERE r.tag_id = k.tag_id AND r.entity_id = k.entity_id AND r.revision = k.revision
		  AND k.age > keep RETURNING 1
	)
	SELECT count(*) INTO n FROM gone;
	RETURN removed + n;
END $$;

--
-- Search
--

CREATE FUNCTION tagstore._entity_ids(tags @extschema@.tagpath[], match_all boolean,
	include_descendants boolean, exclude @extschema@.tagpath[], data_filter jsonb DEFAULT NULL)
RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'tagstore_entity_ids' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The entities among ids that pass the entity filters, in id order (the
-- order in which tagstore first saw them): C, see src/entity_rows.c.
CREATE FUNCTION tagstore._entities(ids bigint[], entity_type text, external_id_prefix text)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The searches are C functions of their own (src/tagstore_search.c): a SQL
-- wrapper would be parsed and planned at every call, which costs more than
-- a selective search itself.
CREATE FUNCTION tagstore.entities_with_all(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_all' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;

CREATE FUNCTION tagstore.entities_with_any(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
	AS 'MODULE_PATHNAME', 'tagstore_entities_with_any' LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 1000;

CREATE FUNCTION tagstore.count_entities_with_all(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_count_entities_with_all' LANGUAGE C STABLE PARALLEL RESTRICTED;

CREATE FUNCTION tagstore.count_entities_with_any(tags @extschema@.tagpath[], entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL, include_descendants boolean DEFAULT true,
	exclude @extschema@.tagpath[] DEFAULT NULL) RETURNS bigint
	AS 'MODULE_PATHNAME', 'tagstore_count_entities_with_any' LANGUAGE C STABLE PARALLEL RESTRICTED;

-- entities whose tagging with the tag (or a descendant) carries data containing filter
CREATE FUNCTION tagstore.entities_with_tag_data(tag @extschema@.tagpath, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT * FROM tagstore._entities(
		tagstore._entity_ids(ARRAY[tagstore._required($1, 'tag')], true, $5, $6,
							 tagstore._required($2, 'filter')), $3, $4)
$$;

CREATE FUNCTION tagstore.entities_matching(pattern @extschema@.tagquery, entity_type text DEFAULT NULL,
	external_id_prefix text DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT DISTINCT e.entity_type, e.external_id
	FROM tagstore.tag t
	JOIN tagstore.tagging g ON g.tag_id = t.id
	JOIN tagstore.entity e ON e.id = g.entity_id
	WHERE t.path ~ tagstore._required($1, 'pattern')
	  AND ($2 IS NULL OR e.entity_type = $2)
	  AND ($3 IS NULL OR starts_with(e.external_id, $3))
	ORDER BY 1, 2
$$;

--
-- Tag search (the CMR tag API)
--

-- Does value match any candidate, case-insensitively; with pattern, * and ?
-- are wildcards?
CREATE FUNCTION tagstore._matches_any(value text, candidates text[], pattern boolean) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT EXISTS (
		SELECT 1 FROM unnest(candidates) c
		WHERE CASE WHEN pattern
				   THEN label_casefold(value) LIKE
						replace(replace(replace(replace(replace(label_casefold(c),
							'\', '\\'), '%', '\%'), '_', '\_'), '*', '%'), '?', '_')
				   ELSE label_casefold(value) = label_casefold(c) END)
$$;

CREATE FUNCTION tagstore._search_tags(taxonomies text[], vals text[], originators text[], pattern boolean)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
	SELECT t.path, x.name, t.value, t.category, t.description, t.originator, t.external_id,
		   t.revision, t.created_at, t.updated_at,
		   (SELECT count(*) FROM tagstore.tagging g WHERE g.tag_id = t.id),
		   (SELECT count(DISTINCT g.entity_id) FROM tagstore.tag d
			JOIN tagstore.tagging g ON g.tag_id = d.id WHERE d.key <@ t.key)
	FROM tagstore.tag t
	JOIN tagstore.taxonomy x ON x.id = t.taxonomy_id
	WHERE ($1 IS NULL OR tagstore._matches_any(x.name, $1, $4))
	  AND ($2 IS NULL OR tagstore._matches_any(t.value, $2, $4))
	  AND ($3 IS NULL OR tagstore._matches_any(t.originator, $3, $4))
	ORDER BY t.key, t.id
$$;

CREATE FUNCTION tagstore.search_tags(taxonomy "any" DEFAULT NULL, value "any" DEFAULT NULL,
	originator "any" DEFAULT NULL, pattern boolean DEFAULT false)
RETURNS TABLE (tag @extschema@.tagpath, taxonomy text, value text, category text, description text,
			   originator text, external_id text, revision integer, created_at timestamptz,
			   updated_at timestamptz, direct_count bigint, total_count bigint)
	AS 'MODULE_PATHNAME', 'tagstore_search_tags' LANGUAGE C STABLE PARALLEL RESTRICTED;

--
-- Browsing a taxonomy
--

CREATE FUNCTION tagstore.tags(taxonomy text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, parent @extschema@.tagpath,
			   direct_count bigint, total_count bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
BEGIN
	RETURN QUERY
	WITH tags AS (
		SELECT g.id, g.path, g.key, g.value FROM tagstore.tag g WHERE g.taxonomy_id = t.id
	), direct AS (
		SELECT x.tag_id, count(*) AS n FROM tagstore.tagging x
		WHERE x.tag_id IN (SELECT id FROM tags) GROUP BY x.tag_id
	), total AS (
		-- each tagging counts for its tag and every ancestor, once per entity
		SELECT a.key, count(DISTINCT x.entity_id) AS n
		FROM tags g
		JOIN tagstore.tagging x ON x.tag_id = g.id
		CROSS JOIN LATERAL unnest(tagpath_prefixes(g.key)) a(key)
		WHERE nlevel(a.key) >= 2
		GROUP BY a.key
	)
	SELECT g.path, g.value, nlevel(g.path) - 2, CASE WHEN nlevel(g.path) > 2 THEN parent(g.path) END,
		   coalesce(d.n, 0), coalesce(tt.n, 0)
	FROM tags g
	LEFT JOIN direct d ON d.tag_id = g.id
	LEFT JOIN total tt ON tt.key = g.key
	ORDER BY g.key;
END $$;

CREATE FUNCTION tagstore.find_tags(taxonomy text, search text)
RETURNS TABLE (tag @extschema@.tagpath, value text, depth int, matched boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
	needle text;
BEGIN
	IF search IS NULL THEN
		RAISE EXCEPTION 'search must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	needle := label_casefold(search);
	RETURN QUERY
	WITH matches AS (
		SELECT g.key FROM tagstore.tag g
		WHERE g.taxonomy_id = t.id AND strpos(label_casefold(g.value), needle) > 0
	), context AS (
		SELECT DISTINCT a.key FROM matches m CROSS JOIN LATERAL unnest(tagpath_prefixes(m.key)) a(key)
		WHERE nlevel(a.key) >= 2
	)
	SELECT g.path, g.value, nlevel(g.path) - 2, g.key IN (SELECT key FROM matches)
	FROM context c JOIN tagstore.tag g ON g.key = c.key
	ORDER BY g.key;
END $$;

CREATE FUNCTION tagstore.tree(taxonomy text) RETURNS SETOF text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, @extschema@, pg_temp AS $$
DECLARE
	t tagstore.taxonomy := tagstore._taxonomy(taxonomy);
	r record;
	more_below boolean[] := '{}';	-- per depth: do later siblings follow?
	prefix text;
BEGIN
	RETURN NEXT format('%s (%s)', t.name,
		(SELECT count(DISTINCT x.entity_id) FROM tagstore.tagging x
		 JOIN tagstore.tag g ON g.id = x.tag_id WHERE g.taxonomy_id = t.id));
	FOR r IN
		SELECT s.*, lead(s.depth) OVER (PARTITION BY s.parent ORDER BY s.tag_key) IS NULL AS last
		FROM (SELECT l.*, label_casefold(l.tag) AS tag_key FROM tagstore.tags(t.name) l) s
		ORDER BY s.tag_key
	LOOP
		prefix := '';
		FOR d IN 0 .. r.depth - 1 LOOP
			prefix := prefix || CASE WHEN more_below[d + 1] THEN '│   ' ELSE '    ' END;
		END LOOP;
		more_below[r.depth + 1] := NOT r.last;
		RETURN NEXT prefix || CASE WHEN r.last THEN '└── ' ELSE '├── ' END
			|| tagpath2text(tagpath(ARRAY[r.value]))
			|| CASE WHEN r.direct_count IN (0, r.total_count) THEN format(' (%s)', r.total_count)
					ELSE format(' (%s, %s direct)', r.total_count, r.direct_count) END;
	END LOOP;
END $$;

--
-- The same functions, with tags given by id
--

-- between names and ids
CREATE FUNCTION tagstore.tag_id(tag @extschema@.tagpath) RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT (tagstore._tag($1)).id $$;
CREATE FUNCTION tagstore.tag_path(tag_id bigint) RETURNS @extschema@.tagpath
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	p @extschema@.tagpath;
BEGIN
	IF tag_id IS NULL THEN
		RAISE EXCEPTION 'tag id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT path INTO p FROM tagstore.tag WHERE id = tag_id;
	IF p IS NULL THEN
		IF EXISTS (SELECT 1 FROM tagstore.tag_tombstone WHERE id = tag_id) THEN
			RAISE EXCEPTION 'tag with id % was deleted', tag_id USING ERRCODE = 'undefined_object';
		END IF;
		RAISE EXCEPTION 'tag with id % does not exist', tag_id USING ERRCODE = 'undefined_object';
	END IF;
	RETURN p;
END $$;


CREATE FUNCTION tagstore.add_tag(taxonomy text, value text, parent_id bigint,
	external_id text DEFAULT NULL, description text DEFAULT NULL, category text DEFAULT NULL)
RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.add_tag($1, $2, tagstore.tag_path($3), $4, $5, $6) $$;
CREATE FUNCTION tagstore.update_tag(tag_id bigint, description text DEFAULT NULL,
	category text DEFAULT NULL, external_id text DEFAULT NULL, expected_revision integer DEFAULT NULL,
	clear_category boolean DEFAULT false) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.update_tag(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;
CREATE FUNCTION tagstore.remove_tag(tag_id bigint, cascade boolean DEFAULT false) RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag(tagstore.tag_path($1), $2) $$;
CREATE FUNCTION tagstore.rename_tag(tag_id bigint, new_value text) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.rename_tag(tagstore.tag_path($1), $2) $$;
CREATE FUNCTION tagstore.move_tag(tag_id bigint, new_parent_id bigint) RETURNS @extschema@.tagpath
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.move_tag(tagstore.tag_path($1), CASE WHEN $2 IS NOT NULL THEN tagstore.tag_path($2) END) $$;
CREATE FUNCTION tagstore.add_tag_to(tag_id bigint, entity_type text, external_id text,
	data jsonb DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME', 'tagstore_add_tag_to_id' LANGUAGE C VOLATILE;
CREATE FUNCTION tagstore.add_tag_to(tag_id bigint, entity_type text, external_ids text[],
	data jsonb DEFAULT NULL)
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.add_tag_to(tagstore.tag_path($1), $2, $3, $4) $$;
CREATE FUNCTION tagstore.remove_tag_from(tag_id bigint, entity_type text, external_id text) RETURNS integer
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
CREATE FUNCTION tagstore.remove_tag_from(tag_id bigint, entity_type text, external_ids text[])
RETURNS TABLE (external_id text, status text, revision integer)
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.remove_tag_from(tagstore.tag_path($1), $2, $3) $$;
CREATE FUNCTION tagstore.tag_history(tag_id bigint)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, state jsonb)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore._tag_history(tagstore._required($1, 'tag id')) $$;
CREATE FUNCTION tagstore.tagging_history(tag_id bigint, entity_type text, external_id text)
RETURNS TABLE (revision integer, operation text, actor text, at timestamptz, data jsonb, state jsonb)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore._tagging_history(tagstore._required($1, 'tag id'), $2, $3) $$;
CREATE FUNCTION tagstore.entities_with_tag_data(tag_id bigint, filter jsonb,
	entity_type text DEFAULT NULL, external_id_prefix text DEFAULT NULL,
	include_descendants boolean DEFAULT true, exclude @extschema@.tagpath[] DEFAULT NULL)
RETURNS SETOF tagstore.entity_ref
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS
$$ SELECT * FROM tagstore.entities_with_tag_data(tagstore.tag_path($1), $2, $3, $4, $5, $6) $$;

--
-- Documentation of the API (\df+ tagstore.*)
--
COMMENT ON VIEW tagstore.taxonomies IS 'taxonomies with their tag counts, by name';
COMMENT ON FUNCTION tagstore.current_actor() IS 'who revisions record as acting: the setting tagstore.actor, else session_user';
COMMENT ON FUNCTION tagstore.create_taxonomy(text, text, text, boolean) IS
	'create a taxonomy (name unique case-insensitively); free_form: tagging with an unknown value creates it; returns its id';
COMMENT ON FUNCTION tagstore.rename_taxonomy(text, text) IS 'rename a taxonomy; its tags'' names follow (with revisions)';
COMMENT ON FUNCTION tagstore.drop_taxonomy(text) IS 'drop a taxonomy with its tags, their taggings and all their history';
COMMENT ON FUNCTION tagstore.add_tag(text, text, @extschema@.tagpath, text, text, text) IS
	'add a tag under parent (or at the root); idempotent and case-insensitive: returns the existing tag''s name if there is one; a deleted name comes back with its id';
COMMENT ON FUNCTION tagstore.add_tag(text, text, bigint, text, text, text) IS 'add_tag with the parent given by id';
COMMENT ON FUNCTION tagstore.add_tag(@extschema@.tagpath) IS 'add a tag named by its path, and any missing ancestors (like mkdir -p)';
COMMENT ON FUNCTION tagstore.update_tag(@extschema@.tagpath, text, text, text, integer, boolean) IS
	'change a tag''s description, category or external id; with expected_revision, a stale revision raises SQLSTATE TS409; returns the new revision';
COMMENT ON FUNCTION tagstore.update_tag(bigint, text, text, text, integer, boolean) IS 'update_tag by id';
COMMENT ON FUNCTION tagstore.remove_tag(@extschema@.tagpath, boolean) IS
	'delete a tag (leaving a tombstone revision) and untag its entities; a tag with children needs cascade => true';
COMMENT ON FUNCTION tagstore.remove_tag(bigint, boolean) IS 'remove_tag by id';
COMMENT ON FUNCTION tagstore.rename_tag(@extschema@.tagpath, text) IS 'rename a tag; descendants and taggings follow; returns the new name';
COMMENT ON FUNCTION tagstore.rename_tag(bigint, text) IS 'rename_tag by id';
COMMENT ON FUNCTION tagstore.move_tag(@extschema@.tagpath, @extschema@.tagpath) IS
	'move a tag (and its subtree) under a new parent in its taxonomy, or to the root if NULL; returns the new name';
COMMENT ON FUNCTION tagstore.move_tag(bigint, bigint) IS 'move_tag by ids';
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text, jsonb) IS
	'tag an entity, with optional data (at most 32 kB); tagging again with other data replaces it; returns the tagging''s revision';
COMMENT ON FUNCTION tagstore.add_tag_to(bigint, text, text, jsonb) IS 'add_tag_to by tag id';
COMMENT ON FUNCTION tagstore.add_tag_to(@extschema@.tagpath, text, text[], jsonb) IS
	'tag many entities of one type; one row per external id: tagged, retagged or already tagged, with the revision';
COMMENT ON FUNCTION tagstore.add_tag_to(bigint, text, text[], jsonb) IS 'bulk add_tag_to by tag id';
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text) IS 'untag an entity (idempotent); returns the tombstone revision, or NULL if it was not tagged';
COMMENT ON FUNCTION tagstore.remove_tag_from(bigint, text, text) IS 'remove_tag_from by tag id';
COMMENT ON FUNCTION tagstore.remove_tag_from(@extschema@.tagpath, text, text[]) IS
	'untag many entities of one type; one row per external id: untagged or not tagged, with the revision';
COMMENT ON FUNCTION tagstore.remove_tag_from(bigint, text, text[]) IS 'bulk remove_tag_from by tag id';
COMMENT ON FUNCTION tagstore.tags_of(text, text, @extschema@.tagquery) IS
	'an entity''s tags (those matching the pattern, if given) with each tagging''s data, who tagged and when';
COMMENT ON FUNCTION tagstore.tag_history(@extschema@.tagpath) IS 'a tag''s revisions, oldest first (also of a deleted tag)';
COMMENT ON FUNCTION tagstore.tag_history(bigint) IS 'tag_history by id';
COMMENT ON FUNCTION tagstore.tagging_history(@extschema@.tagpath, text, text) IS 'a tagging''s revisions, oldest first';
COMMENT ON FUNCTION tagstore.tagging_history(bigint, text, text) IS 'tagging_history by tag id';
COMMENT ON FUNCTION tagstore.prune_history(integer, interval) IS
	'keep the last revisions of everything and forget long-deleted tags and taggings; never touches live state; returns revisions removed';
COMMENT ON FUNCTION tagstore.tag_id(@extschema@.tagpath) IS 'the id of the tag a path names';
COMMENT ON FUNCTION tagstore.tag_path(bigint) IS 'the name of the tag with that id';
COMMENT ON FUNCTION tagstore.entities_with_all(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'entities carrying, for every tag, the tag or a descendant; filtered by entity type and external id prefix; excluding entities under any excluded tag';
COMMENT ON FUNCTION tagstore.entities_with_any(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'entities carrying any of the tags or a descendant; same filters as entities_with_all';
COMMENT ON FUNCTION tagstore.count_entities_with_all(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'how many entities entities_with_all returns';
COMMENT ON FUNCTION tagstore.count_entities_with_any(@extschema@.tagpath[], text, text, boolean, @extschema@.tagpath[]) IS
	'how many entities entities_with_any returns';
COMMENT ON FUNCTION tagstore.entities_with_tag_data(@extschema@.tagpath, jsonb, text, text, boolean, @extschema@.tagpath[]) IS
	'entities whose tagging with the tag (or a descendant) carries data containing filter (@>); index-backed';
COMMENT ON FUNCTION tagstore.entities_with_tag_data(bigint, jsonb, text, text, boolean, @extschema@.tagpath[]) IS 'entities_with_tag_data by tag id';
COMMENT ON FUNCTION tagstore.entities_matching(@extschema@.tagquery, text, text) IS
	'entities carrying a tag whose name matches the pattern';
COMMENT ON FUNCTION tagstore.search_tags("any", "any", "any", boolean) IS
	'tags by taxonomy, value and originator (each text or text[], case-insensitive; with pattern, * and ? are wildcards), with metadata and counts, by name';
COMMENT ON FUNCTION tagstore.tags(text) IS
	'a taxonomy''s tags depth-first (siblings in case-insensitive order) with entity counts: direct, and with descendants';
COMMENT ON FUNCTION tagstore.find_tags(text, text) IS
	'tags whose value contains the text case-insensitively, with their ancestors for context (autocomplete)';
COMMENT ON FUNCTION tagstore.tree(text) IS 'a taxonomy drawn as a tree with entity counts, for psql';
COMMENT ON FUNCTION tagstore._entity_ids(@extschema@.tagpath[], boolean, boolean, @extschema@.tagpath[], jsonb) IS
	'internal: the search engine (C), returning entity ids';
COMMENT ON FUNCTION tagstore._entities(bigint[], text, text) IS 'internal: entity names for ids, filtered';
COMMENT ON FUNCTION tagstore._search_tags(text[], text[], text[], boolean) IS 'internal: the query behind search_tags';
COMMENT ON FUNCTION tagstore._matches_any(text, text[], boolean) IS 'internal: case-insensitive match against any of several values or patterns';
COMMENT ON FUNCTION tagstore._clean_label(text, text) IS 'internal: check a taxonomy name or tag value, return it in NFC';
COMMENT ON FUNCTION tagstore._check_text(text, text, integer) IS 'internal: check an optional text field';
COMMENT ON FUNCTION tagstore._check_data(jsonb) IS 'internal: check tagging data';
COMMENT ON FUNCTION tagstore._taxonomy(text, text) IS 'internal: find and lock a taxonomy';
COMMENT ON FUNCTION tagstore._lock_taxonomy_of(@extschema@.tagpath, text) IS 'internal: lock the taxonomy of a tag name';
COMMENT ON FUNCTION tagstore._tag(@extschema@.tagpath, text) IS 'internal: find a live tag or raise the right error';
COMMENT ON FUNCTION tagstore._tag_id_any(@extschema@.tagpath) IS 'internal: the id of a live or deleted tag';
COMMENT ON FUNCTION tagstore._tag_state(tagstore.tag, boolean) IS 'internal: a tag''s state as revisions record it';
COMMENT ON FUNCTION tagstore._archive_tags(@extschema@.tagpath, boolean) IS 'internal: archive the current revision of tags before a change';
COMMENT ON FUNCTION tagstore._tag_history(bigint) IS 'internal: a tag''s archived revisions and its live row';
COMMENT ON FUNCTION tagstore._tagging_history(bigint, text, text) IS 'internal: a tagging''s archived revisions and its live row';
COMMENT ON FUNCTION tagstore._rewrite_subtree(@extschema@.tagpath, @extschema@.tagpath, @extschema@.tagpath, text) IS
	'internal: rewrite a subtree''s names after its root was renamed or moved, with revisions';
COMMENT ON FUNCTION tagstore._untag_subtree(@extschema@.tagpath) IS 'internal: untag everything under a subtree, with tombstones';
COMMENT ON FUNCTION tagstore._check_entity(text, text) IS 'internal: check entity arguments';
COMMENT ON FUNCTION tagstore._check_entities(text, text[]) IS 'internal: check bulk entity arguments';
COMMENT ON FUNCTION tagstore._entity_id(text, text) IS 'internal: an entity''s id, created if new';
COMMENT ON FUNCTION tagstore._tagging_state(@extschema@.tagpath, bigint, jsonb, boolean) IS 'internal: a tagging''s state as revisions record it';
COMMENT ON FUNCTION tagstore._tag_for_tagging(@extschema@.tagpath) IS 'internal: the tag to tag with, created in a free-form taxonomy';
COMMENT ON FUNCTION tagstore._tag_entities(tagstore.tag, bigint[], jsonb) IS 'internal: tag entities, with revisions';
COMMENT ON FUNCTION tagstore._add_tag_to(@extschema@.tagpath, text, text, jsonb) IS
	'internal: the full path of add_tag_to (retagging, data, free-form creation, errors)';
COMMENT ON FUNCTION tagstore._untag_entities(tagstore.tag, bigint[]) IS 'internal: untag entities, with tombstones';
COMMENT ON FUNCTION tagstore._required(anyelement, text) IS 'internal: the value, or an error if NULL';

-- implementation and support functions
COMMENT ON FUNCTION @extschema@.tagpath_lt(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath < tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_le(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <= tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_eq(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath = tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_ne(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <> tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_ge(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath >= tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_gt(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath > tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_hash(@extschema@.tagpath) IS 'hash support for tagpath_hash_ops';
COMMENT ON FUNCTION @extschema@.tagpath_hash_extended(@extschema@.tagpath, int8) IS 'extended hash support for tagpath_hash_ops';
COMMENT ON FUNCTION @extschema@.tagpath_support(internal) IS 'planner support: answers <@ and @> with a btree index';
COMMENT ON FUNCTION @extschema@.tagpath_isparent(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath @> tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_risparent(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath <@ tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_addtagpath(@extschema@.tagpath, @extschema@.tagpath) IS 'implements tagpath || tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_addtext(@extschema@.tagpath, text) IS 'implements tagpath || text';
COMMENT ON FUNCTION @extschema@.tagpath_textadd(text, @extschema@.tagpath) IS 'implements text || tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_matches(@extschema@.tagpath, @extschema@.tagquery) IS 'implements tagpath ~ tagquery';
COMMENT ON FUNCTION @extschema@.tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath) IS 'implements tagquery ~ tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_matches_any(@extschema@.tagpath, @extschema@.tagquery[]) IS 'implements tagpath ? tagquery[]';
COMMENT ON FUNCTION @extschema@.tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath) IS 'implements tagquery[] ? tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_isparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] @> tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_r_isparent(@extschema@.tagpath, @extschema@.tagpath[]) IS 'implements tagpath <@ tagpath[]';
COMMENT ON FUNCTION @extschema@._tagpath_risparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] <@ tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_r_risparent(@extschema@.tagpath, @extschema@.tagpath[]) IS 'implements tagpath @> tagpath[]';
COMMENT ON FUNCTION @extschema@._tagpath_matches(@extschema@.tagpath[], @extschema@.tagquery) IS 'implements tagpath[] ~ tagquery';
COMMENT ON FUNCTION @extschema@._tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath[]) IS 'implements tagquery ~ tagpath[]';
COMMENT ON FUNCTION @extschema@._tagpath_matches_any(@extschema@.tagpath[], @extschema@.tagquery[]) IS 'implements tagpath[] ? tagquery[]';
COMMENT ON FUNCTION @extschema@._tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath[]) IS 'implements tagquery[] ? tagpath[]';
COMMENT ON FUNCTION @extschema@._tagpath_extract_isparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] ?@> tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_extract_risparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] ?<@ tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_extract_matches(@extschema@.tagpath[], @extschema@.tagquery) IS 'implements tagpath[] ?~ tagquery';
COMMENT ON FUNCTION @extschema@.tagpath_txtmatches(@extschema@.tagpath, @extschema@.tagtxtquery) IS 'implements tagpath @ tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath) IS 'implements tagtxtquery @ tagpath';
COMMENT ON FUNCTION @extschema@._tagpath_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'implements tagpath[] @ tagtxtquery';
COMMENT ON FUNCTION @extschema@._tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath[]) IS 'implements tagtxtquery @ tagpath[]';
COMMENT ON FUNCTION @extschema@._tagpath_extract_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'implements tagpath[] ?@ tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagpath_gist_consistent(internal, @extschema@.tagpath, int2, oid, internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_consistent(internal, @extschema@.tagpath[], int2, oid, internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_compress(internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_compress(internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_decompress(internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_decompress(internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_penalty(internal, internal, internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_penalty(internal, internal, internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_picksplit(internal, internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_picksplit(internal, internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_union(internal, internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_union(internal, internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_gist_options(internal) IS 'GiST support for gist_tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_options(internal) IS 'GiST support for gist__tagpath_ops';
COMMENT ON FUNCTION @extschema@.tagpath_in(cstring) IS 'input function of tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_out(@extschema@.tagpath) IS 'output function of tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_recv(internal) IS 'binary input function of tagpath';
COMMENT ON FUNCTION @extschema@.tagpath_send(@extschema@.tagpath) IS 'binary output function of tagpath';
COMMENT ON FUNCTION @extschema@.tagquery_in(cstring) IS 'input function of tagquery';
COMMENT ON FUNCTION @extschema@.tagquery_out(@extschema@.tagquery) IS 'output function of tagquery';
COMMENT ON FUNCTION @extschema@.tagquery_recv(internal) IS 'binary input function of tagquery';
COMMENT ON FUNCTION @extschema@.tagquery_send(@extschema@.tagquery) IS 'binary output function of tagquery';
COMMENT ON FUNCTION @extschema@.tagtxtquery_in(cstring) IS 'input function of tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagtxtquery_out(@extschema@.tagtxtquery) IS 'output function of tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagtxtquery_recv(internal) IS 'binary input function of tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagtxtquery_send(@extschema@.tagtxtquery) IS 'binary output function of tagtxtquery';
COMMENT ON FUNCTION @extschema@.tagpath_gist_in(cstring) IS 'input function of tagpath_gist (refuses)';
COMMENT ON FUNCTION @extschema@.tagpath_gist_out(@extschema@.tagpath_gist) IS 'output function of tagpath_gist (refuses)';
