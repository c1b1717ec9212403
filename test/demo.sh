#!/bin/bash
# make demo / make psql: a throwaway cluster with tagstore and sample data.
#   test/demo.sh start   (re)create the cluster, load the walkthrough, leave it running
#   test/demo.sh psql    a psql session on it
#   test/demo.sh stop    stop it
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/test/common.sh"
DEMO_DIR=/tmp/tagstore-demo
PORT=${TAGSTORE_DEMO_PORT:-5488}
DB=tagstore_demo

demo_psql() {
	as_cluster_user "$PGBIN/psql" -X -h "$DEMO_DIR" -p "$PORT" -d "$DB" "$@"
}

case "${1:-start}" in
start)
	if [ -f "$DEMO_DIR/data/postmaster.pid" ]; then
		as_cluster_user "$PGBIN/pg_ctl" -D "$DEMO_DIR/data" -m fast stop >/dev/null || true
	fi
	rm -rf "$DEMO_DIR"
	mkdir -p "$DEMO_DIR"
	[ "$CLUSTER_USER" != "$(id -un)" ] && chown "$CLUSTER_USER" "$DEMO_DIR"
	as_cluster_user "$PGBIN/initdb" -D "$DEMO_DIR/data" -E UTF8 --no-locale -A trust >/dev/null
	as_cluster_user "$PGBIN/pg_ctl" -D "$DEMO_DIR/data" -l "$DEMO_DIR/log" -w \
		-o "-p $PORT -k $DEMO_DIR -c listen_addresses=''" start >/dev/null
	as_cluster_user "$PGBIN/createdb" -h "$DEMO_DIR" -p "$PORT" "$DB"
	cp "$here/test/demo.sql" "$DEMO_DIR/demo.sql"
	chmod 644 "$DEMO_DIR/demo.sql"
	demo_psql -v ON_ERROR_STOP=1 --echo-all -f "$DEMO_DIR/demo.sql"
	echo
	echo "The demo cluster is still running: 'make psql' to explore it,"
	echo "'test/demo.sh stop' to stop it."
	;;
psql)
	demo_psql
	;;
stop)
	as_cluster_user "$PGBIN/pg_ctl" -D "$DEMO_DIR/data" -m fast stop
	;;
*)
	echo "usage: $0 start|psql|stop" >&2
	exit 2
	;;
esac
