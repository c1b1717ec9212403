// The API through node-postgres (npm "pg"), as an application calls it:
// every parameter is sent untyped, as text, and a JavaScript array as an
// array literal.  Prints one "ok: ..." or "FAILED: ..." line per check.
// Usage: node drivers.js HOST PORT DBNAME USER (HOST may be a socket
// directory; a non-superuser role with the application's grants).
'use strict';
const { Client } = require('pg');

const [host, port, database, user] = process.argv.slice(2);
let failures = 0;

function check(name, got, want) {
	const g = JSON.stringify(got);
	const w = JSON.stringify(want);
	if (g === w) {
		console.log(`ok: ${name}`);
	} else {
		failures++;
		console.log(`FAILED: ${name}: got ${g}, want ${w}`);
	}
}

async function main() {
	const client = new Client({ host, port: Number(port), database, user });
	await client.connect();
	const q = async (text, values) => (await client.query(text, values)).rows;
	try {
		await q('SELECT tagstore.create_taxonomy($1)', ['jssizes']);
		await q('SELECT tagstore.add_tag($1, $2)', ['jssizes', 'large']);
		const large = 'jssizes.large';
		// the call, with the bulk form's name
		check('node pg: add_tag_to_many with an array',
			await q('SELECT external_id, status FROM tagstore.add_tag_to_many($1, $2, $3) ORDER BY 1',
				[large, 'thing', ['whale', 'redwood']]),
			[{ external_id: 'redwood', status: 'tagged' }, { external_id: 'whale', status: 'tagged' }]);
		check('node pg: add_tag_to, one entity',
			await q('SELECT tagstore.add_tag_to($1, $2, $3) AS rev', [large, 'thing', 'elephant']),
			[{ rev: 1 }]);
		check('node pg: no entity named by an array literal',
			await q("SELECT count(*)::int AS n FROM tagstore.entity WHERE external_id LIKE '{%'"),
			[{ n: 0 }]);
		check('node pg: entities_with_all with an array',
			(await q("SELECT external_id FROM tagstore.entities_with_all($1, 'thing') ORDER BY 1", [[large]]))
				.map((r) => r.external_id),
			['elephant', 'redwood', 'whale']);
		check('node pg: count_entities_with_any with an array',
			await q('SELECT tagstore.count_entities_with_any($1)::int AS n', [[large, 'jssizes.nope']]),
			[{ n: 3 }]);
		// search_tags: each parameter typed by the function, so inferred
		check('node pg: search_tags(taxonomy => $1)',
			await q('SELECT tag FROM tagstore.search_tags(taxonomy => $1)', ['JSSIZES']),
			[{ tag: large }]);
		check('node pg: search_tags(any_value => $1) with an array',
			await q('SELECT tag FROM tagstore.search_tags(taxonomy => $1, any_value => $2)',
				['jssizes', ['Large', 'small']]),
			[{ tag: large }]);
		// a path and an id, each to its own function: untyped '42' is not a path
		const [{ id }] = await q('SELECT tagstore.tag_id($1) AS id', [large]);
		check('node pg: tag_history and tag_history_by_id agree',
			[(await q('SELECT count(*)::int AS n FROM tagstore.tag_history($1)', [large]))[0].n,
				(await q('SELECT count(*)::int AS n FROM tagstore.tag_history_by_id($1)', [id]))[0].n],
			[1, 1]);
		check('node pg: remove_tag_from_many_by_id with an array',
			await q('SELECT status FROM tagstore.remove_tag_from_many_by_id($1, $2, $3)', [id, 'thing', ['whale']]),
			[{ status: 'untagged' }]);
		check('node pg: remove_tag_from, one entity',
			await q('SELECT tagstore.remove_tag_from($1, $2, $3) IS NOT NULL AS removed', [large, 'thing', 'redwood']),
			[{ removed: true }]);
		check('node pg: tags_of',
			await q("SELECT tag FROM tagstore.tags_of('thing', $1, 'jssizes.*')", ['elephant']),
			[{ tag: large }]);
	} catch (e) {
		failures++;
		console.log(`FAILED: node pg: ${e.message} (SQLSTATE ${e.code})`);
	} finally {
		await client.end();
	}
	process.exit(failures ? 1 : 0);
}

main();
