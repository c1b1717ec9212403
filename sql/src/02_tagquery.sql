-- Section 02: the tagquery type.
--
-- tagquery is a pattern over tagpaths in the syntax of contrib ltree's
-- lquery, with quoted labels.  This section holds the type and the ~ and ?
-- operators (and ltree's ^ spellings) between a tagpath and one pattern or
-- an array of patterns.

CREATE TYPE @extschema@.tagquery;

CREATE FUNCTION @extschema@.tagquery_in(cstring) RETURNS @extschema@.tagquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagquery_in(cstring) IS 'input function of tagquery';
CREATE FUNCTION @extschema@.tagquery_out(@extschema@.tagquery) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagquery_out(@extschema@.tagquery) IS 'output function of tagquery';
CREATE FUNCTION @extschema@.tagquery_recv(internal) RETURNS @extschema@.tagquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagquery_recv(internal) IS 'binary input function of tagquery';
CREATE FUNCTION @extschema@.tagquery_send(@extschema@.tagquery) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagquery_send(@extschema@.tagquery) IS 'binary output function of tagquery';

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
COMMENT ON FUNCTION @extschema@.tagpath_matches(@extschema@.tagpath, @extschema@.tagquery) IS 'implements tagpath ~ tagquery';
CREATE FUNCTION @extschema@.tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath) IS 'implements tagquery ~ tagpath';
CREATE FUNCTION @extschema@.tagpath_matches_any(@extschema@.tagpath, @extschema@.tagquery[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_matches_any(@extschema@.tagpath, @extschema@.tagquery[]) IS 'implements tagpath ? tagquery[]';
CREATE FUNCTION @extschema@.tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath) IS 'implements tagquery[] ? tagpath';

CREATE OPERATOR @extschema@.~ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@.tagpath_matches,
	COMMUTATOR = OPERATOR(@extschema@.~),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.~ (@extschema@.tagpath, @extschema@.tagquery) IS 'does the path match the pattern?';
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
COMMENT ON OPERATOR @extschema@.? (@extschema@.tagpath, @extschema@.tagquery[]) IS 'does the path match any of the patterns?';
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
