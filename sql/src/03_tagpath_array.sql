-- Section 03: operators and functions on tagpath[].
--
-- As contrib ltree has for ltree[]: does an array hold an ancestor, a
-- descendant, or a match of a pattern (@>, <@, ~, ? and their ^ spellings);
-- the ?@>, ?<@ and ?~ operators that return the first such element; and
-- tagstore.lca() of an array.  The pattern forms need tagquery (section 02).

CREATE FUNCTION @extschema@._tagpath_isparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_isparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] @> tagpath';
CREATE FUNCTION @extschema@._tagpath_r_isparent(@extschema@.tagpath, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_r_isparent(@extschema@.tagpath, @extschema@.tagpath[]) IS 'implements tagpath <@ tagpath[]';
CREATE FUNCTION @extschema@._tagpath_risparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_risparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] <@ tagpath';
CREATE FUNCTION @extschema@._tagpath_r_risparent(@extschema@.tagpath, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_r_risparent(@extschema@.tagpath, @extschema@.tagpath[]) IS 'implements tagpath @> tagpath[]';
CREATE FUNCTION @extschema@._tagpath_matches(@extschema@.tagpath[], @extschema@.tagquery) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_matches(@extschema@.tagpath[], @extschema@.tagquery) IS 'implements tagpath[] ~ tagquery';
CREATE FUNCTION @extschema@._tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_matches_commuted(@extschema@.tagquery, @extschema@.tagpath[]) IS 'implements tagquery ~ tagpath[]';
CREATE FUNCTION @extschema@._tagpath_matches_any(@extschema@.tagpath[], @extschema@.tagquery[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_matches_any(@extschema@.tagpath[], @extschema@.tagquery[]) IS 'implements tagpath[] ? tagquery[]';
CREATE FUNCTION @extschema@._tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath[]) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_matches_any_commuted(@extschema@.tagquery[], @extschema@.tagpath[]) IS 'implements tagquery[] ? tagpath[]';
CREATE FUNCTION @extschema@._tagpath_extract_isparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_extract_isparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] ?@> tagpath';
CREATE FUNCTION @extschema@._tagpath_extract_risparent(@extschema@.tagpath[], @extschema@.tagpath) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_extract_risparent(@extschema@.tagpath[], @extschema@.tagpath) IS 'implements tagpath[] ?<@ tagpath';
CREATE FUNCTION @extschema@._tagpath_extract_matches(@extschema@.tagpath[], @extschema@.tagquery) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@._tagpath_extract_matches(@extschema@.tagpath[], @extschema@.tagquery) IS 'implements tagpath[] ?~ tagquery';
CREATE FUNCTION tagstore.lca(@extschema@.tagpath[]) RETURNS @extschema@.tagpath
	AS 'MODULE_PATHNAME', '_tagpath_lca' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tagstore.lca(@extschema@.tagpath[]) IS 'longest common ancestor of the paths in the array (as ltree: a proper ancestor of each)';

CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_isparent,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.@> (@extschema@.tagpath[], @extschema@.tagpath) IS 'does the array hold an ancestor of the path?';
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath, RIGHTARG = @extschema@.tagpath[], PROCEDURE = @extschema@._tagpath_r_isparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_risparent,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.matchingsel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.tagpath[], @extschema@.tagpath) IS 'does the array hold a descendant of the path?';
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
COMMENT ON OPERATOR @extschema@.~ (@extschema@.tagpath[], @extschema@.tagquery) IS 'does the array hold a path matching the pattern?';
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
COMMENT ON OPERATOR @extschema@.? (@extschema@.tagpath[], @extschema@.tagquery[]) IS 'does the array hold a path matching any of the patterns?';
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
COMMENT ON OPERATOR @extschema@.?@> (@extschema@.tagpath[], @extschema@.tagpath) IS 'first element that is an ancestor of the path';
CREATE OPERATOR @extschema@.?<@ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagpath, PROCEDURE = @extschema@._tagpath_extract_risparent);
COMMENT ON OPERATOR @extschema@.?<@ (@extschema@.tagpath[], @extschema@.tagpath) IS 'first element that is a descendant of the path';
CREATE OPERATOR @extschema@.?~ (
	LEFTARG = @extschema@.tagpath[], RIGHTARG = @extschema@.tagquery, PROCEDURE = @extschema@._tagpath_extract_matches);
COMMENT ON OPERATOR @extschema@.?~ (@extschema@.tagpath[], @extschema@.tagquery) IS 'first element that matches the pattern';
