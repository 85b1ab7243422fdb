"""Django's `flush`, which meets the audit trail's append-only triggers.

In real use the triggers make `flush` fail on the audit rows: the trail is only ever shortened
by `clientbase audit prune`. The test suite (and nothing else) sets AUDIT_TRAIL_FLUSHABLE, so
the test runner can empty every table between transactional tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands import flush
from django.db import transaction

from clientbase.access.audit_trail import ALL_ROWS, retention_gate


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if not settings.AUDIT_TRAIL_FLUSHABLE:
            try:
                super().handle(**options)
            except CommandError as error:
                if "append-only" in str(error.__cause__):
                    raise CommandError(
                        "The audit trail is append-only: flush cannot empty it (nothing was "
                        "deleted). Old audit rows go with `clientbase audit prune`."
                    ) from error
                raise
            return
        database = options["database"]
        with transaction.atomic(using=database), retention_gate(ALL_ROWS, using=database):
            super().handle(**options)
