#!/usr/bin/python3
"""Generates the benchmark data set as CSV files (see test/bench/README).

  generate.py OUTDIR [--entities N] [--tags N] [--seed S]

Shape:
  * one large taxonomy "Earth Science" of about --tags tags, depth up to
    about 19, with skewed fan-out (a few huge families, many small ones) and
    labels with spaces and punctuation ("Sea Ice (Arctic) #12");
  * three small flat taxonomies (quality flags, formats, providers);
  * --entities entities with about 5 tags each, drawn with a Zipf-like skew;
  * the query mix: classes of tag sets, mid-depth ones drawn from real
    entities so that their answers are not empty.

Tags are numbered in depth-first order, as a bulk import of a taxonomy
would create them.
"""
import argparse
import bisect
import csv
import os
import random

WORDS = ["Atmosphere", "Ocean", "Land Surface", "Cryosphere", "Biosphere", "Sea Ice",
         "Aerosols", "Clouds", "Precipitation", "Radiation", "Winds", "Soils",
         "Vegetation", "Snow & Ice", "Glaciers", "Salinity", "Temperature",
         "Pressure", "Humidity", "Chlorophyll", "CO2 (ppm)", "Ozone", "Lakes/Rivers",
         "O'Brien Index", "St. Helens", "Albedo", "Runoff", "Fires", "Drought",
         "Evapotranspiration", "Coastal Processes", "Tides", "Sediments"]
FLAT = {
    "quality": ["good", "fair", "poor", "unverified", "provisional", "final"],
    "format": ["netCDF-4", "HDF5", "GeoTIFF", "CSV", "Zarr", "JSON", "GRIB2", "ASCII"],
    "provider": ["NSIDC", "LP DAAC", "PO.DAAC", "GES DISC", "ORNL DAAC", "ASF", "LAADS",
                 "OB.DAAC", "SEDAC", "CDDIS", "GHRC", "ASDC"],
}


# how many tags each level holds, per 80,000 (depth 0 to 18)
LEVEL_SHARE = [14, 60, 250, 900, 2500, 5000, 8000, 10000, 11000, 10500, 9000,
               7000, 5500, 4000, 2800, 1800, 1000, 500, 200]


