"""Audit rows form one hash chain: each row links to the one before it, and two writers at
the same moment still leave a single unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from clientbase.access.audit_trail import GENESIS, canonical, chain_hash, verify
from clientbase.access.models import AuditEvent, User
from clientbase.access.services import record_audit


def test_it_links_each_row_to_the_one_before(director: User) -> None:
    first, second = (
        record_audit(actor=director, action="account.view", object_type="a", object_id=str(n))
        for n in (1, 2)
    )
    start = AuditEvent.objects.order_by("seq").first()

    assert start is not None
    assert start.prev_hash == GENESIS
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert len({first.hash, second.hash}) == 2


def test_its_hash_covers_what_the_database_gives_back(director: User) -> None:
    """Values as they come back from the database (jsonb on PostgreSQL) hash the same."""
    written = record_audit(
        actor=director,
        action="order.create",
        object_type="sales.order",
        object_id="1",
        changes={"net_revenue": "10.50", "ratio": 1.0, "big": 1e20, "tiny": 1.5e-7, "ru": "Ёж"},
    )
    row = AuditEvent.objects.get(pk=written.pk)

    payload = canonical(
        seq=row.seq,
        at=row.at,
        actor_id=row.actor_id,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        changes=row.changes,
    )
    assert chain_hash(row.prev_hash, payload) == row.hash == written.hash


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_chain_when_writers_run_at_once(director: User) -> None:
    writers, rows_each = 4, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(rows_each):
                with transaction.atomic():
                    record_audit(
                        actor=director, action="account.view", object_type="w", object_id=f"{n}.{i}"
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    before = AuditEvent.objects.count()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + writers * rows_each
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify().ok


def test_a_bulk_block_appends_its_rows_together_at_its_end(director: User) -> None:
    from clientbase.access.audit_trail import deferred_audit

    before = AuditEvent.objects.count()
    with transaction.atomic(), deferred_audit():
        for n in range(3):
            record_audit(actor=director, action="deal.move", object_type="d", object_id=str(n))
        assert AuditEvent.objects.count() == before  # collected, not written yet

    moves = list(AuditEvent.objects.filter(action="deal.move").order_by("seq"))
    assert [event.object_id for event in moves] == ["0", "1", "2"]
    assert AuditEvent.objects.count() == before + 3
    assert verify().ok


def test_a_failed_bulk_block_leaves_no_rows(director: User) -> None:
    from clientbase.access.audit_trail import deferred_audit

    def failing_bulk_write() -> None:
        with transaction.atomic(), deferred_audit():
            record_audit(actor=director, action="deal.move", object_type="d", object_id="1")
            raise RuntimeError

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        failing_bulk_write()

    assert AuditEvent.objects.count() == before
