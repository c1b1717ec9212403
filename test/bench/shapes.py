#!/usr/bin/python3
"""Data sets of other shapes for the benchmark's shapes section (see
test/bench/README.md, "Shapes"), as CSV files for shapes_load.sql.

  shapes.py order DATADIR OUTDIR --order depth-first|level|random-moved
  shapes.py usr OUTDIR --entities N [--root DIR ...]

Both write tags.csv (as created: id, taxonomy, parent id or 0, value,
depth), taggings.csv (entity, type, external id, tag), moves.csv (tag, new
parent: edits to apply through tagstore.move_tag after loading, in file
order) and queries.csv (id, class, tags, each tag's subtree size in tags
and in taggings, all on the tree as it stands after the moves).

1. Creation orders

`order` takes generate.py's data set from DATADIR (tags numbered depth
first, as a bulk import numbers them) and numbers the same tags again:

  depth-first   unchanged: a subtree is one run of ids;
  level         level by level, and by label within a level, as an import
                sorted by depth creates them: a subtree's ids are spread
                over every level below it, among every other subtree's;
  random-moved  in a random order in which a parent comes before its
                children (the order a taxonomy grown by hand gets), then 20%
                of the tags below the roots move, each under a random tag of
                its old parent's level, as years of edits move them.

The entities and their tags stay the same tags under new numbers, so the
first two orders differ in nothing but the ids: they get the same
questions, drawn before the tags are numbered again. A move keeps the depth of
every tag (the new parent is on the old parent's level), so no move can
put a tag under its own subtree and the moves may run in any order.

Example, a root A with children B (child D) and C: depth-first numbers them
A1 B2 D3 C4; level numbers A1 B2 C3 D4, so B's subtree is {2, 4}.

2. The /usr hierarchy

`usr` walks real directory trees (default /usr/share and /usr/lib, not
following links) into a taxonomy "usr": each directory a tag under its
parent directory, the root directories tags at depth 0. Each entity picks
2 to 4 files (anything but a directory) at random and is tagged with their
directories, so a directory is as popular as it is full. Names that fold
to the same key among siblings (tagstore compares labels case-folded), are
not UTF-8 or hold control characters get " #id" appended or are left out.

3. Query classes

Ten questions per class, on the final tree, drawn by subtree size so that
both hierarchies get the same classes:

  broad single  one of the 16 tags of depth 0-2 with most taggings under them;
  broad + mid   one of those and a mid tag, both over tags of one entity;
  mid 2, mid 3  two or three mid tags, each an ancestor of a different tag
                of one entity (so the answer is not empty), none under another;
  deep pair     two tags of one entity at depth >= the deep level;
  empty pair    two random tags at depth >= the deep level.

A mid tag has MID_MIN_TAGS to MID_MAX_TAGS tags in its subtree ("hundreds
to tens of thousands of descendant tags") and is not broad; the deep level
is the depth three quarters of the tags lie above.
"""
import argparse
import csv
import os
import random
import sys
import unicodedata

QUERIES_PER_CLASS = 10
BROAD_TAGS = 16
MID_MIN_TAGS = 100
MID_MAX_TAGS = 30000
MOVED_SHARE = 0.2
USR_TAXONOMY = "usr"


def read_tags(path):
    """Rows of a tags.csv as lists [id, taxonomy, parent, value, depth]."""
    with open(path, newline="") as f:
        return [[int(r[0]), r[1], int(r[2]), r[3], int(r[4])] for r in csv.reader(f)]


def level_order(tags):
    """New ids: by depth, then by label, taxonomies in their id order."""
    first = {}
    for t in tags:
        first.setdefault(t[1], t[0])
    ranked = sorted(tags, key=lambda t: (first[t[1]], t[4], t[3], t[0]))
    return {t[0]: i + 1 for i, t in enumerate(ranked)}


def random_topological_order(tags, rng):
    """New ids: each next tag drawn at random among those whose parent has one."""
    children = {}
    for t in tags:
        children.setdefault(t[2], []).append(t[0])
    ready = list(children.get(0, []))
    new_id = {}
    while ready:
        i = rng.randrange(len(ready))
        ready[i], ready[-1] = ready[-1], ready[i]
        t = ready.pop()
        new_id[t] = len(new_id) + 1
        ready.extend(children.get(t, []))
    return new_id


