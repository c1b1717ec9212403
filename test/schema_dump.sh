#!/bin/bash
# Prints a normalised description of everything an extension (tagstore,
# unless told otherwise) owns in a database, such that two databases holding
# the same extension objects print the same text whatever their OIDs: diff
# the output of two databases to compare two install scripts, or an install
# with an upgrade path.
#
# Usage: test/schema_dump.sh DBNAME [EXTENSION]
#   Connects as libpq does (PGHOST, PGPORT, PGUSER; a superuser, which
#   pg_dump --binary-upgrade needs).  PGBIN may name PostgreSQL's bin
#   directory (default: the one test/common.sh names).
#
# It prints three parts:
#  1. The extension's entries of pg_dump --schema-only --binary-upgrade.
#     Unlike a plain pg_dump, a binary-upgrade dump creates each member
#     object of an extension itself, with its COMMENT and privileges, and
#     marks it with ALTER EXTENSION ... ADD.  The dump is cut into its
#     entries (at pg_dump's "-- Name: ...; Type: ..." headers), and an entry
#     is kept if it is
#       - a member object (it holds an ALTER EXTENSION <ext> ADD line), or
#         the shell of a member type,
#       - the extension itself, or its comment,
#       - a comment or privileges (ACL) on a member, or on a column,
#         constraint, index or trigger of a member table,
#       - a constraint, index, trigger, default, rule or policy of a member
#         table.
#     Everything else is left out (objects outside the extension, and
#     sequence positions, which are data).  Within the kept entries, what
#     differs between two installs of the same objects is removed or masked:
#     the lines with binary_upgrade_ calls (they carry OIDs, and the
#     extension's version), the relfrozenxid/relminmxid and the toast table
#     OIDs that the dump sets, pg_dump's random \restrict key, and its
#     "-- For binary upgrade" remarks; runs of blank lines are squeezed.
#     The entries are then sorted (byte order), so that pg_dump ordering
#     objects of equal names by OID cannot tell two installs apart.
#  2. The extension's properties but its version: schema, relocatable,
#     required extensions, and the configuration tables that pg_dump dumps
#     the data of (pg_extension_config_dump), with their conditions.
#  3. psql's \dx+ list of the extension's member objects.
# The version itself is left out: it is what differs between the installs
# that this compares.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 DBNAME [EXTENSION]" >&2
	exit 2
fi
db=$1
ext=${2:-tagstore}

here=$(cd "$(dirname "$0")/.." && pwd)
pgbin=${PGBIN:-}
. "$here/test/common.sh"
PGBIN=${pgbin:-$PGBIN}

dump=$(mktemp /tmp/tagstore-schema-dump.XXXXXX)
errors=$(mktemp /tmp/tagstore-schema-dump-err.XXXXXX)
trap 'rm -f "$dump" "$errors"' EXIT

# pg_dump's messages on stderr are shown only if it fails (a database at 1.0
# makes it warn of circular foreign keys among tagstore's tables; 1.1 has
# none, and test/dump_restore.sh fails on any warning).
if ! "$PGBIN/pg_dump" --schema-only --binary-upgrade -d "$db" -f "$dump" 2>"$errors"; then
	cat "$errors" >&2
	exit 1
fi

