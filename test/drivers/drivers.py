"""The API through Python drivers, as an application calls it: psycopg 3
(parameters sent apart from the SQL, strings and lists of strings untyped
or as text[]), psycopg2 (parameters interpolated into the SQL on the
client) and asyncpg (server-side prepared statements, parameter types
asked of the server).  Every call passes lists of tags and external ids as
the driver sends a Python list.  Prints one "ok: ..." or "FAILED: ..."
line per check.  Usage: drivers.py HOST PORT DBNAME USER (a non-superuser
role with the application's grants, in a database where tagstore is
installed; HOST may be a socket directory).
"""
import asyncio
import sys

import asyncpg
import psycopg
import psycopg2

HOST, PORT, DBNAME, USER = sys.argv[1:5]
DSN = f"host={HOST} port={PORT} dbname={DBNAME} user={USER}"
failures = 0


def check(name, got, want):
    global failures
    if got == want:
        print(f"ok: {name}")
    else:
        failures += 1
        print(f"FAILED: {name}: got {got!r}, want {want!r}")


def tags_of(cur, external_id):
    cur.execute("SELECT tag::text FROM tagstore.tags_of('thing', %s) ORDER BY 1", [external_id])
    return [r[0] for r in cur.fetchall()]


def psycopg3(prefix):
    with psycopg.connect(DSN, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute("SELECT tagstore.create_taxonomy(%s)", [prefix + "sizes"])
        cur.execute("SELECT tagstore.add_tag(%s, %s)", [prefix + "sizes", "large"])
        large = prefix + "sizes.large"
        # one entity; the tag as an untyped string
        cur.execute("SELECT tagstore.add_tag_to(%s, %s, %s)", [large, "thing", "elephant"])
        check("psycopg 3: add_tag_to, one entity", tags_of(cur, "elephant"), [large])
        # the call: a list of ids for the bulk form
        cur.execute("SELECT external_id, status FROM tagstore.add_tag_to_many(%s::tagpath, %s, %s) ORDER BY 1",
                    [large, "thing", ["whale", "redwood"]])
        check("psycopg 3: add_tag_to_many with a list", cur.fetchall(),
              [("redwood", "tagged"), ("whale", "tagged")])
        cur.execute("SELECT count(*) FROM tagstore.entity WHERE external_id LIKE %s", ["{%"])
        check("psycopg 3: no entity named by a list's text", cur.fetchone()[0], 0)
        # searches with lists of tags
        cur.execute("SELECT external_id FROM tagstore.entities_with_all(%s, 'thing') ORDER BY 1", [[large]])
        check("psycopg 3: entities_with_all with a list", [r[0] for r in cur.fetchall()],
              ["elephant", "redwood", "whale"])
        cur.execute("SELECT tagstore.count_entities_with_any(%s)", [[large, prefix + "sizes.nope"]])
        check("psycopg 3: count_entities_with_any with a list", cur.fetchone()[0], 3)
        # search_tags: one text and a list, each by name
        cur.execute("SELECT tag::text FROM tagstore.search_tags(taxonomy => %s)", [prefix + "SIZES"])
        check("psycopg 3: search_tags(taxonomy => str)", [r[0] for r in cur.fetchall()], [large])
        cur.execute("SELECT tag::text FROM tagstore.search_tags(any_value => %s, taxonomy => %s)",
                    [["LARGE", "small"], prefix + "sizes"])
        check("psycopg 3: search_tags(any_value => list)", [r[0] for r in cur.fetchall()], [large])
        # by id: an int goes to the _by_id form, a path to the form by name
        cur.execute("SELECT tagstore.tag_id(%s)", [large])
        tag_id = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM tagstore.tag_history_by_id(%s)", [tag_id])
        n_by_id = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM tagstore.tag_history(%s)", [large])
        check("psycopg 3: tag_history by id and by name agree", (n_by_id, cur.fetchone()[0]), (1, 1))
        cur.execute("SELECT status FROM tagstore.remove_tag_from_many_by_id(%s, %s, %s)",
                    [tag_id, "thing", ["whale"]])
        check("psycopg 3: remove_tag_from_many_by_id", cur.fetchall(), [("untagged",)])
        cur.execute("SELECT tagstore.remove_tag_from(%s, %s, %s) IS NOT NULL", [large, "thing", "redwood"])
        check("psycopg 3: remove_tag_from, one entity", cur.fetchone()[0], True)
        # binary parameters and results
        cur = conn.cursor(binary=True)
        cur.execute("SELECT external_id FROM tagstore.entities_with_any(%s::text[]::tagpath[]) ORDER BY 1",
                    [[large]])
        check("psycopg 3: binary results", [r[0] for r in cur.fetchall()], ["elephant"])


def psycopg2_(prefix):
    conn = psycopg2.connect(DSN)
    conn.autocommit = True
    cur = conn.cursor()
    large = prefix + "sizes.large"
    cur.execute("SELECT external_id, status FROM tagstore.add_tag_to_many(%s, %s, %s) ORDER BY 1",
                [large, "thing", ["ant", "bee"]])
    check("psycopg2: add_tag_to_many with a list", cur.fetchall(), [("ant", "tagged"), ("bee", "tagged")])
    cur.execute("SELECT external_id FROM tagstore.entities_with_all(%s::tagpath[], 'thing') ORDER BY 1",
                [[large]])
    check("psycopg2: entities_with_all with a list", [r[0] for r in cur.fetchall()],
          ["ant", "bee", "elephant"])
    cur.execute("SELECT count(*) FROM tagstore.search_tags(any_taxonomy => %s)", [[prefix + "sizes"]])
    check("psycopg2: search_tags(any_taxonomy => list)", cur.fetchone()[0], 1)
    conn.close()


async def asyncpg_(prefix):
    conn = await asyncpg.connect(host=HOST, port=int(PORT), database=DBNAME, user=USER)
    try:
        large = prefix + "sizes.large"
        rows = await conn.fetch("SELECT external_id, status FROM tagstore.add_tag_to_many($1, $2, $3) ORDER BY 1",
                                large, "thing", ["cat", "dog"])
        check("asyncpg: add_tag_to_many with a list", [tuple(r) for r in rows],
              [("cat", "tagged"), ("dog", "tagged")])
        rev = await conn.fetchval("SELECT tagstore.add_tag_to($1, $2, $3)", large, "thing", "emu")
        check("asyncpg: add_tag_to, one entity", rev, 1)
        rows = await conn.fetch("SELECT external_id FROM tagstore.entities_with_all($1, 'thing') ORDER BY 1",
                                [large])
        check("asyncpg: entities_with_all with a list", [r[0] for r in rows],
              ["ant", "bee", "cat", "dog", "elephant", "emu"])
        n = await conn.fetchval("SELECT count(*) FROM tagstore.search_tags(taxonomy => $1)", prefix + "sizes")
        check("asyncpg: search_tags(taxonomy => str)", n, 1)
        n = await conn.fetchval("SELECT count(*) FROM tagstore.search_tags(any_value => $1)", ["large"])
        check("asyncpg: search_tags(any_value => list)", n >= 1, True)
        tag_id = await conn.fetchval("SELECT tagstore.tag_id($1)", large)
        rows = await conn.fetch("SELECT status FROM tagstore.remove_tag_from_many_by_id($1, $2, $3)",
                                tag_id, "thing", ["cat"])
        check("asyncpg: remove_tag_from_many_by_id", [r[0] for r in rows], ["untagged"])
    finally:
        await conn.close()


psycopg3("py")
psycopg2_("py")
asyncio.run(asyncpg_("py"))
sys.exit(1 if failures else 0)
