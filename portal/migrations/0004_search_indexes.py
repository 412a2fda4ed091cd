"""GIN indexes for site-wide search (PostgreSQL only; see portal.search).

The expressions are frozen copies of portal.search's vectors: a query uses an index only when
its expression is identical, which tests/portal/test_search.py checks with EXPLAIN. When the
vectors change, add a migration that drops these and creates the new ones.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import migrations
from django.db.models import F, Func

from portal.migration_ops import AddPostgresIndex


class NewsDocument(Func):
    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(F("language"), F("title"), F("lead"), F("body"))

    def as_sql(self, compiler, connection, **extra_context):
        language, title, lead, body = (
            compiler.compile(expression)[0] for expression in self.get_source_expressions()
        )
        config = (
            f"CASE {language} WHEN 'ru' THEN 'russian'::regconfig "
            "WHEN 'az' THEN 'simple'::regconfig ELSE 'english'::regconfig END"
        )
        sql = (
            f"setweight(to_tsvector({config}, COALESCE({title}, '')), 'A') || "
            f"setweight(to_tsvector({config}, COALESCE({lead}, '') || ' ' || "
            f"COALESCE({body}, '')), 'B')"
        )
        return sql, ()


def translated_vector(title, text):
    vector = None
    for weight, name in (("A", title), ("B", text)):
        for suffix, config in (("", "english"), ("_ru", "russian"), ("_az", "simple")):
            part = SearchVector(f"{name}{suffix}", config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_page_version"),
        ("agreements", "0002_change_history"),
        ("events", "0003_history_privacy_exports"),
    ]

    operations = [
        AddPostgresIndex("portal.newsarticle", GinIndex(NewsDocument(), name="news_search_idx")),
        AddPostgresIndex(
            "events.event",
            GinIndex(translated_vector("title", "description"), name="event_search_idx"),
        ),
        AddPostgresIndex(
            "agreements.agreement",
            GinIndex(translated_vector("title", "summary"), name="agreement_search_idx"),
        ),
        AddPostgresIndex(
            "agreements.measure",
            GinIndex(translated_vector("title", "description"), name="measure_search_idx"),
        ),
    ]
