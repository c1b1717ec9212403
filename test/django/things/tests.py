"""The seed's walkthrough, from Django: raw queries and cursors only."""
from django.db import DataError, ProgrammingError, connection, transaction
from django.test import TestCase

from . import tagging
from .models import Thing


def slugs(things):
    return [t.slug for t in things]


class TaggingFromDjango(TestCase):
    @classmethod
    def setUpTestData(cls):
        tagging.create_taxonomy("sizes")
        for size in ("small", "med", "large"):
            tagging.add_tag("sizes." + size)
        tagging.create_taxonomy("Biology")
        for path in ("Biology.animal.mammal.canine", "Biology.animal.fish",
                     "Biology.plant.conifer.cypress", "Biology.plant.conifer.pine",
                     "Biology.plant.aster"):
            tagging.add_tag(path)
        for slug, tags in {
            "elephant": ["sizes.large", "Biology.animal.mammal"],
            "dog": ["sizes.med", "Biology.animal.mammal.canine"],
            "dandelion": ["sizes.small", "Biology.plant.aster"],
            "redwood": ["sizes.large", "Biology.plant.conifer.cypress"],
        }.items():
            thing = Thing.objects.create(slug=slug, name=slug.title())
            tagging.tag(thing, *tags)

    def test_large_animals_include_the_elephant_tagged_mammal(self):
        self.assertEqual(slugs(tagging.things_with_all(["sizes.large", "Biology.animal"])), ["elephant"])

    def test_hierarchy_expansion(self):
        self.assertEqual(slugs(tagging.things_with_all(["Biology.plant"])), ["dandelion", "redwood"])
        self.assertEqual(slugs(tagging.things_with_all(["Biology.plant.conifer"])), ["redwood"])
        self.assertEqual(slugs(tagging.things_with_all(["Biology.animal.fish"])), [])

    def test_any_and_exclude(self):
        self.assertEqual(
            slugs(tagging.things_with_any(["Biology.animal.fish", "Biology.animal.mammal.canine"])), ["dog"])
        self.assertEqual(
            slugs(tagging.things_with_all(["sizes.large"], exclude=["Biology.plant"])), ["elephant"])

    def test_raw_results_are_model_instances(self):
        (elephant,) = tagging.things_with_all(["SIZES.LARGE", "biology.ANIMAL"])
        self.assertIsInstance(elephant, Thing)
        self.assertEqual(elephant.name, "Elephant")

    def test_counts_and_tags_of(self):
        self.assertEqual(tagging.count_with_all(["sizes.large"]), 2)
        self.assertEqual(tagging.tags_of(Thing.objects.get(slug="dog")),
                         ["Biology.animal.mammal.canine", "sizes.med"])

    def test_quoted_labels_round_trip_through_the_driver(self):
        tagging.create_taxonomy("org.nasa.something", free_form=True)
        thing = Thing.objects.get(slug="redwood")
        tagging.tag(thing, '"org.nasa.something"."accepted/approved"')
        self.assertIn('"org.nasa.something"."accepted/approved"', tagging.tags_of(thing))
        self.assertEqual(slugs(tagging.things_with_all(['"org.nasa.something"."accepted/approved"'])),
                         ["redwood"])

    def test_rename_is_seen_at_once(self):
        with connection.cursor() as cur:
            cur.execute("SELECT tagstore.rename_tag('Biology.animal', 'fauna')")
        self.assertEqual(slugs(tagging.things_with_all(["Biology.fauna"])), ["dog", "elephant"])

    def test_errors_reach_django_as_database_errors(self):
        with self.assertRaises(DataError):      # 22023
            with transaction.atomic():
                list(tagging.things_with_all([]))
        with self.assertRaises(ProgrammingError):  # 42704: unknown tag in a closed taxonomy
            with transaction.atomic():
                tagging.tag(Thing.objects.get(slug="dog"), "sizes.gigantic")
