"""The site search's GIN indexes without a pending list (PostgreSQL only).

With GIN's default ``fastupdate``, new entries wait in an unsorted pending list until a vacuum
(or 4 MB of them) merges it into the index, and every search reads that whole list: after a
rebuild of the index (15,000 entries, no vacuum yet) that was 3.4 of a search's 5.5 ms of SQL.
Without it, each entry goes straight into the index: a save or a rebuild writes a little more
(the rebuild of the scale data takes 18 s instead of 15 s), and searches never pay for it. The
entries already pending are merged now.
"""

from django.db import migrations

from portal.migration_ops import RunSQLOn

INDEXES = [f"search_document_{code}_idx" for code in ("en", "ru", "az")]


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0010_site_identity"),
    ]

    operations = [
        RunSQLOn(
            "postgresql",
            [f"ALTER INDEX {name} SET (fastupdate = off)" for name in INDEXES]
            + [f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in INDEXES],
            [f"ALTER INDEX {name} RESET (fastupdate)" for name in INDEXES],
        ),
    ]
