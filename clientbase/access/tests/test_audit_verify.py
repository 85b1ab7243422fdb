"""`clientbase audit verify`: OK with the chain's head, or the first row that was tampered
with. Tampering needs the triggers gone, as only someone with DDL rights could do."""

from __future__ import annotations

import pytest
from django.db import connection

from clientbase.access.audit_trail import verify
from clientbase.access.models import AuditEvent, User
from clientbase.access.services import record_audit
from clientbase.access.tests.fixtures import audit_guard_dropped
from clientbase.cli import main


@pytest.fixture
def trail(director: User) -> list[AuditEvent]:
    return [
        record_audit(
            actor=director,
            action="account.update",
            object_type="accounts.account",
            object_id=str(n),
            changes={"city": ["Moscow", f"Kazan {n}"]},
        )
        for n in range(5)
    ]


def run_sql(sql: str, params: list[int | str]) -> None:
    with audit_guard_dropped(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_reports_an_untouched_trail_as_ok(
    trail: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["audit", "verify"])

    out = capsys.readouterr().out
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None
    assert "audit trail OK" in out
    assert f"head seq {head.seq}" in out
    assert head.hash in out


def test_it_names_the_row_whose_diff_was_edited(
    trail: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    edited = trail[2]
    run_sql(
        "UPDATE access_auditevent SET changes = %s WHERE id = %s",
        ['{"city": ["Moscow", "Sochi"]}', edited.pk],
    )

    with pytest.raises(SystemExit) as exit_:
        main(["audit", "verify"])

    assert exit_.value.code == 1
    error = capsys.readouterr().err
    assert f"BROKEN at row seq {edited.seq} (id {edited.pk})" in error
    assert "does not match its hash" in error


def test_it_catches_an_edit_that_also_recomputes_the_rows_own_hash(
    trail: list[AuditEvent],
) -> None:
    """Rewriting a row together with its hash breaks the next row's link instead."""
    from clientbase.access.audit_trail import canonical, chain_hash

    edited = trail[1]
    forged = chain_hash(
        edited.prev_hash,
        canonical(
            seq=edited.seq,
            at=edited.at,
            actor_id=edited.actor_id,
            action="account.view",
            object_type=edited.object_type,
            object_id=edited.object_id,
            changes=edited.changes,
        ),
    )
    run_sql(
        "UPDATE access_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["account.view", forged, edited.pk],
    )

    verdict = verify()

    assert not verdict.ok
    assert verdict.broken_seq == trail[2].seq
    assert "link" in verdict.reason


def test_it_notices_a_deleted_row(trail: list[AuditEvent]) -> None:
    run_sql("DELETE FROM access_auditevent WHERE id = %s", [trail[3].pk])

    verdict = verify()

    assert not verdict.ok
    assert verdict.broken_seq == trail[4].seq
    assert "missing" in verdict.reason


def test_it_notices_rows_cut_from_the_start_without_a_prune_record(
    trail: list[AuditEvent],
) -> None:
    first_seq = AuditEvent.objects.order_by("seq").values_list("seq", flat=True)[0]
    run_sql("DELETE FROM access_auditevent WHERE seq = %s", [first_seq])

    verdict = verify()

    assert not verdict.ok
    assert verdict.broken_seq == first_seq + 1
    assert "no prune record" in verdict.reason
