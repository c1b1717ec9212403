-- Section 05: GiST index support.
--
-- The index key type tagpath_gist (internal: its I/O functions refuse) and
-- the default GiST operator classes of tagpath (gist_tagpath_ops) and
-- tagpath[] (gist__tagpath_ops), as contrib ltree has.  They index the
-- operators of sections 01 to 04, so they follow them.

CREATE TYPE @extschema@.tagpath_gist;
CREATE FUNCTION @extschema@.tagpath_gist_in(cstring) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_in(cstring) IS 'input function of tagpath_gist (refuses)';
CREATE FUNCTION @extschema@.tagpath_gist_out(@extschema@.tagpath_gist) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_out(@extschema@.tagpath_gist) IS 'output function of tagpath_gist (refuses)';
CREATE TYPE @extschema@.tagpath_gist (
	INTERNALLENGTH = VARIABLE,
	INPUT = @extschema@.tagpath_gist_in,
	OUTPUT = @extschema@.tagpath_gist_out,
	STORAGE = plain
);
COMMENT ON TYPE @extschema@.tagpath_gist IS 'GiST index key of tagpath and tagpath[] (internal)';

CREATE FUNCTION @extschema@.tagpath_gist_consistent(internal, @extschema@.tagpath, int2, oid, internal) RETURNS bool
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_consistent(internal, @extschema@.tagpath, int2, oid, internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_compress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_compress(internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_decompress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_decompress(internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_penalty(internal, internal, internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_picksplit(internal, internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_union(internal, internal) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_union(internal, internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) IS 'GiST support for gist_tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_gist_options(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_gist_options(internal) IS 'GiST support for gist_tagpath_ops';

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
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_consistent(internal, @extschema@.tagpath[], int2, oid, internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_compress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_compress(internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_decompress(internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_decompress(internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_penalty(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_penalty(internal, internal, internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_picksplit(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_picksplit(internal, internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_union(internal, internal) RETURNS @extschema@.tagpath_gist
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_union(internal, internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'tagpath_gist_same' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_same(@extschema@.tagpath_gist, @extschema@.tagpath_gist, internal) IS 'GiST support for gist__tagpath_ops';
CREATE FUNCTION @extschema@.tagpath_array_gist_options(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tagpath_array_gist_options(internal) IS 'GiST support for gist__tagpath_ops';

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
