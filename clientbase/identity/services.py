"""Writes of identity resolution: a dedupe run and its candidates, dismissing a pair, and
merging the surest pairs automatically."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientbase.access.models import Scope, User
from clientbase.access.roles import ACCOUNT, MERGE
from clientbase.access.selectors import scope_of
from clientbase.access.services import record_audit
from clientbase.accounts.selectors import visible_accounts
from clientbase.identity.matching import (
    DEFAULT_THRESHOLD,
    MatchResult,
    ScoredPair,
    find_duplicates,
)
from clientbase.identity.models import (
    CandidateStatus,
    DuplicateCandidate,
    MatchRun,
    NameKey,
    RunStatus,
)

Progress = Callable[[str, int, int], None]
_BATCH = 5_000


def run_dedupe(
    *,
    actor: User | None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
) -> MatchRun:
    """Find duplicates across the whole base and store the pairs at or above `threshold`.

    Matching reads only; every write (the run, its candidates, the name keys, the audit row)
    happens in one transaction at the end, so a failed run leaves nothing behind. A pair that
    is already open is refreshed, not repeated; a pair someone dismissed or merged stays so.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValidationError({"threshold": _("Give a probability above 0 and at most 1.")})
    if actor is not None and scope_of(actor, ACCOUNT, MERGE) != Scope.ALL:
        raise PermissionDenied(
            _("Finding duplicates across the whole base needs a base-wide role.")
        )
    started = timezone.now()
    clock = time.monotonic()
    result = find_duplicates(progress=progress, min_probability=threshold)
    above = result.above(threshold)
    with transaction.atomic():
        run = MatchRun.objects.create(
            started_at=started,
            started_by=actor,
            threshold=threshold,
            accounts_compared=result.accounts,
            pairs_scored=result.pairs_scored,
            pairs_exact=result.pairs_exact,
            pairs_probabilistic=result.pairs_scored - result.pairs_exact,
            pairs_above_threshold=len(above),
        )
        run.candidates_new = _store_candidates(run, result, threshold, progress)
        _store_name_keys(result)
        run.status = RunStatus.FINISHED
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - clock, 3)
        run.save()
        record_audit(
            actor=actor,
            action="identity.dedupe",
            obj=run,
            changes={
                "threshold": threshold,
                "accounts": result.accounts,
                "pairs_scored": run.pairs_scored,
                "pairs_above_threshold": run.pairs_above_threshold,
                "candidates_new": run.candidates_new,
            },
        )
    return run


def _store_candidates(
    run: MatchRun, result: MatchResult, threshold: float, progress: Progress | None
) -> int:
    decided = {
        (a, b): status
        for a, b, status in DuplicateCandidate.objects.values_list("left_id", "right_id", "status")
    }
    fresh: list[DuplicateCandidate] = []
    refreshed: list[tuple[int, ScoredPair]] = []
    open_by_pair = dict(
        ((left, right), pk)
        for pk, left, right in DuplicateCandidate.objects.filter(
            status=CandidateStatus.OPEN
        ).values_list("id", "left_id", "right_id")
    )
    for pair in result.above(threshold):
        key = (pair.left_id, pair.right_id)
        existing = open_by_pair.get(key)
        if existing is not None:
            refreshed.append((existing, pair))
        elif key not in decided:
            fresh.append(
                DuplicateCandidate(
                    run=run,
                    left_id=pair.left_id,
                    right_id=pair.right_id,
                    probability=pair.probability,
                    agreements=pair.agreements,
                    found_by=pair.found_by,
                )
            )
    total = len(fresh) + len(refreshed)
    if progress:
        progress("store", 0, total)
    DuplicateCandidate.objects.bulk_create(fresh, batch_size=_BATCH)
    _refresh_candidates(run, refreshed)
    if progress:
        progress("store", total, total)
    return len(fresh)


def _refresh_candidates(run: MatchRun, refreshed: list[tuple[int, ScoredPair]]) -> None:
    """One plain UPDATE per open pair found again: bulk_update's CASE over thousands of ids
    costs PostgreSQL time quadratic in the batch (30 s for 4,690 pairs at 100k accounts)."""
    fields = DuplicateCandidate._meta
    agreements, found_by = fields.get_field("agreements"), fields.get_field("found_by")
    table = connection.ops.quote_name(fields.db_table)
    with connection.cursor() as cur:
        cur.executemany(
            f"UPDATE {table} SET run_id = %s, probability = %s, "  # noqa: S608
            "agreements = %s, found_by = %s WHERE id = %s",
            [
                (
                    run.pk,
                    pair.probability,
                    agreements.get_db_prep_save(pair.agreements, connection),
                    found_by.get_db_prep_save(pair.found_by, connection),
                    pk,
                )
                for pk, pair in refreshed
            ],
        )


