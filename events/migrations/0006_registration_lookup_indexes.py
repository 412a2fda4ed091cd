"""Trigram indexes on the skeletons of the fields staff look registrants up by (PostgreSQL only).

The check-in page and the registrations admin compare portal_skeleton(field) LIKE '%…%'
(portal.lookup); without an index PostgreSQL computes the skeleton of every registration's
every field, 7 s for 100,000 registrations. pg_trgm's GIN indexes answer such LIKE patterns
from the stored skeletons. The expressions are frozen copies of portal.lookup.Skeleton: a
query uses an index only when its expression is the same, which tests/events/test_admin.py
checks with EXPLAIN.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models import F, Func, TextField
from django.db.models.functions import Cast

from portal.migration_ops import AddPostgresIndex

FIELDS = ["full_name", "email", "organisation", "position"]


class Skeleton(Func):
    function = "portal_skeleton"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(Cast(expression, TextField()), **extra)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_content_in_three_languages"),
        ("portal", "0007_skeleton_function"),
    ]

    operations = [
        TrigramExtension(),
        *(
            AddPostgresIndex(
                "events.registration",
                GinIndex(
                    OpClass(Skeleton(F(name)), name="gin_trgm_ops"),
                    name=f"events_reg_{name}_sk",
                ),
            )
            for name in FIELDS
        ),
    ]
