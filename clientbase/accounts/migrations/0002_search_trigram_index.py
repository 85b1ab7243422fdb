"""On PostgreSQL, a trigram index makes substring search on names an index scan.

Creating the pg_trgm extension needs rights a managed database may not grant; then the index
is skipped and search still works, by scanning.
"""

from django.db import migrations, transaction


def create_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no rights: fall back to scans
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS acc_search_name_trgm "
            "ON accounts_account USING gin (search_name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS acc_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
