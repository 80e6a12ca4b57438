"""The portal's search on PostgreSQL: a trigram index over the unit's name, short name and region (issue 15).

The portal finds units first (reports.portal.matching_units) with ``icontains``, which Django writes as
``UPPER(col::text) LIKE UPPER('%q%')``; a GIN index of pg_trgm trigrams over exactly those expressions answers it
for searches of three characters or more, where a B-tree cannot help. SQLite has no such index and keeps its plain
scan of the (small) unit table, so the operations run on PostgreSQL only. Creating the extension needs a role that
may create it (the database owner on PostgreSQL 13 and later, as pg_trgm is a trusted extension)."""

from django.db import migrations

INDEX = "unit_search_trgm"
COLUMNS = ("name", "short_name", "region")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    expressions = ", ".join(f'UPPER("{column}"::text) gin_trgm_ops' for column in COLUMNS)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {INDEX} ON "evaluations_unit" USING gin ({expressions})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: something else may have come to use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0015_publication_figures_metadata_current"),
        ("reports", "0002_key_figures_and_reviews"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
