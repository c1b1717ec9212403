"""An application's own model: things that get tagged.

tagstore names an entity by (entity_type, external_id); here the type is
"thing" and the external id is the Thing's slug.
"""
from django.db import models


class Thing(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name