def build_tree(rng, total):
    """Returns (parent, depth, label) lists in depth-first order.

    Level by level, each tag picks its parent on the level above with a
    Zipf-like skew, so a few families are huge and many tags are leaves."""
    scale = total / sum(LEVEL_SHARE)
    levels = [[] for _ in LEVEL_SHARE]
    children = {}
    next_id = 0
    for d, share in enumerate(LEVEL_SHARE):
        for _ in range(max(1, round(share * scale))):
            me = next_id
            next_id += 1
            levels[d].append(me)
            if d:
                above = levels[d - 1]
                # Zipf over the level above, in a shuffled order
                r = min(int(rng.paretovariate(0.9)) - 1, len(above) - 1)
                p = above[(r * 7919) % len(above)] if r else above[rng.randrange(len(above))]
                children.setdefault(p, []).append(me)
    # depth-first renumbering, as a bulk import creates tags
    parent, depth, label = [], [], []
    stack = [(root, -1, 0) for root in reversed(levels[0])]
    while stack:
        old, pnew, d = stack.pop()
        me = len(parent)
        parent.append(pnew)
        depth.append(d)
        label.append("%s #%d" % (WORDS[rng.randrange(len(WORDS))], me))
        for c in reversed(children.get(old, [])):
            stack.append((c, me, d + 1))
    return parent, depth, label


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--entities", type=int, default=200000)
    ap.add_argument("--tags", type=int, default=80000)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)

    parent, depth, label = build_tree(rng, args.tags)
    n = len(parent)
    # every tag: id (1-based), taxonomy, parent id (0: root), value, depth
    tags = []
    for i in range(n):
        tags.append((i + 1, "Earth Science", parent[i] + 1 if parent[i] >= 0 else 0, label[i], depth[i]))
    for tax, values in FLAT.items():
        for v in values:
            tags.append((len(tags) + 1, tax, 0, v, 0))
    ancestors = {}

    def chain(t):
        """Ids of t and its ancestors, root first."""
        if t not in ancestors:
            p = tags[t - 1][2]
            ancestors[t] = (chain(p) if p else []) + [t]
        return ancestors[t]

    for t in range(1, len(tags) + 1):
        chain(t)

    with open(os.path.join(args.outdir, "tags.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for t in tags:
            w.writerow(t)

    # Zipf-like popularity over the large taxonomy, favouring deeper tags a
    # little (entities are tagged specifically), plus one flat tag or two
    weights = [1.0 / (r + 1) ** 0.9 for r in range(n)]
    order = list(range(1, n + 1))
    rng.shuffle(order)
    cumulative, acc = [], 0.0
    for wgt in weights:
        acc += wgt
        cumulative.append(acc)

    def pick():
        return order[bisect.bisect_left(cumulative, rng.random() * acc)]

    flat_ids = {tax: [t[0] for t in tags if t[1] == tax] for tax in FLAT}
    entity_tags = []
    with open(os.path.join(args.outdir, "taggings.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for e in range(1, args.entities + 1):
            mine = set()
            for _ in range(rng.choice((2, 3, 3, 4, 4))):
                mine.add(pick())
            mine.add(rng.choice(flat_ids["quality"]))
            if rng.random() < 0.5:
                mine.add(rng.choice(flat_ids["format"]))
            entity_tags.append(sorted(mine))
            etype = "granule" if e % 4 else "collection"
            for t in sorted(mine):
                w.writerow((e, etype, "E%07d" % e, t))

    # the query mix
    by_depth = {}
    for t in range(1, n + 1):
        by_depth.setdefault(tags[t - 1][4], []).append(t)
    # broad: the top-level tags with the largest subtrees
    size = [0] * (n + 2)
    for t in range(n, 0, -1):
        size[t] += 1
        p = tags[t - 1][2]
        if p:
            size[p] += size[t]
    top = sorted(by_depth[0] + by_depth.get(1, []) + by_depth.get(2, []), key=lambda t: -size[t])
    broad = top[:16]
    queries = []

    def add(cls, ts):
        queries.append((cls, "{%s}" % ",".join(str(t) for t in ts)))

    for _ in range(12):
        add("broad single", [rng.choice(broad)])
    for _ in range(12):
        a, b = rng.sample(broad, 2)
        add("broad pair", [a, b])
    # mid-depth pairs and triples from real entities: ancestors at depth 3-8
    tries = 0
    while sum(1 for q in queries if q[0].startswith("mid")) < 24 and tries < 100000:
        tries += 1
        ts = rng.choice(entity_tags)
        deep = [t for t in ts if t <= n and tags[t - 1][4] >= 4]
        if not deep:
            continue
        picks = []
        for t in deep:
            c = chain(t)
            picks.append(c[rng.randint(3, min(len(c) - 1, 8))])
        if len(set(picks)) >= 2:
            k = 3 if len(set(picks)) >= 3 and rng.random() < 0.5 else 2
            add("mid %d" % k, sorted(set(picks))[:k])
    deep = [t for t in range(1, n + 1) if tags[t - 1][4] >= 10]
    for _ in range(12):
        ts = rng.choice(entity_tags)
        cand = [t for t in ts if t <= n and tags[t - 1][4] >= 8]
        if cand:
            add("deep pair", [cand[0], rng.choice(deep)])
        else:
            add("deep pair", rng.sample(deep, 2))
    for _ in range(12):
        add("empty pair", rng.sample(deep, 2))
    with open(os.path.join(args.outdir, "queries.csv"), "w", newline="") as f:
        w = csv.writer(f)
        for i, (cls, ts) in enumerate(queries):
            w.writerow((i + 1, cls, ts))
    print("tags=%d max_depth=%d entities=%d queries=%d" %
          (len(tags), max(depth), args.entities, len(queries)))


if __name__ == "__main__":
    main()
