#!/bin/bash
# make bench: generates the data set, loads it into tagstore and the four
# baseline designs in one throwaway cluster, runs the query mix (also with
# tagging changes pending), the write throughput and the subtree move, and
# prints every figure side by side; then the tag listings (listings.sql).
# Sizes: BENCH_ENTITIES (default "200000 1000000"), BENCH_REPS (default 3).
# `bench.sh listings` runs the tag listings alone; BENCH_LISTINGS_TIMEOUT
# (default 30s) cuts off the old definitions there. `bench.sh shapes` runs
# the shapes alone: the query classes against tagstore and the int[]/GIN
# design per creation order of the generated taxonomy and on a real
# hierarchy, the directories under /usr/share and /usr/lib (shapes.py).
# `bench.sh bulk` runs the bulk forms' pace alone (bulk.sql): many taggings
# in one statement on a fresh database against plain SQL, and 10-id calls
# on a small and a large database. `bench.sh upkeep` runs the upkeep alone:
# 2 clients tagging and untagging while a third counts broad tags, for
# BENCH_UPKEEP_SECONDS (default 300), postings kept up by the writers'
# background refreshes (the writers' tagstore.pending_limit:
# BENCH_PENDING_LIMIT, default 1000), against writers alone without postings.
# Figures, not tests: nothing here asserts a timing.
set -euo pipefail