def draw_moves(tags, rng):
    """(tag, new parent) for MOVED_SHARE of the tags below the roots of every
    taxonomy with depth; each new parent is a tag of the old parent's level."""
    by_level = {}
    for t in tags:
        by_level.setdefault((t[1], t[4]), []).append(t[0])
    movable = [t for t in tags if t[2] != 0]
    moves = []
    for t in rng.sample(movable, round(len(movable) * MOVED_SHARE)):
        level = by_level[(t[1], t[4] - 1)]
        if len(level) > 1:
            moves.append((t[0], level[rng.randrange(len(level))]))
    return [m for m in moves if m[1] != parent_of(tags, m[0])]


def parent_of(tags, tag):
    """The parent id of a tag of a list numbered 1, 2, ...; 0 for a root."""
    return tags[tag - 1][2]


def renumber(tags, taggings, new_id):
    """The tags and taggings with new ids, tags sorted by them."""
    out = []
    for t in tags:
        out.append([new_id[t[0]], t[1], new_id[t[2]] if t[2] else 0, t[3], t[4]])
    out.sort()
    return out, [(e, kind, ext, new_id[t]) for e, kind, ext, t in taggings]


def order_main(args):
    """The generated data set in DATADIR under another creation order."""
    rng = random.Random(args.seed)
    tags = read_tags(os.path.join(args.datadir, "tags.csv"))
    with open(os.path.join(args.datadir, "taggings.csv"), newline="") as f:
        taggings = [(int(r[0]), r[1], r[2], int(r[3])) for r in csv.reader(f)]
    if args.order == "random-moved":
        tags, taggings = renumber(tags, taggings, random_topological_order(tags, rng))
        write(args.outdir, tags, taggings, draw_moves(tags, rng), rng)
        return
    # the same questions, by the same tags, whatever their numbers
    queries = draw_queries(tags, taggings, rng)
    if args.order == "level":
        new_id = level_order(tags)
        tags, taggings = renumber(tags, taggings, new_id)
        queries = [(cls, [new_id[t] for t in ts], sizes, tagged) for cls, ts, sizes, tagged in queries]
    write(args.outdir, tags, taggings, [], rng, queries)


def clean_label(name):
    """A directory name as a label, or None if tagstore cannot take it."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if any(unicodedata.category(c) == "Cc" for c in name):
        return None
    return name


def usr_main(args):
    """The directories under args.root as tags, entities tagged with files' directories."""
    rng = random.Random(args.seed)
    tags = []
    files = []                      # the directory tag of each file
    dir_id = {}
    entries = 0
    for root in args.root:
        for path, dirs, names in os.walk(root):
            dirs.sort()
            if path == root:
                parent, label = 0, clean_label(root.strip("/"))
            else:
                parent = dir_id.get(os.path.dirname(path))
                label = clean_label(os.path.basename(path))
            if parent is None or label is None:
                dirs[:] = []
                continue
            me = len(tags) + 1
            dir_id[path] = me
            depth = tags[parent - 1][4] + 1 if parent else 0
            tags.append([me, USR_TAXONOMY, parent, label, depth])
            entries += 1 + len(names)
            files.extend([me] * len(names))
    # siblings whose labels fold to the same key: all but the first renamed
    seen = set()
    for t in tags:
        key = (t[2], t[3].casefold())
        if key in seen:
            t[3] = "%s #%d" % (t[3], t[0])
        seen.add((t[2], t[3].casefold()))
    print("usr: %d entries under %s, %d directories, %d files, depth up to %d"
          % (entries, " ".join(args.root), len(tags), len(files), max(t[4] for t in tags)))
    taggings = []
    for e in range(1, args.entities + 1):
        mine = sorted({files[rng.randrange(len(files))] for _ in range(rng.choice((2, 3, 3, 4)))})
        taggings.extend((e, "file set", "F%07d" % e, t) for t in mine)
    write(args.outdir, tags, taggings, [], rng)


