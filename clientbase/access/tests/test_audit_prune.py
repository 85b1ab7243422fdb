"""Retention: rows past the period are pruned as a prefix of the chain, an anchor row records
where the chain now starts, and `verify` still says OK."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from clientbase.access.audit_trail import PRUNE_ACTION, prune, prune_if_due, verify
from clientbase.access.models import AuditEvent, User
from clientbase.access.services import record_audit
from clientbase.access.tests.fixtures import audit_guard_dropped
from clientbase.cli import main


@pytest.fixture
def trail(director: User) -> list[AuditEvent]:
    return [
        record_audit(actor=director, action="account.view", object_type="a", object_id=str(n))
        for n in range(4)
    ]


def later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_it_prunes_old_rows_and_the_chain_still_verifies(trail: list[AuditEvent]) -> None:
    old = AuditEvent.objects.count()

    pruned = prune(actor=None, older_than_days=30, now=later(31))

    assert pruned.rows == old
    remaining = list(AuditEvent.objects.order_by("seq"))
    assert [event.action for event in remaining] == [PRUNE_ACTION]
    anchor = remaining[0]
    assert anchor.changes["through_seq"] == trail[-1].seq
    assert anchor.changes["head_hash"] == trail[-1].hash == anchor.prev_hash
    assert verify().ok


def test_it_keeps_rows_younger_than_the_period(trail: list[AuditEvent]) -> None:
    before = AuditEvent.objects.count()

    pruned = prune(actor=None, older_than_days=30, now=later(29))

    assert pruned.rows == 0
    assert AuditEvent.objects.count() == before


def test_it_verifies_after_two_prunes_and_new_rows(trail: list[AuditEvent], director: User) -> None:
    prune(actor=None, older_than_days=30, now=later(31))
    record_audit(actor=director, action="account.view", object_type="a", object_id="x")
    prune(actor=None, older_than_days=1, now=later(400))
    record_audit(actor=director, action="account.view", object_type="a", object_id="y")

    assert AuditEvent.objects.filter(action=PRUNE_ACTION).count() == 1
    assert verify().ok


def test_it_detects_a_forged_anchor(trail: list[AuditEvent]) -> None:
    pruned = prune(actor=None, older_than_days=30, now=later(31))
    assert pruned.anchor is not None
    with audit_guard_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE access_auditevent SET changes = %s WHERE id = %s",
            ['{"through_seq": 1, "head_hash": "x"}', pruned.anchor.pk],
        )

    assert not verify().ok


def test_it_deletes_nothing_outside_a_prune(trail: list[AuditEvent]) -> None:
    """The gate a prune opens closes with it."""
    prune(actor=None, older_than_days=30, now=later(31))
    anchor = AuditEvent.objects.get(action=PRUNE_ACTION)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        anchor.delete()


def test_the_worker_prunes_at_most_once_a_day(
    director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    forty_days_ago = later(-40)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: forty_days_ago)
        record_audit(actor=director, action="account.view", object_type="a", object_id="old")
    old = AuditEvent.objects.count()
    record_audit(actor=director, action="account.view", object_type="a", object_id="new")

    assert prune_if_due(now=timezone.now(), retention_days=0) is None
    first = prune_if_due(now=timezone.now(), retention_days=30)
    again = prune_if_due(now=timezone.now() + dt.timedelta(hours=12), retention_days=1)
    next_day = prune_if_due(now=later(2), retention_days=1)

    assert first is not None
    assert first.rows == old
    assert again is None
    assert next_day is not None
    assert verify().ok


def test_the_command_prunes_by_the_setting(
    trail: list[AuditEvent], settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.AUDIT_RETENTION_DAYS = 3650
    main(["audit", "prune"])
    assert "No audit rows older than 3650 days" in capsys.readouterr().out

    before = AuditEvent.objects.count()
    main(["audit", "prune", "--older-than-days", "1"])  # nothing is a day old yet
    assert AuditEvent.objects.count() == before


def test_the_command_refuses_without_a_period(
    trail: list[AuditEvent], settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.AUDIT_RETENTION_DAYS = 0

    with pytest.raises(SystemExit) as exit_:
        main(["audit", "prune"])

    assert exit_.value.code == 2
    assert "CLIENTBASE_AUDIT_RETENTION_DAYS" in capsys.readouterr().err
