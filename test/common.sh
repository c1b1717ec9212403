# Shared by the test and demo scripts: where PostgreSQL lives, and how to
# run a command as the user that owns throwaway clusters.
PGBIN=/usr/lib/postgresql/15/bin
PGXS_DIR=/usr/lib/postgresql/15/lib/pgxs

# PostgreSQL refuses to run as root, so root runs clusters as postgres.
if [ "$(id -u)" -eq 0 ]; then
	CLUSTER_USER=postgres
	as_cluster_user() { runuser -u postgres -- "$@"; }
else
	CLUSTER_USER=$(id -un)
	as_cluster_user() { "$@"; }
fi

# A scratch directory the cluster user can write to.
make_workdir() {
	local dir
	dir=$(mktemp -d "/tmp/tagstore-$1.XXXXXX")
	chmod 755 "$dir"
	[ "$CLUSTER_USER" != "$(id -un)" ] && chown "$CLUSTER_USER" "$dir"
	echo "$dir"
}
