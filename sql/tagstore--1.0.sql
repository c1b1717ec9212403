/* tagstore--1.0.sql: the tagpath and tagquery types */

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
	STORAGE = extended
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
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
