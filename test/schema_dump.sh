#!/bin/bash
# STAND-IN on the upgrade-test branch, replaced at merge time by the real
# test/schema_dump.sh; only its interface matters to test/upgrade.sh.
#
# Prints the catalog objects of a database's tagstore extension, normalised
# so that two databases can be compared with diff: pg_dump --schema-only
# --binary-upgrade (which dumps every member of the extension one by one,
# comments and privileges included), without the OIDs, then the extension's
# configuration tables by name, then psql's \dx+ tagstore.
# Usage: schema_dump.sh DBNAME  (PGHOST, PGPORT, PGUSER set; PGBIN optional)
set -euo pipefail
db=$1
if [ -z "${PGBIN:-}" ]; then
	. "$(cd "$(dirname "$0")" && pwd)/common.sh"
fi

# left out or masked: OIDs, transaction ids, the random key of \restrict,
# the positions of the configuration sequences (data)
"$PGBIN/pg_dump" --schema-only --binary-upgrade -d "$db" |
	grep -v -e 'binary_upgrade_set_next_' -e '^-- Dumped from' -e '^-- Dumped by' -e '^\\\(un\)\?restrict ' |
	sed -E -e "/binary_upgrade_create_empty_extension/s/'\{[0-9,]*\}'(::pg_catalog\.oid\[\])?, '\{[^}]*\}'(::pg_catalog\.text\[\])?/<configuration tables below>/" \
		-e "s/relfrozenxid = '[0-9]+', relminmxid = '[0-9]+'/relfrozenxid = <xid>, relminmxid = <mxid>/" \
		-e "s/^WHERE oid = '[0-9]+';/WHERE oid = <toast table>;/" \
		-e "s/^(SELECT pg_catalog\.setval\('[^']*'), [0-9]+, (true|false)\);/\1, <position>);/"

echo '-- configuration tables of tagstore (pg_extension_config_dump), by name'
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "
	SELECT format('%s: %L', c.relid::regclass, c.condition)
	FROM pg_catalog.pg_extension e,
		 unnest(e.extconfig, e.extcondition) AS c(relid, condition)
	WHERE e.extname = 'tagstore'
	ORDER BY c.relid::regclass::text"

echo '-- \dx+ tagstore'
"$PGBIN/psql" -X -q -d "$db" -c '\dx+ tagstore'
