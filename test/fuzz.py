#!/usr/bin/python3
"""Fuzzer for tagstore: random and adversarial input to every input function
and every SQL entry point, looking for crashes, hangs and improper errors.

Usage: fuzz.py [--seconds N] [--seed N] [--timeout S] [--db NAME ...]
(PGHOST, PGPORT, PGUSER of a superuser in the environment; the databases
must exist, tagstore is created afresh in each).

What it feeds:
  - text input of tagpath, tagquery, tagtxtquery and their arrays: valid
    literals, literals mutated a character at a time, hostile ones (65,535
    labels, 100,000 operators, 100,000 nested '(' or '!', 4,096-character
    labels, counts past 65,535), control characters;
  - binary input of the same (driver binary parameters, so the server calls
    the type's recv function, and binary COPY): good frames, wrong version
    bytes, truncated frames, NUL and invalid UTF-8 bytes, arrays with bad
    headers;
  - every function of the extension that SQL can call (found in the
    catalog, so a new function is fuzzed without a change here), each
    argument drawn from its type's pool: NULL, extremes (bigint's
    -9223372036854775808 and 9223372036854775807 and int's ends go to every
    id and offset parameter, each in turn, before the random calls), huge
    arrays, arrays with NULLs or two dimensions, deep JSON, long text.

What it reports (each once per function and kind, with the call that showed it):
  - crash: the connection dropped (a backend died, the server restarted);
  - hang: the statement ran into statement_timeout;
  - improper error: SQLSTATE class XX (internal error, data corrupted), 58
    (system error) or 53 (out of memory, disk full): bad input must give a
    data, limit or argument error instead.
It prints "fuzz: N calls, N errors (all proper), N findings" and exits 1 if
it found anything.  The same seed makes the same sequence of calls (how
many of them fit in the time is another matter).
"""
import argparse
import random
import sys
import time

import psycopg
from psycopg import errors
from psycopg.adapt import Dumper
from psycopg.pq import Format

BIGINT_ENDS = [-9223372036854775808, 9223372036854775807]
INT_ENDS = [-2147483648, 2147483647]

# the pieces literals are made of: syntax characters, label characters,
# characters that need quoting or are refused
SYNTAX = list('.|!*@%{},()&" ') + ['\\', '""', '\t', '\n']
LABELS = ['a', 'b', 'Ab', 'a_b', 'x-y', '1', 'äpfel', 'ÄPFEL', 'straße', 'Σίσυφος',
          '🍎', '"x y"', '"a.b"', '"q""q"', '"\u200b"', '"\u00a0"', 'ǅ', 'ﬁ']
CONTROL = ['\x01', '\x1f', '\x7f', '\u0085', '\u009f']


class Bin:
    """A value sent in binary: the bytes given, as the type of the OID given."""

    def __init__(self, oid, data):
        self.oid = oid
        self.data = data

    def __repr__(self):
        return 'Bin(%d, %r)' % (self.oid, self.data[:80] + (b'...' if len(self.data) > 80 else b''))


class BinDumper(Dumper):
    """Sends a Bin's bytes as they are, in binary format, with its OID."""
    format = Format.BINARY

    def get_key(self, obj, format):
        return (Bin, obj.oid)

    def upgrade(self, obj, format):
        dumper = BinDumper(Bin)
        dumper.oid = obj.oid
        return dumper

    def dump(self, obj):
        return obj.data


