# Concurrent clients (pgbench): taggings, untaggings and retaggings of a
# few hundred hot (tag, entity) pairs, searches that check their own answer
# against the walk of parent_id within the same snapshot, refreshes and
# rebuilds of the postings, and VACUUMs of tagging (which remove the
# untagged pairs' index entries and set heap pages all-visible while
# searches hold copies of leaf pages: src/engine/tagging_index.c), all at
# once.  No client may fail, no revision
# may be lost or doubled, and afterwards every search still equals the walk.
# Races show up only now and then: this test failed one run in three when
# refresh_postings deleted change rows newer than the snapshot it rebuilt
# postings from.
use strict;
use warnings;
use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('node');
$node->init;
$node->append_conf('postgresql.conf', 'max_connections = 20');
$node->start;
$node->safe_psql('postgres', slurp_file(dirname(__FILE__) . '/forest.sql'));
$node->safe_psql('postgres', q{
	SELECT tagstore.refresh_postings(rebuild => true, min_taggings => 15);

	-- fails unless tagstore's answer equals the walk's, both read in the
	-- snapshot of the statement that calls it (a STABLE function takes no other)
	CREATE FUNCTION tap.assert_search(paths tagpath[], match_all boolean) RETURNS void
	LANGUAGE plpgsql STABLE AS $$
	DECLARE
		got text[] := ARRAY(SELECT external_id FROM (
			SELECT * FROM tagstore.entities_with_all(paths) WHERE match_all
			UNION ALL
			SELECT * FROM tagstore.entities_with_any(paths) WHERE NOT match_all) s ORDER BY 1);
		counted bigint := CASE WHEN match_all THEN tagstore.count_entities_with_all(paths)
							   ELSE tagstore.count_entities_with_any(paths) END;
		want text[] := tap.ref_search(paths, match_all);
	BEGIN
		IF got IS DISTINCT FROM want OR counted <> cardinality(want) THEN
			RAISE EXCEPTION 'search % (all: %) found % (counted %), the walk %',
				paths, match_all, got, counted, want;
		END IF;
	END $$;

	-- the i-th tag (of the first ones, where taggings are dense)
	CREATE FUNCTION tap.tag_at(i int) RETURNS tagpath LANGUAGE sql STABLE AS $$
		SELECT path FROM tagstore.tag ORDER BY id OFFSET i LIMIT 1
	$$;
});

my $pairs = q{SELECT count(*) FROM tagstore.tagging};
my $taggings_before = $node->safe_psql('postgres', $pairs);

# 20 tags x 20 entities: clients keep meeting on the same taggings
$node->pgbench(
	'--no-vacuum --client=6 --jobs=3 --transactions=800',
	0,
	[ qr{processed: 4800/4800}, qr{number of failed transactions: 0 } ],
	[qr{^$}],
	'concurrent taggings, searches and refreshes: no client fails',
	{
		'003_tag@10' => q{
\set t random(0, 19)
\set e random(1, 20)
SELECT tagstore.add_tag_to(tap.tag_at(:t), 'item', 'e' || :e);
},
		'003_retag@3' => q{
\set t random(0, 19)
\set e random(1, 20)
\set v random(1, 3)
SELECT tagstore.add_tag_to(tap.tag_at(:t), 'item', 'e' || :e, jsonb_build_object('v', :v));
},
		'003_bulk@2' => q{
\set t random(0, 19)
\set e random(1, 16)
SELECT tagstore.add_tag_to_many(tap.tag_at(:t), 'item', ARRAY['e' || :e, 'e' || (:e + 4), 'e' || (:e + 2)]);
},
		'003_untag@8' => q{
\set t random(0, 19)
\set e random(1, 20)
SELECT tagstore.remove_tag_from(tap.tag_at(:t), 'item', 'e' || :e);
},
		'003_search@8' => q{
\set a random(0, 40)
\set b random(0, 299)
\set all random(0, 1)
SELECT tap.assert_search(ARRAY[tap.tag_at(:a), tap.tag_at(:b)], :all = 1);
SELECT tap.assert_search(ARRAY[tap.tag_at(:a)], true);
},
		'003_vacuum@1' => q{
VACUUM tagstore.tagging;
},
		'003_refresh@3' => q{
\set rebuild random(0, 3)
SELECT tagstore.refresh_postings(rebuild => :rebuild = 0, min_taggings => 15);
},
	});

isnt($node->safe_psql('postgres', $pairs), $taggings_before, 'the clients changed the taggings');

# every (tag, entity) pair's revisions are 1..n without gaps or doubles: the
# history's, then the live tagging's (which is the last); each untag is
# followed by a tag, each tag or retag by a retag or an untag
is($node->safe_psql('postgres', q{
	WITH revs AS (
		SELECT tag_id, entity_id, revision, operation FROM tagstore.tagging_revision
		UNION ALL
		SELECT tag_id, entity_id, revision, operation FROM tagstore.tagging
	), ordered AS (
		SELECT *, row_number() OVER w AS n, lag(operation) OVER w AS before,
			   count(*) OVER (PARTITION BY tag_id, entity_id) AS total
		FROM revs WINDOW w AS (PARTITION BY tag_id, entity_id ORDER BY revision)
	)
	SELECT count(*) FROM ordered
	WHERE revision <> n
	   OR (before IS NULL AND operation <> 'tag')
	   OR (before = 'untag' AND operation <> 'tag')
	   OR (before IN ('tag', 'retag') AND operation NOT IN ('retag', 'untag'))}),
	0, 'every tagging\'s revisions are whole and in order');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM tagstore.tagging x
	WHERE x.revision <= (SELECT max(r.revision) FROM tagstore.tagging_revision r
						 WHERE r.tag_id = x.tag_id AND r.entity_id = x.entity_id)
	   OR x.operation = 'untag'}),
	0, 'a live tagging holds its last revision');

my ($cases, $mismatches) = split /\|/,
  $node->safe_psql('postgres', 'SELECT * FROM tap.check_searches()');
is($mismatches, 0, 'afterwards, with changes pending: every search equals the walk');
$node->safe_psql('postgres', 'SELECT tagstore.refresh_postings()');
($cases, $mismatches) = split /\|/,
  $node->safe_psql('postgres', 'SELECT * FROM tap.check_searches()');
is($mismatches, 0, 'after a refresh: every search equals the walk');

is($node->safe_psql('postgres', 'SELECT tap.btree_indexes_pass()'), 't',
	'every btree index of tagstore passes amcheck');

$node->stop;
done_testing();
