-- Section 04: the tagtxtquery type.
--
-- tagtxtquery is contrib ltree's ltxtquery for tagpaths: a boolean search
-- over labels.  This section holds the type, its @ operators (and ltree's ^@
-- spelling) on tagpath and tagpath[], and ?@, the first element of an array
-- that satisfies the search.

CREATE TYPE @extschema@.tagtxtquery;

CREATE FUNCTION @extschema@.tagtxtquery_in(cstring) RETURNS @extschema@.tagtxtquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagtxtquery_in(cstring) IS 'input function of tagtxtquery';
CREATE FUNCTION @extschema@.tagtxtquery_out(@extschema@.tagtxtquery) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagtxtquery_out(@extschema@.tagtxtquery) IS 'output function of tagtxtquery';
CREATE FUNCTION @extschema@.tagtxtquery_recv(internal) RETURNS @extschema@.tagtxtquery
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagtxtquery_recv(internal) IS 'binary input function of tagtxtquery';
CREATE FUNCTION @extschema@.tagtxtquery_send(@extschema@.tagtxtquery) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagtxtquery_send(@extschema@.tagtxtquery) IS 'binary output function of tagtxtquery';

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
COMMENT ON FUNCTION @extschema@.tagpath_txtmatches(@extschema@.tagpath, @extschema@.tagtxtquery) IS 'implements tagpath @ tagtxtquery';
CREATE FUNCTION @extschema@.tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath) IS 'implements tagtxtquery @ tagpath';
CREATE FUNCTION @extschema@._tagpath_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'implements tagpath[] @ tagtxtquery';
CREATE FUNCTION @extschema@._tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_txtmatches_commuted(@extschema@.tagtxtquery, @extschema@.tagpath[]) IS 'implements tagtxtquery @ tagpath[]';
CREATE FUNCTION @extschema@._tagpath_extract_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_extract_txtmatches(@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'implements tagpath[] ?@ tagtxtquery';

CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@.tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.@ (@extschema@.tagpath, @extschema@.tagtxtquery) IS 'do the path''s labels satisfy the boolean search?';
CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagtxtquery, RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@.tagpath_txtmatches_commuted,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagtxtquery, PROCEDURE = @extschema@._tagpath_txtmatches,
	COMMUTATOR = OPERATOR(@extschema@.@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.@ (@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'does the array hold a path satisfying the boolean search?';
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
COMMENT ON OPERATOR @extschema@.?@ (@extschema@.tagpath[], @extschema@.tagtxtquery) IS 'first element satisfying the boolean search';