def write(outdir, tags, taggings, moves, rng, queries=None):
    """The CSV files, with the query mix drawn on the tree after the moves
    unless given."""
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "tags.csv"), "w", newline="") as f:
        csv.writer(f).writerows(tags)
    with open(os.path.join(outdir, "taggings.csv"), "w", newline="") as f:
        csv.writer(f).writerows(taggings)
    with open(os.path.join(outdir, "moves.csv"), "w", newline="") as f:
        csv.writer(f).writerows(moves)
    final = [list(t) for t in tags]
    for tag, parent in moves:
        final[tag - 1][2] = parent
    queries = queries or draw_queries(final, taggings, rng)
    with open(os.path.join(outdir, "queries.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for i, (cls, ts, sizes, tagged) in enumerate(queries):
            w.writerow((i + 1, cls, braces(ts), braces(sizes), braces(tagged)))
    print("tags=%d moves=%d entities=%d queries=%d" %
          (len(tags), len(moves), taggings[-1][0] if taggings else 0, len(queries)))


def braces(values):
    """A list as a PostgreSQL array literal."""
    return "{%s}" % ",".join(str(v) for v in values)


def draw_queries(tags, taggings, rng):
    """(class, tags, subtree tags of each, subtree taggings of each) per question."""
    n = len(tags)
    parent = [0] + [t[2] for t in tags]
    depth = [0] + [t[4] for t in tags]
    subtree_tags = [0] * (n + 1)
    subtree_taggings = [0] * (n + 1)
    for e, kind, ext, t in taggings:
        subtree_taggings[t] += 1
    # children after parents is not guaranteed once tags moved: deepest first
    for t in sorted(range(1, n + 1), key=lambda t: -depth[t]):
        subtree_tags[t] += 1
        if parent[t]:
            subtree_tags[parent[t]] += subtree_tags[t]
            subtree_taggings[parent[t]] += subtree_taggings[t]

    def chain(t):
        """t and its ancestors, root first."""
        c = []
        while t:
            c.append(t)
            t = parent[t]
        return c[::-1]

    broad = sorted((t for t in range(1, n + 1) if depth[t] <= 2),
                   key=lambda t: -subtree_taggings[t])[:BROAD_TAGS]
    broad_set = set(broad)
    mid = {t for t in range(1, n + 1)
           if MID_MIN_TAGS <= subtree_tags[t] <= MID_MAX_TAGS and t not in broad_set}
    depths = sorted(depth[1:])
    deep_level = depths[len(depths) * 3 // 4]
    deep = [t for t in range(1, n + 1) if depth[t] >= deep_level]
    entity_tags = {}
    for e, kind, ext, t in taggings:
        entity_tags.setdefault(e, []).append(t)
    entities = [ts for ts in entity_tags.values() if len(ts) >= 2]

    def unrelated(ts):
        """No two of the tags the same or one under the other."""
        return all(a not in chain(b) and b not in chain(a) for a in ts for b in ts if a != b) \
            and len(set(ts)) == len(ts)

    def from_entity(kinds, own=False):
        """Tags of one entity's distinct tags, each an ancestor in its kind's
        set (with own, the entity's tags themselves)."""
        for _ in range(100000):
            ts = rng.choice(entities)
            if len(ts) < len(kinds):
                continue
            picks = []
            for t, kind in zip(rng.sample(ts, len(kinds)), kinds):
                options = [a for a in ([t] if own else chain(t)) if a in kind]
                if not options:
                    break
                picks.append(rng.choice(options))
            if len(picks) == len(kinds) and unrelated(picks):
                return picks
        return None

    queries = []

    def add(cls, ts):
        if ts:
            queries.append((cls, ts, [subtree_tags[t] for t in ts], [subtree_taggings[t] for t in ts]))

    for _ in range(QUERIES_PER_CLASS):
        add("1 broad single", [rng.choice(broad)])
    for _ in range(QUERIES_PER_CLASS):
        add("2 broad + mid", from_entity([broad_set, mid]))
    for k in (2, 3):
        for _ in range(QUERIES_PER_CLASS):
            add("%d mid %d" % (k + 1, k), from_entity([mid] * k))
    deep_set = set(deep)
    for _ in range(QUERIES_PER_CLASS):
        add("5 deep pair", from_entity([deep_set, deep_set], own=True))
    for _ in range(QUERIES_PER_CLASS):
        add("6 empty pair", rng.sample(deep, 2))
    return queries


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    o = sub.add_parser("order")
    o.add_argument("datadir")
    o.add_argument("outdir")
    o.add_argument("--order", choices=("depth-first", "level", "random-moved"), required=True)
    o.add_argument("--seed", type=int, default=42)
    u = sub.add_parser("usr")
    u.add_argument("outdir")
    u.add_argument("--entities", type=int, default=200000)
    u.add_argument("--root", action="append")
    u.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    if args.command == "order":
        order_main(args)
    else:
        args.root = args.root or ["/usr/share", "/usr/lib"]
        usr_main(args)


if __name__ == "__main__":
    sys.exit(main())
