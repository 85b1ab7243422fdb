"""The audit trail becomes a hash chain and append-only.

1. seq / prev_hash / hash, filled for the rows already there (in id order);
2. the retention gate table (not a model: `flush` does not know it) and the triggers that
   reject UPDATE and DELETE of audit rows (TRUNCATE too on PostgreSQL) unless the gate, opened
   only by `clientbase audit prune`, covers the row. See docs/security.md, "Audit trail".

SQLite drops a table's triggers when Django remakes the table (most AlterField/AddField on
SQLite): a later migration that changes AuditEvent must run SQLITE_TRIGGERS (audit_triggers.py) again.
"""

from __future__ import annotations

from typing import Any

import django.utils.timezone
from django.db import migrations, models

from clientbase.access.audit_triggers import GUARD_SQL, UNGUARD_SQL

class RunSQLPerVendor(migrations.RunSQL):
    """RunSQL with one list of statements per database vendor."""

    def __init__(self, forwards: dict[str, list[str]], backwards: dict[str, list[str]]) -> None:
        super().__init__(sql="", reverse_sql="")
        self.forwards, self.backwards = forwards, backwards

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [self.forwards, self.backwards], {})

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        self._run_sql(schema_editor, self.forwards[schema_editor.connection.vendor])

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        self._run_sql(schema_editor, self.backwards[schema_editor.connection.vendor])


def chain_existing_rows(apps: Any, schema_editor: Any) -> None:
    from clientbase.access.audit_trail import GENESIS, canonical, chain_hash

    event_model = apps.get_model("access", "AuditEvent")
    prev = GENESIS
    for seq, event in enumerate(event_model.objects.order_by("id").iterator(), start=1):
        event.seq = seq
        event.prev_hash = prev
        event.hash = chain_hash(
            prev,
            canonical(
                seq=seq,
                at=event.at,
                actor_id=event.actor_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                changes=event.changes,
            ),
        )
        event.save(update_fields=["seq", "prev_hash", "hash"])
        prev = event.hash


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="sequence"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, default=django.utils.timezone.now, verbose_name="at"
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="sequence"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "seq"], name="access_audit_actor_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "seq"], name="access_audit_action_seq_idx"),
        ),
        RunSQLPerVendor(GUARD_SQL, UNGUARD_SQL),
    ]