echo "== pg_dump --schema-only --binary-upgrade: the objects of extension $ext"
LC_ALL=C awk -v ext="$ext" '
function nows(s) { gsub(/[ \t]/, "", s); return s }
# the relation a member identity names ("TABLE tagstore.tag" -> "tagstore.tag")
function relation_of(ident,   t) {
	if (ident !~ /^(TABLE|VIEW|SEQUENCE|MATERIALIZED VIEW|FOREIGN TABLE) /)
		return ""
	t = ident
	sub(/^(MATERIALIZED VIEW|FOREIGN TABLE|TABLE|VIEW|SEQUENCE) /, "", t)
	return t
}
# text of s between the first "a" and the next "b" after it ("" if absent)
function between(s, a, b,   i, j) {
	i = index(s, a)
	if (i == 0) return ""
	s = substr(s, i + length(a))
	j = index(s, b)
	return j ? substr(s, 1, j - 1) : s
}
# is the object a COMMENT ON or GRANT/REVOKE names the extensions own?
function owned_target(ident,   r) {
	if (ident == "") return 0
	if (nows(ident) in member || ident == "EXTENSION " ext) return 1
	if (ident ~ /^(TABLE|SEQUENCE) /) {		# GRANT says TABLE for views too
		r = ident; sub(/^(TABLE|SEQUENCE) /, "", r); sub(/\(.*$/, "", r)
		return (r in member_rel)
	}
	if (ident ~ /^COLUMN /) {
		r = substr(ident, 8); sub(/\.[^.]*$/, "", r)
		return (r in member_rel)
	}
	if (ident ~ /^(CONSTRAINT|TRIGGER|POLICY|RULE) .* ON /) {
		r = ident; sub(/^.* ON /, "", r)
		return (r in member_rel)
	}
	if (ident ~ /^INDEX /)
		return (substr(ident, 7) in member_index)
	return 0
}
{ line[NR] = $0 }
END {
	# cut into entries: "--", "-- Name: ...; Type: ...; Schema: ...; Owner: ...", "--"
	last = NR
	ne = 0
	for (i = 1; i + 2 <= NR; i++) {
		if (line[i] == "--" && line[i + 1] == "-- PostgreSQL database dump complete") {
			last = i - 1
			break
		}
		if (line[i] == "--" && line[i + 2] == "--" &&
			line[i + 1] ~ /^-- Name: .*; Type: .*; Schema: .*; Owner: /) {
			start[++ne] = i
			h = substr(line[i + 1], 10)
			name[ne] = substr(h, 1, index(h, "; Type: ") - 1)
			h = substr(h, index(h, "; Type: ") + 8)
			type[ne] = substr(h, 1, index(h, "; Schema: ") - 1)
			h = substr(h, index(h, "; Schema: ") + 10)
			schema[ne] = substr(h, 1, index(h, "; Owner: ") - 1)
		}
	}
	start[ne + 1] = last + 1

	# the members, and the member relations
	add = "ALTER EXTENSION " ext " ADD "
	for (k = 1; k <= ne; k++)
		for (i = start[k]; i < start[k + 1]; i++)
			if (index(line[i], add) == 1) {
				ident = substr(line[i], length(add) + 1)
				sub(/;$/, "", ident)
				member[nows(ident)] = 1
				keep[k] = 1
				r = relation_of(ident)
				if (r != "") member_rel[r] = 1
			}

	# what else the extension owns
	for (k = 1; k <= ne; k++) {
		if (k in keep) continue
		t = type[k]
		qual = (schema[k] == "-" ? "" : schema[k] ".")
		if (t == "EXTENSION")
			keep[k] = (name[k] == ext)
		else if (t == "SHELL TYPE")
			keep[k] = (nows("TYPE " qual name[k]) in member)
		else if (t ~ /^(CONSTRAINT|FK CONSTRAINT|CHECK CONSTRAINT|TRIGGER|DEFAULT|POLICY|RULE)$/) {
			r = name[k]; sub(/ .*$/, "", r)		# "table object"
			keep[k] = ((qual r) in member_rel)
		} else if (t == "INDEX" || t == "INDEX ATTACH") {
			for (i = start[k]; i < start[k + 1]; i++)
				if (line[i] ~ /^CREATE (UNIQUE )?INDEX /) {
					r = line[i]
					sub(/^.* ON (ONLY )?/, "", r)
					sub(/ .*$/, "", r)
					if (r in member_rel) {
						keep[k] = 1
						member_index[qual name[k]] = 1
					}
					break
				}
		} else if (t == "ROW SECURITY" || t == "SEQUENCE OWNED BY")
			keep[k] = ((qual name[k]) in member_rel)
	}
	# comments and privileges (after the indexes: they may name one)
	for (k = 1; k <= ne; k++) {
		if (type[k] != "COMMENT" && type[k] != "ACL" && type[k] != "SECURITY LABEL") continue
		for (i = start[k]; i < start[k + 1]; i++) {
			s = line[i]
			if (index(s, "COMMENT ON ") == 1)
				ident = between(s, "COMMENT ON ", " IS ")
			else if (index(s, "SECURITY LABEL ") == 1)
				ident = between(s, " ON ", " IS ")
			else if (s ~ /^(GRANT|REVOKE) /)
				ident = between(s, " ON ", (s ~ /^GRANT / ? " TO " : " FROM "))
			else
				continue
			keep[k] = owned_target(ident)
			break
		}
	}

	# print the kept entries normalised, one a line (SOH between its lines)
	SOH = sprintf("%c", 1)
	for (k = 1; k <= ne; k++) {
		if (!keep[k]) continue
		out = ""
		blank = 1
		for (i = start[k]; i < start[k + 1]; i++) {
			s = line[i]
			if (index(s, "binary_upgrade_") || s ~ /^-- For binary upgrade/ ||
				s ~ /^\\(un)?restrict /)
				continue
			sub(/relfrozenxid = '\''[0-9]*'\'', relminmxid = '\''[0-9]*'\''/,
				"relfrozenxid = <xid>, relminmxid = <mxid>", s)
			sub(/^WHERE oid = '\''[0-9]*'\'';$/, "WHERE oid = <toast oid>;", s)
			if (s == "") {
				if (blank) continue
				blank = 1
			} else
				blank = 0
			out = out s SOH
		}
		while (substr(out, length(out)) == SOH)
			out = substr(out, 1, length(out) - 1)
		print out SOH
	}
}' "$dump" | LC_ALL=C sort | tr '\001' '\n'

q() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v ext="$ext" -d "$db" "$@"; }

echo "== the extension's properties but its version"
q <<'EOF'
SELECT format('schema %s, relocatable %s', e.extnamespace::regnamespace, e.extrelocatable)
FROM pg_extension e WHERE e.extname = :'ext';
SELECT format('requires %s', r.extname)
FROM pg_extension e
JOIN pg_depend d ON d.classid = 'pg_extension'::regclass AND d.objid = e.oid
				AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'n'
JOIN pg_extension r ON r.oid = d.refobjid
WHERE e.extname = :'ext' ORDER BY 1;
SELECT format('configuration table %s, condition %L', c.rel::regclass, c.cond)
FROM pg_extension e, unnest(e.extconfig, e.extcondition) c(rel, cond)
WHERE e.extname = :'ext' ORDER BY 1;
EOF

echo "== \\dx+ $ext"
"$PGBIN/psql" -X -q -P pager=off -v ON_ERROR_STOP=1 -d "$db" -c "\\dx+ $ext"
