"""The application's tagging helpers: thin wrappers over tagstore's SQL API.

Everything goes through connection.cursor() or Model.objects.raw(); the
search expands the taxonomy's hierarchy inside PostgreSQL.
"""
from django.db import connection

from .models import Thing

ENTITY_TYPE = "thing"


def create_taxonomy(name, free_form=False):
    with connection.cursor() as cur:
        cur.execute("SELECT tagstore.create_taxonomy(%s, free_form => %s)", [name, free_form])
        return cur.fetchone()[0]


def add_tag(path):
    """Creates a tag and its missing ancestors; returns its canonical name."""
    with connection.cursor() as cur:
        cur.execute("SELECT tagstore.add_tag(%s::tagpath)::text", [path])
        return cur.fetchone()[0]


def tag(thing, *paths):
    with connection.cursor() as cur:
        for path in paths:
            cur.execute("SELECT tagstore.add_tag_to(%s::tagpath, %s, %s)", [path, ENTITY_TYPE, thing.slug])


def tags_of(thing):
    with connection.cursor() as cur:
        cur.execute("SELECT tag::text FROM tagstore.tags_of(%s, %s)", [ENTITY_TYPE, thing.slug])
        return [row[0] for row in cur.fetchall()]


def things_with_all(paths, exclude=None):
    """Things carrying, for every path, that tag or one below it."""
    return Thing.objects.raw(
        "SELECT t.* FROM things_thing t"
        " JOIN tagstore.entities_with_all(%s::tagpath[], %s, exclude => %s::tagpath[]) e"
        "   ON e.external_id = t.slug"
        " ORDER BY t.slug",
        [list(paths), ENTITY_TYPE, list(exclude) if exclude else None],
    )


def things_with_any(paths):
    return Thing.objects.raw(
        "SELECT t.* FROM things_thing t"
        " JOIN tagstore.entities_with_any(%s::tagpath[], %s) e ON e.external_id = t.slug"
        " ORDER BY t.slug",
        [list(paths), ENTITY_TYPE],
    )


def count_with_all(paths):
    with connection.cursor() as cur:
        cur.execute("SELECT tagstore.count_entities_with_all(%s::tagpath[], %s)", [list(paths), ENTITY_TYPE])
        return cur.fetchone()[0]