def _store_name_keys(result: MatchResult) -> None:
    """Bring the name index in line with this run, writing only the rows that changed.

    Most accounts keep their name between runs, so rewriting all 100k rows through the ORM
    would be most of a run's write time; plain executemany keeps a first run cheap too.
    """
    names = result.names.to_pydict()
    fresh = {
        pk: ((latin or "")[:300], (skel or "")[:300], (prefix or "")[:4])
        for pk, latin, skel, prefix in zip(
            names["unique_id"], names["name_lat"], names["skel"], names["prefix"], strict=True
        )
    }
    table = connection.ops.quote_name(NameKey._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT account_id, latin, skeleton, prefix FROM {table}")  # noqa: S608
        stored = {pk: (latin, skel, prefix) for pk, latin, skel, prefix in cur.fetchall()}
        gone = sorted(stored.keys() - fresh.keys())
        changed = sorted(pk for pk, row in fresh.items() if stored.get(pk, row) != row)
        added = sorted(fresh.keys() - stored.keys())
        for start in range(0, len(gone), _BATCH):
            NameKey.objects.filter(account_id__in=gone[start : start + _BATCH]).delete()
        cur.executemany(
            f"UPDATE {table} SET latin = %s, skeleton = %s, prefix = %s "  # noqa: S608
            "WHERE account_id = %s",
            [(*fresh[pk], pk) for pk in changed],
        )
        cur.executemany(
            f"INSERT INTO {table} (account_id, latin, skeleton, prefix) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [(pk, *fresh[pk]) for pk in added],
        )


def dismiss_candidate(*, actor: User, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Mark a pair as 'not a duplicate'; later runs will not propose it again."""
    visible = visible_accounts(actor=actor).filter(pk__in=[candidate.left_id, candidate.right_id])
    if visible.count() != 2:
        raise PermissionDenied(_("You may not decide on accounts you cannot see."))
    with transaction.atomic():
        locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.status != CandidateStatus.OPEN:
            raise ValidationError(
                {
                    "status": _("This pair was already decided (%(status)s).")
                    % {"status": locked.get_status_display()}
                }
            )
        locked.status = CandidateStatus.DISMISSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record_audit(
            actor=actor,
            action="identity.dismiss",
            obj=locked,
            changes={"left": locked.left_id, "right": locked.right_id},
        )
    return locked


def auto_merge(*, actor: User | None, min_probability: float) -> tuple[int, int]:
    """Merge every open pair at or above `min_probability`, each in its own merge.

    The survivor is the older account (then the one with more orders). A pair whose account
    was already merged away in this pass is merged through its survivor. Returns (merged,
    skipped); a pair that cannot be merged is skipped and stays open for review.
    """
    from clientbase.accounts.merging import choose_survivor
    from clientbase.accounts.models import Account
    from clientbase.accounts.selectors import resolve_account_id
    from clientbase.accounts.services import merge_accounts

    if not 0.0 < min_probability <= 1.0:
        raise ValidationError({"min_probability": _("Give a probability above 0 and at most 1.")})
    if actor is not None and scope_of(actor, ACCOUNT, MERGE) != Scope.ALL:
        raise PermissionDenied(_("Merging across the whole base needs a base-wide role."))
    pairs = list(
        DuplicateCandidate.objects.filter(
            status=CandidateStatus.OPEN, probability__gte=min_probability
        )
        .order_by("-probability", "id")
        .values_list("id", "left_id", "right_id")
    )
    merged = skipped = 0
    for candidate_id, left_id, right_id in pairs:
        a_id, b_id = resolve_account_id(left_id), resolve_account_id(right_id)
        candidate = DuplicateCandidate.objects.get(pk=candidate_id)
        if a_id == b_id:  # already together through an earlier merge of this pass
            DuplicateCandidate.objects.filter(pk=candidate_id).update(
                status=CandidateStatus.MERGED, decided_by=actor, decided_at=timezone.now()
            )
            continue
        survivor, loser = choose_survivor(
            Account.objects.get(pk=a_id), Account.objects.get(pk=b_id)
        )
        try:
            merge_accounts(actor=actor, survivor=survivor, merged=loser, candidate=candidate)
        except (ValidationError, PermissionDenied):
            skipped += 1
            continue
        merged += 1
    return merged, skipped
