# Crash safety: after an immediate shutdown (no checkpoint, as after a
# power cut), recovery from WAL brings back exactly the committed taggings,
# moves and removals, and the postings with their pending changes; a refresh
# and writes that had not committed leave no trace.  Searches equal the walk
# of parent_id, every btree index of tagstore passes amcheck, and the
# postings can be refreshed and rebuilt afterwards.
use strict;
use warnings;
use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('node');
$node->init;
# the changes pending at the crash are the test's: no background refresh
# folds them in first (src/engine/upkeep.c)
$node->append_conf('postgresql.conf', 'tagstore.auto_refresh = off');
$node->start;
$node->safe_psql('postgres', slurp_file(dirname(__FILE__) . '/forest.sql'));
$node->safe_psql('postgres', q{
	SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 15);
	CHECKPOINT;
	SELECT setseed(0.6);
	SELECT tap.churn(200);
});

# work in flight when the server dies: writes and a refresh, not committed
my $inflight = $node->background_psql('postgres');
$inflight->query_safe('BEGIN');
$inflight->query_safe('SELECT setseed(0.9); SELECT tap.churn(100)');
$inflight->query_safe('SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 5)');
$inflight->query_safe(
	q{SELECT tagstore.add_tag_to(path, 'item', 'uncommitted') FROM tagstore.tag ORDER BY id LIMIT 10});

# committed after it, in WAL after its records: taggings of tags it has not locked
$node->safe_psql('postgres', q{
	SELECT tagstore.add_tag_to(path, 'item', 'after')
	FROM (SELECT path FROM tagstore.tag ORDER BY id LIMIT 20 FOR KEY SHARE SKIP LOCKED) t});

# cases|mismatches|nonempty|posted|digest, and the postings' state
my $check = 'SELECT * FROM tap.check_searches()';
my $state = q{SELECT (SELECT count(*) FROM tagstore.tagging), (SELECT count(*) FROM tagstore.tag),
	posted_tags, stale_tags, pending_changes FROM tagstore.posting_status};
# the answers, without how many searches read a fresh posting
sub answers { return join '|', (split /\|/, $_[0])[0, 1, 2, 4]; }
my $before = $node->safe_psql('postgres', $check);
my $state_before = $node->safe_psql('postgres', $state);
my ($cases, $mismatches) = split /\|/, $before;
is($mismatches, 0, 'before the crash: every search equals the walk of parent_id');
like($state_before, qr/^\d+\|\d+\|\d+\|[1-9]\d*\|[1-9]\d*$/,
	'before the crash: postings stale and changes pending');
is($node->safe_psql('postgres',
	q{SELECT count(*) FROM tagstore.tagging x JOIN tagstore.entity e ON e.id = x.entity_id
	  WHERE e.external_id = 'after'}), 20, 'before the crash: the later transaction tagged');

$node->stop('immediate');
$inflight->{run}->kill_kill;
$node->start;

is($node->safe_psql('postgres', $state), $state_before,
	'after recovery: the committed taggings, tags and postings, nothing else');
is($node->safe_psql('postgres', $check), $before,
	'after recovery: every search answers as before the crash');
is($node->safe_psql('postgres',
	q{SELECT count(*) FROM tagstore.entity WHERE external_id = 'uncommitted'}),
	0, 'after recovery: no uncommitted entity');

# the indexes are consistent with their tables
is($node->safe_psql('postgres', 'SELECT tap.btree_indexes_pass()'), 't',
	'after recovery: every btree index of tagstore passes amcheck');

# and work goes on: refresh, rebuild
$node->safe_psql('postgres', 'SELECT tagstore.refresh_postings()');
like($node->safe_psql('postgres', $state), qr/^\d+\|\d+\|[1-9]\d*\|0\|0$/,
	'after a refresh: no stale postings, no pending changes');
is(answers($node->safe_psql('postgres', $check)), answers($before),
	'after a refresh: the same answers');
$node->safe_psql('postgres', 'SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 5)');
is(answers($node->safe_psql('postgres', $check)), answers($before),
	'after a rebuild with more tags posted: the same answers');

$node->stop;
done_testing();