class Gen:
    """Values of each type, random and hostile, from one seeded generator."""

    def __init__(self, rnd):
        self.r = rnd
        self.tags = ['fz', 'fz.a', 'fz.a.b', 'fz.c', 'fz."x y"', 'nope.x', '']
        self.tag_ids = [1, 2, 3]
        self.clean = False		# plausible values only: to get past the checks

    def chance(self, p):
        return self.r.random() < p

    def hostile(self, p):
        """True with chance p, unless only plausible values are wanted."""
        return not self.clean and self.r.random() < p

    def label(self):
        if self.hostile(0.02):
            return 'a' * self.r.choice([4096, 4097])
        if self.hostile(0.02):
            return self.r.choice(CONTROL)
        return self.r.choice(LABELS)

    def mutate(self, s):
        """s with a few characters inserted, deleted or replaced."""
        s = list(s)
        for _ in range(self.r.randint(1, 3)):
            pos = self.r.randint(0, len(s))
            op = self.r.randint(0, 2)
            piece = self.r.choice(SYNTAX + LABELS + CONTROL + ['{65536}', '{,99999999999}', '{-1}'])
            if op == 0 or not s:
                s[pos:pos] = [piece]
            elif op == 1:
                del s[min(pos, len(s) - 1)]
            else:
                s[min(pos, len(s) - 1)] = piece
        return ''.join(s)

    def path(self):
        if self.clean:
            return self.r.choice(self.tags[:5] + ['fz.a.' + self.label()])
        r = self.r.random()
        if r < 0.03:
            return '.'.join(['a'] * self.r.choice([65535, 65536]))
        if r < 0.06:
            return '.'.join(self.label() for _ in range(self.r.randint(200, 3000)))
        if r < 0.25:
            return self.r.choice(self.tags)
        s = '.'.join(self.label() for _ in range(self.r.randint(0, 6)))
        return self.mutate(s) if self.chance(0.3) else s

    def count(self):
        return self.r.choice(['', '', '', '{2}', '{1,}', '{,3}', '{0,2}', '{,}', '{0}',
                              '{65535}', '{65536}', '{3,1}', '{1,65535}'])

    def query(self):
        r = self.r.random() if not self.clean else 1
        if r < 0.03:
            return '.'.join(['*'] * self.r.choice([20, 1000, 65535, 65536]) + ['b'])
        if r < 0.06:
            return '.'.join(['*{1,}'] * 12 + ['b'])
        if r < 0.08:
            return '|'.join(['a'] * self.r.choice([1000, 65535, 65536]))
        levels = []
        for _ in range(self.r.randint(1, 7)):
            if self.chance(0.3):
                levels.append('*' + self.count())
            else:
                variants = '|'.join(self.label() + ''.join(self.r.sample('@*%', self.r.randint(0, 2)))
                                    for _ in range(self.r.randint(1, 3)))
                levels.append(('!' if self.chance(0.2) else '') + variants + self.count())
        s = '.'.join(levels)
        return self.mutate(s) if self.hostile(0.3) else s

    def txtquery(self, depth=0):
        r = self.r.random() if not self.clean or depth > 0 else 0.5
        if depth == 0 and r < 0.03:
            return ' & '.join(['a'] * 100000)
        if depth == 0 and r < 0.06:
            n = self.r.choice([1000, 100000])
            return '(' * n + 'a' + ')' * n
        if depth == 0 and r < 0.09:
            return '!' * self.r.choice([1000, 100001]) + 'a'
        if depth > 3 or r < 0.4:
            s = self.label() + ''.join(self.r.sample('@*%', self.r.randint(0, 2)))
        elif r < 0.55:
            s = '!' + self.txtquery(depth + 1)
        elif r < 0.7:
            s = '(' + self.txtquery(depth + 1) + ')'
        else:
            s = self.txtquery(depth + 1) + self.r.choice([' & ', ' | ', '&', '|']) + self.txtquery(depth + 1)
        if depth == 0 and self.hostile(0.3):
            s = self.mutate(s)
        return s

    def literal(self, typ):
        return {'tagpath': self.path, 'tagquery': self.query, 'tagtxtquery': self.txtquery}[typ]()

    def frame(self, typ, literal):
        """The binary form of a literal of our types: a version byte, then text."""
        data = literal.encode('utf-8')
        r = self.r.random()
        if r < 0.05:
            return self.r.choice([b'', b'\x02' + data, b'\x00' + data, b'\xff'])
        if r < 0.10:
            return b'\x01' + data + b'\x00a'
        if r < 0.15:
            return b'\x01' + data + self.r.choice([b'\xff', b'\xc3', b'\xe2\x82', b'\xed\xa0\x80', b'\xc0\xae'])
        if r < 0.18:
            return bytes(self.r.randrange(256) for _ in range(self.r.randint(1, 40)))
        return b'\x01' + data

    def array_literal(self, typ, huge=100000):
        """An array literal of typ: NULL elements, empty, two dimensions, huge."""
        r = self.r.random()
        if r < 0.05:
            return '{' + ','.join(['a'] * huge) + '}'
        if r < 0.10:
            return '{{a,b},{c,d}}'
        if r < 0.15:
            return '{}'
        elems = []
        for _ in range(self.r.randint(1, 5)):
            if self.chance(0.1):
                elems.append('NULL')
            else:
                v = self.literal(typ) if typ in ('tagpath', 'tagquery', 'tagtxtquery') else self.text()
                elems.append('"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"')
        return '{' + ','.join(elems) + '}'

    def array_frame(self, elem_oid, typ):
        """A binary array of typ (ndim, flags, element OID, dims, elements), sometimes broken."""
        n = self.r.randint(0, 4)
        elems = []
        for _ in range(n):
            if self.chance(0.1):
                elems.append(b'\xff\xff\xff\xff')
            else:
                f = self.frame(typ, self.literal(typ))
                elems.append(len(f).to_bytes(4, 'big', signed=True) + f)
        ndim, oid, dim = (1 if n else 0), elem_oid, n
        r = self.r.random()
        if r < 0.05:
            ndim = self.r.choice([-1, 2, 7, 1000])
        elif r < 0.10:
            oid = self.r.choice([25, 0, 23])
        elif r < 0.15:
            dim = self.r.choice([-1, n + 1, 2**31 - 1])
        head = ndim.to_bytes(4, 'big', signed=True) + b'\x00\x00\x00\x00' + oid.to_bytes(4, 'big')
        if ndim == 1:
            head += dim.to_bytes(4, 'big', signed=True) + (1).to_bytes(4, 'big')
        data = head + b''.join(elems)
        if self.chance(0.05):
            data = data[:self.r.randint(0, len(data))]
        return data

    def text(self):
        r = self.r.random() if not self.clean else 0.1
        if r < 0.03:
            return 'a' * 100000
        if r < 0.3:
            return self.r.choice(['fz', 'fz2', 'doc', 'a', 'b', 'c', '', '%', '_', '\\', 'a%b_',
                                  'Äpfel', 'x y', '.', '"'])
        return ''.join(self.r.choice(LABELS + SYNTAX + CONTROL) for _ in range(self.r.randint(0, 8)))

    def bigint(self):
        return self.r.choice(BIGINT_ENDS + [0, -1, 1, 2, 3] + self.tag_ids +
                             [self.r.randint(-2**63, 2**63 - 1)])

    def integer(self):
        return self.r.choice(INT_ENDS + [0, -1, 1, 2, 3, 65535, 65536, -65536,
                                         self.r.randint(-2**31, 2**31 - 1)])

    def jsonb(self):
        return self.r.choice(['{}', '{"a": 1}', '[]', 'null', '"x"', '{"a": {"b": [1, 2]}}',
                              '[' * 10000 + ']' * 10000, '{"k": "' + 'v' * 100000 + '"}'])

    def interval(self):
        return self.r.choice(['1 day', '-1 day', '0', '178000000 years', '-178000000 years',
                              '1 microsecond'])


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.rnd = random.Random(args.seed)
        self.calls = 0
        self.errors = 0
        self.refused = 0
        self.outcomes = {}		# (function, SQLSTATE or 'ok') -> calls
        self.findings = {}
        self.conn = None

    def connect(self, db):
        """Connects (retrying while a crashed server restarts)."""
        deadline = time.time() + 60
        while True:
            try:
                conn = psycopg.connect(dbname=db, autocommit=True)
                # SQL_ASCII takes bytes as they come: high bytes reach the parsers
                encoding = conn.execute('SHOW server_encoding').fetchone()[0]
                conn.execute("SET client_encoding = %s" % ("'SQL_ASCII'" if encoding == 'SQL_ASCII' else "'UTF8'"))
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        conn.adapters.register_dumper(Bin, BinDumper)
        conn.execute("SET statement_timeout = %s" % int(self.args.timeout * 1000))
        conn.execute("SET client_min_messages = warning")
        self.conn = conn
        self.db = db

    def find(self, kind, where, detail, sql, params):
        key = (kind, where, detail.split('\n')[0][:60])
        if key in self.findings:
            self.findings[key] += 1
            return
        self.findings[key] = 1
        shown = repr(params)
        if len(shown) > 400:
            shown = shown[:400] + '...'
        print('FINDING %s in %s (db %s): %s\n    %s\n    params %s' %
              (kind, where, self.db, detail.split('\n')[0][:300], sql[:300], shown), flush=True)

    def run(self, where, sql, params=()):
        """Runs one statement; classifies what happens.  Returns rows or None."""
        self.calls += 1
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, params)
                rows = cur.fetchall() if cur.description else []
                self.tally(where, 'ok')
                return rows
        except errors.QueryCanceled as e:
            self.find('hang', where, str(e), sql, params)
        except psycopg.OperationalError as e:
            if self.conn.closed or self.conn.broken:
                self.find('crash', where, str(e), sql, params)
                self.connect(self.db)
            else:
                self.classify(e, where, sql, params)
        except psycopg.Error as e:
            self.classify(e, where, sql, params)
        except UnicodeError:
            self.refused += 1		# not sendable in this client encoding
        return None

    def tally(self, where, outcome):
        key = (where, outcome)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def classify(self, e, where, sql, params):
        if e.sqlstate is None:
            self.refused += 1		# refused by the driver (a NUL in text): never sent
            return
        self.errors += 1
        self.tally(where, e.sqlstate)
        if e.sqlstate[:2] in ('XX', '58', '53'):
            self.find('improper error %s' % e.sqlstate, where, str(e), sql, params)

    def setup(self):
        """tagstore afresh, with a taxonomy, tags and taggings to work on."""
        self.run('setup', 'DROP EXTENSION IF EXISTS tagstore CASCADE')
        self.run('setup', 'CREATE EXTENSION tagstore')
        self.reseed()
        rows = self.run('setup', """
            SELECT t.oid::int, t.typname, t.typarray::int FROM pg_type t
            JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
            JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'tagstore'""")
        self.types = {name: (oid, arr) for oid, name, arr in rows}
        self.gen = Gen(self.rnd)
        # the functions SQL can call: none taking internal (opclass support,
        # recv), and not the triggers
        self.functions = self.run('setup', """
            SELECT p.oid::regproc::text, p.pronargs,
                   ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, i) ORDER BY i)
            FROM pg_proc p
            JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
            JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'tagstore'
            WHERE NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
              AND p.prorettype <> 'trigger'::regtype
            ORDER BY 1, 3""")
        self.run('setup', """CREATE TABLE public.fz_copy (a tagpath, b tagquery, c tagtxtquery,
                                                   d tagpath[], e tagquery[], f tagtxtquery[])""")

    def reseed(self):
        """A taxonomy with tags and taggings, whatever random calls left."""
        self.run('reseed', "SELECT tagstore.create_taxonomy('fz')")
        for t in ('fz.a', 'fz.a.b', 'fz.c', 'fz."x y"'):
            self.run('reseed', 'SELECT tagstore.add_tag(%s::tagpath)', (t,))
            self.run('reseed', "SELECT tagstore.add_tag_to(%s::tagpath, 'doc', 'd1')", (t,))
        rows = self.run('reseed', 'SELECT id FROM tagstore.tag ORDER BY id DESC LIMIT 5')
        if rows and hasattr(self, 'gen'):
            self.gen.tag_ids = [r[0] for r in rows]

    def arg(self, typ, fixed=None):
        """One argument of a type: (SQL placeholder with cast, value)."""
        g = self.gen
        if fixed is not None:
            return '%s::' + typ, str(fixed)
        if g.chance(0.02 if g.clean else 0.08):
            return '%s::' + typ, None
        base = typ[:-2] if typ.endswith('[]') else typ
        if base in ('tagpath', 'tagquery', 'tagtxtquery', 'cstring'):
            base = 'tagpath' if base == 'cstring' else base
            if typ.endswith('[]'):
                if g.chance(0.3):
                    oid, arr = self.types[base]
                    return '%b', Bin(arr, g.array_frame(oid, base))
                return '%s::' + typ, g.array_literal(base)
            if g.chance(0.3) and typ != 'cstring':
                return '%b', Bin(self.types[base][0], g.frame(base, g.literal(base)))
            return '%s::' + typ, g.literal(base)
        if typ == 'text[]':
            return '%s::text[]', g.array_literal('text', huge=20000)
        if typ == 'text':
            if g.chance(0.05):		# invalid UTF-8 as binary text: refused by the server
                return '%b', Bin(25, b'a\xff\xfe' + g.text().encode('utf-8'))
            return '%s::text', g.text()
        if typ == 'bigint':
            return '%s::bigint', str(g.bigint())
        if typ == 'integer':
            return '%s::integer', str(g.integer())
        if typ == 'boolean':
            return '%s::boolean', g.r.choice(['true', 'false'])
        if typ == 'jsonb':
            return '%s::jsonb', g.jsonb()
        if typ == 'interval':
            return '%s::interval', g.interval()
        if typ == '"any"':
            return g.r.choice([('%s::text', g.text()), ('%s::text[]', g.array_literal('text')),
                               ('%s::tagpath', g.path()), ('%s::int', '1')])
        return '%s::' + typ, None

    def call(self, fn, argtypes, fixed=None):
        """Calls fn with arguments drawn for argtypes (fixed: {position: value})."""
        holders, params = [], []
        for i, t in enumerate(argtypes):
            h, v = self.arg(t, (fixed or {}).get(i))
            holders.append(h)
            params.append(v)
        sql = 'SELECT count(*), max(md5(r::text)) FROM %s(%s) AS r' % (fn, ', '.join(holders))
        self.run(fn, sql, params)

    def ends_sweep(self):
        """Every id and offset parameter gets each end of its type, in turn."""
        self.gen.clean = True
        for fn, nargs, argtypes in self.functions:
            for i, t in enumerate(argtypes):
                ends = BIGINT_ENDS if t == 'bigint' else INT_ENDS if t == 'integer' else []
                for v in ends + [0, -1]:
                    self.call(fn, argtypes, {i: v})
        self.gen.clean = False

    def input_round(self):
        """Text and binary input of each type and array, and a binary COPY."""
        g = self.gen
        for typ in ('tagpath', 'tagquery', 'tagtxtquery'):
            oid, arr = self.types[typ]
            lit = g.literal(typ)
            self.run(typ + '_in', 'SELECT md5(%%s::%s::text)' % typ, (lit,))
            self.run(typ + '_recv', 'SELECT md5(%b::text)', (Bin(oid, g.frame(typ, lit)),))
            self.run(typ + '[] in', 'SELECT md5(%%s::%s[]::text)' % typ, (g.array_literal(typ),))
            self.run(typ + '[] recv', 'SELECT md5(%b::text)', (Bin(arr, g.array_frame(oid, typ)),))
        if g.chance(0.2):
            self.copy_binary()

    def copy_binary(self):
        """A binary COPY of rows of all six columns, frames as gen makes them."""
        g = self.gen
        out = bytearray(b'PGCOPY\n\xff\r\n\x00' + b'\x00' * 8)
        for _ in range(g.r.randint(1, 5)):
            out += (6).to_bytes(2, 'big')
            for typ in ('tagpath', 'tagquery', 'tagtxtquery'):
                f = g.frame(typ, g.literal(typ))
                out += len(f).to_bytes(4, 'big') + f
            for typ in ('tagpath', 'tagquery', 'tagtxtquery'):
                oid, arr = self.types[typ]
                f = g.array_frame(oid, typ)
                out += len(f).to_bytes(4, 'big') + f
        out += b'\xff\xff'
        self.calls += 1
        try:
            with self.conn.cursor() as cur:
                with cur.copy('COPY public.fz_copy FROM STDIN (FORMAT binary)') as copy:
                    copy.write(bytes(out))
            self.run('copy read back', 'SELECT count(*), max(md5(t::text)) FROM public.fz_copy t')
            self.run('copy', 'TRUNCATE public.fz_copy')
        except errors.QueryCanceled as e:
            self.find('hang', 'binary COPY', str(e), 'COPY', [bytes(out[:200])])
        except psycopg.OperationalError as e:
            if self.conn.closed or self.conn.broken:
                self.find('crash', 'binary COPY', str(e), 'COPY', [bytes(out[:200])])
                self.connect(self.db)
            else:
                self.classify(e, 'binary COPY', 'COPY', [bytes(out[:200])])
        except psycopg.Error as e:
            self.classify(e, 'binary COPY', 'COPY', [bytes(out[:200])])

    def fuzz_db(self, db, seconds):
        self.connect(db)
        self.setup()
        self.ends_sweep()
        deadline = time.time() + seconds
        n = 0
        while time.time() < deadline:
            n += 1
            if n % 50 == 0:
                self.reseed()
            if self.gen.chance(0.3):
                self.input_round()
            else:
                fn, nargs, argtypes = self.gen.r.choice(self.functions)
                self.gen.clean = self.gen.chance(0.5)
                self.call(fn, argtypes)
                self.gen.clean = False
        self.run('cleanup', 'DROP EXTENSION IF EXISTS tagstore CASCADE')
        self.run('cleanup', 'DROP TABLE IF EXISTS public.fz_copy')
        self.conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seconds', type=float, default=600, help='time to fuzz, shared among the databases')
    ap.add_argument('--seed', type=int, default=None, help='random seed (default: from the clock, printed)')
    ap.add_argument('--timeout', type=float, default=10, help='statement_timeout in seconds: longer is a hang')
    ap.add_argument('--db', action='append', help='database to fuzz in (repeatable; default postgres)')
    ap.add_argument('--stats', action='store_true', help='print the outcomes (SQLSTATEs) of each function')
    args = ap.parse_args()
    if args.seed is None:
        args.seed = int(time.time())
    dbs = args.db or ['postgres']
    print('fuzz: seed %d, %g s, databases %s' % (args.seed, args.seconds, ', '.join(dbs)), flush=True)
    f = Fuzzer(args)
    for db in dbs:
        f.fuzz_db(db, args.seconds / len(dbs))
    if args.stats:
        for (where, outcome), n in sorted(f.outcomes.items()):
            print('  %-40s %-6s %d' % (where, outcome, n))
    found = sum(f.findings.values())
    print('fuzz: %d calls, %d errors (%s), %d values the driver refused, %d findings (%d distinct)' %
          (f.calls, f.errors, 'all proper' if not found else 'see above', f.refused, found, len(f.findings)))
    print('%s: fuzz, seed %d: %d calls, %d findings' %
          ('ok' if not found else 'FAILED', args.seed, f.calls, found))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
