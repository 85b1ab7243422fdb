"""The audit trail's integrity: the hash chain, its verification and its retention.

Every audit row gets the next `seq` and a SHA-256 `hash` over its canonical serialisation and
the previous row's hash (`prev_hash`); the first row's `prev_hash` is GENESIS. Writers take the
chain's head under a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite allows one
writer at a time anyway), so two transactions can never append the same `seq` (a unique index
backs that up) and the chain never forks.

Database triggers (migration access 0002) reject every UPDATE of an audit row and every
DELETE (and TRUNCATE on PostgreSQL) unless the retention gate, a one-row table the application
fills only inside `prune` (and, in the test suite only, inside `flush`), covers the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from clientbase.access.audit_triggers import CHAIN_LOCK
from clientbase.access.models import AuditEvent, User

GENESIS = "0" * 64
PRUNE_ACTION = "audit.prune"
GATE_TABLE = "access_audit_gate"
ALL_ROWS = 2**63 - 1  # the gate value that lets `flush` empty the table (tests only)


def _normal(value: Any) -> Any:
    """The value as it reads back from either database: PostgreSQL's jsonb turns 1e20 into
    100000000000000000000 and keeps 1.0 as 1.0, so integral floats hash as integers."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def canonical(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    changes: Any,
) -> bytes:
    """The bytes a row's hash covers: sorted-key compact JSON, UTC time to the microsecond."""
    document = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": _normal(changes),
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + payload).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _locked_head() -> tuple[int, str]:
    """The chain's head, read under the chain lock (held until the transaction ends).
    Raw SQL and, on PostgreSQL, one round trip: this runs once per audit row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT head_seq, head_hash FROM access_audit_chain_head()")
        else:
            cursor.execute("SELECT seq, hash FROM access_auditevent ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row is not None and row[0] is not None else (0, GENESIS)


# Rows of a bulk operation waiting to be appended together (see deferred_audit).
_deferred: ContextVar[list[AuditEvent] | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def deferred_audit() -> Iterator[None]:
    """Inside a transaction: collect the audit rows written in the block and append them
    together when it ends (one lock and head read, one multi-row INSERT). Bulk paths (an
    import chunk, a rollback) use it so that the chain lock, held until commit, is taken at
    the end of their transaction rather than at its first audit row. Still one row per
    operation. Use it as `with transaction.atomic(), deferred_audit():` so a failure inside
    leaves neither the writes nor their rows."""
    if _deferred.get() is not None:  # nested: the outer block appends
        yield
        return
    token = _deferred.set([])
    try:
        yield
        rows = _deferred.get() or []
    finally:
        _deferred.reset(token)
    if rows:
        _append_all(rows)


def _append_all(rows: list[AuditEvent]) -> None:
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _locked_head()
        at = timezone.now()
        for event in rows:
            head_seq += 1
            event.seq, event.at, event.prev_hash = head_seq, at, head_hash
            event.hash = chain_hash(head_hash, _payload_of(event.__dict__, actor_key="actor_id"))
            head_hash = event.hash
        AuditEvent.objects.bulk_create(rows, batch_size=500)


def append(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any],
) -> AuditEvent:
    """Append one row at the head of the chain (inside the caller's transaction, if any).

    On PostgreSQL the chain lock is held until the caller's transaction ends, so audited
    writers serialise from their audit row to their commit: services write the row last.
    Inside `deferred_audit()` the row is only collected (and returned unsaved)."""
    pending = _deferred.get()
    if pending is not None:
        event = AuditEvent(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
        )
        pending.append(event)
        return event
    # No savepoint: a failure here must fail the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _locked_head()
        event = AuditEvent(
            seq=head_seq + 1,
            at=timezone.now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            prev_hash=head_hash,
        )
        event.hash = chain_hash(head_hash, _payload_of(event.__dict__, actor_key="actor_id"))
        event.save(force_insert=True)
    return event


def _payload_of(row: dict[str, Any], *, actor_key: str) -> bytes:
    return canonical(
        seq=row["seq"],
        at=row["at"],
        actor_id=row[actor_key],
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        changes=row["changes"],
    )


# --- Verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


_FIELDS = ("id", "seq", "at", "actor_id", "action", "object_type", "object_id", "changes")


def verify(*, chunk: int = 5000) -> Verdict:
    """Walk the chain in `seq` order; the first row that does not fit is reported."""
    anchors = {
        (row["changes"].get("through_seq"), row["changes"].get("head_hash"))
        for row in AuditEvent.objects.filter(action=PRUNE_ACTION).values("changes")
        if isinstance(row["changes"], dict)
    }
    checked = 0
    prev_seq: int | None = None
    prev_hash = GENESIS
    after = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=after)
            .order_by("seq")
            .values(*_FIELDS, "prev_hash", "hash")[:chunk]
        )
        if not rows:
            break
        for row in rows:
            seq = row["seq"]
            if prev_seq is None:
                # The chain starts at 1, or right after a recorded prune.
                if seq != 1 and (seq - 1, row["prev_hash"]) not in anchors:
                    return _broken(
                        row,
                        checked,
                        "rows before it are missing, and no prune record accounts for them",
                    )
                if seq == 1 and row["prev_hash"] != GENESIS:
                    return _broken(row, checked, "the first row does not start the chain")
            else:
                if seq != prev_seq + 1:
                    return _broken(row, checked, f"rows {prev_seq + 1}–{seq - 1} are missing")
                if row["prev_hash"] != prev_hash:
                    return _broken(row, checked, "its link to the previous row does not match")
            if chain_hash(row["prev_hash"], _payload_of(row, actor_key="actor_id")) != row["hash"]:
                return _broken(row, checked, "its content does not match its hash")
            checked += 1
            prev_seq, prev_hash = seq, row["hash"]
        after = rows[-1]["seq"]
    return Verdict(ok=True, checked=checked, head_seq=prev_seq or 0, head_hash=prev_hash)


def _broken(row: dict[str, Any], checked: int, reason: str) -> Verdict:
    return Verdict(
        ok=False,
        checked=checked,
        head_seq=0,
        head_hash="",
        broken_seq=row["seq"],
        broken_id=row["id"],
        reason=reason,
    )


# --- Retention -------------------------------------------------------------------------------


@contextmanager
def retention_gate(through_seq: int, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let this transaction delete audit rows up to `through_seq`. Only `prune` (and `flush`
    in the test suite) open it; the gate row never outlives the transaction."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {GATE_TABLE} (through_seq) VALUES (%s)", [through_seq])  # noqa: S608
        yield
        cursor.execute(f"DELETE FROM {GATE_TABLE}")  # noqa: S608


@dataclass(frozen=True)
class Pruned:
    rows: int
    through_seq: int
    anchor: AuditEvent | None


def prune(*, actor: User | None, older_than_days: int, now: dt.datetime | None = None) -> Pruned:
    """Delete the rows older than `older_than_days` (a prefix of the chain) and append an
    anchor row (action audit.prune) recording the last pruned row's seq and hash, which the
    first remaining row links to. 0 days or nothing old enough: nothing happens."""
    if older_than_days <= 0:
        return Pruned(0, 0, None)
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        _lock_chain()
        old = AuditEvent.objects.filter(at__lt=cutoff).aggregate(through=models.Max("seq"))
        if old["through"] is None:
            return Pruned(0, 0, None)
        through_seq = old["through"]
        through_hash, through_at = AuditEvent.objects.values_list("hash", "at").get(seq=through_seq)
        # `at` grows with `seq` (both taken under the chain lock), so this is the whole prefix;
        # a row written while the clock stepped back goes with its neighbours.
        count = AuditEvent.objects.filter(seq__lte=through_seq).count()
        # The anchor goes first, so the chain's head survives even when every row was old.
        anchor = append(
            actor=actor,
            action=PRUNE_ACTION,
            object_type="access.auditevent",
            object_id="",
            changes={
                "through_seq": through_seq,
                "head_hash": through_hash,
                "rows": count,
                "older_than_days": older_than_days,
                "last_pruned_at": through_at.astimezone(dt.UTC).isoformat(),
            },
        )
        with retention_gate(through_seq):
            deleted, _by_model = AuditEvent.objects.filter(seq__lte=through_seq).delete()
    return Pruned(deleted, through_seq, anchor)


def prune_if_due(*, now: dt.datetime, retention_days: int) -> Pruned | None:
    """The worker's daily prune: at most one a day, so anchors stay few."""
    if retention_days <= 0:
        return None
    recent = AuditEvent.objects.filter(action=PRUNE_ACTION, at__gt=now - dt.timedelta(days=1))
    if recent.exists():
        return None
    return prune(actor=None, older_than_days=retention_days, now=now)
