from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clientbase.access.models import AuditEvent, User
from clientbase.accounts.models import Account, Contact, TaxIdentifier
from clientbase.identity import services
from clientbase.identity.models import CandidateStatus, DuplicateCandidate, MatchRun, NameKey
from clientbase.identity.selectors import open_candidates
from clientbase.identity.services import dismiss_candidate, run_dedupe


@pytest.fixture
def base(owner: User, outsider: User, make_account: Callable[..., Account]) -> dict[str, Account]:
    """Two planted duplicates among unrelated companies."""
    romashka = make_account(
        owner=owner,
        legal_name="ООО «Ромашка»",
        city="Москва",
        phone="+74951234567",
        email="info@romashka.ru",
    )
    TaxIdentifier.objects.create(account=romashka, kind="ru_inn", value="7707083893")
    copy = make_account(
        owner=outsider,
        legal_name="Romashka LLC",
        city="Москва",
        phone="8 (495) 123-45-67",
    )
    TaxIdentifier.objects.create(account=copy, kind="ru_inn", value="7707083893")
    Contact.objects.create(account=copy, full_name="Ivan", email="ivan@romashka.ru")
    for i, name in enumerate(["Василёк", "Лютик", "Одуванчик", "Подсолнух", "Колокольчик"]):
        make_account(
            owner=owner,
            legal_name=f"ООО «{name}»",
            city="Казань",
            phone=f"+7843123456{i}",
            email=f"info@{i}.example.ru",
        )
    return {"romashka": romashka, "copy": copy}


def test_it_finds_the_planted_pair_and_says_which_fields_agreed(
    base: dict[str, Account], director: User
) -> None:
    run = run_dedupe(actor=director, threshold=0.5)

    candidate = DuplicateCandidate.objects.get()
    assert (candidate.left_id, candidate.right_id) == (base["romashka"].pk, base["copy"].pk)
    assert candidate.agreements["tax_id"] == "exact"
    assert candidate.agreements["phone"] == "exact"
    assert candidate.agreements["name"] in ("exact", "skeleton")
    assert "tax_id" in candidate.found_by
    assert run.pairs_above_threshold == 1
    assert run.candidates_new == 1
    assert NameKey.objects.count() == Account.objects.count()
    assert AuditEvent.objects.filter(action="identity.dedupe", object_id=str(run.pk)).exists()


def test_a_second_run_refreshes_the_open_pair_instead_of_repeating_it(
    base: dict[str, Account], director: User
) -> None:
    run_dedupe(actor=director, threshold=0.5)
    DuplicateCandidate.objects.update(probability=0.5, agreements={}, found_by=[])
    second = run_dedupe(actor=director, threshold=0.5)

    refreshed = DuplicateCandidate.objects.get()
    assert DuplicateCandidate.objects.count() == 1
    assert refreshed.run == second
    assert refreshed.probability > 0.5
    assert refreshed.agreements["tax_id"] == "exact"
    assert "tax_id" in refreshed.found_by
    assert second.candidates_new == 0


def test_a_dismissed_pair_is_not_proposed_again(base: dict[str, Account], director: User) -> None:
    run_dedupe(actor=director, threshold=0.5)
    dismiss_candidate(actor=director, candidate=DuplicateCandidate.objects.get())
    run_dedupe(actor=director, threshold=0.5)

    assert list(DuplicateCandidate.objects.values_list("status", flat=True)) == [
        CandidateStatus.DISMISSED
    ]
    assert AuditEvent.objects.filter(action="identity.dismiss").count() == 1


def test_the_queue_shows_only_pairs_whose_both_accounts_the_actor_sees(
    base: dict[str, Account], director: User, owner: User
) -> None:
    run_dedupe(actor=director, threshold=0.5)

    assert open_candidates(actor=director).count() == 1
    assert open_candidates(actor=owner).count() == 0  # the copy belongs to another team
    assert open_candidates(actor=director, min_probability=1.01).count() == 0


def test_it_rejects_dismissing_a_pair_the_actor_cannot_fully_see(
    base: dict[str, Account], director: User, owner: User
) -> None:
    run_dedupe(actor=director, threshold=0.5)

    with pytest.raises(PermissionDenied):
        dismiss_candidate(actor=owner, candidate=DuplicateCandidate.objects.get())
    assert DuplicateCandidate.objects.get().status == CandidateStatus.OPEN


def test_it_rejects_a_rep_and_a_nonsense_threshold(base: dict[str, Account], owner: User) -> None:
    with pytest.raises(PermissionDenied):
        run_dedupe(actor=owner)
    with pytest.raises(ValidationError):
        run_dedupe(actor=None, threshold=1.5)
    assert not MatchRun.objects.exists()


def test_a_failed_write_leaves_no_run_and_no_candidates(
    base: dict[str, Account], director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("the audit store is down")

    monkeypatch.setattr(services, "record_audit", broken_audit)
    keys_before = list(NameKey.objects.order_by("pk").values_list())  # written with the accounts

    with pytest.raises(RuntimeError):
        run_dedupe(actor=director, threshold=0.5)
    assert not MatchRun.objects.exists()
    assert not DuplicateCandidate.objects.exists()
    assert list(NameKey.objects.order_by("pk").values_list()) == keys_before


def test_it_runs_on_a_small_base_where_no_two_accounts_share_a_mail_domain(
    owner: User, director: User, make_account: Callable[..., Account]
) -> None:
    # No shared e-mail domain: EM has no pairs for one of its blockings and must not fail.
    first = make_account(
        owner=owner, legal_name="ООО «Ромашка»", city="Москва", phone="+74951234567"
    )
    make_account(owner=owner, legal_name="Romashka LLC", city="Москва", phone="84951234567")
    for i, name in enumerate(["Василёк", "Лютик", "Одуванчик"]):
        make_account(owner=owner, legal_name=f"ООО «{name}»", city="Казань", email=f"a@{i}.ru")

    run = run_dedupe(actor=director, threshold=0.5)

    assert run.pk is not None
    pairs = {(c.left_id, c.right_id) for c in DuplicateCandidate.objects.filter(run=run)}
    assert any(first.pk in pair for pair in pairs)
