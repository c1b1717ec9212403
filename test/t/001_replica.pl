# A streaming replica answers searches exactly as its primary does: from
# postings that are fresh, pending or stale, after a refresh on the primary,
# and for a standby transaction whose snapshot predates all of that.  The
# replica refuses writes with SQLSTATE 25006, and once promoted it takes
# them.  Every answer is also checked against a walk of parent_id.
use strict;
use warnings;
use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $forest = slurp_file(dirname(__FILE__) . '/forest.sql');

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
# the pending changes and stale postings are the test's: no background
# refresh folds them in (src/engine/upkeep.c; 003_concurrent runs with it)
$primary->append_conf('postgresql.conf', 'tagstore.auto_refresh = off');
$primary->start;
$primary->safe_psql('postgres', $forest);
$primary->safe_psql('postgres',
	'SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 15)');

$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
# keeps the rows an old standby snapshot reads from being vacuumed away
$standby->append_conf('postgresql.conf',
	"hot_standby_feedback = on\nwal_receiver_status_interval = 1s");
$standby->start;

# cases|mismatches|nonempty|posted|digest of the searches on a node
sub searches
{
	my ($node) = @_;
	return $node->safe_psql('postgres', 'SELECT * FROM tap.check_searches()');
}

# checks a node's searches against the reference; returns the digest
sub check_node
{
	my ($node, $what) = @_;
	my ($cases, $mismatches, $nonempty, $posted, $digest) =
	  split /\|/, searches($node);
	is($cases, 150, "$what: 150 searches");
	is($mismatches, 0, "$what: every search equals the walk of parent_id");
	cmp_ok($nonempty, '>', 30, "$what: many searches have an answer");
	return ($digest, $posted);
}

sub status
{
	my ($node) = @_;
	return $node->safe_psql('postgres',
		'SELECT posted_tags > 0, stale_tags > 0, pending_changes > 0 FROM tagstore.posting_status');
}

# 1. fresh postings
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'the standby is in recovery');
my ($fresh, $posted) = check_node($primary, 'primary, fresh postings');
cmp_ok($posted, '>', 20, 'many searches read a fresh posting');
is(status($standby), 't|f|f', 'standby: postings replicated, none stale or pending');
my ($on_standby) = check_node($standby, 'standby, fresh postings');
is($on_standby, $fresh, 'standby answers as the primary');

# 2. a standby refuses every kind of write, with read_only_sql_transaction
foreach my $write (
	"SELECT tagstore.add_tag_to('Tree.\"Node 1\"', 'item', 'new')",
	"SELECT tagstore.add_tag_to_many_by_id(tagstore.tag_id('Tree.\"Node 1\"'), 'item', ARRAY['a', 'b'])",
	"SELECT tagstore.remove_tag_from('Tree.\"Node 1\"', 'item', 'e1')",
	"SELECT tagstore.add_tag('Tree', 'new')",
	"SELECT tagstore.refresh_postings()")
{
	my ($rc, $out, $err) =
	  $standby->psql('postgres', "\\set VERBOSITY verbose\n$write");
	like($err, qr/ERROR:  25006:/, "standby refuses: $write");
}

# 3. a standby transaction that began before the writes below
my $old = $standby->background_psql('postgres');
$old->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($old->query_safe('SELECT digest FROM tap.check_searches()'), $fresh,
	'old standby snapshot: answers as before');
$primary->poll_query_until('postgres',
	'SELECT count(*) = 1 FROM pg_stat_replication WHERE backend_xmin IS NOT NULL')
  or die 'no feedback from the standby';

# 4. writes on the primary: pending changes and stale postings
$primary->safe_psql('postgres', 'SELECT setseed(0.7); SELECT tap.churn(200)');
$primary->wait_for_catchup($standby);
is(status($standby), 't|t|t', 'standby: postings pending and stale');
my ($churned) = check_node($primary, 'primary, pending and stale');
isnt($churned, $fresh, 'the writes changed some answers');
($on_standby) = check_node($standby, 'standby, pending and stale');
is($on_standby, $churned, 'standby answers as the primary');

# 5. the primary refreshes its postings
$primary->safe_psql('postgres', 'SELECT tagstore.refresh_postings()');
$primary->wait_for_catchup($standby);
is(status($standby), 't|f|f', 'standby: postings refreshed');
($on_standby) = check_node($standby, 'standby, refreshed');
is($on_standby, $churned, 'standby answers as before the refresh');

my ($cases, $mismatches, $nonempty, $p, $digest) = split /\|/,
  $old->query_safe('SELECT * FROM tap.check_searches()');
is($mismatches, 0, 'old standby snapshot: every search equals the walk');
is($digest, $fresh, 'old standby snapshot: answers as before the writes and the refresh');
$old->query_safe('COMMIT');
$old->quit;

# 6. promoted, the standby takes writes and keeps searching right
$standby->promote;
$standby->safe_psql('postgres', 'SELECT setseed(0.8); SELECT tap.churn(100)');
my ($promoted) = check_node($standby, 'promoted, after writes');
isnt($promoted, $churned, 'the writes changed some answers');
$standby->safe_psql('postgres', 'SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 15)');
is(status($standby), 't|f|f', 'promoted: postings rebuilt');
($on_standby) = check_node($standby, 'promoted, rebuilt');
is($on_standby, $promoted, 'rebuilt postings answer as before');

$standby->stop;
$primary->stop;
done_testing();