section=${1:-all}
case "$section" in
all | listings | shapes | bulk | upkeep) ;;
*) echo "usage: $0 [listings | shapes | bulk | upkeep]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/test/common.sh"
sizes=${BENCH_ENTITIES:-"200000 1000000"}
reps=${BENCH_REPS:-3}
work=$(make_workdir bench)
cp "$here"/test/bench/*.sql "$here"/test/bench/*.pgbench "$work/"
: >"$work/shape-results.csv"
[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$work"

as_cluster_user "$PGBIN/initdb" -D "$work/data" -E UTF8 --no-locale -A trust >/dev/null
as_cluster_user "$PGBIN/pg_ctl" -D "$work/data" -l "$work/log" -w \
	-o "-p 54330 -k $work -c listen_addresses='' -c shared_buffers=2GB -c work_mem=64MB \
		-c maintenance_work_mem=512MB -c max_wal_size=4GB -c checkpoint_timeout=30min" start >/dev/null
# the cluster and data take ~8 GB at 1M entities: gone when the run ends
trap 'as_cluster_user "$PGBIN/pg_ctl" -D "$work/data" -m fast stop >/dev/null; rm -rf "$work"' EXIT
psql_bench() { as_cluster_user "$PGBIN/psql" -X -q -h "$work" -p 54330 -d postgres "$@"; }

# The tag listings, in a database of their own: a 2,000-tag and a
# 20,000-tag taxonomy, the listings with counts against their 1.0 definitions.
listings() {
	echo
	echo "######## tag listings"
	psql_bench -c "CREATE DATABASE listings"
	as_cluster_user "$PGBIN/psql" -X -q -h "$work" -p 54330 -d listings \
		-v timeout="${BENCH_LISTINGS_TIMEOUT:-30s}" -f "$work/listings.sql" | sed -n '/^== listings/,$p'
}

# The shapes at one size: each creation order of the generated data set
# (generated for the size if the main run did not) and the /usr hierarchy,
# each loaded into a database of its own, timed, kept in shape-results.csv
# and dropped.
shapes() {
	local n=$1 data="$work/data-$n" shape out hierarchy order start
	echo
	echo "######## shapes, $n entities"
	if [ ! -f "$data/tags.csv" ]; then
		mkdir -p "$data"
		/usr/bin/python3 "$here/test/bench/generate.py" "$data" --entities "$n" >/dev/null
	fi
	for shape in depth-first level random-moved usr; do
		out="$work/shape-$n-$shape"
		if [ "$shape" = usr ]; then
			hierarchy="/usr/share + /usr/lib" order="as walked"
			/usr/bin/python3 "$here/test/bench/shapes.py" usr "$out" --entities "$n"
		else
			hierarchy=generated order=$shape
			/usr/bin/python3 "$here/test/bench/shapes.py" order "$data" "$out" --order "$shape"
		fi
		[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$out"
		echo "-- $hierarchy, $order"
		psql_bench -c "CREATE DATABASE shapes"
		start=$(date +%s)
		psql_bench -d shapes -v datadir="$out" -f "$work/shapes_load.sql" |
			sed -n "/closure postings/,/^$/p; /posted tags;/p"
		echo "loaded in $(( $(date +%s) - start )) s"
		psql_bench -d shapes -c "SET bench.reps = $reps" -v hierarchy="$hierarchy" -v order="$order" \
			-f "$work/shapes_run.sql"
		# after the edits, the routine refresh kept the posted tags chosen
		# before them; a rebuild chooses them again for the tree as it is
		if [ "$shape" = random-moved ]; then
			echo "-- $hierarchy, $order, postings rebuilt"
			psql_bench -d shapes -c "SELECT tagstore.refresh_postings(rebuild => true) AS rebuilt" \
				-c "SELECT count(*) AS \"posted tags\", pg_size_pretty(pg_total_relation_size('tagstore.posting')) AS postings FROM tagstore.posted_tag"
			psql_bench -d shapes -c "SET bench.reps = $reps" -v hierarchy="$hierarchy" \
				-v order="$order, rebuilt" -f "$work/shapes_run.sql"
		fi
		psql_bench -d shapes -c "COPY bench.shape_results TO STDOUT CSV" >>"$work/shape-results.csv"
		psql_bench -c "DROP DATABASE shapes"
		rm -rf "$out"
	done
}

# The bulk forms, in databases of their own (bulk.sql).
bulk() {
	echo
	echo "######## bulk tagging: add_tag_to_many against plain SQL, and 10-id calls small and large"
	(cd "$work" && psql_bench -f "$work/bulk.sql" 2>&1 | grep -v NOTICE)
}

# p95 and median latency (ms) of the pgbench logs with a prefix
latency() {
	cat "$1".* | awk '{print $3 / 1000}' | sort -n |
		awk '{v[NR] = $1} END {if (NR == 0) {print "no transactions"; exit}
			printf "%d transactions, median %.2f ms, p95 %.2f ms\n", NR, v[int(NR * 0.5) + 1], v[int(NR * 0.95) + 1]}'
}

# The upkeep at one size, in a database of its own (upkeep.sql): counts of
# broad tags right after a refresh; then 2 writers and a counter at once,
# the writers' commits starting the background refreshes, posting_change
# sampled every 5 s; then the writers alone with no postings and no
# refreshes.
upkeep() {
	local n=$1 secs=${BENCH_UPKEEP_SECONDS:-300} limit=${BENCH_PENDING_LIMIT:-1000} range first last pid max=0 pending
	echo
	echo "######## upkeep, $n entities: 2 clients tagging and untagging for $secs s while a third counts broad tags"
	psql_bench -c "DROP DATABASE IF EXISTS upkeep" -c "CREATE DATABASE upkeep"
	range=$(psql_bench -d upkeep -v entities="$n" -f "$work/upkeep.sql" | sed -n 's/^leaves //p')
	first=${range% *}
	last=${range#* }
	# bench DB ARGS...: pgbench on the database (a connection string) with the run's variables
	bench() {
		local db=$1
		shift
		as_cluster_user "$PGBIN/pgbench" -n -h "$work" -p 54330 -D entities="$n" -D first_leaf="$first" \
			-D last_leaf="$last" "$@" "$db" >/dev/null 2>&1
	}
	rm -f "$work"/up_*
	bench upkeep -c 1 -T 20 -f "$work/upkeep_counter.pgbench" -l --log-prefix="$work/up_fresh"
	echo "counts, postings fresh, alone: $(latency "$work/up_fresh")"
	bench "dbname=upkeep options='-c tagstore.pending_limit=$limit'" -c 2 -j 2 -T "$secs" \
		-f "$work/upkeep_writer.pgbench" -l --log-prefix="$work/up_writers" &
	pid=$!
	bench upkeep -c 1 -T "$secs" -f "$work/upkeep_counter.pgbench" -l --log-prefix="$work/up_counts" &
	while kill -0 "$pid" 2>/dev/null; do
		pending=$(psql_bench -d upkeep -At -c "SELECT count(*) FROM tagstore.posting_change")
		[ "$pending" -gt "$max" ] && max=$pending
		sleep 5
	done
	wait
	echo "counts, writers running, postings kept up: $(latency "$work/up_counts")"
	echo "writers, postings kept up: $(latency "$work/up_writers")"
	echo "posting_change: at most $max rows sampled, $(psql_bench -d upkeep -At -c "SELECT count(*) FROM tagstore.posting_change") at the end" \
		"(the writers' tagstore.pending_limit: $limit)"
	psql_bench -d upkeep -c "DELETE FROM tagstore.posted_tag" >/dev/null
	bench "dbname=upkeep options='-c tagstore.auto_refresh=off'" -c 2 -j 2 -T "$secs" \
		-f "$work/upkeep_writer.pgbench" -l --log-prefix="$work/up_plain"
	echo "writers alone, no postings, no refreshes: $(latency "$work/up_plain")"
	psql_bench -c "DROP DATABASE upkeep"
}

shapes_report() {
	psql_bench -v results="$work/shape-results.csv" -f "$work/shapes_report.sql"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
if [ "$section" = listings ]; then
	listings
	exit 0
fi
if [ "$section" = upkeep ]; then
	for n in $sizes; do
		upkeep "$n"
	done
	exit 0
fi
if [ "$section" = bulk ]; then
	bulk
	exit 0
fi
if [ "$section" = shapes ]; then
	for n in $sizes; do
		shapes "$n"
	done
	shapes_report
	exit 0
fi
for n in $sizes; do
	echo
	echo "######## $n entities"
	data="$work/data-$n"
	mkdir -p "$data"
	/usr/bin/python3 "$here/test/bench/generate.py" "$data" --entities "$n"
	[ "$CLUSTER_USER" != "$(id -un)" ] && chown -R "$CLUSTER_USER" "$data"
	start=$(date +%s)
	psql_bench -v datadir="$data" -f "$work/load.sql" | sed -n "/closure postings/,/^$/p"
	echo "loaded in $(( $(date +%s) - start )) s"
	psql_bench -f "$work/sizes.sql"
	psql_bench -c "SET bench.reps = $reps" -f "$work/run.sql"
	psql_bench -c "SET bench.reps = $reps" -f "$work/acl.sql"
	psql_bench -c "SET bench.reps = $reps" -f "$work/pending.sql" >/dev/null
	psql_bench -f "$work/moves.sql"
	echo
	echo "== tagging throughput, 2 clients: both sides prewarmed, a warm-up round, then 3 alternating runs of 10 s each, median (tagstore includes revisions; its writers' background refreshes on, as by default, and off)"
	declare -A runs=([tag_plain]="" [tag_tagstore]="" [no_upkeep]="")
	psql_bench -f "$work/prewarm.sql"
	# tagging: pgbench with one of the scripts (no_upkeep: tag_tagstore with tagstore.auto_refresh off)
	tagging() {
		local script=$1 options=""
		[ "$script" = no_upkeep ] && script=tag_tagstore options="-c tagstore.auto_refresh=off"
		as_cluster_user env PGOPTIONS="$options" "$PGBIN/pgbench" -n -c 2 -j 2 -T 10 -D entities="$n" \
			-f "$work/$script.pgbench" -h "$work" -p 54330 postgres 2>&1
	}
	# a discarded warm-up round too: each side's first writes settle in
	for script in tag_plain tag_tagstore no_upkeep; do
		tagging $script >/dev/null
	done
	for round in 1 2 3; do
		for script in tag_plain tag_tagstore no_upkeep; do
			runs[$script]+=" $(tagging $script | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')"
		done
	done
	median() { printf '%s\n' $1 | sort -n | sed -n 2p; }
	plain=$(median "${runs[tag_plain]}")
	tagstore=$(median "${runs[tag_tagstore]}")
	no_upkeep=$(median "${runs[no_upkeep]}")
	echo "plain insert:${runs[tag_plain]} tps (median $plain)"
	echo "tagstore:${runs[tag_tagstore]} tps (median $tagstore)"
	echo "tagstore, auto_refresh off:${runs[no_upkeep]} tps (median $no_upkeep)"
	echo "tagstore / plain insert: $(echo "scale=2; $tagstore / $plain" | bc)" \
		"(auto_refresh off: $(echo "scale=2; $no_upkeep / $plain" | bc))"
	shapes "$n"
done
psql_bench -f "$work/report.sql"
shapes_report
listings
bulk
for n in $sizes; do
	upkeep "$n"
done
